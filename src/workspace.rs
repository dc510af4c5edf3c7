//! The state watch mode keeps between rebuilds: the last good build (site model and rendered outputs), and
//! the changes not yet built. A rebuild re-reads only the files that changed, re-renders only what depends on
//! them (see `render`), and writes only the files whose bytes changed; a failed rebuild keeps the last good
//! build, on disk and in memory, and its changes stay pending until a rebuild succeeds.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};

use crate::content::{self, Reuse};
use crate::diagnostics::Problems;
use crate::ignore::Ignore;
use crate::output::{self, MARKER};
use crate::render::{Body, Output, Previous, RenderStats, RenderedSite};
use crate::site::{self, Site, StaticSource};
use crate::templates::TemplateSet;

/// What changed on disk since the last successful build.
#[derive(Debug, Default, Clone)]
pub struct Changes {
    pub config: bool,
    pub templates: bool,
    /// Paths relative to `content/`.
    pub content: HashSet<String>,
    /// Paths relative to `static/`.
    pub static_files: HashSet<String>,
    /// Site paths of files other than Markdown kept under content/ (also in `content`, by their path there).
    pub assets: HashSet<String>,
    /// Paths relative to `templates/` of the files behind `templates` (none for the folder itself).
    pub template_files: HashSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.config && !self.templates && self.content.is_empty() && self.static_files.is_empty() && self.assets.is_empty()
    }

    /// Adds `other`'s changes to these.
    pub fn merge(&mut self, other: &Changes) {
        self.config |= other.config;
        self.templates |= other.templates;
        self.content.extend(other.content.iter().cloned());
        self.static_files.extend(other.static_files.iter().cloned());
        self.assets.extend(other.assets.iter().cloned());
        self.template_files.extend(other.template_files.iter().cloned());
    }

    /// A change to `content/<inner>` (a file, or a folder whose files are read again; `""` for all of it).
    pub fn add_content(&mut self, inner: String) {
        // A file other than Markdown is published as it is, as a static file is; a folder event names no
        // file, and may hold either: rescanning finds whatever is in it now.
        if !inner.ends_with(".md") {
            self.assets.insert(content::asset_path(&inner));
            self.assets.insert(content::folder_url(&inner));
        }
        self.content.insert(inner);
    }

    /// Drops the changes to files that `ignore` leaves out of the site (a change of `site.yaml`, which may
    /// change `ignore` itself, keeps them all).
    pub fn drop_ignored(&mut self, ignore: &Ignore) {
        if self.config || ignore.is_empty() {
            return;
        }
        let kept = |top: &str, inner: &String| inner.is_empty() || ignore.pattern_for(&format!("{top}/{inner}")).is_none();
        self.static_files.retain(|inner| kept(site::STATIC_DIR, inner));
        if self.templates && !self.template_files.is_empty() && !self.template_files.iter().any(|inner| kept(crate::templates::TEMPLATES_DIR, inner)) {
            self.templates = false;
            self.template_files.clear();
        }
        let content: Vec<String> = self.content.drain().filter(|inner| kept(content::CONTENT_DIR, inner)).collect();
        self.assets.clear();
        for inner in content {
            self.add_content(inner);
        }
    }

    /// Site paths of the files copied as they are (from static/ or content/) that changed.
    fn copied(&self) -> HashSet<String> {
        self.static_files.union(&self.assets).cloned().collect()
    }
}

/// What one build did, for the terminal.
#[derive(Debug, Clone)]
pub struct Report {
    pub full: bool,
    pub pages: usize,
    pub sections: usize,
    pub terms: usize,
    pub stats: RenderStats,
    pub written: usize,
    pub removed: usize,
    pub elapsed: Duration,
}

struct Built {
    site: Site,
    rendered: RenderedSite,
}

pub struct Workspace {
    root: PathBuf,
    output: PathBuf,
    base_url: Option<String>,
    drafts: bool,
    last: Option<Built>,
    pending: Changes,
}

