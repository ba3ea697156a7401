//! Random, often nonsensical command sequences never panic, and after every command the
//! cluster's invariants hold (checked against an independent model kept by the test):
//! - a refused command leaves the state exactly as it was;
//! - the topics and their partition counts are the ones the accepted commands asked for, each
//!   count between 1 and the playground limit;
//! - each partition's offsets are dense from the log start offset to the log end offset - 1;
//! - every record is the one the test produced at that offset, and every keyed record without
//!   an explicit partition sits in `to_positive(murmur2(key)) % (partition count when it was
//!   produced)`, computed by the test from its own record of the count.
//!
//! At the end the same commands are replayed on a fresh cluster with the same seed and must
//! give the same outcomes and views.

use std::collections::BTreeMap;

use kplay_core::{
    murmur2, to_positive, Cluster, ClusterConfig, Command, Event, KafkaError, PartitionerKind,
    ProducerConfig,
};
use proptest::prelude::*;

/// Valid names, "orders" most often so that commands tend to meet an existing topic; "a.b"
/// and "a_b" collide.
fn known_topic() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("orders".to_string()),
        3 => prop::sample::select(vec!["users", "a.b", "a_b", "x"]).prop_map(String::from),
    ]
}

fn topic_name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => known_topic(),
        1 => prop::sample::select(vec!["", ".", "..", "bad name", "ключ", "🦀", "a/b"])
            .prop_map(String::from),
        1 => Just("t".repeat(250)),
        1 => "\\PC{0,12}",
    ]
}

/// The topic a produce or CreatePartitions goes to: mostly one that exists.
fn target_topic() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just("orders".to_string()),
        2 => known_topic(),
        1 => topic_name(),
    ]
}

fn partition_count() -> impl Strategy<Value = i32> {
    prop_oneof![8 => 1..=12_i32, 2 => -2..16_i32, 1 => any::<i32>()]
}

fn text(max_len: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z0-9-]{0,6}",
        2 => "\\PC{0,10}",
        1 => prop::collection::vec(any::<char>(), 0..max_len).prop_map(String::from_iter),
    ]
}

fn create_topic() -> impl Strategy<Value = Command> {
    let max_message_bytes = prop::option::weighted(
        0.3,
        prop_oneof![
            3 => -5..400_i32,
            1 => Just(1_048_588),
            1 => any::<i32>(),
        ],
    );
    (topic_name(), partition_count(), max_message_bytes).prop_map(
        |(topic, partitions, max_message_bytes)| Command::CreateTopic {
            topic,
            partitions,
            max_message_bytes,
        },
    )
}

fn configure_producer() -> impl Strategy<Value = Command> {
    let partitioner = prop_oneof![
        Just(PartitionerKind::UniformSticky),
        Just(PartitionerKind::RoundRobin)
    ];
    let batch_size = prop_oneof![3 => -2..300_i32, 1 => Just(16384), 1 => any::<i32>()];
    (partitioner, batch_size, -2..10_i64).prop_map(|(partitioner, batch_size, linger_ms)| {
        Command::ConfigureProducer(ProducerConfig {
            partitioner,
            batch_size,
            linger_ms,
        })
    })
}

fn produce() -> impl Strategy<Value = Command> {
    let explicit = prop::option::weighted(0.15, prop_oneof![4 => -2..14_i32, 1 => any::<i32>()]);
    (
        target_topic(),
        prop::option::weighted(0.7, text(300)),
        prop::option::weighted(0.9, text(1500)),
        explicit,
    )
        .prop_map(|(topic, key, value, partition)| Command::Produce {
            topic,
            key,
            value,
            partition,
        })
}

/// Creates "orders" and maybe more topics, so that later commands have something to act on.
fn setup() -> impl Strategy<Value = Vec<Command>> {
    let create = |topic: BoxedStrategy<String>| {
        let max_message_bytes = prop::option::of(60..3000_i32);
        (topic, 1..=12_i32, max_message_bytes).prop_map(|(topic, partitions, max_message_bytes)| {
            Command::CreateTopic {
                topic,
                partitions,
                max_message_bytes,
            }
        })
    };
    let orders = create(Just("orders".to_string()).boxed());
    let others = prop::collection::vec(create(known_topic().boxed()), 0..3);
    (orders, others).prop_map(|(orders, others)| std::iter::once(orders).chain(others).collect())
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        3 => create_topic(),
        1 => topic_name().prop_map(|topic| Command::DeleteTopic { topic }),
        2 => (target_topic(), partition_count())
            .prop_map(|(topic, total_count)| Command::CreatePartitions { topic, total_count }),
        1 => configure_producer(),
        24 => produce(),
    ]
}

/// What the test expects of one stored record.
#[derive(Debug, Clone)]
struct ExpectedRecord {
    key: Option<String>,
    value: Option<String>,
    /// The hashed partition for keyed records produced without an explicit partition.
    keyed_partition: Option<i32>,
}

/// The test's own account of the topics: partition counts and records, by (partition, offset).
#[derive(Debug, Default)]
struct Model {
    topics: BTreeMap<String, ModelTopic>,
}

#[derive(Debug, Default)]
struct ModelTopic {
    partition_count: i32,
    records: BTreeMap<(i32, i64), ExpectedRecord>,
}

