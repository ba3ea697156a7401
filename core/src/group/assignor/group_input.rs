//! The group's subscriptions prepared the way Kafka's `AbstractPartitionAssignor` hands them to
//! an assignor, with topics and members numbered for the algorithms.
//!
//! - Topics: only those some member subscribes to that have partitions
//!   (`AbstractPartitionAssignor.assign(Cluster, GroupSubscription)`), numbered in Java
//!   `String` order, so a [`Partition`]'s derived order is Kafka's topic-then-partition order.
//! - Members: numbered in Java `String` order of `member.id`, so comparing indexes compares
//!   member ids; [`GroupInput::hash_order`] lists them as Java iterates the leader's
//!   `HashMap<String, Subscription>`.

use crate::vec_map::{VecMap, VecSet};
use std::cmp::Ordering;

use super::java_order::{compare_strings, string_hash_code, HashTableOrder};
use super::{GroupAssignment, MemberSubscription};
use crate::ids::TopicPartition;

/// A partition during an assignment: the index of its topic in [`GroupInput::topics`] and its
/// partition index. Ordered by topic name, then partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Partition {
    /// Index into [`GroupInput::topics`].
    pub(crate) topic: usize,
    /// The partition index within the topic.
    pub(crate) partition: i32,
}

/// A subscribed topic that has partitions.
#[derive(Debug, Clone)]
pub(crate) struct Topic {
    pub(crate) name: String,
    pub(crate) partition_count: i32,
    /// Java's `name.hashCode()`.
    pub(crate) hash_code: i32,
}

/// One member, deduplicated by member id.
#[derive(Debug, Clone)]
pub(crate) struct Member<'a> {
    pub(crate) subscription: &'a MemberSubscription,
    /// Every subscribed topic name, including topics without partitions.
    pub(crate) subscribed: VecSet<&'a str>,
    /// The subscribed topics that have partitions, as ascending indexes into the topics.
    pub(crate) topics: Vec<usize>,
}

/// The group as the assignors see it.
#[derive(Debug, Clone)]
pub(crate) struct GroupInput<'a> {
    pub(crate) topics: Vec<Topic>,
    pub(crate) members: Vec<Member<'a>>,
    /// Member indexes in the leader's `HashMap` iteration order.
    pub(crate) hash_order: Vec<usize>,
}

impl<'a> GroupInput<'a> {
    /// Prepares the group; `members` is in the order the leader put them in its map.
    pub(crate) fn new(
        partitions_per_topic: &VecMap<String, i32>,
        members: &'a [MemberSubscription],
    ) -> GroupInput<'a> {
        let (subscriptions, hash_order) = deduplicate_members(members);
        let topics = subscribed_topics(partitions_per_topic, &subscriptions);
        let members = subscriptions
            .into_iter()
            .map(|subscription| Member::new(subscription, &topics))
            .collect();
        GroupInput {
            topics,
            members,
            hash_order,
        }
    }

    /// The members in `AbstractPartitionAssignor.MemberInfo` order, keeping only those `keep`
    /// accepts: static members first by `group.instance.id`, then dynamic members by
    /// `member.id`. Java's sort is stable, so ties (two members claiming one
    /// `group.instance.id`) keep the leader's `HashMap` order.
    pub(crate) fn members_in_member_info_order(&self, keep: impl Fn(usize) -> bool) -> Vec<usize> {
        let mut ordered: Vec<usize> = self
            .hash_order
            .iter()
            .copied()
            .filter(|m| keep(*m))
            .collect();
        crate::sort::sort_by(&mut ordered, |left, right| {
            self.compare_member_info(*left, *right)
        });
        ordered
    }

    /// `MemberInfo.compareTo`.
    fn compare_member_info(&self, left: usize, right: usize) -> Ordering {
        let instance_id = |member: usize| {
            self.members
                .get(member)
                .and_then(|member| member.subscription.group_instance_id.as_deref())
        };
        match (instance_id(left), instance_id(right)) {
            (Some(left), Some(right)) => compare_strings(left, right),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            // Member indexes follow member id order.
            (None, None) => left.cmp(&right),
        }
    }

    /// The index of a topic with partitions, by name.
    pub(crate) fn topic_index(&self, name: &str) -> Option<usize> {
        self.topics
            .binary_search_by(|topic| compare_strings(&topic.name, name))
            .ok()
    }

    /// Whether `member` subscribes to the topic with this index.
    pub(crate) fn subscribes(&self, member: usize, topic: usize) -> bool {
        self.members
            .get(member)
            .is_some_and(|member| member.topics.binary_search(&topic).is_ok())
    }

    /// The partitions of every topic: topics in name order, partitions ascending.
    pub(crate) fn all_partitions(&self) -> Vec<Partition> {
        (0..self.topics.len())
            .flat_map(|topic| self.partitions_of(topic))
            .collect()
    }

    /// The partitions of one topic, ascending.
    pub(crate) fn partitions_of(&self, topic: usize) -> impl Iterator<Item = Partition> {
        let count = self
            .topics
            .get(topic)
            .map_or(0, |topic| topic.partition_count);
        (0..count).map(move |partition| Partition { topic, partition })
    }

    /// The total number of partitions.
    pub(crate) fn partition_count(&self) -> usize {
        self.topics
            .iter()
            .map(|topic| usize::try_from(topic.partition_count).unwrap_or(0))
            .sum()
    }

    /// The member's owned partitions that exist, in the member's order.
    pub(crate) fn existing_owned(&self, member: usize) -> Vec<Partition> {
        let Some(member) = self.members.get(member) else {
            return Vec::new();
        };
        member
            .subscription
            .owned_partitions
            .iter()
            .filter_map(|owned| self.partition(owned))
            .collect()
    }

    /// The partition for a `TopicPartition`, if it exists.
    pub(crate) fn partition(&self, topic_partition: &TopicPartition) -> Option<Partition> {
        let topic = self.topic_index(&topic_partition.topic)?;
        let count = self.topics.get(topic)?.partition_count;
        (0..count)
            .contains(&topic_partition.partition)
            .then_some(Partition {
                topic,
                partition: topic_partition.partition,
            })
    }

    /// The Kafka `TopicPartition` of a partition.
    pub(crate) fn topic_partition(&self, partition: Partition) -> TopicPartition {
        let name = self
            .topics
            .get(partition.topic)
            .map_or("", |topic| topic.name.as_str());
        TopicPartition::new(name, partition.partition)
    }

    /// Member index -> partitions, as the public map of member id -> sorted partitions.
    pub(crate) fn to_group_assignment(&self, assignment: &[Vec<Partition>]) -> GroupAssignment {
        crate::sort::to_map(self.members.iter().enumerate().map(|(index, member)| {
            let mut partitions: Vec<TopicPartition> = assignment
                .get(index)
                .into_iter()
                .flatten()
                .map(|partition| self.topic_partition(*partition))
                .collect();
            crate::sort::sort(&mut partitions);
            (member.subscription.member_id.clone(), partitions)
        }))
    }
}

