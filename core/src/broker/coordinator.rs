//! The broker's side of the group coordinator (Kafka's `KafkaApis` group handlers,
//! `CoordinatorPartitionWriter` and `CoordinatorLoaderImpl`): FindCoordinator, handing group
//! requests and timers to [`GroupCoordinator`], appending the coordinator's records to
//! `__consumer_offsets` as the partition's leader, and loading or unloading the groups of an
//! offsets partition when this broker starts or stops leading it.
//!
//! Any running broker answers FindCoordinator from its metadata cache: the coordinator of a
//! group is the leader of partition `Utils.abs(groupId.hashCode()) % partitions` of
//! `__consumer_offsets` (of `__transaction_state` for a transactional id). If the internal
//! topic does not exist yet, the broker asks the controller to create it (compacted,
//! `offsets.topic.num.partitions` partitions, `offsets.topic.replication.factor` replicas capped
//! by the live brokers) and answers `COORDINATOR_NOT_AVAILABLE` meanwhile.

use std::sync::Arc;

use crate::acl::{AclOperation, ResourceType};
use crate::cluster::context::Ctx;
use crate::cluster::settings::BrokerSettings;
use crate::error::{ErrorCode, KafkaError};
use crate::group::coordinator::records::record_set;
use crate::group::coordinator::runtime::Append;
use crate::group::coordinator::{
    partition_for, CoordinatorEnv, CoordinatorTimer, GroupCoordinator, OFFSETS_TOPIC,
};
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::kinds::{Acks, CompressionType};
use crate::log::ProducedBatch;
use crate::network::NodeId;
use crate::protocol::group::{CommitResults, CoordinatorType};
use crate::protocol::{Body, ControllerBody, GroupBody};

use super::metadata_cache::MetadataCache;
use super::purgatory::{ProduceOrigin, ProducePartitionStatus};
use super::{Broker, OwnRequest};

/// The internal topic holding transactions' state.
pub const TRANSACTION_STATE_TOPIC: &str = "__transaction_state";

/// `offsets.topic.segment.bytes` and `transaction.state.log.segment.bytes` (100 MiB).
const INTERNAL_TOPIC_SEGMENT_BYTES: &str = "104857600";

/// What the coordinator needs of its broker. Groups map to the partitions of
/// `__consumer_offsets` as it exists (`offsets.topic.num.partitions` must not change after
/// deployment), or as configured until it exists.
fn env<'a>(
    id: BrokerId,
    settings: &'a BrokerSettings,
    metadata: &MetadataCache,
) -> CoordinatorEnv<'a> {
    let partition_count = metadata
        .partition_count(OFFSETS_TOPIC)
        .unwrap_or(settings.offsets_topic_num_partitions)
        .max(1);
    CoordinatorEnv {
        settings,
        broker: id,
        partition_count,
    }
}

impl Broker {
    /// Handles a consumer group request.
    pub(super) fn handle_group_request(&mut self, from: NodeId, body: GroupBody, ctx: &mut Ctx) {
        match body {
            GroupBody::FindCoordinator {
                request_id,
                key,
                key_type,
            } => self.find_coordinator(from, request_id, &key, key_type, ctx),
            request if request.is_request() => {
                use crate::group::coordinator::service::{reply_commit, reply_error};
                if let Some(code) = self.group_request_denied(from, &request, ctx) {
                    reply_error(from, &request, code, Vec::new(), ctx);
                    return;
                }
                let mut request = request;
                let refused = self.take_refused_offsets(from, &mut request, ctx);
                if !refused.is_empty() && !has_offsets(&request) {
                    // Nothing left for the coordinator: the broker answers.
                    return reply_commit(from, &request, refused, ctx);
                }
                let env = env(self.id, &self.settings, &self.metadata);
                self.group_coordinator
                    .handle_request(from, request, refused, env, ctx);
                self.flush_coordinator_appends(ctx);
            }
            _ => {}
        }
    }

