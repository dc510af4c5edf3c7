//! The exact text an author sees for each kind of mistake: file:line:col, the source line with a caret,
//! and what to do. One test per kind of bad input, and one showing that a build reports all its problems.

mod common;

use common::*;

fn error_for(files: &[(&str, &str)]) -> String {
    build_error(site(files).path())
}

/// The first line of each problem in a build's report.
fn headlines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.starts_with("error: ")).collect()
}

#[test]
fn invalid_yaml() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n  weight: 3\n---\nText.\n")]),
        "error: content/a.md:3:9: mapping values are not allowed in this context
  |
3 |   weight: 3
  |         ^
  = help: check the YAML syntax: indentation, a space after each `:`, quotes around text that contains `: ` or starts with a special character

build failed: 1 problem"
    );
}

#[test]
fn an_unclosed_quote_points_at_the_opening_quote() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: \"A\ndescription: x\n---\nText.\n")]),
        "error: content/a.md:2:8: a quoted value is never closed
  |
2 | title: \"A
  |        ^
  = help: add the closing quote at the end of the value

build failed: 1 problem"
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\nweight: heavy\n---\n")]),
        "error: content/a.md:3:9: in `weight`: invalid type: string \"heavy\", expected a whole number
  |
3 | weight: heavy
  |         ^
  = help: write a whole number, e.g. `10`

build failed: 1 problem"
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\ndescripton: x\n---\n")]),
        "error: content/a.md:3:1: unknown key `descripton`
  |
3 | descripton: x
  | ^
  = help: did you mean `description`?

build failed: 1 problem"
    );
}

#[test]
fn unknown_nested_key_in_the_stretch_card() {
    let page = "---\ntitle: A\nstretch:\n  kind: stretch\n  hold_secs: 30\n---\n";
    assert_eq!(
        error_for(&[("content/a.md", page)]),
        "error: content/a.md:5:3: in `stretch`: unknown key `hold_secs`
  |
5 |   hold_secs: 30
  |   ^
  = help: did you mean `hold_seconds`?

build failed: 1 problem"
    );
}

#[test]
fn invalid_date() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\nlast_reviewed: 2026-02-30\n---\n")]),
        "error: content/a.md:3:16: invalid date `2026-02-30`: write a real calendar date as YYYY-MM-DD
  |
3 | last_reviewed: 2026-02-30
  |                ^
  = help: write the date as YYYY-MM-DD, e.g. `2026-11-21`

build failed: 1 problem"
    );
}

#[test]
fn missing_required_field() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ndescription: no title\n---\n")]),
        "error: content/a.md:1:1: missing required key `title`
  |
1 | ---
  | ^
  = help: add `title: ...` to the front matter

build failed: 1 problem"
    );
}

#[test]
fn missing_closing_fence() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n\nText without the closing line.\n")]),
        "error: content/a.md:1:1: front matter is not closed
  |
1 | ---
  | ^
  = help: add a line with only `---` after the last front matter key, before the Markdown text

build failed: 1 problem"
    );
}

#[test]
fn non_utf8_file() {
    let dir = site(&[]);
    std::fs::write(dir.path().join("content/u.md"), b"---\ntitle: U\n---\nabc \xff def\n").unwrap();
    assert_eq!(
        build_error(dir.path()),
        "error: content/u.md:4:5: the file is not valid UTF-8 (byte 0xff)
  |
4 | abc \u{fffd} def
  |     ^
  = help: save the file as UTF-8 in your editor

build failed: 1 problem"
    );
}

#[test]
fn duplicate_output_path() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\nslug: b\n---\n"), ("content/b.md", "---\ntitle: B\n---\n")]),
        "error: content/a.md:3:1: writes `b/index.html`, which content/b.md also writes
  |
3 | slug: b
  | ^
  = help: this `slug` gives the URL that content/b.md has by its name: choose another

build failed: 1 problem"
    );
}

#[test]
fn a_slug_cannot_leave_the_output_folder() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\nslug: ../../x\n---\n")]),
        "error: content/a.md:3:1: slug `../../x` is not a single URL segment
  |
3 | slug: ../../x
  | ^
  = help: use lowercase letters, digits, hyphens and underscores, e.g. `slug: x`

build failed: 1 problem"
    );
}

#[test]
fn broken_link() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n---\nRead [B](@/bee.md) first.\n"), ("content/b.md", "---\ntitle: B\n---\n")]),
        "error: content/a.md:4:6: link to `@/bee.md`: no such content file
  |
4 | Read [B](@/bee.md) first.
  |      ^
  = help: did you mean `@/b.md`?

build failed: 1 problem"
    );
}

#[test]
fn link_to_a_draft() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n---\nRead [B](@/b.md) first.\n"), ("content/b.md", "---\ntitle: B\ndraft: true\n---\n"), ("content/c.md", "---\ntitle: C\n---\n")]),
        "error: content/a.md:4:6: link to `@/b.md`: the page is a draft (`draft: true`), left out of this build
  |
4 | Read [B](@/b.md) first.
  |      ^
  = help: build with `--drafts` to preview it, and link to it once it is published

build failed: 1 problem"
    );
}

#[test]
fn broken_root_relative_link() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n---\nSee [the picture](/missing.svg).\n")]),
        "error: content/a.md:4:5: broken link: no page or file at `/missing.svg`
  |
4 | See [the picture](/missing.svg).
  |     ^
  = help: check the path; link to content by its source path, e.g. `@/section/file.md`

build failed: 1 problem"
    );
}

#[test]
fn broken_anchor() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n---\nSee [how](@/b.md#how-to).\n"), ("content/b.md", "---\ntitle: B\n---\n## How to do it\n")]),
        "error: content/a.md:4:5: broken link: no anchor `#how-to` in `b/index.html`
  |
4 | See [how](@/b.md#how-to).
  |     ^
  = help: did you mean `#how-to-do-it`?

build failed: 1 problem"
    );
}

#[test]
fn broken_link_in_a_template() {
    let base = "<!doctype html><html><body><a href=\"{{ url(path='/contact/') }}\">Contact</a><main id=\"main\">{% block main %}{% endblock %}</main></body></html>\n";
    let text = error_for(&[("templates/base.html", base)]);
    assert!(
        text.starts_with("error: templates/base.html:1:51: broken link `/repo/contact/`: no page or file at `/contact/` (in `404.html` and 2 other pages)\n  |\n1 | <!doctype html>"),
        "{text}"
    );
    assert!(text.ends_with("build failed: 1 problem"), "{text}");
}

