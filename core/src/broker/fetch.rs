//! The leader's side of Fetch, for followers and consumers (`ReplicaManager.fetchMessages`,
//! `Partition.fetchRecords`, `DelayedFetch`), plus ListOffsets and Metadata.
//!
//! A follower's fetch tells the leader how far the follower has got (its fetch offset is its
//! log end offset), which moves the high watermark and may bring the follower back into the
//! ISR. Before reading, the leader checks the follower's last fetched epoch against its own
//! leader epoch history; if they diverge it answers with the diverging epoch and end offset
//! instead of records, and the follower truncates (KIP-101/KIP-279, carried in Fetch since
//! KIP-595). Followers read up to the leader's log end offset; consumers only up to the high
//! watermark (`read_uncommitted`) or the last stable offset (`read_committed`). A fetch with
//! nothing to return is held for up to its `max_wait_ms`.

use crate::acl::{AclOperation, ResourceType, CLUSTER_NAME};
use crate::cluster::config::TruncationMode;
use crate::cluster::context::Ctx;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::IsolationLevel;
use crate::network::NodeId;
use crate::protocol::fetch::EpochEndOffset;
use crate::protocol::metadata::{PartitionMetadata, TopicMetadata};
use crate::protocol::{
    Body, ControllerBody, EpochQuery, FetchPartition, FetchRequest, FetchResponse,
    FetchedPartition, ListOffsetsRequest, ListOffsetsResponse, MetadataRequest, MetadataResponse,
    OffsetSpec, OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse,
};
use crate::topic::validate_topic_name;

use super::purgatory::DelayedFetch;
use super::{Broker, BrokerTimer, OwnRequest};

impl Broker {
    pub(super) fn handle_fetch(&mut self, from: NodeId, request: FetchRequest, ctx: &mut Ctx) {
        if let Some(follower) = request.replica {
            for partition in &request.partitions {
                self.record_follower_position(follower, partition, ctx);
            }
        }
        let mut response = self.read_fetch(from, &request, ctx);
        if request.replica.is_none() {
            // `KafkaApis.handleFetchRequest`: a consumer needs `READ` on each topic.
            let topics = request
                .partitions
                .iter()
                .map(|p| p.partition.topic.as_str());
            let denied = self.topics_denied(from, "Fetch", AclOperation::Read, topics, ctx);
            for fetched in &mut response.partitions {
                if denied.contains(&fetched.partition.topic) {
                    *fetched = FetchedPartition::failed(
                        fetched.partition.clone(),
                        super::authorization::topic_denied(),
                    );
                }
            }
        }
        let has_data = response.partitions.iter().any(|partition| {
            !partition.batches.is_empty()
                || partition.error.is_some()
                || partition.diverging_epoch.is_some()
        });
        if has_data || request.max_wait_ms <= 0 {
            self.send_fetch_response(from, &request, response, ctx);
            return;
        }
        let wait_ms = request.max_wait_ms;
        let id = self.purgatory.add_fetch(DelayedFetch {
            from,
            request,
            deadline_ms: ctx.now_ms + wait_ms,
        });
        Self::after(ctx, wait_ms, BrokerTimer::DelayedFetchExpired { id });
    }

    /// Updates the leader's view of `follower` from its fetch, then the ISR and high watermark.
    fn record_follower_position(
        &mut self,
        follower: BrokerId,
        fetch: &FetchPartition,
        ctx: &mut Ctx,
    ) {
        let Some(replica) = self.replicas.get_mut(&fetch.partition) else {
            return;
        };
        let valid = replica.is_leader()
            && fetch.current_leader_epoch == replica.state.leader_epoch
            && fetch.fetch_offset <= replica.log.log_end_offset()
            && diverging_epoch(replica, fetch, ctx.config.truncation).is_none();
        if !valid {
            return;
        }
        replica.record_follower_fetch(follower, fetch, ctx.now_ms);
        self.maybe_expand_isr(&fetch.partition, ctx);
        self.after_leader_progress(&fetch.partition, ctx);
    }

