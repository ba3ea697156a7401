//! One transactional id's state at its coordinator (Kafka's `TransactionMetadata` and
//! `TxnTransitMetadata`).
//!
//! Every change follows Kafka's two steps: a `prepare_*` method computes the new state
//! ([`TxnTransitMetadata`]) and marks it pending, so no other change can start; the coordinator
//! writes it to `__transaction_state` and, once the write is replicated, applies it with
//! [`TransactionMetadata::complete_transition_to`]. A failed write clears the pending state.
//!
//! Transaction version 1 is modelled: committing or aborting keeps the producer epoch; only
//! InitProducerId bumps it, and the coordinator bumps it to fence a producer whose transaction
//! it aborts (a newer instance, or `transaction.timeout.ms`). Kafka's invariant failures
//! (`IllegalStateException`) come back as `UNKNOWN_SERVER_ERROR` with Kafka's message instead
//! of a panic.

use crate::vec_map::VecSet;

use serde::{Deserialize, Serialize};

use super::state::TransactionState;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{ProducerId, TopicPartition};
use crate::log::batch::NO_PRODUCER_EPOCH;

/// The state a change would move a transactional id to (`TxnTransitMetadata`): what is written
/// to `__transaction_state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnTransitMetadata {
    /// The producer id.
    pub producer_id: ProducerId,
    /// The producer id before this change.
    pub previous_producer_id: ProducerId,
    /// The producer epoch.
    pub producer_epoch: i16,
    /// The epoch before the last bump (lets a retried InitProducerId succeed, KIP-360).
    pub last_producer_epoch: i16,
    /// `transaction.timeout.ms` of the producer.
    pub txn_timeout_ms: i64,
    /// The new state.
    pub state: TransactionState,
    /// The partitions in the transaction.
    pub partitions: VecSet<TopicPartition>,
    /// When the transaction started (ms since the epoch), -1 when none has.
    pub txn_start_timestamp_ms: i64,
    /// When this change was made (ms since the epoch).
    pub txn_last_update_timestamp_ms: i64,
}

/// A transactional id at its coordinator (`TransactionMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionMetadata {
    /// The `transactional.id`.
    pub transactional_id: String,
    /// The producer id.
    pub producer_id: ProducerId,
    /// The producer id before the last rotation.
    pub previous_producer_id: ProducerId,
    /// The current producer epoch (-1 until the first InitProducerId is written).
    pub producer_epoch: i16,
    /// The epoch before the last bump, -1 when a new instance fenced the old one.
    pub last_producer_epoch: i16,
    /// `transaction.timeout.ms`.
    pub txn_timeout_ms: i64,
    /// Where the transaction is.
    pub state: TransactionState,
    /// The partitions in the current transaction.
    pub partitions: VecSet<TopicPartition>,
    /// When the current transaction started (ms since the epoch), -1 when none.
    pub txn_start_timestamp_ms: i64,
    /// When the state last changed (ms since the epoch); used for expiration.
    pub txn_last_update_timestamp_ms: i64,
    /// The state a change in flight will move to; blocks other changes meanwhile.
    pub pending_state: Option<TransactionState>,
    /// A write of an epoch fence failed: do not bump again when fencing next.
    pub has_failed_epoch_fence: bool,
}

/// `TransactionMetadata.isEpochExhausted`: the last epochs are kept for fencing.
pub fn is_epoch_exhausted(producer_epoch: i16) -> bool {
    producer_epoch >= i16::MAX - 1
}

/// Kafka's `IllegalStateException` for a broken invariant, as an error instead of a panic.
fn illegal_state(message: String) -> KafkaError {
    KafkaError::new(ErrorCode::UnknownServerError, message)
}

impl TransactionMetadata {
    /// A new transactional id with a fresh producer id and no epoch yet (state Empty).
    pub fn new(
        transactional_id: &str,
        producer_id: ProducerId,
        txn_timeout_ms: i64,
        now_ms: i64,
    ) -> TransactionMetadata {
        TransactionMetadata {
            transactional_id: transactional_id.to_string(),
            producer_id,
            previous_producer_id: ProducerId::NONE,
            producer_epoch: NO_PRODUCER_EPOCH,
            last_producer_epoch: NO_PRODUCER_EPOCH,
            txn_timeout_ms,
            state: TransactionState::Empty,
            partitions: VecSet::new(),
            txn_start_timestamp_ms: -1,
            txn_last_update_timestamp_ms: now_ms,
            pending_state: None,
            has_failed_epoch_fence: false,
        }
    }

