//! Replication end to end: followers falling out of and back into the ISR, leader elections
//! after a crash or a controlled shutdown, `acks` and `min.insync.replicas`, unclean elections,
//! and controller failover, in both metadata modes. Every scenario checks every invariant
//! every 50 ms of simulated time. Each test names the Kafka mechanism it follows.

use kplay_core::cluster::config::MetadataMode;
use kplay_core::controller::UNCLEAN_LEADER_ELECTION_INTERVAL_MS;
use kplay_core::error::ErrorCode;
use kplay_core::{
    AlertKind, BrokerId, Command, CommitPolicy, ElectionType, EventKind, Offset, Subscription,
    TopicPartition,
};

mod cluster_support;

use cluster_support::{pairs, Sim, TOPIC};

/// `Partition.maybeIncrementLeaderHW` with `acks=all`: a dead follower holds the high
/// watermark only until the controller fences it (`broker.session.timeout.ms`, 9 s) and drops
/// it from the ISR, not for `replica.lag.time.max.ms` (30 s), because a fenced broker is not
/// ISR-eligible.
#[test]
fn a_dead_follower_holds_acks_all_until_it_is_fenced() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    sim.producer("p", &[("acks", "all")]);
    sim.send("p", 5);
    sim.run_until(2_000, "first records acknowledged", |s| {
        s.acknowledged() == 5
    });

    let follower = sim.follower();
    sim.apply(Command::StopBroker { broker: follower });
    sim.send("p", 5);
    let waited = sim.run_until(
        15_000,
        "records acknowledged after the follower died",
        |s| s.acknowledged() == 10,
    );
    assert!(
        (8_000..12_000).contains(&waited),
        "acks=all waited {waited} ms; the session timeout is 9000 ms"
    );
    assert!(!sim.partition().isr.contains(&follower));
    assert_eq!(sim.partition().high_watermark, Offset(10));
}

/// A leader crash: the controller elects the next ISR member, and no record acknowledged with
/// `acks=all` is lost.
#[test]
fn a_crashed_leader_is_replaced_from_the_isr_without_losing_acknowledged_records() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    sim.producer("p", &[("acks", "all")]);
    sim.send("p", 20);
    sim.run_until(3_000, "acknowledged", |s| s.acknowledged() == 20);
    let before = sim.partition();
    let old_leader = before.leader.expect("led");
    sim.apply(Command::StopBroker { broker: old_leader });
    sim.run_until(15_000, "a new leader", |s| {
        s.partition().leader.is_some_and(|l| l != old_leader)
    });
    let after = sim.partition();
    assert!(before.isr.contains(&after.leader.expect("led")));
    assert!(after.leader_epoch > before.leader_epoch);
    sim.send("p", 5);
    sim.run_until(10_000, "acknowledged by the new leader", |s| {
        s.acknowledged() == 25
    });
    assert_eq!(sim.partition().log_end_offset, Offset(25));
    assert_eq!(sim.alerts(AlertKind::AcknowledgedRecordLost), 0);
}

/// `min.insync.replicas=2` with `acks=all`: once the followers stop fetching, the leader
/// drops them from the ISR after `replica.lag.time.max.ms` (30 s); with one replica left in
/// the ISR it refuses the write with NOT_ENOUGH_REPLICAS (retriable, so the producer retries
/// until `delivery.timeout.ms`), while `acks=1` still succeeds.
#[test]
fn min_insync_replicas_refuses_acks_all_writes_when_the_isr_is_too_small() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[("min.insync.replicas", "2")]);
    let state = sim.partition();
    let leader = state.leader.expect("led");
    for broker in state.replicas.iter().filter(|b| **b != leader) {
        sim.apply(Command::HoldFetches { broker: *broker });
    }
    // A follower at the leader's log end counts as caught up however long it is silent: the
    // leader needs new data before it notices the followers are stuck.
    sim.producer("loose", &[("acks", "1")]);
    sim.send("loose", 1);
    // The leader looks for lagging followers every replica.lag.time.max.ms / 2.
    let waited = sim.run_until(50_000, "the ISR shrinks to the leader", |s| {
        s.partition().isr == vec![leader]
    });
    assert!(
        waited >= 30_000,
        "replica.lag.time.max.ms is 30 s; shrunk after {waited} ms"
    );
    sim.producer(
        "strict",
        &[
            ("acks", "all"),
            ("delivery.timeout.ms", "5000"),
            ("request.timeout.ms", "2000"),
            ("linger.ms", "0"),
        ],
    );
    sim.send("strict", 1);
    sim.send("loose", 1);
    sim.run_for(7_000);
    assert_eq!(sim.acknowledged(), 2, "only the acks=1 records");
    let retried_for_min_isr = sim.events.iter().any(|e| {
        matches!(&e.kind, EventKind::ProduceRetried { error, .. }
            if error.code == ErrorCode::NotEnoughReplicas
                && error.message.contains("insufficient to satisfy the min.isr requirement of 2"))
    });
    assert!(
        retried_for_min_isr,
        "the leader answered NOT_ENOUGH_REPLICAS"
    );
    assert!(!sim.failures().is_empty(), "the acks=all record expired");
}

/// `Sender.completeBatch` asks for new metadata only for an `InvalidMetadataException`
/// (`NOT_LEADER_OR_FOLLOWER`, `UNKNOWN_TOPIC_OR_PARTITION`, ...). `NOT_ENOUGH_REPLICAS` says
/// nothing about who leads, so the producer retries it without a Metadata request.
#[test]
fn not_enough_replicas_is_retried_without_asking_for_metadata() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[("min.insync.replicas", "3")]);
    let follower = sim.follower();
    sim.apply(Command::StopBroker { broker: follower });
    sim.run_until(40_000, "the ISR shrinks", |s| s.partition().isr.len() == 2);
    sim.producer("strict", &[("acks", "all"), ("linger.ms", "0")]);
    sim.send("strict", 1);
    sim.run_until(5_000, "a retry", |s| {
        s.events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ProduceRetried { .. }))
    });
    let mut metadata_requests: Vec<u64> = Vec::new();
    for _ in 0..3_000 {
        sim.run_for(1);
        for message in sim.cluster.messages_in_flight() {
            if message.api == "Metadata" && !metadata_requests.contains(&message.id) {
                metadata_requests.push(message.id);
            }
        }
    }
    let retries = sim
        .events
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::ProduceRetried { error, .. }
                if error.code == ErrorCode::NotEnoughReplicas)
        })
        .count();
    assert!(retries >= 5, "retried after each backoff: {retries}");
    assert_eq!(metadata_requests, Vec::<u64>::new());
}

