// score.js -- the full-screen scoreboard of one line (#/score/<id>), for a
// TV at the line: target so far, actual and variance in numbers as large
// as the screen allows, AHEAD / BEHIND in words beside the colour, the
// active run and the hourly table.  The page's bar and navigation are
// hidden (body.fullscreen, main.js).  Redrawn on every update: it holds
// no controls.
import { h } from "../dom.js";
import { lineOrNotice } from "./line.js";
import { actualOf, hourlyTable, paceOf, paceWords, runLine } from "./scoreboard.js";

function big(label, value, cls) {
  return h("div", { class: `big ${cls || ""}` }, h("div", { class: "big-label", text: label }), h("div", { class: "big-value", text: value }));
}

export function scoreView(ctx, lineId) {
  const head = h("div", { class: "score-head" });
  const body = h("div", { class: "score-body" });
  return {
    root: h("section", { class: "view view-score" }, head, body),
    update() {
      const { state } = ctx;
      const line = lineOrNotice(state, lineId, head);
      if (!line) return;
      const score = state.score.get(lineId);
      head.replaceChildren(h("h1", { text: line.name }));
      if (!score || score.target == null) {
        body.replaceChildren(h("p", { class: "empty", text: score ? "No shift is running." : "Loading…" }));
        return;
      }
      const pace = paceOf(score.variance);
      body.replaceChildren(
        h(
          "div",
          { class: `score-numbers pace-${pace}` },
          big("Target so far", String(score.expected_now), "big-expected"),
          big("Actual", String(actualOf(score)), "big-actual"),
          big("Variance", `${score.variance > 0 ? "+" : ""}${score.variance}`, "big-variance"),
        ),
        h("div", { class: `score-words pace-${pace}`, "data-pace": pace, text: paceWords(score.variance) }),
        h("div", { class: "score-target", text: `Shift target ${score.target} (${score.target_source === "plan" ? "plan" : "ideal pace"})` }),
        runLine(state.runs.get(lineId), ctx.now()),
        hourlyTable(score),
      );
    },
  };
}
