//! A reference session that exercises most of the simulation: replication with `acks=all`,
//! idempotent and transactional producers, a consumer group with a rebalance, a broker crash
//! with a leader election, a restart with the follower catching up and rejoining the ISR.
//!
//! Its trace is the simulation's fingerprint. A session is (config, seed, inputs) and must
//! replay to the same trace anywhere: `bench/tests/same_trace.rs` replays this session in
//! WebAssembly and compares it line by line with the native trace computed at build time.

use crate::client::consumer::{AppCommits, CommitPolicy, Subscription};
use crate::cluster::command::{Command, NewRecord};
use crate::cluster::config::ClusterConfig;
use crate::cluster::Cluster;
use crate::error::KafkaError;
use crate::ids::BrokerId;

/// Runs the reference session and returns its trace, one line per event.
pub fn reference_trace() -> Result<String, KafkaError> {
    let config = ClusterConfig {
        brokers: 4,
        broker_configs: vec![("offsets.topic.num.partitions".into(), "3".into())],
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, 20_241_201)?;
    let mut events = Vec::new();
    let mut apply = |cluster: &mut Cluster, command: Command| -> Result<(), KafkaError> {
        events.extend(cluster.apply(command)?);
        Ok(())
    };
    apply(
        &mut cluster,
        Command::CreateTopic {
            topic: "orders".into(),
            partitions: 6,
            replication_factor: 3,
            configs: vec![("min.insync.replicas".into(), "2".into())],
        },
    )?;
    apply(
        &mut cluster,
        Command::CreateProducer {
            name: "shop".into(),
            configs: vec![
                ("acks".into(), "all".into()),
                ("linger.ms".into(), "5".into()),
            ],
        },
    )?;
    apply(
        &mut cluster,
        Command::CreateProducer {
            name: "ledger".into(),
            configs: vec![("transactional.id".into(), "ledger-1".into())],
        },
    )?;
    for name in ["billing-1", "billing-2"] {
        apply(
            &mut cluster,
            Command::CreateConsumer {
                name: name.into(),
                configs: vec![
                    ("group.id".into(), "billing".into()),
                    ("auto.offset.reset".into(), "earliest".into()),
                    ("isolation.level".into(), "read_committed".into()),
                ],
                subscription: Subscription::Topics(vec!["orders".into()]),
                policy: CommitPolicy {
                    poll_interval_ms: Some(50),
                    processing_ms_per_record: 1,
                    commits: AppCommits::AfterProcessing { sync: false },
                },
            },
        )?;
    }
    let mut trace_events = Vec::new();
    trace_events.extend(cluster.run_for(3_000));
    for round in 0..40 {
        let key = format!("customer-{}", round % 7);
        let value = format!("order-{round}");
        apply(
            &mut cluster,
            Command::Produce {
                producer: "shop".into(),
                record: NewRecord::new("orders", Some(&key), Some(&value)),
            },
        )?;
        trace_events.extend(cluster.run_for(7));
    }
    apply(
        &mut cluster,
        Command::InitTransactions {
            producer: "ledger".into(),
        },
    )?;
    trace_events.extend(cluster.run_for(5_000));
    apply(
        &mut cluster,
        Command::BeginTransaction {
            producer: "ledger".into(),
        },
    )?;
    for entry in 0..5 {
        apply(
            &mut cluster,
            Command::Produce {
                producer: "ledger".into(),
                record: NewRecord::new("orders", Some("ledger"), Some(&format!("entry-{entry}"))),
            },
        )?;
        // The first send waits for the topic's metadata (one call at a time).
        trace_events.extend(cluster.run_for(100));
    }
    apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "ledger".into(),
        },
    )?;
    trace_events.extend(cluster.run_for(1_000));
    let leader = cluster
        .current_leader(&crate::ids::TopicPartition::new("orders", 0))
        .unwrap_or(BrokerId(1));
    apply(&mut cluster, Command::StopBroker { broker: leader })?;
    trace_events.extend(cluster.run_for(12_000));
    apply(&mut cluster, Command::StartBroker { broker: leader })?;
    trace_events.extend(cluster.run_for(15_000));
    events.extend(trace_events);
    Ok(Cluster::trace(&events))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_session_replays_to_the_same_trace() {
        let first = reference_trace().expect("runs");
        assert_eq!(first, reference_trace().expect("runs"));
        for mechanism in [
            "leader-elected",
            "isr-changed",
            "broker-fenced",
            "txn-committed",
            "assigned",
            "delivered",
        ] {
            let shown = first
                .lines()
                .any(|line| line.split(' ').nth(1) == Some(mechanism));
            assert!(shown, "the trace shows {mechanism}");
        }
    }
}
