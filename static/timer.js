/* Hold timer: progressive enhancement for .hold-timer blocks (hidden until this runs). */
(function () {
  "use strict";
  var timers = document.querySelectorAll(".hold-timer[data-seconds]");
  if (!timers.length) return;
  var reduce = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  var AC = window.AudioContext || window.webkitAudioContext;
  var audio = null;

  // Wall-clock time keeps counting while the tab is hidden or the phone sleeps.
  function now() { return Date.now(); }
  function secs(ms) { return Math.ceil(ms / 1000); }
  function fmt(s) { return s >= 60 ? Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2) : String(s); }
  function plural(s) { return s + (s === 1 ? " second" : " seconds"); }

  function chime() {
    if (navigator.vibrate) { try { navigator.vibrate(200); } catch (e) { /* ignore */ } }
    if (!audio) return;
    try {
      var t = audio.currentTime, o = audio.createOscillator(), g = audio.createGain();
      o.frequency.value = 660;
      g.gain.setValueAtTime(0.0001, t);
      g.gain.exponentialRampToValueAtTime(0.12, t + 0.03);
      g.gain.exponentialRampToValueAtTime(0.0001, t + 0.7);
      o.connect(g); g.connect(audio.destination);
      o.start(t); o.stop(t + 0.75);
    } catch (e) { /* sound is optional */ }
  }

  function setup(el) {
    var total = parseInt(el.getAttribute("data-seconds"), 10);
    function q(s) { return el.querySelector(s); }
    var value = q(".hold-timer-value"), unit = q(".hold-timer-unit"), status = q(".hold-timer-status");
    var bar = q(".hold-timer-bar"), fill = bar && bar.firstElementChild;
    var bStart = q('[data-action="start"]'), bPause = q('[data-action="pause"]'), bReset = q('[data-action="reset"]');
    if (!(total > 0) || !value || !status || !bStart || !bPause || !bReset) return;

    var state = "idle", left = total * 1000, endAt = 0, tick = 0, halfSaid = false, shown = -1, sayTimer = 0;

    function say(msg) {
      clearTimeout(sayTimer);
      status.textContent = "";
      sayTimer = setTimeout(function () { status.textContent = msg; }, 60);
    }

    function show() {
      var s = secs(left);
      if (s !== shown) {
        shown = s;
        value.textContent = fmt(s);
        if (unit) unit.textContent = s >= 60 ? "min" : s === 1 ? "second" : "seconds";
      }
      if (fill && !(reduce && reduce.matches)) {
        fill.style.transform = "scaleX(" + (1 - left / (total * 1000)).toFixed(3) + ")";
      }
    }

    function buttons(focusNext) {
      var hadFocus = el.contains(document.activeElement);
      bStart.disabled = state === "running";
      bPause.disabled = state !== "running";
      bReset.disabled = state === "idle";
      bStart.textContent = state === "paused" ? "Resume" : state === "done" ? "Start again" : "Start";
      if (hadFocus && focusNext && (document.activeElement === document.body || document.activeElement.disabled)) {
        focusNext.focus();
      }
    }

    function update() {
      if (state !== "running") return;
      left = Math.max(0, endAt - now());
      if (left <= 0) { finish(); return; }
      if (!halfSaid && total >= 20 && left <= total * 500) {
        halfSaid = true;
        say("Halfway. " + plural(secs(left)) + " left.");
      }
      show();
    }

    function finish() {
      clearInterval(tick);
      state = "done";
      left = 0;
      show();
      el.classList.add("is-done");
      say("Hold complete. Ease out of the position slowly.");
      chime();
      buttons(bStart);
    }

    function start() {
      if (state === "running") return;
      var resumed = state === "paused";
      if (!resumed) { left = total * 1000; halfSaid = false; el.classList.remove("is-done"); }
      if (AC) {
        try { if (!audio) audio = new AC(); if (audio.state === "suspended") audio.resume(); } catch (e) { audio = null; }
      }
      state = "running";
      endAt = now() + left;
      clearInterval(tick);
      tick = setInterval(update, 250);
      show();
      say((resumed ? "Resumed. " : "Started. ") + plural(secs(left)) + ".");
      buttons(bPause);
    }

    function pause() {
      update();
      if (state !== "running") return;
      clearInterval(tick);
      state = "paused";
      say("Paused. " + plural(secs(left)) + " left.");
      buttons(bStart);
    }

    function reset() {
      clearInterval(tick);
      state = "idle";
      left = total * 1000;
      halfSaid = false;
      el.classList.remove("is-done");
      show();
      say("Timer reset.");
      buttons(bStart);
    }

    bStart.addEventListener("click", start);
    bPause.addEventListener("click", pause);
    bReset.addEventListener("click", reset);
    // Background tabs throttle intervals; time is always computed from timestamps, so just catch up.
    document.addEventListener("visibilitychange", function () { if (!document.hidden) update(); });

    show();
    buttons();
    el.hidden = false;
  }

  for (var i = 0; i < timers.length; i++) setup(timers[i]);
})();