    /// Metadata as loaded from a `__transaction_state` record (no change pending).
    pub fn from_transit(transactional_id: &str, transit: &TxnTransitMetadata) -> Self {
        TransactionMetadata {
            transactional_id: transactional_id.to_string(),
            producer_id: transit.producer_id,
            previous_producer_id: transit.previous_producer_id,
            producer_epoch: transit.producer_epoch,
            last_producer_epoch: transit.last_producer_epoch,
            txn_timeout_ms: transit.txn_timeout_ms,
            state: transit.state,
            partitions: transit.partitions.clone(),
            txn_start_timestamp_ms: transit.txn_start_timestamp_ms,
            txn_last_update_timestamp_ms: transit.txn_last_update_timestamp_ms,
            pending_state: None,
            has_failed_epoch_fence: false,
        }
    }

    /// Whether a change is in flight (`pendingTransitionInProgress`).
    pub fn pending_transition_in_progress(&self) -> bool {
        self.pending_state.is_some()
    }

    /// Whether the producer epoch can no longer be bumped.
    pub fn is_producer_epoch_exhausted(&self) -> bool {
        is_epoch_exhausted(self.producer_epoch)
    }

    fn has_pending_transaction(&self) -> bool {
        matches!(
            self.state,
            TransactionState::Ongoing
                | TransactionState::PrepareAbort
                | TransactionState::PrepareCommit
        )
    }

    /// The current state as a transit to itself, to be changed by a `prepare_*` method.
    fn current(&self, state: TransactionState) -> TxnTransitMetadata {
        TxnTransitMetadata {
            producer_id: self.producer_id,
            previous_producer_id: self.producer_id,
            producer_epoch: self.producer_epoch,
            last_producer_epoch: self.last_producer_epoch,
            txn_timeout_ms: self.txn_timeout_ms,
            state,
            partitions: self.partitions.clone(),
            txn_start_timestamp_ms: self.txn_start_timestamp_ms,
            txn_last_update_timestamp_ms: self.txn_last_update_timestamp_ms,
        }
    }

    /// `prepareFenceProducerEpoch`: bump the epoch (once, even if an earlier fence failed to
    /// be written) so the current producer is fenced; the transaction is then aborted.
    pub fn prepare_fence_producer_epoch(&mut self) -> Result<TxnTransitMetadata, KafkaError> {
        let mut data = self.current(TransactionState::PrepareEpochFence);
        if !self.has_failed_epoch_fence && self.producer_epoch != i16::MAX {
            data.producer_epoch = self.producer_epoch + 1;
        }
        self.prepare_transition_to(data)
    }

    /// `prepareIncrementProducerEpoch`: InitProducerId on an existing transactional id.
    /// `expected_epoch` is the epoch a producer recovering from an error sends (KIP-360);
    /// `None` is a new producer instance, which fences every older one.
    pub fn prepare_increment_producer_epoch(
        &mut self,
        new_txn_timeout_ms: i64,
        expected_epoch: Option<i16>,
        now_ms: i64,
    ) -> Result<TxnTransitMetadata, KafkaError> {
        if self.is_producer_epoch_exhausted() {
            return Err(illegal_state(format!(
                "Cannot allocate any more producer epochs for producerId {}",
                self.producer_id
            )));
        }
        let mut data = self.current(TransactionState::Empty);
        let bumped = self.producer_epoch + 1;
        match expected_epoch {
            None => {
                data.producer_epoch = bumped;
                data.last_producer_epoch = NO_PRODUCER_EPOCH;
            }
            Some(expected)
                if self.producer_epoch == NO_PRODUCER_EPOCH || expected == self.producer_epoch =>
            {
                data.producer_epoch = bumped;
                data.last_producer_epoch = self.producer_epoch;
            }
            Some(expected) if expected == self.last_producer_epoch => {
                // A retry of a bump that succeeded: return the current epoch again.
            }
            Some(_) => return Err(KafkaError::with_default_message(ErrorCode::ProducerFenced)),
        }
        data.txn_timeout_ms = new_txn_timeout_ms;
        data.partitions = VecSet::new();
        data.txn_start_timestamp_ms = -1;
        data.txn_last_update_timestamp_ms = now_ms;
        self.prepare_transition_to(data)
    }

