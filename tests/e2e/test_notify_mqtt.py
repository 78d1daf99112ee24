#!/usr/bin/python3
"""test_notify_mqtt -- notifications published to Debian's mosquitto broker
(QoS 1), read with mosquitto_sub.

The broker is down when the first andon is raised: the attempt fails and
is retried; once the broker runs, the message arrives on
floorhub/notify/andon.raised/L1 with its event id, and a second andon goes
out on the open connection at once.  Both are QoS 1 all the way: the
broker's log (mosquitto -v) shows the hub's PUBLISH with q1 and its
PUBACK, and mosquitto_sub -q 1 receives them as q1.  A rule's kinds
filter keeps a non-matching andon off the bus.
"""
import json
import re
import time

import fhtest
from fhtest import Hub, HubTest
from notifytest import Broker, Sub


class NotifyMqtt(HubTest):
    def setUp(self):
        self.hub = Hub()
        self.port = fhtest.free_port()
        self.broker = None
        notify = {"channels": [{"id": "bus", "type": "mqtt", "timeout_s": 5,
                                "url": "mqtt://127.0.0.1:%d" % self.port}],
                  "rules": [{"on": "andon.raised", "kinds": ["safety"], "to": ["channel:bus"]}]}
        self.hub.args = ["--notify", self.hub.write_file("notify.json", json.dumps(notify))]
        self.hub.start()

    def tearDown(self):
        if self.broker is not None:
            self.broker.close()
        super().tearDown()

    def raise_one(self, kind):
        async def run():
            op = await self.client("operator")
            return self.assertOk(await op.write("andon.raise", line="L1", kind=kind,
                                                severity=3))["andon"]["id"]
        return self.run_async(run())

    def metric(self, name):
        return self.hub.metrics().get('%s{channel="bus"}' % name, 0)

    def test_qos1_after_the_broker_comes_up(self):
        first = self.raise_one("safety")
        deadline = time.monotonic() + 10
        while self.metric("floorhub_notify_failed_total") < 1:  # broker down
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        self.broker = Broker(self.hub.tmp, self.port)
        self.broker.wait_listening()
        sub = Sub(self.port, "floorhub/notify/#", 2)
        skipped = self.raise_one("help")  # no rule for it
        deadline = time.monotonic() + 30  # the retry, within about 5 s
        while self.metric("floorhub_notify_sent_total") < 1:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        second = self.raise_one("safety")
        got = sub.messages(timeout=20)
        self.assertEqual([t for t, _ in got], ["floorhub/notify/andon.raised/L1"] * 2)
        self.assertEqual([p["event_id"] for _, p in got],
                         ["andon-%d-raised.bus" % first, "andon-%d-raised.bus" % second])
        self.assertEqual(got[0][1]["andon"]["kind"], "safety")
        # QoS 1 end to end: the broker got both publishes with q1 from the hub
        # and acknowledged them, and delivered them to the QoS 1 subscriber
        # as q1 (a QoS 0 publish would arrive as q0)
        with open(self.broker.log) as f:
            log = f.read()
        pubs = re.findall(r"Received PUBLISH from (\S+) \(d\d, q(\d), r0, m\d+, "
                          r"'floorhub/notify/andon.raised/L1'", log)
        self.assertEqual([q for _, q in pubs], ["1", "1"], log)
        hub_client = pubs[0][0]
        self.assertEqual(log.count("Sending PUBACK to %s" % hub_client), 2, log)
        self.assertEqual(sub.publish_qos(), [1, 1])
        self.assertNotEqual(skipped, second)
        self.assertEqual(self.metric("floorhub_notify_sent_total"), 2)
        self.assertGreaterEqual(self.metric("floorhub_notify_retried_total"), 1)


if __name__ == "__main__":
    fhtest.main()
