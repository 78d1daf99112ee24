// timeline.js -- the shift of a line's equipment as one bar per
// equipment, coloured by state, with the legend in words.
//
// Design: the hub keeps no state history to send, but its stops do carry
// one: each stop (downtime/<line>) covers the time an equipment was not
// running, with its time per state.  So a bar is built from what is
// known: "no data" from the shift start for the equipment's not-monitored
// time (oee/<line>, "not monitored"), then running, with the stops drawn over it, and the
// current state (a planned stop opens no stop) from its `since`.  The
// order of the states inside a stop is not sent: a stop that went through
// several states is drawn in horizontal bands, one per state, as tall as
// its share of the stop.  Plain HTML boxes placed in percent of the shift,
// so it stretches to any width; every box has a tooltip in words.
import { h, STATE_WORDS, stateOf, fmtDuration, fmtTime } from "../dom.js";

const STATE_ORDER = ["down", "blocked", "starved", "changeover", "idle", "planned_stop", "unknown", "running"];
const MIN_MS = 60 * 1000;
const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 240]; // the first giving at most 12 ticks

// "down 2m 00s, idle 40s" for a stop's `states`, largest first.
export function statesText(states) {
  return Object.entries(states || {}).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1])
    .map(([s, ms]) => `${(STATE_WORDS[s] || s).toLowerCase()} ${fmtDuration(ms)}`).join(", ");
}

function box(from, to, win, cls, title, bands) {
  const span = win.to - win.from;
  const a = Math.max(from, win.from);
  const b = Math.min(to, win.to);
  if (b <= a) return null;
  const style = `left:${((100 * (a - win.from)) / span).toFixed(3)}%;width:${((100 * (b - a)) / span).toFixed(3)}%`;
  return h("span", { class: `seg ${cls}`, style, title }, bands || []);
}

function stopBox(ev, win, now, reasonText) {
  const end = ev.end ?? now;
  const parts = Object.entries(ev.states || {}).filter(([, ms]) => ms > 0)
    .sort((x, y) => STATE_ORDER.indexOf(x[0]) - STATE_ORDER.indexOf(y[0]));
  if (!parts.length) parts.push(["down", 1]);
  const bands = parts.map(([s, ms]) => h("span", { class: `band st-bg-${stateOf(s)}`, style: `flex-grow:${ms}` }));
  const title = `Stop ${ev.id}: ${fmtTime(ev.start)}–${ev.end ? fmtTime(ev.end) : "now"} (${fmtDuration(end - ev.start)}), ${statesText(ev.states)}. ${reasonText(ev)}`;
  const b = box(ev.start, end, win, "seg-stop", title, bands);
  if (b) b.dataset.stop = ev.id;
  return b;
}

// One equipment's bar.  knownFrom: when the hub first knew its state in
// this shift (ms, or null: not at all).
function bar(e, stops, knownFrom, win, now, reasonText) {
  const track = h("div", { class: "track" });
  const open = stops.some((ev) => ev.end == null);
  if (knownFrom == null) {
    track.append(box(win.from, now, win, "seg-nodata", "Not monitored: the hub has not heard from it this shift"));
  } else {
    track.append(box(win.from, knownFrom, win, "seg-nodata", "Not monitored: before the hub knew its state"));
    track.append(box(knownFrom, now, win, "st-bg-running", "Running (or a planned stop: no stop recorded)"));
  }
  const s = stateOf(e.state);
  if (!open && s !== "running" && e.since)
    track.append(box(e.since, now, win, `st-bg-${s}`, `${STATE_WORDS[s]} since ${fmtTime(e.since)}`));
  for (const ev of stops) track.append(stopBox(ev, win, now, reasonText));
  track.append(box(now, win.to, win, "seg-future", "Rest of the shift"));
  return h("div", { class: "tl-row", "data-equipment": e.id }, h("span", { class: "tl-name", text: e.name }), track);
}

function axis(win) {
  const ticks = h("div", { class: "track tl-axis" });
  const span = win.to - win.from;
  const step = (TICK_STEPS_MIN.find((m) => span / (m * MIN_MS) <= 12) || 480) * MIN_MS;
  const first = Math.ceil(win.from / step) * step; // multiples of the step since the epoch
  for (let t = first; t <= win.to; t += step) {
    const left = (100 * (t - win.from)) / span;
    const edge = left < 4 ? " first" : left > 96 ? " last" : ""; // keep the label inside the box
    ticks.append(h("span", { class: `tick${edge}`, style: `left:${left.toFixed(3)}%`, text: fmtTime(t) }));
  }
  return h("div", { class: "tl-row" }, h("span", { class: "tl-name" }), ticks);
}

export function legend() {
  const item = (cls, word) => h("li", {}, h("span", { class: `swatch ${cls}` }), word);
  return h("ul", { class: "legend", "aria-label": "Legend" },
    STATE_ORDER.map((s) => item(`st-bg-${s}`, STATE_WORDS[s])),
    item("seg-nodata", "Not monitored"),
    item("seg-future", "Rest of the shift"));
}

// The timeline of the shift win = {from, to} (ms): equipment entities in
// plant order, the line's stops, knownFrom(e) as above.
export function timeline(equipment, stops, knownFrom, win, now, reasonText) {
  const rows = equipment.map((e) => bar(e, stops.filter((ev) => ev.equipment === e.id), knownFrom(e), win, Math.min(now, win.to), reasonText));
  return h("div", { class: "timeline" }, rows, axis(win));
}
