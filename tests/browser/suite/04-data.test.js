// Machine-readable files: sitemap.xml and atom.xml are well-formed, the feed parses and has entries, and every
// JSON-LD block on every page parses and describes the page with the expected schema.org types.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import Parser from "rss-parser";
import { useSiteAndBrowser } from "../lib/env.js";
import { allPages, sitemapUrls } from "../lib/crawl.js";
import { assertNone } from "../lib/check.js";

let pages;
const ctx = useSiteAndBrowser({ before, after }, async (ctx) => {
  pages = await allPages(ctx.browser, ctx.base);
});

async function text(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.text();
}

test("XMLValidator rejects broken XML (so the checks below can fail)", () => {
  assert.notEqual(XMLValidator.validate('<?xml version="1.0"?><a><b></a>'), true);
  assert.notEqual(XMLValidator.validate('<?xml version="1.0"?><a>AT&T</a>'), true);
});

test("sitemap.xml is well-formed and lists only pages of this site", async () => {
  const xml = await text(ctx.base + "sitemap.xml");
  assert.equal(XMLValidator.validate(xml), true, JSON.stringify(XMLValidator.validate(xml)));
  assert.match(xml, /<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/);
  const urls = await sitemapUrls(ctx.base);
  assert.ok(urls.length >= 30);
  for (const url of urls) assert.ok(url.startsWith(ctx.base), url);
  const robots = await text(ctx.base + "robots.txt");
  assert.match(robots, new RegExp(`^Sitemap: ${ctx.base.replace(/[.]/g, "\\.")}sitemap\\.xml$`, "m"));
});

test("atom.xml is well-formed, parses as a feed, and its entries are pages of the site", async () => {
  const xml = await text(ctx.base + "atom.xml");
  assert.equal(XMLValidator.validate(xml), true, JSON.stringify(XMLValidator.validate(xml)));
  const feed = await new Parser().parseString(xml);
  assert.equal(feed.title, "Psoas and back pain");
  assert.equal(feed.link, ctx.base);
  assert.ok(feed.items.length >= 10, `${feed.items.length} entries`);
  const problems = [];
  for (const item of feed.items) {
    if (!item.title?.trim()) problems.push(`entry without a title: ${item.link}`);
    if (!item.link?.startsWith(ctx.base)) problems.push(`entry link outside the site: ${item.link}`);
    else if (!pages.includes(item.link)) problems.push(`entry link is not a page of the site: ${item.link}`);
    if (!item.id) problems.push(`entry without an id: ${item.link}`);
    if (Number.isNaN(Date.parse(item.isoDate))) problems.push(`entry without a valid date: ${item.link}`);
    if (!item.summary?.trim()) problems.push(`entry without a summary: ${item.link}`);
  }
  assertNone(problems, "feed problems");
  // Each entry's title is the title of the page it links to.
  const page = await ctx.browser.newPage();
  try {
    for (const item of feed.items) {
      await page.goto(item.link);
      assert.equal((await page.locator("h1").innerText()).trim(), item.title.trim(), item.link);
    }
  } finally {
    await page.close();
  }
});

function seconds(iso) {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso ?? "");
  assert.ok(m && iso !== "PT", `not an ISO 8601 duration: ${iso}`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0);
}

