//! The plain data the partitioning view shows, computed from a
//! [`Session`](crate::session::Session).
//!
//! Every sentence and number on screen is built here, by functions tested natively, so the
//! components only lay it out (Crux's `view(&model) -> ViewModel`).

use kplay_core::{Event, EventKind, PartitionerKind, Routing};

use super::model::{Appended, Lesson};

/// How many records of a partition the view draws (the newest).
const MAX_RECORDS_SHOWN: usize = 200;

/// The topic on screen and its partitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicModel {
    pub name: String,
    pub partitions: Vec<PartitionModel>,
}

/// One partition's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionModel {
    pub partition: i32,
    /// The offset the next record will get.
    pub log_end_offset: i64,
    pub records: Vec<RecordModel>,
}

/// One record, as the learner typed it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecordModel {
    pub offset: i64,
    pub key: Option<String>,
    pub value: Option<String>,
}

/// How the last record found its partition, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingExplanation {
    pub partition: i32,
    pub offset: i64,
    /// The computation, one line: `murmur2("21") = -973932308 → toPositive → ...`.
    pub steps: String,
    /// What it means for the next records.
    pub meaning: String,
}

/// The topic the learner works on, if it exists: each partition as its leader's log has it.
pub fn topic_model(lesson: &Lesson) -> Option<TopicModel> {
    let cluster = lesson.session.cluster();
    let topic = cluster.topic_view(lesson.current_topic()?)?;
    let partitions = topic
        .partitions
        .into_iter()
        .map(|partition| {
            let records = partition
                .leader
                .and_then(|leader| {
                    cluster.log_view(leader, &partition.partition, MAX_RECORDS_SHOWN)
                })
                .map(|log| {
                    log.segments
                        .into_iter()
                        .flat_map(|segment| segment.records)
                        .map(|record| RecordModel {
                            offset: record.offset.0,
                            key: record.key,
                            value: record.value,
                        })
                        .collect()
                })
                .unwrap_or_default();
            PartitionModel {
                partition: partition.partition.partition,
                log_end_offset: partition.log_end_offset.0.max(0),
                records,
            }
        })
        .collect();
    Some(TopicModel {
        name: topic.name,
        partitions,
    })
}

/// The title above the partitions.
pub fn topic_heading(topic: Option<&TopicModel>) -> String {
    match topic {
        Some(topic) => {
            let count = topic.partitions.len() as i32;
            let noun = plural(count, "partition", "partitions");
            format!("Topic {} · {count} {noun}", topic.name)
        }
        None => "No topic yet: create one with Recreate topic".to_owned(),
    }
}

/// The routing of `appended`, step by step.
pub fn explain_routing(appended: &Appended) -> RoutingExplanation {
    let partition = appended.partition.0;
    let offset = appended.offset.0;
    let destination = format!("partition {partition}, offset {offset}");
    let (steps, meaning) = match &appended.routing {
        Routing::Keyed {
            murmur2,
            positive,
            partition_count,
        } => {
            let key = quoted(appended.key.as_deref().unwrap_or_default());
            let steps = format!(
                "murmur2({key}) = {murmur2} → toPositive → {positive} → {positive} % {partition_count} = {partition} → {destination}"
            );
            let empty_note = if appended.key.as_deref() == Some("") {
                "An empty key is still a key: it is hashed like any other. "
            } else {
                ""
            };
            let meaning = format!(
                "{empty_note}Every record with the key {key} goes to partition {partition} as long as the topic has {partition_count} {}.",
                plural(*partition_count, "partition", "partitions")
            );
            (steps, meaning)
        }
        Routing::Sticky { batch_size } => {
            let steps = format!(
                "null key → uniform sticky partitioner → sticky partition {partition} → {destination}"
            );
            let meaning = format!(
                "Null-key records stay on partition {partition} until {batch_size} bytes (batch.size) have been produced to it and its batches are full; then the partitioner picks another partition at random, favouring partitions with fewer batches waiting to be sent (it may be {partition} again)."
            );
            (steps, meaning)
        }
        Routing::StickyPerBatch => {
            let steps = format!(
                "null key → sticky partitioner of Kafka 2.4 to 3.2 → sticky partition {partition} → {destination}"
            );
            let meaning = format!(
                "Null-key records stay on partition {partition} until a record would open a new batch there; then the partitioner moves to another partition at random, never {partition} again at once. Here every record is sent at once, in a batch of its own, so each one moves."
            );
            (steps, meaning)
        }
        Routing::RoundRobin { counter } => {
            let count = appended.partition_count;
            let steps = format!(
                "null key → round-robin → counter {counter} → {counter} % {count} = {partition} → {destination}"
            );
            let meaning = "Each null-key record goes to the next partition in turn.".to_owned();
            (steps, meaning)
        }
        Routing::Explicit => (
            format!("partition chosen by the producer → {destination}"),
            "A record that names its partition skips the partitioner.".to_owned(),
        ),
    };
    RoutingExplanation {
        partition,
        offset,
        steps,
        meaning,
    }
}

/// What a screen reader hears after a successful action.
pub fn announcement(events: &[Event], last: Option<&Appended>) -> Option<String> {
    let acknowledged = events
        .iter()
        .any(|event| matches!(event.kind, EventKind::ProduceAcknowledged { .. }));
    if acknowledged {
        if let Some(last) = last {
            return Some(format!(
                "Record appended to partition {} at offset {}",
                last.partition, last.offset
            ));
        }
    }
    events.iter().rev().find_map(|event| match &event.kind {
        EventKind::TopicCreated {
            topic, partitions, ..
        } => Some(format!(
            "Topic {topic} created with {partitions} {}",
            plural(*partitions, "partition", "partitions")
        )),
        EventKind::PartitionsCreated {
            topic, new_count, ..
        } => Some(format!("Topic {topic} now has {new_count} partitions")),
        _ => None,
    })
}

