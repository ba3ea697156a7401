//! Delivery semantics from when the application commits relative to processing, and where it
//! crashes (Kafka's documentation, "Message Delivery Semantics": at-least-once and
//! at-most-once).

use kplay_core::{AlertKind, AppCommits, Command, CommitPolicy, EventKind, Offset};

use crate::support::*;

/// Runs until `name` got its first records, returning when.
fn until_first_delivery(sim: &mut Sim, name: &str) -> i64 {
    let id = sim.client_id(name);
    for _ in 0..200 {
        sim.run_for(100);
        let delivered = sim.events.iter().find(
            |e| matches!(&e.kind, EventKind::RecordsDelivered { consumer, .. } if *consumer == id),
        );
        if let Some(event) = delivered {
            return event.at_ms;
        }
    }
    panic!("{name} got no records");
}

// Kafka docs, Message Delivery Semantics (at-least-once): the application commits after processing; it crashes after processing records
// but before committing them, so whoever takes over the partition reads them again.
#[test]
fn a_crash_between_processing_and_committing_redelivers_records() {
    let mut sim = Sim::new(41, 1);
    sim.produce(30);
    let configs = [
        ("enable.auto.commit", "false"),
        ("max.poll.records", "10"),
        ("session.timeout.ms", "10000"),
    ];
    sim.consumer("c1", &configs, commit_after(200));
    let first = until_first_delivery(&mut sim, "c1");
    // First batch processed and committed (2 s); crash in the middle of the second.
    let target = first + 3_000 - sim.cluster.now_ms();
    sim.run_for(target);
    assert_eq!(
        sim.cluster.committed_offset(GROUP, &tp(0)),
        Some(Offset(10))
    );
    sim.apply(Command::CrashConsumer {
        consumer: "c1".into(),
    });
    sim.consumer("c2", &configs, commit_after(200));
    sim.run_for(25_000);
    assert!(sim.alerts(AlertKind::DuplicateDelivered) >= 1);
    let again = sim.deliveries("c2", &tp(0));
    assert_eq!(again.first().map(|(first, _)| *first), Some(Offset(10)));
    assert_eq!(
        sim.deliveries("c1", &tp(0)),
        vec![(Offset(0), Offset(9)), (Offset(10), Offset(19))]
    );
}

// Kafka docs, Message Delivery Semantics (at-most-once): the application commits before processing; records it had not finished
// processing when it crashed are never processed by anyone.
#[test]
fn a_crash_after_committing_before_processing_loses_records() {
    let mut sim = Sim::new(42, 1);
    sim.produce(30);
    let configs = [
        ("enable.auto.commit", "false"),
        ("max.poll.records", "10"),
        ("session.timeout.ms", "10000"),
    ];
    sim.consumer("c1", &configs, commit_before(200));
    let first = until_first_delivery(&mut sim, "c1");
    let target = first + 3_000 - sim.cluster.now_ms();
    sim.run_for(target);
    assert_eq!(
        sim.cluster.committed_offset(GROUP, &tp(0)),
        Some(Offset(20))
    );
    sim.apply(Command::CrashConsumer {
        consumer: "c1".into(),
    });
    sim.consumer("c2", &configs, commit_before(200));
    sim.run_for(25_000);
    assert_eq!(sim.alerts(AlertKind::DuplicateDelivered), 0);
    // c1 got 10..19 but crashed while processing them; c2 starts after them.
    assert_eq!(
        sim.deliveries("c1", &tp(0)).last(),
        Some(&(Offset(10), Offset(19)))
    );
    assert_eq!(
        sim.deliveries("c2", &tp(0))
            .first()
            .map(|(first, _)| *first),
        Some(Offset(20))
    );
}

// KafkaConsumer.seek moves the position commitSync() commits (SubscriptionState.allConsumed):
// records the application sought back over are not committed, so the group reads them again.
#[test]
fn a_seek_back_is_what_the_next_commit_commits() {
    let mut sim = Sim::new(42, 1);
    sim.produce(10);
    let manual = CommitPolicy {
        poll_interval_ms: None,
        processing_ms_per_record: 0,
        commits: AppCommits::Never,
    };
    sim.consumer("c1", &[("enable.auto.commit", "false")], manual);
    sim.run_for(6_000);
    sim.apply(Command::Poll {
        consumer: "c1".into(),
    });
    sim.run_for(500);
    assert_eq!(sim.deliveries("c1", &tp(0)), vec![(Offset(0), Offset(9))]);
    sim.apply(Command::Seek {
        consumer: "c1".into(),
        partition: tp(0),
        offset: Offset(4),
    });
    sim.apply(Command::Commit {
        consumer: "c1".into(),
        sync: true,
    });
    sim.run_for(1_000);
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), Some(Offset(4)));
}

