//! Consumer configs, mirroring `org.apache.kafka.clients.consumer.ConsumerConfig` (names,
//! types, defaults, validators, `postProcessParsedConfig`) and the checks the consumer's
//! constructor adds: `ConsumerPartitionAssignor.getAssignorInstances` and `Heartbeat`.
//!
//! Only the classic group protocol is simulated: `group.protocol=consumer` (KIP-848) is a valid
//! Kafka value, so it passes Kafka's validator, and is then refused with a message saying the
//! playground does not model it.
//!
//! `partition.assignment.strategy` takes Kafka's fully qualified class names. As a convenience
//! the playground also accepts the simple class name (`RangeAssignor`) and the protocol name
//! (`range`), which real Kafka refuses; anything else fails as Kafka's consumer fails:
//! `<name> ClassNotFoundException exception occurred`.

use crate::vec_map::{VecMap, VecSet};

use serde::{Deserialize, Serialize};

use super::{config_table, find_key, ConfigKey, Importance as I, Validator as V};
use crate::config::ConfigType as T;
use crate::error::{ErrorCode, KafkaError};
use crate::kinds::{AssignorKind, AutoOffsetReset, IsolationLevel};

const DESERIALIZERS: &[&str] = &[
    "org.apache.kafka.common.serialization.StringDeserializer",
    "org.apache.kafka.common.serialization.ByteArrayDeserializer",
    "org.apache.kafka.common.serialization.ByteBufferDeserializer",
    "org.apache.kafka.common.serialization.BytesDeserializer",
    "org.apache.kafka.common.serialization.IntegerDeserializer",
    "org.apache.kafka.common.serialization.LongDeserializer",
    "org.apache.kafka.common.serialization.ShortDeserializer",
    "org.apache.kafka.common.serialization.DoubleDeserializer",
    "org.apache.kafka.common.serialization.FloatDeserializer",
    "org.apache.kafka.common.serialization.UUIDDeserializer",
    "org.apache.kafka.common.serialization.BooleanDeserializer",
    "org.apache.kafka.common.serialization.VoidDeserializer",
];

/// A consumer's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerSettings {
    /// `group.id`; `None` means no group (manual assignment, no commits).
    pub group_id: Option<String>,
    /// `group.instance.id`: set for a static member.
    pub group_instance_id: Option<String>,
    /// `client.id`.
    pub client_id: String,
    /// `enable.auto.commit`.
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval_ms: i32,
    /// `auto.offset.reset`.
    pub auto_offset_reset: AutoOffsetReset,
    /// `max.poll.records`.
    pub max_poll_records: i32,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: i64,
    /// `max.poll.interval.ms`.
    pub max_poll_interval_ms: i32,
    /// `session.timeout.ms` (45 s since Kafka 3.0).
    pub session_timeout_ms: i32,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval_ms: i32,
    /// `partition.assignment.strategy`, in order of preference.
    pub partition_assignment_strategy: Vec<AssignorKind>,
    /// `isolation.level`.
    pub isolation_level: IsolationLevel,
    /// `fetch.min.bytes`.
    pub fetch_min_bytes: i32,
    /// `fetch.max.bytes`.
    pub fetch_max_bytes: i32,
    /// `fetch.max.wait.ms`.
    pub fetch_max_wait_ms: i32,
    /// `max.partition.fetch.bytes`.
    pub max_partition_fetch_bytes: i32,
    /// `request.timeout.ms`.
    pub request_timeout_ms: i32,
    /// `default.api.timeout.ms`.
    pub default_api_timeout_ms: i32,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: i64,
    /// `retry.backoff.max.ms`.
    pub retry_backoff_max_ms: i64,
    /// `client.rack`.
    pub client_rack: String,
    /// `allow.auto.create.topics`.
    pub allow_auto_create_topics: bool,
    /// `exclude.internal.topics`.
    pub exclude_internal_topics: bool,
    /// `group.protocol` (always `classic` here).
    pub group_protocol: String,
    /// `group.remote.assignor` (only for the consumer protocol).
    pub group_remote_assignor: Option<String>,
    /// `key.deserializer` (a class name; the simulator deserializes text itself).
    pub key_deserializer: Option<String>,
    /// `value.deserializer` (a class name; the simulator deserializes text itself).
    pub value_deserializer: Option<String>,
    /// The names set through [`ConsumerSettings::set`] (Kafka's `originals()`).
    pub explicitly_set: VecSet<String>,
    /// Configs the simulator does not model, kept as given.
    pub other: VecMap<String, String>,
}

