//! Tera setup: the site's templates (or the embedded default theme), parsed once per build, the functions
//! templates call (`url`, `get_page`, `get_section`, `get_pages`), and template errors that name the
//! template file and line.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::diagnostics::Problem;

pub const TEMPLATES_DIR: &str = "templates";

/// The default theme, embedded by build.rs.
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/theme.rs"));
}

/// Template sources by name (`page.html`, `partials/stretch-card.html`), and where they came from.
#[derive(Clone)]
pub struct TemplateSet {
    pub sources: Vec<(String, String)>,
    /// `templates/` when read from the site, `None` for the embedded theme.
    pub dir: Option<String>,
}

impl TemplateSet {
    /// The ids the templates write as they are (`id="main"`, not `id="{{ x }}"`): a heading's id made from
    /// its text steps around them, so `## Steps` on a page whose theme has `id="steps"` gets `steps-1`. An id
    /// numbered in a loop from a written start (`id="topic-{{ loop.index }}"`) is there as `topic-*`: it
    /// stands for that start followed by a number (see `is_theme_id`).
    pub fn literal_ids(&self) -> crate::HashSet<String> {
        let mut ids = crate::HashSet::default();
        for (_, text) in &self.sources {
            for (at, _) in text.match_indices("id=") {
                if at == 0 || !text.as_bytes()[at - 1].is_ascii_whitespace() {
                    continue;
                }
                let rest = &text[at + 3..];
                let Some(quote) = rest.chars().next().filter(|&c| c == '"' || c == '\'') else { continue };
                let Some(value) = rest[1..].split(quote).next() else { continue };
                if !value.is_empty() && rest[1..].len() > value.len() && !value.contains(['{', '}']) && !value.contains(char::is_whitespace) {
                    ids.insert(value.to_owned());
                } else if let Some((start, _)) = value
                    .split_once("{{")
                    .filter(|(start, rest)| start.len() > 1 && start.ends_with(['-', '_']) && !start.contains(['{', '}', ' ']) && rest.trim_start().starts_with("loop.index"))
                {
                    ids.insert(format!("{start}*"));
                }
            }
        }
        ids
    }

