// The hold timer on stretch pages: hidden without JavaScript, working with it (start, pause, resume, reset,
// completion announced in its live region). Time is fast-forwarded with Playwright's clock.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { useSiteAndBrowser } from "../lib/env.js";
import { assertNone } from "../lib/check.js";
import { WCAG_TAGS } from "../lib/wcag.js";

const ctx = useSiteAndBrowser({ before, after });
const STRETCH = "stretches/half-kneeling/";

/** A page of a new context (closed with it), with console errors collected. */
async function open(options, path, { clock = false, init = null } = {}) {
  const context = await ctx.browser.newContext(options);
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  const t0 = new Date("2026-01-01T08:00:00Z").getTime();
  if (clock) await page.clock.install({ time: t0 });
  await page.goto(ctx.base + path);
  const timer = page.locator(".hold-timer").first();
  if (clock) {
    await timer.waitFor({ state: "visible" });
    // From here on, time moves only when the test says so (runFor), so every count is exact. Playwright's
    // waiting actions need animation frames, which a paused clock stops: the tests below use plain mouse
    // clicks and key presses on the buttons instead.
    await page.clock.pauseAt(t0 + 60_000);
  }
  return { page, context, errors, timer };
}

/** Clicks the timer's button named `name` with the mouse, at its centre, as a reader would. */
async function click(page, timer, name) {
  const button = timer.getByRole("button", { name, exact: true });
  await button.evaluate((b) => b.scrollIntoView({ block: "center" }));
  const box = await button.boundingBox();
  assert.ok(box, `button ${name} is on screen`);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

/** Closes the page's context; a paused clock is let go first, or closing waits for it forever. */
async function close(page, context) {
  await page.clock.resume().catch(() => {});
  await context.close();
}

async function state(timer) {
  return timer.evaluate((el) => ({
    value: el.querySelector(".hold-timer-value").textContent,
    unit: el.querySelector(".hold-timer-unit").textContent,
    status: el.querySelector(".hold-timer-status").textContent,
    start: el.querySelector('[data-action="start"]').textContent,
    startDisabled: el.querySelector('[data-action="start"]').disabled,
    pauseDisabled: el.querySelector('[data-action="pause"]').disabled,
    resetDisabled: el.querySelector('[data-action="reset"]').disabled,
    done: el.classList.contains("is-done"),
    focus: document.activeElement?.getAttribute("data-action") ?? null,
    bar: el.querySelector(".hold-timer-bar span").style.transform,
  }));
}

test("without JavaScript the timer stays hidden; the rest of the stretch card shows", async () => {
  const { page, context } = await open({ javaScriptEnabled: false }, STRETCH);
  try {
    assert.equal(await page.locator(".hold-timer").count(), 1, "the timer is in the page");
    assert.equal(await page.locator(".hold-timer").isVisible(), false, "but hidden without JavaScript");
    assert.ok(await page.locator(".stretch-card").isVisible());
    assert.ok(await page.locator("#steps").isVisible());
  } finally {
    await context.close();
  }
});

test("with JavaScript the timer shows, ready to start, with a polite live region", async () => {
  const { page, context, errors } = await open({}, STRETCH);
  try {
    const timer = page.locator(".hold-timer");
    await timer.waitFor({ state: "visible" });
    assert.equal(await timer.getAttribute("role"), "group");
    assert.equal((await page.locator("#" + (await timer.getAttribute("aria-labelledby"))).innerText()).replace(/\s+/g, " "), "Hold timer (30 seconds)");
    const live = timer.locator(".hold-timer-status");
    assert.equal(await live.getAttribute("aria-live"), "polite");
    assert.equal(await live.getAttribute("role"), "status");
    const s = await state(timer);
    assert.deepEqual([s.value, s.unit, s.status, s.start, s.startDisabled, s.pauseDisabled, s.resetDisabled], ["30", "seconds", "", "Start", false, true, true]);
    assertNone(errors, "console errors");
  } finally {
    await context.close();
  }
});

test("start, pause, resume, reset and completion work and are announced", async () => {
  const { page, context, errors, timer } = await open({}, STRETCH, { clock: true });
  try {
    await timer.locator('[data-action="start"]').evaluate((b) => b.focus());
    await page.keyboard.press("Enter");
    await page.clock.runFor(100);
    let s = await state(timer);
    assert.equal(s.status, "Started. 30 seconds.");
    assert.deepEqual([s.startDisabled, s.pauseDisabled, s.resetDisabled], [true, false, false]);
    assert.equal(s.focus, "pause", "focus moves from the disabled Start to Pause");

    await page.clock.runFor(10_000);
    s = await state(timer);
    assert.equal(s.value, "20");
    assert.equal(s.bar, "scaleX(0.333)", "the progress bar follows the time");

    await click(page, timer, "Pause");
    await page.clock.runFor(100);
    s = await state(timer);
    assert.equal(s.status, "Paused. 20 seconds left.");
    assert.equal(s.start, "Resume");
    assert.deepEqual([s.startDisabled, s.pauseDisabled], [false, true]);
    await page.clock.runFor(60_000);
    assert.equal((await state(timer)).value, "20", "a paused timer does not count");

    await click(page, timer, "Resume");
    await page.clock.runFor(100);
    assert.equal((await state(timer)).status, "Resumed. 20 seconds.");
    await page.clock.runFor(5_000);
    assert.equal((await state(timer)).value, "15");

    await click(page, timer, "Reset");
    await page.clock.runFor(100);
    s = await state(timer);
    assert.deepEqual([s.value, s.status, s.start, s.startDisabled, s.pauseDisabled, s.resetDisabled], ["30", "Timer reset.", "Start", false, true, true]);
    await page.clock.runFor(10_000);
    assert.equal((await state(timer)).value, "30", "a reset timer does not count");

    await click(page, timer, "Start");
    await page.clock.runFor(15_100);
    s = await state(timer);
    assert.equal(s.status, "Halfway. 15 seconds left.");
    await page.clock.runFor(14_000);
    s = await state(timer);
    assert.equal([s.value, s.unit].join(" "), "1 second", "singular at one second");
    assert.equal(s.done, false);
    await page.clock.runFor(1_100);
    s = await state(timer);
    assert.equal(s.value, "0");
    assert.equal(s.done, true);
    assert.equal(s.status, "Hold complete. Ease out of the position slowly.");
    assert.equal(s.start, "Start again");
    assert.deepEqual([s.startDisabled, s.pauseDisabled, s.resetDisabled], [false, true, false]);
    assert.equal(await timer.locator('[role="status"][aria-live="polite"]').evaluate((e) => e.textContent), "Hold complete. Ease out of the position slowly.", "announced in the live region");
    await page.clock.runFor(5_000);
    assert.equal((await state(timer)).value, "0", "a finished timer stays at zero");

    // axe-core schedules its work with timers: let the clock run while it checks the finished timer.
    await page.clock.resume();
    const axe = await new AxeBuilder({ page }).include(".hold-timer").withTags(WCAG_TAGS).analyze();
    assertNone(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`), "axe violations in the finished timer");
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000);

    await click(page, timer, "Start again");
    await page.clock.runFor(3_000);
    s = await state(timer);
    assert.deepEqual([s.value, s.done, s.status], ["27", false, "Started. 30 seconds."]);
    assertNone(errors, "console errors");
  } finally {
    await close(page, context);
  }
});

test("the daily routine's timers run independently", async () => {
  const { page, context, errors } = await open({}, "stretches/daily-routine/", { clock: true });
  try {
    const timers = page.locator(".hold-timer");
    const n = await timers.count();
    assert.ok(n >= 2, `${n} timers`);
    const seconds = await timers.evaluateAll((els) => els.map((e) => Number(e.dataset.seconds)));
    await click(page, timers.nth(0), "Start");
    await page.clock.runFor(5_000);
    assert.equal((await state(timers.nth(0))).value, String(seconds[0] - 5));
    for (let i = 1; i < n; i++) assert.equal((await state(timers.nth(i))).value, String(seconds[i]), `timer ${i + 1} did not start`);
    assertNone(errors, "console errors");
  } finally {
    await close(page, context);
  }
});

test("holds of 10 s or more get a timer (and its script), shorter holds do not", async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(ctx.base + "stretches/");
    const stretches = await page.locator(".page-list h3 a").evaluateAll((a) => a.map((x) => x.href));
    let withTimer = 0;
    let without = 0;
    for (const url of stretches) {
      await page.goto(url);
      const card = await page.evaluate(() => {
        const facts = [...document.querySelectorAll(".stretch-page .stretch-card .stretch-facts > div")];
        const hold = facts.find((d) => d.querySelector("dt").textContent.trim() === "Hold");
        return { isStretch: !!document.querySelector(".stretch-page"), hold: hold ? hold.querySelector("dd").textContent : null };
      });
      if (!card.isStretch) continue;
      const seconds = card.hold ? Number(/^(\d+) seconds?$/.exec(card.hold)[1]) : 0;
      const timers = await page.locator(".hold-timer").count();
      const script = await page.locator('script[src$="/timer.js"]').count();
      if (seconds >= 10) {
        withTimer++;
        assert.equal(timers, 1, `${url}: ${seconds} s hold needs a timer`);
        assert.equal(script, 1, `${url}: loads timer.js`);
        assert.equal(await page.locator(".hold-timer").getAttribute("data-seconds"), String(seconds));
        assert.ok(await page.locator(".hold-timer").isVisible(), `${url}: timer visible`);
      } else {
        without++;
        assert.equal(timers, 0, `${url}: ${seconds} s hold: no timer`);
        assert.equal(script, 0, `${url}: no timer.js without a timer`);
      }
    }
    assert.ok(withTimer >= 4 && without >= 2, `${withTimer} stretches with a timer, ${without} without`);
  } finally {
    await context.close();
  }
});

/** A screen wake lock that records what the page asks of it (`window.wakeLog`), and can be let go of by the
 * "system" (`window.systemRelease()`), as a browser does when the page is hidden. */
function fakeWakeLock() {
  const log = (window.wakeLog = []);
  let held = null;
  window.systemRelease = () => {
    const l = held;
    held = null;
    l?.dispatchEvent(new Event("release"));
    log.push("system release");
  };
  const wakeLock = {
    request(type) {
      log.push("request " + type);
      const l = new EventTarget();
      l.release = () => {
        if (held === l) held = null;
        log.push("release");
        l.dispatchEvent(new Event("release"));
        return Promise.resolve();
      };
      held = l;
      return Promise.resolve(l);
    },
  };
  Object.defineProperty(Navigator.prototype, "wakeLock", { configurable: true, get: () => wakeLock });
}

test("the screen is kept on while a hold runs, and let go of when none does", async () => {
  const { page, context, errors } = await open({}, "stretches/daily-routine/", { clock: true, init: fakeWakeLock });
  try {
    const timers = page.locator(".hold-timer");
    const log = () => page.evaluate(() => window.wakeLog.join(", "));
    assert.equal(await log(), "", "nothing is asked before a timer starts");
    await click(page, timers.nth(0), "Start");
    await page.clock.runFor(100);
    assert.equal(await log(), "request screen");
    await click(page, timers.nth(1), "Start");
    await page.clock.runFor(100);
    assert.equal(await log(), "request screen", "one lock for two running timers");
    await click(page, timers.nth(0), "Pause");
    await page.clock.runFor(100);
    assert.equal(await log(), "request screen", "kept while the second one runs");
    // Hidden, the page loses the lock; shown again with a timer running, it asks again.
    await page.evaluate(() => {
      window.systemRelease();
      document.dispatchEvent(new Event("visibilitychange"));
    });
    await page.clock.runFor(100);
    assert.equal(await log(), "request screen, system release, request screen");
    await click(page, timers.nth(1), "Reset");
    await page.clock.runFor(100);
    assert.equal(await log(), "request screen, system release, request screen, release", "let go once no timer runs");
    // A hold that ends lets go of the screen too.
    await click(page, timers.nth(0), "Resume");
    const seconds = Number(await timers.nth(0).getAttribute("data-seconds"));
    await page.clock.runFor(seconds * 1000 + 500);
    assert.equal((await state(timers.nth(0))).done, true);
    assert.equal(await log(), "request screen, system release, request screen, release, request screen, release");
    assertNone(errors, "console errors");
  } finally {
    await close(page, context);
  }
});
