//! The consumer group protocol as a member runs it (`AbstractCoordinator`,
//! `ConsumerCoordinator`).
//!
//! The member finds its coordinator, joins (the first JoinGroup is answered
//! `MEMBER_ID_REQUIRED` with the id to use), and if the coordinator makes it the leader, runs the
//! assignor over every member's subscription and sends the result in SyncGroup. Heartbeats every
//! `heartbeat.interval.ms` keep its session; a heartbeat answered `REBALANCE_IN_PROGRESS` makes
//! it rejoin on its next `poll()`. If the application does not poll for
//! `max.poll.interval.ms`, the heartbeat thread leaves the group.
//!
//! The rebalance protocol is the one every configured assignor supports: EAGER unless all are
//! cooperative (so Kafka's default `[RangeAssignor, CooperativeStickyAssignor]` is eager). An
//! eager member gives up all its partitions before rejoining; a cooperative one keeps them and
//! gives up only those the new assignment moves away, then rejoins once more so they can be
//! handed over (KIP-429). A static member (`group.instance.id`) does not send LeaveGroup when it
//! stops; the coordinator keeps its partitions until its session times out.

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::deadlines::Connection;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::group::assignor::{assign, MemberSubscription};
use crate::ids::{BrokerId, TopicPartition};
use crate::kinds::AssignorKind;
use crate::network::NodeId;
use crate::protocol::group::{CoordinatorType, JoinGroupOk, Subscription as JoinSubscription};
use crate::protocol::{Body, GroupBody};

use super::{Consumer, ConsumerTimer, Subscription};

/// Where the member is in the group protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// Not in the group.
    Unjoined,
    /// JoinGroup sent.
    Joining,
    /// SyncGroup sent.
    Syncing,
    /// Has its assignment for the current generation.
    Stable,
}

/// A consumer's membership of its group.
#[derive(Debug, Clone)]
pub struct Membership {
    /// `group.id`.
    pub group_id: String,
    /// The coordinator, once found.
    pub coordinator: Option<BrokerId>,
    /// The FindCoordinator request in flight.
    pub find_in_flight: Option<u64>,
    /// No FindCoordinator before this time: the group was denied, and the application's
    /// next polls back off (`retry.backoff.max.ms`) rather than ask on every poll.
    pub find_after_ms: i64,
    /// Where the member is.
    pub state: MemberState,
    /// Its member id (empty before the first join).
    pub member_id: String,
    /// Its generation (-1 when none).
    pub generation: i32,
    /// The assignor the group chose.
    pub protocol: Option<AssignorKind>,
    /// The leader's member id.
    pub leader: Option<String>,
    /// Whether it must (re)join on the next poll, and why.
    pub rejoin: Option<String>,
    /// Requests in flight: join, sync, heartbeat, leave.
    pub join_in_flight: Option<u64>,
    /// The SyncGroup in flight.
    pub sync_in_flight: Option<u64>,
    /// The Heartbeat in flight.
    pub heartbeat_in_flight: Option<u64>,
    /// The partitions it owns.
    pub owned: Vec<TopicPartition>,
    /// As leader: the partition count of each topic of the group's subscription when it
    /// assigned (-1 for a topic its metadata did not have), to notice any change
    /// (`assignmentSnapshot`).
    pub assigned_counts: VecMap<String, i32>,
    /// The topics of its last JoinGroup (`joinedSubscription`): a pattern that matches other
    /// topics since makes it rejoin.
    pub joined_topics: Option<Vec<String>>,
    /// A pattern subscriber about to join waits for the metadata answer after this many
    /// answers, so it joins with the topics the cluster has now (`ensureFreshMetadata`).
    pub join_after_answer: Option<u64>,
    /// Whether it runs the group protocol (subscribe) or only commits (assign with a group.id).
    pub joins: bool,
    /// Whether the next JoinGroup comes first in its rebalance (`needsJoinPrepare`): then
    /// `onJoinPrepare` runs before it. Set again when a rebalance completes.
    pub needs_join_prepare: bool,
}

