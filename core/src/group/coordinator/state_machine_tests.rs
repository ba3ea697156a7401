//! The coordinator's state machine driven directly, as Kafka's `GroupMetadataManagerTest` and
//! `OffsetMetadataManagerTest` drive theirs: requests in, responses and records out, time
//! advanced by hand, and a log standing in for the `__consumer_offsets` partition.

use std::sync::Arc;

use crate::broker::BrokerTimer;
use crate::cluster::config::ClusterConfig;
use crate::cluster::context::{Ctx, Outbox};
use crate::cluster::settings::BrokerSettings;
use crate::cluster::timer::Timer;
use crate::config::broker::BrokerConfig;
use crate::error::ErrorCode;
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::kinds::{AssignorKind, CompressionType};
use crate::log::{ControlType, LeaderAppend, LogConfig, PartitionLog, ProducedBatch};
use crate::network::{ClientId, NodeId};
use crate::protocol::group::{JoinGroupOk, OffsetToCommit, Subscription};
use crate::protocol::{Body, GroupBody};
use crate::rng::SimRng;

use super::records::record_set;
use super::state::GroupState;
use super::{CoordinatorEnv, CoordinatorTimer, GroupCoordinator, OFFSETS_TOPIC};

const GROUP: &str = "g";

struct Harness {
    coordinator: GroupCoordinator,
    settings: BrokerSettings,
    config: ClusterConfig,
    rng: SimRng,
    next_request_id: u64,
    now_ms: i64,
    outbox: Outbox,
    timers: Vec<(i64, CoordinatorTimer)>,
    responses: Vec<(NodeId, GroupBody)>,
    log: PartitionLog,
    /// Whether writes are replicated at once (else they wait for `replicate`).
    auto_replicate: bool,
}

impl Harness {
    fn new() -> Harness {
        let mut harness = Harness {
            coordinator: GroupCoordinator::default(),
            settings: BrokerSettings::from_config(&BrokerConfig::default()),
            config: ClusterConfig::default(),
            rng: SimRng::seed_from_u64(3),
            next_request_id: 1000,
            now_ms: 0,
            outbox: Outbox::default(),
            timers: Vec::new(),
            responses: Vec::new(),
            log: PartitionLog::new(TopicPartition::new(OFFSETS_TOPIC, 0), 0),
            auto_replicate: true,
        };
        harness.load(0);
        harness
    }

    fn run<R>(
        &mut self,
        f: impl FnOnce(&mut GroupCoordinator, CoordinatorEnv, &mut Ctx) -> R,
    ) -> R {
        let mut ctx = Ctx {
            node: NodeId::Broker(BrokerId(1)),
            incarnation: 0,
            now_ms: self.now_ms,
            clock_ms: self.now_ms,
            rng: &mut self.rng,
            principals: &crate::acl::NO_PRINCIPALS,
            config: &self.config,
            out: &mut self.outbox,
            next_request_id: &mut self.next_request_id,
        };
        let env = CoordinatorEnv {
            settings: &self.settings,
            broker: BrokerId(1),
            partition_count: 1,
        };
        let result = f(&mut self.coordinator, env, &mut ctx);
        self.collect();
        if self.auto_replicate {
            self.replicate();
        }
        result
    }

    fn collect(&mut self) {
        for (_, to, body) in std::mem::take(&mut self.outbox.sends) {
            if let Body::Group(body) = body {
                self.responses.push((to, body));
            }
        }
        for (at_ms, entry) in std::mem::take(&mut self.outbox.timers) {
            if let Timer::Broker(BrokerTimer::GroupCoordinator(timer)) = entry.timer {
                self.timers.push((at_ms, timer));
            }
        }
        self.outbox.events.clear();
    }

    /// Appends queued writes to the log and reports them replicated.
    fn replicate(&mut self) {
        loop {
            let appends = self.coordinator.runtime.take_appends();
            if appends.is_empty() {
                return;
            }
            for append in appends {
                let records = Arc::new(record_set(&append.records, self.now_ms));
                let batch = match append.producer {
                    None => ProducedBatch::plain(CompressionType::None, records),
                    Some((producer_id, producer_epoch)) => ProducedBatch {
                        producer_id,
                        producer_epoch,
                        base_sequence: 0,
                        is_transactional: true,
                        compression: CompressionType::None,
                        records,
                    },
                };
                let appended =
                    self.log
                        .append_as_leader(&batch, 0, self.now_ms, &LogConfig::compacted());
                let Ok(LeaderAppend::Appended { batch }) = appended else {
                    panic!("append failed: {appended:?}");
                };
                let write_id = append.write_id;
                self.coordinator
                    .runtime
                    .appended(write_id, batch.base_offset);
                self.run(|c, env, ctx| c.write_completed(write_id, Ok(()), env, ctx));
            }
        }
    }

