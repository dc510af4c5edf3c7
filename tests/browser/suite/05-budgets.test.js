// Weight budgets: each page's HTML + CSS + JS (everything it loads except images) stays under 60 KB
// uncompressed, and each SVG illustration under 40 KB.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { useSiteAndBrowser, siteDir } from "../lib/env.js";
import { crawl, sitemapUrls } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

const PAGE_BUDGET = 60_000;
const SVG_BUDGET = 40_000;

let site;
const ctx = useSiteAndBrowser({ before, after }, async (ctx) => {
  site = await crawl(ctx.browser, ctx.base, [ctx.base, ...(await sitemapUrls(ctx.base)), ctx.base + "404.html"]);
});

test(`each page loads under ${PAGE_BUDGET / 1000} KB of HTML, CSS and JS (uncompressed)`, async () => {
  const pages = [...site.pages.keys()];
  assert.ok(pages.length >= 30);
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const report = [];
  const over = [];
  try {
    for (const url of pages) {
      const page = await context.newPage();
      const loads = [];
      page.on("response", (r) => {
        // Images (the favicon loads as "other", but is an image too) are outside this budget.
        if (r.request().resourceType() === "image" || (r.headers()["content-type"] ?? "").startsWith("image/")) return;
        loads.push(r.body().then((b) => [r.url(), r.request().resourceType(), b.length], (e) => [r.url(), `unread (${e.message})`, Infinity]));
      });
      // Deferred scripts and stylesheets have all arrived by the load event; only images load lazily.
      await page.goto(url, { waitUntil: "load" });
      const items = await Promise.all(loads);
      const total = items.reduce((sum, [, , n]) => sum + n, 0);
      const types = new Set(items.map(([, t]) => t));
      assert.ok(types.has("document") && types.has("stylesheet"), `${url}: document and stylesheet counted (${[...types]})`);
      report.push(`${(total / 1000).toFixed(1).padStart(5)} KB ${url}`);
      if (total >= PAGE_BUDGET) over.push(`${url}: ${total} bytes (${items.map(([u, t, n]) => `${t} ${u.slice(ctx.base.length)} ${n}`).join(", ")})`);
      await page.close();
    }
  } finally {
    await context.close();
  }
  console.log(report.sort().reverse().slice(0, 5).join("\n"));
  assertNone(over, `pages over ${PAGE_BUDGET} bytes`);
});

test(`each SVG illustration is under ${SVG_BUDGET / 1000} KB`, () => {
  const svgs = [...site.resources].filter(([, r]) => r.type.startsWith("image/svg+xml"));
  assert.ok(svgs.length >= 10, `${svgs.length} SVG files found`);
  const onDisk = fs.readdirSync(path.join(siteDir(), "illustrations")).filter((f) => f.endsWith(".svg"));
  for (const f of onDisk) assert.ok(site.resources.has(site.origin + "/psoas/illustrations/" + f), `illustrations/${f} is not used by any page`);
  const over = [];
  for (const [url, r] of svgs) {
    const file = path.join(siteDir(), url.slice(site.origin.length + "/psoas/".length));
    assert.equal(r.bytes, fs.statSync(file).size, `${url}: size as served equals the file`);
    if (r.bytes >= SVG_BUDGET) over.push(`${url}: ${r.bytes} bytes`);
  }
  assertNone(over, `SVG files over ${SVG_BUDGET} bytes`);
});
