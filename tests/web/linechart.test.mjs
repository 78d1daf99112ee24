// linechart.test.mjs -- the line view's shift chart holds the hub's OEE
// samples (oee.samples), in headless Chromium against the real floorhub
// (run with `node --test`; ctest: web_linechart).
//
// The hub samples each line once a minute of a running shift (the plant
// here has three 8-hour shifts without breaks, so a shift always runs).
// The test waits until the hub has stored its first sample (the first
// minute boundary after start: at most ~65 s), then opens the page: the
// chart must hold exactly the samples the hub has -- taken before the page
// was opened -- which a chart that starts when the page loads cannot.  The
// page writes the times it drew into the chart box's data-samples.
import assert from "node:assert/strict";
import { before, after } from "node:test";
import { Hub, Client, makeToken, launchBrowser, checker, samplePlant } from "./harness.mjs";

let hub, browser, viewer;
const consoleLines = [];

function plant() {
  const p = samplePlant();
  p.timezone = "UTC";
  p.shifts = [
    { name: "early", start: "06:00", end: "14:00" },
    { name: "late", start: "14:00", end: "22:00" },
    { name: "night", start: "22:00", end: "06:00" },
  ];
  return p;
}

// The times of the hub's samples of L1 in the current shift, every page.
async function hubSamples(from) {
  const ts = [];
  let cursor;
  for (;;) {
    const req = { t: "oee.samples", line: "L1", from, to: Date.now() + 60000 };
    const ok = await viewer.request(cursor === undefined ? req : { ...req, cursor });
    assert.equal(ok.t, "ok", JSON.stringify(ok));
    ts.push(...ok.samples.map((s) => s.t));
    if (ok.cursor === undefined || ok.cursor === null) return ts;
    cursor = ok.cursor;
  }
}

async function until(what, fn, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

before(async () => {
  hub = await new Hub({ plant: plant() }).start();
  browser = await launchBrowser();
  viewer = await Client.open(hub, makeToken("v1", "viewer"));
});

after(async () => {
  viewer?.close();
  await browser?.close();
  await hub?.cleanup();
});

const check = checker(() => hub, consoleLines);

check("the shift chart holds the samples the hub took before the page opened", async () => {
  const gw = await Client.open(hub, makeToken("gw1", "gateway"));
  assert.equal((await gw.request({ t: "eq.state", key: "s1", equipment: "L1-PRESS1", state: "running" })).t, "ok");
  gw.close();
  const shiftStart = Date.now() - 8 * 3600 * 1000; // before the current shift's start
  const first = await until("the hub's first sample", async () => (await hubSamples(shiftStart)).length > 0, 75000);
  assert.ok(first);
  const page = await browser.context.newPage();
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  await page.goto(`${hub.http}/?token=${encodeURIComponent(makeToken("v2", "viewer"))}#/line/L1`);
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  const box = page.locator(".spark-box");
  // the page's samples and the hub's, read after the page's (a minute may
  // turn in between: then the next round compares again)
  let last = "";
  await until("the chart to hold the hub's samples", async () => {
    const drawn = (await box.getAttribute("data-samples")) || "";
    const want = (await hubSamples(shiftStart)).join(",");
    last = `page [${drawn}], hub [${want}]`;
    return drawn !== "" && drawn === want;
  }, 15000).catch((e) => assert.fail(`${e.message}: ${last}\n${consoleLines.join("\n")}`));
  assert.ok(await page.locator(".spark-box svg.sparkline path.spark-line").count(), "no line drawn");
  await page.close();
});
