#![cfg(target_arch = "wasm32")]
//! Browser tests of the playground: what only a real DOM shows (the logic is tested natively).

use kplay_web::playground::presets::{preset, sandbox_spec};
use kplay_web::playground::{Intent, Playground, PlaygroundSpec};
use kplay_web::run_buttons::{add_run_buttons, block_of_click};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn spec(key: &str) -> PlaygroundSpec {
    let mut spec = sandbox_spec(preset("replication").expect("exists")).expect("valid");
    spec.storage_key = format!("kplay.test.{key}");
    spec
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

fn container() -> HtmlElement {
    let document = document();
    let element: HtmlElement = document
        .create_element("div")
        .expect("div")
        .unchecked_into();
    document
        .body()
        .expect("body")
        .append_child(&element)
        .expect("append");
    element
}

fn count(root: &HtmlElement, selector: &str) -> u32 {
    root.query_selector_all(selector)
        .map(|l| l.length())
        .unwrap_or(0)
}

async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

#[wasm_bindgen_test]
async fn the_cluster_is_drawn_with_its_controller_and_every_replica() {
    let root = container();
    let spec = spec("draw");
    storage()
        .remove_item("kplay.test.draw.session.v1")
        .expect("clear");
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <Playground spec=spec.clone() /> },
    );
    settle().await;
    assert_eq!(count(&root, "[data-testid=broker]"), 3);
    assert_eq!(count(&root, "[data-testid=controller-badge]"), 1);
    assert_eq!(count(&root, "[data-testid=replica]"), 9);
    assert_eq!(count(&root, "[data-testid=replica][data-role=leader]"), 3);
    assert_eq!(count(&root, "[data-testid=partition-row]"), 3);
    assert_eq!(count(&root, "[data-testid=no-partitions]"), 0);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_run_button_runs_its_block_in_the_terminal() {
    let root = container();
    let article = container();
    article.set_inner_html(
        "<pre><code>not a command</code></pre>\
         <pre class=\"kplay-command\"><code class=\"language-kplay\">kafka-topics --list</code></pre>\
         <pre class=\"kplay-command\"><code class=\"language-kplay\">kplay broker stop 1\n</code></pre>",
    );
    assert_eq!(add_run_buttons(&article), 2);
    assert_eq!(add_run_buttons(&article), 0, "added once");
    let buttons = article
        .query_selector_all("[data-testid=run-block]")
        .expect("buttons");
    let button: HtmlElement = buttons.item(1).expect("a second button").unchecked_into();
    assert_eq!(button.text_content().as_deref(), Some("Run"));
    assert_eq!(block_of_click(&button.clone().into()), Some(1));
    let described_by = button.get_attribute("aria-describedby").expect("described");
    let block = document()
        .get_element_by_id(&described_by)
        .expect("the block");
    assert!(block
        .text_content()
        .unwrap_or_default()
        .contains("broker stop 1"));

    let slot = StoredValue::new(None::<Callback<Intent>>);
    let spec = spec("run");
    storage()
        .remove_item("kplay.test.run.session.v1")
        .expect("clear");
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Playground spec=spec.clone() dispatch_slot=slot /> }
    });
    settle().await;
    let dispatch = slot
        .get_value()
        .expect("the playground registered its dispatch");
    dispatch.run(Intent::RunBlock(
        "kplay broker stop 1\nkafka-topics --bootstrap-server localhost:9092 --describe\n"
            .to_owned(),
    ));
    settle().await;
    assert_eq!(count(&root, "[data-testid=terminal-entry]"), 2);
    let output = root
        .query_selector("[data-testid=terminal-output]")
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(output.contains("Topic: orders"), "{output}");
    root.remove();
    article.remove();
}

#[wasm_bindgen_test]
async fn a_group_without_committed_offsets_says_so_under_its_table() {
    let root = container();
    let slot = StoredValue::new(None::<Callback<Intent>>);
    let spec = spec("offsets");
    storage()
        .remove_item("kplay.test.offsets.session.v1")
        .expect("clear");
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Playground spec=spec.clone() dispatch_slot=slot /> }
    });
    settle().await;
    let dispatch = slot.get_value().expect("dispatch");
    // The preset's group has committed: its partitions are listed, and the row is hidden.
    assert_eq!(count(&root, "[data-testid=group-offsets]"), 1);
    assert_eq!(count(&root, "[data-testid=no-offsets]"), 1);
    assert_eq!(count(&root, "[data-testid=no-offsets]:not([hidden])"), 0);
    // A console consumer without --group leaves its throwaway group Empty, without offsets.
    dispatch.run(Intent::RunBlock(
        "kafka-console-consumer --topic orders --from-beginning\n".to_owned(),
    ));
    settle().await;
    assert_eq!(count(&root, "[data-testid=group-offsets]"), 2);
    assert_eq!(count(&root, "[data-testid=no-offsets]:not([hidden])"), 1);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_damaged_saved_session_gives_a_notice_and_a_fresh_cluster() {
    storage()
        .set_item("kplay.test.damaged.session.v1", "# cluster: brokers=77\n")
        .expect("set");
    let root = container();
    let spec = spec("damaged");
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <Playground spec=spec.clone() /> },
    );
    settle().await;
    let notice = root
        .query_selector("[data-testid=playground-notice]")
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    assert!(notice.contains("could not be restored"), "{notice}");
    assert_eq!(count(&root, "[data-testid=broker]"), 3);
    root.remove();
}

