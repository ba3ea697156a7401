//! Plain-data views of the simulation for the UI, the command-line tools and tests: computed by
//! the core, owned by the caller, serializable, free of domain logic.
//!
//! - [`cluster`]: brokers, the controller, partitions with their replicas, ISR and high
//!   watermark; messages in flight; network faults;
//! - [`log`]: one replica's log, segment by segment, record by record;
//! - [`clients`]: producers and consumers;
//! - [`groups`]: consumer groups as `kafka-consumer-groups` lists and describes them.
//! - [`tools`]: what the command-line tools read: topic ids, config descriptions, polled records.
//! - [`transactions`]: transactions, `kafka-transactions.sh`-style.

pub mod clients;
pub mod cluster;
pub mod groups;
pub mod log;
pub mod tools;
pub mod transactions;

use crate::cluster::Cluster;
use crate::ids::{BrokerId, Offset, TopicPartition};

impl Cluster {
    /// The partition's leader as the controller decided it.
    pub fn current_leader(&self, partition: &TopicPartition) -> Option<BrokerId> {
        self.controller.image.partition(partition)?.leader
    }

    /// Whether broker `id`'s process runs (it may not be fenced yet when it does not).
    pub fn broker_is_running(&self, id: BrokerId) -> bool {
        self.brokers.get(&id).is_some_and(|broker| broker.is_up())
    }

    /// Whether a topic's `cleanup.policy` includes `compact`.
    pub fn topic_is_compacted(&self, topic: &str) -> bool {
        self.controller
            .topic_settings(topic)
            .log
            .cleanup_policy
            .compact
    }

    /// The log start offset of `broker`'s replica of `partition`.
    pub fn log_start_offset(&self, broker: BrokerId, partition: &TopicPartition) -> Option<Offset> {
        Some(
            self.brokers
                .get(&broker)?
                .replicas
                .get(partition)?
                .log
                .log_start_offset(),
        )
    }

    /// The high watermark of `broker`'s replica of `partition`.
    pub fn high_watermark(&self, broker: BrokerId, partition: &TopicPartition) -> Option<Offset> {
        Some(
            self.brokers
                .get(&broker)?
                .replicas
                .get(partition)?
                .high_watermark,
        )
    }

    /// The topic names, sorted.
    pub fn topic_names(&self) -> Vec<String> {
        self.controller.image.topics.keys().cloned().collect()
    }

    /// A topic's partition count.
    pub fn partition_count(&self, topic: &str) -> Option<i32> {
        self.controller.image.partition_count(topic)
    }

    /// Every event's trace line for a list of events.
    pub fn trace(events: &[crate::cluster::event::Event]) -> String {
        let mut text = String::new();
        for event in events {
            text.push_str(&event.trace_line());
            text.push('\n');
        }
        text
    }
}
