//! Producer state: idempotence and transactions on the broker side.
//!
//! Mirrors Kafka's `ProducerStateManager`, `ProducerStateEntry`, `ProducerAppendInfo`,
//! `BatchMetadata`, `TxnMetadata` and `CompletedTxn` (`org.apache.kafka.storage.internals.log`).
//! Per producer id the log remembers its epoch, the metadata of its last 5 batches (to answer a
//! retried batch with its original offsets), its coordinator epoch and the first offset of its
//! open transaction. Open transactions give the first unstable offset (the last stable offset is
//! `min(first unstable offset, high watermark)`).
//!
//! Simplifications: snapshots are in-memory copies taken when a segment rolls (Kafka writes
//! `.snapshot` files); transaction verification (KIP-890 `VerificationGuard`) is not modelled;
//! transaction markers are validated as transaction version 0/1 (marker epoch >= producer epoch),
//! which a TV2 coordinator's bumped epoch also passes.

use crate::vec_map::VecMap;

use super::batch::{first_sequence, ControlType, RecordBatch, NO_PRODUCER_EPOCH, NO_SEQUENCE};
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, ProducerId, TopicPartition};

/// `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`: the duplicate-detection window.
pub const NUM_BATCHES_TO_RETAIN: usize = 5;

/// Where an append comes from (`AppendOrigin`): it decides how much is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOrigin {
    /// A producer's produce request: epoch and sequence are checked.
    Client,
    /// A transaction coordinator's marker (WriteTxnMarkers): epochs are checked.
    Coordinator,
    /// A follower copying the leader: nothing is refused (the leader validated it).
    Replication,
}

/// One remembered batch of a producer (`BatchMetadata`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchMetadata {
    /// The batch's last sequence number.
    pub last_seq: i32,
    /// The batch's last offset.
    pub last_offset: Offset,
    /// Last offset minus first offset.
    pub offset_delta: i32,
    /// The batch's max timestamp.
    pub timestamp: i64,
}

impl BatchMetadata {
    /// The batch's first sequence number (wrapping as Kafka's do).
    pub fn first_seq(&self) -> i32 {
        first_sequence(self.last_seq, self.offset_delta)
    }

    /// The batch's first offset.
    pub fn first_offset(&self) -> Offset {
        Offset(self.last_offset.0 - i64::from(self.offset_delta))
    }
}

/// A producer's last (up to [`NUM_BATCHES_TO_RETAIN`]) batches, oldest first: Kafka's
/// `batchMetadata` deque, kept inline so that checking and recording a batch, which every
/// append of an idempotent producer does on the leader and on each follower, allocates nothing.
/// The slots past `len` hold [`RecentBatches::UNUSED`], so the derived equality compares the
/// batches.
#[derive(Clone, Copy, PartialEq, Eq)]
struct RecentBatches {
    batches: [BatchMetadata; NUM_BATCHES_TO_RETAIN],
    len: usize,
}

impl std::fmt::Debug for RecentBatches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Default for RecentBatches {
    fn default() -> Self {
        RecentBatches {
            batches: [RecentBatches::UNUSED; NUM_BATCHES_TO_RETAIN],
            len: 0,
        }
    }
}

impl RecentBatches {
    /// What an unused slot holds.
    const UNUSED: BatchMetadata = BatchMetadata {
        last_seq: NO_SEQUENCE,
        last_offset: Offset(-1),
        offset_delta: 0,
        timestamp: -1,
    };

    fn as_slice(&self) -> &[BatchMetadata] {
        &self.batches[..self.len]
    }

    fn clear(&mut self) {
        *self = RecentBatches::default();
    }

    /// Adds the newest batch, forgetting the oldest when all slots are taken.
    fn push(&mut self, batch: BatchMetadata) {
        if self.len == NUM_BATCHES_TO_RETAIN {
            self.batches.copy_within(1.., 0);
            self.batches[NUM_BATCHES_TO_RETAIN - 1] = batch;
        } else {
            self.batches[self.len] = batch;
            self.len += 1;
        }
    }
}