    /// `KafkaApis`' checks of group requests: `READ` on the group for JoinGroup, SyncGroup,
    /// Heartbeat, LeaveGroup, OffsetCommit and TxnOffsetCommit (after `WRITE` on its
    /// transactional id), `DESCRIBE` for OffsetFetch.
    /// (Each topic's check follows, in `take_refused_offsets`.)
    fn group_request_denied(
        &self,
        from: NodeId,
        request: &GroupBody,
        ctx: &mut Ctx,
    ) -> Option<ErrorCode> {
        if !self.has_authorizer() {
            return None;
        }
        let api = request.api_name();
        if let GroupBody::TxnOffsetCommit {
            transactional_id, ..
        } = request
        {
            if self.transactional_id_denied(from, api, transactional_id, ctx) {
                return Some(ErrorCode::TransactionalIdAuthorizationFailed);
            }
        }
        let (group, operation) = match request {
            GroupBody::OffsetFetch { group_id, .. } => (group_id, AclOperation::Describe),
            GroupBody::JoinGroup { group_id, .. }
            | GroupBody::SyncGroup { group_id, .. }
            | GroupBody::Heartbeat { group_id, .. }
            | GroupBody::LeaveGroup { group_id, .. }
            | GroupBody::OffsetCommit { group_id, .. }
            | GroupBody::TxnOffsetCommit { group_id, .. } => (group_id, AclOperation::Read),
            _ => return None,
        };
        let denied = !self.authorized(from, api, operation, ResourceType::Group, group, ctx);
        denied.then_some(ErrorCode::GroupAuthorizationFailed)
    }

    /// The partitions of an OffsetCommit, TxnOffsetCommit or OffsetFetch the broker answers
    /// itself, taken out of the request: those of a topic the member may not `READ` (a commit)
    /// or `DESCRIBE` (a fetch), `TOPIC_AUTHORIZATION_FAILED`; and a commit's partitions the
    /// broker does not know, of a deleted topic for instance (`UNKNOWN_TOPIC_OR_PARTITION`).
    /// The coordinator answers the rest (`KafkaApis.handleOffsetCommitRequest`,
    /// `handleTxnOffsetCommitRequest`, `fetchOffsetsForGroup`).
    fn take_refused_offsets(
        &self,
        from: NodeId,
        request: &mut GroupBody,
        ctx: &mut Ctx,
    ) -> CommitResults {
        let api = request.api_name();
        let mut refused = Vec::new();
        let mut refuse = |partition: &TopicPartition, code| {
            let error = KafkaError::with_default_message(code);
            refused.push((partition.clone(), Err(error)));
        };
        match request {
            GroupBody::OffsetCommit { offsets, .. }
            | GroupBody::TxnOffsetCommit { offsets, .. } => {
                let topics = offsets.iter().map(|offset| offset.partition.topic.as_str());
                let denied = self.topics_denied(from, api, AclOperation::Read, topics, ctx);
                offsets.retain(|offset| {
                    let partition = &offset.partition;
                    let code = if denied.contains(&partition.topic) {
                        ErrorCode::TopicAuthorizationFailed
                    } else if self.metadata.partition(partition).is_none() {
                        ErrorCode::UnknownTopicOrPartition
                    } else {
                        return true;
                    };
                    refuse(partition, code);
                    false
                });
            }
            // A consumer names its partitions. (Kafka filters the answer to a fetch of all
            // the group's offsets instead; only the tools ask that, and they act as a super
            // user here.)
            GroupBody::OffsetFetch { partitions, .. } => {
                let topics = partitions.iter().map(|partition| partition.topic.as_str());
                let denied = self.topics_denied(from, api, AclOperation::Describe, topics, ctx);
                partitions.retain(|partition| {
                    let allowed = !denied.contains(&partition.topic);
                    if !allowed {
                        refuse(partition, ErrorCode::TopicAuthorizationFailed);
                    }
                    allowed
                });
            }
            _ => {}
        }
        refused
    }

