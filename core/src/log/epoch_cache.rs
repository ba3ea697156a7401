//! The leader epoch cache (KIP-101, KIP-279): which leader epoch started at which offset.
//!
//! Mirrors Kafka's `LeaderEpochFileCache` (`org.apache.kafka.storage.internals.epoch`): entries
//! `(epoch, start offset)` with epochs strictly increasing and start offsets non-decreasing.
//! `end_offset_for` answers `OffsetsForLeaderEpoch` exactly as `endOffsetFor` does, which lets a
//! follower truncate to the point where its log diverged from the new leader's. Simplification:
//! no checkpoint file; the cache lives in memory with the log.

use serde::{Deserialize, Serialize};

use crate::ids::Offset;

/// `OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH`.
pub const UNDEFINED_EPOCH: i32 = -1;

/// One entry: the first offset written in `epoch` (`EpochEntry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EpochEntry {
    /// The leader epoch.
    pub epoch: i32,
    /// The offset of the first batch the leader of that epoch appended.
    pub start_offset: Offset,
}

/// The leader epoch cache of one replica.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaderEpochCache {
    entries: Vec<EpochEntry>,
}

impl LeaderEpochCache {
    /// The entries, oldest epoch first.
    pub fn entries(&self) -> &[EpochEntry] {
        &self.entries
    }

