//! Plain-data views of the cluster for the UI: computed by the core, owned by the caller,
//! serializable, and free of domain logic.

use serde::{Deserialize, Serialize};

use crate::ids::{Offset, PartitionId};
use crate::log::record_size::record_size_in_bytes;
use crate::log::{PartitionLog, RecordRef};
use crate::topic::Topic;

/// One topic, its config and its partitions in partition order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicView {
    /// The topic name.
    pub name: String,
    /// The topic's `max.message.bytes`.
    pub max_message_bytes: i32,
    /// The partitions, partition 0 first.
    pub partitions: Vec<PartitionView>,
}

/// One partition's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionView {
    /// The partition id.
    pub partition: PartitionId,
    /// The offset of the first record still in the log.
    pub log_start_offset: Offset,
    /// The offset the next record will get.
    pub log_end_offset: Offset,
    /// The records in offset order.
    pub records: Vec<RecordView>,
}

/// One record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordView {
    /// Its offset.
    pub offset: Offset,
    /// Its key; `None` is null.
    pub key: Option<String>,
    /// Its value; `None` is null.
    pub value: Option<String>,
    /// `DefaultRecord.sizeInBytes` as the first record of its batch.
    pub size_in_bytes: i32,
}

impl TopicView {
    /// The view of a topic.
    pub fn of(name: &str, topic: &Topic) -> TopicView {
        let partitions = topic
            .partitions
            .iter()
            .zip(0..)
            .map(|(log, index)| PartitionView::of(PartitionId(index), log))
            .collect();
        TopicView {
            name: name.to_string(),
            max_message_bytes: topic.config.max_message_bytes,
            partitions,
        }
    }
}

impl PartitionView {
    /// The view of one partition's log.
    pub fn of(partition: PartitionId, log: &PartitionLog) -> PartitionView {
        PartitionView {
            partition,
            log_start_offset: log.log_start_offset(),
            log_end_offset: log.log_end_offset(),
            records: log
                .batches()
                .flat_map(|batch| batch.records())
                .map(|(offset, record)| RecordView::of(offset, &record))
                .collect(),
        }
    }
}

impl RecordView {
    /// The view of one record (keys and values are shown as UTF-8 text).
    pub fn of(offset: Offset, record: &RecordRef<'_>) -> RecordView {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let size = record_size_in_bytes(record.key, record.value);
        RecordView {
            offset,
            key: record.key.map(text),
            value: record.value.map(text),
            size_in_bytes: i32::try_from(size).unwrap_or(i32::MAX),
        }
    }
}
