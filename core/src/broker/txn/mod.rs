//! A broker's part in transactions (Kafka's `TransactionCoordinator`, `TransactionStateManager`,
//! `TransactionMarkerChannelManager` and `KafkaApis.handleWriteTxnMarkersRequest`).
//!
//! Every broker may be a transaction coordinator (for the `__transaction_state` partitions it
//! leads) and is a partition leader that writes transaction markers when a coordinator asks.
//! - [`find_coordinator`]: FindCoordinator for transactional ids;
//! - [`init_producer_id`]: InitProducerId with a `transactional.id`, fencing older instances;
//! - [`add_partitions`]: AddPartitionsToTxn and AddOffsetsToTxn;
//! - [`end_txn`]: EndTxn, and aborting transactions past `transaction.timeout.ms`;
//! - [`state_log`]: writing to `__transaction_state`, loading and unloading its partitions;
//! - [`markers`]: the coordinator sending WriteTxnMarkers and completing transactions;
//! - [`write_markers`]: a partition leader appending COMMIT/ABORT markers.

pub mod add_partitions;
pub mod end_txn;
pub mod find_coordinator;
pub mod init_producer_id;
pub mod markers;
pub mod state_log;
pub mod write_markers;

use crate::vec_map::VecMap;

use crate::acl::{AclOperation, ResourceType};
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::network::NodeId;
use crate::protocol::{Body, TxnBody};
use crate::transaction::coordinator::Reply;
use crate::transaction::{
    partition_for, TransactionCoordinator, TransactionEvent, TRANSACTION_STATE_TOPIC,
    TRANSACTION_WRITE_FLAG,
};

use self::write_markers::MarkerWrite;
use super::purgatory::ProducePartitionStatus;
use super::{Broker, BrokerTimer};

/// The transaction coordinator's timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnTimer {
    /// Finish loading a `__transaction_state` partition.
    LoadPartition {
        /// The partition.
        partition: i32,
        /// The coordinator epoch it is loaded under.
        coordinator_epoch: i32,
    },
    /// `transaction.abort.timed.out.transaction.cleanup.interval.ms`: abort timed-out
    /// transactions (and, less often, expire idle transactional ids).
    AbortTimedOut,
    /// Send markers and completions that wait for a retry.
    Retry,
}

/// A broker's transaction state: its coordinator, and the marker appends it is replicating.
/// In memory only: a crash forgets it.
#[derive(Debug, Clone, Default)]
pub struct TransactionBroker {
    /// The transaction coordinator.
    pub coordinator: TransactionCoordinator,
    /// WriteTxnMarkers requests whose appends wait for the ISR, by write id.
    pub marker_writes: VecMap<u64, MarkerWrite>,
    next_write_id: u64,
}

impl Broker {
    /// Handles a transaction message (InitProducerId without a transactional id is answered
    /// by [`Broker::assign_producer_id`]).
    pub(super) fn handle_txn_message(&mut self, from: NodeId, body: TxnBody, ctx: &mut Ctx) {
        match body {
            TxnBody::InitProducerId {
                request_id,
                transactional_id: Some(transactional_id),
                transaction_timeout_ms,
                producer_id,
                producer_epoch,
            } => {
                let expected = (producer_id.0 >= 0).then_some((producer_id, producer_epoch));
                let reply = Reply {
                    node: from,
                    request_id,
                };
                // `KafkaApis.handleInitProducerIdRequest`: `WRITE` on the transactional id.
                if self.transactional_id_denied(from, "InitProducerId", &transactional_id, ctx) {
                    let response = TxnBody::InitProducerIdResponse {
                        request_id,
                        result: Err(error_of(ErrorCode::TransactionalIdAuthorizationFailed)),
                    };
                    ctx.send(from, Body::Txn(response));
                    return;
                }
                self.handle_init_producer_id(
                    reply,
                    &transactional_id,
                    transaction_timeout_ms,
                    expected,
                    ctx,
                );
            }
            TxnBody::AddPartitionsToTxn {
                request_id,
                transactional_id,
                producer_id,
                producer_epoch,
                partitions,
            } => {
                let reply = Reply {
                    node: from,
                    request_id,
                };
                let id = (transactional_id.as_str(), producer_id, producer_epoch);
                self.handle_add_partitions_to_txn(from, reply, id, partitions, ctx);
            }
            TxnBody::AddOffsetsToTxn {
                request_id,
                transactional_id,
                producer_id,
                producer_epoch,
                group_id,
            } => {
                let reply = Reply {
                    node: from,
                    request_id,
                };
                let id = (transactional_id.as_str(), producer_id, producer_epoch);
                self.handle_add_offsets_to_txn(from, reply, id, &group_id, ctx);
            }
            TxnBody::EndTxn {
                request_id,
                transactional_id,
                producer_id,
                producer_epoch,
                commit,
            } => {
                let reply = Reply {
                    node: from,
                    request_id,
                };
                if self.transactional_id_denied(from, "EndTxn", &transactional_id, ctx) {
                    let error = Some(error_of(ErrorCode::TransactionalIdAuthorizationFailed));
                    let response = TxnBody::EndTxnResponse { request_id, error };
                    ctx.send(from, Body::Txn(response));
                    return;
                }
                let id = (transactional_id.as_str(), producer_id, producer_epoch);
                self.handle_end_txn(reply, id, commit, ctx);
            }
            TxnBody::WriteTxnMarkers {
                request_id,
                markers,
            } => self.handle_write_txn_markers(from, request_id, markers, ctx),
            TxnBody::WriteTxnMarkersResponse {
                request_id,
                results,
            } => self.markers_answered(request_id, results, ctx),
            TxnBody::InitProducerId { .. }
            | TxnBody::InitProducerIdResponse { .. }
            | TxnBody::AddPartitionsToTxnResponse { .. }
            | TxnBody::AddOffsetsToTxnResponse { .. }
            | TxnBody::EndTxnResponse { .. } => {}
        }
    }

