//! What a template can read of page summaries. A listing (a section, a term) shows a summary of each of its
//! pages, and a page shows its neighbours'; when a page changes only in fields that those templates never
//! read (on a text edit, usually just its word count), they need not be rendered again. A listing that shows
//! only its first few pages (`slice(end=6)`) need not change when a page further down does.
//!
//! The answer comes from the syntax trees of the template, the templates it extends, includes and imports, and
//! it errs towards "every field": a template that serializes values (`json_encode`), looks keys up by computed
//! names, walks an object's keys, or compares or tests whole summaries reads them all. Otherwise the fields it
//! can read are among the names it spells out: path segments (`p.title`), quoted keys (`p["title"]`) and
//! string arguments (`sort(attribute="date")`, `get_pages(has="stretch.routine")`).

use tera::Tera;
use tera::ast::{Expr, ExprVal, LogicOperator, Node};

use crate::{HashMap, HashSet};

/// Context variables that hold page summaries, or lists of them: the page itself and its neighbours, the
/// listings `section.pages`, `section.subsections[*].pages` and `term.pages`, and the part of a listing one
/// page of it shows, `paginator.pages`.
const SUMMARY_ROOTS: [&str; 6] = ["page", "prev", "next", "section", "term", "paginator"];

/// The variables that hold a page's neighbours in its section.
const NEIGHBOURS: [&str; 2] = ["prev", "next"];

/// The variable that holds one page of a split listing; its `pages` are all shown, by definition.
const PAGINATOR: &str = "paginator";

/// Path endings that name a list of summaries rather than one field of one.
const LISTS: [&str; 2] = ["pages", "subsections"];

/// Filters whose result can still be a summary, or a list of them.
const PASS_THROUGH: [&str; 11] = ["first", "last", "nth", "slice", "reverse", "sort", "unique", "concat", "filter", "group_by", "default"];

/// Filters that take one element of a list.
const ELEMENT: [&str; 3] = ["first", "last", "nth"];

/// Tests that look at a value's type or presence, not its contents.
const TYPE_TESTS: [&str; 9] = ["defined", "undefined", "string", "number", "object", "iterable", "odd", "even", "divisibleby"];

/// What one template (with what it extends, includes and imports) can read of page summaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Reads {
    /// The names among which are all the summary fields it can read; `None` when it may read any field.
    pub fields: Option<HashSet<String>>,
    /// The names among which are all the fields it can read of the page's neighbours (`prev` and `next`):
    /// those it names after them, when it uses them no other way than through their fields and in truth
    /// tests; otherwise the same as `fields`.
    pub neighbour_fields: Option<HashSet<String>>,
    /// How many pages, from the start, of each listing (`section.pages`, a subsection's `pages`, `term.pages`)
    /// it can look at: it takes no more than `slice(end=N)` of them, or their number, or whether there are
    /// any. `None` when it may look at every page. (`paginator.pages` is not counted: it is one page's part.)
    pub listed: Option<usize>,
    /// Whether it uses `paginator`, and so shows a long listing split over several pages.
    pub paginated: bool,
}

impl Reads {
    /// What an unknown template may read: everything (but it splits no listing).
    pub const ANY: Reads = Reads { fields: None, neighbour_fields: None, listed: None, paginated: false };

    pub fn fields(&self) -> Option<&HashSet<String>> {
        self.fields.as_ref()
    }

    pub fn neighbour_fields(&self) -> Option<&HashSet<String>> {
        self.neighbour_fields.as_ref()
    }
}

/// What each template can read, worked out from the templates as `tera` parsed them for the build.
pub type TemplateReads = HashMap<String, Reads>;

pub fn template_reads(tera: &Tera) -> TemplateReads {
    tera.templates.keys().map(|name| (name.clone(), reads_of(&tera.templates, name))).collect()
}

fn reads_of(parsed: &HashMap<String, tera::Template>, name: &str) -> Reads {
    // A template it names is missing: rendering fails on that, and reaches it only with everything given
    // (a paginator too, where the template shows one before its mistake).
    let Some(family) = family(parsed, name) else { return Reads { paginated: true, ..Reads::ANY } };
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
    let carrying = scan.carrying.clone();
    let mut listed = Listed { carrying: &carrying, most: Some(0) };
    for template in &family {
        for_each_body(template, &mut |nodes| {
            walk(nodes, &mut |node| {
                scan.node(node);
                listed.node(node);
            })
        });
        for default in template.macros.values().flat_map(|m| m.args.values().flatten()) {
            scan.expr(default);
            listed.expr(default, false);
        }
    }
    let paginated = scan.paginated;
    if scan.reads_all {
        return Reads { paginated, ..Reads::ANY };
    }
    let neighbour_fields = if scan.neighbour_whole { scan.names.clone() } else { scan.neighbour_names };
    Reads { fields: Some(scan.names), neighbour_fields: Some(neighbour_fields), listed: listed.most, paginated }
}

