// signin.test.mjs -- signing in to the dashboard with a user and password,
// and signing out, in headless Chromium against the real floorhub (run
// with `node --test`; ctest: web_signin).
//
// The user is made with the real `floorctl user add ... --password-stdin`
// in the hub's store.  The page's form gets a wrong password (the error
// shows, nothing is kept), then the right one: the page keeps the hub's
// session token in sessionStorage, connects, and shows the person and the
// board.  A protocol client holding the same token is open when "Sign
// out" is clicked: the hub closes it (4001 "token revoked") and refuses
// the token afterwards.  A pasted token still signs in.  The hub's log
// never holds the password or the token.
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Hub, Client, makeToken, launchBrowser, checker } from "./harness.mjs";

const FLOORCTL = process.env.FLOORCTL_BIN || "floorctl";
const PASSWORD = "web sign-in pass 9137";

let hub, browser, page;
const consoleLines = [];
const urls = [];

function floorctlUser(...args) {
  const input = args.includes("--password-stdin") ? `${PASSWORD}\n` : "";
  const out = spawnSync(FLOORCTL, ["user", args[0], "--data", join(hub.tmp, "data"), ...args.slice(1)],
    { input, encoding: "utf8", timeout: 20000 });
  assert.equal(out.status, 0, out.stderr);
}

before(async () => {
  hub = await new Hub({ args: ["--session-ttl", "1h"] }).start();
  floorctlUser("add", "--id", "ana", "--name", "Ana Kovac", "--role", "shift_manager");
  floorctlUser("set", "--id", "ana", "--password-stdin");
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  page.on("websocket", (ws) => urls.push(ws.url()));
  page.on("request", (r) => urls.push(r.url()));
});

after(async () => {
  await browser?.close();
  await hub?.cleanup();
});

const check = checker(() => hub, consoleLines);
const stored = () => page.evaluate(() => sessionStorage.getItem("floorhub.token"));

check("a wrong password shows the error and keeps nothing", async () => {
  await page.goto(`${hub.http}/#/board`);
  await page.waitForSelector("#password-form");
  assert.equal(await page.getAttribute("#password", "type"), "password");
  await page.fill("#user", "ana");
  await page.fill("#password", "not it");
  await page.click('#password-form button[type="submit"]');
  await page.waitForSelector("#sign-in-error:not([hidden])");
  assert.equal(await page.textContent("#sign-in-error"), "Wrong user or password.");
  assert.equal(await stored(), null);
  assert.equal(await page.inputValue("#password"), "", "the password field is cleared");
});

let token;

check("user and password sign in: the session token in sessionStorage, the board shown", async () => {
  await page.fill("#user", "ana");
  await page.fill("#password", PASSWORD);
  await page.click('#password-form button[type="submit"]');
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  assert.equal(await page.textContent("#who"), "ana (shift manager)");
  await page.waitForSelector("text=Press line 1");
  token = await stored();
  assert.ok(token, "no token in sessionStorage");
  const [head, body] = token.split(".").slice(0, 2).map((s) => JSON.parse(Buffer.from(s, "base64url")));
  assert.equal(head.kid, "floorhub-session");
  assert.equal(body.sub, "ana");
  assert.ok(body.exp - body.iat === 3600, `--session-ttl 1h: ${body.exp - body.iat}`);
  for (const u of urls) assert.ok(!u.includes(token) && !u.includes("pass"), `a secret in a URL: ${u}`);
});

check("Sign out revokes the token: an open session is closed, the token refused", async () => {
  const other = await Client.open(hub, token);
  assert.equal(other.welcome.user, "ana");
  const closed = new Promise((r) => other.ws.once("close", (code, reason) => r([code, String(reason)])));
  await page.click("#sign-out");
  await page.waitForSelector("#password-form");
  assert.equal(await stored(), null);
  assert.deepEqual(await closed, [4001, "token revoked"]);
  await assert.rejects(Client.open(hub, token), /unauthorized: token rejected: revoked/);
});

check("a pasted token still signs in", async () => {
  await page.fill("#token", makeToken("mgr1", "production_manager"));
  await page.click('#token-form button[type="submit"]');
  await page.waitForSelector('body[data-conn="open"]', { timeout: 5000 });
  assert.equal(await page.textContent("#who"), "mgr1 (production manager)");
  // its sign-out has nothing to revoke (no jti) and still signs out
  await page.click("#sign-out");
  await page.waitForSelector("#password-form");
  assert.equal(await stored(), null);
});

check("neither the password nor the token is in the hub's log", async () => {
  const log = hub.stderr();
  assert.ok(log.includes("ana signed in to the dashboard"), "the sign-in is logged");
  assert.ok(!log.includes(PASSWORD), "the password in the log");
  assert.ok(!log.includes(token) && !log.includes(token.split(".")[2]), "the token in the log");
});
