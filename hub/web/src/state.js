// state.js -- the plant as the dashboard knows it, built from snap/upd.
//
// Design: one PlantState holds the last entity of each kind by id, exactly
// as the hub sent it (PROTOCOL.md section 6); views read it and never
// change it.  apply() takes one snap or upd map of the topics the
// dashboard subscribes (plant, andon, line/<id>) and reports what a view
// or the chime may care about: whether anything changed and which andons
// are new (raised after the first snapshot, so a reconnect or a page load
// does not chime).  Andons arrive on two topics (andon and line/<id>); both
// carry the same entity, so the last one received wins.  (The line view's
// shift chart comes from the hub's oee.samples, not from here.)
// The pending shift handover of each line (line/<id>'s `handover`) is kept
// until an upd says nil.  Stops (downtime/<line>) are kept per line by id; a split publishes both
// parts, so the new id simply appears.  The start of the shift before the
// current one is remembered when the page sees the shift change (the
// plant snapshot names only the current shift): it bounds which stops
// line roles may still classify (roles.js).
const CLOSED_KEEP_MS = 12 * 3600 * 1000; // as long as the hub's andon snap keeps them
const ANDONS_MAX = 600; // prune closed andons beyond this many

export const OPEN_STATES = new Set(["raised", "acknowledged"]);
export function isOpen(a) {
  return OPEN_STATES.has(a.state);
}

export class PlantState {
  constructor() {
    this.reset();
  }

  // Drops everything (a new epoch: the hub's history changed).
  reset() {
    this.plant = null; // {name, timezone, kinds, reasons, reasonTree, escalation, shift} of the plant snap
    this.prevShiftStart = null; // start (ms) of the shift before the current one, when seen
    this.lineOrder = []; // line ids in plant order
    this.lines = new Map(); // line id -> line entity
    this.equipment = new Map(); // line id -> equipment entities, plant order
    this.andons = new Map(); // andon id -> andon entity
    this.oee = new Map(); // line id -> oee record of the current shift
    this.seenAndons = false; // an andon snapshot has been applied
    this.lineSnaps = new Set(); // lines whose line/<id> snap arrived
    this.stops = new Map(); // line id -> Map stop id -> downtime event
    this.eqOee = new Map(); // line id -> Map equipment id -> oee record (oee/<line>)
    this.score = new Map(); // line id -> {target, target_source, expected_now, variance, hourly} (oee/<line>; target null outside shift hours)
    this.runs = new Map(); // line id -> the active run, or null (line/<line>)
    this.handovers = new Map(); // line id -> the pending handover (line/<id>), or null
  }

  // Applies one snap or upd; returns {newAndons: [andon...]}.
  apply(msg, now) {
    const out = { newAndons: [] };
    const d = msg.data || {};
    const topic = msg.topic;
    if (topic === "plant") this.applyPlant(msg.t, d);
    else if (topic === "andon") this.applyAndons(msg.t, d, out);
    else if (topic.startsWith("line/")) this.applyLine(msg.t, topic.slice(5), d, now, out);
    else if (topic.startsWith("downtime/")) this.applyStops(msg.t, topic.slice(9), d);
    else if (topic.startsWith("oee/")) this.applyEqOee(topic.slice(4), d);
    return out;
  }

  applyPlant(t, d) {
    if (t === "snap") {
      this.plant = {
        name: d.plant,
        timezone: d.timezone || "UTC",
        kinds: d.kinds || [],
        reasons: d.reasons || [],
        reasonTree: d.reason_tree || [],
        escalation: d.escalation || [],
        shift: d.shift || null,
      };
      this.lineOrder = (d.lines || []).map((l) => l.id);
      for (const l of d.lines || []) this.lines.set(l.id, l);
    } else if (d.line) {
      this.lines.set(d.line.id, d.line);
    } else if ("shift" in d && this.plant) {
      const old = this.plant.shift; // a shift began or ended
      if (old && d.shift && old.start !== d.shift.start) this.prevShiftStart = old.start;
      this.plant.shift = d.shift || null;
    }
  }

