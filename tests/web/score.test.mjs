// score.test.mjs -- the dashboard's scoreboard in headless Chromium against
// the real floorhub (run with `node --test`; ctest: web_score): the
// full-screen #/score/L1 for a TV at the line, the board's tiles (actual
// against expected) and the line view (the run and the hourly table).
//
// The plant is the sample plant in UTC with shift "day" from 90 minutes
// ago to 90 minutes ahead (no breaks) and a plan of 900 pieces on L1, so
// about 450 are expected by now; a gateway starts run 1 of BRK-100 (order
// WO-7, 50 pieces) and counts 5 good at L1's output.  Every figure on the
// page is checked against the hub's oee/L1 on a fresh subscription.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { Hub, Client, makeToken, launchBrowser, samplePlant, checker } from "./harness.mjs";

const hhmm = (ms) => new Date(ms).toISOString().slice(11, 16);
const minute = Math.floor(Date.now() / 60000) * 60000;

function scorePlant() {
  const p = samplePlant();
  p.timezone = "UTC";
  p.shifts = [{ name: "day", start: hhmm(minute - 90 * 60000), end: hhmm(minute + 90 * 60000) }];
  return p;
}

let hub, browser;
let nkey = 0;
const consoleLines = [];
const check = checker(() => hub, consoleLines);
const write = (c, msg) => c.request({ ...msg, key: `score-web-${++nkey}` });

async function hubBoard() {
  const c = await Client.open(hub, makeToken("reader", "viewer"));
  try {
    await c.request({ t: "sub", topics: ["oee/L1"] });
    return (await c.next((m) => m.t === "snap" && m.topic === "oee/L1")).data;
  } finally {
    c.close();
  }
}

async function openPage(hash) {
  const page = await browser.context.newPage();
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  const token = makeToken("tv1", "viewer");
  await page.goto(`${hub.http}/?token=${encodeURIComponent(token)}${hash}`);
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  return page;
}

before(async () => {
  hub = await new Hub({ plant: scorePlant() }).start();
  browser = await launchBrowser();
  const sm = await Client.open(hub, makeToken("sm1", "shift_manager"));
  await write(sm, { t: "plan.set", line: "L1", target_qty: 900 });
  sm.close();
  const gw = await Client.open(hub, makeToken("gw1", "gateway"));
  await write(gw, { t: "run.start", line: "L1", product: "BRK-100", order: "WO-7", target_qty: 50 });
  await write(gw, { t: "eq.count", equipment: "L1-EOL", good: 5, reject: 0 });
  gw.close();
});

after(async () => {
  await browser?.close();
  await hub?.cleanup();
});

check("the full-screen scoreboard shows target so far, actual, variance, words, run, hours", async () => {
  const page = await openPage("#/score/L1");
  await page.waitForFunction(() => document.querySelector(".big-actual .big-value")?.textContent === "5", null, { timeout: 5000 });
  const expected = Number(await page.locator(".big-expected .big-value").textContent());
  const variance = Number(await page.locator(".big-variance .big-value").textContent());
  assert.equal(expected + variance, 5);
  const board = await hubBoard();
  assert.ok(Math.abs(board.expected_now - expected) <= 1, `${board.expected_now} vs ${expected}`);
  assert.equal(await page.locator(".score-words").textContent(), `BEHIND by ${-variance}`);
  assert.equal(await page.locator(".score-words").getAttribute("data-pace"), "behind");
  assert.equal(await page.locator(".score-target").textContent(), "Shift target 900 (plan)");
  const run = await page.locator(".run").textContent();
  assert.match(run, /^Run 1 · BRK-100 · order WO-7 · 5 \/ 50/);
  assert.equal(await page.locator("table.hourly tbody tr").count(), board.hourly.length);
  const last = board.hourly[board.hourly.length - 1];
  const cells = await page.locator(`tr[data-hour="${last.hour_start}"] td`).allTextContents();
  assert.deepEqual(cells.slice(1, 4), [String(last.target), "5", "0"]);
  assert.equal(await page.locator("header").isVisible(), false); // the TV shows no bar
  await page.close();
});

check("the board's tile shows actual against expected; the line view the run and the hours", async () => {
  const page = await openPage("#/board");
  const pace = page.locator('.tile[data-line="L1"] .pace');
  await pace.waitFor({ timeout: 5000 });
  assert.match(await pace.textContent(), /^Actual 5 \/ expected \d+BEHIND by \d+$/);
  assert.equal(await page.locator("header").isVisible(), true);
  await page.goto(`${hub.http}/${"#/line/L1"}`);
  await page.locator(".line-score .run").waitFor({ timeout: 5000 });
  assert.match(await page.locator(".line-score .run").textContent(), /^Run 1 · BRK-100/);
  assert.ok((await page.locator(".line-score table.hourly tbody tr").count()) >= 1);
  await page.close();
});
