// Navigation as a reader uses it: main menu, breadcrumbs, previous/next, table of contents, tags, skip link,
// and the 404 page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser } from "../lib/env.js";
import { allPages } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

let pages;
let context;
const ctx = useSiteAndBrowser({ before, after }, async (ctx) => {
  pages = await allPages(ctx.browser, ctx.base);
  context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
});

async function withPage(fn) {
  const page = await context.newPage();
  try {
    return await fn(page);
  } finally {
    await page.close();
  }
}

/** Clicks `locator` and waits for the navigation it starts. */
async function follow(page, locator) {
  const href = await locator.evaluate((a) => a.href);
  await Promise.all([page.waitForURL(href), locator.click()]);
  return href;
}

const h1 = (page) => page.locator("h1").innerText();

test("the main menu reaches every section and marks the current one", async () => {
  await withPage(async (page) => {
    await page.goto(ctx.base);
    const menu = page.getByRole("navigation", { name: "Main" });
    const items = await menu.getByRole("link").evaluateAll((links) => links.map((a) => ({ text: a.textContent.trim(), href: a.href })));
    // The menu lists every section shown on the home page, in the same order, and the About page.
    const sections = await page.locator(".topic-card h3 a").evaluateAll((links) => links.map((a) => a.href));
    assert.ok(sections.length >= 4, `${sections.length} sections on the home page`);
    assert.deepEqual(items.map((i) => i.href).filter((h) => sections.includes(h)), sections);
    assert.ok(items.some((i) => i.href === ctx.base + "about/"), "the menu links to the About page");
    for (const item of items) {
      await page.goto(ctx.base);
      const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: item.text, exact: true });
      const res = page.waitForResponse(item.href);
      await follow(page, link);
      assert.equal((await res).status(), 200, item.href);
      assert.equal(page.url(), item.href);
      assert.equal(await h1(page), item.text, `${item.href}: the page is titled like its menu item`);
      const current = await page
        .getByRole("navigation", { name: "Main" })
        .locator('a[aria-current="page"]')
        .evaluateAll((a) => a.map((x) => x.href));
      assert.deepEqual(current, [item.href], `${item.href}: the current menu item is marked`);
    }
    // On an article, its section's item is marked as the current location.
    await page.goto(ctx.base + "stretches/half-kneeling/");
    const marked = await page.getByRole("navigation", { name: "Main" }).locator("a[aria-current]").evaluateAll((a) => a.map((x) => [x.textContent.trim(), x.getAttribute("aria-current")]));
    assert.deepEqual(marked, [["Stretches and exercises", "true"]]);
    // The site title leads home.
    await follow(page, page.locator(".site-title"));
    assert.equal(page.url(), ctx.base);
  });
});

test("breadcrumbs show where a page is and lead back up", async () => {
  await withPage(async (page) => {
    const url = ctx.base + "stretches/half-kneeling/";
    await page.goto(url);
    const nav = page.getByRole("navigation", { name: "Breadcrumb" });
    const crumbs = await nav.getByRole("link").evaluateAll((a) => a.map((x) => ({ text: x.textContent.trim(), href: x.href, current: x.getAttribute("aria-current") })));
    assert.deepEqual(crumbs, [
      { text: "Home", href: ctx.base, current: null },
      { text: "Stretches and exercises", href: ctx.base + "stretches/", current: null },
      { text: "Half-kneeling hip-flexor stretch", href: url, current: "page" },
    ]);
    await follow(page, nav.getByRole("link", { name: "Stretches and exercises" }));
    assert.equal(page.url(), ctx.base + "stretches/");
    assert.equal(await h1(page), "Stretches and exercises");
    await follow(page, page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Home" }));
    assert.equal(page.url(), ctx.base);
    assert.equal(await page.getByRole("navigation", { name: "Breadcrumb" }).count(), 0, "no breadcrumbs on the home page");
  });
});

test("previous/next links walk each section in its listed order, both ways", async () => {
  await withPage(async (page) => {
    let walked = 0;
    for (const section of ["anatomy/", "symptoms/", "stretches/", "safety/"]) {
      await page.goto(ctx.base + section);
      const listed = await page.locator(".page-list h3 a").evaluateAll((a) => a.map((x) => x.href));
      assert.ok(listed.length >= 2, `${section}: ${listed.length} pages listed`);
      await page.goto(listed[0]);
      assert.equal(await page.locator('a[rel="prev"]').count(), 0, `${listed[0]} is first: no previous link`);
      const forward = [page.url()];
      while ((await page.locator('a[rel="next"]').count()) > 0) {
        const title = (await page.locator('a[rel="next"] .pager-title').innerText()).trim();
        await follow(page, page.locator('a[rel="next"]'));
        assert.equal(await h1(page), title, `${page.url()}: the next link's title is the page's title`);
        forward.push(page.url());
        assert.ok(forward.length <= listed.length, `${section}: next links run past the end of the section`);
      }
      assert.deepEqual(forward, listed, `${section}: next links follow the section's order`);
      const backward = [page.url()];
      while ((await page.locator('a[rel="prev"]').count()) > 0) {
        await follow(page, page.locator('a[rel="prev"]'));
        backward.push(page.url());
        assert.ok(backward.length <= listed.length, `${section}: previous links run past the start`);
      }
      assert.deepEqual(backward, [...listed].reverse(), `${section}: previous links go back the same way`);
      walked += listed.length;
    }
    assert.ok(walked >= 14);
  });
});

test("table-of-contents links jump to their heading: URL hash set, heading in view", async () => {
  await withPage(async (page) => {
    let checked = 0;
    const problems = [];
    for (const url of pages) {
      await page.goto(url);
      const toc = page.getByRole("navigation", { name: "On this page" });
      if ((await toc.count()) === 0) continue;
      const links = await toc.getByRole("link").evaluateAll((a) => a.map((x) => x.getAttribute("href")));
      assert.ok(links.length >= 3, `${url}: a table of contents has at least 3 entries`);
      for (const [i, href] of links.entries()) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await toc.getByRole("link").nth(i).click();
        await page.waitForFunction((h) => location.hash === h, href);
        const state = await page.evaluate((id) => {
          const el = document.getElementById(id);
          if (!el) return { missing: true };
          const r = el.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom, height: innerHeight, target: el.matches(":target"), scrolled: scrollY };
        }, decodeURIComponent(href.slice(1)));
        checked++;
        if (state.missing) problems.push(`${url}${href}: no such heading`);
        else if (!state.target || state.top < -1 || state.bottom > state.height + 1) problems.push(`${url}${href}: heading not in view (${JSON.stringify(state)})`);
        else if (i > 0 && state.scrolled === 0 && state.top > state.height) problems.push(`${url}${href}: page did not scroll`);
      }
    }
    assert.ok(checked >= 20, `only ${checked} TOC links checked`);
    assertNone(problems, "TOC problems");
  });
});

