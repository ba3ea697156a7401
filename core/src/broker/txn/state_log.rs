//! The coordinator and its log, `__transaction_state` (Kafka's `TransactionStateManager`):
//! every change of a transaction is written there, with `acks=all`, before it takes effect
//! (`appendTransactionToLog`); a broker that becomes leader of a partition loads it and becomes
//! the coordinator of its transactional ids (`loadTransactionsForTxnTopicPartition`); one that
//! stops leading forgets them (`removeTransactionsForTxnTopicPartition`). Loading completes
//! transactions found in PrepareCommit or PrepareAbort by writing their markers again.

use crate::vec_map::VecMap;
use std::sync::Arc;

use crate::cluster::context::Ctx;
use crate::error::ErrorCode;
use crate::ids::{Offset, TopicPartition};
use crate::kinds::{Acks, CompressionType};
use crate::log::{ProducedBatch, RecordSetBuilder};
use crate::transaction::coordinator::{AppendPurpose, PendingWrite, TxnPartitionCache};
use crate::transaction::log_codec::{decode_key, decode_value, encode_key, encode_value};
use crate::transaction::metadata::{TransactionMetadata, TxnTransitMetadata};
use crate::transaction::{
    TransactionEvent, TransactionState, BROKER_REQUEST_TIMEOUT_MS, LOAD_DELAY_MS,
    REMOVE_EXPIRED_TRANSACTIONAL_ID_INTERVAL_MS, TRANSACTION_STATE_TOPIC,
};

use super::super::purgatory::{ProduceOrigin, ProducePartitionStatus};
use super::super::Broker;
use super::TxnTimer;

/// `TransactionStateManager.appendTransactionToLog`'s translation of a log append error into
/// the coordinator error a producer is told.
fn coordinator_error(code: ErrorCode) -> ErrorCode {
    match code {
        ErrorCode::UnknownTopicOrPartition
        | ErrorCode::NotEnoughReplicas
        | ErrorCode::NotEnoughReplicasAfterAppend
        | ErrorCode::RequestTimedOut => ErrorCode::CoordinatorNotAvailable,
        ErrorCode::NotLeaderOrFollower => ErrorCode::NotCoordinator,
        ErrorCode::MessageTooLarge | ErrorCode::RecordListTooLarge => ErrorCode::UnknownServerError,
        other => other,
    }
}

impl Broker {
    /// `appendTransactionToLog`: writes `transit` for `transactional_id` and holds `purpose`
    /// until the ISR has it. A `Dead` transit is written as a tombstone.
    pub(super) fn append_transaction_to_log(
        &mut self,
        transactional_id: &str,
        coordinator_epoch: i32,
        transit: TxnTransitMetadata,
        purpose: AppendPurpose,
        ctx: &mut Ctx,
    ) {
        let partition_id = self.transaction_partition_for(transactional_id);
        let write = PendingWrite {
            transactional_id: transactional_id.to_string(),
            coordinator_epoch,
            transit,
            purpose,
        };
        let precheck = match self
            .transactions
            .coordinator
            .get(partition_id, transactional_id)
        {
            Err(code) => Err(code),
            Ok(None) => Err(ErrorCode::NotCoordinator),
            Ok(Some((epoch, _))) if epoch != coordinator_epoch => Err(ErrorCode::NotCoordinator),
            Ok(Some(_)) => Ok(()),
        };
        if let Err(code) = precheck {
            return self.transaction_append_done(write, Err(code), ctx);
        }
        let partition = TopicPartition::new(TRANSACTION_STATE_TOPIC, partition_id);
        let batch = state_record(transactional_id, &write.transit, ctx.clock_ms);
        let result = self.append_to_leader(&partition, &batch, Acks::All, None, ctx);
        let write_id = self.next_transaction_write_id();
        self.transactions.coordinator.writes.insert(write_id, write);
        let status = ProducePartitionStatus {
            partition,
            required_offset: result.as_ref().map_or(Offset(0), |(_, last)| last.next()),
            result: result.map(|(base, _)| base),
            done: false,
        };
        let origin = ProduceOrigin::Coordinator { write_id };
        self.hold_until_replicated(origin, vec![status], BROKER_REQUEST_TIMEOUT_MS, ctx);
    }

