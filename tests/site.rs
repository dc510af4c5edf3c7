//! The bundled site, built as it ships and checked as a reader needs it. Expectations come from the parsed
//! output and from the site's own front matter (loaded through the library), never from retyped lists.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use psoas::cmd::build::{BuildArgs, build};
use psoas::site::Site;
use scraper::{Html, Selector};

struct Built {
    _dir: tempfile::TempDir,
    public: PathBuf,
    site: Site,
}

/// Builds the repository's site once for all tests in this file.
fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        let public = dir.path().join("public");
        let args = BuildArgs { base_url: Some("https://user.github.io/psoas/".into()), output: public.clone(), drafts: false };
        build(root, &args).unwrap_or_else(|e| panic!("the bundled site must build: {e:#}"));
        let site = Site::load(root, Some("https://user.github.io/psoas/"), false).unwrap_or_else(|p| panic!("{p:?}"));
        Built { _dir: dir, public, site }
    })
}

fn page_html(path: &str) -> Html {
    let file = built().public.join(path).join("index.html");
    Html::parse_document(&fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())))
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).unwrap()).collect()
}

fn text(element: &scraper::ElementRef) -> String {
    element.text().collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every JSON-LD node of a page, by `@type`.
fn json_ld(html: &Html) -> BTreeMap<String, serde_json::Value> {
    let mut nodes = BTreeMap::new();
    for script in select(html, "script[type=\"application/ld+json\"]") {
        let value: serde_json::Value = serde_json::from_str(&script.inner_html()).expect("JSON-LD parses");
        for node in value["@graph"].as_array().expect("a @graph") {
            nodes.insert(node["@type"].as_str().unwrap().to_owned(), node.clone());
        }
    }
    nodes
}

#[test]
fn the_site_has_four_sections_and_at_least_fourteen_articles() {
    let site = &built().site;
    let sections: Vec<&str> = site.sections.iter().filter(|s| !s.dir.is_empty()).map(|s| s.dir.as_str()).collect();
    assert_eq!(sections, ["anatomy", "safety", "stretches", "symptoms"]);
    let articles = site.pages.iter().filter(|p| p.file.rel_path.contains('/')).count();
    assert!(articles >= 14, "{articles} articles");
    assert!(site.pages.iter().any(|p| p.file.rel_path == "about.md"));
}

#[test]
fn each_home_page_topic_card_shows_its_first_six_articles_and_links_to_the_rest() {
    let site = &built().site;
    let home = page_html("");
    let cards = select(&home, ".topic-card");
    let root = site.root_section();
    assert_eq!(cards.len(), site.subsections[root].len());
    for (card, &s) in cards.iter().zip(&site.subsections[root]) {
        let listed: Vec<String> = card.select(&Selector::parse(".topic-pages > li > a").unwrap()).map(|a| a.value().attr("href").unwrap().to_owned()).collect();
        let pages = &site.section_pages[s];
        let first: Vec<String> = pages.iter().take(6).map(|&p| site.url(&site.pages[p].path)).collect();
        assert_eq!(listed, first, "{}", site.sections[s].meta.title);
        let more = card.select(&Selector::parse(".topic-more a").unwrap()).next();
        if pages.len() > 6 {
            let more = more.unwrap_or_else(|| panic!("{}: no link to all {} articles", site.sections[s].meta.title, pages.len()));
            assert_eq!(more.value().attr("href"), Some(site.url(&site.sections[s].path).as_str()));
            assert_eq!(text(&more), format!("All {} articles in {}", pages.len(), site.sections[s].meta.title));
        } else {
            assert!(more.is_none());
        }
    }
    // The stretches topic has more than six articles, so the link shows at least once.
    assert!(!select(&home, ".topic-more a").is_empty());
}

#[test]
fn every_article_has_a_description_a_review_date_sources_and_the_disclaimer() {
    let site = &built().site;
    for page in &site.pages {
        let meta = &page.meta;
        let name = &page.file.rel_path;
        assert!(meta.description.as_deref().is_some_and(|d| !d.trim().is_empty()), "{name}: no description");
        assert!(!meta.sources.is_empty(), "{name}: no sources");
        let html = page_html(&page.path);
        let reviewed = meta.last_reviewed.unwrap_or_else(|| panic!("{name}: no last_reviewed"));
        let times = select(&html, &format!("time[datetime=\"{reviewed}\"]"));
        assert!(times.iter().any(|t| text(&t.parent().and_then(scraper::ElementRef::wrap).unwrap()).contains("Last reviewed")), "{name}: last-reviewed date not shown");
        let description = select(&html, "meta[name=description]")[0].value().attr("content").unwrap().to_owned();
        assert_eq!(Some(description.as_str()), meta.description.as_deref(), "{name}");
        let footer = select(&html, "footer").iter().map(text).collect::<String>();
        assert!(footer.contains("not medical advice"), "{name}: no disclaimer in the footer");
        let kinds = json_ld(&html);
        assert!(kinds.contains_key("MedicalWebPage") && kinds.contains_key("BreadcrumbList"), "{name}: {kinds:?}");
    }
}

#[test]
fn every_stretch_page_has_its_card_steps_timer_red_flag_link_and_howto() {
    let site = &built().site;
    let red_flags = site.urls["safety/red-flags.md"].clone();
    let stretch_pages: Vec<_> = site.pages.iter().filter(|p| p.meta.stretch.is_some()).collect();
    assert!(stretch_pages.len() >= 8, "{} stretch pages", stretch_pages.len());
    for page in stretch_pages {
        let stretch = page.meta.stretch.as_ref().unwrap();
        let name = &page.file.rel_path;
        let html = page_html(&page.path);

        let images = select(&html, ".stretch-card img");
        assert_eq!(images.len(), 1, "{name}: one illustration in the card");
        let img = images[0].value();
        assert_eq!(img.attr("src"), Some(format!("/psoas{}", stretch.image).as_str()), "{name}");
        assert_eq!(img.attr("alt"), Some(stretch.image_alt.as_str()), "{name}");
        assert!(img.attr("width").is_some() && img.attr("height").is_some(), "{name}: the image needs a size");
        assert!(built().public.join(stretch.image.trim_start_matches('/')).is_file());

        let card = text(&select(&html, ".stretch-card")[0]);
        if let Some(hold) = stretch.hold_seconds {
            assert!(card.contains(&format!("Hold {hold} seconds")), "{name}: hold time missing in {card}");
        }
        let steps: Vec<String> = select(&html, "#steps ~ ol li").iter().map(text).collect();
        assert_eq!(steps, stretch.steps, "{name}: numbered steps");

        let warning_links: Vec<_> = select(&html, ".stretch-warning a").iter().filter_map(|a| a.value().attr("href")).map(str::to_owned).collect();
        assert!(warning_links.contains(&format!("/psoas/{red_flags}")), "{name}: no red-flag link in the warning");

        let kinds = json_ld(&html);
        let how_to = &kinds["HowTo"];
        assert_eq!(how_to["name"], page.meta.title.as_str());
        assert_eq!(how_to["step"].as_array().unwrap().len(), stretch.steps.len(), "{name}");
        assert_eq!(how_to["step"][0]["@type"], "HowToStep");
        if stretch.total_seconds() > 0 {
            assert!(how_to["totalTime"].as_str().unwrap().starts_with("PT"), "{name}");
        }
        if stretch.hold_seconds.is_some_and(|s| s >= 10) {
            assert_eq!(select(&html, ".hold-timer[hidden] [aria-live]").len(), 1, "{name}: hold timer with a live region, hidden until the script runs");
        }
    }
}

#[test]
fn the_routine_page_lists_every_stretch_of_the_routine_in_order() {
    let site = &built().site;
    let mut routine: Vec<(u32, &str)> = site.pages.iter().filter_map(|p| Some((p.meta.stretch.as_ref()?.routine?, p.meta.title.as_str()))).collect();
    routine.sort();
    assert!(routine.len() >= 4);
    let page = site.pages.iter().find(|p| p.meta.template.as_deref() == Some("routine.html")).expect("a routine page");
    let html = page_html(&page.path);
    let listed: Vec<String> = select(&html, ".routine-list > li h2, .routine-list > li h3").iter().map(text).collect();
    let expected: Vec<&str> = routine.iter().map(|(_, title)| *title).collect();
    assert_eq!(listed.iter().map(|t| t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ')).collect::<Vec<_>>(), expected);
}

#[test]
fn no_image_lacks_alt_text_and_every_illustration_has_a_title() {
    for entry in walkdir::WalkDir::new(&built().public).into_iter().map(Result::unwrap) {
        let path = entry.path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                let html = Html::parse_document(&fs::read_to_string(path).unwrap());
                let images: Vec<_> = select(&html, "img").into_iter().map(|img| (img.value().attr("src"), img.value().attr("alt").unwrap_or_default().trim())).collect();
                for &(src, alt) in &images {
                    // An empty `alt` only on a copy of a picture the page describes where it first shows it.
                    let described = images.iter().any(|&(s, a)| s == src && !a.is_empty());
                    assert!(!alt.is_empty() || described, "{}: image {src:?} without alt text", path.display());
                }
            }
            Some("svg") if path.to_string_lossy().contains("illustrations") => {
                let svg = fs::read_to_string(path).unwrap();
                assert!(svg.contains("<title"), "{}: no <title>", path.display());
                assert!(svg.len() < 40 * 1024, "{}: {} bytes", path.display(), svg.len());
            }
            _ => {}
        }
    }
}

#[test]
fn pages_make_no_third_party_requests() {
    for entry in walkdir::WalkDir::new(&built().public).into_iter().map(Result::unwrap) {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = Html::parse_document(&fs::read_to_string(entry.path()).unwrap());
            for element in select(&html, "script[src], link[rel=stylesheet], link[rel=icon], img, iframe") {
                let url = element.value().attr("src").or(element.value().attr("href")).unwrap_or_default();
                assert!(url.starts_with("/psoas/"), "{}: loads {url}", entry.path().display());
            }
        }
    }
}

#[test]
fn the_main_navigation_marks_the_section_a_reader_is_in() {
    let site = &built().site;
    let root = site.root_section();
    for &s in &site.subsections[root] {
        let section = &site.sections[s];
        let marks = |path: &str| -> Vec<(String, Option<String>)> {
            select(&page_html(path), "nav[aria-label=Main] a").iter().map(|a| (text(a), a.value().attr("aria-current").map(str::to_owned))).collect()
        };
        let expect = |value: &str| -> Vec<(String, Option<String>)> {
            site.subsections[root].iter().map(|&t| (site.sections[t].meta.title.clone(), (t == s).then(|| value.to_owned()))).collect()
        };
        let on_section = marks(&section.path);
        assert_eq!(on_section[..site.subsections[root].len()], expect("page")[..], "{}", section.path);
        let page = site.section_pages[s].first().map(|&p| &site.pages[p].path).expect("each section has pages");
        assert_eq!(marks(page)[..site.subsections[root].len()], expect("true")[..], "{page}");
    }
}
