//! What brokers and the controller say to each other, and ZooKeeper sessions (legacy mode).
//!
//! The controller keeps the cluster's metadata as a log of [`MetadataRecord`]s (KRaft's
//! `__cluster_metadata`). Brokers register, send heartbeats that keep them unfenced, and pull
//! the metadata log with a long-polling fetch, applying each record to their metadata cache.
//! A partition leader asks the controller to change the ISR with AlterPartition.
//!
//! Simplification, stated in the lessons: in ZooKeeper mode the real controller pushes
//! LeaderAndIsr and UpdateMetadata requests to brokers; the simulation lets brokers pull the
//! same changes in both modes. What differs between the modes is how the controller is chosen,
//! how a dead broker is noticed (ZooKeeper sessions versus controller heartbeats), and how a
//! stopping broker asks to move its leaderships away (a ControlledShutdown request versus its
//! heartbeats).

use serde::{Deserialize, Serialize};

use crate::error::KafkaError;
use crate::ids::{BrokerId, TopicPartition};

/// The state of one partition as the controller decided it (`PartitionRegistration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionState {
    /// The assigned replicas; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    /// The in-sync replicas.
    pub isr: Vec<BrokerId>,
    /// The leader; `None` while the partition is offline.
    pub leader: Option<BrokerId>,
    /// Bumped on every leader change.
    pub leader_epoch: i32,
    /// Bumped on every change of this state (leader or ISR).
    pub partition_epoch: i32,
    /// Eligible leader replicas (KIP-966, KRaft): replicas out of the ISR that still hold
    /// every committed record, because they left it while it was below
    /// `min.insync.replicas`, when the high watermark cannot advance. Electable once the ISR
    /// is empty. Always empty in ZooKeeper mode.
    #[serde(default)]
    pub elr: Vec<BrokerId>,
    /// `LastKnownElr`: the last leader, kept while the partition has none and its ISR is
    /// empty (KIP-966's last known leader, elected if it comes back and nothing better can).
    #[serde(default)]
    pub last_known_elr: Vec<BrokerId>,
    /// While a reassignment is under way (`kafka-reassign-partitions`): the target replicas not
    /// yet in the old assignment, in broker id order. `replicas` holds them too.
    #[serde(default)]
    pub adding: Vec<BrokerId>,
    /// While a reassignment is under way: the old replicas not in the target, in broker id
    /// order; `replicas` lists them after the target's.
    #[serde(default)]
    pub removing: Vec<BrokerId>,
}

/// A resource configs are set on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ConfigResource {
    /// A topic's overrides.
    Topic(String),
    /// One broker's dynamic configs.
    Broker(BrokerId),
    /// The cluster-wide dynamic broker default (`--entity-default`).
    BrokerDefault,
    /// A client id's quotas (`--entity-type clients`), or with `None` the default client id's.
    /// Kafka keeps them apart from configs (`QuotaRecord`, AlterClientQuotas); the playground
    /// keeps them beside the other dynamic configs of the metadata.
    ClientId(Option<String>),
    /// A user's quotas (`--entity-type users`), shared by all the user's clients, or with
    /// `None` the default user's (KIP-55).
    User(Option<String>),
    /// The quotas of one client id of one user (`--entity-type users --entity-type clients`),
    /// each part `None` for its default.
    UserClientId(Option<String>, Option<String>),
}

impl ConfigResource {
    /// Whether it holds client quotas (a client id, a user, or both).
    pub fn is_client_quota(&self) -> bool {
        matches!(
            self,
            ConfigResource::ClientId(_)
                | ConfigResource::User(_)
                | ConfigResource::UserClientId(..)
        )
    }
}

