//! End to end: the lesson "Topics, partitions and keys" in headless Chromium.
//!
//! The expected partitions come from Kafka's own murmur2 test vectors (UtilsTest.testMurmur2),
//! worked through `toPositive(h) % 3` by hand, not from our code:
//! - "21": murmur2 = -973932308, toPositive = 1173551340, % 3 = 0
//! - "a-little-bit-long-string": murmur2 = -985981536, toPositive = 1161502112, % 3 = 2

// The browser test runs natively: its maps are not in the playground's WebAssembly.
#![allow(clippy::disallowed_types)]

use kplay_e2e::{open_playground, Session};
use std::collections::BTreeMap;

const LESSON_LINK: &str =
    "[data-testid=\"lesson-link\"][href=\"#/lessons/topics-partitions-keys\"]";

/// Opens the home page, follows the link to the lesson, and recreates `orders` with 3 partitions.
async fn open_lesson_with_three_partitions(session: &Session, home_url: &str) {
    session
        .open(home_url, "[data-testid=\"lesson-list\"]")
        .await;
    session
        .wait_for(LESSON_LINK)
        .await
        .click()
        .await
        .expect("follow the lesson link");
    session.by_test_id("partitioning-sim").await;
    session.by_test_id("lesson-prose").await;
    session.type_into("topic-name", "orders").await;
    session.type_into("partition-count", "3").await;
    session.click("recreate-topic").await;
}

async fn produce(session: &Session, key: Option<&str>, value: &str) {
    let null_key = session.by_test_id("null-key").await;
    let checked = null_key.prop("checked").await.expect("checkbox state");
    if (checked.as_deref() == Some("true")) != key.is_none() {
        null_key.click().await.expect("toggle null key");
    }
    if let Some(key) = key {
        session.type_into("record-key", key).await;
    }
    session.type_into("record-value", value).await;
    session.click("produce").await;
}

/// (partition, offset) of the last produced record, read from the routing panel.
async fn last_routing(session: &Session) -> (i64, i64) {
    let routing = session.by_test_id("routing").await;
    let number = |name: &'static str| {
        let routing = routing.clone();
        async move {
            routing
                .attr(name)
                .await
                .expect("attribute")
                .and_then(|text| text.parse::<i64>().ok())
                .unwrap_or_else(|| panic!("routing panel has no numeric {name}"))
        }
    };
    (number("data-partition").await, number("data-offset").await)
}

/// Every record on the page as (key, partition, offset).
async fn records_on_page(session: &Session) -> Vec<(Option<String>, i64, i64)> {
    let mut records = Vec::new();
    for record in session.all("[data-testid=\"record\"]").await {
        let attribute = |name| {
            let record = record.clone();
            async move { record.attr(name).await.expect("attribute") }
        };
        let key = attribute("data-key").await;
        let partition = attribute("data-partition")
            .await
            .and_then(|p| p.parse().ok());
        let offset = attribute("data-offset").await.and_then(|o| o.parse().ok());
        records.push((
            key,
            partition.expect("data-partition"),
            offset.expect("data-offset"),
        ));
    }
    records
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn keyed_records_land_where_kafka_puts_them_and_offsets_grow_per_partition() {
    let (server, session) = open_playground(1280, 900).await;
    session
        .open(&server.url, "[data-testid=\"lesson-list\"]")
        .await;
    session.screenshot("home-desktop").await;
    open_lesson_with_three_partitions(&session, &server.url).await;

    produce(&session, Some("21"), "first").await;
    assert_eq!(last_routing(&session).await, (0, 0));
    produce(&session, Some("a-little-bit-long-string"), "second").await;
    assert_eq!(last_routing(&session).await, (2, 0));
    produce(&session, Some("21"), "third").await;
    assert_eq!(
        last_routing(&session).await,
        (0, 1),
        "same key, same partition, next offset"
    );
    produce(&session, None, "no key").await;
    let (null_key_partition, _) = last_routing(&session).await;
    assert!((0..3).contains(&null_key_partition));

    let records = records_on_page(&session).await;
    assert_eq!(
        records.len(),
        4,
        "every produced record is shown: {records:?}"
    );
    let mut partition_of_key = BTreeMap::new();
    let mut offsets_of_partition: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (key, partition, offset) in &records {
        if let Some(key) = key {
            let first = partition_of_key.entry(key.clone()).or_insert(*partition);
            assert_eq!(first, partition, "key {key} appears in two partitions");
        }
        offsets_of_partition
            .entry(*partition)
            .or_default()
            .push(*offset);
    }
    for (partition, mut offsets) in offsets_of_partition {
        offsets.sort_unstable();
        let dense: Vec<i64> = (0..offsets.len() as i64).collect();
        assert_eq!(
            offsets, dense,
            "offsets of partition {partition} are dense from 0"
        );
    }
    let routing_text = session
        .by_test_id("routing")
        .await
        .text()
        .await
        .expect("text");
    assert!(!routing_text.is_empty());
    session.screenshot("lesson-desktop").await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn bad_input_is_refused_in_kafkas_words_and_the_rest_is_kept() {
    let (server, session) = open_playground(360, 800).await;
    open_lesson_with_three_partitions(&session, &server.url).await;
    let script = "<img src=x onerror=\"window.kplayInjected=1\">";
    produce(&session, Some(script), "<b>bold?</b>").await;

    session.type_into("topic-name", "bad topic!").await;
    session.click("recreate-topic").await;
    let error = session
        .by_test_id("error")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        error.contains("INVALID_TOPIC_EXCEPTION") && error.contains("Topic name is invalid"),
        "unexpected error text: {error}"
    );
    assert_eq!(
        records_on_page(&session).await.len(),
        1,
        "the topic was kept"
    );

    session.type_into("topic-name", "orders").await;
    session.type_into("partition-count", "2").await;
    session.click("add-partitions").await;
    let error = session
        .by_test_id("error")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        error.contains("INVALID_PARTITIONS"),
        "unexpected error text: {error}"
    );

    session.type_into("partition-count", "13").await;
    session.click("recreate-topic").await;
    let error = session
        .by_test_id("error")
        .await
        .text()
        .await
        .expect("text");
    assert!(error.contains("12"), "the limit is explained: {error}");
    assert_eq!(
        records_on_page(&session).await.len(),
        1,
        "the records were kept"
    );

    let record_text = session
        .by_test_id("record")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        record_text.contains(script),
        "the key is shown as text: {record_text}"
    );
    assert!(
        record_text.contains("<b>bold?</b>"),
        "the value is shown as text"
    );
    let injected = session
        .run_script("return [document.querySelectorAll('[data-testid=partitioning-sim] img, [data-testid=partitioning-sim] b').length, window.kplayInjected === undefined];")
        .await;
    assert_eq!(
        injected,
        serde_json::json!([0, true]),
        "user text became HTML"
    );

    let fits = session
        .run_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    assert_eq!(
        fits,
        serde_json::json!(true),
        "no horizontal scroll at 360 px"
    );
    session.screenshot("lesson-phone-error").await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn the_session_survives_a_reload_and_enter_produces() {
    let (server, session) = open_playground(1280, 900).await;
    open_lesson_with_three_partitions(&session, &server.url).await;
    session.type_into("record-key", "21").await;
    session.type_into("record-value", "typed\n").await;
    assert_eq!(
        last_routing(&session).await,
        (0, 0),
        "Enter in the value field produces"
    );

    session.client.refresh().await.expect("reload");
    session.by_test_id("partitioning-sim").await;
    let records = records_on_page(&session).await;
    assert_eq!(records, vec![(Some("21".to_string()), 0, 0)]);
    session.finish().await;
}