    /// Whether `id` is one of `literal_ids`: written as it is, or a start written in a loop and a number.
    pub fn is_theme_id(ids: &crate::HashSet<String>, id: &str) -> bool {
        ids.contains(id)
            || id.char_indices().filter(|&(_, c)| c == '-' || c == '_').any(|(at, _)| {
                let (start, number) = id.split_at(at + 1);
                !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) && ids.contains(&format!("{start}*"))
            })
    }

    /// The site's `templates/` folder if it has one, else the embedded theme.
    pub fn load(root: &Path, ignore: &crate::ignore::Ignore) -> Result<TemplateSet, Vec<Problem>> {
        let dir = root.join(TEMPLATES_DIR);
        if !dir.is_dir() {
            let sources = embedded::TEMPLATES.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect();
            return Ok(TemplateSet { sources, dir: None });
        }
        let mut sources = Vec::new();
        let mut problems = Vec::new();
        for entry in WalkDir::new(&dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| ignore.walks_into(&dir, TEMPLATES_DIR, e)) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    problems.push(crate::content::walk_problem(&dir, TEMPLATES_DIR, &e));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let display = format!("{TEMPLATES_DIR}/{name}");
            match std::fs::read(entry.path()) {
                Ok(bytes) => match crate::content::decode_utf8(bytes, &display) {
                    Ok(text) => sources.push((name, text)),
                    Err(problem) => problems.push(problem),
                },
                Err(e) => problems.push(Problem::new(display, format!("cannot read: {e}"))),
            }
        }
        if problems.is_empty() { Ok(TemplateSet { sources, dir: Some(TEMPLATES_DIR.to_owned()) }) } else { Err(problems) }
    }

    /// The path shown in problems for template `name`.
    pub fn display_path(&self, name: &str) -> String {
        match &self.dir {
            Some(dir) => format!("{dir}/{name}"),
            None => format!("(default theme) {TEMPLATES_DIR}/{name}"),
        }
    }

    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.iter().find(|(n, _)| n == name).map(|(_, s)| s.as_str())
    }

    /// Whether rendering `name` writes an `<h1>`: it, or a template it extends, includes or imports, has one.
    pub fn writes_h1(&self, name: &str) -> bool {
        let mut names = vec![name];
        let mut k = 0;
        while let Some(&name) = names.get(k) {
            let Some(text) = self.source(name) else {
                k += 1;
                continue;
            };
            if text.contains("<h1") {
                return true;
            }
            for used in referenced_templates(text) {
                if !names.contains(&used) {
                    names.push(used);
                }
            }
            k += 1;
        }
        false
    }

    /// Whether rendering `name` can read other pages through `get_page`, `get_section` or `get_pages`, itself
    /// or through a template it extends, includes or imports. A reference that is not a plain template name
    /// counts as yes, and so does a mention in a comment: a streaming build renders a page before it knows
    /// every other page only when the answer is a sure no.
    pub fn may_look_up(&self, name: &str) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![name];
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            let Some(text) = self.source(name) else { return true };
            if ["get_page", "get_section"].iter().any(|f| text.contains(f)) || has_dynamic_reference(text) {
                return true;
            }
            stack.extend(referenced_templates(text));
        }
        false
    }

    /// Parses every template once. Errors name the template and the line.
    pub fn compile(&self) -> Result<Tera, Vec<Problem>> {
        // Parsing is most of the work (about half a millisecond a template with pest): templates parse on every
        // core at once, and each syntax error is reported against its own file.
        let parsed: Vec<Result<tera::Template, Problem>> = self.sources.par_iter().map(|(name, text)| tera::Template::new(name, None, text).map_err(|e| self.parse_problem(name, text, &e))).collect();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which makes every URL in the output unreadable; `/` is harmless.
        tera.set_escape_fn_borrowing(crate::markdown::escape_borrowing);
        let mut problems = Vec::new();
        for template in parsed {
            match template {
                Ok(template) => {
                    tera.templates.insert(template.name.clone(), template);
                }
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // A parent or macro file that is not there, at the tag that names it (Tera names no line).
        for template in tera.templates.values() {
            let named = template.parent.iter().map(|p| ("extends", p.as_str())).chain(template.imported_macro_files.iter().map(|(file, _)| ("import", file.as_str())));
            for (tag, missing) in named.filter(|(_, name)| !tera.templates.contains_key(*name)) {
                let text = self.source(&template.name).unwrap_or_default();
                let help = match crate::diagnostics::did_you_mean(missing, tera.templates.keys().map(String::as_str)) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("create {}, or fix the name", self.display_path(missing)),
                };
                let problem = Problem::new(self.display_path(&template.name), format!("`{tag}` names `{missing}`, which is not a template here"));
                let problem = match find_in_template(text, missing) {
                    Some((line, column)) => problem.at(text, line, column),
                    None => problem,
                };
                problems.push(problem.help(help));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        // What `Tera::add_raw_templates` does once every template is parsed.
        match tera.build_inheritance_chains().and_then(|()| tera.check_macro_files()) {
            Ok(()) => Ok(tera),
            Err(error) => Err(vec![Problem::new(TEMPLATES_DIR, error_chain(&error)).help("check that every template named in `extends`, `include` and `import` exists")]),
        }
    }

    fn parse_problem(&self, name: &str, text: &str, error: &tera::Error) -> Problem {
        let chain = error_chain(error);
        // Tera's parse errors carry a pest position: "--> 3:7".
        let position = chain.split("--> ").nth(1).and_then(|rest| {
            let mut numbers = rest.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty());
            Some((numbers.next()?.parse().ok()?, numbers.next()?.parse().ok()?))
        });
        let message = chain.lines().find(|l| l.trim_start().starts_with("= ")).map_or_else(
            || chain.lines().next().unwrap_or("syntax error").to_owned(),
            |l| l.trim_start().trim_start_matches("= ").to_owned(),
        );
        let problem = Problem::new(self.display_path(name), format!("template syntax error: {message}"));
        match position {
            Some((line, column)) => problem.at(text, line, column),
            None => problem,
        }
        .help("see the Tera documentation for the syntax of tags and expressions")
    }

    /// Turns a render error into a problem naming the template file and, where the error names a variable or
    /// function, the line where it is used.
    pub fn render_problem(&self, tera: &Tera, name: &str, error: &tera::Error, while_rendering: &str) -> Problem {
        let chain = error_chain(error);
        let message = chain.lines().last().unwrap_or(&chain);
        // Tera names the template it was rendering; the problem names the one with the mistake, and the
        // page, so that one mistake met through several templates is one problem.
        let message = message.split(" while rendering '").next().unwrap_or(message).to_owned();
        let failing = chain.split('\'').nth(1).filter(|n| self.source(n).is_some()).unwrap_or(name).to_owned();
        let failing = deepest_template(&chain, self).unwrap_or(failing);
        // A block a template inherits runs in the child's name: the mistake is in the first template up the
        // `extends` chain whose text has it.
        let parents = tera.get_template(&failing).map_or(&[][..], |t| t.parents.as_slice());
        // Then the templates they include or import, and so on: Tera names the including template for a
        // mistake in a partial.
        let mut candidates: Vec<&str> = std::iter::once(failing.as_str()).chain(parents.iter().map(String::as_str)).collect();
        let mut k = 0;
        while let Some(&name) = candidates.get(k) {
            for used in self.source(name).into_iter().flat_map(referenced_templates) {
                if !candidates.contains(&used) {
                    candidates.push(used);
                }
            }
            k += 1;
        }
        let located = named_in(&message).and_then(|needle| {
            candidates.iter().find_map(|&name| {
                let text = self.source(name)?;
                find_in_template(text, needle).map(|(line, column)| (name, text, line, column))
            })
        });
        let problem = match located {
            Some((name, text, line, column)) => Problem::new(self.display_path(name), message.clone()).at(text, line, column),
            None => Problem::new(self.display_path(&failing), message.clone()),
        }
        .rendering(while_rendering);
        let help = match backticked(&message) {
            Some(variable) if message.starts_with("Variable ") => match variable.split_once('.') {
                Some((object, field)) if matches!(object, "page" | "section") && !field.contains('.') => {
                    format!("fix the template: a {object} has no `{field}`; a value of your own goes under `extra:` in the front matter, read as `{object}.extra.{field}`")
                }
                _ => "fix the template, or give the value it reads".to_owned(),
            },
            _ => match (message.split(' ').next(), named_in(&message)) {
                (Some("Filter"), Some(name)) if message.ends_with("not found") => format!("fix the template: there is no filter `{name}` (see the Tera documentation for the filters it has)"),
                (Some("Function"), Some(name)) if message.ends_with("not found") => format!("fix the template: there is no function `{name}`"),
                (Some("Filter"), Some(name)) if message.contains("received an incorrect type") && message.contains("got `Null`") => {
                    format!("fix the template: `{name}` was given a value that is not there (a field some pages leave out): test it first, `{{% if ... %}}`, or give a `default`")
                }
                (Some("Template"), Some(name)) => format!("create templates/{name}, or fix the name in the template"),
                _ => "fix the template".to_owned(),
            },
        };
        problem.help(help)
    }
}

/// The last template named in Tera's error chain is where the error happened.
fn deepest_template(chain: &str, set: &TemplateSet) -> Option<String> {
    chain.split('\'').skip(1).step_by(2).filter(|n| set.source(n).is_some()).last().map(str::to_owned)
}

/// The name a render error is about: in backticks (a variable), or else in single quotes (a filter, a
/// function, an included template, which Tera puts in brackets).
fn named_in(message: &str) -> Option<&str> {
    backticked(message).or_else(|| message.split('\'').nth(1).map(|n| n.trim_start_matches('[').trim_end_matches(']')).filter(|n| !n.is_empty()))
}

fn backticked(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len]).filter(|s| !s.is_empty())
}

