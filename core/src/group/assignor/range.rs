//! Kafka's `RangeAssignor` (`range`), the consumer's default before Kafka 3.0 and still first in
//! its default `partition.assignment.strategy` list.
//!
//! Per topic, the partitions in numeric order are cut into consecutive ranges, one per
//! subscribed member in `MemberInfo` order (static members by `group.instance.id` first, then
//! `member.id`); the first `partitions % members` members get one extra partition. Because the
//! same members come first for every topic, partition `i` of co-partitioned topics lands on the
//! same member.
//!
//! This mirrors `RangeAssignor.assignPartitions` with its `TopicAssignmentState`; the
//! rack-aware pass (`assignWithRackMatching`) never runs without replica racks (see the
//! [module documentation](super)).

use crate::vec_map::VecMap;

use super::group_input::{GroupInput, Partition};
use super::{GroupAssignment, MemberSubscription};

/// `RangeAssignor.assign`: member id -> sorted partitions.
pub fn assign(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    let group = GroupInput::new(partitions_per_topic, members);
    let mut assignment = vec![Vec::new(); group.members.len()];
    for topic in 0..group.topics.len() {
        let mut state = TopicAssignmentState::new(&group, topic);
        state.assign_ranges(&mut assignment);
    }
    group.to_group_assignment(&assignment)
}

/// `RangeAssignor.TopicAssignmentState`: one topic's members and what is left to hand out.
struct TopicAssignmentState {
    /// The subscribed members, in `MemberInfo` order.
    consumers: Vec<usize>,
    /// The partitions not yet assigned, ascending.
    unassigned_partitions: Vec<Partition>,
    num_partitions_per_consumer: usize,
    remaining_consumers_with_extra_partition: usize,
}

impl TopicAssignmentState {
    fn new(group: &GroupInput, topic: usize) -> TopicAssignmentState {
        let consumers =
            group.members_in_member_info_order(|member| group.subscribes(member, topic));
        let unassigned_partitions: Vec<Partition> = group.partitions_of(topic).collect();
        let partition_count = unassigned_partitions.len();
        let (num_partitions_per_consumer, remaining_consumers_with_extra_partition) =
            match consumers.len() {
                0 => (0, 0),
                count => (partition_count / count, partition_count % count),
            };
        TopicAssignmentState {
            consumers,
            unassigned_partitions,
            num_partitions_per_consumer,
            remaining_consumers_with_extra_partition,
        }
    }

    /// `assignRanges` with every consumer allowed every partition: each consumer in turn takes
    /// the next `maxAssignable` partitions.
    fn assign_ranges(&mut self, assignment: &mut [Vec<Partition>]) {
        for consumer in self.consumers.clone() {
            if self.unassigned_partitions.is_empty() {
                break;
            }
            let take = self.max_assignable().min(self.unassigned_partitions.len());
            let partitions: Vec<Partition> = self.unassigned_partitions.drain(..take).collect();
            if partitions.len() > self.num_partitions_per_consumer {
                self.remaining_consumers_with_extra_partition -= 1;
            }
            if let Some(consumer_assignment) = assignment.get_mut(consumer) {
                consumer_assignment.extend(partitions);
            }
        }
    }

    /// `maxAssignable` for a consumer that has nothing of this topic yet.
    fn max_assignable(&self) -> usize {
        let extra = usize::from(self.remaining_consumers_with_extra_partition > 0);
        self.num_partitions_per_consumer + extra
    }
}
