//! `kplay-core`: the deterministic simulation of an Apache Kafka cluster behind Kafka Playground.
//!
//! The core is a pure state machine in the style of Stateright and Turmoil: a [`Cluster`] of
//! brokers, a controller, ZooKeeper (in the legacy mode) and clients, connected by a simulated
//! network. [`Cluster::apply`] carries out a [`Command`] (refused with Kafka's own error and
//! wording, state untouched, when Kafka would refuse it); [`Cluster::step`] and
//! [`Cluster::run_until`] advance simulated time, delivering messages and firing timers; every
//! fact that happens is an [`Event`]. The UI and tools read plain-data views
//! ([`view`](mod@view)).
//!
//! There is no I/O, no wall clock and no ambient randomness: every random choice comes from one
//! [`SimRng`] seeded at [`Cluster::new`], so the same config, seed and inputs give the same
//! events and views, natively and in WebAssembly.
//!
//! Where to find a concept:
//! - [`ids`], [`error`], [`kinds`], [`rng`], [`murmur2`](mod@murmur2), [`topic`]: the vocabulary;
//!   [`sort`](mod@sort): stable sorting with one copy of its code in the WebAssembly;
//!   [`decimal`]: decimal text to `f64` without the standard library's tables.
//! - [`config`](mod@config): Kafka's configs (broker, topic, producer, consumer), parsed,
//!   validated and described with Kafka's wording.
//! - [`log`]: one replica's log of a partition (Kafka's `UnifiedLog`): batches, segments,
//!   retention, compaction, leader epochs, producer state.
//! - [`network`] and [`protocol`]: the simulated network and the requests that cross it.
//! - [`broker`]: a broker: replicas, leading, following, the ISR, Produce and Fetch.
//! - [`controller`] and [`zookeeper`]: who is alive, who leads each partition, the metadata log.
//! - [`group`]: consumer groups: assignors and the group coordinator.
//! - [`transaction`]: transactions: the transaction coordinator's state machine and its log.
//! - [`client`]: producers and consumers.
//! - [`cluster`]: the simulation itself: commands, events, time, routing.
//! - [`check`]: named invariants over the whole state, and the learner-facing detectors.
//! - [`view`](mod@view): plain data for the UI.

#![warn(missing_docs)]

pub mod acl;
pub mod broker;
pub mod check;
pub mod chunked;
pub mod client;
pub mod cluster;
pub mod config;
pub mod controller;
pub mod decimal;
pub mod error;
pub mod group;
pub mod ids;
pub mod kinds;
pub mod log;
pub mod murmur2;
pub mod network;
pub mod protocol;
pub mod quota;
pub use log::record_size as record;
pub mod rng;
pub mod sort;
pub mod topic;
pub mod transaction;
pub mod vec_map;
pub mod view;
pub mod zookeeper;

pub use client::consumer::{AppCommits, CommitPolicy, Subscription};
pub use client::producer::partitioner::{keyed_partition, PartitionerKind};
pub use client::producer::routing::Routing;
pub use cluster::command::{Command, NewRecord, ResetSpec, Workload};
pub use cluster::config::{ClusterConfig, MetadataMode, TruncationMode};
pub use cluster::event::{AlertKind, Event, EventKind};
pub use cluster::Cluster;
pub use controller::topics::ElectionType;
pub use error::{ErrorCode, KafkaError};
pub use ids::{BrokerId, Offset, PartitionId, ProducerId, TopicPartition};
pub use log::{LogConfig, PartitionLog, ProducedBatch, RecordBatch, RecordSet, RecordSetBuilder};
pub use murmur2::{murmur2, to_positive};
pub use network::{ClientId, NodeId};
pub use protocol::controller::ConfigResource;
pub use rng::SimRng;
pub use topic::validate_topic_name;
