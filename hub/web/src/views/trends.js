// trends.js -- the Trends view (#/trends, #/trends/<line>): OEE, A, P and
// Q per shift or per day over a chosen period, the loss Pareto of the
// period, and the same as CSV files.
//
// Design: a form chooses the scope (one line of those the token may read,
// or the whole plant: the hub sums only those), the
// grouping and a period of whole days in the plant's time zone (from and
// to both included; the hub's `to` is exclusive, so it gets the day after
// `to`); the presets are the last 7 and 30 days up to today.  The page
// loads once when the plant snap first names the time zone, then only
// when asked, never on updates, so what the user chose stays.  The rows
// come from oee.history, following `cursor` until the last page; the
// period's figures are computed from the summed times and counts, as the
// hub computes a row (never an average of ratios).  The Pareto comes from
// dt.pareto; a hub that does not know it yet (bad_request naming `t`)
// gets "Pareto not available" and the rest of the view still works.  The
// CSV buttons fetch /api/v1/export/*.csv with the token in the
// Authorization header (never in the URL) and save the body through a
// Blob and an <a download>; a refusal shows the server's one-line
// message.  A newer load makes an older one's late answers void.
import { h } from "../dom.js";
import { savedToken } from "../token.js";
import { midnight, dateAt, addDays, fmtLocal } from "../plantdate.js";
import { oeeChart, apqChart, paretoChart, chartBox } from "./trend_charts.js";

const PARETO_TOP = 12;
const pct1 = (x) => `${((x || 0) * 100).toFixed(1)} %`;

// The period's A, P, Q and OEE from the rows' sums (PROTOCOL.md section 10).
export function periodFigures(rows) {
  let planned = 0, run = 0, ideal = 0, good = 0, reject = 0;
  for (const r of rows) {
    planned += r.planned_ms;
    run += r.run_ms;
    ideal += r.performance * r.run_ms;
    good += r.good;
    reject += r.reject;
  }
  const availability = planned ? run / planned : 0;
  const performance = run ? ideal / run : 0;
  const quality = good + reject ? good / (good + reject) : 0;
  return { availability, performance, quality, oee: availability * Math.min(performance, 1) * quality, good, reject };
}

// Every row of an oee.history request, page after page.
async function historyRows(conn, req) {
  const rows = [];
  let cursor;
  do {
    const ok = await conn.request(cursor === undefined ? req : { ...req, cursor });
    rows.push(...ok.rows);
    cursor = ok.cursor;
  } while (cursor !== undefined && cursor !== null);
  return rows;
}

function figure(name, label, value) {
  return h("div", { class: "trend-figure", "data-figure": name }, h("span", { class: "trend-figure-label", text: label }), h("span", { class: "trend-figure-value", text: value }));
}

function figuresBox(f) {
  return h("div", { class: "trend-figures" },
    figure("oee", "OEE", pct1(f.oee)),
    figure("availability", "Availability", pct1(f.availability)),
    figure("performance", "Performance", pct1(f.performance)),
    figure("quality", "Quality", pct1(f.quality)),
    figure("good", "Good / reject", `${f.good} / ${f.reject}`));
}

function rowsTable(rows, tz) {
  const head = ["Start", "OEE", "Availability", "Performance", "Quality", "Good", "Reject"];
  return h("details", { class: "trend-rows" },
    h("summary", { text: `${rows.length} rows` }),
    h("table", {},
      h("thead", {}, h("tr", {}, head.map((t) => h("th", { text: t })))),
      h("tbody", {}, rows.map((r) =>
        h("tr", { "data-start": r.start, class: r.open ? "open" : null },
          h("td", { text: fmtLocal(r.start, tz) + (r.open ? " (running)" : "") }),
          [r.oee, r.availability, r.performance, r.quality].map((x) => h("td", { text: pct1(x) })),
          h("td", { text: String(r.good) }), h("td", { text: String(r.reject) }))))));
}

const PARETO_WORDS = { unclassified: "Unclassified", small_stop: "Short stops" };

// A row's name: the reason's in the tree; the row `top` folded the rest
// into has no category (a plant may have a reason "other" of its own).
function paretoLabel(r, names) {
  if (r.reason === null || r.reason === undefined) return PARETO_WORDS[r.category] || r.category;
  if (r.reason === "other" && !r.category) return "Other (the rest)";
  return names.get(r.reason) || r.reason;
}

