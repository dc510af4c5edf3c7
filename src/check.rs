//! Link checking over the whole rendered site, before anything is written: every internal link and anchor from
//! Markdown (reported at its source position), from front matter (illustrations), and from the templates'
//! output (reported against the template), must point at a file the build writes and an id that file has.
//! Duplicate ids within a page are reported too, since they make anchors ambiguous.

use std::borrow::Cow;

use crate::{HashMap, HashSet};

use rayon::prelude::*;

use crate::content::SourceFile;
use crate::diagnostics::{Problem, did_you_mean};
use crate::markdown::LinkRecord;
use crate::render::{Body, Output, RenderedSite};
use crate::site::Site;
use crate::urls::{is_external, normalize, percent_decode, split_at_byte};

/// What one HTML file contains that links can point at or from.
#[derive(Default, Debug)]
pub struct Scan {
    pub ids: Strings,
    pub links: Strings,
}

/// Short strings packed in one buffer. Every output's ids and links are kept until the final check: packed,
/// they take two allocations an output instead of one each (about half the memory, at 10,000 pages).
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Strings {
    text: String,
    ends: Vec<u32>,
}

impl Strings {
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(u32::try_from(self.text.len()).expect("an output's ids and links are under 4 GiB"));
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| &self.text[start as usize..end as usize])
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// A copy that takes no more memory than its strings need.
    fn packed(&self) -> Strings {
        Strings { text: self.text.as_str().to_owned(), ends: self.ends.clone() }
    }
}

/// Scans with `scan`, into a buffer each thread keeps, and copies out what it found if `scan` says so: one
/// allocation for the ids and one for the links of an output, where growing them as they fill took about a
/// dozen, and shrinking them to fit one more each.
fn scanned(scan: impl FnOnce(&mut Scan) -> bool) -> Option<Scan> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Scan> = std::cell::RefCell::default();
    }
    SCRATCH.with_borrow_mut(|scratch| {
        scratch.ids.clear();
        scratch.links.clear();
        scan(scratch).then(|| Scan { ids: scratch.ids.packed(), links: scratch.links.packed() })
    })
}

pub fn check_links(site: &Site, rendered: &RenderedSite) -> Vec<Problem> {
    check_links_since(site, rendered, None)
}

/// Checks the links of a rebuild. Given the previous (good) build, links that cannot have broken are not
/// checked again: when no page or file appeared, disappeared or changed its ids, only what was re-rendered
/// is checked.
pub fn check_links_since(site: &Site, rendered: &RenderedSite, previous: Option<&RenderedSite>) -> Vec<Problem> {
    // Scans are cached on the outputs, so a rebuild only scans what it re-rendered.
    rendered.outputs.par_iter().with_max_len(crate::BATCH).for_each(|o| {
        o.scan();
    });
    let fresh = previous.and_then(|old| fresh_outputs(rendered, old));
    // A full check resolves links by the hundred thousand and indexes the outputs first; a rebuild that
    // checks only what it re-rendered finds its few targets in the sorted list.
    let index = Index::new(&rendered.outputs, fresh.is_none());
    let is_fresh = |k: usize| fresh.as_ref().is_none_or(|fresh| fresh[k]);

    let mut problems: Vec<Problem> = Vec::new();
    // A Markdown result carried over from the previous build is the same allocation: when the outputs are
    // as they were, its links were good then. It is looked for in its place (a page that moved is checked
    // again, which is never wrong).
    let old = previous.filter(|_| fresh.is_some());
    let carried = |new: &std::sync::Arc<crate::markdown::Rendered>, old: Option<&std::sync::Arc<crate::markdown::Rendered>>| old.is_some_and(|o| std::sync::Arc::ptr_eq(o, new));
    let pages = site.pages.iter().zip(&rendered.pages).enumerate().filter(|(i, (_, r))| !carried(r, old.and_then(|o| o.pages.get(*i)))).map(|(_, (p, r))| (&p.file, p.path.as_str(), r));
    let sections = site.sections.iter().zip(&rendered.sections).enumerate().filter(|(i, (_, r))| !carried(r, old.and_then(|o| o.sections.get(*i)))).map(|(_, (s, r))| (&s.file, s.path.as_str(), r));
    let markdown: Vec<_> = pages.chain(sections).collect();
    let drafts = Drafts { root: &site.root, ignore: &site.config.ignore, urls: std::sync::OnceLock::new() };
    let markdown_problems: Vec<Problem> = markdown
        .par_iter()
        .with_max_len(crate::BATCH)
        .flat_map_iter(|&(file, own_path, result)| {
            let (index, drafts) = (&index, &drafts);
            result.links.iter().filter_map(move |link| {
                let (message, help) = index.check(&link.target, link.fragment.as_deref()).err()?;
                if let Some((message, help)) = drafts.left_out(index, &link.target, true) {
                    return Some(source_problem(site, file, link, message, help));
                }
                if let Some(path) = unpublished_file(site, link) {
                    return Some(source_problem(site, file, link, message, content_file_help(site, index, &path)));
                }
                if let Some(path) = same_name_elsewhere(&rendered.outputs, &link.target) {
                    let help = format!("did you mean `/{path}`? A path without a leading `/` is relative to the page's own URL, `/{own_path}`");
                    return Some(source_problem(site, file, link, message, help));
                }
                match &link.missed_beside {
                    Some(beside) if index.resolve(&link.target).is_none() => {
                        let message = format!("no file `content/{beside}` beside the page, nor a page or file at `/{}`", link.target);
                        Some(source_problem(site, file, link, message, missed_file_help(site, beside)))
                    }
                    _ => Some(source_problem(site, file, link, message, help)),
                }
            })
        })
        .collect();
    problems.extend(markdown_problems);
    // The URLs of the illustrations reported missing: the cards that show them are not reported again.
    let mut missing_illustrations = HashSet::default();
    for (i, page) in site.pages.iter().enumerate() {
        if let (Some(stretch), Some(target)) = (&page.meta.stretch, site.stretch_image(i))
            && index.file(&target).is_none()
        {
            missing_illustrations.insert(site.url(&target));
            let text = site.source_text(&page.file);
            problems.push(
                Problem::new(page.file.display_path(), format!("illustration `{}` does not exist", stretch.image))
                    .at_key(&text, "stretch.image")
                    .help("write its site path, e.g. `/illustrations/name.svg` for static/illustrations/name.svg, or its path from the page's Markdown file, e.g. `kneel.svg` beside it"),
            );
        }
    }

    let base_path = site.config.base_path();
    let template_problems: Vec<(Problem, &str)> = rendered
        .outputs
        .par_iter()
        .with_max_len(crate::BATCH)
        .enumerate()
        .filter(|&(k, _)| is_fresh(k))
        // Links that do not depend on the page they are on (from the site's root), once found good by a
        // worker, are not resolved again: the menu, header and footer repeat them on every page.
        .map_init(HashSet::<&str>::default, |good, (_, output)| {
            let (Body::Html { template, source, markdown_hrefs, .. }, Some(scan)) = (&output.body, output.scan()) else { return Vec::new() };
            let origin = || Origin { site, output: &output.path, template: template.as_deref(), source: source.as_deref() };
            let mut found = Vec::new();
            let mut seen = HashSet::default();
            // The places problems of this output were put at.
            let mut used = HashSet::default();
            for id in scan.ids.iter() {
                if !seen.insert(id) {
                    found.push((origin().problem(&format!("id=\"{id}\""), format!("duplicate id `{id}`"), "ids must be unique within a page: rename a heading with `{#other-id}`, or change the template", &mut used), output.path.as_str()));
                }
            }
            let from_markdown: HashSet<&str> = markdown_hrefs.iter().map(String::as_str).collect();
            for raw in scan.links.iter() {
                if good.contains(raw) {
                    continue;
                }
                let href = &*unescape_html(raw);
                // The Markdown wrote `<sitting guide.md>` as `sitting%20guide.md`.
                let in_markdown = from_markdown.contains(href) || href.contains('%') && from_markdown.contains(&*percent_decode(href));
                if in_markdown || missing_illustrations.contains(href) {
                    continue;
                }
                // A link to a place on the same page (a skip link, a table of contents) needs only the page's
                // ids; a missing one is reported without the page's name, so that a template's mistake is
                // reported once with the pages it is on.
                if let Some(fragment) = href.strip_prefix('#').map(percent_decode) {
                    if !fragment.is_empty() && !scan.ids.iter().any(|id| id == fragment) {
                        let message = format!("broken link `{href}`: no element on the page has the id `{fragment}`");
                        found.push((origin().problem(href, message, &missing_anchor_help(&fragment, &scan.ids), &mut used), output.path.as_str()));
                    }
                    continue;
                }
                // The Markdown renderer resolves `@/` links; one left in the output was written in raw HTML.
                if href.starts_with("@/") {
                    let message = format!("broken link `{href}`: a `@/` path is resolved in Markdown links, not in HTML");
                    found.push((origin().problem(href, message, "write it as a Markdown link, `[text](@/page.md)`, or give the page's URL from the site's root", &mut used), output.path.as_str()));
                    continue;
                }
                let result = match resolve_href(href, &output.path, &site.config.base_url, base_path) {
                    Resolved::External => continue,
                    Resolved::OutsideBase => Err((format!("broken link `{href}`: outside the site's base path `{base_path}`"), "build URLs with the `url()` template function, which adds the base path".to_owned())),
                    Resolved::Local(target, fragment) => index
                        .check(&target, fragment.as_deref())
                        .map_err(|found| drafts.left_out(&index, &target, false).unwrap_or(found))
                        .map_err(|(m, h)| (format!("broken link `{href}`: {m}"), h)),
                };
                match result {
                    Err((message, help)) => found.push((origin().problem(href, message, &help, &mut used), output.path.as_str())),
                    Ok(()) if href.starts_with('/') || href.starts_with(site.config.base_url.as_str()) => {
                        good.insert(raw);
                    }
                    Ok(()) => {}
                }
            }
            found
        })
        .flatten_iter()
        .collect();
    problems.extend(merge_by_page(template_problems));
    problems.extend(check_stylesheets(site, &rendered.outputs, &index));
    problems
}

