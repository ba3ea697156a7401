//! Fetch (API key 1) and ListOffsets (API key 2).
//!
//! Followers fetch from their leader to replicate (`replica` is set); consumers fetch the
//! records they poll. Both long-poll: the leader holds a fetch with nothing to return for up
//! to `max_wait_ms` (`replica.fetch.wait.max.ms`, `fetch.max.wait.ms`), answering as soon as
//! data arrives.

use std::sync::Arc;

use crate::error::KafkaError;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::IsolationLevel;
use crate::log::{AbortedTxn, RecordBatch};

/// A Fetch request.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    /// Unique per sender.
    pub request_id: u64,
    /// The fetching follower, or `None` for a consumer.
    pub replica: Option<BrokerId>,
    /// The follower's broker epoch (KIP-380), to fence a restarted follower's old fetches.
    pub replica_epoch: i64,
    /// How long the leader may hold the request when there is nothing to return.
    pub max_wait_ms: i64,
    /// `fetch.min.bytes`: answer early once this much is available.
    pub min_bytes: i32,
    /// `fetch.max.bytes` / `replica.fetch.response.max.bytes`.
    pub max_bytes: i32,
    /// Consumers only: what they may see.
    pub isolation: IsolationLevel,
    /// The partitions and where to read them.
    pub partitions: Vec<FetchPartition>,
    /// The request header's `client.id` (a consumer's, which client quotas are kept by; empty
    /// for a follower).
    pub client_id: String,
}

/// One partition of a Fetch request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPartition {
    /// The partition.
    pub partition: TopicPartition,
    /// The next offset the fetcher wants.
    pub fetch_offset: Offset,
    /// The leader epoch the fetcher believes current (KIP-320), to detect stale leaders.
    pub current_leader_epoch: i32,
    /// Followers: the epoch of the last batch they hold, for divergence checks (KIP-595).
    pub last_fetched_epoch: Option<i32>,
    /// `max.partition.fetch.bytes` / `replica.fetch.max.bytes`.
    pub partition_max_bytes: i32,
    /// Followers: their log start offset, which the leader's low watermark waits on
    /// (DeleteRecords); -1 for a consumer.
    pub log_start_offset: Offset,
}

/// A Fetch response.
#[derive(Debug, Clone)]
pub struct FetchResponse {
    /// The request answered.
    pub request_id: u64,
    /// One entry per partition asked for; none when the fetch was throttled.
    pub partitions: Vec<FetchedPartition>,
    /// How long the consumer must leave this broker alone: over its `consumer_byte_rate`
    /// (KIP-219; see [`crate::quota`]), else 0.
    pub throttle_time_ms: i64,
}

/// What the leader returns for one partition.
#[derive(Debug, Clone)]
pub struct FetchedPartition {
    /// The partition.
    pub partition: TopicPartition,
    /// An error instead of data (not leader, fenced epoch, offset out of range, ...).
    pub error: Option<KafkaError>,
    /// With `NOT_LEADER_OR_FOLLOWER` or `FENCED_LEADER_EPOCH`: the leader and leader epoch
    /// this broker knows of (KIP-951's `CurrentLeader`).
    pub current_leader: Option<(BrokerId, i32)>,
    /// The leader's high watermark.
    pub high_watermark: Offset,
    /// The last stable offset (below it, every transaction is decided).
    pub last_stable_offset: Offset,
    /// The leader's log start offset.
    pub log_start_offset: Offset,
    /// The leader's log end offset (the simulation shows it; Kafka does not send it).
    pub log_end_offset: Offset,
    /// Followers: the log diverges from the leader's; truncate to this (epoch, end offset)
    /// before fetching again (KIP-320/KIP-595, the successor of KIP-101's OffsetForLeaderEpoch).
    pub diverging_epoch: Option<(i32, Offset)>,
    /// `read_committed` consumers: the aborted transactions within the returned range.
    pub aborted_transactions: Vec<AbortedTxn>,
    /// The batches, in offset order.
    pub batches: Vec<Arc<RecordBatch>>,
}

