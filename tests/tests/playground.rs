//! End to end: the playground in the sandbox, in headless Chromium.
//!
//! The sandbox starts on its first preset: 3 brokers, `orders` with 3 partitions and
//! replication factor 3, `producer-1`, and the group `orders-app` of two consumers.

use kplay_e2e::{open_playground, start_preset, wait_for_brokers, Session, StaticServer};
use serde_json::{json, Value};
use std::time::Duration;

const SANDBOX: &str = "#/sandbox";

async fn open_sandbox(session: &Session, base: &str) {
    session
        .open(&format!("{base}{SANDBOX}"), "[data-testid=\"playground\"]")
        .await;
    session.by_test_id("partition-table").await;
}

/// The sandbox in a window of `width` x `height`, on the largest preset.
async fn open_largest_preset(width: u32, height: u32) -> (StaticServer, Session) {
    let (server, session) = open_playground(width, height).await;
    open_sandbox(&session, &server.url).await;
    start_preset(&session, "largest").await;
    wait_for_brokers(&session, 9).await;
    (server, session)
}

/// Lets simulated time pass at once (the "+10 s" button).
async fn skip_10s(session: &Session) {
    let before = clock(session).await;
    session.click("skip-10s").await;
    wait_for_clock_past(session, before).await;
}

/// Waits until the clock shows a time later than `ms`.
async fn wait_for_clock_past(session: &Session, ms: i64) {
    session
        .wait_until(
            "the clock moved",
            &format!("return Number(document.querySelector('[data-testid=clock]').dataset.nowMs) > {ms};"),
        )
        .await;
}

async fn clock(session: &Session) -> i64 {
    session
        .attr_of("[data-testid=\"clock\"]", "data-now-ms")
        .await
        .and_then(|t| t.parse().ok())
        .expect("the clock shows a time")
}

fn row(partition: &str) -> String {
    format!("[data-testid=\"partition-row\"][data-partition=\"{partition}\"]")
}

/// (leader, ISR) of a partition as the table shows it, once the table has refreshed.
async fn leader_and_isr(session: &Session, partition: &str) -> (String, Vec<String>) {
    let css = row(partition);
    let leader = session
        .attr_of(&css, "data-leader")
        .await
        .unwrap_or_default();
    let isr = session.attr_of(&css, "data-isr").await.unwrap_or_default();
    (leader, isr.split(',').map(str::to_owned).collect())
}

/// Everything the state tables show, to compare two pages.
async fn state_fingerprint(session: &Session) -> Value {
    session
        .run_script(
            "const text = s => Array.from(document.querySelectorAll(s)).map(e => e.textContent).join('|');
             return [document.querySelector('[data-testid=clock]').dataset.nowMs,
                     text('[data-testid=partition-row]'),
                     text('[data-testid=member]'),
                     text('[data-testid=log-record]')];",
        )
        .await
}

