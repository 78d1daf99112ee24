#!/usr/bin/python3
"""test_pubsub -- subscriptions end to end (PROTOCOL.md section 4).

A subscriber gets `ok`, then a snap per topic in request order, then upds
whose seq rises by exactly 1 per topic; unsub stops them at once; a client
that resumes with since + epoch gets the missed upds instead of a snap, and
a snap when the epoch is wrong or the replay buffer (1024 upds) no longer
reaches back.  Writes come from a second client, and Client.sync() (a ping
round trip) marks the point by which the hub has sent everything.
"""
import fhtest
from fhtest import Client, HubTest, make_token


def upds(msgs, topic=None):
    return [m for m in msgs if m["t"] == "upd" and (topic is None or m["topic"] == topic)]


class PubSub(HubTest):
    async def writer(self):
        return await self.client("admin", sub="writer")

    async def raise_some(self, w, n, line="L1"):
        ids = []
        for _ in range(n):
            ids.append(self.assertOk(await w.write("andon.raise", line=line,
                                                   kind="help"))["andon"]["id"])
        return ids

    def test_snap_then_upd_seq_rises_by_one(self):
        async def run():
            topics = ["plant", "andon", "line/L1", "line/L2", "oee/L1"]
            c = await self.client("viewer")
            self.assertEqual(await c.sub(*topics), {"t": "ok", "id": 2, "topics": topics})
            snaps = [await c.next() for _ in topics]
            self.assertEqual([(s["t"], s["topic"]) for s in snaps], [("snap", t) for t in topics])
            self.assertTrue(all(s["epoch"] == c.welcome["epoch"] for s in snaps))
            w = await self.writer()
            a1, a2 = await self.raise_some(w, 1, "L1") + await self.raise_some(w, 1, "L2")
            self.assertOk(await w.write("andon.ack", andon=a1))
            self.assertOk(await w.write("andon.resolve", andon=a1, reason="other"))
            self.assertOk(await w.write("andon.cancel", andon=a2))
            self.assertOk(await w.write("eq.state", equipment="L1-PRESS1", state="running"))
            self.assertOk(await w.write("eq.count", equipment="L1-PRESS1", good=3, reject=1))
            got = await c.sync()
            for snap in snaps:
                seqs = [u["seq"] for u in upds(got, snap["topic"])]
                self.assertEqual(seqs, list(range(snap["seq"] + 1, snap["seq"] + 1 + len(seqs))),
                                 snap["topic"])
            andon_upds = [u["data"]["andon"] for u in upds(got, "andon")]
            self.assertEqual([(a["id"], a["state"]) for a in andon_upds],
                             [(a1, "raised"), (a2, "raised"), (a1, "acknowledged"),
                              (a1, "resolved"), (a2, "cancelled")])
            line1 = upds(got, "line/L1")
            self.assertTrue(all(len(u["data"]) == 1 and set(u["data"]) <=
                                {"line", "equipment", "andon", "oee"} for u in line1), line1)
            self.assertEqual([u["data"]["andon"]["state"] for u in line1 if "andon" in u["data"]],
                             ["raised", "acknowledged", "resolved"])
            self.assertEqual([u["data"]["equipment"]["good"] for u in line1
                              if "equipment" in u["data"]], [0, 3])
            self.assertTrue(any(u["data"]["line"]["id"] == "L2" for u in upds(got, "plant")))
        self.run_async(run())

    def test_resubscribe_sends_fresh_snap(self):
        async def run():
            c = await self.client("viewer")
            first = await c.snapshot("andon")
            await self.raise_some(await self.writer(), 2)
            await c.sync()
            again = await c.snapshot("andon")
            self.assertEqual(again["seq"], first["seq"] + 2)
            ids = [a["id"] for a in again["data"]["andons"]]
            self.assertEqual(ids, sorted(ids, reverse=True))  # newest first
            self.assertEqual(len(ids), 2)
        self.run_async(run())

    def test_unsub_stops_updates_at_once(self):
        async def run():
            c = await self.client("viewer")
            await c.snapshot("andon")
            await c.snapshot("line/L1")
            self.assertEqual(await c.request({"t": "unsub", "topics": ["andon"]}),
                             {"t": "ok", "id": 4})
            self.assertOk(await c.request({"t": "unsub", "topics": ["oee/L2"]}))  # not held
            await self.raise_some(await self.writer(), 1)
            got = await c.sync()
            self.assertEqual(upds(got, "andon"), [])
            self.assertTrue(upds(got, "line/L1"))  # still subscribed there
        self.run_async(run())

    def test_resume_replays_missed_upds(self):
        async def run():
            c = await self.client("viewer")
            snaps = {t: await c.snapshot(t) for t in ("andon", "line/L1", "plant")}
            epoch, session = c.welcome["epoch"], c.welcome["session"]
            await c.close()
            ids = await self.raise_some(await self.writer(), 3)

            c = Client(self.hub)
            await c.connect()
            w = await c.request({"t": "hello", "token": make_token(sub="viewer1", role="viewer"),
                                 "resume": session})
            self.assertEqual(w["epoch"], epoch)
            since = {"andon": snaps["andon"]["seq"], "line/L1": snaps["line/L1"]["seq"],
                     "oee/L3": 1}  # not in topics: ignored
            self.assertOk(await c.sub("andon", "line/L1", "plant", since=since, epoch=epoch))
            got = await c.sync()
            self.assertEqual([m["topic"] for m in got if m["t"] == "snap"], ["plant"])
            missed = upds(got, "andon")
            self.assertEqual([u["seq"] for u in missed],
                             [snaps["andon"]["seq"] + i for i in (1, 2, 3)])
            self.assertEqual([u["data"]["andon"]["id"] for u in missed], ids)
            line = upds(got, "line/L1")
            self.assertEqual([u["seq"] for u in line],
                             list(range(snaps["line/L1"]["seq"] + 1,
                                        snaps["line/L1"]["seq"] + 1 + len(line))))
            self.assertEqual(sum("andon" in u["data"] for u in line), 3)
            self.assertEqual(self.hub.metrics()["floorhub_reconnects_total"], 1)
        self.run_async(run())

    def test_resume_with_wrong_epoch_or_future_seq_gets_snap(self):
        async def run():
            c = await self.client("viewer")
            snap = await c.snapshot("andon")
            await self.raise_some(await self.writer(), 1)
            await c.sync()
            epoch = c.welcome["epoch"]
            for since, ep in ((snap["seq"], epoch + 1), (snap["seq"] + 5, epoch)):
                self.assertOk(await c.sub("andon", since={"andon": since}, epoch=ep))
                got = await c.sync()
                self.assertEqual([(m["t"], m["seq"]) for m in got], [("snap", snap["seq"] + 1)])
            # without epoch, since alone does not resume
            self.assertOk(await c.sub("andon", since={"andon": snap["seq"]}))
            self.assertEqual([m["t"] for m in await c.sync()], ["snap"])
        self.run_async(run())

    def test_unknown_topic_subscribes_nothing(self):
        async def run():
            c = await self.client("viewer")
            for bad in ("line/X9", "line/", "oee/L1/x", "Andon", "line/L1 "):
                r = await c.request({"t": "sub", "topics": ["andon", "line/L1", bad]})
                self.assertErr(r, "not_found", "topics")
                self.assertIn(bad, r["msg"])
            self.assertErr(await c.request({"t": "sub", "topics": ["andon", ""]}),
                           "bad_request", "topics")
            self.assertErr(await c.request({"t": "sub", "topics": []}), "bad_request", "topics")
            await self.raise_some(await self.writer(), 1)
            self.assertEqual(await c.sync(), [])  # no snap, no upd
        self.run_async(run())

    def test_several_maps_in_one_frame(self):
        async def run():
            c = await self.client("viewer")
            await c.send({"t": "ping", "id": 11}, {"t": "sub", "id": 12, "topics": ["andon"]},
                         {"t": "ping", "id": 13}, {"t": "shift.report", "id": 14, "line": "L1"},
                         {"t": "nope", "id": 15})
            got = [await c.next() for _ in range(6)]
            self.assertEqual([(m["t"], m.get("id")) for m in got],
                             [("pong", 11), ("ok", 12), ("snap", None), ("pong", 13),
                              ("err", 14), ("err", 15)])
            self.assertEqual((got[4]["code"], got[5]["code"], got[5]["key"]),
                             ("not_found", "bad_request", "t"))
        self.run_async(run())


