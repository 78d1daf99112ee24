#!/usr/bin/python3
"""test_idempotency -- durable writes and idempotency keys (PROTOCOL.md 5).

An `ok` means committed: the write is there after a clean restart and after
kill -9 right after the ok.  A key sent again (also after a restart, also
while the first is still pending) returns the stored result with
`replay: true` and has no second effect; the same key from another user is
a separate write.  "No second effect" is read back from the andon and
equipment snapshots and from the stored audit log.
"""
import fhtest
from fhtest import HubTest

RAISE = {"line": "L1", "equipment": "L1-PRESS2", "kind": "material", "note": "bin empty"}


class Idempotency(HubTest):
    async def andons(self):
        c = await self.client("viewer", sub="reader")
        snap = await c.snapshot("andon")
        await c.close()
        return snap["data"]["andons"]

    async def press2(self):
        c = await self.client("viewer", sub="reader")
        snap = await c.snapshot("line/L1")
        await c.close()
        return next(e for e in snap["data"]["equipment"] if e["id"] == "L1-PRESS2")

    def writes_logged(self):
        return [(e["type"], e["actor"]) for e in self.hub.events()
                if e["type"] in ("andon.raise", "andon.ack", "eq.count")]

    def test_ok_write_survives_restart(self):
        async def run():
            op = await self.client("operator", sub="op1")
            a = self.assertOk(await op.write("andon.raise", key="r1", **RAISE))["andon"]
            await fhtest.Client.close_all()
            self.assertEqual(self.hub.stop(), 0)
            self.hub.start()
            self.assertEqual(await self.andons(), [a])
        self.run_async(run())

    def test_ok_write_survives_kill_9(self):
        async def run():
            op = await self.client("operator", sub="op1")
            gw = await self.client("gateway", sub="gw1")
            a = self.assertOk(await op.write("andon.raise", key="r1", **RAISE))["andon"]
            e = self.assertOk(await gw.write("eq.count", key="c1", equipment="L1-PRESS2",
                                             good=4, reject=1))["equipment"]
            self.hub.kill9()  # no shutdown path: only what was committed is there
            self.hub.start()
            self.assertEqual(await self.andons(), [a])
            self.assertEqual(await self.press2(), e)
            op = await self.client("operator", sub="op1")
            again = self.assertOk(await op.write("andon.raise", key="r1", **RAISE))
            self.assertEqual((again["andon"], again.get("replay")), (a, True))
            self.assertEqual(self.writes_logged(), [("andon.raise", "op1"), ("eq.count", "gw1")])
        self.run_async(run())

    def test_replayed_key_has_no_second_effect(self):
        async def run():
            op = await self.client("operator", sub="op1")
            mt = await self.client("maintenance", sub="mt1")
            gw = await self.client("gateway", sub="gw1")
            first = self.assertOk(await op.write("andon.raise", key="r1", **RAISE))
            self.assertNotIn("replay", first)
            for fields in (RAISE, dict(RAISE, line="L2", equipment=None)):  # same key, any body
                again = self.assertOk(await op.write("andon.raise", key="r1", **fields))
                self.assertEqual((again["andon"], again["replay"]), (first["andon"], True))
            aid = first["andon"]["id"]
            ack = self.assertOk(await mt.write("andon.ack", key="a1", andon=aid))
            again = self.assertOk(await mt.write("andon.ack", key="a1", andon=aid))
            # a replay, not a conflict
            self.assertEqual((again["andon"], again["replay"]), (ack["andon"], True))
            c1 = self.assertOk(await gw.write("eq.count", key="c1", equipment="L1-PRESS2",
                                              good=5, reject=0))
            c2 = self.assertOk(await gw.write("eq.count", key="c1", equipment="L1-PRESS2",
                                              good=5, reject=0))
            self.assertEqual((c2["equipment"], c2["replay"]), (c1["equipment"], True))

            andons = await self.andons()
            self.assertEqual([(x["id"], x["state"]) for x in andons], [(aid, "acknowledged")])
            self.assertEqual((await self.press2())["good"], 5)
            logged = [("andon.raise", "op1"), ("andon.ack", "mt1"), ("eq.count", "gw1")]
            self.assertEqual(self.writes_logged(), logged)
            self.assertEqual(self.hub.metrics()["floorhub_idempotent_replays_total"], 4)

            await fhtest.Client.close_all()
            self.hub.restart()
            op = await self.client("operator", sub="op1")
            gw = await self.client("gateway", sub="gw1")
            again = self.assertOk(await op.write("andon.raise", key="r1", **RAISE))
            self.assertEqual((again["andon"], again["replay"]), (first["andon"], True))
            again = self.assertOk(await gw.write("eq.count", key="c1", equipment="L1-PRESS2",
                                                 good=5, reject=0))
            self.assertEqual((again["equipment"]["good"], again["replay"]), (5, True))
            self.assertEqual(len(await self.andons()), 1)
            self.assertEqual((await self.press2())["good"], 5)
            self.assertEqual(self.writes_logged(), logged)
        self.run_async(run())

    def test_same_key_in_one_frame(self):
        async def run():
            op = await self.client("operator", sub="op1")
            req = dict(RAISE, t="andon.raise", key="twice")
            await op.send(dict(req, id=71), dict(req, id=72))
            r1 = await op.next(pred=lambda m: m.get("id") == 71)
            r2 = await op.next(pred=lambda m: m.get("id") == 72)
            self.assertNotIn("replay", self.assertOk(r1))
            self.assertEqual((self.assertOk(r2)["andon"], r2["replay"]), (r1["andon"], True))
            self.assertEqual(len(await self.andons()), 1)
        self.run_async(run())

    def test_same_key_from_another_user_is_a_separate_write(self):
        async def run():
            op1 = await self.client("operator", sub="op1")
            op2 = await self.client("operator", sub="op2")
            a = self.assertOk(await op1.write("andon.raise", key="shared", **RAISE))
            b = self.assertOk(await op2.write("andon.raise", key="shared", **RAISE))
            self.assertNotIn("replay", b)
            self.assertNotEqual(a["andon"]["id"], b["andon"]["id"])
            self.assertEqual(b["andon"]["raised_by"], "op2")
            self.assertEqual(len(await self.andons()), 2)
            self.assertEqual(self.writes_logged(), [("andon.raise", "op1"), ("andon.raise", "op2")])
        self.run_async(run())

    def test_refused_write_stores_no_key(self):
        async def run():
            mt = await self.client("maintenance", sub="mt1")
            self.assertErr(await mt.write("andon.ack", key="early", andon=1), "not_found")
            op = await self.client("operator", sub="op1")
            a = self.assertOk(await op.write("andon.raise", key="r1", **RAISE))["andon"]
            r = self.assertOk(await mt.write("andon.ack", key="early", andon=a["id"]))
            self.assertNotIn("replay", r)
            self.assertEqual(r["andon"]["state"], "acknowledged")
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
