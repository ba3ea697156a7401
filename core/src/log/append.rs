//! Appends: a leader's produce (`UnifiedLog.appendAsLeader`), a transaction marker
//! (`appendAsLeader` with `AppendOrigin.COORDINATOR`) and a follower's copy
//! (`appendAsFollower`).
//!
//! A leader append is checked in Kafka's order: batch shape (`LogValidator.validateBatch`),
//! `max.message.bytes` on the size the producer sent (`analyzeAndValidateRecords`), record
//! keys on a compacted topic and CreateTime timestamps (`LogValidator`), `max.message.bytes`
//! again after a broker-side recompression, `segment.bytes` (`RecordBatchTooLargeException`),
//! then the producer's epoch and sequence (`analyzeAndValidateProducerState`), where a retry of
//! one of the producer's last 5 batches is answered with its original offsets. Every check runs
//! before anything changes: unlike Kafka, which may roll a segment or record an epoch before a
//! late check refuses, a refused append here leaves the log exactly as it was.
//!
//! Errors carry the message of the exception `UnifiedLog` throws. A produce response carries
//! that message only for record validation errors (`INVALID_RECORD`, `INVALID_TIMESTAMP`);
//! [`produce_response_error`] gives what the producer sees.

use crate::vec_map::VecMap;
use std::sync::Arc;

use super::batch::{
    control_record_set, ControlType, ProducedBatch, RecordBatch, TimestampType, NO_SEQUENCE,
};
use super::compression::batch_size_in_bytes;
use super::config::LogConfig;
use super::producer_state::{AppendOrigin, ProducerAppendInfo, ProducerStateEntry};
use super::PartitionLog;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, ProducerId};
use crate::kinds::{CompressionType, TopicCompression};

/// What a leader append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaderAppend {
    /// The batch was appended with these offsets.
    Appended {
        /// The stored batch (shared with followers that copy it).
        batch: Arc<RecordBatch>,
    },
    /// An idempotent producer's retry of one of its last 5 batches: nothing was appended, and
    /// Kafka answers with the original offsets and no error.
    Duplicate {
        /// The original batch's first offset.
        base_offset: Offset,
        /// The original batch's last offset.
        last_offset: Offset,
    },
}

/// The error a producer sees for a refused append: `ReplicaManager` forwards the log's message
/// only for record validation errors (`hasCustomErrorMessage`), so the others read with Kafka's
/// default message.
pub fn produce_response_error(error: &KafkaError) -> KafkaError {
    match error.code {
        ErrorCode::InvalidRecord | ErrorCode::InvalidTimestamp => error.clone(),
        code => KafkaError::with_default_message(code),
    }
}

impl PartitionLog {
    /// `UnifiedLog.appendAsLeader`: validates `batch`, assigns it offsets from the log end
    /// offset, stamps it with `leader_epoch` and appends it (rolling first if needed).
    pub fn append_as_leader(
        &mut self,
        batch: &ProducedBatch,
        leader_epoch: i32,
        now_ms: i64,
        config: &LogConfig,
    ) -> Result<LeaderAppend, KafkaError> {
        self.validate_batch_shape(batch)?;
        let source_size = batch_size_in_bytes(&batch.records, batch.compression);
        self.check_max_message_bytes(source_size, config)?;
        self.validate_records(batch, now_ms, config)?;
        let target = target_compression(config.compression, batch.compression);
        let stored_size = if target == batch.compression {
            source_size
        } else {
            let size = batch_size_in_bytes(&batch.records, target);
            self.check_recompressed_size(size, config)?;
            size
        };
        self.check_segment_bytes(i64::from(stored_size), config)?;
        let stored = self.leader_batch(batch, leader_epoch, target, stored_size, now_ms, config);
        let info = if stored.has_producer_id() {
            if let Some(duplicate) = self.find_duplicate(&stored) {
                return Ok(duplicate);
            }
            self.check_transactional_epoch(&stored)?;
            Some(self.producer_state.prepare(
                &stored,
                AppendOrigin::Client,
                &self.topic_partition,
            )?)
        } else {
            None
        };
        let stored = Arc::new(stored);
        self.commit(Arc::clone(&stored), info, now_ms, config);
        Ok(LeaderAppend::Appended { batch: stored })
    }

