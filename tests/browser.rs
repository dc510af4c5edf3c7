//! The real-browser suite in `tests/browser/` (Node's test runner, Playwright on Debian's Chromium, axe-core,
//! html-validate, Lighthouse), run as part of `cargo test`.
//!
//! This test builds the bundled site for a free local port (so canonical URLs, the sitemap and the feed point at
//! the server the suite starts), and a copy of it whose lists are split every few entries (`PAGED_SITE_DIR`,
//! for the pagination tests), installs the suite's npm packages when needed, runs `node --test` with
//! `SITE_DIR` and `PORT`, streams its output, and fails unless every Node test ran and passed.
//!
//! Without Chromium (`/usr/bin/chromium`, or `PSOAS_CHROMIUM`) or Node/npm it says loudly that it skipped; with
//! `CI=true` a missing tool is a failure instead.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use psoas::cmd::build::{BuildArgs, build};

/// The whole Node run must finish within this time (it takes a few minutes on 2 cores).
const NODE_DEADLINE: Duration = Duration::from_secs(15 * 60);
/// Fewer Node tests than this means test files were not found.
const MIN_NODE_TESTS: u64 = 60;

/// Prints past the test harness's output capture, so progress shows while `cargo test` runs.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Reports a missing tool: a loud skip on a developer's machine, a failure in CI. Returns false to skip.
fn require(found: bool, what: &str, hint: &str) -> bool {
    if found {
        return true;
    }
    if in_ci() {
        panic!("browser tests need {what}, which is missing, and CI=true makes that a failure. {hint}");
    }
    let line = "!".repeat(100);
    say(&format!("\n{line}\nSKIPPED: browser tests need {what}, which is missing: {hint}\n{line}\n"));
    false
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PSOAS_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.is_file().then_some(path)
}

fn runs(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn modified(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn install_packages(dir: &Path) {
    let lock = dir.join("package-lock.json");
    // npm writes node_modules/.package-lock.json on every install.
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (modified(&installed), modified(&lock)) {
        (Some(installed), Some(lock)) => installed >= lock,
        _ => false,
    };
    if fresh {
        return;
    }
    say(&format!("browser tests: npm ci in {}", dir.display()));
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .expect("npm ci starts");
    assert!(status.success(), "npm ci failed in {}", dir.display());
}

/// Copies the bundled site's sources (`site.yaml`, `content/`, `templates/`, `static/`) into `to`.
fn copy_site(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    std::fs::copy(from.join("site.yaml"), to.join("site.yaml")).unwrap();
    for dir in ["content", "templates", "static"] {
        for entry in walkdir::WalkDir::new(from.join(dir)) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    listener.local_addr().unwrap().port()
}

/// The counts in the spec reporter's closing lines ("ℹ tests 97", "ℹ pass 97", ...).
#[derive(Debug, Default)]
struct Counts {
    tests: Option<u64>,
    pass: Option<u64>,
    fail: Option<u64>,
    cancelled: Option<u64>,
    skipped: Option<u64>,
    todo: Option<u64>,
}

impl Counts {
    fn read(&mut self, line: &str) {
        let Some(rest) = line.trim_start().strip_prefix("ℹ ") else { return };
        let mut words = rest.split_whitespace();
        let (Some(key), Some(value), None) = (words.next(), words.next(), words.next()) else { return };
        let Ok(value) = value.parse::<u64>() else { return };
        let slot = match key {
            "tests" => &mut self.tests,
            "pass" => &mut self.pass,
            "fail" => &mut self.fail,
            "cancelled" => &mut self.cancelled,
            "skipped" => &mut self.skipped,
            "todo" => &mut self.todo,
            _ => return,
        };
        *slot = Some(value);
    }
}

#[test]
fn the_site_works_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = root.join("tests/browser");
    let chromium = chromium();
    if !require(chromium.is_some(), "Chromium", "install it (`apt-get install chromium`) or point PSOAS_CHROMIUM at a Chromium binary") {
        return;
    }
    let chromium = chromium.unwrap();
    if !require(runs("node"), "Node.js (node)", "install Node 20.19 or newer") || !require(runs("npm"), "npm", "install npm with Node") {
        return;
    }
    install_packages(&suite);

    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    let base_url = format!("http://127.0.0.1:{port}/psoas/");
    let args = BuildArgs { base_url: Some(base_url.clone()), output: site.clone(), drafts: false };
    build(root, &args).unwrap_or_else(|e| panic!("the bundled site must build: {e:#}"));
    say(&format!("browser tests: built the site for {base_url} into {}", site.display()));
    // The same site with every list of more than four entries split over pages.
    let paged_root = dir.path().join("paged");
    copy_site(root, &paged_root);
    let yaml = std::fs::read_to_string(paged_root.join("site.yaml")).unwrap();
    std::fs::write(paged_root.join("site.yaml"), format!("{yaml}paginate_by: 4\n")).unwrap();
    let paged = paged_root.join("public");
    build(&paged_root, &BuildArgs { output: paged.clone(), ..args }).unwrap_or_else(|e| panic!("the bundled site must build with its lists split: {e:#}"));

    let started = Instant::now();
    let mut child = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec", "--test-timeout=300000"])
        .current_dir(&suite)
        .env("SITE_DIR", &site)
        .env("PAGED_SITE_DIR", &paged)
        .env("PORT", port.to_string())
        .env("PSOAS_CHROMIUM", &chromium)
        .env_remove("NODE_OPTIONS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts");

    // Stream the reporter's output as it comes (straight to stderr, past the test harness's capture) and read
    // the closing counts from it.
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut counts = Counts::default();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            say(&line);
            counts.read(&line);
        }
        counts
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("node runs") {
            break status;
        }
        if started.elapsed() > NODE_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser tests did not finish within {} s", NODE_DEADLINE.as_secs());
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let counts = reader.join().unwrap();
    let elapsed = started.elapsed().as_secs_f64();

    let tests = counts.tests.unwrap_or(0);
    let pass = counts.pass.unwrap_or(0);
    say(&format!("browser tests: {tests} node tests run, {pass} passed, in {elapsed:.1} s (site built for port {port})"));
    assert!(status.success(), "node --test failed ({status}): {counts:?}");
    assert!(tests >= MIN_NODE_TESTS, "only {tests} node tests ran (expected at least {MIN_NODE_TESTS}): {counts:?}");
    assert_eq!(pass, tests, "every node test passes: {counts:?}");
    assert_eq!(counts.fail, Some(0), "{counts:?}");
    assert_eq!(counts.cancelled, Some(0), "{counts:?}");
    assert_eq!(counts.skipped, Some(0), "no node test is skipped: {counts:?}");
    assert_eq!(counts.todo, Some(0), "{counts:?}");
}
