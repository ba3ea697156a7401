//! Kafka Playground's developer tool, run as `cargo xtask <command>`.
//!
//! The README's two commands live here: `cargo xtask serve` serves the playground with live
//! reload, `cargo xtask test` runs every test. Each first installs what is missing (see
//! `toolchain.rs`) and skips what is present, so a fresh machine with only Rust needs nothing else.

mod bench;
mod pipeline;
mod process;
mod size_report;
mod toolchain;

use std::process::ExitCode;

const USAGE: &str = "\
Kafka Playground developer tool

Usage: cargo xtask <command>

Commands:
  serve   install what is missing, then serve the playground at http://127.0.0.1:8080 with live reload
  test    install what is missing, then run every check and test (what CI runs)
  setup   only install what is missing (serve and test do this themselves)
  size    print the size report of an existing dist/
  bench   the core's throughput benchmark, natively and in WebAssembly (prints figures)
  bench-ui  build dist/, then print the playground's benchmarks: frame time of the largest
          preset at full speed (p50/p95/p99), a long session's memory, a timeline drag
          through it and a reload that replays it (KPLAY_BENCH_LONG_S: its seconds of play,
          60 by default), and time to interactive against an empty page
";

fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    let outcome = match command.as_str() {
        "serve" => pipeline::serve(),
        "test" => pipeline::test(),
        "setup" => toolchain::Toolchain::install(toolchain::Needs::Everything).map(|_| ()),
        "bench" => bench::bench(),
        "size" => size_report::report(&toolchain::repository_root().join("dist")),
        "bench-ui" => pipeline::bench_ui(),
        "" | "help" | "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
