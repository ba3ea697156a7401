//! A Kafka broker: it holds partition replicas, leads some and follows others, answers clients,
//! and keeps in touch with the controller.
//!
//! Where each part of a broker's work lives:
//! - [`replica`]: one partition replica: leader bookkeeping, high watermark, ISR candidates;
//! - [`metadata_cache`]: the broker's copy of the cluster metadata;
//! - [`lifecycle`]: start, crash, controlled shutdown, the metadata log, ZooKeeper sessions;
//! - [`heartbeats`]: registering with the KRaft controller and heartbeating, one at a time;
//! - [`roles`]: becoming leader or follower as the metadata says;
//! - [`produce`]: the leader's side of Produce, including `acks` and `min.insync.replicas`;
//! - [`fetch`]: the leader's side of Fetch (followers and consumers) and ListOffsets;
//! - [`fetcher`]: the follower's side: fetching from the leader, truncating, appending;
//! - [`isr`]: shrinking and expanding the ISR through AlterPartition;
//! - [`log_tasks`]: retention, compaction and the high watermark checkpoint;
//! - [`purgatory`]: requests held until they can be answered;
//! - [`coordinator`]: FindCoordinator, and the group coordinator of the `__consumer_offsets`
//!   partitions the broker leads (see [`crate::group::coordinator`]).
//! - [`txn`]: the transaction coordinator and transaction markers;
//!
//! A broker's logs and its high watermark checkpoint survive a crash, as files on disk do;
//! everything else (held requests, fetch sessions, coordinator state) is lost.

pub mod authorization;
pub mod coordinator;
pub mod delete_records;
pub mod fetch;
pub mod fetcher;
pub mod heartbeats;
pub mod isr;
pub mod lifecycle;
pub mod log_tasks;
pub mod metadata_cache;
pub mod produce;
pub mod producer_ids;
pub mod purgatory;
pub mod quotas;
pub mod replica;
pub mod roles;
pub mod txn;

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::deadlines::Deadlines;
use crate::cluster::settings::{BrokerSettings, TopicSettings, TopicSettingsCache};
use crate::cluster::timer::Timer;
use crate::config::broker::BrokerConfig;
use crate::group::coordinator::{CoordinatorTimer, GroupCoordinator};
use crate::ids::{BrokerId, TopicPartition};
use crate::network::NodeId;
use crate::protocol::group::CoordinatorType;
use crate::protocol::{Body, ControllerBody, GroupBody, TxnBody, ZooKeeperBody};

use self::fetcher::Fetcher;
use self::heartbeats::Communication;
use self::metadata_cache::MetadataCache;
use self::purgatory::Purgatory;
use self::replica::Replica;
use self::txn::{TransactionBroker, TxnTimer};

/// What a broker is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerStatus {
    /// The process is not running.
    Stopped,
    /// Started, catching up with the metadata; not serving clients yet.
    Starting,
    /// Serving.
    Running,
    /// Serving while the controller moves its leaderships away (controlled shutdown).
    ShuttingDown,
}

/// A broker's timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerTimer {
    /// KRaft: send the next registration or heartbeat, unless another time was set since
    /// (see [`heartbeats`]).
    Communication {
        /// The time the timer was set for.
        at_ms: i64,
    },
    /// ZooKeeper mode: ping the session.
    ZooKeeperPing,
    /// ZooKeeper mode: try the controlled shutdown again.
    ControlledShutdownRetry,
    /// Fetch the metadata log again after a failure.
    FetchMetadata,
    /// Fetch from this leader again (after a backoff).
    ReplicaFetch {
        /// The leader.
        leader: BrokerId,
    },
    /// The earliest deadline of the broker's requests awaiting an answer (see
    /// [`Deadlines`](crate::cluster::deadlines::Deadlines)).
    Deadline {
        /// The time the timer was set for.
        at_ms: i64,
    },
    /// Send a pending ISR change to the controller again (see [`isr`]).
    AlterPartitionRetry {
        /// The partition.
        partition: TopicPartition,
    },
    /// Check the ISRs this broker leads for lagging followers.
    IsrExpiration,
    /// Write the high watermarks to the checkpoint.
    HighWatermarkCheckpoint,
    /// Run retention.
    LogRetention,
    /// Forget the producers that have been silent for `producer.id.expiration.ms`.
    ProducerIdExpiration,
    /// Run the log cleaner (compaction).
    LogCleaner,
    /// A held produce times out.
    DelayedProduceExpired {
        /// Its purgatory id.
        id: u64,
    },
    /// A held fetch must be answered now.
    DelayedFetchExpired {
        /// Its purgatory id.
        id: u64,
    },
    /// A client's throttle may be over: read its held requests (see [`quotas`]).
    Unmute {
        /// The client.
        client: crate::network::ClientId,
    },
    /// A timer of the broker's group coordinator.
    GroupCoordinator(CoordinatorTimer),
    /// The transaction coordinator's work.
    Transaction(TxnTimer),
}

