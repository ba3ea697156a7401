//! The simulation's only source of randomness.
//!
//! Every nondeterministic choice in the simulator (the sticky partition, later fault injection)
//! draws from one [`SimRng`] seeded when the cluster is created, or from a generator forked from
//! it ([`SimRng::fork`]), so a seed replays a run exactly.
//! The algorithm is named and pinned: xoshiro256++ from `rand_xoshiro`, seeded through
//! SplitMix64 by `seed_from_u64`. It uses only 64-bit integer arithmetic, so it gives the same
//! numbers on wasm32 and x86_64 (unlike `StdRng`/`SmallRng`, whose algorithm may change).
//! A test pins its first outputs for seed 42 to catch any change in the crate.

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// A portable, seeded pseudo-random number generator (xoshiro256++).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRng {
    generator: Xoshiro256PlusPlus,
}

impl SimRng {
    /// A generator seeded from one 64-bit seed (expanded with SplitMix64).
    pub fn seed_from_u64(seed: u64) -> SimRng {
        SimRng {
            generator: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }

    /// A new generator derived from this one's state and `salt`, without drawing from this one:
    /// a component that draws numbers of its own (a log's segment jitter) forks one when it is
    /// created, so that whether it draws changes nothing else in the run.
    pub fn fork(&self, salt: u64) -> SimRng {
        let mut copy = self.clone();
        SimRng::seed_from_u64(copy.next_u64() ^ salt)
    }

    /// The next 32 random bits (the upper half of the next 64-bit output).
    pub fn next_u32(&mut self) -> u32 {
        self.generator.next_u32()
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.generator.next_u64()
    }

    /// The next 32 random bits as a signed integer, like Java's `Random.nextInt()`.
    pub fn next_i32(&mut self) -> i32 {
        i32::from_ne_bytes(self.next_u32().to_ne_bytes())
    }

    /// A uniformly distributed number in `0..bound`, without modulo bias (Lemire's method:
    /// multiply, and reject the few low products that would favour small results).
    ///
    /// A `bound` of 0 has no valid result; it returns 0 without drawing.
    pub fn below(&mut self, bound: u32) -> u32 {
        if bound == 0 {
            return 0;
        }
        // 2^32 mod bound: products whose low half falls below it are the biased ones.
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let product = u64::from(self.next_u32()) * u64::from(bound);
            let low_half = (product & u64::from(u32::MAX)) as u32;
            if low_half >= threshold {
                return (product >> 32) as u32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hard-coded from one run: if `rand_xoshiro` ever changes its algorithm or seeding, every
    /// saved seed would replay differently, and this test says so first.
    #[test]
    fn seed_42_gives_the_pinned_sequence() {
        let mut rng = SimRng::seed_from_u64(42);
        let outputs: Vec<u64> = (0..5).map(|_| rng.next_u64()).collect();
        assert_eq!(outputs, PINNED_SEED_42);
    }

    const PINNED_SEED_42: [u64; 5] = [
        15_021_278_609_987_233_951,
        5_881_210_131_331_364_753,
        18_149_643_915_985_481_100,
        12_933_668_939_759_105_464,
        14_637_574_242_682_825_331,
    ];

    #[test]
    fn next_u32_is_the_upper_half_of_next_u64() {
        let mut for_u64 = SimRng::seed_from_u64(7);
        let mut for_u32 = SimRng::seed_from_u64(7);
        let upper = (for_u64.next_u64() >> 32) as u32;
        assert_eq!(for_u32.next_u32(), upper);
    }

    #[test]
    fn next_i32_reinterprets_the_bits() {
        let mut for_u32 = SimRng::seed_from_u64(9);
        let mut for_i32 = SimRng::seed_from_u64(9);
        assert_eq!(for_i32.next_i32() as u32, for_u32.next_u32());
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut rng = SimRng::seed_from_u64(1);
        let mut seen = [false; 6];
        for _ in 0..600 {
            let value = rng.below(6);
            assert!(value < 6);
            seen[value as usize] = true;
        }
        assert!(seen.iter().all(|&hit| hit));
        assert_eq!(rng.below(1), 0);
        assert_eq!(rng.below(0), 0);
    }

    #[test]
    fn a_fork_draws_nothing_from_its_parent_and_depends_on_its_salt() {
        let parent = SimRng::seed_from_u64(5);
        let mut untouched = parent.clone();
        let mut first = parent.fork(1);
        assert_eq!(parent, untouched.clone(), "forking does not draw");
        assert_eq!(first.next_u64(), parent.fork(1).next_u64());
        assert_ne!(parent.fork(1).next_u64(), parent.fork(2).next_u64());
        untouched.next_u64();
        assert_ne!(untouched.fork(1).next_u64(), parent.fork(1).next_u64());
    }

    #[test]
    fn same_seed_gives_same_numbers() {
        let mut first = SimRng::seed_from_u64(123);
        let mut second = SimRng::seed_from_u64(123);
        for _ in 0..100 {
            assert_eq!(first.next_u64(), second.next_u64());
        }
    }
}
