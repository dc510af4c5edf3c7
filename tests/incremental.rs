//! Incremental rebuilds must give exactly what a clean build gives. Sequences of random edits, creations,
//! deletions and renames (of pages, sections, templates and static files, some of them mistakes) are applied
//! to a site; after each, watch mode's rebuild is compared with a clean `psoas build` of the same sources,
//! file by file. A failing edit must fail both ways and leave the watched output as it was.

mod common;
#[path = "../benches/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use psoas::cmd::build::{BuildArgs, build};
use psoas::watch::classify;
use psoas::workspace::{Changes, Workspace};
use synthetic::Rng;

const WORDS: &[&str] = &["hip", "psoas", "stretch", "gentle", "walk", "spine", "bridge", "rest", "breathe", "slowly"];
const TAGS: &[&str] = &["basics", "Hip Flexors", "walking", "safety"];

/// Template edits that show the notes' list and each term's list split over pages, as (template, whole, split).
const SPLIT_LISTINGS: [(&str, &str, &str); 2] = [
    ("templates/section.html", "{% for p in section.pages %}", "{{ paginator.current_index }}/{{ paginator.number_pagers }} {{ paginator.next }}{% for p in paginator.pages %}"),
    ("templates/taxonomy_term.html", "{% for p in term.pages %}", "{{ paginator.previous }}{% for p in paginator.pages %}"),
];

struct Editor {
    root: PathBuf,
    rng: Rng,
    /// Pages this test created (safe to delete or rename: nothing links to them).
    created: Vec<String>,
    counter: usize,
    /// The edit that undoes the last mistake, applied as the next step.
    repair: Option<(String, String)>,
}

impl Editor {
    fn write(&self, rel: &str, text: &str) {
        write(&self.root, rel, text);
    }

    fn words(&mut self, n: usize) -> String {
        (0..n).map(|_| *self.rng.pick(WORDS)).collect::<Vec<_>>().join(" ")
    }

    fn page_text(&mut self, title: &str) -> String {
        // Few weights, so that pages tie on weight in their sections' lists and are ordered by title.
        let weight = self.rng.below(2);
        let tags: Vec<&str> = (0..self.rng.below(3)).map(|_| *self.rng.pick(TAGS)).collect();
        let len = 5 + self.rng.below(400);
        let body = self.words(len);
        let heading = self.words(2);
        // Few dates, so that pages tie on date in their tags' lists and are ordered by title.
        let date = format!("2026-0{}-1{}", 1 + self.rng.below(2), self.rng.below(2));
        let description = self.words(4);
        format!("---\ntitle: {title}\ndescription: {description}\ndate: {date}\nweight: {weight}\ntags: {tags:?}\n---\n## {heading}\n\n{body}\n\nSee [the first note](@/notes/first.md#links).\n")
    }

