//! The content model: every folder under `content/` is a section (its `_index.md` holds the section's front
//! matter and intro) and every other `.md` file is a page. Loading reads and parses all files in parallel and
//! reports every problem found, not only the first.

pub mod front_matter;
mod plain_yaml;
pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostics::Problem;
use crate::ignore::Ignore;
use crate::urls::{is_valid_slug, slugify};
pub use schema::{PageMeta, SectionMeta};

pub const CONTENT_DIR: &str = "content";

/// A Markdown source file, kept in memory so problems can quote it and rendering can run after loading.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to `content/`, with `/` separators: `stretches/half-kneeling.md`.
    pub rel_path: String,
    /// Shared, so a rebuild can keep an unchanged file without copying it.
    pub text: Arc<str>,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
}

impl SourceFile {
    /// The path shown in problems, relative to the site root.
    pub fn display_path(&self) -> String {
        format!("{CONTENT_DIR}/{}", self.rel_path)
    }

    /// The folder of this file relative to `content/` (`stretches`, or `` for the root).
    pub fn dir(&self) -> &str {
        self.rel_path.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub file: SourceFile,
    pub meta: PageMeta,
    /// Site-relative URL path with trailing slash: `stretches/half-kneeling/`.
    pub path: String,
}

impl Page {
    /// The folder of the section the page is in, relative to `content/`: its file's, or for a folder's
    /// `index.md`, the folder's.
    pub fn section_dir(&self) -> &str {
        page_place(&self.file.rel_path).0
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub file: SourceFile,
    pub meta: SectionMeta,
    /// Site-relative URL path: `` for the home page, `stretches/` for a section.
    pub path: String,
    /// Folder relative to `content/` (`` for the root).
    pub dir: String,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct Content {
    /// Shared, so a rebuild keeps unchanged pages without copying them.
    pub pages: Vec<Arc<Page>>,
    pub sections: Vec<Section>,
    /// The files (relative to `content/`) whose front matter has a problem, each standing in as a plain page
    /// or section (see `load_standing_in`); empty in any build that can succeed.
    pub stand_ins: Vec<String>,
}

impl Content {
    fn push(&mut self, item: Item) {
        match item {
            Item::Page(page) => self.pages.push(page),
            Item::Section(section) => self.sections.push(*section),
        }
    }

    /// Records `rel` (at `path`), whose front matter has a problem, and, if `stand_ins` is set, adds what
    /// stands in for it. False when nothing can: the build then stops at the problems found while loading.
    fn stand_in(&mut self, stand_ins: bool, rel: &str, path: &Path) -> bool {
        self.stand_ins.push(rel.to_owned());
        match stand_ins.then(|| stand_in(rel, path)).flatten() {
            Some(item) => {
                self.push(item);
                true
            }
            None => false,
        }
    }
}

/// Reads and parses every Markdown file under `root/content`, in parallel. Drafts are dropped unless
/// `drafts` is set, and a draft section with everything in its folder. Sections without an `_index.md` get
/// an implicit one named after the folder.
pub fn load(root: &Path, drafts: bool, ignore: &Ignore) -> Result<Content, Vec<Problem>> {
    match load_all(root, drafts, ignore, None, false)? {
        (content, problems) if problems.is_empty() => Ok(content),
        (_, problems) => Err(problems),
    }
}

/// Files a rebuild may keep from the previous load: those not in `changed`.
pub struct Reuse<'a> {
    pub pages: &'a [Arc<Page>],
    pub sections: &'a [Section],
    /// Paths relative to `content/` whose files were created, edited or deleted.
    pub changed: &'a std::collections::HashSet<String>,
}

/// Like `load_standing_in`, but takes unchanged files from a previous load instead of reading them again.
pub fn load_reusing(root: &Path, drafts: bool, ignore: &Ignore, reuse: Reuse) -> Result<(Content, Vec<Problem>), Vec<Problem>> {
    load_all(root, drafts, ignore, Some(reuse), true)
}

/// Like `load`, for a build that goes on past files whose front matter has a problem: each stands in as a page
/// (or section) with a title from its file name and its Markdown body, so that the rest of the site, and that
/// file's Markdown, are checked in the same build. The build must fail with the problems returned beside the
/// content; `Err` when some problem leaves no file to stand in (a file that cannot be read, say).
pub fn load_standing_in(root: &Path, drafts: bool, ignore: &Ignore) -> Result<(Content, Vec<Problem>), Vec<Problem>> {
    load_all(root, drafts, ignore, None, true)
}

fn load_all(root: &Path, drafts: bool, ignore: &Ignore, reuse: Option<Reuse>, stand_ins: bool) -> Result<(Content, Vec<Problem>), Vec<Problem>> {
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(vec![Problem::new(CONTENT_DIR, "the content folder does not exist").help("create content/_index.md for the home page")]);
    }
    if let Some(reuse) = &reuse
        && !reuse.changed.is_empty()
        && reuse.changed.iter().all(|path| path.ends_with(".md"))
        // A section's `_index.md` may make it a draft or no longer one, and its pages with it.
        && !reuse.changed.iter().any(|path| path.rsplit('/').next() == Some("_index.md"))
    {
        return reload_files(&content_dir, drafts, ignore, reuse, stand_ins);
    }
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for entry in WalkDir::new(&content_dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| ignore.walks_into(&content_dir, CONTENT_DIR, e)) {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => dirs.push(rel_path(&content_dir, entry.path())),
            Ok(entry) if entry.path().extension().is_some_and(|ext| ext == "md") => files.push((rel_path(&content_dir, entry.path()), entry.into_path())),
            Ok(_) => {}
            Err(e) => problems.push(walk_problem(&content_dir, CONTENT_DIR, &e)),
        }
    }
    let previous: std::collections::HashMap<&str, Item> = match &reuse {
        Some(reuse) => {
            let pages = reuse.pages.iter().map(|p| (p.file.rel_path.as_str(), Item::Page(Arc::clone(p))));
            let sections = reuse.sections.iter().filter(|s| !s.file.text.is_empty()).map(|s| (s.file.rel_path.as_str(), Item::Section(Box::new(s.clone()))));
            pages.chain(sections).filter(|(path, _)| !reuse.changed.contains(*path)).collect()
        }
        None => Default::default(),
    };

