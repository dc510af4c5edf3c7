//! Rendering: Markdown for every page and section (in parallel, after the whole site is loaded so links
//! resolve), then the templates, then the generated files. The result is the complete list of output files,
//! in memory, ready for link checking and writing.
//!
//! Given the previous build, rendering is incremental: Markdown is re-rendered only for files whose text (or
//! whose links' targets) changed, and a template output only when one of its dependency keys changed (see
//! `changed_keys`). Everything else is reused as it was, so the result is the same as a clean render.

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::HashMap;
use crate::check::Scan;
use crate::content::SourceFile;
use crate::context::{SectionData, Shared, Summaries, Task};
use crate::diagnostics::Problem;
use crate::feeds::{self, FEED, FeedEntry, SITEMAP, SitemapEntry};
use crate::incremental::{KeyList, KeySet, Layout, MarkdownReuse, changed_keys, changed_templates, feed_unchanged, sitemap_unchanged};
use crate::markdown::{self, Rendered, SiteLinks};
use crate::output::Staging;
use crate::site::{Site, StaticSource};
use crate::summary::{Summary, Terms};
use crate::template_reads::{self, Reads, TemplateReads};
use crate::templates::{self, Lookup};

/// One file of the built site.
pub struct Output {
    /// Site-relative path: `stretches/x/index.html`.
    pub path: String,
    pub body: Body,
    scan: OnceLock<Scan>,
}

pub enum Body {
    /// An HTML page; `template` names the template that produced it, `markdown_hrefs` the hrefs that came
    /// from Markdown (already checked with source positions), kept only where the output's scan holds them:
    /// when it was scanned whole, not around its content.
    Html { text: Held, template: Option<String>, source: Option<String>, markdown_hrefs: Vec<String> },
    Text(String),
    Static(StaticSource),
}

/// A page's HTML, held until it is written: `psoas watch` keeps every output between rebuilds (to reuse what
/// did not change), and once written, the file on disk has the bytes.
pub struct Held(std::sync::Mutex<Option<String>>);

impl Held {
    pub fn new(text: String) -> Held {
        Held(std::sync::Mutex::new(Some(text)))
    }

    /// Calls `f` with the text, or with `None` once it has been dropped.
    pub fn with<R>(&self, f: impl FnOnce(Option<&str>) -> R) -> R {
        f(self.0.lock().expect("not poisoned").as_deref())
    }

    pub fn drop_text(&self) {
        *self.0.lock().expect("not poisoned") = None;
    }
}

impl Output {
    pub fn new(path: String, body: Body) -> Output {
        Output { path, body, scan: OnceLock::new() }
    }

    /// Whether the output has been written: HTML is dropped only once written (see `drop_html`).
    pub fn is_written(&self) -> bool {
        matches!(&self.body, Body::Html { text, .. } if text.with(|t| t.is_none()))
    }

    /// Ids and links of an HTML output, computed once (before its HTML is dropped) and kept with it across
    /// rebuilds.
    pub fn scan(&self) -> Option<&Scan> {
        match &self.body {
            Body::Html { text, .. } => Some(self.scan.get_or_init(|| text.with(|t| crate::check::scan_html(t.expect("an output is scanned before its HTML is dropped"))))),
            _ => None,
        }
    }

    /// Calls `f` with the bytes to write when they are in memory: `None` for a static file on disk, and for
    /// HTML already written and dropped (see `drop_html`).
    pub fn with_bytes<R>(&self, f: impl FnOnce(Option<&[u8]>) -> R) -> R {
        match &self.body {
            Body::Html { text, .. } => text.with(|t| f(t.map(str::as_bytes))),
            Body::Text(text) => f(Some(text.as_bytes())),
            Body::Static(StaticSource::Embedded(bytes)) => f(Some(bytes)),
            Body::Static(StaticSource::Disk(_)) => f(None),
        }
    }

    /// Frees an HTML output's text once it is written; its scan stays.
    pub fn drop_html(&self) {
        if let Body::Html { text, .. } = &self.body {
            self.scan();
            text.drop_text();
        }
    }
}

/// What a template output depends on: keys fixed by the site's structure, and those its template read
/// through lookup functions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deps {
    pub template: String,
    pub fixed: KeyList,
    pub read: KeyList,
}

/// How much of a render was new work.
#[derive(Debug, Default, Clone, Copy)]
pub struct RenderStats {
    pub markdown_rendered: usize,
    pub templates_rendered: usize,
    pub outputs_reused: usize,
}

/// Everything `render` produces, kept between rebuilds in watch mode.
pub struct RenderedSite {
    /// Sorted by path.
    pub outputs: Vec<Arc<Output>>,
    /// Where each of `outputs` was before sorting, in the template outputs, then the generated files, then the
    /// static files: a rebuild with the same paths puts its outputs in order with it, without sorting them.
    pub order: Vec<u32>,
    pub pages: Vec<Arc<Rendered>>,
    pub sections: Vec<Arc<Rendered>>,
    pub summaries: Arc<Vec<Arc<Summary>>>,
    /// The template tasks, in order (see `Site::tasks`)...
    pub tasks: Vec<Task>,
    /// ...and their outputs and dependencies, in the same order.
    pub task_outputs: Vec<(Arc<Output>, Arc<Deps>)>,
    /// The sitemap, feed, robots.txt and redirects.
    pub generated: Vec<Arc<Output>>,
    /// The parsed templates, kept for the next rebuild.
    pub tera: Tera,
    /// What each template reads of page summaries (see `template_reads`), kept with the templates.
    pub reads: Arc<TemplateReads>,
    pub stats: RenderStats,
}

