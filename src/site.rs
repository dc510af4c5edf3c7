//! The site model: config, content, section tree, taxonomies, static files and templates, with the indexes
//! the later phases need (which URL each source file gets, which pages a section lists, which pages a term
//! lists). Building is a sequence of phase methods: load -> render Markdown -> render templates -> check
//! links -> write (see `build`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::{HashMap, HashSet};
use crate::config::Config;
use crate::content::{self, Page, Section};
use crate::diagnostics::Problem;
use crate::ignore::Ignore;
use crate::templates::{TemplateSet, embedded};
use crate::images::{ImageSizes, image_sizes};
use crate::urls::slugify;

pub const STATIC_DIR: &str = "static";
/// The 404 page's output, which GitHub Pages serves for a missing page.
pub const NOT_FOUND: &str = "404.html";

#[derive(Debug, Clone)]
pub enum StaticSource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Site-relative output path: `illustrations/a.svg`.
    pub path: String,
    pub source: StaticSource,
    /// Where it comes from, for messages: `static/illustrations/a.svg`, or `content/stretches/photo.jpg`
    /// for a file kept beside the pages.
    pub shown: String,
    /// The file under content/ (its path there) with this file's URL too, a clash reported already: links to
    /// it find this file, so that the clash is the one problem they give.
    pub shadows: Option<String>,
}

impl StaticFile {
    fn new(path: String, source: StaticSource, shown: String) -> StaticFile {
        StaticFile { path, source, shown, shadows: None }
    }

    /// The path under content/ that Markdown links to this file by: its own, for a file kept there beside
    /// the pages, or that of the file it shadows.
    pub fn content_path(&self) -> Option<&str> {
        self.shown.strip_prefix(content::CONTENT_DIR).and_then(|rest| rest.strip_prefix('/')).or(self.shadows.as_deref())
    }
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// Page indices, in listing order.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub terms: Vec<Term>,
}

pub struct Site {
    pub root: PathBuf,
    pub config: Config,
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Section>,
    /// For each page, the index of its section.
    pub page_section: Vec<usize>,
    /// For each section, its parent section (None for the root).
    pub section_parent: Vec<Option<usize>>,
    /// For each section, its pages sorted by weight then title.
    pub section_pages: Vec<Vec<usize>>,
    /// For each section, its child sections sorted by weight then title.
    pub subsections: Vec<Vec<usize>>,
    pub taxonomies: Vec<Taxonomy>,
    pub static_files: Vec<StaticFile>,
    pub templates: TemplateSet,
    /// Content source path -> site-relative URL path (shared with the template functions).
    pub urls: Arc<HashMap<String, String>>,
    /// Page source path -> index in `pages`.
    pub page_index: Arc<HashMap<String, usize>>,
    /// Intrinsic sizes of static images by site path.
    pub image_sizes: HashMap<String, (u32, u32)>,
    /// Files whose front matter has a problem, standing in as plain pages so that the rest can be checked
    /// (`content::load_standing_in`); such a site is never written.
    pub stand_ins: Vec<String>,
}

impl Site {
    /// The site path (`illustrations/a.svg`) of the illustration of the stretch page `i`, if it is one: its
    /// `image` from the site's root, or written relative to the page's Markdown file, as a Markdown image is
    /// (`kneel.svg` beside `content/stretches/kneel/index.md`), else to the page's URL.
    pub fn stretch_image(&self, i: usize) -> Option<String> {
        let page = &self.pages[i];
        let image = page.meta.stretch.as_ref()?.image.as_str();
        if let Some(rooted) = image.strip_prefix('/') {
            return Some(crate::urls::normalize(rooted).unwrap_or_default());
        }
        // A file beside the page is published at its folder's URL (found on disk: this runs for every
        // listing that shows the page, and a search of the site's files would cost more).
        if let Some(beside) = content::beside(&page.file.rel_path, image).filter(|beside| !beside.ends_with(".md") && self.root.join(content::CONTENT_DIR).join(beside).is_file()) {
            return Some(content::asset_path(&beside));
        }
        Some(crate::urls::normalize(&format!("{}{image}", page.path)).unwrap_or_default())
    }

