//! A reader for the plain front matter most files have: `key: value` lines whose values are scalars, or lists
//! of scalars written `[a, b]` or one `- item` per line. It is many times faster than a full YAML parser,
//! which matters when a site has thousands of pages.
//!
//! It returns exactly the value serde_yaml would, or `None`: anything it is not sure to read the same way
//! (nested mappings, multi-line text, anchors, tags, comments after values, unusual escapes, words YAML 1.1
//! read as booleans, numbers other than plain decimals...) is left to serde_yaml, which also reports every
//! error with its position.

use serde_yaml::{Mapping, Number, Value};

/// The front matter `yaml` as serde_yaml reads it, when it is plain enough; `None` otherwise.
pub fn parse(yaml: &str) -> Option<Value> {
    if !plain_characters(yaml) {
        return None;
    }
    let mut map = Mapping::new();
    let mut lines = yaml.split('\n').map(|line| line.strip_suffix('\r').unwrap_or(line)).peekable();
    while let Some(line) = lines.next() {
        if is_blank_or_comment(line) {
            continue;
        }
        let (key, rest) = key_and_rest(line)?;
        let value = if rest.is_empty() {
            block_list(&mut lines)?
        } else if let Some(items) = rest.strip_prefix('[') {
            flow_list(items)?
        } else {
            let (value, rest) = scalar(rest, false)?;
            if !only_spaces(rest) {
                return None;
            }
            value
        };
        if map.insert(Value::String(key.to_owned()), value).is_some() {
            // A repeated key is an error serde reports with its position.
            return None;
        }
    }
    Some(Value::Mapping(map))
}

/// No tabs, no control characters, and none of the characters YAML reads as line breaks, byte order marks
/// or non-printable: where YAML treats any of these specially, serde_yaml decides.
fn plain_characters(yaml: &str) -> bool {
    let bytes = yaml.as_bytes();
    bytes.iter().enumerate().all(|(i, &b)| match b {
        b'\n' => true,
        b'\r' => bytes.get(i + 1) == Some(&b'\n'),
        0..=0x1f | 0x7f => false,
        // U+0080-U+009F (C1 controls, and U+0085, a line break in YAML).
        0xc2 => !matches!(bytes.get(i + 1), Some(0x80..=0x9f)),
        // U+2028 and U+2029 (line and paragraph separators).
        0xe2 => !(bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9))),
        // U+FEFF (byte order mark).
        0xef => !(bytes.get(i + 1) == Some(&0xbb) && bytes.get(i + 2) == Some(&0xbf)),
        _ => true,
    })
}

fn only_spaces(text: &str) -> bool {
    text.bytes().all(|b| b == b' ')
}

fn is_blank_or_comment(line: &str) -> bool {
    let trimmed = line.trim_start_matches(' ');
    trimmed.is_empty() || trimmed.starts_with('#')
}

/// A `key:` at the start of the line, and what follows it (without the spaces after the colon).
fn key_and_rest(line: &str) -> Option<(&str, &str)> {
    let end = line.bytes().position(|b| !(b.is_ascii_alphanumeric() || b == b'_')).unwrap_or(line.len());
    let key = &line[..end];
    if !key.as_bytes().first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') || resolves_specially(key) {
        return None;
    }
    let rest = line[end..].strip_prefix(':')?;
    if rest.is_empty() {
        return Some((key, rest));
    }
    let value = rest.strip_prefix(' ')?.trim_matches(' ');
    Some((key, value))
}

/// The value after an empty `key:`: the `- item` lines that follow (at one indentation), or null.
fn block_list<'a>(lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>) -> Option<Value> {
    let mut items = Vec::new();
    let mut indent = None;
    while let Some(&line) = lines.peek() {
        if is_blank_or_comment(line) {
            lines.next();
            continue;
        }
        let trimmed = line.trim_start_matches(' ');
        let depth = line.len() - trimmed.len();
        let Some(item) = trimmed.strip_prefix("- ") else {
            // The next key, at the start of a line; anything else (nested keys, text continued on an
            // indented line, an empty `-`) is left to serde_yaml.
            if depth == 0 && trimmed != "-" {
                break;
            }
            return None;
        };
        if *indent.get_or_insert(depth) != depth {
            return None;
        }
        let (value, rest) = scalar(item.trim_start_matches(' '), false)?;
        if !only_spaces(rest) {
            return None;
        }
        items.push(value);
        lines.next();
    }
    Some(if indent.is_some() { Value::Sequence(items) } else { Value::Null })
}

