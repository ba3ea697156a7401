//! The classic consumer group protocol: FindCoordinator (API key 10), JoinGroup (11),
//! Heartbeat (12), LeaveGroup (13), SyncGroup (14), OffsetCommit (8), OffsetFetch (9) and
//! TxnOffsetCommit (28).
//!
//! A consumer finds its group's coordinator (the leader of the group's `__consumer_offsets`
//! partition), joins, and the member the coordinator picks as leader runs the assignor; SyncGroup
//! hands every member its partitions. Heartbeats keep the session alive and tell members when
//! to rejoin.

use serde::{Deserialize, Serialize};

use crate::error::KafkaError;
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::kinds::AssignorKind;

/// An offset commit's answer: one result per partition.
pub type CommitResults = Vec<(TopicPartition, Result<(), KafkaError>)>;

/// An offset fetch's answer: per partition its committed offset (`None` where there is none),
/// or why the coordinator will not say (`TOPIC_AUTHORIZATION_FAILED`, `UNSTABLE_OFFSET_COMMIT`).
pub type FetchedOffsets = Vec<(TopicPartition, Result<Option<FetchedOffset>, KafkaError>)>;

/// What a coordinator is looked up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoordinatorType {
    /// A consumer group (`__consumer_offsets`).
    Group,
    /// A transactional id (`__transaction_state`).
    Transaction,
}

/// A member's subscription as sent in JoinGroup (`ConsumerProtocolSubscription`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The subscribed topics.
    pub topics: Vec<String>,
    /// The partitions the member owns now (cooperative protocol, and sticky user data).
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation in which it got them.
    pub generation: Option<i32>,
    /// `client.rack`.
    pub rack_id: Option<String>,
}

/// One member as the group leader sees it in its JoinGroup response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedMember {
    /// The member id.
    pub member_id: String,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    /// Its subscription for the chosen protocol.
    pub subscription: Subscription,
}

/// A successful JoinGroup answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinGroupOk {
    /// The new generation.
    pub generation_id: i32,
    /// The assignor every member supports, chosen by vote.
    pub protocol: AssignorKind,
    /// The leader's member id.
    pub leader: String,
    /// This member's id.
    pub member_id: String,
    /// Every member, for the leader only (empty for the others).
    pub members: Vec<JoinedMember>,
    /// A static leader rejoining without change: keep the assignment (KIP-814).
    pub skip_assignment: bool,
}

/// One offset to commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OffsetToCommit {
    /// The partition.
    pub partition: TopicPartition,
    /// The next offset to read.
    pub offset: Offset,
    /// The leader epoch of the last consumed record, if known.
    pub leader_epoch: Option<i32>,
    /// Free text the application attached.
    pub metadata: String,
}

/// A committed offset as OffsetFetch returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchedOffset {
    /// The next offset to read.
    pub offset: Offset,
    /// The leader epoch committed with it (KIP-320), if any.
    pub leader_epoch: Option<i32>,
}