/// The `url()` and `@import` references of the site's own stylesheets. A stylesheet's relative URLs work
/// under any base path; a root path (`/images/a.png`) leaves a project site's (`/repo/`), so it is reported
/// with the relative path to write instead.
fn check_stylesheets(site: &Site, outputs: &[std::sync::Arc<Output>], index: &Index) -> Vec<Problem> {
    let base_path = site.config.base_path();
    let stylesheets = outputs.iter().filter_map(|o| match &o.body {
        Body::Static(crate::site::StaticSource::Disk(file)) if o.path.ends_with(".css") => Some((o.path.as_str(), file)),
        _ => None,
    });
    let mut problems = Vec::new();
    for (path, file) in stylesheets {
        let Ok(bytes) = std::fs::read(file) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        let shown = file.strip_prefix(&site.root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        for reference in crate::css::references(&text) {
            let url = &*reference.url;
            if url.is_empty() || url.starts_with('#') {
                continue;
            }
            let problem = |message: String, help: String| Problem::new(&shown, message).at_offset(&text, reference.offset).help(help);
            match resolve_href(url, path, &site.config.base_url, base_path) {
                Resolved::External => {}
                Resolved::OutsideBase if url.starts_with('/') => {
                    let target = url.trim_start_matches('/');
                    problems.push(problem(
                        format!("`{url}` in a stylesheet is outside the site's base path `{base_path}`"),
                        format!("a stylesheet's URLs are relative to it: write `{}`", relative_url(path, target)),
                    ));
                }
                Resolved::OutsideBase => problems.push(problem(format!("`{url}` climbs above the site's root"), format!("it is relative to the stylesheet, `/{path}`"))),
                Resolved::Local(target, _) if index.resolve(&target).is_none() => {
                    let help = if url.starts_with('/') || is_external(url) {
                        format!("put the file under static/, at static/{target}")
                    } else {
                        format!("it is relative to the stylesheet, `/{path}`; put the file under static/")
                    };
                    problems.push(problem(format!("`{url}` in a stylesheet: no file at `/{target}`"), help));
                }
                Resolved::Local(..) => {}
            }
        }
    }
    problems
}

/// The relative URL from the file at site path `from` to site path `to`: `css/a.css` to `img/b.png` is
/// `../img/b.png`.
fn relative_url(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect::<Vec<_>>().split_last().map_or(Vec::new(), |(_, dirs)| dirs.to_vec());
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs.iter().zip(&to_parts).take_while(|(a, b)| a == b).count().min(to_parts.len() - 1);
    let mut out = "../".repeat(from_dirs.len() - common);
    out.push_str(&to_parts[common..].join("/"));
    out
}

/// A template mistake shows up in every page the template renders: report it once, naming the pages.
fn merge_by_page(found: Vec<(Problem, &str)>) -> Vec<Problem> {
    let mut merged: Vec<(Problem, Vec<&str>)> = Vec::new();
    for (problem, page) in found {
        match merged.iter_mut().find(|(p, _)| *p == problem) {
            Some((_, pages)) => pages.push(page),
            None => merged.push((problem, vec![page])),
        }
    }
    merged
        .into_iter()
        .map(|(mut problem, mut pages)| {
            pages.sort_unstable();
            // One page may have the problem twice (a duplicate id written three times).
            pages.dedup();
            let shown = match pages.len() {
                1 => format!("`{}`", pages[0]),
                n => format!("`{}` and {} other page{}", pages[0], n - 1, if n == 2 { "" } else { "s" }),
            };
            problem.message = format!("{} (in {shown})", problem.message);
            problem
        })
        .collect()
}

/// Which outputs are fresh (not carried over from `old`, by address), in the order of `new.outputs`, when
/// every link target is as it was (no output appeared, disappeared or changed its ids); `None` when something
/// a link could point at changed.
fn fresh_outputs(new: &RenderedSite, old: &RenderedSite) -> Option<Vec<bool>> {
    if new.outputs.len() != old.outputs.len() {
        return None;
    }
    let mut fresh = Vec::with_capacity(new.outputs.len());
    for (a, b) in new.outputs.iter().zip(&old.outputs) {
        if a.path != b.path {
            return None;
        }
        let carried = std::sync::Arc::ptr_eq(a, b);
        if !carried && a.scan().map(|s| &s.ids) != b.scan().map(|s| &s.ids) {
            return None;
        }
        fresh.push(!carried);
    }
    Some(fresh)
}

/// Finds the output a link points at: in hash maps built for a full check, else by binary search of the
/// outputs, which are sorted by path.
struct Index<'a> {
    outputs: &'a [std::sync::Arc<Output>],
    maps: Option<Maps<'a>>,
}

