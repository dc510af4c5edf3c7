//! Rendering: Markdown for every page and section (in parallel, after the whole site is loaded so links
//! resolve), then the templates, then the generated files. The result is the complete list of output files,
//! in memory, ready for link checking and writing.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Value, json};
use tera::{Context, Tera};

use crate::content::SourceFile;
use crate::diagnostics::Problem;
use crate::feeds::{self, FeedEntry, SitemapEntry};
use crate::jsonld::{self, Article};
use crate::markdown::{self, Rendered, SiteLinks};
use crate::site::{Site, StaticSource};
use crate::templates::{self, Lookup};

/// One file of the built site.
pub struct Output {
    /// Site-relative path: `stretches/x/index.html`.
    pub path: String,
    pub body: Body,
}

pub enum Body {
    /// An HTML page; `template` names the template that produced it, `markdown_hrefs` the hrefs that came
    /// from Markdown (already checked with source positions).
    Html { text: String, template: Option<String>, source: Option<String>, markdown_hrefs: Vec<String> },
    Text(String),
    Static(StaticSource),
}

/// Everything `render` produces: the outputs and, per page and section, the Markdown results (kept for link
/// checking and for incremental rebuilds).
pub struct RenderedSite {
    pub outputs: Vec<Output>,
    pub pages: Vec<Rendered>,
    pub sections: Vec<Rendered>,
}

struct MarkdownLinks<'a> {
    site: &'a Site,
    tera: &'a Tera,
    site_value: &'a Value,
    page_by_source: HashMap<&'a str, usize>,
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
    fn stretch_card(&self, source_path: &str) -> Result<String, String> {
        let &i = self.page_by_source.get(source_path).ok_or_else(|| format!("stretch-card: no page `@/{source_path}`"))?;
        let page = &self.site.pages[i];
        if page.meta.stretch.is_none() {
            return Err(format!("stretch-card: `content/{source_path}` has no `stretch` front matter"));
        }
        let mut context = Context::new();
        context.insert("site", self.site_value);
        context.insert("stretch", &stretch_value(self.site, i));
        context.insert("card_page", &card_summary(self.site, i));
        templates::render(self.tera, &self.site.templates, "partials/stretch-card.html", &context, &format!("the stretch card of content/{source_path}"))
            .map_err(|problem| problem.to_string().trim_end().to_owned())
    }
}

