//! The README's two commands: `serve` and `test`.
//!
//! `test` is what CI runs (`.ci/run`). Its steps run in a fixed order and stop at the first
//! failure, cheapest first, so a formatting slip fails in seconds rather than after a browser run.

use crate::process::run;
use crate::size_report;
use crate::toolchain::{Needs, Toolchain};

/// `cargo xtask serve`: the playground at http://127.0.0.1:8080 with live reload.
pub fn serve() -> Result<(), String> {
    let tools = Toolchain::install(Needs::Build)?;
    run(
        "serving the playground at http://127.0.0.1:8080 (Ctrl-C stops it)",
        tools.command("trunk").arg("serve"),
    )
}

/// `cargo xtask test`: every check and test, failing on the first failure.
pub fn test() -> Result<(), String> {
    let tools = Toolchain::install(Needs::Everything)?;
    let chromedriver = tools
        .chromedriver
        .clone()
        .ok_or("ChromeDriver was not located")?;

    run(
        "1/9 formatting (cargo fmt --check)",
        tools.command("cargo").args(["fmt", "--all", "--check"]),
    )?;
    run(
        "2/9 clippy, native, all targets, warnings denied",
        tools.command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "3/9 clippy, web crate for wasm32, all targets, warnings denied",
        tools.command("cargo").args([
            "clippy",
            "--package",
            "kplay-web",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "4/9 native tests of the whole workspace",
        tools.command("cargo").args(["test", "--workspace"]),
    )?;
    run(
        "5/9 the core and the command-line library compiled for wasm32-unknown-unknown",
        tools.command("cargo").args([
            "build",
            "--package",
            "kplay-core",
            "--package",
            "kplay-cli",
            "--lib",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    )?;
    run(
        "5/9 the core in WebAssembly (Node) replays the reference session to the native trace",
        tools
            .command("cargo")
            .args([
                "test",
                "--package",
                "kplay-bench",
                "--test",
                "same_trace",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            ),
    )?;
    run(
        "6/9 the web crate's wasm-bindgen-test suite in headless Chromium",
        tools
            .command("cargo")
            .args([
                "test",
                "--package",
                "kplay-web",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", &chromedriver),
    )?;
    run(
        "7/9 release build of the playground (trunk build --release)",
        tools.command("trunk").args(["build", "--release"]),
    )?;
    run(
        "8/9 end-to-end tests: dist/ served on loopback, driven in headless Chromium",
        tools
            .command("cargo")
            .args([
                "test",
                "--package",
                "kplay-e2e",
                "--",
                "--include-ignored",
                "--test-threads=1",
            ])
            .env("KPLAY_DIST", tools.root.join("dist"))
            .env("KPLAY_ARTIFACTS", tools.root.join("artifacts"))
            .env("CHROMEDRIVER", &chromedriver),
    )?;
    println!("\n==> 9/9 size report of dist/");
    size_report::report(&tools.root.join("dist"))?;
    println!("\nAll checks and tests passed.");
    Ok(())
}

/// `cargo xtask bench-ui`: the playground's benchmarks, printed (they never fail on a figure).
pub fn bench_ui() -> Result<(), String> {
    let tools = Toolchain::install(Needs::Everything)?;
    let chromedriver = tools
        .chromedriver
        .clone()
        .ok_or("ChromeDriver was not located")?;
    run(
        "release build of the playground (trunk build --release)",
        tools.command("trunk").args(["build", "--release"]),
    )?;
    run(
        "benchmarks in headless Chromium",
        tools
            .command("cargo")
            .args([
                "test",
                "--package",
                "kplay-e2e",
                "--test",
                "bench",
                "--",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("KPLAY_BENCH", "1")
            .env("KPLAY_DIST", tools.root.join("dist"))
            .env("CHROMEDRIVER", &chromedriver),
    )?;
    println!("\n==> size of dist/");
    size_report::report(&tools.root.join("dist"))
}
