// Discovers the site the way a reader (and a search engine) would: from the home page, following every
// link and asset recursively, and from sitemap.xml. Every HTML page is opened in the real browser and its
// links, assets and ids are read from the live DOM; every other file is fetched once.
import { XMLParser } from "fast-xml-parser";

/** Reads the <loc> URLs of sitemap.xml. */
export async function sitemapUrls(base) {
  const res = await fetch(base + "sitemap.xml");
  if (res.status !== 200) throw new Error(`sitemap.xml: status ${res.status}`);
  const doc = new XMLParser().parse(await res.text());
  const urls = doc?.urlset?.url;
  const list = Array.isArray(urls) ? urls : urls ? [urls] : [];
  return list.map((u) => String(u.loc));
}

function stripHash(url) {
  const u = new URL(url);
  u.hash = "";
  return u.href;
}

/** Links and assets inside CSS and SVG files (url(...), @import, href). */
function referencesIn(text, type) {
  const refs = [];
  if (/css|svg/.test(type)) {
    for (const m of text.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) refs.push(m[2]);
    for (const m of text.matchAll(/@import\s+(['"])([^'"]+)\1/g)) refs.push(m[2]);
  }
  if (/svg/.test(type)) {
    for (const m of text.matchAll(/\s(?:xlink:)?href\s*=\s*(['"])([^'"]+)\1/g)) refs.push(m[2]);
  }
  return refs.filter((r) => !r.startsWith("#") && !r.startsWith("data:"));
}

/**
 * Crawls from `seeds`. Returns
 *   pages:     Map(url -> { status, ids:Set, links:[{to, tag, attr}], title })   (HTML pages, no hash)
 *   resources: Map(url -> { status, type, bytes })                                 (everything fetched)
 *   links:     [{ from, to, tag, attr }]                                           (every reference found)
 */
export async function crawl(browser, base, seeds = [base]) {
  const origin = new URL(base).origin;
  const context = await browser.newContext();
  const page = await context.newPage();
  const pages = new Map();
  const resources = new Map();
  const links = [];
  const queue = [...new Set(seeds.map(stripHash))];
  const seen = new Set(queue);

  function enqueue(from, to, tag, attr) {
    links.push({ from, to, tag, attr });
    let url;
    try {
      url = new URL(to);
    } catch {
      return;
    }
    if (url.origin !== origin) return;
    const key = stripHash(url.href);
    if (!seen.has(key)) {
      seen.add(key);
      queue.push(key);
    }
  }

  try {
    while (queue.length) {
      const url = queue.shift();
      // Status without following redirects: a link that needs a redirect is a link to fix.
      const res = await context.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
      const type = res.headers()["content-type"] ?? "";
      const body = await res.body();
      resources.set(url, { status: res.status(), type, bytes: body.length, location: res.headers()["location"] });
      if (res.status() !== 200) continue;
      if (type.startsWith("text/html")) {
        const response = await page.goto(url, { waitUntil: "load" });
        const info = await page.evaluate(() => {
          const out = [];
          for (const el of document.querySelectorAll("[href], [src], [srcset], [poster], [data]")) {
            for (const attr of ["href", "src", "poster", "data"]) {
              const v = el.getAttribute(attr);
              if (v !== null && !(el.tagName === "OBJECT" && attr !== "data")) out.push({ tag: el.tagName.toLowerCase(), attr, value: v, abs: new URL(v, document.baseURI).href });
            }
            const srcset = el.getAttribute("srcset");
            if (srcset) {
              for (const part of srcset.split(",")) {
                const v = part.trim().split(/\s+/)[0];
                if (v) out.push({ tag: el.tagName.toLowerCase(), attr: "srcset", value: v, abs: new URL(v, document.baseURI).href });
              }
            }
          }
          const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
          const names = [...document.querySelectorAll("a[name]")].map((e) => e.getAttribute("name"));
          return { refs: out, ids: [...ids, ...names], title: document.title };
        });
        const entry = { status: response.status(), ids: new Set(info.ids), links: [], title: info.title };
        pages.set(url, entry);
        for (const r of info.refs) {
          entry.links.push({ to: r.abs, tag: r.tag, attr: r.attr, raw: r.value });
          enqueue(url, r.abs, r.tag, r.attr);
        }
      } else if (/css|svg/.test(type)) {
        for (const ref of referencesIn(body.toString("utf8"), type)) enqueue(url, new URL(ref, url).href, type.includes("css") ? "css" : "svg", "url");
      }
    }
  } finally {
    await context.close();
  }
  return { pages, resources, links, origin };
}

/** All HTML pages of the site: crawled from the home page and from sitemap.xml, plus the 404 page. */
export async function allPages(browser, base) {
  const { pages } = await crawl(browser, base, [base, ...(await sitemapUrls(base)), base + "404.html"]);
  return [...pages.keys()].sort();
}
