//! [`LogSegment`]: one segment of a partition log, mirroring Kafka's `LogSegment`.
//!
//! A segment holds the batches from its base offset up to the next segment's base offset, its
//! size in bytes, its largest timestamp (retention's clock) and the timestamp its time-based
//! roll is measured from. Simplifications: no files, no offset or time index (lookups are a
//! binary search over the batches), no fsync; "last modified" is the simulated time of the last
//! append (Kafka uses the file's mtime).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::batch::RecordBatch;
use super::config::LogConfig;
use crate::chunked::ChunkedVec;
use crate::ids::Offset;

/// Why a replica rolled a new active segment (`LogSegment.shouldRoll`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RollReason {
    /// The batch would have taken the segment past `segment.bytes`.
    Size {
        /// `segment.bytes`.
        segment_bytes: i32,
    },
    /// The segment's first record was older than its time limit: `segment.ms` (or, on a
    /// compacted topic, a shorter `max.compaction.lag.ms`) less the segment's jitter.
    Time {
        /// `segment.ms`, or `max.compaction.lag.ms` when that decided.
        limit_ms: i64,
        /// Whether `max.compaction.lag.ms` set the limit.
        by_compaction_lag: bool,
        /// The segment's jitter (`segment.jitter.ms`).
        jitter_ms: i64,
    },
}

/// One segment: its batches in offset order (shared with the segment's clones: the playground's
/// timeline keeps clones of the cluster, and the active segment of a busy partition is long).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSegment {
    base_offset: Offset,
    batches: ChunkedVec<Arc<RecordBatch>>,
    size_in_bytes: i64,
    /// Largest batch max timestamp; -1 while empty (`LogSegment.maxTimestampSoFar`).
    max_timestamp_so_far: i64,
    /// The first batch's max timestamp (`LogSegment.rollingBasedTimestamp`).
    rolling_based_timestamp: Option<i64>,
    created_ms: i64,
    last_modified_ms: i64,
    /// How much earlier than `segment.ms` this segment rolls (`LogSegment.rollJitterMs`);
    /// drawn by its log before the first roll check (see [`LogSegment::set_roll_jitter_ms`]).
    roll_jitter_ms: Option<i64>,
}

impl LogSegment {
    /// An empty segment starting at `base_offset`, created at `now_ms`.
    pub fn new(base_offset: Offset, now_ms: i64) -> LogSegment {
        LogSegment {
            base_offset,
            batches: ChunkedVec::new(),
            size_in_bytes: 0,
            max_timestamp_so_far: -1,
            rolling_based_timestamp: None,
            created_ms: now_ms,
            last_modified_ms: now_ms,
            roll_jitter_ms: None,
        }
    }

    /// The segment's roll jitter, once drawn.
    pub fn roll_jitter_ms(&self) -> Option<i64> {
        self.roll_jitter_ms
    }

    /// Sets the roll jitter, drawn once per segment as Kafka draws it when it opens the
    /// segment (`LogConfig.randomSegmentJitter`).
    pub fn set_roll_jitter_ms(&mut self, jitter_ms: i64) {
        self.roll_jitter_ms = Some(jitter_ms);
    }

    /// A segment made of already-cleaned batches (the cleaner's replacement segment); it keeps
    /// the last modified time of the segments it replaces, as `Cleaner.cleanSegments` does.
    pub fn from_batches(
        base_offset: Offset,
        batches: Vec<Arc<RecordBatch>>,
        created_ms: i64,
        last_modified_ms: i64,
    ) -> LogSegment {
        let mut segment = LogSegment::new(base_offset, created_ms);
        for batch in batches {
            segment.append(batch, last_modified_ms);
        }
        segment.last_modified_ms = last_modified_ms;
        segment
    }

    /// The offset of the segment's first batch, or of the next one appended.
    pub fn base_offset(&self) -> Offset {
        self.base_offset
    }

    /// The batches, in offset order.
    pub fn batches(&self) -> &ChunkedVec<Arc<RecordBatch>> {
        &self.batches
    }

    /// The segment's size in bytes (sum of its batches' sizes).
    pub fn size_in_bytes(&self) -> i64 {
        self.size_in_bytes
    }

    /// Whether the segment holds no batch.
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// `LogSegment.largestTimestamp`: the largest batch timestamp, or the last modified time
    /// when the segment has no timestamped batch. Time retention compares it with now.
    pub fn largest_timestamp(&self) -> i64 {
        if self.max_timestamp_so_far >= 0 {
            self.max_timestamp_so_far
        } else {
            self.last_modified_ms
        }
    }

    /// The largest record timestamp, if any batch has one (`largestRecordTimestamp`).
    pub fn largest_record_timestamp(&self) -> Option<i64> {
        (self.max_timestamp_so_far >= 0).then_some(self.max_timestamp_so_far)
    }

    /// The first batch's max timestamp: what `segment.ms` is measured from.
    pub fn rolling_based_timestamp(&self) -> Option<i64> {
        self.rolling_based_timestamp
    }

