"""End-to-end tests of people signing in at a floorterm kiosk: the real
binary in tmux, with a kiosk token (role kiosk, lines [L1]), against the
real floorhub, whose users are made with the real `floorctl user`.

The sign-in screen takes a typed badge (digits then Enter, as a badge
reader types) or a user, Tab, a PIN (drawn as '*') and Enter; the title
then names the person, who raises and acknowledges an andon through the
kiosk: the hub's andon and audit log name the person with the kiosk as
`via`.  A wrong PIN and a kiosk refusing sign-ins say so in words; a
user disabled while signed in is signed out at their next write; a lost
connection ends the sign-in (the hub's session with it); Ctrl-O
signs out; the hub's idle sign-out (--kiosk-idle-logout-s) is announced
by a countdown line 10 s before, held off by a key (floorterm's ping),
and then shows the sign-in screen again.  No secret reaches floorterm's
log, the hub's log or the audit log.

Run by ctest with FLOORHUB_BIN, FLOORCTL_BIN, FLOORTERM_BIN and
FH_SOURCE_DIR set.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fhtest  # noqa: E402
from test_floorterm import FloortermTest, help_line  # noqa: E402
from test_login import floorctl_user  # noqa: E402

MIRA_BADGE = "0004711299"
MIRA_PIN = "604417"
IDLE_S = 14  # the hub's idle sign-out: the countdown shows from 4 s on
SECRETS = (MIRA_BADGE, MIRA_PIN, "111111")
KIOSK = "kiosk-L1"


def title(screen):
    return screen.split("\n")[0]


class KioskSignInTest(FloortermTest):
    """A kiosk token's floorterm; Mira (maintenance, lines L1 and L2) has a
    badge and a PIN."""

    def make_hub(self):
        return fhtest.Hub(args=("--kiosk-idle-logout-s", str(IDLE_S)))

    def setUp(self):
        super().setUp()
        for args, secret in [
                (("add", "--id", "mira", "--name", "Mira Tesla", "--role", "maintenance",
                  "--lines", "L1,L2"), None),
                (("set", "--id", "mira", "--badge-stdin"), MIRA_BADGE),
                (("set", "--id", "mira", "--pin-stdin"), MIRA_PIN)]:
            out = floorctl_user(self.hub, args[0], *args[1:], secret=secret)
            self.assertEqual(out.returncode, 0, out.stderr)

    def tearDown(self):
        logs = {"the hub's log": self.hub.stderr(),
                "the audit log": json.dumps(self.hub_events())}
        if os.path.exists(self.log_path):
            with open(self.log_path) as f:
                logs["floorterm's log"] = f.read()
        super().tearDown()
        for where, text in logs.items():
            for s in SECRETS:
                self.assertNotIn(s, text, "a secret in %s" % where)

    def kiosk(self):
        t = self.term(role="kiosk", sub=KIOSK, lines=["L1"],
                      args=["--line", "L1", "--kiosk"])
        screen = t.wait_for("SIGN IN at " + KIOSK)
        self.assertIn(KIOSK + ": nobody signed in", title(screen))
        self.assertIn("Sign in", help_line(screen))
        self.assertNotIn("Raise", help_line(screen))
        return t

    def sign_in_with_pin(self, t, user, pin):
        t.text(user)
        t.keys("Tab")
        t.text(pin)
        screen = t.wait_for("*" * len(pin))  # the PIN is not echoed
        self.assertNotIn(pin, screen)
        t.keys("Enter")

    def wait_refusals(self, n):
        """Polls the audit log until it holds n refused sign-ins (the hub
        stores each before it answers)."""
        deadline = time.monotonic() + 5
        while len(self.hub_events("login.failed")) < n:
            self.assertLess(time.monotonic(), deadline, "no %d refusals" % n)
            time.sleep(0.05)

    def test_badge_then_raise_ack_via_the_kiosk_and_ctrl_o(self):
        t = self.kiosk()
        t.text(MIRA_BADGE)  # a badge reader: digits, then Enter
        t.keys("Enter")
        screen = t.wait_for("Mira Tesla (maintenance) at " + KIOSK)
        self.assertIn("Mira Tesla (maintenance) at " + KIOSK, title(screen))
        self.assertIn("Sign out", help_line(t.wait_for("Raise")))
        t.keys("r")
        t.wait_for("Raise an andon on L1: kind")
        t.keys("3")  # material
        t.wait_for("note, optional")
        t.keys("Enter")
        raised = re.compile(r"(?:Andon|NEW ANDON) (\d+) (?:raised )?on L1")
        andon_id = int(raised.search(t.wait_for(raised.search)).group(1))
        t.wait_for("Ack")  # the new andon is selected on the line view
        t.keys("a")
        t.wait_for("Andon %d acknowledged" % andon_id)
        seen = self.hub_andon(andon_id)
        self.assertEqual((seen["raised_by"], seen["raised_via"], seen["acked_by"],
                          seen["acked_via"], seen["state"]),
                         ("mira", KIOSK, "mira", KIOSK, "acknowledged"))
        [ack] = self.hub_events("andon.ack")
        self.assertEqual((ack["actor"], ack["via"]), ("mira", KIOSK))
        t.keys("C-o")
        screen = t.wait_for("SIGN IN at " + KIOSK)
        self.assertIn("Signed out", screen)
        self.assertIn(KIOSK + ": nobody signed in", title(screen))
        logouts = [(e["actor"], e["via"], e["data"]["reason"])
                   for e in self.hub_events("logout")]
        self.assertEqual(logouts, [("mira", KIOSK, "logout")])

    def test_wrong_pin_then_right_pin_and_a_kiosk_that_refuses(self):
        t = self.kiosk()
        self.sign_in_with_pin(t, "mira", "111111")
        screen = t.wait_for("badge or PIN not recognised")
        self.assertIn("SIGN IN at", screen)
        self.sign_in_with_pin(t, "mira", MIRA_PIN)
        t.wait_for("Mira Tesla (maintenance) at " + KIOSK)
        t.keys("C-o")
        t.wait_for("SIGN IN at " + KIOSK)
        for n in range(2, 6):  # 5 refusals in a minute: the kiosk refuses sign-ins
            self.sign_in_with_pin(t, "mira", "111111")
            self.wait_refusals(n)
            t.wait_for(lambda s: "Checking" not in s)
        t.text(MIRA_BADGE)
        t.keys("Enter")
        screen = t.wait_for("too many attempts, wait")
        self.assertIn("SIGN IN at", screen)
        self.assertNotIn("Mira Tesla", title(screen))

    def test_a_user_disabled_while_signed_in_is_signed_out_at_the_next_write(self):
        t = self.kiosk()
        t.text(MIRA_BADGE)
        t.keys("Enter")
        t.wait_for("Mira Tesla (maintenance) at " + KIOSK)
        self.assertEqual(floorctl_user(self.hub, "disable", "--id", "mira").returncode, 0)
        t.keys("r")
        t.wait_for("Raise an andon on L1: kind")
        t.keys("3", "Enter")  # material, no note
        screen = t.wait_for("SIGN IN at " + KIOSK)
        self.assertIn("Signed out by the hub", screen)
        self.assertEqual(self.hub_events("andon.raise"), [])
        reasons = [e["data"]["reason"] for e in self.hub_events("logout")]
        self.assertEqual(reasons, ["disabled"])
        t.text(MIRA_BADGE)  # refused like any unknown badge
        t.keys("Enter")
        t.wait_for("badge or PIN not recognised")

    def test_the_sign_in_ends_with_the_connection(self):
        t = self.kiosk()
        t.text(MIRA_BADGE)
        t.keys("Enter")
        t.wait_for("Mira Tesla (maintenance) at " + KIOSK)
        self.hub.stop()
        screen = t.wait_for("the sign-in ended with the connection")
        self.assertIn("SIGN IN at " + KIOSK, screen)
        self.assertIn("OFFLINE since", screen)
        t.text(MIRA_BADGE)
        screen = t.wait_for("*" * len(MIRA_BADGE))  # a badge is not shown either
        self.assertNotIn(MIRA_BADGE, screen)
        t.keys("Enter")  # not sent, and not kept for later
        screen = t.wait_for("Not sent: the hub is offline")
        self.assertNotIn("*" * len(MIRA_BADGE), screen)
        self.hub.start()  # same port, same data directory
        t.wait_for(lambda s: "OFFLINE" not in s, timeout=12)
        t.text(MIRA_BADGE)
        t.keys("Enter")
        t.wait_for("Mira Tesla (maintenance) at " + KIOSK)
        self.assertEqual([e["data"]["reason"] for e in self.hub_events("logout")],
                         ["closed"])

    def test_idle_sign_out_warns_and_a_key_holds_it_off(self):
        t = self.kiosk()
        t.text(MIRA_BADGE)
        t.keys("Enter")
        screen = t.wait_for("Mira Tesla (maintenance) at " + KIOSK)
        self.assertNotIn("Signing Mira Tesla out", screen)
        warning = "Signing Mira Tesla out in"
        t.wait_for(warning, timeout=IDLE_S)
        t.keys("j")  # any key: floorterm pings, the hub starts over
        t.wait_for(lambda s: warning not in s)
        screen = t.wait_for(warning, timeout=IDLE_S)
        self.assertIn("press any key to stay signed in", screen)
        screen = t.wait_for("SIGN IN at " + KIOSK, timeout=IDLE_S)
        self.assertIn("Signed out: no key was pressed for %d s" % IDLE_S, screen)
        self.assertIn(KIOSK + ": nobody signed in", title(screen))
        reasons = [e["data"]["reason"] for e in self.hub_events("logout")]
        self.assertEqual(reasons, ["idle"])


if __name__ == "__main__":
    fhtest.main()
