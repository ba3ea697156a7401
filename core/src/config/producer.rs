//! Producer configs, mirroring `org.apache.kafka.clients.producer.ProducerConfig` (names,
//! types, defaults, validators, and `postProcessAndValidateIdempotenceConfigs`) and the checks
//! `KafkaProducer`'s constructor adds (`configureDeliveryTimeout`).
//!
//! Kafka distinguishes a config the user set from one left at its default: idempotence is on
//! by default, and when `acks` or `retries` conflict with it Kafka silently turns it off,
//! unless `enable.idempotence=true` was set explicitly, in which case the producer refuses to
//! start. [`ProducerSettings::set`] records every name it sets in `explicitly_set` for that.
//!
//! Errors are client-side `ConfigException`s (no protocol code). Names Kafka's producer does
//! not define are accepted and kept in `other`, as Kafka only logs them as unused.

use crate::vec_map::{VecMap, VecSet};

use serde::{Deserialize, Serialize};

use super::{config_table, find_key, ConfigKey, Importance as I, Validator as V};
use crate::config::ConfigType as T;
use crate::error::{ErrorCode, KafkaError};
use crate::kinds::{Acks, CompressionType};

/// `max.in.flight.requests.per.connection` allowed with idempotence
/// (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`).
pub const MAX_IN_FLIGHT_REQUESTS_FOR_IDEMPOTENCE: i32 = 5;

const SERIALIZERS: &[&str] = &[
    "org.apache.kafka.common.serialization.StringSerializer",
    "org.apache.kafka.common.serialization.ByteArraySerializer",
    "org.apache.kafka.common.serialization.ByteBufferSerializer",
    "org.apache.kafka.common.serialization.BytesSerializer",
    "org.apache.kafka.common.serialization.IntegerSerializer",
    "org.apache.kafka.common.serialization.LongSerializer",
    "org.apache.kafka.common.serialization.ShortSerializer",
    "org.apache.kafka.common.serialization.DoubleSerializer",
    "org.apache.kafka.common.serialization.FloatSerializer",
    "org.apache.kafka.common.serialization.UUIDSerializer",
    "org.apache.kafka.common.serialization.BooleanSerializer",
    "org.apache.kafka.common.serialization.VoidSerializer",
];

/// The one `partitioner.class` of Kafka 4.x.
pub const ROUND_ROBIN_PARTITIONER: &str = "org.apache.kafka.clients.producer.RoundRobinPartitioner";
/// Kafka 2.4 to 3.x's default partitioner: keys hashed, null keys sticky per batch (KIP-480).
/// Removed in Kafka 4.0; the playground keeps it to show what KIP-794 replaced.
pub const DEFAULT_PARTITIONER: &str =
    "org.apache.kafka.clients.producer.internals.DefaultPartitioner";
/// Kafka 2.4 to 3.x's `UniformStickyPartitioner`: every record sticky per batch, keys ignored.
/// Removed in Kafka 4.0, kept like [`DEFAULT_PARTITIONER`].
pub const UNIFORM_STICKY_PARTITIONER: &str =
    "org.apache.kafka.clients.producer.UniformStickyPartitioner";
/// The `partitioner.class` values the playground takes.
const PARTITIONERS: &[&str] = &[
    ROUND_ROBIN_PARTITIONER,
    DEFAULT_PARTITIONER,
    UNIFORM_STICKY_PARTITIONER,
];

/// A producer's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerSettings {
    /// `acks`.
    pub acks: Acks,
    /// `enable.idempotence`.
    pub enable_idempotence: bool,
    /// `retries`.
    pub retries: i32,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: i64,
    /// `retry.backoff.max.ms`.
    pub retry_backoff_max_ms: i64,
    /// `delivery.timeout.ms`.
    pub delivery_timeout_ms: i32,
    /// `request.timeout.ms`.
    pub request_timeout_ms: i32,
    /// `linger.ms` (5 since Kafka 4.0, KIP-1030).
    pub linger_ms: i64,
    /// `batch.size`.
    pub batch_size: i32,
    /// `buffer.memory`.
    pub buffer_memory: i64,
    /// `max.block.ms`.
    pub max_block_ms: i64,
    /// `compression.type`.
    pub compression_type: CompressionType,
    /// `compression.gzip.level`.
    pub compression_gzip_level: i32,
    /// `compression.lz4.level`.
    pub compression_lz4_level: i32,
    /// `compression.zstd.level`.
    pub compression_zstd_level: i32,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight_requests_per_connection: i32,
    /// `max.request.size`.
    pub max_request_size: i32,
    /// `partitioner.class`; `None` is Kafka's built-in partitioner.
    pub partitioner_class: Option<String>,
    /// `partitioner.ignore.keys`.
    pub partitioner_ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`.
    pub partitioner_adaptive_partitioning_enable: bool,
    /// `partitioner.availability.timeout.ms`.
    pub partitioner_availability_timeout_ms: i64,
    /// `transactional.id`.
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`.
    pub transaction_timeout_ms: i32,
    /// `client.id`.
    pub client_id: String,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: i64,
    /// `key.serializer` (a class name; the simulator serializes text itself).
    pub key_serializer: Option<String>,
    /// `value.serializer` (a class name; the simulator serializes text itself).
    pub value_serializer: Option<String>,
    /// The names set through [`ProducerSettings::set`] (Kafka's `originals()`).
    pub explicitly_set: VecSet<String>,
    /// Configs the simulator does not model, kept as given.
    pub other: VecMap<String, String>,
}