/// Consumer group messages.
#[derive(Debug, Clone)]
pub enum GroupBody {
    /// FindCoordinator.
    FindCoordinator {
        /// Unique per sender.
        request_id: u64,
        /// The group id or transactional id.
        key: String,
        /// Which kind of coordinator.
        key_type: CoordinatorType,
    },
    /// The coordinator's broker, or why there is none (`COORDINATOR_NOT_AVAILABLE`).
    FindCoordinatorResponse {
        /// The request answered.
        request_id: u64,
        /// The coordinator, or the error.
        result: Result<BrokerId, KafkaError>,
    },
    /// JoinGroup.
    JoinGroup {
        /// Unique per sender.
        request_id: u64,
        /// The group.
        group_id: String,
        /// Empty on the first join (the coordinator answers `MEMBER_ID_REQUIRED` with one).
        member_id: String,
        /// `group.instance.id`.
        group_instance_id: Option<String>,
        /// The member's `client.id` (Kafka's request header carries it).
        client_id: String,
        /// `session.timeout.ms`.
        session_timeout_ms: i64,
        /// `max.poll.interval.ms`: how long the coordinator waits for members to rejoin.
        rebalance_timeout_ms: i64,
        /// The assignors the member supports, preferred first, each with its subscription.
        protocols: Vec<(AssignorKind, Subscription)>,
        /// Why the member (re)joins, as Kafka 3.2+ sends it (KIP-800).
        reason: String,
    },
    /// The JoinGroup answer.
    JoinGroupResponse {
        /// The request answered.
        request_id: u64,
        /// The generation, or an error; `MEMBER_ID_REQUIRED` comes with the id to use.
        result: Result<JoinGroupOk, (KafkaError, String)>,
    },
    /// SyncGroup: the leader sends the assignment; everyone receives their share.
    SyncGroup {
        /// Unique per sender.
        request_id: u64,
        /// The group.
        group_id: String,
        /// The generation the assignment is for.
        generation_id: i32,
        /// The member.
        member_id: String,
        /// `group.instance.id`.
        group_instance_id: Option<String>,
        /// The protocol chosen in JoinGroup.
        protocol: AssignorKind,
        /// The leader's assignment (empty from the other members).
        assignments: Vec<(String, Vec<TopicPartition>)>,
    },
    /// The SyncGroup answer: this member's partitions.
    SyncGroupResponse {
        /// The request answered.
        request_id: u64,
        /// The assignment, or an error (`REBALANCE_IN_PROGRESS`, `ILLEGAL_GENERATION`, ...).
        result: Result<Vec<TopicPartition>, KafkaError>,
    },
    /// Heartbeat.
    Heartbeat {
        /// Unique per sender.
        request_id: u64,
        /// The group.
        group_id: String,
        /// The member's generation.
        generation_id: i32,
        /// The member.
        member_id: String,
        /// `group.instance.id`.
        group_instance_id: Option<String>,
    },
    /// The Heartbeat answer; `REBALANCE_IN_PROGRESS` tells the member to rejoin.
    HeartbeatResponse {
        /// The request answered.
        request_id: u64,
        /// `None` when all is well.
        error: Option<KafkaError>,
    },
    /// LeaveGroup.
    LeaveGroup {
        /// Unique per sender.
        request_id: u64,
        /// The group.
        group_id: String,
        /// The member leaving.
        member_id: String,
        /// `group.instance.id`.
        group_instance_id: Option<String>,
        /// Why (KIP-800), e.g. "consumer poll timeout has expired".
        reason: String,
    },
    /// The LeaveGroup answer.
    LeaveGroupResponse {
        /// The request answered.
        request_id: u64,
        /// `None` when the member left.
        error: Option<KafkaError>,
    },
    /// OffsetCommit; a standalone consumer sends generation -1 and an empty member id.
    OffsetCommit {
        /// Unique per sender.
        request_id: u64,
        /// The group.
        group_id: String,
        /// The member's generation, or -1.
        generation_id: i32,
        /// The member, or empty.
        member_id: String,
        /// `group.instance.id`.
        group_instance_id: Option<String>,
        /// The offsets.
        offsets: Vec<OffsetToCommit>,
    },
    /// The OffsetCommit answer, per partition.
    OffsetCommitResponse {
        /// The request answered.
        request_id: u64,
        /// Per partition: committed, or why not.
        results: Vec<(TopicPartition, Result<(), KafkaError>)>,
    },
    /// OffsetFetch: the committed offsets of a group.
    OffsetFetch {
        /// Unique per sender.
        request_id: u64,
        /// The group.
        group_id: String,
        /// The partitions asked about.
        partitions: Vec<TopicPartition>,
        /// `require_stable` (KIP-447): wait while a transactional offset commit is pending.
        require_stable: bool,
    },
    /// The OffsetFetch answer: per partition its committed offset, if any.
    OffsetFetchResponse {
        /// The request answered.
        request_id: u64,
        /// The offsets with their leader epochs, or a group-level error.
        result: Result<FetchedOffsets, KafkaError>,
    },
    /// TxnOffsetCommit: offsets committed as part of a transaction (exactly-once).
    TxnOffsetCommit {
        /// Unique per sender.
        request_id: u64,
        /// The producer's transactional id.
        transactional_id: String,
        /// The consumer group.
        group_id: String,
        /// The producer id.
        producer_id: ProducerId,
        /// The producer epoch.
        producer_epoch: i16,
        /// The consumer's generation (KIP-447), or -1.
        generation_id: i32,
        /// The consumer's member id, or empty.
        member_id: String,
        /// The offsets.
        offsets: Vec<OffsetToCommit>,
    },
    /// The TxnOffsetCommit answer.
    TxnOffsetCommitResponse {
        /// The request answered.
        request_id: u64,
        /// Per partition.
        results: Vec<(TopicPartition, Result<(), KafkaError>)>,
    },
}