test("every JSON-LD block on every page parses and has the expected @type", async () => {
  const page = await ctx.browser.newPage();
  const counts = { WebSite: 0, stretch: 0, timed: 0, article: 0, collection: 0 };
  const problems = [];
  try {
    for (const url of pages) {
      await page.goto(url);
      const info = await page.evaluate(() => ({
        blocks: [...document.querySelectorAll('script[type="application/ld+json"]')].map((s) => s.textContent),
        canonical: document.querySelector('link[rel="canonical"]')?.href,
        stretch: !!document.querySelector("article.stretch-page"),
        article: !!document.querySelector("article.article"),
        steps: [...document.querySelectorAll(".step-list > li")].map((li) => li.textContent.trim()),
        facts: Object.fromEntries([...document.querySelectorAll(".stretch-page .stretch-card .stretch-facts > div")].map((d) => [d.querySelector("dt").textContent.trim(), d.querySelector("dd").textContent.trim()])),
        crumbs: [...document.querySelectorAll("nav.breadcrumbs a")].map((a) => ({ name: a.textContent.trim(), item: a.href })),
        h1: document.querySelector("h1")?.textContent.trim(),
      }));
      const where = url.slice(ctx.base.length - 1);
      const fail = (msg) => problems.push(`${where}: ${msg}`);
      if (url.endsWith("/404.html")) {
        // The 404 page stands for every missing address: it is not a place in the site, so it has no
        // structured data, breadcrumbs or canonical URL.
        if (info.blocks.length) fail("the 404 page has JSON-LD");
        if (info.canonical) fail(`the 404 page has a canonical URL ${info.canonical}`);
        if (info.crumbs.length) fail("the 404 page has breadcrumbs");
        continue;
      }
      if (info.blocks.length === 0) {
        fail("no JSON-LD");
        continue;
      }
      const nodes = [];
      for (const block of info.blocks) {
        let data;
        try {
          data = JSON.parse(block);
        } catch (e) {
          fail(`JSON-LD does not parse: ${e.message}`);
          continue;
        }
        if (data["@context"] !== "https://schema.org") fail(`@context is ${data["@context"]}`);
        nodes.push(...(data["@graph"] ?? [data]));
      }
      const types = nodes.map((n) => n["@type"]);
      const byType = Object.fromEntries(nodes.map((n) => [n["@type"], n]));
      const isHome = url === ctx.base;
      let expected;
      if (isHome) expected = ["WebSite", "BreadcrumbList"];
      else if (info.stretch) expected = ["MedicalWebPage", "HowTo", "BreadcrumbList"];
      else if (info.article) expected = ["MedicalWebPage", "BreadcrumbList"];
      else expected = ["CollectionPage", "BreadcrumbList"];
      if (JSON.stringify([...types].sort()) !== JSON.stringify([...expected].sort())) {
        fail(`types ${types.join(", ")}, expected ${expected.join(", ")}`);
        continue;
      }
      if (isHome) {
        counts.WebSite++;
        if (byType.WebSite.url !== ctx.base) fail(`WebSite url ${byType.WebSite.url}`);
        if (byType.WebSite.name !== "Psoas and back pain") fail(`WebSite name ${byType.WebSite.name}`);
      }
      for (const type of ["MedicalWebPage", "CollectionPage"]) {
        const node = byType[type];
        if (!node) continue;
        type === "MedicalWebPage" ? counts.article++ : counts.collection++;
        if (node.url !== url || node.url !== info.canonical) fail(`${type} url ${node.url} is not the page's canonical URL ${info.canonical}`);
        if (type === "MedicalWebPage") {
          if (node.name !== info.h1) fail(`${type} name "${node.name}" is not the h1 "${info.h1}"`);
          if (!/^\d{4}-\d{2}-\d{2}$/.test(node.lastReviewed ?? "")) fail(`lastReviewed ${node.lastReviewed}`);
        }
      }
      if (byType.HowTo) {
        counts.stretch++;
        const howTo = byType.HowTo;
        if (howTo.name !== info.h1) fail(`HowTo name "${howTo.name}" is not the h1`);
        const steps = howTo.step ?? [];
        if (!steps.length || steps.some((s) => s["@type"] !== "HowToStep")) fail("HowTo steps are missing or not HowToStep");
        if (JSON.stringify(steps.map((s) => s.text)) !== JSON.stringify(info.steps)) fail("HowTo steps differ from the steps on the page");
        if (JSON.stringify(steps.map((s) => s.position)) !== JSON.stringify(steps.map((_, i) => i + 1))) fail("HowTo step positions are not 1..n");
        for (const s of steps) if (s.url !== `${url}#steps`) fail(`HowToStep url ${s.url}`);
        const hold = /^(\d+) seconds?$/.exec(info.facts.Hold ?? "");
        if (hold) {
          counts.timed++;
          const reps = Number(/^(\d+)/.exec(info.facts.Repetitions ?? "1")?.[1] ?? 1);
          const sides = / on each side$/.test(info.facts.Repetitions ?? "") ? 2 : 1;
          const sets = Number(info.facts.Sets ?? 1);
          const want = Number(hold[1]) * reps * sides * sets;
          if (!howTo.totalTime) fail(`the stretch holds ${hold[1]} s but HowTo has no totalTime`);
          else if (seconds(howTo.totalTime) !== want) fail(`HowTo totalTime ${howTo.totalTime} is not ${want} s (hold × repetitions × sides × sets)`);
        } else if (howTo.totalTime) fail(`HowTo totalTime ${howTo.totalTime} without a hold`);
      }
      const list = byType.BreadcrumbList.itemListElement ?? [];
      if (list.some((li, i) => li["@type"] !== "ListItem" || li.position !== i + 1)) fail("BreadcrumbList items are not ListItems at positions 1..n");
      if (list[0]?.item !== ctx.base) fail(`BreadcrumbList starts at ${list[0]?.item}`);
      if (info.crumbs.length) {
        const jsonCrumbs = list.map((li) => ({ name: li.name, item: li.item }));
        if (JSON.stringify(jsonCrumbs) !== JSON.stringify(info.crumbs)) fail(`BreadcrumbList ${JSON.stringify(jsonCrumbs)} differs from the breadcrumbs shown ${JSON.stringify(info.crumbs)}`);
      } else if (!isHome) fail("no breadcrumbs shown");
    }
  } finally {
    await page.close();
  }
  assertNone(problems, "structured data problems");
  assert.equal(counts.WebSite, 1);
  assert.ok(counts.stretch >= 8, `${counts.stretch} HowTo pages`);
  assert.ok(counts.timed >= 5, `${counts.timed} HowTo pages with a hold`);
  assert.ok(counts.article >= 18, `${counts.article} MedicalWebPage pages`);
  assert.ok(counts.collection >= 10, `${counts.collection} CollectionPage pages`);
});