/// Controlled shutdown (`controlled.shutdown.enable`): leaderships move to other ISR members
/// before the broker stops, so no partition is ever offline. KRaft: the broker asks in its
/// heartbeats. ZooKeeper mode: it sends a ControlledShutdown request to the controller, then
/// stops and closes its ZooKeeper session, so the controller takes it out at once instead of
/// after `zookeeper.session.timeout.ms`.
#[test]
fn a_controlled_shutdown_moves_leaderships_first() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        a_controlled_shutdown_moves_leaderships_first_in(mode);
    }
}

fn a_controlled_shutdown_moves_leaderships_first_in(mode: MetadataMode) {
    let mut sim = Sim::new(mode, 3, 3, &[]);
    let leader = sim.partition().leader.expect("led");
    sim.apply(Command::ShutdownBroker { broker: leader });
    let any_offline = |s: &Sim| {
        s.cluster
            .topic_view(TOPIC)
            .expect("exists")
            .partitions
            .iter()
            .any(|p| p.leader.is_none())
    };
    let mut offline = false;
    let stopped = |s: &Sim| {
        s.cluster
            .view()
            .brokers
            .iter()
            .any(|b| b.id == leader && !b.up)
    };
    let deadline = sim.cluster.now_ms() + 15_000;
    while !stopped(&sim) {
        assert!(
            sim.cluster.now_ms() < deadline,
            "{mode:?}: the broker never stopped"
        );
        offline |= any_offline(&sim);
        sim.run_for(50);
    }
    for _ in 0..40 {
        sim.run_for(50);
        offline |= any_offline(&sim);
    }
    assert!(!offline, "{mode:?}: a partition went offline");
    if mode == MetadataMode::ZooKeeper {
        // The controller (a new one, if the broker was the controller) takes the broker out
        // within moments, not after zookeeper.session.timeout.ms.
        let at = |found: &dyn Fn(&EventKind) -> bool| {
            sim.events.iter().find(|e| found(&e.kind)).map(|e| e.at_ms)
        };
        let closed = at(&|kind| matches!(kind, EventKind::ZooKeeperSessionClosed { broker } if *broker == leader))
            .expect("the session was closed");
        let fenced =
            at(&|kind| matches!(kind, EventKind::BrokerFenced { broker, .. } if *broker == leader))
                .expect("the controller took the broker out");
        assert!(
            fenced - closed < 1_000,
            "fenced {} ms after the close",
            fenced - closed
        );
        assert!(!sim
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::ZooKeeperSessionExpired { .. })));
    }
    let moved = sim.events.iter().any(|e| {
        matches!(
            &e.kind,
            EventKind::LeaderElected {
                reason: kplay_core::cluster::event::ElectionReason::ControlledShutdown,
                ..
            }
        )
    });
    assert!(
        moved,
        "the leaderships moved because of the controlled shutdown"
    );
    assert_ne!(sim.partition().leader, Some(leader));
}

/// ZooKeeper mode (`KafkaServer.controlledShutdown`): a leader with no other live in-sync
/// replica cannot hand its partition over, so each ControlledShutdown answer says a partition
/// remains; the broker tries `controlled.shutdown.max.retries` (3) times,
/// `controlled.shutdown.retry.backoff.ms` (5 s) apart, then stops anyway, and the partition
/// goes offline when its closed session tells the controller.
#[test]
fn a_zookeeper_mode_leader_with_no_other_isr_member_stops_after_its_attempts_are_spent() {
    // A fourth broker, outside partition 0's replicas, keeps a controller alive.
    let mut sim = Sim::new(MetadataMode::ZooKeeper, 4, 3, &[]);
    let leader = sim.partition().leader.expect("led");
    let followers: Vec<BrokerId> = sim
        .partition()
        .replicas
        .iter()
        .copied()
        .filter(|b| *b != leader)
        .collect();
    for follower in &followers {
        sim.apply(Command::StopBroker { broker: *follower });
    }
    sim.run_until(40_000, "the ISR shrank to the leader", |s| {
        s.partition().isr == vec![leader]
    });
    // The partitions it leads alone (partition 0 among them).
    let led = sim
        .cluster
        .topic_view(TOPIC)
        .expect("exists")
        .partitions
        .iter()
        .filter(|p| p.leader == Some(leader) && p.isr == vec![leader])
        .count();
    let started = sim.cluster.now_ms();
    sim.apply(Command::ShutdownBroker { broker: leader });
    let took = sim.run_until(30_000, "the broker stopped", |s| {
        s.cluster
            .view()
            .brokers
            .iter()
            .any(|b| b.id == leader && !b.up)
    });
    let failed: Vec<(Option<usize>, u32, i64)> = sim
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::ControlledShutdownFailed {
                broker,
                remaining,
                retries_left,
                ..
            } if broker == leader => Some((remaining, retries_left, e.at_ms - started)),
            _ => None,
        })
        .collect();
    let attempts: Vec<(Option<usize>, u32)> = failed.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        attempts,
        vec![(Some(led), 2), (Some(led), 1), (Some(led), 0)],
        "{failed:?}"
    );
    assert!(failed[1].2 - failed[0].2 >= 5_000, "{failed:?}");
    assert!((10_000..12_000).contains(&took), "stopped after {took} ms");
    sim.run_until(20_000, "the partition went offline", |s| {
        s.partition().leader.is_none()
    });
}

