//! SyncGroup (`GroupMetadataManager.classicGroupSync`).
//!
//! After the join phase every member sends SyncGroup; the leader's carries the assignment its
//! assignor computed. The coordinator holds the followers' requests until the leader's arrives,
//! writes the group (with every member's assignment) to `__consumer_offsets`, and once that
//! write is replicated answers every member with its partitions: the group is Stable. A member
//! syncing a Stable group just gets its current assignment.

use crate::vec_map::VecMap;

use crate::error::{ErrorCode, KafkaError};
use crate::ids::TopicPartition;
use crate::kinds::AssignorKind;
use crate::protocol::GroupBody;

use super::events::GroupEvent;
use super::group::ClassicGroup;
use super::member::PendingResponse;
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;
use super::writes::WriteCompletion;

/// A SyncGroup request.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    /// Who to answer.
    pub reply: PendingResponse,
    /// The group.
    pub group_id: String,
    /// The member's generation.
    pub generation_id: i32,
    /// The member.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The protocol the member was told in JoinGroup.
    pub protocol: AssignorKind,
    /// The leader's assignment (empty from followers).
    pub assignments: Vec<(String, Vec<TopicPartition>)>,
}

/// Sends a SyncGroup answer.
pub(super) fn reply_sync(
    rt: &mut ShardCtx,
    reply: PendingResponse,
    result: Result<Vec<TopicPartition>, ErrorCode>,
) {
    rt.reply(
        reply,
        GroupBody::SyncGroupResponse {
            request_id: reply.request_id,
            result: result.map_err(KafkaError::with_default_message),
        },
    );
}

impl GroupShard {
    /// `classicGroupSync`.
    pub(crate) fn sync_group(&mut self, rt: &mut ShardCtx, request: SyncRequest) {
        match self.groups.get_mut(&request.group_id) {
            Some(group) if !group.is(GroupState::Empty) => group.sync(rt, request),
            _ => reply_sync(rt, request.reply, Err(ErrorCode::UnknownMemberId)),
        }
    }
}

impl ClassicGroup {
    /// `validateSyncGroup`.
    fn validate_sync(&self, request: &SyncRequest) -> Result<(), ErrorCode> {
        if self.is(GroupState::Dead) {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        self.validate_member(&request.member_id, request.group_instance_id.as_deref())?;
        if request.generation_id != self.generation {
            return Err(ErrorCode::IllegalGeneration);
        }
        if self
            .protocol
            .is_some_and(|protocol| protocol != request.protocol)
        {
            return Err(ErrorCode::InconsistentGroupProtocol);
        }
        Ok(())
    }

    /// `classicGroupSyncToClassicGroup`.
    fn sync(&mut self, rt: &mut ShardCtx, request: SyncRequest) {
        if let Err(code) = self.validate_sync(&request) {
            return reply_sync(rt, request.reply, Err(code));
        }
        match self.state {
            GroupState::PreparingRebalance => {
                reply_sync(rt, request.reply, Err(ErrorCode::RebalanceInProgress));
            }
            GroupState::CompletingRebalance => {
                if let Some(member) = self.members.get_mut(&request.member_id) {
                    member.awaiting_sync = Some(request.reply);
                }
                self.remove_pending_sync_member(&request.member_id);
                if self.is_leader(&request.member_id) {
                    self.store_assignment(rt, &request);
                }
            }
            GroupState::Stable => {
                self.remove_pending_sync_member(&request.member_id);
                let assignment = self
                    .members
                    .get(&request.member_id)
                    .map(|member| member.assignment.clone())
                    .unwrap_or_default();
                reply_sync(rt, request.reply, Ok(assignment));
            }
            GroupState::Empty | GroupState::Dead => {
                reply_sync(rt, request.reply, Err(ErrorCode::UnknownMemberId));
            }
        }
    }

    fn remove_pending_sync_member(&mut self, member_id: &str) {
        self.pending_sync.remove(member_id);
        if self.pending_sync.is_empty() {
            self.sync_timer = None;
        }
    }

    /// The leader's assignment: every member gets its share (missing ones an empty one), and
    /// the group is written before anyone is answered.
    fn store_assignment(&mut self, rt: &mut ShardCtx, request: &SyncRequest) {
        let given: VecMap<String, Vec<TopicPartition>> =
            crate::sort::to_map(request.assignments.iter().cloned());
        let assignment: VecMap<String, Vec<TopicPartition>> = crate::sort::to_map(
            self.members
                .keys()
                .map(|id| (id.clone(), given.get(id).cloned().unwrap_or_default())),
        );
        let record = self.metadata_record(Some(&assignment));
        let completion = WriteCompletion::GroupAssignment {
            group: self.group_id.clone(),
            generation: self.generation,
            leader: request.member_id.clone(),
            assignment,
        };
        rt.write(vec![record], None, completion);
    }

    /// The write of the leader's assignment completed: propagate it (Stable), or fail every
    /// held SyncGroup and rebalance again.
    pub(super) fn assignment_stored(
        &mut self,
        rt: &mut ShardCtx,
        generation: i32,
        leader: &str,
        assignment: VecMap<String, Vec<TopicPartition>>,
        result: Result<(), ErrorCode>,
    ) {
        if !self.is(GroupState::CompletingRebalance) || generation != self.generation {
            return;
        }
        match result {
            Err(code) => {
                self.reset_and_propagate_assignment_with_error(rt, code);
                let reason = format!("Error {code} when storing group assignmentduring SyncGroup (member: {leader}).");
                self.maybe_prepare_rebalance_or_complete_join(rt, reason);
            }
            Ok(()) => {
                for (id, member) in &mut self.members {
                    member.assignment = assignment.get(id).cloned().unwrap_or_default();
                }
                self.propagate_assignment(rt, None);
                self.transition_to(GroupState::Stable, rt.clock_ms());
                rt.emit(GroupEvent::GroupStabilized {
                    group: self.group_id.clone(),
                    coordinator: rt.broker,
                    generation: self.generation,
                    assignment: assignment.into_iter().collect(),
                });
            }
        }
    }
}