    let parsed: Vec<Result<Option<Item>, Vec<Problem>>> = files
        .par_iter()
        .with_max_len(crate::BATCH)
        .map(|(rel, path)| match previous.get(rel.as_str()) {
            Some(item) => Ok(Some(item.clone())),
            None => read_item(rel, path),
        })
        .collect();
    let mut content = Content::default();
    // Folders whose `_index.md` is a draft: everything in them is left out with it.
    let mut draft_dirs: Vec<String> = Vec::new();
    let mut all_stand_in = problems.is_empty();
    for ((rel, path), result) in files.iter().zip(parsed) {
        match result {
            Ok(Some(item)) if !drafts && item.is_draft() => {
                if let Item::Section(section) = item {
                    draft_dirs.push(section.dir);
                }
            }
            Ok(Some(item)) => content.push(item),
            Ok(None) => {}
            Err(found) => {
                problems.extend(found);
                all_stand_in &= content.stand_in(stand_ins, rel, path);
            }
        }
    }
    let stood_in = stand_ins && all_stand_in;
    if !problems.is_empty() && !stood_in {
        return Err(problems);
    }
    if !draft_dirs.is_empty() {
        let drafted = |path: &str| draft_dirs.iter().any(|dir| is_inside(path, dir));
        content.pages.retain(|page| !drafted(&page.file.rel_path));
        content.sections.retain(|section| !drafted(&section.dir));
        dirs.retain(|dir| !drafted(dir));
    }
    keep_folders_with_markdown(&mut dirs, &content);
    add_implicit_sections(&mut content, &dirs);
    content.sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    content.pages.sort_by(|a, b| a.file.rel_path.cmp(&b.file.rel_path));
    Ok((content, problems))
}

