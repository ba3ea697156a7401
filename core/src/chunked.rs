//! [`ChunkedVec`]: a growing list whose clones share what they have in common.
//!
//! The playground's timeline keeps clones of the whole cluster to rewind from (its snapshots).
//! What grows with simulated time in a cluster is a few append-only lists: each log segment's
//! batches, the acknowledged batches the loss detector remembers, the shell's recent events.
//! Copied whole, on the largest preset, those lists made each clone grow by about 0.6 MB per
//! simulated minute: two dozen snapshots of a two-hour session would have taken gigabytes.
//!
//! A [`ChunkedVec`] keeps its items in chunks of [`CHUNK`] behind an `Arc`. Every chunk but the
//! last is full, so an index finds its chunk by division. A clone copies the list of chunk
//! pointers only; the first change to a shared chunk afterwards (a push to the last chunk, a
//! truncation into one) copies that chunk alone (`Arc::make_mut`). Reading costs one more
//! indirection than a vector.

use std::fmt;
use std::iter::FlatMap;
use std::ops::Index;
use std::slice;
use std::sync::Arc;

/// The items of a [`ChunkedVec`], first to last.
pub type Iter<'a, T> = FlatMap<
    slice::Iter<'a, Arc<Vec<T>>>,
    slice::Iter<'a, T>,
    fn(&'a Arc<Vec<T>>) -> slice::Iter<'a, T>,
>;

/// Items per chunk: what the first change after a clone copies at most.
pub const CHUNK: usize = 256;

/// A list of items in shared chunks (see the module doc).
#[derive(Clone)]
pub struct ChunkedVec<T> {
    /// Every chunk but the last holds exactly [`CHUNK`] items; none is empty.
    chunks: Vec<Arc<Vec<T>>>,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec { chunks: Vec::new() }
    }
}

impl<T: Clone> ChunkedVec<T> {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many items it holds.
    pub fn len(&self) -> usize {
        self.chunks
            .last()
            .map_or(0, |last| (self.chunks.len() - 1) * CHUNK + last.len())
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The item at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// The last item.
    pub fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|chunk| chunk.last())
    }

    /// The items, first to last.
    pub fn iter(&self) -> Iter<'_, T> {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// The items from `start` on (none when `start` is past the end).
    pub fn iter_from(&self, start: usize) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        let (first, skip) = if start < self.len() {
            (start / CHUNK, start % CHUNK)
        } else {
            (self.chunks.len(), 0)
        };
        let chunks = &self.chunks[first..];
        chunks
            .iter()
            .enumerate()
            .flat_map(move |(i, chunk)| chunk[if i == 0 { skip } else { 0 }..].iter())
    }

    /// Adds `value` at the end.
    pub fn push(&mut self, value: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => Arc::make_mut(last).push(value),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK);
                chunk.push(value);
                self.chunks.push(Arc::new(chunk));
            }
        }
    }

    /// Adds `values` at the end, in order: each chunk is made writable once, not per item.
    pub fn extend_from_slice(&mut self, values: &[T]) {
        let mut rest = values;
        while !rest.is_empty() {
            if self.chunks.last().is_none_or(|last| last.len() == CHUNK) {
                self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
            }
            let Some(last) = self.chunks.last_mut().map(Arc::make_mut) else {
                return;
            };
            let (now, later) = rest.split_at((CHUNK - last.len()).min(rest.len()));
            last.extend_from_slice(now);
            rest = later;
        }
    }

    /// Keeps the first `len` items (all of them when it holds fewer).
    pub fn truncate(&mut self, len: usize) {
        if len >= self.len() {
            return;
        }
        self.chunks.truncate(len.div_ceil(CHUNK));
        if let Some(last) = self.chunks.last_mut() {
            let keep = len - (len - 1) / CHUNK * CHUNK;
            if last.len() > keep {
                Arc::make_mut(last).truncate(keep);
            }
        }
    }

    /// Drops the oldest chunks while at least `keep` items would remain. Returns how many items
    /// went (a multiple of [`CHUNK`]).
    pub fn drop_front_keeping(&mut self, keep: usize) -> usize {
        let whole = self.len().saturating_sub(keep) / CHUNK;
        let whole = whole.min(self.chunks.len().saturating_sub(1));
        self.chunks.drain(..whole);
        whole * CHUNK
    }

    /// The index of the first item in `from..to` for which `below` is false, given that it is
    /// true for a prefix of that span and false after (as `slice::partition_point`).
    pub fn partition_point_in(
        &self,
        from: usize,
        to: usize,
        mut below: impl FnMut(&T) -> bool,
    ) -> usize {
        let (mut low, mut high) = (from, to.min(self.len()));
        while low < high {
            let middle = low + (high - low) / 2;
            if below(&self[middle]) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }

    /// Keeps only the items `keep` says yes to, in order. `keep` sees each item once, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        let Some(first) = self.iter().position(|item| !keep(item)) else {
            return;
        };
        let mut kept = self.clone();
        kept.truncate(first);
        for item in self.iter_from(first + 1) {
            if keep(item) {
                kept.push(item.clone());
            }
        }
        *self = kept;
    }
}

impl<T: Clone> Index<usize> for ChunkedVec<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(item) => item,
            None => panic!("index {index} out of a list of {}", self.len()),
        }
    }
}

impl<'a, T: Clone> IntoIterator for &'a ChunkedVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

