//! What happened in the cluster, in the past tense, in the order it happened.
//!
//! Events are facts the UI animates and the learner reads. Each has the simulated time it
//! happened and a number in the run, so an alert can point at the event that caused it. Every
//! event renders two ways: [`Event::trace_line`] (a compact one-liner for replays and failing
//! seeds) and [`Event::describe`] (plain language naming the Kafka mechanism and the config that
//! decided it).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::client::producer::routing::Routing;
use crate::error::KafkaError;
use crate::group::coordinator::events::GroupEvent;
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::log::RollReason;
use crate::network::ClientId;
use crate::protocol::controller::ConfigResource;
use crate::transaction::TransactionEvent;

/// One thing that happened.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Its number in the run (0 for the first event).
    pub id: u64,
    /// Simulated time, in ms since the start.
    pub at_ms: i64,
    /// What happened.
    pub kind: EventKind,
}

/// Written out rather than derived so that the browser build has one copy of it: a derived
/// `clone` is inlinable, so each crate that clones events compiled its own (6.5 KB of
/// WebAssembly each, the kinds of event being many).
impl Clone for Event {
    #[inline(never)]
    fn clone(&self) -> Self {
        Event {
            id: self.id,
            at_ms: self.at_ms,
            kind: self.kind.clone(),
        }
    }
}

/// Why a partition got a (new) leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ElectionReason {
    /// The partition was just created.
    Created,
    /// The leader was fenced or its broker died: a new leader from the ISR.
    LeaderUnavailable,
    /// No ISR member was alive, and `unclean.leader.election.enable` or an unclean
    /// `kafka-leader-election` let an out-of-sync one lead.
    Unclean,
    /// The preferred (first assigned) replica took leadership back.
    Preferred,
    /// The leader's broker is shutting down in a controlled way.
    ControlledShutdown,
    /// An offline partition got a leader back when an ISR member returned.
    ReplicaReturned,
    /// The ISR was empty: an eligible leader replica leads (KIP-966), a clean election.
    EligibleLeaderReplica,
    /// Neither ISR nor ELR had a member that could lead: the last known leader came back and
    /// leads again (KIP-966; Kafka counts it as unclean).
    LastKnownLeader,
    /// A reassignment finished or was cancelled and the old leader is no longer a replica, or
    /// no longer in the ISR.
    Reassignment,
}

impl ElectionReason {
    fn text(&self) -> &'static str {
        match self {
            ElectionReason::Created => "the partition was created",
            ElectionReason::LeaderUnavailable => "the old leader is gone; chosen from the ISR",
            ElectionReason::Unclean => {
                "unclean election: no in-sync replica was alive, so an out-of-sync replica leads, allowed by unclean.leader.election.enable=true or asked for with kafka-leader-election --election-type unclean (records only the old leader had are lost)"
            }
            ElectionReason::Preferred => "preferred leader election: the first replica in the assignment leads again",
            ElectionReason::ControlledShutdown => "the leader's broker is shutting down (controlled shutdown)",
            ElectionReason::ReplicaReturned => "an in-sync replica came back",
            ElectionReason::EligibleLeaderReplica => {
                "the ISR was empty, so an eligible leader replica (ELR) leads: it left the ISR while the ISR was below min.insync.replicas, when the high watermark could not advance, so it holds every committed record (KIP-966, a clean election)"
            }
            ElectionReason::LastKnownLeader => {
                "no in-sync or eligible leader replica could lead, and the last known leader is back, so it leads again (KIP-966); Kafka counts this election as unclean and the ISR becomes just the leader"
            }
            ElectionReason::Reassignment => {
                "a partition reassignment took the old leader out of the replicas; the first in-sync replica of the new assignment leads"
            }
        }
    }

    /// The reason for an election that found its leader `via`, `otherwise` for one from the
    /// ISR.
    pub fn of(via: crate::controller::election::Via, otherwise: ElectionReason) -> ElectionReason {
        use crate::controller::election::Via;
        match via {
            Via::Isr => otherwise,
            Via::Elr => ElectionReason::EligibleLeaderReplica,
            Via::LastKnownLeader => ElectionReason::LastKnownLeader,
            Via::Unclean => ElectionReason::Unclean,
        }
    }

    /// Whether Kafka counts an election for this reason as unclean: the ISR becomes just the
    /// new leader and the eligible leader replicas are forgotten.
    pub fn is_unclean(&self) -> bool {
        matches!(
            self,
            ElectionReason::Unclean | ElectionReason::LastKnownLeader
        )
    }
}

/// Why the ISR changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IsrChangeReason {
    /// The leader removed followers that had not caught up for `replica.lag.time.max.ms`.
    FollowerLagging {
        /// The config's value.
        replica_lag_time_max_ms: i64,
    },
    /// A follower caught up with the high watermark and rejoined.
    FollowerCaughtUp,
    /// The controller removed a fenced (dead or shutting down) broker.
    BrokerFenced,
    /// The controller removed a broker in a controlled shutdown.
    ControlledShutdown,
    /// An unclean election reset the ISR to the new leader.
    UncleanElection,
    /// An eligible leader replica was elected: the ISR is just the new leader (KIP-966).
    ElrElection,
    /// A reassignment finished (the replicas it removed leave the ISR) or was cancelled (the
    /// replicas it was adding leave).
    Reassignment,
}

/// What happened to a partition reassignment (AlterPartitionReassignments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReassignmentStage {
    /// The target replicas were added to the assignment; they copy the log as followers.
    Started,
    /// Every target replica is in the ISR: the replicas being removed are gone.
    Completed,
    /// Cancelled: the replicas being added are gone again.
    Cancelled,
}

/// Why a replica's log was truncated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TruncationReason {
    /// The leader said the follower's log diverged at this leader epoch (KIP-101/KIP-279).
    DivergingEpoch {
        /// The last epoch both agree on.
        epoch: i32,
    },
    /// The old behaviour: a new follower truncates to its own high watermark.
    HighWatermark,
    /// The follower's offset was out of the leader's range.
    OffsetOutOfRange,
}

/// Why a broker was fenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FenceReason {
    /// No heartbeat for `broker.session.timeout.ms`.
    SessionTimeout,
    /// Its ZooKeeper session expired (`zookeeper.session.timeout.ms`), or a new controller
    /// found its node gone.
    ZooKeeperSessionExpired,
    /// It stopped and closed its ZooKeeper session.
    ZooKeeperSessionClosed,
    /// It finished a controlled shutdown.
    ControlledShutdown,
    /// It restarted and registered a new incarnation while its old one was still unfenced.
    /// Simplified: Kafka's controller refuses that registration (DUPLICATE_BROKER_REGISTRATION)
    /// and the broker retries until the old session times out; the simulator fences at once.
    Reregistered,
}

