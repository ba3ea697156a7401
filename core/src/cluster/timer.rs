//! Timers: what a node asked to be woken up for.
//!
//! Each kind of node has its own timer enum in its module; this one gathers them so the
//! scheduler can hold any of them.

use crate::broker::BrokerTimer;
use crate::client::consumer::ConsumerTimer;
use crate::client::producer::ProducerTimer;
use crate::controller::ControllerTimer;
use crate::zookeeper::ZooKeeperTimer;

/// A timer of any node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Timer {
    /// A broker's.
    Broker(BrokerTimer),
    /// The controller's (runs on the active controller's broker).
    Controller(ControllerTimer),
    /// ZooKeeper's (legacy mode).
    ZooKeeper(ZooKeeperTimer),
    /// A producer's.
    Producer(ProducerTimer),
    /// A consumer's.
    Consumer(ConsumerTimer),
}
