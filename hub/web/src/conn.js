// conn.js -- the dashboard's connection to the hub (protocol/PROTOCOL.md).
//
// Design: one WebSocket at a time on ws(s)://<page host>/ws with the
// subprotocol floorhub.v1; every binary message is decoded as msgpack maps
// back to back (decodeMulti), never as one map.  After each open the
// connection sends hello (the token travels only here, never in a URL) and,
// once welcomed, subscribes to every wanted topic, 64 per sub.  The last
// seq of each topic is kept: a reconnect subscribes with since + epoch, so
// the hub replays what was missed; a different epoch (in welcome or a snap)
// drops everything held (onReset) and subscribes afresh, and a seq gap
// subscribes that one topic again for a fresh snap.
//
// Requests carry ids and resolve with the hub's reply (ok/pong/welcome) or
// reject with a HubError (err).  Writes carry an idempotency key and stay
// queued across reconnects: they are resent with the same key after the
// next welcome, and the hub answers a repeat from its store (replay).
// Reconnects back off from 0.5 s to 30 s with jitter.  Close 4001 means the
// token is no good: the connection stops and reports "unauthorized".  An
// application ping every 15 s notices a dead link a plain socket would not.
import { decodeMulti, encode } from "@msgpack/msgpack";

const SUBPROTOCOL = "floorhub.v1";
const TOPICS_PER_SUB = 64;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30000;
const REQUEST_TIMEOUT_MS = 10000;
const WRITE_TIMEOUT_MS = 30000;
const PING_EVERY_MS = 15000;
const CLOSE_UNAUTHENTICATED = 4001;

// An `err` reply: code and key are for programs, message for people.
export class HubError extends Error {
  constructor(code, msg, key) {
    super(msg || code);
    this.code = code; // "forbidden", "conflict", ... or "timeout"/"disconnected"
    this.key = key || null; // offending request key, if the hub named one
  }
}