impl Workspace {
    pub fn new(root: &Path, output: &Path, base_url: Option<String>, drafts: bool) -> Result<Workspace> {
        let output = output::check_output_dir(root, output)?;
        Ok(Workspace { root: root.to_owned(), output, base_url, drafts, last: None, pending: Changes::default() })
    }

    pub fn output(&self) -> &Path {
        &self.output
    }

    /// The files the last good build's `ignore` leaves out: their changes need no rebuild.
    pub fn ignore(&self) -> Option<&Ignore> {
        self.last.as_ref().map(|built| &built.site.config.ignore)
    }

    /// Builds everything from scratch and replaces the output folder.
    pub fn build_all(&mut self) -> Result<Report> {
        let start = Instant::now();
        let site = Site::load(&self.root, self.base_url.as_deref(), self.drafts).map_err(|p| Problems(p).sorted())?;
        // Pages go into a staging folder as they are rendered; it replaces the output only if every check passes.
        let staging = output::Staging::new(&self.output)?;
        let rendered = site.render_writing(&staging).map_err(|p| Problems(p).sorted())?;
        check(&site, &rendered, None)?;
        staging.write_outputs(&rendered.outputs)?;
        staging.swap_in()?;
        let written = rendered.outputs.len();
        self.pending = Changes::default();
        Ok(self.finish(site, rendered, true, written, 0, start))
    }

