//! End-to-end builds of fixture sites: the output as a whole (snapshot), determinism, atomic replacement,
//! subpath URLs, drafts, `init`, output-folder safety and the command line's exit codes.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use psoas::cmd::build::{BuildArgs, build};

/// Copies a fixture into a temporary folder, so builds never write into the repository.
fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, bytes) in snapshot_tree(&fixture(name)) {
        let dest = dir.path().join(path);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::write(dest, bytes).unwrap();
    }
    dir
}

/// The whole output of the `basic` fixture, compared file by file with `tests/snapshots/basic/`.
/// Run with `UPDATE_SNAPSHOTS=1` to accept a deliberate change, then review the diff.
#[test]
fn basic_fixture_matches_its_snapshot() {
    let site = fixture_copy("basic");
    build(site.path(), &args()).unwrap();
    let actual = snapshot_tree(&site.path().join("public"));
    let expected_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/basic");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let _ = fs::remove_dir_all(&expected_dir);
        for (path, bytes) in &actual {
            let dest = expected_dir.join(path);
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::write(dest, bytes).unwrap();
        }
    }
    let expected = snapshot_tree(&expected_dir);
    let names = |tree: &[(String, Vec<u8>)]| tree.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&actual), names(&expected), "the set of output files changed");
    for ((path, got), (_, want)) in actual.iter().zip(&expected) {
        assert_eq!(String::from_utf8_lossy(got), String::from_utf8_lossy(want), "{path} differs from its snapshot");
    }
}

