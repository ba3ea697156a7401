//! Broker liveness as the controller sees it (`BrokerHeartbeatManager`, `ReplicationControlManager`
//! `handleBrokerFenced`/`handleBrokerUnfenced`/`handleBrokerInControlledShutdown`).
//!
//! A broker registers fenced, is unfenced once a heartbeat shows it caught up with the metadata
//! log, and is fenced again when no heartbeat arrives for `broker.session.timeout.ms`. Fencing
//! removes the broker from every ISR (never emptying one) and moves its leaderships to the next
//! eligible ISR member; a partition with none stays offline unless unclean election is allowed.
//! In ZooKeeper mode the same happens when ZooKeeper reports the broker's session expired.

use crate::cluster::context::Ctx;
use crate::cluster::event::{ElectionReason, EventKind, FenceReason};
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::BrokerId;
use crate::protocol::controller::{BrokerHeartbeatAnswer, MetadataRecord};

use super::election::{
    self, elect_offline_leader, elect_preferred_leader, isr_without, Elected, Via,
};
use super::{BrokerSession, Controller, ControllerTimer};

impl Controller {
    /// `BrokerRegistration` (`ClusterControlManager.registerBroker`): a new broker epoch; the
    /// broker starts fenced.
    ///
    /// A new process of a broker whose old one is still unfenced with a valid session (it
    /// restarted faster than `broker.session.timeout.ms`) is refused with
    /// `DUPLICATE_BROKER_REGISTRATION`: it tries again until the session has run out and the
    /// controller has fenced the old one. One whose session ran out before the periodic check
    /// fenced it is registered, its old incarnation fenced first so that its leaderships move
    /// ([`FenceReason::Reregistered`]).
    pub(super) fn register_broker(
        &mut self,
        broker: BrokerId,
        incarnation: u32,
        previous_broker_epoch: Option<i64>,
        ctx: &mut Ctx,
    ) -> Result<i64, KafkaError> {
        if let Some(session) = self.sessions.get(&broker) {
            let valid = self.image.is_unfenced(broker)
                && ctx.now_ms - session.last_heartbeat_ms
                    <= self.settings.broker_session_timeout_ms;
            if valid && session.incarnation != incarnation {
                ctx.emit(EventKind::BrokerRegistrationRefused { broker });
                return Err(KafkaError::new(
                    ErrorCode::DuplicateBrokerRegistration,
                    "Another broker is registered with that broker id.",
                ));
            }
        }
        if self.image.is_unfenced(broker) {
            self.fence_broker(broker, FenceReason::Reregistered, None, ctx);
        }
        // `registerBroker`: a new process is a clean restart only if it names the epoch of
        // the registration the controller holds (`isCleanShutdown`).
        let new_process = self
            .sessions
            .get(&broker)
            .is_none_or(|session| session.incarnation != incarnation);
        let held_epoch = self
            .image
            .brokers
            .get(&broker)
            .map(|info| info.broker_epoch);
        if new_process && held_epoch.is_some() && previous_broker_epoch != held_epoch {
            self.forget_after_unclean_shutdown(broker, ctx);
        }
        let broker_epoch = self.take_broker_epoch();
        self.commit(
            vec![MetadataRecord::RegisterBroker {
                broker,
                broker_epoch,
            }],
            ctx,
        );
        self.sessions.insert(
            broker,
            BrokerSession {
                last_heartbeat_ms: ctx.now_ms,
                catch_up_offset: self.log.len() as u64,
                shutting_down: false,
                metadata_offset: 0,
                controlled_shutdown_offset: None,
                incarnation,
            },
        );
        ctx.emit(EventKind::BrokerRegistered {
            broker,
            broker_epoch,
        });
        self.schedule_session_check(broker, ctx);
        Ok(broker_epoch)
    }

