//! The cluster: topics, their partition logs and the producer, driven by commands.
//!
//! [`Cluster::apply`] first validates a command against the current state without touching it,
//! then applies it. A refused command returns Kafka's error and leaves everything as it was,
//! including the random generator and the producer's partitioner state.
//!
//! Simplifications in this slice, each also stated where it lives: one broker with no
//! replication; no time; no topic auto-creation; every produce is its own one-record batch,
//! sent and appended at once.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::command::Command;
use crate::error::{ErrorCode, KafkaError};
use crate::event::Event;
use crate::ids::Offset;
use crate::kinds::CompressionType;
use crate::log::{
    produce_response_error, LeaderAppend, LogConfig, PartitionLog, ProducedBatch, RecordSetBuilder,
};
use crate::producer::{Outgoing, Producer, ProducerConfig};
use crate::record::{record_batch_size_in_bytes, record_size_in_bytes};
use crate::rng::SimRng;
use crate::topic::{colliding_topic, validate_topic_name, Topic, TopicConfig, Topics};
use crate::view::TopicView;

/// Kafka's `num.partitions` default, used when CreateTopics asks for -1 partitions.
pub const DEFAULT_NUM_PARTITIONS: i32 = 1;

/// Cluster-wide settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterConfig {
    /// Playground limit (stated simplification), default 12. Kafka has no such per-topic
    /// limit; the playground keeps topics small enough to draw. Trusted: a huge value lets a
    /// command allocate that many partitions.
    pub max_partitions_per_topic: i32,
    /// Kafka's broker `message.max.bytes` default 1048588; topic `max.message.bytes` defaults
    /// to it.
    pub message_max_bytes: i32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            max_partitions_per_topic: 12,
            message_max_bytes: 1_048_588,
        }
    }
}

/// The simulated cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    config: ClusterConfig,
    topics: Topics,
    producer: Producer,
    rng: SimRng,
}

impl Cluster {
    /// An empty cluster; `seed` drives every random choice it will make.
    pub fn new(config: ClusterConfig, seed: u64) -> Cluster {
        Cluster {
            config,
            topics: Topics::new(),
            producer: Producer::default(),
            rng: SimRng::seed_from_u64(seed),
        }
    }

    /// Validates first; on error the state is untouched.
    pub fn apply(&mut self, command: Command) -> Result<Vec<Event>, KafkaError> {
        match command {
            Command::CreateTopic {
                topic,
                partitions,
                max_message_bytes,
            } => self.create_topic(topic, partitions, max_message_bytes),
            Command::DeleteTopic { topic } => self.delete_topic(topic),
            Command::CreatePartitions { topic, total_count } => {
                self.create_partitions(topic, total_count)
            }
            Command::ConfigureProducer(config) => self.configure_producer(config),
            Command::Produce {
                topic,
                key,
                value,
                partition,
            } => self.produce(topic, key, value, partition),
        }
    }

    /// All topics, sorted by name.
    pub fn topics(&self) -> Vec<TopicView> {
        self.topics
            .iter()
            .map(|(name, topic)| TopicView::of(name, topic))
            .collect()
    }

    /// One topic, if it exists.
    pub fn topic(&self, name: &str) -> Option<TopicView> {
        self.topics
            .get(name)
            .map(|topic| TopicView::of(name, topic))
    }

    /// A topic's partition count, if it exists.
    pub fn partition_count(&self, name: &str) -> Option<i32> {
        self.topics.get(name).map(Topic::partition_count)
    }

    /// The producer's current config.
    pub fn producer_config(&self) -> &ProducerConfig {
        self.producer.config()
    }

