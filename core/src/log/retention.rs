//! Retention: `UnifiedLog.deleteOldSegments` and `maybeIncrementLogStartOffset`.
//!
//! Whole segments go, oldest first, in Kafka's three passes: segments entirely below the log
//! start offset (always, whatever the cleanup policy), then, with `cleanup.policy` including
//! `delete`, segments while the log exceeds `retention.bytes`, then segments whose largest
//! timestamp is more than `retention.ms` old. Only segments entirely below the high watermark
//! are eligible, so the log start offset never passes it; an empty active segment is never
//! deleted. When every segment must go, an empty segment is rolled first so the log always has
//! one (`UnifiedLog.deleteSegments`). Kafka runs this every `log.retention.check.interval.ms`;
//! here the caller decides when.

use std::fmt;

use super::config::LogConfig;
use super::PartitionLog;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::Offset;

/// Why the log start offset moved (`LogStartOffsetIncrementReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStartOffsetIncrementReason {
    /// A follower follows its leader's log start offset.
    LeaderOffsetIncremented,
    /// A client's DeleteRecords request.
    ClientRecordDeletion,
    /// Retention deleted segments.
    SegmentDeletion,
}

impl fmt::Display for LogStartOffsetIncrementReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            LogStartOffsetIncrementReason::LeaderOffsetIncremented => "leader offset increment",
            LogStartOffsetIncrementReason::ClientRecordDeletion => "client delete records request",
            LogStartOffsetIncrementReason::SegmentDeletion => "segment deletion",
        })
    }
}

/// Why a segment was deleted, with the numbers Kafka's log line prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentDeletionReason {
    /// `retention.ms` breach by the segment's largest timestamp.
    RetentionMsBreach {
        /// The topic's `retention.ms`.
        retention_ms: i64,
        /// Whether the segment had a record timestamp (otherwise its last modified time counts).
        has_record_timestamp: bool,
    },
    /// `retention.bytes` breach.
    RetentionSizeBreach {
        /// The topic's `retention.bytes`.
        retention_bytes: i64,
        /// The log size after this segment is gone.
        log_size_after_bytes: i64,
    },
    /// The whole segment is below the log start offset.
    LogStartOffsetBreach {
        /// The log start offset.
        log_start_offset: Offset,
    },
}

impl fmt::Display for SegmentDeletionReason {
    /// The tail of Kafka's `Deleting segment ... due to ...` log line.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SegmentDeletionReason::RetentionMsBreach {
                retention_ms,
                has_record_timestamp,
            } => {
                let basis = if *has_record_timestamp {
                    "the largest record timestamp in the segment"
                } else {
                    "the last modified time of the segment"
                };
                write!(formatter, "log retention time {retention_ms}ms breach based on {basis}")
            }
            SegmentDeletionReason::RetentionSizeBreach {
                retention_bytes,
                log_size_after_bytes,
            } => write!(
                formatter,
                "log retention size {retention_bytes} breach. Log size after deletion will be {log_size_after_bytes}."
            ),
            SegmentDeletionReason::LogStartOffsetBreach { log_start_offset } => {
                write!(formatter, "log start offset {log_start_offset} breach")
            }
        }
    }
}

/// One deleted segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedSegment {
    /// Its base offset.
    pub base_offset: Offset,
    /// The offset after it (the next segment's base offset).
    pub next_offset: Offset,
    /// Its size in bytes.
    pub size_in_bytes: i64,
    /// Why it went.
    pub reason: SegmentDeletionReason,
    /// Kafka's log line: `Deleting segment LogSegment(...) due to ...`.
    pub description: String,
}

/// What one retention run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionOutcome {
    /// The deleted segments, oldest first.
    pub deleted: Vec<DeletedSegment>,
    /// Whether the active segment was rolled so it could be deleted.
    pub rolled_active_segment: bool,
    /// The log start offset afterwards.
    pub log_start_offset: Offset,
}

impl PartitionLog {
    /// `UnifiedLog.deleteOldSegments` with the caller's high watermark and clock.
    pub fn delete_old_segments(
        &mut self,
        high_watermark: Offset,
        now_ms: i64,
        config: &LogConfig,
    ) -> RetentionOutcome {
        let mut outcome = RetentionOutcome {
            deleted: Vec::new(),
            rolled_active_segment: false,
            log_start_offset: self.log_start_offset,
        };
        self.delete_log_start_offset_breached_segments(high_watermark, now_ms, &mut outcome);
        if config.cleanup_policy.delete {
            self.delete_retention_size_breached_segments(
                high_watermark,
                now_ms,
                config,
                &mut outcome,
            );
            self.delete_retention_ms_breached_segments(
                high_watermark,
                now_ms,
                config,
                &mut outcome,
            );
        }
        outcome.log_start_offset = self.log_start_offset;
        outcome
    }

    /// `UnifiedLog.maybeIncrementLogStartOffset` (DeleteRecords, a follower following its
    /// leader, retention): moves the log start offset up, trims the epoch cache and the producer
    /// state's unreplicated transactions. Refused with `OFFSET_OUT_OF_RANGE` above the high
    /// watermark. The segments below it go at the next [`Self::delete_old_segments`], as in
    /// Kafka (`deleteLogStartOffsetBreachedSegments`). Returns whether it moved.
    pub fn maybe_increment_log_start_offset(
        &mut self,
        new_log_start_offset: Offset,
        reason: LogStartOffsetIncrementReason,
        high_watermark: Offset,
    ) -> Result<bool, KafkaError> {
        if new_log_start_offset > high_watermark {
            return Err(KafkaError::new(
                ErrorCode::OffsetOutOfRange,
                format!(
                    "Cannot increment the log start offset to {new_log_start_offset} of partition {} since it is larger than the high watermark {high_watermark}",
                    self.topic_partition
                ),
            ));
        }
        if new_log_start_offset <= self.log_start_offset {
            return Ok(false);
        }
        let _ = reason; // Kafka only logs it: "Incremented log start offset to {} due to {}".
        self.log_start_offset = new_log_start_offset;
        self.epoch_cache.truncate_from_start(new_log_start_offset);
        self.producer_state
            .remove_unreplicated_transactions(new_log_start_offset);
        Ok(true)
    }

