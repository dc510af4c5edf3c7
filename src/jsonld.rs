//! Structured data (schema.org JSON-LD) generated from front matter: `MedicalWebPage` for articles, `HowTo`
//! with `HowToStep`s and `totalTime` for stretch pages, `BreadcrumbList` everywhere, `WebSite` on the home page.

use serde_json::{Value, json};

use crate::content::schema::{Stretch, iso_duration};

/// A breadcrumb trail as (name, absolute URL) pairs, home first.
pub fn breadcrumb_list(crumbs: &[(String, String)]) -> Value {
    let items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": url}))
        .collect();
    let mut value = json!({"@type": "BreadcrumbList"});
    value["itemListElement"] = items.into(); // moved in: `json!` would copy the list
    value
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
}

pub fn medical_web_page(article: &Article) -> Value {
    let mut value = json!({
        "@type": "MedicalWebPage",
        "name": article.title,
        "url": article.url,
        "inLanguage": article.language,
        "publisher": {"@type": "Organization", "name": article.publisher},
    });
    let object = value.as_object_mut().expect("a JSON object");
    if let Some(description) = article.description {
        object.insert("description".into(), description.into());
    }
    for (key, date) in [("datePublished", &article.date), ("dateModified", &article.updated), ("lastReviewed", &article.last_reviewed)] {
        if let Some(date) = date {
            object.insert(key.into(), date.as_str().into());
        }
    }
    value
}

pub fn how_to(article: &Article, stretch: &Stretch, image_url: &str) -> Value {
    let steps: Vec<Value> = stretch
        .steps
        .iter()
        .enumerate()
        .map(|(i, text)| json!({"@type": "HowToStep", "position": i + 1, "text": text, "url": format!("{}#steps", article.url)}))
        .collect();
    let mut value = json!({
        "@type": "HowTo",
        "name": article.title,
        "image": image_url,
    });
    let object = value.as_object_mut().expect("a JSON object");
    object.insert("step".into(), steps.into());
    if let Some(description) = article.description {
        object.insert("description".into(), description.into());
    }
    let total = stretch.total_seconds();
    if total > 0 {
        object.insert("totalTime".into(), iso_duration(total).into());
    }
    if !stretch.equipment.is_empty() {
        let tools: Vec<Value> = stretch.equipment.iter().map(|e| json!({"@type": "HowToTool", "name": e})).collect();
        object.insert("tool".into(), tools.into());
    }
    value
}

pub fn website(name: &str, url: &str, description: &str, language: &str) -> Value {
    json!({"@type": "WebSite", "name": name, "url": url, "description": description, "inLanguage": language})
}

pub fn collection_page(name: &str, url: &str, description: Option<&str>) -> Value {
    let mut value = json!({"@type": "CollectionPage", "name": name, "url": url});
    if let Some(description) = description {
        value["description"] = description.into();
    }
    value
}

/// Serializes a graph for a `<script type="application/ld+json">`, escaping `<` so no text can close it.
pub fn script(nodes: Vec<Value>) -> String {
    let mut graph = json!({"@context": "https://schema.org"});
    graph["@graph"] = nodes.into();
    let text = serde_json::to_string(&graph).expect("JSON values serialize");
    if text.contains('<') { text.replace('<', "\\u003c") } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_text_cannot_close_the_script_element() {
        let text = script(vec![json!({"name": "</script><b>"})]);
        assert!(!text.contains("</"));
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["@graph"][0]["name"], "</script><b>");
    }
}
