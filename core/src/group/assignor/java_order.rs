//! The Java orderings Kafka's assignors depend on, reproduced so results match Kafka's.
//!
//! - [`compare_strings`]: `String.compareTo`, which compares UTF-16 code units (Rust's `str`
//!   order compares UTF-8 bytes; the two differ only for characters outside the BMP).
//! - [`string_hash_code`] and [`topic_partition_hash_code`]: `String.hashCode` and
//!   `TopicPartition.hashCode`.
//! - [`HashTableOrder`]: the iteration order of a `java.util.HashMap` or `HashSet` built with
//!   the default capacity: by bucket (`(h ^ h >>> 16) & (capacity - 1)`), then by insertion
//!   order within a bucket, with the table doubling as Java's does.

use std::cmp::Ordering;

/// `HashMap.DEFAULT_INITIAL_CAPACITY`.
const DEFAULT_INITIAL_CAPACITY: u32 = 16;
/// `HashMap.TREEIFY_THRESHOLD`: a bin this long gets treeified on the next insert...
const TREEIFY_THRESHOLD: usize = 8;
/// ...unless the table is smaller than `MIN_TREEIFY_CAPACITY`, in which case it doubles.
const MIN_TREEIFY_CAPACITY: u32 = 64;

/// Java's `String.compareTo`: lexicographic over UTF-16 code units.
pub(crate) fn compare_strings(left: &str, right: &str) -> Ordering {
    left.encode_utf16().cmp(right.encode_utf16())
}

/// Java's `String.hashCode`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 code units, wrapping.
pub(crate) fn string_hash_code(text: &str) -> i32 {
    text.encode_utf16().fold(0_i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Kafka's `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
pub(crate) fn topic_partition_hash_code(topic_hash_code: i32, partition: i32) -> i32 {
    31_i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(topic_hash_code)
}

/// `HashMap.hash` spread, masked to a table of `capacity` buckets.
fn bucket(hash_code: i32, capacity: u32) -> u32 {
    let hash = u32::from_ne_bytes(hash_code.to_ne_bytes());
    (hash ^ (hash >> 16)) & (capacity - 1)
}

/// The keys of a Java `HashMap`/`HashSet` created with `new HashMap<>()`, tracked through inserts
/// and removals so they can be listed in Java's iteration order.
#[derive(Debug, Clone)]
pub(crate) struct HashTableOrder<K> {
    capacity: u32,
    /// Keys with their hash codes, in insertion order.
    entries: Vec<(K, i32)>,
}

impl<K: PartialEq + Clone> HashTableOrder<K> {
    /// An empty table of the default capacity.
    pub(crate) fn new() -> Self {
        HashTableOrder {
            capacity: DEFAULT_INITIAL_CAPACITY,
            entries: Vec::new(),
        }
    }

    /// `put`/`add`: a new key goes to the end of its bucket; an existing key keeps its place.
    pub(crate) fn insert(&mut self, key: K, hash_code: i32) {
        if self.entries.iter().any(|(existing, _)| *existing == key) {
            return;
        }
        let target = bucket(hash_code, self.capacity);
        let bin_length = self
            .entries
            .iter()
            .filter(|(_, hash)| bucket(*hash, self.capacity) == target)
            .count();
        self.entries.push((key, hash_code));
        if bin_length >= TREEIFY_THRESHOLD && self.capacity < MIN_TREEIFY_CAPACITY {
            self.capacity *= 2;
        }
        if self.entries.len() > self.threshold() {
            self.capacity *= 2;
        }
    }

    /// `remove`: the others keep their relative order; the table never shrinks.
    pub(crate) fn remove(&mut self, key: &K) {
        self.entries.retain(|(existing, _)| existing != key);
    }

    /// Whether the table holds no key.
    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The first key an iterator returns (`iterator().next()`).
    pub(crate) fn first(&self) -> Option<K> {
        self.entries
            .iter()
            .enumerate()
            .min_by_key(|(position, (_, hash))| (bucket(*hash, self.capacity), *position))
            .map(|(_, (key, _))| key.clone())
    }

    /// All keys in Java's iteration order.
    pub(crate) fn iteration_order(&self) -> Vec<K> {
        let mut ordered: Vec<&(K, i32)> = self.entries.iter().collect();
        // A stable sort keeps insertion order within a bucket.
        crate::sort::sort_by_key(&mut ordered, |(_, hash)| bucket(*hash, self.capacity));
        ordered.into_iter().map(|(key, _)| key.clone()).collect()
    }

    /// `threshold`: the size past which the table doubles (load factor 0.75).
    fn threshold(&self) -> usize {
        usize::try_from(self.capacity / 4 * 3).unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_code_matches_java() {
        assert_eq!(string_hash_code(""), 0);
        assert_eq!(string_hash_code("a"), 97);
        // "consumer1".hashCode() in Java.
        assert_eq!(string_hash_code("consumer1"), -421_004_549);
        // Java's classic collision.
        assert_eq!(string_hash_code("Aa"), string_hash_code("BB"));
    }

    #[test]
    fn hash_map_iterates_by_bucket_then_insertion() {
        let mut table = HashTableOrder::new();
        for name in ["consumer1", "consumer2", "consumer3", "consumer4"] {
            table.insert(name, string_hash_code(name));
        }
        // What `new HashMap<>()` with these four keys iterates in Java.
        assert_eq!(
            table.iteration_order(),
            vec!["consumer4", "consumer3", "consumer2", "consumer1"]
        );
        assert_eq!(table.first(), Some("consumer4"));
    }

    #[test]
    fn compare_strings_uses_utf16_order() {
        // U+FF5E sorts before U+1F600 in UTF-8 byte order but after it in UTF-16.
        assert_eq!(compare_strings("\u{ff5e}", "\u{1f600}"), Ordering::Greater);
        assert_eq!(compare_strings("a", "b"), Ordering::Less);
    }
}