impl GroupBody {
    /// A short name for diagrams and the trace.
    pub fn api_name(&self) -> &'static str {
        match self {
            GroupBody::FindCoordinator { .. } => "FindCoordinator",
            GroupBody::FindCoordinatorResponse { .. } => "FindCoordinator response",
            GroupBody::JoinGroup { .. } => "JoinGroup",
            GroupBody::JoinGroupResponse { .. } => "JoinGroup response",
            GroupBody::SyncGroup { .. } => "SyncGroup",
            GroupBody::SyncGroupResponse { .. } => "SyncGroup response",
            GroupBody::Heartbeat { .. } => "Heartbeat",
            GroupBody::HeartbeatResponse { .. } => "Heartbeat response",
            GroupBody::LeaveGroup { .. } => "LeaveGroup",
            GroupBody::LeaveGroupResponse { .. } => "LeaveGroup response",
            GroupBody::OffsetCommit { .. } => "OffsetCommit",
            GroupBody::OffsetCommitResponse { .. } => "OffsetCommit response",
            GroupBody::OffsetFetch { .. } => "OffsetFetch",
            GroupBody::OffsetFetchResponse { .. } => "OffsetFetch response",
            GroupBody::TxnOffsetCommit { .. } => "TxnOffsetCommit",
            GroupBody::TxnOffsetCommitResponse { .. } => "TxnOffsetCommit response",
        }
    }

    /// Whether this is a request.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            GroupBody::FindCoordinator { .. }
                | GroupBody::JoinGroup { .. }
                | GroupBody::SyncGroup { .. }
                | GroupBody::Heartbeat { .. }
                | GroupBody::LeaveGroup { .. }
                | GroupBody::OffsetCommit { .. }
                | GroupBody::OffsetFetch { .. }
                | GroupBody::TxnOffsetCommit { .. }
        )
    }

    /// The request id of a request or response.
    pub fn request_id(&self) -> u64 {
        match self {
            GroupBody::FindCoordinator { request_id, .. }
            | GroupBody::FindCoordinatorResponse { request_id, .. }
            | GroupBody::JoinGroup { request_id, .. }
            | GroupBody::JoinGroupResponse { request_id, .. }
            | GroupBody::SyncGroup { request_id, .. }
            | GroupBody::SyncGroupResponse { request_id, .. }
            | GroupBody::Heartbeat { request_id, .. }
            | GroupBody::HeartbeatResponse { request_id, .. }
            | GroupBody::LeaveGroup { request_id, .. }
            | GroupBody::LeaveGroupResponse { request_id, .. }
            | GroupBody::OffsetCommit { request_id, .. }
            | GroupBody::OffsetCommitResponse { request_id, .. }
            | GroupBody::OffsetFetch { request_id, .. }
            | GroupBody::OffsetFetchResponse { request_id, .. }
            | GroupBody::TxnOffsetCommit { request_id, .. }
            | GroupBody::TxnOffsetCommitResponse { request_id, .. } => *request_id,
        }
    }
}