/// A learner-facing alert: something a Kafka user must never see, or should understand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlertKind {
    /// A record the producer got an acknowledgement for is gone from the partition.
    AcknowledgedRecordLost,
    /// A record was handed to a consumer group's application a second time.
    DuplicateDelivered,
    /// Records with the same key reached the log in another order than the producer sent them.
    KeyOrderViolated,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// A broker process started.
    BrokerStarted {
        /// The broker.
        broker: BrokerId,
    },
    /// A broker process stopped: crashed, or after a controlled shutdown.
    BrokerStopped {
        /// The broker.
        broker: BrokerId,
        /// Whether it shut down in a controlled way.
        controlled: bool,
    },
    /// The controller registered a (re)started broker with a new broker epoch.
    BrokerRegistered {
        /// The broker.
        broker: BrokerId,
        /// Its new epoch.
        broker_epoch: i64,
    },
    /// KRaft: the controller refused a broker's registration with
    /// `DUPLICATE_BROKER_REGISTRATION`: its previous process still has a valid session.
    BrokerRegistrationRefused {
        /// The broker.
        broker: BrokerId,
    },
    /// The controller fenced a broker: it leads nothing and is out of every ISR.
    BrokerFenced {
        /// The broker.
        broker: BrokerId,
        /// Why.
        reason: FenceReason,
        /// The timeout that decided it, in ms, when a timeout did.
        timeout_ms: Option<i64>,
    },
    /// The controller unfenced a broker that caught up with the metadata.
    BrokerUnfenced {
        /// The broker.
        broker: BrokerId,
    },
    /// A broker became the active controller.
    ControllerElected {
        /// The broker.
        broker: BrokerId,
        /// The controller epoch.
        epoch: i32,
        /// Whether by ZooKeeper (`/controller` node) rather than the KRaft quorum.
        by_zookeeper: bool,
    },
    /// There is no active controller any more.
    ControllerLost {
        /// The former active controller.
        broker: BrokerId,
    },
    /// A broker's ZooKeeper session expired.
    ZooKeeperSessionExpired {
        /// The broker.
        broker: BrokerId,
        /// `zookeeper.session.timeout.ms`.
        timeout_ms: i64,
    },
    /// A stopping broker closed its ZooKeeper session.
    ZooKeeperSessionClosed {
        /// The broker.
        broker: BrokerId,
    },
    /// A ZooKeeper-mode broker's ControlledShutdown request failed: it still leads partitions
    /// no other in-sync replica can take over (`remaining`), or it got no answer or an error
    /// (`None`).
    ControlledShutdownFailed {
        /// The broker.
        broker: BrokerId,
        /// The replicated partitions it still leads, when the controller answered.
        remaining: Option<usize>,
        /// The attempts left (`controlled.shutdown.max.retries` in all).
        retries_left: u32,
        /// `controlled.shutdown.retry.backoff.ms`.
        backoff_ms: i64,
    },
    /// A topic was created.
    TopicCreated {
        /// The topic.
        topic: String,
        /// Its partition count.
        partitions: i32,
        /// Its replication factor.
        replication_factor: i32,
        /// Whether `auto.create.topics.enable` created it on first use.
        auto_created: bool,
    },
    /// A topic and all its records were deleted.
    TopicDeleted {
        /// The topic.
        topic: String,
    },
    /// Partitions were added to a topic; keyed records now map with `new_count`.
    PartitionsCreated {
        /// The topic.
        topic: String,
        /// The count before.
        old_count: i32,
        /// The count after.
        new_count: i32,
    },
    /// ACLs were created or deleted (CreateAcls, DeleteAcls).
    AclsChanged {
        /// The ACLs created.
        added: Vec<crate::acl::AclBinding>,
        /// The ACLs deleted.
        removed: Vec<crate::acl::AclBinding>,
    },
    /// A broker's SASL listener refused a client's login (`Failed authentication with ...`)
    /// and closed the connection.
    AuthenticationFailed {
        /// The broker.
        broker: BrokerId,
        /// The client.
        client: ClientId,
        /// Who it claimed to be.
        principal: String,
    },
    /// A broker's authorizer denied a request (the authorizer's log line, at `INFO`).
    AuthorizationDenied {
        /// The broker.
        broker: BrokerId,
        /// The client that sent the request.
        client: Option<ClientId>,
        /// Who it authenticated as.
        principal: String,
        /// What it asked to do.
        operation: crate::acl::AclOperation,
        /// On what.
        resource_type: crate::acl::ResourceType,
        /// The resource's name.
        name: String,
        /// The request (`Produce`, `Fetch`, `Metadata`, ...).
        api: String,
        /// Why: `DefaultDeny`, or the `DENY` ACL that matched.
        rule: String,
    },
    /// A config was set or removed.
    ConfigChanged {
        /// Where.
        resource: ConfigResource,
        /// The config.
        name: String,
        /// The new value, or `None` when the override was removed.
        value: Option<String>,
    },
    /// A partition got a leader (or lost it: `leader` is `None`, the partition is offline).
    LeaderElected {
        /// The partition.
        partition: TopicPartition,
        /// The new leader.
        leader: Option<BrokerId>,
        /// The new leader epoch.
        leader_epoch: i32,
        /// The ISR after the election.
        isr: Vec<BrokerId>,
        /// The eligible leader replicas after it (KIP-966).
        elr: Vec<BrokerId>,
        /// Why.
        reason: ElectionReason,
    },
    /// A partition's eligible leader replicas changed (KIP-966, KRaft).
    EligibleLeaderReplicasChanged {
        /// The partition.
        partition: TopicPartition,
        /// Its ELR now.
        elr: Vec<BrokerId>,
        /// Its ISR now.
        isr: Vec<BrokerId>,
        /// The topic's `min.insync.replicas`.
        min_isr: i32,
        /// A broker that left the ELR because it restarted after an unclean shutdown.
        unclean_shutdown: Option<BrokerId>,
    },
    /// A partition's ISR changed.
    IsrChanged {
        /// The partition.
        partition: TopicPartition,
        /// The new ISR.
        isr: Vec<BrokerId>,
        /// Replicas that left.
        removed: Vec<BrokerId>,
        /// Replicas that joined.
        added: Vec<BrokerId>,
        /// Why.
        reason: IsrChangeReason,
    },
    /// A partition reassignment started, completed or was cancelled.
    Reassignment {
        /// The partition.
        partition: TopicPartition,
        /// What happened.
        stage: ReassignmentStage,
        /// The replicas now, preferred first.
        replicas: Vec<BrokerId>,
        /// The replicas being added (or, once completed or cancelled, that were).
        adding: Vec<BrokerId>,
        /// The replicas being removed (or, once completed or cancelled, that were).
        removing: Vec<BrokerId>,
    },
    /// A leader's high watermark moved up: records below it are committed and readable.
    HighWatermarkAdvanced {
        /// The partition.
        partition: TopicPartition,
        /// The leader.
        broker: BrokerId,
        /// The new high watermark.
        high_watermark: Offset,
    },
    /// A leader appended a batch from a producer (or a transaction marker).
    BatchAppended {
        /// The partition.
        partition: TopicPartition,
        /// The leader.
        broker: BrokerId,
        /// First offset of the batch.
        base_offset: Offset,
        /// Last offset of the batch.
        last_offset: Offset,
        /// The producing client, if any.
        producer: Option<ClientId>,
    },
    /// A follower copied batches from its leader.
    BatchesReplicated {
        /// The partition.
        partition: TopicPartition,
        /// The follower.
        broker: BrokerId,
        /// First offset copied.
        from_offset: Offset,
        /// Last offset copied.
        to_offset: Offset,
    },
    /// A replica's log was cut back.
    LogTruncated {
        /// The partition.
        partition: TopicPartition,
        /// The broker.
        broker: BrokerId,
        /// The new log end offset.
        log_end_offset: Offset,
        /// How many records went.
        removed_records: i64,
        /// Why.
        reason: TruncationReason,
    },
    /// A replica rolled a new active segment.
    SegmentRolled {
        /// The partition.
        partition: TopicPartition,
        /// The broker.
        broker: BrokerId,
        /// Base offset of the new segment.
        base_offset: Offset,
        /// Why.
        reason: RollReason,
    },
    /// Retention deleted old segments.
    SegmentsDeleted {
        /// The partition.
        partition: TopicPartition,
        /// The broker.
        broker: BrokerId,
        /// How many segments.
        segments: i32,
        /// The new log start offset.
        log_start_offset: Offset,
        /// Kafka's reason, e.g. `retention time 604800000ms breach`.
        reason: String,
    },
    /// DeleteRecords moved the leader's log start offset up (`kafka-delete-records`).
    RecordsDeleted {
        /// The partition.
        partition: TopicPartition,
        /// The leader.
        broker: BrokerId,
        /// The new log start offset.
        log_start_offset: Offset,
    },
    /// The log cleaner compacted a replica's log.
    LogCompacted {
        /// The partition.
        partition: TopicPartition,
        /// The broker.
        broker: BrokerId,
        /// Records removed (superseded by a later record with the same key).
        removed_records: i64,
        /// Tombstones removed after `delete.retention.ms`.
        removed_tombstones: i64,
    },
    /// `send()` put a record into a batch of the producer's accumulator.
    RecordAccumulated {
        /// The producer.
        producer: ClientId,
        /// The partition chosen.
        partition: TopicPartition,
        /// How it was chosen.
        routing: Routing,
        /// The batch it joined (the producer's own number).
        batch: u64,
        /// Its index in the batch: its offset will be the batch's base offset plus this.
        index: i32,
    },
    /// A producer got a producer id (idempotence or transactions).
    ProducerIdAssigned {
        /// The producer.
        producer: ClientId,
        /// The id.
        producer_id: ProducerId,
        /// The epoch.
        producer_epoch: i16,
    },
    /// An idempotent producer bumped its own epoch (KIP-360): some partitions' sequences had
    /// a gap or an unknown outcome.
    ProducerEpochBumped {
        /// The producer.
        producer: ClientId,
        /// Its producer id (unchanged).
        producer_id: ProducerId,
        /// The new epoch.
        producer_epoch: i16,
        /// The partitions whose unfinished batches were numbered again from sequence 0.
        partitions: Vec<TopicPartition>,
    },
    /// A producer's batch was acknowledged.
    ProduceAcknowledged {
        /// The producer.
        producer: ClientId,
        /// The partition.
        partition: TopicPartition,
        /// The offset of its first record (-1 with `acks=0`, which gets no answer).
        base_offset: Offset,
        /// How many records.
        records: i32,
        /// The batch (the producer's own number).
        batch: u64,
    },
    /// A producer's batch failed for good (the application's callback gets the error).
    ProduceFailed {
        /// The producer.
        producer: ClientId,
        /// The partition.
        partition: TopicPartition,
        /// How many records.
        records: i32,
        /// The batch (the producer's own number), if the records were in one.
        batch: Option<u64>,
        /// Kafka's error.
        error: KafkaError,
    },
    /// A producer will send a batch again after a retriable error.
    ProduceRetried {
        /// The producer.
        producer: ClientId,
        /// The partition.
        partition: TopicPartition,
        /// The error that caused the retry.
        error: KafkaError,
        /// The attempt number about to be made (2 for the first retry).
        attempt: i32,
    },
    /// A consumer's `poll()` handed records of one partition to its application.
    RecordsDelivered {
        /// The consumer.
        consumer: ClientId,
        /// Its group, if any.
        group: Option<String>,
        /// The partition.
        partition: TopicPartition,
        /// First offset delivered.
        first_offset: Offset,
        /// Last offset delivered.
        last_offset: Offset,
        /// How many records (fewer than the offset range on a compacted topic).
        records: i32,
    },
    /// A group member got its assignment for a generation.
    PartitionsAssigned {
        /// The consumer.
        consumer: ClientId,
        /// Its group.
        group: String,
        /// The generation.
        generation: i32,
        /// Everything it owns now.
        assigned: Vec<TopicPartition>,
        /// What is new.
        added: Vec<TopicPartition>,
        /// What it gave up in this rebalance (cooperative protocol).
        revoked: Vec<TopicPartition>,
    },
    /// A consumer gave up partitions (before rejoining, or because it lost them).
    PartitionsRevoked {
        /// The consumer.
        consumer: ClientId,
        /// The partitions.
        partitions: Vec<TopicPartition>,
    },
    /// The coordinator acknowledged a consumer's commit.
    OffsetsCommitted {
        /// The consumer.
        consumer: ClientId,
        /// Its group.
        group: String,
        /// The committed offsets.
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// A consumer's commit failed.
    OffsetCommitFailed {
        /// The consumer.
        consumer: ClientId,
        /// Why (`CommitFailedException` after a rebalance, ...).
        error: KafkaError,
    },
    /// A learner-facing alert.
    Alert {
        /// What kind.
        alert: AlertKind,
        /// The partition concerned.
        partition: TopicPartition,
        /// Plain-language detail.
        detail: String,
        /// The event that caused it, if one did.
        caused_by: Option<u64>,
    },
    /// Something a group coordinator did (see [`GroupEvent`]).
    Group(GroupEvent),
    /// A transaction step: a producer's transactional call, the transaction coordinator's
    /// state changes, markers (see [`TransactionEvent`]).
    Transaction(TransactionEvent),
    /// Something a client or the group coordinator did, described in its own words (the
    /// consumer group and transaction events live in their modules and render through this).
    Client {
        /// The client concerned, if one.
        client: Option<ClientId>,
        /// The trace's short form.
        trace: String,
        /// The plain-language description.
        description: String,
    },
}

