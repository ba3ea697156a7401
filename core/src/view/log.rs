//! One replica's log, as the UI draws it: segments with their records, the log start and end
//! offsets and the high watermark line.

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::IsolationLevel;
use crate::log::{ControlType, RecordBatch};
use crate::protocol::fetch::ListedOffset;
use crate::protocol::OffsetSpec;

/// A replica's log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogView {
    /// The partition.
    pub partition: TopicPartition,
    /// The broker holding it.
    pub broker: BrokerId,
    /// The first offset still in the log.
    pub log_start_offset: Offset,
    /// The offset the next record will get.
    pub log_end_offset: Offset,
    /// The replica's high watermark.
    pub high_watermark: Offset,
    /// The last stable offset (below it every transaction is decided).
    pub last_stable_offset: Offset,
    /// Its segments, oldest first; the last is the active one.
    pub segments: Vec<SegmentView>,
    /// Whether records were left out because the log is longer than asked for.
    pub truncated: bool,
}

/// One segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentView {
    /// Its base offset.
    pub base_offset: Offset,
    /// The offset after its last batch.
    pub next_offset: Offset,
    /// Its size in bytes.
    pub size_in_bytes: i64,
    /// Whether it is the active segment.
    pub active: bool,
    /// How much earlier than `segment.ms` it rolls (`segment.jitter.ms`); `None` until the
    /// first append after it was opened draws it.
    pub roll_jitter_ms: Option<i64>,
    /// Its records (the newest ones if the log was cut short).
    pub records: Vec<RecordView>,
}

/// One record, as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    /// Its offset.
    pub offset: Offset,
    /// Its timestamp (ms since the epoch).
    pub timestamp_ms: i64,
    /// The key as UTF-8 text (lossy); `None` is null.
    pub key: Option<String>,
    /// The value as UTF-8 text (lossy); `None` is null (a tombstone).
    pub value: Option<String>,
    /// Headers as text.
    pub headers: Vec<(String, Option<String>)>,
    /// The leader epoch of its batch.
    pub leader_epoch: i32,
    /// The producer id of its batch (-1 without idempotence).
    pub producer_id: i64,
    /// Whether its batch is part of a transaction.
    pub transactional: bool,
    /// `COMMIT` or `ABORT` for a transaction marker.
    pub control: Option<String>,
}

impl Cluster {
    /// What an admin client's `listOffsets` (READ_UNCOMMITTED, its default) gets for
    /// `partition`: the answer of its leader, as the cluster's metadata names it, read at once
    /// rather than sent over the simulated network. `Ok` with [`Offset::UNKNOWN`] when a search
    /// finds no record; `LEADER_NOT_AVAILABLE` when the partition has no running leader.
    pub fn list_offset(&self, partition: &TopicPartition, spec: OffsetSpec) -> ListedOffset {
        let leader = self.running_leader(partition)?;
        self.brokers[&leader].list_offset(partition, spec, -1, IsolationLevel::ReadUncommitted)
    }

    /// The low watermark of `partition` on its leader (see
    /// [`crate::broker::Broker::low_watermark`]): a DeleteRecords request is done once it
    /// reaches the requested offset.
    pub fn low_watermark(&self, partition: &TopicPartition) -> Result<Offset, KafkaError> {
        let leader = self.running_leader(partition)?;
        self.brokers[&leader]
            .low_watermark(partition)
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::NotLeaderOrFollower))
    }

    /// The leader of `partition` in the controller's metadata, if its broker runs: where an
    /// admin client sends a request for the partition. `LEADER_NOT_AVAILABLE` for a topic
    /// without one (or an unknown topic).
    pub fn running_leader(&self, partition: &TopicPartition) -> Result<BrokerId, KafkaError> {
        self.controller
            .image
            .topics
            .get(&partition.topic)
            .and_then(|topic| {
                let index = usize::try_from(partition.partition).ok()?;
                topic.partitions.get(index)?.leader
            })
            .filter(|leader| self.broker_is_running(*leader))
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::LeaderNotAvailable))
    }

    /// The log of `broker`'s replica of `partition`, with at most `max_records` records (the
    /// newest).
    pub fn log_view(
        &self,
        broker: BrokerId,
        partition: &TopicPartition,
        max_records: usize,
    ) -> Option<LogView> {
        let replica = self.brokers.get(&broker)?.replicas.get(partition)?;
        let log = &replica.log;
        let total: usize = log
            .batches()
            .map(|b| b.record_count().max(0) as usize)
            .sum();
        let mut skip = total.saturating_sub(max_records);
        let active_base = log.active_segment().base_offset();
        let mut segments = Vec::with_capacity(log.segments().len());
        for segment in log.segments() {
            let mut records = Vec::new();
            for batch in segment.batches() {
                let count = batch.record_count().max(0) as usize;
                if skip >= count {
                    skip -= count;
                    continue;
                }
                push_records(batch, &mut skip, &mut records);
            }
            segments.push(SegmentView {
                base_offset: segment.base_offset(),
                next_offset: segment.next_offset(),
                size_in_bytes: segment.size_in_bytes(),
                active: segment.base_offset() == active_base,
                roll_jitter_ms: segment.roll_jitter_ms(),
                records,
            });
        }
        Some(LogView {
            partition: partition.clone(),
            broker,
            log_start_offset: log.log_start_offset(),
            log_end_offset: log.log_end_offset(),
            high_watermark: replica.high_watermark,
            last_stable_offset: replica.last_stable_offset(),
            segments,
            truncated: total > max_records,
        })
    }
}

