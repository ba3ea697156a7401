//! Topic configs: a topic's overrides ([`TopicConfig`]) and the values in effect
//! ([`ResolvedTopicConfig`]), mirroring `org.apache.kafka.storage.internals.log.LogConfig` and
//! the names and documentation of `org.apache.kafka.common.config.TopicConfig`.
//!
//! A topic stores only what was set for it (`--config` at creation, `kafka-configs --alter`).
//! The value in effect is the override, else the broker's synonym (`retention.ms` comes from
//! `log.retention.ms`, else `log.retention.minutes`, else `log.retention.hours`;
//! `max.message.bytes` from `message.max.bytes`; see `ServerTopicConfigSynonyms`), else
//! `LogConfig`'s default. Validation follows `LogConfig.validate` as the KRaft controller runs
//! it: unknown names, then each value, then the cross-field rules of `validateValues`; a
//! refusal is `INVALID_CONFIG` with Kafka's message.
//!
//! Simplified: the throttled-replica lists are not validated (`ThrottledReplicaListValidator`),
//! and of the tiered-storage rules only "tiered storage is disabled in the broker" is checked.

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use super::broker::{BrokerConfig, ConfigChange};
use super::value::java_hash_order;
use super::{
    config_table, find_key, ConfigKey, ConfigSource, ConfigSynonym, DescribeRow, Importance as I,
    MessageTimestampType, Validator as V,
};
use crate::config::ConfigType as T;
use crate::error::{ErrorCode, KafkaError};
use crate::kinds::{CleanupPolicy, TopicCompression};

/// The size of the `HashMap` behind `LogConfig`'s `ConfigDef` (36 keys), which decides which of
/// several bad values Kafka reports first.
const LOG_CONFIG_DEF_CAPACITY: u32 = 64;

/// The topic configs in effect for one topic: overrides resolved against the broker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedTopicConfig {
    /// `cleanup.policy`.
    pub cleanup_policy: CleanupPolicy,
    /// `compression.type`.
    pub compression_type: TopicCompression,
    /// `compression.gzip.level`.
    pub compression_gzip_level: i32,
    /// `compression.lz4.level`.
    pub compression_lz4_level: i32,
    /// `compression.zstd.level`.
    pub compression_zstd_level: i32,
    /// `delete.retention.ms`.
    pub delete_retention_ms: i64,
    /// `file.delete.delay.ms`.
    pub file_delete_delay_ms: i64,
    /// `flush.messages`.
    pub flush_messages: i64,
    /// `flush.ms`.
    pub flush_ms: i64,
    /// `follower.replication.throttled.replicas`.
    pub follower_replication_throttled_replicas: Vec<String>,
    /// `index.interval.bytes`.
    pub index_interval_bytes: i32,
    /// `leader.replication.throttled.replicas`.
    pub leader_replication_throttled_replicas: Vec<String>,
    /// `local.retention.bytes` (-2: use `retention.bytes`).
    pub local_retention_bytes: i64,
    /// `local.retention.ms` (-2: use `retention.ms`).
    pub local_retention_ms: i64,
    /// `max.compaction.lag.ms`.
    pub max_compaction_lag_ms: i64,
    /// `max.message.bytes`.
    pub max_message_bytes: i32,
    /// `message.timestamp.after.max.ms`.
    pub message_timestamp_after_max_ms: i64,
    /// `message.timestamp.before.max.ms`.
    pub message_timestamp_before_max_ms: i64,
    /// `message.timestamp.type`.
    pub message_timestamp_type: MessageTimestampType,
    /// `min.cleanable.dirty.ratio`.
    pub min_cleanable_dirty_ratio: f64,
    /// `min.compaction.lag.ms`.
    pub min_compaction_lag_ms: i64,
    /// `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// `preallocate`.
    pub preallocate: bool,
    /// `remote.log.copy.disable`.
    pub remote_log_copy_disable: bool,
    /// `remote.log.delete.on.disable`.
    pub remote_log_delete_on_disable: bool,
    /// `remote.storage.enable`.
    pub remote_storage_enable: bool,
    /// `retention.bytes` (-1: no size limit).
    pub retention_bytes: i64,
    /// `retention.ms` (-1: no time limit).
    pub retention_ms: i64,
    /// `segment.bytes`.
    pub segment_bytes: i32,
    /// `segment.index.bytes`.
    pub segment_index_bytes: i32,
    /// `segment.jitter.ms`.
    pub segment_jitter_ms: i64,
    /// `segment.ms`.
    pub segment_ms: i64,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
}