    /// `prepareProducerIdRotation`: a new producer id at epoch 0 once the epochs run out.
    pub fn prepare_producer_id_rotation(
        &mut self,
        new_producer_id: ProducerId,
        new_txn_timeout_ms: i64,
        now_ms: i64,
        record_last_epoch: bool,
    ) -> Result<TxnTransitMetadata, KafkaError> {
        if self.has_pending_transaction() {
            return Err(illegal_state(
                "Cannot rotate producer ids while a transaction is still pending".to_string(),
            ));
        }
        let mut data = self.current(TransactionState::Empty);
        data.producer_id = new_producer_id;
        data.producer_epoch = 0;
        data.last_producer_epoch = if record_last_epoch {
            self.producer_epoch
        } else {
            NO_PRODUCER_EPOCH
        };
        data.txn_timeout_ms = new_txn_timeout_ms;
        data.partitions = VecSet::new();
        data.txn_start_timestamp_ms = -1;
        data.txn_last_update_timestamp_ms = now_ms;
        self.prepare_transition_to(data)
    }

    /// `prepareAddPartitions`: the transaction starts (or grows).
    pub fn prepare_add_partitions(
        &mut self,
        added: &VecSet<TopicPartition>,
        now_ms: i64,
    ) -> Result<TxnTransitMetadata, KafkaError> {
        let mut data = self.current(TransactionState::Ongoing);
        if matches!(
            self.state,
            TransactionState::Empty
                | TransactionState::CompleteAbort
                | TransactionState::CompleteCommit
        ) {
            data.txn_start_timestamp_ms = now_ms;
        }
        data.partitions.extend(added.iter().cloned());
        data.txn_last_update_timestamp_ms = now_ms;
        self.prepare_transition_to(data)
    }

    /// `prepareAbortOrCommit` (transaction version 1: the epoch stays).
    pub fn prepare_abort_or_commit(
        &mut self,
        new_state: TransactionState,
        now_ms: i64,
    ) -> Result<TxnTransitMetadata, KafkaError> {
        let mut data = self.current(new_state);
        data.txn_last_update_timestamp_ms = now_ms;
        self.prepare_transition_to(data)
    }

    /// `prepareComplete`: every marker is written.
    pub fn prepare_complete(&mut self, now_ms: i64) -> Result<TxnTransitMetadata, KafkaError> {
        self.has_failed_epoch_fence = false;
        let state = if self.state == TransactionState::PrepareCommit {
            TransactionState::CompleteCommit
        } else {
            TransactionState::CompleteAbort
        };
        let mut data = self.current(state);
        data.partitions = VecSet::new();
        data.txn_last_update_timestamp_ms = now_ms;
        self.prepare_transition_to(data)
    }

    /// `prepareDead`: the transactional id expires.
    pub fn prepare_dead(&mut self) -> Result<TxnTransitMetadata, KafkaError> {
        let mut data = self.current(TransactionState::Dead);
        data.partitions = VecSet::new();
        self.prepare_transition_to(data)
    }

    /// `removePartition`: the marker of `partition` is written.
    pub fn remove_partition(&mut self, partition: &TopicPartition) -> Result<(), KafkaError> {
        if !matches!(
            self.state,
            TransactionState::PrepareCommit | TransactionState::PrepareAbort
        ) {
            return Err(illegal_state(format!(
                "Transaction metadata's current state is {}, and its pending state is {:?} while trying to remove partitions whose txn marker has been sent, this is not expected",
                self.state, self.pending_state
            )));
        }
        self.partitions.remove(partition);
        Ok(())
    }

    fn prepare_transition_to(
        &mut self,
        data: TxnTransitMetadata,
    ) -> Result<TxnTransitMetadata, KafkaError> {
        if let Some(pending) = self.pending_state {
            return Err(illegal_state(format!(
                "Preparing transaction state transition to {} while it already a pending state {pending}",
                self.state
            )));
        }
        if data.producer_id.0 < 0 {
            return Err(illegal_state(format!(
                "Illegal new producer id {}",
                data.producer_id
            )));
        }
        if data.state != TransactionState::Dead && data.producer_epoch < 0 {
            return Err(illegal_state(format!(
                "Illegal new producer epoch {}",
                data.producer_epoch
            )));
        }
        if !data.state.valid_previous_states().contains(&self.state) {
            return Err(illegal_state(format!(
                "Preparing transaction state transition to {} failed since the target state {} is not a valid previous state of the current state {}",
                data.state, data.state, self.state
            )));
        }
        self.pending_state = Some(data.state);
        Ok(data)
    }

