//! Structured data (schema.org JSON-LD) generated from front matter: `MedicalWebPage` for articles, `HowTo`
//! with `HowToStep`s and `totalTime` for stretch pages, `BreadcrumbList` everywhere, `WebSite` on the home page.

use serde::Serialize;

use crate::content::schema::{Stretch, iso_duration};

/// One node of a page's graph, written with `@type` first, straight from the page's data (no JSON tree is
/// built: this runs for every output of the site).
#[derive(Serialize)]
#[serde(tag = "@type")]
pub enum Node<'a> {
    MedicalWebPage {
        name: &'a str,
        url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
        #[serde(rename = "inLanguage")]
        in_language: &'a str,
        publisher: Organization<'a>,
        #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
        date_published: Option<String>,
        #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
        date_modified: Option<String>,
        #[serde(rename = "lastReviewed", skip_serializing_if = "Option::is_none")]
        last_reviewed: Option<String>,
    },
    HowTo {
        name: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
        image: String,
        #[serde(rename = "totalTime", skip_serializing_if = "Option::is_none")]
        total_time: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        tool: Vec<Tool<'a>>,
        step: Vec<Step<'a>>,
    },
    WebSite {
        name: &'a str,
        url: String,
        description: &'a str,
        #[serde(rename = "inLanguage")]
        in_language: &'a str,
    },
    CollectionPage {
        name: &'a str,
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        description: Option<&'a str>,
    },
    BreadcrumbList {
        #[serde(rename = "itemListElement")]
        item_list_element: Vec<ListItem<'a>>,
    },
}

#[derive(Serialize)]
#[serde(tag = "@type")]
pub struct Organization<'a> {
    name: &'a str,
    /// The site's home page: what the organization publishes.
    url: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "HowToTool")]
pub struct Tool<'a> {
    name: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "@type", rename = "HowToStep")]
pub struct Step<'a> {
    position: usize,
    text: &'a str,
    url: String,
}

#[derive(Serialize)]
#[serde(tag = "@type")]
pub struct ListItem<'a> {
    position: usize,
    name: &'a str,
    item: &'a str,
}

/// A breadcrumb trail as (name, absolute URL) pairs, home first.
pub fn breadcrumb_list(crumbs: &[(String, String)]) -> Node<'_> {
    let item_list_element = crumbs.iter().enumerate().map(|(i, (name, item))| ListItem { position: i + 1, name, item }).collect();
    Node::BreadcrumbList { item_list_element }
}

pub struct Article<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub url: &'a str,
    pub language: &'a str,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub last_reviewed: Option<String>,
    pub publisher: &'a str,
    /// The site's home page.
    pub home: &'a str,
}

pub fn medical_web_page<'a>(article: &Article<'a>) -> Node<'a> {
    Node::MedicalWebPage {
        name: article.title,
        url: article.url,
        description: article.description,
        in_language: article.language,
        publisher: Organization { name: article.publisher, url: article.home },
        date_published: article.date.clone(),
        date_modified: article.updated.clone(),
        last_reviewed: article.last_reviewed.clone(),
    }
}

pub fn how_to<'a>(article: &Article<'a>, stretch: &'a Stretch, image_url: String) -> Node<'a> {
    let steps_url = format!("{}#steps", article.url);
    let total = stretch.total_seconds();
    Node::HowTo {
        name: article.title,
        description: article.description,
        image: image_url,
        total_time: (total > 0).then(|| iso_duration(total)),
        tool: stretch.equipment.iter().map(|name| Tool { name }).collect(),
        step: stretch.steps.iter().enumerate().map(|(i, text)| Step { position: i + 1, text, url: steps_url.clone() }).collect(),
    }
}

pub fn website<'a>(name: &'a str, url: String, description: &'a str, language: &'a str) -> Node<'a> {
    Node::WebSite { name, url, description, in_language: language }
}

pub fn collection_page<'a>(name: &'a str, url: String, description: Option<&'a str>) -> Node<'a> {
    Node::CollectionPage { name, url, description }
}

/// The text of a `<script type="application/ld+json">` element holding `nodes`.
pub fn script(nodes: &[Node]) -> String {
    #[derive(Serialize)]
    struct Graph<'n, 'a> {
        #[serde(rename = "@context")]
        context: &'static str,
        #[serde(rename = "@graph")]
        graph: &'n [Node<'a>],
    }
    // A page's graph takes about 1 KB: written into a buffer that size, where `to_string` starts at 128 bytes
    // and grows it three times.
    let mut buffer = Vec::with_capacity(1024);
    serde_json::to_writer(&mut buffer, &Graph { context: "https://schema.org", graph: nodes }).expect("structured data serializes");
    let text = String::from_utf8(buffer).expect("JSON is UTF-8");
    // `<` escaped, so that no text can close the script element.
    if text.contains('<') { text.replace('<', "\\u003c") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_script_element() {
        let text = script(&[collection_page("</script><b>", "https://example.org/".into(), None)]);
        assert!(!text.contains("</"));
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["@graph"][0]["name"], "</script><b>");
    }
}
