//! What a node may do while it handles a message or a timer: send messages, set timers and
//! report events. Nodes never touch each other's state; everything between them goes
//! through the [`Outbox`], which the cluster flushes into the scheduler afterwards.

use super::config::ClusterConfig;
use crate::network::NodeId;
use crate::protocol::Body;
use crate::rng::SimRng;

use super::event::EventKind;
use super::scheduler::TimerEntry;
use super::timer::Timer;

/// Everything nodes produced during one occurrence, in order.
#[derive(Debug, Default)]
pub struct Outbox {
    /// Messages to send: `(from, to, body)`.
    pub sends: Vec<(NodeId, NodeId, Body)>,
    /// Timers to set: `(at_ms, timer)`.
    pub timers: Vec<(i64, TimerEntry)>,
    /// Events that happened.
    pub events: Vec<EventKind>,
}

/// The context of one node handling one occurrence.
pub struct Ctx<'a> {
    /// The node acting.
    pub node: NodeId,
    /// Its incarnation (bumped by every restart), stamped on its timers.
    pub incarnation: u32,
    /// Simulated time, in ms since the start.
    pub now_ms: i64,
    /// The simulated wall clock, in ms since the Unix epoch (record timestamps).
    pub clock_ms: i64,
    /// The simulation's one source of randomness.
    pub rng: &'a mut SimRng,
    /// The principal each client authenticated as (what brokers authorize requests as).
    pub principals: &'a crate::acl::Principals,
    /// How the cluster was built.
    pub config: &'a ClusterConfig,
    /// Where sends, timers and events go.
    pub out: &'a mut Outbox,
    /// The next request id of the whole simulation (unique per sender is enough for Kafka;
    /// unique overall keeps traces readable).
    pub next_request_id: &'a mut u64,
}

impl Ctx<'_> {
    /// Sends `body` to `to`.
    pub fn send(&mut self, to: NodeId, body: Body) {
        self.out.sends.push((self.node, to, body));
    }

    /// Sets a timer for this node, `delay_ms` from now.
    pub fn after(&mut self, delay_ms: i64, timer: Timer) {
        let at_ms = self.now_ms.saturating_add(delay_ms.max(0));
        self.at(at_ms, timer);
    }

    /// Sets a timer for this node at `at_ms`.
    pub fn at(&mut self, at_ms: i64, timer: Timer) {
        self.out.timers.push((
            at_ms.max(self.now_ms),
            TimerEntry {
                node: self.node,
                incarnation: self.incarnation,
                timer,
            },
        ));
    }

    /// Reports an event.
    pub fn emit(&mut self, event: EventKind) {
        self.out.events.push(event);
    }

    /// A fresh request id.
    pub fn request_id(&mut self) -> u64 {
        let id = *self.next_request_id;
        *self.next_request_id += 1;
        id
    }
}

/// What a unit test needs to give one client (or controller) a [`Ctx`]: the randomness, the
/// config and an outbox to read what it did.
#[cfg(test)]
pub(crate) struct TestWorld {
    rng: SimRng,
    config: ClusterConfig,
    /// What the client sent, set and reported.
    pub out: Outbox,
    next_request_id: u64,
}

#[cfg(test)]
impl TestWorld {
    pub fn new() -> TestWorld {
        TestWorld {
            rng: SimRng::seed_from_u64(1),
            config: ClusterConfig::default(),
            out: Outbox::default(),
            next_request_id: 0,
        }
    }

    /// The context of client 0 at time 0.
    pub fn ctx(&mut self) -> Ctx<'_> {
        self.ctx_of(NodeId::Client(crate::network::ClientId(0)))
    }

    /// The context of `node` at time 0.
    pub fn ctx_of(&mut self, node: NodeId) -> Ctx<'_> {
        Ctx {
            node,
            incarnation: 1,
            now_ms: 0,
            clock_ms: 0,
            rng: &mut self.rng,
            principals: &crate::acl::NO_PRINCIPALS,
            config: &self.config,
            out: &mut self.out,
            next_request_id: &mut self.next_request_id,
        }
    }
}
