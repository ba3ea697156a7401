//! The simulated network: who can reach whom, and how long a message takes.
//!
//! Every request and response between clients, brokers and ZooKeeper travels as a
//! [`Message`](crate::protocol::Message) that the cluster schedules for delivery after the
//! link's latency. This module only decides the fate of one message at send time and at
//! delivery time; it holds no messages itself.
//!
//! Links are like Kafka's TCP connections: a fixed latency per link, so messages between two
//! nodes arrive in the order they were sent. Faults are the verbs of Turmoil-style simulators:
//! - `isolate` a broker: nothing reaches it or leaves it (a network partition around it);
//! - `cut` the links between two sets of nodes (and `repair` them);
//! - `delay` one broker's outgoing messages by extra milliseconds (a slow follower);
//! - `hold` one broker's outgoing fetches until `release`d (a stuck follower).
//!
//! A message to a node that is down is refused at once, as a TCP connection to a closed port
//! is: the sender learns it after one latency. A message over a cut link is silently lost, so
//! the sender only learns by its own timeout, as in a real network partition.

use crate::vec_map::{VecMap, VecSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::BrokerId;

/// A process in the simulated world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NodeId {
    /// A Kafka broker (in KRaft combined mode, possibly also a controller).
    Broker(BrokerId),
    /// The ZooKeeper ensemble, in the legacy ZooKeeper mode only.
    ZooKeeper,
    /// A client: producer, consumer or admin, by its index in the cluster.
    Client(ClientId),
}

impl fmt::Display for NodeId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Broker(broker) => write!(formatter, "broker-{broker}"),
            NodeId::ZooKeeper => formatter.write_str("zookeeper"),
            NodeId::Client(client) => write!(formatter, "client-{}", client.0),
        }
    }
}

/// A client's index in the cluster (its `client.id` is a name kept by the client itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientId(pub u32);

/// What happens to a message handed to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// It arrives at this time.
    Deliver {
        /// Simulated time of arrival, in ms.
        at_ms: i64,
    },
    /// It is held until the sending broker is released.
    Hold,
    /// It is lost on a cut link; nobody is told.
    Lose,
}

/// The network's faults and latencies. Plain data: cloning it is cheap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// One-way latency of every link, in ms.
    pub latency_ms: i64,
    /// Brokers that can reach nobody and that nobody can reach.
    isolated: VecSet<BrokerId>,
    /// Cut links, each stored once with the smaller node first.
    cut: VecSet<(NodeId, NodeId)>,
    /// Extra one-way delay of everything a broker sends, in ms.
    delayed: VecMap<BrokerId, i64>,
    /// Brokers whose replica fetches are held.
    held: VecSet<BrokerId>,
}

impl Network {
    /// A healthy network with this one-way latency.
    pub fn new(latency_ms: i64) -> Network {
        Network {
            latency_ms: latency_ms.max(0),
            isolated: VecSet::new(),
            cut: VecSet::new(),
            delayed: VecMap::new(),
            held: VecSet::new(),
        }
    }

    /// Whether `from` and `to` can exchange messages now.
    pub fn connected(&self, from: NodeId, to: NodeId) -> bool {
        if from == to {
            return true;
        }
        let isolated =
            |node: NodeId| matches!(node, NodeId::Broker(b) if self.isolated.contains(&b));
        !isolated(from) && !isolated(to) && !self.cut.contains(&ordered(from, to))
    }

    /// The fate of a message sent now (`now_ms`); `is_replica_fetch` marks a follower's fetch,
    /// which a `hold` stops.
    pub fn fate(&self, from: NodeId, to: NodeId, now_ms: i64, is_replica_fetch: bool) -> Fate {
        if !self.connected(from, to) {
            return Fate::Lose;
        }
        let mut delay_ms = if from == to { 0 } else { self.latency_ms };
        if let NodeId::Broker(broker) = from {
            if is_replica_fetch && self.held.contains(&broker) {
                return Fate::Hold;
            }
            delay_ms += self.delayed.get(&broker).copied().unwrap_or(0);
        }
        Fate::Deliver {
            at_ms: now_ms.saturating_add(delay_ms),
        }
    }

    /// Cuts `broker` off from every other node.
    pub fn isolate(&mut self, broker: BrokerId) {
        self.isolated.insert(broker);
    }

    /// Ends the isolation of `broker` (links cut one by one stay cut).
    pub fn rejoin(&mut self, broker: BrokerId) {
        self.isolated.remove(&broker);
    }

