//! The settings the simulation reads while it runs, resolved to plain numbers once, when a
//! config changes: one [`BrokerSettings`] per broker (its `server.properties` plus dynamic
//! overrides, parsed by [`crate::config`]), one [`TopicSettings`] per topic, and the rules of
//! each client.
//!
//! Keeping the hot paths on these plain structs means config parsing and validation happens
//! only when a config changes, never per record.

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use crate::client::consumer::ConsumerRules;
use crate::client::producer::partitioner::PartitionerKind;
use crate::client::producer::ProducerRules;
use crate::cluster::config::{ClusterConfig, MetadataMode};
use crate::config::broker::{BrokerConfig, ConfigChange, DynamicScope};
use crate::config::consumer::ConsumerSettings;
use crate::config::producer::{
    ProducerSettings, DEFAULT_PARTITIONER, ROUND_ROBIN_PARTITIONER, UNIFORM_STICKY_PARTITIONER,
};
use crate::config::topic::{ResolvedTopicConfig, TopicConfig};
use crate::config::MessageTimestampType;
use crate::error::KafkaError;
use crate::ids::BrokerId;
use crate::log::{LogConfig, TimestampType};
use crate::protocol::controller::ConfigResource;

/// A broker's settings, with Kafka's names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerSettings {
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: i64,
    /// `replica.fetch.wait.max.ms`: how long a leader holds a follower's empty fetch.
    pub replica_fetch_wait_max_ms: i64,
    /// `replica.fetch.max.bytes`, per partition.
    pub replica_fetch_max_bytes: i32,
    /// `replica.fetch.response.max.bytes`.
    pub replica_fetch_response_max_bytes: i32,
    /// `replica.fetch.backoff.ms`: pause after a failed fetch.
    pub replica_fetch_backoff_ms: i64,
    /// `replica.socket.timeout.ms`: a follower's fetch with no answer is abandoned.
    pub replica_socket_timeout_ms: i64,
    /// `replica.high.watermark.checkpoint.interval.ms`.
    pub replica_high_watermark_checkpoint_interval_ms: i64,
    /// `broker.heartbeat.interval.ms`.
    pub broker_heartbeat_interval_ms: i64,
    /// `broker.session.timeout.ms`.
    pub broker_session_timeout_ms: i64,
    /// `zookeeper.session.timeout.ms` (legacy mode).
    pub zookeeper_session_timeout_ms: i64,
    /// `controlled.shutdown.max.retries` (legacy mode): Kafka's default, 3.
    pub controlled_shutdown_max_retries: u32,
    /// `controlled.shutdown.retry.backoff.ms` (legacy mode): Kafka's default, 5000.
    pub controlled_shutdown_retry_backoff_ms: i64,
    /// `controller.quorum.election.timeout.ms`.
    pub controller_quorum_election_timeout_ms: i64,
    /// `log.retention.check.interval.ms`.
    pub log_retention_check_interval_ms: i64,
    /// `log.cleaner.backoff.ms`.
    pub log_cleaner_backoff_ms: i64,
    /// `log.cleaner.enable`.
    pub log_cleaner_enable: bool,
    /// The authorizer (`authorizer.class.name`, `super.users`,
    /// `allow.everyone.if.no.acl.found`).
    pub authorizer: crate::acl::AuthorizerConfig,
    /// The users of the SASL/PLAIN listener
    /// (`listener.name.sasl_plaintext.plain.sasl.jaas.config`); `None` when the line is not
    /// set, and then any password is accepted (a stated simplification: Kafka's broker would
    /// not start its listener).
    pub plain_users: Option<crate::acl::PlainUsers>,
    /// `auto.create.topics.enable`.
    pub auto_create_topics_enable: bool,
    /// `num.partitions`.
    pub num_partitions: i32,
    /// `default.replication.factor`.
    pub default_replication_factor: i32,
    /// `delete.topic.enable`.
    pub delete_topic_enable: bool,
    /// `auto.leader.rebalance.enable`.
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds`.
    pub leader_imbalance_check_interval_seconds: i64,
    /// `leader.imbalance.per.broker.percentage`.
    pub leader_imbalance_per_broker_percentage: i32,
    /// `offsets.topic.num.partitions`.
    pub offsets_topic_num_partitions: i32,
    /// `offsets.topic.replication.factor` (capped by the live brokers in the playground).
    pub offsets_topic_replication_factor: i32,
    /// `offsets.retention.minutes`, in ms.
    pub offsets_retention_ms: i64,
    /// `offsets.retention.check.interval.ms`.
    pub offsets_retention_check_interval_ms: i64,
    /// `offsets.commit.timeout.ms`.
    pub offsets_commit_timeout_ms: i64,
    /// `group.initial.rebalance.delay.ms`.
    pub group_initial_rebalance_delay_ms: i64,
    /// `group.min.session.timeout.ms`.
    pub group_min_session_timeout_ms: i64,
    /// `group.max.session.timeout.ms`.
    pub group_max_session_timeout_ms: i64,
    /// `group.max.size`.
    pub group_max_size: i32,
    /// `transaction.state.log.num.partitions`.
    pub transaction_state_log_num_partitions: i32,
    /// `transaction.state.log.replication.factor` (capped by the live brokers).
    pub transaction_state_log_replication_factor: i32,
    /// `transaction.state.log.min.isr`.
    pub transaction_state_log_min_isr: i32,
    /// `transaction.max.timeout.ms`.
    pub transaction_max_timeout_ms: i64,
    /// `transactional.id.expiration.ms`.
    pub transactional_id_expiration_ms: i64,
    /// `producer.id.expiration.ms`.
    pub producer_id_expiration_ms: i64,
    /// `transaction.abort.timed.out.transaction.cleanup.interval.ms` (Kafka's default; not
    /// configurable in the playground).
    pub transaction_abort_timed_out_transaction_cleanup_interval_ms: i64,
}

impl BrokerSettings {
    /// The settings of a broker with this config.
    pub fn from_config(config: &BrokerConfig) -> BrokerSettings {
        BrokerSettings {
            replica_lag_time_max_ms: config.replica_lag_time_max_ms,
            replica_fetch_wait_max_ms: i64::from(config.replica_fetch_wait_max_ms),
            replica_fetch_max_bytes: config.replica_fetch_max_bytes,
            replica_fetch_response_max_bytes: 10_485_760,
            replica_fetch_backoff_ms: i64::from(config.replica_fetch_backoff_ms),
            replica_socket_timeout_ms: 30_000,
            replica_high_watermark_checkpoint_interval_ms: 5_000,
            broker_heartbeat_interval_ms: i64::from(config.broker_heartbeat_interval_ms),
            broker_session_timeout_ms: i64::from(config.broker_session_timeout_ms),
            zookeeper_session_timeout_ms: i64::from(config.zookeeper_session_timeout_ms),
            controlled_shutdown_max_retries: 3,
            controlled_shutdown_retry_backoff_ms: 5_000,
            controller_quorum_election_timeout_ms: 1_000,
            log_retention_check_interval_ms: config.log_retention_check_interval_ms,
            log_cleaner_backoff_ms: config.log_cleaner_backoff_ms,
            log_cleaner_enable: config.log_cleaner_enable,
            // Checked as the cluster was built (`static_broker_config`).
            authorizer: config.authorizer().unwrap_or_default(),
            plain_users: config.plain_users().unwrap_or_default(),
            auto_create_topics_enable: config.auto_create_topics_enable,
            num_partitions: config.num_partitions,
            default_replication_factor: config.default_replication_factor,
            delete_topic_enable: config.delete_topic_enable,
            auto_leader_rebalance_enable: config.auto_leader_rebalance_enable,
            leader_imbalance_check_interval_seconds: config.leader_imbalance_check_interval_seconds,
            leader_imbalance_per_broker_percentage: config.leader_imbalance_per_broker_percentage,
            offsets_topic_num_partitions: config.offsets_topic_num_partitions,
            offsets_topic_replication_factor: i32::from(config.offsets_topic_replication_factor),
            offsets_retention_ms: config.offsets_retention_ms(),
            offsets_retention_check_interval_ms: config.offsets_retention_check_interval_ms,
            offsets_commit_timeout_ms: i64::from(config.offsets_commit_timeout_ms),
            group_initial_rebalance_delay_ms: i64::from(config.group_initial_rebalance_delay_ms),
            group_min_session_timeout_ms: i64::from(config.group_min_session_timeout_ms),
            group_max_session_timeout_ms: i64::from(config.group_max_session_timeout_ms),
            group_max_size: config.group_max_size,
            transaction_state_log_num_partitions: config.transaction_state_log_num_partitions,
            transaction_state_log_replication_factor: i32::from(
                config.transaction_state_log_replication_factor,
            ),
            transaction_state_log_min_isr: config.transaction_state_log_min_isr,
            transaction_max_timeout_ms: i64::from(config.transaction_max_timeout_ms),
            transactional_id_expiration_ms: i64::from(config.transactional_id_expiration_ms),
            producer_id_expiration_ms: i64::from(config.producer_id_expiration_ms),
            transaction_abort_timed_out_transaction_cleanup_interval_ms: 10_000,
        }
    }
}

/// A topic's effective settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSettings {
    /// What the log obeys: segments, retention, compaction, `max.message.bytes`.
    pub log: LogConfig,
    /// `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
}

