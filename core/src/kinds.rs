//! Small enumerations of Kafka settings shared by several parts of the simulation: the values a
//! config can take (`compression.type`, `cleanup.policy`, `acks`, `isolation.level`,
//! `auto.offset.reset`) and the consumer group assignors.
//!
//! Each knows the exact text Kafka uses for it, so configs parse and print as Kafka's do.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::config::duration::JavaDuration;

/// Implements `as_str`, `parse`, `ALL` and `Display` for an enum of Kafka config values.
macro_rules! kafka_values {
    ($type:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $type {
            /// Every value, in Kafka's documented order.
            pub const ALL: &'static [$type] = &[$($type::$variant),+];

            /// The value as Kafka writes it in a config.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($type::$variant => $text,)+
                }
            }

            /// The value Kafka would accept for this text (Kafka lower-cases these names).
            pub fn parse(text: &str) -> Option<$type> {
                let lower = text.trim().to_ascii_lowercase();
                $type::ALL.iter().copied().find(|value| value.as_str() == lower)
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}

/// `compression.type` of a producer, topic or broker. A topic's `producer` keeps whatever codec
/// the producer used.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum CompressionType {
    /// No compression (the producer's default).
    #[default]
    None,
    /// gzip (DEFLATE).
    Gzip,
    /// Snappy.
    Snappy,
    /// LZ4 frames.
    Lz4,
    /// Zstandard.
    Zstd,
}

kafka_values!(CompressionType {
    None => "none",
    Gzip => "gzip",
    Snappy => "snappy",
    Lz4 => "lz4",
    Zstd => "zstd",
});

/// A topic's (or broker's) `compression.type`: `producer` (keep the producer's codec, the
/// default), `uncompressed`, or a codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TopicCompression {
    /// Keep what the producer sent (`producer`, Kafka's default).
    #[default]
    Producer,
    /// Recompress to this codec on the broker.
    Codec(CompressionType),
}

impl TopicCompression {
    /// The config text: `producer`, `uncompressed`, `gzip`, ...
    pub fn as_str(&self) -> &'static str {
        match self {
            TopicCompression::Producer => "producer",
            TopicCompression::Codec(CompressionType::None) => "uncompressed",
            TopicCompression::Codec(codec) => codec.as_str(),
        }
    }

    /// Parses the config text (`BrokerCompressionType`: `none` is not a topic value).
    pub fn parse(text: &str) -> Option<TopicCompression> {
        match text.trim().to_ascii_lowercase().as_str() {
            "producer" => Some(TopicCompression::Producer),
            "uncompressed" => Some(TopicCompression::Codec(CompressionType::None)),
            "none" => None,
            other => CompressionType::parse(other).map(TopicCompression::Codec),
        }
    }
}

impl fmt::Display for TopicCompression {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// `cleanup.policy`: a list of `delete` and `compact` (both may be set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupPolicy {
    /// `delete`: old segments are deleted by `retention.ms` and `retention.bytes`.
    pub delete: bool,
    /// `compact`: the log cleaner keeps the latest record per key.
    pub compact: bool,
}

impl CleanupPolicy {
    /// `delete`, Kafka's default.
    pub const DELETE: CleanupPolicy = CleanupPolicy {
        delete: true,
        compact: false,
    };
    /// `compact`.
    pub const COMPACT: CleanupPolicy = CleanupPolicy {
        delete: false,
        compact: true,
    };

    /// Parses Kafka's list syntax: `delete`, `compact`, `compact,delete`. Since Kafka 4.0 an
    /// empty list is also allowed (KIP-1030): neither deleted nor compacted.
    pub fn parse(text: &str) -> Option<CleanupPolicy> {
        let mut policy = CleanupPolicy {
            delete: false,
            compact: false,
        };
        for item in text
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
        {
            match item.to_ascii_lowercase().as_str() {
                "delete" => policy.delete = true,
                "compact" => policy.compact = true,
                _ => return None,
            }
        }
        Some(policy)
    }
}

impl Default for CleanupPolicy {
    /// Kafka's default, `delete`.
    fn default() -> Self {
        CleanupPolicy::DELETE
    }
}

