#!/usr/bin/python3
"""test_tls_clients -- floorsim and floorterm (fh_client) check the hub's
certificate on wss://.

Hubs present certificates of a private CA (tlstest.py): a good one, one for
another host name, an expired one, a self-signed one, and the good one
reached by an IP address it does not name.  With --ca-file of that CA the
clients connect only to the good one; every other case goes offline with
the hub's name and OpenSSL's reason, and so does a client that trusts only
the system's CAs or another CA.  --insecure connects anyway and warns on
every start; floorterm refuses it in kiosk mode.  floorsim with a client
certificate (--cert/--key) and no token is the gateway the hub's
--tls-client-map names; an unmapped certificate gets no identity.  floorterm
shows the refusal of a wrong host name, an expired and a self-signed
certificate on screen and in its log.

Needs FLOORHUB_BIN, FLOORSIM_BIN, FLOORTERM_BIN, FH_SOURCE_DIR.
"""
import json
import os
import subprocess
import unittest

import fhtest
from fhtest import Hub, make_token
from termtest import Term, token_file
from tlstest import TestCA

FLOORSIM = os.environ.get("FLOORSIM_BIN", "floorsim")
FLOORTERM = os.environ.get("FLOORTERM_BIN", "floorterm")
CA = TestCA()
OTHER_CA = TestCA("another CA")


