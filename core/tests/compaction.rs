//! Log compaction (`cleanup.policy=compact`): Kafka's `LogCleaner` / `Cleaner` /
//! `LogCleanerManager` behaviour, each test naming the Kafka test it follows.

mod log_support;

use std::sync::Arc;

use kplay_core::log::{ControlType, LogConfig};
use kplay_core::ProducerId;
use log_support::*;

/// Compacted topic; each one-record batch from `keyed(&[(k, Some(v))])` is 70 bytes, so two fit
/// a 140-byte segment.
fn compacted() -> LogConfig {
    LogConfig {
        segment_bytes: 140,
        ..LogConfig::compacted()
    }
}

fn put(log: &mut kplay_core::log::PartitionLog, key: &str, value: Option<&str>, now_ms: i64) {
    append(
        log,
        &plain(keyed(&[(key, value)], now_ms)),
        now_ms,
        &compacted(),
    );
}

fn keys_and_values(log: &kplay_core::log::PartitionLog) -> Vec<(i64, String, Option<String>)> {
    contents(log)
        .into_iter()
        .map(|(offset, key, value)| (offset, key.unwrap_or_default(), value))
        .collect()
}

fn v(text: &str) -> Option<String> {
    Some(text.to_string())
}

// LogCleanerTest.testCleanSegments: the latest record per key stays, offsets keep their gaps,
// and the active segment is untouched.
#[test]
fn cleaning_keeps_the_latest_record_per_key_with_offset_gaps() {
    let mut log = new_log();
    for (key, value) in [
        ("a", "1"),
        ("b", "1"),
        ("a", "2"),
        ("c", "1"),
        ("a", "3"),
        ("b", "2"),
    ] {
        put(&mut log, key, Some(value), 0);
    }
    assert_eq!(segment_bases(&log), vec![0, 2, 4]);
    let active_before: Vec<_> = log.active_segment().batches().iter().cloned().collect();
    let outcome = log
        .clean(log.log_end_offset(), 0, &compacted())
        .expect("dirty ratio 1.0 > 0.5");
    assert_eq!(
        outcome.first_uncleanable_offset,
        o(4),
        "the active segment is not cleaned"
    );
    assert_eq!(outcome.new_first_dirty_offset, o(4));
    assert_eq!(outcome.records_removed, 1);
    assert_eq!(
        keys_and_values(&log),
        vec![
            (1, "b".into(), v("1")),
            (2, "a".into(), v("2")),
            (3, "c".into(), v("1")),
            (4, "a".into(), v("3")),
            (5, "b".into(), v("2")),
        ]
    );
    let active_after = log.active_segment().batches();
    assert!(active_before
        .iter()
        .zip(active_after)
        .all(|(x, y)| Arc::ptr_eq(x, y)));
    assert_eq!(log.log_end_offset(), o(6));
    assert!(
        log.clean(log.log_end_offset(), 0, &compacted()).is_none(),
        "nothing dirty left"
    );
}

// LogCleanerManager.cleanableOffsets: the last stable offset bounds the cleanable range.
#[test]
fn cleaning_stops_at_the_segment_holding_the_last_stable_offset() {
    let mut log = new_log();
    for key in ["a", "a", "a", "a", "b"] {
        put(&mut log, key, Some("x"), 0);
    }
    let outcome = log
        .clean(o(3), 0, &compacted())
        .expect("segment 0 is cleanable");
    assert_eq!(outcome.first_uncleanable_offset, o(2));
    assert_eq!(offsets(&log), vec![1, 2, 3, 4]);
}

// LogCleanerManagerTest.testCleanableOffsetsForTime (min.compaction.lag.ms)
#[test]
fn segments_younger_than_min_compaction_lag_are_not_cleaned() {
    let mut log = new_log();
    put(&mut log, "a", Some("1"), 0);
    put(&mut log, "a", Some("2"), 0);
    put(&mut log, "a", Some("3"), 1_000);
    put(&mut log, "a", Some("4"), 1_000);
    put(&mut log, "b", Some("1"), 1_000);
    let config = LogConfig {
        min_compaction_lag_ms: 1_000,
        ..compacted()
    };
    let outcome = log
        .clean(log.log_end_offset(), 1_500, &config)
        .expect("segment 0 is old enough");
    assert_eq!(outcome.first_uncleanable_offset, o(2));
    assert_eq!(
        offsets(&log),
        vec![1, 2, 3, 4],
        "only offset 0 is superseded inside the range"
    );
}

