//! Kafka's `RoundRobinAssignor` (`roundrobin`).
//!
//! All partitions of all subscribed topics, sorted by topic then partition, are dealt one at a
//! time to the members in `MemberInfo` order (static members by `group.instance.id` first,
//! then `member.id`), cycling with Kafka's `CircularIterator` and skipping members that do not
//! subscribe to the partition's topic. With identical subscriptions the member sizes differ by
//! at most one; with different subscriptions the result can be unbalanced.

use crate::vec_map::VecMap;

use super::group_input::{GroupInput, Partition};
use super::{GroupAssignment, MemberSubscription};

/// `RoundRobinAssignor.assign`: member id -> sorted partitions.
pub fn assign(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    let group = GroupInput::new(partitions_per_topic, members);
    let mut assignment: Vec<Vec<Partition>> = vec![Vec::new(); group.members.len()];
    let mut assigner = CircularIterator::new(group.members_in_member_info_order(|_| true));
    for partition in group.all_partitions() {
        if let Some(member) =
            assigner.next_matching(|member| group.subscribes(member, partition.topic))
        {
            if let Some(member_assignment) = assignment.get_mut(member) {
                member_assignment.push(partition);
            }
        }
    }
    group.to_group_assignment(&assignment)
}

/// Kafka's `CircularIterator` over the sorted members.
struct CircularIterator {
    members: Vec<usize>,
    position: usize,
}

impl CircularIterator {
    fn new(members: Vec<usize>) -> CircularIterator {
        CircularIterator {
            members,
            position: 0,
        }
    }

    /// `while (!matches(assigner.peek())) assigner.next(); return assigner.next();` — with at
    /// most one full turn, so a partition nobody subscribes to cannot loop forever.
    fn next_matching(&mut self, matches: impl Fn(usize) -> bool) -> Option<usize> {
        for _ in 0..self.members.len() {
            let member = *self.members.get(self.position)?;
            self.position = (self.position + 1) % self.members.len();
            if matches(member) {
                return Some(member);
            }
        }
        None
    }
}
