//! Position validation after a leader change (KIP-320: `SubscriptionState.maybeValidatePosition`,
//! `OffsetFetcher.validatePositionsAsync`, `SubscriptionState.maybeCompleteValidation`).
//!
//! A position remembers the leader and leader epoch it was taken under, and the epoch of the
//! record batch before it. When the consumer's metadata names another leader or epoch, or a
//! position comes from a committed offset that carries an epoch, the partition is not fetched
//! until its leader has said where its log ends for that epoch (OffsetsForLeaderEpoch). An end
//! before the position means the log was truncated under the consumer, by an unclean election:
//! with a reset policy it goes back to the first offset known to diverge, with `none` poll()
//! throws `LogTruncationException`. A position without an epoch (after a reset or a seek) is
//! not checked.

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::deadlines::Connection;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::AutoOffsetReset;
use crate::network::NodeId;
use crate::protocol::{
    Body, EpochQuery, OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse,
};

use super::{Assigned, Consumer, ConsumerTimer};

/// A partition's leader and leader epoch as the consumer's metadata has them
/// (`Metadata.LeaderAndEpoch`; -1 for an unknown epoch).
pub type LeaderAndEpoch = (Option<BrokerId>, i32);

/// One partition of a validation in flight, as it was when asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedPosition {
    /// The partition.
    pub partition: TopicPartition,
    /// Its position then.
    pub offset: Offset,
    /// The leader it was asked of.
    pub leader: LeaderAndEpoch,
}

impl Assigned {
    /// `seekUnvalidated`: a new position under `leader`, to be checked first when it carries
    /// an epoch and the leader's epoch is known (`validatePosition`).
    pub(crate) fn seek_unvalidated(
        &mut self,
        offset: Offset,
        epoch: Option<i32>,
        leader: LeaderAndEpoch,
        now_ms: i64,
    ) {
        self.position = Some(offset);
        self.position_epoch = epoch;
        self.current_leader = leader;
        self.reset_due_ms = None;
        self.reset_error = None;
        self.validate_due_ms = (epoch.is_some() && leader.1 >= 0).then_some(now_ms);
        self.buffered.clear();
    }

    /// Whether the partition may be fetched and its records returned (`FETCHING`).
    pub fn is_fetchable(&self) -> bool {
        self.position.is_some() && self.validate_due_ms.is_none()
    }
}

impl Consumer {
    /// The leader and epoch the metadata has for `partition`.
    pub(crate) fn leader_and_epoch(&self, partition: &TopicPartition) -> LeaderAndEpoch {
        (
            self.metadata.leader(partition),
            self.metadata.leader_epoch(partition),
        )
    }

    /// `validatePositionsOnMetadataChange`, after each metadata update: a position taken under
    /// another leader or epoch than the metadata's now is checked again, if it has an epoch to
    /// check.
    pub(crate) fn check_positions_against_leaders(&mut self, ctx: &mut Ctx) {
        let leaders: Vec<LeaderAndEpoch> = self
            .assigned
            .keys()
            .map(|partition| self.leader_and_epoch(partition))
            .collect();
        for ((_, assigned), leader) in self.assigned.iter_mut().zip(leaders) {
            if assigned.position.is_none()
                || leader.0.is_none()
                || assigned.current_leader == leader
            {
                continue;
            }
            assigned.current_leader = leader;
            if assigned.position_epoch.is_some() && leader.1 >= 0 {
                assigned.validate_due_ms = Some(ctx.now_ms);
                // Records fetched under the old leader are not returned (`isFetchable`).
                assigned.buffered.clear();
            }
        }
    }

    /// `validatePositionsIfNeeded`: asks the leaders of the partitions awaiting validation
    /// whose retry time has come; one asked may be asked again after `request.timeout.ms`.
    pub(crate) fn send_validations(&mut self, ctx: &mut Ctx) {
        let retry_at_ms = ctx.now_ms.saturating_add(self.rules.request_timeout_ms);
        let mut by_leader: VecMap<BrokerId, (Vec<EpochQuery>, Vec<AskedPosition>)> = VecMap::new();
        for (partition, assigned) in &mut self.assigned {
            let (Some(offset), Some(epoch), Some(leader)) = (
                assigned.position,
                assigned.position_epoch,
                assigned.current_leader.0,
            ) else {
                continue;
            };
            if assigned
                .validate_due_ms
                .is_none_or(|at_ms| at_ms > ctx.now_ms)
            {
                continue;
            }
            assigned.validate_due_ms = Some(retry_at_ms);
            let (queries, asked) = by_leader.entry(leader).or_default();
            queries.push(EpochQuery {
                partition: partition.clone(),
                current_leader_epoch: assigned.current_leader.1,
                leader_epoch: epoch,
            });
            asked.push(AskedPosition {
                partition: partition.clone(),
                offset,
                leader: assigned.current_leader,
            });
        }
        for (leader, (partitions, asked)) in by_leader {
            let request_id = ctx.request_id();
            self.validations_in_flight.insert(request_id, asked);
            let request = OffsetsForLeaderEpochRequest {
                request_id,
                partitions,
            };
            ctx.send(
                NodeId::Broker(leader),
                Body::OffsetsForLeaderEpochRequest(request),
            );
            let connection = Connection::Broker(leader);
            self.watch_request(request_id, self.rules.request_timeout_ms, connection, ctx);
        }
    }

