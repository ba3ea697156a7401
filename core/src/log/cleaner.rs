//! Log compaction: Kafka's `LogCleanerManager` (what is cleanable, and when) and `Cleaner`
//! (how), for `cleanup.policy` including `compact`.
//!
//! The dirty part of the log runs from the cleaner checkpoint (the first dirty offset) to the
//! first uncleanable offset: the smallest of the last stable offset, the active segment's base
//! offset and the first segment younger than `min.compaction.lag.ms`, rounded down to a segment
//! base (`cleanableOffsets`, `calculateCleanableBytes`). The log is cleaned when its dirty ratio
//! (dirty bytes / total bytes) exceeds `min.cleanable.dirty.ratio` (strictly, as
//! `grabFilthiestCompactedLog` compares), or when a dirty segment's first batch is older than
//! `max.compaction.lag.ms`.
//!
//! Cleaning maps every key of the dirty part to its last offset (`buildOffsetMap`), then
//! rewrites every segment below the first uncleanable offset, grouped so a group stays within
//! `segment.bytes` (`groupSegmentsBySize`): a record stays if it is the latest for its key (or
//! lies beyond the mapped range); a tombstone stays until its batch's delete horizon, which the
//! first cleaning that sees it sets to `now + delete.retention.ms` (KIP-534, Kafka >= 3.1);
//! records without a key go; batches of aborted transactions go; markers go as
//! [`super::cleaned_transactions`] decides. A producer's last batch stays, emptied if need be,
//! so its sequence and epoch survive (`BatchRetention.RETAIN_EMPTY`). Offsets never change: a
//! cleaned log has gaps. An unchanged batch keeps its `Arc`; a changed one is rebuilt.
//!
//! Simplifications: the offset map is an exact, unbounded map (Kafka's is a fixed-size hash
//! map, `log.cleaner.dedupe.buffer.size`, that may need several passes); no index size limits
//! in grouping; cleaning runs when the caller asks, one log at a time.

use crate::vec_map::VecMap;
use std::ops::Range;
use std::sync::Arc;

use super::batch::{RecordBatch, TimestampType};
use super::cleaned_transactions::CleanedTransactionMetadata;
use super::compression::batch_size_in_bytes;
use super::config::LogConfig;
use super::record_set::{RecordRef, RecordSet};
use super::segment::LogSegment;
use super::PartitionLog;
use crate::ids::{Offset, ProducerId};

/// What one cleaning did.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanOutcome {
    /// The first dirty offset before cleaning.
    pub first_dirty_offset: Offset,
    /// The first uncleanable offset: the end of the cleaned range.
    pub first_uncleanable_offset: Offset,
    /// The new cleaner checkpoint (first dirty offset of the next cleaning).
    pub new_first_dirty_offset: Offset,
    /// The dirty ratio that triggered the cleaning.
    pub dirty_ratio: f64,
    /// Whether `max.compaction.lag.ms` forced the cleaning.
    pub forced_by_max_compaction_lag: bool,
    /// Records looked at.
    pub records_read: i64,
    /// Records removed (superseded, expired tombstones, aborted, keyless, markers).
    pub records_removed: i64,
    /// Tombstones removed (superseded or past their delete horizon).
    pub tombstones_removed: i64,
    /// Batches removed entirely.
    pub batches_removed: i64,
    /// Size of the cleaned segments before.
    pub bytes_before: i64,
    /// Size of their replacements after.
    pub bytes_after: i64,
    /// How many segments were cleaned, and into how many.
    pub segments_before: i32,
    /// How many segments they became.
    pub segments_after: i32,
}

/// `LogToClean`: the cleanable range and its byte counts.
#[derive(Debug, Clone, Copy)]
struct LogToClean {
    first_dirty_offset: Offset,
    first_uncleanable_offset: Offset,
    clean_bytes: i64,
    cleanable_bytes: i64,
    needs_compaction_now: bool,
}

impl LogToClean {
    fn total_bytes(&self) -> i64 {
        self.clean_bytes + self.cleanable_bytes
    }

    fn cleanable_ratio(&self) -> f64 {
        if self.total_bytes() == 0 {
            return 0.0;
        }
        self.cleanable_bytes as f64 / self.total_bytes() as f64
    }
}

/// `BatchRetention`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BatchRetention {
    Delete,
    DeleteEmpty,
    RetainEmpty,
}

/// The last data offset (or, after a marker, the epoch) of each active producer
/// (`lastRecordsOfActiveProducers`).
type LastRecords = VecMap<ProducerId, (i64, i16)>;

