//! Splitting a Markdown file into its YAML front matter and body, and turning YAML errors into problems an
//! author can act on (exact line and column, "did you mean", what to write instead).

use serde::de::DeserializeOwned;

use crate::diagnostics::{Problem, did_you_mean};

/// A source file cut at its front matter fences.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    pub yaml_line: usize,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Cuts `source` at the `---` fences. `file` names the file in problems.
pub fn split<'a>(source: &'a str, file: &str) -> Result<Split<'a>, Problem> {
    let start = if source.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut lines = line_spans(source, start);
    let opening = lines.next().filter(|&(a, b)| source[a..b].trim_end() == "---");
    let Some((_, first_end)) = opening else {
        if source[start..].starts_with("+++") {
            return Err(Problem::new(file, "front matter in TOML (between `+++` lines) is not read")
                .at(source, 1, 1)
                .help("write it in YAML between `---` lines: `title: ...` where TOML has `title = \"...\"`"));
        }
        return Err(Problem::new(file, "missing front matter")
            .at(source, 1, 1)
            .help("start the file with a `---` line, then `title: ...`, then a closing `---` line"));
    };
    let yaml_start = next_line_start(source, first_end);
    for (a, b) in lines {
        if source[a..b].trim_end() == "---" {
            let body_offset = next_line_start(source, b);
            return Ok(Split { yaml: &source[yaml_start..a], yaml_line: 2, body_offset });
        }
    }
    Err(Problem::new(file, "front matter is not closed")
        .at(source, 1, 1)
        .help("add a line with only `---` after the last front matter key, before the Markdown text"))
}

/// (start, end) byte spans of each line, excluding the newline.
fn line_spans(source: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos >= source.len() {
            return None;
        }
        let end = source[pos..].find('\n').map_or(source.len(), |i| pos + i);
        let span = (pos, end);
        pos = end + 1;
        Some(span)
    })
}

fn next_line_start(source: &str, line_end: usize) -> usize {
    (line_end + 1).min(source.len())
}

/// Deserializes front matter into `T`, mapping any error to a problem positioned in the whole file.
pub fn parse<T: DeserializeOwned>(split: &Split, source: &str, file: &str, keys: &[&str]) -> Result<T, Problem> {
    // An empty front matter is an empty mapping, so that a missing `title` is reported as such.
    let yaml = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    // Plain front matter is read quickly; anything else, and anything that does not fit `T`, goes through
    // serde_yaml, for its exact reading and its positioned errors.
    if let Some(value) = super::plain_yaml::parse(yaml)
        && let Ok(parsed) = T::deserialize(value)
    {
        return Ok(parsed);
    }
    serde_yaml::from_str(yaml).map_err(|e| yaml_problem(&e, yaml, source, file, split.yaml_line, keys))
}

