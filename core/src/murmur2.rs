//! Kafka's murmur2 hash and `toPositive`, bit for bit as `org.apache.kafka.common.utils.Utils`.
//!
//! The producer maps a keyed record to `to_positive(murmur2(key bytes)) % partition count`, so
//! this must match Java exactly: seed `0x9747b28c`, mixing constants `m = 0x5bd1e995`, `r = 24`,
//! 4-byte little-endian blocks of *unsigned* bytes, the tail handled by a falling-through
//! `switch (length % 4)`, and logical (unsigned, `>>>`) shifts in the final mix. Rust's `u32`
//! wrapping arithmetic gives Java's `int` overflow and `>>>` for free; the result is
//! reinterpreted as a signed `i32` as Java returns it.

const SEED: u32 = 0x9747_b28c;
const M: u32 = 0x5bd1_e995;
const R: u32 = 24;

/// Kafka's `Utils.murmur2`: the 32-bit MurmurHash2 of `data`, as Java's signed `int`.
pub fn murmur2(data: &[u8]) -> i32 {
    // Java's array length is an int; no key here comes near 2^32 bytes, and wrapping is what
    // Java's int conversion would do anyway.
    let length = data.len() as u32;
    let mut hash = SEED ^ length;

    let mut blocks = data.chunks_exact(4);
    for block in blocks.by_ref() {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        hash = hash.wrapping_mul(M);
        hash ^= k;
    }

    // The tail: Java's `case 3` falls through to `case 2` and `case 1`.
    let tail = blocks.remainder();
    if tail.len() >= 3 {
        hash ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        hash ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        hash ^= u32::from(tail[0]);
        hash = hash.wrapping_mul(M);
    }

    hash ^= hash >> 13;
    hash = hash.wrapping_mul(M);
    hash ^= hash >> 15;
    i32::from_ne_bytes(hash.to_ne_bytes())
}

/// Kafka's `Utils.toPositive`: `number & 0x7fffffff`.
///
/// Not `abs`: `abs(i32::MIN)` overflows, and for negative numbers the two differ
/// (`to_positive(-1)` is `2147483647`, not 1).
pub fn to_positive(number: i32) -> i32 {
    number & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectors of Kafka's `UtilsTest.testMurmur2`.
    #[test]
    fn matches_kafka_utils_test_vectors() {
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (
                b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58_897_971,
            ),
            // Kafka writes this one as `new byte[] {'a', 'b', 'c'}`.
            (b"abc", 479_470_107),
        ];
        for (data, expected) in cases {
            assert_eq!(murmur2(data), expected, "murmur2({data:?})");
        }
    }

    #[test]
    fn to_positive_masks_the_sign_bit_instead_of_negating() {
        assert_eq!(to_positive(5), 5);
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-973_932_308), 1_173_551_340);
    }
}
