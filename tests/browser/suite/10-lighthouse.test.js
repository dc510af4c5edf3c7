// Lighthouse (mobile, its default) on the home page and a stretch page: performance, accessibility, best
// practices and SEO each score at least 95. Reports (HTML and JSON) go to artifacts/lighthouse/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { serveSite, CHROMIUM, CHROMIUM_ARGS, artifact } from "../lib/env.js";

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const MIN_SCORE = 95;

let server;
let chrome;
before(async () => {
  server = await serveSite();
  chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ["--headless=new", ...CHROMIUM_ARGS], logLevel: "error" });
});
after(async () => {
  await chrome?.kill();
  await server?.close();
});

for (const [name, path] of [
  ["home", ""],
  ["half-kneeling", "stretches/half-kneeling/"],
]) {
  test(`Lighthouse scores ${name} at least ${MIN_SCORE} in every category`, { timeout: 240_000 }, async () => {
    const url = server.base + path;
    const result = await lighthouse(url, { port: chrome.port, output: ["html", "json"], logLevel: "error", onlyCategories: CATEGORIES });
    const [html, json] = result.report;
    fs.mkdirSync(artifact("lighthouse"), { recursive: true });
    fs.writeFileSync(artifact(`lighthouse/${name}.report.html`), html);
    fs.writeFileSync(artifact(`lighthouse/${name}.report.json`), json);
    const lhr = result.lhr;
    assert.equal(lhr.runtimeError, undefined, JSON.stringify(lhr.runtimeError));
    assert.equal(lhr.finalDisplayedUrl, url, "Lighthouse audited the page itself, not an error page or a redirect");
    assert.equal(lhr.configSettings.formFactor, "mobile");
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    console.log(`${name}: ${JSON.stringify(scores)}`);
    const low = [];
    for (const c of CATEGORIES) {
      if (scores[c] >= MIN_SCORE) continue;
      const failing = lhr.categories[c].auditRefs
        .map((ref) => lhr.audits[ref.id])
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable")
        .map((a) => `${a.id} (${a.score}${a.displayValue ? ", " + a.displayValue : ""})`);
      low.push(`${c} ${scores[c]}: ${failing.join("; ")}`);
    }
    assert.deepEqual(low, [], `categories under ${MIN_SCORE} on ${url}`);
    // Canonical URL and crawlability are judged for real: the site was built for this server's address, so
    // the page's canonical URL is the very URL audited (not the published site's).
    const canonical = /<link rel="canonical" href="([^"]+)">/.exec(await (await fetch(url)).text())?.[1];
    assert.equal(canonical, url, "the canonical URL is the audited URL (build with --base-url for this server)");
    assert.equal(lhr.audits.canonical.score, 1, "canonical URL is valid");
    assert.equal(lhr.audits["is-crawlable"].score, 1);
  });
}
