//! Helpers shared by the transaction scenario tests: building a cluster, transactional
//! producers and consumers, and reading what happened from the events.

#![allow(dead_code)]

use kplay_core::cluster::event::{Event, EventKind};
use kplay_core::error::ErrorCode;
use kplay_core::network::ClientId;
use kplay_core::transaction::TransactionEvent;
use kplay_core::{
    Cluster, ClusterConfig, Command, CommitPolicy, KafkaError, NewRecord, Offset, Subscription,
    TopicPartition,
};

pub const SEED: u64 = 7;

pub fn cluster() -> Cluster {
    let mut cluster = Cluster::new(ClusterConfig::default(), SEED).expect("a valid cluster");
    create_topic(&mut cluster, "orders", 1);
    cluster
}

pub fn create_topic(cluster: &mut Cluster, topic: &str, partitions: i32) {
    apply(
        cluster,
        Command::CreateTopic {
            topic: topic.into(),
            partitions,
            replication_factor: 3,
            configs: Vec::new(),
        },
    );
}

/// Runs the cluster, checking every invariant afterwards.
pub fn run_for(cluster: &mut Cluster, duration_ms: i64) -> Vec<Event> {
    let events = cluster.run_for(duration_ms);
    let violations = kplay_core::check::invariants::check_all(cluster);
    assert!(violations.is_empty(), "{violations:?}");
    events
}

pub fn apply(cluster: &mut Cluster, command: Command) -> Vec<Event> {
    match cluster.apply(command.clone()) {
        Ok(events) => events,
        Err(error) => panic!("{command:?} was refused: {error}"),
    }
}

pub fn refusal(cluster: &mut Cluster, command: Command) -> KafkaError {
    match cluster.apply(command.clone()) {
        Ok(events) => panic!("{command:?} was accepted: {}", Cluster::trace(&events)),
        Err(error) => error,
    }
}

pub fn producer(cluster: &mut Cluster, name: &str, configs: &[(&str, &str)]) {
    let configs = configs
        .iter()
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect();
    apply(
        cluster,
        Command::CreateProducer {
            name: name.into(),
            configs,
        },
    );
}

pub fn transactional_producer(cluster: &mut Cluster, name: &str, transactional_id: &str) {
    producer(cluster, name, &[("transactional.id", transactional_id)]);
}

/// `initTransactions()` and waits until it returned.
pub fn init_transactions(cluster: &mut Cluster, name: &str) -> Vec<Event> {
    let mut events = apply(
        cluster,
        Command::InitTransactions {
            producer: name.into(),
        },
    );
    events.extend(run_for(cluster, 3_000));
    assert!(
        transaction_events(&events)
            .iter()
            .any(|event| matches!(event, TransactionEvent::Initialized { .. })),
        "initTransactions() did not return: {}",
        Cluster::trace(&events)
    );
    events
}

pub fn begin(cluster: &mut Cluster, name: &str) {
    apply(
        cluster,
        Command::BeginTransaction {
            producer: name.into(),
        },
    );
}

pub fn consumer(
    cluster: &mut Cluster,
    name: &str,
    isolation: &str,
    partitions: Vec<TopicPartition>,
) -> ClientId {
    apply(
        cluster,
        Command::CreateConsumer {
            name: name.into(),
            configs: vec![
                ("isolation.level".into(), isolation.into()),
                ("auto.offset.reset".into(), "earliest".into()),
            ],
            subscription: Subscription::Partitions(partitions),
            policy: CommitPolicy::default(),
        },
    );
    cluster
        .consumer_views()
        .into_iter()
        .find(|view| view.name == name)
        .map(|view| view.id)
        .expect("the consumer exists")
}

pub fn orders() -> Vec<TopicPartition> {
    vec![TopicPartition::new("orders", 0)]
}

pub fn record(value: &str) -> NewRecord {
    NewRecord::new("orders", Some("k"), Some(value))
}

