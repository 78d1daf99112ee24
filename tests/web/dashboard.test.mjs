// dashboard.test.mjs -- the dashboard in headless Chromium against the real
// floorhub (run with `node --test`; ctest: web_dashboard).
//
// One hub serves the whole file (the tests build on each other's andons,
// in order).  Protocol clients raise andons and read the hub's state back,
// so every check of the page is compared with what the hub holds, not
// with what the page believes.  When a test fails the hub's stderr and
// the page's console are printed.  The last test takes the screenshot into
// FH_ARTEFACT_DIR (the build tree); with FH_UPDATE_SCREENSHOT=1 it also
// replaces the committed tests/web/dashboard.png that README shows.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Hub, Client, makeToken, launchBrowser, checker, SOURCE_DIR } from "./harness.mjs";

const SAMPLE_LINES = ["Press line 1", "Body welding and assembly", "Packaging line"];
const ARTEFACT_DIR = process.env.FH_ARTEFACT_DIR || join(SOURCE_DIR, "build", "web-artefacts");
const SCREENSHOT = join(ARTEFACT_DIR, "dashboard.png");
const COMMITTED_SCREENSHOT = join(SOURCE_DIR, "tests", "web", "dashboard.png");

let hub, browser, operator, gateway;
const consoleLines = [];
const wsUrls = [];

async function openPage(token, hash = "#/board", viewport) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  page.on("websocket", (ws) => wsUrls.push(ws.url()));
  await page.goto(`${hub.http}/?token=${encodeURIComponent(token)}${hash}`);
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  return page;
}

async function raise(equipment, kind, note) {
  const line = equipment.split("-")[0];
  const ok = await operator.request({ t: "andon.raise", key: `web-${Date.now()}-${Math.random()}`, line, equipment, kind, note });
  return ok.andon;
}

// The andon as the hub holds it, read with a fresh subscription.
async function hubAndon(id) {
  await operator.request({ t: "sub", topics: ["andon"] });
  const snap = await operator.next((m) => m.t === "snap" && m.topic === "andon");
  await operator.request({ t: "unsub", topics: ["andon"] });
  return snap.data.andons.find((a) => a.id === id);
}

before(async () => {
  hub = await new Hub().start();
  browser = await launchBrowser();
  operator = await Client.open(hub, makeToken("op1", "operator"));
  gateway = await Client.open(hub, makeToken("gw1", "gateway"));
});

after(async () => {
  operator?.close();
  gateway?.close();
  await browser?.close();
  await hub?.cleanup();
});

const check = checker(() => hub, consoleLines);

check("the board shows the sample plant's lines, and the token leaves the address bar", async () => {
  const page = await openPage(makeToken("sm1", "shift_manager"));
  for (const name of SAMPLE_LINES) await page.getByText(name, { exact: true }).waitFor({ timeout: 3000 });
  assert.equal(await page.locator(".tile").count(), SAMPLE_LINES.length);
  assert.ok(!page.url().includes("token"), `token still in the address: ${page.url()}`);
  assert.ok(await page.evaluate(() => sessionStorage.getItem("floorhub.token")), "token not kept in sessionStorage");
  for (const url of wsUrls) assert.ok(!url.includes("token") && url.endsWith("/ws"), `token in WebSocket URL ${url}`);
  assert.ok(wsUrls.length > 0, "no WebSocket seen");
  await page.close();
});

check("an andon raised by a client appears within 1 s, and acknowledge acknowledges it", async () => {
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/andons");
  const andon = await raise("L1-PRESS1", "material", "bin empty");
  const t0 = Date.now();
  const row = page.locator(`tr[data-andon="${andon.id}"]`);
  await row.waitFor({ timeout: 1000 });
  const elapsed = Date.now() - t0;
  assert.ok(elapsed < 1000, `andon shown after ${elapsed} ms`);
  assert.equal(await row.locator(".andon-state").textContent(), "raised");

  await row.locator('button[data-action="ack"]').click();
  await page.waitForFunction((id) => document.querySelector(`tr[data-andon="${id}"] .andon-state`)?.textContent === "acknowledged", andon.id, { timeout: 3000 });
  const held = await hubAndon(andon.id);
  assert.equal(held.state, "acknowledged");
  assert.equal(held.acked_by, "sm1");
  assert.equal(await row.locator(".acked-by").textContent(), "sm1");
  assert.equal(await row.locator('button[data-action="ack"]').count(), 0, "ack button still shown after the ack");
  await page.close();
});

check("a viewer sees the andon but no buttons; a maintenance user sees acknowledge", async () => {
  const andon = await raise("L2-WELD1", "maintenance", null);
  const viewer = await openPage(makeToken("view1", "viewer"), "#/andons");
  const maint = await openPage(makeToken("mt1", "maintenance"), "#/andons");
  const vrow = viewer.locator(`tr[data-andon="${andon.id}"]`);
  const mrow = maint.locator(`tr[data-andon="${andon.id}"]`);
  await vrow.waitFor({ timeout: 3000 });
  await mrow.waitFor({ timeout: 3000 });
  assert.equal(await vrow.locator("button").count(), 0, "viewer has buttons");
  assert.equal(await mrow.locator('button[data-action="ack"]').count(), 1, "maintenance has no ack button");
  assert.equal(await mrow.locator('button[data-action="cancel"]').count(), 0, "maintenance may not cancel another's andon");
  await viewer.close();
  await maint.close();
});

