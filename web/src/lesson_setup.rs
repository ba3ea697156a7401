//! The one place that reads a lesson's playground fields (the contract with the lessons
//! crate), for lessons whose `simulation` is `playground`: `cluster` (options text, parsed by
//! [`kplay_lessons::cluster_config`]), `panels` (names; empty = all) and `setup` (the
//! `kplay-setup` script, run on the fresh cluster before the learner sees it).

use kplay_lessons::Lesson;

use crate::playground::{Panels, PlaygroundSpec};

/// The simulation id of the general live view.
pub const PLAYGROUND: &str = "playground";

/// The playground spec of a lesson whose simulation is `playground`, or why it cannot be built.
pub fn lesson_spec(lesson: &Lesson) -> Option<Result<PlaygroundSpec, String>> {
    (lesson.simulation == PLAYGROUND).then(|| spec_of(lesson))
}

/// A spec from a lesson's fields. Each lesson keeps its own saved session.
fn spec_of(lesson: &Lesson) -> Result<PlaygroundSpec, String> {
    let (config, seed) = kplay_lessons::cluster_config(lesson.cluster)?;
    Ok(PlaygroundSpec {
        storage_key: format!("kplay.lesson.{}", lesson.slug),
        route: format!("/lessons/{}", lesson.slug),
        config,
        seed,
        setup: lesson.setup.to_owned(),
        panels: Panels::from_names(lesson.panels),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::fresh_model;

    #[test]
    fn every_playground_lesson_builds_its_cluster_and_setup_without_errors() {
        let mut built = 0;
        for lesson in kplay_lessons::LESSONS {
            let Some(spec) = lesson_spec(lesson) else {
                continue;
            };
            let spec = spec.unwrap_or_else(|error| panic!("{}: {error}", lesson.slug));
            let model =
                fresh_model(&spec).unwrap_or_else(|error| panic!("{}: {error}", lesson.slug));
            assert_eq!(
                model.session.setup_errors(),
                "",
                "{}: the setup printed errors",
                lesson.slug
            );
            assert_eq!(model.session.seed(), spec.seed);
            built += 1;
        }
        assert!(built > 0, "no lesson uses the playground");
    }

    #[test]
    fn a_lesson_spec_follows_the_lessons_fields() {
        let lesson = kplay_lessons::LESSONS
            .iter()
            .find(|lesson| lesson.simulation == PLAYGROUND && !lesson.panels.is_empty())
            .expect("a playground lesson that names its panels");
        let spec = lesson_spec(lesson).expect("a playground").expect("valid");
        let (config, seed) = kplay_lessons::cluster_config(lesson.cluster).expect("valid");
        assert_eq!((spec.config, spec.seed), (config, seed));
        assert_eq!(spec.setup, lesson.setup);
        assert_eq!(spec.panels, Panels::from_names(lesson.panels));
        assert_eq!(spec.route, format!("/lessons/{}", lesson.slug));
    }

    #[test]
    fn each_lesson_keeps_its_own_saved_session() {
        let keys: Vec<String> = kplay_lessons::LESSONS
            .iter()
            .filter_map(lesson_spec)
            .map(|spec| spec.expect("valid").storage_key)
            .collect();
        for (index, key) in keys.iter().enumerate() {
            assert!(!keys[index + 1..].contains(key), "{key} is used twice");
        }
    }

    #[test]
    fn the_partitioning_lesson_keeps_its_own_view() {
        let lesson = kplay_lessons::find("topics-partitions-keys").expect("exists");
        assert!(lesson_spec(lesson).is_none());
    }
}
