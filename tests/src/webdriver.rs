//! A headless Chromium session through ChromeDriver, with the few verbs the tests use.

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the page may take to show an element (the first load compiles the WASM).
const WAIT: Duration = Duration::from_secs(30);

/// One browser, one ChromeDriver; both go away on drop.
pub struct Session {
    pub client: Client,
    driver: Child,
    profile: std::path::PathBuf,
}

impl Session {
    /// Starts ChromeDriver and a headless Chromium with a fresh profile and this window size.
    pub async fn start(width: u32, height: u32) -> Session {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {chromedriver}: {error}"));
        wait_until_listening(port);
        let profile =
            std::env::temp_dir().join(format!("kplay-e2e-profile-{}-{port}", std::process::id()));
        let mut capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        // Chromium will not make a window narrower than 500 px, so a phone's width is emulated:
        // without this a "360 px" test would see a 500 px page. A phone's page is laid out for
        // its own width (the viewport meta) and its scroll bars take no room.
        if width < 500 {
            capabilities["goog:chromeOptions"]["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": width, "height": height, "pixelRatio": 1.0,
                    "mobile": true, "touch": false,
                },
            });
        }
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object literal"),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session with headless Chromium");
        Session {
            client,
            driver,
            profile,
        }
    }

    /// Opens `url` and waits for an element matching `css` to appear.
    pub async fn open(&self, url: &str, css: &str) -> Element {
        self.client.goto(url).await.expect("navigation");
        self.wait_for(css).await
    }

    /// Waits for an element matching `css`.
    pub async fn wait_for(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|error| panic!("no element matches `{css}`: {error}"))
    }

    /// The element with `data-testid="{test_id}"`, waiting for it.
    pub async fn by_test_id(&self, test_id: &str) -> Element {
        self.wait_for(&format!("[data-testid=\"{test_id}\"]")).await
    }

    /// All elements matching `css` now (no waiting).
    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .expect("find_all")
    }

    /// Replaces the text of an input and types `text` into it.
    pub async fn type_into(&self, test_id: &str, text: &str) {
        let input = self.by_test_id(test_id).await;
        input.clear().await.expect("clear input");
        input.send_keys(text).await.expect("type into input");
    }

    /// Clicks the element with that test id.
    pub async fn click(&self, test_id: &str) {
        self.by_test_id(test_id)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("click on {test_id}: {error}"));
    }

    /// Clicks the first element matching `css`, waiting for it.
    pub async fn click_css(&self, css: &str) {
        self.wait_for(css)
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("click on {css}: {error}"));
    }

    /// The text of the first element matching `css`, waiting for it.
    pub async fn text_of(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.expect("text")
    }

    /// An attribute of the first element matching `css`, waiting for it.
    pub async fn attr_of(&self, css: &str, name: &str) -> Option<String> {
        self.wait_for(css)
            .await
            .attr(name)
            .await
            .expect("attribute")
    }

    /// A DOM property of the first element matching `css` (an input's current `value`, which
    /// its attribute does not follow), waiting for the element.
    pub async fn prop_of(&self, css: &str, name: &str) -> Option<String> {
        self.wait_for(css).await.prop(name).await.expect("property")
    }

    /// Runs an async `script` (its last argument is the callback) and returns its value.
    pub async fn run_async_script(&self, script: &str) -> Value {
        self.run_async_script_with(script, Vec::new()).await
    }

    /// `run_async_script` with arguments, which the script reads as `arguments[0]` and on.
    pub async fn run_async_script_with(&self, script: &str, args: Vec<Value>) -> Value {
        self.client
            .execute_async(script, args)
            .await
            .expect("async script")
    }

    /// Waits until `script` returns true, polling every 100 ms, for at most `WAIT`.
    pub async fn wait_until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if self.run_script(script).await == Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs `script` in the page and returns its value.
    pub async fn run_script(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .expect("script")
    }

    /// Saves a PNG screenshot as `{artifacts}/{name}.png`.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let folder = crate::artifacts_folder();
        std::fs::create_dir_all(&folder).expect("artifacts folder");
        std::fs::write(folder.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// The browser console's errors since the last call (ChromeDriver's log endpoint).
    pub async fn console_errors(&self) -> Vec<String> {
        let entries = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .expect("ChromeDriver's browser log");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Ends the test: fails it if the console logged any error, then closes the browser.
    pub async fn finish(self) {
        let errors = self.console_errors().await;
        assert!(errors.is_empty(), "browser console errors: {errors:#?}");
        self.client
            .clone()
            .close()
            .await
            .expect("close the browser");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // A test that failed before `finish` leaves its Chromium running once ChromeDriver is
        // gone (a playing page kept a core busy through the tests after it): every one of its
        // processes names the session's own profile folder.
        let _ = Command::new("pkill")
            .arg("-KILL")
            .arg("-f")
            .arg(self.profile.as_os_str())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// ChromeDriver's `POST /session/{id}/se/log` with `{"type": "browser"}`.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "ChromeDriver did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