/// What the log knows about one producer id (`ProducerStateEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerStateEntry {
    /// The producer id.
    pub producer_id: ProducerId,
    /// The latest epoch seen; -1 before any.
    pub producer_epoch: i16,
    /// The coordinator epoch of the latest marker; -1 before any.
    pub coordinator_epoch: i32,
    /// The max timestamp of the latest batch or marker (expiry is measured from it).
    pub last_timestamp: i64,
    /// The first offset of the producer's open transaction.
    pub current_txn_first_offset: Option<Offset>,
    batch_metadata: RecentBatches,
}

impl ProducerStateEntry {
    /// `ProducerStateEntry.empty`.
    pub fn empty(producer_id: ProducerId) -> ProducerStateEntry {
        ProducerStateEntry {
            producer_id,
            producer_epoch: NO_PRODUCER_EPOCH,
            coordinator_epoch: -1,
            last_timestamp: -1,
            current_txn_first_offset: None,
            batch_metadata: RecentBatches::default(),
        }
    }

    /// The last (up to 5) batches, oldest first.
    pub fn batch_metadata(&self) -> &[BatchMetadata] {
        self.batch_metadata.as_slice()
    }

    /// The last batch's last sequence; -1 without batches.
    pub fn last_seq(&self) -> i32 {
        self.batch_metadata()
            .last()
            .map_or(NO_SEQUENCE, |batch| batch.last_seq)
    }

    /// The first remembered batch's first sequence; -1 without batches.
    pub fn first_seq(&self) -> i32 {
        self.batch_metadata()
            .first()
            .map_or(NO_SEQUENCE, BatchMetadata::first_seq)
    }

    /// The last batch's last offset; -1 without batches (`lastDataOffset`).
    pub fn last_data_offset(&self) -> i64 {
        self.batch_metadata()
            .last()
            .map_or(-1, |batch| batch.last_offset.0)
    }

    /// `findDuplicateBatch`: the remembered batch with exactly this epoch and sequence range.
    pub fn find_duplicate_batch(
        &self,
        epoch: i16,
        first_seq: i32,
        last_seq: i32,
    ) -> Option<BatchMetadata> {
        if epoch != self.producer_epoch {
            return None;
        }
        self.batch_metadata()
            .iter()
            .find(|batch| batch.first_seq() == first_seq && batch.last_seq == last_seq)
            .copied()
    }

    fn add_batch(&mut self, epoch: i16, batch: BatchMetadata) {
        self.maybe_update_producer_epoch(epoch);
        self.add_batch_metadata(batch);
        self.last_timestamp = batch.timestamp;
    }

    fn maybe_update_producer_epoch(&mut self, epoch: i16) {
        if self.producer_epoch != epoch {
            self.batch_metadata.clear();
            self.producer_epoch = epoch;
        }
    }

    fn add_batch_metadata(&mut self, batch: BatchMetadata) {
        self.batch_metadata.push(batch);
    }

    /// `ProducerStateEntry.update(nextEntry)`: merges a validated append into the entry.
    pub(crate) fn merge(&mut self, next: ProducerStateEntry) {
        self.maybe_update_producer_epoch(next.producer_epoch);
        for &batch in next.batch_metadata() {
            self.add_batch_metadata(batch);
        }
        self.coordinator_epoch = next.coordinator_epoch;
        self.current_txn_first_offset = next.current_txn_first_offset;
        self.last_timestamp = next.last_timestamp;
    }
}

/// A transaction (`TxnMetadata`): its producer, first offset and, once its marker is
/// written, the marker's offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxnMetadata {
    /// The producer id.
    pub producer_id: ProducerId,
    /// The offset of the transaction's first batch.
    pub first_offset: Offset,
    /// The marker's offset, once the transaction completed.
    pub last_offset: Option<Offset>,
}

/// A transaction completed by a marker (`CompletedTxn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompletedTxn {
    /// The producer id.
    pub producer_id: ProducerId,
    /// The offset of the transaction's first batch.
    pub first_offset: Offset,
    /// The offset of the marker.
    pub last_offset: Offset,
    /// Whether the marker was ABORT.
    pub is_aborted: bool,
}

