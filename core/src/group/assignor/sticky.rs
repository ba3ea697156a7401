//! Kafka's `StickyAssignor` (`sticky`): the [`abstract_sticky`](super::abstract_sticky)
//! algorithm under the EAGER rebalance protocol.
//!
//! The assignment is as balanced as possible (member sizes differ by at most one, or no
//! partition can move to a member with 2+ fewer), and keeps as many partitions as possible
//! with the members that owned them. Under the eager protocol every member revokes all its
//! partitions before rejoining, so the new assignment is used as is: a partition may go
//! straight from one member to another in a single rebalance.
//!
//! Kafka's eager members report what they owned in the assignor's user data (the
//! `STICKY_ASSIGNOR_USER_DATA_V1` schema: previous assignment and generation, decoded by
//! `StickyAssignor.memberData`); here that is [`MemberSubscription::owned_partitions`] and
//! [`MemberSubscription::generation`]. Kafka compares claims of the same partition using the
//! subscription's own `generationId` field, which can differ from the user data's generation
//! for old protocol versions; here both are the one `generation`.

use crate::vec_map::VecMap;

use super::abstract_sticky;
use super::group_input::GroupInput;
use super::{GroupAssignment, MemberSubscription};

/// `StickyAssignor.assign`: member id -> sorted partitions.
pub fn assign(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    let group = GroupInput::new(partitions_per_topic, members);
    let sticky = abstract_sticky::assign_partitions(&group);
    group.to_group_assignment(&sticky.assignment)
}
