//! The coordinator's side of transaction markers (`TransactionMarkerChannelManager`,
//! `TransactionMarkerRequestCompletionHandler`).
//!
//! Once PrepareCommit/PrepareAbort is written, the coordinator sends WriteTxnMarkers to the
//! leader of every partition of the transaction, as its metadata knows them. A partition whose
//! marker is written leaves the transaction; one whose leader moved or was unavailable
//! (`NOT_LEADER_OR_FOLLOWER`, `NOT_ENOUGH_REPLICAS`, a refused connection, ...) is sent again
//! to its leader of the moment; one whose topic was deleted is dropped; a marker refused for
//! an older producer or coordinator epoch stops the sending. When no partition is left, the
//! coordinator writes CompleteCommit/CompleteAbort.
//!
//! Simplification: one WriteTxnMarkers request per transaction and leader (Kafka batches the
//! markers of several transactions per leader), and retries wait
//! [`MARKER_RETRY_BACKOFF_MS`].

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::network::NodeId;
use crate::protocol::txn::TxnMarker;
use crate::protocol::{Body, TxnBody};
use crate::transaction::coordinator::{
    AppendPurpose, MarkerEntry, MarkerRequest, PendingCompleteTxn, PendingWrite,
};
use crate::transaction::metadata::{TransactionMetadata, TxnTransitMetadata};
use crate::transaction::MARKER_RETRY_BACKOFF_MS;

use super::super::Broker;
use super::TxnTimer;

impl Broker {
    /// `addTxnMarkersToSend`: remembers the completion to write and sends the markers.
    pub(super) fn add_txn_markers_to_send(
        &mut self,
        transactional_id: &str,
        coordinator_epoch: i32,
        commit: bool,
        complete: TxnTransitMetadata,
        metadata: &TransactionMetadata,
        ctx: &mut Ctx,
    ) {
        let pending = PendingCompleteTxn {
            coordinator_epoch,
            commit,
            complete,
        };
        self.transactions
            .coordinator
            .pending_markers
            .insert(transactional_id.to_string(), pending);
        let entry = MarkerEntry {
            transactional_id: transactional_id.to_string(),
            marker: TxnMarker {
                producer_id: metadata.producer_id,
                producer_epoch: metadata.producer_epoch,
                commit,
                coordinator_epoch,
                partitions: metadata.partitions.iter().cloned().collect(),
            },
        };
        self.send_markers(entry, ctx);
        self.maybe_write_txn_completion(transactional_id, ctx);
    }

    /// `addTxnMarkersToBrokerQueue`: sends the marker to the leader of each of its partitions.
    fn send_markers(&mut self, entry: MarkerEntry, ctx: &mut Ctx) {
        let mut by_leader: VecMap<BrokerId, Vec<TopicPartition>> = VecMap::new();
        let mut without_leader = Vec::new();
        let mut deleted = Vec::new();
        for partition in &entry.marker.partitions {
            match self.metadata.partition(partition).map(|state| state.leader) {
                Some(Some(leader)) => by_leader.entry(leader).or_default().push(partition.clone()),
                Some(None) => without_leader.push(partition.clone()),
                None => deleted.push(partition.clone()),
            }
        }
        if !without_leader.is_empty() {
            self.retry_markers_later(&entry, without_leader, ctx);
        }
        for (leader, partitions) in by_leader {
            let marker = TxnMarker {
                partitions,
                ..entry.marker.clone()
            };
            let request_id = ctx.request_id();
            let request = MarkerRequest {
                broker: leader,
                entries: vec![MarkerEntry {
                    transactional_id: entry.transactional_id.clone(),
                    marker: marker.clone(),
                }],
            };
            self.transactions
                .coordinator
                .marker_requests
                .insert(request_id, request);
            let body = TxnBody::WriteTxnMarkers {
                request_id,
                markers: vec![marker],
            };
            ctx.send(NodeId::Broker(leader), Body::Txn(body));
            self.watch_request(
                request_id,
                crate::transaction::BROKER_REQUEST_TIMEOUT_MS,
                ctx,
            );
        }
        if !deleted.is_empty() {
            // The topic is gone: its partitions need no marker.
            self.remove_marked_partitions(&entry, &deleted);
            self.maybe_write_txn_completion(&entry.transactional_id, ctx);
        }
    }

