// board.js -- the plant board: one big tile per line, readable from 5 m.
//
// Design: a tile shows the line's name, its state in words with an icon
// and the time in that state (the longest-standing equipment of that
// state), the OEE gauge, and the open andons with the age of the oldest.
// Tiles are reconciled by line id and rebuilt only when the line, its
// equipment states or its escalation change; ages tick in place.  A tile
// is a link to the line's detail view.  In a shift a tile also shows the
// line's actual against expected (the oee/<line> scoreboard) with the
// words AHEAD / BEHIND.  While the line's last shift handover is not
// acknowledged the tile says so (handover.js).
import { h, reconcile, age, STATE_WORDS, stateOf, fmtPct, oeeBand } from "../dom.js";
import { stateIcon, gauge } from "../graphics.js";
import { handoverFlag } from "./handover.js";
import { paceLine } from "./scoreboard.js";

// When the line entered its current state: the earliest `since` among the
// equipment that is in the line's state.
function lineSince(line, equipment) {
  const times = equipment.filter((e) => e.state === line.state && e.since).map((e) => e.since);
  return times.length ? Math.min(...times) : null;
}

function andonSummary(line, now) {
  if (!line.open_andons) return h("div", { class: "tile-andons none" }, "No open andons");
  return h(
    "div",
    { class: `tile-andons open level-${Math.min(line.max_level, 2)}` },
    h("span", { class: "andon-count" }, `${line.open_andons} open andon${line.open_andons === 1 ? "" : "s"}`),
    h("span", { class: "andon-oldest" }, "oldest ", age(line.oldest_andon_at, now)),
    line.max_level ? h("span", { class: "andon-level" }, `escalated ${line.max_level}`) : null,
  );
}

function tile(line, equipment, score, handover, now) {
  const s = stateOf(line.state);
  return h(
    "a",
    { class: `tile st-bg-${s}`, href: `#/line/${encodeURIComponent(line.id)}`, "data-line": line.id },
    h("div", { class: "tile-head" }, h("span", { class: "tile-name" }, line.name), h("span", { class: "tile-area" }, line.area || "")),
    h(
      "div",
      { class: `tile-state st-${s}` },
      stateIcon(s),
      h("span", { class: "state-word" }, STATE_WORDS[s]),
      h("span", { class: "state-since" }, age(lineSince(line, equipment), now)),
    ),
    h(
      "div",
      { class: "tile-oee" },
      gauge(line.oee, "OEE"),
      h("div", { class: `oee-number band-${oeeBand(line.oee)}` }, h("small", {}, "OEE "), fmtPct(Math.min(line.oee, 1))),
    ),
    paceLine(score),
    andonSummary(line, now),
    handoverFlag(handover),
  );
}

export function boardView(ctx) {
  const grid = h("div", { class: "board" });
  return {
    root: h("section", { class: "view view-board" }, grid),
    update() {
      const { state } = ctx;
      const now = ctx.now();
      const lines = state.lineList();
      reconcile(
        grid,
        lines,
        (l) => l.id,
        (l) => JSON.stringify([l, (state.equipment.get(l.id) || []).map((e) => [e.state, e.since]), !!state.handovers.get(l.id),
          state.score.get(l.id)?.expected_now, state.score.get(l.id)?.variance]),
        (l) => tile(l, state.equipment.get(l.id) || [], state.score.get(l.id), state.handovers.get(l.id), now),
      );
    },
  };
}
