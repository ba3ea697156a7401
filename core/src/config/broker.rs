//! Broker configs: `KafkaConfig` with its static and dynamic layers (`DynamicBrokerConfig`).
//!
//! Mirrors the `ConfigDef`s of `ServerConfigs`, `ServerLogConfigs`/`LogConfig.SERVER_CONFIG_DEF`,
//! `ReplicationConfigs`, `KRaftConfigs`, `QuorumConfig`, `SocketServerConfigs`, `CleanerConfig`,
//! `GroupCoordinatorConfig`, `TransactionLogConfig`, `TransactionStateManagerConfig` and (for the
//! ZooKeeper lessons) the 3.x `ZkConfigs`, which Kafka 4.0 removed.
//!
//! A value comes from the highest layer that sets it: this broker's dynamic configs, then the
//! cluster-wide dynamic default, then `server.properties`, then Kafka's default, which is what
//! `kafka-configs --describe` reports as `DYNAMIC_BROKER_CONFIG`, `DYNAMIC_DEFAULT_BROKER_CONFIG`,
//! `STATIC_BROKER_CONFIG` and `DEFAULT_CONFIG`. Only the configs of
//! `DynamicBrokerConfig.ALL_DYNAMIC_CONFIGS` can be changed at run time; note that for
//! retention and roll only `log.retention.ms` and `log.roll.ms` are dynamic, not the
//! minutes/hours forms. The cluster-wide default layer is shared by all brokers: the cluster
//! applies a `--entity-default` change to every broker's `BrokerConfig`.
//!
//! Simplified: Kafka has about 300 broker configs; this table has the ones a learner meets.
//! Other names are accepted and kept as text, as Kafka accepts unknown properties.

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use super::value::{java_hash_order, java_set_to_string};
use super::{
    config_table, find_key, ConfigKey, ConfigSource, ConfigSynonym, DescribeRow, Importance as I,
    MessageTimestampType, UpdateMode, Validator as V,
};
use crate::config::ConfigType as T;
use crate::error::{ErrorCode, KafkaError};
use crate::kinds::{CleanupPolicy, TopicCompression};

/// One entry of an `IncrementalAlterConfigs` request: set a value, or delete it (`None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigChange {
    /// The config name.
    pub name: String,
    /// The new value, or `None` to delete the config (`--delete-config`).
    pub value: Option<String>,
}

impl ConfigChange {
    /// `--add-config name=value`.
    pub fn set(name: &str, value: &str) -> ConfigChange {
        ConfigChange {
            name: name.to_string(),
            value: Some(value.to_string()),
        }
    }

    /// `--delete-config name`.
    pub fn delete(name: &str) -> ConfigChange {
        ConfigChange {
            name: name.to_string(),
            value: None,
        }
    }
}

/// Which dynamic layer a broker config change targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DynamicScope {
    /// This broker only (`--entity-name <id>`): `DYNAMIC_BROKER_CONFIG`.
    Broker,
    /// Every broker (`--entity-default`): `DYNAMIC_DEFAULT_BROKER_CONFIG`.
    ClusterDefault,
}