    /// Applies one random edit and returns the paths it touched.
    fn edit(&mut self) -> Vec<PathBuf> {
        self.counter += 1;
        let n = self.counter;
        if let Some((rel, text)) = self.repair.take() {
            self.write(&rel, &text);
            return vec![self.root.join(rel)];
        }
        let choice = self.rng.below(17);
        let touched: Vec<String> = match choice {
            0 | 1 => {
                let dir = *self.rng.pick(&["notes", "extra", "notes/deep"]);
                let rel = format!("content/{dir}/page-{n}.md");
                let text = self.page_text(&format!("Page {n}"));
                self.write(&rel, &text);
                self.created.push(rel.clone());
                vec![rel]
            }
            2 if !self.created.is_empty() => {
                let i = self.rng.below(self.created.len());
                let rel = self.created.remove(i);
                fs::remove_file(self.root.join(&rel)).unwrap();
                vec![rel]
            }
            3 if !self.created.is_empty() => {
                let i = self.rng.below(self.created.len());
                let from = self.created.remove(i);
                let to = format!("content/{}/renamed-{n}.md", *self.rng.pick(&["notes", "extra"]));
                fs::create_dir_all(self.root.join(&to).parent().unwrap()).unwrap();
                fs::rename(self.root.join(&from), self.root.join(&to)).unwrap();
                self.created.push(to.clone());
                vec![from, to]
            }
            4 | 5 => {
                // Edit the body or the front matter of an existing page.
                let pages = ["content/notes/first.md", "content/notes/stretch.md", "content/about.md"];
                let rel = if self.created.is_empty() || self.rng.below(2) == 0 { self.rng.pick(&pages).to_string() } else { self.rng.pick(&self.created).clone() };
                let text = fs::read_to_string(self.root.join(&rel)).unwrap();
                let text = if choice == 4 {
                    let len = 1 + self.rng.below(60);
                    format!("{text}\n{}\n", self.words(len))
                } else {
                    let title = format!("Title {n}");
                    let weight = format!("weight: {}", self.rng.below(5));
                    let tags: Vec<&str> = (0..self.rng.below(3)).map(|_| *self.rng.pick(TAGS)).collect();
                    let tags = format!("tags: {tags:?}");
                    let date = format!("date: 2026-0{}-1{}", 1 + self.rng.below(9), self.rng.below(10));
                    let lines: Vec<String> = text
                        .lines()
                        .map(|l| match l.split(':').next().unwrap_or_default() {
                            "title" => format!("title: {title}"),
                            "weight" => weight.clone(),
                            "tags" if l.starts_with("tags: [") || l == "tags: []" => tags.clone(),
                            "date" => date.clone(),
                            _ => l.to_owned(),
                        })
                        .collect();
                    lines.join("\n") + "\n"
                };
                self.write(&rel, &text);
                vec![rel]
            }
            6 => {
                let rel = "templates/page.html";
                let text = fs::read_to_string(self.root.join(rel)).unwrap().replace("<h1>", &format!("<h1 data-v=\"{n}\">"));
                let text = if text.contains("data-v=") { text.replacen(&format!(" data-v=\"{n}\""), "", 0) } else { text };
                self.write(rel, &text);
                vec![rel.to_owned()]
            }
            7 => {
                let rel = "templates/base.html";
                let text = fs::read_to_string(self.root.join(rel)).unwrap();
                let text = match text.find("<!--v") {
                    Some(i) => text[..i].to_owned(),
                    None => format!("{text}<!--v{n}-->"),
                };
                self.write(rel, &text);
                vec![rel.to_owned()]
            }
            8 => {
                let rel = format!("static/files/f{}.txt", self.rng.below(3));
                if self.root.join(&rel).exists() && self.rng.below(2) == 0 {
                    fs::remove_file(self.root.join(&rel)).unwrap();
                } else {
                    let text = self.words(3);
                    self.write(&rel, &text);
                }
                vec![rel]
            }
            9 => {
                let rel = "content/notes/_index.md";
                let (description, body) = (self.words(3), self.words(10));
                // Split the notes over pages of 1 to 3 (when the template uses `paginator`), or not (0).
                let paginate_by = self.rng.below(4);
                let text = format!("---\ntitle: Notes {n}\ndescription: {description}\nweight: 10\npaginate_by: {paginate_by}\n---\n{body}\n");
                self.write(rel, &text);
                vec![rel.to_owned()]
            }
            10 => {
                let rel = format!("content/notes/draft-{n}.md");
                self.write(&rel, "---\ntitle: A draft\ndraft: true\n---\nNot yet.\n");
                vec![rel]
            }
            11 => {
                // A mistake, fixed by a later edit of the same file.
                let rel = "content/notes/mistake.md";
                self.write(rel, "---\ntitle: [unclosed\n---\n");
                self.repair = Some((rel.to_owned(), "---\ntitle: Fixed\n---\nFine now.\n".to_owned()));
                vec![rel.to_owned()]
            }
            12 => {
                // A broken link, or its repair.
                let rel = "content/notes/linker.md";
                let page = |target: &str| format!("---\ntitle: Linker\nweight: 3\n---\nGo [there]({target}).\n");
                let broken = *self.rng.pick(&["@/notes/nowhere.md", "@/notes/stretch.md#nope", "/missing.txt"]);
                self.write(rel, &page(broken));
                self.repair = Some((rel.to_owned(), page("@/notes/stretch.md#how")));
                vec![rel.to_owned()]
            }
            13 => {
                // Show, or stop showing, word counts next to other pages, only whether there is a previous
                // page, only the first page of a listing, or a listing split over pages: what the listings
                // and neighbours depend on changes with the template, and the split listings' pages come and
                // go.
                let (rel, plain, counted) = *self.rng.pick(&[
                    ("templates/page.html", "{{ prev.title }}</a>", "{{ prev.title }}</a> ({{ prev.word_count }} words)"),
                    // Whether there are neighbours, and none of their fields.
                    ("templates/page.html", "<a rel=\"prev\" href=\"{{ prev.url }}\">{{ prev.title }}</a>{% endif %}{% if next %}<a rel=\"next\" href=\"{{ next.url }}\">{{ next.title }}</a>", "has-prev{% endif %}{% if next %}has-next"),
                    ("templates/section.html", "{{ p.reading_time }} min", "{{ p.reading_time }} min, {{ p[\"word_count\"] }} words"),
                    ("templates/index.html", "{% for p in s.pages %}", "{{ s.pages | length }}:{% for p in s.pages | slice(end=1) %}"),
                    ("templates/taxonomy_term.html", "{% for p in term.pages %}", "{% for p in term.pages | slice(end=1) %}"),
                    SPLIT_LISTINGS[0],
                    SPLIT_LISTINGS[1],
                ]);
                let text = fs::read_to_string(self.root.join(rel)).unwrap();
                let text = if text.contains(counted) { text.replace(counted, plain) } else { text.replace(plain, counted) };
                self.write(rel, &text);
                vec![rel.to_owned()]
            }
            14 | 15 if !self.created.is_empty() => {
                // A new title alone: the page may move within its section's and its tags' lists (where
                // weights or dates tie).
                let rel = self.rng.pick(&self.created).clone();
                let title = format!("title: {} {n}", self.words(1));
                let text = fs::read_to_string(self.root.join(&rel)).unwrap();
                let text = text.lines().map(|l| if l.starts_with("title:") { title.clone() } else { l.to_owned() }).collect::<Vec<_>>().join("\n") + "\n";
                self.write(&rel, &text);
                vec![rel]
            }
            _ => {
                let rel = "content/extra/_index.md";
                let text = format!("---\ntitle: Extra {n}\nweight: {}\n---\n", self.rng.below(20));
                self.write(rel, &text);
                vec![rel.to_owned()]
            }
        };
        touched.iter().map(|r| self.root.join(r)).collect()
    }
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot_tree(dir)
}

fn run_sequence(seed: u64, steps: usize) {
    let site = tempfile::tempdir().unwrap();
    let root = site.path().to_owned();
    for (path, bytes) in snapshot_tree(&fixture("basic")) {
        write(&root, &path, std::str::from_utf8(&bytes).unwrap());
    }
    // Odd seeds start with the notes and the terms split over pages (the edits can switch that off and on).
    if seed % 2 == 1 {
        for (rel, whole, split) in SPLIT_LISTINGS {
            let text = fs::read_to_string(root.join(rel)).unwrap();
            write(&root, rel, &text.replace(whole, split));
        }
    }
    let clean_dir = tempfile::tempdir().unwrap();
    let mut workspace = Workspace::new(&root, Path::new("public"), None, false).unwrap();
    workspace.build_all().unwrap();
    let output = workspace.output().to_owned();
    let mut editor = Editor { root: root.clone(), rng: Rng(seed), created: Vec::new(), counter: 0, repair: None };
    let mut incremental_builds = 0;
    for step in 0..steps {
        let before = tree(&output);
        let touched = editor.edit();
        let mut changes = Changes::default();
        for path in &touched {
            classify(&root, &output, path, &mut changes);
        }
        let incremental = workspace.rebuild(&changes);
        let clean_out = clean_dir.path().join(format!("out-{step}"));
        let clean = build(&root, &BuildArgs { output: clean_out.clone(), ..args() });
        match (&incremental, &clean) {
            (Ok(report), Ok(_)) => {
                incremental_builds += usize::from(!report.full);
                let (got, want) = (tree(&output), tree(&clean_out));
                let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
                assert_eq!(names(&got), names(&want), "seed {seed} step {step}: file lists differ after {touched:?}");
                for ((path, a), (_, b)) in got.iter().zip(&want) {
                    assert_eq!(String::from_utf8_lossy(a), String::from_utf8_lossy(b), "seed {seed} step {step}: {path} differs after {touched:?}");
                }
            }
            (Err(_), Err(_)) => assert_eq!(before, tree(&output), "seed {seed} step {step}: a failed rebuild changed the output"),
            (a, b) => panic!("seed {seed} step {step}: incremental {:?} but clean {:?} after {touched:?}", a.as_ref().err().map(|e| e.to_string()), b.as_ref().err().map(|e| e.to_string())),
        }
        let _ = fs::remove_dir_all(&clean_out);
    }
    assert!(incremental_builds > steps * 2 / 3, "seed {seed}: only {incremental_builds} of {steps} rebuilds were incremental");
}

