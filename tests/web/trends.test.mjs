// trends.test.mjs -- the dashboard's Trends view (#/trends) in headless
// Chromium against the real floorhub with a backfilled store (run with
// `node --test`; ctest: web_trends).
//
// Before the hub first starts, `floorctl backfill` writes DAYS days of the
// sample plant's history (Europe/Berlin, shifts 06-14, 14-22, 22-06) into
// its data directory; the hub then runs the current shift.  Every figure
// the page shows is compared with what the hub answers to the same
// oee.history request on the test's own WebSocket, with the period's
// figures recomputed here from the rows' sums.  The period is found here
// independently of the page's code: local midnight in Berlin is searched
// hour by hour with Intl.  The last test takes the screenshot into
// FH_ARTEFACT_DIR; with FH_UPDATE_SCREENSHOT=1 it also replaces the
// committed tests/web/trends.png that README shows.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Hub, Client, makeToken, launchBrowser, checker, SOURCE_DIR, SAMPLE_PLANT } from "./harness.mjs";

const FLOORCTL = process.env.FLOORCTL_BIN || "floorctl";
const ARTEFACT_DIR = process.env.FH_ARTEFACT_DIR || join(SOURCE_DIR, "build", "web-artefacts");
const SCREENSHOT = join(ARTEFACT_DIR, "trends.png");
const COMMITTED_SCREENSHOT = join(SOURCE_DIR, "tests", "web", "trends.png");
const TZ = "Europe/Berlin"; // the sample plant's
const DAYS = 80; // backfilled: more than 200 shifts of one line, so per shift pages
const HOUR = 3600000;

// The date "YYYY-MM-DD" and hour in Berlin at instant t.
function berlin(t) {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: TZ, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit" })
    .formatToParts(new Date(t)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour) };
}

// Local midnight of date in Berlin: the first whole hour of that date.
function berlinMidnight(date) {
  const [y, m, d] = date.split("-").map(Number);
  for (let t = Date.UTC(y, m - 1, d) - 3 * HOUR; ; t += HOUR) if (berlin(t).date === date) return t;
}

const dayBefore = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) - n * 86400000).toISOString().slice(0, 10);
const pct1 = (x) => `${(x * 100).toFixed(1)} %`;

// RFC 4180: rows of fields; quoted fields may hold commas, CRLFs and "".
function parseCsv(text) {
  const rows = [];
  let row = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field), rows.push(row), (row = []), (field = ""), i++;
    } else field += c;
  }
  assert.equal(field + row.length, "0", "the last line has no CRLF");
  return rows;
}

let hub, browser, reader;
const consoleLines = [];
const check = checker(() => hub, consoleLines);

async function hubRows(q) {
  const rows = [];
  let cursor;
  do {
    const ok = await reader.request(cursor === undefined ? q : { ...q, cursor });
    rows.push(...ok.rows);
    cursor = ok.cursor;
  } while (cursor !== undefined);
  return rows;
}

async function openPage(hash, token = makeToken("pm1", "production_manager")) {
  const page = await browser.context.newPage();
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(`${hub.http}/?token=${encodeURIComponent(token)}${hash}`);
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  return page;
}

// Waits for the page's OEE chart (of the period from..to, both days
// included, and group, when given) and returns its number of rows.
async function chartRows(page, want = {}) {
  const attrs = Object.entries(want).map(([k, v]) => `[data-${k}="${v}"]`).join("");
  const chart = page.locator(`.trend-oee[data-rows]${attrs}`);
  await chart.locator("canvas").waitFor({ timeout: 10000 });
  return Number(await chart.getAttribute("data-rows"));
}

// Pixels of the canvas in `sel` that are drawn, and those near rgb.
function canvasPixels(page, sel, rgb) {
  return page.locator(`${sel} canvas`).evaluate((c, rgb) => {
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let drawn = 0, near = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) drawn++;
      if (d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 30) near++;
    }
    return { drawn, near, total: c.width * c.height };
  }, rgb);
}

before(async () => {
  hub = new Hub();
  execFileSync(FLOORCTL, ["backfill", "--data", join(hub.tmp, "data"), "--plant", SAMPLE_PLANT, "--days", String(DAYS), "--seed", "14"]);
  await hub.start();
  browser = await launchBrowser();
  reader = await Client.open(hub, makeToken("reader", "viewer"));
});