    /// Why the file at `rel` under content/ is not part of the site, if it is there and `ignore` names it:
    /// "content/notes/plan.md is left out by the pattern `content/notes/` of `ignore` in site.yaml".
    pub fn ignored_reason(&self, rel: &str) -> Option<String> {
        let path = format!("{}/{rel}", content::CONTENT_DIR);
        let pattern = self.config.ignore.pattern_for(&path)?;
        self.root.join(&path).is_file().then(|| format!("{path} is left out by the pattern `{pattern}` of `ignore` in site.yaml"))
    }

    /// Reads config, content, templates and static files, and indexes them. Reports all problems found.
    pub fn load(root: &Path, base_url: Option<&str>, drafts: bool) -> Result<Site, Vec<Problem>> {
        let mut config = Config::from_site_root(root).map_err(|p| vec![p])?;
        if let Some(url) = base_url {
            config.set_base_url(url).map_err(|message| vec![Problem::new("--base-url", message)])?;
        }
        let (content, templates) = rayon::join(|| content::load_standing_in(root, drafts, &config.ignore), || TemplateSet::load(root, &config.ignore));
        let (content, mut problems) = content.unwrap_or_else(|found| (content::Content::default(), found));
        let content_problems = problems.len();
        let templates = templates.unwrap_or_else(|mut p| {
            problems.append(&mut p);
            TemplateSet { sources: Vec::new(), dir: None }
        });
        let (static_files, clashes) = load_static(root, &config.ignore, templates.dir.is_none(), drafts).unwrap_or_else(|mut p| {
            problems.append(&mut p);
            (Vec::new(), Vec::new())
        });
        let (sizes, mut image_problems) = image_sizes(&static_files, None);
        image_problems.extend(clashes);
        // Stand-ins go on to render only in a site whose templates and static files are as they should be.
        let standing_in = problems.is_empty() || !content.stand_ins.is_empty() && problems.len() == content_problems;
        problems.extend(image_problems);
        if !standing_in {
            return Err(problems);
        }
        let site = Site::assemble(root, config, content, templates, static_files, sizes);
        if problems.is_empty() {
            return site;
        }
        // Files whose front matter has a problem stand in as plain pages (and an image a browser cannot show
        // changes nothing else): the rest of the site is rendered and its links checked, so that one build
        // reports everything. What goes wrong only because a page stands in (a template rendering it) is not
        // reported.
        match site {
            Err(mut found) => problems.append(&mut found),
            Ok(site) => match site.render() {
                Ok(rendered) => problems.extend(crate::check::check_links(&site, &rendered)),
                Err(found) => problems.extend(found.into_iter().filter(|p| !site.from_stand_in(p))),
            },
        }
        Err(problems)
    }

    /// Whether a rendering problem came only from pages standing in for files whose front matter has a
    /// problem (a template that needs what their front matter would have given): not reported.
    pub fn from_stand_in(&self, problem: &Problem) -> bool {
        let stands_in = |file: &String| file.strip_prefix("content/").is_some_and(|rel| self.stands_in_for(rel));
        !self.stand_ins.is_empty() && problem.rendering.as_ref().is_some_and(|files| files.iter().all(stands_in))
    }

    /// Whether the page or section of `rel_path` (relative to content/) stands in for a file whose front
    /// matter has a problem.
    pub fn stands_in_for(&self, rel_path: &str) -> bool {
        !self.stand_ins.is_empty() && self.stand_ins.iter().any(|s| s == rel_path)
    }

