//! Record batches: what a producer sends ([`ProducedBatch`], no offsets yet) and what a log
//! stores ([`RecordBatch`], offsets assigned), plus transaction markers ([`ControlType`]).
//!
//! Mirrors Kafka's `DefaultRecordBatch` header fields (`org.apache.kafka.common.record`),
//! `ControlRecordType` and `EndTransactionMarker`. A stored batch is the header fields plus an
//! `Arc<RecordSet>`; logs hold `Arc<RecordBatch>`, so the leader and its followers share one
//! copy. Simplifications: no CRC, no magic other than v2, and a compressed batch's
//! `size_in_bytes` comes from the model in [`super::compression`] instead of a real codec.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::record_set::{RecordRef, RecordSet, RecordSetBuilder};
use crate::ids::{Offset, ProducerId};
use crate::kinds::CompressionType;

/// `RecordBatch.NO_SEQUENCE`.
pub const NO_SEQUENCE: i32 = -1;
/// `RecordBatch.NO_PRODUCER_EPOCH`.
pub const NO_PRODUCER_EPOCH: i16 = -1;
/// `RecordBatch.NO_PARTITION_LEADER_EPOCH`.
pub const NO_PARTITION_LEADER_EPOCH: i32 = -1;
/// `RecordBatch.NO_TIMESTAMP`.
pub const NO_TIMESTAMP: i64 = -1;

/// `ControlRecordType`: the kind of a transaction marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ControlType {
    /// `COMMIT` (type 1): the producer's open transaction committed.
    Commit,
    /// `ABORT` (type 0): the producer's open transaction aborted; read_committed skips it.
    Abort,
}

impl ControlType {
    /// The type id written in the control record's key (`ControlRecordType.type`).
    pub fn type_id(&self) -> i16 {
        match self {
            ControlType::Abort => 0,
            ControlType::Commit => 1,
        }
    }
}

/// `message.timestamp.type`: whose clock a record's timestamp is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum TimestampType {
    /// `CreateTime` (the default): the producer's timestamp is kept.
    #[default]
    CreateTime,
    /// `LogAppendTime`: the leader stamps the batch with its clock at append; every record then
    /// reads as that time (the batch's max timestamp), as in Kafka's v2 format.
    LogAppendTime,
}

impl TimestampType {
    /// The config text: `CreateTime` or `LogAppendTime`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TimestampType::CreateTime => "CreateTime",
            TimestampType::LogAppendTime => "LogAppendTime",
        }
    }
}

/// What a producer sends for one partition: records without offsets (`MemoryRecords` of one
/// v2 batch in a produce request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducedBatch {
    /// The idempotent producer's id; [`ProducerId::NONE`] without idempotence.
    pub producer_id: ProducerId,
    /// The producer epoch; -1 without idempotence.
    pub producer_epoch: i16,
    /// The first record's sequence number; -1 without idempotence.
    pub base_sequence: i32,
    /// Whether the batch belongs to a transaction.
    pub is_transactional: bool,
    /// The codec the producer compressed the batch with.
    pub compression: CompressionType,
    /// The records, shared with the stored batch.
    pub records: Arc<RecordSet>,
}

impl ProducedBatch {
    /// A batch of a producer without idempotence.
    pub fn plain(compression: CompressionType, records: Arc<RecordSet>) -> ProducedBatch {
        ProducedBatch {
            producer_id: ProducerId::NONE,
            producer_epoch: NO_PRODUCER_EPOCH,
            base_sequence: NO_SEQUENCE,
            is_transactional: false,
            compression,
            records,
        }
    }

    /// Whether the batch carries a producer id (`RecordBatch.hasProducerId`).
    pub fn has_producer_id(&self) -> bool {
        self.producer_id.0 >= 0
    }