#[test]
fn random_edit_sequences_match_clean_builds() {
    for seed in [0x9e37_79b9_7f4a_7c15, 42, 7_777_777, 123_456_789_012, 31_337, 20_261_121] {
        run_sequence(seed, 40);
    }
}

#[test]
fn an_edit_rerenders_the_outputs_that_show_what_changed() {
    let site = tempfile::tempdir().unwrap();
    for (path, bytes) in snapshot_tree(&fixture("basic")) {
        write(site.path(), &path, std::str::from_utf8(&bytes).unwrap());
    }
    for i in 0..30 {
        write(site.path(), &format!("content/more/p{i:02}.md"), &format!("---\ntitle: P{i:02}\nweight: {i}\n---\nText {i}.\n"));
    }
    let mut workspace = Workspace::new(site.path(), Path::new("public"), None, false).unwrap();
    let full = workspace.build_all().unwrap();
    assert_eq!(full.stats.markdown_rendered, full.pages + full.sections);
    let output = workspace.output().to_owned();
    let mut edit_file = |rel: &str, text: &str| {
        let path = site.path().join(rel);
        fs::write(&path, text).unwrap();
        let mut changes = Changes::default();
        classify(site.path(), &output, &path, &mut changes);
        let report = workspace.rebuild(&changes).unwrap();
        assert!(!report.full);
        (report, fs::read_to_string(output.join("more/p11/index.html")).unwrap())
    };
    let mut edit = |text: &str| {
        let (report, _) = edit_file("content/more/p10.md", text);
        assert_eq!(report.stats.markdown_rendered, 1, "only the edited file's Markdown");
        report
    };
    // New words change the page's word count, which no template of this site shows next to other pages:
    // only the page itself is rendered and written.
    let report = edit("---\ntitle: P10\nweight: 10\n---\nText 10, now longer.\n");
    assert_eq!((report.stats.templates_rendered, report.written), (1, 1), "{report:?}");
    // A new title shows in the page, its two neighbours' prev/next links, its section's listing and the home
    // page, which lists every section's pages.
    let report = edit("---\ntitle: P10 renamed\nweight: 10\n---\nText 10, now longer.\n");
    assert_eq!((report.stats.templates_rendered, report.written), (5, 5), "{report:?}");
    let html = fs::read_to_string(output.join("more/p10/index.html")).unwrap();
    assert!(html.contains("now longer") && html.contains("P10 renamed"));
    let neighbour = fs::read_to_string(output.join("more/p11/index.html")).unwrap();
    assert!(neighbour.contains("P10 renamed"), "{neighbour}");

    // Once pages show their previous page's word count, a text edit shows in the next page too.
    let template = fs::read_to_string(site.path().join("templates/page.html")).unwrap();
    edit_file("templates/page.html", &template.replace("{{ prev.title }}</a>", "{{ prev.title }}</a> ({{ prev.word_count }} words)"));
    let (report, next) = edit_file("content/more/p10.md", "---\ntitle: P10 renamed\nweight: 10\n---\nText 10, now longer still.\n");
    // Fields are told apart by name, not by variable: the previous page, which shows `next`, is rendered too
    // (and comes out the same).
    assert_eq!((report.stats.templates_rendered, report.written), (3, 2), "{report:?}");
    assert!(next.contains("P10 renamed</a> (5 words)"), "{next}");

    // A home page that shows the first three pages of each section is left as it is when a page further
    // down is retitled, and rendered again when one of the three is.
    let template = fs::read_to_string(site.path().join("templates/index.html")).unwrap();
    edit_file("templates/index.html", &template.replace("{% for p in s.pages %}", "{{ s.pages | length }} pages:{% for p in s.pages | slice(end=3) %}"));
    let home = || fs::read_to_string(output.join("index.html")).unwrap();
    assert!(home().contains("30 pages:") && home().contains(">P02</a>") && !home().contains(">P03</a>"), "{}", home());
    let (report, _) = edit_file("content/more/p20.md", "---\ntitle: P20 renamed\nweight: 20\n---\nText 20.\n");
    // The page, its neighbours and its section.
    assert_eq!(report.stats.templates_rendered, 4, "{report:?}");
    let (report, _) = edit_file("content/more/p01.md", "---\ntitle: P01 renamed\nweight: 1\n---\nText 1.\n");
    assert_eq!(report.stats.templates_rendered, 5, "{report:?}");
    assert!(home().contains(">P01 renamed</a>"), "{}", home());
}

#[test]
fn a_new_title_moves_the_page_in_listings_sorted_by_title() {
    let site = tempfile::tempdir().unwrap();
    for (path, bytes) in snapshot_tree(&fixture("basic")) {
        write(site.path(), &path, std::str::from_utf8(&bytes).unwrap());
    }
    // No weights or dates: the section and the tag list these pages by title.
    for title in ["Bravo", "Charlie", "Delta"] {
        write(site.path(), &format!("content/more/{}.md", title.to_lowercase()), &format!("---\ntitle: {title}\ntags: [sorted]\n---\nText.\n"));
    }
    let mut workspace = Workspace::new(site.path(), Path::new("public"), None, false).unwrap();
    workspace.build_all().unwrap();
    let output = workspace.output().to_owned();
    let order = |rel: &str| {
        let html = fs::read_to_string(output.join(rel)).unwrap();
        let mut found: Vec<(usize, &str)> = ["Alpha", "Bravo", "Charlie", "Delta"].iter().filter_map(|t| Some((html.find(&format!(">{t}"))?, *t))).collect();
        found.sort();
        found.into_iter().map(|(_, t)| t).collect::<Vec<_>>()
    };
    // A new title that keeps the page in its place, one that moves it first, and back.
    for (title, expected) in [("Charlie Two", ["Bravo", "Charlie", "Delta"]), ("Alpha", ["Alpha", "Bravo", "Delta"]), ("Charlie", ["Bravo", "Charlie", "Delta"])] {
        let page = site.path().join("content/more/charlie.md");
        fs::write(&page, format!("---\ntitle: {title}\ntags: [sorted]\n---\nText.\n")).unwrap();
        let mut changes = Changes::default();
        classify(site.path(), &output, &page, &mut changes);
        workspace.rebuild(&changes).unwrap();
        let expected: Vec<&str> = expected.to_vec();
        assert_eq!(order("more/index.html"), expected, "section after retitling to {title}");
        assert_eq!(order("tags/sorted/index.html"), expected, "tag after retitling to {title}");
        let clean = tempfile::tempdir().unwrap();
        build(site.path(), &BuildArgs { output: clean.path().join("out"), ..args() }).unwrap();
        assert_eq!(tree(&output), tree(&clean.path().join("out")), "after retitling to {title}");
    }
}