function paretoTable(rows, labels) {
  const hours = (ms) => `${(ms / 3600000).toFixed(1)} h`;
  return h("table", { class: "trend-pareto-table" },
    h("thead", {}, h("tr", {}, ["Reason", "Category", "Time", "Stops", "Share", "Cumulative"].map((t) => h("th", { text: t })))),
    h("tbody", {}, rows.map((r, i) =>
      h("tr", {},
        h("td", { text: labels[i] }), h("td", { text: (r.category || "").replaceAll("_", " ") }), h("td", { text: hours(r.ms) }),
        h("td", { text: String(r.count) }), h("td", { text: pct1(r.share) }), h("td", { text: pct1(r.cum_share) })))));
}

export function trendsView(ctx, lineId) {
  const v = {
    seq: 0, // number of the latest load; older answers are dropped
    started: false, // the first load was made
    tz: "UTC", // the plant's time zone, once the plant snap arrived
  };
  const el = {
    line: h("select", { name: "line" }, h("option", { value: "", text: "Whole plant" })),
    group: h("select", { name: "group" }, h("option", { value: "day", text: "per day" }), h("option", { value: "shift", text: "per shift" })),
    from: h("input", { type: "date", name: "from", required: true }),
    to: h("input", { type: "date", name: "to", required: true }),
    msg: h("p", { class: "trend-msg", role: "status" }),
    out: h("div", { class: "trend-out" }),
    pareto: h("div", { class: "trend-pareto-out" }),
  };
  const form = trendsForm(el, {
    preset: (days) => (setPreset(el, v.tz, ctx.now(), days), load()),
    submit: () => load(),
    csv: (kind) => downloadCsv(kind, query(el, v.tz), el.msg),
  });

  async function load() {
    const seq = ++v.seq;
    const q = query(el, v.tz);
    el.msg.textContent = "";
    if (q.error) {
      el.msg.textContent = q.error;
      return;
    }
    el.out.replaceChildren(h("p", { class: "empty", text: "Loading…" }));
    el.pareto.replaceChildren();
    await Promise.all([loadHistory(ctx, el, v, q, seq), loadPareto(ctx, el, v, q, seq)]);
  }

  return {
    root: h("section", { class: "view view-trends" },
      h("div", { class: "view-head" }, h("h1", { text: "Trends" })),
      form, el.msg, el.out,
      h("h2", { text: "Largest losses of the period" }), el.pareto),
    update() {
      fillLines(ctx, el.line, lineId);
      if (v.started || !ctx.state.plant) return;
      v.started = true;
      v.tz = ctx.state.plant.timezone;
      setPreset(el, v.tz, ctx.now(), 7);
      load();
    },
  };
}

function trendsForm(el, on) {
  const btn = (text, cls, click) => h("button", { type: "button", class: `btn ${cls}`, text, onclick: click });
  const form = h("form", { class: "report-form trend-form" },
    h("label", {}, "Line ", el.line),
    h("label", {}, "OEE ", el.group),
    h("label", {}, "From ", el.from),
    h("label", {}, "To ", el.to),
    h("span", { class: "trend-presets" },
      btn("Last 7 days", "preset", () => on.preset(7)),
      btn("Last 30 days", "preset", () => on.preset(30))),
    h("button", { type: "submit", class: "btn primary", text: "Show" }),
    h("span", { class: "trend-csv" },
      btn("Download OEE CSV", "csv", () => on.csv("oee")),
      btn("Download downtime CSV", "csv", () => on.csv("downtime"))));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    on.submit();
  });
  return form;
}

// The lines the token may read (the welcome's `lines`, nil: all).
function fillLines(ctx, sel, lineId) {
  const mine = ctx.me()?.lines;
  const lines = ctx.state.lineList().filter((l) => mine == null || mine.includes(l.id));
  if (sel.options.length === lines.length + 1) return;
  const chosen = sel.value || lineId || "";
  sel.replaceChildren(h("option", { value: "", text: "Whole plant" }), ...lines.map((l) => h("option", { value: l.id, text: l.name })));
  sel.value = chosen;
}

// The last `days` days up to today, in the plant's time zone.
function setPreset(el, tz, now, days) {
  const today = dateAt(now, tz);
  el.to.value = today;
  el.from.value = addDays(today, 1 - days);
}