// ConsumerCoordinator: the auto-commit timer (`nextAutoCommitTimer`) starts when the consumer
// is built and starts again when it has joined its group (`onJoinComplete`: "Reschedule the
// auto commit starting from now"), so the first auto-commit comes `auto.commit.interval.ms`
// after the consumer got its partitions, not when the cluster's clock first passes that
// interval.
#[test]
fn the_first_auto_commit_comes_one_interval_after_the_consumer_joins() {
    let mut sim = Sim::new(43, 1);
    sim.run_for(20_000);
    sim.produce(10);
    sim.consumer("c1", &[("auto.commit.interval.ms", "60000")], auto_commit());
    until_first_delivery(&mut sim, "c1");
    let id = sim.client_id("c1");
    let joined = sim
        .events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::PartitionsAssigned { consumer, .. } if *consumer == id))
        .map(|e| e.at_ms)
        .expect("c1 joined");
    sim.run_for(joined + 58_000 - sim.cluster.now_ms());
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), None);
    sim.run_for(4_000);
    assert_eq!(
        sim.cluster.committed_offset(GROUP, &tp(0)),
        Some(Offset(10))
    );
}

/// The trace lines of `name`'s client events with this first word.
fn client_traces(sim: &Sim, name: &str, word: &str) -> Vec<(i64, String)> {
    let id = sim.client_id(name);
    sim.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Client {
                client: Some(client),
                trace,
                ..
            } if *client == id && trace.starts_with(word) => Some((e.at_ms, trace.clone())),
            _ => None,
        })
        .collect()
}

// KIP-1106 (AutoOffsetResetStrategy.timestamp, OffsetFetcher.resetPositionsAsync): with
// `by_duration` a consumer without a committed offset starts at the first record whose
// timestamp is at or after now minus the duration, not at either end of the log.
#[test]
fn by_duration_starts_at_the_first_record_that_recent() {
    let mut sim = Sim::new(11, 1);
    sim.produce(10);
    sim.run_for(20_000);
    sim.produce(5);
    sim.consumer(
        "recent",
        &[("auto.offset.reset", "by_duration:PT15S")],
        auto_commit(),
    );
    until_first_delivery(&mut sim, "recent");
    assert_eq!(sim.deliveries("recent", &tp(0)), [(Offset(10), Offset(14))]);
    let positions = client_traces(&sim, "recent", "position");
    assert_eq!(positions.len(), 1, "{positions:?}");
    assert!(
        positions[0].1.ends_with("orders-0 offset=10"),
        "{positions:?}"
    );
}

// OffsetFetcherUtils.handleListOffsetResponse: a leader with no record that recent answers
// UNKNOWN_OFFSET (-1); the partition stays awaiting its reset and is asked again after
// request.timeout.ms, this time finding the records written meanwhile.
#[test]
fn by_duration_with_no_record_that_recent_asks_again_later() {
    let mut sim = Sim::new(12, 1);
    sim.produce(10);
    sim.run_for(70_000);
    sim.consumer(
        "late",
        &[("auto.offset.reset", "by_duration:PT1M")],
        auto_commit(),
    );
    sim.run_for(10_000);
    let unknown = client_traces(&sim, "late", "no-offset");
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(client_traces(&sim, "late", "position").is_empty());
    sim.produce(5);
    sim.run_for(15_000);
    assert!(sim.deliveries("late", &tp(0)).is_empty());
    let delivered_at = until_first_delivery(&mut sim, "late");
    assert_eq!(sim.deliveries("late", &tp(0)), [(Offset(10), Offset(14))]);
    let asked_again = client_traces(&sim, "late", "position")[0].0;
    assert!(
        asked_again >= unknown[0].0 + 30_000 - 100 && asked_again <= delivered_at,
        "asked again at {asked_again}, first answer at {}",
        unknown[0].0
    );
}

