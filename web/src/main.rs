//! The browser entry point: report panics to the console, then mount the app.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(kplay_web::App);
    // The page is interactive from here: the time-to-interactive benchmark reads this mark.
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark("kplay-mounted");
    }
}
