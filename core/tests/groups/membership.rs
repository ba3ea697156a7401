//! Joining, rebalancing and leaving, driven through the whole simulation.

use kplay_core::group::coordinator::events::{GroupEvent, RemovalReason};
use kplay_core::{AlertKind, Command, EventKind};

use crate::support::*;

// GroupMetadataManagerTest.testJoinGroup... / ConsumerCoordinatorTest.testNormalJoinGroupLeader:
// one member leads itself and its assignor gives it every partition, after the initial
// rebalance delay (group.initial.rebalance.delay.ms=3000).
#[test]
fn a_single_member_gets_every_partition() {
    let mut sim = Sim::new(11, 3);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(8_000);
    assert_eq!(sim.owned("c1"), vec![tp(0), tp(1), tp(2)]);
    assert_eq!(sim.member_state("c1"), (1, "stable".to_string()));
    let group = sim.cluster.describe_group(GROUP).expect("group");
    assert_eq!(group.state, "Stable");
    assert_eq!(group.generation, 1);
    assert_eq!(group.assignment_strategy.as_deref(), Some("range"));
    assert_eq!(group.members.len(), 1);
    assert_eq!(group.members[0].client_id, "c1");
    assert!(group.members[0].member_id.starts_with("c1-"));
    assert!(group.members[0].is_leader);
    // The join phase waited for the initial rebalance delay.
    let events = sim.group_events();
    let started = events
        .iter()
        .position(|e| matches!(e, GroupEvent::RebalanceStarted { .. }))
        .expect("rebalance");
    assert!(matches!(
        events[started],
        GroupEvent::RebalanceStarted { reason, .. }
            if reason.starts_with("Adding new member c1-") && reason.contains("with group instance id null")
    ));
}

// ConsumerCoordinatorTest (eager protocol): a new member makes everyone rejoin; an eager member
// gives up all its partitions first, and the new generation splits the partitions.
#[test]
fn a_second_member_triggers_an_eager_rebalance_with_a_new_generation() {
    let mut sim = Sim::new(12, 3);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(8_000);
    sim.consumer("c2", &[], auto_commit());
    sim.run_for(10_000);
    assert_eq!(sim.generations(), vec![1, 2]);
    assert_eq!(sim.revocations("c1"), vec![vec![tp(0), tp(1), tp(2)]]);
    let mut all = sim.owned("c1");
    all.extend(sim.owned("c2"));
    all.sort();
    assert_eq!(all, vec![tp(0), tp(1), tp(2)]);
    assert_eq!(sim.owned("c1").len() + sim.owned("c2").len(), 3);
    assert!(!sim.owned("c2").is_empty());
    assert_eq!(sim.member_state("c2").0, 2);
    assert_eq!(
        sim.cluster.describe_group(GROUP).map(|g| g.generation),
        Some(2)
    );
}

// CooperativeStickyAssignorTest / KIP-429: with cooperative rebalancing only the partition that
// moves is revoked, and a follow-up rebalance hands it to its new owner.
#[test]
fn cooperative_sticky_moves_only_the_partitions_that_change_owner() {
    let cooperative = [COOPERATIVE];
    let mut sim = Sim::new(13, 4);
    sim.consumer("c1", &cooperative, auto_commit());
    sim.run_for(8_000);
    assert_eq!(sim.owned("c1").len(), 4);
    sim.consumer("c2", &cooperative, auto_commit());
    sim.run_for(15_000);
    let generations = sim.generations();
    assert_eq!(
        generations,
        vec![1, 2, 3],
        "the follow-up rebalance happened"
    );
    // c1 never revoked everything: only the two partitions that moved.
    let revoked: Vec<_> = sim.revocations("c1").concat();
    assert_eq!(revoked.len(), 2);
    let c1 = sim.assignments("c1");
    let (_, in_gen_2, revoked_in_gen_2) = &c1[1];
    assert_eq!(in_gen_2.len(), 2);
    assert_eq!(revoked_in_gen_2.len(), 2);
    // c2 got nothing in generation 2 and the revoked partitions in generation 3.
    let c2 = sim.assignments("c2");
    assert_eq!(c2[0].0, 2);
    assert!(c2[0].1.is_empty());
    let (generation, in_gen_3, _) = c2.last().cloned().expect("assigned");
    assert_eq!(generation, 3);
    let mut moved = revoked.clone();
    moved.sort();
    assert_eq!(in_gen_3, moved);
    assert_eq!(
        sim.cluster
            .describe_group(GROUP)
            .map(|g| g.assignment_strategy),
        Some(Some("cooperative-sticky".into()))
    );
}

