//! `cargo xtask bench`: the core's throughput benchmark (issue 3), natively and in
//! WebAssembly, printing records per second and memory per stored record.
//!
//! Every half runs the same code (`bench/`) built with the `perf` profile, so the comparison is
//! between targets, not between optimisation levels. The WebAssembly build runs twice: in
//! headless Chromium, the browser the playground is for, and in Node.
//!
//! The machine's speed drifts by up to two times from one minute to the next (the native half
//! is the most sensitive: how fast the kernel hands out fresh memory pages). So the halves
//! alternate over a few trials, and each trial's native-to-WebAssembly ratio compares figures
//! taken a few seconds apart.

use std::path::Path;

use crate::process::{run, run_capturing};
use crate::toolchain::{Needs, Toolchain};

/// How many times the three halves run, alternating.
const TRIALS: usize = 3;

/// The medians of one trial, in records per second.
struct Trial {
    native: f64,
    node: f64,
    chromium: f64,
}

pub fn bench() -> Result<(), String> {
    let tools = Toolchain::install(Needs::Everything)?;
    let chromedriver = tools
        .chromedriver
        .clone()
        .ok_or("ChromeDriver was not located")?;
    build(&tools)?;
    let native = tools.root.join("target/perf/kplay-bench");
    let node_dir = tools.root.join("target/bench-wasm");
    let web_dir = tools.root.join("target/bench-wasm-web");
    let mut trials = Vec::new();
    let mut memory_line = None;
    for trial in 1..=TRIALS {
        let what = |half: &str| format!("trial {trial}/{TRIALS}: {half}");
        let native_out = run_capturing(
            &what("native throughput"),
            &mut tools.command(&native.to_string_lossy()),
        )?;
        memory_line = native_out
            .lines()
            .find(|line| line.starts_with("memory:"))
            .map(str::to_owned);
        let node_out = run_capturing(
            &what("WebAssembly throughput in Node"),
            tools
                .command("node")
                .arg(tools.root.join("bench/wasm/run.mjs"))
                .arg(&node_dir),
        )?;
        let chromium_out = run_capturing(
            &what("WebAssembly throughput in headless Chromium"),
            tools
                .command("cargo")
                .args([
                    "test",
                    "--quiet",
                    "--package",
                    "kplay-e2e",
                    "--test",
                    "bench",
                    "bench_throughput_of_the_core_in_webassembly",
                    "--",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("KPLAY_BENCH_WASM", &web_dir)
                .env("CHROMEDRIVER", &chromedriver),
        )?;
        trials.push(Trial {
            native: median_in(&native_out, "native median:")?,
            node: median_in(&node_out, "node median:")?,
            chromium: median_in(&chromium_out, "chromium median:")?,
        });
    }
    summary(&trials, memory_line.as_deref());
    Ok(())
}

/// The native binary, the WebAssembly module for Node and for the browser, and the page that
/// runs it there.
fn build(tools: &Toolchain) -> Result<(), String> {
    run(
        "building the native benchmark",
        tools
            .command("cargo")
            .args(["build", "--profile", "perf", "--package", "kplay-bench"]),
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
    let wasm = tools
        .root
        .join("target/wasm32-unknown-unknown/perf/kplay_bench.wasm");
    for (target, folder) in [("nodejs", "bench-wasm"), ("web", "bench-wasm-web")] {
        let out_dir = tools.root.join("target").join(folder);
        run(
            &format!("wasm-bindgen --target {target}"),
            tools
                .command("wasm-bindgen")
                .args(["--target", target, "--out-dir"])
                .arg(&out_dir)
                .arg(&wasm),
        )?;
    }
    let web_dir = tools.root.join("target/bench-wasm-web");
    for page in ["index.html", "rounds.mjs"] {
        copy(
            &tools.root.join("bench/wasm").join(page),
            &web_dir.join(page),
        )?;
    }
    run(
        "building the browser half's test (kplay-e2e)",
        tools.command("cargo").args([
            "test",
            "--package",
            "kplay-e2e",
            "--test",
            "bench",
            "--no-run",
        ]),
    )
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to).map(|_| ()).map_err(|error| {
        format!(
            "cannot copy {} to {}: {error}",
            from.display(),
            to.display()
        )
    })
}

/// The figure on the line that starts with `label` (`label 1234 records/s`).
fn median_in(output: &str, label: &str) -> Result<f64, String> {
    output
        .lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|figure| figure.parse().ok())
        .ok_or_else(|| format!("no `{label}` figure in the benchmark's output"))
}

fn summary(trials: &[Trial], memory_line: Option<&str>) {
    println!("\n==> summary: records/s through produce (acks=all, replication factor 3), replicate and consume");
    println!("    each figure is the median of that half's rounds, printed above; the halves alternate, so a trial's figures are seconds apart");
    println!(
        "    {:>5}  {:>12}  {:>18}  {:>14}  {:>16}",
        "trial", "native", "wasm in Chromium", "wasm in Node", "native / Chromium"
    );
    let mut ratios = Vec::new();
    for (index, trial) in trials.iter().enumerate() {
        let ratio = trial.native / trial.chromium;
        ratios.push(ratio);
        println!(
            "    {:>5}  {:>12.0}  {:>18.0}  {:>14.0}  {:>15.2}x",
            index + 1,
            trial.native,
            trial.chromium,
            trial.node,
            ratio
        );
    }
    ratios.sort_by(f64::total_cmp);
    if let Some(median) = ratios.get(ratios.len() / 2) {
        println!("    native is {median:.2} times WebAssembly in Chromium (median of the trials; the target is at most 2)");
    }
    if let Some(line) = memory_line {
        println!("    {line}");
    }
}