config_table!(ResolvedTopicConfig, TOPIC_KEYS, [
    "cleanup.policy" => cleanup_policy: Cleanup = ConfigKey::def(T::List, Some("delete"), V::ListOf(&["compact", "delete"]), I::Medium,
        "This config designates the retention policy to use on log segments.");
    "compression.gzip.level" => compression_gzip_level: Int = ConfigKey::def(T::Int, Some("-1"), V::GzipLevel, I::Medium,
        "The compression level to use if compression.type is set to gzip.");
    "compression.lz4.level" => compression_lz4_level: Int = ConfigKey::def(T::Int, Some("9"), V::Between(1, 17), I::Medium,
        "The compression level to use if compression.type is set to lz4.");
    "compression.type" => compression_type: BrokerCodec = ConfigKey::def(T::String, Some("producer"), V::OneOf(&["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]), I::Medium,
        "Specify the final compression type for a given topic.");
    "compression.zstd.level" => compression_zstd_level: Int = ConfigKey::def(T::Int, Some("3"), V::Between(-131072, 22), I::Medium,
        "The compression level to use if compression.type is set to zstd.");
    "delete.retention.ms" => delete_retention_ms: Long = ConfigKey::def(T::Long, Some("86400000"), V::AtLeast(0), I::Medium,
        "The amount of time to retain delete tombstone markers for log compacted topics.");
    "file.delete.delay.ms" => file_delete_delay_ms: Long = ConfigKey::def(T::Long, Some("60000"), V::AtLeast(0), I::Medium,
        "The time to wait before deleting a file from the filesystem");
    "flush.messages" => flush_messages: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(1), I::Medium,
        "This setting allows specifying an interval at which we will force an fsync of data written to the log.");
    "flush.ms" => flush_ms: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(0), I::Medium,
        "This setting allows specifying a time interval at which we will force an fsync of data written to the log.");
    "follower.replication.throttled.replicas" => follower_replication_throttled_replicas: List = ConfigKey::def(T::List, Some(""), V::None, I::Medium,
        "A list of replicas for which log replication should be throttled on the follower side.");
    "index.interval.bytes" => index_interval_bytes: Int = ConfigKey::def(T::Int, Some("4096"), V::AtLeast(0), I::Medium,
        "This setting controls how frequently Kafka adds an index entry to its offset index.");
    "leader.replication.throttled.replicas" => leader_replication_throttled_replicas: List = ConfigKey::def(T::List, Some(""), V::None, I::Medium,
        "A list of replicas for which log replication should be throttled on the leader side.");
    "local.retention.bytes" => local_retention_bytes: Long = ConfigKey::def(T::Long, Some("-2"), V::AtLeast(-2), I::Medium,
        "The maximum size of local log segments that can grow for a partition before it deletes the old segments.");
    "local.retention.ms" => local_retention_ms: Long = ConfigKey::def(T::Long, Some("-2"), V::AtLeast(-2), I::Medium,
        "The number of milliseconds to keep the local log segment before it gets deleted.");
    "max.compaction.lag.ms" => max_compaction_lag_ms: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(1), I::Medium,
        "The maximum time a message will remain ineligible for compaction in the log.");
    "max.message.bytes" => max_message_bytes: Int = ConfigKey::def(T::Int, Some("1048588"), V::AtLeast(0), I::Medium,
        "The largest record batch size allowed by Kafka (after compression if compression is enabled).");
    "message.timestamp.after.max.ms" => message_timestamp_after_max_ms: Long = ConfigKey::def(T::Long, Some("3600000"), V::AtLeast(0), I::Medium,
        "This configuration sets the allowable timestamp difference between the message timestamp and the broker's timestamp.");
    "message.timestamp.before.max.ms" => message_timestamp_before_max_ms: Long = ConfigKey::def(T::Long, Some("9223372036854775807"), V::AtLeast(0), I::Medium,
        "This configuration sets the allowable timestamp difference between the broker's timestamp and the message timestamp.");
    "message.timestamp.type" => message_timestamp_type: Timestamp = ConfigKey::def(T::String, Some("CreateTime"), V::OneOf(&["CreateTime", "LogAppendTime"]), I::Medium,
        "Define whether the timestamp in the message is message create time or log append time.");
    "min.cleanable.dirty.ratio" => min_cleanable_dirty_ratio: Double = ConfigKey::def(T::Double, Some("0.5"), V::Between(0, 1), I::Medium,
        "This configuration controls how frequently the log compactor will attempt to clean the log (assuming log compaction is enabled).");
    "min.compaction.lag.ms" => min_compaction_lag_ms: Long = ConfigKey::def(T::Long, Some("0"), V::AtLeast(0), I::Medium,
        "The minimum time a message will remain uncompacted in the log.");
    "min.insync.replicas" => min_insync_replicas: Int = ConfigKey::def(T::Int, Some("1"), V::AtLeast(1), I::Medium,
        "When a producer sets acks to \"all\" (or \"-1\"), this configuration specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful.");
    "preallocate" => preallocate: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "True if we should preallocate the file on disk when creating a new log segment.");
    "remote.log.copy.disable" => remote_log_copy_disable: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "Determines whether tiered data for a topic should become read only, and no more data uploading on a topic.");
    "remote.log.delete.on.disable" => remote_log_delete_on_disable: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "Determines whether tiered data for a topic should be deleted after tiered storage is disabled on a topic.");
    "remote.storage.enable" => remote_storage_enable: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "To enable tiered storage for a topic, set this configuration as true.");
    "retention.bytes" => retention_bytes: Long = ConfigKey::def(T::Long, Some("-1"), V::None, I::Medium,
        "This configuration controls the maximum size a partition (which consists of log segments) can grow to before we will discard old log segments to free up space if we are using the \"delete\" retention policy.");
    "retention.ms" => retention_ms: Long = ConfigKey::def(T::Long, Some("604800000"), V::AtLeast(-1), I::Medium,
        "This configuration controls the maximum time we will retain a log before we will discard old log segments to free up space if we are using the \"delete\" retention policy.");
    "segment.bytes" => segment_bytes: Int = ConfigKey::def(T::Int, Some("1073741824"), V::AtLeast(1_048_576), I::Medium,
        "This configuration controls the segment file size for the log.");
    "segment.index.bytes" => segment_index_bytes: Int = ConfigKey::def(T::Int, Some("10485760"), V::AtLeast(4), I::Medium,
        "This configuration controls the size of the index that maps offsets to file positions.");
    "segment.jitter.ms" => segment_jitter_ms: Long = ConfigKey::def(T::Long, Some("0"), V::AtLeast(0), I::Medium,
        "The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling");
    "segment.ms" => segment_ms: Long = ConfigKey::def(T::Long, Some("604800000"), V::AtLeast(1), I::Medium,
        "This configuration controls the period of time after which Kafka will force the log to roll even if the segment file isn't full to ensure that retention can delete or compact old data.");
    "unclean.leader.election.enable" => unclean_leader_election_enable: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "Indicates whether to enable replicas not in the ISR set to be elected as leader as a last resort, even though doing so may result in data loss.");
]);

