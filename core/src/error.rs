//! Kafka's error codes and the error a refused command returns.
//!
//! A refusal is an outcome the learner sees, not a Rust panic: it carries Kafka's protocol
//! error (name, numeric code, exception class and default message, as listed in
//! `org.apache.kafka.common.protocol.Errors`) and the message Kafka itself would return, so the
//! playground reads like a real cluster. A few errors only ever happen inside a client (the
//! producer's `TimeoutException` when a batch expires, a `ConfigException` for a bad client
//! config); they carry no protocol code and are listed after the protocol errors.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One row of the error table: everything Kafka knows about an error.
struct ErrorInfo {
    name: &'static str,
    /// The protocol code; `None` for a client-side exception that never crosses the wire.
    code: Option<i16>,
    /// Whether the exception is a `RetriableException` (the clients retry it).
    retriable: bool,
    /// The exception class, without its package.
    exception: &'static str,
    default_message: &'static str,
}

macro_rules! kafka_errors {
    ($($variant:ident => $name:literal, $code:expr, $retriable:literal, $exception:literal, $message:literal;)+) => {
        /// A Kafka error: the protocol errors of `org.apache.kafka.common.protocol.Errors` the
        /// simulator can return, then the client-side exceptions it models.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum ErrorCode {
            $(
                #[doc = concat!("`", $name, "`: ", $message)]
                $variant,
            )+
        }

        impl ErrorCode {
            /// Every error, in the order of the table.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            fn info(&self) -> ErrorInfo {
                match self {
                    $(ErrorCode::$variant => ErrorInfo {
                        name: $name,
                        code: $code,
                        retriable: $retriable,
                        exception: $exception,
                        default_message: $message,
                    },)+
                }
            }
        }
    };
}

