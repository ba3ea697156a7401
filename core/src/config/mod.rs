//! Kafka's configuration definitions: names, types, defaults, validation and error messages,
//! for the broker, topics, the producer and the consumer.
//!
//! Each config type keeps one static table of [`ConfigKey`]s (Kafka's `ConfigDef.ConfigKey`):
//! the name, the type, the default as Kafka prints it, the validator, the importance, the first
//! sentence of Kafka's documentation and, for broker configs, whether it can be changed at run
//! time. The same table binds each name to a typed field, so `set`, `get`, `keys` and the
//! `kafka-configs --describe` rows cannot drift apart.
//!
//! - [`value`]: the config types, parsing text as Kafka does, validators and their messages.
//! - [`broker`]: [`BrokerConfig`] (`KafkaConfig`), static and dynamic layers.
//! - [`topic`]: [`TopicConfig`] overrides and [`ResolvedTopicConfig`] (`LogConfig`).
//! - [`producer`]: [`ProducerSettings`] (`ProducerConfig`).
//! - [`consumer`]: [`ConsumerSettings`] (`ConsumerConfig`).
//!
//! Target: Kafka 4.x defaults and messages as found in the `apache/kafka` sources (see each
//! module's doc for the classes it mirrors).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::kinds::{
    Acks, AssignorKind, AutoOffsetReset, CleanupPolicy, CompressionType, IsolationLevel,
    TopicCompression,
};

pub mod broker;
pub mod consumer;
pub mod duration;
pub mod producer;
pub mod topic;
pub mod value;

pub use broker::{BrokerConfig, ConfigChange, DynamicScope};
pub use consumer::ConsumerSettings;
pub use producer::ProducerSettings;
pub use topic::{ResolvedTopicConfig, TopicConfig};
pub use value::{ConfigType, Parsed, Validator};

/// `ConfigDef.Importance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Importance {
    /// Likely to need changing.
    High,
    /// Sometimes changed.
    Medium,
    /// Rarely changed.
    Low,
}

impl Importance {
    /// `high`, `medium` or `low`, as Kafka's documentation prints it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Importance::High => "high",
            Importance::Medium => "medium",
            Importance::Low => "low",
        }
    }
}

/// How a broker config can be changed while the broker runs (`DynamicBrokerConfig`), as
/// Kafka's documentation lists it under "Update Mode".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum UpdateMode {
    /// Only in `server.properties`; a dynamic update is refused.
    ReadOnly,
    /// Per broker only (`--entity-name <id>`), not as a cluster-wide default.
    PerBroker,
    /// Per broker or as the cluster-wide default (`--entity-default`).
    ClusterWide,
}

impl UpdateMode {
    /// `read-only`, `per-broker` or `cluster-wide`.
    pub fn as_str(&self) -> &'static str {
        match self {
            UpdateMode::ReadOnly => "read-only",
            UpdateMode::PerBroker => "per-broker",
            UpdateMode::ClusterWide => "cluster-wide",
        }
    }
}

/// One config's definition (`ConfigDef.ConfigKey`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConfigKey {
    /// Kafka's name, e.g. `retention.ms`.
    pub name: &'static str,
    /// How the text is parsed.
    pub config_type: ConfigType,
    /// The default as `ConfigDef.convertToString` prints it; `None` is Kafka's `null`.
    pub default: Option<&'static str>,
    /// The validator applied after parsing.
    pub validator: Validator,
    /// `HIGH`, `MEDIUM` or `LOW`.
    pub importance: Importance,
    /// The first sentence of Kafka's documentation string.
    pub documentation: &'static str,
    /// For broker configs, whether and how it can be updated dynamically; `None` otherwise.
    pub update_mode: Option<UpdateMode>,
}

impl ConfigKey {
    /// A key without a name yet; the tables add the name with [`ConfigKey::named`].
    pub(crate) const fn def(
        config_type: ConfigType,
        default: Option<&'static str>,
        validator: Validator,
        importance: Importance,
        documentation: &'static str,
    ) -> ConfigKey {
        ConfigKey {
            name: "",
            config_type,
            default,
            validator,
            importance,
            documentation,
            update_mode: None,
        }
    }

