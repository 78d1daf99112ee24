"""gen_dispatch_corpus -- writes the seed corpus of tests/fuzz/fuzz_dispatch.c.

    /usr/bin/python3 tests/reliability/gen_dispatch_corpus.py tests/fuzz/corpus/dispatch

A seed is one byte naming the session (below) and one WebSocket message:
valid requests of every type for the roles that may send them, the same
requests from roles that may not, several maps in one message (a raise and
its ack, a key sent twice), tokens the hub must reject, and the malformed
shapes the decoder must refuse.  Files are named after what they hold; an
input that crashed the hub is added to seeds() as regress_<what>.
"""
import os
import sys

import jwt
import msgpack

# fuzz_dispatch.c: sessions 0..8 are the roles in roles.h order, 9 is a
# maintenance user restricted to line L2, 10 never authenticated.
ROLES = ["viewer", "operator", "maintenance", "quality", "engineer",
         "shift_manager", "production_manager", "admin", "gateway"]
RESTRICTED, UNAUTH = 9, 10
FUZZ_KEY = "fuzz-dispatch-key-0123456789abcdef0123456789"  # CORE_HARNESS_KEY, tests/core/harness.h
EXP_2100 = 4102444800


def token(role="operator", sub="fz-seed", alg="HS256", key=FUZZ_KEY, **claims):
    payload = {"sub": sub, "role": role, "exp": EXP_2100, "iat": 1700000000}
    payload.update(claims)
    return jwt.encode(payload, key, algorithm=alg)


def pack(*maps):
    return b"".join(msgpack.packb(m) for m in maps)


