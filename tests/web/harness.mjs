// harness.mjs -- what the browser tests need around the page: the real
// floorhub on a free port, HS256 tokens, a protocol client, and headless
// Chromium, and tests that print the hub's stderr when they fail.
//
// Design: the hub (the sample plant, or a plant object the test made from
// it) is started with --listen 127.0.0.1:0 and --port-file,
// so the kernel picks a free port and nothing races for it; the harness
// polls the port file and then the port itself, and keeps the hub's
// stderr in a file that the tests print when they fail.  Tokens are
// signed here with node's crypto (HS256, the same secret the hub reads),
// and the client speaks the wire protocol with the npm packages of
// hub/web (ws, @msgpack/msgpack), which are resolved from there because
// this directory has no node_modules of its own.  Chromium is Debian's
// /usr/bin/chromium driven by playwright-core, with a fresh profile.
//
// Paths come from the environment that ctest sets: FLOORHUB_BIN,
// FH_WEB_ROOT, FH_SOURCE_DIR, FH_ARTEFACT_DIR.
import { test } from "node:test";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = process.env.FH_SOURCE_DIR || resolve(here, "..", "..");
export const FLOORHUB = process.env.FLOORHUB_BIN || "floorhub";
export const WEB_ROOT = process.env.FH_WEB_ROOT || join(SOURCE_DIR, "build", "web");
export const SAMPLE_PLANT = join(SOURCE_DIR, "hub", "plants", "sample.json");
const SECRET = "web-test-secret-0123456789abcdef0123456789"; // test-only HS256 key

const webRequire = createRequire(join(SOURCE_DIR, "hub", "web", "package.json"));
const WebSocket = webRequire("ws");
const { encode, decodeMulti } = webRequire("@msgpack/msgpack");
export const { chromium } = webRequire("playwright-core");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function b64url(x) {
  return Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");
}

// An HS256 JWT the test hub accepts.
export function makeToken(sub, role, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ sub, role, iat: now, exp: now + 3600, ...extra })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

function canConnect(port) {
  return new Promise((res) => {
    const s = tcpConnect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), res(true)));
    s.once("error", () => res(false));
  });
}

// The sample plant as an object, to change and give to new Hub({ plant }).
export function samplePlant() {
  return JSON.parse(readFileSync(SAMPLE_PLANT, "utf8"));
}

// The real floorhub with a private store; start() again after stop()
// restarts it on the same port with the same store.  plant (an object) is
// written to the hub's temp directory and used instead of the sample.
export class Hub {
  // args: more command-line options (e.g. --tls-cert ...); tls: the hub
  // listens with TLS, so http is an https:// address; plant: a plant object
  // instead of the sample plant.
  constructor({ args = [], tls = false, plant = null } = {}) {
    this.args = args;
    this.tls = tls;
    this.tmp = mkdtempSync(join(tmpdir(), "fh-web-"));
    this.keyFile = join(this.tmp, "jwt.key");
    this.stderrPath = join(this.tmp, "stderr.log");
    this.plantFile = SAMPLE_PLANT; // the plant file the hub reads
    writeFileSync(this.keyFile, `${SECRET}\n`);
    if (plant) {
      this.plantFile = join(this.tmp, "plant.json");
      writeFileSync(this.plantFile, JSON.stringify(plant));
    }
    this.port = 0; // 0 until the first start has bound one
    this.proc = null; // the running child, or null
  }

  async start(timeoutMs = 10000) {
    const portFile = join(this.tmp, "port");
    rmSync(portFile, { force: true });
    const args = ["--listen", `127.0.0.1:${this.port}`, "--port-file", portFile, "--data", join(this.tmp, "data"),
      "--plant", this.plantFile, "--jwt-key-file", this.keyFile, "--web-root", WEB_ROOT, "--log-level", "debug",
      ...this.args];
    const err = openSync(this.stderrPath, "a");
    this.proc = spawn(FLOORHUB, args, { stdio: ["ignore", "ignore", err] });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`floorhub exited with ${this.proc.exitCode}:\n${this.stderr()}`);
      if (existsSync(portFile)) {
        const port = Number(readFileSync(portFile, "utf8").split("\n")[0]); // line 2: --listen-plain
        if (port && (await canConnect(port))) {
          this.port = port;
          return this;
        }
      }
      await sleep(20);
    }
    throw new Error(`floorhub did not listen within ${timeoutMs} ms:\n${this.stderr()}`);
  }

  async stop() {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once("exit", r));
    p.kill("SIGTERM");
    await Promise.race([exited, sleep(5000)]);
    if (p.exitCode === null) p.kill("SIGKILL");
  }

  get http() {
    return `${this.tls ? "https" : "http"}://127.0.0.1:${this.port}`;
  }

  stderr() {
    try {
      return readFileSync(this.stderrPath, "utf8");
    } catch {
      return "";
    }
  }

  async cleanup() {
    await this.stop();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}

// One protocol session: every map of every frame is queued; request()
// sends with a fresh id and resolves with the reply of that id (an err
// reply rejects), other messages stay queued for next().
export class Client {
  static async open(hub, token) {
    const c = new Client();
    c.ws = new WebSocket(`ws://127.0.0.1:${hub.port}/ws`, "floorhub.v1");
    c.queue = [];
    c.waiters = [];
    c.nextId = 1;
    c.ws.on("message", (data) => {
      for (const m of decodeMulti(data)) c.queue.push(m);
      c.waiters.splice(0).forEach((w) => w());
    });
    await new Promise((res, rej) => (c.ws.once("open", res), c.ws.once("error", rej)));
    c.welcome = await c.request({ t: "hello", token, client: "web-test" });
    return c;
  }

  async next(pred, timeoutMs = 3000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex(pred);
      if (i >= 0) return this.queue.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message; last queued: ${JSON.stringify(this.queue.slice(-3))}`);
      await Promise.race([new Promise((r) => this.waiters.push(r)), sleep(left)]);
    }
  }

  async request(msg) {
    const id = this.nextId++;
    this.ws.send(encode({ ...msg, id }));
    const reply = await this.next((m) => m.id === id && ["ok", "err", "pong", "welcome"].includes(m.t));
    if (reply.t === "err") throw new Error(`${msg.t}: err ${reply.code}: ${reply.msg}`);
    return reply;
  }

  close() {
    this.ws.close();
  }
}

// Headless Chromium with a fresh profile (and more command-line args);
// close() removes the profile.
export async function launchBrowser(extraArgs = []) {
  const profile = mkdtempSync(join(tmpdir(), "fh-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", ...extraArgs],
    viewport: { width: 1920, height: 1080 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A node:test test that prints the hub's stderr and the pages' console
// lines when it fails: check = checker(() => hub, consoleLines).
export function checker(hubOf, consoleLines) {
  return (name, fn) =>
    test(name, async () => {
      try {
        await fn();
      } catch (e) {
        console.log(`--- floorhub stderr ---\n${hubOf()?.stderr() ?? ""}\n--- page console ---\n${consoleLines.join("\n")}\n--- end ---`);
        throw e;
      }
    });
}