    /// A source file's text, read again from disk when a streaming build has released it (for the position
    /// of a problem found after rendering).
    pub fn source_text<'a>(&self, file: &'a content::SourceFile) -> std::borrow::Cow<'a, str> {
        if !file.text.is_empty() {
            return std::borrow::Cow::Borrowed(&file.text);
        }
        let bytes = std::fs::read(self.root.join(content::CONTENT_DIR).join(&file.rel_path)).unwrap_or_default();
        std::borrow::Cow::Owned(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Builds the model from parts already read (watch mode re-reads only what changed).
    pub fn assemble(
        root: &Path,
        config: Config,
        content: content::Content,
        templates: TemplateSet,
        static_files: Vec<StaticFile>,
        image_sizes: HashMap<String, (u32, u32)>,
    ) -> Result<Site, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut site = Site {
            root: root.to_owned(),
            config,
            pages: content.pages,
            sections: content.sections,
            page_section: Vec::new(),
            section_parent: Vec::new(),
            section_pages: Vec::new(),
            subsections: Vec::new(),
            taxonomies: Vec::new(),
            image_sizes,
            static_files,
            templates,
            urls: Arc::default(),
            page_index: Arc::default(),
            stand_ins: content.stand_ins,
        };
        site.index(&mut problems);
        site.check_template_names(&mut problems);
        if problems.is_empty() { Ok(site) } else { Err(problems) }
    }

    /// A `template` or `page_template` in front matter must name a template: reported at its line, where
    /// rendering would report only the template missing.
    fn check_template_names(&self, problems: &mut Vec<Problem>) {
        let names = || self.templates.sources.iter().map(|(n, _)| n.as_str()).filter(|n| !n.starts_with("partials/"));
        let named = self.pages.iter().flat_map(|p| [(&p.file, "template", &p.meta.template)]).chain(self.sections.iter().flat_map(|s| [(&s.file, "template", &s.meta.template), (&s.file, "page_template", &s.meta.page_template)]));
        for (file, key, value) in named {
            let Some(name) = value else { continue };
            if self.templates.source(name).is_some() {
                continue;
            }
            let help = match crate::diagnostics::did_you_mean(name, names()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("name one of the templates: {}", names().collect::<Vec<_>>().join(", ")),
            };
            let line = content::find_key_line(&file.text, key);
            let column = file.text.lines().nth(line - 1).and_then(|l| l.find(name.as_str())).map_or(1, |c| c + 1);
            let place = match &self.templates.dir {
                Some(dir) => format!("in {dir}/"),
                None => "in the default theme".to_owned(),
            };
            problems.push(Problem::new(file.display_path(), format!("`{key}: {name}`: there is no such template {place}")).at(&file.text, line, column).help(help));
        }
    }

    /// Whether `content` has the same files as this site and no page changed a field that names or groups it:
    /// then the common edit (a page's text, not its place in the site) needs no re-indexing. A new title may
    /// move a page within its section's and its terms' lists; `with_pages` sorts those lists again.
    pub fn keeps_structure(&self, content: &content::Content, templates: &TemplateSet) -> bool {
        let placed = |a: &Page, b: &Page| {
            let (m, n) = (&a.meta, &b.meta);
            a.file.rel_path == b.file.rel_path
                && a.path == b.path
                && (m.weight, m.date, &m.tags, &m.taxonomies, &m.template, &m.aliases, m.draft) == (n.weight, n.date, &n.tags, &n.taxonomies, &n.template, &n.aliases, n.draft)
        };
        let same_pages = self.pages.len() == content.pages.len() && self.pages.iter().zip(&content.pages).all(|(a, b)| Arc::ptr_eq(a, b) || placed(a, b));
        let same_sections = self.sections.len() == content.sections.len()
            && self.sections.iter().zip(&content.sections).all(|(a, b)| a.file.rel_path == b.file.rel_path && a.dir == b.dir && (Arc::ptr_eq(&a.file.text, &b.file.text) || a.file.text == b.file.text));
        same_pages && same_sections && templates.dir == self.templates.dir && content.stand_ins == self.stand_ins
    }

    /// This site with new pages (see `keeps_structure`), keeping every index; the lists holding a page whose
    /// title changed are sorted again, as `index` would sort them.
    pub fn with_pages(&self, content: content::Content, templates: TemplateSet, static_files: Vec<StaticFile>, image_sizes: ImageSizes) -> Site {
        let retitled: Vec<usize> = (0..content.pages.len()).filter(|&i| !Arc::ptr_eq(&self.pages[i], &content.pages[i]) && self.pages[i].meta.title != content.pages[i].meta.title).collect();
        let mut section_pages = self.section_pages.clone();
        let mut taxonomies = self.taxonomies.clone();
        let pages = &content.pages;
        let sections: crate::HashSet<usize> = retitled.iter().map(|&i| self.page_section[i]).collect();
        for s in sections {
            section_pages[s].sort_by(|&a, &b| section_order(pages, a, b));
        }
        for term in taxonomies.iter_mut().flat_map(|t| &mut t.terms).filter(|term| retitled.iter().any(|i| term.pages.contains(i))) {
            term.pages.sort_by(|&a, &b| newest_first(pages, a, b));
        }
        Site {
            root: self.root.clone(),
            config: self.config.clone(),
            pages: content.pages,
            sections: self.sections.clone(),
            page_section: self.page_section.clone(),
            section_parent: self.section_parent.clone(),
            section_pages,
            subsections: self.subsections.clone(),
            taxonomies,
            static_files,
            templates,
            urls: self.urls.clone(),
            page_index: self.page_index.clone(),
            image_sizes,
            stand_ins: content.stand_ins,
        }
    }

    fn index(&mut self, problems: &mut Vec<Problem>) {
        let section_by_dir: HashMap<&str, usize> = self.sections.iter().enumerate().map(|(i, s)| (s.dir.as_str(), i)).collect();
        self.section_parent = self
            .sections
            .iter()
            .map(|s| {
                let mut dir = s.dir.as_str();
                while !dir.is_empty() {
                    dir = dir.rsplit_once('/').map_or("", |(parent, _)| parent);
                    if let Some(&i) = section_by_dir.get(dir) {
                        return Some(i);
                    }
                }
                None
            })
            .collect();
        self.page_section = self.pages.iter().map(|p| section_by_dir[p.section_dir()]).collect();

        // A page standing in for a file whose front matter has a problem is in no list: the lists' templates
        // may read what its front matter would have given, and only its URL needs to hold.
        self.section_pages = vec![Vec::new(); self.sections.len()];
        for (page, &section) in self.page_section.iter().enumerate() {
            if !self.stands_in_for(&self.pages[page].file.rel_path) {
                self.section_pages[section].push(page);
            }
        }
        for list in &mut self.section_pages {
            list.sort_by(|&a, &b| section_order(&self.pages, a, b));
        }
        self.subsections = vec![Vec::new(); self.sections.len()];
        for (section, parent) in self.section_parent.iter().enumerate() {
            if let Some(parent) = parent {
                self.subsections[*parent].push(section);
            }
        }
        for list in &mut self.subsections {
            list.sort_by(|&a, &b| {
                let (a, b) = (&self.sections[a].meta, &self.sections[b].meta);
                by_weight_then_title(&a.weight, &a.title, &b.weight, &b.title)
            });
        }

        self.index_urls(problems);
        self.index_taxonomies(problems);
    }

    /// Maps every source file to its URL and reports two sources (or a source and a generated page or static
    /// file) that would write the same output file.
    fn index_urls(&mut self, problems: &mut Vec<Problem>) {
        use std::borrow::Cow;
        // Output folder (`a/b/`, for `a/b/index.html`) or file -> who writes it (named only when two collide).
        let mut owners: HashMap<Cow<str>, Cow<str>> = HashMap::with_capacity_and_hasher(self.pages.len() + self.sections.len() + self.static_files.len(), Default::default());
        let mut urls = HashMap::with_capacity_and_hasher(self.pages.len() + self.sections.len(), Default::default());
        // The files psoas makes for the site as a whole: a static file of the same name replaces one (your own
        // `robots.txt`), but nothing else may write it, nor the 404 page, which its template writes.
        for name in self.generated_names() {
            owners.insert(Cow::Borrowed(name), Cow::Owned(format!("psoas's own `{name}`")));
        }
        owners.insert(Cow::Borrowed(NOT_FOUND), Cow::Borrowed("the 404 page (its template)"));
        for file in &self.static_files {
            if file.path == NOT_FOUND {
                problems.push(Problem::new(&file.shown, "writes `404.html`, which the 404 page also writes").help("remove it, and change the theme's `404.html` template instead"));
                continue;
            }
            owners.insert(Cow::Borrowed(file.path.strip_suffix("index.html").unwrap_or(&file.path)), Cow::Borrowed(&file.shown));
        }
        for name in &self.config.taxonomies {
            owners.insert(Cow::Owned(format!("{name}/")), Cow::Owned(format!("the `{name}` taxonomy (site.yaml)")));
        }
        let items = self.sections.iter().map(|s| (&s.file, &s.path, None)).chain(self.pages.iter().map(|p| (&p.file, &p.path, p.meta.slug.as_ref())));
        for (file, path, slug) in items {
            urls.insert(file.rel_path.clone(), path.clone());
            if let Some(long) = crate::urls::long_segment(path) {
                let problem = Problem::new(file.display_path(), format!("its URL `/{path}` has a folder name of {} bytes; file systems allow {}", long.len(), crate::urls::NAME_MAX));
                problems.push(match slug {
                    Some(_) => problem.at_key(&file.text, "slug").help("shorten the `slug`"),
                    None => problem.help("give the page a shorter `slug`, or the file or folder a shorter name (a name in another script is written in Latin letters, which can make it longer)"),
                });
                continue;
            }
            if let Some(other) = owners.get(path.as_str()).or_else(|| owners.get(path.trim_end_matches('/')).filter(|_| !path.is_empty())) {
                let output = format!("{path}index.html");
                // The clash is the doing of a `slug:`: reported there, in whichever of the two files has it.
                let slugged_other = slug.is_none().then(|| self.pages.iter().find(|p| *p.file.rel_path == **other && p.meta.slug.is_some())).flatten();
                let clash = || Problem::new(file.display_path(), format!("writes `{output}`, which {} also writes", shown_owner(other)));
                let problem = match slugged_other {
                    Some(page) => Problem::new(page.file.display_path(), format!("writes `{output}`, which {} also writes", file.display_path()))
                        .at_key(&page.file.text, "slug")
                        .help(format!("this `slug` gives the URL that {} has by its name: choose another", file.display_path())),
                    None if slug.is_some() => clash()
                        .at_key(&file.text, "slug")
                        .help(format!("this `slug` gives the URL of {}: choose another", shown_owner(other))),
                    // A folder's `index.md` makes it one page, with its files; a folder with pages in it is a section.
                    None if let Some(section) = folder_section(&self.sections, &file.rel_path) => {
                        let dir = format!("{}/{}", content::CONTENT_DIR, file.rel_path.trim_end_matches("index.md"));
                        let help = if section.text.is_empty() {
                            format!("{dir} holds other pages, so it is a section: rename this file to `_index.md` to make it the section's page, or move the other pages out of {dir} to keep this one page with its files")
                        } else {
                            format!("{dir} is a section, whose page is its `_index.md`: keep one of the two files (`index.md` makes a folder one page with its files, and is for a folder with no other pages)")
                        };
                        clash().at(&file.text, 1, 1).help(help)
                    }
                    // A section's URL is its folder's name: it has no `slug`.
                    None if file.rel_path.ends_with("_index.md") => {
                        let dir = format!("{}/{}", content::CONTENT_DIR, file.rel_path.trim_end_matches("_index.md"));
                        let help = format!("rename the folder {dir}, or {}", shown_owner(other));
                        if file.text.is_empty() {
                            // No `_index.md` is there to point at: the folder makes the section.
                            Problem::new(&dir, format!("this folder is a section, whose list is written at `{output}`, which {} also writes", shown_owner(other))).help(help)
                        } else {
                            clash().at(&file.text, 1, 1).help(help)
                        }
                    }
                    None => clash().at(&file.text, 1, 1).help("rename one of them (or give one a `slug`)"),
                };
                problems.push(problem);
            } else if file.text.is_empty() && file.rel_path.ends_with("_index.md") {
                // A folder without an `_index.md` is a section of its own: named by the folder, as no file is there.
                owners.insert(Cow::Borrowed(path), Cow::Owned(format!("the folder {}/{} (a section, though it has no _index.md)", content::CONTENT_DIR, file.rel_path.trim_end_matches("_index.md"))));
            } else {
                owners.insert(Cow::Borrowed(path), Cow::Borrowed(&file.rel_path));
            }
        }
        self.urls = Arc::new(urls);
        self.page_index = Arc::new(self.pages.iter().enumerate().map(|(i, p)| (p.file.rel_path.clone(), i)).collect());
        for page in &self.pages {
            for alias in &page.meta.aliases {
                let output = crate::urls::alias_output(alias);
                let key = output.strip_suffix("index.html").unwrap_or(&output).to_owned();
                // `a/index.html` cannot be written where a file `a` is.
                if let Some(other) = owners.get(key.as_str()).or_else(|| owners.get(key.trim_end_matches('/'))) {
                    problems.push(
                        Problem::new(page.file.display_path(), format!("alias `{alias}` writes `{output}`, which {} also writes", shown_owner(other)))
                            .at_key(&page.file.text, "aliases")
                            .help("remove the alias, or point it at a URL nothing else uses"),
                    );
                } else {
                    owners.insert(Cow::Owned(key), Cow::Borrowed(&page.file.rel_path));
                }
            }
        }
    }

    /// Whether `static/` (or the theme) has a file at this output path.
    pub fn has_static_file(&self, path: &str) -> bool {
        self.static_files.iter().any(|f| f.path == path)
    }

    /// The paths of the files psoas makes for the site as a whole (see `render::generated_files`).
    pub fn generated_names(&self) -> impl Iterator<Item = &'static str> {
        [crate::feeds::SITEMAP, crate::feeds::FEED, "robots.txt", ".nojekyll"].into_iter().chain(self.config.cname.is_some().then_some("CNAME"))
    }

    fn index_taxonomies(&mut self, problems: &mut Vec<Problem>) {
        let mut by_name: BTreeMap<&str, BTreeMap<String, Term>> = self.config.taxonomies.iter().map(|n| (n.as_str(), BTreeMap::new())).collect();
        // Pages in listing order, so that each term lists its pages in that order.
        let mut order: Vec<usize> = (0..self.pages.len()).collect();
        order.sort_by(|&a, &b| newest_first(&self.pages, a, b));
        let mut slugs: HashMap<&str, String> = HashMap::default();
        let mut clashes_reported: HashSet<(&str, &str)> = HashSet::default();
        for &i in &order {
            let page = &self.pages[i];
            let used = std::iter::once(("tags", &page.meta.tags)).filter(|(_, t)| !t.is_empty()).chain(page.meta.taxonomies.iter().map(|(n, t)| (n.as_str(), t)));
            for (name, terms) in used {
                // `tags:` is a key of its own; other taxonomies are keys of `taxonomies:`, which may be written
                // on one line (`taxonomies: {topics: [a]}`): a key not found is reported at its mapping.
                let key = if name == "tags" && !page.meta.taxonomies.contains_key("tags") { "tags".to_owned() } else { format!("taxonomies.{name}") };
                let Some(taxonomy) = by_name.get_mut(name) else {
                    let known = self.config.taxonomies.iter().map(String::as_str);
                    let help = match crate::diagnostics::did_you_mean(name, known) {
                        Some(near) => format!("did you mean `{near}`? Taxonomies are declared under `taxonomies:` in site.yaml"),
                        None => {
                            let declared: Vec<&str> = self.config.taxonomies.iter().map(String::as_str).chain([name]).collect();
                            format!("declare it in site.yaml: `taxonomies: [{}]`", declared.join(", "))
                        }
                    };
                    problems.push(
                        Problem::new(page.file.display_path(), format!("taxonomy `{name}` is not declared in site.yaml"))
                            .at_key(&page.file.text, &key)
                            .help(help),
                    );
                    continue;
                };
                for term in terms {
                    if content::written_as_null(&page.file.text, &key, term) {
                        problems.push(
                            Problem::new(page.file.display_path(), format!("{name} term `{term}` is no value in YAML"))
                                .at_value(&page.file.text, &key, term)
                                .help(format!("remove it, or quote it to mean the word: `\"{term}\"`")),
                        );
                        continue;
                    }
                    let slug = slugs.entry(term.as_str()).or_insert_with(|| slugify(term)).clone();
                    if slug.is_empty() {
                        problems.push(
                            Problem::new(page.file.display_path(), format!("{name} term `{term}` gives an empty URL"))
                                .at_value(&page.file.text, &key, term)
                                .help("a term's URL is made of its letters and digits: give it some (in YAML, `~` and `null` mean no value: quote them to mean the word)"),
                        );
                        continue;
                    }
                    if slug.len() > crate::urls::NAME_MAX {
                        problems.push(
                            Problem::new(page.file.display_path(), format!("{name} term `{term}` gives a folder name of {} bytes (`{}…`); file systems allow {}", slug.len(), slug.chars().take(40).collect::<String>(), crate::urls::NAME_MAX))
                                .at_value(&page.file.text, &key, term)
                                .help("shorten the term"),
                        );
                        continue;
                    }
                    let entry = taxonomy.entry(slug.clone()).or_insert_with(|| Term { name: term.clone(), slug, pages: Vec::new() });
                    // `C++` and `c` would share `tags/c/` and show one name for both.
                    if entry.name != *term && dropped_symbols(&entry.name) != dropped_symbols(term) && clashes_reported.insert((name, term.as_str())) {
                        let first = self.pages[entry.pages[0]].file.display_path();
                        let apart = spelled_apart(term);
                        let other = if apart == *term { "give it a name of its own".to_owned() } else { format!("name it apart, e.g. `{apart}`") };
                        problems.push(
                            Problem::new(page.file.display_path(), format!("{name} term `{term}` would share the URL `/{name}/{}/` with `{}` ({first})", entry.slug, entry.name))
                                .at_key(&page.file.text, &key)
                                .help(format!("a term's URL keeps only letters, digits and hyphens: write `{}` if it is the same term, or {other}", entry.name)),
                        );
                        continue;
                    }
                    // Pages arrive in order, so a page listing a term twice is the last one added.
                    if entry.pages.last() != Some(&i) {
                        entry.pages.push(i);
                    }
                }
            }
        }
        self.taxonomies = by_name.into_iter().map(|(name, terms)| Taxonomy { name: name.to_owned(), terms: terms.into_values().collect() }).collect();
    }

    /// The section chain from the root down to `section`.
    pub fn ancestry(&self, section: usize) -> Vec<usize> {
        let mut chain = vec![section];
        while let Some(parent) = self.section_parent[*chain.last().unwrap()] {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }

    pub fn root_section(&self) -> usize {
        self.sections.iter().position(|s| s.dir.is_empty()).unwrap_or(0)
    }
}