/// Running counts of one cleaning.
#[derive(Debug, Default)]
struct CleanerStats {
    records_read: i64,
    records_removed: i64,
    tombstones_removed: i64,
    batches_removed: i64,
}

/// What one pass needs besides the batches.
struct CleanPass<'a> {
    offset_map: VecMap<&'a [u8], i64>,
    latest_offset: i64,
    upper_bound_offset: Offset,
    now_ms: i64,
    delete_retention_ms: i64,
    last_records: LastRecords,
    transactions: CleanedTransactionMetadata,
    stats: CleanerStats,
}

impl PartitionLog {
    /// The dirty ratio the cleaner would see now (`LogToClean.cleanableRatio`): dirty bytes over
    /// total bytes below the first uncleanable offset.
    pub fn dirty_ratio(&self, last_stable_offset: Offset, now_ms: i64, config: &LogConfig) -> f64 {
        self.log_to_clean(last_stable_offset, now_ms, config)
            .cleanable_ratio()
    }

    /// Compacts the log once if it is due (see the module doc); `None` when the policy has no
    /// `compact` or the log is not cleanable yet.
    pub fn clean(
        &mut self,
        last_stable_offset: Offset,
        now_ms: i64,
        config: &LogConfig,
    ) -> Option<CleanOutcome> {
        if !config.cleanup_policy.compact {
            return None;
        }
        let to_clean = self.log_to_clean(last_stable_offset, now_ms, config);
        let ratio = to_clean.cleanable_ratio();
        let forced = to_clean.needs_compaction_now && to_clean.cleanable_bytes > 0;
        if to_clean.total_bytes() == 0 || !(forced || ratio > config.min_cleanable_dirty_ratio) {
            return None;
        }
        Some(self.do_clean(to_clean, ratio, forced, now_ms, config))
    }

    /// `LogCleanerManager.cleanableOffsets` and `LogToClean`.
    fn log_to_clean(
        &self,
        last_stable_offset: Offset,
        now_ms: i64,
        config: &LogConfig,
    ) -> LogToClean {
        let first_dirty_offset = self.first_dirty_offset();
        let active_base = self.active_segment().base_offset();
        let mut first_uncleanable = last_stable_offset.min(active_base);
        let min_lag_ms = config.min_compaction_lag_ms.max(0);
        if min_lag_ms > 0 {
            let too_young = self
                .non_active_segments_from(first_dirty_offset)
                .find(|segment| segment.largest_timestamp() > now_ms.saturating_sub(min_lag_ms));
            if let Some(segment) = too_young {
                first_uncleanable = first_uncleanable.min(segment.base_offset());
            }
        }
        let uncleanable_offset = first_dirty_offset.max(first_uncleanable);
        let first_uncleanable_offset = self
            .non_active_segments_from(uncleanable_offset)
            .next()
            .map_or(active_base, LogSegment::base_offset);
        let clean_bytes = self
            .segments_between(Offset(-1), first_dirty_offset)
            .map(LogSegment::size_in_bytes)
            .sum();
        let cleanable_bytes = self
            .segments_between(
                first_dirty_offset.min(first_uncleanable_offset),
                first_uncleanable_offset,
            )
            .map(LogSegment::size_in_bytes)
            .sum();
        LogToClean {
            first_dirty_offset,
            first_uncleanable_offset,
            clean_bytes,
            cleanable_bytes,
            needs_compaction_now: self.max_compaction_delay(first_dirty_offset, now_ms, config) > 0,
        }
    }

    /// `LogCleanerManager.maxCompactionDelay`.
    fn max_compaction_delay(
        &self,
        first_dirty_offset: Offset,
        now_ms: i64,
        config: &LogConfig,
    ) -> i64 {
        let earliest = self
            .non_active_segments_from(first_dirty_offset)
            .map(LogSegment::first_batch_timestamp)
            .filter(|timestamp| *timestamp > 0)
            .min()
            .unwrap_or(i64::MAX);
        let clean_until_ms = now_ms.saturating_sub(config.max_compaction_lag_ms.max(0));
        if earliest < clean_until_ms {
            clean_until_ms - earliest
        } else {
            0
        }
    }

