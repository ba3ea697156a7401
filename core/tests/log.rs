//! Integration tests of the partition log: appends, segments, reads, leader epochs, truncation,
//! idempotence and transactions. Each test names the Kafka test or source it follows.

mod log_support;

use std::sync::Arc;

use kplay_core::kinds::{CleanupPolicy, CompressionType, TopicCompression};
use kplay_core::log::{
    produce_response_error, ControlType, LeaderAppend, LogConfig, PartitionLog, RecordSetBuilder,
    TimestampType,
};
use kplay_core::rng::SimRng;
use kplay_core::{ErrorCode, ProducerId};
use log_support::*;

fn small_segments() -> LogConfig {
    // One 1-record batch from `records(1, ..)` is 80 bytes: two fit a 200-byte segment.
    LogConfig {
        segment_bytes: 200,
        ..LogConfig::default()
    }
}

// UnifiedLogTest.testAppendAndReadWithSequentialOffsets
#[test]
fn offsets_are_dense_across_batches() {
    let mut log = new_log();
    let config = LogConfig::default();
    let first = append(&mut log, &plain(records(3, 0)), 0, &config);
    let second = append(&mut log, &plain(records(2, 0)), 0, &config);
    assert_eq!((first.base_offset, first.last_offset()), (o(0), o(2)));
    assert_eq!((second.base_offset, second.last_offset()), (o(3), o(4)));
    assert_eq!(offsets(&log), vec![0, 1, 2, 3, 4]);
    assert_eq!(log.log_end_offset(), o(5));
    assert_eq!(
        log.size_in_bytes(),
        i64::from(first.size_in_bytes + second.size_in_bytes)
    );
}

// UnifiedLogTest.testSizeBasedLogRoll
#[test]
fn segment_rolls_when_the_next_batch_would_exceed_segment_bytes() {
    let mut log = new_log();
    let config = small_segments();
    for _ in 0..5 {
        let batch = append(&mut log, &plain(records(1, 0)), 0, &config);
        assert_eq!(batch.size_in_bytes, 80);
    }
    assert_eq!(segment_bases(&log), vec![0, 2, 4]);
    assert!(log
        .segments()
        .iter()
        .all(|segment| segment.size_in_bytes() <= 200));
}

// UnifiedLogTest.testTimeBasedLogRollDuringAppend: segment.ms counts from the first batch's
// timestamp to the incoming batch's timestamp, and an empty segment never rolls on time.
#[test]
fn segment_rolls_after_segment_ms_measured_from_its_first_batch_timestamp() {
    let mut log = new_log();
    let config = LogConfig {
        segment_ms: 1_000,
        ..LogConfig::default()
    };
    append(&mut log, &plain(records(1, 5_000)), 5_000, &config);
    append(&mut log, &plain(records(1, 6_000)), 99_000, &config);
    assert_eq!(
        segment_bases(&log),
        vec![0],
        "1000 ms waited is not more than segment.ms"
    );
    append(&mut log, &plain(records(1, 6_001)), 6_001, &config);
    assert_eq!(segment_bases(&log), vec![0, 2]);
}

// UnifiedLogTest.testTimeBasedLogRollJitter: a segment rolls `segment.ms` less its own random
// jitter after its first batch, never earlier than `segment.ms - segment.jitter.ms`.
#[test]
fn segment_rolls_earlier_by_its_random_jitter() {
    let max_jitter = 20 * 60;
    let config = LogConfig {
        segment_ms: 60 * 60,
        segment_jitter_ms: max_jitter,
        ..LogConfig::default()
    };
    let mut log = new_log().with_jitter_rng(SimRng::seed_from_u64(3));
    append(&mut log, &plain(records(1, 0)), 0, &config);
    let mut now = config.segment_ms - max_jitter;
    append(&mut log, &plain(records(1, now)), now, &config);
    assert_eq!(
        segment_bases(&log),
        vec![0],
        "earlier than the largest jitter"
    );
    let jitter = log.active_segment().roll_jitter_ms().expect("drawn");
    assert!((0..max_jitter).contains(&jitter), "{jitter}");
    now += max_jitter - jitter + 1;
    append(&mut log, &plain(records(1, now)), now, &config);
    assert_eq!(
        segment_bases(&log),
        vec![0, 2],
        "segment.ms less the jitter"
    );
}

