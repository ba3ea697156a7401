//! [`keyed_list`]: Leptos's keyed `<For>`, compiled once for the whole UI.
//!
//! `<For>` is generic over its items, their keys, the child view and three closures, so every
//! call site compiled its own copy of the keyed list: the diff, the building and moving of rows,
//! the per-row reactive owners. The UI has seventeen lists; sharing one copy took 23 KB off the
//! gzipped WebAssembly (issue 5 caps `dist/` at 400 KB gzip), with no change in frame time.
//!
//! [`keyed_list`] turns a list's items into rows of one type (the key and the item, boxed) and
//! shows them with a single `<For>`. What each list still compiles is a small adapter: boxing
//! each item and its key, and unboxing the item for its child view. Everything `<For>` promises
//! holds as before: a row is kept while its key stays, moved when its key moves, and built only
//! for a new key; two keys are equal exactly when the list's own key type says so. One thing
//! is better than `<For>` alone: a focused row that the diff moves keeps the keyboard focus
//! (see `keep_focus`).

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A list's key behind a trait object: equal only to a key of the same type that compares equal.
trait RowKey: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn equals(&self, other: &dyn RowKey) -> bool;
    fn hash_into(&self, state: &mut dyn Hasher);
}

impl<K: Eq + Hash + Send + Sync + 'static> RowKey for K {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn equals(&self, other: &dyn RowKey) -> bool {
        other.as_any().downcast_ref::<K>() == Some(self)
    }

    fn hash_into(&self, mut state: &mut dyn Hasher) {
        self.hash(&mut state);
    }
}

/// The key `<For>` sees: cheap to clone, as `<For>` takes its keys by value.
#[derive(Clone)]
struct Key(Arc<dyn RowKey>);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0.equals(&*other.0)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash_into(state);
    }
}

/// One item of a list, with its key.
struct Row {
    key: Key,
    item: Box<dyn Any + Send>,
}

/// Shows the items `each` returns, one `child` view per item, keyed by `key` (as `<For>`
/// does). `child` runs once for each new key, in a reactive owner of its own that lives as
/// long as the key stays in the list.
pub fn keyed_list<I, T, K>(
    each: impl Fn() -> I + Send + 'static,
    key: impl Fn(&T) -> K + Send + 'static,
    child: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> AnyView
where
    I: IntoIterator<Item = T>,
    T: Send + 'static,
    K: Eq + Hash + Send + Sync + 'static,
{
    let rows = move || {
        each()
            .into_iter()
            .map(|item| Row {
                key: Key(Arc::new(key(&item))),
                item: Box::new(item),
            })
            .collect()
    };
    let child = move |item: Box<dyn Any + Send>| {
        let item = item
            .downcast::<T>()
            .expect("a row holds an item of its own list");
        child(*item)
    };
    rows_view(Box::new(rows), Arc::new(child))
}

/// The one `<For>` of the UI.
fn rows_view(
    rows: Box<dyn Fn() -> Vec<Row> + Send>,
    child: Arc<dyn Fn(Box<dyn Any + Send>) -> AnyView + Send + Sync>,
) -> AnyView {
    let rows = move || {
        keep_focus();
        rows()
    };
    view! {
        <For each=rows key=|row: &Row| row.key.clone() children=move |row: Row| child(row.item) />
    }
    .into_any()
}

/// Gives the keyboard focus back to what had it before a list's update, if the update took it
/// away and that element is still in the page.
///
/// The browser drops the focus of an element taken out of the page, even to be put back at
/// once, and the keyed diff of Leptos 0.8 moves rows it need not move: when items arrive at the
/// top of a list (the event log and the alerts show the newest first), it moves the kept rows
/// above the last new one. A learner who tabbed to an event's "go back" button while the
/// cluster plays would find the focus on the page's body. The diff runs right after the list's
/// items are read, so a microtask queued now runs after it.
fn keep_focus() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Some(focused) = focused_element(&document) else {
        return;
    };
    queue_microtask(move || {
        if focused_element(&document).is_none() && focused.is_connected() {
            if let Some(element) = focused.dyn_ref::<web_sys::HtmlElement>() {
                let options = web_sys::FocusOptions::new();
                options.set_prevent_scroll(true);
                // Focusing an element that is in the page does not fail.
                let _ = element.focus_with_options(&options);
            }
        }
    });
}

/// The element with the keyboard focus, if any (the body has it when nothing has).
fn focused_element(document: &web_sys::Document) -> Option<web_sys::Element> {
    let focused = document.active_element()?;
    let on_body = document
        .body()
        .is_some_and(|body| body.is_same_node(Some(&focused)));
    (!on_body).then_some(focused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn key<K: Eq + Hash + Send + Sync + 'static>(key: K) -> Key {
        Key(Arc::new(key))
    }

    fn hash_of(key: &Key) -> u64 {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn keys_are_equal_exactly_when_their_own_type_says_so() {
        assert!(key(7_i32) == key(7_i32));
        assert!(key(7_i32) != key(8_i32));
        assert!(key("a".to_owned()) == key("a".to_owned()));
        // The same number in another type is another key.
        assert!(key(7_i32) != key(7_i64));
    }

    #[test]
    fn equal_keys_hash_alike() {
        assert_eq!(
            hash_of(&key(("t".to_owned(), 3))),
            hash_of(&key(("t".to_owned(), 3)))
        );
    }
}