/// A follower that restarts catches up and the leader asks the controller to add it back to
/// the ISR (`Partition.maybeExpandIsr`), in both modes.
#[test]
fn a_restarted_follower_rejoins_the_isr_in_both_modes() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        let mut sim = Sim::new(mode, 3, 3, &[]);
        sim.producer("p", &[("acks", "1")]);
        let follower = sim.follower();
        sim.apply(Command::StopBroker { broker: follower });
        sim.run_until(40_000, "out of the ISR", |s| {
            !s.partition().isr.contains(&follower)
        });
        sim.send("p", 10);
        sim.run_for(1_000);
        sim.apply(Command::StartBroker { broker: follower });
        sim.run_until(20_000, &format!("{mode:?}: back in the ISR"), |s| {
            s.partition().isr.contains(&follower)
        });
    }
}

/// A preferred election hands leadership back to a replica that came back while another led
/// and wrote nothing. The demoted leader started an epoch at its log end offset that no record
/// ever carried; when the new leader reports the divergence, the follower drops that entry
/// from its epoch cache, as `UnifiedLog.truncateTo` does even with nothing to truncate, and so
/// keeps replicating and stays in the ISR.
#[test]
fn a_leader_moved_off_by_a_preferred_election_keeps_replicating() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 2, &[]);
    sim.producer("p", &[("acks", "all")]);
    sim.send("p", 1);
    sim.run_until(3_000, "acknowledged", |s| s.acknowledged() == 1);
    let preferred = sim.partition().leader.expect("led");
    sim.apply(Command::StopBroker { broker: preferred });
    sim.run_until(15_000, "another leader", |s| {
        s.partition().leader.is_some_and(|l| l != preferred)
    });
    let interim = sim.partition().leader.expect("led");
    sim.apply(Command::StartBroker { broker: preferred });
    sim.run_until(20_000, "the preferred replica back in the ISR", |s| {
        s.partition().isr.contains(&preferred)
    });
    sim.apply(Command::ElectLeaders {
        election: ElectionType::Preferred,
        partitions: None,
    });
    sim.run_until(5_000, "the preferred replica leads again", |s| {
        s.partition().leader == Some(preferred)
    });

    sim.send("p", 1);
    sim.run_until(3_000, "acknowledged by both replicas", |s| {
        s.acknowledged() == 2
    });
    sim.run_for(60_000);
    let partition = sim.partition();
    assert_eq!(partition.isr.len(), 2, "{partition:?}");
    assert!(partition.isr.contains(&interim));
    assert_eq!(partition.high_watermark, Offset(2));
}

/// `auto.leader.rebalance.enable` (the default): every
/// `leader.imbalance.check.interval.seconds` the controller gives leadership back to a
/// preferred replica that is in the ISR again. ZooKeeper mode does it only for a broker with
/// more than `leader.imbalance.per.broker.percentage` of its preferred partitions led by
/// others (here at most 100 %, so never); KRaft's `maybeBalancePartitionLeaders` has no such
/// threshold.
#[test]
fn the_controller_moves_leadership_back_to_preferred_replicas_by_itself() {
    for (mode, percentage, moves_back) in [
        (MetadataMode::Kraft, "10", true),
        (MetadataMode::ZooKeeper, "10", true),
        (MetadataMode::Kraft, "100", true),
        (MetadataMode::ZooKeeper, "100", false),
    ] {
        let mut sim = Sim::with_broker_configs(
            mode,
            3,
            &[
                ("leader.imbalance.check.interval.seconds", "10"),
                ("leader.imbalance.per.broker.percentage", percentage),
            ],
            3,
            &[],
        );
        let preferred = sim.partition().replicas[0];
        assert_eq!(sim.partition().leader, Some(preferred));
        sim.apply(Command::StopBroker { broker: preferred });
        sim.run_until(30_000, &format!("{mode:?}: another leader"), |s| {
            s.partition().leader.is_some_and(|l| l != preferred)
        });
        sim.apply(Command::StartBroker { broker: preferred });
        sim.run_until(30_000, &format!("{mode:?}: back in the ISR"), |s| {
            s.partition().isr.contains(&preferred)
        });
        sim.run_for(25_000);
        let leader = sim.partition().leader;
        assert_eq!(
            leader == Some(preferred),
            moves_back,
            "{mode:?} with {percentage} %: leader {leader:?}, preferred {preferred}"
        );
    }
}

/// ZooKeeper mode: a new controller checks the leader imbalance 5 s after it takes over
/// (`KafkaController.onControllerFailover`), not a whole
/// `leader.imbalance.check.interval.seconds` (300 s) later.
#[test]
fn a_new_zookeeper_mode_controller_rebalances_leaders_five_seconds_after_taking_over() {
    let mut sim = Sim::new(MetadataMode::ZooKeeper, 3, 3, &[]);
    let controller = sim.cluster.view().controller.expect("a controller");
    let preferred_of = |s: &Sim, broker: BrokerId| {
        s.partitions()
            .into_iter()
            .find(|p| p.replicas[0] == broker)
            .map(|p| (p.leader, p.isr.contains(&broker)))
            .expect("a partition preferring the broker")
    };
    let broker = (1..=3)
        .map(BrokerId)
        .find(|b| *b != controller)
        .expect("another broker");
    sim.apply(Command::StopBroker { broker });
    sim.run_until(30_000, "its partition led by another", |s| {
        preferred_of(s, broker).0.is_some_and(|l| l != broker)
    });
    sim.apply(Command::StartBroker { broker });
    sim.run_until(30_000, "back in the ISR", |s| preferred_of(s, broker).1);
    assert_ne!(preferred_of(&sim, broker).0, Some(broker));

    sim.apply(Command::StopBroker { broker: controller });
    sim.run_until(30_000, "a new controller", |s| {
        s.cluster.view().controller.is_some_and(|c| c != controller)
    });
    let waited = sim.run_until(10_000, "the preferred leader back", |s| {
        preferred_of(s, broker).0 == Some(broker)
    });
    assert!(
        (4_000..=6_000).contains(&waited),
        "the new controller rebalanced {waited} ms after taking over"
    );
}

