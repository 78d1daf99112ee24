#!/usr/bin/python3
"""test_http -- plain HTTP on the hub's port and the upgrade's gatekeeping.

GET /healthz is 200 JSON while the store takes writes, /metrics is
Prometheus text with the counters hub/http.c names, every other path is
404.  An upgrade is accepted only on /ws, and with --allowed-origin only
from that Origin: a refusal happens before any authentication, so no
session is opened.
"""
import json

from websockets.exceptions import InvalidHandshake

import fhtest
from fhtest import Client, HubTest

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


if __name__ == "__main__":
    fhtest.main()
