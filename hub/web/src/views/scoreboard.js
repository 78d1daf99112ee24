// scoreboard.js -- the pieces of a line's scoreboard (PROTOCOL.md section
// 13) shared by the board's tiles, the line view and the full-screen
// scoreboard: actual against expected with the words AHEAD / BEHIND (so a
// screen without colour says it too), the active run, the hourly table.
import { h, fmtTime, fmtDuration } from "../dom.js";

// "ahead", "behind" or "on" for a variance.
export function paceOf(variance) {
  return variance > 0 ? "ahead" : variance < 0 ? "behind" : "on";
}

// "AHEAD by 5", "BEHIND by 12", "ON TARGET".
export function paceWords(variance) {
  if (variance > 0) return `AHEAD by ${variance}`;
  if (variance < 0) return `BEHIND by ${-variance}`;
  return "ON TARGET";
}

// The line's good as the hub counts it for the scoreboard.
export function actualOf(score) {
  return Math.max(0, score.expected_now + score.variance);
}

// "Actual 8 / expected 453 · BEHIND by 445", or null outside shift hours.
export function paceLine(score) {
  if (!score || score.target == null) return null;
  return h(
    "div",
    { class: `pace pace-${paceOf(score.variance)}`, "data-pace": paceOf(score.variance) },
    h("span", { class: "pace-actual", text: `Actual ${actualOf(score)} / expected ${score.expected_now}` }),
    h("span", { class: "pace-words", text: paceWords(score.variance) }),
  );
}

// The active run in words, or "No run".
export function runLine(run, now) {
  if (!run) return h("div", { class: "run none", text: "No run" });
  const qty = run.target_qty ? `${run.good} / ${run.target_qty}` : String(run.good);
  let left = "";
  if (run.target_qty && run.good > 0 && run.good < run.target_qty) {
    const per = (now - run.started_at) / run.good;
    left = ` · ${fmtDuration(per * (run.target_qty - run.good))} left at this pace`;
  }
  return h(
    "div",
    { class: "run", "data-run": run.id },
    h("b", { text: `Run ${run.id} · ${run.product}` }),
    h("span", { text: ` · order ${run.order || "–"} · ${qty}${left}` }),
  );
}

// The hourly table of a scoreboard.
export function hourlyTable(score) {
  const rows = (score?.hourly || []).map((b) =>
    h(
      "tr",
      { "data-hour": b.hour_start, class: b.good >= b.target ? "hour-met" : "hour-short" },
      h("td", { text: fmtTime(b.hour_start) }),
      h("td", { class: "num", text: b.target }),
      h("td", { class: "num", text: b.good }),
      h("td", { class: "num", text: b.reject }),
      h("td", { class: "num", text: fmtDuration(b.down_ms) }),
      h("td", { text: b.top_reason ? b.top_reason.replaceAll("_", " ") : "" }),
    ),
  );
  return h(
    "table",
    { class: "hourly" },
    h("thead", {}, h("tr", {}, ["Hour", "Target", "Good", "Reject", "Down", "Top reason"].map((t) => h("th", { text: t })))),
    h("tbody", {}, ...rows),
  );
}
