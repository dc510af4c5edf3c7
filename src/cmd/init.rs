//! `psoas init DIR`: a new site from the embedded default theme, ready to build.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::templates::embedded;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to create the site in (created if missing; it may hold a cloned repository's files, not a site)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Add the site to a folder that holds other files (nothing is overwritten)
    #[arg(long)]
    pub force: bool,
}

const SITE_YAML: &str = "title: My site\nbase_url: https://example.org/\ndescription: What this site is about, in one sentence.\nlanguage: en\nauthor: \"\"\ntaxonomies: [tags]\n";

const HOME: &str = "---\ntitle: My site\ndescription: What this site is about, in one sentence.\n---\nWelcome. Start with [the first article](@/articles/first-article.md).\n";

const SECTION: &str = "---\ntitle: Articles\ndescription: Everything written so far.\nweight: 10\n---\n";

const ARTICLE: &str = "---\ntitle: First article\ndescription: A one-line summary shown under the title and in listings.\ndate: 2026-01-01\nlast_reviewed: 2026-01-01\ntags: [getting started]\n---\n## What this is\n\nWrite Markdown here. Link to other articles by their source path, like [home](@/_index.md).\n\n> [!NOTE]\n> Callouts come in note, tip, caution, warning and red-flag kinds.\n";

/// `root`: the global `--root`, which the folder is taken relative to.
pub fn run(root: &Path, args: &InitArgs) -> Result<()> {
    let dir = if root == Path::new(".") { args.dir.clone() } else { root.join(&args.dir) };
    scaffold(&dir, args.force)?;
    println!("{}", created_message(&dir));
    Ok(())
}

/// What `init` says it made, and the next command: in the current folder there is no `cd` to make.
fn created_message(dir: &Path) -> String {
    if dir.components().all(|c| c == std::path::Component::CurDir) {
        return "Created a new site in the current folder. Next: psoas build".to_owned();
    }
    format!("Created a new site in {}. Next: cd {} && psoas build", dir.display(), shell_quoted(&dir.display().to_string()))
}

/// `text` as a shell reads it back: as it is when it is made of plain characters, else in single quotes.
fn shell_quoted(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '-' | '_' | '+' | ',' | ':' | '@' | '%')) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// What a site is made of: a folder that has one of these is not made a new site over it.
const SITE_PARTS: [&str; 4] = ["site.yaml", "content", "templates", "static"];

/// What a freshly cloned repository holds besides hidden files, by the start of the name (any case):
/// `LICENSE`, `LICENSE-MIT`, `README.md`, `CHANGES.txt`.
const REPOSITORY_FILES: [&str; 17] = [
    "readme", "license", "licence", "unlicense", "copying", "contributing", "changelog", "changes", "history", "code_of_conduct", "security",
    "authors", "notice", "cname", "codeowners", "funding", "citation",
];

/// Writes a new site into `dir`, which may be missing, empty, or a freshly cloned repository (a `.git`, a
/// README, a licence): nothing in it is overwritten, and a folder that already has a site's parts is refused.
/// A folder holding other files (the home folder, say) is refused unless `force`.
pub fn scaffold(dir: &Path, force: bool) -> Result<()> {
    if let Some(part) = SITE_PARTS.iter().find(|part| fs::symlink_metadata(dir.join(part)).is_ok()) {
        bail!("{} already has {part}: choose a new or empty folder, or one without a site in it", dir.display());
    }
    if dir.exists() && !dir.is_dir() {
        bail!("{} is a file, not a folder: name a new or empty folder for the site", dir.display());
    }
    if dir.exists() {
        let entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        let mut others: Vec<String> = entries.filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned())).filter(|name| !is_repository_file(name)).collect();
        if !others.is_empty() && !force {
            others.sort();
            let shown: Vec<String> = others.iter().take(3).map(|name| format!("`{name}`")).collect();
            let more = if others.len() > 3 { format!(" and {} more", others.len() - 3) } else { String::new() };
            bail!(
                "{} holds other files ({}{more}), which the new site would be mixed with: choose a new or empty folder, or pass --force to add the site there (nothing is overwritten)",
                dir.display(),
                shown.join(", ")
            );
        }
    }
    add_ignore_line(&dir.join(".gitignore"), "/public/")?;
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (dir.join("site.yaml"), SITE_YAML.as_bytes()),
        (dir.join("content/_index.md"), HOME.as_bytes()),
        (dir.join("content/articles/_index.md"), SECTION.as_bytes()),
        (dir.join("content/articles/first-article.md"), ARTICLE.as_bytes()),
    ];
    files.extend(embedded::TEMPLATES.iter().map(|(name, text)| (dir.join("templates").join(name), text.as_bytes())));
    files.extend(embedded::STATIC_FILES.iter().map(|(name, bytes)| (dir.join("static").join(name), *bytes)));
    for (path, bytes) in files {
        let parent = path.parent().expect("scaffold paths have a parent");
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Whether a file of this name belongs in a freshly cloned repository: hidden files (`.git`, `.github`) and
/// the usual top-level documents (`README.md`, `LICENSE`).
fn is_repository_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let known = REPOSITORY_FILES.iter().any(|start| lower.strip_prefix(start).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_'])));
    name.starts_with('.') || known
}

/// Adds `line` to the ignore file at `path` unless it has it, creating the file if needed.
fn add_ignore_line(path: &Path, line: &str) -> Result<()> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if text.lines().any(|l| l.trim() == line) {
        return Ok(());
    }
    let separator = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    fs::write(path, format!("{text}{separator}{line}\n")).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_command_has_no_cd_for_the_current_folder() {
        assert_eq!(created_message(Path::new(".")), "Created a new site in the current folder. Next: psoas build");
        assert_eq!(created_message(Path::new("")), "Created a new site in the current folder. Next: psoas build");
        assert_eq!(created_message(Path::new("site")), "Created a new site in site. Next: cd site && psoas build");
        assert_eq!(created_message(Path::new("my sites/it's")), "Created a new site in my sites/it's. Next: cd 'my sites/it'\\''s' && psoas build");
    }
}
