//! Property tests over random groups, in the spirit of Kafka's randomized
//! `AbstractStickyAssignorTest.testReassignmentWithRandomSubscriptionsAndChanges` and
//! `testLargeAssignmentWithMultipleConsumersLeavingAndRandomSubscription`.

use kplay_core::vec_map::VecMap;

use kplay_core::group::assignor::{assign, GroupAssignment, MemberSubscription};
use kplay_core::kinds::AssignorKind;
use kplay_core::TopicPartition;
use proptest::prelude::*;
use proptest::sample::subsequence;

use crate::helpers::*;

const TOPICS: [&str; 5] = ["t0", "t1", "t2", "t3", "t4"];

/// Partition counts for some of [`TOPICS`] (a missing topic does not exist; 0 partitions is
/// allowed).
fn partitions_per_topic_strategy() -> impl Strategy<Value = VecMap<String, i32>> {
    prop::collection::vec(prop::option::of(0..7_i32), TOPICS.len()).prop_map(|counts| {
        TOPICS
            .iter()
            .zip(counts)
            .filter_map(|(topic, count)| Some((topic.to_string(), count?)))
            .collect()
    })
}

/// A subscription to some of [`TOPICS`].
fn topics_strategy() -> impl Strategy<Value = Vec<String>> {
    subsequence(TOPICS.to_vec(), 0..=TOPICS.len())
        .prop_map(|topics| topics.into_iter().map(str::to_string).collect())
}

/// Fresh members `m0`, `m1`, ... (owning nothing), some static.
fn members_strategy(max: usize) -> impl Strategy<Value = Vec<MemberSubscription>> {
    prop::collection::vec((topics_strategy(), any::<bool>()), 1..=max).prop_map(|members| {
        members
            .into_iter()
            .enumerate()
            .map(|(index, (topics, is_static))| MemberSubscription {
                member_id: format!("m{index}"),
                group_instance_id: is_static.then(|| format!("instance-{}", 9 - index)),
                topics,
                ..MemberSubscription::default()
            })
            .collect()
    })
}

/// Every member is present, subscribes to the topics of its partitions, and no partition is
/// assigned twice.
fn assert_valid(members: &[MemberSubscription], assignment: &GroupAssignment) {
    let ids: Vec<&String> = assignment.keys().collect();
    let mut expected_ids: Vec<&String> = members.iter().map(|m| &m.member_id).collect();
    expected_ids.sort();
    expected_ids.dedup();
    assert_eq!(ids, expected_ids, "every member present");
    let mut seen: Vec<&TopicPartition> = Vec::new();
    for member in members {
        for partition in &assignment[&member.member_id] {
            assert!(
                member.topics.contains(&partition.topic),
                "{partition} to {} which does not subscribe to it: {assignment:?}",
                member.member_id
            );
        }
    }
    for partitions in assignment.values() {
        for partition in partitions {
            assert!(
                !seen.contains(&partition),
                "{partition} assigned twice: {assignment:?}"
            );
            seen.push(partition);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_assignor_gives_each_subscribed_partition_to_exactly_one_subscriber(
        topics in partitions_per_topic_strategy(),
        members in members_strategy(7),
    ) {
        for kind in AssignorKind::ALL {
            let assignment = assign(*kind, &topics, &members);
            assert_valid(&members, &assignment);
            assert_complete(&topics, &members, &assignment);
        }
    }

    #[test]
    fn balanced_assignors_differ_by_at_most_one_when_all_share_a_subscription(
        topics in partitions_per_topic_strategy(),
        subscription in topics_strategy(),
        member_count in 1..9_usize,
    ) {
        let members: Vec<MemberSubscription> = (0..member_count)
            .map(|index| MemberSubscription {
                member_id: format!("consumer-{index}"),
                topics: subscription.clone(),
                ..MemberSubscription::default()
            })
            .collect();
        for kind in [AssignorKind::RoundRobin, AssignorKind::Sticky, AssignorKind::CooperativeSticky] {
            let assignment = assign(kind, &topics, &members);
            assert_complete(&topics, &members, &assignment);
            prop_assert!(is_fully_balanced(&assignment), "{kind}: {assignment:?}");
        }
    }

    #[test]
    fn range_and_round_robin_do_not_depend_on_the_order_members_joined(
        topics in partitions_per_topic_strategy(),
        members in members_strategy(7),
    ) {
        let mut reversed = members.clone();
        reversed.reverse();
        for kind in [AssignorKind::Range, AssignorKind::RoundRobin] {
            prop_assert_eq!(assign(kind, &topics, &members), assign(kind, &topics, &reversed));
        }
    }

    // AbstractStickyAssignorTest.testReassignmentWithRandomSubscriptionsAndChanges
    #[test]
    fn sticky_assignors_stay_valid_balanced_and_sticky_as_the_group_changes(
        topics in partitions_per_topic_strategy(),
        members in members_strategy(7),
        leaving in prop::collection::vec(any::<bool>(), 7),
        new_subscriptions in prop::collection::vec(prop::option::of(topics_strategy()), 7),
        joining in members_strategy(3),
    ) {
        for kind in [AssignorKind::Sticky, AssignorKind::CooperativeSticky] {
            let (members, first) = assign_and_verify(kind, &topics, &members);
            let mut next_members: Vec<MemberSubscription> =
                owning_assignment(&members, &first, GENERATION_ID)
                    .into_iter()
                    .zip(&leaving)
                    .filter(|(_, leaves)| !**leaves)
                    .map(|(member, _)| member)
                    .zip(&new_subscriptions)
                    .map(|(member, topics)| MemberSubscription {
                        topics: topics.clone().unwrap_or(member.topics.clone()),
                        ..member
                    })
                    .collect();
            next_members.extend(joining.iter().map(|member| MemberSubscription {
                member_id: format!("joined-{}", member.member_id),
                ..member.clone()
            }));
            let next = assign(kind, &topics, &next_members);
            assert_valid(&next_members, &next);
            if kind == AssignorKind::Sticky {
                assert_complete(&topics, &next_members, &next);
                prop_assert!(is_sticky(&next_members, &next), "{next_members:?} -> {next:?}");
            }
            let (final_members, last) = verify(kind, &topics, &next_members, next);
            assert_complete(&topics, &final_members, &last);
        }
    }

    #[test]
    fn sticky_assignors_survive_arbitrary_ownership_claims(
        topics in partitions_per_topic_strategy(),
        members in members_strategy(6),
        claims in prop::collection::vec(
            (prop::collection::vec((0..TOPICS.len(), -1..9_i32), 0..8), prop::option::of(-2..4_i32)),
            6,
        ),
    ) {
        let members: Vec<MemberSubscription> = members
            .into_iter()
            .zip(claims)
            .map(|(member, (owned, generation))| MemberSubscription {
                owned_partitions: owned
                    .into_iter()
                    .map(|(topic, partition)| TopicPartition::new(TOPICS[topic], partition))
                    .collect(),
                generation,
                ..member
            })
            .collect();
        let sticky = assign(AssignorKind::Sticky, &topics, &members);
        assert_valid(&members, &sticky);
        assert_complete(&topics, &members, &sticky);
        let cooperative = assign(AssignorKind::CooperativeSticky, &topics, &members);
        assert_valid(&members, &cooperative);
        let (final_members, last) = verify(AssignorKind::CooperativeSticky, &topics, &members, cooperative);
        assert_complete(&topics, &final_members, &last);
    }
}
