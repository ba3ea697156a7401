//! JoinGroup (`GroupMetadataManager.classicGroupJoin` and the functions it calls).
//!
//! A new dynamic member is first given a member id and told to rejoin with it
//! (`MEMBER_ID_REQUIRED`, KIP-394). A member with an id is added (or updated), which starts a
//! rebalance unless one is under way; its JoinGroup is held until the join phase completes.
//! A static member (`group.instance.id`, KIP-345) that comes back with a new process takes over
//! its old member id's place: in a Stable group whose protocol does not change, it keeps its
//! assignment and no rebalance happens. The group is limited to `group.max.size` members.

use crate::error::{ErrorCode, KafkaError};
use crate::kinds::AssignorKind;
use crate::protocol::group::{JoinGroupOk, Subscription};
use crate::protocol::GroupBody;

use super::events::GroupEvent;
use super::group::ClassicGroup;
use super::member::{client_host, generate_member_id, ClassicGroupMember, PendingResponse};
use super::rebalance::NEW_MEMBER_JOIN_TIMEOUT_MS;
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::state::GroupState;
use super::writes::WriteCompletion;
use super::CoordinatorTimer;

/// A JoinGroup request.
#[derive(Debug, Clone)]
pub struct JoinRequest {
    /// Who to answer.
    pub reply: PendingResponse,
    /// The group.
    pub group_id: String,
    /// The member id, empty on a first join.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The member's `client.id` (from the request header).
    pub client_id: String,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i64,
    /// `max.poll.interval.ms`.
    pub rebalance_timeout_ms: i64,
    /// Supported assignors with the subscription for each.
    pub protocols: Vec<(AssignorKind, Subscription)>,
    /// The client's reason (KIP-800).
    pub reason: String,
}

impl JoinRequest {
    fn protocol_names(&self) -> Vec<AssignorKind> {
        self.protocols.iter().map(|(kind, _)| *kind).collect()
    }

    /// `JoinGroupRequest.joinReason`.
    fn join_reason(&self) -> &str {
        if self.reason.is_empty() {
            "not provided"
        } else {
            &self.reason
        }
    }
}

/// Sends a JoinGroup answer.
pub(super) fn reply_join(
    rt: &mut ShardCtx,
    reply: PendingResponse,
    result: Result<JoinGroupOk, (ErrorCode, String)>,
) {
    let result =
        result.map_err(|(code, member_id)| (KafkaError::with_default_message(code), member_id));
    rt.reply(
        reply,
        GroupBody::JoinGroupResponse {
            request_id: reply.request_id,
            result,
        },
    );
}

fn reply_join_error(rt: &mut ShardCtx, reply: PendingResponse, member_id: &str, code: ErrorCode) {
    reply_join(rt, reply, Err((code, member_id.to_string())));
}

impl GroupShard {
    /// `classicGroupJoinToClassicGroup`.
    pub(crate) fn join_group(&mut self, rt: &mut ShardCtx, request: JoinRequest) {
        let is_unknown = request.member_id.is_empty();
        let is_new_group = !self.groups.contains_key(&request.group_id);
        if is_new_group && !is_unknown {
            return reply_join_error(
                rt,
                request.reply,
                &request.member_id,
                ErrorCode::UnknownMemberId,
            );
        }
        let now_ms = rt.clock_ms();
        let group = self.get_or_create_group(&request.group_id, now_ms);
        if !accept_joining_member(group, &request.member_id, rt.settings.group_max_size) {
            group.remove(&request.member_id);
            reply_join_error(rt, request.reply, "", ErrorCode::GroupMaxSizeReached);
        } else if is_unknown {
            group.join_new_member(rt, request);
        } else {
            group.join_existing_member(rt, request);
        }
        if is_new_group {
            // The new group is written to the log as an Empty group (newEmptyGroupMetadataRecord).
            let record = group.metadata_record(None);
            rt.write(vec![record], None, WriteCompletion::None);
        }
    }
}

