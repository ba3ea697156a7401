//! The harness itself: it must see what the page logs to the console, or the promise that "any
//! console error fails an end-to-end test" would be empty.

use kplay_e2e::{Session, StaticServer, SUB_PATH};
use std::path::Path;

#[tokio::test]
#[ignore = "needs ChromeDriver: run `cargo xtask test`"]
async fn the_harness_sees_console_errors_of_a_page_served_under_a_sub_path() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/console-error");
    let server = StaticServer::start(&fixture, SUB_PATH);
    let session = Session::start(800, 600).await;
    session
        .open(&server.url, "[data-testid=\"lesson-list\"]")
        .await;
    let errors = session.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|error| error.contains("deliberate error")),
        "the deliberate console.error was not seen: {errors:?}"
    );
    assert!(
        session.console_errors().await.is_empty(),
        "errors are reported once"
    );
    session.finish().await;
}