fn push_records(batch: &RecordBatch, skip: &mut usize, records: &mut Vec<RecordView>) {
    let control = batch.control.map(|control| match control {
        ControlType::Commit => "COMMIT".to_string(),
        ControlType::Abort => "ABORT".to_string(),
    });
    for (offset, record) in batch.records() {
        if *skip > 0 {
            *skip -= 1;
            continue;
        }
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        records.push(RecordView {
            offset,
            timestamp_ms: record.timestamp,
            key: record.key.map(text),
            value: record.value.map(text),
            headers: record
                .headers()
                .map(|header| (header.key.to_string(), header.value.map(text)))
                .collect(),
            leader_epoch: batch.partition_leader_epoch,
            producer_id: batch.producer_id.0,
            transactional: batch.is_transactional,
            control: control.clone(),
        });
    }
}

/// What the stored records of every replica cost in memory (for the benchmark's
/// bytes-per-record figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogMemory {
    /// Distinct records stored: each partition's records once, however many replicas hold them
    /// (replicas share one copy of a batch's records).
    pub records: i64,
    /// Their key and value bytes.
    pub key_value_bytes: i64,
    /// Every byte the logs hold for them: the shared record sets, each replica's batch and
    /// its pointer to it, and the reference counters.
    pub bytes: i64,
}

impl LogMemory {
    /// Bytes per distinct stored record beyond its key and value bytes.
    pub fn overhead_per_record(&self) -> f64 {
        if self.records == 0 {
            return 0.0;
        }
        (self.bytes - self.key_value_bytes) as f64 / self.records as f64
    }
}

impl Cluster {
    /// The memory the logs of every live or stopped broker hold for their records.
    pub fn log_memory(&self) -> LogMemory {
        // An `Arc`'s allocation carries two reference counters before the value.
        const ARC_COUNTERS: i64 = 16;
        let pointer = std::mem::size_of::<usize>() as i64;
        let batch = std::mem::size_of::<RecordBatch>() as i64;
        let mut seen_sets = crate::vec_map::VecSet::new();
        let mut seen_batches = crate::vec_map::VecSet::new();
        let mut memory = LogMemory {
            records: 0,
            key_value_bytes: 0,
            bytes: 0,
        };
        let replicas = self
            .brokers
            .values()
            .flat_map(|broker| broker.replicas.values());
        for log in replicas.map(|replica| &replica.log) {
            for stored in log.batches() {
                memory.bytes += pointer;
                if seen_batches.insert(std::sync::Arc::as_ptr(stored) as usize) {
                    memory.bytes += batch + ARC_COUNTERS;
                }
                if !seen_sets.insert(std::sync::Arc::as_ptr(&stored.records) as usize) {
                    continue;
                }
                memory.bytes += stored.records.memory_size_in_bytes() + ARC_COUNTERS;
                for record in stored.records.iter() {
                    memory.records += 1;
                    let key = record.key.map_or(0, <[u8]>::len);
                    let value = record.value.map_or(0, <[u8]>::len);
                    memory.key_value_bytes += (key + value) as i64;
                }
            }
        }
        memory
    }
}
