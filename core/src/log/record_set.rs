//! The records of one batch, stored once and shared: [`RecordSet`] and its [`RecordSetBuilder`].
//!
//! Mirrors the record part of Kafka's `DefaultRecordBatch` / `DefaultRecord`
//! (`org.apache.kafka.common.record`): each record has an offset delta and a timestamp delta
//! relative to its batch, a nullable key, a nullable value and headers.
//!
//! Memory layout (the simulator's own, not Kafka's wire format): all keys, values and header
//! bytes of a batch are concatenated in one `data` buffer, and each record is a fixed 16-byte
//! [`RecordEntry`] that says where its bytes end and how long its key and value are (a record's
//! bytes start where the previous record's end). Most sets are a producer's batch: offset deltas
//! 0, 1, 2, ..., no headers and timestamp deltas that fit an `i32`; only a set with a record
//! that is not like that (compacted, with headers, or with far-apart timestamps) also keeps a
//! 16-byte [`RecordExtra`] per record. The entries are about a fifth of a stored record's
//! memory, so this halves them for nearly every set. A set is built once
//! by the producer and then shared by `Arc` between the producer's retry copy, the leader and
//! every follower, so replicating or reading a batch never copies or allocates per record.
//!
//! Headers are kept in `data` as `key length (u32 LE), key, value length (i32 LE, -1 for null),
//! value`; their Kafka wire size (varint lengths) is computed when needed.
//!
//! The builder computes the batch's uncompressed record format v2 size exactly as Kafka's
//! `MemoryRecordsBuilder` would write it: the 61-byte batch header plus
//! `DefaultRecord.sizeInBytes` of each record with its real offset and timestamp deltas.

use super::record_size::{
    default_record_size_in_bytes, header_size_in_bytes, record_size_from_lengths, Header,
    RecordBody, RECORD_BATCH_OVERHEAD,
};

/// The most records [`RecordSetBuilder::for_batch`] makes room for up front (a huge
/// `batch.size` must not reserve memory its batch may never use).
const MAX_RESERVED_RECORDS: usize = 1024;
/// The most key and value bytes it makes room for up front (beyond the first record's own).
const MAX_RESERVED_DATA_BYTES: usize = 1 << 20;

/// One record's place in its [`RecordSet`]: fixed size, no pointers (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordEntry {
    /// Where the record's bytes (key, then value, then headers) end in the set's `data`; the
    /// next record's start there.
    data_end: u32,
    /// Key length in bytes; -1 for a null key.
    key_length: i32,
    /// Value length in bytes; -1 for a null value (a tombstone).
    value_length: i32,
    /// The record's timestamp minus the set's base timestamp (`DefaultRecord.timestampDelta`),
    /// truncated to 32 bits: exact in a set without [`RecordExtra`]s, which then hold it.
    timestamp_delta: i32,
}

/// What a record of a set that needs them has beyond its [`RecordEntry`] (16 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordExtra {
    /// The record's timestamp minus the set's base timestamp, whole.
    timestamp_delta: i64,
    /// The record's offset minus its batch's base offset (`DefaultRecord.offsetDelta`).
    offset_delta: i32,
    /// How many headers the record has.
    header_count: u32,
}

/// The immutable records of one batch: fixed-size entries plus one buffer of all their bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSet {
    entries: Box<[RecordEntry]>,
    /// One per entry, only when some record needs them (see the module doc): a record's extra
    /// is then the truth for its offset delta, timestamp delta and header count.
    extras: Option<Box<[RecordExtra]>>,
    data: Box<[u8]>,
    /// The first record's timestamp: the base the timestamp deltas are counted from.
    base_timestamp: i64,
    /// The largest record timestamp (Kafka's batch `maxTimestamp` under CreateTime).
    max_timestamp: i64,
    /// The smallest record timestamp, for `message.timestamp.before.max.ms` in O(1).
    min_timestamp: i64,
    /// How many records have a null key, for the compacted-topic check in O(1).
    null_key_count: i32,
    /// The uncompressed v2 batch size: 61-byte header plus every record.
    uncompressed_size_in_bytes: i32,
}

/// A borrowed view of one record of a [`RecordSet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// The record's offset minus its batch's base offset.
    pub offset_delta: i32,
    /// The record's timestamp (its create time; a log-append-time batch overrides it).
    pub timestamp: i64,
    /// The key; `None` is a null key.
    pub key: Option<&'a [u8]>,
    /// The value; `None` is a null value (a tombstone on a compacted topic).
    pub value: Option<&'a [u8]>,
    timestamp_delta: i64,
    header_count: u32,
    headers: &'a [u8],
}

