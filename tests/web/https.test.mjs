// https.test.mjs -- the dashboard over https and wss in headless Chromium
// (run with `node --test`; ctest: web_https).
//
// A test CA and a certificate for localhost/127.0.0.1 are made with the
// openssl command in a temp dir; the hub serves the dashboard with TLS.
// Chromium trusts exactly that certificate's key (--ignore-certificate-
// errors-spki-list pins its SPKI hash: no CA is installed anywhere); a
// second Chromium without the pin must refuse the page, so the browser
// really checks.  The page must connect over wss://, show the plant, and
// the document must carry HSTS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, execSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hub, makeToken, launchBrowser } from "./harness.mjs";

let dir, hub, browser, strict;

function openssl(...args) {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "fh-web-tls-"));
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=web test CA");
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "hub.key", "-out", "hub.csr", "-subj", "/CN=localhost");
  writeFileSync(join(dir, "ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", "hub.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
    "-out", "hub.pem", "-days", "1", "-extfile", "ext");
  chmodSync(join(dir, "hub.key"), 0o600);
  const spki = execSync("openssl pkey -in hub.key -pubout -outform der | openssl dgst -sha256 -binary | base64",
    { cwd: dir }).toString().trim();
  hub = await new Hub({ tls: true, args: ["--tls-cert", join(dir, "hub.pem"), "--tls-key", join(dir, "hub.key")] }).start();
  browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${spki}`]);
  strict = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await strict?.close();
  await hub?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("the dashboard works over https and wss", async () => {
  const page = await browser.context.newPage();
  const wsUrls = [];
  page.on("websocket", (ws) => wsUrls.push(ws.url()));
  try {
    const resp = await page.goto(`${hub.http}/?token=${encodeURIComponent(makeToken("sm1", "shift_manager"))}#/board`);
    assert.equal(resp.status(), 200);
    assert.equal(resp.headers()["strict-transport-security"], "max-age=31536000");
    await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
    await page.getByText("Press line 1", { exact: true }).waitFor({ timeout: 3000 });
    assert.ok(wsUrls.length > 0, "no WebSocket seen");
    for (const url of wsUrls) assert.ok(url.startsWith(`wss://127.0.0.1:${hub.port}/ws`), url);
  } catch (e) {
    console.log(`--- floorhub stderr ---\n${hub.stderr()}\n--- end ---`);
    throw e;
  } finally {
    await page.close();
  }
});

test("Chromium without the pin refuses the hub's certificate", async () => {
  const page = await strict.context.newPage();
  try {
    await assert.rejects(page.goto(`${hub.http}/`), /ERR_CERT_AUTHORITY_INVALID/);
  } finally {
    await page.close();
  }
});
