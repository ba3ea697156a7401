//! The throughput benchmark of issue 3: records per second through produce (`acks=all`,
//! replication factor 3), replicate and consume, on a 6-broker cluster with 24 partitions and
//! a group of 6 consumers.
//!
//! [`Throughput`] is pure, like the core: it builds the cluster and advances simulated time
//! until a number of records has been consumed. The caller measures the wall-clock time: the
//! native binary (`src/main.rs`) with `std::time::Instant`, the WebAssembly build (the
//! `wasm` module) with `performance.now()`, in headless Chromium (`bench/wasm/index.html`) and
//! in Node (`bench/wasm/run.mjs`), both timing the rounds of `bench/wasm/rounds.mjs`.
//! `cargo xtask bench` runs them in turn and prints the figures.

use kplay_core::view::log::LogMemory;
use kplay_core::{
    AppCommits, Cluster, ClusterConfig, Command, CommitPolicy, Event, EventKind, KafkaError,
    Subscription, Workload,
};

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// Brokers in the benchmark cluster.
pub const BROKERS: i32 = 6;
/// Partitions of the benchmark topic.
pub const PARTITIONS: i32 = 24;
/// Producers, each with a steady workload.
pub const PRODUCERS: usize = 6;
/// Consumers in the group.
pub const CONSUMERS: usize = 6;
/// Records per simulated second, per producer.
pub const RECORDS_PER_SECOND: i64 = 200_000;
/// Bytes in each value.
pub const VALUE_BYTES: i32 = 32;

const TOPIC: &str = "bench";
const GROUP: &str = "bench-group";
/// Simulated time advanced per slice while counting consumed records.
const SLICE_MS: i64 = 20;

/// A running benchmark cluster.
pub struct Throughput {
    cluster: Cluster,
    consumed: i64,
    produced: i64,
    /// The events of the last slice (one buffer, reused).
    events: Vec<Event>,
}

/// How far a run got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Records handed to the group's applications by `poll()`.
    pub consumed: i64,
    /// Records the producers got an `acks=all` acknowledgement for.
    pub acknowledged: i64,
    /// Simulated time so far, ms.
    pub simulated_ms: i64,
}

impl Throughput {
    /// Builds the cluster, starts the producers and the group, and runs until every consumer
    /// owns its partitions and records flow.
    pub fn new() -> Result<Throughput, KafkaError> {
        let config = ClusterConfig {
            brokers: BROKERS,
            broker_configs: vec![("offsets.topic.num.partitions".into(), "6".into())],
            ..ClusterConfig::default()
        };
        let mut cluster = Cluster::new(config, 2024)?;
        cluster.apply(Command::CreateTopic {
            topic: TOPIC.into(),
            partitions: PARTITIONS,
            replication_factor: 3,
            configs: Vec::new(),
        })?;
        cluster.run_for(1_000);
        for index in 0..CONSUMERS {
            cluster.apply(Command::CreateConsumer {
                name: format!("consumer-{index}"),
                configs: vec![
                    ("group.id".into(), GROUP.into()),
                    ("auto.offset.reset".into(), "earliest".into()),
                ],
                subscription: Subscription::Topics(vec![TOPIC.into()]),
                policy: CommitPolicy {
                    poll_interval_ms: Some(1),
                    processing_ms_per_record: 0,
                    commits: AppCommits::Never,
                },
            })?;
        }
        cluster.run_for(10_000);
        for index in 0..PRODUCERS {
            let name = format!("producer-{index}");
            cluster.apply(Command::CreateProducer {
                name: name.clone(),
                configs: vec![("acks".into(), "all".into())],
            })?;
            cluster.apply(Command::StartWorkload {
                producer: name,
                workload: Workload {
                    topic: TOPIC.into(),
                    records_per_second: RECORDS_PER_SECOND,
                    distinct_keys: 10_000,
                    value_bytes: VALUE_BYTES,
                },
            })?;
        }
        let mut bench = Throughput {
            cluster,
            consumed: 0,
            produced: 0,
            events: Vec::new(),
        };
        bench.run(1);
        Ok(bench)
    }

    /// Advances simulated time until at least `records` more records were consumed.
    pub fn run(&mut self, records: i64) -> Progress {
        let target = self.consumed + records;
        while self.consumed < target {
            self.run_slice();
        }
        self.progress()
    }

    /// Advances simulated time by one slice ([`run`](Self::run) is a loop of these).
    pub fn run_slice(&mut self) {
        let until_ms = self.cluster.now_ms() + SLICE_MS;
        self.events.clear();
        self.cluster.run_until_into(until_ms, &mut self.events);
        for event in &self.events {
            match event.kind {
                EventKind::RecordsDelivered { records, .. } => {
                    self.consumed += i64::from(records);
                }
                EventKind::ProduceAcknowledged { records, .. } => {
                    self.produced += i64::from(records);
                }
                _ => {}
            }
        }
    }

    /// The counts so far.
    pub fn progress(&self) -> Progress {
        Progress {
            consumed: self.consumed,
            acknowledged: self.produced,
            simulated_ms: self.cluster.now_ms(),
        }
    }

    /// What the stored records cost in memory.
    pub fn log_memory(&self) -> LogMemory {
        self.cluster.log_memory()
    }

    /// The cluster, for checks.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }
}

// Natively only: in WebAssembly `tests/same_trace.rs` covers the core.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn records_flow_from_producers_through_replication_to_the_group() {
        let mut bench = Throughput::new().expect("the benchmark cluster builds");
        let before = bench.progress();
        let after = bench.run(50_000);
        assert!(after.consumed - before.consumed >= 50_000);
        assert!(
            after.acknowledged >= after.consumed,
            "consumers read only acknowledged data"
        );
        let owners: usize = bench
            .cluster()
            .consumer_views()
            .iter()
            .filter(|consumer| !consumer.partitions.is_empty())
            .count();
        assert_eq!(
            owners, CONSUMERS,
            "every member of the group owns partitions"
        );
        let memory = bench.log_memory();
        assert!(memory.records >= after.acknowledged);
        assert!(memory.overhead_per_record() > 0.0);
    }
}
