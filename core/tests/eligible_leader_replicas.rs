//! Eligible leader replicas (KIP-966, on by default for new KRaft clusters since Kafka 4.1), end
//! to end: a replica that leaves an ISR below `min.insync.replicas` stays eligible, the ISR may
//! empty, an eligible replica leads cleanly once it is empty, a restart after an unclean
//! shutdown takes a broker out of the ELR, the last known leader comes back when nobody else
//! can lead, and `min.insync.replicas` changes forget the ELR. ZooKeeper mode and the
//! historical high watermark rule have none of it. Every scenario checks every invariant every
//! 50 ms of simulated time.

use kplay_core::cluster::config::{ClusterConfig, MetadataMode};
use kplay_core::cluster::event::ElectionReason;
use kplay_core::error::ErrorCode;
use kplay_core::view::cluster::PartitionView;
use kplay_core::{
    AlertKind, BrokerId, Command, ConfigResource, EventKind, NewRecord, TopicPartition,
};

mod cluster_support;

use cluster_support::{pairs, Sim, TOPIC};

/// Five brokers (three controller voters), `orders` with five partitions of two replicas and
/// `min.insync.replicas=2`: the partition on brokers 4 and 5 can lose both without the quorum.
fn cluster(config: ClusterConfig) -> (Sim, i32) {
    let mut sim = Sim {
        cluster: kplay_core::Cluster::new(config, 7).expect("a valid cluster"),
        events: Vec::new(),
    };
    sim.apply(Command::CreateTopic {
        topic: TOPIC.into(),
        partitions: 5,
        replication_factor: 2,
        configs: pairs(&[("min.insync.replicas", "2")]),
    });
    sim.run_for(2_000);
    let partition = sim
        .partitions()
        .iter()
        .position(|p| p.replicas.iter().all(|b| b.0 >= 4))
        .expect("a partition on brokers 4 and 5") as i32;
    sim.producer("p", &[("acks", "all")]);
    (sim, partition)
}

fn kraft() -> ClusterConfig {
    ClusterConfig {
        brokers: 5,
        controller_voters: 3,
        ..ClusterConfig::default()
    }
}

fn state(sim: &Sim, partition: i32) -> PartitionView {
    sim.partitions().swap_remove(partition as usize)
}

fn send(sim: &mut Sim, partition: i32, count: usize) {
    for i in 0..count {
        let mut record = NewRecord::new(TOPIC, Some(&format!("k{i}")), Some("v"));
        record.partition = Some(partition);
        sim.apply(Command::Produce {
            producer: "p".into(),
            record,
        });
    }
}

/// Starts `broker` and waits until it leads `partition`, elected for `reason`.
fn starts_and_leads(sim: &mut Sim, partition: i32, broker: BrokerId, reason: ElectionReason) {
    sim.apply(Command::StartBroker { broker });
    sim.run_until(10_000, "the broker leads", |s| {
        state(s, partition).leader == Some(broker)
    });
    let tp = TopicPartition::new(TOPIC, partition);
    let elected = sim.events.iter().rev().find_map(|event| match &event.kind {
        EventKind::LeaderElected {
            partition,
            leader,
            reason: why,
            ..
        } if *partition == tp && *why == reason => *leader,
        _ => None,
    });
    assert_eq!(elected, Some(broker), "elected for {reason:?}");
}

/// The leader of the partition on brokers 4 and 5, and its follower.
fn roles(sim: &Sim, partition: i32) -> (BrokerId, BrokerId) {
    let p = state(sim, partition);
    let leader = p.leader.expect("led");
    let follower = *p.replicas.iter().find(|b| **b != leader).expect("two");
    (leader, follower)
}

