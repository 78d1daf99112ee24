#!/usr/bin/python3
"""test_export -- GET /api/v1/export/{oee,downtime,andons}.csv (PROTOCOL.md
"History", the CSV export) against the real hub on a backfilled store.

Each export is parsed back with Python's csv module and checked against
what the WebSocket answers for the same query (oee.history, dt.list, the
andon entities); the token goes in the Authorization header only and
never reaches a log line; a token without it is 401, a line outside its
`lines` claim 403, bad parameters 400 naming the parameter; a large export
streams (the hub's memory does not grow by the body's size).
"""
import csv
import http.client
import io
import os
import socket
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import fhtest
from fhtest import HubTest, make_token

TZ = ZoneInfo("Europe/Berlin")  # the sample plant's zone


def ms(iso):
    """An export's ISO 8601 time (with its offset) as ms; "" is None."""
    return int(datetime.fromisoformat(iso).timestamp() * 1000) if iso else None


def local_midnight(day):
    return int(datetime(day.year, day.month, day.day, tzinfo=TZ).timestamp() * 1000)


class Export(HubTest):
    # ASan keeps freed memory in quarantine (RSS then grows with every slice
    # sent and freed); without it the sanitized hub's RSS means what it
    # means in the plain build.  The plain build ignores the variable.
    hub_env = {"ASAN_OPTIONS": ":".join(filter(None, (
        os.environ.get("ASAN_OPTIONS"), "quarantine_size_mb=0")))}
    def get(self, path, token=None, method="GET"):
        """(status, headers, body bytes) of one request on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.hub.port, timeout=20)
        try:
            conn.request(method, path, headers={"Authorization": "Bearer " + token}
                         if token else {})
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def csv_rows(self, path, token):
        status, heads, body = self.get(path, token)
        self.assertEqual(status, 200, body)
        self.assertEqual(heads["content-type"], "text/csv; charset=utf-8")
        self.assertTrue(heads["content-disposition"].startswith("attachment; filename="))
        self.assertNotIn(b"\n", body.replace(b"\r\n", b""))  # RFC 4180 line ends
        return list(csv.DictReader(io.StringIO(body.decode(), newline="")))

    def test_exports_match_the_queries(self):
        self.hub.backfill(10)
        token = make_token(sub="pm1", role="viewer")
        today = datetime.now(TZ).date()
        first = today - timedelta(days=11)
        q = "from=%s&to=%s" % (first.isoformat(), (today + timedelta(days=1)).isoformat())
        frm, to = local_midnight(first), local_midnight(today + timedelta(days=1))

        async def run():
            c = await self.client("viewer")
            op = await self.client("operator")
            self.assertOk(await op.write("andon.raise", line="L1", kind="material",
                                         note='bin "A", row 3'))
            raised = self.assertOk(await op.write("andon.raise", line="L2", kind="quality"))
            mt = await self.client("maintenance")
            acked = self.assertOk(await mt.write("andon.ack", andon=raised["andon"]["id"]))
            for group, scope in (("day", "line=L1"), ("shift", "line=L1"),
                                 ("week", "equipment=L1-PRESS1")):
                key, value = scope.split("=")
                rows = self.assertOk(await c.request({
                    "t": "oee.history", "scope": key, key: value, "from": frm, "to": to,
                    "group": group}))["rows"]
                got = self.csv_rows("/api/v1/export/oee.csv?scope=%s&%s&%s&group=%s"
                                    % (key, scope, q, group), token)
                self.assertEqual(len(got), len(rows))
                self.assertGreater(len(rows), 1)
                for r, g in zip(rows, got):
                    self.assertEqual((ms(g["start"]), ms(g["end"])), (r["start"], r["end"]))
                    self.assertEqual(g["open"], "true" if r.get("open") else "false")
                    if r.get("open") and key == "equipment":
                        continue  # an equipment's running shift is computed at each ask
                    for k in ("planned_ms", "run_ms", "not_monitored_ms", "good", "reject"):
                        self.assertEqual(int(g[k]), r[k], k)
                    for k in ("availability", "performance", "quality", "oee"):
                        self.assertEqual(float(g[k]), r[k], k)  # the same doubles
            # a day's start is local midnight, written with its offset
            for day in self.csv_rows("/api/v1/export/oee.csv?line=L1&%s" % q, token):
                start = datetime.fromisoformat(day["start"])
                self.assertEqual((start.hour, start.minute, start.utcoffset()),
                                 (0, 0, start.astimezone(TZ).utcoffset()), day)

            # stops: the ones dt.list gives for the same line and range
            start = to - 2 * 86400000
            events = self.assertOk(await c.request({"t": "dt.list", "line": "L1",
                                                    "from": start, "to": to}))["events"]
            rng = "from=%s&to=%s" % (datetime.fromtimestamp(start / 1000, TZ).isoformat(),
                                      datetime.fromtimestamp(to / 1000, TZ).isoformat())
            stops = self.csv_rows("/api/v1/export/downtime.csv?line=L1&" +
                                  rng.replace("+", "%2B"), token)
            self.assertEqual(sorted(int(s["id"]) for s in stops), sorted(e["id"] for e in events))
            by_id = {e["id"]: e for e in events}
            for s in stops:
                e = by_id[int(s["id"])]
                self.assertEqual((s["line"], s["equipment"], ms(s["start"]), ms(s["end"])),
                                 (e["line"], e["equipment"], e["start"], e["end"]))
                self.assertEqual((s["reason"] or None, s["category"] or None,
                                  s["short"] == "true"), (e["reason"], e["category"], e["short"]))
                if e["end"] is not None:
                    self.assertEqual(int(s["duration_ms"]), e["duration_ms"])
                    self.assertEqual(sum(int(s["states." + k]) for k in e["states"]),
                                     sum(e["states"].values()))

            # andons: quoting of a note with a comma and quotes; the plant
            andons = self.csv_rows("/api/v1/export/andons.csv?scope=plant&" + q, token)
            self.assertEqual([(a["line"], a["kind"], a["state"]) for a in andons],
                             [("L1", "material", "raised"), ("L2", "quality", "acknowledged")])
            self.assertEqual(float(andons[1]["ack_s"]), acked["andon"]["ack_s"])
            self.assertEqual(andons[0]["note"], 'bin "A", row 3')
            self.assertEqual((ms(andons[0]["acked_at"]), andons[0]["ack_s"],
                              andons[0]["repair_s"]), (None, "", ""))

            # runs: the ended one and the active one, by start
            first = self.assertOk(await op.write("run.start", line="L1", product="BRK-100",
                                                 order="WO-1, lot 7"))["run"]
            second = self.assertOk(await op.write("run.start", line="L1", product="PNL-200",
                                                  target_qty=500))["run"]
            runs = self.csv_rows("/api/v1/export/runs.csv?line=L1&" + q, token)
            self.assertEqual([(int(r["id"]), r["product"], r["order"], r["target_qty"])
                              for r in runs],
                             [(first["id"], "BRK-100", "WO-1, lot 7", ""),
                              (second["id"], "PNL-200", "", "500")])
            self.assertEqual(ms(runs[0]["started_at"]), first["started_at"])
            self.assertIsNotNone(ms(runs[0]["ended_at"]))
            self.assertEqual((runs[1]["ended_at"], runs[1]["ended_by"]), ("", ""))
            self.assertEqual(self.csv_rows("/api/v1/export/runs.csv?line=L2&" + q, token), [])
        self.run_async(run())
        self.assertNotIn(token, self.hub.stderr())  # never in a log line

        # a claim narrows the plant and forbids other lines
        l2 = make_token(sub="v2", role="viewer", lines=["L2"])
        andons = self.csv_rows("/api/v1/export/andons.csv?" + q, l2)
        self.assertEqual([a["line"] for a in andons], ["L2"])
        status, _, body = self.get("/api/v1/export/oee.csv?line=L1&" + q, l2)
        self.assertEqual((status, body.decode().startswith("line: ")), (403, True), body)

    def test_large_export_streams(self):
        """The hub's memory in the middle of a 3 MB export, while the client
        reads slowly, stays far below the body's size: it is sent a slice at
        a time, not built whole."""
        self.hub.backfill(40)
        token = make_token(sub="pm1", role="viewer")
        path = "/api/v1/export/downtime.csv?scope=plant&from=2000-01-01&to=2100-01-01"
        self.get(path, token)  # warm up: the allocator's pools
        before = self.hub.rss_kb()
        conn = http.client.HTTPConnection("127.0.0.1", self.hub.port, timeout=20)
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        resp = conn.getresponse()
        head = resp.read(65536)
        time.sleep(0.5)  # the hub fills the socket buffers and waits
        during = self.hub.rss_kb()
        body = head + resp.read()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertGreater(body.count(b"\r\n") - 1, 20000)
        self.assertGreater(len(body), 3 << 20)
        self.assertLess((during - before) * 1024, len(body) // 4, (before, during, len(body)))

    def test_slow_export_is_whole(self):
        """A client that takes longer than lws's transaction timeout (the
        server's 5 s) to read a body still gets all of it: each slice
        written restarts the connection's timeout.  The body (~15 MB, more
        than the socket buffers hold: the client's receive buffer is small)
        read in 8 s is the same as the one read at once, ending with a
        whole row."""
        self.hub.backfill(60)
        token = make_token(sub="pm1", role="viewer")
        path = "/api/v1/export/downtime.csv?scope=plant&from=2000-01-01&to=2100-01-01"
        status, _, whole = self.get(path, token)
        self.assertEqual(status, 200)
        step = len(whole) // 80 + 1
        conn = http.client.HTTPConnection("127.0.0.1", self.hub.port, timeout=20)
        conn.connect()
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        resp = conn.getresponse()
        chunks = []
        while True:
            chunk = resp.read(step)
            if not chunk:
                break
            chunks.append(chunk)
            time.sleep(0.1)  # 80 reads: 8 s
        conn.close()
        self.assertEqual(b"".join(chunks), whole)
        self.assertTrue(whole.endswith(b"\r\n"))
        self.hub.wait_log("export downtime.csv for pm1: %d bytes" % len(whole), timeout=5)

    def test_refusals(self):
        token = make_token(sub="pm1", role="viewer")
        ok = "/api/v1/export/oee.csv?line=L1&from=2026-11-01&to=2026-12-01"
        self.assertEqual(self.get(ok, token)[0], 200)
        for path, tok, status, says in (
                (ok, None, 401, "Authorization"),
                (ok, make_token(sub="x", secret="another-secret-0123456789abcdef0123"), 401, ""),
                (ok, make_token(sub="x", ttl=-3600), 401, ""),
                (ok + "&token=" + token, token, 400, "token"),  # never from the URL
                (ok + "&line=L2", token, 400, "line"),
                (ok.replace("from=2026-11-01", "from=2026-13-01"), token, 400, "from"),
                (ok.replace("to=2026-12-01", "to=2026-10-01"), token, 400, "to"),
                (ok.replace("&to=2026-12-01", ""), token, 400, "to"),
                (ok + "&group=year", token, 400, "group"),
                (ok.replace("line=L1", "line=L9"), token, 400, "line"),
                (ok.replace("line=L1", "scope=site"), token, 400, "scope"),
                (ok.replace("line=L1", "equipment=NOPE"), token, 400, "equipment"),
                (ok.replace("oee.csv", "downtime.csv") + "&group=day", token, 400, "group"),
                ("/api/v1/export/users.csv?from=2026-11-01&to=2026-12-01", token, 404, "")):
            with self.subTest(path=path, status=status):
                got, heads, body = self.get(path, tok)
                self.assertEqual(got, status, body)
                self.assertEqual(body.count(b"\n"), 1, body)  # one line
                self.assertIn(says, body.decode())
        self.assertEqual(self.get(ok, token, method="POST")[0], 405)
        self.assertEqual(self.get(ok, token)[0], 200)  # still up
        self.assertNotIn(token, self.hub.stderr())


if __name__ == "__main__":
    fhtest.main()
