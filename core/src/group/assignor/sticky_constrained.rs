//! Kafka's `AbstractStickyAssignor.ConstrainedAssignmentBuilder`: the sticky assignment when
//! every member subscribes to the same topics.
//!
//! With `N` partitions and `M` members each member gets `minQuota = floor(N / M)` or
//! `maxQuota = ceil(N / M)` partitions, exactly `N % M` of them `maxQuota`:
//! 1. Each member, in the leader's `HashMap` order, keeps its owned partitions (lowest partition
//!    index first, then topic) up to `maxQuota` while fewer than `N % M` members have more than
//!    `minQuota`, else up to `minQuota`; the rest are revoked.
//! 2. The unassigned partitions (by topic, then partition) are dealt round-robin to the members
//!    under `minQuota` (sorted by member id), then one each to members at exactly `minQuota`.
//!
//! A partition revoked from one member (or claimed by several) and assigned to another is
//! recorded in `partitionsTransferringOwnership` for the cooperative assignor.

use crate::vec_map::{VecMap, VecSet};
use std::collections::VecDeque;

use super::abstract_sticky::PreviousOwnership;
use super::group_input::{GroupInput, Partition};

/// Member index -> partitions, and `partitionsTransferringOwnership`.
pub(crate) fn build(
    group: &GroupInput,
    ownership: &PreviousOwnership,
) -> (Vec<Vec<Partition>>, VecMap<Partition, usize>) {
    if group.members.is_empty() {
        return (Vec::new(), VecMap::new());
    }
    let mut builder = ConstrainedAssignmentBuilder::new(group, ownership);
    builder.assign_owned_partitions();
    let unassigned = builder.unassigned_partitions();
    crate::sort::sort(&mut builder.unfilled_members_with_under_min_quota_partitions);
    crate::sort::sort(
        builder
            .unfilled_members_with_exactly_min_quota_partitions
            .make_contiguous(),
    );
    builder.assign_round_robin(&unassigned);
    (
        builder.assignment,
        builder.partitions_transferring_ownership,
    )
}

struct ConstrainedAssignmentBuilder<'g> {
    group: &'g GroupInput<'g>,
    ownership: &'g PreviousOwnership,
    min_quota: usize,
    max_quota: usize,
    expected_num_members_with_over_min_quota_partitions: usize,
    current_num_members_with_over_min_quota_partitions: usize,
    unfilled_members_with_under_min_quota_partitions: Vec<usize>,
    unfilled_members_with_exactly_min_quota_partitions: VecDeque<usize>,
    all_revoked_partitions: VecSet<Partition>,
    assigned_partitions: VecSet<Partition>,
    assignment: Vec<Vec<Partition>>,
    partitions_transferring_ownership: VecMap<Partition, usize>,
}

