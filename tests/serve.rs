//! `psoas serve` as an author uses it: the real binary on a free port, real HTTP requests, real file edits.
//! Edits reach the served pages with a reload event; a broken edit sends the problems (the same text the
//! terminal shows) and keeps the last good site served; fixing it reloads; deletes and renames propagate;
//! paths that try to leave the output folder are refused.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

struct Server {
    child: Child,
    port: u16,
    _site: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: tempfile::TempDir) -> Server {
    let output = site.path().join("served");
    let (child, port, _) = spawn(site.path(), &["--output".as_ref(), output.as_os_str()], None);
    Server { child, port, _site: site }
}

/// `psoas serve --port 0` in `root` with `args`, and `TMPDIR` set to `temp`: the process, its port and the
/// folder it serves, once it says so.
#[allow(clippy::zombie_processes)] // callers wrap the child in a Server, which kills and reaps it when dropped
fn spawn(root: &Path, args: &[&std::ffi::OsStr], temp: Option<&Path>) -> (Child, u16, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_psoas"));
    command.args(["serve", "--port", "0"]).args(args).current_dir(root).stdout(Stdio::piped()).stderr(Stdio::null());
    if let Some(temp) = temp {
        command.env("TMPDIR", temp);
    }
    let mut child = command.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("the server announces its address");
        if let Some((before, rest)) = line.split_once(" at http://127.0.0.1:") {
            let port = rest.split('/').next().unwrap().parse().unwrap();
            return (child, port, before.trim_start_matches("Serving ").to_owned());
        }
    }
}

/// A minimal HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_owned(), body.to_owned())
}

/// Opens the event stream; each event arrives as (name, data).
fn events(port: u16) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /repo/__psoas/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let reader = BufReader::new(stream);
        let (mut name, mut data) = (String::new(), Vec::new());
        for line in reader.lines().map_while(Result::ok) {
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push(d.to_owned());
            } else if line.is_empty() && !name.is_empty() {
                if sender.send((std::mem::take(&mut name), data.join("\n"))).is_err() {
                    return;
                }
                data.clear();
            }
        }
    });
    receiver
}

fn next_event(events: &mpsc::Receiver<(String, String)>) -> (String, String) {
    events.recv_timeout(Duration::from_secs(20)).expect("an event after the change")
}

fn edit(root: &Path, rel: &str, text: &str) {
    write(root, rel, text);
}

fn fixture_site() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    for (path, bytes) in snapshot_tree(&fixture("basic")) {
        write(site.path(), &path, std::str::from_utf8(&bytes).unwrap());
    }
    site
}

#[test]
fn edits_reload_errors_show_and_clear_and_deletes_propagate() {
    let site = fixture_site();
    let root = site.path().to_owned();
    let server = start(site);
    let port = server.port;

    let (status, head, body) = get(port, "/repo/notes/first/");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: text/html"), "{head}");
    assert!(body.contains("<h1>First note</h1>"));
    assert!(body.contains("new EventSource(\"/repo/__psoas/events\")"), "served pages get the live-reload client");
    assert!(!std::fs::read_to_string(root.join("served/notes/first/index.html")).unwrap().contains("EventSource"), "but it is never written to disk");

    let stream = events(port);
    std::thread::sleep(Duration::from_millis(300));
    let first = std::fs::read_to_string(root.join("content/notes/first.md")).unwrap();
    edit(&root, "content/notes/first.md", &first.replace("Same heading again.", "Edited while serving."));
    assert_eq!(next_event(&stream).0, "reload");
    assert!(get(port, "/repo/notes/first/").2.contains("Edited while serving."));

    edit(&root, "content/notes/first.md", &first.replace("title: First note", "title: [broken"));
    let (name, data) = next_event(&stream);
    assert_eq!(name, "problems");
    assert!(data.starts_with("error: content/notes/first.md:2:8: "), "{data}");
    assert!(data.contains("2 | title: [broken"), "the overlay shows the same source line and caret as the terminal: {data}");
    assert!(get(port, "/repo/notes/first/").2.contains("Edited while serving."), "the last good page is still served");
    // A page opened while the build is broken learns about the problems at once.
    let late = events(port);
    assert_eq!(next_event(&late).0, "problems");

    edit(&root, "content/notes/first.md", &first);
    assert_eq!(next_event(&stream).0, "reload");
    assert!(get(port, "/repo/notes/first/").2.contains("Same heading again."));

    edit(&root, "content/notes/extra.md", "---\ntitle: Extra page\n---\nNew.\n");
    assert_eq!(next_event(&stream).0, "reload");
    assert_eq!(get(port, "/repo/notes/extra/").0, 200);
    std::fs::rename(root.join("content/notes/extra.md"), root.join("content/notes/moved.md")).unwrap();
    assert_eq!(next_event(&stream).0, "reload");
    let (status, _, body) = get(port, "/repo/notes/extra/");
    assert_eq!(status, 404, "a renamed page's old URL is gone");
    assert!(body.contains("<h1>Not found</h1>"), "misses get the site's 404.html");
    assert_eq!(get(port, "/repo/notes/moved/").0, 200);
    std::fs::remove_file(root.join("content/notes/moved.md")).unwrap();
    assert_eq!(next_event(&stream).0, "reload");
    assert_eq!(get(port, "/repo/notes/moved/").0, 404);
    assert!(!root.join("served/notes/moved").exists());
}

