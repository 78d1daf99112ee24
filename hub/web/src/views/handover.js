// handover.js -- the shift handover of a line (PROTOCOL.md section 12):
// the panel at the top of the line view while the last closed shift's
// handover is not acknowledged, and the board tile's flag.
//
// Design: the handover arrives with line/<id> (state.js keeps it per
// line, null when none is pending).  The panel lists what the outgoing
// shift handed over -- the notes, the andons open at the close, the stops
// left without a reason, the shift's OEE -- and, for the roles that may
// take a shift over (roles.js), a "Take over shift" button that sends
// handover.ack with its own idempotency key; the hub's upd {handover: nil}
// then removes the panel.  The panel is rebuilt only when the handover
// changes, so a click in flight keeps its disabled button.
import { h, fmtPct, fmtTime, fmtDuration } from "../dom.js";
import { mayTakeOver } from "../roles.js";

// The board tile's line: "handover not acknowledged", or null.
export function handoverFlag(ho) {
  return ho ? h("div", { class: "tile-handover", text: "handover not acknowledged" }) : null;
}

function section(title, items, empty, item) {
  return h(
    "div",
    { class: "handover-part" },
    h("h3", { text: `${title} (${items.length})` }),
    items.length ? h("ul", {}, items.map((x) => h("li", {}, item(x)))) : h("p", { class: "empty", text: empty }),
  );
}

async function takeOver(ctx, ho, button) {
  button.disabled = true;
  try {
    await ctx.conn.write({ t: "handover.ack", line: ho.line, shift_start: ho.shift_start });
    ctx.toast(`Handover of ${ctx.lineName(ho.line)} taken over`, "ok");
  } catch (e) {
    ctx.toast(`Handover of ${ctx.lineName(ho.line)}: ${e.message}`, "error");
    button.disabled = false;
  }
}

function panel(ctx, ho) {
  const button = mayTakeOver(ctx.me(), ho.line)
    ? h("button", { class: "btn ack", "data-action": "handover-ack", text: "Take over shift" })
    : null;
  if (button) button.onclick = () => takeOver(ctx, ho, button);
  return h(
    "div",
    { class: "handover", "data-shift-start": ho.shift_start },
    h("h2", {}, h("span", { class: "handover-flag", text: "Handover not acknowledged" }),
      ` shift ${ho.shift || ""} ${fmtTime(ho.shift_start)}–${fmtTime(ho.shift_end)}, OEE ${fmtPct(Math.min(ho.oee?.oee ?? 0, 1))}`),
    button,
    h(
      "div",
      { class: "handover-parts" },
      section("Notes", ho.notes || [], "No notes.", (n) => [h("span", { class: "note-text", text: n.text }), h("small", { text: ` ${n.by}, ${fmtTime(n.at)}` })]),
      section("Open andons", ho.open_andons || [], "No open andons.", (a) => `#${a.id} ${a.kind} (${a.state}), raised ${fmtTime(a.raised_at)} by ${a.raised_by}`),
      section("Stops without a reason", ho.unclassified || [], "None.", (e) => `${e.equipment} ${fmtTime(e.start)}, ${fmtDuration(e.duration_ms)}${e.end ? "" : " (open)"}`),
    ),
  );
}

// The line view's panel: update(handover or null) redraws it on a change.
export function handoverPanel(ctx) {
  const root = h("div", { class: "handover-box" });
  let shown = "null";
  return {
    root,
    update(ho) {
      const sig = JSON.stringify(ho || null);
      if (sig === shown) return;
      shown = sig;
      root.replaceChildren(...(ho ? [panel(ctx, ho)] : []));
    },
  };
}
