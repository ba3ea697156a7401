//! What a learner, a lesson or a test asks the simulated world to do. Commands are
//! imperative; what happened is an [`Event`](super::event::Event).
//!
//! A command is validated completely before anything changes: a refused command returns
//! Kafka's error and leaves the state exactly as it was.

use serde::{Deserialize, Serialize};

use crate::client::consumer::{CommitPolicy, Subscription};
use crate::controller::topics::ElectionType;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::log::Header;
use crate::network::NodeId;
use crate::protocol::controller::ConfigResource;

/// A record to send, as a producer's application hands it to `KafkaProducer.send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecord {
    /// The topic.
    pub topic: String,
    /// The key (a string serialized as UTF-8); `None` is a null key, `Some("")` an empty key.
    pub key: Option<String>,
    /// The value; `None` is a null value (a tombstone on a compacted topic).
    pub value: Option<String>,
    /// Headers: key and optional value.
    pub headers: Vec<(String, Option<String>)>,
    /// An explicit partition, which wins over the key and the partitioner.
    pub partition: Option<i32>,
    /// An explicit timestamp in ms; `None` takes the producer's clock.
    pub timestamp_ms: Option<i64>,
}

impl NewRecord {
    /// A record with a key and a value.
    pub fn new(topic: &str, key: Option<&str>, value: Option<&str>) -> NewRecord {
        NewRecord {
            topic: topic.to_string(),
            key: key.map(str::to_string),
            value: value.map(str::to_string),
            headers: Vec::new(),
            partition: None,
            timestamp_ms: None,
        }
    }

    /// The headers as the log stores them.
    pub fn log_headers(&self) -> Vec<Header> {
        if self.headers.is_empty() {
            // Most records: skip the collect machinery, a few dozen instructions per record.
            return Vec::new();
        }
        self.headers
            .iter()
            .map(|(key, value)| Header {
                key: key.clone(),
                value: value.as_ref().map(|value| value.as_bytes().to_vec()),
            })
            .collect()
    }
}

/// Where a group's offsets are reset to (`kafka-consumer-groups --reset-offsets`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetSpec {
    /// `--to-earliest`.
    ToEarliest,
    /// `--to-latest`.
    ToLatest,
    /// `--to-offset N` (clamped into the log's range, as the tool does).
    ToOffset(i64),
    /// `--shift-by N` from the committed offset.
    ShiftBy(i64),
    /// `--to-datetime`: the first offset at or after this time (ms since the epoch).
    ToDatetime(i64),
    /// `--by-duration`: the first offset at or after now minus this many ms.
    ByDuration(i64),
    /// `--to-current`: the committed offset itself.
    ToCurrent,
}

/// A steady flow of records from one producer (the playground's load generator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// The topic.
    pub topic: String,
    /// Records per simulated second.
    pub records_per_second: i64,
    /// How many distinct keys (`key-0`, `key-1`, ...); 0 sends null keys.
    pub distinct_keys: i32,
    /// Bytes in each value.
    pub value_bytes: i32,
}