/// A plain page or section for a file whose front matter has a problem: titled after its file (or folder)
/// name, at the URL its name gives, with the Markdown after the front matter (all of the file when it has
/// none, nothing when it never closes or the file is not text). None when the name gives no URL.
fn stand_in(rel: &str, path: &Path) -> Option<Item> {
    let text: Arc<str> = Arc::from(std::fs::read_to_string(path).unwrap_or_default());
    let (body_offset, yaml) = match front_matter::split(&text, rel) {
        Ok(split) => (split.body_offset, serde_yaml::from_str::<serde_yaml::Value>(split.yaml).ok()),
        Err(_) if !text.trim_start_matches('\u{feff}').starts_with("---") => (0, None),
        Err(_) => (text.len(), None),
    };
    // What can be read of the front matter still places the page: its title, `slug` and `aliases`, each
    // where it is well-formed (links to the page's URL and its aliases then hold).
    let text_of = |key: &str| yaml.as_ref().and_then(|y| y.get(key)).and_then(serde_yaml::Value::as_str).map(str::to_owned);
    let aliases: Vec<String> = yaml
        .as_ref()
        .and_then(|y| y.get("aliases"))
        .and_then(serde_yaml::Value::as_sequence)
        .map(|list| list.iter().filter_map(serde_yaml::Value::as_str).filter(|a| is_valid_alias(a)).map(str::to_owned).collect())
        .unwrap_or_default();
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let file = SourceFile { rel_path: rel.to_owned(), text, body_offset };
    if name == "_index.md" {
        let title = text_of("title").filter(|t| !t.trim().is_empty()).unwrap_or_else(|| dir.rsplit('/').next().filter(|d| !d.is_empty()).unwrap_or("Home").to_owned());
        let path = section_path(dir, "", rel).ok()?;
        let meta = SectionMeta { title, ..SectionMeta::default() };
        return Some(Item::Section(Box::new(Section { file, meta, path, dir: dir.to_owned() })));
    }
    let (dir, stem) = page_place(rel);
    // A folder's page has the folder's URL, whatever its `slug` says.
    let slug = text_of("slug").filter(|slug| is_valid_slug(slug) && !is_folder_page(rel)).unwrap_or_else(|| slugify(stem));
    if slug.is_empty() {
        return None;
    }
    let path = if dir.is_empty() { format!("{slug}/") } else { format!("{}/{slug}/", folder_url(dir)) };
    let title = text_of("title").filter(|t| !t.trim().is_empty()).unwrap_or_else(|| stem.to_owned());
    let meta = PageMeta { title, aliases, ..PageMeta::default() };
    Some(Item::Page(Arc::new(Page { file, meta, path })))
}

/// Whether `rel` is a folder's `index.md` (`stretches/kneel/index.md`), the page of that folder.
fn is_folder_page(rel: &str) -> bool {
    rel.ends_with("/index.md")
}

/// Whether `path` (relative to `content/`) is the folder `dir` or inside it.
fn is_inside(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a folder holding `rel` (relative to `content/`) has an `_index.md` marked `draft: true`.
fn in_draft_section(content_dir: &Path, rel: &str) -> bool {
    draft_section_of(content_dir, rel).is_some()
}

/// The `_index.md` (relative to `content/`) of the nearest folder holding `rel` that is marked `draft: true`.
fn draft_section_of(content_dir: &Path, rel: &str) -> Option<String> {
    draft_index_of(content_dir, rel, "_index.md")
}

/// The nearest `index` file (`_index.md` or `index.md`) in a folder holding `rel` that is marked `draft: true`.
fn draft_index_of(content_dir: &Path, rel: &str, index: &str) -> Option<String> {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        let index = format!("{parent}/{index}");
        if index != rel && read_item(&index, &content_dir.join(&index)).is_ok_and(|item| item.is_some_and(|i| i.is_draft())) {
            return Some(index);
        }
        dir = parent;
    }
    None
}

/// Why the file other than Markdown at `rel` (relative to `content/`) is left out of a build without
/// `--drafts`, if it is: it is in a draft section, or in the folder of a draft page (its `index.md`).
pub fn asset_draft_reason(content_dir: &Path, rel: &str) -> Option<String> {
    match draft_section_of(content_dir, rel) {
        Some(index) => Some(format!("it is in a draft section (`{CONTENT_DIR}/{index}` has `draft: true`)")),
        None => draft_index_of(content_dir, rel, "index.md").map(|index| format!("it is in the folder of a draft page (`{CONTENT_DIR}/{index}` has `draft: true`)")),
    }
}

