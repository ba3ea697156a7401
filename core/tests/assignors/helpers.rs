//! Builders for subscriptions and ports of Kafka's assignment checks.

#![allow(dead_code)]

use kplay_core::vec_map::{VecMap, VecSet};

use kplay_core::group::assignor::{assign, GroupAssignment, MemberSubscription};
use kplay_core::kinds::AssignorKind;
use kplay_core::TopicPartition;

/// The generation Kafka's sticky tests give owned partitions (`generationId = 1`).
pub const GENERATION_ID: i32 = 1;

/// `new TopicPartition(topic, partition)`.
pub fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

/// A sorted list of partitions, as the assignors return them.
pub fn partitions(list: &[(&str, i32)]) -> Vec<TopicPartition> {
    let mut partitions: Vec<TopicPartition> = list.iter().map(|(t, p)| tp(t, *p)).collect();
    partitions.sort();
    partitions
}

/// `partitionsPerTopic`.
pub fn partitions_per_topic(counts: &[(&str, i32)]) -> VecMap<String, i32> {
    counts
        .iter()
        .map(|(topic, count)| (topic.to_string(), *count))
        .collect()
}

/// `new Subscription(topics)`: a dynamic member that owns nothing.
pub fn member(member_id: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription {
        member_id: member_id.to_string(),
        topics: topics.iter().map(|topic| topic.to_string()).collect(),
        ..MemberSubscription::default()
    }
}

/// A subscription with `setGroupInstanceId(instance)`.
pub fn static_member(member_id: &str, instance_id: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription {
        group_instance_id: Some(instance_id.to_string()),
        ..member(member_id, topics)
    }
}

/// `buildSubscriptionV2Above(topics, owned, generation)`.
pub fn owning(
    member_id: &str,
    topics: &[&str],
    owned: &[TopicPartition],
    generation: i32,
) -> MemberSubscription {
    MemberSubscription {
        owned_partitions: owned.to_vec(),
        generation: Some(generation),
        ..member(member_id, topics)
    }
}

/// The next round's subscriptions: every member owns what it was just assigned, in
/// `generation` (what Kafka's tests build with `buildSubscriptionV2Above`).
pub fn owning_assignment(
    members: &[MemberSubscription],
    assignment: &GroupAssignment,
    generation: i32,
) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|member| MemberSubscription {
            owned_partitions: assignment
                .get(&member.member_id)
                .cloned()
                .unwrap_or_default(),
            generation: Some(generation),
            ..member.clone()
        })
        .collect()
}

/// `AbstractStickyAssignorTest.isFullyBalanced`: sizes differ by at most one.
pub fn is_fully_balanced(assignment: &GroupAssignment) -> bool {
    let sizes = assignment.values().map(Vec::len);
    match (sizes.clone().min(), sizes.max()) {
        (Some(min), Some(max)) => max - min <= 1,
        _ => true,
    }
}

/// `AbstractStickyAssignorTest.verifyValidityAndBalance`: every member subscribes to the topics
/// of its partitions, no partition goes to two members, and two members whose sizes differ by
/// more than one share no topic (else a partition could have moved for a better balance).
pub fn verify_validity_and_balance(members: &[MemberSubscription], assignment: &GroupAssignment) {
    assert_eq!(
        members.len(),
        assignment.len(),
        "one entry per member: {assignment:?}"
    );
    let consumers: Vec<&String> = assignment.keys().collect();
    for (i, consumer) in consumers.iter().enumerate() {
        let partitions = &assignment[*consumer];
        let subscription = members
            .iter()
            .find(|member| &member.member_id == *consumer)
            .expect("assigned member is a member");
        for partition in partitions {
            assert!(
                subscription.topics.contains(&partition.topic),
                "{partition} is assigned to {consumer}, which does not subscribe to it: {assignment:?}"
            );
        }
        for other_consumer in &consumers[i + 1..] {
            let other_partitions = &assignment[*other_consumer];
            let common: Vec<&TopicPartition> = partitions
                .iter()
                .filter(|partition| other_partitions.contains(partition))
                .collect();
            assert!(
                common.is_empty(),
                "{consumer} and {other_consumer} share {common:?}: {assignment:?}"
            );
            if partitions.len().abs_diff(other_partitions.len()) <= 1 {
                continue;
            }
            let other_topics: VecSet<&str> =
                other_partitions.iter().map(|p| p.topic.as_str()).collect();
            for partition in partitions {
                assert!(
                    !other_topics.contains(partition.topic.as_str()),
                    "some partitions can move between {consumer} and {other_consumer} for a better balance: {assignment:?}"
                );
            }
        }
    }
}

/// Every partition of every topic some member subscribes to is assigned to exactly one member.
pub fn assert_complete(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
    assignment: &GroupAssignment,
) {
    let mut assigned: Vec<&TopicPartition> = assignment.values().flatten().collect();
    assigned.sort();
    let mut expected: Vec<TopicPartition> = subscribed_partitions(partitions_per_topic, members);
    expected.sort();
    assert_eq!(
        assigned,
        expected.iter().collect::<Vec<_>>(),
        "every subscribed partition exactly once"
    );
}

