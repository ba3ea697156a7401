//! Metadata (API key 3): any broker tells a client which brokers are alive and which broker
//! leads each partition, from its own metadata cache (which may be stale).

use crate::error::KafkaError;
use crate::ids::BrokerId;

/// A Metadata request.
#[derive(Debug, Clone)]
pub struct MetadataRequest {
    /// Unique per sender.
    pub request_id: u64,
    /// The topics asked about; `None` for all.
    pub topics: Option<Vec<String>>,
    /// Whether a missing topic may be created (`auto.create.topics.enable` on the broker
    /// decides; consumers ask only when `allow.auto.create.topics`).
    pub allow_auto_topic_creation: bool,
}

/// The answer: the cluster as the answering broker knows it.
#[derive(Debug, Clone)]
pub struct MetadataResponse {
    /// The request answered.
    pub request_id: u64,
    /// The unfenced brokers.
    pub brokers: Vec<BrokerId>,
    /// The active controller, if the broker knows one.
    pub controller: Option<BrokerId>,
    /// The topics asked about.
    pub topics: Vec<TopicMetadata>,
}

/// One topic in a Metadata response.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicMetadata {
    /// The topic.
    pub name: String,
    /// Its id (0 in an error): a topic deleted and created again under the same name has
    /// another, and its leader epochs start again.
    pub topic_id: u64,
    /// `UNKNOWN_TOPIC_OR_PARTITION`, `LEADER_NOT_AVAILABLE` (being auto-created),
    /// `INVALID_TOPIC_EXCEPTION`, or `None`.
    pub error: Option<KafkaError>,
    /// Its partitions in order.
    pub partitions: Vec<PartitionMetadata>,
}

impl TopicMetadata {
    /// A topic answered with an error only.
    pub fn failed(name: String, error: KafkaError) -> TopicMetadata {
        TopicMetadata {
            name,
            topic_id: 0,
            error: Some(error),
            partitions: Vec::new(),
        }
    }
}

/// One partition in a Metadata response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionMetadata {
    /// The partition index.
    pub partition: i32,
    /// The leader, or `None` when the partition is offline.
    pub leader: Option<BrokerId>,
    /// The leader epoch.
    pub leader_epoch: i32,
    /// The assigned replicas, preferred leader first.
    pub replicas: Vec<BrokerId>,
    /// The in-sync replicas.
    pub isr: Vec<BrokerId>,
}

impl PartitionMetadata {
    /// The leader epoch, if the answer knew it (-1 otherwise).
    pub fn known_leader_epoch(&self) -> Option<i32> {
        (self.leader_epoch >= 0).then_some(self.leader_epoch)
    }
}
