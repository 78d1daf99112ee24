// andons.js -- the andon list, with acknowledge / resolve / cancel.
//
// Design: a table of andons (open ones oldest first; with "all" also the
// ones closed in the last 12 h), reconciled by andon id.  A row shows the
// buttons its user may press (roles.js) and nothing else, so a viewer
// sees a read-only list.  Every write gets its own idempotency key
// (conn.write); while it is on its way the row's buttons are disabled,
// and the answer appears as a toast.  andonTable() is also used by the
// line detail view.
import { h, reconcile, age, fmtDuration, SEVERITY_WORDS } from "../dom.js";
import { mayAck, mayResolve, mayCancel } from "../roles.js";
import { isOpen } from "../state.js";
import { ask } from "../dialog.js";

async function send(ctx, row, msg, done) {
  row.querySelectorAll("button").forEach((b) => (b.disabled = true));
  try {
    const ok = await ctx.conn.write(msg);
    ctx.toast(`Andon ${ok.andon.id} ${done}`, "ok");
  } catch (e) {
    ctx.toast(`Andon ${msg.andon}: ${e.message}`, "error");
    row.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }
}

function actions(ctx, a) {
  const me = ctx.me();
  const cell = h("div", { class: "action-buttons" });
  const row = () => cell.closest("tr");
  if (mayAck(me, a))
    cell.append(h("button", { class: "btn ack", "data-action": "ack", text: "Acknowledge",
      onclick: () => send(ctx, row(), { t: "andon.ack", andon: a.id }, "acknowledged") }));
  if (mayResolve(me, a))
    cell.append(h("button", { class: "btn resolve", "data-action": "resolve", text: "Resolve…",
      onclick: async () => {
        const v = await ask({ title: `Resolve andon ${a.id}`, submit: "Resolve", reasons: ctx.state.plant?.reasons || [] });
        if (v) send(ctx, row(), { t: "andon.resolve", andon: a.id, reason: v.reason, ...(v.note && { note: v.note }) }, "resolved");
      } }));
  if (mayCancel(me, a))
    cell.append(h("button", { class: "btn cancel", "data-action": "cancel", text: "Cancel…",
      onclick: async () => {
        const v = await ask({ title: `Cancel andon ${a.id}`, submit: "Cancel andon" });
        if (v) send(ctx, row(), { t: "andon.cancel", andon: a.id, ...(v.note && { note: v.note }) }, "cancelled");
      } }));
  return h("td", { class: "actions" }, cell);
}

function when(a, now) {
  if (isOpen(a)) return age(a.raised_at, now);
  return h("span", { title: "raised to closed" }, fmtDuration((a.resolved_at || a.raised_at) - a.raised_at));
}

function row(ctx, a, now) {
  const eqName = a.equipment ? ctx.equipmentName(a.line, a.equipment) : "line";
  return h(
    "tr",
    { class: `andon sev-${a.severity} state-${a.state} level-${Math.min(a.level, 2)}`, "data-andon": a.id },
    h("td", { class: "num", text: a.id }),
    h("td", { text: ctx.lineName(a.line) }),
    h("td", { text: eqName }),
    h("td", { class: "kind", text: a.kind }),
    h("td", { text: SEVERITY_WORDS[a.severity] || a.severity }),
    h("td", { class: "andon-state", text: a.state }),
    h("td", { class: "num", text: a.level }),
    h("td", {}, when(a, now)),
    h("td", { text: a.raised_by }),
    h("td", { class: "acked-by", text: a.acked_by || "" }),
    h("td", { class: "note", text: a.note || "" }),
    actions(ctx, a),
  );
}

// A table of andons; returns {root, update(list)}.
export function andonTable(ctx) {
  const body = h("tbody");
  const empty = h("p", { class: "empty", text: "No andons." });
  const table = h(
    "table",
    { class: "andons" },
    h("thead", {}, h("tr", {}, ["#", "Line", "Equipment", "Kind", "Severity", "State", "Level", "Age", "Raised by", "Acked by", "Note", ""].map((t) => h("th", { text: t })))),
    body,
  );
  return {
    root: h("div", { class: "andon-table" }, table, empty),
    update(list) {
      const now = ctx.now();
      const me = ctx.me();
      const perms = (a) => [mayAck(me, a), mayResolve(me, a), mayCancel(me, a)];
      reconcile(body, list, (a) => a.id, (a) => JSON.stringify([a, perms(a)]), (a) => row(ctx, a, now));
      empty.hidden = list.length > 0;
      table.hidden = list.length === 0;
    },
  };
}

export function andonsView(ctx) {
  let all = false;
  const table = andonTable(ctx);
  const toggle = h("button", { class: "btn filter", "data-action": "filter" });
  const label = () => (toggle.textContent = all ? "Show open only" : "Show closed (12 h) too");
  toggle.addEventListener("click", () => {
    all = !all;
    label();
    view.update();
  });
  label();
  const view = {
    root: h("section", { class: "view view-andons" }, h("div", { class: "view-head" }, h("h1", { text: "Andons" }), toggle), table.root),
    update() {
      table.update(ctx.state.andonList(all));
    },
  };
  return view;
}
