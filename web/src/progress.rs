//! Lesson progress kept in `localStorage`: which lessons were opened, so the lesson list can
//! mark them after a reload.
//!
//! Stored as a JSON array of slugs (`["topics-partitions-keys","isr-high-watermark"]`), written
//! and read by hand: a slug is lowercase letters, digits and hyphens, so no escaping is needed,
//! and serde_json cost the playground's WebAssembly far more than these few lines.

use crate::session::{load, save};

const KEY: &str = "kplay.progress.v1";

/// The slugs of the lessons opened so far (anything unreadable counts as none).
pub fn visited() -> Vec<String> {
    load(KEY)
        .and_then(|text| parse_slugs(&text))
        .unwrap_or_default()
}

/// Marks a lesson as opened.
pub fn mark_visited(slug: &str) {
    let mut slugs = visited();
    if !slugs.iter().any(|s| s == slug) && is_slug(slug) {
        slugs.push(slug.to_owned());
        let _ = save(KEY, Some(&write_slugs(&slugs)));
    }
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

/// The JSON array of `slugs`.
fn write_slugs(slugs: &[String]) -> String {
    let quoted: Vec<String> = slugs.iter().map(|slug| format!("\"{slug}\"")).collect();
    format!("[{}]", quoted.join(","))
}

/// The slugs of a JSON array of slugs; `None` for anything else.
fn parse_slugs(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    if inner.is_empty() {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|item| {
            let slug = item.trim().strip_prefix('"')?.strip_suffix('"')?;
            is_slug(slug).then(|| slug.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_through_the_json_array() {
        let slugs = vec!["topics-partitions-keys".to_owned(), "isr-2".to_owned()];
        let text = write_slugs(&slugs);
        assert_eq!(text, r#"["topics-partitions-keys","isr-2"]"#);
        assert_eq!(parse_slugs(&text), Some(slugs));
        assert_eq!(parse_slugs(" [ ] "), Some(Vec::new()));
        assert_eq!(parse_slugs(r#"[ "a" , "b-1" ]"#).map(|s| s.len()), Some(2));
    }

    #[test]
    fn anything_but_an_array_of_slugs_is_refused() {
        for text in [
            "",
            "null",
            "[",
            "[1]",
            r#"["a b"]"#,
            r#"["a",]"#,
            r#"{"a":1}"#,
        ] {
            assert_eq!(parse_slugs(text), None, "{text}");
        }
    }
}
