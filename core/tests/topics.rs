//! Creating and deleting topics and adding partitions, with Kafka's checks and wording.

mod common;

use common::*;
use kplay_core::{ClusterConfig, Command, ErrorCode, Event, PartitionerKind, ProducerConfig};

fn create(topic: &str, partitions: i32) -> Command {
    Command::CreateTopic {
        topic: topic.to_string(),
        partitions,
        max_message_bytes: None,
    }
}

fn add_partitions(topic: &str, total_count: i32) -> Command {
    Command::CreatePartitions {
        topic: topic.to_string(),
        total_count,
    }
}

#[test]
fn creating_a_topic_gives_empty_partitions() {
    let mut cluster = new_cluster(1);
    let events = cluster.apply(create("orders", 3));
    assert_eq!(
        events,
        Ok(vec![Event::TopicCreated {
            topic: "orders".into(),
            partitions: 3,
        }])
    );
    let view = cluster.topic("orders");
    assert_eq!(view.as_ref().map(|topic| topic.partitions.len()), Some(3));
    assert_eq!(view.map(|topic| topic.max_message_bytes), Some(1_048_588));
}

#[test]
fn topics_are_listed_by_name() {
    let mut cluster = new_cluster(1);
    for name in ["zebra", "apple", "mango"] {
        create_topic(&mut cluster, name, 1);
    }
    let names: Vec<String> = cluster
        .topics()
        .into_iter()
        .map(|topic| topic.name)
        .collect();
    assert_eq!(names, ["apple", "mango", "zebra"]);
}

#[test]
fn minus_one_partitions_takes_the_broker_default_of_one() {
    let mut cluster = new_cluster(1);
    let events = cluster.apply(create("orders", -1));
    assert_eq!(
        events,
        Ok(vec![Event::TopicCreated {
            topic: "orders".into(),
            partitions: 1,
        }])
    );
}

#[test]
fn creating_an_existing_topic_is_refused() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 3);
    let (code, message) = refused(&mut cluster, create("orders", 3));
    assert_eq!(code, ErrorCode::TopicAlreadyExists);
    assert_eq!(message, "Topic 'orders' already exists.");
}

#[test]
fn invalid_topic_names_are_refused() {
    let mut cluster = new_cluster(1);
    let (code, message) = refused(&mut cluster, create("my topic", 3));
    assert_eq!(code, ErrorCode::InvalidTopicException);
    assert_eq!(
        message,
        "Topic name is invalid: 'my topic' contains one or more characters other than \
         ASCII alphanumerics, '.', '_' and '-'"
    );
    let (_, message) = refused(&mut cluster, create("", 3));
    assert_eq!(
        message,
        "Topic name is invalid: the empty string is not allowed"
    );
}

#[test]
fn names_colliding_on_dot_and_underscore_are_refused() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders.eu", 1);
    let (code, message) = refused(&mut cluster, create("orders_eu", 1));
    assert_eq!(code, ErrorCode::InvalidTopicException);
    assert_eq!(
        message,
        "Topic 'orders_eu' collides with existing topic: orders.eu"
    );
}

#[test]
fn non_positive_partition_counts_are_refused() {
    let mut cluster = new_cluster(1);
    for partitions in [0, -2, i32::MIN] {
        let (code, message) = refused(&mut cluster, create("orders", partitions));
        assert_eq!(code, ErrorCode::InvalidPartitions);
        assert_eq!(
            message,
            "Number of partitions was set to an invalid non-positive value."
        );
    }
}

#[test]
fn partition_counts_over_the_playground_limit_are_refused() {
    let mut cluster = new_cluster(1);
    let (code, message) = refused(&mut cluster, create("orders", 13));
    assert_eq!(code, ErrorCode::InvalidPartitions);
    assert!(message.contains("at most 12 partitions"), "{message}");
    assert!(
        message.contains("the playground's limit, not Kafka's"),
        "{message}"
    );
    refused(&mut cluster, create("orders", i32::MAX));
    create_topic(&mut cluster, "orders", 12);
}

#[test]
fn the_playground_limit_is_configurable() {
    let config = ClusterConfig {
        max_partitions_per_topic: 2,
        ..ClusterConfig::default()
    };
    let mut cluster = kplay_core::Cluster::new(config, 1);
    refused(&mut cluster, create("orders", 3));
    create_topic(&mut cluster, "orders", 2);
}

