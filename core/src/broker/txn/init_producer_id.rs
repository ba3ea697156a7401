//! InitProducerId with a `transactional.id` (`TransactionCoordinator.handleInitProducerId`).
//!
//! A transactional id seen for the first time gets a new producer id (from this broker's
//! blocks) at epoch 0. A known one gets its epoch bumped: every older producer instance with
//! that id is fenced from then on (`PRODUCER_FENCED`). If the old instance left a transaction
//! ongoing, the coordinator first bumps the epoch and aborts it, and tells the new instance
//! `CONCURRENT_TRANSACTIONS` so it retries once the abort is written; a transaction being
//! completed likewise answers `CONCURRENT_TRANSACTIONS`. `transaction.timeout.ms` must be
//! positive and at most `transaction.max.timeout.ms` (`INVALID_TRANSACTION_TIMEOUT`).

use crate::cluster::context::Ctx;
use crate::error::ErrorCode;
use crate::ids::ProducerId;
use crate::protocol::{Body, TxnBody};
use crate::transaction::coordinator::{AppendPurpose, EndTxnOrigin, Reply};
use crate::transaction::metadata::{is_epoch_exhausted, TransactionMetadata, TxnTransitMetadata};
use crate::transaction::TransactionState;

use super::super::Broker;
use super::error_of;

impl Broker {
    /// Handles InitProducerId for `transactional_id`; `expected` is the producer id and epoch
    /// a producer sends to bump its own epoch after an error (KIP-360).
    pub(super) fn handle_init_producer_id(
        &mut self,
        reply: Reply,
        transactional_id: &str,
        transaction_timeout_ms: i64,
        expected: Option<(ProducerId, i16)>,
        ctx: &mut Ctx,
    ) {
        if transactional_id.is_empty() {
            return self.answer_init_producer_id(reply, Err(ErrorCode::InvalidRequest), ctx);
        }
        let max_ms = self.settings.transaction_max_timeout_ms;
        if transaction_timeout_ms <= 0 || transaction_timeout_ms > max_ms {
            return self.answer_init_producer_id(
                reply,
                Err(ErrorCode::InvalidTransactionTimeout),
                ctx,
            );
        }
        let partition = self.transaction_partition_for(transactional_id);
        if let Err(code) = self.ensure_transaction_metadata(
            partition,
            transactional_id,
            transaction_timeout_ms,
            ctx,
        ) {
            return self.answer_init_producer_id(reply, Err(code), ctx);
        }
        let prepared = self.prepare_init_producer_id_transit(
            partition,
            transactional_id,
            transaction_timeout_ms,
            expected,
            ctx.clock_ms,
        );
        match prepared {
            Err(code) => self.answer_init_producer_id(reply, Err(code), ctx),
            Ok((_, transit)) if transit.state == TransactionState::PrepareEpochFence => {
                let id = (
                    transactional_id,
                    transit.producer_id,
                    transit.producer_epoch,
                );
                self.end_transaction(id, false, EndTxnOrigin::InitProducerId(reply), ctx);
            }
            Ok((epoch, transit)) => self.append_transaction_to_log(
                transactional_id,
                epoch,
                transit,
                AppendPurpose::InitProducerId(reply),
                ctx,
            ),
        }
    }

    /// Creates the metadata of a transactional id seen for the first time.
    fn ensure_transaction_metadata(
        &mut self,
        partition: i32,
        transactional_id: &str,
        transaction_timeout_ms: i64,
        ctx: &mut Ctx,
    ) -> Result<(), ErrorCode> {
        if self
            .transactions
            .coordinator
            .get(partition, transactional_id)?
            .is_some()
        {
            return Ok(());
        }
        let producer_id = self.take_producer_id();
        let metadata = TransactionMetadata::new(
            transactional_id,
            producer_id,
            transaction_timeout_ms,
            ctx.clock_ms,
        );
        self.transactions
            .coordinator
            .put_if_absent(partition, metadata)
    }

    /// `prepareInitProducerIdTransit`.
    fn prepare_init_producer_id_transit(
        &mut self,
        partition: i32,
        transactional_id: &str,
        transaction_timeout_ms: i64,
        expected: Option<(ProducerId, i16)>,
        now_ms: i64,
    ) -> Result<(i32, TxnTransitMetadata), ErrorCode> {
        let rotate = match self
            .transactions
            .coordinator
            .get(partition, transactional_id)?
        {
            Some((_, metadata)) => {
                metadata.is_producer_epoch_exhausted()
                    && expected.is_none_or(|(_, epoch)| epoch == metadata.producer_epoch)
            }
            None => return Err(ErrorCode::NotCoordinator),
        };
        let new_producer_id = if rotate {
            Some(self.take_producer_id())
        } else {
            None
        };
        let Some((epoch, metadata)) = self
            .transactions
            .coordinator
            .get_mut(partition, transactional_id)?
        else {
            return Err(ErrorCode::NotCoordinator);
        };
        let valid_producer_id = |(producer_id, producer_epoch): (ProducerId, i16)| {
            metadata.producer_epoch == crate::log::batch::NO_PRODUCER_EPOCH
                || producer_id == metadata.producer_id
                || (producer_id == metadata.previous_producer_id
                    && is_epoch_exhausted(producer_epoch))
        };
        if metadata.pending_transition_in_progress() {
            return Err(ErrorCode::ConcurrentTransactions);
        }
        if expected.is_some_and(|expected| !valid_producer_id(expected)) {
            return Err(ErrorCode::ProducerFenced);
        }
        let transit = match metadata.state {
            TransactionState::PrepareAbort | TransactionState::PrepareCommit => {
                return Err(ErrorCode::ConcurrentTransactions)
            }
            TransactionState::CompleteAbort
            | TransactionState::CompleteCommit
            | TransactionState::Empty => match new_producer_id {
                Some(producer_id) => metadata.prepare_producer_id_rotation(
                    producer_id,
                    transaction_timeout_ms,
                    now_ms,
                    expected.is_some(),
                ),
                None => metadata.prepare_increment_producer_epoch(
                    transaction_timeout_ms,
                    expected.map(|(_, epoch)| epoch),
                    now_ms,
                ),
            },
            TransactionState::Ongoing => metadata.prepare_fence_producer_epoch(),
            TransactionState::Dead | TransactionState::PrepareEpochFence => {
                return Err(ErrorCode::UnknownServerError)
            }
        };
        transit
            .map(|transit| (epoch, transit))
            .map_err(|error| error.code)
    }

    /// Sends the InitProducerId answer.
    pub(super) fn answer_init_producer_id(
        &mut self,
        reply: Reply,
        result: Result<(ProducerId, i16), ErrorCode>,
        ctx: &mut Ctx,
    ) {
        let response = TxnBody::InitProducerIdResponse {
            request_id: reply.request_id,
            result: result.map_err(error_of),
        };
        ctx.send(reply.node, Body::Txn(response));
    }
}
