#!/usr/bin/python3
"""test_notify_tls -- notifications over TLS to real receivers on
127.0.0.1, verified against the channels' ca_file (a private CA made with
openssl: tests/e2e/tlstest.py), and refused when the receiver's
certificate does not verify.

One andon.raised rule addresses every channel and anna:
- hook: an https webhook (Python ssl) with a certificate of the test CA
  and ca_file that CA: delivered, the HMAC checks;
- mail: smtp:// to aiosmtpd offering and requiring STARTTLS, ca_file the
  test CA (so STARTTLS is insisted on): anna's e-mail arrives over TLS;
- bus: mqtts:// to mosquitto's TLS listener, ca_file the test CA:
  mosquitto_sub (verifying with the same CA) gets the QoS 1 message;
- rogue: https, the receiver's certificate from another CA: never
  delivered, retried, each failure logged "certificate verify failed";
- roguebus: mqtts, a second mosquitto whose certificate is from another
  CA: the same (the reason from OpenSSL through libmosquitto's log);
- sys: https to a certificate of the test CA but no ca_file: the system's
  CAs do not know it, so it fails the same way;
- wrongname: https, a certificate of the test CA for another host name:
  fails ("certificate verify failed (... subject name ...)").
The failing channels delay none of the others; the good ones are sent
once each (no failure), the failing ones count failures and retries and
no receiver of theirs ever saw a request.  Then a reload (SIGHUP) with a
private key as hook's ca_file is refused naming channels[0].ca_file, and
the running settings still deliver over TLS.

smtps:// (TLS from the first byte, aiosmtpd's ssl_context) through
`floorctl notify test`, the hub's sending code without a hub: delivered
over TLS with the server's CA as ca_file; with another CA's bundle it
fails, "certificate verify failed", and nothing reaches the server.
"""
import subprocess
import json
import time

import fhtest
from fhtest import Hub, HubTest
from notifytest import Broker, MailSink, Receiver, Sub, body, signature_ok
from tlstest import TestCA

SECRET = b"tls-webhook-secret"
BAD = ("rogue", "roguebus", "sys", "wrongname")