#[test]
fn negative_max_message_bytes_is_invalid_config() {
    let mut cluster = new_cluster(1);
    let (code, message) = refused(
        &mut cluster,
        Command::CreateTopic {
            topic: "orders".into(),
            partitions: 3,
            max_message_bytes: Some(-1),
        },
    );
    assert_eq!(code, ErrorCode::InvalidConfig);
    assert_eq!(
        message,
        "Invalid value -1 for configuration max.message.bytes: Value must be at least 0"
    );
}

#[test]
fn configs_are_checked_before_the_partition_count() {
    // As in ReplicationControlManager.createTopics: config errors come first.
    let mut cluster = new_cluster(1);
    let (code, _) = refused(
        &mut cluster,
        Command::CreateTopic {
            topic: "orders".into(),
            partitions: 0,
            max_message_bytes: Some(-1),
        },
    );
    assert_eq!(code, ErrorCode::InvalidConfig);
}

#[test]
fn deleting_a_topic_removes_it_and_its_records() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 2);
    produce_keyed(&mut cluster, "orders", "k");
    let events = cluster.apply(Command::DeleteTopic {
        topic: "orders".into(),
    });
    assert_eq!(
        events,
        Ok(vec![Event::TopicDeleted {
            topic: "orders".into(),
        }])
    );
    assert!(cluster.topic("orders").is_none());
    create_topic(&mut cluster, "orders", 2);
    let recreated = cluster.topic("orders");
    assert!(recreated.is_some_and(|topic| topic.partitions.iter().all(|p| p.records.is_empty())));
}

#[test]
fn deleting_a_missing_topic_is_unknown_topic_or_partition() {
    let mut cluster = new_cluster(1);
    let (code, message) = refused(
        &mut cluster,
        Command::DeleteTopic {
            topic: "orders".into(),
        },
    );
    assert_eq!(code, ErrorCode::UnknownTopicOrPartition);
    assert_eq!(message, "This server does not host this topic-partition.");
}

#[test]
fn adding_partitions_raises_the_count() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 3);
    let events = cluster.apply(add_partitions("orders", 5));
    assert_eq!(
        events,
        Ok(vec![Event::PartitionsCreated {
            topic: "orders".into(),
            old_count: 3,
            new_count: 5,
        }])
    );
    assert_eq!(cluster.partition_count("orders"), Some(5));
}

#[test]
fn lowering_partition_count_is_refused() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 3);
    let (code, message) = refused(&mut cluster, add_partitions("orders", 2));
    assert_eq!(code, ErrorCode::InvalidPartitions);
    assert_eq!(
        message,
        "The topic orders currently has 3 partition(s); 2 would not be an increase."
    );
    refused(&mut cluster, add_partitions("orders", -4));
}

#[test]
fn keeping_partition_count_is_refused() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 3);
    let (code, message) = refused(&mut cluster, add_partitions("orders", 3));
    assert_eq!(code, ErrorCode::InvalidPartitions);
    assert_eq!(message, "Topic already has 3 partition(s).");
}

#[test]
fn adding_partitions_over_the_playground_limit_is_refused() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 3);
    let (code, message) = refused(&mut cluster, add_partitions("orders", 13));
    assert_eq!(code, ErrorCode::InvalidPartitions);
    assert!(message.contains("playground's limit"), "{message}");
}

#[test]
fn adding_partitions_to_a_missing_topic_is_unknown_topic_or_partition() {
    let mut cluster = new_cluster(1);
    let (code, _) = refused(&mut cluster, add_partitions("orders", 3));
    assert_eq!(code, ErrorCode::UnknownTopicOrPartition);
}

#[test]
fn configuring_the_producer_reports_and_keeps_the_config() {
    let mut cluster = new_cluster(1);
    let config = ProducerConfig {
        partitioner: PartitionerKind::RoundRobin,
        batch_size: 0,
        linger_ms: 0,
    };
    let events = cluster.apply(Command::ConfigureProducer(config));
    assert_eq!(events, Ok(vec![Event::ProducerConfigured(config)]));
    assert_eq!(*cluster.producer_config(), config);
}

#[test]
fn invalid_producer_configs_are_refused() {
    let mut cluster = new_cluster(1);
    let negative_batch = ProducerConfig {
        batch_size: -1,
        ..ProducerConfig::default()
    };
    let (code, message) = refused(&mut cluster, Command::ConfigureProducer(negative_batch));
    assert_eq!(code, ErrorCode::InvalidConfig);
    assert_eq!(
        message,
        "Invalid value -1 for configuration batch.size: Value must be at least 0"
    );
    let negative_linger = ProducerConfig {
        linger_ms: -1,
        ..ProducerConfig::default()
    };
    refused(&mut cluster, Command::ConfigureProducer(negative_linger));
}