    /// The same key with its name.
    pub(crate) const fn named(self, name: &'static str) -> ConfigKey {
        ConfigKey { name, ..self }
    }

    /// The same key with a broker update mode.
    pub(crate) const fn mode(self, update_mode: UpdateMode) -> ConfigKey {
        ConfigKey {
            update_mode: Some(update_mode),
            ..self
        }
    }

    /// "Valid Values" as Kafka's documentation shows it (the validator's `toString`).
    pub fn valid_values(&self) -> String {
        self.validator.describe()
    }

    /// "Default" as Kafka's documentation shows it: `null`, `""` for an empty text.
    pub fn default_for_docs(&self) -> String {
        match self.default {
            None => "null".to_string(),
            Some("") => "\"\"".to_string(),
            Some(text) => text.to_string(),
        }
    }

    /// Parses and validates text for this key; the error is Kafka's `ConfigException` message.
    pub fn parse(&self, raw: &str) -> Result<Parsed, String> {
        value::parse_and_validate(self.name, self.config_type, &self.validator, raw)
    }

    /// Whether the value is hidden (`PASSWORD`).
    pub fn is_sensitive(&self) -> bool {
        self.config_type == ConfigType::Password
    }
}

/// Finds a key by name in a table.
pub(crate) fn find_key(keys: &'static [ConfigKey], name: &str) -> Option<&'static ConfigKey> {
    keys.iter().find(|key| key.name == name)
}

/// Where a described value comes from (`ConfigEntry.ConfigSource` of the Admin client).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConfigSource {
    /// A topic override (`kafka-configs --entity-type topics --alter`).
    DynamicTopicConfig,
    /// A dynamic config of this broker.
    DynamicBrokerConfig,
    /// A dynamic cluster-wide default for all brokers.
    DynamicDefaultBrokerConfig,
    /// From the broker's `server.properties`.
    StaticBrokerConfig,
    /// Kafka's built-in default.
    DefaultConfig,
    /// A broker logger level (not modelled).
    DynamicBrokerLoggerConfig,
    /// Unknown.
    Unknown,
}

impl ConfigSource {
    /// The enum name as `kafka-configs` prints it.
    pub fn as_str(&self) -> &'static str {
        match self {
            ConfigSource::DynamicTopicConfig => "DYNAMIC_TOPIC_CONFIG",
            ConfigSource::DynamicBrokerConfig => "DYNAMIC_BROKER_CONFIG",
            ConfigSource::DynamicDefaultBrokerConfig => "DYNAMIC_DEFAULT_BROKER_CONFIG",
            ConfigSource::StaticBrokerConfig => "STATIC_BROKER_CONFIG",
            ConfigSource::DefaultConfig => "DEFAULT_CONFIG",
            ConfigSource::DynamicBrokerLoggerConfig => "DYNAMIC_BROKER_LOGGER_CONFIG",
            ConfigSource::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One synonym of a described config (`ConfigEntry.ConfigSynonym`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigSynonym {
    /// The config name at that source, e.g. `log.retention.hours`.
    pub name: String,
    /// Its value there; `None` prints as `null`.
    pub value: Option<String>,
    /// Where it is set.
    pub source: ConfigSource,
}

/// One row of `kafka-configs --describe` (`ConfigEntry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribeRow {
    /// The config name.
    pub name: String,
    /// The effective value; `None` prints as `null`.
    pub value: Option<String>,
    /// Where the effective value comes from.
    pub source: ConfigSource,
    /// Whether the value is hidden.
    pub sensitive: bool,
    /// Whether it cannot be changed dynamically.
    pub read_only: bool,
    /// Every place the value is set, highest precedence first.
    pub synonyms: Vec<ConfigSynonym>,
}

impl DescribeRow {
    /// The line `kafka-configs --describe` prints:
    /// `  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000}`.
    pub fn line(&self) -> String {
        let synonyms: Vec<String> = self
            .synonyms
            .iter()
            .map(|synonym| {
                format!(
                    "{}:{}={}",
                    synonym.source,
                    synonym.name,
                    synonym.value.as_deref().unwrap_or("null")
                )
            })
            .collect();
        format!(
            "  {}={} sensitive={} synonyms={{{}}}",
            self.name,
            self.value.as_deref().unwrap_or("null"),
            self.sensitive,
            synonyms.join(", ")
        )
    }
}

/// What `kafka-configs --describe` was asked about, for its header line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DescribeEntity {
    /// `--entity-type topics --entity-name <topic>`.
    Topic(String),
    /// `--entity-type brokers --entity-name <id>`.
    Broker(i32),
    /// `--entity-type brokers --entity-default`.
    BrokerDefault,
}

impl DescribeEntity {
    /// `All configs for topic orders are:`, `Dynamic configs for broker 1 are:` or
    /// `Default configs for brokers in the cluster are:` (`ConfigCommand.describeResourceConfig`).
    pub fn header(&self, all: bool) -> String {
        let which = if all { "All" } else { "Dynamic" };
        match self {
            DescribeEntity::Topic(topic) => format!("{which} configs for topic {topic} are:"),
            DescribeEntity::Broker(id) => format!("{which} configs for broker {id} are:"),
            DescribeEntity::BrokerDefault => {
                "Default configs for brokers in the cluster are:".to_string()
            }
        }
    }

