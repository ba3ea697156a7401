//! The controller: it decides the cluster's metadata (which brokers are alive, which topics
//! exist, who leads each partition and which replicas are in sync) and publishes every
//! decision as a record of the metadata log that brokers pull.
//!
//! In KRaft mode (the default) the active controller is elected by the quorum of controller
//! voters ([`quorum`]); brokers register and heartbeat to it, and a broker silent for
//! `broker.session.timeout.ms` is fenced. In the legacy ZooKeeper mode the controller is the
//! broker that created the ephemeral `/controller` node, and ZooKeeper session expiry tells it
//! a broker died (see [`crate::zookeeper`]).
//!
//! - [`brokers`]: registration, heartbeats, fencing, unfencing, controlled shutdown;
//! - [`topics`]: creating and deleting topics, adding partitions, configs, elections on demand;
//! - [`election`]: Kafka's leader election rules; [`placement`]: where replicas go;
//! - [`quorum`]: choosing the active controller.
//!
//! The controller's state survives a change of active controller, as the replicated metadata
//! log (KRaft) or ZooKeeper's data (legacy mode) does; what each active controller keeps only in
//! memory (heartbeat times, held metadata fetches) starts afresh.

pub mod acls;
pub mod brokers;
pub mod election;
pub mod internal_topics;
pub mod placement;
pub mod quorum;
pub mod reassignment;
pub mod topics;

use crate::vec_map::VecMap;

use crate::broker::metadata_cache::MetadataCache;
use crate::cluster::context::Ctx;
use crate::cluster::event::{ElectionReason, EventKind, IsrChangeReason};
use crate::cluster::settings::{
    effective_broker_config, BrokerSettings, TopicSettings, TopicSettingsCache,
};
use crate::cluster::timer::Timer;
use crate::config::broker::BrokerConfig;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, TopicPartition};
use crate::network::NodeId;
use crate::protocol::controller::ConfigResource;
use crate::protocol::controller::{MetadataRecord, PartitionState};
use crate::protocol::{Body, ControllerBody};

/// The controller's timers; `epoch` is the controller epoch that set them, so a timer from an
/// earlier term of the same broker is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ControllerTimer {
    /// Fence `broker` if it has not heartbeated since.
    SessionCheck {
        /// The controller epoch.
        epoch: i32,
        /// The broker.
        broker: BrokerId,
    },
    /// Answer a held metadata fetch even though nothing is new.
    MetadataFetchExpired {
        /// The controller epoch.
        epoch: i32,
        /// The broker fetching.
        broker: BrokerId,
        /// Its request.
        request_id: u64,
    },
    /// `leader.imbalance.check.interval.seconds`: move leadership back to preferred replicas.
    LeaderImbalanceCheck {
        /// The controller epoch.
        epoch: i32,
    },
    /// KRaft's periodic `electUnclean` task: elect leaders for leaderless partitions whose
    /// topic allows an unclean election.
    UncleanElectionCheck {
        /// The controller epoch.
        epoch: i32,
    },
    /// KRaft: the quorum elects a new active controller (no epoch: any term).
    QuorumElection,
}

/// ZooKeeper mode: how long after a controller takes over it first checks the leader
/// imbalance.
const ZOOKEEPER_FIRST_IMBALANCE_CHECK_MS: i64 = 5_000;

/// KRaft's internal `unclean.leader.election.interval.ms` (5 minutes): how often the active
/// controller looks for leaderless partitions that an unclean election may now lead (for one
/// whose topic allowed it only after it went offline). Kept at Kafka's default; not settable.
pub const UNCLEAN_LEADER_ELECTION_INTERVAL_MS: i64 = 300_000;

/// What the active controller remembers about a broker (in memory only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerSession {
    /// The last heartbeat (or registration).
    pub last_heartbeat_ms: i64,
    /// The metadata offset the broker must reach before it may be unfenced.
    pub catch_up_offset: u64,
    /// Whether the broker asked for a controlled shutdown.
    pub shutting_down: bool,
    /// The metadata offset its last heartbeat reported (`BrokerHeartbeatState.metadataOffset`).
    pub metadata_offset: u64,
    /// The end of the metadata log once its leaderships were moved away
    /// (`controlledShutdownOffset`): every active broker must have reported it before this
    /// one may stop.
    pub controlled_shutdown_offset: Option<u64>,
    /// The start of the broker's process that registered (Kafka's `incarnationId`).
    pub incarnation: u32,
}

