//! Stable sorting with one copy of the sort's code.
//!
//! `slice::sort_by` is generic over the element and the comparison, so every call site with its
//! own closure compiles a private copy of Rust's stable sort (about 3.5 KB of WebAssembly). The
//! playground's WebAssembly has a size budget (issue 5), and the core, the CLI and the UI sorted
//! at about fifty such sites. Here the sort runs once, over positions with the comparison behind
//! a `dyn` reference, and the elements are then moved into place. The result is exactly the
//! standard library's: a stable sort, equal elements keeping their order, so Kafka's stable
//! `Collections.sort` orders (the assignors) are unchanged. [`to_map`] and [`to_set`] are
//! `collect()` into a [`VecMap`](crate::vec_map::VecMap) or [`VecSet`](crate::vec_map::VecSet),
//! where a call reads better with a function.
//!
//! What is sorted here is small (members, partitions, brokers, configs, messages in flight): the
//! indirect comparison costs nothing measurable there.

use crate::vec_map::{VecMap, VecSet};
use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, with the same result as `items.sort_by(compare)`.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = sorted_positions(items.len(), &mut |a, b| compare(&items[a], &items[b]));
    move_into_order(items, order);
}

/// Sorts `items` stably by the key `key` gives, as `items.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order, as `items.sort()` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Builds a map from `entries`; a repeated key keeps its last value.
pub fn to_map<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> VecMap<K, V> {
    entries.into_iter().collect()
}

/// Builds a set from `items`; of equal items the last is kept.
pub fn to_set<T: Ord>(items: impl IntoIterator<Item = T>) -> VecSet<T> {
    items.into_iter().collect()
}

/// The positions `0..len`, stably sorted by `compare`: the one instance of the sort.
fn sorted_positions(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `items` so that position `i` holds what was at `order[i]`, following each cycle of
/// the permutation once with swaps. `order` is used up as the record of finished positions.
fn move_into_order<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        // Invariant: `items[current]` holds what was at `start`.
        let mut current = start;
        loop {
            let next = order[current];
            order[current] = current;
            if next == start {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_types)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_keys_keep_their_order() {
        let mut pairs = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e'), (2, 'f')];
        sort_by_key(&mut pairs, |pair| pair.0);
        assert_eq!(
            pairs,
            vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c'), (2, 'f')]
        );
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value_as_in_a_btree_map() {
        let entries = vec![("b", 1), ("a", 2), ("b", 3)];
        let collected: std::collections::BTreeMap<_, _> = entries.iter().copied().collect();
        assert!(to_map(entries).into_iter().eq(collected));
    }

    proptest! {
        #[test]
        fn sorts_exactly_as_the_standard_stable_sort(
            items in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)
        ) {
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            let mut sorted = items.clone();
            sort_by_key(&mut sorted, |item| item.0);
            prop_assert_eq!(&sorted, &expected);

            let mut natural = items.clone();
            sort(&mut natural);
            let mut natural_expected = items;
            natural_expected.sort();
            prop_assert_eq!(natural, natural_expected);
        }

        #[test]
        fn builds_the_same_maps_and_sets_as_the_standard_collections(
            entries in proptest::collection::vec((0u8..20, any::<u16>()), 0..100)
        ) {
            let map: std::collections::BTreeMap<_, _> = entries.iter().copied().collect();
            prop_assert!(to_map(entries.iter().copied()).into_iter().eq(map));
            let set: std::collections::BTreeSet<_> = entries.iter().copied().collect();
            prop_assert!(to_set(entries).into_iter().eq(set));
        }
    }
}
