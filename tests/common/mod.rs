//! Helpers shared by the integration tests: small sites written into temporary folders, and builds that
//! return either the summary or the exact text an author would see.

#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use psoas::cmd::build::{BuildArgs, Summary, build};

/// The fixture site whose templates the small test sites share: minimal, so the tests exercise every
/// context variable without depending on the bundled theme.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub const SITE_YAML: &str = "title: Test site\nbase_url: https://example.org/repo/\ndescription: A site for tests.\ntaxonomies: [tags]\n";

/// A site in a temporary folder: `site.yaml`, the minimal templates, `static/style.css`, a home page, and
/// `files` (path -> text) on top, which may replace any of them.
pub fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "site.yaml", SITE_YAML);
    let templates = fixture("basic").join("templates");
    for (name, bytes) in snapshot_tree(&templates) {
        write(dir.path(), &format!("templates/{name}"), std::str::from_utf8(&bytes).unwrap());
    }
    write(dir.path(), "static/style.css", "body{}\n");
    write(dir.path(), "content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub fn args() -> BuildArgs {
    BuildArgs { base_url: None, output: PathBuf::from("public"), drafts: false }
}

/// Builds the site; on failure, the exact text printed to the author.
pub fn try_build(root: &Path) -> Result<Summary, String> {
    build(root, &args()).map_err(|e| match e.downcast_ref::<psoas::diagnostics::Problems>() {
        Some(problems) => problems.to_string(),
        None => format!("{e:#}"),
    })
}

/// The build's error text, failing the test if it succeeded.
pub fn build_error(root: &Path) -> String {
    match try_build(root) {
        Ok(_) => panic!("the build should have failed"),
        Err(text) => text,
    }
}

/// Every file below `dir` (relative path -> bytes), sorted.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}
