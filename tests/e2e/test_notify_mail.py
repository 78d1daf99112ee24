#!/usr/bin/python3
"""test_notify_mail -- e-mail through libcurl's SMTP to Debian's
python3-aiosmtpd (tests/e2e/notifytest.py MailSink).

The plant (UTC) has shift "a" ending at the next minute boundary and shift
"b" after it, and escalates after 1 s to the shift manager.  The rosters
give shift "a" to anna (shift_manager) and carl (production_manager),
shift "b" to ben and dora.  With no andon.escalated rule the plant's step
notifies the roster of the current shift: an andon raised in "a" mails
anna (and only anna); one raised in "b" mails ben.  At the end of "a" the
shift report goes to the production_manager roster of "a": carl, as text
and an HTML table.  Every message is multipart/alternative (text + HTML)
with Message-ID <delivery id@floorhub>.
"""
import json
import time

import fhtest
from fhtest import Hub, HubTest
from notifytest import MailSink


def parts(msg):
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    return text, html


class NotifyMail(HubTest):
    def setUp(self):
        self.end = fhtest.shift_boundary(8)
        plant = fhtest.boundary_plant(self.end)
        plant["escalation"] = [{"after_s": 1, "role": "shift_manager"}]
        self.sink = MailSink()
        self.hub = Hub(plant_data=plant)
        people = [{"id": p, "name": p.title(), "email": "%s@plant.example" % p}
                  for p in ("anna", "ben", "carl", "dora")]
        notify = {"public_url": "https://hub.example:7600/",
                  "channels": [{"id": "mail", "type": "email", "from": "floorhub@plant.example",
                                "smtp_url": "smtp://127.0.0.1:%d" % self.sink.port}],
                  "people": people,
                  "rosters": [{"role": "shift_manager", "shift": "a", "people": ["anna"]},
                              {"role": "shift_manager", "shift": "b", "people": ["ben"]},
                              {"role": "production_manager", "shift": "a", "people": ["carl"]},
                              {"role": "production_manager", "shift": "b", "people": ["dora"]}],
                  "rules": [{"on": "shift.closed", "to": ["role:production_manager"]}]}
        path = self.hub.write_file("notify.json", json.dumps(notify))
        self.hub.args = ["--notify", path]
        self.hub.start()

    def tearDown(self):
        self.sink.close()
        super().tearDown()

    def raise_one(self):
        async def run():
            op = await self.client("operator")
            a = self.assertOk(await op.write("andon.raise", line="L2", kind="maintenance",
                                             severity=3))
            return a["andon"]["id"]
        return self.run_async(run())

    def test_rosters_of_the_current_shift_and_the_report(self):
        first = self.raise_one()
        m = self.sink.wait(1, timeout=10)[0]
        self.assertEqual(m["rcpt"], ["anna@plant.example"])
        self.assertEqual(m["from"], "floorhub@plant.example")
        msg = m["msg"]
        self.assertEqual(msg["Message-ID"], "<andon-%d-esc-1.mail.anna@floorhub>" % first)
        self.assertEqual(msg["X-Floorhub-Event-Id"], "andon-%d-esc-1.mail.anna" % first)
        self.assertTrue(str(msg["Subject"]).startswith("ESCALATED L2 "), msg["Subject"])
        self.assertIn("(level 1 \u2192 shift_manager)", str(msg["Subject"]))
        text, html = parts(msg)
        self.assertIn("maintenance andon #%d, severity 3" % first, text)
        self.assertIn("https://hub.example:7600/#/andons", text)
        self.assertIn('<a href="https://hub.example:7600/#/andons">', html)

        time.sleep(max(0.0, self.end - time.time()))
        msgs = self.sink.wait(2, timeout=15)
        report = msgs[1]
        self.assertEqual(report["rcpt"], ["carl@plant.example"])
        rmsg = report["msg"]
        self.assertEqual(rmsg["Message-ID"],
                         "<shift-%d.mail.carl@floorhub>" % ((self.end - 600) * 1000))
        self.assertTrue(str(rmsg["Subject"]).startswith("SHIFT CLOSED a"), rmsg["Subject"])
        text, html = parts(rmsg)
        self.assertIn("Shift a, ", text)
        for line in ("L1", "L2", "L3"):
            self.assertIn("<tr><td>%s</td>" % line, html)
        self.assertIn("Open andons handed over:", text)
        self.assertIn("#%d L2 maintenance, severity 3" % first, text)
        self.assertIn("<th>OEE</th>", html)

        second = self.raise_one()  # shift b now: ben
        m = self.sink.wait(3, timeout=10)[2]
        self.assertEqual(m["rcpt"], ["ben@plant.example"])
        self.assertEqual(m["msg"]["Message-ID"], "<andon-%d-esc-1.mail.ben@floorhub>" % second)
        time.sleep(1.5)
        self.assertEqual(len(self.sink.messages), 3)
        mt = self.hub.metrics()
        self.assertEqual(mt['floorhub_notify_sent_total{channel="mail"}'], 3)
        self.assertEqual(mt['floorhub_notify_failed_total{channel="mail"}'], 0)


if __name__ == "__main__":
    fhtest.main()
