//! The live views a lesson can name in its `simulation:` front matter field.
//!
//! Shared by the build script (which refuses unknown names) and the library (so the web crate
//! can check it has a view for each one).

/// Every simulation id a lesson may use, in the order they were introduced.
pub const SIMULATIONS: &[&str] = &["partitioning"];