/// A link relative to the page it is on is checked on every page: good on most pages, it is broken on the
/// pages without the file beside them (links from the site's root, once good, are not resolved again).
#[test]
fn a_relative_template_link_is_checked_on_every_page() {
    let base = "<!doctype html><html><body><a href=\"/repo/\">Home</a> <a href=\"pic.svg\">Picture</a><main id=\"main\">{% block main %}{% endblock %}</main></body></html>\n";
    let mut owned: Vec<(String, String)> = Vec::new();
    for i in 0..40 {
        owned.push((format!("content/p{i:02}.md"), format!("---\ntitle: P{i}\n---\nText.\n")));
        if i != 20 && i != 33 {
            owned.push((format!("static/p{i:02}/pic.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_owned()));
        }
    }
    let mut files: Vec<(&str, &str)> = owned.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    files.push(("templates/base.html", base));
    let text = error_for(&files);
    for broken in ["/pic.svg` (in `404.html` and 1 other page)", "/tags/pic.svg` (in `tags/index.html`)", "/p20/pic.svg` (in `p20/index.html`)", "/p33/pic.svg` (in `p33/index.html`)"] {
        assert!(text.contains(&format!("error: templates/base.html:1:63: broken link `pic.svg`: no page or file at `{broken}")), "{broken}: {text}");
    }
    assert!(text.ends_with("build failed: 4 problems"), "{text}");
}

/// A link to a place on the same page is checked against that page's ids, decoded: good ones pass, and a
/// missing one is reported once with the pages it is on and the id it was likely meant to be. The long
/// line is shown around the caret.
#[test]
fn a_template_link_to_a_missing_place_on_the_page_is_reported() {
    let base = "<!doctype html><html><body><a href=\"#main\">Skip</a> <a href=\"#caf%C3%A9\">Menu</a> <a href=\"#mian\">Top</a><nav id=\"caf\u{e9}\"></nav><main id=\"main\">{% block main %}{% endblock %}</main></body></html>\n";
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\nText.\n"), ("templates/base.html", base)]);
    assert_eq!(
        text,
        "error: templates/base.html:1:92: broken link `#mian`: no element on the page has the id `mian` (in `404.html` and 3 other pages)
  |
1 | …ref=\"#main\">Skip</a> <a href=\"#caf%C3%A9\">Menu</a> <a href=\"#mian\">Top</a><nav id=\"caf\u{e9}\"></nav><main id=\"main\">{% block …
  |                                                              ^
  = help: did you mean `#main`?

build failed: 1 problem"
    );
}

#[test]
fn template_syntax_error() {
    assert_eq!(
        error_for(&[("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title }\n{% endblock %}")]),
        "error: templates/page.html:3:15: template syntax error: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)
  |
3 | {{ page.title }
  |               ^
  = help: see the Tera documentation for the syntax of tags and expressions

build failed: 1 problem"
    );
}

#[test]
fn template_render_error() {
    let page = "{% extends \"base.html\" %}{% block main %}\n<h1>{{ page.titel }}</h1>{% endblock %}";
    assert_eq!(
        error_for(&[("templates/page.html", page), ("content/b.md", "---\ntitle: B\n---\n"), ("content/c.md", "---\ntitle: C\n---\n"), ("content/d.md", "---\ntitle: D\n---\n")]),
        "error: templates/page.html:2:8: Variable `page.titel` not found in context (while rendering content/b.md and 2 other files)
  |
2 | <h1>{{ page.titel }}</h1>{% endblock %}
  |        ^
  = help: fix the template: a page has no `titel`; a value of your own goes under `extra:` in the front matter, read as `page.extra.titel`

build failed: 1 problem"
    );
}

/// A template that fails on a page leaves that page out, but not the link check: links to the page (and
/// anchors in it) hold, and the other pages' broken links come in the same report.
#[test]
fn a_template_failing_on_a_page_holds_back_no_other_problem() {
    let text = error_for(&[
        ("templates/wide.html", "{% extends \"base.html\" %}{% block main %}\n<h1>{{ page.extra.width }}</h1>{% endblock %}"),
        ("content/b.md", "---\ntitle: B\n---\nSee [C](@/c.md), [its steps](@/c.md#steps), [by URL](/c/#steps) and [nowhere](/nowhere/).\n"),
        ("content/c.md", "---\ntitle: C\ntemplate: wide.html\n---\n## Steps\n\nBack to [B](@/b.md#nowhere).\n"),
    ]);
    assert_eq!(
        headlines(&text),
        [
            "error: content/b.md:4:69: broken link: no page or file at `/nowhere/`",
            "error: content/c.md:7:9: broken link: no anchor `#nowhere` in `b/index.html`",
            "error: templates/wide.html:2:8: Variable `page.extra.width` not found in context (while rendering content/c.md)",
        ],
        "{text}"
    );
}

#[test]
fn a_mistake_in_an_inherited_block_is_reported_where_it_is_written() {
    let page = "{% extends \"base.html\" %}{% block main %}\n<h1>{{ page.titel }}</h1>{% endblock %}";
    let text = error_for(&[
        ("templates/page.html", page),
        ("templates/wide.html", "{%- extends \"page.html\" -%}"),
        ("content/b.md", "---\ntitle: B\n---\n"),
        ("content/c.md", "---\ntitle: C\ntemplate: wide.html\n---\n"),
    ]);
    assert!(text.starts_with("error: templates/page.html:2:8: Variable `page.titel` not found in context (while rendering content/b.md and 1 other file)\n"), "{text}");
    assert!(text.ends_with("build failed: 1 problem"), "{text}");
}

#[test]
fn an_unknown_filter_is_reported_where_it_is_used_once_for_all_pages() {
    let page = "{% extends \"base.html\" %}{% block main %}\n<h1>{{ page.title | upcase }}</h1>{% endblock %}";
    assert_eq!(
        error_for(&[("templates/page.html", page), ("content/b.md", "---\ntitle: B\n---\n"), ("content/c.md", "---\ntitle: C\n---\n")]),
        "error: templates/page.html:2:21: Filter 'upcase' not found (while rendering content/b.md and 1 other file)
  |
2 | <h1>{{ page.title | upcase }}</h1>{% endblock %}
  |                     ^
  = help: fix the template: there is no filter `upcase` (see the Tera documentation for the filters it has)

build failed: 1 problem"
    );
}

#[test]
fn a_broken_link_in_raw_html_is_reported_in_the_content_file() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\nSee <a href=\"/nope/\">this</a>.\n"), ("content/b.md", "---\ntitle: B\n---\n")]);
    assert!(text.starts_with("error: content/a.md:4:14: broken link `/nope/`: "), "{text}");
    assert!(text.contains("4 | See <a href=\"/nope/\">this</a>."), "{text}");
}

#[test]
fn an_image_needs_alt_text() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\n![](/style.css)\n")]);
    assert!(text.starts_with("error: content/a.md:4:1: image `/style.css` has no alt text\n"), "{text}");
}

#[test]
fn unknown_site_yaml_key() {
    let yaml = format!("{SITE_YAML}taxonomys: [tags]\n");
    let text = error_for(&[("site.yaml", &yaml)]);
    assert_eq!(
        text,
        "error: site.yaml:5:1: unknown key `taxonomys`
  |
5 | taxonomys: [tags]
  | ^
  = help: did you mean `taxonomies`?

build failed: 1 problem"
    );
}