    /// Puts some partitions of a marker back, to be sent after a backoff.
    fn retry_markers_later(
        &mut self,
        entry: &MarkerEntry,
        partitions: Vec<TopicPartition>,
        ctx: &mut Ctx,
    ) {
        let retry = MarkerEntry {
            transactional_id: entry.transactional_id.clone(),
            marker: TxnMarker {
                partitions,
                ..entry.marker.clone()
            },
        };
        self.transactions.coordinator.marker_retries.push(retry);
        self.schedule_transaction_retry(ctx);
    }

    pub(super) fn schedule_transaction_retry(&mut self, ctx: &mut Ctx) {
        if !self.transactions.coordinator.retry_scheduled {
            self.transactions.coordinator.retry_scheduled = true;
            Self::txn_after(ctx, MARKER_RETRY_BACKOFF_MS, TxnTimer::Retry);
        }
    }

    /// Sends the markers and completions that waited for a retry.
    pub(super) fn retry_transaction_work(&mut self, ctx: &mut Ctx) {
        let coordinator = &mut self.transactions.coordinator;
        coordinator.retry_scheduled = false;
        let markers = std::mem::take(&mut coordinator.marker_retries);
        let completions = std::mem::take(&mut coordinator.completion_retries);
        for entry in markers {
            if self.markers_still_wanted(&entry) {
                self.send_markers(entry, ctx);
            }
        }
        for (transactional_id, pending) in completions {
            self.write_txn_completion(&transactional_id, pending, ctx);
        }
    }

    /// Whether the coordinator still owns the transaction at the marker's coordinator epoch.
    fn markers_still_wanted(&self, entry: &MarkerEntry) -> bool {
        let partition = self.transaction_partition_for(&entry.transactional_id);
        matches!(
            self.transactions.coordinator.get(partition, &entry.transactional_id),
            Ok(Some((epoch, _))) if epoch == entry.marker.coordinator_epoch
        )
    }

    /// Removes partitions whose marker is written (or no longer needed) from the transaction.
    fn remove_marked_partitions(&mut self, entry: &MarkerEntry, partitions: &[TopicPartition]) {
        let partition = self.transaction_partition_for(&entry.transactional_id);
        if let Ok(Some((_, metadata))) = self
            .transactions
            .coordinator
            .get_mut(partition, &entry.transactional_id)
        {
            for marked in partitions {
                let _ = metadata.remove_partition(marked);
            }
        }
    }

    /// A leader answered WriteTxnMarkers (`TransactionMarkerRequestCompletionHandler`).
    pub(super) fn markers_answered(
        &mut self,
        request_id: u64,
        results: crate::protocol::txn::MarkerResults,
        ctx: &mut Ctx,
    ) {
        let Some(request) = self
            .transactions
            .coordinator
            .marker_requests
            .remove(&request_id)
        else {
            return;
        };
        let by_producer: VecMap<ProducerId, Vec<(TopicPartition, Option<KafkaError>)>> =
            crate::sort::to_map(results);
        for entry in request.entries {
            if !self.markers_still_wanted(&entry) {
                self.transactions
                    .coordinator
                    .pending_markers
                    .remove(&entry.transactional_id);
                continue;
            }
            let errors = by_producer
                .get(&entry.marker.producer_id)
                .cloned()
                .unwrap_or_default();
            self.marker_outcome(&entry, errors, ctx);
        }
    }

