// roles.test.mjs -- the dashboard's button table (hub/web/src/roles.js,
// andons and stops) against the role table of PROTOCOL.md section 2.2,
// role by role, and the state helpers that need no browser (run with
// `node --test`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mayAck, mayResolve, mayCancel, mayChangeStop, mayTakeOver } from "../../hub/web/src/roles.js";
import { PlantState } from "../../hub/web/src/state.js";

const ROLES = ["viewer", "operator", "maintenance", "quality", "engineer", "shift_manager", "production_manager", "admin", "gateway"];
const ACK = ["maintenance", "quality", "engineer", "shift_manager", "production_manager", "admin"];
const MANAGERS = ["shift_manager", "production_manager", "admin"];

function andon(over = {}) {
  return { id: 7, line: "L1", state: "raised", level: 0, raised_by: "op1", raised_at: 1000, ...over };
}
const me = (role, user = "u1", lines = null) => ({ user, role, lines });

test("acknowledge: the ack roles at level 0, only managers once escalated", () => {
  for (const role of ROLES) {
    assert.equal(mayAck(me(role), andon()), ACK.includes(role), `level 0, ${role}`);
    assert.equal(mayAck(me(role), andon({ level: 1 })), MANAGERS.includes(role), `level 1, ${role}`);
    assert.equal(mayAck(me(role), andon({ level: 2 })), MANAGERS.includes(role), `level 2, ${role}`);
  }
});

test("acknowledge only a raised andon", () => {
  for (const state of ["acknowledged", "resolved", "cancelled"])
    assert.equal(mayAck(me("admin"), andon({ state })), false, state);
});

test("resolve: the resolve roles, on open andons only", () => {
  for (const role of ROLES) {
    assert.equal(mayResolve(me(role), andon()), ACK.includes(role), role);
    assert.equal(mayResolve(me(role), andon({ state: "acknowledged" })), ACK.includes(role), role);
    assert.equal(mayResolve(me(role), andon({ state: "resolved" })), false, role);
  }
});

test("cancel: the raiser or a manager", () => {
  for (const role of ROLES) {
    assert.equal(mayCancel(me(role, "someone"), andon()), MANAGERS.includes(role), role);
    assert.equal(mayCancel(me(role, "op1"), andon()), true, `${role} who raised it`);
    assert.equal(mayCancel(me(role, "op1"), andon({ state: "cancelled" })), false, `${role}, closed`);
  }
});

test("a lines claim hides buttons on other lines, except for admin", () => {
  assert.equal(mayAck(me("maintenance", "m", ["L2"]), andon()), false);
  assert.equal(mayAck(me("maintenance", "m", ["L1", "L2"]), andon()), true);
  assert.equal(mayResolve(me("shift_manager", "s", ["L3"]), andon()), false);
  assert.equal(mayCancel(me("operator", "op1", ["L3"]), andon()), false);
  assert.equal(mayAck(me("admin", "a", ["L3"]), andon()), true);
});

test("classify/split a stop: line roles on recent stops of their lines, managers any stop", () => {
  const LINE_ROLES = ["operator", "maintenance", "quality", "engineer"];
  const stop = (end) => ({ id: 4, line: "L1", start: 100, end });
  const cutoff = 1000; // the previous shift began here
  for (const role of ROLES) {
    const any = MANAGERS.includes(role);
    const recent = any || LINE_ROLES.includes(role);
    assert.equal(mayChangeStop(me(role), stop(null), cutoff), recent, `${role}, open stop`);
    assert.equal(mayChangeStop(me(role), stop(1000), cutoff), recent, `${role}, ended as the previous shift began`);
    assert.equal(mayChangeStop(me(role), stop(999), cutoff), any, `${role}, ended before the previous shift`);
    assert.equal(mayChangeStop(me(role, "u", ["L2"]), stop(null), cutoff), role === "admin", `${role} of L2`);
  }
  assert.equal(mayChangeStop(null, stop(null), cutoff), false);
});