// GroupMetadataManagerTest / RangeAssignorTest: each partition has one owner; extra members
// sit idle.
#[test]
fn more_members_than_partitions_leaves_one_idle() {
    let mut sim = Sim::new(14, 2);
    for name in ["c1", "c2", "c3"] {
        sim.consumer(name, &[], auto_commit());
    }
    sim.run_for(12_000);
    let owned: Vec<usize> = ["c1", "c2", "c3"]
        .iter()
        .map(|n| sim.owned(n).len())
        .collect();
    assert_eq!(owned.iter().sum::<usize>(), 2);
    assert_eq!(owned.iter().filter(|n| **n == 0).count(), 1);
    let group = sim.cluster.describe_group(GROUP).expect("group");
    assert_eq!(group.members.len(), 3);
    assert_eq!(
        group.generation, 1,
        "all three joined within the initial delay"
    );
}

// GroupMetadataManagerTest.testSessionTimeout...: a crashed member (no LeaveGroup) is removed
// when session.timeout.ms passes without a heartbeat; its partitions move.
#[test]
fn a_crashed_member_is_removed_after_its_session_timeout() {
    let session = [("session.timeout.ms", "10000")];
    let mut sim = Sim::new(15, 2);
    sim.consumer("c1", &session, auto_commit());
    sim.consumer("c2", &session, auto_commit());
    sim.run_for(8_000);
    assert_eq!(sim.owned("c1").len(), 1);
    let crash_at = sim.cluster.now_ms();
    let from = sim.events.len();
    sim.apply(Command::CrashConsumer {
        consumer: "c2".into(),
    });
    sim.run_for(20_000);
    let removed = sim.events[from..]
        .iter()
        .find(|e| {
            matches!(
                &e.kind,
                kplay_core::EventKind::Group(GroupEvent::MemberRemoved {
                    reason: RemovalReason::SessionTimeout { .. },
                    ..
                })
            )
        })
        .expect("member removed");
    let waited = removed.at_ms - crash_at;
    assert!(
        (7_000..=10_500).contains(&waited),
        "removed after {waited} ms"
    );
    assert_eq!(sim.owned("c1"), vec![tp(0), tp(1)]);
    assert_eq!(
        sim.cluster.describe_group(GROUP).map(|g| g.members.len()),
        Some(1)
    );
}

// ConsumerCoordinatorTest.testPollTimeout... (KIP-62): an application that does not poll within
// max.poll.interval.ms is taken out of the group by its heartbeat thread (LeaveGroup).
#[test]
fn a_member_that_stops_polling_leaves_after_max_poll_interval() {
    let mut sim = Sim::new(16, 2);
    sim.produce(20);
    let slow = [("max.poll.interval.ms", "15000"), ("max.poll.records", "1")];
    sim.consumer("slow", &slow, commit_after(60_000));
    sim.consumer("fast", &[], auto_commit());
    sim.run_for(40_000);
    let left = sim
        .group_events()
        .into_iter()
        .find_map(|event| match event {
            GroupEvent::MemberRemoved {
                reason: RemovalReason::LeaveGroup { reason },
                member_id,
                ..
            } => Some((member_id.clone(), reason.clone())),
            _ => None,
        });
    let (member_id, reason) = left.expect("the slow member left");
    assert!(member_id.starts_with("slow-"));
    assert!(
        reason.starts_with("consumer poll timeout has expired"),
        "{reason}"
    );
    assert_eq!(sim.owned("fast"), vec![tp(0), tp(1)]);
}