// A v4 UUID for idempotency keys.  crypto.randomUUID exists only in secure
// contexts (https or localhost); a wall screen on http://hub:7600 is not
// one, so fall back to getRandomValues, which exists everywhere.
export function newKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === "function")
    return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function hubUrl(loc) {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/ws`;
}

export class HubConn {
  // opts: url, token, client (name sent in hello), and the callbacks
  // onMessage(map) for snap/upd, onWelcome(welcome), onReset() when the
  // epoch changed, onStatus(status, detail) with status one of
  // "connecting", "open", "down" (detail: ms until the retry),
  // "unauthorized" (detail: the hub's reason).
  constructor(opts) {
    this.opts = opts;
    this.ws = null; // the current socket, or null
    this.open = false; // welcomed on the current socket
    this.stopped = false; // stop() was called or the token was refused
    this.topics = new Set(); // topics wanted, in subscription order
    this.seqs = new Map(); // topic -> last seq applied
    this.epoch = null; // epoch the seqs belong to
    this.session = null; // session of the last welcome, sent as resume
    this.nextId = 1; // id of the next request
    this.pending = new Map(); // id -> {msg, resolve, reject, timer, write}
    this.backoff = BACKOFF_MIN_MS; // delay before the next reconnect
    this.retryTimer = null; // pending reconnect
    this.pingTimer = null; // application heartbeat
    this.clockSkew = 0; // hub time - local time, ms
    this.refusal = null; // the hub's reason for refusing the token
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws) this.ws.close(1000, "bye");
    this.ws = null;
    this.failPending((p) => true, "disconnected");
  }

  // The hub's clock, for ages and times in state.
  now() {
    return Date.now() + this.clockSkew;
  }

  // Adds topics to the wanted set and subscribes the new ones now when
  // the connection is up (else after the next welcome).
  want(topics) {
    const added = topics.filter((t) => !this.topics.has(t));
    added.forEach((t) => this.topics.add(t));
    if (this.open && added.length) this.subscribe(added, false);
  }

  // Sends a request and resolves with the reply.  A write (a map with a
  // `key`) survives reconnects until answered or WRITE_TIMEOUT_MS passed;
  // any other request fails when the connection drops.
  request(msg) {
    const id = this.nextId++;
    const write = typeof msg.key === "string";
    return new Promise((resolve, reject) => {
      const ms = write ? WRITE_TIMEOUT_MS : REQUEST_TIMEOUT_MS;
      const timer = setTimeout(() => this.settle(id, null, new HubError("timeout", "no answer from the hub")), ms);
      this.pending.set(id, { msg: { ...msg, id }, resolve, reject, timer, write });
      if (this.open || msg.t === "hello") this.send(this.pending.get(id).msg);
    });
  }

  // A write with a fresh idempotency key.  If it returns a rejection other
  // than "timeout", the hub refused it and nothing changed.
  write(msg) {
    return this.request({ ...msg, key: newKey() });
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.opts.onStatus("connecting");
    let ws;
    try {
      ws = new WebSocket(this.opts.url, SUBPROTOCOL);
    } catch (e) {
      this.scheduleReconnect();
      return;
    }
    ws.binaryType = "arraybuffer";
    ws.onopen = () => this.hello();
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onclose = (ev) => this.closed(ws, ev.code, ev.reason);
    this.ws = ws;
  }

  hello() {
    const msg = { t: "hello", token: this.opts.token, client: this.opts.client };
    if (this.session) msg.resume = this.session;
    this.request(msg).then(
      (w) => this.welcomed(w),
      (e) => (this.refusal = e.code === "unauthorized" ? e.message : null),
    );
  }

  welcomed(w) {
    this.clockSkew = w.server_time - Date.now();
    this.session = w.session;
    this.backoff = BACKOFF_MIN_MS;
    const resume = this.epoch !== null && w.epoch === this.epoch;
    if (!resume) this.resetEpoch(w.epoch);
    this.open = true;
    this.opts.onWelcome(w);
    this.opts.onStatus("open");
    this.subscribe([...this.topics], resume);
    for (const p of this.pending.values()) if (p.write) this.send(p.msg);
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => this.heartbeat(), PING_EVERY_MS);
  }

  resetEpoch(epoch) {
    this.epoch = epoch;
    this.seqs.clear();
    this.opts.onReset();
  }

  subscribe(topics, resume) {
    for (let i = 0; i < topics.length; i += TOPICS_PER_SUB) {
      const chunk = topics.slice(i, i + TOPICS_PER_SUB);
      const msg = { t: "sub", topics: chunk };
      const since = {};
      for (const t of chunk) if (resume && this.seqs.has(t)) since[t] = this.seqs.get(t);
      if (Object.keys(since).length) {
        msg.since = since;
        msg.epoch = this.epoch;
      }
      this.request(msg).catch((e) => console.warn("sub failed:", e.message));
    }
  }

  heartbeat() {
    const ws = this.ws;
    this.request({ t: "ping" }).then(
      (pong) => (this.clockSkew = pong.server_time - Date.now()),
      () => ws && ws === this.ws && ws.close(4000, "no pong"),
    );
  }

  send(msg) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(encode(msg));
  }

  // Every map of the message, in order; a broken map ends the message
  // (PROTOCOL.md: the rest cannot be framed), the maps before it count.
  receive(data) {
    if (!(data instanceof ArrayBuffer)) return; // the hub sends binary only
    try {
      for (const m of decodeMulti(new Uint8Array(data))) this.dispatch(m);
    } catch (e) {
      console.warn("undecodable message from the hub:", e.message);
    }
  }

  dispatch(m) {
    if (m === null || typeof m !== "object" || typeof m.t !== "string") return;
    if (m.t === "snap" || m.t === "upd") {
      if (typeof m.topic === "string" && typeof m.seq === "number") this.topicMessage(m);
    } else if (typeof m.id === "number") {
      this.reply(m);
    }
  }

  reply(m) {
    if (m.t === "err") this.settle(m.id, null, new HubError(m.code, m.msg, m.key));
    else this.settle(m.id, m, null);
  }

  settle(id, value, error) {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(error);
    else p.resolve(value);
  }

  topicMessage(m) {
    if (m.t === "snap") {
      if (m.epoch !== this.epoch) {
        this.resetEpoch(m.epoch);
        this.subscribe([...this.topics].filter((t) => t !== m.topic), false);
      }
      this.seqs.set(m.topic, m.seq);
      this.opts.onMessage(m);
      return;
    }
    const last = this.seqs.get(m.topic);
    if (last === undefined || m.seq <= last) return; // not ours yet, or old
    if (m.seq !== last + 1) {
      this.seqs.delete(m.topic);
      this.subscribe([m.topic], false); // a gap: start that topic afresh
      return;
    }
    this.seqs.set(m.topic, m.seq);
    this.opts.onMessage(m);
  }

  closed(ws, code, reason) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.open = false;
    clearInterval(this.pingTimer);
    this.failPending((p) => !p.write, "disconnected");
    if (this.stopped) return;
    if (code === CLOSE_UNAUTHENTICATED) {
      this.stopped = true;
      this.failPending(() => true, "unauthorized");
      this.opts.onStatus("unauthorized", this.refusal || reason || "token rejected");
      return;
    }
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const delay = Math.round(this.backoff * (0.75 + Math.random() * 0.5));
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.opts.onStatus("down", delay);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  failPending(which, code) {
    for (const [id, p] of [...this.pending]) {
      if (!which(p)) continue;
      this.settle(id, null, new HubError(code, code === "unauthorized" ? "the hub refused the token" : "connection lost"));
    }
  }
}