impl<'g> ConstrainedAssignmentBuilder<'g> {
    fn new(
        group: &'g GroupInput<'g>,
        ownership: &'g PreviousOwnership,
    ) -> ConstrainedAssignmentBuilder<'g> {
        let total = group.partition_count();
        let members = group.members.len().max(1);
        ConstrainedAssignmentBuilder {
            group,
            ownership,
            min_quota: total / members,
            max_quota: total.div_ceil(members),
            expected_num_members_with_over_min_quota_partitions: total % members,
            current_num_members_with_over_min_quota_partitions: 0,
            unfilled_members_with_under_min_quota_partitions: Vec::new(),
            unfilled_members_with_exactly_min_quota_partitions: VecDeque::new(),
            all_revoked_partitions: VecSet::new(),
            assigned_partitions: VecSet::new(),
            assignment: vec![Vec::new(); group.members.len()],
            partitions_transferring_ownership: VecMap::new(),
        }
    }

    /// `assignOwnedPartitions`: each member keeps up to its quota of what it owned.
    fn assign_owned_partitions(&mut self) {
        for &consumer in &self.group.hash_order {
            let owned = self.owned_partitions_by_index(consumer);
            if owned.len() < self.min_quota {
                self.keep(consumer, &owned, owned.len());
                self.unfilled_members_with_under_min_quota_partitions
                    .push(consumer);
            } else if owned.len() >= self.max_quota && self.may_add_member_over_min_quota() {
                self.current_num_members_with_over_min_quota_partitions += 1;
                if !self.may_add_member_over_min_quota() {
                    self.unfilled_members_with_exactly_min_quota_partitions
                        .clear();
                }
                self.keep(consumer, &owned, self.max_quota);
            } else {
                self.keep(consumer, &owned, self.min_quota);
                if self.may_add_member_over_min_quota() {
                    self.unfilled_members_with_exactly_min_quota_partitions
                        .push_back(consumer);
                }
            }
        }
    }

    /// The member's owned partitions sorted by partition index, then topic, without those
    /// claimed by several members.
    fn owned_partitions_by_index(&self, consumer: usize) -> Vec<Partition> {
        let mut owned: Vec<Partition> = self
            .ownership
            .owned
            .get(consumer)
            .cloned()
            .unwrap_or_default();
        crate::sort::sort_by_key(&mut owned, |partition| {
            (partition.partition, partition.topic)
        });
        owned.retain(|partition| {
            !self
                .ownership
                .partitions_with_multiple_previous_owners
                .contains(partition)
        });
        owned
    }

    /// Keeps the first `count` owned partitions and revokes the rest.
    fn keep(&mut self, consumer: usize, owned: &[Partition], count: usize) {
        let (kept, revoked) = owned.split_at(count.min(owned.len()));
        if let Some(assignment) = self.assignment.get_mut(consumer) {
            assignment.extend_from_slice(kept);
        }
        self.assigned_partitions.extend(kept.iter().copied());
        self.all_revoked_partitions.extend(revoked.iter().copied());
    }

    fn may_add_member_over_min_quota(&self) -> bool {
        self.current_num_members_with_over_min_quota_partitions
            < self.expected_num_members_with_over_min_quota_partitions
    }

    /// `getUnassignedPartitions`: every partition not kept, by topic then partition.
    fn unassigned_partitions(&self) -> Vec<Partition> {
        self.group
            .all_partitions()
            .into_iter()
            .filter(|partition| !self.assigned_partitions.contains(partition))
            .collect()
    }

    /// `assignRoundRobin`: deal the unassigned partitions to the members under `minQuota`,
    /// cycling, and once none is left under it, one each to members at exactly `minQuota`.
    fn assign_round_robin(&mut self, unassigned: &[Partition]) {
        // Kafka walks `unfilledMembersWithUnderMinQuotaPartitions` with an iterator that
        // removes members reaching `minQuota` and restarts when it runs out.
        let mut cursor = 0;
        for &partition in unassigned {
            let consumer = if let Some(&consumer) = self
                .unfilled_members_with_under_min_quota_partitions
                .get(cursor)
            {
                cursor += 1;
                consumer
            } else if let Some(&consumer) = self
                .unfilled_members_with_under_min_quota_partitions
                .first()
            {
                cursor = 1;
                consumer
            } else if let Some(consumer) = self
                .unfilled_members_with_exactly_min_quota_partitions
                .pop_front()
            {
                consumer
            } else {
                // Kafka throws IllegalStateException("No more unfilled consumers to be
                // assigned."); the quotas make this unreachable.
                debug_assert!(false, "no unfilled member left for {partition:?}");
                return;
            };
            let assigned_count = self.assign_new_partition(partition, consumer);
            if assigned_count == self.min_quota {
                if let Some(position) = cursor.checked_sub(1) {
                    if self
                        .unfilled_members_with_under_min_quota_partitions
                        .get(position)
                        == Some(&consumer)
                    {
                        self.unfilled_members_with_under_min_quota_partitions
                            .remove(position);
                        cursor = position;
                    }
                }
                self.unfilled_members_with_exactly_min_quota_partitions
                    .push_back(consumer);
            } else if assigned_count == self.max_quota {
                self.current_num_members_with_over_min_quota_partitions += 1;
            }
        }
    }

    /// `assignNewPartition`: the partition is new to this member; if someone gave it up (or
    /// several claimed it) it is transferring ownership.
    fn assign_new_partition(&mut self, partition: Partition, consumer: usize) -> usize {
        let Some(assignment) = self.assignment.get_mut(consumer) else {
            return 0;
        };
        assignment.push(partition);
        if self.all_revoked_partitions.contains(&partition)
            || self
                .ownership
                .partitions_with_multiple_previous_owners
                .contains(&partition)
        {
            self.partitions_transferring_ownership
                .insert(partition, consumer);
        }
        assignment.len()
    }
}