config_table!(ConsumerSettings, CONSUMER_KEYS, [
    "allow.auto.create.topics" => allow_auto_create_topics: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::Medium,
        "Allow automatic topic creation on the broker when subscribing to or assigning a topic.");
    "auto.commit.interval.ms" => auto_commit_interval_ms: Int = ConfigKey::def(T::Int, Some("5000"), V::AtLeast(0), I::Low,
        "The frequency in milliseconds that the consumer offsets are auto-committed to Kafka if enable.auto.commit is set to true.");
    "auto.offset.reset" => auto_offset_reset: OffsetReset = ConfigKey::def(T::String, Some("latest"), V::AutoOffsetReset, I::Medium,
        "What to do when there is no initial offset in Kafka or if the current offset does not exist any more on the server (e.g. because that data has been deleted).");
    "client.id" => client_id: Text = ConfigKey::def(T::String, Some(""), V::None, I::Low,
        "An id string to pass to the server when making requests.");
    "client.rack" => client_rack: Text = ConfigKey::def(T::String, Some(""), V::None, I::Low,
        "A rack identifier for this client.");
    "default.api.timeout.ms" => default_api_timeout_ms: Int = ConfigKey::def(T::Int, Some("60000"), V::AtLeast(0), I::Medium,
        "Specifies the timeout (in milliseconds) for client APIs.");
    "enable.auto.commit" => enable_auto_commit: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::Medium,
        "If true the consumer's offset will be periodically committed in the background.");
    "exclude.internal.topics" => exclude_internal_topics: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::Medium,
        "Whether internal topics matching a subscribed pattern should be excluded from the subscription.");
    "fetch.max.bytes" => fetch_max_bytes: Int = ConfigKey::def(T::Int, Some("52428800"), V::AtLeast(0), I::Medium,
        "The maximum amount of data the server should return for a fetch request.");
    "fetch.max.wait.ms" => fetch_max_wait_ms: Int = ConfigKey::def(T::Int, Some("500"), V::AtLeast(0), I::Low,
        "The maximum amount of time the server will block before answering the fetch request there isn't sufficient data to immediately satisfy the requirement given by fetch.min.bytes.");
    "fetch.min.bytes" => fetch_min_bytes: Int = ConfigKey::def(T::Int, Some("1"), V::AtLeast(0), I::High,
        "The minimum amount of data the server should return for a fetch request.");
    "group.id" => group_id: OptText = ConfigKey::def(T::String, None, V::None, I::High,
        "A unique string that identifies the consumer group this consumer belongs to.");
    "group.instance.id" => group_instance_id: OptText = ConfigKey::def(T::String, None, V::NonEmptyString, I::Medium,
        "A unique identifier of the consumer instance provided by the end user.");
    "group.protocol" => group_protocol: Text = ConfigKey::def(T::String, Some("classic"), V::OneOfIgnoringCase(&["CLASSIC", "CONSUMER"]), I::High,
        "The group protocol consumer should use.");
    "group.remote.assignor" => group_remote_assignor: OptText = ConfigKey::def(T::String, None, V::None, I::Medium,
        "The server-side assignor to use.");
    "heartbeat.interval.ms" => heartbeat_interval_ms: Int = ConfigKey::def(T::Int, Some("3000"), V::None, I::High,
        "The expected time between heartbeats to the consumer coordinator when using Kafka's group management facilities.");
    "isolation.level" => isolation_level: Isolation = ConfigKey::def(T::String, Some("read_uncommitted"), V::OneOf(&["read_committed", "read_uncommitted"]), I::Medium,
        "Controls how to read messages written transactionally.");
    "key.deserializer" => key_deserializer: OptText = ConfigKey::def(T::Class, None, V::KnownClasses(DESERIALIZERS), I::High,
        "Deserializer class for key that implements the org.apache.kafka.common.serialization.Deserializer interface.");
    "max.partition.fetch.bytes" => max_partition_fetch_bytes: Int = ConfigKey::def(T::Int, Some("1048576"), V::AtLeast(0), I::High,
        "The maximum amount of data per-partition the server will return.");
    "max.poll.interval.ms" => max_poll_interval_ms: Int = ConfigKey::def(T::Int, Some("300000"), V::AtLeast(1), I::Medium,
        "The maximum delay between invocations of poll() when using consumer group management.");
    "max.poll.records" => max_poll_records: Int = ConfigKey::def(T::Int, Some("500"), V::AtLeast(1), I::Medium,
        "The maximum number of records returned in a single call to poll().");
    "metadata.max.age.ms" => metadata_max_age_ms: Long = ConfigKey::def(T::Long, Some("300000"), V::AtLeast(0), I::Low,
        "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any partition leadership changes to proactively discover any new brokers or partitions.");
    "partition.assignment.strategy" => partition_assignment_strategy: Assignors = ConfigKey::def(T::List,
        Some("org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor"), V::None, I::Medium,
        "A list of class names or class types, ordered by preference, of supported partition assignment strategies that the client will use to distribute partition ownership amongst consumer instances when group management is used.");
    "request.timeout.ms" => request_timeout_ms: Int = ConfigKey::def(T::Int, Some("30000"), V::AtLeast(0), I::Medium,
        "The configuration controls the maximum amount of time the client will wait for the response of a request.");
    "retry.backoff.max.ms" => retry_backoff_max_ms: Long = ConfigKey::def(T::Long, Some("1000"), V::AtLeast(0), I::Low,
        "The maximum amount of time in milliseconds to wait when retrying a request to the broker that has repeatedly failed.");
    "retry.backoff.ms" => retry_backoff_ms: Long = ConfigKey::def(T::Long, Some("100"), V::AtLeast(0), I::Low,
        "The amount of time to wait before attempting to retry a failed request to a given topic partition.");
    "session.timeout.ms" => session_timeout_ms: Int = ConfigKey::def(T::Int, Some("45000"), V::None, I::High,
        "The timeout used to detect client failures when using Kafka's group management facility.");
    "value.deserializer" => value_deserializer: OptText = ConfigKey::def(T::Class, None, V::KnownClasses(DESERIALIZERS), I::High,
        "Deserializer class for value that implements the org.apache.kafka.common.serialization.Deserializer interface.");
]);