    /// Reads what a fetch asks for, without holding it.
    pub(super) fn read_fetch(
        &self,
        from: NodeId,
        request: &FetchRequest,
        ctx: &Ctx,
    ) -> FetchResponse {
        let truncation = ctx.config.truncation;
        let mut remaining_bytes = request
            .max_bytes
            .min(self.fetch_quota_window_bytes(from, request, ctx));
        let partitions = request
            .partitions
            .iter()
            .map(|fetch| {
                let mut fetched = self.read_partition(request, fetch, remaining_bytes, truncation);
                // KIP-951: an answer that this broker does not lead the partition, or no longer
                // under the asker's epoch, names the leader it knows.
                if fetched.error.as_ref().is_some_and(|error| {
                    matches!(
                        error.code,
                        ErrorCode::NotLeaderOrFollower | ErrorCode::FencedLeaderEpoch
                    )
                }) {
                    fetched.current_leader = self.current_leader(&fetch.partition);
                }
                let bytes: i64 = fetched
                    .batches
                    .iter()
                    .map(|batch| i64::from(batch.size_in_bytes))
                    .sum();
                remaining_bytes =
                    remaining_bytes.saturating_sub(i32::try_from(bytes).unwrap_or(i32::MAX));
                fetched
            })
            .collect();
        FetchResponse {
            request_id: request.request_id,
            partitions,
            throttle_time_ms: 0,
        }
    }

    fn read_partition(
        &self,
        request: &FetchRequest,
        fetch: &FetchPartition,
        max_bytes: i32,
        truncation: TruncationMode,
    ) -> FetchedPartition {
        let mut fetched = FetchedPartition::empty(fetch.partition.clone());
        let Some(replica) = self.replicas.get(&fetch.partition) else {
            let code = if self.metadata.partition(&fetch.partition).is_some() {
                ErrorCode::NotLeaderOrFollower
            } else {
                ErrorCode::UnknownTopicOrPartition
            };
            fetched.error = Some(KafkaError::with_default_message(code));
            return fetched;
        };
        if let Err(error) = check_leader(replica, fetch.current_leader_epoch) {
            fetched.error = Some(error);
            return fetched;
        }
        fetched.high_watermark = replica.high_watermark;
        fetched.last_stable_offset = replica.last_stable_offset();
        fetched.log_start_offset = replica.log.log_start_offset();
        fetched.log_end_offset = replica.log.log_end_offset();
        if request.replica.is_some() {
            if let Some(diverging) = diverging_epoch(replica, fetch, truncation) {
                fetched.diverging_epoch = Some(diverging);
                return fetched;
            }
        }
        let upper_bound = match (request.replica, request.isolation) {
            (Some(_), _) => replica.log.log_end_offset(),
            (None, IsolationLevel::ReadUncommitted) => replica.high_watermark,
            (None, IsolationLevel::ReadCommitted) => replica.last_stable_offset(),
        };
        let max_bytes = max_bytes.min(fetch.partition_max_bytes).max(0);
        match replica.log.read(fetch.fetch_offset, max_bytes, upper_bound) {
            Ok(batches) => {
                if request.replica.is_none() && request.isolation == IsolationLevel::ReadCommitted {
                    if let Some(last) = batches.last() {
                        fetched.aborted_transactions = replica
                            .log
                            .aborted_transactions(fetch.fetch_offset, last.next_offset());
                    }
                }
                fetched.batches = batches;
            }
            Err(error) => fetched.error = Some(error),
        }
        fetched
    }

    /// Whether a held fetch could now return something.
    pub(super) fn delayed_fetch_has_data(&self, id: u64) -> bool {
        let Some(held) = self.purgatory.fetches.get(&id) else {
            return false;
        };
        held.request.partitions.iter().any(|fetch| {
            let Some(replica) = self.replicas.get(&fetch.partition) else {
                return true;
            };
            if !replica.is_leader()
                || fetch.current_leader_epoch != replica.state.leader_epoch
                    && fetch.current_leader_epoch >= 0
            {
                return true;
            }
            let available = match (held.request.replica, held.request.isolation) {
                (Some(_), _) => replica.log.log_end_offset(),
                (None, IsolationLevel::ReadUncommitted) => replica.high_watermark,
                (None, IsolationLevel::ReadCommitted) => replica.last_stable_offset(),
            };
            available > fetch.fetch_offset
        })
    }