// AbstractCoordinator.maybeLeaveGroup: a static member that does not poll within
// max.poll.interval.ms sends no LeaveGroup, but resets its generation and member id all the
// same, so its heartbeat thread stops; the coordinator removes it when its session times out,
// and the group rebalances without it.
#[test]
fn a_static_member_that_stops_polling_stops_heartbeating_and_its_session_expires() {
    let mut sim = Sim::new(21, 2);
    sim.produce(20);
    let slow = [
        ("group.instance.id", "instance-slow"),
        ("session.timeout.ms", "10000"),
        ("max.poll.interval.ms", "15000"),
        ("max.poll.records", "1"),
    ];
    sim.consumer("slow", &slow, commit_after(120_000));
    sim.consumer("fast", &[], auto_commit());
    sim.run_for(45_000);
    let removed = sim
        .group_events()
        .into_iter()
        .find_map(|event| match event {
            GroupEvent::MemberRemoved {
                reason, member_id, ..
            } if member_id.starts_with("instance-slow") => Some(reason.clone()),
            _ => None,
        });
    assert!(
        matches!(removed, Some(RemovalReason::SessionTimeout { .. })),
        "{removed:?}"
    );
    assert_eq!(sim.owned("fast"), vec![tp(0), tp(1)]);
}

// GroupMetadataManagerTest.testStaticMemberRejoin... (KIP-345): a static member whose new
// process comes back within session.timeout.ms takes its old place without a rebalance.
#[test]
fn a_static_member_restarting_within_its_session_keeps_its_partitions() {
    let mut sim = Sim::new(17, 2);
    let static_a = [
        ("group.instance.id", "instance-a"),
        ("session.timeout.ms", "30000"),
    ];
    let static_b = [
        ("group.instance.id", "instance-b"),
        ("session.timeout.ms", "30000"),
    ];
    sim.consumer("a1", &static_a, auto_commit());
    sim.consumer("b", &static_b, auto_commit());
    sim.run_for(8_000);
    let before = sim.owned("a1");
    assert_eq!(before.len(), 1);
    let generation = sim.cluster.describe_group(GROUP).map(|g| g.generation);
    let from = sim.events.len();
    sim.apply(Command::CrashConsumer {
        consumer: "a1".into(),
    });
    sim.run_for(5_000);
    sim.consumer("a2", &static_a, auto_commit());
    sim.run_for(10_000);
    assert_eq!(sim.owned("a2"), before);
    let events = sim.group_events_since(from);
    assert!(events
        .iter()
        .any(|e| matches!(e, GroupEvent::StaticMemberReplaced { group_instance_id, .. } if group_instance_id == "instance-a")));
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, GroupEvent::RebalanceStarted { .. })),
        "no rebalance: {events:?}"
    );
    assert_eq!(
        sim.cluster.describe_group(GROUP).map(|g| g.generation),
        generation
    );
    let group = sim.cluster.describe_group(GROUP).expect("group");
    let member = group
        .members
        .iter()
        .find(|m| m.group_instance_id.as_deref() == Some("instance-a"))
        .expect("member");
    // ClassicGroup.replaceStaticMember keeps the old member's client id and host until the
    // next rebalance; only the member id changes.
    assert_eq!(member.client_id, "a1");
    assert!(member.member_id.starts_with("instance-a-"));
}

// KIP-345: a static member that does not come back within its session is removed.
#[test]
fn a_static_member_gone_longer_than_its_session_is_removed() {
    let mut sim = Sim::new(18, 2);
    let static_a = [
        ("group.instance.id", "instance-a"),
        ("session.timeout.ms", "10000"),
    ];
    sim.consumer("a1", &static_a, auto_commit());
    sim.consumer("b", &[("session.timeout.ms", "10000")], auto_commit());
    sim.run_for(8_000);
    sim.apply(Command::CrashConsumer {
        consumer: "a1".into(),
    });
    sim.run_for(20_000);
    assert_eq!(sim.owned("b"), vec![tp(0), tp(1)]);
}