    /// The latest entry's epoch (`latestEpoch`).
    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|entry| entry.epoch)
    }

    /// `LeaderEpochFileCache.assign`: records that `epoch` starts at `start_offset`. Nothing
    /// changes when the latest entry already has this epoch at or below that offset. Entries
    /// that would break monotonicity (an epoch at or above `epoch`, or a start offset at or above
    /// `start_offset`) are removed first. A negative epoch or offset is ignored (Kafka throws).
    pub fn assign(&mut self, epoch: i32, start_offset: Offset) {
        if epoch < 0 || start_offset.0 < 0 || !self.is_update_needed(epoch, start_offset) {
            return;
        }
        while let Some(last) = self.entries.last() {
            if last.epoch >= epoch || last.start_offset >= start_offset {
                self.entries.pop();
            } else {
                break;
            }
        }
        self.entries.push(EpochEntry {
            epoch,
            start_offset,
        });
    }

    fn is_update_needed(&self, epoch: i32, start_offset: Offset) -> bool {
        self.entries
            .last()
            .is_none_or(|latest| epoch != latest.epoch || start_offset < latest.start_offset)
    }

    /// `LeaderEpochFileCache.endOffsetFor`: the largest epoch at or below `requested_epoch` and
    /// the offset where it ended (the next epoch's start offset, or `log_end_offset` for the
    /// latest epoch). `(UNDEFINED_EPOCH, None)` when the requested epoch is undefined or newer
    /// than every cached epoch; for an epoch older than every cached one, the requested epoch
    /// and the first cached start offset.
    pub fn end_offset_for(
        &self,
        requested_epoch: i32,
        log_end_offset: Offset,
    ) -> (i32, Option<Offset>) {
        if requested_epoch == UNDEFINED_EPOCH {
            return (UNDEFINED_EPOCH, None);
        }
        if self.latest_epoch() == Some(requested_epoch) {
            return (requested_epoch, Some(log_end_offset));
        }
        let Some(higher) = self
            .entries
            .iter()
            .find(|entry| entry.epoch > requested_epoch)
        else {
            return (UNDEFINED_EPOCH, None);
        };
        match self
            .entries
            .iter()
            .rev()
            .find(|entry| entry.epoch <= requested_epoch)
        {
            None => (requested_epoch, Some(higher.start_offset)),
            Some(floor) => (floor.epoch, Some(higher.start_offset)),
        }
    }

    /// `truncateFromEnd`: removes every entry starting at or after `end_offset` (truncation).
    pub fn truncate_from_end(&mut self, end_offset: Offset) {
        if end_offset.0 < 0 {
            return;
        }
        self.entries.retain(|entry| entry.start_offset < end_offset);
    }

    /// `truncateFromStart`: removes entries starting at or before `start_offset`, keeping the
    /// last of them re-based to `start_offset` (the log start offset moved).
    pub fn truncate_from_start(&mut self, start_offset: Offset) {
        let removed = self
            .entries
            .partition_point(|entry| entry.start_offset <= start_offset);
        if removed == 0 {
            return;
        }
        let first = EpochEntry {
            epoch: self.entries[removed - 1].epoch,
            start_offset,
        };
        self.entries.drain(..removed);
        self.entries.insert(0, first);
    }

    /// `epochForOffset`: the epoch an offset was written in, if the cache knows.
    pub fn epoch_for_offset(&self, offset: Offset) -> Option<i32> {
        let mut previous = None;
        for entry in &self.entries {
            if entry.start_offset == offset {
                return Some(entry.epoch);
            }
            if entry.start_offset > offset {
                return previous;
            }
            previous = Some(entry.epoch);
        }
        previous
    }

    /// Removes every entry (`clearAndFlush`).
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    //! Cases of Kafka's `LeaderEpochFileCacheTest`.
    use super::*;

    fn cache_of(entries: &[(i32, i64)]) -> LeaderEpochCache {
        let mut cache = LeaderEpochCache::default();
        for (epoch, offset) in entries {
            cache.assign(*epoch, Offset(*offset));
        }
        cache
    }

    fn pairs(cache: &LeaderEpochCache) -> Vec<(i32, i64)> {
        cache
            .entries()
            .iter()
            .map(|entry| (entry.epoch, entry.start_offset.0))
            .collect()
    }

    #[test]
    fn should_add_epoch_and_message_offset_to_cache() {
        let cache = cache_of(&[(2, 10)]);
        assert_eq!(pairs(&cache), vec![(2, 10)]);
        assert_eq!(cache.end_offset_for(2, Offset(11)), (2, Some(Offset(11))));
    }

    #[test]
    fn should_not_overwrite_offset_for_a_leader_epoch_once_set() {
        let cache = cache_of(&[(2, 6), (2, 7), (2, 8)]);
        assert_eq!(pairs(&cache), vec![(2, 6)]);
    }

    #[test]
    fn should_return_undefined_for_epoch_newer_than_any_known() {
        let cache = cache_of(&[(2, 5)]);
        assert_eq!(cache.end_offset_for(3, Offset(10)), (UNDEFINED_EPOCH, None));
        assert_eq!(
            cache.end_offset_for(UNDEFINED_EPOCH, Offset(10)),
            (UNDEFINED_EPOCH, None)
        );
    }

    #[test]
    fn should_return_first_epoch_start_for_requested_epoch_older_than_any_known() {
        let cache = cache_of(&[(5, 11), (6, 12), (7, 13)]);
        assert_eq!(cache.end_offset_for(4, Offset(20)), (4, Some(Offset(11))));
    }

    #[test]
    fn should_return_next_epoch_start_for_unknown_epoch_between_known_ones() {
        // testReturnLogEndOffsetWhenRequestedEpochIsLatest / testGetsNextEpochOnGap
        let cache = cache_of(&[(2, 100), (4, 200), (6, 300)]);
        assert_eq!(cache.end_offset_for(2, Offset(400)), (2, Some(Offset(200))));
        assert_eq!(cache.end_offset_for(3, Offset(400)), (2, Some(Offset(200))));
        assert_eq!(cache.end_offset_for(5, Offset(400)), (4, Some(Offset(300))));
        assert_eq!(cache.end_offset_for(6, Offset(400)), (6, Some(Offset(400))));
    }

    #[test]
    fn should_truncate_conflicting_entries_on_assign() {
        // shouldPreserveResetOffsetOnClearEarliestIfOneExists is similar; here a new epoch at a
        // lower offset removes later entries (testAssignWithNonMonotonic...)
        let mut cache = cache_of(&[(2, 6), (3, 8), (4, 11)]);
        cache.assign(5, Offset(9));
        assert_eq!(pairs(&cache), vec![(2, 6), (3, 8), (5, 9)]);
        cache.assign(4, Offset(20));
        assert_eq!(pairs(&cache), vec![(2, 6), (3, 8), (4, 20)]);
    }

    #[test]
    fn should_truncate_from_end() {
        let mut cache = cache_of(&[(2, 6), (3, 8), (4, 11)]);
        cache.truncate_from_end(Offset(9));
        assert_eq!(pairs(&cache), vec![(2, 6), (3, 8)]);
        cache.truncate_from_end(Offset(8));
        assert_eq!(pairs(&cache), vec![(2, 6)]);
    }

    #[test]
    fn should_truncate_from_start_and_rebase_the_first_entry() {
        let mut cache = cache_of(&[(2, 6), (3, 8), (4, 11)]);
        cache.truncate_from_start(Offset(9));
        assert_eq!(pairs(&cache), vec![(3, 9), (4, 11)]);
        cache.truncate_from_start(Offset(11));
        assert_eq!(pairs(&cache), vec![(4, 11)]);
        cache.truncate_from_start(Offset(5));
        assert_eq!(pairs(&cache), vec![(4, 11)]);
    }

    #[test]
    fn epoch_for_offset_finds_the_covering_epoch() {
        let cache = cache_of(&[(2, 6), (3, 8)]);
        assert_eq!(cache.epoch_for_offset(Offset(5)), None);
        assert_eq!(cache.epoch_for_offset(Offset(7)), Some(2));
        assert_eq!(cache.epoch_for_offset(Offset(8)), Some(3));
        assert_eq!(cache.epoch_for_offset(Offset(100)), Some(3));
    }
}
