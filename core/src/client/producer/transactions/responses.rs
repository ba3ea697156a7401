//! How a transactional producer handles each answer (the `handleResponse` of Kafka's
//! `FindCoordinatorHandler`, `InitProducerIdHandler`, `AddPartitionsToTxnHandler`,
//! `AddOffsetsToTxnHandler`, `TxnOffsetCommitHandler` and `EndTxnHandler`).
//!
//! In short: a lost or moved coordinator is looked up again and the request retried;
//! `COORDINATOR_LOAD_IN_PROGRESS`, `CONCURRENT_TRANSACTIONS` and other retriable errors are
//! retried; `PRODUCER_FENCED` (or `INVALID_PRODUCER_EPOCH` from an older coordinator) is fatal;
//! an unknown producer id is abortable (with an epoch bump afterwards); so is a refused topic
//! or group, while a refused transactional id is fatal; anything unexpected is fatal, with
//! Kafka's message.

use super::requests::{TxnRequest, TxnRequestKind, ADD_PARTITIONS_RETRY_BACKOFF_MS};
use super::{TransactionManager, TxnState};
use crate::client::metadata::{group_authorization_error, topic_authorization_error};
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::protocol::group::CoordinatorType;
use crate::transaction::TransactionEvent;

fn fenced() -> KafkaError {
    KafkaError::with_default_message(ErrorCode::ProducerFenced)
}

fn kafka_exception(message: String) -> KafkaError {
    KafkaError::new(ErrorCode::KafkaException, message)
}

impl TransactionManager {
    fn fatal_error(&mut self, result: u64, error: KafkaError, ctx: &mut Ctx) {
        self.fail_result(result, error.clone(), ctx);
        self.transition_to_fatal_error(error, ctx);
    }

    fn abortable_error(&mut self, result: u64, error: KafkaError, ctx: &mut Ctx) {
        self.fail_result(result, error.clone(), ctx);
        self.transition_to_abortable_error(error, ctx);
    }

    /// `abortableErrorIfPossible`: with transaction version 1 the client bumps its epoch
    /// after the abort (KIP-360), so the error is abortable.
    fn abortable_error_with_epoch_bump(&mut self, result: u64, error: KafkaError, ctx: &mut Ctx) {
        self.epoch_bump_required = true;
        self.abortable_error(result, error, ctx);
    }

    fn retry_now(&mut self, request: TxnRequest, ctx: &Ctx) {
        let backoff_ms = self.retry_backoff_ms;
        self.retry(request, backoff_ms, ctx.now_ms);
    }

    fn lookup_transaction_coordinator_and_retry(&mut self, request: TxnRequest, ctx: &Ctx) {
        let key = self.transactional_id.clone();
        self.lookup_coordinator(CoordinatorType::Transaction, &key);
        self.retry_now(request, ctx);
    }

    /// The request was refused, lost or timed out: find the coordinator again if it needs
    /// one, and retry.
    pub fn request_disconnected(&mut self, request: TxnRequest, ctx: &mut Ctx) {
        if let super::requests::Target::Coordinator(key_type, key) = self.target(&request) {
            self.lookup_coordinator(key_type, &key);
        }
        self.retry_now(request, ctx);
    }

    /// FindCoordinator answered.
    pub fn find_coordinator_answered(
        &mut self,
        request: TxnRequest,
        result: Result<BrokerId, KafkaError>,
        ctx: &mut Ctx,
    ) {
        let TxnRequestKind::FindCoordinator { key_type, key } = request.kind.clone() else {
            return;
        };
        match result {
            Ok(broker) => {
                match key_type {
                    CoordinatorType::Transaction => self.coordinator = Some(broker),
                    CoordinatorType::Group => {
                        self.group_coordinators.insert(key, broker);
                    }
                }
                self.complete_result(request.result, ctx);
            }
            Err(error) if error.code == ErrorCode::CoordinatorNotAvailable => {
                self.retry_now(request, ctx)
            }
            Err(error) if error.code == ErrorCode::TransactionalIdAuthorizationFailed => {
                self.fatal_error(request.result, error, ctx)
            }
            Err(error) if error.code == ErrorCode::GroupAuthorizationFailed => {
                self.abortable_error(request.result, group_authorization_error(&key), ctx)
            }
            Err(error) => {
                let kind = match key_type {
                    CoordinatorType::Transaction => "TRANSACTION",
                    CoordinatorType::Group => "GROUP",
                };
                let message = format!(
                    "Could not find a coordinator with type {kind} with key {key} due to unexpected error: {}",
                    error.message
                );
                self.fatal_error(request.result, kafka_exception(message), ctx);
            }
        }
    }

