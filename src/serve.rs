//! The development server: serves the output folder the way GitHub Pages will (mounted under the base path,
//! folders redirect to a trailing slash, misses get `404.html` with status 404), pushes live-reload and
//! build-problem events to open pages over server-sent events, and refuses every path that could leave the
//! output folder. The live-reload snippet is added to HTML as it is served, never written to disk.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result};
use tiny_http::{Header, Request, Response, Server};

/// Server-sent event path, under the mount path.
pub const EVENTS_PATH: &str = "__psoas/events";

/// What open pages are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A rebuild succeeded: reload.
    Reload,
    /// A rebuild failed: show these problems over the page.
    Problems(String),
}

/// Shared between the request handlers and the rebuild loop.
pub struct State {
    output: PathBuf,
    /// The base path as requests are compared with it, percent-decoded (`/my docs/`, `/café/`).
    mount: String,
    /// The base path as it goes into a `Location` header or a script: percent-encoded ASCII.
    mount_url: String,
    last_problems: Mutex<Option<String>>,
    clients: Mutex<Vec<Sender<Event>>>,
}

impl State {
    /// `mount` is the base path as site.yaml writes it, with or without percent escapes.
    fn new(output: PathBuf, mount: &str) -> State {
        let decoded = percent_decode_strict(mount).unwrap_or_else(|| mount.to_owned());
        State { output, mount_url: percent_encode_path(&decoded), mount: decoded, last_problems: Mutex::new(None), clients: Mutex::new(Vec::new()) }
    }

    /// Whether open pages show problems now.
    pub fn shows_problems(&self) -> bool {
        self.last_problems.lock().expect("not poisoned").is_some()
    }

    /// Tells every open page about a build result.
    pub fn broadcast(&self, event: Event) {
        *self.last_problems.lock().expect("not poisoned") = match &event {
            Event::Problems(text) => Some(text.clone()),
            Event::Reload => None,
        };
        self.clients.lock().expect("not poisoned").retain(|client| client.send(event.clone()).is_ok());
    }
}

pub struct Running {
    pub state: Arc<State>,
    pub port: u16,
    server: Arc<Server>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// Binds `bind:port` (port 0 picks a free one) and serves `output` under `mount` (`/` or `/repo/`) on
/// background threads.
pub fn start(bind: &str, port: u16, output: &Path, mount: &str) -> Result<Running> {
    let server = Server::http((bind, port)).map_err(|e| {
        let in_use = e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::AddrInUse);
        let hint = if in_use { format!(": another program (or another `psoas serve`) listens there; choose another port with `--port {}`, or `--port 0` for any free one", port.saturating_add(1)) } else { String::new() };
        anyhow::anyhow!("cannot listen on {bind}:{port}: {e}{hint}")
    })?;
    let port = server.server_addr().to_ip().map(|a| a.port()).context("the server has no IP address")?;
    fs::create_dir_all(output).with_context(|| format!("cannot create {}", output.display()))?;
    let state = Arc::new(State::new(fs::canonicalize(output).with_context(|| format!("cannot resolve {}", output.display()))?, mount));
    let server = Arc::new(server);
    let (accept_server, accept_state) = (server.clone(), state.clone());
    std::thread::spawn(move || {
        for request in accept_server.incoming_requests() {
            let state = accept_state.clone();
            std::thread::spawn(move || handle(&state, request));
        }
    });
    Ok(Running { state, port, server })
}

