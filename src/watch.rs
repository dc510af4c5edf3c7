//! Watching the site's sources: file-system events (debounced) become `Changes`, which say what kind of
//! rebuild each needs: the config rebuilds everything, a template the outputs that use it, a static file
//! that file, a content file what depends on it. The output folder, hidden files and editor temp, swap and
//! backup files are ignored.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
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

/// A running watcher: batches of changes arrive on `receiver`.
pub struct Watcher {
    pub receiver: mpsc::Receiver<Changes>,
    root: PathBuf,
    debouncer: std::sync::Mutex<notify_debouncer_full::Debouncer<notify::RecommendedWatcher, notify_debouncer_full::RecommendedCache>>,
    /// The source folders watched so far.
    watched: std::sync::Mutex<Vec<PathBuf>>,
}

impl Watcher {
    /// Watches the source folders made since the watch began (a site started without `static/`): the event
    /// of a folder's creation comes from the root, but nothing inside it would. Called before each rebuild,
    /// which reads the folder's files as they are by then.
    pub fn watch_new_folders(&self) {
        let mut watched = self.watched.lock().unwrap_or_else(|e| e.into_inner());
        // A folder removed since is watched no more: one made again in its place must be watched anew.
        watched.retain(|path| path.is_dir());
        for dir in [CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR] {
            let path = self.root.join(dir);
            if !watched.contains(&path) && path.is_dir() && self.debouncer.lock().unwrap_or_else(|e| e.into_inner()).watch(&path, RecursiveMode::Recursive).is_ok() {
                watched.push(path);
            }
        }
    }
}

/// Watches `site.yaml`, `content/`, `templates/` and `static/` under `root`.
pub fn watch(root: &Path, output: &Path, debounce: Duration) -> Result<Watcher> {
    let (sender, receiver) = mpsc::channel();
    // Events carry absolute paths: compare them with absolute, symlink-free folders.
    let root = &std::fs::canonicalize(root).with_context(|| format!("cannot resolve {}", root.display()))?;
    let (root_owned, output_owned): (PathBuf, PathBuf) = (root.to_owned(), output.to_owned());
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut changes = Changes::default();
        // Reading a file is an event too (inotify reports opens): only writes, creations, removals and
        // renames change the site, and the build itself must not trigger the next one.
        for event in events.iter().filter(|e| !matches!(e.kind, notify::EventKind::Access(_) | notify::EventKind::Modify(notify::event::ModifyKind::Metadata(notify::event::MetadataKind::AccessTime)))) {
            for path in &event.paths {
                classify(&root_owned, &output_owned, path, &mut changes);
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
    Ok(Watcher { receiver, root: root.to_owned(), debouncer: std::sync::Mutex::new(debouncer), watched: std::sync::Mutex::new(watched) })
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
