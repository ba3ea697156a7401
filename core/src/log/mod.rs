//! The partition log: one replica's copy of a partition, as Kafka's `UnifiedLog` keeps it.
//!
//! [`PartitionLog`] mirrors `UnifiedLog` and `LocalLog` (`org.apache.kafka.storage.internals.log`):
//! an append-only sequence of immutable record batches with dense offsets, split into
//! [`LogSegment`]s, with a log start offset (retention, DeleteRecords), a log end offset, a
//! leader epoch cache, producer state for idempotence and transactions, and a transaction index
//! of aborted transactions. Retention ([`PartitionLog::delete_old_segments`]) and compaction
//! ([`PartitionLog::clean`]) work on whole segments as Kafka's do.
//!
//! Batches are stored as `Arc<RecordBatch>` whose records are an `Arc<RecordSet>`, so a leader
//! and its followers share one copy and appending, replicating or reading a batch is O(1) and
//! allocates nothing per record.
//!
//! The high watermark and the last stable offset belong to the partition (the caller): methods
//! that need them take them as arguments, and the caller reports high watermark moves through
//! [`PartitionLog::on_high_watermark_updated`].
//!
//! Simplifications, each also stated where it lives: no files, indexes, fsync or recovery; a
//! compressed batch's size is a model ([`compression`]); the cleaner's offset map is unbounded;
//! producer state snapshots are in-memory copies; a segment's roll jitter is drawn at its
//! first roll check rather than when it is opened (see [`PartitionLog::with_jitter_rng`]); a
//! refused append changes nothing at all (Kafka may roll a segment or add an epoch entry before
//! refusing).
//!
//! Where to find a concept:
//! - [`record_size`]: record format v2 size arithmetic; [`record_set`]: [`RecordSet`] and its
//!   builder; [`batch`]: [`RecordBatch`], [`ProducedBatch`], [`ControlType`];
//!   [`compression`]: the compressed size model; [`config`]: [`LogConfig`].
//! - [`segment`]: [`LogSegment`]; [`epoch_cache`]: [`LeaderEpochCache`];
//!   [`producer_state`]: [`ProducerStateManager`].
//! - `append`, `read`, `truncation`, `retention`, `cleaner`: the [`PartitionLog`] operations.

pub mod batch;
pub mod compression;
pub mod config;
pub mod epoch_cache;
pub mod producer_state;
pub mod record_set;
pub mod record_size;
pub mod segment;

mod append;
mod cleaned_transactions;
mod cleaner;
mod read;
mod retention;
mod truncation;

use crate::vec_map::VecMap;
use std::sync::Arc;

pub use append::{produce_response_error, LeaderAppend};
pub use batch::{ControlType, ProducedBatch, RecordBatch, TimestampType};
pub use cleaner::CleanOutcome;
pub use config::LogConfig;
pub use epoch_cache::{EpochEntry, LeaderEpochCache};
pub use producer_state::{AbortedTxn, ProducerStateEntry, ProducerStateManager};
pub use record_set::{HeaderRef, RecordRef, RecordSet, RecordSetBuilder};
pub use record_size::Header;
pub use retention::{
    DeletedSegment, LogStartOffsetIncrementReason, RetentionOutcome, SegmentDeletionReason,
};
pub use segment::{LogSegment, RollReason};

use crate::ids::{Offset, ProducerId, TopicPartition};
use crate::rng::SimRng;

/// One replica's log of one partition (`UnifiedLog`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLog {
    topic_partition: TopicPartition,
    /// Never empty: the last one is the active segment.
    segments: Vec<LogSegment>,
    log_start_offset: Offset,
    log_end_offset: Offset,
    size_in_bytes: i64,
    epoch_cache: LeaderEpochCache,
    producer_state: ProducerStateManager,
    /// The transaction index: aborted transactions in marker order (Kafka keeps one index per
    /// segment; entries go with their marker's segment here too).
    aborted_txns: Vec<AbortedTxn>,
    /// The cleaner checkpoint (`cleaner-offset-checkpoint`): where the dirty part starts.
    cleaner_checkpoint: Option<Offset>,
    /// Offset ranges a truncation inside a batch left empty (`[from, to)`): Kafka's
    /// `LocalLog.truncateTo` drops the whole batch around the target yet sets the log end
    /// offset to the target, so a follower can hold a gap where its old batch straddled the
    /// point of divergence. A follower that fetched across its leader's such gap holds it too,
    /// and records it as its own: the leader may truncate its gap away later.
    truncation_holes: Vec<(Offset, Offset)>,
    /// Draws each segment's roll jitter (`segment.jitter.ms`).
    jitter_rng: SimRng,
}

impl PartitionLog {
    /// An empty log of `topic_partition` starting at offset 0, created at `now_ms`. The topic
    /// partition only appears in Kafka's error messages.
    pub fn new(topic_partition: TopicPartition, now_ms: i64) -> PartitionLog {
        PartitionLog {
            topic_partition,
            segments: vec![LogSegment::new(Offset(0), now_ms)],
            log_start_offset: Offset(0),
            log_end_offset: Offset(0),
            size_in_bytes: 0,
            epoch_cache: LeaderEpochCache::default(),
            producer_state: ProducerStateManager::default(),
            aborted_txns: Vec::new(),
            cleaner_checkpoint: None,
            truncation_holes: Vec::new(),
            jitter_rng: SimRng::seed_from_u64(0),
        }
    }

