//! One signal per item of a keyed list (the broker cards), so that a refresh which changes a
//! few items wakes only their part of the page.
//!
//! Why not one memo of the whole list, each item picking itself out of it? Because then any
//! change marks every item's memos and effects in the reactive graph, and each of them checks
//! itself again: on the largest preset, a refresh that moved one broker card's offsets made all
//! 144 replica chips check themselves, which cost more than drawing the card. With a signal
//! per item, a refresh sets only the signals whose item changed.
//!
//! It pays where a refresh changes few of many items, as a card's turn does. Where a refresh
//! changes nearly every item anyway (the offsets rows of the table and the groups, a card's
//! chips), one memo per item over the list does as well, and each list kept as signals costs
//! about 4 KB of gzipped WebAssembly (the reactive types are generic over the item).

use kplay_core::vec_map::VecMap;

use leptos::prelude::*;

/// The signals of a keyed list's items, kept in step with the list by [`KeyedSignals::sync`].
pub struct KeyedSignals<K, T> {
    signals: VecMap<K, ArcRwSignal<T>>,
}

impl<K, T> Default for KeyedSignals<K, T> {
    fn default() -> Self {
        KeyedSignals {
            signals: VecMap::new(),
        }
    }
}

impl<K, T> KeyedSignals<K, T>
where
    K: Ord + Clone,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    /// Brings the signals in step with `items` (key and item, in display order): sets the
    /// signal of each item that changed, makes one for each new key, drops those of keys that
    /// are gone. Returns the keys in order. Unchanged items' signals are not touched, so
    /// nothing that follows them runs.
    pub fn sync<'a>(&mut self, items: impl IntoIterator<Item = (K, &'a T)>) -> Vec<K>
    where
        T: 'a,
    {
        let mut keys = Vec::new();
        for (key, item) in items {
            match self.signals.get(&key) {
                Some(signal) => {
                    if signal.with_untracked(|old| old != item) {
                        signal.set(item.clone());
                    }
                }
                None => {
                    self.signals
                        .insert(key.clone(), ArcRwSignal::new(item.clone()));
                }
            }
            keys.push(key);
        }
        if keys.len() != self.signals.len() {
            let kept: kplay_core::vec_map::VecSet<&K> = kplay_core::sort::to_set(keys.iter());
            self.signals.retain(|key, _| kept.contains(key));
        }
        keys
    }

    /// The signal of `key`'s item, if the list has it.
    pub fn get(&self, key: &K) -> Option<ArcRwSignal<T>> {
        self.signals.get(key).cloned()
    }
}

/// The keys of a list, with one signal per item: the list's component shows the keys with
/// [`keyed_list`](crate::keyed_list::keyed_list), and each item's component follows its own
/// signal from [`KeyedList::signal`].
///
/// The keys memo brings the signals in step before it answers, so an item's component, created
/// when its key first appears, always finds its signal.
pub struct KeyedList<K: Send + Sync + 'static, T: Send + Sync + 'static> {
    keys: Memo<Vec<K>>,
    signals: StoredValue<KeyedSignals<K, T>>,
}

impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Clone for KeyedList<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Copy for KeyedList<K, T> {}

impl<K, T> KeyedList<K, T>
where
    K: Ord + Clone + PartialEq + Send + Sync + 'static,
    T: Clone + PartialEq + Send + Sync + 'static,
{
    /// Follows `list`, a signal or memo of a whole list, with `items` picking each item and
    /// its key out of it.
    pub fn new<L>(list: impl Into<Signal<L>>, items: fn(&L) -> Vec<(K, &T)>) -> Self
    where
        L: Send + Sync + 'static,
    {
        let list = list.into();
        let signals = StoredValue::new(KeyedSignals::default());
        let keys = Memo::new(move |_| {
            list.with(|list| signals.try_update_value(|signals| signals.sync(items(list))))
                .unwrap_or_default()
        });
        KeyedList { keys, signals }
    }

    /// The keys, in order.
    pub fn keys(&self) -> Memo<Vec<K>> {
        self.keys
    }

    /// The signal of `key`'s item, owned by the calling component. `None` only for a key the
    /// list no longer has.
    pub fn signal(&self, key: &K) -> Option<RwSignal<T>> {
        self.signals
            .with_value(|signals| signals.get(key))
            .map(RwSignal::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_sets_only_the_items_that_changed_and_drops_the_gone() {
        let owner = Owner::new();
        owner.set();
        let mut keyed = KeyedSignals::<i32, String>::default();
        let first = [(1, "a".to_owned()), (2, "b".to_owned())];
        let keys = keyed.sync(first.iter().map(|(k, v)| (*k, v)));
        assert_eq!(keys, vec![1, 2]);
        let one = keyed.get(&1).expect("a signal for 1");
        let two = keyed.get(&2).expect("a signal for 2");
        let second = [
            (2, "B".to_owned()),
            (1, "a".to_owned()),
            (3, "c".to_owned()),
        ];
        assert_eq!(
            keyed.sync(second.iter().map(|(k, v)| (*k, v))),
            vec![2, 1, 3]
        );
        assert_eq!(one.get_untracked(), "a");
        assert_eq!(two.get_untracked(), "B");
        assert!(keyed.get(&3).is_some());
        let third = [(3, "c".to_owned())];
        assert_eq!(keyed.sync(third.iter().map(|(k, v)| (*k, v))), vec![3]);
        assert!(keyed.get(&1).is_none());
        assert!(keyed.get(&2).is_none());
    }
}
