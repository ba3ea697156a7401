//! The transactional producer (Kafka's `TransactionManager`, `TransactionalRequestResult` and
//! the transactional methods of `KafkaProducer`).
//!
//! States, as Kafka names them: `UNINITIALIZED` → `initTransactions()` → `INITIALIZING` →
//! `READY` → `beginTransaction()` → `IN_TRANSACTION` → `commitTransaction()` /
//! `abortTransaction()` → `COMMITTING_TRANSACTION` / `ABORTING_TRANSACTION` → `READY`. An error
//! a transaction can survive (a failed batch, an unknown producer id) moves to
//! `ABORTABLE_ERROR`, which only `abortTransaction()` leaves; a fatal one (fenced by a newer
//! instance) to `FATAL_ERROR`, which nothing leaves. A call in the wrong state throws Kafka's
//! `IllegalStateException` with Kafka's message.
//!
//! The transactional requests (FindCoordinator, InitProducerId, AddPartitionsToTxn,
//! AddOffsetsToTxn, TxnOffsetCommit, EndTxn) go one at a time, by priority, and produce
//! requests are not sent while one is in flight ([`requests`], [`responses`]). A record's
//! partition joins the transaction with AddPartitionsToTxn before its batches may be sent;
//! EndTxn waits until every batch is done. [`calls`] is the application side: its blocking
//! calls, `max.block.ms`, and the events the learner sees.
//!
//! Simplifications: transaction version 1 (the client bumps its epoch with InitProducerId after
//! an abortable error, KIP-360); requests of equal priority go in the order they were queued
//! (Kafka's priority queue leaves that order open); `send()` in the wrong state refuses the
//! record (Kafka has appended it to a batch already, which then never leaves).

pub mod calls;
pub mod producer;
pub mod requests;
pub mod responses;

#[cfg(test)]
mod tests;

use crate::vec_map::{VecMap, VecSet};

use serde::{Deserialize, Serialize};

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::network::ClientId;
use crate::protocol::group::OffsetToCommit;
use crate::transaction::TransactionEvent;

use self::calls::{BlockedCall, PendingTransition, TxnResult};
use self::requests::{InFlightTxnRequest, TxnRequest};

/// The transaction manager's state (`TransactionManager.State`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnState {
    /// `initTransactions()` not called yet.
    Uninitialized,
    /// Getting a producer id and epoch.
    Initializing,
    /// Between transactions.
    Ready,
    /// In a transaction.
    InTransaction,
    /// `commitTransaction()` called.
    CommittingTransaction,
    /// `abortTransaction()` called.
    AbortingTransaction,
    /// An error only an abort clears.
    AbortableError,
    /// An error nothing clears.
    FatalError,
}

impl TxnState {
    /// Kafka's name: `IN_TRANSACTION`, ...
    pub fn name(self) -> &'static str {
        match self {
            TxnState::Uninitialized => "UNINITIALIZED",
            TxnState::Initializing => "INITIALIZING",
            TxnState::Ready => "READY",
            TxnState::InTransaction => "IN_TRANSACTION",
            TxnState::CommittingTransaction => "COMMITTING_TRANSACTION",
            TxnState::AbortingTransaction => "ABORTING_TRANSACTION",
            TxnState::AbortableError => "ABORTABLE_ERROR",
            TxnState::FatalError => "FATAL_ERROR",
        }
    }

    /// `State.isTransitionValid`.
    fn can_become(self, target: TxnState) -> bool {
        use TxnState::*;
        match target {
            Uninitialized => matches!(self, Ready | AbortableError),
            Initializing => {
                matches!(
                    self,
                    Uninitialized | CommittingTransaction | AbortingTransaction
                )
            }
            Ready => matches!(
                self,
                Initializing | CommittingTransaction | AbortingTransaction
            ),
            InTransaction => self == Ready,
            CommittingTransaction => self == InTransaction,
            AbortingTransaction => matches!(self, InTransaction | AbortableError),
            AbortableError => matches!(
                self,
                InTransaction | CommittingTransaction | AbortableError | Initializing
            ),
            FatalError => true,
        }
    }
}

impl std::fmt::Display for TxnState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

/// `ConsumerGroupMetadata`: what `sendOffsetsToTransaction` needs of the consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMetadata {
    /// `group.id`.
    pub group_id: String,
    /// The consumer's generation, or -1.
    pub generation_id: i32,
    /// Its member id, or empty.
    pub member_id: String,
}