    /// Answers a held fetch with whatever is there now.
    pub(super) fn complete_delayed_fetch(&mut self, id: u64, ctx: &mut Ctx) {
        let Some(held) = self.purgatory.take_fetch(id) else {
            return;
        };
        let response = self.read_fetch(held.from, &held.request, ctx);
        self.send_fetch_response(held.from, &held.request, response, ctx);
    }

    pub(super) fn handle_list_offsets(
        &mut self,
        from: NodeId,
        request: ListOffsetsRequest,
        ctx: &mut Ctx,
    ) {
        let topics = request
            .partitions
            .iter()
            .map(|p| p.partition.topic.as_str());
        let denied = self.topics_denied(from, "ListOffsets", AclOperation::Describe, topics, ctx);
        let partitions = request
            .partitions
            .into_iter()
            .map(|asked| {
                if denied.contains(&asked.partition.topic) {
                    return (asked.partition, Err(super::authorization::topic_denied()));
                }
                let result = self.list_offset(
                    &asked.partition,
                    asked.spec,
                    asked.current_leader_epoch,
                    request.isolation,
                );
                (asked.partition, result)
            })
            .collect();
        let response = ListOffsetsResponse {
            request_id: request.request_id,
            partitions,
        };
        ctx.send(from, Body::ListOffsetsResponse(response));
    }

