//! Routing inside the simulation: commands to the nodes they concern, scheduled occurrences to
//! the node they are for, and a node's outbox into the scheduler.
//!
//! This is the only place that knows every kind of node. A message to a broker is for its
//! controller part when it is a controller request and the broker is the active controller; a
//! message to a node that is down is refused (its sender gets it back after one latency); a
//! timer of a node that restarted since is ignored.

use crate::broker::Broker;
use crate::client::Client;
use crate::controller::quorum::{can_lead, FETCH_TIMEOUT_MS};
use crate::controller::ControllerTimer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::BrokerId;
use crate::network::{ClientId, Fate, NodeId};
use crate::protocol::{Body, ControllerBody, Message, ZooKeeperBody};

use super::command::Command;
use super::config::MetadataMode;
use super::context::{Ctx, Outbox};
use super::event::{Event, EventKind};
use super::scheduler::{Occurrence, TimerEntry};
use super::timer::Timer;
use super::Cluster;

impl Cluster {
    /// Runs `f` on broker `id` with a context for it.
    pub(crate) fn with_broker<R>(
        &mut self,
        id: BrokerId,
        outbox: &mut Outbox,
        f: impl FnOnce(&mut Broker, &mut Ctx) -> R,
    ) -> Option<R> {
        let broker = self.brokers.get_mut(&id)?;
        let mut ctx = Ctx {
            node: NodeId::Broker(id),
            incarnation: broker.incarnation,
            now_ms: self.now_ms,
            clock_ms: self.config.start_time_ms.saturating_add(self.now_ms),
            rng: &mut self.rng,
            principals: &self.principals,
            config: &self.config,
            out: outbox,
            next_request_id: &mut self.next_request_id,
        };
        Some(f(broker, &mut ctx))
    }

    /// Runs `f` on the active controller, acting as its broker's node.
    pub(crate) fn with_controller<R>(
        &mut self,
        outbox: &mut Outbox,
        f: impl FnOnce(&mut crate::controller::Controller, &mut Ctx) -> R,
    ) -> Result<R, KafkaError> {
        let active = self.active_controller().ok_or_else(no_controller)?;
        let incarnation = self
            .brokers
            .get(&active)
            .map_or(0, |broker| broker.incarnation);
        let mut ctx = Ctx {
            node: NodeId::Broker(active),
            incarnation,
            now_ms: self.now_ms,
            clock_ms: self.config.start_time_ms.saturating_add(self.now_ms),
            rng: &mut self.rng,
            principals: &self.principals,
            config: &self.config,
            out: outbox,
            next_request_id: &mut self.next_request_id,
        };
        Ok(f(&mut self.controller, &mut ctx))
    }

    /// Runs `f` on client `id` with a context for it.
    pub(crate) fn with_client<R>(
        &mut self,
        id: ClientId,
        outbox: &mut Outbox,
        f: impl FnOnce(&mut Client, &mut Ctx) -> R,
    ) -> Option<R> {
        let client = self.clients.get_mut(id)?;
        let mut ctx = Ctx {
            node: NodeId::Client(id),
            incarnation: client.incarnation(),
            now_ms: self.now_ms,
            clock_ms: self.config.start_time_ms.saturating_add(self.now_ms),
            rng: &mut self.rng,
            principals: &self.principals,
            config: &self.config,
            out: outbox,
            next_request_id: &mut self.next_request_id,
        };
        Some(f(client, &mut ctx))
    }

    fn with_zookeeper(
        &mut self,
        outbox: &mut Outbox,
        f: impl FnOnce(&mut crate::zookeeper::ZooKeeper, &mut Ctx),
    ) {
        let Some(zookeeper) = self.zookeeper.as_mut() else {
            return;
        };
        let mut ctx = Ctx {
            node: NodeId::ZooKeeper,
            incarnation: 0,
            now_ms: self.now_ms,
            clock_ms: self.config.start_time_ms.saturating_add(self.now_ms),
            rng: &mut self.rng,
            principals: &self.principals,
            config: &self.config,
            out: outbox,
            next_request_id: &mut self.next_request_id,
        };
        f(zookeeper, &mut ctx);
    }