    /// Appends a transaction marker written by the transaction coordinator (WriteTxnMarkers):
    /// an uncompressed control batch with one COMMIT or ABORT record. Refused with
    /// `INVALID_PRODUCER_EPOCH` for an older producer epoch and `TRANSACTION_COORDINATOR_FENCED`
    /// for an older coordinator epoch.
    #[allow(clippy::too_many_arguments)]
    pub fn append_control_batch(
        &mut self,
        control: ControlType,
        producer_id: ProducerId,
        producer_epoch: i16,
        coordinator_epoch: i32,
        leader_epoch: i32,
        now_ms: i64,
        config: &LogConfig,
    ) -> Result<Arc<RecordBatch>, KafkaError> {
        let records = Arc::new(control_record_set(control, coordinator_epoch, now_ms));
        let stored = RecordBatch {
            base_offset: self.log_end_offset,
            last_offset_delta: 0,
            partition_leader_epoch: leader_epoch,
            first_timestamp: now_ms,
            max_timestamp: now_ms,
            timestamp_type: TimestampType::CreateTime,
            producer_id,
            producer_epoch,
            base_sequence: NO_SEQUENCE,
            is_transactional: true,
            control: Some(control),
            compression: CompressionType::None,
            size_in_bytes: records.uncompressed_size_in_bytes(),
            delete_horizon_ms: None,
            records,
        };
        let info = self.producer_state.prepare(
            &stored,
            AppendOrigin::Coordinator,
            &self.topic_partition,
        )?;
        let stored = Arc::new(stored);
        self.commit(Arc::clone(&stored), Some(info), now_ms, config);
        Ok(stored)
    }

    /// `UnifiedLog.appendAsFollower`: appends batches copied from the leader, keeping their
    /// offsets and sharing their `Arc`s. They must start at or after the log end offset (a
    /// compacted leader may have gaps) and have increasing offsets. Producer state is updated
    /// without epoch or sequence checks, as for Kafka's `AppendOrigin.REPLICATION`.
    ///
    /// An empty log whose first fetched batch straddles its log end offset (the leader's log
    /// start offset fell inside a batch after DeleteRecords) restarts at that batch's base
    /// offset, keeping its log start offset, as `Partition.appendRecordsToFollowerOrFutureReplica`
    /// does on `UnexpectedAppendOffsetException`.
    ///
    /// Simplification: each batch gets its own roll check (Kafka checks the whole fetched set
    /// at once), so a fetch larger than `segment.bytes` still fits.
    pub fn append_as_follower(
        &mut self,
        batches: &[Arc<RecordBatch>],
        config: &LogConfig,
        now_ms: i64,
    ) -> Result<(), KafkaError> {
        let restart_at = self.follower_restart_offset(batches);
        self.validate_follower_offsets(batches, restart_at.unwrap_or(self.log_end_offset))?;
        for batch in batches {
            self.check_segment_bytes(i64::from(batch.size_in_bytes), config)?;
        }
        if let Some(offset) = restart_at {
            let log_start_offset = self.log_start_offset;
            self.truncate_fully_and_start_at(offset);
            self.log_start_offset = log_start_offset;
        }
        let infos = self.prepare_follower_producers(batches)?;
        for (batch, info) in batches.iter().zip(infos) {
            // A batch past the log end copies the leader's gap (see `truncation_holes`);
            // compaction's gaps need no record.
            if batch.base_offset > self.log_end_offset && !config.cleanup_policy.compact {
                self.truncation_holes
                    .push((self.log_end_offset, batch.base_offset));
            }
            self.commit(Arc::clone(batch), info, now_ms, config);
        }
        Ok(())
    }