impl Event {
    /// One compact line: `t=1203 leader-elected orders-0 leader=2 epoch=3 isr=[2,3]`.
    pub fn trace_line(&self) -> String {
        let mut line = format!("t={} ", self.at_ms);
        let _ = match &self.kind {
            EventKind::BrokerStarted { broker } => write!(line, "broker-started {broker}"),
            EventKind::BrokerStopped { broker, controlled } => {
                write!(line, "broker-stopped {broker} controlled={controlled}")
            }
            EventKind::BrokerRegistered {
                broker,
                broker_epoch,
            } => write!(line, "broker-registered {broker} epoch={broker_epoch}"),
            EventKind::BrokerRegistrationRefused { broker } => {
                write!(line, "broker-registration-refused {broker}")
            }
            EventKind::BrokerFenced { broker, reason, .. } => {
                write!(line, "broker-fenced {broker} reason={reason:?}")
            }
            EventKind::BrokerUnfenced { broker } => write!(line, "broker-unfenced {broker}"),
            EventKind::ControllerElected { broker, epoch, .. } => {
                write!(line, "controller-elected {broker} epoch={epoch}")
            }
            EventKind::ControllerLost { broker } => write!(line, "controller-lost {broker}"),
            EventKind::ZooKeeperSessionExpired { broker, .. } => {
                write!(line, "zk-session-expired {broker}")
            }
            EventKind::ZooKeeperSessionClosed { broker } => {
                write!(line, "zk-session-closed {broker}")
            }
            EventKind::ControlledShutdownFailed {
                broker,
                remaining,
                retries_left,
                ..
            } => write!(
                line,
                "controlled-shutdown-failed {broker} remaining={} retries-left={retries_left}",
                remaining.map_or("unknown".to_owned(), |n| n.to_string())
            ),
            EventKind::TopicCreated {
                topic,
                partitions,
                replication_factor,
                ..
            } => write!(
                line,
                "topic-created {topic} partitions={partitions} rf={replication_factor}"
            ),
            EventKind::TopicDeleted { topic } => write!(line, "topic-deleted {topic}"),
            EventKind::PartitionsCreated {
                topic, new_count, ..
            } => write!(line, "partitions-created {topic} count={new_count}"),
            EventKind::Reassignment {
                partition,
                stage,
                replicas,
                adding,
                removing,
            } => write!(
                line,
                "reassignment {partition} {stage:?} replicas={} adding={} removing={}",
                brokers(replicas),
                brokers(adding),
                brokers(removing)
            ),
            EventKind::ConfigChanged {
                resource,
                name,
                value,
            } => write!(line, "config-changed {resource:?} {name}={value:?}"),
            EventKind::AclsChanged { added, removed } => write!(
                line,
                "acls-changed added={} removed={}",
                added.len(),
                removed.len()
            ),
            EventKind::AuthenticationFailed {
                broker,
                client,
                principal,
            } => write!(
                line,
                "auth-failed broker={broker} client-{} {principal}",
                client.0
            ),
            EventKind::AuthorizationDenied {
                broker,
                principal,
                operation,
                resource_type,
                name,
                api,
                ..
            } => write!(
                line,
                "denied broker={broker} {principal} {} {}:{name} api={api}",
                operation.name(),
                resource_type.log_name()
            ),
            EventKind::LeaderElected {
                partition,
                leader,
                leader_epoch,
                isr,
                ..
            } => write!(
                line,
                "leader-elected {partition} leader={} epoch={leader_epoch} isr={}",
                broker_or_none(*leader),
                brokers(isr)
            ),
            EventKind::IsrChanged { partition, isr, .. } => {
                write!(line, "isr-changed {partition} isr={}", brokers(isr))
            }
            EventKind::EligibleLeaderReplicasChanged { partition, elr, .. } => {
                write!(line, "elr-changed {partition} elr={}", brokers(elr))
            }
            EventKind::HighWatermarkAdvanced {
                partition,
                broker,
                high_watermark,
            } => write!(line, "hw {partition} leader={broker} hw={high_watermark}"),
            EventKind::BatchAppended {
                partition,
                broker,
                base_offset,
                last_offset,
                ..
            } => write!(
                line,
                "appended {partition} leader={broker} offsets={base_offset}..{last_offset}"
            ),
            EventKind::BatchesReplicated {
                partition,
                broker,
                from_offset,
                to_offset,
            } => write!(
                line,
                "replicated {partition} follower={broker} offsets={from_offset}..{to_offset}"
            ),
            EventKind::LogTruncated {
                partition,
                broker,
                log_end_offset,
                removed_records,
                ..
            } => write!(
                line,
                "truncated {partition} broker={broker} leo={log_end_offset} removed={removed_records}"
            ),
            EventKind::SegmentRolled {
                partition,
                broker,
                base_offset,
                ..
            } => write!(line, "segment-rolled {partition} broker={broker} base={base_offset}"),
            EventKind::SegmentsDeleted {
                partition,
                broker,
                segments,
                log_start_offset,
                ..
            } => write!(
                line,
                "segments-deleted {partition} broker={broker} count={segments} log-start={log_start_offset}"
            ),
            EventKind::RecordsDeleted {
                partition,
                broker,
                log_start_offset,
            } => write!(
                line,
                "records-deleted {partition} broker={broker} log-start={log_start_offset}"
            ),
            EventKind::LogCompacted {
                partition,
                broker,
                removed_records,
                removed_tombstones,
            } => write!(
                line,
                "compacted {partition} broker={broker} removed={removed_records} tombstones={removed_tombstones}"
            ),
            EventKind::RecordAccumulated {
                producer,
                partition,
                batch,
                index,
                ..
            } => write!(
                line,
                "accumulated client-{} {partition} batch={batch} index={index}",
                producer.0
            ),
            EventKind::ProducerIdAssigned {
                producer,
                producer_id,
                producer_epoch,
            } => write!(
                line,
                "producer-id client-{} pid={producer_id} epoch={producer_epoch}",
                producer.0
            ),
            EventKind::ProducerEpochBumped {
                producer,
                producer_id,
                producer_epoch,
                partitions: bumped,
            } => write!(
                line,
                "producer-epoch-bump client-{} pid={producer_id} epoch={producer_epoch} partitions={}",
                producer.0,
                partitions(bumped)
            ),
            EventKind::ProduceAcknowledged {
                producer,
                partition,
                base_offset,
                records,
                ..
            } => write!(
                line,
                "acked client-{} {partition} base={base_offset} records={records}",
                producer.0
            ),
            EventKind::ProduceFailed {
                producer,
                partition,
                records,
                error,
                ..
            } => write!(
                line,
                "produce-failed client-{} {partition} records={records} error={}",
                producer.0, error.code
            ),
            EventKind::ProduceRetried {
                producer,
                partition,
                error,
                attempt,
            } => write!(
                line,
                "produce-retry client-{} {partition} error={} attempt={attempt}",
                producer.0, error.code
            ),
            EventKind::RecordsDelivered {
                consumer,
                partition,
                first_offset,
                last_offset,
                ..
            } => write!(
                line,
                "delivered client-{} {partition} offsets={first_offset}..{last_offset}",
                consumer.0
            ),
            EventKind::PartitionsAssigned {
                consumer,
                group,
                generation,
                assigned,
                ..
            } => write!(
                line,
                "assigned client-{} group={group} generation={generation} partitions={}",
                consumer.0,
                partitions(assigned)
            ),
            EventKind::PartitionsRevoked {
                consumer,
                partitions: revoked,
            } => write!(line, "revoked client-{} partitions={}", consumer.0, partitions(revoked)),
            EventKind::OffsetsCommitted {
                consumer, offsets, ..
            } => write!(line, "committed client-{} {}", consumer.0, offsets_text(offsets)),
            EventKind::OffsetCommitFailed { consumer, error } => {
                write!(line, "commit-failed client-{} {}", consumer.0, error.code)
            }
            EventKind::Alert {
                alert, partition, ..
            } => write!(line, "ALERT {alert:?} {partition}"),
            EventKind::Group(event) => write!(line, "{}", event.trace()),
            EventKind::Transaction(event) => write!(line, "{}", event.trace()),
            EventKind::Client { trace, .. } => write!(line, "{trace}"),
        };
        line
    }