impl Membership {
    /// A member of `group_id` that has not joined yet.
    pub fn new(group_id: String) -> Membership {
        Membership {
            group_id,
            coordinator: None,
            find_in_flight: None,
            find_after_ms: 0,
            state: MemberState::Unjoined,
            member_id: String::new(),
            generation: -1,
            protocol: None,
            leader: None,
            rejoin: Some("the consumer started".to_string()),
            join_in_flight: None,
            sync_in_flight: None,
            heartbeat_in_flight: None,
            owned: Vec::new(),
            assigned_counts: VecMap::new(),
            joined_topics: None,
            join_after_answer: None,
            joins: true,
            needs_join_prepare: true,
        }
    }

    /// A standalone consumer with a `group.id`: it commits to the group but never joins.
    pub fn standalone(group_id: String) -> Membership {
        Membership {
            rejoin: None,
            joins: false,
            ..Membership::new(group_id)
        }
    }

    /// Whether the member is in the group with an assignment.
    pub fn is_stable(&self) -> bool {
        self.state == MemberState::Stable
    }
}

/// The rebalance protocol all `assignors` support.
pub fn is_cooperative(assignors: &[AssignorKind]) -> bool {
    !assignors.is_empty() && assignors.iter().all(AssignorKind::is_cooperative)
}

impl Consumer {
    fn cooperative(&self) -> bool {
        is_cooperative(&self.rules.assignors)
    }

    /// Finds the coordinator and joins if the member needs to (and the application is not in
    /// the middle of processing: joining happens inside `poll()`).
    pub(crate) fn ensure_active_group(&mut self, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        self.ensure_coordinator(ctx);
        let Some(membership) = &self.membership else {
            return;
        };
        let can_join = membership.joins
            && membership.coordinator.is_some()
            && membership.rejoin.is_some()
            && membership.join_in_flight.is_none()
            && membership.sync_in_flight.is_none()
            && self.processing.until_ms.is_none();
        if can_join && self.pattern_ready_to_join(ctx) {
            self.join_group(ctx);
        }
    }

    /// What `poll()` does for the group: rejoin if asked to.
    pub(crate) fn on_poll_membership(&mut self, ctx: &mut Ctx) {
        self.ensure_active_group(ctx);
    }

    fn ensure_coordinator(&mut self, ctx: &mut Ctx) {
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if membership.coordinator.is_some()
            || membership.find_in_flight.is_some()
            || membership.find_after_ms > ctx.now_ms
        {
            return;
        }
        let Some(broker) = self
            .metadata
            .brokers
            .get(ctx.rng.below(self.metadata.brokers.len().max(1) as u32) as usize)
            .copied()
        else {
            return;
        };
        let request_id = ctx.request_id();
        membership.find_in_flight = Some(request_id);
        let request = GroupBody::FindCoordinator {
            request_id,
            key: membership.group_id.clone(),
            key_type: CoordinatorType::Group,
        };
        ctx.send(NodeId::Broker(broker), Body::Group(request));
        let connection = Connection::Broker(broker);
        self.watch_request(request_id, self.rules.request_timeout_ms, connection, ctx);
    }

    /// Sends a request to the coordinator with a timeout; `None` if there is none known.
    pub(crate) fn send_to_coordinator(&mut self, body: GroupBody, ctx: &mut Ctx) -> Option<u64> {
        let coordinator = self.membership.as_ref()?.coordinator?;
        let request_id = body.request_id();
        ctx.send(NodeId::Broker(coordinator), Body::Group(body));
        let connection = Connection::GroupCoordinator(coordinator);
        self.watch_request(request_id, self.rules.request_timeout_ms, connection, ctx);
        Some(request_id)
    }