    /// Where an empty log restarts so a first batch straddling its log end offset fits.
    fn follower_restart_offset(&self, batches: &[Arc<RecordBatch>]) -> Option<Offset> {
        let first = batches.first()?;
        let log_end_offset = self.log_end_offset;
        let straddles = first.base_offset < log_end_offset && first.last_offset() >= log_end_offset;
        (log_end_offset == self.log_start_offset && straddles).then_some(first.base_offset)
    }

    /// Applies a validated batch: roll, epoch cache, segment, producer state, transaction index.
    fn commit(
        &mut self,
        batch: Arc<RecordBatch>,
        info: Option<ProducerAppendInfo>,
        now_ms: i64,
        config: &LogConfig,
    ) {
        self.maybe_roll_at(
            batch.base_offset,
            i64::from(batch.size_in_bytes),
            batch.max_timestamp,
            now_ms,
            config,
        );
        self.epoch_cache
            .assign(batch.partition_leader_epoch, batch.base_offset);
        self.push_batch(batch, now_ms);
        if let Some(info) = info {
            if let Some(completed) = info.completed_txn.filter(|txn| txn.is_aborted) {
                let last_stable_offset = self.producer_state.last_stable_offset(&completed);
                self.aborted_txns.push(super::AbortedTxn {
                    producer_id: completed.producer_id,
                    first_offset: completed.first_offset,
                    last_offset: completed.last_offset,
                    last_stable_offset,
                });
            }
            self.producer_state.update(info);
        }
    }

    /// The stored form of a produced batch: offsets from the log end offset, the leader epoch,
    /// the target codec and, under `LogAppendTime`, the leader's clock as max timestamp.
    fn leader_batch(
        &self,
        batch: &ProducedBatch,
        leader_epoch: i32,
        compression: CompressionType,
        size_in_bytes: i32,
        now_ms: i64,
        config: &LogConfig,
    ) -> RecordBatch {
        let timestamp_type = config.message_timestamp_type;
        let max_timestamp = match timestamp_type {
            TimestampType::CreateTime => batch.records.max_timestamp(),
            TimestampType::LogAppendTime => now_ms,
        };
        RecordBatch {
            base_offset: self.log_end_offset,
            last_offset_delta: batch.records.len().saturating_sub(1),
            partition_leader_epoch: leader_epoch,
            first_timestamp: batch.records.base_timestamp(),
            max_timestamp,
            timestamp_type,
            producer_id: batch.producer_id,
            producer_epoch: batch.producer_epoch,
            base_sequence: batch.base_sequence,
            is_transactional: batch.is_transactional,
            control: None,
            compression,
            size_in_bytes,
            delete_horizon_ms: None,
            records: Arc::clone(&batch.records),
        }
    }

    /// `LogValidator.validateBatch` for a client batch.
    fn validate_batch_shape(&self, batch: &ProducedBatch) -> Result<(), KafkaError> {
        let count = batch.records.len();
        if count <= 0 {
            return Err(KafkaError::new(
                ErrorCode::InvalidRecord,
                format!(
                    "Invalid reported count for record batch: {count} in topic partition {}.",
                    self.topic_partition
                ),
            ));
        }
        if batch.has_producer_id() && batch.base_sequence < 0 {
            return Err(KafkaError::new(
                ErrorCode::InvalidRecord,
                format!(
                    "Invalid sequence number {} in record batch with producerId {} in topic partition {}.",
                    batch.base_sequence, batch.producer_id, self.topic_partition
                ),
            ));
        }
        Ok(())
    }

