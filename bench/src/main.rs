//! `cargo xtask bench` (native half): prints records per second through produce, replicate
//! and consume, and the memory per stored record.

use std::time::Instant;

use kplay_bench::{Throughput, BROKERS, CONSUMERS, PARTITIONS};

/// mimalloc, as in the `kplay` binary: the benchmark measures the allocator the native tool
/// ships (the WebAssembly half uses the playground's, talc).
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Records consumed in each measured round (as in `bench/wasm/rounds.mjs`).
const ROUND: i64 = 500_000;
const ROUNDS: usize = 5;

fn main() {
    let mut bench = match Throughput::new() {
        Ok(bench) => bench,
        Err(error) => {
            eprintln!("the benchmark cluster did not build: {error}");
            std::process::exit(1);
        }
    };
    println!(
        "native: {BROKERS} brokers, {PARTITIONS} partitions (replication factor 3, acks=all), \
         a group of {CONSUMERS}"
    );
    let mut rates = Vec::new();
    for round in 1..=ROUNDS {
        let before = bench.progress();
        let start = Instant::now();
        let after = bench.run(ROUND);
        let seconds = start.elapsed().as_secs_f64();
        let rate = (after.consumed - before.consumed) as f64 / seconds;
        rates.push(rate);
        println!(
            "  round {round}: {} records consumed in {seconds:.3} s: {rate:.0} records/s \
             ({} simulated ms)",
            after.consumed - before.consumed,
            after.simulated_ms - before.simulated_ms
        );
    }
    rates.sort_by(f64::total_cmp);
    println!("native median: {:.0} records/s", rates[rates.len() / 2]);
    let memory = bench.log_memory();
    println!(
        "memory: {} stored records, {:.2} bytes per record beyond key and value",
        memory.records,
        memory.overhead_per_record()
    );
}