/// Something to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// CreateTopics: -1 partitions or replication factor take the broker defaults.
    CreateTopic {
        /// The name.
        topic: String,
        /// Partitions, or -1.
        partitions: i32,
        /// Replication factor, or -1.
        replication_factor: i32,
        /// `--config` overrides.
        configs: Vec<(String, String)>,
    },
    /// CreateTopics with a manual assignment (`kafka-topics --create --replica-assignment`).
    CreateTopicWithAssignment {
        /// The name.
        topic: String,
        /// Each partition's replicas, in partition order; the first is the preferred leader.
        assignment: Vec<Vec<BrokerId>>,
        /// `--config` overrides.
        configs: Vec<(String, String)>,
    },
    /// DeleteTopics.
    DeleteTopic {
        /// The topic.
        topic: String,
    },
    /// CreatePartitions: the new total.
    CreatePartitions {
        /// The topic.
        topic: String,
        /// The new partition count.
        total_count: i32,
    },
    /// IncrementalAlterConfigs.
    AlterConfigs {
        /// Topic, broker, the brokers' default, or a client id's quotas.
        resource: ConfigResource,
        /// Configs to set.
        set: Vec<(String, String)>,
        /// Configs to remove.
        delete: Vec<String>,
    },
    /// ElectLeaders (`kafka-leader-election`).
    ElectLeaders {
        /// Preferred or unclean.
        election: ElectionType,
        /// The partitions, or all.
        partitions: Option<Vec<TopicPartition>>,
    },
    /// AlterPartitionReassignments for one partition (`kafka-reassign-partitions`): move it to
    /// `replicas`, or with `None` cancel the reassignment under way.
    AlterPartitionReassignment {
        /// The partition.
        partition: TopicPartition,
        /// The target replicas, preferred first; `None` cancels.
        replicas: Option<Vec<BrokerId>>,
    },
    /// DeleteRecords (`kafka-delete-records`) to the partition's leader: the records below
    /// `offset` (-1: the high watermark) are deleted.
    DeleteRecords {
        /// The partition.
        partition: TopicPartition,
        /// The new log start offset, or -1.
        offset: i64,
    },
    /// CreateAcls (`kafka-acls --add`).
    CreateAcls {
        /// The ACLs.
        bindings: Vec<crate::acl::AclBinding>,
    },
    /// DeleteAcls (`kafka-acls --remove`): every ACL one of the filters takes.
    DeleteAcls {
        /// The filters.
        filters: Vec<crate::acl::AclFilter>,
    },
    /// Kill a broker process (`kill -9`).
    StopBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// Stop a broker with a controlled shutdown (leaderships move first).
    ShutdownBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// Start a stopped broker.
    StartBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// Cut a broker off from every other node.
    IsolateBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// End a broker's isolation.
    RejoinBroker {
        /// The broker.
        broker: BrokerId,
    },
    /// Cut the links between two sets of nodes.
    CutLinks {
        /// One side.
        side_a: Vec<NodeId>,
        /// The other side.
        side_b: Vec<NodeId>,
    },
    /// Repair the links between two sets of nodes.
    RepairLinks {
        /// One side.
        side_a: Vec<NodeId>,
        /// The other side.
        side_b: Vec<NodeId>,
    },
    /// Delay everything a broker sends by extra milliseconds (0 removes the delay).
    DelayBroker {
        /// The broker.
        broker: BrokerId,
        /// Extra one-way delay.
        extra_ms: i64,
    },
    /// Hold a broker's replica fetches until released.
    HoldFetches {
        /// The broker.
        broker: BrokerId,
    },
    /// Release a broker's held fetches.
    ReleaseFetches {
        /// The broker.
        broker: BrokerId,
    },
    /// End every network fault.
    HealNetwork,
    /// Start a producer (`new KafkaProducer(props)`), named by its `client.id`.
    CreateProducer {
        /// The `client.id`.
        name: String,
        /// Producer configs.
        configs: Vec<(String, String)>,
    },
    /// `KafkaProducer.send`.
    Produce {
        /// The producer's `client.id`.
        producer: String,
        /// The record.
        record: NewRecord,
    },
    /// `KafkaProducer.flush`: send every buffered batch now.
    Flush {
        /// The producer.
        producer: String,
    },
    /// `KafkaProducer.close`.
    CloseProducer {
        /// The producer.
        producer: String,
    },
    /// Start a steady flow of records from a producer.
    StartWorkload {
        /// The producer.
        producer: String,
        /// The flow.
        workload: Workload,
    },
    /// Stop a producer's flow.
    StopWorkload {
        /// The producer.
        producer: String,
    },
    /// `initTransactions`.
    InitTransactions {
        /// The producer.
        producer: String,
    },
    /// `beginTransaction`.
    BeginTransaction {
        /// The producer.
        producer: String,
    },
    /// `commitTransaction`.
    CommitTransaction {
        /// The producer.
        producer: String,
    },
    /// `abortTransaction`.
    AbortTransaction {
        /// The producer.
        producer: String,
    },
    /// `sendOffsetsToTransaction` with a consumer's current positions.
    SendOffsetsToTransaction {
        /// The producer.
        producer: String,
        /// The consumer whose positions are committed with the transaction.
        consumer: String,
    },
    /// Start a consumer (`new KafkaConsumer(props)` and `subscribe`/`assign`).
    CreateConsumer {
        /// The `client.id`.
        name: String,
        /// Consumer configs (`group.id`, `enable.auto.commit`, ...).
        configs: Vec<(String, String)>,
        /// Subscribe to topics or assign partitions.
        subscription: Subscription,
        /// How its application polls and commits.
        policy: CommitPolicy,
    },
    /// One `poll()` by the consumer's application.
    Poll {
        /// The consumer.
        consumer: String,
    },
    /// `commitSync` (or `commitAsync`) of the consumed positions.
    Commit {
        /// The consumer.
        consumer: String,
        /// Whether to wait for the answer (`commitSync`).
        sync: bool,
    },
    /// `seek` to an offset.
    Seek {
        /// The consumer.
        consumer: String,
        /// The partition.
        partition: TopicPartition,
        /// The offset.
        offset: Offset,
    },
    /// `close()`: commit (if auto-commit), leave the group.
    CloseConsumer {
        /// The consumer.
        consumer: String,
    },
    /// The consumer's process dies: no commit, no LeaveGroup.
    CrashConsumer {
        /// The consumer.
        consumer: String,
    },
    /// `kafka-consumer-groups --reset-offsets --execute` on an inactive group.
    ResetOffsets {
        /// The group.
        group: String,
        /// The partitions to reset.
        partitions: Vec<TopicPartition>,
        /// Where to.
        spec: ResetSpec,
    },
    /// `kafka-consumer-groups --delete`.
    DeleteGroup {
        /// The group.
        group: String,
    },
}

impl Command {
    /// For a request the active controller decides, the name of the admin client's call that
    /// sends it (`KafkaAdminClient`'s `callName`); `None` for every other command.
    pub fn controller_call(&self) -> Option<&'static str> {
        Some(match self {
            Command::CreateTopic { .. } | Command::CreateTopicWithAssignment { .. } => {
                "createTopics"
            }
            Command::DeleteTopic { .. } => "deleteTopics",
            Command::CreatePartitions { .. } => "createPartitions",
            Command::AlterConfigs { resource, .. } if resource.is_client_quota() => {
                "alterClientQuotas"
            }
            Command::AlterConfigs { .. } => "incrementalAlterConfigs",
            Command::CreateAcls { .. } => "createAcls",
            Command::DeleteAcls { .. } => "deleteAcls",
            Command::ElectLeaders { .. } => "electLeaders",
            Command::AlterPartitionReassignment { .. } => "alterPartitionReassignments",
            _ => return None,
        })
    }

    /// Whether the command changes which brokers are up or who can reach whom, after which the
    /// controller quorum is checked.
    pub fn affects_liveness(&self) -> bool {
        matches!(
            self,
            Command::StopBroker { .. }
                | Command::ShutdownBroker { .. }
                | Command::StartBroker { .. }
                | Command::IsolateBroker { .. }
                | Command::RejoinBroker { .. }
                | Command::CutLinks { .. }
                | Command::RepairLinks { .. }
                | Command::HealNetwork
        )
    }
}
