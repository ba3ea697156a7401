//! What happened in the cluster, in the past tense, in the order it happened.

use serde::{Deserialize, Serialize};

use crate::ids::{Offset, PartitionId};
use crate::producer::ProducerConfig;

/// How the producer chose the partition of a record, with the numbers a lesson shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Routing {
    /// The record named its partition.
    Explicit,
    /// murmur2 = Kafka Utils.murmur2(key bytes); positive = murmur2 & 0x7fffffff;
    /// partition = positive % partition_count
    Keyed {
        /// `Utils.murmur2` of the key's UTF-8 bytes.
        murmur2: i32,
        /// `Utils.toPositive(murmur2)`.
        positive: i32,
        /// The topic's partition count when the record was produced.
        partition_count: i32,
    },
    /// null key, uniform sticky: bytes produced to the sticky partition so far (after this
    /// record), and whether the partitioner switched to a new sticky partition after this record
    Sticky {
        /// Bytes produced to the sticky partition, this record included.
        produced_bytes: i32,
        /// The byte count that triggers a switch (`Math.max(1, batch.size)`).
        batch_size: i32,
        /// Whether a new sticky partition was picked after this record.
        switched: bool,
    },
    /// null key, round robin: the counter value used (partition = counter % available
    /// partitions)
    RoundRobin {
        /// The counter value used; the partition is `toPositive(counter) % partitions`.
        counter: i32,
    },
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A topic was created with this many partitions.
    TopicCreated {
        /// The topic.
        topic: String,
        /// Its partition count (the broker default when -1 was asked for).
        partitions: i32,
    },
    /// A topic and all its records were deleted.
    TopicDeleted {
        /// The topic.
        topic: String,
    },
    /// Partitions were added to a topic; keyed records now map with `new_count`.
    PartitionsCreated {
        /// The topic.
        topic: String,
        /// The count before.
        old_count: i32,
        /// The count after.
        new_count: i32,
    },
    /// The producer now runs with this config.
    ProducerConfigured(ProducerConfig),
    /// A record was appended to a partition's log.
    RecordAppended {
        /// The topic.
        topic: String,
        /// The partition it went to.
        partition: PartitionId,
        /// The offset it got.
        offset: Offset,
        /// `DefaultRecord.sizeInBytes` of the record; its one-record batch is 61 bytes more.
        size_in_bytes: i32,
        /// How the partition was chosen.
        routing: Routing,
    },
}