/// KIP-966's example: the follower leaves an ISR of two in a controlled shutdown, so it stays
/// eligible (the high watermark cannot pass it meanwhile); the leader crashes, the ISR empties,
/// and the follower, back from its clean shutdown, leads without losing a record.
#[test]
fn a_cleanly_stopped_follower_stays_eligible_and_leads_once_the_isr_is_empty() {
    let (mut sim, p) = cluster(kraft());
    send(&mut sim, p, 5);
    sim.run_until(3_000, "acknowledged", |s| s.acknowledged() == 5);
    let (leader, follower) = roles(&sim, p);

    sim.apply(Command::ShutdownBroker { broker: follower });
    sim.run_for(5_000);
    let below = state(&sim, p);
    assert_eq!(below.isr, vec![leader]);
    assert_eq!(below.elr, Some(vec![follower]));

    sim.apply(Command::StopBroker { broker: leader });
    sim.run_for(15_000);
    let offline = state(&sim, p);
    assert_eq!(offline.leader, None);
    assert_eq!(offline.isr, vec![]);
    let mut both = vec![leader, follower];
    both.sort();
    assert_eq!(offline.elr, Some(both));
    assert_eq!(offline.last_known_elr, Some(vec![leader]));

    starts_and_leads(&mut sim, p, follower, ElectionReason::EligibleLeaderReplica);
    let led = state(&sim, p);
    assert_eq!((led.isr, led.elr), (vec![follower], Some(vec![leader])));
    assert_eq!(sim.alerts(AlertKind::AcknowledgedRecordLost), 0);

    // The old leader crashed: registering again takes it out of the ELR; it then catches up.
    sim.apply(Command::StartBroker { broker: leader });
    sim.run_until(15_000, "back in the ISR", |s| state(s, p).isr.len() == 2);
    assert_eq!(state(&sim, p).elr, Some(vec![]));
    assert!(sim.events.iter().any(|e| matches!(
        &e.kind,
        EventKind::EligibleLeaderReplicasChanged { unclean_shutdown: Some(b), .. } if *b == leader
    )));
}

/// Both replicas crash: each leaves the ELR as it registers again, since it may have lost
/// records it had not flushed. The follower cannot lead; the last known leader can, and Kafka
/// counts that election as unclean.
#[test]
fn crashed_replicas_leave_the_elr_and_the_last_known_leader_comes_back() {
    let (mut sim, p) = cluster(kraft());
    send(&mut sim, p, 3);
    sim.run_until(3_000, "acknowledged", |s| s.acknowledged() == 3);
    let (leader, follower) = roles(&sim, p);
    sim.apply(Command::StopBroker { broker: follower });
    sim.run_for(15_000);
    assert_eq!(state(&sim, p).elr, Some(vec![follower]));
    sim.apply(Command::StopBroker { broker: leader });
    sim.run_for(15_000);

    sim.apply(Command::StartBroker { broker: follower });
    sim.run_for(10_000);
    let waiting = state(&sim, p);
    assert_eq!(waiting.leader, None);
    assert_eq!(waiting.elr, Some(vec![leader]));
    assert_eq!(waiting.last_known_elr, Some(vec![leader]));

    starts_and_leads(&mut sim, p, leader, ElectionReason::LastKnownLeader);
    let back = state(&sim, p);
    assert_eq!(back.last_known_elr, Some(vec![]));
    assert_eq!(sim.alerts(AlertKind::AcknowledgedRecordLost), 0);
}

