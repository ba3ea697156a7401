//! OffsetCommit, TxnOffsetCommit and OffsetFetch (`OffsetMetadataManager.commitOffset`,
//! `commitTransactionalOffset`, `fetchOffsets`).
//!
//! A commit is checked against the group (`ClassicGroup.validateOffsetCommit`): a member
//! commits in its generation; generation -1 with no member id is for groups without members
//! (a consumer using `assign()`, the admin client), and creates such a "simple" group when the
//! group does not exist yet. Accepted offsets are written to `__consumer_offsets`; the answer
//! (and the offsets becoming visible to OffsetFetch) waits until the write is replicated.
//! Transactional offsets stay pending until the transaction's COMMIT marker; an OffsetFetch
//! with `require_stable` (KIP-447) is answered `UNSTABLE_OFFSET_COMMIT` meanwhile.

use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, ProducerId, TopicPartition};
use crate::protocol::group::{CommitResults, FetchedOffset, FetchedOffsets, OffsetToCommit};
use crate::protocol::GroupBody;

use super::member::PendingResponse;
use super::offsets::CommittedOffset;
use super::records::{CoordinatorRecord, OffsetCommitValue};
use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::writes::WriteCompletion;

/// An OffsetCommit or TxnOffsetCommit request.
#[derive(Debug, Clone)]
pub struct CommitRequest {
    /// Who to answer.
    pub reply: PendingResponse,
    /// The group.
    pub group_id: String,
    /// The member's generation, or -1.
    pub generation_id: i32,
    /// The member, or empty.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// The offsets.
    pub offsets: Vec<OffsetToCommit>,
    /// For TxnOffsetCommit: the producer id and epoch.
    pub transaction: Option<(ProducerId, i16)>,
    /// Partitions the broker refused before (`TOPIC_AUTHORIZATION_FAILED`), answered first.
    pub refused: CommitResults,
}

/// An OffsetFetch request.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    /// Who to answer.
    pub reply: PendingResponse,
    /// The group.
    pub group_id: String,
    /// The partitions; empty asks for every committed offset of the group.
    pub partitions: Vec<TopicPartition>,
    /// KIP-447.
    pub require_stable: bool,
    /// Partitions the broker refused before (`TOPIC_AUTHORIZATION_FAILED`), answered last.
    pub refused: CommitResults,
}

/// Answers a commit with one result per partition: those `refused` before, then `results`.
pub(super) fn reply_commit(
    rt: &mut ShardCtx,
    reply: PendingResponse,
    transactional: bool,
    mut refused: CommitResults,
    results: CommitResults,
) {
    refused.extend(results);
    rt.reply(
        reply,
        commit_response(reply.request_id, transactional, refused),
    );
}

/// An OffsetCommit's (or, `transactional`, a TxnOffsetCommit's) answer.
pub fn commit_response(request_id: u64, transactional: bool, results: CommitResults) -> GroupBody {
    if transactional {
        GroupBody::TxnOffsetCommitResponse {
            request_id,
            results,
        }
    } else {
        GroupBody::OffsetCommitResponse {
            request_id,
            results,
        }
    }
}

