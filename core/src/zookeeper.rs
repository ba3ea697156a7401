//! ZooKeeper, in the legacy metadata mode: broker sessions and the `/controller` node.
//!
//! Each broker keeps a session alive with pings; its ephemeral `/brokers/ids/<id>` node lives
//! as long as the session. A session with no ping for `zookeeper.session.timeout.ms` expires,
//! and a broker that stops (not one that crashes) closes its session: either way ZooKeeper
//! deletes the broker's ephemeral nodes and fires the watches: the controller hears that the
//! broker is gone, and if the broker owned `/controller`, every broker hears that the
//! controller is gone and races to create the node; the first request ZooKeeper sees wins.
//!
//! ZooKeeper sends a watch notification once, over the session's connection. If the network
//! loses one (the controller was cut off), the connection broke: when the controller's session
//! reaches ZooKeeper again, its client sets its watches again and ZooKeeper fires the ones whose
//! node changed meanwhile (`SetWatches`), so the controller reads `/brokers/ids` again. The
//! watch on `/controller` needs no such step here: every pong names the owner of `/controller`.
//!
//! Simplification, stated in the lessons: the ZooKeeper ensemble itself never fails, and only
//! the znodes that decide liveness and the controller are modelled.

use crate::vec_map::{VecMap, VecSet};

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::ids::BrokerId;
use crate::network::NodeId;
use crate::protocol::{Body, ZooKeeperBody};

/// ZooKeeper's timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZooKeeperTimer {
    /// Expire `broker`'s session if it has not pinged since.
    SessionCheck {
        /// The broker.
        broker: BrokerId,
    },
}

/// A broker's session: which process opened it, and its last ping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// The broker process (its incarnation) that opened the session.
    pub incarnation: u32,
    /// The last ping, in simulated ms.
    pub last_ping_ms: i64,
}

/// The ZooKeeper ensemble.
#[derive(Debug, Clone, Default)]
pub struct ZooKeeper {
    /// Live sessions by broker.
    pub sessions: VecMap<BrokerId, Session>,
    /// The owner of `/controller`.
    pub controller: Option<BrokerId>,
    /// `/controller_epoch`.
    pub controller_epoch: i32,
    /// `zookeeper.session.timeout.ms`.
    pub session_timeout_ms: i64,
    /// Brokers whose connection lost a watch notification: their watch on `/brokers/ids` fires
    /// again when their session next reaches ZooKeeper.
    lost_watches: VecSet<BrokerId>,
}

impl ZooKeeper {
    /// An ensemble whose sessions expire after `session_timeout_ms`.
    pub fn new(session_timeout_ms: i64) -> ZooKeeper {
        ZooKeeper {
            session_timeout_ms,
            ..ZooKeeper::default()
        }
    }

    /// Handles a broker's request.
    pub fn handle(&mut self, from: NodeId, body: ZooKeeperBody, ctx: &mut Ctx) {
        let NodeId::Broker(broker) = from else {
            return;
        };
        match body {
            ZooKeeperBody::Register { incarnation, .. } => match self.sessions.get(&broker) {
                Some(session) if session.incarnation != incarnation => {
                    // The ephemeral node still belongs to the previous process's session.
                    ctx.send(from, Body::ZooKeeper(ZooKeeperBody::NodeExists));
                }
                existing => {
                    let is_new = existing.is_none();
                    self.touch(broker, incarnation, ctx);
                    if is_new {
                        if let Some(controller) = self.controller {
                            let notice = ZooKeeperBody::BrokerRegistered { broker };
                            ctx.send(NodeId::Broker(controller), Body::ZooKeeper(notice));
                        }
                    }
                    self.pong(broker, incarnation, true, ctx);
                }
            },
            ZooKeeperBody::Ping { incarnation, .. } => {
                let alive = self.in_session(broker, incarnation);
                if alive {
                    self.touch(broker, incarnation, ctx);
                }
                self.pong(broker, incarnation, alive, ctx);
            }
            // A process closes its own session only (an older one's is left to expire).
            ZooKeeperBody::CloseSession { incarnation, .. }
                if self.in_session(broker, incarnation) =>
            {
                ctx.emit(EventKind::ZooKeeperSessionClosed { broker });
                self.end_session(broker, true, ctx);
            }
            ZooKeeperBody::CreateControllerNode { incarnation, .. } => {
                // An ephemeral node is created in the asking process's own live session.
                if self.controller.is_none() && self.in_session(broker, incarnation) {
                    self.controller = Some(broker);
                    self.controller_epoch += 1;
                }
                if let Some(controller) = self.controller {
                    let live: Vec<BrokerId> = self.sessions.keys().copied().collect();
                    let answer = ZooKeeperBody::ControllerNode {
                        incarnation,
                        controller,
                        epoch: self.controller_epoch,
                        live_brokers: live,
                    };
                    ctx.send(from, Body::ZooKeeper(answer));
                }
            }
            _ => {}
        }
    }