// LogCleanerManager.grabFilthiestCompactedLog: cleaning runs only above
// min.cleanable.dirty.ratio (strictly greater).
#[test]
fn cleaning_waits_for_the_dirty_ratio() {
    let mut log = new_log();
    for key in ["a", "b", "c", "d", "e"] {
        put(&mut log, key, Some("1"), 0);
    }
    log.clean(log.log_end_offset(), 0, &compacted())
        .expect("first cleaning");
    put(&mut log, "f", Some("1"), 0);
    put(&mut log, "g", Some("1"), 0);
    // Clean part: 4 batches (280 bytes); dirty: segment 4 (140 bytes): ratio 1/3.
    let ratio = log.dirty_ratio(log.log_end_offset(), 0, &compacted());
    assert!((ratio - 1.0 / 3.0).abs() < 1e-9, "{ratio}");
    assert!(log.clean(log.log_end_offset(), 0, &compacted()).is_none());
    let eager = LogConfig {
        min_cleanable_dirty_ratio: 0.3,
        ..compacted()
    };
    assert!(log.clean(log.log_end_offset(), 0, &eager).is_some());
}

// LogCleanerManagerTest.testMaxCompactionLag...: a dirty segment older than
// max.compaction.lag.ms is cleaned whatever the ratio.
#[test]
fn max_compaction_lag_forces_cleaning() {
    let mut log = new_log();
    for key in ["a", "a", "b"] {
        put(&mut log, key, Some("1"), 10);
    }
    let never_by_ratio = LogConfig {
        min_cleanable_dirty_ratio: 1.0,
        ..compacted()
    };
    assert!(log
        .clean(log.log_end_offset(), 100, &never_by_ratio)
        .is_none());
    let lagging = LogConfig {
        max_compaction_lag_ms: 50,
        ..never_by_ratio
    };
    let outcome = log
        .clean(log.log_end_offset(), 100, &lagging)
        .expect("forced");
    assert!(outcome.forced_by_max_compaction_lag);
    assert_eq!(offsets(&log), vec![1, 2]);
}

// LogConfig.maxSegmentMs: a compacted log's active segment, which the cleaner never touches,
// rolls by max.compaction.lag.ms when that is shorter than segment.ms, so the lag can be kept.
#[test]
fn a_compacted_log_rolls_its_active_segment_by_max_compaction_lag() {
    let lagging = LogConfig {
        segment_bytes: 1 << 20,
        max_compaction_lag_ms: 50,
        ..LogConfig::compacted()
    };
    let mut log = new_log();
    for (key, now) in [("a", 0), ("a", 50), ("b", 51)] {
        append(
            &mut log,
            &plain(keyed(&[(key, v("1").as_deref())], now)),
            now,
            &lagging,
        );
    }
    assert_eq!(segment_bases(&log), vec![0, 2], "rolled after 50 ms");
    let outcome = log
        .clean(log.log_end_offset(), 200, &lagging)
        .expect("the closed segment is cleanable");
    assert_eq!(outcome.segments_before, 1);
    assert_eq!(offsets(&log), vec![1, 2]);
    let by_segment_ms = LogConfig {
        max_compaction_lag_ms: 50,
        ..LogConfig::default()
    };
    let mut deleting = new_log();
    for now in [0, 51] {
        append(
            &mut deleting,
            &plain(keyed(&[("a", v("1").as_deref())], now)),
            now,
            &by_segment_ms,
        );
    }
    assert_eq!(
        segment_bases(&deleting),
        vec![0],
        "only compacted logs roll by it"
    );
}

// LogCleanerTest.testDeleteRetentionMs... (KIP-534): a tombstone stays until delete.retention.ms
// after the cleaning that first saw it, then goes.
#[test]
fn tombstones_go_only_after_delete_retention_ms_from_their_first_cleaning() {
    let config = LogConfig {
        delete_retention_ms: 500,
        min_cleanable_dirty_ratio: 0.01,
        ..compacted()
    };
    let mut log = new_log();
    put(&mut log, "a", Some("1"), 0);
    put(&mut log, "b", Some("1"), 0);
    put(&mut log, "a", None, 0);
    put(&mut log, "c", Some("1"), 0);
    put(&mut log, "x", Some("1"), 0);
    let first = log
        .clean(log.log_end_offset(), 1_000, &config)
        .expect("first");
    assert_eq!(first.tombstones_removed, 0);
    assert_eq!(offsets(&log), vec![1, 2, 3, 4]);
    let tombstone = log
        .batches()
        .find(|batch| batch.base_offset == o(2))
        .expect("kept");
    assert_eq!(tombstone.delete_horizon_ms, Some(1_500));
    put(&mut log, "y", Some("1"), 1_000);
    put(&mut log, "z", Some("1"), 1_000);
    log.clean(log.log_end_offset(), 1_400, &config)
        .expect("second");
    assert!(offsets(&log).contains(&2), "the horizon has not passed");
    put(&mut log, "w", Some("1"), 1_400);
    put(&mut log, "q", Some("1"), 1_400);
    let third = log
        .clean(log.log_end_offset(), 1_600, &config)
        .expect("third");
    assert_eq!(third.tombstones_removed, 1);
    assert!(!offsets(&log).contains(&2));
}