/// The symbols of a term that carry meaning and that its URL drops: `C++` and `C#` share `c` with `C`, but are
/// other terms. Spellings whose URLs match and whose symbols match are one term (`Low back` and `low-back`,
/// `women's` and `women’s`, one accented letter written two ways).
fn dropped_symbols(term: &str) -> String {
    term.chars().filter(|c| matches!(c, '+' | '#' | '&' | '@' | '%')).collect()
}

/// A suggestion for a term whose symbols the URL drops: `C++` -> `C plus plus`, `C#` -> `C sharp`.
fn spelled_apart(term: &str) -> String {
    let mut out = String::new();
    for c in term.chars() {
        let word = match c {
            '+' => "plus",
            '#' => "sharp",
            '&' => "and",
            '@' => "at",
            '%' => "percent",
            _ => {
                out.push(c);
                continue;
            }
        };
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The section of the folder whose `index.md` is `rel` (`a/b/index.md`), if that folder is a section.
fn folder_section<'a>(sections: &'a [content::Section], rel: &str) -> Option<&'a content::SourceFile> {
    let dir = rel.strip_suffix("index.md").filter(|dir| dir.ends_with('/'))?;
    sections.iter().map(|s| &s.file).find(|file| file.rel_path.strip_suffix("_index.md") == Some(dir))
}