struct Maps<'a> {
    files: HashMap<&'a str, &'a Output>,
    /// Each folder with an `index.html`, by its path without the final slash (`""` for the home page).
    folders: HashMap<&'a str, &'a Output>,
}

impl<'a> Index<'a> {
    fn new(outputs: &'a [std::sync::Arc<Output>], with_maps: bool) -> Index<'a> {
        let maps = with_maps.then(|| {
            let files: HashMap<&str, &Output> = outputs.iter().map(|o| (o.path.as_str(), &**o)).collect();
            let folders = files.iter().filter_map(|(&f, &o)| Some((if f == "index.html" { "" } else { f.strip_suffix("/index.html")? }, o))).collect();
            Maps { files, folders }
        });
        Index { outputs, maps }
    }

    /// The output at exactly this path.
    fn file(&self, path: &str) -> Option<&'a Output> {
        match &self.maps {
            Some(maps) => maps.files.get(path).copied(),
            None => self.outputs.binary_search_by(|o| o.path.as_str().cmp(path)).ok().map(|k| &*self.outputs[k]),
        }
    }

    /// The `index.html` of this folder (`""` for the home page).
    fn folder(&self, dir: &str) -> Option<&'a Output> {
        match &self.maps {
            Some(maps) => maps.folders.get(dir).copied(),
            None if dir.is_empty() => self.file("index.html"),
            None => self.file(&format!("{dir}/index.html")),
        }
    }

    /// Checks a site-relative target and fragment; on failure, the message and a hint.
    fn check(&self, target: &str, fragment: Option<&str>) -> Result<(), (String, String)> {
        let output = self.resolve(target).ok_or_else(|| {
            let shown = if target.is_empty() { "/".to_owned() } else { format!("/{target}") };
            (format!("no page or file at `{shown}`"), "check the path; link to content by its source path, e.g. `@/section/file.md`".to_owned())
        })?;
        let Some(fragment) = fragment.filter(|f| !f.is_empty()) else { return Ok(()) };
        let Some(scan) = output.scan() else { return Ok(()) };
        let fragment = percent_decode(fragment);
        if scan.ids.iter().any(|id| id == fragment) {
            return Ok(());
        }
        Err((format!("no anchor `#{fragment}` in `{}`", output.path), missing_anchor_help(&fragment, &scan.ids)))
    }

    fn resolve(&self, target: &str) -> Option<&'a Output> {
        let target = percent_decode(target);
        if target.is_empty() || target.ends_with('/') {
            return self.folder(target.strip_suffix('/').unwrap_or_default());
        }
        self.file(&target).or_else(|| self.folder(&target))
    }
}

/// The drafts a build without `--drafts` leaves out, by the URL each would have: read only once a link misses.
struct Drafts<'a> {
    root: &'a std::path::Path,
    ignore: &'a crate::ignore::Ignore,
    urls: std::sync::OnceLock<crate::HashMap<String, String>>,
}

impl Drafts<'_> {
    /// Why nothing is at the site path `target`, if no output is there because a draft would be; the help
    /// says how to link to it by its file, from Markdown or (`in_markdown` false) from a template.
    fn left_out(&self, index: &Index, target: &str, in_markdown: bool) -> Option<(String, String)> {
        if index.resolve(target).is_some() {
            return None;
        }
        let decoded = percent_decode(target);
        let path = decoded.strip_suffix("index.html").unwrap_or(&decoded);
        let path = if path.is_empty() || path.ends_with('/') { path.to_owned() } else { format!("{path}/") };
        let rel = self.urls.get_or_init(|| crate::content::draft_urls(self.root, self.ignore)).get(&path)?;
        let reason = crate::content::draft_reason(self.root, rel)?;
        let message = format!("no page at `/{path}`: it is the URL of {}/{rel}, and {reason}, left out of this build", crate::content::CONTENT_DIR);
        let by_file = if in_markdown { format!("`[text](@/{rel})`") } else { format!("`get_page(path=\"{rel}\").url`") };
        Some((message, format!("build with `--drafts` to preview it, and link to it once it is published, by its file: {by_file}")))
    }
}