/// A transactional producer's `TransactionManager`.
#[derive(Debug, Clone)]
pub struct TransactionManager {
    /// The producer (for events).
    pub client: ClientId,
    /// `transactional.id`.
    pub transactional_id: String,
    /// `transaction.timeout.ms`.
    pub transaction_timeout_ms: i64,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: i64,
    /// Where it is.
    pub state: TxnState,
    /// The error of `ABORTABLE_ERROR` or `FATAL_ERROR`.
    pub last_error: Option<KafkaError>,
    /// The producer id and epoch, once initialized.
    pub producer_id_and_epoch: Option<(ProducerId, i16)>,
    /// The transaction coordinator, once found.
    pub coordinator: Option<BrokerId>,
    /// Group coordinators found, by group id.
    pub group_coordinators: VecMap<String, BrokerId>,
    /// Partitions written to but not yet asked for.
    pub new_partitions: VecSet<TopicPartition>,
    /// Partitions asked for, not yet answered.
    pub pending_partitions: VecSet<TopicPartition>,
    /// Partitions in the transaction: their batches may be sent.
    pub partitions: VecSet<TopicPartition>,
    /// Offsets waiting for their TxnOffsetCommit.
    pub pending_offsets: VecMap<TopicPartition, OffsetToCommit>,
    /// Whether the coordinator has heard of the transaction (`transactionStarted`).
    pub transaction_started: bool,
    /// An InitProducerId must bump the epoch once the transaction is aborted
    /// (`clientSideEpochBumpRequired`).
    pub epoch_bump_required: bool,
    /// Requests waiting to go, in priority order.
    pub pending_requests: Vec<TxnRequest>,
    /// The request in flight.
    pub in_flight: Option<InFlightTxnRequest>,
    /// Outcomes of transactional operations, by id.
    pub results: VecMap<u64, TxnResult>,
    /// The call the application is blocked in.
    pub blocked: Option<BlockedCall>,
    /// `pendingTransition`: the last initTransactions/commit/abort, until its result is seen.
    pub pending_transition: Option<PendingTransition>,
    /// Where the next FindCoordinator goes (round robin over the brokers).
    pub next_broker: usize,
    next_result_id: u64,
}

impl TransactionManager {
    /// A transaction manager for `transactional_id`.
    pub fn new(
        client: ClientId,
        transactional_id: String,
        transaction_timeout_ms: i64,
        retry_backoff_ms: i64,
    ) -> TransactionManager {
        TransactionManager {
            client,
            transactional_id,
            transaction_timeout_ms,
            retry_backoff_ms,
            state: TxnState::Uninitialized,
            last_error: None,
            producer_id_and_epoch: None,
            coordinator: None,
            group_coordinators: VecMap::new(),
            new_partitions: VecSet::new(),
            pending_partitions: VecSet::new(),
            partitions: VecSet::new(),
            pending_offsets: VecMap::new(),
            transaction_started: false,
            epoch_bump_required: false,
            pending_requests: Vec::new(),
            in_flight: None,
            results: VecMap::new(),
            blocked: None,
            pending_transition: None,
            next_broker: 0,
            next_result_id: 0,
        }
    }

    /// `(producerId=4000, epoch=0)`, as `ProducerIdAndEpoch.toString` prints it.
    pub fn producer_id_and_epoch_text(&self) -> String {
        let (producer_id, epoch) = self.producer_id_and_epoch.unwrap_or((ProducerId::NONE, -1));
        format!("(producerId={producer_id}, epoch={epoch})")
    }