impl Model {
    /// Applies an accepted command to the model, checking the events say what it asked for.
    fn accept(&mut self, command: &Command, events: &[Event]) {
        match command {
            Command::CreateTopic {
                topic, partitions, ..
            } => {
                let count = if *partitions == -1 { 1 } else { *partitions };
                assert_eq!(
                    events,
                    [Event::TopicCreated {
                        topic: topic.clone(),
                        partitions: count,
                    }]
                );
                let new_topic = ModelTopic {
                    partition_count: count,
                    records: BTreeMap::new(),
                };
                assert!(self.topics.insert(topic.clone(), new_topic).is_none());
            }
            Command::DeleteTopic { topic } => {
                assert!(self.topics.remove(topic).is_some());
            }
            Command::CreatePartitions { topic, total_count } => {
                let model = self.topics.get_mut(topic);
                let model = model.unwrap_or_else(|| panic!("{topic} grew but is not known"));
                assert!(*total_count > model.partition_count);
                model.partition_count = *total_count;
            }
            Command::ConfigureProducer(_) => {}
            Command::Produce {
                topic,
                key,
                value,
                partition,
            } => self.accept_record(topic, key, value, *partition, events),
        }
    }

    fn accept_record(
        &mut self,
        topic: &str,
        key: &Option<String>,
        value: &Option<String>,
        explicit: Option<i32>,
        events: &[Event],
    ) {
        let [Event::RecordAppended {
            partition, offset, ..
        }] = events
        else {
            panic!("produce gave {events:?}");
        };
        let model = self.topics.get_mut(topic);
        let model = model.unwrap_or_else(|| panic!("produced to unknown {topic}"));
        let keyed_partition = match (explicit, key) {
            (Some(explicit), _) => {
                assert_eq!(partition.0, explicit);
                None
            }
            (None, Some(key)) => Some(to_positive(murmur2(key.as_bytes())) % model.partition_count),
            (None, None) => None,
        };
        let expected = ExpectedRecord {
            key: key.clone(),
            value: value.clone(),
            keyed_partition,
        };
        assert!(model
            .records
            .insert((partition.0, offset.0), expected)
            .is_none());
    }
}

/// Checks every invariant of the cluster against the model.
fn check_invariants(cluster: &Cluster, model: &Model) {
    let views = cluster.topics();
    let names: Vec<&str> = views.iter().map(|view| view.name.as_str()).collect();
    let model_names: Vec<&str> = model.topics.keys().map(String::as_str).collect();
    assert_eq!(names, model_names);
    let limit = cluster.config().max_partitions_per_topic;
    for view in &views {
        let model_topic = &model.topics[&view.name];
        let count = i32::try_from(view.partitions.len()).unwrap_or(i32::MAX);
        assert_eq!(count, model_topic.partition_count);
        assert!((1..=limit).contains(&count), "{} has {count}", view.name);
        let mut records_seen = 0;
        for (index, partition) in (0..).zip(&view.partitions) {
            assert_eq!(partition.partition.0, index);
            let start = partition.log_start_offset.0;
            let offsets: Vec<i64> = partition.records.iter().map(|r| r.offset.0).collect();
            let dense: Vec<i64> = (start..partition.log_end_offset.0).collect();
            assert_eq!(offsets, dense, "{}-{index} offsets", view.name);
            for record in &partition.records {
                let expected = &model_topic.records[&(index, record.offset.0)];
                assert_eq!(record.key, expected.key);
                assert_eq!(record.value, expected.value);
                if let Some(keyed) = expected.keyed_partition {
                    assert_eq!(index, keyed, "keyed record {:?} misplaced", record.key);
                }
                records_seen += 1;
            }
        }
        assert_eq!(records_seen, model_topic.records.len());
    }
}

type Outcome = Result<Vec<Event>, KafkaError>;

fn run_checked(seed: u64, commands: &[Command]) -> (Vec<Outcome>, Cluster) {
    let mut cluster = Cluster::new(ClusterConfig::default(), seed);
    let mut model = Model::default();
    let mut outcomes = Vec::with_capacity(commands.len());
    for command in commands {
        let before = cluster.clone();
        let outcome = cluster.apply(command.clone());
        match &outcome {
            Ok(events) => model.accept(command, events),
            Err(error) => {
                assert_eq!(
                    cluster, before,
                    "refused {command:?} ({error}) changed state"
                );
            }
        }
        check_invariants(&cluster, &model);
        outcomes.push(outcome);
    }
    (outcomes, cluster)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn random_commands_keep_the_cluster_consistent(
        seed in any::<u64>(),
        setup in setup(),
        random in prop::collection::vec(command(), 1..60),
    ) {
        let commands: Vec<Command> = setup.into_iter().chain(random).collect();
        let (outcomes, cluster) = run_checked(seed, &commands);

        let mut replay = Cluster::new(ClusterConfig::default(), seed);
        let replayed: Vec<Outcome> =
            commands.iter().map(|command| replay.apply(command.clone())).collect();
        prop_assert_eq!(replayed, outcomes);
        prop_assert_eq!(replay.topics(), cluster.topics());
    }
}
