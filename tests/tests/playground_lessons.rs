//! End to end: lessons beside the live playground, in headless Chromium. Each lesson builds
//! its own cluster, shows only its panels, runs its kplay blocks from "Run" buttons and keeps
//! its session across a reload.

use kplay_e2e::{open_playground, Session};
use serde_json::json;

/// A lesson whose panels are `cluster, producer, log, terminal, events` and whose first block
/// is `kafka-topics --describe --topic orders`.
const LESSON: &str = "#/lessons/brokers-replication";

async fn open_lesson(session: &Session, url: &str) {
    session.open(url, "[data-testid=\"playground\"]").await;
    session.by_test_id("partition-table").await;
}

async fn count(session: &Session, css: &str) -> i64 {
    session
        .run_script(&format!(
            "return document.querySelectorAll('{}').length;",
            css.replace('\'', "\\'")
        ))
        .await
        .as_i64()
        .unwrap_or(-1)
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn every_playground_lesson_opens_its_live_view_without_an_error() {
    let (server, session) = open_playground(1280, 900).await;
    let slugs = session_slugs(&session, &server.url).await;
    assert!(
        slugs.len() >= 10,
        "the lesson list links the lessons: {slugs:?}"
    );
    for slug in slugs
        .iter()
        .filter(|slug| *slug != "topics-partitions-keys")
    {
        // A fresh load each time, so nothing of the previous lesson's page is read.
        session.client.goto("about:blank").await.expect("leave");
        // Every playground lesson shows the terminal its Run buttons print to (some show no
        // cluster panel).
        session
            .open(
                &format!("{}#/lessons/{slug}", server.url),
                "[data-testid=\"playground\"] [data-testid=\"terminal\"]",
            )
            .await;
        let notices = session
            .run_script(
                "return Array.from(document.querySelectorAll('[data-testid=playground-notice].error')).map(e => e.textContent);",
            )
            .await;
        assert_eq!(
            notices,
            json!([]),
            "{slug}: the playground says something went wrong"
        );
        assert!(
            count(&session, "[data-testid=run-block]").await > 0,
            "{slug}: its kplay blocks have Run buttons"
        );
    }
    session.finish().await;
}

/// The lesson slugs the home page links to, in order.
async fn session_slugs(session: &Session, base: &str) -> Vec<String> {
    session
        .open(&format!("{base}#/"), "[data-testid=\"lesson-list\"]")
        .await;
    let slugs = session
        .run_script(
            "return Array.from(document.querySelectorAll('[data-testid=lesson-link]')).map(a => a.getAttribute('href').replace('#/lessons/', ''));",
        )
        .await;
    serde_json::from_value(slugs).expect("a list of slugs")
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_run_button_runs_its_block_in_the_lessons_playground_and_a_reload_keeps_it() {
    let (server, session) = open_playground(1400, 1000).await;
    let url = format!("{}{LESSON}", server.url);
    open_lesson(&session, &url).await;

    // Only the lesson's panels.
    for (panel, shown) in [
        ("cluster-panel", 1),
        ("terminal", 1),
        ("event-log", 1),
        ("groups-panel", 0),
        ("alerts", 0),
    ] {
        assert_eq!(
            count(&session, &format!("[data-testid=\"{panel}\"]")).await,
            shown,
            "{panel}"
        );
    }

    // The first Run button, from the keyboard.
    let clock_before = session
        .attr_of("[data-testid=\"clock\"]", "data-now-ms")
        .await;
    let button = session.wait_for("[data-testid=\"run-block\"]").await;
    button
        .send_keys("\u{e007}")
        .await
        .expect("press Enter on Run");
    session
        .wait_until(
            "the block's output in the terminal",
            "const o = document.querySelector('[data-testid=terminal-output]'); return !!o && o.textContent.includes('Topic: orders');",
        )
        .await;
    assert_eq!(count(&session, "[data-testid=\"terminal-entry\"]").await, 1);
    assert_eq!(
        session
            .attr_of("[data-testid=\"playground\"]", "data-playing")
            .await
            .as_deref(),
        Some("false"),
        "the clock is paused"
    );
    assert_eq!(
        session
            .attr_of("[data-testid=\"clock\"]", "data-now-ms")
            .await,
        clock_before,
        "no simulated time passed"
    );
    // Side by side with the output, the step needs no button leading back to it.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let step_in_view = session
        .run_script("const r = document.querySelector('[data-testid=run-block]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;")
        .await;
    assert_eq!(step_in_view, json!(true), "the step stays in view");
    assert_eq!(count(&session, "[data-testid=\"back-to-step\"]").await, 0);
    session.screenshot("lesson-run-block-desktop").await;

    // The session is this lesson's, and survives a reload.
    let stored = session
        .run_script(
            "return localStorage.getItem('kplay.lesson.brokers-replication.session.v1') || '';",
        )
        .await;
    assert!(
        stored.as_str().is_some_and(|s| s.contains("kafka-topics")),
        "{stored}"
    );
    session.client.refresh().await.expect("reload");
    open_lesson(&session, &url).await;
    session
        .wait_until(
            "the timeline holds the block's action again",
            "const t = document.querySelector('[data-testid=timeline]'); return !!t && Number(t.max) >= Number(t.min);",
        )
        .await;
    let stored_after = session
        .run_script(
            "return localStorage.getItem('kplay.lesson.brokers-replication.session.v1') || '';",
        )
        .await;
    assert_eq!(stored_after, stored, "the reload kept the lesson's session");
    session.finish().await;
}

/// A phone-sized playground on the lesson, its first step scrolled to and run.
async fn run_the_first_step_on_a_phone() -> (kplay_e2e::StaticServer, Session) {
    let (server, session) = open_playground(360, 780).await;
    open_lesson(&session, &format!("{}{LESSON}", server.url)).await;
    scroll_to_the_first_step(&session).await;
    session.click_css("[data-testid=\"run-block\"]").await;
    (server, session)
}

async fn scroll_to_the_first_step(session: &Session) {
    session
        .run_script(
            "document.querySelector('[data-testid=run-block]').scrollIntoView({block: 'center'});",
        )
        .await;
}

/// On a phone the live view sits far below the text: "Run" brings its output into view, and a
/// button leads back to the step, with the focus on its "Run" again.
#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn after_a_run_on_a_phone_the_output_shows_and_a_button_leads_back_to_the_step() {
    let (_server, session) = run_the_first_step_on_a_phone().await;
    session
        .wait_until(
            "the output in view",
            "const o = document.querySelector('[data-testid=terminal-output]'); if (!o || !o.textContent.includes('Topic: orders')) return false; const r = o.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight;",
        )
        .await;
    session.screenshot("lesson-run-block-phone-output").await;
    // The button floats below the prompt the learner types at, never over it.
    let prompt_clear = session
        .run_script(
            "const p = document.querySelector('[data-testid=terminal-input]').getBoundingClientRect(); const b = document.querySelector('[data-testid=back-to-step]').getBoundingClientRect(); return p.bottom <= b.top && p.top >= 0;",
        )
        .await;
    assert_eq!(
        prompt_clear,
        json!(true),
        "the prompt is in view above the button"
    );

    session.click("back-to-step").await;
    session
        .wait_until(
            "the step in view, its Run focused, the button gone",
            "const b = document.querySelector('[data-testid=run-block]'); const r = b.getBoundingClientRect(); return document.activeElement === b && r.top >= 0 && r.bottom <= innerHeight && !document.querySelector('[data-testid=back-to-step]');",
        )
        .await;
    session.screenshot("lesson-run-block-phone-back").await;
    session.finish().await;
}

/// A learner who scrolls back to the step by hand needs the button no more.
#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn scrolling_back_to_the_step_by_hand_takes_the_button_away() {
    let (_server, session) = run_the_first_step_on_a_phone().await;
    session.by_test_id("back-to-step").await;
    scroll_to_the_first_step(&session).await;
    session
        .wait_until(
            "the button gone",
            "return !document.querySelector('[data-testid=back-to-step]');",
        )
        .await;
    session.finish().await;
}

