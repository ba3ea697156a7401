//! Kafka's `AbstractStickyAssignor.PartitionMovements`: the net moves the general sticky
//! algorithm has made so far, per topic and (source, destination) member pair.
//!
//! It lets a reassignment undo an earlier move instead of adding a new one: when partition `p`
//! should go from `A` to `B` and some partition of the same topic already moved from `B` to
//! `A`, that one moves back instead ([`PartitionMovements::actual_partition_to_be_moved`]).
//! Kafka takes "some partition" as the first of a `HashSet`; [`HashTableOrder`] reproduces it.

use crate::vec_map::VecMap;

use super::group_input::{GroupInput, Partition};
use super::java_order::{topic_partition_hash_code, HashTableOrder};

/// Kafka's `ConsumerPair`: a move from `source` to `destination` (member indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ConsumerPair {
    source: usize,
    destination: usize,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PartitionMovements {
    /// `partitionMovementsByTopic`: topic -> pair -> the partitions that moved so.
    by_topic: VecMap<usize, VecMap<ConsumerPair, HashTableOrder<Partition>>>,
    /// `partitionMovements`: partition -> its net move.
    by_partition: VecMap<Partition, ConsumerPair>,
}

impl PartitionMovements {
    /// `movePartition`: records that `partition` moved from `old_consumer` to `new_consumer`,
    /// merging with its earlier move (a move back cancels it).
    pub(crate) fn move_partition(
        &mut self,
        group: &GroupInput,
        partition: Partition,
        old_consumer: usize,
        new_consumer: usize,
    ) {
        let pair = match self.remove_movement_record_of_partition(partition) {
            None => ConsumerPair {
                source: old_consumer,
                destination: new_consumer,
            },
            Some(existing) if existing.source == new_consumer => return,
            Some(existing) => ConsumerPair {
                source: existing.source,
                destination: new_consumer,
            },
        };
        self.add_partition_movement_record(group, partition, pair);
    }

    /// `getTheActualPartitionToBeMoved`: `partition` or, if a partition of its topic already
    /// moved from `new_consumer` to the partition's original owner, that partition.
    pub(crate) fn actual_partition_to_be_moved(
        &self,
        partition: Partition,
        old_consumer: usize,
        new_consumer: usize,
    ) -> Partition {
        let Some(topic_movements) = self.by_topic.get(&partition.topic) else {
            return partition;
        };
        let original_owner = self
            .by_partition
            .get(&partition)
            .map_or(old_consumer, |pair| pair.source);
        let reverse_pair = ConsumerPair {
            source: new_consumer,
            destination: original_owner,
        };
        topic_movements
            .get(&reverse_pair)
            .and_then(HashTableOrder::first)
            .unwrap_or(partition)
    }

    fn remove_movement_record_of_partition(
        &mut self,
        partition: Partition,
    ) -> Option<ConsumerPair> {
        let pair = self.by_partition.remove(&partition)?;
        if let Some(topic_movements) = self.by_topic.get_mut(&partition.topic) {
            if let Some(partitions) = topic_movements.get_mut(&pair) {
                partitions.remove(&partition);
                if partitions.is_empty() {
                    topic_movements.remove(&pair);
                }
            }
            if topic_movements.is_empty() {
                self.by_topic.remove(&partition.topic);
            }
        }
        Some(pair)
    }

    fn add_partition_movement_record(
        &mut self,
        group: &GroupInput,
        partition: Partition,
        pair: ConsumerPair,
    ) {
        self.by_partition.insert(partition, pair);
        let topic_hash_code = group
            .topics
            .get(partition.topic)
            .map_or(0, |topic| topic.hash_code);
        self.by_topic
            .entry(partition.topic)
            .or_default()
            .entry(pair)
            .or_insert_with(HashTableOrder::new)
            .insert(
                partition,
                topic_partition_hash_code(topic_hash_code, partition.partition),
            );
    }
}
