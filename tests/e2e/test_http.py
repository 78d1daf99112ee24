#!/usr/bin/python3
"""test_http -- plain HTTP on the hub's port and the upgrade's gatekeeping.

GET /healthz is 200 JSON while the store takes writes, /metrics is
Prometheus text with the counters hub/http.c names, every other path is
404.  An upgrade is accepted only on /ws, and with --allowed-origin only
from that Origin: a refusal happens before any authentication, so no
session is opened.
"""
import asyncio
import json
import os
import re
import shutil
import subprocess
import time

from websockets.exceptions import InvalidHandshake

import fhtest
from fhtest import Client, HubTest, minute, utc_plant

COUNTERS = [
    "floorhub_sessions_total", "floorhub_sessions_refused_total",
    "floorhub_messages_invalid_total", "floorhub_bytes_in_total", "floorhub_bytes_out_total",
    "floorhub_frames_out_total", "floorhub_deliveries_total",
    "floorhub_slow_consumer_closes_total", "floorhub_too_large_closes_total",
    "floorhub_text_frame_closes_total", "floorhub_auth_timeouts_total",
    "floorhub_auth_expired_total", "floorhub_rate_limited_total", "floorhub_commits_total",
    "floorhub_commit_failures_total", "floorhub_committed_writes_total",
    "floorhub_idempotent_replays_total", "floorhub_reconnects_total",
]
LABELLED = [
    'floorhub_messages_in_total{type="andon.raise"}', 'floorhub_messages_out_total{type="ok"}',
    'floorhub_auth_failures_total{reason="signature"}', 'floorhub_errors_total{code="not_found"}',
    'floorhub_commit_seconds_bucket{le="+Inf"}', "floorhub_commit_seconds_count",
    "floorhub_commit_seconds_sum", 'floorhub_open_andons{level="0"}',
    "floorhub_connections", "floorhub_subscriptions",
]


class Http(HubTest):
    def test_healthz(self):
        status, ctype, body = self.hub.http_get("/healthz")
        self.assertEqual((status, ctype), (200, "application/json"))
        health = json.loads(body)
        self.assertEqual((health["status"], health["store"], health["sessions"]),
                         ("ok", "writable", 0))
        self.assertGreaterEqual(health["epoch"], 1)

    def test_metrics(self):
        async def run():
            c = await self.client("operator")
            await c.snapshot("andon")
            committed = self.hub.metrics()["floorhub_committed_writes_total"]
            self.assertOk(await c.write("andon.raise", line="L1", kind="help"))
            self.assertErr(await c.write("andon.ack", andon=42), "not_found")
            status, ctype, body = self.hub.http_get("/metrics")
            self.assertEqual(status, 200)
            self.assertTrue(ctype.startswith("text/plain"), ctype)
            for name in COUNTERS:
                self.assertIn("# TYPE %s counter" % name, body)
            m = fhtest.parse_metrics(body)
            for name in COUNTERS + LABELLED:
                self.assertIn(name, m)
            self.assertEqual((m["floorhub_connections"], m["floorhub_subscriptions"]), (1, 1))
            self.assertEqual(m['floorhub_messages_in_total{type="andon.raise"}'], 1)
            self.assertEqual(m['floorhub_errors_total{code="not_found"}'], 1)
            self.assertEqual(m["floorhub_committed_writes_total"] - committed, 1)
            self.assertGreaterEqual(m["floorhub_commit_seconds_count"], 1)
            self.assertEqual(m['floorhub_open_andons{level="0"}'], 1)
        self.run_async(run())

    def test_other_paths_404(self):
        for path in ("/", "/index.html", "/healthz/x", "/metricsx", "/api", "/../etc/passwd"):
            with self.subTest(path=path):
                self.assertEqual(self.hub.http_get(path)[0], 404)

    def test_upgrade_only_on_ws(self):
        async def run():
            for path in ("/", "/wss", "/ws/x", "/healthz"):
                with self.subTest(path=path):
                    with self.assertRaises(InvalidHandshake):
                        await Client(self.hub).connect(token=fhtest.make_token(), path=path)
            m = self.hub.metrics()
            self.assertEqual((m["floorhub_sessions_total"], m["floorhub_connections"]), (0, 0))
            await self.client()  # /ws itself works
        self.run_async(run())