/// KRaft: a broker restarted faster than `broker.session.timeout.ms` finds its previous
/// process still registered with a valid session; `ClusterControlManager.registerBroker`
/// refuses the new incarnation with DUPLICATE_BROKER_REGISTRATION until the session has run
/// out and the controller has fenced the old one. So the leadership moves when the session
/// times out (9 s after the last heartbeat), not when the broker comes back.
#[test]
fn a_broker_restarted_within_its_session_timeout_waits_for_the_old_session_to_end() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    let controller = sim.cluster.view().controller.expect("a controller");
    // A partition led by a broker that is not the active controller, so that only the
    // broker's session is at stake.
    let led_by = |s: &Sim, partition: &TopicPartition| {
        s.partitions()
            .into_iter()
            .find(|p| p.partition == *partition)
            .and_then(|p| p.leader)
    };
    let partition = (0..3)
        .map(|p| TopicPartition::new(TOPIC, p))
        .find(|p| led_by(&sim, p).is_some_and(|leader| leader != controller))
        .expect("a partition led by another broker");
    let leader = led_by(&sim, &partition).expect("led");
    let crashed_at = sim.cluster.now_ms();
    sim.apply(Command::StopBroker { broker: leader });
    sim.run_for(1_000);
    sim.apply(Command::StartBroker { broker: leader });
    sim.run_for(3_000);
    assert_eq!(
        led_by(&sim, &partition),
        Some(leader),
        "still led by the old session"
    );
    assert!(sim.events.iter().any(|e| {
        matches!(e.kind, EventKind::BrokerRegistrationRefused { broker } if broker == leader)
    }));

    sim.run_until(15_000, "a new leader", |s| {
        led_by(s, &partition).is_some_and(|l| l != leader)
    });
    // 9 s after the last heartbeat, which went up to 2 s before the crash.
    let since_crash = sim.cluster.now_ms() - crashed_at;
    assert!(
        (7_000..=11_500).contains(&since_crash),
        "the leadership moved {since_crash} ms after the crash"
    );
    sim.run_until(
        20_000,
        "the restarted broker registered and unfenced",
        |s| {
            s.events.iter().any(|e| {
                matches!(e.kind, EventKind::BrokerUnfenced { broker } if broker == leader)
                    && e.at_ms > crashed_at
            })
        },
    );
}

/// After the active controller's broker dies another controller takes over; ISR changes and
/// elections keep working under the new controller.
#[test]
fn isr_changes_keep_working_after_a_controller_failover() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        let mut sim = Sim::new(mode, 4, 3, &[]);
        let old_controller = sim.cluster.view().controller.expect("a controller");
        sim.apply(Command::StopBroker {
            broker: old_controller,
        });
        sim.run_until(30_000, &format!("{mode:?}: a new controller"), |s| {
            s.cluster
                .view()
                .controller
                .is_some_and(|c| c != old_controller)
        });
        sim.run_until(30_000, &format!("{mode:?}: every partition led"), |s| {
            s.cluster
                .topic_view(TOPIC)
                .expect("exists")
                .partitions
                .iter()
                .all(|p| p.leader.is_some())
        });
        let follower = sim.follower();
        sim.apply(Command::StopBroker { broker: follower });
        sim.run_until(40_000, &format!("{mode:?}: out of the ISR"), |s| {
            !s.partition().isr.contains(&follower)
        });
        sim.apply(Command::StartBroker { broker: follower });
        sim.run_until(20_000, &format!("{mode:?}: back in the ISR"), |s| {
            s.partition().isr.contains(&follower)
        });
        sim.apply(Command::StartBroker {
            broker: old_controller,
        });
        sim.run_until(
            20_000,
            &format!("{mode:?}: the old controller's broker back"),
            |s| {
                s.cluster
                    .topic_view(TOPIC)
                    .expect("exists")
                    .partitions
                    .iter()
                    .all(|p| p.isr.len() == 3)
            },
        );
    }
}

/// `unclean.leader.election.enable`: when the only live replica is out of sync, the
/// partition stays offline; allowing an unclean election brings it back and loses the records
/// it never had. A ZooKeeper-mode controller elects as soon as the config allows it
/// (`processTopicUncleanLeaderElectionEnable`); a KRaft controller on its next periodic
/// `electUnclean` check, every `unclean.leader.election.interval.ms`.
#[test]
fn an_unclean_election_brings_a_partition_back_and_loses_records() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        an_unclean_election_brings_a_partition_back_and_loses_records_in(mode);
    }
}

fn an_unclean_election_brings_a_partition_back_and_loses_records_in(mode: MetadataMode) {
    let mut sim = Sim::new(mode, 3, 2, &[]);
    sim.producer("p", &[("acks", "1")]);
    let (leader, follower) = sim.write_past_a_stopped_follower("p", 5);
    sim.apply(Command::StopBroker { broker: leader });
    sim.apply(Command::StartBroker { broker: follower });
    sim.run_for(30_000);
    assert_eq!(
        sim.partition().leader,
        None,
        "{mode:?}: a clean election is impossible"
    );
    let offline = sim
        .events
        .iter()
        .map(|event| event.describe())
        .find(|text| text.starts_with("orders-0 is offline"))
        .expect("the partition's going offline is reported");
    assert!(
        offline.contains("unless an unclean election (unclean.leader.election.enable=true"),
        "{mode:?}: {offline}"
    );

    sim.apply(Command::AlterConfigs {
        resource: kplay_core::ConfigResource::Topic(TOPIC.into()),
        set: pairs(&[("unclean.leader.election.enable", "true")]),
        delete: Vec::new(),
    });
    let wait_ms = if mode == MetadataMode::Kraft {
        sim.run_for(60_000);
        assert_eq!(
            sim.partition().leader,
            None,
            "KRaft waits for its periodic check"
        );
        UNCLEAN_LEADER_ELECTION_INTERVAL_MS
    } else {
        1_000
    };
    sim.run_until(wait_ms, "the unclean election", |s| {
        s.partition().leader == Some(follower)
    });
    sim.apply(Command::StartBroker { broker: leader });
    sim.run_until(
        30_000,
        "the old leader truncated and back in the ISR",
        |s| s.partition().isr.len() == 2,
    );
    assert_eq!(sim.partition().log_end_offset, Offset(5), "{mode:?}");
    assert!(
        sim.alerts(AlertKind::AcknowledgedRecordLost) > 0,
        "{mode:?}"
    );
}

