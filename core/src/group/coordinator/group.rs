//! A classic consumer group as its coordinator keeps it (Kafka's `ClassicGroup`): state,
//! generation, chosen protocol (assignor), leader, members, static members, and the members the
//! current rebalance is still waiting for.
//!
//! Kafka keeps the members in a `java.util.HashMap`; who becomes leader when the leader leaves,
//! the order of members in the leader's JoinGroup response and the tie-break of the protocol
//! vote all follow its iteration order, which this module reproduces (see
//! `group::assignor::java_order`).

use crate::vec_map::{VecMap, VecSet};

use crate::error::ErrorCode;
use crate::group::assignor::java_order::{string_hash_code, HashTableOrder};
use crate::kinds::AssignorKind;
use crate::protocol::group::{JoinedMember, Subscription};

use super::member::{ClassicGroupMember, PendingResponse, CONSUMER_PROTOCOL_TYPE};
use super::state::GroupState;

/// A classic group.
#[derive(Debug, Clone)]
pub struct ClassicGroup {
    /// The group id.
    pub group_id: String,
    /// Its state.
    pub state: GroupState,
    /// The state before.
    pub previous_state: GroupState,
    /// When it entered its state (wall clock ms); offsets of an Empty group expire
    /// `offsets.retention.minutes` after it (KIP-211).
    pub state_timestamp_ms: Option<i64>,
    /// `consumer`, or `None` for a group that only commits offsets (simple consumers).
    pub protocol_type: Option<String>,
    /// The assignor chosen for the current generation.
    pub protocol: Option<AssignorKind>,
    /// The generation.
    pub generation: i32,
    /// The leader's member id.
    pub leader: Option<String>,
    /// The members by id.
    pub members: VecMap<String, ClassicGroupMember>,
    /// `group.instance.id` -> member id.
    pub static_members: VecMap<String, String>,
    /// Members given an id (MEMBER_ID_REQUIRED) that have not joined with it yet, with their
    /// session expiry timer.
    pub pending_join: VecMap<String, u64>,
    /// Members expected to send SyncGroup in this generation.
    pub pending_sync: VecSet<String>,
    /// Whether a member joined during the initial rebalance delay (which then extends).
    pub new_member_added: bool,
    /// The topics the members subscribe to, when known.
    pub subscribed_topics: Option<VecSet<String>>,
    /// The current join phase timer (rebalance timeout or initial delay).
    pub join_timer: Option<u64>,
    /// The current pending sync timer.
    pub sync_timer: Option<u64>,
    /// The iteration order of Kafka's `members` HashMap.
    order: HashTableOrder<String>,
}

impl ClassicGroup {
    /// A new, Empty group in generation 0.
    pub fn new(group_id: &str, now_ms: i64) -> ClassicGroup {
        ClassicGroup {
            group_id: group_id.to_string(),
            state: GroupState::Empty,
            previous_state: GroupState::Dead,
            state_timestamp_ms: Some(now_ms),
            protocol_type: None,
            protocol: None,
            generation: 0,
            leader: None,
            members: VecMap::new(),
            static_members: VecMap::new(),
            pending_join: VecMap::new(),
            pending_sync: VecSet::new(),
            new_member_added: false,
            subscribed_topics: None,
            join_timer: None,
            sync_timer: None,
            order: HashTableOrder::new(),
        }
    }

    /// `transitionTo`: moves to `state`, remembering when.
    pub fn transition_to(&mut self, state: GroupState, now_ms: i64) {
        debug_assert!(
            self.state.can_transition_to(state),
            "group {} cannot go from {} to {state}",
            self.group_id,
            self.state
        );
        self.previous_state = self.state;
        self.state = state;
        self.state_timestamp_ms = Some(now_ms);
    }

    /// Whether the group is in `state`.
    pub fn is(&self, state: GroupState) -> bool {
        self.state == state
    }

    /// `canRebalance`: Stable, CompletingRebalance or Empty.
    pub fn can_rebalance(&self) -> bool {
        GroupState::PreparingRebalance
            .valid_previous_states()
            .contains(&self.state)
    }

    /// The member ids in Kafka's iteration order.
    pub fn member_ids(&self) -> Vec<String> {
        self.order.iteration_order()
    }

