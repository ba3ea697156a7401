//! The transactional methods of `KafkaProducer` and the transactional part of its `Sender`
//! (`maybeSendAndPollTransactionalRequest`, `abortUndrainedBatches`), tying the
//! [`TransactionManager`] to the producer's batches and network.

use super::calls::TxnCall;
use super::requests::Target;
use super::{GroupMetadata, TransactionManager, TxnState};
use crate::client::producer::{Producer, ProducerTimer};
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};
use crate::network::NodeId;
use crate::protocol::{Body, GroupBody, TxnBody};

/// `KafkaProducer.throwIfNoTransactionManager`'s message.
const NO_TRANSACTION_MANAGER: &str = "Cannot use transactional methods without enabling transactions by setting the transactional.id configuration property";

impl Producer {
    /// The transaction manager, or what a transactional method throws without one or after
    /// `close()`; also refuses while the application is blocked in another call (a
    /// transactional one, or a `send()` waiting for metadata).
    fn transactional(&mut self) -> Result<&mut TransactionManager, KafkaError> {
        let closed = self.closed;
        let manager = self
            .transactions
            .as_mut()
            .ok_or_else(|| KafkaError::new(ErrorCode::IllegalState, NO_TRANSACTION_MANAGER))?;
        if closed {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                "Cannot perform operation after producer has been closed",
            ));
        }
        manager.check_not_blocked()?;
        if self.blocked.iter().any(|send| send.reported) {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                "The application is still blocked in send(), waiting for metadata or buffer memory (at most max.block.ms); it makes one call at a time.",
            ));
        }
        Ok(manager)
    }

    /// `initTransactions()`: finds the coordinator and gets a producer id and epoch, fencing
    /// older instances with the same `transactional.id`. Blocks up to `max.block.ms`.
    pub fn init_transactions(&mut self, ctx: &mut Ctx) -> Result<(), KafkaError> {
        let result = self.transactional()?.initialize_transactions()?;
        self.await_transactional_result(TxnCall::InitTransactions, result, ctx);
        Ok(())
    }

    /// `beginTransaction()`.
    pub fn begin_transaction(&mut self, ctx: &mut Ctx) -> Result<(), KafkaError> {
        let manager = self.transactional()?;
        manager.begin_transaction()?;
        let event = crate::transaction::TransactionEvent::Began {
            producer: manager.client,
            transactional_id: manager.transactional_id.clone(),
        };
        ctx.emit(EventKind::Transaction(event));
        Ok(())
    }

    /// `commitTransaction()`: sends what is buffered, then EndTxn(commit).
    pub fn commit_transaction(&mut self, ctx: &mut Ctx) -> Result<(), KafkaError> {
        let result = self.transactional()?.begin_commit()?;
        self.await_transactional_result(TxnCall::CommitTransaction, result, ctx);
        Ok(())
    }

    /// `abortTransaction()`: drops what is not sent yet, then EndTxn(abort).
    pub fn abort_transaction(&mut self, ctx: &mut Ctx) -> Result<(), KafkaError> {
        let result = self.transactional()?.begin_abort()?;
        self.await_transactional_result(TxnCall::AbortTransaction, result, ctx);
        Ok(())
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)`: AddOffsetsToTxn, then TxnOffsetCommit
    /// to the group's coordinator. Nothing happens for no offsets.
    pub fn send_offsets_to_transaction(
        &mut self,
        offsets: Vec<(TopicPartition, Offset)>,
        group: GroupMetadata,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let manager = self.transactional()?;
        if offsets.is_empty() {
            return Ok(());
        }
        let call = TxnCall::SendOffsetsToTransaction {
            group: group.group_id.clone(),
        };
        let result = manager.send_offsets_to_transaction(offsets, group)?;
        self.await_transactional_result(call, result, ctx);
        Ok(())
    }

    /// `result.await(max.block.ms)`: the application blocks until the result is in.
    fn await_transactional_result(&mut self, call: TxnCall, result: u64, ctx: &mut Ctx) {
        let max_block_ms = self.rules.max_block_ms;
        if let Some(manager) = self.transactions.as_mut() {
            manager.block_on(call, result, ctx.now_ms.saturating_add(max_block_ms));
        }
        ctx.after(
            max_block_ms,
            Timer::Producer(ProducerTimer::TransactionCallExpired { result }),
        );
        self.run_sender(ctx);
        if let Some(manager) = self.transactions.as_mut() {
            manager.resolve_blocked(ctx);
        }
    }

    /// `max.block.ms` passed for a blocked call.
    pub(crate) fn transaction_call_expired(&mut self, result: u64, ctx: &mut Ctx) {
        let max_block_ms = self.rules.max_block_ms;
        if let Some(manager) = self.transactions.as_mut() {
            manager.blocked_call_expired(result, max_block_ms, ctx);
        }
    }

    /// `Sender.run` on shutdown: "Aborting incomplete transaction due to shutdown".
    pub(crate) fn abort_open_transaction_on_close(&mut self) {
        if let Some(manager) = self.transactions.as_mut() {
            if matches!(
                manager.state,
                TxnState::InTransaction | TxnState::AbortableError
            ) {
                // Kafka ignores an error here so the rest of the shutdown goes on.
                let _ = manager.begin_abort();
            }
        }
    }

    /// Whether a batch is queued, in flight, or waiting to join one (`hasIncomplete`).
    fn has_incomplete_batches(&self) -> bool {
        !self.accumulator.is_empty() || self.has_batches_in_requests() || !self.blocked.is_empty()
    }

    /// The transactional part of a sender run; true when no produce request may go now
    /// (a transactional request is in flight or was just sent, or a retry waits).
    pub(crate) fn run_transaction_manager(&mut self, ctx: &mut Ctx) -> bool {
        let Some(manager) = self.transactions.as_ref() else {
            return false;
        };
        if manager.state == TxnState::FatalError {
            // `Sender.runOnce`: a fatal error fails every batch not sent yet; nothing more goes.
            if let Some(error) = manager.last_error.clone() {
                self.abort_queued_batches(&error, |_| true, ctx);
            }
            return true;
        }
        if manager.in_flight.is_some() {
            return true;
        }
        let aborting = matches!(
            manager.state,
            TxnState::AbortableError | TxnState::AbortingTransaction
        );
        if aborting && self.has_incomplete_batches() {
            let error = manager
                .last_error
                .clone()
                .unwrap_or_else(|| KafkaError::with_default_message(ErrorCode::TransactionAborted));
            self.abort_undrained_batches(&error, ctx);
        }
        let has_incomplete = self.has_incomplete_batches();
        let brokers = self.metadata.brokers.clone();
        let Some(manager) = self.transactions.as_mut() else {
            return false;
        };
        match next_step(manager, &brokers, has_incomplete, ctx) {
            TxnStep::Idle => false,
            TxnStep::Busy => true,
            TxnStep::WakeAt(at_ms) => {
                self.wake_sender_at(at_ms, ctx);
                true
            }
            TxnStep::Sent(request_id, broker) => {
                self.watch_request(request_id, broker, ctx);
                true
            }
        }
    }

    /// `abortUndrainedBatches`: batches never sent fail with the error (the records are
    /// dropped, the transaction is aborted).
    fn abort_undrained_batches(&mut self, error: &KafkaError, ctx: &mut Ctx) {
        self.abort_queued_batches(error, |batch| batch.base_sequence.is_none(), ctx);
    }

    /// Fails the queued batches `which` selects with `error`.
    pub(crate) fn abort_queued_batches(
        &mut self,
        error: &KafkaError,
        which: impl Fn(&crate::client::producer::accumulator::ProducerBatch) -> bool,
        ctx: &mut Ctx,
    ) {
        let mut aborted = Vec::new();
        for deque in self.accumulator.queues_mut() {
            let (drop, keep): (Vec<_>, Vec<_>) = deque.drain(..).partition(|batch| which(batch));
            deque.extend(keep);
            aborted.extend(drop);
        }
        self.accumulator.remove_empty_queues();
        for batch in aborted {
            self.accumulator.release(&batch);
            self.stats.records_failed += i64::from(batch.record_count);
            ctx.emit(EventKind::ProduceFailed {
                producer: self.id,
                partition: batch.partition.clone(),
                records: batch.record_count,
                batch: Some(batch.id),
                error: error.clone(),
            });
        }
    }

    /// Handles an answer to a transactional request. Returns false if it was not one.
    pub(crate) fn handle_transaction_response(&mut self, body: Body, ctx: &mut Ctx) -> bool {
        let Some(request_id) = transactional_response_id(&body) else {
            return false;
        };
        self.deadlines.forget(request_id);
        let Some(manager) = self.transactions.as_mut() else {
            return false;
        };
        if manager
            .in_flight
            .as_ref()
            .map(|in_flight| in_flight.request_id)
            != Some(request_id)
        {
            return true;
        }
        let Some(in_flight) = manager.in_flight.take() else {
            return true;
        };
        let request = in_flight.request;
        match body {
            Body::Group(GroupBody::FindCoordinatorResponse { result, .. }) => {
                manager.find_coordinator_answered(request, result, ctx)
            }
            Body::Txn(TxnBody::InitProducerIdResponse { result, .. }) => {
                manager.init_producer_id_answered(request, result, ctx)
            }
            Body::Txn(TxnBody::AddPartitionsToTxnResponse { results, .. }) => {
                manager.add_partitions_answered(request, results, ctx)
            }
            Body::Txn(TxnBody::AddOffsetsToTxnResponse { error, .. }) => {
                manager.add_offsets_answered(request, error, ctx)
            }
            Body::Group(GroupBody::TxnOffsetCommitResponse { results, .. }) => {
                manager.txn_offset_commit_answered(request, results, ctx)
            }
            Body::Txn(TxnBody::EndTxnResponse { error, .. }) => {
                manager.end_txn_answered(request, error, ctx)
            }
            _ => {}
        }
        manager.forget_settled_results();
        self.sync_transactional_producer_id();
        self.run_sender(ctx);
        true
    }

    /// A transactional request was refused, lost or timed out. Returns false if it was not
    /// one.
    pub(crate) fn transaction_request_failed(&mut self, request_id: u64, ctx: &mut Ctx) -> bool {
        let Some(manager) = self.transactions.as_mut() else {
            return false;
        };
        if manager
            .in_flight
            .as_ref()
            .map(|in_flight| in_flight.request_id)
            != Some(request_id)
        {
            return false;
        }
        if let Some(in_flight) = manager.in_flight.take() {
            manager.request_disconnected(in_flight.request, ctx);
        }
        self.run_sender(ctx);
        true
    }

    /// A batch failed for good: the transaction must be aborted (or the producer is fenced).
    pub(crate) fn transactional_batch_failed(&mut self, error: &KafkaError, ctx: &mut Ctx) {
        if let Some(manager) = self.transactions.as_mut() {
            manager.batch_failed(error, ctx);
        }
    }

    /// Batches carry the transaction manager's producer id and epoch; a new epoch starts the
    /// sequences again (`resetSequenceNumbers`).
    fn sync_transactional_producer_id(&mut self) {
        let Some(manager) = self.transactions.as_ref() else {
            return;
        };
        if manager.producer_id_and_epoch != self.producer_id {
            self.producer_id = manager.producer_id_and_epoch;
            self.sequences.reset();
        }
    }
}

/// What the transactional sender did in one run.
enum TxnStep {
    /// Nothing to send: produce requests may go.
    Idle,
    /// Nothing may go now.
    Busy,
    /// A retry waits until then.
    WakeAt(i64),
    /// A request went, with this id, to this broker.
    Sent(u64, crate::ids::BrokerId),
}

/// `maybeSendAndPollTransactionalRequest`: sends the next transactional request, finding its
/// coordinator first if it is not known.
fn next_step(
    manager: &mut TransactionManager,
    brokers: &[crate::ids::BrokerId],
    has_incomplete: bool,
    ctx: &mut Ctx,
) -> TxnStep {
    for _ in 0..3 {
        let Some(request) = manager.next_request(has_incomplete, ctx) else {
            return TxnStep::Idle;
        };
        let broker = match manager.target(&request) {
            Target::Coordinator(key_type, key) => match manager.coordinator_for(key_type, &key) {
                Some(broker) => broker,
                None => {
                    manager.lookup_coordinator(key_type, &key);
                    let backoff_ms = manager.retry_backoff_ms;
                    manager.retry(request, backoff_ms, ctx.now_ms);
                    continue;
                }
            },
            Target::AnyBroker => {
                let Some(broker) = brokers.get(manager.next_broker % brokers.len().max(1)) else {
                    manager.pending_requests.insert(0, request);
                    return TxnStep::Busy;
                };
                manager.next_broker = manager.next_broker.wrapping_add(1);
                *broker
            }
        };
        if request.not_before_ms > ctx.now_ms {
            let at_ms = request.not_before_ms;
            manager.pending_requests.insert(0, request);
            return TxnStep::WakeAt(at_ms);
        }
        let request_id = ctx.request_id();
        ctx.send(NodeId::Broker(broker), manager.body(&request, request_id));
        manager.in_flight = Some(super::requests::InFlightTxnRequest {
            request_id,
            broker,
            request,
        });
        return TxnStep::Sent(request_id, broker);
    }
    TxnStep::Busy
}

/// The request id of an answer to a transactional request.
fn transactional_response_id(body: &Body) -> Option<u64> {
    match body {
        Body::Group(GroupBody::FindCoordinatorResponse { request_id, .. })
        | Body::Group(GroupBody::TxnOffsetCommitResponse { request_id, .. })
        | Body::Txn(TxnBody::InitProducerIdResponse { request_id, .. })
        | Body::Txn(TxnBody::AddPartitionsToTxnResponse { request_id, .. })
        | Body::Txn(TxnBody::AddOffsetsToTxnResponse { request_id, .. })
        | Body::Txn(TxnBody::EndTxnResponse { request_id, .. }) => Some(*request_id),
        _ => None,
    }
}

/// The request id of a transactional request (for refusals).
pub(crate) fn transactional_request_id(body: &Body) -> Option<u64> {
    match body {
        Body::Group(GroupBody::FindCoordinator { request_id, .. })
        | Body::Group(GroupBody::TxnOffsetCommit { request_id, .. })
        | Body::Txn(TxnBody::AddPartitionsToTxn { request_id, .. })
        | Body::Txn(TxnBody::AddOffsetsToTxn { request_id, .. })
        | Body::Txn(TxnBody::EndTxn { request_id, .. }) => Some(*request_id),
        _ => None,
    }
}
