//! The log of one partition: an append-only sequence of immutable records with dense offsets.
//!
//! The partition leader assigns offsets: the next record gets the log end offset, which then
//! moves up by one. Records before the log start offset are gone (retention will move it in a
//! later slice; here it stays 0). Segments, retention and compaction are not modelled yet.

use crate::ids::Offset;

/// One record as stored in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Its position in the partition.
    pub offset: Offset,
    /// The key as produced (a string serialized as UTF-8); `None` is a null key.
    pub key: Option<String>,
    /// The value as produced; `None` is a null value.
    pub value: Option<String>,
    /// `DefaultRecord.sizeInBytes` of the record as the first record of its batch.
    pub size_in_bytes: i32,
}

/// The log of one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLog {
    log_start_offset: Offset,
    log_end_offset: Offset,
    records: Vec<Record>,
}

impl Default for PartitionLog {
    fn default() -> Self {
        PartitionLog::new()
    }
}

impl PartitionLog {
    /// An empty log starting at offset 0.
    pub fn new() -> PartitionLog {
        PartitionLog {
            log_start_offset: Offset(0),
            log_end_offset: Offset(0),
            records: Vec::new(),
        }
    }

    /// The offset of the first record still in the log.
    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }

    /// The offset the next appended record will get.
    pub fn log_end_offset(&self) -> Offset {
        self.log_end_offset
    }

    /// The records in offset order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Appends one record at the log end offset and returns that offset.
    pub fn append(
        &mut self,
        key: Option<String>,
        value: Option<String>,
        size_in_bytes: i32,
    ) -> Offset {
        let offset = self.log_end_offset;
        self.records.push(Record {
            offset,
            key,
            value,
            size_in_bytes,
        });
        self.log_end_offset = offset.next();
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_get_dense_offsets_from_zero() {
        let mut log = PartitionLog::new();
        assert_eq!(log.append(None, Some("a".into()), 8), Offset(0));
        assert_eq!(log.append(Some("k".into()), None, 8), Offset(1));
        assert_eq!(log.append(None, None, 7), Offset(2));
        assert_eq!(log.log_start_offset(), Offset(0));
        assert_eq!(log.log_end_offset(), Offset(3));
        let offsets: Vec<Offset> = log.records().iter().map(|record| record.offset).collect();
        assert_eq!(offsets, [Offset(0), Offset(1), Offset(2)]);
    }
}