// LogConfig.randomSegmentJitter: each segment draws its own jitter below
// min(segment.jitter.ms, segment.ms); the same generator draws the same jitters, and without a
// jitter every segment rolls at segment.ms.
#[test]
fn each_segment_draws_its_own_jitter_from_the_logs_generator() {
    let jitters = |jitter_ms: i64, seed: u64| {
        let config = LogConfig {
            segment_ms: 1_000,
            segment_jitter_ms: jitter_ms,
            ..LogConfig::default()
        };
        let mut log = new_log().with_jitter_rng(SimRng::seed_from_u64(seed));
        for second in 0..40 {
            let now = second * 1_001;
            append(&mut log, &plain(records(1, now)), now, &config);
        }
        // The active segment draws at its first roll check, the next append.
        log.segments()
            .iter()
            .filter_map(|segment| segment.roll_jitter_ms())
            .collect::<Vec<_>>()
    };
    let drawn = jitters(5_000, 1);
    assert_eq!(drawn.len(), 39);
    assert!(drawn.iter().all(|jitter| (0..1_000).contains(jitter)));
    assert!(drawn.windows(2).any(|pair| pair[0] != pair[1]));
    assert_eq!(jitters(5_000, 1), drawn);
    assert_ne!(jitters(5_000, 2), drawn);
    assert!(jitters(0, 1).iter().all(|jitter| *jitter == 0));
}

// LogSegment.shouldRoll: an empty active segment is never rolled on time.
#[test]
fn an_empty_segment_does_not_roll_on_time() {
    let mut log = new_log();
    let config = LogConfig {
        segment_ms: 10,
        ..LogConfig::default()
    };
    assert!(!log.maybe_roll(0, 1_000, 1_000, &config));
    assert_eq!(segment_bases(&log), vec![0]);
}

// UnifiedLogTest.testAppendAsFollower...: replicas share the leader's batches.
#[test]
fn follower_append_keeps_offsets_and_shares_the_arcs() {
    let config = LogConfig::default();
    let mut leader = new_log();
    let mut follower = new_log();
    append(&mut leader, &plain(records(3, 0)), 0, &config);
    append(&mut leader, &plain(records(2, 0)), 0, &config);
    let fetched = leader
        .read(o(0), i32::MAX, leader.log_end_offset())
        .expect("read");
    follower
        .append_as_follower(&fetched, &config, 0)
        .expect("follower append");
    assert_eq!(follower.log_end_offset(), o(5));
    let pairs = leader.batches().zip(follower.batches());
    for (ours, theirs) in pairs {
        assert!(Arc::ptr_eq(ours, theirs));
        assert!(Arc::ptr_eq(&ours.records, &theirs.records));
    }
    let again = follower.append_as_follower(&fetched, &config, 0);
    assert!(
        again.is_err(),
        "batches below the log end offset are refused"
    );
    assert_eq!(follower.log_end_offset(), o(5));
}

// LocalLog.read / LogSegment.read with minOneMessage (KIP-74) and a max offset.
#[test]
fn read_returns_at_least_one_batch_and_respects_max_bytes() {
    let mut log = new_log();
    let config = LogConfig::default();
    for _ in 0..4 {
        append(&mut log, &plain(records(2, 0)), 0, &config);
    }
    let size = log.batches().next().map_or(0, |batch| batch.size_in_bytes);
    let one = log.read(o(0), 1, o(8)).expect("read");
    assert_eq!(
        one.len(),
        1,
        "the first batch is returned even above max_bytes"
    );
    let two = log.read(o(0), size * 2 + 1, o(8)).expect("read");
    assert_eq!(two.len(), 2);
    let from_middle = log.read(o(3), i32::MAX, o(8)).expect("read");
    assert_eq!(
        from_middle[0].base_offset,
        o(2),
        "the batch holding the offset comes whole"
    );
}

// LocalLog.read: reads stop at the batch holding the high watermark; a batch straddling it is
// not returned, and a read at the bound is empty.
#[test]
fn read_never_returns_a_batch_reaching_the_high_watermark() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &plain(records(3, 0)), 0, &config); // 0..=2
    append(&mut log, &plain(records(3, 0)), 0, &config); // 3..=5
    let below = log.read(o(0), i32::MAX, o(4)).expect("read");
    assert_eq!(below.len(), 1);
    assert_eq!(below[0].last_offset(), o(2));
    assert!(log.read(o(3), i32::MAX, o(4)).expect("read").is_empty());
    assert!(log.read(o(6), i32::MAX, o(6)).expect("read").is_empty());
}

