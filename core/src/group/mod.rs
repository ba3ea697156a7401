//! Consumer groups: how a group's members share the partitions of the topics they subscribe to.
//!
//! Today this holds the partition [`assignor`]s that the group leader runs (Kafka's client-side
//! `ConsumerPartitionAssignor`s). The group coordinator (JoinGroup, SyncGroup, heartbeats,
//! generations, committed offsets) will live here too.

pub mod assignor;