/// A borrowed record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderRef<'a> {
    /// The header key (UTF-8, as Kafka's `Header.key()` is a `String`).
    pub key: &'a str,
    /// The header value; `None` is null.
    pub value: Option<&'a [u8]>,
}

/// Iterates the headers of one record.
#[derive(Debug, Clone)]
pub struct HeadersIter<'a> {
    remaining: u32,
    bytes: &'a [u8],
}

impl RecordSet {
    /// A set with no records (what a compacted batch keeps when only its header must stay).
    pub fn empty() -> RecordSet {
        RecordSetBuilder::new().build()
    }

    /// How many records the set holds (Kafka's batch `count`).
    pub fn len(&self) -> i32 {
        i32::try_from(self.entries.len()).unwrap_or(i32::MAX)
    }

    /// Whether the set holds no records.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The records in order.
    pub fn iter(&self) -> impl Iterator<Item = RecordRef<'_>> + '_ {
        (0..self.entries.len()).map(move |index| self.view(index))
    }

    /// The records' offset deltas, in order (no gaps unless compaction removed records).
    pub fn offset_deltas(&self) -> impl Iterator<Item = i32> + '_ {
        let extras = self.extras.as_deref();
        (0..self.entries.len()).map(move |index| match extras {
            Some(extras) => extras[index].offset_delta,
            None => i32::try_from(index).unwrap_or(i32::MAX),
        })
    }

    /// The record at `index`, if there is one.
    pub fn get(&self, index: i32) -> Option<RecordRef<'_>> {
        let index = usize::try_from(index).ok()?;
        (index < self.entries.len()).then(|| self.view(index))
    }

    /// The uncompressed record format v2 size of a batch holding exactly these records.
    pub fn uncompressed_size_in_bytes(&self) -> i32 {
        self.uncompressed_size_in_bytes
    }

    /// The first record's timestamp (the batch's base timestamp); -1 when empty.
    pub fn base_timestamp(&self) -> i64 {
        self.base_timestamp
    }

    /// The largest record timestamp; -1 (`RecordBatch.NO_TIMESTAMP`) when empty.
    pub fn max_timestamp(&self) -> i64 {
        self.max_timestamp
    }

    /// The smallest record timestamp; -1 when empty.
    pub fn min_timestamp(&self) -> i64 {
        self.min_timestamp
    }

    /// How many records have a null key.
    pub fn null_key_count(&self) -> i32 {
        self.null_key_count
    }

    /// The concatenated key, value and header bytes of every record.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// The bytes of this set held in memory: the entries, any extras, the data and the set
    /// itself.
    pub fn memory_size_in_bytes(&self) -> i64 {
        let entries = std::mem::size_of_val(&*self.entries);
        let extras = self.extras.as_deref().map_or(0, std::mem::size_of_val);
        let total = entries + extras + self.data.len() + std::mem::size_of::<RecordSet>();
        i64::try_from(total).unwrap_or(i64::MAX)
    }

    /// A new set with the records `keep` selects, keeping their offset deltas (compaction keeps
    /// offsets with gaps), and timestamp deltas re-based on `base_timestamp` (the first kept
    /// record's timestamp, or the delete horizon once the cleaner has set one: Kafka's
    /// `MemoryRecords.buildRetainedRecordsInto`).
    /// `keep` is given each record's index in this set and the record.
    pub fn retain(
        &self,
        mut keep: impl FnMut(usize, RecordRef<'_>) -> bool,
        base_timestamp: Option<i64>,
    ) -> RecordSet {
        let mut builder = RecordSetBuilder::new();
        builder.base_timestamp = base_timestamp;
        for (index, record) in self.iter().enumerate() {
            if keep(index, record) {
                builder.push_record(record);
            }
        }
        builder.build()
    }

    /// The record at `index` (in range).
    fn view(&self, index: usize) -> RecordRef<'_> {
        let entry = &self.entries[index];
        let start = match index.checked_sub(1) {
            Some(previous) => self.entries[previous].data_end as usize,
            None => 0,
        };
        let (offset_delta, timestamp_delta, header_count) = match &self.extras {
            Some(extras) => {
                let extra = &extras[index];
                (
                    extra.offset_delta,
                    extra.timestamp_delta,
                    extra.header_count,
                )
            }
            None => (
                i32::try_from(index).unwrap_or(i32::MAX),
                i64::from(entry.timestamp_delta),
                0,
            ),
        };
        let (key, after_key) = self.slice(start, entry.key_length);
        let (value, after_value) = self.slice(after_key, entry.value_length);
        let headers_end = (entry.data_end as usize).max(after_value);
        let headers = self.data.get(after_value..headers_end).unwrap_or(&[]);
        RecordRef {
            offset_delta,
            timestamp: self.base_timestamp.saturating_add(timestamp_delta),
            key,
            value,
            timestamp_delta,
            header_count,
            headers,
        }
    }

    /// The nullable field of `length` bytes at `start`, and where the next field starts.
    fn slice(&self, start: usize, length: i32) -> (Option<&[u8]>, usize) {
        match usize::try_from(length) {
            Err(_) => (None, start),
            Ok(length) => {
                let end = start.saturating_add(length);
                (Some(self.data.get(start..end).unwrap_or(&[])), end)
            }
        }
    }
}

