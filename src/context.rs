//! Template contexts: what each kind of output (page, section, taxonomy list, term, 404) sees, and which
//! site data it depends on. Contexts are small: a page's context holds its own content and the summaries of
//! its neighbours, never the whole site; templates reach the rest through lookup functions.

use std::sync::Arc;

use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::check::{self, Scan};
use crate::diagnostics::Problem;
use crate::incremental::KeyList;
use crate::jsonld::{self, Article};
use crate::markdown::Rendered;
use crate::site::Site;
use crate::summary::{SUMMARY_FIELDS, Summary};
use crate::template_reads::{Reads, TemplateReads};
use crate::templates;
use crate::{HashMap, HashSet};

/// One output rendered through a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    Page(usize),
    /// Section `i`, showing page `k` of its list (0 for the first, at the section's own URL).
    Section(usize, usize),
    TaxonomyList(usize),
    /// Term `j` of taxonomy `t`, showing page `k` of its list.
    Term(usize, usize, usize),
    NotFound,
}

/// Where page `k` (from 0) of a list shown at `list_path` lives: the first at `list_path` itself, the others at
/// `page/2/`, `page/3/`... under it.
pub fn pager_path(list_path: &str, k: usize) -> String {
    if k == 0 { list_path.to_owned() } else { format!("{list_path}page/{}/", k + 1) }
}

/// The parts of a split list (`count` of them, numbered from 0) that part `current` links to by number: the
/// first, the last, and the one on either side of itself, few enough to fit a phone's width. Leaving out a
/// single part would save no room (its ellipsis is as wide), so that part is shown instead.
pub fn pager_window(current: usize, count: usize) -> Vec<usize> {
    let near = current.saturating_sub(1)..(current + 2).min(count);
    let mut shown: Vec<usize> = Vec::with_capacity(7);
    for k in (count > 0).then_some(0).into_iter().chain(near).chain(count.checked_sub(1)) {
        match shown.last() {
            Some(&last) if k <= last => continue,
            Some(&last) if k == last + 2 => shown.push(last + 1),
            _ => {}
        }
        shown.push(k);
    }
    shown
}

/// Section values, assembled from summaries on demand (for `section.html`, `index.html` and `get_section`).
#[derive(Default)]
pub struct SectionData {
    /// Everything about each section except its page lists.
    pub heads: Vec<Value>,
    pub pages: Vec<Vec<usize>>,
    pub subsections: Vec<Vec<usize>>,
    pub summaries: Arc<Vec<Arc<Summary>>>,
}

impl SectionData {
    /// Section `i` with its pages and subsections, their page lists as a template that `reads` them sees them
    /// (see `listing`).
    pub fn value(&self, i: usize, reads: &Reads) -> Value {
        let mut value = self.heads[i].clone();
        value["pages"] = listing(&self.pages[i], |p| self.summaries[p].clone(), reads).into();
        value["subsections"] = self.subsections[i]
            .iter()
            .map(|&s| {
                let head = &self.heads[s];
                let pages = listing(&self.pages[s], |p| self.summaries[p].clone(), reads);
                // Built by moving `pages` in: `json!` would copy the whole list again.
                object([("title", head["title"].clone()), ("description", head["description"].clone()), ("url", head["url"].clone()), ("path", head["path"].clone()), ("pages", pages.into())])
            })
            .collect();
        value
    }
}

/// A template context under construction. Values are moved in, or shared with other renders (the site, the
/// menu's entries, the neighbours' summaries), never given the deep copy `Context::insert` makes of each value.
struct Vars {
    context: Context,
    /// How the menu's entries are marked for this output (see `Menus`).
    menu_marks: Vec<u8>,
}

impl Vars {
    fn insert(&mut self, key: &str, value: impl Into<Value>) {
        self.context.insert_value(key, value.into());
    }

    fn share(&mut self, key: &str, value: Arc<Value>) {
        self.context.insert_shared(key, value);
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.context.get(key)
    }
}

/// Read-only data shared by every template render of one build.
pub struct Shared<'a> {
    pub site: &'a Site,
    pub tera: &'a Tera,
    pub site_value: Arc<Value>,
    pub summaries: Summaries<'a>,
    pub sections: Arc<SectionData>,
    /// (title, url, site path)
    pub nav: Vec<(String, String, String)>,
    /// Each page's HTML, taken by its render (when pages are written as they are rendered); otherwise the
    /// HTML is read from the page's Markdown result.
    pub page_html: Option<&'a [std::sync::Mutex<String>]>,
    /// What each template can read of page summaries (see `template_reads`); a template not in it may read
    /// anything.
    pub reads: Arc<TemplateReads>,
    /// The menu rendered from `partials/nav.html`, once for each way its entries are marked.
    pub menus: Menus,
}

