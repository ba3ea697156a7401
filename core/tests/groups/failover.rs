//! The coordinator fails over with the leadership of its `__consumer_offsets` partition.

use kplay_core::group::coordinator::events::GroupEvent;
use kplay_core::network::NodeId;
use kplay_core::{AlertKind, Command, EventKind};

use crate::support::*;

// GroupMetadataManagerTest.testLoadOffsetsAndGroup / CoordinatorLoaderImplTest: the broker
// that takes over the offsets partition loads the groups from its replica of the log, so
// committed offsets and the group's generation survive the coordinator's crash.
#[test]
fn commits_survive_a_coordinator_failover() {
    let mut sim = Sim::new(31, 2);
    sim.produce(20);
    sim.consumer("c1", &[("auto.commit.interval.ms", "1000")], auto_commit());
    sim.run_for(12_000);
    let before = sim.cluster.describe_group(GROUP).expect("group");
    let committed: Vec<_> = [tp(0), tp(1)]
        .iter()
        .map(|p| sim.cluster.committed_offset(GROUP, p))
        .collect();
    assert!(committed.iter().all(Option::is_some), "{committed:?}");
    let old = before.coordinator;
    let from = sim.events.len();
    sim.apply(Command::StopBroker { broker: old });
    sim.run_for(30_000);
    let after = sim
        .cluster
        .describe_group(GROUP)
        .expect("group after failover");
    assert_ne!(after.coordinator, old);
    assert_eq!(after.generation, before.generation);
    assert_eq!(after.state, "Stable");
    let loaded = sim
        .group_events_since(from)
        .into_iter()
        .find_map(|e| match e {
            GroupEvent::GroupsLoaded {
                partition,
                coordinator,
                groups,
                offsets,
            } if *partition == after.offsets_partition => Some((*coordinator, *groups, *offsets)),
            _ => None,
        });
    let (coordinator, groups, offsets) = loaded.expect("the new coordinator loaded the group");
    assert_eq!(coordinator, after.coordinator);
    assert_eq!(groups, 1);
    assert!(offsets >= 2);
    for (partition, offset) in [tp(0), tp(1)].iter().zip(&committed) {
        let now = sim.cluster.committed_offset(GROUP, partition);
        assert!(now >= *offset, "{partition}: {now:?} < {offset:?}");
    }
    // The member kept its generation: no rebalance on the new coordinator.
    assert!(!sim
        .group_events_since(from)
        .iter()
        .any(|e| matches!(e, GroupEvent::RebalanceStarted { .. })));
    assert_eq!(
        sim.member_state("c1"),
        (before.generation, "stable".to_string())
    );
    // New records reach it, without re-delivery.
    sim.produce(10);
    sim.run_for(5_000);
    assert_eq!(sim.alerts(AlertKind::DuplicateDelivered), 0);
    let delivered: i64 = sim.cluster.consumer_views()[0].records_delivered;
    assert_eq!(delivered, 30);
}

// After a failover a new member of the group starts from the committed offsets, read from the
// new coordinator.
#[test]
fn a_new_member_resumes_from_offsets_committed_before_the_failover() {
    let mut sim = Sim::new(32, 2);
    sim.produce(20);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(10_000);
    sim.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    });
    sim.run_for(2_000);
    let old = sim
        .cluster
        .describe_group(GROUP)
        .expect("group")
        .coordinator;
    sim.apply(Command::StopBroker { broker: old });
    sim.run_for(20_000);
    let group = sim.cluster.describe_group(GROUP).expect("group");
    assert_eq!(group.state, "Empty");
    sim.consumer("c2", &[], auto_commit());
    sim.run_for(12_000);
    assert_eq!(sim.alerts(AlertKind::DuplicateDelivered), 0);
    let c2 = sim.client_id("c2");
    let redelivered = sim.events.iter().any(
        |e| matches!(&e.kind, EventKind::RecordsDelivered { consumer, .. } if *consumer == c2),
    );
    assert!(!redelivered, "c2 had nothing new to read");
}

// GroupMetadataManager.appendGroupMetadataErrorToResponseError: a commit whose records do not
// reach the ISR within offsets.commit.timeout.ms fails with COORDINATOR_NOT_AVAILABLE, and the
// coordinator does not count it as committed.
#[test]
fn a_commit_not_replicated_in_time_fails_with_coordinator_not_available() {
    let mut sim = Sim::new(33, 1);
    sim.produce(5);
    sim.consumer("c1", &[("enable.auto.commit", "false")], auto_commit());
    sim.run_for(8_000);
    let group = sim.cluster.describe_group(GROUP).expect("group");
    let followers: Vec<_> = (1..=3)
        .map(kplay_core::BrokerId)
        .filter(|b| *b != group.coordinator)
        .collect();
    for broker in &followers {
        sim.apply(Command::HoldFetches { broker: *broker });
    }
    let from = sim.events.len();
    let committed_at = sim.cluster.now_ms();
    sim.apply(Command::Commit {
        consumer: "c1".into(),
        sync: false,
    });
    sim.run_for(4_000);
    assert_eq!(
        sim.cluster.committed_offset(GROUP, &tp(0)),
        None,
        "not replicated yet"
    );
    sim.run_for(2_000);
    let failed = sim.events[from..].iter().find_map(|e| match &e.kind {
        EventKind::OffsetCommitFailed { error, .. } => Some((e.at_ms, error.clone())),
        _ => None,
    });
    let (at_ms, error) = failed.expect("the commit failed");
    // `doCommitOffsetsAsync` wraps a retriable error for commitAsync's callback.
    assert_eq!(error.code, kplay_core::ErrorCode::RetriableCommitFailed);
    assert!(
        error.message.ends_with(
            "Caused by: org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available."
        ),
        "{}",
        error.message
    );
    assert!(
        at_ms - committed_at >= 5_000,
        "failed after offsets.commit.timeout.ms"
    );
    assert_eq!(sim.cluster.committed_offset(GROUP, &tp(0)), None);
    sim.apply(Command::HealNetwork);
    sim.run_for(10_000);
}

