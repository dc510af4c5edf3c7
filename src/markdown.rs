//! Markdown rendering with pulldown-cmark, and the event rewrites that make it a site: stable heading ids with
//! anchor links and a table of contents, internal links resolved from source paths and recorded for checking,
//! figures, callouts, and the stretch-card component.

use crate::HashSet;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::Problem;
use crate::urls::{encode_path, is_external, normalize, percent_decode, slugify, split_at_byte};

/// What the renderer needs to know about the rest of the site.
pub trait SiteLinks: Sync {
    /// Site-relative URL path (`stretches/x/`) of the content file at `source_path` (relative to `content/`).
    fn content_url(&self, source_path: &str) -> Option<&str>;
    /// Content source paths, for "did you mean".
    fn content_paths(&self) -> Vec<&str>;
    /// The base path every emitted URL starts with (`/` or `/repo/`).
    fn base_path(&self) -> &str;
    /// Intrinsic width and height of a local image, for layout-shift-free `<img>`s.
    fn image_size(&self, site_path: &str) -> Option<(u32, u32)>;
    /// Renders the stretch card of the page at `source_path`; or why not, and what to do when the author can.
    fn stretch_card(&self, source_path: &str) -> Result<String, (String, Option<String>)>;
    /// Whether the theme writes this id on pages itself (`TemplateSet::literal_ids`): as it is, or also
    /// (`numbered`) as one of the ids it numbers in a loop (`topic-1`).
    fn theme_uses_id(&self, id: &str, numbered: bool) -> bool;
    /// Whether the template of the page or section at `source_path` writes an `<h1>` (the default theme's
    /// show the title in one).
    fn title_is_h1(&self, source_path: &str) -> bool;
    /// Why a content file this build left out is a draft, if it is one (asked only of a link to no page).
    fn draft_reason(&self, source_path: &str) -> Option<String>;
    /// Why a content file is left out by `ignore` in site.yaml, if it is there and is (asked only of a link
    /// to no page).
    fn ignored_reason(&self, source_path: &str) -> Option<String>;
    /// The site path of a file other than Markdown kept under content/, at `source_path` there.
    fn asset_path(&self, source_path: &str) -> Option<&str>;
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// An internal link found in Markdown, kept for checking once every output file is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    /// Site-relative path without the base path (`stretches/x/`, `illustrations/a.svg`, `` for home).
    pub target: String,
    pub fragment: Option<String>,
    /// The href as emitted in the HTML.
    pub href: String,
    /// Byte offset of the link in the source file.
    pub offset: usize,
    /// For a file linked by a relative path and not found beside the Markdown, the path under content/ it
    /// was looked for at (the link then points from the page's URL).
    pub missed_beside: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub links: Vec<LinkRecord>,
    /// Content files this one links to or shows a stretch card of (for incremental rebuilds).
    pub links_to: Vec<String>,
    /// Whether a stretch-card component was rendered (it depends on the card template).
    pub uses_card: bool,
    /// Whether it has a `#` heading, an error or not as the template shows the page's title as its h1.
    pub has_h1: bool,
    /// Destinations the renderer reported a problem for, left in the HTML as written.
    pub reported_hrefs: Vec<String>,
    /// The ids in `html`, in order, when nothing but headings has any and every link in it is one the page
    /// records in `links`, an external one, or a heading's link to itself: when it holds no raw HTML,
    /// footnote, stretch card or image inside a heading, and every link resolved. An output that
    /// shows `html` as it is need not scan that part for ids and links (see `check::scan_around`).
    pub content_ids: Option<Vec<String>>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders `text` (the body of `rel_path`, starting at byte `offset` of the file `file_text`), whose own
/// site-relative URL path is `own_path`.
pub struct Render<'a> {
    pub site: &'a dyn SiteLinks,
    pub rel_path: &'a str,
    pub display_path: &'a str,
    pub file_text: &'a str,
    pub body_offset: usize,
    pub own_path: &'a str,
}

