//! Helpers shared by the integration tests.

#![allow(dead_code)]

use kplay_core::{
    Cluster, ClusterConfig, Command, ErrorCode, Event, Offset, PartitionId, PartitionerKind,
    ProducerConfig, Routing,
};

/// Where a produced record went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub partition: PartitionId,
    pub offset: Offset,
    pub size_in_bytes: i32,
    pub routing: Routing,
}

pub fn new_cluster(seed: u64) -> Cluster {
    Cluster::new(ClusterConfig::default(), seed)
}

pub fn create_topic(cluster: &mut Cluster, topic: &str, partitions: i32) {
    let result = cluster.apply(Command::CreateTopic {
        topic: topic.to_string(),
        partitions,
        max_message_bytes: None,
    });
    assert!(result.is_ok(), "creating {topic}: {result:?}");
}

pub fn configure(cluster: &mut Cluster, partitioner: PartitionerKind, batch_size: i32) {
    let config = ProducerConfig {
        partitioner,
        batch_size,
        ..ProducerConfig::default()
    };
    let result = cluster.apply(Command::ConfigureProducer(config));
    assert!(result.is_ok(), "configuring the producer: {result:?}");
}

pub fn produce_command(topic: &str, key: Option<&str>, value: Option<&str>) -> Command {
    Command::Produce {
        topic: topic.to_string(),
        key: key.map(str::to_string),
        value: value.map(str::to_string),
        partition: None,
    }
}

/// Applies a produce command that must succeed and returns where the record went.
pub fn produce(cluster: &mut Cluster, command: Command) -> Appended {
    let events = cluster.apply(command.clone());
    match events.as_deref() {
        Ok(
            [Event::RecordAppended {
                partition,
                offset,
                size_in_bytes,
                routing,
                ..
            }],
        ) => Appended {
            partition: *partition,
            offset: *offset,
            size_in_bytes: *size_in_bytes,
            routing: *routing,
        },
        other => panic!("{command:?} gave {other:?}"),
    }
}

pub fn produce_keyed(cluster: &mut Cluster, topic: &str, key: &str) -> Appended {
    produce(cluster, produce_command(topic, Some(key), Some("v")))
}

pub fn produce_unkeyed(cluster: &mut Cluster, topic: &str, value: &str) -> Appended {
    produce(cluster, produce_command(topic, None, Some(value)))
}

/// Applies a command that must be refused, checks the state did not change, and returns the
/// error's code and message.
pub fn refused(cluster: &mut Cluster, command: Command) -> (ErrorCode, String) {
    let before = cluster.clone();
    let views_before = cluster.topics();
    let result = cluster.apply(command.clone());
    assert_eq!(*cluster, before, "{command:?} changed the state");
    assert_eq!(cluster.topics(), views_before);
    match result {
        Err(error) => (error.code, error.message),
        Ok(events) => panic!("{command:?} was accepted: {events:?}"),
    }
}