    /// Whether `member_id` is the leader.
    pub fn is_leader(&self, member_id: &str) -> bool {
        self.leader.as_deref() == Some(member_id)
    }

    /// `add`: a new member; the first member fixes the protocol type, and leads if nobody does.
    pub fn add(&mut self, member: ClassicGroupMember) {
        if let Some(instance) = &member.group_instance_id {
            self.static_members
                .insert(instance.clone(), member.member_id.clone());
        }
        if self.members.is_empty() {
            self.protocol_type = Some(CONSUMER_PROTOCOL_TYPE.to_string());
        }
        if self.leader.is_none() {
            self.leader = Some(member.member_id.clone());
        }
        self.pending_join.remove(&member.member_id);
        self.order.insert(
            member.member_id.clone(),
            string_hash_code(&member.member_id),
        );
        self.members.insert(member.member_id.clone(), member);
    }

    /// `remove`: drops a member (or pending member); a new leader is the first remaining member
    /// in iteration order.
    pub fn remove(&mut self, member_id: &str) -> Option<ClassicGroupMember> {
        let removed = self.members.remove(member_id);
        if let Some(member) = &removed {
            self.order.remove(&member.member_id);
            if let Some(instance) = &member.group_instance_id {
                self.static_members.remove(instance);
            }
        }
        if self.is_leader(member_id) {
            self.leader = self.order.first();
        }
        self.pending_join.remove(member_id);
        self.pending_sync.remove(member_id);
        removed
    }

    /// `replaceStaticMember`: the member of `group_instance_id` gets a new member id, keeping
    /// everything else. Returns the old member's held requests, to be fenced.
    pub fn replace_static_member(
        &mut self,
        group_instance_id: &str,
        old_member_id: &str,
        new_member_id: &str,
    ) -> (Option<PendingResponse>, Option<PendingResponse>) {
        let Some(mut member) = self.members.remove(old_member_id) else {
            return (None, None);
        };
        self.order.remove(&old_member_id.to_string());
        let held = (member.awaiting_join.take(), member.awaiting_sync.take());
        member.member_id = new_member_id.to_string();
        self.order
            .insert(new_member_id.to_string(), string_hash_code(new_member_id));
        self.members.insert(new_member_id.to_string(), member);
        if self.is_leader(old_member_id) {
            self.leader = Some(new_member_id.to_string());
        }
        self.static_members
            .insert(group_instance_id.to_string(), new_member_id.to_string());
        held
    }

    /// How many members' JoinGroup the coordinator holds.
    pub fn num_awaiting_join(&self) -> usize {
        self.members
            .values()
            .filter(|member| member.is_awaiting_join())
            .count()
    }

    /// `hasAllMembersJoined`: every member has rejoined and no pending member is expected.
    pub fn has_all_members_joined(&self) -> bool {
        self.members.len() == self.num_awaiting_join() && self.pending_join.is_empty()
    }

    /// `notYetRejoinedMembers`, in iteration order.
    pub fn not_yet_rejoined(&self) -> Vec<String> {
        self.member_ids()
            .into_iter()
            .filter(|id| {
                self.members
                    .get(id)
                    .is_some_and(|member| !member.is_awaiting_join())
            })
            .collect()
    }

    /// `maybeElectNewJoinedLeader`: keeps the leader if it rejoined, else picks the first member
    /// that did. False when no member rejoined (or there is no leader).
    pub fn maybe_elect_new_joined_leader(&mut self) -> bool {
        let Some(leader) = self.leader.clone() else {
            return false;
        };
        if self
            .members
            .get(&leader)
            .is_some_and(ClassicGroupMember::is_awaiting_join)
        {
            return true;
        }
        let joined = self.member_ids().into_iter().find(|id| {
            self.members
                .get(id)
                .is_some_and(ClassicGroupMember::is_awaiting_join)
        });
        match joined {
            Some(id) => {
                self.leader = Some(id);
                true
            }
            None => false,
        }
    }

    /// `supportsProtocols`: an Empty group takes any non-empty list; otherwise one of the
    /// member's protocols must be supported by every member.
    pub fn supports_protocols(&self, protocols: &[AssignorKind]) -> bool {
        if self.is(GroupState::Empty) {
            return !protocols.is_empty();
        }
        let candidates = self.candidate_protocols();
        protocols.iter().any(|kind| candidates.contains(kind))
    }