    /// The write of `write` is replicated (or failed): apply it to the cache
    /// (`updateCacheCallback`), then carry on with its purpose.
    pub(super) fn transaction_log_append_completed(
        &mut self,
        write: PendingWrite,
        result: Result<(), ErrorCode>,
        ctx: &mut Ctx,
    ) {
        let me = self.id;
        let partition_id = self.transaction_partition_for(&write.transactional_id);
        let retry_on_error = matches!(write.purpose, AppendPurpose::Complete { .. });
        let coordinator = &mut self.transactions.coordinator;
        let looked_up = coordinator.get_mut(partition_id, &write.transactional_id);
        let outcome = match (result.map_err(coordinator_error), looked_up) {
            (Ok(()), Err(code)) => Err(code),
            (Ok(()), Ok(None)) => Err(ErrorCode::NotCoordinator),
            (Ok(()), Ok(Some((epoch, _)))) if epoch != write.coordinator_epoch => {
                Err(ErrorCode::NotCoordinator)
            }
            (Ok(()), Ok(Some((_, metadata)))) => {
                if write.transit.state == TransactionState::Dead {
                    Ok(())
                } else {
                    let from = metadata.state;
                    let applied = metadata.complete_transition_to(&write.transit);
                    if applied.is_ok() {
                        ctx.emit(crate::cluster::event::EventKind::Transaction(
                            TransactionEvent::StateChanged {
                                broker: me,
                                transactional_id: write.transactional_id.clone(),
                                producer_id: metadata.producer_id,
                                producer_epoch: metadata.producer_epoch,
                                from,
                                to: metadata.state,
                                partitions: metadata.partitions.iter().cloned().collect(),
                            },
                        ));
                    }
                    applied.map_err(|error| error.code)
                }
            }
            (Err(code), Ok(Some((epoch, metadata)))) => {
                let keep_pending = retry_on_error && code == ErrorCode::CoordinatorNotAvailable;
                if epoch == write.coordinator_epoch && !keep_pending {
                    metadata.pending_state = None;
                }
                Err(code)
            }
            (Err(code), _) => Err(code),
        };
        self.transaction_append_done(write, outcome, ctx);
    }

    /// What happens after a write: the purpose's continuation.
    fn transaction_append_done(
        &mut self,
        write: PendingWrite,
        outcome: Result<(), ErrorCode>,
        ctx: &mut Ctx,
    ) {
        match write.purpose.clone() {
            AppendPurpose::InitProducerId(reply) => {
                let result =
                    outcome.map(|()| (write.transit.producer_id, write.transit.producer_epoch));
                self.answer_init_producer_id(reply, result, ctx);
            }
            AppendPurpose::AddPartitions {
                reply,
                partitions,
                offsets,
            } => self.answer_add_partitions(reply, &partitions, offsets, outcome.err(), ctx),
            AppendPurpose::EndTxn {
                origin,
                commit,
                is_epoch_fence,
            } => self.after_prepare_written(write, origin, commit, is_epoch_fence, outcome, ctx),
            AppendPurpose::Complete { commit } => {
                self.after_completion_written(write, commit, outcome, ctx)
            }
            AppendPurpose::Expire => self.after_tombstone_written(&write, outcome, ctx),
        }
    }