    fn load(&mut self, epoch: i32) {
        let partition = TopicPartition::new(OFFSETS_TOPIC, 0);
        self.run(|c, env, ctx| c.begin_loading(partition, epoch, 0, env, ctx));
        let log = self.log.clone();
        self.run(|c, env, ctx| c.finish_loading(0, epoch, &log, env, ctx));
        self.timers
            .retain(|(_, t)| !matches!(t, CoordinatorTimer::Load { .. }));
    }

    /// Advances time, firing due timers in order.
    fn advance(&mut self, ms: i64) {
        let until = self.now_ms + ms;
        loop {
            self.timers.sort_by_key(|(at, _)| *at);
            let Some(index) = self.timers.iter().position(|(at, _)| *at <= until) else {
                break;
            };
            let (at, timer) = self.timers.remove(index);
            self.now_ms = self.now_ms.max(at);
            self.run(|c, env, ctx| c.handle_timer(timer, env, ctx));
        }
        self.now_ms = until;
    }

    fn request(&mut self, client: u32, body: GroupBody) -> u64 {
        let request_id = body.request_id();
        self.run(|c, env, ctx| {
            c.handle_request(NodeId::Client(ClientId(client)), body, Vec::new(), env, ctx)
        });
        request_id
    }

    fn response(&mut self, request_id: u64) -> Option<GroupBody> {
        let index = self
            .responses
            .iter()
            .position(|(_, body)| body.request_id() == request_id)?;
        Some(self.responses.remove(index).1)
    }

    fn fresh_id(&mut self) -> u64 {
        self.next_request_id += 1;
        self.next_request_id
    }

    fn join(&mut self, client: u32, member_id: &str, instance: Option<&str>) -> u64 {
        self.join_with(
            client,
            member_id,
            instance,
            vec![AssignorKind::Range],
            30_000,
        )
    }

    fn join_with(
        &mut self,
        client: u32,
        member_id: &str,
        instance: Option<&str>,
        assignors: Vec<AssignorKind>,
        session_timeout_ms: i64,
    ) -> u64 {
        let request_id = self.fresh_id();
        let subscription = Subscription {
            topics: vec!["orders".into()],
            owned_partitions: Vec::new(),
            generation: None,
            rack_id: None,
        };
        self.request(
            client,
            GroupBody::JoinGroup {
                request_id,
                group_id: GROUP.into(),
                member_id: member_id.into(),
                group_instance_id: instance.map(str::to_string),
                client_id: format!("c{client}"),
                session_timeout_ms,
                rebalance_timeout_ms: 60_000,
                protocols: assignors
                    .into_iter()
                    .map(|a| (a, subscription.clone()))
                    .collect(),
                reason: String::new(),
            },
        )
    }

    fn join_result(&mut self, request_id: u64) -> Option<Result<JoinGroupOk, (ErrorCode, String)>> {
        match self.response(request_id)? {
            GroupBody::JoinGroupResponse { result, .. } => {
                Some(result.map_err(|(error, member)| (error.code, member)))
            }
            _ => None,
        }
    }

    /// A dynamic member joins for good: MEMBER_ID_REQUIRED, then a join with the given id.
    fn join_dynamic(&mut self, client: u32) -> (String, u64) {
        let first = self.join(client, "", None);
        let Some(Err((ErrorCode::MemberIdRequired, member_id))) = self.join_result(first) else {
            panic!("expected MEMBER_ID_REQUIRED");
        };
        let second = self.join(client, &member_id, None);
        (member_id, second)
    }

    fn sync(
        &mut self,
        client: u32,
        member_id: &str,
        generation: i32,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) -> u64 {
        let request_id = self.fresh_id();
        self.request(
            client,
            GroupBody::SyncGroup {
                request_id,
                group_id: GROUP.into(),
                generation_id: generation,
                member_id: member_id.into(),
                group_instance_id: None,
                protocol: AssignorKind::Range,
                assignments,
            },
        )
    }