#[test]
fn every_problem_of_a_build_is_reported_together_in_file_order() {
    let text = error_for(&[
        ("content/b.md", "---\ntitle: B\nweight: x\n---\n"),
        ("content/a.md", "---\ntitel: A\n---\n"),
        ("content/c.md", "---\ntitle: C\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/a.md:2:1: unknown key `titel`",
            "error: content/b.md:3:9: in `weight`: invalid type: string \"x\", expected a whole number",
            "error: content/c.md:1:1: front matter is not closed",
        ]
    );
    assert!(text.ends_with("build failed: 3 problems"));
}

#[test]
fn every_template_with_a_syntax_error_is_reported_against_its_own_file() {
    let text = error_for(&[
        ("templates/page.html", "{% extends \"base.html\" %}\n{% block main %}{{ page.title }{% endblock %}"),
        ("templates/section.html", "{% extends \"base.html\" %}\n{% block main %}\n{% if section %}{% endblock %}"),
    ]);
    assert!(text.contains("error: templates/page.html:2:31: template syntax error"), "{text}");
    assert!(text.contains("error: templates/section.html:3:"), "{text}");
    assert!(text.ends_with("build failed: 2 problems"), "{text}");
}

#[test]
fn a_template_extending_a_missing_one_names_both() {
    let text = error_for(&[("templates/page.html", "{% extends \"bse.html\" %}\n{% block main %}{{ page.title }}{% endblock %}")]);
    assert_eq!(
        text,
        "error: templates/page.html:1:13: `extends` names `bse.html`, which is not a template here
  |
1 | {% extends \"bse.html\" %}
  |             ^
  = help: did you mean `base.html`?

build failed: 1 problem"
    );
}

/// The menu is rendered on its own (see `nav_html`): a mistake in it is reported in its own file.
#[test]
fn a_mistake_in_the_menu_partial_is_reported_in_the_partial() {
    let base = "<!doctype html><html><body>{{ nav_html | safe }}<main id=\"main\">{% block main %}{% endblock %}</main></body></html>\n";
    let text = error_for(&[("templates/base.html", base), ("templates/partials/nav.html", "<nav>\n{% for item in nav %}{{ item.titel }}{% endfor %}</nav>\n"), ("content/notes/_index.md", "---\ntitle: Notes\n---\n")]);
    assert!(text.starts_with("error: templates/partials/nav.html:2:"), "{text}");
    assert!(text.contains("item.titel") && text.contains("the menu"), "{text}");
    assert!(text.contains("help: check the name: the menu sees only `site` and `nav`"), "{text}");
}

#[test]
fn nothing_else_may_write_a_file_psoas_makes_for_the_site() {
    let page = |aliases: &str| format!("---\ntitle: A\naliases: [{aliases}]\n---\n");
    for (alias, owner) in [("/atom.xml", "psoas's own `atom.xml`"), ("/404.html", "the 404 page (its template)"), ("/style.css", "static/style.css")] {
        let text = error_for(&[("content/a.md", &page(alias)), ("static/style.css", "body {}")]);
        assert!(text.contains(&format!("content/a.md:3:1: alias `{alias}` writes `")) && text.contains(&format!("which {owner} also writes")), "{alias}: {text}");
    }
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\n"), ("static/404.html", "mine")]);
    assert!(text.starts_with("error: static/404.html: writes `404.html`, which the 404 page also writes\n"), "{text}");
}

#[test]
fn a_tab_in_the_indentation_is_shown_and_named() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\ntags:\n\t- x\n---\nText.\n")]),
        "error: content/a.md:4:1: found character that cannot start any token, while scanning for the next token
  |
4 | →- x
  | ^
  = help: indent with spaces: YAML does not allow tabs for indentation

build failed: 1 problem"
    );
}

#[test]
fn problems_in_the_markdown_come_with_the_link_checks() {
    let text = error_for(&[
        ("content/a.md", "---\ntitle: A\n---\nSee [x](@/nope.md).\n"),
        ("content/b.md", "---\ntitle: B\n---\nSee [y](@/a.md#nowhere).\n"),
    ]);
    assert!(text.contains("error: content/a.md:4:5: link to `@/nope.md`: no such content file"), "{text}");
    assert!(text.contains("error: content/b.md:4:5: broken link"), "{text}");
    assert!(text.ends_with("build failed: 2 problems"), "{text}");
}

#[test]
fn a_null_title_is_no_title() {
    for value in ["null", "~"] {
        let text = error_for(&[("content/a.md", &format!("---\ntitle: {value}\n---\nText.\n"))]);
        assert!(text.starts_with("error: content/a.md:2:1: `title` is empty\n"), "{value}: {text}");
    }
    // Quoted, it is the word.
    let site = site(&[("content/a.md", "---\ntitle: \"null\"\n---\nText.\n")]);
    psoas::cmd::build::build(site.path(), &psoas::cmd::build::BuildArgs { base_url: None, output: "public".into(), drafts: false }).unwrap();
}

#[test]
fn type_mistakes_are_said_in_words() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\nstretch:\n  reps: -2\n---\nText.\n")]);
    assert!(text.contains("content/a.md:4:9: in `stretch.reps`: invalid type: integer `-2`, expected a whole number of 0 or more"), "{text}");
    assert!(text.contains("help: write a whole number of 0 or more, e.g. `10`") && !text.contains("u32"), "{text}");
}

#[test]
fn a_key_written_twice_is_reported_where_it_is_written_again() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\ndescription: a\nweight: 1\ndescription: b\n---\nText.\n")]),
        "error: content/a.md:5:1: a key written twice: `description`
  |
5 | description: b
  | ^
  = help: keep one of the two: a key can be written once

build failed: 1 problem"
    );
}

#[test]
fn a_template_named_in_front_matter_must_exist() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\ntemplate: pgae.html\n---\nText.\n")]);
    assert!(text.starts_with("error: content/a.md:3:11: `template: pgae.html`: there is no such template in templates/\n"), "{text}");
    assert!(text.contains("help: did you mean `page.html`?"), "{text}");
}

#[test]
fn a_missing_anchor_in_a_page_named_in_site_yaml_is_reported_there() {
    let text = error_for(&[
        ("site.yaml", "title: T\nbase_url: https://example.org/\nred_flags_page: flags.md#urgent\n"),
        ("content/flags.md", "---\ntitle: Flags\n---\n## Call now\n"),
        ("templates/page.html", "{% extends \"base.html\" %}{% block main %}<a href=\"{{ red_flags_url }}\">Red flags</a>{% endblock %}"),
    ]);
    assert!(text.starts_with("error: site.yaml:3:25: broken link `/flags/#urgent`: "), "{text}");
    assert!(text.ends_with("build failed: 1 problem"), "{text}");
}

#[test]
fn a_missing_nested_key_is_reported_at_the_mapping_that_lacks_it() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\nstretch:\n  kind: stretch\n  image: /x.svg\n  steps:\n    - one\n---\nText.\n")]);
    assert_eq!(
        text,
        "error: content/a.md:3:1: in `stretch`: missing required keys `sides`, `frequency`, `difficulty` and `image_alt`
  |
3 | stretch:
  | ^
  = help: add `sides: ...`, `frequency: ...`, `difficulty: ...` and `image_alt: ...` under `stretch:`

build failed: 1 problem"
    );
    let one = error_for(&[("content/a.md", "---\ntitle: A\nstretch:\n  kind: stretch\n  sides: each\n  frequency: Daily\n  difficulty: easy\n  image: /x.svg\n  steps: [one]\n---\n")]);
    assert!(one.starts_with("error: content/a.md:3:1: in `stretch`: missing required key `image_alt`\n"), "{one}");
    assert!(one.contains("help: add `image_alt: ...` under `stretch:`"), "{one}");
}

#[test]
fn a_content_path_in_raw_html_says_it_is_resolved_only_in_markdown() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\nSee <a href=\"@/b.md\">B</a>.\n"), ("content/b.md", "---\ntitle: B\n---\n")]);
    assert!(text.starts_with("error: content/a.md:4:14: broken link `@/b.md`: a `@/` path is resolved in Markdown links, not in HTML"), "{text}");
    assert!(text.contains("help: write it as a Markdown link, `[text](@/page.md)`"), "{text}");
}

#[test]
fn an_undeclared_taxonomy_is_reported_at_its_key_in_either_yaml_style() {
    let block = error_for(&[("content/a.md", "---\ntitle: A\ntaxonomies:\n  topic: [hips]\n---\nText.\n")]);
    assert!(block.starts_with("error: content/a.md:4:3: taxonomy `topic` is not declared in site.yaml"), "{block}");
    assert!(block.contains("help: declare it in site.yaml: `taxonomies: [tags, topic]`"), "{block}");
    // On one line, the key shares the line of `taxonomies:`.
    let flow = error_for(&[("content/a.md", "---\ntitle: A\ndescription: B\ntaxonomies: {tagz: [hips]}\n---\nText.\n")]);
    assert!(flow.starts_with("error: content/a.md:4:14: taxonomy `tagz` is not declared in site.yaml"), "{flow}");
    assert!(flow.contains("help: did you mean `tags`?"), "{flow}");
}