/// What a broker's own request was, so a timeout or refusal can be handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnRequest {
    /// A fetch to a leader.
    ReplicaFetch {
        /// The leader.
        leader: BrokerId,
    },
    /// A metadata fetch to the controller.
    FetchMetadata,
    /// A registration (KRaft).
    Registration,
    /// A heartbeat (KRaft).
    Heartbeat,
    /// An automatic topic creation.
    CreateTopics {
        /// The topics.
        topics: Vec<String>,
    },
    /// An AlterPartition.
    AlterPartition {
        /// The partition.
        partition: TopicPartition,
    },
    /// A ControlledShutdown (ZooKeeper mode).
    ControlledShutdown,
}

/// One broker.
#[derive(Debug, Clone)]
pub struct Broker {
    /// Its `node.id`.
    pub id: BrokerId,
    /// Running or not.
    pub status: BrokerStatus,
    /// Bumped on every start; stale timers carry an older number.
    pub incarnation: u32,
    /// The epoch the controller gave its current registration (-1 before).
    pub broker_epoch: i64,
    /// The clean shutdown file (`.kafka_cleanshutdown`, KIP-966): the broker epoch of a
    /// process that stopped in order, on disk until the next start reads it.
    pub clean_shutdown_epoch: Option<i64>,
    /// What this process read from that file at its start: its registrations offer it as the
    /// `previousBrokerEpoch`, and the controller counts the restart as clean if it matches.
    pub previous_broker_epoch: Option<i64>,
    /// When its next registration or heartbeat goes (KRaft).
    pub communication: Communication,
    /// Whether the controller has it fenced, as far as it knows.
    pub fenced: bool,
    /// Its static config (`server.properties`).
    pub static_config: BrokerConfig,
    /// Its config in effect: static plus dynamic overrides.
    pub config: BrokerConfig,
    /// Its settings, resolved from `config`.
    pub settings: BrokerSettings,
    /// Every topic's settings as this broker knows them.
    pub topics: TopicSettingsCache,
    /// Its copy of the metadata.
    pub metadata: MetadataCache,
    /// Its replicas.
    pub replicas: VecMap<TopicPartition, Replica>,
    /// One fetcher per leader it follows partitions of.
    pub fetchers: VecMap<BrokerId, Fetcher>,
    /// Held requests.
    pub purgatory: Purgatory,
    /// The bytes each client id produced and fetched, for client quotas.
    pub quotas: crate::quota::ClientQuotas,
    /// Clients throttled by a quota: until when, and the produce and fetch requests that
    /// came meanwhile, in order (the muted connection's unread requests).
    pub muted: VecMap<crate::network::ClientId, quotas::Muted>,
    /// Its requests awaiting an answer.
    pub own_requests: VecMap<u64, OwnRequest>,
    /// When they give up.
    pub deadlines: Deadlines,
    /// The controller it talks to (learned from answers and ZooKeeper).
    pub controller: Option<BrokerId>,
    /// Whether a metadata fetch is in flight.
    pub metadata_fetch_in_flight: bool,
    /// Topics it asked the controller to auto-create, not yet answered.
    pub auto_create_pending: Vec<String>,
    /// The next producer id it will hand out (persisted, like the controller's id blocks).
    pub next_producer_id: i64,
    /// The group coordinator of the `__consumer_offsets` partitions it leads (in memory only:
    /// rebuilt from the log after a restart).
    pub group_coordinator: GroupCoordinator,
    /// Its transaction coordinator and the transaction markers it is writing.
    pub transactions: TransactionBroker,
    /// ZooKeeper mode, in a controlled shutdown: the ControlledShutdown attempts left.
    pub shutdown_attempts_left: u32,
}

impl Broker {
    /// A stopped broker with no replicas.
    pub fn new(id: BrokerId, config: BrokerConfig) -> Broker {
        Broker {
            id,
            status: BrokerStatus::Stopped,
            incarnation: 0,
            broker_epoch: -1,
            clean_shutdown_epoch: None,
            previous_broker_epoch: None,
            communication: Communication::default(),
            fenced: true,
            settings: BrokerSettings::from_config(&config),
            topics: TopicSettingsCache::new(&config),
            static_config: config.clone(),
            config,
            metadata: MetadataCache::default(),
            replicas: VecMap::new(),
            fetchers: VecMap::new(),
            purgatory: Purgatory::default(),
            quotas: crate::quota::ClientQuotas::default(),
            muted: VecMap::new(),
            own_requests: VecMap::new(),
            deadlines: Deadlines::default(),
            controller: None,
            metadata_fetch_in_flight: false,
            auto_create_pending: Vec::new(),
            next_producer_id: 0,
            group_coordinator: GroupCoordinator::default(),
            transactions: TransactionBroker::default(),
            shutdown_attempts_left: 0,
        }
    }

