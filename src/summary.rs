//! Page summaries: what listings, a page's neighbours and the lookup functions show of a page. A build keeps
//! one for every page until it ends, so a summary is held compactly, and made into a template value only when
//! a template shows it, with only the fields that template can read (see `template_reads`).
//!
//! As template values (`serde_json` objects, a B-tree each), the summaries of 10,000 pages took 39 MB: four
//! in ten bytes of a build's heap, most of them tree nodes rather than text.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::HashSet;

/// The fields of a page summary, in alphabetical order (the order of a template value's keys, so that one is
/// built without sorting them). A listing depends on each field of its pages' summaries that its template can
/// read (see `template_reads`), and on no other.
pub const SUMMARY_FIELDS: [&str; 13] = ["date", "description", "last_reviewed", "path", "permalink", "reading_time", "stretch", "taxonomies", "title", "updated", "url", "weight", "word_count"];

/// Where `taxonomies` is in `SUMMARY_FIELDS`: held apart, since as a value it is a tree of small objects.
const TAXONOMIES: usize = 7;

/// Where `path` is in `SUMMARY_FIELDS`.
const PATH: usize = 3;

/// One taxonomy's terms on a page: the taxonomy's name, and each term's name and URL.
pub type Terms = (String, Vec<(String, String)>);

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The value of each field of `SUMMARY_FIELDS` in that order, but `Null` for `taxonomies`...
    values: [Value; SUMMARY_FIELDS.len()],
    /// ...which are here, in the site's order of taxonomies.
    taxonomies: Vec<Terms>,
}

impl Summary {
    /// A summary from the value of each field of `SUMMARY_FIELDS` but `taxonomies`, named and in that order,
    /// and from the page's terms.
    pub fn new(fields: [(&str, Value); SUMMARY_FIELDS.len() - 1], taxonomies: Vec<Terms>) -> Summary {
        let mut fields = fields.into_iter();
        let values = std::array::from_fn(|k| {
            if k == TAXONOMIES {
                return Value::Null;
            }
            let (name, value) = fields.next().expect("one value for each field but taxonomies");
            assert_eq!(name, SUMMARY_FIELDS[k], "summary fields are given in the order of SUMMARY_FIELDS");
            value
        });
        Summary { values, taxonomies }
    }

    /// Field `name`, as a template sees it; `None` if a summary has no such field.
    pub fn field(&self, name: &str) -> Option<Cow<'_, Value>> {
        let k = SUMMARY_FIELDS.iter().position(|f| *f == name)?;
        Some(self.value_at(k))
    }

    fn value_at(&self, k: usize) -> Cow<'_, Value> {
        if k == TAXONOMIES { Cow::Owned(self.taxonomies_value()) } else { Cow::Borrowed(&self.values[k]) }
    }

    /// The value at `path` (`stretch.routine`): null where a step is missing.
    pub fn dotted(&self, path: &str) -> Cow<'_, Value> {
        let (first, rest) = path.split_once('.').unwrap_or((path, ""));
        match self.field(first) {
            Some(Cow::Borrowed(value)) => walk(value, rest).map_or(Cow::Owned(Value::Null), Cow::Borrowed),
            Some(Cow::Owned(value)) => Cow::Owned(walk(&value, rest).cloned().unwrap_or(Value::Null)),
            None => Cow::Owned(Value::Null),
        }
    }

    /// The summary as a template that reads only the fields among `fields` (any, for `None`) sees it: an
    /// object of those fields. The template sees the same values as in the whole summary, and the value
    /// leaves out the rest (taxonomies and dates, mostly), which listings of thousands of pages spent most
    /// of their time copying.
    pub fn value(&self, fields: Option<&HashSet<String>>) -> Value {
        let mut map: Map<String, Value> = SUMMARY_FIELDS
            .iter()
            .enumerate()
            .filter(|(_, name)| fields.is_none_or(|fields| fields.contains(**name)))
            .map(|(k, name)| ((*name).to_owned(), self.value_at(k).into_owned()))
            .collect();
        if map.is_empty() {
            // An empty object tests false, as a summary does not (`{% if prev %}`): one field the template
            // does not read keeps it true.
            map.insert(SUMMARY_FIELDS[PATH].to_owned(), self.values[PATH].clone());
        }
        Value::Object(map)
    }

    /// `{"tags": [{"name": "Hips", "url": "/tags/hips/"}, ...], ...}`, every taxonomy named.
    fn taxonomies_value(&self) -> Value {
        let term = |(name, url): &(String, String)| Value::Object(Map::from_iter([("name".to_owned(), name.as_str().into()), ("url".to_owned(), url.as_str().into())]));
        Value::Object(self.taxonomies.iter().map(|(taxonomy, terms)| (taxonomy.clone(), Value::Array(terms.iter().map(term).collect()))).collect())
    }
}

