//! Topics: name rules, topic-level config, and a topic's partitions.
//!
//! Name validation follows `org.apache.kafka.common.internals.Topic` exactly, including its
//! messages: legal characters are `[a-zA-Z0-9._-]`, at most 249 characters counted in UTF-16
//! units as Java's `String.length()` does, and neither `.` nor `..`. Kafka also refuses a new
//! name that collides with an existing one once `.` and `_` are unified (their metric names
//! would clash), which [`colliding_topic`] checks.

use std::collections::BTreeMap;

use crate::error::{ErrorCode, KafkaError};
use crate::ids::TopicPartition;
use crate::log::PartitionLog;

/// `Topic.MAX_NAME_LENGTH`.
pub const MAX_NAME_LENGTH: usize = 249;

/// Checks a topic name as Kafka's `Topic.validate` does; the error is
/// `INVALID_TOPIC_EXCEPTION` with Kafka's message.
pub fn validate_topic_name(name: &str) -> Result<(), KafkaError> {
    match reason_invalid(name) {
        None => Ok(()),
        Some(reason) => Err(KafkaError::new(
            ErrorCode::InvalidTopicException,
            format!("Topic name is invalid: {reason}"),
        )),
    }
}

/// `Topic.detectInvalidTopic`: why the name is invalid, in Kafka's words, if it is.
fn reason_invalid(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the empty string is not allowed".to_string());
    }
    if name == "." {
        return Some("'.' is not allowed".to_string());
    }
    if name == ".." {
        return Some("'..' is not allowed".to_string());
    }
    if name.encode_utf16().count() > MAX_NAME_LENGTH {
        return Some(format!(
            "the length of '{name}' is longer than the max allowed length {MAX_NAME_LENGTH}"
        ));
    }
    if !name.chars().all(is_legal_char) {
        return Some(format!(
            "'{name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    None
}

/// `Topic.containsValidPattern`, one character at a time.
fn is_legal_char(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-')
}

/// `Topic.unifyCollisionChars`: `.` and `_` become the same character in metric names.
fn unify_collision_chars(name: &str) -> String {
    name.replace('.', "_")
}

/// The existing topic a new name collides with once `.` and `_` are unified, if any.
///
/// Kafka's controller answers `Topic '<name>' collides with existing topic: <other>`, naming
/// the first of a hash set; the simulator names the least colliding name so the message is
/// deterministic. Only names containing `.` or `_` can collide (`Topic.hasCollisionChars`).
pub fn colliding_topic<'a>(name: &str, existing: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    if !name.contains(['.', '_']) {
        return None;
    }
    let unified = unify_collision_chars(name);
    existing
        .filter(|other| *other != name && unify_collision_chars(other) == unified)
        .min()
}

/// Topic-level configs the simulator models (Kafka's `TopicConfig` names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicConfig {
    /// `max.message.bytes`: the largest record batch the topic accepts, in bytes.
    pub max_message_bytes: i32,
}

impl TopicConfig {
    /// Validates a `max.message.bytes` override as Kafka's `ConfigDef` does
    /// (`INT`, `atLeast(0)`), with the `ConfigException` message the controller returns as
    /// `INVALID_CONFIG`.
    pub fn with_max_message_bytes(max_message_bytes: i32) -> Result<TopicConfig, KafkaError> {
        if max_message_bytes < 0 {
            return Err(KafkaError::new(
                ErrorCode::InvalidConfig,
                format!(
                    "Invalid value {max_message_bytes} for configuration max.message.bytes: \
                     Value must be at least 0"
                ),
            ));
        }
        Ok(TopicConfig { max_message_bytes })
    }
}

/// A topic: its config and its partitions, indexed by partition id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// Topic-level config.
    pub config: TopicConfig,
    /// The partitions' logs; partition `i` is at index `i`.
    pub partitions: Vec<PartitionLog>,
}

impl Topic {
    /// A new topic named `name` with `partition_count` empty partitions (a non-positive count
    /// gives none; callers validate the count first).
    pub fn new(name: &str, config: TopicConfig, partition_count: i32) -> Topic {
        let partitions = (0..partition_count.max(0))
            .map(|partition| PartitionLog::new(TopicPartition::new(name, partition), 0))
            .collect();
        Topic { config, partitions }
    }