/// A broker's metadata fetch held until there is something new.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HeldFetch {
    request_id: u64,
    offset: u64,
}

/// The controller.
#[derive(Debug, Clone)]
pub struct Controller {
    /// The active controller, if any.
    pub active: Option<BrokerId>,
    /// Bumped with every new active controller.
    pub epoch: i32,
    /// Whether a quorum election is scheduled.
    pub election_pending: bool,
    /// The metadata log.
    pub log: Vec<MetadataRecord>,
    /// The metadata as the log says it now.
    pub image: MetadataCache,
    /// The active controller's view of each broker's session.
    pub sessions: VecMap<BrokerId, BrokerSession>,
    /// Every broker's static config (`server.properties`).
    pub static_configs: VecMap<BrokerId, BrokerConfig>,
    /// The config the controller decides with (the first broker's, with dynamic overrides):
    /// defaults for new topics, timeouts.
    pub config: BrokerConfig,
    /// `config`, resolved.
    pub settings: BrokerSettings,
    /// Every topic's settings.
    pub topics: TopicSettingsCache,
    held_fetches: VecMap<BrokerId, HeldFetch>,
    next_topic_id: u64,
    next_broker_epoch: i64,
    /// Whether the active controller is a ZooKeeper-mode one (it elects at once when a config
    /// change allows an unclean election; KRaft's waits for its periodic check).
    zookeeper_mode: bool,
    /// Whether it keeps eligible leader replicas (see [`Controller::elr_enabled`]).
    elr: bool,
}

impl Controller {
    /// A controller with an empty metadata log and no active controller yet.
    pub fn new(static_configs: VecMap<BrokerId, BrokerConfig>) -> Controller {
        let config = static_configs.values().next().cloned().unwrap_or_default();
        Controller {
            active: None,
            epoch: 0,
            election_pending: false,
            log: Vec::new(),
            image: MetadataCache::default(),
            sessions: VecMap::new(),
            settings: BrokerSettings::from_config(&config),
            topics: TopicSettingsCache::new(&config),
            static_configs,
            config,
            held_fetches: VecMap::new(),
            next_topic_id: 1,
            next_broker_epoch: 1,
            zookeeper_mode: false,
            elr: false,
        }
    }

    /// Becomes active on `broker` with `epoch`: sessions start afresh (every broker gets a
    /// full session timeout), and the periodic tasks start.
    pub fn activate(&mut self, broker: BrokerId, epoch: i32, by_zookeeper: bool, ctx: &mut Ctx) {
        self.active = Some(broker);
        self.epoch = epoch;
        self.zookeeper_mode = by_zookeeper;
        self.elr = !by_zookeeper
            && ctx.config.hw_waits_for_min_isr
            && ctx.config.truncation == crate::cluster::config::TruncationMode::LeaderEpoch;
        self.held_fetches.clear();
        let session_timeout_ms = self.settings.broker_session_timeout_ms;
        for (id, session) in &mut self.sessions {
            session.last_heartbeat_ms = ctx.now_ms;
            // A ZooKeeper-mode controller starts with no broker shutting down (its
            // `shuttingDownBrokerIds` is its own): a broker still stopping asks it again.
            if by_zookeeper {
                session.shutting_down = false;
            }
            // It knows no broker's metadata offset until its next heartbeat.
            session.metadata_offset = 0;
            if !by_zookeeper {
                ctx.after(
                    session_timeout_ms,
                    Timer::Controller(ControllerTimer::SessionCheck { epoch, broker: *id }),
                );
            }
        }
        ctx.emit(EventKind::ControllerElected {
            broker,
            epoch,
            by_zookeeper,
        });
        if self.settings.auto_leader_rebalance_enable {
            // `KafkaController.onControllerFailover` runs the first check 5 s after it takes
            // over (`scheduleAutoLeaderRebalanceTask(delay = 5, ...)`), then every interval;
            // KRaft's periodic `electPreferred` task waits a whole interval first.
            let first_check_ms = if by_zookeeper {
                ZOOKEEPER_FIRST_IMBALANCE_CHECK_MS
            } else {
                self.settings.leader_imbalance_check_interval_seconds * 1000
            };
            ctx.after(
                first_check_ms,
                Timer::Controller(ControllerTimer::LeaderImbalanceCheck { epoch }),
            );
        }
        if self.elr {
            self.write_elr_safety_records(broker, ctx);
        }
        if !by_zookeeper {
            ctx.after(
                UNCLEAN_LEADER_ELECTION_INTERVAL_MS,
                Timer::Controller(ControllerTimer::UncleanElectionCheck { epoch }),
            );
        }
    }