fn handle(state: &State, request: Request) {
    let url = request.url().to_owned();
    let (path, query) = url.split_once('?').map_or((url.as_str(), ""), |(p, q)| (p, q));
    let _ = match route(state, path) {
        Route::Events => return serve_events(state, request),
        Route::Redirect(to) => {
            // The query is passed on as the client wrote it, with only what cannot go in a header escaped.
            let query: String = query.bytes().map(|b| if b.is_ascii_graphic() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect();
            let location = if query.is_empty() { to } else { format!("{to}?{query}") };
            request.respond(Response::empty(301).with_header(header("Location", &location)))
        }
        Route::File(file) => respond_file(state, request, &file, 200),
        Route::NotFound => match state.output.join("404.html") {
            page if page.is_file() => respond_file(state, request, &page, 404),
            _ => request.respond(html_response(&inject(state, "<!doctype html><title>Not found</title><h1>Not found</h1>"), 404)),
        },
        Route::BadRequest => request.respond(Response::from_string("bad request").with_status_code(400)),
    };
}

#[derive(Debug, PartialEq, Eq)]
enum Route {
    Events,
    Redirect(String),
    File(PathBuf),
    NotFound,
    BadRequest,
}

/// Maps a request path to what to answer, refusing anything that could leave the output folder.
fn route(state: &State, path: &str) -> Route {
    let Some(decoded) = percent_decode_strict(path) else { return Route::BadRequest };
    if decoded.contains(['\0', '\\']) || decoded.split('/').any(|segment| segment == "..") {
        return Route::BadRequest;
    }
    let mount = state.mount.as_str();
    if decoded == format!("{mount}{EVENTS_PATH}") {
        return Route::Events;
    }
    let Some(rel) = decoded.strip_prefix(mount) else {
        // Convenience: the bare host redirects to the mounted site.
        return if decoded == "/" || format!("{decoded}/") == mount { Route::Redirect(state.mount_url.clone()) } else { Route::NotFound };
    };
    let candidate = state.output.join(rel);
    let Ok(real) = fs::canonicalize(&candidate) else { return Route::NotFound };
    // The mark by which psoas knows the folder as its own is not part of the site, and is not published.
    if real == state.output.join(crate::output::MARKER) {
        return Route::NotFound;
    }
    if !real.starts_with(&state.output) {
        // A symlink that leads out of the output folder.
        return Route::NotFound;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Route::Redirect(percent_encode_path(&format!("{decoded}/")));
        }
        let index = real.join("index.html");
        return if index.is_file() { Route::File(index) } else { Route::NotFound };
    }
    Route::File(real)
}

