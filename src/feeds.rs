//! Generated files that are not templates: `sitemap.xml`, the Atom feed, `robots.txt`, alias redirects.

use std::fmt::Write as _;

use crate::markdown::escape;

/// Where the sitemap and the Atom feed go in the output.
pub const SITEMAP: &str = "sitemap.xml";
pub const FEED: &str = "atom.xml";
/// How many of the newest dated pages the feed lists.
pub const FEED_ENTRIES: usize = 50;

pub struct SitemapEntry {
    pub permalink: String,
    pub lastmod: Option<String>,
}

pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for entry in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape(&entry.permalink));
        if let Some(date) = &entry.lastmod {
            let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub struct FeedEntry {
    pub title: String,
    pub permalink: String,
    pub summary: Option<String>,
    pub published: String,
    pub updated: String,
}

pub struct Feed<'a> {
    pub title: &'a str,
    pub subtitle: &'a str,
    pub author: &'a str,
    pub language: &'a str,
    pub site_url: &'a str,
    pub feed_url: &'a str,
    /// When the feed last changed: the newest entry's date, so that two builds of the same content are
    /// identical.
    pub updated: String,
}

/// An Atom 1.0 feed.
pub fn atom(feed: &Feed, entries: &[FeedEntry]) -> String {
    let updated = &feed.updated;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(xml, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">", escape(feed.language));
    let _ = writeln!(xml, "  <title>{}</title>", escape(feed.title));
    if !feed.subtitle.is_empty() {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(feed.subtitle));
    }
    let _ = writeln!(xml, "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(feed.site_url));
    let _ = writeln!(xml, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>", escape(feed.feed_url));
    let _ = writeln!(xml, "  <id>{}</id>\n  <updated>{updated}</updated>", escape(feed.site_url));
    let author = if feed.author.is_empty() { feed.title } else { feed.author };
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape(author));
    for entry in entries {
        let _ = writeln!(xml, "  <entry>\n    <title>{}</title>", escape(&entry.title));
        let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", escape(&entry.permalink));
        let _ = writeln!(xml, "    <id>{}</id>", escape(&entry.permalink));
        let _ = writeln!(xml, "    <published>{}</published>\n    <updated>{}</updated>", entry.published, entry.updated);
        if let Some(summary) = &entry.summary {
            let _ = writeln!(xml, "    <summary>{}</summary>", escape(summary));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}

/// A page that sends readers (and search engines, through the canonical link) from an old URL to a new one.
pub fn redirect(to: &str, canonical: &str) -> String {
    let (to, canonical) = (escape(to), escape(canonical));
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{to}\">its new address</a>.</p>\n</body>\n</html>\n"
    )
}
