// Lecture mode, on every page: a toggle in the header and `?lecture=1` in the
// URL (so a shared link opens in it). CSS does the rest (css/a11y.css): large
// text, high contrast, secondary panels hidden. On pages without the
// step-through's own keys, ← and → move the page's scrubber
// ([data-lecture-step]) and space presses its main button ([data-lecture-play]).

const KEY = "lecture";

function isOn() {
  return new URLSearchParams(window.location.search).get(KEY) === "1";
}

function apply(on) {
  document.body.classList.toggle("lecture", on);
  const button = document.getElementById("lecture-toggle");
  button?.setAttribute("aria-pressed", String(on));
  const q = new URLSearchParams(window.location.search);
  if (on) q.set(KEY, "1");
  else q.delete(KEY);
  const search = q.toString();
  const url = `${window.location.pathname}${search ? `?${search}` : ""}${window.location.hash}`;
  if (url !== window.location.pathname + window.location.search + window.location.hash) {
    window.history.replaceState(window.history.state, "", url);
  }
  window.dispatchEvent(new Event("resize")); // charts and the graph refit to the new room
  window.dispatchEvent(new Event("lecturechange"));
}

function addToggle() {
  const nav = document.querySelector(".topbar nav");
  if (!nav || document.getElementById("lecture-toggle")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.id = "lecture-toggle";
  button.className = "navlink lecture-toggle";
  button.dataset.action = "lecture";
  button.textContent = "Lecture mode";
  button.title = "Large text and high contrast for a projector (URL: ?lecture=1)";
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", () => apply(!document.body.classList.contains("lecture")));
  nav.append(button);
}

function typing(target) {
  const tag = target?.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target?.isContentEditable;
}

function wireScrubberKeys() {
  const scrub = document.querySelector("[data-lecture-step]");
  const play = document.querySelector("[data-lecture-play]");
  if (!scrub && !play) return;
  document.addEventListener("keydown", (ev) => {
    if (!document.body.classList.contains("lecture") || typing(ev.target)) return;
    if (scrub && (ev.key === "ArrowLeft" || ev.key === "ArrowRight")) {
      ev.preventDefault();
      const delta = ev.key === "ArrowRight" ? 1 : -1;
      scrub.value = String(Math.max(Number(scrub.min), Math.min(Number(scrub.max), Number(scrub.value) + delta)));
      scrub.dispatchEvent(new Event("input", { bubbles: true }));
    } else if (play && ev.key === " " && ev.target?.tagName !== "BUTTON") {
      ev.preventDefault();
      play.click();
    }
  });
}

addToggle();
wireScrubberKeys();
if (isOn()) apply(true);