/// A path from the root in raw HTML is written as it is, without the base path. It is reported in the page
/// where it is written, though the theme builds a link to the same file with `url()`.
#[test]
fn a_root_path_in_raw_html_on_a_subpath_is_reported_in_the_page() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\nLook: <img src=\"/style.css\" alt=\"x\">.\n")]);
    assert!(text.starts_with("error: content/a.md:4:17: broken link `/style.css`: outside the site's base path `/repo/`"), "{text}");
    assert!(text.contains("help: raw HTML is written as it is: write it as a Markdown link or image"), "{text}");
    assert!(text.contains("or begin the path with the base path, `/repo/`"), "{text}");
}

/// Tera names the template that includes a partial for a mistake in the partial: it is reported in the
/// partial, once for every template that includes it.
#[test]
fn a_mistake_in_an_included_partial_is_reported_in_the_partial() {
    let include = "{% include \"partials/list.html\" %}";
    let text = error_for(&[
        ("templates/partials/list.html", "<ul>\n  <li>{{ \"x\" | nofilter }}</li>\n</ul>\n"),
        ("templates/section.html", &format!("{{% extends \"base.html\" %}}{{% block main %}}{include}{{% endblock %}}")),
        ("templates/taxonomy_term.html", &format!("{{% extends \"base.html\" %}}{{% block main %}}{include}{{% endblock %}}")),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
    ]);
    assert!(text.starts_with("error: templates/partials/list.html:2:16: Filter 'nofilter' not found (while rendering "), "{text}");
    assert!(text.ends_with("build failed: 1 problem"), "{text}");
}

/// Every unknown key of a file's front matter is reported at once, each where it is written.
#[test]
fn every_unknown_key_of_a_file_is_reported_together() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\ndescripton: x\ntgas: [a]\nweight: 2\nweigth: 3\n---\nText.\n")]);
    let found = headlines(&text);
    assert_eq!(found, ["error: content/a.md:3:1: unknown key `descripton`", "error: content/a.md:4:1: unknown key `tgas`", "error: content/a.md:6:1: unknown key `weigth`"], "{text}");
    assert!(text.contains("help: did you mean `description`?") && text.contains("help: did you mean `tags`?"), "{text}");
    assert!(text.ends_with("build failed: 3 problems"), "{text}");
}

/// A page whose URL is that of a folder beside it, which is a section though it has no `_index.md`: the
/// folder is named, not a file that does not exist.
#[test]
fn a_page_clashing_with_a_folder_names_the_folder() {
    let text = error_for(&[("content/notes/first.md", "---\ntitle: A\n---\n"), ("content/notes/first/other.md", "---\ntitle: B\n---\n")]);
    assert!(
        text.starts_with("error: content/notes/first.md:1:1: writes `notes/first/index.html`, which the folder content/notes/first/ (a section, though it has no _index.md) also writes"),
        "{text}"
    );
}