impl fmt::Display for CleanupPolicy {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match (self.compact, self.delete) {
            (true, true) => "compact,delete",
            (true, false) => "compact",
            (false, true) => "delete",
            (false, false) => "",
        };
        formatter.write_str(text)
    }
}

/// The producer's `acks`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Acks {
    /// `acks=0`: the producer does not wait; the broker sends no response.
    Zero,
    /// `acks=1`: the leader answers once the batch is in its own log.
    One,
    /// `acks=all` (`-1`, the default since Kafka 3.0): the leader answers once every ISR member
    /// has the batch, and refuses if the ISR is smaller than `min.insync.replicas`.
    #[default]
    All,
}

impl Acks {
    /// Every value.
    pub const ALL: &'static [Acks] = &[Acks::Zero, Acks::One, Acks::All];

    /// `0`, `1` or `all`, as Kafka prints the config.
    pub fn as_str(&self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }

    /// The produce request's `acks` field: 0, 1 or -1.
    pub fn required_acks(&self) -> i16 {
        match self {
            Acks::Zero => 0,
            Acks::One => 1,
            Acks::All => -1,
        }
    }

    /// Kafka accepts `all`, `-1`, `0` and `1`.
    pub fn parse(text: &str) -> Option<Acks> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" | "-1" => Some(Acks::All),
            "0" => Some(Acks::Zero),
            "1" => Some(Acks::One),
            _ => None,
        }
    }
}

impl fmt::Display for Acks {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A consumer's `isolation.level`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum IsolationLevel {
    /// Read up to the high watermark, including records of open and aborted transactions.
    #[default]
    ReadUncommitted,
    /// Read up to the last stable offset, skipping records of aborted transactions.
    ReadCommitted,
}

kafka_values!(IsolationLevel {
    ReadUncommitted => "read_uncommitted",
    ReadCommitted => "read_committed",
});

/// A consumer's `auto.offset.reset` (`AutoOffsetResetStrategy`): where to start when there is
/// no committed offset, or it is out of range.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AutoOffsetReset {
    /// The log start offset.
    Earliest,
    /// The log end offset (high watermark): only new records. Kafka's default.
    #[default]
    Latest,
    /// Throw `NoOffsetForPartitionException`.
    None,
    /// `by_duration:<ISO-8601 duration>` (KIP-1106, Kafka 4.0): the first record whose
    /// timestamp is at or after now minus the duration.
    ByDuration {
        /// The duration as written (`PT1H`).
        text: String,
        /// The duration, never negative.
        duration: JavaDuration,
    },
}

impl AutoOffsetReset {
    /// `AutoOffsetResetStrategy.fromString`: the names are lower case only, and the duration
    /// must parse and not be negative. `None` where Kafka throws.
    pub fn parse(text: &str) -> Option<AutoOffsetReset> {
        match text {
            "earliest" => Some(AutoOffsetReset::Earliest),
            "latest" => Some(AutoOffsetReset::Latest),
            "none" => Some(AutoOffsetReset::None),
            _ => {
                let iso = text.strip_prefix("by_duration:")?;
                let duration = JavaDuration::parse(iso).filter(|d| !d.is_negative())?;
                Some(AutoOffsetReset::ByDuration {
                    text: iso.to_string(),
                    duration,
                })
            }
        }
    }
}

impl fmt::Display for AutoOffsetReset {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AutoOffsetReset::Earliest => formatter.write_str("earliest"),
            AutoOffsetReset::Latest => formatter.write_str("latest"),
            AutoOffsetReset::None => formatter.write_str("none"),
            AutoOffsetReset::ByDuration { text, .. } => write!(formatter, "by_duration:{text}"),
        }
    }
}

/// The consumer group assignors of Kafka's Java client (`partition.assignment.strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AssignorKind {
    /// `RangeAssignor`: per topic, consecutive ranges of partitions to members in order.
    Range,
    /// `RoundRobinAssignor`: all partitions dealt round-robin over the sorted members.
    RoundRobin,
    /// `StickyAssignor`: balanced, moving as few partitions as possible (eager protocol).
    Sticky,
    /// `CooperativeStickyAssignor`: sticky, with incremental cooperative rebalancing (KIP-429).
    CooperativeSticky,
}

