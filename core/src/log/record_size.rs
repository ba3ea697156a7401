//! Sizes in bytes of records and record batches, as Kafka's record format v2 lays them out.
//!
//! A record (`org.apache.kafka.common.record.DefaultRecord`) is:
//! `length: varint, attributes: int8, timestampDelta: varlong, offsetDelta: varint,
//! keyLength: varint, key, valueLength: varint, value, headersCount: varint, headers`,
//! where a null key or value has length -1 and varints are zigzag-encoded 7 bits per byte
//! (`ByteUtils.sizeOfVarint`). `DefaultRecord.sizeInBytes` is the body plus its own length
//! varint. A batch (`DefaultRecordBatch`) adds a fixed 61-byte header
//! (`RECORD_BATCH_OVERHEAD`) in front of its records. These are uncompressed sizes; the stored
//! size of a compressed batch comes from the model in [`super::compression`].
//!
//! Sizes are returned as `i64`: Kafka computes them in `int`, but a key or value the simulator
//! is handed may be longer than any `int`, and the size must then compare as "too large"
//! instead of overflowing.

/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`: the bytes of a v2 batch header before its records.
pub const RECORD_BATCH_OVERHEAD: i32 = 61;

/// A record header (`org.apache.kafka.common.header.Header`): a string key and optional bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The header key, written as UTF-8.
    pub key: String,
    /// The header value; `None` is written as length -1.
    pub value: Option<Vec<u8>>,
}

/// `ByteUtils.sizeOfVarint`: bytes of a zigzag-encoded `int`.
pub fn size_of_varint(value: i32) -> i32 {
    let zigzag = ((value << 1) ^ (value >> 31)) as u32;
    size_of_unsigned(u64::from(zigzag))
}

/// `ByteUtils.sizeOfVarlong`: bytes of a zigzag-encoded `long`.
pub fn size_of_varlong(value: i64) -> i32 {
    let zigzag = ((value << 1) ^ (value >> 63)) as u64;
    size_of_unsigned(zigzag)
}

/// Bytes needed to write `value` 7 bits at a time (at least one): its significant bits in
/// groups of 7, counted without a loop (sizes are computed several times per record).
fn size_of_unsigned(value: u64) -> i32 {
    let significant_bits = 64 - (value | 1).leading_zeros();
    (significant_bits as i32 + 6) / 7
}

/// A byte count as `i64`, saturating where `usize` is wider.
fn length_of(bytes: &[u8]) -> i64 {
    i64::try_from(bytes.len()).unwrap_or(i64::MAX)
}

/// A length-prefixed field: its length varint plus its bytes, or the -1 varint for null.
fn size_of_nullable(field: Option<&[u8]>) -> i64 {
    size_of_length_prefixed(field.map_or(-1, length_of))
}

/// A length-prefixed field of `length` bytes (-1 for null): the length varint plus the bytes.
pub fn size_of_length_prefixed(length: i64) -> i64 {
    if length < 0 {
        return i64::from(size_of_varint(-1));
    }
    i64::from(size_of_varlong(length)).saturating_add(length)
}

/// `DefaultRecord.sizeInBytes` from the record's parts: key and value lengths (-1 for null)
/// and the headers' count and already-computed wire size (their key and value length
/// prefixes included, the count varint excluded).
pub fn record_size_from_lengths(
    offset_delta: i32,
    timestamp_delta: i64,
    key_length: i64,
    value_length: i64,
    header_count: i64,
    headers_size_in_bytes: i64,
) -> i64 {
    RecordBody::from_lengths(
        key_length,
        value_length,
        header_count,
        headers_size_in_bytes,
    )
    .size_in_bytes(offset_delta, timestamp_delta)
}

/// The part of a record's `DefaultRecord.sizeInBytes` that does not depend on where it sits in
/// its batch: attributes, key, value and headers. A producer sizes each record several times
/// (the `max.request.size` check, `hasRoomFor`, the append); this is computed once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordBody {
    bytes: i64,
}

impl RecordBody {
    /// The body of a record with these parts.
    pub fn of(key: Option<&[u8]>, value: Option<&[u8]>, headers: &[Header]) -> RecordBody {
        let header_count = i64::try_from(headers.len()).unwrap_or(i64::MAX);
        RecordBody::from_lengths(
            key.map_or(-1, length_of),
            value.map_or(-1, length_of),
            header_count,
            headers_size_in_bytes(headers),
        )
    }

    /// The body from key and value lengths (-1 for null) and the headers' count and wire size.
    pub fn from_lengths(
        key_length: i64,
        value_length: i64,
        header_count: i64,
        headers_size_in_bytes: i64,
    ) -> RecordBody {
        let bytes = 1_i64 // attributes: always one byte
            .saturating_add(size_of_length_prefixed(key_length))
            .saturating_add(size_of_length_prefixed(value_length))
            .saturating_add(i64::from(size_of_varlong(header_count)))
            .saturating_add(headers_size_in_bytes);
        RecordBody { bytes }
    }

    /// `DefaultRecord.sizeInBytes` of the record written with these deltas.
    pub fn size_in_bytes(self, offset_delta: i32, timestamp_delta: i64) -> i64 {
        let deltas = size_of_varint(offset_delta) + size_of_varlong(timestamp_delta);
        let body = self.bytes.saturating_add(i64::from(deltas));
        body.saturating_add(i64::from(size_of_varlong(body)))
    }
}

/// The wire size of one header inside a record: its key and value with their length prefixes.
pub fn header_size_in_bytes(key: &[u8], value: Option<&[u8]>) -> i64 {
    size_of_nullable(Some(key)).saturating_add(size_of_nullable(value))
}

/// The wire size of `headers` inside a record (their count varint excluded).
pub fn headers_size_in_bytes(headers: &[Header]) -> i64 {
    headers.iter().fold(0_i64, |total, header| {
        total.saturating_add(header_size_in_bytes(
            header.key.as_bytes(),
            header.value.as_deref(),
        ))
    })
}

/// `DefaultRecord.sizeInBytes`: the full size of one record inside a batch, including its
/// leading length varint.
pub fn default_record_size_in_bytes(
    offset_delta: i32,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> i64 {
    RecordBody::of(key, value, headers).size_in_bytes(offset_delta, timestamp_delta)
}

/// The size of a record without headers that is the first record of its batch (offset delta 0,
/// timestamp delta 0).
pub fn record_size_in_bytes(key: Option<&[u8]>, value: Option<&[u8]>) -> i64 {
    default_record_size_in_bytes(0, 0, key, value, &[])
}

/// The size of an uncompressed v2 batch holding records of the given sizes: the 61-byte batch
/// header plus the records.
pub fn record_batch_size_in_bytes(record_sizes: impl IntoIterator<Item = i64>) -> i64 {
    record_sizes
        .into_iter()
        .fold(i64::from(RECORD_BATCH_OVERHEAD), i64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_are_zigzag_seven_bits_per_byte() {
        assert_eq!(size_of_varint(0), 1);
        assert_eq!(size_of_varint(-1), 1); // zigzag 1
        assert_eq!(size_of_varint(63), 1); // zigzag 126
        assert_eq!(size_of_varint(64), 2); // zigzag 128
        assert_eq!(size_of_varint(-64), 1); // zigzag 127
        assert_eq!(size_of_varint(-65), 2); // zigzag 129
        assert_eq!(size_of_varint(8191), 2); // zigzag 16382
        assert_eq!(size_of_varint(8192), 3); // zigzag 16384
        assert_eq!(size_of_varint(i32::MAX), 5);
        assert_eq!(size_of_varint(i32::MIN), 5);
        assert_eq!(size_of_varlong(i64::MAX), 10);
        assert_eq!(size_of_varlong(i64::MIN), 10);
    }

    #[test]
    fn varint_sizes_match_writing_seven_bits_at_a_time() {
        let written = |mut value: u64| {
            let mut bytes = 1;
            while value >= 0x80 {
                value >>= 7;
                bytes += 1;
            }
            bytes
        };
        for shift in 0..64 {
            let power = 1_u64 << shift;
            for value in [power - 1, power, power + 1, power.wrapping_mul(3)] {
                assert_eq!(size_of_unsigned(value), written(value), "{value}");
            }
        }
        assert_eq!(size_of_unsigned(0), 1);
        assert_eq!(size_of_unsigned(u64::MAX), 10);
    }

    #[test]
    fn varint_and_varlong_agree_on_int_values() {
        for value in [0, 1, -1, 63, 64, -65, 1 << 20, i32::MAX, i32::MIN] {
            assert_eq!(size_of_varint(value), size_of_varlong(i64::from(value)));
        }
    }

    // Sizes worked out by hand from DefaultRecord.sizeOfBodyInBytes:
    // body = 1 (attributes) + varint(offsetDelta) + varlong(timestampDelta)
    //      + key part + value part + varint(headers count); size = body + varint(body).

    #[test]
    fn null_key_and_null_value_record_is_7_bytes() {
        // body = 1 + 1 + 1 + 1 (key -1) + 1 (value -1) + 1 (0 headers) = 6; + 1 length byte.
        assert_eq!(record_size_in_bytes(None, None), 7);
        assert_eq!(record_batch_size_in_bytes([7]), 68);
    }

    #[test]
    fn key_and_value_record_counts_lengths_and_bytes() {
        // body = 3 + (1 + 3 "key") + (1 + 5 "value") + 1 = 14; + 1 length byte.
        assert_eq!(record_size_in_bytes(Some(b"key"), Some(b"value")), 15);
    }

    #[test]
    fn empty_key_costs_the_same_as_null_key() {
        // An empty key writes length 0 (1 byte), a null key writes -1 (1 byte).
        assert_eq!(record_size_in_bytes(Some(b""), None), 7);
    }

    #[test]
    fn length_varint_grows_at_64_bytes() {
        // Null key, 57-byte value: body = 3 + 1 + (1 + 57) + 1 = 63, one length byte -> 64.
        assert_eq!(record_size_in_bytes(None, Some(&[b'v'; 57])), 64);
        // 58-byte value: body = 64, which needs two length bytes -> 66.
        assert_eq!(record_size_in_bytes(None, Some(&[b'v'; 58])), 66);
        // 64-byte value: its own length takes 2 bytes too: body = 3 + 1 + (2 + 64) + 1 = 71,
        // and 71 needs two length bytes -> 73.
        assert_eq!(record_size_in_bytes(None, Some(&[b'v'; 64])), 73);
    }

    #[test]
    fn later_records_in_a_batch_pay_for_their_deltas() {
        // Offset delta 1 (1 byte), timestamp delta 1000 ms (zigzag 2000: 2 bytes):
        // body = 1 + 1 + 2 + (1 + 1) + (1 + 1) + 1 = 9 -> 10.
        assert_eq!(
            default_record_size_in_bytes(1, 1000, Some(b"k"), Some(b"v"), &[]),
            10
        );
    }

    #[test]
    fn headers_add_key_and_value_lengths() {
        let headers = [Header {
            key: "trace".to_string(),
            value: Some(b"abc".to_vec()),
        }];
        // body = 3 + 1 (null key) + 1 (null value) + 1 (1 header) + (1 + 5) + (1 + 3) = 16 -> 17.
        assert_eq!(default_record_size_in_bytes(0, 0, None, None, &headers), 17);
    }

    #[test]
    fn a_one_mebibyte_value_needs_a_four_byte_length() {
        let value = vec![0_u8; 1 << 20];
        // value length 1048576: zigzag 2097152 = 2^21 -> 4 bytes.
        // body = 3 + 1 + (4 + 1048576) + 1 = 1048585; zigzag 2097170 -> 4 length bytes.
        assert_eq!(record_size_in_bytes(None, Some(&value)), 1_048_589);
    }
}
