/* Hold timer for each .hold-timer, which stays hidden without this script. */
(function () {
  "use strict";
  var timers = document.querySelectorAll(".hold-timer[data-seconds]");
  var reduce = matchMedia("(prefers-reduced-motion: reduce)");
  var AC = window.AudioContext || window.webkitAudioContext, audio = null;


  // A soft tone and a short buzz, so the end is noticed without looking at the screen.
  function chime() {
    try {
      if (navigator.vibrate) navigator.vibrate(200);
      var t = audio.currentTime, o = audio.createOscillator(), g = audio.createGain();
      g.gain.setValueAtTime(0.12, t);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.7);
      o.connect(g).connect(audio.destination);
      o.start(t); o.stop(t + 0.7);
    } catch (e) { /* optional */ }
  }

  // The screen stays on while any hold runs: a phone set down beside the mat would otherwise dim and lock
  // before a 30-second hold ends. The browser lets go of the lock when the page is hidden; it is asked for
  // again when the page shows. Refusals (battery saver, no support) leave the timer as it was.
  var running = 0, lock = null, asking = false;
  function stayAwake() {
    if (!running || lock || asking || document.hidden || !navigator.wakeLock) return;
    asking = true;
    navigator.wakeLock.request("screen").then(function (l) {
      asking = false;
      if (!running) { l.release(); return; }
      lock = l;
      l.addEventListener("release", function () { if (lock === l) lock = null; });
    }, function () { asking = false; });
  }
  function countRunning(change) {
    running += change;
    if (running > 0) stayAwake();
    else if (lock) { var l = lock; lock = null; l.release(); }
  }
  document.addEventListener("visibilitychange", stayAwake);

  function setup(el) {
    function q(s) { return el.querySelector(s); }
    function b(a) { return q('[data-action="' + a + '"]'); }
    var total = el.getAttribute("data-seconds") * 1000, fill = q(".hold-timer-bar span");
    var value = q(".hold-timer-value"), unit = q(".hold-timer-unit"), status = q(".hold-timer-status");
    var bStart = b("start"), bPause = b("pause"), bReset = b("reset");
    if (!(total > 0 && value && status && bStart && bPause && bReset)) return;
    // Time comes from the wall clock, so hidden tabs and sleeping phones stay accurate.
    var state = "idle", left = total, endAt = 0, tick = 0, halfSaid = false, sayTimer = 0;

    function secs() { var s = Math.ceil(left / 1000); return s + (s === 1 ? " second" : " seconds"); }

    function say(msg) {
      clearTimeout(sayTimer);
      status.textContent = "";
      sayTimer = setTimeout(function () { status.textContent = msg; }, 60);
    }

    function show() {
      var t = secs().split(" ");
      value.textContent = t[0];
      if (unit) unit.textContent = t[1];
      if (fill && !reduce.matches) fill.style.transform = "scaleX(" + (1 - left / total).toFixed(3) + ")";
    }

    function set(next, focus) {
      var had = el.contains(document.activeElement);
      if ((state === "running") !== (next === "running")) countRunning(next === "running" ? 1 : -1);
      state = next;
      bStart.disabled = state === "running";
      bPause.disabled = state !== "running";
      bReset.disabled = state === "idle";
      bStart.textContent = { paused: "Resume", done: "Start again" }[state] || "Start";
      el.classList.toggle("is-done", state === "done");
      // A disabled button loses focus: move it to the next useful button.
      if (had && focus && (!el.contains(document.activeElement) || document.activeElement.disabled)) focus.focus();
      show();
    }

    function update() {
      if (state !== "running") return;
      left = Math.max(0, endAt - Date.now());
      if (left <= 0) {
        clearInterval(tick);
        set("done", bStart);
        say("Hold complete. Ease out of the position slowly.");
        chime();
        return;
      }
      if (!halfSaid && total >= 20000 && left <= total / 2) {
        halfSaid = true;
        say("Halfway. " + secs() + " left.");
      }
      show();
    }

    bStart.addEventListener("click", function () {
      var resumed = state === "paused";
      if (!resumed) { left = total; halfSaid = false; }
      if (AC) try { audio = audio || new AC(); if (audio.state === "suspended") audio.resume(); } catch (e) { audio = null; }
      endAt = Date.now() + left;
      tick = setInterval(update, 250);
      set("running", bPause);
      say((resumed ? "Resumed. " : "Started. ") + secs() + ".");
    });
    bPause.addEventListener("click", function () {
      update();
      if (state !== "running") return;
      clearInterval(tick);
      set("paused", bStart);
      say("Paused. " + secs() + " left.");
    });
    bReset.addEventListener("click", function () {
      clearInterval(tick);
      left = total;
      halfSaid = false;
      set("idle", bStart);
      say("Timer reset.");
    });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) update(); });

    set("idle");
    el.hidden = false;
  }

  for (var i = 0; i < timers.length; i++) setup(timers[i]);
})();