impl Default for ConsumerSettings {
    /// Kafka 4.x's defaults (`ConsumerConfig`, `CommonClientConfigs`).
    fn default() -> Self {
        ConsumerSettings {
            group_id: None,
            group_instance_id: None,
            client_id: String::new(),
            enable_auto_commit: true,
            auto_commit_interval_ms: 5000,
            auto_offset_reset: AutoOffsetReset::Latest,
            max_poll_records: 500,
            metadata_max_age_ms: 300_000,
            max_poll_interval_ms: 300_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3000,
            partition_assignment_strategy: vec![
                AssignorKind::Range,
                AssignorKind::CooperativeSticky,
            ],
            isolation_level: IsolationLevel::ReadUncommitted,
            fetch_min_bytes: 1,
            fetch_max_bytes: 52_428_800,
            fetch_max_wait_ms: 500,
            max_partition_fetch_bytes: 1_048_576,
            request_timeout_ms: 30_000,
            default_api_timeout_ms: 60_000,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1000,
            client_rack: String::new(),
            allow_auto_create_topics: true,
            exclude_internal_topics: true,
            group_protocol: "classic".to_string(),
            group_remote_assignor: None,
            key_deserializer: None,
            value_deserializer: None,
            explicitly_set: VecSet::new(),
            other: VecMap::new(),
        }
    }
}

impl ConsumerSettings {
    /// Every consumer config the simulator models.
    pub fn keys() -> &'static [ConfigKey] {
        CONSUMER_KEYS
    }

    /// The key of a consumer config.
    pub fn key(name: &str) -> Option<&'static ConfigKey> {
        find_key(CONSUMER_KEYS, name)
    }

    /// A consumer in a group, with Kafka's defaults otherwise.
    pub fn in_group(group_id: &str) -> ConsumerSettings {
        ConsumerSettings {
            group_id: Some(group_id.to_string()),
            ..ConsumerSettings::default()
        }
    }

    /// Sets a config from text (`--consumer-property name=value`), checking it as `ConfigDef`
    /// and the consumer's constructor do. A refused value leaves the settings unchanged.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), KafkaError> {
        let Some(key) = ConsumerSettings::key(name) else {
            self.other.insert(name.to_string(), value.to_string());
            return Ok(());
        };
        let parsed = key.parse(value).map_err(config_exception)?;
        let text = parsed.to_kafka_string();
        check_simulated(name, &text)?;
        if name == "partition.assignment.strategy" {
            check_assignors(&text)?;
        }
        let slot = self
            .slot_mut(name)
            .ok_or_else(|| config_exception(format!("{name} is not modelled")))?;
        slot.assign(parsed).map_err(config_exception)?;
        self.explicitly_set.insert(name.to_string());
        Ok(())
    }

    /// The value as Kafka prints it; `None` for `null`.
    pub fn get(&self, name: &str) -> Option<String> {
        match self.slot(name) {
            Some(slot) => slot.render(),
            None => self.other.get(name).cloned(),
        }
    }

    /// What a `KafkaConsumer` built from these settings would run with, or what it would
    /// throw (`ConsumerConfig.postProcessParsedConfig`, then the coordinator's `Heartbeat`).
    pub fn validate(&self) -> Result<ConsumerSettings, KafkaError> {
        let mut settings = self.clone();
        settings.maybe_override_enable_auto_commit()?;
        settings.check_group_remote_assignor()?;
        settings.check_heartbeat()?;
        Ok(settings)
    }

    /// What `subscribe()` or `commitSync()` checks first (`ClassicKafkaConsumer`): a group
    /// id, then at least one assignor.
    pub fn check_group_management(&self) -> Result<(), KafkaError> {
        if self.group_id.is_none() {
            return Err(KafkaError::new(
                ErrorCode::InvalidGroupId,
                "To use the group management or offset commit APIs, you must provide a valid \
                 group.id in the consumer configuration.",
            ));
        }
        if self.partition_assignment_strategy.is_empty() {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                "Must configure at least one partition assigner class name to \
                 partition.assignment.strategy configuration property",
            ));
        }
        Ok(())
    }

    /// Without a group there is nothing to commit to: auto commit is turned off, and refused
    /// if it was asked for explicitly.
    fn maybe_override_enable_auto_commit(&mut self) -> Result<(), KafkaError> {
        if self.group_id.is_some() {
            return Ok(());
        }
        if !self.explicitly_set.contains("enable.auto.commit") {
            self.enable_auto_commit = false;
        } else if self.enable_auto_commit {
            return Err(KafkaError::new(
                ErrorCode::InvalidConfig,
                "enable.auto.commit cannot be set to true when default group id (null) is used.",
            ));
        }
        Ok(())
    }

    fn check_group_remote_assignor(&self) -> Result<(), KafkaError> {
        let is_set = self
            .group_remote_assignor
            .as_deref()
            .is_some_and(|assignor| !assignor.is_empty());
        if self.group_protocol.eq_ignore_ascii_case("classic") && is_set {
            return Err(config_exception(
                "group.remote.assignor cannot be set when group.protocol=CLASSIC".into(),
            ));
        }
        Ok(())
    }

    /// `Heartbeat`'s constructor, which only a consumer in a group builds.
    fn check_heartbeat(&self) -> Result<(), KafkaError> {
        if self.group_id.is_some() && self.heartbeat_interval_ms >= self.session_timeout_ms {
            return Err(KafkaError::new(
                ErrorCode::KafkaException,
                "Heartbeat must be set lower than the session timeout",
            ));
        }
        Ok(())
    }
}