/// Turns a serde_yaml error into a problem. `yaml` is the YAML text, which starts at line `yaml_line` of the
/// file's `source`; `keys` are the valid top-level keys, for suggestions.
pub fn yaml_problem(error: &serde_yaml::Error, yaml: &str, source: &str, file: &str, yaml_line: usize, keys: &[&str]) -> Problem {
    let full = error.to_string();
    if let Some(problem) = scanner_problem(&full, source, file, yaml_line) {
        return problem;
    }
    // serde_yaml appends " at line L column C", and puts more inside ("..., while scanning a block mapping at
    // line 2 column 1"), counted from the front matter's first line: the problem's own position replaces them.
    let without_positions = without_yaml_positions(&full);
    let message = without_positions.as_str();
    let (line, column) = match error.location() {
        // Errors raised by our own deserializers (dates) carry only the document's start: find the value.
        _ if message.contains("invalid date") => locate_value(source, yaml_line, message).unwrap_or((yaml_line, 1)),
        // serde points at the mapping's start: the key written twice is the fix's place.
        Some(l) if message.contains("duplicate field `") => between(message, "duplicate field `", "`")
            .and_then(|key| second_key_line(source, yaml_line + l.line() - 1, key))
            .map_or((yaml_line + l.line() - 1, l.column()), |line| (line, indent_column(source, line))),
        Some(l) => (yaml_line + l.line() - 1, l.column()),
        None => (yaml_line, 1),
    };
    let (context, detail) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && !path.contains('`') => (Some(path), rest),
        _ => (None, message),
    };
    let prefix = context.map(|c| format!("in `{c}`: ")).unwrap_or_default();

    if let Some(name) = between(detail, "unknown field `", "`") {
        let expected = expected_names(detail);
        let candidates: Vec<&str> = if context.is_none() && !keys.is_empty() { keys.to_vec() } else { expected.clone() };
        return unknown_key(file, &prefix, name, &candidates).at(source, line, column);
    }
    if let Some(name) = between(detail, "missing field `", "`") {
        // At the mapping that lacks it (`stretch:`), where serde points at the mapping's first key.
        let (line, column) = match context {
            None => (yaml_line.saturating_sub(1).max(1), 1),
            Some(path) => {
                let line = crate::content::find_key_line(source, path);
                (line, indent_column(source, line))
            }
        };
        // serde names the first missing key only: the others are added to it, so that one build lists them all.
        let mut missing = context.map(|path| missing_keys(yaml, path)).unwrap_or_default();
        if !missing.contains(&name) {
            missing = vec![name];
        }
        let keys = listed(missing.iter().map(|k| format!("`{k}`")));
        let additions = listed(missing.iter().map(|k| format!("`{k}: ...`")));
        let help = match context {
            Some(path) => format!("add {additions} under `{path}:`"),
            None if file.ends_with(".yaml") => format!("add {additions} to {file}"),
            None => format!("add {additions} to the front matter"),
        };
        let plural = if missing.len() > 1 { "s" } else { "" };
        return Problem::new(file, format!("{prefix}missing required key{plural} {keys}")).at(source, line, column).help(help);
    }
    let plain = in_words(detail);
    let detail = plain.as_str();
    // `010` is text to YAML, where the author meant a number.
    let leading_zero = between(detail, "invalid type: string \"", "\"").filter(|n| detail.contains("expected a whole number") && n.len() > 1 && n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()));
    let leading_zero = leading_zero.map(|n| {
        let number = n.trim_start_matches('0');
        format!("write it without leading zeros, `{}`: YAML reads `{n}` as text", if number.is_empty() { "0" } else { number })
    });
    let help = if let Some(help) = &leading_zero {
        Some(help.as_str())
    } else if detail.contains("tab character") || detail.contains("cannot start any token") && source.lines().nth(line.saturating_sub(1)).is_some_and(|l| l.contains('\t')) {
        Some("indent with spaces: YAML does not allow tabs for indentation")
    } else if detail.contains("a key written twice") {
        Some("keep one of the two: a key can be written once")
    } else if detail.contains("invalid date") {
        Some("write the date as YYYY-MM-DD, e.g. `2026-11-21`")
    } else if detail.contains("expected a sequence") {
        Some("write a list, e.g. `[first, second]` or one `- item` per line")
    } else if detail.contains("expected a whole number of 0 or more") {
        Some("write a whole number of 0 or more, e.g. `10`")
    } else if detail.contains("expected a whole number") {
        Some("write a whole number, e.g. `10`")
    } else if detail.contains("expected a boolean") {
        Some("write `true` or `false`")
    } else if detail.contains("unknown variant") {
        None
    } else if detail.contains("invalid type") {
        Some("check the value against the front matter reference in README.md")
    } else {
        Some("check the YAML syntax: indentation, a space after each `:`, quotes around text that contains `: ` or starts with a special character")
    };
    let problem = Problem::new(file, format!("{prefix}{detail}")).at(source, line, column);
    match help {
        Some(help) => problem.help(help),
        None => problem,
    }
}

/// The required keys (see `schema::REQUIRED_KEYS`) that the mapping at `path` (`stretch`) does not have.
fn missing_keys(yaml: &str, path: &str) -> Vec<&'static str> {
    let Some(&(_, required)) = super::schema::REQUIRED_KEYS.iter().find(|(p, _)| *p == path) else { return Vec::new() };
    let Ok(serde_yaml::Value::Mapping(top)) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else { return Vec::new() };
    let Some(serde_yaml::Value::Mapping(mapping)) = top.get(path) else { return Vec::new() };
    required.iter().copied().filter(|key| !mapping.contains_key(*key)).collect()
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn unknown_key(file: &str, prefix: &str, name: &str, candidates: &[&str]) -> Problem {
    if name == "<<" {
        return Problem::new(file, format!("{prefix}a YAML merge key (`<<: *name`) is not read")).help("write the keys out in full: an anchor (`&name`) may still stand for a single value");
    }
    let help = match did_you_mean(name, candidates.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("valid keys here are: {}", candidates.join(", ")),
    };
    Problem::new(file, format!("{prefix}unknown key `{name}`")).help(help)
}

/// Every top-level key of the front matter that is not one of `keys`, each a problem at its line: serde
/// stops at the first, and an author would fix one a build.
pub fn unknown_keys(split: &Split, source: &str, file: &str, keys: &[&str]) -> Vec<Problem> {
    let Ok(serde_yaml::Value::Mapping(mapping)) = serde_yaml::from_str(split.yaml) else { return Vec::new() };
    let lines: Vec<&str> = split.yaml.lines().collect();
    mapping
        .keys()
        .filter_map(serde_yaml::Value::as_str)
        .filter(|key| !keys.contains(key))
        .map(|key| {
            let at = lines.iter().position(|line| line.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')));
            let problem = unknown_key(file, "", key, keys);
            match at {
                Some(i) => problem.at(source, split.yaml_line + i, 1),
                None => problem,
            }
        })
        .collect()
}

/// The column of the first character of a 1-based line that is not a space: where its key starts.
fn indent_column(source: &str, line: usize) -> usize {
    1 + source.lines().nth(line - 1).map_or(0, |t| t.len() - t.trim_start().len())
}

/// The line, from `from` on, where `key:` is written a second time at the indentation of its first.
fn second_key_line(source: &str, from: usize, key: &str) -> Option<usize> {
    let mut first_indent = None;
    for (i, line) in source.lines().enumerate().skip(from - 1) {
        let trimmed = line.trim_start();
        if trimmed.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with(':')) {
            let indent = line.len() - trimmed.len();
            match first_indent {
                None => first_indent = Some(indent),
                Some(first) if first == indent => return Some(i + 1),
                Some(_) => {}
            }
        }
    }
    None
}

