//! The plain data `kafka-consumer-groups` prints, and where it comes from.
//!
//! The formatting ([`super::format`]) takes only these types, so it is tested without a
//! cluster. The source functions at the bottom read the core's group views
//! ([`kplay_core::view::groups`]): what the admin client's ListGroups, DescribeGroups and
//! OffsetFetch would answer, from the coordinator that owns each group.
//!
//! Every group of the simulation is a classic group (the consumer protocol of KIP-848 is not
//! simulated), so the consumer-protocol columns (epochs, target assignments) read `-`.

use kplay_core::view::groups::GroupOffsetRow;
use kplay_core::{Cluster, TopicPartition};

use super::format::OffsetRow;

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

/// `GroupType.CLASSIC.toString()`.
const CLASSIC: &str = "Classic";

/// Every consumer group the brokers' coordinators know, sorted by id: the groups
/// `ListGroupsOptions.forConsumerGroups()` selects (protocol type `consumer`, or empty for a
/// group that only stores offsets).
pub fn list_groups(cluster: &Cluster) -> Vec<GroupListing> {
    cluster
        .group_listings()
        .into_iter()
        .filter(|listing| matches!(listing.protocol_type.as_str(), "consumer" | ""))
        .map(|listing| GroupListing {
            group: listing.group_id,
            group_type: CLASSIC.to_string(),
            state: listing.state,
        })
        .collect()
}

/// The group's description, or `None` when no coordinator knows it (the tool then prints that
/// it does not exist).
pub fn describe_group(cluster: &Cluster, group: &str) -> Option<GroupDescription> {
    let view = cluster.describe_group(group)?;
    Some(GroupDescription {
        group: view.group_id,
        state: view.state,
        coordinator: view.coordinator.0,
        assignment_strategy: view.assignment_strategy.unwrap_or_default(),
        members: view
            .members
            .into_iter()
            .map(|member| MemberDescription {
                consumer_id: member.member_id,
                group_instance_id: member.group_instance_id,
                host: member.host,
                client_id: member.client_id,
                assignment: member.assignment,
                target_assignment: Vec::new(),
                member_epoch: None,
            })
            .collect(),
        group_epoch: None,
        target_assignment_epoch: None,
    })
}

/// The rows of `--describe --offsets` (`collectGroupsOffsets`), in Kafka's order, or `None`
/// when no coordinator knows the group.
pub fn offset_rows(cluster: &Cluster, group: &str) -> Option<Vec<OffsetRow>> {
    let rows = cluster.group_offsets(group)?;
    Some(rows.into_iter().map(|row| offset_row(group, row)).collect())
}

fn offset_row(group: &str, row: GroupOffsetRow) -> OffsetRow {
    OffsetRow {
        group: group.to_string(),
        topic: Some(row.topic),
        partition: Some(row.partition),
        leader_epoch: row.leader_epoch,
        current_offset: row.current_offset.map(|offset| offset.0),
        log_end_offset: row.log_end_offset.map(|offset| offset.0),
        lag: row.lag,
        consumer_id: row.consumer_id,
        host: row.host,
        client_id: row.client_id,
    }
}

/// The group's committed offset of `partition` (`ListConsumerGroupOffsets`).
pub fn committed_offset(cluster: &Cluster, group: &str, partition: &TopicPartition) -> Option<i64> {
    cluster
        .committed_offset(group, partition)
        .map(|offset| offset.0)
}
