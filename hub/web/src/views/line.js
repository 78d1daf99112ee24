// line.js -- one line in detail: its state, OEE (gauge, A/P/Q, sparkline
// of the current shift), every equipment with its state and time in
// state, and the line's open andons; links to its downtime view, its
// shift report and its full-screen scoreboard.  In a shift: the active
// run, actual against expected and the hourly table (the oee/<line>
// scoreboard).  While the last shift's handover is not acknowledged it
// opens with the handover panel (handover.js).
//
// Design: the summary and the sparkline are redrawn on every update (they
// hold no controls); equipment rows are reconciled by id and the andon
// table is the andon view's.  The sparkline is the shift's OEE as the hub
// sampled it (oee.samples, one sample a minute of a running shift, all
// pages), then the live value: it shows the whole shift however long the
// page has been open.  The samples are read again when the shift changes
// and once each minute has turned (SAMPLE_LAG_MS after it: the hub stores
// a minute's samples in the group commit after the minute); the box's
// data-samples attribute holds the times drawn (the web test compares them
// with the hub's).  Performance is shown capped at 100 % with the raw value in
// the tooltip, as PROTOCOL.md asks.
import { h, reconcile, age, STATE_WORDS, stateOf, fmtPct, fmtTime, oeeBand } from "../dom.js";
import { stateIcon, gauge, sparkline } from "../graphics.js";
import { andonTable } from "./andons.js";
import { handoverPanel } from "./handover.js";
import { hourlyTable, paceLine, runLine } from "./scoreboard.js";

function metric(label, value, title) {
  return h("div", { class: "metric", title }, h("span", { class: "metric-label", text: label }), h("span", { class: "metric-value", text: value }));
}

function summary(line, oee) {
  const s = stateOf(line.state);
  const o = oee || {};
  return h(
    "div",
    { class: "line-summary" },
    h("div", { class: `line-state st-bg-${s}` }, stateIcon(s), h("span", { class: "state-word", text: STATE_WORDS[s] })),
    h("div", { class: "line-gauge" }, gauge(line.oee, "OEE"), h("div", { class: `oee-number band-${oeeBand(line.oee)}`, text: `OEE ${fmtPct(Math.min(line.oee, 1))}` })),
    h(
      "div",
      { class: "metrics" },
      metric("Availability", fmtPct(o.availability)),
      metric("Performance", fmtPct(Math.min(o.performance || 0, 1)), `raw ${fmtPct(o.performance)}`),
      metric("Quality", fmtPct(o.quality)),
      metric("Good", String(o.good ?? 0)),
      metric("Reject", String(o.reject ?? 0)),
      metric("Shift", o.shift ? `${o.shift} ${fmtTime(o.shift_start)}–${fmtTime(o.shift_end)}` : "–"),
    ),
  );
}

function equipmentRow(e, now) {
  const s = stateOf(e.state);
  return h(
    "tr",
    { "data-equipment": e.id, class: `eq st-row-${s}` },
    h("td", { class: "eq-name", text: e.name }),
    h("td", { class: `eq-state st-${s}` }, stateIcon(s), " ", STATE_WORDS[s]),
    h("td", {}, age(e.since, now)),
    h("td", { text: e.reason ? e.reason.replaceAll("_", " ") : "" }),
    h("td", { class: "num", text: e.good }),
    h("td", { class: "num", text: e.reject }),
    h("td", { class: "num", text: `${(e.ideal_cycle_ms / 1000).toFixed(1)} s` }),
  );
}

// The line to draw, or null with "Loading…" / "No line X" put in head.
export function lineOrNotice(state, lineId, head) {
  const line = state.lines.get(lineId);
  if (!line) head.replaceChildren(h("h1", { text: state.plant ? `No line ${lineId}` : "Loading…" }));
  return line || null;
}

// A button to another view of the line.
export function lineLink(view, lineId, text) {
  return h("a", { class: "btn", href: `#/${view}/${encodeURIComponent(lineId)}`, text });
}