/// The menu (`partials/nav.html`, as `nav_html`) is rendered once for each way its entries are marked and
/// shared by the outputs marked that way; it must still mark each output's own place, and an edit to it, or a
/// new section, must show on every output, as a clean build shows it.
#[test]
fn every_output_shows_the_shared_menu_as_marked_for_it_and_follows_its_edits() {
    let base = "<!doctype html><html><body><header>{{ nav_html | safe }}</header><main id=\"main\">{% block main %}{% endblock %}</main></body></html>\n";
    let menu = "{% for item in nav %}<a href=\"{{ item.url }}\"{% if item.aria_current %} aria-current=\"{{ item.aria_current }}\"{% endif %}>{{ item.title }}</a>{% endfor %}";
    let site = site(&[
        ("templates/base.html", base),
        ("templates/partials/nav.html", menu),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
        ("content/notes/a.md", "---\ntitle: A\n---\nText.\n"),
        ("content/notes/b.md", "---\ntitle: B\n---\nText.\n"),
        ("content/about.md", "---\ntitle: About\n---\nText.\n"),
    ]);
    let mut workspace = Workspace::new(site.path(), Path::new("public"), None, false).unwrap();
    workspace.build_all().unwrap();
    let output = workspace.output().to_owned();
    let read = |rel: &str| fs::read_to_string(output.join(rel)).unwrap();
    let header = |rel: &str| {
        let html = read(rel);
        html[html.find("<header>").unwrap()..html.find("</header>").unwrap()].to_owned()
    };
    let notes = "<a href=\"/repo/notes/\"";
    let about = "<a href=\"/repo/about/\"";
    assert_eq!(header("notes/a/index.html"), format!("<header>{notes} aria-current=\"true\">Notes</a>{about}>About</a>"));
    assert_eq!(header("notes/b/index.html"), header("notes/a/index.html"));
    assert_eq!(header("notes/index.html"), format!("<header>{notes} aria-current=\"page\">Notes</a>{about}>About</a>"));
    assert_eq!(header("about/index.html"), format!("<header>{notes}>Notes</a>{about} aria-current=\"page\">About</a>"));
    assert_eq!(header("index.html"), format!("<header>{notes}>Notes</a>{about}>About</a>"));

    let mut rebuild = |rel: &str, text: &str| {
        let path = site.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        let mut changes = Changes::default();
        classify(site.path(), &output, &path, &mut changes);
        workspace.rebuild(&changes).unwrap()
    };
    let same_as_a_clean_build = |what: &str| {
        let clean = tempfile::tempdir().unwrap();
        build(site.path(), &BuildArgs { output: clean.path().join("out"), ..args() }).unwrap();
        assert_eq!(tree(&output), tree(&clean.path().join("out")), "after {what}, watch output and a clean build differ");
    };
    rebuild("templates/partials/nav.html", &menu.replace("<a href", "<a class=\"m\" href"));
    same_as_a_clean_build("the menu's edit");
    for rel in ["index.html", "notes/a/index.html", "about/index.html", "404.html"] {
        assert!(header(rel).contains("<a class=\"m\" href=\"/repo/about/\""), "{rel}: {}", header(rel));
    }
    rebuild("content/tips/_index.md", "---\ntitle: Tips\n---\n");
    same_as_a_clean_build("a new section");
    assert!(header("notes/a/index.html").contains("<a class=\"m\" href=\"/repo/tips/\">Tips</a>"));
}

/// The basic fixture with `extra` files, built in watch mode: the site's folder, its workspace and its output
/// folder.
fn watched_fixture(extra: &[(&str, &str)]) -> (tempfile::TempDir, Workspace, PathBuf) {
    let site = tempfile::tempdir().unwrap();
    for (path, bytes) in snapshot_tree(&fixture("basic")) {
        write(site.path(), &path, std::str::from_utf8(&bytes).unwrap());
    }
    for (path, text) in extra {
        write(site.path(), path, text);
    }
    let mut workspace = Workspace::new(site.path(), Path::new("public"), None, false).unwrap();
    workspace.build_all().unwrap();
    let output = workspace.output().to_owned();
    (site, workspace, output)
}

/// Rebuilds after a change to `path`, and checks that the output is what a clean build gives.
fn rebuild_after(site: &Path, workspace: &mut Workspace, output: &Path, path: &Path) -> psoas::workspace::Report {
    let mut changes = Changes::default();
    classify(site, output, path, &mut changes);
    let report = workspace.rebuild(&changes).unwrap();
    let clean = tempfile::tempdir().unwrap();
    build(site, &BuildArgs { base_url: None, output: clean.path().join("out"), drafts: false }).unwrap();
    assert_eq!(tree(output), tree(&clean.path().join("out")), "the rebuild gives what a clean build gives");
    report
}

