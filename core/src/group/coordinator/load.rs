//! Loading a shard from its `__consumer_offsets` partition (Kafka's `CoordinatorLoaderImpl`
//! replaying records into `GroupCoordinatorShard.replay`), and what happens once it is loaded
//! (`GroupMetadataManager.onLoaded`).
//!
//! The new leader reads its own replica of the partition from start to end: each group record
//! replaces the group (a tombstone deletes it), each offset record sets or deletes a committed
//! offset, a transactional offset record is pending until its producer's marker (COMMIT makes
//! it committed, ABORT drops it). So a coordinator failover keeps every replicated commit and
//! the group's generation, members and assignment. Loaded members get a fresh session timeout:
//! those that do not heartbeat the new coordinator in time are removed.

use crate::ids::{Offset, ProducerId};
use crate::log::{ControlType, PartitionLog};

use super::group::ClassicGroup;
use super::member::ClassicGroupMember;
use super::offsets::CommittedOffset;
use super::records::{CoordinatorRecord, GroupMetadataValue};
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;
use super::CoordinatorTimer;

impl GroupShard {
    /// Replays every record of `log`.
    pub(crate) fn replay_log(&mut self, log: &PartitionLog, now_ms: i64) {
        for batch in log.batches() {
            if let Some(control) = batch.control {
                self.offsets
                    .complete_transaction(batch.producer_id, control == ControlType::Commit);
                continue;
            }
            let producer = batch.is_transactional.then_some(batch.producer_id);
            for (offset, record) in batch.records() {
                let Some(key) = record.key else {
                    continue;
                };
                if let Some(decoded) = CoordinatorRecord::decode(key, record.value) {
                    self.replay(offset, producer, decoded, now_ms);
                }
            }
        }
    }

    /// `GroupCoordinatorShard.replay` of one record.
    pub(crate) fn replay(
        &mut self,
        record_offset: Offset,
        producer: Option<ProducerId>,
        record: CoordinatorRecord,
        now_ms: i64,
    ) {
        match record {
            CoordinatorRecord::OffsetCommit {
                group,
                partition,
                value: Some(value),
            } => {
                // Offsets without group metadata belong to a "simple" group.
                self.get_or_create_group(&group, now_ms);
                let committed = CommittedOffset::from_record(&value, record_offset);
                match producer {
                    Some(producer_id) => {
                        self.offsets
                            .put_pending(producer_id, &group, partition, committed)
                    }
                    None => self.offsets.put(&group, partition, committed),
                }
            }
            CoordinatorRecord::OffsetCommit {
                group,
                partition,
                value: None,
            } => self.offsets.remove(&group, &partition),
            CoordinatorRecord::GroupMetadata {
                group,
                value: Some(value),
            } => {
                let loaded = ClassicGroup::from_record(&group, value, now_ms);
                self.groups.insert(group, loaded);
            }
            CoordinatorRecord::GroupMetadata { group, value: None } => {
                self.groups.remove(&group);
            }
        }
    }

    /// `onLoaded`: members' sessions restart, an oversized group rebalances, and the periodic
    /// offsets expiration starts.
    pub(crate) fn on_loaded(&mut self, rt: &mut ShardCtx) {
        let max_size = usize::try_from(rt.settings.group_max_size).unwrap_or(usize::MAX);
        for group in self.groups.values_mut() {
            for member_id in group.member_ids() {
                let timeout_ms = group
                    .members
                    .get(&member_id)
                    .map_or(0, |member| member.session_timeout_ms);
                group.reschedule_heartbeat(rt, &member_id, timeout_ms);
            }
            if group.members.len() > max_size {
                let reason = format!(
                    "Freshly-loaded group {} (size {}) is over capacity {}. Rebalancing in order to give a chance for consumers to commit offsets",
                    group.group_id,
                    group.members.len(),
                    rt.settings.group_max_size
                );
                group.prepare_rebalance(rt, reason);
            }
        }
        self.schedule_retention_check(rt);
    }

    /// Schedules the next `offsets.retention.check.interval.ms` check.
    pub(crate) fn schedule_retention_check(&mut self, rt: &mut ShardCtx) {
        let id = rt.next_timer_id();
        self.retention_timer = Some(id);
        let timer = CoordinatorTimer::RetentionCheck {
            partition: rt.shard_index(),
            id,
        };
        rt.schedule(rt.settings.offsets_retention_check_interval_ms, timer);
    }
}

impl ClassicGroup {
    /// A group as its metadata record describes it: Stable with its members, or Empty.
    pub fn from_record(group_id: &str, value: GroupMetadataValue, now_ms: i64) -> ClassicGroup {
        let mut group = ClassicGroup::new(group_id, now_ms);
        group.generation = value.generation;
        group.protocol = value.protocol;
        group.leader = value.leader;
        if let Some(protocol) = value.protocol {
            for member in value.members {
                group.add(ClassicGroupMember {
                    member_id: member.member_id,
                    group_instance_id: member.group_instance_id,
                    client_id: member.client_id,
                    client_host: member.client_host,
                    rebalance_timeout_ms: if member.rebalance_timeout_ms < 0 {
                        member.session_timeout_ms
                    } else {
                        member.rebalance_timeout_ms
                    },
                    session_timeout_ms: member.session_timeout_ms,
                    protocols: vec![(protocol, member.subscription)],
                    assignment: member.assignment,
                    awaiting_join: None,
                    awaiting_sync: None,
                    is_new: false,
                    heartbeat_timer: 0,
                });
            }
        }
        group.protocol_type = value.protocol_type;
        group.state = if group.has_members() {
            GroupState::Stable
        } else {
            GroupState::Empty
        };
        group.previous_state = GroupState::Dead;
        group.state_timestamp_ms = value.current_state_timestamp_ms;
        group.subscribed_topics = group.compute_subscribed_topics();
        group
    }
}