check("resolve asks for a reason from the plant's list and resolves", async () => {
  const andon = await raise("L3-CAP", "quality", null);
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/andons");
  const row = page.locator(`tr[data-andon="${andon.id}"]`);
  await row.locator('button[data-action="resolve"]').click();
  const reasons = await page.locator("dialog select option").allTextContents();
  assert.ok(reasons.includes("quality defect") && reasons.includes("material shortage"), `reasons: ${reasons}`);
  await page.locator("dialog select").selectOption("quality_defect");
  await page.locator("dialog textarea").fill("resorted the caps");
  await page.locator('dialog button[value="ok"]').click();
  await row.waitFor({ state: "detached", timeout: 3000 }); // gone from the open list
  const held = await hubAndon(andon.id);
  assert.equal(held.state, "resolved");
  assert.equal(held.reason, "quality_defect");
  assert.equal(held.resolved_by, "sm1");
  await page.close();
});

check("line detail shows equipment with state and time in state, and the OEE sparkline", async () => {
  await gateway.request({ t: "eq.state", key: `st-${Date.now()}`, equipment: "L1-PRESS2", state: "down", reason: "tooling" });
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/line/L1");
  const row = page.locator('tr[data-equipment="L1-PRESS2"]');
  await row.waitFor({ timeout: 3000 });
  assert.match(await row.textContent(), /Down/);
  assert.match(await row.textContent(), /tooling/);
  assert.match(await row.locator(".age").textContent(), /^\d+s$/);
  assert.equal(await page.locator('tr[data-equipment^="L1-"]').count(), 5);
  await page.locator("svg.sparkline").waitFor({ timeout: 3000 });
  await page.close();
});

check("the shift report asks the hub and says when there is no closed shift", async () => {
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/report/L2");
  assert.equal(await page.locator("select[name=line]").inputValue(), "L2");
  await page.locator('form.report-form button[type="submit"]').click();
  // A new store has no closed shift: the hub answers not_found.
  await page.getByText("No such closed shift for this line yet.").waitFor({ timeout: 3000 });
  await page.close();
});

check("after the hub restarts the page shows the banner, reconnects and shows the stored andons", async () => {
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/andons");
  const andon = await raise("L3-FILL", "help", "restart test");
  await page.locator(`tr[data-andon="${andon.id}"]`).waitFor({ timeout: 3000 });
  const epochBefore = operator.welcome.epoch;
  await hub.stop();
  await page.locator("#banner").waitFor({ state: "visible", timeout: 5000 });
  await hub.start();
  await page.locator("#banner").waitFor({ state: "hidden", timeout: 15000 });
  operator.close();
  operator = await Client.open(hub, makeToken("op1", "operator"));
  assert.notEqual(operator.welcome.epoch, epochBefore, "the hub kept its epoch across a restart");
  await page.locator(`tr[data-andon="${andon.id}"]`).waitFor({ timeout: 3000 });
  // The fresh snapshot after the epoch change shows later changes too.
  const later = await raise("L3-LABEL", "material", null);
  await page.locator(`tr[data-andon="${later.id}"]`).waitFor({ timeout: 1000 });
  await page.close();
});

check("a 10-inch tablet in portrait gets the board without sideways scrolling", async () => {
  const page = await openPage(makeToken("view1", "viewer"), "#/board", { width: 800, height: 1280 });
  await page.locator(".tile").first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `board is ${overflow}px wider than the screen`);
  await page.close();
});

check("screenshot of the board on a 1080p wall screen", async () => {
  const states = { "L1-DEST": "running", "L1-PRESS1": "running", "L1-PRESS3": "running", "L1-EOL": "running",
    "L2-LOAD": "running", "L2-WELD1": "running", "L2-WELD2": "starved", "L2-STUD": "running", "L2-SEAL": "running", "L2-INSP": "running",
    "L3-FILL": "running", "L3-CAP": "running", "L3-LABEL": "running", "L3-CASE": "running", "L3-PALLET": "running" };
  gateway.close(); // a fresh session: the hub restarted in the test before
  gateway = await Client.open(hub, makeToken("gw1", "gateway"));
  for (const [equipment, state] of Object.entries(states))
    await gateway.request({ t: "eq.state", key: `shot-${equipment}`, equipment, state });
  const page = await openPage(makeToken("sm1", "shift_manager"), "#/board");
  await page.locator(".tile").nth(2).waitFor();
  await page.waitForTimeout(1500); // counts need some run time for a realistic OEE
  for (const [equipment, good] of [["L1-EOL", 1], ["L2-INSP", 1], ["L3-PALLET", 1]])
    await gateway.request({ t: "eq.count", key: `shot-count-${equipment}`, equipment, good, reject: 0 });
  await page.waitForTimeout(1200);
  mkdirSync(ARTEFACT_DIR, { recursive: true });
  await page.screenshot({ path: SCREENSHOT });
  if (process.env.FH_UPDATE_SCREENSHOT === "1") copyFileSync(SCREENSHOT, COMMITTED_SCREENSHOT);
  assert.equal(await page.locator(".tile").count(), SAMPLE_LINES.length);
  await page.close();
});
