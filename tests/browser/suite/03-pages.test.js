// Every page, in a light and a dark color scheme: loads without console errors or failed requests, requests
// nothing outside the site's origin, and axe-core finds no WCAG 2.1 A/AA violation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AxeBuilder } from "@axe-core/playwright";
import { useSiteAndBrowser } from "../lib/env.js";
import { allPages } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

import { WCAG_TAGS } from "../lib/wcag.js";

let pages;
const ctx = useSiteAndBrowser({ before, after }, async (ctx) => {
  pages = await allPages(ctx.browser, ctx.base);
});

/** Opens `url` in a fresh page of `context`, recording everything that went wrong while it loaded. */
export async function openAndWatch(context, url) {
  const problems = [];
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught exception: ${e.message}`));
  page.on("requestfailed", (r) => {
    // Requests to other origins are blocked by guardOrigin() and reported there.
    if (!(r.failure()?.errorText ?? "").startsWith("net::ERR_BLOCKED_BY_CLIENT")) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  const response = await page.goto(url, { waitUntil: "load" });
  return { page, response, problems };
}

/** Blocks (and records) every request of `context` that would leave `origin`. */
export async function guardOrigin(context, origin) {
  const offOrigin = [];
  await context.route(
    (url) => url.origin !== origin && !["data:", "blob:", "about:"].includes(url.protocol),
    (route) => {
      offOrigin.push(route.request().url());
      return route.abort("blockedbyclient");
    },
  );
  return offOrigin;
}

for (const colorScheme of ["light", "dark"]) {
  test(`every page in the ${colorScheme} color scheme: clean load, same origin only, no axe violations`, async (t) => {
    assert.ok(pages.length >= 30, `only ${pages.length} pages`);
    const context = await ctx.browser.newContext({ colorScheme });
    const offOrigin = await guardOrigin(context, ctx.origin);
    try {
      for (const url of pages) {
        await t.test(url.slice(ctx.base.length - 1) || "/", async () => {
          const before = offOrigin.length;
          const { page, response, problems } = await openAndWatch(context, url);
          try {
            assert.equal(response.status(), 200);
            const scheme = await page.evaluate(() => (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
            assert.equal(scheme, colorScheme);
            const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
            assert.ok(results.passes.length > 10, "axe ran its checks");
            for (const v of results.violations) {
              for (const n of v.nodes) problems.push(`axe ${v.id} (${v.impact}): ${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`);
            }
            for (const u of offOrigin.slice(before)) problems.push(`request to another origin: ${u}`);
            assertNone(problems, "problems");
          } finally {
            await page.close();
          }
        });
      }
    } finally {
      await context.close();
    }
  });
}
