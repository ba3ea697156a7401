//! The benchmark in WebAssembly: Node (`bench/wasm/run.mjs`) builds it and times each run.

use wasm_bindgen::prelude::*;

use crate::Throughput;

/// The benchmark cluster, for JavaScript.
#[wasm_bindgen]
pub struct WasmThroughput {
    inner: Throughput,
}

#[wasm_bindgen]
impl WasmThroughput {
    /// Builds the cluster (see [`Throughput::new`]).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<WasmThroughput, String> {
        Throughput::new()
            .map(|inner| WasmThroughput { inner })
            .map_err(|error| error.to_string())
    }

    /// Runs until `records` more records were consumed; returns how many were.
    pub fn run(&mut self, records: f64) -> f64 {
        let before = self.inner.progress().consumed;
        let after = self.inner.run(records as i64).consumed;
        (after - before) as f64
    }
}