    /// A sentence in plain language naming the Kafka mechanism and the config behind it.
    pub fn describe(&self) -> String {
        match &self.kind {
            EventKind::BrokerStarted { broker } => format!("Broker {broker} started."),
            EventKind::BrokerStopped {
                broker,
                controlled: true,
            } => format!(
                "Broker {broker} stopped after a controlled shutdown: the controller moved its leaderships away first."
            ),
            EventKind::BrokerStopped { broker, .. } => format!(
                "Broker {broker} crashed. Its replicas stop fetching and answering; the controller notices only when its session times out."
            ),
            EventKind::BrokerRegistered {
                broker,
                broker_epoch,
            } => format!(
                "The controller registered broker {broker} with broker epoch {broker_epoch}; it stays fenced until it has caught up with the metadata log."
            ),
            EventKind::BrokerRegistrationRefused { broker } => format!(
                "The controller refused broker {broker}'s registration with DUPLICATE_BROKER_REGISTRATION: its previous process still has a valid session (broker.session.timeout.ms has not passed since its last heartbeat), so the new one tries again until the controller fences the old one."
            ),
            EventKind::BrokerFenced {
                broker,
                reason,
                timeout_ms,
            } => match reason {
                FenceReason::SessionTimeout => format!(
                    "The controller fenced broker {broker}: no heartbeat for broker.session.timeout.ms{}. Its leaderships move to other in-sync replicas.",
                    timeout_ms.map(|ms| format!("={ms}")).unwrap_or_default()
                ),
                FenceReason::ZooKeeperSessionExpired => format!(
                    "Broker {broker}'s ZooKeeper session ended, so its ephemeral node /brokers/ids/{broker} is gone; the controller treats it as dead."
                ),
                FenceReason::ZooKeeperSessionClosed => format!(
                    "Broker {broker} stopped and closed its ZooKeeper session, so /brokers/ids/{broker} is gone at once; the controller takes it out without waiting for zookeeper.session.timeout.ms."
                ),
                FenceReason::ControlledShutdown => {
                    format!("Broker {broker} finished its controlled shutdown and is fenced.")
                }
                FenceReason::Reregistered => format!(
                    "The controller fenced broker {broker}: it restarted and registered again before its old session timed out, so the old incarnation's leaderships move to other in-sync replicas."
                ),
            },
            EventKind::BrokerUnfenced { broker } => format!(
                "The controller unfenced broker {broker}: it has caught up with the metadata and may lead partitions again."
            ),
            EventKind::ControllerElected {
                broker,
                epoch,
                by_zookeeper: true,
            } => format!(
                "Broker {broker} created the ephemeral /controller node in ZooKeeper first and became the controller (controller epoch {epoch})."
            ),
            EventKind::ControllerElected { broker, epoch, .. } => format!(
                "Broker {broker} won the KRaft quorum election and is the active controller (epoch {epoch})."
            ),
            EventKind::ControllerLost { broker } => format!(
                "Broker {broker} is no longer the active controller; until another is chosen, no leader can be elected."
            ),
            EventKind::ZooKeeperSessionExpired { broker, timeout_ms } => format!(
                "ZooKeeper expired broker {broker}'s session: no heartbeat for zookeeper.session.timeout.ms={timeout_ms}."
            ),
            EventKind::ZooKeeperSessionClosed { broker } => format!(
                "Broker {broker} closed its ZooKeeper session as it stopped: ZooKeeper deleted /brokers/ids/{broker} at once and fired the controller's watch."
            ),
            EventKind::ControlledShutdownFailed {
                broker,
                remaining,
                retries_left,
                backoff_ms,
            } => {
                let why = match remaining {
                    Some(n) => format!("it still leads {n} replicated partition(s) with no other live in-sync replica to take over"),
                    None => "its ControlledShutdown request got no answer, or an error (no controller known, a controller that moved, a stale broker epoch)".to_owned(),
                };
                if *retries_left > 0 {
                    format!("Broker {broker}'s controlled shutdown did not finish: {why}. It tries again after controlled.shutdown.retry.backoff.ms={backoff_ms} ({retries_left} attempt(s) left of controlled.shutdown.max.retries).")
                } else {
                    format!("Broker {broker}'s controlled shutdown did not finish: {why}. Its controlled.shutdown.max.retries attempts are spent, so it shuts down anyway: the partitions it still leads go offline.")
                }
            }
            EventKind::TopicCreated {
                topic,
                partitions,
                replication_factor,
                auto_created,
            } if topic.starts_with("__") && *auto_created => format!(
                "Internal topic {topic} was created on first use with {partitions} partition(s), replication factor {replication_factor} (offsets.topic.* or transaction.state.log.* configs, the replication factor capped by the live brokers); it is compacted."
            ),
            EventKind::TopicCreated {
                topic,
                partitions,
                replication_factor,
                auto_created,
            } => {
                let how = if *auto_created && topic.starts_with("__") {
                    " automatically as an internal topic, on first use"
                } else if *auto_created {
                    " automatically, because auto.create.topics.enable=true and a client asked for it"
                } else {
                    ""
                };
                format!(
                    "Topic {topic} was created{how} with {partitions} partition(s), replication factor {replication_factor}."
                )
            }
            EventKind::TopicDeleted { topic } => {
                format!("Topic {topic} and all its records were deleted.")
            }
            EventKind::PartitionsCreated {
                topic,
                old_count,
                new_count,
            } => format!(
                "Topic {topic} grew from {old_count} to {new_count} partitions; keys now hash modulo {new_count}, so some keys land in a different partition from now on."
            ),
            EventKind::Reassignment {
                partition,
                stage,
                replicas,
                adding,
                removing,
            } => describe_reassignment(partition, *stage, replicas, adding, removing),
            EventKind::ConfigChanged {
                resource,
                name,
                value,
            } => match value {
                Some(value) => format!("Config {name}={value} set on {}.", resource_text(resource)),
                None => format!("Config {name} removed from {}.", resource_text(resource)),
            },
            EventKind::AclsChanged { added, removed } => describe_acl_change(added, removed),
            EventKind::AuthenticationFailed {
                broker, principal, ..
            } => {
                let user = principal.strip_prefix("User:").unwrap_or(principal);
                format!(
                    "Broker {broker}'s SASL/PLAIN listener refused the login of {principal}: \
                     Authentication failed: Invalid username or password (its JAAS line, \
                     {}, has no user_{user} with that password). It closed the connection.",
                    crate::acl::PLAIN_JAAS_CONFIG
                )
            }
            EventKind::AuthorizationDenied {
                broker,
                principal,
                operation,
                resource_type,
                name,
                api,
                rule,
                ..
            } => {
                let why = if rule == "DefaultDeny" {
                    "no ACL allows it (with no ACL at all on a resource, \
                     allow.everyone.if.no.acl.found decides, false by default)"
                        .to_string()
                } else {
                    format!("a DENY ACL matches, and DENY wins over ALLOW: {rule}")
                };
                format!(
                    "Broker {broker}'s authorizer denied {principal} {} on {} {name} ({api} request): {why}.",
                    operation.name(),
                    resource_type.log_name()
                )
            }
            EventKind::LeaderElected {
                partition,
                leader: Some(leader),
                leader_epoch,
                isr,
                reason,
                ..
            } => format!(
                "Broker {leader} is the leader of {partition} (leader epoch {leader_epoch}, ISR {}): {}.",
                brokers(isr),
                reason.text()
            ),
            EventKind::LeaderElected {
                partition, isr, elr, ..
            } if isr.is_empty() => format!(
                "{partition} is offline: its ISR is empty and none of its eligible leader replicas {} is alive. It stays offline until one of them returns, unless an unclean election (unclean.leader.election.enable=true, or kafka-leader-election --election-type unclean) lets another replica lead.",
                brokers(elr)
            ),
            EventKind::LeaderElected {
                partition, isr, ..
            } => format!(
                "{partition} is offline: no replica in its ISR {} is alive. It stays offline until one of them returns, unless an unclean election (unclean.leader.election.enable=true, or kafka-leader-election --election-type unclean) lets an out-of-sync replica lead.",
                brokers(isr)
            ),
            EventKind::EligibleLeaderReplicasChanged {
                partition,
                elr,
                isr,
                min_isr,
                unclean_shutdown,
            } => describe_elr_change(partition, elr, isr, *min_isr, *unclean_shutdown),
            EventKind::IsrChanged {
                partition,
                isr,
                removed,
                added,
                reason,
            } => describe_isr_change(partition, isr, removed, added, reason),
            EventKind::HighWatermarkAdvanced {
                partition,
                high_watermark,
                ..
            } => format!(
                "The high watermark of {partition} is now {high_watermark}: every in-sync replica has the records below it, so consumers may read them."
            ),
            EventKind::BatchAppended {
                partition,
                broker,
                base_offset,
                last_offset,
                ..
            } => format!(
                "Leader {broker} appended offsets {base_offset} to {last_offset} to {partition}."
            ),
            EventKind::BatchesReplicated {
                partition,
                broker,
                from_offset,
                to_offset,
            } => format!(
                "Follower {broker} fetched offsets {from_offset} to {to_offset} of {partition} from the leader."
            ),
            EventKind::LogTruncated {
                partition,
                broker,
                log_end_offset,
                removed_records,
                reason,
            } => match reason {
                TruncationReason::DivergingEpoch { epoch } => format!(
                    "Broker {broker} truncated {partition} to offset {log_end_offset}, dropping {removed_records} record(s) the new leader never had: its log diverged after leader epoch {epoch} (leader epochs, KIP-101/KIP-279)."
                ),
                TruncationReason::HighWatermark => format!(
                    "Broker {broker} truncated {partition} to its high watermark {log_end_offset}, dropping {removed_records} record(s): the pre-0.11 rule, which can lose acknowledged records."
                ),
                TruncationReason::OffsetOutOfRange => format!(
                    "Broker {broker} truncated {partition} to {log_end_offset} because its offset was out of the leader's range."
                ),
            },
            EventKind::SegmentRolled {
                partition,
                broker,
                base_offset,
                reason,
            } => {
                let why = match reason {
                    RollReason::Size { segment_bytes } => format!(
                        "segment.bytes reached: the incoming batch would take it past {segment_bytes} bytes"
                    ),
                    RollReason::Time {
                        limit_ms,
                        by_compaction_lag,
                        jitter_ms,
                    } => {
                        let config = if *by_compaction_lag {
                            "max.compaction.lag.ms"
                        } else {
                            "segment.ms"
                        };
                        let jitter = if *jitter_ms > 0 {
                            format!(" ({config} {limit_ms} less a jitter of {jitter_ms} ms)")
                        } else {
                            String::new()
                        };
                        format!(
                            "{config} reached: its first record was more than {} ms older than the incoming one{jitter}",
                            limit_ms - jitter_ms
                        )
                    }
                };
                format!(
                    "Broker {broker} rolled a new active segment of {partition} at offset {base_offset} ({why})."
                )
            }
            EventKind::SegmentsDeleted {
                partition,
                broker,
                segments,
                log_start_offset,
                reason,
            } => format!(
                "Broker {broker} deleted {segments} segment(s) of {partition} ({reason}); the log start offset is now {log_start_offset}."
            ),
            EventKind::RecordsDeleted {
                partition,
                broker,
                log_start_offset,
            } => format!(
                "Broker {broker}, the leader, deleted the records of {partition} below offset {log_start_offset} (DeleteRecords): its log start offset is now {log_start_offset}, so no consumer can read them any more. Followers follow it from their fetch answers; whole segments below it go at the next retention check."
            ),
            EventKind::LogCompacted {
                partition,
                broker,
                removed_records,
                removed_tombstones,
            } => format!(
                "The log cleaner on broker {broker} compacted {partition}: {removed_records} superseded record(s) and {removed_tombstones} tombstone(s) removed; offsets keep their gaps."
            ),
            EventKind::RecordAccumulated {
                partition, routing, ..
            } => format!(
                "The producer put the record into a batch for {partition} ({}).",
                describe_routing(routing)
            ),
            EventKind::ProducerIdAssigned {
                producer_id,
                producer_epoch,
                ..
            } => format!(
                "The producer got producer id {producer_id}, epoch {producer_epoch}: brokers now reject duplicates of its batches (enable.idempotence=true)."
            ),
            EventKind::ProducerEpochBumped {
                producer_id,
                producer_epoch,
                partitions: bumped,
                ..
            } => {
                let bumped: Vec<String> = bumped.iter().map(ToString::to_string).collect();
                let bumped = bumped.join(", ");
                format!(
                    "The producer bumped its epoch to {producer_epoch} (KIP-360; producer id {producer_id} stays). A batch to {bumped} failed after it was sent, or the leader lost batches it had acknowledged, so the producer can no longer tell which sequence number the leader expects next there. Its unfinished batches to {bumped} are numbered again from sequence 0 under the new epoch, which the leader accepts; its other partitions move to the new epoch once their batches in flight have answered."
                )
            }
            EventKind::ProduceAcknowledged {
                partition,
                base_offset,
                records,
                ..
            } if base_offset.0 < 0 => format!(
                "{records} record(s) to {partition} counted as sent without an answer (acks=0)."
            ),
            EventKind::ProduceAcknowledged {
                partition,
                base_offset,
                records,
                ..
            } => format!(
                "The producer's {records} record(s) to {partition} were acknowledged at offset {base_offset}."
            ),
            EventKind::ProduceFailed {
                partition,
                records,
                error,
                ..
            } if partition.partition < 0 => format!(
                // send() threw before choosing a partition (metadata, memory, authorization).
                "Sending {records} record(s) to topic {} failed: {}",
                partition.topic,
                error.as_exception()
            ),
            EventKind::ProduceFailed {
                partition,
                records,
                error,
                ..
            } => format!(
                "Sending {records} record(s) to {partition} failed: {}",
                error.as_exception()
            ),
            EventKind::ProduceRetried {
                partition,
                error,
                attempt,
                ..
            } => format!(
                "The producer retries its batch to {partition} (attempt {attempt}) after {}: a retriable error (retries, retry.backoff.ms).",
                error.code
            ),
            EventKind::RecordsDelivered {
                partition,
                first_offset,
                last_offset,
                records,
                ..
            } => format!(
                "poll() returned {records} record(s) of {partition}, offsets {first_offset} to {last_offset}, to the application."
            ),
            EventKind::PartitionsAssigned {
                group,
                generation,
                assigned,
                added,
                revoked,
                ..
            } => {
                let mut text = format!(
                    "A member of group {group} got its assignment for generation {generation}: {}",
                    partitions(assigned)
                );
                if !added.is_empty() {
                    let _ = write!(text, "; new: {}", partitions(added));
                }
                if !revoked.is_empty() {
                    let _ = write!(
                        text,
                        "; it gives up {} and rejoins so they can move (cooperative rebalancing)",
                        partitions(revoked)
                    );
                }
                text.push('.');
                text
            }
            EventKind::PartitionsRevoked {
                partitions: revoked,
                ..
            } => format!(
                "A consumer gave up {} (onPartitionsRevoked): it stops fetching them.",
                partitions(revoked)
            ),
            EventKind::OffsetsCommitted { group, offsets, .. } => format!(
                "Group {group} committed {}: the next record to read, stored in __consumer_offsets.",
                offsets_text(offsets)
            ),
            EventKind::OffsetCommitFailed { error, .. } => {
                format!("A commit failed: {}", error.as_exception())
            }
            EventKind::Alert { detail, .. } => detail.clone(),
            EventKind::Group(event) => event.describe(),
            EventKind::Transaction(event) => event.describe(),
            EventKind::Client { description, .. } => description.clone(),
        }
    }
}

