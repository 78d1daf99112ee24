#!/usr/bin/python3
"""test_lifecycle -- start, stop, usage errors and the rate limit.

SIGTERM closes every session with 1001 and the hub exits 0 within 2 s.  A
bad option, plant file or key file is a usage error: exit 2 and one message
on stderr naming the setting (for a plant file: the file, the position and
the problem), before anything listens.  --help and --version exit 0.  A
connection sending faster than --rate/--burst gets `err rate_limited` for
the excess and stays open.
"""
import json
import os
import signal
import subprocess
import time

import fhtest
from fhtest import FLOORHUB, Hub, HubTest, load_plant


class Stop(HubTest):
    def test_sigterm_closes_1001_and_exits_0(self):
        async def run():
            clients = [await self.client(role) for role in ("viewer", "operator", "gateway")]
            for c in clients:
                await c.snapshot("andon")
            t0 = time.monotonic()
            self.hub.proc.send_signal(signal.SIGTERM)
            for c in clients:
                self.assertEqual((await c.closed(timeout=2))[0], 1001)
            self.assertEqual(await fhtest.asyncio.to_thread(self.hub.proc.wait, 2.5), 0)
            self.assertLess(time.monotonic() - t0, 2.0)
            self.assertIn("stopping", self.hub.stderr())
        self.run_async(run())

    def test_sigterm_when_idle(self):
        t0 = time.monotonic()
        self.assertEqual(self.hub.stop(), 0)
        self.assertLess(time.monotonic() - t0, 2.0)


class Usage(HubTest):
    """Each case runs the real binary and expects exit 2 and a message."""

    def setUp(self):
        self.hub = Hub()  # not started: only its paths and files are used

    def run_hub(self, *args, base=True):
        cmd = self.hub.command() if base else [FLOORHUB]
        out = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=10)
        return out.returncode, out.stdout, out.stderr

    def assertUsage(self, args, *words, base=True):
        rc, _, err = self.run_hub(*args, base=base)
        self.assertEqual(rc, 2, (args, err))
        for w in words:
            self.assertIn(w, err, args)
        self.assertFalse(os.path.exists(self.hub.port_file), "listened despite the error")

    def test_help_and_version(self):
        rc, out, _ = self.run_hub("--help", base=False)
        self.assertEqual(rc, 0)
        for opt in ("--plant", "--jwt-key-file", "--rate", "--auth-timeout-ms", "--allowed-origin"):
            self.assertIn(opt, out)
        rc, out, _ = self.run_hub("--version", base=False)
        self.assertEqual((rc, out.strip()), (0, "floorhub 0.1.0"))

    def test_bad_options(self):
        self.assertUsage(["--bogus", "1"], "--bogus")
        self.assertUsage(["--rate", "abc"], "--rate")
        self.assertUsage(["--rate", "0"], "--rate")
        self.assertUsage(["--frame-max", "10"], "--frame-max")
        self.assertUsage(["--auth-timeout-ms", "-5"], "--auth-timeout-ms")
        self.assertUsage(["--listen", "nowhere"], "--listen")
        self.assertUsage(["--log-level", "loud"], "--log-level")
        self.assertUsage(["--idle-ping-s", "30", "--idle-hangup-s", "10"], "--idle-hangup-s")
        self.assertUsage(["--jwt-key-file", "/tmp/x"], "--plant", base=False)
        self.assertUsage(["--plant", fhtest.SAMPLE_PLANT], "--jwt-key-file", base=False)
        conf = self.hub.write_file("hub.conf", "rate = 10\nburst = lots\n")
        self.assertUsage(["--config", conf], conf + ":2", "burst")

    def test_bad_plant_files(self):
        cases = []
        plant = load_plant()
        plant["escalation"][0]["after_s"] = "soon"
        cases.append((json.dumps(plant), ["escalation[0].after_s", "integer"]))
        plant = load_plant()
        plant["lines"][1]["equipment"][2]["id"] = "L2-LOAD"
        cases.append((json.dumps(plant), ["duplicate", "L2-LOAD"]))
        plant = load_plant()
        plant["shifts"][0]["start"] = "25:00"
        cases.append((json.dumps(plant), ["shifts[0].start"]))
        plant = load_plant()
        plant["timezone"] = "Mars/Olympus"
        cases.append((json.dumps(plant), ["timezone", "Mars/Olympus"]))
        cases.append(('{"plant": "x",\n  "lines": [\n}', [":3:"]))  # line of the syntax error
        for i, (text, words) in enumerate(cases):
            path = self.hub.write_file("bad%d.json" % i, text)
            with self.subTest(words=words):
                self.assertUsage(["--plant", path], path, *words)
        missing = os.path.join(self.hub.tmp, "missing.json")
        self.assertUsage(["--plant", missing], missing)

    def test_bad_key_files(self):
        short = self.hub.write_file("short.key", "tooshort\n")
        self.assertUsage(["--jwt-key-file", short], "--jwt-key-file", "32")
        missing = os.path.join(self.hub.tmp, "nokey")
        self.assertUsage(["--jwt-key-file", missing], "--jwt-key-file", missing)
        pem = self.hub.write_file("pem.key", "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                  "-----END PUBLIC KEY-----\n")
        self.assertUsage(["--jwt-key-file", pem], "--jwt-key-file")  # PEM for HS256
        self.assertUsage(["--jwt-alg", "RS256"], "--jwt-key-file")    # a secret for RS256
        self.assertUsage(["--jwt-alg", "none"], "--jwt-alg")


class RateLimit(HubTest):
    hub_args = ("--rate", "5", "--burst", "5")

    def test_excess_requests_rate_limited(self):
        async def run():
            op = await self.client("operator")  # hello took one token
            await fhtest.asyncio.sleep(0.3)      # refilled: 5 in the bucket
            await op.send(*({"t": "andon.raise", "id": 100 + i, "key": "r%d" % i,
                             "line": "L1", "kind": "help"} for i in range(12)))
            replies = [await op.next() for _ in range(12)]
            oks = [r for r in replies if r["t"] == "ok"]
            limited = [r for r in replies if r["t"] == "err"]
            self.assertEqual(len(oks), 5, replies)
            self.assertEqual(len(limited), 7, replies)
            for r in limited:
                self.assertErr(r, "rate_limited")
            await fhtest.asyncio.sleep(0.5)
            self.assertEqual((await op.request({"t": "ping"}))["t"], "pong")  # still open
            snap = await op.snapshot("andon")
            self.assertEqual(len(snap["data"]["andons"]), 5)
            self.assertEqual(self.hub.metrics()["floorhub_rate_limited_total"], 7)
            # a reply echoes the id of its request (PROTOCOL.md 1), the refusals too
            self.assertEqual(sorted(r.get("id", -1) for r in replies), list(range(100, 112)))
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