impl AssignorKind {
    /// Every assignor.
    pub const ALL: &'static [AssignorKind] = &[
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ];

    /// The protocol name sent in JoinGroup (`ConsumerPartitionAssignor.name()`).
    pub fn protocol_name(&self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The class name used in `partition.assignment.strategy`.
    pub fn class_name(&self) -> &'static str {
        match self {
            AssignorKind::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            AssignorKind::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            AssignorKind::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            AssignorKind::CooperativeSticky => {
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            }
        }
    }

    /// Whether the assignor supports the COOPERATIVE rebalance protocol (only
    /// `CooperativeStickyAssignor` among the built-in ones; the others are EAGER).
    pub fn is_cooperative(&self) -> bool {
        matches!(self, AssignorKind::CooperativeSticky)
    }

    /// The assignor named by a class name (full or simple: `RangeAssignor`) or protocol name.
    pub fn parse(text: &str) -> Option<AssignorKind> {
        let text = text.trim();
        AssignorKind::ALL.iter().copied().find(|kind| {
            let class = kind.class_name();
            let simple = class.rsplit('.').next().unwrap_or(class);
            text == class || text == simple || text == kind.protocol_name()
        })
    }
}

impl fmt::Display for AssignorKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.protocol_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_from_kafka_text_and_print_back() {
        assert_eq!(CompressionType::parse("LZ4"), Some(CompressionType::Lz4));
        assert_eq!(CompressionType::parse("brotli"), None);
        assert_eq!(
            TopicCompression::parse("producer"),
            Some(TopicCompression::Producer)
        );
        assert_eq!(TopicCompression::parse("none"), None);
        assert_eq!(
            TopicCompression::parse("uncompressed").map(|c| c.to_string()),
            Some("uncompressed".to_string())
        );
        assert_eq!(Acks::parse("-1"), Some(Acks::All));
        assert_eq!(Acks::All.to_string(), "all");
        assert_eq!(
            IsolationLevel::parse("read_committed"),
            Some(IsolationLevel::ReadCommitted)
        );
        assert_eq!(AutoOffsetReset::default(), AutoOffsetReset::Latest);
    }

    // AutoOffsetResetStrategyTest.testFromString.
    #[test]
    fn auto_offset_reset_parses_as_kafka_does() {
        assert_eq!(AutoOffsetReset::parse("none"), Some(AutoOffsetReset::None));
        let hour = AutoOffsetReset::parse("by_duration:PT1H").expect("valid");
        assert_eq!(hour.to_string(), "by_duration:PT1H");
        for refused in [
            "invalid",
            "by_duration:invalid",
            "by_duration:-PT1H",
            "by_duration:",
            "by_duration",
            "LATEST",
            "EARLIEST",
            "NONE",
            "BY_DURATION:PT1H",
            "",
        ] {
            assert_eq!(AutoOffsetReset::parse(refused), None, "{refused}");
        }
    }

    #[test]
    fn cleanup_policy_is_a_list() {
        let both = CleanupPolicy::parse("compact, delete").expect("valid");
        assert!(both.compact && both.delete);
        assert_eq!(both.to_string(), "compact,delete");
        assert_eq!(CleanupPolicy::parse("delete"), Some(CleanupPolicy::DELETE));
        assert_eq!(CleanupPolicy::parse("shred"), None);
    }

    #[test]
    fn assignors_parse_from_class_simple_and_protocol_names() {
        for kind in AssignorKind::ALL {
            assert_eq!(AssignorKind::parse(kind.class_name()), Some(*kind));
            assert_eq!(AssignorKind::parse(kind.protocol_name()), Some(*kind));
        }
        assert_eq!(
            AssignorKind::parse("CooperativeStickyAssignor"),
            Some(AssignorKind::CooperativeSticky)
        );
        assert!(AssignorKind::CooperativeSticky.is_cooperative());
        assert!(!AssignorKind::Range.is_cooperative());
    }
}
