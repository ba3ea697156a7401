//! Partition reassignment (AlterPartitionReassignments, `kafka-reassign-partitions`), as
//! KRaft's `ReplicationControlManager` and `PartitionChangeBuilder` carry it out: the target
//! replicas join the assignment and copy the log, and once all of them are in sync the
//! controller removes the old ones in the same change, electing a new leader if the old one
//! left. Checked in both metadata modes, with every invariant checked every 50 ms.

use kplay_core::cluster::config::MetadataMode;
use kplay_core::cluster::event::ReassignmentStage;
use kplay_core::error::ErrorCode;
use kplay_core::view::cluster::PartitionView;
use kplay_core::{AlertKind, BrokerId, Command, EventKind, Offset, TopicPartition};

mod cluster_support;

use cluster_support::{Sim, TOPIC};

const MODES: [MetadataMode; 2] = [MetadataMode::Kraft, MetadataMode::ZooKeeper];

fn ids(list: &[i32]) -> Vec<BrokerId> {
    list.iter().copied().map(BrokerId).collect()
}

fn reassign(partition: i32, target: Option<&[i32]>) -> Command {
    Command::AlterPartitionReassignment {
        partition: TopicPartition::new(TOPIC, partition),
        replicas: target.map(ids),
    }
}

/// A cluster of `brokers` whose partition 0 of `orders` sits on `replicas` (the first
/// leading), with `records` acknowledged records in it.
fn placed(mode: MetadataMode, brokers: i32, replicas: &[i32], records: usize) -> Sim {
    let mut sim = Sim::new(mode, brokers, 1, &[]);
    sim.apply(Command::DeleteTopic {
        topic: TOPIC.into(),
    });
    sim.apply(Command::CreateTopicWithAssignment {
        topic: TOPIC.into(),
        assignment: vec![ids(replicas)],
        configs: Vec::new(),
    });
    sim.run_for(2_000);
    sim.producer("p", &[("acks", "all"), ("linger.ms", "0")]);
    sim.send("p", records);
    let wanted = i32::try_from(records).expect("a small count");
    sim.run_until(5_000, "acknowledged", |s| s.acknowledged() == wanted);
    sim
}

/// Allows unclean elections for `orders`, then cancels partition 0's move.
fn cancel_allowing_unclean_elections(sim: &mut Sim) {
    sim.apply(Command::AlterConfigs {
        resource: kplay_core::ConfigResource::Topic(TOPIC.into()),
        set: vec![("unclean.leader.election.enable".into(), "true".into())],
        delete: Vec::new(),
    });
    sim.apply(reassign(0, None));
}

/// Broker 5 stopped, partition 0 moving to brokers 4 and 5: broker 4 has caught up and joined
/// the ISR, and the move waits for broker 5.
fn half_moved_to_4_and_5(sim: &mut Sim) {
    sim.apply(Command::StopBroker {
        broker: BrokerId(5),
    });
    sim.run_for(1_000);
    sim.apply(reassign(0, Some(&[4, 5])));
    sim.run_until(10_000, "broker 4 in sync", |s| {
        s.partition().isr.contains(&BrokerId(4))
    });
}

fn finished(partition: &PartitionView) -> bool {
    partition.adding.is_empty() && partition.removing.is_empty()
}

/// The log end offset of `broker`'s replica of partition 0, if it has one.
fn log_end(sim: &Sim, broker: i32) -> Option<Offset> {
    let view = sim.cluster.view();
    let broker = view.brokers.iter().find(|b| b.id == BrokerId(broker))?;
    broker
        .replicas
        .iter()
        .find(|r| r.partition == TopicPartition::new(TOPIC, 0))
        .map(|r| r.log_end_offset)
}

