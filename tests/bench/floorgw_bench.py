"""floorgw_bench.py -- the floorgw scenario of scripts/bench: Sparkplug B
metric updates from Debian's mosquitto through floorgw into the hub.

  floorgw_bench.py --floorhub B --floorgw B --floorsim B --plant P [--rate 20000]
                   [--latency-rate RATE/2] [--window-s 10] [--run N]

Design: one fresh hub (plant P: the 50 x 10 of `floorbench plant-file`),
one mosquitto, floorgw with the mapping `floorsim --print-map` prints for
P, so the devices and metrics are those of a plant's edge node: per
equipment State (Int32 code), Good and Scrap (UInt64 totals).  A publisher
process (paho-mqtt, payloads from Google's protobuf through spb_proto.py)
births the node and its devices and sends DDATA by alias, round-robin
over the equipment, three metric updates each (State, Good + 1, Scrap),
paced at --rate metric updates/s.

- throughput: --rate for --window-s.  Sustained means that floorgw read
  every message the publisher sent (its counters at SIGTERM) and that the
  hub's totals became exact (every equipment's good = its last Good - its
  first) within DRAIN_S of the last publish; the drain time is reported.
- latency: the same load at --latency-rate (half of --rate) while a probe
  publishes a state change of one equipment every 100 ms (a DDATA of its
  own, on a second edge node) and a viewer of its line times the `upd`
  that carries it: publish to `upd`, through mosquitto, floorgw, the
  hub's commit and its fan-out.

Prints one JSON line per phase on stdout ({"scenario": "floorgw", ...})
and a summary on stderr.  A benchmark, never a ctest test.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, os.path.join(ROOT, "hub", "gateway", "test"))
import paho.mqtt.client as mqtt  # noqa: E402

import spb_proto as spb  # noqa: E402

DRAIN_S = 10.0          # the hub must be exact this soon after the last publish
GROUP, NODE, PROBE_NODE = "floorsim", "edge1", "probe"
BATCH_MS = 5            # the publisher's pacing step


def publish_load(port, ids, rate, window_s, out):
    """The publisher process: births, then DDATA at rate metric updates/s
    for window_s; puts (messages, metric updates, last Good per id, wall
    time of the last publish) on out."""
    c = mqtt.Client(client_id="bench-load-%d" % os.getpid(), clean_session=True)
    c.max_queued_messages_set(0)
    c.connect("127.0.0.1", port)
    c.loop_start()
    seq = [0]

    def pub(kind, device, metrics, qos=0):
        topic = "spBv1.0/%s/%s/%s%s" % (GROUP, kind, NODE, "/" + device if device else "")
        s = seq[0]
        seq[0] = (seq[0] + 1) & 255
        return c.publish(topic, spb.payload(seq=s, metrics=metrics), qos=qos)
    pub("NBIRTH", None, [{"name": "bdSeq", "datatype": spb.INT64, "value": 0}])
    good = {i: 1000 for i in ids}
    for k, i in enumerate(ids):
        pub("DBIRTH", i, [
            {"name": "State", "alias": 3 * k + 1, "datatype": spb.INT32, "value": 100},
            {"name": "Good", "alias": 3 * k + 2, "datatype": spb.UINT64, "value": 1000},
            {"name": "Scrap", "alias": 3 * k + 3, "datatype": spb.UINT64, "value": 0}])
    time.sleep(1.0)  # floorgw has the births; the hub has the bases
    per_step = max(1, int(rate * BATCH_MS / 1000.0 / 3))
    msgs, k, t0 = 0, 0, time.monotonic()
    last = None
    while time.monotonic() - t0 < window_s:
        for _ in range(per_step):
            i = ids[k % len(ids)]
            good[i] += 1
            last = pub("DDATA", i, [
                {"alias": 3 * (k % len(ids)) + 1, "datatype": spb.INT32, "value": 100},
                {"alias": 3 * (k % len(ids)) + 2, "datatype": spb.UINT64, "value": good[i]},
                {"alias": 3 * (k % len(ids)) + 3, "datatype": spb.UINT64, "value": 0}])
            k += 1
            msgs += 1
        ahead = t0 + msgs * 3 / rate - time.monotonic()
        if ahead > 0:
            time.sleep(ahead)
    elapsed = time.monotonic() - t0
    if last is not None:
        last.wait_for_publish()
    t_last = time.time()
    c.loop_stop()
    c.disconnect()
    out.put((msgs, msgs * 3, elapsed, good, t_last))


class Stack:
    """The hub, mosquitto and floorgw of one phase."""

    def __init__(self, a, tmp):
        import fhtest
        from gwtest import Broker, Floorgw
        os.environ["FLOORHUB_BIN"] = a.floorhub
        fhtest.FLOORHUB = a.floorhub
        self.hub = fhtest.Hub(plant=a.plant, args=["--log-level", "warn", "--rate", "1000000",
                                                    "--burst", "1000000"]).start()
        self.broker = Broker(tmp)
        mapping = json.loads(subprocess.run([a.floorsim, "--plant", a.plant, "--print-map"],
                                            check=True, capture_output=True, text=True).stdout)
        # the probe's equipment is on a node of its own
        probe = mapping["equipment"][0]
        probe["source"]["sparkplug"]["node"] = PROBE_NODE
        probe.pop("counts")
        self.probe_id = probe["id"]
        self.ids = [e["id"] for e in mapping["equipment"][1:]]
        self.gw = Floorgw(a.floorgw, tmp, mapping, fhtest.make_token(sub="gw1", role="gateway"),
                          self.broker.port, self.hub.url).start()
        self.gw.log_has("hub online", timeout=10)
        self.gw.log_has("mqtt: connected", timeout=10)
        time.sleep(0.3)

    def stop(self):
        """Stops floorgw (its counters at exit) and everything; returns the
        number of Sparkplug messages floorgw read."""
        self.gw.proc.terminate()
        self.gw.proc.wait(timeout=10)
        m = re.findall(r"sparkplug: (\d+) messages", self.gw.log())
        self.broker.stop()
        self.hub.stop()
        self.hub.cleanup()
        return int(m[-1]) if m else 0


async def hub_goods(hub, ids):
    """Every equipment's good, through a viewer's line snapshots."""
    import fhtest
    view = await fhtest.Client(hub).connect(token=fhtest.make_token(sub="v", role="viewer"))
    lines = sorted({i.split("-")[0] for i in ids})
    goods = {}
    for line in lines:
        snap = await view.snapshot("line/" + line)
        goods.update({e["id"]: e["good"] for e in snap["data"]["equipment"]})
    await view.close()
    return goods


async def wait_exact(hub, good, ids, deadline):
    want = {i: good[i] - 1000 for i in ids}
    while time.time() < deadline:
        got = await hub_goods(hub, ids)
        if all(got.get(i) == want[i] for i in ids):
            return time.time()
        await asyncio.sleep(0.1)
    return None


def throughput(a, tmp):
    st = Stack(a, tmp)
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=publish_load,
                                args=(st.broker.port, st.ids, a.rate, a.window_s, q))
    p.start()
    msgs, updates, elapsed, good, t_last = q.get(timeout=a.window_s + 60)
    p.join()
    t_exact = asyncio.run(wait_exact(st.hub, good, st.ids, t_last + DRAIN_S))
    read = st.stop()
    sent = msgs + 1 + len(st.ids)  # and the births
    row = {"scenario": "floorgw", "phase": "throughput", "run": a.run,
           "offered_updates_per_s": a.rate, "updates_per_s": updates / elapsed,
           "equipment": len(st.ids),
           "messages": sent, "floorgw_read": read - 1,  # its own STATE too
           "drain_s": None if t_exact is None else max(0.0, t_exact - t_last),
           "exact": t_exact is not None}
    row["sustained"] = row["exact"] and row["floorgw_read"] >= sent
    return row


async def probe_latency(st, port, n):
    """n state changes of the probe equipment, each timed to its upd."""
    import fhtest
    c = mqtt.Client(client_id="bench-probe-%d" % os.getpid(), clean_session=True)
    c.connect("127.0.0.1", port)
    c.loop_start()
    view = await fhtest.Client(st.hub).connect(token=fhtest.make_token(sub="p", role="viewer"))
    line = st.probe_id.split("-")[0]
    await view.snapshot("line/" + line)
    topic = "spBv1.0/%s/DDATA/%s/%s" % (GROUP, PROBE_NODE, st.probe_id)
    c.publish("spBv1.0/%s/NBIRTH/%s" % (GROUP, PROBE_NODE),
              spb.payload(seq=0, metrics=[{"name": "bdSeq", "datatype": spb.INT64, "value": 0}]))
    c.publish("spBv1.0/%s/DBIRTH/%s/%s" % (GROUP, PROBE_NODE, st.probe_id), spb.payload(
        seq=1, metrics=[{"name": "State", "alias": 1, "datatype": spb.INT32, "value": 100}]))
    await asyncio.sleep(0.5)
    lat = []
    for k in range(n):
        code, state = (300, "down") if k % 2 == 0 else (100, "running")
        data = spb.payload(seq=(k + 2) & 255, metrics=[
            {"alias": 1, "datatype": spb.INT32, "value": code}])
        view.queue.clear()
        t0 = time.monotonic()
        c.publish(topic, data)
        await view.next(timeout=5, pred=lambda m: (
            m["t"] == "upd" and m["data"].get("equipment", {}).get("id") == st.probe_id and
            m["data"]["equipment"]["state"] == state))
        lat.append((time.monotonic() - t0) * 1e6)
        await asyncio.sleep(0.1)
    await view.close()
    c.loop_stop()
    c.disconnect()
    return sorted(lat)


def latency(a, tmp):
    st = Stack(a, tmp)
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=publish_load,
                                args=(st.broker.port, st.ids, a.latency_rate, a.window_s, q))
    p.start()
    time.sleep(1.5)  # the births are through and the load runs
    n = max(10, int((a.window_s - 1.0) / 0.11))
    lat = asyncio.run(probe_latency(st, st.broker.port, n))
    q.get(timeout=a.window_s + 60)
    p.join()
    st.stop()

    def pct(f):
        return lat[min(len(lat) - 1, int(f * len(lat)))]
    return {"scenario": "floorgw", "phase": "latency", "run": a.run,
            "offered_updates_per_s": a.latency_rate, "samples": len(lat),
            "p50_us": pct(0.5), "p99_us": pct(0.99), "max_us": lat[-1]}


def main():
    ap = argparse.ArgumentParser()
    for k in ("floorhub", "floorgw", "floorsim", "plant"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--rate", type=float, default=20000)
    ap.add_argument("--latency-rate", type=float)
    ap.add_argument("--window-s", type=float, default=10)
    ap.add_argument("--run", type=int, default=1)
    a = ap.parse_args()
    a.latency_rate = a.latency_rate or a.rate / 2
    with tempfile.TemporaryDirectory(prefix="floorgw-bench-") as tmp:
        t = throughput(a, tmp)
        print(json.dumps(t), flush=True)
        print("floorgw throughput: %.0f metric updates/s published, %s, drain %s s, floorgw read "
              "%d of %d messages" % (t["updates_per_s"], "sustained" if t["sustained"]
                                     else "NOT sustained", t["drain_s"], t["floorgw_read"],
                                     t["messages"]), file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="floorgw-bench-") as tmp:
        lt = latency(a, tmp)
        print(json.dumps(lt), flush=True)
        print("floorgw latency at %.0f updates/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
              "(%d samples)" % (lt["offered_updates_per_s"], lt["p50_us"] / 1000,
                                lt["p99_us"] / 1000, lt["max_us"] / 1000, lt["samples"]),
              file=sys.stderr)


if __name__ == "__main__":
    main()