    /// Handles a coordinator timer.
    pub(super) fn handle_coordinator_timer(&mut self, timer: CoordinatorTimer, ctx: &mut Ctx) {
        let Broker {
            id,
            settings,
            metadata,
            replicas,
            group_coordinator,
            ..
        } = self;
        let env = env(*id, settings, metadata);
        match timer {
            CoordinatorTimer::Load { partition, epoch } => {
                let tp = TopicPartition::new(OFFSETS_TOPIC, partition);
                let leading = replicas
                    .get(&tp)
                    .filter(|replica| replica.is_leader() && replica.state.leader_epoch == epoch);
                if let Some(replica) = leading {
                    group_coordinator.finish_loading(partition, epoch, &replica.log, env, ctx);
                }
            }
            other => group_coordinator.handle_timer(other, env, ctx),
        }
        self.flush_coordinator_appends(ctx);
    }

    /// `FindCoordinator`: the leader of the key's internal topic partition.
    fn find_coordinator(
        &mut self,
        from: NodeId,
        request_id: u64,
        key: &str,
        key_type: CoordinatorType,
        ctx: &mut Ctx,
    ) {
        let topic = match key_type {
            CoordinatorType::Group => OFFSETS_TOPIC,
            CoordinatorType::Transaction => TRANSACTION_STATE_TOPIC,
        };
        let not_available = || KafkaError::with_default_message(ErrorCode::CoordinatorNotAvailable);
        // `KafkaApis.handleFindCoordinatorRequest`: `DESCRIBE` on the group.
        let api = "FindCoordinator";
        if key_type == CoordinatorType::Group
            && !self.authorized(
                from,
                api,
                AclOperation::Describe,
                ResourceType::Group,
                key,
                ctx,
            )
        {
            let result = Err(super::authorization::group_denied());
            let response = GroupBody::FindCoordinatorResponse { request_id, result };
            ctx.send(from, Body::Group(response));
            return;
        }
        let result = match self.metadata.partition_count(topic) {
            None => {
                self.request_internal_topic(key_type, ctx);
                Err(not_available())
            }
            Some(count) => {
                let partition = TopicPartition::new(topic, partition_for(key, count));
                self.metadata
                    .partition(&partition)
                    .and_then(|state| state.leader)
                    .ok_or_else(not_available)
            }
        };
        let response = GroupBody::FindCoordinatorResponse { request_id, result };
        ctx.send(from, Body::Group(response));
    }

    /// Asks the controller to create `__consumer_offsets` (or `__transaction_state`) with its
    /// internal configs (`GroupCoordinator.offsetsTopicConfigs`,
    /// `TransactionStateManager.transactionTopicConfigs`).
    fn request_internal_topic(&mut self, key_type: CoordinatorType, ctx: &mut Ctx) {
        let settings = &self.settings;
        let (topic, partitions, replication_factor, mut configs) = match key_type {
            CoordinatorType::Group => (
                OFFSETS_TOPIC,
                settings.offsets_topic_num_partitions,
                settings.offsets_topic_replication_factor,
                vec![("compression.type".to_string(), "producer".to_string())],
            ),
            CoordinatorType::Transaction => (
                TRANSACTION_STATE_TOPIC,
                settings.transaction_state_log_num_partitions,
                settings.transaction_state_log_replication_factor,
                vec![
                    (
                        "min.insync.replicas".to_string(),
                        settings.transaction_state_log_min_isr.to_string(),
                    ),
                    (
                        "unclean.leader.election.enable".to_string(),
                        "false".to_string(),
                    ),
                ],
            ),
        };
        if self
            .auto_create_pending
            .iter()
            .any(|pending| pending == topic)
        {
            return;
        }
        configs.push(("cleanup.policy".to_string(), "compact".to_string()));
        configs.push((
            "segment.bytes".to_string(),
            INTERNAL_TOPIC_SEGMENT_BYTES.to_string(),
        ));
        crate::sort::sort(&mut configs);
        let request_id = ctx.request_id();
        let what = OwnRequest::CreateTopics {
            topics: vec![topic.to_string()],
        };
        let body = ControllerBody::CreateInternalTopic {
            request_id,
            topic: topic.to_string(),
            partitions,
            replication_factor,
            configs,
        };
        if self.send_to_controller(request_id, what, body, ctx) {
            self.auto_create_pending.push(topic.to_string());
        }
    }

