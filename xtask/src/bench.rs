//! `cargo xtask bench`: the core's throughput benchmark (issue 3), natively and in
//! WebAssembly under Node, printing records per second and memory per stored record.
//!
//! Both halves run the same code (`bench/`) built with the `perf` profile, so the comparison
//! is between targets, not between optimisation levels.

use crate::process::run;
use crate::toolchain::{Needs, Toolchain};

pub fn bench() -> Result<(), String> {
    let tools = Toolchain::install(Needs::Build)?;
    run(
        "native throughput (cargo run --profile perf -p kplay-bench)",
        tools
            .command("cargo")
            .args(["run", "--profile", "perf", "--package", "kplay-bench"]),
    )?;
    run(
        "building the benchmark for wasm32-unknown-unknown",
        tools.command("cargo").args([
            "build",
            "--profile",
            "perf",
            "--package",
            "kplay-bench",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    )?;
    let out_dir = tools.root.join("target/bench-wasm");
    let wasm = tools
        .root
        .join("target/wasm32-unknown-unknown/perf/kplay_bench.wasm");
    run(
        "wasm-bindgen --target nodejs",
        tools
            .command("wasm-bindgen")
            .args(["--target", "nodejs", "--out-dir"])
            .arg(&out_dir)
            .arg(&wasm),
    )?;
    run(
        "WebAssembly throughput in Node",
        tools
            .command("node")
            .arg(tools.root.join("bench/wasm/run.mjs"))
            .arg(&out_dir),
    )
}
