//! Kafka's `AbstractStickyAssignor.GeneralAssignmentBuilder`: the sticky assignment when members
//! subscribe to different topics.
//!
//! 1. Keep every owned partition whose member still subscribes to its topic
//!    (`assignOwnedPartitions`).
//! 2. Give each unassigned partition, topics with the fewest potential members first, to the
//!    member with the fewest partitions that subscribes to it (`maybeAssign`).
//! 3. Move partitions from members with 2+ more partitions than another potential owner until
//!    balanced (`performReassignments`), preferring to hand a partition back to its owner of an
//!    earlier generation, and undoing earlier moves rather than making new ones
//!    ([`PartitionMovements`]). If that did not improve the balance score, revert it.
//!
//! Members are ranked by (number of partitions, member id), Kafka's `SubscriptionComparator`
//! over the `TreeSet` `sortedCurrentSubscriptions`.

use crate::vec_map::{VecMap, VecSet};

use super::abstract_sticky::{PreviousOwnership, DEFAULT_GENERATION};
use super::group_input::{GroupInput, Partition};
use super::partition_movements::PartitionMovements;

/// Member index -> partitions.
pub(crate) fn build(group: &GroupInput, ownership: PreviousOwnership) -> Vec<Vec<Partition>> {
    let mut builder = GeneralAssignmentBuilder::new(group, ownership);
    let previous_assignment = builder.previous_assignment();
    let assigned = builder.assign_owned_partitions();
    let unassigned: Vec<Partition> = builder
        .sorted_all_partitions
        .iter()
        .copied()
        .filter(|partition| !assigned.contains(partition))
        .collect();
    builder.sorted_current_subscriptions =
        crate::sort::to_set((0..group.members.len()).map(|member| (builder.size(member), member)));
    builder.balance(&previous_assignment, unassigned);
    builder.current_assignment
}

/// `ConsumerGenerationPair`: who owned a partition in an older generation.
#[derive(Debug, Clone, Copy)]
struct ConsumerGenerationPair {
    consumer: usize,
    generation: i32,
}

struct GeneralAssignmentBuilder<'g> {
    group: &'g GroupInput<'g>,
    max_generation: i32,
    /// `currentAssignment`: member index -> partitions.
    current_assignment: Vec<Vec<Partition>>,
    /// Members taken out of the balancing (Kafka removes them from `currentAssignment`).
    fixed: Vec<bool>,
    /// `topic2AllPotentialConsumers`: topic index -> subscribed members.
    topic_to_all_potential_consumers: Vec<Vec<usize>>,
    /// `currentPartitionConsumer`: partition -> its member.
    current_partition_consumer: VecMap<Partition, usize>,
    /// Topics with the fewest potential members first, then by name; partitions ascending.
    sorted_all_partitions: Vec<Partition>,
    /// `sortedCurrentSubscriptions`: (partition count, member index), ascending.
    sorted_current_subscriptions: VecSet<(usize, usize)>,
    revocation_required: bool,
    partition_movements: PartitionMovements,
}

