//! `psoas watch`: build, then rebuild incrementally on every change until interrupted. Problems are printed
//! and the last good output stays in place; the loop never stops because of them.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use crate::cmd::build::BuildArgs;
use crate::diagnostics::Problems;
use crate::watch;
use crate::workspace::{Changes, Report, Workspace};

#[derive(Args, Debug, Clone)]
pub struct WatchArgs {
    #[command(flatten)]
    pub build: BuildArgs,
}

/// How long the watcher waits for a burst of file events (an editor's save) to settle.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

pub fn run(root: &Path, args: &WatchArgs) -> Result<()> {
    super::prefer_small_pages();
    let args = &args.build;
    let mut workspace = Workspace::new(root, &args.output, args.base_url.clone(), args.drafts)?;
    let first = workspace.build_all();
    print_result(&first, None, KEPT);
    let watcher = watch::watch(root, workspace.output(), DEBOUNCE)?;
    println!("Watching {} for changes (Ctrl-C to stop)", root.display());
    rebuild_loop(&mut workspace, &watcher, KEPT, |_| {});
    Ok(())
}

/// What a failed build leaves in `psoas watch`, printed after its problems.
const KEPT: &str = "(the output folder is left as it was)";

/// Rebuilds on every batch of changes, printing what happened (`kept`: what a failure leaves) and passing
/// each result to `after`.
pub fn rebuild_loop(workspace: &mut Workspace, watcher: &watch::Watcher, kept: &str, mut after: impl FnMut(&Result<Report>)) {
    // What changed since the last good build: a rebuild that succeeds after failed ones applies them all.
    let mut unbuilt = Changes::default();
    while let Ok(mut changes) = watcher.receiver.recv() {
        // Changes that arrived while the previous rebuild ran are built together.
        while let Ok(more) = watcher.receiver.try_recv() {
            changes.merge(&more);
        }
        if let Some(ignore) = workspace.ignore() {
            changes.drop_ignored(ignore);
            if changes.is_empty() {
                continue;
            }
        }
        watcher.watch_new_folders();
        unbuilt.merge(&changes);
        let result = workspace.rebuild(&changes);
        print_result(&result, Some(&unbuilt), kept);
        if result.is_ok() {
            unbuilt = Changes::default();
        }
        after(&result);
    }
}

/// One line per rebuild: what changed, what was re-rendered, how long it took. Problems in full, then `kept`.
pub fn print_result(result: &Result<Report>, changes: Option<&Changes>, kept: &str) {
    match result {
        Ok(report) => println!("{}", describe(report, changes)),
        Err(error) => match error.downcast_ref::<Problems>() {
            Some(problems) => eprintln!("{problems}\n{kept}"),
            None => eprintln!("error: {error:#}"),
        },
    }
}

fn sorted<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut items: Vec<T> = items.into_iter().collect();
    items.sort();
    items
}

pub fn describe(report: &Report, changes: Option<&Changes>) -> String {
    let what = match changes {
        None => "Built".to_owned(),
        Some(c) => {
            let mut parts: Vec<String> = Vec::new();
            if c.config {
                parts.push("site.yaml".into());
            }
            if c.templates {
                parts.push("templates".into());
            }
            // In order, so that the same changes always read the same.
            parts.extend(sorted(&c.content).into_iter().take(3).map(|p| format!("content/{p}")));
            parts.extend(sorted(&c.static_files).into_iter().take(3).map(|p| format!("static/{p}")));
            let more = c.content.len().saturating_sub(3) + c.static_files.len().saturating_sub(3);
            if more > 0 {
                parts.push(format!("{more} more"));
            }
            format!("Changed {}: rebuilt", parts.join(", "))
        }
    };
    let s = report.stats;
    format!(
        "{what} in {} ms ({}): {} Markdown file{} and {} template output{} rendered, {} reused; {} file{} written, {} removed",
        report.elapsed.as_millis(),
        if report.full { "full" } else { "incremental" },
        s.markdown_rendered,
        if s.markdown_rendered == 1 { "" } else { "s" },
        s.templates_rendered,
        if s.templates_rendered == 1 { "" } else { "s" },
        s.outputs_reused,
        report.written,
        if report.written == 1 { "" } else { "s" },
        report.removed,
    )
}
