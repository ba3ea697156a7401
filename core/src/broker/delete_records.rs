//! DeleteRecords on the leader (`ReplicaManager.deleteRecordsOnLocalLog`,
//! `Partition.deleteRecordsOnLeader`): the partition's log start offset moves up to the
//! requested offset, so the records below it are gone for every reader at once. Whole segments
//! below it are deleted at the next retention check. Followers follow the leader's log start
//! offset from their fetch answers, and the request is done once the low watermark (the lowest
//! log start offset of the replicas on live brokers, `lowWatermarkIfLeader`) reaches the offset.

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};
use crate::log::LogStartOffsetIncrementReason;

use super::Broker;

/// The offset DeleteRecords reads as "the high watermark" (`DeleteRecordsRequest.HIGH_WATERMARK`).
pub const HIGH_WATERMARK: i64 = -1;

/// The offset a DeleteRecords request for `offset` asks the log start offset to reach, on a
/// leader whose high watermark is `high_watermark`: the leader's conversion, which the admin
/// client's wait for the low watermark follows too.
pub fn requested_offset(offset: i64, high_watermark: Offset) -> Offset {
    if offset == HIGH_WATERMARK {
        high_watermark
    } else {
        Offset(offset)
    }
}

impl Broker {
    /// Deletes the records of `partition` below `offset` (-1: the high watermark). Returns the
    /// offset the log start offset now has to reach. Refused on a follower
    /// (`NOT_LEADER_OR_FOLLOWER`), on a topic whose `cleanup.policy` lacks `delete`
    /// (`POLICY_VIOLATION`), and for an offset below 0 or above the high watermark
    /// (`OFFSET_OUT_OF_RANGE`).
    pub fn delete_records(
        &mut self,
        partition: &TopicPartition,
        offset: i64,
        ctx: &mut Ctx,
    ) -> Result<Offset, KafkaError> {
        let delete_policy = self
            .topic_settings(&partition.topic)
            .log
            .cleanup_policy
            .delete;
        let me = self.id;
        let replica = self
            .replicas
            .get_mut(partition)
            .filter(|replica| replica.is_leader())
            .ok_or_else(|| {
                KafkaError::new(
                    ErrorCode::NotLeaderOrFollower,
                    format!("Leader not local for partition {partition} on broker {me}"),
                )
            })?;
        if !delete_policy {
            return Err(KafkaError::new(
                ErrorCode::PolicyViolation,
                format!("Records of partition {partition} can not be deleted due to the configured policy"),
            ));
        }
        let high_watermark = replica.high_watermark;
        let requested = requested_offset(offset, high_watermark);
        if requested.0 < 0 {
            return Err(KafkaError::new(
                ErrorCode::OffsetOutOfRange,
                format!("The offset {requested} for partition {partition} is not valid"),
            ));
        }
        let moved = replica.log.maybe_increment_log_start_offset(
            requested,
            LogStartOffsetIncrementReason::ClientRecordDeletion,
            high_watermark,
        )?;
        if moved {
            ctx.emit(EventKind::RecordsDeleted {
                partition: partition.clone(),
                broker: me,
                log_start_offset: requested,
            });
        }
        Ok(requested)
    }

    /// The low watermark of `partition` if this broker leads it (`lowWatermarkIfLeader`): a
    /// follower on a broker the metadata holds fenced or gone does not count.
    pub fn low_watermark(&self, partition: &TopicPartition) -> Option<Offset> {
        let metadata = &self.metadata;
        self.replicas
            .get(partition)?
            .low_watermark(|broker| metadata.is_unfenced(broker))
    }
}