    /// Carries out a command (validated by the part that owns it).
    pub(super) fn execute(
        &mut self,
        command: Command,
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        match command {
            Command::StopBroker { broker } => self.stop_broker(broker, false, outbox),
            Command::ShutdownBroker { broker } => self.stop_broker(broker, true, outbox),
            Command::StartBroker { broker } => self.start_broker(broker, outbox),
            Command::IsolateBroker { broker } => {
                self.broker_exists(broker)?;
                self.network.isolate(broker);
                Ok(())
            }
            Command::RejoinBroker { broker } => {
                self.broker_exists(broker)?;
                self.network.rejoin(broker);
                Ok(())
            }
            Command::CutLinks { side_a, side_b } => {
                self.check_nodes(&side_a)?;
                self.check_nodes(&side_b)?;
                self.network.cut(&side_a, &side_b);
                Ok(())
            }
            Command::RepairLinks { side_a, side_b } => {
                self.network.repair(&side_a, &side_b);
                Ok(())
            }
            Command::DelayBroker { broker, extra_ms } => {
                self.broker_exists(broker)?;
                if !(0..=3_600_000).contains(&extra_ms) {
                    return Err(KafkaError::new(
                        ErrorCode::InvalidRequest,
                        format!("A delay must be between 0 and 3600000 ms, not {extra_ms}."),
                    ));
                }
                self.network.delay(broker, extra_ms);
                Ok(())
            }
            Command::HoldFetches { broker } => {
                self.broker_exists(broker)?;
                self.network.hold(broker);
                Ok(())
            }
            Command::ReleaseFetches { broker } => {
                self.broker_exists(broker)?;
                self.network.release(broker);
                self.release_held(outbox);
                Ok(())
            }
            Command::HealNetwork => {
                self.network.heal_all();
                self.release_held(outbox);
                Ok(())
            }
            Command::DeleteRecords { partition, offset } => {
                let leader = self.running_leader(&partition)?;
                self.with_broker(leader, outbox, |b, ctx| {
                    b.delete_records(&partition, offset, ctx)
                })
                .map_or(Ok(()), |result| result.map(|_| ()))
            }
            admin if admin.controller_call().is_some() => self.execute_admin(admin, outbox),
            other => self.execute_client_command(other, outbox),
        }
    }

    fn execute_admin(&mut self, command: Command, outbox: &mut Outbox) -> Result<(), KafkaError> {
        self.with_controller(outbox, |controller, ctx| match command {
            Command::CreateTopic {
                topic,
                partitions,
                replication_factor,
                configs,
            } => {
                let new_topic = crate::controller::topics::NewTopic {
                    name: topic,
                    partitions,
                    replication_factor,
                    configs,
                    assignment: Vec::new(),
                };
                controller.create_topic(&new_topic, false, ctx).map(|_| ())
            }
            Command::CreateTopicWithAssignment {
                topic,
                assignment,
                configs,
            } => {
                let new_topic = crate::controller::topics::NewTopic {
                    name: topic,
                    partitions: -1,
                    replication_factor: -1,
                    configs,
                    assignment,
                };
                controller.create_topic(&new_topic, false, ctx).map(|_| ())
            }
            Command::DeleteTopic { topic } => controller.delete_topic(&topic, ctx),
            Command::CreatePartitions { topic, total_count } => {
                controller.create_partitions(&topic, total_count, ctx)
            }
            Command::AlterConfigs {
                resource,
                set,
                delete,
            } => controller.alter_configs(&resource, &set, &delete, ctx),
            Command::CreateAcls { bindings } => controller.create_acls(&bindings, ctx).map(|_| ()),
            Command::DeleteAcls { filters } => controller.delete_acls(&filters, ctx).map(|_| ()),
            Command::ElectLeaders {
                election,
                partitions,
            } => {
                let results = controller.elect_leaders(election, partitions.as_deref(), ctx);
                // A single named partition reports its own failure; a sweep never fails.
                match (partitions.as_deref(), results.as_slice()) {
                    (Some([_]), [(_, Err(error))]) => Err(error.clone()),
                    _ => Ok(()),
                }
            }
            Command::AlterPartitionReassignment {
                partition,
                replicas,
            } => controller.alter_partition_reassignment(&partition, replicas, ctx),
            _ => Ok(()),
        })?
    }