    /// `LogSegments.values(from, to)`: from the segment holding `from` (or the first) to the
    /// last segment starting below `to`.
    fn segments_between(&self, from: Offset, to: Offset) -> impl Iterator<Item = &LogSegment> + '_ {
        let start = self.floor_segment_index(from).unwrap_or(0);
        self.segments[start..]
            .iter()
            .take_while(move |segment| segment.base_offset() < to)
    }

    /// `nonActiveLogSegmentsFrom`.
    fn non_active_segments_from(&self, from: Offset) -> impl Iterator<Item = &LogSegment> + '_ {
        let active_base = self.active_segment().base_offset();
        let to = if from > active_base {
            Offset(i64::MIN)
        } else {
            active_base
        };
        self.segments_between(from, to)
    }

    /// `Cleaner.doClean`.
    fn do_clean(
        &mut self,
        to_clean: LogToClean,
        ratio: f64,
        forced: bool,
        now_ms: i64,
        config: &LogConfig,
    ) -> CleanOutcome {
        let upper = to_clean.first_uncleanable_offset;
        let cleaned_count = self.segments_between(Offset(-1), upper).count();
        let dirty_segments = self
            .segments_between(to_clean.first_dirty_offset, upper)
            .count();
        let dirty: Vec<Arc<RecordBatch>> = self
            .segments_between(to_clean.first_dirty_offset, upper)
            .flat_map(|segment| segment.batches().iter().cloned())
            .collect();
        let mut pass = CleanPass {
            offset_map: VecMap::new(),
            latest_offset: -1,
            upper_bound_offset: upper,
            now_ms,
            delete_retention_ms: config.delete_retention_ms,
            last_records: self.last_records_of_active_producers(),
            transactions: CleanedTransactionMetadata::default(),
            stats: CleanerStats::default(),
        };
        let aborted = self.aborted_transactions(to_clean.first_dirty_offset, upper);
        pass.build_offset_map(
            &dirty,
            dirty_segments > 0,
            to_clean.first_dirty_offset,
            aborted,
        );
        let end_offset = Offset(pass.latest_offset.saturating_add(1));
        let groups =
            group_segments_by_size(&self.segments[..cleaned_count], config.segment_bytes, upper);
        let mut cleaned = Vec::with_capacity(groups.len());
        for group in &groups {
            cleaned.push(self.clean_group(&self.segments[group.clone()], &mut pass));
        }
        let bytes_before = self.segments[..cleaned_count]
            .iter()
            .map(LogSegment::size_in_bytes)
            .sum();
        let bytes_after = cleaned.iter().map(LogSegment::size_in_bytes).sum();
        self.replace_cleaned_segments(cleaned_count, cleaned, &pass.transactions, upper);
        self.cleaner_checkpoint = Some(end_offset);
        CleanOutcome {
            first_dirty_offset: to_clean.first_dirty_offset,
            first_uncleanable_offset: upper,
            new_first_dirty_offset: end_offset,
            dirty_ratio: ratio,
            forced_by_max_compaction_lag: forced && ratio <= config.min_cleanable_dirty_ratio,
            records_read: pass.stats.records_read,
            records_removed: pass.stats.records_removed,
            tombstones_removed: pass.stats.tombstones_removed,
            batches_removed: pass.stats.batches_removed,
            bytes_before,
            bytes_after,
            segments_before: i32::try_from(cleaned_count).unwrap_or(i32::MAX),
            segments_after: i32::try_from(groups.len()).unwrap_or(i32::MAX),
        }
    }

    /// `Cleaner.cleanSegments`: one group of segments into one replacement segment.
    fn clean_group(&self, group: &[LogSegment], pass: &mut CleanPass<'_>) -> LogSegment {
        let mut retained = Vec::new();
        for (index, segment) in group.iter().enumerate() {
            let upper = group
                .get(index + 1)
                .map_or_else(|| segment.next_offset(), LogSegment::base_offset);
            pass.transactions
                .add_aborted_transactions(self.aborted_transactions(segment.base_offset(), upper));
            for batch in segment.batches() {
                if let Some(kept) = pass.filter_batch(batch) {
                    retained.push(kept);
                }
            }
        }
        let first = &group[0];
        let last_modified_ms = group[group.len() - 1].last_modified_ms();
        LogSegment::from_batches(
            first.base_offset(),
            retained,
            first.created_ms(),
            last_modified_ms,
        )
    }

    /// `UnifiedLog.replaceSegments` and the cleaned transaction index.
    fn replace_cleaned_segments(
        &mut self,
        count: usize,
        cleaned: Vec<LogSegment>,
        transactions: &CleanedTransactionMetadata,
        upper: Offset,
    ) {
        self.segments.splice(..count, cleaned);
        self.recompute_size();
        self.aborted_txns
            .retain(|txn| txn.last_offset >= upper || transactions.retained_aborted.contains(txn));
    }

    /// `UnifiedLog.lastRecordsOfActiveProducers`.
    fn last_records_of_active_producers(&self) -> LastRecords {
        crate::sort::to_map(
            self.producer_states()
                .iter()
                .map(|(id, entry)| (*id, (entry.last_data_offset(), entry.producer_epoch))),
        )
    }
}