/// When only Markdown files changed: the previous content with just those files read again (or dropped),
/// without walking the whole folder.
fn reload_files(content_dir: &Path, drafts: bool, ignore: &Ignore, reuse: &Reuse, stand_ins: bool) -> Result<(Content, Vec<Problem>), Vec<Problem>> {
    let changed = reuse.changed;
    let mut content = Content {
        pages: reuse.pages.iter().filter(|p| !changed.contains(&p.file.rel_path)).cloned().collect(),
        sections: reuse.sections.iter().filter(|s| !changed.contains(&s.file.rel_path) && !s.file.text.is_empty()).cloned().collect(),
        stand_ins: Vec::new(),
    };
    let mut dirs: Vec<String> = reuse.sections.iter().map(|s| s.dir.clone()).collect();
    let mut problems = Vec::new();
    let mut all_stand_in = true;
    let mut sorted: Vec<&String> = changed.iter().collect();
    sorted.sort();
    for rel in sorted {
        let path = content_dir.join(rel);
        // A link to nothing fails a full build's walk: it fails here too, not as a file deleted.
        if !path.exists()
            && let Ok(target) = std::fs::read_link(&path)
        {
            problems.push(Problem::new(format!("{CONTENT_DIR}/{rel}"), format!("a symbolic link to `{}`, which does not exist", target.display())).help("remove the link, or make what it points at"));
            all_stand_in = false;
            continue;
        }
        if !path.is_file() || ignore.leaves_out(&format!("{CONTENT_DIR}/{rel}")) {
            continue;
        }
        // A file in a draft section is left out, but its front matter is checked, as a full build does.
        if !drafts && in_draft_section(content_dir, rel) {
            if let Err(found) = read_item(rel, &path) {
                problems.extend(found);
                all_stand_in &= stand_ins;
            }
            continue;
        }
        let mut dir = rel.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            dirs.push(parent.to_owned());
            dir = parent;
        }
        match read_item(rel, &path) {
            Ok(Some(item)) if drafts || !item.is_draft() => content.push(item),
            Ok(_) => {}
            Err(found) => {
                problems.extend(found);
                all_stand_in &= content.stand_in(stand_ins, rel, &path);
            }
        }
    }
    let stood_in = stand_ins && all_stand_in;
    if !problems.is_empty() && !stood_in {
        return Err(problems);
    }
    dirs.sort();
    dirs.dedup();
    // The last Markdown file may have left a folder.
    keep_folders_with_markdown(&mut dirs, &content);
    add_implicit_sections(&mut content, &dirs);
    content.sections.sort_by(|a, b| a.dir.cmp(&b.dir));
    content.pages.sort_by(|a, b| a.file.rel_path.cmp(&b.file.rel_path));
    Ok((content, problems))
}

/// Hidden files and editor temp, swap and backup files are never content.
pub fn is_ignored(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".tmp")
}

/// The path under content/ of the file that the relative `path` names beside the content file at `rel_path`,
/// as an editor finds it (`My%20Photos/a.jpg` is `My Photos/a.jpg`); None when it climbs out of content/.
pub(crate) fn beside(rel_path: &str, path: &str) -> Option<String> {
    let beside = match rel_path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{path}"),
        None => path.to_owned(),
    };
    crate::urls::normalize(&crate::urls::percent_decode(&beside))
}

/// `path` relative to `base`, with `/` between its parts.
pub(crate) fn rel_path(base: &Path, path: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[derive(Clone)]
enum Item {
    Page(Arc<Page>),
    Section(Box<Section>),
}

impl Item {
    fn is_draft(&self) -> bool {
        match self {
            Item::Page(page) => page.meta.draft,
            Item::Section(section) => section.meta.draft && !section.dir.is_empty(),
        }
    }
}

/// A problem reading the folder `name` (under `root`, at `dir`) while walking it: links are followed, so one
/// that points at nothing or back up its own tree is named with where it points.
pub fn walk_problem(dir: &Path, name: &str, error: &walkdir::Error) -> Problem {
    let shown = |path: &Path| match path.strip_prefix(dir) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{name}/{}", rel.to_string_lossy().replace('\\', "/")),
        _ => name.to_owned(),
    };
    let file = error.path().map_or_else(|| name.to_owned(), shown);
    if let Some(ancestor) = error.loop_ancestor() {
        return Problem::new(file, format!("a symbolic link here leads back to {}", shown(ancestor))).help("remove the link: a folder cannot hold itself");
    }
    match error.path().and_then(|p| std::fs::read_link(p).ok()) {
        Some(target) if error.io_error().is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) => {
            Problem::new(file, format!("a symbolic link to `{}`, which does not exist", target.display())).help("remove the link, or make what it points at")
        }
        _ => Problem::new(file, format!("cannot read: {}", error.io_error().map_or_else(|| error.to_string(), ToString::to_string))),
    }
}

