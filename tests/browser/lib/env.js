// Shared setup: where the built site is, which port to serve it on, and how to launch Chromium.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.js";

export const HERE = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ARTIFACTS = path.join(HERE, "artifacts");
export const BASE_PATH = "/psoas/";

export const CHROMIUM = process.env.PSOAS_CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The built site: SITE_DIR is required and must hold a built site. */
export function siteDir() {
  const dir = process.env.SITE_DIR;
  if (!dir) throw new Error("SITE_DIR is not set: point it at a site built by `psoas build` (tests/browser.rs does this)");
  if (!fs.existsSync(path.join(dir, "index.html")) || !fs.existsSync(path.join(dir, "404.html"))) {
    throw new Error(`SITE_DIR=${dir} does not hold a built site (no index.html or 404.html)`);
  }
  return dir;
}

/** The port the site was built for (its canonical URLs use it). */
export function sitePort() {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be the port the site was built for, got ${process.env.PORT}`);
  return port;
}

/** Serves SITE_DIR on 127.0.0.1:PORT under /psoas/. */
export function serveSite() {
  return startServer({ root: siteDir(), port: sitePort(), basePath: BASE_PATH });
}

export function launchBrowser(options = {}) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set PSOAS_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, ...options });
}

export function artifact(name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/**
 * Common per-file fixture: a server and a browser, opened before the tests and closed after.
 * `setup(ctx)`, if given, runs once both are ready (top-level hooks do not wait for each other).
 */
export function useSiteAndBrowser({ before, after }, setup) {
  const ctx = { server: null, browser: null, base: null, origin: null };
  before(async () => {
    ctx.server = await serveSite();
    ctx.base = ctx.server.base;
    ctx.origin = ctx.server.origin;
    ctx.browser = await launchBrowser();
    if (setup) await setup(ctx);
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
  });
  return ctx;
}
