//! Checks over the simulation: named invariants that must hold after every step (the seed
//! sweep checks them all), and the learner-facing detectors that raise alerts as things happen.
//!
//! - [`invariants`]: Stateright-style "always" properties, each a named plain function;
//! - [`detectors`]: lost acknowledged records, duplicate deliveries, per-key order violations;
//! - [`transaction_invariants`]: the invariants of transactions;
//! - [`reference`]: a session whose trace fingerprints the simulation across targets.

pub mod detectors;
pub mod invariants;
pub mod reference;
pub mod transaction_invariants;