class AllowedOrigin(HubTest):
    hub_args = ("--allowed-origin", "https://floor.example")

    def test_other_origin_refused_before_auth(self):
        async def run():
            for origin in ("https://evil.example", "https://floor.example.evil", "null"):
                with self.subTest(origin=origin):
                    with self.assertRaises(InvalidHandshake):
                        await Client(self.hub).connect(origin=origin,
                                                       header_token=fhtest.make_token())
            m = self.hub.metrics()
            self.assertEqual(m["floorhub_sessions_total"], 0)
            self.assertGreaterEqual(m["floorhub_sessions_refused_total"], 3)
            c = await self.client(origin="https://floor.example")
            self.assertEqual(c.welcome["user"], "operator1")
        self.run_async(run())


FIGURES = ("oee", "availability", "performance", "quality", "good", "reject")


class PlantGauges(HubTest):
    """/metrics carries the figures oee/<line> last published, the open
    andons per line and each equipment's state as an enum gauge."""
    plant_data = utc_plant("day", minute(time.time()) - 600, minute(time.time()) + 3600)

    def test_line_and_equipment_gauges(self):
        async def run():
            view = await self.client("viewer")
            await view.sub("oee/L1")
            gw = await self.client("gateway", sub="gw1")
            l1 = [e["id"] for e in fhtest.load_plant()["lines"][0]["equipment"]]
            for eq in l1:
                self.assertOk(await gw.write("eq.state", equipment=eq, state="running"))
                self.assertOk(await gw.write("eq.count", equipment=eq, good=10, reject=2))
            self.assertOk(await gw.write("eq.state", equipment="L2-WELD1", state="down"))
            op = await self.client("operator")
            self.assertOk(await op.write("andon.raise", line="L1", kind="help"))
            published = []
            deadline = time.time() + 10
            while time.time() < deadline and not any(o["good"] == 10 for o in published):
                await asyncio.sleep(0.2)
                published += [m["data"]["oee"] for m in await view.sync()
                              if m.get("topic") == "oee/L1" and "oee" in m["data"]]
            status, _, body = self.hub.http_get("/metrics")
            published += [m["data"]["oee"] for m in await view.sync()
                          if m.get("topic") == "oee/L1" and "oee" in m["data"]]
            self.assertEqual(status, 200)
            m = fhtest.parse_metrics(body)
            scraped = {f: m['floorhub_line_%s{line="L1"}' % f] for f in FIGURES}
            # good at the output, rejects of every station summed (PROTOCOL.md)
            self.assertEqual((scraped["good"], scraped["reject"]), (10, 2 * len(l1)))
            self.assertIn(scraped, [{f: o[f] for f in FIGURES} for o in published])
            self.assertGreater(scraped["oee"], 0)
            self.assertEqual(m['floorhub_line_open_andons{line="L1"}'], 1)
            self.assertEqual((m['floorhub_line_good{line="L2"}'],
                              m['floorhub_line_open_andons{line="L2"}']), (0, 0))
            states = {}
            for k, v in m.items():
                if k.startswith("floorhub_equipment_state{") and v == 1:
                    eq = k.split('equipment="')[1].split('"')[0]
                    states.setdefault(eq, []).append(k.split('state="')[1].split('"')[0])
            self.assertEqual(states["L1-PRESS1"], ["running"])
            self.assertEqual(states["L2-WELD1"], ["down"])
            self.assertEqual(states["L3-FILL"], ["unknown"])
            self.assertEqual(len(states), sum(len(x["equipment"])
                                              for x in fhtest.load_plant()["lines"]))
            self.assertEqual(m['floorhub_equipment_state{line="L1",equipment="L1-EOL",'
                               'state="down"}'], 0)
            with open(os.path.join(fhtest.SOURCE_DIR, "scripts", "grafana",
                                   "floorhub.json")) as f:
                dash = json.load(f)
            used = set(re.findall(r"floorhub_[a-z_]+", json.dumps(dash["panels"]) +
                                  json.dumps(dash["templating"])))
            self.assertGreaterEqual(len(used), 8)
            for name in used:  # every series the sample dashboard draws exists
                self.assertIn("# TYPE %s gauge" % name, body)
            promtool = shutil.which("promtool")
            self.assertIsNotNone(promtool, "promtool (Debian prometheus) is in scripts/deps")
            check = subprocess.run([promtool, "check", "metrics"], input=body.encode(),
                                   capture_output=True, timeout=30)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.run_async(run())