/// Percent-decoding that fails on malformed escapes or invalid UTF-8.
fn percent_decode_strict(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Escapes every byte of a decoded path that may not stand as it is in a URL path, so that the result is
/// ASCII and fits in a header (`/café/` is `/caf%C3%A9/`, `/my docs/` is `/my%20docs/`).
fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn respond_file(state: &State, request: Request, file: &Path, status: u16) -> io::Result<()> {
    let content_type = content_type(file);
    if content_type.starts_with("text/html") {
        return match fs::read(file).map(String::from_utf8) {
            Ok(Ok(html)) => request.respond(html_response(&inject(state, &html), status)),
            // A page in another encoding (a Windows-1252 page kept in static/) is served as it is, as GitHub
            // Pages serves it, with the charset its own `<meta>` names, and without live reload.
            Ok(Err(not_utf8)) => request.respond(Response::from_data(not_utf8.into_bytes()).with_status_code(status).with_header(header("Content-Type", "text/html")).with_header(header("Cache-Control", "no-cache"))),
            Err(_) => request.respond(Response::empty(404)),
        };
    }
    match fs::File::open(file) {
        Ok(handle) => request.respond(Response::from_file(handle).with_status_code(status).with_header(header("Content-Type", content_type)).with_header(header("Cache-Control", "no-cache"))),
        Err(_) => request.respond(Response::empty(404)),
    }
}

fn html_response(html: &str, status: u16) -> Response<io::Cursor<Vec<u8>>> {
    Response::from_string(html).with_status_code(status).with_header(header("Content-Type", "text/html; charset=utf-8")).with_header(header("Cache-Control", "no-cache"))
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload client to a served page: it reloads after a successful rebuild and shows the build's
/// problems over the page after a failed one.
fn inject(state: &State, html: &str) -> String {
    let script = format!(
        r#"<script>(()=>{{const es=new EventSource("{mount}{EVENTS_PATH}");let box;es.addEventListener("reload",()=>location.reload());es.addEventListener("problems",e=>{{if(!box){{box=document.createElement("div");box.id="psoas-problems";box.setAttribute("role","alert");box.style.cssText="position:fixed;inset:0;z-index:2147483647;margin:0;padding:1.5rem;overflow:auto;background:#1b1b1b;color:#f5f5f5;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap";document.body.append(box)}}box.textContent="The last change did not build; the page below is as it was before it.\n\n"+e.data}})}})();</script>"#,
        mount = state.mount_url
    );
    match html.rfind("</body>") {
        Some(i) => format!("{}{script}{}", &html[..i], &html[i..]),
        None => format!("{html}{script}"),
    }
}

fn serve_events(state: &State, request: Request) {
    let (sender, receiver) = mpsc::channel();
    if let Some(problems) = state.last_problems.lock().expect("not poisoned").clone() {
        let _ = sender.send(Event::Problems(problems));
    }
    state.clients.lock().expect("not poisoned").push(sender);
    // The stream is written by hand and flushed after each event: a response body would be buffered.
    let mut stream = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if stream.write_all(head.as_bytes()).and_then(|()| stream.flush()).is_err() {
        return;
    }
    loop {
        let message = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event_text(&event),
            // A comment now and then, so a closed connection is noticed and its thread ends.
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_owned(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(message.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}

fn event_text(event: &Event) -> String {
    match event {
        Event::Reload => "event: reload\ndata: \n\n".to_owned(),
        Event::Problems(text) => {
            let data: String = text.lines().map(|line| format!("data: {line}\n")).collect();
            format!("event: problems\n{data}\n")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(output: &Path) -> State {
        State::new(fs::canonicalize(output).unwrap(), "/repo/")
    }

    #[test]
    fn routes_like_github_pages_and_refuses_traversal() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("out/a")).unwrap();
        fs::write(dir.path().join("out/a/index.html"), "<p>a</p>").unwrap();
        fs::write(dir.path().join("secret.txt"), "no").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), dir.path().join("out/link.txt")).unwrap();
        let state = state(&dir.path().join("out"));
        let out = fs::canonicalize(dir.path().join("out")).unwrap();
        assert_eq!(route(&state, "/repo/a/"), Route::File(out.join("a/index.html")));
        assert_eq!(route(&state, "/repo/a"), Route::Redirect("/repo/a/".into()));
        assert_eq!(route(&state, "/"), Route::Redirect("/repo/".into()));
        assert_eq!(route(&state, "/repo"), Route::Redirect("/repo/".into()));
        assert_eq!(route(&state, "/repo/missing/"), Route::NotFound);
        assert_eq!(route(&state, "/a/"), Route::NotFound);
        assert_eq!(route(&state, "/repo/../secret.txt"), Route::BadRequest);
        assert_eq!(route(&state, "/repo/%2e%2e/secret.txt"), Route::BadRequest);
        assert_eq!(route(&state, "/repo/a/%2E%2E%2F..%2Fsecret.txt"), Route::BadRequest);
        assert_eq!(route(&state, "/repo/%zz"), Route::BadRequest);
        assert_eq!(route(&state, "/repo/link.txt"), Route::NotFound, "symlinks out of the folder are not followed");
        assert_eq!(route(&state, "/repo/__psoas/events"), Route::Events);
        fs::write(dir.path().join("out").join(crate::output::MARKER), "psoas").unwrap();
        assert_eq!(route(&state, &format!("/repo/{}", crate::output::MARKER)), Route::NotFound, "the output's marker is not served");
        assert_eq!(route(&state, &format!("/repo/./{}", crate::output::MARKER)), Route::NotFound, "by any path");
    }

    #[test]
    fn a_base_path_with_escapes_or_non_ascii_is_served_and_redirected_to_in_ascii() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a b")).unwrap();
        fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        let out = fs::canonicalize(dir.path()).unwrap();
        for (written, encoded) in [("/my%20docs/", "/my%20docs/"), ("/my docs/", "/my%20docs/"), ("/café/", "/caf%C3%A9/"), ("/caf%C3%A9/", "/caf%C3%A9/")] {
            let state = State::new(out.clone(), written);
            assert_eq!(route(&state, "/"), Route::Redirect(encoded.into()), "{written}");
            assert_eq!(route(&state, encoded.trim_end_matches('/')), Route::Redirect(encoded.into()), "{written}");
            assert_eq!(route(&state, encoded), Route::File(out.join("index.html")), "{written}");
            assert_eq!(route(&state, &format!("{encoded}a%20b")), Route::Redirect(format!("{encoded}a%20b/")), "{written}");
            assert_eq!(route(&state, &format!("{encoded}__psoas/events")), Route::Events, "{written}");
            assert!(inject(&state, "<body></body>").contains(&format!("new EventSource(\"{encoded}__psoas/events\")")), "{written}");
        }
    }

    #[test]
    fn the_snippet_goes_before_the_body_end() {
        let dir = tempfile::tempdir().unwrap();
        let html = inject(&state(dir.path()), "<html><body><p>x</p></body></html>");
        assert!(html.contains("new EventSource(\"/repo/__psoas/events\")"));
        assert!(html.ends_with("</script></body></html>"));
    }
}
