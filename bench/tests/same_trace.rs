//! A session is (config, seed, inputs) and replays to the same trace on every target: the
//! core's reference session, replayed here (natively, and in WebAssembly under Node with
//! `wasm-bindgen-test-runner`), must give exactly the trace the build script computed natively.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

const NATIVE_TRACE: &str = include_str!(concat!(env!("OUT_DIR"), "/native_trace.txt"));

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_reference_session_replays_to_the_native_trace() {
    let trace = kplay_core::check::reference::reference_trace().expect("the session runs");
    let mismatch = trace
        .lines()
        .zip(NATIVE_TRACE.lines())
        .enumerate()
        .find(|(_, (here, native))| here != native);
    if let Some((line, (here, native))) = mismatch {
        panic!("line {}: here `{here}`, natively `{native}`", line + 1);
    }
    assert_eq!(trace.lines().count(), NATIVE_TRACE.lines().count());
    assert!(
        NATIVE_TRACE.lines().count() > 100,
        "the session does something"
    );
}