// UnifiedLog.checkLogStartOffset and LocalLog.read's range check.
#[test]
fn read_outside_the_log_is_offset_out_of_range() {
    let mut log = new_log();
    append(&mut log, &plain(records(2, 0)), 0, &LogConfig::default());
    let above = log.read(o(3), 100, o(2)).expect_err("above log end");
    assert_eq!(above.code, ErrorCode::OffsetOutOfRange);
    assert_eq!(
        above.message,
        "Received request for offset 3 for partition orders-0, but we only have log segments upto 2."
    );
    log.maybe_increment_log_start_offset(
        o(1),
        kplay_core::log::LogStartOffsetIncrementReason::ClientRecordDeletion,
        o(2),
    )
    .expect("below the high watermark");
    let below = log.read(o(0), 100, o(2)).expect_err("below log start");
    assert_eq!(below.code, ErrorCode::OffsetOutOfRange);
    assert!(log.read(o(2), 100, o(2)).expect("at log end").is_empty());
}

// UnifiedLogTest.testMessageSizeCheck / testMessageSetSizeCheck
#[test]
fn batches_above_max_message_bytes_or_segment_bytes_are_refused_without_change() {
    let mut log = new_log();
    let too_big_for_message = LogConfig {
        max_message_bytes: 79,
        ..LogConfig::default()
    };
    let error = log
        .append_as_leader(&plain(records(1, 0)), 0, 0, &too_big_for_message)
        .expect_err("80 > 79");
    assert_eq!(error.code, ErrorCode::MessageTooLarge);
    assert_eq!(
        produce_response_error(&error).message,
        ErrorCode::MessageTooLarge.default_message()
    );
    let too_big_for_segment = LogConfig {
        segment_bytes: 79,
        ..LogConfig::default()
    };
    let error = log
        .append_as_leader(&plain(records(1, 0)), 0, 0, &too_big_for_segment)
        .expect_err("80 > 79");
    assert_eq!(error.code, ErrorCode::RecordListTooLarge);
    assert_eq!(log, new_log());
}

// LogValidatorTest.testCompactedTopicWithoutKey (RecordValidationException, INVALID_RECORD).
#[test]
fn a_compacted_topic_refuses_records_without_a_key() {
    let mut log = new_log();
    let mut builder = RecordSetBuilder::new();
    builder.push(0, Some(b"k"), Some(b"v"), &[]);
    builder.push(0, None, Some(b"v"), &[]);
    let config = LogConfig {
        cleanup_policy: CleanupPolicy::COMPACT,
        ..LogConfig::default()
    };
    let error = log
        .append_as_leader(&plain(Arc::new(builder.build())), 0, 0, &config)
        .expect_err("null key on a compacted topic");
    assert_eq!(error.code, ErrorCode::InvalidRecord);
    assert_eq!(
        error.message,
        "One or more records have been rejected due to 1 record errors in total, and only showing \
         the first three errors at most: [RecordError(batchIndex=1, message='Compacted topic \
         cannot accept message without key in topic partition orders-0')]"
    );
    assert_eq!(
        produce_response_error(&error),
        error,
        "the producer sees this message"
    );
    assert_eq!(log.log_end_offset(), o(0));
}

// LogValidator.validateTimestamp with message.timestamp.after.max.ms (1 hour in Kafka 4.0).
#[test]
fn create_time_too_far_in_the_future_is_an_invalid_timestamp() {
    let mut log = new_log();
    let config = LogConfig::default();
    let error = log
        .append_as_leader(&plain(records(1, 3_600_001)), 0, 0, &config)
        .expect_err("more than an hour ahead");
    assert_eq!(error.code, ErrorCode::InvalidTimestamp);
    append(&mut log, &plain(records(1, 3_600_000)), 0, &config);
}

// LogValidator with LOG_APPEND_TIME: the leader's clock replaces the record timestamps.
#[test]
fn log_append_time_stamps_the_batch_with_the_leader_clock() {
    let mut log = new_log();
    let config = LogConfig {
        message_timestamp_type: TimestampType::LogAppendTime,
        ..LogConfig::default()
    };
    let batch = append(&mut log, &plain(records(2, 5)), 777, &config);
    assert_eq!(batch.max_timestamp, 777);
    assert!(batch.records().all(|(_, record)| record.timestamp == 777));
}