    fn stop_broker(
        &mut self,
        broker: BrokerId,
        controlled: bool,
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        self.broker_exists(broker)?;
        if !self.brokers.get(&broker).is_some_and(Broker::is_up) {
            return Err(KafkaError::new(
                ErrorCode::BrokerNotAvailable,
                format!("Broker {broker} is not running."),
            ));
        }
        if controlled {
            self.with_broker(broker, outbox, |b, ctx| b.begin_controlled_shutdown(ctx));
        } else {
            self.with_broker(broker, outbox, |b, ctx| b.crash(ctx, false));
        }
        self.after_brokers_stopped(outbox);
        Ok(())
    }

    /// A broker process that stopped takes its controller role with it: no controller runs
    /// until the quorum elects another (KRaft) or ZooKeeper's session of the old one expires and
    /// another broker creates `/controller` (ZooKeeper mode).
    pub(super) fn after_brokers_stopped(&mut self, outbox: &mut Outbox) {
        let stopped = self
            .controller
            .active
            .is_some_and(|active| !self.brokers.get(&active).is_some_and(Broker::is_up));
        if stopped {
            self.deactivate_controller(outbox);
        }
    }

    /// The active controller stops being one (its process stopped, or it lost its quorum).
    fn deactivate_controller(&mut self, outbox: &mut Outbox) {
        let Some(active) = self.controller.active else {
            return;
        };
        let mut ctx = Ctx {
            node: NodeId::Broker(active),
            incarnation: self.brokers.get(&active).map_or(0, |b| b.incarnation),
            now_ms: self.now_ms,
            clock_ms: self.config.start_time_ms.saturating_add(self.now_ms),
            rng: &mut self.rng,
            principals: &self.principals,
            config: &self.config,
            out: outbox,
            next_request_id: &mut self.next_request_id,
        };
        self.controller.deactivate(&mut ctx);
    }

    fn start_broker(&mut self, broker: BrokerId, outbox: &mut Outbox) -> Result<(), KafkaError> {
        self.broker_exists(broker)?;
        if self.brokers.get(&broker).is_some_and(Broker::is_up) {
            return Err(KafkaError::new(
                ErrorCode::InvalidRequest,
                format!("Broker {broker} is already running."),
            ));
        }
        if let Some(b) = self.brokers.get_mut(&broker) {
            b.incarnation += 1;
        }
        self.with_broker(broker, outbox, |b, ctx| b.start(ctx));
        Ok(())
    }

