// token.js -- where the dashboard's token comes from and stays.
//
// Design: a token pasted in the sign-in form, or given once as ?token= in
// the address (a link printed by scripts/demo).  A URL token is read once
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