/// Refuses valid Kafka values the playground does not simulate, saying so.
fn check_simulated(name: &str, text: &str) -> Result<(), KafkaError> {
    if name == "group.protocol" && text.eq_ignore_ascii_case("consumer") {
        return Err(config_exception(format!(
            "{name}={text} is valid in Kafka but not simulated by the playground: only the \
             classic consumer group protocol is modelled"
        )));
    }
    Ok(())
}

/// `ConsumerPartitionAssignor.getAssignorInstances`: every class must load, and no two
/// assignors may share a protocol name.
fn check_assignors(text: &str) -> Result<(), KafkaError> {
    let mut seen: Vec<AssignorKind> = Vec::new();
    for name in text.split(',').filter(|name| !name.is_empty()) {
        let kind = AssignorKind::parse(name).ok_or_else(|| {
            KafkaError::new(
                ErrorCode::KafkaException,
                format!("{name} ClassNotFoundException exception occurred"),
            )
        })?;
        if seen.contains(&kind) {
            return Err(KafkaError::new(
                ErrorCode::KafkaException,
                format!(
                    "The assignor name: '{}' is used in more than one assignor: {}, {}",
                    kind.protocol_name(),
                    kind.class_name(),
                    kind.class_name()
                ),
            ));
        }
        seen.push(kind);
    }
    Ok(())
}

fn config_exception(message: String) -> KafkaError {
    KafkaError::new(ErrorCode::ConfigException, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_field_and_its_default_matches_the_typed_default() {
        for key in CONSUMER_KEYS {
            let mut settings = ConsumerSettings::default();
            assert!(settings.slot(key.name).is_some(), "{}", key.name);
            match key.default {
                Some(default) => {
                    settings.set(key.name, default).expect(key.name);
                    settings.explicitly_set.clear();
                    assert_eq!(settings, ConsumerSettings::default(), "{}", key.name);
                }
                None => assert_eq!(settings.get(key.name), None, "{}", key.name),
            }
        }
    }

    #[test]
    fn assignors_accept_class_names_and_refuse_unknown_classes() {
        let mut settings = ConsumerSettings::default();
        settings
            .set(
                "partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.RoundRobinAssignor, StickyAssignor",
            )
            .expect("known classes");
        assert_eq!(
            settings.partition_assignment_strategy,
            vec![AssignorKind::RoundRobin, AssignorKind::Sticky]
        );
        let error = settings
            .set("partition.assignment.strategy", "com.example.Mine")
            .expect_err("unknown");
        assert_eq!(error.code, ErrorCode::KafkaException);
        assert_eq!(
            error.message,
            "com.example.Mine ClassNotFoundException exception occurred"
        );
    }
}
