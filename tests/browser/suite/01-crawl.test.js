// Crawl from the home page: every link and asset resolves, every #anchor exists, the sitemap agrees.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useSiteAndBrowser } from "../lib/env.js";
import { crawl, sitemapUrls } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

let result;
const ctx = useSiteAndBrowser({ before, after }, async (ctx) => {
  result = await crawl(ctx.browser, ctx.base);
});

function internal(url) {
  return new URL(url).origin === result.origin;
}

test("the crawl from the home page reaches the whole site", () => {
  const pages = [...result.pages.keys()];
  assert.ok(pages.length >= 30, `only ${pages.length} pages reached`);
  for (const p of ["", "anatomy/what-is-the-psoas/", "stretches/half-kneeling/", "stretches/daily-routine/", "safety/red-flags/", "tags/", "about/"]) {
    assert.ok(result.pages.has(ctx.base + p), `${ctx.base + p} not reached from the home page`);
  }
  for (const asset of ["style.css", "favicon.svg", "timer.js", "illustrations/half-kneeling.svg"]) {
    assert.equal(result.resources.get(ctx.base + asset)?.status, 200, asset);
  }
});

test("every link and asset (href/src) on every page resolves with status 200", () => {
  const broken = [];
  for (const { from, to, tag, attr } of result.links) {
    if (!internal(to)) continue;
    const key = new URL(to);
    key.hash = "";
    const status = result.resources.get(key.href)?.status;
    if (status !== 200) broken.push(`${from}: <${tag} ${attr}="${to}"> -> ${status ?? "not fetched"}${result.resources.get(key.href)?.location ? " Location: " + result.resources.get(key.href).location : ""}`);
  }
  const internalCount = result.links.filter((l) => internal(l.to)).length;
  assert.ok(internalCount > 300, `only ${internalCount} internal references found`);
  assertNone(broken, "broken links or assets");
});

test("every #anchor exists on its target page", () => {
  const missing = [];
  let checked = 0;
  for (const { from, to } of result.links) {
    const url = new URL(to);
    if (!internal(to) || !url.hash) continue;
    const id = decodeURIComponent(url.hash.slice(1));
    url.hash = "";
    const target = result.pages.get(url.href);
    if (!target) continue; // not an HTML page: already reported as broken if it failed
    checked++;
    if (!id || !target.ids.has(id)) missing.push(`${from}: ${to} (no id "${id}" on ${url.href})`);
  }
  assert.ok(checked > 50, `only ${checked} anchored links checked`);
  assertNone(missing, "missing anchors");
});

test("no page loads anything from another origin, and outside links are https", () => {
  const offOrigin = [];
  for (const { from, to, tag, attr } of result.links) {
    const url = new URL(to);
    if (internal(to)) continue;
    if (tag === "a") {
      if (!["https:", "mailto:", "tel:"].includes(url.protocol)) offOrigin.push(`${from}: <a href="${to}"> is not https`);
    } else {
      // Assets, and also <link rel=canonical>: the site is built for this server's address.
      offOrigin.push(`${from}: <${tag} ${attr}="${to}"> points at another origin`);
    }
  }
  assertNone(offOrigin, "references to other origins");
});

test("sitemap.xml lists exactly the pages reachable from the home page", async () => {
  const listed = await sitemapUrls(ctx.base);
  assert.ok(listed.length >= 30, `sitemap lists ${listed.length} URLs`);
  assert.equal(new Set(listed).size, listed.length, "sitemap lists a URL twice");
  for (const url of listed) assert.ok(url.startsWith(ctx.base), `${url} is not under ${ctx.base}`);
  const crawled = [...result.pages.keys()].sort();
  assert.deepEqual([...listed].sort(), crawled);
  for (const url of listed) assert.equal(result.pages.get(url).status, 200, url);
});
