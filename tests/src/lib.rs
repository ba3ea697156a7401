//! The harness for Kafka Playground's end-to-end tests.
//!
//! Each test serves the release build in `dist/` on loopback under a sub-path (as a student's
//! static host would), starts ChromeDriver with headless Chromium, and drives the real page.
//! [`Session::finish`] fails the test on any browser console error and saves screenshots as
//! artifacts. The tests are `#[ignore]`d in a plain `cargo test`; `cargo xtask test` builds
//! `dist/` and runs them with `--include-ignored`.

mod server;
mod webdriver;

pub use server::StaticServer;
pub use webdriver::Session;

use std::path::PathBuf;

/// The sub-path the app is served under, to prove its asset URLs are relative.
pub const SUB_PATH: &str = "/some/sub-path/kafka-playground/";

/// `dist/` as set by `cargo xtask test` (KPLAY_DIST), or the workspace's own.
pub fn dist_folder() -> PathBuf {
    std::env::var_os("KPLAY_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"))
}

/// Where screenshots go (KPLAY_ARTIFACTS), by default `artifacts/` at the workspace root.
pub fn artifacts_folder() -> PathBuf {
    std::env::var_os("KPLAY_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts"))
}

/// Serves `dist/` and opens a browser session on it: the start of every test.
pub async fn open_playground(width: u32, height: u32) -> (StaticServer, Session) {
    let server = StaticServer::start(&dist_folder(), SUB_PATH);
    let session = Session::start(width, height).await;
    (server, session)
}

/// Picks a preset in the sandbox's list and starts it.
pub async fn start_preset(session: &Session, id: &str) {
    session
        .run_script(&format!(
            "const s = document.querySelector('[data-testid=preset]'); s.value = '{id}'; s.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await;
    session.click("load-preset").await;
}

/// Waits until the cluster picture shows `count` brokers.
pub async fn wait_for_brokers(session: &Session, count: usize) {
    session
        .wait_until(
            &format!("{count} brokers"),
            &format!(
                "return document.querySelectorAll('[data-testid=broker]').length === {count};"
            ),
        )
        .await;
}