/// A broker's configuration: typed effective values and the layers they come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerConfig {
    /// `node.id` (KRaft).
    pub node_id: i32,
    /// `broker.id`.
    pub broker_id: i32,
    /// `process.roles`: `broker`, `controller`, or both.
    pub process_roles: Vec<String>,
    /// `controller.quorum.voters`: `{id}@{host}:{port}` entries.
    pub controller_quorum_voters: Vec<String>,
    /// `zookeeper.connect` (ZooKeeper mode, removed in Kafka 4.0).
    pub zookeeper_connect: Option<String>,
    /// `zookeeper.session.timeout.ms` (ZooKeeper mode, removed in Kafka 4.0).
    pub zookeeper_session_timeout_ms: i32,
    /// `listeners`.
    pub listeners: String,
    /// `authorizer.class.name`: empty for no authorizer.
    pub authorizer_class_name: String,
    /// `log.dir`.
    pub log_dir: Vec<String>,
    /// `log.dirs`.
    pub log_dirs: Option<Vec<String>>,
    /// `num.recovery.threads.per.data.dir`.
    pub num_recovery_threads_per_data_dir: i32,
    /// `num.partitions`.
    pub num_partitions: i32,
    /// `default.replication.factor`.
    pub default_replication_factor: i32,
    /// `auto.create.topics.enable`.
    pub auto_create_topics_enable: bool,
    /// `delete.topic.enable`.
    pub delete_topic_enable: bool,
    /// `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
    /// `auto.leader.rebalance.enable`.
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds`.
    pub leader_imbalance_check_interval_seconds: i64,
    /// `leader.imbalance.per.broker.percentage`.
    pub leader_imbalance_per_broker_percentage: i32,
    /// `message.max.bytes`.
    pub message_max_bytes: i32,
    /// `compression.type` (`producer`, `uncompressed` or a codec).
    pub compression_type: TopicCompression,
    /// `compression.gzip.level`.
    pub compression_gzip_level: i32,
    /// `compression.lz4.level`.
    pub compression_lz4_level: i32,
    /// `compression.zstd.level`.
    pub compression_zstd_level: i32,
    /// `log.retention.hours` (used when neither minutes nor ms is set).
    pub log_retention_hours: i32,
    /// `log.retention.minutes` (used when ms is not set).
    pub log_retention_minutes: Option<i32>,
    /// `log.retention.ms` (wins over minutes and hours).
    pub log_retention_ms: Option<i64>,
    /// `log.retention.bytes`.
    pub log_retention_bytes: i64,
    /// `log.segment.bytes`.
    pub log_segment_bytes: i32,
    /// `log.roll.hours` (used when `log.roll.ms` is not set).
    pub log_roll_hours: i32,
    /// `log.roll.ms`.
    pub log_roll_ms: Option<i64>,
    /// `log.roll.jitter.hours`.
    pub log_roll_jitter_hours: i32,
    /// `log.roll.jitter.ms`.
    pub log_roll_jitter_ms: Option<i64>,
    /// `log.retention.check.interval.ms`.
    pub log_retention_check_interval_ms: i64,
    /// `log.cleanup.policy`.
    pub log_cleanup_policy: CleanupPolicy,
    /// `log.cleaner.enable`.
    pub log_cleaner_enable: bool,
    /// `log.cleaner.backoff.ms`.
    pub log_cleaner_backoff_ms: i64,
    /// `log.cleaner.min.cleanable.ratio`.
    pub log_cleaner_min_cleanable_ratio: f64,
    /// `log.cleaner.delete.retention.ms`.
    pub log_cleaner_delete_retention_ms: i64,
    /// `log.cleaner.min.compaction.lag.ms`.
    pub log_cleaner_min_compaction_lag_ms: i64,
    /// `log.cleaner.max.compaction.lag.ms`.
    pub log_cleaner_max_compaction_lag_ms: i64,
    /// `log.message.timestamp.type`.
    pub log_message_timestamp_type: MessageTimestampType,
    /// `log.message.timestamp.before.max.ms`.
    pub log_message_timestamp_before_max_ms: i64,
    /// `log.message.timestamp.after.max.ms` (1 hour since Kafka 4.0, KIP-1030).
    pub log_message_timestamp_after_max_ms: i64,
    /// `log.index.size.max.bytes`.
    pub log_index_size_max_bytes: i32,
    /// `log.index.interval.bytes`.
    pub log_index_interval_bytes: i32,
    /// `log.flush.interval.messages`.
    pub log_flush_interval_messages: i64,
    /// `log.flush.interval.ms`.
    pub log_flush_interval_ms: Option<i64>,
    /// `log.flush.scheduler.interval.ms`.
    pub log_flush_scheduler_interval_ms: i64,
    /// `log.segment.delete.delay.ms`.
    pub log_segment_delete_delay_ms: i64,
    /// `log.preallocate`.
    pub log_preallocate: bool,
    /// `log.local.retention.ms` (tiered storage; -2 means `log.retention.ms`).
    pub log_local_retention_ms: i64,
    /// `log.local.retention.bytes` (tiered storage; -2 means `log.retention.bytes`).
    pub log_local_retention_bytes: i64,
    /// `remote.log.storage.system.enable` (tiered storage).
    pub remote_log_storage_system_enable: bool,
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: i64,
    /// `replica.fetch.wait.max.ms`.
    pub replica_fetch_wait_max_ms: i32,
    /// `replica.fetch.max.bytes`.
    pub replica_fetch_max_bytes: i32,
    /// `replica.fetch.backoff.ms`.
    pub replica_fetch_backoff_ms: i32,
    /// `broker.heartbeat.interval.ms` (KRaft).
    pub broker_heartbeat_interval_ms: i32,
    /// `broker.session.timeout.ms` (KRaft).
    pub broker_session_timeout_ms: i32,
    /// `offsets.topic.num.partitions`.
    pub offsets_topic_num_partitions: i32,
    /// `offsets.topic.replication.factor`.
    pub offsets_topic_replication_factor: i16,
    /// `offsets.retention.minutes`.
    pub offsets_retention_minutes: i32,
    /// `offsets.retention.check.interval.ms`.
    pub offsets_retention_check_interval_ms: i64,
    /// `offsets.commit.timeout.ms`.
    pub offsets_commit_timeout_ms: i32,
    /// `group.initial.rebalance.delay.ms`.
    pub group_initial_rebalance_delay_ms: i32,
    /// `group.min.session.timeout.ms`.
    pub group_min_session_timeout_ms: i32,
    /// `group.max.session.timeout.ms`.
    pub group_max_session_timeout_ms: i32,
    /// `group.max.size`.
    pub group_max_size: i32,
    /// `transaction.state.log.num.partitions`.
    pub transaction_state_log_num_partitions: i32,
    /// `transaction.state.log.replication.factor`.
    pub transaction_state_log_replication_factor: i16,
    /// `transaction.state.log.min.isr`.
    pub transaction_state_log_min_isr: i32,
    /// `transaction.max.timeout.ms`.
    pub transaction_max_timeout_ms: i32,
    /// `transactional.id.expiration.ms`.
    pub transactional_id_expiration_ms: i32,
    /// `producer.id.expiration.ms`.
    pub producer_id_expiration_ms: i32,
    /// `server.properties` as given (canonical text for known configs).
    static_configs: VecMap<String, String>,
    /// The cluster-wide dynamic defaults.
    dynamic_default_configs: VecMap<String, String>,
    /// This broker's dynamic configs.
    dynamic_broker_configs: VecMap<String, String>,
}

const RO: UpdateMode = UpdateMode::ReadOnly;
const CLUSTER: UpdateMode = UpdateMode::ClusterWide;
const PER_BROKER: UpdateMode = UpdateMode::PerBroker;
const COMPRESSION_TYPES: &[&str] = &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

config_table!(BrokerConfig, BROKER_KEYS, [
    "node.id" => node_id: Int = ConfigKey::def(T::Int, Some("-1"), V::None, I::High,
        "The node ID associated with the roles this process is playing when process.roles is non-empty.").mode(RO);
    "broker.id" => broker_id: Int = ConfigKey::def(T::Int, Some("-1"), V::None, I::High,
        "The broker id for this server.").mode(RO);
    "process.roles" => process_roles: List = ConfigKey::def(T::List, Some(""), V::ListOf(&["broker", "controller"]), I::High,
        "The roles that this process plays: 'broker', 'controller', or 'broker,controller' if it is both.").mode(RO);
    "controller.quorum.voters" => controller_quorum_voters: List = ConfigKey::def(T::List, Some(""), V::None, I::High,
        "Map of id/endpoint information for the set of voters in a comma-separated list of {id}@{host}:{port} entries.").mode(RO);
    "zookeeper.connect" => zookeeper_connect: OptText = ConfigKey::def(T::String, None, V::None, I::High,
        "Specifies the ZooKeeper connection string in the form hostname:port where host and port are the host and port of a ZooKeeper server.").mode(RO);
    "zookeeper.session.timeout.ms" => zookeeper_session_timeout_ms: Int = ConfigKey::def(T::Int, Some("18000"), V::None, I::High,
        "Zookeeper session timeout").mode(RO);
    "listeners" => listeners: Text = ConfigKey::def(T::String, Some("PLAINTEXT://:9092"), V::None, I::High,
        "Listener List - Comma-separated list of URIs we will listen on and the listener names.").mode(PER_BROKER);
    "authorizer.class.name" => authorizer_class_name: Text = ConfigKey::def(T::String, Some(""), V::None, I::Low,
        "The fully qualified name of a class that implements org.apache.kafka.server.authorizer.Authorizer interface, which is used by the broker for authorization.").mode(RO);
    "log.dir" => log_dir: List = ConfigKey::def(T::List, Some("/tmp/kafka-logs"), V::None, I::High,
        "A comma-separated list of the directories where the log data is stored. (supplemental to log.dirs property)").mode(RO);
    "log.dirs" => log_dirs: OptList = ConfigKey::def(T::List, None, V::None, I::High,
        "A comma-separated list of the directories where the log data is stored. If not set, the value in log.dir is used.").mode(RO);
    "num.recovery.threads.per.data.dir" => num_recovery_threads_per_data_dir: Int = ConfigKey::def(T::Int, Some("2"), V::AtLeast(1), I::High,
        "The number of threads per data directory to be used for log recovery at startup and flushing at shutdown").mode(CLUSTER);
    "num.partitions" => num_partitions: Int = ConfigKey::def(T::Int, Some("1"), V::AtLeast(1), I::Medium,
        "The default number of log partitions per topic.").mode(RO);
    "default.replication.factor" => default_replication_factor: Int = ConfigKey::def(T::Int, Some("1"), V::None, I::Medium,
        "The replication factor for automatically created topics, and for topics created with -1 as the replication factor").mode(RO);
    "auto.create.topics.enable" => auto_create_topics_enable: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::High,
        "Enable auto creation of topic on the server.").mode(RO);
    "delete.topic.enable" => delete_topic_enable: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::High,
        "When set to true, topics can be deleted by the admin client.").mode(RO);
    "min.insync.replicas" => min_insync_replicas: Int = ConfigKey::def(T::Int, Some("1"), V::AtLeast(1), I::High,
        "When a producer sets acks to \"all\" (or \"-1\"), min.insync.replicas specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful.").mode(CLUSTER);
    "unclean.leader.election.enable" => unclean_leader_election_enable: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::High,
        "Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss").mode(CLUSTER);
    "auto.leader.rebalance.enable" => auto_leader_rebalance_enable: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::High,
        "Enables auto leader balancing.").mode(RO);
    "leader.imbalance.check.interval.seconds" => leader_imbalance_check_interval_seconds: Long = ConfigKey::def(T::Long, Some("300"), V::AtLeast(1), I::High,
        "The frequency with which the partition rebalance check is triggered by the controller").mode(RO);
    "leader.imbalance.per.broker.percentage" => leader_imbalance_per_broker_percentage: Int = ConfigKey::def(T::Int, Some("10"), V::None, I::High,
        "The ratio of leader imbalance allowed per broker.").mode(RO);
    "message.max.bytes" => message_max_bytes: Int = ConfigKey::def(T::Int, Some("1048588"), V::AtLeast(0), I::High,
        "The largest record batch size allowed by Kafka (after compression if compression is enabled).").mode(CLUSTER);
    "compression.type" => compression_type: BrokerCodec = ConfigKey::def(T::String, Some("producer"), V::OneOf(COMPRESSION_TYPES), I::High,
        "Specify the final compression type for a given topic.").mode(CLUSTER);
    "compression.gzip.level" => compression_gzip_level: Int = ConfigKey::def(T::Int, Some("-1"), V::GzipLevel, I::Medium,
        "The compression level to use if compression.type is set to 'gzip'.").mode(CLUSTER);
    "compression.lz4.level" => compression_lz4_level: Int = ConfigKey::def(T::Int, Some("9"), V::Between(1, 17), I::Medium,
        "The compression level to use if compression.type is set to 'lz4'.").mode(CLUSTER);
    "compression.zstd.level" => compression_zstd_level: Int = ConfigKey::def(T::Int, Some("3"), V::Between(-131072, 22), I::Medium,
        "The compression level to use if compression.type is set to 'zstd'.").mode(CLUSTER);
    "log.retention.hours" => log_retention_hours: Int = ConfigKey::def(T::Int, Some("168"), V::None, I::High,
        "The number of hours to keep a log file before deleting it (in hours), tertiary to log.retention.ms property").mode(RO);
    "log.retention.minutes" => log_retention_minutes: OptInt = ConfigKey::def(T::Int, None, V::None, I::High,
        "The number of minutes to keep a log file before deleting it (in minutes), secondary to log.retention.ms property.").mode(RO);
    "log.retention.ms" => log_retention_ms: OptLong = ConfigKey::def(T::Long, None, V::None, I::High,
        "The number of milliseconds to keep a log file before deleting it (in milliseconds), If not set, the value in log.retention.minutes is used.").mode(CLUSTER);
    "log.retention.bytes" => log_retention_bytes: Long = ConfigKey::def(T::Long, Some("-1"), V::None, I::High,
        "The maximum size of the log before deleting it").mode(CLUSTER);
    "log.segment.bytes" => log_segment_bytes: Int = ConfigKey::def(T::Int, Some("1073741824"), V::AtLeast(1_048_576), I::High,
        "The maximum size of a single log file").mode(CLUSTER);
    "log.roll.hours" => log_roll_hours: Int = ConfigKey::def(T::Int, Some("168"), V::AtLeast(1), I::High,
        "The maximum time before a new log segment is rolled out (in hours), secondary to log.roll.ms property").mode(RO);
    "log.roll.ms" => log_roll_ms: OptLong = ConfigKey::def(T::Long, None, V::None, I::High,
        "The maximum time before a new log segment is rolled out (in milliseconds). If not set, the value in log.roll.hours is used").mode(CLUSTER);
    "log.roll.jitter.hours" => log_roll_jitter_hours: Int = ConfigKey::def(T::Int, Some("0"), V::AtLeast(0), I::High,
        "The maximum jitter to subtract from logRollTimeMillis (in hours), secondary to log.roll.jitter.ms property").mode(RO);
    "log.roll.jitter.ms" => log_roll_jitter_ms: OptLong = ConfigKey::def(T::Long, None, V::None, I::High,
        "The maximum jitter to subtract from logRollTimeMillis (in milliseconds). If not set, the value in log.roll.jitter.hours is used").mode(CLUSTER);
    "log.retention.check.interval.ms" => log_retention_check_interval_ms: Long = ConfigKey::def(T::Long, Some("300000"), V::AtLeast(1), I::Medium,
        "The frequency in milliseconds that the log cleaner checks whether any log is eligible for deletion").mode(RO);
    "log.cleanup.policy" => log_cleanup_policy: Cleanup = ConfigKey::def(T::List, Some("delete"), V::ListOf(&["compact", "delete"]), I::Medium,
        "This config designates the retention policy to use on log segments.").mode(CLUSTER);
    "log.cleaner.enable" => log_cleaner_enable: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::Medium,
        "Enable the log cleaner process to run on the server.").mode(RO);
    "log.cleaner.backoff.ms" => log_cleaner_backoff_ms: Long = ConfigKey::def(T::Long, Some("15000"), V::AtLeast(0), I::Medium,
        "The amount of time to sleep when there are no logs to clean").mode(CLUSTER);
    "log.cleaner.min.cleanable.ratio" => log_cleaner_min_cleanable_ratio: Double = ConfigKey::def(T::Double, Some("0.5"), V::Between(0, 1), I::Medium,
        "The minimum ratio of dirty log to total log for a log to be eligible for cleaning.").mode(CLUSTER);
    "log.cleaner.delete.retention.ms" => log_cleaner_delete_retention_ms: Long = ConfigKey::def(T::Long, Some("86400000"), V::AtLeast(0), I::Medium,
        "The amount of time to retain tombstone message markers for log compacted topics.").mode(CLUSTER);
    "log.cleaner.min.compaction.lag.ms" => log_cleaner_min_compaction_lag_ms: Long = ConfigKey::def(T::Long, Some("0"), V::AtLeast(0), I::Medium,
        "The minimum time a message will remain uncompacted in the log.").mode(CLUSTER);
    "log.cleaner.max.compaction.lag.ms" => log_cleaner_max_compaction_lag_ms: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(1), I::Medium,
        "The maximum time a message will remain ineligible for compaction in the log.").mode(CLUSTER);
    "log.message.timestamp.type" => log_message_timestamp_type: Timestamp = ConfigKey::def(T::String, Some("CreateTime"), V::OneOf(&["CreateTime", "LogAppendTime"]), I::Medium,
        "Define whether the timestamp in the message is message create time or log append time.").mode(CLUSTER);
    "log.message.timestamp.before.max.ms" => log_message_timestamp_before_max_ms: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(0), I::Medium,
        "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp.").mode(CLUSTER);
    "log.message.timestamp.after.max.ms" => log_message_timestamp_after_max_ms: Long = ConfigKey::def(T::Long, Some("3600000"), V::AtLeast(0), I::Medium,
        "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp.").mode(CLUSTER);
    "log.index.size.max.bytes" => log_index_size_max_bytes: Int = ConfigKey::def(T::Int, Some("10485760"), V::AtLeast(4), I::Medium,
        "The maximum size in bytes of the offset index").mode(CLUSTER);
    "log.index.interval.bytes" => log_index_interval_bytes: Int = ConfigKey::def(T::Int, Some("4096"), V::AtLeast(0), I::Medium,
        "The interval with which we add an entry to the offset index.").mode(CLUSTER);
    "log.flush.interval.messages" => log_flush_interval_messages: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(1), I::High,
        "The number of messages accumulated on a log partition before messages are flushed to disk.").mode(CLUSTER);
    "log.flush.interval.ms" => log_flush_interval_ms: OptLong = ConfigKey::def(T::Long, None, V::None, I::High,
        "The maximum time in ms that a message in any topic is kept in memory before flushed to disk.").mode(CLUSTER);
    "log.flush.scheduler.interval.ms" => log_flush_scheduler_interval_ms: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::None, I::High,
        "The frequency in ms that the log flusher checks whether any log needs to be flushed to disk").mode(RO);
    "log.segment.delete.delay.ms" => log_segment_delete_delay_ms: Long = ConfigKey::def(T::Long, Some("60000"), V::AtLeast(0), I::High,
        "The amount of time to wait before deleting a file from the filesystem.").mode(CLUSTER);
    "log.preallocate" => log_preallocate: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "Should pre allocate file when create new segment?").mode(CLUSTER);
    "log.local.retention.ms" => log_local_retention_ms: Long = ConfigKey::def(T::Long, Some("-2"), V::AtLeast(-2), I::Medium,
        "The number of milliseconds to keep the local log segments before it gets eligible for deletion.").mode(CLUSTER);
    "log.local.retention.bytes" => log_local_retention_bytes: Long = ConfigKey::def(T::Long, Some("-2"), V::AtLeast(-2), I::Medium,
        "The maximum size of local log segments that can grow for a partition before it gets eligible for deletion.").mode(CLUSTER);
    "remote.log.storage.system.enable" => remote_log_storage_system_enable: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "Whether to enable tiered storage functionality in a broker or not.").mode(RO);
    "replica.lag.time.max.ms" => replica_lag_time_max_ms: Long = ConfigKey::def(T::Long, Some("30000"), V::None, I::High,
        "If a follower hasn't sent any fetch requests or hasn't consumed up to the leader's log end offset for at least this time, the leader will remove the follower from ISR").mode(RO);
    "replica.fetch.wait.max.ms" => replica_fetch_wait_max_ms: Int = ConfigKey::def(T::Int, Some("500"), V::None, I::High,
        "The maximum wait time for each fetcher request issued by follower replicas.").mode(RO);
    "replica.fetch.max.bytes" => replica_fetch_max_bytes: Int = ConfigKey::def(T::Int, Some("1048576"), V::AtLeast(0), I::Medium,
        "The number of bytes of messages to attempt to fetch for each partition.").mode(RO);
    "replica.fetch.backoff.ms" => replica_fetch_backoff_ms: Int = ConfigKey::def(T::Int, Some("1000"), V::AtLeast(0), I::Medium,
        "The amount of time to sleep when fetch partition error occurs.").mode(RO);
    "broker.heartbeat.interval.ms" => broker_heartbeat_interval_ms: Int = ConfigKey::def(T::Int, Some("2000"), V::None, I::Medium,
        "The length of time in milliseconds between broker heartbeats.").mode(RO);
    "broker.session.timeout.ms" => broker_session_timeout_ms: Int = ConfigKey::def(T::Int, Some("9000"), V::None, I::Medium,
        "The length of time in milliseconds that a broker lease lasts if no heartbeats are made.").mode(RO);
    "offsets.topic.num.partitions" => offsets_topic_num_partitions: Int = ConfigKey::def(T::Int, Some("50"), V::AtLeast(1), I::High,
        "The number of partitions for the offset commit topic (should not change after deployment).").mode(RO);
    "offsets.topic.replication.factor" => offsets_topic_replication_factor: Short = ConfigKey::def(T::Short, Some("3"), V::AtLeast(1), I::High,
        "The replication factor for the offsets topic (set higher to ensure availability).").mode(RO);
    "offsets.retention.minutes" => offsets_retention_minutes: Int = ConfigKey::def(T::Int, Some("10080"), V::AtLeast(1), I::High,
        "For subscribed consumers, committed offset of a specific partition will be expired and discarded when 1) this retention period has elapsed after the consumer group loses all its consumers (i.e. becomes empty); 2) this retention period has elapsed since the last time an offset is committed for the partition and the group is no longer subscribed to the corresponding topic.").mode(RO);
    "offsets.retention.check.interval.ms" => offsets_retention_check_interval_ms: Long = ConfigKey::def(T::Long, Some("600000"), V::AtLeast(1), I::High,
        "Frequency at which to check for stale offsets").mode(RO);
    "offsets.commit.timeout.ms" => offsets_commit_timeout_ms: Int = ConfigKey::def(T::Int, Some("5000"), V::AtLeast(1), I::High,
        "Offset commit will be delayed until all replicas for the offsets topic receive the commit or this timeout is reached.").mode(RO);
    "group.initial.rebalance.delay.ms" => group_initial_rebalance_delay_ms: Int = ConfigKey::def(T::Int, Some("3000"), V::None, I::Medium,
        "The amount of time the group coordinator will wait for more consumers to join a new group before performing the first rebalance.").mode(RO);
    "group.min.session.timeout.ms" => group_min_session_timeout_ms: Int = ConfigKey::def(T::Int, Some("6000"), V::None, I::Medium,
        "The minimum allowed session timeout for registered consumers.").mode(RO);
    "group.max.session.timeout.ms" => group_max_session_timeout_ms: Int = ConfigKey::def(T::Int, Some("1800000"), V::None, I::Medium,
        "The maximum allowed session timeout for registered consumers.").mode(RO);
    "group.max.size" => group_max_size: Int = ConfigKey::def(T::Int, Some("2147483647"), V::AtLeast(1), I::Medium,
        "The maximum number of consumers that a single consumer group can accommodate.").mode(RO);
    "transaction.state.log.num.partitions" => transaction_state_log_num_partitions: Int = ConfigKey::def(T::Int, Some("50"), V::AtLeast(1), I::High,
        "The number of partitions for the transaction topic (should not change after deployment).").mode(RO);
    "transaction.state.log.replication.factor" => transaction_state_log_replication_factor: Short = ConfigKey::def(T::Short, Some("3"), V::AtLeast(1), I::High,
        "The replication factor for the transaction topic (set higher to ensure availability).").mode(RO);
    "transaction.state.log.min.isr" => transaction_state_log_min_isr: Int = ConfigKey::def(T::Int, Some("2"), V::AtLeast(1), I::High,
        "The minimum number of replicas that must acknowledge a write to transaction topic in order to be considered successful.").mode(RO);
    "transaction.max.timeout.ms" => transaction_max_timeout_ms: Int = ConfigKey::def(T::Int, Some("900000"), V::AtLeast(1), I::High,
        "The maximum allowed timeout for transactions.").mode(RO);
    "transactional.id.expiration.ms" => transactional_id_expiration_ms: Int = ConfigKey::def(T::Int, Some("604800000"), V::AtLeast(1), I::High,
        "The time in ms that the transaction coordinator will wait without receiving any transaction status updates for the current transaction before expiring its transactional id.").mode(RO);
    "producer.id.expiration.ms" => producer_id_expiration_ms: Int = ConfigKey::def(T::Int, Some("86400000"), V::AtLeast(1), I::Low,
        "The time in ms that a topic partition leader will wait before expiring producer IDs.").mode(CLUSTER);
]);

/// How a broker synonym's value converts to the topic config's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Same,
    MinutesToMillis,
    HoursToMillis,
}

/// `ServerTopicConfigSynonyms.ALL_TOPIC_CONFIG_SYNONYMS` (Kafka 4.x, which dropped
/// `message.format.version`): each topic config and the broker configs that supply its
/// default, highest priority first.
const TOPIC_CONFIG_SYNONYMS: &[(&str, &[(&str, Unit)])] = &[
    ("segment.bytes", &[("log.segment.bytes", Unit::Same)]),
    (
        "segment.ms",
        &[
            ("log.roll.ms", Unit::Same),
            ("log.roll.hours", Unit::HoursToMillis),
        ],
    ),
    (
        "segment.jitter.ms",
        &[
            ("log.roll.jitter.ms", Unit::Same),
            ("log.roll.jitter.hours", Unit::HoursToMillis),
        ],
    ),
    (
        "segment.index.bytes",
        &[("log.index.size.max.bytes", Unit::Same)],
    ),
    (
        "flush.messages",
        &[("log.flush.interval.messages", Unit::Same)],
    ),
    (
        "flush.ms",
        &[
            ("log.flush.interval.ms", Unit::Same),
            ("log.flush.scheduler.interval.ms", Unit::Same),
        ],
    ),
    ("retention.bytes", &[("log.retention.bytes", Unit::Same)]),
    (
        "retention.ms",
        &[
            ("log.retention.ms", Unit::Same),
            ("log.retention.minutes", Unit::MinutesToMillis),
            ("log.retention.hours", Unit::HoursToMillis),
        ],
    ),
    ("max.message.bytes", &[("message.max.bytes", Unit::Same)]),
    (
        "index.interval.bytes",
        &[("log.index.interval.bytes", Unit::Same)],
    ),
    (
        "delete.retention.ms",
        &[("log.cleaner.delete.retention.ms", Unit::Same)],
    ),
    (
        "min.compaction.lag.ms",
        &[("log.cleaner.min.compaction.lag.ms", Unit::Same)],
    ),
    (
        "max.compaction.lag.ms",
        &[("log.cleaner.max.compaction.lag.ms", Unit::Same)],
    ),
    (
        "file.delete.delay.ms",
        &[("log.segment.delete.delay.ms", Unit::Same)],
    ),
    (
        "min.cleanable.dirty.ratio",
        &[("log.cleaner.min.cleanable.ratio", Unit::Same)],
    ),
    ("cleanup.policy", &[("log.cleanup.policy", Unit::Same)]),
    (
        "unclean.leader.election.enable",
        &[("unclean.leader.election.enable", Unit::Same)],
    ),
    (
        "min.insync.replicas",
        &[("min.insync.replicas", Unit::Same)],
    ),
    ("compression.type", &[("compression.type", Unit::Same)]),
    (
        "compression.gzip.level",
        &[("compression.gzip.level", Unit::Same)],
    ),
    (
        "compression.lz4.level",
        &[("compression.lz4.level", Unit::Same)],
    ),
    (
        "compression.zstd.level",
        &[("compression.zstd.level", Unit::Same)],
    ),
    ("preallocate", &[("log.preallocate", Unit::Same)]),
    (
        "message.timestamp.type",
        &[("log.message.timestamp.type", Unit::Same)],
    ),
    (
        "message.timestamp.before.max.ms",
        &[("log.message.timestamp.before.max.ms", Unit::Same)],
    ),
    (
        "message.timestamp.after.max.ms",
        &[("log.message.timestamp.after.max.ms", Unit::Same)],
    ),
    (
        "local.retention.ms",
        &[("log.local.retention.ms", Unit::Same)],
    ),
    (
        "local.retention.bytes",
        &[("log.local.retention.bytes", Unit::Same)],
    ),
];

/// The size of the `HashMap` behind the broker's dynamic `ConfigDef`, which decides the order
/// in which several bad values are checked (see [`java_hash_order`]).
const DYNAMIC_CONFIG_DEF_CAPACITY: u32 = 256;

impl Default for BrokerConfig {
    /// Kafka 4.x's defaults (see the table; `ServerLogConfigs`, `ReplicationConfigs`, ...).
    fn default() -> Self {
        BrokerConfig {
            node_id: -1,
            broker_id: -1,
            process_roles: Vec::new(),
            controller_quorum_voters: Vec::new(),
            zookeeper_connect: None,
            zookeeper_session_timeout_ms: 18_000,
            listeners: "PLAINTEXT://:9092".to_string(),
            authorizer_class_name: String::new(),
            log_dir: vec!["/tmp/kafka-logs".to_string()],
            log_dirs: None,
            num_recovery_threads_per_data_dir: 2,
            num_partitions: 1,
            default_replication_factor: 1,
            auto_create_topics_enable: true,
            delete_topic_enable: true,
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_seconds: 300,
            leader_imbalance_per_broker_percentage: 10,
            message_max_bytes: 1_048_588,
            compression_type: TopicCompression::Producer,
            compression_gzip_level: -1,
            compression_lz4_level: 9,
            compression_zstd_level: 3,
            log_retention_hours: 168,
            log_retention_minutes: None,
            log_retention_ms: None,
            log_retention_bytes: -1,
            log_segment_bytes: 1_073_741_824,
            log_roll_hours: 168,
            log_roll_ms: None,
            log_roll_jitter_hours: 0,
            log_roll_jitter_ms: None,
            log_retention_check_interval_ms: 300_000,
            log_cleanup_policy: CleanupPolicy::DELETE,
            log_cleaner_enable: true,
            log_cleaner_backoff_ms: 15_000,
            log_cleaner_min_cleanable_ratio: 0.5,
            log_cleaner_delete_retention_ms: 86_400_000,
            log_cleaner_min_compaction_lag_ms: 0,
            log_cleaner_max_compaction_lag_ms: i64::MAX,
            log_message_timestamp_type: MessageTimestampType::CreateTime,
            log_message_timestamp_before_max_ms: i64::MAX,
            log_message_timestamp_after_max_ms: 3_600_000,
            log_index_size_max_bytes: 10_485_760,
            log_index_interval_bytes: 4096,
            log_flush_interval_messages: i64::MAX,
            log_flush_interval_ms: None,
            log_flush_scheduler_interval_ms: i64::MAX,
            log_segment_delete_delay_ms: 60_000,
            log_preallocate: false,
            log_local_retention_ms: -2,
            log_local_retention_bytes: -2,
            remote_log_storage_system_enable: false,
            replica_lag_time_max_ms: 30_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_max_bytes: 1_048_576,
            replica_fetch_backoff_ms: 1000,
            broker_heartbeat_interval_ms: 2000,
            broker_session_timeout_ms: 9000,
            offsets_topic_num_partitions: 50,
            offsets_topic_replication_factor: 3,
            offsets_retention_minutes: 10_080,
            offsets_retention_check_interval_ms: 600_000,
            offsets_commit_timeout_ms: 5000,
            group_initial_rebalance_delay_ms: 3000,
            group_min_session_timeout_ms: 6000,
            group_max_session_timeout_ms: 1_800_000,
            group_max_size: i32::MAX,
            transaction_state_log_num_partitions: 50,
            transaction_state_log_replication_factor: 3,
            transaction_state_log_min_isr: 2,
            transaction_max_timeout_ms: 900_000,
            transactional_id_expiration_ms: 604_800_000,
            producer_id_expiration_ms: 86_400_000,
            static_configs: VecMap::new(),
            dynamic_default_configs: VecMap::new(),
            dynamic_broker_configs: VecMap::new(),
        }
    }
}

impl BrokerConfig {
    /// Every broker config the simulator knows, for help text and tab completion.
    pub fn keys() -> &'static [ConfigKey] {
        BROKER_KEYS
    }

    /// The key of a known broker config.
    pub fn key(name: &str) -> Option<&'static ConfigKey> {
        find_key(BROKER_KEYS, name)
    }

    /// A broker started from these `server.properties` lines.
    pub fn from_properties(properties: &[(&str, &str)]) -> Result<BrokerConfig, KafkaError> {
        let mut config = BrokerConfig::default();
        for (name, value) in properties {
            config.set(name, value)?;
        }
        Ok(config)
    }

    /// Sets a static config, as a line of `server.properties` does. A bad value stops the
    /// broker from starting with Kafka's `ConfigException`. Names Kafka does not know are kept
    /// as text (Kafka only logs them as unused).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), KafkaError> {
        let text = match BrokerConfig::key(name) {
            Some(key) => canonical(key, value)
                .map_err(|message| KafkaError::new(ErrorCode::ConfigException, message))?,
            None => value.to_string(),
        };
        self.static_configs.insert(name.to_string(), text);
        self.refresh(name);
        Ok(())
    }

    /// The effective value as Kafka prints it; `None` for `null` or an unknown name.
    pub fn get(&self, name: &str) -> Option<String> {
        match self.slot(name) {
            Some(slot) => slot.render(),
            None => self.layer_text(name).cloned(),
        }
    }

    /// The authorizer `server.properties` configures: `authorizer.class.name`, with the
    /// authorizer's own `super.users` and `allow.everyone.if.no.acl.found` (Kafka passes
    /// lines it does not know to the authorizer). The class must be the mode's own.
    pub fn authorizer(&self) -> Result<crate::acl::AuthorizerConfig, KafkaError> {
        crate::acl::AuthorizerConfig::from_properties(
            &self.authorizer_class_name,
            self.static_configs.get("super.users").map(String::as_str),
            self.static_configs
                .get("allow.everyone.if.no.acl.found")
                .map(String::as_str),
            self.zookeeper_connect.is_some(),
        )
    }

    /// The users of the SASL/PLAIN listener, from its JAAS line (`None` without one).
    pub fn plain_users(&self) -> Result<Option<crate::acl::PlainUsers>, KafkaError> {
        self.static_configs
            .get(crate::acl::PLAIN_JAAS_CONFIG)
            .map(|jaas| crate::acl::plain_users(jaas))
            .transpose()
    }

    /// `server.properties` as set, in canonical text.
    pub fn static_configs(&self) -> &VecMap<String, String> {
        &self.static_configs
    }

    /// The cluster-wide dynamic defaults this broker sees.
    pub fn dynamic_default_configs(&self) -> &VecMap<String, String> {
        &self.dynamic_default_configs
    }

    /// This broker's own dynamic configs.
    pub fn dynamic_broker_configs(&self) -> &VecMap<String, String> {
        &self.dynamic_broker_configs
    }

    /// The id `kafka-configs --entity-name` uses: `node.id` in KRaft, else `broker.id`.
    pub fn id(&self) -> i32 {
        if self.node_id >= 0 {
            self.node_id
        } else {
            self.broker_id
        }
    }

    /// Applies an `IncrementalAlterConfigs` to a dynamic layer, all or nothing, with the checks
    /// of `DynamicBrokerConfig.validateConfigs`. A refusal is `INVALID_REQUEST` worded as
    /// `ConfigAdminManager` words it: `Invalid config value for resource
    /// ConfigResource(type=BROKER, name='1'): Cannot update these configs dynamically: [...]`.
    pub fn alter_dynamic(
        &mut self,
        scope: DynamicScope,
        changes: &[ConfigChange],
    ) -> Result<(), KafkaError> {
        let mut layer = self.layer(scope).clone();
        for change in changes {
            match &change.value {
                Some(value) => layer.insert(change.name.clone(), value.clone()),
                None => layer.remove(&change.name),
            };
        }
        let layer =
            validate_dynamic(&layer, scope).map_err(|message| self.refusal(scope, &message))?;
        *self.layer_mut(scope) = layer;
        for change in changes {
            self.refresh(&change.name);
        }
        Ok(())
    }

    fn refusal(&self, scope: DynamicScope, message: &str) -> KafkaError {
        let resource = match scope {
            DynamicScope::Broker => self.id().to_string(),
            DynamicScope::ClusterDefault => String::new(),
        };
        KafkaError::new(
            ErrorCode::InvalidRequest,
            format!(
                "Invalid config value for resource ConfigResource(type=BROKER, name='{resource}'): {message}"
            ),
        )
    }

    fn layer(&self, scope: DynamicScope) -> &VecMap<String, String> {
        match scope {
            DynamicScope::Broker => &self.dynamic_broker_configs,
            DynamicScope::ClusterDefault => &self.dynamic_default_configs,
        }
    }

    fn layer_mut(&mut self, scope: DynamicScope) -> &mut VecMap<String, String> {
        match scope {
            DynamicScope::Broker => &mut self.dynamic_broker_configs,
            DynamicScope::ClusterDefault => &mut self.dynamic_default_configs,
        }
    }

    /// The text of the highest layer that sets the name.
    fn layer_text(&self, name: &str) -> Option<&String> {
        self.dynamic_broker_configs
            .get(name)
            .or_else(|| self.dynamic_default_configs.get(name))
            .or_else(|| self.static_configs.get(name))
    }

    /// Recomputes one typed field from the layers (or Kafka's default).
    fn refresh(&mut self, name: &str) {
        let Some(key) = BrokerConfig::key(name) else {
            return;
        };
        let text = self
            .layer_text(name)
            .cloned()
            .or(key.default.map(str::to_string));
        let Some(slot) = self.slot_mut(name) else {
            return;
        };
        // Every layer was validated when set, so the text parses; a null default clears.
        let _ = match text.map(|text| key.parse(&text)) {
            Some(Ok(parsed)) => slot.assign(parsed),
            _ => {
                slot.clear();
                Ok(())
            }
        };
    }

    /// `KafkaConfig.logRetentionTimeMillis`: `log.retention.ms`, else minutes, else hours;
    /// a negative result means unlimited (-1).
    pub fn log_retention_time_millis(&self) -> i64 {
        let millis = self
            .log_retention_ms
            .unwrap_or_else(|| match self.log_retention_minutes {
                Some(minutes) => i64::from(minutes) * 60_000,
                None => i64::from(self.log_retention_hours) * 3_600_000,
            });
        if millis < 0 {
            -1
        } else {
            millis
        }
    }

    /// `KafkaConfig.logRollTimeMillis`: `log.roll.ms`, else `log.roll.hours`.
    pub fn log_roll_time_millis(&self) -> i64 {
        self.log_roll_ms
            .unwrap_or(i64::from(self.log_roll_hours) * 3_600_000)
    }

    /// `offsets.retention.minutes` in milliseconds (`GroupCoordinatorConfig.offsetsRetentionMs`).
    pub fn offsets_retention_ms(&self) -> i64 {
        i64::from(self.offsets_retention_minutes) * 60_000
    }

    /// The broker's value for a topic config (`KafkaConfig.extractLogConfigMap`): the first
    /// synonym that is set, in the topic config's unit; `None` if no broker config supplies it.
    pub fn topic_default(&self, topic_config: &str) -> Option<String> {
        if topic_config == "retention.ms" {
            return Some(self.log_retention_time_millis().to_string());
        }
        let (_, synonyms) = TOPIC_CONFIG_SYNONYMS
            .iter()
            .find(|(name, _)| *name == topic_config)?;
        synonyms.iter().find_map(|(broker_name, unit)| {
            let text = self.get(broker_name)?;
            convert(&text, *unit)
        })
    }

    /// The broker config with the highest priority for a topic config
    /// (`ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS`), e.g. `log.retention.ms`.
    pub fn primary_synonym(topic_config: &str) -> Option<&'static str> {
        TOPIC_CONFIG_SYNONYMS
            .iter()
            .find(|(name, _)| *name == topic_config)
            .and_then(|(_, synonyms)| synonyms.first())
            .map(|(broker_name, _)| *broker_name)
    }

    /// `ConfigHelper.configSynonyms`: every layer that sets one of the names, in layer order
    /// (dynamic broker, dynamic default, static, default), minus those before `name`.
    pub(crate) fn synonyms(&self, name: &str) -> Vec<ConfigSynonym> {
        let names = broker_config_synonyms(name);
        let layers: [(&VecMap<String, String>, ConfigSource); 3] = [
            (
                &self.dynamic_broker_configs,
                ConfigSource::DynamicBrokerConfig,
            ),
            (
                &self.dynamic_default_configs,
                ConfigSource::DynamicDefaultBrokerConfig,
            ),
            (&self.static_configs, ConfigSource::StaticBrokerConfig),
        ];
        let mut found: Vec<ConfigSynonym> = Vec::new();
        for (layer, source) in layers {
            for synonym in &names {
                if let Some(value) = layer.get(*synonym) {
                    found.push(synonym_of(synonym, Some(value.clone()), source));
                }
            }
        }
        for synonym in &names {
            if let Some(default) = BrokerConfig::key(synonym).and_then(|key| key.default) {
                let value = Some(default.to_string());
                found.push(synonym_of(synonym, value, ConfigSource::DefaultConfig));
            }
        }
        let first = found.iter().position(|synonym| synonym.name == name);
        first.map(|at| found.split_off(at)).unwrap_or_default()
    }

    /// `kafka-configs --describe --all --entity-type brokers --entity-name <id>`: a row for
    /// every known config and every other name set in a layer. A KRaft broker (one with
    /// `process.roles`) is a Kafka 4 broker, whose config no longer has the `zookeeper.*`
    /// keys (KIP-500), so those show only if a layer sets them.
    pub fn describe(&self) -> Vec<DescribeRow> {
        let kraft = !self.process_roles.is_empty();
        let mut names: Vec<&str> = BROKER_KEYS
            .iter()
            .map(|key| key.name)
            .filter(|name| !(kraft && name.starts_with("zookeeper.")))
            .collect();
        for layer in [
            &self.static_configs,
            &self.dynamic_default_configs,
            &self.dynamic_broker_configs,
        ] {
            names.extend(layer.keys().map(String::as_str));
        }
        crate::sort::sort(&mut names);
        names.dedup();
        names
            .into_iter()
            .map(|name| self.describe_row(name))
            .collect()
    }

    fn describe_row(&self, name: &str) -> DescribeRow {
        let mut synonyms = self.synonyms(name);
        let read_only =
            BrokerConfig::key(name).is_none_or(|key| key.update_mode == Some(UpdateMode::ReadOnly));
        // `KafkaConfig.maybeSensitive`: a listener's `sasl.jaas.config` is a PASSWORD, printed
        // as `null` wherever it is set.
        let sensitive = name == "sasl.jaas.config" || name.ends_with(".sasl.jaas.config");
        if sensitive {
            for synonym in &mut synonyms {
                synonym.value = None;
            }
        }
        DescribeRow {
            name: name.to_string(),
            value: self.get(name).filter(|_| !sensitive),
            source: synonyms
                .first()
                .map_or(ConfigSource::DefaultConfig, |s| s.source),
            sensitive,
            read_only,
            synonyms,
        }
    }

    /// `kafka-configs --describe --entity-type brokers --entity-default`: the cluster-wide
    /// dynamic defaults, with only their `DYNAMIC_DEFAULT_BROKER_CONFIG` synonyms.
    pub fn describe_cluster_default(&self) -> Vec<DescribeRow> {
        self.dynamic_default_configs
            .iter()
            .map(|(name, value)| {
                let mut row = self.describe_row(name);
                row.synonyms
                    .retain(|synonym| synonym.source == ConfigSource::DynamicDefaultBrokerConfig);
                row.source = row
                    .synonyms
                    .first()
                    .map_or(ConfigSource::DefaultConfig, |s| s.source);
                row.value = Some(value.clone());
                row
            })
            .collect()
    }
}