impl Site {
    pub fn site_value(&self) -> Value {
        let c = &self.config;
        json!({
            "title": c.title, "description": c.description, "language": c.language, "author": c.author,
            "base_url": c.base_url, "base_path": c.base_path(), "taxonomies": c.taxonomies,
            "repository": c.repository, "extra": c.extra,
        })
    }

    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_path())
    }

    /// Renders every page, section, taxonomy page and generated file.
    pub fn render(&self) -> Result<RenderedSite, Vec<Problem>> {
        let mut tera = self.templates.compile()?;
        let site_value = self.site_value();
        let links = MarkdownLinks {
            site: self,
            tera: &tera,
            site_value: &site_value,
            page_by_source: self.pages.iter().enumerate().map(|(i, p)| (p.file.rel_path.as_str(), i)).collect(),
        };
        let markdown = |file: &SourceFile, own_path: &str| {
            markdown::Render { site: &links, rel_path: &file.rel_path, display_path: &file.display_path(), file_text: &file.text, body_offset: file.body_offset, own_path }.render()
        };
        let (pages, sections) = rayon::join(
            || self.pages.par_iter().map(|p| markdown(&p.file, &p.path)).collect::<Vec<_>>(),
            || self.sections.par_iter().map(|s| markdown(&s.file, &s.path)).collect::<Vec<_>>(),
        );
        let mut problems: Vec<Problem> = Vec::new();
        let pages: Vec<Rendered> = pages.into_iter().map(|(r, mut p)| {
            problems.append(&mut p);
            r
        }).collect();
        let sections: Vec<Rendered> = sections.into_iter().map(|(r, mut p)| {
            problems.append(&mut p);
            r
        }).collect();
        self.check_config_links(&mut problems);

        let summaries: Vec<Value> = (0..self.pages.len()).map(|i| self.page_summary(i, &pages[i])).collect();
        let lookup = Arc::new(Lookup {
            base_url: self.config.base_url.clone(),
            base_path: self.config.base_path().to_owned(),
            urls: self.urls.clone(),
            pages: self.pages.iter().zip(&summaries).zip(&pages).map(|((p, s), r)| {
                let mut s = s.clone();
                s["toc"] = json!(r.toc);
                (p.file.rel_path.clone(), s)
            }).collect(),
            page_list: summaries.clone(),
            sections: (0..self.sections.len()).map(|i| (self.sections[i].file.rel_path.clone(), self.section_value(i, &sections[i], &summaries))).collect(),
        });
        templates::register_functions(&mut tera, lookup);
        let shared = Shared { site: self, tera: &tera, site_value, summaries, nav: self.nav() };

        let page_outputs: Vec<Result<Output, Problem>> = (0..self.pages.len()).into_par_iter().map(|i| shared.render_page(i, &pages[i])).collect();
        let section_outputs: Vec<Result<Output, Problem>> = (0..self.sections.len()).into_par_iter().map(|i| shared.render_section(i, &sections[i])).collect();
        let mut outputs = Vec::new();
        for result in page_outputs.into_iter().chain(section_outputs).chain(shared.render_taxonomies()).chain([shared.render_404()]) {
            match result {
                Ok(output) => outputs.push(output),
                Err(problem) => problems.push(problem),
            }
        }
        outputs.extend(self.generated_files(&pages));
        outputs.extend(self.static_files.iter().map(|f| Output { path: f.path.clone(), body: Body::Static(f.source.clone()) }));
        outputs.sort_by(|a, b| a.path.cmp(&b.path));
        if problems.is_empty() { Ok(RenderedSite { outputs, pages, sections }) } else { Err(problems) }
    }

    /// `red_flags_page` and `disclaimer_page` in site.yaml must name real content.
    fn check_config_links(&self, problems: &mut Vec<Problem>) {
        for (key, value) in [("red_flags_page", &self.config.red_flags_page), ("disclaimer_page", &self.config.disclaimer_page)] {
            if let Some(value) = value
                && self.config_url(value).is_none()
            {
                let source = std::fs::read_to_string(self.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
                problems.push(
                    Problem::new(crate::config::CONFIG_FILE, format!("`{key}`: no content file `{value}`"))
                        .at(&source, crate::config::key_line(&source, key), 1)
                        .help("write a path under content/, e.g. `safety/red-flags.md` or `about.md#disclaimer`"),
                );
            }
        }
    }

    fn config_url(&self, value: &str) -> Option<String> {
        let value = value.trim_start_matches("@/");
        let (path, fragment) = value.split_once('#').map_or((value, String::new()), |(p, f)| (p, format!("#{f}")));
        self.urls.get(path).map(|url| format!("{}{fragment}", self.url(url)))
    }

    fn reading_time(words: usize) -> usize {
        words.div_ceil(200).max(1)
    }

    fn taxonomy_refs(&self, i: usize) -> Value {
        let page = &self.pages[i];
        let mut map = serde_json::Map::new();
        for taxonomy in &self.taxonomies {
            let names: &[String] = if taxonomy.name == "tags" && !page.meta.tags.is_empty() { &page.meta.tags } else { page.meta.taxonomies.get(&taxonomy.name).map_or(&[], Vec::as_slice) };
            let refs: Vec<Value> = names
                .iter()
                .map(|name| json!({"name": name, "url": self.url(&format!("{}/{}/", taxonomy.name, crate::urls::slugify(name)))}))
                .collect();
            map.insert(taxonomy.name.clone(), refs.into());
        }
        Value::Object(map)
    }

    fn page_summary(&self, i: usize, rendered: &Rendered) -> Value {
        let page = &self.pages[i];
        let m = &page.meta;
        json!({
            "title": m.title, "description": m.description, "url": self.url(&page.path), "permalink": self.permalink(&page.path),
            "path": page.file.rel_path, "date": m.date, "updated": m.updated, "last_reviewed": m.last_reviewed,
            "weight": m.weight, "word_count": rendered.word_count, "reading_time": Self::reading_time(rendered.word_count),
            "taxonomies": self.taxonomy_refs(i), "stretch": stretch_value(self, i),
        })
    }

    fn section_value(&self, i: usize, rendered: &Rendered, summaries: &[Value]) -> Value {
        let section = &self.sections[i];
        let m = &section.meta;
        let pages: Vec<&Value> = self.section_pages[i].iter().map(|&p| &summaries[p]).collect();
        let subsections: Vec<Value> = self.subsections[i]
            .iter()
            .map(|&s| {
                let sub = &self.sections[s];
                let pages: Vec<&Value> = self.section_pages[s].iter().map(|&p| &summaries[p]).collect();
                json!({"title": sub.meta.title, "description": sub.meta.description, "url": self.url(&sub.path), "path": sub.file.rel_path, "pages": pages})
            })
            .collect();
        json!({
            "title": m.title, "description": m.description, "url": self.url(&section.path), "permalink": self.permalink(&section.path),
            "path": section.file.rel_path, "content": rendered.html, "toc": rendered.toc, "word_count": rendered.word_count,
            "reading_time": Self::reading_time(rendered.word_count), "last_reviewed": m.last_reviewed, "sources": m.sources,
            "pages": pages, "subsections": subsections, "extra": m.extra,
        })
    }

    /// The main menu: top-level sections, then root pages, each by weight then title.
    fn nav(&self) -> Vec<(String, String, String)> {
        let root = self.root_section();
        let sections = self.subsections[root].iter().map(|&s| (self.sections[s].meta.title.clone(), self.sections[s].path.clone()));
        let pages = self.section_pages[root].iter().map(|&p| (self.pages[p].meta.title.clone(), self.pages[p].path.clone()));
        sections.chain(pages).map(|(title, path)| (title, self.url(&path), path)).collect()
    }

    fn generated_files(&self, pages: &[Rendered]) -> Vec<Output> {
        let _ = pages;
        let mut entries: Vec<SitemapEntry> = Vec::new();
        for section in &self.sections {
            entries.push(SitemapEntry { permalink: self.permalink(&section.path), lastmod: section.meta.last_reviewed.map(|d| d.to_string()) });
        }
        for page in &self.pages {
            let m = &page.meta;
            let lastmod = [m.updated, m.last_reviewed, m.date].into_iter().flatten().max().map(|d| d.to_string());
            entries.push(SitemapEntry { permalink: self.permalink(&page.path), lastmod });
        }
        for taxonomy in &self.taxonomies {
            entries.push(SitemapEntry { permalink: self.permalink(&format!("{}/", taxonomy.name)), lastmod: None });
            for term in &taxonomy.terms {
                entries.push(SitemapEntry { permalink: self.permalink(&format!("{}/{}/", taxonomy.name, term.slug)), lastmod: None });
            }
        }
        entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));

        let mut dated: Vec<&crate::content::Page> = self.pages.iter().filter(|p| p.meta.date.is_some()).collect();
        dated.sort_by(|a, b| b.meta.date.cmp(&a.meta.date).then_with(|| a.meta.title.cmp(&b.meta.title)));
        let feed_entries: Vec<FeedEntry> = dated
            .iter()
            .take(50)
            .map(|p| {
                let published = p.meta.date.expect("filtered on date");
                let updated = [p.meta.updated, p.meta.last_reviewed].into_iter().flatten().max().map_or(published, |d| d.max(published));
                FeedEntry { title: p.meta.title.clone(), permalink: self.permalink(&p.path), summary: p.meta.description.clone(), published: published.rfc3339(), updated: updated.rfc3339() }
            })
            .collect();
        let c = &self.config;
        let feed = feeds::Feed { title: &c.title, subtitle: &c.description, author: &c.author, language: &c.language, site_url: &c.base_url, feed_url: &self.permalink("atom.xml") };

        let mut outputs = vec![
            Output { path: "sitemap.xml".into(), body: Body::Text(feeds::sitemap(&entries)) },
            Output { path: "atom.xml".into(), body: Body::Text(feeds::atom(&feed, &feed_entries)) },
            Output { path: "robots.txt".into(), body: Body::Text(feeds::robots(&self.permalink("sitemap.xml"))) },
            Output { path: ".nojekyll".into(), body: Body::Text(String::new()) },
        ];
        if let Some(cname) = &c.cname {
            outputs.push(Output { path: "CNAME".into(), body: Body::Text(format!("{}\n", cname.trim())) });
        }
        for page in &self.pages {
            for alias in &page.meta.aliases {
                let path = crate::urls::normalize(alias.trim_start_matches('/')).unwrap_or_default();
                let path = if path.ends_with(".html") { path } else { format!("{}/index.html", path.trim_end_matches('/')) };
                let text = feeds::redirect(&self.url(&page.path), &self.permalink(&page.path));
                outputs.push(Output { path, body: Body::Html { text, template: None, source: Some(page.file.display_path()), markdown_hrefs: Vec::new() } });
            }
        }
        outputs
    }
}

