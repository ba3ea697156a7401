//! Same config, seed and commands give the same events and views; refused commands change
//! nothing; commands, events and views survive a serde round trip.

mod common;

use common::*;
use kplay_core::{
    Cluster, ClusterConfig, Command, Event, KafkaError, PartitionerKind, ProducerConfig, TopicView,
};

fn script() -> Vec<Command> {
    let mut commands = vec![
        Command::CreateTopic {
            topic: "orders".into(),
            partitions: 4,
            max_message_bytes: None,
        },
        Command::CreateTopic {
            topic: "clicks".into(),
            partitions: 6,
            max_message_bytes: Some(200),
        },
        Command::ConfigureProducer(ProducerConfig {
            batch_size: 64,
            ..ProducerConfig::default()
        }),
    ];
    for index in 0..40 {
        let key = (index % 3 == 0).then(|| format!("user-{}", index % 7));
        commands.push(Command::Produce {
            topic: if index % 2 == 0 { "orders" } else { "clicks" }.into(),
            key,
            value: Some("x".repeat(index * 7)),
            partition: None,
        });
        if index == 20 {
            commands.push(Command::CreatePartitions {
                topic: "orders".into(),
                total_count: 8,
            });
        }
    }
    commands.push(Command::ConfigureProducer(ProducerConfig {
        partitioner: PartitionerKind::RoundRobin,
        ..ProducerConfig::default()
    }));
    for _ in 0..5 {
        commands.push(produce_command("orders", None, Some("rr")));
    }
    commands
}

type Outcomes = Vec<Result<Vec<Event>, KafkaError>>;

fn run(seed: u64, commands: &[Command]) -> (Outcomes, Vec<TopicView>) {
    let mut cluster = Cluster::new(ClusterConfig::default(), seed);
    let outcomes = commands
        .iter()
        .map(|command| cluster.apply(command.clone()))
        .collect();
    (outcomes, cluster.topics())
}

#[test]
fn same_seed_and_commands_give_same_events_and_views() {
    let commands = script();
    let first = run(42, &commands);
    let second = run(42, &commands);
    assert_eq!(first, second);
    // The script exercises refusals too (values too large for "clicks").
    assert!(first.0.iter().any(Result::is_err));
    assert!(first.0.iter().filter(|outcome| outcome.is_ok()).count() > 30);
}

#[test]
fn different_seeds_can_pick_different_sticky_partitions() {
    let commands = script();
    let baseline = run(0, &commands);
    let differs = (1..20).any(|seed| run(seed, &commands) != baseline);
    assert!(differs);
}

#[test]
fn refused_commands_leave_state_unchanged() {
    let mut cluster = new_cluster(7);
    create_topic(&mut cluster, "orders", 3);
    create_topic(&mut cluster, "a.b", 1);
    produce_unkeyed(&mut cluster, "orders", "warm up the sticky partitioner");
    let bad_commands = [
        Command::CreateTopic {
            topic: "orders".into(),
            partitions: 3,
            max_message_bytes: None,
        },
        Command::CreateTopic {
            topic: "a_b".into(),
            partitions: 3,
            max_message_bytes: None,
        },
        Command::CreateTopic {
            topic: "..".into(),
            partitions: 3,
            max_message_bytes: None,
        },
        Command::CreateTopic {
            topic: "new".into(),
            partitions: 0,
            max_message_bytes: None,
        },
        Command::CreateTopic {
            topic: "new".into(),
            partitions: 3,
            max_message_bytes: Some(i32::MIN),
        },
        Command::DeleteTopic {
            topic: "missing".into(),
        },
        Command::CreatePartitions {
            topic: "orders".into(),
            total_count: 1,
        },
        Command::CreatePartitions {
            topic: "orders".into(),
            total_count: 1000,
        },
        Command::ConfigureProducer(ProducerConfig {
            batch_size: i32::MIN,
            ..ProducerConfig::default()
        }),
        Command::Produce {
            topic: "orders".into(),
            key: None,
            value: None,
            partition: Some(3),
        },
        Command::Produce {
            topic: "orders".into(),
            key: None,
            value: Some("x".repeat(2_000_000)),
            partition: None,
        },
        produce_command("missing", Some("k"), None),
    ];
    for command in bad_commands {
        refused(&mut cluster, command);
    }
}

#[test]
fn commands_events_and_views_round_trip_through_json() {
    let commands = script();
    let (outcomes, views) = run(3, &commands);
    let json = serde_json::to_string(&(&commands, &outcomes, &views));
    assert!(json.is_ok());
    let parsed: Result<(Vec<Command>, Outcomes, Vec<TopicView>), _> =
        serde_json::from_str(json.as_deref().unwrap_or_default());
    assert_eq!(parsed.ok(), Some((commands, outcomes, views)));
}

#[test]
fn configs_deserialize_with_missing_fields_as_defaults() {
    let cluster: Result<ClusterConfig, _> = serde_json::from_str("{}");
    assert_eq!(cluster.ok(), Some(ClusterConfig::default()));
    let producer: Result<ProducerConfig, _> = serde_json::from_str(r#"{"batch_size": 10}"#);
    assert_eq!(
        producer.ok(),
        Some(ProducerConfig {
            batch_size: 10,
            ..ProducerConfig::default()
        })
    );
}