impl Default for RecordSet {
    fn default() -> Self {
        RecordSet::empty()
    }
}

impl<'a> RecordRef<'a> {
    /// The record's headers in order.
    pub fn headers(&self) -> HeadersIter<'a> {
        HeadersIter {
            remaining: self.header_count,
            bytes: self.headers,
        }
    }

    /// How many headers the record has.
    pub fn header_count(&self) -> i32 {
        i32::try_from(self.header_count).unwrap_or(i32::MAX)
    }

    /// `DefaultRecord.sizeInBytes` of this record with its current offset and timestamp deltas.
    pub fn size_in_bytes(&self) -> i64 {
        self.size_in_bytes_with(self.offset_delta, self.timestamp_delta)
    }

    /// `DefaultRecord.sizeInBytes` of this record written with the given deltas.
    pub fn size_in_bytes_with(&self, offset_delta: i32, timestamp_delta: i64) -> i64 {
        let headers_size = self.headers().fold(0_i64, |total, header| {
            total.saturating_add(header_size_in_bytes(header.key.as_bytes(), header.value))
        });
        record_size_from_lengths(
            offset_delta,
            timestamp_delta,
            length_or_null(self.key),
            length_or_null(self.value),
            i64::from(self.header_count),
            headers_size,
        )
    }
}

impl<'a> Iterator for HeadersIter<'a> {
    type Item = HeaderRef<'a>;

    fn next(&mut self) -> Option<HeaderRef<'a>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let key_length = read_u32(self.bytes)? as usize;
        let key_bytes = self.bytes.get(4..4usize.saturating_add(key_length))?;
        let rest = self.bytes.get(4usize.saturating_add(key_length)..)?;
        let value_length = read_u32(rest)? as i32;
        let (value, rest) = match usize::try_from(value_length) {
            Err(_) => (None, rest.get(4..)?),
            Ok(length) => {
                let end = 4usize.saturating_add(length);
                (Some(rest.get(4..end)?), rest.get(end..)?)
            }
        };
        self.bytes = rest;
        Some(HeaderRef {
            key: std::str::from_utf8(key_bytes).unwrap_or(""),
            value,
        })
    }
}

fn read_u32(bytes: &[u8]) -> Option<u32> {
    let array: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some(u32::from_le_bytes(array))
}

fn length_or_null(field: Option<&[u8]>) -> i64 {
    field.map_or(-1, |bytes| i64::try_from(bytes.len()).unwrap_or(i64::MAX))
}

/// Builds a [`RecordSet`] record by record (the producer's `MemoryRecordsBuilder`), computing
/// the batch's uncompressed v2 size as it goes.
#[derive(Debug, Clone, Default)]
pub struct RecordSetBuilder {
    entries: Vec<RecordEntry>,
    /// Empty until a record needs extras; from then on one per entry.
    extras: Vec<RecordExtra>,
    data: Vec<u8>,
    base_timestamp: Option<i64>,
    max_timestamp: i64,
    min_timestamp: i64,
    null_key_count: i32,
    records_size_in_bytes: i64,
}

impl RecordSetBuilder {
    /// An empty builder.
    pub fn new() -> RecordSetBuilder {
        RecordSetBuilder {
            max_timestamp: -1,
            min_timestamp: -1,
            ..RecordSetBuilder::default()
        }
    }