/// A `[a, b, "c"]` list on one line; `text` follows the `[`.
fn flow_list(mut text: &str) -> Option<Value> {
    let mut items = Vec::new();
    text = text.trim_start_matches(' ');
    if let Some(rest) = text.strip_prefix(']') {
        return only_spaces(rest).then_some(Value::Sequence(items));
    }
    loop {
        let (value, rest) = scalar(text, true)?;
        items.push(value);
        let rest = rest.trim_start_matches(' ');
        if let Some(rest) = rest.strip_prefix(',') {
            // A `,` is followed by another item (a trailing one is left to serde_yaml).
            text = rest.trim_start_matches(' ');
            if text.starts_with(']') {
                return None;
            }
        } else {
            let rest = rest.strip_prefix(']')?;
            return only_spaces(rest).then_some(Value::Sequence(items));
        }
    }
}

/// One scalar at the start of `text`, and the text after it. In a `[...]` list (`in_list`), a plain scalar
/// ends at `,` or `]`; elsewhere it runs to the end of the line.
fn scalar(text: &str, in_list: bool) -> Option<(Value, &str)> {
    match text.as_bytes().first()? {
        b'"' => double_quoted(&text[1..]),
        b'\'' => single_quoted(&text[1..]),
        _ => {
            let end = if in_list { text.find([',', ']']).unwrap_or(text.len()) } else { text.len() };
            let plain = text[..end].trim_end_matches(' ');
            Some((plain_scalar(plain, in_list)?, &text[end..]))
        }
    }
}

/// A plain (unquoted) scalar: text starting with a letter or a `/`, a whole number, or a `YYYY-MM-DD` date.
fn plain_scalar(text: &str, in_list: bool) -> Option<Value> {
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if first.is_ascii_digit() {
        return if is_date(bytes) {
            Some(Value::String(text.to_owned()))
        } else if bytes.len() <= 18 && bytes.iter().all(u8::is_ascii_digit) && (first != b'0' || bytes.len() == 1) {
            Some(Value::Number(Number::from(text.parse::<u64>().ok()?)))
        } else {
            None
        };
    }
    if !(first.is_ascii_alphabetic() || first == b'/') {
        return None;
    }
    // `: ` and ` #` end a plain scalar in YAML, and `:` at its end makes it a key; in a list, so do brackets
    // and braces.
    let special = |(i, &b): (usize, &u8)| match b {
        b':' => in_list || matches!(bytes.get(i + 1), None | Some(b' ')),
        b'#' => in_list || bytes[i - 1] == b' ',
        b'[' | b']' | b'{' | b'}' => in_list,
        _ => false,
    };
    if bytes.iter().enumerate().any(special) {
        return None;
    }
    match text {
        "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ if resolves_specially(text) => None,
        _ => Some(Value::String(text.to_owned())),
    }
}

/// Words that YAML 1.1 reads as booleans, and words a float parser may read as infinity or not-a-number.
fn resolves_specially(word: &str) -> bool {
    const WORDS: [&str; 9] = ["y", "yes", "n", "no", "on", "off", "true", "false", "null"];
    let starts = |prefix: &str| word.get(..prefix.len()).is_some_and(|start| start.eq_ignore_ascii_case(prefix));
    word.len() <= 5 && WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) || starts("inf") || starts("nan")
}

fn is_date(bytes: &[u8]) -> bool {
    bytes.len() == 10 && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// A `"..."` scalar on one line, with the common escapes; `text` follows the opening quote.
fn double_quoted(text: &str) -> Option<(Value, &str)> {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let at = rest.find(['"', '\\'])?;
        out.push_str(&rest[..at]);
        if rest.as_bytes()[at] == b'"' {
            return Some((Value::String(out), &rest[at + 1..]));
        }
        out.push(match rest.as_bytes().get(at + 1)? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'n' => '\n',
            b't' => '\t',
            _ => return None,
        });
        rest = &rest[at + 2..];
    }
}