/// `acceptJoiningMember`: `group.max.size`.
fn accept_joining_member(group: &ClassicGroup, member_id: &str, max_size: i32) -> bool {
    let max_size = usize::try_from(max_size).unwrap_or(usize::MAX);
    match group.state {
        GroupState::Empty | GroupState::Dead => true,
        GroupState::PreparingRebalance => {
            group
                .members
                .get(member_id)
                .is_some_and(ClassicGroupMember::is_awaiting_join)
                || group.num_awaiting_join() < max_size
        }
        GroupState::CompletingRebalance | GroupState::Stable => {
            group.members.contains_key(member_id) || group.members.len() < max_size
        }
    }
}

impl ClassicGroup {
    /// `classicGroupJoinNewMember`.
    fn join_new_member(&mut self, rt: &mut ShardCtx, request: JoinRequest) {
        if self.is(GroupState::Dead) {
            return reply_join_error(rt, request.reply, "", ErrorCode::CoordinatorNotAvailable);
        }
        if !self.supports_protocols(&request.protocol_names()) {
            return reply_join_error(rt, request.reply, "", ErrorCode::InconsistentGroupProtocol);
        }
        let new_member_id = generate_member_id(
            &request.client_id,
            request.group_instance_id.as_deref(),
            rt.ctx.rng,
        );
        match request.group_instance_id.clone() {
            Some(instance) => match self.static_members.get(&instance).cloned() {
                Some(old_member_id) => self.replace_static_member_and_rejoin(
                    rt,
                    request,
                    &old_member_id,
                    new_member_id,
                ),
                None => self.add_member_and_rebalance(rt, request, new_member_id),
            },
            None => {
                // KIP-394: the member must rejoin with this id; until then it is pending.
                let id = rt.next_timer_id();
                self.pending_join.insert(new_member_id.clone(), id);
                let timer = CoordinatorTimer::Heartbeat {
                    partition: rt.shard_index(),
                    group: self.group_id.clone(),
                    member: new_member_id.clone(),
                    id,
                };
                rt.schedule(request.session_timeout_ms, timer);
                reply_join_error(
                    rt,
                    request.reply,
                    &new_member_id,
                    ErrorCode::MemberIdRequired,
                );
            }
        }
    }

    /// `classicGroupJoinExistingMember`.
    fn join_existing_member(&mut self, rt: &mut ShardCtx, request: JoinRequest) {
        let member_id = request.member_id.clone();
        if self.is(GroupState::Dead) {
            return reply_join_error(
                rt,
                request.reply,
                &member_id,
                ErrorCode::CoordinatorNotAvailable,
            );
        }
        if !self.supports_protocols(&request.protocol_names()) {
            return reply_join_error(
                rt,
                request.reply,
                &member_id,
                ErrorCode::InconsistentGroupProtocol,
            );
        }
        if self.pending_join.contains_key(&member_id) {
            return self.add_member_and_rebalance(rt, request, member_id);
        }
        if let Err(code) = self.validate_member(&member_id, request.group_instance_id.as_deref()) {
            return reply_join_error(rt, request.reply, &member_id, code);
        }
        let matches = self
            .members
            .get(&member_id)
            .is_some_and(|member| member.matches(&request.protocols));
        let state = self.state;
        let reason = request.join_reason().to_string();
        match state {
            GroupState::PreparingRebalance => {
                let reason = format!(
                    "Member {member_id} is joining group during {state}; client reason: {reason}"
                );
                self.update_member_and_rebalance(rt, request, reason);
            }
            GroupState::CompletingRebalance | GroupState::Stable
                if matches && !(state == GroupState::Stable && self.is_leader(&member_id)) =>
            {
                // Same metadata (the member missed its answer): the current generation's.
                let members =
                    if state == GroupState::CompletingRebalance && self.is_leader(&member_id) {
                        self.current_members()
                    } else {
                        Vec::new()
                    };
                self.reply_current_generation(rt, request.reply, &member_id, members, false);
            }
            GroupState::Stable if self.is_leader(&member_id) => {
                let reason = format!(
                    "Leader {member_id} re-joining group during {state}; client reason: {reason}"
                );
                self.update_member_and_rebalance(rt, request, reason);
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                let reason = format!("Updating metadata for member {member_id} during {state}; client reason: {reason}");
                self.update_member_and_rebalance(rt, request, reason);
            }
            GroupState::Empty | GroupState::Dead => {
                reply_join_error(rt, request.reply, &member_id, ErrorCode::UnknownMemberId);
            }
        }
    }