impl<'a> Member<'a> {
    fn new(subscription: &'a MemberSubscription, topics: &[Topic]) -> Member<'a> {
        let subscribed: VecSet<&str> =
            crate::sort::to_set(subscription.topics.iter().map(String::as_str));
        let topics = topics
            .iter()
            .enumerate()
            .filter(|(_, topic)| subscribed.contains(topic.name.as_str()))
            .map(|(index, _)| index)
            .collect();
        Member {
            subscription,
            subscribed,
            topics,
        }
    }

    /// The member's generation, or Kafka's `DEFAULT_GENERATION` (-1).
    pub(crate) fn generation_or_default(&self) -> i32 {
        self.subscription
            .generation
            .unwrap_or(super::abstract_sticky::DEFAULT_GENERATION)
    }
}

/// One subscription per member id (the last one given, at the first one's place, as `Map.put`
/// does), sorted by member id; and their indexes in Java `HashMap` iteration order.
fn deduplicate_members(members: &[MemberSubscription]) -> (Vec<&MemberSubscription>, Vec<usize>) {
    let mut insertion_order: Vec<&MemberSubscription> = Vec::new();
    let mut position_by_id: VecMap<&str, usize> = VecMap::new();
    for member in members {
        match position_by_id.get(member.member_id.as_str()) {
            Some(&position) => {
                if let Some(slot) = insertion_order.get_mut(position) {
                    *slot = member;
                }
            }
            None => {
                position_by_id.insert(&member.member_id, insertion_order.len());
                insertion_order.push(member);
            }
        }
    }
    let mut sorted = insertion_order.clone();
    crate::sort::sort_by(&mut sorted, |left, right| {
        compare_strings(&left.member_id, &right.member_id)
    });
    let index_of = |id: &str| {
        sorted
            .binary_search_by(|member| compare_strings(&member.member_id, id))
            .unwrap_or(0)
    };
    let mut table = HashTableOrder::new();
    for member in &insertion_order {
        table.insert(
            index_of(&member.member_id),
            string_hash_code(&member.member_id),
        );
    }
    (sorted, table.iteration_order())
}

/// The topics some member subscribes to that have at least one partition, in Java name order.
fn subscribed_topics(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[&MemberSubscription],
) -> Vec<Topic> {
    let names: VecSet<&str> = crate::sort::to_set(
        members
            .iter()
            .flat_map(|member| member.topics.iter().map(String::as_str)),
    );
    let mut topics: Vec<Topic> = names
        .into_iter()
        .filter_map(|name| {
            let partition_count = *partitions_per_topic.get(name)?;
            (partition_count > 0).then(|| Topic {
                name: name.to_string(),
                partition_count,
                hash_code: string_hash_code(name),
            })
        })
        .collect();
    crate::sort::sort_by(&mut topics, |left, right| {
        compare_strings(&left.name, &right.name)
    });
    topics
}