/// An owner recorded by its content path is shown as `content/PATH`.
fn shown_owner(owner: &str) -> String {
    if owner.ends_with(".md") { format!("{}/{owner}", content::CONTENT_DIR) } else { owner.to_owned() }
}

/// The order of a section's pages: by weight, then title, then source path (the order of `pages`).
fn section_order(pages: &[Arc<Page>], a: usize, b: usize) -> std::cmp::Ordering {
    let (m, n) = (&pages[a].meta, &pages[b].meta);
    by_weight_then_title(&m.weight, &m.title, &n.weight, &n.title).then(a.cmp(&b))
}

/// The order of a term's pages and of the feed: newest first, then by title, then source path.
pub(crate) fn newest_first(pages: &[Arc<Page>], a: usize, b: usize) -> std::cmp::Ordering {
    let (m, n) = (&pages[a].meta, &pages[b].meta);
    n.date.cmp(&m.date).then_with(|| title_order(&m.title, &n.title)).then(a.cmp(&b))
}

/// Items without a weight come after weighted ones; ties break on title.
fn by_weight_then_title(a_weight: &Option<i64>, a_title: &str, b_weight: &Option<i64>, b_title: &str) -> std::cmp::Ordering {
    let key = |weight: &Option<i64>| (weight.is_none(), weight.unwrap_or(0));
    key(a_weight).cmp(&key(b_weight)).then_with(|| title_order(a_title, b_title))
}