impl Default for ResolvedTopicConfig {
    /// `LogConfig`'s defaults (Kafka 4.x), i.e. a topic without overrides on a default broker.
    fn default() -> Self {
        ResolvedTopicConfig {
            cleanup_policy: CleanupPolicy::DELETE,
            compression_type: TopicCompression::Producer,
            compression_gzip_level: -1,
            compression_lz4_level: 9,
            compression_zstd_level: 3,
            delete_retention_ms: 86_400_000,
            file_delete_delay_ms: 60_000,
            flush_messages: i64::MAX,
            flush_ms: i64::MAX,
            follower_replication_throttled_replicas: Vec::new(),
            index_interval_bytes: 4096,
            leader_replication_throttled_replicas: Vec::new(),
            local_retention_bytes: -2,
            local_retention_ms: -2,
            max_compaction_lag_ms: i64::MAX,
            max_message_bytes: 1_048_588,
            message_timestamp_after_max_ms: 3_600_000,
            message_timestamp_before_max_ms: i64::MAX,
            message_timestamp_type: MessageTimestampType::CreateTime,
            min_cleanable_dirty_ratio: 0.5,
            min_compaction_lag_ms: 0,
            min_insync_replicas: 1,
            preallocate: false,
            remote_log_copy_disable: false,
            remote_log_delete_on_disable: false,
            remote_storage_enable: false,
            retention_bytes: -1,
            retention_ms: 604_800_000,
            segment_bytes: 1_073_741_824,
            segment_index_bytes: 10_485_760,
            segment_jitter_ms: 0,
            segment_ms: 604_800_000,
            unclean_leader_election_enable: false,
        }
    }
}

