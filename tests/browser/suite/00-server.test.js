// The test server must behave like GitHub Pages, or every other test checks the wrong thing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { serveSite, siteDir } from "../lib/env.js";

let server;
before(async () => {
  server = await serveSite();
});
after(async () => {
  await server?.close();
});

async function get(p, init = {}) {
  return fetch(server.origin + p, { redirect: "manual", ...init });
}

test("the site is mounted under /psoas/ and a folder serves its index.html", async () => {
  const res = await get("/psoas/");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(await res.text(), fs.readFileSync(path.join(siteDir(), "index.html"), "utf8"));
  const page = await get("/psoas/stretches/half-kneeling/");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<h1>Half-kneeling hip-flexor stretch<\/h1>/);
});

test("a folder without its trailing slash redirects with 301 to the slash, keeping the query", async () => {
  for (const [from, to] of [
    ["/psoas", "/psoas/"],
    ["/psoas/stretches", "/psoas/stretches/"],
    ["/psoas/stretches/half-kneeling?x=1", "/psoas/stretches/half-kneeling/?x=1"],
  ]) {
    const res = await get(from);
    assert.equal(res.status, 301, from);
    assert.equal(res.headers.get("location"), to, from);
  }
});

test("a miss gets the site's 404.html with status 404", async () => {
  const expected = fs.readFileSync(path.join(siteDir(), "404.html"), "utf8");
  for (const p of ["/psoas/no-such-page/", "/psoas/no-such-file.css", "/psoas/stretches/half-kneeling/index.html/"]) {
    const res = await get(p);
    assert.equal(res.status, 404, p);
    assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8", p);
    assert.equal(await res.text(), expected, p);
  }
  const outside = await get("/style.css");
  assert.equal(outside.status, 404, "files are only served under the base path");
});

test("paths that climb out of the site folder are not served", async () => {
  for (const raw of ["/psoas/../../../../etc/passwd", "/psoas/..%2f..%2f..%2f..%2fetc%2fpasswd", "/psoas/%2e%2e/%2e%2e/%2e%2e/etc/passwd"]) {
    const { status, body } = await new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: new URL(server.origin).port, path: raw }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 404, raw);
    assert.doesNotMatch(body, /root:/, raw);
  }
});

test("files get GitHub Pages' content types", async () => {
  const expected = {
    "/psoas/style.css": "text/css; charset=utf-8",
    "/psoas/timer.js": "application/javascript; charset=utf-8",
    "/psoas/favicon.svg": "image/svg+xml",
    "/psoas/illustrations/half-kneeling.svg": "image/svg+xml",
    "/psoas/sitemap.xml": "application/xml",
    "/psoas/atom.xml": "application/xml",
    "/psoas/robots.txt": "text/plain; charset=utf-8",
    "/psoas/404.html": "text/html; charset=utf-8",
  };
  for (const [p, type] of Object.entries(expected)) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers.get("content-type"), type, p);
    assert.ok((await res.arrayBuffer()).byteLength > 0, p);
  }
});

test("text is served gzip-compressed when asked, identical once decoded, and HEAD has no body", async () => {
  const raw = fs.readFileSync(path.join(siteDir(), "style.css"));
  const res = await get("/psoas/style.css", { headers: { "accept-encoding": "gzip" } });
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), raw);
  const head = await get("/psoas/style.css", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal((await head.arrayBuffer()).byteLength, 0);
  const post = await get("/psoas/", { method: "POST" });
  assert.equal(post.status, 405);
});
