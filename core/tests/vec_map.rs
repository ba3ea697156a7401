//! `VecMap` and `VecSet` behave as the standard `BTreeMap` and `BTreeSet` they replace: the same
//! random operations applied to both give the same answers and the same contents, in order.

#![allow(clippy::disallowed_types)]

use kplay_core::vec_map::{VecMap, VecSet};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
enum Op {
    Insert(u8, u16),
    Remove(u8),
    Get(u8),
    EntryOrInsert(u8, u16),
    EntryOrDefault(u8),
    Retain(u8),
    Extend(Vec<(u8, u16)>),
    Collect(Vec<(u8, u16)>),
    FromVec(Vec<(u8, u16)>),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0u8..24;
    let entries = proptest::collection::vec((0u8..24, any::<u16>()), 0..12);
    prop_oneof![
        4 => (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
        2 => key.clone().prop_map(Op::Remove),
        1 => key.clone().prop_map(Op::Get),
        2 => (key.clone(), any::<u16>()).prop_map(|(k, v)| Op::EntryOrInsert(k, v)),
        1 => key.clone().prop_map(Op::EntryOrDefault),
        1 => (1u8..5).prop_map(Op::Retain),
        1 => entries.clone().prop_map(Op::Extend),
        1 => entries.clone().prop_map(Op::Collect),
        1 => entries.prop_map(Op::FromVec),
        1 => Just(Op::Clear),
    ]
}

/// Applies `op` to both maps and checks they answer alike.
fn apply(op: &Op, std: &mut BTreeMap<u8, u16>, ours: &mut VecMap<u8, u16>) {
    match op {
        Op::Insert(k, v) => assert_eq!(std.insert(*k, *v), ours.insert(*k, *v)),
        Op::Remove(k) => assert_eq!(std.remove(k), ours.remove(k)),
        Op::Get(k) => {
            assert_eq!(std.get(k), ours.get(k));
            assert_eq!(std.contains_key(k), ours.contains_key(k));
        }
        Op::EntryOrInsert(k, v) => {
            let a = *std.entry(*k).or_insert(*v);
            let b = *ours.entry(*k).or_insert(*v);
            assert_eq!(a, b);
        }
        Op::EntryOrDefault(k) => {
            let a = std.entry(*k).or_default();
            *a = a.wrapping_add(1);
            let b = ours.entry(*k).or_default();
            *b = b.wrapping_add(1);
        }
        Op::Retain(m) => {
            std.retain(|k, v| (*k as u16).wrapping_add(*v) % *m as u16 != 0);
            ours.retain(|k, v| (*k as u16).wrapping_add(*v) % *m as u16 != 0);
        }
        Op::Extend(entries) => {
            std.extend(entries.iter().copied());
            ours.extend(entries.iter().copied());
        }
        Op::Collect(entries) => {
            *std = entries.iter().copied().collect();
            *ours = entries.iter().copied().collect();
        }
        Op::FromVec(entries) => {
            *std = entries.iter().copied().collect();
            *ours = VecMap::from_vec(entries.clone());
        }
        Op::Clear => {
            std.clear();
            ours.clear();
        }
    }
}

proptest! {
    #[test]
    fn a_vec_map_answers_as_a_btree_map(ops in proptest::collection::vec(op(), 1..60)) {
        let mut std = BTreeMap::new();
        let mut ours = VecMap::new();
        for op in &ops {
            apply(op, &mut std, &mut ours);
            let a: Vec<(&u8, &u16)> = std.iter().collect();
            let b: Vec<(&u8, &u16)> = ours.iter().collect();
            prop_assert_eq!(&a, &b, "after {:?}", op);
            prop_assert_eq!(std.len(), ours.len());
            prop_assert_eq!(format!("{std:?}"), format!("{ours:?}"));
        }
    }

    #[test]
    fn a_vec_set_answers_as_a_btree_set(
        items in proptest::collection::vec(0u8..32, 0..40),
        others in proptest::collection::vec(0u8..32, 0..40),
    ) {
        let std: BTreeSet<u8> = items.iter().copied().collect();
        let ours: VecSet<u8> = items.iter().copied().collect();
        let std_other: BTreeSet<u8> = others.iter().copied().collect();
        let our_other: VecSet<u8> = others.iter().copied().collect();
        prop_assert_eq!(std.iter().collect::<Vec<_>>(), ours.iter().collect::<Vec<_>>());
        prop_assert_eq!(
            std.difference(&std_other).collect::<Vec<_>>(),
            ours.difference(&our_other).collect::<Vec<_>>()
        );
        prop_assert_eq!(
            std.intersection(&std_other).collect::<Vec<_>>(),
            ours.intersection(&our_other).collect::<Vec<_>>()
        );
        prop_assert_eq!(std.is_subset(&std_other), ours.is_subset(&our_other));
        prop_assert_eq!(std.is_superset(&std_other), ours.is_superset(&our_other));
        prop_assert_eq!(std.first(), ours.first());
        prop_assert_eq!(std.last(), ours.last());
        let (mut std, mut ours) = (std, ours);
        for item in &others {
            prop_assert_eq!(std.remove(item), ours.remove(item));
            prop_assert_eq!(std.insert(item / 2), ours.insert(item / 2));
            prop_assert_eq!(std.contains(item), ours.contains(item));
        }
        prop_assert_eq!(format!("{std:?}"), format!("{ours:?}"));
    }
}

#[test]
fn maps_compare_as_their_entries_and_index_by_key() {
    let a: VecMap<u8, u8> = [(1, 1), (2, 0)].into_iter().collect();
    let b: VecMap<u8, u8> = [(1, 2)].into_iter().collect();
    let (sa, sb): (BTreeMap<u8, u8>, BTreeMap<u8, u8>) = ([(1, 1), (2, 0)].into(), [(1, 2)].into());
    assert_eq!(a.cmp(&b), sa.cmp(&sb));
    assert_eq!(a[&2], 0);
}