/// An aborted transaction, as the transaction index stores it (`AbortedTxn`) and a
/// read_committed fetch returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct AbortedTxn {
    /// The producer id.
    pub producer_id: ProducerId,
    /// The offset of the transaction's first batch.
    pub first_offset: Offset,
    /// The offset of the ABORT marker.
    pub last_offset: Offset,
    /// The last stable offset when the marker was written.
    pub last_stable_offset: Offset,
}

/// The result of validating one batch against a producer's state (`ProducerAppendInfo`):
/// the updated entry, a transaction it started, a transaction it completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerAppendInfo {
    /// The producer's entry after the batch (batches of this append only, merged on update).
    pub updated: ProducerStateEntry,
    /// A transaction this batch began.
    pub started_txn: Option<TxnMetadata>,
    /// A transaction this marker completed.
    pub completed_txn: Option<CompletedTxn>,
    /// A follower-only case: the first offset of an open transaction that a non-transactional
    /// batch of the same producer implicitly ended (see `AppendCheck::data_batch`).
    pub abandoned_txn: Option<Offset>,
}

/// The producer state of one log (`ProducerStateManager`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerStateManager {
    producers: VecMap<ProducerId, ProducerStateEntry>,
    /// Open transactions by first offset.
    ongoing_txns: VecMap<Offset, TxnMetadata>,
    /// Completed transactions whose marker is not yet below the high watermark.
    unreplicated_txns: VecMap<Offset, TxnMetadata>,
    /// Copies of `producers` taken when a segment rolled, by the new segment's base offset.
    snapshots: VecMap<Offset, VecMap<ProducerId, ProducerStateEntry>>,
}

impl ProducerStateManager {
    /// Every producer the log remembers, by id.
    pub fn producers(&self) -> &VecMap<ProducerId, ProducerStateEntry> {
        &self.producers
    }

    /// Open transactions by first offset.
    pub fn ongoing_txns(&self) -> &VecMap<Offset, TxnMetadata> {
        &self.ongoing_txns
    }