class EpochAndReplayBuffer(HubTest):
    hub_args = ("--rate", "100000", "--burst", "100000")

    def test_epoch_changes_after_restart(self):
        async def run():
            c = await self.client("viewer")
            snap = await c.snapshot("andon")
            old = c.welcome["epoch"]
            self.hub.restart()
            c = await self.client("viewer")
            self.assertNotEqual(c.welcome["epoch"], old)
            self.assertOk(await c.sub("andon", since={"andon": snap["seq"]}, epoch=old))
            got = await c.sync()
            self.assertEqual([(m["t"], m["epoch"]) for m in got], [("snap", c.welcome["epoch"])])
        self.run_async(run())

    def test_too_old_since_gets_snap(self):
        async def run():
            c = await self.client("viewer")
            start = (await c.snapshot("line/L1"))["seq"]
            gw = await self.client("gateway")
            n, batch = 1100, 100
            for b in range(0, n, batch):
                await gw.send(*({"t": "eq.count", "id": 1000 + i, "key": "c%d" % i,
                                 "equipment": "L1-PRESS1", "good": 1, "reject": 0}
                                for i in range(b, b + batch)))
                for _ in range(batch):
                    self.assertOk(await gw.next(pred=lambda m: m["t"] == "ok"))
            top = (await c.sync())[-1]["seq"]
            self.assertGreaterEqual(top - start, n)
            epoch = c.welcome["epoch"]
            self.assertOk(await c.sub("line/L1", since={"line/L1": start}, epoch=epoch))
            self.assertEqual([m["t"] for m in await c.sync()], ["snap"])
            # still inside the 1024 kept: replayed
            self.assertOk(await c.sub("line/L1", since={"line/L1": top - 1000}, epoch=epoch))
            got = await c.sync()
            self.assertEqual([u["seq"] for u in got], list(range(top - 999, top + 1)))
            self.assertTrue(all(m["t"] == "upd" for m in got))
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