/// One record of the controller's metadata log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum MetadataRecord {
    /// A broker registered (or re-registered after a restart) with a new broker epoch.
    RegisterBroker {
        /// The broker.
        broker: BrokerId,
        /// Its new broker epoch.
        broker_epoch: i64,
    },
    /// A broker is fenced: it may lead nothing and is out of every ISR.
    FenceBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// A broker is unfenced: it caught up with the metadata and may serve again.
    UnfenceBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// A topic was created.
    Topic {
        /// Its name.
        name: String,
        /// Its topic id (a counter here; a UUID in Kafka).
        topic_id: u64,
    },
    /// A partition's full state, on creation and after every change.
    Partition {
        /// The partition.
        partition: TopicPartition,
        /// Its state.
        state: PartitionState,
    },
    /// A topic was deleted.
    RemoveTopic {
        /// Its name.
        name: String,
    },
    /// A config was set (`Some`) or removed (`None`).
    Config {
        /// Where.
        resource: ConfigResource,
        /// The config name.
        name: String,
        /// The value, or `None` to remove the override.
        value: Option<String>,
    },
    /// An ACL was created (`AccessControlEntryRecord`).
    AccessControlEntry {
        /// Its id (a counter here; a UUID in Kafka).
        id: u64,
        /// The ACL.
        binding: crate::acl::AclBinding,
    },
    /// An ACL was deleted (`RemoveAccessControlEntryRecord`).
    RemoveAccessControlEntry {
        /// Its id.
        id: u64,
    },
}

/// What the controller tells a broker whose heartbeat it accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokerHeartbeatAnswer {
    /// Whether the broker is fenced now.
    pub is_fenced: bool,
    /// Whether a controlled shutdown may proceed (leadership moved away).
    pub should_shutdown: bool,
}

/// Broker <-> controller messages.
#[derive(Debug, Clone)]
pub enum ControllerBody {
    /// BrokerRegistration: a starting broker joins the cluster (fenced until caught up).
    RegisterBroker {
        /// Unique per sender.
        request_id: u64,
        /// The broker.
        broker: BrokerId,
        /// Which start of the broker's process this is (Kafka's `incarnationId`).
        incarnation: u32,
        /// The broker epoch its clean shutdown file names (KIP-966's `previousBrokerEpoch`),
        /// if its last process stopped in order.
        previous_broker_epoch: Option<i64>,
    },
    /// The answer: the broker's new epoch, or `DUPLICATE_BROKER_REGISTRATION`.
    RegisterBrokerResponse {
        /// The request answered.
        request_id: u64,
        /// The new broker epoch.
        result: Result<i64, KafkaError>,
    },
    /// BrokerHeartbeat: every `broker.heartbeat.interval.ms`; a broker silent for
    /// `broker.session.timeout.ms` is fenced.
    BrokerHeartbeat {
        /// Unique per sender.
        request_id: u64,
        /// The broker.
        broker: BrokerId,
        /// Its broker epoch.
        broker_epoch: i64,
        /// How far it has applied the metadata log.
        metadata_offset: u64,
        /// Whether it asks to stay fenced (still catching up).
        want_fence: bool,
        /// Whether it asks for a controlled shutdown.
        want_shutdown: bool,
    },
    /// The answer to a heartbeat: the broker's state, or an error (`STALE_BROKER_EPOCH` when
    /// the heartbeat does not carry the broker's current registration's epoch).
    BrokerHeartbeatResponse {
        /// The request answered.
        request_id: u64,
        /// The broker's state, or why not.
        result: Result<BrokerHeartbeatAnswer, KafkaError>,
    },
    /// A broker pulls the metadata log from `offset` (long poll).
    FetchMetadata {
        /// Unique per sender.
        request_id: u64,
        /// The broker.
        broker: BrokerId,
        /// The next record it needs.
        offset: u64,
    },
    /// The records from the asked offset on (possibly none, after the long poll timed out).
    FetchMetadataResponse {
        /// The request answered.
        request_id: u64,
        /// Offset of the first record returned.
        offset: u64,
        /// The records.
        records: Vec<MetadataRecord>,
        /// The active controller.
        controller: BrokerId,
    },
    /// AlterPartition: a leader asks to change a partition's ISR.
    AlterPartition {
        /// Unique per sender.
        request_id: u64,
        /// The leader asking.
        broker: BrokerId,
        /// Its broker epoch.
        broker_epoch: i64,
        /// The partition.
        partition: TopicPartition,
        /// The leader epoch the leader is in.
        leader_epoch: i32,
        /// The partition epoch the change is based on.
        partition_epoch: i32,
        /// The ISR asked for.
        new_isr: Vec<BrokerId>,
    },
    /// The answer: the committed state, or an error (`FENCED_LEADER_EPOCH`,
    /// `INVALID_UPDATE_VERSION`, `INELIGIBLE_REPLICA`, ...).
    AlterPartitionResponse {
        /// The request answered.
        request_id: u64,
        /// The partition.
        partition: TopicPartition,
        /// The new state, or why not.
        result: Result<PartitionState, KafkaError>,
    },
    /// A broker forwards an automatic topic creation (auto.create.topics.enable).
    CreateTopics {
        /// Unique per sender.
        request_id: u64,
        /// The topics to create with the broker defaults.
        topics: Vec<String>,
    },
    /// A broker asks for an internal topic (`__consumer_offsets`, `__transaction_state`) the
    /// first time a client needs it, with the topic's internal configs (Kafka's
    /// `AutoTopicCreationManager` creates them whatever `auto.create.topics.enable` says).
    /// Answered with CreateTopicsResponse.
    CreateInternalTopic {
        /// Unique per sender.
        request_id: u64,
        /// The topic.
        topic: String,
        /// Its partition count (`offsets.topic.num.partitions`, ...).
        partitions: i32,
        /// Its replication factor, capped by the live brokers.
        replication_factor: i32,
        /// Its configs (`cleanup.policy=compact`, ...).
        configs: Vec<(String, String)>,
    },
    /// The answer to CreateTopics (per topic: created, or the error).
    CreateTopicsResponse {
        /// The request answered.
        request_id: u64,
        /// Per topic.
        results: Vec<(String, Result<(), KafkaError>)>,
    },
    /// ControlledShutdown (ZooKeeper mode): a broker stopping asks the controller to move its
    /// leaderships away and take it out of the ISRs first.
    ControlledShutdown {
        /// Unique per sender.
        request_id: u64,
        /// The broker.
        broker: BrokerId,
        /// Its broker epoch.
        broker_epoch: i64,
    },
    /// The answer: how many replicated partitions the broker still leads (none: it may stop),
    /// or an error (`STALE_BROKER_EPOCH`).
    ControlledShutdownResponse {
        /// The request answered.
        request_id: u64,
        /// The partitions remaining, or why not.
        result: Result<usize, KafkaError>,
    },
    /// The receiver is not the active controller: the request comes back, with the active
    /// controller if the receiver knows it (Raft's leader hint).
    NotController {
        /// The refused request.
        request: Box<ControllerBody>,
        /// The active controller, if there is one.
        controller: Option<BrokerId>,
    },
}