    /// `ProducerStateManager.firstUnstableOffset`: the first offset of the earliest open or not
    /// yet replicated transaction.
    pub fn first_unstable_offset(&self) -> Option<Offset> {
        let unreplicated = self.unreplicated_txns.keys().next().copied();
        let ongoing = self.ongoing_txns.keys().next().copied();
        match (unreplicated, ongoing) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Validates one batch against its producer's current state (`ProducerAppendInfo.append`).
    /// The batch already carries the offsets it will get.
    pub fn prepare(
        &self,
        batch: &RecordBatch,
        origin: AppendOrigin,
        topic_partition: &TopicPartition,
    ) -> Result<ProducerAppendInfo, KafkaError> {
        let current = self.producers.get(&batch.producer_id);
        self.prepare_from(current, batch, origin, topic_partition)
    }

    /// [`Self::prepare`] against a given entry (`None`: a producer the log does not know).
    pub fn prepare_from(
        &self,
        current: Option<&ProducerStateEntry>,
        batch: &RecordBatch,
        origin: AppendOrigin,
        topic_partition: &TopicPartition,
    ) -> Result<ProducerAppendInfo, KafkaError> {
        let empty;
        let current = match current {
            Some(entry) => entry,
            None => {
                empty = ProducerStateEntry::empty(batch.producer_id);
                &empty
            }
        };
        let check = AppendCheck {
            current,
            origin,
            topic_partition,
        };
        match batch.control {
            Some(control) => check.end_txn_marker(batch, control),
            None => check.data_batch(batch),
        }
    }

    /// Records a validated append (`ProducerStateManager.update`, then `completeTxn`).
    pub fn update(&mut self, info: ProducerAppendInfo) {
        let producer_id = info.updated.producer_id;
        if let Some(first_offset) = info.abandoned_txn {
            self.ongoing_txns.remove(&first_offset);
        }
        if let Some(txn) = info.started_txn {
            self.ongoing_txns.insert(txn.first_offset, txn);
        }
        self.producers
            .entry(producer_id)
            .or_insert_with(|| ProducerStateEntry::empty(producer_id))
            .merge(info.updated);
        if let Some(completed) = info.completed_txn {
            self.complete_txn(completed);
        }
    }

    /// `lastStableOffset(completedTxn)`: the first offset of the next open transaction of
    /// another producer, or the offset after the marker.
    pub fn last_stable_offset(&self, completed: &CompletedTxn) -> Offset {
        self.ongoing_txns
            .values()
            .find(|txn| txn.producer_id != completed.producer_id)
            .map_or(completed.last_offset.next(), |txn| txn.first_offset)
    }

    fn complete_txn(&mut self, completed: CompletedTxn) {
        if let Some(mut txn) = self.ongoing_txns.remove(&completed.first_offset) {
            txn.last_offset = Some(completed.last_offset);
            self.unreplicated_txns.insert(completed.first_offset, txn);
        }
    }

    /// `onHighWatermarkUpdated` / `removeUnreplicatedTransactions`: completed transactions whose
    /// marker is below `offset` stop holding back the last stable offset.
    pub fn remove_unreplicated_transactions(&mut self, offset: Offset) {
        self.unreplicated_txns
            .retain(|_, txn| txn.last_offset.is_none_or(|last| last >= offset));
    }

    /// `removeExpiredProducers`: forgets producers without an open transaction whose last
    /// timestamp is `producer_id_expiration_ms` or more in the past. Returns how many went.
    pub fn remove_expired_producers(
        &mut self,
        now_ms: i64,
        producer_id_expiration_ms: i64,
    ) -> usize {
        let before = self.producers.len();
        self.producers.retain(|_, entry| {
            entry.current_txn_first_offset.is_some()
                || now_ms.saturating_sub(entry.last_timestamp) < producer_id_expiration_ms
        });
        before - self.producers.len()
    }

    /// Takes an in-memory snapshot at `offset` (a segment roll), as `takeSnapshot` writes one.
    pub fn take_snapshot(&mut self, offset: Offset) {
        self.snapshots.insert(offset, self.producers.clone());
    }

    /// Drops snapshots below `offset` (their segments were deleted), keeping the newest one.
    pub fn delete_snapshots_before(&mut self, offset: Offset) {
        let newest = self.snapshots.keys().next_back().copied();
        self.snapshots
            .retain(|at, _| *at >= offset || Some(*at) == newest);
    }

    /// `truncateAndReload` up to the point where the log is replayed: keeps the newest snapshot
    /// at or below `offset` and returns its offset (the replay starts there), or clears
    /// everything and returns `None` (replay from the log start).
    pub fn truncate_and_reload(&mut self, offset: Offset) -> Option<Offset> {
        self.snapshots.retain(|at, _| *at <= offset);
        self.ongoing_txns.clear();
        self.unreplicated_txns.clear();
        match self.snapshots.iter().next_back() {
            Some((at, producers)) => {
                self.producers = producers.clone();
                let at = *at;
                self.rebuild_ongoing_txns();
                Some(at)
            }
            None => {
                self.producers.clear();
                None
            }
        }
    }

    fn rebuild_ongoing_txns(&mut self) {
        for entry in self.producers.values() {
            if let Some(first_offset) = entry.current_txn_first_offset {
                self.ongoing_txns.insert(
                    first_offset,
                    TxnMetadata {
                        producer_id: entry.producer_id,
                        first_offset,
                        last_offset: None,
                    },
                );
            }
        }
    }

    /// `truncateFullyAndStartAt`: forgets everything.
    pub fn clear(&mut self) {
        *self = ProducerStateManager::default();
    }
}

/// The checks of `ProducerAppendInfo` against one producer's current entry.
struct AppendCheck<'a> {
    current: &'a ProducerStateEntry,
    origin: AppendOrigin,
    topic_partition: &'a TopicPartition,
}

