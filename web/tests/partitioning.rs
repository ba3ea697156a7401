#![cfg(target_arch = "wasm32")]
//! Browser tests: what only a real DOM shows. The logic behind it is tested natively.
//!
//! Each test mounts into its own container and queries only inside it; the live view's
//! `localStorage` key is cleared first so tests do not see each other's sessions.

use kplay_web::sims::partitioning::{PartitioningSim, STORAGE_KEY};
use kplay_web::App;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted view, unmounted and removed from the document when dropped.
struct Mounted<S: leptos::tachys::view::Mountable> {
    container: HtmlElement,
    _handle: leptos::mount::UnmountHandle<S>,
}

impl<S: leptos::tachys::view::Mountable> Drop for Mounted<S> {
    fn drop(&mut self) {
        self.container.remove();
    }
}

impl<S: leptos::tachys::view::Mountable> Mounted<S> {
    fn find(&self, selector: &str) -> Option<Element> {
        self.container.query_selector(selector).ok().flatten()
    }

    fn get(&self, selector: &str) -> Element {
        self.find(selector)
            .unwrap_or_else(|| panic!("nothing matches {selector}"))
    }

    fn test_id(&self, id: &str) -> Element {
        self.get(&format!("[data-testid=\"{id}\"]"))
    }

    fn count(&self, selector: &str) -> u32 {
        self.container
            .query_selector_all(selector)
            .map(|list| list.length())
            .unwrap_or(0)
    }

    fn text(&self, id: &str) -> String {
        self.test_id(id).text_content().unwrap_or_default()
    }

    /// Types into an input as a user would: set the value, then fire a bubbling `input` event.
    fn type_into(&self, id: &str, text: &str) {
        let input: HtmlInputElement = self.test_id(id).unchecked_into();
        input.set_value(text);
        input
            .dispatch_event(&bubbling("input"))
            .expect("dispatch input");
    }

    fn click(&self, id: &str) {
        self.test_id(id).unchecked_into::<HtmlElement>().click();
    }
}