    /// `ConfigurationControlManager.maybeGenerateElrSafetyRecords`, as a KRaft controller with
    /// eligible leader replicas on becomes active: a cluster-level `min.insync.replicas`, from
    /// its own `server.properties`, if the metadata has none (so every broker agrees on which
    /// replicas are eligible). Broker-level values are refused from then on.
    fn write_elr_safety_records(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        let name = MIN_INSYNC_REPLICAS;
        let present = self
            .image
            .configs
            .get(&ConfigResource::BrokerDefault)
            .is_some_and(|configs| configs.contains_key(name));
        if present {
            return;
        }
        let value = self
            .static_configs
            .get(&broker)
            .map_or(self.config.min_insync_replicas, |config| {
                config.min_insync_replicas
            });
        self.commit(
            vec![MetadataRecord::Config {
                resource: ConfigResource::BrokerDefault,
                name: name.to_string(),
                value: Some(value.to_string()),
            }],
            ctx,
        );
    }

    /// No broker is the active controller any more.
    pub fn deactivate(&mut self, ctx: &mut Ctx) {
        if let Some(broker) = self.active.take() {
            // The connections of the fetches it was holding break: the brokers learn at once.
            for (fetching, held) in std::mem::take(&mut self.held_fetches) {
                ctx.send(
                    NodeId::Broker(fetching),
                    Body::Disconnected {
                        request_id: held.request_id,
                    },
                );
            }
            ctx.emit(EventKind::ControllerLost { broker });
        }
    }