impl<T: Clone> FromIterator<T> for ChunkedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut list = ChunkedVec::new();
        for item in items {
            list.push(item);
        }
        list
    }
}

impl<T: Clone + PartialEq> PartialEq for ChunkedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq> Eq for ChunkedVec<T> {}

impl<T: Clone + fmt::Debug> fmt::Debug for ChunkedVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(count: usize) -> ChunkedVec<u32> {
        (0..count as u32).collect()
    }

    #[test]
    fn it_indexes_iterates_and_truncates_as_a_vector_does() {
        for count in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17] {
            let list = numbers(count);
            let vector: Vec<u32> = (0..count as u32).collect();
            assert_eq!(list.len(), count);
            assert_eq!(list.iter().copied().collect::<Vec<_>>(), vector);
            assert_eq!(
                list.iter().rev().copied().collect::<Vec<_>>(),
                vector.iter().rev().copied().collect::<Vec<_>>()
            );
            assert_eq!(list.last(), vector.last());
            for start in [0, 1, CHUNK - 1, CHUNK, CHUNK + 5, count, count + 3] {
                let from: Vec<u32> = list.iter_from(start).copied().collect();
                assert_eq!(
                    from,
                    vector.get(start..).unwrap_or_default(),
                    "from {start}"
                );
            }
            for len in [
                0,
                1,
                CHUNK - 1,
                CHUNK,
                CHUNK + 1,
                count / 2,
                count,
                count + 9,
            ] {
                let mut cut = list.clone();
                cut.truncate(len);
                let mut expected = vector.clone();
                expected.truncate(len);
                assert_eq!(cut.iter().copied().collect::<Vec<_>>(), expected);
                assert_eq!(cut.len(), expected.len());
                cut.push(7);
                expected.push(7);
                assert_eq!(cut.iter().copied().collect::<Vec<_>>(), expected, "{len}");
            }
        }
    }

    #[test]
    fn a_clone_shares_its_chunks_and_changes_apart() {
        let mut list = numbers(2 * CHUNK + 3);
        let snapshot = list.clone();
        assert!(Arc::ptr_eq(&list.chunks[0], &snapshot.chunks[0]));
        list.push(1_000);
        list.truncate(CHUNK + 1);
        list.push(2_000);
        assert_eq!(snapshot, numbers(2 * CHUNK + 3));
        assert!(Arc::ptr_eq(&list.chunks[0], &snapshot.chunks[0]));
        assert_eq!(list.len(), CHUNK + 2);
        assert_eq!(list[CHUNK], CHUNK as u32);
        assert_eq!(list[CHUNK + 1], 2_000);
    }

    #[test]
    fn extending_fills_chunks_as_pushing_does_and_leaves_clones_alone() {
        let all: Vec<u32> = (0..3 * CHUNK as u32 + 9).collect();
        for split in [0, 1, CHUNK - 1, CHUNK, CHUNK + 2] {
            let mut list: ChunkedVec<u32> = all[..split].iter().copied().collect();
            let snapshot = list.clone();
            list.extend_from_slice(&all[split..]);
            assert_eq!(list, all.iter().copied().collect());
            assert_eq!(list.len(), all.len());
            assert!(list.chunks[..list.chunks.len() - 1]
                .iter()
                .all(|chunk| chunk.len() == CHUNK));
            assert_eq!(snapshot, all[..split].iter().copied().collect());
        }
    }

    #[test]
    fn dropping_the_front_keeps_at_least_what_is_asked_and_the_newest() {
        let mut list = numbers(5 * CHUNK + 10);
        let dropped = list.drop_front_keeping(2 * CHUNK);
        assert_eq!(dropped, 3 * CHUNK);
        assert_eq!(list.len(), 2 * CHUNK + 10);
        assert_eq!(list[0], 3 * CHUNK as u32);
        assert_eq!(list.last(), Some(&(5 * CHUNK as u32 + 9)));
        // Never the last chunk, and nothing when there is less than asked.
        let mut short = numbers(CHUNK + 3);
        assert_eq!(short.drop_front_keeping(0), CHUNK);
        assert_eq!(short.len(), 3);
        assert_eq!(short.drop_front_keeping(0), 0);
        assert_eq!(short.drop_front_keeping(10), 0);
    }

    #[test]
    fn the_partition_point_is_the_slices_within_any_span() {
        let list = numbers(3 * CHUNK);
        let vector: Vec<u32> = (0..3 * CHUNK as u32).collect();
        for limit in [0, 5, CHUNK as u32, 2 * CHUNK as u32 + 1, 10_000] {
            for (from, to) in [(0, 3 * CHUNK), (CHUNK, 2 * CHUNK), (7, 7), (10, 3 * CHUNK)] {
                let expected = from + vector[from..to].partition_point(|n| *n < limit);
                assert_eq!(list.partition_point_in(from, to, |n| *n < limit), expected);
            }
        }
    }

    #[test]
    fn retain_keeps_the_order_of_what_it_keeps() {
        let mut list = numbers(2 * CHUNK + 1);
        let mut seen = Vec::new();
        list.retain(|n| {
            seen.push(*n);
            n % 3 == 0
        });
        assert_eq!(seen, (0..2 * CHUNK as u32 + 1).collect::<Vec<_>>());
        let expected: Vec<u32> = (0..2 * CHUNK as u32 + 1).filter(|n| n % 3 == 0).collect();
        assert_eq!(list.iter().copied().collect::<Vec<_>>(), expected);
        assert_eq!(list.len(), expected.len());
    }
}