/// A lesson that shows the log without the cluster picture (no replica to click) picks the
/// partition in the log panel itself.
#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_lesson_without_the_cluster_picture_picks_the_logs_partition_in_the_log_panel() {
    let (server, session) = open_playground(1280, 900).await;
    session
        .open(
            &format!("{}#/lessons/schema-registry", server.url),
            "[data-testid=\"log-partition\"]",
        )
        .await;
    assert_eq!(count(&session, "[data-testid=\"cluster-panel\"]").await, 0);
    session
        .run_script(
            "const s = document.querySelector('[data-testid=log-partition]'); s.value = 'orders-2'; s.dispatchEvent(new Event('change', {bubbles: true}));",
        )
        .await;
    session
        .wait_until(
            "the log of orders-2",
            "return document.querySelector('#log-title').textContent.startsWith('Log of orders-2 ');",
        )
        .await;
    let options = session
        .run_script("return Array.from(document.querySelectorAll('[data-testid=log-partition] option')).map(o => o.value);")
        .await;
    assert_eq!(options, json!(["orders-0", "orders-1", "orders-2"]));
    session.finish().await;
}

/// `kafka-reassign-partitions` typed in lesson 02's terminal: while broker 3 cannot fetch, the
/// picture marks the replicas being added (`+`) and removed (`−`) and the table lists them on
/// the Replicas cell's second line; once broker 3 fetches again, the move completes.
#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_partition_reassignment_is_marked_in_the_picture_and_the_table() {
    let (server, session) = open_playground(1280, 900).await;
    open_lesson(&session, &format!("{}{LESSON}", server.url)).await;
    let json = r#"{"version":1,"partitions":[{"topic":"audit","partition":0,"replicas":[3,2]}]}"#;
    for line in [
        "kafka-topics --bootstrap-server localhost:9092 --create --topic audit --replica-assignment 1".to_owned(),
        "kplay network hold 3".to_owned(),
        format!("echo '{json}' | kafka-reassign-partitions --bootstrap-server localhost:9092 --execute --reassignment-json-file /dev/stdin"),
        "kplay time advance 2s".to_owned(),
    ] {
        session.type_into("terminal-input", &format!("{line}\n")).await;
    }
    session
        .wait_until(
            "the chips of audit-0 marked",
            "return document.querySelectorAll('[data-partition=\"audit-0\"].replica-adding').length === 2 && document.querySelectorAll('[data-partition=\"audit-0\"].replica-removing').length === 1;",
        )
        .await;
    let marks = session
        .run_script("return Array.from(document.querySelectorAll('[data-partition=\"audit-0\"] .replica-move')).map(m => m.textContent);")
        .await;
    assert_eq!(marks, json!(["−", "+", "+"]));
    let cell = session
        .run_script("return Array.from(document.querySelectorAll('[data-testid=\"partition-table\"] tr')).filter(r => r.textContent.startsWith('audit-0')).map(r => r.querySelector('.replicas-cell').innerText)[0];")
        .await;
    assert_eq!(cell, json!("3,2,1\nadding 2,3; removing 1"));
    session
        .type_into(
            "terminal-input",
            "kplay network release 3\nkplay time advance 2s\n",
        )
        .await;
    session
        .wait_until(
            "the move completed",
            "return document.querySelectorAll('[data-testid=replica][data-partition=\"audit-0\"]').length === 2 && document.querySelectorAll('.replica-adding, .replica-removing').length === 0;",
        )
        .await;
    assert_eq!(session.console_errors().await, Vec::<String>::new());
    session.finish().await;
}
