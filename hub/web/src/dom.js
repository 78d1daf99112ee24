// dom.js -- building DOM without a framework, and the words and numbers
// the views show.
//
// Design: h() creates elements from a tag, a props object and children;
// text always goes through text nodes, so notes and names typed by users
// can never become markup.  reconcile() keeps one child per key in a
// container and rebuilds a child only when its signature changes, so a
// button under the user's finger is not replaced by an unrelated update.
// Ages are not part of any signature: elements with data-since show the
// time since that moment and are refreshed by tickAges() every second.
const SVG_NS = "http://www.w3.org/2000/svg";

function fill(el, props, children) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function h(tag, props, ...children) {
  return fill(document.createElement(tag), props, children);
}

export function svg(tag, props, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), props, children);
}

// Makes container's children match items: key(item) identifies a child,
// sig(item) says when it must be rebuilt with build(item).
export function reconcile(container, items, key, sig, build) {
  const old = container.fhKeyed || new Map();
  const next = new Map();
  let at = container.firstChild;
  for (const item of items) {
    const k = key(item);
    const s = sig(item);
    let entry = old.get(k);
    if (!entry || entry.sig !== s) {
      if (entry) {
        if (entry.node === at) at = at.nextSibling;
        entry.node.remove();
      }
      entry = { sig: s, node: build(item) };
    }
    next.set(k, entry);
    if (entry.node === at) at = at.nextSibling;
    else container.insertBefore(entry.node, at);
  }
  for (const [k, entry] of old) if (!next.has(k)) entry.node.remove();
  container.fhKeyed = next;
}

// An element showing the time elapsed since `since` (ms, hub clock).
export function age(since, now) {
  if (!since) return h("span", { class: "age", text: "–" });
  return h("span", { class: "age", "data-since": since, text: fmtDuration(now - since) });
}

export function tickAges(root, now) {
  for (const el of root.querySelectorAll("[data-since]"))
    el.textContent = fmtDuration(now - Number(el.dataset.since));
}

export const STATE_WORDS = {
  running: "Running",
  idle: "Idle",
  down: "Down",
  blocked: "Blocked",
  starved: "Starved",
  changeover: "Changeover",
  planned_stop: "Planned stop",
  unknown: "No data",
};

// Unknown states are shown as unknown (PROTOCOL.md section 8).
export function stateOf(s) {
  return Object.hasOwn(STATE_WORDS, s) ? s : "unknown";
}

export const SEVERITY_WORDS = { 1: "low", 2: "medium", 3: "line stopped" };

export function fmtDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  if (d) return `${d}d ${hh}h`;
  if (hh) return `${hh}h ${two(mm)}m`;
  if (mm) return `${mm}m ${two(ss)}s`;
  return `${ss}s`;
}

export function fmtPct(x) {
  return `${Math.round((x || 0) * 100)} %`;
}

export function fmtTime(ms) {
  if (!ms) return "–";
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function fmtDateTime(ms) {
  if (!ms) return "–";
  return new Date(ms).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

// Red below 65 %, yellow to 85 %, green above.
export function oeeBand(x) {
  if (x < 0.65) return "red";
  if (x <= 0.85) return "yellow";
  return "green";
}
