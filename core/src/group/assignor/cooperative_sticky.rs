//! Kafka's `CooperativeStickyAssignor` (`cooperative-sticky`): the
//! [`abstract_sticky`](super::abstract_sticky) algorithm under the COOPERATIVE rebalance
//! protocol (KIP-429).
//!
//! Cooperative members keep consuming their partitions while the group rebalances, and report
//! them as `ownedPartitions` with the generation they were assigned in. A partition cannot be
//! consumed by two members at once, so a partition that changes owner is first revoked: this
//! rebalance leaves it out of every assignment (its old owner sees it gone and revokes it),
//! and because something was revoked the old owner rejoins at once, and the follow-up rebalance
//! assigns it to its new owner. The assignments in between may be unbalanced.
//!
//! Which partitions change owner (`partitionsTransferringOwnership`) comes from the
//! constrained sticky algorithm when all subscriptions are equal; otherwise
//! `computePartitionsTransferringOwnership` compares each member's assignment with what it
//! reported owning.

use crate::vec_map::{VecMap, VecSet};

use super::abstract_sticky;
use super::group_input::{GroupInput, Partition};
use super::{GroupAssignment, MemberSubscription};

/// `CooperativeStickyAssignor.assign`: member id -> sorted partitions, without the partitions
/// that must first be revoked from their current owner.
pub fn assign(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    let group = GroupInput::new(partitions_per_topic, members);
    let sticky = abstract_sticky::assign_partitions(&group);
    let mut assignment = sticky.assignment;
    let transferring = match sticky.partitions_transferring_ownership {
        Some(transferring) => transferring,
        None => compute_partitions_transferring_ownership(&group, &assignment),
    };
    adjust_assignment(&mut assignment, &transferring);
    group.to_group_assignment(&assignment)
}

/// `adjustAssignment`: removes each partition transferring ownership from its new owner.
fn adjust_assignment(
    assignment: &mut [Vec<Partition>],
    partitions_transferring_ownership: &VecMap<Partition, usize>,
) {
    for (partition, new_owner) in partitions_transferring_ownership {
        if let Some(partitions) = assignment.get_mut(*new_owner) {
            partitions.retain(|assigned| assigned != partition);
        }
    }
}

/// `computePartitionsTransferringOwnership`: partitions assigned to a member that did not own
/// them while another member that did own them loses them.
fn compute_partitions_transferring_ownership(
    group: &GroupInput,
    assignment: &[Vec<Partition>],
) -> VecMap<Partition, usize> {
    let mut all_added_partitions: VecMap<Partition, usize> = VecMap::new();
    let mut all_revoked_partitions: VecSet<Partition> = VecSet::new();
    for (consumer, assigned) in assignment.iter().enumerate() {
        let owned: VecSet<Partition> = crate::sort::to_set(group.existing_owned(consumer));
        let assigned_set: VecSet<Partition> = crate::sort::to_set(assigned.iter().copied());
        for partition in assigned
            .iter()
            .filter(|partition| !owned.contains(partition))
        {
            all_added_partitions.insert(*partition, consumer);
        }
        all_revoked_partitions.extend(owned.difference(&assigned_set).copied());
    }
    all_added_partitions.retain(|partition, _| all_revoked_partitions.contains(partition));
    all_added_partitions
}