async fn send(session: &Session, key: &str, value: &str) {
    session.type_into("send-key", key).await;
    session.type_into("send-value", value).await;
    session.click("send").await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn killing_a_leader_elects_a_new_leader_from_the_isr_and_the_picture_shows_it() {
    let (server, session) = open_playground(1440, 1000).await;
    open_sandbox(&session, &server.url).await;
    skip_10s(&session).await;
    let (old_leader, isr) = leader_and_isr(&session, "orders-0").await;
    assert_eq!(isr.len(), 3, "every replica starts in sync: {isr:?}");

    session
        .click_css(&format!(
            "{} [data-testid=\"kill-leader\"]",
            row("orders-0")
        ))
        .await;
    // A killed broker is noticed when broker.session.timeout.ms (9 s) passes without heartbeat.
    skip_10s(&session).await;
    skip_10s(&session).await;
    session
        .wait_until(
            "a new leader",
            &format!(
                "const r = document.querySelector('{}'); return r && r.dataset.leader !== '{old_leader}' && r.dataset.leader !== '';",
                row("orders-0").replace('\'', "\\'")
            ),
        )
        .await;
    let (new_leader, new_isr) = leader_and_isr(&session, "orders-0").await;
    assert!(
        isr.contains(&new_leader),
        "{new_leader} was in the ISR {isr:?}"
    );
    assert!(
        !new_isr.contains(&old_leader),
        "the dead broker left the ISR"
    );

    // The table shows the controller's metadata; the picture shows what each broker itself
    // knows, which follows once the broker has fetched the new metadata. Here broker 1 was
    // also the active controller, and the survivors wait for their metadata fetch held by it
    // to time out before they ask the new controller: let simulated time pass until then.
    let replica = format!(
        "[data-testid=\"replica\"][data-partition=\"orders-0\"][data-broker=\"{new_leader}\"]"
    );
    let mut picture_role = None;
    for _ in 0..6 {
        picture_role = session.attr_of(&replica, "data-role").await;
        if picture_role.as_deref() == Some("leader") {
            break;
        }
        skip_10s(&session).await;
    }
    assert_eq!(picture_role.as_deref(), Some("leader"));
    let dead = session
        .attr_of(
            &format!("[data-testid=\"broker\"][data-broker=\"{old_leader}\"]"),
            "data-up",
        )
        .await;
    assert_eq!(dead.as_deref(), Some("false"));
    let events = session.text_of("[data-testid=\"event-log\"]").await;
    assert!(
        events.contains("from the ISR"),
        "the event log names the mechanism"
    );
    session.screenshot("playground-leader-killed-desktop").await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn adding_consumers_past_the_partition_count_shows_an_idle_member() {
    let (server, session) = open_playground(360, 800).await;
    open_sandbox(&session, &server.url).await;
    session
        .wait_for("[data-testid=\"group\"][data-group=\"orders-app\"]")
        .await;
    session.click("add-consumer").await;
    session.click("add-consumer").await;
    skip_10s(&session).await;
    skip_10s(&session).await;
    session
        .wait_until(
            "an idle member",
            "return document.querySelectorAll('[data-testid=member][data-idle=true]').length === 1;",
        )
        .await;
    let members = session.all("[data-testid=\"member\"]").await;
    assert_eq!(members.len(), 4, "two members plus two added");
    let state = session.text_of("[data-testid=\"group-state\"]").await;
    assert_eq!(state, "Stable");
    let idle = session.text_of("[data-testid=\"idle-badge\"]").await;
    assert_eq!(idle, "idle");
    let width = session.run_script("return window.innerWidth;").await;
    assert_eq!(width, json!(360), "the page is as wide as a phone's");
    let fits = session
        .run_script("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    assert_eq!(fits, json!(true), "no horizontal scroll at 360 px");
    session
        .run_script("document.querySelector('[data-testid=member][data-idle=true]').scrollIntoView({block: 'center'});")
        .await;
    session.screenshot("playground-idle-member-phone").await;
    // The offsets table fits the phone: a long owner name breaks instead of hiding the column.
    let overflow = session
        .run_script(
            "const t = document.querySelector('[data-testid=group-offsets]'); t.scrollIntoView({block: 'center'});
             const box = t.parentElement; return box.scrollWidth - box.clientWidth;",
        )
        .await;
    assert_eq!(
        overflow,
        json!(0),
        "the offsets table scrolls sideways at 360 px"
    );
    session.screenshot("playground-offsets-phone").await;
    session
        .run_script("document.querySelector('[data-testid=cluster-panel]').scrollIntoView();")
        .await;
    session.screenshot("playground-cluster-phone").await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_share_link_opened_in_a_fresh_browser_reproduces_the_state() {
    let (server, session) = open_playground(1280, 900).await;
    open_sandbox(&session, &server.url).await;
    send(&session, "alice", "first").await;
    skip_10s(&session).await;
    session
        .click_css("[data-testid=\"broker\"][data-broker=\"2\"] [data-testid=\"stop-broker\"]")
        .await;
    send(&session, "bob", "second").await;
    skip_10s(&session).await;
    session.click("make-share-link").await;
    let link = session
        .prop_of("[data-testid=\"share-link\"]", "value")
        .await
        .expect("a link");
    assert!(link.contains("#/sandbox?s="), "{link}");
    let expected = state_fingerprint(&session).await;
    session.finish().await;

    let fresh = Session::start(1280, 900).await;
    fresh.open(&link, "[data-testid=\"playground\"]").await;
    fresh.by_test_id("partition-row").await;
    wait_until_replayed(&fresh).await;
    let notice = fresh.text_of("[data-testid=\"playground-notice\"]").await;
    assert!(notice.contains("opened from a link"), "{notice}");
    assert_eq!(state_fingerprint(&fresh).await, expected);
    let address = fresh.run_script("return location.hash;").await;
    assert_eq!(address, json!("#/sandbox"), "the session left the address");

    // A tampered link: a clear message and a fresh session.
    let tampered = link.replace("?s=", "?s=AAAA!");
    fresh.client.goto("about:blank").await.expect("leave");
    fresh.open(&tampered, "[data-testid=\"playground\"]").await;
    let notice = fresh.text_of("[data-testid=\"playground-notice\"]").await;
    assert!(notice.contains("could not be opened"), "{notice}");
    assert_eq!(clock(&fresh).await, clock_after_setup(&fresh).await);

    // The good link again, on the page already open: only the fragment changes, and the page
    // rebuilds with the link's session.
    fresh.client.goto(&link).await.expect("open the link");
    fresh
        .wait_until(
            "the link's session replaced the fresh one",
            "const n = document.querySelector('[data-testid=playground-notice]'); return !!n && n.textContent.includes('opened from a link');",
        )
        .await;
    fresh.by_test_id("partition-row").await;
    wait_until_replayed(&fresh).await;
    assert_eq!(state_fingerprint(&fresh).await, expected);
    fresh.finish().await;
}

/// Waits until a session opened from a link or a reload has replayed its actions (over
/// frames, as a seek is carried on).
async fn wait_until_replayed(session: &Session) {
    session
        .wait_until(
            "the session replayed its actions",
            "const t = document.querySelector('[data-testid=timeline]'); return !!t && t.dataset.seeking === 'false';",
        )
        .await;
}

/// Reloads the page and waits until the saved session has replayed.
async fn reload(session: &Session) {
    session.client.refresh().await.expect("reload");
    session.by_test_id("partition-row").await;
    wait_until_replayed(session).await;
}

async fn clock_after_setup(session: &Session) -> i64 {
    session
        .attr_of("[data-testid=\"timeline\"]", "data-base-ms")
        .await
        .and_then(|t| t.parse().ok())
        .expect("the timeline starts somewhere")
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_reload_keeps_the_session_the_timeline_rewinds_and_a_reset_can_be_undone() {
    let (server, session) = open_playground(1280, 900).await;
    open_sandbox(&session, &server.url).await;
    send(&session, "carol", "kept").await;
    skip_10s(&session).await;
    let expected = state_fingerprint(&session).await;
    reload(&session).await;
    assert_eq!(state_fingerprint(&session).await, expected);

    // Back to the start of the timeline, then play the recorded future back.
    let start = clock_after_setup(&session).await;
    session
        .run_script(&format!(
            "const t = document.querySelector('[data-testid=timeline]'); t.value = '{start}'; t.dispatchEvent(new Event('input', {{bubbles: true}}));"
        ))
        .await;
    session
        .wait_until(
            "the past, the seek arrived",
            "return document.querySelector('[data-testid=go-live]').disabled === false && document.querySelector('[data-testid=timeline]').dataset.seeking === 'false';",
        )
        .await;
    assert_eq!(clock(&session).await, start);
    session.click("go-live").await;
    session
        .wait_until(
            "the end again",
            "return document.querySelector('[data-testid=go-live]').disabled === true;",
        )
        .await;
    assert_eq!(state_fingerprint(&session).await, expected);

    // A reset throws the session away; its notice offers it back, and what comes back is
    // saved as any session is.
    session.click("reset").await;
    session.by_test_id("undo").await;
    assert_eq!(clock(&session).await, start);
    session
        .run_script(
            "document.querySelector('[data-testid=undo]').scrollIntoView({block: 'center'});",
        )
        .await;
    session.screenshot("playground-reset-undo-desktop").await;
    session.click("undo").await;
    wait_for_clock_past(&session, start).await;
    assert_eq!(state_fingerprint(&session).await, expected);
    reload(&session).await;
    assert_eq!(state_fingerprint(&session).await, expected);
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_reloaded_long_session_replays_over_frames_and_the_page_answers_meanwhile() {
    let (_server, session) = open_largest_preset(1280, 900).await;
    // Twenty minutes of the largest preset take a few seconds to replay.
    session
        .type_into("terminal-input", "kplay time advance 20m\n")
        .await;
    session
        .wait_until(
            "the terminal answered",
            "return document.querySelectorAll('[data-testid=terminal-entry]').length === 1;",
        )
        .await;
    session.by_test_id("partition-row").await;
    let expected = state_fingerprint(&session).await;
    session.client.refresh().await.expect("reload");
    session.by_test_id("partition-row").await;

    // The page is drawn and answers while the actions replay: the timeline says what it is
    // doing, and the help opens (it leaves the replay going, as it leaves a seek).
    let hint = session.text_of("[data-testid=\"timeline-position\"]").await;
    assert!(hint.contains("replaying the session's actions"), "{hint}");
    // What the timeline said when the help appeared, recorded by the page itself, so the
    // check does not depend on how long the driver's next command takes.
    session
        .run_script(
            "document.activeElement.blur(); document.body.focus(); window.seekingWhenHelpOpened = null; new MutationObserver((_, observer) => { if (document.querySelector('[data-testid=help]')) { window.seekingWhenHelpOpened = document.querySelector('[data-testid=timeline]').dataset.seeking; observer.disconnect(); } }).observe(document.body, {childList: true, subtree: true});",
        )
        .await;
    session
        .wait_for("body")
        .await
        .send_keys("?")
        .await
        .expect("keys");
    session.by_test_id("help").await;
    let seeking = session
        .run_script("return window.seekingWhenHelpOpened;")
        .await;
    assert_eq!(seeking, json!("true"), "still replaying");
    session
        .run_script(
            "document.querySelector('[data-testid=timeline]').scrollIntoView({block: 'center'});",
        )
        .await;
    session
        .screenshot("playground-replaying-after-reload")
        .await;

    wait_until_replayed(&session).await;
    assert_eq!(state_fingerprint(&session).await, expected);
    let hint = session.text_of("[data-testid=\"timeline-position\"]").await;
    assert!(hint.starts_with("live"), "{hint}");

    // Play, pressed while the same actions replay again (with the same seed), answers at once
    // and starts from the end once the replay has arrived there.
    let end = clock(&session).await;
    session.click("apply-seed").await;
    session.click("play-pause").await;
    let state = session
        .run_script(
            "return [document.querySelector('[data-testid=play-pause]').textContent, document.querySelector('[data-testid=timeline]').dataset.seeking];",
        )
        .await;
    let button = state[0].as_str().unwrap_or_default();
    assert!(button.contains("Pause"), "{button}");
    assert_eq!(state[1], json!("true"), "play waits for the replay");
    wait_until_replayed(&session).await;
    wait_for_clock_past(&session, end).await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn keys_values_and_topic_names_with_html_are_shown_as_text() {
    let (server, session) = open_playground(1280, 900).await;
    open_sandbox(&session, &server.url).await;
    let key = "<img src=x onerror=\"window.kplayInjected=1\">";
    send(&session, key, "<b>bold?</b>").await;
    skip_10s(&session).await;
    session
        .type_into(
            "terminal-input",
            "kafka-topics --bootstrap-server localhost:9092 --create --topic '<script>window.kplayInjected=2</script>'\n",
        )
        .await;
    session
        .wait_until(
            "the terminal answered",
            "return document.querySelectorAll('[data-testid=terminal-entry]').length === 1;",
        )
        .await;
    let terminal = session.text_of("[data-testid=\"terminal-output\"]").await;
    assert!(
        terminal.contains("<script>window.kplayInjected=2</script>"),
        "{terminal}"
    );
    let sends = session.text_of("[data-testid=\"sends\"]").await;
    assert!(
        sends.contains(key) && sends.contains("<b>bold?</b>"),
        "{sends}"
    );
    let log = session.text_of("[data-testid=\"log-panel\"]").await;
    // The log opens on the only partition with a record: this one.
    assert!(log.contains("<b>bold?</b>") && log.contains(key), "{log}");
    let injected = session
        .run_script(
            "return [document.querySelectorAll('[data-testid=playground] img, [data-testid=playground] b, [data-testid=playground] script').length, window.kplayInjected === undefined];",
        )
        .await;
    assert_eq!(injected, json!([0, true]), "user text became HTML");
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn paused_the_page_schedules_no_timer_and_no_animation_frame() {
    let (server, session) = open_playground(1280, 900).await;
    open_sandbox(&session, &server.url).await;
    session
        .run_script(
            "window.kplayCounts = {raf: 0, timeout: 0, interval: 0};
             for (const [name, key] of [['requestAnimationFrame', 'raf'], ['setTimeout', 'timeout'], ['setInterval', 'interval']]) {
               const original = window[name].bind(window);
               window[name] = (...args) => { window.kplayCounts[key]++; return original(...args); };
             }",
        )
        .await;
    session.click("play-pause").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let playing = session.run_script("return window.kplayCounts.raf;").await;
    assert!(
        playing.as_u64().unwrap_or(0) > 5,
        "playing runs frames: {playing}"
    );
    session.click("play-pause").await;
    session
        .wait_until("paused", "return document.querySelector('[data-testid=playground]').dataset.playing === 'false';")
        .await;
    session
        .run_script("window.kplayCounts = {raf: 0, timeout: 0, interval: 0};")
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let counts = session.run_script("return window.kplayCounts;").await;
    assert_eq!(counts, json!({"raf": 0, "timeout": 0, "interval": 0}));

    // The keyboard: space plays, `?` opens the help, not while typing.
    session
        .run_script("document.activeElement.blur(); document.body.focus();")
        .await;
    let body = session.wait_for("body").await;
    body.send_keys("?").await.expect("keys");
    session.by_test_id("help").await;
    session.screenshot("playground-help-desktop").await;
    session.finish().await;
}

/// Every action a learner could take, at random (seeded), in the page itself: `arguments[0]` is
/// the seed, `arguments[1]` how many steps to take (a step that finds nothing to do is no action).
const RANDOM_RUN: &str = r#"
const done = arguments[arguments.length - 1];
let seed = arguments[0];
const steps = arguments[1];
const random = n => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const texts = ['<b>x</b>', 'orders', 'alice', '', '12', '-1', 'kafka-topics --bootstrap-server localhost:9092 --describe',
  'kplay broker stop 1', 'kplay broker start 1', 'help', 'kafka-topics --nope', "'", 'kplay time advance 2s',
  'kplay consumer crash consumer-1', '999999999999'];
const root = () => document.querySelector('[data-testid=playground]');
const skip = new Set(['export-script', 'import-script', 'reset']);
(async () => {
  let actions = 0;
  for (let i = 0; i < steps; i++) {
    const r = root();
    if (!r) { done('the playground disappeared after ' + actions + ' actions'); return; }
    const kind = random(10);
    if (kind < 5) {
      // A lesson's Run buttons sit in its text, outside the playground.
      const buttons = Array.from(r.querySelectorAll('button:not([disabled])'))
        .concat(Array.from(document.querySelectorAll('[data-testid=run-block]')))
        .filter(b => !skip.has(b.dataset.testid));
      if (buttons.length) { buttons[random(buttons.length)].click(); actions++; }
    } else if (kind < 7) {
      const inputs = Array.from(r.querySelectorAll('input[type=text]'));
      if (inputs.length) {
        const input = inputs[random(inputs.length)];
        input.value = texts[random(texts.length)];
        input.dispatchEvent(new Event('input', {bubbles: true}));
        input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
        if (input.form) { input.form.requestSubmit(); }
        actions++;
      }
    } else if (kind < 8) {
      const selects = Array.from(r.querySelectorAll('select'));
      if (selects.length) {
        const select = selects[random(selects.length)];
        if (select.options.length) {
          select.selectedIndex = random(select.options.length);
          select.dispatchEvent(new Event('change', {bubbles: true}));
          actions++;
        }
      }
    } else if (kind < 9) {
      const ranges = Array.from(r.querySelectorAll('input[type=range]'));
      if (ranges.length) {
        const range = ranges[random(ranges.length)];
        const min = Number(range.min), max = Number(range.max);
        range.value = String(min + random(Math.max(1, max - min + 1)));
        range.dispatchEvent(new Event('input', {bubbles: true}));
        actions++;
      }
    } else {
      document.body.dispatchEvent(new KeyboardEvent('keydown', {key: [' ', '.', '?'][random(3)], bubbles: true}));
      actions++;
    }
    await new Promise(resolve => setTimeout(resolve, random(3) === 0 ? 30 : 0));
  }
  const pause = root().querySelector('[data-testid=play-pause]');
  if (root().dataset.playing === 'true') { pause.click(); }
  done(actions);
})();
"#;

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn five_hundred_random_actions_log_no_error_and_never_panic() {
    // `KPLAY_RANDOM_SEED` and `KPLAY_RANDOM_STEPS` run another or a longer run, and
    // `KPLAY_RANDOM_PAGE=lessons/<slug>` runs it in a lesson's playground (CONTRIBUTING.md).
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    let (seed, steps) = (
        number("KPLAY_RANDOM_SEED", 12345),
        number("KPLAY_RANDOM_STEPS", 520),
    );
    let (server, session) = open_playground(1280, 900).await;
    let page = std::env::var("KPLAY_RANDOM_PAGE").unwrap_or_else(|_| "sandbox".into());
    session
        .open(
            &format!("{}#/{page}", server.url),
            "[data-testid=\"playground\"] [data-testid=\"terminal\"]",
        )
        .await;
    session
        .client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(600 + steps)),
            Some(Duration::from_secs(60)),
            Some(Duration::ZERO),
        ))
        .await
        .expect("script timeout");
    let actions = session
        .run_async_script_with(RANDOM_RUN, vec![json!(seed), json!(steps)])
        .await;
    assert!(
        actions.as_u64().unwrap_or(0) >= steps * 500 / 520,
        "random run (seed {seed}, {steps} steps): {actions}"
    );
    // Still alive and answering.
    session.by_test_id("terminal").await;
    session
        .screenshot("playground-after-random-run-desktop")
        .await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn starting_a_preset_keeps_a_way_back_to_the_session_it_replaced() {
    let (server, session) = open_playground(1280, 900).await;
    open_sandbox(&session, &server.url).await;
    let back_hidden = "return document.querySelector('[data-testid=preset-back]').hidden;";
    assert_eq!(
        session.run_script(back_hidden).await,
        json!(true),
        "nothing to go back to yet"
    );
    send(&session, "carol", "kept").await;
    skip_10s(&session).await;
    let replaced = state_fingerprint(&session).await;

    start_preset(&session, "single-broker").await;
    wait_for_brokers(&session, 1).await;
    let started = state_fingerprint(&session).await;
    assert_ne!(started, replaced);
    let back = session.text_of("[data-testid=\"preset-back\"]").await;
    assert!(
        back.contains("Three brokers"),
        "the way back names the preset it goes back to"
    );
    session.screenshot("sandbox-preset-back-desktop").await;

    // Going back leaves the new session in its place, and what comes back survives a reload.
    session.click("preset-back").await;
    wait_for_brokers(&session, 3).await;
    session.by_test_id("partition-row").await;
    assert_eq!(state_fingerprint(&session).await, replaced);
    reload(&session).await;
    assert_eq!(state_fingerprint(&session).await, replaced);
    session.click("preset-back").await;
    wait_for_brokers(&session, 1).await;
    assert_eq!(state_fingerprint(&session).await, started);
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn the_largest_preset_and_the_dark_theme_render() {
    let (_server, session) = open_largest_preset(1600, 1000).await;
    skip_10s(&session).await;
    let replicas = session.all("[data-testid=\"replica\"]").await;
    assert_eq!(replicas.len(), 144, "48 partitions × 3 replicas");
    // A log row is one line: the record cards' two-row offset once made every row two lines.
    let tracks = session
        .run_script(
            "const row = document.querySelector('[data-testid=\"log-record\"]');
             return row && getComputedStyle(row).gridTemplateRows.split(' ').length;",
        )
        .await;
    assert_eq!(tracks, json!(1), "a log row has one grid row");
    session.click("theme").await;
    session.click("theme").await;
    let theme = session
        .run_script("return document.documentElement.dataset.theme;")
        .await;
    assert_eq!(theme, json!("dark"));
    session.screenshot("playground-largest-dark-desktop").await;
    session.click("theme").await;
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_focused_button_in_a_list_keeps_its_focus_while_the_rows_refresh() {
    let (server, session) = open_playground(1440, 1000).await;
    open_sandbox(&session, &server.url).await;
    // The largest preset produces 200 records a second over 48 partitions.
    start_preset(&session, "largest").await;
    session
        .wait_until(
            "48 partition rows",
            "return document.querySelectorAll('[data-testid=partition-row]').length === 48;",
        )
        .await;
    skip_10s(&session).await;
    // Focus the kill button of a partition that receives records, then play at full speed.
    // (A script's click() does not move the focus, as a learner's keyboard shortcut would not.)
    let partition = session
        .run_script(
            "const rows = Array.from(document.querySelectorAll('[data-testid=partition-row]'));
             const row = rows.find(r => /[1-9]/.test(r.querySelector('td:last-of-type').previousElementSibling.textContent));
             row.querySelector('[data-testid=kill-leader]').focus();
             window.kplayRowText = row.textContent;
             const speed = document.querySelector('[data-testid=speed]');
             speed.value = speed.max; speed.dispatchEvent(new Event('input', {bubbles: true}));
             document.querySelector('[data-testid=play-pause]').click();
             return row.dataset.partition;",
        )
        .await;
    let partition = partition
        .as_str()
        .expect("a partition with records")
        .to_owned();
    session
        .wait_until(
            "the row shows new offsets",
            &format!(
                "return document.querySelector('{}').textContent !== window.kplayRowText;",
                row(&partition).replace('\'', "\\'")
            ),
        )
        .await;
    // The row was updated in place: the button that had focus is still in the page and focused.
    let focused = session
        .run_script(
            "document.querySelector('[data-testid=play-pause]').click();
             const a = document.activeElement;
             const r = a && a.closest('[data-testid=partition-row]');
             return [a.dataset.testid || null, r ? r.dataset.partition : null, a.isConnected];",
        )
        .await;
    assert_eq!(focused, json!(["kill-leader", partition, true]));
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_focused_event_keeps_its_focus_when_newer_events_arrive() {
    let (server, session) = open_playground(1440, 1000).await;
    open_sandbox(&session, &server.url).await;
    skip_10s(&session).await;
    // Routine events on, then focus the newest event's "go back" button. Everything after
    // this is done by script clicks, which (unlike a learner's click) leave the focus alone.
    let newest = session
        .run_script(
            "const toggle = document.querySelector('[data-testid=event-log] input[type=checkbox]');
             toggle.click();
             const first = document.querySelector('[data-testid=event]');
             first.querySelector('button').focus();
             return first.dataset.eventId;",
        )
        .await;
    let newest = newest.as_str().expect("an event").to_owned();
    session
        .run_script(
            "const value = document.querySelector('[data-testid=send-value]');
             value.value = 'focus-check'; value.dispatchEvent(new Event('input', {bubbles: true}));
             document.querySelector('[data-testid=send]').click();
             document.querySelector('[data-testid=skip-10s]').click();",
        )
        .await;
    session
        .wait_until(
            "newer events",
            &format!(
                "return document.querySelector('[data-testid=event]').dataset.eventId !== '{newest}';"
            ),
        )
        .await;
    // The list added the new lines and kept the old ones: the focused button is the same one.
    let focused = session
        .run_script(
            "const a = document.activeElement;
             const e = a && a.closest('[data-testid=event]');
             return [e ? e.dataset.eventId : null, a.isConnected];",
        )
        .await;
    assert_eq!(focused, json!([newest, true]));
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_broker_button_pressed_by_keyboard_keeps_the_focus_as_it_turns_into_its_opposite() {
    let (server, session) = open_playground(1440, 1000).await;
    open_sandbox(&session, &server.url).await;
    let card = "[data-testid=broker][data-broker=\"2\"]";
    // Enter on a focused button is a click on it; the focus stays on the button, which now
    // offers the opposite action.
    for (pressed, offered) in [
        ("stop-broker", "start-broker"),
        ("start-broker", "stop-broker"),
        ("isolate-broker", "rejoin-broker"),
        ("hold-broker", "release-broker"),
    ] {
        session
            .run_script(&format!(
                "const b = document.querySelector('{card} [data-testid={pressed}]'); b.focus(); b.click();"
            ))
            .await;
        session
            .wait_until(
                &format!("{card} offers {offered}"),
                &format!("return !!document.querySelector('{card} [data-testid={offered}]');"),
            )
            .await;
        let focused = session
            .run_script("return document.activeElement.dataset.testid || null;")
            .await;
        assert_eq!(focused, json!(offered), "after {pressed}");
    }
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn tab_leaves_an_empty_terminal_line_and_completes_a_typed_word() {
    let (server, session) = open_playground(1280, 900).await;
    open_sandbox(&session, &server.url).await;
    let focused = "return document.activeElement ? (document.activeElement.dataset.testid || document.activeElement.tagName) : null;";
    let input = session.by_test_id("terminal-input").await;
    // Tab on an empty line: nothing to complete, so the focus moves on (no keyboard trap).
    input.click().await.expect("click the terminal");
    input.send_keys("\u{e004}").await.expect("Tab");
    let after_tab = session.run_script(focused).await;
    assert_ne!(after_tab, json!("terminal-input"), "Tab kept the focus");
    assert_eq!(session.all("[data-testid=completions]").await.len(), 0);
    // Shift+Tab never completes, even after a word.
    input.click().await.expect("click the terminal");
    input.send_keys("kafka-to").await.expect("type");
    input
        .send_keys("\u{e008}\u{e004}\u{e000}")
        .await
        .expect("Shift+Tab");
    let after_shift_tab = session.run_script(focused).await;
    assert_ne!(
        after_shift_tab,
        json!("terminal-input"),
        "Shift+Tab kept the focus"
    );
    assert_eq!(
        session
            .prop_of("[data-testid=terminal-input]", "value")
            .await
            .as_deref(),
        Some("kafka-to")
    );
    // Tab after a word completes it and keeps the focus for more typing.
    input.click().await.expect("click the terminal");
    input.send_keys("\u{e004}").await.expect("Tab");
    assert_eq!(session.run_script(focused).await, json!("terminal-input"));
    assert_eq!(
        session
            .prop_of("[data-testid=terminal-input]", "value")
            .await
            .as_deref(),
        Some("kafka-topics ")
    );
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn the_partition_table_fits_its_panel_at_desktop_width() {
    let (server, session) = open_playground(1280, 900).await;
    // Every column, the actions included, is in view without scrolling sideways: in the
    // sandbox and beside a lesson's text (a narrower panel, a longer topic name).
    for page in [SANDBOX, "#/lessons/acks-min-insync-replicas"] {
        session
            .open(
                &format!("{}{page}", server.url),
                "[data-testid=\"partition-row\"]",
            )
            .await;
        let widths = session
            .run_script(
                "const table = document.querySelector('[data-testid=partition-table]');
                 table.closest('details') && (table.closest('details').open = true);
                 const box = table.closest('.table-scroll');
                 return [box.scrollWidth, box.clientWidth];",
            )
            .await;
        let (scroll, client) = (widths[0].as_i64(), widths[1].as_i64());
        assert!(
            scroll <= client,
            "{page}: the table needs {scroll:?} px in {client:?}"
        );
    }
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_tools_table_in_the_terminal_keeps_one_line_per_row_on_a_phone() {
    let (server, session) = open_playground(360, 800).await;
    open_sandbox(&session, &server.url).await;
    session
        .type_into("terminal-input", "kplay replicas orders 0\n")
        .await;
    session
        .wait_until(
            "the terminal answered",
            "return document.querySelectorAll('[data-testid=terminal-entry]').length === 1;",
        )
        .await;
    // A header and three brokers: four lines of text, four line boxes (none wrapped), and
    // the output box scrolls sideways to show the rest.
    let lines = session
        .run_script(
            "const pre = document.querySelector('[data-testid=terminal-entry] .terminal-stdout');
             const range = document.createRange(); range.selectNodeContents(pre);
             const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
             const output = document.querySelector('[data-testid=terminal-output]');
             return [pre.textContent.trimEnd().split('\\n').length, tops.size,
                     output.scrollWidth > output.clientWidth];",
        )
        .await;
    assert_eq!(lines, json!([4, 4, true]));
    session.finish().await;
}

#[tokio::test]
#[ignore = "needs dist/ and ChromeDriver: run `cargo xtask test`"]
async fn a_partition_row_keeps_its_buttons_side_by_side_on_a_phone() {
    let (server, session) = open_playground(360, 800).await;
    open_sandbox(&session, &server.url).await;
    // The table scrolls sideways on a phone anyway; buttons one under the other made every
    // row twice as tall. Each row's "Log" and "Kill leader" share a line.
    let rows = session
        .run_script(
            "return Array.from(document.querySelectorAll('[data-testid=partition-row]')).map(row =>
                 new Set(Array.from(row.querySelectorAll('button')).map(b => b.offsetTop)).size);",
        )
        .await;
    let rows = rows.as_array().expect("an array of rows");
    assert!(!rows.is_empty(), "the default session has partitions");
    assert!(
        rows.iter().all(|tops| tops == &json!(1)),
        "button lines per row: {rows:?}"
    );
    session.finish().await;
}