/// A heading's id made from its text steps around the ids the templates write: when a template starts or
/// stops writing one, pages whose Markdown was carried over must take their new ids.
#[test]
fn heading_ids_follow_the_ids_the_templates_write() {
    let (site, mut workspace, output) = watched_fixture(&[("content/more/walk.md", "---\ntitle: Walk\n---\n## Walk\n\nSee [below](#walk).\n")]);
    let page = || fs::read_to_string(output.join("more/walk/index.html")).unwrap();
    assert!(page().contains("<h2 id=\"walk\">"), "{}", page());
    let path = site.path().join("templates/page.html");
    let template = fs::read_to_string(&path).unwrap();
    for (text, heading_id) in [(template.replace("<h1>", "<h1 id=\"walk\">"), "walk-1"), (template.clone(), "walk")] {
        fs::write(&path, &text).unwrap();
        rebuild_after(site.path(), &mut workspace, &output, &path);
        assert!(page().contains(&format!("<h2 id=\"{heading_id}\">")), "{}", page());
    }
}

/// A page edited or made in a draft section stays out, as does the section when its `_index.md` is made a
/// draft in watch mode; published again, it comes back with its pages.
#[test]
fn a_draft_section_keeps_its_pages_out_of_rebuilds() {
    let (site, mut workspace, output) = watched_fixture(&[("content/secret/_index.md", "---\ntitle: Secret\ndraft: true\n---\n"), ("content/secret/plan.md", "---\ntitle: Plan\n---\nOne.\n")]);
    assert!(!output.join("secret").exists());
    let page = site.path().join("content/secret/plan.md");
    fs::write(&page, "---\ntitle: Plan\n---\nTwo.\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &page);
    let new = site.path().join("content/secret/new.md");
    fs::write(&new, "---\ntitle: New\n---\nThree.\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &new);
    assert!(!output.join("secret").exists());
    let index = site.path().join("content/secret/_index.md");
    fs::write(&index, "---\ntitle: Secret\n---\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &index);
    assert!(output.join("secret/plan/index.html").is_file() && output.join("secret/new/index.html").is_file());
    fs::write(&index, "---\ntitle: Secret\ndraft: true\n---\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &index);
    assert!(!output.join("secret").exists());
}

/// The output folder removed while watching: the next rebuild builds the whole site again.
#[test]
fn a_removed_output_folder_is_built_again_in_full() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    fs::remove_dir_all(&output).unwrap();
    let page = site.path().join("content/notes/first.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nOne more line.\n")).unwrap();
    let report = rebuild_after(site.path(), &mut workspace, &output, &page);
    assert!(report.full, "{report:?}");
}

/// A rebuild whose writing fails part way (here a folder put by hand where a page's file goes) says that
/// the output is part old and part new, and the next rebuild builds it whole, as a clean build does.
#[test]
fn a_rebuild_whose_writing_fails_is_followed_by_a_whole_build() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let page = site.path().join("content/notes/first.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::remove_file(output.join("notes/first/index.html")).unwrap();
    fs::create_dir_all(output.join("notes/first/index.html/in-the-way")).unwrap();
    fs::write(&page, format!("{text}\nOne more line.\n")).unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &page, &mut changes);
    let error = format!("{:#}", workspace.rebuild(&changes).unwrap_err());
    assert!(error.starts_with("writing the output failed part way, so it is part old and part new: the next rebuild builds it whole: "), "{error}");
    // The folder in the way goes with the rest of the old output.
    fs::write(&page, format!("{text}\nTwo more lines.\n")).unwrap();
    let report = rebuild_after(site.path(), &mut workspace, &output, &page);
    assert!(report.full, "{report:?}");
}

/// A static file that replaces a generated one (`robots.txt`) takes its place in a rebuild, and gives it
/// back when it goes.
#[test]
fn a_static_file_that_replaces_a_generated_one_comes_and_goes_in_rebuilds() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let path = site.path().join("static/robots.txt");
    for add in [true, false] {
        if add {
            fs::write(&path, "User-agent: *\nDisallow: /\n").unwrap();
        } else {
            fs::remove_file(&path).unwrap();
        }
        rebuild_after(site.path(), &mut workspace, &output, &path);
        assert_eq!(fs::read_to_string(output.join("robots.txt")).unwrap().contains("Disallow: /"), add);
    }
}

/// A change to site.yaml renders everything again, but writes only what changed: saved as it was, nothing.
#[test]
fn a_site_yaml_change_writes_only_the_files_it_changes() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let path = site.path().join("site.yaml");
    let yaml = fs::read_to_string(&path).unwrap();
    fs::write(&path, &yaml).unwrap();
    let report = rebuild_after(site.path(), &mut workspace, &output, &path);
    assert_eq!((report.full, report.written, report.removed), (true, 0, 0), "{report:?}");
    fs::write(&path, yaml.replace("description: A site for tests.", "description: Another description.")).unwrap();
    let report = rebuild_after(site.path(), &mut workspace, &output, &path);
    assert!(report.written > 0 && report.written < tree(&output).len(), "{report:?}");
}

/// An image saved broken while watching fails the rebuild and leaves the output as it was; saved whole, it
/// is published with its size.
#[test]
fn an_image_saved_broken_in_watch_mode_is_reported_and_then_published_once_fixed() {
    let (site, mut workspace, output) = watched_fixture(&[("content/more/walk.md", "---\ntitle: Walk\n---\n![A walk](/walk.gif)\n"), ("static/walk.gif", "GIF89a\x01\x00\x01\x00\x00\x00\x00")]);
    let path = site.path().join("static/walk.gif");
    fs::write(&path, b"<html><body>Not found</body></html>").unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &path, &mut changes);
    let before = tree(&output);
    let error = workspace.rebuild(&changes).unwrap_err().to_string();
    assert!(error.contains("static/walk.gif: not an image: the file does not begin as a GIF file does"), "{error}");
    assert_eq!(tree(&output), before, "a failed rebuild writes nothing");
    fs::write(&path, b"GIF89a\x05\x00\x04\x00\x80\x00\x00").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &path);
    assert!(fs::read_to_string(output.join("more/walk/index.html")).unwrap().contains("width=\"5\" height=\"4\""));
}

