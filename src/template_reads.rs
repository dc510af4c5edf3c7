//! Which fields of page summaries a template can read. A listing (a section, a term) shows a summary of each
//! of its pages, and a page shows its neighbours'; when a page changes only in fields that those templates
//! never read (on a text edit, usually just its word count), they need not be rendered again.
//!
//! The answer comes from the syntax trees of the template, the templates it extends, includes and imports, and
//! it errs towards "every field": a template that serializes values (`json_encode`), looks keys up by computed
//! names, walks an object's keys, or compares or tests whole summaries reads them all. Otherwise the fields it
//! can read are among the names it spells out: path segments (`p.title`), quoted keys (`p["title"]`) and
//! string arguments (`sort(attribute="date")`, `get_pages(has="stretch.routine")`).

use tera::Tera;
use tera::ast::{Expr, ExprVal, LogicOperator, Node};

use crate::{HashMap, HashSet};

/// Context variables that hold page summaries, or lists of them: the page itself and its neighbours, and the
/// listings `section.pages`, `section.subsections[*].pages` and `term.pages`.
const SUMMARY_ROOTS: [&str; 5] = ["page", "prev", "next", "section", "term"];

/// Path endings that name a list of summaries rather than one field of one.
const LISTS: [&str; 2] = ["pages", "subsections"];

/// Filters whose result can still be a summary, or a list of them.
const PASS_THROUGH: [&str; 11] = ["first", "last", "nth", "slice", "reverse", "sort", "unique", "concat", "filter", "group_by", "default"];

/// Filters that take one element of a list.
const ELEMENT: [&str; 3] = ["first", "last", "nth"];

/// Tests that look at a value's type or presence, not its contents.
const TYPE_TESTS: [&str; 9] = ["defined", "undefined", "string", "number", "object", "iterable", "odd", "even", "divisibleby"];

/// For each template: the names among which are all the summary fields it can read (with what it extends,
/// includes and imports), or `None` when it may read any field.
pub type SummaryFields = HashMap<String, Option<HashSet<String>>>;

/// Worked out from the templates as `tera` parsed them for the build.
pub fn summary_fields(tera: &Tera) -> SummaryFields {
    tera.templates.keys().map(|name| (name.clone(), fields_of(&tera.templates, name))).collect()
}

fn fields_of(parsed: &std::collections::HashMap<String, tera::Template>, name: &str) -> Option<HashSet<String>> {
    let family = family(parsed, name)?;
    let roots: HashSet<String> = SUMMARY_ROOTS.iter().map(|r| r.to_string()).collect();
    let mut scan = Scan { carrying: roots.clone(), others: roots, ..Scan::default() };
    // Which variables can hold summaries: loop variables and `set` names bound to them, and macro arguments.
    loop {
        let before = scan.carrying.len();
        for template in &family {
            for_each_body(template, &mut |nodes| walk(nodes, &mut |node| scan.bind(node)));
            for name in template.macros.values().flat_map(|m| m.args.keys()) {
                scan.carrying.insert(name.clone());
                scan.others.insert(name.clone());
            }
        }
        if scan.carrying.len() == before {
            break;
        }
    }
    for template in &family {
        for_each_body(template, &mut |nodes| walk(nodes, &mut |node| scan.node(node)));
        for default in template.macros.values().flat_map(|m| m.args.values().flatten()) {
            scan.expr(default);
        }
    }
    (!scan.reads_all).then_some(scan.names)
}

/// The template with every template it extends, includes or imports, or `None` if one of them is missing.
fn family<'a>(parsed: &'a std::collections::HashMap<String, tera::Template>, name: &str) -> Option<Vec<&'a tera::Template>> {
    let mut family = Vec::new();
    let mut seen = HashSet::default();
    let mut stack = vec![name.to_owned()];
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let template = parsed.get(&name)?;
        stack.extend(template.parent.iter().cloned());
        stack.extend(template.imported_macro_files.iter().map(|(file, _)| file.clone()));
        let mut missing_allowed = Vec::new();
        for_each_body(template, &mut |nodes| {
            walk(nodes, &mut |node| {
                if let Node::Include(_, names, ignore_missing) = node {
                    if *ignore_missing {
                        missing_allowed.extend(names.iter().filter(|n| parsed.contains_key(n.as_str())).cloned());
                    } else {
                        stack.extend(names.iter().cloned());
                    }
                }
            })
        });
        stack.extend(missing_allowed);
        family.push(template);
    }
    Some(family)
}