    /// InitProducerId answered.
    pub fn init_producer_id_answered(
        &mut self,
        request: TxnRequest,
        result: Result<(ProducerId, i16), KafkaError>,
        ctx: &mut Ctx,
    ) {
        let error = match result {
            Ok(producer_id_and_epoch) => {
                self.producer_id_and_epoch = Some(producer_id_and_epoch);
                self.state = TxnState::Ready;
                self.last_error = None;
                return self.complete_result(request.result, ctx);
            }
            Err(error) => error,
        };
        match error.code {
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.lookup_transaction_coordinator_and_retry(request, ctx)
            }
            code if code.is_retriable() => self.retry_now(request, ctx),
            ErrorCode::InvalidProducerEpoch | ErrorCode::ProducerFenced => {
                self.fatal_error(request.result, fenced(), ctx)
            }
            ErrorCode::TransactionalIdAuthorizationFailed
            | ErrorCode::ClusterAuthorizationFailed => self.fatal_error(request.result, error, ctx),
            _ => {
                let message = format!(
                    "Unexpected error in InitProducerIdResponse; {}",
                    error.code.default_message()
                );
                self.fatal_error(request.result, kafka_exception(message), ctx);
            }
        }
    }

    /// AddPartitionsToTxn answered.
    pub fn add_partitions_answered(
        &mut self,
        request: TxnRequest,
        results: Vec<(TopicPartition, Result<(), KafkaError>)>,
        ctx: &mut Ctx,
    ) {
        let mut has_partition_errors = false;
        let mut unauthorized_topics: Vec<&str> = Vec::new();
        for (partition, result) in &results {
            let Err(error) = result else {
                continue;
            };
            match error.code {
                ErrorCode::CoordinatorNotAvailable | ErrorCode::NotCoordinator => {
                    return self.lookup_transaction_coordinator_and_retry(request, ctx);
                }
                ErrorCode::ConcurrentTransactions => {
                    let backoff_ms = if self.partitions.is_empty() {
                        ADD_PARTITIONS_RETRY_BACKOFF_MS.min(self.retry_backoff_ms)
                    } else {
                        self.retry_backoff_ms
                    };
                    return self.retry(request, backoff_ms, ctx.now_ms);
                }
                code if code.is_retriable() => return self.retry_now(request, ctx),
                ErrorCode::InvalidProducerEpoch | ErrorCode::ProducerFenced => {
                    return self.fatal_error(request.result, fenced(), ctx);
                }
                ErrorCode::InvalidTxnState | ErrorCode::TransactionalIdAuthorizationFailed => {
                    return self.fatal_error(request.result, error.clone(), ctx);
                }
                ErrorCode::TopicAuthorizationFailed => {
                    if !unauthorized_topics.contains(&partition.topic.as_str()) {
                        unauthorized_topics.push(&partition.topic);
                    }
                }
                ErrorCode::UnknownProducerId | ErrorCode::InvalidProducerIdMapping => {
                    return self.abortable_error_with_epoch_bump(
                        request.result,
                        error.clone(),
                        ctx,
                    );
                }
                _ => has_partition_errors = true,
            }
        }
        for (partition, _) in &results {
            self.pending_partitions.remove(partition);
        }
        if !unauthorized_topics.is_empty() {
            crate::sort::sort(&mut unauthorized_topics);
            let error = topic_authorization_error(&unauthorized_topics);
            return self.abortable_error(request.result, error, ctx);
        }
        if has_partition_errors {
            let errors: Vec<String> = results
                .iter()
                .map(|(partition, result)| {
                    let code = result
                        .as_ref()
                        .err()
                        .map_or("NONE", |error| error.code.name());
                    format!("{partition}={code}")
                })
                .collect();
            let message = format!(
                "Could not add partitions to transaction due to errors: {{{}}}",
                errors.join(", ")
            );
            return self.abortable_error(request.result, kafka_exception(message), ctx);
        }
        let added: Vec<TopicPartition> = results
            .into_iter()
            .map(|(partition, _)| partition)
            .collect();
        self.partitions.extend(added.iter().cloned());
        self.transaction_started = true;
        ctx.emit(EventKind::Transaction(TransactionEvent::PartitionsAdded {
            producer: self.client,
            partitions: added,
        }));
        self.complete_result(request.result, ctx);
    }

    /// AddOffsetsToTxn answered: the TxnOffsetCommit follows, settling the same result.
    pub fn add_offsets_answered(
        &mut self,
        request: TxnRequest,
        error: Option<KafkaError>,
        ctx: &mut Ctx,
    ) {
        let TxnRequestKind::AddOffsets { group, offsets } = request.kind.clone() else {
            return;
        };
        let Some(error) = error else {
            self.enqueue_txn_offset_commit(group, &offsets, request.result);
            self.transaction_started = true;
            return;
        };
        match error.code {
            ErrorCode::CoordinatorNotAvailable | ErrorCode::NotCoordinator => {
                self.lookup_transaction_coordinator_and_retry(request, ctx)
            }
            code if code.is_retriable() => self.retry_now(request, ctx),
            ErrorCode::UnknownProducerId | ErrorCode::InvalidProducerIdMapping => {
                self.abortable_error_with_epoch_bump(request.result, error, ctx)
            }
            ErrorCode::InvalidProducerEpoch | ErrorCode::ProducerFenced => {
                self.fatal_error(request.result, fenced(), ctx)
            }
            ErrorCode::TransactionalIdAuthorizationFailed => {
                self.fatal_error(request.result, error, ctx)
            }
            ErrorCode::GroupAuthorizationFailed => {
                let error = group_authorization_error(&group.group_id);
                self.abortable_error(request.result, error, ctx)
            }
            code => {
                let message = format!(
                    "Unexpected error in AddOffsetsToTxnResponse: {}",
                    code.default_message()
                );
                self.fatal_error(request.result, kafka_exception(message), ctx);
            }
        }
    }

    /// TxnOffsetCommit answered.
    pub fn txn_offset_commit_answered(
        &mut self,
        request: TxnRequest,
        results: Vec<(TopicPartition, Result<(), KafkaError>)>,
        ctx: &mut Ctx,
    ) {
        let TxnRequestKind::TxnOffsetCommit { group } = request.kind.clone() else {
            return;
        };
        let mut failed = false;
        let mut coordinator_reloaded = false;
        for (partition, result) in results {
            let error = match result {
                Ok(()) => {
                    self.pending_offsets.remove(&partition);
                    continue;
                }
                Err(error) => error,
            };
            match error.code {
                ErrorCode::CoordinatorNotAvailable
                | ErrorCode::NotCoordinator
                | ErrorCode::RequestTimedOut => {
                    if !coordinator_reloaded {
                        coordinator_reloaded = true;
                        self.lookup_coordinator(CoordinatorType::Group, &group.group_id);
                    }
                }
                ErrorCode::UnknownTopicOrPartition | ErrorCode::CoordinatorLoadInProgress => {}
                ErrorCode::GroupAuthorizationFailed => {
                    let error = group_authorization_error(&group.group_id);
                    self.abortable_error(request.result, error, ctx);
                    failed = true;
                    break;
                }
                ErrorCode::FencedInstanceId => {
                    self.abortable_error(request.result, error, ctx);
                    failed = true;
                    break;
                }
                ErrorCode::UnknownMemberId | ErrorCode::IllegalGeneration => {
                    let commit_failed = KafkaError::new(
                        ErrorCode::CommitFailed,
                        format!(
                            "Transaction offset Commit failed due to consumer group metadata mismatch: {}",
                            error.message
                        ),
                    );
                    self.abortable_error(request.result, commit_failed, ctx);
                    failed = true;
                    break;
                }
                // `isFatalException`.
                ErrorCode::InvalidProducerEpoch
                | ErrorCode::ProducerFenced
                | ErrorCode::TransactionalIdAuthorizationFailed => {
                    self.fatal_error(request.result, error, ctx);
                    failed = true;
                    break;
                }
                code => {
                    let message = format!(
                        "Unexpected error in TxnOffsetCommitResponse: {}",
                        code.default_message()
                    );
                    self.fatal_error(request.result, kafka_exception(message), ctx);
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            self.pending_offsets.clear();
        } else if self.pending_offsets.is_empty() {
            self.complete_result(request.result, ctx);
        } else {
            self.retry_now(request, ctx);
        }
    }

    /// EndTxn answered.
    pub fn end_txn_answered(
        &mut self,
        request: TxnRequest,
        error: Option<KafkaError>,
        ctx: &mut Ctx,
    ) {
        let Some(error) = error else {
            self.complete_transaction();
            return self.complete_result(request.result, ctx);
        };
        match error.code {
            ErrorCode::CoordinatorNotAvailable | ErrorCode::NotCoordinator => {
                self.lookup_transaction_coordinator_and_retry(request, ctx)
            }
            ErrorCode::CoordinatorLoadInProgress | ErrorCode::ConcurrentTransactions => {
                self.retry_now(request, ctx)
            }
            ErrorCode::InvalidProducerEpoch | ErrorCode::ProducerFenced => {
                self.fatal_error(request.result, fenced(), ctx)
            }
            ErrorCode::InvalidTxnState | ErrorCode::TransactionalIdAuthorizationFailed => {
                self.fatal_error(request.result, error, ctx)
            }
            ErrorCode::UnknownProducerId | ErrorCode::InvalidProducerIdMapping => {
                self.abortable_error_with_epoch_bump(request.result, error, ctx)
            }
            code => {
                let message = format!(
                    "Unhandled error in EndTxnResponse: {}",
                    code.default_message()
                );
                self.fatal_error(request.result, kafka_exception(message), ctx);
            }
        }
    }
}