    /// `analyzeAndValidateRecords`: the batch as sent must fit `max.message.bytes`.
    fn check_max_message_bytes(&self, size: i32, config: &LogConfig) -> Result<(), KafkaError> {
        if size <= config.max_message_bytes {
            return Ok(());
        }
        Err(KafkaError::new(
            ErrorCode::MessageTooLarge,
            format!(
                "The record batch size in the append to {} is {size} bytes which exceeds the maximum configured value of {}).",
                self.topic_partition, config.max_message_bytes
            ),
        ))
    }

    /// After a broker-side recompression Kafka checks `max.message.bytes` again.
    fn check_recompressed_size(&self, size: i32, config: &LogConfig) -> Result<(), KafkaError> {
        if size <= config.max_message_bytes {
            return Ok(());
        }
        // Kafka's message reads "append to" + "partition" with no space between.
        Err(KafkaError::new(
            ErrorCode::MessageTooLarge,
            format!(
                "Message batch size is {size} bytes in append topartition {} which exceeds the maximum configured size of {}.",
                self.topic_partition, config.max_message_bytes
            ),
        ))
    }

    /// A batch larger than a whole segment can never be stored (`RecordBatchTooLargeException`).
    fn check_segment_bytes(&self, size: i64, config: &LogConfig) -> Result<(), KafkaError> {
        if size <= i64::from(config.segment_bytes) {
            return Ok(());
        }
        Err(KafkaError::new(
            ErrorCode::RecordListTooLarge,
            format!(
                "Message batch size is {size} bytes in append to partition {}, which exceeds the maximum configured segment size of {}.",
                self.topic_partition, config.segment_bytes
            ),
        ))
    }

    /// `LogValidator.validateKey` and `validateTimestamp`, then `processRecordErrors`. O(1)
    /// unless a record is refused: the set knows its null key count and timestamp range.
    fn validate_records(
        &self,
        batch: &ProducedBatch,
        now_ms: i64,
        config: &LogConfig,
    ) -> Result<(), KafkaError> {
        let records = &batch.records;
        let keys_checked = config.cleanup_policy.compact && records.null_key_count() > 0;
        let lower_ms = now_ms.saturating_sub(config.message_timestamp_before_max_ms);
        let upper_ms = now_ms.saturating_add(config.message_timestamp_after_max_ms);
        let timestamps_checked = config.message_timestamp_type == TimestampType::CreateTime
            && (records.min_timestamp() < lower_ms || records.max_timestamp() > upper_ms);
        if !keys_checked && !timestamps_checked {
            return Ok(());
        }
        let mut errors = Vec::new();
        let mut invalid_timestamp = false;
        for (index, record) in records.iter().enumerate() {
            if keys_checked && record.key.is_none() {
                errors.push(format!(
                    "RecordError(batchIndex={index}, message='Compacted topic cannot accept message without key in topic partition {}')",
                    self.topic_partition
                ));
            } else if timestamps_checked
                && record.timestamp >= 0
                && (record.timestamp < lower_ms || record.timestamp > upper_ms)
            {
                invalid_timestamp = true;
                errors.push(format!(
                    "RecordError(batchIndex={index}, message='Timestamp {} of message with offset {} is out of range. The timestamp should be within [{lower_ms}, {upper_ms}]')",
                    record.timestamp, record.offset_delta
                ));
            }
        }
        record_validation_error(&errors, invalid_timestamp)
    }

    /// `analyzeAndValidateProducerState`: a transactional batch of an older epoch without an
    /// ongoing transaction is refused before the sequence checks.
    fn check_transactional_epoch(&self, batch: &RecordBatch) -> Result<(), KafkaError> {
        if !batch.is_transactional {
            return Ok(());
        }
        let Some(entry) = self.producer_state.producers().get(&batch.producer_id) else {
            return Ok(());
        };
        let ongoing = entry.current_txn_first_offset.is_some()
            && entry.producer_epoch == batch.producer_epoch;
        if ongoing || batch.producer_epoch >= entry.producer_epoch {
            return Ok(());
        }
        Err(KafkaError::new(
            ErrorCode::InvalidProducerEpoch,
            format!(
                "Epoch of producer {} is {}, which is smaller than the last seen epoch {}",
                batch.producer_id, batch.producer_epoch, entry.producer_epoch
            ),
        ))
    }