/// serde's message with the names of Rust types said in words.
fn in_words(detail: &str) -> String {
    let mut text = detail.replace("duplicate field ", "a key written twice: ").replace("a YAML mapping", "`key: value` lines").replace("unit value", "no value (`null` or `~`)");
    // A whole number too large for any integer: serde names the type it was read as.
    for wide in ["` as u128", "` as i128"] {
        if let Some(at) = text.find(wide) {
            text.replace_range(at..at + wide.len(), "` (too large)");
        }
    }
    for (name, words) in [
        ("usize", "a whole number of 0 or more"),
        ("u64", "a whole number of 0 or more"),
        ("u32", "a whole number of 0 or more"),
        ("u16", "a whole number of 0 or more"),
        ("u8", "a whole number of 0 or more"),
        ("i64", "a whole number"),
        ("i32", "a whole number"),
        ("f64", "a number"),
    ] {
        if let Some(at) = text.rfind(&format!("expected {name}"))
            && text[at + "expected ".len() + name.len()..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric())
        {
            text.replace_range(at + "expected ".len()..at + "expected ".len() + name.len(), words);
        }
    }
    text
}

/// `message` without the " at line L column C" serde_yaml writes into it.
fn without_yaml_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        let after = &rest[i + " at line ".len()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let line_len = digits(after);
        match after[line_len..].strip_prefix(" column ") {
            Some(col) if line_len > 0 && digits(col) > 0 => {
                out.push_str(&rest[..i]);
                rest = &col[digits(col)..];
            }
            _ => {
                out.push_str(&rest[..i + 1]);
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// YAML scanner errors about an unclosed quote: point at the opening quote, which is where the fix goes.
fn scanner_problem(full: &str, source: &str, file: &str, yaml_line: usize) -> Option<Problem> {
    let (_, at) = full.split_once("while scanning a quoted scalar at line ")?;
    let (line, column) = at.split_once(" column ")?;
    let (line, column): (usize, usize) = (line.trim().parse().ok()?, column.trim().parse().ok()?);
    Some(
        Problem::new(file, "a quoted value is never closed")
            .at(source, yaml_line + line - 1, column)
            .help("add the closing quote at the end of the value"),
    )
}

/// Line and column of the first backticked value of `message` in the front matter.
fn locate_value(source: &str, yaml_line: usize, message: &str) -> Option<(usize, usize)> {
    let value = between(message, "`", "`")?;
    source.lines().enumerate().skip(yaml_line - 1).find_map(|(i, line)| {
        let at = line.find(value)?;
        Some((i + 1, line[..at].chars().count() + 1))
    })
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// The names serde lists after "expected one of" / "expected".
fn expected_names(detail: &str) -> Vec<&str> {
    let Some(i) = detail.find("expected") else { return Vec::new() };
    detail[i..].split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_inside_yaml_messages_are_left_out() {
        assert_eq!(without_yaml_positions("did not find expected ',' or ']' at line 3 column 1, while parsing a flow sequence at line 2 column 7"), "did not find expected ',' or ']', while parsing a flow sequence");
        assert_eq!(without_yaml_positions("a tab at line 4 column 1"), "a tab");
        assert_eq!(without_yaml_positions("at line x column 2 stays"), "at line x column 2 stays");
    }

    #[test]
    fn splits_at_the_fences() {
        let source = "---\ntitle: A\n---\n# Body\n";
        let split = split(source, "a.md").unwrap();
        assert_eq!(split.yaml, "title: A\n");
                assert_eq!(&source[split.body_offset..], "# Body\n");
    }

    #[test]
    fn handles_crlf_and_a_byte_order_mark() {
        let source = "\u{feff}---\r\ntitle: A\r\n---\r\nBody";
        let split = split(source, "a.md").unwrap();
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(&source[split.body_offset..], "Body");
    }

    #[test]
    fn an_unclosed_front_matter_is_a_problem() {
        let problem = split("---\ntitle: A\nBody\n", "content/a.md").unwrap_err();
        assert_eq!(problem.message, "front matter is not closed");
        assert_eq!(problem.position.unwrap().line, 1);
    }
}