impl FetchedPartition {
    /// An answer that carries only an error (`FetchResponse.partitionResponse`).
    pub fn failed(partition: TopicPartition, error: KafkaError) -> FetchedPartition {
        FetchedPartition {
            error: Some(error),
            ..FetchedPartition::empty(partition)
        }
    }

    /// An answer with nothing in it yet.
    pub fn empty(partition: TopicPartition) -> FetchedPartition {
        FetchedPartition {
            partition,
            error: None,
            current_leader: None,
            high_watermark: Offset(-1),
            last_stable_offset: Offset(-1),
            log_start_offset: Offset(-1),
            log_end_offset: Offset(-1),
            diverging_epoch: None,
            aborted_transactions: Vec::new(),
            batches: Vec::new(),
        }
    }
}

/// Which offset a ListOffsets request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetSpec {
    /// `EARLIEST_TIMESTAMP` (-2): the log start offset.
    Earliest,
    /// `LATEST_TIMESTAMP` (-1): the high watermark (or last stable offset for read_committed).
    Latest,
    /// The first offset whose timestamp is at or after this time (ms).
    Timestamp(i64),
    /// `MAX_TIMESTAMP` (-3, KIP-734): the first record with the largest timestamp.
    MaxTimestamp,
}

/// ListOffsets: ask partition leaders for offsets by position or time.
#[derive(Debug, Clone)]
pub struct ListOffsetsRequest {
    /// Unique per sender.
    pub request_id: u64,
    /// What the asker may see.
    pub isolation: IsolationLevel,
    /// The partitions and what is asked for each.
    pub partitions: Vec<ListOffsetsPartition>,
}

/// One partition of a ListOffsets request.
#[derive(Debug, Clone)]
pub struct ListOffsetsPartition {
    /// The partition.
    pub partition: TopicPartition,
    /// What is asked.
    pub spec: OffsetSpec,
    /// The leader epoch the asker knows (KIP-320), -1 for none: the broker refuses an older
    /// one (`FENCED_LEADER_EPOCH`) or one it has not heard of (`UNKNOWN_LEADER_EPOCH`).
    pub current_leader_epoch: i32,
}

/// One partition's answer to ListOffsets: the offset and its record's timestamp (-1 when
/// none), or an error.
pub type ListedOffset = Result<(Offset, i64), KafkaError>;

/// The answer to ListOffsets.
#[derive(Debug, Clone)]
pub struct ListOffsetsResponse {
    /// The request answered.
    pub request_id: u64,
    /// Per partition: the offset (with its timestamp, -1 when none), or an error.
    pub partitions: Vec<(TopicPartition, ListedOffset)>,
}

/// OffsetsForLeaderEpoch (API key 23) from a consumer validating its positions (KIP-320): per
/// partition, where the leader's log ends for the epoch of the record before the position.
#[derive(Debug, Clone)]
pub struct OffsetsForLeaderEpochRequest {
    /// Unique per sender.
    pub request_id: u64,
    /// The partitions asked about.
    pub partitions: Vec<EpochQuery>,
}

/// One partition of an OffsetsForLeaderEpoch request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochQuery {
    /// The partition.
    pub partition: TopicPartition,
    /// The leader epoch the asker knows (fences a stale leader).
    pub current_leader_epoch: i32,
    /// The epoch whose end offset is asked for.
    pub leader_epoch: i32,
}

/// One partition's answer: the largest epoch at most the one asked for and its end offset,
/// `None` for `UNDEFINED_EPOCH_OFFSET`, or an error.
pub type EpochEndOffset = Result<Option<(i32, Offset)>, KafkaError>;

/// The answer to OffsetsForLeaderEpoch.
#[derive(Debug, Clone)]
pub struct OffsetsForLeaderEpochResponse {
    /// The request answered.
    pub request_id: u64,
    /// Per partition.
    pub partitions: Vec<(TopicPartition, EpochEndOffset)>,
}
