// graphics.js -- the inline SVG pictures: state icons, the OEE gauge and
// the OEE sparkline.
//
// Design: everything is drawn as SVG in the page (no icon fonts, no image
// files, no emoji), so a wall screen without internet or extra fonts shows
// the same thing as a laptop.  Shapes use currentColor where they can, so
// CSS decides the colours.  The gauge is a half circle with the three OEE
// bands (red < 65 %, yellow 65-85 %, green > 85 %) and a needle; the
// sparkline puts the shift on the x axis, 0..100 % on the y axis, over the
// same bands.
import { svg, oeeBand, stateOf } from "./dom.js";

const ICON_SHAPES = {
  running: () => [svg("path", { d: "M8 5v14l11-7z", fill: "currentColor" })],
  idle: () => [
    svg("rect", { x: 6, y: 5, width: 4, height: 14, fill: "currentColor" }),
    svg("rect", { x: 14, y: 5, width: 4, height: 14, fill: "currentColor" }),
  ],
  down: () => [
    svg("circle", { cx: 12, cy: 12, r: 10, fill: "currentColor" }),
    svg("path", { d: "M8 8l8 8M16 8l-8 8", stroke: "#fff", "stroke-width": 2.6, "stroke-linecap": "round" }),
  ],
  blocked: () => [
    svg("circle", { cx: 12, cy: 12, r: 9, fill: "none", stroke: "currentColor", "stroke-width": 2.6 }),
    svg("path", { d: "M6 12h12", stroke: "currentColor", "stroke-width": 3 }),
  ],
  starved: () => [
    svg("circle", { cx: 12, cy: 12, r: 9, fill: "none", stroke: "currentColor", "stroke-width": 2.4, "stroke-dasharray": "3 2.6" }),
    svg("circle", { cx: 12, cy: 12, r: 2.5, fill: "currentColor" }),
  ],
  changeover: () => [
    svg("path", { d: "M5 9h11l-3-3M19 15H8l3 3", fill: "none", stroke: "currentColor", "stroke-width": 2.4, "stroke-linecap": "round", "stroke-linejoin": "round" }),
  ],
  planned_stop: () => [
    svg("circle", { cx: 12, cy: 12, r: 9, fill: "none", stroke: "currentColor", "stroke-width": 2.4 }),
    svg("path", { d: "M12 7v5l3.5 2", fill: "none", stroke: "currentColor", "stroke-width": 2.4, "stroke-linecap": "round" }),
  ],
  unknown: () => [
    svg("circle", { cx: 12, cy: 12, r: 9, fill: "none", stroke: "currentColor", "stroke-width": 2.4 }),
    svg("path", { d: "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .8-1 1.5v.7", fill: "none", stroke: "currentColor", "stroke-width": 2.2, "stroke-linecap": "round" }),
    svg("circle", { cx: 12, cy: 17, r: 1.3, fill: "currentColor" }),
  ],
};

// A 24x24 icon for an equipment or line state.
export function stateIcon(state) {
  const s = stateOf(state);
  return svg("svg", { class: `icon st-${s}`, viewBox: "0 0 24 24", "aria-hidden": "true" }, ICON_SHAPES[s]());
}

// Point on a half circle: frac 0 is the left end, 1 the right end.
function polar(cx, cy, r, frac) {
  const a = Math.PI * (1 - frac);
  return [cx + r * Math.cos(a), cy - r * Math.sin(a)];
}

function arc(cx, cy, r, from, to) {
  const [x0, y0] = polar(cx, cy, r, from);
  const [x1, y1] = polar(cx, cy, r, to);
  return `M${x0.toFixed(2)} ${y0.toFixed(2)}A${r} ${r} 0 0 1 ${x1.toFixed(2)} ${y1.toFixed(2)}`;
}

const BANDS = [
  ["red", 0, 0.65],
  ["yellow", 0.65, 0.85],
  ["green", 0.85, 1],
];

// The OEE gauge; value is a ratio (values above 1 are drawn at 100 %).
// The number itself is written next to it by the views, in large type.
export function gauge(value, label) {
  const v = Math.max(0, Math.min(1, value || 0));
  const [nx, ny] = polar(60, 60, 40, v);
  return svg(
    "svg",
    { class: `gauge band-${oeeBand(v)}`, viewBox: "0 0 120 76", role: "img", "aria-label": `${label} ${Math.round(v * 100)} percent` },
    BANDS.map(([band, a, b]) => svg("path", { class: `arc arc-${band}`, d: arc(60, 60, 48, a, b) })),
    svg("line", { class: "needle", x1: 60, y1: 60, x2: nx.toFixed(2), y2: ny.toFixed(2) }),
    svg("circle", { class: "hub", cx: 60, cy: 60, r: 4 }),
  );
}

// The OEE of one shift so far: points [{t, oee}], x from shiftStart to
// shiftEnd (ms), y from 0 to 100 %.
export function sparkline(points, shiftStart, shiftEnd) {
  const W = 600;
  const H = 120;
  const span = Math.max(1, shiftEnd - shiftStart);
  const x = (t) => ((Math.min(Math.max(t, shiftStart), shiftEnd) - shiftStart) / span) * W;
  const PAD = 6; // room for the line's width at 0 and 100 %
  const y = (v) => PAD + (1 - Math.max(0, Math.min(1, v || 0))) * (H - 2 * PAD);
  const bands = BANDS.map(([band, a, b]) =>
    svg("rect", { class: `spark-band arc-${band}`, x: 0, y: y(b), width: W, height: y(a) - y(b) }),
  );
  const body = [];
  if (points.length >= 2) {
    const d = points.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)} ${y(p.oee).toFixed(1)}`).join("");
    body.push(svg("path", { class: "spark-line", d }));
  }
  if (points.length) {
    const last = points[points.length - 1];
    // A zero-length round-capped stroke: a dot that stays round however
    // the box is stretched.
    body.push(svg("path", { class: "spark-dot", d: `M${x(last.t).toFixed(1)} ${y(last.oee).toFixed(1)}h0` }));
  }
  return svg("svg", { class: "sparkline", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img", "aria-label": "OEE this shift" }, bands, body);
}
