#!/usr/bin/python3
"""history.py -- scripts/bench's `history` scenario: the history reads of
issue 14 on a generated year of a big plant.

  history.py --floorctl F --hub H --plant P --data DIR --key-file K
             --days N --runs R

Writes the history with `floorctl backfill --days N` into DIR (a fresh
store; the time it took and the store's size are reported), starts the
hub on it (the time until it listens is reported: it loads the recent
stops), then measures over one WebSocket (msgpack, as every client):
  - oee.history of one line for the whole period by week,
  - oee.history of the plant for the last 90 days by day,
  - dt.pareto of one line over the last 30 days,
each R times after one warm-up (the median and the slowest are reported;
the time is from sending the request to its last page), and the CSV
exports of the whole period for the plant (oee.csv by shift, downtime.csv)
R times over HTTP, in MB/s, with the hub's anonymous RSS (RssAnon: its
own memory; the store's mapped pages it reads count in VmRSS, not here)
before, the largest seen during (sampled every 50 ms) and after.  One JSON line per measurement on
stdout, for report.py.  Uses Debian's python3-websockets, -msgpack, -jwt.
"""
import argparse
import asyncio
import http.client
import json
import os
import socket
import statistics
import subprocess
import threading
import time

import jwt
import msgpack
import websockets

DAY_MS = 86400000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid, field="VmRSS"):
    """VmRSS, or RssAnon: the hub's own memory without the store's pages
    it has mapped (LMDB reads through mmap; those pages count in VmRSS)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def emit(**row):
    row["scenario"] = "history"
    print(json.dumps(row), flush=True)


def backfill(a):
    t0 = time.monotonic()
    out = subprocess.run([a.floorctl, "backfill", "--data", a.data, "--plant", a.plant,
                          "--days", str(a.days)], check=True, capture_output=True, text=True)
    took = time.monotonic() - t0
    size = sum(os.path.getsize(os.path.join(a.data, f)) for f in os.listdir(a.data))
    emit(what="backfill", days=a.days, seconds=round(took, 1),
         store_bytes=size, output=out.stdout.strip())


def start_hub(a, port):
    log = open(os.path.join(os.path.dirname(a.data), "history-hub.log"), "w")
    t0 = time.monotonic()
    p = subprocess.Popen([a.hub, "--listen", "127.0.0.1:%d" % port, "--data", a.data,
                          "--plant", a.plant, "--jwt-key-file", a.key_file,
                          "--log-level", "warn"], stdout=log, stderr=log)
    while time.monotonic() - t0 < 600:
        if p.poll() is not None:
            raise SystemExit("history.py: floorhub exited with %d" % p.returncode)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    emit(what="hub_start", seconds=round(time.monotonic() - t0, 2), rss_kib=rss_kib(p.pid),
         anon_kib=rss_kib(p.pid, "RssAnon"))
    return p


class Ws:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 1
        self.unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)

    async def request(self, msg):
        msg = dict(msg, id=self.next_id)
        self.next_id += 1
        await self.ws.send(msgpack.packb(msg))
        while True:
            for m in self.unpacker:
                if m.get("id") == msg["id"] and m.get("t") in ("ok", "err", "welcome"):
                    return m
            self.unpacker.feed(await asyncio.wait_for(self.ws.recv(), 60))

    async def pages(self, msg):
        """Every page of a paged read; (rows, pages)."""
        rows, n, cursor = [], 0, None
        while True:
            q = dict(msg, cursor=cursor) if cursor is not None else msg
            r = await self.request(q)
            if r["t"] != "ok":
                raise SystemExit("history.py: %s answered %r" % (msg["t"], r))
            rows += r.get("rows", [])
            n += 1
            cursor = r.get("cursor")
            if cursor is None:
                return rows, n


async def queries(a, port, token, end):
    ws = Ws(await websockets.connect("ws://127.0.0.1:%d/ws" % port, max_size=None,
                                     subprotocols=["floorhub.v1"], compression=None,
                                     ping_interval=None))
    assert (await ws.request({"t": "hello", "token": token}))["t"] == "welcome"
    line = "L01"
    cases = [
        ("oee.history line year by week", 20,
         {"t": "oee.history", "scope": "line", "line": line, "from": end - a.days * DAY_MS,
          "to": end, "group": "week"}),
        ("oee.history plant 90 days by day", 100,
         {"t": "oee.history", "scope": "plant", "from": end - 90 * DAY_MS, "to": end,
          "group": "day"}),
        ("dt.pareto line 30 days", 50,
         {"t": "dt.pareto", "scope": "line", "line": line, "from": end - 30 * DAY_MS,
          "to": end}),
    ]
    for name, target, q in cases:
        times = []
        rows, pages = await ws.pages(q)  # the warm-up
        for _ in range(a.runs):
            t0 = time.perf_counter()
            await ws.pages(q)
            times.append((time.perf_counter() - t0) * 1000)
        emit(what=name, target_ms=target, median_ms=round(statistics.median(times), 2),
             max_ms=round(max(times), 2), runs=a.runs, rows=len(rows), pages=pages,
             passed=statistics.median(times) < target)
    await ws.ws.close()


def export(a, port, token, hub, path):
    seen = {"max": 0}
    done = threading.Event()

    def sample():
        while not done.is_set():
            seen["max"] = max(seen["max"], rss_kib(hub.pid, "RssAnon"))
            time.sleep(0.05)

    before = rss_kib(hub.pid, "RssAnon")
    t = threading.Thread(target=sample)
    t.start()
    t0 = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    c.request("GET", path, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    n = 0
    while True:
        chunk = r.read(1 << 16)
        if not chunk:
            break
        n += len(chunk)
    took = time.perf_counter() - t0
    done.set()
    t.join()
    c.close()
    if r.status != 200:
        raise SystemExit("history.py: %s answered %d" % (path, r.status))
    return n, took, before, seen["max"], rss_kib(hub.pid, "RssAnon")


def exports(a, port, token, end):
    day = lambda ms: time.strftime("%Y-%m-%d", time.gmtime(ms / 1000))  # the plant is UTC
    rng = "from=%s&to=%s" % (day(end - a.days * DAY_MS), day(end + DAY_MS))
    for name, path in (("oee.csv plant by shift", "/api/v1/export/oee.csv?scope=plant&group=shift&"),
                       ("downtime.csv plant", "/api/v1/export/downtime.csv?scope=plant&")):
        res = [export(a, port, token, a.hub_proc, path + rng) for _ in range(a.runs)]
        mbs = [n / took / 1e6 for n, took, *_ in res]
        emit(what=name, target_mb_s=20, bytes=res[0][0],
             median_s=round(statistics.median(r[1] for r in res), 2),
             median_mb_s=round(statistics.median(mbs), 1), runs=a.runs,
             rss_before_kib=res[0][2], rss_during_max_kib=max(r[3] for r in res),
             rss_after_kib=res[-1][4], passed=statistics.median(mbs) > 20)


def main():
    ap = argparse.ArgumentParser()
    for k in ("floorctl", "hub", "plant", "data", "key-file"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    backfill(a)
    with open(a.key_file) as f:
        secret = f.read().rstrip("\n")
    now = int(time.time())
    token = jwt.encode({"sub": "bench", "role": "viewer", "iat": now, "exp": now + 7200},
                       secret, algorithm="HS256")
    port = free_port()
    a.hub_proc = start_hub(a, port)
    try:
        end = int(time.time() * 1000)
        asyncio.run(queries(a, port, token, end))
        exports(a, port, token, end)
    finally:
        a.hub_proc.terminate()
        a.hub_proc.wait(30)


if __name__ == "__main__":
    main()
