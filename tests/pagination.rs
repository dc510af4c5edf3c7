//! Long lists split over pages: a section's or a term's list, with the default theme, at `page/2/`,
//! `page/3/`... of the list's URL; each part linked to the next and the previous, titled with its place, and
//! rebuilt on its own when only what it shows changes.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use psoas::watch::classify;
use psoas::workspace::{Changes, Workspace};
use scraper::{Html, Selector};

/// A site with the embedded default theme: `count` pages in `walks/`, numbered by weight, tagged `walking`.
fn walks_site(site_yaml_extra: &str, section_extra: &str, count: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.yaml", &format!("title: Walking club\nbase_url: https://example.org/repo/\n{site_yaml_extra}"));
    write(dir.path(), "content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    write(dir.path(), "content/walks/_index.md", &format!("---\ntitle: Walks\ndescription: Every walk.\n{section_extra}---\nAn introduction to walking.\n"));
    for i in 1..=count {
        write(dir.path(), &format!("content/walks/w{i:02}.md"), &walk(i, &format!("Walk {i:02}")));
    }
    dir
}

fn walk(i: usize, title: &str) -> String {
    format!("---\ntitle: {title}\ndescription: Walk number {i}.\nweight: {i}\ntags: [walking]\n---\nA walk of {i} minutes.\n")
}

fn html(path: &Path) -> Html {
    Html::parse_document(&fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn all<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn texts(html: &Html, css: &str) -> Vec<String> {
    all(html, css).iter().map(|e| e.text().collect::<String>().trim().to_owned()).collect()
}

fn attr(html: &Html, css: &str, name: &str) -> Option<String> {
    all(html, css).first().and_then(|e| e.value().attr(name)).map(str::to_owned)
}

/// Which pages of a split list exist below `dir`: `page/2`, `page/3`...
fn pagers(dir: &Path) -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(dir.join("page")).map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    found.sort_by_key(|n| n.parse::<usize>().unwrap());
    found
}

#[test]
fn a_long_section_is_split_into_linked_pages_that_list_it_in_order() {
    let site = walks_site("", "paginate_by: 10\n", 25);
    try_build(site.path()).unwrap();
    let out = site.path().join("public");
    assert_eq!(pagers(&out.join("walks")), ["2", "3"]);

    let parts = [out.join("walks/index.html"), out.join("walks/page/2/index.html"), out.join("walks/page/3/index.html")];
    let listed: Vec<Vec<String>> = parts.iter().map(|p| texts(&html(p), ".page-list h3")).collect();
    assert_eq!(listed.iter().map(Vec::len).collect::<Vec<_>>(), [10, 10, 5]);
    let expected: Vec<String> = (1..=25).map(|i| format!("Walk {i:02}")).collect();
    assert_eq!(listed.concat(), expected, "the parts list the whole section once, in its order");

    let first = html(&parts[0]);
    let second = html(&parts[1]);
    let last = html(&parts[2]);
    // Each part links to its neighbours, under the site's subpath, and says where it is.
    assert_eq!(attr(&first, ".pager a[rel=next]", "href").as_deref(), Some("/repo/walks/page/2/"));
    assert!(all(&first, ".pager a[rel=prev]").is_empty());
    assert_eq!(attr(&second, ".pager a[rel=prev]", "href").as_deref(), Some("/repo/walks/"));
    assert_eq!(attr(&second, ".pager a[rel=next]", "href").as_deref(), Some("/repo/walks/page/3/"));
    assert_eq!(texts(&second, ".pager a[rel=next]"), ["Next Page 3 of 3"]);
    assert!(all(&last, ".pager a[rel=next]").is_empty());
    assert_eq!(texts(&first, "title"), ["Walks · Walking club"]);
    assert_eq!(texts(&second, "title"), ["Walks, page 2 of 3 · Walking club"]);
    assert_eq!(texts(&second, "#section-pages"), ["In this section, page 2 of 3"]);
    assert_eq!(attr(&second, "link[rel=canonical]", "href").as_deref(), Some("https://example.org/repo/walks/page/2/"));
    // The section's introduction is on its first page only.
    assert!(fs::read_to_string(&parts[0]).unwrap().contains("An introduction to walking."));
    assert!(!fs::read_to_string(&parts[1]).unwrap().contains("An introduction to walking."));
    // Each part is a place in the site, not a copy of the first: the sitemap lists the articles and the list.
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://example.org/repo/walks/</loc>") && !sitemap.contains("/page/2/"), "{sitemap}");
}

/// The numbered links of a part of a split list: (number, href, current, an ellipsis before it).
fn numbered(html: &Html) -> Vec<(String, String, bool, bool)> {
    all(html, ".pager-numbers li")
        .iter()
        .map(|li| {
            let a = li.select(&Selector::parse("a").unwrap()).next().expect("each number is a link");
            let gap = li.select(&Selector::parse(".pager-gap[aria-hidden=true]").unwrap()).next().is_some();
            (a.text().collect::<String>(), a.value().attr("href").unwrap().to_owned(), a.value().attr("aria-current") == Some("page"), gap)
        })
        .collect()
}

#[test]
fn each_part_of_a_long_list_links_the_first_the_last_and_its_neighbours_by_number() {
    let site = walks_site("", "paginate_by: 2\n", 24);
    try_build(site.path()).unwrap();
    let out = site.path().join("public");
    let part = |k: usize| html(&out.join(if k == 1 { "walks/index.html".to_owned() } else { format!("walks/page/{k}/index.html") }));
    let href = |k: usize| if k == 1 { "/repo/walks/".to_owned() } else { format!("/repo/walks/page/{k}/") };
    let expect = |current: usize, shown: &[(usize, bool)]| -> Vec<(String, String, bool, bool)> {
        shown.iter().map(|&(k, gap)| (format!("Page {k}"), href(k), k == current, gap)).collect()
    };
    assert_eq!(numbered(&part(1)), expect(1, &[(1, false), (2, false), (12, true)]));
    assert_eq!(numbered(&part(4)), expect(4, &[(1, false), (2, false), (3, false), (4, false), (5, false), (12, true)]), "page 2 rather than an ellipsis for it");
    assert_eq!(numbered(&part(6)), expect(6, &[(1, false), (5, true), (6, false), (7, false), (12, true)]));
    assert_eq!(numbered(&part(12)), expect(12, &[(1, false), (11, true), (12, false)]));
    // The ellipsis is for the eye; a screen reader hears "Page 1", "Page 5"...
    assert_eq!(texts(&part(6), ".pager-numbers li a span.visually-hidden"), ["Page"; 5]);

    // Three parts: all three by number.
    let site = walks_site("", "paginate_by: 10\n", 25);
    try_build(site.path()).unwrap();
    let second = html(&site.path().join("public/walks/page/2/index.html"));
    let shown = numbered(&second);
    assert_eq!(shown.iter().map(|(n, ..)| n.as_str()).collect::<Vec<_>>(), ["Page 1", "Page 2", "Page 3"]);
    assert_eq!(shown.iter().map(|&(_, _, current, gap)| (current, gap)).collect::<Vec<_>>(), [(false, false), (true, false), (false, false)]);
}

#[test]
fn terms_split_at_the_site_setting_and_a_section_can_choose_its_own() {
    // The site splits lists at 4 entries; the section keeps all of its on one page.
    let site = walks_site("paginate_by: 4\n", "paginate_by: 0\n", 9);
    try_build(site.path()).unwrap();
    let out = site.path().join("public");
    assert_eq!(pagers(&out.join("walks")), Vec::<String>::new());
    assert_eq!(texts(&html(&out.join("walks/index.html")), ".page-list h3").len(), 9);
    assert!(all(&html(&out.join("walks/index.html")), ".pager").is_empty(), "no links to other pages of a list that fits on one");
    assert_eq!(pagers(&out.join("tags/walking")), ["2", "3"]);
    let last = html(&out.join("tags/walking/page/3/index.html"));
    assert_eq!(texts(&last, ".page-list h2"), ["Walk 09"]);
    assert_eq!(attr(&last, ".pager a[rel=prev]", "href").as_deref(), Some("/repo/tags/walking/page/2/"));
    assert!(texts(&last, ".lead")[0].starts_with("9 articles with this tag; this is page 3 of 3."), "{:?}", texts(&last, ".lead"));

    // The default of 20 leaves short lists whole.
    let site = walks_site("", "", 20);
    try_build(site.path()).unwrap();
    assert_eq!(pagers(&site.path().join("public/walks")), Vec::<String>::new());
    assert_eq!(pagers(&site.path().join("public/tags/walking")), Vec::<String>::new());
}

#[test]
fn a_template_that_does_not_use_the_paginator_keeps_its_list_whole() {
    // The fixture's templates list `section.pages` and `term.pages`: nothing is split, whatever the setting.
    let dir = site(&[("site.yaml", &format!("{SITE_YAML}paginate_by: 2\n"))]);
    for i in 1..=5 {
        write(dir.path(), &format!("content/walks/w{i}.md"), &walk(i, &format!("Walk {i}")));
    }
    try_build(dir.path()).unwrap();
    let out = dir.path().join("public");
    assert!(!out.join("walks/page").exists() && !out.join("tags/walking/page").exists());
    assert_eq!(fs::read_to_string(out.join("walks/index.html")).unwrap().matches("Walk ").count(), 5);
}

#[test]
fn content_where_a_part_of_a_list_goes_is_reported() {
    let site = walks_site("", "paginate_by: 10\n", 12);
    write(site.path(), "content/walks/page/2.md", "---\ntitle: Second\n---\nText.\n");
    let error = build_error(site.path());
    assert!(error.contains("content/walks/page/2.md") && error.contains("writes `walks/page/2/index.html`, where page 2 of the list at `/walks/` goes"), "{error}");
    assert!(error.contains("paginate_by"), "{error}");
    assert!(!site.path().join("public").exists(), "nothing is written");

    // An alias of an article there, too.
    let site = walks_site("", "paginate_by: 10\n", 12);
    write(site.path(), "content/old.md", "---\ntitle: Old\naliases: [/walks/page/2/]\n---\nText.\n");
    let error = build_error(site.path());
    assert!(error.contains("content/old.md") && error.contains("alias `/walks/page/2/` writes `walks/page/2/index.html`, where page 2 of the list at `/walks/` goes"), "{error}");
}

#[test]
fn a_retitled_page_renders_again_only_the_part_of_the_list_that_shows_it() {
    let site = walks_site("", "paginate_by: 10\n", 30);
    let mut workspace = Workspace::new(site.path(), Path::new("public"), None, false).unwrap();
    workspace.build_all().unwrap();
    let output = workspace.output().to_owned();
    let mut edit = |rel: &str, text: Option<&str>| {
        let path = site.path().join(rel);
        match text {
            Some(text) => fs::write(&path, text).unwrap(),
            None => fs::remove_file(&path).unwrap(),
        }
        let mut changes = Changes::default();
        classify(site.path(), &output, &path, &mut changes);
        let report = workspace.rebuild(&changes).unwrap();
        assert!(!report.full);
        report
    };
    let read = |rel: &str| fs::read_to_string(output.join(rel)).unwrap();
    let (first, third) = (read("walks/index.html"), read("walks/page/3/index.html"));

    // Walk 15 is on the second page of the section's list. The home page shows the first six walks, and the
    // tag lists all thirty, by title, on two pages; the first shows walks 1 to 20. The new title keeps its
    // place in both lists.
    let report = edit("content/walks/w15.md", Some(&walk(15, "Walk 15, renamed")));
    // The walk, its two neighbours, the section's second page and the tag's first.
    assert_eq!(report.stats.templates_rendered, 5, "{report:?}");
    assert!(read("walks/page/2/index.html").contains("Walk 15, renamed"));
    assert!(read("tags/walking/index.html").contains("Walk 15, renamed"));
    assert_eq!((read("walks/index.html"), read("walks/page/3/index.html")), (first, third), "the other parts are as they were");

    // A new title that moves a walk within the tag's first page changes that page alone: the walk, its
    // neighbours, the section's first page, the home page (which shows it) and the tag's first page.
    let tag_second = read("tags/walking/page/2/index.html");
    let report = edit("content/walks/w05.md", Some(&walk(5, "Walk 07b")));
    assert_eq!(report.stats.templates_rendered, 6, "{report:?}");
    let tag_first = html(&output.join("tags/walking/index.html"));
    assert_eq!(texts(&tag_first, ".page-list h2")[4..7], ["Walk 06", "Walk 07", "Walk 07b"]);
    assert_eq!(read("tags/walking/page/2/index.html"), tag_second);

    // A 31st walk needs a fourth page; without it the fourth page goes.
    let report = edit("content/walks/w31.md", Some(&walk(31, "Walk 31")));
    assert!(report.stats.templates_rendered < 20, "{report:?}");
    assert_eq!(pagers(&output.join("walks")), ["2", "3", "4"]);
    assert!(read("walks/page/3/index.html").contains(r#"href="/repo/walks/page/4/" rel="next""#));
    edit("content/walks/w31.md", None);
    assert_eq!(pagers(&output.join("walks")), ["2", "3"]);
    assert!(!read("walks/page/3/index.html").contains("rel=\"next\""));

    // Eleven walks a page still makes three pages, each showing other walks.
    edit("content/walks/_index.md", Some("---\ntitle: Walks\ndescription: Every walk.\npaginate_by: 11\n---\nAn introduction to walking.\n"));
    assert_eq!(pagers(&output.join("walks")), ["2", "3"]);
    let second = html(&output.join("walks/page/2/index.html"));
    assert_eq!(texts(&second, ".page-list h3").first().map(String::as_str), Some("Walk 12"));
}

#[test]
fn a_retitle_that_moves_a_page_to_another_part_of_a_list_renders_the_parts_it_moved_through() {
    // Walks without weights: the section and the tag both list them by title, ten to a page.
    let unweighted = |title: &str| format!("---\ntitle: {title}\ntags: [walking]\n---\nA walk.\n");
    let site = walks_site("paginate_by: 10\n", "", 0);
    for i in 1..=30 {
        write(site.path(), &format!("content/walks/w{i:02}.md"), &unweighted(&format!("Walk {i:02}")));
    }
    let mut workspace = Workspace::new(site.path(), Path::new("public"), None, false).unwrap();
    workspace.build_all().unwrap();
    let output = workspace.output().to_owned();
    let titles = |rel: &str, css: &str| texts(&html(&output.join(rel)), css);
    let walks = |numbers: &mut dyn Iterator<Item = usize>| numbers.map(|i| format!("Walk {i:02}")).collect::<Vec<_>>();
    assert_eq!(titles("tags/walking/page/2/index.html", ".page-list h2"), walks(&mut (11..=20)));

    // Walk 5, renamed "Walk 99", moves from the first part of each list to the last, and every walk after it
    // moves up one place, into the part before when it was first in its own.
    let page = site.path().join("content/walks/w05.md");
    fs::write(&page, unweighted("Walk 99")).unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &page, &mut changes);
    let report = workspace.rebuild(&changes).unwrap();
    assert!(!report.full);
    let mut last = walks(&mut (22..=30));
    last.push("Walk 99".to_owned());
    for (list, css) in [("walks/", ".page-list h3"), ("tags/walking/", ".page-list h2")] {
        assert_eq!(titles(&format!("{list}index.html"), css), walks(&mut [1, 2, 3, 4, 6, 7, 8, 9, 10, 11].into_iter()), "{list}");
        assert_eq!(titles(&format!("{list}page/2/index.html"), css), walks(&mut (12..=21)), "{list}");
        assert_eq!(titles(&format!("{list}page/3/index.html"), css), last, "{list}");
    }

    let clean = tempfile::tempdir().unwrap();
    let build_clean = |name: &str| {
        let out = clean.path().join(name);
        psoas::cmd::build::build(site.path(), &psoas::cmd::build::BuildArgs { output: out.clone(), ..args() }).unwrap();
        snapshot_tree(&out)
    };
    assert_eq!(snapshot_tree(&output), build_clean("first"), "the rebuild equals a clean build");

    // Walk 30, renamed "Walk 00", moves to the top of both lists, and among the first six walks, which the
    // home page shows.
    fs::write(site.path().join("content/walks/w30.md"), unweighted("Walk 00")).unwrap();
    let mut changes = Changes::default();
    classify(site.path(), &output, &site.path().join("content/walks/w30.md"), &mut changes);
    workspace.rebuild(&changes).unwrap();
    assert!(fs::read_to_string(output.join("index.html")).unwrap().contains("Walk 00"));
    assert_eq!(snapshot_tree(&output), build_clean("second"), "the rebuild equals a clean build");
}
