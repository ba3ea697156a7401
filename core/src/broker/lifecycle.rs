//! A broker's life: start, crash, controlled shutdown, and keeping in touch with the
//! controller (KRaft) or ZooKeeper (legacy mode).
//!
//! KRaft (`BrokerLifecycleManager`, see [`super::heartbeats`]): a starting broker registers with
//! the controller, pulls the metadata log, and heartbeats every `broker.heartbeat.interval.ms`;
//! it stays fenced until it has caught up, and the controller fences it again if heartbeats stop
//! for `broker.session.timeout.ms`. ZooKeeper mode: the broker opens a session and keeps it alive
//! with pings; when the session expires its ephemeral node goes and the controller (watching)
//! treats it as dead. Either way a broker only opens its listeners once it has caught up with
//! the metadata.

use crate::cluster::config::MetadataMode;
use crate::cluster::context::Ctx;
use crate::cluster::event::{EventKind, FenceReason};
use crate::error::{ErrorCode, KafkaError};
use crate::ids::BrokerId;
use crate::network::NodeId;
use crate::protocol::controller::MetadataRecord;
use crate::protocol::{Body, ControllerBody, ZooKeeperBody};

use super::log_tasks::{LOG_INITIAL_TASK_DELAY_MS, PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS};
use super::metadata_cache::MetadataChange;
use super::{Broker, BrokerStatus, BrokerTimer, OwnRequest};

