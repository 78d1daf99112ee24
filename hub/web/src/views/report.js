// report.js -- the shift report of a line (the shift.report request).
//
// Design: a form (line, and optionally the start of the shift wanted;
// empty means the last closed shift) and the answer below it.  The report
// is fetched only when asked for, never on updates, so the form keeps what
// the user chose while the plant keeps changing.
import { h, fmtPct, fmtDuration, fmtDateTime, STATE_WORDS } from "../dom.js";

function row(label, value) {
  return h("tr", {}, h("th", { text: label }), h("td", { text: value }));
}

function bars(map, total, word) {
  const entries = Object.entries(map || {}).filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]);
  if (!entries.length) return h("p", { class: "empty", text: "None." });
  return h(
    "div",
    { class: "bars" },
    entries.map(([k, ms]) =>
      h("div", { class: "bar-row" },
        h("span", { class: "bar-label", text: word(k) }),
        h("span", { class: "bar" }, h("span", { class: `bar-fill st-bg-${k}`, style: `width:${Math.min(100, (100 * ms) / Math.max(total, 1)).toFixed(1)}%` })),
        h("span", { class: "bar-value", text: fmtDuration(ms) }))),
  );
}

function report(r) {
  const stateTotal = Object.values(r.state_ms || {}).reduce((a, b) => a + b, 0);
  const reasonMax = Math.max(1, ...Object.values(r.reasons || {}));
  return h(
    "div",
    { class: "report", "data-shift-start": r.shift_start },
    h("table", { class: "report-table" },
      row("Shift", `${r.shift} ${fmtDateTime(r.shift_start)} – ${fmtDateTime(r.shift_end)}`),
      row("OEE", fmtPct(r.oee)),
      row("Availability", fmtPct(r.availability)),
      row("Performance", `${fmtPct(Math.min(r.performance, 1))} (raw ${fmtPct(r.performance)})`),
      row("Quality", fmtPct(r.quality)),
      row("Planned time", fmtDuration(r.planned_ms)),
      row("Run time", fmtDuration(r.run_ms)),
      row("Good / reject", `${r.good} / ${r.reject}`),
      row("Down events", String(r.down_events)),
      row("MTTR", fmtDuration(r.mttr_s * 1000)),
      row("MTBF", fmtDuration(r.mtbf_s * 1000))),
    h("h2", { text: "Time by state" }),
    bars(r.state_ms, stateTotal, (k) => STATE_WORDS[k] || k),
    h("h2", { text: "Largest losses by reason" }),
    bars(r.reasons, reasonMax, (k) => k.replaceAll("_", " ")),
  );
}

export function reportView(ctx, lineId) {
  const lineSel = h("select", { name: "line" });
  const start = h("input", { type: "datetime-local", name: "shift_start" });
  const out = h("div", { class: "report-out" });
  const form = h(
    "form",
    { class: "report-form" },
    h("label", {}, "Line ", lineSel),
    h("label", {}, "Shift started at ", start, h("small", { text: " (empty: last closed shift)" })),
    h("button", { type: "submit", class: "btn primary", text: "Show report" }),
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const req = { t: "shift.report", line: lineSel.value };
    if (start.value) req.shift_start = new Date(start.value).getTime();
    out.replaceChildren(h("p", { class: "empty", text: "Loading…" }));
    try {
      const ok = await ctx.conn.request(req);
      out.replaceChildren(report(ok.report));
    } catch (e) {
      const text = e.code === "not_found" ? "No such closed shift for this line yet." : e.message;
      out.replaceChildren(h("p", { class: "empty", text }));
    }
  });
  return {
    root: h("section", { class: "view view-report" }, h("div", { class: "view-head" }, h("h1", { text: "Shift report" })), form, out),
    update() {
      const lines = ctx.state.lineList();
      if (lineSel.options.length === lines.length) return;
      const chosen = lineSel.value || lineId;
      lineSel.replaceChildren(...lines.map((l) => h("option", { value: l.id, text: l.name })));
      if (chosen) lineSel.value = chosen;
    },
  };
}
