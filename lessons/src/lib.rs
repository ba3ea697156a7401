//! Kafka Playground's lessons.
//!
//! A teacher writes Markdown in `lessons/content/NN-slug.md`; the build script turns it into HTML
//! at build time (see `build.rs` for the front matter rules), so the browser bundle carries only
//! the finished pages. A lesson beside the `playground` live view also carries its cluster's
//! options ([`Lesson::cluster`], read by [`cluster_config`]), the panels it shows
//! ([`Lesson::panels`]), the script that builds its starting state ([`Lesson::setup`]) and the
//! commands the learner can run ([`commands`]).

mod cluster_options;
#[cfg(test)]
mod front_matter;
#[cfg(test)]
mod markdown;
#[cfg_attr(not(test), allow(dead_code))]
mod panels;
mod simulations;

use kplay_core::{ClusterConfig, MetadataMode, TruncationMode};

pub use panels::PANELS;
pub use simulations::SIMULATIONS;

/// The seed of a lesson's cluster when its `cluster:` field gives none (the `kplay` binary's
/// default too, so a setup script replays the same way there).
pub const DEFAULT_SEED: u64 = 1;

/// How many controller voters a KRaft cluster has: the first brokers, up to this many.
pub const MAX_CONTROLLER_VOTERS: i32 = 3;

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
    /// The options of the lesson's simulated cluster, exactly as the `cluster:` front matter
    /// field gives them (`brokers=3, mode=zookeeper, broker.min.insync.replicas=2`); "" when
    /// absent (every default). Turn them into a cluster with [`cluster_config`].
    pub cluster: &'static str,
    /// The panels of the playground to show, a subset of [`PANELS`] in the order the lesson
    /// lists them; empty means every panel.
    pub panels: &'static [&'static str],
    /// The `kplay-setup` script (the `kplay-cli` language) that builds the lesson's starting
    /// state on a fresh cluster; "" when absent. It is not part of [`Lesson::html`].
    pub setup: &'static str,
    /// The lesson body, rendered from Markdown at build time. Our own content, never user input.
    /// Each `kplay` block is a `<pre class="kplay-command"><code class="language-kplay">`
    /// element holding the commands, escaped.
    pub html: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// The lesson with this slug, if any.
pub fn find(slug: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.slug == slug)
}

/// The text of each `kplay` block of `lesson`, in page order (what each "Run"
/// button runs). Empty for a lesson that is not in [`LESSONS`].
pub fn commands(lesson: &Lesson) -> &'static [&'static str] {
    LESSONS
        .iter()
        .position(|known| known.slug == lesson.slug)
        .and_then(|index| COMMANDS.get(index).copied())
        .unwrap_or_default()
}

/// Builds the cluster config and seed a lesson's `cluster:` options describe (see
/// [`Lesson::cluster`]): `brokers` (default 3), `mode=kraft|zookeeper`,
/// `truncation=leader-epoch|high-watermark`, `latency-ms` (default 2), `seed` (default
/// [`DEFAULT_SEED`]) and `broker.<config>=<value>` for `server.properties` lines. A KRaft
/// cluster's controller voters are its first brokers, at most [`MAX_CONTROLLER_VOTERS`].
///
/// Pure: the same text always gives the same config. The error is a sentence for the teacher
/// (an unknown option, a value out of range, or a broker config Kafka would refuse).
pub fn cluster_config(options: &str) -> Result<(ClusterConfig, u64), String> {
    let options = cluster_options::parse(options)?;
    let mut config = ClusterConfig::default();
    if let Some(brokers) = options.brokers {
        config.brokers = brokers;
    }
    config.controller_voters = config.brokers.clamp(1, MAX_CONTROLLER_VOTERS);
    if let Some(mode) = options.mode {
        config.metadata_mode = match mode {
            cluster_options::Mode::Kraft => MetadataMode::Kraft,
            cluster_options::Mode::ZooKeeper => MetadataMode::ZooKeeper,
        };
    }
    if let Some(truncation) = options.truncation {
        config.truncation = match truncation {
            cluster_options::Truncation::LeaderEpoch => TruncationMode::LeaderEpoch,
            cluster_options::Truncation::HighWatermark => TruncationMode::HighWatermark,
        };
    }
    if let Some(latency_ms) = options.latency_ms {
        config.network_latency_ms = latency_ms;
    }
    config.broker_configs = options.broker_configs;
    config
        .validate()
        .map_err(|error| format!("cluster options: {error}"))?;
    Ok((config, options.seed.unwrap_or(DEFAULT_SEED)))
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
    fn every_lesson_names_known_panels() {
        for lesson in LESSONS {
            for panel in lesson.panels {
                assert!(PANELS.contains(panel), "{}: panel {panel}", lesson.slug);
            }
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
    fn titles_and_summaries_are_plain_text() {
        for lesson in LESSONS {
            for text in [lesson.title, lesson.summary] {
                assert!(
                    !text.starts_with('"') && !text.starts_with('\''),
                    "{}: the front matter takes values as they are, without quotes: {text}",
                    lesson.slug
                );
            }
        }
    }

    #[test]
    fn find_returns_none_for_an_unknown_slug() {
        assert_eq!(find("no-such-lesson"), None);
    }

    #[test]
    fn commands_are_the_rendered_command_blocks() {
        for lesson in LESSONS {
            let blocks = lesson.html.matches("<pre class=\"kplay-command\">").count();
            assert_eq!(commands(lesson).len(), blocks, "{}", lesson.slug);
            for command in commands(lesson) {
                assert!(
                    lesson.html.contains(&markdown::command_html(command)),
                    "{}: {command:?} is not rendered as a command block",
                    lesson.slug
                );
            }
        }
    }

    #[test]
    fn cluster_options_become_a_cluster_config() {
        let (config, seed) = cluster_config("").expect("defaults");
        assert_eq!(config, ClusterConfig::default());
        assert_eq!(seed, DEFAULT_SEED);

        let (config, seed) = cluster_config(
            "brokers=1, mode=zookeeper, truncation=high-watermark, latency-ms=5, seed=7, broker.min.insync.replicas=2",
        )
        .expect("valid");
        assert_eq!(config.brokers, 1);
        assert_eq!(config.controller_voters, 1);
        assert_eq!(config.metadata_mode, MetadataMode::ZooKeeper);
        assert_eq!(config.truncation, TruncationMode::HighWatermark);
        assert_eq!(config.network_latency_ms, 5);
        assert_eq!(
            config.broker_configs,
            vec![("min.insync.replicas".to_owned(), "2".to_owned())]
        );
        assert_eq!(seed, 7);

        assert_eq!(
            cluster_config("brokers=5")
                .expect("valid")
                .0
                .controller_voters,
            3
        );
    }

    #[test]
    fn a_broker_config_kafka_refuses_is_an_error() {
        let error = cluster_config("broker.min.insync.replicas=0").unwrap_err();
        assert!(error.starts_with("cluster options: "), "{error}");
        assert!(error.contains("min.insync.replicas"), "{error}");
        assert!(cluster_config("brokers=0").is_err());
    }
}