    /// `BrokerHeartbeat` (`ClusterControlManager.processBrokerHeartbeat`): a heartbeat that
    /// does not carry the broker's current epoch is answered `STALE_BROKER_EPOCH` and keeps no
    /// session alive.
    pub(super) fn heartbeat(
        &mut self,
        broker: BrokerId,
        broker_epoch: i64,
        metadata_offset: u64,
        want_fence: bool,
        want_shutdown: bool,
        ctx: &mut Ctx,
    ) -> Result<BrokerHeartbeatAnswer, KafkaError> {
        self.check_broker_epoch(broker, broker_epoch)?;
        let Some(session) = self.sessions.get_mut(&broker) else {
            return Ok(BrokerHeartbeatAnswer {
                is_fenced: true,
                should_shutdown: false,
            });
        };
        session.last_heartbeat_ms = ctx.now_ms;
        session.metadata_offset = metadata_offset;
        let caught_up = metadata_offset >= session.catch_up_offset;
        self.schedule_session_check(broker, ctx);
        if want_shutdown {
            return Ok(BrokerHeartbeatAnswer {
                is_fenced: !self.image.is_unfenced(broker),
                should_shutdown: self.controlled_shutdown(broker, ctx),
            });
        }
        if !self.image.is_unfenced(broker) && !want_fence && caught_up {
            self.unfence_broker(broker, ctx);
        }
        Ok(BrokerHeartbeatAnswer {
            is_fenced: !self.image.is_unfenced(broker),
            should_shutdown: false,
        })
    }

    /// `ClusterControlManager.checkBrokerEpoch`: a broker's request must come from its current
    /// registration.
    pub(super) fn check_broker_epoch(
        &self,
        broker: BrokerId,
        broker_epoch: i64,
    ) -> Result<(), KafkaError> {
        let message = match self.image.brokers.get(&broker) {
            None => format!("No broker registration found for broker id {broker}"),
            Some(info) if info.broker_epoch != broker_epoch => format!(
                "Expected broker epoch {}, but got broker epoch {broker_epoch}",
                info.broker_epoch
            ),
            Some(_) => return Ok(()),
        };
        Err(KafkaError::new(ErrorCode::StaleBrokerEpoch, message))
    }

    fn schedule_session_check(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        ctx.after(
            self.settings.broker_session_timeout_ms,
            Timer::Controller(ControllerTimer::SessionCheck {
                epoch: self.epoch,
                broker,
            }),
        );
    }

    /// Fences `broker` if its last heartbeat is older than `broker.session.timeout.ms`.
    pub(super) fn check_session(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        let timeout_ms = self.settings.broker_session_timeout_ms;
        let expired = self
            .sessions
            .get(&broker)
            .is_some_and(|session| ctx.now_ms - session.last_heartbeat_ms >= timeout_ms);
        if expired && self.image.is_unfenced(broker) {
            self.fence_broker(broker, FenceReason::SessionTimeout, Some(timeout_ms), ctx);
        }
    }

    /// Fences `broker`: out of every ISR, its leaderships moved.
    pub fn fence_broker(
        &mut self,
        broker: BrokerId,
        reason: FenceReason,
        timeout_ms: Option<i64>,
        ctx: &mut Ctx,
    ) {
        if !self.image.brokers.contains_key(&broker) {
            return;
        }
        self.commit(vec![MetadataRecord::FenceBroker { broker }], ctx);
        ctx.emit(EventKind::BrokerFenced {
            broker,
            reason,
            timeout_ms,
        });
        self.move_away_from(broker, ElectionReason::LeaderUnavailable, ctx);
    }

    /// Removes `broker` from ISRs and moves its leaderships to eligible ISR members.
    fn move_away_from(&mut self, broker: BrokerId, reason: ElectionReason, ctx: &mut Ctx) {
        self.remove_replica(broker, reason, false, ctx);
    }