    /// `completeTransitionTo`: applies a change whose write to `__transaction_state` is
    /// replicated, after checking it is the change pending.
    pub fn complete_transition_to(
        &mut self,
        transit: &TxnTransitMetadata,
    ) -> Result<(), KafkaError> {
        let failure = || {
            illegal_state(format!(
                "TransactionalId {} failed transition to state {:?} due to unexpected metadata",
                self.transactional_id, transit
            ))
        };
        let Some(to_state) = self.pending_state else {
            return Err(illegal_state(format!(
                "TransactionalId {} completing transaction state transition while it does not have a pending state",
                self.transactional_id
            )));
        };
        if to_state != transit.state {
            return Err(failure());
        }
        let same_epoch = transit.producer_epoch == self.producer_epoch
            && transit.producer_id == self.producer_id;
        let valid = match to_state {
            TransactionState::Empty => {
                (transit.producer_epoch == self.producer_epoch || self.valid_epoch_bump(transit))
                    && transit.partitions.is_empty()
                    && transit.txn_start_timestamp_ms == -1
            }
            TransactionState::Ongoing => {
                same_epoch
                    && transit.partitions.is_superset(&self.partitions)
                    && transit.txn_timeout_ms == self.txn_timeout_ms
            }
            TransactionState::PrepareAbort | TransactionState::PrepareCommit => {
                same_epoch
                    && self.partitions == transit.partitions
                    && self.txn_timeout_ms == transit.txn_timeout_ms
                    && self.txn_start_timestamp_ms == transit.txn_start_timestamp_ms
            }
            TransactionState::CompleteAbort | TransactionState::CompleteCommit => {
                same_epoch
                    && self.txn_timeout_ms == transit.txn_timeout_ms
                    && transit.txn_start_timestamp_ms != -1
            }
            TransactionState::PrepareEpochFence | TransactionState::Dead => false,
        };
        if !valid {
            return Err(failure());
        }
        self.producer_id = transit.producer_id;
        self.previous_producer_id = transit.previous_producer_id;
        self.producer_epoch = transit.producer_epoch;
        self.last_producer_epoch = transit.last_producer_epoch;
        self.txn_timeout_ms = transit.txn_timeout_ms;
        self.partitions = transit.partitions.clone();
        self.txn_start_timestamp_ms = transit.txn_start_timestamp_ms;
        self.txn_last_update_timestamp_ms = transit.txn_last_update_timestamp_ms;
        self.pending_state = None;
        self.state = to_state;
        Ok(())
    }