/// Changing `min.insync.replicas` forgets the ELR; broker-level values are refused and the
/// cluster-level one, which the controller wrote as it became active, cannot be removed.
#[test]
fn min_insync_replicas_changes_clear_the_elr_and_stay_cluster_wide() {
    let (mut sim, p) = cluster(kraft());
    let (_, follower) = roles(&sim, p);
    sim.apply(Command::ShutdownBroker { broker: follower });
    sim.run_for(5_000);
    assert_eq!(state(&sim, p).elr, Some(vec![follower]));
    sim.apply(Command::AlterConfigs {
        resource: ConfigResource::Topic(TOPIC.into()),
        set: pairs(&[("min.insync.replicas", "2")]),
        delete: Vec::new(),
    });
    sim.run_for(500);
    assert_eq!(state(&sim, p).elr, Some(vec![]));

    let refused = |sim: &mut Sim, resource: ConfigResource, set: &[(&str, &str)], delete| {
        let error = sim
            .cluster
            .apply(Command::AlterConfigs {
                resource,
                set: pairs(set),
                delete,
            })
            .expect_err("refused");
        (error.code, error.message)
    };
    let broker = refused(
        &mut sim,
        ConfigResource::Broker(BrokerId(1)),
        &[("min.insync.replicas", "2")],
        Vec::new(),
    );
    assert_eq!(
        broker,
        (
            ErrorCode::InvalidConfig,
            "Broker-level min.insync.replicas cannot be altered while ELR is enabled.".into()
        )
    );
    let cluster_wide = refused(
        &mut sim,
        ConfigResource::BrokerDefault,
        &[],
        vec!["min.insync.replicas".into()],
    );
    assert_eq!(
        cluster_wide.1,
        "Cluster-level min.insync.replicas cannot be removed while ELR is enabled."
    );
}

/// ZooKeeper mode and the high watermark rule before Kafka 3.7 keep no ELR: the ISR keeps its
/// last member, and a partition whose ISR member is gone stays offline.
#[test]
fn without_eligible_leader_replicas_the_isr_keeps_its_last_member() {
    let zookeeper = ClusterConfig {
        metadata_mode: MetadataMode::ZooKeeper,
        ..kraft()
    };
    let before_3_7 = ClusterConfig {
        hw_waits_for_min_isr: false,
        ..kraft()
    };
    for (config, reported) in [(zookeeper, None), (before_3_7, Some(vec![]))] {
        let (mut sim, p) = cluster(config);
        let (leader, follower) = roles(&sim, p);
        sim.apply(Command::ShutdownBroker { broker: follower });
        sim.run_for(15_000);
        sim.apply(Command::StopBroker { broker: leader });
        sim.run_for(15_000);
        let offline = state(&sim, p);
        assert_eq!((offline.leader, offline.isr), (None, vec![leader]));
        assert_eq!(offline.elr, reported);
        sim.apply(Command::StartBroker { broker: follower });
        sim.run_for(15_000);
        assert_eq!(state(&sim, p).leader, None, "the follower may not lead");
    }
}

/// An orderly shutdown writes the high watermark checkpoint (`ReplicaManager.shutdown`), so an
/// eligible replica that stopped between two periodic checkpoints serves every committed record
/// once it leads: with the ISR below `min.insync.replicas`, its high watermark could not advance
/// past an older checkpoint.
#[test]
fn an_orderly_shutdown_checkpoints_the_high_watermark() {
    let (mut sim, p) = cluster(kraft());
    send(&mut sim, p, 1);
    sim.run_until(5_000, "acknowledged", |s| s.acknowledged() == 1);
    // Just past the brokers' periodic checkpoint at 5 s (they check every 5 s from their start).
    sim.run_until(6_000, "past the checkpoint", |s| s.cluster.now_ms() > 5_050);
    send(&mut sim, p, 5);
    sim.run_until(1_000, "acknowledged", |s| s.acknowledged() == 6);
    let (leader, follower) = roles(&sim, p);
    sim.apply(Command::ShutdownBroker { broker: follower });
    sim.run_until(4_000, "stopped before the next checkpoint", |s| {
        s.events.iter().any(|e| {
            matches!(e.kind, EventKind::BrokerStopped { broker, controlled: true } if broker == follower)
        })
    });
    assert!(sim.cluster.now_ms() < 10_000, "{}", sim.cluster.now_ms());
    sim.apply(Command::StopBroker { broker: leader });
    sim.run_for(15_000);
    starts_and_leads(&mut sim, p, follower, ElectionReason::EligibleLeaderReplica);
    assert_eq!(state(&sim, p).high_watermark.0, 6);
}
