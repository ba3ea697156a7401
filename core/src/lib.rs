//! `kplay-core`: the deterministic simulation of an Apache Kafka cluster behind Kafka Playground.
//!
//! The core is a pure state machine in the style of Crux and Stateright: the UI sends a
//! [`Command`] to [`Cluster::apply`], which validates it fully, then either refuses it with a
//! [`KafkaError`] (carrying Kafka's own error code and wording, state untouched) or mutates the
//! cluster and returns the [`Event`]s that happened. The UI reads plain-data views
//! ([`TopicView`], [`PartitionView`], [`RecordView`]).
//!
//! There is no I/O, no wall clock and no ambient randomness: every random choice (the sticky
//! partition, for one) comes from one [`SimRng`] seeded at [`Cluster::new`], so the same config,
//! seed and commands give the same events and views, natively and in WASM.
//!
//! Where to find a concept:
//! - [`ids`]: [`PartitionId`] and [`Offset`] newtypes.
//! - [`error`]: [`ErrorCode`] (Kafka's `Errors`) and [`KafkaError`].
//! - [`rng`]: [`SimRng`], the one seeded source of randomness.
//! - [`murmur2`](mod@murmur2): Kafka's `Utils.murmur2` and `Utils.toPositive`.
//! - [`partitioner`]: how the producer picks a partition (keyed, uniform sticky, round robin).
//! - [`topic`]: topic name validation, topic config, a topic's partitions.
//! - [`log`]: [`PartitionLog`], one replica's log of a partition (Kafka's `UnifiedLog`): record
//!   batches, segments, retention, compaction, leader epochs, producer state; [`record`] is its
//!   record format v2 size arithmetic.
//! - [`producer`]: [`ProducerConfig`] and the producer's per-topic partitioner state.
//! - [`config`](mod@config): Kafka's config definitions (broker, topic, producer, consumer),
//!   parsed, validated and described with Kafka's wording.
//! - [`cluster`], [`command`], [`event`], [`view`]: the state machine and its inputs and outputs.

#![warn(missing_docs)]

pub mod cluster;
pub mod command;
pub mod config;
pub mod error;
pub mod event;
pub mod group;
pub mod ids;
pub mod kinds;
pub mod log;
pub mod murmur2;
pub mod partitioner;
pub mod producer;
pub use log::record_size as record;
pub mod rng;
pub mod topic;
pub mod view;

pub use cluster::{Cluster, ClusterConfig};
pub use command::Command;
pub use error::{ErrorCode, KafkaError};
pub use event::{Event, Routing};
pub use ids::{BrokerId, Offset, PartitionId, ProducerId, TopicPartition};
pub use log::{LogConfig, PartitionLog, ProducedBatch, RecordBatch, RecordSet, RecordSetBuilder};
pub use murmur2::{murmur2, to_positive};
pub use partitioner::{keyed_partition, PartitionerKind};
pub use producer::ProducerConfig;
pub use record::{record_batch_size_in_bytes, record_size_in_bytes, RECORD_BATCH_OVERHEAD};
pub use rng::SimRng;
pub use topic::{validate_topic_name, TopicConfig};
pub use view::{PartitionView, RecordView, TopicView};