// GroupMetadataManagerTest.testLeaveGroup...: close() sends LeaveGroup, the group rebalances at
// once (no session timeout), and the last one out leaves it Empty.
#[test]
fn closing_members_leave_and_the_group_becomes_empty() {
    let mut sim = Sim::new(19, 2);
    sim.consumer("c1", &[], auto_commit());
    sim.consumer("c2", &[], auto_commit());
    sim.run_for(8_000);
    sim.apply(Command::CloseConsumer {
        consumer: "c2".into(),
    });
    sim.run_for(4_000);
    assert_eq!(sim.owned("c1"), vec![tp(0), tp(1)]);
    sim.apply(Command::CloseConsumer {
        consumer: "c1".into(),
    });
    sim.run_for(2_000);
    let group = sim.cluster.describe_group(GROUP).expect("group");
    assert_eq!(group.state, "Empty");
    assert!(group.members.is_empty());
    assert_eq!(group.generation, 3);
    let listing = sim.cluster.group_listings();
    assert_eq!(listing.len(), 1);
    assert_eq!(listing[0].state, "Empty");
}

// GroupCoordinatorService.joinGroup: session.timeout.ms outside group.min/max.session.timeout.ms.
#[test]
fn a_session_timeout_below_the_brokers_minimum_is_refused() {
    let mut sim = Sim::new(20, 1);
    sim.consumer(
        "c1",
        &[
            ("session.timeout.ms", "4000"),
            ("heartbeat.interval.ms", "1000"),
        ],
        auto_commit(),
    );
    sim.run_for(5_000);
    let error = sim.last_error("c1").expect("an error");
    assert!(error.contains("InvalidSessionTimeoutException"), "{error}");
}

// GroupMetadataManagerTest.testJoinGroupReturnsErrorIfGroupIsAtMaxSize.
#[test]
fn group_max_size_keeps_extra_members_out() {
    let mut sim = Sim::with_brokers_config(21, 2, &[("group.max.size", "1")]);
    sim.consumer("c1", &[], auto_commit());
    sim.run_for(8_000);
    sim.consumer("c2", &[], auto_commit());
    sim.run_for(5_000);
    let error = sim.last_error("c2").expect("an error");
    assert!(error.contains("GroupMaxSizeReachedException"), "{error}");
    assert_eq!(sim.owned("c1"), vec![tp(0), tp(1)]);
}

// ConsumerCoordinator.onJoinPrepare: before its JoinGroup an auto-committing member commits
// allConsumed(); a cooperative member then keeps fetching its partitions during the rebalance,
// and gives up the ones that move after SyncGroup without committing them (onPartitionsRevoked
// is where the application would commit). Its next owner starts from the commit made before
// the rebalance, so it reads again what was read since.
#[test]
fn a_cooperative_member_commits_before_rejoining_and_not_the_partitions_it_gives_up() {
    let cooperative = [COOPERATIVE];
    let mut sim = Sim::new(13, 2);
    sim.start_workload(40, 8, 0);
    sim.consumer("c1", &cooperative, auto_commit());
    sim.run_for(8_000);
    sim.consumer("c2", &cooperative, auto_commit());
    sim.run_for(10_000);
    let c1 = sim.client_id("c1");
    let revoked_at = sim
        .events
        .iter()
        .find(
            |e| matches!(&e.kind, EventKind::PartitionsRevoked { consumer, .. } if *consumer == c1),
        )
        .map(|e| e.at_ms)
        .expect("c1 gave a partition up");
    assert_eq!(sim.revocations("c1"), vec![vec![tp(1)]]);
    let commits_of_moved_after: Vec<i64> = sim
        .events
        .iter()
        .filter(|e| e.at_ms >= revoked_at)
        .filter_map(|e| match &e.kind {
            EventKind::OffsetsCommitted {
                consumer, offsets, ..
            } if *consumer == c1 && offsets.iter().any(|(p, _)| *p == tp(1)) => Some(e.at_ms),
            _ => None,
        })
        .collect();
    assert_eq!(commits_of_moved_after, Vec::<i64>::new());
    let from = sim
        .deliveries("c2", &tp(1))
        .first()
        .map(|(first, _)| *first)
        .expect("c2 reads orders-1");
    let read_again = sim
        .deliveries("c1", &tp(1))
        .last()
        .map(|(_, last)| *last)
        .expect("c1 read orders-1");
    assert!(
        read_again >= from,
        "c1 read orders-1 up to {read_again}; c2 starts at {from}"
    );
    assert!(sim.alerts(AlertKind::DuplicateDelivered) >= 1);
}

