//! Rules every lesson follows: its cluster options build a cluster, its setup script runs
//! without a Kafka error, every `kplay` block parses and runs in order, and its page links to the
//! lessons before and after it and says what the simulation simplifies.

mod common;

use common::LessonRun;
use kplay_cli::{Script, Shell};
use kplay_lessons::{cluster_config, commands, LESSONS};

#[test]
fn every_lesson_cluster_options_build_a_cluster() {
    for lesson in LESSONS {
        let (config, seed) = cluster_config(lesson.cluster)
            .unwrap_or_else(|error| panic!("{}: {error}", lesson.slug));
        config
            .validate()
            .unwrap_or_else(|error| panic!("{}: {error}", lesson.slug));
        Shell::with_config(config, seed).unwrap_or_else(|error| panic!("{}: {error}", lesson.slug));
    }
}

#[test]
fn every_setup_script_and_block_parses() {
    for lesson in LESSONS {
        Script::parse(lesson.setup)
            .unwrap_or_else(|error| panic!("{}: setup: {error}", lesson.slug));
        for (index, block) in commands(lesson).iter().enumerate() {
            let script = Script::parse(block)
                .unwrap_or_else(|error| panic!("{}: block {}: {error}", lesson.slug, index + 1));
            assert!(
                !script.is_empty(),
                "{}: block {} is empty",
                lesson.slug,
                index + 1
            );
        }
    }
}

#[test]
fn every_lesson_runs_its_setup_then_every_block_in_order() {
    for lesson in LESSONS {
        // `start` fails on a setup script that prints a Kafka error; each block must parse and
        // run (what it shows is checked by the lesson's own test in behaviour.rs).
        let mut run = LessonRun::start(lesson.slug);
        for _ in commands(lesson) {
            run.block();
        }
        run.finish();
    }
}

#[test]
fn every_playground_lesson_builds_its_start_and_offers_commands() {
    for lesson in LESSONS.iter().filter(|l| l.simulation == "playground") {
        assert!(
            !lesson.setup.trim().is_empty(),
            "{}: no kplay-setup block",
            lesson.slug
        );
        assert!(
            !commands(lesson).is_empty(),
            "{}: no kplay block",
            lesson.slug
        );
        assert!(
            lesson.panels.is_empty() || lesson.panels.contains(&"terminal"),
            "{}: kplay blocks need the terminal panel",
            lesson.slug
        );
    }
}

#[test]
fn every_lesson_links_to_its_neighbours() {
    for (index, lesson) in LESSONS.iter().enumerate() {
        if index > 0 {
            let previous = format!("href=\"#/lessons/{}\"", LESSONS[index - 1].slug);
            assert!(
                lesson.html.contains(&previous),
                "{}: no link to the previous lesson",
                lesson.slug
            );
        }
        if let Some(next) = LESSONS.get(index + 1) {
            let next = format!("href=\"#/lessons/{}\"", next.slug);
            assert!(
                lesson.html.contains(&next),
                "{}: no link to the next lesson",
                lesson.slug
            );
        }
    }
}

#[test]
fn every_lesson_link_names_a_lesson() {
    for lesson in LESSONS {
        for part in lesson.html.split("href=\"#/lessons/").skip(1) {
            let slug = part.split('"').next().unwrap_or_default();
            assert!(
                kplay_lessons::find(slug).is_some(),
                "{}: link to an unknown lesson {slug:?}",
                lesson.slug
            );
        }
    }
}

#[test]
fn every_lesson_says_what_the_simulation_simplifies() {
    for lesson in LESSONS {
        assert!(
            lesson
                .html
                .contains("<h2>What the simulation simplifies</h2>"),
            "{}: no \"What the simulation simplifies\" section",
            lesson.slug
        );
    }
}