    /// The source of the rows `--describe` without `--all` keeps.
    pub fn dynamic_source(&self) -> ConfigSource {
        match self {
            DescribeEntity::Topic(_) => ConfigSource::DynamicTopicConfig,
            DescribeEntity::Broker(_) => ConfigSource::DynamicBrokerConfig,
            DescribeEntity::BrokerDefault => ConfigSource::DynamicDefaultBrokerConfig,
        }
    }

    /// The whole output: the header, then the rows sorted by name; without `all`, only the
    /// rows set dynamically for this entity.
    pub fn render(&self, rows: &[DescribeRow], all: bool) -> Vec<String> {
        let mut kept: Vec<&DescribeRow> = rows
            .iter()
            .filter(|row| all || row.source == self.dynamic_source())
            .collect();
        crate::sort::sort_by(&mut kept, |a, b| a.name.cmp(&b.name));
        std::iter::once(self.header(all))
            .chain(kept.into_iter().map(DescribeRow::line))
            .collect()
    }
}

/// `message.timestamp.type`: which timestamp a record batch keeps.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum MessageTimestampType {
    /// The producer's timestamp (the default).
    #[default]
    CreateTime,
    /// The broker overwrites it with the time it appends the batch.
    LogAppendTime,
}

impl MessageTimestampType {
    /// `CreateTime` or `LogAppendTime`.
    pub fn as_str(&self) -> &'static str {
        match self {
            MessageTimestampType::CreateTime => "CreateTime",
            MessageTimestampType::LogAppendTime => "LogAppendTime",
        }
    }

    /// The exact text Kafka accepts (case-sensitive).
    pub fn parse(text: &str) -> Option<MessageTimestampType> {
        match text {
            "CreateTime" => Some(MessageTimestampType::CreateTime),
            "LogAppendTime" => Some(MessageTimestampType::LogAppendTime),
            _ => None,
        }
    }
}

/// The broker's name for a codec: `uncompressed` for none (`BrokerCompressionType`).
pub(crate) fn broker_compression_text(compression: &TopicCompression) -> &'static str {
    match compression {
        TopicCompression::Codec(CompressionType::None) => "uncompressed",
        other => other.as_str(),
    }
}

fn parse_broker_compression(text: &str) -> Option<TopicCompression> {
    match text {
        "uncompressed" => Some(TopicCompression::Codec(CompressionType::None)),
        "none" => None,
        other => TopicCompression::parse(other),
    }
}

