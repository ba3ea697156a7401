//! Property test: random sequences of appends (plain, idempotent, transactional, markers),
//! follower copies, truncations, log start offset moves, retention and cleaning keep the log's
//! invariants.
//!
//! Invariants checked after every step:
//! - stored offsets strictly increase, and every batch ends below the log end offset;
//! - the log start offset is at or above the first segment's base offset, and a segment that
//!   starts above the log start offset holds nothing below it (Kafka deletes whole segments, so
//!   segments starting at or below a log start offset moved by DeleteRecords keep their
//!   batches until retention runs);
//! - segment base offsets strictly increase and each segment's batches lie in its range;
//! - the log size is the sum of its segments' and batches' sizes;
//! - leader epochs increase, their start offsets never decrease and stay at or below the log
//!   end offset;
//! - a follower that copies the leader's batches reaches the same log end offset and, without
//!   compaction (each replica cleans on its own), holds the same offsets.

mod log_support;

use kplay_core::kinds::CleanupPolicy;
use kplay_core::log::{
    ControlType, LogConfig, LogStartOffsetIncrementReason, PartitionLog, ProducedBatch,
};
use kplay_core::{Offset, ProducerId};
use log_support::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Append { keys: Vec<u8>, tombstone: bool },
    Idempotent { producer: u8, count: u8 },
    Transaction { producer: u8, count: u8 },
    EndTransaction { producer: u8, commit: bool },
    NewLeaderEpoch,
    Truncate { per_mille: u16 },
    IncrementLogStart { per_mille: u16 },
    Retention { advance_ms: u16 },
    Clean { advance_ms: u16 },
    FollowerCatchUp,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (proptest::collection::vec(0_u8..6, 1..4), any::<bool>())
            .prop_map(|(keys, tombstone)| Step::Append { keys, tombstone }),
        2 => (0_u8..3, 1_u8..4).prop_map(|(producer, count)| Step::Idempotent { producer, count }),
        1 => (0_u8..3, 1_u8..3).prop_map(|(producer, count)| Step::Transaction { producer, count }),
        1 => (0_u8..3, any::<bool>()).prop_map(|(producer, commit)| Step::EndTransaction { producer, commit }),
        1 => Just(Step::NewLeaderEpoch),
        1 => (0_u16..=1000).prop_map(|per_mille| Step::Truncate { per_mille }),
        1 => (0_u16..=1000).prop_map(|per_mille| Step::IncrementLogStart { per_mille }),
        1 => (0_u16..3000).prop_map(|advance_ms| Step::Retention { advance_ms }),
        1 => (0_u16..3000).prop_map(|advance_ms| Step::Clean { advance_ms }),
        1 => Just(Step::FollowerCatchUp),
    ]
}

struct World {
    leader: PartitionLog,
    follower: PartitionLog,
    config: LogConfig,
    now_ms: i64,
    epoch: i32,
}

impl World {
    fn new(compact: bool) -> World {
        let config = LogConfig {
            segment_bytes: 300,
            retention_ms: 2_000,
            retention_bytes: 1_500,
            delete_retention_ms: 1_000,
            min_cleanable_dirty_ratio: 0.2,
            cleanup_policy: CleanupPolicy {
                delete: true,
                compact,
            },
            ..LogConfig::default()
        };
        World {
            leader: new_log(),
            follower: new_log(),
            config,
            now_ms: 0,
            epoch: 0,
        }
    }

    /// The high watermark: the leader's log end offset (a single in-sync replica).
    fn high_watermark(&self) -> Offset {
        self.leader.log_end_offset()
    }

    fn offset_at(&self, per_mille: u16) -> Offset {
        let start = self.leader.log_start_offset().0;
        let end = self.leader.log_end_offset().0;
        Offset(start + (end - start) * i64::from(per_mille) / 1000)
    }