    /// The last record's sequence number (`DefaultRecordBatch.lastSequence`), wrapping at
    /// `Integer.MAX_VALUE` as Kafka's sequences do.
    pub fn last_sequence(&self) -> i32 {
        last_sequence(self.base_sequence, self.records.len().saturating_sub(1))
    }
}

/// One stored batch: Kafka's v2 batch header with its offsets assigned, sharing its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordBatch {
    /// The first offset of the batch (also the offset its record offset deltas count from).
    pub base_offset: Offset,
    /// The last offset minus the base offset. Compaction keeps it for a batch it empties, so a
    /// batch's offset range survives even when its records do not.
    pub last_offset_delta: i32,
    /// The leader epoch of the leader that appended the batch (KIP-101).
    pub partition_leader_epoch: i32,
    /// The batch's base timestamp: its first record's timestamp.
    pub first_timestamp: i64,
    /// The largest record timestamp, or the leader's clock under `LogAppendTime`.
    pub max_timestamp: i64,
    /// Whose clock the timestamps are.
    pub timestamp_type: TimestampType,
    /// The producer id; [`ProducerId::NONE`] without idempotence.
    pub producer_id: ProducerId,
    /// The producer epoch; -1 without idempotence.
    pub producer_epoch: i16,
    /// The first record's sequence; -1 without idempotence.
    pub base_sequence: i32,
    /// Whether the batch is part of a transaction (markers are transactional too).
    pub is_transactional: bool,
    /// `Some` for a transaction marker (a control batch).
    pub control: Option<ControlType>,
    /// The codec the batch is stored with.
    pub compression: CompressionType,
    /// The batch's size on disk and on the wire, after compression (model, see
    /// [`super::compression`]).
    pub size_in_bytes: i32,
    /// Kafka >= 3.1 (KIP-534): the time after which the cleaner may remove the batch's
    /// tombstones and, for a marker of an emptied transaction, the marker itself. Set by the
    /// first cleaning that sees a tombstone (or such a marker) in the batch, to
    /// `now + delete.retention.ms`; `None` until then.
    pub delete_horizon_ms: Option<i64>,
    /// The records, shared by every replica holding the batch.
    pub records: Arc<RecordSet>,
}

impl RecordBatch {
    /// The batch's last offset.
    pub fn last_offset(&self) -> Offset {
        Offset(
            self.base_offset
                .0
                .saturating_add(i64::from(self.last_offset_delta)),
        )
    }

    /// The offset right after the batch.
    pub fn next_offset(&self) -> Offset {
        self.last_offset().next()
    }

    /// How many records the batch holds (fewer than its offset range after compaction).
    pub fn record_count(&self) -> i32 {
        self.records.len()
    }

    /// Whether this is a transaction marker.
    pub fn is_control(&self) -> bool {
        self.control.is_some()
    }

    /// Whether the batch carries a producer id.
    pub fn has_producer_id(&self) -> bool {
        self.producer_id.0 >= 0
    }

    /// The last record's sequence (`DefaultRecordBatch.lastSequence`).
    pub fn last_sequence(&self) -> i32 {
        last_sequence(self.base_sequence, self.last_offset_delta)
    }

    /// The records with their offsets. Under `LogAppendTime` every record reads as the batch's
    /// max timestamp, as Kafka's `DefaultRecordBatch` returns it.
    pub fn records(&self) -> impl Iterator<Item = (Offset, RecordRef<'_>)> + '_ {
        self.records.iter().map(move |mut record| {
            if self.timestamp_type == TimestampType::LogAppendTime {
                record.timestamp = self.max_timestamp;
            }
            let offset = self
                .base_offset
                .0
                .saturating_add(i64::from(record.offset_delta));
            (Offset(offset), record)
        })
    }

    /// The offsets of the records, in order (what [`records`](Self::records) yields, without
    /// reading the records).
    pub fn offsets(&self) -> impl Iterator<Item = Offset> + '_ {
        let base_offset = self.base_offset.0;
        self.records
            .offset_deltas()
            .map(move |delta| Offset(base_offset.saturating_add(i64::from(delta))))
    }

