//! The one place that reads a lesson's playground fields (the contract with the lessons crate):
//! `cluster` (options text), `panels` (names; empty = all) and `setup` (a kplay script), for
//! lessons whose `simulation` is `playground`.
//!
//! Until the lessons crate has these fields, [`LessonPlayground::of`] gives the defaults below
//! for such a lesson. When it merges, read `lesson.cluster`, `lesson.panels` and
//! `lesson.setup` here and parse `cluster` with `kplay_lessons::cluster_config` (see the notes
//! on each function); nothing else in the web crate changes.

use kplay_lessons::Lesson;

use crate::playground::{cluster_options, Panels, PlaygroundSpec};

/// The simulation id of the general live view.
pub const PLAYGROUND: &str = "playground";

/// What a lesson asks of its playground, before it is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonPlayground {
    pub cluster: &'static str,
    pub panels: &'static [&'static str],
    pub setup: &'static str,
}

impl LessonPlayground {
    /// The lesson's fields. (After the merge: `cluster: lesson.cluster, panels: lesson.panels,
    /// setup: lesson.setup`.)
    pub fn of(_lesson: &Lesson) -> LessonPlayground {
        LessonPlayground {
            cluster: "brokers=3,mode=kraft,latency-ms=2,seed=7",
            panels: &[],
            setup: "",
        }
    }
}

/// The playground spec of a lesson whose simulation is `playground`, or why it cannot be built.
pub fn lesson_spec(lesson: &Lesson) -> Option<Result<PlaygroundSpec, String>> {
    (lesson.simulation == PLAYGROUND).then(|| spec_of(lesson.slug, &LessonPlayground::of(lesson)))
}

/// A spec from a lesson's fields. (After the merge, `cluster_options::parse` may become
/// `kplay_lessons::cluster_config`: both read the same text.)
pub fn spec_of(slug: &str, fields: &LessonPlayground) -> Result<PlaygroundSpec, String> {
    let (config, seed) = cluster_options::parse(fields.cluster)?;
    Ok(PlaygroundSpec {
        storage_key: format!("kplay.lesson.{slug}"),
        route: format!("/lessons/{slug}"),
        config,
        seed,
        setup: fields.setup.to_owned(),
        panels: Panels::from_names(fields.panels),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lesson_playground_becomes_a_spec() {
        let fields = LessonPlayground {
            cluster: "brokers=3,mode=kraft,truncation=leader-epoch,latency-ms=2,seed=7,broker.min.insync.replicas=2",
            panels: &["cluster", "producer", "terminal"],
            setup: "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\n",
        };
        let spec = spec_of("replication", &fields).expect("valid");
        assert_eq!(spec.route, "/lessons/replication");
        assert_eq!(spec.seed, 7);
        assert!(spec.panels.terminal && !spec.panels.groups);
    }

    #[test]
    fn the_partitioning_lesson_keeps_its_own_view() {
        let lesson = kplay_lessons::find("topics-partitions-keys").expect("exists");
        assert!(lesson_spec(lesson).is_none());
    }
}