impl TopicSettings {
    /// The settings of a topic with these overrides on a broker with this config.
    pub fn resolve(overrides: &VecMap<String, String>, broker: &BrokerConfig) -> TopicSettings {
        let pairs: Vec<(&str, &str)> = overrides
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // Overrides were validated when they were set; if they no longer validate against a
        // changed broker config, the broker's defaults apply (Kafka would log an error).
        let topic = TopicConfig::from_configs(&pairs, broker).unwrap_or_default();
        TopicSettings::from_resolved(&topic.effective(broker), broker)
    }

    fn from_resolved(resolved: &ResolvedTopicConfig, broker: &BrokerConfig) -> TopicSettings {
        let log = LogConfig {
            segment_bytes: resolved.segment_bytes,
            segment_ms: resolved.segment_ms,
            segment_jitter_ms: resolved.segment_jitter_ms,
            retention_ms: resolved.retention_ms,
            retention_bytes: resolved.retention_bytes,
            cleanup_policy: resolved.cleanup_policy,
            delete_retention_ms: resolved.delete_retention_ms,
            min_cleanable_dirty_ratio: resolved.min_cleanable_dirty_ratio,
            min_compaction_lag_ms: resolved.min_compaction_lag_ms,
            max_compaction_lag_ms: resolved.max_compaction_lag_ms,
            max_message_bytes: resolved.max_message_bytes,
            message_timestamp_type: match resolved.message_timestamp_type {
                MessageTimestampType::CreateTime => TimestampType::CreateTime,
                MessageTimestampType::LogAppendTime => TimestampType::LogAppendTime,
            },
            message_timestamp_before_max_ms: resolved.message_timestamp_before_max_ms,
            message_timestamp_after_max_ms: resolved.message_timestamp_after_max_ms,
            compression: resolved.compression_type,
            producer_id_expiration_ms: i64::from(broker.producer_id_expiration_ms),
        };
        TopicSettings {
            log,
            min_insync_replicas: resolved.min_insync_replicas,
            unclean_leader_election_enable: resolved.unclean_leader_election_enable,
        }
    }
}