    /// The log with `rng` to draw its segments' roll jitter from (a fork of the cluster's
    /// generator, see [`SimRng::fork`]). Kafka draws a segment's jitter when it opens the
    /// segment; this log draws it at the segment's first roll check, with the config then in
    /// force, which is the same moment unless the config changed in between.
    pub fn with_jitter_rng(mut self, rng: SimRng) -> PartitionLog {
        self.jitter_rng = rng;
        self
    }

    /// The gaps truncations left inside the log (`[from, to)`), also those below its log start:
    /// a follower that copied this log from below that start may still hold them.
    pub fn truncation_holes(&self) -> &[(Offset, Offset)] {
        &self.truncation_holes
    }

    /// The partition this log belongs to.
    pub fn topic_partition(&self) -> &TopicPartition {
        &self.topic_partition
    }

    /// The first offset still in the log.
    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> Offset {
        self.log_end_offset
    }

    /// The log's size in bytes (all segments).
    pub fn size_in_bytes(&self) -> i64 {
        self.size_in_bytes
    }

    /// The segments, oldest first; the last is the active segment.
    pub fn segments(&self) -> &[LogSegment] {
        &self.segments
    }

    /// The segment appends go to.
    pub fn active_segment(&self) -> &LogSegment {
        // `segments` is never empty; the fallback is unreachable.
        &self.segments[self.segments.len() - 1]
    }