impl AppendCheck<'_> {
    /// The entry an append starts from: the current one without its batches
    /// (`withProducerIdAndBatchMetadata(producerId, empty)`).
    fn starting_entry(&self) -> ProducerStateEntry {
        ProducerStateEntry {
            batch_metadata: RecentBatches::default(),
            ..self.current.clone()
        }
    }

    /// `appendDataBatch`.
    fn data_batch(&self, batch: &RecordBatch) -> Result<ProducerAppendInfo, KafkaError> {
        let first_offset = batch.base_offset;
        self.check_producer_epoch(batch.producer_epoch, first_offset)?;
        if self.origin == AppendOrigin::Client {
            self.check_sequence(batch.producer_epoch, batch.base_sequence, first_offset)?;
        }
        let mut updated = self.starting_entry();
        let metadata = BatchMetadata {
            last_seq: batch.last_sequence(),
            last_offset: batch.last_offset(),
            offset_delta: batch.last_offset_delta,
            timestamp: batch.max_timestamp,
        };
        updated.add_batch(batch.producer_epoch, metadata);
        let mut started_txn = None;
        let mut abandoned_txn = None;
        match (updated.current_txn_first_offset, batch.is_transactional) {
            (Some(first_offset), false) if self.origin == AppendOrigin::Replication => {
                // Simplification (Kafka throws here too): the leader accepted this batch, so the
                // transaction's marker is gone from the leader's log (the cleaner removed it
                // after delete.retention.ms while this follower lagged). The follower treats
                // the transaction as ended instead of failing its fetch forever.
                updated.current_txn_first_offset = None;
                abandoned_txn = Some(first_offset);
            }
            (Some(_), false) => {
                return Err(KafkaError::new(
                    ErrorCode::InvalidTxnState,
                    format!(
                    "Expected transactional write from producer {} at offset {} in partition {}",
                    batch.producer_id, first_offset, self.topic_partition
                ),
                ))
            }
            (None, true) => {
                updated.current_txn_first_offset = Some(first_offset);
                started_txn = Some(TxnMetadata {
                    producer_id: batch.producer_id,
                    first_offset,
                    last_offset: None,
                });
            }
            _ => {}
        }
        Ok(ProducerAppendInfo {
            updated,
            started_txn,
            completed_txn: None,
            abandoned_txn,
        })
    }

    /// `appendEndTxnMarker`.
    fn end_txn_marker(
        &self,
        batch: &RecordBatch,
        control: ControlType,
    ) -> Result<ProducerAppendInfo, KafkaError> {
        let offset = batch.base_offset;
        self.check_producer_epoch(batch.producer_epoch, offset)?;
        let coordinator_epoch = batch.coordinator_epoch().unwrap_or(-1);
        self.check_coordinator_epoch(batch.producer_id, coordinator_epoch, offset)?;
        let mut updated = self.starting_entry();
        let completed_txn = updated
            .current_txn_first_offset
            .map(|first_offset| CompletedTxn {
                producer_id: batch.producer_id,
                first_offset,
                last_offset: offset,
                is_aborted: control == ControlType::Abort,
            });
        updated.maybe_update_producer_epoch(batch.producer_epoch);
        updated.coordinator_epoch = coordinator_epoch;
        updated.current_txn_first_offset = None;
        updated.last_timestamp = batch.max_timestamp;
        Ok(ProducerAppendInfo {
            updated,
            started_txn: None,
            completed_txn,
            abandoned_txn: None,
        })
    }

    /// `checkProducerEpoch`: an older epoch is refused with `INVALID_PRODUCER_EPOCH` (since 2.7
    /// the broker answers produce requests with it instead of `PRODUCER_FENCED`); a follower
    /// only logs it.
    fn check_producer_epoch(&self, epoch: i16, offset: Offset) -> Result<(), KafkaError> {
        let current = self.current.producer_epoch;
        if epoch >= current || self.origin == AppendOrigin::Replication {
            return Ok(());
        }
        Err(KafkaError::new(
            ErrorCode::InvalidProducerEpoch,
            format!(
                "Epoch of producer {} at offset {} in {} is {}, which is smaller than the last seen epoch {}",
                self.current.producer_id, offset, self.topic_partition, epoch, current
            ),
        ))
    }

    /// `checkCoordinatorEpoch`: a marker from an older coordinator is a zombie's.
    fn check_coordinator_epoch(
        &self,
        producer_id: ProducerId,
        coordinator_epoch: i32,
        offset: Offset,
    ) -> Result<(), KafkaError> {
        let current = self.current.coordinator_epoch;
        if current <= coordinator_epoch || self.origin == AppendOrigin::Replication {
            return Ok(());
        }
        Err(KafkaError::new(
            ErrorCode::TransactionCoordinatorFenced,
            format!(
                "Invalid coordinator epoch for producerId {} at offset {} in partition {}: {} (zombie), {} (current)",
                producer_id, offset, self.topic_partition, coordinator_epoch, current
            ),
        ))
    }

    /// `checkSequence` (the append starts from an entry with no batches of its own).
    fn check_sequence(&self, epoch: i16, first_seq: i32, offset: Offset) -> Result<(), KafkaError> {
        let current = self.current;
        let producer_id = current.producer_id;
        if epoch != current.producer_epoch {
            if first_seq != 0 && current.producer_epoch != NO_PRODUCER_EPOCH {
                // Kafka's message lacks the space before "at offset".
                return Err(out_of_order(format!(
                    "Invalid sequence number for new epoch of producer {producer_id}at offset {offset} in partition {}: {epoch} (request epoch), {first_seq} (seq. number), {} (current producer epoch)",
                    self.topic_partition, current.producer_epoch
                )));
            }
            return Ok(());
        }
        let current_last_seq = current.last_seq();
        if current.producer_epoch == NO_PRODUCER_EPOCH || in_sequence(current_last_seq, first_seq) {
            return Ok(());
        }
        Err(out_of_order(format!(
            "Out of order sequence number for producer {producer_id} at offset {offset} in partition {}: {first_seq} (incoming seq. number), {current_last_seq} (current end sequence number)",
            self.topic_partition
        )))
    }
}

