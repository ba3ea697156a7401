//! The transaction coordinator's memory on one broker (Kafka's `TransactionStateManager` cache
//! and the bookkeeping of `TransactionCoordinator` and `TransactionMarkerChannelManager`).
//!
//! A broker coordinates the transactional ids of the `__transaction_state` partitions it leads.
//! For each it keeps the [`TransactionMetadata`] of every transactional id, under the
//! coordinator epoch (the partition's leader epoch when it became leader). While it loads a
//! partition it answers `COORDINATOR_LOAD_IN_PROGRESS`; for a partition it does not lead,
//! `NOT_COORDINATOR`. Everything here is in memory: a crash forgets it, and the next leader
//! rebuilds it from the log.
//!
//! This file holds the data and its lookups only; the broker drives it (`crate::broker::txn`).

use crate::vec_map::VecMap;

use serde::{Deserialize, Serialize};

use super::metadata::{TransactionMetadata, TxnTransitMetadata};
use super::state::TransactionState;
use crate::error::ErrorCode;
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::network::NodeId;
use crate::protocol::txn::TxnMarker;

/// Who gets the answer of a request the coordinator is working on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// The requesting node.
    pub node: NodeId,
    /// Its request id.
    pub request_id: u64,
}

/// Why a transaction is being ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndTxnOrigin {
    /// The producer's EndTxn.
    Client(Reply),
    /// A new producer instance's InitProducerId found the transaction ongoing: it is aborted
    /// and the new instance is told `CONCURRENT_TRANSACTIONS` so it retries.
    InitProducerId(Reply),
    /// The transaction ran past its `transaction.timeout.ms`.
    TimedOut,
}

/// What happens once a write to `__transaction_state` is replicated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendPurpose {
    /// Answer InitProducerId with the new producer id and epoch.
    InitProducerId(Reply),
    /// Answer AddPartitionsToTxn (or AddOffsetsToTxn, `offsets`) for these partitions.
    AddPartitions {
        /// The requester.
        reply: Reply,
        /// The partitions asked for.
        partitions: Vec<TopicPartition>,
        /// Whether this is AddOffsetsToTxn.
        offsets: bool,
    },
    /// PrepareCommit/PrepareAbort: answer, then write the markers.
    EndTxn {
        /// Why.
        origin: EndTxnOrigin,
        /// Commit or abort.
        commit: bool,
        /// Whether the epoch was bumped to fence the producer.
        is_epoch_fence: bool,
    },
    /// CompleteCommit/CompleteAbort after every marker is written.
    Complete {
        /// Commit or abort.
        commit: bool,
    },
    /// The tombstone of an expired transactional id.
    Expire,
}

/// A write to `__transaction_state` waiting for the ISR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingWrite {
    /// The transactional id.
    pub transactional_id: String,
    /// The coordinator epoch it was written under.
    pub coordinator_epoch: i32,
    /// The state written.
    pub transit: TxnTransitMetadata,
    /// What to do next.
    pub purpose: AppendPurpose,
}

/// A transaction whose markers are being written (`PendingCompleteTxn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCompleteTxn {
    /// The coordinator epoch.
    pub coordinator_epoch: i32,
    /// Commit or abort.
    pub commit: bool,
    /// The CompleteCommit/CompleteAbort state to write once every marker is written.
    pub complete: TxnTransitMetadata,
}

/// One transaction's marker for some partitions (`TxnIdAndMarkerEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerEntry {
    /// The transactional id.
    pub transactional_id: String,
    /// The marker.
    pub marker: TxnMarker,
}

/// A WriteTxnMarkers request in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerRequest {
    /// The partition leader it went to.
    pub broker: BrokerId,
    /// What it carries.
    pub entries: Vec<MarkerEntry>,
}

/// One `__transaction_state` partition this broker coordinates (`TxnMetadataCacheEntry`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnPartitionCache {
    /// The partition's leader epoch when this broker became its leader.
    pub coordinator_epoch: i32,
    /// Every transactional id of the partition.
    pub transactions: VecMap<String, TransactionMetadata>,
}