impl GroupShard {
    /// `commitOffset` / `commitTransactionalOffset`.
    pub(crate) fn commit_offsets(&mut self, rt: &mut ShardCtx, request: CommitRequest) {
        let transactional = request.transaction.is_some();
        if let Err(code) = self.validate_commit(rt, &request) {
            let error = KafkaError::with_default_message(code);
            let results = request
                .offsets
                .iter()
                .map(|offset| (offset.partition.clone(), Err(error.clone())))
                .collect();
            return reply_commit(rt, request.reply, transactional, request.refused, results);
        }
        if !transactional {
            if let Some(group) = self.groups.get_mut(&request.group_id) {
                group.touch_session(rt, &request.member_id);
            }
        }
        let now_ms = rt.clock_ms();
        let offsets: Vec<(TopicPartition, CommittedOffset)> = request
            .offsets
            .iter()
            .map(|offset| {
                let committed = CommittedOffset {
                    offset: offset.offset,
                    leader_epoch: offset.leader_epoch,
                    metadata: offset.metadata.clone(),
                    commit_timestamp_ms: now_ms,
                    record_offset: Offset(-1),
                };
                (offset.partition.clone(), committed)
            })
            .collect();
        if offsets.is_empty() {
            return reply_commit(
                rt,
                request.reply,
                transactional,
                request.refused,
                Vec::new(),
            );
        }
        let records = offsets
            .iter()
            .map(|(partition, committed)| CoordinatorRecord::OffsetCommit {
                group: request.group_id.clone(),
                partition: partition.clone(),
                value: Some(OffsetCommitValue {
                    offset: committed.offset,
                    leader_epoch: committed.leader_epoch,
                    metadata: committed.metadata.clone(),
                    commit_timestamp_ms: committed.commit_timestamp_ms,
                }),
            })
            .collect();
        let completion = WriteCompletion::OffsetCommit {
            reply: request.reply,
            group: request.group_id.clone(),
            transaction: request.transaction,
            offsets,
            refused: request.refused,
        };
        rt.write(records, request.transaction, completion);
    }

    /// `validateOffsetCommit` / `validateTransactionalOffsetCommit`.
    fn validate_commit(&mut self, rt: &ShardCtx, request: &CommitRequest) -> Result<(), ErrorCode> {
        if request.group_id.is_empty() {
            return Err(ErrorCode::InvalidGroupId);
        }
        let transactional = request.transaction.is_some();
        match self.groups.get(&request.group_id) {
            Some(group) => group.validate_offset_commit(
                &request.member_id,
                request.group_instance_id.as_deref(),
                request.generation_id,
                transactional,
            ),
            None if request.generation_id < 0 => {
                // A "simple" group: offsets without membership.
                self.get_or_create_group(&request.group_id, rt.clock_ms());
                Ok(())
            }
            None => Err(ErrorCode::IllegalGeneration),
        }
    }

    /// `fetchOffsets`: the committed offsets (`None` where there is none); with
    /// `require_stable`, `UNSTABLE_OFFSET_COMMIT` on each partition with a transactional commit
    /// pending. The partitions the broker refused follow.
    pub(crate) fn fetch_offsets(&self, rt: &mut ShardCtx, request: FetchRequest) {
        let mut offsets = self.committed_offsets(&request);
        offsets.extend(refused_fetches(request.refused));
        rt.reply(
            request.reply,
            GroupBody::OffsetFetchResponse {
                request_id: request.reply.request_id,
                result: Ok(offsets),
            },
        );
    }

    fn committed_offsets(&self, request: &FetchRequest) -> FetchedOffsets {
        let group = &request.group_id;
        let partitions: Vec<TopicPartition> = if request.partitions.is_empty() {
            self.offsets
                .group(group)
                .map(|offsets| offsets.keys().cloned().collect())
                .unwrap_or_default()
        } else {
            request.partitions.clone()
        };
        let dead_or_unknown = self
            .groups
            .get(group)
            .is_none_or(|g| g.is(super::state::GroupState::Dead));
        partitions
            .into_iter()
            .map(|partition| {
                let offset =
                    if request.require_stable && self.offsets.has_pending(group, &partition) {
                        Err(KafkaError::with_default_message(
                            ErrorCode::UnstableOffsetCommit,
                        ))
                    } else if dead_or_unknown {
                        Ok(None)
                    } else {
                        Ok(self.offsets.get(group, &partition).map(|o| FetchedOffset {
                            offset: o.offset,
                            leader_epoch: o.leader_epoch,
                        }))
                    };
                (partition, offset)
            })
            .collect()
    }
}

/// The partitions of an OffsetFetch the broker refused, as its answer carries them.
pub fn refused_fetches(refused: CommitResults) -> FetchedOffsets {
    refused
        .into_iter()
        .map(|(partition, result)| (partition, result.map(|()| None)))
        .collect()
}