/// The static config (`server.properties`) of broker `id`: the cluster's shared lines with
/// its own `node.id` and `broker.id` (`KafkaConfig.populateSynonyms` copies one to the other),
/// and what its metadata mode requires, so `kafka-configs --describe --all` shows the values
/// the broker runs with: in KRaft `process.roles` (`broker,controller` for a controller voter,
/// combined mode), in ZooKeeper mode `zookeeper.connect`. The cluster's shared lines win over
/// the mode's; the ids are always the broker's own.
pub fn static_broker_config(
    cluster: &ClusterConfig,
    id: BrokerId,
) -> Result<BrokerConfig, KafkaError> {
    let mut config = BrokerConfig::default();
    let mode_lines: &[(&str, &str)] = match cluster.metadata_mode {
        MetadataMode::Kraft if cluster.controller_quorum_voters().contains(&id) => {
            &[("process.roles", "broker,controller")]
        }
        MetadataMode::Kraft => &[("process.roles", "broker")],
        MetadataMode::ZooKeeper => &[("zookeeper.connect", "localhost:2181")],
    };
    for (name, value) in mode_lines {
        config.set(name, value)?;
    }
    for (name, value) in &cluster.broker_configs {
        config.set(name, value)?;
    }
    config.set("node.id", &id.0.to_string())?;
    config.set("broker.id", &id.0.to_string())?;
    config.authorizer()?;
    config.plain_users()?;
    Ok(config)
}

