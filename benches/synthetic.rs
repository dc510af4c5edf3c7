//! A deterministic synthetic site for benchmarks: N pages of about 5 KB of Markdown each (headings, lists,
//! a table, emphasis, links to other pages), 1-3 tags from a set of 10, spread over 10 sections, with only
//! generic front matter (`title`, `date`, `description`, `tags`), rendered with the embedded default theme.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const SECTIONS: usize = 10;
const TAGS: [&str; 10] = ["anatomy", "posture", "walking", "sleep", "sitting", "strength", "stretching", "pain", "nerves", "habits"];
const WORDS: [&str; 24] = [
    "the", "psoas", "muscle", "runs", "from", "spine", "to", "thigh", "and", "helps", "lift", "leg", "when", "you", "walk", "gently",
    "stretch", "hip", "front", "back", "pain", "often", "eases", "slowly",
];

/// A small deterministic generator (xorshift), so generated sites and edit sequences can be replayed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn words(&mut self, n: usize) -> String {
        let mut text = String::new();
        for i in 0..n {
            if i > 0 {
                text.push(' ');
            }
            text.push_str(self.pick::<&str>(&WORDS));
        }
        text
    }
}

pub fn page_path(i: usize) -> String {
    format!("section-{}/page-{i:05}.md", i % SECTIONS)
}

/// Writes `site.yaml` and `content/` for `pages` pages under `root` (which must be empty).
pub fn generate(root: &Path, pages: usize) {
    fs::create_dir_all(root.join("content")).unwrap();
    fs::write(root.join("site.yaml"), "title: Synthetic\nbase_url: https://example.org/\ndescription: A generated site.\ntaxonomies: [tags]\n").unwrap();
    fs::write(root.join("content/_index.md"), "---\ntitle: Synthetic\n---\nA generated site for benchmarks.\n").unwrap();
    for s in 0..SECTIONS {
        let dir = root.join(format!("content/section-{s}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("_index.md"), format!("---\ntitle: Section {s}\ndescription: Pages of section {s}.\n---\nSection {s}.\n")).unwrap();
    }
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for i in 0..pages {
        fs::write(root.join("content").join(page_path(i)), page(&mut rng, i, pages)).unwrap();
    }
}

/// One page of about 5 KB.
pub fn page(rng: &mut Rng, i: usize, pages: usize) -> String {
    let mut md = String::with_capacity(5600);
    let tags: Vec<&str> = (0..1 + rng.below(3)).map(|k| TAGS[(i + k * 3) % TAGS.len()]).collect();
    let _ = write!(
        md,
        "---\ntitle: \"Page {i}: {}\"\ndate: 2026-{:02}-{:02}\ndescription: \"{}.\"\ntags: [{}]\n---\n",
        rng.words(3),
        1 + rng.below(12),
        1 + rng.below(28),
        rng.words(10),
        tags.join(", ")
    );
    for h in 0..4 {
        let _ = write!(md, "## Part {h}: {} {{#part-{h}}}\n\n", rng.words(3));
        for _ in 0..2 {
            let _ = write!(md, "{} *{}* {} **{}** {}.\n\n", rng.words(40), rng.words(2), rng.words(30), rng.words(2), rng.words(25));
        }
        for _ in 0..3 {
            let _ = writeln!(md, "- {}", rng.words(8));
        }
        md.push('\n');
        if h == 1 {
            md.push_str("| Step | What to do | How long |\n|---|---|---|\n");
            for r in 0..4 {
                let _ = writeln!(md, "| {r} | {} | {} s |", rng.words(5), 10 + rng.below(50));
            }
            md.push('\n');
        }
        let target = rng.below(pages);
        let _ = write!(md, "See also [page {target}](@/{}) and [the start of this part](#part-{h}).\n\n", page_path(target));
    }
    md
}