/// The stretch front matter with URLs and derived values, as templates see it (null when not a stretch page).
fn stretch_value(site: &Site, i: usize) -> Value {
    let Some(stretch) = &site.pages[i].meta.stretch else { return Value::Null };
    let mut value = serde_json::to_value(stretch).expect("front matter serializes");
    let image_path = stretch.image.trim_start_matches('/');
    let (w, h) = site.image_sizes.get(image_path).copied().map_or((Value::Null, Value::Null), |(w, h)| (w.into(), h.into()));
    value["image"] = site.url(image_path).into();
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

/// Read-only data shared by every template render of one build.
struct Shared<'a> {
    site: &'a Site,
    tera: &'a Tera,
    site_value: Value,
    summaries: Vec<Value>,
    /// (title, url, site path)
    nav: Vec<(String, String, String)>,
}

impl Shared<'_> {
    /// Context values every template gets.
    fn base_context(&self, path: &str, title: Option<&str>, description: Option<&str>, crumbs: &[(String, String)], json_ld: Vec<Value>) -> Context {
        let site = self.site;
        let mut context = Context::new();
        context.insert("site", &self.site_value);
        let nav: Vec<Value> = self
            .nav
            .iter()
            .map(|(t, url, p)| json!({"title": t, "url": url, "current": !p.is_empty() && path.starts_with(p.as_str())}))
            .collect();
        context.insert("nav", &nav);
        let breadcrumbs: Vec<Value> = crumbs.iter().map(|(t, p)| json!({"title": t, "url": site.url(p)})).collect();
        context.insert("breadcrumbs", &breadcrumbs);
        context.insert("current_url", &site.url(path));
        context.insert("current_permalink", &site.permalink(path));
        let page_title = match title {
            Some(title) if title != site.config.title => format!("{title} · {}", site.config.title),
            _ => site.config.title.clone(),
        };
        context.insert("page_title", &page_title);
        context.insert("meta_description", description.filter(|d| !d.is_empty()).unwrap_or(&site.config.description));
        let absolute: Vec<(String, String)> = crumbs.iter().map(|(t, p)| (t.clone(), site.permalink(p))).collect();
        let mut nodes = json_ld;
        nodes.push(jsonld::breadcrumb_list(&absolute));
        context.insert("json_ld", &jsonld::script(nodes));
        context.insert("red_flags_url", &site.config.red_flags_page.as_deref().and_then(|v| site.config_url(v)));
        context.insert("disclaimer_url", &site.config.disclaimer_page.as_deref().and_then(|v| site.config_url(v)));
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

    fn article<'b>(&'b self, title: &'b str, description: Option<&'b str>, url: &'b str, meta: (Option<String>, Option<String>, Option<String>)) -> Article<'b> {
        let c = &self.site.config;
        let publisher = if c.author.is_empty() { &c.title } else { &c.author };
        Article { title, description, url, language: &c.language, date: meta.0, updated: meta.1, last_reviewed: meta.2, publisher }
    }

    fn render_page(&self, i: usize, rendered: &Rendered) -> Result<Output, Problem> {
        let site = self.site;
        let page = &site.pages[i];
        let m = &page.meta;
        let section = page_section(site, i);
        let mut crumbs = self.crumbs_to_section(section);
        crumbs.push((m.title.clone(), page.path.clone()));
        let permalink = site.permalink(&page.path);
        let dates = (m.date.map(|d| d.to_string()), m.updated.map(|d| d.to_string()), m.last_reviewed.map(|d| d.to_string()));
        let article = self.article(&m.title, m.description.as_deref(), &permalink, dates);
        let mut nodes = vec![jsonld::medical_web_page(&article)];
        if let Some(stretch) = &m.stretch {
            nodes.push(jsonld::how_to(&article, stretch, &site.permalink(stretch.image.trim_start_matches('/'))));
        }
        let mut context = self.base_context(&page.path, Some(&m.title), m.description.as_deref(), &crumbs, nodes);

        let mut value = self.summaries[i].clone();
        let object = value.as_object_mut().expect("summary is an object");
        object.insert("content".into(), rendered.html.clone().into());
        object.insert("toc".into(), json!(rendered.toc));
        object.insert("draft".into(), m.draft.into());
        object.insert("slug".into(), page.path.trim_end_matches('/').rsplit('/').next().into());
        object.insert("sources".into(), json!(m.sources));
        object.insert("extra".into(), json!(m.extra));
        context.insert("page", &value);
        let s = &site.sections[section];
        context.insert("section", &json!({"title": s.meta.title, "url": site.url(&s.path), "description": s.meta.description}));
        let siblings = &site.section_pages[section];
        let position = siblings.iter().position(|&p| p == i).expect("a page is listed in its section");
        context.insert("prev", &position.checked_sub(1).map(|p| &self.summaries[siblings[p]]));
        context.insert("next", &siblings.get(position + 1).map(|&p| &self.summaries[p]));

        let template = m.template.clone().or_else(|| s.meta.page_template.clone()).unwrap_or_else(|| "page.html".to_owned());
        let text = templates::render(self.tera, &site.templates, &template, &context, &page.file.display_path())?;
        Ok(html_output(format!("{}index.html", page.path), text, template, Some(page.file.display_path()), rendered))
    }

    fn render_section(&self, i: usize, rendered: &Rendered) -> Result<Output, Problem> {
        let site = self.site;
        let section = &site.sections[i];
        let m = &section.meta;
        let crumbs = self.crumbs_to_section(i);
        let permalink = site.permalink(&section.path);
        let is_home = section.dir.is_empty();
        let node = if is_home {
            jsonld::website(&site.config.title, &permalink, &site.config.description, &site.config.language)
        } else {
            jsonld::collection_page(&m.title, &permalink, m.description.as_deref())
        };
        let mut context = self.base_context(&section.path, Some(&m.title), m.description.as_deref(), &crumbs, vec![node]);
        context.insert("section", &site.section_value(i, rendered, &self.summaries));
        let template = m.template.clone().unwrap_or_else(|| if is_home { "index.html" } else { "section.html" }.to_owned());
        let text = templates::render(self.tera, &site.templates, &template, &context, &section.file.display_path())?;
        Ok(html_output(format!("{}index.html", section.path), text, template, Some(section.file.display_path()), rendered))
    }

    fn render_taxonomies(&self) -> Vec<Result<Output, Problem>> {
        let site = self.site;
        let home = self.crumbs_to_section(site.root_section());
        let mut outputs = Vec::new();
        for taxonomy in &site.taxonomies {
            let list_path = format!("{}/", taxonomy.name);
            let title = capitalize(&taxonomy.name);
            let taxonomy_value = json!({"name": taxonomy.name, "title": title, "url": site.url(&list_path)});
            let mut crumbs = home.clone();
            crumbs.push((title.clone(), list_path.clone()));
            let node = jsonld::collection_page(&title, &site.permalink(&list_path), None);
            let mut context = self.base_context(&list_path, Some(&title), None, &crumbs, vec![node]);
            let terms: Vec<Value> = taxonomy
                .terms
                .iter()
                .map(|t| json!({"name": t.name, "slug": t.slug, "url": site.url(&format!("{list_path}{}/", t.slug)), "count": t.pages.len()}))
                .collect();
            context.insert("taxonomy", &taxonomy_value);
            context.insert("terms", &terms);
            outputs.push(self.render_generated("taxonomy_list.html", format!("{list_path}index.html"), &context));
            for term in &taxonomy.terms {
                let term_path = format!("{list_path}{}/", term.slug);
                let mut crumbs = crumbs.clone();
                crumbs.push((term.name.clone(), term_path.clone()));
                let node = jsonld::collection_page(&term.name, &site.permalink(&term_path), None);
                let description = format!("Articles about {}", term.name);
                let mut context = self.base_context(&term_path, Some(&term.name), Some(&description), &crumbs, vec![node]);
                let pages: Vec<&Value> = term.pages.iter().map(|&p| &self.summaries[p]).collect();
                context.insert("taxonomy", &taxonomy_value);
                context.insert("term", &json!({"name": term.name, "slug": term.slug, "url": site.url(&term_path), "pages": pages}));
                outputs.push(self.render_generated("taxonomy_term.html", format!("{term_path}index.html"), &context));
            }
        }
        outputs
    }

    fn render_404(&self) -> Result<Output, Problem> {
        let crumbs = self.crumbs_to_section(self.site.root_section());
        let context = self.base_context("404.html", Some("Page not found"), None, &crumbs, Vec::new());
        self.render_generated("404.html", "404.html".to_owned(), &context)
    }

    fn render_generated(&self, template: &str, path: String, context: &Context) -> Result<Output, Problem> {
        let text = templates::render(self.tera, &self.site.templates, template, context, &format!("`{path}`"))?;
        Ok(Output { path, body: Body::Html { text, template: Some(template.to_owned()), source: None, markdown_hrefs: Vec::new() } })
    }
}

fn page_section(site: &Site, i: usize) -> usize {
    site.page_section[i]
}

fn html_output(path: String, text: String, template: String, source: Option<String>, rendered: &Rendered) -> Output {
    let markdown_hrefs = rendered.links.iter().map(|l| l.href.clone()).collect();
    Output { path, body: Body::Html { text, template: Some(template), source, markdown_hrefs } }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}