impl<'a> CleanPass<'a> {
    /// `Cleaner.buildOffsetMap`: the last offset of every key in the dirty batches, skipping
    /// aborted transactions and markers.
    fn build_offset_map(
        &mut self,
        dirty: &'a [Arc<RecordBatch>],
        has_dirty_segments: bool,
        start: Offset,
        aborted: Vec<super::AbortedTxn>,
    ) {
        let mut transactions = CleanedTransactionMetadata::default();
        transactions.add_aborted_transactions(aborted);
        // Every key with its offset, in offset order; sorted into the map once at the end.
        let mut latest: Vec<(&'a [u8], i64)> = Vec::new();
        for batch in dirty {
            let skip = if batch.is_control() {
                transactions.on_control_batch_read(batch);
                true
            } else {
                transactions.on_batch_read(batch)
            };
            if !skip {
                for (offset, record) in batch.records() {
                    if let (Some(key), true) = (record.key, offset >= start) {
                        latest.push((key, offset.0));
                    }
                }
            }
            if batch.last_offset() >= start {
                self.latest_offset = self.latest_offset.max(batch.last_offset().0);
            }
        }
        self.offset_map = VecMap::from_vec(latest);
        if has_dirty_segments {
            // `updateLatestOffset(nextSegmentStartOffset - 1)`: offset gaps count as mapped.
            self.latest_offset = self.latest_offset.max(self.upper_bound_offset.0 - 1);
        }
    }

    /// The cleaner's `RecordFilter` and `MemoryRecords.filterTo` for one batch: `None` when the
    /// batch goes, the same `Arc` when nothing changes, or a rebuilt batch.
    fn filter_batch(&mut self, batch: &Arc<RecordBatch>) -> Option<Arc<RecordBatch>> {
        let (retention, discard_records, marker_for_empty_txn) = self.check_batch_retention(batch);
        let count = i64::from(batch.record_count());
        self.stats.records_read += count;
        if retention == BatchRetention::Delete {
            self.count_removed(batch, |_| false);
            self.stats.batches_removed += 1;
            return None;
        }
        let keep = |record: RecordRef<'_>| {
            !discard_records && (batch.is_control() || self.should_retain_record(batch, record))
        };
        let kept: Vec<bool> = batch.records.iter().map(keep).collect();
        let kept_count = kept.iter().filter(|kept| **kept).count();
        self.count_removed(batch, |index| kept[index]);
        if kept_count == 0 {
            if retention == BatchRetention::RetainEmpty {
                return Some(Arc::new(empty_batch(batch)));
            }
            self.stats.batches_removed += 1;
            return None;
        }
        let contains_tombstones = batch
            .records
            .iter()
            .zip(&kept)
            .any(|(record, kept)| *kept && record.value.is_none());
        let need_delete_horizon =
            (contains_tombstones || marker_for_empty_txn) && batch.delete_horizon_ms.is_none();
        if i64::try_from(kept_count).unwrap_or(0) == count && !need_delete_horizon {
            return Some(Arc::clone(batch));
        }
        let horizon = if need_delete_horizon {
            Some(self.now_ms.saturating_add(self.delete_retention_ms))
        } else {
            batch.delete_horizon_ms
        };
        Some(Arc::new(rebuilt_batch(batch, &kept, horizon)))
    }

    /// `checkBatchRetention`: the batch's fate, whether its records are all discarded, and
    /// whether it is a marker of an emptied transaction.
    fn check_batch_retention(&mut self, batch: &RecordBatch) -> (BatchRetention, bool, bool) {
        let can_discard = if batch.is_control() {
            self.transactions.on_control_batch_read(batch)
        } else {
            self.transactions.on_batch_read(batch)
        };
        let discard_records = if batch.is_control() {
            can_discard
                && batch
                    .delete_horizon_ms
                    .is_some_and(|horizon| horizon <= self.now_ms)
        } else {
            can_discard
        };
        let is_last_of_producer =
            self.last_records
                .get(&batch.producer_id)
                .is_some_and(|(last_data_offset, epoch)| {
                    if *last_data_offset >= 0 {
                        batch.last_offset().0 == *last_data_offset
                    } else {
                        batch.is_control() && batch.producer_epoch == *epoch
                    }
                });
        // RETAIN_EMPTY keeps a producer's last batch (its sequence and epoch) and the last
        // batch of the cleaning round (so the last offset is not lost).
        let retain_empty = (batch.has_producer_id() && is_last_of_producer)
            || batch.next_offset() == self.upper_bound_offset;
        let retention = if retain_empty {
            BatchRetention::RetainEmpty
        } else if discard_records {
            BatchRetention::Delete
        } else {
            BatchRetention::DeleteEmpty
        };
        (
            retention,
            discard_records,
            can_discard && batch.is_control(),
        )
    }