    /// `LogSegment.getFirstBatchTimestamp`: the first batch's timestamp, or `i64::MAX`.
    pub fn first_batch_timestamp(&self) -> i64 {
        match self.rolling_based_timestamp {
            Some(timestamp) if timestamp >= 0 => timestamp,
            _ => i64::MAX,
        }
    }

    /// When the segment was created (simulated clock).
    pub fn created_ms(&self) -> i64 {
        self.created_ms
    }

    /// When the segment was last appended to (simulated clock; Kafka's file mtime).
    pub fn last_modified_ms(&self) -> i64 {
        self.last_modified_ms
    }

    /// The offset after the segment's last batch, or its base offset while empty
    /// (`LogSegment.readNextOffset`).
    pub fn next_offset(&self) -> Offset {
        self.batches
            .last()
            .map_or(self.base_offset, |batch| batch.next_offset())
    }

    /// `LogSegment.timeWaitedForRoll`: the incoming batch's timestamp minus the first batch's,
    /// or, without a timestamped first batch, how long the segment has existed.
    pub fn time_waited_for_roll(&self, now_ms: i64, message_timestamp: i64) -> i64 {
        match self.rolling_based_timestamp {
            Some(first) if first >= 0 => message_timestamp.saturating_sub(first),
            _ => now_ms.saturating_sub(self.created_ms),
        }
    }

    /// `LogSegment.shouldRoll`: whether a batch of `incoming_bytes` rolls this segment first.
    pub fn should_roll(
        &self,
        incoming_bytes: i64,
        max_timestamp_in_messages: i64,
        now_ms: i64,
        config: &LogConfig,
    ) -> bool {
        self.roll_reason(incoming_bytes, max_timestamp_in_messages, now_ms, config)
            .is_some()
    }

    /// Which of `LogSegment.shouldRoll`'s conditions holds, size first as Kafka checks it: the
    /// incoming bytes would take the segment past `segment.bytes`, or a non-empty segment has
    /// waited longer than [`LogConfig::max_segment_ms`] less its roll jitter. (Index-full and
    /// relative-offset overflow conditions do not exist here: there are no index files.)
    pub fn roll_reason(
        &self,
        incoming_bytes: i64,
        max_timestamp_in_messages: i64,
        now_ms: i64,
        config: &LogConfig,
    ) -> Option<RollReason> {
        let size = self.size_in_bytes;
        if size > i64::from(config.segment_bytes).saturating_sub(incoming_bytes) {
            return Some(RollReason::Size {
                segment_bytes: config.segment_bytes,
            });
        }
        let limit_ms = config.max_segment_ms();
        let jitter_ms = self.roll_jitter_ms.unwrap_or(0);
        (size > 0
            && self.time_waited_for_roll(now_ms, max_timestamp_in_messages) > limit_ms - jitter_ms)
            .then_some(RollReason::Time {
                limit_ms,
                by_compaction_lag: limit_ms < config.segment_ms,
                jitter_ms,
            })
    }

    /// Appends a batch (`LogSegment.append`), tracking size and timestamps.
    pub fn append(&mut self, batch: Arc<RecordBatch>, now_ms: i64) {
        if self.rolling_based_timestamp.is_none() {
            self.rolling_based_timestamp = Some(batch.max_timestamp);
        }
        self.max_timestamp_so_far = self.max_timestamp_so_far.max(batch.max_timestamp);
        self.size_in_bytes = self
            .size_in_bytes
            .saturating_add(i64::from(batch.size_in_bytes));
        self.last_modified_ms = now_ms;
        self.batches.push(batch);
    }

    /// Index of the first batch whose last offset is at or above `offset` (the batch holding
    /// `offset`, or the next one after a gap); `batches().len()` when there is none.
    pub fn batch_index_from(&self, offset: Offset) -> usize {
        // Followers and consumers mostly read the last few batches: search back from the end
        // in doubling steps, then bisect the span found (each probe reads a batch behind its
        // `Arc`, so a plain bisection of a long segment misses the cache at every step).
        let below = |batch: &Arc<RecordBatch>| batch.last_offset() < offset;
        let mut end = self.batches.len();
        let mut step = 1;
        while end > 0 {
            let probe = end.saturating_sub(step);
            if below(&self.batches[probe]) {
                return self.batches.partition_point_in(probe + 1, end, below);
            }
            end = probe;
            step *= 2;
        }
        0
    }

    /// `LogSegment.truncateTo`: drops every batch whose last offset is at or above `offset`
    /// (a batch straddling `offset` goes whole). Returns the bytes removed.
    pub fn truncate_to(&mut self, offset: Offset) -> i64 {
        let keep = self.batch_index_from(offset);
        let removed: i64 = self
            .batches
            .iter_from(keep)
            .map(|batch| i64::from(batch.size_in_bytes))
            .sum();
        self.batches.truncate(keep);
        self.size_in_bytes -= removed;
        self.max_timestamp_so_far = self
            .batches
            .iter()
            .map(|batch| batch.max_timestamp)
            .max()
            .unwrap_or(-1);
        if self.batches.is_empty() {
            self.rolling_based_timestamp = None;
        }
        removed
    }

