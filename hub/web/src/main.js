// main.js -- the dashboard's entry point: sign-in, the connection, the
// views and when they are drawn.
//
// Design: one HubConn feeds one PlantState; every snap/upd schedules one
// redraw of the current view on the next animation frame (so a burst of
// updates costs one redraw, and an update is on screen well within 1 s),
// and a 1 s timer refreshes the ages.  The views are chosen by the
// address's hash (#/board, #/andons, #/line/<id>, #/downtime/<id>,
// #/report/<id>, #/trends[/<id>], #/score/<id>: the full-screen
// scoreboard for a TV at the line) and get a small context object: the state, the
// connection, the signed-in user (`me`, from welcome), the hub's clock
// and a toast for results.  The
// dashboard subscribes to plant and andon, and to line/<id> and oee/<id>
// (the scoreboard of the tiles) for every line once the plant snapshot
// names them; the downtime view adds its line's downtime/<id>.  When the hub refuses the
// token the token is forgotten and the sign-in form comes back.  The
// form signs in with a user and password (the hub hands out a session
// token) or takes a pasted token; "Sign out" revokes the token at the hub.
import { HubConn, hubUrl } from "./conn.js";
import { PlantState } from "./state.js";
import { h, tickAges } from "./dom.js";
import { takeUrlToken, savedToken, saveToken, forgetToken, passwordLogin, revokeToken } from "./token.js";
import { chimeOn, setChime, beep } from "./chime.js";
import { boardView } from "./views/board.js";
import { andonsView } from "./views/andons.js";
import { lineView } from "./views/line.js";
import { reportView } from "./views/report.js";
import { downtimeView } from "./views/downtime.js";
import { trendsView } from "./views/trends.js";
import { scoreView } from "./views/score.js";

const $ = (id) => document.getElementById(id);

const app = {
  state: new PlantState(), // what the hub told us
  conn: null, // the HubConn while signed in
  welcome: null, // the last welcome: user, role, lines
  view: null, // the current view: {root, update()}
  frame: 0, // pending animation frame, 0 if none
};

const ctx = {
  state: app.state,
  get conn() {
    return app.conn;
  },
  me: () => app.welcome,
  now: () => (app.conn ? app.conn.now() : Date.now()),
  toast,
  lineName: (id) => app.state.lines.get(id)?.name || id,
  equipmentName(line, id) {
    const e = (app.state.equipment.get(line) || []).find((x) => x.id === id);
    return e ? e.name : id;
  },
};

function toast(text, kind) {
  const el = h("div", { class: `toast ${kind || ""}`, role: "status", text });
  $("toasts").append(el);
  setTimeout(() => el.remove(), kind === "error" ? 8000 : 4000);
}

function scheduleRender() {
  if (!app.frame) app.frame = requestAnimationFrame(render);
}

function render() {
  app.frame = 0;
  const { state } = app;
  $("plant-name").textContent = state.plant?.name || "floorhub";
  const open = state.openAndonCount();
  $("andon-badge").textContent = open ? String(open) : "";
  if (app.view) app.view.update();
  tickAges(document.body, ctx.now());
}

function tick() {
  tickAges(document.body, ctx.now());
  $("clock").textContent = new Date(ctx.now()).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function route() {
  const [name, arg] = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const views = { andons: andonsView, line: lineView, downtime: downtimeView, report: reportView, trends: trendsView, score: scoreView };
  const make = views[name] || boardView;
  app.view = make(ctx, arg);
  $("main").replaceChildren(app.view.root);
  document.body.classList.toggle("fullscreen", name === "score"); // the TV: no bar, no nav
  for (const a of document.querySelectorAll("[data-nav]"))
    a.classList.toggle("active", a.dataset.nav === (views[name] ? name : "board"));
  scheduleRender();
}

function onStatus(status, detail) {
  const banner = $("banner");
  document.body.dataset.conn = status;
  $("status").title = status;
  if (status === "open") {
    banner.hidden = true;
  } else if (status === "down") {
    banner.hidden = false;
    banner.textContent = `Connection to the hub lost – reconnecting in ${Math.ceil(detail / 1000)} s…`;
  } else if (status === "unauthorized") {
    forgetToken();
    signIn(`The hub refused the token (${detail}). Sign in again.`);
  }
}

function onWelcome(w) {
  app.welcome = w;
  $("who").textContent = `${w.user} (${w.role.replaceAll("_", " ")})`;
  scheduleRender();
}

function onMessage(m) {
  let r;
  try {
    r = app.state.apply(m, ctx.now());
  } catch (e) {
    console.error(`cannot apply ${m.t} of ${m.topic}:`, e); // a malformed entity: skip it
    return;
  }
  if (m.t === "snap" && m.topic === "plant") app.conn.want(app.state.lineOrder.flatMap((id) => [`line/${id}`, `oee/${id}`]));
  if (r.newAndons.length) beep();
  scheduleRender();
}

function start(token) {
  document.body.classList.remove("signed-out");
  app.state.reset();
  app.welcome = null;
  app.conn = new HubConn({
    url: hubUrl(location),
    token,
    client: "dashboard",
    onStatus,
    onWelcome,
    onMessage,
    onReset: () => {
      app.state.reset();
      scheduleRender();
    },
  });
  app.conn.want(["plant", "andon"]);
  app.conn.start();
  route();
}

// The user + password half of the sign-in form.
function passwordForm(message) {
  const user = h("input", { id: "user", name: "user", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", id: "sign-in-error", text: message || "" });
  error.hidden = !message;
  const button = h("button", { type: "submit", class: "btn primary", text: "Sign in" });
  const form = h(
    "form",
    { class: "sign-in", id: "password-form" },
    h("h1", { text: "Sign in to floorhub" }),
    error,
    h("label", { for: "user", text: "User" }),
    user,
    h("label", { for: "password", text: "Password" }),
    password,
    button,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      saveToken(await passwordLogin(user.value.trim(), password.value));
      password.value = "";
      start(savedToken());
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      password.value = "";
      password.focus();
    } finally {
      button.disabled = false;
    }
  });
  return { form, focus: () => user.focus() };
}

// The pasted-token half.
function tokenForm() {
  const input = h("textarea", { id: "token", rows: 5, placeholder: "eyJhbGciOi…", autocomplete: "off", spellcheck: "false", required: true });
  const form = h(
    "form",
    { class: "sign-in", id: "token-form" },
    h("label", { for: "token", text: "Or paste a token (from floorctl token …)" }),
    input,
    h("button", { type: "submit", class: "btn", text: "Use token" }),
    h("p", { class: "hint", text: "The token stays in this tab only. A link with ?token=… signs in directly." }),
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    saveToken(input.value);
    start(savedToken());
  });
  return form;
}

function signIn(message) {
  if (app.conn) app.conn.stop();
  app.conn = null;
  app.view = null;
  document.body.classList.add("signed-out");
  $("banner").hidden = true;
  const pw = passwordForm(message);
  $("main").replaceChildren(h("div", { class: "sign-in-page" }, pw.form, tokenForm()));
  pw.focus();
}

async function signOut() {
  const token = savedToken();
  forgetToken();
  signIn();
  if (token) await revokeToken(token);
}

function boot() {
  takeUrlToken();
  const chime = $("chime");
  chime.checked = chimeOn();
  chime.addEventListener("change", () => setChime(chime.checked));
  $("sign-out").addEventListener("click", signOut);
  window.addEventListener("hashchange", () => app.conn && route());
  setInterval(tick, 1000);
  tick();
  const token = savedToken();
  if (token) start(token);
  else signIn();
}

boot();
