//! Reads: `UnifiedLog.read` / `LocalLog.read` / `LogSegment.read`.
//!
//! A read starts at the batch holding the start offset (a batch is never split: a consumer gets
//! the whole batch and skips the records before its position), stays within one segment as
//! Kafka's does, returns at least one whole batch even when it is larger than `max_bytes`
//! (KIP-74, `minOneMessage`), and stops before the batch holding `max_offset_exclusive` (the
//! high watermark or last stable offset): Kafka reads up to that batch's file position, so a
//! batch straddling the bound is not returned until the bound passes its end. Kafka may return a
//! partial batch at the `max_bytes` limit, which the client drops; here it is simply left out.

use std::sync::Arc;

use super::batch::RecordBatch;
use super::PartitionLog;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::Offset;

impl PartitionLog {
    /// Reads whole batches from `start` up to `max_bytes` (at least one batch) and below
    /// `max_offset_exclusive`. `OFFSET_OUT_OF_RANGE` below the log start offset or above the
    /// log end offset; empty at or above `max_offset_exclusive`. Shares the stored `Arc`s.
    pub fn read(
        &self,
        start: Offset,
        max_bytes: i32,
        max_offset_exclusive: Offset,
    ) -> Result<Vec<Arc<RecordBatch>>, KafkaError> {
        self.check_read_range(start)?;
        if start >= max_offset_exclusive {
            return Ok(Vec::new());
        }
        let Some(first_segment) = self.floor_segment_index(start) else {
            return Ok(Vec::new());
        };
        for segment in &self.segments[first_segment..] {
            let from = segment.batch_index_from(start);
            if from < segment.batches().len() {
                let batches = segment.batches().iter_from(from);
                return Ok(take_batches(batches, max_bytes, max_offset_exclusive));
            }
        }
        Ok(Vec::new())
    }

    /// `UnifiedLog.checkLogStartOffset` and `LocalLog.read`'s range check, with their messages.
    fn check_read_range(&self, start: Offset) -> Result<(), KafkaError> {
        if start < self.log_start_offset {
            return Err(KafkaError::new(
                ErrorCode::OffsetOutOfRange,
                format!(
                    "Received request for offset {start} for partition {}, but we only have log segments starting from offset: {}.",
                    self.topic_partition, self.log_start_offset
                ),
            ));
        }
        if start > self.log_end_offset {
            return Err(KafkaError::new(
                ErrorCode::OffsetOutOfRange,
                format!(
                    "Received request for offset {start} for partition {}, but we only have log segments upto {}.",
                    self.topic_partition, self.log_end_offset
                ),
            ));
        }
        Ok(())
    }
}

/// The leading batches that end below `max_offset_exclusive` and fit `max_bytes` (the first one
/// always fits).
fn take_batches<'a>(
    batches: impl Iterator<Item = &'a Arc<RecordBatch>>,
    max_bytes: i32,
    max_offset_exclusive: Offset,
) -> Vec<Arc<RecordBatch>> {
    let mut taken = Vec::new();
    let mut total_bytes: i64 = 0;
    for batch in batches {
        if batch.last_offset() >= max_offset_exclusive {
            break;
        }
        let size = i64::from(batch.size_in_bytes);
        if !taken.is_empty() && total_bytes + size > i64::from(max_bytes) {
            break;
        }
        total_bytes += size;
        taken.push(Arc::clone(batch));
    }
    taken
}