    /// Applies `changes` (plus any left pending by a failed rebuild) incrementally; a config change, or no
    /// previous build, means a full build.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Report> {
        self.pending.merge(changes);
        let pending = self.pending.clone();
        match &self.last {
            // The output folder removed (or its marker) since the last build: a rebuild would write only what
            // changed into an empty folder.
            Some(_) if !self.output.join(output::MARKER).is_file() => self.build_all(),
            Some(_) if !pending.config => self.rebuild_incrementally(&pending),
            Some(_) => self.rebuild_everything(&pending),
            None => self.build_all(),
        }
    }

    /// Renders everything again (site.yaml changed: anything may), and writes only the files whose bytes
    /// changed, as an incremental rebuild does: a change that renders the same site writes nothing.
    fn rebuild_everything(&mut self, changes: &Changes) -> Result<Report> {
        let start = Instant::now();
        let last = self.last.as_ref().expect("checked by the caller");
        let site = Site::load(&self.root, self.base_url.as_deref(), self.drafts).map_err(|p| Problems(p).sorted())?;
        let rendered = site.render().map_err(|p| Problems(p).sorted())?;
        check(&site, &rendered, None)?;
        let written = write_changes(&self.output, &last.rendered.outputs, &rendered.outputs, &changes.copied());
        let (written, removed) = self.written(written)?;
        self.pending = Changes::default();
        Ok(self.finish(site, rendered, true, written, removed, start))
    }

    fn rebuild_incrementally(&mut self, changes: &Changes) -> Result<Report> {
        let start = Instant::now();
        let copied = changes.copied();
        let last = self.last.as_ref().expect("checked by the caller");
        let old = &last.site;
        let templates = if changes.templates { TemplateSet::load(&self.root, &old.config.ignore).map_err(|p| Problems(p).sorted())? } else { old.templates.clone() };
        let uses_theme = templates.dir.is_none();
        let mut image_problems = Vec::new();
        // A section's `_index.md`, or a page's `index.md`, may make it a draft or no longer one, and the files
        // kept in its folder with it.
        let drafts_may_change = changes.content.iter().any(|path| matches!(path.rsplit('/').next(), Some("_index.md" | "index.md")));
        let (static_files, image_sizes) = if copied.is_empty() && !drafts_may_change && uses_theme == old.templates.dir.is_none() {
            (old.static_files.clone(), old.image_sizes.clone())
        } else {
            let (files, clashes) = site::load_static(&self.root, &old.config.ignore, uses_theme, self.drafts).map_err(|p| Problems(p).sorted())?;
            let (sizes, problems) = crate::images::image_sizes(&files, Some((&old.image_sizes, &copied)));
            image_problems = problems;
            image_problems.extend(clashes);
            (files, sizes)
        };
        let reuse = Reuse { pages: &old.pages, sections: &old.sections, changed: &changes.content };
        let with_images = |mut problems: Vec<crate::diagnostics::Problem>| {
            problems.extend(image_problems.iter().cloned());
            Problems(problems).sorted()
        };
        let (content, mut others) = content::load_reusing(&self.root, self.drafts, &old.config.ignore, reuse).map_err(with_images)?;
        // A file whose front matter has a problem stands in as a plain page, and an image a browser cannot
        // show changes nothing else: the rebuild goes on, and reports them with the rest, as a full build does.
        others.append(&mut image_problems);
        let with_others = |mut problems: Vec<crate::diagnostics::Problem>| {
            problems.extend(others.iter().cloned());
            Problems(problems).sorted()
        };
        // Static files take part in the structure (URLs, collisions): only content-only changes keep it.
        let site = if copied.is_empty() && old.keeps_structure(&content, &templates) {
            old.with_pages(content, templates, static_files, image_sizes)
        } else {
            Site::assemble(&self.root, old.config.clone(), content, templates, static_files, image_sizes).map_err(with_others)?
        };
        let previous = Previous { site: old, rendered: &last.rendered, changed_static: &copied };
        let rendered = site.render_from(Some(&previous)).map_err(|found| with_others(found.into_iter().filter(|p| !site.from_stand_in(p)).collect()))?;
        let problems = crate::check::check_links_since(&site, &rendered, Some(&last.rendered));
        if !problems.is_empty() || !others.is_empty() {
            return Err(with_others(problems).into());
        }
        let written = write_changes(&self.output, &last.rendered.outputs, &rendered.outputs, &copied);
        let (written, removed) = self.written(written)?;
        self.pending = Changes::default();
        Ok(self.finish(site, rendered, false, written, removed, start))
    }

    /// What a rebuild wrote in place. A write that failed (a full disk, a folder made unwritable) may have
    /// left the output part old and part new: the next rebuild builds the whole site, and replaces it.
    fn written(&mut self, result: Result<(usize, usize)>) -> Result<(usize, usize)> {
        result.map_err(|error| {
            self.last = None;
            error.context("writing the output failed part way, so it is part old and part new: the next rebuild builds it whole")
        })
    }

    fn finish(&mut self, site: Site, rendered: RenderedSite, full: bool, written: usize, removed: usize, start: Instant) -> Report {
        let report = Report {
            full,
            pages: site.pages.len(),
            sections: site.sections.len(),
            terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
            stats: rendered.stats,
            written,
            removed,
            elapsed: start.elapsed(),
        };
        // Dropping the previous build frees a lot of small allocations: do it off the rebuild's path.
        if let Some(old) = self.last.replace(Built { site, rendered }) {
            std::thread::spawn(move || drop(old));
        }
        report
    }
}

fn check(site: &Site, rendered: &RenderedSite, previous: Option<&RenderedSite>) -> Result<()> {
    let problems = crate::check::check_links_since(site, rendered, previous);
    if problems.is_empty() { Ok(()) } else { Err(Problems(problems).sorted().into()) }
}