pub fn send(cluster: &mut Cluster, producer: &str, record: NewRecord) {
    apply(
        cluster,
        Command::Produce {
            producer: producer.into(),
            record,
        },
    );
}

/// Records handed to `consumer`'s application.
pub fn delivered(events: &[Event], consumer: ClientId) -> i32 {
    events
        .iter()
        .map(|event| match &event.kind {
            EventKind::RecordsDelivered {
                consumer: who,
                records,
                ..
            } if *who == consumer => *records,
            _ => 0,
        })
        .sum()
}

pub fn transaction_events(events: &[Event]) -> Vec<TransactionEvent> {
    events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Transaction(event) => Some(event.clone()),
            _ => None,
        })
        .collect()
}

pub fn call_failures(events: &[Event]) -> Vec<(String, KafkaError)> {
    transaction_events(events)
        .into_iter()
        .filter_map(|event| match event {
            TransactionEvent::CallFailed {
                operation, error, ..
            } => Some((operation, error)),
            _ => None,
        })
        .collect()
}

pub fn committed(events: &[Event]) -> bool {
    transaction_events(events)
        .iter()
        .any(|event| matches!(event, TransactionEvent::Committed { .. }))
}

pub fn partition_offsets(cluster: &Cluster, topic: &str, partition: i32) -> (Offset, Offset) {
    let view = cluster.topic_view(topic).expect("the topic exists");
    let partition = &view.partitions[partition as usize];
    (partition.high_watermark, partition.last_stable_offset)
}

/// The outcome of each transaction `t<n>` as the partition's log says: `Some(true)` when the
/// marker after its records is a COMMIT, `Some(false)` for ABORT, `None` while undecided;
/// `Err` if a transaction's records have different outcomes (atomicity broken).
pub fn logged_outcomes(
    cluster: &Cluster,
) -> kplay_core::vec_map::VecMap<String, Result<Option<bool>, String>> {
    let partition = TopicPartition::new("orders", 0);
    let leader = cluster.current_leader(&partition).expect("led");
    let log = cluster.log_view(leader, &partition, 10_000).expect("log");
    let records: Vec<_> = log
        .segments
        .into_iter()
        .flat_map(|segment| segment.records)
        .collect();
    let mut outcomes = kplay_core::vec_map::VecMap::new();
    for (index, record) in records.iter().enumerate() {
        let Some(value) = record.value.as_deref().filter(|_| record.control.is_none()) else {
            continue;
        };
        let Some((transaction, _)) = value.split_once('-') else {
            continue;
        };
        let marker = records[index + 1..]
            .iter()
            .find(|later| later.producer_id == record.producer_id && later.control.is_some())
            .map(|marker| marker.control.as_deref() == Some("COMMIT"));
        let entry = outcomes
            .entry(transaction.to_string())
            .or_insert(Ok(marker));
        if *entry != Ok(marker) {
            *entry = Err(format!(
                "{value} has outcome {marker:?}, its transaction {entry:?}"
            ));
        }
    }
    outcomes
}

/// Makes a blocking transactional call and waits for it, calling it again after a
/// `TimeoutException` as Kafka advises: its outcome, `Ok(true)` for a commit.
pub fn finish_call(
    cluster: &mut Cluster,
    call: Command,
    events: &mut Vec<Event>,
) -> Option<Result<bool, KafkaError>> {
    for _ in 0..4 {
        let mut round = apply(cluster, call.clone());
        round.extend(run_for(cluster, 70_000));
        let outcome = transaction_events(&round)
            .into_iter()
            .find_map(|event| match event {
                TransactionEvent::Committed { .. } => Some(Ok(true)),
                TransactionEvent::Aborted { .. } => Some(Ok(false)),
                TransactionEvent::CallFailed { error, .. } => Some(Err(error)),
                _ => None,
            });
        events.extend(round);
        match outcome {
            Some(Err(error)) if error.code == ErrorCode::ClientTimeout => continue,
            other => return other,
        }
    }
    None
}
