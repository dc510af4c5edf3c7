use crate::errors::Error;

/// Escape HTML following [OWASP](https://www.owasp.org/index.php/XSS_(Cross_Site_Scripting)_Prevention_Cheat_Sheet)
///
/// Escape the following characters with HTML entity encoding to prevent switching
/// into any execution context, such as script, style, or event handlers. Using
/// hex entities is recommended in the spec. In addition to the 5 characters
/// significant in XML (&, <, >, ", '), the forward slash is included as it helps
/// to end an HTML entity.
///
/// ```text
/// & --> &amp;
/// < --> &lt;
/// > --> &gt;
/// " --> &quot;
/// ' --> &#x27;     &apos; is not recommended
/// / --> &#x2F;     forward slash is included as it helps end an HTML entity
/// ```
#[inline]
pub fn escape_html(input: &str) -> String {
    let mut output = String::with_capacity(input.len() * 2);
    for c in input.chars() {
        match c {
            '&' => output.push_str("&amp;"),
            '<' => output.push_str("&lt;"),
            '>' => output.push_str("&gt;"),
            '"' => output.push_str("&quot;"),
            '\'' => output.push_str("&#x27;"),
            '/' => output.push_str("&#x2F;"),
            _ => output.push(c),
        }
    }

    // Not using shrink_to_fit() on purpose
    output
}

pub(crate) fn render_to_string<C, F, E>(context: C, render: F) -> Result<String, Error>
where
    C: FnOnce() -> String,
    F: FnOnce(&mut Vec<u8>) -> Result<(), E>,
    Error: From<E>,
{
    let mut buffer = Vec::new();
    render(&mut buffer).map_err(Error::from)?;
    buffer_to_string(context, buffer)
}

/// psoas: where `byte` first is in `text`, for the short names and paths of a lookup, where `str::find`
/// and `str::contains` spend more getting `memchr` started than reading the few bytes takes.
#[inline]
pub(crate) fn find_byte(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

/// psoas: what a lookup needs to know of its path, read in one pass where upstream searched it five or six
/// times: where its first dot is, whether it has a `[` (sub-variables to evaluate first), and whether the
/// part before that dot has a `~` (to unescape).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PathShape {
    pub dot: Option<usize>,
    pub bracket: bool,
    pub root_tilde: bool,
}

impl PathShape {
    #[inline]
    pub(crate) fn of(path: &str) -> PathShape {
        let mut shape = PathShape { dot: None, bracket: false, root_tilde: false };
        for (i, &b) in path.as_bytes().iter().enumerate() {
            match b {
                b'.' if shape.dot.is_none() => shape.dot = Some(i),
                b'[' => shape.bracket = true,
                b'~' if shape.dot.is_none() => shape.root_tilde = true,
                _ => {}
            }
        }
        shape
    }
}

pub(crate) fn buffer_to_string<F>(context: F, buffer: Vec<u8>) -> Result<String, Error>
where
    F: FnOnce() -> String,
{
    String::from_utf8(buffer).map_err(|error| Error::utf8_conversion_error(error, context()))
}

#[cfg(test)]
mod tests {
    use super::escape_html;
    use super::render_to_string;
    use super::PathShape;

    #[test]
    fn test_escape_html() {
        let tests = vec![
            (r"", ""),
            (r"a&b", "a&amp;b"),
            (r"<a", "&lt;a"),
            (r">a", "&gt;a"),
            (r#"""#, "&quot;"),
            (r#"'"#, "&#x27;"),
            (r#"大阪"#, "大阪"),
        ];
        for (input, expected) in tests {
            assert_eq!(escape_html(input), expected);
        }
        let empty = String::new();
        assert_eq!(escape_html(&empty), empty);
    }

    // psoas: the one pass of `PathShape` finds what separate searches find.
    #[test]
    fn path_shape_finds_the_first_dot_the_brackets_and_a_tilde_before_the_dot() {
        for path in ["", "page", "page.title", "a.b.c", ".a", "a.", "a~1b.c~0", "a.b~1", "a[b.c].d", "x[0]", "~", "a..b"] {
            let dot = path.find('.');
            let expected = PathShape { dot, bracket: path.contains('['), root_tilde: path[..dot.unwrap_or(path.len())].contains('~') };
            assert_eq!(PathShape::of(path), expected, "{path}");
        }
    }

    #[test]
    fn test_render_to_string() {
        use std::io::Write;
        let string = render_to_string(|| panic!(), |w| write!(w, "test")).unwrap();
        assert_eq!(string, "test".to_owned());
    }
}