/// A folder of images moved into static/ while watching arrives as one change, the folder's: its images
/// are read (checked and sized) as a clean build reads them.
#[test]
fn images_in_a_folder_moved_into_static_are_checked_and_sized() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let incoming = site.path().join("incoming");
    fs::create_dir_all(&incoming).unwrap();
    fs::write(incoming.join("good.gif"), b"GIF89a\x05\x00\x04\x00\x80\x00\x00").unwrap();
    fs::write(incoming.join("bad.png"), b"<html><body>Not found</body></html>").unwrap();
    let folder = site.path().join("static/pics");
    fs::rename(&incoming, &folder).unwrap();
    let broken = site.path().join("content/notes/broken.md");
    fs::write(&broken, "---\ntitle: Broken\n---\n[gone](@/notes/gone.md)\n").unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &folder, &mut changes);
    classify(site.path(), &output, &broken, &mut changes);
    let error = workspace.rebuild(&changes).unwrap_err().to_string();
    // Reported together, as a clean build reports them.
    assert!(error.contains("static/pics/bad.png: not an image") && error.contains("link to `@/notes/gone.md`"), "{error}");
    assert!(error.ends_with("build failed: 2 problems"), "{error}");
    fs::remove_file(folder.join("bad.png")).unwrap();
    fs::remove_file(&broken).unwrap();
    let page = site.path().join("content/notes/walk.md");
    fs::write(&page, "---\ntitle: Walk\n---\n![A walk](/pics/good.gif)\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &page);
    assert!(fs::read_to_string(output.join("notes/walk/index.html")).unwrap().contains("width=\"5\" height=\"4\""));
}

/// A folder of files replaced in whole while watching (its files keep their names, so their paths on disk do
/// not change) arrives as the folder's change: each file in it is copied again, under content/ and static/.
#[test]
fn a_folder_replaced_while_watching_copies_its_new_files() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    for (kept, name) in [("content/notes/photos", "notes/photos"), ("static/pics", "pics")] {
        let folder = site.path().join(kept);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join("walk.gif"), b"GIF89a\x05\x00\x04\x00\x80\x00\x00").unwrap();
        let mut changes = Changes::default();
        classify(site.path(), &output, &folder, &mut changes);
        workspace.rebuild(&changes).unwrap();
        assert_eq!(fs::read(output.join(name).join("walk.gif")).unwrap()[6], 5);

        let incoming = site.path().join("incoming");
        fs::create_dir_all(&incoming).unwrap();
        fs::write(incoming.join("walk.gif"), b"GIF89a\x07\x00\x04\x00\x80\x00\x00").unwrap();
        fs::remove_dir_all(&folder).unwrap();
        fs::rename(&incoming, &folder).unwrap();
        let mut changes = Changes::default();
        classify(site.path(), &output, &site.path().join("incoming"), &mut changes);
        classify(site.path(), &output, &folder, &mut changes);
        workspace.rebuild(&changes).unwrap();
        assert_eq!(fs::read(output.join(name).join("walk.gif")).unwrap()[6], 7, "{kept}: the new file is in the output");
    }
}

/// A link to nothing made while watching fails the rebuild, as it fails a clean build.
#[cfg(unix)]
#[test]
fn a_dangling_link_made_in_watch_mode_fails_the_rebuild() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let link = site.path().join("content/notes/link.md");
    std::os::unix::fs::symlink("../nowhere.md", &link).unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &link, &mut changes);
    let error = workspace.rebuild(&changes).unwrap_err().to_string();
    assert!(error.contains("error: content/notes/link.md: a symbolic link to `../nowhere.md`, which does not exist"), "{error}");
    let Err(clean) = build(site.path(), &BuildArgs { base_url: None, output: site.path().join("clean"), drafts: false }) else { panic!("a clean build should fail") };
    let clean = clean.to_string();
    assert!(clean.contains("which does not exist"), "a clean build fails too: {clean}");
}

/// A front matter problem saved while watching does not hide the rest: the page stands in, its Markdown and
/// the links to it are checked, and the rebuild reports what a clean build reports, in the same words.
#[test]
fn a_rebuild_with_a_front_matter_problem_reports_what_a_clean_build_reports() {
    let (site, mut workspace, output) = watched_fixture(&[("content/notes/b.md", "---\ntitle: B\nslug: bee\n---\nSee [walk](@/notes/first.md).\n")]);
    let before = tree(&output);
    let edited = site.path().join("content/notes/b.md");
    fs::write(&edited, "---\ntitle: B\nslug: bee\nweight: heavy\n---\nSee [walk](@/notes/firstt.md).\n").unwrap();
    let other = site.path().join("content/notes/c.md");
    fs::write(&other, "---\ntitle: C\n---\n[b](@/notes/b.md) and [gone](/notes/gone/)\n").unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &edited, &mut changes);
    classify(site.path(), &output, &other, &mut changes);
    let error = workspace.rebuild(&changes).unwrap_err().to_string();
    assert!(error.contains("content/notes/b.md:4:9: in `weight`"), "{error}");
    assert!(error.contains("content/notes/b.md:6:5: link to `@/notes/firstt.md`"), "{error}");
    assert!(error.contains("content/notes/c.md:4:23: broken link: no page or file at `/notes/gone/`"), "{error}");
    assert!(error.ends_with("build failed: 3 problems"), "{error}");
    let Err(clean) = build(site.path(), &BuildArgs { base_url: None, output: site.path().join("clean"), drafts: false }) else { panic!("a clean build should fail") };
    assert_eq!(error, clean.to_string());
    assert_eq!(tree(&output), before, "a failed rebuild writes nothing");
    fs::write(&edited, "---\ntitle: B\nslug: bee\nweight: 3\n---\nSee [walk](@/notes/first.md).\n").unwrap();
    fs::write(&other, "---\ntitle: C\n---\n[b](@/notes/b.md)\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &edited);
}