impl Broker {
    /// Starts the broker process: replicas come back from disk with their checkpointed high
    /// watermark, and the broker registers (KRaft) or opens a ZooKeeper session.
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.status = BrokerStatus::Starting;
        self.fenced = true;
        self.previous_broker_epoch = self.clean_shutdown_epoch.take();
        self.broker_epoch = -1;
        self.metadata_fetch_in_flight = false;
        for replica in self.replicas.values_mut() {
            // `UnifiedLog.updateHighWatermark`: the checkpoint, kept between the log start and
            // end offsets (the log may have been truncated or cleaned after the checkpoint).
            replica.high_watermark = replica
                .checkpointed_high_watermark
                .min(replica.log.log_end_offset())
                .max(replica.log.log_start_offset());
            replica.role = super::replica::Role::Follower { leader: None };
        }
        ctx.emit(EventKind::BrokerStarted { broker: self.id });
        match ctx.config.metadata_mode {
            MetadataMode::Kraft => self.start_communication(ctx),
            MetadataMode::ZooKeeper => {
                self.register_with_zookeeper(ctx);
                Self::after(
                    ctx,
                    (self.settings.zookeeper_session_timeout_ms / 3).max(1),
                    BrokerTimer::ZooKeeperPing,
                );
            }
        }
        let isr_check_ms = (self.settings.replica_lag_time_max_ms / 2).max(1);
        Self::after(ctx, isr_check_ms, BrokerTimer::IsrExpiration);
        Self::after(
            ctx,
            self.settings.replica_high_watermark_checkpoint_interval_ms,
            BrokerTimer::HighWatermarkCheckpoint,
        );
        // `LogManager.startup`: the retention task first runs `InitialTaskDelayMs` (30 s) after
        // the start, then every `log.retention.check.interval.ms`; the cleaner thread starts
        // looking at once, if there is a cleaner.
        Self::after(ctx, LOG_INITIAL_TASK_DELAY_MS, BrokerTimer::LogRetention);
        Self::after(
            ctx,
            PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS,
            BrokerTimer::ProducerIdExpiration,
        );
        if self.settings.log_cleaner_enable {
            Self::after(ctx, 0, BrokerTimer::LogCleaner);
        }
    }

    /// Stops the process: at once for a crash, or as a controlled shutdown ends (`controlled`),
    /// which writes the clean shutdown file and the high watermark checkpoint first. Held
    /// requests are dropped with their connections, which their senders notice immediately; the
    /// logs stay on disk.
    pub fn crash(&mut self, ctx: &mut Ctx, controlled: bool) {
        // Only an orderly stop writes the clean shutdown file and the high watermarks.
        self.clean_shutdown_epoch =
            (controlled && self.broker_epoch >= 0).then_some(self.broker_epoch);
        if controlled {
            self.write_high_watermark_checkpoint();
        }
        self.transactions_crashed(ctx);
        for (_, fetch) in std::mem::take(&mut self.purgatory.fetches) {
            let request_id = fetch.request.request_id;
            ctx.send(fetch.from, Body::Disconnected { request_id });
        }
        for (_, produce) in std::mem::take(&mut self.purgatory.produces) {
            if let super::purgatory::ProduceOrigin::Client {
                node, request_id, ..
            } = produce.origin
            {
                ctx.send(node, Body::Disconnected { request_id });
            }
        }
        self.purgatory.clear();
        // The quota sensors are metrics in the broker's memory.
        self.quotas = crate::quota::ClientQuotas::default();
        // A muted connection's unread requests go with it.
        for (client, muted) in std::mem::take(&mut self.muted) {
            for body in muted.held {
                let request_id = match body {
                    Body::ProduceRequest(request) => request.request_id,
                    Body::FetchRequest(request) => request.request_id,
                    _ => continue,
                };
                ctx.send(NodeId::Client(client), Body::Disconnected { request_id });
            }
        }
        self.stop_group_coordinator(ctx);
        self.fetchers.clear();
        self.own_requests.clear();
        self.deadlines.clear();
        self.auto_create_pending.clear();
        self.metadata_fetch_in_flight = false;
        self.status = BrokerStatus::Stopped;
        ctx.emit(EventKind::BrokerStopped {
            broker: self.id,
            controlled,
        });
    }

    /// Begins a controlled shutdown. KRaft: the broker asks the controller, in its heartbeats,
    /// to move its leaderships away and stops once told it may. ZooKeeper mode
    /// (`KafkaServer.controlledShutdown`): it sends ControlledShutdown requests, at most
    /// `controlled.shutdown.max.retries` of them `controlled.shutdown.retry.backoff.ms` apart,
    /// until the controller answers that it leads no replicated partition; then (or when the
    /// attempts are spent) it stops and closes its ZooKeeper session.
    pub fn begin_controlled_shutdown(&mut self, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        self.status = BrokerStatus::ShuttingDown;
        match ctx.config.metadata_mode {
            MetadataMode::Kraft => self.schedule_communication_immediately(ctx),
            MetadataMode::ZooKeeper => {
                self.shutdown_attempts_left = self.settings.controlled_shutdown_max_retries;
                self.send_controlled_shutdown(ctx);
            }
        }
    }

    /// ZooKeeper mode: one ControlledShutdown attempt.
    pub(super) fn send_controlled_shutdown(&mut self, ctx: &mut Ctx) {
        if self.status != BrokerStatus::ShuttingDown {
            return;
        }
        self.shutdown_attempts_left = self.shutdown_attempts_left.saturating_sub(1);
        let request_id = ctx.request_id();
        let body = ControllerBody::ControlledShutdown {
            request_id,
            broker: self.id,
            broker_epoch: self.broker_epoch,
        };
        // No controller known: the attempt fails at once, as Kafka's does.
        if !self.send_to_controller(request_id, OwnRequest::ControlledShutdown, body, ctx) {
            self.controlled_shutdown_failed(None, ctx);
        }
    }

    /// The controller's answer: the replicated partitions this broker still leads.
    pub(super) fn controlled_shutdown_answered(
        &mut self,
        request_id: u64,
        result: Result<usize, KafkaError>,
        ctx: &mut Ctx,
    ) {
        if self.take_own_request(request_id).is_none() {
            return;
        }
        match result {
            Ok(0) => self.stop_and_close_session(ctx),
            Ok(remaining) => self.controlled_shutdown_failed(Some(remaining), ctx),
            Err(_) => self.controlled_shutdown_failed(None, ctx),
        }
    }

    /// An attempt failed (partitions remain, an error, no answer): try again after the
    /// backoff, or stop anyway once the attempts are spent.
    pub(super) fn controlled_shutdown_failed(&mut self, remaining: Option<usize>, ctx: &mut Ctx) {
        let backoff_ms = self.settings.controlled_shutdown_retry_backoff_ms;
        ctx.emit(EventKind::ControlledShutdownFailed {
            broker: self.id,
            remaining,
            retries_left: self.shutdown_attempts_left,
            backoff_ms,
        });
        if self.shutdown_attempts_left > 0 {
            Self::after(ctx, backoff_ms, BrokerTimer::ControlledShutdownRetry);
        } else {
            self.stop_and_close_session(ctx);
        }
    }

    /// ZooKeeper mode: the process stops and closes its session on the way out, so ZooKeeper
    /// deletes `/brokers/ids/<id>` at once (a crash leaves the session to expire).
    fn stop_and_close_session(&mut self, ctx: &mut Ctx) {
        let close = ZooKeeperBody::CloseSession {
            broker: self.id,
            incarnation: self.incarnation,
        };
        self.send_to_zookeeper(close, ctx);
        self.crash(ctx, true);
    }

    /// ZooKeeper mode: pings the session (or opens a new one), and schedules the next ping.
    pub(super) fn ping_zookeeper(&mut self, ctx: &mut Ctx) {
        if self.broker_epoch < 0 {
            self.register_with_zookeeper(ctx);
        } else {
            let ping = ZooKeeperBody::Ping {
                broker: self.id,
                incarnation: self.incarnation,
            };
            self.send_to_zookeeper(ping, ctx);
        }
        Self::after(
            ctx,
            (self.settings.zookeeper_session_timeout_ms / 3).max(1),
            BrokerTimer::ZooKeeperPing,
        );
    }

    /// Pulls the metadata log from the controller (long poll), unless a fetch is in flight.
    pub(super) fn fetch_metadata(&mut self, ctx: &mut Ctx) {
        if self.metadata_fetch_in_flight || !self.is_up() {
            return;
        }
        let request_id = ctx.request_id();
        let body = ControllerBody::FetchMetadata {
            request_id,
            broker: self.id,
            offset: self.metadata.offset,
        };
        // Without a known controller nothing is sent: the next ZooKeeper pong (or retry)
        // fetches again, instead of a fetch counted in flight forever.
        self.metadata_fetch_in_flight =
            self.send_to_controller(request_id, OwnRequest::FetchMetadata, body, ctx);
    }

    pub(super) fn metadata_fetched(
        &mut self,
        request_id: u64,
        offset: u64,
        records: &[MetadataRecord],
        controller: BrokerId,
        ctx: &mut Ctx,
    ) {
        if self.take_own_request(request_id).is_none() {
            return;
        }
        self.metadata_fetch_in_flight = false;
        self.controller = Some(controller);
        let changes = self.metadata.apply(offset, records);
        if ctx.config.metadata_mode == MetadataMode::ZooKeeper {
            // ZooKeeper mode has no registration answer: the broker epoch is its znode's
            // creation id (`czxid`), which AlterPartition must carry; the metadata has it.
            if let Some(info) = self.metadata.brokers.get(&self.id) {
                if self.broker_epoch >= 0 {
                    self.broker_epoch = info.broker_epoch;
                }
                self.fenced = info.fenced;
            }
        }
        let caught_up = self.metadata.offset >= offset + records.len() as u64;
        if self.status == BrokerStatus::Starting && caught_up {
            self.status = BrokerStatus::Running;
            self.apply_all_roles(ctx);
            // Tell the controller at once, so it unfences this broker without waiting a beat.
            if ctx.config.metadata_mode == MetadataMode::Kraft {
                self.schedule_communication_immediately(ctx);
            }
        } else if self.is_serving() {
            for change in changes {
                self.apply_metadata_change(change, ctx);
            }
        }
        self.fetch_metadata(ctx);
    }

    fn apply_metadata_change(&mut self, change: MetadataChange, ctx: &mut Ctx) {
        match change {
            MetadataChange::Partition(partition) => self.apply_partition_state(&partition, ctx),
            MetadataChange::TopicRemoved(topic) => self.remove_topic(&topic, ctx),
            MetadataChange::Config(crate::protocol::controller::ConfigResource::Topic(topic)) => {
                self.refresh_topic_settings(&topic);
            }
            // A client's quota is looked up as its requests come; its kind stays measured
            // (see `quotas`).
            MetadataChange::Config(resource) if resource.is_client_quota() => {
                self.quotas.note_quotas(&self.metadata.configs);
            }
            MetadataChange::Config(_) => self.refresh_settings(ctx),
            MetadataChange::Broker(_) => {}
        }
    }

    pub(super) fn not_controller(
        &mut self,
        request: ControllerBody,
        controller: Option<BrokerId>,
        ctx: &mut Ctx,
    ) {
        let request_id = controller_request_id(&request);
        let Some(what) = request_id.and_then(|id| self.take_own_request(id)) else {
            return;
        };
        self.controller = controller.or_else(|| self.next_voter(ctx));
        self.retry_own_request(what, ctx);
    }

    /// A request of this broker's came back because the receiver was down.
    pub(super) fn handle_refused(&mut self, request: Body, ctx: &mut Ctx) {
        if let Body::Txn(crate::protocol::TxnBody::WriteTxnMarkers { request_id, .. }) = &request {
            self.marker_request_failed(*request_id, ctx);
            return;
        }
        let request_id = match &request {
            Body::FetchRequest(fetch) => Some(fetch.request_id),
            Body::Controller(body) => controller_request_id(body),
            _ => None,
        };
        let Some(what) = request_id.and_then(|id| self.take_own_request(id)) else {
            return;
        };
        if matches!(request, Body::Controller(_)) {
            self.controller = self.next_voter(ctx);
        }
        self.retry_own_request(what, ctx);
    }

    /// A request of this broker's got no answer in time.
    pub(super) fn request_timed_out(&mut self, request_id: u64, ctx: &mut Ctx) {
        if self.marker_request_failed(request_id, ctx) {
            return;
        }
        let Some(what) = self.take_own_request(request_id) else {
            return;
        };
        if !matches!(what, OwnRequest::ReplicaFetch { .. }) {
            self.controller = self.next_voter(ctx);
        }
        self.retry_own_request(what, ctx);
    }

    fn retry_own_request(&mut self, what: OwnRequest, ctx: &mut Ctx) {
        let backoff_ms = self.settings.replica_fetch_backoff_ms;
        match what {
            OwnRequest::ReplicaFetch { leader } => self.fetch_failed(leader, ctx),
            OwnRequest::FetchMetadata => {
                self.metadata_fetch_in_flight = false;
                Self::after(ctx, backoff_ms, BrokerTimer::FetchMetadata);
            }
            OwnRequest::Registration | OwnRequest::Heartbeat => self.communication_failed(ctx),
            OwnRequest::CreateTopics { topics } => {
                self.auto_create_pending
                    .retain(|topic| !topics.contains(topic));
            }
            OwnRequest::AlterPartition { partition } => {
                self.alter_partition_failed(&partition, ctx);
            }
            OwnRequest::ControlledShutdown => self.controlled_shutdown_failed(None, ctx),
        }
    }

    /// After losing the controller: the next voter to try (KRaft), or none until ZooKeeper
    /// names one.
    fn next_voter(&self, ctx: &Ctx) -> Option<BrokerId> {
        if ctx.config.metadata_mode == MetadataMode::ZooKeeper {
            return None;
        }
        let voters = ctx.config.controller_quorum_voters();
        let current = self
            .controller
            .and_then(|c| voters.iter().position(|v| *v == c));
        let next = current.map_or(0, |index| (index + 1) % voters.len().max(1));
        voters.get(next).copied()
    }

    /// Sends a request to the controller this broker believes active, with a timeout. Returns
    /// false when no controller is known (ZooKeeper mode, before `/controller` is read again):
    /// nothing was sent, and the caller must not wait for an answer.
    pub(super) fn send_to_controller(
        &mut self,
        request_id: u64,
        what: OwnRequest,
        body: ControllerBody,
        ctx: &mut Ctx,
    ) -> bool {
        let target = self
            .controller
            .or_else(|| ctx.config.controller_quorum_voters().first().copied());
        let Some(target) = target else {
            return false;
        };
        self.own_requests.insert(request_id, what);
        ctx.send(NodeId::Broker(target), Body::Controller(body));
        self.watch_request(request_id, self.settings.replica_socket_timeout_ms, ctx);
        true
    }

    /// Opens this process's ZooKeeper session and creates `/brokers/ids/<id>`.
    fn register_with_zookeeper(&mut self, ctx: &mut Ctx) {
        let register = ZooKeeperBody::Register {
            broker: self.id,
            incarnation: self.incarnation,
        };
        self.send_to_zookeeper(register, ctx);
    }

    fn send_to_zookeeper(&mut self, body: ZooKeeperBody, ctx: &mut Ctx) {
        ctx.send(NodeId::ZooKeeper, Body::ZooKeeper(body));
    }

    pub(super) fn zookeeper_pong(
        &mut self,
        session_alive: bool,
        controller: Option<BrokerId>,
        ctx: &mut Ctx,
    ) {
        if !session_alive {
            // The session expired: open a new one, as the ZooKeeper client reconnects.
            self.broker_epoch = -1;
            self.register_with_zookeeper(ctx);
            return;
        }
        self.broker_epoch = self.broker_epoch.max(0);
        match controller {
            Some(controller) => {
                self.controller = Some(controller);
                self.fetch_metadata(ctx);
            }
            None => self.try_to_become_controller(ctx),
        }
    }

    /// ZooKeeper mode: race to create the ephemeral `/controller` node.
    pub(super) fn try_to_become_controller(&mut self, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        self.controller = None;
        let create = ZooKeeperBody::CreateControllerNode {
            broker: self.id,
            incarnation: self.incarnation,
        };
        self.send_to_zookeeper(create, ctx);
    }

    /// Fenced as the controller recorded it; used for events and views.
    pub fn fence_reason(&self, ctx: &Ctx) -> FenceReason {
        match ctx.config.metadata_mode {
            MetadataMode::Kraft => FenceReason::SessionTimeout,
            MetadataMode::ZooKeeper => FenceReason::ZooKeeperSessionExpired,
        }
    }
}

/// The request id of a broker-to-controller request.
fn controller_request_id(body: &ControllerBody) -> Option<u64> {
    match body {
        ControllerBody::RegisterBroker { request_id, .. }
        | ControllerBody::BrokerHeartbeat { request_id, .. }
        | ControllerBody::FetchMetadata { request_id, .. }
        | ControllerBody::AlterPartition { request_id, .. }
        | ControllerBody::CreateTopics { request_id, .. }
        | ControllerBody::CreateInternalTopic { request_id, .. }
        | ControllerBody::ControlledShutdown { request_id, .. } => Some(*request_id),
        _ => None,
    }
}

/// `NETWORK_EXCEPTION`: what a client sees when a connection drops mid-request.
pub fn disconnected() -> KafkaError {
    KafkaError::with_default_message(ErrorCode::NetworkException)
}