    fn valid_epoch_bump(&self, transit: &TxnTransitMetadata) -> bool {
        transit.producer_epoch == self.producer_epoch.wrapping_add(1)
            || (transit.producer_epoch == 0 && transit.producer_id != self.producer_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partitions(names: &[(&str, i32)]) -> VecSet<TopicPartition> {
        names
            .iter()
            .map(|(topic, partition)| TopicPartition::new(*topic, *partition))
            .collect()
    }

    fn initialized() -> TransactionMetadata {
        let mut metadata = TransactionMetadata::new("txn-1", ProducerId(7), 60_000, 0);
        let transit = metadata
            .prepare_increment_producer_epoch(60_000, None, 1)
            .expect("a new id can be initialized");
        metadata
            .complete_transition_to(&transit)
            .expect("the write completes");
        metadata
    }

    fn ongoing() -> TransactionMetadata {
        let mut metadata = initialized();
        let transit = metadata
            .prepare_add_partitions(&partitions(&[("orders", 0)]), 10)
            .expect("partitions can be added");
        metadata
            .complete_transition_to(&transit)
            .expect("the write completes");
        metadata
    }

    /// `TransactionMetadataTest.testInitProducerIdWithNoLastProducerData`: a new transactional
    /// id gets epoch 0.
    #[test]
    fn a_new_transactional_id_starts_at_epoch_zero() {
        let metadata = initialized();
        assert_eq!(metadata.state, TransactionState::Empty);
        assert_eq!(metadata.producer_epoch, 0);
        assert_eq!(metadata.last_producer_epoch, NO_PRODUCER_EPOCH);
    }

    /// `TransactionCoordinatorTest.shouldIncrementEpochAndUpdateMetadataOnHandleInitPidWhenExistingCompleteTransaction`.
    #[test]
    fn init_producer_id_bumps_the_epoch_of_an_existing_id() {
        let mut metadata = initialized();
        let transit = metadata
            .prepare_increment_producer_epoch(30_000, None, 5)
            .expect("bump");
        assert_eq!(transit.producer_epoch, 1);
        assert_eq!(transit.txn_timeout_ms, 30_000);
        metadata.complete_transition_to(&transit).expect("complete");
        assert_eq!(metadata.producer_epoch, 1);
    }

    /// `TransactionMetadataTest.testFenceProducerNotAllowedIfItWouldOverflow` and
    /// `testAttemptedEpochBumpWithNewerProducerEpoch`: an older epoch is fenced.
    #[test]
    fn an_expected_epoch_that_is_neither_current_nor_last_is_fenced() {
        let mut metadata = initialized();
        let transit = metadata
            .prepare_increment_producer_epoch(60_000, Some(0), 5)
            .expect("bump from the current epoch");
        metadata.complete_transition_to(&transit).expect("complete");
        assert_eq!(
            (metadata.producer_epoch, metadata.last_producer_epoch),
            (1, 0)
        );
        // A retry of the same bump returns the same epoch.
        let retry = metadata
            .prepare_increment_producer_epoch(60_000, Some(0), 6)
            .expect("retry");
        assert_eq!(retry.producer_epoch, 1);
        metadata.pending_state = None;
        let fenced = metadata.prepare_increment_producer_epoch(60_000, Some(5), 7);
        assert_eq!(
            fenced.map_err(|error| error.code),
            Err(ErrorCode::ProducerFenced)
        );
    }

    /// `TransactionMetadataTest.testPrepareFenceProducerEpoch`-style: fencing an ongoing
    /// transaction bumps the epoch and is then aborted.
    #[test]
    fn fencing_an_ongoing_transaction_bumps_the_epoch_once() {
        let mut metadata = ongoing();
        let fence = metadata.prepare_fence_producer_epoch().expect("fence");
        assert_eq!(fence.state, TransactionState::PrepareEpochFence);
        assert_eq!(fence.producer_epoch, 1);
        metadata.pending_state = None;
        metadata.has_failed_epoch_fence = true;
        let again = metadata
            .prepare_fence_producer_epoch()
            .expect("fence again");
        assert_eq!(
            again.producer_epoch, 0,
            "a failed fence is not bumped twice"
        );
    }

    /// `TransactionStateManager`: a second change cannot start while one is pending.
    #[test]
    fn a_pending_change_blocks_another() {
        let mut metadata = initialized();
        let added = partitions(&[("orders", 1)]);
        metadata
            .prepare_add_partitions(&added, 3)
            .expect("first change");
        let second = metadata.prepare_add_partitions(&added, 4);
        assert_eq!(
            second.map_err(|error| error.code),
            Err(ErrorCode::UnknownServerError)
        );
    }

    /// `TransactionMetadataTest`: commit moves Ongoing -> PrepareCommit -> CompleteCommit and
    /// clears the partitions; the epoch stays (transaction version 1).
    #[test]
    fn commit_goes_through_prepare_then_complete() {
        let mut metadata = ongoing();
        let prepare = metadata
            .prepare_abort_or_commit(TransactionState::PrepareCommit, 20)
            .expect("prepare");
        metadata.complete_transition_to(&prepare).expect("write");
        assert_eq!(metadata.state, TransactionState::PrepareCommit);
        let complete = metadata.prepare_complete(30).expect("complete");
        metadata
            .remove_partition(&TopicPartition::new("orders", 0))
            .expect("marker written");
        metadata.complete_transition_to(&complete).expect("write");
        assert_eq!(metadata.state, TransactionState::CompleteCommit);
        assert!(metadata.partitions.is_empty());
        assert_eq!(metadata.producer_epoch, 0);
    }

    #[test]
    fn empty_cannot_be_prepared_for_commit() {
        let mut metadata = initialized();
        assert!(metadata
            .prepare_abort_or_commit(TransactionState::PrepareCommit, 1)
            .is_err());
        assert!(metadata.pending_state.is_none());
    }

    #[test]
    fn the_start_time_is_set_when_the_first_partition_is_added() {
        let mut metadata = ongoing();
        assert_eq!(metadata.txn_start_timestamp_ms, 10);
        let more = metadata
            .prepare_add_partitions(&partitions(&[("orders", 2)]), 50)
            .expect("more partitions");
        assert_eq!(more.txn_start_timestamp_ms, 10);
        metadata.complete_transition_to(&more).expect("write");
        assert_eq!(metadata.partitions.len(), 2);
    }

    #[test]
    fn exhausted_epochs_cannot_be_bumped() {
        let mut metadata = initialized();
        metadata.producer_epoch = i16::MAX - 1;
        assert!(metadata.is_producer_epoch_exhausted());
        assert!(metadata
            .prepare_increment_producer_epoch(1_000, None, 1)
            .is_err());
        let rotated = metadata
            .prepare_producer_id_rotation(ProducerId(9), 1_000, 1, false)
            .expect("rotation");
        assert_eq!(
            (rotated.producer_id, rotated.producer_epoch),
            (ProducerId(9), 0)
        );
    }
}
