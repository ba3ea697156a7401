//! Offsets retention (KIP-211; `GroupCoordinatorShard.cleanupGroupMetadata`,
//! `OffsetMetadataManager.cleanupExpiredOffsets`, `OffsetExpirationConditionImpl`).
//!
//! Every `offsets.retention.check.interval.ms` the coordinator looks for expired offsets:
//! - of an Empty consumer group, all offsets expire `offsets.retention.minutes` after the group
//!   became Empty;
//! - of a Stable consumer group, only offsets of topics no member subscribes to expire, counted
//!   from their commit;
//! - of a "simple" group (no membership, e.g. `assign()` consumers), each offset expires
//!   `offsets.retention.minutes` after its commit.
//!
//! Offsets with a pending transactional commit never expire. Expired offsets are deleted with
//! tombstones; an Empty group whose offsets all expired is deleted too.

use crate::ids::TopicPartition;

use super::events::GroupEvent;
use super::group::ClassicGroup;
use super::member::CONSUMER_PROTOCOL_TYPE;
use super::offsets::{CommittedOffset, OffsetStore};
use super::records::CoordinatorRecord;
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;
use super::writes::WriteCompletion;

impl GroupShard {
    /// The periodic cleanup.
    pub(crate) fn cleanup_group_metadata(&mut self, rt: &mut ShardCtx) {
        let now_ms = rt.clock_ms();
        let retention_ms = rt.settings.offsets_retention_ms;
        let group_ids: Vec<String> = self.groups.keys().cloned().collect();
        let mut records = Vec::new();
        for group_id in group_ids {
            let Some(group) = self.groups.get(&group_id) else {
                continue;
            };
            let (expired, all_expired) =
                expired_offsets(group, &self.offsets, now_ms, retention_ms);
            for partition in &expired {
                self.offsets.remove(&group_id, partition);
                records.push(CoordinatorRecord::OffsetCommit {
                    group: group_id.clone(),
                    partition: partition.clone(),
                    value: None,
                });
            }
            if !expired.is_empty() {
                rt.emit(GroupEvent::OffsetsExpired {
                    group: group_id.clone(),
                    coordinator: rt.broker,
                    partitions: expired,
                    retention_ms,
                });
            }
            if all_expired && group.is(GroupState::Empty) {
                self.groups.remove(&group_id);
                records.push(CoordinatorRecord::GroupMetadata {
                    group: group_id.clone(),
                    value: None,
                });
                rt.emit(GroupEvent::GroupRemoved {
                    group: group_id,
                    coordinator: rt.broker,
                    deleted_by_admin: false,
                });
            }
        }
        rt.write(records, None, WriteCompletion::None);
        self.schedule_retention_check(rt);
    }
}

impl GroupShard {
    /// `OffsetMetadataManager.onPartitionsDeleted`: the offsets of a deleted topic go, with
    /// tombstones.
    pub(crate) fn delete_topic_offsets(&mut self, rt: &mut ShardCtx, topic: &str) {
        let records: Vec<CoordinatorRecord> = self
            .offsets
            .partitions_of_topic(topic)
            .into_iter()
            .map(|(group, partition)| {
                self.offsets.remove(&group, &partition);
                CoordinatorRecord::OffsetCommit {
                    group,
                    partition,
                    value: None,
                }
            })
            .collect();
        rt.write(records, None, WriteCompletion::None);
    }
}

/// The offsets of `group` that expired, and whether none is left (and no transaction is open).
pub fn expired_offsets(
    group: &ClassicGroup,
    offsets: &OffsetStore,
    now_ms: i64,
    retention_ms: i64,
) -> (Vec<TopicPartition>, bool) {
    let Some(committed) = offsets.group(&group.group_id) else {
        return (Vec::new(), true);
    };
    let mut expired = Vec::new();
    let mut all_expired = true;
    for (partition, offset) in committed {
        let is_expired = !group.is_subscribed_to_topic(&partition.topic)
            && expiration_base_ms(group, offset)
                .is_some_and(|base_ms| now_ms.saturating_sub(base_ms) >= retention_ms)
            && !offsets.has_pending(&group.group_id, partition);
        if is_expired {
            expired.push(partition.clone());
        } else {
            all_expired = false;
        }
    }
    let all_expired = all_expired && !offsets.has_open_transaction(&group.group_id);
    (expired, all_expired)
}

/// `ClassicGroup.offsetExpirationCondition`: from when an offset's retention counts, if it
/// may expire at all.
fn expiration_base_ms(group: &ClassicGroup, offset: &CommittedOffset) -> Option<i64> {
    match group.protocol_type.as_deref() {
        None => Some(offset.commit_timestamp_ms),
        Some(_) if group.is(GroupState::Empty) => Some(
            group
                .state_timestamp_ms
                .unwrap_or(offset.commit_timestamp_ms),
        ),
        Some(CONSUMER_PROTOCOL_TYPE)
            if group.subscribed_topics.is_some() && group.is(GroupState::Stable) =>
        {
            Some(offset.commit_timestamp_ms)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Offset;

    fn offset(commit_timestamp_ms: i64) -> CommittedOffset {
        CommittedOffset {
            offset: Offset(1),
            leader_epoch: None,
            metadata: String::new(),
            commit_timestamp_ms,
            record_offset: Offset(0),
        }
    }

    // OffsetExpirationConditionImplTest / GroupMetadataManagerTest.testOffsetExpiration...:
    // a simple group's offsets expire retention after their commit.
    #[test]
    fn a_simple_groups_offsets_expire_after_their_commit() {
        let group = ClassicGroup::new("g", 0);
        let mut store = OffsetStore::default();
        store.put("g", TopicPartition::new("t", 0), offset(100));
        store.put("g", TopicPartition::new("t", 1), offset(500));
        let (expired, all) = expired_offsets(&group, &store, 1_100, 1_000);
        assert_eq!(expired, vec![TopicPartition::new("t", 0)]);
        assert!(!all);
        let (expired, all) = expired_offsets(&group, &store, 1_500, 1_000);
        assert_eq!(expired.len(), 2);
        assert!(all);
    }

    // KIP-211: an Empty consumer group's offsets expire retention after it became Empty.
    #[test]
    fn an_empty_consumer_groups_offsets_expire_after_it_became_empty() {
        let mut group = ClassicGroup::new("g", 0);
        group.protocol_type = Some(CONSUMER_PROTOCOL_TYPE.into());
        group.state_timestamp_ms = Some(5_000);
        group.subscribed_topics = Some(Default::default());
        let mut store = OffsetStore::default();
        store.put("g", TopicPartition::new("t", 0), offset(100));
        assert!(expired_offsets(&group, &store, 5_999, 1_000).0.is_empty());
        assert_eq!(expired_offsets(&group, &store, 6_000, 1_000).0.len(), 1);
    }

    #[test]
    fn pending_transactional_offsets_keep_the_group() {
        let group = ClassicGroup::new("g", 0);
        let mut store = OffsetStore::default();
        store.put("g", TopicPartition::new("t", 0), offset(0));
        store.put_pending(
            crate::ids::ProducerId(1),
            "g",
            TopicPartition::new("t", 0),
            offset(0),
        );
        let (expired, all) = expired_offsets(&group, &store, 10_000, 1_000);
        assert!(expired.is_empty());
        assert!(!all);
    }
}
