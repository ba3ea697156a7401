//! Benchmarks that print figures (never timed tests that fail): run with `cargo xtask bench-ui`
//! (which sets KPLAY_BENCH=1; without it these return at once, so `cargo xtask test` skips them).
//!
//! - frame time: the largest preset playing at full speed, its cluster panel in view; the
//!   main-thread time of each animation frame, from the start of its callbacks until a message
//!   posted from them arrives (after the microtasks that update the DOM and the browser's
//!   rendering of the frame);
//! - time to interactive: navigation start to the app's `kplay-mounted` mark on the first
//!   lesson, median of 10 fresh loads, beside an empty page's time (the floor);
//! - memory of a long session: the largest preset at full speed for a minute, the WebAssembly's
//!   memory before and after, and the time a scrub back to the middle of the timeline takes;
//! - the core's throughput in WebAssembly in Chromium (issue 3): run by `cargo xtask bench`,
//!   which builds the benchmark page into KPLAY_BENCH_WASM and sets it.

use kplay_e2e::{dist_folder, start_preset, wait_for_brokers, Session, StaticServer, SUB_PATH};
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

fn enabled() -> bool {
    std::env::var_os("KPLAY_BENCH").is_some()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

const FRAME_PROBE: &str = r#"
window.kplayFrameTimes = [];
const original = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = callback => original(time => {
  const start = performance.now();
  callback(time);
  const channel = new MessageChannel();
  channel.port1.onmessage = () => window.kplayFrameTimes.push(performance.now() - start);
  channel.port2.postMessage(0);
});
"#;

/// The sandbox with the largest preset started, paused, its speed at the maximum.
async fn largest_preset_at_full_speed() -> (StaticServer, Session) {
    let server = StaticServer::start(&dist_folder(), SUB_PATH);
    let session = Session::start(1600, 1000).await;
    session
        .open(
            &format!("{}#/sandbox", server.url),
            "[data-testid=\"playground\"]",
        )
        .await;
    start_preset(&session, "largest").await;
    wait_for_brokers(&session, 9).await;
    session
        .run_script(
            "const s = document.querySelector('[data-testid=speed]'); s.value = s.max; s.dispatchEvent(new Event('input', {bubbles: true}));",
        )
        .await;
    (server, session)
}

#[tokio::test]
#[ignore = "a benchmark: run `cargo xtask bench-ui`"]
async fn bench_frame_time_of_the_largest_preset_at_full_speed() {
    if !enabled() {
        return;
    }
    let (_server, session) = largest_preset_at_full_speed().await;
    // The learner watches the cluster while it plays: its panel is in view (panels out of view
    // are neither laid out nor painted, so the top of the page would measure less).
    session
        .run_script("document.querySelector('[data-testid=cluster-panel]').scrollIntoView();")
        .await;
    session.run_script(FRAME_PROBE).await;
    let (start_ms, end_ms) = play_for(&session, 15).await;
    let times = session.run_script("return window.kplayFrameTimes;").await;
    let mut times: Vec<f64> = times
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_f64())
        .collect();
    // The first frames include the switch to playing; keep the steady state.
    let steady = times.split_off(times.len().min(10));
    let mut sorted = steady;
    sorted.sort_by(|a, b| a.total_cmp(b));
    let simulated = end_ms - start_ms;
    println!(
        "bench-ui frame time, largest preset (9 brokers, 48 partitions x3, 18 consumers, 200 records/s) at full speed: {} frames, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.1} s simulated in 15 s",
        sorted.len(),
        percentile(&sorted, 0.50),
        percentile(&sorted, 0.95),
        percentile(&sorted, 0.99),
        sorted.last().copied().unwrap_or(f64::NAN),
        simulated / 1000.0
    );
    session.finish().await;
}

/// The WebAssembly's linear memory in MB (the glue's init returns the running module's exports).
const WASM_MEMORY_MB: &str = "const done = arguments[0]; window.wasmBindings.default().then(w => done(w.memory.buffer.byteLength / 1048576));";

/// How many moves the timeline drag of the long-session benchmark makes.
const DRAG_MOVES: usize = 10;

