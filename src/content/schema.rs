//! The typed front matter of pages and sections. Unknown keys are errors; fields the default theme depends on
//! (the stretch card, sources) have typed homes here rather than living in the untyped `extra` map.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? };
        let leap = date.year.is_multiple_of(4) && (!date.year.is_multiple_of(100) || date.year.is_multiple_of(400));
        let days = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&date.day).then_some(date)
    }

    /// The day (UTC) `days` days after 1970-01-01, by the proleptic Gregorian calendar.
    pub fn from_unix_days(days: i64) -> Date {
        // Counted in 400-year eras from 0000-03-01, so that a leap day ends each year.
        let shifted = days + 719_468;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted.rem_euclid(146_097);
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date { year: year.clamp(0, 9999) as u16, month: month as u8, day: day as u8 }
    }

    /// The day of the build (UTC), or of `SOURCE_DATE_EPOCH` when it is set, so that a build can be made
    /// again byte for byte.
    pub fn today() -> Date {
        let seconds = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
        Date::from_unix_days(seconds.div_euclid(86_400))
    }

    /// RFC 3339 timestamp at midnight UTC, for feeds.
    pub fn rfc3339(&self) -> String {
        format!("{self}T00:00:00Z")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(text.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!("invalid date `{text}`: write a real calendar date as YYYY-MM-DD"))
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Front matter of a page (any `.md` file other than `_index.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub slug: Option<String>,
    /// Terms of the `tags` taxonomy.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Terms of other configured taxonomies, by taxonomy name.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub template: Option<String>,
    /// Old site-relative URLs that redirect to this page.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub stretch: Option<Stretch>,
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

impl PageMeta {
    /// When the page last changed, as far as its dates tell: the latest of `date`, `updated` and
    /// `last_reviewed`.
    pub fn last_modified(&self) -> Option<Date> {
        [self.updated, self.last_reviewed, self.date].into_iter().flatten().max()
    }
}

pub const PAGE_KEYS: &[&str] = &[
    "title", "description", "date", "updated", "last_reviewed", "draft", "weight", "slug", "tags", "taxonomies",
    "template", "aliases", "sources", "stretch", "extra",
];

/// Front matter of a section (`_index.md`); the root `_index.md` is the home page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub template: Option<String>,
    /// Template for the pages of this section that do not name one.
    #[serde(default)]
    pub page_template: Option<String>,
    /// Entries per page of this section's list (see `paginate_by` in site.yaml, which it overrides).
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default)]
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub extra: serde_yaml::Mapping,
}

pub const SECTION_KEYS: &[&str] =
    &["title", "description", "weight", "draft", "template", "page_template", "paginate_by", "last_reviewed", "sources", "extra"];

/// A source an article is based on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub title: String,
    #[serde(default)]
    pub authors: Option<String>,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub year: Option<u16>,
    #[serde(default)]
    pub url: Option<String>,
}

/// The structured description of a stretch or exercise, rendered as the stretch card, the steps, the hold
/// timer and HowTo structured data.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stretch {
    pub kind: StretchKind,
    #[serde(default)]
    pub hold_seconds: Option<u32>,
    #[serde(default)]
    pub reps: Option<u32>,
    #[serde(default = "one")]
    pub sets: u32,
    pub sides: Sides,
    pub frequency: String,
    pub difficulty: Difficulty,
    #[serde(default)]
    pub equipment: Vec<String>,
    #[serde(default)]
    pub skip_if: Vec<String>,
    #[serde(default)]
    pub modify_if: Vec<String>,
    /// Site-relative URL of the illustration, e.g. `/illustrations/half-kneeling.svg`.
    pub image: String,
    pub image_alt: String,
    /// Position in the daily routine, when the move is part of it.
    #[serde(default)]
    pub routine: Option<u32>,
    pub steps: Vec<String>,
}

/// The keys a mapping of the front matter must have, by its path, for reporting all that are missing at once
/// (serde names the first). A test checks them against the types.
pub const REQUIRED_KEYS: &[(&str, &[&str])] = &[("stretch", &["kind", "sides", "frequency", "difficulty", "image", "image_alt", "steps"])];

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StretchKind {
    Stretch,
    Exercise,
    Position,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sides {
    /// One side, then the other.
    Each,
    /// Both sides at once, or not sided.
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Moderate,
    Hard,
}

impl Stretch {
    /// Time under tension: holds x reps x sets, doubled when done on each side.
    pub fn total_seconds(&self) -> u32 {
        let per_rep = self.hold_seconds.unwrap_or(0);
        let sides = if self.sides == Sides::Each { 2 } else { 1 };
        per_rep * self.reps.unwrap_or(1) * self.sets * sides
    }

    /// A short dose line: "Hold 30 s · 2 times each side".
    pub fn dose(&self) -> String {
        let mut parts = Vec::new();
        if let Some(hold) = self.hold_seconds {
            parts.push(format!("Hold {hold} s"));
        }
        let side = match self.sides {
            Sides::Each => " each side",
            Sides::Both => "",
        };
        match (self.reps, self.sets) {
            (Some(reps), sets) if sets > 1 => parts.push(format!("{sets} sets of {reps}{side}")),
            (Some(1), _) if self.sides == Sides::Both => {}
            (Some(reps), _) => parts.push(format!("{reps} {}{side}", if reps == 1 { "time" } else { "times" })),
            (None, _) if self.sides == Sides::Each => parts.push("each side".to_owned()),
            (None, _) => {}
        }
        if parts.is_empty() {
            parts.push(self.frequency.clone());
        }
        parts.join(" · ")
    }
}

/// ISO 8601 duration (`PT2M30S`) for structured data.
pub fn iso_duration(seconds: u32) -> String {
    let (m, s) = (seconds / 60, seconds % 60);
    match (m, s) {
        (0, s) => format!("PT{s}S"),
        (m, 0) => format!("PT{m}M"),
        (m, s) => format!("PT{m}M{s}S"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_1970_are_calendar_days() {
        for (days, day) in [(0, "1970-01-01"), (-1, "1969-12-31"), (11_016, "2000-02-29"), (11_017, "2000-03-01"), (20_790, "2026-12-03"), (2_932_896, "9999-12-31")] {
            assert_eq!(Date::from_unix_days(days).to_string(), day, "{days}");
        }
    }

    #[test]
    fn dates_are_validated() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("2023-13-01").is_none());
        assert!(Date::parse("21-11-2026").is_none());
    }

    #[test]
    fn stretch_dose_and_time() {
        let yaml = "kind: stretch\nhold_seconds: 30\nreps: 2\nsides: each\nfrequency: Daily\ndifficulty: easy\nimage: /a.svg\nimage_alt: A\nsteps: [x]\n";
        let stretch: Stretch = serde_yaml::from_str(yaml).unwrap();
        assert_eq!(stretch.total_seconds(), 120);
        assert_eq!(stretch.dose(), "Hold 30 s · 2 times each side");
        assert_eq!(iso_duration(stretch.total_seconds()), "PT2M");
        assert_eq!(iso_duration(150), "PT2M30S");
    }

    #[test]
    fn the_required_keys_of_a_stretch_are_those_its_type_requires() {
        let (_, required) = REQUIRED_KEYS.iter().find(|(path, _)| *path == "stretch").unwrap();
        let values = [("kind", "stretch"), ("sides", "each"), ("frequency", "Daily"), ("difficulty", "easy"), ("image", "/a.svg"), ("image_alt", "A"), ("steps", "[x]")];
        assert_eq!(values.map(|(k, _)| k).as_slice(), *required);
        let yaml = |without: Option<&str>| values.iter().filter(|(k, _)| Some(*k) != without).map(|(k, v)| format!("{k}: {v}\n")).collect::<String>();
        // Those keys are enough: every other key has a default.
        serde_yaml::from_str::<Stretch>(&yaml(None)).unwrap();
        // And each is needed.
        for key in *required {
            let error = serde_yaml::from_str::<Stretch>(&yaml(Some(key))).unwrap_err().to_string();
            assert!(error.contains(&format!("missing field `{key}`")), "{key}: {error}");
        }
    }
}