/// A template task's output and dependencies, or why it failed.
/// A template output and what it was made from.
type Made = (Arc<Output>, Arc<Deps>);
type TaskOutput = Result<Made, Problem>;

/// The previous build, for an incremental render.
pub struct Previous<'a> {
    pub site: &'a Site,
    pub rendered: &'a RenderedSite,
    /// Site paths of static files created, edited or deleted since.
    pub changed_static: &'a std::collections::HashSet<String>,
}

struct MarkdownLinks<'a> {
    site: &'a Site,
    tera: &'a Tera,
    site_value: &'a Arc<Value>,
    /// `TemplateSet::literal_ids`.
    theme_ids: crate::HashSet<String>,
    /// The files kept under content/ beside the pages: site path by path under content/.
    assets: crate::HashMap<&'a str, &'a str>,
}

impl SiteLinks for MarkdownLinks<'_> {
    fn content_url(&self, source_path: &str) -> Option<&str> {
        self.site.urls.get(source_path).map(String::as_str)
    }
    fn content_paths(&self) -> Vec<&str> {
        self.site.urls.keys().map(String::as_str).collect()
    }
    fn base_path(&self) -> &str {
        self.site.config.base_path()
    }
    fn image_size(&self, site_path: &str) -> Option<(u32, u32)> {
        self.site.image_sizes.get(site_path).copied()
    }
    fn title_is_h1(&self, source_path: &str) -> bool {
        self.site.title_is_h1(source_path)
    }
    fn theme_uses_id(&self, id: &str, numbered: bool) -> bool {
        if numbered { crate::templates::TemplateSet::is_theme_id(&self.theme_ids, id) } else { self.theme_ids.contains(id) }
    }
    fn draft_reason(&self, source_path: &str) -> Option<String> {
        crate::content::draft_reason(&self.site.root, source_path)
    }
    fn ignored_reason(&self, source_path: &str) -> Option<String> {
        self.site.ignored_reason(source_path)
    }
    fn asset_path(&self, source_path: &str) -> Option<&str> {
        self.assets.get(source_path).copied()
    }
    fn stretch_card(&self, source_path: &str) -> Result<String, (String, Option<String>)> {
        let &i = self.site.page_index.get(source_path).ok_or_else(|| {
            let near = crate::diagnostics::did_you_mean(source_path, self.site.pages.iter().filter(|p| p.meta.stretch.is_some()).map(|p| p.file.rel_path.as_str()));
            let help = match near {
                Some(near) => format!("did you mean `@/{near}`?"),
                None => "write the source path of a page with `stretch` front matter, e.g. `@/stretches/half-kneeling.md`".to_owned(),
            };
            (format!("stretch-card: no page `@/{source_path}`"), Some(help))
        })?;
        let page = &self.site.pages[i];
        // A page standing in for one whose front matter has a problem has no card to show; that problem is
        // reported.
        if self.site.stands_in_for(source_path) {
            return Ok(String::new());
        }
        if page.meta.stretch.is_none() {
            return Err((format!("stretch-card: `content/{source_path}` has no `stretch` front matter"), Some("a card shows a stretch or exercise page: give that page a `stretch:` map, or name another page".to_owned())));
        }
        let mut context = Context::new();
        context.insert_shared("site", self.site_value.clone());
        context.insert("stretch", &stretch_value(self.site, i));
        context.insert("card_page", &card_summary(self.site, i));
        templates::render(self.tera, &self.site.templates, CARD_TEMPLATE, &context, &format!("the stretch card of content/{source_path}"), 4096)
            .map_err(|problem| (problem.to_string().trim_end().to_owned(), None))
    }
}

pub(crate) const CARD_TEMPLATE: &str = "partials/stretch-card.html";

impl Site {
    pub fn site_value(&self) -> Arc<Value> {
        let c = &self.config;
        Arc::new(json!({
            "title": c.title, "description": c.description, "language": c.language, "author": c.author,
            "base_url": c.base_url, "base_path": c.base_path(), "taxonomies": c.taxonomies,
            "repository": c.repository, "extra": c.extra,
        }))
    }

    pub fn permalink(&self, path: &str) -> String {
        [self.config.base_url.as_str(), path].concat()
    }

    pub fn url(&self, path: &str) -> String {
        [self.config.base_path(), path].concat()
    }

    /// Renders every page, section, taxonomy page and generated file.
    pub fn render(&self) -> Result<RenderedSite, Vec<Problem>> {
        self.render_from(None)
    }

    /// Renders everything as `render` does, writing each template output into `staging` as soon as it is
    /// rendered and keeping only its links and ids, so the whole site's HTML is never in memory at once.
    pub fn render_writing(&self, staging: &Staging) -> Result<RenderedSite, Vec<Problem>> {
        self.render_with(None, Some(staging))
    }