// What the form asks for: {scope, line?, group, from, to (dates, to
// included), fromMs, toMs (exclusive)} or {error}.
function query(el, tz) {
  const from = el.from.value;
  const to = el.to.value;
  if (!from || !to) return { error: "Choose the first and the last day." };
  if (to < from) return { error: "The last day is before the first." };
  const q = { scope: el.line.value ? "line" : "plant", group: el.group.value, from, to, fromMs: midnight(from, tz), toMs: midnight(addDays(to, 1), tz) };
  if (el.line.value) q.line = el.line.value;
  return q;
}

function wire(t, q) {
  const m = { t, scope: q.scope, from: q.fromMs, to: q.toMs };
  if (q.line) m.line = q.line;
  return m;
}

async function loadHistory(ctx, el, v, q, seq) {
  let rows;
  try {
    rows = await historyRows(ctx.conn, { ...wire("oee.history", q), group: q.group });
  } catch (e) {
    if (seq === v.seq) el.out.replaceChildren(h("p", { class: "empty", text: `No history: ${e.message}` }));
    return;
  }
  if (seq !== v.seq) return;
  if (!rows.length) {
    el.out.replaceChildren(h("p", { class: "empty", text: "No shifts in this period." }));
    return;
  }
  const what = q.group === "shift" ? "per shift" : "per day";
  const oee = chartBox(`OEE ${what}`, "trend-oee", { "data-rows": rows.length, "data-from": q.from, "data-to": q.to, "data-group": q.group });
  const apq = chartBox(`Availability, performance, quality ${what}`, "trend-apq", { "data-rows": rows.length });
  el.out.replaceChildren(figuresBox(periodFigures(rows)), h("div", { class: "trend-charts" }, oee.box, apq.box), rowsTable(rows, v.tz));
  oeeChart(oee.chart, rows, v.tz);
  apqChart(apq.chart, rows, v.tz);
}

async function loadPareto(ctx, el, v, q, seq) {
  let rows;
  try {
    rows = (await ctx.conn.request({ ...wire("dt.pareto", q), top: PARETO_TOP })).rows;
  } catch (e) {
    if (seq !== v.seq) return;
    const text = e.code === "bad_request" && e.key === "t" ? "Pareto not available" : `No Pareto: ${e.message}`;
    el.pareto.replaceChildren(h("p", { class: "empty trend-pareto-none", text }));
    return;
  }
  if (seq !== v.seq) return;
  if (!rows.length) {
    el.pareto.replaceChildren(h("p", { class: "empty", text: "No stops in this period." }));
    return;
  }
  const names = new Map((ctx.state.plant?.reasonTree || []).map((n) => [n.code, n.name]));
  const labels = rows.map((r) => paretoLabel(r, names));
  const box = chartBox("Loss by reason, with cumulative share", "trend-pareto", { "data-rows": rows.length, "data-from": q.from, "data-to": q.to });
  el.pareto.replaceChildren(h("div", { class: "trend-charts" }, box.box, paretoTable(rows, labels)));
  paretoChart(box.chart, rows, labels);
}

// The export's address for the form's query.
export function csvUrl(kind, q) {
  const p = new URLSearchParams({ scope: q.scope });
  if (q.line) p.set("line", q.line);
  p.set("from", q.from);
  p.set("to", addDays(q.to, 1));
  if (kind === "oee") p.set("group", q.group);
  return `/api/v1/export/${kind}.csv?${p}`;
}

function fileName(res, kind, q) {
  const m = /filename="?([^";]+)"?/.exec(res.headers.get("Content-Disposition") || "");
  return m ? m[1] : `${kind}-${q.line || "plant"}-${q.from}-${q.to}.csv`;
}

// Fetches one CSV with the token in the header and saves it as a file.
async function downloadCsv(kind, q, msg) {
  if (q.error) {
    msg.textContent = q.error;
    return;
  }
  msg.textContent = "";
  try {
    const res = await fetch(csvUrl(kind, q), { headers: { Authorization: `Bearer ${savedToken()}` }, cache: "no-store" });
    if (res.status !== 200) {
      const text = (await res.text()).split("\n")[0].trim();
      msg.textContent = `CSV refused (${res.status}): ${text || res.statusText}`;
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: fileName(res, kind, q), hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    msg.textContent = `CSV failed: ${e.message}`;
  }
}