    fn check_nodes(&self, nodes: &[NodeId]) -> Result<(), KafkaError> {
        for node in nodes {
            match node {
                NodeId::Broker(broker) => self.broker_exists(*broker)?,
                NodeId::Client(client) if self.clients.get(*client).is_none() => {
                    return Err(KafkaError::new(
                        ErrorCode::InvalidRequest,
                        format!("There is no client {}.", client.0),
                    ))
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Re-sends messages held by a `hold` that has been released.
    fn release_held(&mut self, outbox: &mut Outbox) {
        let held = std::mem::take(&mut self.held);
        for message in held {
            outbox.sends.push((message.from, message.to, message.body));
        }
    }

    /// Runs one scheduled occurrence.
    pub(super) fn occur(&mut self, occurrence: Occurrence, outbox: &mut Outbox) {
        match occurrence {
            Occurrence::Deliver(message) => self.deliver(message, outbox),
            Occurrence::Timer(entry) => self.fire(entry, outbox),
        }
        // A controlled shutdown ends inside the broker, when the controller lets it go.
        let stopped = outbox
            .events
            .iter()
            .any(|event| matches!(event, EventKind::BrokerStopped { .. }));
        if stopped {
            self.after_brokers_stopped(outbox);
            self.quorum_check_due = true;
        }
    }

    fn deliver(&mut self, message: Message, outbox: &mut Outbox) {
        let Message { from, to, body, .. } = message;
        // A fault that started while the message travelled stops it too.
        if !self.network.connected(from, to) {
            self.lost(from, to, &body);
            return;
        }
        match to {
            NodeId::Broker(broker) => self.deliver_to_broker(from, broker, body, outbox),
            NodeId::ZooKeeper => {
                if let Body::ZooKeeper(body) = body {
                    self.with_zookeeper(outbox, |zookeeper, ctx| zookeeper.handle(from, body, ctx));
                }
            }
            NodeId::Client(client) => {
                if self.clients.get(client).is_some_and(Client::is_up) {
                    self.with_client(client, outbox, |c, ctx| c.handle_message(from, body, ctx));
                }
            }
        }
    }

    fn deliver_to_broker(
        &mut self,
        from: NodeId,
        broker: BrokerId,
        body: Body,
        outbox: &mut Outbox,
    ) {
        let is_up = self.brokers.get(&broker).is_some_and(Broker::is_up);
        if !is_up {
            if body.is_request() {
                outbox
                    .sends
                    .push((NodeId::Broker(broker), from, Body::Refused(Box::new(body))));
            }
            return;
        }
        let is_active_controller = self.controller.active == Some(broker);
        match body {
            Body::Controller(request) if request.is_request() => {
                if is_active_controller {
                    let _ = self.with_controller(outbox, |controller, ctx| {
                        controller.handle_request(from, request, ctx)
                    });
                } else {
                    let hint = self.controller.active;
                    let refusal = ControllerBody::NotController {
                        request: Box::new(request),
                        controller: hint,
                    };
                    outbox
                        .sends
                        .push((NodeId::Broker(broker), from, Body::Controller(refusal)));
                }
            }
            Body::ZooKeeper(ZooKeeperBody::BrokerExpired {
                broker: gone,
                closed,
            }) => {
                if is_active_controller {
                    let timeout_ms = self.zookeeper_session_timeout_ms();
                    let _ = self.with_controller(outbox, |c, ctx| {
                        c.zookeeper_broker_expired(gone, closed, timeout_ms, ctx)
                    });
                }
            }
            Body::ZooKeeper(ZooKeeperBody::BrokersChanged { live_brokers }) => {
                if is_active_controller {
                    let timeout_ms = self.zookeeper_session_timeout_ms();
                    let _ = self.with_controller(outbox, |c, ctx| {
                        c.zookeeper_sync_brokers(&live_brokers, timeout_ms, ctx)
                    });
                }
            }
            Body::ZooKeeper(ZooKeeperBody::BrokerRegistered { broker: joined }) => {
                if is_active_controller {
                    let _ = self.with_controller(outbox, |c, ctx| {
                        c.zookeeper_broker_registered(joined, ctx)
                    });
                }
            }
            Body::ZooKeeper(ZooKeeperBody::ControllerNode {
                incarnation,
                controller,
                epoch,
                live_brokers,
            }) => {
                // An answer to an earlier process of this broker went with its connection.
                if self
                    .brokers
                    .get(&broker)
                    .is_none_or(|b| b.incarnation != incarnation)
                {
                    return;
                }
                self.with_broker(broker, outbox, |b, _| b.controller = Some(controller));
                if controller == broker && self.controller.active != Some(broker) {
                    self.controller.active = Some(broker);
                    let timeout_ms = self.zookeeper_session_timeout_ms();
                    let _ = self.with_controller(outbox, |c, ctx| {
                        c.activate(broker, epoch, true, ctx);
                        c.zookeeper_sync_brokers(&live_brokers, timeout_ms, ctx);
                    });
                }
            }
            other => {
                self.with_broker(broker, outbox, |b, ctx| b.handle_message(from, other, ctx));
            }
        }
    }

    fn fire(&mut self, entry: TimerEntry, outbox: &mut Outbox) {
        let TimerEntry {
            node,
            incarnation,
            timer,
        } = entry;
        match (node, timer) {
            (_, Timer::Controller(ControllerTimer::QuorumElection)) => {
                self.run_quorum_election(outbox)
            }
            (NodeId::Broker(broker), Timer::Controller(timer)) => {
                let current = self.brokers.get(&broker).map(|b| b.incarnation);
                if self.controller.active == Some(broker) && current == Some(incarnation) {
                    let _ = self.with_controller(outbox, |c, ctx| c.handle_timer(timer, ctx));
                }
            }
            (NodeId::Broker(broker), Timer::Broker(timer)) => {
                let current = self.brokers.get(&broker).map(|b| b.incarnation);
                if current == Some(incarnation) {
                    self.with_broker(broker, outbox, |b, ctx| b.handle_timer(timer, ctx));
                }
            }
            (NodeId::ZooKeeper, Timer::ZooKeeper(timer)) => {
                let before = self.zookeeper.as_ref().and_then(|zk| zk.controller);
                self.with_zookeeper(outbox, |zookeeper, ctx| zookeeper.handle_timer(timer, ctx));
                let after = self.zookeeper.as_ref().and_then(|zk| zk.controller);
                if before.is_some() && after.is_none() {
                    let _ = self.with_controller(outbox, |c, ctx| c.deactivate(ctx));
                    self.controller.active = None;
                }
            }
            (NodeId::Client(client), timer) => {
                let current = self.clients.get(client).map(Client::incarnation);
                if current == Some(incarnation) {
                    self.with_client(client, outbox, |c, ctx| c.handle_timer(timer, ctx));
                }
            }
            _ => {}
        }
    }

    /// KRaft: steps the active controller down if it lost its majority, and schedules an
    /// election when there is none. Returns the events this caused.
    pub(super) fn check_quorum(&mut self) -> Vec<Event> {
        if self.config.metadata_mode != MetadataMode::Kraft {
            return Vec::new();
        }
        let mut outbox = Outbox::default();
        if let Some(active) = self.controller.active {
            if !self.voter_can_lead(active) {
                self.deactivate_controller(&mut outbox);
            }
        }
        let voters = self.config.controller_quorum_voters();
        if self.controller.active.is_none()
            && !self.controller.election_pending
            && voters.iter().any(|voter| self.voter_can_lead(*voter))
        {
            self.controller.election_pending = true;
            let election_timeout_ms = self
                .controller
                .settings
                .controller_quorum_election_timeout_ms
                .max(1);
            let delay_ms = if self.now_ms == 0 {
                0
            } else {
                FETCH_TIMEOUT_MS + i64::from(self.rng.below(election_timeout_ms as u32))
            };
            let node = NodeId::Broker(voters[0]);
            outbox.timers.push((
                self.now_ms + delay_ms,
                TimerEntry {
                    node,
                    incarnation: 0,
                    timer: Timer::Controller(ControllerTimer::QuorumElection),
                },
            ));
        }
        self.flush(outbox)
    }

    fn voter_can_lead(&self, voter: BrokerId) -> bool {
        let voters = self.config.controller_quorum_voters();
        can_lead(
            voter,
            &voters,
            |b| self.brokers.get(&b).is_some_and(Broker::is_up),
            |a, b| self.network.connected(NodeId::Broker(a), NodeId::Broker(b)),
        )
    }

    fn run_quorum_election(&mut self, outbox: &mut Outbox) {
        self.controller.election_pending = false;
        if self.controller.active.is_some() {
            return;
        }
        let candidates: Vec<BrokerId> = self
            .config
            .controller_quorum_voters()
            .into_iter()
            .filter(|voter| self.voter_can_lead(*voter))
            .collect();
        if candidates.is_empty() {
            return;
        }
        let winner = candidates[self.rng.below(candidates.len() as u32) as usize];
        let epoch = self.controller.epoch + 1;
        self.controller.active = Some(winner);
        let _ = self.with_controller(outbox, |c, ctx| c.activate(winner, epoch, false, ctx));
    }

    /// Schedules what a handler produced and returns its events, with the alerts they raised.
    pub(super) fn flush(&mut self, outbox: Outbox) -> Vec<Event> {
        let mut events = Vec::new();
        self.flush_into(outbox, &mut events);
        events
    }

    /// [`flush`](Self::flush), appending the events to `out`.
    pub(super) fn flush_into(&mut self, outbox: Outbox, out: &mut Vec<Event>) {
        let Outbox {
            sends,
            timers,
            events,
        } = outbox;
        for (from, to, body) in sends {
            self.send(from, to, body);
        }
        for (at_ms, entry) in timers {
            self.scheduler.schedule(at_ms, Occurrence::Timer(entry));
        }
        if events.is_empty() {
            return;
        }
        let start = out.len();
        out.extend(events.into_iter().map(|kind| self.stamp(kind)));
        let mut detectors = std::mem::take(&mut self.detectors);
        let alerts = detectors.observe(&out[start..], self);
        self.detectors = detectors;
        for alert in alerts {
            let event = self.stamp(alert);
            out.push(event);
        }
    }

    fn stamp(&mut self, kind: EventKind) -> Event {
        let id = self.next_event_id;
        self.next_event_id += 1;
        Event {
            id,
            at_ms: self.now_ms,
            kind,
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, body: Body) {
        let id = self.next_message_id;
        self.next_message_id += 1;
        let fate = self
            .network
            .fate(from, to, self.now_ms, body.is_replica_fetch());
        let message = Message {
            id,
            from,
            to,
            sent_ms: self.now_ms,
            deliver_ms: self.now_ms,
            body,
        };
        match fate {
            Fate::Deliver { at_ms } => {
                let message = Message {
                    deliver_ms: at_ms,
                    ..message
                };
                self.scheduler.schedule(at_ms, Occurrence::Deliver(message));
            }
            Fate::Hold => self.held.push(message),
            Fate::Lose => self.lost(from, to, &message.body),
        }
    }

    /// `zookeeper.session.timeout.ms`, for the controller's account of an expired session.
    fn zookeeper_session_timeout_ms(&self) -> i64 {
        self.zookeeper
            .as_ref()
            .map_or(0, |zk| zk.session_timeout_ms)
    }

    /// The network lost a message. ZooKeeper learns that a watch notification was lost, as its
    /// connection to the controller broke (see [`crate::zookeeper`]); nobody else learns.
    fn lost(&mut self, from: NodeId, to: NodeId, body: &Body) {
        if let (NodeId::ZooKeeper, NodeId::Broker(broker), Body::ZooKeeper(notice)) =
            (from, to, body)
        {
            if notice.is_controller_watch() {
                if let Some(zookeeper) = self.zookeeper.as_mut() {
                    zookeeper.watch_lost(broker);
                }
            }
        }
    }
}

/// What an admin client gets when no controller answers.
fn no_controller() -> KafkaError {
    KafkaError::new(
        ErrorCode::ClientTimeout,
        "Timed out waiting for a node assignment: there is no active controller (no quorum of controller voters, or no /controller in ZooKeeper).",
    )
}
