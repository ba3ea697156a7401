//! Kafka's error codes and the error a refused command returns.
//!
//! A refusal is an outcome the learner sees, not a Rust panic: it carries Kafka's protocol
//! error (name and numeric code from `org.apache.kafka.common.protocol.Errors`) and the message
//! Kafka itself would return, so the playground reads like a real cluster.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Kafka protocol error, as listed in `org.apache.kafka.common.protocol.Errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    /// `INVALID_TOPIC_EXCEPTION` (17): the topic name is not legal.
    InvalidTopicException,
    /// `TOPIC_ALREADY_EXISTS` (36).
    TopicAlreadyExists,
    /// `UNKNOWN_TOPIC_OR_PARTITION` (3).
    UnknownTopicOrPartition,
    /// `INVALID_PARTITIONS` (37): a bad partition count.
    InvalidPartitions,
    /// `RECORD_TOO_LARGE` (10): a record batch is larger than `max.message.bytes`.
    RecordTooLarge,
    /// `INVALID_CONFIG` (40).
    InvalidConfig,
}

impl ErrorCode {
    /// Kafka's name for the error, e.g. `"RECORD_TOO_LARGE"`.
    pub fn name(&self) -> &'static str {
        match self {
            ErrorCode::InvalidTopicException => "INVALID_TOPIC_EXCEPTION",
            ErrorCode::TopicAlreadyExists => "TOPIC_ALREADY_EXISTS",
            ErrorCode::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            ErrorCode::InvalidPartitions => "INVALID_PARTITIONS",
            ErrorCode::RecordTooLarge => "RECORD_TOO_LARGE",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
        }
    }

    /// Kafka's numeric error code on the wire.
    pub fn code(&self) -> i16 {
        match self {
            ErrorCode::InvalidTopicException => 17,
            ErrorCode::TopicAlreadyExists => 36,
            ErrorCode::UnknownTopicOrPartition => 3,
            ErrorCode::InvalidPartitions => 37,
            ErrorCode::RecordTooLarge => 10,
            ErrorCode::InvalidConfig => 40,
        }
    }

    /// The message Kafka uses when a response carries no message of its own
    /// (the second argument of each `Errors` constant).
    pub fn default_message(&self) -> &'static str {
        match self {
            ErrorCode::InvalidTopicException => {
                "The request attempted to perform an operation on an invalid topic."
            }
            ErrorCode::TopicAlreadyExists => "Topic with this name already exists.",
            ErrorCode::UnknownTopicOrPartition => "This server does not host this topic-partition.",
            ErrorCode::InvalidPartitions => "Number of partitions is below 1.",
            ErrorCode::RecordTooLarge => {
                "The request included a message larger than the max message size the server will accept."
            }
            ErrorCode::InvalidConfig => "Configuration is invalid.",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Why a command was refused: Kafka's error code and the message Kafka would give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KafkaError {
    /// The protocol error.
    pub code: ErrorCode,
    /// The human-readable message, worded as Kafka words it.
    pub message: String,
}

impl KafkaError {
    /// An error with its own message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> KafkaError {
        KafkaError {
            code,
            message: message.into(),
        }
    }

    /// An error with Kafka's default message for its code, as a response without an error
    /// message reads on the client.
    pub fn with_default_message(code: ErrorCode) -> KafkaError {
        KafkaError::new(code, code.default_message())
    }
}

impl fmt::Display for KafkaError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}: {}", self.code.name(), self.message)
    }
}

impl std::error::Error for KafkaError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_name_colon_message() {
        let error = KafkaError::with_default_message(ErrorCode::UnknownTopicOrPartition);
        assert_eq!(
            error.to_string(),
            "UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition."
        );
    }

    #[test]
    fn codes_match_kafka_protocol_numbers() {
        assert_eq!(ErrorCode::InvalidTopicException.code(), 17);
        assert_eq!(ErrorCode::RecordTooLarge.code(), 10);
        assert_eq!(ErrorCode::InvalidConfig.name(), "INVALID_CONFIG");
    }
}