test("tag links lead to tag pages that list the page, and the tags index counts right", async () => {
  await withPage(async (page) => {
    const url = ctx.base + "stretches/half-kneeling/";
    await page.goto(url);
    const tags = await page.locator(".tag-list a").evaluateAll((a) => a.map((x) => ({ name: x.textContent.trim(), href: x.href })));
    assert.ok(tags.length >= 2, `${tags.length} tags`);
    for (const tag of tags) {
      await page.goto(url);
      await follow(page, page.locator(".tag-list a", { hasText: tag.name }).first());
      assert.equal(page.url(), tag.href);
      assert.equal(await h1(page), `Articles about “${tag.name}”`);
      const listed = await page.locator(".page-list h2 a").evaluateAll((a) => a.map((x) => x.href));
      assert.ok(listed.includes(url), `${tag.href} lists ${url}`);
    }
    await page.goto(ctx.base + "tags/");
    const terms = await page.locator(".term-list li").evaluateAll((li) =>
      li.map((x) => ({ href: x.querySelector("a").href, count: Number(/\((\d+) articles?\)/.exec(x.textContent)?.[1]) })),
    );
    assert.ok(terms.length >= 10, `${terms.length} tags listed`);
    for (const term of terms) {
      await page.goto(term.href);
      assert.equal(await page.locator(".page-list > li").count(), term.count, `${term.href}: count on the tags page`);
    }
  });
});

test("the skip link is the first stop for the keyboard and moves focus to the main content", async () => {
  await withPage(async (page) => {
    await page.goto(ctx.base + "anatomy/what-is-the-psoas/");
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => ({ text: document.activeElement.textContent.trim(), top: document.activeElement.getBoundingClientRect().top }));
    assert.equal(focused.text, "Skip to main content");
    assert.ok(focused.top >= 0, "the skip link is visible when focused");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => location.hash === "#main");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  });
});

test("an unknown URL gets status 404 and the site's 404 page, with a working link home", async () => {
  await withPage(async (page) => {
    for (const missing of ["no-such-page/", "stretches/no-such-stretch/", "no-such-file.svg"]) {
      const res = await page.goto(ctx.base + missing);
      assert.equal(res.status(), 404, missing);
      assert.equal(await page.title(), "Page not found · Psoas and back pain");
      assert.equal(await h1(page), "Sorry, we can’t find that page");
      // Styles load with the base path even at a deeper URL.
      assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).fontFamily), "", missing);
      assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector(".site-header")).borderBottomStyle), "solid", `${missing}: the theme's CSS applies`);
    }
    const home = page.getByRole("main").getByRole("link", { name: "Go to the home page" });
    assert.equal(await home.evaluate((a) => a.href), ctx.base);
    await follow(page, home);
    assert.equal(page.url(), ctx.base);
    assert.equal(await h1(page), "The psoas and low back pain");
    // A folder without its slash is redirected, like GitHub Pages does.
    const res = await page.goto(ctx.base + "stretches/half-kneeling");
    assert.equal(res.status(), 200);
    assert.equal(res.request().redirectedFrom()?.response() && (await res.request().redirectedFrom().response()).status(), 301);
    assert.equal(page.url(), ctx.base + "stretches/half-kneeling/");
  });
});