    /// Removes `broker` from ISRs (and, after an unclean shutdown, from the eligible leader
    /// replicas: `generateLeaderAndIsrUpdates` with `brokerWithUncleanShutdown`), electing a
    /// new leader where it led or where there was none.
    fn remove_replica(
        &mut self,
        broker: BrokerId,
        reason: ElectionReason,
        unclean_shutdown: bool,
        ctx: &mut Ctx,
    ) {
        for (partition, state) in self.partitions() {
            let leads = state.leader == Some(broker);
            let in_elr = unclean_shutdown && state.elr.contains(&broker);
            if !leads && !state.isr.contains(&broker) && !in_elr {
                continue;
            }
            let rule = self.elr_rule(&partition.topic, unclean_shutdown.then_some(broker));
            let target = election::target(&state, isr_without(&state.isr, broker), rule);
            let elected = if leads || state.leader.is_none() {
                let unclean = self
                    .topic_settings(&partition.topic)
                    .unclean_leader_election_enable;
                elect_offline_leader(&target, |b| b != broker && self.is_eligible(b), unclean)
            } else {
                state.leader.map(|leader| Elected {
                    leader,
                    via: Via::Isr,
                })
            };
            let leader = elected.map(|elected| elected.leader);
            let reason = elected.map_or(reason, |elected| ElectionReason::of(elected.via, reason));
            self.change_partition(&partition, &state, &target, leader, rule, reason, ctx);
        }
    }

    /// KIP-966: a broker registering after an unclean shutdown (it wrote no clean shutdown
    /// file, so its registration names no previous broker epoch) leaves every ISR and ELR.
    fn forget_after_unclean_shutdown(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        if self.elr_enabled() {
            self.remove_replica(broker, ElectionReason::LeaderUnavailable, true, ctx);
        }
    }

    /// Unfences `broker` and gives leaders to offline partitions it can lead.
    pub(super) fn unfence_broker(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        self.commit(vec![MetadataRecord::UnfenceBroker { broker }], ctx);
        ctx.emit(EventKind::BrokerUnfenced { broker });
        self.elect_offline_partitions(ctx);
    }

    /// Controlled shutdown (`BrokerHeartbeatManager.calculateNextBrokerState`): leaderships move
    /// to other ISR members and the broker leaves the ISRs. A broker that led nothing when it
    /// asked may stop at once (`SHUTDOWN_NOW`); one that led partitions waits until it leads
    /// nothing and every active broker's heartbeat has reported a metadata offset past the
    /// moves (`controlledShutdownOffset <= lowestActiveOffset()`), so none of them still sends
    /// it produce or fetch requests as a leader.
    fn controlled_shutdown(&mut self, broker: BrokerId, ctx: &mut Ctx) -> bool {
        let first_request = !self.is_shutting_down(broker);
        let had_leaderships = self
            .partitions()
            .iter()
            .any(|(_, state)| state.leader == Some(broker));
        if let Some(session) = self.sessions.get_mut(&broker) {
            session.shutting_down = true;
        }
        self.move_away_from(broker, ElectionReason::ControlledShutdown, ctx);
        let end_offset = self.log.len() as u64;
        if let Some(session) = self.sessions.get_mut(&broker) {
            if first_request && had_leaderships && session.controlled_shutdown_offset.is_none() {
                session.controlled_shutdown_offset = Some(end_offset);
            }
        }
        let leads_nothing = self
            .partitions()
            .iter()
            .all(|(_, state)| state.leader != Some(broker));
        let reported = self
            .sessions
            .get(&broker)
            .and_then(|session| session.controlled_shutdown_offset)
            .is_none_or(|offset| offset <= self.lowest_active_offset());
        let may_stop = leads_nothing && reported;
        if may_stop && self.image.is_unfenced(broker) {
            self.commit(vec![MetadataRecord::FenceBroker { broker }], ctx);
            ctx.emit(EventKind::BrokerFenced {
                broker,
                reason: FenceReason::ControlledShutdown,
                timeout_ms: None,
            });
        }
        may_stop
    }