    /// A JoinGroup answer with the current generation.
    fn reply_current_generation(
        &self,
        rt: &mut ShardCtx,
        reply: PendingResponse,
        member_id: &str,
        members: Vec<crate::protocol::group::JoinedMember>,
        skip_assignment: bool,
    ) {
        let Some(protocol) = self.protocol else {
            return reply_join_error(rt, reply, member_id, ErrorCode::UnknownMemberId);
        };
        let ok = JoinGroupOk {
            generation_id: self.generation,
            protocol,
            leader: self.leader.clone().unwrap_or_default(),
            member_id: member_id.to_string(),
            members,
            skip_assignment,
        };
        reply_join(rt, reply, Ok(ok));
    }

    /// `updateMemberThenRebalanceOrCompleteJoin`.
    fn update_member_and_rebalance(
        &mut self,
        rt: &mut ShardCtx,
        request: JoinRequest,
        reason: String,
    ) {
        if let Some(member) = self.members.get_mut(&request.member_id) {
            member.protocols = request.protocols;
            member.rebalance_timeout_ms = request.rebalance_timeout_ms;
            member.session_timeout_ms = request.session_timeout_ms;
            member.awaiting_join = Some(request.reply);
        }
        self.maybe_prepare_rebalance_or_complete_join(rt, reason);
    }

    /// `addMemberThenRebalanceOrCompleteJoin`.
    fn add_member_and_rebalance(
        &mut self,
        rt: &mut ShardCtx,
        request: JoinRequest,
        member_id: String,
    ) {
        let instance = request.group_instance_id.clone();
        let member = ClassicGroupMember {
            member_id: member_id.clone(),
            group_instance_id: instance.clone(),
            client_id: request.client_id.clone(),
            client_host: client_host(request.reply.node),
            rebalance_timeout_ms: request.rebalance_timeout_ms,
            session_timeout_ms: request.session_timeout_ms,
            protocols: request.protocols.clone(),
            assignment: Vec::new(),
            awaiting_join: Some(request.reply),
            awaiting_sync: None,
            is_new: true,
            heartbeat_timer: 0,
        };
        if self.is(GroupState::PreparingRebalance) && self.previous_state == GroupState::Empty {
            self.new_member_added = true;
        }
        self.add(member);
        rt.emit(GroupEvent::MemberJoined {
            group: self.group_id.clone(),
            coordinator: rt.broker,
            member_id: member_id.clone(),
            client_id: request.client_id.clone(),
            group_instance_id: instance.clone(),
        });
        // A new member's held JoinGroup expires after 5 minutes, whatever its session timeout.
        self.reschedule_heartbeat(rt, &member_id, NEW_MEMBER_JOIN_TIMEOUT_MS);
        let reason = format!(
            "Adding new member {member_id} with group instance id {}; client reason: {}",
            instance.as_deref().unwrap_or("null"),
            request.join_reason()
        );
        self.maybe_prepare_rebalance_or_complete_join(rt, reason);
    }