/// The template with every template it extends, includes or imports, or `None` if one of them is missing.
fn family<'a>(parsed: &'a HashMap<String, tera::Template>, name: &str) -> Option<Vec<&'a tera::Template>> {
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
    /// The names after `prev.` and `next.`...
    neighbour_names: HashSet<String>,
    /// ...which are all a template can read of them, unless it uses one whole other than in a truth test.
    neighbour_whole: bool,
    /// Whether a path starts from `paginator`.
    paginated: bool,
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
            Node::If(conditions, _) => conditions.conditions.iter().filter(|(_, expr, _)| !is_neighbour(expr)).for_each(|(_, expr, _)| self.expr(expr)),
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
                // `prev or next` tests whether there are neighbours, whatever their fields.
                let truth = matches!(l.operator, LogicOperator::And | LogicOperator::Or);
                for side in [&l.lhs, &l.rhs] {
                    if !(truth && is_neighbour(side)) {
                        self.expr(side);
                    }
                }
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
                if !(TYPE_TESTS.contains(&test.name.as_str()) && NEIGHBOURS.contains(&test.ident.as_str())) {
                    self.path(&test.ident);
                }
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
                match segments.first().map(String::as_str) {
                    Some("__tera_context") => self.reads_all = true,
                    Some(PAGINATOR) => self.paginated = true,
                    Some(root) if NEIGHBOURS.contains(&root) => match segments.get(1) {
                        Some(field) => _ = self.neighbour_names.insert(field.clone()),
                        None => self.neighbour_whole = true,
                    },
                    _ => {}
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

/// Whether `expr` is a neighbour itself, as in `{% if prev %}`: where it is tested for truth, that tells only
/// whether the page has that neighbour.
fn is_neighbour(expr: &Expr) -> bool {
    matches!(&expr.val, ExprVal::Ident(name) if NEIGHBOURS.contains(&name.as_str())) && expr.filters.is_empty()
}

/// Finds how far into page listings a template looks: every use of a listing must be a `slice` from its
/// start, its `length`, or a condition on whether it is empty.
struct Listed<'a> {
    /// Variables that may hold a summary or a list of them (as `Scan` found).
    carrying: &'a HashSet<String>,
    /// The longest slice so far; `None` once a use may look at any page.
    most: Option<usize>,
}

impl Listed<'_> {
    fn node(&mut self, node: &Node) {
        match node {
            Node::VariableBlock(_, expr) => self.expr(expr, false),
            Node::Set(_, set) => self.expr(&set.value, false),
            Node::FilterSection(_, section, _) => section.filter.args.values().for_each(|a| self.expr(a, false)),
            Node::Forloop(_, forloop, _) => self.expr(&forloop.container, false),
            Node::If(conditions, _) => conditions.conditions.iter().for_each(|(_, expr, _)| self.expr(expr, true)),
            _ => {}
        }
    }

    /// `condition`: whether the value of `expr` is only tested for truth, as in `{% if section.pages %}`.
    fn expr(&mut self, expr: &Expr, condition: bool) {
        match &expr.val {
            ExprVal::Ident(path) if root(path) == PAGINATOR => {}
            ExprVal::Ident(path) if self.is_listing(path) => {
                let prefix = match expr.filters.first() {
                    Some(filter) if filter.name == "length" => Some(0),
                    Some(filter) if filter.name == "slice" => slice_end(filter),
                    Some(_) => None,
                    None => condition.then_some(0),
                };
                self.most = self.most.zip(prefix).map(|(a, b)| a.max(b));
            }
            ExprVal::Ident(path) => {
                // An element or a key of a listing (`section.pages[0]`), or a listing reached by another route.
                if segments(path).is_none_or(|s| s.iter().any(|s| s == "pages")) {
                    self.most = None;
                }
            }
            ExprVal::String(text) if text.split('.').any(|s| s == "pages") => self.most = None,
            ExprVal::String(_) | ExprVal::Int(_) | ExprVal::Float(_) | ExprVal::Bool(_) => {}
            ExprVal::Math(m) => {
                self.expr(&m.lhs, false);
                self.expr(&m.rhs, false);
            }
            ExprVal::Logic(l) => {
                let condition = condition && matches!(l.operator, LogicOperator::And | LogicOperator::Or);
                self.expr(&l.lhs, condition);
                self.expr(&l.rhs, condition);
            }
            ExprVal::In(i) => {
                self.expr(&i.lhs, false);
                self.expr(&i.rhs, false);
            }
            ExprVal::Test(test) => {
                if !["defined", "undefined"].contains(&test.name.as_str()) {
                    self.expr(&Expr::new(ExprVal::Ident(test.ident.clone())), false);
                }
                test.args.iter().for_each(|a| self.expr(a, false));
            }
            ExprVal::MacroCall(call) => call.args.values().for_each(|a| self.expr(a, false)),
            ExprVal::FunctionCall(call) => call.args.values().for_each(|a| self.expr(a, false)),
            ExprVal::Array(items) => items.iter().for_each(|e| self.expr(e, false)),
            ExprVal::StringConcat(concat) => concat.values.iter().for_each(|v| self.expr(&Expr::new(v.clone()), false)),
        }
        for filter in &expr.filters {
            filter.args.values().for_each(|a| self.expr(a, false));
        }
    }

    /// Whether a path names a listing: `pages` of a variable that may hold summaries or sections.
    fn is_listing(&self, path: &str) -> bool {
        segments(path).is_some_and(|s| s.len() > 1 && s.last().is_some_and(|l| l == "pages") && self.carrying.contains(&s[0]) && !s[1..s.len() - 1].iter().any(|s| s == "pages"))
    }
}