// UnifiedLog.append with a topic compression.type: the stored size is the model's.
#[test]
fn topic_compression_recompresses_to_the_model_size() {
    let mut log = new_log();
    let value = b"{\"event\":\"page_view\",\"path\":\"/products/42\",\"user\":\"u-1001\"}";
    let mut builder = RecordSetBuilder::new();
    for index in 0..100 {
        builder.push(
            0,
            Some(format!("user-{index}").as_bytes()),
            Some(value),
            &[],
        );
    }
    let records = Arc::new(builder.build());
    let config = LogConfig {
        compression: TopicCompression::Codec(CompressionType::Zstd),
        ..LogConfig::default()
    };
    let batch = append(&mut log, &plain(Arc::clone(&records)), 0, &config);
    assert_eq!(batch.compression, CompressionType::Zstd);
    assert!(batch.size_in_bytes < records.uncompressed_size_in_bytes() / 3);
    assert_eq!(log.size_in_bytes(), i64::from(batch.size_in_bytes));
}

// UnifiedLogTest.testDuplicateAppends / ProducerStateManagerTest: a retry of one of the last 5
// batches is answered with its original offsets.
#[test]
fn an_idempotent_retry_returns_the_original_offsets() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &idempotent(7, 0, 0, records(3, 0)), 0, &config);
    append(&mut log, &idempotent(7, 0, 3, records(2, 0)), 0, &config);
    let retry = log
        .append_as_leader(&idempotent(7, 0, 0, records(3, 0)), 0, 0, &config)
        .expect("a duplicate is no error");
    assert_eq!(
        retry,
        LeaderAppend::Duplicate {
            base_offset: o(0),
            last_offset: o(2)
        }
    );
    assert_eq!(log.log_end_offset(), o(5));
    // After 5 more batches the first is out of the window and a retry is out of sequence.
    for index in 0..5 {
        append(
            &mut log,
            &idempotent(7, 0, 5 + index, records(1, 0)),
            0,
            &config,
        );
    }
    let late = log
        .append_as_leader(&idempotent(7, 0, 0, records(3, 0)), 0, 0, &config)
        .expect_err("outside the window");
    assert_eq!(late.code, ErrorCode::OutOfOrderSequenceNumber);
}

// ProducerStateManagerTest.testOutOfSequence / UnifiedLogTest.testNonSequentialAppend
#[test]
fn an_out_of_order_sequence_is_refused_and_changes_nothing() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &idempotent(7, 0, 0, records(2, 0)), 0, &config);
    let before = log.clone();
    let error = log
        .append_as_leader(&idempotent(7, 0, 3, records(1, 0)), 0, 0, &config)
        .expect_err("sequence 2 expected");
    assert_eq!(error.code, ErrorCode::OutOfOrderSequenceNumber);
    assert_eq!(
        error.message,
        "Out of order sequence number for producer 7 at offset 2 in partition orders-0: 3 \
         (incoming seq. number), 1 (current end sequence number)"
    );
    assert_eq!(log, before);
}

// ProducerStateManagerTest.testProducerSequenceWithWrapAround / unknown producers: any first
// sequence of a producer the log does not know is accepted (KIP-360).
#[test]
fn an_unknown_producer_may_start_at_any_sequence() {
    let mut log = new_log();
    append(
        &mut log,
        &idempotent(9, 2, 40, records(1, 0)),
        0,
        &LogConfig::default(),
    );
    assert_eq!(log.producer_states()[&ProducerId(9)].last_seq(), 40);
}

// ProducerStateManagerTest.testFencedProducer / UnifiedLogTest.testOldProducerEpoch
#[test]
fn an_older_producer_epoch_is_fenced() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &idempotent(7, 3, 0, records(1, 0)), 0, &config);
    let error = log
        .append_as_leader(&idempotent(7, 2, 1, records(1, 0)), 0, 0, &config)
        .expect_err("epoch 2 < 3");
    assert_eq!(error.code, ErrorCode::InvalidProducerEpoch);
    assert_eq!(
        error.message,
        "Epoch of producer 7 at offset 1 in orders-0 is 2, which is smaller than the last seen epoch 3"
    );
    let new_epoch = log.append_as_leader(&idempotent(7, 4, 5, records(1, 0)), 0, 0, &config);
    assert_eq!(
        new_epoch.map(|_| ()).map_err(|error| error.code),
        Err(ErrorCode::OutOfOrderSequenceNumber),
        "a new epoch must start at sequence 0"
    );
    append(&mut log, &idempotent(7, 4, 0, records(1, 0)), 0, &config);
}

