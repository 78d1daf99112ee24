// downtime.js -- the stops of one line (#/downtime/<line>): the shift's
// timeline per equipment, the loss Pareto by reason, and the list of stops
// with Classify… and Split….
//
// Design: the view subscribes downtime/<line> (the stops of the current
// and the previous shift, then one upd per change) and oee/<line> (for
// each equipment's not-monitored time) once the line is known; the topics
// stay wanted for the rest of the session, like line/<id>.  The timeline
// and the Pareto hold no controls and are redrawn on every update; the
// list is reconciled by stop id, and a row is rebuilt only when its stop
// or the user's rights on it change.  Buttons follow roles.js; reasons
// come from the plant's reason tree (leaves only, never category
// quality, which is for rejects).  The Pareto sums each stop's time
// inside the current shift by reason; stops without a reason are
// "unclassified", except short stops, which need none and are summed
// apart.
import { h, reconcile, age, fmtDuration, fmtTime, fmtPct } from "../dom.js";
import { mayChangeStop } from "../roles.js";
import { ask } from "../dialog.js";
import { timeline, legend, statesText } from "./timeline.js";
import { lineOrNotice, lineLink } from "./line.js";

export const CATEGORY_WORDS = {
  unplanned: "Unplanned (breakdowns)",
  changeover: "Changeover (setup)",
  planned: "Planned (not a loss)",
  small_stop: "Small stop (speed loss)",
  quality: "Quality (rejects)",
};

const words = (code) => String(code).replaceAll("_", " ");

// A stop's start: the time to the second, with the date when not today.
function when(ms, now) {
  const t = new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return new Date(ms).toDateString() === new Date(now).toDateString() ? t : `${new Date(ms).toLocaleDateString([], { dateStyle: "short" })} ${t}`;
}

// The reason tree as {code -> node} and the choices a stop may take.
function reasons(tree) {
  const byCode = new Map(tree.map((n) => [n.code, n]));
  const name = (n) => n.name || words(n.code);
  const path = (n) => (n.parent && byCode.has(n.parent) ? `${path(byCode.get(n.parent))} › ${name(n)}` : name(n));
  const choices = tree.filter((n) => n.leaf && n.category !== "quality")
    .map((n) => ({ value: n.code, text: path(n), group: CATEGORY_WORDS[n.category] || n.category }));
  return { byCode, name: (code) => (byCode.has(code) ? name(byCode.get(code)) : words(code)), choices };
}

// Time of a stop inside [from, to).
function inside(ev, from, to, now) {
  return Math.max(0, Math.min(ev.end ?? now, to) - Math.max(ev.start, from));
}

export function pareto(stops, win, now, reasonName) {
  const sums = new Map(); // label -> {ms, n}
  for (const ev of stops) {
    const ms = inside(ev, win.from, win.to, now);
    if (!ms) continue;
    const label = ev.reason ? reasonName(ev.reason) : ev.short ? "short stops (no reason needed)" : "unclassified";
    const s = sums.get(label) || { ms: 0, n: 0 };
    s.ms += ms;
    s.n += 1;
    sums.set(label, s);
  }
  const rows = [...sums].sort((a, b) => b[1].ms - a[1].ms);
  if (!rows.length) return h("p", { class: "empty", text: "No stops this shift." });
  const total = rows.reduce((a, [, s]) => a + s.ms, 0);
  let cum = 0;
  return h("div", { class: "bars pareto" }, rows.map(([label, s]) => {
    cum += s.ms;
    return h("div", { class: "bar-row", "data-reason": label },
      h("span", { class: "bar-label", text: label }),
      h("span", { class: "bar" }, h("span", { class: `bar-fill${label === "unclassified" ? " unclassified" : ""}`, style: `width:${((100 * s.ms) / rows[0][1].ms).toFixed(1)}%` })),
      h("span", { class: "bar-value", text: fmtDuration(s.ms) }),
      h("span", { class: "bar-extra", text: `${s.n} stop${s.n === 1 ? "" : "s"}, ${fmtPct(cum / total)} cum.` }));
  }));
}

async function send(ctx, row, msg, done) {
  row.querySelectorAll("button").forEach((b) => (b.disabled = true));
  try {
    await ctx.conn.write(msg);
    ctx.toast(`Stop ${msg.event} ${done}`, "ok");
  } catch (e) {
    ctx.toast(`Stop ${msg.event}: ${e.message}`, "error");
    row.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }
}

function actions(ctx, ev, r, allowed) {
  const cell = h("div", { class: "action-buttons" });
  const row = () => cell.closest("tr");
  if (allowed) {
    cell.append(h("button", { class: "btn resolve", "data-action": "classify", text: "Classify…",
      onclick: async () => {
        const v = await ask({ title: `Classify stop ${ev.id}`, submit: "Classify", reasons: r.choices,
          text: `${ctx.equipmentName(ev.line, ev.equipment)}, ${fmtTime(ev.start)}–${ev.end ? fmtTime(ev.end) : "now"}` });
        if (v) send(ctx, row(), { t: "dt.classify", event: ev.id, reason: v.reason, ...(v.note && { note: v.note }) }, "classified");
      } }));
    cell.append(h("button", { class: "btn", "data-action": "split", text: "Split…",
      onclick: async () => {
        const end = ev.end ?? ctx.now();
        const v = await ask({ title: `Split stop ${ev.id}`, submit: "Split", reasons: r.choices, reasonOptional: true, noNote: true,
          text: `It ran from ${new Date(ev.start).toLocaleTimeString()} to ${ev.end ? new Date(end).toLocaleTimeString() : "now"}. The part from the chosen time keeps its id and reason.`,
          at: { min: ev.start, max: end, value: Math.round((ev.start + end) / 2000) * 1000 } });
        if (v) send(ctx, row(), { t: "dt.split", event: ev.id, at: v.at, ...(v.reason && { reason: v.reason }) }, "split");
      } }));
  }
  return h("td", { class: "actions" }, cell);
}

