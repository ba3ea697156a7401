//! The committed offsets of one coordinator shard (Kafka's `OffsetMetadataManager` state):
//! per group and partition the last committed offset, and per producer the offsets committed
//! inside a still open transaction (TxnOffsetCommit), which only become the group's committed
//! offsets when the transaction's COMMIT marker is written (KIP-98, KIP-447).

use crate::vec_map::{VecMap, VecSet};

use crate::ids::{Offset, ProducerId, TopicPartition};

use super::records::OffsetCommitValue;

/// A committed offset (`OffsetAndMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedOffset {
    /// The next offset to read.
    pub offset: Offset,
    /// The leader epoch of the last consumed record, if known.
    pub leader_epoch: Option<i32>,
    /// The application's metadata string.
    pub metadata: String,
    /// When it was committed (wall clock ms).
    pub commit_timestamp_ms: i64,
    /// Where its record is in `__consumer_offsets` (the newest of a transactional and a plain
    /// commit wins).
    pub record_offset: Offset,
}

impl CommittedOffset {
    /// From a stored value at `record_offset`.
    pub fn from_record(value: &OffsetCommitValue, record_offset: Offset) -> CommittedOffset {
        CommittedOffset {
            offset: value.offset,
            leader_epoch: value.leader_epoch,
            metadata: value.metadata.clone(),
            commit_timestamp_ms: value.commit_timestamp_ms,
            record_offset,
        }
    }

    /// The value stored for it.
    pub fn to_value(&self) -> OffsetCommitValue {
        OffsetCommitValue {
            offset: self.offset,
            leader_epoch: self.leader_epoch,
            metadata: self.metadata.clone(),
            commit_timestamp_ms: self.commit_timestamp_ms,
        }
    }
}

/// Offsets by group, then partition.
pub type GroupOffsets = VecMap<String, VecMap<TopicPartition, CommittedOffset>>;

/// The offsets of one shard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetStore {
    committed: GroupOffsets,
    pending: VecMap<ProducerId, GroupOffsets>,
    open_transactions: VecMap<String, VecSet<ProducerId>>,
}

impl OffsetStore {
    /// A group's committed offset of `partition`.
    pub fn get(&self, group: &str, partition: &TopicPartition) -> Option<&CommittedOffset> {
        self.committed.get(group)?.get(partition)
    }

    /// A group's committed offsets.
    pub fn group(&self, group: &str) -> Option<&VecMap<TopicPartition, CommittedOffset>> {
        self.committed.get(group)
    }

    /// The groups with committed offsets.
    pub fn groups(&self) -> Vec<String> {
        self.committed.keys().cloned().collect()
    }

    /// Stores a committed offset.
    pub fn put(&mut self, group: &str, partition: TopicPartition, offset: CommittedOffset) {
        self.committed
            .entry(group.to_string())
            .or_default()
            .insert(partition, offset);
    }

    /// Applies a tombstone: the committed offset and any pending transactional one go.
    pub fn remove(&mut self, group: &str, partition: &TopicPartition) {
        remove_from(&mut self.committed, group, partition);
        let producers: Vec<ProducerId> = self
            .open_transactions
            .get(group)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default();
        for producer in producers {
            if let Some(pending) = self.pending.get_mut(&producer) {
                remove_from(pending, group, partition);
            }
        }
    }

    /// Records an offset committed inside `producer`'s open transaction.
    pub fn put_pending(
        &mut self,
        producer: ProducerId,
        group: &str,
        partition: TopicPartition,
        offset: CommittedOffset,
    ) {
        self.pending
            .entry(producer)
            .or_default()
            .entry(group.to_string())
            .or_default()
            .insert(partition, offset);
        self.open_transactions
            .entry(group.to_string())
            .or_default()
            .insert(producer);
    }

    /// `hasPendingTransactionalOffsets`.
    pub fn has_pending(&self, group: &str, partition: &TopicPartition) -> bool {
        self.open_transactions.get(group).is_some_and(|producers| {
            producers.iter().any(|producer| {
                self.pending
                    .get(producer)
                    .and_then(|groups| groups.get(group))
                    .is_some_and(|offsets| offsets.contains_key(partition))
            })
        })
    }

    /// Whether a transaction with offsets of `group` is open.
    pub fn has_open_transaction(&self, group: &str) -> bool {
        self.open_transactions.contains_key(group)
    }

    /// The partitions `group` has pending transactional offsets for.
    pub fn pending_partitions(&self, group: &str) -> VecSet<TopicPartition> {
        let mut partitions = VecSet::new();
        for producer in self.open_transactions.get(group).into_iter().flatten() {
            if let Some(offsets) = self.pending.get(producer).and_then(|g| g.get(group)) {
                partitions.extend(offsets.keys().cloned());
            }
        }
        partitions
    }