fn describe_isr_change(
    partition: &TopicPartition,
    isr: &[BrokerId],
    removed: &[BrokerId],
    added: &[BrokerId],
    reason: &IsrChangeReason,
) -> String {
    let why = match reason {
        IsrChangeReason::FollowerLagging {
            replica_lag_time_max_ms,
        } => format!(
            "not caught up with the leader for replica.lag.time.max.ms={replica_lag_time_max_ms}"
        ),
        IsrChangeReason::FollowerCaughtUp => "caught up with the high watermark".to_string(),
        IsrChangeReason::BrokerFenced => "the broker is fenced".to_string(),
        IsrChangeReason::ControlledShutdown => {
            "the broker is shutting down (controlled shutdown)".to_string()
        }
        IsrChangeReason::UncleanElection => "an unclean election reset the ISR".to_string(),
        IsrChangeReason::ElrElection => {
            "an eligible leader replica was elected: the ISR starts again from it".to_string()
        }
        IsrChangeReason::Reassignment => "a partition reassignment completed or was cancelled: \
            replicas no longer assigned leave the ISR, and a new replica that caught up joins it"
            .to_string(),
    };
    let mut text = format!("The ISR of {partition} is now {}", brokers(isr));
    if !removed.is_empty() {
        let _ = write!(text, "; {} left", brokers(removed));
    }
    if !added.is_empty() {
        let _ = write!(text, "; {} joined", brokers(added));
    }
    let _ = write!(text, " ({why}).");
    text
}