def seeds():
    s = {}
    role = {r: i for i, r in enumerate(ROLES)}
    raise_l1 = {"t": "andon.raise", "id": 1, "key": "s-r1", "line": "L1",
                "equipment": "L1-PRESS1", "kind": "material", "severity": 3,
                "note": "bin empty"}
    raise_l2 = {"t": "andon.raise", "id": 1, "key": "s-r2", "line": "L2", "kind": "help"}
    ack = {"t": "andon.ack", "id": 2, "key": "s-a1", "andon": 1, "note": "on my way"}
    resolve = {"t": "andon.resolve", "id": 3, "key": "s-v1", "andon": 1,
               "reason": "mechanical", "note": "fixed"}
    cancel = {"t": "andon.cancel", "id": 4, "key": "s-c1", "andon": 1}
    eq_state = {"t": "eq.state", "id": 5, "key": "s-e1", "equipment": "L1-PRESS1",
                "state": "down", "reason": "mechanical", "ts": 1736143000000}
    eq_count = {"t": "eq.count", "id": 6, "key": "s-n1", "equipment": "L3-CAP",
                "good": 12, "reject": 1}
    # hello, valid and rejected, on the unauthenticated session
    s["hello_ok"] = (UNAUTH, pack({"t": "hello", "id": 1, "token": token(),
                                   "client": "fuzz", "resume": "0000000100000002"}))
    s["hello_lines"] = (UNAUTH, pack({"t": "hello", "id": 1, "token": token(lines=["L1"])}))
    s["hello_no_token"] = (UNAUTH, pack({"t": "hello", "id": 1}))
    s["hello_expired"] = (UNAUTH, pack({"t": "hello", "id": 1, "token": token(exp=1000)}))
    s["hello_bad_role"] = (UNAUTH, pack({"t": "hello", "id": 1, "token": token(role="king")}))
    s["hello_alg_none"] = (UNAUTH, pack({"t": "hello", "id": 1,
                                         "token": token(alg="none", key=None)}))
    s["hello_again"] = (role["operator"], pack({"t": "hello", "id": 9}))
    s["unauth_raise"] = (UNAUTH, pack(raise_l1))
    s["ping"] = (UNAUTH, pack({"t": "ping", "id": 7}))
    # reads
    topics = ["plant", "andon", "line/L1", "line/L2", "line/L3", "oee/L1", "oee/L2", "oee/L3"]
    s["sub_all"] = (role["viewer"], pack({"t": "sub", "id": 3, "topics": topics}))
    s["sub_since"] = (role["viewer"], pack({"t": "sub", "id": 3, "topics": ["line/L1", "andon"],
                                            "since": {"line/L1": 1, "andon": 0}, "epoch": 1}))
    s["sub_unknown"] = (role["viewer"], pack({"t": "sub", "id": 3, "topics": ["line/X9"]}))
    s["unsub"] = (role["viewer"], pack({"t": "unsub", "id": 4, "topics": ["oee/L1"]}))
    s["shift_report"] = (role["viewer"], pack({"t": "shift.report", "id": 11, "line": "L1"}))
    s["shift_report_at"] = (role["viewer"], pack({"t": "shift.report", "id": 11, "line": "L1",
                                                  "shift_start": 1736143200000}))
    # writes, each by a role allowed and one that is not
    s["raise_operator"] = (role["operator"], pack(raise_l1))
    s["raise_viewer"] = (role["viewer"], pack(raise_l1))
    s["raise_gateway_l2"] = (role["gateway"], pack(raise_l2))
    s["raise_restricted_l1"] = (RESTRICTED, pack(raise_l1))
    s["raise_restricted_l2"] = (RESTRICTED, pack(raise_l2))
    s["ack_maintenance"] = (role["maintenance"], pack(ack))
    s["ack_operator"] = (role["operator"], pack(ack))
    s["resolve_quality"] = (role["quality"], pack(resolve))
    s["cancel_shift_manager"] = (role["shift_manager"], pack(cancel))
    s["cancel_operator"] = (role["operator"], pack(cancel))
    s["eq_state_gateway"] = (role["gateway"], pack(eq_state))
    s["eq_state_engineer"] = (role["engineer"], pack(eq_state))
    s["eq_count_admin"] = (role["admin"], pack(eq_count))
    # several maps in one message
    s["raise_ack_resolve"] = (role["admin"], pack(dict(raise_l1, key="m-r"), dict(ack, key="m-a"),
                                                  dict(resolve, key="m-v")))
    s["same_key_twice"] = (role["operator"], pack(dict(raise_l2, id=1), dict(raise_l2, id=2)))
    s["count_burst"] = (role["gateway"], pack(*[dict(eq_count, id=i, key="b-%d" % i)
                                               for i in range(20)]))
    s["states_burst"] = (role["gateway"], pack(*[dict(eq_state, id=i, key="st-%d" % i, state=st)
                                                for i, st in enumerate(
                                                    ["running", "idle", "down", "blocked",
                                                     "starved", "changeover", "planned_stop",
                                                     "unknown"])]))
    s["production_manager_all"] = (role["production_manager"], pack(
        dict(raise_l2, key="pm-r"), dict(ack, key="pm-a", andon=2),
        dict(cancel, key="pm-c", andon=2), {"t": "ping", "id": 99}))
    # malformed
    s["bad_truncated"] = (role["operator"], pack(raise_l1)[:-3])
    s["bad_array32"] = (role["viewer"], b"\x83\xa1t\xa3sub\xa2id\x01\xa6topics\xdd\xff\xff\xff\xff")
    s["bad_map32"] = (role["viewer"], b"\xdf\xff\xff\xff\xff\xa1t\xa4ping")
    s["bad_str32"] = (role["viewer"], b"\x82\xa1t\xa4ping\xa4note\xdb\xff\xff\xff\xff")
    s["bad_deep"] = (role["viewer"], b"\x82\xa1t\xa4ping\xa1x" + b"\x91" * 12 + b"\x00")
    s["bad_dup_key"] = (role["operator"], b"\x83\xa1t\xa4ping\xa2id\x01\xa2id\x02")
    s["bad_text_t"] = (role["operator"], pack({"t": 7, "id": 1}))
    s["bad_then_good"] = (role["operator"], pack({"t": "ping", "id": 1}) + b"\xc1" +
                          pack({"t": "ping", "id": 2}))
    # regressions: inputs that crashed the hub once
    # writes.c copy_view: memcpy from the NULL view of an absent equipment
    s["regress_raise_no_equipment"] = (RESTRICTED, pack(raise_l2))
    return s


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, (session, body) in sorted(seeds().items()):
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(bytes([session]) + body)
    print("%d seeds in %s" % (len(seeds()), out_dir))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen_dispatch_corpus.py OUT_DIR")
    main(sys.argv[1])
