//! EndTxn and the coordinator's own aborts (`TransactionCoordinator.endTransaction` with
//! transaction version 1, and `abortTimedOutTransactions`).
//!
//! EndTxn checks the producer id (`INVALID_PRODUCER_ID_MAPPING`) and epoch (`PRODUCER_FENCED`:
//! a client must send exactly the current epoch), then moves an Ongoing transaction to
//! PrepareCommit or PrepareAbort. A repeated EndTxn of a transaction already completing or
//! complete the same way is answered `CONCURRENT_TRANSACTIONS` or success; the other way round,
//! or on an Empty transaction, `INVALID_TXN_STATE`. Once the prepare state is written the
//! producer is answered and the markers go out.
//!
//! Every `transaction.abort.timed.out.transaction.cleanup.interval.ms` the coordinator aborts
//! the transactions open longer than their `transaction.timeout.ms`, bumping the epoch so the
//! producer that left it open is fenced.

use crate::cluster::context::Ctx;
use crate::error::ErrorCode;
use crate::protocol::{Body, TxnBody};
use crate::transaction::coordinator::{AppendPurpose, EndTxnOrigin, PendingWrite, Reply};
use crate::transaction::metadata::TxnTransitMetadata;
use crate::transaction::{TransactionEvent, TransactionState};

use super::super::Broker;
use super::add_partitions::TxnIdentity;
use super::{error_of, TxnTimer};

/// What the checks before writing the prepare state decided.
enum EndTxnDecision {
    /// Answer now with this outcome.
    Answer(Option<ErrorCode>),
    /// Write this prepare state under this coordinator epoch.
    Write(i32, TxnTransitMetadata, bool),
}

impl Broker {
    /// Handles EndTxn from a producer.
    pub(super) fn handle_end_txn(
        &mut self,
        reply: Reply,
        identity: TxnIdentity<'_>,
        commit: bool,
        ctx: &mut Ctx,
    ) {
        self.end_transaction(identity, commit, EndTxnOrigin::Client(reply), ctx);
    }

    /// `endTransaction`: checks, then writes PrepareCommit/PrepareAbort.
    pub(super) fn end_transaction(
        &mut self,
        identity: TxnIdentity<'_>,
        commit: bool,
        origin: EndTxnOrigin,
        ctx: &mut Ctx,
    ) {
        let transactional_id = identity.0;
        if transactional_id.is_empty() {
            return self.answer_end_txn(origin, Some(ErrorCode::InvalidRequest), ctx);
        }
        match self.decide_end_txn(identity, commit, &origin, ctx.clock_ms) {
            EndTxnDecision::Answer(error) => self.answer_end_txn(origin, error, ctx),
            EndTxnDecision::Write(epoch, transit, is_epoch_fence) => {
                let purpose = AppendPurpose::EndTxn {
                    origin,
                    commit,
                    is_epoch_fence,
                };
                self.append_transaction_to_log(transactional_id, epoch, transit, purpose, ctx);
            }
        }
    }

    fn decide_end_txn(
        &mut self,
        (transactional_id, producer_id, producer_epoch): TxnIdentity<'_>,
        commit: bool,
        origin: &EndTxnOrigin,
        now_ms: i64,
    ) -> EndTxnDecision {
        let from_client = matches!(origin, EndTxnOrigin::Client(_));
        let partition = self.transaction_partition_for(transactional_id);
        let (epoch, metadata) = match self
            .transactions
            .coordinator
            .get_mut(partition, transactional_id)
        {
            Err(code) => return EndTxnDecision::Answer(Some(code)),
            Ok(None) => return EndTxnDecision::Answer(Some(ErrorCode::InvalidProducerIdMapping)),
            Ok(Some(found)) => found,
        };
        let refuse = |code| EndTxnDecision::Answer(Some(code));
        if metadata.producer_id != producer_id {
            return refuse(ErrorCode::InvalidProducerIdMapping);
        }
        if (from_client && producer_epoch != metadata.producer_epoch)
            || producer_epoch < metadata.producer_epoch
        {
            return refuse(ErrorCode::ProducerFenced);
        }
        if metadata.pending_transition_in_progress()
            && metadata.pending_state != Some(TransactionState::PrepareEpochFence)
        {
            return refuse(ErrorCode::ConcurrentTransactions);
        }
        let same_way = |complete_commit: bool| {
            if commit == complete_commit {
                None
            } else {
                Some(ErrorCode::InvalidTxnState)
            }
        };
        match metadata.state {
            TransactionState::Ongoing => {
                let next = if commit {
                    TransactionState::PrepareCommit
                } else {
                    TransactionState::PrepareAbort
                };
                let is_epoch_fence =
                    !commit && metadata.pending_state == Some(TransactionState::PrepareEpochFence);
                if is_epoch_fence {
                    metadata.pending_state = None;
                    metadata.producer_epoch = producer_epoch;
                    metadata.last_producer_epoch = crate::log::batch::NO_PRODUCER_EPOCH;
                }
                match metadata.prepare_abort_or_commit(next, now_ms) {
                    Ok(transit) => EndTxnDecision::Write(epoch, transit, is_epoch_fence),
                    Err(error) => refuse(error.code),
                }
            }
            TransactionState::CompleteCommit => EndTxnDecision::Answer(same_way(true)),
            TransactionState::CompleteAbort => EndTxnDecision::Answer(same_way(false)),
            TransactionState::PrepareCommit => EndTxnDecision::Answer(Some(
                same_way(true).unwrap_or(ErrorCode::ConcurrentTransactions),
            )),
            TransactionState::PrepareAbort => EndTxnDecision::Answer(Some(
                same_way(false).unwrap_or(ErrorCode::ConcurrentTransactions),
            )),
            TransactionState::Empty => refuse(ErrorCode::InvalidTxnState),
            TransactionState::Dead | TransactionState::PrepareEpochFence => {
                refuse(ErrorCode::UnknownServerError)
            }
        }
    }