/// The file under content/ (its path there) that a link which missed, and which this build does not publish,
/// most likely meant: written relative to the page's file (`photo.png` beside `content/a/b.md`, which
/// resolves to `a/b/photo.png` from its pretty URL), or from the site's root.
fn unpublished_file(site: &Site, link: &LinkRecord) -> Option<String> {
    let target = &link.target;
    if target.is_empty() || target.ends_with('/') {
        return None;
    }
    let content = site.root.join(crate::content::CONTENT_DIR);
    link.missed_beside.iter().cloned().chain(normalize(target)).find(|path| !path.is_empty() && content.join(path).is_file())
}

/// What to do about a relative link to a file that is neither beside the page's Markdown file, at `beside`
/// under content/, nor at the page's URL: the file of the nearest name in that folder, if there is one.
fn missed_file_help(site: &Site, beside: &str) -> String {
    let (dir, name) = beside.rsplit_once('/').unwrap_or(("", beside));
    let folder = site.root.join(crate::content::CONTENT_DIR).join(dir);
    let names: Vec<String> = std::fs::read_dir(&folder)
        .map(|entries| entries.filter_map(Result::ok).filter(|e| e.path().is_file()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let shown_dir = if dir.is_empty() { crate::content::CONTENT_DIR.to_owned() } else { format!("{}/{dir}", crate::content::CONTENT_DIR) };
    match did_you_mean(name, names.iter().map(String::as_str).filter(|n| !n.ends_with(".md") && !crate::content::is_ignored(std::ffi::OsStr::new(n)))) {
        Some(near) => format!("did you mean `{shown_dir}/{near}`?"),
        None => format!("a relative path names a file beside the page's Markdown file, in `{shown_dir}/`; link to a file under static/ by its path from the site's root, e.g. `/illustrations/a.svg`"),
    }
}

/// The one output, if there is exactly one, with the file name of the missing `target` (`illustrations/a.svg`
/// for `stretches/x/illustrations/a.svg`): a path written relative where it was meant from the root.
fn same_name_elsewhere<'a>(outputs: &'a [std::sync::Arc<Output>], target: &str) -> Option<&'a str> {
    let name = target.rsplit('/').next().filter(|n| n.contains('.') && *n != "index.html")?;
    let mut found = outputs.iter().map(|o| o.path.as_str()).filter(|p| p.rsplit('/').next() == Some(name));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// What to say of the file under content/ (`path` relative to it) that a link which missed meant: where it
/// is published, or why it is not.
fn content_file_help(site: &Site, index: &Index, path: &str) -> String {
    let published = crate::content::asset_path(path);
    if index.file(&published).is_some() {
        return format!("content/{path} is published at `/{published}`: link to it by its file, `@/{path}`, or by that path");
    }
    if let Some(reason) = site.ignored_reason(path) {
        return format!("{reason}, so it is not published");
    }
    match crate::content::asset_draft_reason(&site.root.join(crate::content::CONTENT_DIR), path) {
        Some(reason) => format!("content/{path} is not published: {reason}"),
        None => format!("content/{path} is not published: hidden files and editors' backup and swap files are left out"),
    }
}

/// What to do about a link to an id that a page does not have.
fn missing_anchor_help(fragment: &str, ids: &Strings) -> String {
    match did_you_mean(fragment, ids.iter()) {
        Some(near) => format!("did you mean `#{near}`?"),
        None => "anchors are heading ids: lowercase words joined by hyphens, e.g. `#what-you-should-feel`".to_owned(),
    }
}

fn source_problem(site: &Site, file: &SourceFile, link: &LinkRecord, message: String, help: String) -> Problem {
    Problem::new(file.display_path(), format!("broken link: {message}")).at_offset(&site.source_text(file), link.offset).help(help)
}

/// Where a link in the output came from, to point the author at the right file.
struct Origin<'a> {
    site: &'a Site,
    output: &'a str,
    template: Option<&'a str>,
    source: Option<&'a str>,
}

impl Origin<'_> {
    /// The text of the content file the output was rendered from. A build frees each page's text once it is
    /// rendered: this runs only for a problem, and reads the file again.
    fn source_text(&self) -> Option<String> {
        std::fs::read_to_string(self.site.root.join(self.source?)).ok()
    }

    /// The problem `message` about `needle`, at the first place that writes it and that no earlier problem of
    /// this output was put at (`used`): the same URL in an `<img>`'s `srcset` and its `src` is two problems,
    /// each at its own attribute. Once every place is taken, the first again (a loop that writes the place
    /// twice).
    fn problem(&self, needle: &str, message: String, help: &str, used: &mut HashSet<(Option<usize>, usize)>) -> Problem {
        let templates = &self.site.templates;
        let search = [needle, needle.trim_start_matches(self.site.config.base_path()), needle.rsplit('#').next().unwrap_or(needle)];
        // Read only when the theme does not hold it: an output's problems may all be found there.
        let source = std::cell::OnceCell::new();
        // The template (or a template it includes or extends, by its index) or the page's own Markdown (`None`: raw
        // HTML in its body, or front matter values shown as links) that holds the offending text: first
        // written as an attribute's value (`href="/x"`), then anywhere (`url(path='/x')`), the theme before
        // the page.
        let mut first = None;
        let finds: [fn(&str, &str) -> Vec<usize>; 2] = [attribute_values_at, |text, needle| text.match_indices(needle).map(|(i, _)| i).collect()];
        'found: for find in finds {
            let texts = templates.sources.iter().enumerate().map(|(k, (_, text))| (Some(k), Some(text.as_str()))).chain(std::iter::once((None, None)));
            for (template, text) in texts {
                let Some(text) = text.or_else(|| source.get_or_init(|| self.source_text()).as_deref()) else { continue };
                for needle in search.iter().filter(|n| n.len() > 1) {
                    for offset in find(text, needle) {
                        let place = (template, offset);
                        if !used.contains(&place) {
                            first = Some(place);
                            break 'found;
                        }
                        first.get_or_insert(place);
                    }
                }
            }
            // Text anywhere is looked at only when no attribute's value is the URL, taken or not: there it
            // would find the URL again inside the same attribute (`/gone/` in `"/repo/gone/"`).
            if first.is_some() {
                break;
            }
        }
        if let Some(place @ (template, offset)) = first {
            used.insert(place);
            return match template {
                Some(k) => {
                    let (name, text) = &templates.sources[k];
                    Problem::new(templates.display_path(name), message).at_offset(text, offset).help(help)
                }
                None => {
                    let base_path = self.site.config.base_path();
                    let help = if help.contains("url()") {
                        &format!("raw HTML is written as it is: write it as a Markdown link or image (`[text](/path)`, `![alt](/path)`), where the base path is added for you, or begin the path with the base path, `{base_path}`")
                    } else {
                        help
                    };
                    let text = source.get().and_then(Option::as_deref).unwrap_or_default();
                    Problem::new(self.source.unwrap_or_default(), message).at_offset(text, offset).help(help)
                }
            };
        }
        // A page named in site.yaml with an anchor (`red_flags_page: safety/red-flags.md#urgent`), which the
        // theme links to.
        if let Some((_, fragment)) = needle.split_once('#').filter(|(_, f)| !f.is_empty())
            && let Ok(text) = std::fs::read_to_string(self.site.root.join(crate::config::CONFIG_FILE))
            && let Some(offset) = text.find(&format!(".md#{fragment}"))
        {
            return Problem::new(crate::config::CONFIG_FILE, message).at_offset(&text, offset + ".md".len()).help(help);
        }
        let file = match (self.template, self.source) {
            (Some(template), _) => templates.display_path(template),
            (None, Some(source)) => source.to_owned(),
            (None, None) => self.output.to_owned(),
        };
        Problem::new(file, message).help(help)
    }
}

