//! What the learner asks for in the partitioning view, carried out on the [`Lesson`].
//!
//! Plain functions over plain data, so every rule here is tested natively. Input the form can
//! check on its own (a partition count that is not a number) is refused here with a message and
//! nothing sent; everything Kafka decides (topic names, lowering the count) goes to the core,
//! which answers in Kafka's words.

use kplay_core::{Event, PartitionerKind};

use super::model::Lesson;

/// One thing the learner asked for, with the form's text as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    /// Delete the topic if it exists, then create it empty.
    RecreateTopic { topic: String, partitions: String },
    /// Raise the topic's partition count, keeping its records.
    AddPartitions { topic: String, partitions: String },
    /// Send one record; `key: None` is a null key.
    Produce {
        topic: String,
        key: Option<String>,
        value: String,
    },
    /// Switch the partitioner for null-key records.
    SetPartitioner(PartitionerKind),
}

/// Carries out `intent`; the error is the message to show (Kafka's own for Kafka's refusals).
pub fn perform(
    intent: Intent,
    lesson: &mut Lesson,
    max_partitions: i32,
) -> Result<Vec<Event>, String> {
    let kafka = |error: kplay_core::KafkaError| error.to_string();
    match intent {
        Intent::RecreateTopic { topic, partitions } => {
            let partitions = parse_partition_count(&partitions, max_partitions)?;
            lesson.recreate_topic(&topic, partitions).map_err(kafka)
        }
        Intent::AddPartitions { topic, partitions } => {
            let total_count = parse_partition_count(&partitions, max_partitions)?;
            lesson.add_partitions(&topic, total_count).map_err(kafka)
        }
        Intent::Produce { topic, key, value } => lesson.produce(&topic, key, value).map_err(kafka),
        Intent::SetPartitioner(partitioner) => lesson.set_partitioner(partitioner).map_err(kafka),
    }
}

/// The partition count typed in the form: a whole number from 1 to `max`.
pub fn parse_partition_count(text: &str, max: i32) -> Result<i32, String> {
    let trimmed = text.trim();
    let rule = format!("Partitions must be a whole number from 1 to {max}");
    if trimmed.is_empty() {
        // A number input also reads as empty when what is typed is not a number.
        return Err(format!("{rule}."));
    }
    match trimmed.parse::<i32>() {
        Ok(count) if (1..=max).contains(&count) => Ok(count),
        Ok(count) if count > max => Err(format!(
            "{rule}: {count} is more than this playground allows (real Kafka allows far more)."
        )),
        _ => Err(format!("{rule}, not {trimmed:?}.")),
    }
}

/// The `<option value>` of a partitioner in the form.
pub fn partitioner_value(kind: PartitionerKind) -> &'static str {
    match kind {
        PartitionerKind::UniformSticky => "uniform-sticky",
        PartitionerKind::StickyPerBatch => "sticky-per-batch",
        PartitionerKind::RoundRobin => "round-robin",
    }
}

/// The partitioners the form offers, newest first.
pub const PARTITIONERS: [PartitionerKind; 3] = [
    PartitionerKind::UniformSticky,
    PartitionerKind::StickyPerBatch,
    PartitionerKind::RoundRobin,
];

/// The partitioner named by an `<option value>`, if it is one of ours.
pub fn partitioner_from_value(value: &str) -> Option<PartitionerKind> {
    PARTITIONERS
        .into_iter()
        .find(|kind| partitioner_value(*kind) == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_count_accepts_whole_numbers_in_range() {
        assert_eq!(parse_partition_count("1", 12), Ok(1));
        assert_eq!(parse_partition_count(" 12 ", 12), Ok(12));
    }

    #[test]
    fn partition_count_refuses_empty_text_and_non_numbers() {
        assert_eq!(
            parse_partition_count("", 12),
            Err("Partitions must be a whole number from 1 to 12.".to_owned())
        );
        assert_eq!(
            parse_partition_count("abc", 12),
            Err("Partitions must be a whole number from 1 to 12, not \"abc\".".to_owned())
        );
        assert!(parse_partition_count("2.5", 12).is_err());
        assert!(parse_partition_count("99999999999", 12).is_err());
    }

    #[test]
    fn partition_count_refuses_out_of_range_numbers() {
        assert!(parse_partition_count("0", 12).is_err());
        assert!(parse_partition_count("-3", 12).is_err());
        let error = parse_partition_count("13", 12).unwrap_err();
        assert!(
            error.contains("13 is more than this playground allows"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_partition_count_sends_nothing() {
        let mut lesson = Lesson::start().expect("valid start");
        let before = lesson.session.encode();
        let intent = Intent::AddPartitions {
            topic: "orders".to_owned(),
            partitions: "lots".to_owned(),
        };
        assert!(perform(intent, &mut lesson, 12).is_err());
        assert_eq!(lesson.session.encode(), before);
    }

    #[test]
    fn topic_names_go_to_kafka_to_judge() {
        let mut lesson = Lesson::start().expect("valid start");
        let intent = Intent::RecreateTopic {
            topic: " my topic!".to_owned(),
            partitions: "3".to_owned(),
        };
        let error = perform(intent, &mut lesson, 12).unwrap_err();
        assert!(error.starts_with("INVALID_TOPIC_EXCEPTION: "), "{error}");
    }

    #[test]
    fn lowering_the_partition_count_is_refused_by_kafka() {
        let mut lesson = Lesson::start().expect("valid start");
        let intent = Intent::AddPartitions {
            topic: "orders".to_owned(),
            partitions: "2".to_owned(),
        };
        let error = perform(intent, &mut lesson, 12).unwrap_err();
        assert!(error.starts_with("INVALID_PARTITIONS: "), "{error}");
    }

    #[test]
    fn partitioner_values_round_trip() {
        for kind in PARTITIONERS {
            assert_eq!(partitioner_from_value(partitioner_value(kind)), Some(kind));
        }
        assert_eq!(partitioner_from_value("hash"), None);
    }
}