fn stages(sim: &Sim) -> Vec<(ReassignmentStage, Vec<BrokerId>)> {
    sim.events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Reassignment {
                stage, replicas, ..
            } => Some((*stage, replicas.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_new_replicas_copy_the_log_then_the_old_ones_leave() {
    for mode in MODES {
        let mut sim = placed(mode, 4, &[1, 2], 20);
        sim.events.clear();
        sim.apply(reassign(0, Some(&[3, 4])));
        let moving = sim.partition();
        // `replicas` is the target, then the replicas being removed (`PartitionReassignmentReplicas`).
        assert_eq!(moving.replicas, ids(&[3, 4, 1, 2]), "{mode:?}");
        assert_eq!(
            (moving.adding, moving.removing),
            (ids(&[3, 4]), ids(&[1, 2]))
        );
        assert_eq!(
            moving.leader,
            Some(BrokerId(1)),
            "the leader stays until the end"
        );
        sim.run_until(20_000, "the reassignment completes", |s| {
            finished(&s.partition())
        });
        let moved = sim.partition();
        assert_eq!(moved.replicas, ids(&[3, 4]), "{mode:?}");
        assert_eq!(moved.isr, ids(&[3, 4]), "{mode:?}");
        assert_eq!(
            moved.leader,
            Some(BrokerId(3)),
            "the first target replica in sync leads"
        );
        sim.run_for(2_000);
        assert_eq!(log_end(&sim, 3), Some(Offset(20)), "{mode:?}");
        assert_eq!(log_end(&sim, 4), Some(Offset(20)), "{mode:?}");
        assert_eq!(
            (log_end(&sim, 1), log_end(&sim, 2)),
            (None, None),
            "old copies deleted"
        );
        assert_eq!(
            stages(&sim),
            vec![
                (ReassignmentStage::Started, ids(&[3, 4, 1, 2])),
                (ReassignmentStage::Completed, ids(&[3, 4])),
            ],
            "{mode:?}"
        );
        assert_eq!(sim.alerts(AlertKind::AcknowledgedRecordLost), 0, "{mode:?}");
    }
}

#[test]
fn records_produced_during_a_move_are_kept() {
    for mode in MODES {
        let mut sim = placed(mode, 4, &[1, 2], 10);
        sim.apply(reassign(0, Some(&[3, 4])));
        for _ in 0..10 {
            sim.send("p", 5);
            sim.run_for(200);
        }
        sim.run_until(20_000, "acknowledged", |s| s.acknowledged() == 60);
        sim.run_until(20_000, "the reassignment completes", |s| {
            finished(&s.partition())
        });
        sim.run_for(2_000);
        assert_eq!(sim.partition().high_watermark, Offset(60), "{mode:?}");
        assert_eq!(log_end(&sim, 3), Some(Offset(60)), "{mode:?}");
        assert_eq!(sim.alerts(AlertKind::AcknowledgedRecordLost), 0, "{mode:?}");
    }
}

#[test]
fn adding_replicas_raises_the_replication_factor_without_a_leader_change() {
    for mode in MODES {
        let mut sim = placed(mode, 3, &[1], 20);
        let epoch = sim.partition().leader_epoch;
        sim.apply(reassign(0, Some(&[1, 2, 3])));
        assert_eq!(sim.partition().removing, Vec::<BrokerId>::new());
        sim.run_until(20_000, "the reassignment completes", |s| {
            finished(&s.partition())
        });
        let raised = sim.partition();
        assert_eq!(raised.replicas, ids(&[1, 2, 3]), "{mode:?}");
        let mut isr = raised.isr.clone();
        isr.sort();
        assert_eq!(isr, ids(&[1, 2, 3]), "{mode:?}");
        assert_eq!(
            (raised.leader, raised.leader_epoch),
            (Some(BrokerId(1)), epoch),
            "no replica left, so the leader epoch stays ({mode:?})"
        );
    }
}

#[test]
fn reordering_or_dropping_in_sync_replicas_completes_at_once() {
    for mode in MODES {
        let mut sim = placed(mode, 3, &[1, 2, 3], 5);
        let epoch = sim.partition().leader_epoch;
        sim.apply(reassign(0, Some(&[3, 2, 1])));
        let reordered = sim.partition();
        assert!(finished(&reordered), "{mode:?}");
        assert_eq!(reordered.replicas, ids(&[3, 2, 1]));
        assert_eq!(
            (reordered.leader, reordered.leader_epoch),
            (Some(BrokerId(1)), epoch)
        );
        sim.apply(reassign(0, Some(&[3, 1])));
        let dropped = sim.partition();
        assert!(finished(&dropped), "{mode:?}");
        assert_eq!(
            (dropped.replicas, dropped.isr),
            (ids(&[3, 1]), ids(&[1, 3]))
        );
        assert_eq!(
            (dropped.leader, dropped.leader_epoch),
            (Some(BrokerId(1)), epoch + 1),
            "dropping a replica bumps the leader epoch ({mode:?})"
        );
        sim.run_for(2_000);
        assert_eq!(log_end(&sim, 2), None, "{mode:?}");
    }
}

#[test]
fn a_reassignment_waits_for_a_stopped_target_and_can_be_cancelled() {
    for mode in MODES {
        let mut sim = placed(mode, 4, &[1, 2], 10);
        sim.apply(Command::StopBroker {
            broker: BrokerId(4),
        });
        sim.run_for(1_000);
        sim.apply(reassign(0, Some(&[1, 4])));
        sim.run_for(15_000);
        let waiting = sim.partition();
        assert_eq!(
            (waiting.replicas, waiting.adding, waiting.removing),
            (ids(&[1, 4, 2]), ids(&[4]), ids(&[2])),
            "{mode:?}"
        );
        sim.events.clear();
        sim.apply(reassign(0, None));
        let reverted = sim.partition();
        assert!(finished(&reverted), "{mode:?}");
        assert_eq!(reverted.replicas, ids(&[1, 2]), "{mode:?}");
        assert_eq!(
            stages(&sim),
            vec![(ReassignmentStage::Cancelled, ids(&[1, 2]))],
            "{mode:?}"
        );
        let error = sim
            .cluster
            .apply(reassign(0, None))
            .expect_err("nothing to cancel");
        assert_eq!(
            (error.code, error.message.as_str()),
            (
                ErrorCode::NoReassignmentInProgress,
                "No partition reassignment is in progress."
            )
        );
    }
}

#[test]
fn a_started_target_finishes_the_move_when_it_comes_back() {
    let mut sim = placed(MetadataMode::Kraft, 4, &[1, 2], 10);
    sim.apply(Command::StopBroker {
        broker: BrokerId(4),
    });
    sim.run_for(1_000);
    sim.apply(reassign(0, Some(&[1, 4])));
    sim.run_for(5_000);
    sim.apply(Command::StartBroker {
        broker: BrokerId(4),
    });
    sim.run_until(30_000, "the reassignment completes", |s| {
        finished(&s.partition())
    });
    assert_eq!(sim.partition().replicas, ids(&[1, 4]));
    sim.run_for(2_000);
    assert_eq!(log_end(&sim, 4), Some(Offset(10)));
}

/// `PartitionReassignmentRevert`: if only replicas being added are in sync, reverting needs
/// an unclean election, which the topic must allow.
#[test]
fn a_cancel_that_needs_an_unclean_election_is_refused_unless_the_topic_allows_it() {
    // Five brokers, so stopping two of them keeps the quorum of voters 1, 2 and 3.
    let mut sim = placed(MetadataMode::Kraft, 5, &[1], 10);
    half_moved_to_4_and_5(&mut sim);
    sim.apply(Command::StopBroker {
        broker: BrokerId(1),
    });
    sim.run_until(20_000, "broker 4 leads alone", |s| {
        s.partition().isr == ids(&[4])
    });
    let error = sim.cluster.apply(reassign(0, None)).expect_err("unclean");
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            ErrorCode::InvalidReplicaAssignment,
            "Unable to revert partition assignment for orders:0 because it would require an unclean leader election."
        )
    );
    cancel_allowing_unclean_elections(&mut sim);
    let reverted = sim.partition();
    assert_eq!(
        (reverted.replicas, reverted.isr, reverted.leader),
        (ids(&[1]), ids(&[1]), None),
        "the original replica is the ISR again, but it is stopped"
    );
}

#[test]
fn a_bad_reassignment_is_refused_with_kafkas_message() {
    let mut sim = placed(MetadataMode::Kraft, 3, &[1, 2], 0);
    let cases: [(Command, ErrorCode, &str); 5] = [
        (
            Command::AlterPartitionReassignment {
                partition: TopicPartition::new("nope", 0),
                replicas: Some(ids(&[1])),
            },
            ErrorCode::UnknownTopicOrPartition,
            "Unable to find a topic named nope.",
        ),
        (
            reassign(5, Some(&[1])),
            ErrorCode::UnknownTopicOrPartition,
            "Unable to find partition orders:5.",
        ),
        (
            reassign(0, Some(&[1, 7])),
            ErrorCode::InvalidReplicaAssignment,
            "The manual partition assignment includes broker 7, but no such broker is registered.",
        ),
        (
            reassign(0, Some(&[2, 1, 2])),
            ErrorCode::InvalidReplicaAssignment,
            "The manual partition assignment includes the broker 2 more than once.",
        ),
        (
            reassign(0, Some(&[])),
            ErrorCode::InvalidReplicaAssignment,
            "The manual partition assignment includes an empty replica list.",
        ),
    ];
    for (command, code, message) in cases {
        let error = sim.cluster.apply(command).expect_err("refused");
        assert_eq!((error.code, error.message.as_str()), (code, message));
    }
    assert_eq!(sim.partition().replicas, ids(&[1, 2]));
}

/// Found by the seed sweep: a move cancelled after the ISR emptied kept a replica it dropped as
/// the partition's last known leader (KIP-966), which could be elected back though no longer
/// assigned.
#[test]
fn a_cancelled_move_forgets_a_last_known_leader_it_drops() {
    let mut sim = placed(MetadataMode::Kraft, 5, &[1], 10);
    sim.apply(Command::AlterConfigs {
        resource: kplay_core::ConfigResource::Topic(TOPIC.into()),
        set: vec![("min.insync.replicas".into(), "2".into())],
        delete: Vec::new(),
    });
    half_moved_to_4_and_5(&mut sim);
    for broker in [1, 4] {
        sim.apply(Command::StopBroker {
            broker: BrokerId(broker),
        });
        sim.run_for(15_000);
    }
    let offline = sim.partition();
    assert_eq!((offline.leader, offline.isr.clone()), (None, vec![]));
    assert_eq!(offline.last_known_elr, Some(ids(&[4])));
    cancel_allowing_unclean_elections(&mut sim);
    let reverted = sim.partition();
    assert_eq!(reverted.replicas, ids(&[1]));
    assert_eq!(
        reverted.last_known_elr,
        Some(vec![]),
        "broker 4 is no longer assigned"
    );
    // Every invariant is checked as time passes, and broker 4 never leads again.
    sim.apply(Command::StartBroker {
        broker: BrokerId(4),
    });
    sim.run_for(20_000);
    assert_ne!(sim.partition().leader, Some(BrokerId(4)));
}
