//! A cluster with one topic, `orders`, driven by commands, with every invariant checked every
//! 50 ms of simulated time: shared by the end-to-end tests of replication and idempotence.

#![allow(dead_code)]

use kplay_core::check::invariants::check_all;
use kplay_core::cluster::config::{ClusterConfig, MetadataMode};
use kplay_core::error::ErrorCode;
use kplay_core::{AlertKind, BrokerId, Cluster, Command, Event, EventKind, NewRecord};

pub const TOPIC: &str = "orders";

/// A running cluster with one topic `orders` and the events so far.
pub struct Sim {
    pub cluster: Cluster,
    pub events: Vec<Event>,
}

impl Sim {
    /// `brokers` brokers, `orders` with one partition per broker and the given replication
    /// factor and topic configs.
    pub fn new(
        mode: MetadataMode,
        brokers: i32,
        replication_factor: i32,
        configs: &[(&str, &str)],
    ) -> Sim {
        Sim::with_broker_configs(mode, brokers, &[], replication_factor, configs)
    }

    /// [`Sim::new`] with `server.properties` settings shared by every broker.
    pub fn with_broker_configs(
        mode: MetadataMode,
        brokers: i32,
        broker_configs: &[(&str, &str)],
        replication_factor: i32,
        configs: &[(&str, &str)],
    ) -> Sim {
        let config = ClusterConfig {
            brokers,
            metadata_mode: mode,
            controller_voters: brokers.min(3),
            broker_configs: pairs(broker_configs),
            ..ClusterConfig::default()
        };
        let mut sim = Sim {
            cluster: Cluster::new(config, 7).expect("a valid cluster"),
            events: Vec::new(),
        };
        sim.apply(Command::CreateTopic {
            topic: TOPIC.into(),
            partitions: brokers,
            replication_factor,
            configs: pairs(configs),
        });
        sim.run_for(2_000);
        sim
    }

    pub fn apply(&mut self, command: Command) {
        let events = self.cluster.apply(command).expect("command accepted");
        self.events.extend(events);
    }

    /// Runs for `duration_ms`, checking every invariant every 50 ms.
    pub fn run_for(&mut self, duration_ms: i64) {
        let end = self.cluster.now_ms() + duration_ms;
        while self.cluster.now_ms() < end {
            let step = (end - self.cluster.now_ms()).min(50);
            let events = self.cluster.run_for(step);
            self.events.extend(events);
            let violations = check_all(&self.cluster);
            assert!(
                violations.is_empty(),
                "invariants broken at {} ms: {violations:?}",
                self.cluster.now_ms()
            );
        }
    }

    /// Runs in 50 ms steps until `done` holds; returns how long it took. Panics after
    /// `limit_ms`.
    pub fn run_until(&mut self, limit_ms: i64, what: &str, done: impl Fn(&Sim) -> bool) -> i64 {
        let start = self.cluster.now_ms();
        while !done(self) {
            assert!(
                self.cluster.now_ms() - start < limit_ms,
                "{what}: not within {limit_ms} ms"
            );
            self.run_for(50);
        }
        self.cluster.now_ms() - start
    }

    pub fn producer(&mut self, name: &str, configs: &[(&str, &str)]) {
        self.apply(Command::CreateProducer {
            name: name.into(),
            configs: pairs(configs),
        });
    }

    /// Sends `count` records to partition 0 of `orders`.
    pub fn send(&mut self, producer: &str, count: usize) {
        for i in 0..count {
            let mut record = NewRecord::new(TOPIC, Some(&format!("k{i}")), Some("v"));
            record.partition = Some(0);
            self.apply(Command::Produce {
                producer: producer.into(),
                record,
            });
        }
        self.apply(Command::Flush {
            producer: producer.into(),
        });
    }

    pub fn partition(&self) -> kplay_core::view::cluster::PartitionView {
        self.partitions().swap_remove(0)
    }

    /// Every partition of `orders`, in order.
    pub fn partitions(&self) -> Vec<kplay_core::view::cluster::PartitionView> {
        self.cluster.topic_view(TOPIC).expect("exists").partitions
    }

    pub fn acknowledged(&self) -> i32 {
        self.events
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::ProduceAcknowledged { records, .. } => Some(*records),
                _ => None,
            })
            .sum()
    }

    pub fn failures(&self) -> Vec<ErrorCode> {
        self.events
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::ProduceFailed { error, .. } => Some(error.code),
                _ => None,
            })
            .collect()
    }

    pub fn alerts(&self, kind: AlertKind) -> usize {
        self.events
            .iter()
            .filter(|event| matches!(&event.kind, EventKind::Alert { alert, .. } if *alert == kind))
            .count()
    }

    /// Partition 0's leader and another replica: `producer` writes `count` records to both,
    /// then the follower stops and leaves the ISR, and `count` more are acknowledged by the
    /// leader alone. Returns `(leader, follower)`.
    pub fn write_past_a_stopped_follower(
        &mut self,
        producer: &str,
        count: usize,
    ) -> (BrokerId, BrokerId) {
        let state = self.partition();
        let leader = state.leader.expect("led");
        let follower = *state
            .replicas
            .iter()
            .find(|b| **b != leader)
            .expect("two replicas");
        let before = self.acknowledged();
        let count_i32 = i32::try_from(count).expect("a small count");
        self.send(producer, count);
        self.run_until(3_000, "acknowledged", |s| {
            s.acknowledged() == before + count_i32
        });
        self.apply(Command::StopBroker { broker: follower });
        self.run_until(40_000, "the follower out of the ISR", |s| {
            s.partition().isr == vec![leader]
        });
        self.send(producer, count);
        self.run_until(3_000, "acknowledged by the lone leader", |s| {
            s.acknowledged() == before + 2 * count_i32
        });
        (leader, follower)
    }

    /// A follower of partition 0 that is not the controller.
    pub fn follower(&self) -> BrokerId {
        let state = self.partition();
        let view = self.cluster.view();
        let up = |broker: BrokerId| view.brokers.iter().any(|b| b.id == broker && b.up);
        *state
            .replicas
            .iter()
            .find(|b| Some(**b) != state.leader && Some(**b) != view.controller && up(**b))
            .expect("a running follower that does not host the controller")
    }
}

pub fn pairs(configs: &[(&str, &str)]) -> Vec<(String, String)> {
    configs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A client's configs that log it in as `User:<user>` with SASL/PLAIN, password
/// `<user>-secret`.
pub fn login(user: &str) -> Vec<(String, String)> {
    login_with(user, &format!("{user}-secret"))
}

/// A client's configs that log it in as `User:<user>` with SASL/PLAIN and `password`.
pub fn login_with(user: &str, password: &str) -> Vec<(String, String)> {
    let jaas = format!(
        "org.apache.kafka.common.security.plain.PlainLoginModule required \
         username=\"{user}\" password=\"{password}\";"
    );
    pairs(&[
        ("security.protocol", "SASL_PLAINTEXT"),
        ("sasl.mechanism", "PLAIN"),
        ("sasl.jaas.config", &jaas),
    ])
}
