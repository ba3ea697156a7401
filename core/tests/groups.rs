//! Consumer groups end to end: members join through the group coordinator (the leader of the
//! group's `__consumer_offsets` partition), rebalance, commit, fail over, and are administered
//! with `kafka-consumer-groups`. Each test names the Kafka test or mechanism it follows.

#[path = "groups/support.rs"]
mod support;

#[path = "groups/failover.rs"]
mod failover;
#[path = "groups/membership.rs"]
mod membership;
#[path = "groups/pattern.rs"]
mod pattern;

#[path = "groups/delivery.rs"]
mod delivery;

#[path = "groups/admin.rs"]
mod admin;

#[path = "groups/internals.rs"]
mod internals;

#[path = "groups/sweep.rs"]
mod sweep;