    /// `updateStaticMemberThenRebalanceOrCompleteJoin`: a static member rejoined with a new
    /// process. Any request the old member id still had held is fenced.
    fn replace_static_member_and_rejoin(
        &mut self,
        rt: &mut ShardCtx,
        request: JoinRequest,
        old_member_id: &str,
        new_member_id: String,
    ) {
        let instance = request.group_instance_id.clone().unwrap_or_default();
        let (held_join, held_sync) =
            self.replace_static_member(&instance, old_member_id, &new_member_id);
        if let Some(reply) = held_join {
            reply_join_error(rt, reply, old_member_id, ErrorCode::FencedInstanceId);
        }
        if let Some(reply) = held_sync {
            super::sync::reply_sync(rt, reply, Err(ErrorCode::FencedInstanceId));
        }
        let Some(member) = self.members.get_mut(&new_member_id) else {
            return;
        };
        let previous = member.clone();
        member.protocols = request.protocols.clone();
        member.rebalance_timeout_ms = request.rebalance_timeout_ms;
        member.session_timeout_ms = request.session_timeout_ms;
        member.awaiting_join = Some(request.reply);
        let session_timeout_ms = previous.session_timeout_ms;
        self.reschedule_heartbeat(rt, &new_member_id, session_timeout_ms);
        rt.emit(GroupEvent::StaticMemberReplaced {
            group: self.group_id.clone(),
            coordinator: rt.broker,
            group_instance_id: instance.clone(),
            old_member_id: old_member_id.to_string(),
            new_member_id: new_member_id.clone(),
        });
        let reason = request.join_reason().to_string();
        match self.state {
            GroupState::Stable if self.protocol == self.select_protocol() => {
                // Persist the new member id, then answer without a rebalance (KIP-345, KIP-814).
                let record = self.metadata_record(None);
                let completion = WriteCompletion::StaticMemberReplaced {
                    group: self.group_id.clone(),
                    group_instance_id: instance,
                    old_member_id: old_member_id.to_string(),
                    new_member_id,
                    previous: Box::new(previous),
                };
                rt.write(vec![record], None, completion);
            }
            GroupState::Stable => {
                let reason = format!("Group's selectedProtocol will change because static member {new_member_id} with instance id {instance} joined with change of protocol; client reason: {reason}");
                self.maybe_prepare_rebalance_or_complete_join(rt, reason);
            }
            GroupState::CompletingRebalance => {
                let reason = format!("Updating metadata for static member {new_member_id} with instance id {instance}; client reason: {reason}");
                self.prepare_rebalance(rt, reason);
            }
            _ => self.maybe_complete_join_phase(rt),
        }
    }

    /// The write of a replaced static member's id completed: answer its JoinGroup with the
    /// current generation (the leader skips the assignment, KIP-814), or revert on failure.
    pub(super) fn static_member_persisted(
        &mut self,
        rt: &mut ShardCtx,
        old_member_id: &str,
        new_member_id: &str,
        previous: ClassicGroupMember,
        result: Result<(), ErrorCode>,
    ) {
        let Some(member) = self.members.get_mut(new_member_id) else {
            return;
        };
        let Some(reply) = member.awaiting_join.take() else {
            return;
        };
        match result {
            Ok(()) => {
                let is_leader = self.is_leader(new_member_id);
                let members = if is_leader {
                    self.current_members()
                } else {
                    Vec::new()
                };
                self.reply_current_generation(rt, reply, new_member_id, members, is_leader);
            }
            Err(code) => {
                member.protocols = previous.protocols;
                member.rebalance_timeout_ms = previous.rebalance_timeout_ms;
                member.session_timeout_ms = previous.session_timeout_ms;
                if let Some(instance) = previous.group_instance_id.as_deref() {
                    let _ = self.replace_static_member(instance, new_member_id, old_member_id);
                }
                let session_timeout_ms = previous.session_timeout_ms;
                self.reschedule_heartbeat(rt, old_member_id, session_timeout_ms);
                reply_join_error(rt, reply, "", code);
            }
        }
    }
}