/// `psoas build` streams: most pages are rendered, written and freed before the rest are known, and pages
/// whose templates read other pages wait for all of them. The result must be what rendering the whole site
/// in memory (as watch mode does) gives.
#[test]
fn a_streaming_build_equals_an_in_memory_render() {
    let site = fixture_copy("basic");
    let root = site.path();
    write(
        root,
        "templates/related.html",
        "<!doctype html><title>{{ page.title }}</title>{% set notes = get_section(path=\"notes/_index.md\") %}<ul>{% for p in notes.pages %}<li><a href=\"{{ p.url }}\">{{ p.title }}</a> {{ p.word_count }} words</li>{% endfor %}</ul>{% set first = get_page(path=\"notes/first.md\") %}<p>{{ first.title }}: {{ first.toc | length }} headings</p>{{ page.content | safe }}",
    );
    write(root, "content/notes/related.md", "---\ntitle: Related\ntemplate: related.html\n---\nEverything in [the notes](@/notes/_index.md).\n");
    build(root, &args()).unwrap();
    let rendered = psoas::site::Site::load(root, None, false).unwrap().render().unwrap();
    let mut compared = 0;
    for output in &rendered.outputs {
        output.with_bytes(|bytes| {
            if let Some(bytes) = bytes {
                let written = fs::read(root.join("public").join(&output.path)).unwrap();
                assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(bytes), "{}", output.path);
                compared += 1;
            }
        });
    }
    assert!(compared > 15, "{compared}");
    let related = fs::read_to_string(root.join("public/notes/related/index.html")).unwrap();
    // Every note's summary was complete when the related page was rendered.
    assert_eq!(related.matches(" words</li>").count(), 3, "{related}");
    assert!(!related.contains("> 0 words"), "{related}");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = fixture_copy("basic");
    build(site.path(), &args()).unwrap();
    let first = snapshot_tree(&site.path().join("public"));
    build(site.path(), &args()).unwrap();
    assert_eq!(first, snapshot_tree(&site.path().join("public")));
    assert!(first.len() > 15);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = fixture_copy("basic");
    build(site.path(), &args()).unwrap();
    let before = snapshot_tree(&site.path().join("public"));
    write(site.path(), "content/notes/first.md", "---\ntitle: [broken\n---\n");
    assert!(try_build(site.path()).is_err());
    assert_eq!(before, snapshot_tree(&site.path().join("public")));
    // Nothing is left behind beside the output either.
    let leftovers: Vec<_> = fs::read_dir(site.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.contains("psoas")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_rebuild_removes_outputs_of_deleted_pages() {
    let site = fixture_copy("basic");
    write(site.path(), "content/notes/extra.md", "---\ntitle: Extra\naliases: [/was-extra/]\n---\nSoon gone.\n");
    build(site.path(), &args()).unwrap();
    assert!(site.path().join("public/notes/extra/index.html").exists());
    assert!(site.path().join("public/was-extra/index.html").exists());
    fs::remove_file(site.path().join("content/notes/extra.md")).unwrap();
    build(site.path(), &args()).unwrap();
    assert!(!site.path().join("public/notes/extra").exists());
    assert!(!site.path().join("public/was-extra").exists());
}

#[test]
fn a_custom_domain_is_written_to_cname_and_must_be_the_host_published_for() {
    let site = site(&[("site.yaml", "title: T\nbase_url: https://psoas.example.org/\ncname: psoas.example.org\n"), ("content/a.md", "---\ntitle: A\n---\n")]);
    build(site.path(), &args()).unwrap();
    assert_eq!(fs::read_to_string(site.path().join("public/CNAME")).unwrap(), "psoas.example.org\n");
    // Published for the project address instead, the custom domain's links would all break.
    let Err(error) = build(site.path(), &BuildArgs { base_url: Some("https://user.github.io/psoas/".into()), ..args() }) else { panic!("built") };
    let error = format!("{error:#}");
    assert!(error.contains("--base-url: cname `psoas.example.org` is not the host of base_url `https://user.github.io/psoas/`"), "{error}");
    assert_eq!(fs::read_to_string(site.path().join("public/CNAME")).unwrap(), "psoas.example.org\n", "the previous output is kept");
}

/// Every `href` and `src` in the output, under a subpath base URL, names a file that was written.
#[test]
fn every_link_resolves_under_a_subpath() {
    let site = fixture_copy("basic");
    let args = BuildArgs { base_url: Some("https://user.github.io/deep/path".into()), ..args() };
    build(site.path(), &args).unwrap();
    let public = site.path().join("public");
    let mut checked = 0;
    for (path, bytes) in snapshot_tree(&public) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for value in html.split(attr).skip(1).map(|rest| &rest[..rest.find('"').unwrap()]) {
                if value.starts_with("https://example.com") || value.starts_with('#') {
                    continue;
                }
                let local = value.strip_prefix("https://user.github.io").unwrap_or(value);
                let local = local.strip_prefix("/deep/path/").unwrap_or_else(|| panic!("{path}: `{value}` misses the base path"));
                let local = local.split('#').next().unwrap();
                let file = if local.is_empty() || local.ends_with('/') { public.join(local).join("index.html") } else { public.join(local) };
                assert!(file.is_file(), "{path}: `{value}` points at a missing file");
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} links checked");
    let sitemap = fs::read_to_string(public.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://user.github.io/deep/path/notes/first/</loc>"));
    let robots = fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(robots.contains("Sitemap: https://user.github.io/deep/path/sitemap.xml"));
}

#[test]
fn drafts_are_built_only_when_asked() {
    let site = fixture_copy("basic");
    build(site.path(), &args()).unwrap();
    assert!(!site.path().join("public/notes/draft").exists());
    build(site.path(), &BuildArgs { drafts: true, ..args() }).unwrap();
    assert!(site.path().join("public/notes/draft/index.html").is_file());
}

#[test]
fn a_draft_section_is_left_out_with_everything_in_its_folder() {
    let site = fixture_copy("basic");
    write(site.path(), "content/secret/_index.md", "---\ntitle: Secret\ndraft: true\n---\n");
    write(site.path(), "content/secret/plan.md", "---\ntitle: Plan\n---\nNot yet.\n");
    write(site.path(), "content/secret/deeper/more.md", "---\ntitle: More\n---\nNor this.\n");
    build(site.path(), &args()).unwrap();
    let public = site.path().join("public");
    assert!(!public.join("secret").exists(), "no section of its own, and no folder made in its place");
    for file in ["sitemap.xml", "index.html", "atom.xml"] {
        let text = fs::read_to_string(public.join(file)).unwrap();
        assert!(!text.contains("secret") && !text.contains("Plan"), "{file} shows the draft section:\n{text}");
    }
    build(site.path(), &BuildArgs { drafts: true, ..args() }).unwrap();
    for page in ["secret/index.html", "secret/plan/index.html", "secret/deeper/more/index.html"] {
        assert!(public.join(page).is_file(), "{page} with --drafts");
    }
}

#[test]
fn init_scaffolds_a_site_that_builds_with_the_default_theme() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    psoas::cmd::init::scaffold(&site, false).unwrap();
    let summary = build(&site, &args()).unwrap();
    assert_eq!((summary.pages, summary.sections), (1, 2));
    let page = fs::read_to_string(site.join("public/articles/first-article/index.html")).unwrap();
    assert!(page.contains("First article"));
    assert!(site.join("public/style.css").is_file());
    // A second init into the same folder refuses to overwrite it.
    let error = psoas::cmd::init::scaffold(&site, false).unwrap_err().to_string();
    assert!(error.contains("already has site.yaml"), "{error}");
    // A file where the folder would be is named as one.
    let error = psoas::cmd::init::scaffold(&site.join("site.yaml"), false).unwrap_err().to_string();
    assert!(error.ends_with("site.yaml is a file, not a folder: name a new or empty folder for the site"), "{error}");
}

#[test]
fn init_fills_a_freshly_cloned_repository_and_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".git/HEAD", "ref: refs/heads/main\n");
    write(dir.path(), "README.md", "# My site\n");
    write(dir.path(), ".gitignore", "/target");
    for name in ["LICENSE-MIT", "LICENSE-APACHE", "UNLICENSE", "CHANGES.md", "CODE_OF_CONDUCT.md", "CITATION.cff"] {
        write(dir.path(), name, "text");
    }
    psoas::cmd::init::scaffold(dir.path(), false).unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("README.md")).unwrap(), "# My site\n");
    assert_eq!(fs::read_to_string(dir.path().join(".gitignore")).unwrap(), "/target\n/public/\n", "the output is ignored too");
    build(dir.path(), &args()).unwrap();
    // A folder with content of its own is not a new site.
    let other = tempfile::tempdir().unwrap();
    write(other.path(), "content/notes.md", "mine");
    let error = psoas::cmd::init::scaffold(other.path(), false).unwrap_err().to_string();
    assert!(error.contains("already has content"), "{error}");
    assert_eq!(fs::read_to_string(other.path().join("content/notes.md")).unwrap(), "mine");
}