    /// Appends what the coordinator queued, as the offsets partitions' leader.
    pub(crate) fn flush_coordinator_appends(&mut self, ctx: &mut Ctx) {
        loop {
            let appends = self.group_coordinator.runtime.take_appends();
            if appends.is_empty() {
                return;
            }
            for append in appends {
                self.write_coordinator_records(append, ctx);
            }
        }
    }

    /// Appends one write as leader and holds it until the ISR has it.
    fn write_coordinator_records(&mut self, append: Append, ctx: &mut Ctx) {
        let batch = self.coordinator_batch(&append, ctx.clock_ms);
        let write_id = append.write_id;
        match self.append_to_leader(&append.partition, &batch, Acks::One, None, ctx) {
            Ok((base_offset, last_offset)) => {
                self.group_coordinator
                    .runtime
                    .appended(write_id, base_offset);
                let status = ProducePartitionStatus {
                    partition: append.partition,
                    result: Ok(base_offset),
                    required_offset: last_offset.next(),
                    done: false,
                };
                let origin = ProduceOrigin::Coordinator { write_id };
                self.hold_until_replicated(origin, vec![status], append.timeout_ms, ctx);
            }
            Err(error) => self.group_write_completed(write_id, Err(error), ctx),
        }
    }

    /// The batch of one write: readable keys and values, stamped with the broker's clock; a
    /// TxnOffsetCommit's batch is transactional with the producer's id, epoch and next sequence.
    fn coordinator_batch(&self, append: &Append, clock_ms: i64) -> ProducedBatch {
        let records = Arc::new(record_set(&append.records, clock_ms));
        match append.producer {
            None => ProducedBatch::plain(CompressionType::None, records),
            Some((producer_id, producer_epoch)) => ProducedBatch {
                producer_id,
                producer_epoch,
                base_sequence: self.next_sequence(&append.partition, producer_id, producer_epoch),
                is_transactional: true,
                compression: CompressionType::None,
                records,
            },
        }
    }

    /// The sequence the producer's next batch to `partition` must have.
    fn next_sequence(
        &self,
        partition: &TopicPartition,
        producer_id: ProducerId,
        epoch: i16,
    ) -> i32 {
        let Some(entry) = self
            .replicas
            .get(partition)
            .and_then(|replica| replica.log.producer_states().get(&producer_id))
        else {
            return 0;
        };
        match entry.last_seq() {
            last if entry.producer_epoch == epoch && last >= 0 => {
                if last == i32::MAX {
                    0
                } else {
                    last + 1
                }
            }
            _ => 0,
        }
    }

    /// A coordinator write finished (replicated, failed, timed out).
    pub(crate) fn group_write_completed(
        &mut self,
        write_id: u64,
        result: Result<(), KafkaError>,
        ctx: &mut Ctx,
    ) {
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator
            .write_completed(write_id, result, env, ctx);
        self.flush_coordinator_appends(ctx);
    }

    /// This broker became leader of `partition` in `epoch`: if it is an offsets partition,
    /// its groups start loading from the log.
    pub(super) fn maybe_load_groups(
        &mut self,
        partition: &TopicPartition,
        epoch: i32,
        ctx: &mut Ctx,
    ) {
        if partition.topic != OFFSETS_TOPIC {
            return;
        }
        let records = self.replicas.get(partition).map_or(0, |replica| {
            replica.log.log_end_offset().0 - replica.log.log_start_offset().0
        });
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator
            .begin_loading(partition.clone(), epoch, records, env, ctx);
    }

