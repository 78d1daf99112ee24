#!/usr/bin/python3
"""report.py -- the benchmark report: floorbench's JSON lines in, a markdown
report and two PNG plots (gnuplot) out.  scripts/bench runs it.

Every number in a table is the median over the runs of that scenario.
Each server's row comes from the same floorbench binary and the same
machine, measured in the same run.  A window in which floorbench used more
than 90 % of a core is marked "saturated": there the meter, not the server,
may have set the number.  `other` is the CPU the rest of the machine used
during the window; on a shared machine that is noise in the numbers.

The equal scenario (label "equal-rate") has its own section, the
equal-rate comparison (report_equal.py), and floorhub's split of each
update's time is shown beside the fan-out latency.

The tls scenario (label "plain-vs-tls") ran floorhub's fan-out at fixed
offered rates and the memory steps twice, over ws:// and wss://; its rows
appear only in the section "TLS: what it costs", plain and TLS side by side.

  report.py --results R.jsonl [--store store.txt] [--reaccount reaccount.txt] --out X.md

R.jsonl holds one {"scenario": "env", ...} line (machine, versions, load)
written by scripts/bench, then floorbench's results.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile

from report_equal import EQUAL_LABEL, equal_plot, equal_section, half_split_table

TARGETS = ["floorhub", "mosquitto", "nats-server", "node-ws"]
PEERS = TARGETS[1:]
SHORT = {"floorhub": "fh", "mosquitto": "mq", "nats-server": "nats", "node-ws": "node"}
TLS_LABEL = "plain-vs-tls"  # scripts/bench's tls scenario: its own section
SATURATED = 0.9  # floorbench CPU (cores) above which a window is suspect


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def num(v, fmt="{:,.0f}"):
    return "–" if v is None else fmt.format(v)


def ms(us):
    return "–" if us is None else "{:.2f}".format(us / 1000.0)


def cpu(v):
    if v is None:
        return "–"
    return "{:.2f}{}".format(v, " (saturated)" if v > SATURATED else "")


def pick(rows, scenario, phase=None, target=None, **match):
    out = []
    for r in rows:
        if r["scenario"] != scenario or (phase and r["phase"] != phase):
            continue
        if target and r["target"] != target:
            continue
        if all(r.get(k) == v for k, v in match.items()):
            out.append(r)
    return out


def verdict(ok):
    return "–" if ok is None else ("**met**" if ok else "**missed**")


# ------------------------------------------------------------ scenario 1

def fanout_stats(rows, target, subs):
    """Median over runs of the sustained rate and the half-rate latency."""
    runs = {}
    for r in pick(rows, "fanout", target=target, subs=subs):
        runs.setdefault(r["run"], []).append(r)
    best, half, self_max, other, cost = [], [], [], [], []
    for steps in runs.values():
        tried = [s for s in steps if s["phase"] in ("step", "retry")]
        passed = [s for s in tried if s["pass"]]
        top = max(passed, key=lambda s: s["rate"]) if passed else None
        best.append(top["deliv_per_s"] if top else 0.0)
        if top:
            self_max.append(max(s["self_cpu"] for s in tried))
            other.append(top.get("other_cpu"))
            if top["server_cpu"] > 0 and top["deliv_per_s"] > 0:
                cost.append(top["server_cpu"] * 1e6 / top["deliv_per_s"])
        half += [s for s in steps if s["phase"] == "half"]
    return {
        "deliv": med(best),
        "p50": med([h["p50_us"] for h in half]),
        "p99": med([h["p99_us"] for h in half]),
        "p999": med([h["p999_us"] for h in half]),
        "self": med(self_max),
        "other": med(other),
        "cost": med(cost),
        "n": len(runs),
    }


def fanout_section(rows, out, checks, stem):
    subs_list = sorted({r["subs"] for r in pick(rows, "fanout")})
    if not subs_list:
        return
    out += ["## 1. Fan-out: one publisher, N subscribers of one topic", "",
            "Highest sustained deliveries/s (a step passes when >= 99.9 % of "
            "sent x N arrive, p99 is within the bound -- 50 ms per 1,000 "
            "subscribers, at least 50 ms -- and nothing is dropped; a failed "
            "step is run once more before it counts), "
            "then publish->deliver latency at half that rate.  floorhub "
            "publishes durable `eq.count` writes whose increments carry the send "
            "time (fsync'ed before the update goes out); the peers publish QoS 0 / NATS core / plain broadcasts of the "
            "same 128-byte payload.  Server CPU per delivery is taken at the "
            "highest passing step: unlike the rates it does not depend much on "
            "what else the machine was doing.", "",
            "| subs | " + " | ".join("%s deliv/s" % t for t in TARGETS) + " | " +
            " | ".join("floorhub / %s" % t for t in PEERS) +
            " | floorhub p50 / p99 / p999 ms at half | " +
            " | ".join("%s p99 ms" % t for t in PEERS) +
            " | server CPU us per delivery (%s) | floorbench CPU (%s) | other CPU (fh) |" % (
                " / ".join(SHORT[t] for t in TARGETS), " / ".join(SHORT[t] for t in TARGETS)),
            "|---|" + "---|" * (2 * len(TARGETS) + len(PEERS) + 3)]
    for subs in subs_list:
        st = {t: fanout_stats(rows, t, subs) for t in TARGETS}
        fh = st["floorhub"]
        ratio = {t: fh["deliv"] / st[t]["deliv"] if fh["deliv"] and st[t]["deliv"] else None
                 for t in PEERS}
        out.append("| %s | %s | %s | %s / %s / %s | %s | %s | %s | %s |" % (
            subs, " | ".join(num(st[t]["deliv"]) for t in TARGETS),
            " | ".join(num(ratio[t], "{:.2f}x") for t in PEERS),
            ms(fh["p50"]), ms(fh["p99"]), ms(fh["p999"]),
            " | ".join(ms(st[t]["p99"]) for t in PEERS),
            " / ".join(num(st[t]["cost"], "{:.1f}") for t in TARGETS),
            " / ".join(cpu(st[t]["self"]) for t in TARGETS), num(fh["other"], "{:.2f}")))
        r_mq, r_nd, r_na = ratio["mosquitto"], ratio["node-ws"], ratio["nats-server"]
        if subs == 1000:
            fl = floor_stats(rows, subs)
            floor_note = "" if fl is None else " (a bare send() loop: %s ms)" % ms(fl["p99_us"])
            checks.append(("Fan-out deliveries/s at 1,000 subscribers >= 2x mosquitto",
                           num(r_mq, "{:.2f}x"), None if r_mq is None else r_mq >= 2))
            checks.append(("Fan-out deliveries/s at 1,000 subscribers >= 5x node-ws",
                           num(r_nd, "{:.2f}x"), None if r_nd is None else r_nd >= 5))
            checks.append(("Fan-out deliveries/s at 1,000 subscribers >= nats-server",
                           num(r_na, "{:.2f}x"), None if r_na is None else r_na >= 1))
            checks.append(("p99 publish->deliver <= 5 ms at half the sustained rate "
                           "(1,000 subscribers)", ms(fh["p99"]) + " ms" + floor_note,
                           None if fh["p99"] is None else fh["p99"] <= 5000))
    out += ["", "![latency against rate](%s-fanout.png)" % stem, ""]
    half_split_table(rows, out)
    floor_table(rows, out)


def floor_stats(rows, subs):
    """Medians of the no-server floor runs (floorbench floor) for subs."""
    fl = pick(rows, "floor", "floor", subs=subs)
    if not fl:
        return None
    return {k: med([r[k] for r in fl]) for k in
            ("rate", "p50_us", "p99_us", "p999_us", "writer_cpu_us_per_delivery",
             "reader_cpu_us_per_delivery")}


def floor_table(rows, out):
    subs_list = sorted({r["subs"] for r in pick(rows, "floor", "floor")})
    if not subs_list:
        return
    out += ["### The floor: one send() per subscriber, no server", "",
            "`floorbench floor`: a forked writer puts each 128-byte message on N "
            "loopback sockets with a plain loop of blocking send() calls; the "
            "reader is floorbench's epoll loop.  No framework, no parsing, no "
            "durability: the least any server here needs to write one message "
            "to N subscribers.  Between them, writer and reader use both cores.",
            "", "| subs | messages/s | p50 ms | p99 ms | p999 ms | writer CPU us per send "
            "| reader CPU us per delivery |", "|---|---|---|---|---|---|---|"]
    for subs in subs_list:
        f = floor_stats(rows, subs)
        out.append("| {} | {} | {} | {} | {} | {} | {} |".format(
            subs, num(f["rate"]), ms(f["p50_us"]), ms(f["p99_us"]), ms(f["p999_us"]),
            num(f["writer_cpu_us_per_delivery"], "{:.1f}"),
            num(f["reader_cpu_us_per_delivery"], "{:.1f}")))
    out.append("")


# ------------------------------------------------------------ scenario 2

def plant_section(rows, out):
    mix = pick(rows, "plant", "mix")
    if not mix:
        return
    r0 = mix[0]
    out += ["## 2. Plant mix", "",
            "%d lines x %d equipment, each updated %g times a second (one "
            "gateway connection per line); %d terminals subscribed to their "
            "line, %d dashboards to `plant` and every line." % (
                r0["lines"], r0["equipment"], r0["hz"], r0["terminals"], r0["dashboards"]),
            "", "| server | published/s | delivered | deliveries/s | p50 ms | p99 ms "
            "| p999 ms | server CPU | floorbench CPU | other CPU |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for t in TARGETS:
        rs = [r for r in mix if r["target"] == t]
        if not rs:
            continue
        share = med([r["delivered"] / r["expected"] if r["expected"] else 0 for r in rs])
        out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            t, num(med([r["sent_per_s"] for r in rs])), num(share * 100, "{:.1f} %"),
            num(med([r["deliv_per_s"] for r in rs])), ms(med([r["p50_us"] for r in rs])),
            ms(med([r["p99_us"] for r in rs])), ms(med([r["p999_us"] for r in rs])),
            num(med([r["server_cpu"] for r in rs]), "{:.2f}"),
            cpu(med([r["self_cpu"] for r in rs])), num(med([r["other_cpu"] for r in rs]), "{:.2f}")))
    out.append("")


# ------------------------------------------------------------ scenario 3

def memory_points(rows, target):
    """{conns: (median rss KiB, median bytes per conn)}."""
    by = {}
    for r in pick(rows, "memory", "rss", target):
        by.setdefault(r["conns"], []).append(r)
    return {c: (med([r["rss_kib"] for r in rs]), med([r["bytes_per_conn"] for r in rs]))
            for c, rs in sorted(by.items())}


def memory_section(rows, out, checks, stem):
    pts = {t: memory_points(rows, t) for t in TARGETS}
    counts = sorted({c for p in pts.values() for c in p if c > 0})
    if not counts:
        return
    out += ["## 3. Memory per idle, subscribed connection", "",
            "Server RSS once every connection is open, authenticated (floorhub), "
            "subscribed to one line and holds its snapshot; per connection = "
            "(RSS - RSS before any connection) / connections.", "",
            "| connections | " + " | ".join("%s RSS MiB | %s per conn" % (t, t) for t in TARGETS) + " |",
            "|---|" + "---|---|" * len(TARGETS)]
    for c in counts:
        cells = []
        for t in TARGETS:
            rss, per = pts[t].get(c, (None, None))
            cells += [num(None if rss is None else rss / 1024.0, "{:.1f}"),
                      num(None if per is None else per / 1024.0, "{:.2f} KiB")]
        out.append("| {:,} | {} |".format(c, " | ".join(cells)))
    stops = []
    for t in TARGETS:
        rs = pick(rows, "memory", "stop", t)
        if rs:
            stops.append("%s %s s" % (t, num(med([r["stop_s"] for r in rs]), "{:.2f}")))
    if stops:
        out += ["", "Time from SIGTERM to exit with %s connections open: %s." % (
            "{:,}".format(counts[-1]), ", ".join(stops))]
    per10k = pts["floorhub"].get(10000, (None, None))[1]
    checks.append(("<= 4 KiB RSS per idle subscribed connection at 10,000",
                   num(None if per10k is None else per10k / 1024.0, "{:.2f} KiB"),
                   None if per10k is None else per10k <= 4096))
    out += ["", "![memory against connections](%s-memory.png)" % stem, ""]


# ------------------------------------------------------------ scenario 4

def durable_section(rows, out, checks):
    w = pick(rows, "durable", "writes")
    if not w:
        return
    out += ["## 4. Durable writes", "",
            "%d clients, %d requests in flight each, cycling andon.raise, "
            "eq.count, andon.ack, eq.count, andon.resolve, eq.count with "
            "idempotency keys; time from sending a request to its `ok` (sent "
            "only after the commit is fsync'ed)." % (w[0]["clients"], w[0]["inflight"]),
            "", "| hub | ok/s | p50 ms | p99 ms | p999 ms | errors | server CPU | other CPU |",
            "|---|---|---|---|---|---|---|---|"]
    stats = {}
    for label in ("group-commit", "commit-per-op"):
        rs = [r for r in w if r["label"] == label]
        if not rs:
            continue
        s = stats[label] = {k: med([r[k] for r in rs]) for k in
                            ("ops_per_s", "p50_us", "p99_us", "p999_us", "errors",
                             "server_cpu", "other_cpu")}
        out.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
            label, num(s["ops_per_s"]), ms(s["p50_us"]), ms(s["p99_us"]), ms(s["p999_us"]),
            num(s["errors"]), num(s["server_cpu"], "{:.2f}"), num(s["other_cpu"], "{:.2f}")))
    g, p = stats.get("group-commit"), stats.get("commit-per-op")
    ratio = g["ops_per_s"] / p["ops_per_s"] if g and p and p["ops_per_s"] else None
    out += ["", "Group commit buys %s the throughput of one commit per write." %
            num(ratio, "{:.1f}x"), ""]
    if g:
        checks.append(("Durable writes >= 20,000 ops/s", num(g["ops_per_s"]),
                       g["ops_per_s"] >= 20000))
        checks.append(("Durable writes p99 time to ok <= 20 ms", ms(g["p99_us"]) + " ms",
                       g["p99_us"] <= 20000))
    checks.append(("Group commit >= 10x one commit per operation", num(ratio, "{:.1f}x"),
                   None if ratio is None else ratio >= 10))


# ------------------------------------------------------------ scenario 6

def floorgw_section(rows, out, checks):
    t, lt = pick(rows, "floorgw", "throughput"), pick(rows, "floorgw", "latency")
    if not t:
        return
    s = {k: med([r[k] for r in t]) for k in ("updates_per_s", "drain_s")}
    sustained = all(r["sustained"] for r in t)
    out += ["## 7. floorgw: Sparkplug B into the hub", "",
            "A publisher (paho-mqtt) sends DDATA by alias for %s equipment through "
            "mosquitto; floorgw maps State, Good and Scrap (three metric updates a "
            "message) into eq.state / eq.total.  Sustained: floorgw read every message "
            "and the hub's totals were exact within 10 s of the last publish.  Latency: "
            "a probe's state change, publish to the viewer's `upd`, at %s metric updates/s." %
            (num(t[0]["equipment"]), num(lt[0]["offered_updates_per_s"]) if lt else "-"), "",
            "| metric updates/s | sustained | drain s | latency p50 / p99 / max ms |",
            "|---|---|---|---|"]
    lat = "-"
    if lt:
        lat = " / ".join(ms(med([r[k] for r in lt])) for k in ("p50_us", "p99_us", "max_us"))
    out += ["| %s | %s | %s | %s |" % (num(s["updates_per_s"]), "yes" if sustained else "no",
                                       num(s["drain_s"], "{:.2f}"), lat), ""]
    checks.append(("floorgw sustains >= 20,000 metric updates/s", num(s["updates_per_s"]),
                   sustained and s["updates_per_s"] >= 20000))


# ----------------------------------------------------- kiosks signing in

def kiosks_section(rows, out, checks):
    base, sign = pick(rows, "kiosks", "baseline"), pick(rows, "kiosks", "sign_in")
    if not base or not sign:
        return
    b = {k: med([r[k] for r in base]) for k in ("p50_ms", "p99_ms")}
    s = {k: med([r[k] for r in sign]) for k in ("p50_ms", "p99_ms", "sign_in_s")}
    ratio = s["p99_ms"] / b["p99_ms"] if b["p99_ms"] else None
    out += ["## Kiosks signing in at shift start", "",
            "%s kiosks send `login {user, pin}` at once (Argon2id on the hub's thread pool) "
            "while %s viewers of `andon` receive %s raises a second; the latency of those "
            "deliveries, raise sent to `upd` received, in a window without and one with the "
            "sign-ins (tests/bench/kiosk_bench.py)." %
            (num(sign[0]["kiosks"]), num(sign[0]["subscribers"]), num(sign[0]["rate"])), "",
            "| window | p50 ms | p99 ms | all signed in within s |", "|---|---|---|---|",
            "| baseline | %s | %s | |" % (num(b["p50_ms"], "{:.2f}"), num(b["p99_ms"], "{:.2f}")),
            "| sign-ins | %s | %s | %s |" % (num(s["p50_ms"], "{:.2f}"), num(s["p99_ms"], "{:.2f}"),
                                             num(s["sign_in_s"], "{:.2f}")), ""]
    checks.append(("50 kiosk sign-ins raise others' p99 by <= 10 %", num(ratio, "x{:.2f}"),
                   None if ratio is None else ratio <= 1.10))


# ------------------------------------------------------------ scenario 5

def storm_section(rows, out, checks):
    st = pick(rows, "storm", "storm")
    if not st:
        return
    out += ["## 5. Reconnect storm", "",
            "%d subscribers hold their snapshot; the server is restarted "
            "(SIGTERM, start again); from the moment its port accepts, every "
            "client connects at once, authenticates (floorhub), subscribes "
            "and waits for its snapshot (floorhub: `snap`; mosquitto: SUBACK; "
            "nats-server: the PONG after the SUB; node-ws: the sub's `ok`)." % st[0]["clients"], "",
            "| server | all ready in s (median) | min | max | runs all ready | "
            "server stop s | server start s | server CPU | other CPU |",
            "|---|---|---|---|---|---|---|---|---|"]
    fh = None
    for t in TARGETS:
        rs = [r for r in st if r["target"] == t]
        if not rs:
            continue
        s = med([r["storm_s"] for r in rs])
        if t == "floorhub":
            fh = s if all(r["all_ready"] for r in rs) else None
        out.append("| {} | {} | {} | {} | {}/{} | {} | {} | {} | {} |".format(
            t, num(s, "{:.2f}"), num(min(r["storm_s"] for r in rs), "{:.2f}"),
            num(max(r["storm_s"] for r in rs), "{:.2f}"),
            sum(r["all_ready"] for r in rs), len(rs),
            num(med([r["stop_s"] for r in rs]), "{:.2f}"),
            num(med([r["start_s"] for r in rs]), "{:.3f}"),
            num(med([r["server_cpu"] for r in rs]), "{:.2f}"),
            num(med([r["other_cpu"] for r in rs]), "{:.2f}")))
    checks.append(("5,000-client reconnect storm done in < 2 s", num(fh, "{:.2f} s"),
                   None if fh is None else fh < 2))
    out.append("")


# ------------------------------------------------------------ history

def mib(kib):
    return "–" if kib is None else "{:,.0f}".format(kib / 1024.0)


def history_section(rows, out, checks):
    hs = {r["what"]: r for r in rows if r.get("scenario") == "history"}
    if not hs:
        return
    bf, start = hs.get("backfill", {}), hs.get("hub_start", {})
    out += ["## 6. History (issue 14)", "",
            "`floorctl backfill --days %s` of the 50 x 10 plant (3 shifts a day): %s "
            "in %s s; the store is %s MiB (data.mdb).  floorhub then started on it "
            "in %s s (until its port accepted), RSS %s MiB, of which %s MiB its own "
            "(RssAnon; the rest is the store's pages it has mapped).  Each query: one warm-up, then the "
            "median and the slowest of %s, from sending to its last page." % (
                bf.get("days"), bf.get("output"), bf.get("seconds"),
                mib(bf.get("store_bytes", 0) / 1024.0), start.get("seconds"),
                mib(start.get("rss_kib")), mib(start.get("anon_kib")), next((r["runs"] for r in hs.values()
                                                 if "runs" in r), "?")), "",
            "| query | rows | median ms | slowest ms | target |",
            "|---|---|---|---|---|"]
    for what, r in hs.items():
        if "median_ms" not in r:
            continue
        out.append("| %s | %d | %.2f | %.2f | < %d ms |" % (
            what, r["rows"], r["median_ms"], r["max_ms"], r["target_ms"]))
        checks.append(("%s < %d ms" % (what, r["target_ms"]),
                       "%.2f ms" % r["median_ms"], r["passed"]))
    out += ["", "| export (whole period, plant) | bytes | median s | MB/s | "
            "hub RssAnon MiB before / max during / after |", "|---|---|---|---|---|"]
    for what, r in hs.items():
        if "median_mb_s" not in r:
            continue
        out.append("| %s | {:,} | %.2f | %.1f | %s / %s / %s |".format(r["bytes"]) % (
            what, r["median_s"], r["median_mb_s"], mib(r["rss_before_kib"]),
            mib(r["rss_during_max_kib"]), mib(r["rss_after_kib"])))
        if r["bytes"] >= 10 << 20:  # a small body measures the latency, not a rate
            checks.append(("%s > 20 MB/s, flat memory" % what, "%.1f MB/s, RssAnon +%s MiB" % (
                r["median_mb_s"], mib(r["rss_during_max_kib"] - r["rss_before_kib"])),
                r["passed"]))
    out += ["", "A body under 10 MiB (oee.csv: one row per plant shift) is over "
            "before a rate means anything: its time is the answer's latency.", ""]


# ------------------------------------------------------------ TLS

def pct(a, b):
    """b against a: '+x.y (+z %)'."""
    if a is None or b is None:
        return "–"
    d = b - a
    return "{:+.1f} ({:+.0f} %)".format(d, 100.0 * d / a) if a else "{:+.1f}".format(d)


def tls_fanout(rows, tls):
    """{(subs, offered deliveries/s): medians} of the fixed-rate steps."""
    by = {}
    for r in pick(rows, "fanout", "fixed", "floorhub", tls=tls):
        by.setdefault((r["subs"], round(r["rate"] * r["subs"])), []).append(r)
    out = {}
    for key, rs in by.items():
        cost = [r["server_cpu"] * 1e6 / r["deliv_per_s"] for r in rs
                if r["server_cpu"] > 0 and r["deliv_per_s"] > 0]
        out[key] = {"deliv": med([r["deliv_per_s"] for r in rs]), "cost": med(cost),
                    "p50": med([r["p50_us"] for r in rs]), "p99": med([r["p99_us"] for r in rs]),
                    "self": med([r["self_cpu"] for r in rs]),
                    "server": med([r["server_cpu"] for r in rs]),
                    "other": med([r["other_cpu"] for r in rs]),
                    "pass": sum(r["pass"] for r in rs), "n": len(rs)}
    return out


def tls_memory(rows, tls):
    """{connections: medians} of the memory steps."""
    by = {}
    for r in pick(rows, "memory", "rss", "floorhub", tls=tls):
        if r["conns"] > 0:
            by.setdefault(r["conns"], []).append(r)
    return {c: {k: med([r.get(k) for r in rs]) for k in
                ("bytes_per_conn", "setup_p50_us", "setup_p99_us",
                 "connect_server_cpu_us_per_conn", "connect_s")}
            for c, rs in by.items()}


def tls_section(rows, out):
    plain_f, tls_f = tls_fanout(rows, 0), tls_fanout(rows, 1)
    plain_m, tls_m = tls_memory(rows, 0), tls_memory(rows, 1)
    if not (tls_f or tls_m):
        return
    sessions = ", ".join(sorted({r["tls_session"] for r in rows if r.get("tls_session")}))
    out += ["## TLS: what it costs", "",
            "floorhub alone, the same measurements over ws:// and over wss:// "
            "(" + (sessions or "TLS") + " as negotiated, an EC P-256 server "
            "certificate from a throwaway CA; floorbench verifies the chain and "
            "127.0.0.1 against it).  Fan-out at the same offered rates (no search): server CPU "
            "per delivery, publish->deliver latency.  Memory: the idle "
            "subscribed connections of scenario 3, with each step's "
            "connection setup (TCP connect to snapshot held, 256 handshakes in "
            "flight) and the server CPU the step's connects took.", "",
            "A hub near a whole core (server CPU column) batches the updates "
            "a subscriber has queued into one frame, which lowers its cost per "
            "delivery: compare the costs where both are below that.", "",
            "| subs | offered deliv/s | delivered/s plain / TLS | server CPU "
            "(cores) plain / TLS | server CPU us per delivery plain / TLS | TLS "
            "costs | p50 ms plain / TLS | p99 ms plain / TLS | floorbench CPU "
            "plain / TLS | other CPU plain / TLS | steps passed plain / TLS |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for key in sorted(set(plain_f) | set(tls_f)):
        a, b = plain_f.get(key, {}), tls_f.get(key, {})
        out.append("| {} | {:,} | {} / {} | {} / {} | {} / {} | {} | {} / {} | {} / {} "
                   "| {} / {} | {} / {} | {}/{} / {}/{} |".format(
            key[0], key[1], num(a.get("deliv")), num(b.get("deliv")),
            num(a.get("server"), "{:.2f}"), num(b.get("server"), "{:.2f}"),
            num(a.get("cost"), "{:.2f}"), num(b.get("cost"), "{:.2f}"),
            pct(a.get("cost"), b.get("cost")), ms(a.get("p50")), ms(b.get("p50")),
            ms(a.get("p99")), ms(b.get("p99")), cpu(a.get("self")), cpu(b.get("self")),
            num(a.get("other"), "{:.2f}"), num(b.get("other"), "{:.2f}"),
            a.get("pass", 0), a.get("n", 0), b.get("pass", 0), b.get("n", 0)))
    out += ["", "| connections | RSS per conn KiB plain / TLS | TLS costs KiB | setup "
            "p50 ms plain / TLS | setup p99 ms plain / TLS | server CPU us per "
            "connect plain / TLS | TLS costs us |", "|---|---|---|---|---|---|---|"]
    for c in sorted(set(plain_m) | set(tls_m)):
        a, b = plain_m.get(c, {}), tls_m.get(c, {})
        kib = lambda r: None if r.get("bytes_per_conn") is None else r["bytes_per_conn"] / 1024.0
        out.append("| {:,} | {} / {} | {} | {} / {} | {} / {} | {} / {} | {} |".format(
            c, num(kib(a), "{:.2f}"), num(kib(b), "{:.2f}"), pct(kib(a), kib(b)),
            ms(a.get("setup_p50_us")), ms(b.get("setup_p50_us")),
            ms(a.get("setup_p99_us")), ms(b.get("setup_p99_us")),
            num(a.get("connect_server_cpu_us_per_conn"), "{:.0f}"),
            num(b.get("connect_server_cpu_us_per_conn"), "{:.0f}"),
            pct(a.get("connect_server_cpu_us_per_conn"),
                b.get("connect_server_cpu_us_per_conn"))))
    out.append("")


# ------------------------------------------------------------ plots

def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def fanout_plot(rows, path, tmp):
    subs_list = sorted({r["subs"] for r in pick(rows, "fanout")})
    plots = []
    for subs in subs_list:
        series = []
        for t in TARGETS:
            pts = sorted((r["rate"] * subs, r["p99_us"] / 1000.0)
                         for r in pick(rows, "fanout", target=t, subs=subs)
                         if r["phase"] in ("step", "retry") and r["samples"])
            if not pts:
                continue
            data = os.path.join(tmp, "fanout-%d-%s.dat" % (subs, t))
            with open(data, "w") as f:
                f.writelines("%g %g\n" % p for p in pts)
            series.append("'%s' using 1:2 with points pt %d ps 0.8 title '%s'" % (
                data, 5 + 2 * len(series), t))
        if series:
            plots.append("set title '%d subscribers'\nplot %s\n" % (subs, ", ".join(series)))
    if not plots:
        return
    gnuplot("set terminal pngcairo size %d,420 font ',9'\nset output '%s'\n"
            "set multiplot layout 1,%d\nset logscale xy\nset grid\n"
            "set xlabel 'offered deliveries/s (every step of every run)'\n"
            "set ylabel 'p99 publish->deliver (ms)'\n"
            "set key top left\n%sunset multiplot\n" % (
                480 * len(plots), path, len(plots), "".join(plots)))


def memory_plot(rows, path, tmp):
    series = []
    for t in TARGETS:
        pts = memory_points(rows, t)
        if not pts:
            continue
        data = os.path.join(tmp, "memory-%s.dat" % t)
        with open(data, "w") as f:
            f.writelines("%d %g\n" % (c, v[0] / 1024.0) for c, v in pts.items())
        series.append("'%s' using 1:2 with linespoints title '%s'" % (data, t))
    if series:
        gnuplot("set terminal pngcairo size 720,420 font ',9'\nset output '%s'\n"
                "set grid\nset xlabel 'idle subscribed connections'\n"
                "set ylabel 'server RSS (MiB)'\nset key top left\nplot %s\n" % (
                    path, ", ".join(series)))


# ------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--store")
    ap.add_argument("--reaccount")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows = load(a.results)
    env = next((r for r in rows if r.get("scenario") == "env"), {})
    rows = [r for r in rows if r.get("scenario") != "env"]
    tls_rows = [r for r in rows if r.get("label") == TLS_LABEL]
    equal_rows = [r for r in rows if r.get("label") == EQUAL_LABEL]
    rows = [r for r in rows if r.get("label") not in (TLS_LABEL, EQUAL_LABEL)]
    base = os.path.splitext(a.out)[0]
    stem = os.path.basename(base)
    checks = []
    out = ["# floorhub benchmarks, %s" % env.get("date", "?"), "",
                   "Mode %s, %s run(s) per scenario; each number is the median over "
                   "the runs.  Machine: %s, %s cores, %s; %s.  Load average at start "
                   "%s, at end %s; the whole run took %s s." % (
                       env.get("mode"), env.get("runs"), env.get("cpu"), env.get("cores"),
                       env.get("mem"), env.get("kernel"), env.get("loadavg_start"),
                       env.get("loadavg_end"), env.get("duration_s")),
                   "", "Versions: floorhub %s, libwebsockets %s, libuv %s, mosquitto %s, "
                   "nats-server %s, Node.js %s with ws %s." % (
                       env.get("floorhub"), env.get("libwebsockets"), env.get("libuv"),
                       env.get("mosquitto"), env.get("nats_server"), env.get("node"),
                       env.get("ws")),
                   "", "floorbench CPU is in cores (1.00 = one core busy); "
                   "\"(saturated)\" marks windows where it used more than 90 % of a "
                   "core.  \"other CPU\" is what the rest of the machine used meanwhile.",
                   "", "TARGETS", ""]
    fanout_section(rows, out, checks, stem)
    equal_pts = equal_section(equal_rows, out, stem)
    plant_section(rows, out)
    memory_section(rows, out, checks, stem)
    durable_section(rows, out, checks)
    storm_section(rows, out, checks)
    tls_section(tls_rows, out)
    floorgw_section(rows, out, checks)
    kiosks_section(rows, out, checks)
    history_section(rows, out, checks)
    if a.store and os.path.exists(a.store):
        out += ["## Storage benchmark (bench_store)", "", "```"] + \
               open(a.store).read().rstrip("\n").split("\n") + ["```", ""]
    if a.reaccount and os.path.exists(a.reaccount):
        text = open(a.reaccount).read().rstrip("\n").split("\n")
        out += ["## Re-accounting closed shifts (bench_reaccount)", "", "```"] + \
            text + ["```", ""]
        for line in text:  # "target: <what>: <measured>, met|MISSED"
            if line.startswith("target: "):
                what, _, rest = line[len("target: "):].rpartition(": ")
                value, _, verdict_word = rest.rpartition(", ")
                checks.append((what, value, verdict_word == "met"))
    table = ["## Targets", "", "| target | measured | |", "|---|---|---|"] + \
            ["| %s | %s | %s |" % (name, value, verdict(ok)) for name, value, ok in checks]
    if not checks:  # only scenarios without targets ran (--only tls)
        table = []
    i = out.index("TARGETS")
    out[i:i + 1] = table
    with tempfile.TemporaryDirectory() as tmp:
        if any(r["scenario"] == "fanout" for r in rows):
            fanout_plot(rows, base + "-fanout.png", tmp)
        if any(r["scenario"] == "memory" for r in rows):
            memory_plot(rows, base + "-memory.png", tmp)
        if equal_pts:
            equal_plot(equal_pts, base + "-equal.png", tmp)
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
