//! Problems found in a site, as values: every phase of a build collects them instead of stopping at the first,
//! so an author sees all of a build's mistakes at once. A problem knows its file and position and prints the
//! offending source line with a caret under the spot, followed by what to do about it.

use std::fmt;

/// One thing wrong with the site's sources, found while building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path shown to the user, relative to the site root (`content/stretches/x.md`).
    pub file: String,
    /// 1-based line and column; `None` when the problem concerns the whole file.
    pub position: Option<Position>,
    /// The source line at `position`, shown with a caret.
    pub source_line: Option<Box<str>>,
    pub message: String,
    /// What the author can do about it.
    pub help: Option<Box<str>>,
    /// The files being rendered when it happened (a template's mistake shows in every page it renders: the
    /// same problem from many pages is reported once, naming them).
    /// (Boxed, as the texts above are: every `Result` that can carry a problem is as large as one.)
    pub rendering: Option<Box<Vec<String>>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Problem {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { file: file.into(), position: None, source_line: None, message: message.into(), help: None, rendering: None }
    }

    /// Places the problem at a 1-based line and column of `source`, capturing that line for display.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Problem {
        self.source_line = source.lines().nth(line.saturating_sub(1)).map(Box::from);
        self.position = Some(Position { line, column });
        self
    }

    /// Places the problem at `key_path` (`stretch.image`) in the front matter of `source`.
    pub fn at_key(self, source: &str, key_path: &str) -> Problem {
        let (line, column) = crate::content::find_key_position(source, key_path);
        self.at(source, line, column)
    }

    /// Places the problem at `value` as written under `key_path` in the front matter of `source` (`hip` in
    /// `body-parts: [hip]`), or at the key when it is not found as written.
    pub fn at_value(self, source: &str, key_path: &str, value: &str) -> Problem {
        let (line, column) = value_position(source, crate::content::find_key_position(source, key_path), value);
        self.at(source, line, column)
    }

    /// Places the problem at a byte offset of `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Problem {
        let (line, column) = line_column(source, offset);
        self.at(source, line, column)
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// Notes the file being rendered when it happened.
    pub fn rendering(mut self, file: impl Into<String>) -> Problem {
        self.rendering.get_or_insert_default().push(file.into());
        self
    }

    fn same_but_rendering(&self, other: &Problem) -> bool {
        (&self.file, self.position, &self.source_line, &self.message, &self.help) == (&other.file, other.position, &other.source_line, &other.message, &other.help)
    }

    fn sort_key(&self) -> (&str, Option<Position>, &str) {
        (&self.file, self.position, &self.message)
    }
}

/// 1-based line and column (counted in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rendering = match self.rendering.as_deref().map_or(&[][..], Vec::as_slice) {
            [] => String::new(),
            [one] => format!(" (while rendering {one})"),
            [first, rest @ ..] => format!(" (while rendering {first} and {} other file{})", rest.len(), if rest.len() == 1 { "" } else { "s" }),
        };
        match self.position {
            Some(Position { line, column }) => writeln!(f, "error: {}:{line}:{column}: {}{rendering}", self.file, self.message)?,
            None => writeln!(f, "error: {}: {}{rendering}", self.file, self.message)?,
        }
        if let (Some(Position { line, column }), Some(text)) = (self.position, &self.source_line) {
            let gutter = line.to_string().len();
            let (shown, column) = shown_line(text, column);
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{line} | {shown}")?;
            writeln!(f, "{:gutter$} | {:>column$}", "", "^")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Characters of a source line shown around the caret: a paragraph written on one line may be thousands.
const SHOWN_CHARS: usize = 120;

/// A source line as shown, with the caret's column in it: a tab as an arrow, one column wide like the tab the
/// caret counts it as; a long line cut to `SHOWN_CHARS` around the caret, with `…` where it goes on.
fn shown_line(text: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().map(|c| if c == '\t' { '→' } else { c }).collect();
    if chars.len() <= SHOWN_CHARS {
        return (chars.into_iter().collect(), column);
    }
    let start = column.saturating_sub(1 + SHOWN_CHARS / 2).min(chars.len() - SHOWN_CHARS);
    let end = start + SHOWN_CHARS;
    let mut shown = String::from(if start > 0 { "…" } else { "" });
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column - start + usize::from(start > 0))
}