/// Titles in the order a reader looks for them: by their letters and digits, whatever their case, accents
/// and punctuation (`bird dog` before `Walking`, `Ölhaltung` among the o's, `“Tight psoas”` among the t's),
/// then as written, so that the order is total.
pub(crate) fn title_order(a: &str, b: &str) -> std::cmp::Ordering {
    // Each character as Latin letters (`Ö` is `O`), in lowercase, without punctuation.
    fn folded(title: &str) -> impl Iterator<Item = u8> + '_ {
        title.char_indices().flat_map(move |(i, c)| {
            let letters = if c.is_ascii() { &title[i..i + 1] } else { deunicode::deunicode_char(c).unwrap_or("") };
            letters.bytes().filter(|b| b.is_ascii_alphanumeric() || *b == b' ').map(|b| b.to_ascii_lowercase())
        })
    }
    folded(a).cmp(folded(b)).then_with(|| a.cmp(b))
}

/// The files copied into the site as they are: the theme's (unless the site has its own templates), those
/// under static/ (which replace the theme's), and those kept beside the pages under content/ (other than
/// Markdown, and outside draft sections unless `drafts`), each at the URL of its folder. A file under
/// content/ that would have the URL of one under static/ is a problem that stops nothing else (the one under
/// static/ is kept), returned beside the files; `Err` when a folder cannot be read.
pub fn load_static(root: &Path, ignore: &Ignore, with_theme: bool, drafts: bool) -> Result<(Vec<StaticFile>, Vec<Problem>), Vec<Problem>> {
    let mut files: BTreeMap<String, StaticFile> = BTreeMap::new();
    if with_theme {
        for (path, bytes) in embedded::STATIC_FILES {
            files.insert(path.to_string(), StaticFile::new(path.to_string(), StaticSource::Embedded(bytes), format!("{STATIC_DIR}/{path}")));
        }
    }
    let mut problems = Vec::new();
    let mut clashes = Vec::new();
    for (rel, path) in walk_files(root, STATIC_DIR, ignore, &mut problems) {
        files.insert(rel.clone(), StaticFile::new(rel.clone(), StaticSource::Disk(path), format!("{STATIC_DIR}/{rel}")));
    }
    for (rel, path) in walk_files(root, content::CONTENT_DIR, ignore, &mut problems).into_iter().filter(|(rel, _)| !rel.ends_with(".md")) {
        if !drafts && content::asset_draft_reason(&root.join(content::CONTENT_DIR), &rel).is_some() {
            continue;
        }
        let site_path = content::asset_path(&rel);
        let shown = format!("{}/{rel}", content::CONTENT_DIR);
        // A folder named only by signs (`__`) has no URL: its files would land one folder up, or outside.
        if let Some((dir, _)) = rel.rsplit_once('/')
            && let Some(folder) = dir.split('/').find(|part| crate::urls::slugify(part).is_empty())
        {
            problems.push(Problem::new(&shown, format!("the folder name `{folder}` gives an empty URL, so this file has no place in the site")).help("give the folder a name with letters or digits"));
            continue;
        }
        match files.get_mut(&site_path) {
            Some(other) if matches!(other.source, StaticSource::Disk(_)) => {
                clashes.push(Problem::new(&shown, format!("is published at `/{site_path}`, as {} is", other.shown)).help("rename or move one of them"));
                other.shadows.get_or_insert(rel);
            }
            _ => {
                files.insert(site_path.clone(), StaticFile::new(site_path, StaticSource::Disk(path), shown));
            }
        }
    }
    if problems.is_empty() { Ok((files.into_values().collect(), clashes)) } else { Err(problems) }
}

/// The files under `root/name` (none if it is not there), by their path relative to it; hidden files and
/// editor temp files are left out.
fn walk_files(root: &Path, name: &str, ignore: &Ignore, problems: &mut Vec<Problem>) -> Vec<(String, PathBuf)> {
    let dir = root.join(name);
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| ignore.walks_into(&dir, name, e)) {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                files.push((content::rel_path(&dir, entry.path()), entry.into_path()));
            }
            Ok(_) => {}
            Err(e) => problems.push(content::walk_problem(&dir, name, &e)),
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_sort_by_their_letters_whatever_their_case_accents_and_punctuation() {
        let mut titles = ["Walking", "bird dog", "Ölhaltung", "Achilles stretch", "“Tight psoas”: what the evidence shows", "iliopsoas release", "Tight hamstrings", "2 stretches", "Bird dog"];
        titles.sort_by(|a, b| title_order(a, b));
        assert_eq!(titles, ["2 stretches", "Achilles stretch", "Bird dog", "bird dog", "iliopsoas release", "Ölhaltung", "Tight hamstrings", "“Tight psoas”: what the evidence shows", "Walking"]);
    }
}
