//! The simulated world: brokers, the controller, ZooKeeper (legacy mode), clients and the
//! network between them, advanced by simulated time.
//!
//! [`Cluster::apply`] carries out a [`Command`] at the current time: validated completely
//! first, refused with Kafka's error (state untouched), or carried out with the events that
//! follow at once. [`Cluster::step`] runs the next scheduled occurrence (a message arriving, a
//! timer firing) and [`Cluster::run_until`] runs every occurrence up to a time. Nodes only
//! ever talk through messages; see [`context`] for what a node may do.
//!
//! A session is `(config, seed, inputs)`: the same inputs give the same events, natively and in
//! WebAssembly. Cloning a cluster is a snapshot: logs share their immutable batches.

pub mod command;
pub mod config;
pub mod context;
pub mod deadlines;
pub mod dispatch;
pub mod event;
pub mod scheduler;
pub mod settings;
pub mod timer;

use crate::vec_map::VecMap;

use crate::broker::Broker;
use crate::check::detectors::Detectors;
use crate::client::Clients;
use crate::controller::Controller;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::BrokerId;
use crate::network::Network;
use crate::protocol::Message;
use crate::rng::SimRng;
use crate::zookeeper::ZooKeeper;

use self::command::Command;
use self::config::{ClusterConfig, MetadataMode};
use self::context::Outbox;
use self::event::Event;
use self::scheduler::Scheduler;
use self::settings::BrokerSettings;

/// How long [`Cluster::new`] lets a fresh cluster boot before it is handed over (ms).
const BOOT_LIMIT_MS: i64 = 60_000;

/// The simulated cluster and its clients.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub(crate) config: ClusterConfig,
    pub(crate) now_ms: i64,
    pub(crate) rng: SimRng,
    pub(crate) scheduler: Scheduler,
    pub(crate) network: Network,
    /// Messages held by `Network::hold`, in send order.
    pub(crate) held: Vec<Message>,
    pub(crate) brokers: VecMap<BrokerId, Broker>,
    pub(crate) controller: Controller,
    pub(crate) zookeeper: Option<ZooKeeper>,
    pub(crate) clients: Clients,
    /// The principal each client authenticated as (`sasl.jaas.config`'s username).
    pub(crate) principals: crate::acl::Principals,
    pub(crate) detectors: Detectors,
    pub(crate) next_message_id: u64,
    pub(crate) next_request_id: u64,
    pub(crate) next_event_id: u64,
    /// Whether a broker stopped inside a step, so the quorum must be checked after it.
    pub(crate) quorum_check_due: bool,
}

impl Cluster {
    /// A cluster built from `config`, with every broker started and the controller elected;
    /// `seed` drives every random choice. Returns when every broker is registered and
    /// unfenced (a few simulated milliseconds), or `INVALID_CONFIG` for a bad config.
    pub fn new(config: ClusterConfig, seed: u64) -> Result<Cluster, KafkaError> {
        config.validate()?;
        let mut static_configs = VecMap::new();
        for id in config.broker_ids() {
            static_configs.insert(id, settings::static_broker_config(&config, id)?);
        }
        let brokers = crate::sort::to_map(
            static_configs
                .iter()
                .map(|(id, broker_config)| (*id, Broker::new(*id, broker_config.clone()))),
        );
        let session_timeout_ms = static_configs.values().next().map_or(18_000, |c| {
            BrokerSettings::from_config(c).zookeeper_session_timeout_ms
        });
        let zookeeper = (config.metadata_mode == MetadataMode::ZooKeeper)
            .then(|| ZooKeeper::new(session_timeout_ms));
        let mut cluster = Cluster {
            network: Network::new(config.network_latency_ms),
            config,
            now_ms: 0,
            rng: SimRng::seed_from_u64(seed),
            scheduler: Scheduler::default(),
            held: Vec::new(),
            brokers,
            controller: Controller::new(static_configs),
            zookeeper,
            clients: Clients::default(),
            principals: crate::acl::Principals::new(),
            detectors: Detectors::default(),
            next_message_id: 0,
            next_request_id: 0,
            next_event_id: 0,
            quorum_check_due: false,
        };
        cluster.boot();
        Ok(cluster)
    }