kafka_errors! {
    UnknownServerError => "UNKNOWN_SERVER_ERROR", Some(-1), false, "UnknownServerException", "The server experienced an unexpected error when processing the request.";
    OffsetOutOfRange => "OFFSET_OUT_OF_RANGE", Some(1), false, "OffsetOutOfRangeException", "The requested offset is not within the range of offsets maintained by the server.";
    CorruptMessage => "CORRUPT_MESSAGE", Some(2), true, "CorruptRecordException", "This message has failed its CRC checksum, exceeds the valid size, has a null key for a compacted topic, or is otherwise corrupt.";
    UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION", Some(3), true, "UnknownTopicOrPartitionException", "This server does not host this topic-partition.";
    LeaderNotAvailable => "LEADER_NOT_AVAILABLE", Some(5), true, "LeaderNotAvailableException", "There is no leader for this topic-partition as we are in the middle of a leadership election.";
    NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER", Some(6), true, "NotLeaderOrFollowerException", "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition.";
    RequestTimedOut => "REQUEST_TIMED_OUT", Some(7), true, "TimeoutException", "The request timed out.";
    BrokerNotAvailable => "BROKER_NOT_AVAILABLE", Some(8), false, "BrokerNotAvailableException", "The broker is not available.";
    MessageTooLarge => "MESSAGE_TOO_LARGE", Some(10), false, "RecordTooLargeException", "The request included a message larger than the max message size the server will accept.";
    NetworkException => "NETWORK_EXCEPTION", Some(13), true, "NetworkException", "The server disconnected before a response was received.";
    CoordinatorLoadInProgress => "COORDINATOR_LOAD_IN_PROGRESS", Some(14), true, "CoordinatorLoadInProgressException", "The coordinator is loading and hence can't process requests.";
    CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE", Some(15), true, "CoordinatorNotAvailableException", "The coordinator is not available.";
    NotCoordinator => "NOT_COORDINATOR", Some(16), true, "NotCoordinatorException", "This is not the correct coordinator.";
    InvalidTopicException => "INVALID_TOPIC_EXCEPTION", Some(17), false, "InvalidTopicException", "The request attempted to perform an operation on an invalid topic.";
    RecordListTooLarge => "RECORD_LIST_TOO_LARGE", Some(18), false, "RecordBatchTooLargeException", "The request included message batch larger than the configured segment size on the server.";
    NotEnoughReplicas => "NOT_ENOUGH_REPLICAS", Some(19), true, "NotEnoughReplicasException", "Messages are rejected since there are fewer in-sync replicas than required.";
    NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND", Some(20), true, "NotEnoughReplicasAfterAppendException", "Messages are written to the log, but to fewer in-sync replicas than required.";
    InvalidRequiredAcks => "INVALID_REQUIRED_ACKS", Some(21), false, "InvalidRequiredAcksException", "Produce request specified an invalid value for required acks.";
    IllegalGeneration => "ILLEGAL_GENERATION", Some(22), false, "IllegalGenerationException", "Specified group generation id is not valid.";
    InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL", Some(23), false, "InconsistentGroupProtocolException", "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list.";
    InvalidGroupId => "INVALID_GROUP_ID", Some(24), false, "InvalidGroupIdException", "The configured groupId is invalid.";
    UnknownMemberId => "UNKNOWN_MEMBER_ID", Some(25), false, "UnknownMemberIdException", "The coordinator is not aware of this member.";
    InvalidSessionTimeout => "INVALID_SESSION_TIMEOUT", Some(26), false, "InvalidSessionTimeoutException", "The session timeout is not within the range allowed by the broker (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).";
    RebalanceInProgress => "REBALANCE_IN_PROGRESS", Some(27), false, "RebalanceInProgressException", "The group is rebalancing, so a rejoin is needed.";
    InvalidCommitOffsetSize => "INVALID_COMMIT_OFFSET_SIZE", Some(28), false, "InvalidCommitOffsetSizeException", "The committing offset data size is not valid.";
    TopicAuthorizationFailed => "TOPIC_AUTHORIZATION_FAILED", Some(29), false, "TopicAuthorizationException", "Topic authorization failed.";
    GroupAuthorizationFailed => "GROUP_AUTHORIZATION_FAILED", Some(30), false, "GroupAuthorizationException", "Group authorization failed.";
    ClusterAuthorizationFailed => "CLUSTER_AUTHORIZATION_FAILED", Some(31), false, "ClusterAuthorizationException", "Cluster authorization failed.";
    InvalidTimestamp => "INVALID_TIMESTAMP", Some(32), false, "InvalidTimestampException", "The timestamp of the message is out of acceptable range.";
    TopicAlreadyExists => "TOPIC_ALREADY_EXISTS", Some(36), false, "TopicExistsException", "Topic with this name already exists.";
    InvalidPartitions => "INVALID_PARTITIONS", Some(37), false, "InvalidPartitionsException", "Number of partitions is below 1.";
    InvalidReplicationFactor => "INVALID_REPLICATION_FACTOR", Some(38), false, "InvalidReplicationFactorException", "Replication factor is below 1 or larger than the number of available brokers.";
    InvalidReplicaAssignment => "INVALID_REPLICA_ASSIGNMENT", Some(39), false, "InvalidReplicaAssignmentException", "Replica assignment is invalid.";
    InvalidConfig => "INVALID_CONFIG", Some(40), false, "InvalidConfigurationException", "Configuration is invalid.";
    NotController => "NOT_CONTROLLER", Some(41), true, "NotControllerException", "This is not the correct controller for this cluster.";
    InvalidRequest => "INVALID_REQUEST", Some(42), false, "InvalidRequestException", "This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.";
    PolicyViolation => "POLICY_VIOLATION", Some(44), false, "PolicyViolationException", "Request parameters do not satisfy the configured policy.";
    OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER", Some(45), false, "OutOfOrderSequenceException", "The broker received an out of order sequence number.";
    DuplicateSequenceNumber => "DUPLICATE_SEQUENCE_NUMBER", Some(46), false, "DuplicateSequenceException", "The broker received a duplicate sequence number.";
    InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH", Some(47), false, "InvalidProducerEpochException", "Producer attempted to produce with an old epoch.";
    InvalidTxnState => "INVALID_TXN_STATE", Some(48), false, "InvalidTxnStateException", "The producer attempted a transactional operation in an invalid state.";
    InvalidProducerIdMapping => "INVALID_PRODUCER_ID_MAPPING", Some(49), false, "InvalidPidMappingException", "The producer attempted to use a producer id which is not currently assigned to its transactional id.";
    InvalidTransactionTimeout => "INVALID_TRANSACTION_TIMEOUT", Some(50), false, "InvalidTxnTimeoutException", "The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms).";
    ConcurrentTransactions => "CONCURRENT_TRANSACTIONS", Some(51), true, "ConcurrentTransactionsException", "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing.";
    TransactionCoordinatorFenced => "TRANSACTION_COORDINATOR_FENCED", Some(52), false, "TransactionCoordinatorFencedException", "Indicates that the transaction coordinator sending a WriteTxnMarker is no longer the current coordinator for a given producer.";
    TransactionalIdAuthorizationFailed => "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", Some(53), false, "TransactionalIdAuthorizationException", "Transactional Id authorization failed.";
    SecurityDisabled => "SECURITY_DISABLED", Some(54), false, "SecurityDisabledException", "Security features are disabled.";
    OperationNotAttempted => "OPERATION_NOT_ATTEMPTED", Some(55), false, "OperationNotAttemptedException", "The broker did not attempt to execute this operation. This may happen for batched RPCs where some operations in the batch failed, causing the broker to respond without trying the rest.";
    SaslAuthenticationFailed => "SASL_AUTHENTICATION_FAILED", Some(58), false, "SaslAuthenticationException", "SASL Authentication failed.";
    UnknownProducerId => "UNKNOWN_PRODUCER_ID", Some(59), false, "UnknownProducerIdException", "This exception is raised by the broker if it could not locate the producer metadata associated with the producerId in question. This could happen if, for instance, the producer's records were deleted because their retention time had elapsed. Once the last records of the producerId are removed, the producer's metadata is removed from the broker, and future appends by the producer will return this exception.";
    NonEmptyGroup => "NON_EMPTY_GROUP", Some(68), false, "GroupNotEmptyException", "The group is not empty.";
    GroupIdNotFound => "GROUP_ID_NOT_FOUND", Some(69), false, "GroupIdNotFoundException", "The group id does not exist.";
    FencedLeaderEpoch => "FENCED_LEADER_EPOCH", Some(74), true, "FencedLeaderEpochException", "The leader epoch in the request is older than the epoch on the broker.";
    UnknownLeaderEpoch => "UNKNOWN_LEADER_EPOCH", Some(75), true, "UnknownLeaderEpochException", "The leader epoch in the request is newer than the epoch on the broker.";
    StaleBrokerEpoch => "STALE_BROKER_EPOCH", Some(77), false, "StaleBrokerEpochException", "Broker epoch has changed.";
    OffsetNotAvailable => "OFFSET_NOT_AVAILABLE", Some(78), true, "OffsetNotAvailableException", "The leader high watermark has not caught up from a recent leader election so the offsets cannot be guaranteed to be monotonically increasing.";
    MemberIdRequired => "MEMBER_ID_REQUIRED", Some(79), false, "MemberIdRequiredException", "The group member needs to have a valid member id before actually entering a consumer group.";
    PreferredLeaderNotAvailable => "PREFERRED_LEADER_NOT_AVAILABLE", Some(80), true, "PreferredLeaderNotAvailableException", "The preferred leader was not available.";
    GroupMaxSizeReached => "GROUP_MAX_SIZE_REACHED", Some(81), false, "GroupMaxSizeReachedException", "The consumer group has reached its max size.";
    FencedInstanceId => "FENCED_INSTANCE_ID", Some(82), false, "FencedInstanceIdException", "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.";
    EligibleLeadersNotAvailable => "ELIGIBLE_LEADERS_NOT_AVAILABLE", Some(83), true, "EligibleLeadersNotAvailableException", "Eligible topic partition leaders are not available.";
    ElectionNotNeeded => "ELECTION_NOT_NEEDED", Some(84), false, "ElectionNotNeededException", "Leader election not needed for topic partition.";
    NoReassignmentInProgress => "NO_REASSIGNMENT_IN_PROGRESS", Some(85), false, "NoReassignmentInProgressException", "No partition reassignment is in progress.";
    InvalidRecord => "INVALID_RECORD", Some(87), false, "InvalidRecordException", "This record has failed the validation on broker and hence will be rejected.";
    UnstableOffsetCommit => "UNSTABLE_OFFSET_COMMIT", Some(88), true, "UnstableOffsetCommitException", "There are unstable offsets that need to be cleared.";
    ProducerFenced => "PRODUCER_FENCED", Some(90), false, "ProducerFencedException", "There is a newer producer with the same transactionalId which fences the current one.";
    InvalidUpdateVersion => "INVALID_UPDATE_VERSION", Some(95), false, "InvalidUpdateVersionException", "The given update version was invalid.";
    DuplicateBrokerRegistration => "DUPLICATE_BROKER_REGISTRATION", Some(101), false, "DuplicateBrokerRegistrationException", "This broker ID is already in use.";
    TransactionalIdNotFound => "TRANSACTIONAL_ID_NOT_FOUND", Some(105), false, "TransactionalIdNotFoundException", "The transactionalId could not be found";
    IneligibleReplica => "INELIGIBLE_REPLICA", Some(107), false, "IneligibleReplicaException", "The new ISR contains at least one ineligible replica.";
    NewLeaderElected => "NEW_LEADER_ELECTED", Some(108), false, "NewLeaderElectedException", "The AlterPartition request successfully updated the partition state but the leader has changed.";
    // Client-side exceptions: thrown inside a producer or consumer, never sent by a broker.
    ClientTimeout => "TimeoutException", None, true, "TimeoutException", "Timeout expired.";
    BufferExhausted => "BufferExhaustedException", None, true, "BufferExhaustedException", "Failed to allocate memory within the configured max blocking time.";
    ConfigException => "ConfigException", None, false, "ConfigException", "Invalid value for a configuration.";
    NoOffsetForPartition => "NoOffsetForPartitionException", None, false, "NoOffsetForPartitionException", "Undefined offset with no reset policy for partitions.";
    PositionOutOfRange => "OffsetOutOfRangeException", None, false, "OffsetOutOfRangeException", "The fetch position is out of range and no reset policy is configured.";
    LogTruncation => "LogTruncationException", None, false, "LogTruncationException", "Truncation detected and no reset policy is configured.";
    CommitFailed => "CommitFailedException", None, false, "CommitFailedException", "Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member. This means that the time between subsequent calls to poll() was longer than the configured max.poll.interval.ms, which typically implies that the poll loop is spending too much time message processing. You can address this either by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in poll() with max.poll.records.";
    RetriableCommitFailed => "RetriableCommitFailedException", None, true, "RetriableCommitFailedException", "Offset commit failed with a retriable exception. You should retry committing the latest consumed offsets.";
    IllegalState => "IllegalStateException", None, false, "IllegalStateException", "The client is not in a state that allows this call.";
    IllegalArgument => "IllegalArgumentException", None, false, "IllegalArgumentException", "An argument of the call is not valid.";
    KafkaException => "KafkaException", None, false, "KafkaException", "The client failed.";
    TransactionAborted => "TransactionAbortedException", None, false, "TransactionAbortedException", "Failing batch since transaction was aborted";
}

