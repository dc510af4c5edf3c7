//! Writing the site: refuse output folders that would destroy sources, write everything into a fresh folder
//! beside the output, then swap it in with one rename, so a failed build leaves the previous output exactly
//! as it was and readers of the folder never see a half-written site.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use crate::render::{Body, Output};
use crate::site::StaticSource;

/// A file psoas puts in every output folder it writes, so it can tell its own output from a user's folder.
pub const MARKER: &str = ".psoas-output";
pub const MARKER_TEXT: &str = "This folder is written by `psoas build` and replaced on every build.\n";

/// Resolves `output` against the site root and refuses folders a build must never replace.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf> {
    let root = fs::canonicalize(root).with_context(|| format!("cannot resolve the site folder {}", root.display()))?;
    let output = absolute_clean(&root, output);
    let protected = [root.clone(), root.join("content"), root.join("templates"), root.join("static"), root.join("site.yaml")];
    for dir in &protected {
        if dir.starts_with(&output) {
            bail!("refusing to use {} as the output folder: it contains the site's sources ({})", output.display(), dir.display());
        }
        if output.starts_with(dir) && dir != &root {
            bail!("refusing to use {} as the output folder: it is inside the site's sources ({})", output.display(), dir.display());
        }
    }
    if output.is_file() {
        bail!("the output path {} is a file, not a folder", output.display());
    }
    if output.is_dir() && !output.join(MARKER).is_file() {
        let mut entries = fs::read_dir(&output).with_context(|| format!("cannot read {}", output.display()))?;
        if entries.next().is_some() {
            bail!(
                "refusing to replace {}: the folder is not empty and was not written by psoas (it has no {MARKER} file); choose another --output or empty it yourself",
                output.display()
            );
        }
    }
    Ok(output)
}

/// An absolute path with `.` and `..` resolved lexically, and symlinks in its existing part resolved.
fn absolute_clean(root: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_owned() } else { root.join(path) };
    let mut clean = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::ParentDir => {
                clean.pop();
            }
            std::path::Component::CurDir => {}
            other => clean.push(other),
        }
    }
    // Resolve symlinks of the longest existing prefix, so a link pointing at the site root is recognised.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_owned()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_owned();
            }
            _ => break,
        }
    }
    let mut resolved = fs::canonicalize(&existing).unwrap_or(existing);
    resolved.extend(rest.into_iter().rev());
    resolved
}

/// A new site being written beside the output folder; dropped without `swap_in`, it is deleted and the
/// output folder is untouched.
pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
}

impl Staging {
    pub fn new(output: &Path) -> Result<Staging> {
        let parent = output.parent().context("the output folder has no parent folder")?;
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output.file_name().context("the output folder has no name")?.to_string_lossy();
        let dir = tempfile::Builder::new().prefix(&format!(".{name}.psoas-new-")).tempdir_in(parent).with_context(|| format!("cannot create a folder in {}", parent.display()))?;
        Ok(Staging { dir, output: output.to_owned() })
    }

    /// Creates the folders of these output paths, each once: one depth at a time, parents first, and the
    /// folders of one depth in parallel (a large site has thousands of page folders side by side).
    pub fn create_dirs<'a>(&self, paths: impl Iterator<Item = &'a str>) -> Result<()> {
        let dirs: BTreeSet<&str> = paths.filter_map(|p| p.rsplit_once('/').map(|(d, _)| d)).flat_map(ancestors).collect();
        let mut by_depth: Vec<Vec<&str>> = Vec::new();
        for dir in dirs {
            let depth = dir.matches('/').count();
            by_depth.resize_with(by_depth.len().max(depth + 1), Vec::new);
            by_depth[depth].push(dir);
        }
        for level in by_depth {
            level.par_iter().with_max_len(crate::BATCH).try_for_each(|dir| {
                let path = self.dir.path().join(dir);
                match fs::create_dir(&path) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => Err(e).with_context(|| format!("cannot create {}", path.display())),
                    _ => Ok(()),
                }
            })?;
        }
        Ok(())
    }

    /// Writes one output whose folder exists, then frees its HTML: the file holds it now.
    pub fn write(&self, output: &Output) -> io::Result<()> {
        write_output(output, &self.dir.path().join(&output.path))?;
        output.drop_html();
        Ok(())
    }

    /// Writes the outputs not written yet, in parallel.
    pub fn write_outputs(&self, outputs: &[Arc<Output>]) -> Result<()> {
        let pending: Vec<&Arc<Output>> = outputs.iter().filter(|o| !o.is_written()).collect();
        self.create_dirs(pending.iter().map(|o| o.path.as_str()))?;
        pending.par_iter().try_for_each(|o| self.write(o).with_context(|| format!("cannot write {}", self.dir.path().join(&o.path).display())))
    }

    pub fn swap_in(self) -> Result<()> {
        fs::write(self.dir.path().join(MARKER), MARKER_TEXT)?;
        let output = self.output.clone();
        swap_in(self.dir, &output)
    }
}

/// `a/b/c` -> `a`, `a/b`, `a/b/c`.
fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    dir.match_indices('/').map(move |(i, _)| &dir[..i]).chain(std::iter::once(dir))
}

/// Writes an output's bytes to `dest`; a static file on disk is copied (never hard-linked: editing the
/// output must not change the source).
pub fn write_output(output: &Output, dest: &Path) -> io::Result<()> {
    match &output.body {
        Body::Html { text, .. } => text.with(|t| fs::write(dest, t.expect("an output's HTML is dropped only once written"))),
        Body::Text(text) => fs::write(dest, text),
        Body::Static(StaticSource::Embedded(bytes)) => fs::write(dest, bytes),
        Body::Static(StaticSource::Disk(source)) => fs::copy(source, dest).map(|_| ()),
    }
}

/// Replaces `output` with `staging`: an atomic exchange where the system offers one, else two renames.
fn swap_in(staging: tempfile::TempDir, output: &Path) -> Result<()> {
    if !output.exists() {
        let staging = staging.keep();
        return fs::rename(&staging, output).with_context(|| format!("cannot move the new site to {}", output.display()));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging.path(), CWD, output, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the previous output and is removed when dropped.
            return Ok(());
        }
    }
    let parent = output.parent().context("the output folder has no parent folder")?;
    let old = tempfile::Builder::new().prefix(".psoas-old-").tempdir_in(parent)?;
    let old_path = old.path().join("site");
    fs::rename(output, &old_path).with_context(|| format!("cannot move the previous output {} aside", output.display()))?;
    let staging_path = staging.keep();
    if let Err(e) = fs::rename(&staging_path, output) {
        let _ = fs::rename(&old_path, output);
        let _ = fs::remove_dir_all(&staging_path);
        return Err(e).with_context(|| format!("cannot move the new site to {}", output.display()));
    }
    Ok(())
}