    fn delete_log_start_offset_breached_segments(
        &mut self,
        high_watermark: Offset,
        now_ms: i64,
        outcome: &mut RetentionOutcome,
    ) {
        let log_start_offset = self.log_start_offset;
        let reason = SegmentDeletionReason::LogStartOffsetBreach { log_start_offset };
        let count = self.deletable_count(high_watermark, |_, next_base| {
            next_base.is_some_and(|base| base <= log_start_offset)
        });
        self.delete_segments(count, now_ms, outcome, |_| reason);
    }

    fn delete_retention_size_breached_segments(
        &mut self,
        high_watermark: Offset,
        now_ms: i64,
        config: &LogConfig,
        outcome: &mut RetentionOutcome,
    ) {
        let retention_bytes = config.retention_bytes;
        let log_size = self.size_in_bytes;
        if retention_bytes < 0 || log_size < retention_bytes {
            return;
        }
        let mut diff = log_size - retention_bytes;
        let count = self.deletable_count(high_watermark, |segment, _| {
            let delete = diff - segment.size_in_bytes() >= 0;
            if delete {
                diff -= segment.size_in_bytes();
            }
            delete
        });
        let mut remaining = log_size;
        self.delete_segments(count, now_ms, outcome, |segment| {
            remaining -= segment.size_in_bytes();
            SegmentDeletionReason::RetentionSizeBreach {
                retention_bytes,
                log_size_after_bytes: remaining,
            }
        });
    }

    fn delete_retention_ms_breached_segments(
        &mut self,
        high_watermark: Offset,
        now_ms: i64,
        config: &LogConfig,
        outcome: &mut RetentionOutcome,
    ) {
        let retention_ms = config.retention_ms;
        if retention_ms < 0 {
            return;
        }
        let count = self.deletable_count(high_watermark, |segment, _| {
            now_ms.saturating_sub(segment.largest_timestamp()) > retention_ms
        });
        self.delete_segments(count, now_ms, outcome, |segment| {
            SegmentDeletionReason::RetentionMsBreach {
                retention_ms,
                has_record_timestamp: segment.largest_record_timestamp().is_some(),
            }
        });
    }

    /// `UnifiedLog.deletableSegments`: how many leading segments satisfy `predicate` (given the
    /// segment and the next segment's base offset) while lying entirely below the high
    /// watermark; an empty last segment never counts.
    fn deletable_count(
        &self,
        high_watermark: Offset,
        mut predicate: impl FnMut(&super::LogSegment, Option<Offset>) -> bool,
    ) -> usize {
        let mut count = 0;
        for (index, segment) in self.segments.iter().enumerate() {
            let next_base = self.segments.get(index + 1).map(|next| next.base_offset());
            let upper_bound = next_base.unwrap_or(self.log_end_offset);
            let is_last_and_empty = next_base.is_none() && segment.is_empty();
            if high_watermark < upper_bound || is_last_and_empty || !predicate(segment, next_base) {
                break;
            }
            count += 1;
        }
        count
    }

    /// `UnifiedLog.deleteSegments`: removes the first `count` segments, rolling a new empty
    /// active segment first when all of them go, and moves the log start offset to the first
    /// remaining segment.
    fn delete_segments(
        &mut self,
        count: usize,
        now_ms: i64,
        outcome: &mut RetentionOutcome,
        mut reason: impl FnMut(&super::LogSegment) -> SegmentDeletionReason,
    ) {
        if count == 0 {
            return;
        }
        if count == self.segments.len() {
            self.roll(None, now_ms);
            outcome.rolled_active_segment = true;
        }
        let next_bases: Vec<Offset> = (1..=count)
            .map(|index| {
                self.segments
                    .get(index)
                    .map_or(self.log_end_offset, |next| next.base_offset())
            })
            .collect();
        for (segment, next_offset) in self.segments.drain(..count).zip(next_bases) {
            let reason = reason(&segment);
            outcome.deleted.push(DeletedSegment {
                base_offset: segment.base_offset(),
                next_offset,
                size_in_bytes: segment.size_in_bytes(),
                reason,
                description: format!("Deleting segment {} due to {reason}", segment.describe()),
            });
        }
        self.recompute_size();
        let new_start = self.segments[0].base_offset();
        if new_start > self.log_start_offset {
            self.log_start_offset = new_start;
            self.epoch_cache.truncate_from_start(new_start);
            self.producer_state
                .remove_unreplicated_transactions(new_start);
        }
        self.producer_state.delete_snapshots_before(new_start);
        self.aborted_txns.retain(|txn| txn.last_offset >= new_start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_kafkas_log_lines() {
        let time = SegmentDeletionReason::RetentionMsBreach {
            retention_ms: 604_800_000,
            has_record_timestamp: true,
        };
        assert_eq!(
            time.to_string(),
            "log retention time 604800000ms breach based on the largest record timestamp in the segment"
        );
        let size = SegmentDeletionReason::RetentionSizeBreach {
            retention_bytes: 1_000,
            log_size_after_bytes: 900,
        };
        assert_eq!(
            size.to_string(),
            "log retention size 1000 breach. Log size after deletion will be 900."
        );
        assert_eq!(
            LogStartOffsetIncrementReason::ClientRecordDeletion.to_string(),
            "client delete records request"
        );
    }
}
