//! `RangeAssignorTest`: per-topic ranges, members in `MemberInfo` order.

use kplay_core::vec_map::VecMap;

use kplay_core::group::assignor::{range, GroupAssignment, MemberSubscription};

use crate::helpers::*;

fn assign(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    range::assign(partitions_per_topic, members)
}

/// The assignment keyed by `group.instance.id` (`RangeAssignorTest.checkStaticAssignment`).
pub fn by_instance_id(
    members: &[MemberSubscription],
    assignment: &GroupAssignment,
) -> VecMap<String, Vec<kplay_core::TopicPartition>> {
    members
        .iter()
        .filter_map(|member| {
            let instance = member.group_instance_id.clone()?;
            Some((instance, assignment[&member.member_id].clone()))
        })
        .collect()
}

// RangeAssignorTest.testOneConsumerNoTopic
#[test]
fn range_gives_a_member_without_topics_an_empty_assignment() {
    let assignment = assign(&VecMap::new(), &[member("consumer1", &[])]);
    assert_eq!(assignment.keys().collect::<Vec<_>>(), vec!["consumer1"]);
    assert!(assignment["consumer1"].is_empty());
}

// RangeAssignorTest.testOneConsumerNonexistentTopic
#[test]
fn range_ignores_a_subscribed_topic_that_does_not_exist() {
    let assignment = assign(&VecMap::new(), &[member("consumer1", &["topic1"])]);
    assert_eq!(assignment.keys().collect::<Vec<_>>(), vec!["consumer1"]);
    assert!(assignment["consumer1"].is_empty());
}

// RangeAssignorTest.testOneConsumerOneTopic
#[test]
fn range_gives_a_single_member_every_partition() {
    let topics = partitions_per_topic(&[("topic1", 3)]);
    let assignment = assign(&topics, &[member("consumer1", &["topic1"])]);
    assert_eq!(
        assignment["consumer1"],
        partitions(&[("topic1", 0), ("topic1", 1), ("topic1", 2)])
    );
}

// RangeAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics
#[test]
fn range_only_assigns_partitions_of_subscribed_topics() {
    let topics = partitions_per_topic(&[("topic1", 3), ("other", 3)]);
    let assignment = assign(&topics, &[member("consumer1", &["topic1"])]);
    assert_eq!(
        assignment["consumer1"],
        partitions(&[("topic1", 0), ("topic1", 1), ("topic1", 2)])
    );
}

// RangeAssignorTest.testOneConsumerMultipleTopics
#[test]
fn range_gives_a_single_member_all_partitions_of_all_its_topics() {
    let topics = partitions_per_topic(&[("topic1", 1), ("topic2", 2)]);
    let assignment = assign(&topics, &[member("consumer1", &["topic1", "topic2"])]);
    assert_eq!(
        assignment["consumer1"],
        partitions(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
    );
}

// RangeAssignorTest.testTwoConsumersOneTopicOnePartition
#[test]
fn range_leaves_the_second_member_empty_with_one_partition() {
    let topics = partitions_per_topic(&[("topic1", 1)]);
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(assignment["consumer1"], partitions(&[("topic1", 0)]));
    assert!(assignment["consumer2"].is_empty());
}

// RangeAssignorTest.testTwoConsumersOneTopicTwoPartitions
#[test]
fn range_gives_two_members_one_partition_each() {
    let topics = partitions_per_topic(&[("topic1", 2)]);
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(assignment["consumer1"], partitions(&[("topic1", 0)]));
    assert_eq!(assignment["consumer2"], partitions(&[("topic1", 1)]));
}

// RangeAssignorTest.testMultipleConsumersMixedTopics
#[test]
fn range_splits_each_topic_among_its_own_subscribers() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 2)]);
    let members = [
        member("consumer1", &["topic1"]),
        member("consumer2", &["topic1", "topic2"]),
        member("consumer3", &["topic1"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(assignment["consumer1"], partitions(&[("topic1", 0)]));
    assert_eq!(
        assignment["consumer2"],
        partitions(&[("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(assignment["consumer3"], partitions(&[("topic1", 2)]));
}

// RangeAssignorTest.testTwoConsumersTwoTopicsSixPartitions
#[test]
fn range_gives_the_first_members_one_extra_partition_each() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let members = [
        member("consumer1", &["topic1", "topic2"]),
        member("consumer2", &["topic1", "topic2"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment["consumer1"],
        partitions(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(
        assignment["consumer2"],
        partitions(&[("topic1", 2), ("topic2", 2)])
    );
}

// RangeAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions
#[test]
fn range_orders_static_members_by_group_instance_id_not_member_id() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let members = [
        static_member("consumer-b", "instance1", &["topic1", "topic2"]),
        static_member("consumer-a", "instance2", &["topic1", "topic2"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment["consumer-b"],
        partitions(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(
        assignment["consumer-a"],
        partitions(&[("topic1", 2), ("topic2", 2)])
    );
}

// RangeAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions
#[test]
fn range_puts_static_members_before_dynamic_ones() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let members = [
        static_member("consumer-b", "instance1", &["topic1", "topic2"]),
        member("consumer-a", &["topic1", "topic2"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment["consumer-b"],
        partitions(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(
        assignment["consumer-a"],
        partitions(&[("topic1", 2), ("topic2", 2)])
    );
}

// RangeAssignorTest.testStaticMemberRangeAssignmentPersistent
#[test]
fn range_keeps_static_members_assignments_when_a_dynamic_member_is_replaced() {
    let topics = partitions_per_topic(&[("topic1", 5), ("topic2", 4)]);
    let both = ["topic1", "topic2"];
    let mut members = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
        member("consumer4", &both),
    ];
    let mut expected: GroupAssignment = [
        (
            "consumer1",
            partitions(&[("topic1", 0), ("topic1", 1), ("topic2", 0)]),
        ),
        ("consumer2", partitions(&[("topic1", 2), ("topic2", 1)])),
        ("consumer3", partitions(&[("topic1", 3), ("topic2", 2)])),
        ("consumer4", partitions(&[("topic1", 4), ("topic2", 3)])),
    ]
    .into_iter()
    .map(|(id, partitions)| (id.to_string(), partitions))
    .collect();
    assert_eq!(assign(&topics, &members), expected);

    members.pop();
    members.push(member("consumer5", &both));
    let replaced = expected
        .remove("consumer4")
        .expect("consumer4 was expected");
    expected.insert("consumer5".to_string(), replaced);
    assert_eq!(assign(&topics, &members), expected);
}

// RangeAssignorTest.testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges
#[test]
fn range_assignment_follows_group_instance_id_when_member_ids_change() {
    let topics = partitions_per_topic(&[("topic1", 5), ("topic2", 5)]);
    let both = ["topic1", "topic2"];
    let members = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
    ];
    let expected: VecMap<String, Vec<kplay_core::TopicPartition>> = [
        (
            "instance1",
            partitions(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
        ),
        (
            "instance2",
            partitions(&[("topic1", 2), ("topic1", 3), ("topic2", 2), ("topic2", 3)]),
        ),
        ("instance3", partitions(&[("topic1", 4), ("topic2", 4)])),
    ]
    .into_iter()
    .map(|(id, partitions)| (id.to_string(), partitions))
    .collect();
    let static_assignment = by_instance_id(&members, &assign(&topics, &members));
    assert_eq!(static_assignment, expected);

    let renamed = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer5", "instance2", &both),
        static_member("consumer4", "instance3", &both),
    ];
    assert_eq!(
        by_instance_id(&renamed, &assign(&topics, &renamed)),
        static_assignment
    );
}
