//! `psoas build`: load, render, check and write the site, then print a one-line summary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use crate::diagnostics::Problems;
use crate::site::Site;

#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// Publish URL, overriding `base_url` in site.yaml (e.g. https://user.github.io/repo/)
    #[arg(long)]
    pub base_url: Option<String>,
    /// Output folder, relative to the site folder
    #[arg(long, short, default_value = "public")]
    pub output: PathBuf,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
}

/// Counts for the summary line.
pub struct Summary {
    pub pages: usize,
    pub sections: usize,
    pub terms: usize,
    pub files: usize,
}

/// Builds the site at `root` into `args.output`. Problems in the sources come back as `Problems`.
pub fn build(root: &Path, args: &BuildArgs) -> Result<Summary> {
    let output = crate::output::check_output_dir(root, &args.output)?;
    let mut site = Site::load(root, args.base_url.as_deref(), args.drafts).map_err(|p| Problems(p).sorted())?;
    // site.yaml's own base URL was checked against its cname; one given for publishing must match it too.
    if let Some(message) = args.base_url.as_ref().and_then(|_| site.config.cname_mismatch()) {
        return Err(Problems(vec![crate::diagnostics::Problem::new("--base-url", message).help(site.config.cname_help())]).into());
    }
    // Pages go into a staging folder as they are rendered; it replaces the output only if every check passes.
    let staging = crate::output::Staging::new(&output)?;
    let rendered = site.render_into(&staging).map_err(|p| Problems(p).sorted())?;
    let problems = crate::check::check_links(&site, &rendered);
    if !problems.is_empty() {
        return Err(Problems(problems).sorted().into());
    }
    staging.write_outputs(&rendered.outputs)?;
    staging.swap_in()?;
    let summary = Summary {
        pages: site.pages.len(),
        sections: site.sections.len(),
        terms: site.taxonomies.iter().map(|t| t.terms.len()).sum(),
        files: rendered.outputs.len(),
    };
    // Freeing a large site's data takes a while and nothing waits for it: a thread does it (or the process
    // exits first, which frees everything at once).
    std::thread::spawn(move || drop((site, rendered)));
    Ok(summary)
}

pub fn run(root: &Path, args: &BuildArgs) -> Result<()> {
    super::prefer_small_pages();
    let start = Instant::now();
    let summary = build(root, args)?;
    println!(
        "Built {}, {}, {} ({}) in {} ms -> {}",
        counted(summary.pages, "page"),
        counted(summary.sections, "section"),
        counted(summary.terms, "term"),
        counted(summary.files, "file"),
        start.elapsed().as_millis(),
        // The output is relative to the site's folder (`--root`), not to where the command ran.
        if root == Path::new(".") { args.output.clone() } else { root.join(&args.output) }.display()
    );
    Ok(())
}

/// `1 page`, `2 pages`.
pub fn counted(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