impl Render<'_> {
    pub fn render(&self) -> (Rendered, Vec<Problem>) {
        let body = &self.file_text[self.body_offset..];
        // Prose makes about one event per 20-25 bytes: sized up front, the list is not copied as it grows.
        let mut events: Vec<(Event, Range<usize>)> = Vec::with_capacity(body.len() / 16);
        // Events are changed where they are, once looked at (lookahead reads only later ones), and most are
        // left as they are: the list goes to pulldown-cmark's HTML writer in the end.
        events.extend(Parser::new_ext(body, options()).into_offset_iter());
        let mut state = State { ids: HashSet::default(), rendered: Rendered::default(), problems: Vec::new(), running: WordCount::new(), only_headings_have_ids: true, footnotes: Vec::new(), referenced: Vec::new(), in_footnote: None, cards: Vec::new() };
        let mut headings: Vec<(u8, String, String)> = Vec::new();
        // Heading levels step down one at a time from the title's h1: screen reader users move by them.
        let mut last_level = 0;
        let mut callouts: Vec<bool> = Vec::new();
        let mut in_code = false;
        let has_raw_html = events.iter().any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
        let mut i = 0;
        while i < events.len() {
            let offset = self.body_offset + events[i].1.start;
            if !continues_text(&events[i].0) {
                state.running.break_words();
            }
            match &events[i].0 {
                Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                    let end = find_end(&events, i);
                    let inner = &events[i + 1..end];
                    let text = plain_text(inner);
                    state.count_words(&text);
                    // `{#has space}` is the id `has` and an attribute `space`, which the HTML would not show.
                    if let Some((name, _)) = attrs.first() {
                        let help = match id {
                            Some(id) => format!("an id is one word: write `{{#{id}-{name}}}`"),
                            None => "give the heading an id as `{#an-id}`, or a class as `{.a-class}`".to_owned(),
                        };
                        state.problems.push(self.problem(offset, format!("heading attribute `{name}` is not used: only `#id` and `.class` are read in `{{...}}`")).help(help));
                    }
                    let base = match id {
                        Some(id) => {
                            let wanted = id.to_string();
                            let theirs = self.site.theme_uses_id(&wanted, false);
                            if theirs || is_footnote_id(&wanted) || state.ids.contains(&wanted) {
                                let holder = if theirs {
                                    "the theme gives it to an element of every page"
                                } else if is_footnote_id(&wanted) {
                                    "footnotes have the ids `fn-1`, `fnref-1`, `fn-2`..."
                                } else {
                                    "an earlier heading of this page has it"
                                };
                                state.problems.push(
                                    self.problem(offset, format!("heading id `{wanted}` is taken: {holder}"))
                                        .help("give this heading another id, `{#another-name}`, or none, to have one made from its text"),
                                );
                            }
                            wanted
                        }
                        None => slugify(&text),
                    };
                    // A taken id the author gave is reported, and kept apart in the HTML like one made from the
                    // text, so that the link check does not report it again.
                    let id = state.unique_id(base, |id| self.site.theme_uses_id(id, true) || is_footnote_id(id));
                    let level_n = heading_number(*level);
                    state.rendered.has_h1 |= level_n == 1;
                    if let Some(problem) = self.heading_level_problem(level_n, last_level, offset) {
                        state.problems.push(problem);
                    }
                    last_level = level_n;
                    headings.push((level_n, id.clone(), text.trim().to_owned()));
                    let class = if classes.is_empty() { String::new() } else { format!(" class=\"{}\"", escape(&classes.join(" "))) };
                    // A heading that holds a link (a Markdown link, a footnote's number, an `<a>` in raw HTML)
                    // is not made a link to itself: links do not nest.
                    let has_link = inner.iter().any(|(e, _)| match e {
                        Event::Start(Tag::Link { .. }) | Event::FootnoteReference(_) => true,
                        Event::InlineHtml(html) => html.len() > 2 && html.as_bytes()[..2].eq_ignore_ascii_case(b"<a") && html.as_bytes()[2].is_ascii_whitespace() || html.eq_ignore_ascii_case("<a>"),
                        _ => false,
                    });
                    // Built by concatenation: `format!` costs more than the copying, on every heading of the site.
                    let digit = ["", "1", "2", "3", "4", "5", "6"][usize::from(level_n)];
                    // A custom id (`{#...}`) may hold any character but a space or `}`.
                    let id_html = escape_borrowing(&id);
                    let (open, link_id, open_end) = if has_link { ("", "", "") } else { ("<a class=\"heading-link\" href=\"#", &*id_html, "\">") };
                    let open_tag = ["<h", digit, " id=\"", &id_html, "\"", &class, ">", open, link_id, open_end].concat();
                    events[i].0 = Event::Html(open_tag.into());
                    let mut k = i + 1;
                    while k < end {
                        let at = self.body_offset + events[k].1.start;
                        // An image (an icon beside the heading's words) is written as every other image is.
                        if let Event::Start(Tag::Image { dest_url, title, .. }) = &events[k].0 {
                            let (dest_url, title) = (dest_url.clone(), title.clone());
                            let image_end = find_end(&events, k);
                            let alt = plain_text(&events[k + 1..image_end]);
                            let img = self.image_html(&mut state, &dest_url, &title, &alt, at);
                            events[k].0 = Event::InlineHtml(img.into());
                            leave_out(&mut events[k + 1..=image_end]);
                            k = image_end + 1;
                            continue;
                        }
                        self.report_missing_note(&mut state, &events, k);
                        self.inline(&mut state, &mut events[k].0, at);
                        k += 1;
                    }
                    let close = if has_link { "" } else { "</a>" };
                    events[end].0 = Event::Html([close, "</h", digit, ">\n"].concat().into());
                    i = end + 1;
                    continue;
                }
                Event::Start(Tag::Paragraph) if is_figure(&events, i) => {
                    let Event::Start(Tag::Image { dest_url, title, .. }) = &events[i + 1].0 else { unreachable!() };
                    let end = find_end(&events, i + 1);
                    let alt = plain_text(&events[i + 2..end]);
                    state.count_words(&alt);
                    let img = self.image_html(&mut state, dest_url, "", &alt, self.body_offset + events[i + 1].1.start);
                    let caption = escape(title);
                    events[i].0 = Event::Html(format!("<figure>{img}<figcaption>{caption}</figcaption></figure>\n").into());
                    leave_out(&mut events[i + 1..end + 2]);
                    i = end + 2;
                    continue;
                }
                Event::Start(Tag::BlockQuote(kind)) => {
                    let (kind, skip) = match kind {
                        Some(kind) => (Some(callout_kind(*kind)), 0),
                        None => match red_flag_marker(&events, i) {
                            Some(skip) => (Some(("red-flag", "Red flag")), skip),
                            None => {
                                if let Some((marker, known)) = callout_marker_not_taken(&events, i) {
                                    let problem = if known {
                                        self.problem(offset, format!("callout marker `[!{marker}]` with text after it on its line: it would show as a plain quote"))
                                            .help(format!("put `[!{marker}]` on a line of its own, and the text on the next line, after `> `"))
                                    } else {
                                        let help = match crate::diagnostics::did_you_mean(&marker.to_ascii_uppercase(), CALLOUT_KINDS) {
                                            Some(near) => format!("did you mean `[!{near}]`? The kinds are {}", CALLOUT_KINDS.join(", ")),
                                            None => format!("the kinds are {}; without a marker it is a plain quote", CALLOUT_KINDS.join(", ")),
                                        };
                                        self.problem(offset, format!("unknown callout kind `[!{marker}]`: it would show as a plain quote")).help(help)
                                    };
                                    state.problems.push(problem);
                                }
                                (None, 0)
                            }
                        },
                    };
                    callouts.push(kind.is_some());
                    if let Some((class, title)) = kind {
                        state.count_words(title);
                        events[i].0 = Event::Html(
                            format!("<aside class=\"callout callout-{class}\" role=\"note\" aria-label=\"{title}\">\n<p class=\"callout-title\">{title}</p>\n").into(),
                        );
                        if skip > 0 {
                            // Keep the paragraph's opening tag, leave out the marker text (and the line break after it).
                            leave_out(&mut events[i + 2..i + 2 + skip]);
                            i += 2 + skip;
                            continue;
                        }
                    }
                }
                Event::End(TagEnd::BlockQuote(_)) => {
                    if callouts.pop() == Some(true) {
                        events[i].0 = Event::Html("</aside>\n".into());
                    }
                }
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.trim() == "stretch-card" => {
                    let end = find_end(&events, i);
                    let target = plain_text(&events[i + 1..end]);
                    let target = target.trim();
                    let source_path = match target.strip_prefix("@/") {
                        Some(path) => path.to_owned(),
                        None if target.is_empty() => self.rel_path.to_owned(),
                        None => {
                            state.problems.push(self.problem(offset, format!("stretch-card expects `@/path.md` or nothing, found `{target}`")).help("write the source path of a stretch page, e.g. `@/stretches/half-kneeling.md`"));
                            leave_out(&mut events[i..=end]);
                            i = end + 1;
                            continue;
                        }
                    };
                    // A card's ids (its timer's, its own) are made from its page's path: shown twice, they
                    // would be on the page twice.
                    if let Some(&(_, first)) = state.cards.iter().find(|(shown, _)| *shown == source_path) {
                        let (line, _) = crate::diagnostics::line_column(self.file_text, first);
                        state.problems.push(
                            self.problem(offset, format!("the stretch card of `@/{source_path}` is on this page already (line {line})"))
                                .help("show each card once on a page: remove this block, or the other one"),
                        );
                        leave_out(&mut events[i..=end]);
                        i = end + 1;
                        continue;
                    }
                    state.cards.push((source_path.clone(), offset));
                    state.rendered.uses_card = true;
                    state.only_headings_have_ids = false;
                    leave_out(&mut events[i + 1..=end]);
                    match self.site.stretch_card(&source_path) {
                        Ok(html) => {
                            if source_path != self.rel_path {
                                state.rendered.links_to.push(source_path);
                            }
                            events[i].0 = Event::Html(html.into());
                        }
                        Err((message, help)) => {
                            let problem = self.problem(offset, message);
                            state.problems.push(match help {
                                Some(help) => problem.help(help),
                                None => problem,
                            });
                            leave_out(&mut events[i..=i]);
                        }
                    }
                    i = end + 1;
                    continue;
                }
                // A note whose reference came before it links back there, at the end of its last paragraph.
                Event::End(TagEnd::FootnoteDefinition) => {
                    if let Some(n) = state.in_footnote.take().filter(|&n| state.referenced[n - 1]) {
                        let backref = format!("<a class=\"footnote-backref\" href=\"#fnref-{n}\" aria-label=\"Back to the text of note {n}\">↩</a>");
                        match &events[i - 1].0 {
                            Event::End(TagEnd::Paragraph) => events[i - 1].0 = Event::Html(format!(" {backref}</p>\n").into()),
                            _ => events[i].0 = Event::Html(format!("{backref}</div>\n").into()),
                        }
                    }
                }
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    let end = find_end(&events, i);
                    let alt = plain_text(&events[i + 1..end]);
                    state.count_words(&alt);
                    let img = self.image_html(&mut state, dest_url, title, &alt, offset);
                    events[i].0 = Event::InlineHtml(img.into());
                    leave_out(&mut events[i + 1..=end]);
                    i = end + 1;
                    continue;
                }
                Event::Text(text) if !in_code => {
                    self.report_missing_note(&mut state, &events, i);
                    state.running.text(text);
                }
                Event::Html(html) | Event::InlineHtml(html) if let Some(at) = img_without_alt(html) => {
                    state.problems.push(
                        self.problem(offset + at, "an `<img>` in HTML has no `alt` attribute")
                            .help("describe the picture in `alt=\"...\"`, or write `alt=\"\"` if it is only decoration"),
                    );
                    self.inline(&mut state, &mut events[i].0, offset);
                }
                Event::Start(Tag::Link { dest_url, .. }) if !has_text(&events[i + 1..find_end(&events, i)]) => {
                    state.problems.push(
                        self.problem(offset, format!("link to `{dest_url}` has no text: a screen reader reads out only its address"))
                            .help("write what the link leads to between the brackets: `[the red flags](...)`"),
                    );
                    self.inline(&mut state, &mut events[i].0, offset);
                }
                _ => self.inline(&mut state, &mut events[i].0, offset),
            }
            i += 1;
        }
        if has_raw_html {
            self.empty_raw_links(&mut state, &events);
        }
        state.rendered.word_count += state.running.words;
        if state.only_headings_have_ids && state.problems.is_empty() {
            state.rendered.content_ids = Some(headings.iter().map(|(_, id, _)| id.clone()).collect());
        }
        state.rendered.toc = build_toc(&headings);
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter().filter(|(_, range)| *range != LEFT_OUT).map(|(event, _)| event));
        state.rendered.html = html;
        (state.rendered, state.problems)
    }

    /// Reports each `<a>` written in raw HTML that has nothing a screen reader can read out: no text, no
    /// picture with an `alt`, no `aria-label`. (Markdown links are checked as they are read.)
    fn empty_raw_links(&self, state: &mut State, events: &[(Event, Range<usize>)]) {
        // The page's raw HTML and text as the HTML has them, each piece with where it is in the source.
        let mut html = String::new();
        let mut starts: Vec<(usize, usize, bool)> = Vec::new();
        for (event, range) in events {
            let (piece, is_html) = match event {
                Event::Html(h) | Event::InlineHtml(h) => (h, true),
                Event::Text(t) | Event::Code(t) => (t, false),
                _ => continue,
            };
            starts.push((html.len(), range.start, is_html));
            html.push_str(piece);
        }
        let lower = html.to_ascii_lowercase();
        let mut from = 0;
        while let Some(found) = lower[from..].find("<a") {
            let start = from + found;
            from = start + 2;
            if !lower[from..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>') {
                continue;
            }
            // In a comment, a tag is text.
            if lower[..start].rfind("<!--").is_some_and(|open| !lower[open..start].contains("-->")) {
                continue;
            }
            let Some(tag_end) = lower[start..].find('>').map(|e| start + e) else { break };
            let Some(close) = lower[tag_end..].find("</a").map(|e| tag_end + e) else { break };
            from = close;
            let tag = &lower[start..tag_end];
            let label = attribute_value(tag, "aria-label").is_some_and(|v| !v.trim().is_empty()) || attribute_value(tag, "aria-labelledby").is_some();
            if label || attribute_value(tag, "href").is_none() || has_readable_text(&html[tag_end + 1..close]) {
                continue;
            }
            // Where the tag is in the source: the raw HTML piece that holds its start (text that reads `<a`
            // is no tag).
            let Some(&(at, source, true)) = starts.get(starts.partition_point(|&(at, _, _)| at <= start).saturating_sub(1)) else { continue };
            let offset = self.body_offset + source + (start - at);
            let shown: String = html[start..=tag_end].chars().take(60).collect();
            state.problems.push(
                self.problem(offset, format!("link `{shown}` has no text: a screen reader reads out only its address"))
                    .help("write what the link leads to between `<a ...>` and `</a>`, give its picture an `alt`, or give the link an `aria-label`"),
            );
        }
    }

    /// Reports a footnote reference without a note, if the text at `i` starts one (`\[^x]` is the brackets
    /// as text).
    fn report_missing_note(&self, state: &mut State, events: &[(Event, Range<usize>)], i: usize) {
        let body = &self.file_text[self.body_offset..];
        if body[events[i].1.start..].starts_with('\\') {
            return;
        }
        let Some(label) = undefined_footnote(events, i) else { return };
        let defined: Vec<&str> = events.iter().filter_map(|(e, _)| if let Event::Start(Tag::FootnoteDefinition(l)) = e { Some(&**l) } else { None }).collect();
        let help = match crate::diagnostics::did_you_mean(label, defined.iter().copied()) {
            Some(near) => format!("did you mean `[^{near}]`?"),
            None => format!("write the note on a line of its own, after a blank line: `[^{label}]: ...`; or, to show the brackets as text, `\\[^{label}]`"),
        };
        let offset = self.body_offset + events[i].1.start;
        state.problems.push(self.problem(offset, format!("footnote `[^{label}]` has no note: it would show as the text `[^{label}]`")).help(help));
    }

    /// Looks at an inline event, rewriting link destinations.
    fn inline(&self, state: &mut State, event: &mut Event, offset: usize) {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, .. }) if !matches!(link_type, LinkType::Email) => {
                if let Some(href) = self.rewrite(state, dest_url, offset) {
                    *dest_url = href.into();
                }
            }
            // Footnotes are numbered in the order they are first met, and their ids are apart from the
            // headings' and the theme's (`fn-1`, not the label, which may be `note` beside `## Note`).
            Event::FootnoteReference(label) => {
                state.only_headings_have_ids = false;
                let n = state.footnote(label);
                let id = if std::mem::replace(&mut state.referenced[n - 1], true) { String::new() } else { format!(" id=\"fnref-{n}\"") };
                *event = Event::InlineHtml(format!("<sup class=\"footnote-reference\"><a href=\"#fn-{n}\"{id}>{n}</a></sup>").into());
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                state.only_headings_have_ids = false;
                let n = state.footnote(label);
                state.in_footnote = Some(n);
                *event = Event::Html(format!("<div class=\"footnote-definition\" id=\"fn-{n}\"><sup class=\"footnote-definition-label\">{n}</sup>").into());
            }

            // Raw HTML may hold ids and links of its own. (An image is written by `image_html`, in a heading
            // too, and never reaches here.)
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) | Event::Html(_) | Event::InlineHtml(_) => {
                state.only_headings_have_ids = false;
            }
            _ => {}
        }
    }

    /// A heading at `level` after one at `last` (0 for the page's title, its h1) that skips a level, or is a
    /// second h1.
    fn heading_level_problem(&self, level: u8, last: u8, offset: usize) -> Option<Problem> {
        if level == 1 {
            return self.site.title_is_h1(self.rel_path).then(|| {
                self.problem(offset, "a `#` heading is a second h1: the page's title is its h1").help("use `##` for the page's sections, `###` for parts of a section")
            });
        }
        let above = last.max(1);
        (level > above + 1).then(|| {
            let after = if last == 0 { "the page's title (h1)".to_owned() } else { format!("an h{last}") };
            self.problem(offset, format!("this h{level} comes after {after}, skipping a level: screen reader users move by heading levels"))
                .help(format!("use `{}`, or add the h{} it belongs under", "#".repeat(usize::from(above + 1)), above + 1))
        })
    }

    fn image_html(&self, state: &mut State, dest: &str, title: &str, alt: &str, offset: usize) -> String {
        if alt.trim().is_empty() {
            state.problems.push(
                self.problem(offset, format!("image `{dest}` has no alt text"))
                    .help("describe the picture between the brackets: `![A person kneeling on one knee](...)`"),
            );
        }
        let src = self.rewrite(state, dest, offset).unwrap_or_else(|| dest.to_owned());
        let size = self
            .local_target(dest)
            .or_else(|| self.site.asset_path(&percent_decode(dest.strip_prefix("@/")?.split(['#', '?']).next()?)).map(str::to_owned))
            .and_then(|path| self.site.image_size(&path))
            .map(|(w, h)| format!(" width=\"{w}\" height=\"{h}\""))
            .unwrap_or_default();
        let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(title)) };
        format!("<img src=\"{}\" alt=\"{}\"{size}{title} loading=\"lazy\" decoding=\"async\">", escape(&src), escape(alt.trim()))
    }

    /// The site-relative path a non-content local link points at, if it is one. A relative path to a file
    /// kept beside the Markdown (under content/) is that file, as an editor's preview shows it; any other is
    /// relative to the page's URL.
    fn local_target(&self, dest: &str) -> Option<String> {
        self.locate(dest).map(|(target, _)| target)
    }

    /// `local_target`, and for a file (by its extension) written relative and not found beside the Markdown,
    /// the path under content/ it was looked for at.
    fn locate(&self, dest: &str) -> Option<(String, Option<String>)> {
        if is_external(dest) || dest.starts_with("@/") || dest.starts_with('#') {
            return None;
        }
        let path = dest.split(['#', '?']).next().unwrap_or_default();
        if let Some(rooted) = path.strip_prefix('/') {
            return normalize(rooted).map(|target| (target, None));
        }
        let beside = crate::content::beside(self.rel_path, path);
        if let Some(asset) = beside.as_deref().and_then(|source| self.site.asset_path(source)) {
            return Some((asset.to_owned(), None));
        }
        let is_file = path.rsplit('/').next().is_some_and(|name| name.contains('.') && !name.starts_with('.'));
        normalize(&format!("{}{path}", self.own_path)).map(|target| (target, beside.filter(|_| is_file)))
    }

    /// Resolves an internal link, records it for checking, and returns the href to emit (None: leave as is).
    /// `rewrite_dest`, noting a destination it reported a problem for: it stays in the HTML as written, and
    /// the link check must not report it again.
    fn rewrite(&self, state: &mut State, dest: &str, offset: usize) -> Option<String> {
        let before = state.problems.len();
        let href = self.rewrite_dest(state, dest, offset);
        if href.is_none() && state.problems.len() > before {
            state.rendered.reported_hrefs.push(dest.to_owned());
        }
        href
    }

    fn rewrite_dest(&self, state: &mut State, dest: &str, offset: usize) -> Option<String> {
        if is_external(dest) || dest.is_empty() {
            return None;
        }
        let base = self.site.base_path();
        let (before_fragment, fragment) = match split_at_byte(dest, b'#') {
            Some((path, fragment)) => (path, Some(fragment.to_owned())),
            None => (dest, None),
        };
        let path = split_at_byte(before_fragment, b'?').map_or(before_fragment, |(path, _)| path);
        // `?query` and `#fragment`, as written.
        let (query, suffix) = (&before_fragment[path.len()..], &dest[before_fragment.len()..]);
        let mut missed_beside = None;

        let content_source = if let Some(source) = path.strip_prefix("@/") {
            Some(percent_decode(source).into_owned())
        } else if path.ends_with(".md") && !path.starts_with('/') {
            let joined = if self.rel_path.contains('/') { format!("{}/{path}", self.rel_path.rsplit_once('/').unwrap().0) } else { path.to_owned() };
            match normalize(&percent_decode(&joined)) {
                Some(source) => Some(source),
                None => {
                    state.problems.push(self.problem(offset, format!("link `{dest}` climbs out of the content folder")));
                    return None;
                }
            }
        } else {
            None
        };

        let target = match content_source {
            Some(source) => match self.site.content_url(&source) {
                Some(url) => {
                    state.rendered.links_to.push(source);
                    url.to_owned()
                }
                None if self.site.asset_path(&source).is_some() => self.site.asset_path(&source).unwrap_or_default().to_owned(),
                None => {
                    if let Some(reason) = self.site.ignored_reason(&source) {
                        state.problems.push(
                            self.problem(offset, format!("link to `{dest}`: {reason}"))
                                .help("link to a page of the site, or take the pattern out of `ignore`"),
                        );
                        return None;
                    }
                    if let Some(reason) = self.site.draft_reason(&source) {
                        state.problems.push(
                            self.problem(offset, format!("link to `{dest}`: {reason}, left out of this build"))
                                .help("build with `--drafts` to preview it, and link to it once it is published"),
                        );
                        return None;
                    }
                    let paths = self.site.content_paths();
                    // A folder (`@/stretches/` or `@/stretches`) is linked to by its section's `_index.md`, or
                    // its page's `index.md`.
                    let folder = if source.is_empty() || source.ends_with('/') { source.clone() } else { format!("{source}/") };
                    let (section, page) = (format!("{folder}_index.md"), format!("{folder}index.md"));
                    let near = match paths.iter().find(|&&p| p == section || p == page) {
                        Some(&path) => Some(path),
                        // Near as a whole, and by the file's own name: a shared folder alone is no likeness.
                        None => {
                            let name = |path: &str| path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md").to_owned();
                            let wanted = name(&source);
                            let alike = paths.iter().copied().filter(|p| strsim::jaro_winkler(&wanted, &name(p)) > 0.7);
                            crate::diagnostics::did_you_mean(&source, alike)
                        }
                    };
                    // An image or other file (by its extension), which may be under static/.
                    let extension = source.rsplit('/').next().and_then(|name| name.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
                    let is_other_file = extension.is_some_and(|e| OTHER_FILES.contains(&e.as_str()));
                    let help = match near {
                        _ if is_other_file => format!("a `@/` path names a file under content/; link to a file under static/ by its site path, e.g. `/{source}`"),
                        Some(near) => format!("did you mean `@/{near}`?"),
                        None => "link to a file under content/ by its path, e.g. `@/stretches/half-kneeling.md`".to_owned(),
                    };
                    state.problems.push(self.problem(offset, format!("link to `{dest}`: no such content file")).help(help));
                    return None;
                }
            },
            None if path.is_empty() => self.own_path.to_owned(),
            None => match self.locate(path) {
                // The link check names where a file it misses was looked for first.
                Some((target, missed)) => {
                    missed_beside = missed;
                    target
                }
                None => {
                    state.problems.push(self.problem(offset, format!("link `{dest}` climbs out of the site")));
                    return None;
                }
            },
        };
        let href = if path.is_empty() { [query, suffix].concat() } else { [base, &encode_path(&target), query, suffix].concat() };
        state.rendered.links.push(LinkRecord { target, fragment, href: href.clone(), offset, missed_beside });
        Some(href)
    }

    fn problem(&self, offset: usize, message: impl Into<String>) -> Problem {
        Problem::new(self.display_path, message).at_offset(self.file_text, offset)
    }
}