/// The transaction coordinator of one broker.
#[derive(Debug, Clone, Default)]
pub struct TransactionCoordinator {
    /// Partitions being loaded, with their coordinator epoch.
    pub loading: VecMap<i32, i32>,
    /// Loaded partitions.
    pub partitions: VecMap<i32, TxnPartitionCache>,
    /// Writes to `__transaction_state` waiting for the ISR, by write id.
    pub writes: VecMap<u64, PendingWrite>,
    /// Transactions whose markers are being written (`transactionsWithPendingMarkers`).
    pub pending_markers: VecMap<String, PendingCompleteTxn>,
    /// WriteTxnMarkers requests in flight, by request id.
    pub marker_requests: VecMap<u64, MarkerRequest>,
    /// Markers waiting to be sent again (their leader was unknown or did not answer).
    pub marker_retries: Vec<MarkerEntry>,
    /// Completions whose write found the coordinator unavailable, to retry.
    pub completion_retries: Vec<(String, PendingCompleteTxn)>,
    /// Whether the retry timer is set.
    pub retry_scheduled: bool,
    /// Whether the timed-out transaction check is scheduled.
    pub abort_check_scheduled: bool,
    /// When the next transactional id expiration runs (ms since the epoch).
    pub next_expiration_check_ms: i64,
}

impl TransactionCoordinator {
    /// `getTransactionState`: the coordinator epoch and metadata of `transactional_id`
    /// (stored in `partition`), `None` if it is unknown, or `COORDINATOR_LOAD_IN_PROGRESS` /
    /// `NOT_COORDINATOR`.
    pub fn get(
        &self,
        partition: i32,
        transactional_id: &str,
    ) -> Result<Option<(i32, &TransactionMetadata)>, ErrorCode> {
        if self.loading.contains_key(&partition) {
            return Err(ErrorCode::CoordinatorLoadInProgress);
        }
        let cache = self
            .partitions
            .get(&partition)
            .ok_or(ErrorCode::NotCoordinator)?;
        Ok(cache
            .transactions
            .get(transactional_id)
            .map(|metadata| (cache.coordinator_epoch, metadata)))
    }

    /// [`Self::get`], to change.
    pub fn get_mut(
        &mut self,
        partition: i32,
        transactional_id: &str,
    ) -> Result<Option<(i32, &mut TransactionMetadata)>, ErrorCode> {
        if self.loading.contains_key(&partition) {
            return Err(ErrorCode::CoordinatorLoadInProgress);
        }
        let cache = self
            .partitions
            .get_mut(&partition)
            .ok_or(ErrorCode::NotCoordinator)?;
        let epoch = cache.coordinator_epoch;
        Ok(cache
            .transactions
            .get_mut(transactional_id)
            .map(|metadata| (epoch, metadata)))
    }

    /// `putTransactionStateIfNotExists`.
    pub fn put_if_absent(
        &mut self,
        partition: i32,
        metadata: TransactionMetadata,
    ) -> Result<(), ErrorCode> {
        if self.loading.contains_key(&partition) {
            return Err(ErrorCode::CoordinatorLoadInProgress);
        }
        let cache = self
            .partitions
            .get_mut(&partition)
            .ok_or(ErrorCode::NotCoordinator)?;
        cache
            .transactions
            .entry(metadata.transactional_id.clone())
            .or_insert(metadata);
        Ok(())
    }

    /// Removes a transactional id (its tombstone was written).
    pub fn remove(&mut self, partition: i32, transactional_id: &str) {
        if let Some(cache) = self.partitions.get_mut(&partition) {
            cache.transactions.remove(transactional_id);
        }
    }

    /// Whether this broker coordinates `partition` (loaded or loading) at `epoch`.
    pub fn owns(&self, partition: i32, epoch: i32) -> bool {
        self.loading.get(&partition) == Some(&epoch)
            || self
                .partitions
                .get(&partition)
                .is_some_and(|cache| cache.coordinator_epoch == epoch)
    }

    /// Whether this broker coordinates `partition` at all.
    pub fn is_coordinating(&self, partition: i32) -> bool {
        self.loading.contains_key(&partition) || self.partitions.contains_key(&partition)
    }

    /// `timedOutTransactions`: ongoing transactions older than their timeout, with no change
    /// in flight.
    pub fn timed_out(&self, now_ms: i64) -> Vec<(String, ProducerId, i16)> {
        self.partitions
            .values()
            .flat_map(|cache| cache.transactions.values())
            .filter(|metadata| {
                !metadata.pending_transition_in_progress()
                    && metadata.state == TransactionState::Ongoing
                    && metadata
                        .txn_start_timestamp_ms
                        .saturating_add(metadata.txn_timeout_ms)
                        < now_ms
            })
            .map(|metadata| {
                (
                    metadata.transactional_id.clone(),
                    metadata.producer_id,
                    metadata.producer_epoch,
                )
            })
            .collect()
    }