impl ControllerBody {
    /// A short name for diagrams and the trace.
    pub fn api_name(&self) -> &'static str {
        match self {
            ControllerBody::RegisterBroker { .. } => "BrokerRegistration",
            ControllerBody::RegisterBrokerResponse { .. } => "BrokerRegistration response",
            ControllerBody::BrokerHeartbeat { .. } => "BrokerHeartbeat",
            ControllerBody::BrokerHeartbeatResponse { .. } => "BrokerHeartbeat response",
            ControllerBody::FetchMetadata { .. } => "Fetch (metadata)",
            ControllerBody::FetchMetadataResponse { .. } => "Fetch (metadata) response",
            ControllerBody::AlterPartition { .. } => "AlterPartition",
            ControllerBody::AlterPartitionResponse { .. } => "AlterPartition response",
            ControllerBody::CreateTopics { .. } => "CreateTopics",
            ControllerBody::CreateInternalTopic { .. } => "CreateTopics (internal)",
            ControllerBody::CreateTopicsResponse { .. } => "CreateTopics response",
            ControllerBody::ControlledShutdown { .. } => "ControlledShutdown",
            ControllerBody::ControlledShutdownResponse { .. } => "ControlledShutdown response",
            ControllerBody::NotController { .. } => "NOT_CONTROLLER",
        }
    }

    /// Whether this is a request to the controller.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            ControllerBody::RegisterBroker { .. }
                | ControllerBody::BrokerHeartbeat { .. }
                | ControllerBody::FetchMetadata { .. }
                | ControllerBody::AlterPartition { .. }
                | ControllerBody::CreateTopics { .. }
                | ControllerBody::CreateInternalTopic { .. }
                | ControllerBody::ControlledShutdown { .. }
        )
    }
}