    /// Handles a request sent to the active controller.
    pub fn handle_request(&mut self, from: NodeId, body: ControllerBody, ctx: &mut Ctx) {
        match body {
            ControllerBody::RegisterBroker {
                request_id,
                broker,
                incarnation,
                previous_broker_epoch,
            } => {
                let result = self.register_broker(broker, incarnation, previous_broker_epoch, ctx);
                let response = ControllerBody::RegisterBrokerResponse { request_id, result };
                ctx.send(from, Body::Controller(response));
            }
            ControllerBody::BrokerHeartbeat {
                request_id,
                broker,
                broker_epoch,
                metadata_offset,
                want_fence,
                want_shutdown,
            } => {
                let result = self.heartbeat(
                    broker,
                    broker_epoch,
                    metadata_offset,
                    want_fence,
                    want_shutdown,
                    ctx,
                );
                let response = ControllerBody::BrokerHeartbeatResponse { request_id, result };
                ctx.send(from, Body::Controller(response));
            }
            ControllerBody::FetchMetadata {
                request_id,
                broker,
                offset,
            } => self.fetch_metadata(broker, request_id, offset, ctx),
            ControllerBody::ControlledShutdown {
                request_id,
                broker,
                broker_epoch,
            } => {
                let result = self.zookeeper_controlled_shutdown(broker, broker_epoch, ctx);
                let response = ControllerBody::ControlledShutdownResponse { request_id, result };
                ctx.send(from, Body::Controller(response));
            }
            ControllerBody::AlterPartition {
                request_id,
                broker,
                broker_epoch,
                partition,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => {
                let result = self.alter_partition(
                    broker,
                    broker_epoch,
                    &partition,
                    leader_epoch,
                    partition_epoch,
                    new_isr,
                    ctx,
                );
                let response = ControllerBody::AlterPartitionResponse {
                    request_id,
                    partition,
                    result,
                };
                ctx.send(from, Body::Controller(response));
            }
            ControllerBody::CreateTopics { request_id, topics } => {
                let results = topics
                    .into_iter()
                    .map(|topic| {
                        let result = self.create_requested_topic(&topic, ctx);
                        (topic, result)
                    })
                    .collect();
                let response = ControllerBody::CreateTopicsResponse {
                    request_id,
                    results,
                };
                ctx.send(from, Body::Controller(response));
            }
            ControllerBody::CreateInternalTopic {
                request_id,
                topic,
                partitions,
                replication_factor,
                configs,
            } => {
                let result = self.create_internal_topic(
                    &topic,
                    partitions,
                    replication_factor,
                    configs,
                    ctx,
                );
                let response = ControllerBody::CreateTopicsResponse {
                    request_id,
                    results: vec![(topic, result)],
                };
                ctx.send(from, Body::Controller(response));
            }
            _ => {}
        }
    }

    /// Handles one of the controller's timers.
    pub fn handle_timer(&mut self, timer: ControllerTimer, ctx: &mut Ctx) {
        match timer {
            ControllerTimer::SessionCheck { epoch, broker } if epoch == self.epoch => {
                self.check_session(broker, ctx);
            }
            ControllerTimer::MetadataFetchExpired {
                epoch,
                broker,
                request_id,
            } if epoch == self.epoch
                && self
                    .held_fetches
                    .get(&broker)
                    .is_some_and(|held| held.request_id == request_id) =>
            {
                self.answer_held_fetch(broker, ctx);
            }
            ControllerTimer::LeaderImbalanceCheck { epoch } if epoch == self.epoch => {
                self.rebalance_leaders(ctx);
                ctx.after(
                    self.settings.leader_imbalance_check_interval_seconds * 1000,
                    Timer::Controller(ControllerTimer::LeaderImbalanceCheck { epoch }),
                );
            }
            ControllerTimer::UncleanElectionCheck { epoch } if epoch == self.epoch => {
                self.elect_offline_partitions(ctx);
                ctx.after(
                    UNCLEAN_LEADER_ELECTION_INTERVAL_MS,
                    Timer::Controller(ControllerTimer::UncleanElectionCheck { epoch }),
                );
            }
            _ => {}
        }
    }

    /// Appends records to the metadata log, applies them to the image and wakes held fetches.
    pub fn commit(&mut self, records: Vec<MetadataRecord>, ctx: &mut Ctx) {
        if records.is_empty() {
            return;
        }
        let offset = self.log.len() as u64;
        self.image.apply(offset, &records);
        self.refresh_settings(&records);
        self.log.extend(records);
        let brokers: Vec<BrokerId> = self.held_fetches.keys().copied().collect();
        for broker in brokers {
            self.answer_held_fetch(broker, ctx);
        }
    }

    fn fetch_metadata(&mut self, broker: BrokerId, request_id: u64, offset: u64, ctx: &mut Ctx) {
        self.held_fetches
            .insert(broker, HeldFetch { request_id, offset });
        if offset < self.log.len() as u64 {
            self.answer_held_fetch(broker, ctx);
            return;
        }
        ctx.after(
            self.settings.replica_fetch_wait_max_ms,
            Timer::Controller(ControllerTimer::MetadataFetchExpired {
                epoch: self.epoch,
                broker,
                request_id,
            }),
        );
    }

    fn answer_held_fetch(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        let (Some(held), Some(active)) = (self.held_fetches.remove(&broker), self.active) else {
            return;
        };
        let start = usize::try_from(held.offset)
            .unwrap_or(usize::MAX)
            .min(self.log.len());
        let response = ControllerBody::FetchMetadataResponse {
            request_id: held.request_id,
            offset: start as u64,
            records: self.log[start..].to_vec(),
            controller: active,
        };
        ctx.send(NodeId::Broker(broker), Body::Controller(response));
    }

    /// Whether `broker` may lead or join an ISR: registered, unfenced, not shutting down.
    pub fn is_eligible(&self, broker: BrokerId) -> bool {
        self.image.is_unfenced(broker) && !self.is_shutting_down(broker)
    }

    /// Whether `broker` asked this controller for a controlled shutdown.
    pub fn is_shutting_down(&self, broker: BrokerId) -> bool {
        self.sessions
            .get(&broker)
            .is_some_and(|session| session.shutting_down)
    }

    /// The effective settings of a topic, from the controller's image.
    pub fn topic_settings(&self, topic: &str) -> TopicSettings {
        self.topics.get(topic).clone()
    }

    /// Broker `id`'s config in effect: static plus the dynamic layers.
    pub fn broker_config(&self, id: BrokerId) -> Option<BrokerConfig> {
        let static_config = self.static_configs.get(&id)?;
        Some(effective_broker_config(
            static_config,
            &self.image.configs,
            id,
        ))
    }

    /// Keeps the settings caches in step with config and topic records.
    fn refresh_settings(&mut self, records: &[MetadataRecord]) {
        let mut brokers_changed = false;
        for record in records {
            match record {
                MetadataRecord::Config {
                    resource: ConfigResource::Topic(topic),
                    ..
                } => {
                    let overrides = self.image.topic_configs(topic).cloned();
                    self.topics.refresh(topic, overrides.as_ref(), &self.config);
                }
                MetadataRecord::Config { .. } => brokers_changed = true,
                MetadataRecord::RemoveTopic { name } => {
                    self.topics.refresh(name, None, &self.config)
                }
                _ => {}
            }
        }
        if brokers_changed {
            let first = self.static_configs.keys().next().copied();
            if let Some(config) = first.and_then(|id| self.broker_config(id)) {
                self.config = config;
            }
            self.settings = BrokerSettings::from_config(&self.config);
            self.topics.refresh_all(&self.image.configs, &self.config);
        }
    }

    /// Every partition, in topic and partition order.
    pub fn partitions(&self) -> Vec<(TopicPartition, PartitionState)> {
        self.image
            .topics
            .iter()
            .flat_map(|(topic, info)| {
                info.partitions.iter().zip(0..).map(|(state, partition)| {
                    (TopicPartition::new(topic.clone(), partition), state.clone())
                })
            })
            .collect()
    }

    /// `AlterPartition` (`ReplicationControlManager.alterPartition`): the leader's ISR change
    /// is accepted only from the current leader, in the current leader and partition epochs,
    /// with every new member eligible. The checks and their errors are
    /// `validateAlterPartitionData`'s, in its order. A ZooKeeper-mode controller first answers a
    /// change it already made with the current state (`KafkaController.alterPartitions`,
    /// `equalsAllowStalePartitionEpoch`), so a leader whose answer was lost learns the result
    /// from its retry.
    #[allow(clippy::too_many_arguments)]
    fn alter_partition(
        &mut self,
        broker: BrokerId,
        broker_epoch: i64,
        partition: &TopicPartition,
        leader_epoch: i32,
        partition_epoch: i32,
        new_isr: Vec<BrokerId>,
        ctx: &mut Ctx,
    ) -> Result<PartitionState, KafkaError> {
        self.check_broker_epoch(broker, broker_epoch)?;
        let state =
            self.image.partition(partition).cloned().ok_or_else(|| {
                KafkaError::with_default_message(ErrorCode::UnknownTopicOrPartition)
            })?;
        let refuse = |code: ErrorCode| Err(KafkaError::with_default_message(code));
        if leader_epoch > state.leader_epoch || partition_epoch > state.partition_epoch {
            return refuse(ErrorCode::NotController);
        }
        if leader_epoch < state.leader_epoch {
            return refuse(ErrorCode::FencedLeaderEpoch);
        }
        if state.leader != Some(broker) {
            return refuse(ErrorCode::InvalidRequest);
        }
        if self.zookeeper_mode && state.isr == new_isr {
            return Ok(state);
        }
        if partition_epoch < state.partition_epoch {
            return refuse(ErrorCode::InvalidUpdateVersion);
        }
        let valid = new_isr.iter().all(|member| state.replicas.contains(member))
            && (1..new_isr.len()).all(|i| !new_isr[..i].contains(&new_isr[i]));
        if !valid || !new_isr.contains(&broker) {
            return refuse(ErrorCode::InvalidRequest);
        }
        if new_isr
            .iter()
            .any(|member| *member != broker && !self.is_eligible(*member))
        {
            return refuse(ErrorCode::IneligibleReplica);
        }
        let mut completes = PartitionState {
            isr: new_isr.clone(),
            ..state.clone()
        };
        if election::complete_reassignment(&mut completes) {
            // The last target replica joined the ISR: the reassignment completes in this
            // change. The leader epoch moves on, so the leader waits for the metadata; a
            // leader that was replaced is told so with NEW_LEADER_ELECTED, though the change
            // was made.
            let proposed = PartitionState {
                isr: new_isr,
                ..state.clone()
            };
            self.change_assignment(partition, &state, proposed, false, ctx);
            let next = self.image.partition(partition).cloned().unwrap_or(state);
            if next.leader != Some(broker) {
                return refuse(ErrorCode::NewLeaderElected);
            }
            return Ok(next);
        }
        let settings = self.settings.clone();
        let rule = self.elr_rule(&partition.topic, None);
        let target = election::target(&state, new_isr, rule);
        let Some(next) = election::finish(&state, &target, state.leader, false, rule.is_some())
        else {
            return Ok(state);
        };
        let removed: Vec<BrokerId> = state
            .isr
            .iter()
            .copied()
            .filter(|b| !next.isr.contains(b))
            .collect();
        let added: Vec<BrokerId> = next
            .isr
            .iter()
            .copied()
            .filter(|b| !state.isr.contains(b))
            .collect();
        let reason = if removed.is_empty() {
            IsrChangeReason::FollowerCaughtUp
        } else {
            IsrChangeReason::FollowerLagging {
                replica_lag_time_max_ms: settings.replica_lag_time_max_ms,
            }
        };
        self.commit_partition(partition, next.clone(), ctx);
        ctx.emit(EventKind::IsrChanged {
            partition: partition.clone(),
            isr: next.isr.clone(),
            removed,
            added,
            reason,
        });
        report_elr(partition, &state, &next, rule, ctx);
        Ok(next)
    }

    /// Commits a partition's new state.
    pub fn commit_partition(
        &mut self,
        partition: &TopicPartition,
        state: PartitionState,
        ctx: &mut Ctx,
    ) {
        self.commit(
            vec![MetadataRecord::Partition {
                partition: partition.clone(),
                state,
            }],
            ctx,
        );
    }

    /// Elects a leader for every offline partition that can have one now: after a broker was
    /// unfenced, on KRaft's periodic unclean election check, or in ZooKeeper mode when a config
    /// change may have allowed an unclean election.
    pub fn elect_offline_partitions(&mut self, ctx: &mut Ctx) {
        for (partition, state) in self.partitions() {
            if state.leader.is_some() {
                continue;
            }
            let unclean_allowed = self
                .topic_settings(&partition.topic)
                .unclean_leader_election_enable;
            self.elect_offline(&partition, &state, unclean_allowed, ctx);
        }
    }

    /// Elects a leader for the offline `partition` from its ISR, its eligible leader replicas,
    /// its last known leader or, if `unclean_allowed`, any replica; commits and reports it.
    pub(crate) fn elect_offline(
        &mut self,
        partition: &TopicPartition,
        state: &PartitionState,
        unclean_allowed: bool,
        ctx: &mut Ctx,
    ) -> Option<election::Elected> {
        let rule = self.elr_rule(&partition.topic, None);
        let target = election::target(state, state.isr.clone(), rule);
        let elected =
            election::elect_offline_leader(&target, |b| self.is_eligible(b), unclean_allowed)?;
        let reason = ElectionReason::of(elected.via, ElectionReason::ReplicaReturned);
        let leader = Some(elected.leader);
        self.change_partition(partition, state, &target, leader, rule, reason, ctx);
        Some(elected)
    }

    /// Whether the controller keeps eligible leader replicas (KIP-966): in KRaft, where Kafka
    /// 4.1 turns them on for new clusters (`eligible.leader.replicas.version=1`). Not with the
    /// historical rules a cluster can be set to (a high watermark that passes an ISR below
    /// `min.insync.replicas`, before 3.7; truncation to the high watermark, before 0.11): the
    /// ELR is only safe because neither happens.
    pub fn elr_enabled(&self) -> bool {
        self.elr
    }

    /// KIP-966's inputs for a change of a partition of `topic`, when ELR is on.
    pub(crate) fn elr_rule(
        &self,
        topic: &str,
        unclean_shutdown: Option<BrokerId>,
    ) -> Option<election::ElrRule> {
        self.elr_enabled().then(|| election::ElrRule {
            min_isr: self.topic_settings(topic).min_insync_replicas,
            unclean_shutdown,
        })
    }

    /// Commits a leader change and reports it.
    pub fn change_leader(
        &mut self,
        partition: &TopicPartition,
        state: &PartitionState,
        leader: Option<BrokerId>,
        isr: Vec<BrokerId>,
        reason: ElectionReason,
        ctx: &mut Ctx,
    ) {
        let rule = self.elr_rule(&partition.topic, None);
        let target = election::target(state, isr, rule);
        self.change_partition(partition, state, &target, leader, rule, reason, ctx);
    }

    /// Commits the change of a partition to the target ISR and ELR `target` and the leader
    /// `leader` (elected for `reason`), and reports it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn change_partition(
        &mut self,
        partition: &TopicPartition,
        state: &PartitionState,
        target: &PartitionState,
        leader: Option<BrokerId>,
        rule: Option<election::ElrRule>,
        reason: ElectionReason,
        ctx: &mut Ctx,
    ) {
        let unclean = reason.is_unclean();
        let Some(next) = election::finish(state, target, leader, unclean, rule.is_some()) else {
            return;
        };
        let leader_changed = next.leader != state.leader;
        let isr_changed = next.isr != state.isr;
        self.commit_partition(partition, next.clone(), ctx);
        if isr_changed {
            let removed: Vec<BrokerId> = state
                .isr
                .iter()
                .copied()
                .filter(|b| !next.isr.contains(b))
                .collect();
            let added: Vec<BrokerId> = next
                .isr
                .iter()
                .copied()
                .filter(|b| !state.isr.contains(b))
                .collect();
            let reason = match reason {
                _ if unclean => IsrChangeReason::UncleanElection,
                ElectionReason::EligibleLeaderReplica => IsrChangeReason::ElrElection,
                ElectionReason::ControlledShutdown => IsrChangeReason::ControlledShutdown,
                ElectionReason::Reassignment => IsrChangeReason::Reassignment,
                _ => IsrChangeReason::BrokerFenced,
            };
            ctx.emit(EventKind::IsrChanged {
                partition: partition.clone(),
                isr: next.isr.clone(),
                removed,
                added,
                reason,
            });
        }
        report_elr(partition, state, &next, rule, ctx);
        if leader_changed {
            ctx.emit(EventKind::LeaderElected {
                partition: partition.clone(),
                leader: next.leader,
                leader_epoch: next.leader_epoch,
                isr: next.isr,
                elr: next.elr,
                reason,
            });
        }
    }

