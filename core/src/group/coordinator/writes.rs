//! What waits for a coordinator write, and what happens when the write is replicated or fails
//! (the `appendFuture` callbacks of `GroupMetadataManager` and `OffsetMetadataManager`).
//!
//! A failed write is answered with Kafka's mapping of the append error
//! (`appendGroupMetadataErrorToResponseError`): a timeout or too few replicas becomes
//! `COORDINATOR_NOT_AVAILABLE`, a lost leadership `NOT_COORDINATOR`. A write whose records
//! reached the high watermark succeeded, even if the ISR shrank below `min.insync.replicas`
//! meanwhile: the coordinator only waits for the high watermark, as Kafka 4's runtime does.

use crate::vec_map::VecMap;

use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, ProducerId, TopicPartition};
use crate::protocol::group::CommitResults;

use super::commit::reply_commit;
use super::member::{ClassicGroupMember, PendingResponse};
use super::offsets::CommittedOffset;
use super::runtime::{PendingWrite, ShardCtx};
use super::shard::GroupShard;

/// What waits for a write.
#[derive(Debug, Clone)]
pub enum WriteCompletion {
    /// Nothing (an Empty group's metadata, tombstones).
    None,
    /// An OffsetCommit or TxnOffsetCommit: store the offsets, then answer.
    OffsetCommit {
        /// Who to answer.
        reply: PendingResponse,
        /// The group.
        group: String,
        /// For TxnOffsetCommit: the producer id and epoch.
        transaction: Option<(ProducerId, i16)>,
        /// The offsets, in record order.
        offsets: Vec<(TopicPartition, CommittedOffset)>,
        /// Partitions the broker refused before, answered with the others.
        refused: CommitResults,
    },
    /// The leader's assignment of a generation: answer every SyncGroup.
    GroupAssignment {
        /// The group.
        group: String,
        /// The generation.
        generation: i32,
        /// The leader.
        leader: String,
        /// Member id -> partitions.
        assignment: VecMap<String, Vec<TopicPartition>>,
    },
    /// A static member's new member id: answer its JoinGroup.
    StaticMemberReplaced {
        /// The group.
        group: String,
        /// Its `group.instance.id`.
        group_instance_id: String,
        /// Its previous member id.
        old_member_id: String,
        /// Its new member id.
        new_member_id: String,
        /// The member as it was, to revert to on failure.
        previous: Box<ClassicGroupMember>,
    },
}

/// `appendGroupMetadataErrorToResponseError`; `Ok` once the high watermark passed the write.
pub fn response_error(result: Result<(), KafkaError>) -> Result<(), ErrorCode> {
    let Err(error) = result else {
        return Ok(());
    };
    Err(match error.code {
        ErrorCode::NotEnoughReplicasAfterAppend => return Ok(()),
        ErrorCode::UnknownTopicOrPartition
        | ErrorCode::NotEnoughReplicas
        | ErrorCode::RequestTimedOut => ErrorCode::CoordinatorNotAvailable,
        ErrorCode::NotLeaderOrFollower => ErrorCode::NotCoordinator,
        ErrorCode::MessageTooLarge | ErrorCode::RecordListTooLarge => ErrorCode::UnknownServerError,
        other => other,
    })
}

/// Carries out what waited for `write`; `shard` is the shard that wrote it, if it still
/// serves in the same epoch.
pub(super) fn complete(
    rt: &mut ShardCtx,
    shard: Option<&mut GroupShard>,
    write: PendingWrite,
    result: Result<(), ErrorCode>,
) {
    match write.completion {
        WriteCompletion::None => {}
        WriteCompletion::OffsetCommit {
            reply,
            group,
            transaction,
            offsets,
            refused,
        } => {
            let error = result.err().map(KafkaError::with_default_message);
            let results = offsets
                .iter()
                .map(|(partition, _)| (partition.clone(), error.clone().map_or(Ok(()), Err)))
                .collect();
            if let (None, Some(shard), Some(base)) = (&error, shard, write.base_offset) {
                store_offsets(shard, &group, transaction, offsets, base);
            }
            reply_commit(rt, reply, transaction.is_some(), refused, results);
        }
        WriteCompletion::GroupAssignment {
            group,
            generation,
            leader,
            assignment,
        } => {
            if let Some(group) = shard.and_then(|s| s.groups.get_mut(&group)) {
                group.assignment_stored(rt, generation, &leader, assignment, result);
            }
        }
        WriteCompletion::StaticMemberReplaced {
            group,
            old_member_id,
            new_member_id,
            previous,
            ..
        } => {
            if let Some(group) = shard.and_then(|s| s.groups.get_mut(&group)) {
                group.static_member_persisted(
                    rt,
                    &old_member_id,
                    &new_member_id,
                    *previous,
                    result,
                );
            }
        }
    }
}

/// The offsets of a replicated commit become the group's (or the transaction's pending ones).
fn store_offsets(
    shard: &mut GroupShard,
    group: &str,
    transaction: Option<(ProducerId, i16)>,
    offsets: Vec<(TopicPartition, CommittedOffset)>,
    base_offset: Offset,
) {
    for (index, (partition, mut committed)) in offsets.into_iter().enumerate() {
        let delta = i64::try_from(index).unwrap_or(i64::MAX);
        committed.record_offset = Offset(base_offset.0.saturating_add(delta));
        match transaction {
            Some((producer_id, _)) => {
                shard
                    .offsets
                    .put_pending(producer_id, group, partition, committed)
            }
            None => shard.offsets.put(group, partition, committed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // GroupMetadataManagerTest.testAppendGroupMetadataErrorToResponseError.
    #[test]
    fn append_errors_map_to_coordinator_errors() {
        let fail = |code| response_error(Err(KafkaError::with_default_message(code)));
        assert_eq!(
            fail(ErrorCode::RequestTimedOut),
            Err(ErrorCode::CoordinatorNotAvailable)
        );
        assert_eq!(
            fail(ErrorCode::NotEnoughReplicas),
            Err(ErrorCode::CoordinatorNotAvailable)
        );
        assert_eq!(
            fail(ErrorCode::NotLeaderOrFollower),
            Err(ErrorCode::NotCoordinator)
        );
        assert_eq!(
            fail(ErrorCode::MessageTooLarge),
            Err(ErrorCode::UnknownServerError)
        );
        assert_eq!(fail(ErrorCode::NotEnoughReplicasAfterAppend), Ok(()));
        assert_eq!(response_error(Ok(())), Ok(()));
    }
}