/// Broker <-> ZooKeeper messages (legacy mode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZooKeeperBody {
    /// A broker opens a session and registers its ephemeral `/brokers/ids/<id>` node.
    Register {
        /// The broker.
        broker: BrokerId,
        /// The broker process's incarnation: a new process opens a new session.
        incarnation: u32,
    },
    /// A session heartbeat (ZooKeeper's ping), every third of `zookeeper.session.timeout.ms`.
    Ping {
        /// The broker.
        broker: BrokerId,
        /// The broker process's incarnation (its session).
        incarnation: u32,
    },
    /// Register refused: `/brokers/ids/<id>` still belongs to the session of an earlier process
    /// of this broker (it expires after `zookeeper.session.timeout.ms`); try again later.
    NodeExists,
    /// The answer to Register or Ping.
    Pong {
        /// The broker process that asked: the answer travels on its connection, so a process
        /// started since never reads it.
        incarnation: u32,
        /// Whether the session is alive (false: expired, register again).
        session_alive: bool,
        /// The broker owning the ephemeral `/controller` node, if any.
        controller: Option<BrokerId>,
    },
    /// A broker tries to create the ephemeral `/controller` node, in its session.
    CreateControllerNode {
        /// The broker.
        broker: BrokerId,
        /// The broker process (its session).
        incarnation: u32,
    },
    /// The answer: who owns `/controller` now, the controller epoch, and the live brokers
    /// (`/brokers/ids`), which a new controller reads.
    ControllerNode {
        /// The broker process that asked (see `Pong`).
        incarnation: u32,
        /// The owner.
        controller: BrokerId,
        /// `/controller_epoch`.
        epoch: i32,
        /// The brokers with a live session.
        live_brokers: Vec<BrokerId>,
    },
    /// A watch fired: a broker's session ended (sent to the controller).
    BrokerExpired {
        /// The broker whose ephemeral node went away.
        broker: BrokerId,
        /// Whether its process closed the session as it stopped (else it expired).
        closed: bool,
    },
    /// A stopping broker closes its session: ZooKeeper deletes its ephemeral nodes at once.
    CloseSession {
        /// The broker.
        broker: BrokerId,
        /// The broker process (its session).
        incarnation: u32,
    },
    /// A watch fired: a broker registered (sent to the controller).
    BrokerRegistered {
        /// The broker.
        broker: BrokerId,
    },
    /// A watch fired: `/controller` was deleted (sent to every live broker).
    ControllerGone,
    /// The controller's watch on `/brokers/ids` fired again when its session reconnected,
    /// because a notification to it was lost while it was cut off; the controller reads the
    /// live brokers again (sent to the controller).
    BrokersChanged {
        /// The brokers with a live session.
        live_brokers: Vec<BrokerId>,
    },
}

impl ZooKeeperBody {
    /// A short name for diagrams and the trace.
    pub fn api_name(&self) -> &'static str {
        match self {
            ZooKeeperBody::Register { .. } => "ZooKeeper create session",
            ZooKeeperBody::Ping { .. } => "ZooKeeper ping",
            ZooKeeperBody::Pong { .. } => "ZooKeeper pong",
            ZooKeeperBody::NodeExists => "ZooKeeper NodeExists",
            ZooKeeperBody::CreateControllerNode { .. } => "ZooKeeper create /controller",
            ZooKeeperBody::ControllerNode { .. } => "ZooKeeper /controller",
            ZooKeeperBody::BrokerExpired { .. } => "ZooKeeper watch: broker gone",
            ZooKeeperBody::BrokerRegistered { .. } => "ZooKeeper watch: broker joined",
            ZooKeeperBody::CloseSession { .. } => "ZooKeeper close session",
            ZooKeeperBody::ControllerGone => "ZooKeeper watch: /controller deleted",
            ZooKeeperBody::BrokersChanged { .. } => "ZooKeeper watch: /brokers/ids changed",
        }
    }

    /// Whether this is a watch notification for the controller, which ZooKeeper fires again
    /// when the controller's session reconnects after losing it.
    pub fn is_controller_watch(&self) -> bool {
        matches!(
            self,
            ZooKeeperBody::BrokerExpired { .. }
                | ZooKeeperBody::BrokerRegistered { .. }
                | ZooKeeperBody::BrokersChanged { .. }
        )
    }

    /// Whether this is a request to ZooKeeper.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            ZooKeeperBody::Register { .. }
                | ZooKeeperBody::Ping { .. }
                | ZooKeeperBody::CreateControllerNode { .. }
                | ZooKeeperBody::CloseSession { .. }
        )
    }
}
