//! Slugs and URL paths. Every URL the site emits is built here from a site-relative path, so the base path
//! (`/repo/` on a GitHub Pages project site) is applied in exactly one place.

use std::borrow::Cow;

/// Lowercase ASCII letters and digits, other runs of characters folded to single hyphens. Letters of other
/// scripts are written in ASCII first (`é` as `e`, `Спина` as `Spina`, `日本` as `Ri Ben`), so that a title,
/// tag or heading in any language gives a URL or id, as it reads.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    let mut push = |c: char, slug: &mut String| {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // "don't" -> "dont", not "don-t".
        } else {
            pending_hyphen = true;
        }
    };
    for c in text.chars() {
        match c {
            '’' => push(c, &mut slug),
            c if c.is_ascii() => push(c, &mut slug),
            c => deunicode::deunicode_char(c).unwrap_or(" ").chars().for_each(|c| push(c, &mut slug)),
        }
    }
    slug
}

/// Whether `slug` can be used as one URL segment as it is.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !slug.starts_with('-')
}

/// The file a page's alias (`/old/address/`, or `/old.html`) writes its redirect to.
pub fn alias_output(alias: &str) -> String {
    let path = normalize(alias.trim_start_matches('/')).unwrap_or_default();
    if path.ends_with(".html") { path } else { format!("{}/index.html", path.trim_end_matches('/')) }
}

/// The longest file or folder name file systems allow, in bytes.
pub const NAME_MAX: usize = 255;

/// The first segment of a URL path that is longer than a file or folder name may be.
pub fn long_segment(path: &str) -> Option<&str> {
    path.split('/').find(|segment| segment.len() > NAME_MAX)
}

/// Resolves `.` and `..` segments of a site-relative path; `None` when it climbs above the site root.
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Decodes `%XX` escapes (invalid ones are kept as written).
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if !text.contains('%') {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        out.push(bytes[i]);
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// `path` with the characters a URL cannot hold as they are (spaces, quotes, `<>`, `#`, `?`...) written as
/// `%XX` escapes; `%` itself is kept, so an escape written by hand stays one.
pub fn encode_path(path: &str) -> Cow<'_, str> {
    let escaped = |c: char| c.is_ascii_control() || " \"<>`#?{}|\\^".contains(c);
    if !path.contains(escaped) {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        if escaped(c) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether a link leaves the site (has a scheme such as `https:` or `mailto:`, or is protocol-relative).
pub fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    // A scheme (letters, digits, `+`, `-`, `.`) and then a colon. Read from the start, where a search for the
    // colon read the whole of every local link: it runs for every link of every page.
    let scheme = link.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')).count();
    scheme > 0 && link.as_bytes().get(scheme) == Some(&b':')
}

/// `text.split_once(byte)` for an ASCII `byte`, with a plain loop: the URLs and paths it splits are a few dozen
/// bytes, fewer than `str::split_once` spends on starting `memchr`.
pub fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    debug_assert!(byte.is_ascii());
    let at = text.bytes().position(|b| b == byte)?;
    Some((&text[..at], &text[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_escaped_only_where_a_url_cannot_hold_them() {
        assert!(matches!(encode_path("stretches/kneel.jpg"), Cow::Borrowed(_)));
        assert_eq!(encode_path("my photos/a \"b\"#1?.jpg"), "my%20photos/a%20%22b%22%231%3F.jpg");
        assert_eq!(encode_path("fotos/été%20x.jpg"), "fotos/été%20x.jpg");
        assert_eq!(percent_decode(&encode_path("a b/c#d.png")), "a b/c#d.png");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("What you should feel"), "what-you-should-feel");
        assert_eq!(slugify("  Don't bounce! (ever)  "), "dont-bounce-ever");
        assert_eq!(slugify("Hüft-Beuger"), "huft-beuger");
        assert_eq!(slugify("T12–L5"), "t12-l5");
        assert_eq!(slugify("Привет мир"), "privet-mir");
        assert_eq!(slugify("Спина"), "spina");
        assert_eq!(slugify("Œuvre à São Paulo, straße"), "oeuvre-a-sao-paulo-strasse");
        assert_eq!(slugify("腰痛"), "yao-tong");
        assert!(is_valid_slug("half-kneeling"));
        assert!(!is_valid_slug("../../x"));
    }

    #[test]
    fn normalizing_refuses_to_climb_out() {
        assert_eq!(normalize("a/./b/../c/").as_deref(), Some("a/c/"));
        assert_eq!(normalize("a/../../x"), None);
    }

    #[test]
    fn decoding_and_schemes() {
        assert_eq!(percent_decode("a%20b%2F%zz"), "a b/%zz");
        assert!(is_external("https://x.org"));
        assert!(is_external("mailto:a@b.c"));
        assert!(is_external("//cdn.example"));
        assert!(!is_external("/anatomy/"));
        assert!(!is_external("../x.md#a:b"));
        // The definition read from the start agrees with: the text before the first colon is a non-empty
        // scheme.
        let by_first_colon = |link: &str| {
            link.starts_with("//")
                || link.split_once(':').is_some_and(|(scheme, _)| !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
        };
        for link in ["", ":", "a:", ":a", "svn+ssh://x", "x-y.z:w", "a/b:c", "a b:c", "é:x", "C:\\x", "#a:b", "?q=a:b", "data:x", "a.md", "//", "/"] {
            assert_eq!(is_external(link), by_first_colon(link), "{link}");
        }
    }

    #[test]
    fn split_at_byte_splits_at_the_first_one() {
        for (text, byte) in [("a#b#c", b'#'), ("#", b'#'), ("", b'#'), ("é?x", b'?'), ("ab", b'?')] {
            assert_eq!(split_at_byte(text, byte), text.split_once(byte as char), "{text}");
        }
    }
}