/// Line and column of `needle` inside a `{{ }}` or `{% %}` of the template.
fn find_in_template(text: &str, needle: &str) -> Option<(usize, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let col = line.find(needle)?;
        let before = &line[..col];
        (before.contains("{{") || before.contains("{%")).then(|| (i + 1, before.chars().count() + 1))
    })
}

/// Tera errors nest; their useful text is spread over the chain.
pub fn error_chain(error: &tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        text.push('\n');
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Site data the template functions look things up in; built once per build and shared by all renders
/// without copying the site into each render.
pub struct Lookup {
    pub base_url: String,
    pub base_path: String,
    /// Content source path (`stretches/x.md`) -> site-relative URL path.
    pub urls: Arc<crate::HashMap<String, String>>,
    /// Page source path -> index into `summaries`.
    pub page_index: Arc<crate::HashMap<String, usize>>,
    pub summaries: Arc<Vec<Arc<crate::summary::Summary>>>,
    /// Each page's rendered Markdown (for its table of contents), by page index.
    pub pages: Vec<Arc<crate::markdown::Rendered>>,
    /// Section source path -> the source paths of its subsections, and the section's value (with its pages
    /// and its subsections' titles and pages), built when asked for.
    pub sections: HashMap<String, (Vec<String>, SectionValue)>,
}

/// Builds a section's value for `get_section`.
pub type SectionValue = Box<dyn Fn() -> Value + Send + Sync>;

impl Lookup {
    /// Resolves a template URL argument: `@/path.md#x`, `/style.css` or `style.css`.
    pub fn url(&self, path: &str, absolute: bool) -> Result<String, String> {
        if crate::urls::is_external(path) {
            return Ok(path.to_owned());
        }
        // `#fragment` as written; the URL is built by concatenation (a theme calls `url()` a few times a page).
        let (path, fragment) = crate::urls::split_at_byte(path, b'#').map_or((path, ""), |(p, _)| (p, &path[p.len()..]));
        let prefix = if absolute { &self.base_url } else { &self.base_path };
        match path.strip_prefix("@/") {
            Some(source) => {
                record_read(format!("url:{source}"));
                let site_path = self.urls.get(source).ok_or_else(|| format!("url(): no content file `{source}`"))?;
                Ok([prefix, site_path.as_str(), fragment].concat())
            }
            None => Ok([prefix, path.trim_start_matches('/'), fragment].concat()),
        }
    }
}

thread_local! {
    /// What the template functions read during the render running on this thread (see `track_reads`).
    static READS: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

fn record_read(key: String) {
    READS.with(|reads| {
        if let Some(reads) = reads.borrow_mut().as_mut() {
            reads.push(key);
        }
    });
}

/// Runs `f` (one template render) and returns what the template functions read while it ran, as dependency
/// keys: a rebuild must re-render this output when one of them changes.
pub fn track_reads<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    READS.with(|reads| *reads.borrow_mut() = Some(Vec::new()));
    let result = f();
    let mut keys = READS.with(|reads| reads.borrow_mut().take()).unwrap_or_default();
    keys.sort_unstable();
    keys.dedup();
    (result, keys)
}

/// Registers the functions templates call.
pub fn register_functions(tera: &mut Tera, lookup: Arc<Lookup>) {
    let l = lookup.clone();
    tera.register_function("url", move |args: &HashMap<String, Value>| {
        let path = str_arg(args, "path")?;
        let absolute = args.get("absolute").and_then(Value::as_bool).unwrap_or(false);
        l.url(path, absolute).map(Value::String).map_err(tera::Error::msg)
    });
    let l = lookup.clone();
    tera.register_function("get_page", move |args: &HashMap<String, Value>| {
        let path = str_arg(args, "path")?.trim_start_matches("@/");
        record_read(format!("p:{path}"));
        record_read(format!("c:{path}"));
        let &i = l.page_index.get(path).ok_or_else(|| tera::Error::msg(format!("get_page(): no page `{path}`")))?;
        let mut page = l.summaries[i].value(None);
        page["toc"] = serde_json::to_value(&l.pages[i].toc).map_err(tera::Error::json)?;
        Ok(page)
    });
    let l = lookup.clone();
    tera.register_function("get_section", move |args: &HashMap<String, Value>| {
        let path = str_arg(args, "path")?.trim_start_matches("@/");
        record_read(format!("s:{path}"));
        record_read(format!("list:{path}"));
        let (subsections, build) = l.sections.get(path).ok_or_else(|| tera::Error::msg(format!("get_section(): no section `{path}`")))?;
        // The value holds each subsection's head and page list too.
        for sub in subsections {
            record_read(format!("s:{sub}"));
            record_read(format!("list:{sub}"));
        }
        Ok(build())
    });
    tera.register_function("get_pages", move |args: &HashMap<String, Value>| {
        let has = str_arg(args, "has")?;
        let sort_by = args.get("sort_by").and_then(Value::as_str).unwrap_or(has);
        record_read("all-pages".to_owned());
        let mut pages: Vec<&crate::summary::Summary> = lookup.summaries.iter().map(|p| &**p).filter(|p| !p.dotted(has).is_null()).collect();
        pages.sort_by(|a, b| compare_values(&a.dotted(sort_by), &b.dotted(sort_by)));
        Ok(Value::Array(pages.into_iter().map(|p| p.value(None)).collect()))
    });
}

/// Names of the templates that use (extend, include or import) any of `changed`, directly or not,
/// together with `changed` itself.
pub fn dependents(set: &TemplateSet, changed: &crate::HashSet<String>) -> crate::HashSet<String> {
    let mut affected = changed.clone();
    loop {
        let before = affected.len();
        for (name, text) in &set.sources {
            if !affected.contains(name) && referenced_templates(text).any(|r| affected.contains(r)) {
                affected.insert(name.clone());
            }
        }
        if affected.len() == before {
            return affected;
        }
    }
}

/// Template names in `{% extends %}`, `{% include %}` and `{% import %}` tags.
fn referenced_templates(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).filter_map(|tag| {
        let tag = tag.trim_start_matches(['-', ' ']);
        let rest = ["extends", "include", "import"].iter().find_map(|kw| tag.strip_prefix(kw))?;
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        rest[1..].split(quote).next()
    })
}

