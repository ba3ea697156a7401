//! Heartbeats and session expiry (`classicGroupHeartbeat`, `expireClassicGroupMemberHeartbeat`).
//!
//! Each heartbeat (and each commit from a member of a Stable or rebalancing group) restarts the
//! member's session: if `session.timeout.ms` passes without one, the member is removed and the
//! group rebalances. During a rebalance the answer is `REBALANCE_IN_PROGRESS`, which tells the
//! member to rejoin. A member whose JoinGroup or SyncGroup the coordinator holds counts as
//! alive; a new member whose JoinGroup is held may still expire.

use crate::error::{ErrorCode, KafkaError};
use crate::protocol::GroupBody;

use super::events::{GroupEvent, RemovalReason};
use super::group::ClassicGroup;
use super::join::reply_join;
use super::member::PendingResponse;
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;

/// A Heartbeat request.
#[derive(Debug, Clone)]
pub struct HeartbeatRequest {
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
}

impl GroupShard {
    /// `classicGroupHeartbeat`.
    pub(crate) fn heartbeat(&mut self, rt: &mut ShardCtx, request: HeartbeatRequest) {
        let error = match self.groups.get_mut(&request.group_id) {
            None => Some(ErrorCode::UnknownMemberId),
            Some(group) => group.heartbeat(rt, &request).err(),
        };
        rt.reply(
            request.reply,
            GroupBody::HeartbeatResponse {
                request_id: request.reply.request_id,
                error: error.map(KafkaError::with_default_message),
            },
        );
    }

    /// A session timer fired.
    pub(crate) fn expire_heartbeat(
        &mut self,
        rt: &mut ShardCtx,
        group_id: &str,
        member_id: &str,
        id: u64,
    ) {
        if let Some(group) = self.groups.get_mut(group_id) {
            group.expire_heartbeat(rt, member_id, id);
        }
    }
}

impl ClassicGroup {
    fn heartbeat(
        &mut self,
        rt: &mut ShardCtx,
        request: &HeartbeatRequest,
    ) -> Result<(), ErrorCode> {
        if self.is(GroupState::Dead) {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        self.validate_member(&request.member_id, request.group_instance_id.as_deref())?;
        if request.generation_id != self.generation {
            return Err(ErrorCode::IllegalGeneration);
        }
        let session_timeout_ms = self
            .members
            .get(&request.member_id)
            .map_or(0, |member| member.session_timeout_ms);
        match self.state {
            GroupState::Empty | GroupState::Dead => Err(ErrorCode::UnknownMemberId),
            GroupState::PreparingRebalance => {
                self.reschedule_heartbeat(rt, &request.member_id, session_timeout_ms);
                Err(ErrorCode::RebalanceInProgress)
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                self.reschedule_heartbeat(rt, &request.member_id, session_timeout_ms);
                Ok(())
            }
        }
    }

    /// Keeps a committing member's session alive (commits count as heartbeats in Stable and
    /// PreparingRebalance groups).
    pub(super) fn touch_session(&mut self, rt: &mut ShardCtx, member_id: &str) {
        if !(self.is(GroupState::Stable) || self.is(GroupState::PreparingRebalance)) {
            return;
        }
        if let Some(timeout_ms) = self.members.get(member_id).map(|m| m.session_timeout_ms) {
            self.reschedule_heartbeat(rt, member_id, timeout_ms);
        }
    }

    fn expire_heartbeat(&mut self, rt: &mut ShardCtx, member_id: &str, id: u64) {
        if self.is(GroupState::Dead) {
            return;
        }
        if self.pending_join.get(member_id) == Some(&id) {
            // A member given an id never came back with it.
            self.remove(member_id);
            if self.is(GroupState::PreparingRebalance) && self.has_all_members_joined() {
                self.complete_join(rt);
            }
            return;
        }
        let Some(member) = self.members.get(member_id) else {
            return;
        };
        if member.heartbeat_timer != id || member.has_satisfied_heartbeat() {
            return;
        }
        let session_timeout_ms = member.session_timeout_ms;
        rt.emit(GroupEvent::MemberRemoved {
            group: self.group_id.clone(),
            coordinator: rt.broker,
            member_id: member_id.to_string(),
            reason: RemovalReason::SessionTimeout { session_timeout_ms },
        });
        let reason = format!("removing member {member_id} on heartbeat expiration.");
        self.remove_member_and_update_group(rt, member_id, reason);
    }

    /// `removeMemberAndUpdateClassicGroup`: a held JoinGroup is answered `UNKNOWN_MEMBER_ID`,
    /// the member goes, and the group rebalances (or finishes its join phase).
    fn remove_member_and_update_group(
        &mut self,
        rt: &mut ShardCtx,
        member_id: &str,
        reason: String,
    ) {
        self.answer_held_join_unknown(rt, member_id);
        self.remove(member_id);
        if self.is(GroupState::Stable) || self.is(GroupState::CompletingRebalance) {
            self.maybe_prepare_rebalance_or_complete_join(rt, reason);
        } else if self.is(GroupState::PreparingRebalance) && self.has_all_members_joined() {
            self.complete_join(rt);
        }
    }

    /// Answers a member's held JoinGroup with `UNKNOWN_MEMBER_ID`, so a live client rejoins.
    pub(super) fn answer_held_join_unknown(&mut self, rt: &mut ShardCtx, member_id: &str) {
        if let Some(reply) = self
            .members
            .get_mut(member_id)
            .and_then(|member| member.awaiting_join.take())
        {
            reply_join(rt, reply, Err((ErrorCode::UnknownMemberId, String::new())));
        }
    }
}
