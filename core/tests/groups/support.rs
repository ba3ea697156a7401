//! A small driver for consumer group scenarios: a cluster with a topic, producers and
//! consumers, run in short steps with every invariant checked along the way.

#![allow(dead_code)]

use kplay_core::check::invariants::check_all;
use kplay_core::cluster::config::ClusterConfig;
use kplay_core::group::coordinator::events::GroupEvent;
use kplay_core::{
    AlertKind, AppCommits, Cluster, Command, CommitPolicy, Event, EventKind, NewRecord, Offset,
    Subscription, TopicPartition, Workload,
};

pub const TOPIC: &str = "orders";
pub const GROUP: &str = "orders-app";
/// The consumer config that makes a member cooperative (KIP-429).
pub const COOPERATIVE: (&str, &str) = (
    "partition.assignment.strategy",
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
);

/// A running simulation with the events so far.
pub struct Sim {
    pub cluster: Cluster,
    pub events: Vec<Event>,
    /// Invariants a scenario knows it breaks on purpose.
    pub ignored_invariants: Vec<&'static str>,
}

impl Sim {
    /// Three brokers, `__consumer_offsets` with 3 partitions, and topic `orders` with
    /// `partitions` partitions (replication factor 3).
    pub fn new(seed: u64, partitions: i32) -> Sim {
        Sim::with_brokers_config(seed, partitions, &[])
    }

