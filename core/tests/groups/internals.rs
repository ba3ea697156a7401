//! FindCoordinator, the `__consumer_offsets` topic and what it holds.

use kplay_core::group::coordinator::partition_for;
use kplay_core::group::coordinator::OFFSETS_TOPIC;
use kplay_core::{Command, EventKind, TopicPartition};

use crate::support::*;

// KafkaApis.handleFindCoordinatorRequest / GroupCoordinator.offsetsTopicConfigs: the first
// FindCoordinator creates __consumer_offsets, compacted, with offsets.topic.num.partitions
// partitions, and the coordinator is the leader of partition abs(hashCode) % partitions.
#[test]
fn the_first_find_coordinator_creates_the_compacted_offsets_topic() {
    let mut sim = Sim::new(61, 1);
    assert_eq!(sim.cluster.partition_count(OFFSETS_TOPIC), None);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(8_000);
    assert_eq!(sim.cluster.partition_count(OFFSETS_TOPIC), Some(3));
    assert!(sim.cluster.topic_is_compacted(OFFSETS_TOPIC));
    let created = sim.events.iter().any(|e| {
        matches!(&e.kind, EventKind::TopicCreated { topic, replication_factor: 3, .. } if topic == OFFSETS_TOPIC)
    });
    assert!(created);
    let group = sim.cluster.describe_group(GROUP).expect("group");
    let index = partition_for(GROUP, 3);
    assert_eq!(
        group.offsets_partition,
        TopicPartition::new(OFFSETS_TOPIC, index)
    );
    assert_eq!(
        sim.cluster.current_leader(&group.offsets_partition),
        Some(group.coordinator)
    );
}

// offsets.topic.replication.factor is capped by the live brokers (a stated simplification).
#[test]
fn the_offsets_topic_replication_factor_is_capped_by_live_brokers() {
    let config = kplay_core::ClusterConfig {
        brokers: 1,
        controller_voters: 1,
        ..kplay_core::ClusterConfig::default()
    };
    let mut cluster = kplay_core::Cluster::new(config, 62).expect("cluster");
    cluster
        .apply(Command::CreateTopic {
            topic: TOPIC.into(),
            partitions: 1,
            replication_factor: 1,
            configs: Vec::new(),
        })
        .expect("topic");
    cluster
        .apply(Command::CreateConsumer {
            name: "c1".into(),
            configs: vec![("group.id".into(), GROUP.into())],
            subscription: kplay_core::Subscription::Topics(vec![TOPIC.into()]),
            policy: auto_commit(),
        })
        .expect("consumer");
    let events = cluster.run_for(8_000);
    assert!(events.iter().any(|e| matches!(&e.kind,
        EventKind::TopicCreated { topic, partitions: 50, replication_factor: 1, .. } if topic == OFFSETS_TOPIC)));
    assert_eq!(
        cluster.describe_group(GROUP).map(|g| g.state),
        Some("Stable".into())
    );
}

// The records a learner reads in __consumer_offsets: the group's metadata (members and their
// assignment) and each committed offset, as readable text.
#[test]
fn the_offsets_partition_holds_readable_group_and_offset_records() {
    let mut sim = Sim::new(63, 1);
    sim.produce(3);
    sim.consumer("c1", &[("auto.commit.interval.ms", "1000")], auto_commit());
    sim.run_for(10_000);
    let group = sim.cluster.describe_group(GROUP).expect("group");
    let log = sim
        .cluster
        .log_view(group.coordinator, &group.offsets_partition, 100)
        .expect("log");
    let records: Vec<(String, Option<String>)> = log
        .segments
        .iter()
        .flat_map(|s| s.records.iter())
        .map(|r| (r.key.clone().unwrap_or_default(), r.value.clone()))
        .collect();
    let member = &group.members[0].member_id;
    let metadata = records
        .iter()
        .filter(|(key, _)| key == "group_metadata::group=orders-app")
        .filter_map(|(_, value)| value.clone())
        .next_back()
        .expect("group metadata");
    assert!(metadata.starts_with("protocol_type=consumer,generation=1,protocol=range,leader="));
    assert!(metadata.contains(&format!(
        "member_id={member},client_id=c1,client_host=/10.0.0.2"
    )));
    assert!(metadata.ends_with("subscription=orders,owned=,assignment=orders-0"));
    let commit = records
        .iter()
        .filter(|(key, _)| key == "offset_commit::group=orders-app,topic=orders,partition=0")
        .filter_map(|(_, value)| value.clone())
        .next_back()
        .expect("a commit");
    // The consumer commits the leader epoch of the last record it read (KIP-320).
    assert!(commit.starts_with("offset=3,leader_epoch=0,metadata=,commit_timestamp="));
}

// OffsetMetadataManager.onPartitionsDeleted: deleting a topic deletes the groups' offsets of it.
#[test]
fn deleting_a_topic_deletes_its_committed_offsets() {
    let mut sim = Sim::new(64, 1);
    sim.produce(3);
    sim.consumer("c1", &[("auto.commit.interval.ms", "1000")], auto_commit());
    sim.run_for(10_000);
    assert!(sim.cluster.committed_offset(GROUP, &tp(0)).is_some());
    sim.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    });
    sim.run_for(2_000);
    sim.apply(Command::DeleteTopic {
        topic: TOPIC.into(),
    });
    sim.run_for(3_000);
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), None);
}

// KafkaApis.handleOffsetCommitRequest: a partition the broker does not know is answered
// UNKNOWN_TOPIC_OR_PARTITION and not committed, so a member that still owns a deleted
// topic's partitions does not bring its offsets back.
#[test]
fn a_commit_of_a_deleted_topic_is_refused() {
    let mut sim = Sim::new(64, 1);
    sim.produce(3);
    let configs = [
        ("auto.commit.interval.ms", "1000"),
        ("allow.auto.create.topics", "false"),
    ];
    sim.consumer("c1", &configs, auto_commit());
    sim.run_for(10_000);
    assert!(sim.cluster.committed_offset(GROUP, &tp(0)).is_some());
    let before = sim.events.len();
    sim.apply(Command::DeleteTopic {
        topic: TOPIC.into(),
    });
    sim.run_for(5_000);
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), None);
    // The member commits before it gives the partition up in the rebalance the deletion
    // starts (the leader's metadata no longer has the topic).
    let refused = sim.events[before..].iter().any(|event| {
        matches!(&event.kind, EventKind::OffsetCommitFailed { error, .. }
            if error.code == kplay_core::error::ErrorCode::UnknownTopicOrPartition)
    });
    assert!(
        refused,
        "{}",
        kplay_core::Cluster::trace(&sim.events[before..])
    );
}