/// Calls `f` with the template's top-level nodes and each macro's body.
fn for_each_body(template: &tera::Template, f: &mut dyn FnMut(&[Node])) {
    f(&template.ast);
    for definition in template.macros.values() {
        f(&definition.body);
    }
}

/// Calls `f` on every node, nested ones included.
fn walk(nodes: &[Node], f: &mut dyn FnMut(&Node)) {
    for node in nodes {
        f(node);
        match node {
            Node::MacroDefinition(_, definition, _) => walk(&definition.body, f),
            Node::FilterSection(_, section, _) => walk(&section.body, f),
            Node::Block(_, block, _) => walk(&block.body, f),
            Node::Forloop(_, forloop, _) => {
                walk(&forloop.body, f);
                walk(forloop.empty_body.as_deref().unwrap_or_default(), f);
            }
            Node::If(conditions, _) => {
                for (_, _, body) in &conditions.conditions {
                    walk(body, f);
                }
                walk(conditions.otherwise.as_ref().map_or(&[][..], |(_, body)| body), f);
            }
            _ => {}
        }
    }
}

#[derive(Default)]
struct Scan {
    /// Field names the template spells out.
    names: HashSet<String>,
    /// Variables that may hold a summary or a list of them.
    carrying: HashSet<String>,
    /// Variables set to what `get_pages` returns, a list of summaries...
    lists: HashSet<String>,
    /// ...and those bound otherwise somewhere, which may hold one summary.
    others: HashSet<String>,
    reads_all: bool,
}

impl Scan {
    /// Marks the variables a node binds to summaries (or lists of them).
    fn bind(&mut self, node: &Node) {
        match node {
            Node::Forloop(_, forloop, _) if self.may_be_summary(&forloop.container) => {
                for name in forloop.key.iter().chain([&forloop.value]) {
                    self.carrying.insert(name.clone());
                    self.others.insert(name.clone());
                }
            }
            Node::Set(_, set) if self.may_be_summary(&set.value) => {
                self.carrying.insert(set.key.clone());
                let list = matches!(&set.value.val, ExprVal::FunctionCall(call) if call.name == "get_pages") && !set.value.filters.iter().any(|f| ELEMENT.contains(&f.name.as_str()));
                if list { &mut self.lists } else { &mut self.others }.insert(set.key.clone());
            }
            _ => {}
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr),
            Node::Set(_, set) => self.expr(&set.value),
            Node::FilterSection(_, section, _) => self.filter(&section.filter),
            Node::Forloop(_, forloop, _) => {
                // Looping over an object's keys and values reads all of them.
                if forloop.key.is_some() && self.may_be_summary(&forloop.container) {
                    self.reads_all = true;
                }
                self.expr(&forloop.container);
            }
            Node::If(conditions, _) => conditions.conditions.iter().for_each(|(_, expr, _)| self.expr(expr)),
            _ => {}
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.val {
            ExprVal::Ident(path) => self.path(path),
            ExprVal::String(text) => self.names.extend(text.split('.').map(str::to_owned)),
            ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
            ExprVal::Math(m) => {
                self.expr(&m.lhs);
                self.expr(&m.rhs);
            }
            ExprVal::Logic(l) => {
                // Equal summaries are equal in every field.
                if matches!(l.operator, LogicOperator::Eq | LogicOperator::NotEq) && (self.may_be_summary(&l.lhs) || self.may_be_summary(&l.rhs)) {
                    self.reads_all = true;
                }
                self.expr(&l.lhs);
                self.expr(&l.rhs);
            }
            ExprVal::In(i) => {
                if self.may_be_summary(&i.lhs) || self.may_be_summary(&i.rhs) {
                    self.reads_all = true;
                }
                self.expr(&i.lhs);
                self.expr(&i.rhs);
            }
            ExprVal::Test(test) => {
                if !TYPE_TESTS.contains(&test.name.as_str()) && self.may_be_summary(&Expr::new(ExprVal::Ident(test.ident.clone()))) {
                    self.reads_all = true;
                }
                self.path(&test.ident);
                test.args.iter().for_each(|a| self.expr(a));
            }
            ExprVal::MacroCall(call) => call.args.values().for_each(|a| self.expr(a)),
            ExprVal::FunctionCall(call) => call.args.values().for_each(|a| self.expr(a)),
            ExprVal::Array(items) => items.iter().for_each(|e| self.expr(e)),
            ExprVal::StringConcat(concat) => {
                for value in &concat.values {
                    self.expr(&Expr::new(value.clone()));
                }
            }
        }
        for (k, filter) in expr.filters.iter().enumerate() {
            // The length of a summary is its number of fields.
            if filter.name == "length" && self.may_be_one_summary(&Expr { val: expr.val.clone(), negated: false, filters: expr.filters[..k].to_vec() }) {
                self.reads_all = true;
            }
            self.filter(filter);
        }
    }