fn synonym_of(name: &str, value: Option<String>, source: ConfigSource) -> ConfigSynonym {
    ConfigSynonym {
        name: name.to_string(),
        value,
        source,
    }
}

/// `DynamicBrokerConfig.brokerConfigSynonyms`: the roll, jitter, flush and retention families.
fn broker_config_synonyms(name: &str) -> Vec<&str> {
    const FAMILIES: &[&[&str]] = &[
        &["log.roll.ms", "log.roll.hours"],
        &["log.roll.jitter.ms", "log.roll.jitter.hours"],
        &[
            "log.retention.ms",
            "log.retention.minutes",
            "log.retention.hours",
        ],
    ];
    if name == "log.flush.interval.ms" {
        return vec!["log.flush.interval.ms", "log.flush.scheduler.interval.ms"];
    }
    FAMILIES
        .iter()
        .find(|family| family.contains(&name))
        .map_or_else(|| vec![name], |family| family.to_vec())
}

/// Parses and validates a value, returning the text Kafka would print for it.
fn canonical(key: &ConfigKey, value: &str) -> Result<String, String> {
    key.parse(value).map(|parsed| parsed.to_kafka_string())
}

fn convert(text: &str, unit: Unit) -> Option<String> {
    let factor = match unit {
        Unit::Same => return Some(text.to_string()),
        Unit::MinutesToMillis => 60_000,
        Unit::HoursToMillis => 3_600_000,
    };
    text.parse::<i64>()
        .ok()
        .map(|value| value.saturating_mul(factor).to_string())
}