/// A file kept beside the pages comes, changes and goes in rebuilds as in clean builds: published at its
/// folder's URL, sized where a page shows it, and missed by the link check once it is gone.
#[test]
fn a_file_kept_beside_the_pages_comes_changes_and_goes_in_rebuilds() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let image = site.path().join("content/notes/Photos/walk.gif");
    fs::create_dir_all(image.parent().unwrap()).unwrap();
    fs::write(&image, b"GIF89a\x05\x00\x04\x00\x80\x00\x00").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &image);
    assert!(output.join("notes/photos/walk.gif").is_file());
    let page = site.path().join("content/notes/walk.md");
    fs::write(&page, "---\ntitle: Walk\n---\n![A walk](Photos/walk.gif)\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &page);
    assert!(fs::read_to_string(output.join("notes/walk/index.html")).unwrap().contains("src=\"/repo/notes/photos/walk.gif\" alt=\"A walk\" width=\"5\" height=\"4\""));
    fs::write(&image, b"GIF89a\x07\x00\x03\x00\x80\x00\x00").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &image);
    assert!(fs::read_to_string(output.join("notes/walk/index.html")).unwrap().contains("width=\"7\" height=\"3\""));
    assert_eq!(fs::read(output.join("notes/photos/walk.gif")).unwrap(), b"GIF89a\x07\x00\x03\x00\x80\x00\x00");
    fs::remove_file(&image).unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &image, &mut changes);
    let error = workspace.rebuild(&changes).unwrap_err().to_string();
    assert!(error.contains("content/notes/walk.md:4:1: broken link: no file `content/notes/Photos/walk.gif` beside the page, nor a page or file at `/notes/walk/Photos/walk.gif`"), "{error}");
    fs::remove_file(&page).unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &page);
    assert!(!output.join("notes/photos/walk.gif").exists() && !output.join("notes/photos/index.html").exists());
}

/// A page's folder (its `index.md` and its photo) made, edited, made a draft and removed while watching:
/// each rebuild gives what a clean build gives.
#[test]
fn a_page_folder_comes_changes_and_goes_in_rebuilds() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let folder = site.path().join("content/notes/kneel");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("kneel.gif"), b"GIF89a\x05\x00\x04\x00\x80\x00\x00").unwrap();
    let page = folder.join("index.md");
    fs::write(&page, "---\ntitle: Kneel\n---\n![Kneeling](kneel.gif)\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &folder);
    assert!(fs::read_to_string(output.join("notes/kneel/index.html")).unwrap().contains("src=\"/repo/notes/kneel/kneel.gif\""));
    fs::write(&page, "---\ntitle: Kneeling\n---\n![Kneeling](kneel.gif)\n\nMore.\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &page);
    fs::write(&page, "---\ntitle: Kneeling\ndraft: true\n---\n![Kneeling](kneel.gif)\n").unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &page);
    assert!(!output.join("notes/kneel").exists(), "a draft's folder is left out with it");
    fs::remove_dir_all(&folder).unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &folder);
}

/// Files that `ignore` leaves out stay out of rebuilds: made, edited (into Markdown a build cannot read) or
/// removed, they change nothing and need no rebuild; the site.yaml edit that takes the pattern out brings
/// them in.
#[test]
fn ignored_files_stay_out_of_rebuilds_until_the_pattern_goes() {
    let (site, mut workspace, output) = watched_fixture(&[]);
    let yaml = site.path().join("site.yaml");
    let config = fs::read_to_string(&yaml).unwrap();
    fs::write(&yaml, format!("{config}ignore: ['*.psd', content/notes/drafts/, templates/*.txt]\n")).unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &yaml);
    let page = site.path().join("content/notes/drafts/plan.md");
    let layers = site.path().join("content/notes/walk.psd");
    write(site.path(), "content/notes/drafts/plan.md", "---\ntitle: Plan\n---\nOne.\n");
    write(site.path(), "content/notes/walk.psd", "8BPS");
    let notes = site.path().join("templates/notes.txt");
    for (path, text) in [(&page, "---\ntitle: [unclosed\n---\n"), (&layers, "8BPS two"), (&notes, "{% if %}")] {
        fs::write(path, text).unwrap();
        let mut changes = Changes::default();
        classify(site.path(), &output, path, &mut changes);
        changes.drop_ignored(workspace.ignore().unwrap());
        assert!(changes.is_empty(), "{changes:?}");
        // Rebuilt all the same (as a change that comes with others is), it leaves the file out.
        let mut changes = Changes::default();
        classify(site.path(), &output, path, &mut changes);
        workspace.rebuild(&changes).unwrap();
    }
    assert!(!output.join("notes/drafts").exists() && !output.join("notes/walk.psd").exists());
    fs::write(&page, "---\ntitle: Plan\n---\nOne.\n").unwrap();
    fs::remove_file(&notes).unwrap();
    fs::write(&yaml, &config).unwrap();
    rebuild_after(site.path(), &mut workspace, &output, &yaml);
    assert!(output.join("notes/drafts/plan/index.html").is_file() && output.join("notes/walk.psd").is_file());
}

/// Writes `text` to `rel` in the watched site and rebuilds: the rebuild's error, if it fails, which must be the
/// error a clean build of the same sources gives, and an output left as it was.
fn failed_rebuild_after(site: &Path, workspace: &mut Workspace, output: &Path, rel: &str, text: &str) -> String {
    let before = tree(output);
    let path = site.join(rel);
    fs::write(&path, text).unwrap();
    let mut changes = Changes::default();
    classify(site, output, &path, &mut changes);
    let error = workspace.rebuild(&changes).expect_err("the rebuild should fail").to_string();
    let Err(clean) = build(site, &BuildArgs { base_url: None, output: site.join("clean"), drafts: false }) else { panic!("a clean build should fail too, with {error}") };
    assert_eq!(error, clean.to_string());
    assert_eq!(tree(output), before, "a failed rebuild writes nothing");
    error
}

/// Writes `text` to `rel` in the watched site, rebuilds, and checks the output against a clean build's.
fn edit_and_rebuild(site: &Path, workspace: &mut Workspace, output: &Path, rel: &str, text: &str) -> psoas::workspace::Report {
    let path = site.join(rel);
    fs::write(&path, text).unwrap();
    rebuild_after(site, workspace, output, &path)
}

/// A page's own output shows all of its front matter, not only what lists show: an edit to nothing but its
/// `sources` or `extra` renders it again, and a source's link is checked again.
#[test]
fn an_edit_to_a_pages_sources_or_extra_alone_renders_it_again() {
    let cited = "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>{% for s in page.sources %}<cite>{{ s.title }}</cite>{% if s.url %}<a href=\"{{ s.url }}\">at</a>{% endif %}{% endfor %}<p>mood: {{ page.extra.mood | default(value=\"none\") }}</p>{% endblock %}";
    let (site, mut workspace, output) = watched_fixture(&[("templates/cited.html", cited), ("content/notes/cited.md", "---\ntitle: Cited\ntemplate: cited.html\n---\nText.\n")]);
    let page = || fs::read_to_string(output.join("notes/cited/index.html")).unwrap();
    let rel = "content/notes/cited.md";
    let report = edit_and_rebuild(site.path(), &mut workspace, &output, rel, "---\ntitle: Cited\ntemplate: cited.html\nsources:\n  - title: NICE NG59\n---\nText.\n");
    assert!(!report.full && page().contains("<cite>NICE NG59</cite>"), "{}", page());
    edit_and_rebuild(site.path(), &mut workspace, &output, rel, "---\ntitle: Cited\ntemplate: cited.html\nextra:\n  mood: calm\n---\nText.\n");
    assert!(page().contains("mood: calm") && !page().contains("<cite>"), "{}", page());
    let error = failed_rebuild_after(site.path(), &mut workspace, &output, rel, "---\ntitle: Cited\ntemplate: cited.html\nsources:\n  - title: Gone\n    url: /no-such-page/\n---\nText.\n");
    assert!(error.contains("content/notes/cited.md:6:10: broken link"), "{error}");
}

