//! A broker's periodic log work: retention (`log.retention.check.interval.ms`), the log
//! cleaner (`log.cleaner.backoff.ms`) and the high watermark checkpoint
//! (`replica.high.watermark.checkpoint.interval.ms`).
//!
//! Every replica runs retention and compaction on its own log, leader or follower, as each
//! broker's `LogManager` and `LogCleaner` do. Retention only deletes segments entirely below
//! the replica's high watermark.

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;

use super::{Broker, BrokerTimer};

impl Broker {
    pub(super) fn checkpoint_high_watermarks(&mut self, ctx: &mut Ctx) {
        for replica in self.replicas.values_mut() {
            replica.checkpointed_high_watermark = replica.high_watermark;
        }
        Self::after(
            ctx,
            self.settings.replica_high_watermark_checkpoint_interval_ms,
            BrokerTimer::HighWatermarkCheckpoint,
        );
    }

    pub(super) fn run_retention(&mut self, ctx: &mut Ctx) {
        let me = self.id;
        let partitions: Vec<_> = self.replicas.keys().cloned().collect();
        for partition in partitions {
            let settings = self.topic_settings(&partition.topic);
            if !settings.log.cleanup_policy.delete {
                if let Some(replica) = self.replicas.get_mut(&partition) {
                    replica
                        .log
                        .remove_expired_producers(ctx.clock_ms, &settings.log);
                }
                continue;
            }
            let Some(replica) = self.replicas.get_mut(&partition) else {
                continue;
            };
            replica
                .log
                .remove_expired_producers(ctx.clock_ms, &settings.log);
            let outcome = replica.log.delete_old_segments(
                replica.high_watermark,
                ctx.clock_ms,
                &settings.log,
            );
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
        Self::after(
            ctx,
            self.settings.log_retention_check_interval_ms,
            BrokerTimer::LogRetention,
        );
    }

    /// `LogCleaner`'s thread cleans the filthiest cleanable log, then the next, and sleeps
    /// `log.cleaner.backoff.ms` once none is left. Cleaning takes no simulated time here, so
    /// this cleans every cleanable log at once, then waits the backoff.
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
        }
        Self::after(
            ctx,
            self.settings.log_cleaner_backoff_ms,
            BrokerTimer::LogCleaner,
        );
    }
}
