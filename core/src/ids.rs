//! Identifier and position newtypes, typed as Kafka types them on the wire.
//!
//! Kafka's partition index is an `int32` and an offset an `int64`; the simulator keeps those
//! widths (never `usize`, which differs between wasm32 and x86_64) so serialized state and
//! traces are portable.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The index of a partition within its topic (Kafka's `int32` partition index), from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartitionId(pub i32);

impl fmt::Display for PartitionId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// The position of a record in a partition's log (Kafka's `int64` offset).
///
/// Offsets are assigned densely by the partition leader: the first record gets the log start
/// offset, each next record the previous offset + 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Offset(pub i64);

impl Offset {
    /// `ListOffsetsResponse.UNKNOWN_OFFSET`: no record matches the time asked for.
    pub const UNKNOWN: Offset = Offset(-1);

    /// The offset right after this one.
    pub fn next(self) -> Offset {
        Offset(self.0.saturating_add(1))
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// A broker's `node.id` (Kafka's `int32` broker id). The playground numbers brokers from 1, as
/// Kafka's quick start does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BrokerId(pub i32);

impl BrokerId {
    /// The host and port the playground gives this broker: `localhost:9092` for broker 1,
    /// `localhost:9093` for broker 2, ...
    pub fn address(self) -> String {
        format!("localhost:{}", 9091 + self.0)
    }
}

impl fmt::Display for BrokerId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

/// A partition of a topic: Kafka's `TopicPartition`, printed `orders-0` as Kafka prints it.
///
/// Ordered by topic name, then partition, as Kafka's assignors sort partitions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    /// The topic name.
    pub topic: String,
    /// The partition index within the topic.
    pub partition: i32,
}

impl TopicPartition {
    /// `topic-partition`.
    pub fn new(topic: impl Into<String>, partition: i32) -> TopicPartition {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}-{}", self.topic, self.partition)
    }
}

/// Kafka's `int64` producer id, handed out by the cluster to idempotent and transactional
/// producers (`InitProducerId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProducerId(pub i64);

impl ProducerId {
    /// `RecordBatch.NO_PRODUCER_ID`: the batch of a producer without idempotence.
    pub const NONE: ProducerId = ProducerId(-1);
}

impl fmt::Display for ProducerId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_prints_the_plain_number() {
        assert_eq!(PartitionId(3).to_string(), "3");
        assert_eq!(Offset(42).to_string(), "42");
        assert_eq!(TopicPartition::new("orders", 2).to_string(), "orders-2");
    }

    #[test]
    fn newtypes_serialize_as_plain_numbers() {
        assert_eq!(
            serde_json::to_string(&PartitionId(7)).ok().as_deref(),
            Some("7")
        );
        assert_eq!(
            serde_json::to_string(&Offset(-1)).ok().as_deref(),
            Some("-1")
        );
    }
}
