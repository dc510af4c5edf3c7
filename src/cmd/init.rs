//! `psoas init DIR`: a new site from the embedded default theme, ready to build.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use crate::templates::embedded;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to create the site in (created if missing; must be empty)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

const SITE_YAML: &str = "title: My site\nbase_url: https://example.org/\ndescription: What this site is about, in one sentence.\nlanguage: en\nauthor: \"\"\ntaxonomies: [tags]\n";

const HOME: &str = "---\ntitle: My site\ndescription: What this site is about, in one sentence.\n---\nWelcome. Start with [the first article](@/articles/first-article.md).\n";

const SECTION: &str = "---\ntitle: Articles\ndescription: Everything written so far.\nweight: 10\n---\n";

const ARTICLE: &str = "---\ntitle: First article\ndescription: A one-line summary shown under the title and in listings.\ndate: 2026-01-01\nlast_reviewed: 2026-01-01\ntags: [getting started]\n---\n## What this is\n\nWrite Markdown here. Link to other articles by their source path, like [home](@/_index.md).\n\n> [!NOTE]\n> Callouts come in note, tip, caution, warning and red-flag kinds.\n";

pub fn run(args: &InitArgs) -> Result<()> {
    scaffold(&args.dir)?;
    println!("Created a new site in {}. Next: cd {} && psoas build", args.dir.display(), args.dir.display());
    Ok(())
}

pub fn scaffold(dir: &Path) -> Result<()> {
    if dir.exists() && fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?.next().is_some() {
        bail!("{} is not empty; choose a new or empty folder", dir.display());
    }
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (dir.join("site.yaml"), SITE_YAML.as_bytes()),
        (dir.join("content/_index.md"), HOME.as_bytes()),
        (dir.join("content/articles/_index.md"), SECTION.as_bytes()),
        (dir.join("content/articles/first-article.md"), ARTICLE.as_bytes()),
        (dir.join(".gitignore"), b"/public/\n"),
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