    /// An empty builder with room for `records` records and `data_bytes` key/value/header bytes.
    pub fn with_capacity(records: usize, data_bytes: usize) -> RecordSetBuilder {
        let mut builder = RecordSetBuilder::new();
        builder.entries.reserve_exact(records);
        builder.data.reserve_exact(data_bytes);
        builder
    }

    /// An empty builder for a producer batch of `batch_size` bytes whose first record is the
    /// one given: room for as many records of its size as fit, so a batch fills without
    /// growing its buffers (a larger record later just grows them).
    pub fn for_batch(
        batch_size: i32,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
    ) -> RecordSetBuilder {
        let record = default_record_size_in_bytes(0, 0, key, value, headers).max(1);
        let room = i64::from(batch_size.max(0)) - i64::from(RECORD_BATCH_OVERHEAD);
        let records = usize::try_from(room / record)
            .unwrap_or(0)
            .clamp(1, MAX_RESERVED_RECORDS);
        let data = field_len(key) + field_len(value);
        let data_bytes = records
            .saturating_mul(data)
            .min(MAX_RESERVED_DATA_BYTES.max(data));
        RecordSetBuilder::with_capacity(records, data_bytes)
    }

    /// Appends a record with the next offset delta. Sizes that overflow Kafka's `int` saturate,
    /// so such a batch is later refused as too large instead of wrapping.
    pub fn push(
        &mut self,
        timestamp_ms: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
    ) {
        let body = RecordBody::of(key, value, headers);
        self.push_with_body(timestamp_ms, key, value, headers, body);
    }

    /// [`push`](Self::push) for a caller that already has the record's
    /// `RecordBody::of(key, value, headers)`.
    pub fn push_with_body(
        &mut self,
        timestamp_ms: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
        body: RecordBody,
    ) {
        let offset_delta = self.len();
        self.extend_field(key);
        self.extend_field(value);
        for header in headers {
            self.push_header(header.key.as_bytes(), header.value.as_deref());
        }
        let header_count = u32::try_from(headers.len()).unwrap_or(u32::MAX);
        self.push_entry(offset_delta, timestamp_ms, key, value, header_count, body);
    }

    /// How many records have been pushed.
    pub fn len(&self) -> i32 {
        i32::try_from(self.entries.len()).unwrap_or(i32::MAX)
    }

    /// Whether nothing has been pushed yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes its buffers hold room for.
    pub fn capacity_in_bytes(&self) -> usize {
        std::mem::size_of::<RecordEntry>() * self.entries.capacity()
            + std::mem::size_of::<RecordExtra>() * self.extras.capacity()
            + self.data.capacity()
    }

    /// The uncompressed v2 size of the batch built so far (61-byte header included): what the
    /// producer compares with `batch.size`.
    pub fn uncompressed_size_in_bytes(&self) -> i32 {
        saturate_i32(i64::from(RECORD_BATCH_OVERHEAD).saturating_add(self.records_size_in_bytes))
    }

    /// The finished, immutable set.
    pub fn build(mut self) -> RecordSet {
        let entries = std::mem::take(&mut self.entries).into_boxed_slice();
        let extras = std::mem::take(&mut self.extras);
        let extras = (!extras.is_empty()).then(|| extras.into_boxed_slice());
        let data = std::mem::take(&mut self.data).into_boxed_slice();
        self.set_of(entries, extras, data)
    }

    /// The finished set, copied into buffers of exactly its size, and the builder emptied with
    /// its buffers kept for another batch, as Kafka's producer returns a sent batch's buffer to
    /// its `BufferPool`. A steady producer then stops allocating room it does not fill: only
    /// the bytes the set keeps are new memory.
    pub fn take(&mut self) -> RecordSet {
        let extras = (!self.extras.is_empty()).then(|| Box::from(self.extras.as_slice()));
        let set = self.set_of(
            Box::from(self.entries.as_slice()),
            extras,
            Box::from(self.data.as_slice()),
        );
        let mut entries = std::mem::take(&mut self.entries);
        let mut extras = std::mem::take(&mut self.extras);
        let mut data = std::mem::take(&mut self.data);
        entries.clear();
        extras.clear();
        data.clear();
        *self = RecordSetBuilder {
            entries,
            extras,
            data,
            ..RecordSetBuilder::new()
        };
        set
    }

