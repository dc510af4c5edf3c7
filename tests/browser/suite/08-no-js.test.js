// With JavaScript disabled, the site is fully usable: every page shows the same content (less the hold timer),
// navigation works, and the stretch card, steps and warnings are all there.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser } from "../lib/env.js";
import { allPages } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

let pages;
let noJs;
let withJs;
const ctx = useSiteAndBrowser({ before, after }, async (ctx) => {
  pages = await allPages(ctx.browser, ctx.base);
  noJs = await ctx.browser.newContext({ javaScriptEnabled: false });
  withJs = await ctx.browser.newContext();
});

async function follow(page, locator) {
  const href = await locator.evaluate((a) => a.href);
  await Promise.all([page.waitForURL(href), locator.click()]);
  return href;
}

test("JavaScript really is off in this context", async () => {
  const page = await noJs.newPage();
  await page.goto(ctx.base + "stretches/half-kneeling/");
  // The timer script would unhide the timer; without JavaScript it stays hidden.
  assert.equal(await page.locator(".hold-timer").getAttribute("hidden"), "");
  await page.close();
});

test("every page shows the same content with JavaScript off as with it on (less the hold timer)", async () => {
  const a = await noJs.newPage();
  const b = await withJs.newPage();
  const problems = [];
  try {
    for (const url of pages) {
      await a.goto(url);
      await b.goto(url);
      const off = await a.evaluate(() => ({ h1: document.querySelector("h1")?.innerText, text: document.body.innerText }));
      const on = await b.evaluate(() => {
        for (const t of document.querySelectorAll(".hold-timer")) t.hidden = true;
        return { h1: document.querySelector("h1")?.innerText, text: document.body.innerText };
      });
      if (!off.h1?.trim()) problems.push(`${url}: no visible h1 without JavaScript`);
      if (off.text !== on.text) problems.push(`${url}: the text differs with JavaScript off`);
      if (off.text.length < 300) problems.push(`${url}: almost no text without JavaScript`);
    }
  } finally {
    await a.close();
    await b.close();
  }
  assert.ok(pages.length >= 30);
  assertNone(problems, "pages that need JavaScript");
});

test("the stretch card, steps and warnings are fully usable without JavaScript", async () => {
  const page = await noJs.newPage();
  try {
    await page.goto(ctx.base + "stretches/half-kneeling/");
    const warning = page.locator(".stretch-warning");
    assert.ok(await warning.isVisible());
    assert.match(await warning.innerText(), /Stop and get urgent help/);
    const card = page.locator(".stretch-card");
    assert.ok(await card.isVisible());
    const facts = await card.locator(".stretch-facts dt").allInnerTexts();
    assert.deepEqual(facts.map((f) => f.toUpperCase()), ["HOLD", "REPETITIONS", "SIDES", "HOW OFTEN", "DIFFICULTY", "EQUIPMENT"]);
    assert.match(await card.locator(".stretch-facts").innerText(), /30 seconds/);
    const img = card.locator("img.stretch-card-image");
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelector(".stretch-card-image").complete);
    assert.ok(await img.evaluate((i) => i.naturalWidth > 0), "the illustration loads");
    assert.ok((await card.locator(".stretch-skip li").count()) >= 1);
    assert.ok((await card.locator(".stretch-modify li").count()) >= 1);
    const steps = page.locator("#steps ~ ol.step-list > li");
    assert.ok((await steps.count()) >= 3, "the numbered steps are there");
    for (const step of await steps.all()) assert.ok(await step.isVisible());
    // Nothing on the page offers a control that would do nothing without JavaScript.
    const visibleButtons = await page.locator("button").evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).length);
    assert.equal(visibleButtons, 0);
    // The red-flag link in the warning works.
    await follow(page, warning.getByRole("link"));
    assert.equal(page.url(), ctx.base + "safety/red-flags/");
  } finally {
    await page.close();
  }
});

test("navigation works without JavaScript: menu, breadcrumbs, previous/next, contents, tags, skip link", async () => {
  const page = await noJs.newPage();
  try {
    await page.goto(ctx.base);
    await follow(page, page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Anatomy" }));
    assert.equal(page.url(), ctx.base + "anatomy/");
    await follow(page, page.locator(".page-list a").first());
    assert.equal(page.url(), ctx.base + "anatomy/what-is-the-psoas/");
    const toc = page.getByRole("navigation", { name: "On this page" }).getByRole("link");
    const href = await toc.nth(1).getAttribute("href");
    await toc.nth(1).click();
    await page.waitForURL(ctx.base + "anatomy/what-is-the-psoas/" + href);
    const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, href.slice(1));
    assert.ok(top >= -1 && top < 800, `heading scrolled into view (top ${top})`);
    await follow(page, page.locator('a[rel="next"]'));
    assert.equal(page.url(), ctx.base + "anatomy/what-the-psoas-does/");
    await follow(page, page.locator('a[rel="prev"]'));
    assert.equal(page.url(), ctx.base + "anatomy/what-is-the-psoas/");
    await follow(page, page.locator(".tag-list a").first());
    assert.match(page.url(), /\/psoas\/tags\/[^/]+\/$/);
    assert.match(await page.locator("h1").innerText(), /^Articles about/);
    await follow(page, page.locator(".page-list h2 a").first());
    await follow(page, page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link").nth(1));
    assert.match(await page.locator("h1").innerText(), /\S/);
    await follow(page, page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }));
    assert.equal(page.url(), ctx.base);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(ctx.base + "#main");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  } finally {
    await page.close();
  }
});