    /// This broker as a network node.
    pub fn node(&self) -> NodeId {
        NodeId::Broker(self.id)
    }

    /// Whether the process runs.
    pub fn is_up(&self) -> bool {
        self.status != BrokerStatus::Stopped
    }

    /// Whether it serves clients and followers.
    pub fn is_serving(&self) -> bool {
        matches!(
            self.status,
            BrokerStatus::Running | BrokerStatus::ShuttingDown
        )
    }

    /// `KafkaApis.getCurrentLeader` (KIP-951): the leader and leader epoch of `partition` as
    /// this broker knows them, from its own replica or else its metadata cache, for an answer
    /// that says it does not lead the partition (or no longer under the epoch asked about).
    /// Kafka also sends the leader's address when the leader is alive; clients here know
    /// every broker's address, so the leader's id is enough.
    pub(crate) fn current_leader(&self, partition: &TopicPartition) -> Option<(BrokerId, i32)> {
        let state = match self.replicas.get(partition) {
            Some(replica) => &replica.state,
            None => self.metadata.partition(partition)?,
        };
        Some((state.leader?, state.leader_epoch))
    }

    /// The effective settings of `topic`: its overrides over this broker's defaults.
    pub fn topic_settings(&self, topic: &str) -> TopicSettings {
        self.topics.get(topic).clone()
    }

    /// Handles a message addressed to this broker (not to its controller).
    pub fn handle_message(&mut self, from: NodeId, body: Body, ctx: &mut Ctx) {
        match body {
            Body::Controller(body) => self.handle_controller_message(body, ctx),
            Body::ZooKeeper(body) => self.handle_zookeeper_message(body, ctx),
            Body::FetchResponse(response) => self.handle_fetch_response(response, ctx),
            Body::Refused(request) => self.handle_refused(*request, ctx),
            Body::Disconnected { request_id } => self.request_timed_out(request_id, ctx),
            other if !self.is_serving() => {
                // Listeners open only once the broker has caught up with the metadata.
                if other.is_request() {
                    ctx.send(from, Body::Refused(Box::new(other)));
                }
            }
            other if !self.authenticates(from, ctx) && other.is_request() => {
                self.refuse_login(from, other, ctx)
            }
            Body::AuthenticationFailed { .. } => {}
            other @ (Body::ProduceRequest(_) | Body::FetchRequest(_)) if self.is_muted(from) => {
                self.hold_while_muted(from, other);
            }
            Body::ProduceRequest(request) => self.handle_produce(from, request, ctx),
            Body::FetchRequest(request) => self.handle_fetch(from, request, ctx),
            Body::ListOffsetsRequest(request) => self.handle_list_offsets(from, request, ctx),
            Body::OffsetsForLeaderEpochRequest(request) => {
                self.handle_offsets_for_leader_epoch(from, request, ctx)
            }
            Body::MetadataRequest(request) => self.handle_metadata_request(from, request, ctx),
            Body::Txn(TxnBody::InitProducerId {
                request_id,
                transactional_id: None,
                ..
            }) => self.assign_producer_id(from, request_id, ctx),
            Body::Txn(body) => self.handle_txn_message(from, body, ctx),
            Body::Group(GroupBody::FindCoordinator {
                request_id,
                key,
                key_type: CoordinatorType::Transaction,
            }) => self.find_transaction_coordinator(from, request_id, &key, ctx),
            Body::Group(body) => self.handle_group_request(from, body, ctx),
            Body::ProduceResponse(_)
            | Body::ListOffsetsResponse(_)
            | Body::OffsetsForLeaderEpochResponse(_)
            | Body::MetadataResponse(_) => {}
        }
    }

