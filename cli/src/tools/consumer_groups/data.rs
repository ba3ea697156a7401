//! The plain data `kafka-consumer-groups` prints, and where it comes from.
//!
//! The formatting ([`super::format`]) and the offset planning ([`super::reset`]) take only
//! these types, so they are tested without a group coordinator. The three source functions at
//! the bottom are where the coordinator's views plug in.
//!
//! Pending: the broker side of consumer groups (the group coordinator) is being built
//! separately. Until it lands no broker answers FindCoordinator, so no group exists on the
//! brokers: [`list_groups`] finds none, [`describe_group`] finds none (the tool prints that the
//! group does not exist) and [`committed_offsets`] is empty.

use std::collections::BTreeMap;

use kplay_core::{Cluster, TopicPartition};

/// A group as `--list` shows it (`GroupListing`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupListing {
    /// The group id.
    pub group: String,
    /// `Classic` or `Consumer` (`GroupType.toString()`).
    pub group_type: String,
    /// `Stable`, `Empty`, ... (`GroupState.toString()`).
    pub state: String,
}

/// One member as `DescribeConsumerGroups` returns it (`MemberDescription`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDescription {
    /// The member id (`client.id` followed by a UUID in the classic protocol).
    pub consumer_id: String,
    /// `group.instance.id`, if set.
    pub group_instance_id: Option<String>,
    /// The client's host as the broker saw it (`/127.0.0.1`).
    pub host: String,
    /// `client.id`.
    pub client_id: String,
    /// Its current assignment.
    pub assignment: Vec<TopicPartition>,
    /// Its target assignment (the consumer protocol only).
    pub target_assignment: Vec<TopicPartition>,
    /// Its member epoch (the consumer protocol only).
    pub member_epoch: Option<i32>,
}

/// A group as `DescribeConsumerGroups` returns it (`ConsumerGroupDescription`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDescription {
    /// The group id.
    pub group: String,
    /// `Stable`, `Empty`, `PreparingRebalance`, `CompletingRebalance`, `Dead`, ...
    pub state: String,
    /// The coordinator broker's id.
    pub coordinator: i32,
    /// The assignor the leader used (`range`, ...), empty when none.
    pub assignment_strategy: String,
    /// Its members.
    pub members: Vec<MemberDescription>,
    /// The group epoch (the consumer protocol only).
    pub group_epoch: Option<i32>,
    /// The target assignment epoch (the consumer protocol only).
    pub target_assignment_epoch: Option<i32>,
}

/// A committed offset (`OffsetAndMetadata`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// The next offset to read.
    pub offset: i64,
    /// The leader epoch the consumer saw, if it sent one.
    pub leader_epoch: Option<i32>,
}

/// Every consumer group the brokers' coordinators know, sorted by id.
///
/// Pending on the group coordinator: none today.
pub fn list_groups(_cluster: &Cluster) -> Vec<GroupListing> {
    Vec::new()
}

/// The group's description, or `None` when no coordinator knows it (the tool then prints that
/// it does not exist).
///
/// Pending on the group coordinator: `None` today.
pub fn describe_group(_cluster: &Cluster, _group: &str) -> Option<GroupDescription> {
    None
}

/// The group's committed offsets (`ListConsumerGroupOffsets`).
///
/// Pending on the group coordinator: empty today.
pub fn committed_offsets(_cluster: &Cluster, _group: &str) -> BTreeMap<TopicPartition, Committed> {
    BTreeMap::new()
}