struct State {
    /// The headings' ids so far.
    ids: HashSet<String>,
    rendered: Rendered,
    problems: Vec<Problem>,
    /// The words of the running text, which may go on from one text event to the next.
    running: WordCount,
    /// Whether the HTML has ids only on headings, and no links but those `links` records, external ones
    /// and the headings' own (see `Rendered::content_ids`).
    only_headings_have_ids: bool,
    /// Footnote labels in the order they are first met: a note's number is its place here, plus one.
    footnotes: Vec<String>,
    /// Whether each footnote's first reference has been written (it carries the id the note links back to).
    referenced: Vec<bool>,
    /// The number of the footnote whose text is being written.
    in_footnote: Option<usize>,
    /// The stretch cards shown so far (their pages' paths under content/), with where their blocks are.
    cards: Vec<(String, usize)>,
}

impl State {
    /// The number of the footnote `label`, which is matched as the parser matches it to its note: in any
    /// case (`[^Note]` is `[^note]:`), with spaces run together.
    fn footnote(&mut self, label: &str) -> usize {
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        match self.footnotes.iter().position(|l| *l == label) {
            Some(k) => k + 1,
            None => {
                self.footnotes.push(label);
                self.referenced.push(false);
                self.footnotes.len()
            }
        }
    }

    /// `base`, or the first of `base-1`, `base-2`... that no earlier heading has and `taken` does not refuse.
    fn unique_id(&mut self, base: String, taken: impl Fn(&str) -> bool) -> String {
        let base = if base.is_empty() { "section".to_owned() } else { base };
        let id = (0..)
            .map(|n| if n == 0 { base.clone() } else { format!("{base}-{n}") })
            .find(|id| !self.ids.contains(id) && !taken(id))
            .expect("some suffix is free");
        self.ids.insert(id.clone());
        id
    }

