//! Kafka's consumer partition assignors, checked against the cases of Kafka's own tests
//! (`RangeAssignorTest`, `RoundRobinAssignorTest`, `AbstractStickyAssignorTest`,
//! `StickyAssignorTest`, `CooperativeStickyAssignorTest`): the same inputs, the exact
//! assignments Kafka asserts, and Kafka's property checks (`verifyValidityAndBalance`,
//! `isFullyBalanced`, stickiness) where Kafka checks properties. Each test names the Kafka test
//! method it ports. `properties` adds property tests over random groups.

#[path = "assignors/cooperative_sticky.rs"]
mod cooperative_sticky;
#[path = "assignors/helpers.rs"]
mod helpers;
#[path = "assignors/properties.rs"]
mod properties;
#[path = "assignors/range.rs"]
mod range;
#[path = "assignors/round_robin.rs"]
mod round_robin;
#[path = "assignors/sticky.rs"]
mod sticky;