    fn join_group(&mut self, ctx: &mut Ctx) {
        if self
            .membership
            .as_ref()
            .is_some_and(|membership| membership.needs_join_prepare)
        {
            self.on_join_prepare(ctx);
        }
        let Some(membership) = self.membership.as_ref() else {
            return;
        };
        let topics = match &self.subscription {
            Subscription::Partitions(_) => Vec::new(),
            _ => self.subscribed_topics(),
        };
        let subscription = JoinSubscription {
            topics: topics.clone(),
            owned_partitions: membership.owned.clone(),
            generation: (membership.generation >= 0).then_some(membership.generation),
            rack_id: self.rules.client_rack.clone(),
        };
        let protocols = self
            .rules
            .assignors
            .iter()
            .map(|kind| (*kind, subscription.clone()))
            .collect();
        let request_id = ctx.request_id();
        let reason = membership.rejoin.clone().unwrap_or_default();
        let request = GroupBody::JoinGroup {
            request_id,
            group_id: membership.group_id.clone(),
            member_id: membership.member_id.clone(),
            group_instance_id: self.rules.group_instance_id.clone(),
            client_id: self.name.clone(),
            session_timeout_ms: self.rules.session_timeout_ms,
            rebalance_timeout_ms: self.rules.max_poll_interval_ms,
            protocols,
            reason,
        };
        // JoinGroup may be held by the coordinator for the whole rebalance.
        let Some(coordinator) = membership.coordinator else {
            return;
        };
        ctx.send(NodeId::Broker(coordinator), Body::Group(request));
        // `AbstractCoordinator.sendJoinGroupRequest`: the rebalance timeout plus
        // `JOIN_GROUP_TIMEOUT_LAPSE` (5 s), and never less than `request.timeout.ms`.
        let timeout_ms = self
            .rules
            .request_timeout_ms
            .max(self.rules.max_poll_interval_ms + 5_000);
        let connection = Connection::GroupCoordinator(coordinator);
        self.watch_request(request_id, timeout_ms, connection, ctx);
        if let Some(membership) = self.membership.as_mut() {
            membership.join_in_flight = Some(request_id);
            membership.state = MemberState::Joining;
            membership.rejoin = None;
            membership.joined_topics = Some(topics);
            membership.join_after_answer = None;
        }
    }

    /// `ConsumerCoordinator.onJoinPrepare`, once per rebalance before its first JoinGroup: with
    /// auto-commit, a member that has a generation commits `allConsumed()`; then an eager member
    /// gives up all its partitions (a cooperative one keeps them until the new assignment).
    ///
    /// Simplification: Kafka sends the JoinGroup once the commit is answered; here the two go
    /// together, and the coordinator, answering in order, takes the commit under the old
    /// generation all the same.
    fn on_join_prepare(&mut self, ctx: &mut Ctx) {
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        membership.needs_join_prepare = false;
        if self.rules.enable_auto_commit && membership.generation >= 0 {
            self.commit(self.all_consumed(), true, ctx);
        }
        if !self.cooperative() {
            self.revoke_partitions(self.owned_partitions(), ctx);
        }
    }

    /// Handles the group protocol's answers.
    pub(crate) fn handle_group_message(&mut self, body: GroupBody, ctx: &mut Ctx) {
        match body {
            GroupBody::FindCoordinatorResponse { request_id, result } => {
                self.coordinator_found(request_id, result, ctx);
            }
            GroupBody::JoinGroupResponse { request_id, result } => {
                self.joined(request_id, result, ctx)
            }
            GroupBody::SyncGroupResponse { request_id, result } => {
                self.synced(request_id, result, ctx)
            }
            GroupBody::HeartbeatResponse { request_id, error } => {
                self.heartbeat_answered(request_id, error, ctx)
            }
            GroupBody::OffsetCommitResponse {
                request_id,
                results,
            } => {
                self.commit_answered(request_id, results, ctx);
            }
            GroupBody::OffsetFetchResponse { request_id, result } => {
                self.committed_offsets_fetched(request_id, result, ctx);
            }
            _ => {}
        }
    }

    fn coordinator_found(
        &mut self,
        request_id: u64,
        result: Result<BrokerId, KafkaError>,
        ctx: &mut Ctx,
    ) {
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if membership.find_in_flight != Some(request_id) {
            return;
        }
        membership.find_in_flight = None;
        match result {
            Ok(coordinator) => {
                membership.coordinator = Some(coordinator);
                self.forget_group_authorization_error();
                self.ensure_active_group(ctx);
                self.after_coordinator_found(ctx);
            }
            // `FindCoordinatorResponseHandler`: poll() throws `GroupAuthorizationException`.
            Err(error) if error.code == ErrorCode::GroupAuthorizationFailed => {
                let backoff_ms = self.rules.retry_backoff_max_ms;
                membership.find_after_ms = ctx.now_ms + backoff_ms;
                let error =
                    crate::client::metadata::group_authorization_error(&membership.group_id);
                self.report_error_once(error, ctx);
                ctx.after(backoff_ms, Timer::Consumer(ConsumerTimer::Retry));
            }
            Err(_) => {
                ctx.after(
                    self.rules.retry_backoff_ms,
                    Timer::Consumer(ConsumerTimer::Retry),
                );
            }
        }
    }