    /// Assigns a fresh topic id.
    fn take_topic_id(&mut self) -> u64 {
        let id = self.next_topic_id;
        self.next_topic_id += 1;
        id
    }

    /// Assigns a fresh broker epoch.
    fn take_broker_epoch(&mut self) -> i64 {
        let epoch = self.next_broker_epoch;
        self.next_broker_epoch += 1;
        epoch
    }
}

/// The config eligible leader replicas depend on (KIP-966).
pub(crate) const MIN_INSYNC_REPLICAS: &str = "min.insync.replicas";

/// Reports a change of a partition's eligible leader replicas.
pub(crate) fn report_elr(
    partition: &TopicPartition,
    state: &PartitionState,
    next: &PartitionState,
    rule: Option<election::ElrRule>,
    ctx: &mut Ctx,
) {
    let Some(rule) = rule else {
        return;
    };
    if next.elr == state.elr {
        return;
    }
    ctx.emit(EventKind::EligibleLeaderReplicasChanged {
        partition: partition.clone(),
        elr: next.elr.clone(),
        isr: next.isr.clone(),
        min_isr: rule.min_isr,
        unclean_shutdown: rule.unclean_shutdown.filter(|b| state.elr.contains(b)),
    });
}

#[cfg(test)]
mod tests {
    use crate::cluster::context::{Ctx, TestWorld};
    use crate::cluster::event::FenceReason;
    use crate::config::broker::BrokerConfig;
    use crate::error::ErrorCode;
    use crate::ids::{BrokerId, TopicPartition};
    use crate::network::NodeId;
    use crate::protocol::controller::PartitionState;