/// Where `needle` is written as the whole value of an HTML attribute (`href="needle"`, `src='needle'`) or as
/// one candidate of a `srcset` in `text`: not an argument of a template function (`url(path='needle')`).
fn attribute_values_at(text: &str, needle: &str) -> Vec<usize> {
    let values = text.match_indices(needle).map(|(i, _)| i).filter(|&i| {
        let (before, after) = (&text[..i], &text[i + needle.len()..]);
        match before.chars().next_back().filter(|q| matches!(q, '"' | '\'')) {
            Some(quote) if after.starts_with(quote) => attribute_name(&before[..before.len() - 1]).is_some_and(holds_url),
            _ => in_srcset(before, after),
        }
    });
    values.collect()
}

/// Whether an attribute of this name holds a URL (not `alt="x.png"`, which may read like one).
fn holds_url(name: &str) -> bool {
    ["href", "src", "poster", "data", "action", "formaction", "cite", "content", "xlink:href", "srcset", "imagesrcset"].iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// The name of the attribute whose value starts after `before` (which ends with `name=`, spaces allowed).
fn attribute_name(before: &str) -> Option<&str> {
    let name_end = before.trim_end().strip_suffix('=').map(str::trim_end)?;
    let name = name_end.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == ':');
    (name.len() < name_end.len() && name.ends_with(char::is_whitespace)).then(|| &name_end[name.len()..])
}

/// Whether the text between `before` and `after` is one candidate URL of a `srcset` value.
fn in_srcset(before: &str, after: &str) -> bool {
    let starts = before.ends_with([' ', '\t', '\n', ',', '"', '\'']);
    let ends = after.starts_with([' ', '\t', '\n', ',', '"', '\'']);
    let Some(quote) = before.rfind(['"', '\'']) else { return false };
    starts && ends && attribute_name(&before[..quote]).is_some_and(|name| name.eq_ignore_ascii_case("srcset") || name.eq_ignore_ascii_case("imagesrcset"))
}

enum Resolved {
    External,
    OutsideBase,
    /// Site-relative path and fragment.
    Local(String, Option<String>),
}

fn resolve_href(href: &str, from: &str, base_url: &str, base_path: &str) -> Resolved {
    let href = match href.strip_prefix(base_url).or_else(|| same_site_url(href, base_url)) {
        Some(rest) => format!("{base_path}{rest}"),
        None if is_external(href) || href.starts_with("data:") => return Resolved::External,
        None => href.to_owned(),
    };
    let (path, fragment) = match split_at_byte(&href, b'#') {
        Some((p, f)) => (p, Some(f.to_owned())),
        None => (href.as_str(), None),
    };
    let path = split_at_byte(path, b'?').map_or(path, |(path, _)| path);
    let site_path = if path.is_empty() {
        from.to_owned()
    } else if path.starts_with('/') {
        match path.strip_prefix(base_path) {
            Some(rest) => rest.to_owned(),
            // The base path without its final slash (`/repo`) is the home page.
            None if base_path.strip_suffix('/') == Some(path) => String::new(),
            None => return Resolved::OutsideBase,
        }
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        let joined = if dir.is_empty() { path.to_owned() } else { format!("{dir}/{path}") };
        match normalize(&joined) {
            Some(p) => p,
            None => return Resolved::OutsideBase,
        }
    };
    Resolved::Local(site_path, fragment)
}

/// What follows the base URL in `href`, an absolute URL of the site written another way than `base_url` is:
/// with the scheme or host in capitals, with `http` for `https`, or without a scheme (`//host/repo/...`).
fn same_site_url<'h>(href: &'h str, base_url: &str) -> Option<&'h str> {
    let after_scheme = match href.strip_prefix("//") {
        Some(rest) => rest,
        None => {
            let (scheme, rest) = href.split_once("://")?;
            (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(rest)?
        }
    };
    let (_, base) = base_url.split_once("://")?;
    let (host, path) = base.split_at(base.find('/').unwrap_or(base.len()));
    after_scheme.get(..host.len()).filter(|h| h.eq_ignore_ascii_case(host))?;
    let rest = &after_scheme[host.len()..];
    // `https://host/repo` is the home page, as `/repo` is.
    if rest == path.trim_end_matches('/') { Some("") } else { rest.strip_prefix(path) }
}

/// Decodes the character references attribute values may contain (Tera escapes `/` as `&#x2F;`).
fn unescape_html(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => entity.strip_prefix('#').and_then(|d| d.parse().ok()).and_then(char::from_u32),
                },
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Collects `id` attributes and link targets (`href`, `src`) from HTML, skipping comments, scripts and styles.
/// A byte scanner: it runs over every output of the site, so it allocates only for what it keeps.
pub fn scan_html(html: &str) -> Scan {
    scanned(|scan| {
        scan_into(html, scan);
        true
    })
    .expect("a whole output is always kept")
}