    /// Counts the words of text that stands alone (a heading, an image's description).
    fn count_words(&mut self, text: &str) {
        self.rendered.word_count += count_words(text);
    }
}

/// Counts the words of a stream of text pieces: runs of non-whitespace that contain a letter or digit (so a
/// dash is not a word). Every byte of a multi-byte character counts like a letter, except the bytes of the
/// punctuation smart quotes produce. A word is counted at its first letter or digit whose nearest letter or
/// space before it (other bytes skipped) is a space or the start, so a word split over pieces (`it`, `’`,
/// `s`, as pulldown-cmark gives "it's") counts once.
///
/// It runs over every byte of the site's text, so it takes 64 bytes at a time as bit masks (bit `k` for byte
/// `k`) and counts with a few operations on whole words, where a byte-by-byte count would wait on the byte
/// before at each step.
struct WordCount {
    words: usize,
    /// 1 when the last letter or space so far was a space (or there was none).
    after_space: u64,
}

impl WordCount {
    const SPACE: u8 = 1;
    const WORDY: u8 = 2;
    const CLASS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let byte = b as u8;
            table[b] = if byte.is_ascii_whitespace() {
                Self::SPACE
            } else if byte.is_ascii_alphanumeric() || byte >= 0x80 && !is_punctuation_byte(byte) {
                Self::WORDY
            } else {
                0
            };
            b += 1;
        }
        table
    };

    fn new() -> WordCount {
        WordCount { words: 0, after_space: 1 }
    }

    fn text(&mut self, text: &str) {
        for chunk in text.as_bytes().chunks(64) {
            // The bits past a short chunk's end are neither spaces nor letters: they change nothing.
            let (space, wordy) = class_masks(chunk);
            let other = !(space | wordy);
            // After each byte: whether the last space or letter up to it is a space. A space sets it, a letter
            // clears it, and a run of other bytes keeps what the byte before the run left (`after_space` for a
            // run at the start). Adding a 1 at the start of each run that should be set carries through the
            // run, clearing exactly its bits in `other + seeds`.
            let seeds = other & !(other << 1) & ((space << 1) | self.after_space);
            let after = space | (other & !other.wrapping_add(seeds));
            self.words += (wordy & ((after << 1) | self.after_space)).count_ones() as usize;
            self.after_space = after >> 63;
        }
    }

    /// The end of a block or line: the next piece starts a new word.
    fn break_words(&mut self) {
        self.after_space = 1;
    }
}

/// For up to 64 bytes, the masks of the spaces and of the letters among them (bit `k` for byte `k`; see
/// `WordCount::CLASS`).
#[cfg(target_arch = "x86_64")]
fn class_masks(bytes: &[u8]) -> (u64, u64) {
    // SAFETY: SSE2 is part of the x86-64 baseline: every processor that runs this binary has it.
    unsafe { class_masks_sse2(bytes) }
}

#[cfg(not(target_arch = "x86_64"))]
fn class_masks(bytes: &[u8]) -> (u64, u64) {
    class_masks_table(bytes)
}

/// `class_masks` a byte at a time, from the class table.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))] // there, only the tests compare it with the SSE2 one
fn class_masks_table(bytes: &[u8]) -> (u64, u64) {
    let (mut space, mut wordy) = (0u64, 0u64);
    for (k, &b) in bytes.iter().take(64).enumerate() {
        let class = u64::from(WordCount::CLASS[b as usize]);
        space |= (class & 1) << k;
        wordy |= (class >> 1) << k;
    }
    (space, wordy)
}

/// `class_masks` 16 bytes at a time (most text events are shorter than 64 bytes).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn class_masks_sse2(bytes: &[u8]) -> (u64, u64) {
    use std::arch::x86_64::*;
    let (mut space, mut wordy) = (0u64, 0u64);
    for (k, lane) in bytes[..bytes.len().min(64)].chunks(16).enumerate() {
        // Zero bytes after a short end: neither spaces nor letters.
        let mut padded = [0u8; 16];
        padded[..lane.len()].copy_from_slice(lane);
        let half = |at: usize| i64::from_le_bytes(padded[at..at + 8].try_into().expect("8 bytes"));
        let v = _mm_set_epi64x(half(8), half(0));
        let is = |byte: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(byte as i8));
        // `x - low < count` on unsigned bytes: moved by 0x80, a signed comparison, the one SSE2 has.
        let within = |x: __m128i, low: u8, count: u8| _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(low) as i8)), _mm_set1_epi8((0x80 + count) as i8));
        let spaces = _mm_or_si128(_mm_or_si128(_mm_or_si128(is(b' '), is(b'\t')), _mm_or_si128(is(b'\n'), is(0x0C))), is(b'\r'));
        let alphanumeric = _mm_or_si128(within(v, b'0', 10), within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 26));
        // Bytes from 0x80 count as letters, except those of `is_punctuation_byte`.
        let high = _mm_cmplt_epi8(v, _mm_setzero_si128());
        let punctuation = _mm_or_si128(_mm_or_si128(is(0xE2), is(0x80)), within(v, 0x90, 0xA6 - 0x90 + 1));
        let letters = _mm_or_si128(alphanumeric, _mm_andnot_si128(punctuation, high));
        space |= u64::from(_mm_movemask_epi8(spaces) as u16) << (16 * k);
        wordy |= u64::from(_mm_movemask_epi8(letters) as u16) << (16 * k);
    }
    (space, wordy)
}