const MINUTE_MS = 60000;
const SAMPLE_LAG_MS = 3000;

// The shift's samples of a line, every page: [{t, oee}].
async function readSamples(conn, lineId, from, to) {
  const out = [];
  let cursor;
  for (;;) {
    const req = { t: "oee.samples", line: lineId, from, to };
    const ok = await conn.request(cursor === undefined ? req : { ...req, cursor });
    for (const sm of ok.samples || []) out.push({ t: sm.t, oee: sm.oee });
    if (ok.cursor === undefined || ok.cursor === null) return out;
    cursor = ok.cursor;
  }
}

// The samples kept by the view, read again when they may have changed;
// onRead redraws.  fetched: the shift start and minute last read.
function sampleKeeper(ctx, lineId, onRead) {
  const k = { points: [], shiftStart: null, minute: null, busy: false };
  k.refresh = (oee, now) => {
    const minute = Math.floor((now - SAMPLE_LAG_MS) / MINUTE_MS);
    if (!oee || k.busy || !ctx.conn || (k.shiftStart === oee.shift_start && k.minute === minute)) return;
    k.busy = true;
    readSamples(ctx.conn, lineId, oee.shift_start, now + 1)
      .then((points) => {
        k.points = points;
        k.shiftStart = oee.shift_start;
        k.minute = minute;
        onRead();
      })
      .catch((e) => console.warn(`oee.samples of ${lineId}: ${e.message || e}`)) // read again on the next update
      .finally(() => {
        k.busy = false;
      });
  };
  return k;
}

export function lineView(ctx, lineId) {
  const head = h("div", { class: "view-head" });
  const top = h("div");
  const spark = h("div", { class: "spark-box" });
  const board = h("div", { class: "line-score" });
  const eqBody = h("tbody");
  const andons = andonTable(ctx);
  const handover = handoverPanel(ctx);
  const eqTable = h(
    "table",
    { class: "equipment" },
    h("thead", {}, h("tr", {}, ["Equipment", "State", "In state", "Reason", "Good", "Reject", "Ideal cycle"].map((t) => h("th", { text: t })))),
    eqBody,
  );
  let view;
  const samples = sampleKeeper(ctx, lineId, () => view.update());
  view = {
    root: h("section", { class: "view view-line" }, head, handover.root, top, h("h2", { text: "OEE this shift" }), spark, h("h2", { text: "Run and hourly scoreboard" }), board, h("h2", { text: "Equipment" }), eqTable, h("h2", { text: "Open andons" }), andons.root),
    update() {
      const { state } = ctx;
      const line = lineOrNotice(state, lineId, head);
      if (!line) return;
      const now = ctx.now();
      head.replaceChildren(h("h1", {}, line.name, h("small", { text: ` ${line.area || ""}` })), lineLink("downtime", lineId, "Downtime"), lineLink("report", lineId, "Shift report"), lineLink("score", lineId, "Scoreboard"));
      const score = state.score.get(lineId);
      board.replaceChildren(runLine(state.runs.get(lineId), now), paceLine(score) || h("p", { class: "empty", text: "No shift is running." }), score ? hourlyTable(score) : "");
      const oee = state.oee.get(lineId);
      handover.update(state.handovers.get(lineId));
      top.replaceChildren(summary(line, oee));
      samples.refresh(oee, now);
      const points = oee && samples.shiftStart === oee.shift_start ? samples.points : [];
      spark.dataset.samples = points.map((p) => p.t).join(",");
      spark.replaceChildren(oee ? sparkline([...points, { t: now, oee: oee.oee }], oee.shift_start, oee.shift_end) : h("p", { class: "empty", text: "No OEE data yet." }));
      const eqs = state.equipment.get(lineId) || [];
      reconcile(eqBody, eqs, (e) => e.id, (e) => JSON.stringify(e), (e) => equipmentRow(e, now));
      andons.update(state.andonList(false, lineId));
    },
  };
  return view;
}
