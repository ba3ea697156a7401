//! The leader's side of Produce (`ReplicaManager.appendRecords`, `Partition.appendRecordsToLeader`,
//! `DelayedProduce`).
//!
//! - `acks=0`: the leader appends and sends no answer at all.
//! - `acks=1`: the leader answers once the batch is in its own log; followers may not have it.
//! - `acks=all`: the leader refuses with `NOT_ENOUGH_REPLICAS` if the ISR is smaller than
//!   `min.insync.replicas` (nothing is written); otherwise it appends and holds the answer until
//!   the high watermark passes the batch, then answers `NOT_ENOUGH_REPLICAS_AFTER_APPEND` if the
//!   ISR shrank below `min.insync.replicas` meanwhile (the batch *is* written), or success; or
//!   `REQUEST_TIMED_OUT` after the request's timeout.

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};
use crate::kinds::Acks;
use crate::log::{LeaderAppend, ProducedBatch};
use crate::network::NodeId;
use crate::protocol::{Body, PartitionProduceResponse, ProduceRequest, ProduceResponse};
use crate::quota::QuotaKind;

use super::purgatory::{DelayedProduce, ProduceOrigin, ProducePartitionStatus};
use super::replica::LeaderRules;
use super::{Broker, BrokerTimer};

impl Broker {
    pub(super) fn handle_produce(&mut self, from: NodeId, request: ProduceRequest, ctx: &mut Ctx) {
        let producer = match from {
            NodeId::Client(client) => Some(client),
            _ => None,
        };
        let denied = self.produce_denied(from, &request, ctx);
        let mut statuses = Vec::with_capacity(request.batches.len());
        for (partition, batch) in &request.batches {
            let result = match &denied {
                Some(ProduceDenied::TransactionalId) => Err(KafkaError::with_default_message(
                    ErrorCode::TransactionalIdAuthorizationFailed,
                )),
                Some(ProduceDenied::Topics(topics)) if topics.contains(&partition.topic) => {
                    Err(super::authorization::topic_denied())
                }
                _ => self.append_to_leader(partition, batch, request.acks, producer, ctx),
            };
            let required_offset = match &result {
                Ok((_, last)) => last.next(),
                Err(_) => Offset(0),
            };
            statuses.push(ProducePartitionStatus {
                partition: partition.clone(),
                result: result.map(|(base, _)| base),
                required_offset,
                done: false,
            });
        }
        let bytes = self.produce_request_bytes(&request);
        match request.acks {
            // Measured: no answer carries the throttle time, but the broker holds the
            // producer's next requests all the same (see `crate::quota`).
            Acks::Zero => {
                self.record_quota(from, QuotaKind::Produce, &request.client_id, bytes, ctx);
            }
            Acks::One => {
                for status in &mut statuses {
                    status.done = true;
                }
                let mut response = self.produce_response(request.request_id, statuses);
                response.throttle_time_ms =
                    self.record_quota(from, QuotaKind::Produce, &request.client_id, bytes, ctx);
                ctx.send(from, Body::ProduceResponse(response));
            }
            Acks::All => {
                let origin = ProduceOrigin::Client {
                    node: from,
                    request_id: request.request_id,
                    quota: (request.client_id, bytes),
                };
                self.hold_until_replicated(origin, statuses, request.timeout_ms, ctx);
            }
        }
    }

    /// `KafkaApis.handleProduceRequest`'s checks: a transactional producer needs `WRITE` on
    /// its transactional id, then each topic needs `WRITE`. `None` when nothing is denied.
    fn produce_denied(
        &self,
        from: NodeId,
        request: &ProduceRequest,
        ctx: &mut Ctx,
    ) -> Option<ProduceDenied> {
        if !self.has_authorizer() {
            return None;
        }
        use crate::acl::{AclOperation, ResourceType};
        if let Some(id) = &request.transactional_id {
            let api = "Produce";
            if !self.authorized(
                from,
                api,
                AclOperation::Write,
                ResourceType::TransactionalId,
                id,
                ctx,
            ) {
                return Some(ProduceDenied::TransactionalId);
            }
        }
        let topics = request
            .batches
            .iter()
            .map(|(partition, _)| partition.topic.as_str());
        let denied = self.topics_denied(from, "Produce", AclOperation::Write, topics, ctx);
        (!denied.is_empty()).then_some(ProduceDenied::Topics(denied))
    }