impl ResolvedTopicConfig {
    /// The value in effect as Kafka prints it; `None` for an unknown name.
    pub fn get(&self, name: &str) -> Option<String> {
        self.slot(name).and_then(|slot| slot.render())
    }

    /// `LogConfig.localRetentionMs`: -2 means `retention.ms`.
    pub fn effective_local_retention_ms(&self) -> i64 {
        if self.local_retention_ms == -2 {
            self.retention_ms
        } else {
            self.local_retention_ms
        }
    }
}

/// A topic's config overrides, in the text Kafka prints for them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TopicConfig {
    overrides: VecMap<String, String>,
}

impl TopicConfig {
    /// Every topic config, for help text and tab completion.
    pub fn keys() -> &'static [ConfigKey] {
        TOPIC_KEYS
    }

    /// The key of a topic config.
    pub fn key(name: &str) -> Option<&'static ConfigKey> {
        find_key(TOPIC_KEYS, name)
    }

    /// A topic created with `--config` overrides, validated as `CreateTopics` validates them.
    pub fn from_configs(
        configs: &[(&str, &str)],
        broker: &BrokerConfig,
    ) -> Result<TopicConfig, KafkaError> {
        let raw: VecMap<String, String> = crate::sort::to_map(
            configs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string())),
        );
        let overrides = validate_props(&raw, broker).map_err(invalid_config)?;
        Ok(TopicConfig { overrides })
    }

    /// Sets one override after checking its name and value (not the cross-field rules, which
    /// need the broker: see [`TopicConfig::alter`] and [`TopicConfig::validate`]).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), KafkaError> {
        let key = TopicConfig::key(name).ok_or_else(|| invalid_config(unknown_name(name)))?;
        let parsed = key.parse(value).map_err(invalid_config)?;
        self.overrides
            .insert(name.to_string(), parsed.to_kafka_string());
        Ok(())
    }

    /// Removes an override; `false` if it was not set.
    pub fn delete(&mut self, name: &str) -> bool {
        self.overrides.remove(name).is_some()
    }

    /// The override, as Kafka prints it; `None` if the topic does not override the config.
    pub fn get(&self, name: &str) -> Option<String> {
        self.overrides.get(name).cloned()
    }

    /// Every override.
    pub fn overrides(&self) -> &VecMap<String, String> {
        &self.overrides
    }

    /// An `IncrementalAlterConfigs` on the topic: applies the changes and validates the result
    /// as the controller does (`LogConfig.validate`), all or nothing.
    pub fn alter(
        &mut self,
        changes: &[ConfigChange],
        broker: &BrokerConfig,
    ) -> Result<(), KafkaError> {
        let mut raw = self.overrides.clone();
        for change in changes {
            match &change.value {
                Some(value) => raw.insert(change.name.clone(), value.clone()),
                None => raw.remove(&change.name),
            };
        }
        self.overrides = validate_props(&raw, broker).map_err(invalid_config)?;
        Ok(())
    }

    /// `LogConfig.validate` of the overrides against the broker's defaults.
    pub fn validate(&self, broker: &BrokerConfig) -> Result<(), KafkaError> {
        validate_props(&self.overrides, broker)
            .map(drop)
            .map_err(invalid_config)
    }

    /// The text in effect: the override, else the broker's synonym, else `LogConfig`'s default.
    fn effective_text(&self, key: &ConfigKey, broker: &BrokerConfig) -> Option<String> {
        self.overrides
            .get(key.name)
            .cloned()
            .or_else(|| broker.topic_default(key.name))
            .or_else(|| key.default.map(str::to_string))
    }

    /// The configs in effect for this topic on this broker.
    pub fn effective(&self, broker: &BrokerConfig) -> ResolvedTopicConfig {
        let mut resolved = ResolvedTopicConfig::default();
        for key in TOPIC_KEYS {
            let parsed = self
                .effective_text(key, broker)
                .map(|text| key.parse(&text));
            if let (Some(Ok(parsed)), Some(slot)) = (parsed, resolved.slot_mut(key.name)) {
                // Overrides and broker values were validated when set; on the impossible
                // failure the field keeps LogConfig's default.
                let _ = slot.assign(parsed);
            }
        }
        resolved
    }

    /// `kafka-configs --describe --all --entity-type topics`: every topic config with its
    /// value, source and synonyms (`ConfigHelper.createTopicConfigEntry`).
    pub fn describe(&self, broker: &BrokerConfig) -> Vec<DescribeRow> {
        TOPIC_KEYS
            .iter()
            .map(|key| self.describe_row(key, broker))
            .collect()
    }

    fn describe_row(&self, key: &ConfigKey, broker: &BrokerConfig) -> DescribeRow {
        let value = self.effective_text(key, broker);
        let mut synonyms: Vec<ConfigSynonym> = Vec::new();
        if let Some(text) = self.overrides.get(key.name) {
            synonyms.push(ConfigSynonym {
                name: key.name.to_string(),
                value: Some(text.clone()),
                source: ConfigSource::DynamicTopicConfig,
            });
        }
        if let Some(primary) = BrokerConfig::primary_synonym(key.name) {
            synonyms.extend(broker.synonyms(primary));
        }
        DescribeRow {
            name: key.name.to_string(),
            value,
            source: synonyms
                .first()
                .map_or(ConfigSource::DefaultConfig, |s| s.source),
            sensitive: key.is_sensitive(),
            read_only: false,
            synonyms,
        }
    }
}

