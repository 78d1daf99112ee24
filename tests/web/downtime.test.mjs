// downtime.test.mjs -- the dashboard's Downtime view (#/downtime/<line>) in
// headless Chromium against the real floorhub (run with `node --test`;
// ctest: web_downtime).
//
// The plant is the sample plant in UTC with one short shift around now
// (no breaks), a reason tree and short_stop_s 1, so a stop of 1.5 s needs
// a reason (as in tests/e2e/test_downtime.py).  A gateway client makes the
// stops: running, then down with a ts just after the running began, then
// running again with ts + the stop's length (the hub clamps a ts to the
// current state's start and to now, so the sleeps make the times real).
// Every check of the page is compared with what the hub holds, read back
// on a fresh subscription.  The last test takes the screenshot into
// FH_ARTEFACT_DIR; with FH_UPDATE_SCREENSHOT=1 it also replaces the
// committed tests/web/downtime.png that README shows.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Hub, Client, makeToken, launchBrowser, samplePlant, checker, SOURCE_DIR } from "./harness.mjs";

const ARTEFACT_DIR = process.env.FH_ARTEFACT_DIR || join(SOURCE_DIR, "build", "web-artefacts");
const SCREENSHOT = join(ARTEFACT_DIR, "downtime.png");
const COMMITTED_SCREENSHOT = join(SOURCE_DIR, "tests", "web", "downtime.png");
const TREE = [
  { code: "breakdown", name: "Breakdown", category: "unplanned",
    children: [{ code: "mechanical", name: "Mechanical" }, { code: "electrical", name: "Electrical" }] },
  { code: "setup", name: "Setup and adjustment", category: "changeover" },
  { code: "meeting", name: "Team meeting", category: "planned" },
  { code: "scratch", name: "Scratch", category: "quality" },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hhmm = (ms) => new Date(ms).toISOString().slice(11, 16);

// One shift from the current minute to 5 minutes on: short, so that
// stops of seconds are visible on the timeline, long enough for the file.
function downtimePlant() {
  const p = samplePlant();
  const minute = Math.floor(Date.now() / 60000) * 60000;
  p.timezone = "UTC";
  p.shifts = [{ name: "day", start: hhmm(minute), end: hhmm(minute + 5 * 60000) }];
  p.reasons = TREE;
  p.short_stop_s = 1;
  return p;
}

let hub, browser, gateway;
let nkey = 0;
const consoleLines = [];

const write = (c, msg) => c.request({ ...msg, key: `dt-web-${++nkey}` });

// equipment runs, stops (down, `reason`) and runs again ms later; returns
// the stop's start.
async function makeStop(equipment, ms, reason = "mechanical") {
  await write(gateway, { t: "eq.state", equipment, state: "running" });
  await sleep(50);
  const t0 = Date.now() - 10; // after the running state began
  await write(gateway, { t: "eq.state", equipment, state: "down", reason, ts: t0 });
  await sleep(ms + 50);
  await write(gateway, { t: "eq.state", equipment, state: "running", ts: t0 + ms });
  return t0;
}

// The line's stops as the hub holds them, on a fresh session.
async function hubStops(line = "L1") {
  const c = await Client.open(hub, makeToken("reader", "viewer"));
  try {
    await c.request({ t: "sub", topics: [`downtime/${line}`] });
    return (await c.next((m) => m.t === "snap" && m.topic === `downtime/${line}`)).data.events;
  } finally {
    c.close();
  }
}

async function openPage(token, hash) {
  const page = await browser.context.newPage();
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(`${hub.http}/?token=${encodeURIComponent(token)}${hash}`);
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  return page;
}

const check = checker(() => hub, consoleLines);

before(async () => {
  hub = await new Hub({ plant: downtimePlant() }).start();
  browser = await launchBrowser();
  gateway = await Client.open(hub, makeToken("gw1", "gateway"));
});

after(async () => {
  gateway?.close();
  await browser?.close();
  await hub?.cleanup();
});

let stop1; // the first stop: L1-PRESS1, 1.5 s

check("a stop appears in the list, on the timeline and in the Pareto as unclassified", async () => {
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/downtime/L1");
  await page.locator(".tl-row").first().waitFor({ timeout: 3000 });
  const t0 = await makeStop("L1-PRESS1", 1500);
  [stop1] = (await hubStops()).filter((e) => e.equipment === "L1-PRESS1" && e.duration_ms > 0);
  assert.equal(stop1.start, t0);
  assert.equal(stop1.duration_ms, 1500);
  assert.equal(stop1.needs_reason, true);
  const row = page.locator(`tr[data-stop="${stop1.id}"]`);
  await row.waitFor({ timeout: 1000 });
  assert.match(await row.textContent(), /Press 1 \(draw\)/);
  assert.match(await row.textContent(), /1s/);
  assert.match(await row.textContent(), /down 1s/);
  assert.match(await row.locator(".flags").textContent(), /needs a reason/);
  const seg = page.locator(`.tl-row[data-equipment="L1-PRESS1"] .seg-stop[data-stop="${stop1.id}"]`);
  assert.equal(await seg.count(), 1, "stop not on the timeline");
  assert.match(await seg.getAttribute("title"), /Down 1s|down 1s/);
  assert.equal(await page.locator(".tl-row[data-equipment]").count(), 5);
  const legend = await page.locator(".legend").textContent();
  for (const w of ["Running", "Down", "Idle", "Planned stop", "No data", "Not monitored"]) assert.ok(legend.includes(w), `legend lacks ${w}: ${legend}`);
  // The hub began after the shift did: the time before it knew the press
  // is drawn as not monitored; a station never heard from is all of it.
  assert.equal(await page.locator('.tl-row[data-equipment="L1-PRESS1"] .seg-nodata').count(), 1);
  assert.match(await page.locator('.tl-row[data-equipment="L1-EOL"] .seg-nodata').getAttribute("title"), /has not heard from it/);
  const pareto = page.locator('.pareto .bar-row[data-reason="unclassified"]');
  await pareto.waitFor({ timeout: 1000 });
  assert.match(await pareto.textContent(), /1s.*1 stop/);
  await page.close();
});

check("Classify… offers the tree's stop reasons and records the chosen one", async () => {
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/downtime/L1");
  const row = page.locator(`tr[data-stop="${stop1.id}"]`);
  await row.locator('button[data-action="classify"]').click();
  const options = await page.locator("dialog select option").evaluateAll((os) => os.map((o) => [o.value, o.textContent, o.parentElement.label || ""]));
  const values = options.map((o) => o[0]).filter(Boolean);
  assert.deepEqual(values, ["mechanical", "electrical", "setup", "meeting"], "only leaves, never quality");
  assert.deepEqual(options.find((o) => o[0] === "electrical").slice(1), ["Breakdown › Electrical", "Unplanned (breakdowns)"]);
  await page.locator("dialog select").selectOption("electrical");
  await page.locator("dialog textarea").fill("fuse blown");
  await page.locator('dialog button[value="ok"]').click();
  await page.waitForFunction((id) => document.querySelector(`tr[data-stop="${id}"] .stop-reason`)?.textContent.startsWith("Electrical"), stop1.id, { timeout: 3000 });
  const held = (await hubStops()).find((e) => e.id === stop1.id);
  assert.equal(held.reason, "electrical");
  assert.equal(held.category, "unplanned");
  assert.equal(held.classified_by, "sm1");
  assert.equal(held.note, "fuse blown");
  assert.equal(held.needs_reason, false);
  assert.match(await row.textContent(), /fuse blown/);
  assert.doesNotMatch(await row.locator(".flags").textContent(), /needs a reason/);
  await page.locator('.pareto .bar-row[data-reason="Electrical"]').waitFor({ timeout: 1000 });
  assert.equal(await page.locator('.pareto .bar-row[data-reason="unclassified"]').count(), 0);
  await page.close();
});

check("a viewer and an operator of another line see no buttons; an operator of the line does", async () => {
  const viewer = await openPage(makeToken("view1", "viewer"), "#/downtime/L1");
  const other = await openPage(makeToken("op2", "operator", { lines: ["L2"] }), "#/downtime/L1");
  const own = await openPage(makeToken("op1", "operator", { lines: ["L1"] }), "#/downtime/L1");
  for (const p of [viewer, other, own]) await p.locator(`tr[data-stop="${stop1.id}"]`).waitFor({ timeout: 3000 });
  assert.equal(await viewer.locator("tr.stop button").count(), 0, "viewer has buttons");
  assert.equal(await other.locator("tr.stop button").count(), 0, "operator of L2 has buttons on L1");
  assert.equal(await own.locator(`tr[data-stop="${stop1.id}"] button[data-action="classify"]`).count(), 1);
  assert.equal(await own.locator(`tr[data-stop="${stop1.id}"] button[data-action="split"]`).count(), 1);
  for (const p of [viewer, other, own]) await p.close();
});

check("Split… asks for a time inside the stop and cuts it there", async () => {
  const t0 = await makeStop("L1-PRESS2", 3000, "mechanical");
  const [ev] = (await hubStops()).filter((e) => e.equipment === "L1-PRESS2" && e.duration_ms > 0);
  assert.equal(ev.start, t0);
  const page = await openPage(makeToken("op1", "operator", { lines: ["L1"] }), "#/downtime/L1");
  await page.locator(`tr[data-stop="${ev.id}"] button[data-action="split"]`).click();
  const at = page.locator('dialog input[name="at"]');
  // A time outside the stop is refused before anything is sent.
  const outside = new Date(t0 - 60000);
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
  await at.fill(local(outside));
  assert.equal(await at.evaluate((el) => el.checkValidity()), false, "a time before the stop is accepted");
  const cut = Math.ceil((t0 + 1) / 1000) * 1000 + 1000; // a whole second strictly inside
  await at.fill(local(new Date(cut)));
  assert.equal(await at.evaluate((el) => el.checkValidity()), true);
  await page.locator("dialog select").selectOption("setup");
  await page.locator('dialog button[value="ok"]').click();
  await page.waitForFunction(() => document.querySelectorAll('tr[data-stop]').length >= 3, null, { timeout: 3000 });
  const held = (await hubStops()).filter((e) => e.equipment === "L1-PRESS2" && e.duration_ms > 0);
  const before = held.find((e) => e.id !== ev.id);
  const rest = held.find((e) => e.id === ev.id);
  assert.deepEqual([before.start, before.end, before.reason], [t0, cut, "setup"]);
  assert.deepEqual([rest.start, rest.end, rest.reason], [cut, t0 + 3000, null]);
  await page.locator(`tr[data-stop="${before.id}"]`).waitFor({ timeout: 1000 });
  assert.match(await page.locator(`tr[data-stop="${before.id}"] .stop-reason`).textContent(), /Setup and adjustment/);
  await page.close();
});

check("the line view links to its downtime view", async () => {
  const page = await openPage(makeToken("view1", "viewer"), "#/line/L1");
  await page.locator('a[href="#/downtime/L1"]').click();
  await page.locator(".view-downtime h1").getByText("Downtime: Press line 1").waitFor({ timeout: 3000 });
  await page.close();
});

check("screenshot of the downtime view on a 1080p screen", async () => {
  // Every equipment runs, one is down now (an open stop with a reason from
  // the machine), so the timeline shows each kind of bar.
  for (const equipment of ["L1-DEST", "L1-PRESS3", "L1-EOL"]) await write(gateway, { t: "eq.state", equipment, state: "running" });
  await makeStop("L1-PRESS3", 1200, "mechanical");
  await sleep(800);
  await write(gateway, { t: "eq.state", equipment: "L1-DEST", state: "starved" });
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/downtime/L1");
  await page.locator(".tl-row[data-equipment] .seg-stop").first().waitFor({ timeout: 3000 });
  await page.waitForTimeout(2500);
  mkdirSync(ARTEFACT_DIR, { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  if (process.env.FH_UPDATE_SCREENSHOT === "1") copyFileSync(SCREENSHOT, COMMITTED_SCREENSHOT);
  const open = (await hubStops()).find((e) => e.equipment === "L1-DEST" && e.end === null);
  assert.ok(open, "no open stop for L1-DEST");
  assert.match(await page.locator(`tr[data-stop="${open.id}"] .flags`).textContent(), /open/);
  await page.close();
});
