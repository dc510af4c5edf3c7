// A small static file server that behaves like GitHub Pages for a project site:
// the site is mounted under its base path (/psoas/), a folder serves its index.html,
// a folder without a trailing slash gets a 301 to the slash, a miss under the base path
// gets the site's own 404.html with status 404, and files get GitHub's content types.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

export const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "application/javascript; charset=utf-8",
  ".mjs": "application/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".pdf": "application/pdf",
};
const COMPRESSIBLE = /^(text\/|application\/(javascript|json|xml)|image\/svg\+xml)/;

function typeOf(file) {
  return TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

function statOrNull(file) {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/**
 * Starts the server. `root` is the built site folder, `basePath` the mount point ("/psoas/").
 * Resolves to { server, origin, base, close() }.
 */
export function startServer({ root, port = 0, host = "127.0.0.1", basePath = "/psoas/" }) {
  const siteRoot = fs.realpathSync(root);
  if (!basePath.startsWith("/") || !basePath.endsWith("/")) throw new Error(`basePath must start and end with "/": ${basePath}`);
  const notFoundPage = path.join(siteRoot, "404.html");

  function send(req, res, status, file, extraHeaders = {}) {
    const type = typeOf(file);
    let body = fs.readFileSync(file);
    const headers = { "Content-Type": type, "Cache-Control": "max-age=600", Vary: "Accept-Encoding", ...extraHeaders };
    if (COMPRESSIBLE.test(type) && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
      body = zlib.gzipSync(body);
      headers["Content-Encoding"] = "gzip";
    }
    headers["Content-Length"] = body.length;
    res.writeHead(status, headers);
    res.end(req.method === "HEAD" ? undefined : body);
  }

  function plain(req, res, status, text, headers = {}) {
    res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
    res.end(req.method === "HEAD" ? undefined : text);
  }

  function notFound(req, res) {
    if (statOrNull(notFoundPage)?.isFile()) send(req, res, 404, notFoundPage);
    else plain(req, res, 404, "404 Not Found\n");
  }

  const server = http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return plain(req, res, 405, "Method Not Allowed\n", { Allow: "GET, HEAD" });
    const url = new URL(req.url, "http://localhost");
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return plain(req, res, 400, "Bad Request\n");
    }
    if (pathname.includes("\0")) return plain(req, res, 400, "Bad Request\n");
    // The base path itself without its slash, like any folder, redirects.
    if (pathname + "/" === basePath) return redirect(res, basePath + url.search);
    // Outside the project site: the (absent) user site answers with a plain 404.
    if (!pathname.startsWith(basePath)) return plain(req, res, 404, "404 Not Found\n");
    const rel = pathname.slice(basePath.length);
    const file = path.resolve(siteRoot, "." + path.posix.normalize("/" + rel));
    if (file !== siteRoot && !file.startsWith(siteRoot + path.sep)) return notFound(req, res);
    const stat = statOrNull(file);
    if (stat?.isDirectory()) {
      if (!pathname.endsWith("/")) return redirect(res, url.pathname + "/" + url.search);
      const index = path.join(file, "index.html");
      if (statOrNull(index)?.isFile()) return send(req, res, 200, index);
      return notFound(req, res);
    }
    if (stat?.isFile() && !pathname.endsWith("/")) return send(req, res, 200, file);
    return notFound(req, res);
  });

  function redirect(res, location) {
    const body = `<html><head><title>301 Moved Permanently</title></head><body><a href="${location}">Moved</a></body></html>\n`;
    res.writeHead(301, { Location: location, "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  }

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      const origin = `http://${host}:${actual}`;
      resolve({
        server,
        origin,
        base: origin + basePath,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