    /// Makes the coordinator match this broker's role for a `__transaction_state` partition:
    /// load it when it became the leader (`onElection`), forget it when it stopped
    /// (`onResignation`). Called after every role change of a partition.
    pub(in crate::broker) fn transaction_partition_changed(
        &mut self,
        partition: &TopicPartition,
        ctx: &mut Ctx,
    ) {
        if partition.topic != TRANSACTION_STATE_TOPIC {
            return;
        }
        let leading = self
            .replicas
            .get(partition)
            .filter(|replica| replica.is_leader())
            .map(|replica| replica.state.leader_epoch);
        let id = partition.partition;
        let count = self.transaction_state_partition_count();
        let partition_for =
            |transactional_id: &str| crate::transaction::partition_for(transactional_id, count);
        match leading {
            Some(epoch) if self.transactions.coordinator.owns(id, epoch) => {}
            Some(epoch) => {
                self.transactions.coordinator.unload(id, partition_for);
                self.transactions.coordinator.loading.insert(id, epoch);
                Self::txn_after(
                    ctx,
                    LOAD_DELAY_MS,
                    TxnTimer::LoadPartition {
                        partition: id,
                        coordinator_epoch: epoch,
                    },
                );
            }
            None if self.transactions.coordinator.is_coordinating(id) => {
                self.transactions.coordinator.unload(id, partition_for);
            }
            None => {}
        }
    }

    /// Reads a `__transaction_state` partition from its start to its log end offset and
    /// becomes the coordinator of its transactional ids.
    pub(super) fn load_transaction_partition(
        &mut self,
        partition: i32,
        coordinator_epoch: i32,
        ctx: &mut Ctx,
    ) {
        if self.transactions.coordinator.loading.get(&partition) != Some(&coordinator_epoch) {
            return;
        }
        let topic_partition = TopicPartition::new(TRANSACTION_STATE_TOPIC, partition);
        let loaded = self.read_transaction_log(&topic_partition);
        let count = i32::try_from(loaded.len()).unwrap_or(i32::MAX);
        let coordinator = &mut self.transactions.coordinator;
        coordinator.loading.remove(&partition);
        coordinator.partitions.insert(
            partition,
            TxnPartitionCache {
                coordinator_epoch,
                transactions: loaded,
            },
        );
        Self::txn_emit(
            ctx,
            TransactionEvent::CoordinatorLoaded {
                broker: self.id,
                partition,
                coordinator_epoch,
                transactional_ids: count,
            },
        );
        self.complete_loaded_transactions(partition, coordinator_epoch, ctx);
        self.schedule_coordinator_checks(ctx);
    }

    /// The latest state of every transactional id in the local log of `partition`.
    fn read_transaction_log(
        &self,
        partition: &TopicPartition,
    ) -> VecMap<String, TransactionMetadata> {
        let mut loaded = VecMap::new();
        let Some(replica) = self.replicas.get(partition) else {
            return loaded;
        };
        for batch in replica.log.batches() {
            for (_, record) in batch.records() {
                let Some(transactional_id) = record.key.and_then(decode_key) else {
                    continue;
                };
                match record.value.map(decode_value) {
                    None => {
                        loaded.remove(&transactional_id);
                    }
                    Some(Some(transit)) => {
                        let metadata =
                            TransactionMetadata::from_transit(&transactional_id, &transit);
                        loaded.insert(transactional_id, metadata);
                    }
                    Some(None) => {}
                }
            }
        }
        loaded
    }

    /// Transactions loaded in PrepareCommit or PrepareAbort get their markers written again.
    fn complete_loaded_transactions(&mut self, partition: i32, epoch: i32, ctx: &mut Ctx) {
        let now_ms = ctx.clock_ms;
        let mut to_complete = Vec::new();
        if let Some(cache) = self.transactions.coordinator.partitions.get_mut(&partition) {
            for (transactional_id, metadata) in &mut cache.transactions {
                let commit = match metadata.state {
                    TransactionState::PrepareCommit => true,
                    TransactionState::PrepareAbort => false,
                    _ => continue,
                };
                if let Ok(complete) = metadata.prepare_complete(now_ms) {
                    to_complete.push((
                        transactional_id.clone(),
                        commit,
                        complete,
                        metadata.clone(),
                    ));
                }
            }
        }
        for (transactional_id, commit, complete, metadata) in to_complete {
            self.add_txn_markers_to_send(
                &transactional_id,
                epoch,
                commit,
                complete,
                &metadata,
                ctx,
            );
        }
    }