/// The URL path (`section/page/`) each draft page and section under `root`, and each page in a draft section,
/// would have, with its file (relative to `content/`). Read again from the files, for the message of a link
/// that misses: a build without `--drafts` keeps nothing of them.
pub fn draft_urls(root: &Path, ignore: &Ignore) -> crate::HashMap<String, String> {
    let content_dir = root.join(CONTENT_DIR);
    let files: Vec<(String, PathBuf)> = WalkDir::new(&content_dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| ignore.walks_into(&content_dir, CONTENT_DIR, e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|ext| ext == "md"))
        .map(|e| (rel_path(&content_dir, e.path()), e.into_path()))
        .collect();
    let items: Vec<(String, Item)> = files.par_iter().filter_map(|(rel, path)| Some((rel.clone(), read_item(rel, path).ok()??))).collect();
    let draft_dirs: Vec<&str> = items.iter().filter_map(|(_, item)| match item {
        Item::Section(section) if item.is_draft() => Some(section.dir.as_str()),
        _ => None,
    }).collect();
    items
        .iter()
        .filter(|(rel, item)| item.is_draft() || draft_dirs.iter().any(|dir| is_inside(rel, dir)))
        .map(|(rel, item)| (match item {
            Item::Page(page) => page.path.clone(),
            Item::Section(section) => section.path.clone(),
        }, rel.clone()))
        .collect()
}

/// Why `content/<rel>` under `root` is left out of a build without `--drafts`, if it is a draft or in a draft
/// section (for a link's message): "the page is a draft ...".
pub fn draft_reason(root: &Path, rel: &str) -> Option<String> {
    let content_dir = root.join(CONTENT_DIR);
    // A photo or other file: left out with the draft page or section it is kept with.
    if !rel.ends_with(".md") {
        return content_dir.join(rel).is_file().then(|| asset_draft_reason(&content_dir, rel)).flatten();
    }
    if read_item(rel, &content_dir.join(rel)).is_ok_and(|item| item.is_some_and(|i| i.is_draft())) {
        return Some("the page is a draft (`draft: true`)".to_owned());
    }
    draft_section_of(&content_dir, rel).map(|index| format!("it is in a draft section (`{CONTENT_DIR}/{index}` has `draft: true`)"))
}

fn read_item(rel: &str, path: &Path) -> Result<Option<Item>, Vec<Problem>> {
    let display = format!("{CONTENT_DIR}/{rel}");
    let bytes = read_shared(path).map_err(|e| vec![Problem::new(&display, format!("cannot read file: {e}"))])?;
    let text = shared_utf8(bytes, &display).map_err(|p| vec![p])?;
    parse_item(rel.to_owned(), display, text).map(Some)
}