    /// `Partition.fetchOffsetForTimestamp` on the leader: the offset `spec` asks for, with
    /// its record's timestamp (-1 when none); a search that finds nothing below the last
    /// offset `isolation` may read gives `UNKNOWN_OFFSET`. The asker's leader epoch is checked
    /// first, as for a fetch (`localLogWithEpochOrThrow`).
    pub(crate) fn list_offset(
        &self,
        partition: &TopicPartition,
        spec: OffsetSpec,
        current_leader_epoch: i32,
        isolation: IsolationLevel,
    ) -> Result<(Offset, i64), KafkaError> {
        let replica = self
            .replicas
            .get(partition)
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::NotLeaderOrFollower))?;
        check_leader(replica, current_leader_epoch)?;
        let latest = match isolation {
            IsolationLevel::ReadUncommitted => replica.high_watermark,
            IsolationLevel::ReadCommitted => replica.last_stable_offset(),
        };
        match spec {
            OffsetSpec::Earliest => Ok((replica.log.log_start_offset(), -1)),
            OffsetSpec::Latest => Ok((latest, -1)),
            // No such record: `UNKNOWN_OFFSET` and `UNKNOWN_TIMESTAMP`.
            OffsetSpec::Timestamp(timestamp_ms) => {
                Ok(offset_for_timestamp(&replica.log, timestamp_ms, latest)
                    .unwrap_or((Offset::UNKNOWN, -1)))
            }
            OffsetSpec::MaxTimestamp => Ok(offset_of_max_timestamp(&replica.log)
                .filter(|(offset, _)| *offset < latest)
                .unwrap_or((Offset::UNKNOWN, -1))),
        }
    }

    /// `Partition.lastOffsetForLeaderEpoch` for a consumer: only the leader answers, after
    /// checking the asker's current leader epoch as a fetch does.
    pub(super) fn handle_offsets_for_leader_epoch(
        &mut self,
        from: NodeId,
        request: OffsetsForLeaderEpochRequest,
        ctx: &mut Ctx,
    ) {
        let topics = request
            .partitions
            .iter()
            .map(|q| q.partition.topic.as_str());
        let api = "OffsetForLeaderEpoch";
        let denied = self.topics_denied(from, api, AclOperation::Describe, topics, ctx);
        let partitions = request
            .partitions
            .iter()
            .map(|query| {
                let answer = if denied.contains(&query.partition.topic) {
                    Err(super::authorization::topic_denied())
                } else {
                    self.epoch_end_offset(query)
                };
                (query.partition.clone(), answer)
            })
            .collect();
        let response = OffsetsForLeaderEpochResponse {
            request_id: request.request_id,
            partitions,
        };
        ctx.send(from, Body::OffsetsForLeaderEpochResponse(response));
    }

    fn epoch_end_offset(&self, query: &EpochQuery) -> EpochEndOffset {
        let replica = self
            .replicas
            .get(&query.partition)
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::NotLeaderOrFollower))?;
        check_leader(replica, query.current_leader_epoch)?;
        Ok(replica.log.end_offset_for_epoch(query.leader_epoch))
    }

    pub(super) fn handle_metadata_request(
        &mut self,
        from: NodeId,
        request: MetadataRequest,
        ctx: &mut Ctx,
    ) {
        let names: Vec<String> = match &request.topics {
            Some(topics) => topics.clone(),
            // All topics: those the client may not describe are left out, unlogged.
            None => self
                .metadata
                .topics
                .keys()
                .filter(|name| {
                    self.may(from, AclOperation::Describe, ResourceType::Topic, name, ctx)
                })
                .cloned()
                .collect(),
        };
        let mut to_create = Vec::new();
        let topics = names
            .into_iter()
            .map(|name| {
                if request.topics.is_some()
                    && !self.authorized(
                        from,
                        "Metadata",
                        AclOperation::Describe,
                        ResourceType::Topic,
                        &name,
                        ctx,
                    )
                {
                    return TopicMetadata::failed(name, super::authorization::topic_denied());
                }
                let metadata = self.topic_metadata(&name);
                let auto_create = metadata
                    .error
                    .as_ref()
                    .is_some_and(|error| error.code == ErrorCode::UnknownTopicOrPartition)
                    && request.allow_auto_topic_creation
                    && self.settings.auto_create_topics_enable
                    && validate_topic_name(&name).is_ok();
                if auto_create && !self.may_create_topic(from, &name, ctx) {
                    return TopicMetadata::failed(name, super::authorization::topic_denied());
                }
                if auto_create {
                    to_create.push(name.clone());
                    return TopicMetadata {
                        name,
                        topic_id: 0,
                        error: Some(KafkaError::with_default_message(
                            ErrorCode::LeaderNotAvailable,
                        )),
                        partitions: Vec::new(),
                    };
                }
                metadata
            })
            .collect();
        self.request_auto_creation(to_create, ctx);
        let response = MetadataResponse {
            request_id: request.request_id,
            brokers: self.metadata.live_brokers(),
            controller: self.metadata.controller.or(self.controller),
            topics,
        };
        ctx.send(from, Body::MetadataResponse(response));
    }

    /// `KafkaApis.handleTopicMetadataRequest`: auto-creating a topic needs `CREATE` on the
    /// cluster (checked without logging) or on the topic.
    fn may_create_topic(&self, from: NodeId, name: &str, ctx: &mut Ctx) -> bool {
        self.may(
            from,
            AclOperation::Create,
            ResourceType::Cluster,
            CLUSTER_NAME,
            ctx,
        ) || self.authorized(
            from,
            "Metadata",
            AclOperation::Create,
            ResourceType::Topic,
            name,
            ctx,
        )
    }

    /// One topic as this broker's metadata knows it.
    pub fn topic_metadata(&self, name: &str) -> TopicMetadata {
        if let Err(error) = validate_topic_name(name) {
            return TopicMetadata {
                name: name.to_string(),
                topic_id: 0,
                error: Some(error),
                partitions: Vec::new(),
            };
        }
        let Some(info) = self.metadata.topics.get(name) else {
            return TopicMetadata {
                name: name.to_string(),
                topic_id: 0,
                error: Some(KafkaError::with_default_message(
                    ErrorCode::UnknownTopicOrPartition,
                )),
                partitions: Vec::new(),
            };
        };
        let partitions = info
            .partitions
            .iter()
            .zip(0..)
            .map(|(state, partition)| PartitionMetadata {
                partition,
                leader: state.leader,
                leader_epoch: state.leader_epoch,
                replicas: state.replicas.clone(),
                isr: state.isr.clone(),
            })
            .collect();
        TopicMetadata {
            name: name.to_string(),
            topic_id: info.topic_id,
            error: None,
            partitions,
        }
    }

    /// Asks the controller to create topics a client needs (`auto.create.topics.enable`).
    pub(crate) fn request_auto_creation(&mut self, topics: Vec<String>, ctx: &mut Ctx) {
        let topics: Vec<String> = topics
            .into_iter()
            .filter(|topic| !self.auto_create_pending.contains(topic))
            .collect();
        if topics.is_empty() {
            return;
        }
        let request_id = ctx.request_id();
        let what = OwnRequest::CreateTopics {
            topics: topics.clone(),
        };
        let body = ControllerBody::CreateTopics {
            request_id,
            topics: topics.clone(),
        };
        if self.send_to_controller(request_id, what, body, ctx) {
            self.auto_create_pending.extend(topics);
        }
    }
}

