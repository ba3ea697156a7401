//! AddPartitionsToTxn and AddOffsetsToTxn (`KafkaApis.handleAddPartitionToTxnRequest`,
//! `handleAddOffsetsToTxnRequest`, `TransactionCoordinator.handleAddPartitionsToTransaction`).
//!
//! A partition must be added to the transaction before the producer writes to it, so the
//! coordinator knows where to write markers. AddOffsetsToTxn adds the `__consumer_offsets`
//! partition of the consumer group whose offsets the transaction will commit. The coordinator
//! checks the producer id (`INVALID_PRODUCER_ID_MAPPING`) and epoch (`PRODUCER_FENCED`), refuses
//! while a change is in flight or the previous transaction is completing
//! (`CONCURRENT_TRANSACTIONS`), answers at once when every partition is already in the
//! ongoing transaction, and otherwise writes the new state (Ongoing) before answering. A
//! request naming a partition that does not exist, or a topic the producer may not write to,
//! adds nothing: that partition gets `UNKNOWN_TOPIC_OR_PARTITION` (or
//! `TOPIC_AUTHORIZATION_FAILED`) and the others `OPERATION_NOT_ATTEMPTED`.

use crate::vec_map::VecSet;

use crate::acl::{AclOperation, ResourceType};
use crate::cluster::context::Ctx;
use crate::config::value::java_string_hash;
use crate::error::ErrorCode;
use crate::ids::{ProducerId, TopicPartition};
use crate::network::NodeId;
use crate::protocol::{Body, TxnBody};
use crate::transaction::coordinator::{AppendPurpose, Reply};
use crate::transaction::TransactionState;

use super::super::Broker;
use super::error_of;

/// `Topic.GROUP_METADATA_TOPIC_NAME`.
pub const CONSUMER_OFFSETS_TOPIC: &str = "__consumer_offsets";

/// A transactional id with the producer id and epoch a request carries.
pub type TxnIdentity<'a> = (&'a str, ProducerId, i16);

impl Broker {
    /// Handles AddPartitionsToTxn. With an authorizer, `KafkaApis` first checks `WRITE` on
    /// the transactional id (else every partition gets `TRANSACTIONAL_ID_AUTHORIZATION_FAILED`)
    /// and on each topic.
    pub(super) fn handle_add_partitions_to_txn(
        &mut self,
        from: NodeId,
        reply: Reply,
        identity: TxnIdentity<'_>,
        partitions: Vec<TopicPartition>,
        ctx: &mut Ctx,
    ) {
        let api = "AddPartitionsToTxn";
        let refusal = if self.transactional_id_denied(from, api, identity.0, ctx) {
            Some(ErrorCode::TransactionalIdAuthorizationFailed)
        } else {
            None
        };
        let topics = partitions.iter().map(|partition| partition.topic.as_str());
        let denied = match refusal {
            None => self.topics_denied(from, api, AclOperation::Write, topics, ctx),
            Some(_) => Vec::new(),
        };
        let error_for = |partition: &TopicPartition| {
            if let Some(code) = refusal {
                Some(code)
            } else if denied.contains(&partition.topic) {
                Some(ErrorCode::TopicAuthorizationFailed)
            } else if self.metadata.partition(partition).is_none() {
                Some(ErrorCode::UnknownTopicOrPartition)
            } else {
                None
            }
        };
        let errors: Vec<Option<ErrorCode>> = partitions.iter().map(error_for).collect();
        if errors.iter().any(Option::is_some) {
            // A partition that failed its checks fails the whole request; the others are
            // `OPERATION_NOT_ATTEMPTED`.
            let results = partitions
                .iter()
                .zip(errors)
                .map(|(partition, code)| {
                    let code = code.unwrap_or(ErrorCode::OperationNotAttempted);
                    (partition.clone(), Err(error_of(code)))
                })
                .collect();
            let response = TxnBody::AddPartitionsToTxnResponse {
                request_id: reply.request_id,
                results,
            };
            return ctx.send(reply.node, Body::Txn(response));
        }
        self.add_partitions_to_transaction(reply, identity, partitions, false, ctx);
    }

