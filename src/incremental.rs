//! What changed between two builds, for incremental rendering: which files' Markdown can be reused, whether
//! the site's layout (pages, URLs, templates, terms) is as it was and which lists were reordered, which
//! templates changed, and which dependency keys (see `context::Shared::dependencies`) now have different
//! values.

use std::sync::Arc;

use crate::content::SourceFile;
use crate::content::schema::Date;
use crate::context::Task;
use crate::markdown::Rendered;
use crate::render::{CARD_TEMPLATE, Previous};
use crate::site::Site;
use crate::summary::{SUMMARY_FIELDS, Summary};
use crate::templates;
use crate::{HashMap, HashSet};

/// Dependency keys, in one buffer, each with its hash: a rebuild checks every output's keys against the
/// changed ones (hundreds of thousands of keys in a large site), and keys side by side in memory, made without
/// an allocation each and compared by hash first, keep that check fast.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KeyList {
    text: String,
    ends: Vec<u32>,
    hashes: Vec<u64>,
}

impl KeyList {
    /// Adds the key made of `parts`, joined.
    pub fn key(&mut self, parts: &[&str]) {
        let start = self.text.len();
        for part in parts {
            self.text.push_str(part);
        }
        self.hashes.push(key_hash(&self.text[start..]));
        self.ends.push(u32::try_from(self.text.len()).expect("dependency keys of one output fit in 4 GiB"));
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }
}

impl<S: AsRef<str>> FromIterator<S> for KeyList {
    fn from_iter<I: IntoIterator<Item = S>>(keys: I) -> KeyList {
        let mut list = KeyList::default();
        for key in keys {
            list.key(&[key.as_ref()]);
        }
        list
    }
}

fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// The keys whose values changed (see `changed_keys`).
pub(crate) struct KeySet {
    keys: HashSet<String>,
    /// Their hashes, sorted.
    hashes: Vec<u64>,
    /// One bit for each value of the top `FILTER_BITS` bits of a hash, set for these keys' hashes: a rebuild
    /// tests every key of every output, and almost none of them changed, so most are ruled out by one bit.
    filter: Vec<u64>,
}

const FILTER_BITS: u32 = 16;

/// The bit of `filter` for a hash: its top bits, which Fx hashing mixes best.
fn filter_slot(hash: u64) -> usize {
    (hash >> (64 - FILTER_BITS)) as usize
}

impl KeySet {
    pub(crate) fn new(keys: HashSet<String>) -> KeySet {
        let mut hashes: Vec<u64> = keys.iter().map(|k| key_hash(k)).collect();
        hashes.sort_unstable();
        let mut filter = vec![0u64; 1 << (FILTER_BITS - 6)];
        for &h in &hashes {
            filter[filter_slot(h) / 64] |= 1 << (filter_slot(h) % 64);
        }
        KeySet { keys, hashes, filter }
    }

    fn may_hold(&self, hash: u64) -> bool {
        self.filter[filter_slot(hash) / 64] & (1 << (filter_slot(hash) % 64)) != 0
    }

    /// Whether `list` holds any of these keys.
    pub(crate) fn meets(&self, list: &KeyList) -> bool {
        list.hashes.iter().enumerate().any(|(i, &h)| self.may_hold(h) && self.hashes.binary_search(&h).is_ok() && self.keys.contains(list.get(i)))
    }
}

/// Where the page at `i` of a new build, from `src`, is in the previous build `old`: in its place, where
/// almost every page of a rebuild is, else found by its source path.
pub(crate) fn old_index(old: &Site, i: usize, src: &str) -> Option<usize> {
    match old.pages.get(i) {
        Some(p) if p.file.rel_path == src => Some(i),
        _ => old.page_index.get(src).copied(),
    }
}

/// Whether a page's file was edited between two builds (a page not read again is the same `Arc`).
fn text_changed(old: &Arc<crate::content::Page>, new: &Arc<crate::content::Page>) -> bool {
    !Arc::ptr_eq(old, new) && old.file.text != new.file.text
}

/// The pages of `old` that `new` does not have (in its place or elsewhere).
fn gone_pages<'a>(old: &'a Site, new: &'a Site) -> impl Iterator<Item = &'a str> {
    old.pages.iter().enumerate().filter(move |&(j, p)| old_index(new, j, &p.file.rel_path).is_none()).map(|(_, p)| p.file.rel_path.as_str())
}