    /// A batch boundary near `per_mille` of the way from log start to log end: replicas
    /// truncate to epoch end offsets or high watermarks, which are batch boundaries (truncating
    /// inside a batch drops the batch and leaves the log end offset past the data, as
    /// `LocalLog.truncateTo` does).
    fn batch_boundary_at(&self, per_mille: u16) -> Offset {
        let target = self.offset_at(per_mille);
        self.leader
            .batches()
            .map(|batch| batch.base_offset)
            .find(|base| *base >= target)
            .unwrap_or(self.leader.log_end_offset())
    }

    fn next_sequence(&self, producer: u8) -> i32 {
        self.leader
            .producer_states()
            .get(&ProducerId(i64::from(producer)))
            .map_or(0, |entry| entry.last_seq() + 1)
    }

    fn append(&mut self, batch: &ProducedBatch) {
        // Refusals (e.g. a plain write inside an open transaction) are fine; they must not
        // change anything, which the invariants then see.
        let before = self.leader.clone();
        if self
            .leader
            .append_as_leader(batch, self.epoch, self.now_ms, &self.config)
            .is_err()
        {
            assert_eq!(self.leader, before, "a refused append changed the log");
        }
    }

    fn apply(&mut self, step: &Step) {
        self.now_ms += 10;
        match step {
            Step::Append { keys, tombstone } => {
                let pairs: Vec<(String, Option<&str>)> = keys
                    .iter()
                    .map(|key| (format!("key-{key}"), (!tombstone).then_some("value")))
                    .collect();
                let refs: Vec<(&str, Option<&str>)> = pairs
                    .iter()
                    .map(|(key, value)| (key.as_str(), *value))
                    .collect();
                self.append(&plain(keyed(&refs, self.now_ms)));
            }
            Step::Idempotent { producer, count } => {
                let sequence = self.next_sequence(*producer);
                let batch = idempotent(
                    i64::from(*producer),
                    0,
                    sequence,
                    records(usize::from(*count), self.now_ms),
                );
                self.append(&batch);
            }
            Step::Transaction { producer, count } => {
                let sequence = self.next_sequence(*producer);
                let batch = transactional(
                    i64::from(*producer),
                    0,
                    sequence,
                    records(usize::from(*count), self.now_ms),
                );
                self.append(&batch);
            }
            Step::EndTransaction { producer, commit } => {
                let control = if *commit {
                    ControlType::Commit
                } else {
                    ControlType::Abort
                };
                let result = self.leader.append_control_batch(
                    control,
                    ProducerId(i64::from(*producer)),
                    0,
                    0,
                    self.epoch,
                    self.now_ms,
                    &self.config,
                );
                assert!(result.is_ok(), "{result:?}");
            }
            Step::NewLeaderEpoch => {
                self.epoch += 1;
                let end = self.leader.log_end_offset();
                self.leader.assign_epoch_start_offset(self.epoch, end);
            }
            Step::Truncate { per_mille } => {
                // Followers truncate (KIP-101); a compacted leader is left alone, since
                // truncating it below its cleaned data would leave offsets no fetch can reach.
                let target = self.batch_boundary_at(*per_mille);
                if !self.config.cleanup_policy.compact {
                    self.leader.truncate_to(target);
                }
                self.follower.truncate_to(target);
            }
            Step::IncrementLogStart { per_mille } => {
                let target = self.offset_at(*per_mille);
                let high_watermark = self.high_watermark();
                let moved = self.leader.maybe_increment_log_start_offset(
                    target,
                    LogStartOffsetIncrementReason::ClientRecordDeletion,
                    high_watermark,
                );
                assert!(moved.is_ok(), "{moved:?}");
            }
            Step::Retention { advance_ms } => {
                self.now_ms += i64::from(*advance_ms);
                let high_watermark = self.high_watermark();
                self.leader
                    .delete_old_segments(high_watermark, self.now_ms, &self.config);
            }
            Step::Clean { advance_ms } => {
                self.now_ms += i64::from(*advance_ms);
                self.leader.on_high_watermark_updated(self.high_watermark());
                let last_stable = self.leader.last_stable_offset(self.high_watermark());
                self.leader.clean(last_stable, self.now_ms, &self.config);
            }
            Step::FollowerCatchUp => self.follower_catch_up(),
        }
    }