    fn joined(
        &mut self,
        request_id: u64,
        result: Result<JoinGroupOk, (KafkaError, String)>,
        ctx: &mut Ctx,
    ) {
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if membership.join_in_flight != Some(request_id) {
            return;
        }
        membership.join_in_flight = None;
        let ok = match result {
            Ok(ok) => ok,
            Err((error, member_id)) => return self.join_failed(error, member_id, ctx),
        };
        membership.generation = ok.generation_id;
        membership.member_id = ok.member_id.clone();
        membership.protocol = Some(ok.protocol);
        membership.leader = Some(ok.leader.clone());
        membership.state = MemberState::Syncing;
        let assignments = if ok.leader == ok.member_id && !ok.skip_assignment {
            self.perform_assignment(&ok)
        } else {
            Vec::new()
        };
        let Some(membership) = self.membership.as_ref() else {
            return;
        };
        let request_id = ctx.request_id();
        let request = GroupBody::SyncGroup {
            request_id,
            group_id: membership.group_id.clone(),
            generation_id: ok.generation_id,
            member_id: ok.member_id.clone(),
            group_instance_id: self.rules.group_instance_id.clone(),
            protocol: ok.protocol,
            assignments,
        };
        if self.send_to_coordinator(request, ctx).is_some() {
            if let Some(membership) = self.membership.as_mut() {
                membership.sync_in_flight = Some(request_id);
            }
        }
    }

    fn join_failed(&mut self, error: KafkaError, member_id: String, ctx: &mut Ctx) {
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        membership.state = MemberState::Unjoined;
        match error.code {
            // `JoinGroupResponseHandler`: poll() throws; the next poll joins again.
            ErrorCode::GroupAuthorizationFailed => {
                let error =
                    crate::client::metadata::group_authorization_error(&membership.group_id);
                self.report_error_once(error, ctx);
            }
            ErrorCode::MemberIdRequired => {
                membership.member_id = member_id;
                membership.rejoin = Some("need to re-join with the given member-id".to_string());
                self.ensure_active_group(ctx);
            }
            ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration => {
                membership.member_id.clear();
                membership.generation = -1;
                membership.rejoin = Some(format!("rebalance failed due to {}", error.code));
                self.ensure_active_group(ctx);
            }
            ErrorCode::NotCoordinator
            | ErrorCode::CoordinatorNotAvailable
            | ErrorCode::CoordinatorLoadInProgress => {
                membership.coordinator = None;
                membership.rejoin = Some(format!("rebalance failed due to {}", error.code));
                ctx.after(
                    self.rules.retry_backoff_ms,
                    Timer::Consumer(ConsumerTimer::Retry),
                );
            }
            ErrorCode::RebalanceInProgress => {
                membership.rejoin = Some("the group is rebalancing".to_string());
                self.ensure_active_group(ctx);
            }
            _ => self.report_error(error, ctx),
        }
    }

    /// A group authorization error is over once the group answers.
    fn forget_group_authorization_error(&mut self) {
        if self
            .last_error
            .as_ref()
            .is_some_and(|error| error.code == ErrorCode::GroupAuthorizationFailed)
        {
            self.last_error = None;
        }
    }

    /// As leader: runs the chosen assignor over every member's subscription.
    fn perform_assignment(&mut self, ok: &JoinGroupOk) -> Vec<(String, Vec<TopicPartition>)> {
        let mut counts: VecMap<String, i32> = VecMap::new();
        let mut snapshot: VecMap<String, i32> = VecMap::new();
        for member in &ok.members {
            for topic in &member.subscription.topics {
                let count = self.metadata.partition_count(topic);
                match count {
                    Some(count) => {
                        counts.insert(topic.clone(), count);
                    }
                    None => {
                        self.metadata.want(topic);
                    }
                }
                snapshot.insert(topic.clone(), count.unwrap_or(-1));
            }
        }
        let members: Vec<MemberSubscription> = ok
            .members
            .iter()
            .map(|member| MemberSubscription {
                member_id: member.member_id.clone(),
                group_instance_id: member.group_instance_id.clone(),
                topics: member.subscription.topics.clone(),
                owned_partitions: member.subscription.owned_partitions.clone(),
                generation: member.subscription.generation,
                rack_id: member.subscription.rack_id.clone(),
            })
            .collect();
        let assignment = assign(ok.protocol, &counts, &members);
        if let Some(membership) = self.membership.as_mut() {
            membership.assigned_counts = snapshot;
        }
        assignment.into_iter().collect()
    }