    /// Handles one of this broker's timers.
    pub fn handle_timer(&mut self, timer: BrokerTimer, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        match timer {
            BrokerTimer::Communication { at_ms } => self.communicate(at_ms, ctx),
            BrokerTimer::ZooKeeperPing => self.ping_zookeeper(ctx),
            BrokerTimer::ControlledShutdownRetry => self.send_controlled_shutdown(ctx),
            BrokerTimer::FetchMetadata => self.fetch_metadata(ctx),
            BrokerTimer::ReplicaFetch { leader } => self.send_replica_fetch(leader, ctx),
            BrokerTimer::Deadline { at_ms } => {
                let (expired, next) = self.deadlines.expire(at_ms, ctx.now_ms);
                if let Some(at_ms) = next {
                    ctx.at(at_ms, Timer::Broker(BrokerTimer::Deadline { at_ms }));
                }
                for (request_id, _) in expired {
                    self.request_timed_out(request_id, ctx);
                }
            }
            BrokerTimer::AlterPartitionRetry { partition } => {
                self.retry_alter_partition(&partition, ctx);
            }
            BrokerTimer::IsrExpiration => self.expire_isr(ctx),
            BrokerTimer::HighWatermarkCheckpoint => self.checkpoint_high_watermarks(ctx),
            BrokerTimer::LogRetention => self.run_retention(ctx),
            BrokerTimer::ProducerIdExpiration => self.expire_producer_ids(ctx),
            BrokerTimer::LogCleaner => self.run_cleaner(ctx),
            BrokerTimer::DelayedProduceExpired { id } => self.expire_delayed_produce(id, ctx),
            BrokerTimer::DelayedFetchExpired { id } => self.complete_delayed_fetch(id, ctx),
            BrokerTimer::Unmute { client } => self.unmute(client, ctx),
            BrokerTimer::GroupCoordinator(timer) => self.handle_coordinator_timer(timer, ctx),
            BrokerTimer::Transaction(timer) => self.handle_txn_timer(timer, ctx),
        }
    }

    fn handle_controller_message(&mut self, body: ControllerBody, ctx: &mut Ctx) {
        match body {
            ControllerBody::RegisterBrokerResponse { request_id, result } => {
                self.registered(request_id, result, ctx);
            }
            ControllerBody::BrokerHeartbeatResponse { request_id, result } => {
                self.heartbeat_answered(request_id, result, ctx);
            }
            ControllerBody::FetchMetadataResponse {
                request_id,
                offset,
                records,
                controller,
            } => self.metadata_fetched(request_id, offset, &records, controller, ctx),
            ControllerBody::AlterPartitionResponse {
                request_id,
                partition,
                result,
            } => self.alter_partition_answered(request_id, partition, result, ctx),
            ControllerBody::CreateTopicsResponse {
                request_id,
                results,
            } => {
                self.take_own_request(request_id);
                for (topic, _) in results {
                    self.auto_create_pending.retain(|pending| *pending != topic);
                }
            }
            ControllerBody::ControlledShutdownResponse { request_id, result } => {
                self.controlled_shutdown_answered(request_id, result, ctx);
            }
            ControllerBody::NotController {
                request,
                controller,
            } => self.not_controller(*request, controller, ctx),
            // Requests for the controller never reach the broker part of a node.
            ControllerBody::RegisterBroker { .. }
            | ControllerBody::BrokerHeartbeat { .. }
            | ControllerBody::FetchMetadata { .. }
            | ControllerBody::AlterPartition { .. }
            | ControllerBody::CreateTopics { .. }
            | ControllerBody::CreateInternalTopic { .. }
            | ControllerBody::ControlledShutdown { .. } => {}
        }
    }

    fn handle_zookeeper_message(&mut self, body: ZooKeeperBody, ctx: &mut Ctx) {
        match body {
            // A reply to an earlier process of this broker went with that process's connection.
            ZooKeeperBody::Pong { incarnation, .. } if incarnation != self.incarnation => {}
            ZooKeeperBody::Pong {
                session_alive,
                controller,
                ..
            } => self.zookeeper_pong(session_alive, controller, ctx),
            ZooKeeperBody::ControllerGone => self.try_to_become_controller(ctx),
            ZooKeeperBody::ControllerNode { controller, .. } => {
                self.controller = Some(controller);
            }
            // Watch notifications for the controller are routed to it by the cluster.
            _ => {}
        }
    }

    /// Takes a request of this broker's off the books (answered, refused or timed out).
    pub(crate) fn take_own_request(&mut self, request_id: u64) -> Option<OwnRequest> {
        self.deadlines.forget(request_id);
        self.own_requests.remove(&request_id)
    }

    /// Gives up on `request_id` after `timeout_ms` unless it is answered first.
    pub(crate) fn watch_request(&mut self, request_id: u64, timeout_ms: i64, ctx: &mut Ctx) {
        if let Some(at_ms) = self
            .deadlines
            .watch(request_id, ctx.now_ms.saturating_add(timeout_ms))
        {
            ctx.at(at_ms, Timer::Broker(BrokerTimer::Deadline { at_ms }));
        }
    }

    /// Sets a timer on this broker.
    pub(crate) fn after(ctx: &mut Ctx, delay_ms: i64, timer: BrokerTimer) {
        ctx.after(delay_ms, Timer::Broker(timer));
    }
}
