//! The cluster as the UI draws it: brokers with their replicas, partitions with leader, ISR
//! and high watermark, messages in flight, network faults.

use serde::{Deserialize, Serialize};

use crate::broker::replica::Role;
use crate::broker::{Broker, BrokerStatus};
use crate::cluster::config::MetadataMode;
use crate::cluster::Cluster;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::network::NodeId;
use crate::protocol::MessageView;

/// The whole cluster, at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterView {
    /// Simulated time, ms since the start.
    pub now_ms: i64,
    /// The simulated wall clock, ms since the Unix epoch.
    pub clock_ms: i64,
    /// KRaft or ZooKeeper.
    pub metadata_mode: MetadataMode,
    /// The active controller.
    pub controller: Option<BrokerId>,
    /// The controller epoch.
    pub controller_epoch: i32,
    /// KRaft voters.
    pub controller_voters: Vec<BrokerId>,
    /// Every broker, in id order.
    pub brokers: Vec<BrokerView>,
    /// Every topic, by name.
    pub topics: Vec<TopicView>,
    /// Network faults.
    pub network: NetworkView,
}

/// One broker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerView {
    /// Its id.
    pub id: BrokerId,
    /// `stopped`, `starting`, `running` or `shutting down`.
    pub status: String,
    /// Whether the process runs.
    pub up: bool,
    /// Whether the controller has it fenced.
    pub fenced: bool,
    /// Whether it is the active controller.
    pub is_controller: bool,
    /// Whether it is a KRaft controller voter.
    pub is_voter: bool,
    /// Its replicas, in partition order.
    pub replicas: Vec<ReplicaView>,
}

/// One replica on one broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaView {
    /// The partition.
    pub partition: TopicPartition,
    /// `leader`, `follower` or `offline` (no leader known).
    pub role: String,
    /// Whether the controller counts it in the ISR.
    pub in_sync: bool,
    /// Whether it is one of the partition's eligible leader replicas (KIP-966).
    pub eligible: bool,
    /// The replica's log start offset.
    pub log_start_offset: Offset,
    /// Its log end offset.
    pub log_end_offset: Offset,
    /// Its high watermark.
    pub high_watermark: Offset,
    /// The leader epoch it is in.
    pub leader_epoch: i32,
    /// How many segments its log has.
    pub segments: i32,
    /// Its leader epoch history: each epoch and the offset it starts at (KIP-101).
    pub epochs: Vec<(i32, Offset)>,
}

/// One topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicView {
    /// Its name.
    pub name: String,
    /// Whether it is internal (`__consumer_offsets`, `__transaction_state`).
    pub internal: bool,
    /// Its config overrides, as `name=value`.
    pub configs: Vec<(String, String)>,
    /// Its partitions.
    pub partitions: Vec<PartitionView>,
}

/// One partition, as the controller and its leader see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionView {
    /// The partition.
    pub partition: TopicPartition,
    /// Its leader; `None` when offline.
    pub leader: Option<BrokerId>,
    /// The leader epoch.
    pub leader_epoch: i32,
    /// Assigned replicas, preferred first.
    pub replicas: Vec<BrokerId>,
    /// In-sync replicas.
    pub isr: Vec<BrokerId>,
    /// Eligible leader replicas (KIP-966); `None` in ZooKeeper mode, which has none (its
    /// brokers do not answer DescribeTopicPartitions, so `kafka-topics` prints `N/A`).
    pub elr: Option<Vec<BrokerId>>,
    /// The last known leader of a partition whose ISR emptied (KIP-966's `LastKnownElr`);
    /// `None` in ZooKeeper mode.
    pub last_known_elr: Option<Vec<BrokerId>>,
    /// While a reassignment is under way: the target replicas being added (also in
    /// `replicas`).
    pub adding: Vec<BrokerId>,
    /// While a reassignment is under way: the replicas leaving once the added ones are in sync.
    pub removing: Vec<BrokerId>,
    /// The leader's high watermark (-1 when offline).
    pub high_watermark: Offset,
    /// The leader's last stable offset: read_committed consumers read below it (-1 when
    /// offline).
    pub last_stable_offset: Offset,
    /// The leader's log end offset (-1 when offline).
    pub log_end_offset: Offset,
    /// The leader's log start offset (-1 when offline).
    pub log_start_offset: Offset,
}

impl ClusterView {
    /// Whether the partition's leader, as the metadata names it, has stopped: until the
    /// controller fences its broker (a session timeout), and for good with no active controller.
    pub fn leader_stopped(&self, partition: &PartitionView) -> bool {
        partition
            .leader
            .is_some_and(|leader| self.brokers.iter().any(|b| b.id == leader && !b.up))
    }
}

impl PartitionView {
    /// Whether a reassignment is under way: replicas are being added or removed (what
    /// ListPartitionReassignments reports).
    pub fn is_reassigning(&self) -> bool {
        !self.adding.is_empty() || !self.removing.is_empty()
    }

    /// `TopicCommand.getReplicationFactor`: the replicas, less those a reassignment under way
    /// is adding.
    pub fn replication_factor(&self) -> usize {
        self.replicas.len().saturating_sub(self.adding.len())
    }
}

