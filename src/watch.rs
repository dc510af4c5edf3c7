//! Watching the site's sources: file-system events (debounced) become `Changes`, which say what kind of
//! rebuild each needs: the config rebuilds everything, a template the outputs that use it, a static file
//! that file, a content file what depends on it. The output folder, hidden files and editor temp, swap and
//! backup files are ignored. A symbolic link to a file is followed: an edit to the file it names is an edit
//! to the link.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use anyhow::{Context as _, Result};
use notify::RecursiveMode;
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::site::STATIC_DIR;
use crate::templates::TEMPLATES_DIR;
use crate::workspace::Changes;

/// Adds what a changed path means to `changes`; returns false for paths that do not affect the site.
pub fn classify(root: &Path, output: &Path, path: &Path, changes: &mut Changes) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(top) = parts.next() else { return false };
    let rest: Vec<String> = parts.collect();
    if rest.iter().any(|part| is_editor_file(part)) || is_editor_file(&top) && top != CONFIG_FILE {
        return false;
    }
    let inner = rest.join("/");
    match top.as_str() {
        CONFIG_FILE if rest.is_empty() => changes.config = true,
        CONTENT_DIR if !inner.is_empty() => changes.add_content(inner),
        TEMPLATES_DIR => {
            changes.templates = true;
            if !inner.is_empty() {
                changes.template_files.insert(inner);
            }
        }
        STATIC_DIR if !inner.is_empty() => {
            changes.static_files.insert(inner);
        }
        // The folders themselves appearing or disappearing (`templates/` switches the theme, above): what
        // is in them now is found by reading them again.
        CONTENT_DIR => changes.add_content(String::new()),
        STATIC_DIR => {
            changes.static_files.insert(String::new());
        }
        _ => return false,
    }
    true
}

/// Hidden files and the temporary, swap and backup files editors write beside the real ones.
fn is_editor_file(name: &str) -> bool {
    crate::content::is_ignored(std::ffi::OsStr::new(name)) || name == "4913" || name.ends_with(".swx") || name.ends_with(".bak") || name.ends_with(".orig")
}

/// The symbolic links to files in the source folders, which the watch of those folders does not see into:
/// the file a link names may be anywhere, and its edits are reported at its own path.
#[derive(Default)]
struct FileLinks {
    /// Where the events about a linked file arrive (its folder as it is watched, and its name) → the links
    /// to it, as paths under the site's root. Shared with the event handler, which is never kept waiting
    /// while folders are watched (the watch itself may wait for the events to be handled).
    by_event_path: Arc<Mutex<LinkMap>>,
    /// Folders watched only because they hold a linked file. A folder, not the file: an editor that saves
    /// by writing a new file and renaming it over the old one would leave a watch of the file on nothing.
    folders: HashSet<PathBuf>,
    /// Symbolic links to folders, each watched with what is in it.
    linked_folders: HashSet<PathBuf>,
}

/// Paths → other paths they stand for.
type LinkMap = HashMap<PathBuf, Vec<PathBuf>>;

/// What the source folders hold now.
struct Scan {
    /// Folders, by real path → the paths they are reached at (which are the paths their events arrive at).
    folders: LinkMap,
    /// Linked files, by real path → the links to them.
    files: LinkMap,
    /// The links to folders.
    linked_folders: HashSet<PathBuf>,
}

fn scan_links(root: &Path, output: &Path) -> Scan {
    let (mut folders, mut files, mut linked_folders) = (LinkMap::new(), LinkMap::new(), HashSet::new());
    // The root is watched too (its own files only), so a linked file kept beside site.yaml is seen there.
    folders.insert(root.to_owned(), vec![root.to_owned()]);
    for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
        let walk = walkdir::WalkDir::new(root.join(dir)).follow_links(true).into_iter();
        for entry in walk.filter_entry(|e| e.depth() == 0 || !crate::content::is_ignored(e.file_name()) && !e.path().starts_with(output)).flatten() {
            let (is_dir, is_link) = (entry.file_type().is_dir(), entry.path_is_symlink());
            if !is_dir && !is_link {
                continue;
            }
            let Ok(real) = std::fs::canonicalize(entry.path()) else { continue };
            if is_dir {
                if is_link {
                    linked_folders.insert(entry.path().to_owned());
                }
                folders.entry(real).or_default().push(entry.path().to_owned());
            } else {
                files.entry(real).or_default().push(entry.path().to_owned());
            }
        }
    }
    Scan { folders, files, linked_folders }
}