    /// The cluster-wide settings.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Checks in the order of Kafka's controller (`ReplicationControlManager.createTopics`):
    /// name, existence, name collision, configs, then the partition count.
    fn create_topic(
        &mut self,
        name: String,
        partitions: i32,
        max_message_bytes: Option<i32>,
    ) -> Result<Vec<Event>, KafkaError> {
        validate_topic_name(&name)?;
        if self.topics.contains_key(&name) {
            return Err(KafkaError::new(
                ErrorCode::TopicAlreadyExists,
                format!("Topic '{name}' already exists."),
            ));
        }
        if let Some(existing) = colliding_topic(&name, self.topics.keys().map(String::as_str)) {
            return Err(KafkaError::new(
                ErrorCode::InvalidTopicException,
                format!("Topic '{name}' collides with existing topic: {existing}"),
            ));
        }
        let config = match max_message_bytes {
            Some(value) => TopicConfig::with_max_message_bytes(value)?,
            None => TopicConfig {
                max_message_bytes: self.config.message_max_bytes,
            },
        };
        let partition_count = self.resolve_new_partition_count(partitions)?;
        self.topics
            .insert(name.clone(), Topic::new(&name, config, partition_count));
        Ok(vec![Event::TopicCreated {
            topic: name,
            partitions: partition_count,
        }])
    }

    /// -1 means `num.partitions`; other non-positive counts are refused as Kafka refuses them.
    fn resolve_new_partition_count(&self, partitions: i32) -> Result<i32, KafkaError> {
        if partitions < -1 || partitions == 0 {
            return Err(KafkaError::new(
                ErrorCode::InvalidPartitions,
                "Number of partitions was set to an invalid non-positive value.",
            ));
        }
        let count = if partitions == -1 {
            DEFAULT_NUM_PARTITIONS
        } else {
            partitions
        };
        self.check_playground_limit(count)?;
        Ok(count)
    }

    fn check_playground_limit(&self, requested: i32) -> Result<(), KafkaError> {
        let limit = self.config.max_partitions_per_topic;
        if requested > limit {
            return Err(KafkaError::new(
                ErrorCode::InvalidPartitions,
                format!(
                    "The playground allows at most {limit} partitions per topic \
                     (requested {requested}). This is the playground's limit, not Kafka's: \
                     a real cluster accepts far more."
                ),
            ));
        }
        Ok(())
    }

    fn delete_topic(&mut self, name: String) -> Result<Vec<Event>, KafkaError> {
        if self.topics.remove(&name).is_none() {
            return Err(unknown_topic_or_partition());
        }
        self.producer.forget_topic(&name);
        Ok(vec![Event::TopicDeleted { topic: name }])
    }

    /// Checks and wording of `ReplicationControlManager.createPartitions` (KRaft).
    fn create_partitions(
        &mut self,
        name: String,
        total_count: i32,
    ) -> Result<Vec<Event>, KafkaError> {
        let old_count = self
            .partition_count(&name)
            .ok_or_else(unknown_topic_or_partition)?;
        if total_count == old_count {
            return Err(KafkaError::new(
                ErrorCode::InvalidPartitions,
                format!("Topic already has {old_count} partition(s)."),
            ));
        }
        if total_count < old_count {
            return Err(KafkaError::new(
                ErrorCode::InvalidPartitions,
                format!(
                    "The topic {name} currently has {old_count} partition(s); \
                     {total_count} would not be an increase."
                ),
            ));
        }
        self.check_playground_limit(total_count)?;
        if let Some(topic) = self.topics.get_mut(&name) {
            topic.grow_to(&name, total_count);
        }
        Ok(vec![Event::PartitionsCreated {
            topic: name,
            old_count,
            new_count: total_count,
        }])
    }

    fn configure_producer(&mut self, config: ProducerConfig) -> Result<Vec<Event>, KafkaError> {
        config.validate()?;
        self.producer.reconfigure(config);
        Ok(vec![Event::ProducerConfigured(config)])
    }