    /// The protocols every member supports.
    pub fn candidate_protocols(&self) -> Vec<AssignorKind> {
        AssignorKind::ALL
            .iter()
            .copied()
            .filter(|kind| {
                !self.members.is_empty()
                    && self
                        .members
                        .values()
                        .all(|member| member.protocol_names().contains(kind))
            })
            .collect()
    }

    /// `selectProtocol`: every member votes for its preferred candidate; most votes win, a tie
    /// going to the protocol Kafka's `HashMap` of votes iterates first.
    pub fn select_protocol(&self) -> Option<AssignorKind> {
        let candidates = self.candidate_protocols();
        let mut votes: VecMap<AssignorKind, i32> = VecMap::new();
        let mut vote_order = HashTableOrder::new();
        for id in self.member_ids() {
            let Some(vote) = self.members.get(&id).and_then(|m| m.vote(&candidates)) else {
                continue;
            };
            *votes.entry(vote).or_default() += 1;
            vote_order.insert(vote, string_hash_code(vote.protocol_name()));
        }
        let mut best: Option<(AssignorKind, i32)> = None;
        for kind in vote_order.iteration_order() {
            let count = votes.get(&kind).copied().unwrap_or(0);
            if best.is_none_or(|(_, most)| count > most) {
                best = Some((kind, count));
            }
        }
        best.map(|(kind, _)| kind)
    }

    /// `computeSubscribedTopics`: the union of the members' subscriptions for the chosen
    /// protocol; empty for a consumer group without members; unknown without a protocol type.
    pub fn compute_subscribed_topics(&self) -> Option<VecSet<String>> {
        self.protocol_type.as_ref()?;
        if self.members.is_empty() {
            return Some(VecSet::new());
        }
        let protocol = self.protocol?;
        let mut topics = VecSet::new();
        for member in self.members.values() {
            topics.extend(member.subscription(protocol)?.topics.iter().cloned());
        }
        Some(topics)
    }

    /// `isSubscribedToTopic`.
    pub fn is_subscribed_to_topic(&self, topic: &str) -> bool {
        match &self.subscribed_topics {
            Some(topics) => topics.contains(topic),
            None => self.protocol_type.as_deref() == Some(CONSUMER_PROTOCOL_TYPE),
        }
    }

    /// `initNextGeneration`: the generation goes up; with members, the protocol is chosen and
    /// the group waits for the leader's assignment; without, it is Empty.
    pub fn init_next_generation(&mut self, now_ms: i64) {
        self.generation += 1;
        if self.members.is_empty() {
            self.protocol = None;
            self.subscribed_topics = self.compute_subscribed_topics();
            self.transition_to(GroupState::Empty, now_ms);
        } else {
            self.protocol = self.select_protocol();
            self.subscribed_topics = self.compute_subscribed_topics();
            self.transition_to(GroupState::CompletingRebalance, now_ms);
        }
        self.pending_sync.clear();
    }