/// When a file's Markdown can be taken from the previous build.
pub(crate) struct MarkdownReuse<'a> {
    pub(crate) previous: &'a Previous<'a>,
    old_sections: HashMap<&'a str, usize>,
    new: &'a Site,
    /// Every image has the size it had, and the files kept beside the pages under content/ (which relative
    /// links name) are those there were.
    pub(crate) images_unchanged: bool,
    /// Every content file has the URL it had (so no link target moved).
    urls_unchanged: bool,
    card_template_changed: bool,
    /// The ids the templates write are as they were: headings' ids step around them.
    theme_ids_unchanged: bool,
    /// Content files whose text changed (or that appeared or disappeared).
    changed_files: HashSet<&'a str>,
}

impl<'a> MarkdownReuse<'a> {
    /// `same_layout`: every content file has the URL it had (see `Layout`).
    pub(crate) fn new(previous: &'a Previous<'a>, new: &'a Site, changed_templates: &HashSet<String>, same_layout: bool) -> MarkdownReuse<'a> {
        let old = previous.site;
        let old_sections = old.sections.iter().enumerate().map(|(i, s)| (s.file.rel_path.as_str(), i)).collect();
        let mut changed_files: HashSet<&str> = new
            .pages
            .iter()
            .enumerate()
            .filter(|&(i, p)| old_index(old, i, &p.file.rel_path).is_none_or(|j| text_changed(&old.pages[j], p)))
            .map(|(_, p)| p.file.rel_path.as_str())
            .collect();
        changed_files.extend(gone_pages(old, new));
        MarkdownReuse {
            previous,
            old_sections,
            new,
            images_unchanged: old.image_sizes == new.image_sizes && assets(old).eq(assets(new)),
            urls_unchanged: same_layout || old.urls == new.urls,
            card_template_changed: changed_templates.contains(CARD_TEMPLATE),
            theme_ids_unchanged: changed_templates.is_empty() || old.templates.literal_ids() == new.templates.literal_ids(),
            changed_files,
        }
    }

    /// The previous build's Markdown of the page at `i` (from `src`), and the text it was rendered from: the
    /// page is looked for in its place first, where almost every page is, then by its source path.
    pub(crate) fn old_page(&self, i: usize, src: &str) -> Option<(&'a Arc<Rendered>, &'a Arc<str>)> {
        let old = self.previous.site;
        let j = old_index(old, i, src)?;
        Some((&self.previous.rendered.pages[j], &old.pages[j].file.text))
    }

    pub(crate) fn old_section(&self, src: &str) -> Option<(&'a Arc<Rendered>, &'a Arc<str>)> {
        self.old_sections.get(src).map(|&j| (&self.previous.rendered.sections[j], &self.previous.site.sections[j].file.text))
    }

    /// Whether `old`, rendered from `old_text`, is what `file` renders to now.
    pub(crate) fn can_reuse(&self, file: &SourceFile, old_text: &Arc<str>, old: &Rendered) -> bool {
        let old_site = self.previous.site;
        (Arc::ptr_eq(old_text, &file.text) || *old_text == file.text)
            && self.images_unchanged
            && self.theme_ids_unchanged
            && !(old.uses_card && self.card_template_changed)
            // A `#` heading is an error only under a template that shows the title as the h1.
            && !(old.has_h1 && old_site.title_is_h1(&file.rel_path) != self.new.title_is_h1(&file.rel_path))
            && old.links_to.iter().all(|target| {
                (self.urls_unchanged || old_site.urls.get(target) == self.new.urls.get(target)) && !(old.uses_card && self.changed_files.contains(target.as_str()))
            })
    }
}

/// The files kept under content/ beside the pages, which relative links in Markdown may name.
fn assets(site: &Site) -> impl Iterator<Item = (&str, &str)> {
    site.static_files.iter().filter_map(|f| Some((f.content_path()?, f.path.as_str())))
}

/// Whether the sitemap's dates are as they were (with the same layout, so the same URLs).
pub(crate) fn sitemap_unchanged(old: &Site, new: &Site) -> bool {
    old.pages.iter().zip(&new.pages).all(|(a, b)| Arc::ptr_eq(a, b) || a.meta.last_modified() == b.meta.last_modified())
        && old.sections.iter().zip(&new.sections).all(|(a, b)| a.meta.last_reviewed == b.meta.last_reviewed)
}

/// Whether what the feed shows of each page is as it was (with the same layout).
pub(crate) fn feed_unchanged(old: &Site, new: &Site) -> bool {
    fn shown(p: &crate::content::Page) -> (Option<Date>, Option<Date>, Option<Date>, &str, Option<&str>) {
        (p.meta.date, p.meta.updated, p.meta.last_reviewed, &p.meta.title, p.meta.description.as_deref())
    }
    // A section's `last_reviewed` dates a feed that has no entries.
    old.pages.iter().zip(&new.pages).all(|(a, b)| Arc::ptr_eq(a, b) || shown(a) == shown(b)) && old.sections.iter().zip(&new.sections).all(|(a, b)| a.meta.last_reviewed == b.meta.last_reviewed)
}

/// How a build's structure compares with the previous one's, when the two have the same pages, sections,
/// URLs, templates and taxonomy terms, so that every output is where it was. Lists in which pages moved
/// (a new title moved a page among others of the same weight or date) are marked: an output that shows one
/// of them may show other pages now, so its dependencies must be worked out again; every other output's are as
/// they were.
pub(crate) struct Layout {
    reordered_sections: Vec<bool>,
    /// By taxonomy, then term.
    reordered_terms: Vec<Vec<bool>>,
}

impl Layout {
    /// The same layout, `None` when the structure changed in any other way than lists reordered.
    pub(crate) fn compare(old: &Site, new: &Site) -> Option<Layout> {
        let page = |a: &crate::content::Page, b: &crate::content::Page| {
            a.file.rel_path == b.file.rel_path && a.path == b.path && a.meta.template == b.meta.template && a.meta.aliases == b.meta.aliases
        };
        let section = |a: &crate::content::Section, b: &crate::content::Section| {
            a.file.rel_path == b.file.rel_path && a.path == b.path && a.meta.template == b.meta.template && a.meta.page_template == b.meta.page_template && a.meta.paginate_by == b.meta.paginate_by
        };
        let terms = |a: &crate::site::Taxonomy, b: &crate::site::Taxonomy| {
            a.name == b.name && a.terms.len() == b.terms.len() && a.terms.iter().zip(&b.terms).all(|(x, y)| x.slug == y.slug && x.name == y.name)
        };
        let same = old.pages.len() == new.pages.len()
            && old.pages.iter().zip(&new.pages).all(|(a, b)| Arc::ptr_eq(a, b) || page(a, b))
            && old.sections.len() == new.sections.len()
            && old.sections.iter().zip(&new.sections).all(|(a, b)| section(a, b))
            && old.page_section == new.page_section
            && old.subsections == new.subsections
            && old.taxonomies.len() == new.taxonomies.len()
            && old.taxonomies.iter().zip(&new.taxonomies).all(|(a, b)| terms(a, b));
        if !same {
            return None;
        }
        // A list whose pages differ: reordered if it holds the same pages, else the structure changed.
        let reordered = |a: &[usize], b: &[usize]| -> Option<bool> {
            if a == b {
                return Some(false);
            }
            let sorted = |list: &[usize]| {
                let mut list = list.to_vec();
                list.sort_unstable();
                list
            };
            (sorted(a) == sorted(b)).then_some(true)
        };
        let reordered_sections = old.section_pages.iter().zip(&new.section_pages).map(|(a, b)| reordered(a, b)).collect::<Option<Vec<bool>>>()?;
        let reordered_terms = old
            .taxonomies
            .iter()
            .zip(&new.taxonomies)
            .map(|(a, b)| a.terms.iter().zip(&b.terms).map(|(x, y)| reordered(&x.pages, &y.pages)).collect::<Option<Vec<bool>>>())
            .collect::<Option<Vec<_>>>()?;
        Some(Layout { reordered_sections, reordered_terms })
    }