impl ErrorCode {
    /// Kafka's name for the error, e.g. `"MESSAGE_TOO_LARGE"`; a client-side exception's
    /// name is its class name, e.g. `"TimeoutException"`.
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// Kafka's numeric error code on the wire; `None` for a client-side exception.
    pub fn code(&self) -> Option<i16> {
        self.info().code
    }

    /// Whether Kafka's clients retry this error (`RetriableException`).
    pub fn is_retriable(&self) -> bool {
        self.info().retriable
    }

    /// Whether Kafka's exception for it is an `InvalidMetadataException`: the client's view of
    /// the cluster may be out of date, so the producer asks for new metadata before retrying
    /// (`Sender.completeBatch`). `NOT_ENOUGH_REPLICAS` or a broker's `REQUEST_TIMED_OUT` are
    /// retried without.
    pub fn is_invalid_metadata(&self) -> bool {
        matches!(
            self,
            ErrorCode::NotLeaderOrFollower
                | ErrorCode::UnknownTopicOrPartition
                | ErrorCode::LeaderNotAvailable
                | ErrorCode::FencedLeaderEpoch
                | ErrorCode::NetworkException
                | ErrorCode::PreferredLeaderNotAvailable
        )
    }

    /// The exception a Java client throws, e.g. `RecordTooLargeException`.
    pub fn exception(&self) -> &'static str {
        self.info().exception
    }

    /// The exception's fully qualified Java class name, as Kafka's tools print it.
    pub fn exception_class(&self) -> String {
        let package = match self {
            ErrorCode::ConfigException => "org.apache.kafka.common.config",
            ErrorCode::NoOffsetForPartition
            | ErrorCode::PositionOutOfRange
            | ErrorCode::LogTruncation
            | ErrorCode::CommitFailed
            | ErrorCode::RetriableCommitFailed => "org.apache.kafka.clients.consumer",
            ErrorCode::BufferExhausted => "org.apache.kafka.clients.producer",
            ErrorCode::IllegalState | ErrorCode::IllegalArgument => "java.lang",
            ErrorCode::KafkaException => "org.apache.kafka.common",
            _ => "org.apache.kafka.common.errors",
        };
        format!("{package}.{}", self.exception())
    }

    /// The message Kafka uses when a response carries no message of its own
    /// (the second argument of each `Errors` constant).
    pub fn default_message(&self) -> &'static str {
        self.info().default_message
    }

    /// The error with this protocol code, if the simulator knows it.
    pub fn from_code(code: i16) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|error| error.code() == Some(code))
    }

    /// The error with this name (`"NOT_ENOUGH_REPLICAS"`), if the simulator knows it.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|error| error.name() == name)
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

    /// `org.apache.kafka.common.errors.RecordTooLargeException: The request included ...`:
    /// the line a Java client's stack trace starts with.
    pub fn as_exception(&self) -> String {
        format!("{}: {}", self.code.exception_class(), self.message)
    }
}