// `Fetcher.resetPositionsIfNeeded` runs on every poll: a partition whose ListOffsets failed
// stays "awaiting reset" and is asked again, so a lost answer does not leave the partition
// without a position until the next rebalance.
#[test]
fn a_lost_list_offsets_is_asked_again() {
    let mut sim = Sim::new(7, 3);
    sim.produce(30);
    // Another group's consumer creates `__consumer_offsets`, to find the coordinator.
    sim.apply(Command::CreateConsumer {
        name: "probe".into(),
        configs: vec![("group.id".into(), "probe".into())],
        subscription: kplay_core::Subscription::Topics(vec![TOPIC.into()]),
        policy: auto_commit(),
    });
    sim.run_for(10_000);
    let offsets = sim
        .cluster
        .topic_view("__consumer_offsets")
        .expect("offsets topic");
    let coordinator = offsets.partitions
        [kplay_core::group::coordinator::partition_for(GROUP, 3) as usize]
        .leader
        .expect("a coordinator");
    let topic = sim.cluster.topic_view(TOPIC).expect("topic");
    let target = topic
        .partitions
        .iter()
        .find(|p| p.leader != Some(coordinator))
        .expect("a partition led elsewhere");
    let (partition, leader) = (target.partition.clone(), target.leader.expect("led"));
    sim.consumer("c1", &[], auto_commit());
    let client = sim.client_id("c1");
    let cut = |apply: fn(Vec<NodeId>, Vec<NodeId>) -> Command| {
        apply(vec![NodeId::Client(client)], vec![NodeId::Broker(leader)])
    };
    sim.apply(cut(|side_a, side_b| Command::CutLinks { side_a, side_b }));
    sim.run_for(45_000);
    assert!(sim.deliveries("c1", &partition).is_empty());
    sim.apply(cut(|side_a, side_b| Command::RepairLinks {
        side_a,
        side_b,
    }));
    sim.run_for(30_000);
    assert!(
        !sim.deliveries("c1", &partition).is_empty(),
        "{partition} was never read after the link came back"
    );
}

// NetworkClient.handleTimedOutRequests: a request past request.timeout.ms closes its
// connection, and every request in flight on it fails then (cancelInFlightRequests). The
// consumer reaches its group coordinator on a connection of its own (AbstractCoordinator names
// it Integer.MAX_VALUE - id), which carries its heartbeats and its commits. So a commitAsync
// sent while a heartbeat waits on a cut link fails when that heartbeat times out, before its own
// request.timeout.ms (30 s) is up.
#[test]
fn a_timed_out_heartbeat_fails_the_commit_in_flight_to_the_coordinator() {
    let mut sim = Sim::new(33, 1);
    sim.produce(5);
    sim.consumer("c1", &[("enable.auto.commit", "false")], auto_commit());
    sim.run_for(8_000);
    let coordinator = sim
        .cluster
        .describe_group(GROUP)
        .expect("group")
        .coordinator;
    let client = sim.client_id("c1");
    sim.apply(Command::CutLinks {
        side_a: vec![NodeId::Client(client)],
        side_b: vec![NodeId::Broker(coordinator)],
    });
    let cut_at = sim.cluster.now_ms();
    sim.run_for(10_000);
    let from = sim.events.len();
    let committed_at = sim.cluster.now_ms();
    sim.apply(Command::Commit {
        consumer: "c1".into(),
        sync: false,
    });
    sim.run_for(25_000);
    let failed = sim.events[from..].iter().find_map(|e| match &e.kind {
        EventKind::OffsetCommitFailed { error, .. } => Some((e.at_ms, error.as_exception())),
        _ => None,
    });
    let (failed_at, error) = failed.expect("the commit failed before its own timeout");
    assert_eq!(
        error,
        "org.apache.kafka.clients.consumer.RetriableCommitFailedException: Offset commit failed \
         with a retriable exception. You should retry committing the latest consumed offsets. \
         Caused by: org.apache.kafka.common.errors.DisconnectException"
    );
    // The last heartbeat went at most heartbeat.interval.ms (3 s) after the cut.
    assert!(failed_at - cut_at <= 33_000, "{failed_at} {cut_at}");
    assert!(failed_at - committed_at < 30_000);
    sim.apply(Command::HealNetwork);
    sim.run_for(10_000);
}