    fn sync_result(&mut self, request_id: u64) -> Option<Result<Vec<TopicPartition>, ErrorCode>> {
        match self.response(request_id)? {
            GroupBody::SyncGroupResponse { result, .. } => Some(result.map_err(|e| e.code)),
            _ => None,
        }
    }

    fn heartbeat(
        &mut self,
        client: u32,
        member_id: &str,
        instance: Option<&str>,
        generation: i32,
    ) -> Option<ErrorCode> {
        let request_id = self.fresh_id();
        self.request(
            client,
            GroupBody::Heartbeat {
                request_id,
                group_id: GROUP.into(),
                generation_id: generation,
                member_id: member_id.into(),
                group_instance_id: instance.map(str::to_string),
            },
        );
        match self.response(request_id) {
            Some(GroupBody::HeartbeatResponse { error, .. }) => error.map(|e| e.code),
            other => panic!("no heartbeat answer: {other:?}"),
        }
    }

    fn commit(
        &mut self,
        client: u32,
        member_id: &str,
        generation: i32,
        offset: i64,
    ) -> Result<(), ErrorCode> {
        let request_id = self.fresh_id();
        self.request(
            client,
            GroupBody::OffsetCommit {
                request_id,
                group_id: GROUP.into(),
                generation_id: generation,
                member_id: member_id.into(),
                group_instance_id: None,
                offsets: vec![to_commit(offset)],
            },
        );
        match self.response(request_id) {
            Some(GroupBody::OffsetCommitResponse { results, .. }) => {
                results[0].1.clone().map_err(|e| e.code)
            }
            other => panic!("no commit answer: {other:?}"),
        }
    }

    fn fetch(&mut self, require_stable: bool) -> Result<Option<Offset>, ErrorCode> {
        let request_id = self.fresh_id();
        self.request(
            9,
            GroupBody::OffsetFetch {
                request_id,
                group_id: GROUP.into(),
                partitions: vec![orders(0)],
                require_stable,
            },
        );
        match self.response(request_id) {
            // A group-level error, or the partition's own.
            Some(GroupBody::OffsetFetchResponse { result, .. }) => result
                .and_then(|offsets| offsets[0].1.clone())
                .map(|fetched| fetched.map(|fetched| fetched.offset))
                .map_err(|e| e.code),
            other => panic!("no fetch answer: {other:?}"),
        }
    }

    fn state(&self) -> Option<GroupState> {
        self.coordinator
            .shard(0)?
            .groups
            .get(GROUP)
            .map(|g| g.state)
    }

    fn generation(&self) -> i32 {
        self.coordinator
            .shard(0)
            .and_then(|s| s.groups.get(GROUP))
            .map_or(-1, |g| g.generation)
    }

    /// One member, joined, synced and Stable with every partition. Returns its member id.
    fn stable_single_member(&mut self) -> String {
        let (member_id, join) = self.join_dynamic(1);
        self.advance(self.settings.group_initial_rebalance_delay_ms);
        let Some(Ok(ok)) = self.join_result(join) else {
            panic!("join did not complete");
        };
        let sync = self.sync(
            1,
            &member_id,
            ok.generation_id,
            vec![(member_id.clone(), vec![orders(0), orders(1)])],
        );
        assert_eq!(self.sync_result(sync), Some(Ok(vec![orders(0), orders(1)])));
        member_id
    }
}

fn orders(partition: i32) -> TopicPartition {
    TopicPartition::new("orders", partition)
}

fn to_commit(offset: i64) -> OffsetToCommit {
    OffsetToCommit {
        partition: orders(0),
        offset: Offset(offset),
        leader_epoch: None,
        metadata: String::new(),
    }
}

// GroupMetadataManagerTest.testJoinGroupShouldReceiveErrorIfSessionTimeoutInvalid.
#[test]
fn a_session_timeout_outside_the_brokers_bounds_is_refused() {
    let mut h = Harness::new();
    let request = h.join_with(1, "", None, vec![AssignorKind::Range], 1_000);
    assert!(matches!(
        h.join_result(request),
        Some(Err((ErrorCode::InvalidSessionTimeout, _)))
    ));
    let request = h.join_with(1, "", None, vec![AssignorKind::Range], 3_600_000);
    assert!(matches!(
        h.join_result(request),
        Some(Err((ErrorCode::InvalidSessionTimeout, _)))
    ));
}

