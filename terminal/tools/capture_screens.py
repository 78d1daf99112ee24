"""capture_screens -- regenerates the floorterm screen captures of README.md.

Starts a real floorhub with the sample plant moved into a one-minute shift
(so that a shift closes while we watch), feeds it equipment states, counts
and andons as a gateway and an operator would, drives floorterm in tmux and
prints each screen (tmux capture-pane) as a Markdown code block; last,
the report's history on a second hub whose store `floorctl backfill`
filled.  Takes about two minutes.

  FLOORHUB_BIN=... FLOORCTL_BIN=... FLOORTERM_BIN=... \\
      /usr/bin/python3 terminal/tools/capture_screens.py > /tmp/screens.md
"""
import asyncio
import datetime
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))

import fhtest  # noqa: E402
from fhtest import Client, make_token  # noqa: E402
from termtest import Term, token_file  # noqa: E402

FLOORTERM = os.environ.get("FLOORTERM_BIN", "floorterm")

STATES = {  # equipment -> (state, reason); everything else runs
    "L2-WELD2": ("down", "mechanical"),
    "L3-FILL": ("starved", "material_shortage"),
    "L3-CASE": ("changeover", None),
    "L3-PALLET": ("idle", None),
}
PERFORMANCE = {"L1": 1.0, "L2": 0.8, "L3": 0.5}  # share of the ideal output
REJECTS = {"L1": 0, "L2": 1, "L3": 2}             # per equipment


def hhmm(t):
    return t.strftime("%H:%M")


def plant_file(tmp):
    """The sample plant in UTC with a shift that ends at the next minute."""
    with open(fhtest.SAMPLE_PLANT) as f:
        plant = json.load(f)
    now = datetime.datetime.utcnow().replace(second=0, microsecond=0)
    minute = datetime.timedelta(minutes=1)
    plant["timezone"] = "UTC"
    plant["shifts"] = [
        {"name": "early", "start": hhmm(now), "end": hhmm(now + minute), "breaks": []},
        {"name": "late", "start": hhmm(now + minute), "end": hhmm(now + 30 * minute),
         "breaks": []}]
    plant["escalation"] = [{"after_s": 3, "role": "shift_manager"},
                           {"after_s": 900, "role": "production_manager"}]
    path = os.path.join(tmp, "plant.json")
    with open(path, "w") as f:
        json.dump(plant, f)
    return plant, path


async def connect(hub, sub, role):
    return await Client(hub).connect(token=make_token(sub=sub, role=role))


async def write(c, msg):
    msg = dict(msg, key="%s-%f" % (msg["t"], time.time()))
    reply = await c.request(msg)
    assert reply["t"] == "ok", reply
    return reply


async def set_states(hub, plant):
    gw = await connect(hub, "gw1", "gateway")
    for line in plant["lines"]:
        for eq in line["equipment"]:
            state, reason = STATES.get(eq["id"], ("running", None))
            msg = {"t": "eq.state", "equipment": eq["id"], "state": state}
            if reason:
                msg["reason"] = reason
            await write(gw, msg)
    await gw.close()


async def add_counts(hub, plant, seconds):
    gw = await connect(hub, "gw1", "gateway")
    for line in plant["lines"]:
        for eq in line["equipment"]:
            if STATES.get(eq["id"], ("running",))[0] != "running":
                continue
            n = int(seconds * 1000 / eq["ideal_cycle_ms"] * PERFORMANCE[line["id"]])
            bad = min(REJECTS[line["id"]], n)
            if n > 0:
                await write(gw, {"t": "eq.count", "equipment": eq["id"],
                                 "good": n - bad, "reject": bad})
    await gw.close()


async def raise_andons(hub):
    op = await connect(hub, "op7", "operator")
    await write(op, {"t": "andon.raise", "line": "L2", "equipment": "L2-WELD2",
                     "kind": "maintenance", "severity": 3, "note": "gripper fault"})
    await write(op, {"t": "andon.raise", "line": "L3", "equipment": "L3-FILL",
                     "kind": "material", "note": "caps running out"})
    await op.close()


def block(title, screen):
    lines = screen.rstrip("\n").split("\n")
    print("### %s\n\n```\n%s\n```\n" % (title, "\n".join(l.rstrip() for l in lines)))