impl From<ErrorCode> for KafkaError {
    fn from(code: ErrorCode) -> KafkaError {
        KafkaError::with_default_message(code)
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
        assert_eq!(ErrorCode::InvalidTopicException.code(), Some(17));
        assert_eq!(ErrorCode::MessageTooLarge.code(), Some(10));
        assert_eq!(ErrorCode::NotEnoughReplicas.code(), Some(19));
        assert_eq!(ErrorCode::ClientTimeout.code(), None);
        assert_eq!(ErrorCode::InvalidConfig.name(), "INVALID_CONFIG");
    }

    #[test]
    fn protocol_codes_and_names_are_unique() {
        for (index, error) in ErrorCode::ALL.iter().enumerate() {
            for other in &ErrorCode::ALL[index + 1..] {
                assert_ne!(error.name(), other.name());
                if error.code().is_some() {
                    assert_ne!(error.code(), other.code(), "{error} and {other}");
                }
            }
        }
    }

    #[test]
    fn lookups_by_code_and_name_round_trip() {
        for error in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(error.name()), Some(*error));
            if let Some(code) = error.code() {
                assert_eq!(ErrorCode::from_code(code), Some(*error));
            }
        }
    }

    #[test]
    fn exceptions_print_with_their_java_package() {
        let error = KafkaError::with_default_message(ErrorCode::MessageTooLarge);
        assert!(error
            .as_exception()
            .starts_with("org.apache.kafka.common.errors.RecordTooLargeException: "));
        assert!(ErrorCode::NotEnoughReplicas.is_retriable());
        assert!(!ErrorCode::OutOfOrderSequenceNumber.is_retriable());
    }
}