// FetchCollector.handleInitializeErrors / AbstractFetch.handleOffsetOutOfRange: with no reset
// policy, a position outside the log makes poll() throw OffsetOutOfRangeException naming the
// fetch position (not the NoOffsetForPartitionException of a partition without any offset).
#[test]
fn a_position_past_the_end_with_no_reset_policy_throws_out_of_range() {
    let mut sim = Sim::new(43, 1);
    sim.produce(10);
    sim.consumer("c1", &[("auto.offset.reset", "none")], auto_commit());
    sim.run_for(6_000);
    assert_eq!(
        sim.last_error("c1").as_deref(),
        Some("org.apache.kafka.clients.consumer.NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [orders-0]")
    );
    sim.apply(Command::Seek {
        consumer: "c1".into(),
        partition: tp(0),
        offset: Offset(7),
    });
    sim.run_for(1_000);
    assert_eq!(sim.deliveries("c1", &tp(0)), [(Offset(7), Offset(9))]);
    let leader = sim.cluster.topic_view(TOPIC).expect("topic").partitions[0]
        .leader
        .expect("led");
    sim.apply(Command::Seek {
        consumer: "c1".into(),
        partition: tp(0),
        offset: Offset(1_000),
    });
    sim.run_for(1_000);
    assert_eq!(
        sim.last_error("c1"),
        Some(out_of_range(1_000, "Optional.empty", leader))
    );
}

// KIP-320: a commit carries the leader epoch of the last record read, and a position taken from
// a committed offset keeps it (`refreshCommittedOffsets`), so the out-of-range exception of a
// member that restarts with `none` after retention deleted its offset names that epoch.
#[test]
fn a_committed_offset_that_retention_deleted_throws_out_of_range_with_its_epoch() {
    let mut sim = Sim::with_brokers_config(
        44,
        1,
        &[
            ("log.roll.ms", "1000"),
            ("log.retention.ms", "5000"),
            ("log.retention.check.interval.ms", "1000"),
        ],
    );
    sim.produce(10);
    sim.consumer("c1", &[("auto.commit.interval.ms", "1000")], auto_commit());
    sim.run_for(8_000);
    assert_eq!(
        sim.cluster.committed_offset(GROUP, &tp(0)),
        Some(Offset(10))
    );
    sim.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    });
    for _ in 0..3 {
        sim.run_for(2_000);
        sim.produce(5);
    }
    sim.run_for(8_000);
    let leader = sim.cluster.topic_view(TOPIC).expect("topic").partitions[0]
        .leader
        .expect("led");
    let log = sim.cluster.log_view(leader, &tp(0), 100).expect("log");
    assert!(
        log.log_start_offset > Offset(10),
        "{:?}",
        log.log_start_offset
    );
    sim.consumer("c2", &[("auto.offset.reset", "none")], auto_commit());
    sim.run_for(8_000);
    assert_eq!(
        sim.last_error("c2"),
        Some(out_of_range(10, "Optional[0]", leader))
    );
}

/// The consumer's `OffsetOutOfRangeException` for orders-0 at `offset`, led by `leader` in
/// epoch 0 (`FetchPosition.toString()`, `Node.toString()`).
fn out_of_range(offset: i64, offset_epoch: &str, leader: kplay_core::BrokerId) -> String {
    format!(
        "org.apache.kafka.clients.consumer.OffsetOutOfRangeException: Fetch position FetchPosition{{offset={offset}, offsetEpoch={offset_epoch}, currentLeader=LeaderAndEpoch{{leader=Optional[localhost:{} (id: {} rack: null isFenced: false)], epoch=0}}}} is out of range for partition orders-0",
        9091 + leader.0,
        leader.0
    )
}

/// Every `OffsetsCommitted` of a consumer: when, and what.
fn commits(sim: &Sim, name: &str) -> Vec<(i64, Vec<(kplay_core::TopicPartition, Offset)>)> {
    let id = sim.client_id(name);
    sim.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::OffsetsCommitted {
                consumer, offsets, ..
            } if *consumer == id => Some((e.at_ms, offsets.clone())),
            _ => None,
        })
        .collect()
}

// ConsumerCoordinator.autoCommitOffsetsAsync commits SubscriptionState.allConsumed(): every
// assigned partition with a valid position, whether or not it moved. A consumer that never got
// a record commits the positions auto.offset.reset gave it, and commits them again every
// interval.
#[test]
fn auto_commit_commits_every_position_even_unchanged() {
    let mut sim = Sim::new(44, 2);
    sim.consumer("c1", &[("auto.offset.reset", "latest")], auto_commit());
    sim.run_for(20_000);
    for partition in [tp(0), tp(1)] {
        assert_eq!(
            sim.cluster.committed_offset(GROUP, &partition),
            Some(Offset(0))
        );
    }
    let commits = commits(&sim, "c1");
    assert!(commits.len() >= 2, "{commits:?}");
    for (_, offsets) in &commits {
        assert_eq!(offsets, &vec![(tp(0), Offset(0)), (tp(1), Offset(0))]);
    }
    let gaps: Vec<i64> = commits.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(
        gaps.iter().all(|gap| (5_000..5_200).contains(gap)),
        "{gaps:?}"
    );
}