config_table!(ProducerSettings, PRODUCER_KEYS, [
    "acks" => acks: Acks = ConfigKey::def(T::String, Some("all"), V::OneOf(&["all", "-1", "0", "1"]), I::Low,
        "The number of acknowledgments the producer requires the leader to have received before considering a request complete.");
    "batch.size" => batch_size: Int = ConfigKey::def(T::Int, Some("16384"), V::AtLeast(0), I::Medium,
        "The producer will attempt to batch records together into fewer requests whenever multiple records are being sent to the same partition.");
    "buffer.memory" => buffer_memory: Long = ConfigKey::def(T::Long, Some("33554432"), V::AtLeast(0), I::High,
        "The total bytes of memory the producer can use to buffer records waiting to be sent to the server.");
    "client.id" => client_id: Text = ConfigKey::def(T::String, Some(""), V::None, I::Medium,
        "An id string to pass to the server when making requests.");
    "compression.gzip.level" => compression_gzip_level: Int = ConfigKey::def(T::Int, Some("-1"), V::GzipLevel, I::Medium,
        "The compression level to use if compression.type is set to gzip.");
    "compression.lz4.level" => compression_lz4_level: Int = ConfigKey::def(T::Int, Some("9"), V::Between(1, 17), I::Medium,
        "The compression level to use if compression.type is set to lz4.");
    "compression.type" => compression_type: Codec = ConfigKey::def(T::String, Some("none"), V::OneOf(&["none", "gzip", "snappy", "lz4", "zstd"]), I::High,
        "The compression type for all data generated by the producer.");
    "compression.zstd.level" => compression_zstd_level: Int = ConfigKey::def(T::Int, Some("3"), V::Between(-131072, 22), I::Medium,
        "The compression level to use if compression.type is set to zstd.");
    "delivery.timeout.ms" => delivery_timeout_ms: Int = ConfigKey::def(T::Int, Some("120000"), V::AtLeast(0), I::Medium,
        "An upper bound on the time to report success or failure after a call to send() returns.");
    "enable.idempotence" => enable_idempotence: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::Low,
        "When set to 'true', the producer will ensure that exactly one copy of each message is written in the stream.");
    "key.serializer" => key_serializer: OptText = ConfigKey::def(T::Class, None, V::KnownClasses(SERIALIZERS), I::High,
        "Serializer class for key that implements the org.apache.kafka.common.serialization.Serializer interface.");
    "linger.ms" => linger_ms: Long = ConfigKey::def(T::Long, Some("5"), V::AtLeast(0), I::Medium,
        "The producer groups together any records that arrive in between request transmissions into a single batched request.");
    "max.block.ms" => max_block_ms: Long = ConfigKey::def(T::Long, Some("60000"), V::AtLeast(0), I::Medium,
        "The configuration controls how long the KafkaProducer's send(), partitionsFor(), initTransactions(), sendOffsetsToTransaction(), commitTransaction() and abortTransaction() methods will block.");
    "max.in.flight.requests.per.connection" => max_in_flight_requests_per_connection: Int = ConfigKey::def(T::Int, Some("5"), V::AtLeast(1), I::Low,
        "The maximum number of unacknowledged requests the client will send on a single connection before blocking.");
    "max.request.size" => max_request_size: Int = ConfigKey::def(T::Int, Some("1048576"), V::AtLeast(0), I::Medium,
        "The maximum size of a request in bytes.");
    "metadata.max.age.ms" => metadata_max_age_ms: Long = ConfigKey::def(T::Long, Some("300000"), V::AtLeast(0), I::Low,
        "The period of time in milliseconds after which we force a refresh of metadata even if we haven't seen any partition leadership changes to proactively discover any new brokers or partitions.");
    "partitioner.adaptive.partitioning.enable" => partitioner_adaptive_partitioning_enable: Bool = ConfigKey::def(T::Boolean, Some("true"), V::None, I::Low,
        "When set to 'true', the producer will try to adapt to broker performance and produce more messages to partitions hosted on faster brokers.");
    "partitioner.availability.timeout.ms" => partitioner_availability_timeout_ms: Long = ConfigKey::def(T::Long, Some("0"), V::AtLeast(0), I::Low,
        "If a broker cannot process produce requests from a partition for partitioner.availability.timeout.ms time, the partitioner treats that partition as not available.");
    "partitioner.class" => partitioner_class: OptText = ConfigKey::def(T::Class, None, V::KnownClasses(PARTITIONERS), I::Medium,
        "Determines which partition to send a record to when records are produced.");
    "partitioner.ignore.keys" => partitioner_ignore_keys: Bool = ConfigKey::def(T::Boolean, Some("false"), V::None, I::Medium,
        "When set to 'true' the producer won't use record keys to choose a partition.");
    "request.timeout.ms" => request_timeout_ms: Int = ConfigKey::def(T::Int, Some("30000"), V::AtLeast(0), I::Medium,
        "The configuration controls the maximum amount of time the client will wait for the response of a request.");
    "retries" => retries: Int = ConfigKey::def(T::Int, Some("2147483647"), V::Between(0, 2_147_483_647), I::High,
        "Number of times to retry a request that fails with a transient error.");
    "retry.backoff.max.ms" => retry_backoff_max_ms: Long = ConfigKey::def(T::Long, Some("1000"), V::AtLeast(0), I::Low,
        "The maximum amount of time in milliseconds to wait when retrying a request to the broker that has repeatedly failed.");
    "retry.backoff.ms" => retry_backoff_ms: Long = ConfigKey::def(T::Long, Some("100"), V::AtLeast(0), I::Low,
        "The amount of time to wait before attempting to retry a failed request to a given topic partition.");
    "transaction.timeout.ms" => transaction_timeout_ms: Int = ConfigKey::def(T::Int, Some("60000"), V::None, I::Low,
        "The maximum amount of time in milliseconds that a transaction will remain open before the coordinator proactively aborts it.");
    "transactional.id" => transactional_id: OptText = ConfigKey::def(T::String, None, V::NonEmptyString, I::Low,
        "The TransactionalId to use for transactional delivery.");
    "value.serializer" => value_serializer: OptText = ConfigKey::def(T::Class, None, V::KnownClasses(SERIALIZERS), I::High,
        "Serializer class for value that implements the org.apache.kafka.common.serialization.Serializer interface.");
]);