    fn synced(
        &mut self,
        request_id: u64,
        result: Result<Vec<TopicPartition>, KafkaError>,
        ctx: &mut Ctx,
    ) {
        let cooperative = self.cooperative();
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if membership.sync_in_flight != Some(request_id) {
            return;
        }
        membership.sync_in_flight = None;
        let assignment = match result {
            Ok(assignment) => assignment,
            Err(error) => {
                membership.state = MemberState::Unjoined;
                if matches!(
                    error.code,
                    ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration
                ) {
                    membership.generation = -1;
                    if error.code == ErrorCode::UnknownMemberId {
                        membership.member_id.clear();
                    }
                }
                membership.rejoin = Some(format!("rebalance failed due to {}", error.code));
                self.ensure_active_group(ctx);
                return;
            }
        };
        membership.state = MemberState::Stable;
        membership.needs_join_prepare = true;
        let generation = membership.generation;
        let group = membership.group_id.clone();
        let owned = membership.owned.clone();
        let revoked: Vec<TopicPartition> = owned
            .iter()
            .filter(|p| !assignment.contains(p))
            .cloned()
            .collect();
        let added: Vec<TopicPartition> = assignment
            .iter()
            .filter(|p| !owned.contains(p))
            .cloned()
            .collect();
        if cooperative && !revoked.is_empty() {
            self.revoke_partitions(revoked.clone(), ctx);
            if let Some(membership) = self.membership.as_mut() {
                membership.rejoin = Some("need to revoke partitions and re-join".to_string());
            }
        }
        if let Some(membership) = self.membership.as_mut() {
            membership.owned = assignment.clone();
        }
        ctx.emit(EventKind::PartitionsAssigned {
            consumer: self.id,
            group,
            generation,
            assigned: assignment.clone(),
            added,
            revoked: if cooperative { revoked } else { Vec::new() },
        });
        self.set_assignment(assignment, ctx);
        // `ConsumerCoordinator.onJoinComplete`: "Reschedule the auto commit starting from now".
        self.commits.last_auto_commit_ms = ctx.now_ms;
        // A pattern that matched other topics during the rebalance makes the member rejoin.
        self.check_subscription_changed();
        // A cooperative member that gave up partitions rejoins at once.
        self.ensure_active_group(ctx);
    }

    /// Gives up partitions (`onPartitionsRevoked` or `onPartitionsLost`). Nothing is committed
    /// here: an auto-committing member committed in `onJoinPrepare`, so the records a cooperative
    /// member read since then from a partition it gives up are read again by the next owner.
    fn revoke_partitions(&mut self, partitions: Vec<TopicPartition>, ctx: &mut Ctx) {
        if partitions.is_empty() {
            return;
        }
        for partition in &partitions {
            self.assigned.remove(partition);
        }
        if let Some(membership) = self.membership.as_mut() {
            membership.owned.retain(|p| !partitions.contains(p));
        }
        ctx.emit(EventKind::PartitionsRevoked {
            consumer: self.id,
            partitions,
        });
    }

    /// `resetGenerationOnResponseError`: the member's generation and id are gone; its
    /// partitions are lost (no commit) and it rejoins.
    pub(crate) fn reset_generation(&mut self, reason: String, ctx: &mut Ctx) {
        if let Some(membership) = self.membership.as_mut() {
            membership.member_id.clear();
            membership.generation = -1;
            membership.state = MemberState::Unjoined;
            membership.rejoin = Some(reason);
        }
        self.lose_partitions(ctx);
    }

    /// Partitions lost without a commit (the member was kicked out: `onPartitionsLost`).
    fn lose_partitions(&mut self, ctx: &mut Ctx) {
        let owned = self.owned_partitions();
        self.revoke_partitions(owned, ctx);
    }

    /// The partitions the consumer currently owns.
    pub fn owned_partitions(&self) -> Vec<TopicPartition> {
        self.membership
            .as_ref()
            .map(|m| m.owned.clone())
            .unwrap_or_default()
    }

