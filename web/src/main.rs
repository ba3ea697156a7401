//! The browser entry point: report panics to the console, then mount the app.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(kplay_web::App);
}
