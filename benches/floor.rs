//! The floor: the least work any generator must do for the synthetic site. Read every Markdown file, render
//! its body with pulldown-cmark (same options as psoas), write it to the same pretty-URL layout. No
//! templates, no links, no indexes, no front matter parsing beyond skipping it. Parallel like psoas.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

pub fn run(content: &Path, output: &Path) {
    let files: Vec<_> = walkdir::WalkDir::new(content)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.par_iter().for_each(|path| {
        let text = fs::read_to_string(path).unwrap();
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, psoas::markdown::options()));
        let rel = path.strip_prefix(content).unwrap().with_extension("");
        let dir = if rel.file_name().is_some_and(|n| n == "_index") { output.join(rel.parent().unwrap()) } else { output.join(rel) };
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("index.html"), html).unwrap();
    });
}
