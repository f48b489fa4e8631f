// One state object; the parts a shared link must reproduce live in the URL.
// Controls change the state with set(); views render it on change.

const listeners = new Set();

export const state = {
  program: "",
  values: "",        // JSON text of the values override, "" for none
  step: null,        // null until a trace arrives: then the default step
  trace: null,
  model: null,
  error: null,       // {type, message, line, col}
  check: null,       // the numeric check, from a second request
  playing: false,
  speed: 600,        // ms per step; 0 = one step per frame
  busy: false,
  expanded: new Set(), // tensor nodes shown large
  focusEdge: null,   // edge id highlighted from the ledger
  eq: false,         // the backward pass replayed with = instead of +=
  leaf: null,        // the leaf whose paths are shown (#paths)
};

export function set(patch) {
  Object.assign(state, patch);
  for (const fn of listeners) fn(state, patch);
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

const LONG = 4000;

/** Read program, values and step from the URL query. */
export function readUrl(loc = window.location) {
  // A long program comes in the fragment (#program=…): the server never sees it.
  const q = new URLSearchParams(loc.search);
  const h = new URLSearchParams(loc.hash.slice(1));
  if (!q.get("program") && h.get("program")) for (const [k, v] of h) q.set(k, v);
  const step = q.get("step");
  return {
    program: q.get("program"),
    values: q.get("values") ?? "",
    step: step !== null && /^\d+$/.test(step) ? Number(step) : null,
  };
}

/** Write program, values and step to the URL; push a history entry on a new program. */
export function writeUrl({ push = false } = {}) {
  const q = new URLSearchParams();
  if (state.program) q.set("program", state.program);
  if (state.values) q.set("values", state.values);
  if (state.step !== null && state.trace) q.set("step", String(state.step));
  // Lecture and practice mode (with its score) survive stepping.
  const now = new URLSearchParams(window.location.search);
  for (const key of ["lecture", "practice", "score"]) if (now.get(key)) q.set(key, now.get(key));
  // Past LONG characters the program goes in the fragment: a request line that long is refused.
  const long = (state.program ?? "").length > LONG;
  const url = long ? `${window.location.pathname}#${q.toString()}` : `${window.location.pathname}?${q.toString()}`;
  if (url === window.location.pathname + (long ? window.location.hash : window.location.search)) return;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

export function clampStep(k) {
  const total = state.model ? state.model.total : 0;
  return Math.max(0, Math.min(total, k));
}
