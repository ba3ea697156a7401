//! Retention (`cleanup.policy=delete`) and the log start offset: Kafka's
//! `UnifiedLog.deleteOldSegments` and `maybeIncrementLogStartOffset`, each test naming the Kafka
//! test it follows.

mod cluster_support;
mod log_support;

use cluster_support::pairs;
use kplay_core::kinds::CleanupPolicy;
use kplay_core::log::{
    LogConfig, LogStartOffsetIncrementReason, PartitionLog, SegmentDeletionReason,
};
use kplay_core::ErrorCode;
use log_support::*;

/// Two 80-byte one-record batches per segment.
fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 200,
        retention_ms: 1_000,
        ..LogConfig::default()
    }
}

/// Segments [0, 1] (timestamps 0), [2, 3] (timestamps 100) and the active [4] (timestamp 200).
fn three_segments() -> PartitionLog {
    let mut log = new_log();
    for timestamp in [0, 0, 100, 100, 200] {
        append(
            &mut log,
            &plain(records(1, timestamp)),
            timestamp,
            &config(),
        );
    }
    assert_eq!(segment_bases(&log), vec![0, 2, 4]);
    log
}

// UnifiedLogTest.testRetentionByTime... : segments whose largest timestamp is more than
// retention.ms old go, oldest first, and the log start offset follows.
#[test]
fn retention_ms_deletes_segments_by_their_largest_timestamp() {
    let mut log = three_segments();
    let outcome = log.delete_old_segments(o(5), 1_150, &config());
    let deleted: Vec<i64> = outcome
        .deleted
        .iter()
        .map(|segment| segment.base_offset.0)
        .collect();
    assert_eq!(deleted, vec![0, 2]);
    assert_eq!(outcome.log_start_offset, o(4));
    assert_eq!(log.log_start_offset(), o(4));
    assert_eq!(offsets(&log), vec![4]);
    assert_eq!(
        outcome.deleted[0].description,
        "Deleting segment LogSegment(baseOffset=0, size=160, lastModifiedTime=0, \
         largestRecordTimestamp=0) due to log retention time 1000ms breach based on the largest \
         record timestamp in the segment"
    );
    assert_eq!(outcome.deleted[0].next_offset, o(2));
    assert!(!outcome.rolled_active_segment);
}

// UnifiedLog.deletableSegments: only segments entirely below the high watermark are eligible,
// so the log start offset never passes it.
#[test]
fn retention_only_deletes_segments_below_the_high_watermark() {
    let mut log = three_segments();
    let outcome = log.delete_old_segments(o(3), 1_150, &config());
    assert_eq!(outcome.deleted.len(), 1);
    assert_eq!(log.log_start_offset(), o(2));
    assert!(log
        .delete_old_segments(o(0), 10_000, &config())
        .deleted
        .is_empty());
}

// UnifiedLogTest.testSizeBasedLogRetention: segments go while the log stays at or above
// retention.bytes after their removal.
#[test]
fn retention_bytes_deletes_the_oldest_segments_over_the_limit() {
    let mut log = three_segments();
    let by_size = LogConfig {
        retention_ms: -1,
        retention_bytes: 240,
        ..config()
    };
    let outcome = log.delete_old_segments(o(5), 0, &by_size);
    assert_eq!(outcome.deleted.len(), 1);
    assert_eq!(
        outcome.deleted[0].reason,
        SegmentDeletionReason::RetentionSizeBreach {
            retention_bytes: 240,
            log_size_after_bytes: 240
        }
    );
    assert_eq!(log.size_in_bytes(), 240);
    assert!(log
        .delete_old_segments(o(5), 0, &by_size)
        .deleted
        .is_empty());
}

// UnifiedLog.deleteSegments: "we must always have at least one segment" (time retention can
// delete the active segment after rolling an empty one).
#[test]
fn when_every_segment_expires_an_empty_active_segment_is_rolled_first() {
    let mut log = three_segments();
    let outcome = log.delete_old_segments(o(5), 100_000, &config());
    assert!(outcome.rolled_active_segment);
    assert_eq!(outcome.deleted.len(), 3);
    assert_eq!(segment_bases(&log), vec![5]);
    assert_eq!((log.log_start_offset(), log.log_end_offset()), (o(5), o(5)));
    assert_eq!(log.size_in_bytes(), 0);
    assert!(log
        .read(o(5), 100, o(5))
        .expect("at the log end")
        .is_empty());
    let again = log.delete_old_segments(o(5), 200_000, &config());
    assert!(
        again.deleted.is_empty(),
        "an empty active segment is never deleted"
    );
}

