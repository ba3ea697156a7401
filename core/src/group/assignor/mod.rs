//! The four partition assignors of Kafka's Java consumer (`partition.assignment.strategy`), run
//! by the group leader after JoinGroup to decide which member consumes which partition.
//!
//! | [`AssignorKind`] | Kafka class | module |
//! | --- | --- | --- |
//! | `Range` | `RangeAssignor` | [`range`] |
//! | `RoundRobin` | `RoundRobinAssignor` | [`round_robin`] |
//! | `Sticky` | `StickyAssignor` (on `AbstractStickyAssignor`) | [`sticky`] |
//! | `CooperativeSticky` | `CooperativeStickyAssignor` (on `AbstractStickyAssignor`) | [`cooperative_sticky`] |
//!
//! [`assign`] is Kafka's `AbstractPartitionAssignor.assign(Map<String, Integer>, Map<String,
//! Subscription>)`: partition counts in, member id -> partitions out. Like
//! `AbstractPartitionAssignor.assign(Cluster, GroupSubscription)`, it first keeps only the topics
//! some member subscribes to that have at least one partition.
//!
//! ## Eager and cooperative rebalancing
//! Range, RoundRobin and Sticky follow the EAGER protocol: every member revokes all its
//! partitions before it rejoins, so an assignment may move a partition straight from one member
//! to another. CooperativeSticky follows the COOPERATIVE protocol (KIP-429): members keep their
//! partitions while rejoining, so a partition that changes owner is left out of this assignment
//! (its old owner revokes it) and handed to its new owner in the follow-up rebalance.
//!
//! ## Fidelity
//! The result is Kafka's, including its ordering rules: members sorted by `group.instance.id`
//! first (static members), then `member.id`; partitions by topic then index; strings compared
//! as Java's `String.compareTo` does (UTF-16 code units). Where Kafka's sticky assignors iterate
//! a `java.util.HashMap` or `HashSet` and the result depends on that order, the module
//! [`java_order`] reproduces Java's iteration order (bucket by `hashCode`, then insertion order),
//! taking the members in the order of `members` as the order the leader put them in its map
//! (the JoinGroup response order). Simplifications, each said where it applies:
//! - Racks are not used. Kafka's rack-aware assignment (KIP-881) needs the racks of every
//!   partition's replicas; `assign` gets partition counts only, exactly like Kafka's
//!   `assign(Map<String, Integer>, ...)`, which builds partitions without replica racks so
//!   rack-aware assignment never triggers. `rack_id` is kept for when the caller knows replica
//!   placement.
//! - Owned partitions that do not exist (an index outside the topic's partitions) are ignored;
//!   Kafka would hand them out again.
//! - A member listed twice counts once, with its last subscription at its first position, as
//!   `Map.put` does; a topic listed twice in one subscription counts once.
//! - Java `HashMap` bins that turn into trees (9+ colliding keys in a table of 64+ buckets)
//!   are iterated in insertion order rather than Java's tree-bin order.

pub mod cooperative_sticky;
pub mod range;
pub mod round_robin;
pub mod sticky;

mod abstract_sticky;
mod group_input;
pub(crate) mod java_order;
mod partition_movements;
mod sticky_constrained;
mod sticky_general;

use crate::vec_map::VecMap;

use crate::ids::TopicPartition;
use crate::kinds::AssignorKind;

/// One member's JoinGroup subscription, as the group leader's assignor sees it (Kafka's
/// `ConsumerPartitionAssignor.Subscription` plus the member id it is keyed by).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MemberSubscription {
    /// The member id the coordinator gave the member.
    pub member_id: String,
    /// `group.instance.id` of a static member, `None` for a dynamic member.
    pub group_instance_id: Option<String>,
    /// The subscribed topics.
    pub topics: Vec<String>,
    /// What the member owns now: `ownedPartitions` of the cooperative protocol, or the previous
    /// assignment the eager `StickyAssignor` encodes in its user data.
    pub owned_partitions: Vec<TopicPartition>,
    /// The generation `owned_partitions` were assigned in, as the sticky assignors encode it;
    /// `None` when the member has no generation to report (a new member, or old user data).
    pub generation: Option<i32>,
    /// `client.rack`; kept, but not used (see the module documentation).
    pub rack_id: Option<String>,
}

/// A member id -> its assigned partitions, sorted; every member is present, possibly with none.
pub type GroupAssignment = VecMap<String, Vec<TopicPartition>>;

/// Kafka's `assign()`: member id -> partitions (sorted), every member present (possibly empty).
///
/// `partitions_per_topic` is the partition count of every topic; subscribed topics missing from
/// it (or with no partitions) are ignored, as Kafka does.
pub fn assign(
    kind: AssignorKind,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    match kind {
        AssignorKind::Range => range::assign(partitions_per_topic, members),
        AssignorKind::RoundRobin => round_robin::assign(partitions_per_topic, members),
        AssignorKind::Sticky => sticky::assign(partitions_per_topic, members),
        AssignorKind::CooperativeSticky => {
            cooperative_sticky::assign(partitions_per_topic, members)
        }
    }
}
