// `cargo xtask bench` (WebAssembly half): times the benchmark built for wasm32 in Node.
// Usage: node run.mjs <dir with kplay_bench.js from wasm-bindgen --target nodejs>
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const { WasmThroughput } = require(path.resolve(process.argv[2], "kplay_bench.js"));

const ROUND = 500000;
const ROUNDS = 5;
const bench = new WasmThroughput();
const rates = [];
for (let round = 1; round <= ROUNDS; round++) {
  const start = performance.now();
  const consumed = bench.run(ROUND);
  const seconds = (performance.now() - start) / 1000;
  const rate = consumed / seconds;
  rates.push(rate);
  console.log(`  round ${round}: ${consumed} records consumed in ${seconds.toFixed(3)} s: ${rate.toFixed(0)} records/s`);
}
rates.sort((a, b) => a - b);
console.log(`wasm median: ${rates[Math.floor(rates.length / 2)].toFixed(0)} records/s`);