/// Reads a file into memory that can be shared as it is: a `String` read first would be copied again to
/// become an `Arc<str>`, which for a large site is tens of MB copied and as much memory touched for nothing.
fn read_shared(path: &Path) -> std::io::Result<Arc<[u8]>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    // SAFETY: zeroed memory is a valid `u8`.
    let mut bytes: Arc<[u8]> = unsafe { Arc::new_zeroed_slice(len).assume_init() };
    let buffer = Arc::get_mut(&mut bytes).expect("a new Arc is not shared");
    let mut end = 0;
    while end < len {
        match file.read(&mut buffer[end..]) {
            Ok(0) => break,
            Ok(n) => end += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // The file changed size since its length was read: take what it holds now.
    let mut probe = [0u8; 1];
    if end < len || file.read(&mut probe)? > 0 {
        return std::fs::read(path).map(Arc::from);
    }
    Ok(bytes)
}

/// The file's bytes as text, shared without a copy, or a problem pointing at the first byte that is not UTF-8.
fn shared_utf8(bytes: Arc<[u8]>, display: &str) -> Result<Arc<str>, Problem> {
    if let Err(e) = std::str::from_utf8(&bytes) {
        return Err(utf8_problem(&bytes, e.valid_up_to(), display));
    }
    // SAFETY: `str` has the layout of `[u8]`, and the bytes were just checked to be UTF-8.
    Ok(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
}

/// Decodes a file's bytes, pointing at the first byte that is not UTF-8.
pub fn decode_utf8(bytes: Vec<u8>, display: &str) -> Result<String, Problem> {
    String::from_utf8(bytes).map_err(|e| utf8_problem(e.as_bytes(), e.utf8_error().valid_up_to(), display))
}

fn utf8_problem(bytes: &[u8], valid: usize, display: &str) -> Problem {
    let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
    let lossy = String::from_utf8_lossy(bytes).into_owned();
    let (line, column) = crate::diagnostics::line_column(&prefix, valid);
    Problem::new(display, format!("the file is not valid UTF-8 (byte 0x{:02x})", bytes[valid]))
        .at(&lossy, line, column)
        .help("save the file as UTF-8 in your editor")
}

/// The page or section in `text`, or its problems: each unknown key of the front matter, where there are
/// several, else the first problem found.
fn parse_item(rel_path: String, display: String, text: Arc<str>) -> Result<Item, Vec<Problem>> {
    let is_section = rel_path.rsplit('/').next() == Some("_index.md");
    parse_one(rel_path, display.clone(), Arc::clone(&text)).map_err(|problem| {
        let keys = if is_section { schema::SECTION_KEYS } else { schema::PAGE_KEYS };
        let all = match front_matter::split(&text, &display) {
            Ok(split) if problem.message.starts_with("unknown key `") => front_matter::unknown_keys(&split, &text, &display, keys),
            _ => Vec::new(),
        };
        if all.len() > 1 { all } else { vec![problem] }
    })
}

fn parse_one(rel_path: String, display: String, text: Arc<str>) -> Result<Item, Problem> {
    let split = front_matter::split(&text, &display)?;
    let body_offset = split.body_offset;
    let file_name = rel_path.rsplit('/').next().unwrap_or(&rel_path);
    if file_name == "_index.md" {
        let meta: SectionMeta = front_matter::parse(&split, &text, &display, schema::SECTION_KEYS)?;
        let dir = rel_path.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
        let path = section_path(&dir, &text, &display)?;
        let file = SourceFile { rel_path, text, body_offset };
        return Ok(Item::Section(Box::new(Section { file, meta, path, dir })));
    }
    let meta: PageMeta = front_matter::parse(&split, &text, &display, schema::PAGE_KEYS)?;
    validate_page_meta(&meta, &text, &display)?;
    let (dir, stem) = page_place(&rel_path);
    // A folder's page and the files beside it are published at the folder's URL: the folder names them.
    if meta.slug.is_some() && is_folder_page(&rel_path) {
        let folder = rel_path.trim_end_matches("/index.md");
        return Err(Problem::new(&display, "a folder's `index.md` takes its URL from the folder, with the files beside it: it cannot have a `slug`")
            .at_key(&text, "slug")
            .help(format!("remove the `slug`, and rename the folder {CONTENT_DIR}/{folder}/ to give the page its URL")));
    }
    let slug = match &meta.slug {
        Some(slug) => slug.clone(),
        None => {
            let slug = slugify(stem);
            if slug.is_empty() {
                return Err(Problem::new(&display, "the file name gives an empty URL").help("rename the file, or set `slug:`"));
            }
            slug
        }
    };
    let path = if dir.is_empty() { format!("{slug}/") } else { format!("{}/{slug}/", folder_url(dir)) };
    let file = SourceFile { rel_path, text, body_offset };
    Ok(Item::Page(Arc::new(Page { file, meta, path })))
}

/// The site path of a file other than Markdown kept under content/ (`rel` relative to it): its name, in the
/// folder with the URL of the section it is in (`Stretches/photo.jpg` -> `stretches/photo.jpg`).
pub fn asset_path(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, name)) => format!("{}/{name}", folder_url(dir)),
        None => rel.to_owned(),
    }
}

/// The URL path of the folder `dir` under content/ (`Stretches/Hip flexors` -> `stretches/hip-flexors`).
pub fn folder_url(dir: &str) -> String {
    dir.split('/').map(slugify).collect::<Vec<_>>().join("/")
}

fn section_path(dir: &str, text: &str, display: &str) -> Result<String, Problem> {
    if dir.is_empty() {
        return Ok(String::new());
    }
    let path = folder_url(dir);
    if path.split('/').any(str::is_empty) {
        return Err(Problem::new(display, format!("the folder name `{dir}` gives an empty URL")).at(text, 1, 1));
    }
    Ok(format!("{path}/"))
}

/// Whether an alias is a path inside the site that a request can ask for (no query or fragment).
fn is_valid_alias(alias: &str) -> bool {
    let clean = crate::urls::normalize(alias.trim_start_matches('/'));
    !crate::urls::is_external(alias) && clean.as_deref().is_some_and(|c| !c.is_empty()) && !alias.contains(['\\', '?', '#'])
}