    use super::topics::NewTopic;
    use super::Controller;

    /// A controller whose brokers 1, 2 and 3 are registered and unfenced, and whose topic `t`
    /// has one partition on all three, led by broker 1.
    struct ThreeBrokers {
        controller: Controller,
        epochs: Vec<i64>,
        partition: TopicPartition,
    }

    impl ThreeBrokers {
        fn new(zookeeper: bool, ctx: &mut Ctx) -> ThreeBrokers {
            let ids = [BrokerId(1), BrokerId(2), BrokerId(3)];
            let mut controller =
                Controller::new(ids.iter().map(|b| (*b, BrokerConfig::default())).collect());
            controller.activate(BrokerId(1), 1, zookeeper, ctx);
            let mut epochs = Vec::new();
            for broker in ids {
                let epoch = controller
                    .register_broker(broker, 1, None, ctx)
                    .expect("registered");
                controller
                    .heartbeat(broker, epoch, u64::MAX, false, false, ctx)
                    .expect("unfenced");
                epochs.push(epoch);
            }
            let topic = NewTopic {
                name: "t".into(),
                partitions: -1,
                replication_factor: -1,
                configs: Vec::new(),
                assignment: vec![ids.to_vec()],
            };
            controller
                .create_topic(&topic, false, ctx)
                .expect("created");
            ThreeBrokers {
                controller,
                epochs,
                partition: TopicPartition::new("t", 0),
            }
        }

