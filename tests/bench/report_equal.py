"""report_equal.py -- the report's equal-rate comparison and floorhub's
split of each update's time (report.py imports it).

Equal rates (scripts/bench's equal scenario, label "equal-rate"): every
server got the same offered deliveries/s (floorbench fanout --rates, no
search) at 100 and 1,000 subscribers, and the bare-send floor (floorbench
floor) the same messages/s.  One table: publish->deliver p50/p99/p999,
delivered/s and server CPU per delivery for each server at each rate (the
floor's "server" is its writer), and for floorhub the hub's own split of
an update's time, read from its /metrics before and after the window: its
request's arrival to the commit's start (queue), the commit, and the
commit's end to the write to its last subscriber (fan-out).  One plot
(gnuplot, like the report's others): p99 against offered rate.
"""
import os
import statistics
import subprocess

SERVERS = ["floorhub", "mosquitto", "nats-server", "node-ws", "floor"]
EQUAL_LABEL = "equal-rate"
PARTS = ("queue", "commit", "fanout")


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ms(us):
    return "–" if us is None else "{:.2f}".format(us / 1000.0)


def _num(v, fmt="{:,.0f}"):
    return "–" if v is None else fmt.format(v)


def split_medians(rs):
    """{part: (p50 us, p99 us, mean us)} over rows carrying split_* keys."""
    rs = [r for r in rs if r.get("split_queue_n")]
    if not rs:
        return None
    return {p: tuple(_med([r.get("split_%s_%s_us" % (p, k)) for r in rs])
                     for k in ("p50", "p99", "mean")) for p in PARTS}


def split_cell(sp, key=0):
    """'queue / commit / fan-out' ms of one statistic (0 p50, 1 p99)."""
    if sp is None:
        return "–"
    return " / ".join(_ms(sp[p][key]) for p in PARTS)


def equal_points(rows):
    """{(subs, offered deliveries/s, server): medians over the runs}."""
    by = {}
    for r in rows:
        if r["scenario"] == "fanout" and r["phase"] == "fixed":
            key = (r["subs"], int(round(r["rate"] * r["subs"])), r["target"])
        elif r["scenario"] == "floor":
            key = (r["subs"], int(round(r["rate"] * r["subs"])), "floor")
        else:
            continue
        by.setdefault(key, []).append(r)
    out = {}
    for key, rs in by.items():
        if key[2] == "floor":
            cost = _med([r["writer_cpu_us_per_delivery"] for r in rs])
            deliv = _med([r["delivered"] / (r["sent"] / r["rate"]) for r in rs if r["sent"]])
            other, npass = None, None
        else:
            cost = _med([r["server_cpu"] * 1e6 / r["deliv_per_s"] for r in rs
                         if r["server_cpu"] > 0 and r["deliv_per_s"] > 0])
            deliv = _med([r["deliv_per_s"] for r in rs])
            other, npass = _med([r["other_cpu"] for r in rs]), sum(r["pass"] for r in rs)
        out[key] = {"p50": _med([r["p50_us"] for r in rs]),
                    "p99": _med([r["p99_us"] for r in rs]),
                    "p999": _med([r["p999_us"] for r in rs]),
                    "deliv": deliv, "cost": cost, "other": other, "pass": npass,
                    "n": len(rs), "split": split_medians(rs)}
    return out


def equal_section(rows, out, stem):
    """The equal-rate table; returns the points (for the plot) or None."""
    pts = equal_points(rows)
    if not pts:
        return None
    out += ["## Equal rates: every server at the same offered load", "",
            "The same offered deliveries/s for every server (`fanout --rates`, "
            "no search) and for the bare-send floor (`floorbench floor`: a "
            "plain send() loop, no server).  Latency is publish->deliver; "
            "server CPU per delivery is the server's CPU time over the window "
            "divided by the deliveries (the floor: its writer's).  \"passed\" "
            "counts the runs whose step met the fan-out criteria (>= 99.9 % "
            "delivered, p99 within the bound).  floorhub's split is the hub's "
            "own measurement of each update (its /metrics histograms, read "
            "before and after the window): request arrival -> commit start, "
            "the commit (fsync included), commit end -> written to the last "
            "subscriber.", "",
            "| subs | offered deliv/s | server | delivered/s | p50 ms | p99 ms | "
            "p999 ms | server CPU us per delivery | passed | other CPU | floorhub "
            "split p50 ms: queue / commit / fan-out | split p99 ms |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for subs, rate in sorted({(k[0], k[1]) for k in pts}):
        for srv in SERVERS:
            p = pts.get((subs, rate, srv))
            if p is None:
                continue
            out.append("| {} | {:,} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                subs, rate, srv, _num(p["deliv"]), _ms(p["p50"]), _ms(p["p99"]),
                _ms(p["p999"]), _num(p["cost"], "{:.2f}"),
                "–" if p["pass"] is None else "%d/%d" % (p["pass"], p["n"]),
                _num(p["other"], "{:.2f}"), split_cell(p["split"], 0),
                split_cell(p["split"], 1)))
    out += ["", "![p99 at equal offered rates](%s-equal.png)" % stem, ""]
    return pts


def equal_plot(pts, path, tmp):
    """p99 against offered deliveries/s, one panel per subscriber count."""
    plots = []
    for subs in sorted({k[0] for k in pts}):
        series = []
        for srv in SERVERS:
            xy = sorted((k[1], v["p99"] / 1000.0) for k, v in pts.items()
                        if k[0] == subs and k[2] == srv and v["p99"])
            if not xy:
                continue
            data = os.path.join(tmp, "equal-%d-%s.dat" % (subs, srv))
            with open(data, "w") as f:
                f.writelines("%g %g\n" % p for p in xy)
            series.append("'%s' using 1:2 with linespoints pt %d title '%s'" % (
                data, 5 + 2 * len(series), srv))
        if series:
            plots.append("set title '%d subscribers'\nplot %s\n" % (subs, ", ".join(series)))
    if not plots:
        return
    subprocess.run(["gnuplot"], text=True, check=True, input=(
        "set terminal pngcairo size %d,420 font ',9'\nset output '%s'\n"
        "set multiplot layout 1,%d\nset logscale xy\nset grid\n"
        "set xlabel 'offered deliveries/s'\nset ylabel 'p99 publish->deliver (ms)'\n"
        "set key top left\n%sunset multiplot\n" % (
            480 * len(plots), path, len(plots), "".join(plots))))


def half_split_table(rows, out):
    """floorhub's split at half its sustained fan-out rate, beside p50/p99."""
    lines = []
    for subs in sorted({r["subs"] for r in rows if r["scenario"] == "fanout"}):
        half = [r for r in rows if r["scenario"] == "fanout" and r["phase"] == "half"
                and r["target"] == "floorhub" and r["subs"] == subs]
        sp = split_medians(half)
        if sp is None:
            continue
        lines.append("| {} | {} / {} | {} | {} | {} |".format(
            subs, _ms(_med([r["p50_us"] for r in half])),
            _ms(_med([r["p99_us"] for r in half])), split_cell(sp, 0), split_cell(sp, 1),
            " / ".join(_ms(sp[p][2]) for p in PARTS)))
    if lines:
        out += ["### Where floorhub's time goes (at half the sustained rate)", "",
                "The hub's own per-update histograms (/metrics) over the half-rate "
                "window, beside floorbench's end-to-end publish->deliver.", "",
                "| subs | end-to-end p50 / p99 ms | queue / commit / fan-out p50 ms "
                "| p99 ms | mean ms |", "|---|---|---|---|---|"] + lines + [""]