    fn boot(&mut self) {
        let ids: Vec<BrokerId> = self.brokers.keys().copied().collect();
        let mut outbox = Outbox::default();
        for id in ids {
            self.with_broker(id, &mut outbox, |broker, ctx| broker.start(ctx));
        }
        self.flush(outbox);
        self.check_quorum();
        while self.now_ms < BOOT_LIMIT_MS && !self.all_brokers_serving() {
            if self.step().is_empty() && self.scheduler.is_empty() {
                break;
            }
        }
    }

    fn all_brokers_serving(&self) -> bool {
        self.brokers
            .values()
            .all(|broker| broker.is_serving() && !broker.fenced)
            && self.controller.image.live_brokers().len() == self.brokers.len()
    }

    /// Carries out `command` now. On refusal nothing changed.
    pub fn apply(&mut self, command: Command) -> Result<Vec<Event>, KafkaError> {
        let affects_liveness = command.affects_liveness();
        let mut outbox = Outbox::default();
        self.execute(command, &mut outbox)?;
        let mut events = self.flush(outbox);
        if affects_liveness {
            events.extend(self.check_quorum());
        }
        Ok(events)
    }

    /// Runs the next scheduled occurrence, advancing time to it. Returns its events (none if
    /// nothing is scheduled).
    pub fn step(&mut self) -> Vec<Event> {
        let Some((at_ms, occurrence)) = self.scheduler.pop_due(i64::MAX) else {
            return Vec::new();
        };
        self.now_ms = self.now_ms.max(at_ms);
        let mut outbox = Outbox::default();
        self.occur(occurrence, &mut outbox);
        let mut events = self.flush(outbox);
        if std::mem::take(&mut self.quorum_check_due) {
            events.extend(self.check_quorum());
        }
        events
    }

    /// Runs every occurrence due up to `time_ms`, then sets the time to `time_ms`.
    pub fn run_until(&mut self, time_ms: i64) -> Vec<Event> {
        let mut events = Vec::new();
        self.run_until_into(time_ms, &mut events);
        events
    }

    /// [`run_until`](Self::run_until), appending the events to `events`: a caller that runs
    /// in slices can reuse one buffer instead of growing a new one each time.
    pub fn run_until_into(&mut self, time_ms: i64, events: &mut Vec<Event>) {
        while let Some((at_ms, occurrence)) = self.scheduler.pop_due(time_ms) {
            self.now_ms = self.now_ms.max(at_ms);
            let mut outbox = Outbox::default();
            self.occur(occurrence, &mut outbox);
            self.flush_into(outbox, events);
            if std::mem::take(&mut self.quorum_check_due) {
                events.extend(self.check_quorum());
            }
        }
        self.now_ms = self.now_ms.max(time_ms);
    }

    /// Runs for `duration_ms` of simulated time.
    pub fn run_for(&mut self, duration_ms: i64) -> Vec<Event> {
        self.run_until(self.now_ms.saturating_add(duration_ms.max(0)))
    }

    /// The active controller, while its broker runs: the node admin requests reach.
    pub fn active_controller(&self) -> Option<BrokerId> {
        self.controller
            .active
            .filter(|id| self.brokers.get(id).is_some_and(Broker::is_up))
    }

    /// Simulated time, in ms since the start.
    pub fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// The simulated wall clock, in ms since the Unix epoch.
    pub fn clock_ms(&self) -> i64 {
        self.config.start_time_ms.saturating_add(self.now_ms)
    }

    /// A generator for a tool's own random choice (the console consumer's throwaway group
    /// id), forked from the simulation's without drawing from it: the choice is replayed
    /// with the session and changes nothing else in the run.
    pub fn fork_rng(&self, salt: u64) -> SimRng {
        self.rng.fork(salt)
    }

    /// When the next occurrence is due, if any.
    pub fn next_occurrence_ms(&self) -> Option<i64> {
        self.scheduler.next_at_ms()
    }

    /// How the cluster was built.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// The network's faults.
    pub fn network(&self) -> &Network {
        &self.network
    }

    pub(crate) fn broker_exists(&self, broker: BrokerId) -> Result<(), KafkaError> {
        if self.brokers.contains_key(&broker) {
            Ok(())
        } else {
            Err(KafkaError::new(
                ErrorCode::BrokerNotAvailable,
                format!(
                    "There is no broker {broker}: this cluster has brokers 1 to {}.",
                    self.brokers.len()
                ),
            ))
        }
    }
}