    /// `replayEndTransactionMarker`: a COMMIT makes the producer's pending offsets committed
    /// (unless a newer plain commit exists); an ABORT drops them. Returns the offsets that
    /// became committed, by group.
    pub fn complete_transaction(
        &mut self,
        producer: ProducerId,
        commit: bool,
    ) -> Vec<(String, TopicPartition, Offset)> {
        let Some(pending) = self.pending.remove(&producer) else {
            return Vec::new();
        };
        for group in pending.keys() {
            if let Some(producers) = self.open_transactions.get_mut(group) {
                producers.remove(&producer);
                if producers.is_empty() {
                    self.open_transactions.remove(group);
                }
            }
        }
        if !commit {
            return Vec::new();
        }
        let mut materialized = Vec::new();
        for (group, offsets) in pending {
            for (partition, offset) in offsets {
                let newer = self
                    .get(&group, &partition)
                    .is_some_and(|existing| existing.record_offset > offset.record_offset);
                if !newer {
                    materialized.push((group.clone(), partition.clone(), offset.offset));
                    self.put(&group, partition, offset);
                }
            }
        }
        materialized
    }

    /// Every group and partition of `topic` with a committed or pending offset.
    pub fn partitions_of_topic(&self, topic: &str) -> Vec<(String, TopicPartition)> {
        let mut found: VecSet<(String, TopicPartition)> = VecSet::new();
        let stores = std::iter::once(&self.committed).chain(self.pending.values());
        for store in stores {
            for (group, offsets) in store {
                for partition in offsets.keys().filter(|p| p.topic == topic) {
                    found.insert((group.clone(), partition.clone()));
                }
            }
        }
        found.into_iter().collect()
    }

    /// Forgets everything about `group` (it was deleted).
    pub fn remove_group(&mut self, group: &str) {
        self.committed.remove(group);
        if let Some(producers) = self.open_transactions.remove(group) {
            for producer in producers {
                if let Some(pending) = self.pending.get_mut(&producer) {
                    pending.remove(group);
                    if pending.is_empty() {
                        self.pending.remove(&producer);
                    }
                }
            }
        }
    }

    /// How many offsets are committed, over every group.
    pub fn len(&self) -> usize {
        self.committed.values().map(VecMap::len).sum()
    }

    /// Whether no offset is committed.
    pub fn is_empty(&self) -> bool {
        self.committed.is_empty()
    }
}

fn remove_from(offsets: &mut GroupOffsets, group: &str, partition: &TopicPartition) {
    if let Some(partitions) = offsets.get_mut(group) {
        partitions.remove(partition);
        if partitions.is_empty() {
            offsets.remove(group);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(offset: i64, record_offset: i64) -> CommittedOffset {
        CommittedOffset {
            offset: Offset(offset),
            leader_epoch: None,
            metadata: String::new(),
            commit_timestamp_ms: 0,
            record_offset: Offset(record_offset),
        }
    }

    fn tp() -> TopicPartition {
        TopicPartition::new("orders", 0)
    }

    // OffsetMetadataManagerTest.testReplayTransactionEndMarkerWithCommit.
    #[test]
    fn a_commit_marker_makes_pending_offsets_committed() {
        let mut store = OffsetStore::default();
        store.put_pending(ProducerId(7), "g", tp(), committed(10, 0));
        assert!(store.has_pending("g", &tp()));
        assert_eq!(store.get("g", &tp()), None);
        let done = store.complete_transaction(ProducerId(7), true);
        assert_eq!(done, vec![("g".to_string(), tp(), Offset(10))]);
        assert_eq!(store.get("g", &tp()).map(|o| o.offset), Some(Offset(10)));
        assert!(!store.has_pending("g", &tp()));
        assert!(!store.has_open_transaction("g"));
    }

    // OffsetMetadataManagerTest.testReplayTransactionEndMarkerWithAbort.
    #[test]
    fn an_abort_marker_drops_pending_offsets() {
        let mut store = OffsetStore::default();
        store.put("g", tp(), committed(5, 0));
        store.put_pending(ProducerId(7), "g", tp(), committed(10, 1));
        assert!(store.complete_transaction(ProducerId(7), false).is_empty());
        assert_eq!(store.get("g", &tp()).map(|o| o.offset), Some(Offset(5)));
    }

    // OffsetMetadataManagerTest.testReplayTransactionEndMarkerKeepsTheMostRecentCommittedOffset.
    #[test]
    fn a_newer_plain_commit_wins_over_an_older_transactional_one() {
        let mut store = OffsetStore::default();
        store.put_pending(ProducerId(7), "g", tp(), committed(10, 0));
        store.put("g", tp(), committed(12, 1));
        assert!(store.complete_transaction(ProducerId(7), true).is_empty());
        assert_eq!(store.get("g", &tp()).map(|o| o.offset), Some(Offset(12)));
    }

    #[test]
    fn a_tombstone_removes_committed_and_pending_offsets() {
        let mut store = OffsetStore::default();
        store.put("g", tp(), committed(5, 0));
        store.put_pending(ProducerId(7), "g", tp(), committed(10, 1));
        store.remove("g", &tp());
        assert_eq!(store.get("g", &tp()), None);
        assert!(!store.has_pending("g", &tp()));
        assert!(store.is_empty());
    }
}