    /// The coordinator epoch of a transaction marker (`EndTransactionMarker.coordinatorEpoch`).
    pub fn coordinator_epoch(&self) -> Option<i32> {
        self.control?;
        let value = self.records.get(0)?.value?;
        let bytes: [u8; 4] = value.get(2..6)?.try_into().ok()?;
        Some(i32::from_be_bytes(bytes))
    }
}

/// The records of a transaction marker: one control record whose key is
/// `version (int16) = 0, type (int16)` and whose value is `version (int16) = 0,
/// coordinatorEpoch (int32)` (`EndTransactionMarker`, 4 + 6 bytes).
pub fn control_record_set(
    control: ControlType,
    coordinator_epoch: i32,
    timestamp_ms: i64,
) -> RecordSet {
    let type_id = control.type_id().to_be_bytes();
    let key = [0, 0, type_id[0], type_id[1]];
    let mut value = [0_u8; 6];
    value[2..].copy_from_slice(&coordinator_epoch.to_be_bytes());
    let mut builder = RecordSetBuilder::new();
    builder.push(timestamp_ms, Some(&key), Some(&value), &[]);
    builder.build()
}

/// `DefaultRecordBatch.incrementSequence(baseSequence, lastOffsetDelta)`.
pub fn last_sequence(base_sequence: i32, last_offset_delta: i32) -> i32 {
    if base_sequence == NO_SEQUENCE {
        return NO_SEQUENCE;
    }
    if base_sequence > i32::MAX - last_offset_delta {
        return last_offset_delta - (i32::MAX - base_sequence) - 1;
    }
    base_sequence + last_offset_delta
}

/// `DefaultRecordBatch.decrementSequence(lastSequence, offsetDelta)`: a batch's first sequence.
pub fn first_sequence(last_sequence: i32, offset_delta: i32) -> i32 {
    if last_sequence < offset_delta {
        return i32::MAX - (offset_delta - last_sequence) + 1;
    }
    last_sequence - offset_delta
}

#[cfg(test)]
impl RecordBatch {
    /// A plain batch (no producer id, uncompressed, `CreateTime`) of `records` at
    /// `base_offset`, for unit tests.
    pub(crate) fn plain_for_test(base_offset: i64, records: RecordSet) -> Arc<RecordBatch> {
        Arc::new(RecordBatch {
            base_offset: Offset(base_offset),
            last_offset_delta: records.len() - 1,
            partition_leader_epoch: 0,
            first_timestamp: records.base_timestamp(),
            max_timestamp: records.max_timestamp(),
            timestamp_type: TimestampType::CreateTime,
            producer_id: ProducerId::NONE,
            producer_epoch: -1,
            base_sequence: -1,
            is_transactional: false,
            control: None,
            compression: CompressionType::None,
            size_in_bytes: records.uncompressed_size_in_bytes(),
            delete_horizon_ms: None,
            records: Arc::new(records),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_wrap_at_integer_max_value() {
        assert_eq!(last_sequence(5, 3), 8);
        assert_eq!(last_sequence(i32::MAX, 1), 0);
        assert_eq!(last_sequence(i32::MAX - 1, 3), 1);
        assert_eq!(first_sequence(1, 3), i32::MAX - 1);
        assert_eq!(first_sequence(8, 3), 5);
    }

    #[test]
    fn a_transaction_marker_is_a_78_byte_batch() {
        // 61-byte header + one record: body = 1 + 1 + 1 + (1 + 4) + (1 + 6) + 1 = 16, + 1.
        let set = control_record_set(ControlType::Commit, 7, 0);
        assert_eq!(set.uncompressed_size_in_bytes(), 78);
        let record = set.get(0).expect("one record");
        assert_eq!(record.key, Some(&[0_u8, 0, 0, 1][..]));
    }
}