fn describe_reassignment(
    partition: &TopicPartition,
    stage: ReassignmentStage,
    replicas: &[BrokerId],
    adding: &[BrokerId],
    removing: &[BrokerId],
) -> String {
    let replicas = brokers(replicas);
    match stage {
        ReassignmentStage::Started => {
            let mut text = format!("The controller started reassigning {partition} (AlterPartitionReassignments): its replicas are now {replicas}");
            if !adding.is_empty() {
                let _ = write!(text, "; {} join as followers and copy the log from the leader", brokers(adding));
            }
            if !removing.is_empty() {
                let _ = write!(text, "; {} leave once every target replica is in the ISR", brokers(removing));
            }
            text.push('.');
            text
        }
        ReassignmentStage::Completed if removing.is_empty() => format!(
            "The reassignment of {partition} is complete: every target replica is in the ISR, and the replicas are {replicas}."
        ),
        ReassignmentStage::Completed => format!(
            "The reassignment of {partition} is complete: every target replica is in the ISR, so the controller removed {} and the replicas are {replicas}; the removed brokers delete their copies.",
            brokers(removing)
        ),
        ReassignmentStage::Cancelled => format!(
            "The reassignment of {partition} was cancelled: the replicas it was adding ({}) are dropped and delete their copies, and the replicas are {replicas} again.",
            brokers(adding)
        ),
    }
}

