// `cargo xtask bench` (WebAssembly half, in Node): times the benchmark built for wasm32.
// Usage: node run.mjs <dir with kplay_bench.js from wasm-bindgen --target nodejs>
import { createRequire } from "node:module";
import path from "node:path";
import { measure } from "./rounds.mjs";

const require = createRequire(import.meta.url);
const { WasmThroughput } = require(path.resolve(process.argv[2], "kplay_bench.js"));

const { median } = measure(WasmThroughput, console.log);
console.log(`node median: ${median.toFixed(0)} records/s`);