/// Whether an `extends`, `include` or `import` tag names its template other than by one quoted string.
fn has_dynamic_reference(text: &str) -> bool {
    text.split("{%").skip(1).any(|tag| {
        let tag = tag.trim_start_matches(['-', ' ']);
        ["extends", "include", "import"].iter().filter_map(|kw| tag.strip_prefix(kw)).any(|rest| !rest.trim_start().starts_with(['"', '\'']))
    })
}

fn str_arg<'a>(args: &'a HashMap<String, Value>, name: &str) -> tera::Result<&'a str> {
    args.get(name).and_then(Value::as_str).ok_or_else(|| tera::Error::msg(format!("missing string argument `{name}`")))
}

fn compare_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap_or(0.0).total_cmp(&y.as_f64().unwrap_or(0.0)),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// Renders template `name`, mapping errors to a problem. The output buffer starts at `capacity` bytes (a good
/// guess saves regrowing it).
pub fn render(tera: &Tera, set: &TemplateSet, name: &str, context: &Context, while_rendering: &str, capacity: usize) -> Result<String, Problem> {
    if set.source(name).is_none() {
        return Err(Problem::new(set.display_path(name), format!("template `{name}` does not exist (needed for {while_rendering})"))
            .help("create it, or fix the `template`/`page_template` front matter"));
    }
    tera.render_with_capacity(name, context, capacity).map_err(|error| set.render_problem(tera, name, &error, while_rendering))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(sources: &[(&str, &str)]) -> TemplateSet {
        TemplateSet { sources: sources.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect(), dir: Some("templates".into()) }
    }

    #[test]
    fn ids_numbered_in_a_loop_from_a_written_start_are_the_themes_with_a_number() {
        let ids = set(&[("index.html", "<main id=\"main\"><h3 id=\"topic-{{ loop.index }}\"></h3><div id=\"card-{{ slug }}\"></div><p id=\"{{ x }}\"></p></main>")]).literal_ids();
        for (id, theirs) in [("main", true), ("topic-1", true), ("topic-12", true), ("topic-1-1", false), ("topic-", false), ("topics", false), ("card-7", false), ("card-tricks", false), ("x", false)] {
            assert_eq!(TemplateSet::is_theme_id(&ids, id), theirs, "{id}");
        }
    }

    #[test]
    fn dependents_follow_extends_and_include() {
        let set = set(&[("base.html", ""), ("page.html", "{% extends \"base.html\" %}"), ("stretch.html", "{%- extends 'page.html' %}"), ("card.html", ""), ("routine.html", "{% include \"card.html\" %}")]);
        let changed = crate::HashSet::from_iter(["base.html".to_owned()]);
        let mut affected: Vec<_> = dependents(&set, &changed).into_iter().collect();
        affected.sort();
        assert_eq!(affected, ["base.html", "page.html", "stretch.html"]);
    }

    #[test]
    fn lookups_are_found_through_extends_include_and_import() {
        let set = set(&[
            ("base.html", "{% include \"nav.html\" %}"),
            ("nav.html", "{% set s = get_section(path=\"a/_index.md\") %}"),
            ("plain.html", "<p>{{ page.title }}</p>"),
            ("page.html", "{% extends \"base.html\" %}"),
            ("macros.html", "{% macro m() %}{{ get_pages(has=\"x\") | length }}{% endmacro %}"),
            ("uses-macros.html", "{% import 'macros.html' as m %}"),
            ("dynamic.html", "{% include template_name %}"),
        ]);
        assert!(!set.may_look_up("plain.html"));
        assert!(set.may_look_up("page.html"));
        assert!(set.may_look_up("uses-macros.html"));
        assert!(set.may_look_up("dynamic.html"));
        assert!(set.may_look_up("missing.html"));
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let problems = set(&[("page.html", "<h1>\n{{ page.title }\n")]).compile().unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].file, "templates/page.html");
        assert_eq!(problems[0].position.map(|p| p.line), Some(2));
    }

    #[test]
    fn render_errors_point_at_the_variable() {
        let set = set(&[("base.html", "<main>{% block main %}{% endblock %}</main>"), ("page.html", "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ page.titel }}</p>{% endblock %}")]);
        let tera = set.compile().unwrap();
        let mut context = Context::new();
        context.insert("page", &serde_json::json!({"title": "T"}));
        let problem = render(&tera, &set, "page.html", &context, "content/a.md", 0).unwrap_err();
        assert_eq!(problem.file, "templates/page.html");
        assert_eq!(problem.position.map(|p| (p.line, p.column)), Some((3, 7)), "{problem}");
        assert!(problem.message.contains("page.titel"), "{problem}");
    }

    /// The vendored Tera borrows path segments that hold no `~` (vendor/tera/PATCHES.md): lookups must still
    /// find what upstream finds, escapes included.
    #[test]
    fn dotted_lookups_find_what_upstream_finds() {
        let set = set(&[("t.html", "{{ page.title }}|{{ page.toc.1.id }}|{{ m[\"x~1y\"] }}|{{ m[\"a~0b\"] }}|{{ m[\"a~b\"] }}|{{ m.plain }}")]);
        let tera = set.compile().unwrap();
        let mut context = Context::new();
        context.insert("page", &serde_json::json!({"title": "T", "toc": [{"id": "one"}, {"id": "two"}]}));
        context.insert("m", &serde_json::json!({"x/y": "slash", "a~b": "tilde", "plain": "p"}));
        let html = render(&tera, &set, "t.html", &context, "content/a.md", 0).unwrap();
        assert_eq!(html, "T|two|slash|tilde|tilde|p");
    }

    /// Loop variables are looked up in place (PATCHES.md): over a list the loop owns (a filter's result) or
    /// borrows, over an object's entries, and behind an assignment of the same name, as upstream finds them.
    #[test]
    fn loop_variables_find_what_upstream_finds() {
        let text = concat!(
            "{% for p in pages | slice(end=2) %}{{ p.title }}:{{ p.meta.n }}:{{ loop.index }};{% endfor %}|",
            "{% for p in pages %}{{ p.title }}{% if p.meta %}{{ p.meta.n }}{% endif %};{% endfor %}|",
            "{% for k, v in m %}{{ k }}={{ v.x }};{% endfor %}|",
            "{% for k, v in m | default(value=1) %}{{ k }}={{ v.x }};{% endfor %}|",
            "{% for p in pages | reverse %}{% set p = \"shadow\" %}{{ p }}.{{ p.title }};{% endfor %}|",
            "{% for p in pages | slice(end=1) %}{{ p.meta.missing | default(value=\"none\") }}{% endfor %}",
        );
        let set = set(&[("t.html", text)]);
        let tera = set.compile().unwrap();
        let mut context = Context::new();
        context.insert("pages", &serde_json::json!([{"title": "A", "meta": {"n": 1}}, {"title": "B", "meta": {"n": 2}}, {"title": "C"}]));
        context.insert("m", &serde_json::json!({"one": {"x": 1}, "two": {"x": "2"}}));
        let html = render(&tera, &set, "t.html", &context, "content/a.md", 0).unwrap();
        assert_eq!(html, "A:1:1;B:2:2;|A1;B2;C;|one=1;two=2;|one=1;two=2;|shadow.C;shadow.B;shadow.A;|none");
    }

    /// The vendored Tera's contexts can share a value (PATCHES.md): templates see it as an inserted copy, the
    /// context dumped whole holds it, and it stays whole for the next context that shares it.
    #[test]
    fn a_shared_value_renders_as_an_inserted_one() {
        let set = set(&[("t.html", "{{ s.a }}|{{ s.list | length }}|{% for k, v in s %}{{ k }}{% endfor %}|{{ __tera_context | safe }}")]);
        let tera = set.compile().unwrap();
        let shared = std::sync::Arc::new(serde_json::json!({"a": "x<y", "list": [1, 2]}));
        let (mut inserted, mut sharing) = (Context::new(), Context::new());
        inserted.insert("s", &*shared);
        sharing.insert_shared("s", shared.clone());
        let html = render(&tera, &set, "t.html", &sharing, "content/a.md", 0).unwrap();
        assert_eq!(html, render(&tera, &set, "t.html", &inserted, "content/a.md", 0).unwrap());
        assert!(html.starts_with("x&lt;y|2|alist|{"), "{html}");
        assert!(html.contains("\"a\": \"x<y\""), "{html}");
        assert_eq!(sharing.remove("s").as_ref(), Some(&*shared));
        assert_eq!(std::sync::Arc::strong_count(&shared), 1, "the context let go of its share");
    }

    /// The vendored Tera writes text as it is and tests variables for truth unescaped (PATCHES.md): what a
    /// template renders must not change, escaping included.
    #[test]
    fn text_values_and_truth_tests_render_as_upstream() {
        let source = "<p>{{ s }}</p>{% filter safe %}<i>{{ s }}</i>{% endfilter %}{% if s %}[set]{% endif %}{% if not empty %}[empty]{% endif %}{% if s and not empty %}[both]{% endif %}{% if s == \"a<b\" %}[raw]{% endif %}{% if s == \"a&lt;b\" %}[escaped]{% endif %}{{ n }}";
        let set = set(&[("t.html", source)]);
        let tera = set.compile().unwrap();
        let mut context = Context::new();
        context.insert("s", "a<b");
        context.insert("empty", "");
        context.insert("n", &1.5);
        let html = render(&tera, &set, "t.html", &context, "content/a.md", 0).unwrap();
        // A comparison escapes both sides, as upstream's does: the literal `a<b` matches, `a&lt;b` does not.
        assert_eq!(html, "<p>a&lt;b</p><i>a&lt;b</i>[set][empty][both][raw]1.5");
    }

    #[test]
    fn url_resolves_content_paths_and_keeps_fragments() {
        let urls = crate::HashMap::from_iter([("stretches/x.md".to_owned(), "stretches/x/".to_owned())]);
        let lookup = Lookup {
            base_url: "https://u.github.io/repo/".into(),
            base_path: "/repo/".into(),
            urls: Arc::new(urls),
            page_index: Arc::default(),
            summaries: Arc::default(),
            pages: Vec::new(),
            sections: HashMap::new(),
        };
        let (results, reads) = track_reads(|| {
            ["@/stretches/x.md#how", "/style.css", "style.css", "/", "#top", "https://example.org/a#b", "@/stretches/x.md"]
                .map(|path| lookup.url(path, false).unwrap())
        });
        assert_eq!(results, ["/repo/stretches/x/#how", "/repo/style.css", "/repo/style.css", "/repo/", "/repo/#top", "https://example.org/a#b", "/repo/stretches/x/"]);
        assert_eq!(reads, ["url:stretches/x.md"]);
        assert_eq!(lookup.url("@/stretches/x.md#a", true).unwrap(), "https://u.github.io/repo/stretches/x/#a");
        assert_eq!(lookup.url("@/nope.md", false).unwrap_err(), "url(): no content file `nope.md`");
    }
}