/// The partitions of the topics some member subscribes to.
pub fn subscribed_partitions(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> Vec<TopicPartition> {
    let topics: VecSet<&String> = members.iter().flat_map(|member| &member.topics).collect();
    topics
        .into_iter()
        .flat_map(|topic| {
            let count = partitions_per_topic.get(topic).copied().unwrap_or(0);
            (0..count).map(move |partition| tp(topic, partition))
        })
        .collect()
}

/// `AbstractStickyAssignor.isSticky`, checked from outside: within a topic, no partition moved
/// from member A to member B while another moved from B to A (a move of length-2 cycle), which
/// a sticky reassignment never needs. `previous` is what each member owned before.
pub fn is_sticky(members: &[MemberSubscription], assignment: &GroupAssignment) -> bool {
    let mut previous_owner: VecMap<&TopicPartition, &str> = VecMap::new();
    for member in members {
        for partition in &member.owned_partitions {
            previous_owner.insert(partition, &member.member_id);
        }
    }
    let mut moves: VecSet<(&str, &str, &str)> = VecSet::new();
    for (consumer, partitions) in assignment {
        for partition in partitions {
            if let Some(previous) = previous_owner.get(partition) {
                if *previous != consumer.as_str() {
                    moves.insert((partition.topic.as_str(), previous, consumer.as_str()));
                }
            }
        }
    }
    moves
        .iter()
        .all(|(topic, from, to)| !moves.contains(&(topic, to, from)))
}

/// Runs an assignor and, for `CooperativeStickyAssignor`, the follow-up rebalances Kafka's
/// `CooperativeStickyAssignorTest.verifyValidityAndBalance` runs: while a rebalance revokes
/// something, no revoked partition may be handed to another member in the same rebalance, and
/// members rejoin owning what they got. Then `verifyValidityAndBalance` on the final result.
/// Returns the final members and assignment.
pub fn assign_and_verify(
    kind: AssignorKind,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) -> (Vec<MemberSubscription>, GroupAssignment) {
    let assignment = assign(kind, partitions_per_topic, members);
    verify(kind, partitions_per_topic, members, assignment)
}

/// The verification half of [`assign_and_verify`], for an assignment already made.
pub fn verify(
    kind: AssignorKind,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
    mut assignment: GroupAssignment,
) -> (Vec<MemberSubscription>, GroupAssignment) {
    let mut members = members.to_vec();
    if kind == AssignorKind::CooperativeSticky {
        let mut rebalances = 0;
        while verify_cooperative_validity(&members, &assignment) {
            members = owning_assignment(&members, &assignment, GENERATION_ID);
            assignment = assign(kind, partitions_per_topic, &members);
            rebalances += 1;
            assert!(rebalances <= 4, "cooperative rebalances do not settle");
        }
    }
    verify_validity_and_balance(&members, &assignment);
    (members, assignment)
}

/// `CooperativeStickyAssignorTest.verifyCooperativeValidity`: no partition is both revoked from
/// one member and added to another; returns whether anything is revoked (a follow-up rebalance
/// will happen).
pub fn verify_cooperative_validity(
    members: &[MemberSubscription],
    assignment: &GroupAssignment,
) -> bool {
    let mut added: VecSet<&TopicPartition> = VecSet::new();
    let mut revoked: VecSet<&TopicPartition> = VecSet::new();
    for member in members {
        let assigned = assignment
            .get(&member.member_id)
            .map_or(&[][..], Vec::as_slice);
        revoked.extend(
            member
                .owned_partitions
                .iter()
                .filter(|p| !assigned.contains(p)),
        );
        added.extend(
            assigned
                .iter()
                .filter(|p| !member.owned_partitions.contains(p)),
        );
    }
    let both: Vec<_> = added.intersection(&revoked).collect();
    assert!(
        both.is_empty(),
        "partitions assigned to a new member while being revoked: {both:?}"
    );
    !revoked.is_empty()
}

/// The partitions of `topic` in an assignment list.
pub fn count_of_topic(partitions: &[TopicPartition], topic: &str) -> usize {
    partitions
        .iter()
        .filter(|partition| partition.topic == topic)
        .count()
}

/// Kafka's `getTopicName`/`getConsumerName`: a prefix and a zero-padded number as wide as
/// `max`.
pub fn canonical_name(prefix: &str, index: usize, max: usize) -> String {
    let width = max.to_string().len();
    format!("{prefix}{index:0width$}")
}

/// Kafka's `assertTrue(assignor.partitionsTransferringOwnership.isEmpty())`, seen from outside:
/// the cooperative assignor holds nothing back, so it assigns exactly what the eager one does.
pub fn assert_no_partitions_transferring_ownership(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
) {
    assert_eq!(
        assign(
            AssignorKind::CooperativeSticky,
            partitions_per_topic,
            members
        ),
        assign(AssignorKind::Sticky, partitions_per_topic, members),
        "no partition should be transferring ownership"
    );
}

/// Kafka's `assertEquals(expected, assignor.partitionsTransferringOwnership)`, seen from
/// outside: the eager assignor hands each of these partitions to its new owner at once; the
/// cooperative one leaves them unassigned in this rebalance and is otherwise the same.
pub fn assert_partitions_transferring_ownership(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[MemberSubscription],
    transferring: &[(TopicPartition, &str)],
) {
    let eager = assign(AssignorKind::Sticky, partitions_per_topic, members);
    let mut expected_cooperative = eager.clone();
    for (partition, new_owner) in transferring {
        let assigned = expected_cooperative
            .get_mut(*new_owner)
            .expect("new owner is a member");
        let position = assigned
            .iter()
            .position(|assigned| assigned == partition)
            .unwrap_or_else(|| panic!("{partition} should go to {new_owner}: {eager:?}"));
        assigned.remove(position);
    }
    assert_eq!(
        assign(
            AssignorKind::CooperativeSticky,
            partitions_per_topic,
            members
        ),
        expected_cooperative
    );
}

/// Shorthand for an expected assignment.
pub fn expected(entries: &[(&str, &[(&str, i32)])]) -> GroupAssignment {
    entries
        .iter()
        .map(|(member, list)| (member.to_string(), partitions(list)))
        .collect()
}