/// The scan of an output that shows a page's Markdown `content` as it is, whose ids are `content_ids` (see
/// `Rendered::content_ids`): only the text around the content is scanned, the content's ids are taken as
/// they are, and its links are left out (each is checked from Markdown already, is external, or is a
/// heading's link to itself). The content is found where it first appears whole; `None` when it does not,
/// or when the text before it ends inside a tag, comment, script or style (the scan of the whole output
/// would then not read the content as it stands alone).
pub fn scan_around(html: &str, content: &str, content_ids: &[String]) -> Option<Scan> {
    if content.is_empty() {
        return None;
    }
    let at = find_whole(html, content)?;
    scanned(|scan| {
        if !scan_into(&html[..at], scan) {
            return false;
        }
        for id in content_ids {
            scan.ids.push(id);
        }
        // The content ends outside any tag (pulldown-cmark and psoas's Markdown renderer write whole
        // elements, and escape `<` in text), so what follows scans as it would after it.
        scan_into(&html[at + content.len()..], scan);
        true
    })
}

/// Where `needle`, a few KiB of content, first appears in `html`: found by its first bytes, then compared
/// whole (a searcher built for the whole needle would cost more than the search).
fn find_whole(html: &str, needle: &str) -> Option<usize> {
    let (html, needle) = (html.as_bytes(), needle.as_bytes());
    memchr::memmem::find_iter(html, &needle[..needle.len().min(32)]).find(|&at| html[at..].starts_with(needle))
}

/// Checks `scan_around` against a scan of the whole output: the same ids, the same links but the content's,
/// and each of those one that needs no check from the output (in debug builds, after every render).
#[cfg(debug_assertions)]
pub fn assert_scan_around<'a>(html: &str, content: &str, derived: &Scan, markdown_hrefs: impl Iterator<Item = &'a str> + Clone) {
    let whole = scan_html(html);
    assert_eq!(derived.ids.iter().collect::<Vec<_>>(), whole.ids.iter().collect::<Vec<_>>(), "ids of the output and of the text around its content");
    let at = find_whole(html, content).expect("the content is in the output");
    let before = scan_html(&html[..at]).links.iter().count();
    let content_scan = scan_html(content);
    let inside: Vec<&str> = content_scan.links.iter().collect();
    let mut links: Vec<&str> = whole.links.iter().collect();
    assert_eq!(links.drain(before..before + inside.len()).collect::<Vec<_>>(), inside, "the content's links, in the output");
    assert_eq!(derived.links.iter().collect::<Vec<_>>(), links, "links around the content");
    let ids: Vec<&str> = derived.ids.iter().collect();
    for raw in inside {
        let href = unescape_html(raw);
        let own_heading = href.strip_prefix('#').is_some_and(|f| ids.contains(&&*percent_decode(f)));
        assert!(is_external(&href) || own_heading || markdown_hrefs.clone().any(|h| percent_decode(h) == percent_decode(&href)), "content link `{href}` is not checked from Markdown");
    }
}

/// Scans `html` into `scan`; whether the text ends outside any tag, comment, script or style, and so would
/// scan the same with more text after it.
fn scan_into(html: &str, scan: &mut Scan) -> bool {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let find = |from: usize, needle: &[u8]| memchr::memmem::find(&bytes[from.min(len)..], needle).map(|e| from + e);
    let mut i = 0;
    while let Some(lt) = find_byte(bytes, i, b'<') {
        i = lt;
        if len - i < 4 {
            // Too near the end to tell a tag or a comment (`<!-`) from text.
            return false;
        }
        if bytes[i..].starts_with(b"<!--") {
            match find(i + 4, b"-->") {
                Some(e) => i = e + 3,
                None => return false,
            }
            continue;
        }
        let name_start = i + 1;
        let name_end = name_start + bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_end == name_start {
            i += 1;
            continue;
        }
        let name = &bytes[name_start..name_end];
        let mut j = name_end;
        // Attributes up to the closing `>`.
        loop {
            while j < len && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= len {
                return false;
            }
            if bytes[j] == b'>' || bytes[j..].starts_with(b"/>") {
                break;
            }
            let attr_start = j;
            j += bytes[j..].iter().take_while(|&&b| !(b.is_ascii_whitespace() || b == b'=' || b == b'>')).count().max(1);
            let attr = &bytes[attr_start..j.min(len)];
            if j < len && bytes[j] == b'=' {
                j += 1;
                let (start, end, quoted) = match bytes.get(j) {
                    Some(&q @ (b'"' | b'\'')) => (j + 1, find_byte(bytes, j + 1, q).unwrap_or(len), true),
                    _ => (j, j + bytes[j..].iter().take_while(|&&b| !(b.is_ascii_whitespace() || b == b'>')).count(), false),
                };
                let value = &html[start..end];
                // An unclosed quote runs to the end, where the loop stops.
                j = if quoted { (end + 1).min(len) } else { end };
                if attr.eq_ignore_ascii_case(b"id") {
                    scan.ids.push(&unescape_html(value));
                } else if (attr.eq_ignore_ascii_case(b"href") || attr.eq_ignore_ascii_case(b"src")) && !name.eq_ignore_ascii_case(b"base")
                    || attr.eq_ignore_ascii_case(b"poster")
                    || attr.eq_ignore_ascii_case(b"data") && name.eq_ignore_ascii_case(b"object")
                {
                    scan.links.push(value);
                } else if attr.eq_ignore_ascii_case(b"style") {
                    // `style="background: url(a.png)"`: relative to the page, as an `href` is.
                    for reference in crate::css::references(&unescape_html(value)) {
                        scan.links.push(&reference.url);
                    }
                } else if attr.eq_ignore_ascii_case(b"srcset") || attr.eq_ignore_ascii_case(b"imagesrcset") {
                    // Candidates are `url [descriptor]`, apart by commas; a `data:` URL has commas of its own.
                    if !value.contains("data:") {
                        for url in value.split(',').filter_map(|candidate| candidate.split_ascii_whitespace().next()) {
                            scan.links.push(url);
                        }
                    }
                }
            }
        }
        i = j;
        for raw in [&b"script"[..], b"style"] {
            if name.eq_ignore_ascii_case(raw) {
                // The element's text ends at `</script` or `</style`, in any case.
                let (start, mut k) = (i, i);
                i = loop {
                    match find(k, b"</") {
                        Some(e) if bytes.get(e + 2..e + 2 + raw.len()).is_some_and(|n| n.eq_ignore_ascii_case(raw)) => break e,
                        Some(e) => k = e + 2,
                        None => return false,
                    }
                };
                // A `<style>` element's URLs are relative to the page.
                if raw == b"style" {
                    for reference in crate::css::references(html.get(start + 1..i).unwrap_or_default()) {
                        scan.links.push(&reference.url);
                    }
                }
            }
        }
    }
    true
}

