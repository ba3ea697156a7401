//! A static file server for `dist/` on 127.0.0.1, mounted under a sub-path.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// Serves a folder until dropped. Requests outside the sub-path get 404, as on a shared host.
pub struct StaticServer {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    /// The app's address, e.g. `http://127.0.0.1:41234/some/sub-path/kafka-playground/`.
    pub url: String,
}

impl StaticServer {
    /// Starts serving `folder` at `sub_path` on a free loopback port.
    pub fn start(folder: &Path, sub_path: &'static str) -> StaticServer {
        assert!(
            folder.join("index.html").is_file(),
            "{} has no index.html: build it with `trunk build --release` (cargo xtask test does)",
            folder.display()
        );
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind a loopback port"));
        let port = server
            .server_addr()
            .to_ip()
            .map(|address| address.port())
            .expect("an IP address");
        let url = format!("http://127.0.0.1:{port}{sub_path}");
        let folder = folder.to_path_buf();
        let serving = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let response = respond(&folder, sub_path, request.url());
                // A browser that went away mid-response is not a test failure.
                let _ = request.respond(response);
            }
        });
        StaticServer {
            server,
            thread: Some(thread),
            url,
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(
    folder: &Path,
    sub_path: &str,
    url: &str,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let file = path
        .strip_prefix(sub_path)
        .and_then(|relative| safe_join(folder, relative));
    match file.and_then(|file| std::fs::read(&file).ok().map(|bytes| (file, bytes))) {
        Some((file, bytes)) => {
            let header = tiny_http::Header::from_bytes("Content-Type", content_type(&file))
                .expect("a valid header");
            tiny_http::Response::from_data(bytes).with_header(header)
        }
        None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
    }
}

/// `folder/relative`, or `folder/index.html` for the sub-path itself; None for `..` tricks.
fn safe_join(folder: &Path, relative: &str) -> Option<PathBuf> {
    let relative = if relative.is_empty() {
        "index.html"
    } else {
        relative
    };
    let relative = Path::new(relative);
    relative
        .components()
        .all(|component| matches!(component, Component::Normal(_)))
        .then(|| folder.join(relative))
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