    /// Transactional ids idle for `expiration_ms` in a state that may expire.
    pub fn expired(&self, now_ms: i64, expiration_ms: i64) -> Vec<(i32, String)> {
        let mut expired = Vec::new();
        for (partition, cache) in &self.partitions {
            for metadata in cache.transactions.values() {
                let idle = metadata.txn_last_update_timestamp_ms <= now_ms - expiration_ms;
                if idle
                    && metadata.state.is_expiration_allowed()
                    && !metadata.pending_transition_in_progress()
                {
                    expired.push((*partition, metadata.transactional_id.clone()));
                }
            }
        }
        expired
    }

    /// Forgets a partition this broker no longer leads, with its markers in progress.
    pub fn unload(&mut self, partition: i32, partition_for: impl Fn(&str) -> i32) {
        self.loading.remove(&partition);
        self.partitions.remove(&partition);
        self.pending_markers
            .retain(|transactional_id, _| partition_for(transactional_id) != partition);
        self.marker_retries
            .retain(|entry| partition_for(&entry.transactional_id) != partition);
        self.completion_retries
            .retain(|(transactional_id, _)| partition_for(transactional_id) != partition);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transaction::metadata::TransactionMetadata;

    fn coordinator_with(partition: i32, metadata: TransactionMetadata) -> TransactionCoordinator {
        let mut coordinator = TransactionCoordinator::default();
        coordinator.partitions.insert(
            partition,
            TxnPartitionCache {
                coordinator_epoch: 4,
                transactions: [(metadata.transactional_id.clone(), metadata)]
                    .into_iter()
                    .collect(),
            },
        );
        coordinator
    }

    /// `TransactionStateManagerTest.testAddGetPids`-style lookups:
    /// `COORDINATOR_LOAD_IN_PROGRESS` while loading, `NOT_COORDINATOR` elsewhere.
    #[test]
    fn lookups_answer_load_in_progress_or_not_coordinator() {
        let metadata = TransactionMetadata::new("txn-1", ProducerId(1), 60_000, 0);
        let mut coordinator = coordinator_with(3, metadata);
        assert_eq!(
            coordinator
                .get(3, "txn-1")
                .map(|found| found.map(|(epoch, _)| epoch)),
            Ok(Some(4))
        );
        assert_eq!(
            coordinator.get(3, "other").map(|found| found.is_some()),
            Ok(false)
        );
        assert_eq!(
            coordinator.get(5, "txn-1").err(),
            Some(ErrorCode::NotCoordinator)
        );
        coordinator.loading.insert(5, 1);
        assert_eq!(
            coordinator.get(5, "txn-1").err(),
            Some(ErrorCode::CoordinatorLoadInProgress)
        );
        assert!(coordinator.owns(5, 1) && coordinator.owns(3, 4) && !coordinator.owns(3, 5));
    }

    /// `TransactionStateManagerTest.shouldOnlyConsiderTransactionsInTheOngoingStateToAbort`.
    #[test]
    fn only_ongoing_transactions_past_their_timeout_are_timed_out() {
        let mut metadata = TransactionMetadata::new("txn-1", ProducerId(1), 1_000, 0);
        metadata.producer_epoch = 0;
        metadata.state = TransactionState::Ongoing;
        metadata.txn_start_timestamp_ms = 100;
        let mut coordinator = coordinator_with(0, metadata);
        assert!(
            coordinator.timed_out(1_100).is_empty(),
            "not past the timeout yet"
        );
        assert_eq!(
            coordinator.timed_out(1_101),
            vec![("txn-1".to_string(), ProducerId(1), 0)]
        );
        if let Ok(Some((_, metadata))) = coordinator.get_mut(0, "txn-1") {
            metadata.pending_state = Some(TransactionState::PrepareCommit);
        }
        assert!(
            coordinator.timed_out(5_000).is_empty(),
            "a change is in flight"
        );
    }

    /// `TransactionStateManagerTest.shouldRemoveCompleteCommitExpiredTransactionalIds` and
    /// `shouldNotRemoveOngoingTransactionalIds`.
    #[test]
    fn only_idle_completed_transactional_ids_expire() {
        let mut metadata = TransactionMetadata::new("txn-1", ProducerId(1), 1_000, 0);
        metadata.state = TransactionState::CompleteCommit;
        let mut coordinator = coordinator_with(2, metadata);
        assert_eq!(coordinator.expired(10, 10), vec![(2, "txn-1".to_string())]);
        assert!(coordinator.expired(9, 10).is_empty());
        if let Ok(Some((_, metadata))) = coordinator.get_mut(2, "txn-1") {
            metadata.state = TransactionState::Ongoing;
        }
        assert!(coordinator.expired(100, 10).is_empty());
    }
}