#[test]
fn serves_like_github_pages_and_refuses_traversal() {
    let site = fixture_site();
    std::fs::write(site.path().join("secret.txt"), "private").unwrap();
    std::fs::write(site.path().join("static/old.html"), b"<!doctype html><meta charset=windows-1252><title>Old</title><p>Caf\xe9</p>").unwrap();
    let server = start(site);
    let port = server.port;
    // A page in another encoding is served as it is, as GitHub Pages would.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /repo/old.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    assert!(response.starts_with(b"HTTP/1.1 200") && response.ends_with(b"<p>Caf\xe9</p>"), "{}", String::from_utf8_lossy(&response));
    let (status, head, _) = get(port, "/repo/notes");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /repo/notes/"), "{head}");
    assert_eq!(get(port, "/").0, 301, "the bare host redirects to the mounted site");
    let (status, head, body) = get(port, "/repo/pic.svg");
    assert_eq!(status, 200);
    assert!(head.contains("Content-Type: image/svg+xml"));
    assert!(body.contains("<svg"));
    assert!(get(port, "/repo/style.css").1.contains("Content-Type: text/css"));
    for path in ["/repo/../secret.txt", "/repo/%2e%2e/secret.txt", "/repo/%2E%2E%2Fsecret.txt", "/repo/notes/..%2f..%2fsecret.txt", "/repo/%00"] {
        let (status, _, body) = get(port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("private"), "{path}");
    }
    assert_eq!(get(port, "/notes/first/").0, 404, "outside the base path");
}

/// A rebuild's fresh memory would otherwise be zeroed 2 MiB at a time (see `prefer_small_pages`).
#[cfg(target_os = "linux")]
#[test]
fn the_server_runs_without_transparent_huge_pages() {
    let server = start(fixture_site());
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
    let line = status.lines().find(|l| l.starts_with("THP_enabled:")).expect("the kernel reports THP_enabled");
    assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    assert_eq!(get(server.port, "/repo/notes/").0, 200, "and serves as usual");
}

#[test]
fn a_static_folder_made_after_the_start_is_watched() {
    let site = fixture_site();
    let root = site.path().to_owned();
    std::fs::rename(root.join("static"), root.join("static-later")).unwrap();
    let server = start(site);
    let port = server.port;
    let stream = events(port);
    // Without its static files the site has broken links; with them back, it builds.
    assert_eq!(next_event(&stream).0, "problems");
    std::fs::rename(root.join("static-later"), root.join("static")).unwrap();
    assert_eq!(next_event(&stream).0, "reload");
    assert_eq!(get(port, "/repo/pic.svg").0, 200);
    edit(&root, "static/hello.txt", "hello");
    assert_eq!(next_event(&stream).0, "reload");
    let (status, _, body) = get(port, "/repo/hello.txt");
    assert_eq!((status, body.as_str()), (200, "hello"), "a file made in the new folder is copied");
}

