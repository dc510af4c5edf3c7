// What a reader in trouble sees first, and what a reader with large text sees at all: the urgent signs on
// the first phone screen of the home and red-flags pages, no stretch card cut off by a large font, a stretch's
// picture in view beside its steps on a phone, and the printed routine's way to each move's steps.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser } from "../lib/env.js";
import { assertNone } from "../lib/check.js";

const ctx = useSiteAndBrowser({ before, after });
const PHONE = { width: 390, height: 844 };

/** The stretch pages' URLs, from the section's list. */
async function stretchPages(page) {
  await page.goto(ctx.base + "stretches/");
  const urls = await page.locator(".page-list h3 a").evaluateAll((a) => a.map((x) => x.href));
  const stretches = [];
  for (const url of urls) {
    await page.goto(url);
    if (await page.locator("article.stretch-page").count()) stretches.push(url);
  }
  return stretches;
}

for (const percent of [150, 200]) {
  test(`with text at ${percent}% on a phone, no stretch page is wider than the screen`, async () => {
    const context = await ctx.browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      const urls = await stretchPages(page);
      assert.ok(urls.length >= 8, `${urls.length} stretch pages`);
      const problems = [];
      for (const url of urls) {
        await page.goto(url);
        // The reader's default font size: everything sized in rem grows with it.
        await page.addStyleTag({ content: `html { font-size: ${percent}%; }` });
        const found = await page.evaluate(() => {
          const vw = document.documentElement.clientWidth;
          const cut = [...document.querySelectorAll(".stretch-card *, .stretch-warning *")]
            .filter((e) => e.getClientRects().length)
            .filter((e) => e.getBoundingClientRect().right > vw + 1)
            .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} "${e.textContent.trim().slice(0, 30)}"`);
          return { width: document.documentElement.scrollWidth, vw, cut: cut.slice(0, 3) };
        });
        if (found.width > found.vw) problems.push(`${url}: ${found.width} px wide in a ${found.vw} px screen`);
        problems.push(...found.cut.map((c) => `${url}: ${c} runs off the screen`));
      }
      assertNone(problems, `problems at ${percent}% text`);
    } finally {
      await context.close();
    }
  });
}

/** The top and text of the first red-flag callout, and the page's height to the fold. */
async function firstRedFlag(page, url) {
  await page.goto(url);
  return page.evaluate(() => {
    const box = document.querySelector(".callout-red-flag");
    return box && { top: box.getBoundingClientRect().top + scrollY, bottom: box.getBoundingClientRect().bottom + scrollY, text: box.innerText, links: [...box.querySelectorAll("a[href^='tel:']")].map((a) => a.textContent) };
  });
}

test("the red-flags page opens on the emergency signs and the numbers to call, within the first phone screen", async () => {
  const context = await ctx.browser.newContext({ viewport: PHONE });
  try {
    const page = await context.newPage();
    const box = await firstRedFlag(page, ctx.base + "safety/red-flags/");
    assert.ok(box, "a red-flag callout");
    assert.ok(box.top < PHONE.height - 100, `the callout starts at ${Math.round(box.top)} px, below the first screen`);
    for (const sign of [/genitals/, /peeing/, /both legs/, /chest pain/]) assert.match(box.text, sign, "the callout names the signs itself");
    assert.deepEqual(box.links, ["999", "911", "112", "000"], "each emergency number can be tapped to call");
    assert.equal(await page.locator("nav.toc").count(), 0, "no table of contents stands before the signs");
  } finally {
    await context.close();
  }
});

test("the home page's urgent-care callout starts on the first phone screen", async () => {
  const context = await ctx.browser.newContext({ viewport: PHONE });
  try {
    const page = await context.newPage();
    const box = await firstRedFlag(page, ctx.base);
    assert.ok(box, "a red-flag callout on the home page");
    assert.ok(box.top < PHONE.height - 100, `the callout starts at ${Math.round(box.top)} px, below the first screen`);
    assert.match(box.text, /emergency number/);
  } finally {
    await context.close();
  }
});

test("on a phone a stretch's picture stays in view beside its steps; on a wide screen it is shown once, in the card", async () => {
  for (const [viewport, phone] of [[PHONE, true], [{ width: 1280, height: 800 }, false]]) {
    const context = await ctx.browser.newContext({ viewport });
    try {
      const page = await context.newPage();
      const urls = await stretchPages(page);
      const problems = [];
      for (const url of urls) {
        await page.goto(url);
        const steps = page.locator(".step-list li");
        if ((await steps.count()) < 4) continue;
        await steps.nth(3).evaluate((e) => e.scrollIntoView({ block: "center" }));
        await page.waitForFunction(() => [...document.querySelectorAll(".steps-image")].every((i) => i.complete));
        const seen = await page.evaluate(() => {
          const image = document.querySelector(".steps-image");
          const card = document.querySelector(".stretch-card-image");
          const r = image?.getBoundingClientRect();
          return {
            shown: Boolean(r && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight),
            loaded: Boolean(image?.naturalWidth),
            alt: image?.getAttribute("alt"),
            same: image?.currentSrc === card?.currentSrc,
          };
        });
        if (phone && !(seen.shown && seen.loaded)) problems.push(`${url}: the picture is not in view at step 4`);
        if (!phone && seen.shown) problems.push(`${url}: the picture is shown twice`);
        if (seen.alt !== "" || !seen.same) problems.push(`${url}: the picture at the steps is not the card's, or is read out again (alt ${JSON.stringify(seen.alt)})`);
      }
      assertNone(problems, `stretch pages at ${viewport.width} px`);
    } finally {
      await context.close();
    }
  }
});

test("the printed daily routine gives the address of each move's page, where its steps are", async () => {
  const context = await ctx.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(ctx.base + "stretches/daily-routine/");
    await page.emulateMedia({ media: "print" });
    const moves = await page.locator(".routine-item").evaluateAll((items) =>
      items.map((item) => ({ href: item.querySelector(".routine-title a").href, printed: [...item.querySelectorAll(".print-only")].filter((p) => p.getClientRects().length).map((p) => p.innerText).join(" ") })),
    );
    assert.ok(moves.length >= 5, `${moves.length} moves`);
    assertNone(moves.filter((m) => !m.printed.includes(m.href)).map((m) => `${m.href}: printed "${m.printed}"`), "moves printed without their page's address");
  } finally {
    await context.close();
  }
});
