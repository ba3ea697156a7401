//! The browser entry point: report panics to the console, then mount the app.

/// talc, not Rust's default WebAssembly allocator (dlmalloc): faster at the simulator's many
/// small allocations and frees, and the allocator the throughput benchmark measures.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(kplay_web::App);
    // The page is interactive from here: the time-to-interactive benchmark reads this mark.
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark("kplay-mounted");
    }
}
