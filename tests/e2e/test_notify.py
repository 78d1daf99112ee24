#!/usr/bin/python3
"""test_notify -- webhooks from the durable outbox, against real receivers
on 127.0.0.1 (tests/e2e/notifytest.py).

- A receiver that answers 500 twice, then 200: the notification arrives
  three times with the same X-Floorhub-Event-Id and a valid HMAC each time,
  and /metrics counts 1 sent, 2 failed, 2 retried on its channel.
- kill -9 with 100 notifications queued and the receiver down: after the
  restart (receiver up) each arrives, at least once, duplicates only with
  the same event id.
- (A receiver that hangs for 60 s: test_notify_hang.py.)
- drop_if_acknowledged: an andon acknowledged before the retry is dropped
  (counted), or, with the rule's drop_if_acknowledged false, sent with its
  state now.
- A notify file with errors is refused at start (exit 2, the JSON path
  named) and at reload on SIGHUP (the running settings stay); a good one
  is taken at reload.
- The `notify` topic (admin only, others `forbidden`) shows each delivery
  and failure as it happens and the latest in its snapshot.
- `floorctl notify test --notify FILE --to PERSON` posts to the person's
  webhook through the same code, without a hub: exit 0 when delivered, 1
  when the receiver fails, 2 for an unknown person.
"""
import json
import re
import signal
import subprocess
import time

import fhtest
from fhtest import Hub, HubTest
from notifytest import Receiver, body, signature_ok

SECRET = b"webhook-test-secret"


def channel(cid, url, **kw):
    c = {"id": cid, "type": "webhook", "url": url, "format": "json"}
    c.update(kw)
    return c