/// A `'...'` scalar on one line (`''` is a quote); `text` follows the opening quote.
fn single_quoted(text: &str) -> Option<(Value, &str)> {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let at = rest.find('\'')?;
        out.push_str(&rest[..at]);
        if rest.as_bytes().get(at + 1) == Some(&b'\'') {
            out.push('\'');
            rest = &rest[at + 2..];
        } else {
            return Some((Value::String(out), &rest[at + 1..]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    #[test]
    fn reads_plain_front_matter_as_serde_yaml_does() {
        let cases = [
            "title: \"Page 0: often runs often\"\ndate: 2026-02-20\ndescription: \"hip spine.\"\ntags: [anatomy, sleep]\n",
            "title: What is the psoas?\nweight: 10\ndraft: false\ntags: [anatomy, hip flexors, 'it''s']\n",
            "title: A\ntags:\n  - a\n  - \"b c\"\n\n# a note\naliases:\n- /old/\nupdated:\n",
            "title: 'A \"quoted\" title'\r\ndescription: \"tab\\there, slash\\/, quote\\\" and \\\\\"\r\n",
            "title: Null\nslug: NULL\ndraft: True\nweight: 0\ntags: []\nx: [ 7 , b ]\n",
        ];
        for case in cases {
            assert_eq!(parse(case), Some(yaml(case)), "{case:?}");
        }
    }

    #[test]
    fn leaves_anything_else_to_serde_yaml() {
        let cases = [
            "title: A\n  continued\n",
            "title: a: b\n",
            "title: a #comment\n",
            "title: \"a\" # comment\n",
            "title: yes\n",
            "title: Off\n",
            "title: .inf\n",
            "title: infinity\n",
            "title: NaN\n",
            "weight: 010\n",
            "weight: 0x1f\n",
            "weight: 1.5\n",
            "weight: -3\n",
            "weight: 1_000\n",
            "weight: 1234567890123456789\n",
            "date: 2026-2-1\n",
            "title: \"\\u00e9\"\n",
            "title: \"unclosed\n",
            "title: A\ntitle: B\n",
            "tags: [a, b,]\n",
            "tags: [a, [b]]\n",
            "tags: [a: b]\n",
            "tags: {a: b}\n",
            "tags:\n  - a\n   - b\n",
            "tags:\n  -\n",
            "tags:\n  - a: b\n",
            "stretch:\n  kind: stretch\n",
            "title: &a A\n",
            "title: !!str A\n",
            "title: |\n  A\n",
            "title:\tA\n",
            "title : A\n",
            "true: A\n",
            "title: A\u{2028}B\n",
            "title: A\u{85}B\n",
            "title: A\rB\n",
            "title: Épaule\n",
        ];
        for case in cases {
            assert_eq!(parse(case), None, "{case:?}");
        }
    }

    /// Front matter put together from pieces at random: whatever the reader accepts, serde_yaml reads the same.
    #[test]
    fn agrees_with_serde_yaml_on_random_front_matter() {
        let keys = ["title", "tags", "date", "weight", "x_y", "Title", "n", "yes", "a1"];
        let values = [
            "A", "a b", "a  b ", "A: b", "a:b", "a #b", "a#b", "0", "7", "07", "10", "-1", "1.0", "1e3", "2026-11-21", "2026-11-2",
            "true", "False", "no", "NULL", "~", "inf", "Infinity", "nan", "\"\"", "\"a\\\"b\"", "\"a\\x41\"", "'a''b'", "''", "'a",
            "[]", "[a]", "[ a , b ]", "[a,b]", "[\"x, y\", 'z']", "[a b, c]", "[a, ]", "[a]]", "[1, 2]", "[true, null]", "[a, 07]",
            "[a:b]", "[a #b]", "&x a", "*x", "!t a", "|", ">", "@a", "`a", "%a", "- a", "-a", "?a", "{a: b}", "a, b", "a]", "Épaule",
            "/a/", "/a: b", "[/a/, /b]", ".5", ".inf", "A\\b", "'#a'",
        ];
        let separators = [": ", ":  ", ":", " : ", ":\t"];
        let tails = ["\n", "\r\n", "\n\n", "\n# note\n", "\n  - a\n  - b\n", "\n- a\n", "\n  x\n", "\n  - a\n - b\n", "\n  -\n"];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let (mut accepted, mut total) = (0, 0);
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..1 + next(4) {
                text.push_str(keys[next(keys.len())]);
                text.push_str(separators[if next(4) == 0 { next(separators.len()) } else { 0 }]);
                if next(6) > 0 {
                    text.push_str(values[next(values.len())]);
                }
                text.push_str(tails[if next(3) == 0 { next(tails.len()) } else { 0 }]);
            }
            total += 1;
            if let Some(value) = parse(&text) {
                accepted += 1;
                match serde_yaml::from_str::<Value>(&text) {
                    Ok(expected) => assert_eq!(value, expected, "{text:?}"),
                    Err(e) => panic!("accepted what serde_yaml rejects: {text:?}: {e}"),
                }
            }
        }
        // The mix is meant to exercise both outcomes.
        assert!(accepted > total / 10 && accepted < total * 9 / 10, "{accepted} of {total} accepted");
    }
}
