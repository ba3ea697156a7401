//! The application's side of a transactional producer: `initTransactions`,
//! `beginTransaction`, `sendOffsetsToTransaction`, `commitTransaction` and `abortTransaction`
//! (Kafka's `KafkaProducer` methods, `TransactionManager`'s public methods and
//! `TransactionalRequestResult`).
//!
//! Every call but `beginTransaction` blocks the application until its requests are answered,
//! for at most `max.block.ms` (then it throws `TimeoutException`, and calling it again resumes
//! waiting: Kafka's pending transition). The playground's application calls one method at a
//! time: while it is blocked the producer refuses other calls (a simplification: a Java
//! application thread stuck in the call could not make them).

use serde::{Deserialize, Serialize};

use super::requests::TxnRequestKind;
use super::{GroupMetadata, TransactionManager, TxnState};
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};
use crate::transaction::TransactionEvent;

/// A blocking transactional call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnCall {
    /// `initTransactions()`.
    InitTransactions,
    /// `commitTransaction()`.
    CommitTransaction,
    /// `abortTransaction()`.
    AbortTransaction,
    /// `sendOffsetsToTransaction(offsets, groupMetadata)`.
    SendOffsetsToTransaction {
        /// The consumer group.
        group: String,
    },
}

impl TxnCall {
    /// The Java method's name.
    pub fn name(&self) -> &'static str {
        match self {
            TxnCall::InitTransactions => "initTransactions",
            TxnCall::CommitTransaction => "commitTransaction",
            TxnCall::AbortTransaction => "abortTransaction",
            TxnCall::SendOffsetsToTransaction { .. } => "sendOffsetsToTransaction",
        }
    }
}

/// `TransactionalRequestResult`: the outcome of one transactional operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnResult {
    /// The request it awaits, for the timeout message: `InitProducerId`, `EndTxn(true)`, ...
    pub awaiting: String,
    /// `None` while it runs.
    pub outcome: Option<Result<(), KafkaError>>,
    /// Whether the application saw the outcome (`isAcked`).
    pub acked: bool,
}

/// The call the application is blocked in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedCall {
    /// Which.
    pub call: TxnCall,
    /// The result it waits for.
    pub result: u64,
    /// When it gives up (`max.block.ms`).
    pub deadline_ms: i64,
}

/// `PendingStateTransition`: the last initTransactions, commit or abort whose outcome the
/// application has not seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingTransition {
    /// Which call.
    pub call: TxnCall,
    /// The state it moves to.
    pub state: TxnState,
    /// Its result.
    pub result: u64,
}