// Metadata.timeToNextUpdate: a client refreshes its metadata metadata.max.age.ms after the last
// answer even when nothing went wrong, "to proactively discover any new brokers or
// partitions". The group leader then sees the subscribed topic's new partition count and
// rejoins (ConsumerCoordinator.rejoinNeededOrPending: "cached metadata has changed"), so the
// partitions added by kafka-topics --alter get a consumer.
#[test]
fn added_partitions_are_assigned_after_the_next_metadata_refresh() {
    for (max_age_ms, expect_four) in [(10_000, true), (300_000, false)] {
        let mut sim = Sim::new(12, 2);
        let age = max_age_ms.to_string();
        sim.consumer(
            "c1",
            &[("metadata.max.age.ms", age.as_str())],
            auto_commit(),
        );
        sim.run_for(8_000);
        assert_eq!(sim.owned("c1"), vec![tp(0), tp(1)]);
        sim.apply(Command::CreatePartitions {
            topic: TOPIC.into(),
            total_count: 4,
        });
        sim.run_for(20_000);
        let owned = sim.owned("c1").len();
        if expect_four {
            assert_eq!(owned, 4, "refreshed every {max_age_ms} ms");
        } else {
            assert_eq!(owned, 2, "not refreshed yet with {max_age_ms} ms");
        }
    }
}

// ConsumerCoordinator.rejoinNeededOrPending: the leader compares its metadata with the
// snapshot it assigned from (MetadataSnapshot.matches), topic by topic. A subscribed topic
// that did not exist then and is created later (here the broker does not create topics on
// request) is assigned once the leader's metadata has it; one that is deleted is taken
// away in a rebalance.
#[test]
fn a_subscribed_topic_created_or_deleted_later_starts_a_rebalance() {
    let mut sim = Sim::with_brokers_config(13, 2, &[("auto.create.topics.enable", "false")]);
    sim.apply(Command::CreateConsumer {
        name: "c1".into(),
        configs: vec![
            ("group.id".into(), GROUP.into()),
            ("auto.offset.reset".into(), "earliest".into()),
        ],
        subscription: kplay_core::Subscription::Topics(vec![TOPIC.into(), "later".into()]),
        policy: auto_commit(),
    });
    sim.run_for(8_000);
    assert_eq!(sim.owned("c1"), vec![tp(0), tp(1)]);
    sim.apply(Command::CreateTopic {
        topic: "later".into(),
        partitions: 1,
        replication_factor: 3,
        configs: Vec::new(),
    });
    sim.run_for(5_000);
    let later = kplay_core::TopicPartition::new("later", 0);
    assert_eq!(sim.owned("c1"), vec![later, tp(0), tp(1)]);
    sim.apply(Command::DeleteTopic {
        topic: TOPIC.into(),
    });
    sim.run_for(5_000);
    assert_eq!(
        sim.owned("c1"),
        vec![kplay_core::TopicPartition::new("later", 0)]
    );
}
