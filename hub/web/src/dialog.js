// dialog.js -- the one modal dialog the dashboard uses: confirm an andon
// resolve (with a reason from the plant's list) or cancel, with a note.
//
// Design: a native <dialog> built on demand and removed when closed;
// ask() resolves with the values entered, or null when the user backed
// out.  The reasons come from the plant snapshot, never typed freely, so
// the hub cannot refuse them as unknown.
import { h } from "./dom.js";

const NOTE_MAX = 512; // FH_NOTE_MAX, bytes; the input counts characters

// opts: title, submit (button label), reasons (array; absent = no chooser).
export function ask(opts) {
  return new Promise((resolve) => {
    const reason = opts.reasons
      ? h("select", { name: "reason", required: true },
          h("option", { value: "", text: "Choose a reason…" }),
          opts.reasons.map((r) => h("option", { value: r, text: r.replaceAll("_", " ") })))
      : null;
    const note = h("textarea", { name: "note", rows: 3, maxlength: NOTE_MAX, placeholder: "Note (optional)" });
    const form = h(
      "form",
      { method: "dialog" },
      h("h2", { text: opts.title }),
      reason ? h("label", {}, "Reason ", reason) : null,
      h("label", {}, "Note ", note),
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", class: "btn", value: "back", text: "Back", onclick: () => dlg.close("back") }),
        h("button", { type: "submit", class: "btn primary", value: "ok", text: opts.submit })),
    );
    const dlg = h("dialog", { class: "dialog" }, form);
    dlg.addEventListener("close", () => {
      dlg.remove();
      if (dlg.returnValue !== "ok") return resolve(null);
      resolve({ reason: reason ? reason.value : null, note: note.value.trim() || null });
    });
    document.body.append(dlg);
    dlg.showModal();
    (reason || note).focus();
  });
}