impl TransactionManager {
    /// Refuses a call while the application is blocked in another one.
    pub fn check_not_blocked(&self) -> Result<(), KafkaError> {
        match &self.blocked {
            Some(blocked) => Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!(
                    "The application is still blocked in {}() (at most max.block.ms); it makes one call at a time.",
                    blocked.call.name()
                ),
            )),
            None => Ok(()),
        }
    }

    /// The call that timed out and must be retried, if any. Kafka clears a pending transition
    /// whose result the application has since had (`isAcked`) when the next call starts; here
    /// such a transition just counts as none, so a refused call leaves the state untouched,
    /// and the next call that goes ahead replaces it.
    fn unfinished_transition(&self) -> Option<&PendingTransition> {
        self.pending_transition.as_ref().filter(|pending| {
            self.results
                .get(&pending.result)
                .is_some_and(|result| !result.acked)
        })
    }

    /// `throwIfPendingState`: a call that timed out must be retried before anything else.
    pub fn throw_if_pending_state(&self, operation: &str) -> Result<(), KafkaError> {
        let Some(pending) = self.unfinished_transition() else {
            return Ok(());
        };
        Err(KafkaError::new(
            ErrorCode::IllegalState,
            format!(
                "Cannot attempt operation `{operation}` because the previous call to `{}` timed out and must be retried",
                pending.call.name()
            ),
        ))
    }

    /// `handleCachedTransactionRequestResult`: a call retried after a timeout gets its
    /// earlier result; another call throws.
    fn cached_result(&self, call: &TxnCall, state: TxnState) -> Result<Option<u64>, KafkaError> {
        let Some(pending) = self.unfinished_transition() else {
            return Ok(None);
        };
        if pending.state != state {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!(
                    "Cannot attempt operation `{}` because the previous call to `{}` timed out and must be retried",
                    call.name(),
                    pending.call.name()
                ),
            ));
        }
        Ok(Some(pending.result))
    }

    /// `initTransactions()`: returns the result to wait for.
    pub fn initialize_transactions(&mut self) -> Result<u64, KafkaError> {
        self.maybe_fail_with_error()?;
        let call = TxnCall::InitTransactions;
        if let Some(result) = self.cached_result(&call, TxnState::Initializing)? {
            return Ok(result);
        }
        self.transition_to(TxnState::Initializing)?;
        let result = self.new_result("InitProducerId");
        self.enqueue(
            TxnRequestKind::InitProducerId {
                is_epoch_bump: false,
            },
            result,
        );
        self.pending_transition = Some(PendingTransition {
            call,
            state: TxnState::Initializing,
            result,
        });
        Ok(result)
    }

    /// `beginTransaction()`: a local state change.
    pub fn begin_transaction(&mut self) -> Result<(), KafkaError> {
        self.throw_if_pending_state("beginTransaction")?;
        self.maybe_fail_with_error()?;
        self.transition_to(TxnState::InTransaction)
    }

    /// `commitTransaction()` (`beginCommit`): returns the result to wait for.
    pub fn begin_commit(&mut self) -> Result<u64, KafkaError> {
        let call = TxnCall::CommitTransaction;
        if let Some(result) = self.cached_result(&call, TxnState::CommittingTransaction)? {
            return Ok(result);
        }
        self.maybe_fail_with_error()?;
        self.transition_to(TxnState::CommittingTransaction)?;
        let result = self.begin_completing_transaction(true);
        self.pending_transition = Some(PendingTransition {
            call,
            state: TxnState::CommittingTransaction,
            result,
        });
        Ok(result)
    }

    /// `abortTransaction()` (`beginAbort`): returns the result to wait for.
    pub fn begin_abort(&mut self) -> Result<u64, KafkaError> {
        let call = TxnCall::AbortTransaction;
        if let Some(result) = self.cached_result(&call, TxnState::AbortingTransaction)? {
            return Ok(result);
        }
        if self.state != TxnState::AbortableError {
            self.maybe_fail_with_error()?;
        }
        self.transition_to(TxnState::AbortingTransaction)?;
        self.new_partitions.clear();
        let result = self.begin_completing_transaction(false);
        self.pending_transition = Some(PendingTransition {
            call,
            state: TxnState::AbortingTransaction,
            result,
        });
        Ok(result)
    }

    /// `beginCompletingTransaction`: AddPartitionsToTxn for partitions still to add, EndTxn,
    /// and the epoch bump when an abortable error asked for one.
    fn begin_completing_transaction(&mut self, commit: bool) -> u64 {
        if !self.new_partitions.is_empty() {
            self.enqueue_add_partitions();
        }
        let end_txn = self.new_result(if commit {
            "EndTxn(true)"
        } else {
            "EndTxn(false)"
        });
        self.enqueue(TxnRequestKind::EndTxn { commit }, end_txn);
        if !self.epoch_bump_required {
            return end_txn;
        }
        let bump = self.new_result("InitProducerId");
        self.enqueue(
            TxnRequestKind::InitProducerId {
                is_epoch_bump: true,
            },
            bump,
        );
        bump
    }

    /// `sendOffsetsToTransaction()`: returns the result to wait for.
    pub fn send_offsets_to_transaction(
        &mut self,
        offsets: Vec<(TopicPartition, Offset)>,
        group: GroupMetadata,
    ) -> Result<u64, KafkaError> {
        self.throw_if_pending_state("sendOffsetsToTransaction")?;
        self.maybe_fail_with_error()?;
        if self.state != TxnState::InTransaction {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!(
                    "Cannot send offsets if a transaction is not in progress (currentState= {})",
                    self.state
                ),
            ));
        }
        let result = self.new_result("AddOffsetsToTxn");
        self.enqueue(TxnRequestKind::AddOffsets { group, offsets }, result);
        Ok(result)
    }

    /// Blocks the application on `result` until `max.block.ms` passes.
    pub fn block_on(&mut self, call: TxnCall, result: u64, deadline_ms: i64) {
        self.blocked = Some(BlockedCall {
            call,
            result,
            deadline_ms,
        });
    }

    /// A new result for an operation awaiting `awaiting`.
    pub fn new_result(&mut self, awaiting: &str) -> u64 {
        let id = self.take_result_id();
        self.results.insert(
            id,
            TxnResult {
                awaiting: awaiting.to_string(),
                outcome: None,
                acked: false,
            },
        );
        id
    }

    /// `result.done()`.
    pub fn complete_result(&mut self, result: u64, ctx: &mut Ctx) {
        self.settle(result, Ok(()), ctx);
    }

    /// `result.fail(error)`.
    pub fn fail_result(&mut self, result: u64, error: KafkaError, ctx: &mut Ctx) {
        self.settle(result, Err(error), ctx);
    }

    fn settle(&mut self, result: u64, outcome: Result<(), KafkaError>, ctx: &mut Ctx) {
        if let Some(entry) = self.results.get_mut(&result) {
            if entry.outcome.is_none() {
                entry.outcome = Some(outcome);
            }
        }
        self.resolve_blocked(ctx);
    }

    /// Unblocks the application if its result is in, telling the learner how the call ended.
    pub fn resolve_blocked(&mut self, ctx: &mut Ctx) {
        let Some(blocked) = self.blocked.clone() else {
            return;
        };
        let Some(entry) = self.results.get_mut(&blocked.result) else {
            return;
        };
        let Some(outcome) = entry.outcome.clone() else {
            return;
        };
        entry.acked = true;
        self.blocked = None;
        let producer = self.client;
        let transactional_id = self.transactional_id.clone();
        let event = match (outcome, blocked.call) {
            (Err(error), call) => TransactionEvent::CallFailed {
                producer,
                operation: call.name().to_string(),
                error,
            },
            (Ok(()), TxnCall::InitTransactions) => {
                let (producer_id, producer_epoch) = self
                    .producer_id_and_epoch
                    .unwrap_or((crate::ids::ProducerId::NONE, -1));
                TransactionEvent::Initialized {
                    producer,
                    transactional_id,
                    producer_id,
                    producer_epoch,
                }
            }
            (Ok(()), TxnCall::CommitTransaction) => TransactionEvent::Committed {
                producer,
                transactional_id,
            },
            (Ok(()), TxnCall::AbortTransaction) => TransactionEvent::Aborted {
                producer,
                transactional_id,
            },
            (Ok(()), TxnCall::SendOffsetsToTransaction { group }) => {
                TransactionEvent::OffsetsSent { producer, group }
            }
        };
        ctx.emit(EventKind::Transaction(event));
        self.forget_settled_results();
    }

    /// `max.block.ms` passed: the call throws `TimeoutException`; its result stays pending.
    pub fn blocked_call_expired(&mut self, result: u64, max_block_ms: i64, ctx: &mut Ctx) {
        let Some(blocked) = self.blocked.clone() else {
            return;
        };
        if blocked.result != result || ctx.now_ms < blocked.deadline_ms {
            return;
        }
        self.blocked = None;
        let awaiting = self
            .results
            .get(&result)
            .map_or_else(String::new, |entry| entry.awaiting.clone());
        let error = KafkaError::new(
            ErrorCode::ClientTimeout,
            format!("Timeout expired after {max_block_ms}ms while awaiting {awaiting}"),
        );
        ctx.emit(EventKind::Transaction(TransactionEvent::CallFailed {
            producer: self.client,
            operation: blocked.call.name().to_string(),
            error,
        }));
    }

    /// Drops results nobody waits for any more.
    pub fn forget_settled_results(&mut self) {
        let keep_pending = self
            .pending_transition
            .as_ref()
            .map(|pending| pending.result);
        let keep_blocked = self.blocked.as_ref().map(|blocked| blocked.result);
        let referenced: Vec<u64> = self
            .pending_requests
            .iter()
            .chain(self.in_flight.iter().map(|in_flight| &in_flight.request))
            .map(|request| request.result)
            .collect();
        self.results.retain(|id, result| {
            result.outcome.is_none()
                || Some(*id) == keep_pending
                || Some(*id) == keep_blocked
                || referenced.contains(id)
        });
    }
}