/// A reader of partition 0 (assigned, starting at offset 0) reads 10 records, the last 5 of
/// which only the leader has; then the leader stops and the follower is elected uncleanly.
fn reader_of_a_truncated_partition(reset: &str) -> (Sim, kplay_core::network::ClientId) {
    let mut sim = Sim::new(
        MetadataMode::Kraft,
        3,
        2,
        &[("unclean.leader.election.enable", "true")],
    );
    sim.producer("p", &[("acks", "1")]);
    let partition = TopicPartition::new(TOPIC, 0);
    create_reader(&mut sim, reset);
    sim.apply(Command::Seek {
        consumer: "reader".into(),
        partition,
        offset: Offset(0),
    });
    let (leader, follower) = sim.write_past_a_stopped_follower("p", 5);
    sim.run_for(2_000);
    let reader = sim
        .cluster
        .consumer_views()
        .into_iter()
        .find(|c| c.name == "reader")
        .expect("reader")
        .id;
    assert_eq!(delivered(&sim, reader).last().map(|d| d.1), Some(9));
    sim.apply(Command::StopBroker { broker: leader });
    sim.apply(Command::StartBroker { broker: follower });
    sim.run_until(
        UNCLEAN_LEADER_ELECTION_INTERVAL_MS + 30_000,
        "the unclean election",
        |s| s.partition().leader == Some(follower),
    );
    sim.run_for(5_000);
    (sim, reader)
}

/// (first, last) offsets of each delivery of partition 0 to `reader`.
fn delivered(sim: &Sim, reader: kplay_core::network::ClientId) -> Vec<(i64, i64)> {
    sim.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RecordsDelivered {
                consumer,
                partition,
                first_offset,
                last_offset,
                ..
            } if *consumer == reader && partition.partition == 0 => {
                Some((first_offset.0, last_offset.0))
            }
            _ => None,
        })
        .collect()
}

/// KIP-320 (`SubscriptionState.maybeCompleteValidation`): a consumer that read records an
/// unclean election then cut from the log finds out when its metadata names the new leader.
/// OffsetsForLeaderEpoch answers that the epoch of its last record ends before its position,
/// and it goes back to that offset, the first known to diverge, and reads on from there: not
/// an out-of-range reset that would read the partition again from the start.
#[test]
fn a_consumer_detects_the_truncation_of_an_unclean_election() {
    let (mut sim, reader) = reader_of_a_truncated_partition("earliest");
    let truncation: Vec<String> = sim
        .events
        .iter()
        .map(|e| e.trace_line())
        .filter(|line| line.contains(" truncation "))
        .collect();
    assert_eq!(truncation.len(), 1, "{truncation:?}");
    assert!(
        truncation[0].ends_with("orders-0 position=10 diverges=5"),
        "{truncation:?}"
    );
    let before = delivered(&sim, reader).len();
    sim.send("p", 3);
    sim.run_for(3_000);
    let after = delivered(&sim, reader).split_off(before);
    assert_eq!(after.first().map(|d| d.0), Some(5), "{after:?}");
    assert!(
        after.iter().all(|d| d.0 >= 5),
        "nothing read again: {after:?}"
    );
    // The records now at offsets 5 to 7 are new ones, not duplicates of the lost ones.
    assert_eq!(sim.alerts(AlertKind::DuplicateDelivered), 0);
}

/// With no reset policy the truncation is the application's to handle: poll() throws
/// `LogTruncationException` naming the position and the divergent offset.
#[test]
fn with_no_reset_policy_a_truncation_throws() {
    let (sim, reader) = reader_of_a_truncated_partition("none");
    let error = sim
        .cluster
        .consumer_views()
        .into_iter()
        .find(|c| c.id == reader)
        .and_then(|c| c.last_error);
    let epoch = sim.partition().leader_epoch - 1;
    assert_eq!(
        error,
        Some(format!("org.apache.kafka.clients.consumer.LogTruncationException: Detected truncated partitions: [(partition=orders-0, fetchOffset=10, fetchEpoch=Optional[{epoch}], divergentOffset=5, divergentEpoch=Optional[{epoch}])]"))
    );
}

/// ZooKeeper mode: a restarted broker's new process opens a new session, which ZooKeeper
/// refuses (`NodeExists`) while the previous process's session lives. An answer on its way to
/// the previous process (whose pings were slow) once reached the new one, which took the old
/// session for its own: it fetched the metadata, led partitions in the old registration and
/// added a follower far behind to an ISR (the convergence test's seed 4428). An answer travels
/// on the connection of the process that asked, and dies with it.
#[test]
fn a_restarted_broker_does_not_take_an_answer_to_its_previous_process_for_its_own() {
    // Pings go every 6 s and now take 5 s to arrive: most of the time one is on its way.
    for crash_after_ms in (0..6_000).step_by(500) {
        let mut sim = Sim::new(MetadataMode::ZooKeeper, 3, 3, &[]);
        sim.apply(Command::DelayBroker {
            broker: BrokerId(2),
            extra_ms: 5_000,
        });
        sim.run_for(6_000 + crash_after_ms);
        sim.apply(Command::StopBroker {
            broker: BrokerId(2),
        });
        sim.apply(Command::DelayBroker {
            broker: BrokerId(2),
            extra_ms: 0,
        });
        sim.apply(Command::StartBroker {
            broker: BrokerId(2),
        });
        sim.run_for(5_000);
        let status = sim.cluster.view().brokers[1].status.clone();
        assert_eq!(
            status, "starting",
            "crashed {crash_after_ms} ms into the slow pings: the new process waits for the old session to expire"
        );
    }
}

