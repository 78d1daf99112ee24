#!/usr/bin/python3
"""test_floorctl_history -- `floorctl history` (hub/admin/floorctl_history.c)
prints the rows of the hub's CSV export, read offline from the store.

A store filled by `floorctl backfill` is served by the real hub; for the
same queries the bytes of GET /api/v1/export/oee.csv and downtime.csv
(fetched with a Bearer token) and the output of `floorctl history` run
beside the running hub must be the same, except the running shift: the
hub adds it as the `open` row, the store does not hold it.  Usage errors
exit 2 naming the option.
"""
import csv
import http.client
import io
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import fhtest
from fhtest import HubTest, make_token

TZ = ZoneInfo("Europe/Berlin")  # the sample plant's zone


class FloorctlHistory(HubTest):
    def export(self, path, token):
        """The body of one export, checked to be 200."""
        conn = http.client.HTTPConnection("127.0.0.1", self.hub.port, timeout=20)
        try:
            conn.request("GET", path, headers={"Authorization": "Bearer " + token})
            resp = conn.getresponse()
            body = resp.read()
            self.assertEqual(resp.status, 200, body)
            return body.decode()
        finally:
            conn.close()

    def floorctl(self, *args):
        """(exit status, stdout, stderr) of floorctl history on the hub's store."""
        out = subprocess.run([fhtest.FLOORCTL, "history", "--data", self.hub.data_dir,
                              "--plant", self.hub.plant] + list(args),
                             capture_output=True, timeout=60)  # bytes: CRLF stays
        return out.returncode, out.stdout.decode(), out.stderr.decode()

    def without_open(self, body):
        """The CSV lines of body without the rows of the running shift (and
        the starts of those rows)."""
        lines = body.split("\r\n")
        rows = list(csv.DictReader(io.StringIO(body, newline="")))
        open_starts = {r["start"] for r in rows if r.get("open") == "true"}
        kept = [ln for ln in lines if ln.split(",")[0] not in open_starts]
        return kept, open_starts

    def test_same_rows_as_the_export(self):
        self.hub.backfill(8, seed=3)
        token = make_token(sub="pm1", role="viewer")
        today = datetime.now(TZ).date()
        frm = (today - timedelta(days=9)).isoformat()
        to = (today + timedelta(days=1)).isoformat()
        queries = [("oee", "line", "L1", "shift"), ("oee", "line", "L2", "day"),
                   ("oee", "plant", None, "week"), ("oee", "equipment", "L1-PRESS1", "day"),
                   ("downtime", "line", "L1", None), ("downtime", "plant", None, None)]
        for what, scope, who, group in queries:
            q = "scope=%s&from=%s&to=%s" % (scope, frm, to)
            args = ["--scope", scope, "--from", frm, "--to", to, "--what", what]
            if who:
                q += "&%s=%s" % (scope, who)
                args += ["--" + scope, who]
            if group:
                q += "&group=" + group
                args += ["--group", group]
            hub = self.export("/api/v1/export/%s.csv?%s" % (what, q), token)
            rc, mine, err = self.floorctl(*args)
            self.assertEqual(rc, 0, err)
            self.assertTrue(mine.endswith("\r\n"))
            if what == "downtime":
                self.assertEqual(mine, hub, (scope, who))  # no stop is open
                self.assertGreater(mine.count("\r\n"), 10)
                continue
            hub_kept, open_starts = self.without_open(hub)
            mine_kept, mine_open = self.without_open(mine)
            self.assertEqual(mine_open, set(), "floorctl prints no running shift")
            if group == "shift":  # the running shift is one row of its own
                self.assertLessEqual(len(open_starts), 1)
                self.assertEqual(mine, "\r\n".join(hub_kept))
            else:  # the period holding it differs; every other row is equal
                mine_kept = [ln for ln in mine_kept if ln.split(",")[0] not in open_starts]
                self.assertEqual(mine_kept, hub_kept, (what, scope, group))
            self.assertGreater(len(hub_kept), 2, (what, scope, group))
        self.assertNotIn(token, self.hub.stderr())

    def test_usage_errors(self):
        for args, word in ((["--from", "2026-11-02", "--to", "2026-11-01"], "--to"),
                           (["--from", "2026-11-31", "--to", "2026-12-01"], "--from"),
                           (["--from", "2026-11-01", "--to", "2026-12-01", "--line", "NOPE"],
                            "--line"),
                           (["--from", "2026-11-01", "--to", "2026-12-01", "--group", "year"],
                            "--group"),
                           (["--from", "2026-11-01", "--to", "2026-12-01", "--what", "x"],
                            "--what"),
                           (["--from", "2026-11-01", "--to", "2026-12-01", "--what", "downtime",
                             "--group", "day"], "--group")):
            rc, out, err = self.floorctl(*args)
            self.assertEqual((rc, out), (2, ""), err)
            self.assertIn(word, err)


if __name__ == "__main__":
    fhtest.main()
