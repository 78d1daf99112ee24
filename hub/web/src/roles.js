// roles.js -- which andon, stop and handover buttons a user sees (PROTOCOL.md
// section 2.2).
//
// Design: the hub decides; this table only hides buttons that would be
// refused, so a viewer sees no buttons and a maintenance technician no
// acknowledge button on an escalated andon.  `me` is the welcome: user,
// role and lines (null = all lines; admin is never restricted).
import { isOpen } from "./state.js";

const ACK_ROLES = new Set(["maintenance", "quality", "engineer", "shift_manager", "production_manager", "admin"]);
const MANAGER_ROLES = new Set(["shift_manager", "production_manager", "admin"]);
const RESOLVE_ROLES = ACK_ROLES;
const STOP_ROLES = new Set(["operator", "maintenance", "quality", "engineer"]); // recent stops only

function mayWriteLine(me, line) {
  return me.role === "admin" || me.lines == null || me.lines.includes(line);
}

// Acknowledge: a raised andon; once escalated (level >= 1) managers only.
export function mayAck(me, a) {
  if (!me || a.state !== "raised" || !mayWriteLine(me, a.line)) return false;
  return (a.level >= 1 ? MANAGER_ROLES : ACK_ROLES).has(me.role);
}

export function mayResolve(me, a) {
  return !!me && isOpen(a) && mayWriteLine(me, a.line) && RESOLVE_ROLES.has(me.role);
}

// Cancel: whoever raised it, or a manager.
export function mayCancel(me, a) {
  if (!me || !isOpen(a) || !mayWriteLine(me, a.line)) return false;
  return a.raised_by === me.user || MANAGER_ROLES.has(me.role);
}

// Take a line's shift over (handover.ack): managers on their lines.
export function mayTakeOver(me, line) {
  return !!me && mayWriteLine(me, line) && MANAGER_ROLES.has(me.role);
}

// Classify and split a stop: managers any stop; operators, maintenance,
// quality and engineers while it is open or ended at or after `cutoff`
// (the start of the previous shift, PlantState.stopCutoff).
export function mayChangeStop(me, ev, cutoff) {
  if (!me || !mayWriteLine(me, ev.line)) return false;
  if (MANAGER_ROLES.has(me.role)) return true;
  return STOP_ROLES.has(me.role) && (ev.end == null || ev.end >= cutoff);
}