    /// Handles AddOffsetsToTxn: the group's `__consumer_offsets` partition joins the
    /// transaction. With an authorizer it needs `WRITE` on the transactional id, then `READ`
    /// on the group.
    pub(super) fn handle_add_offsets_to_txn(
        &mut self,
        from: NodeId,
        reply: Reply,
        identity: TxnIdentity<'_>,
        group_id: &str,
        ctx: &mut Ctx,
    ) {
        let api = "AddOffsetsToTxn";
        let refusal = if self.transactional_id_denied(from, api, identity.0, ctx) {
            Some(ErrorCode::TransactionalIdAuthorizationFailed)
        } else if !self.authorized(
            from,
            api,
            AclOperation::Read,
            ResourceType::Group,
            group_id,
            ctx,
        ) {
            Some(ErrorCode::GroupAuthorizationFailed)
        } else {
            None
        };
        if let Some(code) = refusal {
            let response = TxnBody::AddOffsetsToTxnResponse {
                request_id: reply.request_id,
                error: Some(error_of(code)),
            };
            return ctx.send(reply.node, Body::Txn(response));
        }
        let partition =
            TopicPartition::new(CONSUMER_OFFSETS_TOPIC, self.group_partition_for(group_id));
        self.add_partitions_to_transaction(reply, identity, vec![partition], true, ctx);
    }

    /// `GroupCoordinator.partitionFor`: `Utils.abs(groupId.hashCode) % partitions`.
    fn group_partition_for(&self, group_id: &str) -> i32 {
        let count = self
            .metadata
            .partition_count(CONSUMER_OFFSETS_TOPIC)
            .unwrap_or(self.settings.offsets_topic_num_partitions)
            .max(1);
        let hash = java_string_hash(group_id);
        let positive = if hash == i32::MIN { 0 } else { hash.abs() };
        positive % count
    }

    /// `handleAddPartitionsToTransaction`.
    fn add_partitions_to_transaction(
        &mut self,
        reply: Reply,
        (transactional_id, producer_id, producer_epoch): TxnIdentity<'_>,
        partitions: Vec<TopicPartition>,
        offsets: bool,
        ctx: &mut Ctx,
    ) {
        if transactional_id.is_empty() {
            return self.answer_add_partitions(
                reply,
                &partitions,
                offsets,
                Some(ErrorCode::InvalidRequest),
                ctx,
            );
        }
        let partition = self.transaction_partition_for(transactional_id);
        let wanted: VecSet<TopicPartition> = crate::sort::to_set(partitions.iter().cloned());
        let now_ms = ctx.clock_ms;
        let prepared = match self
            .transactions
            .coordinator
            .get_mut(partition, transactional_id)
        {
            Err(code) => Err(Some(code)),
            Ok(None) => Err(Some(ErrorCode::InvalidProducerIdMapping)),
            Ok(Some((epoch, metadata))) => {
                if metadata.producer_id != producer_id {
                    Err(Some(ErrorCode::InvalidProducerIdMapping))
                } else if metadata.producer_epoch != producer_epoch {
                    Err(Some(ErrorCode::ProducerFenced))
                } else if metadata.pending_transition_in_progress()
                    || matches!(
                        metadata.state,
                        TransactionState::PrepareCommit | TransactionState::PrepareAbort
                    )
                {
                    Err(Some(ErrorCode::ConcurrentTransactions))
                } else if metadata.state == TransactionState::Ongoing
                    && wanted.is_subset(&metadata.partitions)
                {
                    Err(None)
                } else {
                    metadata
                        .prepare_add_partitions(&wanted, now_ms)
                        .map(|transit| (epoch, transit))
                        .map_err(|error| Some(error.code))
                }
            }
        };
        match prepared {
            Err(error) => self.answer_add_partitions(reply, &partitions, offsets, error, ctx),
            Ok((epoch, transit)) => {
                let purpose = AppendPurpose::AddPartitions {
                    reply,
                    partitions,
                    offsets,
                };
                self.append_transaction_to_log(transactional_id, epoch, transit, purpose, ctx);
            }
        }
    }

    /// Sends the AddPartitionsToTxn (every partition gets the same outcome) or AddOffsetsToTxn
    /// answer.
    pub(super) fn answer_add_partitions(
        &mut self,
        reply: Reply,
        partitions: &[TopicPartition],
        offsets: bool,
        error: Option<ErrorCode>,
        ctx: &mut Ctx,
    ) {
        let response = if offsets {
            TxnBody::AddOffsetsToTxnResponse {
                request_id: reply.request_id,
                error: error.map(error_of),
            }
        } else {
            let result = match error {
                None => Ok(()),
                Some(code) => Err(error_of(code)),
            };
            TxnBody::AddPartitionsToTxnResponse {
                request_id: reply.request_id,
                results: partitions
                    .iter()
                    .map(|partition| (partition.clone(), result.clone()))
                    .collect(),
            }
        };
        ctx.send(reply.node, Body::Txn(response));
    }
}
