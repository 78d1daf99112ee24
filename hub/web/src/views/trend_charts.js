// trend_charts.js -- the Trends view's charts, drawn with uPlot.
//
// Design: uPlot (npm, bundled by esbuild; its stylesheet becomes app.css)
// draws on a canvas, so a year of shifts or a Pareto of every reason costs
// one canvas per chart, not thousands of SVG nodes.  Each chart is a
// container div that owns its uPlot; the chart is sized to the
// container's width and follows it with a ResizeObserver, which lets go
// once the container has left the page (a new route).  Colours are the
// CSS custom properties of style.css, read when drawing, so the canvas
// matches the rest of the page.  The OEE chart paints the three bands
// (red < 65 %, yellow 65-85 %, green > 85 %) under the series; the Pareto
// has the loss as bars (hours, left axis) and the cumulative share as a
// line (0-100 %, right axis).  Times on the x axis are the plant's time
// zone's (uPlot.tzDate), as the hub groups them.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { h } from "../dom.js";

const HEIGHT = 300;
const BANDS = [
  ["--band-red", 0, 0.65],
  ["--band-yellow", 0.65, 0.85],
  ["--band-green", 0.85, 1],
];

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

const pct = (v) => `${Math.round(v * 100)} %`;

// Paints the OEE bands across the plot area before the series are drawn.
function drawBands(u) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.globalAlpha = 0.16;
  for (const [name, lo, hi] of BANDS) {
    const y0 = u.valToPos(lo, "y", true);
    const y1 = u.valToPos(Math.min(hi, u.scales.y.max), "y", true);
    ctx.fillStyle = cssVar(name);
    ctx.fillRect(bbox.left, y1, bbox.width, y0 - y1);
  }
  ctx.restore();
}

function axis(extra) {
  const muted = cssVar("--muted");
  const grid = cssVar("--line");
  return { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra };
}

function line(label, color, width = 2) {
  return { label, stroke: color, width, points: { show: true, size: 6, fill: color }, value: (u, v) => (v == null ? "–" : `${(v * 100).toFixed(1)} %`) };
}

// Mounts a uPlot in container, sized to it, and keeps it sized.
function mount(container, opts, data) {
  const width = () => Math.max(320, container.clientWidth || 600);
  const plot = new uPlot({ ...opts, width: width(), height: HEIGHT }, data, container);
  let shown = false; // the container has been on the page
  const ro = new ResizeObserver(() => {
    if (container.isConnected) {
      shown = true;
      plot.setSize({ width: width(), height: HEIGHT });
    } else if (shown) {
      ro.disconnect();
      plot.destroy();
    }
  });
  ro.observe(container);
  return plot;
}

const xTime = (tz) => ({ tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), tz) });

// An axis label of at most n characters (the table beside has the whole name).
const short = (s, n = 12) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// OEE per period over the bands; rows as oee.history gives them.
export function oeeChart(container, rows, tz) {
  const x = rows.map((r) => r.start / 1000);
  const opts = {
    ...xTime(tz),
    scales: { x: { time: true }, y: { range: [0, 1] } },
    axes: [axis({}), axis({ values: (u, vs) => vs.map(pct) })],
    series: [{}, line("OEE", cssVar("--accent"), 3)],
    hooks: { drawClear: [drawBands] },
  };
  return mount(container, opts, [x, rows.map((r) => r.oee)]);
}

// Availability, performance (uncapped) and quality per period.
export function apqChart(container, rows, tz) {
  const x = rows.map((r) => r.start / 1000);
  const top = Math.max(1, ...rows.map((r) => r.performance));
  const opts = {
    ...xTime(tz),
    scales: { x: { time: true }, y: { range: [0, Math.ceil(top * 10) / 10] } },
    axes: [axis({}), axis({ values: (u, vs) => vs.map(pct) })],
    series: [{}, line("Availability", cssVar("--st-changeover")), line("Performance", cssVar("--st-blocked")), line("Quality", cssVar("--st-planned_stop"))],
  };
  return mount(container, opts, [x, rows.map((r) => r.availability), rows.map((r) => r.performance), rows.map((r) => r.quality)]);
}

// The loss Pareto: bars of hours per row, largest first, and the
// cumulative share; labels[i] names row i.
export function paretoChart(container, rows, labels) {
  const x = rows.map((_, i) => i);
  const opts = {
    scales: { x: { time: false, range: [-0.5, rows.length - 0.5] }, y: { range: (u, lo, hi) => [0, hi * 1.05 || 1] }, share: { range: [0, 1] } },
    axes: [
      axis({ splits: () => x, values: (u, vs) => vs.map((i) => short(labels[i] ?? "")), size: 50 }),
      axis({ values: (u, vs) => vs.map((v) => `${+v.toFixed(1)} h`) }),
      axis({ scale: "share", side: 1, size: 60, grid: { show: false }, values: (u, vs) => vs.map(pct) }),
    ],
    series: [
      { value: (u, i) => labels[i] ?? "" },
      { label: "Loss", stroke: cssVar("--st-down"), fill: cssVar("--st-down"), paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false }, value: (u, v) => (v == null ? "–" : `${v.toFixed(2)} h`) },
      { ...line("Cumulative", cssVar("--text")), scale: "share" },
    ],
  };
  return mount(container, opts, [x, rows.map((r) => r.ms / 3600000), rows.map((r) => r.cum_share)]);
}

// A titled box for a chart; the chart goes in its .chart child.
export function chartBox(title, cls, attrs = {}) {
  const chart = h("div", { class: "chart" });
  return { box: h("figure", { class: `trend-chart ${cls}`, ...attrs }, h("figcaption", { text: title }), chart), chart };
}