    /// Starts the periodic checks once this broker coordinates something.
    fn schedule_coordinator_checks(&mut self, ctx: &mut Ctx) {
        let coordinator = &mut self.transactions.coordinator;
        if coordinator.abort_check_scheduled {
            return;
        }
        coordinator.abort_check_scheduled = true;
        coordinator.next_expiration_check_ms =
            ctx.clock_ms + REMOVE_EXPIRED_TRANSACTIONAL_ID_INTERVAL_MS;
        Self::txn_after(
            ctx,
            self.settings
                .transaction_abort_timed_out_transaction_cleanup_interval_ms,
            TxnTimer::AbortTimedOut,
        );
    }

    /// `enableTransactionalIdExpiration`: every
    /// `transaction.remove.expired.transaction.cleanup.interval.ms`, transactional ids unused
    /// for `transactional.id.expiration.ms` get a tombstone and are forgotten.
    pub(super) fn maybe_expire_transactional_ids(&mut self, ctx: &mut Ctx) {
        if ctx.clock_ms < self.transactions.coordinator.next_expiration_check_ms {
            return;
        }
        self.transactions.coordinator.next_expiration_check_ms =
            ctx.clock_ms + REMOVE_EXPIRED_TRANSACTIONAL_ID_INTERVAL_MS;
        let expiration_ms = self.settings.transactional_id_expiration_ms;
        let expired = self
            .transactions
            .coordinator
            .expired(ctx.clock_ms, expiration_ms);
        for (partition, transactional_id) in expired {
            let prepared = match self
                .transactions
                .coordinator
                .get_mut(partition, &transactional_id)
            {
                Ok(Some((epoch, metadata))) => {
                    metadata.prepare_dead().ok().map(|dead| (epoch, dead))
                }
                _ => None,
            };
            if let Some((epoch, dead)) = prepared {
                self.append_transaction_to_log(
                    &transactional_id,
                    epoch,
                    dead,
                    AppendPurpose::Expire,
                    ctx,
                );
            }
        }
    }

    fn after_tombstone_written(
        &mut self,
        write: &PendingWrite,
        outcome: Result<(), ErrorCode>,
        ctx: &mut Ctx,
    ) {
        let partition = self.transaction_partition_for(&write.transactional_id);
        let coordinator = &mut self.transactions.coordinator;
        let expired = match coordinator.get_mut(partition, &write.transactional_id) {
            Ok(Some((epoch, metadata))) => {
                let expired = outcome.is_ok()
                    && epoch == write.coordinator_epoch
                    && metadata.pending_state == Some(TransactionState::Dead);
                if !expired {
                    metadata.pending_state = None;
                }
                expired
            }
            _ => false,
        };
        if expired {
            coordinator.remove(partition, &write.transactional_id);
            Self::txn_emit(
                ctx,
                TransactionEvent::TransactionalIdExpired {
                    broker: self.id,
                    transactional_id: write.transactional_id.clone(),
                },
            );
        }
    }
}

/// The `__transaction_state` record of a change: a tombstone for `Dead`.
fn state_record(
    transactional_id: &str,
    transit: &TxnTransitMetadata,
    now_ms: i64,
) -> ProducedBatch {
    let key = encode_key(transactional_id);
    let value = (transit.state != TransactionState::Dead).then(|| encode_value(transit));
    let mut builder = RecordSetBuilder::new();
    builder.push(now_ms, Some(&key), value.as_deref(), &[]);
    ProducedBatch::plain(CompressionType::None, Arc::new(builder.build()))
}