after(async () => {
  reader?.close();
  await browser?.close();
  await hub?.cleanup();
});

check("Last 30 days of one line: 30 days of points, and A, P, Q as the hub's rows", async () => {
  const now = Date.now();
  const today = berlin(now).date;
  const page = await openPage("#/trends/L1");
  assert.equal(await page.locator("select[name=line]").inputValue(), "L1");
  await chartRows(page, { from: dayBefore(today, 6), to: today, group: "day" }); // the first load: last 7 days
  await page.getByRole("button", { name: "Last 30 days" }).click();
  const shown = await chartRows(page, { from: dayBefore(today, 29), to: today, group: "day" });
  assert.equal(await page.locator("input[name=from]").inputValue(), dayBefore(today, 29));
  assert.equal(await page.locator("input[name=to]").inputValue(), today);
  const rows = await hubRows({ t: "oee.history", scope: "line", line: "L1", group: "day",
    from: berlinMidnight(dayBefore(today, 29)), to: berlinMidnight(dayBefore(today, -1)) });
  // Every day has shifts; before 06:00 the running shift began yesterday,
  // so today has no row yet.
  assert.equal(rows.length, berlin(now).hour < 6 ? 29 : 30);
  assert.equal(shown, rows.length);
  rows.forEach((r, i) => assert.equal(berlin(r.start).date, dayBefore(today, 29 - i)));
  // The period's figures from the sums, never the mean of the rows' ratios.
  let planned = 0, run = 0, ideal = 0, good = 0, reject = 0;
  for (const r of rows) [planned, run, ideal, good, reject] = [planned + r.planned_ms, run + r.run_ms, ideal + r.performance * r.run_ms, good + r.good, reject + r.reject];
  const a = run / planned, p = ideal / run, q = good / (good + reject);
  const fig = (name) => page.locator(`.trend-figure[data-figure="${name}"] .trend-figure-value`).textContent();
  assert.equal(await fig("availability"), pct1(a));
  assert.equal(await fig("performance"), pct1(p));
  assert.equal(await fig("quality"), pct1(q));
  assert.equal(await fig("oee"), pct1(a * Math.min(p, 1) * q));
  assert.equal(await fig("good"), `${good} / ${reject}`);
  // Each row of the table, as the hub gave it.
  const cells = await page.locator(".trend-rows tbody tr").evaluateAll((trs) => trs.map((tr) => [Number(tr.dataset.start), ...[...tr.cells].slice(1).map((td) => td.textContent)]));
  assert.deepEqual(cells, rows.map((r) => [r.start, pct1(r.oee), pct1(r.availability), pct1(r.performance), pct1(r.quality), String(r.good), String(r.reject)]));
  // Both charts are drawn: the OEE series in the accent colour (#4ea1ff).
  const oee = await canvasPixels(page, ".trend-oee", [0x4e, 0xa1, 0xff]);
  assert.ok(oee.drawn > oee.total / 4, `OEE canvas mostly blank: ${JSON.stringify(oee)}`);
  assert.ok(oee.near > 200, `no OEE line on the canvas: ${JSON.stringify(oee)}`);
  const apq = await canvasPixels(page, ".trend-apq", [0x3d, 0x8d, 0xe0]);
  assert.ok(apq.near > 200, `no availability line on the canvas: ${JSON.stringify(apq)}`);
  await page.close();
});

check("per shift over 70 days of the plant follows the cursor past 200 rows", async () => {
  const today = berlin(Date.now()).date;
  const page = await openPage("#/trends");
  await chartRows(page);
  assert.equal(await page.locator("select[name=line]").inputValue(), "");
  await page.locator("select[name=group]").selectOption("shift");
  await page.locator("input[name=from]").fill(dayBefore(today, 69));
  await page.locator("input[name=to]").fill(dayBefore(today, 1));
  await page.getByRole("button", { name: "Show", exact: true }).click();
  const q = { t: "oee.history", scope: "plant", group: "shift", from: berlinMidnight(dayBefore(today, 69)), to: berlinMidnight(today) };
  const first = await reader.request(q);
  assert.equal(first.rows.length, 200);
  assert.ok(first.cursor, "one page holds it all");
  const rows = await hubRows(q);
  assert.equal(rows.length, 3 * 69); // three shifts a day
  assert.equal(await chartRows(page, { from: dayBefore(today, 69), to: dayBefore(today, 1), group: "shift" }), rows.length);
  const starts = await page.locator(".trend-rows tbody tr").evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.start)));
  assert.deepEqual(starts, rows.map((r) => r.start));
  await page.close();
});

