//! A broker's periodic log work: retention (`log.retention.check.interval.ms`), the log
//! cleaner (`log.cleaner.backoff.ms`), producer id expiry
//! (`producer.id.expiration.check.interval.ms`) and the high watermark checkpoint
//! (`replica.high.watermark.checkpoint.interval.ms`).
//!
//! Every replica runs retention and compaction on its own log, leader or follower, as each
//! broker's `LogManager` and `LogCleaner` do. Retention only deletes segments entirely below
//! the replica's high watermark.
//!
//! Which task deletes a log's old segments depends on its policy, as in Kafka: the retention
//! check handles the logs that are not compacted (`LogManager.cleanupLogs` takes
//! `pauseCleaningForNonCompactedPartitions()`), and the cleaner thread the compacted ones after
//! each cleaning (`LogCleanerManager.deletableLogs`: "Include logs without delete enabled, as
//! they may have segments that precede the start offset"). So `compact,delete` retention runs
//! every `log.cleaner.backoff.ms`, and a compacted log drops the segments below a log start
//! offset that `kafka-delete-records` moved. With `log.cleaner.enable=false` there is no
//! cleaner: compacted logs are neither cleaned nor trimmed.

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;

use super::{Broker, BrokerTimer};

/// How long after a broker starts its retention task first runs: `LogManager`'s
/// `InitialTaskDelayMs` (`log.initial.task.delay.ms` since Kafka 4.0, default 30000).
pub const LOG_INITIAL_TASK_DELAY_MS: i64 = 30_000;

/// How often each log forgets its expired producers: `producer.id.expiration.check.interval.ms`,
/// an internal broker config (default 600000). Kafka's `UnifiedLog` schedules the check when
/// the log is created or loaded, first after one interval; here every log of a broker shares
/// one check, first one interval after the broker starts.
pub const PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS: i64 = 600_000;

impl Broker {
    pub(super) fn checkpoint_high_watermarks(&mut self, ctx: &mut Ctx) {
        self.write_high_watermark_checkpoint();
        Self::after(
            ctx,
            self.settings.replica_high_watermark_checkpoint_interval_ms,
            BrokerTimer::HighWatermarkCheckpoint,
        );
    }

    /// Writes every replica's high watermark to the `replication-offset-checkpoint` file: on
    /// the periodic check, and as an orderly shutdown ends (`ReplicaManager.shutdown(checkpointHW
    /// = true)`).
    pub(super) fn write_high_watermark_checkpoint(&mut self) {
        for replica in self.replicas.values_mut() {
            replica.checkpointed_high_watermark = replica.high_watermark;
        }
    }

    /// `UnifiedLog`'s `PeriodicProducerExpirationCheck` on every log.
    pub(super) fn expire_producer_ids(&mut self, ctx: &mut Ctx) {
        let partitions: Vec<_> = self.replicas.keys().cloned().collect();
        for partition in partitions {
            let settings = self.topic_settings(&partition.topic);
            if let Some(replica) = self.replicas.get_mut(&partition) {
                replica
                    .log
                    .remove_expired_producers(ctx.clock_ms, &settings.log);
            }
        }
        Self::after(
            ctx,
            PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
            BrokerTimer::ProducerIdExpiration,
        );
    }

    /// `LogManager.cleanupLogs`: retention on the logs that are not compacted.
    pub(super) fn run_retention(&mut self, ctx: &mut Ctx) {
        let partitions: Vec<_> = self.replicas.keys().cloned().collect();
        for partition in partitions {
            let settings = self.topic_settings(&partition.topic);
            if !settings.log.cleanup_policy.compact {
                self.delete_old_segments(&partition, &settings.log, ctx);
            }
        }
        Self::after(
            ctx,
            self.settings.log_retention_check_interval_ms,
            BrokerTimer::LogRetention,
        );
    }

    /// `UnifiedLog.deleteOldSegments` on one replica, with an event when segments went.
    fn delete_old_segments(
        &mut self,
        partition: &crate::ids::TopicPartition,
        config: &crate::log::LogConfig,
        ctx: &mut Ctx,
    ) {
        let me = self.id;
        let Some(replica) = self.replicas.get_mut(partition) else {
            return;
        };
        let outcome = replica
            .log
            .delete_old_segments(replica.high_watermark, ctx.clock_ms, config);
        if let Some(first) = outcome.deleted.first() {
            ctx.emit(EventKind::SegmentsDeleted {
                partition: partition.clone(),
                broker: me,
                segments: outcome.deleted.len() as i32,
                log_start_offset: replica.log.log_start_offset(),
                reason: first.reason.to_string(),
            });
        }
    }

    /// `LogCleaner`'s thread cleans the filthiest cleanable log, then the next, and sleeps
    /// `log.cleaner.backoff.ms` once none is left; after each cleaning it deletes the old
    /// segments of every compacted log. Cleaning takes no simulated time here, so this cleans
    /// every cleanable log at once, trims the compacted logs, then waits the backoff.
    pub(super) fn run_cleaner(&mut self, ctx: &mut Ctx) {
        let me = self.id;
        let partitions: Vec<_> = self.replicas.keys().cloned().collect();
        for partition in partitions {
            let settings = self.topic_settings(&partition.topic);
            if !settings.log.cleanup_policy.compact {
                continue;
            }
            let Some(replica) = self.replicas.get_mut(&partition) else {
                continue;
            };
            let last_stable_offset = replica.last_stable_offset();
            if let Some(outcome) =
                replica
                    .log
                    .clean(last_stable_offset, ctx.clock_ms, &settings.log)
            {
                ctx.emit(EventKind::LogCompacted {
                    partition: partition.clone(),
                    broker: me,
                    removed_records: outcome.records_removed - outcome.tombstones_removed,
                    removed_tombstones: outcome.tombstones_removed,
                });
            }
            self.delete_old_segments(&partition, &settings.log, ctx);
        }
        Self::after(
            ctx,
            self.settings.log_cleaner_backoff_ms,
            BrokerTimer::LogCleaner,
        );
    }
}