/// Drags the timeline from where it is to `TARGET` (ms) in `MOVES` moves, one per
/// animation frame, as a pointer would; then waits for the seek to arrive. Gives back the ms
/// from the first move to the arrival, from the last move to the arrival, and the longest
/// frame meanwhile (how long the page stopped answering).
const DRAG_TIMELINE: &str = "const done = arguments[0];
const t = document.querySelector('[data-testid=timeline]');
const from = Number(t.value), to = TARGET, moves = MOVES;
const started = performance.now();
let last = started, lastMove = started, longest = 0, made = 0;
function frame(now) {
  longest = Math.max(longest, now - last); last = now;
  if (made < moves) {
    made += 1;
    t.value = String(Math.round(from + (to - from) * made / moves));
    t.dispatchEvent(new Event('input', {bubbles: true}));
    lastMove = performance.now();
  } else if (t.dataset.seeking !== 'true') {
    const end = performance.now();
    done([end - started, end - lastMove, Math.max(longest, end - last)]);
    return;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);";

/// Run after a reload: the ms from navigation to the first frame that shows the playground
/// and to the frame where the session's replayed actions reached their end, and the longest
/// frame meanwhile (how long the page stopped answering while it replayed).
const RELOAD_REPLAY: &str = "const done = arguments[0];
let drawn = null, last = null, longest = 0;
const frame = now => {
  if (last !== null) { longest = Math.max(longest, now - last); }
  last = now;
  const drawnNow = !!document.querySelector('[data-testid=partition-row]');
  const timeline = document.querySelector('[data-testid=timeline]');
  if (drawnNow && drawn === null) { drawn = now; }
  if (drawnNow && timeline && timeline.dataset.seeking === 'false') { done([drawn, now, longest]); return; }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);";

/// Reads the playground's simulated clock, in ms.
async fn clock_ms(session: &Session) -> f64 {
    session
        .run_script("return Number(document.querySelector('[data-testid=clock]').dataset.nowMs);")
        .await
        .as_f64()
        .unwrap_or(f64::NAN)
}

/// Plays for `seconds` of wall time, then pauses; returns the simulated clock (ms) before and
/// after.
async fn play_for(session: &Session, seconds: u64) -> (f64, f64) {
    let start_ms = clock_ms(session).await;
    session.click("play-pause").await;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    session.click("play-pause").await;
    (start_ms, clock_ms(session).await)
}

/// How long the long session plays, in wall seconds: 60, or KPLAY_BENCH_LONG_S (280 reaches
/// the sessions' two-hour limit on this machine).
fn long_session_seconds() -> u64 {
    std::env::var("KPLAY_BENCH_LONG_S")
        .ok()
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or(60)
}

/// Memory of a long session: the largest preset plays at full speed for a minute, then the
/// timeline is scrubbed back to its middle. The timeline keeps clones of the cluster (its
/// snapshots) to rewind from, so this shows what they cost, and how long a scrub takes.
#[tokio::test]
#[ignore = "a benchmark: run `cargo xtask bench-ui`"]
async fn bench_memory_and_seek_of_a_long_session_of_the_largest_preset() {
    if !enabled() {
        return;
    }
    let (_server, session) = largest_preset_at_full_speed().await;
    let before = session.run_async_script(WASM_MEMORY_MB).await;
    let (start_ms, end_ms) = play_for(&session, long_session_seconds()).await;
    let after = session.run_async_script(WASM_MEMORY_MB).await;
    let middle = (start_ms + end_ms) / 2.0;
    let drag = session
        .run_async_script(
            &DRAG_TIMELINE
                .replace("TARGET", &middle.to_string())
                .replace("MOVES", &DRAG_MOVES.to_string()),
        )
        .await;
    let figure = |i: usize| drag.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let landed = clock_ms(&session).await;
    // The session is saved: a reload replays its actions over frames.
    session.client.refresh().await.expect("reload");
    let reload = session.run_async_script(RELOAD_REPLAY).await;
    let reload_figure = |i: usize| reload.get(i).and_then(Value::as_f64).unwrap_or(f64::NAN);
    println!(
        "bench-ui long session, largest preset at full speed for {} s: {:.1} min simulated; WebAssembly memory {:.0} MB before, {:.0} MB after; a drag of the timeline from the end to the middle ({DRAG_MOVES} moves, one a frame) arrived {:.0} ms after its last move ({:.0} ms after its first), its longest frame took {:.0} ms; it landed at {:.1} min (asked {:.1}); a reload drew the playground {:.0} ms after navigation and replayed the session's actions by {:.0} ms, its longest frame meanwhile {:.0} ms",
        long_session_seconds(),
        (end_ms - start_ms) / 60_000.0,
        before.as_f64().unwrap_or(f64::NAN),
        after.as_f64().unwrap_or(f64::NAN),
        figure(1),
        figure(0),
        figure(2),
        (landed - start_ms) / 60_000.0,
        (middle - start_ms) / 60_000.0,
        reload_figure(0),
        reload_figure(1),
        reload_figure(2),
    );
    session.finish().await;
}

async fn median_time_to_mark(url: &str, ready_css: &str, loads: usize) -> (f64, Vec<f64>) {
    let mut times = Vec::new();
    for _ in 0..loads {
        // A fresh profile each time: no cache, no saved session.
        let session = Session::start(1280, 900).await;
        session.open(url, ready_css).await;
        let time = session
            .run_script("const m = performance.getEntriesByName('kplay-mounted')[0]; return m ? m.startTime : null;")
            .await;
        times.push(time.as_f64().expect("the page set its mark"));
        session.finish().await;
    }
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    (percentile(&sorted, 0.5), times)
}

#[tokio::test]
#[ignore = "a benchmark: run `cargo xtask bench-ui`"]
async fn bench_time_to_interactive_of_the_first_lesson_against_an_empty_page() {
    if !enabled() {
        return;
    }
    let server = StaticServer::start(&dist_folder(), SUB_PATH);
    let lesson = format!("{}#/lessons/topics-partitions-keys", server.url);
    let (app, app_times) =
        median_time_to_mark(&lesson, "[data-testid=\"partitioning-sim\"]", 10).await;
    let empty_folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/empty");
    let empty_server = StaticServer::start(&empty_folder, SUB_PATH);
    let (empty, empty_times) =
        median_time_to_mark(&empty_server.url, "[data-testid=\"lesson-list\"]", 10).await;
    let sandbox = format!("{}#/sandbox", server.url);
    let (playground, _) = median_time_to_mark(&sandbox, "[data-testid=\"partition-row\"]", 5).await;
    println!(
        "bench-ui time to interactive (navigation start to mounted), median of 10 fresh loads: first lesson {app:.1} ms, empty page {empty:.1} ms (floor); sandbox playground {playground:.1} ms (median of 5)"
    );
    println!("  first lesson loads: {app_times:.1?}");
    println!("  empty page loads: {empty_times:.1?}");
}

/// The WebAssembly half of `cargo xtask bench` in the browser the playground runs in: serves
/// the folder KPLAY_BENCH_WASM (the benchmark from `wasm-bindgen --target web`, with
/// `bench/wasm/index.html` and `rounds.mjs`), waits for its rounds and prints them.
#[tokio::test]
#[ignore = "a benchmark: run `cargo xtask bench`"]
async fn bench_throughput_of_the_core_in_webassembly() {
    let Some(folder) = std::env::var_os("KPLAY_BENCH_WASM") else {
        return;
    };
    let server = StaticServer::start(Path::new(&folder), SUB_PATH);
    let session = Session::start(800, 600).await;
    session.open(&server.url, "#log").await;
    // The rounds hold the page's main thread for a few seconds, longer on a busy machine.
    let deadline = Instant::now() + Duration::from_secs(300);
    let result = loop {
        let result = session
            .run_script("return window.kplayThroughput || null;")
            .await;
        if !result.is_null() {
            break result;
        }
        assert!(
            Instant::now() < deadline,
            "the benchmark page did not finish in 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    for line in result["lines"].as_array().into_iter().flatten() {
        println!("{}", line.as_str().unwrap_or_default());
    }
    if let Some(error) = result["error"].as_str() {
        panic!("the benchmark failed in the browser: {error}");
    }
    println!(
        "chromium median: {:.0} records/s",
        result["median"].as_f64().unwrap_or(f64::NAN)
    );
    session.finish().await;
}
