//! Lesson progress kept in `localStorage`: which lessons were opened, so the lesson list can
//! mark them after a reload.

use crate::session::{load, save};

const KEY: &str = "kplay.progress.v1";

/// The slugs of the lessons opened so far (anything unreadable counts as none).
pub fn visited() -> Vec<String> {
    load(KEY)
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
        .unwrap_or_default()
}

/// Marks a lesson as opened.
pub fn mark_visited(slug: &str) {
    let mut slugs = visited();
    if !slugs.iter().any(|s| s == slug) {
        slugs.push(slug.to_owned());
        if let Ok(text) = serde_json::to_string(&slugs) {
            let _ = save(KEY, Some(&text));
        }
    }
}