    /// Whether `task`'s output shows a list that was reordered (see `Shared::dependencies`: a page shows its
    /// neighbours in its section, a section its own list and its subsections', a term its list).
    pub(crate) fn shows_reordered(&self, site: &Site, task: Task) -> bool {
        match task {
            Task::Page(i) => self.reordered_sections[site.page_section[i]],
            Task::Section(i, _) => self.reordered_sections[i] || site.subsections[i].iter().any(|&s| self.reordered_sections[s]),
            Task::Term(t, j, _) => self.reordered_terms[t][j],
            Task::TaxonomyList(_) | Task::NotFound => false,
        }
    }
}

/// Names of templates whose text changed, appeared or disappeared, and every template that uses them.
pub(crate) fn changed_templates(old: &templates::TemplateSet, new: &templates::TemplateSet) -> HashSet<String> {
    let old_map: HashMap<&str, &str> = old.sources.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    let new_map: HashMap<&str, &str> = new.sources.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    let mut changed: HashSet<String> = new_map.iter().filter(|(n, s)| old_map.get(*n) != Some(*s)).map(|(n, _)| n.to_string()).collect();
    changed.extend(old_map.keys().filter(|n| !new_map.contains_key(*n)).map(|n| n.to_string()));
    if changed.contains(crate::context::NAV_TEMPLATE) {
        // Every output can show the menu (as `nav_html`), whichever template it uses.
        changed.extend(new.sources.iter().map(|(name, _)| name.clone()));
    }
    if changed.is_empty() { changed } else { templates::dependents(new, &changed) }
}

fn section_list(site: &Site, i: usize) -> Vec<&str> {
    site.section_pages[i].iter().map(|&p| site.pages[p].file.rel_path.as_str()).collect()
}

/// The dependency keys whose values differ between the previous build and this one:
/// `p:SRC` a page's summary, `p:SRC#FIELD` one field of it, `c:SRC` its content, `f:SRC` its file's text (its
/// whole front matter, which its own page shows), `s:SRC` a section's own
/// values, `list:SRC` a section's page list (which pages, or any field of their summaries), `list:SRC#members`
/// which pages it lists, in what order, `list:SRC#len` how many, `list:SRC#FIELD` that field of a listed page,
/// `nav` the menu, `url:SRC` a content file's URL, `tax:NAME` a taxonomy's terms, `term:NAME/SLUG` (with `#members` and
/// `#FIELD`) a term's pages as for sections, `term:NAME/SLUG#name` the term's name as shown, `all-pages` any page
/// summary. (`n:before:SRC` and `n:after:SRC`, which page a page's neighbour on each side is, are never
/// changed: another neighbour is another key.)
pub(crate) fn changed_keys(previous: &Previous, site: &Site, pages: &[Arc<Rendered>], sections: &[Arc<Rendered>], summaries: &[Arc<Summary>], nav: &[(String, String, String)], same_layout: bool) -> HashSet<String> {
    let old = previous.site;
    let old_r = previous.rendered;
    let mut changed = HashSet::default();
    // The summary fields that changed, by page.
    let mut summary_changed: HashMap<&str, Vec<&str>> = HashMap::default();
    for (i, page) in site.pages.iter().enumerate() {
        let src = page.file.rel_path.as_str();
        match old_index(old, i, src) {
            Some(j) => {
                let (a, b) = (&old_r.summaries[j], &summaries[i]);
                if !Arc::ptr_eq(a, b) && a != b {
                    summary_changed.insert(src, SUMMARY_FIELDS.into_iter().filter(|f| a.field(f) != b.field(f)).collect());
                }
                let same_content = Arc::ptr_eq(&old_r.pages[j], &pages[i]) || (old_r.pages[j].html == pages[i].html && old_r.pages[j].toc == pages[i].toc);
                if !same_content {
                    changed.insert(format!("c:{src}"));
                }
                if text_changed(&old.pages[j], page) {
                    changed.insert(format!("f:{src}"));
                }
            }
            None => {
                summary_changed.insert(src, SUMMARY_FIELDS.to_vec());
                changed.insert(format!("c:{src}"));
                changed.insert(format!("f:{src}"));
            }
        }
    }
    for src in gone_pages(old, site) {
        summary_changed.insert(src, SUMMARY_FIELDS.to_vec());
        changed.insert(format!("c:{src}"));
    }
    if !summary_changed.is_empty() {
        changed.insert("all-pages".to_owned());
    }
    for (src, fields) in &summary_changed {
        changed.insert(format!("p:{src}"));
        changed.extend(fields.iter().map(|f| format!("p:{src}#{f}")));
    }
    // A list that is new or gone has `old` or `members` empty.
    let list_changed = |changed: &mut HashSet<String>, key: String, old: &[&str], members: &[&str]| {
        let fields: HashSet<&str> = members.iter().filter_map(|m| summary_changed.get(m)).flatten().copied().collect();
        let members_changed = old != members;
        if members_changed {
            changed.insert(format!("{key}#members"));
            if old.len() != members.len() {
                changed.insert(format!("{key}#len"));
            }
        }
        changed.extend(fields.iter().map(|f| format!("{key}#{f}")));
        if members_changed || !fields.is_empty() {
            changed.insert(key);
        }
    };
    let old_sections: HashMap<&str, usize> = old.sections.iter().enumerate().map(|(i, s)| (s.file.rel_path.as_str(), i)).collect();
    for (i, section) in site.sections.iter().enumerate() {
        let src = section.file.rel_path.as_str();
        let members = section_list(site, i);
        match old_sections.get(src) {
            Some(&j) => {
                if old.section_head(j, &old_r.sections[j]) != site.section_head(i, &sections[i]) {
                    changed.insert(format!("s:{src}"));
                }
                list_changed(&mut changed, format!("list:{src}"), &section_list(old, j), &members);
            }
            None => {
                changed.insert(format!("s:{src}"));
                list_changed(&mut changed, format!("list:{src}"), &[], &members);
            }
        }
    }
    for (src, &j) in &old_sections {
        if !site.sections.iter().any(|s| s.file.rel_path == *src) {
            changed.insert(format!("s:{src}"));
            list_changed(&mut changed, format!("list:{src}"), &section_list(old, j), &[]);
        }
    }
    if old.nav() != nav {
        changed.insert("nav".to_owned());
    }
    // With the same layout, URLs are as they were.
    for (src, url) in site.urls.iter().filter(|_| !same_layout) {
        if old.urls.get(src) != Some(url) {
            changed.insert(format!("url:{src}"));
        }
    }
    for src in old.urls.keys().filter(|s| !same_layout && !site.urls.contains_key(*s)) {
        changed.insert(format!("url:{src}"));
    }
    for taxonomy in &site.taxonomies {
        let old_tax = old.taxonomies.iter().find(|t| t.name == taxonomy.name);
        let terms = |t: &crate::site::Taxonomy| t.terms.iter().map(|term| (term.name.clone(), term.slug.clone(), term.pages.len())).collect::<Vec<_>>();
        if old_tax.map(terms) != Some(terms(taxonomy)) {
            changed.insert(format!("tax:{}", taxonomy.name));
        }
        for term in &taxonomy.terms {
            let members: Vec<&str> = term.pages.iter().map(|&p| site.pages[p].file.rel_path.as_str()).collect();
            let old_term = old_tax.and_then(|t| t.terms.iter().find(|o| o.slug == term.slug));
            if old_term.is_none_or(|o| o.name != term.name) {
                changed.insert(format!("term:{}/{}#name", taxonomy.name, term.slug));
            }
            let old_members: Vec<&str> = old_term.map_or_else(Vec::new, |o| o.pages.iter().map(|&p| old.pages[p].file.rel_path.as_str()).collect());
            list_changed(&mut changed, format!("term:{}/{}", taxonomy.name, term.slug), &old_members, &members);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_meets_exactly_the_lists_that_hold_one_of_its_keys() {
        let pool: Vec<String> = (0..4000).map(|k| format!("p:section-{}/page-{k:05}.md#title", k % 10)).collect();
        for changed_count in [0, 1, 3, 50, 2000] {
            let changed: HashSet<String> = pool.iter().step_by(7).take(changed_count).cloned().collect();
            let set = KeySet::new(changed.clone());
            for start in (0..pool.len()).step_by(13) {
                let keys = &pool[start..(start + 20).min(pool.len())];
                let list: KeyList = keys.iter().collect();
                assert_eq!(set.meets(&list), keys.iter().any(|k| changed.contains(k)), "{changed_count} changed, list from {start}");
            }
        }
        // A key that only shares a prefix, or differs in its last byte, is not a changed key.
        let set = KeySet::new(HashSet::from_iter(["p:a.md#title".to_owned()]));
        assert!(set.meets(&["x", "p:a.md#title"].into_iter().collect()));
        assert!(!set.meets(&["p:a.md#titl", "p:a.md#titlf", "p:a.md#title "].into_iter().collect()));
    }
}
