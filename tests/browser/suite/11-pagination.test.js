// Long lists split over pages, as a reader meets them: the bundled site built with `paginate_by: 4`
// (PAGED_SITE_DIR, built by tests/browser.rs). The links between the parts work from the keyboard, every part
// lists other articles, the parts together list the whole topic, and they pass axe in both color schemes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { BASE_PATH, launchBrowser, artifact } from "../lib/env.js";
import { startServer } from "../lib/server.js";
import { WCAG_TAGS } from "../lib/wcag.js";

const dir = process.env.PAGED_SITE_DIR;
let server;
let browser;
let base;

before(async () => {
  if (!dir || !fs.existsSync(path.join(dir, "stretches/page/2/index.html"))) {
    throw new Error(`PAGED_SITE_DIR=${dir} does not hold the site built with its lists split (tests/browser.rs builds it)`);
  }
  server = await startServer({ root: dir, basePath: BASE_PATH });
  base = server.base;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function withPage(options, fn) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  try {
    return await fn(page);
  } finally {
    await context.close();
  }
}

const listed = (page) => page.locator(".page-list h3 a, .page-list h2 a").evaluateAll((links) => links.map((a) => a.href));

test("the parts of a topic's list link to each other, from the keyboard, and list every article once", async () => {
  await withPage({ viewport: { width: 390, height: 844 } }, async (page) => {
    await page.goto(base + "stretches/");
    const seen = [];
    const titles = [];
    for (;;) {
      const links = await listed(page);
      assert.ok(links.length > 0 && links.length <= 4, `${page.url()}: ${links.length} articles`);
      seen.push(...links);
      titles.push(await page.title());
      const pager = page.getByRole("navigation", { name: "Pages of this list" });
      const next = pager.getByRole("link", { name: /^Next/ });
      if ((await next.count()) === 0) break;
      // Tab to the link and press Enter, as a keyboard user would.
      await next.focus();
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute("rel")), "next");
      const href = await next.evaluate((a) => a.href);
      await Promise.all([page.waitForURL(href), page.keyboard.press("Enter")]);
      assert.match(page.url(), /\/stretches\/page\/\d+\/$/);
    }
    assert.equal(new Set(seen).size, seen.length, "no article is listed twice");
    assert.ok(titles.length >= 3, `${titles.length} parts`);
    assert.ok(titles[1].startsWith(`Stretches and exercises, page 2 of ${titles.length}`), titles[1]);

    // The whole topic, as the first article's previous/next links walk it, is what the parts list.
    const walked = [];
    await page.goto(seen[0]);
    for (;;) {
      walked.push(page.url());
      const next = page.locator(".pager a[rel=next]");
      if ((await next.count()) === 0) break;
      await Promise.all([page.waitForURL(await next.evaluate((a) => a.href)), next.click()]);
    }
    assert.deepEqual(walked, seen);

    // Back from the last part to the first by the Previous links.
    await page.goto(base + `stretches/page/${titles.length}/`);
    for (let k = titles.length; k > 1; k--) {
      const previous = page.getByRole("navigation", { name: "Pages of this list" }).getByRole("link", { name: /^Previous/ });
      await Promise.all([page.waitForURL(await previous.evaluate((a) => a.href)), previous.click()]);
    }
    assert.equal(page.url(), base + "stretches/");
    await page.screenshot({ path: artifact("screenshots/stretches-page-1-390.png"), fullPage: true });
    await page.goto(base + "stretches/page/2/");
    await page.screenshot({ path: artifact("screenshots/stretches-page-2-390.png"), fullPage: true });
  });
});

test("each part links every part of a short list by number, marks its own, and the links are big enough to tap", async () => {
  await withPage({ viewport: { width: 375, height: 800 } }, async (page) => {
    await page.goto(base + "stretches/page/2/");
    const pager = page.getByRole("navigation", { name: "Pages of this list" });
    const numbers = pager.locator(".pager-numbers a");
    const names = await numbers.evaluateAll((links) => links.map((a) => a.textContent.trim()));
    assert.ok(names.length >= 3, names.join(", "));
    assert.deepEqual(names, names.map((_, i) => `Page ${i + 1}`), "a list this short shows every part, in order");
    const current = pager.getByRole("link", { name: "Page 2", exact: true });
    assert.equal(await current.getAttribute("aria-current"), "page");
    assert.equal(await pager.locator(".pager-numbers [aria-current]").count(), 1);
    for (const box of await numbers.evaluateAll((links) => links.map((a) => a.getBoundingClientRect().toJSON()))) {
      assert.ok(box.width >= 44 && box.height >= 44, `a number is ${box.width}x${box.height} px`);
    }
    // The current part stands out: its colors are not those of the other numbers.
    const colors = await numbers.evaluateAll((links) => links.map((a) => getComputedStyle(a).backgroundColor));
    assert.notEqual(colors[1], colors[0]);
    const first = pager.getByRole("link", { name: "Page 1", exact: true });
    await first.focus();
    await Promise.all([page.waitForURL(base + "stretches/"), page.keyboard.press("Enter")]);
    const last = page.getByRole("navigation", { name: "Pages of this list" }).getByRole("link", { name: `Page ${names.length}`, exact: true });
    await Promise.all([page.waitForURL(base + `stretches/page/${names.length}/`), last.click()]);
    await page.locator(".pager-numbers").screenshot({ path: artifact(`screenshots/stretches-numbers-${names.length}-375.png`) });
  });
});

for (const colorScheme of ["light", "dark"]) {
  test(`the later parts of a topic and a tag pass axe in the ${colorScheme} color scheme, and fit a phone`, async () => {
    await withPage({ viewport: { width: 375, height: 800 }, colorScheme }, async (page) => {
      for (const url of ["stretches/page/2/", "tags/low-back-pain/page/2/"]) {
        const response = await page.goto(base + url);
        assert.equal(response.status(), 200, url);
        const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
        assert.ok(results.passes.length > 10, "axe ran its checks");
        assert.deepEqual(results.violations.map((v) => `${url}: ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), []);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.equal(overflow, 0, `${url}: wider than the screen`);
      }
    });
  });
}