/// The network's faults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkView {
    /// One-way latency, ms.
    pub latency_ms: i64,
    /// Isolated brokers.
    pub isolated: Vec<BrokerId>,
    /// Cut links.
    pub cut: Vec<(NodeId, NodeId)>,
    /// Brokers whose fetches are held.
    pub held: Vec<BrokerId>,
    /// Brokers with extra delay, and how much.
    pub delayed: Vec<(BrokerId, i64)>,
}

impl Cluster {
    /// The whole cluster now.
    pub fn view(&self) -> ClusterView {
        let voters = self.config.controller_quorum_voters();
        let brokers = self
            .brokers
            .values()
            .map(|broker| self.broker_view(broker, &voters))
            .collect();
        let topics = self
            .controller
            .image
            .topics
            .keys()
            .filter_map(|name| self.topic_view(name))
            .collect();
        ClusterView {
            now_ms: self.now_ms,
            clock_ms: self.clock_ms(),
            metadata_mode: self.config.metadata_mode,
            controller: self.controller.active,
            controller_epoch: self.controller.epoch,
            controller_voters: voters,
            brokers,
            topics,
            network: self.network_view(),
        }
    }

    fn broker_view(&self, broker: &Broker, voters: &[BrokerId]) -> BrokerView {
        let replicas = broker
            .replicas
            .values()
            .map(|replica| {
                let state = self.controller.image.partition(&replica.partition);
                let role = match &replica.role {
                    Role::Leader(_) => "leader",
                    Role::Follower { leader: Some(_) } => "follower",
                    Role::Follower { leader: None } => "offline",
                };
                ReplicaView {
                    partition: replica.partition.clone(),
                    role: role.to_string(),
                    in_sync: state.is_some_and(|s| s.isr.contains(&broker.id)),
                    eligible: state.is_some_and(|s| s.elr.contains(&broker.id)),
                    log_start_offset: replica.log.log_start_offset(),
                    log_end_offset: replica.log.log_end_offset(),
                    high_watermark: replica.high_watermark,
                    leader_epoch: replica.state.leader_epoch,
                    segments: replica.log.segments().len() as i32,
                    epochs: replica
                        .log
                        .epoch_entries()
                        .iter()
                        .map(|entry| (entry.epoch, entry.start_offset))
                        .collect(),
                }
            })
            .collect();
        let status = match broker.status {
            BrokerStatus::Stopped => "stopped",
            BrokerStatus::Starting => "starting",
            BrokerStatus::Running => "running",
            BrokerStatus::ShuttingDown => "shutting down",
        };
        BrokerView {
            id: broker.id,
            status: status.to_string(),
            up: broker.is_up(),
            fenced: !self.controller.image.is_unfenced(broker.id),
            is_controller: self.controller.active == Some(broker.id),
            is_voter: voters.contains(&broker.id),
            replicas,
        }
    }

    /// One topic, if it exists.
    pub fn topic_view(&self, name: &str) -> Option<TopicView> {
        let info = self.controller.image.topics.get(name)?;
        let elr_reported = self.config.metadata_mode == MetadataMode::Kraft;
        let partitions = info
            .partitions
            .iter()
            .zip(0..)
            .map(|(state, index)| {
                let partition = TopicPartition::new(name, index);
                let leader_replica = state
                    .leader
                    .and_then(|leader| self.brokers.get(&leader))
                    .and_then(|broker| broker.replicas.get(&partition));
                PartitionView {
                    leader: state.leader,
                    leader_epoch: state.leader_epoch,
                    replicas: state.replicas.clone(),
                    isr: state.isr.clone(),
                    elr: elr_reported.then(|| state.elr.clone()),
                    last_known_elr: elr_reported.then(|| state.last_known_elr.clone()),
                    adding: state.adding.clone(),
                    removing: state.removing.clone(),
                    high_watermark: leader_replica.map_or(Offset(-1), |r| r.high_watermark),
                    last_stable_offset: leader_replica
                        .map_or(Offset(-1), |r| r.last_stable_offset()),
                    log_end_offset: leader_replica.map_or(Offset(-1), |r| r.log.log_end_offset()),
                    log_start_offset: leader_replica
                        .map_or(Offset(-1), |r| r.log.log_start_offset()),
                    partition,
                }
            })
            .collect();
        let configs = self
            .controller
            .image
            .topic_configs(name)
            .map(|configs| {
                configs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        Some(TopicView {
            name: name.to_string(),
            internal: name.starts_with("__"),
            configs,
            partitions,
        })
    }

    fn network_view(&self) -> NetworkView {
        let delayed = self
            .brokers
            .keys()
            .filter_map(|broker| {
                let delay = self.network.delay_of(*broker);
                (delay > 0).then_some((*broker, delay))
            })
            .collect();
        NetworkView {
            latency_ms: self.network.latency_ms,
            isolated: self.network.isolated().collect(),
            cut: self.network.cut_links().collect(),
            held: self
                .brokers
                .keys()
                .copied()
                .filter(|b| self.network.is_held(*b))
                .collect(),
            delayed,
        }
    }

    /// The messages travelling now (and those held), in send order.
    pub fn messages_in_flight(&self) -> Vec<MessageView> {
        let mut views: Vec<MessageView> = self
            .scheduler
            .messages()
            .into_iter()
            .map(|message| MessageView::of(message, false))
            .collect();
        views.extend(
            self.held
                .iter()
                .map(|message| MessageView::of(message, true)),
        );
        views
    }
}