fn bubbling(name: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(name, &init).expect("event")
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

fn new_container() -> HtmlElement {
    let document = document();
    let container: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document
        .body()
        .expect("body")
        .append_child(&container)
        .expect("append");
    container
}

fn mount_sim() -> Mounted<impl leptos::tachys::view::Mountable> {
    let container = new_container();
    let handle = leptos::mount::mount_to(container.clone(), || view! { <PartitioningSim /> });
    Mounted {
        container,
        _handle: handle,
    }
}

fn fresh_sim() -> Mounted<impl leptos::tachys::view::Mountable> {
    storage().remove_item(STORAGE_KEY).expect("remove");
    mount_sim()
}

async fn settle() {
    leptos::task::tick().await;
    leptos::task::tick().await;
}

async fn produce(sim: &Mounted<impl leptos::tachys::view::Mountable>, key: &str, value: &str) {
    sim.type_into("record-key", key);
    sim.type_into("record-value", value);
    sim.click("produce");
    settle().await;
}

#[wasm_bindgen_test]
async fn a_keyed_record_lands_in_the_partition_its_hash_picks() {
    let sim = fresh_sim();
    settle().await;
    assert_eq!(sim.count("[data-testid=\"partition\"]"), 3);

    // murmur2("21") = -973932308 → toPositive 1173551340 → % 3 = 0.
    produce(&sim, "21", "first").await;
    produce(&sim, "21", "second").await;

    let in_partition_0 =
        "[data-testid=\"partition\"][data-partition=\"0\"] [data-testid=\"record\"]";
    assert_eq!(sim.count(in_partition_0), 2);
    let second = sim.get("[data-testid=\"record\"][data-partition=\"0\"][data-offset=\"1\"]");
    assert_eq!(second.get_attribute("data-key").as_deref(), Some("21"));
    assert!(second.text_content().unwrap_or_default().contains("second"));

    let routing = sim.test_id("routing");
    assert_eq!(
        routing.get_attribute("data-partition").as_deref(),
        Some("0")
    );
    assert_eq!(routing.get_attribute("data-offset").as_deref(), Some("1"));
    assert!(sim.text("routing").contains("murmur2(\"21\") = -973932308 → toPositive → 1173551340 → 1173551340 % 3 = 0 → partition 0, offset 1"));
    assert_eq!(
        sim.text("announcement"),
        "Record appended to partition 0 at offset 1"
    );
    assert_eq!(sim.text("error"), "");
}

#[wasm_bindgen_test]
async fn an_invalid_topic_name_shows_kafkas_error_and_keeps_the_records() {
    let sim = fresh_sim();
    produce(&sim, "alice", "order 1").await;
    assert_eq!(sim.count("[data-testid=\"record\"]"), 1);

    sim.type_into("topic-name", "my topic!");
    sim.click("recreate-topic");
    settle().await;

    assert!(
        sim.text("error").starts_with("INVALID_TOPIC_EXCEPTION: "),
        "{}",
        sim.text("error")
    );
    assert_eq!(
        sim.test_id("error").get_attribute("role").as_deref(),
        Some("alert")
    );
    assert_eq!(sim.count("[data-testid=\"record\"]"), 1);
    assert_eq!(sim.count("[data-testid=\"partition\"]"), 3);

    // The next success clears the error.
    sim.type_into("topic-name", "orders");
    produce(&sim, "alice", "order 2").await;
    assert_eq!(sim.text("error"), "");
    assert_eq!(sim.count("[data-testid=\"record\"]"), 2);
}

#[wasm_bindgen_test]
async fn a_partition_count_out_of_range_sends_nothing() {
    let sim = fresh_sim();
    sim.type_into("partition-count", "13");
    sim.click("add-partitions");
    settle().await;
    assert!(
        sim.text("error").contains("from 1 to 12"),
        "{}",
        sim.text("error")
    );
    assert_eq!(sim.count("[data-testid=\"partition\"]"), 3);

    sim.type_into("partition-count", "2");
    sim.click("add-partitions");
    settle().await;
    assert!(
        sim.text("error").starts_with("INVALID_PARTITIONS: "),
        "{}",
        sim.text("error")
    );

    sim.type_into("partition-count", "5");
    sim.click("add-partitions");
    settle().await;
    assert_eq!(sim.text("error"), "");
    assert_eq!(sim.count("[data-testid=\"partition\"]"), 5);
}

#[wasm_bindgen_test]
async fn keys_and_values_are_shown_as_text_never_as_html() {
    let sim = fresh_sim();
    produce(
        &sim,
        "<b id=\"injected\">k</b>",
        "<img src=x onerror=alert(1)>",
    )
    .await;
    assert!(sim.find("#injected").is_none());
    assert!(sim.find("[data-testid=\"record\"] img").is_none());
    let record = sim.test_id("record");
    assert!(record
        .text_content()
        .unwrap_or_default()
        .contains("<img src=x onerror=alert(1)>"));
    assert_eq!(
        record.get_attribute("data-key").as_deref(),
        Some("<b id=\"injected\">k</b>")
    );
}

#[wasm_bindgen_test]
async fn a_null_key_record_has_no_key_attribute_and_follows_the_partitioner() {
    let sim = fresh_sim();
    let select: HtmlSelectElement = sim.test_id("partitioner").unchecked_into();
    select.set_value("round-robin");
    select
        .dispatch_event(&bubbling("change"))
        .expect("dispatch change");
    settle().await;
    sim.click("null-key");
    settle().await;
    produce(&sim, "ignored", "a").await;
    produce(&sim, "ignored", "b").await;

    // Round-robin counts from 0: partition 0, then 1.
    let first = sim.get("[data-testid=\"record\"][data-partition=\"0\"]");
    assert!(!first.has_attribute("data-key"));
    assert!(sim
        .find("[data-testid=\"record\"][data-partition=\"1\"][data-offset=\"0\"]")
        .is_some());
    assert!(sim.text("routing").contains("round-robin"));
}

#[wasm_bindgen_test]
async fn the_session_survives_a_reload_and_reset_clears_it() {
    let sim = fresh_sim();
    produce(&sim, "21", "kept").await;
    drop(sim);

    let reloaded = mount_sim();
    settle().await;
    assert_eq!(
        reloaded.count("[data-testid=\"record\"][data-partition=\"0\"]"),
        1
    );
    assert!(reloaded.find("[data-testid=\"notice\"]").is_none());

    reloaded.click("reset");
    settle().await;
    assert_eq!(reloaded.count("[data-testid=\"record\"]"), 0);
    assert_eq!(storage().get_item(STORAGE_KEY).ok().flatten(), None);
}

#[wasm_bindgen_test]
async fn tampered_storage_gives_a_notice_and_a_fresh_session() {
    storage()
        .set_item(STORAGE_KEY, "{\"version\":1,\"seed\":\"oops\"}")
        .expect("set");
    let sim = mount_sim();
    settle().await;
    assert!(sim.text("notice").contains("could not be restored"));
    assert_eq!(sim.count("[data-testid=\"partition\"]"), 3);
    assert_eq!(sim.count("[data-testid=\"record\"]"), 0);
}

#[wasm_bindgen_test]
async fn an_unknown_address_shows_a_way_home() {
    let window = web_sys::window().expect("window");
    window
        .location()
        .set_hash("/no/such/page")
        .expect("set hash");
    let container = new_container();
    let app = Mounted {
        _handle: leptos::mount::mount_to(container.clone(), App),
        container,
    };
    settle().await;
    assert!(app
        .find("[data-testid=\"not-found\"] a[href=\"#/\"]")
        .is_some());

    window.location().set_hash("/").expect("set hash");
    // `hashchange` is dispatched asynchronously.
    gloo_wait().await;
    let links = app.count("[data-testid=\"lesson-list\"] [data-testid=\"lesson-link\"]");
    assert_eq!(links as usize, kplay_lessons::LESSONS.len());
    let first = app.get("[data-testid=\"lesson-link\"]");
    assert_eq!(
        first.get_attribute("href"),
        Some(format!("#/lessons/{}", kplay_lessons::LESSONS[0].slug))
    );
}

/// Waits for the browser to deliver queued events (a macrotask), then for Leptos to render.
async fn gloo_wait() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("window");
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    settle().await;
}