    /// Appends one batch as leader. `Ok((base offset, last offset))`, or Kafka's error.
    pub(crate) fn append_to_leader(
        &mut self,
        partition: &TopicPartition,
        batch: &ProducedBatch,
        acks: Acks,
        producer: Option<crate::network::ClientId>,
        ctx: &mut Ctx,
    ) -> Result<(Offset, Offset), KafkaError> {
        let settings = self.topic_settings(&partition.topic);
        let me = self.id;
        let Some(replica) = self.replicas.get_mut(partition) else {
            let code = if self.metadata.partition(partition).is_some() {
                ErrorCode::NotLeaderOrFollower
            } else {
                ErrorCode::UnknownTopicOrPartition
            };
            return Err(KafkaError::with_default_message(code));
        };
        let Some(leadership) = replica.leadership() else {
            return Err(KafkaError::with_default_message(
                ErrorCode::NotLeaderOrFollower,
            ));
        };
        let isr_size = leadership.isr.len() as i32;
        if acks == Acks::All && isr_size < settings.min_insync_replicas {
            return Err(KafkaError::new(
                ErrorCode::NotEnoughReplicas,
                format!(
                    "The size of the current ISR Set({}) is insufficient to satisfy the min.isr requirement of {} for partition {partition}",
                    leadership.isr.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                    settings.min_insync_replicas
                ),
            ));
        }
        let leader_epoch = replica.state.leader_epoch;
        let before_segments = replica.log.segments().len();
        let appended =
            replica
                .log
                .append_as_leader(batch, leader_epoch, ctx.clock_ms, &settings.log)?;
        let stored = match appended {
            LeaderAppend::Appended { batch } => batch,
            LeaderAppend::Duplicate {
                base_offset,
                last_offset,
            } => return Ok((base_offset, last_offset)),
        };
        let (base, last) = (stored.base_offset, stored.last_offset());
        if replica.log.segments().len() > before_segments && before_segments > 0 {
            // The closed segment is as it was when the roll check closed it: asked again with
            // the same batch, it gives the reason.
            let segments = replica.log.segments();
            let reason = segments[segments.len() - 2].roll_reason(
                i64::from(stored.size_in_bytes),
                stored.max_timestamp,
                ctx.clock_ms,
                &settings.log,
            );
            if let Some(reason) = reason {
                ctx.emit(EventKind::SegmentRolled {
                    partition: partition.clone(),
                    broker: me,
                    base_offset: base,
                    reason,
                });
            }
        }
        ctx.emit(EventKind::BatchAppended {
            partition: partition.clone(),
            broker: me,
            base_offset: base,
            last_offset: last,
            producer,
        });
        self.after_leader_progress(partition, ctx);
        Ok((base, last))
    }

    /// After the leader's log or a follower's position moved: wake the fetches waiting for
    /// data, move the high watermark, and answer produces waiting for it.
    pub(crate) fn after_leader_progress(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        for id in self.purgatory.fetches_watching(partition) {
            if self.delayed_fetch_has_data(id) {
                self.complete_delayed_fetch(id, ctx);
            }
        }
        let rules = self.leader_rules(&partition.topic);
        let me = self.id;
        let Some(replica) = self.replicas.get_mut(partition) else {
            return;
        };
        let metadata = &self.metadata;
        let eligible = |broker| metadata.is_unfenced(broker);
        if let Some(high_watermark) =
            replica.maybe_increment_high_watermark(rules, ctx.now_ms, eligible)
        {
            replica.log.on_high_watermark_updated(high_watermark);
            ctx.emit(EventKind::HighWatermarkAdvanced {
                partition: partition.clone(),
                broker: me,
                high_watermark,
            });
            for id in self.purgatory.produces_watching(partition) {
                self.try_complete_produce(id, ctx);
            }
            for id in self.purgatory.fetches_watching(partition) {
                if self.delayed_fetch_has_data(id) {
                    self.complete_delayed_fetch(id, ctx);
                }
            }
        }
    }

    /// The rules the leader of `topic`'s partitions follows.
    pub(crate) fn leader_rules(&self, topic: &str) -> LeaderRules {
        LeaderRules {
            replica_lag_time_max_ms: self.settings.replica_lag_time_max_ms,
            min_insync_replicas: self.topic_settings(topic).min_insync_replicas,
            hw_waits_for_min_isr: true,
        }
    }

    /// Holds an `acks=all` answer until the ISR has the batches (or answers now if it can).
    pub(crate) fn hold_until_replicated(
        &mut self,
        origin: ProduceOrigin,
        partitions: Vec<ProducePartitionStatus>,
        timeout_ms: i64,
        ctx: &mut Ctx,
    ) {
        let deadline_ms = ctx.now_ms.saturating_add(timeout_ms.max(0));
        let id = self.purgatory.add_produce(DelayedProduce {
            origin,
            deadline_ms,
            partitions,
        });
        if !self.try_complete_produce(id, ctx) {
            Self::after(
                ctx,
                timeout_ms.max(0),
                BrokerTimer::DelayedProduceExpired { id },
            );
        }
    }