#[test]
fn init_refuses_a_folder_of_other_files_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["Documents/letter.txt", "notes.txt", "photo.jpg", "todo.md", "LICENSE", ".bashrc"] {
        write(dir.path(), name, "mine");
    }
    let error = psoas::cmd::init::scaffold(dir.path(), false).unwrap_err().to_string();
    assert!(error.contains("holds other files (`Documents`, `notes.txt`, `photo.jpg` and 1 more)"), "{error}");
    assert!(error.contains("--force"), "{error}");
    assert!(!dir.path().join("site.yaml").exists() && !dir.path().join(".gitignore").exists(), "nothing is written when refused");
    psoas::cmd::init::scaffold(dir.path(), true).unwrap();
    assert_eq!(fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
    build(dir.path(), &args()).unwrap();
}

#[test]
fn a_site_without_templates_uses_the_embedded_theme() {
    let dir = tempfile::tempdir().unwrap();
    psoas::cmd::init::scaffold(dir.path(), false).unwrap();
    fs::remove_dir_all(dir.path().join("templates")).unwrap();
    fs::remove_dir_all(dir.path().join("static")).unwrap();
    build(dir.path(), &args()).unwrap();
    assert!(fs::read_to_string(dir.path().join("public/index.html")).unwrap().contains("<html"));
    assert!(dir.path().join("public/style.css").is_file(), "the theme's static files come with it");
}

#[test]
fn output_folders_that_hold_sources_or_foreign_files_are_refused() {
    let site = fixture_copy("basic");
    let refuse = |output: &str| {
        let error = try_build_to(site.path(), output).unwrap_err();
        assert!(error.contains("refusing"), "{output}: {error}");
    };
    refuse(".");
    refuse("content");
    refuse("templates");
    refuse("static/out");
    refuse("..");
    write(site.path(), "mine/notes.txt", "precious");
    refuse("mine");
    assert_eq!(fs::read_to_string(site.path().join("mine/notes.txt")).unwrap(), "precious");
    // Something that is not a folder is never moved aside for one.
    write(site.path(), "a-file", "kept");
    assert!(try_build_to(site.path(), "a-file").unwrap_err().contains("is a file, not a folder"));
    assert_eq!(fs::read_to_string(site.path().join("a-file")).unwrap(), "kept");
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let fifo = site.path().join("a-pipe");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let error = try_build_to(site.path(), "a-pipe").unwrap_err();
        assert!(error.contains("is a named pipe, not a folder"), "{error}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the pipe is where it was");
        let beside: Vec<_> = fs::read_dir(site.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).filter(|n| n.contains("psoas-new")).collect();
        assert!(beside.is_empty(), "nothing is left beside it: {beside:?}");
    }
    // An empty folder, or one psoas wrote, is fine.
    fs::create_dir(site.path().join("empty")).unwrap();
    try_build_to(site.path(), "empty").unwrap();
    try_build_to(site.path(), "empty").unwrap();
}

