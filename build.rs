//! Embeds the default theme (`templates/` and `static/`) in the binary, so `psoas init` can scaffold a site
//! from it and a site without a `templates/` folder still renders.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    for (name, dir, text) in [("TEMPLATES", "templates", true), ("STATIC_FILES", "static", false)] {
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        let mut files = Vec::new();
        collect_files(&base, &mut files);
        files.sort();
        let ty = if text { "&str" } else { "&[u8]" };
        let include = if text { "include_str" } else { "include_bytes" };
        writeln!(code, "pub static {name}: &[(&str, {ty})] = &[").unwrap();
        for file in files {
            let rel = file.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
            writeln!(code, "    ({rel:?}, {include}!({:?})),", file.display().to_string()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme.rs");
    fs::write(out, code).expect("write theme.rs");
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Editor swap and backup files are never part of the theme.
        if name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") {
            continue;
        }
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}
