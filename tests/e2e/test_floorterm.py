"""End-to-end tests of floorterm: the real binary in a private tmux server
against the real floorhub (fhtest.Hub), with other clients raising andons
(fhtest.Client) and the hub's state read back through a fresh Client
snapshot and the audit log (floorctl events).

Screens are polled (termtest.Term.wait_for), never slept on.  Run by ctest
with FLOORHUB_BIN, FLOORCTL_BIN, FLOORTERM_BIN and FH_SOURCE_DIR set.
"""
import json
import os
import signal
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fhtest  # noqa: E402
from fhtest import Client, make_token  # noqa: E402
from termtest import Term, token_file  # noqa: E402

FLOORTERM = os.environ.get("FLOORTERM_BIN", "floorterm")
UTF8 = {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
SAN_PREFIX = "floorterm-san"  # sanitizer reports of a sanitized build


def sample_plant():
    with open(fhtest.SAMPLE_PLANT) as f:
        return json.load(f)


def help_line(screen):
    """The last non-empty line: floorterm's help line."""
    lines = [l for l in screen.split("\n") if l.strip()]
    return lines[-1] if lines else ""


class FloortermTest(fhtest.HubTest):
    """A fresh hub per test, floorterm sessions in tmux, and helpers that
    act as other clients."""

    def setUp(self):
        self.hub = self.make_hub().start()
        self.terms = []
        self.log_path = os.path.join(self.hub.tmp, "floorterm.log")

    def make_hub(self):
        return fhtest.Hub()

    def tearDown(self):
        outcome = getattr(self, "_outcome", None)
        ok = getattr(outcome, "success", True)
        for t in self.terms:
            if not ok:
                print("\n--- floorterm screen (%s) ---\n%s" % (self.id(), t.screen()))
            t.close()
        if not ok and os.path.exists(self.log_path):
            with open(self.log_path) as f:
                print("--- floorterm log ---\n%s" % f.read())
        reports = self.sanitizer_reports()
        super().tearDown()
        self.assertEqual(reports, "", "floorterm's sanitizers reported errors")

    def sanitizer_reports(self):
        """What ASan/UBSan wrote (a sanitized build logs there, not on the
        screen); stops the terminals first so that leak checks have run."""
        text = ""
        for name in sorted(os.listdir(self.hub.tmp)):
            if name.startswith(SAN_PREFIX):
                with open(os.path.join(self.hub.tmp, name), errors="replace") as f:
                    text += f.read()
        return text

    def term(self, role="maintenance", sub=None, args=(), width=100, height=30,
             env=None, tail=None, lines=None):
        token = make_token(sub=sub or role + "1", role=role, lines=lines)
        argv = [FLOORTERM, "--url", self.hub.url, "--token-file",
                token_file(self.hub.tmp, token), "--log", self.log_path] + list(args)
        san = os.path.join(self.hub.tmp, SAN_PREFIX)
        env = dict(UTF8, ASAN_OPTIONS="log_path=" + san,
                   UBSAN_OPTIONS="print_stacktrace=1:log_path=" + san, **(env or {}))
        t = Term(argv, width, height, env=env, shell_tail=tail)
        self.terms.append(t.start())
        return t

    def raise_andon(self, line="L1", kind="material", sub="op9", note="bin empty"):
        async def go():
            c = await Client(self.hub).connect(token=make_token(sub=sub, role="operator"))
            r = await c.request({"t": "andon.raise", "key": "raise-%f" % time.time(),
                                 "line": line, "kind": kind, "note": note})
            await c.close()
            return r
        reply = self.run_async(go())
        self.assertEqual(reply["t"], "ok", reply)
        return reply["andon"]

    def hub_andon(self, andon_id):
        """The andon as a fresh subscriber of topic `andon` sees it."""
        async def go():
            c = await Client(self.hub).connect(token=make_token(sub="check", role="viewer"))
            await c.sub("andon")
            snap = await c.next(pred=lambda m: m["t"] == "snap" and m["topic"] == "andon")
            await c.close()
            return snap["data"]["andons"]
        for a in self.run_async(go()):
            if a["id"] == andon_id:
                return a
        self.fail("andon %d is not in the hub's andon snapshot" % andon_id)

    def hub_events(self, type_=None):
        out = subprocess.run([fhtest.FLOORCTL, "events", "--data", self.hub.data_dir],
                             check=True, capture_output=True, text=True).stdout
        events = [json.loads(l) for l in out.splitlines() if l.strip()]
        return [e for e in events if type_ is None or e["type"] == type_]

    def open_queue(self, t):
        """Waits for the connection, then shows the andon queue."""
        t.wait_for("Connected as")
        t.keys("3")
        t.wait_for(" 3 Andons")
        return t


class BoardTest(FloortermTest):
    def test_board_shows_the_sample_plant(self):
        t = self.term()
        plant = sample_plant()
        names = [l["name"] for l in plant["lines"]]
        screen = t.wait_for(lambda s: all(n in s for n in names), timeout=5)
        self.assertIn(plant["plant"], screen)
        for l in plant["lines"]:
            self.assertIn("%s %s" % (l["id"], l["name"]), screen)
        # state in words and the OEE band as a word (not colour alone)
        self.assertIn("unknown", screen)
        self.assertIn("0.0% LOW", screen)
        self.assertIn("Raise", help_line(screen))

    def test_andon_from_another_client_appears_within_a_second(self):
        t = self.open_queue(self.term())
        t.wait_for("No open andons.")
        start = time.monotonic()
        andon = self.raise_andon(kind="safety", sub="op42")
        t.wait_for(lambda s: "safety" in s and "op42" in s, timeout=1.0)
        self.assertLess(time.monotonic() - start, 1.0)
        screen = t.wait_for("NEW ANDON %d on L1" % andon["id"])
        self.assertIn("RAISED", screen)


class AckTest(FloortermTest):
    def test_ack_key_acknowledges_at_the_hub(self):
        t = self.open_queue(self.term(role="maintenance", sub="mt7"))
        andon = self.raise_andon()
        screen = t.wait_for("bin empty")
        self.assertIn("Ack", help_line(screen))
        t.keys("a")
        t.wait_for("Andon %d acknowledged" % andon["id"])
        seen = self.hub_andon(andon["id"])
        self.assertEqual(seen["state"], "acknowledged")
        self.assertEqual(seen["acked_by"], "mt7")
        # the row shows who acknowledged it, and ack is no longer offered
        screen = t.wait_for(lambda s: "mt7" in s and "acked" in s)
        self.assertNotIn("Ack", help_line(screen))

    def test_viewer_is_not_offered_ack_and_the_key_does_nothing(self):
        t = self.open_queue(self.term(role="viewer", sub="v1"))
        andon = self.raise_andon()
        screen = t.wait_for("bin empty")
        line = help_line(screen)
        self.assertNotIn("Ack", line)
        self.assertNotIn("Raise", line)
        self.assertIn("Quit", line)
        t.keys("a")
        t.keys("1")  # keys are handled in order: once the board shows, 'a' was handled
        screen = t.wait_for(lambda s: "LINE" in s and "OEE" in s)
        self.assertNotIn("Acknowledge", screen)
        seen = self.hub_andon(andon["id"])
        self.assertEqual(seen["state"], "raised")
        self.assertIsNone(seen["acked_by"])
        self.assertEqual(self.hub_events("andon.ack"), [])

    def test_ack_made_offline_is_pending_and_applied_once_after_restart(self):
        t = self.open_queue(self.term(role="maintenance", sub="mt8"))
        andon = self.raise_andon()
        t.wait_for("bin empty")
        self.hub.stop()
        screen = t.wait_for("OFFLINE since")
        self.assertIn("bin empty", screen)  # the last known state stays
        self.assertIn("STALE", screen)
        t.keys("a")
        t.wait_for("pending")
        self.assertEqual(self.hub_events("andon.ack"), [])
        self.hub.start()  # same port, same data directory
        t.wait_for("Andon %d acknowledged" % andon["id"], timeout=12)
        t.wait_for(lambda s: "OFFLINE" not in s)
        acks = [e for e in self.hub_events("andon.ack") if e["data"]["id"] == andon["id"]]
        self.assertEqual(len(acks), 1, acks)
        self.assertEqual(acks[0]["actor"], "mt8")
        seen = self.hub_andon(andon["id"])
        self.assertEqual((seen["state"], seen["acked_by"]), ("acknowledged", "mt8"))


class TerminalTest(FloortermTest):
    def test_resize_to_80x24_keeps_the_screen_readable(self):
        t = self.term()
        names = [l["name"] for l in sample_plant()["lines"]]
        t.wait_for(lambda s: all(n in s for n in names))
        t.resize(80, 24)

        def readable(s):
            lines = s.split("\n")
            return (len(lines) >= 24 and all(len(l) <= 80 for l in lines) and
                    all(n[:20] in s for n in names) and
                    all(k in help_line(s) for k in ("Raise", "Quit", "View")))
        t.wait_for(readable)
        t.keys("Enter")  # the line view fits too
        screen = t.wait_for("EQUIPMENT")
        self.assertIn("Press 1 (draw)", screen)
        self.assertIn("Raise", help_line(screen))

    def test_quit_restores_the_terminal(self):
        t = self.term(tail="echo EXITED; stty -a")
        t.wait_for("Connected as")
        t.keys("q")
        screen = t.wait_for("EXITED")
        words = t._tmux("capture-pane", "-p", "-J").stdout.split()
        self.assertIn("icanon", words)
        self.assertNotIn("-icanon", words)
        self.assertIn("echo", words)
        self.assertNotIn("-echo", words)

    def test_sigterm_restores_the_terminal(self):
        t = self.term(tail="echo EXITED; stty -a")
        t.wait_for("Connected as")
        children = subprocess.run(["pgrep", "-P", str(t.pane_pid())],
                                  capture_output=True, text=True).stdout.split()
        self.assertEqual(len(children), 1, children)
        os.kill(int(children[0]), signal.SIGTERM)
        t.wait_for("EXITED")
        words = t._tmux("capture-pane", "-p", "-J").stdout.split()
        self.assertIn("icanon", words)
        self.assertNotIn("-icanon", words)

    def test_vt100_gets_ascii_and_no_colours(self):
        t = self.term(env={"TERM": "vt100", "LANG": "C", "LC_ALL": "C"})
        t.wait_for("Connected as")
        screen = t.wait_for("LOW")  # the board's OEE band: the plant snap is in
        self.assertTrue(all(ord(ch) < 128 for ch in screen), screen)
        self.assertIn("Up/Dn", help_line(screen))
        self.assertIn("LOW", screen)
        styled = t._tmux("capture-pane", "-p", "-e").stdout
        self.assertNotRegex(styled, r"\x1b\[[0-9;]*3[0-7]m")  # no foreground colours

    def test_kiosk_stays_on_its_line_until_unlocked(self):
        t = self.term(role="operator", args=["--line", "L2", "--kiosk", "--unlock-code", "4711"],
                      tail="echo EXITED")
        t.wait_for("Connected as")
        screen = t.wait_for("Spot welding robot cell 1")  # the line's snap is in
        self.assertIn("KIOSK", screen)
        self.assertNotIn("Quit", help_line(screen))
        t.keys("q", "1")
        t.keys("C-u")
        t.wait_for("Kiosk unlock code")  # still running, still locked
        t.text("4711")
        t.keys("Enter")
        screen = t.wait_for("Kiosk unlocked")
        self.assertIn("Quit", help_line(screen))
        t.keys("q")
        t.wait_for("EXITED")

    def test_admin_token_unlocks_the_kiosk(self):
        t = self.term(role="admin", args=["--line", "L1", "--kiosk"])
        screen = t.wait_for("Connected as")
        self.assertNotIn("KIOSK", screen)
        self.assertIn("Quit", help_line(screen))


class EscalationTest(FloortermTest):
    """A plant whose first escalation step comes after 1 s."""

    def make_hub(self):
        plant = sample_plant()
        plant["escalation"] = [{"after_s": 1, "role": "shift_manager"},
                               {"after_s": 3600, "role": "production_manager"}]
        hub = fhtest.Hub()
        hub.plant = os.path.join(hub.tmp, "plant.json")
        with open(hub.plant, "w") as f:
            json.dump(plant, f)
        return hub

    def test_escalation_to_my_role_stands_out(self):
        sm = self.open_queue(self.term(role="shift_manager", sub="sm1"))
        mt = self.open_queue(self.term(role="maintenance", sub="mt1"))
        andon = self.raise_andon()
        screen = sm.wait_for("ESCALATED: andon %d" % andon["id"], timeout=5)
        self.assertIn("\u203c esc1 shift_manager", screen)
        self.assertIn("Ack", help_line(screen))
        # maintenance may not acknowledge an escalated andon: not offered
        screen = mt.wait_for("esc1 shift_manager")
        self.assertNotIn("\u203c", screen)
        self.assertNotIn("Ack", help_line(screen))
        self.assertIn("Resolve", help_line(screen))


if __name__ == "__main__":
    fhtest.main()
