"""test_floorgw_npm.py -- a second, independent Sparkplug B edge node: the
npm sparkplug-client package (Cirrus Link's), through Debian's mosquitto
and floorgw into the real hub (ctest: floorgw_npm_e2e, label e2e).

Design: test/npm/edge.js wraps the package; this test drives it through
its stdin (births, data by alias, a lost seq) and reads its stdout.  A
viewer of line/L1 sees the states and counts floorgw makes of them;
mosquitto_sub sees the rebirth NCMD floorgw sends after the seq gap (and
the package reports receiving it); kill -9 of the node makes the broker
publish the package's Will, an NDEATH with the birth's bdSeq, and the
equipment goes `unknown` with machine reason `no_signal`.

The package is installed by scripts/web-deps (npm ci in test/npm).
Paths come from the environment: FLOORHUB_BIN, FLOORCTL_BIN, FLOORGW_BIN,
FH_SOURCE_DIR; NODE (default node).
"""
import json
import os
import queue
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
from gwtest import FLOORGW, fhtest, Broker, Floorgw  # noqa: E402

NODE = os.environ.get("NODE", "node")
NPM_DIR = os.path.join(HERE, "npm")

MAP = {"equipment": [
    {"id": "L1-PRESS2",
     "source": {"sparkplug": {"group": "plant", "node": "npmnode", "device": "press2"}},
     "state": {"rules": [{"metric": "Fault", "is": True, "state": "down",
                          "reason": "electrical"}], "else": "running"},
     "counts": {"good_total": {"metric": "Good"}, "reject_total": {"metric": "Scrap"}}}]}


def equipment(eq_id):
    """A viewer predicate: an update of line/L1 that carries eq_id."""
    return lambda m: (m["t"] == "upd" and m["topic"] == "line/L1" and
                      m["data"].get("equipment", {}).get("id") == eq_id)


class NpmEdge:
    """node edge.js, driven line by line."""

    def __init__(self, port):
        self.proc = subprocess.Popen([NODE, os.path.join(NPM_DIR, "edge.js"),
                                      "mqtt://127.0.0.1:%d" % port, "plant", "npmnode"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, cwd=NPM_DIR)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, want, timeout=10.0):
        deadline = time.time() + timeout
        seen = []
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            seen.append(line)
            if line == want:
                return
        raise AssertionError("edge.js never printed %r (printed %r)" % (want, seen))

    def do(self, op, **kw):
        kw["op"] = op
        self.proc.stdin.write(json.dumps(kw) + "\n")
        self.proc.stdin.flush()
        self.expect("ok " + op)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


def m(name=None, alias=None, type_="Boolean", value=None):
    out = {"type": type_, "value": value}
    if name is not None:
        out["name"] = name
    if alias is not None:
        out["alias"] = alias
    return out


class FloorgwNpm(fhtest.HubTest):
    plant_data = fhtest.load_plant()

    def setUp(self):
        if not os.path.isdir(os.path.join(NPM_DIR, "node_modules", "sparkplug-client")):
            self.fail("sparkplug-client is not installed: run scripts/web-deps")
        super().setUp()
        self.broker = Broker(self.hub.tmp)
        token = fhtest.make_token(sub="gw1", role="gateway")
        self.floorgw = Floorgw(FLOORGW, self.hub.tmp, MAP, token, self.broker.port,
                               self.hub.url).start()
        self.edge = None
        self.ncmd = None

    def tearDown(self):
        for p in (self.edge, self.ncmd):
            if p:
                p.kill()
        self.floorgw.kill()
        self.broker.stop()
        super().tearDown()

    def test_births_aliases_seq_gap_and_the_will_of_the_npm_edge_node(self):
        async def next_state(view, state, reason, machine_reason=None):
            """The next update of L1-PRESS2 in that state (updates of its
            counts come between)."""
            def pred(msg):
                e = msg["data"]["equipment"] if equipment("L1-PRESS2")(msg) else None
                return e is not None and ((e["state"], e["reason"], e["machine_reason"]) ==
                                          (state, reason, machine_reason))
            await view.next(timeout=10, pred=pred)

        async def counts():
            v = await self.client("viewer")
            snap = await v.snapshot("line/L1")
            await v.close()
            e = {x["id"]: x for x in snap["data"]["equipment"]}["L1-PRESS2"]
            return e["good"], e["reject"]

        async def run():
            view = await self.client("viewer")
            await view.snapshot("line/L1")
            self.floorgw.log_has("hub online")
            self.floorgw.log_has("mqtt: connected")
            time.sleep(0.3)  # the subscriptions follow the CONNACK
            self.edge = NpmEdge(self.broker.port)
            self.edge.expect("connected")
            self.edge.do("nbirth", metrics=[m("Node Control/Rebirth", value=False)])
            self.edge.do("dbirth", device="press2", metrics=[
                m("Fault", 1, value=False), m("Good", 2, "UInt64", 500),
                m("Scrap", 3, "UInt32", 4)])
            await next_state(view, "running", None)
            self.edge.do("ddata", device="press2", metrics=[
                m(None, 2, "UInt64", 530), m(None, 3, "UInt32", 6)])      # by alias
            self.edge.do("ddata", device="press2", metrics=[m(None, 1, value=True)])
            await next_state(view, "down", "electrical")
            self.assertEqual(await counts(), (30, 2))

            self.ncmd = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p",
                                          str(self.broker.port), "-C", "1", "-W", "10",
                                          "-t", "spBv1.0/plant/NCMD/npmnode"],
                                         stdout=subprocess.PIPE)
            time.sleep(0.3)  # mosquitto_sub is subscribed
            self.edge.do("skip")                                          # a lost seq
            self.edge.do("ddata", device="press2", metrics=[m(None, 1, value=False)])
            out, _ = self.ncmd.communicate(timeout=15)
            self.assertIn(b"Node Control/Rebirth", out)
            self.edge.expect("ncmd Node Control/Rebirth=true")
            self.floorgw.log_has("DDATA seq")
            self.assertEqual(await counts(), (30, 2))  # the data after the gap was dropped

            await view.sync()  # older updates of L1-PRESS2 (running too) are gone
            self.edge.do("nbirth", metrics=[m("Node Control/Rebirth", value=False)])
            self.edge.do("dbirth", device="press2", metrics=[
                m("Fault", 1, value=False), m("Good", 2, "UInt64", 531),
                m("Scrap", 3, "UInt32", 6)])
            await next_state(view, "running", None)

            self.edge.kill()  # kill -9: the broker publishes its Will, an NDEATH
            await next_state(view, "unknown", None, "no_signal")
            self.floorgw.log_has("sparkplug plant/npmnode is gone")
            self.assertEqual(await counts(), (31, 2))
        self.run_async(run())


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
