//! What a user or lesson asks the cluster to do. Commands are imperative; what happened is an
//! [`Event`](crate::Event).

use serde::{Deserialize, Serialize};

use crate::producer::ProducerConfig;

/// An intent sent to [`Cluster::apply`](crate::Cluster::apply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// Kafka's CreateTopics for one topic.
    CreateTopic {
        /// The topic name, checked as Kafka's `Topic.validate`.
        topic: String,
        /// The partition count; -1 means the broker default `num.partitions` (1), as in
        /// Kafka (KIP-464). Zero or below -1 is `INVALID_PARTITIONS`.
        partitions: i32,
        /// A `max.message.bytes` override; `None` takes the broker's `message.max.bytes`.
        max_message_bytes: Option<i32>,
    },
    /// Kafka's DeleteTopics for one topic.
    DeleteTopic {
        /// The topic name.
        topic: String,
    },
    /// Kafka's CreatePartitions: raise the total count (never lower).
    CreatePartitions {
        /// The topic name.
        topic: String,
        /// The new total number of partitions.
        total_count: i32,
    },
    /// Replace the producer's config (like starting a new producer).
    ConfigureProducer(ProducerConfig),
    /// Send one record. key/value are Strings serialized as UTF-8 (StringSerializer).
    /// None = null.
    Produce {
        /// The topic.
        topic: String,
        /// The key; `Some("")` is an empty key, which is hashed like any other key.
        key: Option<String>,
        /// The value.
        value: Option<String>,
        /// An explicit partition, which wins over the key and the partitioner.
        partition: Option<i32>,
    },
}