// ProducerStateManagerTest.testOutOfSequenceAfterControlRecordEpochBump
#[test]
fn after_a_marker_bumps_the_epoch_sequences_restart_at_zero() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &transactional(7, 0, 0, records(1, 0)), 0, &config);
    append(&mut log, &transactional(7, 0, 1, records(1, 0)), 0, &config);
    log.append_control_batch(ControlType::Commit, ProducerId(7), 1, 0, 0, 0, &config)
        .expect("marker with a bumped epoch");
    let error = log
        .append_as_leader(&transactional(7, 1, 2, records(1, 0)), 0, 0, &config)
        .expect_err("the bumped epoch has no sequence yet");
    assert_eq!(error.code, ErrorCode::OutOfOrderSequenceNumber);
    append(&mut log, &transactional(7, 1, 0, records(1, 0)), 0, &config);
}

// ProducerAppendInfo.checkCoordinatorEpoch
#[test]
fn a_marker_from_an_older_coordinator_is_fenced() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &transactional(7, 0, 0, records(1, 0)), 0, &config);
    log.append_control_batch(ControlType::Commit, ProducerId(7), 0, 5, 0, 0, &config)
        .expect("coordinator epoch 5");
    let error = log
        .append_control_batch(ControlType::Abort, ProducerId(7), 0, 4, 0, 0, &config)
        .expect_err("coordinator epoch 4 < 5");
    assert_eq!(error.code, ErrorCode::TransactionCoordinatorFenced);
}

// ProducerAppendInfo.appendDataBatch: no plain write inside an open transaction.
#[test]
fn a_non_transactional_write_during_a_transaction_is_invalid_txn_state() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &transactional(7, 0, 0, records(1, 0)), 0, &config);
    let error = log
        .append_as_leader(&idempotent(7, 0, 1, records(1, 0)), 0, 0, &config)
        .expect_err("transaction open");
    assert_eq!(error.code, ErrorCode::InvalidTxnState);
}

// UnifiedLogTest.testFirstUnstableOffset / testAbortedTransactionSpanningMultipleSegments
#[test]
fn open_transactions_hold_the_last_stable_offset_and_aborts_are_indexed() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &plain(records(2, 0)), 0, &config); // 0..=1
    append(&mut log, &transactional(7, 0, 0, records(2, 0)), 0, &config); // 2..=3
    append(&mut log, &transactional(8, 0, 0, records(1, 0)), 0, &config); // 4
    assert_eq!(log.first_unstable_offset(), Some(o(2)));
    assert_eq!(log.last_stable_offset(o(5)), o(2));
    log.append_control_batch(ControlType::Abort, ProducerId(7), 0, 0, 0, 0, &config)
        .expect("abort"); // 5
    assert_eq!(
        log.first_unstable_offset(),
        Some(o(2)),
        "a completed transaction stays unstable until its marker is below the high watermark"
    );
    log.on_high_watermark_updated(o(6));
    assert_eq!(log.first_unstable_offset(), Some(o(4)));
    let aborted = log.aborted_transactions(o(0), o(6));
    assert_eq!(aborted.len(), 1);
    assert_eq!(
        (
            aborted[0].producer_id,
            aborted[0].first_offset,
            aborted[0].last_offset
        ),
        (ProducerId(7), o(2), o(5))
    );
    assert_eq!(
        aborted[0].last_stable_offset,
        o(4),
        "producer 8 is still open"
    );
    assert!(log.aborted_transactions(o(6), o(10)).is_empty());
    log.append_control_batch(ControlType::Commit, ProducerId(8), 0, 0, 0, 0, &config)
        .expect("commit"); // 6
    log.on_high_watermark_updated(o(7));
    assert_eq!(log.first_unstable_offset(), None);
    assert_eq!(log.last_stable_offset(o(7)), o(7));
}

