//! KRaft: how a broker registers with the controller and heartbeats to it, as Kafka's
//! `BrokerLifecycleManager` does.
//!
//! At most one registration or heartbeat is in flight (`communicationInFlight`). The next one is
//! scheduled when the previous one is answered or times out: a registration answer carries the
//! broker epoch, and a heartbeat goes at once; a heartbeat answer schedules the next heartbeat
//! `broker.heartbeat.interval.ms` later (10 ms until the broker is first unfenced); a failure
//! (a timeout, or an error such as `STALE_BROKER_EPOCH`, which Kafka logs and retries) one
//! interval later. Asking for a heartbeat now (caught up with the metadata, or a controlled
//! shutdown) while one is in flight sends the next one as soon as that one answers
//! (`nextSchedulingShouldBeImmediate`).
//!
//! With one request in flight a broker never takes the epoch of an older registration: a late
//! answer to a registration that timed out is ignored, as Kafka's closed connection drops it.

use crate::cluster::context::Ctx;
use crate::cluster::timer::Timer;
use crate::error::KafkaError;
use crate::protocol::controller::BrokerHeartbeatAnswer;
use crate::protocol::ControllerBody;

use super::{Broker, BrokerStatus, BrokerTimer, OwnRequest};

/// When the next registration or heartbeat goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Communication {
    /// When the next one is due. Kafka's `scheduleDeferred("communication", ...)` replaces the
    /// one scheduled before, so a timer set for another time is stale.
    pub next_at_ms: Option<i64>,
    /// It came due while another was in flight: send as soon as that one is answered or times
    /// out (`nextSchedulingShouldBeImmediate`).
    pub next_immediately: bool,
    /// The controller has unfenced this broker since it started (Kafka's state RUNNING): until
    /// then it heartbeats every [`STARTING_HEARTBEAT_MS`].
    pub unfenced: bool,
    /// The controller has answered a controlled shutdown request with "not yet"
    /// (`gotControlledShutdownResponse`).
    pub shutdown_answered: bool,
}

/// How often a broker that has not been unfenced yet heartbeats: Kafka's
/// `BrokerLifecycleManager` schedules the next communication 10 ms after each answer while the
/// broker is STARTING, until an answer says it has caught up with the metadata; it then asks to
/// be unfenced at once (`setReadyToUnfence`), and heartbeats every interval after that.
/// Simplification: the answer here does not say whether the broker caught up, so the 10 ms
/// go on until the broker is unfenced, which on the usual path is the same moment (a broker
/// that asks in RECOVERY is unfenced at once); only a broker the controller keeps fenced
/// after it caught up heartbeats faster here than in Kafka.
pub const STARTING_HEARTBEAT_MS: i64 = 10;

/// How soon a broker heartbeats again after the controller's first "not yet" to its controlled
/// shutdown (`BrokerLifecycleManager`'s `PENDING_CONTROLLED_SHUTDOWN` case).
pub const FIRST_SHUTDOWN_ANSWER_HEARTBEAT_MS: i64 = 50;

impl Broker {
    /// `StartupEvent`: registers at once.
    pub(super) fn start_communication(&mut self, ctx: &mut Ctx) {
        self.communication = Communication::default();
        self.send_registration(ctx);
    }

    /// `CommunicationEvent`: registers, or heartbeats once registered; waits while a request is
    /// in flight.
    pub(super) fn communicate(&mut self, at_ms: i64, ctx: &mut Ctx) {
        if self.communication.next_at_ms != Some(at_ms) {
            return;
        }
        self.communication.next_at_ms = None;
        if self.communication_in_flight() {
            self.communication.next_immediately = true;
        } else if self.broker_epoch >= 0 {
            self.send_heartbeat(ctx);
        } else {
            self.send_registration(ctx);
        }
    }

    fn communication_in_flight(&self) -> bool {
        self.own_requests
            .values()
            .any(|what| matches!(what, OwnRequest::Registration | OwnRequest::Heartbeat))
    }

    fn send_registration(&mut self, ctx: &mut Ctx) {
        let request_id = ctx.request_id();
        let body = ControllerBody::RegisterBroker {
            request_id,
            broker: self.id,
            incarnation: self.incarnation,
            previous_broker_epoch: self.previous_broker_epoch,
        };
        if !self.send_to_controller(request_id, OwnRequest::Registration, body, ctx) {
            self.schedule_communication_after_failure(ctx);
        }
    }