    /// Whether `expr` may be one summary, not a list of them.
    fn may_be_one_summary(&self, expr: &Expr) -> bool {
        let list = match &expr.val {
            ExprVal::Ident(path) => match segments(path).as_deref() {
                Some([name]) => self.lists.contains(name) && !self.others.contains(name),
                Some([.., last]) => LISTS.contains(&last.as_str()),
                _ => false,
            },
            _ => false,
        };
        let element = expr.filters.iter().any(|f| ELEMENT.contains(&f.name.as_str()));
        self.may_be_summary(expr) && (!list || element)
    }

    fn filter(&mut self, filter: &tera::ast::FunctionCall) {
        // `json_encode` writes out every field; `get`, `sort`, `map` and the like read the field their
        // argument names, which must then be spelled out.
        let computed_key = ["key", "attribute"].iter().filter_map(|k| filter.args.get(*k)).any(|a| !matches!(a.val, ExprVal::String(_)) || !a.filters.is_empty());
        if filter.name == "json_encode" || computed_key {
            self.reads_all = true;
        }
        filter.args.values().for_each(|a| self.expr(a));
    }

    /// Records the names in a variable path (`p.title`, `p["title"]`, `pages[0]`); a key computed from a
    /// variable (`p[name]`) could be any field.
    fn path(&mut self, path: &str) {
        match segments(path) {
            Some(segments) => {
                if segments.first().is_some_and(|s| s == "__tera_context") {
                    self.reads_all = true;
                }
                self.names.extend(segments.into_iter().filter(|s| !s.chars().all(|c| c.is_ascii_digit())));
            }
            None => self.reads_all = true,
        }
    }

    /// Whether the value of `expr` may be a whole summary, or a list of them: a variable that may hold them,
    /// taken whole or as a list, through filters that keep them.
    fn may_be_summary(&self, expr: &Expr) -> bool {
        let whole = match &expr.val {
            ExprVal::Ident(path) => {
                self.carrying.contains(root(path))
                    && segments(path).is_none_or(|s| s.len() == 1 || s.last().is_some_and(|last| LISTS.contains(&last.as_str()) || last.chars().all(|c| c.is_ascii_digit())))
            }
            ExprVal::FunctionCall(_) => true,
            ExprVal::Array(items) => items.iter().any(|e| self.may_be_summary(e)),
            _ => false,
        };
        whole && expr.filters.iter().all(|f| PASS_THROUGH.contains(&f.name.as_str()))
    }
}