    /// Acts on the outcome of one marker's partitions.
    fn marker_outcome(
        &mut self,
        entry: &MarkerEntry,
        errors: Vec<(TopicPartition, Option<KafkaError>)>,
        ctx: &mut Ctx,
    ) {
        let mut written = Vec::new();
        let mut retry = Vec::new();
        for (partition, error) in errors {
            match error.map(|error| error.code) {
                None => written.push(partition),
                Some(
                    ErrorCode::UnknownTopicOrPartition
                    | ErrorCode::NotLeaderOrFollower
                    | ErrorCode::NotEnoughReplicas
                    | ErrorCode::NotEnoughReplicasAfterAppend
                    | ErrorCode::RequestTimedOut
                    | ErrorCode::NetworkException,
                ) => retry.push(partition),
                Some(_) => {
                    // INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED: a newer producer
                    // or coordinator took over; this transaction's markers are not wanted.
                    self.transactions
                        .coordinator
                        .pending_markers
                        .remove(&entry.transactional_id);
                    return;
                }
            }
        }
        self.remove_marked_partitions(entry, &written);
        if retry.is_empty() {
            self.maybe_write_txn_completion(&entry.transactional_id, ctx);
        } else {
            self.retry_markers_later(entry, retry, ctx);
        }
    }

    /// A WriteTxnMarkers request was refused, lost with a reset connection or timed out:
    /// its markers are sent again to the leaders of the moment. Returns whether the request
    /// was one.
    pub(in crate::broker) fn marker_request_failed(
        &mut self,
        request_id: u64,
        ctx: &mut Ctx,
    ) -> bool {
        let Some(request) = self
            .transactions
            .coordinator
            .marker_requests
            .remove(&request_id)
        else {
            return false;
        };
        for entry in request.entries {
            if self.markers_still_wanted(&entry) {
                let partitions = entry.marker.partitions.clone();
                self.retry_markers_later(&entry, partitions, ctx);
            } else {
                self.transactions
                    .coordinator
                    .pending_markers
                    .remove(&entry.transactional_id);
            }
        }
        true
    }

    /// `maybeWriteTxnCompletion`: once no partition waits for its marker, write the
    /// completion.
    fn maybe_write_txn_completion(&mut self, transactional_id: &str, ctx: &mut Ctx) {
        let partition = self.transaction_partition_for(transactional_id);
        let done = matches!(
            self.transactions.coordinator.get(partition, transactional_id),
            Ok(Some((_, metadata))) if metadata.partitions.is_empty()
        );
        if !done {
            return;
        }
        if let Some(pending) = self
            .transactions
            .coordinator
            .pending_markers
            .remove(transactional_id)
        {
            self.write_txn_completion(transactional_id, pending, ctx);
        }
    }

    /// `writeTxnCompletion`: writes CompleteCommit/CompleteAbort if still the coordinator.
    fn write_txn_completion(
        &mut self,
        transactional_id: &str,
        pending: PendingCompleteTxn,
        ctx: &mut Ctx,
    ) {
        let partition = self.transaction_partition_for(transactional_id);
        let current = matches!(
            self.transactions.coordinator.get(partition, transactional_id),
            Ok(Some((epoch, _))) if epoch == pending.coordinator_epoch
        );
        if !current {
            return;
        }
        let purpose = AppendPurpose::Complete {
            commit: pending.commit,
        };
        self.append_transaction_to_log(
            transactional_id,
            pending.coordinator_epoch,
            pending.complete,
            purpose,
            ctx,
        );
    }

    /// `tryAppendToLog`'s callback: an unavailable coordinator retries the completion.
    pub(super) fn after_completion_written(
        &mut self,
        write: PendingWrite,
        commit: bool,
        outcome: Result<(), ErrorCode>,
        ctx: &mut Ctx,
    ) {
        if outcome == Err(ErrorCode::CoordinatorNotAvailable) {
            let pending = PendingCompleteTxn {
                coordinator_epoch: write.coordinator_epoch,
                commit,
                complete: write.transit,
            };
            self.transactions
                .coordinator
                .completion_retries
                .push((write.transactional_id, pending));
            self.schedule_transaction_retry(ctx);
        }
    }
}