fn describe_elr_change(
    partition: &TopicPartition,
    elr: &[BrokerId],
    isr: &[BrokerId],
    min_isr: i32,
    unclean_shutdown: Option<BrokerId>,
) -> String {
    let mut text = format!(
        "The eligible leader replicas (ELR) of {partition} are now {}",
        brokers(elr)
    );
    if let Some(broker) = unclean_shutdown {
        let _ = write!(
            text,
            "; broker {broker} left them: it restarted after an unclean shutdown (no clean shutdown file), so it may have lost records it had not flushed"
        );
    }
    if elr.is_empty() {
        let _ = write!(
            text,
            " (ISR {}, min.insync.replicas={min_isr}; KIP-966).",
            brokers(isr)
        );
    } else {
        let _ = write!(
            text,
            ". They left the ISR while it had fewer than min.insync.replicas={min_isr} members (it is {} now), when the high watermark cannot advance, so they hold every committed record: once the ISR is empty, one that is alive may lead (KIP-966).",
            brokers(isr)
        );
    }
    text
}

fn describe_routing(routing: &Routing) -> String {
    match routing {
        Routing::Explicit => "the record named its partition".to_string(),
        Routing::Keyed {
            murmur2,
            positive,
            partition_count,
        } => format!(
            "keyed: murmur2(key) = {murmur2}, toPositive = {positive}, {positive} % {partition_count} = {}",
            positive % (*partition_count).max(1)
        ),
        Routing::Sticky { batch_size } => format!(
            "null key: the uniform sticky partitioner keeps one partition until batch.size={batch_size} bytes went to it"
        ),
        Routing::StickyPerBatch => "null key: the sticky partitioner of Kafka 2.4 to 3.2 keeps one partition until a record would open a new batch".to_string(),
        Routing::RoundRobin { counter } => {
            format!("null key: round robin, counter {counter}")
        }
    }
}