/// Checks a `server.properties` line as a starting broker would.
pub fn validate_broker_property(name: &str, value: &str) -> Result<(), KafkaError> {
    BrokerConfig::default().set(name, value)
}

/// Applies dynamic config changes to a broker's config: the cluster default for every broker,
/// or one broker's own layer. All or nothing.
pub fn alter_broker_config(
    config: &mut BrokerConfig,
    resource: &ConfigResource,
    set: &[(String, String)],
    delete: &[String],
) -> Result<(), KafkaError> {
    let scope = match resource {
        ConfigResource::BrokerDefault => DynamicScope::ClusterDefault,
        _ => DynamicScope::Broker,
    };
    let changes: Vec<ConfigChange> = set
        .iter()
        .map(|(name, value)| ConfigChange::set(name, value))
        .chain(delete.iter().map(|name| ConfigChange::delete(name)))
        .collect();
    config.alter_dynamic(scope, &changes)
}

/// Validates a topic's overrides after a change, as the controller does.
pub fn altered_topic_overrides(
    current: &VecMap<String, String>,
    set: &[(String, String)],
    delete: &[String],
    broker: &BrokerConfig,
) -> Result<VecMap<String, String>, KafkaError> {
    let pairs: Vec<(&str, &str)> = current
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut topic = TopicConfig::from_configs(&pairs, broker)?;
    let changes: Vec<ConfigChange> = set
        .iter()
        .map(|(name, value)| ConfigChange::set(name, value))
        .chain(delete.iter().map(|name| ConfigChange::delete(name)))
        .collect();
    topic.alter(&changes, broker)?;
    Ok(topic.overrides().clone())
}

/// Validates the `--config` overrides of a new topic.
pub fn new_topic_overrides(
    configs: &[(String, String)],
    broker: &BrokerConfig,
) -> Result<VecMap<String, String>, KafkaError> {
    let pairs: Vec<(&str, &str)> = configs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let topic = TopicConfig::from_configs(&pairs, broker)?;
    topic.validate(broker)?;
    Ok(topic.overrides().clone())
}

/// What a `KafkaProducer` built from these configs runs with, or the `ConfigException` its
/// constructor throws.
pub fn producer_rules(configs: &[(String, String)]) -> Result<ProducerRules, KafkaError> {
    let mut settings = ProducerSettings::default();
    for (name, value) in configs {
        settings.set(name, value)?;
    }
    let settings = settings.validate()?;
    let partitioner = match settings.partitioner_class.as_deref() {
        Some(ROUND_ROBIN_PARTITIONER) => PartitionerKind::RoundRobin,
        Some(DEFAULT_PARTITIONER | UNIFORM_STICKY_PARTITIONER) => PartitionerKind::StickyPerBatch,
        _ => PartitionerKind::UniformSticky,
    };
    // The old `UniformStickyPartitioner` placed every record by stickiness, keys or not, and
    // `DefaultPartitioner` always hashed keys: with a `partitioner.class`, Kafka leaves
    // `partitioner.ignore.keys` unread. (The playground's round robin still reads it, as its
    // own round robin hashes keys otherwise.)
    let ignore_keys = match settings.partitioner_class.as_deref() {
        Some(UNIFORM_STICKY_PARTITIONER) => true,
        Some(DEFAULT_PARTITIONER) => false,
        _ => settings.partitioner_ignore_keys,
    };
    Ok(ProducerRules {
        acks: settings.acks,
        idempotent: settings.enable_idempotence,
        retries: settings.retries,
        retry_backoff_ms: settings.retry_backoff_ms,
        retry_backoff_max_ms: settings.retry_backoff_max_ms,
        metadata_max_age_ms: settings.metadata_max_age_ms,
        delivery_timeout_ms: i64::from(settings.delivery_timeout_ms),
        request_timeout_ms: i64::from(settings.request_timeout_ms),
        linger_ms: settings.linger_ms,
        batch_size: settings.batch_size,
        buffer_memory: settings.buffer_memory,
        max_block_ms: settings.max_block_ms,
        compression: settings.compression_type,
        max_in_flight: settings.max_in_flight_requests_per_connection,
        max_request_size: settings.max_request_size,
        partitioner,
        ignore_keys,
        adaptive_partitioning: settings.partitioner_adaptive_partitioning_enable,
        availability_timeout_ms: settings.partitioner_availability_timeout_ms,
        transactional_id: settings.transactional_id.clone(),
        transaction_timeout_ms: i64::from(settings.transaction_timeout_ms),
    })
}

