#!/usr/bin/python3
"""test_stop_index -- the stop index (hub/rules/stop_index.h) against the
real hub and a real LMDB store.

A store written before the index (here: a backfilled store with the
stop_index table and the "dt.maxlen" meta key taken out by mdb_dump and
mdb_load, LMDB's own tools) gets the index built at the hub's next start,
and dt.list and dt.pareto answer exactly what they answered before; a
stop that started long before a query's `from` and lasts into it (longer
than every stop before, so it raises dt.maxlen) is found by both; the
retention deletes a stop's index entry with the stop (mdb_stat counts both
tables alike after it).
"""
import asyncio
import os
import re
import subprocess
import time

import fhtest
from fhtest import HubTest

DAY_MS = 86400000


def now_ms():
    return int(time.time() * 1000)


def strip_index(data_dir):
    """Rewrites the store as a hub before the index wrote it: every table
    but stop_index, and meta without dt.maxlen (mdb_dump's hex format: a
    key line, then its value line, each with a leading space)."""
    dump = subprocess.run(["mdb_dump", "-a", data_dir], capture_output=True,
                          text=True, check=True).stdout
    kept = []
    for sec in re.split(r"(?m)^(?=VERSION=)", dump):
        if not sec.strip() or "\ndatabase=stop_index\n" in sec:
            continue
        if "\ndatabase=meta\n" in sec:
            lines = sec.split("\n")
            i = lines.index(" " + b"dt.maxlen".hex())
            del lines[i:i + 2]
            sec = "\n".join(lines)
        kept.append(sec)
    path = os.path.join(data_dir, "..", "stripped.dump")
    with open(path, "w") as f:
        f.write("".join(kept))
    for name in ("data.mdb", "lock.mdb"):
        os.unlink(os.path.join(data_dir, name))
    subprocess.run(["mdb_load", "-f", path, data_dir], capture_output=True, check=True)


def entries(data_dir, table):
    """Records of one table of the store, by LMDB's mdb_stat."""
    out = subprocess.run(["mdb_stat", "-s", table, data_dir], capture_output=True,
                         text=True, check=True).stdout
    return int(re.search(r"Entries: (\d+)", out).group(1))


class Retention(HubTest):
    plant_data = dict(fhtest.load_plant(), history_days=20)
    hub_args = ("--housekeeping-s", "2")

    def test_entries_go_with_their_stops(self):
        self.hub.backfill(30)
        before = entries(self.hub.data_dir, "downtime")
        self.assertEqual(entries(self.hub.data_dir, "stop_index"), before)
        self.hub.wait_log("store trim:", timeout=15)
        self.hub.stop()  # nothing written meanwhile
        after = entries(self.hub.data_dir, "downtime")
        self.assertLess(after, before * 3 // 4)  # 10 of 30 days went
        self.assertEqual(entries(self.hub.data_dir, "stop_index"), after)


class StopIndex(HubTest):
    async def answers(self, end):
        c = await self.client("viewer")
        lst = self.assertOk(await c.request({"t": "dt.list", "line": "L1",
                                             "from": end - DAY_MS, "to": end}))
        par = self.assertOk(await c.request({"t": "dt.pareto", "scope": "plant",
                                             "from": end - 3 * DAY_MS, "to": end}))
        return lst, par["rows"]

    def test_built_for_a_store_without_it(self):
        self.hub.backfill(3)
        end = now_ms() - 60000  # the history ends before the running shift
        before, pareto = self.run_async(self.answers(end))
        self.assertGreater(len(before["events"]), 50)
        self.hub.stop()
        strip_index(self.hub.data_dir)
        self.hub.start()
        self.hub.wait_log("stop index built", timeout=10)
        after, pareto2 = self.run_async(self.answers(end))
        self.assertEqual(after["events"], before["events"])
        self.assertEqual(pareto2, pareto)

    def test_a_long_stop_before_from_is_found(self):
        async def run():
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="down"))
            await asyncio.sleep(1.5)
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            c = await self.client("viewer")
            lst = self.assertOk(await c.request({"t": "dt.list", "line": "L1", "from": 0,
                                                 "to": now_ms() + 1000}))["events"]
            self.assertEqual(len(lst), 1)
            stop = lst[0]
            # [start + 1000, end): starts a second after the stop did
            q = {"line": "L1", "from": stop["start"] + 1000, "to": stop["end"] + 1}
            found = self.assertOk(await c.request(dict(q, t="dt.list")))["events"]
            self.assertEqual([e["id"] for e in found], [stop["id"]])
            rows = self.assertOk(await c.request(dict(q, t="dt.pareto", scope="line")))["rows"]
            cat = "small_stop" if stop["short"] else "unclassified"
            self.assertEqual([(r["category"], r["ms"], r["count"]) for r in rows],
                             [(cat, stop["end"] - stop["start"] - 1000, 1)])
            none = self.assertOk(await c.request({"t": "dt.list", "line": "L1",
                                                  "from": stop["end"], "to": stop["end"] + 5000}))
            self.assertEqual(none["events"], [])
        self.run_async(run())
        # the same after a restart: dt.maxlen was stored with the stop
        self.hub.restart()

        async def again():
            c = await self.client("viewer")
            lst = self.assertOk(await c.request({"t": "dt.list", "line": "L1", "from": 0,
                                                 "to": now_ms() + 1000}))["events"]
            found = self.assertOk(await c.request({"t": "dt.list", "line": "L1",
                                                   "from": lst[0]["start"] + 1000,
                                                   "to": lst[0]["end"] + 1}))["events"]
            self.assertEqual([e["id"] for e in found], [lst[0]["id"]])
        self.run_async(again())


if __name__ == "__main__":
    fhtest.main()
