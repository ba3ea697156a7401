//! Kafka Playground's lessons.
//!
//! A teacher writes Markdown in `lessons/content/NN-slug.md`; the build script turns it into HTML
//! at build time (see `build.rs` for the front matter rules), so the browser bundle carries only
//! the finished pages.

#[cfg(test)]
mod front_matter;
mod simulations;

pub use simulations::SIMULATIONS;

/// One lesson page: prose beside a live view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lesson {
    /// The page address: `#/lessons/<slug>`.
    pub slug: &'static str,
    pub title: &'static str,
    /// One sentence shown in the lesson list.
    pub summary: &'static str,
    /// Which live view sits beside the prose: one of [`SIMULATIONS`].
    pub simulation: &'static str,
    /// The lesson body, rendered from Markdown at build time. Our own content, never user input.
    pub html: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// The lesson with this slug, if any.
pub fn find(slug: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_at_least_one_lesson() {
        assert!(!LESSONS.is_empty());
    }

    #[test]
    fn every_lesson_has_a_unique_slug() {
        for (index, lesson) in LESSONS.iter().enumerate() {
            let later = &LESSONS[index + 1..];
            assert!(
                later.iter().all(|other| other.slug != lesson.slug),
                "slug {} is used twice",
                lesson.slug
            );
        }
    }

    #[test]
    fn every_lesson_has_a_title_a_summary_and_a_body() {
        for lesson in LESSONS {
            assert!(
                !lesson.title.trim().is_empty(),
                "{}: empty title",
                lesson.slug
            );
            assert!(
                !lesson.summary.trim().is_empty(),
                "{}: empty summary",
                lesson.slug
            );
            assert!(
                lesson.html.contains("<p>"),
                "{}: the body has no paragraph",
                lesson.slug
            );
        }
    }

    #[test]
    fn every_lesson_names_a_known_simulation() {
        for lesson in LESSONS {
            assert!(
                SIMULATIONS.contains(&lesson.simulation),
                "{}: unknown simulation {:?}",
                lesson.slug,
                lesson.simulation
            );
        }
    }

    #[test]
    fn lesson_links_never_start_at_the_site_root() {
        for lesson in LESSONS {
            assert!(
                !lesson.html.contains("href=\"/"),
                "{}: absolute link",
                lesson.slug
            );
            assert!(
                !lesson.html.contains("src=\"/"),
                "{}: absolute image",
                lesson.slug
            );
        }
    }

    #[test]
    fn first_lesson_is_topics_partitions_keys() {
        let lesson = find("topics-partitions-keys").expect("the first lesson exists");
        assert_eq!(LESSONS[0], *lesson);
        assert_eq!(lesson.simulation, "partitioning");
    }

    #[test]
    fn find_returns_none_for_an_unknown_slug() {
        assert_eq!(find("no-such-lesson"), None);
    }
}