    pub fn with_brokers_config(seed: u64, partitions: i32, extra: &[(&str, &str)]) -> Sim {
        let mut broker_configs =
            vec![("offsets.topic.num.partitions".to_string(), "3".to_string())];
        broker_configs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = ClusterConfig {
            broker_configs,
            ..ClusterConfig::default()
        };
        let cluster = Cluster::new(config, seed).expect("cluster");
        let mut sim = Sim {
            cluster,
            events: Vec::new(),
            ignored_invariants: Vec::new(),
        };
        sim.apply(Command::CreateTopic {
            topic: TOPIC.into(),
            partitions,
            replication_factor: 3,
            configs: Vec::new(),
        });
        sim.run_for(1_000);
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
            let mut violations = check_all(&self.cluster);
            violations.retain(|v| !self.ignored_invariants.contains(&v.invariant));
            assert!(
                violations.is_empty(),
                "invariants broken at {}: {violations:?}",
                self.cluster.now_ms()
            );
        }
    }

    /// Sends `count` keyed records and waits for them to be acknowledged.
    pub fn produce(&mut self, count: i32) {
        if self.cluster.producer_views().is_empty() {
            self.apply(Command::CreateProducer {
                name: "producer".into(),
                configs: Vec::new(),
            });
        }
        let start = self.events.len();
        for i in 0..count {
            let key = format!("key-{start}-{i}");
            self.apply(Command::Produce {
                producer: "producer".into(),
                record: NewRecord::new(TOPIC, Some(&key), Some("value")),
            });
        }
        self.apply(Command::Flush {
            producer: "producer".into(),
        });
        self.run_for(2_000);
    }

    /// Starts producer `p` sending a steady workload to `orders`.
    pub fn start_workload(
        &mut self,
        records_per_second: i64,
        distinct_keys: i32,
        value_bytes: i32,
    ) {
        self.apply(Command::CreateProducer {
            name: "p".into(),
            configs: Vec::new(),
        });
        self.apply(Command::StartWorkload {
            producer: "p".into(),
            workload: Workload {
                topic: TOPIC.into(),
                records_per_second,
                distinct_keys,
                value_bytes,
            },
        });
    }

    /// Starts a consumer of `orders` in group `orders-app`.
    pub fn consumer(&mut self, name: &str, configs: &[(&str, &str)], policy: CommitPolicy) {
        let subscription = Subscription::Topics(vec![TOPIC.into()]);
        self.consumer_in(GROUP, name, subscription, configs, policy);
    }

    /// Starts a consumer in `group` reading from the earliest offset, with `configs` besides.
    pub fn consumer_in(
        &mut self,
        group: &str,
        name: &str,
        subscription: Subscription,
        configs: &[(&str, &str)],
        policy: CommitPolicy,
    ) {
        let mut all = vec![
            ("group.id".to_string(), group.to_string()),
            ("auto.offset.reset".to_string(), "earliest".to_string()),
        ];
        all.extend(configs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.apply(Command::CreateConsumer {
            name: name.into(),
            configs: all,
            subscription,
            policy,
        });
    }

    /// The partitions a consumer owns now.
    pub fn owned(&self, name: &str) -> Vec<TopicPartition> {
        self.cluster
            .consumer_views()
            .into_iter()
            .find(|view| view.name == name)
            .map(|view| view.partitions.into_iter().map(|p| p.partition).collect())
            .unwrap_or_default()
    }

    /// The consumer's generation and member state.
    pub fn member_state(&self, name: &str) -> (i32, String) {
        self.cluster
            .consumer_views()
            .into_iter()
            .find(|view| view.name == name)
            .map(|view| (view.generation, view.member_state))
            .unwrap_or((-1, String::new()))
    }

    pub fn client_id(&self, name: &str) -> kplay_core::network::ClientId {
        self.cluster
            .consumer_views()
            .into_iter()
            .find(|view| view.name == name)
            .map(|view| view.id)
            .expect("consumer")
    }

    /// The group coordinator's events since event index `from`.
    pub fn group_events_since(&self, from: usize) -> Vec<&GroupEvent> {
        self.events[from..]
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::Group(group) => Some(group),
                _ => None,
            })
            .collect()
    }

    pub fn group_events(&self) -> Vec<&GroupEvent> {
        self.group_events_since(0)
    }

    /// The generations started (join phases completed) with members.
    pub fn generations(&self) -> Vec<i32> {
        self.group_events()
            .into_iter()
            .filter_map(|event| match event {
                GroupEvent::GenerationStarted {
                    generation,
                    members,
                    ..
                } if !members.is_empty() => Some(*generation),
                _ => None,
            })
            .collect()
    }

    /// Every `PartitionsAssigned` of a consumer: (generation, assigned, revoked).
    pub fn assignments(&self, name: &str) -> Vec<(i32, Vec<TopicPartition>, Vec<TopicPartition>)> {
        let id = self.client_id(name);
        self.events
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::PartitionsAssigned {
                    consumer,
                    generation,
                    assigned,
                    revoked,
                    ..
                } if *consumer == id => Some((*generation, assigned.clone(), revoked.clone())),
                _ => None,
            })
            .collect()
    }

    /// Every `PartitionsRevoked` of a consumer.
    pub fn revocations(&self, name: &str) -> Vec<Vec<TopicPartition>> {
        let id = self.client_id(name);
        self.events
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::PartitionsRevoked {
                    consumer,
                    partitions,
                } if *consumer == id => Some(partitions.clone()),
                _ => None,
            })
            .collect()
    }

    /// (first, last) offsets of every delivery of `partition` to a consumer.
    pub fn deliveries(&self, name: &str, partition: &TopicPartition) -> Vec<(Offset, Offset)> {
        let id = self.client_id(name);
        self.events
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::RecordsDelivered {
                    consumer,
                    partition: delivered,
                    first_offset,
                    last_offset,
                    ..
                } if *consumer == id && delivered == partition => {
                    Some((*first_offset, *last_offset))
                }
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

    /// The consumer's last fatal error, as `ExceptionClass: message`.
    pub fn last_error(&self, name: &str) -> Option<String> {
        self.cluster
            .consumer_views()
            .into_iter()
            .find(|view| view.name == name)
            .and_then(|view| view.last_error)
    }
}

pub fn tp(partition: i32) -> TopicPartition {
    TopicPartition::new(TOPIC, partition)
}

/// A poll loop every 100 ms, 1 ms per record, auto-commit.
pub fn auto_commit() -> CommitPolicy {
    CommitPolicy::default()
}

/// A poll loop that commits synchronously after processing (at-least-once).
pub fn commit_after(processing_ms_per_record: i64) -> CommitPolicy {
    CommitPolicy {
        poll_interval_ms: Some(100),
        processing_ms_per_record,
        commits: AppCommits::AfterProcessing { sync: true },
    }
}

/// A poll loop that commits synchronously before processing (at-most-once).
pub fn commit_before(processing_ms_per_record: i64) -> CommitPolicy {
    CommitPolicy {
        poll_interval_ms: Some(100),
        processing_ms_per_record,
        commits: AppCommits::BeforeProcessing { sync: true },
    }
}
