// handover.test.mjs -- the shift handover in the dashboard, in headless
// Chromium against the real floorhub (run with `node --test`; ctest:
// web_handover).
//
// A note and an open andon are written on L1 by protocol clients, then
// the shift closes: the hub restarts with a plant whose current shift is
// another one (it closes the stale shift at start, as the Python e2e tests
// do).  The board's L1 tile then says "handover not acknowledged"; the line
// view shows the handover (the note, the open andon, the OEE) with "Take
// over shift"; a viewer's page shows the panel without the button.  The
// click sends handover.ack: the hub's shift.report records the shift
// manager, and the panel and the tile's flag go away.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Hub, Client, makeToken, launchBrowser, samplePlant, checker } from "./harness.mjs";

const hhmm = (ms) => new Date(ms).toISOString().slice(11, 16);
const START = Math.floor(Date.now() / 60000) * 60000 - 10 * 60000;

function plant(name, start) {
  const p = samplePlant();
  p.timezone = "UTC";
  p.shifts = [{ name, start: hhmm(start), end: hhmm(start + 60 * 60000) }];
  return p;
}

let hub, browser;
let nkey = 0;
const consoleLines = [];
const check = checker(() => hub, consoleLines);
const write = (c, msg) => c.request({ ...msg, key: `ho-web-${++nkey}` });

async function openPage(token, hash) {
  const page = await browser.context.newPage();
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(`${hub.http}/?token=${encodeURIComponent(token)}${hash}`);
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  return page;
}

async function report() {
  const c = await Client.open(hub, makeToken("reader", "viewer"));
  try {
    return await c.request({ t: "shift.report", line: "L1", shift_start: START });
  } finally {
    c.close();
  }
}

before(async () => {
  hub = await new Hub({ plant: plant("first", START) }).start();
  const op = await Client.open(hub, makeToken("op-anna", "operator"));
  await write(op, { t: "handover.note", line: "L1", text: "die of press 2 worn" });
  await write(op, { t: "andon.raise", line: "L1", kind: "material" });
  op.close();
  await hub.stop();
  writeFileSync(hub.plantFile, JSON.stringify(plant("second", START + 5 * 60000)));
  await hub.start();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await hub?.cleanup();
});

check("the board's tile says handover not acknowledged", async () => {
  const page = await openPage(makeToken("wall", "viewer"), "#/");
  const flag = page.locator('.tile[data-line="L1"] .tile-handover');
  await flag.waitFor({ timeout: 3000 });
  assert.equal(await flag.textContent(), "handover not acknowledged");
  await page.close();
});

check("a viewer sees the handover without the button", async () => {
  const page = await openPage(makeToken("wall2", "viewer"), "#/line/L1");
  const panel = page.locator(".handover");
  await panel.waitFor({ timeout: 3000 });
  assert.match(await panel.textContent(), /Handover not acknowledged/);
  assert.equal(await page.locator('[data-action="handover-ack"]').count(), 0);
  await page.close();
});

check("the shift manager takes the shift over from the line view", async () => {
  const page = await openPage(makeToken("sm-eva", "shift_manager"), "#/line/L1");
  const panel = page.locator(".handover");
  await panel.waitFor({ timeout: 3000 });
  const text = await panel.textContent();
  assert.match(text, /shift first/);
  assert.match(text, /Notes \(1\)/);
  assert.match(text, /die of press 2 worn/);
  assert.match(text, /op-anna/);
  assert.match(text, /Open andons \(1\)/);
  assert.match(text, /material \(raised\)/);
  assert.equal(Number(await page.locator(".handover").getAttribute("data-shift-start")), START);
  await page.click('[data-action="handover-ack"]');
  await page.locator(".toast.ok", { hasText: "taken over" }).waitFor({ timeout: 3000 });
  await page.locator(".handover").waitFor({ state: "detached", timeout: 3000 });
  const rep = await report();
  assert.equal(rep.handover.acked_by, "sm-eva");
  await page.goto(`${hub.http}/#/`);
  await page.locator('.tile[data-line="L1"]').waitFor({ timeout: 3000 });
  assert.equal(await page.locator('.tile[data-line="L1"] .tile-handover').count(), 0);
  assert.equal(await page.locator('.tile[data-line="L2"] .tile-handover').count(), 1);
  await page.close();
});
