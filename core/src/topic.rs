//! Topic names: Kafka's rules for what a topic may be called, and maps kept by topic name.
//!
//! Name validation follows `org.apache.kafka.common.internals.Topic` exactly, including its
//! messages: legal characters are `[a-zA-Z0-9._-]`, at most 249 characters counted in UTF-16
//! units as Java's `String.length()` does, and neither `.` nor `..`. Kafka also refuses a new
//! name that collides with an existing one once `.` and `_` are unified (their metric names
//! would clash), which [`colliding_topic`] checks.

use crate::vec_map::VecMap;

use crate::error::{ErrorCode, KafkaError};

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

/// The value kept for `topic` in a map by topic name, made on first use: the name is copied
/// into the map then, never on a lookup (`entry` would need an owned name every time, which on
/// the producer's per-record path is an allocation per record).
pub(crate) fn per_topic_mut<'a, V: Default>(
    map: &'a mut VecMap<String, V>,
    topic: &str,
) -> &'a mut V {
    if !map.contains_key(topic) {
        map.insert(topic.to_owned(), V::default());
    }
    map.get_mut(topic)
        .expect("the topic's value was inserted just above")
}

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
}