    pub(crate) fn schedule_heartbeat(&mut self, ctx: &mut Ctx) {
        ctx.after(
            self.rules.heartbeat_interval_ms,
            Timer::Consumer(ConsumerTimer::Heartbeat),
        );
    }

    /// The heartbeat thread: checks `max.poll.interval.ms`, then heartbeats.
    pub(crate) fn heartbeat_tick(&mut self, ctx: &mut Ctx) {
        self.schedule_heartbeat(ctx);
        let poll_expired =
            ctx.now_ms - self.processing.last_poll_ms > self.rules.max_poll_interval_ms;
        let Some(membership) = self.membership.as_ref() else {
            return;
        };
        if !membership.joins || membership.generation < 0 {
            return;
        }
        if poll_expired && membership.state == MemberState::Stable {
            self.poll_timeout_expired(ctx);
            return;
        }
        if membership.heartbeat_in_flight.is_some() || membership.state == MemberState::Joining {
            return;
        }
        let request_id = ctx.request_id();
        let request = GroupBody::Heartbeat {
            request_id,
            group_id: membership.group_id.clone(),
            generation_id: membership.generation,
            member_id: membership.member_id.clone(),
            group_instance_id: self.rules.group_instance_id.clone(),
        };
        if self.send_to_coordinator(request, ctx).is_some() {
            if let Some(membership) = self.membership.as_mut() {
                membership.heartbeat_in_flight = Some(request_id);
            }
        } else {
            self.ensure_coordinator(ctx);
        }
    }

    /// `max.poll.interval.ms` passed without a poll (`AbstractCoordinator.maybeLeaveGroup`):
    /// a dynamic member leaves the group; a static member sends no LeaveGroup, but forgets its
    /// member id and generation all the same (`resetGenerationOnLeaveGroup`), so it stops
    /// heartbeating: the coordinator removes it after `session.timeout.ms`, unless it polls
    /// and rejoins first, taking its old place under its `group.instance.id`.
    fn poll_timeout_expired(&mut self, ctx: &mut Ctx) {
        let reason = format!(
            "consumer poll timeout has expired. This means the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms={}, which typically implies that the poll loop is spending too much time processing messages.",
            self.rules.max_poll_interval_ms
        );
        ctx.emit(EventKind::Client {
            client: Some(self.id),
            trace: format!("poll-timeout client-{}", self.id.0),
            description: format!("{}: {reason}", self.name),
        });
        if self.rules.group_instance_id.is_none() {
            self.leave_group(&reason, ctx);
        }
        self.lose_partitions(ctx);
        if let Some(membership) = self.membership.as_mut() {
            membership.member_id.clear();
            membership.generation = -1;
            membership.state = MemberState::Unjoined;
            membership.rejoin = Some("the consumer rejoins after its poll timeout".to_string());
        }
    }

    /// Sends LeaveGroup and forgets the member id and generation.
    pub(crate) fn leave_group(&mut self, reason: &str, ctx: &mut Ctx) {
        if !self.has_a_member_id() {
            return;
        }
        let Some(membership) = self.membership.as_ref() else {
            return;
        };
        let request = GroupBody::LeaveGroup {
            request_id: ctx.request_id(),
            group_id: membership.group_id.clone(),
            member_id: membership.member_id.clone(),
            group_instance_id: self.rules.group_instance_id.clone(),
            reason: reason.to_string(),
        };
        self.send_to_coordinator(request, ctx);
        if let Some(membership) = self.membership.as_mut() {
            membership.member_id.clear();
            membership.generation = -1;
            membership.state = MemberState::Unjoined;
        }
    }

    /// Whether the consumer joins a group and the coordinator gave it a member id: one it can
    /// leave the group with.
    fn has_a_member_id(&self) -> bool {
        self.membership
            .as_ref()
            .is_some_and(|m| m.joins && !m.member_id.is_empty())
    }