    fn set_of(
        &self,
        entries: Box<[RecordEntry]>,
        extras: Option<Box<[RecordExtra]>>,
        data: Box<[u8]>,
    ) -> RecordSet {
        RecordSet {
            entries,
            extras,
            data,
            base_timestamp: self.base_timestamp.unwrap_or(-1),
            max_timestamp: self.max_timestamp,
            min_timestamp: self.min_timestamp,
            null_key_count: self.null_key_count,
            uncompressed_size_in_bytes: saturate_i32(
                i64::from(RECORD_BATCH_OVERHEAD).saturating_add(self.records_size_in_bytes),
            ),
        }
    }

    /// Copies a record of another set, keeping its offset delta (compaction).
    fn push_record(&mut self, record: RecordRef<'_>) {
        self.extend_field(record.key);
        self.extend_field(record.value);
        self.data.extend_from_slice(record.headers);
        let headers_size = record.headers().fold(0_i64, |total, header| {
            total.saturating_add(header_size_in_bytes(header.key.as_bytes(), header.value))
        });
        let body = RecordBody::from_lengths(
            length_or_null(record.key),
            length_or_null(record.value),
            i64::from(record.header_count),
            headers_size,
        );
        self.push_entry(
            record.offset_delta,
            record.timestamp,
            record.key,
            record.value,
            record.header_count,
            body,
        );
    }

    /// Adds the entry of a record whose bytes were just appended to `data`.
    fn push_entry(
        &mut self,
        offset_delta: i32,
        timestamp_ms: i64,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        header_count: u32,
        body: RecordBody,
    ) {
        let base_timestamp = *self.base_timestamp.get_or_insert(timestamp_ms);
        self.track_timestamp(timestamp_ms);
        if key.is_none() {
            self.null_key_count = self.null_key_count.saturating_add(1);
        }
        let timestamp_delta = timestamp_ms.saturating_sub(base_timestamp);
        let key_length = length_i32(key);
        let value_length = length_i32(value);
        let size = body.size_in_bytes(offset_delta, timestamp_delta);
        let extra = RecordExtra {
            timestamp_delta,
            offset_delta,
            header_count,
        };
        let plain = offset_delta == self.len()
            && header_count == 0
            && i32::try_from(timestamp_delta).is_ok();
        if !plain || !self.extras.is_empty() {
            self.add_extra(extra);
        }
        self.entries.push(RecordEntry {
            data_end: self.data_position(),
            key_length,
            value_length,
            timestamp_delta: timestamp_delta as i32,
        });
        self.records_size_in_bytes = self.records_size_in_bytes.saturating_add(size);
    }

    /// Records `extra` for the record being pushed, first giving every earlier record (all
    /// plain until now) its own.
    fn add_extra(&mut self, extra: RecordExtra) {
        if self.extras.is_empty() {
            self.extras.reserve(self.entries.capacity());
            let earlier = self
                .entries
                .iter()
                .enumerate()
                .map(|(index, entry)| RecordExtra {
                    timestamp_delta: i64::from(entry.timestamp_delta),
                    offset_delta: i32::try_from(index).unwrap_or(i32::MAX),
                    header_count: 0,
                });
            self.extras.extend(earlier);
        }
        self.extras.push(extra);
    }

    fn track_timestamp(&mut self, timestamp_ms: i64) {
        if self.entries.is_empty() {
            self.max_timestamp = timestamp_ms;
            self.min_timestamp = timestamp_ms;
        } else {
            self.max_timestamp = self.max_timestamp.max(timestamp_ms);
            self.min_timestamp = self.min_timestamp.min(timestamp_ms);
        }
    }

    fn data_position(&self) -> u32 {
        u32::try_from(self.data.len()).unwrap_or(u32::MAX)
    }

    fn extend_field(&mut self, field: Option<&[u8]>) {
        if let Some(bytes) = field {
            self.data.extend_from_slice(bytes);
        }
    }

    fn push_header(&mut self, key: &[u8], value: Option<&[u8]>) {
        let key_length = u32::try_from(key.len()).unwrap_or(u32::MAX);
        self.data.extend_from_slice(&key_length.to_le_bytes());
        self.data.extend_from_slice(key);
        let value_length = value.map_or(-1, |bytes| i32::try_from(bytes.len()).unwrap_or(i32::MAX));
        self.data.extend_from_slice(&value_length.to_le_bytes());
        self.extend_field(value);
    }
}

fn field_len(field: Option<&[u8]>) -> usize {
    field.map_or(0, <[u8]>::len)
}

fn length_i32(field: Option<&[u8]>) -> i32 {
    field.map_or(-1, |bytes| i32::try_from(bytes.len()).unwrap_or(i32::MAX))
}