fn describe_acl_change(
    added: &[crate::acl::AclBinding],
    removed: &[crate::acl::AclBinding],
) -> String {
    let list = |bindings: &[crate::acl::AclBinding]| {
        bindings
            .iter()
            .map(|binding| {
                let pattern = &binding.pattern;
                let entry = &binding.entry;
                let name = match pattern.pattern_type {
                    crate::acl::PatternType::Literal => pattern.name.clone(),
                    crate::acl::PatternType::Prefixed => format!("{}*", pattern.name),
                };
                format!(
                    "{} {} {} on {} {name}",
                    entry.permission.name(),
                    entry.principal,
                    entry.operation.name(),
                    pattern.resource_type.log_name()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut text = String::new();
    if !added.is_empty() {
        let _ = write!(text, "ACLs created: {}. ", list(added));
    }
    if !removed.is_empty() {
        let _ = write!(text, "ACLs deleted: {}. ", list(removed));
    }
    text.push_str("The controller wrote them to the metadata log; each broker's authorizer applies them as it catches up.");
    text
}

fn resource_text(resource: &ConfigResource) -> String {
    match resource {
        ConfigResource::Topic(topic) => format!("topic {topic}"),
        ConfigResource::Broker(broker) => format!("broker {broker}"),
        ConfigResource::BrokerDefault => "every broker (cluster default)".to_string(),
        quota => crate::quota::entity_text(quota),
    }
}

/// `[orders-0, orders-1]`.
pub fn partitions(list: &[TopicPartition]) -> String {
    let items: Vec<String> = list.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(", "))
}

fn offsets_text(offsets: &[(TopicPartition, Offset)]) -> String {
    let items: Vec<String> = offsets
        .iter()
        .map(|(partition, offset)| format!("{partition}={offset}"))
        .collect();
    items.join(", ")
}

/// `[1,2,3]`.
pub fn brokers(ids: &[BrokerId]) -> String {
    let list: Vec<String> = ids.iter().map(ToString::to_string).collect();
    format!("[{}]", list.join(","))
}

fn broker_or_none(broker: Option<BrokerId>) -> String {
    broker.map_or_else(|| "none".to_string(), |broker| broker.to_string())
}
