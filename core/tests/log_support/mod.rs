//! Helpers shared by the partition log integration tests: building batches and logs.

#![allow(dead_code)]

use std::sync::Arc;

use kplay_core::kinds::CompressionType;
use kplay_core::log::{
    LeaderAppend, LogConfig, PartitionLog, ProducedBatch, RecordBatch, RecordSet, RecordSetBuilder,
};
use kplay_core::{Offset, ProducerId, TopicPartition};

pub fn tp() -> TopicPartition {
    TopicPartition::new("orders", 0)
}

pub fn new_log() -> PartitionLog {
    PartitionLog::new(tp(), 0)
}

/// A set of keyed records `(key, value)`, all at `timestamp_ms`; a `None` value is a tombstone.
pub fn keyed(records: &[(&str, Option<&str>)], timestamp_ms: i64) -> Arc<RecordSet> {
    let mut builder = RecordSetBuilder::new();
    for (key, value) in records {
        builder.push(
            timestamp_ms,
            Some(key.as_bytes()),
            value.map(str::as_bytes),
            &[],
        );
    }
    Arc::new(builder.build())
}

/// `count` records with keys `k0, k1, ...` and 10-byte values, at `timestamp_ms`.
pub fn records(count: usize, timestamp_ms: i64) -> Arc<RecordSet> {
    let mut builder = RecordSetBuilder::new();
    for index in 0..count {
        let key = format!("k{index}");
        builder.push(timestamp_ms, Some(key.as_bytes()), Some(b"0123456789"), &[]);
    }
    Arc::new(builder.build())
}

/// A batch of a producer without idempotence.
pub fn plain(records: Arc<RecordSet>) -> ProducedBatch {
    ProducedBatch::plain(CompressionType::None, records)
}

/// A batch of an idempotent producer.
pub fn idempotent(
    producer_id: i64,
    epoch: i16,
    base_sequence: i32,
    records: Arc<RecordSet>,
) -> ProducedBatch {
    ProducedBatch {
        producer_id: ProducerId(producer_id),
        producer_epoch: epoch,
        base_sequence,
        is_transactional: false,
        compression: CompressionType::None,
        records,
    }
}

/// A batch of a transactional producer.
pub fn transactional(
    producer_id: i64,
    epoch: i16,
    base_sequence: i32,
    records: Arc<RecordSet>,
) -> ProducedBatch {
    ProducedBatch {
        is_transactional: true,
        ..idempotent(producer_id, epoch, base_sequence, records)
    }
}

/// Appends as leader in epoch 0 and returns the stored batch; panics on a refusal.
pub fn append(
    log: &mut PartitionLog,
    batch: &ProducedBatch,
    now_ms: i64,
    config: &LogConfig,
) -> Arc<RecordBatch> {
    match log.append_as_leader(batch, 0, now_ms, config) {
        Ok(LeaderAppend::Appended { batch }) => batch,
        other => panic!("append refused or duplicate: {other:?}"),
    }
}

/// Every stored offset with its key and value as text.
pub fn contents(log: &PartitionLog) -> Vec<(i64, Option<String>, Option<String>)> {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    log.batches()
        .flat_map(|batch| batch.records())
        .map(|(offset, record)| (offset.0, record.key.map(text), record.value.map(text)))
        .collect()
}

pub fn offsets(log: &PartitionLog) -> Vec<i64> {
    contents(log)
        .into_iter()
        .map(|(offset, _, _)| offset)
        .collect()
}

pub fn segment_bases(log: &PartitionLog) -> Vec<i64> {
    log.segments()
        .iter()
        .map(|segment| segment.base_offset().0)
        .collect()
}

pub fn o(offset: i64) -> Offset {
    Offset(offset)
}