/// KRaft's `StripedReplicaPlacer` counts every registered broker, fenced ones too: with a broker
/// stopped, a topic with a replication factor of 3 on 3 brokers is created, the stopped broker
/// holds the last replica of each partition, outside the ISR, and joins the ISR once it is
/// back. A ZooKeeper-mode controller counts live brokers only (`AdminZkClient`) and refuses.
#[test]
fn a_new_topic_places_replicas_on_a_stopped_broker_in_kraft_only() {
    let create = |topic: &str, replication_factor: i32| Command::CreateTopic {
        topic: topic.into(),
        partitions: 3,
        replication_factor,
        configs: Vec::new(),
    };
    let with_broker_3_stopped = |mode| {
        let mut sim = Sim::new(mode, 3, 3, &[]);
        sim.apply(Command::StopBroker {
            broker: BrokerId(3),
        });
        sim.run_for(20_000);
        sim
    };
    let refusal = |sim: &mut Sim, replication_factor| {
        let refused = sim.cluster.apply(create("payments", replication_factor));
        refused.expect_err("refused").message
    };
    let mut zookeeper = with_broker_3_stopped(MetadataMode::ZooKeeper);
    assert_eq!(
        refusal(&mut zookeeper, 3),
        "Replication factor: 3 larger than available brokers: 2."
    );
    let mut sim = with_broker_3_stopped(MetadataMode::Kraft);
    assert_eq!(
        refusal(&mut sim, 4),
        "Unable to replicate the partition 4 time(s): The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."
    );
    sim.apply(create("payments", 3));
    sim.run_for(1_000);
    let partitions = sim
        .cluster
        .topic_view("payments")
        .expect("created")
        .partitions;
    for partition in &partitions {
        assert_eq!(
            partition.replicas.last(),
            Some(&BrokerId(3)),
            "{partition:?}"
        );
        assert_eq!(partition.isr.len(), 2, "{partition:?}");
        assert!(!partition.isr.contains(&BrokerId(3)), "{partition:?}");
        assert_ne!(partition.leader, Some(BrokerId(3)), "{partition:?}");
    }
    sim.apply(Command::StartBroker {
        broker: BrokerId(3),
    });
    sim.run_until(30_000, "broker 3 joins every ISR of payments", |s| {
        s.cluster.topic_view("payments").is_some_and(|topic| {
            topic
                .partitions
                .iter()
                .all(|p| p.isr.contains(&BrokerId(3)))
        })
    });
}

/// KRaft's `BrokerHeartbeatManager`: a broker that leads partitions when it asks to shut down
/// moves them away, then waits until every other active broker's heartbeat reports a metadata
/// offset past the moves (`controlledShutdownOffset <= lowestActiveOffset()`): they heartbeat
/// every 2 s, so it stops up to a heartbeat interval later. It asks again 50 ms after the
/// first "not yet" (`BrokerLifecycleManager`). A broker that leads nothing stops at once
/// (`SHUTDOWN_NOW`).
#[test]
fn a_kraft_controlled_shutdown_waits_for_the_other_brokers_to_report_the_moves() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    sim.run_for(10_000);
    let broker = BrokerId(2);
    let shutdown = |sim: &mut Sim| {
        let asked_at = sim.cluster.now_ms();
        let from = sim.events.len();
        sim.apply(Command::ShutdownBroker { broker });
        sim.run_until(5_000, "the broker stopped", |s| {
            s.cluster
                .view()
                .brokers
                .iter()
                .any(|b| b.id == broker && !b.up)
        });
        let fenced_at = sim.events[from..]
            .iter()
            .find(|e| matches!(e.kind, EventKind::BrokerFenced { broker: b, .. } if b == broker))
            .map(|e| e.at_ms)
            .expect("fenced");
        fenced_at - asked_at
    };
    let took_ms = shutdown(&mut sim);
    assert!(
        (50..=2_100).contains(&took_ms),
        "the leader stopped {took_ms} ms after it asked"
    );
    sim.apply(Command::StartBroker { broker });
    sim.run_for(10_000);
    assert!(sim.partitions().iter().all(|p| p.leader != Some(broker)));
    let took_ms = shutdown(&mut sim);
    assert!(
        took_ms < 10,
        "a broker leading nothing stopped {took_ms} ms after it asked"
    );
}

/// Moves partition 0's leadership away from its preferred replica and back with a preferred
/// election once `ready` has run (after the first move); returns (old leader, new leader).
fn move_leadership_back(sim: &mut Sim, ready: impl FnOnce(&mut Sim)) -> (BrokerId, BrokerId) {
    let preferred = sim.partition().leader.expect("led");
    sim.apply(Command::StopBroker { broker: preferred });
    sim.run_until(20_000, "another leader", |s| {
        s.partition()
            .leader
            .is_some_and(|leader| leader != preferred)
    });
    let interim = sim.partition().leader.expect("led");
    sim.apply(Command::StartBroker { broker: preferred });
    sim.run_until(60_000, "the preferred replica back in the ISR", |s| {
        s.partition().isr.contains(&preferred)
    });
    ready(sim);
    sim.apply(Command::ElectLeaders {
        election: ElectionType::Preferred,
        partitions: Some(vec![TopicPartition::new(TOPIC, 0)]),
    });
    sim.run_until(5_000, "the preferred replica leads", |s| {
        s.partition().leader == Some(preferred)
    });
    (interim, preferred)
}

/// Consumer `reader`, assigned partition 0 (no group), with this `auto.offset.reset`.
fn create_reader(sim: &mut Sim, reset: &str) {
    sim.apply(Command::CreateConsumer {
        name: "reader".into(),
        configs: pairs(&[("auto.offset.reset", reset)]),
        subscription: Subscription::Partitions(vec![TopicPartition::new(TOPIC, 0)]),
        policy: CommitPolicy::default(),
    });
}

/// Cuts `broker` off from the other brokers, the controller among them (clients still reach
/// it), so it does not hear of elections for a while.
fn cut_off_from_the_other_brokers(sim: &mut Sim, broker: BrokerId) {
    sim.apply(Command::CutLinks {
        side_a: vec![kplay_core::NodeId::Broker(broker)],
        side_b: other_brokers(sim, broker),
    });
}

