//! The producer's sender (`Sender`): drains ready batches into Produce requests, one request
//! per leader, and handles the answers.
//!
//! A batch is ready when it is full, its `linger.ms` is up, a flush asked for it, or a newer
//! batch queues behind it. At most `max.in.flight.requests.per.connection` requests go to one
//! broker at a time. A retriable error sends the batch again after a backoff
//! (`retry.backoff.ms`, doubling up to `retry.backoff.max.ms`), as long as `retries` and
//! `delivery.timeout.ms` allow; without idempotence a retry can land after a newer batch
//! (reordering) or twice (when the first attempt was appended but its answer lost). With
//! idempotence each batch carries the producer id, epoch and sequence numbers, and the broker
//! drops duplicates and refuses gaps, so retries neither duplicate nor reorder; when a
//! partition's sequences can no longer be trusted, the producer bumps its epoch (see
//! [`sequences`](super::sequences)).

use crate::vec_map::VecMap;
use std::collections::VecDeque;
use std::sync::Arc;

use crate::client::backoff_ms;
use crate::cluster::context::Ctx;
use crate::cluster::deadlines::Connection;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::kinds::Acks;
use crate::log::ProducedBatch;
use crate::network::NodeId;
use crate::protocol::{Body, ProduceRequest, ProduceResponse, TxnBody};

use super::accumulator::{queued_mut, ProducerBatch, TopicQueues};
use super::partitioner::{PartitionLoadStats, PartitionerKind};
use super::{Producer, ProducerTimer};

/// A Produce request awaiting its answer.
#[derive(Debug, Clone)]
pub struct InFlight {
    /// The leader it went to.
    pub broker: BrokerId,
    /// The batches it carries.
    pub batches: Vec<ProducerBatch>,
}

