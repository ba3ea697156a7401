//! The transactional requests a producer queues and sends one at a time (Kafka's
//! `TransactionManager.TxnRequestHandler`s, `nextRequest`, `lookupCoordinator` and
//! `Sender.maybeSendAndPollTransactionalRequest`).
//!
//! Requests go by priority: FindCoordinator, then InitProducerId, then AddPartitionsToTxn /
//! AddOffsetsToTxn / TxnOffsetCommit, then EndTxn, then an epoch bump. EndTxn waits until no
//! batch is incomplete; an EndTxn for a transaction the coordinator never heard of completes
//! without being sent. A request needing a coordinator that is not known first looks it up.
//! A retried request waits `retry.backoff.ms` (20 ms for the first AddPartitionsToTxn of a
//! transaction refused with `CONCURRENT_TRANSACTIONS`).

use crate::vec_map::VecMap;

use super::{GroupMetadata, TransactionManager, TxnState};
use crate::cluster::context::Ctx;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::protocol::group::{CoordinatorType, OffsetToCommit};
use crate::protocol::{Body, GroupBody, TxnBody};

/// `ADD_PARTITIONS_RETRY_BACKOFF_MS`.
pub const ADD_PARTITIONS_RETRY_BACKOFF_MS: i64 = 20;

/// What a transactional request asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxnRequestKind {
    /// FindCoordinator.
    FindCoordinator {
        /// Transaction or group.
        key_type: CoordinatorType,
        /// The transactional id or group id.
        key: String,
    },
    /// InitProducerId; `is_epoch_bump` sends the current producer id and epoch.
    InitProducerId {
        /// Whether it bumps the epoch after an abortable error.
        is_epoch_bump: bool,
    },
    /// AddPartitionsToTxn.
    AddPartitions {
        /// The partitions.
        partitions: Vec<TopicPartition>,
    },
    /// AddOffsetsToTxn, then TxnOffsetCommit.
    AddOffsets {
        /// The consumer's group metadata.
        group: GroupMetadata,
        /// The offsets.
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// TxnOffsetCommit of the pending offsets.
    TxnOffsetCommit {
        /// The consumer's group metadata.
        group: GroupMetadata,
    },
    /// EndTxn.
    EndTxn {
        /// Commit or abort.
        commit: bool,
    },
}

impl TxnRequestKind {
    /// `Priority`.
    fn priority(&self) -> i32 {
        match self {
            TxnRequestKind::FindCoordinator { .. } => 0,
            TxnRequestKind::InitProducerId {
                is_epoch_bump: false,
            } => 1,
            TxnRequestKind::AddPartitions { .. }
            | TxnRequestKind::AddOffsets { .. }
            | TxnRequestKind::TxnOffsetCommit { .. } => 2,
            TxnRequestKind::EndTxn { .. } => 3,
            TxnRequestKind::InitProducerId {
                is_epoch_bump: true,
            } => 4,
        }
    }
}

/// A queued transactional request (`TxnRequestHandler`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnRequest {
    /// What it asks.
    pub kind: TxnRequestKind,
    /// The result it settles.
    pub result: u64,
    /// Not before this time (a retry's backoff).
    pub not_before_ms: i64,
}

/// The transactional request in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlightTxnRequest {
    /// Its request id.
    pub request_id: u64,
    /// Where it went.
    pub broker: BrokerId,
    /// The request.
    pub request: TxnRequest,
}

/// Where a request goes.
pub enum Target {
    /// The coordinator of this kind for this key.
    Coordinator(CoordinatorType, String),
    /// Any broker (FindCoordinator).
    AnyBroker,
}

impl TransactionManager {
    /// `enqueueRequest`: after the requests of higher or equal priority already queued.
    pub fn enqueue(&mut self, kind: TxnRequestKind, result: u64) {
        self.enqueue_request(TxnRequest {
            kind,
            result,
            not_before_ms: 0,
        });
    }

    fn enqueue_request(&mut self, request: TxnRequest) {
        let priority = request.kind.priority();
        let position = self
            .pending_requests
            .iter()
            .position(|queued| queued.kind.priority() > priority)
            .unwrap_or(self.pending_requests.len());
        self.pending_requests.insert(position, request);
    }

    /// `reenqueue`: the request goes again after `backoff_ms`.
    pub fn retry(&mut self, mut request: TxnRequest, backoff_ms: i64, now_ms: i64) {
        request.not_before_ms = now_ms.saturating_add(backoff_ms);
        self.enqueue_request(request);
    }

    /// `addPartitionsToTransactionHandler`: the new partitions are asked for.
    pub fn enqueue_add_partitions(&mut self) {
        let added: Vec<TopicPartition> = std::mem::take(&mut self.new_partitions)
            .into_iter()
            .collect();
        self.pending_partitions.extend(added);
        let partitions = self.pending_partitions.iter().cloned().collect();
        let result = self.new_result("AddPartitionsToTxn");
        self.enqueue(TxnRequestKind::AddPartitions { partitions }, result);
    }

    /// `lookupCoordinator`: forget the coordinator and find it again first.
    pub fn lookup_coordinator(&mut self, key_type: CoordinatorType, key: &str) {
        match key_type {
            CoordinatorType::Transaction => self.coordinator = None,
            CoordinatorType::Group => {
                self.group_coordinators.remove(key);
            }
        }
        let already = self.pending_requests.iter().any(|request| {
            matches!(&request.kind, TxnRequestKind::FindCoordinator { key_type: t, key: k } if *t == key_type && k == key)
        });
        if !already {
            let result = self.new_result("FindCoordinator");
            let kind = TxnRequestKind::FindCoordinator {
                key_type,
                key: key.to_string(),
            };
            self.enqueue(kind, result);
        }
    }