    /// `rebalanceTimeoutMs`: the largest `max.poll.interval.ms` of the members.
    pub fn rebalance_timeout_ms(&self) -> i64 {
        self.members
            .values()
            .map(|member| member.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }

    /// `isStaticMemberFenced`: the instance id is known under another member id.
    pub fn is_static_member_fenced(&self, group_instance_id: &str, member_id: &str) -> bool {
        self.static_members
            .get(group_instance_id)
            .is_some_and(|existing| existing != member_id)
    }

    /// `validateMember`: the instance id must map to this member id (`FENCED_INSTANCE_ID`,
    /// `UNKNOWN_MEMBER_ID`) and the member must exist (`UNKNOWN_MEMBER_ID`).
    pub fn validate_member(
        &self,
        member_id: &str,
        group_instance_id: Option<&str>,
    ) -> Result<(), ErrorCode> {
        if let Some(instance) = group_instance_id {
            match self.static_members.get(instance) {
                None => return Err(ErrorCode::UnknownMemberId),
                Some(existing) if existing != member_id => return Err(ErrorCode::FencedInstanceId),
                Some(_) => {}
            }
        }
        if self.members.contains_key(member_id) {
            Ok(())
        } else {
            Err(ErrorCode::UnknownMemberId)
        }
    }

    /// `validateOffsetCommit`: generation -1 commits are for Empty groups (simple consumers,
    /// the admin client); a member commits in its current generation, and not while the group
    /// waits for the leader's assignment.
    pub fn validate_offset_commit(
        &self,
        member_id: &str,
        group_instance_id: Option<&str>,
        generation: i32,
        is_transactional: bool,
    ) -> Result<(), ErrorCode> {
        if self.is(GroupState::Dead) {
            return Err(ErrorCode::CoordinatorNotAvailable);
        }
        if generation < 0 && self.is(GroupState::Empty) {
            return Ok(());
        }
        if generation >= 0 || !member_id.is_empty() || group_instance_id.is_some() {
            self.validate_member(member_id, group_instance_id)?;
            if generation != self.generation {
                return Err(ErrorCode::IllegalGeneration);
            }
        } else if !is_transactional && !self.is(GroupState::Empty) {
            return Err(ErrorCode::UnknownMemberId);
        }
        if !is_transactional && self.is(GroupState::CompletingRebalance) {
            return Err(ErrorCode::RebalanceInProgress);
        }
        Ok(())
    }

    /// `currentClassicGroupMembers`: every member with its subscription for the chosen
    /// protocol, in iteration order (what the leader's JoinGroup response lists).
    pub fn current_members(&self) -> Vec<JoinedMember> {
        let Some(protocol) = self.protocol else {
            return Vec::new();
        };
        self.member_ids()
            .into_iter()
            .filter_map(|id| {
                let member = self.members.get(&id)?;
                Some(JoinedMember {
                    member_id: id,
                    group_instance_id: member.group_instance_id.clone(),
                    subscription: member
                        .subscription(protocol)
                        .cloned()
                        .unwrap_or(Subscription {
                            topics: Vec::new(),
                            owned_partitions: Vec::new(),
                            generation: None,
                            rack_id: None,
                        }),
                })
            })
            .collect()
    }

    /// Whether the group has members.
    pub fn has_members(&self) -> bool {
        !self.members.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{ClientId, NodeId};

    fn member(id: &str, protocols: &[AssignorKind]) -> ClassicGroupMember {
        let subscription = Subscription {
            topics: vec!["orders".into()],
            owned_partitions: Vec::new(),
            generation: None,
            rack_id: None,
        };
        ClassicGroupMember {
            member_id: id.into(),
            group_instance_id: None,
            client_id: id.into(),
            client_host: "/10.0.0.1".into(),
            rebalance_timeout_ms: 300_000,
            session_timeout_ms: 45_000,
            protocols: protocols
                .iter()
                .map(|kind| (*kind, subscription.clone()))
                .collect(),
            assignment: Vec::new(),
            awaiting_join: None,
            awaiting_sync: None,
            is_new: false,
            heartbeat_timer: 0,
        }
    }

    fn waiting() -> Option<PendingResponse> {
        Some(PendingResponse {
            node: NodeId::Client(ClientId(0)),
            request_id: 0,
        })
    }

    // ClassicGroupTest.testSelectProtocol: the protocol every member supports with most votes.
    #[test]
    fn the_protocol_with_most_votes_among_common_ones_wins() {
        let mut group = ClassicGroup::new("g", 0);
        group.add(member(
            "a",
            &[AssignorKind::Range, AssignorKind::RoundRobin],
        ));
        group.add(member(
            "b",
            &[AssignorKind::RoundRobin, AssignorKind::Range],
        ));
        group.add(member(
            "c",
            &[AssignorKind::RoundRobin, AssignorKind::Sticky],
        ));
        // Only roundrobin is common to all three.
        assert_eq!(group.select_protocol(), Some(AssignorKind::RoundRobin));
        group.remove("c");
        // range and roundrobin get one vote each: Java's HashMap order decides.
        let winner = group.select_protocol();
        assert!(matches!(
            winner,
            Some(AssignorKind::Range | AssignorKind::RoundRobin)
        ));
    }

    // ClassicGroupTest.testSupportsProtocols.
    #[test]
    fn a_non_empty_group_accepts_only_members_sharing_a_protocol() {
        let mut group = ClassicGroup::new("g", 0);
        assert!(group.supports_protocols(&[AssignorKind::Range]));
        assert!(!group.supports_protocols(&[]));
        group.add(member("a", &[AssignorKind::Range]));
        group.transition_to(GroupState::PreparingRebalance, 1);
        assert!(group.supports_protocols(&[AssignorKind::Sticky, AssignorKind::Range]));
        assert!(!group.supports_protocols(&[AssignorKind::Sticky]));
    }

    // ClassicGroupTest.testCanRebalanceWhenStable / ...WhenCompletingRebalance.
    #[test]
    fn only_stable_completing_or_empty_groups_can_rebalance() {
        let mut group = ClassicGroup::new("g", 0);
        assert!(group.can_rebalance());
        group.transition_to(GroupState::PreparingRebalance, 1);
        assert!(!group.can_rebalance());
        group.transition_to(GroupState::CompletingRebalance, 2);
        assert!(group.can_rebalance());
        group.transition_to(GroupState::Stable, 3);
        assert!(group.can_rebalance());
        group.transition_to(GroupState::Dead, 4);
        assert!(!group.can_rebalance());
    }

    // ClassicGroupTest.testMaybeElectNewJoinedLeader...
    #[test]
    fn a_leader_that_did_not_rejoin_is_replaced_by_a_member_that_did() {
        let mut group = ClassicGroup::new("g", 0);
        group.add(member("a", &[AssignorKind::Range]));
        group.add(member("b", &[AssignorKind::Range]));
        assert!(group.is_leader("a"));
        assert!(!group.maybe_elect_new_joined_leader());
        if let Some(b) = group.members.get_mut("b") {
            b.awaiting_join = waiting();
        }
        assert!(group.maybe_elect_new_joined_leader());
        assert!(group.is_leader("b"));
    }

    #[test]
    fn removing_the_leader_promotes_the_first_member_in_iteration_order() {
        let mut group = ClassicGroup::new("g", 0);
        for id in ["consumer1", "consumer2", "consumer3", "consumer4"] {
            group.add(member(id, &[AssignorKind::Range]));
        }
        assert!(group.is_leader("consumer1"));
        group.remove("consumer1");
        // Java's HashMap iterates these keys as consumer4, consumer3, consumer2.
        assert!(group.is_leader("consumer4"));
        assert_eq!(
            group.member_ids(),
            vec!["consumer4", "consumer3", "consumer2"]
        );
    }

    // ClassicGroupTest.testValidateOffsetCommit.
    #[test]
    fn offset_commits_are_validated_as_kafka_does() {
        let mut group = ClassicGroup::new("g", 0);
        assert_eq!(group.validate_offset_commit("", None, -1, false), Ok(()));
        group.add(member("a", &[AssignorKind::Range]));
        group.transition_to(GroupState::PreparingRebalance, 1);
        group.init_next_generation(2);
        assert_eq!(group.state, GroupState::CompletingRebalance);
        assert_eq!(
            group.validate_offset_commit("", None, -1, false),
            Err(ErrorCode::UnknownMemberId)
        );
        assert_eq!(
            group.validate_offset_commit("a", None, 1, false),
            Err(ErrorCode::RebalanceInProgress)
        );
        assert_eq!(group.validate_offset_commit("a", None, 1, true), Ok(()));
        group.transition_to(GroupState::Stable, 3);
        assert_eq!(group.validate_offset_commit("a", None, 1, false), Ok(()));
        assert_eq!(
            group.validate_offset_commit("a", None, 0, false),
            Err(ErrorCode::IllegalGeneration)
        );
        assert_eq!(
            group.validate_offset_commit("x", None, 1, false),
            Err(ErrorCode::UnknownMemberId)
        );
    }

    #[test]
    fn a_static_member_with_another_member_id_is_fenced() {
        let mut group = ClassicGroup::new("g", 0);
        let mut a = member("a", &[AssignorKind::Range]);
        a.group_instance_id = Some("i".into());
        group.add(a);
        assert_eq!(group.validate_member("a", Some("i")), Ok(()));
        assert_eq!(
            group.validate_member("b", Some("i")),
            Err(ErrorCode::FencedInstanceId)
        );
        assert_eq!(
            group.validate_member("a", Some("j")),
            Err(ErrorCode::UnknownMemberId)
        );
        let _ = group.replace_static_member("i", "a", "a2");
        assert!(group.is_leader("a2"));
        assert_eq!(group.validate_member("a2", Some("i")), Ok(()));
    }
}