type Debouncer = notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>;

impl FileLinks {
    /// Reads the source folders again and watches what their links lead to now. `first`: the watch has just
    /// begun, and the links to folders found are in the source folders' own watches already.
    fn refresh(&mut self, root: &Path, output: &Path, debouncer: &mut Debouncer, first: bool) {
        let Scan { folders, files, linked_folders } = scan_links(root, output);
        for folder in &linked_folders {
            // A link to a folder made since the watch began: the watch of the folder holding it saw only
            // the link arrive.
            if !first && !self.linked_folders.contains(folder) {
                let _ = debouncer.watch(folder, RecursiveMode::Recursive);
            }
        }
        self.linked_folders = linked_folders;
        let mut by_event_path = LinkMap::new();
        let mut needed = HashSet::new();
        for (file, links) in files {
            let (Some(parent), Some(name)) = (file.parent(), file.file_name()) else { continue };
            let watched_at = folders.get(parent).cloned().unwrap_or_else(|| {
                needed.insert(parent.to_owned());
                vec![parent.to_owned()]
            });
            for at in watched_at {
                by_event_path.entry(at.join(name)).or_default().extend(links.iter().cloned());
            }
        }
        for gone in self.folders.difference(&needed) {
            let _ = debouncer.unwatch(gone);
        }
        for new in needed.difference(&self.folders) {
            let _ = debouncer.watch(new, RecursiveMode::NonRecursive);
        }
        self.folders = needed;
        *self.by_event_path.lock().unwrap_or_else(|e| e.into_inner()) = by_event_path;
    }
}

/// A running watcher: batches of changes arrive on `receiver`.
pub struct Watcher {
    pub receiver: mpsc::Receiver<Changes>,
    root: PathBuf,
    output: PathBuf,
    debouncer: Mutex<Debouncer>,
    /// The source folders watched so far.
    watched: Mutex<Vec<PathBuf>>,
    links: Mutex<FileLinks>,
    /// Whether a link or a folder came into the source folders since the links were read.
    moved: Arc<AtomicBool>,
}

impl Watcher {
    /// Watches the source folders made since the watch began (a site started without `static/`): the event
    /// of a folder's creation comes from the root, but nothing inside it would. Watches the files and folders
    /// that symbolic links made since lead to. Called before each rebuild, which reads the files as they are
    /// by then.
    pub fn watch_new_folders(&self) {
        let mut debouncer = self.debouncer.lock().unwrap_or_else(|e| e.into_inner());
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        // A folder removed since is watched no more: one made again in its place must be watched anew.
        watched.retain(|path| path.is_dir());
        for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
            let path = self.root.join(dir);
            if !watched.contains(&path) && path.is_dir() && debouncer.watch(&path, RecursiveMode::Recursive).is_ok() {
                watched.push(path);
            }
        }
        if self.moved.swap(false, Ordering::SeqCst) {
            self.links.lock().unwrap_or_else(|e| e.into_inner()).refresh(&self.root, &self.output, &mut debouncer, false);
        }
    }
}