/// Writes the outputs that differ from the previous build and deletes those that disappeared. Each file is
/// written beside its destination and renamed over it, so a reader never sees half a file.
fn write_changes(output: &Path, old: &[Arc<Output>], new: &[Arc<Output>], changed_static: &HashSet<String>) -> Result<(usize, usize)> {
    use rayon::prelude::*;
    // Most rebuilds have the previous build's paths: each output's previous one is in its place.
    let aligned = old.len() == new.len() && old.iter().zip(new).all(|(a, b)| Arc::ptr_eq(a, b) || a.path == b.path);
    let old_by_path: crate::HashMap<&str, &Arc<Output>> = if aligned { Default::default() } else { old.iter().map(|o| (o.path.as_str(), o)).collect() };
    let previous_of = |i: usize, o: &Output| if aligned { Some(&old[i]) } else { old_by_path.get(o.path.as_str()).copied() };
    let to_write: Vec<&Arc<Output>> = new
        .par_iter()
        .enumerate()
        .filter(|&(i, o)| match previous_of(i, o) {
            Some(previous) if Arc::ptr_eq(previous, o) => false,
            Some(previous) => {
                let changed = o.with_bytes(|new_bytes| match new_bytes {
                    // The previous build's HTML was dropped once written: the file has its bytes.
                    Some(b) => previous.with_bytes(|old_bytes| match old_bytes {
                        Some(a) => a != b,
                        None => output::inside(output, &o.path).and_then(fs::read).map_or(true, |a| a != b),
                    }),
                    None => !matches!((&previous.body, &o.body), (Body::Static(StaticSource::Disk(a)), Body::Static(StaticSource::Disk(b))) if a == b && !crate::images::touched(changed_static, &o.path)),
                });
                if !changed {
                    // The file already holds these bytes.
                    o.drop_html();
                }
                changed
            }
            None => true,
        })
        .map(|(_, o)| o)
        .collect();
    to_write.par_iter().try_for_each(|o| write_atomically(output, o))?;

    // With the same paths, nothing is gone.
    let new_paths: crate::HashSet<&str> = if aligned { Default::default() } else { new.iter().map(|o| o.path.as_str()).collect() };
    let mut removed = 0;
    for gone in old.iter().filter(|o| !aligned && !new_paths.contains(o.path.as_str())) {
        let path = output::inside(output, &gone.path)?;
        match fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
        // Remove folders the deletion left empty, up to the output folder.
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != output && d.starts_with(output)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    if !output.join(MARKER).exists() {
        fs::write(output.join(MARKER), output::MARKER_TEXT)?;
    }
    Ok((to_write.len(), removed))
}

fn write_atomically(base: &Path, output: &Output) -> Result<()> {
    let path = output::inside(base, &output.path)?;
    let parent = path.parent().expect("output files are inside the output folder");
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let temp = parent.join(format!(".{}.psoas-tmp", path.file_name().unwrap_or_default().to_string_lossy()));
    output::write_output(output, &temp).and_then(|()| fs::rename(&temp, &path)).with_context(|| format!("cannot write {}", path.display()))?;
    // Kept in memory by the watch until the next rebuild: the file holds the HTML now.
    output.drop_html();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` to `rel` under `root`, making its folders.
    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    const SITE_YAML: &str = "title: Test\nbase_url: https://example.org/repo/\n";

    /// A site in a temporary folder: `site.yaml`, then `files` (path, text).
    fn site_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let site = tempfile::tempdir().unwrap();
        write(site.path(), "site.yaml", SITE_YAML);
        for (rel, text) in files {
            write(site.path(), rel, text);
        }
        site
    }

    /// Pages of HTML still held in memory by the last build.
    fn held_html(workspace: &Workspace) -> usize {
        let outputs = &workspace.last.as_ref().expect("built").rendered.outputs;
        outputs.iter().filter(|o| matches!(o.body, Body::Html { .. }) && o.with_bytes(|b| b.is_some())).count()
    }

    #[test]
    fn a_watched_site_keeps_no_html_once_written_and_an_edit_still_writes_only_what_changed() {
        let walks: Vec<(String, String)> = (1..=3).map(|k| (format!("content/walks/w{k}.md"), format!("---\ntitle: Walk {k}\n---\nSee [the next](@/walks/w{}.md).\n", k % 3 + 1))).collect();
        let mut files = vec![("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n")];
        files.extend(walks.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        let site = site_with(&files);
        let write = |rel: &str, text: &str| write(site.path(), rel, text);
        let mut workspace = Workspace::new(site.path(), &site.path().join("public"), None, false).unwrap();
        let full = workspace.build_all().unwrap();
        assert!(full.written > 5, "{full:?}");
        assert_eq!(held_html(&workspace), 0);

        // A new word re-renders the page alone, which is written; its HTML is dropped in turn.
        write("content/walks/w2.md", "---\ntitle: Walk 2\n---\nSee [the next](@/walks/w3.md), slowly.\n");
        let changes = Changes { content: HashSet::from(["walks/w2.md".to_owned()]), ..Changes::default() };
        let report = workspace.rebuild(&changes).unwrap();
        assert_eq!((report.stats.templates_rendered, report.written), (1, 1), "{report:?}");
        assert!(fs::read_to_string(site.path().join("public/walks/w2/index.html")).unwrap().contains("slowly"));
        assert_eq!(held_html(&workspace), 0);

        // Saving it unchanged writes nothing.
        let report = workspace.rebuild(&changes).unwrap();
        assert_eq!(report.written, 0, "{report:?}");
    }

    #[test]
    fn pages_rendered_again_to_the_same_bytes_are_neither_written_nor_kept() {
        // The default theme as the site's own, so that a template can change.
        let site = site_with(&[("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n"), ("content/walks/w1.md", "---\ntitle: Walk 1\n---\nText.\n")]);
        for (name, text) in crate::templates::embedded::TEMPLATES {
            write(site.path(), &format!("templates/{name}"), text);
        }
        for (path, bytes) in crate::templates::embedded::STATIC_FILES {
            let dest = site.path().join("static").join(path);
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::write(dest, bytes).unwrap();
        }
        let mut workspace = Workspace::new(site.path(), &site.path().join("public"), None, false).unwrap();
        workspace.build_all().unwrap();

        // A comment in the page template renders every page again, to the bytes already on disk.
        let page_template = site.path().join("templates/page.html");
        let text = fs::read_to_string(&page_template).unwrap();
        fs::write(&page_template, format!("{text}{{# a note for the theme's authors #}}")).unwrap();
        let report = workspace.rebuild(&Changes { templates: true, ..Changes::default() }).unwrap();
        assert!(report.stats.templates_rendered >= 1 && report.written == 0, "{report:?}");
        assert_eq!(held_html(&workspace), 0);
    }

    #[test]
    fn a_full_rebuild_that_fails_its_checks_leaves_the_output_as_it_was() {
        let site = site_with(&[("content/_index.md", "---\ntitle: Home\n---\nSee [the walk](@/walks/w1.md).\n"), ("content/walks/w1.md", "---\ntitle: Walk 1\n---\nText.\n")]);
        let write = |rel: &str, text: &str| write(site.path(), rel, text);
        let output = site.path().join("public");
        let mut workspace = Workspace::new(site.path(), &output, None, false).unwrap();
        workspace.build_all().unwrap();
        let before = fs::read_to_string(output.join("walks/w1/index.html")).unwrap();

        // A config change builds everything again; pages are written into a staging folder as they are
        // rendered, and a broken anchor, found by the check after rendering, must leave the output alone.
        write("content/walks/w1.md", "---\ntitle: Walk 1, changed\n---\nSee [the top](@/_index.md#no-such-heading).\n");
        write("site.yaml", "title: Test 2\nbase_url: https://example.org/repo/\n");
        let changes = Changes { config: true, content: HashSet::from(["walks/w1.md".to_owned()]), ..Changes::default() };
        let error = format!("{:#}", workspace.rebuild(&changes).unwrap_err());
        assert!(error.contains("no anchor `#no-such-heading`"), "{error}");
        assert_eq!(fs::read_to_string(output.join("walks/w1/index.html")).unwrap(), before);
        let beside: Vec<String> = fs::read_dir(site.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(beside.iter().all(|name| !name.contains("psoas-new")), "the staging folder is removed: {beside:?}");
    }
}
