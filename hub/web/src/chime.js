// chime.js -- an optional beep when a new andon is raised.
//
// Design: WebAudio oscillators, no sound file.  Browsers start an
// AudioContext only from a user gesture, so the context is created when
// the toggle is switched on and resumed on the next click after a reload.
// The choice is kept in localStorage (per browser, not per sign-in).
const KEY = "floorhub.chime";
let ctx = null; // the AudioContext, once created

export function chimeOn() {
  return localStorage.getItem(KEY) === "1";
}

function audio() {
  if (!ctx) ctx = new (window.AudioContext || window.webkitAudioContext)();
  if (ctx.state === "suspended") ctx.resume();
  return ctx;
}

export function setChime(on) {
  localStorage.setItem(KEY, on ? "1" : "0");
  if (on) beep();
}

// Two short tones; nothing when the chime is off.
export function beep() {
  if (!chimeOn()) return;
  const a = audio();
  [880, 1320].forEach((freq, i) => {
    const osc = a.createOscillator();
    const gain = a.createGain();
    const t = a.currentTime + i * 0.22;
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.2);
    osc.connect(gain).connect(a.destination);
    osc.start(t);
    osc.stop(t + 0.21);
  });
}

// After a reload the context needs a gesture again.
document.addEventListener("click", () => chimeOn() && audio(), { once: true });