check("a token for L2 only chooses among its lines, and the plant is L2", async () => {
  const today = berlin(Date.now()).date;
  const token = makeToken("op2", "operator", { lines: ["L2"] });
  const page = await openPage("#/trends", token);
  await chartRows(page, { from: dayBefore(today, 6), to: today, group: "day" });
  assert.deepEqual(await page.locator("select[name=line] option").evaluateAll((os) => os.map((o) => o.value)), ["", "L2"]);
  const period = { group: "day", from: berlinMidnight(dayBefore(today, 6)), to: berlinMidnight(dayBefore(today, -1)) };
  const l2 = await hubRows({ t: "oee.history", scope: "line", line: "L2", ...period });
  const cells = await page.locator(".trend-rows tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.cells].slice(1).map((td) => td.textContent)));
  assert.deepEqual(cells, l2.map((r) => [pct1(r.oee), pct1(r.availability), pct1(r.performance), pct1(r.quality), String(r.good), String(r.reject)]));
  const all = await hubRows({ t: "oee.history", scope: "plant", ...period });
  assert.notEqual(all[0].good, l2[0].good, "the plant of an unrestricted token is L2 alone");
  await page.close();
});

check("a period with its last day before its first is refused in the page", async () => {
  const page = await openPage("#/trends/L2");
  await chartRows(page);
  await page.locator("input[name=from]").fill("2026-03-10");
  await page.locator("input[name=to]").fill("2026-03-01");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await page.locator(".trend-msg").getByText("The last day is before the first.").waitFor({ timeout: 3000 });
  await page.close();
});

check("the loss Pareto of the period is the hub's dt.pareto, as bars and a table", async () => {
  const today = berlin(Date.now()).date;
  const page = await openPage("#/trends/L1");
  await page.getByRole("button", { name: "Last 30 days" }).click();
  await chartRows(page, { from: dayBefore(today, 29), to: today });
  const { rows } = await reader.request({ t: "dt.pareto", scope: "line", line: "L1", top: 12,
    from: berlinMidnight(dayBefore(today, 29)), to: berlinMidnight(dayBefore(today, -1)) });
  assert.ok(rows.length >= 3, `too few Pareto rows to show: ${JSON.stringify(rows)}`);
  const pareto = page.locator(`.trend-pareto[data-rows="${rows.length}"][data-from="${dayBefore(today, 29)}"]`);
  await pareto.locator("canvas").waitFor({ timeout: 10000 });
  // Reasons by their names in the plant snap's tree; the folded row (no
  // category) is "Other (the rest)", apart from the sample's own "other".
  await reader.request({ t: "sub", topics: ["plant"] });
  const snap = await reader.next((m) => m.t === "snap" && m.topic === "plant");
  const tree = Object.fromEntries(snap.data.reason_tree.map((n) => [n.code, n.name]));
  const words = { unclassified: "Unclassified", small_stop: "Short stops" };
  const label = (r) => (r.reason === null ? words[r.category] : r.category === null ? "Other (the rest)" : tree[r.reason]);
  const cells = await page.locator(".trend-pareto-table tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(cells, rows.map((r) => [label(r), (r.category || "").replaceAll("_", " "), `${(r.ms / HOUR).toFixed(1)} h`, String(r.count), pct1(r.share), pct1(r.cum_share)]));
  const bars = await canvasPixels(page, ".trend-pareto", [0xe0, 0x39, 0x3e]); // --st-down
  assert.ok(bars.near > 1000, `no bars on the Pareto canvas: ${JSON.stringify(bars)}`);
  await page.close();
});

check("Download OEE CSV saves the hub's rows as a file, the token in the header only", async () => {
  const today = berlin(Date.now()).date;
  const token = makeToken("pm1", "production_manager");
  const page = await openPage("#/trends/L1", token);
  await chartRows(page, { from: dayBefore(today, 6), to: today, group: "day" });
  const asked = [];
  page.on("request", (r) => r.url().includes("/api/v1/export/") && asked.push({ url: r.url(), auth: r.headers().authorization }));
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download OEE CSV" }).click()]);
  assert.match(dl.suggestedFilename(), /\.csv$/);
  const [head, ...body] = parseCsv(readFileSync(await dl.path(), "utf8"));
  assert.deepEqual(head, ["start", "end", "planned_ms", "run_ms", "not_monitored_ms", "good", "reject", "availability", "performance", "quality", "oee", "open", "target"]);
  const rows = await hubRows({ t: "oee.history", scope: "line", line: "L1", group: "day",
    from: berlinMidnight(dayBefore(today, 6)), to: berlinMidnight(dayBefore(today, -1)) });
  assert.equal(body.length, rows.length);
  body.forEach((cells, i) => {
    const f = Object.fromEntries(head.map((k, j) => [k, cells[j]]));
    const r = rows[i];
    assert.equal(Date.parse(f.start), r.start, `start of row ${i}: ${f.start}`);
    assert.equal(Date.parse(f.end), r.end);
    for (const k of ["planned_ms", "run_ms", "good", "reject"]) assert.equal(Number(f[k]), r[k], `${k} of row ${i}`);
    for (const k of ["availability", "performance", "quality", "oee"]) assert.equal(Number(f[k]), r[k], `${k} of row ${i}`);
  });
  assert.deepEqual(asked, [{ url: `${hub.http}/api/v1/export/oee.csv?scope=line&line=L1&from=${dayBefore(today, 6)}&to=${dayBefore(today, -1)}&group=day`, auth: `Bearer ${token}` }]);
  await page.close();
});

check("Download downtime CSV saves every stop of the period that dt.pareto counts", async () => {
  const today = berlin(Date.now()).date;
  const page = await openPage("#/trends/L1");
  await page.getByRole("button", { name: "Last 30 days" }).click();
  await chartRows(page, { from: dayBefore(today, 29), to: today });
  const [dl] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download downtime CSV" }).click()]);
  const [head, ...body] = parseCsv(readFileSync(await dl.path(), "utf8"));
  assert.deepEqual(head.slice(0, 4), ["id", "line", "equipment", "start"]);
  const { rows } = await reader.request({ t: "dt.pareto", scope: "line", line: "L1",
    from: berlinMidnight(dayBefore(today, 29)), to: berlinMidnight(dayBefore(today, -1)) });
  assert.equal(body.length, rows.reduce((n, r) => n + r.count, 0));
  assert.ok(body.length > 1000, `${body.length} stops in 30 days`);
  assert.ok(body.every((cells) => cells[1] === "L1"));
  await page.close();
});

check("a refused CSV shows the hub's one-line reason and saves nothing", async () => {
  const page = await openPage("#/trends/L1");
  await chartRows(page);
  // The token expires while the page is open: the WebSocket stays, the export refuses.
  const expired = makeToken("pm1", "production_manager", { exp: Math.floor(Date.now() / 1000) - 60 });
  await page.evaluate((t) => sessionStorage.setItem("floorhub.token", t), expired);
  const direct = await fetch(`${hub.http}/api/v1/export/oee.csv?scope=line&line=L1&from=2026-11-01&to=2026-11-02`, { headers: { Authorization: `Bearer ${expired}` } });
  assert.equal(direct.status, 401);
  const reason = (await direct.text()).trim();
  assert.ok(reason && !reason.includes("\n"), `not one line: ${reason}`);
  let saved = false;
  page.on("download", () => (saved = true));
  await page.getByRole("button", { name: "Download OEE CSV" }).click();
  await page.locator(".trend-msg").getByText(`CSV refused (401): ${reason}`, { exact: true }).waitFor({ timeout: 3000 });
  assert.equal(saved, false);
  await page.close();
});

check("screenshot of the trends view on a 1080p screen", async () => {
  const page = await openPage("#/trends/L1");
  await page.getByRole("button", { name: "Last 30 days" }).click();
  const today = berlin(Date.now()).date;
  assert.ok((await chartRows(page, { from: dayBefore(today, 29), to: today })) >= 29);
  await page.waitForTimeout(500);
  mkdirSync(ARTEFACT_DIR, { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  if (process.env.FH_UPDATE_SCREENSHOT === "1") copyFileSync(SCREENSHOT, COMMITTED_SCREENSHOT);
  await page.close();
});