    /// This broker no longer leads `partition`: if it is an offsets partition, its groups go.
    pub(super) fn maybe_unload_groups(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        if partition.topic != OFFSETS_TOPIC || !self.group_coordinator.owns(partition.partition) {
            return;
        }
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator.unload(partition.partition, env, ctx);
    }

    /// For the transaction coordinator's WriteTxnMarkers: call this once a COMMIT (`commit`)
    /// or ABORT marker of `producer_id` has been written to `partition`, a partition of
    /// `__consumer_offsets` this broker leads (Kafka's `GroupCoordinator.onTransactionCompleted`,
    /// `scheduleHandleTxnCompletion` in older versions). The offsets the producer committed with
    /// TxnOffsetCommit in that transaction become the group's committed offsets, or are
    /// dropped. Any other partition is ignored.
    pub fn complete_transactional_offsets(
        &mut self,
        partition: &TopicPartition,
        producer_id: ProducerId,
        commit: bool,
        ctx: &mut Ctx,
    ) {
        if partition.topic != OFFSETS_TOPIC {
            return;
        }
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator.complete_transaction(
            partition.partition,
            producer_id,
            commit,
            env,
            ctx,
        );
    }

    /// A topic was deleted: the coordinator deletes the groups' offsets of it.
    pub(super) fn groups_topic_deleted(&mut self, topic: &str, ctx: &mut Ctx) {
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator.on_topic_deleted(topic, env, ctx);
        self.flush_coordinator_appends(ctx);
    }

    /// The broker stops: requests its coordinator held are reset, its groups are gone.
    pub(super) fn stop_group_coordinator(&mut self, ctx: &mut Ctx) {
        self.group_coordinator.disconnect_all(ctx);
        self.group_coordinator = GroupCoordinator::default();
    }
}

impl Broker {
    /// The offsets partition index of `group` as this broker maps it.
    pub fn offsets_partition_of(&self, group: &str) -> i32 {
        partition_for(
            group,
            env(self.id, &self.settings, &self.metadata).partition_count,
        )
    }

    /// AlterConsumerGroupOffsets from the admin client (`--reset-offsets --execute`).
    pub(crate) fn admin_commit_offsets(
        &mut self,
        group: &str,
        offsets: &[(TopicPartition, crate::ids::Offset)],
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let index = self.offsets_partition_of(group);
        let partition = TopicPartition::new(OFFSETS_TOPIC, index);
        let log_end_offset = self
            .replicas
            .get(&partition)
            .map_or(crate::ids::Offset(0), |replica| {
                replica.log.log_end_offset()
            });
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator.admin_commit_offsets(
            index,
            group,
            offsets,
            log_end_offset,
            env,
            ctx,
        )?;
        self.flush_coordinator_appends(ctx);
        Ok(())
    }

    /// DeleteGroups from the admin client (`--delete`).
    pub(crate) fn admin_delete_group(
        &mut self,
        group: &str,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let index = self.offsets_partition_of(group);
        let env = env(self.id, &self.settings, &self.metadata);
        self.group_coordinator
            .admin_delete_group(index, group, env, ctx)?;
        self.flush_coordinator_appends(ctx);
        Ok(())
    }
}

/// Whether an offset commit still has offsets to commit, or an offset fetch partitions to
/// look up (checked only once some were taken out: an OffsetFetch naming none asks for all).
fn has_offsets(request: &GroupBody) -> bool {
    match request {
        GroupBody::OffsetCommit { offsets, .. } | GroupBody::TxnOffsetCommit { offsets, .. } => {
            !offsets.is_empty()
        }
        GroupBody::OffsetFetch { partitions, .. } => !partitions.is_empty(),
        _ => true,
    }
}
