//! [`LogConfig`]: the resolved topic config one partition log obeys.
//!
//! Mirrors Kafka's `org.apache.kafka.storage.internals.log.LogConfig`: plain data with Kafka's
//! names (`segment.bytes` is `segment_bytes`) and Kafka 4.x defaults. Resolving broker defaults
//! and topic overrides, and validating values, is the caller's job; the log never panics on
//! odd values (a negative `retention_ms` means "no time limit", as in Kafka).
//! `producer_id_expiration_ms` is a broker config (`producer.id.expiration.ms`) Kafka hands to
//! every log's `ProducerStateManager`; it lives here so one struct carries all the log needs.
//! Not modelled: index sizes, flush settings, tiered storage.

use serde::{Deserialize, Serialize};

use super::batch::TimestampType;
use crate::kinds::{CleanupPolicy, TopicCompression};

/// The topic config a [`super::PartitionLog`] obeys. `Default` gives Kafka's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LogConfig {
    /// `segment.bytes` (1 GiB): the active segment rolls when an append would take it past this.
    pub segment_bytes: i32,
    /// `segment.ms` (7 days): the active segment rolls once its first batch is this old,
    /// measured against the incoming batch's timestamp (`LogSegment.timeWaitedForRoll`), less
    /// the segment's jitter (see [`LogConfig::max_segment_ms`]).
    pub segment_ms: i64,
    /// `segment.jitter.ms` (0): each new segment draws a random jitter below
    /// `min(segment.jitter.ms, segment.ms)` and rolls that much earlier, so that partitions
    /// created together do not all roll at the same moment.
    pub segment_jitter_ms: i64,
    /// `retention.ms` (7 days): segments whose largest timestamp is older are deleted; -1 keeps
    /// them forever.
    pub retention_ms: i64,
    /// `retention.bytes` (-1, no limit): oldest segments are deleted while the log is larger.
    pub retention_bytes: i64,
    /// `cleanup.policy` (`delete`).
    pub cleanup_policy: CleanupPolicy,
    /// `delete.retention.ms` (1 day): how long the cleaner keeps tombstones and emptied
    /// transaction markers after it first sees them.
    pub delete_retention_ms: i64,
    /// `min.cleanable.dirty.ratio` (0.5): the cleaner runs when dirty bytes / total bytes
    /// exceeds it.
    pub min_cleanable_dirty_ratio: f64,
    /// `min.compaction.lag.ms` (0): a segment is not cleaned until its newest record is this old.
    pub min_compaction_lag_ms: i64,
    /// `max.compaction.lag.ms` (`Long.MAX_VALUE`): a dirty segment older than this is cleaned
    /// whatever the dirty ratio.
    pub max_compaction_lag_ms: i64,
    /// `max.message.bytes` (1048588): the largest batch (after compression) the topic accepts.
    pub max_message_bytes: i32,
    /// `message.timestamp.type` (`CreateTime`).
    pub message_timestamp_type: TimestampType,
    /// `message.timestamp.before.max.ms` (`Long.MAX_VALUE`): how far in the past a CreateTime
    /// timestamp may be.
    pub message_timestamp_before_max_ms: i64,
    /// `message.timestamp.after.max.ms` (1 hour since Kafka 4.0): how far in the future a
    /// CreateTime timestamp may be.
    pub message_timestamp_after_max_ms: i64,
    /// `compression.type` (`producer`: keep the producer's codec).
    pub compression: TopicCompression,
    /// Broker `producer.id.expiration.ms` (1 day): a producer with no open transaction is
    /// forgotten this long after its last batch's timestamp.
    pub producer_id_expiration_ms: i64,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            segment_bytes: 1024 * 1024 * 1024,
            segment_ms: 7 * 24 * 60 * 60 * 1000,
            segment_jitter_ms: 0,
            retention_ms: 7 * 24 * 60 * 60 * 1000,
            retention_bytes: -1,
            cleanup_policy: CleanupPolicy::DELETE,
            delete_retention_ms: 24 * 60 * 60 * 1000,
            min_cleanable_dirty_ratio: 0.5,
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: i64::MAX,
            max_message_bytes: 1_048_588,
            message_timestamp_type: TimestampType::CreateTime,
            message_timestamp_before_max_ms: i64::MAX,
            message_timestamp_after_max_ms: 60 * 60 * 1000,
            compression: TopicCompression::Producer,
            producer_id_expiration_ms: 24 * 60 * 60 * 1000,
        }
    }
}

impl LogConfig {
    /// `LogConfig.maxSegmentMs`: how old the active segment may get before it rolls. A
    /// compacted topic also rolls by `max.compaction.lag.ms`, so that the cleaner, which never
    /// cleans the active segment, can honour it.
    pub fn max_segment_ms(&self) -> i64 {
        if self.cleanup_policy.compact && self.max_compaction_lag_ms > 0 {
            self.max_compaction_lag_ms.min(self.segment_ms)
        } else {
            self.segment_ms
        }
    }

    /// Kafka's defaults with `cleanup.policy=compact`.
    pub fn compacted() -> LogConfig {
        LogConfig {
            cleanup_policy: CleanupPolicy::COMPACT,
            ..LogConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_kafkas() {
        let config = LogConfig::default();
        assert_eq!(config.segment_bytes, 1_073_741_824);
        assert_eq!(config.retention_ms, 604_800_000);
        assert_eq!(config.delete_retention_ms, 86_400_000);
        assert_eq!(config.max_message_bytes, 1_048_588);
        assert!(config.cleanup_policy.delete && !config.cleanup_policy.compact);
        assert_eq!(config.segment_jitter_ms, 0);
        assert_eq!(config.max_segment_ms(), 604_800_000);
    }

    #[test]
    fn a_compacted_log_rolls_by_its_max_compaction_lag() {
        let config = LogConfig {
            max_compaction_lag_ms: 60_000,
            ..LogConfig::compacted()
        };
        assert_eq!(config.max_segment_ms(), 60_000);
        let deleting = LogConfig {
            max_compaction_lag_ms: 60_000,
            ..LogConfig::default()
        };
        assert_eq!(deleting.max_segment_ms(), 604_800_000);
    }
}