/// The menu's entries (`nav`) and the theme's menu (`partials/nav.html`) rendered from them, for each marking
/// of the entries (which entry is the reader's page or holds it). The menu reads only `site` and `nav`, so
/// every output with the same marks shows the same HTML: ten entries looked up in Tera for each of 10,000
/// outputs took a tenth of a build's work. The entries are made once for each marking too, and shared by the
/// contexts of every output marked alike.
#[derive(Default)]
pub struct Menus(std::sync::Mutex<HashMap<Vec<u8>, Menu>>);

#[derive(Clone)]
pub struct Menu {
    nav: Arc<Value>,
    /// Rendered when first asked for.
    html: Option<Arc<String>>,
}

/// The template of the menu that templates get as `nav_html`.
pub const NAV_TEMPLATE: &str = "partials/nav.html";

/// Page summaries: all of them, or (while a streaming build renders pages) each one made when first asked for.
pub enum Summaries<'a> {
    All(Arc<Vec<Arc<Summary>>>),
    OnDemand(&'a (dyn Fn(usize) -> Arc<Summary> + Sync)),
}

impl Summaries<'_> {
    pub fn get(&self, i: usize) -> Arc<Summary> {
        match self {
            Summaries::All(all) => all[i].clone(),
            Summaries::OnDemand(make) => make(i),
        }
    }
}

