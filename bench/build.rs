//! Replays the core's reference session natively at build time, so `tests/same_trace.rs` can
//! check that the WebAssembly build replays it to the same trace.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=../core/src");
    let trace = match kplay_core::check::reference::reference_trace() {
        Ok(trace) => trace,
        Err(error) => panic!("the reference session was refused natively: {error}"),
    };
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("native_trace.txt"), trace).expect("OUT_DIR is writable");
}
