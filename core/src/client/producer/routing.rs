//! Which partition a record goes to, and the numbers that decided it (`KafkaProducer.partition`).
//!
//! An explicit partition wins; a keyed record goes to `toPositive(murmur2(key)) % partitions`;
//! a null-key record goes where the configured partitioner says. The [`Routing`] says which of
//! these happened, with the intermediate numbers a lesson shows.

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use crate::ids::PartitionId;
use crate::murmur2::{murmur2, to_positive};
use crate::protocol::PartitionMetadata;
use crate::rng::SimRng;
use crate::topic::per_topic_mut;

use super::partitioner::{
    Candidates, PartitionLoadStats, PartitionerKind, RoundRobin, StickyPartitionCache,
    UniformSticky,
};

/// How the producer chose the partition of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Routing {
    /// The record named its partition.
    Explicit,
    /// `partition = toPositive(murmur2(key bytes)) % partition_count`.
    Keyed {
        /// `Utils.murmur2` of the key's UTF-8 bytes.
        murmur2: i32,
        /// `Utils.toPositive(murmur2)`.
        positive: i32,
        /// The topic's partition count when the record was sent.
        partition_count: i32,
    },
    /// Null key, uniform sticky partitioner: the current sticky partition. Whether it switches
    /// after this record depends on the batch it joins, reported when it is appended.
    Sticky {
        /// The byte count that triggers a switch (`Math.max(1, batch.size)`).
        batch_size: i32,
    },
    /// Null key, the sticky partitioner of Kafka 2.4 to 3.2 (KIP-480): the current sticky
    /// partition, kept until a record would open a new batch.
    StickyPerBatch,
    /// Null key, round robin: the counter value used.
    RoundRobin {
        /// The counter value; the partition is `toPositive(counter) % partitions`.
        counter: i32,
    },
}

/// What the partitioners look at to route one record.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    /// The topic.
    pub topic: &'a str,
    /// The serialized key; `None` is a null key.
    pub key: Option<&'a [u8]>,
    /// A partition the record names.
    pub explicit: Option<i32>,
    /// The topic's partition count.
    pub partition_count: i32,
    /// The topic's partitions as the producer's metadata describes them (which have a leader).
    pub partitions: &'a [PartitionMetadata],
    /// The null-key partitioner.
    pub partitioner: PartitionerKind,
    /// `batch.size`.
    pub batch_size: i32,
}

/// Null-key partitioner state for one topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TopicPartitionerState {
    uniform_sticky: UniformSticky,
    sticky_per_batch: StickyPartitionCache,
    round_robin: RoundRobin,
}

/// The producer's partitioner state, per topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Router {
    topics: VecMap<String, TopicPartitionerState>,
}

impl Router {
    /// Picks the partition of a record: `explicit` wins, then the key, then the partitioner.
    /// `all_batches_full` says whether a partition's queued batches are all full (or it has
    /// none), which lets the sticky partitioner make a switch it held back.
    pub fn route(
        &mut self,
        record: Outgoing<'_>,
        all_batches_full: impl Fn(PartitionId) -> bool,
        rng: &mut SimRng,
    ) -> (PartitionId, Routing) {
        let Outgoing {
            topic,
            key,
            explicit,
            partition_count,
            partitions,
            partitioner,
            batch_size,
        } = record;
        let candidates = Candidates {
            partition_count,
            partitions,
        };
        if let Some(partition) = explicit {
            return (PartitionId(partition), Routing::Explicit);
        }
        if let Some(key) = key {
            let hash = murmur2(key);
            let positive = to_positive(hash);
            let partition = PartitionId(positive % partition_count.max(1));
            let routing = Routing::Keyed {
                murmur2: hash,
                positive,
                partition_count,
            };
            return (partition, routing);
        }
        let state = per_topic_mut(&mut self.topics, topic);
        match partitioner {
            PartitionerKind::UniformSticky => {
                let partition = state.uniform_sticky.partition_for_append(
                    batch_size.max(1),
                    all_batches_full,
                    rng,
                    candidates,
                );
                (
                    partition,
                    Routing::Sticky {
                        batch_size: batch_size.max(1),
                    },
                )
            }
            PartitionerKind::StickyPerBatch => (
                state.sticky_per_batch.partition(rng, candidates),
                Routing::StickyPerBatch,
            ),
            PartitionerKind::RoundRobin => {
                let (counter, partition) = state.round_robin.next_partition(candidates);
                (partition, Routing::RoundRobin { counter })
            }
        }
    }

    /// After a null-key record joined a batch: count the batch's growth towards the sticky
    /// partition's `batch.size` and maybe switch. Returns whether it switched.
    pub fn sticky_appended(
        &mut self,
        topic: &str,
        appended_bytes: i32,
        batch_size: i32,
        enable_switch: bool,
        candidates: Candidates<'_>,
        rng: &mut SimRng,
    ) -> bool {
        let state = per_topic_mut(&mut self.topics, topic);
        state
            .uniform_sticky
            .record_appended(
                appended_bytes,
                batch_size.max(1),
                enable_switch,
                rng,
                candidates,
            )
            .switched
    }

    /// `onNewBatch`: a record of `topic` would open a batch in `previous`, so the KIP-480
    /// sticky partitioner moves on if that was its partition.
    pub fn on_new_batch(
        &mut self,
        topic: &str,
        previous: PartitionId,
        candidates: Candidates<'_>,
        rng: &mut SimRng,
    ) {
        per_topic_mut(&mut self.topics, topic)
            .sticky_per_batch
            .next_partition(Some(previous), rng, candidates);
    }

    /// Gives a topic's uniform sticky partitioner the sender's new load stats.
    pub fn set_load_stats(&mut self, topic: &str, load_stats: Option<PartitionLoadStats>) {
        per_topic_mut(&mut self.topics, topic)
            .uniform_sticky
            .set_load_stats(load_stats);
    }
}
