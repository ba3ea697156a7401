//! How a simulated cluster is built: how many brokers, which metadata mode, the network, and
//! the historical behaviours a lesson may switch on.

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, KafkaError};
use crate::ids::BrokerId;

/// How the cluster keeps its metadata and picks its controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum MetadataMode {
    /// KRaft (Kafka's only mode since 4.0): a Raft quorum of controllers.
    #[default]
    Kraft,
    /// The legacy ZooKeeper mode (before 4.0): ZooKeeper elects the controller and tracks
    /// broker sessions.
    ZooKeeper,
}

/// How a replica that becomes a follower reconciles its log with the new leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TruncationMode {
    /// Leader epochs (KIP-101, KIP-279; Kafka 0.11 and later): truncate only where the logs
    /// really diverge.
    #[default]
    LeaderEpoch,
    /// Kafka before 0.11: truncate to the replica's own high watermark, which can lose
    /// acknowledged records.
    HighWatermark,
}

/// The playground's largest cluster (a diagram must fit on a projector).
pub const MAX_BROKERS: i32 = 9;

/// How to build a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterConfig {
    /// How many brokers, numbered from 1 (1 to 9).
    pub brokers: i32,
    /// KRaft or ZooKeeper.
    pub metadata_mode: MetadataMode,
    /// KRaft: how many of the first brokers are also controller voters (combined mode).
    pub controller_voters: i32,
    /// One-way network latency between any two nodes, in ms.
    pub network_latency_ms: i64,
    /// The simulated wall clock at time 0, in ms since the Unix epoch (record timestamps,
    /// `--to-datetime` resets). Default 2024-01-01T00:00:00Z.
    pub start_time_ms: i64,
    /// Leader epochs (default) or the old truncate-to-high-watermark behaviour.
    pub truncation: TruncationMode,
    /// Since Kafka 3.7 the high watermark does not advance while the ISR is smaller than
    /// `min.insync.replicas`; `false` gives the older behaviour.
    pub hw_waits_for_min_isr: bool,
    /// `server.properties` settings shared by every broker, e.g. `("min.insync.replicas", "2")`.
    pub broker_configs: Vec<(String, String)>,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            brokers: 3,
            metadata_mode: MetadataMode::Kraft,
            controller_voters: 3,
            network_latency_ms: 2,
            start_time_ms: 1_704_067_200_000,
            truncation: TruncationMode::LeaderEpoch,
            hw_waits_for_min_isr: true,
            broker_configs: Vec::new(),
        }
    }
}

impl ClusterConfig {
    /// Checks the config; the error names the field and the allowed range.
    pub fn validate(&self) -> Result<(), KafkaError> {
        let invalid = |message: String| KafkaError::new(ErrorCode::InvalidConfig, message);
        if !(1..=MAX_BROKERS).contains(&self.brokers) {
            return Err(invalid(format!(
                "The playground runs 1 to {MAX_BROKERS} brokers, not {}.",
                self.brokers
            )));
        }
        if self.metadata_mode == MetadataMode::Kraft
            && !(1..=self.brokers).contains(&self.controller_voters)
        {
            return Err(invalid(format!(
                "controller voters must be between 1 and the number of brokers ({}), not {}.",
                self.brokers, self.controller_voters
            )));
        }
        if !(0..=60_000).contains(&self.network_latency_ms) {
            return Err(invalid(format!(
                "network latency must be between 0 and 60000 ms, not {}.",
                self.network_latency_ms
            )));
        }
        for (name, value) in &self.broker_configs {
            super::settings::validate_broker_property(name, value)?;
        }
        Ok(())
    }

    /// The broker ids, 1 to `brokers`.
    pub fn broker_ids(&self) -> Vec<BrokerId> {
        (1..=self.brokers.max(0)).map(BrokerId).collect()
    }

    /// KRaft: the controller voters (the first brokers). Empty in ZooKeeper mode.
    pub fn controller_quorum_voters(&self) -> Vec<BrokerId> {
        match self.metadata_mode {
            MetadataMode::Kraft => (1..=self.controller_voters.clamp(1, self.brokers.max(1)))
                .map(BrokerId)
                .collect(),
            MetadataMode::ZooKeeper => Vec::new(),
        }
    }
}