  applyAndons(t, d, out) {
    if (t === "snap") {
      this.andons.clear();
      for (const a of d.andons || []) this.andons.set(a.id, a);
      this.seenAndons = true;
    } else if (d.andon) {
      this.putAndon(d.andon, out);
      if (this.andons.size > ANDONS_MAX) this.pruneClosed(d.andon.raised_at - CLOSED_KEEP_MS);
    }
  }

  // Forgets closed andons that closed before `before` (ms).
  pruneClosed(before) {
    for (const [id, a] of this.andons)
      if (!isOpen(a) && (a.resolved_at || 0) < before) this.andons.delete(id);
  }

  applyLine(t, id, d, now, out) {
    if (t === "snap") {
      this.lines.set(id, d.line);
      this.equipment.set(id, d.equipment || []);
      for (const a of d.andons || []) this.andons.set(a.id, a);
      this.lineSnaps.add(id);
      this.handovers.set(id, d.handover || null);
      if (d.oee) this.putOee(id, d.oee);
      this.runs.set(id, d.run || null);
      return;
    }
    if ("run" in d) this.runs.set(id, d.run || null);
    if ("handover" in d) this.handovers.set(id, d.handover || null);
    if (d.line) this.lines.set(id, d.line);
    if (d.andon) this.putAndon(d.andon, out);
    if (d.oee) this.putOee(id, d.oee);
    if (d.equipment) {
      const list = this.equipment.get(id) || [];
      const i = list.findIndex((e) => e.id === d.equipment.id);
      if (i >= 0) list[i] = d.equipment;
      else list.push(d.equipment);
      this.equipment.set(id, list);
    }
  }

  applyStops(t, line, d) {
    let m = this.stops.get(line);
    if (t === "snap" || !m) {
      m = new Map();
      this.stops.set(line, m);
    }
    for (const ev of (t === "snap" ? d.events : [d.event]) || []) if (ev) m.set(ev.id, ev);
  }

  // The snap and every upd of oee/<line> carry the same keys.
  applyEqOee(line, d) {
    const m = new Map();
    if (!("target" in d)) return; // {report}: a closed shift re-accounted
    for (const o of d.equipment || []) m.set(o.line, o); // `line` holds the equipment id
    this.eqOee.set(line, m);
    this.score.set(line, { target: d.target, target_source: d.target_source, expected_now: d.expected_now, variance: d.variance, hourly: d.hourly || [] });
  }

  // The line's stops, newest first.
  stopList(line) {
    return [...(this.stops.get(line)?.values() || [])].sort((a, b) => b.start - a.start || b.id - a.id);
  }

  // Stops that end before this (ms) are out of reach of the line roles:
  // the start of the previous shift; a day back outside shift hours (as
  // the hub); -Infinity while the page has seen no shift change (every
  // stop the hub sent is recent enough then).
  stopCutoff(now) {
    if (!this.plant?.shift) return now - 24 * 3600 * 1000;
    return this.prevShiftStart ?? -Infinity;
  }

  putAndon(a, out) {
    const fresh = !this.andons.has(a.id);
    this.andons.set(a.id, a);
    if (fresh && this.seenAndons && a.state === "raised") out.newAndons.push(a);
  }

  putOee(id, o) {
    this.oee.set(id, o);
  }


  // Lines in plant order (entities).
  lineList() {
    return this.lineOrder.map((id) => this.lines.get(id)).filter(Boolean);
  }

  // Open andons, oldest first; with all=true also the closed ones, which
  // follow newest first.
  andonList(all, lineId) {
    const list = [...this.andons.values()].filter((a) => !lineId || a.line === lineId);
    const open = list.filter(isOpen).sort((a, b) => a.raised_at - b.raised_at);
    if (!all) return open;
    const closed = list.filter((a) => !isOpen(a)).sort((a, b) => b.raised_at - a.raised_at);
    return open.concat(closed);
  }

  openAndonCount() {
    let n = 0;
    for (const a of this.andons.values()) n += isOpen(a) ? 1 : 0;
    return n;
  }
}