/// `UnifiedLog.fetchOffsetByTimestamp`: the first record at or after `timestamp_ms` below
/// `upper_bound`, with its timestamp; `None` when there is none. A transaction marker counts
/// like any record (`FileRecords.searchForTimestamp`): a consumer sent there skips it.
pub(crate) fn offset_for_timestamp(
    log: &crate::log::PartitionLog,
    timestamp_ms: i64,
    upper_bound: Offset,
) -> Option<(Offset, i64)> {
    for batch in log.batches() {
        if batch.base_offset >= upper_bound {
            break;
        }
        if batch.max_timestamp < timestamp_ms {
            continue;
        }
        for (offset, record) in batch.records() {
            if offset >= upper_bound {
                break;
            }
            if record.timestamp >= timestamp_ms {
                return Some((offset, record.timestamp));
            }
        }
    }
    None
}

/// `UnifiedLog.fetchOffsetByTimestamp(MAX_TIMESTAMP)`: the first batch with the log's largest
/// timestamp (transaction markers count, as in a segment's `maxTimestampSoFar`), and in it the
/// first record with that timestamp (`offsetOfMaxTimestamp`); `None` for an empty log.
fn offset_of_max_timestamp(log: &crate::log::PartitionLog) -> Option<(Offset, i64)> {
    let largest = log.batches().map(|batch| batch.max_timestamp).max()?;
    let batch = log.batches().find(|batch| batch.max_timestamp == largest)?;
    batch
        .records()
        .find(|(_, record)| record.timestamp == largest)
        .map(|(offset, _)| (offset, largest))
}

/// The leader's answer to a follower whose log diverged: the largest epoch both have and
/// where it ends on the leader (`LeaderEpochFileCache.endOffsetFor`), when the follower holds
/// records beyond it. `None` in the legacy truncation mode, which has no epochs.
fn diverging_epoch(
    replica: &super::replica::Replica,
    fetch: &FetchPartition,
    truncation: TruncationMode,
) -> Option<(i32, Offset)> {
    if truncation == TruncationMode::HighWatermark {
        return None;
    }
    let last_fetched_epoch = fetch.last_fetched_epoch?;
    let (epoch, end_offset) = replica.log.end_offset_for_epoch(last_fetched_epoch)?;
    (epoch < last_fetched_epoch || end_offset < fetch.fetch_offset).then_some((epoch, end_offset))
}

/// `Partition.getLocalLog` for a request only the leader answers (Fetch, ListOffsets,
/// OffsetsForLeaderEpoch): first the asker's current
/// leader epoch (-1 when it sent none) against this replica's, `FENCED_LEADER_EPOCH` if the
/// asker's is older and `UNKNOWN_LEADER_EPOCH` if it is newer than this broker has heard of;
/// then, under the same epoch, whether this replica leads.
fn check_leader(
    replica: &super::replica::Replica,
    current_leader_epoch: i32,
) -> Result<(), KafkaError> {
    let epoch = replica.state.leader_epoch;
    let code = if current_leader_epoch >= 0 && current_leader_epoch < epoch {
        ErrorCode::FencedLeaderEpoch
    } else if current_leader_epoch > epoch {
        ErrorCode::UnknownLeaderEpoch
    } else if !replica.is_leader() {
        ErrorCode::NotLeaderOrFollower
    } else {
        return Ok(());
    };
    Err(KafkaError::with_default_message(code))
}