impl Producer {
    /// Sends whatever is ready, and schedules the next wakeup.
    pub(crate) fn run_sender(&mut self, ctx: &mut Ctx) {
        self.request_metadata(ctx);
        if self.transactions.is_some() {
            if self.run_transaction_manager(ctx) {
                return;
            }
        } else if self.rules.idempotent {
            if let Some(error) = self.fatal_error.clone() {
                // `Sender.runOnce` after `TransactionManager.fatalError`: every batch fails.
                self.abort_queued_batches(&error, |_| true, ctx);
                return;
            }
            self.settle_sequences(ctx);
            if self.producer_id.is_none() {
                self.init_producer_id(ctx);
                return;
            }
        }
        if self.expire_batches(ctx) {
            // A batch expired in retry: settle its partition before draining, as Kafka's
            // sender does on its next loop.
            self.settle_sequences(ctx);
        }
        // `RecordAccumulator.ready`, then `drain`: a broker is ready when one of its partitions
        // has a batch ready to go (full, lingered long enough, or forced), and then the
        // request takes the first batch of each partition it leads that is not backing off,
        // lingering or not ("Only drain the batch if it is not during backoff period"), up to
        // `max.request.size` (see `drain_for_leader`).
        self.update_partition_load_stats();
        let mut requests: VecMap<BrokerId, Vec<ProducerBatch>> = VecMap::new();
        let mut ready_leaders: Vec<BrokerId> = Vec::new();
        let mut blocked_leaders: Vec<BrokerId> = Vec::new();
        let mut next_wakeup: Option<i64> = None;
        let mut needs_metadata = false;
        // The queues are taken out while the sender walks them (nothing below touches them
        // through `self`), so no partition name is cloned on each run.
        let mut queues = std::mem::take(&mut self.accumulator.queues);
        let saturated = self.saturated_brokers(ctx.now_ms);
        for (topic, partition, deque) in queued_mut(&mut queues) {
            let Some((leader, epoch)) = self
                .metadata
                .partition_of(topic, partition)
                .and_then(|p| Some((p.leader?, p.known_leader_epoch())))
            else {
                needs_metadata = true;
                continue;
            };
            if let Some(front) = deque.front_mut() {
                front.maybe_update_leader_epoch(epoch);
            }
            let Some(front) = self.drainable(topic, partition, leader, deque, &saturated) else {
                // Ready, but the leader's connection takes no more requests (`client.ready`
                // is false): only its ready time moves on.
                if self.rules.availability_timeout_ms > 0
                    && saturated.contains(&leader)
                    && deque
                        .front()
                        .is_some_and(|front| self.ready_at(front, deque.len() > 1) <= ctx.now_ms)
                    && !blocked_leaders.contains(&leader)
                {
                    blocked_leaders.push(leader);
                }
                continue;
            };
            let ready_at = self.ready_at(front, deque.len() > 1);
            if ready_at <= ctx.now_ms {
                if !ready_leaders.contains(&leader) {
                    ready_leaders.push(leader);
                }
            } else {
                next_wakeup = Some(next_wakeup.map_or(ready_at, |at: i64| at.min(ready_at)));
            }
        }
        if self.rules.availability_timeout_ms > 0 {
            for &leader in &blocked_leaders {
                self.accumulator
                    .update_node_latency_stats(leader, ctx.now_ms, false);
            }
            for &leader in &ready_leaders {
                self.accumulator
                    .update_node_latency_stats(leader, ctx.now_ms, true);
            }
        }
        // A request that reached `max.request.size` leaves ready batches behind: the sender
        // loops again at once (`Sender.sendProducerData` polls with a zero timeout while a node
        // has sendable data), as long as the broker takes more requests.
        let mut full_request = false;
        for leader in ready_leaders {
            let (drained, full) = self.drain_for_leader(leader, &mut queues, ctx.now_ms);
            full_request |= full;
            for mut batch in drained {
                self.seal(&mut batch);
                requests.entry(leader).or_default().push(batch);
            }
        }
        // Drained queues stay, empty, for the next batches (as Kafka's accumulator keeps its
        // deques): dropping them made every steady producer allocate them again.
        self.accumulator.queues = queues;
        if needs_metadata {
            self.metadata.stale = true;
            self.request_metadata(ctx);
        }
        // `Sender.sendProducerData`: with nodes ready to send, the sender polls with a zero
        // timeout and loops at once, so a partition's further ready batches go in the next
        // requests (up to `max.in.flight.requests.per.connection`) without waiting for an
        // answer, which an `acks=0` producer never gets. Looping only after a request went out
        // keeps the loop from spinning on a broker that takes nothing.
        let sent_any = !requests.is_empty();
        for (broker, batches) in requests {
            self.send_request(broker, batches, ctx);
        }
        if full_request || sent_any {
            self.wake_sender_at(ctx.now_ms, ctx);
        } else if let Some(at_ms) = next_wakeup {
            self.wake_sender_at(at_ms, ctx);
        }
        if let Some(before) = self.flush_before_batch {
            if !self.has_incomplete_batch_before(before) {
                self.flush_before_batch = None;
            }
        }
    }

    /// `RecordAccumulator.partitionReady`'s count for the adaptive partitioner: per topic, the
    /// batches queued for each partition with a leader, once every partition of the topic has
    /// had a queue ("we don't do adaptive partitioning until we scheduled at least a batch for
    /// all partitions"; before that, and with `partitioner.class` set, the picks are uniform).
    fn update_partition_load_stats(&mut self) {
        if !self.rules.adaptive_partitioning
            || self.rules.partitioner != PartitionerKind::UniformSticky
        {
            return;
        }
        for (topic, made) in self.accumulator.topics_made() {
            let partition_count = self.metadata.partition_count(topic).unwrap_or(0);
            let load_stats = if made >= usize::try_from(partition_count).unwrap_or(0) {
                // A partition whose leader could take no request for longer than
                // `partitioner.availability.timeout.ms` is left out, if it has batches queued.
                let timeout_ms = self.rules.availability_timeout_ms;
                let queues: Vec<(i32, i32)> = (0..partition_count)
                    .filter_map(|partition| {
                        let leader = self.metadata.partition_of(topic, partition)?.leader?;
                        let queued = self.accumulator.queue_len(topic, partition);
                        let unavailable = timeout_ms > 0
                            && queued > 0
                            && self.accumulator.unavailable_for(leader, timeout_ms);
                        (!unavailable)
                            .then(|| (partition, i32::try_from(queued).unwrap_or(i32::MAX)))
                    })
                    .collect();
                PartitionLoadStats::from_queue_sizes(&queues, made)
            } else {
                None
            };
            self.router.set_load_stats(topic, load_stats);
        }
    }