    /// Every stored batch, in offset order.
    pub fn batches(&self) -> impl Iterator<Item = &Arc<RecordBatch>> + '_ {
        self.segments.iter().flat_map(|segment| segment.batches())
    }

    /// The latest leader epoch in the epoch cache.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.epoch_cache.latest_epoch()
    }

    /// `UnifiedLog.assignEpochStartOffset`: a new leader records that its epoch starts at its
    /// log end offset.
    pub fn assign_epoch_start_offset(&mut self, epoch: i32, start_offset: Offset) {
        self.epoch_cache.assign(epoch, start_offset);
    }

    /// `UnifiedLog.endOffsetForEpoch`: the OffsetsForLeaderEpoch answer, `(epoch, end offset)`,
    /// or `None` when the epoch is unknown (`UNDEFINED_EPOCH_OFFSET`).
    pub fn end_offset_for_epoch(&self, requested_epoch: i32) -> Option<(i32, Offset)> {
        match self
            .epoch_cache
            .end_offset_for(requested_epoch, self.log_end_offset)
        {
            (epoch, Some(offset)) => Some((epoch, offset)),
            (_, None) => None,
        }
    }

    /// The leader epoch cache's entries, oldest first.
    pub fn epoch_entries(&self) -> &[EpochEntry] {
        self.epoch_cache.entries()
    }

    /// Every producer the log remembers, by producer id (`DescribeProducers`).
    pub fn producer_states(&self) -> &VecMap<ProducerId, ProducerStateEntry> {
        self.producer_state.producers()
    }

    /// `UnifiedLog.firstUnstableOffset`: the first offset of the earliest transaction that is
    /// open, or completed with its marker not yet below the high watermark; never below the log
    /// start offset. The last stable offset is `min(this, high watermark)`.
    pub fn first_unstable_offset(&self) -> Option<Offset> {
        self.producer_state
            .first_unstable_offset()
            .map(|offset| offset.max(self.log_start_offset))
    }

    /// The last stable offset for a given high watermark (`UnifiedLog.lastStableOffset`).
    pub fn last_stable_offset(&self, high_watermark: Offset) -> Offset {
        self.first_unstable_offset()
            .map_or(high_watermark, |offset| offset.min(high_watermark))
    }

    /// `ProducerStateManager.onHighWatermarkUpdated`: the caller reports its new high
    /// watermark, so completed transactions below it stop holding back the last stable offset.
    pub fn on_high_watermark_updated(&mut self, high_watermark: Offset) {
        self.producer_state
            .remove_unreplicated_transactions(high_watermark);
    }

    /// `removeExpiredProducers` (run by Kafka every `producer.id.expiration.check.interval.ms`):
    /// forgets producers without an open transaction whose last batch is
    /// `producer.id.expiration.ms` old. Returns how many were forgotten.
    pub fn remove_expired_producers(&mut self, now_ms: i64, config: &LogConfig) -> usize {
        self.producer_state
            .remove_expired_producers(now_ms, config.producer_id_expiration_ms)
    }

    /// `UnifiedLog.collectAbortedTransactions`: the aborted transactions overlapping
    /// `[from, to_exclusive)`, for a read_committed fetch.
    pub fn aborted_transactions(&self, from: Offset, to_exclusive: Offset) -> Vec<AbortedTxn> {
        self.aborted_txns
            .iter()
            .filter(|txn| txn.last_offset >= from && txn.first_offset < to_exclusive)
            .copied()
            .collect()
    }

    /// The cleaner checkpoint: the first offset the next cleaning considers dirty (the log start
    /// offset until the log has been cleaned).
    pub fn first_dirty_offset(&self) -> Offset {
        self.cleaner_checkpoint
            .filter(|offset| *offset >= self.log_start_offset && *offset <= self.log_end_offset)
            .unwrap_or(self.log_start_offset)
    }

    /// `UnifiedLog.maybeRoll`: rolls to a new active segment when `incoming_batch_bytes` would
    /// take the active segment past `segment.bytes`, or when it is non-empty and its first batch
    /// is `segment.ms` older than the incoming `max_timestamp` (or, without timestamps, it has
    /// existed that long). Appends call this; returns whether a new segment was rolled.
    pub fn maybe_roll(
        &mut self,
        incoming_batch_bytes: i64,
        max_timestamp: i64,
        now_ms: i64,
        config: &LogConfig,
    ) -> bool {
        let roll_offset = self.log_end_offset;
        self.maybe_roll_at(
            roll_offset,
            incoming_batch_bytes,
            max_timestamp,
            now_ms,
            config,
        )
    }

    fn maybe_roll_at(
        &mut self,
        roll_offset: Offset,
        incoming_batch_bytes: i64,
        max_timestamp: i64,
        now_ms: i64,
        config: &LogConfig,
    ) -> bool {
        self.draw_roll_jitter(config);
        let should_roll =
            self.active_segment()
                .should_roll(incoming_batch_bytes, max_timestamp, now_ms, config);
        if should_roll {
            self.roll(Some(roll_offset), now_ms);
        }
        should_roll
    }

    /// Gives the active segment its roll jitter if it has none yet (Kafka's
    /// `LogConfig.randomSegmentJitter`): `Utils.abs(nextInt()) % min(segment.jitter.ms,
    /// segment.ms)`, or 0 without a jitter.
    fn draw_roll_jitter(&mut self, config: &LogConfig) {
        let bound = config.segment_jitter_ms.min(config.segment_ms);
        let Some(active) = self.segments.last_mut() else {
            return;
        };
        if active.roll_jitter_ms().is_some() {
            return;
        }
        let jitter = if bound > 0 {
            // Kafka's `Utils.abs` maps Integer.MIN_VALUE to 0.
            let drawn = self.jitter_rng.next_i32();
            i64::from(drawn.checked_abs().unwrap_or(0)) % bound
        } else {
            0
        };
        active.set_roll_jitter_ms(jitter);
    }

    /// `UnifiedLog.roll`: a new empty active segment at `offset` (default: the log end offset).
    /// An empty active segment at that offset is replaced instead, as `LocalLog.roll` does.
    /// Takes a producer state snapshot at the new segment's base offset.
    fn roll(&mut self, offset: Option<Offset>, now_ms: i64) {
        let base_offset = offset
            .unwrap_or(self.log_end_offset)
            .max(self.log_end_offset);
        let replace = {
            let active = self.active_segment();
            active.is_empty() && active.base_offset() == base_offset
        };
        if replace {
            self.segments.pop();
        }
        self.segments.push(LogSegment::new(base_offset, now_ms));
        self.producer_state.take_snapshot(base_offset);
    }

    /// Appends an already validated batch to the active segment.
    fn push_batch(&mut self, batch: Arc<RecordBatch>, now_ms: i64) {
        self.log_end_offset = batch.next_offset();
        self.size_in_bytes += i64::from(batch.size_in_bytes);
        if let Some(active) = self.segments.last_mut() {
            active.append(batch, now_ms);
        }
    }

    /// Recomputes the log size from the segments.
    fn recompute_size(&mut self) {
        self.size_in_bytes = self.segments.iter().map(LogSegment::size_in_bytes).sum();
    }

    /// The index of the segment holding `offset` (`floorSegment`), if any.
    fn floor_segment_index(&self, offset: Offset) -> Option<usize> {
        let after = self
            .segments
            .partition_point(|segment| segment.base_offset() <= offset);
        after.checked_sub(1)
    }
}

impl Default for PartitionLog {
    fn default() -> Self {
        PartitionLog::new(TopicPartition::new("", 0), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_log_is_one_empty_segment_at_offset_zero() {
        let log = PartitionLog::new(TopicPartition::new("orders", 3), 42);
        assert_eq!(log.segments().len(), 1);
        assert_eq!(log.active_segment().base_offset(), Offset(0));
        assert_eq!(log.active_segment().created_ms(), 42);
        assert_eq!(
            (log.log_start_offset(), log.log_end_offset()),
            (Offset(0), Offset(0))
        );
        assert_eq!(log.first_dirty_offset(), Offset(0));
        assert_eq!(log.last_stable_offset(Offset(0)), Offset(0));
    }

    #[test]
    fn rolling_an_empty_active_segment_replaces_it() {
        let mut log = PartitionLog::new(TopicPartition::new("orders", 0), 0);
        log.roll(None, 5);
        assert_eq!(log.segments().len(), 1);
        assert_eq!(log.active_segment().created_ms(), 5);
    }
}
