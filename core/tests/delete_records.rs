//! DeleteRecords (`kafka-delete-records`) as Kafka's `Partition.deleteRecordsOnLeader` and
//! `lowWatermarkIfLeader` take it: the leader's log start offset moves at once, the followers
//! follow it from their fetch answers, and the low watermark, the lowest log start offset of the
//! replicas on live brokers, tells when the request is done.

use kplay_core::cluster::config::MetadataMode;
use kplay_core::error::ErrorCode;
use kplay_core::{Command, Offset, TopicPartition};

mod cluster_support;

use cluster_support::{Sim, TOPIC};

fn orders_0() -> TopicPartition {
    TopicPartition::new(TOPIC, 0)
}

fn delete(offset: i64) -> Command {
    Command::DeleteRecords {
        partition: orders_0(),
        offset,
    }
}

/// Three brokers, `orders-0` on all of them with 10 records acknowledged by every replica.
fn ten_records(mode: MetadataMode) -> Sim {
    let mut sim = Sim::new(mode, 3, 3, &[]);
    sim.producer("p", &[("acks", "all")]);
    sim.send("p", 10);
    sim.run_until(5_000, "acknowledged", |s| s.acknowledged() == 10);
    sim
}

fn log_starts(sim: &Sim) -> Vec<Offset> {
    let replicas = sim.partition().replicas;
    replicas
        .iter()
        .map(|broker| {
            sim.cluster
                .log_start_offset(*broker, &orders_0())
                .expect("a replica")
        })
        .collect()
}

#[test]
fn the_leader_moves_at_once_and_the_followers_follow_it() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        let mut sim = ten_records(mode);
        let leader = sim.partition().leader.expect("led");
        sim.apply(delete(4));
        assert_eq!(
            sim.cluster.log_start_offset(leader, &orders_0()),
            Some(Offset(4)),
            "{mode:?}"
        );
        // The followers still have 0 until their next fetch answers carry the leader's 4.
        assert_eq!(sim.cluster.low_watermark(&orders_0()), Ok(Offset(0)));
        sim.run_until(2_000, "the low watermark at 4", |s| {
            s.cluster.low_watermark(&orders_0()) == Ok(Offset(4))
        });
        assert_eq!(log_starts(&sim), vec![Offset(4); 3], "{mode:?}");
        let earliest = sim
            .cluster
            .list_offset(&orders_0(), kplay_core::protocol::OffsetSpec::Earliest)
            .expect("listed");
        assert_eq!(earliest.0, Offset(4));
    }
}

#[test]
fn minus_one_deletes_up_to_the_high_watermark() {
    let mut sim = ten_records(MetadataMode::Kraft);
    sim.run_for(1_000);
    sim.apply(delete(-1));
    let leader = sim.partition().leader.expect("led");
    assert_eq!(
        sim.cluster.log_start_offset(leader, &orders_0()),
        Some(Offset(10))
    );
}

#[test]
fn a_follower_that_does_not_fetch_holds_the_low_watermark_until_its_broker_is_fenced() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        let mut sim = ten_records(mode);
        let follower = sim.follower();
        sim.apply(Command::StopBroker { broker: follower });
        sim.apply(delete(6));
        // Out of the ISR or not, a replica on a live broker counts.
        sim.run_for(3_000);
        assert_eq!(
            sim.cluster.low_watermark(&orders_0()),
            Ok(Offset(0)),
            "{mode:?}"
        );
        // Once the stopped broker is gone from the leader's metadata (KRaft fences it after
        // broker.session.timeout.ms, 9 s; ZooKeeper mode's controller sends the live brokers
        // once its session expires, 18 s), the low watermark is the others'.
        sim.run_until(25_000, "the low watermark at 6", |s| {
            s.cluster.low_watermark(&orders_0()) == Ok(Offset(6))
        });
        // Restarted, the follower learns the new log start offset from its first fetch.
        sim.apply(Command::StartBroker { broker: follower });
        sim.run_until(25_000, "the restarted follower at 6", |s| {
            s.cluster.log_start_offset(follower, &orders_0()) == Some(Offset(6))
        });
    }
}

#[test]
fn deletions_kafka_refuses() {
    let mut sim = ten_records(MetadataMode::Kraft);
    let refusal = |sim: &mut Sim, command: Command| {
        let error = sim.cluster.apply(command).expect_err("refused");
        (error.code, error.message)
    };
    assert_eq!(
        refusal(&mut sim, delete(11)),
        (
            ErrorCode::OffsetOutOfRange,
            "Cannot increment the log start offset to 11 of partition orders-0 since it is larger than the high watermark 10".to_string()
        )
    );
    assert_eq!(refusal(&mut sim, delete(-2)).0, ErrorCode::OffsetOutOfRange);
    assert_eq!(
        refusal(
            &mut sim,
            Command::DeleteRecords {
                partition: TopicPartition::new(TOPIC, 9),
                offset: 1
            }
        )
        .0,
        ErrorCode::LeaderNotAvailable
    );
    sim.apply(Command::AlterConfigs {
        resource: kplay_core::ConfigResource::Topic(TOPIC.into()),
        set: cluster_support::pairs(&[("cleanup.policy", "compact")]),
        delete: Vec::new(),
    });
    sim.run_for(1_000);
    assert_eq!(
        refusal(&mut sim, delete(1)),
        (
            ErrorCode::PolicyViolation,
            "Records of partition orders-0 can not be deleted due to the configured policy"
                .to_string()
        )
    );
    // A log start offset only moves forward: a lower offset is no deletion, and no event.
    sim.apply(Command::AlterConfigs {
        resource: kplay_core::ConfigResource::Topic(TOPIC.into()),
        set: cluster_support::pairs(&[("cleanup.policy", "compact,delete")]),
        delete: Vec::new(),
    });
    sim.run_for(1_000);
    sim.apply(delete(5));
    let events = sim.cluster.apply(delete(3)).expect("accepted");
    assert!(events.is_empty(), "{events:?}");
    let leader = sim.partition().leader.expect("led");
    assert_eq!(
        sim.cluster.log_start_offset(leader, &orders_0()),
        Some(Offset(5))
    );
}