    fn heartbeat_answered(&mut self, request_id: u64, error: Option<KafkaError>, ctx: &mut Ctx) {
        let cooperative = self.cooperative();
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        if membership.heartbeat_in_flight != Some(request_id) {
            return;
        }
        membership.heartbeat_in_flight = None;
        let Some(error) = error else {
            return;
        };
        match error.code {
            ErrorCode::RebalanceInProgress
                if membership.rejoin.is_none() && membership.join_in_flight.is_none() =>
            {
                membership.rejoin = Some("group is already rebalancing".to_string());
                if !cooperative {
                    membership.state = MemberState::Unjoined;
                }
            }
            ErrorCode::RebalanceInProgress => {}
            ErrorCode::UnknownMemberId
            | ErrorCode::IllegalGeneration
            | ErrorCode::FencedInstanceId => {
                if error.code == ErrorCode::UnknownMemberId {
                    membership.member_id.clear();
                }
                membership.generation = -1;
                membership.state = MemberState::Unjoined;
                membership.rejoin = Some(format!(
                    "encountered {} from HEARTBEAT response",
                    error.code
                ));
                if error.code == ErrorCode::FencedInstanceId {
                    membership.rejoin = None;
                    self.report_error(error, ctx);
                }
                self.lose_partitions(ctx);
            }
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                membership.coordinator = None;
                self.ensure_coordinator(ctx);
            }
            _ => {}
        }
    }

    /// A group request got no answer, or was refused.
    pub(crate) fn group_request_failed(&mut self, request_id: u64, ctx: &mut Ctx) {
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        let was_group_request = [
            membership.find_in_flight,
            membership.join_in_flight,
            membership.sync_in_flight,
            membership.heartbeat_in_flight,
        ]
        .contains(&Some(request_id));
        if membership.find_in_flight == Some(request_id) {
            membership.find_in_flight = None;
        }
        if membership.join_in_flight == Some(request_id)
            || membership.sync_in_flight == Some(request_id)
        {
            membership.join_in_flight = None;
            membership.sync_in_flight = None;
            membership.state = MemberState::Unjoined;
            membership.rejoin = Some("the coordinator did not answer".to_string());
        }
        if membership.heartbeat_in_flight == Some(request_id) {
            membership.heartbeat_in_flight = None;
        }
        if was_group_request {
            membership.coordinator = None;
        }
        self.commit_request_failed(request_id, ctx);
        ctx.after(
            self.rules.retry_backoff_ms,
            Timer::Consumer(ConsumerTimer::Retry),
        );
    }

    /// `rejoinNeededOrPending`: a member whose subscription changed since its last JoinGroup
    /// (a pattern that matches other topics now) rejoins.
    pub(crate) fn check_subscription_changed(&mut self) {
        // Only a pattern's topics change between two joins.
        if self.pattern.is_none() {
            return;
        }
        let topics = self.subscribed_topics();
        let Some(membership) = self.membership.as_mut() else {
            return;
        };
        let changed = membership.rejoin.is_none()
            && membership.join_in_flight.is_none()
            && membership.sync_in_flight.is_none()
            && membership
                .joined_topics
                .as_ref()
                .is_some_and(|joined| *joined != topics);
        if changed {
            membership.rejoin = Some("subscription has changed".to_string());
        }
    }

    /// `rejoinNeededOrPending`: as leader, if a subscribed topic's partition count changed;
    /// then, if the subscription changed; rebalance.
    pub(crate) fn check_metadata_for_rejoin(&mut self, _ctx: &mut Ctx) {
        if let Some(membership) = self.membership.as_ref() {
            let is_leader = membership.leader.as_deref() == Some(membership.member_id.as_str())
                && membership.is_stable();
            // `MetadataSnapshot.matches`: a topic of the group's subscription that appeared,
            // disappeared (deleted, say) or changed its partition count.
            let changed = is_leader
                && membership.assigned_counts.iter().any(|(topic, count)| {
                    self.metadata.partition_count(topic).unwrap_or(-1) != *count
                });
            if changed {
                if let Some(membership) = self.membership.as_mut() {
                    membership.rejoin = Some("cached metadata has changed".to_string());
                }
            }
        }
        self.check_subscription_changed();
    }

    /// `close()`: commit (auto-commit), leave the group (dynamic members), stop. A member that
    /// leaves gives up its partitions first (`onLeavePrepare`), so a closed consumer owns none.
    pub fn close(&mut self, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        if self.rules.enable_auto_commit && self.rules.group_id.is_some() {
            self.commit(self.all_consumed(), false, ctx);
        }
        if self.rules.group_instance_id.is_none() {
            if self.has_a_member_id() {
                self.revoke_partitions(self.owned_partitions(), ctx);
            }
            self.leave_group("the consumer is being closed", ctx);
        }
        self.status = super::ConsumerStatus::Closed;
    }
}