/// Words of one piece of text (see `WordCount`).
fn count_words(text: &str) -> usize {
    let mut count = WordCount::new();
    count.text(text);
    count.words
}

/// Whether `event` continues the running text of a paragraph or heading: a word can go on across it.
fn continues_text(event: &Event) -> bool {
    let inline = |tag: &Tag| matches!(tag, Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Superscript | Tag::Subscript);
    let inline_end = |end: &TagEnd| matches!(end, TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Superscript | TagEnd::Subscript);
    match event {
        Event::Text(_) | Event::Code(_) | Event::InlineHtml(_) | Event::InlineMath(_) | Event::FootnoteReference(_) => true,
        Event::Start(tag) => inline(tag),
        Event::End(end) => inline_end(end),
        _ => false,
    }
}

/// Bytes of the common non-ASCII punctuation pulldown-cmark's smart punctuation produces (en and em dashes,
/// curly quotes, ellipsis: all `E2 80 xx`), which must not make a word on their own.
#[allow(clippy::manual_range_contains)] // `contains` is not const
const fn is_punctuation_byte(b: u8) -> bool {
    b == 0xE2 || b == 0x80 || (b >= 0x90 && b <= 0xA6)
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

fn callout_kind(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The callout markers a block quote may start with.
/// Extensions of files a page links to that are not Markdown: images, documents, media.
const OTHER_FILES: [&str; 16] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "pdf", "txt", "csv", "zip", "mp3", "mp4", "webm", "css"];

const CALLOUT_KINDS: [&str; 6] = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "RED-FLAG"];

/// For a plain block quote at `start` that begins with what looks like a callout's marker, the word in it,
/// and whether it is of a kind there is (then with text after it on its line, where a marker must stand
/// alone): `[!WARN]` gives ("WARN", false), `[!NOTE] Rest` ("NOTE", true).
fn callout_marker_not_taken(events: &[(Event, Range<usize>)], start: usize) -> Option<(String, bool)> {
    if !matches!(events.get(start + 1), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    let mut line = String::new();
    for (event, _) in &events[start + 2..] {
        match event {
            Event::Text(text) => line.push_str(text),
            _ => break,
        }
    }
    let (word, _) = line.strip_prefix("[!")?.split_once(']')?;
    let is_marker = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    is_marker.then(|| (word.to_owned(), CALLOUT_KINDS.contains(&word.to_ascii_uppercase().as_str())))
}

/// For a plain block quote at `start` whose first line is `[!RED-FLAG]`, how many events after
/// the paragraph's start hold the marker (and the line break after it).
fn red_flag_marker(events: &[(Event, Range<usize>)], start: usize) -> Option<usize> {
    if !matches!(events.get(start + 1), Some((Event::Start(Tag::Paragraph), _))) {
        return None;
    }
    let mut text = String::new();
    let mut j = start + 2;
    while let Some((Event::Text(t), _)) = events.get(j) {
        text.push_str(t);
        j += 1;
        if text.trim().len() >= "[!RED-FLAG]".len() {
            break;
        }
    }
    if !text.trim().eq_ignore_ascii_case("[!RED-FLAG]") {
        return None;
    }
    // On a line of its own, as every other kind's marker must be (text after it is reported).
    match events.get(j) {
        Some((Event::SoftBreak | Event::HardBreak, _)) => Some(j + 1 - (start + 2)),
        Some((Event::End(TagEnd::Paragraph), _)) => Some(j - (start + 2)),
        _ => None,
    }
}

/// A paragraph holding only an image with a title: rendered as a figure with a caption.
fn is_figure(events: &[(Event, Range<usize>)], start: usize) -> bool {
    let Some((Event::Start(Tag::Image { title, .. }), _)) = events.get(start + 1) else { return false };
    if title.is_empty() {
        return false;
    }
    let end = find_end(events, start + 1);
    matches!(events.get(end + 1), Some((Event::End(TagEnd::Paragraph), _)))
}

/// The source range that marks an event left out of the HTML (one no event has).
const LEFT_OUT: Range<usize> = usize::MAX..usize::MAX;

/// Leaves `events` out of the HTML: the renderer wrote what they stood for, or nothing.
fn leave_out(events: &mut [(Event, Range<usize>)]) {
    events.fill_with(|| (Event::SoftBreak, LEFT_OUT));
}

/// Whether `id` is one that footnotes take (`fn-1`, `fnref-1`): a heading steps around them.
fn is_footnote_id(id: &str) -> bool {
    id.strip_prefix("fn-").or_else(|| id.strip_prefix("fnref-")).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The label of a footnote reference with no note, if the text at `i` starts one: the parser leaves
/// `[^label]` without a definition as the texts `[`, `^label` and `]`.
fn undefined_footnote<'a>(events: &'a [(Event, Range<usize>)], i: usize) -> Option<&'a str> {
    let [(Event::Text(open), _), (Event::Text(label), _), (Event::Text(close), _), ..] = events.get(i..)? else { return None };
    let label = label.strip_prefix('^')?;
    (&**open == "[" && close.starts_with(']') && !label.is_empty() && !label.contains(char::is_whitespace)).then_some(label)
}

/// Index of the event closing the tag opened at `start`.
fn find_end(events: &[(Event, Range<usize>)], start: usize) -> usize {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// Whether the HTML inside a link has something to read out: text (a no-break space is none), or a
/// picture's `alt` or an element's `aria-label` with text in it.
fn has_readable_text(inner: &str) -> bool {
    let readable = |text: &str| !text.replace("&nbsp;", " ").replace("&#160;", " ").replace('\u{a0}', " ").trim().is_empty();
    let mut rest = inner;
    while !rest.is_empty() {
        let text_end = rest.find('<').unwrap_or(rest.len());
        if readable(&rest[..text_end]) {
            return true;
        }
        rest = &rest[text_end..];
        if !rest.is_empty() {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
            if ["alt", "aria-label"].into_iter().filter_map(|name| attribute_value(&rest[..end], name)).any(readable) {
                return true;
            }
            rest = &rest[end..];
        }
    }
    false
}

/// The value of the attribute `name` (any case) in the start tag `tag` (`<img alt = "x">`), if it has one;
/// an attribute without a value has the empty one.
fn attribute_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let after_name = tag.strip_prefix('<')?.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    attributes(after_name).0.into_iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, value)| value.unwrap_or_default())
}

/// The byte offset of the first `<img>` tag in raw HTML without an `alt` attribute (`alt=""` is one: the
/// image is decoration).
fn img_without_alt(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<img") {
        let start = from + found;
        let after = start + "<img".len();
        from = after;
        if !lower[after..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>') {
            continue;
        }
        let (found, end) = attributes(&lower[after..]);
        from = after + end;
        if !found.iter().any(|(name, _)| *name == "alt") {
            return Some(start);
        }
    }
    None
}

/// The attributes of a tag's attribute text (after its name), each name with its value if it has one, and
/// where the tag ends: attributes are read as HTML reads them, names with optional `=value` (quoted or not).
fn attributes(tag: &str) -> (Vec<(&str, Option<&str>)>, usize) {
    let bytes = tag.as_bytes();
    let mut i = 0;
    let mut found = Vec::new();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] == b'>' {
            return (found, i);
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &tag[name_start..i];
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if bytes.get(j) != Some(&b'=') {
            found.push((name, None));
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        let (value, next) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => match memchr::memchr(q, &bytes[j + 1..]) {
                Some(k) => (&tag[j + 1..j + 1 + k], j + 1 + k + 1),
                None => (&tag[j + 1..], bytes.len()),
            },
            _ => {
                let start = j;
                while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
                    j += 1;
                }
                (&tag[start..j], j)
            }
        };
        found.push((name, Some(value)));
        i = next;
    }
}

/// Whether inline events hold something a screen reader reads out: text, code, an image's alt text, or raw
/// HTML (which may hold either, and is not judged).
fn has_text(events: &[(Event, Range<usize>)]) -> bool {
    events.iter().any(|(event, _)| match event {
        Event::Text(t) | Event::Code(t) => !t.trim().is_empty(),
        Event::Html(_) | Event::InlineHtml(_) | Event::InlineMath(_) | Event::FootnoteReference(_) => true,
        _ => false,
    })
}