class Notify(HubTest):
    def setUp(self):
        self.hub = Hub()
        self.receivers = []
        self.secret_file = self.hub.write_file("chat.secret", SECRET.decode() + "\n")

    def tearDown(self):
        for r in self.receivers:
            r.close()
        super().tearDown()

    def receiver(self, **kw):
        r = Receiver(**kw)
        self.receivers.append(r)
        return r

    def start(self, notify):
        path = self.hub.write_file("notify.json", json.dumps(notify))
        self.hub.args = ["--notify", path]
        self.hub.start()
        return path

    def raise_andons(self, n, kind="help"):
        async def run():
            op = await self.client("operator")
            ids = []
            for _ in range(n):
                t0 = time.monotonic()
                a = self.assertOk(await op.write("andon.raise", line="L1", kind=kind))
                ids.append((a["andon"]["id"], time.monotonic() - t0))
            return ids
        return self.run_async(run())

    def metric(self, name, ch):
        return self.hub.metrics().get('%s{channel="%s"}' % (name, ch), 0)

    def test_retries_same_event_id_and_hmac(self):
        r = self.receiver(statuses=[500, 500])
        self.start({"public_url": "https://hub.example:7600/",
                    "channels": [channel("chat", r.url, secret_file=self.secret_file)],
                    "rules": [{"on": "andon.raised", "to": ["channel:chat"]}]})
        self.raise_andons(1)
        reqs = r.wait(3, timeout=30)
        self.assertEqual(len(reqs), 3)
        ids = {q["headers"]["X-Floorhub-Event-Id"] for q in reqs}
        self.assertEqual(ids, {"andon-1-raised.chat"})
        for q in reqs:
            self.assertTrue(signature_ok(q, SECRET), q["headers"])
            b = body(q)
            self.assertEqual(b["event_id"], "andon-1-raised.chat")
            self.assertEqual(b["event"], "andon.raised")
            self.assertEqual(b["link"], "https://hub.example:7600/#/andons")
            self.assertTrue(b["text"].startswith("RAISED L1 "), b["text"])
        self.assertEqual([body(q)["attempt"] for q in reqs], [1, 2, 3])
        # the schedule the hub computed (not a clock measured here): the
        # first retry within 5 s (3.2..4.8 s), the second 6.4..9.6 s later
        # (the log truncates to whole seconds; notify_backoff_ms is unit-tested)
        waits = [int(w) for w in re.findall(
            r"andon-1-raised\.chat on chat failed \(attempt \d\): HTTP 500; next try in "
            r"(\d+) s", self.hub.stderr())]
        self.assertEqual(len(waits), 2, self.hub.stderr())
        self.assertIn(waits[0], (3, 4))
        self.assertIn(waits[1], (6, 7, 8, 9))
        deadline = time.monotonic() + 5
        while self.metric("floorhub_notify_sent_total", "chat") < 1:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        m = self.hub.metrics()
        self.assertEqual(m['floorhub_notify_sent_total{channel="chat"}'], 1)
        self.assertEqual(m['floorhub_notify_failed_total{channel="chat"}'], 2)
        self.assertEqual(m['floorhub_notify_retried_total{channel="chat"}'], 2)
        self.assertEqual(m['floorhub_notify_dropped_total{channel="chat"}'], 0)
        self.assertEqual(m["floorhub_notify_queue_depth"], 0)
        # a tampered body does not verify
        q = dict(reqs[0], body=reqs[0]["body"] + b" ")
        self.assertFalse(signature_ok(q, SECRET))

    def test_kill9_with_100_queued(self):
        port = fhtest.free_port()  # nothing listens there yet
        url = "http://127.0.0.1:%d/hook" % port
        self.start({"channels": [channel("chat", url, secret_file=self.secret_file)],
                    "rules": [{"on": "andon.raised", "to": ["channel:chat"]}]})
        self.raise_andons(100)
        deadline = time.monotonic() + 10
        while self.hub.metrics().get("floorhub_notify_queue_depth") != 100 or \
                self.metric("floorhub_notify_failed_total", "chat") < 4:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        self.hub.kill9()
        r = self.receiver(port=port)
        self.hub.start()
        reqs = r.wait(100, timeout=60)
        ids = [q["headers"]["X-Floorhub-Event-Id"] for q in reqs]
        want = {"andon-%d-raised.chat" % i for i in range(1, 101)}
        self.assertEqual(set(ids), want)
        for q in reqs:
            self.assertEqual(body(q)["event_id"], q["headers"]["X-Floorhub-Event-Id"])
            self.assertTrue(signature_ok(q, SECRET))
        deadline = time.monotonic() + 10
        while self.hub.metrics().get("floorhub_notify_queue_depth") != 0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)

    def ack_before_retry(self, drop):
        r = self.receiver(statuses=[500])
        self.start({"channels": [channel("chat", r.url)],
                    "rules": [{"on": "andon.raised", "to": ["channel:chat"],
                               "drop_if_acknowledged": drop}]})
        (aid, _), = self.raise_andons(1)
        r.wait(1, timeout=5)

        async def ack():
            mt = await self.client("maintenance", sub="mt2")
            self.assertOk(await mt.write("andon.ack", andon=aid))
        self.run_async(ack())
        return r

    def test_dropped_if_acknowledged(self):
        r = self.ack_before_retry(True)
        deadline = time.monotonic() + 10
        while self.metric("floorhub_notify_dropped_total", "chat") < 1:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        self.assertEqual(len(r.requests), 1)
        self.assertEqual(self.hub.metrics()["floorhub_notify_queue_depth"], 0)

    def test_sent_with_state_when_not_dropped(self):
        r = self.ack_before_retry(False)
        reqs = r.wait(2, timeout=10)
        b = body(reqs[1])
        self.assertTrue(b["note"].startswith("acknowledged by mt2 at "), b)
        self.assertIn("\u2014 now acknowledged by mt2", b["text"])

    def test_bad_file_refused_at_start_and_reload(self):
        bad = self.hub.write_file("bad.json", json.dumps(
            {"rules": [{"on": "andon.raised", "to": ["person:nobody"]}]}))
        self.hub.args = ["--notify", bad]
        with self.assertRaises(AssertionError):
            self.hub.start()
        self.assertEqual(self.hub.proc.returncode, 2)
        self.assertIn("bad.json: rules[0].to[0]: no person 'nobody'", self.hub.stderr())

        r = self.receiver()
        path = self.start({"channels": [channel("chat", r.url)],
                           "rules": [{"on": "andon.raised", "to": ["channel:chat"]}]})
        with open(path, "w") as f:
            f.write('{"max_age_s": 5}')
        self.hub.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "reload refused" not in self.hub.stderr():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.assertIn("notify.json: max_age_s: must be an integer 60..2592000",
                      self.hub.stderr())
        self.raise_andons(1)  # the running settings still deliver
        self.assertEqual(r.wait(1, timeout=5)[0]["headers"]["X-Floorhub-Event-Id"],
                         "andon-1-raised.chat")

        r2 = self.receiver()  # a good file is taken: the new channel delivers
        with open(path, "w") as f:
            json.dump({"channels": [channel("chat2", r2.url)],
                       "rules": [{"on": "andon.raised", "to": ["channel:chat2"]}]}, f)
        self.hub.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 5
        while "reloaded" not in self.hub.stderr():
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.raise_andons(1)
        self.assertEqual(r2.wait(1, timeout=5)[0]["headers"]["X-Floorhub-Event-Id"],
                         "andon-2-raised.chat2")
        self.assertEqual(len(r.requests), 1)

    def test_notify_topic_admin_only(self):
        r = self.receiver(statuses=[500])
        self.start({"channels": [channel("chat", r.url)],
                    "rules": [{"on": "andon.raised", "to": ["channel:chat"]}]})

        async def run():
            op = await self.client("operator")
            self.assertErr(await op.request({"t": "sub", "topics": ["notify"]}),
                           "forbidden", "topics")
            adm = await self.client("admin")
            snap = await adm.snapshot("notify")
            self.assertEqual(snap["data"], {"deliveries": []})
            self.assertOk(await op.write("andon.raise", line="L1", kind="help"))
            upds = []
            for _ in range(2):
                m = await adm.next(timeout=10, pred=lambda m: m["t"] == "upd" and
                                   m["topic"] == "notify")
                upds.append(m["data"]["delivery"])
            self.assertEqual([(d["id"], d["state"]) for d in upds],
                             [("andon-1-raised.chat", "failed"),
                              ("andon-1-raised.chat", "delivered")])
            self.assertEqual(upds[0]["why"], "HTTP 500")
            self.assertEqual((upds[0]["channel"], upds[0]["event"]), ("chat", "andon.raised"))
            again = await (await self.client("admin")).snapshot("notify")
            self.assertEqual([d["state"] for d in again["data"]["deliveries"]],
                             ["delivered", "failed"])
        self.run_async(run())

    def test_floorctl_notify_test(self):
        r = self.receiver(statuses=[200, 503])
        path = self.hub.write_file("notify.json", json.dumps(
            {"people": [{"id": "ben", "name": "Ben", "webhook": r.url}]}))

        def floorctl(*args):
            return subprocess.run([fhtest.FLOORCTL, "notify", "test", "--notify", path] +
                                  list(args), capture_output=True, text=True, timeout=30)
        out = floorctl("--to", "ben", "--plant", fhtest.SAMPLE_PLANT)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn(".webhook.ben: delivered on webhook", out.stdout)
        q, = r.wait(1, timeout=5)
        self.assertTrue(q["headers"]["X-Floorhub-Event-Id"].startswith("test-"))
        self.assertEqual(body(q)["event"], "notify.test")
        self.assertEqual(body(q)["text"], "TEST floorhub notification for Ben")
        out = floorctl("--to", "ben")
        self.assertEqual(out.returncode, 1)
        self.assertIn("FAILED on webhook: HTTP 503", out.stdout)
        out = floorctl("--to", "zed")
        self.assertEqual(out.returncode, 2)
        self.assertIn("no person 'zed'", out.stderr)


if __name__ == "__main__":
    fhtest.main()