// UnifiedLog.endOffsetForEpoch over LeaderEpochFileCache.endOffsetFor
#[test]
fn end_offset_for_epoch_answers_offsets_for_leader_epoch() {
    let mut log = new_log();
    let config = LogConfig::default();
    log.append_as_leader(&plain(records(2, 0)), 1, 0, &config)
        .expect("epoch 1");
    log.append_as_leader(&plain(records(3, 0)), 3, 0, &config)
        .expect("epoch 3");
    assert_eq!(log.latest_epoch(), Some(3));
    assert_eq!(log.end_offset_for_epoch(0), Some((0, o(0))));
    assert_eq!(log.end_offset_for_epoch(1), Some((1, o(2))));
    assert_eq!(log.end_offset_for_epoch(2), Some((1, o(2))));
    assert_eq!(log.end_offset_for_epoch(3), Some((3, o(5))));
    assert_eq!(log.end_offset_for_epoch(4), None);
    log.assign_epoch_start_offset(5, log.log_end_offset());
    assert_eq!(log.end_offset_for_epoch(3), Some((3, o(5))));
}

// UnifiedLogTest.testTruncateTo / testLogRecoversForLeaderEpoch: truncation removes the
// batches, the epochs and the producer state above the target, and rebuilds the rest.
#[test]
fn truncation_restores_epoch_cache_and_producer_state() {
    let mut log = new_log();
    let config = small_segments();
    log.append_as_leader(&idempotent(7, 0, 0, records(1, 0)), 1, 0, &config)
        .expect("0");
    log.append_as_leader(&idempotent(7, 0, 1, records(1, 0)), 1, 0, &config)
        .expect("1");
    log.append_as_leader(&idempotent(7, 0, 2, records(1, 0)), 2, 0, &config)
        .expect("2");
    log.append_as_leader(&idempotent(7, 0, 3, records(1, 0)), 2, 0, &config)
        .expect("3");
    log.append_as_leader(&transactional(8, 0, 0, records(1, 0)), 3, 0, &config)
        .expect("4");
    assert_eq!(segment_bases(&log), vec![0, 2, 4]);
    assert!(log.truncate_to(o(3)));
    assert_eq!(log.log_end_offset(), o(3));
    assert_eq!(offsets(&log), vec![0, 1, 2]);
    assert_eq!(segment_bases(&log), vec![0, 2]);
    let epochs: Vec<(i32, i64)> = log
        .epoch_entries()
        .iter()
        .map(|entry| (entry.epoch, entry.start_offset.0))
        .collect();
    assert_eq!(epochs, vec![(1, 0), (2, 2)]);
    assert_eq!(log.producer_states()[&ProducerId(7)].last_seq(), 2);
    assert!(!log.producer_states().contains_key(&ProducerId(8)));
    assert_eq!(log.first_unstable_offset(), None);
    // The producer continues from the rebuilt state.
    log.append_as_leader(&idempotent(7, 0, 3, records(1, 0)), 4, 0, &config)
        .expect("sequence 3 again");
    assert!(!log.truncate_to(o(10)), "above the log end nothing happens");
}

#[test]
fn a_truncation_inside_a_batch_leaves_a_hole_the_log_remembers_past_its_log_start() {
    let mut log = new_log();
    let config = LogConfig::default();
    append(&mut log, &plain(records(3, 0)), 0, &config);
    append(&mut log, &plain(records(4, 0)), 0, &config);
    // Offset 5 is inside the batch 3..6: the whole batch goes, the log end becomes 5.
    assert!(log.truncate_to(o(5)));
    assert_eq!(offsets(&log), vec![0, 1, 2]);
    assert_eq!(log.log_end_offset(), o(5));
    append(&mut log, &plain(records(2, 0)), 0, &config);
    assert_eq!(offsets(&log), vec![0, 1, 2, 5, 6]);
    let holes = log.truncation_holes().to_vec();
    assert_eq!(holes, vec![(o(3), o(5))]);
    // A follower that copied this log from offset 0 holds the hole too, whatever this log's
    // start offset becomes: the hole stays on record.
    log.maybe_increment_log_start_offset(
        o(6),
        kplay_core::log::LogStartOffsetIncrementReason::ClientRecordDeletion,
        o(7),
    )
    .expect("below the high watermark");
    assert_eq!(log.truncation_holes(), holes);
}

