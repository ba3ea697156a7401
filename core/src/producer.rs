//! The producer: its config and the partitioner state it keeps per topic.
//!
//! The playground has one producer. Configuring it is like starting a new `KafkaProducer`:
//! the partitioners' per-topic state starts afresh. [`Producer::route`] applies Kafka's order
//! (explicit partition, then key hash, then the null-key partitioner) and reports how it chose.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, KafkaError};
use crate::event::Routing;
use crate::ids::PartitionId;
use crate::murmur2::{murmur2, to_positive};
use crate::partitioner::{PartitionerKind, RoundRobin, UniformSticky};
use crate::rng::SimRng;

/// Producer configs the simulator models (Kafka's `ProducerConfig` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProducerConfig {
    /// Which partitioner handles null-key records (`partitioner.class`, roughly).
    pub partitioner: PartitionerKind,
    /// `batch.size` in bytes (default 16384). The uniform sticky partitioner switches after
    /// this many bytes; 0 means 1, as `KafkaProducer` uses `Math.max(1, batch.size)`.
    pub batch_size: i32,
    /// `linger.ms` (default 5 since Kafka 4.0, KIP-1030). Validated and kept, but not used
    /// in this slice: batching and time are not simulated yet.
    pub linger_ms: i64,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            partitioner: PartitionerKind::UniformSticky,
            batch_size: 16384,
            linger_ms: 5,
        }
    }
}

impl ProducerConfig {
    /// Checks the values as Kafka's `ConfigDef` does (`batch.size` and `linger.ms` are
    /// `atLeast(0)`), with `ConfigException`'s wording.
    ///
    /// In Kafka this is a client-side `ConfigException` thrown by the `KafkaProducer`
    /// constructor, not a broker error; the simulator reports it as `INVALID_CONFIG`.
    pub fn validate(&self) -> Result<(), KafkaError> {
        if self.batch_size < 0 {
            return Err(at_least_zero("batch.size", i64::from(self.batch_size)));
        }
        if self.linger_ms < 0 {
            return Err(at_least_zero("linger.ms", self.linger_ms));
        }
        Ok(())
    }

    /// The byte count the sticky partitioner switches at: `Math.max(1, batch.size)`.
    pub fn sticky_batch_size(&self) -> i32 {
        self.batch_size.max(1)
    }
}

fn at_least_zero(name: &str, value: i64) -> KafkaError {
    KafkaError::new(
        ErrorCode::InvalidConfig,
        format!("Invalid value {value} for configuration {name}: Value must be at least 0"),
    )
}

/// Null-key partitioner state for one topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TopicPartitionerState {
    uniform_sticky: UniformSticky,
    round_robin: RoundRobin,
}

/// A record about to be routed: everything the partitioners look at.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The topic.
    pub topic: &'a str,
    /// The serialized key; `None` is a null key.
    pub key: Option<&'a [u8]>,
    /// An explicit partition, already checked to exist.
    pub partition: Option<i32>,
    /// The topic's partition count (at least 1).
    pub partition_count: i32,
    /// The record's size in bytes, counted by the sticky partitioner.
    pub size_in_bytes: i32,
}

/// The playground's producer: config plus per-topic partitioner state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Producer {
    config: ProducerConfig,
    topics: BTreeMap<String, TopicPartitionerState>,
}

impl Producer {
    /// The current config.
    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    /// Replaces the config, like closing the producer and starting a new one: the per-topic
    /// partitioner state starts afresh. The caller validates the config first.
    pub fn reconfigure(&mut self, config: ProducerConfig) {
        self.config = config;
        self.topics.clear();
    }

    /// Drops the partitioner state of a deleted topic.
    ///
    /// Simplification: a real producer keeps its per-topic state after the topic is deleted;
    /// the playground forgets it so that a re-created topic starts clean.
    pub fn forget_topic(&mut self, topic: &str) {
        self.topics.remove(topic);
    }

    /// Picks the partition for a record and advances the partitioner state.
    pub fn route(&mut self, record: Outgoing<'_>, rng: &mut SimRng) -> (PartitionId, Routing) {
        if let Some(partition) = record.partition {
            return (PartitionId(partition), Routing::Explicit);
        }
        if let Some(key) = record.key {
            return route_keyed(key, record.partition_count);
        }
        let state = self.topics.entry(record.topic.to_string()).or_default();
        match self.config.partitioner {
            PartitionerKind::UniformSticky => route_sticky(
                &mut state.uniform_sticky,
                record,
                self.config.sticky_batch_size(),
                rng,
            ),
            PartitionerKind::RoundRobin => {
                let (counter, partition) = state.round_robin.next_partition(record.partition_count);
                (partition, Routing::RoundRobin { counter })
            }
        }
    }
}

fn route_keyed(key: &[u8], partition_count: i32) -> (PartitionId, Routing) {
    let hash = murmur2(key);
    let positive = to_positive(hash);
    let partition = PartitionId(positive % partition_count.max(1));
    let routing = Routing::Keyed {
        murmur2: hash,
        positive,
        partition_count,
    };
    (partition, routing)
}

/// The sticky partition takes the record; then its size counts towards `batch.size`.
///
/// Kafka adds the growth of the open batch (the 61-byte batch header too when the record
/// opens a new batch); until batches are modelled the playground adds the record's size alone,
/// as if every record joined an open batch.
fn route_sticky(
    sticky: &mut UniformSticky,
    record: Outgoing<'_>,
    sticky_batch_size: i32,
    rng: &mut SimRng,
) -> (PartitionId, Routing) {
    let partition = sticky.current_partition(rng, record.partition_count);
    let update = sticky.record_appended(
        record.size_in_bytes,
        sticky_batch_size,
        rng,
        record.partition_count,
    );
    let routing = Routing::Sticky {
        produced_bytes: update.produced_bytes,
        batch_size: sticky_batch_size,
        switched: update.switched,
    };
    (partition, routing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_kafka_4_defaults() {
        let config = ProducerConfig::default();
        assert_eq!(config.partitioner, PartitionerKind::UniformSticky);
        assert_eq!(config.batch_size, 16384);
        assert_eq!(config.linger_ms, 5);
    }

    #[test]
    fn negative_batch_size_and_linger_are_invalid_config() {
        let bad_batch = ProducerConfig {
            batch_size: -1,
            ..ProducerConfig::default()
        };
        assert_eq!(
            bad_batch.validate().err().map(|error| error.message),
            Some("Invalid value -1 for configuration batch.size: Value must be at least 0".into())
        );
        let bad_linger = ProducerConfig {
            linger_ms: -5,
            ..ProducerConfig::default()
        };
        assert_eq!(
            bad_linger.validate().err().map(|error| error.code),
            Some(ErrorCode::InvalidConfig)
        );
    }

    #[test]
    fn zero_batch_size_means_one_byte() {
        let config = ProducerConfig {
            batch_size: 0,
            ..ProducerConfig::default()
        };
        assert!(config.validate().is_ok());
        assert_eq!(config.sticky_batch_size(), 1);
    }
}
