//! `RoundRobinAssignorTest`: all partitions dealt over the sorted members.

use kplay_core::vec_map::VecMap;

use kplay_core::group::assignor::{round_robin, GroupAssignment, MemberSubscription};

use crate::helpers::*;
use crate::range::by_instance_id;

fn assign(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    round_robin::assign(partitions_per_topic, members)
}

// RoundRobinAssignorTest.testOneConsumerNoTopic
#[test]
fn round_robin_gives_a_member_without_topics_an_empty_assignment() {
    let assignment = assign(&VecMap::new(), &[member("consumer", &[])]);
    assert_eq!(assignment.keys().collect::<Vec<_>>(), vec!["consumer"]);
    assert!(assignment["consumer"].is_empty());
}

// RoundRobinAssignorTest.testOneConsumerNonexistentTopic
#[test]
fn round_robin_ignores_a_subscribed_topic_that_does_not_exist() {
    let assignment = assign(&VecMap::new(), &[member("consumer", &["topic"])]);
    assert_eq!(assignment.keys().collect::<Vec<_>>(), vec!["consumer"]);
    assert!(assignment["consumer"].is_empty());
}

// RoundRobinAssignorTest.testOneConsumerOneTopic
#[test]
fn round_robin_gives_a_single_member_every_partition() {
    let topics = partitions_per_topic(&[("topic", 3)]);
    let assignment = assign(&topics, &[member("consumer", &["topic"])]);
    assert_eq!(
        assignment["consumer"],
        partitions(&[("topic", 0), ("topic", 1), ("topic", 2)])
    );
}

// RoundRobinAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics
#[test]
fn round_robin_only_assigns_partitions_of_subscribed_topics() {
    let topics = partitions_per_topic(&[("topic", 3), ("other", 3)]);
    let assignment = assign(&topics, &[member("consumer", &["topic"])]);
    assert_eq!(
        assignment["consumer"],
        partitions(&[("topic", 0), ("topic", 1), ("topic", 2)])
    );
}

// RoundRobinAssignorTest.testOneConsumerMultipleTopics
#[test]
fn round_robin_gives_a_single_member_all_partitions_of_all_its_topics() {
    let topics = partitions_per_topic(&[("topic1", 1), ("topic2", 2)]);
    let assignment = assign(&topics, &[member("consumer", &["topic1", "topic2"])]);
    assert_eq!(
        assignment["consumer"],
        partitions(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
    );
}

// RoundRobinAssignorTest.testTwoConsumersOneTopicOnePartition
#[test]
fn round_robin_leaves_the_second_member_empty_with_one_partition() {
    let topics = partitions_per_topic(&[("topic", 1)]);
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(assignment["consumer1"], partitions(&[("topic", 0)]));
    assert!(assignment["consumer2"].is_empty());
}

// RoundRobinAssignorTest.testTwoConsumersOneTopicTwoPartitions
#[test]
fn round_robin_gives_two_members_one_partition_each() {
    let topics = partitions_per_topic(&[("topic", 2)]);
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(assignment["consumer1"], partitions(&[("topic", 0)]));
    assert_eq!(assignment["consumer2"], partitions(&[("topic", 1)]));
}

// RoundRobinAssignorTest.testMultipleConsumersMixedTopics
#[test]
fn round_robin_skips_members_not_subscribed_to_the_topic() {
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

// RoundRobinAssignorTest.testTwoDynamicConsumersTwoTopicsSixPartitions
#[test]
fn round_robin_deals_partitions_alternately_across_topics() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let members = [
        member("consumer1", &["topic1", "topic2"]),
        member("consumer2", &["topic1", "topic2"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment["consumer1"],
        partitions(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        assignment["consumer2"],
        partitions(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

// RoundRobinAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions
#[test]
fn round_robin_orders_static_members_by_group_instance_id_not_member_id() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let members = [
        static_member("consumer-b", "instance1", &["topic1", "topic2"]),
        static_member("consumer-a", "instance2", &["topic1", "topic2"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment["consumer-b"],
        partitions(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        assignment["consumer-a"],
        partitions(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

// RoundRobinAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions
#[test]
fn round_robin_puts_static_members_before_dynamic_ones() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let members = [
        static_member("consumer-b", "instance1", &["topic1", "topic2"]),
        member("consumer-a", &["topic1", "topic2"]),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment["consumer-b"],
        partitions(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        assignment["consumer-a"],
        partitions(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

// RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistent
#[test]
fn round_robin_keeps_static_members_assignments_when_a_dynamic_member_is_replaced() {
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let both = ["topic1", "topic2"];
    let mut members = vec![
        static_member("consumer1", "instance1", &both),
        static_member("consumer2", "instance2", &both),
        static_member("consumer3", "instance3", &both),
        member("consumer4", &both),
    ];
    let mut expected: GroupAssignment = [
        ("consumer1", partitions(&[("topic1", 0), ("topic2", 1)])),
        ("consumer2", partitions(&[("topic1", 1), ("topic2", 2)])),
        ("consumer3", partitions(&[("topic1", 2)])),
        ("consumer4", partitions(&[("topic2", 0)])),
    ]
    .into_iter()
    .map(|(id, partitions)| (id.to_string(), partitions))
    .collect();
    assert_eq!(assign(&topics, &members), expected);

    members.pop();
    members.push(member("consumer5", &both));
    expected.remove("consumer4");
    expected.insert("consumer5".to_string(), partitions(&[("topic2", 0)]));
    assert_eq!(assign(&topics, &members), expected);
}

// RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges
#[test]
fn round_robin_assignment_follows_group_instance_id_when_member_ids_change() {
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
            partitions(&[("topic1", 0), ("topic1", 3), ("topic2", 1), ("topic2", 4)]),
        ),
        (
            "instance2",
            partitions(&[("topic1", 1), ("topic1", 4), ("topic2", 2)]),
        ),
        (
            "instance3",
            partitions(&[("topic1", 2), ("topic2", 0), ("topic2", 3)]),
        ),
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