/// Where `byte` first is in `bytes` from `from` on. Tags and attribute values are a few bytes apart in a
/// theme's markup, where setting `memchr` up costs more than the search: the first 64 bytes are searched 16 at
/// a time in place, and `memchr` searches the rest.
#[inline]
fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    let mut i = from;
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
        let stop = bytes.len().min(from.saturating_add(64));
        while i + 16 <= stop {
            // SAFETY: SSE2 is part of every x86_64 processor, and the 16 bytes read are within `bytes`
            // (`i + 16 <= bytes.len()`); `loadu` reads them unaligned.
            let mask = unsafe { _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(bytes.as_ptr().add(i).cast::<__m128i>()), _mm_set1_epi8(byte as i8))) };
            if mask != 0 {
                return Some(i + mask.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    memchr::memchr(byte, bytes.get(i..)?).map(|at| i + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_strings_keep_each_string_whole_and_in_order() {
        let mut strings = Strings::default();
        assert_eq!(strings.iter().count(), 0);
        for s in ["/a/", "", "é#x", ""] {
            strings.push(s);
        }
        assert_eq!(strings.iter().collect::<Vec<_>>(), ["/a/", "", "é#x", ""]);
        let mut other = Strings::default();
        for s in ["/a/", "", "é#", "x"] {
            other.push(s);
        }
        assert_ne!(strings, other, "same bytes, split differently");
    }

    #[test]
    fn find_byte_finds_what_a_plain_search_finds() {
        // `<` at places on either side of the 16-byte steps and of the 64 bytes searched in place.
        let mut bytes = [b'a'; 200];
        for at in [0, 15, 16, 17, 63, 64, 65, 79, 80, 150, 199] {
            bytes[at] = b'<';
        }
        for from in 0..=bytes.len() {
            for len in [from, (from + 10).min(200), (from + 70).min(200), 200] {
                let bytes = &bytes[..len];
                assert_eq!(find_byte(bytes, from, b'<'), bytes[from..].iter().position(|&b| b == b'<').map(|at| from + at), "from {from}, length {len}");
            }
        }
        assert_eq!(find_byte(b"abc", 4, b'a'), None, "past the end");
    }

    #[test]
    fn scans_ids_and_links_but_not_scripts() {
        let scan = scan_html("<a href=\"/x/\" id=a>t</a><!-- <a href=\"/no/\"> --><script>var s = '<a href=\"/no/\">';</script><img src='/i.svg' alt=\"\"><h2 id=\"b\">");
        assert_eq!(scan.ids.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(scan.links.iter().collect::<Vec<_>>(), ["/x/", "/i.svg"]);
        assert_eq!(unescape_html("&#x2F;a&#47;b&amp;c&nope;"), "/a/b&c&nope;");
    }

    #[test]
    fn scan_ignores_case_and_handles_unquoted_and_bare_attributes() {
        let scan = scan_html("<A HREF=/up/ hidden ID='x'>t</A><SCRIPT>x = '<a href=\"/no/\">' </script ><base href=\"/b/\"><img src=i.svg><STYLE>a{}</STYLE><p id=last");
        assert_eq!(scan.ids.iter().collect::<Vec<_>>(), ["x", "last"]);
        assert_eq!(scan.links.iter().collect::<Vec<_>>(), ["/up/", "i.svg"]);
        let unclosed = scan_html("<a href=\"/x/\"><!-- never closed <a href=\"/no/\">");
        assert_eq!(unclosed.links.iter().collect::<Vec<_>>(), ["/x/"]);
    }

    #[test]
    fn a_text_that_scans_clean_scans_the_same_with_more_after_it() {
        let html = "<p id=a>x &lt; y</p><!-- <a href=\"/c/\"> --><a href='/q/' id=\"b\">t</a><SCRIPT>'<a href=/s/>'</script><img src=/i.svg alt=\"a > b\"><br/><p>é<a href=\"/e/\">";
        let whole = scan_html(html);
        let mut clean_splits = 0;
        for at in (0..=html.len()).filter(|&at| html.is_char_boundary(at)) {
            let mut scan = Scan::default();
            if scan_into(&html[..at], &mut scan) {
                clean_splits += 1;
                scan_into(&html[at..], &mut scan);
                assert_eq!(scan.ids.iter().collect::<Vec<_>>(), whole.ids.iter().collect::<Vec<_>>(), "split at {at}");
                assert_eq!(scan.links.iter().collect::<Vec<_>>(), whole.links.iter().collect::<Vec<_>>(), "split at {at}");
            }
        }
        // Clean: the start, and the text between the elements; never inside a tag, comment or script.
        assert!((8..40).contains(&clean_splits), "{clean_splits}");
        for unclean in ["<p id=", "<a href=\"/x", "<!-- a", "<script>x", "x <!-", "<p"] {
            assert!(!scan_into(unclean, &mut Scan::default()), "{unclean}");
        }
    }

    #[test]
    fn around_the_content_only_the_frame_is_scanned() {
        let content = "<h2 id=\"a\"><a class=\"heading-link\" href=\"#a\">A</a></h2>\n<p>See <a href=\"/x/\">x</a>.</p>\n";
        let ids = ["a".to_owned()];
        let html = format!("<nav><a href=\"/\">Home</a></nav><main id=main>\n{content}</main><footer id=f><a href=\"/about/\">About</a></footer>");
        let scan = scan_around(&html, content, &ids).expect("the content is there, outside any tag");
        assert_eq!(scan.ids.iter().collect::<Vec<_>>(), ["main", "a", "f"]);
        assert_eq!(scan.links.iter().collect::<Vec<_>>(), ["/", "/about/"]);
        assert_eq!(scan_html(&html).ids, scan.ids);
        // Not there whole, or shown where the text before it does not scan as standing alone.
        assert!(scan_around("<main></main>", content, &ids).is_none());
        assert!(scan_around(&format!("<main>{}</main>", &content[1..]), content, &ids).is_none());
        for frame in ["<!-- {} -->", "<script>{}</script>", "<div title=\"{}\">"] {
            assert!(scan_around(&frame.replace("{}", content), content, &ids).is_none(), "{frame}");
        }
    }

    #[test]
    fn a_folder_is_found_with_or_without_its_final_slash_and_anchors_by_their_decoded_ids() {
        let html = |path: &str, text: &str| {
            std::sync::Arc::new(Output::new(path.to_owned(), Body::Html { text: crate::render::Held::new(text.to_owned()), template: None, source: None, markdown_hrefs: Vec::new() }))
        };
        let outputs = [html("index.html", "<h1 id=how-to-stretch>Home</h1>"), html("walks/index.html", "<h2 id=\"caf\u{e9}\">x</h2>"), html("walks/map.svg", ""), html("fooindex.html", ""), html("walks/caf\u{e9}.svg", "")];
        let mut sorted = outputs.to_vec();
        sorted.sort_by(|a, b| a.path.cmp(&b.path));
        // Indexed in maps for a full check, or searched in the sorted outputs for a rebuild: the same answers.
        for index in [Index::new(&sorted, true), Index::new(&sorted, false)] {
            for (target, file) in [("", "index.html"), ("walks/", "walks/index.html"), ("walks", "walks/index.html"), ("walks/index.html", "walks/index.html"), ("walks/map.svg", "walks/map.svg"), ("fooindex.html", "fooindex.html"), ("walks/caf%C3%A9.svg", "walks/café.svg")] {
                assert_eq!(index.resolve(target).map(|o| o.path.as_str()), Some(file), "{target:?}");
            }
            for missing in ["walks//", "walk", "foo", "walks/map.svg/", "walks/map", "a", "zz", "index.htm"] {
                assert!(index.resolve(missing).is_none(), "{missing:?}");
            }
            assert!(index.check("walks", Some("caf%C3%A9")).is_ok());
            assert!(index.check("", Some("how-to-stretch")).is_ok());
            let (message, help) = index.check("", Some("how-to-strech")).unwrap_err();
            assert_eq!((message.as_str(), help.as_str()), ("no anchor `#how-to-strech` in `index.html`", "did you mean `#how-to-stretch`?"));
        }
    }

    #[test]
    fn relative_urls_climb_only_out_of_the_folders_not_shared() {
        assert_eq!(relative_url("css/site.css", "images/a.png"), "../images/a.png");
        assert_eq!(relative_url("style.css", "images/a.png"), "images/a.png");
        assert_eq!(relative_url("css/site.css", "css/fonts/a.woff2"), "fonts/a.woff2");
        assert_eq!(relative_url("a/b/c.css", "a/x.png"), "../x.png");
        assert_eq!(relative_url("a/b.css", "a"), "../a");
    }

    #[test]
    fn hrefs_resolve_against_the_base_path() {
        let base_url = "https://u.github.io/repo/";
        let local = |href: &str, from: &str| match resolve_href(href, from, base_url, "/repo/") {
            Resolved::Local(p, f) => Some((p, f)),
            _ => None,
        };
        assert_eq!(local("/repo/a/#x", "b/index.html"), Some(("a/".into(), Some("x".into()))));
        assert_eq!(local("../c/", "b/index.html"), Some(("c/".into(), None)));
        assert_eq!(local("#top", "b/index.html"), Some(("b/index.html".into(), Some("top".into()))));
        assert_eq!(local("https://u.github.io/repo/a/", "x.html"), Some(("a/".into(), None)));
        assert_eq!(local("/repo", "x.html"), Some(("".into(), None)));
        assert!(matches!(resolve_href("/other/", "x.html", base_url, "/repo/"), Resolved::OutsideBase));
        assert!(matches!(resolve_href("/repository/", "x.html", base_url, "/repo/"), Resolved::OutsideBase));
        assert!(matches!(resolve_href("/repository", "x.html", base_url, "/repo/"), Resolved::OutsideBase));
        assert!(matches!(resolve_href("https://example.org/", "x.html", base_url, "/repo/"), Resolved::External));
        // The site's own URLs, written another way.
        assert_eq!(local("HTTPS://U.github.io/repo/a/", "x.html"), Some(("a/".into(), None)));
        assert_eq!(local("http://u.github.io/repo/a/", "x.html"), Some(("a/".into(), None)));
        assert_eq!(local("//u.github.io/repo/b/#y", "x.html"), Some(("b/".into(), Some("y".into()))));
        assert_eq!(local("//u.github.io/repo", "x.html"), Some(("".into(), None)));
        assert!(matches!(resolve_href("//u.github.io/other/", "x.html", base_url, "/repo/"), Resolved::External));
        assert!(matches!(resolve_href("https://u.github.io.evil.org/repo/", "x.html", base_url, "/repo/"), Resolved::External));
    }

    #[test]
    fn every_url_of_srcset_poster_and_object_data_is_a_link() {
        let html = "<img src=\"/a.svg\" srcset=\"/a.svg 1x, /repo/b@2x.svg 2x\"><picture><source srcset='/c.svg'></picture><video poster=\"/p.png\"></video><object data=\"/d.pdf\"></object><img srcset=\"data:image/png;base64,AAAA 1x\"><div data=\"no\">";
        let scan = scan_html(html);
        assert_eq!(scan.links.iter().collect::<Vec<_>>(), ["/a.svg", "/a.svg", "/repo/b@2x.svg", "/c.svg", "/p.png", "/d.pdf"]);
        // A problem with a srcset candidate points at it.
        assert_eq!(attribute_values_at(html, "/repo/b@2x.svg").first().copied(), html.find("/repo/b@2x.svg"));
        assert_eq!(attribute_values_at("<img srcset=\"x/repo/b@2x.svg 2x\">", "/repo/b@2x.svg"), Vec::<usize>::new());
        let img = "<img alt=\"x.png\" title='x.png' src=\"x.png\">";
        assert_eq!(attribute_values_at(img, "x.png"), [img.rfind("x.png").unwrap()], "only attributes that hold URLs");
    }
}
