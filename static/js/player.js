// Play/pause and the keyboard: ← → step, space plays, Home/End jump, + − F zoom.

export function createPlayer({ goTo, getState, set }) {
  let frame = null;
  let last = 0;

  function tick(now) {
    const s = getState();
    if (!s.playing || !s.model) return stop();
    if (now - last >= s.speed) {
      last = now;
      if (s.step >= s.model.total) return stop();
      goTo(s.step + 1);
    }
    frame = requestAnimationFrame(tick);
  }

  function start() {
    const s = getState();
    if (!s.model || s.model.total === 0) return;
    if (s.step >= s.model.total) goTo(0);
    set({ playing: true });
    last = 0;
    frame = requestAnimationFrame(tick);
  }

  function stop() {
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    if (getState().playing) set({ playing: false });
  }

  return { start, stop, toggle: () => (getState().playing ? stop() : start()) };
}

const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);

export function wireKeys({ goTo, player, graph, getState }) {
  const step = () => getState().step ?? 0;
  const actions = {
    first: () => { player.stop(); goTo(0); },
    back: () => { player.stop(); goTo(step() - 1); },
    forward: () => { player.stop(); goTo(step() + 1); },
    last: () => { player.stop(); goTo(getState().model?.total ?? 0); },
    play: () => player.toggle(),
  };
  for (const [name, fn] of Object.entries(actions)) {
    document.querySelector(`button[data-action=${name}]`).addEventListener("click", fn);
  }
  const slider = document.querySelector("#step-slider");
  slider.addEventListener("input", () => { player.stop(); goTo(Number(slider.value)); });

  const view = {
    "zoom-in": () => graph.zoom.zoomBy(1.3, !graph.isCompact()),
    "zoom-out": () => graph.zoom.zoomBy(1 / 1.3, !graph.isCompact()),
    fit: () => graph.fit(),
  };
  for (const [name, fn] of Object.entries(view)) {
    document.querySelector(`button[data-view=${name}]`).addEventListener("click", fn);
  }

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    const tag = ev.target.tagName;
    if (TYPING.has(tag) || ev.target.isContentEditable) return;
    const onButton = tag === "BUTTON" || tag === "A" || ev.target.getAttribute?.("role") === "button";
    const keys = {
      ArrowLeft: actions.back, ArrowRight: actions.forward, Home: actions.first, End: actions.last,
      "+": view["zoom-in"], "=": view["zoom-in"], "-": view["zoom-out"], f: view.fit, F: view.fit,
    };
    if (ev.key === " " && !onButton) keys[" "] = actions.play;
    const fn = keys[ev.key];
    if (!fn) return;
    ev.preventDefault();
    fn();
  });
}