    /// `LogSegment.toString`, as Kafka's retention log lines print a segment.
    pub fn describe(&self) -> String {
        format!(
            "LogSegment(baseOffset={}, size={}, lastModifiedTime={}, largestRecordTimestamp={})",
            self.base_offset.0,
            self.size_in_bytes,
            self.last_modified_ms,
            self.max_timestamp_so_far
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::record_set::RecordSetBuilder;

    fn batch(base_offset: i64, count: i32, max_timestamp: i64) -> Arc<RecordBatch> {
        let mut builder = RecordSetBuilder::new();
        for _ in 0..count {
            builder.push(max_timestamp, Some(b"k"), Some(b"v"), &[]);
        }
        RecordBatch::plain_for_test(base_offset, builder.build())
    }

    #[test]
    fn should_roll_on_size_only_when_the_incoming_bytes_would_overflow() {
        let config = LogConfig {
            segment_bytes: 100,
            ..LogConfig::default()
        };
        let mut segment = LogSegment::new(Offset(0), 0);
        assert!(
            !segment.should_roll(100, 0, 0, &config),
            "an empty segment takes a full batch"
        );
        segment.append(batch(0, 1, 0), 0); // 70 bytes
        assert!(!segment.should_roll(30, 0, 0, &config));
        assert!(segment.should_roll(31, 0, 0, &config));
    }

    #[test]
    fn should_roll_on_time_less_the_jitter_and_by_max_compaction_lag_when_compacted() {
        let config = LogConfig {
            segment_ms: 60_000,
            ..LogConfig::default()
        };
        let mut segment = LogSegment::new(Offset(0), 0);
        segment.append(batch(0, 1, 1_000), 1_000);
        assert!(!segment.should_roll(1, 61_000, 61_000, &config));
        assert!(segment.should_roll(1, 61_001, 61_001, &config));
        segment.set_roll_jitter_ms(20_000);
        assert!(!segment.should_roll(1, 41_000, 41_000, &config));
        assert!(segment.should_roll(1, 41_001, 41_001, &config));
        let compacted = LogConfig {
            segment_ms: 60_000,
            max_compaction_lag_ms: 30_000,
            ..LogConfig::compacted()
        };
        assert!(segment.should_roll(1, 11_001, 11_001, &compacted));
        assert!(!segment.should_roll(1, 11_000, 11_000, &compacted));
    }

    #[test]
    fn time_waited_counts_from_the_first_batch_timestamp_or_creation() {
        let mut segment = LogSegment::new(Offset(0), 1_000);
        assert_eq!(segment.time_waited_for_roll(1_500, 99), 500);
        segment.append(batch(0, 1, 200), 1_600);
        assert_eq!(segment.time_waited_for_roll(9_999, 450), 250);
        assert_eq!(segment.largest_timestamp(), 200);
    }

    #[test]
    fn truncate_drops_the_batch_straddling_the_offset() {
        let mut segment = LogSegment::new(Offset(0), 0);
        segment.append(batch(0, 2, 5), 0);
        segment.append(batch(2, 3, 9), 0);
        let removed = segment.truncate_to(Offset(3));
        assert_eq!(segment.batches().len(), 1);
        assert_eq!(segment.next_offset(), Offset(2));
        assert_eq!(segment.largest_timestamp(), 5);
        assert_eq!(removed + segment.size_in_bytes(), 61 * 2 + 9 * 5);
    }

    #[test]
    fn batch_index_from_finds_the_batch_holding_an_offset() {
        let mut segment = LogSegment::new(Offset(10), 0);
        segment.append(batch(10, 2, 0), 0);
        segment.append(batch(14, 2, 0), 0); // a gap at 12..=13, as after compaction
        assert_eq!(segment.batch_index_from(Offset(11)), 0);
        assert_eq!(segment.batch_index_from(Offset(12)), 1);
        assert_eq!(segment.batch_index_from(Offset(16)), 2);
    }

    #[test]
    fn batch_index_from_agrees_with_a_bisection_everywhere() {
        let mut segment = LogSegment::new(Offset(0), 0);
        assert_eq!(segment.batch_index_from(Offset(0)), 0);
        let mut base = 0;
        for count in 1..40 {
            segment.append(batch(base, count % 3 + 1, 0), 0);
            base += i64::from(count % 3 + 1) + i64::from(count % 2);
        }
        for offset in -1..base + 2 {
            let batches: Vec<_> = segment.batches().iter().collect();
            let expected = batches.partition_point(|batch| batch.last_offset() < Offset(offset));
            assert_eq!(
                segment.batch_index_from(Offset(offset)),
                expected,
                "{offset}"
            );
        }
    }
}
