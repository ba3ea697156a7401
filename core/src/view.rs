//! Plain-data views of the cluster for the UI: computed by the core, owned by the caller,
//! serializable, and free of domain logic.

use serde::{Deserialize, Serialize};

use crate::ids::{Offset, PartitionId};
use crate::log::{PartitionLog, Record};
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
    /// `DefaultRecord.sizeInBytes`.
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
            records: log.records().iter().map(RecordView::of).collect(),
        }
    }
}

impl RecordView {
    /// The view of one record.
    pub fn of(record: &Record) -> RecordView {
        RecordView {
            offset: record.offset,
            key: record.key.clone(),
            value: record.value.clone(),
            size_in_bytes: record.size_in_bytes,
        }
    }
}