fn out_of_order(message: String) -> KafkaError {
    KafkaError::new(ErrorCode::OutOfOrderSequenceNumber, message)
}

/// `ProducerAppendInfo.inSequence`: the next sequence, wrapping after `Integer.MAX_VALUE`.
fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    i64::from(next_seq) == i64::from(last_seq) + 1 || (next_seq == 0 && last_seq == i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_sequence_wraps_after_integer_max_value() {
        assert!(in_sequence(4, 5));
        assert!(!in_sequence(4, 6));
        assert!(in_sequence(i32::MAX, 0));
        assert!(in_sequence(NO_SEQUENCE, 0));
    }

    #[test]
    fn the_duplicate_window_keeps_the_last_five_batches() {
        let mut entry = ProducerStateEntry::empty(ProducerId(1));
        for index in 0..7 {
            entry.add_batch(
                0,
                BatchMetadata {
                    last_seq: index,
                    last_offset: Offset(i64::from(index)),
                    offset_delta: 0,
                    timestamp: 0,
                },
            );
        }
        assert_eq!(entry.batch_metadata().len(), 5);
        assert_eq!(entry.first_seq(), 2);
        assert!(entry.find_duplicate_batch(0, 1, 1).is_none());
        assert!(entry.find_duplicate_batch(0, 6, 6).is_some());
        assert!(entry.find_duplicate_batch(1, 6, 6).is_none());
        let kept: Vec<i32> = entry.batch_metadata().iter().map(|b| b.last_seq).collect();
        assert_eq!(kept, [2, 3, 4, 5, 6], "oldest first");
    }

    #[test]
    fn entries_with_the_same_batches_are_equal_whatever_they_forgot() {
        let batch = |seq: i32| BatchMetadata {
            last_seq: seq,
            last_offset: Offset(i64::from(seq)),
            offset_delta: 0,
            timestamp: 0,
        };
        let mut long = ProducerStateEntry::empty(ProducerId(1));
        let mut short = ProducerStateEntry::empty(ProducerId(1));
        for seq in 0..7 {
            long.add_batch(0, batch(seq));
        }
        short.add_batch(0, batch(0));
        assert_ne!(long, short);
        long.add_batch(1, batch(9));
        short.add_batch(1, batch(9));
        assert_eq!(
            long.batch_metadata().len(),
            1,
            "a new epoch forgets the batches"
        );
        assert_eq!(long, short);
        long.add_batch(1, batch(10));
        assert_ne!(long, short);
    }
}
