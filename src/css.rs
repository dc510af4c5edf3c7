//! The URLs a stylesheet refers to: `url(...)` values and `@import` strings, found outside comments and
//! other strings, each with its byte offset so a broken one is reported at its line and column.

use std::borrow::Cow;

/// A URL written in a stylesheet.
#[derive(Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The URL without quotes or surrounding spaces, its escapes (`\\ `, `\\20 `) decoded.
    pub url: Cow<'a, str>,
    /// Byte offset of the URL's first character.
    pub offset: usize,
}

pub fn references(css: &str) -> Vec<Reference<'_>> {
    let bytes = css.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'*') => memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |end| i + 2 + end + 2),
            b'"' | b'\'' => string_end(bytes, i),
            b'@' if starts_with_word(bytes, i, b"@import") => {
                let start = skip_spaces(bytes, i + b"@import".len());
                match bytes.get(start) {
                    Some(b'"' | b'\'') => quoted(css, start, &mut found),
                    // `@import url(...)` is found as a `url(` next.
                    _ => start,
                }
            }
            b'u' | b'U' if starts_with_word(bytes, i, b"url(") => url_function(css, i, &mut found),
            b'i' | b'I' | b'-' => match [&b"image-set("[..], b"-webkit-image-set("].into_iter().find(|word| starts_with_word(bytes, i, word)) {
                Some(word) => image_set(css, i + word.len(), &mut found),
                None => i + 1,
            },
            _ => i + 1,
        };
    }
    found
}

/// Records the URL of the `url(...)` at `at` and returns the offset after it.
fn url_function<'a>(css: &'a str, at: usize, found: &mut Vec<Reference<'a>>) -> usize {
    let bytes = css.as_bytes();
    let start = skip_spaces(bytes, at + b"url(".len());
    match bytes.get(start) {
        Some(b'"' | b'\'') => quoted(css, start, found),
        _ => {
            let end = memchr::memchr(b')', &bytes[start..]).map_or(bytes.len(), |k| start + k);
            let url = css[start..end].trim_end();
            found.push(Reference { url: unescape(url), offset: start });
            end
        }
    }
}

/// Records the URLs of an `image-set(...)` whose arguments start at `start`: each a string or a `url(...)`,
/// then its resolution and `type("image/avif")` (whose string is not a URL). Returns the offset after it.
fn image_set<'a>(css: &'a str, start: usize, found: &mut Vec<Reference<'a>>) -> usize {
    let bytes = css.as_bytes();
    let (mut i, mut depth) = (start, 0usize);
    while i < bytes.len() {
        i = match bytes[i] {
            b'"' | b'\'' if depth == 0 => quoted(css, i, found),
            b'"' | b'\'' => string_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |end| i + 2 + end + 2),
            b'u' | b'U' if depth == 0 && starts_with_word(bytes, i, b"url(") => {
                // Past the `url(...)`'s own closing parenthesis, which would otherwise end the set.
                let after = skip_spaces(bytes, url_function(css, i, found));
                if bytes.get(after) == Some(&b')') { after + 1 } else { after }
            }
            b'(' => {
                depth += 1;
                i + 1
            }
            b')' if depth == 0 => return i + 1,
            b')' => {
                depth -= 1;
                i + 1
            }
            _ => i + 1,
        };
    }
    i
}

/// Decodes CSS escapes: a backslash and one to six hex digits (then one optional space) is that code point,
/// a backslash and any other character is the character.
fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
            hex.push(chars.next().expect("peeked"));
        }
        if hex.is_empty() {
            out.extend(chars.next());
        } else {
            out.push(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}'));
            if chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
        }
    }
    Cow::Owned(out)
}

/// Whether `word` (ASCII, any case) starts at `at` and is not the tail of a longer name (`myurl(`).
fn starts_with_word(bytes: &[u8], at: usize, word: &[u8]) -> bool {
    let name_before = at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || matches!(bytes[at - 1], b'-' | b'_'));
    !name_before && bytes.get(at..at + word.len()).is_some_and(|s| s.eq_ignore_ascii_case(word))
}

fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// Records the quoted string starting at `start` (its opening quote) and returns the offset after it.
fn quoted<'a>(css: &'a str, start: usize, found: &mut Vec<Reference<'a>>) -> usize {
    let end = string_end(css.as_bytes(), start);
    let close = if css.as_bytes().get(end - 1) == css.as_bytes().get(start) && end - 1 > start { end - 1 } else { end };
    found.push(Reference { url: unescape(css[start + 1..close].trim()), offset: start + 1 });
    end
}

/// The offset after the string whose opening quote is at `start`; an unclosed string ends at its line's end,
/// as CSS reads it.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(css: &str) -> Vec<(String, usize)> {
        references(css).into_iter().map(|r| (r.url.into_owned(), r.offset)).collect()
    }

    #[test]
    fn finds_quoted_and_bare_urls_and_imports_with_their_offsets() {
        let css = "@import \"base.css\";\n@IMPORT url(print.css) print;\nb { background: URL( 'a b.png' ) }\ni { mask: url(  /m.svg#x ) }";
        let found = urls(css);
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["base.css", "print.css", "a b.png", "/m.svg#x"]);
        for (url, offset) in found {
            assert_eq!(&css[offset..offset + url.len()], url);
        }
    }

    #[test]
    fn image_sets_are_read_for_their_strings_and_urls() {
        let css = "a { background: image-set(\"a.avif\" type(\"image/avif\") 1x, url(b@2x.png) 2x, 'c.png' 3x) }\nb { background: -webkit-image-set(\"d.png\" 1x) url(e.png) }\nc { --my-image-set(\"no.png\"): 1 }";
        let found = urls(css);
        assert_eq!(found.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["a.avif", "b@2x.png", "c.png", "d.png", "e.png"]);
        for (url, offset) in found {
            assert_eq!(&css[offset..offset + url.len()], url);
        }
    }

    #[test]
    fn comments_strings_and_longer_names_are_not_references() {
        let css = "/* url(no.png) */ a::after { content: \"url(no.png)\" } b { --myurl(x): 1; background: url(yes.png) }";
        assert_eq!(urls(css), [("yes.png".to_owned(), css.find("yes").unwrap())]);
    }

    #[test]
    fn unfinished_input_ends_without_panicking() {
        for css in ["url(", "url(\"a", "@import", "@import '", "/* open", "a { content: 'x", "url('a\\"] {
            let _ = references(css);
        }
        assert_eq!(urls("x { background: url(\"a.png"), [("a.png".to_owned(), 21)]);
        assert_eq!(urls("url(a.png"), [("a.png".to_owned(), 4)]);
    }

    #[test]
    fn text_outside_ascii_keeps_offsets_on_character_boundaries() {
        let css = "/* café */ a { content: 'é' } b { background: url(ü.png) }";
        let found = urls(css);
        assert_eq!(found.len(), 1);
        assert_eq!(&css[found[0].1..found[0].1 + found[0].0.len()], "ü.png");
    }

    #[test]
    fn escapes_are_decoded() {
        let css = "a { background: url(img/a\\ b.png) } b { background: url('c\\'d.png') } i { background: url(\\66 oo.png) }";
        assert_eq!(urls(css).into_iter().map(|(u, _)| u).collect::<Vec<_>>(), ["img/a b.png", "c'd.png", "foo.png"]);
    }
}