/// Checks that types alone cannot express, pointing at the offending key.
fn validate_page_meta(meta: &PageMeta, text: &str, display: &str) -> Result<(), Problem> {
    let at_key = |key: &str, problem: Problem| {
        let line = find_key_line(text, key);
        problem.at(text, line, 1)
    };
    if let Some(slug) = &meta.slug
        && !is_valid_slug(slug)
    {
        return Err(at_key("slug", Problem::new(display, format!("slug `{slug}` is not a single URL segment")))
            .help(match slugify(slug) {
                example if example.is_empty() => "use lowercase letters, digits, hyphens and underscores, e.g. `slug: my-page`".to_owned(),
                example => format!("use lowercase letters, digits, hyphens and underscores, e.g. `slug: {example}`"),
            }));
    }
    if meta.title.trim().is_empty() || written_as_null(text, "title", &meta.title) {
        return Err(at_key("title", Problem::new(display, "`title` is empty")).help("give the page a title (in YAML, `null` and `~` mean no value: quote them to mean the word)"));
    }
    for alias in &meta.aliases {
        let problem = |message: String| Problem::new(display, message).at_value(text, "aliases", alias);
        if alias.contains(['?', '#']) {
            return Err(problem(format!("alias `{alias}` has a query or fragment, which a request's path never holds"))
                .help("a static host redirects paths only: write the old path, e.g. `/old-name/`; `/?p=123` style links cannot be redirected here"));
        }
        if !is_valid_alias(alias) {
            return Err(problem(format!("alias `{alias}` is not a path inside the site")).help("write an old site-relative URL such as `/old-name/`"));
        }
        if alias.trim() != alias {
            return Err(problem(format!("alias `{alias}` begins or ends with a space, which would be part of its folder's name")).help(format!("write `{}`", alias.trim())));
        }
        // The folders the alias is written in, once `.` and `..` are resolved (`/old/../renamed/`).
        let resolved = crate::urls::normalize(alias.trim_start_matches('/')).unwrap_or_default();
        let segments: Vec<&str> = resolved.split('/').filter(|s| !s.is_empty()).collect();
        if segments.iter().any(|s| s.starts_with('.')) {
            return Err(problem(format!("alias `{alias}` is in a hidden folder (a name starting with `.`), which GitHub Pages is not given"))
                .help("write the old path without a name starting with `.`"));
        }
        // Every name but a last one not followed by `/` is a folder's.
        let folders = if alias.ends_with('/') { &segments[..] } else { &segments[..segments.len().saturating_sub(1)] };
        if folders.iter().any(|s| s.eq_ignore_ascii_case("index.html")) {
            return Err(problem(format!("alias `{alias}` goes on past `index.html`, a file")).help("write the old page's folder, e.g. `/old-name/`, or the file itself, `/old-name/index.html`"));
        }
        if let Some(long) = crate::urls::long_segment(alias) {
            return Err(problem(format!("alias `{alias}` has a folder name of {} bytes; file systems allow {}", long.len(), crate::urls::NAME_MAX)).help("shorten the old path"));
        }
    }
    if let Some(stretch) = &meta.stretch {
        if stretch.image_alt.trim().is_empty() {
            return Err(at_key("stretch.image_alt", Problem::new(display, "`stretch.image_alt` is empty"))
                .help("describe the position shown in the illustration, for readers who cannot see it"));
        }
        if stretch.steps.is_empty() {
            return Err(at_key("stretch.steps", Problem::new(display, "`stretch.steps` is empty")).help("list the steps, one per `- ` line"));
        }
        if stretch.reps == Some(0) || stretch.sets == 0 || stretch.hold_seconds == Some(0) {
            return Err(at_key("stretch", Problem::new(display, "`stretch` has a hold, rep or set count of zero")).help("omit the field instead of writing 0"));
        }
    }
    Ok(())
}

/// Whether `value`, read as text from `key` in front matter `text` (`title: null`, or an item of `tags:
/// [null]`), is YAML's null written bare (`null`, `~`): serde reads it into text as the word itself, which
/// the author means only when it is quoted.
pub(crate) fn written_as_null(text: &str, key: &str, value: &str) -> bool {
    if !matches!(value, "null" | "Null" | "NULL" | "~") {
        return false;
    }
    let (line, column) = crate::diagnostics::value_position(text, find_key_position(text, key), value);
    let before = text.lines().nth(line - 1).and_then(|l| l.chars().nth(column.saturating_sub(2)));
    !matches!(before, Some('"' | '\''))
}