class Clients(unittest.TestCase):
    hubs = {}

    @classmethod
    def setUpClass(cls):
        pairs = {
            "good": CA.issue(),
            "other_name": CA.issue(cn="other.example", dns=("other.example",), ips=()),
            "expired": CA.issue(expired=True),
            "self_signed": CA.self_signed(),
            "dns_only": CA.issue(dns=("localhost",), ips=()),
        }
        for name, (cert, key) in pairs.items():
            cls.hubs[name] = Hub(tls=(cert, key, CA.cert)).start()
        cls.gw_cert = CA.issue(cn="gw-press-1", dns=(), ips=(), client=True)
        cls.unmapped_cert = CA.issue(cn="gw-unmapped", dns=(), ips=(), client=True)
        cert_map = os.path.join(CA.dir, "cert-map.json")
        with open(cert_map, "w") as f:
            json.dump({"gw-press-1": {"sub": "gw-press-1", "role": "gateway"}}, f)
        cls.hubs["client_ca"] = Hub(tls=CA.issue() + (CA.cert,), args=[
            "--tls-client-ca", CA.cert, "--tls-client-map", cert_map]).start()

    @classmethod
    def tearDownClass(cls):
        reports = []
        for hub in cls.hubs.values():
            hub.stop()  # a sanitizer reports at exit
            reports += hub.sanitizer_report()
            hub.cleanup()
        assert reports == [], "the sanitizers reported in a hub: %s" % reports

    def sims(self, runs, duration=2):
        """floorsim against each (hub, args, host) of runs for duration
        seconds, all at once: their stderr, in order."""
        procs = []
        for hub, args, host in runs:
            tok = []
            if "--cert" not in args:
                tok = ["--token-file", token_file(hub.tmp, make_token(sub="gw1", role="gateway"))]
            procs.append(subprocess.Popen(
                [FLOORSIM, "--plant", fhtest.SAMPLE_PLANT, "--url",
                 "wss://%s:%d/ws" % (host, hub.port), "--duration", str(duration)] + tok + list(args),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True))
        errs = [p.communicate(timeout=30)[1] for p in procs]
        for err in errs:
            self.assertNotRegex(err, "ERROR: (Address|Leak)Sanitizer|runtime error:")
        return errs

    def sim(self, hub, *args, host="127.0.0.1"):
        return self.sims([(hub, args, host)])[0]

    def test_good_certificate(self):
        err = self.sim(self.hubs["good"], "--ca-file", CA.cert)
        self.assertIn("online as gw1 (gateway)", err)
        self.assertNotIn("WARNING", err)
        err = self.sim(self.hubs["dns_only"], "--ca-file", CA.cert, host="localhost")
        self.assertIn("online as gw1 (gateway)", err)

    def test_refusals(self):
        h = self.hubs
        cases = [  # (hub, floorsim options, host in the URL, OpenSSL's reason)
            (h["good"], (), "127.0.0.1", "unable to get local issuer certificate"),
            (h["good"], ("--ca-file", OTHER_CA.cert), "127.0.0.1",
             "unable to get local issuer certificate"),
            (h["other_name"], ("--ca-file", CA.cert), "localhost", "hostname mismatch"),
            (h["other_name"], ("--ca-file", CA.cert), "127.0.0.1", "IP address mismatch"),
            (h["dns_only"], ("--ca-file", CA.cert), "127.0.0.1", "IP address mismatch"),
            (h["expired"], ("--ca-file", CA.cert), "127.0.0.1", "certificate has expired"),
            (h["self_signed"], ("--ca-file", CA.cert), "127.0.0.1", "self-signed certificate"),
        ]
        errs = self.sims([(hub, args, host) for hub, args, host, _ in cases])
        for (hub, args, host, why), err in zip(cases, errs):
            self.assertNotIn("online as", err)
            self.assertIn("floorsim: offline: hub %s:%d: TLS certificate refused: %s"
                          % (host, hub.port, why), err)

    def test_client_certificate(self):
        hub = self.hubs["client_ca"]
        good, unmapped = self.sims([
            (hub, ("--ca-file", CA.cert, "--cert", self.gw_cert[0], "--key", self.gw_cert[1]),
             "127.0.0.1"),
            (hub, ("--ca-file", CA.cert, "--cert", self.unmapped_cert[0], "--key",
                   self.unmapped_cert[1]), "127.0.0.1")], duration=4)
        self.assertIn("floorsim: online as gw-press-1 (gateway)", good)
        self.assertRegex(good, r"\d+ requests sent, \d+ accepted .* 0 refused, 0 unanswered")
        self.assertNotIn("online as", unmapped)
        self.assertIn("a token is required", unmapped)

    def test_insecure(self):
        err = self.sim(self.hubs["expired"], "--insecure")
        self.assertIn("WARNING: --insecure: the hub's certificate and name are NOT checked", err)
        self.assertIn("online as gw1 (gateway)", err)

    def term(self, hub, *args, tail=None, host="127.0.0.1"):
        log = os.path.join(hub.tmp, "floorterm-%d.log" % len(os.listdir(hub.tmp)))
        tok = token_file(hub.tmp, make_token(sub="op1", role="operator"))
        url = "wss://%s:%d/ws" % (host, hub.port)
        t = Term([FLOORTERM, "--url", url, "--token-file", tok, "--log", log] + list(args),
                 width=200,
                 env={"TERM": "xterm-256color", "LANG": "C.UTF-8"}, shell_tail=tail)
        self.addCleanup(t.close)
        return t.start(), log

    def read(self, path):
        with open(path) as f:
            return f.read()

    def test_floorterm(self):
        t, _ = self.term(self.hubs["good"], "--ca-file", CA.cert)
        t.wait_for("Connected as op1 (operator)")
        t, log = self.term(self.hubs["other_name"], "--ca-file", CA.cert, host="localhost")
        t.wait_for("hostname mismatch")
        self.assertIn("offline: hub localhost:%d: TLS certificate refused: hostname mismatch"
                      % self.hubs["other_name"].port, self.read(log))
        t, log = self.term(self.hubs["expired"], "--ca-file", CA.cert)
        t.wait_for("certificate has expired")
        self.assertIn("offline: hub 127.0.0.1:%d: TLS certificate refused: certificate has "
                      "expired" % self.hubs["expired"].port, self.read(log))
        t, log = self.term(self.hubs["self_signed"], "--ca-file", CA.cert)
        t.wait_for("self-signed certificate")
        self.assertIn("offline: hub 127.0.0.1:%d: TLS certificate refused: self-signed "
                      "certificate" % self.hubs["self_signed"].port, self.read(log))
        self.assertNotIn("Connected as", t.screen())
        t, log = self.term(self.hubs["self_signed"], "--insecure")
        t.wait_for("INSECURE: hub certificate not checked")
        self.assertIn("WARNING: --insecure", self.read(log))

    def test_floorterm_kiosk_refuses_insecure(self):
        out = subprocess.run([FLOORTERM, "--kiosk", "--insecure", "--url",
                              self.hubs["good"].url], capture_output=True, text=True, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn("--insecure is refused in kiosk mode", out.stderr)


if __name__ == "__main__":
    fhtest.main()