/// Watches `site.yaml`, `content/`, `templates/` and `static/` under `root`, and the files that symbolic
/// links in them lead to.
pub fn watch(root: &Path, output: &Path, debounce: Duration) -> Result<Watcher> {
    let (sender, receiver) = mpsc::channel();
    // Events carry absolute paths: compare them with absolute, symlink-free folders.
    let root = &std::fs::canonicalize(root).with_context(|| format!("cannot resolve {}", root.display()))?;
    let mut links = FileLinks::default();
    let moved = Arc::new(AtomicBool::new(false));
    let (root_owned, output_owned, event_links, event_moved) = (root.to_owned(), output.to_owned(), links.by_event_path.clone(), moved.clone());
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut changes = Changes::default();
        let links = event_links.lock().unwrap_or_else(|e| e.into_inner());
        // Reading a file is an event too (inotify reports opens): only writes, creations, removals and
        // renames change the site, and the build itself must not trigger the next one.
        for event in events.iter().filter(|e| !matches!(e.kind, notify::EventKind::Access(_) | notify::EventKind::Modify(notify::event::ModifyKind::Metadata(notify::event::MetadataKind::AccessTime)))) {
            let arrives = matches!(event.kind, notify::EventKind::Create(_) | notify::EventKind::Modify(notify::event::ModifyKind::Name(_)));
            for path in &event.paths {
                // Links are read again when one may have come: a link or a folder (which may hold links)
                // made or moved in. A link that went leaves only a watch that reports nothing that matters.
                if classify(&root_owned, &output_owned, path, &mut changes) && arrives && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink() || m.is_dir()) {
                    event_moved.store(true, Ordering::SeqCst);
                }
                for link in links.get(path).into_iter().flatten() {
                    classify(&root_owned, &output_owned, link, &mut changes);
                }
            }
        }
        if !changes.is_empty() {
            let _ = sender.send(changes);
        }
    })
    .context("cannot start watching files")?;
    // The root itself is watched (not recursively) so that site.yaml and new source folders are seen.
    debouncer.watch(root, RecursiveMode::NonRecursive).with_context(|| format!("cannot watch {}", root.display()))?;
    let mut watched = Vec::new();
    for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive).with_context(|| format!("cannot watch {}", path.display()))?;
            watched.push(path);
        }
    }
    links.refresh(root, output, &mut debouncer, true);
    Ok(Watcher { receiver, root: root.to_owned(), output: output.to_owned(), debouncer: Mutex::new(debouncer), watched: Mutex::new(watched), links: Mutex::new(links), moved })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes_for(paths: &[&str]) -> Changes {
        let mut changes = Changes::default();
        for path in paths {
            classify(Path::new("/site"), Path::new("/site/public"), &Path::new("/site").join(path), &mut changes);
        }
        changes
    }

    #[test]
    fn paths_map_to_change_kinds() {
        let changes = changes_for(&["content/a/b.md", "static/x.css", "templates/page.html", "site.yaml"]);
        assert!(changes.config && changes.templates);
        assert_eq!(changes.content.into_iter().collect::<Vec<_>>(), ["a/b.md"]);
        assert_eq!(changes.static_files.into_iter().collect::<Vec<_>>(), ["x.css"]);
    }

    #[test]
    fn a_file_kept_beside_the_pages_is_a_static_file_at_its_site_path() {
        let changes = changes_for(&["content/Stretches/Photo.JPG", "content/Stretches/New Folder"]);
        assert_eq!(changes.content.iter().map(String::as_str).collect::<std::collections::BTreeSet<_>>(), ["Stretches/New Folder", "Stretches/Photo.JPG"].into());
        // A folder's event names it, and the folder's URL holds its files.
        assert!(changes.assets.contains("stretches/Photo.JPG") && changes.assets.contains("stretches/new-folder"), "{changes:?}");
        assert!(changes.static_files.is_empty(), "{changes:?}");
    }

    #[test]
    fn output_hidden_and_editor_files_are_ignored() {
        let changes = changes_for(&["public/index.html", "content/.a.md.swp", "content/a.md~", "content/#a.md#", "static/4913", "README.md", "target/x"]);
        assert!(changes.is_empty(), "{changes:?}");
    }
}
