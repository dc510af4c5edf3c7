//! The `ignore` setting of `site.yaml`: files under `content/`, `templates/` and `static/` that are not part
//! of the site (a layered `.psd` beside the photo it was made from, notes kept with a page, `Thumbs.db`),
//! named by patterns written as lines of a `.gitignore` are. Hidden files and editors' temporary files are
//! always left out and need no pattern.

use globset::{Glob, GlobBuilder, GlobMatcher};

/// The folders a pattern can name from the site's root.
const SOURCE_DIRS: [&str; 3] = [crate::content::CONTENT_DIR, crate::templates::TEMPLATES_DIR, crate::site::STATIC_DIR];

/// Compiled `ignore` patterns.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    /// As written in `site.yaml`, for messages.
    pattern: String,
    matcher: GlobMatcher,
    /// A pattern with a `/` before its end is matched against the whole path from the site's root; one
    /// without, against each file's and folder's name, at any depth.
    anchored: bool,
    /// A pattern that ends in `/` names folders only.
    folders_only: bool,
}

impl Ignore {
    /// Compiles `patterns`; `Err` names the pattern (by its index) that cannot be used, and says why.
    pub fn new(patterns: &[String]) -> Result<Ignore, (usize, String, String)> {
        let rules = patterns.iter().enumerate().map(|(i, pattern)| Rule::new(pattern).map_err(|(message, help)| (i, message, help)));
        Ok(Ignore { rules: rules.collect::<Result<_, _>>()? })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The pattern that leaves out `path`, written from the site's root (`content/stretches/photo.psd`),
    /// if one does: a pattern that matches the path itself or any folder it is in.
    pub fn pattern_for(&self, path: &str) -> Option<&str> {
        if self.rules.is_empty() {
            return None;
        }
        let folders = path.match_indices('/').map(|(i, _)| (&path[..i], true));
        folders.chain([(path, false)]).skip(1).find_map(|(path, is_folder)| self.pattern_of(path, is_folder))
    }

    /// Whether the entry at `path` (from the site's root, below one of its source folders) is left out by a
    /// pattern, not looking at the folders it is in: a walk that skips ignored folders needs no more.
    pub fn skips(&self, path: &str, is_folder: bool) -> bool {
        !self.rules.is_empty() && self.pattern_of(path, is_folder).is_some()
    }

    /// Whether a walk of the source folder `top` (read at `dir`) goes into `entry`: not when it is hidden or
    /// an editor's temporary file, or a pattern leaves it out.
    pub fn walks_into(&self, dir: &std::path::Path, top: &str, entry: &walkdir::DirEntry) -> bool {
        if entry.depth() == 0 {
            return true;
        }
        if crate::content::is_ignored(entry.file_name()) {
            return false;
        }
        if self.rules.is_empty() {
            return true;
        }
        let path = format!("{top}/{}", crate::content::rel_path(dir, entry.path()));
        !self.skips(&path, entry.file_type().is_dir())
    }

    /// Whether the file at `path` (from the site's root) is not part of the site: it is, or is in, a hidden
    /// folder or file or an editor's file, or a pattern leaves it out. The one test of `walks_into`, for a
    /// path met without a walk.
    pub fn leaves_out(&self, path: &str) -> bool {
        path.split('/').skip(1).any(|part| crate::content::is_ignored(std::ffi::OsStr::new(part))) || self.pattern_for(path).is_some()
    }

    fn pattern_of(&self, path: &str, is_folder: bool) -> Option<&str> {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.rules
            .iter()
            .find(|rule| (is_folder || !rule.folders_only) && rule.matcher.is_match(if rule.anchored { path } else { name }))
            .map(|rule| rule.pattern.as_str())
    }
}

impl Rule {
    fn new(written: &str) -> Result<Rule, (String, String)> {
        let pattern = written.trim();
        let unusable = |why: &str, help: &str| Err((format!("ignore pattern `{written}` {why}"), help.to_owned()));
        if pattern.is_empty() {
            return unusable("is empty", "remove it, or write a file name or pattern such as `*.psd`");
        }
        if pattern.starts_with('!') {
            return unusable("starts with `!`", "list only what to leave out: a file that no pattern names is part of the site");
        }
        let folders_only = pattern.ends_with('/');
        let body = pattern.trim_end_matches('/');
        let anchored = body.contains('/');
        let body = body.trim_start_matches('/');
        if anchored && !SOURCE_DIRS.iter().any(|dir| body.split('/').next() == Some(dir)) {
            let help = format!("a pattern with a `/` is matched from the site's folder: start it with the folder it is in, e.g. `content/{body}`");
            return unusable("names no file under content/, templates/ or static/", &help);
        }
        let glob = match GlobBuilder::new(body).literal_separator(true).backslash_escape(true).build() {
            Ok(glob) => glob,
            // The error's kind, without the pattern, which the message gives already.
            Err(e) => return unusable(&format!("cannot be read: {}", e.kind()), "patterns use `*`, `?`, `[abc]`, `{a,b}` and `**` for any number of folders"),
        };
        Ok(Rule { pattern: pattern.to_owned(), matcher: Glob::compile_matcher(&glob), anchored, folders_only })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(patterns: &[&str]) -> Ignore {
        Ignore::new(&patterns.iter().map(|p| p.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn a_name_pattern_matches_at_any_depth_and_a_path_pattern_from_the_root() {
        let ignore = ignore(&["*.psd", "Thumbs.db", "content/stretches/notes/", "static/src/**/*.svg"]);
        assert_eq!(ignore.pattern_for("content/a.psd"), Some("*.psd"));
        assert_eq!(ignore.pattern_for("static/photos/deep/b.psd"), Some("*.psd"));
        assert_eq!(ignore.pattern_for("content/a.psd.png"), None);
        assert_eq!(ignore.pattern_for("templates/Thumbs.db"), Some("Thumbs.db"));
        assert_eq!(ignore.pattern_for("content/stretches/notes/todo.md"), Some("content/stretches/notes/"));
        assert_eq!(ignore.pattern_for("content/stretches/notes.md"), None, "a folder pattern names no file");
        assert_eq!(ignore.pattern_for("content/other/stretches/notes/todo.md"), None, "a path pattern starts at the root");
        assert_eq!(ignore.pattern_for("static/src/a.svg"), Some("static/src/**/*.svg"));
        assert_eq!(ignore.pattern_for("static/src/x/y/a.svg"), Some("static/src/**/*.svg"));
        assert_eq!(ignore.pattern_for("static/a.svg"), None);
        assert!(ignore.skips("content/stretches/notes", true));
        assert!(!ignore.skips("content/stretches/notes", false));
    }

    #[test]
    fn a_star_stays_in_its_folder_and_the_source_folders_themselves_are_never_left_out() {
        let ignore = ignore(&["content/*.md", "content"]);
        assert_eq!(ignore.pattern_for("content/about.md"), Some("content/*.md"));
        assert_eq!(ignore.pattern_for("content/stretches/walking.md"), None);
        assert_eq!(ignore.pattern_for("static/content/a.png"), Some("content"), "a folder named `content` inside one");
        assert!(Ignore::default().pattern_for("content/a.md").is_none());
    }

    #[test]
    fn unusable_patterns_say_why() {
        let error = |pattern: &str| Ignore::new(&["*.psd".to_owned(), pattern.to_owned()]).unwrap_err();
        assert_eq!(error("").0, 1);
        assert_eq!(error("!keep.psd").1, "ignore pattern `!keep.psd` starts with `!`");
        let (_, message, help) = error("stretches/notes/*.md");
        assert_eq!(message, "ignore pattern `stretches/notes/*.md` names no file under content/, templates/ or static/");
        assert!(help.contains("e.g. `content/stretches/notes/*.md`"), "{help}");
        let (_, message, _) = error("content/[ab.md");
        assert!(message.starts_with("ignore pattern `content/[ab.md` cannot be read: "), "{message}");
    }
}