    /// `maybeCompleteValidation` for each partition answered.
    pub(crate) fn handle_offsets_for_leader_epoch(
        &mut self,
        response: OffsetsForLeaderEpochResponse,
        ctx: &mut Ctx,
    ) {
        let Some(asked) = self.validations_in_flight.remove(&response.request_id) else {
            return;
        };
        let mut to_reset = Vec::new();
        let mut truncated = Vec::new();
        let mut retry = false;
        let has_policy = self.rules.auto_offset_reset != AutoOffsetReset::None;
        for (partition, result) in response.partitions {
            let Some(request) = asked.iter().find(|a| a.partition == partition) else {
                continue;
            };
            let Some(assigned) = self.assigned.get_mut(&partition) else {
                continue;
            };
            // The position moved on since the question (or needs no validation any more).
            if assigned.validate_due_ms.is_none()
                || assigned.position != Some(request.offset)
                || assigned.current_leader != request.leader
            {
                continue;
            }
            let fetch_epoch = optional(assigned.position_epoch);
            match result {
                Err(error) => {
                    self.metadata.invalidate_on(error.code);
                    assigned.validate_due_ms = Some(ctx.now_ms + self.rules.retry_backoff_ms);
                    retry = true;
                }
                Ok(Some((_, end))) if end >= request.offset => {
                    assigned.validate_due_ms = None;
                }
                Ok(Some((epoch, end))) if has_policy => {
                    // `seekValidated` to the first offset known to diverge.
                    assigned.position = Some(end);
                    assigned.position_epoch = Some(epoch);
                    assigned.validate_due_ms = None;
                    assigned.buffered.clear();
                    ctx.emit(EventKind::Client {
                        client: Some(self.id),
                        trace: format!(
                            "truncation client-{} {partition} position={} diverges={end}",
                            self.id.0, request.offset
                        ),
                        description: format!(
                            "{}: truncation detected in {partition}. Leader {} ends epoch {epoch} at offset {end}, before its position {}: the log it read was cut back (an unclean election). It goes back to offset {end}, the first offset known to diverge (KIP-320: OffsetsForLeaderEpoch after a leader change).",
                            self.name,
                            request.leader.0.map_or(-1, |b| b.0),
                            request.offset
                        ),
                    });
                }
                Ok(Some((epoch, end))) => truncated.push(format!(
                    "(partition={partition}, fetchOffset={}, fetchEpoch={fetch_epoch}, divergentOffset={end}, divergentEpoch=Optional[{epoch}])",
                    request.offset
                )),
                Ok(None) if has_policy => to_reset.push(partition.clone()),
                Ok(None) => truncated.push(format!(
                    "(partition={partition}, fetchOffset={}, fetchEpoch={fetch_epoch}, divergentOffset=unknown, divergentEpoch=unknown)",
                    request.offset
                )),
            }
        }
        if !truncated.is_empty() {
            let error = KafkaError::new(
                ErrorCode::LogTruncation,
                format!("Detected truncated partitions: [{}]", truncated.join(", ")),
            );
            self.report_error(error, ctx);
        }
        if !to_reset.is_empty() {
            // The leader does not know the epoch at all: `requestOffsetReset`.
            for partition in &to_reset {
                if let Some(assigned) = self.assigned.get_mut(partition) {
                    assigned.validate_due_ms = None;
                }
            }
            self.reset_positions(to_reset, ctx);
        }
        if retry {
            ctx.after(
                self.rules.retry_backoff_ms,
                Timer::Consumer(ConsumerTimer::Retry),
            );
        }
        self.send_fetches(ctx);
    }

    /// A validation request was lost or refused: its partitions are asked again after
    /// `retry.backoff.ms`. Whether `request_id` was one.
    pub(crate) fn validation_failed(&mut self, request_id: u64, ctx: &mut Ctx) -> bool {
        let Some(asked) = self.validations_in_flight.remove(&request_id) else {
            return false;
        };
        for request in asked {
            if let Some(assigned) = self.assigned.get_mut(&request.partition) {
                if assigned.validate_due_ms.is_some() {
                    assigned.validate_due_ms = Some(ctx.now_ms + self.rules.retry_backoff_ms);
                }
            }
        }
        self.metadata.stale = true;
        ctx.after(
            self.rules.retry_backoff_ms,
            Timer::Consumer(ConsumerTimer::Retry),
        );
        true
    }
}

/// Java's `Optional<Integer>.toString()`.
pub(crate) fn optional(value: Option<i32>) -> String {
    value.map_or_else(
        || "Optional.empty".to_string(),
        |v| format!("Optional[{v}]"),
    )
}