    /// `Cleaner.shouldRetainRecord`.
    fn should_retain_record(&self, batch: &RecordBatch, record: RecordRef<'_>) -> bool {
        let offset = batch
            .base_offset
            .0
            .saturating_add(i64::from(record.offset_delta));
        if offset > self.latest_offset {
            return true;
        }
        let Some(key) = record.key else {
            return false;
        };
        let found = self.offset_map.get(key).copied().unwrap_or(-1);
        let retain_deletes = batch
            .delete_horizon_ms
            .is_none_or(|horizon| self.now_ms < horizon);
        offset >= found && (record.value.is_some() || retain_deletes)
    }

    fn count_removed(&mut self, batch: &RecordBatch, kept: impl Fn(usize) -> bool) {
        for (index, record) in batch.records.iter().enumerate() {
            if !kept(index) {
                self.stats.records_removed += 1;
                if record.value.is_none() && !batch.is_control() {
                    self.stats.tombstones_removed += 1;
                }
            }
        }
    }
}

/// `DefaultRecordBatch.writeEmptyHeader`: a batch kept only for its producer metadata and
/// offset range.
fn empty_batch(batch: &RecordBatch) -> RecordBatch {
    let records = Arc::new(RecordSet::empty());
    RecordBatch {
        first_timestamp: batch.max_timestamp,
        size_in_bytes: records.uncompressed_size_in_bytes(),
        delete_horizon_ms: None,
        records,
        ..batch.clone()
    }
}

/// `MemoryRecords.buildRetainedRecordsInto`: the kept records with the original base offset,
/// timestamps re-based on the delete horizon when there is one, recompressed with the batch's
/// codec (size from the model).
fn rebuilt_batch(
    batch: &RecordBatch,
    kept: &[bool],
    delete_horizon_ms: Option<i64>,
) -> RecordBatch {
    let records = batch.records.retain(
        |index, _| kept.get(index).copied().unwrap_or(false),
        delete_horizon_ms,
    );
    let last_offset_delta = records
        .iter()
        .last()
        .map_or(batch.last_offset_delta, |record| record.offset_delta);
    let first_timestamp = records
        .iter()
        .next()
        .map_or(batch.first_timestamp, |record| record.timestamp);
    let max_timestamp = match batch.timestamp_type {
        TimestampType::CreateTime => records.max_timestamp(),
        TimestampType::LogAppendTime => batch.max_timestamp,
    };
    let size_in_bytes = batch_size_in_bytes(&records, batch.compression);
    RecordBatch {
        last_offset_delta,
        first_timestamp,
        max_timestamp,
        size_in_bytes,
        delete_horizon_ms,
        records: Arc::new(records),
        ..batch.clone()
    }
}

/// `Cleaner.groupSegmentsBySize`: consecutive segments whose total size stays within
/// `segment.bytes` and whose offsets fit a 32-bit relative offset become one group. Returns the
/// groups as index ranges into `segments`.
fn group_segments_by_size(
    segments: &[LogSegment],
    max_size: i32,
    first_uncleanable_offset: Offset,
) -> Vec<Range<usize>> {
    let mut groups = Vec::new();
    let mut start = 0;
    while start < segments.len() {
        let first_base = segments[start].base_offset().0;
        let mut log_size = segments[start].size_in_bytes();
        let mut end = start + 1;
        while let Some(next) = segments.get(end) {
            let last_offset = segments
                .get(end + 1)
                .map_or(first_uncleanable_offset.0 - 1, |after| {
                    after.base_offset().0 - 1
                });
            let fits_size = log_size + next.size_in_bytes() <= i64::from(max_size);
            let fits_offsets = next.is_empty() || last_offset - first_base <= i64::from(i32::MAX);
            if !(fits_size && fits_offsets) {
                break;
            }
            log_size += next.size_in_bytes();
            end += 1;
        }
        groups.push(start..end);
        start = end;
    }
    groups
}
