// The WebAssembly half's measured rounds, shared by Node (run.mjs) and headless Chromium
// (index.html): the same rounds as the native half (bench/src/main.rs), timed with
// performance.now().

export const ROUND = 500000;
export const ROUNDS = 5;

// Builds the benchmark cluster and times ROUNDS runs of ROUND consumed records each.
// `log` gets a line per round; the result holds every round's rate and their median.
export function measure(WasmThroughput, log) {
  const bench = new WasmThroughput();
  const rates = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const start = performance.now();
    const consumed = bench.run(ROUND);
    const seconds = (performance.now() - start) / 1000;
    const rate = consumed / seconds;
    rates.push(rate);
    log(`  round ${round}: ${consumed} records consumed in ${seconds.toFixed(3)} s: ${rate.toFixed(0)} records/s`);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { rates, median: sorted[Math.floor(sorted.length / 2)] };
}