    /// `BrokerHeartbeatManager.lowestActiveOffset`: the lowest metadata offset reported by an
    /// unfenced broker that is not shutting down (none: no limit).
    fn lowest_active_offset(&self) -> u64 {
        self.sessions
            .iter()
            .filter(|(broker, _)| self.is_eligible(**broker))
            .map(|(_, session)| session.metadata_offset)
            .min()
            .unwrap_or(u64::MAX)
    }

    /// ZooKeeper mode (`KafkaController.doControlledShutdown`): of the partitions with more
    /// than one replica, those `broker` leads get the first replica in assignment order that is
    /// in the ISR, alive and not shutting down as leader
    /// (`ControlledShutdownPartitionLeaderElectionStrategy`), and those it follows drop it from
    /// their ISR (`OfflineReplica`). A partition it leads with no such replica keeps it as
    /// leader. The answer is how many replicated partitions it still leads: none means it may
    /// stop. Partitions with one replica are left alone; they go offline when it stops.
    pub fn zookeeper_controlled_shutdown(
        &mut self,
        broker: BrokerId,
        broker_epoch: i64,
        ctx: &mut Ctx,
    ) -> Result<usize, KafkaError> {
        self.check_broker_epoch(broker, broker_epoch)?;
        if let Some(session) = self.sessions.get_mut(&broker) {
            session.shutting_down = true;
        }
        for (partition, state) in self.partitions() {
            if state.replicas.len() <= 1 || !state.isr.contains(&broker) {
                continue;
            }
            let isr = isr_without(&state.isr, broker);
            if state.leader == Some(broker) {
                // The new ISR leaves out every broker shutting down.
                let isr: Vec<BrokerId> = isr
                    .into_iter()
                    .filter(|replica| !self.is_shutting_down(*replica))
                    .collect();
                let leader = state
                    .replicas
                    .iter()
                    .copied()
                    .find(|replica| isr.contains(replica) && self.is_eligible(*replica));
                if leader.is_some() {
                    let reason = ElectionReason::ControlledShutdown;
                    self.change_leader(&partition, &state, leader, isr, reason, ctx);
                }
            } else if state.leader.is_some() {
                let reason = ElectionReason::ControlledShutdown;
                self.change_leader(&partition, &state, state.leader, isr, reason, ctx);
            }
        }
        let remaining = self
            .partitions()
            .iter()
            .filter(|(_, state)| state.leader == Some(broker) && state.replicas.len() > 1)
            .count();
        Ok(remaining)
    }

    /// ZooKeeper mode: a broker's ephemeral node appeared; it is alive at once.
    pub fn zookeeper_broker_registered(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        let broker_epoch = self.take_broker_epoch();
        self.commit(
            vec![MetadataRecord::RegisterBroker {
                broker,
                broker_epoch,
            }],
            ctx,
        );
        self.sessions.insert(
            broker,
            BrokerSession {
                last_heartbeat_ms: ctx.now_ms,
                catch_up_offset: 0,
                shutting_down: false,
                metadata_offset: 0,
                controlled_shutdown_offset: None,
                // ZooKeeper mode has no registration request to compare it with.
                incarnation: 0,
            },
        );
        ctx.emit(EventKind::BrokerRegistered {
            broker,
            broker_epoch,
        });
        self.unfence_broker(broker, ctx);
    }

    /// ZooKeeper mode: a broker's session expired, or was `closed` by the broker as it
    /// stopped.
    pub fn zookeeper_broker_expired(
        &mut self,
        broker: BrokerId,
        closed: bool,
        timeout_ms: i64,
        ctx: &mut Ctx,
    ) {
        if !self.image.is_unfenced(broker) {
            return;
        }
        if closed {
            self.fence_broker(broker, FenceReason::ZooKeeperSessionClosed, None, ctx);
        } else {
            let reason = FenceReason::ZooKeeperSessionExpired;
            self.fence_broker(broker, reason, Some(timeout_ms), ctx);
        }
    }

