"""Storage full: the LMDB map reaches its cap (--map-size-max).

A write that cannot be committed is answered `err unavailable` and changes
nothing (PROTOCOL.md section 5); reads, subscriptions and pings go on; the
store stays consistent (the hub restarts on it, the audit log reads back,
floorctl can back it up) and the hub writes again once it is given a larger
cap.  The cap is 1 MiB: a few hundred andons with long notes fill it.
"""
import os
import subprocess

from relcommon import FLOORCTL_BIN, RelTest, fresh_key, plant_with_escalation

NOTE = "n" * 500
CAP = "1M"


class StorageFull(RelTest):
    hub_args = ("--map-size", CAP, "--map-size-max", CAP, "--rate", "100000",
                "--burst", "100000")
    plant_data = plant_with_escalation((86400, "shift_manager"))

    async def fill_with(self, client, make, stored, in_row):
        """Sends make(key) writes until in_row in a row were refused; ok'd
        results go into stored (andon id or equipment id -> body).
        Returns the key of the last refused write."""
        refused_in_row, refused = 0, None
        while refused_in_row < in_row:
            key = fresh_key("fill")
            reply = await client.request(make(key))
            if reply["t"] == "ok":
                body = reply.get("andon") or reply.get("equipment")
                stored[body["id"]] = body
                refused_in_row = 0
                continue
            self.assertErr(reply, "unavailable")
            self.assertNotIn("andon", reply)
            self.assertNotIn("equipment", reply)
            refused_in_row += 1
            refused = key
            self.assertLess(len(stored), 3000, "the store never filled up")
        return refused

    async def fill(self, op, gw):
        """Fills the store with long notes, then with small writes until
        even those are refused.  Returns the andons and equipment that were
        answered ok and the key of a refused write."""
        andons, equipment = {}, {}
        refused = await self.fill_with(op, lambda key: {
            "t": "andon.raise", "key": key, "line": "L1", "kind": "material",
            "note": NOTE}, andons, 3)
        await self.fill_with(op, lambda key: {
            "t": "andon.raise", "key": key, "line": "L1", "kind": "material"}, andons, 5)
        await self.fill_with(gw, lambda key: {
            "t": "eq.count", "key": key, "equipment": "L1-DEST", "good": 1,
            "reject": 0}, equipment, 5)
        return andons, equipment, refused

    async def reads_go_on(self, op, watcher, stored, refused):
        # The refused key was not stored: it is refused again, not replayed.
        again = await op.write("andon.raise", key=refused, line="L1", kind="material", note=NOTE)
        self.assertErr(again, "unavailable")
        mt = await self.client("maintenance")
        self.assertErr(await mt.write("andon.ack", key=fresh_key(), andon=min(stored)),
                       "unavailable")
        # No update was published for a refused write (sync() also drains
        # the snap of the first sub).
        upds = [m for m in await watcher.sync() if m["t"] == "upd"]
        self.assertEqual([u for u in upds if u["data"]["andon"]["id"] not in stored], [])
        # Reads: ping, sub with snap, a new client, shift.report.
        pong = await watcher.request({"t": "ping"})
        self.assertEqual(pong["t"], "pong")
        snap = await watcher.snapshot("andon")
        self.assertEqual({a["id"] for a in snap["data"]["andons"]}, set(stored),
                         "the andon snapshot holds exactly the stored andons")
        late = await self.client("viewer")
        line = await late.snapshot("line/L1")
        self.assertEqual(line["data"]["line"]["open_andons"], len(stored))
        report = await late.request({"t": "shift.report", "line": "L1"})
        self.assertIn(report["t"], ("ok", "err"))
        if report["t"] == "err":
            self.assertEqual(report["code"], "not_found")
        status, _, _ = self.hub.http_get("/healthz")
        self.assertEqual(status, 503, "/healthz while the store is full")
        self.assertGreater(self.hub.metrics()["floorhub_commit_failures_total"], 0)

    def check_intact(self, stored):
        raises = [e for e in self.hub.events() if e["type"] == "andon.raise"]
        self.assertEqual(sorted(e["data"]["id"] for e in raises), sorted(stored))
        for e in raises:
            self.assertEqual(e["data"], stored[e["data"]["id"]])
        out = os.path.join(self.hub.tmp, "backup-%d" % len(os.listdir(self.hub.tmp)))
        run = subprocess.run([FLOORCTL_BIN, "backup", "--data", self.hub.data_dir, out],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(run.returncode, 0, "floorctl backup of the full store: " + run.stderr)

    async def snapshot_ids(self):
        viewer = await self.client("viewer")
        snap = await viewer.snapshot("andon")
        await viewer.close()
        return {a["id"]: a for a in snap["data"]["andons"]}

    def test_full_store(self):
        async def phase_full():
            watcher = await self.client("viewer")
            await watcher.sub("andon")
            op = await self.client("operator")
            gw = await self.client("gateway")
            stored, equipment, refused = await self.fill(op, gw)
            await self.reads_go_on(op, watcher, stored, refused)
            return stored, equipment, refused

        stored, equipment, refused = self.run_async(phase_full())
        print("storage full: %d andons, %d counts stored under a %s cap"
              % (len(stored), equipment.get("L1-DEST", {}).get("good", 0), CAP))
        self.check_intact(stored)

        # Restart on the full store, same cap: it starts, nothing is lost,
        # writes are still refused.
        self.stop_clean()
        self.hub.start()
        self.assertEqual(self.run_async(self.snapshot_ids()), stored)
        self.check_intact(stored)

        async def still_full():
            op = await self.client("operator")
            reply = await op.write("andon.raise", key=fresh_key(), line="L1", kind="material",
                                   note=NOTE)
            self.assertErr(reply, "unavailable")
        self.run_async(still_full())

        # Space given back: a larger cap.  Writes succeed, the refused key
        # is executed now (it was never stored), and old data is intact.
        self.stop_clean()
        self.hub.args[self.hub.args.index("--map-size-max") + 1] = "16M"
        self.hub.start()

        async def recovered():
            op = await self.client("operator")
            first = self.assertOk(await op.write("andon.raise", key=refused, line="L1",
                                                 kind="material", note=NOTE))
            self.assertNotIn("replay", first)
            for _ in range(20):
                self.assertOk(await op.write("andon.raise", key=fresh_key(), line="L1",
                                             kind="material", note=NOTE))
            snap = await self.snapshot_ids()
            for aid, body in stored.items():
                self.assertEqual(snap[aid], body)
            self.assertEqual(len(snap), len(stored) + 21)
            status, _, _ = self.hub.http_get("/healthz")
            self.assertEqual(status, 200)
        self.run_async(recovered())
        self.stop_clean()


if __name__ == "__main__":
    import fhtest
    fhtest.main()
