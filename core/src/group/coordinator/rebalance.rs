//! The rebalance of a classic group (`GroupMetadataManager.prepareRebalance`,
//! `completeClassicGroupJoin`, `tryCompleteInitialRebalanceElseSchedule`, `expirePendingSync`).
//!
//! A rebalance starts (PreparingRebalance) when a member joins, leaves, fails, changes its
//! subscription, or the leader rejoins. The coordinator holds every JoinGroup until all known
//! members have rejoined, or until the rebalance timeout (the largest `max.poll.interval.ms`)
//! passes, when dynamic members that did not rejoin are removed. A group's first rebalance
//! waits `group.initial.rebalance.delay.ms` more (extended while new members keep arriving, up
//! to the rebalance timeout), so a fleet of consumers starting together rebalances once. Then
//! the generation goes up, a protocol is chosen, every member gets its JoinGroup answer (the
//! leader with the member list), and the group waits for SyncGroup (CompletingRebalance).

use crate::error::ErrorCode;
use crate::protocol::group::JoinGroupOk;

use super::events::{GroupEvent, RemovalReason};
use super::group::ClassicGroup;
use super::join::reply_join;
use super::runtime::ShardCtx;
use super::state::GroupState;
use super::sync::reply_sync;
use super::writes::WriteCompletion;
use super::CoordinatorTimer;

/// `classicGroupNewMemberJoinTimeoutMs`: a new member's held JoinGroup expires after 5 minutes.
pub const NEW_MEMBER_JOIN_TIMEOUT_MS: i64 = 300_000;

impl ClassicGroup {
    /// `maybePrepareRebalanceOrCompleteJoin`.
    pub(super) fn maybe_prepare_rebalance_or_complete_join(
        &mut self,
        rt: &mut ShardCtx,
        reason: String,
    ) {
        if self.can_rebalance() {
            self.prepare_rebalance(rt, reason);
        } else {
            self.maybe_complete_join_phase(rt);
        }
    }

    /// `prepareRebalance`: members waiting for their assignment are told to rejoin, and the
    /// group waits for JoinGroups.
    pub(super) fn prepare_rebalance(&mut self, rt: &mut ShardCtx, reason: String) {
        if self.is(GroupState::CompletingRebalance) {
            self.reset_and_propagate_assignment_with_error(rt, ErrorCode::RebalanceInProgress);
        }
        self.remove_sync_expiration();
        let initial = self.is(GroupState::Empty);
        if initial {
            let delay_ms = rt.settings.group_initial_rebalance_delay_ms;
            let remaining_ms = (self.rebalance_timeout_ms() - delay_ms).max(0);
            self.schedule_initial_rebalance(rt, delay_ms, remaining_ms);
        }
        self.transition_to(GroupState::PreparingRebalance, rt.clock_ms());
        rt.emit(GroupEvent::RebalanceStarted {
            group: self.group_id.clone(),
            coordinator: rt.broker,
            generation: self.generation,
            reason,
        });
        if !initial {
            self.maybe_complete_join_else_schedule(rt);
        }
    }

    fn schedule_initial_rebalance(&mut self, rt: &mut ShardCtx, delay_ms: i64, remaining_ms: i64) {
        let id = rt.next_timer_id();
        self.join_timer = Some(id);
        let timer = CoordinatorTimer::InitialRebalance {
            partition: rt.shard_index(),
            group: self.group_id.clone(),
            id,
            delay_ms,
            remaining_ms,
        };
        rt.schedule(delay_ms, timer);
    }

    /// Schedules the end of the join phase after the rebalance timeout.
    fn schedule_join_completion(&mut self, rt: &mut ShardCtx) {
        let id = rt.next_timer_id();
        self.join_timer = Some(id);
        let timer = CoordinatorTimer::Join {
            partition: rt.shard_index(),
            group: self.group_id.clone(),
            id,
        };
        rt.schedule(self.rebalance_timeout_ms(), timer);
    }