/// The template tasks of a site: which exist, where each writes and which template it uses. They depend on
/// the site and on what its templates read (whether they split listings over pages), so a build can lay out
/// its output folders before anything is rendered.
impl Site {
    /// All tasks of the site, in a stable order, or the content that would be written where a later page of a
    /// split list goes (see `pager_collisions`).
    pub fn tasks(&self, reads: &TemplateReads) -> Result<Vec<Task>, Vec<Problem>> {
        let site = self;
        let mut tasks: Vec<Task> = (0..site.pages.len()).map(Task::Page).collect();
        for i in 0..site.sections.len() {
            tasks.extend((0..self.pagers(Task::Section(i, 0), reads)).map(|k| Task::Section(i, k)));
        }
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            tasks.push(Task::TaxonomyList(t));
            for j in 0..taxonomy.terms.len() {
                tasks.extend((0..self.pagers(Task::Term(t, j, 0), reads)).map(|k| Task::Term(t, j, k)));
            }
        }
        tasks.push(Task::NotFound);
        let collisions = self.pager_collisions(&tasks);
        if collisions.is_empty() { Ok(tasks) } else { Err(collisions) }
    }

    /// The site path of the list a listing task shows a page of (`stretches/`, `tags/sitting/`).
    fn list_path(&self, task: Task) -> String {
        match task {
            Task::Section(i, _) => self.sections[i].path.clone(),
            Task::Term(t, j, _) => format!("{}/{}/", self.taxonomies[t].name, self.taxonomies[t].terms[j].slug),
            _ => unreachable!("only sections and terms have lists"),
        }
    }

    /// The site path of a listing task's page (`stretches/page/2/`).
    pub fn task_path(&self, task: Task) -> String {
        match task {
            Task::Section(_, k) | Task::Term(_, _, k) => pager_path(&self.list_path(task), k),
            Task::Page(i) => self.pages[i].path.clone(),
            Task::TaxonomyList(t) => format!("{}/", self.taxonomies[t].name),
            Task::NotFound => String::new(),
        }
    }

    pub fn output_path(&self, task: Task) -> String {
        match task {
            Task::NotFound => "404.html".to_owned(),
            _ => format!("{}index.html", self.task_path(task)),
        }
    }

    /// The pages a listing task's whole list shows, in order (none for other tasks).
    pub fn listed_pages(&self, task: Task) -> &[usize] {
        match task {
            Task::Section(i, _) => &self.section_pages[i],
            Task::Term(t, j, _) => &self.taxonomies[t].terms[j].pages,
            _ => &[],
        }
    }

    /// How many entries each page of a listing task's list shows, when its template splits the list over
    /// pages (`paginate_by` of its section, or of the site); `None` when the whole list shows on one.
    pub fn paginate_by(&self, task: Task, reads: &TemplateReads) -> Option<usize> {
        let by = match task {
            Task::Section(i, _) => self.sections[i].meta.paginate_by.unwrap_or(self.config.paginate_by),
            Task::Term(..) => self.config.paginate_by,
            _ => return None,
        };
        (by > 0 && reads.get(self.template(task)).is_some_and(|r| r.paginated)).then_some(by)
    }

    /// How many pages a listing task's list is split over (1 for other tasks, and for an empty list).
    pub fn pagers(&self, task: Task, reads: &TemplateReads) -> usize {
        self.paginate_by(task, reads).map_or(1, |by| self.listed_pages(task).len().div_ceil(by).max(1))
    }

    /// The places in a listing task's list that its page shows.
    pub fn pager_places(&self, task: Task, reads: &TemplateReads) -> std::ops::Range<usize> {
        let len = self.listed_pages(task).len();
        match (task, self.paginate_by(task, reads)) {
            (Task::Section(_, k) | Task::Term(_, _, k), Some(by)) => (k * by).min(len)..((k + 1) * by).min(len),
            _ => 0..len,
        }
    }

    /// The part of a listing task's list that its page shows.
    pub fn pager_pages(&self, task: Task, reads: &TemplateReads) -> &[usize] {
        &self.listed_pages(task)[self.pager_places(task, reads)]
    }

    /// A content file, alias or static file that would write where a later page of a split list goes.
    fn pager_collisions(&self, tasks: &[Task]) -> Vec<Problem> {
        let pagers: HashMap<String, Task> = tasks.iter().filter(|t| matches!(t, Task::Section(_, k) | Task::Term(_, _, k) if *k > 0)).map(|&t| (self.task_path(t), t)).collect();
        if pagers.is_empty() {
            return Vec::new();
        }
        let which = |task: Task, output: &str| {
            let (Task::Section(_, k) | Task::Term(_, _, k)) = task else { unreachable!("only listings are split") };
            format!("writes `{output}`, where page {} of the list at `/{}` goes", k + 1, self.list_path(task))
        };
        // The listing page a file written at `output` would replace.
        let pager_at = |output: &str| output.strip_suffix("index.html").and_then(|dir| pagers.get(dir)).copied();
        let help = "give it another URL (a `slug`, or another file name), or set `paginate_by` so that the list needs fewer pages";
        let mut problems = Vec::new();
        let files = self.pages.iter().map(|p| (&p.file, &p.path)).chain(self.sections.iter().map(|s| (&s.file, &s.path)));
        for (file, path) in files {
            if let Some(&task) = pagers.get(path.as_str()) {
                problems.push(Problem::new(file.display_path(), which(task, &format!("{path}index.html"))).help(help));
            }
        }
        for page in &self.pages {
            for alias in &page.meta.aliases {
                let output = crate::urls::alias_output(alias);
                if let Some(task) = pager_at(&output) {
                    problems.push(Problem::new(page.file.display_path(), format!("alias `{alias}` {}", which(task, &output))).help("remove the alias, or point it at a URL nothing else uses"));
                }
            }
        }
        for file in &self.static_files {
            if let Some(task) = pager_at(&file.path) {
                problems.push(Problem::new(&file.shown, which(task, &file.path)).help("move or rename the file"));
            }
        }
        problems
    }

    /// How many page entries a task's context lists (the measure of its cost that varies most).
    pub fn listing_size(&self, task: Task, reads: &TemplateReads) -> usize {
        match task {
            Task::Section(i, _) => self.pager_pages(task, reads).len() + self.subsections[i].iter().map(|&s| self.section_pages[s].len()).sum::<usize>(),
            Task::Term(..) => self.pager_pages(task, reads).len(),
            Task::TaxonomyList(t) => self.taxonomies[t].terms.len(),
            Task::Page(_) | Task::NotFound => 0,
        }
    }

    /// Whether the template of the content file at `source_path` shows the page's title as its h1 (so that a
    /// `#` heading in it would be a second one); true for a file that is not part of the site.
    pub fn title_is_h1(&self, source_path: &str) -> bool {
        let task = match self.page_index.get(source_path) {
            Some(&i) => Task::Page(i),
            None => match self.sections.iter().position(|s| s.file.rel_path == source_path) {
                Some(i) => Task::Section(i, 0),
                None => return true,
            },
        };
        self.templates.writes_h1(self.template(task))
    }

    /// The name of the template that renders `task`.
    pub fn template(&self, task: Task) -> &str {
        match task {
            // A page standing in for one whose front matter has a problem is rendered plain, since the
            // template it names may need what its front matter failed to give.
            Task::Page(i) if self.stands_in_for(&self.pages[i].file.rel_path) && self.templates.source("page.html").is_some() => "page.html",
            Task::Page(i) => {
                let section = &self.sections[self.page_section[i]];
                self.pages[i].meta.template.as_deref().or(section.meta.page_template.as_deref()).unwrap_or("page.html")
            }
            Task::Section(i, _) => {
                let section = &self.sections[i];
                section.meta.template.as_deref().unwrap_or(if section.dir.is_empty() { "index.html" } else { "section.html" })
            }
            Task::TaxonomyList(_) => "taxonomy_list.html",
            Task::Term(..) => "taxonomy_term.html",
            Task::NotFound => "404.html",
        }
    }
}