/// Files kept outside the site and linked in (a stylesheet, a page shared between sites): edits to them, saved
/// in place or by writing a new file and renaming it over the old one, reach the served site, as do edits
/// to a file or folder linked in while serving.
#[test]
fn edits_to_the_files_that_symbolic_links_lead_to_are_served() {
    use std::os::unix::fs::symlink;
    let site = fixture_site();
    let root = site.path().to_owned();
    let shared = tempfile::tempdir().unwrap();
    let shared = shared.path();
    edit(shared, "brand.css", ".brand{color:red}");
    edit(shared, "notice.md", "---\ntitle: Notice\n---\nVersion one.\n");
    symlink(shared.join("brand.css"), root.join("static/brand.css")).unwrap();
    symlink(shared.join("notice.md"), root.join("content/notes/notice.md")).unwrap();
    let server = start(site);
    let port = server.port;
    let stream = events(port);
    std::thread::sleep(Duration::from_millis(300));

    edit(shared, "brand.css", ".brand{color:blue}");
    assert_eq!(next_event(&stream).0, "reload");
    assert_eq!(get(port, "/repo/brand.css").2, ".brand{color:blue}");
    edit(shared, "notice.md", "---\ntitle: Notice\n---\nVersion two.\n");
    assert_eq!(next_event(&stream).0, "reload");
    assert!(get(port, "/repo/notes/notice/").2.contains("Version two."));
    edit(shared, "notice.new", "---\ntitle: Notice\n---\nVersion three.\n");
    std::fs::rename(shared.join("notice.new"), shared.join("notice.md")).unwrap();
    assert_eq!(next_event(&stream).0, "reload");
    assert!(get(port, "/repo/notes/notice/").2.contains("Version three."), "a file saved by renaming over it");

    edit(shared, "later.md", "---\ntitle: Later\n---\nLater one.\n");
    symlink(shared.join("later.md"), root.join("content/notes/later.md")).unwrap();
    assert_eq!(next_event(&stream).0, "reload");
    assert!(get(port, "/repo/notes/later/").2.contains("Later one."));
    edit(shared, "later.md", "---\ntitle: Later\n---\nLater two.\n");
    assert_eq!(next_event(&stream).0, "reload");
    assert!(get(port, "/repo/notes/later/").2.contains("Later two."), "a link made while serving is followed");

    edit(shared, "lib/a.txt", "one");
    symlink(shared.join("lib"), root.join("static/lib")).unwrap();
    assert_eq!(next_event(&stream).0, "reload");
    assert_eq!(get(port, "/repo/lib/a.txt").2, "one");
    edit(shared, "lib/a.txt", "two");
    assert_eq!(next_event(&stream).0, "reload");
    assert_eq!(get(port, "/repo/lib/a.txt").2, "two", "so is a link to a folder made while serving");
}