    /// ZooKeeper mode, on becoming controller: compare the registered brokers with the live
    /// ephemeral nodes, as the new controller reads `/brokers/ids`.
    pub fn zookeeper_sync_brokers(&mut self, live: &[BrokerId], timeout_ms: i64, ctx: &mut Ctx) {
        let known: Vec<BrokerId> = self.image.brokers.keys().copied().collect();
        for broker in known {
            if !live.contains(&broker) {
                self.zookeeper_broker_expired(broker, false, timeout_ms, ctx);
            }
        }
        for broker in live {
            if !self.image.is_unfenced(*broker) {
                self.zookeeper_broker_registered(*broker, ctx);
            }
        }
    }

    /// `auto.leader.rebalance.enable`: elects the preferred leader of every partition led by
    /// another replica, where the preferred replica is eligible and in the ISR.
    ///
    /// ZooKeeper mode (`KafkaController.checkAndTriggerAutoLeaderRebalance`) does it only for
    /// brokers where more than `leader.imbalance.per.broker.percentage` of the partitions they
    /// prefer are led by others. KRaft's `ReplicationControlManager.maybeBalancePartitionLeaders`
    /// has no such threshold (Kafka 4.0 removed the setting): it elects every partition it
    /// can, at most 1,000 per run (`maxElectionsPerImbalance`; a simulated cluster has fewer).
    pub(super) fn rebalance_leaders(&mut self, ctx: &mut Ctx) {
        let partitions = self.partitions();
        let threshold = if self.zookeeper_mode {
            f64::from(self.settings.leader_imbalance_per_broker_percentage) / 100.0
        } else {
            0.0
        };
        let brokers: Vec<BrokerId> = self.image.brokers.keys().copied().collect();
        for broker in brokers {
            let preferred: Vec<_> = partitions
                .iter()
                .filter(|(_, state)| state.replicas.first() == Some(&broker))
                .collect();
            if preferred.is_empty() {
                continue;
            }
            let not_led = preferred
                .iter()
                .filter(|(_, state)| state.leader != Some(broker))
                .count();
            if (not_led as f64) / (preferred.len() as f64) <= threshold {
                continue;
            }
            for (partition, state) in preferred {
                if state.leader == Some(broker) {
                    continue;
                }
                if elect_preferred_leader(state, |b| self.is_eligible(b)).is_some() {
                    self.change_leader(
                        partition,
                        state,
                        Some(broker),
                        state.isr.clone(),
                        ElectionReason::Preferred,
                        ctx,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::context::TestWorld;
    use crate::config::broker::BrokerConfig;
    use crate::error::ErrorCode;
    use crate::ids::BrokerId;
    use crate::network::NodeId;

    use super::Controller;

    #[test]
    fn a_heartbeat_from_an_older_registration_is_answered_stale_broker_epoch() {
        let broker = BrokerId(1);
        let mut controller =
            Controller::new([(broker, BrokerConfig::default())].into_iter().collect());
        let mut world = TestWorld::new();
        let mut ctx = world.ctx_of(NodeId::Broker(broker));
        // The same process registering twice (its first answer lost) is not a duplicate.
        let older = controller
            .register_broker(broker, 1, None, &mut ctx)
            .expect("registered");
        let current = controller
            .register_broker(broker, 1, None, &mut ctx)
            .expect("registered");

        let stale = controller.heartbeat(broker, older, u64::MAX, false, false, &mut ctx);
        assert_eq!(
            stale.map_err(|error| error.code),
            Err(ErrorCode::StaleBrokerEpoch)
        );
        assert!(!controller.image.is_unfenced(broker));

        let answer = controller.heartbeat(broker, current, u64::MAX, false, false, &mut ctx);
        assert!(answer.is_ok_and(|answer| !answer.is_fenced));
    }
}