    /// Cuts every link between a node of `side_a` and a node of `side_b`.
    pub fn cut(&mut self, side_a: &[NodeId], side_b: &[NodeId]) {
        for &a in side_a {
            for &b in side_b {
                if a != b {
                    self.cut.insert(ordered(a, b));
                }
            }
        }
    }

    /// Repairs the links between the two sides.
    pub fn repair(&mut self, side_a: &[NodeId], side_b: &[NodeId]) {
        for &a in side_a {
            for &b in side_b {
                self.cut.remove(&ordered(a, b));
            }
        }
    }

    /// Adds `extra_ms` to everything `broker` sends (0 removes the delay).
    pub fn delay(&mut self, broker: BrokerId, extra_ms: i64) {
        if extra_ms > 0 {
            self.delayed.insert(broker, extra_ms);
        } else {
            self.delayed.remove(&broker);
        }
    }

    /// Holds `broker`'s replica fetches until [`Network::release`].
    pub fn hold(&mut self, broker: BrokerId) {
        self.held.insert(broker);
    }

    /// Lets `broker`'s replica fetches go again; returns whether it was held.
    pub fn release(&mut self, broker: BrokerId) -> bool {
        self.held.remove(&broker)
    }

    /// Ends every fault: isolations, cuts, delays and holds.
    pub fn heal_all(&mut self) {
        self.isolated.clear();
        self.cut.clear();
        self.delayed.clear();
        self.held.clear();
    }

    /// Whether `broker` is isolated.
    pub fn is_isolated(&self, broker: BrokerId) -> bool {
        self.isolated.contains(&broker)
    }

    /// Whether `broker`'s fetches are held.
    pub fn is_held(&self, broker: BrokerId) -> bool {
        self.held.contains(&broker)
    }

    /// The extra delay on `broker`'s messages, in ms.
    pub fn delay_of(&self, broker: BrokerId) -> i64 {
        self.delayed.get(&broker).copied().unwrap_or(0)
    }

    /// The isolated brokers, in id order.
    pub fn isolated(&self) -> impl Iterator<Item = BrokerId> + '_ {
        self.isolated.iter().copied()
    }

    /// The cut links, in order.
    pub fn cut_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.cut.iter().copied()
    }

    /// Whether anything is wrong with the network.
    pub fn has_faults(&self) -> bool {
        !(self.isolated.is_empty()
            && self.cut.is_empty()
            && self.delayed.is_empty()
            && self.held.is_empty())
    }
}

fn ordered(a: NodeId, b: NodeId) -> (NodeId, NodeId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broker(id: i32) -> NodeId {
        NodeId::Broker(BrokerId(id))
    }

    #[test]
    fn a_healthy_link_delivers_after_its_latency() {
        let network = Network::new(3);
        assert_eq!(
            network.fate(broker(1), broker(2), 10, false),
            Fate::Deliver { at_ms: 13 }
        );
    }

    #[test]
    fn an_isolated_broker_neither_sends_nor_receives() {
        let mut network = Network::new(1);
        network.isolate(BrokerId(2));
        assert_eq!(network.fate(broker(1), broker(2), 0, false), Fate::Lose);
        assert_eq!(network.fate(broker(2), broker(3), 0, false), Fate::Lose);
        assert!(network.connected(broker(1), broker(3)));
        network.rejoin(BrokerId(2));
        assert!(network.connected(broker(1), broker(2)));
    }

    #[test]
    fn cut_links_are_symmetric_and_repairable() {
        let mut network = Network::new(1);
        network.cut(&[broker(1)], &[broker(2), broker(3)]);
        assert!(!network.connected(broker(3), broker(1)));
        assert!(network.connected(broker(2), broker(3)));
        network.repair(&[broker(2), broker(3)], &[broker(1)]);
        assert!(!network.has_faults());
    }

    #[test]
    fn held_fetches_wait_and_delays_add_up() {
        let mut network = Network::new(2);
        network.hold(BrokerId(3));
        network.delay(BrokerId(3), 50);
        assert_eq!(network.fate(broker(3), broker(1), 0, true), Fate::Hold);
        assert_eq!(
            network.fate(broker(3), broker(1), 0, false),
            Fate::Deliver { at_ms: 52 }
        );
        assert!(network.release(BrokerId(3)));
        assert_eq!(
            network.fate(broker(3), broker(1), 0, true),
            Fate::Deliver { at_ms: 52 }
        );
    }
}