// GroupMetadataManagerTest.testJoinGroupUnknownMemberNewGroup / KIP-394.
#[test]
fn a_first_join_gets_a_member_id_to_rejoin_with() {
    let mut h = Harness::new();
    let request = h.join(1, "", None);
    let Some(Err((ErrorCode::MemberIdRequired, member_id))) = h.join_result(request) else {
        panic!("expected MEMBER_ID_REQUIRED");
    };
    assert!(member_id.starts_with("c1-"));
    assert_eq!(h.state(), Some(GroupState::Empty));
    // A known member id for a group that does not exist is refused.
    let mut other = Harness::new();
    let request = other.join(1, &member_id, None);
    assert!(matches!(
        other.join_result(request),
        Some(Err((ErrorCode::UnknownMemberId, _)))
    ));
}

// GroupMetadataManagerTest.testInitialRebalanceDelay...: the first rebalance waits
// group.initial.rebalance.delay.ms, extended while new members join.
#[test]
fn the_initial_rebalance_waits_for_more_members() {
    let mut h = Harness::new();
    let (first, first_join) = h.join_dynamic(1);
    h.advance(2_000);
    assert_eq!(h.join_result(first_join), None);
    let (second, second_join) = h.join_dynamic(2);
    h.advance(1_000);
    // The delay was extended by the second member.
    assert_eq!(h.join_result(first_join), None);
    h.advance(3_000);
    let Some(Ok(leader_view)) = h.join_result(first_join) else {
        panic!("first member not answered");
    };
    let Some(Ok(follower_view)) = h.join_result(second_join) else {
        panic!("second member not answered");
    };
    assert_eq!(leader_view.generation_id, 1);
    assert_eq!(leader_view.leader, first);
    assert_eq!(leader_view.members.len(), 2);
    assert!(follower_view.members.is_empty());
    assert_eq!(follower_view.member_id, second);
    assert_eq!(h.state(), Some(GroupState::CompletingRebalance));
}

// GroupMetadataManagerTest.testSyncGroupFollowerAfterLeader / ...LeaderAfterFollower.
#[test]
fn followers_wait_in_sync_group_until_the_leaders_assignment_is_stored() {
    let mut h = Harness::new();
    let (first, first_join) = h.join_dynamic(1);
    let (second, second_join) = h.join_dynamic(2);
    h.advance(10_000);
    let Some(Ok(ok)) = h.join_result(first_join) else {
        panic!()
    };
    assert!(h.join_result(second_join).is_some());
    let follower_sync = h.sync(2, &second, ok.generation_id, Vec::new());
    assert_eq!(h.sync_result(follower_sync), None);
    h.auto_replicate = false;
    let leader_sync = h.sync(
        1,
        &first,
        ok.generation_id,
        vec![
            (first.clone(), vec![orders(0)]),
            (second.clone(), vec![orders(1)]),
        ],
    );
    // Not answered until the group's record is replicated.
    assert_eq!(h.sync_result(leader_sync), None);
    h.replicate();
    assert_eq!(h.sync_result(leader_sync), Some(Ok(vec![orders(0)])));
    assert_eq!(h.sync_result(follower_sync), Some(Ok(vec![orders(1)])));
    assert_eq!(h.state(), Some(GroupState::Stable));
}

// GroupMetadataManagerTest.testHeartbeat...: errors by state, generation and member.
#[test]
fn heartbeats_are_answered_by_the_groups_state() {
    let mut h = Harness::new();
    let member = h.stable_single_member();
    assert_eq!(h.heartbeat(1, &member, None, 1), None);
    assert_eq!(
        h.heartbeat(1, &member, None, 0),
        Some(ErrorCode::IllegalGeneration)
    );
    assert_eq!(
        h.heartbeat(1, "nobody", None, 1),
        Some(ErrorCode::UnknownMemberId)
    );
    // A second member joining starts a rebalance: the first is told to rejoin.
    let _ = h.join_dynamic(2);
    assert_eq!(h.state(), Some(GroupState::PreparingRebalance));
    assert_eq!(
        h.heartbeat(1, &member, None, 1),
        Some(ErrorCode::RebalanceInProgress)
    );
}