#[wasm_bindgen_test]
async fn the_log_panels_kill_button_waits_for_a_partition() {
    use kplay_web::playground::log_view::LogPanel;
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <LogPanel log=Memo::new(|_| None) dispatch=Callback::new(|_: Intent| {}) /> }
    });
    settle().await;
    assert_eq!(count(&root, "[data-testid=log-kill-leader][disabled]"), 1);
    root.remove();

    // A playground picks a partition by itself once its topic exists.
    let root = container();
    let spec = spec("log-kill");
    storage()
        .remove_item("kplay.test.log-kill.session.v1")
        .expect("clear");
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <Playground spec=spec.clone() /> },
    );
    settle().await;
    assert_eq!(count(&root, "[data-testid=log-kill-leader]"), 1);
    assert_eq!(count(&root, "[data-testid=log-kill-leader][disabled]"), 0);
    root.remove();
}

#[wasm_bindgen_test]
async fn an_empty_partition_table_says_why() {
    use kplay_web::playground::cluster_view::PartitionTable;
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <PartitionTable rows=Memo::new(|_| Vec::new()) dispatch=Callback::new(|_: Intent| {}) /> }
    });
    settle().await;
    assert_eq!(count(&root, "[data-testid=no-partitions]"), 1);
    assert_eq!(count(&root, "[data-testid=partition-row]"), 0);
    root.remove();
}

#[wasm_bindgen_test]
async fn a_stopped_brokers_isolate_slow_and_pause_buttons_are_disabled() {
    use kplay_web::playground::cluster_view::BrokerVm;
    use kplay_web::playground::failures::BrokerButtons;
    let broker = |up: bool| BrokerVm {
        id: 2,
        status: String::new(),
        up,
        fenced: false,
        is_controller: false,
        is_voter: true,
        isolated: false,
        delay_ms: 0,
        held: false,
        leads: 0,
        replicas: Vec::new(),
    };
    let (up, set_up) = signal(true);
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        let vm = Memo::new(move |_| broker(up.get()));
        view! { <BrokerButtons broker=vm on_action=Callback::new(|_| {}) /> }
    });
    settle().await;
    assert_eq!(count(&root, "button[disabled]"), 0);
    set_up.set(false);
    settle().await;
    for test_id in ["isolate-broker", "slow-broker", "hold-broker"] {
        let selector = format!("[data-testid={test_id}][disabled]");
        assert_eq!(count(&root, &selector), 1, "{test_id}");
        let title = root
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.get_attribute("title"))
            .unwrap_or_default();
        assert!(title.contains("stopped"), "{title}");
    }
    assert_eq!(
        count(&root, "[data-testid=start-broker]:not([disabled])"),
        1
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_bad_partition_is_marked_invalid_and_explained_beside_the_producer_form() {
    use web_sys::HtmlInputElement;
    let root = container();
    let spec = spec("bad-partition");
    storage()
        .remove_item("kplay.test.bad-partition.session.v1")
        .expect("clear");
    let _handle = leptos::mount::mount_to(
        root.clone(),
        move || view! { <Playground spec=spec.clone() /> },
    );
    settle().await;
    let field: HtmlInputElement = root
        .query_selector("[data-testid=send-partition]")
        .ok()
        .flatten()
        .expect("the partition field")
        .unchecked_into();
    field.set_value("abc");
    let input = web_sys::EventInit::new();
    input.set_bubbles(true);
    field
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &input).expect("event"))
        .expect("dispatched");
    root.query_selector("[data-testid=send]")
        .ok()
        .flatten()
        .expect("the send button")
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    assert_eq!(field.get_attribute("aria-invalid").as_deref(), Some("true"));
    let message_id = field.get_attribute("aria-describedby").expect("described");
    let message = document()
        .get_element_by_id(&message_id)
        .expect("the message");
    assert_eq!(message.get_attribute("role").as_deref(), Some("alert"));
    assert!(message
        .text_content()
        .unwrap_or_default()
        .contains("Partition must be a whole number"));
    assert!(
        message
            .closest("[data-testid=producer-panel]")
            .ok()
            .flatten()
            .is_some(),
        "the message is in the producer panel"
    );
    assert_eq!(
        count(&root, "[data-testid=playground-notice]"),
        0,
        "not under the time controls"
    );
    // Typing in the field again clears the mark.
    field.set_value("1");
    field
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &input).expect("event"))
        .expect("dispatched");
    settle().await;
    assert_eq!(field.get_attribute("aria-invalid"), None);
    assert_eq!(count(&root, "[data-testid=producer-error]"), 0);
    root.remove();
}
