//! Admin operations carried out on a coordinator's state: AlterConsumerGroupOffsets (what
//! `kafka-consumer-groups --reset-offsets --execute` sends) and DeleteGroups
//! (`GroupCoordinatorShard.deleteGroups`).
//!
//! Simplification, stated in the lessons: like the controller's admin operations, these are
//! decided at once on the coordinator's state (no request round trip); their records are then
//! written to `__consumer_offsets` as usual.

use crate::cluster::context::Ctx;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};

use super::events::GroupEvent;
use super::offsets::CommittedOffset;
use super::records::{CoordinatorRecord, OffsetCommitValue};
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;
use super::writes::WriteCompletion;
use super::{with_shard, CoordinatorEnv, GroupCoordinator};

/// The admin client's view of a group's state, for `--reset-offsets` and `--delete`.
pub fn group_state(shard: &GroupShard, group: &str) -> Option<GroupState> {
    shard.groups.get(group).map(|g| g.state)
}

impl GroupCoordinator {
    /// Commits `offsets` for `group` as the admin client does (generation -1, no member id):
    /// only for a group without members; creates a "simple" group if needed. `log_end_offset`
    /// is where the records will land in the offsets partition.
    pub fn admin_commit_offsets(
        &mut self,
        index: i32,
        group: &str,
        offsets: &[(TopicPartition, Offset)],
        log_end_offset: Offset,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let result = with_shard(self, index, env, ctx, |shard, rt| {
            shard.admin_commit(rt, group, offsets, log_end_offset)
        });
        result.unwrap_or_else(|| Err(KafkaError::with_default_message(ErrorCode::NotCoordinator)))
    }

    /// DeleteGroups for one group: only an Empty group; its offsets and metadata are deleted
    /// with tombstones.
    pub fn admin_delete_group(
        &mut self,
        index: i32,
        group: &str,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let result = with_shard(self, index, env, ctx, |shard, rt| {
            shard.delete_group(rt, group)
        });
        result.unwrap_or_else(|| Err(KafkaError::with_default_message(ErrorCode::NotCoordinator)))
    }
}

impl GroupShard {
    fn admin_commit(
        &mut self,
        rt: &mut ShardCtx,
        group_id: &str,
        offsets: &[(TopicPartition, Offset)],
        log_end_offset: Offset,
    ) -> Result<(), KafkaError> {
        let now_ms = rt.clock_ms();
        let group = self.get_or_create_group(group_id, now_ms);
        group
            .validate_offset_commit("", None, -1, false)
            .map_err(KafkaError::with_default_message)?;
        let mut records = Vec::new();
        for (index, (partition, offset)) in offsets.iter().enumerate() {
            let delta = i64::try_from(index).unwrap_or(i64::MAX);
            let committed = CommittedOffset {
                offset: *offset,
                leader_epoch: None,
                metadata: String::new(),
                commit_timestamp_ms: now_ms,
                record_offset: Offset(log_end_offset.0.saturating_add(delta)),
            };
            records.push(CoordinatorRecord::OffsetCommit {
                group: group_id.to_string(),
                partition: partition.clone(),
                value: Some(OffsetCommitValue {
                    offset: *offset,
                    leader_epoch: None,
                    metadata: String::new(),
                    commit_timestamp_ms: now_ms,
                }),
            });
            self.offsets.put(group_id, partition.clone(), committed);
        }
        rt.write(records, None, WriteCompletion::None);
        rt.emit(GroupEvent::OffsetsReset {
            group: group_id.to_string(),
            coordinator: rt.broker,
            offsets: offsets.to_vec(),
        });
        Ok(())
    }

    /// `validateDeleteGroup`, then the tombstones (`deleteAllOffsets`,
    /// `createGroupTombstoneRecords`).
    fn delete_group(&mut self, rt: &mut ShardCtx, group_id: &str) -> Result<(), KafkaError> {
        match group_state(self, group_id) {
            None | Some(GroupState::Dead) => {
                return Err(KafkaError::with_default_message(ErrorCode::GroupIdNotFound))
            }
            Some(GroupState::Empty) => {}
            Some(_) => return Err(KafkaError::with_default_message(ErrorCode::NonEmptyGroup)),
        }
        let mut partitions: Vec<TopicPartition> = self
            .offsets
            .group(group_id)
            .map(|offsets| offsets.keys().cloned().collect())
            .unwrap_or_default();
        for partition in self.offsets.pending_partitions(group_id) {
            if !partitions.contains(&partition) {
                partitions.push(partition);
            }
        }
        let mut records: Vec<CoordinatorRecord> = partitions
            .into_iter()
            .map(|partition| CoordinatorRecord::OffsetCommit {
                group: group_id.to_string(),
                partition,
                value: None,
            })
            .collect();
        records.push(CoordinatorRecord::GroupMetadata {
            group: group_id.to_string(),
            value: None,
        });
        self.offsets.remove_group(group_id);
        self.groups.remove(group_id);
        rt.write(records, None, WriteCompletion::None);
        rt.emit(GroupEvent::GroupRemoved {
            group: group_id.to_string(),
            coordinator: rt.broker,
            deleted_by_admin: true,
        });
        Ok(())
    }
}