#[test]
fn a_stylesheet_root_path_on_a_project_site_is_reported_with_the_relative_path_to_write() {
    let css = "body { color: red; }\n.hero { background: url(\"/images/hero.svg\") no-repeat; }\n";
    assert_eq!(
        error_for(&[("static/css/site.css", css), ("static/images/hero.svg", "<svg/>")]),
        "error: static/css/site.css:2:26: `/images/hero.svg` in a stylesheet is outside the site's base path `/repo/`
  |
2 | .hero { background: url(\"/images/hero.svg\") no-repeat; }
  |                          ^
  = help: a stylesheet's URLs are relative to it: write `../images/hero.svg`

build failed: 1 problem"
    );
}

#[test]
fn a_stylesheet_url_to_a_missing_file_is_reported_and_good_ones_pass() {
    let css = "/* url(not-checked.png) */\n@import 'base.css';\na { background: url(../img/a.svg), url(data:image/png;base64,AA), url(https://example.com/x.png), url(#clip); }\nb { mask: url(../img/mising.svg); }\n";
    assert_eq!(
        error_for(&[("static/css/site.css", css), ("static/css/base.css", "i{}"), ("static/img/a.svg", "<svg/>")]),
        "error: static/css/site.css:4:15: `../img/mising.svg` in a stylesheet: no file at `/img/mising.svg`
  |
4 | b { mask: url(../img/mising.svg); }
  |               ^
  = help: it is relative to the stylesheet, `/css/site.css`; put the file under static/

build failed: 1 problem"
    );
    let good = site(&[("static/css/site.css", &css.replace("mising", "a")), ("static/css/base.css", "i{}"), ("static/img/a.svg", "<svg/>")]);
    try_build(good.path()).unwrap();
}

#[test]
fn terms_whose_urls_clash_are_reported_and_spellings_of_one_term_merge() {
    let error = error_for(&[
        ("content/a.md", "---\ntitle: A\ndate: 2026-01-02\ntags: [c, Low back]\n---\n"),
        ("content/b.md", "---\ntitle: B\ndate: 2026-01-01\ntags: [C++, low-back]\n---\n"),
        ("content/c.md", "---\ntitle: C\ndate: 2025-12-31\ntags: [C++]\n---\n"),
    ]);
    assert_eq!(
        error,
        "error: content/b.md:4:1: tags term `C++` would share the URL `/tags/c/` with `c` (content/a.md)
  |
4 | tags: [C++, low-back]
  | ^
  = help: a term's URL keeps only letters, digits and hyphens: write `c` if it is the same term, or name it apart, e.g. `C plus plus`

build failed: 1 problem"
    );
    // Spellings of one term merge: case, spaces and hyphens, apostrophes, a full stop, an accent written as
    // one character or as a letter and a combining mark.
    let fixed = site(&[
        ("content/a.md", "---\ntitle: A\ndate: 2026-01-02\ntags: [c, Low back, women's health, Sciatica., \"Caf\u{e9}\"]\n---\n"),
        ("content/b.md", "---\ntitle: B\ndate: 2026-01-01\ntags: [C plus plus, low-back, women\u{2019}s health, sciatica, \"Cafe\u{301}\"]\n---\n"),
    ]);
    try_build(fixed.path()).unwrap();
    assert!(fixed.path().join("public/tags/c-plus-plus/index.html").is_file());
    assert!(fixed.path().join("public/tags/low-back/index.html").is_file());
    let term = std::fs::read_to_string(fixed.path().join("public/tags/womens-health/index.html")).unwrap();
    assert!(term.contains(">A<") && term.contains(">B<"), "both pages under one term: {term}");
}

/// A file whose front matter has a problem stands in as a plain page: links to it are good, its own Markdown
/// is checked, and the rest of the site's problems come in the same build.
#[test]
fn a_front_matter_problem_does_not_hide_the_rest_of_the_sites_problems() {
    let text = error_for(&[
        ("content/a.md", "---\ntitel: A\n---\n## Section\n\nSee [nothing](@/nope.md).\n"),
        ("content/b.md", "---\ntitle: B\n---\nSee [A](@/a.md), [its section](@/a.md#section) and [C](@/c.md).\n\n```stretch-card\n@/a.md\n```\n"),
        ("content/c.md", "---\ntitle: C\n"),
        ("content/d.md", "---\ntitle: D\n---\nSee [A's missing part](@/a.md#elsewhere) and [gone](@/missing.md).\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/a.md:2:1: unknown key `titel`",
            "error: content/a.md:6:5: link to `@/nope.md`: no such content file",
            "error: content/c.md:1:1: front matter is not closed",
            "error: content/d.md:4:5: broken link: no anchor `#elsewhere` in `a/index.html`",
            "error: content/d.md:4:46: link to `@/missing.md`: no such content file",
        ],
        "{text}"
    );
    assert!(text.ends_with("build failed: 5 problems"), "{text}");
}

#[test]
fn a_file_kept_beside_the_pages_is_checked_and_a_missed_one_is_named() {
    let text = error_for(&[
        // The handout clashes with the one under static/: links to it, either way, find that one, so the
        // clash is the one problem it gives.
        ("content/Stretches/a.md", "---\ntitle: A\n---\n![A photo](kneel.png) and [the sheet](@/Stretches/sheet.pdf)\n\n[Handout](handout.pdf), [again](@/Stretches/handout.pdf)\n"),
        ("content/Stretches/kneel.png", "<html>Not found</html>"),
        ("content/Stretches/sheet.pdf", "%PDF-1.4"),
        ("content/Stretches/handout.pdf", "%PDF-1.4"),
        ("static/stretches/handout.pdf", "%PDF-1.4"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/Stretches/handout.pdf: is published at `/stretches/handout.pdf`, as static/stretches/handout.pdf is",
            "error: content/Stretches/kneel.png: not an image: the file does not begin as a PNG file does",
        ],
        "{text}"
    );
    let text = error_for(&[
        ("content/Stretches/a.md", "---\ntitle: A\n---\n![A photo](/Stretches/kneel.gif)\n"),
        ("content/Stretches/kneel.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
        ("content/Stretches/wip/_index.md", "---\ntitle: WIP\ndraft: true\n---\n"),
        ("content/Stretches/wip/plan.png", "png"),
        ("content/Stretches/b.md", "---\ntitle: B\n---\n![Plan](wip/plan.png)\n"),
    ]);
    assert!(text.contains("content/Stretches/a.md:4:1: broken link: no page or file at `/Stretches/kneel.gif`"), "{text}");
    assert!(text.contains("help: content/Stretches/kneel.gif is published at `/stretches/kneel.gif`: link to it by its file, `@/Stretches/kneel.gif`, or by that path"), "{text}");
    assert!(text.contains("help: content/Stretches/wip/plan.png is not published: it is in a draft section (`content/Stretches/wip/_index.md` has `draft: true`)"), "{text}");
    // Not there either: where it was looked for first, and a file of a near name there.
    let text = error_for(&[("content/stretches/a.md", "---\ntitle: A\n---\n![A photo](photo.png)\n")]);
    assert!(text.contains("content/stretches/a.md:4:1: broken link: no file `content/stretches/photo.png` beside the page, nor a page or file at `/stretches/a/photo.png`"), "{text}");
    assert!(text.contains("= help: a relative path names a file beside the page's Markdown file, in `content/stretches/`;"), "{text}");
    let text = error_for(&[
        ("content/stretches/a.md", "---\ntitle: A\n---\n![A photo](../shared/kneel.png)\n"),
        ("content/shared/kneel.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00"),
        ("content/shared/notes.md", "---\ntitle: Notes\n---\n"),
    ]);
    assert!(text.contains("broken link: no file `content/shared/kneel.png` beside the page, nor a page or file at `/stretches/shared/kneel.png`"), "{text}");
    assert!(text.contains("= help: did you mean `content/shared/kneel.gif`?"), "{text}");
}

#[test]
fn an_image_a_browser_cannot_show_is_reported_and_good_ones_get_their_size() {
    let text = error_for(&[
        ("static/photo.jpg", "<html>Not found</html>"),
        ("static/empty.png", ""),
        ("static/drawing.svg", "hello"),
        ("static/cut.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\">\n<rect width=\"32\" hei"),
        ("static/page.svg", "<html><body><svg/></body></html>"),
        ("content/a.md", "---\ntitle: A\n---\n[gone](@/b.md)\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/a.md:4:1: link to `@/b.md`: no such content file",
            "error: static/cut.svg:2:21: the SVG is not well-formed, so browsers show none of it: unexpected end of stream",
            "error: static/drawing.svg: not an SVG image: it has no `<svg>` element",
            "error: static/empty.png: the image file is empty",
            "error: static/page.svg: not an SVG image: its outermost element is not `<svg>`",
            "error: static/photo.jpg: not an image: the file does not begin as a JPG file does",
        ],
        "{text}"
    );
    // A JPEG's and a GIF's sizes are read from their first bytes.
    let good = site(&[("content/a.md", "---\ntitle: A\n---\n![A photo](/photo.jpg) ![A drawing](/anim.gif)\n")]);
    let jpeg = [0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x03, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9];
    std::fs::write(good.path().join("static/photo.jpg"), jpeg).unwrap();
    std::fs::write(good.path().join("static/anim.gif"), b"GIF89a\x05\x00\x04\x00\x80\x00\x00").unwrap();
    try_build(good.path()).unwrap();
    let html = std::fs::read_to_string(good.path().join("public/a/index.html")).unwrap();
    assert!(html.contains("src=\"/repo/photo.jpg\" alt=\"A photo\" width=\"3\" height=\"2\""), "{html}");
    assert!(html.contains("src=\"/repo/anim.gif\" alt=\"A drawing\" width=\"5\" height=\"4\""), "{html}");
    // A photo stored on its side with an Exif orientation of 6 (turn a quarter clockwise) shows 2 wide, 3 high.
    let exif_segment: Vec<u8> = [&[0xFF, 0xE1, 0x00, 0x22][..], b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0"].concat();
    let turned = [&jpeg[..2], &exif_segment, &jpeg[2..]].concat();
    std::fs::write(good.path().join("static/photo.jpg"), turned).unwrap();
    try_build(good.path()).unwrap();
    let html = std::fs::read_to_string(good.path().join("public/a/index.html")).unwrap();
    assert!(html.contains("src=\"/repo/photo.jpg\" alt=\"A photo\" width=\"2\" height=\"3\""), "{html}");
    // Fill bytes before a marker are allowed in a JPEG, and browsers show it: it is published, without a
    // size where the size reader stops at them.
    let filled = [&jpeg[..2], &[0xFF, 0xFF][..], &jpeg[2..]].concat();
    std::fs::write(good.path().join("static/photo.jpg"), filled).unwrap();
    try_build(good.path()).unwrap();
    assert!(good.path().join("public/photo.jpg").is_file());
}

#[test]
fn a_hash_heading_is_a_second_h1_only_where_the_template_writes_one() {
    let page = ("content/a.md", "---\ntitle: A\n---\n# A\n\nText.\n");
    let text = error_for(&[page]);
    assert!(text.starts_with("error: content/a.md:4:1: a `#` heading is a second h1: the page's title is its h1\n"), "{text}");
    // A page template that shows no h1 of its own (nor does the template it extends) leaves it to the page.
    let own = site(&[page, ("templates/page.html", "{% extends \"base.html\" %}{% block main %}{{ page.content | safe }}{% endblock %}")]);
    try_build(own.path()).unwrap();
}

/// A stand-in keeps what can be read of its front matter (slug, aliases, title) and is rendered with the
/// plain page template, so that a template needing the rest does not hide the site's other problems.
#[test]
fn a_page_standing_in_keeps_its_url_and_aliases_and_is_rendered_plain() {
    let text = error_for(&[
        ("templates/card.html", "{% extends \"base.html\" %}{% block main %}<p>{{ page.stretch.kind }}</p>{% endblock %}"),
        ("content/birds/_index.md", "---\ntitle: Birds\npage_template: card.html\n---\n"),
        ("content/birds/b.md", "---\ntitle: Bird dog\nslug: bird-dog-exercise\naliases: [/old-bird-dog/]\ndraft: maybe\n---\nText.\n"),
        ("content/c.md", "---\ntitle: C\n---\n[new](/birds/bird-dog-exercise/), [old](/old-bird-dog/) and [gone](/gone/).\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/birds/b.md:5:8: in `draft`: invalid type: string \"maybe\", expected a boolean",
            "error: content/c.md:4:61: broken link: no page or file at `/gone/`",
        ],
        "{text}"
    );
}

#[test]
fn an_alias_with_a_query_is_refused() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\naliases: [\"/?p=123\"]\n---\n")]);
    assert!(text.starts_with("error: content/a.md:3:12: alias `/?p=123` has a query or fragment, which a request's path never holds"), "{text}");
}

/// Aliases that could not be written as the folder their path names, or would not be published, are
/// refused at the alias itself, before anything is written.
#[test]
fn aliases_that_cannot_be_written_or_published_are_refused_at_the_alias() {
    let long = "a".repeat(300);
    for (alias, message) in [
        ("\"/old-name/ \"", "alias `/old-name/ ` begins or ends with a space, which would be part of its folder's name"),
        ("/.psoas-output", "alias `/.psoas-output` is in a hidden folder (a name starting with `.`), which GitHub Pages is not given"),
        ("/old/index.html/", "alias `/old/index.html/` goes on past `index.html`, a file"),
        (&format!("/{long}/"), "alias `/aaaa"),
    ] {
        let text = error_for(&[("content/a.md", &format!("---\ntitle: A\naliases:\n  - /fine/\n  - {alias}\n---\n"))]);
        let column = if alias.starts_with('"') { 6 } else { 5 };
        assert!(text.starts_with(&format!("error: content/a.md:5:{column}: {message}")), "{alias}: {text}");
    }
    let text = error_for(&[("content/a.md", &format!("---\ntitle: A\naliases: [/{long}/]\n---\n"))]);
    assert!(text.contains("has a folder name of 300 bytes; file systems allow 255"), "{text}");
    // `.` and `..` are resolved first: this alias is `/renamed/`.
    let site = site(&[("content/a.md", "---\ntitle: A\naliases: [/old/../renamed/, /./older/]\n---\n")]);
    try_build(site.path()).unwrap();
    assert!(site.path().join("public/renamed/index.html").is_file() && site.path().join("public/older/index.html").is_file());
}

/// A URL that file systems could not hold (a folder name over 255 bytes, easily reached by a term or a
/// file name in another script, written in Latin letters) is reported at what makes it, before anything is
/// written; so is a term with no letters or digits.
#[test]
fn names_too_long_for_a_folder_and_empty_terms_are_reported_at_their_source() {
    let long = "腰痛と坐骨神経痛の原因 ".repeat(8);
    let text = error_for(&[("content/a.md", &format!("---\ntitle: A\ntags:\n  - short\n  - \"{long}\"\n  - \"~\"\n---\n"))]);
    let headlines = headlines(&text);
    assert_eq!(headlines.len(), 2, "{text}");
    assert!(headlines[0].starts_with("error: content/a.md:5:6: tags term `腰痛と") && headlines[0].ends_with("`); file systems allow 255"), "{text}");
    assert_eq!(headlines[1], "error: content/a.md:6:6: tags term `~` gives an empty URL", "{text}");
    let text = error_for(&[(&format!("content/{}.md", "坐骨神経痛".repeat(12)), "---\ntitle: A\n---\n")]);
    assert!(text.contains("has a folder name of") && text.contains("help: give the page a shorter `slug`"), "{text}");
}

#[test]
fn a_link_into_a_draft_section_and_a_red_flags_page_that_is_a_draft_say_so() {
    let text = error_for(&[
        ("site.yaml", &format!("{SITE_YAML}red_flags_page: flags.md#go-now\n")),
        ("content/flags.md", "---\ntitle: Flags\ndraft: true\n---\n## Go now\n"),
        ("content/wip/_index.md", "---\ntitle: WIP\ndraft: true\n---\n"),
        ("content/wip/w1.md", "---\ntitle: W1\n---\n"),
        ("content/a.md", "---\ntitle: A\n---\n[w](@/wip/w1.md)\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/a.md:4:1: link to `@/wip/w1.md`: it is in a draft section (`content/wip/_index.md` has `draft: true`), left out of this build",
            "error: site.yaml:5:1: `red_flags_page`: `flags.md`: the page is a draft (`draft: true`), left out of this build",
        ],
        "{text}"
    );
}

#[test]
fn a_missing_partial_in_a_paginated_template_is_reported_as_missing() {
    let section = "{% extends \"base.html\" %}{% block main %}{% if paginator.number_pagers > 1 %}more{% endif %}{% include \"partials/pagr.html\" %}{% endblock %}";
    let text = error_for(&[("templates/section.html", section), ("content/notes/_index.md", "---\ntitle: Notes\n---\n")]);
    assert!(text.contains("partials/pagr.html") && text.contains("not found"), "{text}");
    assert!(!text.contains("Variable `paginator"), "{text}");
}

#[test]
fn a_number_too_large_says_so_without_naming_a_rust_type() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\nweight: 99999999999999999999999\n---\n")]);
    assert!(text.starts_with("error: content/a.md:3:9: in `weight`: invalid type: integer `99999999999999999999999` (too large), expected a whole number\n"), "{text}");
}

#[test]
fn an_image_path_missing_its_leading_slash_suggests_the_file_of_that_name() {
    let text = error_for(&[("static/illustrations/walk.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), ("content/notes/a.md", "---\ntitle: A\n---\n![A walk](illustrations/walk.svg)\n")]);
    assert!(text.contains("broken link: no page or file at `/notes/a/illustrations/walk.svg`"), "{text}");
    assert!(text.contains("= help: did you mean `/illustrations/walk.svg`? A path without a leading `/` is relative to the page's own URL, `/notes/a/`"), "{text}");
}

#[test]
fn a_slug_taking_a_later_files_url_and_two_files_with_one_url() {
    assert_eq!(
        error_for(&[("content/a.md", "---\ntitle: A\n---\n"), ("content/z.md", "---\ntitle: Z\nslug: a\n---\n")]),
        "error: content/z.md:3:1: writes `a/index.html`, which content/a.md also writes
  |
3 | slug: a
  | ^
  = help: this `slug` gives the URL of content/a.md: choose another

build failed: 1 problem"
    );
    let both = error_for(&[("content/a.md", "---\ntitle: A\n---\n"), ("content/a/_index.md", "---\ntitle: Section A\n---\n")]);
    assert!(both.contains("writes `a/index.html`, which content/"), "{both}");
    assert!(both.contains("help: rename one of them (or give one a `slug`)"), "{both}");
}

#[test]
fn a_link_by_url_to_a_draft_names_the_draft() {
    let text = error_for(&[
        ("content/b.md", "---\ntitle: B\nslug: bee\ndraft: true\n---\n"),
        ("content/wip/_index.md", "---\ntitle: WIP\ndraft: true\n---\n"),
        ("content/wip/w1.md", "---\ntitle: W1\n---\n"),
        ("content/a.md", "---\ntitle: A\n---\n[b](/bee/) and [w](/wip/w1/index.html) and [gone](/nowhere/)\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        [
            "error: content/a.md:4:1: broken link: no page at `/bee/`: it is the URL of content/b.md, and the page is a draft (`draft: true`), left out of this build",
            "error: content/a.md:4:16: broken link: no page at `/wip/w1/`: it is the URL of content/wip/w1.md, and it is in a draft section (`content/wip/_index.md` has `draft: true`), left out of this build",
            "error: content/a.md:4:44: broken link: no page or file at `/nowhere/`",
        ],
        "{text}"
    );
    assert!(text.contains("help: build with `--drafts` to preview it, and link to it once it is published, by its file: `[text](@/b.md)`"), "{text}");
    let page = "{% extends \"base.html\" %}{% block main %}<a href=\"{{ url(path='/bee/') }}\">b</a>{% endblock %}";
    let text = error_for(&[("templates/page.html", page), ("content/b.md", "---\ntitle: B\nslug: bee\ndraft: true\n---\n"), ("content/a.md", "---\ntitle: A\n---\n")]);
    assert!(text.contains("broken link `/repo/bee/`: no page at `/bee/`: it is the URL of content/b.md, and the page is a draft"), "{text}");
    assert!(text.contains("by its file: `get_page(path=\"b.md\").url`"), "{text}");
}

#[test]
fn a_stand_in_its_template_cannot_render_does_not_hold_back_the_link_check() {
    let page = "{% extends \"base.html\" %}{% block main %}<p>{{ page.date | date(format=\"%Y\") }}</p>{{ page.content | safe }}{% endblock %}";
    let text = error_for(&[
        ("templates/page.html", page),
        ("content/a.md", "---\ntitle: A\ndate: 2026-01-02\nweight: heavy\n---\n## Steps\n"),
        ("content/b.md", "---\ntitle: B\ndate: 2026-01-03\n---\n[gone](/gone/) and [steps](@/a.md#steps)\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(
        headlines,
        ["error: content/a.md:4:9: in `weight`: invalid type: string \"heavy\", expected a whole number", "error: content/b.md:5:1: broken link: no page or file at `/gone/`"],
        "{text}"
    );
}

#[test]
fn a_folder_page_beside_other_pages_says_the_folder_is_a_section() {
    let page = |title: &str| format!("---\ntitle: {title}\ndate: 2026-01-02\n---\nText.\n");
    let text = error_for(&[("content/kneel/index.md", &page("Kneel")), ("content/kneel/more.md", &page("More"))]);
    assert!(text.starts_with("error: content/kneel/index.md:1:1: writes `kneel/index.html`, which the folder content/kneel/ (a section, though it has no _index.md) also writes"), "{text}");
    assert!(text.contains("help: content/kneel/ holds other pages, so it is a section: rename this file to `_index.md`"), "{text}");

    let text = error_for(&[("content/kneel/index.md", &page("Kneel")), ("content/kneel/_index.md", "---\ntitle: Kneeling\n---\n")]);
    assert!(text.starts_with("error: content/kneel/index.md:1:1: writes `kneel/index.html`, which content/kneel/_index.md also writes"), "{text}");
    assert!(text.contains("help: content/kneel/ is a section, whose page is its `_index.md`: keep one of the two files"), "{text}");
}

#[test]
fn a_file_in_a_folder_without_a_url_is_an_error_and_nothing_is_written_outside() {
    let outside = tempfile::Builder::new().prefix("victim").tempdir().unwrap();
    let victim = outside.path().join("keep.txt");
    std::fs::write(&victim, "ORIGINAL").unwrap();
    // `__` has no URL: joined to the output folder, the rest of the path would be absolute.
    let inner = format!("content/__{}", victim.display());
    let text = error_for(&[("content/a.md", "---\ntitle: A\n---\nText.\n"), (&inner, "OVERWRITTEN"), ("content/notes/__/x.txt", "x")]);
    assert!(text.contains(&format!("error: {inner}: the folder name `__` gives an empty URL, so this file has no place in the site")), "{text}");
    assert!(text.contains("error: content/notes/__/x.txt: the folder name `__` gives an empty URL"), "{text}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "ORIGINAL");
}

#[test]
fn a_stand_in_is_in_no_list_so_a_list_template_reading_its_front_matter_holds() {
    let section = "{% extends \"base.html\" %}{% block main %}{% for p in section.pages %}<i>{{ p.date | date(format=\"%Y\") }}</i>{% endfor %}{% endblock %}";
    let text = error_for(&[
        ("templates/section.html", section),
        ("content/notes/_index.md", "---\ntitle: Notes\n---\n"),
        ("content/notes/a.md", "---\ntitle: [A\ndate: 2026-01-02\n---\n[gone](/gone/)\n"),
        ("content/notes/b.md", "---\ntitle: B\ndate: 2026-01-03\n---\n[a](@/notes/a.md)\n"),
    ]);
    let headlines = headlines(&text);
    assert_eq!(headlines.len(), 2, "{text}");
    assert!(headlines[0].starts_with("error: content/notes/a.md:2:"), "{text}");
    assert_eq!(headlines[1], "error: content/notes/a.md:5:1: broken link: no page or file at `/gone/`", "{text}");
}

#[test]
fn a_folder_page_cannot_have_a_slug() {
    let text = error_for(&[("content/notes/kneel/index.md", "---\ntitle: Kneel\nslug: kneeling\n---\n![A pose](pose.gif)\n"), ("content/notes/kneel/pose.gif", "GIF89a\x05\x00\x04\x00\x00\x00\x00")]);
    assert!(text.starts_with("error: content/notes/kneel/index.md:3:1: a folder's `index.md` takes its URL from the folder, with the files beside it: it cannot have a `slug`"), "{text}");
    assert!(text.contains("help: remove the `slug`, and rename the folder content/notes/kneel/ to give the page its URL"), "{text}");
    // Standing in, the page keeps the folder's URL: a link to it there holds.
    let text = error_for(&[("content/notes/kneel/index.md", "---\ntitle: Kneel\nslug: kneeling\n---\nText.\n"), ("content/notes/b.md", "---\ntitle: B\n---\n[kneel](/notes/kneel/)\n")]);
    assert_eq!(headlines(&text).len(), 1, "{text}");
}

#[test]
fn a_filter_given_a_field_a_page_leaves_out_says_to_test_it_first() {
    let page = "{% extends \"base.html\" %}{% block main %}<p>{{ page.date | date(format=\"%Y\") }}</p>{% endblock %}";
    let text = error_for(&[("templates/page.html", page), ("content/a.md", "---\ntitle: A\n---\nText.\n")]);
    assert!(text.contains("Filter `date` received an incorrect type for arg `value`: got `Null`"), "{text}");
    assert!(text.contains("help: fix the template: `date` was given a value that is not there (a field some pages leave out): test it first, `{% if ... %}`, or give a `default`"), "{text}");
    assert!(!text.contains("there is no filter"), "{text}");
}

#[test]
fn a_site_yaml_that_is_not_utf8_is_reported_where_the_byte_is() {
    let site = site(&[]);
    std::fs::write(site.path().join("site.yaml"), b"title: Le caf\xe9\nbase_url: https://example.org/\n").unwrap();
    let text = build_error(site.path());
    assert!(text.starts_with("error: site.yaml:1:14: the file is not valid UTF-8 (byte 0xe9)\n"), "{text}");
    assert!(text.contains("help: save the file as UTF-8 in your editor") && !text.contains("psoas init"), "{text}");
}

/// A folder without an `_index.md` whose section would be written where a taxonomy is: the folder is named,
/// not a file that is not there, and a section has no `slug` to give.
#[test]
fn a_folder_named_like_a_taxonomy_is_named_as_the_folder() {
    let text = error_for(&[("content/tags/how-we-tag.md", "---\ntitle: How we tag\n---\nText.\n")]);
    assert_eq!(
        headlines(&text),
        ["error: content/tags/: this folder is a section, whose list is written at `tags/index.html`, which the `tags` taxonomy (site.yaml) also writes"],
        "{text}"
    );
    assert!(text.contains("help: rename the folder content/tags/, or the `tags` taxonomy (site.yaml)"), "{text}");
}

/// The URLs of `srcset`, `poster` and `<object data>` are checked as `src` is, and each problem points at
/// the URL it is about.
#[test]
fn srcset_poster_and_object_urls_are_checked() {
    let text = error_for(&[(
        "content/pics.md",
        "---\ntitle: Pics\n---\n<img src=\"/repo/style.css\" srcset=\"/repo/style.css 1x, /repo/missing@2x.svg 2x\" alt=\"A\">\n\n<video poster=\"/repo/poster.png\"></video> <object data=\"/repo/sheet.pdf\">Sheet</object>\n",
    )]);
    assert_eq!(
        headlines(&text),
        [
            "error: content/pics.md:4:56: broken link `/repo/missing@2x.svg`: no page or file at `/missing@2x.svg` (in `pics/index.html`)",
            "error: content/pics.md:6:16: broken link `/repo/poster.png`: no page or file at `/poster.png` (in `pics/index.html`)",
            "error: content/pics.md:6:57: broken link `/repo/sheet.pdf`: no page or file at `/sheet.pdf` (in `pics/index.html`)",
        ],
        "{text}"
    );
}

/// The same broken URL written in several places of a page is a problem at each place, in the order they
/// come: a `<source>`'s `srcset` and the `<img>` after it, and a link in a template and in the page's own
/// raw HTML. A template that writes one place twice (in a loop) has one problem there.
#[test]
fn the_same_broken_url_in_two_places_is_a_problem_at_each() {
    let text = error_for(&[
        ("content/pic.md", "---\ntitle: Pic\n---\n<picture><source srcset=\"/walking.svg\"><img src=\"/walking.svg\" alt=\"Walking\"></picture>\n\n<a href=\"/repo/gone/\">gone</a>\n"),
        ("templates/page.html", "{% extends \"base.html\" %}{% block main %}{% for n in [1, 2] %}<a href=\"/repo/gone/\">{{ n }}</a>{% endfor %}{{ page.content | safe }}{% endblock %}"),
    ]);
    assert_eq!(
        headlines(&text),
        [
            "error: content/pic.md:4:26: broken link `/walking.svg`: outside the site's base path `/repo/` (in `pic/index.html`)",
            "error: content/pic.md:4:50: broken link `/walking.svg`: outside the site's base path `/repo/` (in `pic/index.html`)",
            "error: content/pic.md:6:10: broken link `/repo/gone/`: no page or file at `/gone/` (in `pic/index.html`)",
            "error: templates/page.html:1:72: broken link `/repo/gone/`: no page or file at `/gone/` (in `pic/index.html`)",
        ],
        "{text}"
    );
}

/// A stretch card's `image` is found from the site's root (`/pic.svg`, under static/) or, written relative,
/// beside the page's Markdown file, as a Markdown image is: a page folder keeps its illustration with it.
/// One that is in neither place is one problem, at the key (not a second one for the card's `<img>`).
#[test]
fn a_stretch_image_is_found_from_the_root_or_beside_the_page() {
    let stretch = |image: &str| {
        format!("---\ntitle: Kneel\nstretch:\n  kind: stretch\n  hold_seconds: 30\n  sides: each\n  frequency: Daily\n  difficulty: easy\n  image: {image}\n  image_alt: A kneeling person.\n  steps: [Kneel.]\n---\n```stretch-card\n```\n")
    };
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 48 32\"><title>Kneel</title></svg>";
    let built = site(&[("content/notes/kneel/index.md", &stretch("kneel.svg")), ("content/notes/kneel/kneel.svg", svg)]);
    try_build(built.path()).unwrap();
    let html = std::fs::read_to_string(built.path().join("public/notes/kneel/index.html")).unwrap();
    assert!(html.contains("<img src=\"/repo/notes/kneel/kneel.svg\" alt=\"A kneeling person.\" width=\"48\" height=\"32\">"), "{html}");
    assert!(html.contains("\"image\":\"https://example.org/repo/notes/kneel/kneel.svg\""), "the structured data names it too: {html}");

    for image in ["kneeling.svg", "/kneeling.svg"] {
        let text = error_for(&[("content/notes/kneel/index.md", &stretch(image)), ("content/notes/kneel/kneel.svg", svg)]);
        assert_eq!(headlines(&text), [format!("error: content/notes/kneel/index.md:9:3: illustration `{image}` does not exist")], "{text}");
        assert!(text.contains("help: write its site path, e.g. `/illustrations/name.svg` for static/illustrations/name.svg, or its path from the page's Markdown file, e.g. `kneel.svg` beside it"), "{text}");
    }
}

/// The URLs in a `style` attribute and in a `<style>` element (raw HTML or a template) are checked as an
/// `href` is: relative to the page, and under the base path.
#[test]
fn urls_in_style_attributes_and_elements_are_checked() {
    let text = error_for(&[(
        "content/styled.md",
        "---\ntitle: Styled\n---\n<div style=\"background: url(/repo/style.css), url('/repo/gone.png')\">x</div>\n\n<style>.q { background: image-set(\"/y.png\" 1x) }</style>\n",
    )]);
    assert_eq!(
        headlines(&text),
        [
            "error: content/styled.md:4:52: broken link `/repo/gone.png`: no page or file at `/gone.png` (in `styled/index.html`)",
            "error: content/styled.md:6:36: broken link `/y.png`: outside the site's base path `/repo/` (in `styled/index.html`)",
        ],
        "{text}"
    );
}

/// A missing link written in angle brackets with a space (`<sitting guide.md>`, written `sitting%20guide.md`
/// in the HTML) is one problem, at the link, and a folder shared with another file is no reason to suggest it.
#[test]
fn a_missing_link_with_a_space_is_one_problem_at_the_link() {
    let text = error_for(&[("content/notes/posture.md", "---\ntitle: Posture\n---\nSee [the guide](<sitting guide.md>) for more.\n"), ("content/notes/_index.md", "---\ntitle: Notes\n---\n")]);
    assert_eq!(headlines(&text), ["error: content/notes/posture.md:4:5: link to `sitting guide.md`: no such content file"], "{text}");
    assert!(text.contains("help: link to a file under content/ by its path"), "{text}");
}

/// A term written as YAML's null (`null`, `~`) is no term: it is reported at it, with the quotes that make
/// it the word.
#[test]
fn a_null_term_is_reported_at_it() {
    let text = error_for(&[("content/a.md", "---\ntitle: A\ntags: [back pain, null]\n---\n"), ("content/b.md", "---\ntitle: B\ntags:\n  - \"null\"\n  - ~\n---\n")]);
    assert_eq!(headlines(&text), ["error: content/a.md:3:19: tags term `null` is no value in YAML", "error: content/b.md:5:5: tags term `~` is no value in YAML"], "{text}");
    assert!(text.contains("help: remove it, or quote it to mean the word: `\"null\"`"), "{text}");
}

/// Front matter written the way other tools take it is named for what it is: TOML between `+++` lines, a
/// YAML merge key, a number with a leading zero (text, to YAML).
#[test]
fn front_matter_other_tools_take_is_named_for_what_it_is() {
    let text = error_for(&[("content/a.md", "+++\ntitle = \"A\"\n+++\nText.\n")]);
    assert!(text.starts_with("error: content/a.md:1:1: front matter in TOML (between `+++` lines) is not read"), "{text}");
    let text = error_for(&[("content/a.md", "---\ntitle: A\nweight: 010\n---\n")]);
    assert!(text.contains("help: write it without leading zeros, `10`: YAML reads `010` as text"), "{text}");
    let text = error_for(&[("content/a.md", "---\ntitle: A\nstretch:\n  kind: stretch\n  hold_seconds: 030\n---\n")]);
    assert!(text.contains("help: write it without leading zeros, `30`: YAML reads `030` as text"), "{text}");
    let text = error_for(&[("content/a.md", "---\ntitle: A\nextra: &common {a: 1}\nstretch:\n  <<: *common\n---\n")]);
    assert!(text.starts_with("error: content/a.md:5:3: in `stretch`: a YAML merge key (`<<: *name`) is not read"), "{text}");
}