    /// The controller registered this broker: start pulling metadata and heartbeat at once.
    /// Refused (`DUPLICATE_BROKER_REGISTRATION`), it tries again later, as after any failure.
    pub(super) fn registered(
        &mut self,
        request_id: u64,
        result: Result<i64, KafkaError>,
        ctx: &mut Ctx,
    ) {
        if self.take_own_request(request_id).is_none() {
            return;
        }
        let Ok(broker_epoch) = result else {
            self.schedule_communication_after_failure(ctx);
            return;
        };
        self.broker_epoch = broker_epoch;
        self.fetch_metadata(ctx);
        self.schedule_communication_immediately(ctx);
    }

    fn send_heartbeat(&mut self, ctx: &mut Ctx) {
        let request_id = ctx.request_id();
        let body = ControllerBody::BrokerHeartbeat {
            request_id,
            broker: self.id,
            broker_epoch: self.broker_epoch,
            metadata_offset: self.metadata.offset,
            // Kafka's `!readyToUnfence`: here, until the broker has caught up.
            want_fence: self.status == BrokerStatus::Starting,
            want_shutdown: self.status == BrokerStatus::ShuttingDown,
        };
        if !self.send_to_controller(request_id, OwnRequest::Heartbeat, body, ctx) {
            self.schedule_communication_after_failure(ctx);
        }
    }

    /// `BrokerHeartbeatResponseEvent`: the next heartbeat goes [`STARTING_HEARTBEAT_MS`] later
    /// until the broker is first unfenced, `broker.heartbeat.interval.ms` later after that. The
    /// first "not yet" to a controlled shutdown brings the next one 50 ms later ("In the case
    /// where controlled shutdown completes quickly, this will speed things up a little bit").
    pub(super) fn heartbeat_answered(
        &mut self,
        request_id: u64,
        result: Result<BrokerHeartbeatAnswer, KafkaError>,
        ctx: &mut Ctx,
    ) {
        if self.take_own_request(request_id).is_none() {
            return;
        }
        let Ok(answer) = result else {
            // `STALE_BROKER_EPOCH` included: Kafka logs a warning and heartbeats again later
            // with the same epoch; it registers again only when told to
            // (`resendBrokerRegistration`), which nothing here does.
            self.schedule_communication_after_failure(ctx);
            return;
        };
        self.fenced = answer.is_fenced;
        if answer.should_shutdown && self.status == BrokerStatus::ShuttingDown {
            self.crash(ctx, true);
            return;
        }
        self.communication.unfenced |= !answer.is_fenced;
        let first_shutdown_answer = self.status == BrokerStatus::ShuttingDown
            && !std::mem::replace(&mut self.communication.shutdown_answered, true);
        let delay_ms = if first_shutdown_answer {
            FIRST_SHUTDOWN_ANSWER_HEARTBEAT_MS
        } else if self.communication.unfenced {
            self.settings.broker_heartbeat_interval_ms
        } else {
            STARTING_HEARTBEAT_MS
        };
        self.schedule_communication(delay_ms, ctx);
    }

    /// A registration or heartbeat timed out or was refused.
    ///
    /// Simplification: Kafka's `NodeToControllerChannelManager` sends a request refused with
    /// NOT_CONTROLLER again to the new controller until it times out; here the lifecycle
    /// manager tries again a heartbeat interval later, as after any failure.
    pub(super) fn communication_failed(&mut self, ctx: &mut Ctx) {
        self.schedule_communication_after_failure(ctx);
    }

    /// Sends the next registration or heartbeat now, or as soon as the one in flight is done.
    pub(super) fn schedule_communication_immediately(&mut self, ctx: &mut Ctx) {
        self.schedule_communication(0, ctx);
    }

    fn schedule_communication_after_failure(&mut self, ctx: &mut Ctx) {
        // Never at once after a failure.
        self.communication.next_immediately = false;
        self.schedule_communication(self.settings.broker_heartbeat_interval_ms, ctx);
    }

    fn schedule_communication(&mut self, delay_ms: i64, ctx: &mut Ctx) {
        let delay_ms = if std::mem::take(&mut self.communication.next_immediately) {
            0
        } else {
            delay_ms
        };
        let at_ms = ctx.now_ms.saturating_add(delay_ms.max(0));
        self.communication.next_at_ms = Some(at_ms);
        ctx.at(at_ms, Timer::Broker(BrokerTimer::Communication { at_ms }));
    }
}