// LogCleanerTest.testSegmentGrouping: small cleaned segments are merged up to segment.bytes.
#[test]
fn small_segments_are_grouped_when_cleaned() {
    let mut log = new_log();
    for key in ["a", "b", "c", "d", "e", "f", "g"] {
        put(&mut log, key, Some("1"), 0);
    }
    assert_eq!(segment_bases(&log), vec![0, 2, 4, 6]);
    let roomy = LogConfig {
        segment_bytes: 300,
        ..compacted()
    };
    let outcome = log.clean(log.log_end_offset(), 0, &roomy).expect("cleaned");
    assert_eq!((outcome.segments_before, outcome.segments_after), (3, 2));
    assert_eq!(segment_bases(&log), vec![0, 4, 6]);
    assert_eq!(offsets(&log), vec![0, 1, 2, 3, 4, 5, 6]);
}

// LogCleanerTest.testAbortMarkerRemoval / testDeleteEmptyTransaction...: aborted records go at
// once; the abort marker stays while the transaction had batches, then gets a delete horizon and
// goes after delete.retention.ms.
#[test]
fn aborted_records_go_and_their_marker_goes_after_the_delete_horizon() {
    let config = LogConfig {
        delete_retention_ms: 500,
        min_cleanable_dirty_ratio: 0.01,
        ..compacted()
    };
    let mut log = new_log();
    append(
        &mut log,
        &transactional(7, 0, 0, keyed(&[("a", Some("t"))], 0)),
        0,
        &config,
    );
    log.append_control_batch(ControlType::Abort, ProducerId(7), 0, 0, 0, 0, &config)
        .expect("abort marker at 1");
    log.on_high_watermark_updated(o(2));
    append(
        &mut log,
        &idempotent(7, 0, 1, keyed(&[("b", Some("1"))], 0)),
        0,
        &config,
    );
    put(&mut log, "c", Some("1"), 0);
    put(&mut log, "d", Some("1"), 0);
    assert_eq!(log.aborted_transactions(o(0), o(5)).len(), 1);
    log.clean(log.log_end_offset(), 1_000, &config)
        .expect("first");
    assert_eq!(
        offsets(&log),
        vec![1, 2, 3, 4],
        "the aborted record is gone, its marker stays"
    );
    put(&mut log, "e", Some("1"), 1_000);
    put(&mut log, "e2", Some("1"), 1_000);
    log.clean(log.log_end_offset(), 1_200, &config)
        .expect("second");
    let marker = log
        .batches()
        .find(|batch| batch.base_offset == o(1))
        .expect("marker kept");
    assert_eq!(marker.delete_horizon_ms, Some(1_700));
    assert!(
        log.aborted_transactions(o(0), o(5)).is_empty(),
        "nothing left to skip"
    );
    put(&mut log, "f", Some("1"), 1_200);
    put(&mut log, "g", Some("1"), 1_200);
    log.clean(log.log_end_offset(), 1_800, &config)
        .expect("third");
    assert!(
        !log.batches().any(|batch| batch.is_control()),
        "the marker is gone"
    );
}

// LogCleanerTest.testRetainProducerLastSequence...: a producer's last batch stays, even empty,
// so its sequence survives cleaning.
#[test]
fn a_producers_last_batch_is_kept_empty_to_preserve_its_sequence() {
    let mut log = new_log();
    append(
        &mut log,
        &idempotent(7, 0, 0, keyed(&[("a", Some("1"))], 0)),
        0,
        &compacted(),
    );
    put(&mut log, "a", Some("2"), 0);
    put(&mut log, "b", Some("1"), 0);
    put(&mut log, "c", Some("1"), 0);
    log.clean(log.log_end_offset(), 0, &compacted())
        .expect("cleaned");
    let first = log.batches().next().expect("kept");
    assert_eq!((first.base_offset, first.record_count()), (o(0), 0));
    assert_eq!(first.size_in_bytes, 61);
    append(
        &mut log,
        &idempotent(7, 0, 1, keyed(&[("z", Some("1"))], 0)),
        0,
        &compacted(),
    );
}
