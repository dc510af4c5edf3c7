// Full-page screenshots at phone and desktop widths, light and dark, and a printed stretch page; saved to
// artifacts/screenshots/ for review. Each one also checks what a screenshot shows: nothing wider than the
// screen, every image loaded, the color scheme applied; the printed stretch fits on one sheet.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { useSiteAndBrowser, artifact } from "../lib/env.js";
import { assertNone } from "../lib/check.js";

const ctx = useSiteAndBrowser({ before, after });
const PAGES = { home: "", "what-is-the-psoas": "anatomy/what-is-the-psoas/", "half-kneeling": "stretches/half-kneeling/" };
const WIDTHS = [375, 1280];
const SCHEMES = ["light", "dark"];

/** Relative luminance (WCAG) of a CSS rgb()/rgba() color. */
function luminance(css) {
  const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Scrolls through the page so lazy images load, then waits for every image. */
async function loadAllImages(page) {
  await page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
      scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 20));
    }
    scrollTo(0, 0);
  });
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  return page.evaluate(() => [...document.images].filter((i) => !i.naturalWidth).map((i) => i.src));
}

for (const scheme of SCHEMES) {
  for (const width of WIDTHS) {
    test(`screenshots at ${width} px, ${scheme}`, async () => {
      const context = await ctx.browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, deviceScaleFactor: 1 });
      try {
        for (const [name, path] of Object.entries(PAGES)) {
          const page = await context.newPage();
          await page.goto(ctx.base + path);
          const broken = await loadAllImages(page);
          assertNone(broken, `${name}: images that did not load`);
          const layout = await page.evaluate(() => {
            const vw = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll("body *")]
              .filter((e) => e.getClientRects().length && getComputedStyle(e).position !== "absolute")
              .filter((e) => {
                const r = e.getBoundingClientRect();
                return r.right > vw + 1 || r.left < -1;
              })
              .filter((e) => !e.closest("table, pre"))
              .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")} (${Math.round(e.getBoundingClientRect().left)}..${Math.round(e.getBoundingClientRect().right)})`);
            return { scrollWidth: document.documentElement.scrollWidth, vw, wide: wide.slice(0, 10), bg: getComputedStyle(document.body).backgroundColor };
          });
          assert.ok(layout.scrollWidth <= layout.vw, `${name}: page is ${layout.scrollWidth} px wide in a ${layout.vw} px window`);
          assertNone(layout.wide, `${name}: elements sticking out of the ${layout.vw} px window`);
          // The theme follows the color scheme: a light page in light mode, a dark one in dark mode.
          const bg = luminance(layout.bg);
          assert.ok(scheme === "dark" ? bg < 0.05 : bg > 0.85, `${name}: background ${layout.bg} in ${scheme} mode`);
          const file = artifact(`screenshots/${name}-${width}-${scheme}.png`);
          fs.mkdirSync(artifact("screenshots"), { recursive: true });
          await page.screenshot({ path: file, fullPage: true });
          assert.ok(fs.statSync(file).size > 10_000, `${file} written`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }
}

test("a printed stretch page is a one-page card: no menus or timer, the web address shown", async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 794, height: 1123 } });
  try {
    const page = await context.newPage();
    await page.goto(ctx.base + "stretches/half-kneeling/");
    await loadAllImages(page);
    await page.emulateMedia({ media: "print" });
    const shown = await page.evaluate(() => {
      const visible = (sel) => [...document.querySelectorAll(sel)].some((e) => e.getClientRects().length > 0);
      return {
        nav: visible(".site-nav"),
        breadcrumbs: visible(".breadcrumbs"),
        timer: visible(".hold-timer"),
        pager: visible(".pager"),
        body: visible(".page-body"),
        card: visible(".stretch-card"),
        steps: visible(".step-list"),
        warning: visible(".stretch-warning"),
        printOnly: document.querySelector(".print-only")?.innerText,
      };
    });
    assert.deepEqual(
      { nav: shown.nav, breadcrumbs: shown.breadcrumbs, timer: shown.timer, pager: shown.pager, body: shown.body },
      { nav: false, breadcrumbs: false, timer: false, pager: false, body: false },
      "menus, timer, pager and the long article are left out of print",
    );
    assert.ok(shown.card && shown.steps && shown.warning, "the card, steps and warning are printed");
    assert.match(shown.printOnly ?? "", new RegExp(`${ctx.base.replace(/[.]/g, "\\.")}stretches/half-kneeling/$`));
    await page.screenshot({ path: artifact("screenshots/half-kneeling-print.png"), fullPage: true });
    const pdf = await page.pdf({ path: artifact("screenshots/half-kneeling-print.pdf"), format: "A4", printBackground: true });
    assert.equal(pdfPages(pdf), 1, `the printed stretch takes ${pdfPages(pdf)} A4 pages`);
    // The footer's link to the full disclaimer is left out, and its sentence with it.
    const footer = await page.locator(".site-footer").innerText();
    assert.doesNotMatch(footer, /\.\s*\.\s*$|Read the full disclaimer/, "the printed footer ends cleanly");
  } finally {
    await context.close();
  }
});

function pdfPages(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
}

test("every stretch page prints on a single A4 and a single Letter sheet", async () => {
  const context = await ctx.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(ctx.base + "stretches/");
    const urls = await page.locator(".page-list h3 a").evaluateAll((a) => a.map((x) => x.href));
    const spills = [];
    let stretches = 0;
    for (const url of urls) {
      await page.goto(url);
      if ((await page.locator("article.stretch-page").count()) === 0) continue;
      stretches++;
      await loadAllImages(page);
      for (const format of ["A4", "Letter"]) {
        const n = pdfPages(await page.pdf({ format, printBackground: true }));
        if (n !== 1) spills.push(`${url}: ${n} ${format} pages`);
      }
    }
    assert.ok(stretches >= 8, `${stretches} stretch pages`);
    assertNone(spills, "stretch pages that spill onto a second sheet");
  } finally {
    await context.close();
  }
});