    fn maybe_complete_join_else_schedule(&mut self, rt: &mut ShardCtx) {
        if self.has_all_members_joined() {
            self.complete_join(rt);
        } else {
            self.schedule_join_completion(rt);
        }
    }

    /// `tryCompleteInitialRebalanceElseSchedule`: the initial delay ends, unless a member joined
    /// meanwhile and time remains, which extends it.
    pub(super) fn try_complete_initial_rebalance(
        &mut self,
        rt: &mut ShardCtx,
        delay_ms: i64,
        remaining_ms: i64,
    ) {
        if self.new_member_added && remaining_ms != 0 {
            self.new_member_added = false;
            let initial_delay_ms = rt.settings.group_initial_rebalance_delay_ms;
            let new_delay_ms = initial_delay_ms.min(remaining_ms);
            let new_remaining_ms = (remaining_ms - delay_ms).max(0);
            self.schedule_initial_rebalance(rt, new_delay_ms, new_remaining_ms);
        } else {
            self.complete_join(rt);
        }
    }

    /// `maybeCompleteJoinPhase`: not during the initial rebalance, and only once everyone
    /// rejoined.
    pub(super) fn maybe_complete_join_phase(&mut self, rt: &mut ShardCtx) {
        if !self.is(GroupState::PreparingRebalance)
            || self.previous_state == GroupState::Empty
            || !self.has_all_members_joined()
        {
            return;
        }
        self.complete_join(rt);
    }

    /// `completeClassicGroupJoin`: dynamic members that did not rejoin are removed, and the next
    /// generation starts.
    pub(super) fn complete_join(&mut self, rt: &mut ShardCtx) {
        self.join_timer = None;
        let rebalance_timeout_ms = self.rebalance_timeout_ms();
        let gone: Vec<String> = self
            .not_yet_rejoined()
            .into_iter()
            .filter(|id| self.members.get(id).is_some_and(|m| !m.is_static()))
            .collect();
        for member_id in gone {
            self.remove(&member_id);
            rt.emit(GroupEvent::MemberRemoved {
                group: self.group_id.clone(),
                coordinator: rt.broker,
                member_id,
                reason: RemovalReason::NotRejoined {
                    rebalance_timeout_ms,
                },
            });
        }
        if self.is(GroupState::Dead) {
            return;
        }
        if !self.maybe_elect_new_joined_leader() && self.has_members() {
            // Nobody rejoined: wait another rebalance timeout, until sessions expire.
            self.schedule_join_completion(rt);
            return;
        }
        self.init_next_generation(rt.clock_ms());
        rt.emit(GroupEvent::GenerationStarted {
            group: self.group_id.clone(),
            coordinator: rt.broker,
            generation: self.generation,
            protocol: self.protocol.map(|p| p.protocol_name().to_string()),
            leader: self.leader.clone().filter(|_| self.has_members()),
            members: self.member_ids(),
        });
        if self.is(GroupState::Empty) {
            let record = self.metadata_record(None);
            rt.write(vec![record], None, WriteCompletion::None);
        } else {
            self.answer_joins(rt);
            self.schedule_pending_sync(rt);
        }
    }

    /// Every member gets its JoinGroup answer; the leader's lists the members.
    fn answer_joins(&mut self, rt: &mut ShardCtx) {
        let Some(protocol) = self.protocol else {
            return;
        };
        let leader = self.leader.clone().unwrap_or_default();
        let members = self.current_members();
        for member_id in self.member_ids() {
            let is_leader = self.is_leader(&member_id);
            let Some(member) = self.members.get_mut(&member_id) else {
                continue;
            };
            if let Some(reply) = member.awaiting_join.take() {
                let ok = JoinGroupOk {
                    generation_id: self.generation,
                    protocol,
                    leader: leader.clone(),
                    member_id: member_id.clone(),
                    members: if is_leader {
                        members.clone()
                    } else {
                        Vec::new()
                    },
                    skip_assignment: false,
                };
                reply_join(rt, reply, Ok(ok));
            }
            member.is_new = false;
            let session_timeout_ms = member.session_timeout_ms;
            self.reschedule_heartbeat(rt, &member_id, session_timeout_ms);
            self.pending_sync.insert(member_id);
        }
    }