impl<'g> GeneralAssignmentBuilder<'g> {
    fn new(
        group: &'g GroupInput<'g>,
        ownership: PreviousOwnership,
    ) -> GeneralAssignmentBuilder<'g> {
        let mut topic_to_all_potential_consumers = vec![Vec::new(); group.topics.len()];
        for &member in &group.hash_order {
            for &topic in group.members.get(member).map_or(&[][..], |m| &m.topics) {
                if let Some(consumers) = topic_to_all_potential_consumers.get_mut(topic) {
                    consumers.push(member);
                }
            }
        }
        let current_partition_consumer = crate::sort::to_map(
            ownership
                .owned
                .iter()
                .enumerate()
                .flat_map(|(member, owned)| {
                    owned.iter().map(move |partition| (*partition, member))
                }),
        );
        let mut sorted_all_topics: Vec<usize> = (0..group.topics.len()).collect();
        // Kafka's `TopicComparator`: fewest potential members first, then by name.
        crate::sort::sort_by_key(&mut sorted_all_topics, |topic| {
            let potential = topic_to_all_potential_consumers
                .get(*topic)
                .map_or(0, Vec::len);
            (potential, *topic)
        });
        let sorted_all_partitions = sorted_all_topics
            .into_iter()
            .flat_map(|topic| group.partitions_of(topic))
            .collect();
        GeneralAssignmentBuilder {
            group,
            max_generation: ownership.max_generation,
            current_assignment: ownership.owned,
            fixed: vec![false; group.members.len()],
            topic_to_all_potential_consumers,
            current_partition_consumer,
            sorted_all_partitions,
            sorted_current_subscriptions: VecSet::new(),
            revocation_required: false,
            partition_movements: PartitionMovements::default(),
        }
    }

    fn size(&self, member: usize) -> usize {
        self.current_assignment.get(member).map_or(0, Vec::len)
    }

    /// Whether the member was taken out of the balancing (Kafka's `fixedAssignments`).
    fn is_fixed(&self, member: usize) -> bool {
        self.fixed.get(member).copied().unwrap_or(true)
    }

    fn potential_consumers(&self, topic: usize) -> &[usize] {
        self.topic_to_all_potential_consumers
            .get(topic)
            .map_or(&[][..], Vec::as_slice)
    }

    /// `prepopulateCurrentAssignments`: who owned each partition in an older generation than
    /// the newest (the newest such generation wins; among equals, the first in `HashMap` order).
    fn previous_assignment(&self) -> VecMap<Partition, ConsumerGenerationPair> {
        let mut previous: VecMap<Partition, ConsumerGenerationPair> = VecMap::new();
        for &consumer in &self.group.hash_order {
            let Some(member) = self.group.members.get(consumer) else {
                continue;
            };
            let generation = match member.subscription.generation {
                Some(generation) if generation < self.max_generation => generation,
                None if self.max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
                _ => continue,
            };
            for partition in self.group.existing_owned(consumer) {
                let newer = previous
                    .get(&partition)
                    .is_none_or(|earlier| generation > earlier.generation);
                if newer {
                    previous.insert(
                        partition,
                        ConsumerGenerationPair {
                            consumer,
                            generation,
                        },
                    );
                }
            }
        }
        previous
    }

    /// `assignOwnedPartitions`: drops owned partitions whose member no longer subscribes to the
    /// topic and returns the ones kept.
    fn assign_owned_partitions(&mut self) -> VecSet<Partition> {
        let mut assigned = VecSet::new();
        for (member, owned) in self.current_assignment.iter_mut().enumerate() {
            owned.retain(|partition| {
                let subscribed = self.group.subscribes(member, partition.topic);
                if subscribed {
                    assigned.insert(*partition);
                } else {
                    self.revocation_required = true;
                }
                subscribed
            });
        }
        assigned
    }

    /// `balance`.
    fn balance(
        &mut self,
        previous_assignment: &VecMap<Partition, ConsumerGenerationPair>,
        mut unassigned: Vec<Partition>,
    ) {
        let initializing = self
            .sorted_current_subscriptions
            .last()
            .is_none_or(|(size, _)| *size == 0);
        self.maybe_assign(&unassigned);

        let fixed_topics: VecSet<usize> = crate::sort::to_set(
            (0..self.group.topics.len())
                .filter(|topic| !self.can_topic_participate_in_reassignment(*topic)),
        );
        self.sorted_all_partitions
            .retain(|partition| !fixed_topics.contains(&partition.topic));
        unassigned.retain(|partition| !fixed_topics.contains(&partition.topic));
        for member in 0..self.group.members.len() {
            if !self.can_consumer_participate_in_reassignment(member) {
                self.sorted_current_subscriptions
                    .remove(&(self.size(member), member));
                if let Some(fixed) = self.fixed.get_mut(member) {
                    *fixed = true;
                }
            }
        }

        let pre_balance_assignment = self.current_assignment.clone();
        let pre_balance_partition_consumers = self.current_partition_consumer.clone();
        if !self.revocation_required {
            self.perform_reassignments(&unassigned, previous_assignment);
        }
        let reassignable = self.sorted_all_partitions.clone();
        let reassignment_performed = self.perform_reassignments(&reassignable, previous_assignment);
        if !initializing
            && reassignment_performed
            && self.balance_score(&self.current_assignment)
                >= self.balance_score(&pre_balance_assignment)
        {
            self.current_assignment = pre_balance_assignment;
            self.current_partition_consumer = pre_balance_partition_consumers;
        }
    }

    /// `maybeAssign` without racks: each partition to the least loaded potential member.
    fn maybe_assign(&mut self, unassigned: &[Partition]) {
        for &partition in unassigned {
            let candidate = self
                .sorted_current_subscriptions
                .iter()
                .copied()
                .find(|(_, member)| self.group.subscribes(*member, partition.topic));
            if let Some((size, member)) = candidate {
                self.sorted_current_subscriptions.remove(&(size, member));
                if let Some(assignment) = self.current_assignment.get_mut(member) {
                    assignment.push(partition);
                }
                self.current_partition_consumer.insert(partition, member);
                self.sorted_current_subscriptions.insert((size + 1, member));
            }
        }
    }

    /// A topic with two or more potential members can be reassigned.
    fn can_topic_participate_in_reassignment(&self, topic: usize) -> bool {
        self.potential_consumers(topic).len() >= 2
    }

    /// A member can take part unless it has every partition it could get and all of them are
    /// in topics nobody else subscribes to.
    fn can_consumer_participate_in_reassignment(&self, member: usize) -> bool {
        if self.size(member) < self.max_assignment_size(member) {
            return true;
        }
        self.current_assignment
            .get(member)
            .is_some_and(|partitions| {
                partitions
                    .iter()
                    .any(|partition| self.can_topic_participate_in_reassignment(partition.topic))
            })
    }

    /// `getMaxAssignmentSize`: every partition of the member's subscribed topics.
    fn max_assignment_size(&self, member: usize) -> usize {
        self.group.members.get(member).map_or(0, |member| {
            member
                .topics
                .iter()
                .filter_map(|topic| self.group.topics.get(*topic))
                .map(|topic| usize::try_from(topic.partition_count).unwrap_or(0))
                .sum()
        })
    }

    /// `performReassignments`: sweeps the partitions, moving any whose member has 2+ more
    /// partitions than another potential member, until balanced or nothing moves.
    fn perform_reassignments(
        &mut self,
        reassignable_partitions: &[Partition],
        previous_assignment: &VecMap<Partition, ConsumerGenerationPair>,
    ) -> bool {
        let mut reassignment_performed = false;
        // Kafka repeats until a sweep moves nothing; the cap only guards against a sweep
        // pattern that never settles, which Kafka's own tests never hit.
        let max_sweeps = reassignable_partitions
            .len()
            .saturating_mul(4)
            .saturating_add(16);
        for _ in 0..max_sweeps {
            let mut modified = false;
            for &partition in reassignable_partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(&consumer) = self.current_partition_consumer.get(&partition) else {
                    continue;
                };
                if let Some(previous) =
                    self.previous_owner_to_return_to(partition, consumer, previous_assignment)
                {
                    self.reassign_partition_to(partition, previous);
                    reassignment_performed = true;
                    modified = true;
                    continue;
                }
                let overloaded = self
                    .potential_consumers(partition.topic)
                    .iter()
                    .any(|other| self.size(consumer) > self.size(*other) + 1);
                if overloaded {
                    self.reassign_partition(partition);
                    reassignment_performed = true;
                    modified = true;
                }
            }
            if !modified {
                return reassignment_performed;
            }
        }
        debug_assert!(false, "performReassignments did not settle");
        reassignment_performed
    }

    /// The partition's owner of an older generation, if the partition's current member has 2+
    /// more partitions than it. Kafka does not check that this owner still takes part and still
    /// subscribes to the topic (it would fail or hand out an unsubscribed partition); here it
    /// must.
    fn previous_owner_to_return_to(
        &self,
        partition: Partition,
        consumer: usize,
        previous_assignment: &VecMap<Partition, ConsumerGenerationPair>,
    ) -> Option<usize> {
        let previous = previous_assignment.get(&partition)?.consumer;
        let eligible = !self.is_fixed(previous) && self.group.subscribes(previous, partition.topic);
        (eligible && self.size(consumer) > self.size(previous) + 1).then_some(previous)
    }

    /// `reassignPartition(partition)`: to the least loaded member that subscribes to its topic.
    fn reassign_partition(&mut self, partition: Partition) {
        let new_consumer = self
            .sorted_current_subscriptions
            .iter()
            .map(|(_, member)| *member)
            .find(|member| self.group.subscribes(*member, partition.topic));
        if let Some(new_consumer) = new_consumer {
            self.reassign_partition_to(partition, new_consumer);
        }
    }

    /// `reassignPartition(partition, newConsumer)`: moves it, or undoes an earlier move instead.
    fn reassign_partition_to(&mut self, partition: Partition, new_consumer: usize) {
        let Some(&consumer) = self.current_partition_consumer.get(&partition) else {
            return;
        };
        let partition_to_be_moved = self.partition_movements.actual_partition_to_be_moved(
            partition,
            consumer,
            new_consumer,
        );
        self.process_partition_movement(partition_to_be_moved, new_consumer);
    }

    /// `processPartitionMovement`.
    fn process_partition_movement(&mut self, partition: Partition, new_consumer: usize) {
        let Some(&old_consumer) = self.current_partition_consumer.get(&partition) else {
            return;
        };
        self.sorted_current_subscriptions
            .remove(&(self.size(old_consumer), old_consumer));
        self.sorted_current_subscriptions
            .remove(&(self.size(new_consumer), new_consumer));
        self.partition_movements
            .move_partition(self.group, partition, old_consumer, new_consumer);
        if let Some(old) = self.current_assignment.get_mut(old_consumer) {
            if let Some(position) = old.iter().position(|owned| *owned == partition) {
                old.remove(position);
            }
        }
        if let Some(new) = self.current_assignment.get_mut(new_consumer) {
            new.push(partition);
        }
        self.current_partition_consumer
            .insert(partition, new_consumer);
        self.sorted_current_subscriptions
            .insert((self.size(new_consumer), new_consumer));
        self.sorted_current_subscriptions
            .insert((self.size(old_consumer), old_consumer));
    }

    /// `isBalanced`: sizes differ by at most one, or no member could take a partition from a
    /// member with 2+ more.
    fn is_balanced(&self) -> bool {
        let (Some((min, _)), Some((max, _))) = (
            self.sorted_current_subscriptions.first(),
            self.sorted_current_subscriptions.last(),
        ) else {
            return true;
        };
        if *min + 1 >= *max {
            return true;
        }
        self.sorted_current_subscriptions
            .iter()
            .all(|(size, member)| !self.could_take_a_partition(*member, *size))
    }

    /// Whether a partition the member could own sits with a member with 2+ more partitions.
    fn could_take_a_partition(&self, member: usize, size: usize) -> bool {
        if size == self.max_assignment_size(member) {
            return false;
        }
        let topics = self
            .group
            .members
            .get(member)
            .map_or(&[][..], |m| &m.topics);
        topics
            .iter()
            .flat_map(|topic| self.group.partitions_of(*topic))
            .any(
                |partition| match self.current_partition_consumer.get(&partition) {
                    Some(&other) if other != member && !self.is_fixed(other) => {
                        size + 1 < self.size(other)
                    }
                    _ => false,
                },
            )
    }

    /// `getBalanceScore`: the sum of size differences over all pairs of (non-fixed) members.
    fn balance_score(&self, assignment: &[Vec<Partition>]) -> usize {
        let sizes: Vec<usize> = assignment
            .iter()
            .enumerate()
            .filter(|(member, _)| !self.is_fixed(*member))
            .map(|(_, partitions)| partitions.len())
            .collect();
        sizes
            .iter()
            .enumerate()
            .flat_map(|(index, size)| {
                sizes[index + 1..]
                    .iter()
                    .map(move |other| size.abs_diff(*other))
            })
            .sum()
    }
}
