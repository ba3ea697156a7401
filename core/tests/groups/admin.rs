//! `kafka-consumer-groups --reset-offsets`, `--delete`, and offsets retention.

use kplay_core::group::coordinator::events::GroupEvent;
use kplay_core::{AlertKind, Command, ErrorCode, NewRecord, Offset, ResetSpec};

use crate::support::*;

/// A group that consumed 20 records of `orders` (2 partitions) and closed: Empty, with
/// committed offsets.
fn inactive_group(seed: u64) -> Sim {
    let mut sim = Sim::new(seed, 2);
    sim.produce(20);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(10_000);
    sim.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    });
    sim.run_for(2_000);
    assert_eq!(
        sim.cluster.describe_group(GROUP).map(|g| g.state),
        Some("Empty".into())
    );
    sim
}

fn committed(sim: &Sim) -> Vec<Option<Offset>> {
    [tp(0), tp(1)]
        .iter()
        .map(|p| sim.cluster.committed_offset(GROUP, p))
        .collect()
}

// ConsumerGroupCommand.resetOffsets: only an inactive group's offsets may be reset.
#[test]
fn reset_offsets_is_refused_for_an_active_group() {
    let mut sim = Sim::new(51, 2);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(8_000);
    let error = sim
        .cluster
        .apply(Command::ResetOffsets {
            group: GROUP.into(),
            partitions: vec![tp(0)],
            spec: ResetSpec::ToEarliest,
        })
        .expect_err("refused");
    assert_eq!(error.code, ErrorCode::NonEmptyGroup);
    assert_eq!(
        error.message,
        "Assignments can only be reset if the group 'orders-app' is inactive, but the current state is Stable."
    );
    let plan = sim
        .cluster
        .plan_offset_reset(GROUP, &[tp(0)], &ResetSpec::ToEarliest);
    assert_eq!(plan.map_err(|e| e.code), Err(ErrorCode::NonEmptyGroup));
}

// ConsumerGroupCommandTest / ResetConsumerGroupOffsetTest.testResetOffsetsToEarliest: an
// inactive group is reset and the next member reads from the new offsets.
#[test]
fn reset_offsets_applies_to_an_inactive_group() {
    let mut sim = inactive_group(52);
    assert_eq!(
        committed(&sim).iter().flatten().map(|o| o.0).sum::<i64>(),
        20
    );
    let from = sim.events.len();
    sim.apply(Command::ResetOffsets {
        group: GROUP.into(),
        partitions: Vec::new(),
        spec: ResetSpec::ToEarliest,
    });
    assert_eq!(committed(&sim), vec![Some(Offset(0)), Some(Offset(0))]);
    assert!(sim
        .group_events_since(from)
        .iter()
        .any(|e| matches!(e, GroupEvent::OffsetsReset { .. })));
    sim.consumer("c2", &[], auto_commit());
    sim.run_for(10_000);
    // The group reads everything again: the detector sees the repeat.
    assert!(sim.alerts(AlertKind::DuplicateDelivered) >= 1);
    let delivered: i64 = sim
        .cluster
        .consumer_views()
        .iter()
        .filter(|c| c.name == "c2")
        .map(|c| c.records_delivered)
        .sum();
    assert_eq!(delivered, 20);
}

