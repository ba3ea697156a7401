//! The benchmark in WebAssembly: headless Chromium (`bench/wasm/index.html`) and Node
//! (`bench/wasm/run.mjs`) build it and time each run.
//!
//! The heap is grown ahead of need (see [`keep_heap_headroom`]): a WebAssembly allocator asks
//! for more linear memory only as much as the allocation at hand needs, so a growing heap grows
//! 64 KiB at a time, and each `memory.grow` costs V8 a millisecond or more once the memory is
//! large (it re-creates the memory's `ArrayBuffer` and accounts it to the garbage collector):
//! the benchmark spent most of its time growing memory.

use wasm_bindgen::prelude::*;

use crate::Throughput;

/// Faster than the default WebAssembly allocator (dlmalloc) at the simulator's many small
/// allocations and frees.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A WebAssembly page.
const PAGE_BYTES: usize = 64 * 1024;
/// The smallest step the heap is grown ahead by.
const MIN_HEADROOM_BYTES: usize = 16 << 20;

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
        keep_heap_headroom();
        Throughput::new()
            .map(|inner| WasmThroughput { inner })
            .map_err(|error| error.to_string())
    }

    /// Runs until `records` more records were consumed; returns how many were. Slice by slice,
    /// as [`Throughput::run`] does, keeping heap headroom between slices.
    pub fn run(&mut self, records: f64) -> f64 {
        let before = self.inner.progress().consumed;
        let target = before + records as i64;
        while self.inner.progress().consumed < target {
            keep_heap_headroom();
            self.inner.run_slice();
        }
        (self.inner.progress().consumed - before) as f64
    }
}

/// Makes sure the allocator has a free block of a quarter of the memory's size (at least
/// [`MIN_HEADROOM_BYTES`]) by allocating one and freeing it at once: when it has none, it grows
/// the memory by that much in one `memory.grow`, and the freed block is then carved up by the
/// allocations that follow. The memory so grows geometrically, in a few dozen steps, instead of
/// 64 KiB at a time. Nothing is written to the block, so it costs no work beyond the bookkeeping.
fn keep_heap_headroom() {
    let memory_bytes = core::arch::wasm32::memory_size(0) * PAGE_BYTES;
    let headroom = (memory_bytes / 4).max(MIN_HEADROOM_BYTES);
    let block = Vec::<u8>::with_capacity(headroom);
    // Without this the compiler may see that the block is unused and not allocate it at all.
    std::hint::black_box(&block);
}
