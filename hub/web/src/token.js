// token.js -- where the dashboard's token comes from and stays.
//
// Design: a token the hub hands out for a user and password (POST
// /api/v1/login, a session token of --session-ttl), a token pasted in the
// sign-in form, or one given once as ?token= in the address (a link
// printed by scripts/demo).  Signing out revokes the token at the hub
// (POST /api/v1/logout) before it is forgotten here.  A URL token is read once
// and removed from the address bar at once (history.replaceState), so it
// is not bookmarked, shared or kept in the history; the page sets
// referrer-policy no-referrer so it is not sent on.  The token lives in
// sessionStorage (this tab only, gone when the tab closes) and is sent to
// the hub only inside the hello message, never in a URL.
const KEY = "floorhub.token";

export function takeUrlToken() {
  const url = new URL(location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  url.searchParams.delete("token");
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  if (token.trim()) saveToken(token);
}

export function savedToken() {
  return sessionStorage.getItem(KEY);
}

// A pasted "Bearer eyJ…" header value works too.
export function saveToken(token) {
  sessionStorage.setItem(KEY, token.trim().replace(/^Bearer\s+/i, ""));
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

// The hub's answer {code, key, msg} as an Error with that message.
async function hubError(res) {
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    body = null;
  }
  if (res.status === 401) return new Error("Wrong user or password.");
  return new Error(body?.msg ? `${body.msg[0].toUpperCase()}${body.msg.slice(1)}.` : `The hub answered ${res.status}.`);
}

// Asks the hub (the page's own origin) for a session token; resolves to
// it, or rejects with the hub's reason.  The password goes in the body
// only, never in a URL.
export async function passwordLogin(user, password) {
  const res = await fetch("/api/v1/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user, password }),
    credentials: "omit",
    cache: "no-store",
  });
  if (!res.ok) throw await hubError(res);
  return (await res.json()).token;
}

// Revokes the token at the hub; a token the hub cannot revoke (pasted,
// without jti, expired) is simply forgotten.  Never rejects.
export async function revokeToken(token) {
  try {
    await fetch("/api/v1/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    console.warn("sign-out: the hub was not reached", e);
  }
}
