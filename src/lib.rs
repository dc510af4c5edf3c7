//! psoas: a static site generator for clear, checked, accessible health content.
//!
//! The pipeline, in the order a build runs it: [`config`] and [`content`] are loaded into a [`site::Site`],
//! [`markdown`] and [`templates`] render it ([`render`]), [`check`] verifies every link and anchor, and
//! [`output`] swaps the result in atomically.

pub mod check;
pub mod cmd;
pub mod config;
pub mod content;
pub mod css;
pub mod context;
pub mod diagnostics;
pub mod feeds;
pub mod ignore;
pub mod images;
pub mod incremental;
pub mod jsonld;
pub mod markdown;
pub mod output;
pub mod render;
pub mod serve;
pub mod site;
pub mod summary;
pub mod template_reads;
pub mod templates;
pub mod urls;
pub mod watch;
pub mod workspace;

/// Hash maps and sets keyed by the site's own paths, URLs and dependency keys. FxHash is several times faster
/// than the standard library's SipHash on such short keys, and the keys come from the author's own files, so
/// there is no attacker whose collisions SipHash would need to resist.
pub type HashMap<K, V> = rustc_hash::FxHashMap<K, V>;
pub type HashSet<T> = rustc_hash::FxHashSet<T>;

/// How many items of a parallel loop over pages, files or outputs make one unit of work. Rayon's default split
/// hands each core a few large batches, and the core that draws the slowest one finishes alone; batches this
/// small can be taken over by whichever core is free, at a cost far below one page's work.
pub const BATCH: usize = 16;