    /// `sendTxnMarkersCallback`: the prepare state is written (or not). On success the
    /// requester is answered and the markers go out.
    pub(super) fn after_prepare_written(
        &mut self,
        write: PendingWrite,
        origin: EndTxnOrigin,
        commit: bool,
        is_epoch_fence: bool,
        outcome: Result<(), ErrorCode>,
        ctx: &mut Ctx,
    ) {
        let partition = self.transaction_partition_for(&write.transactional_id);
        let now_ms = ctx.clock_ms;
        let coordinator = &mut self.transactions.coordinator;
        let looked_up = coordinator.get_mut(partition, &write.transactional_id);
        if let Err(code) = outcome {
            if let Ok(Some((epoch, metadata))) = looked_up {
                if is_epoch_fence && epoch == write.coordinator_epoch {
                    metadata.has_failed_epoch_fence = true;
                }
            }
            return self.answer_end_txn(origin, Some(code), ctx);
        }
        let prepared = match looked_up {
            Err(code) => Err(code),
            Ok(None) => Err(ErrorCode::NotCoordinator),
            Ok(Some((epoch, _))) if epoch != write.coordinator_epoch => {
                Err(ErrorCode::NotCoordinator)
            }
            Ok(Some((_, metadata))) => {
                let expected = if commit {
                    TransactionState::PrepareCommit
                } else {
                    TransactionState::PrepareAbort
                };
                if metadata.producer_id != write.transit.producer_id {
                    Err(ErrorCode::InvalidProducerIdMapping)
                } else if metadata.producer_epoch != write.transit.producer_epoch {
                    Err(ErrorCode::ProducerFenced)
                } else if metadata.pending_transition_in_progress() {
                    Err(ErrorCode::ConcurrentTransactions)
                } else if metadata.state != expected {
                    Err(ErrorCode::InvalidTxnState)
                } else {
                    metadata
                        .prepare_complete(now_ms)
                        .map(|complete| (complete, metadata.clone()))
                        .map_err(|error| error.code)
                }
            }
        };
        match prepared {
            Err(code) => self.answer_end_txn(origin, Some(code), ctx),
            Ok((complete, metadata)) => {
                self.answer_end_txn(origin, None, ctx);
                let epoch = write.coordinator_epoch;
                self.add_txn_markers_to_send(
                    &write.transactional_id,
                    epoch,
                    commit,
                    complete,
                    &metadata,
                    ctx,
                );
            }
        }
    }

    /// Answers whoever ended the transaction.
    fn answer_end_txn(&mut self, origin: EndTxnOrigin, error: Option<ErrorCode>, ctx: &mut Ctx) {
        match origin {
            EndTxnOrigin::Client(reply) => {
                let response = TxnBody::EndTxnResponse {
                    request_id: reply.request_id,
                    error: error.map(error_of),
                };
                ctx.send(reply.node, Body::Txn(response));
            }
            EndTxnOrigin::InitProducerId(reply) => {
                let code = error.unwrap_or(ErrorCode::ConcurrentTransactions);
                self.answer_init_producer_id(reply, Err(code), ctx);
            }
            EndTxnOrigin::TimedOut => {}
        }
    }

    /// `abortTimedOutTransactions`, then schedules the next check.
    pub(super) fn abort_timed_out_transactions(&mut self, ctx: &mut Ctx) {
        let now_ms = ctx.clock_ms;
        for (transactional_id, producer_id, _) in self.transactions.coordinator.timed_out(now_ms) {
            let partition = self.transaction_partition_for(&transactional_id);
            let fenced = match self
                .transactions
                .coordinator
                .get_mut(partition, &transactional_id)
            {
                Ok(Some((_, metadata)))
                    if metadata.producer_id == producer_id
                        && !metadata.pending_transition_in_progress() =>
                {
                    let timeout_ms = metadata.txn_timeout_ms;
                    metadata
                        .prepare_fence_producer_epoch()
                        .ok()
                        .map(|transit| (transit, timeout_ms))
                }
                _ => None,
            };
            let Some((transit, timeout_ms)) = fenced else {
                continue;
            };
            Self::txn_emit(
                ctx,
                TransactionEvent::TimedOut {
                    broker: self.id,
                    transactional_id: transactional_id.clone(),
                    timeout_ms,
                },
            );
            let identity = (
                transactional_id.as_str(),
                transit.producer_id,
                transit.producer_epoch,
            );
            self.end_transaction(identity, false, EndTxnOrigin::TimedOut, ctx);
        }
        self.maybe_expire_transactional_ids(ctx);
        let coordinator = &mut self.transactions.coordinator;
        if coordinator.partitions.is_empty() && coordinator.loading.is_empty() {
            coordinator.abort_check_scheduled = false;
            return;
        }
        Self::txn_after(
            ctx,
            self.settings
                .transaction_abort_timed_out_transaction_cleanup_interval_ms,
            TxnTimer::AbortTimedOut,
        );
    }
}