/// The variable a path starts from.
fn root(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// A path's segments: `a.b["c"][0]` gives `a`, `b`, `c`, `0`; `None` if a key is computed (`a[b]`).
fn segments(path: &str) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']')?;
            let key = inner[..end].trim();
            let unquoted = key.strip_prefix(['"', '\'', '`']).and_then(|k| k.strip_suffix(['"', '\'', '`']));
            match unquoted {
                Some(key) => segments.push(key.to_owned()),
                None if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) => segments.push(key.to_owned()),
                None => return None,
            }
            rest = inner[end + 1..].trim_start_matches('.');
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            segments.push(rest[..end].to_owned());
            rest = rest[end..].strip_prefix('.').unwrap_or(&rest[end..]);
        }
    }
    Some(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::templates::TemplateSet;

    fn fields(sources: &[(&str, &str)], name: &str) -> Option<Vec<String>> {
        let set = TemplateSet { sources: sources.iter().map(|(n, s)| (n.to_string(), s.to_string())).collect(), dir: Some("templates".into()) };
        summary_fields(&set.compile().unwrap()).remove(name).flatten().map(|names| {
            let mut names: Vec<String> = names.into_iter().collect();
            names.sort();
            names
        })
    }

    fn one(text: &str) -> Option<Vec<String>> {
        fields(&[("t.html", text)], "t.html")
    }

    fn reads(text: &str, field: &str) -> bool {
        one(text).is_none_or(|names| names.iter().any(|n| n == field))
    }

    #[test]
    fn a_listing_reads_the_fields_it_names() {
        let listing = "{% for p in section.pages %}<a href=\"{{ p.url }}\">{{ p.title }}</a>{% if p.stretch and p.stretch.dose %}{{ p.stretch.dose }}{% endif %}{% endfor %}";
        assert_eq!(one(listing).unwrap(), ["dose", "p", "pages", "section", "stretch", "title", "url"]);
        assert!(!reads(listing, "word_count"));
        assert!(reads("{{ prev.word_count }}", "word_count"));
        assert!(reads("{{ p[\"word_count\"] }}", "word_count"));
        assert!(reads("{% for p in term.pages | sort(attribute=\"word_count\") %}{% endfor %}", "word_count"));
        assert!(reads("{% set w = \"word_count\" %}", "word_count"));
    }

    #[test]
    fn whole_value_reads_count_as_every_field() {
        for text in [
            "{{ p | json_encode }}",
            "{{ section.pages | json_encode() | safe }}",
            "{{ p[name] }}",
            "{{ p | get(key=name) }}",
            "{% for k, v in prev %}{{ v }}{% endfor %}",
            "{% for p in section.pages %}{% if p == page %}here{% endif %}{% endfor %}",
            "{% if page in section.pages %}listed{% endif %}",
            "{% set first = term.pages | first %}{% if first != prev %}x{% endif %}",
            "{% if next is containing(\"x\") %}{% endif %}",
            "{{ __tera_context }}",
            "{% for p in section.pages %}{{ p | length }}{% endfor %}",
            "{{ term.pages | first | length }}",
            "{% set moves = get_pages(has=\"stretch\") %}{{ moves | first | length }}",
            "{% set moves = get_pages(has=\"stretch\") %}{% for moves in term.pages %}{{ moves | length }}{% endfor %}",
            "{% macro m(x) %}{% if x == 1 %}{% endif %}{% endmacro %}",
            "{% include \"missing.html\" %}",
        ] {
            assert_eq!(one(text), None, "{text}");
        }
    }

    #[test]
    fn scalars_compared_and_tested_are_fine() {
        for text in [
            "{% if current_url == site.base_path %}x{% endif %}",
            "{% for item in nav %}{% if item.url == current_url %}x{% endif %}{% endfor %}",
            "{% if \"timer\" in page.content %}x{% endif %}",
            "{% if prev is defined %}{{ prev.title }}{% endif %}",
            "{{ term.pages | length }} {{ section.subsections | length }} {{ p.title | length }}",
            "{% set moves = get_pages(has=\"stretch\") %}{{ moves | length }}",
            "{% if p.stretch.sides == \"each\" %}x{% endif %}",
            "{% for p in section.pages %}{{ loop.index }}{{ p.title | upper }}{% endfor %}",
        ] {
            assert!(!reads(text, "word_count"), "{text}");
        }
    }

    #[test]
    fn extended_included_and_imported_templates_count() {
        let sources = [
            ("base.html", "{% include \"partials/meta.html\" %}{% block main %}{% endblock %}"),
            ("partials/meta.html", "{{ page.reading_time }}"),
            ("macros.html", "{% macro card(p) %}{{ p.word_count }}{% endmacro %}"),
            ("page.html", "{% extends \"base.html\" %}{% block main %}{{ prev.title }}{% endblock %}"),
            ("section.html", "{% extends \"base.html\" %}{% import \"macros.html\" as m %}{% block main %}{{ m::card(p=section) }}{% endblock %}"),
        ];
        let page = fields(&sources, "page.html").unwrap();
        assert!(page.contains(&"reading_time".to_owned()) && page.contains(&"title".to_owned()) && !page.contains(&"word_count".to_owned()), "{page:?}");
        // The macro's argument is a summary it may compare or test: it reads only what it names.
        assert!(fields(&sources, "section.html").unwrap().contains(&"word_count".to_owned()));
    }

    /// A text edit changes a page's word count and little else: with the default theme, its listings and
    /// neighbours are then left as they are.
    #[test]
    fn the_default_theme_never_reads_word_counts() {
        let set = TemplateSet::load(std::path::Path::new("/nonexistent")).unwrap();
        assert!(set.dir.is_none());
        for (name, fields) in summary_fields(&set.compile().unwrap()) {
            let fields = fields.unwrap_or_else(|| panic!("{name} reads every field"));
            assert!(!fields.contains("word_count"), "{name}");
        }
    }

    #[test]
    fn paths_split_into_segments() {
        assert_eq!(segments("a.b[\"c\"][0].d").unwrap(), ["a", "b", "c", "0", "d"]);
        assert_eq!(segments("a['x y']").unwrap(), ["a", "x y"]);
        assert_eq!(segments("a[b]"), None);
        assert_eq!(root("section.pages[0]"), "section");
    }
}
