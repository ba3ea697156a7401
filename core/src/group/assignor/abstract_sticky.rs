//! Kafka's `AbstractStickyAssignor`, shared by [`super::sticky`] and
//! [`super::cooperative_sticky`]: a balanced assignment that keeps as many previously owned
//! partitions with their owners as possible.
//!
//! [`assign_partitions`] mirrors `AbstractStickyAssignor.assignPartitions`:
//! 1. `allSubscriptionsEqual`: [`previous_ownership`] reads every member's owned partitions and
//!    generation, settling partitions claimed by several members (the highest generation wins;
//!    a tie in the same generation invalidates the claim), and [`all_subscriptions_equal`]
//!    picks the algorithm.
//! 2. All members subscribe to the same topics: the fast `ConstrainedAssignmentBuilder`
//!    ([`super::sticky_constrained`]), which also reports the partitions transferring
//!    ownership.
//! 3. Otherwise: the `GeneralAssignmentBuilder` ([`super::sticky_general`]).
//!
//! Kafka keeps `maxGeneration` in the assignor instance and never lowers it; here it is the
//! highest generation among this call's members, which is the same while generations only grow.

use crate::vec_map::{VecMap, VecSet};

use super::group_input::{GroupInput, Partition};
use super::{sticky_constrained, sticky_general};

/// `AbstractStickyAssignor.DEFAULT_GENERATION`: the generation of a member that reports none.
pub(crate) const DEFAULT_GENERATION: i32 = -1;

/// What `assignPartitions` leaves behind.
#[derive(Debug, Clone)]
pub(crate) struct StickyAssignment {
    /// Member index -> assigned partitions.
    pub(crate) assignment: Vec<Vec<Partition>>,
    /// `partitionsTransferringOwnership` (partition -> its new owner), which only the
    /// constrained algorithm computes; `None` after the general one (Kafka's `null`).
    pub(crate) partitions_transferring_ownership: Option<VecMap<Partition, usize>>,
}

/// The owned partitions the assignment starts from, after settling conflicting claims.
#[derive(Debug, Clone)]
pub(crate) struct PreviousOwnership {
    /// `consumerToOwnedPartitions`: member index -> owned, still-subscribed partitions.
    pub(crate) owned: Vec<Vec<Partition>>,
    /// `partitionsWithMultiplePreviousOwners`: claimed by two members of the same generation.
    pub(crate) partitions_with_multiple_previous_owners: VecSet<Partition>,
    /// The highest generation any member reports.
    pub(crate) max_generation: i32,
}

/// `AbstractStickyAssignor.assignPartitions`.
pub(crate) fn assign_partitions(group: &GroupInput) -> StickyAssignment {
    let ownership = previous_ownership(group);
    if all_subscriptions_equal(group) {
        let (assignment, transferring) = sticky_constrained::build(group, &ownership);
        StickyAssignment {
            assignment,
            partitions_transferring_ownership: Some(transferring),
        }
    } else {
        StickyAssignment {
            assignment: sticky_general::build(group, ownership),
            partitions_transferring_ownership: None,
        }
    }
}

/// Whether every member subscribes to exactly the same topics.
///
/// Kafka takes the first member with a non-empty subscription as the reference, so a group
/// whose first-iterated member subscribes to nothing counted as "equal" and that member could
/// be handed partitions it never subscribed to; here the first member is the reference even
/// when its subscription is empty.
pub(crate) fn all_subscriptions_equal(group: &GroupInput) -> bool {
    let mut subscriptions = group
        .hash_order
        .iter()
        .filter_map(|member| group.members.get(*member))
        .map(|member| &member.subscribed);
    match subscriptions.next() {
        Some(first) => subscriptions.all(|subscribed| subscribed == first),
        None => true,
    }
}

/// The owned-partition half of `allSubscriptionsEqual`, in the leader's `HashMap` order: a
/// partition goes to the claimant with the higher generation; two claimants of the same
/// generation both lose it and it is recorded as having multiple previous owners.
pub(crate) fn previous_ownership(group: &GroupInput) -> PreviousOwnership {
    let mut ownership = PreviousOwnership {
        owned: vec![Vec::new(); group.members.len()],
        partitions_with_multiple_previous_owners: VecSet::new(),
        max_generation: DEFAULT_GENERATION,
    };
    let mut previous_owner: VecMap<Partition, usize> = VecMap::new();
    for &consumer in &group.hash_order {
        let Some(member) = group.members.get(consumer) else {
            continue;
        };
        let generation = member.generation_or_default();
        ownership.max_generation = ownership.max_generation.max(generation);
        for partition in group.existing_owned(consumer) {
            let Some(&other) = previous_owner.get(&partition) else {
                ownership.claim(consumer, partition, None);
                previous_owner.insert(partition, consumer);
                continue;
            };
            let other_generation = group
                .members
                .get(other)
                .map_or(DEFAULT_GENERATION, |member| member.generation_or_default());
            if generation == other_generation {
                ownership
                    .partitions_with_multiple_previous_owners
                    .insert(partition);
                ownership.release(other, partition);
                previous_owner.insert(partition, consumer);
            } else if generation > other_generation {
                ownership.claim(consumer, partition, Some(other));
                previous_owner.insert(partition, consumer);
            }
        }
    }
    ownership
}

impl PreviousOwnership {
    /// The consumer owns the partition, taking it from `previous` if given.
    fn claim(&mut self, consumer: usize, partition: Partition, previous: Option<usize>) {
        if let Some(owned) = self.owned.get_mut(consumer) {
            owned.push(partition);
        }
        if let Some(previous) = previous {
            self.release(previous, partition);
        }
    }

    /// `List.remove(Object)`: drops the first occurrence.
    fn release(&mut self, consumer: usize, partition: Partition) {
        if let Some(owned) = self.owned.get_mut(consumer) {
            if let Some(position) = owned.iter().position(|owned| *owned == partition) {
                owned.remove(position);
            }
        }
    }
}