    /// `DelayedProduce.tryComplete`: answers the produce once every partition is decided.
    /// Returns whether it was answered.
    pub(crate) fn try_complete_produce(&mut self, id: u64, ctx: &mut Ctx) -> bool {
        let Some(produce) = self.purgatory.produces.get(&id) else {
            return true;
        };
        // Looking stops at the first partition still waiting (most checks, as the high
        // watermark moves one fetch at a time): nothing is decided until all are.
        let mut decided = Vec::with_capacity(produce.partitions.len());
        for status in &produce.partitions {
            let outcome = if status.done || status.result.is_err() {
                status.result.clone()
            } else {
                match self.replication_outcome(&status.partition, status.required_offset) {
                    Some(outcome) => outcome.and(status.result.clone()),
                    None => return false,
                }
            };
            decided.push(outcome);
        }
        let Some(mut produce) = self.purgatory.take_produce(id) else {
            return true;
        };
        for (status, outcome) in produce.partitions.iter_mut().zip(decided) {
            status.result = outcome;
            status.done = true;
        }
        self.answer_produce(produce, ctx);
        true
    }

    /// `Partition.checkEnoughReplicasReachOffset`: `None` while the high watermark is below
    /// `required_offset`; then success, or `NOT_ENOUGH_REPLICAS_AFTER_APPEND` if the ISR is
    /// now smaller than `min.insync.replicas`.
    fn replication_outcome(
        &self,
        partition: &TopicPartition,
        required_offset: Offset,
    ) -> Option<Result<Offset, KafkaError>> {
        let not_leader = || {
            Some(Err(KafkaError::with_default_message(
                ErrorCode::NotLeaderOrFollower,
            )))
        };
        let Some(replica) = self.replicas.get(partition) else {
            return not_leader();
        };
        let Some(leadership) = replica.leadership() else {
            return not_leader();
        };
        if replica.high_watermark < required_offset {
            return None;
        }
        let min_isr = self.topic_settings(&partition.topic).min_insync_replicas;
        if (leadership.maximal_isr_len() as i32) < min_isr {
            return Some(Err(KafkaError::with_default_message(
                ErrorCode::NotEnoughReplicasAfterAppend,
            )));
        }
        Some(Ok(Offset(0)))
    }

    pub(super) fn expire_delayed_produce(&mut self, id: u64, ctx: &mut Ctx) {
        let Some(mut produce) = self.purgatory.take_produce(id) else {
            return;
        };
        for status in &mut produce.partitions {
            if !status.done && status.result.is_ok() {
                status.result = Err(KafkaError::with_default_message(ErrorCode::RequestTimedOut));
            }
            status.done = true;
        }
        self.answer_produce(produce, ctx);
    }

    fn answer_produce(&mut self, produce: DelayedProduce, ctx: &mut Ctx) {
        match produce.origin {
            ProduceOrigin::Client {
                node,
                request_id,
                quota: (client_id, bytes),
            } => {
                let mut response = self.produce_response(request_id, produce.partitions);
                response.throttle_time_ms =
                    self.record_quota(node, QuotaKind::Produce, &client_id, bytes, ctx);
                ctx.send(node, Body::ProduceResponse(response));
            }
            ProduceOrigin::Coordinator { write_id } => {
                self.coordinator_write_completed(write_id, &produce.partitions, ctx);
            }
        }
    }

    fn produce_response(
        &self,
        request_id: u64,
        statuses: Vec<ProducePartitionStatus>,
    ) -> ProduceResponse {
        let partitions = statuses
            .into_iter()
            .map(|status| {
                let log_start_offset = self
                    .replicas
                    .get(&status.partition)
                    .map_or(Offset(-1), |replica| replica.log.log_start_offset());
                // KIP-951: a NOT_LEADER_OR_FOLLOWER answer names the leader this broker knows.
                let not_leader = matches!(&status.result,
                    Err(error) if error.code == ErrorCode::NotLeaderOrFollower);
                let current_leader = not_leader
                    .then(|| self.current_leader(&status.partition))
                    .flatten();
                PartitionProduceResponse {
                    partition: status.partition,
                    result: status.result,
                    log_start_offset,
                    current_leader,
                }
            })
            .collect();
        ProduceResponse {
            request_id,
            partitions,
            throttle_time_ms: 0,
        }
    }

    /// A write of this broker's coordinators to an internal topic was replicated (or failed).
    /// The group and transaction coordinators hook in here: transaction write ids carry
    /// [`crate::transaction::TRANSACTION_WRITE_FLAG`]; the group coordinator knows its own.
    fn coordinator_write_completed(
        &mut self,
        write_id: u64,
        partitions: &[ProducePartitionStatus],
        ctx: &mut Ctx,
    ) {
        if crate::transaction::is_transaction_write(write_id) {
            self.transaction_write_completed(write_id, partitions, ctx);
        } else if self.group_coordinator.owns_write(write_id) {
            let result = partitions
                .iter()
                .find_map(|status| status.result.clone().err())
                .map_or(Ok(()), Err);
            self.group_write_completed(write_id, result, ctx);
        }
    }
}

/// What a produce request may not write.
enum ProduceDenied {
    /// Nothing: the transactional id is denied.
    TransactionalId,
    /// These topics.
    Topics(Vec<String>),
}