    /// `ProducerStateEntry.findDuplicateBatch` for a client batch.
    fn find_duplicate(&self, batch: &RecordBatch) -> Option<LeaderAppend> {
        let entry = self.producer_state.producers().get(&batch.producer_id)?;
        let duplicate = entry.find_duplicate_batch(
            batch.producer_epoch,
            batch.base_sequence,
            batch.last_sequence(),
        )?;
        Some(LeaderAppend::Duplicate {
            base_offset: duplicate.first_offset(),
            last_offset: duplicate.last_offset,
        })
    }

    /// A follower's batches must not go below the log end offset and must increase.
    fn validate_follower_offsets(
        &self,
        batches: &[Arc<RecordBatch>],
        log_end_offset: Offset,
    ) -> Result<(), KafkaError> {
        let mut next = log_end_offset;
        for batch in batches {
            if batch.base_offset < next || batch.last_offset() < batch.base_offset {
                return Err(KafkaError::new(
                    ErrorCode::UnknownServerError,
                    format!(
                        "Unexpected offset in append to {}. First offset {} is less than the next offset {}. Log start offset = {}",
                        self.topic_partition, batch.base_offset, next, self.log_start_offset
                    ),
                ));
            }
            next = batch.next_offset();
        }
        Ok(())
    }

    /// Validates the producer state of a follower's batches in order, chaining batches of the
    /// same producer through a local overlay (Kafka's `updatedProducers` map), so nothing
    /// changes if any batch is refused.
    fn prepare_follower_producers(
        &self,
        batches: &[Arc<RecordBatch>],
    ) -> Result<Vec<Option<ProducerAppendInfo>>, KafkaError> {
        let mut overlay: VecMap<ProducerId, ProducerStateEntry> = VecMap::new();
        let mut infos = Vec::with_capacity(batches.len());
        for batch in batches {
            if !batch.has_producer_id() {
                infos.push(None);
                continue;
            }
            let current = overlay
                .get(&batch.producer_id)
                .or_else(|| self.producer_state.producers().get(&batch.producer_id));
            let info = self.producer_state.prepare_from(
                current,
                batch,
                AppendOrigin::Replication,
                &self.topic_partition,
            )?;
            // The next batches of this producer are checked against the state with this one.
            if infos.len() + 1 < batches.len() {
                let mut merged = current
                    .cloned()
                    .unwrap_or_else(|| ProducerStateEntry::empty(batch.producer_id));
                merged.merge(info.updated.clone());
                overlay.insert(batch.producer_id, merged);
            }
            infos.push(Some(info));
        }
        Ok(infos)
    }
}

/// `BrokerCompressionType.targetCompression`: `producer` keeps the producer's codec.
fn target_compression(topic: TopicCompression, source: CompressionType) -> CompressionType {
    match topic {
        TopicCompression::Producer => source,
        TopicCompression::Codec(codec) => codec,
    }
}

/// `LogValidator.processRecordErrors`: an invalid timestamp wins; otherwise `INVALID_RECORD`
/// listing at most the first three record errors.
fn record_validation_error(errors: &[String], invalid_timestamp: bool) -> Result<(), KafkaError> {
    if errors.is_empty() {
        return Ok(());
    }
    if invalid_timestamp {
        return Err(KafkaError::new(
            ErrorCode::InvalidTimestamp,
            "One or more records have been rejected due to invalid timestamp",
        ));
    }
    let shown = errors.get(..errors.len().min(3)).unwrap_or(&[]).join(", ");
    Err(KafkaError::new(
        ErrorCode::InvalidRecord,
        format!(
            "One or more records have been rejected due to {} record errors in total, and only showing the first three errors at most: [{shown}]",
            errors.len()
        ),
    ))
}