// A classified stop needs no reason, whatever its needs_reason says (the
// ok and upd of a dt.classify may still carry the flag of before).
const needsReason = (ev) => ev.needs_reason && !ev.reason;

function flags(ev) {
  const out = [];
  if (ev.end == null) out.push(h("span", { class: "flag open", text: "open" }));
  if (ev.short) out.push(h("span", { class: "flag short", text: "short" }));
  if (needsReason(ev)) out.push(h("span", { class: "flag needs", text: "needs a reason" }));
  return out;
}

function stopRow(ctx, ev, r, allowed, now) {
  const cat = ev.category ? CATEGORY_WORDS[ev.category] || ev.category : "";
  return h("tr", { class: `stop${needsReason(ev) ? " needs-reason" : ""}`, "data-stop": ev.id },
    h("td", { class: "num", text: ev.id }),
    h("td", { text: ctx.equipmentName(ev.line, ev.equipment) }),
    h("td", { class: "num", text: when(ev.start, now) }),
    h("td", { class: "num" }, ev.end == null ? age(ev.start, now) : fmtDuration(ev.duration_ms)),
    h("td", { text: statesText(ev.states) }),
    h("td", { text: ev.machine_reason ? words(ev.machine_reason) : "" }),
    h("td", { class: "stop-reason" }, ev.reason ? r.name(ev.reason) : "", cat ? h("small", { text: ` ${cat}` }) : null),
    h("td", { class: "classified-by", text: ev.classified_by || "" }),
    h("td", { class: "note", text: ev.note || "" }),
    h("td", { class: "flags" }, flags(ev)),
    actions(ctx, ev, r, allowed));
}

function stopTable(ctx) {
  const body = h("tbody");
  const empty = h("p", { class: "empty", text: "No stops in this or the previous shift." });
  const heads = ["#", "Equipment", "Start", "Duration", "States", "Machine reason", "Reason", "By", "Note", "", ""];
  const table = h("table", { class: "stops" }, h("thead", {}, h("tr", {}, heads.map((t) => h("th", { text: t })))), body);
  return {
    root: h("div", { class: "stop-table" }, table, empty),
    update(list, r) {
      const now = ctx.now();
      const me = ctx.me();
      const cutoff = ctx.state.stopCutoff(now);
      const may = (ev) => mayChangeStop(me, ev, cutoff);
      reconcile(body, list, (ev) => ev.id, (ev) => JSON.stringify([ev, may(ev), r.choices.length]), (ev) => stopRow(ctx, ev, r, may(ev), now));
      empty.hidden = list.length > 0;
      table.hidden = list.length === 0;
    },
  };
}

// When the hub first knew e's state this shift (ms), or null: not yet.
// The not-monitored time of e's oee record follows the shift start (breaks
// aside); an equipment still `unknown` since before that was never known.
function knownFrom(ctx, lineId, win) {
  return (e) => {
    const o = ctx.state.eqOee.get(lineId)?.get(e.id);
    const from = o && o.shift_start === win.from ? win.from + (o.not_monitored_ms || 0) : win.from;
    if (e.state === "unknown" && (!o || !e.since || from >= e.since)) return null;
    return from;
  };
}

export function downtimeView(ctx, lineId) {
  const head = h("div", { class: "view-head" });
  const tl = h("div", { class: "tl-box" });
  const par = h("div", { class: "pareto-box" });
  const stops = stopTable(ctx);
  let wanted = false;
  return {
    root: h("section", { class: "view view-downtime" }, head,
      h("h2", { text: "This shift by equipment" }), tl, legend(),
      h("h2", { text: "Lost time this shift by reason" }), par,
      h("h2", { text: "Stops, newest first" }), stops.root),
    update() {
      const { state } = ctx;
      const line = lineOrNotice(state, lineId, head);
      if (!line) return;
      if (!wanted) {
        ctx.conn.want([`downtime/${lineId}`, `oee/${lineId}`]);
        wanted = true;
      }
      const now = ctx.now();
      const shift = state.plant?.shift;
      const r = reasons(state.plant?.reasonTree || []);
      const list = state.stopList(lineId);
      head.replaceChildren(h("h1", {}, `Downtime: ${line.name}`, h("small", { text: shift ? ` ${shift.name} shift ${fmtTime(shift.start)}–${fmtTime(shift.end)}` : " outside shift hours" })),
        lineLink("line", lineId, "Line"), lineLink("report", lineId, "Shift report"));
      const reasonText = (ev) => (ev.reason ? `Reason: ${r.name(ev.reason)}.` : ev.short ? "Short stop." : "No reason yet.");
      if (shift) {
        const win = { from: shift.start, to: shift.end };
        tl.replaceChildren(timeline(state.equipment.get(lineId) || [], list, knownFrom(ctx, lineId, win), win, now, reasonText));
        par.replaceChildren(pareto(list, win, now, r.name));
      } else {
        tl.replaceChildren(h("p", { class: "empty", text: "Outside shift hours." }));
        par.replaceChildren(h("p", { class: "empty", text: "Outside shift hours." }));
      }
      stops.update(list, r);
    },
  };
}