/// What a `KafkaConsumer` built from these configs runs with, or what its constructor throws.
pub fn consumer_rules(configs: &[(String, String)]) -> Result<ConsumerRules, KafkaError> {
    let mut settings = ConsumerSettings::default();
    for (name, value) in configs {
        settings.set(name, value)?;
    }
    let settings = settings.validate()?;
    Ok(ConsumerRules {
        group_id: settings.group_id.clone(),
        group_instance_id: settings.group_instance_id.clone(),
        enable_auto_commit: settings.enable_auto_commit,
        auto_commit_interval_ms: i64::from(settings.auto_commit_interval_ms),
        auto_offset_reset: settings.auto_offset_reset,
        max_poll_records: settings.max_poll_records,
        max_poll_interval_ms: i64::from(settings.max_poll_interval_ms),
        session_timeout_ms: i64::from(settings.session_timeout_ms),
        heartbeat_interval_ms: i64::from(settings.heartbeat_interval_ms),
        assignors: settings.partition_assignment_strategy.clone(),
        isolation_level: settings.isolation_level,
        fetch_min_bytes: settings.fetch_min_bytes,
        fetch_max_bytes: settings.fetch_max_bytes,
        fetch_max_wait_ms: i64::from(settings.fetch_max_wait_ms),
        max_partition_fetch_bytes: settings.max_partition_fetch_bytes,
        request_timeout_ms: i64::from(settings.request_timeout_ms),
        retry_backoff_ms: settings.retry_backoff_ms,
        retry_backoff_max_ms: settings.retry_backoff_max_ms,
        metadata_max_age_ms: settings.metadata_max_age_ms,
        client_rack: (!settings.client_rack.is_empty()).then(|| settings.client_rack.clone()),
        allow_auto_create_topics: settings.allow_auto_create_topics,
        exclude_internal_topics: settings.exclude_internal_topics,
    })
}

/// Every topic's settings as one node (a broker or the controller) knows them, refreshed when
/// a topic or a config changes.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicSettingsCache {
    topics: VecMap<String, TopicSettings>,
    defaults: TopicSettings,
}

impl TopicSettingsCache {
    /// A cache where every topic has the broker defaults.
    pub fn new(broker: &BrokerConfig) -> TopicSettingsCache {
        TopicSettingsCache {
            topics: VecMap::new(),
            defaults: TopicSettings::resolve(&VecMap::new(), broker),
        }
    }

    /// The settings of `topic`.
    pub fn get(&self, topic: &str) -> &TopicSettings {
        self.topics.get(topic).unwrap_or(&self.defaults)
    }

    /// Recomputes `topic` from its overrides.
    pub fn refresh(
        &mut self,
        topic: &str,
        overrides: Option<&VecMap<String, String>>,
        broker: &BrokerConfig,
    ) {
        match overrides {
            Some(overrides) if !overrides.is_empty() => {
                self.topics
                    .insert(topic.to_string(), TopicSettings::resolve(overrides, broker));
            }
            _ => {
                self.topics.remove(topic);
            }
        }
    }

    /// Recomputes everything after a broker config change.
    pub fn refresh_all(
        &mut self,
        configs: &VecMap<ConfigResource, VecMap<String, String>>,
        broker: &BrokerConfig,
    ) {
        self.defaults = TopicSettings::resolve(&VecMap::new(), broker);
        self.topics.clear();
        for (resource, overrides) in configs {
            if let ConfigResource::Topic(topic) = resource {
                self.refresh(topic, Some(overrides), broker);
            }
        }
    }
}

/// A broker's config: its static one with the dynamic layers the metadata holds.
pub fn effective_broker_config(
    static_config: &BrokerConfig,
    configs: &VecMap<ConfigResource, VecMap<String, String>>,
    id: BrokerId,
) -> BrokerConfig {
    let mut config = static_config.clone();
    for resource in [ConfigResource::BrokerDefault, ConfigResource::Broker(id)] {
        if let Some(layer) = configs.get(&resource) {
            let set: Vec<(String, String)> =
                layer.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            // Validated by the controller before it was written.
            let _ = alter_broker_config(&mut config, &resource, &set, &[]);
        }
    }
    config
}