test("state: stops by line, newest first; a split adds the new part; the cutoff follows the shifts", () => {
  const s = new PlantState();
  const ev = (id, start, end = null) => ({ id, line: "L1", equipment: "P1", start, end });
  s.apply({ t: "snap", topic: "plant", seq: 1, data: { plant: "P", lines: [], reason_tree: [{ code: "x", leaf: true }], shift: { name: "a", start: 500, end: 900 } } }, 0);
  assert.deepEqual(s.plant.reasonTree.map((n) => n.code), ["x"]);
  assert.equal(s.stopCutoff(600), -Infinity, "no shift change seen: every stop held is recent");
  s.apply({ t: "snap", topic: "downtime/L1", seq: 1, data: { events: [ev(1, 600, 700), ev(2, 650)] } }, 0);
  s.apply({ t: "upd", topic: "downtime/L1", seq: 2, data: { event: ev(3, 610, 620) } }, 0);
  assert.deepEqual(s.stopList("L1").map((e) => e.id), [2, 3, 1]);
  s.apply({ t: "snap", topic: "downtime/L1", seq: 3, data: { events: [ev(2, 650)] } }, 0);
  assert.deepEqual(s.stopList("L1").map((e) => e.id), [2], "a snapshot replaces the list");
  s.apply({ t: "upd", topic: "plant", seq: 2, data: { shift: { name: "b", start: 900, end: 1300 } } }, 0);
  assert.equal(s.stopCutoff(1000), 500, "the previous shift's start");
  s.apply({ t: "upd", topic: "plant", seq: 3, data: { shift: null } }, 0);
  assert.equal(s.stopCutoff(100000000), 100000000 - 24 * 3600 * 1000, "outside shift hours: a day back");
});

test("no user, no buttons", () => {
  assert.equal(mayAck(null, andon()), false);
  assert.equal(mayResolve(null, andon()), false);
  assert.equal(mayCancel(null, andon()), false);
});

test("state: new andons are reported only after the andon snapshot, and a snapshot replaces the list", () => {
  const s = new PlantState();
  const upd = (a) => s.apply({ t: "upd", topic: "andon", seq: 2, data: { andon: a } }, 0);
  assert.deepEqual(upd(andon({ id: 1 })).newAndons, [], "before the snapshot");
  s.apply({ t: "snap", topic: "andon", seq: 1, data: { andons: [andon({ id: 2 })] } }, 0);
  assert.deepEqual([...s.andons.keys()], [2]);
  assert.equal(upd(andon({ id: 3 })).newAndons.length, 1, "a new raised andon");
  assert.equal(upd(andon({ id: 3, state: "acknowledged" })).newAndons.length, 0, "a known andon");
  assert.deepEqual(s.andonList(false).map((a) => a.id), [2, 3]);
});

test("state: the latest OEE record of a line is kept (the shift chart reads oee.samples)", () => {
  const s = new PlantState();
  const oee = (shift_start, v) => ({ t: "upd", topic: "line/L1", seq: 1, data: { oee: { shift_start, oee: v } } });
  s.apply(oee(100, 0.5), 0);
  s.apply(oee(100, 0.7), 35000);
  assert.equal(s.oee.get("L1").oee, 0.7);
  s.apply(oee(200, 0.1), 40000);
  assert.deepEqual(s.oee.get("L1"), { shift_start: 200, oee: 0.1 });
  assert.equal(s.history, undefined); // no page-side history any more
});

test("take over a shift (handover.ack): managers, on their lines", () => {
  for (const role of ROLES) assert.equal(mayTakeOver(me(role), "L1"), MANAGERS.includes(role), role);
  assert.equal(mayTakeOver(me("shift_manager", "s1", ["L2"]), "L1"), false);
  assert.equal(mayTakeOver(me("shift_manager", "s1", ["L1"]), "L1"), true);
  assert.equal(mayTakeOver(me("admin", "a1", ["L2"]), "L1"), true);
  assert.equal(mayTakeOver(null, "L1"), false);
});

test("the pending handover of a line: set by the snap, cleared by an upd with nil", () => {
  const st = new PlantState();
  const ho = { line: "L1", shift_start: 1000, notes: [] };
  st.apply({ t: "snap", topic: "line/L1", data: { line: { id: "L1" }, equipment: [], andons: [], handover: ho } }, 0);
  assert.deepEqual(st.handovers.get("L1"), ho);
  st.apply({ t: "upd", topic: "line/L1", data: { oee: { oee: 0.5, shift_start: 2000 } } }, 0);
  assert.deepEqual(st.handovers.get("L1"), ho, "another upd keeps it");
  st.apply({ t: "upd", topic: "line/L1", data: { handover: null } }, 0);
  assert.equal(st.handovers.get("L1"), null);
});