    /// The follower copies what it lacks, or restarts at the leader's log start offset.
    fn follower_catch_up(&mut self) {
        let leader_start = self.leader.log_start_offset();
        if self.follower.log_end_offset() < leader_start
            || self.follower.log_end_offset() > self.leader.log_end_offset()
        {
            self.follower.truncate_fully_and_start_at(leader_start);
        }
        // A fetch reads from one segment at a time, as Kafka's does: fetch until caught up.
        while self.follower.log_end_offset() < self.leader.log_end_offset() {
            let from = self.follower.log_end_offset();
            let fetched = self
                .leader
                .read(from, i32::MAX, self.leader.log_end_offset())
                .unwrap_or_default();
            if fetched.is_empty() {
                break;
            }
            let copied = self
                .follower
                .append_as_follower(&fetched, &self.config, self.now_ms);
            assert!(copied.is_ok(), "{copied:?}");
        }
    }
}

fn check_invariants(log: &PartitionLog) {
    let start = log.log_start_offset();
    let end = log.log_end_offset();
    let segments = log.segments();
    assert!(!segments.is_empty());
    assert!(
        start >= segments[0].base_offset(),
        "log start below the first segment"
    );
    let mut previous_offset = i64::MIN;
    let mut size = 0;
    for (index, segment) in segments.iter().enumerate() {
        let next_base = segments.get(index + 1).map(|next| next.base_offset());
        if let Some(next_base) = next_base {
            assert!(segment.base_offset() < next_base, "segment bases increase");
        }
        let batch_bytes: i64 = segment
            .batches()
            .iter()
            .map(|batch| i64::from(batch.size_in_bytes))
            .sum();
        assert_eq!(segment.size_in_bytes(), batch_bytes);
        size += batch_bytes;
        for batch in segment.batches() {
            assert!(batch.base_offset >= segment.base_offset());
            assert!(batch.last_offset() < end, "batch beyond the log end offset");
            assert!(next_base.is_none_or(|base| batch.last_offset() < base));
            for (offset, _) in batch.records() {
                assert!(offset.0 > previous_offset, "offsets strictly increase");
                assert!(offset >= batch.base_offset && offset <= batch.last_offset());
                assert!(
                    segment.base_offset() <= start || offset >= start,
                    "a segment starting above the log start holds an offset below it"
                );
                previous_offset = offset.0;
            }
        }
    }
    assert_eq!(log.size_in_bytes(), size);
    let epochs = log.epoch_entries();
    for pair in epochs.windows(2) {
        assert!(pair[0].epoch < pair[1].epoch);
        assert!(pair[0].start_offset <= pair[1].start_offset);
    }
    assert!(epochs.iter().all(|entry| entry.start_offset <= end));
}

fn offsets_from(log: &PartitionLog, from: Offset) -> Vec<i64> {
    offsets(log)
        .into_iter()
        .filter(|offset| *offset >= from.0)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_operations_keep_the_log_invariants(
        compact in any::<bool>(),
        steps in proptest::collection::vec(step(), 1..80),
    ) {
        let mut world = World::new(compact);
        for step in &steps {
            world.apply(step);
            check_invariants(&world.leader);
            check_invariants(&world.follower);
        }
        world.follower_catch_up();
        let from = world.follower.log_start_offset().max(world.leader.log_start_offset());
        prop_assert_eq!(world.follower.log_end_offset(), world.leader.log_end_offset());
        if !compact {
            // Each replica cleans on its own, so only uncompacted logs hold the same offsets.
            prop_assert_eq!(offsets_from(&world.follower, from), offsets_from(&world.leader, from));
        }
    }
}