fn other_brokers(sim: &Sim, broker: BrokerId) -> Vec<kplay_core::NodeId> {
    sim.cluster
        .view()
        .brokers
        .iter()
        .map(|b| b.id)
        .filter(|b| *b != broker)
        .map(kplay_core::NodeId::Broker)
        .collect()
}

/// The first time a request of `api` from a client to `broker` is seen in flight, watching
/// for up to `limit_ms`.
fn first_request_to(sim: &mut Sim, api: &str, broker: BrokerId, limit_ms: i64) -> Option<i64> {
    for _ in 0..limit_ms {
        sim.run_for(1);
        let sent = sim
            .cluster
            .messages_in_flight()
            .into_iter()
            .find(|message| {
                message.api == api
                    && message.is_request
                    && message.to == kplay_core::NodeId::Broker(broker)
                    && matches!(message.from, kplay_core::NodeId::Client(_))
            });
        if let Some(message) = sent {
            return Some(message.sent_ms);
        }
    }
    None
}

/// KIP-951 (`KafkaApis.getCurrentLeader`, `Sender.handleProduceResponse`): the old leader's
/// NOT_LEADER_OR_FOLLOWER answer names the new leader and its epoch, and the producer sends
/// its retry there at once, without waiting for the metadata refresh or its backoff.
#[test]
fn a_not_leader_answer_names_the_new_leader_and_the_retry_goes_there_at_once() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    let (interim, preferred) = move_leadership_back(&mut sim, |sim| {
        sim.producer("p", &[("acks", "all"), ("linger.ms", "0")]);
        sim.send("p", 1);
        sim.run_until(5_000, "the first record acknowledged", |s| {
            s.acknowledged() == 1
        });
    });
    sim.send("p", 1);
    let retry_sent = first_request_to(&mut sim, "Produce", preferred, 3_000).expect("a retry");
    let refused = sim
        .events
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::ProduceRetried { error, .. }
                if error.code == ErrorCode::NotLeaderOrFollower)
        })
        .expect("the old leader refused the batch");
    assert_eq!(
        retry_sent, refused.at_ms,
        "retried at once to the new leader"
    );
    let hint = format!(
        "{name}: broker {interim} no longer leads orders-0 and its answer says broker {preferred} does",
        name = "p"
    );
    assert!(
        sim.events.iter().any(|e| e.describe().starts_with(&hint)),
        "the event names the leader the answer gave"
    );
    sim.run_until(5_000, "the second record acknowledged", |s| {
        s.acknowledged() == 2
    });
}

/// KIP-951 for the consumer (`AbstractFetch.handleFetchSuccess`): the old leader's fetch
/// answer names the new leader, and the consumer turns to it at once (validating its position
/// there first, KIP-320), without waiting for its metadata refresh.
#[test]
fn a_fetch_answer_names_the_new_leader_and_the_consumer_turns_to_it_at_once() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    let (interim, preferred) = move_leadership_back(&mut sim, |sim| {
        sim.producer("p", &[("acks", "all"), ("linger.ms", "0")]);
        sim.send("p", 3);
        create_reader(sim, "earliest");
        sim.run_until(5_000, "the records read", |s| {
            s.events.iter().any(|e| {
                matches!(&e.kind, EventKind::RecordsDelivered { last_offset, .. }
                    if *last_offset == Offset(2))
            })
        });
    });
    let hint = format!("reader: broker {interim} no longer leads orders-0");
    let mut asked = None;
    let mut learned = None;
    for _ in 0..5_000 {
        sim.run_for(1);
        learned = learned.or_else(|| {
            let event = sim.events.iter().find(|e| e.describe().starts_with(&hint));
            event.map(|e| e.at_ms)
        });
        asked = asked.or_else(|| {
            let messages = sim.cluster.messages_in_flight().into_iter();
            let mut to_preferred = messages.filter(|m| {
                m.is_request
                    && m.to == kplay_core::NodeId::Broker(preferred)
                    && matches!(m.from, kplay_core::NodeId::Client(_))
                    && (m.api == "OffsetsForLeaderEpoch" || m.api == "Fetch")
            });
            to_preferred.next().map(|m| m.sent_ms)
        });
        if asked.is_some() && learned.is_some() {
            break;
        }
    }
    let learned = learned.expect("the fetch answer named the new leader");
    assert_eq!(asked, Some(learned), "turned to the new leader at once");
}

/// `Partition.getLocalLog` checks a fetch's leader epoch before the broker's role, and
/// `FetchCollector.handleInitializeErrors` only logs UNKNOWN_LEADER_EPOCH. After a preferred
/// election, the old leader answers a consumer's fetch with FENCED_LEADER_EPOCH and names the
/// new leader; the new leader, slow to hear of its election, answers UNKNOWN_LEADER_EPOCH, and
/// the consumer fetches again without asking for metadata: the broker catches up by itself.
#[test]
fn a_leader_slow_to_hear_of_its_election_costs_no_metadata_request() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    let (_, preferred) = move_leadership_back(&mut sim, |sim| {
        create_reader(sim, "latest");
        sim.run_for(1_000);
        // The preferred replica stops hearing from the other brokers, the controller among
        // them, so it will not learn of its election for a while.
        let preferred = sim.partition().replicas[0];
        cut_off_from_the_other_brokers(sim, preferred);
    });
    let mut metadata_requests: Vec<u64> = Vec::new();
    let mut fetches_to_new_leader = 0;
    let mut seen: Vec<u64> = Vec::new();
    for _ in 0..3_000 {
        sim.run_for(1);
        for message in sim.cluster.messages_in_flight() {
            if !message.is_request
                || !matches!(message.from, kplay_core::NodeId::Client(_))
                || seen.contains(&message.id)
            {
                continue;
            }
            seen.push(message.id);
            if message.api == "Metadata" {
                metadata_requests.push(message.id);
            }
            if message.api == "Fetch" && message.to == kplay_core::NodeId::Broker(preferred) {
                fetches_to_new_leader += 1;
            }
        }
    }
    assert!(
        fetches_to_new_leader >= 10,
        "the consumer kept fetching from the new leader: {fetches_to_new_leader}"
    );
    assert_eq!(
        metadata_requests.len(),
        1,
        "only FENCED_LEADER_EPOCH asked for metadata: {metadata_requests:?}"
    );
}