    fn markdown_links<'a>(&'a self, tera: &'a Tera, site_value: &'a Arc<Value>) -> MarkdownLinks<'a> {
        let assets = self.static_files.iter().filter_map(|f| Some((f.content_path()?, f.path.as_str()))).collect();
        MarkdownLinks { site: self, tera, site_value, theme_ids: self.templates.literal_ids(), assets }
    }

    fn section_data(&self, sections: &[Arc<Rendered>], summaries: Arc<Vec<Arc<Summary>>>) -> Arc<SectionData> {
        Arc::new(SectionData {
            heads: (0..self.sections.len()).map(|i| self.section_head(i, &sections[i])).collect(),
            pages: self.section_pages.clone(),
            subsections: self.subsections.clone(),
            summaries,
        })
    }

    /// What the lookup functions (`get_page`, `get_section`, `get_pages`) read; empty while a streaming build
    /// renders the pages whose templates never call them.
    fn lookup(&self, summaries: Arc<Vec<Arc<Summary>>>, pages: Vec<Arc<Rendered>>, section_data: Option<&Arc<SectionData>>) -> Lookup {
        Lookup {
            base_url: self.config.base_url.clone(),
            base_path: self.config.base_path().to_owned(),
            urls: self.urls.clone(),
            page_index: self.page_index.clone(),
            summaries,
            pages,
            sections: section_data
                .map(|data| {
                    self.sections
                        .iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let data = data.clone();
                            let build: templates::SectionValue = Box::new(move || data.value(i, &Reads::ANY));
                            let subsections = self.subsections[i].iter().map(|&sub| self.sections[sub].file.rel_path.clone()).collect();
                            (s.file.rel_path.clone(), (subsections, build))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Renders one template task into an output (written to `staging` at once, when given).
    fn render_task(&self, shared: &Shared, task: Task, path: String, deps: Deps, markdown: Option<&Rendered>, staging: Option<&Staging>) -> TaskOutput {
        let (result, read) = templates::track_reads(|| shared.render(task, markdown));
        let (text, scan) = match (result, markdown) {
            // A page standing in for a file whose front matter has a problem is never written: where even
            // its plain template fails, its Markdown alone takes its place, so that links are checked.
            (Err(_), Some(markdown)) if self.stands_in(task) => (format!("<!DOCTYPE html>\n<main>\n{}</main>\n", markdown.html), None),
            (result, _) => result?,
        };
        let source = match task {
            Task::Page(i) => Some(self.pages[i].file.display_path()),
            Task::Section(i, _) => Some(self.sections[i].file.display_path()),
            _ => None,
        };
        // Scanned around its content, an output has none of the content's links to leave out.
        let markdown_hrefs = match (&scan, markdown) {
            (None, Some(m)) => m.links.iter().map(|l| &l.href).chain(&m.reported_hrefs).cloned().collect(),
            _ => Vec::new(),
        };
        let body = Body::Html { text: Held::new(text), template: Some(deps.template.clone()), source, markdown_hrefs };
        let output = Output::new(path, body);
        if let Some(scan) = scan {
            output.scan.set(scan).expect("a new output has no scan yet");
        }
        if let Some(staging) = staging {
            staging.write(&output).map_err(|e| Problem::new(output.path.clone(), format!("cannot write the page: {e}")))?;
        }
        Ok((Arc::new(output), Arc::new(Deps { read: read.iter().collect(), ..deps })))
    }

    /// Whether `task` renders a page or section standing in for a file whose front matter has a problem.
    fn stands_in(&self, task: Task) -> bool {
        match task {
            Task::Page(i) => self.stands_in_for(&self.pages[i].file.rel_path),
            Task::Section(i, _) => self.stands_in_for(&self.sections[i].file.rel_path),
            _ => false,
        }
    }

    /// Makes the folder of every task's output in `staging`, before outputs are written into it as rendered.
    fn create_output_dirs(&self, staging: &Staging, tasks: &[Task]) -> Result<(), Vec<Problem>> {
        let paths: Vec<String> = tasks.iter().map(|&t| self.output_path(t)).collect();
        staging.create_dirs(paths.iter().map(String::as_str)).map_err(|e| vec![Problem::new("output", format!("{e:#}"))])
    }

    /// A one-off build is never rebuilt incrementally, so its outputs need no dependency keys.
    fn build_deps(&self, task: Task) -> (String, Deps) {
        (self.output_path(task), Deps { template: self.template(task).to_owned(), fixed: KeyList::default(), read: KeyList::default() })
    }

    fn fresh_deps(shared: &Shared, task: Task) -> (String, Deps) {
        (shared.site.output_path(task), Deps { template: shared.site.template(task).to_owned(), fixed: shared.dependencies(task), read: KeyList::default() })
    }

    /// The template outputs, the generated files and the static files, sorted by path, and where each was
    /// before sorting (see `RenderedSite::order`).
    fn all_outputs(&self, task_outputs: &[(Arc<Output>, Arc<Deps>)], generated: &[Arc<Output>], previous: Option<&Previous>) -> (Vec<Arc<Output>>, Vec<u32>) {
        let mut outputs: Vec<Arc<Output>> = Vec::with_capacity(task_outputs.len() + generated.len() + self.static_files.len());
        outputs.extend(task_outputs.iter().map(|(o, _)| o.clone()));
        outputs.extend(generated.iter().cloned());
        let old_static: HashMap<&str, &Arc<Output>> = previous.map(|p| p.rendered.outputs.iter().filter(|o| matches!(o.body, Body::Static(_))).map(|o| (o.path.as_str(), o)).collect()).unwrap_or_default();
        outputs.extend(self.static_files.iter().map(|f| match old_static.get(f.path.as_str()) {
            Some(old) if previous.is_some_and(|p| !crate::images::touched(p.changed_static, &f.path)) => (*old).clone(),
            _ => Arc::new(Output::new(f.path.clone(), Body::Static(f.source.clone()))),
        }));
        // Most rebuilds have the paths of the previous build, where they were: its order sorts them.
        let (sorted, order) = match previous.and_then(|p| Some((in_order(&outputs, &p.rendered.order, &p.rendered.outputs)?, p.rendered.order.clone()))) {
            Some(reordered) => reordered,
            None => {
                let mut order: Vec<u32> = (0..u32::try_from(outputs.len()).expect("fewer than 4 billion outputs")).collect();
                order.sort_unstable_by(|&a, &b| outputs[a as usize].path.cmp(&outputs[b as usize].path));
                (order.iter().map(|&k| outputs[k as usize].clone()).collect(), order)
            }
        };
        // The link check finds outputs by binary search.
        debug_assert!(sorted.windows(2).all(|w| w[0].path < w[1].path), "outputs are sorted by path, each once");
        (sorted, order)
    }

    /// Renders the site into `staging`, streaming: each page's Markdown is rendered, put through its template,
    /// scanned for links and written in one go, and its HTML freed, so a large site is never held in memory.
    /// Pages whose templates can read other pages (through lookup functions) wait until every page's Markdown
    /// is done, and so do the listings (sections, taxonomies), which need every page's summary.
    ///
    /// Each page's source text is released once its Markdown is rendered (problems found later read the
    /// file again, see `source_text`).
    pub fn render_into(&mut self, staging: &Staging) -> Result<RenderedSite, Vec<Problem>> {
        let texts: Vec<std::sync::Mutex<Arc<str>>> = self.pages.iter_mut().map(|p| std::sync::Mutex::new(std::mem::take(&mut Arc::make_mut(p).file.text))).collect();
        let this: &Site = self;
        this.render_streaming(staging, &texts)
    }

    fn render_streaming(&self, staging: &Staging, texts: &[std::sync::Mutex<Arc<str>>]) -> Result<RenderedSite, Vec<Problem>> {
        let mut tera = self.templates.compile()?;
        let reads = Arc::new(template_reads::template_reads(&tera));
        let site_value = self.site_value();
        let mut problems: Vec<Problem> = Vec::new();
        self.check_config_links(&mut problems);
        let render_markdown = |links: &MarkdownLinks, file: &SourceFile, text: &str, own_path: &str| {
            markdown::Render { site: links, rel_path: &file.rel_path, display_path: &file.display_path(), file_text: text, body_offset: file.body_offset, own_path }.render()
        };
        let n = self.pages.len();
        let markdown_slots: Vec<OnceLock<Arc<Rendered>>> = (0..n).map(|_| OnceLock::new()).collect();
        let summary_slots: Vec<OnceLock<Arc<Summary>>> = (0..n).map(|_| OnceLock::new()).collect();
        let html: Vec<std::sync::Mutex<String>> = (0..n).map(|_| std::sync::Mutex::new(String::new())).collect();
        let markdown_problems = std::sync::Mutex::new(Vec::new());

        let shared_nav = self.nav();
        let tasks = self.tasks(&reads)?;
        self.create_output_dirs(staging, &tasks)?;
        let mut looks_up: HashMap<&str, bool> = HashMap::default();
        let streams: Vec<bool> = (0..n).map(|i| !*looks_up.entry(self.template(Task::Page(i))).or_insert_with_key(|name| self.templates.may_look_up(name))).collect();

        // Wave one: sections' Markdown, then every page that can be rendered from its own Markdown and its
        // neighbours' summaries.
        templates::register_functions(&mut tera, Arc::new(self.lookup(Arc::default(), Vec::new(), None)));
        let (sections, mut results) = {
            let links = self.markdown_links(&tera, &site_value);
            let sections: Vec<Arc<Rendered>> = self
                .sections
                .par_iter()
                .map(|s| {
                    let (rendered, found) = render_markdown(&links, &s.file, &s.file.text, &s.path);
                    markdown_problems.lock().expect("not poisoned").extend(found);
                    Arc::new(rendered)
                })
                .collect();
            let page_markdown = |i: usize| -> &Arc<Rendered> {
                markdown_slots[i].get_or_init(|| {
                    let text = std::mem::take(&mut *texts[i].lock().expect("not poisoned"));
                    let (mut rendered, found) = render_markdown(&links, &self.pages[i].file, &text, &self.pages[i].path);
                    *html[i].lock().expect("not poisoned") = std::mem::take(&mut rendered.html);
                    if !found.is_empty() {
                        markdown_problems.lock().expect("not poisoned").extend(found);
                    }
                    Arc::new(rendered)
                })
            };
            let summary = |i: usize| -> Arc<Summary> { summary_slots[i].get_or_init(|| Arc::new(self.page_summary(i, page_markdown(i)))).clone() };
            let shared = Shared {
                site: self,
                tera: &tera,
                site_value: site_value.clone(),
                summaries: Summaries::OnDemand(&summary),
                sections: Arc::new(SectionData::default()),
                nav: shared_nav.clone(),
                page_html: Some(&html),
                reads: reads.clone(),
                menus: Default::default(),
            };
            let results: Vec<Option<TaskOutput>> = (0..n)
                .into_par_iter()
                .with_max_len(crate::BATCH)
                .map(|i| {
                    streams[i].then(|| {
                        let (path, deps) = self.build_deps(Task::Page(i));
                        self.render_task(&shared, Task::Page(i), path, deps, Some(page_markdown(i)), Some(staging))
                    })
                })
                .collect();
            // Every page's Markdown and summary, for what is left.
            (0..n).into_par_iter().for_each(|i| {
                summary(i);
            });
            (sections, results)
        };
        let pages: Vec<Arc<Rendered>> = markdown_slots.into_iter().map(|slot| slot.into_inner().expect("every page's Markdown is rendered")).collect();
        let summaries: Arc<Vec<Arc<Summary>>> = Arc::new(summary_slots.into_iter().map(|slot| slot.into_inner().expect("every summary is made")).collect());
        problems.append(&mut markdown_problems.into_inner().expect("not poisoned"));

        // Wave two: everything else, with every page known.
        let section_data = self.section_data(&sections, summaries.clone());
        templates::register_functions(&mut tera, Arc::new(self.lookup(summaries.clone(), pages.clone(), Some(&section_data))));
        let shared = Shared { site: self, tera: &tera, site_value, summaries: Summaries::All(summaries.clone()), sections: section_data, nav: shared_nav, page_html: Some(&html), reads: reads.clone(), menus: Default::default() };
        // A few listings can hold most of wave two's work (a tag's page can list thousands): the largest
        // start first, and each task is its own unit of work, so no core waits on a batch of them.
        let mut rest: Vec<usize> = (0..tasks.len()).filter(|&k| k >= n || !streams[k]).collect();
        rest.sort_by_key(|&k| std::cmp::Reverse(self.listing_size(tasks[k], &reads)));
        let (rest, generated): (Vec<(usize, TaskOutput)>, Vec<Arc<Output>>) = rayon::join(
            || {
                rest.into_par_iter()
                    .with_max_len(1)
                    .map(|k| {
                        let task = tasks[k];
                        let (path, deps) = self.build_deps(task);
                        (k, self.render_task(&shared, task, path, deps, task_markdown(task, &pages, &sections), Some(staging)))
                    })
                    .collect()
            },
            || self.generated_files().into_iter().map(Arc::new).collect(),
        );
        results.resize_with(tasks.len(), || None);
        for (k, result) in rest {
            results[k] = Some(result);
        }
        let (task_outputs, failed) = self.collect_task_outputs(results.into_iter().map(|r| r.expect("every task ran in one of the waves")), &tasks, &mut problems);
        let stats = RenderStats { markdown_rendered: n + sections.len(), templates_rendered: task_outputs.len(), outputs_reused: 0 };
        let (outputs, order) = self.all_outputs(&task_outputs, &generated, None);
        let rendered = RenderedSite { outputs, order, pages, sections, summaries, tasks, task_outputs, generated, tera, reads, stats };
        if !problems.is_empty() {
            return Err(self.with_link_problems(rendered, problems, failed));
        }
        Ok(rendered)
    }

    /// A build's problems so far, and the link check's: all of them are reported in one go, where the author
    /// would otherwise fix them in rounds. Problems in the Markdown leave a page's bad link or image out, but
    /// the page is there; an output whose template failed (at `failed`) is there for the check as a file with
    /// no ids to check, so that links to it (and anchors in it) are not reported as broken for nothing.
    fn with_link_problems(&self, mut rendered: RenderedSite, mut problems: Vec<Problem>, failed: Vec<String>) -> Vec<Problem> {
        if !failed.is_empty() {
            rendered.outputs.extend(failed.into_iter().map(|path| Arc::new(Output::new(path, Body::Text(String::new())))));
            rendered.outputs.sort_by(|a, b| a.path.cmp(&b.path));
        }
        problems.extend(crate::check::check_links(self, &rendered));
        problems
    }

    /// The outputs of the tasks that rendered, and the paths of those that failed, whose problems go into
    /// `problems`.
    fn collect_task_outputs(&self, results: impl IntoIterator<Item = TaskOutput>, tasks: &[Task], problems: &mut Vec<Problem>) -> (Vec<Made>, Vec<String>) {
        let mut failed = Vec::new();
        let outputs = results
            .into_iter()
            .zip(tasks)
            .filter_map(|(result, &task)| match result {
                Ok(output) => Some(output),
                Err(problem) => {
                    problems.push(problem);
                    failed.push(self.output_path(task));
                    None
                }
            })
            .collect();
        (outputs, failed)
    }

    /// Renders the site, reusing whatever `previous` rendered that cannot have changed.
    pub fn render_from(&self, previous: Option<&Previous>) -> Result<RenderedSite, Vec<Problem>> {
        self.render_with(previous, None)
    }

    fn render_with(&self, previous: Option<&Previous>, staging: Option<&Staging>) -> Result<RenderedSite, Vec<Problem>> {
        let changed_templates = previous.map(|p| changed_templates(&p.site.templates, &self.templates)).unwrap_or_default();
        // Templates are parsed once, and again only when one changed.
        let (mut tera, reads) = match previous {
            Some(p) if changed_templates.is_empty() && p.site.templates.dir == self.templates.dir => (p.rendered.tera.clone(), p.rendered.reads.clone()),
            _ => {
                let tera = self.templates.compile()?;
                let reads = Arc::new(template_reads::template_reads(&tera));
                (tera, reads)
            }
        };
        let site_value = self.site_value();
        let mut stats = RenderStats::default();
        let mut problems: Vec<Problem> = Vec::new();

        // Markdown.
        let links = self.markdown_links(&tera, &site_value);
        let layout = previous.and_then(|p| Layout::compare(p.site, self));
        let reuse = previous.map(|p| MarkdownReuse::new(p, self, &changed_templates, layout.is_some()));
        let markdown = |file: &SourceFile, own_path: &str, old: Option<(&Arc<Rendered>, &Arc<str>)>| -> (Arc<Rendered>, Vec<Problem>, bool) {
            if let (Some((old, old_text)), Some(reuse)) = (old, &reuse)
                && reuse.can_reuse(file, old_text, old)
            {
                return (old.clone(), Vec::new(), false);
            }
            let (rendered, problems) = markdown::Render { site: &links, rel_path: &file.rel_path, display_path: &file.display_path(), file_text: &file.text, body_offset: file.body_offset, own_path }.render();
            (Arc::new(rendered), problems, true)
        };
        let old_page = |i: usize, src: &str| reuse.as_ref().and_then(|r| r.old_page(i, src));
        let old_section = |src: &str| reuse.as_ref().and_then(|r| r.old_section(src));
        let (pages, sections) = rayon::join(
            || self.pages.par_iter().with_max_len(crate::BATCH).enumerate().map(|(i, p)| markdown(&p.file, &p.path, old_page(i, &p.file.rel_path))).collect::<Vec<_>>(),
            || self.sections.par_iter().map(|s| markdown(&s.file, &s.path, old_section(&s.file.rel_path))).collect::<Vec<_>>(),
        );
        let mut collect = |results: Vec<(Arc<Rendered>, Vec<Problem>, bool)>| -> Vec<Arc<Rendered>> {
            results
                .into_iter()
                .map(|(rendered, mut found, fresh)| {
                    problems.append(&mut found);
                    stats.markdown_rendered += usize::from(fresh);
                    rendered
                })
                .collect()
        };
        let pages = collect(pages);
        let sections = collect(sections);
        self.check_config_links(&mut problems);
        // Summaries, reused where neither the page nor its rendered Markdown changed.
        let summaries: Vec<Arc<Summary>> = pages
            .par_iter()
            .with_max_len(crate::BATCH)
            .enumerate()
            .map(|(i, rendered)| {
                let reused = reuse.as_ref().and_then(|r| {
                    let j = crate::incremental::old_index(r.previous.site, i, &self.pages[i].file.rel_path)?;
                    let same = Arc::ptr_eq(&r.previous.rendered.pages[j], rendered) && r.images_unchanged && Arc::ptr_eq(&r.previous.site.pages[j], &self.pages[i]);
                    same.then(|| r.previous.rendered.summaries[j].clone())
                });
                reused.unwrap_or_else(|| Arc::new(self.page_summary(i, rendered)))
            })
            .collect();
        let summaries = Arc::new(summaries);
        let section_data = self.section_data(&sections, summaries.clone());
        templates::register_functions(&mut tera, Arc::new(self.lookup(summaries.clone(), pages.clone(), Some(&section_data))));
        let shared = Shared { site: self, tera: &tera, site_value, summaries: Summaries::All(summaries.clone()), sections: section_data, nav: self.nav(), page_html: None, reads: reads.clone(), menus: Default::default() };
        // Templates.
        let changed = previous.map(|p| KeySet::new(changed_keys(p, self, &pages, &sections, &summaries, &shared.nav, layout.is_some())));
        let tasks = self.tasks(&reads)?;
        if let Some(staging) = staging {
            self.create_output_dirs(staging, &tasks)?;
        }
        // With the same layout and the same lists split over the same pages, task k is the previous build's
        // task k; otherwise outputs are matched by path.
        let same_tasks = layout.is_some() && previous.is_some_and(|p| p.rendered.tasks == tasks);
        let old_by_path: HashMap<&str, &(Arc<Output>, Arc<Deps>)> = match previous {
            Some(p) if !same_tasks => p.rendered.task_outputs.iter().map(|t| (t.0.path.as_str(), t)).collect(),
            _ => HashMap::default(),
        };
        type TaskResult = Result<((Arc<Output>, Arc<Deps>), bool), Problem>;
        let (results, generated): (Vec<TaskResult>, Vec<Arc<Output>>) = rayon::join(
            || {
                tasks
                    .par_iter()
                    .with_max_len(crate::BATCH)
                    .enumerate()
                    .map(|(k, &task)| {
                        // The previous output of this task, when it was made from the same site data: the one in
                        // its place, whose dependencies are as they were unless it shows a reordered list (it may
                        // show other pages now); else the one at its path, if its dependencies are the same.
                        let in_place = previous.filter(|_| same_tasks).map(|p| &p.rendered.task_outputs[k]);
                        let (old, fresh_deps) = match previous {
                            None => (None, None),
                            Some(_) if in_place.is_some() && !layout.as_ref().is_some_and(|l| l.shows_reordered(self, task)) => (in_place, None),
                            Some(_) => {
                                let (path, deps) = Self::fresh_deps(&shared, task);
                                let old = in_place.or_else(|| old_by_path.get(path.as_str()).copied()).filter(|(_, d)| d.template == deps.template && d.fixed == deps.fixed);
                                (old, Some((path, deps)))
                            }
                        };
                        if let (Some((output, old_deps)), Some(changed)) = (old, &changed)
                            && !changed_templates.contains(&old_deps.template)
                            && !changed.meets(&old_deps.fixed)
                            && !changed.meets(&old_deps.read)
                        {
                            return Ok(((output.clone(), old_deps.clone()), false));
                        }
                        // Fresh keys even with the same structure: a changed template may read other fields.
                        let (path, deps) = fresh_deps.unwrap_or_else(|| Self::fresh_deps(&shared, task));
                        self.render_task(&shared, task, path, deps, task_markdown(task, &pages, &sections), staging).map(|output| (output, true))
                    })
                    .collect()
            },
            || match previous {
                Some(p) if layout.is_some() => self.regenerated_files(p),
                _ => self.generated_files().into_iter().map(Arc::new).collect(),
            },
        );
        for &(_, fresh) in results.iter().flatten() {
            if fresh {
                stats.templates_rendered += 1;
            } else {
                stats.outputs_reused += 1;
            }
        }
        let (task_outputs, failed) = self.collect_task_outputs(results.into_iter().map(|r| r.map(|(output, _)| output)), &tasks, &mut problems);
        let (outputs, order) = self.all_outputs(&task_outputs, &generated, previous);
        let rendered = RenderedSite { outputs, order, pages, sections, summaries, tasks, task_outputs, generated, tera, reads, stats };
        if !problems.is_empty() {
            return Err(self.with_link_problems(rendered, problems, failed));
        }
        Ok(rendered)
    }

    /// `red_flags_page` and `disclaimer_page` in site.yaml must name real content.
    fn check_config_links(&self, problems: &mut Vec<Problem>) {
        for (key, value) in [("red_flags_page", &self.config.red_flags_page), ("disclaimer_page", &self.config.disclaimer_page)] {
            if let Some(value) = value
                && self.config_url(value).is_none()
            {
                let source = std::fs::read_to_string(self.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
                let path = value.trim_start_matches("@/").split('#').next().unwrap_or_default();
                let at = |problem: Problem| problem.at(&source, crate::config::key_line(&source, key), 1);
                if let Some(reason) = self.ignored_reason(path) {
                    let problem = Problem::new(crate::config::CONFIG_FILE, format!("`{key}`: {reason}"));
                    problems.push(at(problem).help(format!("take the pattern out of `ignore`, or name another page in `{key}`")));
                    continue;
                }
                if let Some(reason) = crate::content::draft_reason(&self.root, path) {
                    let problem = Problem::new(crate::config::CONFIG_FILE, format!("`{key}`: `{path}`: {reason}, left out of this build"));
                    problems.push(at(problem).help("publish it, or build with `--drafts` to preview the site with it"));
                    continue;
                }
                let help = match crate::diagnostics::did_you_mean(path, self.urls.keys().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "write the path of a file under content/, with an optional `#anchor`, e.g. `about.md#disclaimer`".to_owned(),
                };
                problems.push(at(Problem::new(crate::config::CONFIG_FILE, format!("`{key}`: no content file `{path}`"))).help(help));
            }
        }
    }

    pub fn config_url(&self, value: &str) -> Option<String> {
        let value = value.trim_start_matches("@/");
        let (path, fragment) = crate::urls::split_at_byte(value, b'#').map_or((value, String::new()), |(p, f)| (p, format!("#{f}")));
        self.urls.get(path).map(|url| format!("{}{fragment}", self.url(url)))
    }

    fn reading_time(words: usize) -> usize {
        words.div_ceil(200).max(1)
    }

    /// Page `i`'s terms, for each taxonomy of the site: their names and URLs.
    fn taxonomy_refs(&self, i: usize) -> Vec<Terms> {
        let page = &self.pages[i];
        self.taxonomies
            .iter()
            .map(|taxonomy| {
                let names: &[String] = if taxonomy.name == "tags" && !page.meta.tags.is_empty() { &page.meta.tags } else { page.meta.taxonomies.get(&taxonomy.name).map_or(&[], Vec::as_slice) };
                let refs = names.iter().map(|name| (name.clone(), self.url(&format!("{}/{}/", taxonomy.name, crate::urls::slugify(name))))).collect();
                (taxonomy.name.clone(), refs)
            })
            .collect()
    }

    fn page_summary(&self, i: usize, rendered: &Rendered) -> Summary {
        let page = &self.pages[i];
        let m = &page.meta;
        let json = |value| serde_json::to_value(value).expect("front matter serializes");
        let fields = [
            ("date", json(m.date)),
            ("description", m.description.as_deref().into()),
            ("last_reviewed", json(m.last_reviewed)),
            ("path", page.file.rel_path.as_str().into()),
            ("permalink", self.permalink(&page.path).into()),
            ("reading_time", Self::reading_time(rendered.word_count).into()),
            ("stretch", stretch_value(self, i)),
            ("title", m.title.as_str().into()),
            ("updated", json(m.updated)),
            ("url", self.url(&page.path).into()),
            ("weight", m.weight.into()),
            ("word_count", rendered.word_count.into()),
        ];
        Summary::new(fields, self.taxonomy_refs(i))
    }

    /// A section's value without its page lists.
    pub(crate) fn section_head(&self, i: usize, rendered: &Rendered) -> Value {
        let section = &self.sections[i];
        let m = &section.meta;
        json!({
            "title": m.title, "description": m.description, "url": self.url(&section.path), "permalink": self.permalink(&section.path),
            "path": section.file.rel_path, "content": rendered.html, "toc": rendered.toc, "word_count": rendered.word_count,
            "reading_time": Self::reading_time(rendered.word_count), "last_reviewed": m.last_reviewed, "sources": m.sources,
            "extra": m.extra,
        })
    }

    /// The main menu: top-level sections, then root pages, each by weight then title.
    pub(crate) fn nav(&self) -> Vec<(String, String, String)> {
        let root = self.root_section();
        let sections = self.subsections[root].iter().map(|&s| (self.sections[s].meta.title.clone(), self.sections[s].path.clone()));
        let pages = self.section_pages[root].iter().map(|&p| (self.pages[p].meta.title.clone(), self.pages[p].path.clone()));
        sections.chain(pages).map(|(title, path)| (title, self.url(&path), path)).collect()
    }

    /// The files made from the site as a whole: sitemap, feed, robots.txt, redirects for aliases.
    fn generated_files(&self) -> Vec<Output> {
        let mut outputs = vec![
            self.sitemap(),
            self.feed(),
            Output::new("robots.txt".into(), Body::Text(feeds::robots(&self.permalink(SITEMAP)))),
            Output::new(".nojekyll".into(), Body::Text(String::new())),
        ];
        if let Some(cname) = &self.config.cname {
            outputs.push(Output::new("CNAME".into(), Body::Text(format!("{}\n", cname.trim()))));
        }
        // A static file of the same name replaces one (see `Site::index_urls`).
        outputs.retain(|o| !self.has_static_file(&o.path));
        for page in &self.pages {
            for alias in &page.meta.aliases {
                let path = crate::urls::alias_output(alias);
                let text = feeds::redirect(&self.url(&page.path), &self.permalink(&page.path));
                outputs.push(Output::new(path, Body::Html { text: Held::new(text), template: None, source: Some(page.file.display_path()), markdown_hrefs: Vec::new() }));
            }
        }
        outputs
    }

    /// The previous build's generated files, with the sitemap and the feed made again if what they show
    /// changed; the rest follows from the layout, which is the same (see `Layout`).
    fn regenerated_files(&self, previous: &Previous) -> Vec<Arc<Output>> {
        // A static file that replaces one came or went.
        if previous.site.generated_names().chain(self.generated_names()).any(|name| previous.site.has_static_file(name) != self.has_static_file(name)) {
            return self.generated_files().into_iter().map(Arc::new).collect();
        }
        let mut outputs = previous.rendered.generated.clone();
        for output in &mut outputs {
            if output.path == SITEMAP && !sitemap_unchanged(previous.site, self) {
                *output = Arc::new(self.sitemap());
            } else if output.path == FEED && !feed_unchanged(previous.site, self) {
                *output = Arc::new(self.feed());
            }
        }
        outputs
    }

    fn sitemap(&self) -> Output {
        let mut entries: Vec<SitemapEntry> = Vec::with_capacity(self.pages.len() + self.sections.len());
        for section in &self.sections {
            entries.push(SitemapEntry { permalink: self.permalink(&section.path), lastmod: section.meta.last_reviewed.map(|d| d.to_string()) });
        }
        for page in &self.pages {
            entries.push(SitemapEntry { permalink: self.permalink(&page.path), lastmod: page.meta.last_modified().map(|d| d.to_string()) });
        }
        for taxonomy in &self.taxonomies {
            entries.push(SitemapEntry { permalink: self.permalink(&format!("{}/", taxonomy.name)), lastmod: None });
            for term in &taxonomy.terms {
                entries.push(SitemapEntry { permalink: self.permalink(&format!("{}/{}/", taxonomy.name, term.slug)), lastmod: None });
            }
        }
        entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));
        Output::new(SITEMAP.into(), Body::Text(feeds::sitemap(&entries)))
    }

    /// The Atom feed of the newest dated pages.
    fn feed(&self) -> Output {
        let mut dated: Vec<usize> = (0..self.pages.len()).filter(|&i| self.pages[i].meta.date.is_some()).collect();
        let order = |&a: &usize, &b: &usize| crate::site::newest_first(&self.pages, a, b);
        // Only the newest few show: pick them out, and sort those alone (a rebuild that retitles a page makes
        // the feed again, and a large site has thousands of dated pages).
        if dated.len() > feeds::FEED_ENTRIES {
            dated.select_nth_unstable_by(feeds::FEED_ENTRIES - 1, order);
            dated.truncate(feeds::FEED_ENTRIES);
        }
        dated.sort_by(order);
        let entries: Vec<FeedEntry> = dated
            .iter()
            .map(|&i| {
                let p = &self.pages[i];
                let published = p.meta.date.expect("filtered on date");
                let updated = p.meta.last_modified().unwrap_or(published);
                FeedEntry { title: p.meta.title.clone(), permalink: self.permalink(&p.path), summary: p.meta.description.clone(), published: published.rfc3339(), updated: updated.rfc3339() }
            })
            .collect();
        // A feed without entries (no page has a `date`) is as new as the newest date the site has, or, with no
        // date at all, as the day it is built.
        let updated = entries.iter().map(|e| e.updated.clone()).max().unwrap_or_else(|| {
            let page_dates = self.pages.iter().filter_map(|p| p.meta.last_modified());
            page_dates.chain(self.sections.iter().filter_map(|s| s.meta.last_reviewed)).max().unwrap_or_else(crate::content::schema::Date::today).rfc3339()
        });
        let c = &self.config;
        let feed = feeds::Feed { title: &c.title, subtitle: &c.description, author: &c.author, language: &c.language, site_url: &c.base_url, feed_url: &self.permalink(FEED), updated };
        Output::new(FEED.into(), Body::Text(feeds::atom(&feed, &entries)))
    }
}

/// `outputs` put in `order`, if that gives the paths of `sorted` (the build `order` was taken from).
fn in_order(outputs: &[Arc<Output>], order: &[u32], sorted: &[Arc<Output>]) -> Option<Vec<Arc<Output>>> {
    if order.len() != outputs.len() || sorted.len() != outputs.len() {
        return None;
    }
    let mut result = Vec::with_capacity(outputs.len());
    for (&k, before) in order.iter().zip(sorted) {
        let output = &outputs[k as usize];
        if !Arc::ptr_eq(output, before) && output.path != before.path {
            return None;
        }
        result.push(output.clone());
    }
    Some(result)
}

/// Task outputs in task order; the problems of those that failed go to `problems`.
/// The rendered Markdown a task shows: its page's or section's.
fn task_markdown<'r>(task: Task, pages: &'r [Arc<Rendered>], sections: &'r [Arc<Rendered>]) -> Option<&'r Rendered> {
    match task {
        Task::Page(i) => Some(&pages[i]),
        Task::Section(i, _) => Some(&sections[i]),
        _ => None,
    }
}

/// The stretch front matter with URLs and derived values, as templates see it (null when not a stretch page).
fn stretch_value(site: &Site, i: usize) -> Value {
    let Some(stretch) = &site.pages[i].meta.stretch else { return Value::Null };
    let mut value = serde_json::to_value(stretch).expect("front matter serializes");
    let image_path = site.stretch_image(i).unwrap_or_default();
    let (w, h) = site.image_sizes.get(&image_path).copied().map_or((Value::Null, Value::Null), |(w, h)| (w.into(), h.into()));
    value["image"] = site.url(&image_path).into();
    value["image_width"] = w;
    value["image_height"] = h;
    value["total_seconds"] = stretch.total_seconds().into();
    value["dose"] = stretch.dose().into();
    value
}

/// What a stretch card knows of its page (rendered before word counts exist).
fn card_summary(site: &Site, i: usize) -> Value {
    let page = &site.pages[i];
    json!({"title": page.meta.title, "description": page.meta.description, "url": site.url(&page.path), "permalink": site.permalink(&page.path), "path": page.file.rel_path})
}