/// A read-only view of one typed field, found by config name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Slot<'a> {
    Bool(&'a bool),
    Int(&'a i32),
    Short(&'a i16),
    Long(&'a i64),
    Double(&'a f64),
    Text(&'a String),
    OptText(&'a Option<String>),
    OptInt(&'a Option<i32>),
    OptLong(&'a Option<i64>),
    List(&'a Vec<String>),
    OptList(&'a Option<Vec<String>>),
    Acks(&'a Acks),
    Codec(&'a CompressionType),
    BrokerCodec(&'a TopicCompression),
    Cleanup(&'a CleanupPolicy),
    Isolation(&'a IsolationLevel),
    OffsetReset(&'a AutoOffsetReset),
    Assignors(&'a Vec<AssignorKind>),
    Timestamp(&'a MessageTimestampType),
}

impl Slot<'_> {
    /// The value as Kafka prints it; `None` for Kafka's `null`.
    pub(crate) fn render(&self) -> Option<String> {
        let text = match self {
            Slot::Bool(value) => value.to_string(),
            Slot::Int(value) => value.to_string(),
            Slot::Short(value) => value.to_string(),
            Slot::Long(value) => value.to_string(),
            Slot::Double(value) => value::java_double_to_string(**value),
            Slot::Text(value) => (*value).clone(),
            Slot::OptText(value) => return (*value).clone(),
            Slot::OptInt(value) => return value.map(|value| value.to_string()),
            Slot::OptLong(value) => return value.map(|value| value.to_string()),
            Slot::List(values) => values.join(","),
            Slot::OptList(values) => return values.as_ref().map(|values| values.join(",")),
            // `ProducerConfig` stores `acks` as `parseAcks` leaves it: `all` becomes `-1`.
            Slot::Acks(acks) => acks.required_acks().to_string(),
            Slot::Codec(codec) => codec.as_str().to_string(),
            Slot::BrokerCodec(compression) => broker_compression_text(compression).to_string(),
            Slot::Cleanup(policy) => policy.to_string(),
            Slot::Isolation(level) => level.as_str().to_string(),
            Slot::OffsetReset(reset) => reset.to_string(),
            Slot::Assignors(kinds) => {
                let names: Vec<&str> = kinds.iter().map(AssignorKind::class_name).collect();
                names.join(",")
            }
            Slot::Timestamp(kind) => kind.as_str().to_string(),
        };
        Some(text)
    }
}

/// A writable view of one typed field, found by config name.
#[derive(Debug)]
pub(crate) enum SlotMut<'a> {
    Bool(&'a mut bool),
    Int(&'a mut i32),
    Short(&'a mut i16),
    Long(&'a mut i64),
    Double(&'a mut f64),
    Text(&'a mut String),
    OptText(&'a mut Option<String>),
    OptInt(&'a mut Option<i32>),
    OptLong(&'a mut Option<i64>),
    List(&'a mut Vec<String>),
    OptList(&'a mut Option<Vec<String>>),
    Acks(&'a mut Acks),
    Codec(&'a mut CompressionType),
    BrokerCodec(&'a mut TopicCompression),
    Cleanup(&'a mut CleanupPolicy),
    Isolation(&'a mut IsolationLevel),
    OffsetReset(&'a mut AutoOffsetReset),
    Assignors(&'a mut Vec<AssignorKind>),
    Timestamp(&'a mut MessageTimestampType),
}

impl SlotMut<'_> {
    /// Stores a parsed value; `Err` names what the typed field could not take (a value Kafka
    /// accepts but the simulator does not model, or a table inconsistency).
    pub(crate) fn assign(self, parsed: Parsed) -> Result<(), String> {
        match (self, parsed) {
            (SlotMut::Bool(field), Parsed::Bool(value)) => *field = value,
            (SlotMut::Int(field), Parsed::Int(value)) => *field = value,
            (SlotMut::Short(field), Parsed::Short(value)) => *field = value,
            (SlotMut::Long(field), Parsed::Long(value)) => *field = value,
            (SlotMut::Double(field), Parsed::Double(value)) => *field = value,
            (SlotMut::Text(field), Parsed::Text(value)) => *field = value,
            (SlotMut::OptText(field), Parsed::Text(value)) => *field = Some(value),
            (SlotMut::OptInt(field), Parsed::Int(value)) => *field = Some(value),
            (SlotMut::OptLong(field), Parsed::Long(value)) => *field = Some(value),
            (SlotMut::List(field), Parsed::List(values)) => *field = values,
            (SlotMut::OptList(field), Parsed::List(values)) => *field = Some(values),
            (slot, parsed) => return slot.assign_domain(parsed),
        }
        Ok(())
    }

    /// Resets an optional field to Kafka's `null`; other fields keep their value.
    pub(crate) fn clear(self) {
        match self {
            SlotMut::OptText(field) => *field = None,
            SlotMut::OptInt(field) => *field = None,
            SlotMut::OptLong(field) => *field = None,
            SlotMut::OptList(field) => *field = None,
            _ => {}
        }
    }

    /// The fields whose type is one of the shared Kafka enums of [`crate::kinds`].
    fn assign_domain(self, parsed: Parsed) -> Result<(), String> {
        let text = parsed.to_kafka_string();
        let unmodelled = || format!("the value {text} is not modelled by the simulator");
        match self {
            SlotMut::Acks(field) => *field = Acks::parse(&text).ok_or_else(unmodelled)?,
            SlotMut::Codec(field) => {
                *field = CompressionType::parse(&text).ok_or_else(unmodelled)?
            }
            SlotMut::BrokerCodec(field) => {
                *field = parse_broker_compression(&text).ok_or_else(unmodelled)?
            }
            SlotMut::Cleanup(field) => {
                *field = CleanupPolicy::parse(&text).ok_or_else(unmodelled)?
            }
            SlotMut::Isolation(field) => {
                *field = IsolationLevel::parse(&text).ok_or_else(unmodelled)?
            }
            SlotMut::OffsetReset(field) => {
                *field = AutoOffsetReset::parse(&text).ok_or_else(unmodelled)?
            }
            SlotMut::Assignors(field) => {
                *field = parse_assignors(&parsed).ok_or_else(unmodelled)?
            }
            SlotMut::Timestamp(field) => {
                *field = MessageTimestampType::parse(&text).ok_or_else(unmodelled)?
            }
            _ => return Err(unmodelled()),
        }
        Ok(())
    }
}

fn parse_assignors(parsed: &Parsed) -> Option<Vec<AssignorKind>> {
    match parsed {
        Parsed::List(names) => names.iter().map(|name| AssignorKind::parse(name)).collect(),
        _ => None,
    }
}

/// Declares a config table: the static `ConfigKey`s and, on the owning type, the slot lookups
/// that bind each name to its typed field.
macro_rules! config_table {
    ($owner:ty, $keys:ident, [$($name:literal => $field:ident : $slot:ident = $def:expr;)*]) => {
        /// Every config of this type, in the order of Kafka's documentation.
        pub(crate) static $keys: &[$crate::config::ConfigKey] = &[$($def.named($name)),*];

        impl $owner {
            #[allow(dead_code)]
            pub(crate) fn slot(&self, name: &str) -> Option<$crate::config::Slot<'_>> {
                match name {
                    $($name => Some($crate::config::Slot::$slot(&self.$field)),)*
                    _ => None,
                }
            }

            pub(crate) fn slot_mut(&mut self, name: &str) -> Option<$crate::config::SlotMut<'_>> {
                match name {
                    $($name => Some($crate::config::SlotMut::$slot(&mut self.$field)),)*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use config_table;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_rows_print_as_kafka_configs_prints_them() {
        let row = DescribeRow {
            name: "retention.ms".into(),
            value: Some("1000".into()),
            source: ConfigSource::DynamicTopicConfig,
            sensitive: false,
            read_only: false,
            synonyms: vec![
                ConfigSynonym {
                    name: "retention.ms".into(),
                    value: Some("1000".into()),
                    source: ConfigSource::DynamicTopicConfig,
                },
                ConfigSynonym {
                    name: "log.retention.ms".into(),
                    value: None,
                    source: ConfigSource::StaticBrokerConfig,
                },
            ],
        };
        assert_eq!(
            row.line(),
            "  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, STATIC_BROKER_CONFIG:log.retention.ms=null}"
        );
    }

    #[test]
    fn describe_headers_follow_config_command() {
        assert_eq!(
            DescribeEntity::Topic("orders".into()).header(true),
            "All configs for topic orders are:"
        );
        assert_eq!(
            DescribeEntity::Broker(1).header(false),
            "Dynamic configs for broker 1 are:"
        );
        assert_eq!(
            DescribeEntity::BrokerDefault.header(false),
            "Default configs for brokers in the cluster are:"
        );
    }

    #[test]
    fn brokers_call_no_compression_uncompressed() {
        let none = TopicCompression::Codec(CompressionType::None);
        assert_eq!(broker_compression_text(&none), "uncompressed");
        assert_eq!(parse_broker_compression("uncompressed"), Some(none));
        assert_eq!(parse_broker_compression("none"), None);
    }
}