// GroupMetadataManagerTest.testHeartbeatExpiration...: no heartbeat for session.timeout.ms.
#[test]
fn a_silent_member_is_removed_after_its_session_timeout() {
    let mut h = Harness::new();
    let member = h.stable_single_member();
    h.advance(29_000);
    assert_eq!(h.heartbeat(1, &member, None, 1), None);
    h.advance(29_000);
    assert_eq!(h.state(), Some(GroupState::Stable));
    h.advance(2_000);
    // Removed; the rebalance that follows has nobody left: Empty, generation 2.
    assert_eq!(h.state(), Some(GroupState::Empty));
    assert_eq!(h.generation(), 2);
}

// GroupMetadataManagerTest.testJoinGroupInconsistentProtocol...
#[test]
fn a_member_sharing_no_protocol_with_the_group_is_refused() {
    let mut h = Harness::new();
    h.stable_single_member();
    let request = h.join_with(2, "", None, vec![AssignorKind::RoundRobin], 30_000);
    assert!(matches!(
        h.join_result(request),
        Some(Err((ErrorCode::InconsistentGroupProtocol, _)))
    ));
}

// GroupMetadataManagerTest.testJoinGroupReturnsErrorIfGroupIsAtMaxSize.
#[test]
fn group_max_size_refuses_new_members() {
    let mut h = Harness::new();
    h.settings.group_max_size = 1;
    h.stable_single_member();
    let request = h.join(2, "", None);
    assert!(matches!(
        h.join_result(request),
        Some(Err((ErrorCode::GroupMaxSizeReached, _)))
    ));
}

// GroupMetadataManagerTest.testStaticMemberRejoinWithKnownInstanceId...: a static member's
// new process takes over without a rebalance; the old member id is fenced.
#[test]
fn a_rejoining_static_member_keeps_its_assignment_without_a_rebalance() {
    let mut h = Harness::new();
    let join = h.join(1, "", Some("instance-a"));
    h.advance(3_000);
    let Some(Ok(ok)) = h.join_result(join) else {
        panic!()
    };
    let old_id = ok.member_id.clone();
    assert!(old_id.starts_with("instance-a-"));
    let sync = h.sync(
        1,
        &old_id,
        ok.generation_id,
        vec![(old_id.clone(), vec![orders(0)])],
    );
    assert_eq!(h.sync_result(sync), Some(Ok(vec![orders(0)])));
    // The process restarts: unknown member id, same instance id.
    let rejoin = h.join(3, "", Some("instance-a"));
    let Some(Ok(answer)) = h.join_result(rejoin) else {
        panic!("rejoin not answered")
    };
    assert_ne!(answer.member_id, old_id);
    assert_eq!(answer.generation_id, ok.generation_id);
    assert!(
        answer.skip_assignment,
        "the leader keeps the current assignment (KIP-814)"
    );
    assert_eq!(h.state(), Some(GroupState::Stable));
    let sync = h.sync(3, &answer.member_id, answer.generation_id, Vec::new());
    assert_eq!(h.sync_result(sync), Some(Ok(vec![orders(0)])));
    assert_eq!(
        h.heartbeat(1, &old_id, Some("instance-a"), ok.generation_id),
        Some(ErrorCode::FencedInstanceId)
    );
}

// OffsetMetadataManagerTest.testSimpleGroupOffsetCommit / testConsumerGroupOffsetCommit...
#[test]
fn offset_commits_are_checked_against_the_group() {
    let mut h = Harness::new();
    // Generation -1 without a member: a "simple" group is created.
    assert_eq!(h.commit(5, "", -1, 10), Ok(()));
    assert_eq!(h.fetch(false), Ok(Some(Offset(10))));
    let mut h = Harness::new();
    let member = h.stable_single_member();
    assert_eq!(h.commit(1, &member, 1, 7), Ok(()));
    assert_eq!(
        h.commit(1, &member, 0, 8),
        Err(ErrorCode::IllegalGeneration)
    );
    assert_eq!(h.commit(1, "", -1, 8), Err(ErrorCode::UnknownMemberId));
    assert_eq!(h.fetch(false), Ok(Some(Offset(7))));
    // Between JoinGroup and SyncGroup, commits are answered REBALANCE_IN_PROGRESS.
    let rejoin = h.join(1, &member, None);
    assert!(h.join_result(rejoin).is_some());
    assert_eq!(h.state(), Some(GroupState::CompletingRebalance));
    assert_eq!(
        h.commit(1, &member, 2, 9),
        Err(ErrorCode::RebalanceInProgress)
    );
}

