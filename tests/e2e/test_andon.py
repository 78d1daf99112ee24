#!/usr/bin/python3
"""test_andon -- the andon workflow end to end (PROTOCOL.md 5.1 and 6.1).

raise -> ack -> resolve, resolve straight from raised, cancel from raised
and from acknowledged: the entity in each `ok` (who and when, ack_s,
repair_s), the refusals (conflict naming the current state, not_found,
bad_request naming the key) and the stored audit log read with
`floorctl events`, where every transition appears with its actor and time
and a refusal leaves no trace.
"""
import time

import fhtest
from fhtest import HubTest

ANDON_KEYS = {"id", "line", "equipment", "kind", "severity", "state", "level", "raised_at",
              "raised_by", "raised_via", "acked_at", "acked_by", "acked_via", "resolved_at",
              "resolved_by", "reason", "note", "ack_s", "repair_s"}


def now_ms():
    return int(time.time() * 1000)


class Andon(HubTest):
    async def actors(self):
        return (await self.client("operator", sub="op7"),
                await self.client("maintenance", sub="mt2"),
                await self.client("shift_manager", sub="sm1"))

    def assertTimeNear(self, t, lo, hi):
        self.assertIsInstance(t, int)
        self.assertTrue(lo - 5 <= t <= hi + 5, (lo, t, hi))

    def test_raise_ack_resolve(self):
        async def run():
            op, mt, _ = await self.actors()
            t0 = now_ms()
            a = self.assertOk(await op.write(
                "andon.raise", line="L1", equipment="L1-PRESS1", kind="material", severity=3,
                note="bin empty"))["andon"]
            self.assertEqual(set(a), ANDON_KEYS)
            self.assertEqual(
                {k: a[k] for k in ANDON_KEYS - {"id", "raised_at"}},
                {"line": "L1", "equipment": "L1-PRESS1", "kind": "material", "severity": 3,
                 "state": "raised", "level": 0, "raised_by": "op7", "raised_via": None,
                 "acked_at": None, "acked_by": None, "acked_via": None, "resolved_at": None, "resolved_by": None, "reason": None,
                 "note": "bin empty", "ack_s": None, "repair_s": None})
            self.assertTimeNear(a["raised_at"], t0, now_ms())

            t1 = now_ms()
            k = self.assertOk(await mt.write("andon.ack", andon=a["id"], note="on my way"))["andon"]
            self.assertEqual((k["state"], k["acked_by"], k["note"]),
                             ("acknowledged", "mt2", "on my way"))
            self.assertTimeNear(k["acked_at"], t1, now_ms())
            self.assertAlmostEqual(k["ack_s"], (k["acked_at"] - k["raised_at"]) / 1000.0)
            self.assertIsNone(k["repair_s"])

            t2 = now_ms()
            r = self.assertOk(await mt.write("andon.resolve", andon=a["id"],
                                             reason="mechanical"))["andon"]
            self.assertEqual((r["state"], r["resolved_by"], r["reason"], r["note"]),
                             ("resolved", "mt2", "mechanical", "on my way"))
            self.assertEqual((r["acked_at"], r["acked_by"]), (k["acked_at"], "mt2"))
            self.assertTimeNear(r["resolved_at"], t2, now_ms())
            self.assertAlmostEqual(r["repair_s"], (r["resolved_at"] - r["acked_at"]) / 1000.0)
            self.assertAlmostEqual(r["ack_s"], k["ack_s"])

            events = [e for e in self.hub.events() if e["type"].startswith("andon.")]
            self.assertEqual([(e["type"], e["actor"], e["data"]["state"]) for e in events],
                             [("andon.raise", "op7", "raised"),
                              ("andon.ack", "mt2", "acknowledged"),
                              ("andon.resolve", "mt2", "resolved")])
            for e, t in zip(events, (a["raised_at"], k["acked_at"], r["resolved_at"])):
                self.assertTimeNear(e["ts"], t, t)
                self.assertEqual(e["data"]["id"], a["id"])
            # closed: still on the andon topic, no longer among the line's open andons
            self.assertEqual((await op.snapshot("andon"))["data"]["andons"], [r])
            self.assertEqual((await op.snapshot("line/L1"))["data"]["andons"], [])
        self.run_async(run())

    def test_resolve_from_raised_records_the_ack(self):
        async def run():
            op, mt, _ = await self.actors()
            a = self.assertOk(await op.write("andon.raise", line="L2", kind="quality"))["andon"]
            self.assertEqual((a["equipment"], a["severity"]), (None, 2))  # defaults
            r = self.assertOk(await mt.write("andon.resolve", andon=a["id"], reason="operator",
                                             note="fixed"))["andon"]
            self.assertEqual((r["state"], r["acked_by"], r["resolved_by"], r["reason"], r["note"]),
                             ("resolved", "mt2", "mt2", "operator", "fixed"))
            self.assertEqual(r["acked_at"], r["resolved_at"])
            self.assertEqual(r["repair_s"], 0.0)
            self.assertAlmostEqual(r["ack_s"], (r["acked_at"] - r["raised_at"]) / 1000.0)
            self.assertEqual([e["type"] for e in self.hub.events()
                              if e["type"].startswith("andon")],
                             ["andon.raise", "andon.resolve"])
        self.run_async(run())

    def test_cancel_from_raised_and_acknowledged(self):
        async def run():
            op, mt, sm = await self.actors()
            a = self.assertOk(await op.write("andon.raise", line="L1", kind="help"))["andon"]
            c = self.assertOk(await op.write("andon.cancel", andon=a["id"],
                                             note="by mistake"))["andon"]
            self.assertEqual((c["state"], c["resolved_by"], c["acked_at"], c["ack_s"],
                              c["repair_s"], c["reason"], c["note"]),
                             ("cancelled", "op7", None, None, None, None, "by mistake"))
            self.assertGreaterEqual(c["resolved_at"], c["raised_at"])

            b = self.assertOk(await op.write("andon.raise", line="L1", kind="help"))["andon"]
            self.assertOk(await mt.write("andon.ack", andon=b["id"]))
            c = self.assertOk(await sm.write("andon.cancel", andon=b["id"]))["andon"]
            self.assertEqual((c["state"], c["acked_by"], c["resolved_by"], c["repair_s"]),
                             ("cancelled", "mt2", "sm1", None))
            self.assertIsNotNone(c["ack_s"])
            log = [(e["type"], e["actor"], e["data"]["id"]) for e in self.hub.events()
                   if e["type"].startswith("andon")]
            self.assertEqual(log, [("andon.raise", "op7", a["id"]),
                                   ("andon.cancel", "op7", a["id"]),
                                   ("andon.raise", "op7", b["id"]),
                                   ("andon.ack", "mt2", b["id"]),
                                   ("andon.cancel", "sm1", b["id"])])
        self.run_async(run())

    def test_other_transitions_conflict(self):
        async def run():
            op, mt, sm = await self.actors()
            ids = {}
            for state in ("acknowledged", "resolved", "cancelled"):
                ids[state] = self.assertOk(await op.write("andon.raise", line="L3",
                                                          kind="safety"))["andon"]["id"]
            self.assertOk(await mt.write("andon.ack", andon=ids["acknowledged"]))
            self.assertOk(await mt.write("andon.resolve", andon=ids["resolved"], reason="other"))
            self.assertOk(await sm.write("andon.cancel", andon=ids["cancelled"]))
            before = self.hub.events()
            tries = [("andon.ack", "acknowledged", {})]
            for state in ("resolved", "cancelled"):
                tries += [("andon.ack", state, {}), ("andon.resolve", state, {"reason": "other"}),
                          ("andon.cancel", state, {})]
            for op_name, state, extra in tries:
                r = await sm.write(op_name, andon=ids[state], **extra)
                self.assertErr(r, "conflict", "andon")
                self.assertIn("andon %d is %s" % (ids[state], state), r["msg"])
            self.assertEqual(self.hub.events(), before)  # refusals store nothing
            snap = await op.snapshot("andon")
            self.assertEqual({a["id"]: a["state"] for a in snap["data"]["andons"]},
                             {v: k for k, v in ids.items()})
        self.run_async(run())

    def test_refusals_name_the_key(self):
        async def run():
            op, mt, _ = await self.actors()
            a = self.assertOk(await op.write("andon.raise", line="L1", kind="help"))["andon"]
            before = self.hub.events()
            cases = [
                (op, {"t": "andon.raise", "line": "L1", "kind": "coffee"}, "bad_request", "kind"),
                (op, {"t": "andon.raise", "line": "L1", "kind": ""}, "bad_request", "kind"),
                (op, {"t": "andon.raise", "line": "L1"}, "bad_request", "kind"),
                (op, {"t": "andon.raise", "kind": "help"}, "bad_request", "line"),
                (op, {"t": "andon.raise", "line": "L9", "kind": "help"}, "not_found", "line"),
                (op, {"t": "andon.raise", "line": "L1", "equipment": "L2-WELD1", "kind": "help"},
                 "not_found", "equipment"),
                (op, {"t": "andon.raise", "line": "L1", "kind": "help", "severity": 4},
                 "bad_request", "severity"),
                (op, {"t": "andon.raise", "line": "L1", "kind": "help", "note": "n" * 513},
                 "bad_request", "note"),
                (mt, {"t": "andon.resolve", "andon": a["id"], "reason": "bored"},
                 "bad_request", "reason"),
                (mt, {"t": "andon.resolve", "andon": a["id"]}, "bad_request", "reason"),
                (mt, {"t": "andon.ack", "andon": 999}, "not_found", "andon"),
                (mt, {"t": "andon.ack", "andon": "1"}, "bad_request", "andon"),
                (mt, {"t": "andon.ack", "andon": -1}, "bad_request", "andon"),
                (mt, {"t": "andon.ack", "andon": a["id"], "key": ""}, "bad_request", "key"),
                (mt, {"t": "andon.ack", "andon": a["id"], "key": "k" * 65}, "bad_request", "key"),
            ]
            for i, (c, req, code, key) in enumerate(cases):
                req = dict(req)
                req.setdefault("key", "refused-%d" % i)
                with self.subTest(req=str(req)[:80]):
                    r = await c.request(req)
                    self.assertErr(r, code, key)
                    if code == "bad_request" and key in ("kind", "reason") and req.get(key):
                        self.assertIn(req[key], r["msg"])
            self.assertEqual(self.hub.events(), before)
            snap = await op.snapshot("andon")
            self.assertEqual([(x["id"], x["state"]) for x in snap["data"]["andons"]],
                             [(a["id"], "raised")])
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