    fn touch(&mut self, broker: BrokerId, incarnation: u32, ctx: &mut Ctx) {
        self.sessions.insert(
            broker,
            Session {
                incarnation,
                last_ping_ms: ctx.now_ms,
            },
        );
        ctx.after(
            self.session_timeout_ms,
            Timer::ZooKeeper(ZooKeeperTimer::SessionCheck { broker }),
        );
    }

    /// Whether `broker`'s live session is the one process `incarnation` opened.
    fn in_session(&self, broker: BrokerId, incarnation: u32) -> bool {
        self.sessions
            .get(&broker)
            .is_some_and(|session| session.incarnation == incarnation)
    }

    /// Answers a Register or Ping; a live session's connection is back, so its lost watches
    /// fire again.
    fn pong(&mut self, broker: BrokerId, incarnation: u32, session_alive: bool, ctx: &mut Ctx) {
        let answer = ZooKeeperBody::Pong {
            incarnation,
            session_alive,
            controller: self.controller,
        };
        ctx.send(NodeId::Broker(broker), Body::ZooKeeper(answer));
        if session_alive {
            self.fire_lost_watches(broker, ctx);
        }
    }

    /// The network lost a watch notification to `broker`.
    pub fn watch_lost(&mut self, broker: BrokerId) {
        self.lost_watches.insert(broker);
    }

    /// `broker`'s session reached ZooKeeper again: if a notification to it was lost and it
    /// still owns `/controller`, its watch on `/brokers/ids` fires again with the live brokers.
    fn fire_lost_watches(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        if !self.lost_watches.remove(&broker) || self.controller != Some(broker) {
            return;
        }
        let live_brokers = self.sessions.keys().copied().collect();
        let notice = ZooKeeperBody::BrokersChanged { live_brokers };
        ctx.send(NodeId::Broker(broker), Body::ZooKeeper(notice));
    }

    /// Handles a timer: expires a silent session and fires the watches.
    pub fn handle_timer(&mut self, timer: ZooKeeperTimer, ctx: &mut Ctx) {
        let ZooKeeperTimer::SessionCheck { broker } = timer;
        let Some(last_ping_ms) = self.sessions.get(&broker).map(|s| s.last_ping_ms) else {
            return;
        };
        if ctx.now_ms - last_ping_ms < self.session_timeout_ms {
            return;
        }
        ctx.emit(EventKind::ZooKeeperSessionExpired {
            broker,
            timeout_ms: self.session_timeout_ms,
        });
        self.end_session(broker, false, ctx);
    }

    /// A session ended, `closed` by its process or expired: its ephemeral nodes go and the
    /// watches on them fire.
    fn end_session(&mut self, broker: BrokerId, closed: bool, ctx: &mut Ctx) {
        self.sessions.remove(&broker);
        self.lost_watches.remove(&broker);
        if self.controller == Some(broker) {
            self.controller = None;
            for other in self.sessions.keys() {
                ctx.send(
                    NodeId::Broker(*other),
                    Body::ZooKeeper(ZooKeeperBody::ControllerGone),
                );
            }
        } else if let Some(controller) = self.controller {
            let notice = ZooKeeperBody::BrokerExpired { broker, closed };
            ctx.send(NodeId::Broker(controller), Body::ZooKeeper(notice));
        }
    }
}