fn try_build_to(root: &Path, output: &str) -> Result<(), String> {
    build(root, &BuildArgs { output: output.into(), ..args() }).map(|_| ()).map_err(|e| format!("{e:#}"))
}

#[test]
fn the_cli_exits_0_on_success_and_1_on_problems() {
    let site = fixture_copy("basic");
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_psoas")).args(args).current_dir(site.path()).output().unwrap();
    let ok = run(&["build"]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.starts_with("Built 3 pages, 2 sections, 3 terms (19 files) in "), "{stdout}");
    write(site.path(), "content/notes/first.md", "---\ntitle: First\nweight: heavy\n---\n");
    let failed = run(&["build"]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("content/notes/first.md:3:9:"));
    for command in ["build", "init"] {
        let help = run(&[command, "--help"]);
        assert_eq!(help.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: psoas"));
    }
}

#[test]
fn the_feed_lists_the_newest_fifty_pages_newest_first_then_by_title() {
    // 70 dated pages over 20 days (so dates repeat and titles break the ties), titles out of step with the
    // file names, and one undated page, which the feed leaves out.
    let mut files: Vec<(String, String)> = (0..70)
        .map(|k| {
            let title = format!("Note {}", (k * 37) % 70);
            (format!("content/notes/n{k:02}.md"), format!("---\ntitle: {title}\ndate: 2026-03-{:02}\n---\nText.\n", 1 + k % 20))
        })
        .collect();
    files.push(("content/notes/undated.md".into(), "---\ntitle: Aaa undated\n---\nText.\n".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = site(&refs);
    try_build(site.path()).unwrap();

    let mut expected: Vec<(u32, String)> = (0..70).map(|k| (1 + k % 20, format!("Note {}", (k * 37) % 70))).collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().take(50).map(|(_, title)| title).collect();
    let atom = fs::read_to_string(site.path().join("public/atom.xml")).unwrap();
    let listed: Vec<&str> = atom.split("<entry>").skip(1).map(|e| e.split_once("<title>").unwrap().1.split_once("</title>").unwrap().0).collect();
    assert_eq!(listed, expected);
}

/// A feed with no entries (no page has a `date`) is dated by the newest date the site has (a page's
/// `updated`, a section's `last_reviewed`), and with none, by the day of the build: `SOURCE_DATE_EPOCH`'s
/// when it is set.
#[test]
fn a_feed_without_entries_is_dated_by_the_site_or_the_build() {
    let site = site(&[("content/notes/_index.md", "---\ntitle: Notes\nlast_reviewed: 2026-02-03\n---\n"), ("content/notes/a.md", "---\ntitle: A\nupdated: 2026-01-05\n---\nText.\n")]);
    let updated = |site: &Path| {
        let atom = fs::read_to_string(site.join("public/atom.xml")).unwrap();
        assert!(!atom.contains("<entry>"), "{atom}");
        atom.split_once("<updated>").unwrap().1.split_once("</updated>").unwrap().0.to_owned()
    };
    try_build(site.path()).unwrap();
    assert_eq!(updated(site.path()), "2026-02-03T00:00:00Z");
    write(site.path(), "content/notes/_index.md", "---\ntitle: Notes\n---\n");
    write(site.path(), "content/notes/a.md", "---\ntitle: A\n---\nText.\n");
    // 2026-12-03 12:00 UTC.
    let built = Command::new(env!("CARGO_BIN_EXE_psoas")).arg("build").env("SOURCE_DATE_EPOCH", "1796299200").current_dir(site.path()).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    assert_eq!(updated(site.path()), "2026-12-03T00:00:00Z");
}

/// Templates get the neighbours' and the listings' summaries with only the fields they can read, yet see
/// each summary as it is: present and true where it exists, even when they read none of its fields.
#[test]
fn neighbours_and_listings_show_as_whole_summaries() {
    let page = "{% if prev %}has-prev{% endif %}|{% if next %}has-next{% endif %}|{% if prev or next %}in-a-row{% endif %}";
    let section = "{% for p in section.pages %}{% if p %}[{{ p.title }}: {{ p.taxonomies.tags | length }} tags]{% endif %}{% endfor %}";
    let files = [
        ("templates/page.html", page),
        ("templates/section.html", section),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
        ("content/notes/a.md", "---\ntitle: A\nweight: 1\ntags: [one, two]\n---\nText.\n"),
        ("content/notes/b.md", "---\ntitle: B\nweight: 2\n---\nText.\n"),
        ("content/notes/c.md", "---\ntitle: C\nweight: 3\ntags: [one]\n---\nText.\n"),
    ];
    let site = site(&files);
    try_build(site.path()).unwrap();
    let read = |path: &str| fs::read_to_string(site.path().join("public").join(path)).unwrap();
    assert_eq!(read("notes/a/index.html"), "|has-next|in-a-row");
    assert_eq!(read("notes/b/index.html"), "has-prev|has-next|in-a-row");
    assert_eq!(read("notes/c/index.html"), "has-prev||in-a-row");
    assert_eq!(read("notes/index.html"), "[A: 2 tags][B: 0 tags][C: 1 tags]");
}

/// A page's template gets the page with only the fields it can read, but every field it names is there, and
/// one that reads the page whole (`json_encode`, a loop over its keys) gets all of them.
#[test]
fn a_page_template_sees_every_field_it_reads() {
    let named = "{{ page.title }}|{{ page.slug }}|{{ page.draft }}|{{ page.word_count }}|{{ page.extra.mood }}|{{ page.sources | length }}|{{ page.toc | length }}|{{ page.content | trim | safe }}";
    let whole = "{% for key, value in page %}{{ key }} {% endfor %}";
    let text = "---\ntitle: Calm\nextra:\n  mood: quiet\nsources:\n  - title: A book\n---\n## One\n\nTwo words.\n";
    let keys = |template: &str| {
        let site = site(&[("templates/page.html", template), ("content/calm.md", text)]);
        try_build(site.path()).unwrap();
        fs::read_to_string(site.path().join("public/calm/index.html")).unwrap()
    };
    assert_eq!(keys(named), "Calm|calm|false|3|quiet|1|1|<h2 id=\"one\"><a class=\"heading-link\" href=\"#one\">One</a></h2>\n<p>Two words.</p>");
    let all = keys(whole);
    for field in ["content", "date", "description", "draft", "extra", "path", "permalink", "reading_time", "slug", "sources", "taxonomies", "title", "toc", "url", "word_count"] {
        assert!(all.split(' ').any(|key| key == field), "{field} missing from {all}");
    }
}

/// `psoas build` asks not to get transparent huge pages either (see `prefer_small_pages`): with them, the
/// 10,000-page build's peak memory was a fifth higher. The build is caught while it waits to read
/// `site.yaml` from a pipe, after the request and before any work.
#[cfg(target_os = "linux")]
#[test]
fn a_build_runs_without_transparent_huge_pages() {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;

    let site = site(&[]);
    let config = site.path().join("site.yaml");
    fs::remove_file(&config).unwrap();
    let c_path = std::ffi::CString::new(config.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_psoas")).arg("build").current_dir(site.path()).stdout(std::process::Stdio::null()).spawn().unwrap();
    // Opening the pipe's writing end succeeds once the build has opened it to read.
    let mut pipe = loop {
        match fs::OpenOptions::new().write(true).custom_flags(libc::O_NONBLOCK).open(&config) {
            Ok(pipe) => break pipe,
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                assert!(child.try_wait().unwrap().is_none(), "the build ended before reading site.yaml");
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(e) => panic!("opening the pipe: {e}"),
        }
    };
    let status = fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    pipe.write_all(SITE_YAML.as_bytes()).unwrap();
    drop(pipe);
    assert!(child.wait().unwrap().success(), "and builds as usual");
    let line = status.lines().find(|l| l.starts_with("THP_enabled:")).expect("the kernel reports THP_enabled");
    assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
    assert!(site.path().join("public/index.html").is_file());
}

#[test]
fn a_static_file_replaces_the_generated_file_of_its_name() {
    let site = site(&[("site.yaml", "title: T\nbase_url: https://example.org/\n"), ("content/a.md", "---\ntitle: A\n---\n"), ("static/robots.txt", "User-agent: *\nDisallow: /\n")]);
    build(site.path(), &args()).unwrap();
    assert_eq!(fs::read_to_string(site.path().join("public/robots.txt")).unwrap(), "User-agent: *\nDisallow: /\n");
    fs::remove_file(site.path().join("static/robots.txt")).unwrap();
    build(site.path(), &args()).unwrap();
    assert!(fs::read_to_string(site.path().join("public/robots.txt")).unwrap().contains("Sitemap: https://example.org/sitemap.xml"));
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_the_sources_are_followed_and_a_broken_one_is_reported() {
    use std::os::unix::fs::symlink;
    let shared = tempfile::tempdir().unwrap();
    write(shared.path(), "notes/kept.md", "---\ntitle: Kept elsewhere\n---\nText.\n");
    write(shared.path(), "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\"></svg>");
    let site = site(&[("site.yaml", "title: T\nbase_url: https://example.org/\n"), ("content/a.md", "---\ntitle: A\n---\n[kept](@/notes/kept.md) ![logo](/logo.svg)\n")]);
    symlink(shared.path().join("notes"), site.path().join("content/notes")).unwrap();
    fs::create_dir_all(site.path().join("static")).unwrap();
    symlink(shared.path().join("logo.svg"), site.path().join("static/logo.svg")).unwrap();
    build(site.path(), &args()).unwrap();
    assert!(fs::read_to_string(site.path().join("public/notes/kept/index.html")).unwrap().contains("Kept elsewhere"));
    assert!(fs::symlink_metadata(site.path().join("public/logo.svg")).unwrap().is_file(), "the file is copied, not linked");
    symlink(shared.path().join("gone.png"), site.path().join("static/gone.png")).unwrap();
    let Err(error) = build(site.path(), &args()) else { panic!("built") };
    let error = format!("{error:#}");
    assert!(error.contains("error: static/gone.png: a symbolic link to `") && error.contains("gone.png`, which does not exist"), "{error}");
}

/// Files other than Markdown kept beside the pages under content/ are published at their folder's URL, and
/// a page links to them as an editor's preview does: relative to its file, by `@/`, or by site path.
#[test]
fn files_kept_beside_the_pages_are_published_and_linked_as_written() {
    let site = site(&[
        ("content/Hip Stretches/_index.md", "---\ntitle: Hip stretches\n---\n"),
        ("content/Hip Stretches/kneel.md", "---\ntitle: Kneel\n---\n![Kneeling](photos/kneel.gif)\n\n[Sheet](../handouts/sheet.pdf), [again](@/handouts/sheet.pdf), [by path](/handouts/sheet.pdf)\n"),
        ("content/Hip Stretches/photos/kneel.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
        ("content/handouts/sheet.pdf", "%PDF-1.4\n"),
        ("content/notes.md", "---\ntitle: Notes\n---\n![Kneeling](<@/Hip Stretches/photos/kneel.gif>)\n"),
    ]);
    build(site.path(), &args()).unwrap();
    let out = site.path().join("public");
    assert_eq!(fs::read(out.join("hip-stretches/photos/kneel.gif")).unwrap(), b"GIF89a\x05\x00\x04\x00\x00\x00\x00");
    assert_eq!(fs::read_to_string(out.join("handouts/sheet.pdf")).unwrap(), "%PDF-1.4\n");
    let page = fs::read_to_string(out.join("hip-stretches/kneel/index.html")).unwrap();
    assert!(page.contains(r#"<img src="/repo/hip-stretches/photos/kneel.gif" alt="Kneeling" width="5" height="4""#), "{page}");
    assert_eq!(page.matches(r#"href="/repo/handouts/sheet.pdf""#).count(), 3, "{page}");
    let notes = fs::read_to_string(out.join("notes/index.html")).unwrap();
    assert!(notes.contains(r#"<img src="/repo/hip-stretches/photos/kneel.gif" alt="Kneeling" width="5" height="4""#), "{notes}");
    // The Markdown itself is not published, beside the pages or anywhere, and a folder of files without
    // Markdown is no section.
    assert!(!out.join("hip-stretches/kneel.md").exists() && !out.join("notes.md").exists());
    assert!(!out.join("handouts/index.html").exists() && !page.contains("/repo/handouts/\""), "{page}");
}

/// A file whose name has spaces is linked as an editor's preview links it, with `%20` or in `<...>`, and its
/// URL is written with the spaces escaped.
#[test]
fn a_file_with_spaces_in_its_name_is_linked_escaped_or_as_written() {
    let site = site(&[
        ("content/Hip Stretches/kneel.md", "---\ntitle: Kneel\n---\n![A](My%20Photos/Knee%20Pose.gif)\n\n![B](<My Photos/Knee Pose.gif>)\n\n![C](@/Hip%20Stretches/My%20Photos/Knee%20Pose.gif)\n"),
        ("content/Hip Stretches/My Photos/Knee Pose.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
    ]);
    build(site.path(), &args()).unwrap();
    let out = site.path().join("public");
    assert!(out.join("hip-stretches/my-photos/Knee Pose.gif").is_file());
    let page = fs::read_to_string(out.join("hip-stretches/kneel/index.html")).unwrap();
    for alt in ["A", "B", "C"] {
        assert!(page.contains(&format!(r#"<img src="/repo/hip-stretches/my-photos/Knee%20Pose.gif" alt="{alt}" width="5" height="4""#)), "{alt}: {page}");
    }
}

/// A folder's `index.md` is the page of that folder, with its photos beside it (a page bundle): the folder is
/// no section, and the page links to them by their names. A draft page leaves them out with it.
#[test]
fn a_folder_with_an_index_md_is_one_page_with_its_files() {
    let site = site(&[
        ("content/stretches/_index.md", "---\ntitle: Stretches\n---\n"),
        ("content/stretches/Half Kneeling/index.md", "---\ntitle: Half-kneeling\n---\n![Kneeling](kneel.gif)\n\nBack to [the list](@/stretches/_index.md).\n"),
        ("content/stretches/Half Kneeling/kneel.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
        ("content/stretches/thomas/index.md", "---\ntitle: Thomas\ndraft: true\n---\n![Lying](lying.gif)\n"),
        ("content/stretches/thomas/lying.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
        ("content/notes.md", "---\ntitle: Notes\n---\nSee [the stretch](<@/stretches/Half Kneeling/>).\n"),
    ]);
    let text = build_error(site.path());
    assert!(text.contains("help: did you mean `@/stretches/Half Kneeling/index.md`?"), "{text}");
    write(site.path(), "content/notes.md", "---\ntitle: Notes\n---\nSee [the stretch](<@/stretches/Half Kneeling/index.md>).\n");
    build(site.path(), &args()).unwrap();
    let out = site.path().join("public");
    let page = fs::read_to_string(out.join("stretches/half-kneeling/index.html")).unwrap();
    assert!(page.contains(r#"<img src="/repo/stretches/half-kneeling/kneel.gif" alt="Kneeling" width="5" height="4""#), "{page}");
    assert!(out.join("stretches/half-kneeling/kneel.gif").is_file());
    assert!(!out.join("stretches/half-kneeling/index/index.html").exists());
    let list = fs::read_to_string(out.join("stretches/index.html")).unwrap();
    assert!(list.contains("/repo/stretches/half-kneeling/") && list.contains("Half-kneeling"), "{list}");
    assert!(fs::read_to_string(out.join("notes/index.html")).unwrap().contains(r#"href="/repo/stretches/half-kneeling/""#));
    // The draft's page and its photo are left out, and a link to the photo says why.
    assert!(!out.join("stretches/thomas").exists());
    write(site.path(), "content/notes.md", "---\ntitle: Notes\n---\n![Lying](@/stretches/thomas/lying.gif)\n");
    let text = build_error(site.path());
    assert!(text.contains("link to `@/stretches/thomas/lying.gif`: it is in the folder of a draft page (`content/stretches/thomas/index.md` has `draft: true`), left out of this build"), "{text}");
}

/// `ignore` in site.yaml leaves files out of the site as `.gitignore` lines name them: a name at any depth,
/// a path from the site's root, a folder with all it holds; under content/, templates/ and static/.
#[test]
fn ignored_files_are_not_read_published_or_linked_to() {
    let yaml = format!("{SITE_YAML}ignore:\n  - '*.psd'\n  - content/notes/\n  - templates/README.md\n  - static/src/\n");
    let site = site(&[
        ("site.yaml", &yaml),
        ("content/stretches/kneel.md", "---\ntitle: Kneel\n---\n![Kneeling](kneel.gif)\n"),
        ("content/stretches/kneel.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
        // Not an image a browser can show, and not Markdown a build can read: neither is looked at.
        ("content/stretches/kneel.psd", "8BPS layers"),
        ("content/notes/plan.md", "---\ntitle: [unclosed\n---\n"),
        ("templates/README.md", "{% if %}"),
        ("static/src/drawing.svg", "<svg"),
        ("static/logo.psd", "8BPS"),
    ]);
    build(site.path(), &args()).unwrap();
    let out = site.path().join("public");
    assert!(out.join("stretches/kneel.gif").is_file() && out.join("stretches/kneel/index.html").is_file());
    let published: Vec<String> = snapshot_tree(&out).into_iter().map(|(path, _)| path).collect();
    for left_out in ["psd", "notes", "src", "README"] {
        assert!(!published.iter().any(|path| path.contains(left_out)), "{left_out} in {published:?}");
    }
    // A link to a file left out says which pattern leaves it out.
    write(site.path(), "content/stretches/kneel.md", "---\ntitle: Kneel\n---\n[Plan](@/notes/plan.md), [layers](kneel.psd)\n");
    let text = build_error(site.path());
    assert!(text.contains("link to `@/notes/plan.md`: content/notes/plan.md is left out by the pattern `content/notes/` of `ignore` in site.yaml"), "{text}");
    assert!(text.contains("help: content/stretches/kneel.psd is left out by the pattern `*.psd` of `ignore` in site.yaml, so it is not published"), "{text}");
}

/// A pattern that cannot name a source file is an error at the pattern, and says how to write it.
#[test]
fn an_ignore_pattern_that_names_nothing_is_an_error_at_it() {
    let site = site(&[("site.yaml", &format!("{SITE_YAML}ignore: ['*.psd', notes/*.md]\n"))]);
    let text = build_error(site.path());
    assert!(text.starts_with("error: site.yaml:5:19: ignore pattern `notes/*.md` names no file under content/, templates/ or static/\n"), "{text}");
    assert!(text.contains("help: a pattern with a `/` is matched from the site's folder: start it with the folder it is in, e.g. `content/notes/*.md`"), "{text}");
}

/// The theme's taxonomy pages name the taxonomy they are of: a term of `body-parts` is not called a tag,
/// and the taxonomy's title reads as words ("Body parts").
#[test]
fn the_themes_taxonomy_pages_name_their_taxonomy() {
    let dir = tempfile::tempdir().unwrap();
    psoas::cmd::init::scaffold(dir.path(), false).unwrap();
    fs::remove_dir_all(dir.path().join("templates")).unwrap();
    let yaml = fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    let yaml: String = yaml.lines().filter(|l| !l.starts_with("taxonomies:")).map(|l| format!("{l}\n")).collect();
    fs::write(dir.path().join("site.yaml"), format!("{yaml}taxonomies: [tags, body-parts]\n")).unwrap();
    write(dir.path(), "content/articles/hips.md", "---\ntitle: Hips\ndescription: About hips.\ntags: [anatomy]\ntaxonomies:\n  body-parts: [hip]\n---\nText.\n");
    build(dir.path(), &args()).unwrap();
    let read = |path: &str| fs::read_to_string(dir.path().join("public").join(path)).unwrap();
    let term = read("body-parts/hip/index.html");
    assert!(term.contains("<h1>Body parts: hip</h1>"), "{term}");
    assert!(term.contains("1 article filed under “hip”") && term.contains("See all body parts</a>"), "{term}");
    assert!(!term.contains("tag"), "{term}");
    assert!(term.contains("<meta name=\"description\" content=\"Articles filed under hip in body parts\">"), "{term}");
    let list = read("body-parts/index.html");
    assert!(list.contains("<h1>Body parts</h1>") && list.contains("All the body parts of this site"), "{list}");
    let tag = read("tags/anatomy/index.html");
    assert!(tag.contains("Articles about “anatomy”") && tag.contains("with this tag"), "the tags keep their words: {tag}");
}