/// `N` for `slice(end=N)` or `slice(start=0, end=N)` with a literal `N` of zero or more; `None` otherwise.
fn slice_end(filter: &tera::ast::FunctionCall) -> Option<usize> {
    let literal = |name: &str| match filter.args.get(name).map(|a| (&a.val, a.filters.is_empty())) {
        Some((ExprVal::Int(n), true)) => usize::try_from(*n).ok(),
        _ => None,
    };
    let from_start = !filter.args.contains_key("start") || literal("start") == Some(0);
    if from_start && filter.args.len() <= 2 { literal("end") } else { None }
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
        template_reads(&set.compile().unwrap()).remove(name).and_then(|r| r.fields).map(|names| {
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

    fn neighbour_fields(text: &str) -> Option<Vec<String>> {
        reads_of_text(text).neighbour_fields.map(|names| {
            let mut names: Vec<String> = names.into_iter().collect();
            names.sort();
            names
        })
    }

    #[test]
    fn neighbours_are_read_only_through_the_fields_named_after_them() {
        let pager = "{% if prev or next %}{% if prev %}<a href=\"{{ prev.url }}\">{{ prev.title }}</a>{% endif %}{% if not next %}end{% endif %}{% endif %}{{ page.reading_time }}";
        assert_eq!(neighbour_fields(pager).unwrap(), ["title", "url"]);
        assert!(reads_of_text(pager).fields().unwrap().contains("reading_time"));
        assert_eq!(neighbour_fields("{% if prev is defined and next %}x{% endif %}{{ page.title }}").unwrap(), Vec::<String>::new());
        assert_eq!(neighbour_fields("{{ next[\"word_count\"] }}{{ prev.stretch.dose }}").unwrap(), ["stretch", "word_count"]);
        // A neighbour used whole, in any other way than tested for truth, may show any field the template names.
        for text in [
            "{% set p = prev %}{{ p.title }}{{ page.date }}",
            "{% for p in [prev, next] %}{{ p.title }}{% endfor %}{{ page.date }}",
            "{% macro card(p) %}{{ p.title }}{% endmacro %}{{ self::card(p=next) }}{{ page.date }}",
            "{% if prev | length > 0 %}{% endif %}{{ page.date }}",
            "{{ prev }}{{ page.date }}",
        ] {
            let reads = reads_of_text(text);
            assert_eq!(reads.neighbour_fields, reads.fields, "{text}");
            assert!(reads.fields().is_none_or(|f| f.contains("date")), "{text}");
        }
        for text in ["{{ prev | json_encode }}", "{% if prev == next %}{% endif %}", "{{ next[key] }}"] {
            assert_eq!(neighbour_fields(text), None, "{text}");
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
        let set = TemplateSet::load(std::path::Path::new("/nonexistent"), &Default::default()).unwrap();
        assert!(set.dir.is_none());
        let reads = template_reads(&set.compile().unwrap());
        for (name, reads) in &reads {
            let fields = reads.fields().unwrap_or_else(|| panic!("{name} reads every field"));
            assert!(!fields.contains("word_count"), "{name}");
        }
        // The home page shows the first six articles of each topic; sections and terms show one page of their
        // list at a time, and of the whole list only its length.
        assert_eq!((reads["index.html"].listed, reads["index.html"].paginated), (Some(6), false));
        for name in ["section.html", "taxonomy_term.html"] {
            assert_eq!((reads[name].listed, reads[name].paginated), (Some(0), true), "{name}");
        }
        assert!(!reads["page.html"].paginated);
    }

    fn reads_of_text(text: &str) -> Reads {
        let set = TemplateSet { sources: [("t.html".to_owned(), text.to_owned())].into(), dir: Some("templates".into()) };
        template_reads(&set.compile().unwrap()).remove("t.html").unwrap()
    }

    #[test]
    fn a_template_that_uses_the_paginator_splits_its_listing_and_shows_all_of_each_part() {
        let looped = reads_of_text("{% for p in paginator.pages %}{{ p.title }}{% endfor %} {{ section.pages | length }}");
        assert!(looped.paginated);
        assert_eq!(looped.listed, Some(0), "paginator.pages is not the whole listing");
        assert!(looped.fields().unwrap().contains("title"), "fields of the paginator's pages count");
        assert!(reads_of_text("{% if paginator is defined %}{{ paginator.current_index }}{% endif %}").paginated);
        // Serializing makes every field count, but the template still splits its listing.
        let encoded = reads_of_text("{{ paginator.pages | json_encode }}");
        assert_eq!((encoded.fields, encoded.paginated), (None, true));
        assert!(!reads_of_text("{% for p in section.pages %}{{ p.title }}{% endfor %}").paginated);
        assert!(!reads_of_text("{{ page.paginator }}").paginated, "a field named paginator is not the variable");
        // The listing reached through another name is the whole listing.
        assert_eq!(reads_of_text("{% set all = section %}{% for p in all.pages %}{{ p.title }}{% endfor %}").listed, None);
    }

    fn listed(text: &str) -> Option<usize> {
        reads_of_text(text).listed
    }

    #[test]
    fn a_listing_cut_short_is_read_only_so_far() {
        for (text, expected) in [
            ("{{ page.title }}", Some(0)),
            ("{% for p in section.pages | slice(end=3) %}{{ p.title }}{% endfor %}", Some(3)),
            ("{% for p in term.pages | slice(start=0, end=2) | reverse %}{{ p.title }}{% endfor %}", Some(2)),
            ("{% if section.pages and section.pages | length > 5 %}{{ section.pages | length }}{% endif %}", Some(0)),
            ("{% if not term.pages %}none{% endif %}{% if term.pages is defined %}{% endif %}", Some(0)),
            ("{% if section.pages | length > 0 or section.pages %}{% endif %}", Some(0)),
            ("{% for s in section.subsections %}{% for p in s.pages | slice(end=4) %}{% endfor %}{% endfor %}{% for p in section.pages | slice(end=1) %}{% endfor %}", Some(4)),
            ("{% macro card(s) %}{% for p in s.pages | slice(end=2) %}{{ p.url }}{% endfor %}{% endmacro %}", Some(2)),
        ] {
            assert_eq!(listed(text), expected, "{text}");
        }
        for text in [
            "{% for p in section.pages %}{{ p.title }}{% endfor %}",
            "{% for p in section.pages | slice(start=1, end=3) %}{% endfor %}",
            "{% for p in section.pages | slice(end=-1) %}{% endfor %}",
            "{% for p in section.pages | slice(end=n) %}{% endfor %}",
            "{% for p in section.pages | reverse | slice(end=3) %}{% endfor %}",
            "{{ section.pages | last }}",
            "{{ section.pages[7].title }}",
            "{{ section.pages }}",
            "{% set all = section.pages %}",
            "{% if section.pages == term.pages %}{% endif %}",
            "{% for s in section.subsections %}{{ s | get(key=\"pages\") | length }}{% endfor %}",
            "{{ section.subsections | map(attribute=\"pages\") | length }}",
            "{{ section[key] }}",
            "{% for p in section.pages | slice(end=3) %}{% endfor %}{{ section | json_encode }}",
            "{% for s in section.subsections %}{{ m::card(pages=s.pages) }}{% endfor %}",
        ] {
            assert_eq!(listed(text), None, "{text}");
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