    /// `RecordAccumulator.drainBatchesForOneNode`: the front batches for one request to
    /// `leader`, taken from the partitions it leads in turn, starting where its last drain
    /// stopped (its drain index, so that no partition starves). A partition backing off is
    /// passed over. The request ends at the first batch that would take it past
    /// `max.request.size`, or that the sequence or transaction rules hold back
    /// (`shouldStopDrainBatchesForPartition`); the next drain starts there. Also says whether
    /// the request stopped full, at `max.request.size`.
    fn drain_for_leader(
        &mut self,
        leader: BrokerId,
        queues: &mut VecMap<String, TopicQueues>,
        now_ms: i64,
    ) -> (Vec<ProducerBatch>, bool) {
        let parts = self.metadata.partitions_led_by(leader);
        let mut drained: Vec<ProducerBatch> = Vec::new();
        let mut full = false;
        if parts.is_empty() {
            return (drained, full);
        }
        let start = self.drain_index.get(&leader).copied().unwrap_or(0) % parts.len();
        let mut index = start;
        let mut last_visited;
        let mut request_bytes: i64 = 0;
        loop {
            let (topic, partition) = parts[index];
            last_visited = index;
            index = (index + 1) % parts.len();
            let deque = queues
                .get_mut(topic)
                .and_then(|partitions| partitions.get_mut(usize::try_from(partition).ok()?));
            if let Some(deque) = deque {
                match deque.front() {
                    Some(front) if front.retry_due_ms() <= now_ms => {
                        let front_bytes = i64::from(front.size_bytes);
                        let max_bytes = i64::from(self.rules.max_request_size);
                        if !drained.is_empty() && request_bytes + front_bytes > max_bytes {
                            full = true;
                            break;
                        }
                        if !self.may_drain(topic, partition)
                            || !self.sequence_allows_drain(front, deque)
                        {
                            break;
                        }
                        request_bytes += front_bytes;
                        drained.extend(deque.pop_front());
                    }
                    _ => {}
                }
            }
            if index == start {
                break;
            }
        }
        self.drain_index.insert(leader, last_visited);
        (drained, full)
    }