/// 1-based line of `key_path` (`stretch.image_alt`) in a file's front matter.
pub fn find_key_line(text: &str, key_path: &str) -> usize {
    let mut from = 0;
    let mut found = None;
    for key in key_path.split('.') {
        found = text.lines().enumerate().skip(from).find(|(_, line)| {
            let trimmed = line.trim_start().trim_start_matches("- ");
            trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        match found {
            Some((i, _)) => from = i + 1,
            // A key that is missing is reported at the mapping that should hold it (`stretch:`), or at the
            // front matter's first line.
            None => return if from > 0 { from } else { 2 },
        }
    }
    found.map_or(2, |(i, _)| i + 1)
}

/// 1-based line and column of `key_path` in a file's front matter: the column of the key itself, also in a
/// mapping written on one line (`taxonomies: {topics: [a]}`), else of the line's first character.
pub fn find_key_position(text: &str, key_path: &str) -> (usize, usize) {
    let line = find_key_line(text, key_path);
    let key = key_path.rsplit('.').next().unwrap_or(key_path);
    let source = text.lines().nth(line - 1).unwrap_or_default();
    let at_key = source.match_indices(key).find(|&(i, _)| {
        let before = source[..i].chars().next_back();
        before.is_none_or(|c| c == ' ' || c == '{' || c == ',') && source[i + key.len()..].trim_start().starts_with(':')
    });
    let byte = at_key.map_or(source.len() - source.trim_start().len(), |(i, _)| i);
    (line, 1 + source[..byte].chars().count())
}

/// Where the page at `rel` (relative to `content/`) goes: the folder whose URL its own goes under, and the
/// name its URL is made from. A folder's `index.md` is the page of that folder, which holds its files
/// (`stretches/kneel/index.md` is at `stretches/kneel/`, beside `stretches/kneel/photo.jpg`); any other file
/// is named by itself.
fn page_place(rel: &str) -> (&str, &str) {
    let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    match (name, dir.rsplit_once('/')) {
        ("index.md", Some((parent, folder))) => (parent, folder),
        ("index.md", None) if !dir.is_empty() => ("", dir),
        _ => (dir, name.trim_end_matches(".md")),
    }
}

/// Keeps the folders that hold a page or section of `content` (or a folder that does): a folder of images
/// kept beside the pages, or of drafts left out, is no section, and nor is one whose `index.md` makes it a
/// page. The root is kept.
fn keep_folders_with_markdown(dirs: &mut Vec<String>, content: &Content) {
    let pages = content.pages.iter().map(|p| p.section_dir());
    let sections = content.sections.iter().map(|s| s.dir.as_str());
    let with_markdown: crate::HashSet<&str> = pages.chain(sections).flat_map(|dir| dir.match_indices('/').map(|(end, _)| &dir[..end]).chain([dir])).collect();
    dirs.retain(|dir| dir.is_empty() || with_markdown.contains(dir.as_str()));
}

fn add_implicit_sections(content: &mut Content, dirs: &[String]) {
    for dir in dirs {
        if content.sections.iter().any(|s| &s.dir == dir) {
            continue;
        }
        let title = if dir.is_empty() { "Home".to_owned() } else { dir.rsplit('/').next().unwrap_or(dir).replace(['-', '_'], " ") };
        let rel_path = if dir.is_empty() { "_index.md".to_owned() } else { format!("{dir}/_index.md") };
        let path = if dir.is_empty() { String::new() } else { format!("{}/", folder_url(dir)) };
        let meta = SectionMeta { title, ..SectionMeta::default() };
        content.sections.push(Section { file: SourceFile { rel_path, text: Arc::from(""), body_offset: 0 }, meta, path, dir: dir.clone() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folders_index_md_is_the_page_of_that_folder() {
        assert_eq!(page_place("stretches/kneel/index.md"), ("stretches", "kneel"));
        assert_eq!(page_place("kneel/index.md"), ("", "kneel"));
        assert_eq!(page_place("stretches/kneel.md"), ("stretches", "kneel"));
        // At the top, `index.md` is a page like any other: the home page is `_index.md`.
        assert_eq!(page_place("index.md"), ("", "index"));
        assert_eq!(page_place("stretches/_index.md"), ("stretches", "_index"));
    }

    #[test]
    fn a_file_is_read_shared_as_it_is_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        for (i, len) in [0, 1, 4095, 4096, 100_003].into_iter().enumerate() {
            let path = dir.path().join(format!("{i}.md"));
            let bytes: Vec<u8> = (0..len).map(|n| b"ab\xc3\xa9\n"[n % 5]).collect();
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(&*read_shared(&path).unwrap(), &bytes[..], "{len} bytes");
        }
        let text = shared_utf8(Arc::from(&b"caf\xc3\xa9"[..]), "x.md").unwrap();
        assert_eq!(&*text, "café");
        let problem = shared_utf8(Arc::from(&b"ok\nb\xffd"[..]), "content/x.md").unwrap_err();
        assert_eq!(problem.message, "the file is not valid UTF-8 (byte 0xff)");
        assert_eq!((problem.position.as_ref().unwrap().line, problem.position.as_ref().unwrap().column), (2, 2));
        assert!(read_shared(&dir.path().join("missing.md")).is_err());
    }
}