    /// How many partitions the topic has.
    pub fn partition_count(&self) -> i32 {
        i32::try_from(self.partitions.len()).unwrap_or(i32::MAX)
    }

    /// Adds empty partitions of topic `name` until the topic has `total_count` of them.
    pub fn grow_to(&mut self, name: &str, total_count: i32) {
        while self.partition_count() < total_count {
            let partition = self.partition_count();
            self.partitions
                .push(PartitionLog::new(TopicPartition::new(name, partition), 0));
        }
    }

    /// The log of one partition, if the topic has it.
    pub fn partition(&self, partition: i32) -> Option<&PartitionLog> {
        usize::try_from(partition)
            .ok()
            .and_then(|index| self.partitions.get(index))
    }

    /// The log of one partition, mutable, if the topic has it.
    pub fn partition_mut(&mut self, partition: i32) -> Option<&mut PartitionLog> {
        usize::try_from(partition)
            .ok()
            .and_then(|index| self.partitions.get_mut(index))
    }
}

/// All topics by name, iterated in name order.
pub type Topics = BTreeMap<String, Topic>;

#[cfg(test)]
mod tests {
    use super::*;

    fn message_for(name: &str) -> String {
        match validate_topic_name(name) {
            Ok(()) => "valid".to_string(),
            Err(error) => {
                assert_eq!(error.code, ErrorCode::InvalidTopicException);
                error.message
            }
        }
    }

    #[test]
    fn legal_names_pass() {
        for name in [
            "orders",
            "a",
            "Orders.v1_eu-west",
            "__consumer_offsets",
            "0",
        ] {
            assert_eq!(message_for(name), "valid");
        }
        assert_eq!(message_for(&"x".repeat(249)), "valid");
    }

    #[test]
    fn empty_dot_and_dot_dot_are_refused_with_kafka_wording() {
        assert_eq!(
            message_for(""),
            "Topic name is invalid: the empty string is not allowed"
        );
        assert_eq!(
            message_for("."),
            "Topic name is invalid: '.' is not allowed"
        );
        assert_eq!(
            message_for(".."),
            "Topic name is invalid: '..' is not allowed"
        );
        assert_eq!(message_for("..."), "valid");
    }

    #[test]
    fn names_over_249_utf16_units_are_too_long() {
        let name = "x".repeat(250);
        assert_eq!(
            message_for(&name),
            format!(
                "Topic name is invalid: the length of '{name}' is longer than the max allowed length 249"
            )
        );
        // 125 crabs are 250 UTF-16 units (surrogate pairs) but only 125 chars: Java counts units,
        // and the length check comes before the character check.
        let crabs = "🦀".repeat(125);
        assert!(message_for(&crabs).contains("is longer than the max allowed length 249"));
    }

    #[test]
    fn illegal_characters_are_refused_with_kafka_wording() {
        assert_eq!(
            message_for("orders!"),
            "Topic name is invalid: 'orders!' contains one or more characters other than \
             ASCII alphanumerics, '.', '_' and '-'"
        );
        for name in ["with space", "ключ", "a/b", "tab\t"] {
            assert!(message_for(name).contains("contains one or more characters"));
        }
    }

    #[test]
    fn dot_and_underscore_names_collide() {
        let existing = ["a_b", "other"];
        assert_eq!(colliding_topic("a.b", existing.into_iter()), Some("a_b"));
        assert_eq!(colliding_topic("a_b", existing.into_iter()), None);
        assert_eq!(colliding_topic("ab", existing.into_iter()), None);
    }

    #[test]
    fn negative_max_message_bytes_is_invalid_config() {
        let error = TopicConfig::with_max_message_bytes(-1).err();
        assert_eq!(
            error.map(|error| error.to_string()),
            Some(
                "INVALID_CONFIG: Invalid value -1 for configuration max.message.bytes: \
                 Value must be at least 0"
                    .to_string()
            )
        );
        assert!(TopicConfig::with_max_message_bytes(0).is_ok());
    }
}