    fn schedule_pending_sync(&mut self, rt: &mut ShardCtx) {
        let id = rt.next_timer_id();
        self.sync_timer = Some(id);
        let timer = CoordinatorTimer::PendingSync {
            partition: rt.shard_index(),
            group: self.group_id.clone(),
            generation: self.generation,
            id,
        };
        rt.schedule(self.rebalance_timeout_ms(), timer);
    }

    /// `removeSyncExpiration`.
    pub(super) fn remove_sync_expiration(&mut self) {
        self.pending_sync.clear();
        self.sync_timer = None;
    }

    /// `expirePendingSync`: members that sent no SyncGroup in time are removed and the group
    /// rebalances.
    pub(super) fn expire_pending_sync(&mut self, rt: &mut ShardCtx, generation: i32) {
        if generation != self.generation
            || !(self.is(GroupState::CompletingRebalance) || self.is(GroupState::Stable))
            || self.pending_sync.is_empty()
        {
            return;
        }
        let rebalance_timeout_ms = self.rebalance_timeout_ms();
        let pending: Vec<String> = self.pending_sync.iter().cloned().collect();
        for member_id in &pending {
            self.remove(member_id);
            rt.emit(GroupEvent::MemberRemoved {
                group: self.group_id.clone(),
                coordinator: rt.broker,
                member_id: member_id.clone(),
                reason: RemovalReason::NoSyncGroup {
                    rebalance_timeout_ms,
                },
            });
        }
        let reason = format!(
            "Removing [{}] on pending sync request expiration",
            pending.join(", ")
        );
        self.prepare_rebalance(rt, reason);
    }

    /// `resetAndPropagateAssignmentWithError`: members waiting in SyncGroup get `error`.
    pub(super) fn reset_and_propagate_assignment_with_error(
        &mut self,
        rt: &mut ShardCtx,
        error: ErrorCode,
    ) {
        for member in self.members.values_mut() {
            member.assignment.clear();
        }
        self.propagate_assignment(rt, Some(error));
    }

    /// `propagateAssignment`: answers every held SyncGroup with the member's assignment (or
    /// `error`), and restarts its session.
    pub(super) fn propagate_assignment(&mut self, rt: &mut ShardCtx, error: Option<ErrorCode>) {
        for member_id in self.member_ids() {
            let Some(member) = self.members.get_mut(&member_id) else {
                continue;
            };
            let Some(reply) = member.awaiting_sync.take() else {
                continue;
            };
            let result = match error {
                Some(code) => Err(code),
                None => Ok(member.assignment.clone()),
            };
            let session_timeout_ms = member.session_timeout_ms;
            reply_sync(rt, reply, result);
            self.reschedule_heartbeat(rt, &member_id, session_timeout_ms);
        }
    }

    /// `rescheduleClassicGroupMemberHeartbeat`: the member's session now ends `timeout_ms`
    /// from now unless it heartbeats.
    pub(super) fn reschedule_heartbeat(
        &mut self,
        rt: &mut ShardCtx,
        member_id: &str,
        timeout_ms: i64,
    ) {
        let Some(member) = self.members.get_mut(member_id) else {
            return;
        };
        let id = rt.next_timer_id();
        member.heartbeat_timer = id;
        let timer = CoordinatorTimer::Heartbeat {
            partition: rt.shard_index(),
            group: self.group_id.clone(),
            member: member_id.to_string(),
            id,
        };
        rt.schedule(timeout_ms, timer);
    }
}