/// A port another program holds is an error that says what to do.
#[test]
fn a_port_in_use_says_to_choose_another() {
    let site = fixture_site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let output = Command::new(env!("CARGO_BIN_EXE_psoas")).args(["serve", "--port", &port.to_string()]).current_dir(site.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")) && stderr.contains(&format!("choose another port with `--port {}`, or `--port 0` for any free one", port + 1)), "{stderr}");
}

#[test]
fn a_rebuild_that_writes_nothing_leaves_open_pages_alone() {
    let site = fixture_site();
    let root = site.path().to_owned();
    let server = start(site);
    let stream = events(server.port);
    std::thread::sleep(Duration::from_millis(300));
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    edit(&root, "site.yaml", &yaml);
    assert!(stream.recv_timeout(Duration::from_millis(1500)).is_err(), "no reload for a site that did not change");
    edit(&root, "site.yaml", &yaml.replace("description: A site for tests.", "description: Changed."));
    assert_eq!(next_event(&stream).0, "reload");
}

/// Without `--output`, a server builds in a folder of the system's temporary directory, kept for the next
/// run; a second server of the same site at the same time takes another folder, and each serves its own
/// build (here one under the site's /repo/, one at the root).
#[test]
fn two_servers_of_one_site_build_in_folders_of_their_own() {
    let site = fixture_site();
    let temp = tempfile::tempdir().unwrap();
    let (first, first_port, first_folder) = spawn(site.path(), &[], Some(temp.path()));
    let first = Server { child: first, port: first_port, _site: site };
    let (second, second_port, second_folder) = spawn(first._site.path(), &["--base-url".as_ref(), "http://127.0.0.1:1/".as_ref()], Some(temp.path()));
    let second = Server { child: second, port: second_port, _site: tempfile::tempdir().unwrap() };
    assert!(first_folder.starts_with(temp.path().to_str().unwrap()), "{first_folder}");
    assert_ne!(first_folder, second_folder);
    let (status, _, home) = get(first.port, "/repo/");
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/repo/style.css\""), "the first server's pages are its own: {home}");
    let (status, _, home) = get(second.port, "/");
    assert_eq!(status, 200);
    assert!(home.contains("href=\"/style.css\""), "{home}");
    // Stopped and started again, a server takes the first folder back.
    let root = first._site.path().to_owned();
    drop(second);
    let (again, again_port, again_folder) = spawn(&root, &[], Some(temp.path()));
    let _again = Server { child: again, port: again_port, _site: tempfile::tempdir().unwrap() };
    drop(first);
    assert_eq!(again_folder, second_folder, "the folder let go of is taken again");
}

/// A new path in site.yaml's base_url cannot move a running server: it says so, and the site goes on being
/// served where it was.
#[test]
fn a_new_base_url_path_asks_for_a_restart() {
    let site = fixture_site();
    let output = site.path().join("served");
    let mut child = Command::new(env!("CARGO_BIN_EXE_psoas"))
        .args(["serve", "--port", "0", "--output"])
        .arg(&output)
        .current_dir(site.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (sender, receiver) = mpsc::channel();
    for stream in [Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>, Box::new(child.stderr.take().unwrap())] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    let _server = Server { child, port: 0, _site: tempfile::tempdir().unwrap() };
    let wait_for = |needle: &str| loop {
        let line = receiver.recv_timeout(Duration::from_secs(30)).unwrap_or_else(|_| panic!("no line with {needle:?}"));
        if line.contains(needle) {
            return line;
        }
    };
    wait_for("Serving ");
    let yaml = std::fs::read_to_string(site.path().join("site.yaml")).unwrap();
    edit(site.path(), "site.yaml", &yaml.replace("https://example.org/repo/", "https://example.org/docs/"));
    let note = wait_for("note: ");
    assert_eq!(note, "note: base_url's path is now `/docs/`, but the site is still served at `/repo/`: restart `psoas serve` to serve it there");
}

/// `psoas watch` says what each good rebuild applied: after failed rebuilds, that is every change made since
/// the last good one, not only the edit that fixed the mistake.
#[test]
fn a_rebuild_after_failed_ones_names_every_change_it_applied() {
    let site = fixture_site();
    let root = site.path();
    let mut child = Command::new(env!("CARGO_BIN_EXE_psoas"))
        .args(["watch", "--output", "out"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let next = || lines.recv_timeout(Duration::from_secs(20)).expect("a line from psoas watch");
    while !next().starts_with("Watching") {}
    let first = std::fs::read_to_string(root.join("content/notes/first.md")).unwrap();
    edit(root, "content/notes/first.md", &first.replace("title: First note", "title: [broken"));
    std::thread::sleep(Duration::from_millis(600));
    let about = std::fs::read_to_string(root.join("content/about.md")).unwrap();
    edit(root, "content/about.md", &about.replace("Nothing here is advice.", "Edited while broken."));
    std::thread::sleep(Duration::from_millis(600));
    edit(root, "content/notes/first.md", &first);
    let line = next();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("Changed content/about.md, content/notes/first.md: rebuilt"), "{line}");
    assert!(std::fs::read_to_string(root.join("out/about/index.html")).unwrap().contains("Edited while broken."));
}