/// The partitioner's name in the form and in sentences.
pub fn partitioner_label(kind: PartitionerKind) -> &'static str {
    match kind {
        PartitionerKind::UniformSticky => "uniform sticky (Kafka 3.3+)",
        PartitionerKind::StickyPerBatch => "sticky per batch (2.4 to 3.2)",
        PartitionerKind::RoundRobin => "round-robin (before 2.4)",
    }
}

/// A key as it appears in the steps: quoted and escaped, and shortened when long.
fn quoted(key: &str) -> String {
    const MAX_CHARS: usize = 24;
    if key.chars().count() <= MAX_CHARS {
        format!("{key:?}")
    } else {
        let start: String = key.chars().take(MAX_CHARS).collect();
        format!("{start:?}…")
    }
}

fn plural(count: i32, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use kplay_core::{murmur2, to_positive, Offset, PartitionId};

    use super::*;

    fn keyed(key: &str, partition_count: i32, partition: i32, offset: i64) -> Appended {
        let hash = murmur2(key.as_bytes());
        Appended {
            topic: "orders".to_owned(),
            partition: PartitionId(partition),
            offset: Offset(offset),
            key: Some(key.to_owned()),
            routing: Routing::Keyed {
                murmur2: hash,
                positive: to_positive(hash),
                partition_count,
            },
            partition_count,
        }
    }

    #[test]
    fn keyed_routing_shows_every_step() {
        let explanation = explain_routing(&keyed("21", 3, 0, 4));
        assert_eq!(
            explanation.steps,
            "murmur2(\"21\") = -973932308 → toPositive → 1173551340 → 1173551340 % 3 = 0 → partition 0, offset 4"
        );
        assert_eq!(
            explanation.meaning,
            "Every record with the key \"21\" goes to partition 0 as long as the topic has 3 partitions."
        );
        assert_eq!((explanation.partition, explanation.offset), (0, 4));
    }

    #[test]
    fn an_empty_key_is_explained_as_a_key() {
        let explanation = explain_routing(&keyed("", 1, 0, 0));
        assert!(
            explanation
                .steps
                .starts_with("murmur2(\"\") = 275646681 → "),
            "{}",
            explanation.steps
        );
        assert!(explanation
            .meaning
            .starts_with("An empty key is still a key"));
        assert!(explanation.meaning.ends_with("has 1 partition."));
    }

    #[test]
    fn long_and_odd_keys_are_quoted_and_shortened() {
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
        assert_eq!(quoted(&"k".repeat(30)), format!("\"{}\"…", "k".repeat(24)));
        assert_eq!(quoted("ключ"), "\"ключ\"");
    }

    #[test]
    fn sticky_routing_names_batch_size() {
        let appended = Appended {
            key: None,
            routing: Routing::Sticky { batch_size: 16384 },
            ..keyed("x", 3, 1, 0)
        };
        let explanation = explain_routing(&appended);
        assert_eq!(
            explanation.steps,
            "null key → uniform sticky partitioner → sticky partition 1 → partition 1, offset 0"
        );
        assert!(explanation
            .meaning
            .contains("until 16384 bytes (batch.size)"));
    }

    #[test]
    fn round_robin_routing_shows_the_counter() {
        let appended = Appended {
            key: None,
            routing: Routing::RoundRobin { counter: 4 },
            ..keyed("x", 3, 1, 1)
        };
        assert_eq!(
            explain_routing(&appended).steps,
            "null key → round-robin → counter 4 → 4 % 3 = 1 → partition 1, offset 1"
        );
    }

    #[test]
    fn the_announcement_names_partition_and_offset() {
        let mut lesson = Lesson::start().expect("valid start");
        let events = lesson.recreate_topic("orders", 3).expect("valid");
        assert_eq!(
            announcement(&events, None).as_deref(),
            Some("Topic orders created with 3 partitions")
        );
        let events = lesson
            .produce("orders", Some("21".to_owned()), "v".to_owned())
            .expect("acknowledged");
        assert_eq!(
            announcement(&events, lesson.last_append()).as_deref(),
            Some("Record appended to partition 0 at offset 0")
        );
    }

    #[test]
    fn the_topic_model_lists_records_by_partition() {
        let mut lesson = Lesson::start().expect("valid start");
        lesson.recreate_topic("orders", 2).expect("valid");
        let model = topic_model(&lesson).expect("current topic exists");
        assert!(model.partitions.iter().all(|p| p.records.is_empty()));
        lesson
            .produce("orders", Some("21".to_owned()), "v".to_owned())
            .expect("acknowledged");
        let model = topic_model(&lesson).expect("current topic exists");
        assert_eq!(model.name, "orders");
        assert_eq!(model.partitions.len(), 2);
        let partition = lesson.last_append().map(|a| a.partition.0).unwrap_or(-1);
        let records = &model.partitions[partition as usize].records;
        assert_eq!(
            records,
            &vec![RecordModel {
                offset: 0,
                key: Some("21".to_owned()),
                value: Some("v".to_owned())
            }]
        );
        assert_eq!(topic_heading(Some(&model)), "Topic orders · 2 partitions");
        assert!(topic_heading(None).starts_with("No topic yet"));
    }
}