/// All the problems of one build; the build fails when there is at least one.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// In order of file and position, each once: the same problem met while rendering several files is one
    /// problem naming them.
    pub fn sorted(mut self) -> Problems {
        self.0.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()).then_with(|| a.rendering.cmp(&b.rendering)));
        self.0.dedup();
        let mut merged: Vec<Problem> = Vec::with_capacity(self.0.len());
        for problem in self.0 {
            match merged.last_mut() {
                Some(last) if last.rendering.is_some() && problem.rendering.is_some() && last.same_but_rendering(&problem) => {
                    last.rendering.get_or_insert_default().extend(problem.rendering.into_iter().flat_map(|r| *r));
                }
                _ => merged.push(problem),
            }
        }
        Problems(merged)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.0 {
            writeln!(f, "{problem}")?;
        }
        let n = self.0.len();
        write!(f, "build failed: {n} problem{}", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Problems {}

/// The known name closest to `unknown`, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// 1-based line and column of `value` written in the YAML value of the key at `key` (line, column): on the
/// key's line after its colon, or on the lines below that belong to it (indented further, or list items);
/// `key` itself when the value is not found as written (quoted with escapes, say). The value is found
/// whole, not inside another (`page` in `[pages, page]`).
pub fn value_position(source: &str, key: (usize, usize), value: &str) -> (usize, usize) {
    let value = value.trim();
    if value.is_empty() {
        return key;
    }
    let (start, key_column) = key;
    let word = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '*');
    let belongs = |line: &str| {
        let indent = line.len() - line.trim_start().len();
        indent + 1 > key_column || indent + 1 == key_column && line.trim_start().starts_with('-')
    };
    let lines = source.lines().enumerate().skip(start.saturating_sub(1));
    let found = lines.take_while(|&(i, line)| i + 1 == start || belongs(line)).find_map(|(i, line)| {
        let after_key = if i + 1 == start { line.find(':').map_or(0, |colon| colon + 1) } else { 0 };
        let rest = &line[after_key..];
        let whole = |&(at, _): &(usize, &str)| !rest[..at].ends_with(word) && !rest[at + value.len()..].starts_with(word);
        rest.match_indices(value).find(whole).map(|(at, _)| (i + 1, 1 + line[..after_key + at].chars().count()))
    });
    found.unwrap_or(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_the_line_with_a_caret_under_the_column() {
        let source = "---\ntitle: x\nweight: heavy\n---\n";
        let problem = Problem::new("content/a.md", "`weight` must be a whole number").at(source, 3, 9).help("write e.g. `weight: 10`");
        assert_eq!(
            problem.to_string(),
            "error: content/a.md:3:9: `weight` must be a whole number\n  |\n3 | weight: heavy\n  |         ^\n  = help: write e.g. `weight: 10`\n"
        );
    }

    #[test]
    fn a_long_line_is_shown_around_the_caret() {
        let words: String = (0..3000).map(|i| format!("w{i} ")).collect();
        let source = format!("---\ntitle: x\n---\n{words}[broken](@/nope.md) and more {words}\n");
        let offset = source.find("[broken]").unwrap();
        let text = Problem::new("content/a.md", "broken link").at_offset(&source, offset).to_string();
        let lines: Vec<&str> = text.lines().collect();
        let (shown, caret) = (lines[2].split_once(" | ").unwrap().1, lines[3].split_once(" | ").unwrap().1);
        assert!(shown.starts_with('…') && shown.ends_with('…') && shown.chars().count() == SHOWN_CHARS + 2, "{shown}");
        let at = caret.len() - 1;
        assert_eq!(shown.chars().nth(at), Some('['), "the caret is under the link:\n{shown}\n{caret}");
        assert!(shown.chars().skip(at).collect::<String>().starts_with("[broken](@/nope.md)"));
        // Near either end, the window stops at the line's end.
        let (start, column) = shown_line(&words, 1);
        assert!(start.starts_with("w0 w1 ") && start.ends_with('…') && column == 1);
        let (end, column) = shown_line(&words, words.chars().count());
        assert!(end.starts_with('…') && !end.ends_with('…') && column == SHOWN_CHARS + 1, "{end} {column}");
    }

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        assert_eq!(line_column("ab\ncé d", 7), (2, 4));
        assert_eq!(line_column("abc", 0), (1, 1));
    }

    #[test]
    fn suggests_only_close_names() {
        let known = ["title", "description", "weight"];
        assert_eq!(did_you_mean("titel", known), Some("title"));
        assert_eq!(did_you_mean("colour", known), None);
    }
}