/// The value at `path` (`a.b`, or `""` for `value` itself) under `value`.
fn walk<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() { Some(value) } else { path.split('.').try_fold(value, |v, key| v.get(key)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Summary {
        let fields = [
            ("date", "2026-01-02".into()),
            ("description", Value::Null),
            ("last_reviewed", Value::Null),
            ("path", "s/hip.md".into()),
            ("permalink", "https://example.org/s/hip/".into()),
            ("reading_time", 3.into()),
            ("stretch", json!({"routine": 2, "dose": "3 x 30 s"})),
            ("title", "Hip flexor stretch".into()),
            ("updated", Value::Null),
            ("url", "/s/hip/".into()),
            ("weight", 3.into()),
            ("word_count", 420.into()),
        ];
        Summary::new(fields, vec![("tags".into(), vec![("Hips".into(), "/tags/hips/".into()), ("Desk work".into(), "/tags/desk-work/".into())]), ("areas".into(), Vec::new())])
    }

    #[test]
    fn a_summary_shows_as_the_object_it_stands_for() {
        let whole = json!({
            "title": "Hip flexor stretch", "description": null, "url": "/s/hip/", "permalink": "https://example.org/s/hip/",
            "path": "s/hip.md", "date": "2026-01-02", "updated": null, "last_reviewed": null, "weight": 3, "word_count": 420,
            "reading_time": 3, "stretch": {"routine": 2, "dose": "3 x 30 s"},
            "taxonomies": {"tags": [{"name": "Hips", "url": "/tags/hips/"}, {"name": "Desk work", "url": "/tags/desk-work/"}], "areas": []},
        });
        let summary = sample();
        assert_eq!(summary.value(None), whole);
        for name in SUMMARY_FIELDS {
            assert_eq!(summary.field(name).as_deref(), whole.get(name), "{name}");
        }
        assert_eq!(summary.field("content"), None);
    }

    #[test]
    fn a_template_gets_only_the_fields_it_reads() {
        let reads: HashSet<String> = ["title", "taxonomies", "loop", "p"].into_iter().map(String::from).collect();
        let value = sample().value(Some(&reads));
        assert_eq!(value, json!({"title": "Hip flexor stretch", "taxonomies": {"tags": [{"name": "Hips", "url": "/tags/hips/"}, {"name": "Desk work", "url": "/tags/desk-work/"}], "areas": []}}));
        // A template that reads no field still finds the summary there, and true.
        assert_eq!(sample().value(Some(&HashSet::default())), json!({"path": "s/hip.md"}));
    }

    #[test]
    fn dotted_paths_reach_into_fields() {
        let summary = sample();
        assert_eq!(*summary.dotted("stretch.routine"), json!(2));
        assert_eq!(*summary.dotted("taxonomies.tags.1.name"), Value::Null, "arrays are not indexed by `get`");
        assert_eq!(*summary.dotted("taxonomies.areas"), json!([]));
        assert_eq!(*summary.dotted("stretch.missing.deeper"), Value::Null);
        assert_eq!(*summary.dotted("title"), json!("Hip flexor stretch"));
        assert_eq!(*summary.dotted("nothing"), Value::Null);
    }

    #[test]
    fn the_fields_are_in_alphabetical_order() {
        assert!(SUMMARY_FIELDS.windows(2).all(|w| w[0] < w[1]), "{SUMMARY_FIELDS:?}");
        assert_eq!((SUMMARY_FIELDS[TAXONOMIES], SUMMARY_FIELDS[PATH]), ("taxonomies", "path"));
    }

    #[test]
    #[should_panic(expected = "order of SUMMARY_FIELDS")]
    fn fields_out_of_order_are_a_bug() {
        let mut fields: [(&str, Value); 12] = std::array::from_fn(|k| (SUMMARY_FIELDS[if k < TAXONOMIES { k } else { k + 1 }], Value::Null));
        fields.swap(0, 1);
        Summary::new(fields, Vec::new());
    }
}