/// `DynamicBrokerConfig.validateConfigs` over the whole new layer; returns it in canonical
/// text, or Kafka's message.
fn validate_dynamic(
    layer: &VecMap<String, String>,
    scope: DynamicScope,
) -> Result<VecMap<String, String>, String> {
    let known: Vec<(&String, &ConfigKey)> = layer
        .keys()
        .filter_map(|name| BrokerConfig::key(name).map(|key| (name, key)))
        .collect();
    let read_only = names_with_mode(&known, UpdateMode::ReadOnly);
    if !read_only.is_empty() {
        let names = java_set_to_string(&read_only);
        return Err(format!("Cannot update these configs dynamically: {names}"));
    }
    let mut canonical_layer = layer.clone();
    let in_order: Vec<String> = known.iter().map(|(name, _)| (*name).clone()).collect();
    for name in java_hash_order(&in_order, DYNAMIC_CONFIG_DEF_CAPACITY) {
        if let (Some(key), Some(value)) = (BrokerConfig::key(&name), layer.get(&name)) {
            canonical_layer.insert(name.clone(), canonical(key, value)?);
        }
    }
    let per_broker = names_with_mode(&known, UpdateMode::PerBroker);
    if scope == DynamicScope::ClusterDefault && !per_broker.is_empty() {
        let names = java_set_to_string(&per_broker);
        return Err(format!(
            "Cannot update these configs at default cluster level, broker id must be specified: {names}"
        ));
    }
    Ok(canonical_layer)
}

