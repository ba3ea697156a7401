//! LeaveGroup (`classicGroupLeaveToClassicGroup`): a member leaving (on `close()`, or when its
//! poll loop exceeded `max.poll.interval.ms`) is removed at once and the group rebalances,
//! without waiting for its session to time out. A static member does not send LeaveGroup when
//! it stops; an admin may remove it by `group.instance.id` with an empty member id.

use crate::error::{ErrorCode, KafkaError};
use crate::protocol::GroupBody;

use super::events::{GroupEvent, RemovalReason};
use super::group::ClassicGroup;
use super::member::PendingResponse;
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;

/// A LeaveGroup request (one member).
#[derive(Debug, Clone)]
pub struct LeaveRequest {
    /// Who to answer.
    pub reply: PendingResponse,
    /// The group.
    pub group_id: String,
    /// The member, or empty to name a static member by instance id.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The client's reason (KIP-800).
    pub reason: String,
}

impl GroupShard {
    /// `classicGroupLeave`.
    pub(crate) fn leave_group(&mut self, rt: &mut ShardCtx, request: LeaveRequest) {
        let error = match self.groups.get_mut(&request.group_id) {
            None => Some(ErrorCode::UnknownMemberId),
            Some(group) => group.leave(rt, &request).err(),
        };
        rt.reply(
            request.reply,
            GroupBody::LeaveGroupResponse {
                request_id: request.reply.request_id,
                error: error.map(KafkaError::with_default_message),
            },
        );
    }
}

impl ClassicGroup {
    fn leave(&mut self, rt: &mut ShardCtx, request: &LeaveRequest) -> Result<(), ErrorCode> {
        if self.is(GroupState::Dead) {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        let reason = if request.reason.is_empty() {
            "not provided".to_string()
        } else {
            request.reason.clone()
        };
        let member_id = if request.member_id.is_empty() {
            let instance = request.group_instance_id.as_deref().unwrap_or_default();
            let Some(member_id) = self.static_members.get(instance).cloned() else {
                return Err(ErrorCode::UnknownMemberId);
            };
            self.remove_leaving_member(rt, &member_id, reason);
            member_id
        } else if self.pending_join.contains_key(&request.member_id) {
            self.remove(&request.member_id);
            request.member_id.clone()
        } else {
            self.validate_member(&request.member_id, request.group_instance_id.as_deref())?;
            self.remove_leaving_member(rt, &request.member_id, reason);
            request.member_id.clone()
        };
        let reason = format!("explicit `LeaveGroup` request for ({member_id}) members.");
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.maybe_prepare_rebalance_or_complete_join(rt, reason);
            }
            GroupState::PreparingRebalance => self.maybe_complete_join_phase(rt),
            GroupState::Empty | GroupState::Dead => {}
        }
        Ok(())
    }

    /// `removeCurrentMemberFromClassicGroup`.
    fn remove_leaving_member(&mut self, rt: &mut ShardCtx, member_id: &str, reason: String) {
        rt.emit(GroupEvent::MemberRemoved {
            group: self.group_id.clone(),
            coordinator: rt.broker,
            member_id: member_id.to_string(),
            reason: RemovalReason::LeaveGroup { reason },
        });
        self.answer_held_join_unknown(rt, member_id);
        self.remove(member_id);
    }
}
