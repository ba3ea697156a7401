//! Replica truncation: `UnifiedLog.truncateTo` and `truncateFullyAndStartAt`.
//!
//! A follower truncates when it learns where its log diverged from the new leader's (KIP-101,
//! KIP-279), or to its high watermark in the older protocol. Truncation drops whole batches (a
//! batch straddling the target goes with it, as `LogSegment.truncateTo` cuts at a batch
//! position), then fixes the leader epoch cache, the transaction index, the cleaner checkpoint
//! and the producer state, which is rebuilt from the newest snapshot at or below the target plus
//! a replay of the batches after it (`rebuildProducerState`).

use super::producer_state::AppendOrigin;
use super::segment::LogSegment;
use super::PartitionLog;
use crate::ids::Offset;

impl PartitionLog {
    /// Drops every batch at or above `offset`; the log end offset becomes `offset`. Returns
    /// whether anything was dropped. At or above the log end offset only the epoch cache is
    /// trimmed (a conflicting entry may sit at the log end). A negative offset is ignored
    /// (Kafka throws `IllegalArgumentException`).
    pub fn truncate_to(&mut self, offset: Offset) -> bool {
        if offset.0 < 0 {
            return false;
        }
        if offset >= self.log_end_offset {
            self.epoch_cache.truncate_from_end(self.log_end_offset);
            return false;
        }
        if self.segments[0].base_offset() > offset {
            self.truncate_fully_and_start_at(offset);
            return true;
        }
        self.segments
            .retain(|segment| segment.base_offset() <= offset);
        if let Some(active) = self.segments.last_mut() {
            active.truncate_to(offset);
        }
        self.recompute_size();
        let kept_end = self
            .batches()
            .last()
            .map_or(self.log_start_offset, |batch| batch.next_offset());
        self.truncation_holes.retain(|(from, _)| *from < offset);
        if kept_end < offset {
            self.truncation_holes.push((kept_end, offset));
        }
        self.log_end_offset = offset;
        self.epoch_cache.truncate_from_end(offset);
        self.log_start_offset = self.log_start_offset.min(offset);
        self.aborted_txns.retain(|txn| txn.last_offset < offset);
        if self
            .cleaner_checkpoint
            .is_some_and(|checkpoint| checkpoint > offset)
        {
            self.cleaner_checkpoint = Some(offset);
        }
        self.rebuild_producer_state(offset);
        true
    }

    /// Deletes everything and starts an empty log at `offset` (a follower too far behind the
    /// leader's log start offset). A negative offset is ignored.
    pub fn truncate_fully_and_start_at(&mut self, offset: Offset) {
        if offset.0 < 0 {
            return;
        }
        let now_ms = self.active_segment().last_modified_ms();
        self.segments = vec![LogSegment::new(offset, now_ms)];
        self.size_in_bytes = 0;
        self.log_start_offset = offset;
        self.log_end_offset = offset;
        self.epoch_cache.clear();
        self.producer_state.clear();
        self.aborted_txns.clear();
        self.cleaner_checkpoint = None;
        self.truncation_holes.clear();
    }

    /// `rebuildProducerState`: reload the newest snapshot at or below `offset`, then replay the
    /// batches from the snapshot (or the log start) up to `offset` as replication would.
    fn rebuild_producer_state(&mut self, offset: Offset) {
        let replay_from = self
            .producer_state
            .truncate_and_reload(offset)
            .unwrap_or(Offset(i64::MIN));
        let batches = self.segments.iter().flat_map(|segment| segment.batches());
        for batch in batches {
            if batch.base_offset < replay_from || !batch.has_producer_id() {
                continue;
            }
            let prepared = self.producer_state.prepare(
                batch,
                AppendOrigin::Replication,
                &self.topic_partition,
            );
            if let Ok(info) = prepared {
                self.producer_state.update(info);
            }
        }
    }
}