fn names_with_mode(known: &[(&String, &ConfigKey)], mode: UpdateMode) -> Vec<String> {
    known
        .iter()
        .filter(|(_, key)| key.update_mode == Some(mode))
        .map(|(name, _)| (*name).clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_field_and_its_default_matches_the_typed_default() {
        for key in BROKER_KEYS {
            let mut config = BrokerConfig::default();
            assert!(config.slot(key.name).is_some(), "{}", key.name);
            assert!(key.update_mode.is_some(), "{}", key.name);
            if let Some(default) = key.default {
                config.set(key.name, default).expect(key.name);
                let expected = BrokerConfig {
                    static_configs: config.static_configs.clone(),
                    ..BrokerConfig::default()
                };
                assert_eq!(config, expected, "{}", key.name);
            } else {
                assert_eq!(config.get(key.name), None, "{}", key.name);
            }
        }
    }

    #[test]
    fn retention_ms_wins_over_minutes_which_win_over_hours() {
        let mut config = BrokerConfig::default();
        assert_eq!(config.log_retention_time_millis(), 604_800_000);
        config.set("log.retention.hours", "1").expect("valid");
        assert_eq!(config.log_retention_time_millis(), 3_600_000);
        config.set("log.retention.minutes", "2").expect("valid");
        assert_eq!(config.log_retention_time_millis(), 120_000);
        config.set("log.retention.ms", "500").expect("valid");
        assert_eq!(config.log_retention_time_millis(), 500);
        config.set("log.retention.ms", "-5").expect("valid");
        assert_eq!(config.log_retention_time_millis(), -1);
    }

    #[test]
    fn a_bad_static_value_is_a_config_exception() {
        let mut config = BrokerConfig::default();
        let error = config.set("num.partitions", "zero").expect_err("refused");
        assert_eq!(error.code, ErrorCode::ConfigException);
        assert_eq!(
            error.message,
            "Invalid value zero for configuration num.partitions: Not a number of type INT"
        );
        assert_eq!(config, BrokerConfig::default());
    }

    #[test]
    fn deleting_a_dynamic_config_falls_back_to_the_static_one() {
        let mut config =
            BrokerConfig::from_properties(&[("log.retention.ms", "1000")]).expect("valid");
        config
            .alter_dynamic(
                DynamicScope::Broker,
                &[ConfigChange::set("log.retention.ms", "2000")],
            )
            .expect("dynamic");
        assert_eq!(config.log_retention_ms, Some(2000));
        config
            .alter_dynamic(
                DynamicScope::Broker,
                &[ConfigChange::delete("log.retention.ms")],
            )
            .expect("dynamic");
        assert_eq!(config.log_retention_ms, Some(1000));
    }

    #[test]
    fn hours_and_minutes_of_retention_are_not_dynamic() {
        let mut config = BrokerConfig::default();
        let error = config
            .alter_dynamic(
                DynamicScope::ClusterDefault,
                &[ConfigChange::set("log.retention.hours", "1")],
            )
            .expect_err("read-only");
        assert_eq!(error.code, ErrorCode::InvalidRequest);
        assert_eq!(
            error.message,
            "Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs dynamically: [log.retention.hours]"
        );
    }
}