fn saturate_i32(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(if value < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::record_size::default_record_size_in_bytes;

    #[test]
    fn a_batch_reserves_bounded_room_even_for_a_huge_batch_size() {
        let value = vec![b'v'; 1 << 20];
        let builder = RecordSetBuilder::for_batch(i32::MAX, None, Some(&value), &[]);
        assert!(builder.data.capacity() <= 2 << 20);
        assert!(builder.entries.capacity() <= MAX_RESERVED_RECORDS);
        let small = RecordSetBuilder::for_batch(16_384, Some(b"key-1"), Some(b"value-1"), &[]);
        assert!(
            small.entries.capacity() > 100,
            "room for a full batch of small records"
        );
    }

    #[test]
    fn an_entry_is_16_bytes_and_so_is_an_extra() {
        assert_eq!(std::mem::size_of::<RecordEntry>(), 16);
        assert_eq!(std::mem::size_of::<RecordExtra>(), 16);
    }

    #[test]
    fn builder_counts_each_record_with_its_real_deltas() {
        let headers = [Header {
            key: "trace".to_string(),
            value: Some(b"abc".to_vec()),
        }];
        let mut builder = RecordSetBuilder::new();
        builder.push(1_000, Some(b"k1"), Some(b"v1"), &[]);
        builder.push(2_500, None, Some(b"value"), &headers);
        builder.push(900, Some(b"k3"), None, &[]);
        let set = builder.build();
        let expected = 61
            + default_record_size_in_bytes(0, 0, Some(b"k1"), Some(b"v1"), &[])
            + default_record_size_in_bytes(1, 1_500, None, Some(b"value"), &headers)
            + default_record_size_in_bytes(2, -100, Some(b"k3"), None, &[]);
        assert_eq!(i64::from(set.uncompressed_size_in_bytes()), expected);
        assert_eq!(set.len(), 3);
        assert_eq!((set.min_timestamp(), set.max_timestamp()), (900, 2_500));
        assert_eq!(set.null_key_count(), 1);
    }

    #[test]
    fn records_read_back_as_written() {
        let headers = [
            Header {
                key: "a".to_string(),
                value: None,
            },
            Header {
                key: "bb".to_string(),
                value: Some(vec![1, 2]),
            },
        ];
        let mut builder = RecordSetBuilder::new();
        builder.push(5, Some(b""), None, &headers);
        builder.push(7, None, Some(b"xyz"), &[]);
        let set = builder.build();
        let records: Vec<RecordRef<'_>> = set.iter().collect();
        assert_eq!(records[0].key, Some(&b""[..]));
        assert_eq!(records[0].value, None);
        let read: Vec<(&str, Option<&[u8]>)> =
            records[0].headers().map(|h| (h.key, h.value)).collect();
        assert_eq!(read, vec![("a", None), ("bb", Some(&[1_u8, 2][..]))]);
        assert_eq!((records[1].offset_delta, records[1].timestamp), (1, 7));
        assert_eq!(records[1].key, None);
        assert_eq!(records[1].value, Some(&b"xyz"[..]));
        assert_eq!(records[1].headers().count(), 0);
    }

    #[test]
    fn retain_keeps_offset_deltas_and_rebases_timestamps() {
        let mut builder = RecordSetBuilder::new();
        for index in 0..4_u8 {
            builder.push(100 + i64::from(index), Some(&[index]), Some(b"v"), &[]);
        }
        let set = builder.build();
        let kept = set.retain(|_, record| record.offset_delta % 2 == 1, None);
        let deltas: Vec<i32> = kept.iter().map(|record| record.offset_delta).collect();
        assert_eq!(deltas, vec![1, 3]);
        assert_eq!(kept.base_timestamp(), 101);
        let expected = 61
            + default_record_size_in_bytes(1, 0, Some(&[1]), Some(b"v"), &[])
            + default_record_size_in_bytes(3, 2, Some(&[3]), Some(b"v"), &[]);
        assert_eq!(i64::from(kept.uncompressed_size_in_bytes()), expected);
        let horizon = set.retain(|_, _| true, Some(1_000_000));
        assert_eq!(
            horizon.iter().next().map(|record| record.timestamp),
            Some(100)
        );
    }

    #[test]
    fn an_empty_set_is_just_the_batch_header() {
        let set = RecordSet::empty();
        assert_eq!(set.len(), 0);
        assert_eq!(set.uncompressed_size_in_bytes(), 61);
        assert_eq!(set.max_timestamp(), -1);
    }
}
