//! Produce (API key 0): a producer sends batches to the leaders of their partitions.

use std::sync::Arc;

use crate::error::KafkaError;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::Acks;
use crate::log::ProducedBatch;

/// One Produce request: at most one batch per partition, all led by the receiving broker.
#[derive(Debug, Clone)]
pub struct ProduceRequest {
    /// Unique per sender, to match the response.
    pub request_id: u64,
    /// `acks`: when the leader answers.
    pub acks: Acks,
    /// How long the leader may wait for the ISR (`request.timeout.ms` of the producer).
    pub timeout_ms: i64,
    /// The producer's `transactional.id`, if it is transactional.
    pub transactional_id: Option<String>,
    /// The batches, one per partition.
    pub batches: Vec<(TopicPartition, Arc<ProducedBatch>)>,
    /// The request header's `client.id`, which client quotas are kept by.
    pub client_id: String,
}

/// The answer to a Produce request (never sent for `acks=0`).
#[derive(Debug, Clone)]
pub struct ProduceResponse {
    /// The request answered.
    pub request_id: u64,
    /// One result per partition of the request.
    pub partitions: Vec<PartitionProduceResponse>,
    /// How long the producer must leave this broker alone: over its `producer_byte_rate`
    /// (KIP-219; see [`crate::quota`]), else 0.
    pub throttle_time_ms: i64,
}

/// The result for one partition.
#[derive(Debug, Clone)]
pub struct PartitionProduceResponse {
    /// The partition.
    pub partition: TopicPartition,
    /// `Ok(base offset)` of the appended batch, or Kafka's error.
    pub result: Result<Offset, KafkaError>,
    /// The leader's log start offset.
    pub log_start_offset: Offset,
    /// With `NOT_LEADER_OR_FOLLOWER`: the leader and leader epoch this broker knows of
    /// (KIP-951's `CurrentLeader`), so the producer need not wait for new metadata.
    pub current_leader: Option<(BrokerId, i32)>,
}