impl Shared<'_> {
    /// What `task`'s template can read of page summaries.
    fn reads(&self, task: Task) -> &Reads {
        self.reads.get(self.site.template(task)).unwrap_or(&Reads::ANY)
    }

    /// The site data a task's context is built from, as keys (see `incremental::changed_keys`).
    pub fn dependencies(&self, task: Task) -> KeyList {
        let site = self.site;
        let root = site.root_section();
        let reads = self.reads(task);
        let readable = |names: Option<&HashSet<String>>| -> Vec<&str> { SUMMARY_FIELDS.into_iter().filter(|f| names.is_none_or(|n| n.contains(*f))).collect() };
        let fields = readable(reads.fields());
        let mut keys = KeyList::default();
        let page_fields = |keys: &mut KeyList, p: usize, fields: &[&str]| {
            for f in fields {
                keys.key(&["p:", &site.pages[p].file.rel_path, "#", f]);
            }
        };
        // A listing depends on which pages it lists, and on the fields of theirs that its template can read.
        // Shown whole, that is its members and their fields. When only some of its places are shown (the first
        // few, or one page's part of a split list), it is its length and the fields of the pages in those
        // places: these keys name the pages, so another page in one of the places makes other keys, and an
        // output whose keys differ from last time's is rendered again.
        let whole = |keys: &mut KeyList, key: &str| {
            keys.key(&[key, "#members"]);
            for f in &fields {
                keys.key(&[key, "#", f]);
            }
        };
        let part = |keys: &mut KeyList, key: &str, pages: &[usize], places: std::ops::Range<usize>| {
            keys.key(&[key, "#len"]);
            for &p in &pages[places.start.min(pages.len())..places.end.min(pages.len())] {
                page_fields(keys, p, &fields);
            }
        };
        let listing = |keys: &mut KeyList, key: &str, pages: &[usize]| match reads.listed {
            Some(n) => part(keys, key, pages, 0..n),
            None => whole(keys, key),
        };
        // `paginator.pages`, the part of the listing this page shows.
        let pager = |keys: &mut KeyList, key: &str| match (reads.paginated, site.paginate_by(task, &self.reads)) {
            (false, _) => {}
            (true, Some(_)) => part(keys, key, site.listed_pages(task), site.pager_places(task, &self.reads)),
            (true, None) => whole(keys, key),
        };
        let ancestors = |keys: &mut KeyList, s: usize| {
            for a in site.ancestry(s) {
                keys.key(&["s:", &site.sections[a].file.rel_path]);
            }
        };
        keys.key(&["nav"]);
        let c = &site.config;
        for page in [&c.red_flags_page, &c.disclaimer_page].into_iter().flatten() {
            // Every output links to the red-flags page and the disclaimer when they are configured.
            keys.key(&["url:", page.trim_start_matches("@/").split('#').next().unwrap_or_default()]);
        }
        match task {
            Task::Page(i) => {
                let src = &site.pages[i].file.rel_path;
                keys.key(&["p:", src]);
                keys.key(&["c:", src]);
                // Its whole front matter, which its own page shows more of than any list (`sources`, `extra`).
                keys.key(&["f:", src]);
                let section = site.page_section[i];
                ancestors(&mut keys, section);
                let siblings = &site.section_pages[section];
                // A page standing in is in no list, and has no neighbours.
                let position = siblings.iter().position(|&p| p == i);
                let neighbours = position.into_iter().flat_map(|at| [(at.checked_sub(1), "before:"), (Some(at + 1), "after:")]).filter_map(|(p, side)| Some((*siblings.get(p?)?, side)));
                let neighbour_fields = readable(reads.neighbour_fields());
                for (p, side) in neighbours {
                    // Which page each neighbour is, and on which side, even if the template reads none of its
                    // fields (as for `{% if prev %}`): this key never changes, but another neighbour, or the same
                    // one on the other side, makes another key.
                    keys.key(&["n:", side, &site.pages[p].file.rel_path]);
                    page_fields(&mut keys, p, &neighbour_fields);
                }
            }
            Task::Section(i, _) => {
                ancestors(&mut keys, i);
                let key = format!("list:{}", site.sections[i].file.rel_path);
                pager(&mut keys, &key);
                listing(&mut keys, &key, &site.section_pages[i]);
                for &sub in &site.subsections[i] {
                    let src = &site.sections[sub].file.rel_path;
                    keys.key(&["s:", src]);
                    listing(&mut keys, &format!("list:{src}"), &site.section_pages[sub]);
                }
            }
            Task::TaxonomyList(t) => {
                ancestors(&mut keys, root);
                keys.key(&["tax:", &site.taxonomies[t].name]);
            }
            Task::Term(t, j, _) => {
                ancestors(&mut keys, root);
                let term = &site.taxonomies[t].terms[j];
                let key = format!("term:{}/{}", site.taxonomies[t].name, term.slug);
                // The term's name as shown: the spelling of its newest page.
                keys.key(&[&key, "#name"]);
                pager(&mut keys, &key);
                listing(&mut keys, &key, &term.pages);
            }
            Task::NotFound => ancestors(&mut keys, root),
        }
        keys
    }

    /// Renders one task; `markdown` is the rendered Markdown of its page or section. With the output comes
    /// its scan for ids and links where the content's part of it is known (see `check::scan_around`); other
    /// outputs are scanned whole when their links are checked.
    pub fn render(&self, task: Task, markdown: Option<&Rendered>) -> Result<(String, Option<Scan>), Problem> {
        let site = self.site;
        let template = site.template(task);
        let rendered = || markdown.expect("pages and sections are rendered with their Markdown");
        let (mut context, what) = match task {
            Task::Page(i) => (self.page_context(i, rendered()), site.pages[i].file.display_path()),
            Task::Section(i, _) => (self.section_context(task, rendered()), site.sections[i].file.display_path()),
            Task::TaxonomyList(t) => (self.taxonomy_list_context(t), format!("`{}`", site.output_path(task))),
            Task::Term(..) => (self.term_context(task), format!("`{}`", site.output_path(task))),
            Task::NotFound => (self.not_found_context(), "`404.html`".to_owned()),
        };
        if let Some(menu) = self.menu(&context.menu_marks)? {
            context.insert("nav_html", menu.as_str());
        }
        let content = ["page", "section"].into_iter().find_map(|key| context.get(key)?.get("content")?.as_str());
        // The theme's frame around the content is a few KiB, and each listed page a few hundred bytes.
        let capacity = 16 * 1024 + content.map_or(0, str::len) + 512 * site.listing_size(task, &self.reads);
        let text = templates::render(self.tera, &site.templates, template, &context.context, &what, capacity)?;
        // Where the Markdown's ids and links are known, only the text around the content is scanned.
        let scan = markdown.zip(content).and_then(|(m, content)| check::scan_around(&text, content, m.content_ids.as_deref()?));
        #[cfg(debug_assertions)]
        if let (Some(scan), Some(m), Some(content)) = (&scan, markdown, content) {
            check::assert_scan_around(&text, content, scan, m.links.iter().map(|l| l.href.as_str()));
        }
        Ok((text, scan))
    }

    /// The menu's entries as an output at site path `path` sees them, and how they are marked.
    fn nav(&self, path: &str) -> (Vec<u8>, Arc<Value>) {
        // `current`: the entry holds the output; `aria_current`, the attribute's value: "page" on the entry's
        // own page, "true" on a page inside it.
        let marked = |entry: &str| {
            let inside = !entry.is_empty() && path.starts_with(entry);
            let aria_current = if entry == path { Some("page") } else { inside.then_some("true") };
            (inside, aria_current)
        };
        let marks: Vec<u8> = self.nav.iter().map(|(_, _, p)| marked(p)).map(|(inside, aria)| u8::from(aria.is_some()) + u8::from(aria == Some("page")) + 3 * u8::from(inside)).collect();
        let mut menus = self.menus.0.lock().expect("not poisoned");
        if let Some(menu) = menus.get(&marks) {
            return (marks, menu.nav.clone());
        }
        // Made once for each marking, so the marks are worked out again here rather than kept for every output.
        let nav = self.nav.iter().map(|(title, url, p)| {
            let (inside, aria_current) = marked(p);
            json!({"title": title, "url": url, "current": inside, "aria_current": aria_current})
        });
        let nav = Arc::new(Value::Array(nav.collect()));
        menus.insert(marks.clone(), Menu { nav: nav.clone(), html: None });
        (marks, nav)
    }

    /// `partials/nav.html` rendered for entries marked `marks` (none without the template), once for all.
    fn menu(&self, marks: &[u8]) -> Result<Option<Arc<String>>, Problem> {
        let site = self.site;
        if site.templates.source(NAV_TEMPLATE).is_none() {
            return Ok(None);
        }
        let Menu { nav, html } = self.menus.0.lock().expect("not poisoned").get(marks).expect("the context made the entries").clone();
        if let Some(html) = html {
            return Ok(Some(html));
        }
        let mut menu_context = Context::new();
        menu_context.insert_shared("site", self.site_value.clone());
        menu_context.insert_shared("nav", nav);
        let html = templates::render(self.tera, &site.templates, NAV_TEMPLATE, &menu_context, "the menu", 4096)
            .map_err(|problem| problem.help("check the name: the menu sees only `site` and `nav` (it is rendered once for all pages marked alike), so show anything else from `base.html`"))?;
        let html = Arc::new(html);
        self.menus.0.lock().expect("not poisoned").get_mut(marks).expect("made above").html = Some(html.clone());
        Ok(Some(html))
    }

    /// Context values every template gets.
    fn base_context(&self, path: &str, title: Option<&str>, description: Option<&str>, crumbs: &[(String, String)], json_ld: Vec<jsonld::Node>) -> Vars {
        let site = self.site;
        let (menu_marks, nav) = self.nav(path);
        let mut context = Vars { context: Context::new(), menu_marks };
        context.share("site", self.site_value.clone());
        context.share("nav", nav);
        let breadcrumbs: Vec<Value> = crumbs.iter().map(|(t, p)| json!({"title": t, "url": site.url(p)})).collect();
        context.insert("breadcrumbs", breadcrumbs);
        context.insert("current_url", site.url(path));
        // A page that stands for every missing URL has no address of its own to call canonical.
        context.insert("current_permalink", (!crumbs.is_empty()).then(|| site.permalink(path)));
        context.insert("feed_url", site.permalink(crate::feeds::FEED));
        let page_title = match title {
            Some(title) if title != site.config.title => format!("{title} · {}", site.config.title),
            _ => site.config.title.clone(),
        };
        context.insert("page_title", page_title);
        context.insert("meta_description", description.filter(|d| !d.is_empty()).unwrap_or(&site.config.description));
        let absolute: Vec<(String, String)> = crumbs.iter().map(|(t, p)| (t.clone(), site.permalink(p))).collect();
        let mut nodes = json_ld;
        if !absolute.is_empty() {
            nodes.push(jsonld::breadcrumb_list(&absolute));
        }
        context.insert("json_ld", if nodes.is_empty() { String::new() } else { jsonld::script(&nodes) });
        context.insert("red_flags_url", site.config.red_flags_page.as_deref().and_then(|v| site.config_url(v)));
        context.insert("disclaimer_url", site.config.disclaimer_page.as_deref().and_then(|v| site.config_url(v)));
        context
    }

    /// Home, then each ancestor section, as (title, site path).
    fn crumbs_to_section(&self, section: usize) -> Vec<(String, String)> {
        let site = self.site;
        site.ancestry(section)
            .into_iter()
            .map(|s| {
                let title = if site.sections[s].dir.is_empty() { "Home".to_owned() } else { site.sections[s].meta.title.clone() };
                (title, site.sections[s].path.clone())
            })
            .collect()
    }

    fn article<'b>(&'b self, title: &'b str, description: Option<&'b str>, url: &'b str, dates: [Option<String>; 3]) -> Article<'b> {
        let c = &self.site.config;
        let publisher = if c.author.is_empty() { &c.title } else { &c.author };
        let [date, updated, last_reviewed] = dates;
        Article { title, description, url, language: &c.language, date, updated, last_reviewed, publisher, home: &c.base_url }
    }

    fn page_context(&self, i: usize, rendered: &Rendered) -> Vars {
        let site = self.site;
        let page = &site.pages[i];
        let m = &page.meta;
        let section = site.page_section[i];
        let mut crumbs = self.crumbs_to_section(section);
        crumbs.push((m.title.clone(), page.path.clone()));
        let permalink = site.permalink(&page.path);
        let dates = [m.date, m.updated, m.last_reviewed].map(|d| d.map(|d| d.to_string()));
        let article = self.article(&m.title, m.description.as_deref(), &permalink, dates);
        let mut nodes = vec![jsonld::medical_web_page(&article)];
        if let (Some(stretch), Some(image)) = (&m.stretch, site.stretch_image(i)) {
            nodes.push(jsonld::how_to(&article, stretch, site.permalink(&image)));
        }
        let mut context = self.base_context(&page.path, Some(&m.title), m.description.as_deref(), &crumbs, nodes);

        // The page as its template sees it: only the fields the template can read, as for the summaries it
        // shows, so that it takes less to build, to look up in and to drop (the default page template reads 8
        // of the 19).
        let fields = self.reads(Task::Page(i)).fields();
        let reads = |name: &str| fields.is_none_or(|fields| fields.contains(name));
        let mut value = self.summaries.get(i).value(fields);
        let object = value.as_object_mut().expect("summary is an object");
        // The stored HTML is taken whether or not the template shows it: the page is rendered once.
        let stored = self.page_html.map(|store| std::mem::take(&mut *store[i].lock().expect("not poisoned")));
        if reads("content") {
            object.insert("content".into(), stored.unwrap_or_else(|| rendered.html.clone()).into());
        }
        let mut insert = |name: &str, value: &dyn Fn() -> Value| {
            if reads(name) {
                object.insert(name.into(), value());
            }
        };
        insert("toc", &|| json!(rendered.toc));
        insert("draft", &|| m.draft.into());
        insert("slug", &|| page.path.trim_end_matches('/').rsplit('/').next().into());
        insert("sources", &|| json!(m.sources));
        insert("extra", &|| json!(m.extra));
        context.insert("page", value);
        let s = &site.sections[section];
        context.insert("section", json!({"title": s.meta.title, "url": site.url(&s.path), "description": s.meta.description}));
        let siblings = &site.section_pages[section];
        // A page standing in is in no list, and has no neighbours.
        let position = siblings.iter().position(|&p| p == i);
        // The neighbours' summaries, with the fields the template can read of them.
        let fields = self.reads(Task::Page(i)).neighbour_fields();
        let neighbour = |p: Option<&usize>| p.map_or(Value::Null, |&p| self.summaries.get(p).value(fields));
        context.insert("prev", neighbour(position.and_then(|at| at.checked_sub(1)).map(|p| &siblings[p])));
        context.insert("next", neighbour(position.and_then(|at| siblings.get(at + 1))));
        context
    }

    fn section_context(&self, task: Task, rendered: &Rendered) -> Vars {
        let Task::Section(i, _) = task else { unreachable!("a section task") };
        let site = self.site;
        let section = &site.sections[i];
        let m = &section.meta;
        let crumbs = self.crumbs_to_section(i);
        let path = site.task_path(task);
        let permalink = site.permalink(&path);
        let title = self.pager_title(task, &m.title);
        let node = if section.dir.is_empty() {
            jsonld::website(&site.config.title, permalink.clone(), &site.config.description, &site.config.language)
        } else {
            jsonld::collection_page(&title, permalink.clone(), m.description.as_deref())
        };
        let mut context = self.base_context(&path, Some(&title), m.description.as_deref(), &crumbs, vec![node]);
        let mut value = self.sections.value(i, self.reads(task));
        value["content"] = rendered.html.as_str().into();
        context.insert("section", value);
        if let Some(paginator) = self.paginator(task) {
            context.insert("paginator", paginator);
        }
        context
    }

    /// A listing's title, with the page of its list for all but the first: "Sitting, page 2 of 5".
    fn pager_title(&self, task: Task, title: &str) -> String {
        match task {
            Task::Section(_, k) | Task::Term(_, _, k) if k > 0 => format!("{title}, page {} of {}", k + 1, self.site.pagers(task, &self.reads)),
            _ => title.to_owned(),
        }
    }

    /// `paginator`, for a listing whose template uses it: the part of the list this page shows, which page of
    /// how many it is, and the URLs of the others. Named as in Zola.
    fn paginator(&self, task: Task) -> Option<Value> {
        let reads = self.reads(task);
        if !reads.paginated {
            return None;
        }
        let site = self.site;
        let (Task::Section(_, k) | Task::Term(_, _, k)) = task else { return None };
        let list_path = site.list_path(task);
        let count = site.pagers(task, &self.reads);
        let url = |k: usize| Value::from(site.url(&pager_path(&list_path, k)));
        let listed = site.listed_pages(task).len();
        let pages: Vec<Value> = site.pager_pages(task, &self.reads).iter().map(|&p| self.summaries.get(p).value(reads.fields())).collect();
        let mut next_unshown = 0;
        let pagers: Vec<Value> = pager_window(k, count)
            .into_iter()
            .map(|n| {
                let gap_before = n > next_unshown;
                next_unshown = n + 1;
                object([("number", (n + 1).into()), ("url", url(n)), ("current", (n == k).into()), ("gap_before", gap_before.into())])
            })
            .collect();
        Some(object([
            ("pages", pages.into()),
            ("current_index", (k + 1).into()),
            ("number_pagers", count.into()),
            ("paginate_by", site.paginate_by(task, &self.reads).unwrap_or(listed).into()),
            ("total_pages", listed.into()),
            ("first", url(0)),
            ("last", url(count - 1)),
            ("previous", if k > 0 { url(k - 1) } else { Value::Null }),
            ("next", if k + 1 < count { url(k + 1) } else { Value::Null }),
            ("pagers", pagers.into()),
        ]))
    }

    fn taxonomy_crumbs(&self, t: usize) -> (String, String, Vec<(String, String)>) {
        let taxonomy = &self.site.taxonomies[t];
        let list_path = format!("{}/", taxonomy.name);
        // `body-parts` is "Body parts".
        let title = capitalize(&taxonomy.name.replace('-', " "));
        let mut crumbs = self.crumbs_to_section(self.site.root_section());
        crumbs.push((title.clone(), list_path.clone()));
        (list_path, title, crumbs)
    }

    fn taxonomy_list_context(&self, t: usize) -> Vars {
        let site = self.site;
        let taxonomy = &site.taxonomies[t];
        let (list_path, title, crumbs) = self.taxonomy_crumbs(t);
        let node = jsonld::collection_page(&title, site.permalink(&list_path), None);
        let mut context = self.base_context(&list_path, Some(&title), None, &crumbs, vec![node]);
        let terms: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|t| json!({"name": t.name, "slug": t.slug, "url": site.url(&format!("{list_path}{}/", t.slug)), "count": t.pages.len()}))
            .collect();
        context.insert("taxonomy", json!({"name": taxonomy.name, "title": title, "url": site.url(&list_path)}));
        context.insert("terms", terms);
        context
    }

    fn term_context(&self, task: Task) -> Vars {
        let Task::Term(t, j, _) = task else { unreachable!("a term task") };
        let site = self.site;
        let taxonomy = &site.taxonomies[t];
        let term = &taxonomy.terms[j];
        let (list_path, title, mut crumbs) = self.taxonomy_crumbs(t);
        let term_path = site.list_path(task);
        crumbs.push((term.name.clone(), term_path.clone()));
        let path = site.task_path(task);
        let page_title = self.pager_title(task, &term.name);
        let node = jsonld::collection_page(&page_title, site.permalink(&path), None);
        let description = if taxonomy.name == "tags" { format!("Articles about {}", term.name) } else { format!("Articles filed under {} in {}", term.name, title.to_lowercase()) };
        let mut context = self.base_context(&path, Some(&page_title), Some(&description), &crumbs, vec![node]);
        let pages = listing(&term.pages, |p| self.summaries.get(p), self.reads(task));
        context.insert("taxonomy", json!({"name": taxonomy.name, "title": title, "url": site.url(&list_path)}));
        context.insert("term", object([("name", term.name.as_str().into()), ("slug", term.slug.as_str().into()), ("url", site.url(&term_path).into()), ("pages", pages.into())]));
        if let Some(paginator) = self.paginator(task) {
            context.insert("paginator", paginator);
        }
        context
    }

    /// The 404 page has no breadcrumb trail, canonical URL or structured data: it is not a place in the site.
    fn not_found_context(&self) -> Vars {
        self.base_context("404.html", Some("Page not found"), None, &[], Vec::new())
    }
}