def term(hub, role, sub, args=(), width=100, height=30, env=None, lines=None):
    tok = token_file(hub.tmp, make_token(sub=sub, role=role, lines=lines))
    argv = [FLOORTERM, "--url", hub.url, "--token-file", tok] + list(args)
    return Term(argv, width, height, env=dict({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
                                               **(env or {}))).start()


def history_screen():
    """The report two shifts back with the 7-day table, on a hub of the
    sample plant (in its own zone) whose store holds 8 backfilled days."""
    hub = fhtest.Hub()
    try:
        hub.start()
        hub.backfill(8, seed=3)
        t = term(hub, "shift_manager", "sm1", ["--line", "L1"], width=80, height=24,
                 env={"TZ": "Europe/Berlin"})
        try:
            t.wait_for("Connected as")
            t.keys("4")
            t.wait_for(lambda s: "the last closed shift" in s and "..." not in s, timeout=10)
            t.keys("Left", "Left")
            block("Shift report two shifts back, the last 7 days (L1, 8 days of "
                  "`floorctl backfill`, 80x24)", t.wait_for("2 shifts before the last closed"))
        finally:
            t.close()
    finally:
        hub.cleanup()


def sign_in_screens(hub, terms):
    """A kiosk token's floorterm: the sign-in screen with a PIN being
    typed, then the person signed in (floorctl makes the user)."""
    ctl = [os.environ.get("FLOORCTL_BIN", "floorctl"), "user"]
    for verb, args, secret in (("add", ["--name", "Mira Tesla", "--role", "maintenance"], None),
                               ("set", ["--pin-stdin"], "604417")):
        subprocess.run(ctl + [verb, "--data", hub.data_dir, "--id", "mira"] + args,
                       input=(secret + "\n") if secret else "", text=True, check=True)
    k = term(hub, "kiosk", "kiosk-L1", ["--line", "L1", "--kiosk"], width=80, height=24,
             lines=["L1"])
    terms.append(k)
    k.wait_for("SIGN IN at")
    k.text("mira")
    k.keys("Tab")
    k.text("6044")
    block("Sign-in at a kiosk token (kiosk-L1, 80x24), the PIN being typed",
          k.wait_for("****"))
    k.text("17")
    k.keys("Enter")
    block("Signed in at the kiosk", k.wait_for("Mira Tesla (maintenance) at kiosk-L1"))


def main():
    while datetime.datetime.utcnow().second not in range(1, 6):
        time.sleep(0.2)
    hub = fhtest.Hub()
    plant, hub.plant = plant_file(hub.tmp)
    terms = []
    try:
        hub.start()
        started = time.monotonic()
        asyncio.run(set_states(hub, plant))
        sm = term(hub, "shift_manager", "sm1")
        terms.append(sm)
        sm.wait_for("Connected as")
        asyncio.run(raise_andons(hub))
        time.sleep(max(0, 45 - (time.monotonic() - started)))
        asyncio.run(add_counts(hub, plant, time.monotonic() - started))
        def oee_in(s):  # every line's OEE record came after the counts
            rows = [l for l in s.split("\n") if l[2:4] in ("L1", "L2", "L3")]
            return len(rows) == 3 and all("/0/0 " not in r for r in rows)
        block("Plant board (shift_manager, 100x30)", sm.wait_for(oee_in))
        sm.keys("Down", "Enter")
        block("Line view (L2)", sm.wait_for("EQUIPMENT"))
        sm.keys("3")
        block("Andon queue, escalated to the user's role", sm.wait_for("esc1"))
        sm.keys("1", "r")
        block("Raise: the kind chooser", sm.wait_for("kind"))
        sm.keys("Escape")
        kiosk = term(hub, "operator", "op3", ["--line", "L1", "--kiosk", "--unlock-code", "4711"],
                     width=80, height=24, env={"TERM": "vt100", "LANG": "C", "LC_ALL": "C"})
        terms.append(kiosk)
        block("Kiosk on L1, operator, vt100 without colours, ASCII, 80x24",
              kiosk.wait_for("Connected as"))
        sign_in_screens(hub, terms)
        while datetime.datetime.utcnow().second > 5:  # the early shift closes
            time.sleep(0.5)
        time.sleep(3)
        sm.keys("1", "Up", "Up", "Down", "Enter", "4")  # L2
        block("Shift report (L2, the closed shift)", sm.wait_for("LOSSES BY STATE", timeout=10))
        sm.keys("3")
        sm.wait_for("esc1")
        hub.stop()
        sm.wait_for("OFFLINE since")
        sm.keys("a")
        block("Offline: last known state, an acknowledge pending", sm.wait_for("pending"))
    finally:
        for t in terms:
            t.close()
        hub.cleanup()
    history_screen()


if __name__ == "__main__":
    main()