// A follower that reads on from its leader's first batch after such a hole (legacy truncation
// to the high watermark) holds the gap, and records it itself: the leader may truncate its own
// record of it away (the sweep's seed 6541).
#[test]
fn a_follower_that_copies_a_leaders_hole_records_it_too() {
    let config = LogConfig::default();
    let mut leader = new_log();
    append(&mut leader, &plain(records(3, 0)), 0, &config);
    append(&mut leader, &plain(records(4, 0)), 0, &config);
    assert!(leader.truncate_to(o(5)));
    append(&mut leader, &plain(records(2, 0)), 0, &config);
    let mut follower = new_log();
    let batches: Vec<_> = leader.batches().cloned().collect();
    follower
        .append_as_follower(&batches[..1], &config, 0)
        .expect("from 0");
    follower
        .append_as_follower(&batches[1..], &config, 0)
        .expect("past the gap");
    assert_eq!(offsets(&follower), vec![0, 1, 2, 5, 6]);
    assert_eq!(follower.truncation_holes(), [(o(3), o(5))]);
    assert!(leader.truncate_to(o(3)));
    assert!(leader.truncation_holes().is_empty());
    assert_eq!(follower.truncation_holes(), [(o(3), o(5))]);
}

// UnifiedLogTest.testTruncateFullyAndStartAt
#[test]
fn truncate_fully_starts_an_empty_log_at_the_offset() {
    let mut log = new_log();
    append(
        &mut log,
        &idempotent(7, 0, 0, records(3, 0)),
        0,
        &LogConfig::default(),
    );
    log.truncate_fully_and_start_at(o(100));
    assert_eq!(
        (log.log_start_offset(), log.log_end_offset()),
        (o(100), o(100))
    );
    assert_eq!(segment_bases(&log), vec![100]);
    assert!(log.producer_states().is_empty());
    assert!(log.epoch_entries().is_empty());
    append(&mut log, &plain(records(1, 0)), 0, &LogConfig::default());
    assert_eq!(offsets(&log), vec![100]);
}

// ProducerStateManagerTest.testProducerIdExpirationTimeout
#[test]
fn idle_producers_expire_after_producer_id_expiration_ms() {
    let mut log = new_log();
    let config = LogConfig {
        producer_id_expiration_ms: 1_000,
        ..LogConfig::default()
    };
    append(
        &mut log,
        &idempotent(7, 0, 0, records(1, 100)),
        100,
        &config,
    );
    append(
        &mut log,
        &transactional(8, 0, 0, records(1, 100)),
        100,
        &config,
    );
    assert_eq!(log.remove_expired_producers(1_099, &config), 0);
    assert_eq!(log.remove_expired_producers(1_100, &config), 1);
    assert!(
        log.producer_states().contains_key(&ProducerId(8)),
        "open transactions never expire"
    );
}

// The memory budget: at most 64 bytes per stored record beyond its key and value bytes, for
// 100,000 records of 10-byte keys and 100-byte values in ~16 KiB batches.
#[test]
fn a_stored_record_costs_at_most_64_bytes_beyond_key_and_value() {
    let mut log = PartitionLog::new(tp(), 0);
    let config = LogConfig::default();
    let value = [b'v'; 100];
    let mut key_value_bytes: i64 = 0;
    let mut produced = 0;
    while produced < 100_000 {
        let mut builder = RecordSetBuilder::new();
        while builder.uncompressed_size_in_bytes() < 16 * 1024 - 130 && produced < 100_000 {
            let key = format!("key-{produced:06}");
            builder.push(0, Some(key.as_bytes()), Some(&value), &[]);
            key_value_bytes += 110;
            produced += 1;
        }
        append(&mut log, &plain(Arc::new(builder.build())), 0, &config);
    }
    let batch_count = log.batches().count();
    let records_bytes: i64 = log
        .batches()
        .map(|batch| batch.records.memory_size_in_bytes())
        .sum();
    // Per batch: the RecordBatch and RecordSet behind their Arcs (two 16-byte counters) and
    // the segment's pointer to it.
    let arc_counters = 2 * 16;
    let per_batch = std::mem::size_of::<kplay_core::log::RecordBatch>() + arc_counters + 8;
    let total = records_bytes + i64::try_from(per_batch * batch_count).expect("fits");
    let overhead_per_record = (total - key_value_bytes) as f64 / 100_000.0;
    println!(
        "bytes per stored record beyond key and value: {overhead_per_record:.2} \
         ({batch_count} batches)"
    );
    assert!(overhead_per_record <= 64.0, "{overhead_per_record}");
}
