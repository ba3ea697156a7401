//! Consumer groups: how a group's members share the partitions of the topics they subscribe to.
//!
//! - [`assignor`]: the partition assignors the group leader runs (Kafka's client-side
//!   `ConsumerPartitionAssignor`s);
//! - [`coordinator`]: the broker-side group coordinator: JoinGroup, SyncGroup, heartbeats,
//!   generations, committed offsets in `__consumer_offsets`;
//! - [`admin`]: `kafka-consumer-groups --reset-offsets` and `--delete`.

pub mod admin;
pub mod assignor;
pub mod coordinator;