// ResetConsumerGroupOffsetTest: every scenario, planned (--dry-run) without changing anything.
#[test]
fn the_reset_plan_follows_the_tools_rules() {
    let mut sim = inactive_group(53);
    let before = committed(&sim);
    let end0 = sim.cluster.group_offsets(GROUP).expect("offsets")[0]
        .log_end_offset
        .expect("end");
    let plan = |sim: &Sim, spec: ResetSpec| {
        sim.cluster
            .plan_offset_reset(GROUP, &[tp(0)], &spec)
            .map(|plan| plan[0].1 .0)
            .map_err(|e| e.message)
    };
    assert_eq!(plan(&sim, ResetSpec::ToEarliest), Ok(0));
    assert_eq!(plan(&sim, ResetSpec::ToLatest), Ok(end0.0));
    // --to-offset is clamped into [log start, latest].
    assert_eq!(plan(&sim, ResetSpec::ToOffset(1_000)), Ok(end0.0));
    assert_eq!(plan(&sim, ResetSpec::ToOffset(-5)), Ok(0));
    assert_eq!(plan(&sim, ResetSpec::ToOffset(2)), Ok(2));
    let current = before[0].expect("committed").0;
    assert_eq!(plan(&sim, ResetSpec::ToCurrent), Ok(current));
    assert_eq!(plan(&sim, ResetSpec::ShiftBy(-2)), Ok((current - 2).max(0)));
    assert_eq!(plan(&sim, ResetSpec::ShiftBy(100)), Ok(end0.0));
    // Nothing changed.
    assert_eq!(committed(&sim), before);
    // A partition with no committed offset cannot be shifted.
    sim.apply(Command::CreatePartitions {
        topic: TOPIC.into(),
        total_count: 3,
    });
    sim.run_for(2_000);
    let error = sim
        .cluster
        .plan_offset_reset(GROUP, &[tp(2)], &ResetSpec::ShiftBy(1))
        .expect_err("no committed offset");
    assert_eq!(
        error.message,
        "Cannot shift offset for partition orders-2 since there is no current committed offset"
    );
    let error = sim
        .cluster
        .plan_offset_reset(GROUP, &[tp(7)], &ResetSpec::ToEarliest)
        .expect_err("no such partition");
    assert_eq!(error.code, ErrorCode::UnknownTopicOrPartition);
    assert_eq!(error.message, "The partitions \"orders-7\" do not exist");
}

// ResetConsumerGroupOffsetTest.testResetOffsetsToSpecificDatetime / ByDuration: the first
// offset at or after the time, the latest offset when there is none.
#[test]
fn reset_by_time_finds_the_first_record_at_or_after_it() {
    let mut sim = Sim::new(54, 1);
    // A first consumer of the group creates __consumer_offsets, then leaves.
    sim.consumer("c0", &[], auto_commit());
    sim.run_for(5_000);
    sim.apply(Command::CloseConsumer {
        consumer: "c0".into(),
    });
    sim.run_for(1_000);
    sim.produce(5);
    sim.run_for(60_000);
    let middle = sim.cluster.clock_ms();
    sim.run_for(60_000);
    sim.produce(5);
    let plan = |sim: &Sim, spec: ResetSpec| {
        sim.cluster
            .plan_offset_reset(GROUP, &[tp(0)], &spec)
            .map(|plan| plan[0].1 .0)
            .map_err(|e| e.message)
    };
    assert_eq!(plan(&sim, ResetSpec::ToDatetime(middle)), Ok(5));
    assert_eq!(plan(&sim, ResetSpec::ToDatetime(0)), Ok(0));
    assert_eq!(plan(&sim, ResetSpec::ToDatetime(i64::MAX / 2)), Ok(10));
    // The second five records were produced 2 s ago, the first five 2 min before them.
    assert_eq!(plan(&sim, ResetSpec::ByDuration(1_000)), Ok(10));
    assert_eq!(plan(&sim, ResetSpec::ByDuration(30_000)), Ok(5));
    assert_eq!(plan(&sim, ResetSpec::ByDuration(300_000)), Ok(0));
    // A group the coordinator does not know can be reset (the tool treats it as inactive):
    // it becomes a "simple" group.
    sim.apply(Command::ResetOffsets {
        group: "fresh-group".into(),
        partitions: vec![tp(0)],
        spec: ResetSpec::ToOffset(3),
    });
    assert_eq!(
        sim.cluster.committed_offset("fresh-group", &tp(0)),
        Some(Offset(3))
    );
    let fresh = sim.cluster.describe_group("fresh-group").expect("group");
    assert_eq!(fresh.protocol_type, "", "a simple group");
    assert_eq!(fresh.state, "Empty");
}