    /// A partition's front batch, if it may go in a request to `leader` now: the connection
    /// takes another request (`leader` is not in `saturated`, the brokers with
    /// `max.in.flight.requests.per.connection` requests in flight) and the sequence and
    /// transaction rules allow it.
    fn drainable<'q>(
        &self,
        topic: &str,
        partition: i32,
        leader: BrokerId,
        deque: &'q VecDeque<ProducerBatch>,
        saturated: &[BrokerId],
    ) -> Option<&'q ProducerBatch> {
        if saturated.contains(&leader) || !self.may_drain(topic, partition) {
            return None;
        }
        let front = deque.front()?;
        self.sequence_allows_drain(front, deque).then_some(front)
    }

    /// The brokers that take no request now, found once per sender run: those with
    /// `max.in.flight.requests.per.connection` requests in flight, and those whose last answer
    /// throttled this producer for a while yet (a client quota, KIP-219).
    fn saturated_brokers(&self, now_ms: i64) -> Vec<BrokerId> {
        let mut counts: VecMap<BrokerId, i32> = VecMap::new();
        for in_flight in self.in_flight.values() {
            *counts.entry(in_flight.broker).or_default() += 1;
        }
        let mut brokers: Vec<BrokerId> = counts
            .into_iter()
            .filter(|(_, count)| *count >= self.rules.max_in_flight)
            .map(|(broker, _)| broker)
            .collect();
        for (&broker, &until_ms) in &self.throttled_until {
            if until_ms > now_ms && !brokers.contains(&broker) {
                brokers.push(broker);
            }
        }
        brokers
    }

    /// `shouldStopDrainBatchesForPartition`: a transactional producer sends a partition's
    /// batches only once the partition is in the transaction and it has a producer id.
    fn may_drain(&self, topic: &str, partition: i32) -> bool {
        match &self.transactions {
            Some(manager) => {
                self.producer_id.is_some()
                    && manager.is_send_to_partition_allowed(&TopicPartition::new(topic, partition))
            }
            None => true,
        }
    }

    /// Whether a send waits for buffer memory (`BufferPool`'s `free.queued() > 0`, which makes
    /// every batch sendable at once). A send waiting for metadata does not.
    fn waits_for_memory(&self) -> bool {
        self.blocked
            .iter()
            .any(|blocked| blocked.memory_wait_from_ms.is_some())
    }

    /// When the front batch of a partition may go.
    fn ready_at(&self, batch: &ProducerBatch, has_successor: bool) -> i64 {
        let backoff_over = batch.retry_due_ms();
        let transaction_completing = self
            .transactions
            .as_ref()
            .is_some_and(|manager| manager.is_completing());
        if batch.attempts > 0
            || batch.full
            || has_successor
            || self.flush_before_batch.is_some()
            || self.closed
            || transaction_completing
            || self.waits_for_memory()
        {
            return backoff_over;
        }
        (batch.created_ms + self.rules.linger_ms).max(backoff_over)
    }

    /// Closes the batch and gives it its sequence number (first send only).
    fn seal(&mut self, batch: &mut ProducerBatch) {
        if self.rules.idempotent && batch.base_sequence.is_none() {
            batch.base_sequence = Some(self.take_sequence(&batch.partition, batch.record_count));
        }
        let (producer_id, producer_epoch) = self.producer_id.unwrap_or((ProducerId::NONE, -1));
        let base_sequence = batch.base_sequence.unwrap_or(-1);
        let compression = self.rules.compression;
        let is_transactional = self.rules.transactional_id.is_some();
        let emptied = batch.close(|records| ProducedBatch {
            producer_id,
            producer_epoch,
            base_sequence,
            is_transactional,
            compression,
            records,
        });
        if let Some(builder) = emptied {
            self.accumulator.recycle(builder);
        }
    }

    fn send_request(&mut self, broker: BrokerId, mut batches: Vec<ProducerBatch>, ctx: &mut Ctx) {
        let request_id = ctx.request_id();
        let produced: Vec<(TopicPartition, Arc<ProducedBatch>)> = batches
            .iter_mut()
            .filter_map(|batch| {
                batch.attempts += 1;
                batch
                    .sealed
                    .clone()
                    .map(|sealed| (batch.partition.clone(), sealed))
            })
            .collect();
        let request = ProduceRequest {
            request_id,
            acks: self.rules.acks,
            timeout_ms: self.rules.request_timeout_ms,
            transactional_id: self.rules.transactional_id.clone(),
            batches: produced,
            client_id: self.name.clone(),
        };
        ctx.send(NodeId::Broker(broker), Body::ProduceRequest(request));
        if self.rules.acks == Acks::Zero {
            // No answer will come: the batches count as sent, with no offset.
            for batch in batches {
                self.complete(batch, Offset(-1), ctx);
            }
            return;
        }
        self.in_flight
            .insert(request_id, InFlight { broker, batches });
        self.watch_request(request_id, broker, ctx);
    }

    pub(crate) fn handle_produce_response(&mut self, response: ProduceResponse, ctx: &mut Ctx) {
        self.deadlines.forget(response.request_id);
        let Some(in_flight) = self.in_flight.remove(&response.request_id) else {
            return;
        };
        if response.throttle_time_ms > 0 {
            // `NetworkClient.maybeThrottle`: no request to this broker until the time is up.
            let until_ms = ctx.now_ms + response.throttle_time_ms;
            let entry = self.throttled_until.entry(in_flight.broker).or_default();
            *entry = (*entry).max(until_ms);
            self.wake_sender_at(until_ms, ctx);
        }
        let mut leaders = Vec::new();
        let mut results: VecMap<TopicPartition, Result<Offset, KafkaError>> =
            crate::sort::to_map(response.partitions.into_iter().map(|partition| {
                if let Some((leader, epoch)) = partition.current_leader {
                    leaders.push((partition.partition.clone(), leader, epoch));
                }
                (partition.partition, partition.result)
            }));
        for batch in in_flight.batches {
            let result = results.remove(&batch.partition).unwrap_or_else(|| {
                Err(KafkaError::with_default_message(
                    ErrorCode::NetworkException,
                ))
            });
            self.complete_or_retry(batch, result, ctx);
        }
        // `handleProduceResponse` (KIP-951): the leaders the answer named are taken at once;
        // a retried batch whose leader changed goes there without its backoff. The metadata
        // refresh the error asked for still goes out.
        let from = in_flight.broker;
        self.metadata
            .learn_leaders(leaders, from, self.id, &self.name, ctx);
        self.run_sender(ctx);
    }

    /// `NetworkClient.handleTimedOutRequests`: a request past `request.timeout.ms` closes its
    /// connection, so every request in flight to that broker fails with it, oldest first
    /// (`cancelInFlightRequests`): produce requests, the metadata request, and the requests to
    /// a transaction coordinator, which the producer reaches on the broker's connection.
    pub(crate) fn requests_timed_out(
        &mut self,
        failed: Vec<(u64, Option<Connection>)>,
        ctx: &mut Ctx,
    ) {
        for (request_id, connection) in failed {
            let error = match connection {
                Some(connection) => super::disconnected(NodeId::Broker(connection.broker()), true),
                None => KafkaError::with_default_message(ErrorCode::RequestTimedOut),
            };
            self.handle_failed_request(Some(request_id), error, ctx);
        }
    }

    /// A request was refused, lost with a crashed broker, or timed out: its batches are
    /// retried (the broker may or may not have appended them).
    pub(crate) fn handle_failed_request(
        &mut self,
        request_id: Option<u64>,
        error: KafkaError,
        ctx: &mut Ctx,
    ) {
        let Some(request_id) = request_id else {
            return;
        };
        self.deadlines.forget(request_id);
        // `NetworkClient` asks for new metadata whenever a connection closes
        // (`handleServerDisconnect`, `handleTimedOutRequests`): the broker may be gone.
        self.metadata.stale = true;
        if self.transaction_request_failed(request_id, ctx) {
            return;
        }
        if self.metadata.request_failed(request_id, ctx.now_ms) {
            self.request_metadata(ctx);
            return;
        }
        if self.init_producer_id_in_flight == Some(request_id) {
            self.init_producer_id_in_flight = None;
            ctx.after(
                self.rules.retry_backoff_ms,
                Timer::Producer(ProducerTimer::SenderWakeup),
            );
            return;
        }
        let Some(in_flight) = self.in_flight.remove(&request_id) else {
            return;
        };
        for batch in in_flight.batches {
            self.complete_or_retry(batch, Err(error.clone()), ctx);
        }
        self.run_sender(ctx);
    }

    /// `Sender.completeBatch`: a batch's answer, or its request's failure.
    fn complete_or_retry(
        &mut self,
        mut batch: ProducerBatch,
        result: Result<Offset, KafkaError>,
        ctx: &mut Ctx,
    ) {
        let error = match result {
            Ok(offset) => return self.complete(batch, offset, ctx),
            Err(error) if error.code == ErrorCode::DuplicateSequenceNumber => {
                return self.complete(batch, Offset(-1), ctx)
            }
            // `Sender.completeBatch` names the topic.
            Err(error) if error.code == ErrorCode::TopicAuthorizationFailed => {
                crate::client::metadata::topic_authorization_error(&[&batch.partition.topic])
            }
            Err(error) => error,
        };
        if error.code.is_invalid_metadata() {
            self.metadata.stale = true;
        }
        let expired = ctx.now_ms - batch.created_ms >= self.rules.delivery_timeout_ms;
        let may_retry = batch.attempts <= self.rules.retries && !expired;
        let retriable = may_retry
            && if error.code == ErrorCode::OutOfOrderSequenceNumber && self.rules.idempotent {
                self.out_of_order_can_retry(&batch)
            } else {
                error.code.is_retriable()
            };
        if retriable {
            self.stats.retries += 1;
            ctx.emit(EventKind::ProduceRetried {
                producer: self.id,
                partition: batch.partition.clone(),
                error,
                attempt: batch.attempts + 1,
            });
            let backoff = backoff_ms(
                self.rules.retry_backoff_ms,
                self.rules.retry_backoff_max_ms,
                batch.attempts,
            );
            batch.retry_at_ms = ctx.now_ms + backoff;
            self.wake_sender_at(batch.retry_at_ms, ctx);
            self.accumulator.reenqueue(batch);
            return;
        }
        let error = if expired && error.code.is_retriable() {
            expiry_error(&batch, self.rules.delivery_timeout_ms, ctx.now_ms)
        } else {
            error
        };
        // `failBatch(batch, response, batch.attempts() < retries)`: a batch that failed with
        // retries left breaks its partition's sequences (an idempotent producer bumps its
        // epoch); one that used them all does not.
        let adjust_sequences = batch.attempts - 1 < self.rules.retries;
        self.fail(batch, error, adjust_sequences, ctx);
    }

    /// An acknowledged batch.
    fn complete(&mut self, batch: ProducerBatch, base_offset: Offset, ctx: &mut Ctx) {
        self.accumulator.release(&batch);
        self.sequence_acknowledged(&batch);
        self.stats.records_acknowledged += i64::from(batch.record_count);
        ctx.emit(EventKind::ProduceAcknowledged {
            producer: self.id,
            partition: batch.partition.clone(),
            base_offset,
            records: batch.record_count,
            batch: batch.id,
        });
        if !self.blocked.is_empty() {
            self.process_blocked(ctx);
        }
    }

    /// A batch that failed for good (`Sender.failBatch`).
    fn fail(
        &mut self,
        batch: ProducerBatch,
        error: KafkaError,
        adjust_sequences: bool,
        ctx: &mut Ctx,
    ) {
        self.accumulator.release(&batch);
        self.stats.records_failed += i64::from(batch.record_count);
        if self.transactions.is_some() {
            self.transactional_batch_failed(&error, ctx);
        } else {
            self.sequence_failed(&batch, &error, adjust_sequences);
        }
        ctx.emit(EventKind::ProduceFailed {
            producer: self.id,
            partition: batch.partition.clone(),
            records: batch.record_count,
            batch: Some(batch.id),
            error,
        });
        if !self.blocked.is_empty() {
            self.process_blocked(ctx);
        }
    }

    /// Fails the batches older than `delivery.timeout.ms`, queued or in requests; whether one
    /// of them had been retried, which leaves its partition's sequences unresolved.
    fn expire_batches(&mut self, ctx: &mut Ctx) -> bool {
        let timeout_ms = self.rules.delivery_timeout_ms;
        let mut expired = Vec::new();
        for deque in self.accumulator.queues_mut() {
            while deque
                .front()
                .is_some_and(|batch| ctx.now_ms - batch.created_ms >= timeout_ms)
            {
                if let Some(batch) = deque.pop_front() {
                    expired.push(batch);
                }
            }
        }
        if !expired.is_empty() {
            self.accumulator.remove_empty_queues();
        }
        // A queued batch that was sent before was waiting for a retry (`inRetry`).
        let mut unresolved = false;
        for batch in &expired {
            if batch.attempts > 0 {
                unresolved |= self.mark_sequence_unresolved(batch);
            }
        }
        // A batch in a request awaiting its answer expires too (`getExpiredInflightBatches`):
        // the request stays out, and whatever answer comes finds nothing to complete. It was
        // retried if this is not its first attempt.
        let queued = expired.len();
        for request in self.in_flight.values_mut() {
            let mut index = 0;
            while index < request.batches.len() {
                if ctx.now_ms - request.batches[index].created_ms >= timeout_ms {
                    expired.push(request.batches.remove(index));
                } else {
                    index += 1;
                }
            }
        }
        for batch in &expired[queued..] {
            if batch.attempts > 1 {
                unresolved |= self.mark_sequence_unresolved(batch);
            }
        }
        for batch in expired {
            let error = expiry_error(&batch, timeout_ms, ctx.now_ms);
            self.fail(batch, error, false, ctx);
        }
        let queued = self
            .accumulator
            .queues
            .values()
            .flatten()
            .filter_map(|deque| deque.front());
        let sent = self.in_flight.values().flat_map(|request| &request.batches);
        if let Some(oldest) = queued
            .chain(sent)
            .map(|batch| batch.created_ms + timeout_ms)
            .min()
        {
            self.wake_sender_at(oldest, ctx);
        }
        unresolved
    }

    /// Whether a batch numbered below `before` is still queued or in a request.
    fn has_incomplete_batch_before(&self, before: u64) -> bool {
        let queued = self.accumulator.queues.values().flatten().flatten();
        let in_requests = self.in_flight.values().flat_map(|request| &request.batches);
        queued.chain(in_requests).any(|batch| batch.id < before)
    }

    /// Whether a request awaiting its answer still carries a batch (one whose batches all
    /// expired is still out, but completes nothing).
    pub(crate) fn has_batches_in_requests(&self) -> bool {
        self.in_flight
            .values()
            .any(|request| !request.batches.is_empty())
    }

    /// Asks any broker for a producer id (idempotence).
    fn init_producer_id(&mut self, ctx: &mut Ctx) {
        if self.init_producer_id_in_flight.is_some() {
            return;
        }
        let Some(broker) = self.metadata.brokers.first().copied() else {
            return;
        };
        let broker = self
            .metadata
            .in_flight_to
            .or_else(|| {
                self.metadata
                    .brokers
                    .get((ctx.now_ms as usize) % self.metadata.brokers.len())
                    .copied()
            })
            .unwrap_or(broker);
        let request_id = ctx.request_id();
        self.init_producer_id_in_flight = Some(request_id);
        let request = TxnBody::InitProducerId {
            request_id,
            transactional_id: self.rules.transactional_id.clone(),
            transaction_timeout_ms: self.rules.transaction_timeout_ms,
            producer_id: ProducerId::NONE,
            producer_epoch: -1,
        };
        ctx.send(NodeId::Broker(broker), Body::Txn(request));
        self.watch_request(request_id, broker, ctx);
    }

    pub(crate) fn handle_init_producer_id(
        &mut self,
        request_id: u64,
        result: Result<(ProducerId, i16), KafkaError>,
        ctx: &mut Ctx,
    ) {
        self.deadlines.forget(request_id);
        if self.init_producer_id_in_flight != Some(request_id) {
            return;
        }
        self.init_producer_id_in_flight = None;
        match result {
            Ok((producer_id, producer_epoch)) => {
                self.producer_id = Some((producer_id, producer_epoch));
                ctx.emit(EventKind::ProducerIdAssigned {
                    producer: self.id,
                    producer_id,
                    producer_epoch,
                });
                self.run_sender(ctx);
            }
            // `InitProducerIdHandler`: an authorization failure is fatal to the producer.
            Err(error) if error.code == ErrorCode::ClusterAuthorizationFailed => {
                self.fatal_error = Some(error);
                self.run_sender(ctx);
            }
            Err(_) => {
                ctx.after(
                    self.rules.retry_backoff_ms,
                    Timer::Producer(ProducerTimer::SenderWakeup),
                );
            }
        }
    }
}

/// The `TimeoutException` of a batch past `delivery.timeout.ms`.
fn expiry_error(batch: &ProducerBatch, timeout_ms: i64, now_ms: i64) -> KafkaError {
    KafkaError::new(
        ErrorCode::ClientTimeout,
        format!(
            "Expiring {} record(s) for {}:{} ms has passed since batch creation",
            batch.record_count,
            batch.partition,
            (now_ms - batch.created_ms).max(timeout_ms)
        ),
    )
}