/// A listing of `pages` as a template that `reads` it sees it: each page's summary with only the fields the
/// template can read (see `Summary::value`), and past the first pages it looks at, nulls in their place, so
/// that the list keeps its length.
fn listing(pages: &[usize], summary: impl Fn(usize) -> Arc<Summary>, reads: &Reads) -> Vec<Value> {
    let shown = reads.listed.map_or(pages.len(), |n| n.min(pages.len()));
    let mut list: Vec<Value> = pages[..shown].iter().map(|&p| summary(p).value(reads.fields())).collect();
    list.resize(pages.len(), Value::Null);
    list
}

/// An object from values moved in (`json!` serializes each value anew, copying it).
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pager_links_the_ends_and_its_neighbours_and_skips_no_single_page() {
        assert_eq!(pager_window(0, 1), [0]);
        assert_eq!(pager_window(2, 5), [0, 1, 2, 3, 4]);
        assert_eq!(pager_window(0, 12), [0, 1, 11]);
        assert_eq!(pager_window(2, 12), [0, 1, 2, 3, 11]);
        assert_eq!(pager_window(3, 12), [0, 1, 2, 3, 4, 11], "page 2 rather than a gap of one");
        assert_eq!(pager_window(4, 12), [0, 3, 4, 5, 11]);
        assert_eq!(pager_window(9, 12), [0, 8, 9, 10, 11]);
        assert_eq!(pager_window(11, 12), [0, 10, 11]);
        assert!(pager_window(0, 0).is_empty());
        for count in 1..40 {
            for current in 0..count {
                let shown = pager_window(current, count);
                assert!(shown.contains(&0) && shown.contains(&current) && shown.contains(&(count - 1)), "{current} of {count}: {shown:?}");
                assert!(shown.windows(2).all(|w| w[1] > w[0] && w[1] != w[0] + 2), "{current} of {count}: {shown:?}");
                assert!(shown.len() <= 7, "{current} of {count}: {shown:?}");
            }
        }
    }
}