    /// `nextRequest`: the next request to send, if any may go now. May complete a transaction
    /// the coordinator never heard of, without sending anything.
    pub fn next_request(
        &mut self,
        has_incomplete_batches: bool,
        ctx: &mut Ctx,
    ) -> Option<TxnRequest> {
        if !self.new_partitions.is_empty() {
            self.enqueue_add_partitions();
        }
        let first = self.pending_requests.first()?;
        if matches!(first.kind, TxnRequestKind::EndTxn { .. }) && has_incomplete_batches {
            return None;
        }
        let mut request = self.pending_requests.remove(0);
        if self.maybe_terminate_with_error(&request, ctx) {
            return None;
        }
        if matches!(request.kind, TxnRequestKind::EndTxn { .. }) && !self.transaction_started {
            self.complete_result(request.result, ctx);
            if self.state != TxnState::FatalError {
                self.complete_transaction();
            }
            if self.pending_requests.is_empty() {
                return None;
            }
            request = self.pending_requests.remove(0);
        }
        Some(request)
    }

    /// `maybeTerminateRequestWithError`: in an error state, requests fail with it (a
    /// FindCoordinator may still go when the transaction is to be aborted).
    fn maybe_terminate_with_error(&mut self, request: &TxnRequest, ctx: &mut Ctx) -> bool {
        if !self.has_error() {
            return false;
        }
        if self.state == TxnState::AbortableError
            && matches!(request.kind, TxnRequestKind::FindCoordinator { .. })
        {
            return false;
        }
        let error = self.last_error.clone().unwrap_or_else(|| {
            crate::error::KafkaError::with_default_message(crate::error::ErrorCode::KafkaException)
        });
        self.fail_result(request.result, error, ctx);
        true
    }

    /// Where `request` goes.
    pub fn target(&self, request: &TxnRequest) -> Target {
        match &request.kind {
            TxnRequestKind::FindCoordinator { .. } => Target::AnyBroker,
            TxnRequestKind::TxnOffsetCommit { group } => {
                Target::Coordinator(CoordinatorType::Group, group.group_id.clone())
            }
            _ => Target::Coordinator(CoordinatorType::Transaction, self.transactional_id.clone()),
        }
    }

    /// The coordinator known for a kind and key.
    pub fn coordinator_for(&self, key_type: CoordinatorType, key: &str) -> Option<BrokerId> {
        match key_type {
            CoordinatorType::Transaction => self.coordinator,
            CoordinatorType::Group => self.group_coordinators.get(key).copied(),
        }
    }

    /// The message for `request`.
    pub fn body(&self, request: &TxnRequest, request_id: u64) -> Body {
        let (producer_id, producer_epoch) = self
            .producer_id_and_epoch
            .unwrap_or((crate::ids::ProducerId::NONE, -1));
        let transactional_id = self.transactional_id.clone();
        match &request.kind {
            TxnRequestKind::FindCoordinator { key_type, key } => {
                Body::Group(GroupBody::FindCoordinator {
                    request_id,
                    key: key.clone(),
                    key_type: *key_type,
                })
            }
            TxnRequestKind::InitProducerId { is_epoch_bump } => {
                let (producer_id, producer_epoch) = if *is_epoch_bump {
                    (producer_id, producer_epoch)
                } else {
                    (crate::ids::ProducerId::NONE, -1)
                };
                Body::Txn(TxnBody::InitProducerId {
                    request_id,
                    transactional_id: Some(transactional_id),
                    transaction_timeout_ms: self.transaction_timeout_ms,
                    producer_id,
                    producer_epoch,
                })
            }
            TxnRequestKind::AddPartitions { partitions } => {
                Body::Txn(TxnBody::AddPartitionsToTxn {
                    request_id,
                    transactional_id,
                    producer_id,
                    producer_epoch,
                    partitions: partitions.clone(),
                })
            }
            TxnRequestKind::AddOffsets { group, .. } => Body::Txn(TxnBody::AddOffsetsToTxn {
                request_id,
                transactional_id,
                producer_id,
                producer_epoch,
                group_id: group.group_id.clone(),
            }),
            TxnRequestKind::TxnOffsetCommit { group } => Body::Group(GroupBody::TxnOffsetCommit {
                request_id,
                transactional_id,
                group_id: group.group_id.clone(),
                producer_id,
                producer_epoch,
                generation_id: group.generation_id,
                member_id: group.member_id.clone(),
                offsets: self.pending_offsets.values().cloned().collect(),
            }),
            TxnRequestKind::EndTxn { commit } => Body::Txn(TxnBody::EndTxn {
                request_id,
                transactional_id,
                producer_id,
                producer_epoch,
                commit: *commit,
            }),
        }
    }

    /// `txnOffsetCommitHandler`: the offsets become pending and a TxnOffsetCommit is queued,
    /// settling the same result.
    pub fn enqueue_txn_offset_commit(
        &mut self,
        group: GroupMetadata,
        offsets: &[(TopicPartition, Offset)],
        result: u64,
    ) {
        let pending: VecMap<TopicPartition, OffsetToCommit> =
            crate::sort::to_map(offsets.iter().map(|(partition, offset)| {
                (
                    partition.clone(),
                    OffsetToCommit {
                        partition: partition.clone(),
                        offset: *offset,
                        leader_epoch: None,
                        metadata: String::new(),
                    },
                )
            }));
        self.pending_offsets.extend(pending);
        self.enqueue(TxnRequestKind::TxnOffsetCommit { group }, result);
    }
}