    /// Simplifications: producing to a missing topic or partition is refused with
    /// `UNKNOWN_TOPIC_OR_PARTITION` at once (a real producer waits up to `max.block.ms` for
    /// metadata and then throws a `TimeoutException`, and a broker with
    /// `auto.create.topics.enable` may create the topic). A refused record leaves the
    /// producer's partitioner state untouched (in Kafka the record is counted by the sticky
    /// partitioner before the broker refuses it); the producer's own `max.request.size` check
    /// is not modelled.
    fn produce(
        &mut self,
        name: String,
        key: Option<String>,
        value: Option<String>,
        partition: Option<i32>,
    ) -> Result<Vec<Event>, KafkaError> {
        let topic = self
            .topics
            .get(&name)
            .ok_or_else(unknown_topic_or_partition)?;
        let partition_count = topic.partition_count();
        if let Some(explicit) = partition {
            if topic.partition(explicit).is_none() {
                return Err(unknown_topic_or_partition());
            }
        }
        let size_in_bytes = checked_record_size(
            key.as_deref(),
            value.as_deref(),
            topic.config.max_message_bytes,
        )?;
        let outgoing = Outgoing {
            topic: &name,
            key: key.as_deref().map(str::as_bytes),
            partition,
            partition_count,
            size_in_bytes,
        };
        let max_message_bytes = topic.config.max_message_bytes;
        let (chosen, routing) = self.producer.route(outgoing, &mut self.rng);
        // Cannot fail: the chosen partition is the checked explicit one or below the count.
        let log = self
            .topics
            .get_mut(&name)
            .and_then(|topic| topic.partition_mut(chosen.0))
            .ok_or_else(unknown_topic_or_partition)?;
        let offset = append_one_record(log, key.as_deref(), value.as_deref(), max_message_bytes)?;
        Ok(vec![Event::RecordAppended {
            topic: name,
            partition: chosen,
            offset,
            size_in_bytes,
            routing,
        }])
    }
}

/// Appends one record as its own batch (no producer id, no time in this slice) and returns
/// its offset.
fn append_one_record(
    log: &mut PartitionLog,
    key: Option<&str>,
    value: Option<&str>,
    max_message_bytes: i32,
) -> Result<Offset, KafkaError> {
    let mut builder = RecordSetBuilder::new();
    builder.push(0, key.map(str::as_bytes), value.map(str::as_bytes), &[]);
    let batch = ProducedBatch::plain(CompressionType::None, Arc::new(builder.build()));
    let config = LogConfig {
        max_message_bytes,
        ..LogConfig::default()
    };
    match log.append_as_leader(&batch, 0, 0, &config) {
        Ok(LeaderAppend::Appended { batch }) => Ok(batch.base_offset),
        Ok(LeaderAppend::Duplicate { base_offset, .. }) => Ok(base_offset),
        Err(error) => Err(produce_response_error(&error)),
    }
}

/// Kafka's `UNKNOWN_TOPIC_OR_PARTITION`, which the controller and broker send without a message.
fn unknown_topic_or_partition() -> KafkaError {
    KafkaError::with_default_message(ErrorCode::UnknownTopicOrPartition)
}

/// The record's size, once its one-record batch is known to fit `max.message.bytes`.
///
/// The broker checks each batch's size in `UnifiedLog.analyzeAndValidateRecords`; its
/// exception message stays in the broker (`ReplicaManager` sets `hasCustomErrorMessage =
/// false`), so the client sees `MESSAGE_TOO_LARGE` with Kafka's default message.
fn checked_record_size(
    key: Option<&str>,
    value: Option<&str>,
    max_message_bytes: i32,
) -> Result<i32, KafkaError> {
    let too_large = || KafkaError::with_default_message(ErrorCode::MessageTooLarge);
    let record_size = record_size_in_bytes(key.map(str::as_bytes), value.map(str::as_bytes));
    let batch_size = record_batch_size_in_bytes([record_size]);
    if batch_size > i64::from(max_message_bytes) {
        return Err(too_large());
    }
    i32::try_from(record_size).map_err(|_| too_large())
}