impl Default for ProducerSettings {
    /// Kafka 4.x's defaults (`ProducerConfig`, `CommonClientConfigs`).
    fn default() -> Self {
        ProducerSettings {
            acks: Acks::All,
            enable_idempotence: true,
            retries: i32::MAX,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1000,
            delivery_timeout_ms: 120_000,
            request_timeout_ms: 30_000,
            linger_ms: 5,
            batch_size: 16_384,
            buffer_memory: 33_554_432,
            max_block_ms: 60_000,
            compression_type: CompressionType::None,
            compression_gzip_level: -1,
            compression_lz4_level: 9,
            compression_zstd_level: 3,
            max_in_flight_requests_per_connection: 5,
            max_request_size: 1_048_576,
            partitioner_class: None,
            partitioner_ignore_keys: false,
            partitioner_adaptive_partitioning_enable: true,
            partitioner_availability_timeout_ms: 0,
            transactional_id: None,
            transaction_timeout_ms: 60_000,
            client_id: String::new(),
            metadata_max_age_ms: 300_000,
            key_serializer: None,
            value_serializer: None,
            explicitly_set: VecSet::new(),
            other: VecMap::new(),
        }
    }
}

impl ProducerSettings {
    /// Every producer config the simulator models.
    pub fn keys() -> &'static [ConfigKey] {
        PRODUCER_KEYS
    }

    /// The key of a producer config.
    pub fn key(name: &str) -> Option<&'static ConfigKey> {
        find_key(PRODUCER_KEYS, name)
    }

    /// Sets a config from text (`--producer-property name=value`), checking it as `ConfigDef`
    /// does. A refused value leaves the settings unchanged.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), KafkaError> {
        let Some(key) = ProducerSettings::key(name) else {
            self.other.insert(name.to_string(), value.to_string());
            return Ok(());
        };
        let parsed = key.parse(value).map_err(config_exception)?;
        let slot = self
            .slot_mut(name)
            .ok_or_else(|| config_exception(format!("{name} is not modelled")))?;
        slot.assign(parsed).map_err(config_exception)?;
        self.explicitly_set.insert(name.to_string());
        Ok(())
    }

    /// The value as Kafka prints it; `None` for `null` (`acks=all` prints `-1`, as
    /// `ProducerConfig` stores it).
    pub fn get(&self, name: &str) -> Option<String> {
        match self.slot(name) {
            Some(slot) => slot.render(),
            None => self.other.get(name).cloned(),
        }
    }

    fn user_set(&self, name: &str) -> bool {
        self.explicitly_set.contains(name)
    }

    /// What a `KafkaProducer` built from these settings would run with, or the
    /// `ConfigException` it would throw: `ProducerConfig.postProcessAndValidateIdempotenceConfigs`
    /// then `KafkaProducer.configureDeliveryTimeout`.
    pub fn validate(&self) -> Result<ProducerSettings, KafkaError> {
        let mut settings = self.clone();
        settings.post_process_idempotence()?;
        settings.configure_delivery_timeout()?;
        Ok(settings)
    }

    fn post_process_idempotence(&mut self) -> Result<(), KafkaError> {
        let explicit = self.user_set("enable.idempotence");
        let mut disable = false;
        if self.enable_idempotence {
            if self.retries == 0 {
                if explicit {
                    return Err(config_exception(
                        "Must set retries to non-zero when using the idempotent producer.".into(),
                    ));
                }
                disable = true;
            }
            if self.acks != Acks::All {
                if explicit {
                    return Err(config_exception(
                        "Must set acks to all in order to use the idempotent producer. \
                         Otherwise we cannot guarantee idempotence."
                            .into(),
                    ));
                }
                disable = true;
            }
            let in_flight = self.max_in_flight_requests_per_connection;
            if in_flight > MAX_IN_FLIGHT_REQUESTS_FOR_IDEMPOTENCE {
                return Err(config_exception(format!(
                    "To use the idempotent producer, max.in.flight.requests.per.connection must \
                     be set to at most 5. Current value is {in_flight}."
                )));
            }
        }
        if disable {
            self.enable_idempotence = false;
        }
        if !self.enable_idempotence && self.transactional_id.is_some() {
            return Err(config_exception(
                "Cannot set a transactional.id without also enabling idempotence.".into(),
            ));
        }
        Ok(())
    }

    /// An explicit `delivery.timeout.ms` below `linger.ms + request.timeout.ms` is refused; the
    /// default is raised to it instead.
    fn configure_delivery_timeout(&mut self) -> Result<(), KafkaError> {
        let linger_ms = self.linger_ms.min(i64::from(i32::MAX));
        let minimum = (linger_ms + i64::from(self.request_timeout_ms)).min(i64::from(i32::MAX));
        if i64::from(self.delivery_timeout_ms) < minimum {
            if self.user_set("delivery.timeout.ms") {
                return Err(config_exception(
                    "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
                        .into(),
                ));
            }
            self.delivery_timeout_ms = i32::try_from(minimum).unwrap_or(i32::MAX);
        }
        Ok(())
    }
}

fn config_exception(message: String) -> KafkaError {
    KafkaError::new(ErrorCode::ConfigException, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_field_and_its_default_matches_the_typed_default() {
        for key in PRODUCER_KEYS {
            let mut settings = ProducerSettings::default();
            assert!(settings.slot(key.name).is_some(), "{}", key.name);
            match key.default {
                Some(default) => {
                    settings.set(key.name, default).expect(key.name);
                    settings.explicitly_set.clear();
                    assert_eq!(settings, ProducerSettings::default(), "{}", key.name);
                }
                None => assert_eq!(settings.get(key.name), None, "{}", key.name),
            }
        }
    }

    #[test]
    fn acks_all_prints_as_minus_one_like_producer_config() {
        assert_eq!(
            ProducerSettings::default().get("acks").as_deref(),
            Some("-1")
        );
    }

    #[test]
    fn unknown_names_are_kept_like_kafka_keeps_unused_configs() {
        let mut settings = ProducerSettings::default();
        settings.set("send.buffer.bytes", "65536").expect("kept");
        assert_eq!(settings.get("send.buffer.bytes").as_deref(), Some("65536"));
    }
}