fn invalid_config(message: String) -> KafkaError {
    KafkaError::new(ErrorCode::InvalidConfig, message)
}

fn unknown_name(name: &str) -> String {
    format!("Unknown topic config name: {name}")
}

/// `LogConfig.validate(existing, props, brokerDefaults, ...)`: names, then values (in the order
/// of `LogConfig`'s `ConfigDef`), then the cross-field rules. Returns the overrides in
/// canonical text, or Kafka's message.
fn validate_props(
    raw: &VecMap<String, String>,
    broker: &BrokerConfig,
) -> Result<VecMap<String, String>, String> {
    if let Some(unknown) = raw.keys().find(|name| TopicConfig::key(name).is_none()) {
        return Err(unknown_name(unknown));
    }
    let names: Vec<String> = raw.keys().cloned().collect();
    let mut canonical = VecMap::new();
    for name in java_hash_order(&names, LOG_CONFIG_DEF_CAPACITY) {
        if let (Some(key), Some(value)) = (TopicConfig::key(&name), raw.get(&name)) {
            canonical.insert(name.clone(), key.parse(value)?.to_kafka_string());
        }
    }
    let candidate = TopicConfig {
        overrides: canonical,
    };
    let resolved = candidate.effective(broker);
    check_compaction_lags(&resolved)?;
    check_remote_storage(&resolved, broker)?;
    Ok(candidate.overrides)
}

/// `LogConfig.validateValues`.
fn check_compaction_lags(resolved: &ResolvedTopicConfig) -> Result<(), String> {
    let (min, max) = (
        resolved.min_compaction_lag_ms,
        resolved.max_compaction_lag_ms,
    );
    if min > max {
        return Err(format!(
            "conflict topic config setting min.compaction.lag.ms ({min}) > max.compaction.lag.ms ({max})"
        ));
    }
    Ok(())
}

/// `LogConfig.validateRemoteStorageOnlyIfSystemEnabled`.
fn check_remote_storage(
    resolved: &ResolvedTopicConfig,
    broker: &BrokerConfig,
) -> Result<(), String> {
    if resolved.remote_storage_enable && !broker.remote_log_storage_system_enable {
        return Err("Tiered Storage functionality is disabled in the broker. \
                    Topic cannot be configured with remote log storage."
            .to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_field_and_its_default_matches_the_typed_default() {
        for key in TOPIC_KEYS {
            let mut resolved = ResolvedTopicConfig::default();
            let text = key.default.expect("every topic config has a default");
            let parsed = key.parse(text).expect(key.name);
            resolved
                .slot_mut(key.name)
                .expect(key.name)
                .assign(parsed)
                .expect(key.name);
            assert_eq!(resolved, ResolvedTopicConfig::default(), "{}", key.name);
        }
    }

    #[test]
    fn a_default_broker_resolves_to_log_config_defaults() {
        let resolved = TopicConfig::default().effective(&BrokerConfig::default());
        assert_eq!(resolved, ResolvedTopicConfig::default());
    }

    #[test]
    fn unknown_names_are_refused_with_kafkas_message() {
        let error = TopicConfig::default().set("foo", "1").expect_err("unknown");
        assert_eq!(error.code, ErrorCode::InvalidConfig);
        assert_eq!(error.message, "Unknown topic config name: foo");
    }
}