// DeleteConsumerGroupsTest: only Empty groups are deleted, with their offsets.
#[test]
fn delete_group_removes_an_empty_group_and_refuses_others() {
    let mut sim = Sim::new(55, 2);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(8_000);
    let error = sim
        .cluster
        .apply(Command::DeleteGroup {
            group: GROUP.into(),
        })
        .expect_err("non-empty");
    assert_eq!(error.code, ErrorCode::NonEmptyGroup);
    assert_eq!(error.message, "The group is not empty.");
    let error = sim
        .cluster
        .apply(Command::DeleteGroup {
            group: "nobody".into(),
        })
        .expect_err("unknown");
    assert_eq!(error.code, ErrorCode::GroupIdNotFound);
    assert_eq!(error.message, "The group id does not exist.");

    let mut sim = inactive_group(56);
    let coordinator = sim.cluster.describe_group(GROUP).expect("group");
    sim.apply(Command::DeleteGroup {
        group: GROUP.into(),
    });
    sim.run_for(1_000);
    assert_eq!(sim.cluster.describe_group(GROUP), None);
    assert!(sim.cluster.group_listings().is_empty());
    assert_eq!(committed(&sim), vec![None, None]);
    // Tombstones: the group and its offsets have null values in __consumer_offsets.
    let log = sim
        .cluster
        .log_view(coordinator.coordinator, &coordinator.offsets_partition, 100)
        .expect("log");
    let records: Vec<_> = log.segments.iter().flat_map(|s| s.records.iter()).collect();
    let tombstones: Vec<&str> = records
        .iter()
        .filter(|r| r.value.is_none())
        .filter_map(|r| r.key.as_deref())
        .collect();
    assert!(tombstones.contains(&"group_metadata::group=orders-app"));
    assert!(tombstones.contains(&"offset_commit::group=orders-app,topic=orders,partition=0"));
}

// KIP-211 (GroupMetadataManagerTest.testOffsetExpirationOfActiveGroupSemantics...): offsets of an
// Empty group expire offsets.retention.minutes after it became Empty; the group goes with them.
#[test]
fn offsets_expire_after_retention_once_the_group_is_empty() {
    let retention = [
        ("offsets.retention.minutes", "1"),
        ("offsets.retention.check.interval.ms", "5000"),
    ];
    let mut sim = Sim::with_brokers_config(57, 2, &retention);
    sim.produce(10);
    sim.consumer("c1", &[], auto_commit());
    // Active for longer than the retention: its offsets stay.
    sim.run_for(90_000);
    assert!(committed(&sim).iter().all(Option::is_some));
    sim.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    });
    sim.run_for(50_000);
    assert!(committed(&sim).iter().all(Option::is_some), "not yet");
    sim.run_for(20_000);
    assert_eq!(committed(&sim), vec![None, None]);
    let events = sim.group_events();
    assert!(events.iter().any(
        |e| matches!(e, GroupEvent::OffsetsExpired { partitions, .. } if partitions.len() == 2)
    ));
    assert!(events.iter().any(|e| matches!(
        e,
        GroupEvent::GroupRemoved {
            deleted_by_admin: false,
            ..
        }
    )));
    assert!(sim.cluster.group_listings().is_empty());
}

// A simple consumer's offsets (assign(), no membership) expire retention after their commit.
#[test]
fn a_standalone_consumers_offsets_expire_after_their_commit() {
    let retention = [
        ("offsets.retention.minutes", "1"),
        ("offsets.retention.check.interval.ms", "5000"),
    ];
    let mut sim = Sim::with_brokers_config(58, 1, &retention);
    sim.apply(Command::CreateProducer {
        name: "p".into(),
        configs: Vec::new(),
    });
    sim.apply(Command::Produce {
        producer: "p".into(),
        record: NewRecord::new(TOPIC, Some("k"), Some("v")),
    });
    sim.apply(Command::CreateConsumer {
        name: "standalone".into(),
        configs: vec![
            ("group.id".into(), GROUP.into()),
            ("auto.offset.reset".into(), "earliest".into()),
            ("enable.auto.commit".into(), "false".into()),
        ],
        subscription: kplay_core::Subscription::Partitions(vec![tp(0)]),
        policy: commit_after(1),
    });
    sim.run_for(5_000);
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), Some(Offset(1)));
    let group = sim.cluster.describe_group(GROUP).expect("group");
    assert_eq!(group.protocol_type, "");
    assert_eq!(group.state, "Empty");
    sim.run_for(70_000);
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), None);
}
