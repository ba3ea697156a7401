//! The records of `__transaction_state` (Kafka's `TransactionLog`, `TransactionLogKey` and
//! `TransactionLogValue` version 0).
//!
//! The key is the transactional id; the value is the transaction's state after a change, or
//! null (a tombstone) once the transactional id expired. The topic is compacted, so only the
//! latest state of each transactional id survives. Layout, big-endian as Kafka's schemas:
//!
//! - key: `version: int16 = 0`, `transactional_id: string` (int16 length + UTF-8);
//! - value: `version: int16 = 0`, `producer_id: int64`, `producer_epoch: int16`,
//!   `transaction_timeout_ms: int32`, `transaction_status: int8`, `transaction_partitions:
//!   [topic: string, partition_ids: [int32]]` (int32 counts), `last_update_timestamp_ms:
//!   int64`, `start_timestamp_ms: int64`.
//!
//! As in Kafka, `last_producer_epoch` is not written: a loaded transaction has none.
//! Decoding never panics: a record that does not decode is skipped by the loader.

use crate::vec_map::{VecMap, VecSet};

use super::metadata::TxnTransitMetadata;
use super::state::TransactionState;
use crate::ids::{ProducerId, TopicPartition};
use crate::log::batch::NO_PRODUCER_EPOCH;

/// The schema version written.
const VERSION: i16 = 0;

/// The key of a transactional id's record.
pub fn encode_key(transactional_id: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + transactional_id.len());
    out.extend_from_slice(&VERSION.to_be_bytes());
    put_string(&mut out, transactional_id);
    out
}

/// The transactional id of a key, if it decodes.
pub fn decode_key(bytes: &[u8]) -> Option<String> {
    let mut reader = Reader { bytes, at: 0 };
    let _version = reader.i16()?;
    reader.string()
}

/// The value of a transactional id's record.
pub fn encode_value(transit: &TxnTransitMetadata) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&VERSION.to_be_bytes());
    out.extend_from_slice(&transit.producer_id.0.to_be_bytes());
    out.extend_from_slice(&transit.producer_epoch.to_be_bytes());
    let timeout = i32::try_from(transit.txn_timeout_ms).unwrap_or(i32::MAX);
    out.extend_from_slice(&timeout.to_be_bytes());
    out.extend_from_slice(&transit.state.id().to_be_bytes());
    let mut by_topic: VecMap<&str, Vec<i32>> = VecMap::new();
    for partition in &transit.partitions {
        by_topic
            .entry(partition.topic.as_str())
            .or_default()
            .push(partition.partition);
    }
    put_count(&mut out, by_topic.len());
    for (topic, partitions) in by_topic {
        put_string(&mut out, topic);
        put_count(&mut out, partitions.len());
        for partition in partitions {
            out.extend_from_slice(&partition.to_be_bytes());
        }
    }
    out.extend_from_slice(&transit.txn_last_update_timestamp_ms.to_be_bytes());
    out.extend_from_slice(&transit.txn_start_timestamp_ms.to_be_bytes());
    out
}

/// The state a value holds, if it decodes (`TransactionLog.readTxnRecordValue`).
pub fn decode_value(bytes: &[u8]) -> Option<TxnTransitMetadata> {
    let mut reader = Reader { bytes, at: 0 };
    let _version = reader.i16()?;
    let producer_id = ProducerId(reader.i64()?);
    let producer_epoch = reader.i16()?;
    let txn_timeout_ms = i64::from(reader.i32()?);
    let state = TransactionState::from_id(reader.i8()?)?;
    let mut partitions = VecSet::new();
    for _ in 0..reader.count()? {
        let topic = reader.string()?;
        for _ in 0..reader.count()? {
            partitions.insert(TopicPartition::new(topic.clone(), reader.i32()?));
        }
    }
    let txn_last_update_timestamp_ms = reader.i64()?;
    let txn_start_timestamp_ms = reader.i64()?;
    Some(TxnTransitMetadata {
        producer_id,
        previous_producer_id: ProducerId::NONE,
        producer_epoch,
        last_producer_epoch: NO_PRODUCER_EPOCH,
        txn_timeout_ms,
        state,
        partitions,
        txn_start_timestamp_ms,
        txn_last_update_timestamp_ms,
    })
}

fn put_string(out: &mut Vec<u8>, text: &str) {
    let length = i16::try_from(text.len()).unwrap_or(i16::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    let end = usize::try_from(length).unwrap_or(0).min(text.len());
    out.extend_from_slice(text.as_bytes().get(..end).unwrap_or(&[]));
}

fn put_count(out: &mut Vec<u8>, count: usize) {
    let count = i32::try_from(count).unwrap_or(i32::MAX);
    out.extend_from_slice(&count.to_be_bytes());
}

/// Reads big-endian fields, `None` past the end.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.at.checked_add(N)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        slice.try_into().ok()
    }

    fn i8(&mut self) -> Option<i8> {
        self.take::<1>().map(i8::from_be_bytes)
    }

    fn i16(&mut self) -> Option<i16> {
        self.take::<2>().map(i16::from_be_bytes)
    }

    fn i32(&mut self) -> Option<i32> {
        self.take::<4>().map(i32::from_be_bytes)
    }

    fn i64(&mut self) -> Option<i64> {
        self.take::<8>().map(i64::from_be_bytes)
    }

    fn count(&mut self) -> Option<i32> {
        self.i32().filter(|count| *count >= 0)
    }

    fn string(&mut self) -> Option<String> {
        let length = usize::try_from(self.i16()?).ok()?;
        let end = self.at.checked_add(length)?;
        let text = self.bytes.get(self.at..end)?;
        self.at = end;
        String::from_utf8(text.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_state_record_round_trips() {
        let transit = TxnTransitMetadata {
            producer_id: ProducerId(4001),
            previous_producer_id: ProducerId::NONE,
            producer_epoch: 3,
            last_producer_epoch: NO_PRODUCER_EPOCH,
            txn_timeout_ms: 60_000,
            state: TransactionState::PrepareCommit,
            partitions: [
                TopicPartition::new("orders", 0),
                TopicPartition::new("orders", 2),
                TopicPartition::new("payments", 1),
            ]
            .into_iter()
            .collect(),
            txn_start_timestamp_ms: 1_000,
            txn_last_update_timestamp_ms: 2_000,
        };
        assert_eq!(decode_value(&encode_value(&transit)), Some(transit));
        assert_eq!(decode_key(&encode_key("my-txn")).as_deref(), Some("my-txn"));
    }

    #[test]
    fn truncated_records_do_not_decode() {
        let transit = TxnTransitMetadata {
            producer_id: ProducerId(1),
            previous_producer_id: ProducerId::NONE,
            producer_epoch: 0,
            last_producer_epoch: NO_PRODUCER_EPOCH,
            txn_timeout_ms: 1,
            state: TransactionState::Empty,
            partitions: VecSet::new(),
            txn_start_timestamp_ms: -1,
            txn_last_update_timestamp_ms: 0,
        };
        let bytes = encode_value(&transit);
        for length in 0..bytes.len() {
            assert_eq!(decode_value(&bytes[..length]), None);
        }
        assert_eq!(decode_key(&[0, 0, 0, 9, b'x']), None);
    }
}