// OffsetMetadataManagerTest.testFetchOffsetsWithPendingTransactionalOffsets /
// testReplayTransactionEndMarker...: KIP-447.
#[test]
fn transactional_offsets_are_unstable_until_their_commit_marker() {
    let mut h = Harness::new();
    let request_id = h.fresh_id();
    h.request(
        7,
        GroupBody::TxnOffsetCommit {
            request_id,
            transactional_id: "tx".into(),
            group_id: GROUP.into(),
            producer_id: ProducerId(42),
            producer_epoch: 0,
            generation_id: -1,
            member_id: String::new(),
            offsets: vec![to_commit(5)],
        },
    );
    assert!(matches!(
        h.response(request_id),
        Some(GroupBody::TxnOffsetCommitResponse { .. })
    ));
    assert_eq!(h.fetch(true), Err(ErrorCode::UnstableOffsetCommit));
    assert_eq!(h.fetch(false), Ok(None));
    // The transaction commits: the marker reaches the partition.
    h.log
        .append_control_batch(
            ControlType::Commit,
            ProducerId(42),
            0,
            0,
            0,
            0,
            &LogConfig::compacted(),
        )
        .expect("marker");
    h.run(|c, env, ctx| c.complete_transaction(0, ProducerId(42), true, env, ctx));
    assert_eq!(h.fetch(true), Ok(Some(Offset(5))));
}

// GroupMetadataManagerTest.testReplayGroupMetadataRecords / OffsetMetadataManagerTest.testReplay:
// a new coordinator rebuilds groups and offsets from the partition's log.
#[test]
fn a_new_coordinator_loads_groups_and_offsets_from_the_log() {
    let mut h = Harness::new();
    let member = h.stable_single_member();
    assert_eq!(h.commit(1, &member, 1, 12), Ok(()));
    let log = h.log.clone();
    let mut fresh = Harness::new();
    fresh.log = log;
    fresh.coordinator = GroupCoordinator::default();
    fresh.load(1);
    assert_eq!(fresh.state(), Some(GroupState::Stable));
    assert_eq!(fresh.generation(), 1);
    let group = fresh
        .coordinator
        .shard(0)
        .and_then(|s| s.groups.get(GROUP))
        .cloned();
    let assignment = group
        .and_then(|g| g.members.get(&member).map(|m| m.assignment.clone()))
        .unwrap_or_default();
    assert_eq!(assignment, vec![orders(0), orders(1)]);
    assert_eq!(fresh.fetch(false), Ok(Some(Offset(12))));
    // The member keeps its session with the new coordinator.
    assert_eq!(fresh.heartbeat(1, &member, None, 1), None);
}

// GroupMetadataManagerTest.testLeaveGroup...: the last member leaving empties the group.
#[test]
fn the_last_member_leaving_empties_the_group_in_a_new_generation() {
    let mut h = Harness::new();
    let member = h.stable_single_member();
    let request_id = h.fresh_id();
    h.request(
        1,
        GroupBody::LeaveGroup {
            request_id,
            group_id: GROUP.into(),
            member_id: member,
            group_instance_id: None,
            reason: "the consumer is being closed".into(),
        },
    );
    assert!(matches!(
        h.response(request_id),
        Some(GroupBody::LeaveGroupResponse { error: None, .. })
    ));
    assert_eq!(h.state(), Some(GroupState::Empty));
    assert_eq!(h.generation(), 2);
}

// GroupMetadataManagerTest.testOnUnloaded: held requests get NOT_COORDINATOR.
#[test]
fn unloading_answers_held_joins_with_not_coordinator() {
    let mut h = Harness::new();
    let (_, join) = h.join_dynamic(1);
    assert_eq!(h.join_result(join), None);
    h.run(|c, env, ctx| c.unload(0, env, ctx));
    assert!(matches!(
        h.join_result(join),
        Some(Err((ErrorCode::NotCoordinator, _)))
    ));
    let request = h.join(1, "", None);
    assert!(matches!(
        h.join_result(request),
        Some(Err((ErrorCode::NotCoordinator, _)))
    ));
}