    /// `transitionTo`: an invalid transition throws Kafka's `IllegalStateException`.
    pub fn transition_to(&mut self, target: TxnState) -> Result<(), KafkaError> {
        if !self.state.can_become(target) {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!(
                    "TransactionalId {}: Invalid transition attempted from state {} to state {}",
                    self.transactional_id, self.state, target
                ),
            ));
        }
        self.last_error = None;
        self.state = target;
        Ok(())
    }

    /// `hasError`.
    pub fn has_error(&self) -> bool {
        matches!(self.state, TxnState::AbortableError | TxnState::FatalError)
    }

    /// Whether a commit or abort is under way (`isCompleting`).
    pub fn is_completing(&self) -> bool {
        matches!(
            self.state,
            TxnState::CommittingTransaction | TxnState::AbortingTransaction
        )
    }

    /// `maybeFailWithError`: what a call throws once the producer is in an error state.
    pub fn maybe_fail_with_error(&self) -> Result<(), KafkaError> {
        if !self.has_error() {
            return Ok(());
        }
        let last = self.last_error.as_ref();
        let id = &self.transactional_id;
        let pid = self.producer_id_and_epoch_text();
        Err(match last.map(|error| error.code) {
            Some(ErrorCode::ProducerFenced) => KafkaError::new(
                ErrorCode::ProducerFenced,
                format!("Producer with transactionalId '{id}' and {pid} has been fenced by another producer with the same transactionalId"),
            ),
            Some(ErrorCode::InvalidProducerEpoch) => KafkaError::new(
                ErrorCode::InvalidProducerEpoch,
                format!("Producer with transactionalId '{id}' and {pid} attempted to produce with an old epoch"),
            ),
            _ => KafkaError::new(
                ErrorCode::KafkaException,
                "Cannot execute transactional method because we are in an error state",
            ),
        })
    }

    /// `transitionToAbortableError` (skipped while already aborting).
    pub fn transition_to_abortable_error(&mut self, error: KafkaError, ctx: &mut Ctx) {
        if self.state == TxnState::AbortingTransaction
            || !self.state.can_become(TxnState::AbortableError)
        {
            return;
        }
        self.state = TxnState::AbortableError;
        ctx.emit(EventKind::Transaction(TransactionEvent::AbortableError {
            producer: self.client,
            error: error.clone(),
        }));
        self.last_error = Some(error);
    }

    /// `transitionToFatalError`: the pending call fails with the error.
    pub fn transition_to_fatal_error(&mut self, error: KafkaError, ctx: &mut Ctx) {
        let first_fence =
            error.code == ErrorCode::ProducerFenced && self.state != TxnState::FatalError;
        self.state = TxnState::FatalError;
        self.last_error = Some(error.clone());
        if first_fence {
            ctx.emit(EventKind::Transaction(TransactionEvent::Fenced {
                producer: self.client,
                transactional_id: self.transactional_id.clone(),
            }));
        }
        if let Some(result) = self
            .pending_transition
            .as_ref()
            .map(|pending| pending.result)
        {
            self.fail_result(result, error, ctx);
        }
    }

    /// `maybeTransitionToErrorState` after a failed batch: fencing is fatal, anything else
    /// aborts the transaction (and the epoch is bumped afterwards).
    pub fn batch_failed(&mut self, error: &KafkaError, ctx: &mut Ctx) {
        if error.code == ErrorCode::ProducerFenced {
            return self.transition_to_fatal_error(error.clone(), ctx);
        }
        if !self.is_completing() {
            self.epoch_bump_required = true;
        }
        self.transition_to_abortable_error(error.clone(), ctx);
    }

    /// `isSendToPartitionAllowed`.
    pub fn is_send_to_partition_allowed(&self, partition: &TopicPartition) -> bool {
        self.state != TxnState::FatalError && self.partitions.contains(partition)
    }

    /// `maybeAddPartition` in one call, for the ports of Kafka's `TransactionManagerTest`.
    /// `send()` calls its two halves apart: [`check_ready_for_send`](Self::check_ready_for_send)
    /// before it picks the partition (a refused send must change nothing), then
    /// [`add_partition`](Self::add_partition).
    #[cfg(test)]
    pub(crate) fn maybe_add_partition(
        &mut self,
        partition: &TopicPartition,
    ) -> Result<(), KafkaError> {
        self.check_ready_for_send(|| partition.clone())?;
        self.add_partition(partition);
        Ok(())
    }

    /// The second half of Kafka's `maybeAddPartition`, for a send that
    /// [`check_ready_for_send`](Self::check_ready_for_send) let through: the partition joins
    /// the transaction unless it is in it already.
    pub fn add_partition(&mut self, partition: &TopicPartition) {
        if !self.partitions.contains(partition) && !self.pending_partitions.contains(partition) {
            self.new_partitions.insert(partition.clone());
        }
    }

    /// The checks of `maybeAddPartition`, which refuse a send whatever its partition is:
    /// `partition` is asked for only to name it in the error.
    pub fn check_ready_for_send(
        &self,
        partition: impl FnOnce() -> TopicPartition,
    ) -> Result<(), KafkaError> {
        self.maybe_fail_with_error()?;
        self.throw_if_pending_state("send")?;
        if self.producer_id_and_epoch.is_none() {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!(
                    "Cannot add partition {} to transaction before completing a call to initTransactions",
                    partition()
                ),
            ));
        }
        if self.state != TxnState::InTransaction {
            // Kafka's message has two spaces before the state.
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!(
                    "Cannot add partition {} to transaction while in state  {}",
                    partition(),
                    self.state
                ),
            ));
        }
        Ok(())
    }

    /// `completeTransaction`: the transaction is over.
    pub fn complete_transaction(&mut self) {
        self.state = if self.epoch_bump_required {
            TxnState::Initializing
        } else {
            TxnState::Ready
        };
        self.last_error = None;
        self.epoch_bump_required = false;
        self.transaction_started = false;
        self.new_partitions.clear();
        self.pending_partitions.clear();
        self.partitions.clear();
    }

    /// A new result id.
    fn take_result_id(&mut self) -> u64 {
        let id = self.next_result_id;
        self.next_result_id += 1;
        id
    }
}