class NotifyTls(HubTest):
    def setUp(self):
        self.ca = TestCA("notify test CA")
        self.other = TestCA("another CA")
        self.hub = Hub()
        self.closers = []
        good = self.ca.issue(cn="127.0.0.1")
        self.hook = self.receiver(tls=good)
        self.rogue = self.receiver(tls=self.other.issue(cn="127.0.0.1"))
        self.sys = self.receiver(tls=good)
        self.wrongname = self.receiver(tls=self.ca.issue(cn="hub.other.example",
                                                         dns=("hub.other.example",), ips=()))
        self.sink = MailSink(tls=good)
        self.closers.append(self.sink)
        self.mqtt_port = fhtest.free_port()
        self.broker = Broker(self.hub.tmp, self.mqtt_port, tls=(self.ca.cert,) + good)
        self.closers.append(self.broker)
        self.rogue_port = fhtest.free_port()
        self.rogue_broker = Broker(self.hub.tmp, self.rogue_port,
                                   tls=(self.other.cert,) + self.other.issue(cn="127.0.0.1"))
        self.closers.append(self.rogue_broker)
        self.broker.wait_listening()
        self.rogue_broker.wait_listening()
        secret = self.hub.write_file("hook.secret", SECRET.decode() + "\n")
        hook = lambda cid, r, **kw: dict(
            {"id": cid, "type": "webhook", "url": r.url, "timeout_s": 10}, **kw)
        notify = {
            "channels": [
                hook("hook", self.hook, secret_file=secret, ca_file=self.ca.cert),
                {"id": "mail", "type": "email", "from": "floorhub@plant.example",
                 "smtp_url": "smtp://127.0.0.1:%d" % self.sink.port, "ca_file": self.ca.cert},
                {"id": "bus", "type": "mqtt", "url": "mqtts://127.0.0.1:%d" % self.mqtt_port,
                 "ca_file": self.ca.cert, "timeout_s": 10},
                hook("rogue", self.rogue, ca_file=self.ca.cert),
                {"id": "roguebus", "type": "mqtt", "ca_file": self.ca.cert, "timeout_s": 10,
                 "url": "mqtts://127.0.0.1:%d" % self.rogue_port},
                hook("sys", self.sys),
                hook("wrongname", self.wrongname, ca_file=self.ca.cert)],
            "people": [{"id": "anna", "name": "Anna K.", "email": "anna@plant.example"}],
            "rules": [{"on": "andon.raised", "to": ["person:anna"] +
                       ["channel:" + c for c in ("hook", "bus") + BAD]}]}
        self.notify = notify
        self.hub.args = ["--notify", self.hub.write_file("notify.json", json.dumps(notify))]
        self.hub.start()

    def tearDown(self):
        for c in self.closers:
            c.close()
        super().tearDown()

    def receiver(self, **kw):
        r = Receiver(**kw)
        self.closers.append(r)
        return r

    def metric(self, name, ch):
        return self.hub.metrics().get('%s{channel="%s"}' % (name, ch), 0)

    def test_verified_channels_deliver_and_a_foreign_ca_does_not(self):
        sub = Sub(self.mqtt_port, "floorhub/notify/#", 1, cafile=self.ca.cert)

        async def run():
            op = await self.client("operator")
            return self.assertOk(await op.write("andon.raise", line="L1", kind="help"))
        aid = self.run_async(run())["andon"]["id"]

        q, = self.hook.wait(1, timeout=15)
        self.assertEqual(q["headers"]["X-Floorhub-Event-Id"], "andon-%d-raised.hook" % aid)
        self.assertTrue(signature_ok(q, SECRET), q["headers"])
        self.assertEqual(body(q)["event"], "andon.raised")

        m, = self.sink.wait(1, timeout=15)
        self.assertTrue(m["tls"], "the mail came without STARTTLS")
        self.assertEqual(m["rcpt"], ["anna@plant.example"])
        self.assertEqual(m["msg"]["Message-ID"], "<andon-%d-raised.mail.anna@floorhub>" % aid)

        (topic, payload), = sub.messages(timeout=20)
        self.assertEqual(topic, "floorhub/notify/andon.raised/L1")
        self.assertEqual(payload["event_id"], "andon-%d-raised.bus" % aid)

        # each bad channel: its first attempt and its retry (within 5 s) fail
        deadline = time.monotonic() + 30
        while any(self.metric("floorhub_notify_failed_total", c) < 2 for c in BAD):
            self.assertLess(time.monotonic(), deadline, self.hub.stderr())
            time.sleep(0.1)
        log = self.hub.stderr()
        for c in BAD:
            for attempt in (1, 2):
                self.assertIn("notify: andon-%d-raised.%s on %s failed (attempt %d): "
                              "certificate verify failed (" % (aid, c, c, attempt), log)
        self.assertIn("certificate verify failed (SSL certificate problem: "
                      "unable to get local issuer certificate)", log)
        self.assertIn("raised.roguebus on roguebus failed (attempt 1): certificate verify "
                      "failed (OpenSSL Error", log)
        self.assertRegex(log, r"raised\.wrongname on wrongname failed \(attempt 1\): "
                              r"certificate verify failed \([^)]*subject name")
        m = self.hub.metrics()
        for c in ("hook", "bus", "mail"):
            self.assertEqual(m['floorhub_notify_sent_total{channel="%s"}' % c], 1, c)
            self.assertEqual(m['floorhub_notify_failed_total{channel="%s"}' % c], 0, c)
        for c in BAD:
            self.assertEqual(m['floorhub_notify_sent_total{channel="%s"}' % c], 0, c)
            self.assertGreaterEqual(m['floorhub_notify_retried_total{channel="%s"}' % c], 1)
        self.assertEqual(m["floorhub_notify_queue_depth"], len(BAD))
        for r in (self.rogue, self.sys, self.wrongname):
            self.assertEqual(r.requests, [])  # no request passed a failed handshake
        with open(self.rogue_broker.log) as f:
            self.assertNotIn("New client connected", f.read())
        self.assertEqual(len(self.hook.requests), 1)
        self.assertEqual(len(self.sink.messages), 1)

        bad = json.loads(json.dumps(self.notify))
        bad["channels"][0]["ca_file"] = self.ca.key
        self.hub.write_file("notify.json", json.dumps(bad))
        self.hub.sighup("reload refused")
        self.assertIn("notify.json: channels[0].ca_file: %s: holds a private key" % self.ca.key,
                      self.hub.stderr())
        aid2 = self.run_async(run())["andon"]["id"]
        q = self.hook.wait(2, timeout=15)[1]
        self.assertEqual(q["headers"]["X-Floorhub-Event-Id"], "andon-%d-raised.hook" % aid2)


class NotifySmtps(HubTest):
    def setUp(self):
        self.ca = TestCA("smtps test CA")
        self.other = TestCA("smtps other CA")
        self.hub = Hub()  # not started: its temp dir holds the files
        self.sink = MailSink(tls=self.ca.issue(cn="127.0.0.1"), smtps=True)

    def tearDown(self):
        self.sink.close()
        super().tearDown()

    def floorctl_test(self, ca):
        path = self.hub.write_file("notify.json", json.dumps(
            {"channels": [{"id": "mail", "type": "email", "from": "floorhub@plant.example",
                           "smtp_url": "smtps://127.0.0.1:%d" % self.sink.port, "ca_file": ca}],
             "people": [{"id": "anna", "name": "Anna K.", "email": "anna@plant.example"}]}))
        return subprocess.run([fhtest.FLOORCTL, "notify", "test", "--notify", path, "--to",
                               "anna"], capture_output=True, text=True, timeout=60)

    def test_smtps_verified_against_ca_file(self):
        out = self.floorctl_test(self.ca.cert)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertIn(".mail.anna: delivered on mail", out.stdout)
        m, = self.sink.wait(1, timeout=10)
        self.assertTrue(m["tls"])
        self.assertEqual(m["rcpt"], ["anna@plant.example"])
        out = self.floorctl_test(self.other.cert)
        self.assertEqual(out.returncode, 1, out.stdout + out.stderr)
        self.assertIn("FAILED on mail: certificate verify failed (SSL certificate problem: "
                      "unable to get local issuer certificate)", out.stdout)
        self.assertEqual(len(self.sink.messages), 1)


if __name__ == "__main__":
    fhtest.main()