/// KIP-320 for ListOffsets: a consumer sends the leader epoch it knows with each partition
/// (`currentLeaderEpoch`), and the broker checks it before its role, as for a fetch
/// (`Partition.fetchOffsetForTimestamp`, `localLogWithEpochOrThrow`). A consumer that learns of
/// the preferred replica's election before that replica does gets `UNKNOWN_LEADER_EPOCH` (or,
/// from a broker that already moved on, `FENCED_LEADER_EPOCH`), never the
/// `NOT_LEADER_OR_FOLLOWER` a broker sends under the epoch it is asked about; the consumer
/// asks again with fresh metadata.
#[test]
fn list_offsets_checks_the_askers_leader_epoch_first() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    let (_, preferred) = move_leadership_back(&mut sim, |sim| {
        let preferred = sim.partition().replicas[0];
        cut_off_from_the_other_brokers(sim, preferred);
    });
    let first_event = sim.events.len();
    create_reader(&mut sim, "latest");
    sim.run_for(3_000);
    let retries: Vec<String> = sim.events[first_event..]
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Client { trace, .. } if trace.starts_with("list-offsets-retry") => {
                Some(trace.clone())
            }
            _ => None,
        })
        .collect();
    assert!(
        !retries.is_empty(),
        "the new leader {preferred} cannot answer yet"
    );
    assert!(
        retries
            .iter()
            .all(|trace| trace.ends_with("error=UNKNOWN_LEADER_EPOCH")
                || trace.ends_with("error=FENCED_LEADER_EPOCH")),
        "{retries:?}"
    );
    // The consumer asks every retry.backoff.ms, but the event log tells only a changed answer.
    assert!(
        retries.windows(2).all(|pair| pair[0] != pair[1]),
        "{retries:?}"
    );
}

/// `AlterPartitionManager` and `Partition.sendAlterPartitionRequest`: the leader keeps an ISR
/// change pending until the controller's answer or the partition's next metadata settles it,
/// and sends it again when the answer does not come. Here the controller commits a follower's
/// return to the ISR, but its answer is lost: the leader is cut off from the other brokers
/// while the answer travels. The follower's fetches are held from then on, so it
/// stays behind. Had the leader forgotten the change when its request timed out, its high
/// watermark would pass the follower, which the controller already counts in sync; it must
/// wait, and move on only after the follower is dropped from the ISR again.
#[test]
fn a_lost_alter_partition_answer_keeps_the_change_pending() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        let configs = [
            ("broker.session.timeout.ms", "120000"),
            ("replica.lag.time.max.ms", "10000"),
        ];
        let mut sim = Sim::with_broker_configs(mode, 4, &configs, 2, &[]);
        let controller = sim.cluster.view().controller.expect("a controller");
        let placement: Vec<BrokerId> = (1..=4)
            .map(BrokerId)
            .filter(|b| *b != controller)
            .take(2)
            .collect();
        let (leader, follower) = (placement[0], placement[1]);
        sim.apply(Command::DeleteTopic {
            topic: TOPIC.into(),
        });
        sim.apply(Command::CreateTopicWithAssignment {
            topic: TOPIC.into(),
            assignment: vec![placement],
            configs: Vec::new(),
        });
        sim.run_for(2_000);
        let configs = [
            ("acks", "all"),
            ("linger.ms", "0"),
            ("delivery.timeout.ms", "300000"),
        ];
        sim.producer("p", &configs);
        sim.send("p", 5);
        sim.run_until(5_000, "the first records", |s| s.acknowledged() == 5);

        sim.apply(Command::HoldFetches { broker: follower });
        sim.send("p", 5);
        sim.run_until(
            30_000,
            &format!("{mode:?}: the follower out of the ISR"),
            |s| s.partition().isr == vec![leader] && s.acknowledged() == 10,
        );
        sim.apply(Command::ReleaseFetches { broker: follower });
        let mut sent = false;
        for _ in 0..10_000 {
            sim.run_for(1);
            sent = sim.cluster.messages_in_flight().iter().any(|message| {
                message.api == "AlterPartition response"
                    && message.to == kplay_core::NodeId::Broker(leader)
            });
            if sent {
                break;
            }
        }
        assert!(sent, "{mode:?}: the controller answers the leader");
        cut_off_from_the_other_brokers(&mut sim, leader);
        sim.apply(Command::HoldFetches { broker: follower });
        sim.send("p", 5);
        sim.run_for(1_000);
        assert_eq!(
            sim.partition().isr,
            vec![leader, follower],
            "{mode:?}: the controller committed the change"
        );
        // Longer than `replica.socket.timeout.ms` (30 s): the request times out, more than
        // once.
        // Past `replica.socket.timeout.ms` (30 s): the request times out. A record from
        // another producer makes the leader work out its high watermark again.
        sim.run_for(40_000);
        sim.producer("q", &[("acks", "1"), ("linger.ms", "0")]);
        sim.send("q", 1);
        sim.run_for(5_000);
        assert_eq!(sim.acknowledged(), 11, "{mode:?}: only the acks=1 record");
        assert_eq!(
            sim.partition().high_watermark,
            Offset(10),
            "{mode:?}: the high watermark waits for the follower"
        );
        sim.apply(Command::RepairLinks {
            side_a: vec![kplay_core::NodeId::Broker(leader)],
            side_b: other_brokers(&sim, leader),
        });
        sim.run_until(
            40_000,
            &format!("{mode:?}: acknowledged once the follower is dropped"),
            |s| s.acknowledged() == 16,
        );
        assert_eq!(sim.partition().isr, vec![leader], "{mode:?}");
        sim.apply(Command::ReleaseFetches { broker: follower });
        sim.run_until(20_000, &format!("{mode:?}: the follower back"), |s| {
            s.partition().isr == vec![leader, follower]
        });
    }
}
