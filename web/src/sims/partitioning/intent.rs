//! What the learner asks for in the partitioning view, turned into core commands.
//!
//! Plain functions over plain data, so every rule here is tested natively. Input the form can
//! check on its own (a partition count that is not a number) is refused here with a message and
//! no command; everything Kafka decides (topic names, lowering the count) goes to the core, which
//! answers in Kafka's words.

use kplay_core::{Cluster, Command, PartitionerKind};

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

/// The commands that carry out `intent` on `cluster`, or a message saying why none is sent.
pub fn commands_for(
    intent: Intent,
    cluster: &Cluster,
    max_partitions: i32,
) -> Result<Vec<Command>, String> {
    match intent {
        Intent::RecreateTopic { topic, partitions } => {
            let partitions = parse_partition_count(&partitions, max_partitions)?;
            let mut commands = Vec::with_capacity(2);
            if cluster.topic(&topic).is_some() {
                commands.push(Command::DeleteTopic {
                    topic: topic.clone(),
                });
            }
            commands.push(Command::CreateTopic {
                topic,
                partitions,
                max_message_bytes: None,
            });
            Ok(commands)
        }
        Intent::AddPartitions { topic, partitions } => {
            let total_count = parse_partition_count(&partitions, max_partitions)?;
            Ok(vec![Command::CreatePartitions { topic, total_count }])
        }
        Intent::Produce { topic, key, value } => Ok(vec![Command::Produce {
            topic,
            key,
            value: Some(value),
            partition: None,
        }]),
        Intent::SetPartitioner(partitioner) => {
            let mut config = *cluster.producer_config();
            config.partitioner = partitioner;
            Ok(vec![Command::ConfigureProducer(config)])
        }
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
        PartitionerKind::RoundRobin => "round-robin",
    }
}

/// The partitioner named by an `<option value>`, if it is one of ours.
pub fn partitioner_from_value(value: &str) -> Option<PartitionerKind> {
    [PartitionerKind::UniformSticky, PartitionerKind::RoundRobin]
        .into_iter()
        .find(|kind| partitioner_value(*kind) == value)
}

#[cfg(test)]
mod tests {
    use kplay_core::ClusterConfig;

    use super::*;

    fn cluster_with_orders() -> Cluster {
        let mut cluster = Cluster::new(ClusterConfig::default(), 1);
        let create = Command::CreateTopic {
            topic: "orders".to_owned(),
            partitions: 3,
            max_message_bytes: None,
        };
        cluster.apply(create).expect("valid topic");
        cluster
    }

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
    fn recreating_an_existing_topic_deletes_it_first() {
        let intent = Intent::RecreateTopic {
            topic: "orders".to_owned(),
            partitions: "4".to_owned(),
        };
        let commands = commands_for(intent, &cluster_with_orders(), 12).expect("valid count");
        assert_eq!(commands.len(), 2);
        assert!(matches!(&commands[0], Command::DeleteTopic { topic } if topic == "orders"));
        assert!(matches!(
            &commands[1],
            Command::CreateTopic { partitions: 4, .. }
        ));
    }

    #[test]
    fn recreating_a_new_topic_only_creates_it() {
        let intent = Intent::RecreateTopic {
            topic: "payments".to_owned(),
            partitions: "2".to_owned(),
        };
        let commands = commands_for(intent, &cluster_with_orders(), 12).expect("valid count");
        assert!(
            matches!(&commands[..], [Command::CreateTopic { topic, partitions: 2, .. }] if topic == "payments")
        );
    }

    #[test]
    fn a_bad_partition_count_sends_no_command() {
        let intent = Intent::AddPartitions {
            topic: "orders".to_owned(),
            partitions: "lots".to_owned(),
        };
        assert!(commands_for(intent, &cluster_with_orders(), 12).is_err());
    }

    #[test]
    fn topic_names_are_sent_as_typed_for_kafka_to_judge() {
        let intent = Intent::RecreateTopic {
            topic: " my topic!".to_owned(),
            partitions: "3".to_owned(),
        };
        let commands = commands_for(intent, &cluster_with_orders(), 12).expect("count is fine");
        assert!(
            matches!(&commands[..], [Command::CreateTopic { topic, .. }] if topic == " my topic!")
        );
    }

    #[test]
    fn setting_the_partitioner_keeps_the_other_producer_configs() {
        let cluster = cluster_with_orders();
        let commands = commands_for(
            Intent::SetPartitioner(PartitionerKind::RoundRobin),
            &cluster,
            12,
        )
        .expect("always valid");
        let Some(Command::ConfigureProducer(config)) = commands.first() else {
            panic!("expected ConfigureProducer, got {commands:?}");
        };
        assert_eq!(config.partitioner, PartitionerKind::RoundRobin);
        assert_eq!(config.batch_size, cluster.producer_config().batch_size);
    }

    #[test]
    fn partitioner_values_round_trip() {
        for kind in [PartitionerKind::UniformSticky, PartitionerKind::RoundRobin] {
            assert_eq!(partitioner_from_value(partitioner_value(kind)), Some(kind));
        }
        assert_eq!(partitioner_from_value("hash"), None);
    }
}
