// plantdate.js -- calendar dates in the plant's time zone.
//
// Design: the hub reckons shifts, days and weeks in the plant's IANA time
// zone (the plant snap's `timezone`), which need not be the browser's.  A
// date is a "YYYY-MM-DD" string, as an <input type=date> gives it and as
// the CSV export takes it; instants are ms.  The zone's offset at an
// instant comes from Intl (the browser's own tz data, nothing loaded):
// the wall clock there, read as if it were UTC, minus the instant.  Local
// midnight of a date is found in two steps (guess with the offset at UTC
// midnight, correct with the offset at the guess), which is exact on DST
// days because no zone changes its offset twice within a day.
const formatters = new Map(); // time zone -> Intl.DateTimeFormat

function formatter(tz) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

// The wall clock in tz at instant t: {year, month (1-12), day, hour, minute, second}.
function wall(t, tz) {
  const p = {};
  for (const x of formatter(tz).formatToParts(new Date(t))) if (x.type !== "literal") p[x.type] = Number(x.value);
  return p;
}

// Offset of tz from UTC at instant t, ms (Berlin in winter: 3 600 000).
export function tzOffset(t, tz) {
  const w = wall(t, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

function ymd(y, m, d) {
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
}

// The instant (ms) of local midnight at the start of date in tz.
export function midnight(date, tz) {
  const [y, m, d] = date.split("-").map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - tzOffset(guess, tz);
  return guess - tzOffset(first, tz);
}

// The date in tz at instant t.
export function dateAt(t, tz) {
  const w = wall(t, tz);
  return ymd(w.year, w.month, w.day);
}

// date moved by n days (calendar days, whatever their length).
export function addDays(date, n) {
  const [y, m, d] = date.split("-").map(Number);
  return ymd(y, m, d + n);
}

// "YYYY-MM-DD HH:MM" of instant t in tz, for labels and tables.
export function fmtLocal(t, tz) {
  const w = wall(t, tz);
  const two = (n) => String(n).padStart(2, "0");
  return `${ymd(w.year, w.month, w.day)} ${two(w.hour)}:${two(w.minute)}`;
}
