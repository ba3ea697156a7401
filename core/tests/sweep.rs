//! The seed sweep (TigerBeetle's VOPR, in spirit): for each seed, a random workload with faults
//! — broker crashes and restarts, controlled shutdowns, isolations, cut links, held and delayed
//! followers, every `acks` setting, producers with and without idempotence, consumers joining,
//! leaving and crashing, commits — with every invariant of `check::invariants` checked after
//! every step. A failure prints the seed, the step and the trace, so it replays exactly.
//!
//! The test command runs 200 seeds x 2,000 steps; `KPLAY_SWEEP_SEEDS` and `KPLAY_SWEEP_STEPS`
//! run more (`KPLAY_SWEEP_SEEDS=5000 cargo test --release --test sweep`), and `KPLAY_SWEEP_FROM`
//! starts the seeds past those a longer run already passed. `KPLAY_SWEEP_SEEDS` is where the
//! seeds end, not how many: `KPLAY_SWEEP_FROM=45000 KPLAY_SWEEP_SEEDS=47500` runs 2,500 seeds,
//! and `KPLAY_SWEEP_SEEDS=2500` with that `FROM` runs none.

mod sweep_support;

use sweep_support::{run_seed, SweepSettings};

/// Seeds are split over several tests so `cargo test` runs them on every core.
const SHARDS: u64 = 8;

fn settings() -> SweepSettings {
    let number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    SweepSettings {
        first: number("KPLAY_SWEEP_FROM", 0),
        seeds: number("KPLAY_SWEEP_SEEDS", 200),
        steps: number("KPLAY_SWEEP_STEPS", 2_000) as usize,
    }
}

fn run_shard(shard: u64) {
    let settings = settings();
    // `KPLAY_SWEEP_ONLY=<seed>` replays one seed (in shard 0).
    if let Some(seed) = std::env::var("KPLAY_SWEEP_ONLY")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        if shard == 0 {
            if let Err(report) = run_seed(seed, settings.steps) {
                panic!("{report}");
            }
        }
        return;
    }
    // The first seed of this shard from `first` on.
    let mut seed = settings.first + (shard + SHARDS - settings.first % SHARDS) % SHARDS;
    while seed < settings.seeds {
        if let Err(report) = run_seed(seed, settings.steps) {
            panic!("{report}");
        }
        seed += SHARDS;
    }
}

#[test]
fn seeds_shard_0_keep_every_invariant() {
    run_shard(0);
}

#[test]
fn seeds_shard_1_keep_every_invariant() {
    run_shard(1);
}

#[test]
fn seeds_shard_2_keep_every_invariant() {
    run_shard(2);
}

#[test]
fn seeds_shard_3_keep_every_invariant() {
    run_shard(3);
}

#[test]
fn seeds_shard_4_keep_every_invariant() {
    run_shard(4);
}

#[test]
fn seeds_shard_5_keep_every_invariant() {
    run_shard(5);
}

#[test]
fn seeds_shard_6_keep_every_invariant() {
    run_shard(6);
}

#[test]
fn seeds_shard_7_keep_every_invariant() {
    run_shard(7);
}

/// Seeds that once broke `offsets_dense` (found with `KPLAY_SWEEP_SEEDS=20000`), each run just
/// past the step where it broke. With legacy truncation (to the high watermark, before KIP-101),
/// a leader that had truncated inside a batch holds a hole: no batch between its kept records
/// and its log end. A follower that truncates to its high watermark inside that hole fetches
/// from there, and the leader answers with its first batch after the hole (Kafka reads from the
/// first batch ending at or after the fetch offset, and a follower's append only refuses
/// offsets below its log end). The follower's log then has a gap within the leader's hole.
/// Since KRaft's periodic unclean election check, seed 6541 also has the leader truncate its
/// hole away while the follower keeps the gap: the follower records the gap itself.
#[test]
fn a_follower_that_reads_past_its_leaders_truncation_hole_keeps_the_gap() {
    for (seed, steps) in [(17_934, 320), (6_541, 1_572), (12_538, 784)] {
        if let Err(report) = run_seed(seed, steps) {
            panic!("{report}");
        }
    }
}