    /// Whether the sender of an `api` request may not `WRITE` to its transactional id (the
    /// first check of every transactional request in `KafkaApis`).
    pub(super) fn transactional_id_denied(
        &self,
        from: NodeId,
        api: &str,
        transactional_id: &str,
        ctx: &mut Ctx,
    ) -> bool {
        !self.authorized(
            from,
            api,
            AclOperation::Write,
            ResourceType::TransactionalId,
            transactional_id,
            ctx,
        )
    }

    /// Handles a transaction coordinator timer.
    pub(super) fn handle_txn_timer(&mut self, timer: TxnTimer, ctx: &mut Ctx) {
        match timer {
            TxnTimer::LoadPartition {
                partition,
                coordinator_epoch,
            } => self.load_transaction_partition(partition, coordinator_epoch, ctx),
            TxnTimer::AbortTimedOut => self.abort_timed_out_transactions(ctx),
            TxnTimer::Retry => self.retry_transaction_work(ctx),
        }
    }

    /// A write of the transaction coordinator, or a marker append, was replicated (or
    /// failed).
    pub(crate) fn transaction_write_completed(
        &mut self,
        write_id: u64,
        statuses: &[ProducePartitionStatus],
        ctx: &mut Ctx,
    ) {
        if let Some(write) = self.transactions.marker_writes.remove(&write_id) {
            self.markers_replicated(write, statuses, ctx);
        } else if let Some(write) = self.transactions.coordinator.writes.remove(&write_id) {
            let result = statuses
                .first()
                .map_or(Err(ErrorCode::NotCoordinator), |status| {
                    status
                        .result
                        .as_ref()
                        .map(|_| ())
                        .map_err(|error| error.code)
                });
            self.transaction_log_append_completed(write, result, ctx);
        }
    }

    /// The broker crashed: connections of marker appends it held are reset, and the
    /// coordinator forgets everything.
    pub(super) fn transactions_crashed(&mut self, ctx: &mut Ctx) {
        for write in self.transactions.marker_writes.values() {
            ctx.send(
                write.reply.node,
                Body::Disconnected {
                    request_id: write.reply.request_id,
                },
            );
        }
        self.transactions = TransactionBroker::default();
    }

    /// A new write id in the transactions' namespace.
    pub(super) fn next_transaction_write_id(&mut self) -> u64 {
        let id = self.transactions.next_write_id;
        self.transactions.next_write_id += 1;
        TRANSACTION_WRITE_FLAG | id
    }

    /// How many partitions `__transaction_state` has (or will have).
    pub(crate) fn transaction_state_partition_count(&self) -> i32 {
        self.metadata
            .partition_count(TRANSACTION_STATE_TOPIC)
            .unwrap_or(self.settings.transaction_state_log_num_partitions)
    }

    /// The `__transaction_state` partition of a transactional id.
    pub(crate) fn transaction_partition_for(&self, transactional_id: &str) -> i32 {
        partition_for(transactional_id, self.transaction_state_partition_count())
    }

    /// Sets a transaction coordinator timer.
    pub(super) fn txn_after(ctx: &mut Ctx, delay_ms: i64, timer: TxnTimer) {
        Self::after(ctx, delay_ms, BrokerTimer::Transaction(timer));
    }

    /// Reports a transaction event.
    pub(super) fn txn_emit(ctx: &mut Ctx, event: TransactionEvent) {
        ctx.emit(EventKind::Transaction(event));
    }
}

/// Kafka's error for a code, with its default message.
pub(super) fn error_of(code: ErrorCode) -> KafkaError {
    KafkaError::with_default_message(code)
}