// UnifiedLogTest.testLogStartOffset / DeleteRecords: the log start offset moves at once; whole
// segments below it go at the next retention check, whatever the cleanup policy.
#[test]
fn the_log_start_offset_moves_and_breached_segments_go_next() {
    let mut log = three_segments();
    let moved = log
        .maybe_increment_log_start_offset(
            o(3),
            LogStartOffsetIncrementReason::ClientRecordDeletion,
            o(5),
        )
        .expect("below the high watermark");
    assert!(moved);
    assert_eq!(log.log_start_offset(), o(3));
    assert_eq!(
        segment_bases(&log),
        vec![0, 2, 4],
        "segments stay until retention runs"
    );
    let read = log
        .read(o(2), 100, o(5))
        .expect_err("below the log start offset");
    assert_eq!(read.code, ErrorCode::OffsetOutOfRange);
    let compact_only = LogConfig {
        cleanup_policy: CleanupPolicy::COMPACT,
        ..config()
    };
    let outcome = log.delete_old_segments(o(5), 1_000_000, &compact_only);
    let deleted: Vec<i64> = outcome
        .deleted
        .iter()
        .map(|segment| segment.base_offset.0)
        .collect();
    assert_eq!(
        deleted,
        vec![0],
        "compact: only the log start offset breach applies"
    );
    assert_eq!(
        log.log_start_offset(),
        o(3),
        "it never moves back to the segment base"
    );
    let too_far = log
        .maybe_increment_log_start_offset(
            o(6),
            LogStartOffsetIncrementReason::ClientRecordDeletion,
            o(5),
        )
        .expect_err("above the high watermark");
    assert_eq!(too_far.code, ErrorCode::OffsetOutOfRange);
    assert!(!log
        .maybe_increment_log_start_offset(
            o(1),
            LogStartOffsetIncrementReason::LeaderOffsetIncremented,
            o(5)
        )
        .expect("a lower offset is no error"));
}

// UnifiedLog.maybeIncrementLogStartOffset -> LeaderEpochFileCache.truncateFromStart
#[test]
fn moving_the_log_start_offset_trims_the_epoch_cache() {
    let mut log = new_log();
    log.append_as_leader(&plain(records(2, 0)), 1, 0, &config())
        .expect("epoch 1");
    log.append_as_leader(&plain(records(2, 0)), 2, 0, &config())
        .expect("epoch 2");
    log.maybe_increment_log_start_offset(
        o(3),
        LogStartOffsetIncrementReason::ClientRecordDeletion,
        o(4),
    )
    .expect("moved");
    let epochs: Vec<(i32, i64)> = log
        .epoch_entries()
        .iter()
        .map(|entry| (entry.epoch, entry.start_offset.0))
        .collect();
    assert_eq!(epochs, vec![(2, 3)]);
}

/// A one-broker cluster with `events` (`delete`) and `table` (`compact,delete`), both keeping
/// records 1 s in 1 s segments, and a record sent to each every second for 10 s. Returns the
/// times of each topic's segment deletions, and whether `table` was compacted.
fn deletions(broker_configs: &[(&str, &str)]) -> (Vec<i64>, Vec<i64>, bool) {
    use kplay_core::{Cluster, ClusterConfig, Command, EventKind, NewRecord};
    let config = ClusterConfig {
        brokers: 1,
        controller_voters: 1,
        broker_configs: pairs(broker_configs),
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, 5).expect("cluster");
    let mut events = Vec::new();
    for (topic, policy) in [("events", "delete"), ("table", "compact,delete")] {
        let configs = [
            ("cleanup.policy", policy),
            ("retention.ms", "1000"),
            ("segment.ms", "1000"),
            ("min.cleanable.dirty.ratio", "0.01"),
        ];
        events.extend(
            cluster
                .apply(Command::CreateTopic {
                    topic: topic.into(),
                    partitions: 1,
                    replication_factor: 1,
                    configs: pairs(&configs),
                })
                .expect("created"),
        );
    }
    cluster
        .apply(Command::CreateProducer {
            name: "p".into(),
            configs: Vec::new(),
        })
        .expect("producer");
    for second in 0..10 {
        for topic in ["events", "table"] {
            let key = format!("k{}", second % 3);
            cluster
                .apply(Command::Produce {
                    producer: "p".into(),
                    record: NewRecord::new(topic, Some(&key), Some("v")),
                })
                .expect("sent");
        }
        events.extend(cluster.run_for(1_000));
    }
    events.extend(cluster.run_for(400_000));
    let deleted = |wanted: &str| -> Vec<i64> {
        events
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::SegmentsDeleted { partition, .. } if partition.topic == wanted))
            .map(|e| e.at_ms)
            .collect()
    };
    let compacted = events.iter().any(
        |e| matches!(&e.kind, EventKind::LogCompacted { partition, .. } if partition.topic == "table"),
    );
    (deleted("events"), deleted("table"), compacted)
}

// LogManager.startup schedules "kafka-log-retention" InitialTaskDelayMs (30 s) after the start,
// then every log.retention.check.interval.ms; cleanupLogs takes only the logs that are not
// compacted (pauseCleaningForNonCompactedPartitions). LogCleaner.cleanFilthiestLog deletes the
// old segments of the compacted logs after each pass (LogCleanerManager.deletableLogs), so a
// compact,delete log is trimmed every log.cleaner.backoff.ms. Without a cleaner
// (log.cleaner.enable=false) compacted logs are neither cleaned nor trimmed.
#[test]
fn compacted_logs_are_trimmed_by_the_cleaner_and_others_by_the_retention_check() {
    let (events, table, compacted) = deletions(&[]);
    assert_eq!(events.first(), Some(&30_000), "{events:?}");
    assert!(
        events.iter().all(|at| (at - 30_000) % 300_000 == 0),
        "{events:?}"
    );
    let first = *table.first().expect("table trimmed");
    assert!(first < 30_000, "{table:?}");
    assert!(table.iter().all(|at| at % 15_000 == 0), "{table:?}");
    assert!(compacted);

    let (events, table, compacted) = deletions(&[("log.cleaner.enable", "false")]);
    assert_eq!(events.first(), Some(&30_000));
    assert_eq!(table, Vec::<i64>::new());
    assert!(!compacted);
}
