//! The site's configuration, `site.yaml`: typed, with unknown keys rejected (and the nearest valid key
//! suggested), and the base URL split once into the absolute form and the path every emitted URL starts with.

use std::path::Path;

use serde::Deserialize;

use crate::content::front_matter::yaml_problem;
use crate::diagnostics::Problem;
use crate::ignore::Ignore;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Where the site is published, e.g. `https://user.github.io/repo/`.
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub author: String,
    /// Taxonomy names; each gets a list page `/<name>/` and a page per term.
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    /// Custom domain for GitHub Pages; written to the `CNAME` file.
    #[serde(default)]
    pub cname: Option<String>,
    /// Content source path (with optional `#anchor`) of the page listing urgent symptoms; the theme links to
    /// it from every stretch page. Exposed to templates as `red_flags_url`.
    #[serde(default)]
    pub red_flags_page: Option<String>,
    /// Content source path (with optional `#anchor`) of the medical disclaimer; exposed as `disclaimer_url`.
    #[serde(default)]
    pub disclaimer_page: Option<String>,
    /// Public source repository, where readers can report an error.
    #[serde(default)]
    pub repository: Option<String>,
    /// Entries per page of a section's or a term's list, for templates that use `paginator`; a longer list
    /// is split over pages `page/2/`, `page/3/`... A section's front matter can set its own; 0 keeps every list
    /// on one page.
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    /// Free-form values for the site's templates.
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
    /// Files under `content/`, `templates/` and `static/` that are not part of the site, as `.gitignore`
    /// lines name them (`*.psd`, `content/stretches/notes/`).
    #[serde(default, rename = "ignore")]
    ignore_patterns: Vec<String>,
    /// `ignore`, compiled.
    #[serde(skip)]
    pub ignore: Ignore,
}

fn default_language() -> String {
    "en".to_owned()
}

fn default_paginate_by() -> usize {
    20
}

fn default_taxonomies() -> Vec<String> {
    vec!["tags".to_owned()]
}

const KEYS: &[&str] = &[
    "title", "base_url", "description", "language", "author", "taxonomies", "cname", "red_flags_page", "disclaimer_page",
    "repository", "paginate_by", "extra", "ignore",
];

impl Config {
    /// Parses `site.yaml` text; `file` is the name shown in problems.
    pub fn parse(source: &str, file: &str) -> Result<Config, Problem> {
        // Some editors start a file with a byte-order mark: it is not part of the first key.
        let source = source.strip_prefix('\u{feff}').unwrap_or(source);
        let mut config: Config = serde_yaml::from_str(source).map_err(|e| yaml_problem(&e, source, source, file, 1, KEYS))?;
        config.base_url = normalize_base_url(&config.base_url)
            .map_err(|message| Problem::new(file, message).at(source, key_line(source, "base_url"), 1))?;
        for name in &config.taxonomies {
            if name == "page" {
                let (line, column) = value_position(source, "taxonomies", name);
                return Err(Problem::new(file, "taxonomy name `page` is taken: a paginated list's later pages are written at `page/2/`, `page/3/`…, the home page's at `/page/2/`")
                    .at(source, line, column)
                    .help("give the taxonomy another name, e.g. `pages` or `topics`"));
            }
            if crate::urls::slugify(name) != *name {
                let (line, column) = value_position(source, "taxonomies", name);
                return Err(Problem::new(file, format!("taxonomy name `{name}` is not usable in a URL"))
                    .at(source, line, column)
                    .help(format!("use lowercase letters, digits and hyphens, e.g. `{}`", crate::urls::slugify(name))));
            }
        }
        config.ignore = Ignore::new(&config.ignore_patterns).map_err(|(i, message, help)| {
            let (line, column) = value_position(source, "ignore", &config.ignore_patterns[i]);
            Problem::new(file, message).at(source, line, column).help(help)
        })?;
        if let Some(cname) = &mut config.cname {
            *cname = cname.trim().to_owned();
            let at = |problem: Problem| problem.at(source, key_line(source, "cname"), 1);
            if cname.is_empty() || cname.contains(|c: char| c == '/' || c == ':' || c.is_whitespace()) {
                return Err(at(Problem::new(file, format!("cname `{cname}` is not a domain name")))
                    .help("write the bare domain GitHub Pages serves the site at, e.g. `cname: psoas.example.org`, with no scheme or path"));
            }
        }
        if let Some(message) = config.cname_mismatch() {
            return Err(Problem::new(file, message).at(source, key_line(source, "cname"), 1).help(config.cname_help()));
        }
        if let Some(repository) = &mut config.repository {
            *repository = repository.trim().to_owned();
            // The theme links to it from every page: a mistake here would be a broken link on each of them.
            let host = ["https://", "http://"].iter().find_map(|scheme| repository.strip_prefix(scheme));
            if host.is_none_or(|rest| rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace)) {
                return Err(Problem::new(file, format!("repository `{repository}` is not a web address"))
                    .at(source, key_line(source, "repository"), 1)
                    .help("write the address of the site's public source, e.g. `repository: https://github.com/user/repo`"));
            }
        }
        Ok(config)
    }

    /// A `cname` that is not the host of `base_url`: GitHub Pages would serve the site at the custom domain,
    /// where every link made from the base URL points at the wrong place.
    pub fn cname_mismatch(&self) -> Option<String> {
        let cname = self.cname.as_deref()?;
        let host = self.base_url.split_once("://").map_or("", |(_, rest)| rest.split(['/', ':']).next().unwrap_or(""));
        if !host.eq_ignore_ascii_case(cname) {
            return Some(format!("cname `{cname}` is not the host of base_url `{}`: GitHub Pages would serve the site at https://{cname}/, where its links break", self.base_url));
        }
        // GitHub Pages serves a custom domain's site at the domain's root.
        (self.base_path() != "/").then(|| {
            format!("base_url `{}` has the path `{}`, but GitHub Pages serves the site of cname `{cname}` at https://{cname}/, where its links break", self.base_url, self.base_path())
        })
    }

    pub fn cname_help(&self) -> String {
        let cname = self.cname.as_deref().unwrap_or_default();
        format!("publish for the custom domain with `base_url: https://{cname}/`, or remove `cname`")
    }

    pub fn from_site_root(root: &Path) -> Result<Config, Problem> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            let problem = Problem::new(CONFIG_FILE, format!("cannot read {}: {e}", path.display()));
            match e.kind() {
                std::io::ErrorKind::NotFound => problem.help("run `psoas init` to create a site, or run psoas from the folder that holds site.yaml"),
                _ => problem,
            }
        })?;
        let source = crate::content::decode_utf8(bytes, CONFIG_FILE)?;
        Config::parse(&source, CONFIG_FILE)
    }

    /// Replaces the base URL (from `--base-url`).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = normalize_base_url(url)?;
        Ok(())
    }

    /// The path part of the base URL, with leading and trailing slash: `/repo/` or `/`.
    pub fn base_path(&self) -> &str {
        // This runs for every link of every page: the URL's few bytes are read with plain loops, where a
        // substring search, or even `str::find` for one character, costs more in getting started.
        let bytes = self.base_url.as_bytes();
        let after_scheme = match bytes.iter().position(|&b| b == b':') {
            Some(colon) if bytes[colon + 1..].starts_with(b"//") => colon + 3,
            _ => 0,
        };
        bytes[after_scheme..].iter().position(|&b| b == b'/').map_or("/", |i| &self.base_url[after_scheme + i..])
    }
}

fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!("base_url `{url}` is not an absolute URL; write it like `https://user.github.io/repo/`"));
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.starts_with('/') {
        return Err(format!("base_url `{url}` must start with http:// or https:// followed by a host"));
    }
    if url.contains(['?', '#', ' ']) {
        return Err(format!("base_url `{url}` must not contain a query, a fragment or spaces"));
    }
    // Slashes doubled in the path (`${BASE}/` with a BASE that ends in one) would make every link
    // protocol-relative (`//style.css`, another host) or a folder that does not exist: they are one slash.
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut url = format!("{scheme}://{host}/");
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        url.push_str(segment);
        url.push('/');
    }
    Ok(url)
}

/// 1-based line of a top-level `key:` in YAML text (1 when absent).
pub fn key_line(source: &str, key: &str) -> usize {
    source.lines().position(|line| line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':'))).map_or(1, |i| i + 1)
}

/// 1-based line and column of `value` in the value of the top-level `key`.
fn value_position(source: &str, key: &str, value: &str) -> (usize, usize) {
    crate::diagnostics::value_position(source, (key_line(source, key), 1), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_comes_from_the_base_url() {
        let config = Config::parse("title: T\nbase_url: https://user.github.io/repo", "site.yaml").unwrap();
        assert_eq!(config.base_url, "https://user.github.io/repo/");
        assert_eq!(config.base_path(), "/repo/");
        let config = Config::parse("title: T\nbase_url: https://example.org", "site.yaml").unwrap();
        assert_eq!(config.base_path(), "/");
        assert_eq!(config.taxonomies, ["tags"]);
        let config = Config::parse("title: T\nbase_url: http://localhost:8080/docs/v2/", "site.yaml").unwrap();
        assert_eq!(config.base_path(), "/docs/v2/");
    }

    #[test]
    fn doubled_slashes_in_the_base_url_are_one() {
        for (written, url, path) in [
            ("https://example.org//", "https://example.org/", "/"),
            ("https://user.github.io/repo//", "https://user.github.io/repo/", "/repo/"),
            ("https://user.github.io//docs///v2", "https://user.github.io/docs/v2/", "/docs/v2/"),
        ] {
            let config = Config::parse(&format!("title: T\nbase_url: {written}\n"), "site.yaml").unwrap();
            assert_eq!((config.base_url.as_str(), config.base_path()), (url, path), "{written}");
        }
    }

    #[test]
    fn unknown_keys_suggest_the_nearest_one() {
        let problem = Config::parse("title: T\nbase_url: https://e.org/\ndescripton: x\n", "site.yaml").unwrap_err();
        assert_eq!(
            problem.to_string(),
            "error: site.yaml:3:1: unknown key `descripton`\n  |\n3 | descripton: x\n  | ^\n  = help: did you mean `description`?\n"
        );
    }

    #[test]
    fn the_repository_is_a_web_address() {
        let config = Config::parse("title: T\nbase_url: https://e.org/\nrepository: ' https://github.com/u/r '\n", "site.yaml").unwrap();
        assert_eq!(config.repository.as_deref(), Some("https://github.com/u/r"));
        for wrong in ["not a url", "github.com/u/r", "https://", "ftp://x.org/r"] {
            let problem = Config::parse(&format!("title: T\nbase_url: https://e.org/\nrepository: {wrong}\n"), "site.yaml").unwrap_err();
            assert_eq!((problem.position.unwrap().line, problem.message.as_str()), (3, format!("repository `{wrong}` is not a web address").as_str()));
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_key() {
        let config = Config::parse("\u{feff}title: T\nbase_url: https://e.org/\n", "site.yaml").unwrap();
        assert_eq!(config.title, "T");
    }

    #[test]
    fn cname_is_a_bare_domain_and_the_host_of_base_url() {
        let config = Config::parse("title: T\nbase_url: https://Psoas.example.org/\ncname: psoas.example.org\n", "site.yaml").unwrap();
        assert_eq!(config.cname.as_deref(), Some("psoas.example.org"));
        let problem = Config::parse("title: T\nbase_url: https://x.com/\ncname: https://x.com/\n", "site.yaml").unwrap_err();
        assert_eq!((problem.position.unwrap().line, problem.message.as_str()), (3, "cname `https://x.com/` is not a domain name"));
        let problem = Config::parse("title: T\nbase_url: https://user.github.io/repo/\ncname: other.org\n", "site.yaml").unwrap_err();
        assert_eq!(problem.position.unwrap().line, 3);
        assert!(problem.message.contains("is not the host of base_url `https://user.github.io/repo/`"), "{problem}");
        assert!(problem.to_string().contains("help: publish for the custom domain with `base_url: https://other.org/`"), "{problem}");
    }

    #[test]
    fn an_unusable_ignore_pattern_is_reported_where_it_is_written() {
        let config = Config::parse("title: T\nbase_url: https://e.org/\nignore: ['*.psd', Thumbs.db]\n", "site.yaml").unwrap();
        assert_eq!(config.ignore.pattern_for("content/a/b.psd"), Some("*.psd"));
        let problem = Config::parse("title: T\nbase_url: https://e.org/\nignore:\n  - '*.psd'\n  - notes/*.md\n", "site.yaml").unwrap_err();
        let position = problem.position.as_ref().unwrap();
        assert_eq!((position.line, position.column, problem.message.as_str()), (5, 5, "ignore pattern `notes/*.md` names no file under content/, templates/ or static/"));
        let problem = Config::parse("title: T\nbase_url: https://e.org/\nignore: [a.txt, '!b.txt']\n", "site.yaml").unwrap_err();
        assert_eq!((problem.position.as_ref().unwrap().line, problem.position.as_ref().unwrap().column), (3, 18));
    }

    #[test]
    fn a_taxonomy_cannot_take_the_folder_of_the_home_pages_later_list_pages() {
        let problem = Config::parse("title: T\nbase_url: https://e.org/\ntaxonomies: [pages, page]\n", "site.yaml").unwrap_err();
        let position = problem.position.as_ref().unwrap();
        assert_eq!((position.line, position.column), (3, 21), "at the name, not inside `pages`");
        assert!(problem.message.starts_with("taxonomy name `page` is taken"), "{problem}");
    }

    #[test]
    fn a_taxonomy_name_unfit_for_a_url_is_reported_at_it() {
        let problem = Config::parse("title: T\nbase_url: https://e.org/\ntaxonomies:\n  - tags\n  - Body Parts\n", "site.yaml").unwrap_err();
        let position = problem.position.as_ref().unwrap();
        assert_eq!((position.line, position.column, problem.message.as_str()), (5, 5, "taxonomy name `Body Parts` is not usable in a URL"));
        assert_eq!(problem.help.as_deref(), Some("use lowercase letters, digits and hyphens, e.g. `body-parts`"));
    }

    #[test]
    fn a_custom_domain_serves_the_site_at_its_root() {
        let problem = Config::parse("title: T\nbase_url: https://www.example.org/docs/\ncname: www.example.org\n", "site.yaml").unwrap_err();
        assert_eq!(problem.position.unwrap().line, 3);
        assert!(problem.message.starts_with("base_url `https://www.example.org/docs/` has the path `/docs/`, but GitHub Pages serves"), "{problem}");
        assert!(problem.to_string().contains("help: publish for the custom domain with `base_url: https://www.example.org/`"), "{problem}");
    }

    #[test]
    fn relative_base_urls_are_rejected() {
        let problem = Config::parse("title: T\nbase_url: /repo/\n", "site.yaml").unwrap_err();
        assert_eq!(problem.position.unwrap().line, 2);
        assert!(problem.message.contains("not an absolute URL"), "{problem}");
    }
}