fn plain_text(events: &[(Event, Range<usize>)]) -> String {
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

fn build_toc(headings: &[(u8, String, String)]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    for (level, id, title) in headings {
        let entry = TocEntry { level: *level, id: id.clone(), title: title.clone(), children: Vec::new() };
        match toc.last_mut() {
            Some(parent) if parent.level < *level => insert_child(parent, entry),
            _ => toc.push(entry),
        }
    }
    toc
}

fn insert_child(parent: &mut TocEntry, entry: TocEntry) {
    match parent.children.last_mut() {
        Some(last) if last.level < entry.level => insert_child(last, entry),
        _ => parent.children.push(entry),
    }
}

/// Escapes text for HTML attribute values and text.
pub fn escape(text: &str) -> String {
    escape_borrowing(text).into_owned()
}

/// `escape`, borrowing the text when there is nothing to escape in it (most text: Tera escapes every
/// variable it writes, titles and URLs included).
pub fn escape_borrowing(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(first) = text.bytes().position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'')) else { return std::borrow::Cow::Borrowed(text) };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut last = 0;
    for (i, b) in text.bytes().enumerate().skip(first) {
        let replacement = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl SiteLinks for Fake {
        fn content_url(&self, source_path: &str) -> Option<&str> {
            match source_path {
                "stretches/half-kneeling.md" => Some("stretches/half-kneeling/"),
                "safety/red-flags.md" => Some("safety/red-flags/"),
                _ => None,
            }
        }
        fn content_paths(&self) -> Vec<&str> {
            vec!["stretches/half-kneeling.md", "stretches/_index.md", "safety/red-flags.md"]
        }
        fn base_path(&self) -> &str {
            "/repo/"
        }
        fn image_size(&self, site_path: &str) -> Option<(u32, u32)> {
            (site_path == "illustrations/a.svg").then_some((480, 320))
        }
        fn stretch_card(&self, source_path: &str) -> Result<String, (String, Option<String>)> {
            Ok(format!("<section class=\"stretch-card\">{source_path}</section>"))
        }
        fn theme_uses_id(&self, id: &str, _: bool) -> bool {
            matches!(id, "main" | "sources")
        }
        fn title_is_h1(&self, _: &str) -> bool {
            true
        }
        fn draft_reason(&self, source_path: &str) -> Option<String> {
            (source_path == "stretches/unfinished.md").then(|| "the page is a draft (`draft: true`)".to_owned())
        }
        fn ignored_reason(&self, source_path: &str) -> Option<String> {
            (source_path == "notes/plan.md").then(|| "content/notes/plan.md is left out by the pattern `notes/` of `ignore` in site.yaml".to_owned())
        }
        fn asset_path(&self, source_path: &str) -> Option<&str> {
            (source_path == "stretches/Photos/kneel.jpg").then_some("stretches/photos/kneel.jpg")
        }
    }

    fn render(body: &str) -> (Rendered, Vec<Problem>) {
        let file = format!("---\ntitle: T\n---\n{body}");
        Render { site: &Fake, rel_path: "stretches/thomas.md", display_path: "content/stretches/thomas.md", file_text: &file, body_offset: 16, own_path: "stretches/thomas/" }.render()
    }

    #[test]
    fn headings_get_unique_ids_anchor_links_and_a_toc() {
        let (out, problems) = render("## Steps\n\n### One\n\n## Steps\n\n## Custom {#mine}\n");
        assert!(problems.is_empty());
        assert!(out.html.contains("<h2 id=\"steps\"><a class=\"heading-link\" href=\"#steps\">Steps</a></h2>"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"steps-1\">"));
        assert!(out.html.contains("<h2 id=\"mine\">"));
        let ids: Vec<_> = out.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["steps", "steps-1", "mine"]);
        assert_eq!(out.toc[0].children[0].id, "one");
    }

    #[test]
    fn a_heading_that_holds_a_link_is_not_made_a_link_itself() {
        let (out, problems) = render("## Notes[^1]\n\n## See <a href=\"#x\">x</a>\n\n## Plain <abbr>ok</abbr>\n\n[^1]: A note.\n\n## X\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(out.html.contains("<h2 id=\"notes\">Notes<sup class=\"footnote-reference\">"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"see-x\">See <a href=\"#x\">x</a></h2>"), "{}", out.html);
        assert!(out.html.contains("<h2 id=\"plain-ok\"><a class=\"heading-link\" href=\"#plain-ok\">Plain <abbr>"), "{}", out.html);
        assert_eq!(out.html.matches("<a ").count(), 5, "the footnote's number and its way back, `x`, and Plain's and X's own links: {}", out.html);
    }

    #[test]
    fn footnotes_are_numbered_with_ids_of_their_own_and_link_both_ways() {
        let (out, problems) = render("## Note\n\nSettles.[^note] Gently.[^main] Again.[^note]\n\n[^note]: Maher, 2017.\n[^main]: NICE, 2016.\n\n[^early]: Before its reference.\n\nLater.[^early]\n");
        assert!(problems.is_empty(), "{problems:?}");
        let html = &out.html;
        assert!(html.contains("<h2 id=\"note\">"), "the heading keeps its id: {html}");
        assert!(html.contains("Settles.<sup class=\"footnote-reference\"><a href=\"#fn-1\" id=\"fnref-1\">1</a></sup> Gently.<sup class=\"footnote-reference\"><a href=\"#fn-2\" id=\"fnref-2\">2</a></sup> Again.<sup class=\"footnote-reference\"><a href=\"#fn-1\">1</a></sup>"), "{html}");
        assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-1\"><sup class=\"footnote-definition-label\">1</sup>\n<p>Maher, 2017. <a class=\"footnote-backref\" href=\"#fnref-1\" aria-label=\"Back to the text of note 1\">↩</a></p>\n</div>"), "{html}");
        assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-3\"><sup class=\"footnote-definition-label\">3</sup>\n<p>Before its reference.</p>\n</div>"), "a note met before its reference has no way back: {html}");
        assert!(html.contains("Later.<sup class=\"footnote-reference\"><a href=\"#fn-3\" id=\"fnref-3\">3</a></sup>"), "{html}");
    }

    #[test]
    fn raw_html_links_with_nothing_to_read_out_are_problems() {
        let body = "<a href=\"https://a.example/\"></a>\n\n<p><a href=\"https://b.example/\"><img src=\"x.svg\" alt=\"\"></a> <a href='https://c.example/'>&nbsp;</a></p>\n\nFine: <a href=\"https://d.example/\">text</a>, <a href=\"https://e.example/\" aria-label=\"E\"></a>, <a href=\"https://f.example/\"><img src=\"f.svg\" alt=\"F\"></a>, <a href=\"https://g.example/\">*g*</a>, <a name=\"anchor\"></a>, `<a href=\"h\"></a>`, <a href=\"https://j.example/\"><img src=\"j.svg\" alt = \"J\"></a> <!-- <a href=\"k\"></a> -->.\n\n    <a href=\"i\"></a>\n";
        let (_, problems) = render(body);
        let found: Vec<String> = problems.iter().map(|p| format!("{}:{} {}", p.position.as_ref().unwrap().line, p.position.as_ref().unwrap().column, p.message)).collect();
        assert_eq!(
            found,
            [
                "4:1 link `<a href=\"https://a.example/\">` has no text: a screen reader reads out only its address",
                "6:4 link `<a href=\"https://b.example/\">` has no text: a screen reader reads out only its address",
                "6:62 link `<a href='https://c.example/'>` has no text: a screen reader reads out only its address",
            ]
        );
    }

    #[test]
    fn footnote_ids_stay_apart_from_headings_and_labels_match_in_any_case() {
        let (out, problems) = render("## Fn 1\n\nText.[^Note]\n\n[^note]: The note.\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(out.html.contains("<h2 id=\"fn-1-1\">"), "{}", out.html);
        assert!(out.html.contains("<a href=\"#fn-1\" id=\"fnref-1\">1</a>") && out.html.contains("id=\"fn-1\""), "{}", out.html);
        let (_, problems) = render("## Mine {#fnref-2}\n");
        assert_eq!(problems[0].message, "heading id `fnref-2` is taken: footnotes have the ids `fn-1`, `fnref-1`, `fn-2`...");
    }

    #[test]
    fn a_footnote_reference_without_a_note_is_a_problem() {
        let (_, problems) = render("Moving.[^nicee] Code `[^x]` is fine.\n\n[^nice]: A note.\n\nA [^ spaced] bracket is text, and so is \\[^this].\n\n## Sources[^src]\n");
        let messages: Vec<String> = problems.iter().map(|p| format!("{}:{} {} / {}", p.position.as_ref().unwrap().line, p.position.as_ref().unwrap().column, p.message, p.help.as_deref().unwrap_or_default())).collect();
        assert_eq!(
            messages,
            [
                "4:8 footnote `[^nicee]` has no note: it would show as the text `[^nicee]` / did you mean `[^nice]`?",
                "10:11 footnote `[^src]` has no note: it would show as the text `[^src]` / write the note on a line of its own, after a blank line: `[^src]: ...`; or, to show the brackets as text, `\\[^src]`",
            ]
        );
    }

    #[test]
    fn a_heading_attribute_that_is_not_an_id_or_class_is_a_problem() {
        let (_, problems) = render("## Spaces {#has space}\n\n## Fine {#ok .wide}\n");
        let found: Vec<String> = problems.iter().map(|p| format!("{}:{} {} / {}", p.position.as_ref().unwrap().line, p.position.as_ref().unwrap().column, p.message, p.help.as_deref().unwrap_or_default())).collect();
        assert_eq!(found, ["4:1 heading attribute `space` is not used: only `#id` and `.class` are read in `{...}` / an id is one word: write `{#has-space}`"]);
    }

    #[test]
    fn heading_ids_made_from_text_step_around_the_themes_ids() {
        let (out, problems) = render("## Sources\n\n## Main\n\n## Main\n\n## Own {#mine}\n");
        assert!(problems.is_empty());
        let ids: Vec<_> = out.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["sources-1", "main-1", "main-2", "mine"]);
        // An id the author wrote that the theme uses is reported in the page, where it is written.
        let (out, problems) = render("## Own {#sources}\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message, "heading id `sources` is taken: the theme gives it to an element of every page");
        assert_eq!(out.toc[0].id, "sources-1");
    }

    #[test]
    fn content_links_resolve_with_the_base_path_and_are_recorded() {
        let (out, problems) = render("See [steps](@/stretches/half-kneeling.md#steps), [flags](../safety/red-flags.md) and [top](#top).\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert!(out.html.contains("href=\"/repo/stretches/half-kneeling/#steps\""), "{}", out.html);
        assert!(out.html.contains("href=\"/repo/safety/red-flags/\""));
        assert!(out.html.contains("href=\"#top\""));
        let targets: Vec<_> = out.links.iter().map(|l| (l.target.as_str(), l.fragment.as_deref())).collect();
        assert_eq!(targets, [("stretches/half-kneeling/", Some("steps")), ("safety/red-flags/", None), ("stretches/thomas/", Some("top"))]);
        assert_eq!(out.links_to, ["stretches/half-kneeling.md", "safety/red-flags.md"]);
    }

    #[test]
    fn a_callout_marker_that_would_not_be_taken_is_reported() {
        let (rendered, problems) = render("Intro.\n\n> [!RED_FLAG]\n> Stop.\n");
        assert!(rendered.html.contains("<blockquote>"), "{}", rendered.html);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, "unknown callout kind `[!RED_FLAG]`: it would show as a plain quote");
        assert_eq!(problems[0].position.map(|p| (p.line, p.column)), Some((6, 1)));
        assert!(problems[0].to_string().contains("did you mean `[!RED-FLAG]`?"), "{}", problems[0]);
        // A marker with text after it on its line, of a kind pulldown-cmark takes or of ours.
        for (line, marker) in [("> [!NOTE] All on one line.\n", "[!NOTE]"), ("> [!RED-FLAG] All on one line.\n", "[!RED-FLAG]")] {
            let (rendered, problems) = render(line);
            assert_eq!(problems.len(), 1, "{line:?}");
            assert!(problems[0].to_string().contains(&format!("put `{marker}` on a line of its own")), "{}", problems[0]);
            assert!(!rendered.html.contains("callout"), "{}", rendered.html);
        }
        let (rendered, problems) = render("> [!RED-FLAG]\n");
        assert!(problems.is_empty() && rendered.html.contains("callout-red-flag"), "{problems:?} {}", rendered.html);
        // Markers that are taken, and quotes that only start with a bracket, are fine.
        for fine in ["> [!WARNING]\n> Careful.\n", "> [!red-flag]\n> Stop.\n", "> [1] A footnote-like quote.\n", "> [!] Nothing.\n"] {
            let (_, problems) = render(fine);
            assert!(problems.is_empty(), "{fine:?}: {problems:?}");
        }
    }

    #[test]
    fn heading_levels_step_down_one_at_a_time_from_the_title() {
        let (_, problems) = render("## One\n\n### One point one\n\n## Two\n\n#### Too deep\n\n### Back\n\n# Second title\n\n### From the top\n");
        let found: Vec<(usize, &str)> = problems.iter().map(|p| (p.position.unwrap().line, p.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (10, "this h4 comes after an h2, skipping a level: screen reader users move by heading levels"),
                (14, "a `#` heading is a second h1: the page's title is its h1"),
                (16, "this h3 comes after an h1, skipping a level: screen reader users move by heading levels"),
            ]
        );
        assert_eq!(problems[0].help.as_deref(), Some("use `###`, or add the h3 it belongs under"));
        let (_, problems) = render("Intro.\n\n### First\n");
        assert_eq!(problems[0].message, "this h3 comes after the page's title (h1), skipping a level: screen reader users move by heading levels");
        assert_eq!(problems[0].help.as_deref(), Some("use `##`, or add the h2 it belongs under"));
    }

    #[test]
    fn an_img_in_raw_html_needs_an_alt_attribute() {
        let (_, problems) = render("Text.\n\n<figure><img src=\"/illustrations/a.svg\"></figure>\n\nInline <IMG SRC='/b.png' title=\"no alt text\"> too.\n");
        let found: Vec<_> = problems.iter().map(|p| (p.message.as_str(), p.position.map(|p| (p.line, p.column)))).collect();
        assert_eq!(found, [("an `<img>` in HTML has no `alt` attribute", Some((6, 9))), ("an `<img>` in HTML has no `alt` attribute", Some((8, 8)))]);
        for fine in ["<img src=\"/illustrations/a.svg\" alt=\"A diagram\">\n", "<img alt src=\"/illustrations/a.svg\">\n", "<img src='/illustrations/a.svg' ALT=''>\n", "<imgx>\n"] {
            let (_, problems) = render(fine);
            assert!(problems.iter().all(|p| !p.message.contains("alt")), "{fine}: {problems:?}");
        }
    }

    #[test]
    fn a_link_without_text_is_reported() {
        let (_, problems) = render("See [](@/stretches/half-kneeling.md) and [ ](https://example.org/).\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].message, "link to `@/stretches/half-kneeling.md` has no text: a screen reader reads out only its address");
        assert_eq!(problems[1].position.map(|p| (p.line, p.column)), Some((4, 42)));
        // Text, code, an image's alt text or raw HTML inside are read out.
        let (_, problems) = render("[x](https://a.example/) [`x`](https://a.example/) [![A map](https://a.example/m.png)](https://a.example/) [<span>x</span>](https://a.example/)\n");
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_custom_heading_id_that_is_taken_is_reported() {
        let (_, problems) = render("## One {#x}\n\n## Two {#x}\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message, "heading id `x` is taken: an earlier heading of this page has it");
        assert_eq!(problems[0].position.map(|p| p.line), Some(6));
        let (_, problems) = render("## Intro\n\n## Later {#intro}\n");
        assert_eq!(problems.len(), 1, "an id made from an earlier heading's text counts: {problems:?}");
        let (rendered, problems) = render("## One {#x}\n\n## One\n");
        assert!(problems.is_empty() && rendered.html.contains("id=\"one\""), "{problems:?}");
    }

    #[test]
    fn an_image_in_a_heading_is_written_and_checked_as_any_other() {
        let (rendered, problems) = render("## Walking ![A person walking](/illustrations/a.svg)\n\n## Icon ![](/illustrations/a.svg)\n");
        assert!(rendered.html.contains(r##"<h2 id="walking-a-person-walking"><a class="heading-link" href="#walking-a-person-walking">Walking <img src="/repo/illustrations/a.svg" alt="A person walking" width="480" height="320" loading="lazy" decoding="async"></a></h2>"##), "{}", rendered.html);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].message, "image `/illustrations/a.svg` has no alt text");
    }

    #[test]
    fn a_link_to_the_page_itself_keeps_its_query() {
        let (rendered, problems) = render("## Views\n\n[Large](?print=large), [at its heading](?print=large#views), [plain](#views)\n");
        assert!(problems.is_empty(), "{problems:?}");
        for href in ["?print=large", "?print=large#views", "#views"] {
            assert!(rendered.html.contains(&format!("href=\"{href}\"")), "{href}: {}", rendered.html);
        }
    }

    #[test]
    fn a_link_to_a_draft_says_so() {
        let (_, problems) = render("See [soon](@/stretches/unfinished.md).\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].to_string().contains("the page is a draft (`draft: true`), left out of this build"), "{}", problems[0]);
    }

    #[test]
    fn a_missing_content_file_is_reported_at_its_position() {
        let (_, problems) = render("Intro.\n\nSee [x](@/stretches/half-kneelin.md).\n");
        assert_eq!(problems.len(), 1);
        let problem = &problems[0];
        assert_eq!(problem.message, "link to `@/stretches/half-kneelin.md`: no such content file");
        assert_eq!(problem.position.map(|p| (p.line, p.column)), Some((6, 5)));
        assert_eq!(problem.help.as_deref(), Some("did you mean `@/stretches/half-kneeling.md`?"));
    }

    #[test]
    fn a_content_path_to_an_image_says_where_images_go() {
        let (_, problems) = render("![A](@/stretches/photo.png)\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].message, "link to `@/stretches/photo.png`: no such content file");
        assert_eq!(
            problems[0].help.as_deref(),
            Some("a `@/` path names a file under content/; link to a file under static/ by its site path, e.g. `/stretches/photo.png`")
        );
    }

    #[test]
    fn a_content_path_with_a_dot_in_its_name_is_not_taken_for_an_image() {
        for written in ["@/stretches/half-kneeling", "@/stretches/half-kneeling.MD", "@/stretches/half-kneeling.v2"] {
            let (_, problems) = render(&format!("See [it]({written}).\n"));
            assert_eq!(problems[0].help.as_deref(), Some("did you mean `@/stretches/half-kneeling.md`?"), "{written}");
        }
    }

    #[test]
    fn a_link_to_a_folder_suggests_its_section_file() {
        for written in ["@/stretches/", "@/stretches"] {
            let (_, problems) = render(&format!("See [all]({written}).\n"));
            assert_eq!(problems.len(), 1, "{written}: {problems:?}");
            assert_eq!(problems[0].help.as_deref(), Some("did you mean `@/stretches/_index.md`?"), "{written}");
        }
    }

    #[test]
    fn content_ids_are_known_where_only_headings_have_ids() {
        let (rendered, problems) = render("## One\n\n[x](/a/) and [y](https://example.org/)\n\n## One\n\n### Odd {#a&b\"c}\n\n| t |\n|---|\n| u |\n");
        assert!(problems.is_empty(), "{problems:?}");
        let ids = rendered.content_ids.as_deref().expect("only headings have ids");
        assert_eq!(ids, ["one", "one-1", "a&b\"c"]);
        assert_eq!(crate::check::scan_html(&rendered.html).ids.iter().collect::<Vec<_>>(), ids, "{}", rendered.html);
        for body in ["Hi <span id=x>there</span>", "<div id=x>\n\nblock\n\n</div>", "A note[^n].\n\n[^n]: Text.", "[x](@/missing.md)"] {
            assert_eq!(render(body).0.content_ids, None, "{body}");
        }
        // An image in a link is written, and its source recorded, like any other.
        assert_eq!(render("[![Alt](/i.svg)](/a/)").0.content_ids, Some(Vec::new()));
        assert_eq!(render("## ![Alt](/i.svg)").0.content_ids, Some(vec!["alt".to_owned()]), "in a heading too");
    }

    #[test]
    fn figures_callouts_and_cards() {
        let (out, problems) = render(
            "![A diagram](/illustrations/a.svg \"The psoas\")\n\n> [!CAUTION]\n> Go slowly.\n\n> [!RED-FLAG]\n> Call now.\n\n```stretch-card\n```\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(out.html.contains("<figure><img src=\"/repo/illustrations/a.svg\" alt=\"A diagram\" width=\"480\" height=\"320\" loading=\"lazy\" decoding=\"async\"><figcaption>The psoas</figcaption></figure>"), "{}", out.html);
        assert!(out.html.contains("<aside class=\"callout callout-caution\" role=\"note\" aria-label=\"Caution\">\n<p class=\"callout-title\">Caution</p>\n<p>Go slowly.</p>\n</aside>"), "{}", out.html);
        assert!(out.html.contains("<aside class=\"callout callout-red-flag\" role=\"note\" aria-label=\"Red flag\">\n<p class=\"callout-title\">Red flag</p>\n<p>Call now.</p>\n</aside>"), "{}", out.html);
        assert!(out.html.contains("<section class=\"stretch-card\">stretches/thomas.md</section>"));
    }

    #[test]
    fn a_card_shown_twice_on_a_page_is_a_problem_at_the_second() {
        let (out, problems) = render("```stretch-card\n@/stretches/kneel.md\n```\n\n```stretch-card\n@/stretches/psoas.md\n```\n\n```stretch-card\n@/stretches/kneel.md\n```\n");
        let found: Vec<String> = problems.iter().map(|p| format!("{}:{} {} / {}", p.position.as_ref().unwrap().line, p.position.as_ref().unwrap().column, p.message, p.help.as_deref().unwrap_or_default())).collect();
        assert_eq!(found, ["12:1 the stretch card of `@/stretches/kneel.md` is on this page already (line 4) / show each card once on a page: remove this block, or the other one"]);
        assert_eq!(out.html.matches("<section class=\"stretch-card\">").count(), 2, "{}", out.html);
    }

    #[test]
    fn images_need_alt_text() {
        let (_, problems) = render("![](/illustrations/a.svg)\n");
        assert_eq!(problems[0].message, "image `/illustrations/a.svg` has no alt text");
    }

    #[test]
    fn counts_words() {
        let (out, _) = render("## Two words\n\nThree more words — here.\n");
        assert_eq!(out.word_count, 6);
        assert_eq!(count_words("  naïve café -- “quoted” … 42 "), 4);
        assert_eq!(count_words(""), 0);
        // The same as the obvious definition, on text with every kind of byte.
        let reference = |t: &str| t.split_ascii_whitespace().filter(|w| w.chars().any(|c| c.is_alphanumeric())).count();
        for text in ["a", " a ", "a-b -- c", "—", "x—y", "\t\nword\r\n", "1 2 3 ... 4", "é", "it’s “so” … so", "a\u{a0}b"] {
            assert_eq!(count_words(text), reference(text), "{text:?}");
        }
    }

    /// Words as runs of non-spaces holding a letter or digit, counted a byte at a time: what `WordCount`
    /// must find.
    fn byte_by_byte(text: &str) -> usize {
        let is_space = |b: u8| b.is_ascii_whitespace();
        let wordy = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80 && !is_punctuation_byte(b);
        let (mut words, mut in_word) = (0, false);
        for &b in text.as_bytes() {
            if is_space(b) {
                words += usize::from(in_word);
                in_word = false;
            } else {
                in_word |= wordy(b);
            }
        }
        words + usize::from(in_word)
    }

    /// Counting at each word's first letter gives what counting runs gives, on texts mixing words,
    /// punctuation and spaces of every kind.
    #[test]
    fn counting_word_starts_counts_runs_with_a_letter() {
        let pieces = ["word", " ", "  ", "\n", "-", "—", "…", "x", "é", "42", "“", "’", "\t", ".", "Z", "a-b", "\u{a0}", "\x0b"];
        // A fixed linear congruential sequence: the same texts on every run.
        let mut state = 12345u64;
        for _ in 0..3000 {
            let mut text = String::new();
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (state >> 33) % 300;
            for _ in 0..len {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            assert_eq!(count_words(&text), byte_by_byte(&text), "{text:?}");
        }
        let long = "a ".repeat(100) + &"—".repeat(40) + "b" + &" ".repeat(70) + "c";
        assert_eq!(count_words(&long), 102);
    }

    /// Text given in pieces counts as the same text given whole, wherever the pieces and the 64-byte blocks
    /// begin and end.
    #[test]
    fn a_text_counts_the_same_whole_or_in_pieces() {
        let pieces = ["word", " ", "\n", "-", "—", "x", "é", "“", "’", "..", "\t", "\u{a0}", "Z9"];
        let mut state = 99u64;
        let mut next = |n: usize| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize % n
        };
        for _ in 0..2000 {
            let text: String = (0..next(120)).map(|_| pieces[next(pieces.len())]).collect();
            let mut count = WordCount::new();
            let mut rest = text.as_str();
            while !rest.is_empty() {
                let mut cut = next(rest.len() + 1);
                while !rest.is_char_boundary(cut) {
                    cut += 1;
                }
                count.text(&rest[..cut]);
                rest = &rest[cut..];
            }
            assert_eq!(count.words, byte_by_byte(&text), "{text:?}");
        }
    }

    /// The SSE2 masks are the class table's, for every byte value in every position of a block, whole or cut
    /// short.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn sse2_masks_match_the_class_table() {
        for shift in 0..64 {
            for start in (0..256).step_by(64) {
                let block: [u8; 64] = std::array::from_fn(|k| ((start + (k + shift) % 64) % 256) as u8);
                for len in [0, 1, 15, 16, 17, 40, 63, 64] {
                    // SAFETY: SSE2 is part of the x86-64 baseline.
                    assert_eq!(unsafe { class_masks_sse2(&block[..len]) }, class_masks_table(&block[..len]), "{:?}", &block[..len]);
                }
            }
        }
    }

    /// pulldown-cmark splits "it's" into `it`, `’` and `s` (smart punctuation), and `*so*-called` at the
    /// emphasis: each is one word, while a new paragraph, list item or line always starts a new one.
    #[test]
    fn a_word_split_over_text_events_counts_once() {
        let (out, _) = render("It's a *so*-called “test”, isn't it?\n\n- one\n- two\n\nend\nof **li**ne\n");
        assert_eq!(out.word_count, 6 + 2 + 3);
        assert_eq!(render("word\n\nword").0.word_count, 2);
        assert_eq!(render("a  \nb").0.word_count, 2, "a hard break");
    }

    #[test]
    fn escapes_markup_characters() {
        assert_eq!(escape("a<b> & \"c\" 'd' é"), "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; é");
        assert_eq!(escape("nothing to escape: é"), "nothing to escape: é");
        assert_eq!(escape("'"), "&#39;");
        assert!(matches!(escape_borrowing("nothing to escape: é"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(escape_borrowing("x > y"), "x &gt; y");
    }
}
