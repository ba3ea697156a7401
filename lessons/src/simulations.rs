//! The live views a lesson can name in its `simulation:` front matter field.
//!
//! Shared by the build script (which refuses unknown names) and the library (so the web crate
//! can check it has a view for each one).
//!
//! - `partitioning`: the first lesson's view: a one-broker cluster with one topic and one
//!   producer, showing how each record's partition is chosen.
//! - `playground`: the general live view: the lesson's cluster (`cluster:`), built by its
//!   `kplay-setup` script, with the panels it names (`panels:`) and a terminal that runs its
//!   `kplay` blocks.

/// Every simulation id a lesson may use, in the order they were introduced.
pub const SIMULATIONS: &[&str] = &["partitioning", "playground"];
