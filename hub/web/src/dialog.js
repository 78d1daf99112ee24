// dialog.js -- the one modal dialog the dashboard uses: confirm an andon
// resolve (with a reason from the plant's list) or cancel, with a note;
// classify a stop (a reason from the plant's tree) or split it (a time
// inside the stop, optionally a reason for the part before).
//
// Design: a native <dialog> built on demand and removed when closed;
// ask() resolves with the values entered, or null when the user backed
// out.  The reasons come from the plant snapshot, never typed freely, so
// the hub cannot refuse them as unknown.  A time is a datetime-local input
// in whole seconds, checked against its bounds before the dialog closes
// (the hub checks again: strictly inside the stop).
import { h } from "./dom.js";

const NOTE_MAX = 512; // FH_NOTE_MAX, bytes; the input counts characters

// A reason option: a plain code, or {value, text, group} (group: the
// label of its <optgroup>).
function reasonSelect(reasons, optional) {
  const items = reasons.map((r) => (typeof r === "string" ? { value: r, text: r.replaceAll("_", " ") } : r));
  const groups = new Map();
  for (const r of items) {
    if (!groups.has(r.group)) groups.set(r.group, []);
    groups.get(r.group).push(h("option", { value: r.value, text: r.text }));
  }
  const opts = [...groups].flatMap(([g, o]) => (g ? [h("optgroup", { label: g }, o)] : o));
  return h("select", { name: "reason", required: !optional },
    h("option", { value: "", text: optional ? "No reason (keep it unclassified)" : "Choose a reason…" }), opts);
}

// ms -> the value of a datetime-local input (local time, seconds).
function localInput(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

// The time field: at = {min, max, value} in ms (min and max excluded).
function timeField(at) {
  const input = h("input", { type: "datetime-local", name: "at", step: 1, required: true, value: localInput(at.value) });
  const check = () => {
    const ms = new Date(input.value).getTime();
    input.setCustomValidity(ms > at.min && ms < at.max ? "" : `Choose a time after ${new Date(at.min).toLocaleTimeString()} and before ${new Date(at.max).toLocaleTimeString()}.`);
  };
  input.addEventListener("input", check);
  check();
  return input;
}

// opts: title, submit (button label), text? (a line above the fields),
// reasons (array; absent = no chooser), reasonOptional, at ({min, max,
// value} ms; absent = no time), noNote (true = no note field).
export function ask(opts) {
  return new Promise((resolve) => {
    const reason = opts.reasons ? reasonSelect(opts.reasons, opts.reasonOptional) : null;
    const at = opts.at ? timeField(opts.at) : null;
    const note = opts.noNote ? null : h("textarea", { name: "note", rows: 3, maxlength: NOTE_MAX, placeholder: "Note (optional)" });
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { text: opts.title }),
      opts.text ? h("p", { class: "dialog-text", text: opts.text }) : null,
      at ? h("label", {}, "Split at ", at) : null,
      reason ? h("label", {}, opts.at ? "Reason for the part before " : "Reason ", reason) : null,
      note ? h("label", {}, "Note ", note) : null,
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", class: "btn", value: "back", text: "Back", onclick: () => dlg.close("back") }),
        h("button", { type: "submit", class: "btn primary", value: "ok", text: opts.submit })),
    );
    const dlg = h("dialog", { class: "dialog" }, form);
    dlg.addEventListener("close", () => {
      dlg.remove();
      if (dlg.returnValue !== "ok") return resolve(null);
      resolve({
        reason: reason ? reason.value || null : null,
        note: note ? note.value.trim() || null : null,
        at: at ? new Date(at.value).getTime() : null,
      });
    });
    document.body.append(dlg);
    dlg.showModal();
    (at || reason || note).focus();
  });
}