/// Two pages that trade places keep each other as neighbours, on the other side: both show it.
#[test]
fn pages_that_trade_places_show_their_neighbour_on_its_new_side() {
    let (site, mut workspace, output) = watched_fixture(&[
        ("content/pair/_index.md", "---\ntitle: Pair\n---\n"),
        ("content/pair/a.md", "---\ntitle: A\nweight: 1\n---\nText.\n"),
        ("content/pair/b.md", "---\ntitle: B\nweight: 2\n---\nText.\n"),
    ]);
    let a = || fs::read_to_string(output.join("pair/a/index.html")).unwrap();
    assert!(a().contains("<a rel=\"next\" href=\"/repo/pair/b/\">B</a>"), "{}", a());
    edit_and_rebuild(site.path(), &mut workspace, &output, "content/pair/b.md", "---\ntitle: B\nweight: 0\n---\nText.\n");
    assert!(a().contains("<a rel=\"prev\" href=\"/repo/pair/b/\">B</a>") && !a().contains("rel=\"next\""), "{}", a());
}

/// A tag spelt anew (same URL, other letters' case) gives its term page the new name.
#[test]
fn a_respelt_tag_renames_its_term_page() {
    let (site, mut workspace, output) = watched_fixture(&[("content/notes/walk.md", "---\ntitle: Walk\ntags: [Walking]\n---\nText.\n")]);
    let term = || fs::read_to_string(output.join("tags/walking/index.html")).unwrap();
    assert!(term().contains("<h1>Walking</h1>"), "{}", term());
    edit_and_rebuild(site.path(), &mut workspace, &output, "content/notes/walk.md", "---\ntitle: Walk\ntags: [WALKING]\n---\nText.\n");
    assert!(term().contains("<h1>WALKING</h1>"), "{}", term());
}

/// `get_section` gives a section's subsections with their titles and pages: an output that shows them follows
/// their edits.
#[test]
fn an_output_that_shows_a_sections_subsections_follows_their_edits() {
    let look = "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1>{% set s = get_section(path=\"group/_index.md\") %}<ul>{% for sub in s.subsections %}<li>{{ sub.title }}:{% for p in sub.pages %} {{ p.title }}{% endfor %}</li>{% endfor %}</ul>{% endblock %}";
    let (site, mut workspace, output) = watched_fixture(&[
        ("templates/look.html", look),
        ("content/group/_index.md", "---\ntitle: Group\n---\n"),
        ("content/group/deep/_index.md", "---\ntitle: Deep\n---\n"),
        ("content/group/deep/x.md", "---\ntitle: X\n---\nText.\n"),
        ("content/notes/look.md", "---\ntitle: Look\ntemplate: look.html\n---\nText.\n"),
    ]);
    let page = || fs::read_to_string(output.join("notes/look/index.html")).unwrap();
    assert!(page().contains("<li>Deep: X</li>"), "{}", page());
    edit_and_rebuild(site.path(), &mut workspace, &output, "content/group/deep/_index.md", "---\ntitle: Deeper\n---\n");
    assert!(page().contains("<li>Deeper: X</li>"), "{}", page());
    edit_and_rebuild(site.path(), &mut workspace, &output, "content/group/deep/y.md", "---\ntitle: Y\n---\nText.\n");
    edit_and_rebuild(site.path(), &mut workspace, &output, "content/group/deep/x.md", "---\ntitle: X again\n---\nText.\n");
    assert!(page().contains("<li>Deeper: X again Y</li>"), "{}", page());
}

/// A page in a draft section is left out, but its front matter is still checked: a mistake there fails a
/// rebuild as it fails a clean build.
#[test]
fn a_front_matter_mistake_in_a_draft_section_fails_a_rebuild() {
    let (site, mut workspace, output) = watched_fixture(&[("content/secret/_index.md", "---\ntitle: Secret\ndraft: true\n---\n"), ("content/secret/plan.md", "---\ntitle: Plan\n---\nOne.\n")]);
    let error = failed_rebuild_after(site.path(), &mut workspace, &output, "content/secret/plan.md", "---\ntitle: Plan\ntitel: typo\n---\nOne.\n");
    assert!(error.contains("content/secret/plan.md:3:1: unknown key `titel`"), "{error}");
    edit_and_rebuild(site.path(), &mut workspace, &output, "content/secret/plan.md", "---\ntitle: Plan\n---\nTwo.\n");
}

/// A `#` heading is a second h1 only under a template that shows the title as the h1: when the page's template
/// starts to, a rebuild reports the heading, as a clean build does, though the Markdown did not change.
#[test]
fn a_template_that_starts_to_write_the_h1_makes_a_hash_heading_an_error() {
    let bare = "{% extends \"base.html\" %}{% block main %}{{ page.content | safe }}{% endblock %}";
    let (site, mut workspace, output) = watched_fixture(&[("templates/bare.html", bare), ("content/notes/big.md", "---\ntitle: Big\ntemplate: bare.html\n---\n# Big heading\n\nText.\n")]);
    let with_h1 = bare.replace("{% block main %}", "{% block main %}<h1>{{ page.title }}</h1>");
    let error = failed_rebuild_after(site.path(), &mut workspace, &output, "templates/bare.html", &with_h1);
    assert!(error.contains("content/notes/big.md:5:1: a `#` heading is a second h1"), "{error}");
    edit_and_rebuild(site.path(), &mut workspace, &output, "templates/bare.html", bare);
}