SPLIT = ("queue", "commit", "fanout")


def histogram(m, name):
    """(le bounds, cumulative counts, sum, count) of one histogram."""
    buckets = sorted((float(k.split('le="')[1].rstrip('"}')), v) for k, v in m.items()
                     if k.startswith(name + "_bucket{"))
    return ([b for b, _ in buckets], [c for _, c in buckets],
            m[name + "_sum"], m[name + "_count"])


class UpdateSplit(HubTest):
    """Where the time goes: each update a request publishes to a subscriber
    is observed once in the three floorhub_update_*_seconds histograms
    (arrival to commit start, the commit, commit end to the last
    subscriber's write); updates nobody subscribed to are not."""

    def test_counts_move_by_writes(self):
        n = 25
        async def run():
            view = await self.client("viewer")
            await view.snapshot("line/L1")
            gw = await self.client("gateway", sub="gw1")
            before = self.hub.metrics()
            for i in range(n):
                self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=i + 1,
                                             reject=0))
            # L2 has no subscriber: its update is written to no one
            self.assertOk(await gw.write("eq.count", equipment="L2-WELD1", good=1, reject=0))
            seen = []
            deadline = time.time() + 10
            while time.time() < deadline and len(seen) < n:
                seen += [x for x in await view.sync() if x["t"] == "upd" and
                         x["topic"] == "line/L1" and "equipment" in x["data"]]
            self.assertEqual(len(seen), n)
            status, _, body = self.hub.http_get("/metrics")
            self.assertEqual(status, 200)
            after = fhtest.parse_metrics(body)
            for part in SPLIT:
                name = "floorhub_update_%s_seconds" % part
                with self.subTest(part=part):
                    self.assertIn("# TYPE %s histogram" % name, body)
                    les, cum, total, count = histogram(after, name)
                    self.assertEqual(count - before[name + "_count"], n)
                    self.assertEqual(les[-1], float("inf"))
                    self.assertEqual(les, sorted(set(les)))   # distinct, rising
                    self.assertEqual(cum, sorted(cum))        # cumulative
                    self.assertEqual(cum[-1], count)
                    self.assertEqual(les[0], 25e-6)
                    self.assertGreaterEqual(total, before[name + "_sum"])
                    # no update took longer than the test did
                    self.assertLess(total - before[name + "_sum"], n * 10.0)
            # every write went alone into a commit (each was awaited), so the
            # updates' commit time is the commits' (plus the hub's own ones)
            commit_sum = after["floorhub_commit_seconds_sum"] - before["floorhub_commit_seconds_sum"]
            upd_commit = (after["floorhub_update_commit_seconds_sum"] -
                          before["floorhub_update_commit_seconds_sum"])
            self.assertGreater(upd_commit, 0)
            self.assertLessEqual(upd_commit, commit_sum + 1e-6)
            self.assertGreater(after["floorhub_update_fanout_seconds_sum"], 0)
            check = subprocess.run([shutil.which("promtool"), "check", "metrics"],
                                   input=body.encode(), capture_output=True, timeout=30)
            self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