        fn state(&self) -> PartitionState {
            let state = self.controller.image.partition(&self.partition);
            state.cloned().expect("t-0")
        }

        /// AlterPartition from `broker` (with its current broker epoch).
        fn ask(
            &mut self,
            ctx: &mut Ctx,
            broker: i32,
            epochs: (i32, i32),
            new_isr: &[i32],
        ) -> Result<PartitionState, ErrorCode> {
            let index = usize::try_from(broker - 1).expect("an id from 1");
            let (leader_epoch, partition_epoch) = epochs;
            self.controller
                .alter_partition(
                    BrokerId(broker),
                    self.epochs[index],
                    &self.partition,
                    leader_epoch,
                    partition_epoch,
                    isr(new_isr),
                    ctx,
                )
                .map_err(|error| error.code)
        }
    }

    /// An AlterPartition the controller refuses: from which broker, with which leader and
    /// partition epochs and ISR, the error, and why.
    type Refusal = (i32, (i32, i32), &'static [i32], ErrorCode, &'static str);

    fn isr(list: &[i32]) -> Vec<BrokerId> {
        list.iter().copied().map(BrokerId).collect()
    }

    /// `validateAlterPartitionData`'s checks, in its order, each with its error; and the ZooKeeper
    /// controller's answer to a change it already made (`equalsAllowStalePartitionEpoch`).
    #[test]
    fn alter_partition_answers_kafkas_errors_in_kafkas_order() {
        for zookeeper in [false, true] {
            let mode = if zookeeper { "ZooKeeper" } else { "KRaft" };
            let mut world = TestWorld::new();
            let mut ctx = world.ctx_of(NodeId::Broker(BrokerId(1)));
            let mut cluster = ThreeBrokers::new(zookeeper, &mut ctx);
            let state = cluster.state();
            let (leader, partition) = (state.leader_epoch, state.partition_epoch);
            let refusals: [Refusal; 5] = [
                (
                    1,
                    (leader + 1, partition),
                    &[1, 2],
                    ErrorCode::NotController,
                    "a newer leader epoch",
                ),
                (
                    1,
                    (leader, partition + 1),
                    &[1, 2],
                    ErrorCode::NotController,
                    "a newer partition epoch",
                ),
                (
                    2,
                    (leader, partition),
                    &[1, 2],
                    ErrorCode::InvalidRequest,
                    "only the leader asks",
                ),
                (
                    1,
                    (leader, partition),
                    &[1, 4],
                    ErrorCode::InvalidRequest,
                    "a broker that is not a replica",
                ),
                (
                    1,
                    (leader, partition),
                    &[2, 3],
                    ErrorCode::InvalidRequest,
                    "the leader left out",
                ),
            ];
            for (broker, epochs, new_isr, error, why) in refusals {
                let answer = cluster.ask(&mut ctx, broker, epochs, new_isr);
                assert_eq!(answer.err(), Some(error), "{mode}: {why}");
            }
            let shrunk = cluster
                .ask(&mut ctx, 1, (leader, partition), &[1, 2])
                .expect("shrunk");
            assert_eq!(shrunk.isr, isr(&[1, 2]), "{mode}");
            // The same change sent again, from the older partition epoch: KRaft refuses it,
            // a ZooKeeper controller answers with the state it already has.
            let again = cluster.ask(&mut ctx, 1, (leader, partition), &[1, 2]);
            if zookeeper {
                assert_eq!(again, Ok(shrunk.clone()), "{mode}");
            } else {
                assert_eq!(again.err(), Some(ErrorCode::InvalidUpdateVersion), "{mode}");
            }
            assert_eq!(
                cluster
                    .ask(&mut ctx, 1, (leader, partition), &[1, 2, 3])
                    .err(),
                Some(ErrorCode::InvalidUpdateVersion),
                "{mode}: another change from the older partition epoch"
            );
            cluster.controller.fence_broker(
                BrokerId(3),
                FenceReason::SessionTimeout,
                None,
                &mut ctx,
            );
            assert_eq!(
                cluster
                    .ask(&mut ctx, 1, (leader, shrunk.partition_epoch), &[1, 2, 3])
                    .err(),
                Some(ErrorCode::IneligibleReplica),
                "{mode}: a fenced broker cannot join"
            );
        }
    }
}
