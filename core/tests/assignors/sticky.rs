//! `AbstractStickyAssignorTest`, which Kafka runs for both `StickyAssignorTest` and
//! `CooperativeStickyAssignorTest` (each test here runs for both assignors), and the tests only
//! `StickyAssignorTest` has.
//!
//! For the cooperative assignor, Kafka's overridden `verifyValidityAndBalance` runs the
//! follow-up rebalances and replaces the assignment with the final one before the test's
//! exact assertions; [`verify`] does the same.

use kplay_core::vec_map::VecSet;

use kplay_core::group::assignor::{assign, MemberSubscription};
use kplay_core::kinds::AssignorKind;

use crate::helpers::*;

/// Runs a ported `AbstractStickyAssignorTest` method once per sticky assignor, as Kafka's two
/// subclasses do.
macro_rules! for_both_sticky_assignors {
    ($name:ident, |$kind:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn check($kind: AssignorKind) $body

            #[test]
            fn sticky() {
                check(AssignorKind::Sticky);
            }

            #[test]
            fn cooperative_sticky() {
                check(AssignorKind::CooperativeSticky);
            }
        }
    };
}

// AbstractStickyAssignorTest.testOneConsumerNoTopic
for_both_sticky_assignors!(a_member_without_topics_gets_nothing, |kind| {
    let members = [member("consumer", &[])];
    let topics = partitions_per_topic(&[]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(assignment, expected(&[("consumer", &[])]));
    assert!(is_fully_balanced(&assignment));
});

// AbstractStickyAssignorTest.testOneConsumerNonexistentTopic
for_both_sticky_assignors!(a_topic_without_partitions_gives_nothing, |kind| {
    let members = [member("consumer", &["topic"])];
    let topics = partitions_per_topic(&[("topic", 0)]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(assignment, expected(&[("consumer", &[])]));
});

// AbstractStickyAssignorTest.testOneConsumerOneTopic
for_both_sticky_assignors!(one_member_takes_every_partition, |kind| {
    let members = [member("consumer", &["topic"])];
    let topics = partitions_per_topic(&[("topic", 3)]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment["consumer"],
        partitions(&[("topic", 0), ("topic", 1), ("topic", 2)])
    );
    assert_no_partitions_transferring_ownership(&topics, &members);
});

// AbstractStickyAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics
for_both_sticky_assignors!(
    owned_partitions_of_unsubscribed_topics_are_dropped,
    |kind| {
        let owned = [
            tp("topic", 0),
            tp("topic", 1),
            tp("other", 0),
            tp("other", 1),
        ];
        let members = [owning("consumer", &["topic"], &owned, GENERATION_ID)];
        let topics = partitions_per_topic(&[("topic", 2)]);
        let (_, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment["consumer"],
            partitions(&[("topic", 0), ("topic", 1)])
        );
        assert_no_partitions_transferring_ownership(&topics, &members);
        assert!(is_fully_balanced(&assignment));
    }
);

// AbstractStickyAssignorTest.testOneConsumerMultipleTopics
for_both_sticky_assignors!(one_member_takes_every_topic, |kind| {
    let members = [member("consumer", &["topic1", "topic2"])];
    let topics = partitions_per_topic(&[("topic1", 1), ("topic2", 2)]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment["consumer"],
        partitions(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
    );
});

// AbstractStickyAssignorTest.testTwoConsumersOneTopicOnePartition
for_both_sticky_assignors!(one_partition_goes_to_exactly_one_of_two_members, |kind| {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let topics = partitions_per_topic(&[("topic", 1)]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(assignment.values().flatten().count(), 1);
    assert!(is_fully_balanced(&assignment));
    assert_no_partitions_transferring_ownership(&topics, &members);
});

// AbstractStickyAssignorTest.testTwoConsumersOneTopicTwoPartitions
for_both_sticky_assignors!(two_members_get_one_partition_each, |kind| {
    let members = [
        member("consumer1", &["topic"]),
        member("consumer2", &["topic"]),
    ];
    let topics = partitions_per_topic(&[("topic", 2)]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 0)]),
            ("consumer2", &[("topic", 1)])
        ])
    );
});

// AbstractStickyAssignorTest.testMultipleConsumersMixedTopicSubscriptions
for_both_sticky_assignors!(
    mixed_subscriptions_are_balanced_by_the_general_algorithm,
    |kind| {
        let members = [
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ];
        let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 2)]);
        let (_, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment,
            expected(&[
                ("consumer1", &[("topic1", 0), ("topic1", 2)]),
                ("consumer2", &[("topic2", 0), ("topic2", 1)]),
                ("consumer3", &[("topic1", 1)]),
            ])
        );
        assert!(is_fully_balanced(&assignment));
    }
);

// AbstractStickyAssignorTest.testTwoConsumersTwoTopicsSixPartitions
for_both_sticky_assignors!(equal_subscriptions_are_dealt_round_robin, |kind| {
    let both = ["topic1", "topic2"];
    let members = [member("consumer1", &both), member("consumer2", &both)];
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 3)]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ])
    );
});

// AbstractStickyAssignorTest.testConsumerOwningMinQuotaExpectedMaxQuota
for_both_sticky_assignors!(a_member_at_min_quota_takes_the_extra_partition, |kind| {
    let both = ["topic1", "topic2"];
    let members = [
        owning(
            "consumer1",
            &both,
            &[tp("topic1", 0), tp("topic2", 1)],
            GENERATION_ID,
        ),
        owning(
            "consumer2",
            &both,
            &[tp("topic1", 1), tp("topic2", 2)],
            GENERATION_ID,
        ),
    ];
    let topics = partitions_per_topic(&[("topic1", 2), ("topic2", 3)]);
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0), ("topic2", 1), ("topic2", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 2)]),
        ])
    );
    assert!(is_fully_balanced(&assignment));
});

// AbstractStickyAssignorTest.testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers
//
// Which of consumer1 and consumer2 keeps two partitions depends on the order Java's HashMap
// iterates them (consumer2 first): consumer1 gives up topic2-0.
for_both_sticky_assignors!(only_the_expected_number_of_members_keep_max_quota, |kind| {
    let both = ["topic1", "topic2"];
    let members = [
        owning(
            "consumer1",
            &both,
            &[tp("topic1", 0), tp("topic2", 0)],
            GENERATION_ID,
        ),
        owning(
            "consumer2",
            &both,
            &[tp("topic1", 1), tp("topic2", 1)],
            GENERATION_ID,
        ),
        owning("consumer3", &both, &[], GENERATION_ID),
    ];
    let topics = partitions_per_topic(&[("topic1", 2), ("topic2", 2)]);
    assert_partitions_transferring_ownership(&topics, &members, &[(tp("topic2", 0), "consumer3")]);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 1)]),
            ("consumer3", &[("topic2", 0)]),
        ])
    );
    assert!(is_fully_balanced(&assignment));
});

// AbstractStickyAssignorTest.testAllConsumersAreUnderMinQuota
for_both_sticky_assignors!(members_under_min_quota_are_filled_first, |kind| {
    let both = ["topic1", "topic2"];
    let members = [
        owning("consumer1", &both, &[tp("topic1", 0)], GENERATION_ID),
        owning("consumer2", &both, &[tp("topic1", 1)], GENERATION_ID),
        owning("consumer3", &both, &[], GENERATION_ID),
    ];
    let topics = partitions_per_topic(&[("topic1", 2), ("topic2", 3)]);
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 2)]),
            ("consumer3", &[("topic2", 0)]),
        ])
    );
});

// AbstractStickyAssignorTest.testAddRemoveConsumerOneTopic
for_both_sticky_assignors!(
    a_joining_member_takes_one_partition_and_gives_it_back_on_leaving,
    |kind| {
        let topics = partitions_per_topic(&[("topic", 3)]);
        let members = [member("consumer1", &["topic"])];
        let (members, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment["consumer1"],
            partitions(&[("topic", 0), ("topic", 1), ("topic", 2)])
        );

        let mut members = owning_assignment(&members, &assignment, GENERATION_ID);
        members.push(owning("consumer2", &["topic"], &[], GENERATION_ID));
        assert_partitions_transferring_ownership(
            &topics,
            &members,
            &[(tp("topic", 2), "consumer2")],
        );
        let (members, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment,
            expected(&[
                ("consumer1", &[("topic", 0), ("topic", 1)]),
                ("consumer2", &[("topic", 2)]),
            ])
        );

        let members = owning_assignment(&members[1..], &assignment, GENERATION_ID);
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (_, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment["consumer2"],
            partitions(&[("topic", 0), ("topic", 1), ("topic", 2)])
        );
    }
);

// AbstractStickyAssignorTest.testTopicBalanceAfterReassignment
for_both_sticky_assignors!(
    every_member_keeps_an_even_share_of_each_topic_as_the_group_changes,
    |kind| {
        let both = ["topic1", "topic2"];
        let topics = partitions_per_topic(&[("topic1", 12), ("topic2", 12)]);
        let per_topic = |assignment: &kplay_core::group::assignor::GroupAssignment,
                         count: usize| {
            for assigned in assignment.values() {
                assert_eq!(count_of_topic(assigned, "topic1"), count);
                assert_eq!(count_of_topic(assigned, "topic2"), count);
            }
        };
        let (members, assignment) = assign_and_verify(kind, &topics, &[member("consumer1", &both)]);
        per_topic(&assignment, 12);

        let mut members = owning_assignment(&members, &assignment, GENERATION_ID);
        members.push(owning("consumer2", &both, &[], GENERATION_ID));
        let (members, assignment) = assign_and_verify(kind, &topics, &members);
        per_topic(&assignment, 6);

        let mut members = owning_assignment(&members, &assignment, GENERATION_ID);
        members.push(owning("consumer3", &both, &[], GENERATION_ID));
        members.push(owning("consumer4", &both, &[], GENERATION_ID));
        let (members, assignment) = assign_and_verify(kind, &topics, &members);
        per_topic(&assignment, 3);

        let members = owning_assignment(&members[2..], &assignment, GENERATION_ID);
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (_, assignment) = assign_and_verify(kind, &topics, &members);
        per_topic(&assignment, 6);
        assert!(is_fully_balanced(&assignment));
    }
);

// AbstractStickyAssignorTest.testAddRemoveTwoConsumersTwoTopics
for_both_sticky_assignors!(two_members_join_and_leave_keeping_what_they_can, |kind| {
    let both = ["topic1", "topic2"];
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 4)]);
    let members = [member("consumer1", &both), member("consumer2", &both)];
    let (members, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            (
                "consumer1",
                &[("topic1", 0), ("topic1", 2), ("topic2", 1), ("topic2", 3)]
            ),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ])
    );

    let mut members = owning_assignment(&members, &assignment, GENERATION_ID);
    members.push(owning("consumer3", &both, &[], GENERATION_ID));
    members.push(owning("consumer4", &both, &[], GENERATION_ID));
    assert_partitions_transferring_ownership(
        &topics,
        &members,
        &[
            (tp("topic1", 2), "consumer3"),
            (tp("topic2", 3), "consumer3"),
            (tp("topic2", 2), "consumer4"),
        ],
    );
    let (members, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic2", 0), ("topic1", 1)]),
            ("consumer3", &[("topic1", 2), ("topic2", 3)]),
            ("consumer4", &[("topic2", 2)]),
        ])
    );

    let members = owning_assignment(&members[2..], &assignment, GENERATION_ID);
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            (
                "consumer3",
                &[("topic1", 2), ("topic2", 3), ("topic1", 0), ("topic2", 1)]
            ),
            ("consumer4", &[("topic2", 2), ("topic1", 1), ("topic2", 0)]),
        ])
    );
});

// AbstractStickyAssignorTest.testPoorRoundRobinAssignmentScenario
for_both_sticky_assignors!(balances_where_round_robin_does_poorly, |kind| {
    let topics = partitions_per_topic(&[
        ("topic1", 2),
        ("topic2", 1),
        ("topic3", 2),
        ("topic4", 1),
        ("topic5", 2),
    ]);
    let all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
    let odd = ["topic1", "topic3", "topic5"];
    let members = [
        member("consumer1", &all),
        member("consumer2", &odd),
        member("consumer3", &odd),
        member("consumer4", &all),
    ];
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert!(assignment.values().all(|assigned| assigned.len() == 2));
});

// AbstractStickyAssignorTest.testAddRemoveTopicTwoConsumers
for_both_sticky_assignors!(
    adding_and_removing_a_topic_keeps_existing_partitions,
    |kind| {
        let mut topics = partitions_per_topic(&[("topic", 3)]);
        let members = [
            member("consumer1", &["topic"]),
            member("consumer2", &["topic"]),
        ];
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (members, first) = assign_and_verify(kind, &topics, &members);
        assert!(is_fully_balanced(&first));

        topics.insert("topic2".to_string(), 3);
        let members: Vec<MemberSubscription> = owning_assignment(&members, &first, GENERATION_ID)
            .into_iter()
            .map(|member| MemberSubscription {
                topics: vec!["topic".to_string(), "topic2".to_string()],
                ..member
            })
            .collect();
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (members, second) = assign_and_verify(kind, &topics, &members);
        assert!(second.values().all(|assigned| assigned.len() == 3));
        for (consumer, assigned) in &first {
            assert!(
                first[consumer]
                    .iter()
                    .all(|partition| second[consumer].contains(partition)),
                "{assigned:?}"
            );
        }

        topics.remove("topic");
        let members: Vec<MemberSubscription> = owning_assignment(&members, &second, GENERATION_ID)
            .into_iter()
            .map(|member| MemberSubscription {
                topics: vec!["topic2".to_string()],
                ..member
            })
            .collect();
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (_, third) = assign_and_verify(kind, &topics, &members);
        assert!(is_fully_balanced(&third));
        for (consumer, assigned) in &third {
            assert!(assigned
                .iter()
                .all(|partition| second[consumer].contains(partition)));
        }
    }
);

// AbstractStickyAssignorTest.testReassignmentAfterOneConsumerLeaves
for_both_sticky_assignors!(
    a_member_leaving_a_mixed_group_moves_only_its_partitions,
    |kind| {
        let topic_name = |i: usize| canonical_name("t", i, 20);
        let counts: Vec<(String, i32)> = (1..20)
            .map(|i| (topic_name(i), i32::try_from(i).expect("small")))
            .collect();
        let topics = counts.iter().cloned().collect();
        let members: Vec<MemberSubscription> = (1..20)
            .map(|i| {
                let subscribed: Vec<String> = (1..=i).map(topic_name).collect();
                let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
                member(&canonical_name("c", i, 20), &subscribed)
            })
            .collect();
        let (members, assignment) = assign_and_verify(kind, &topics, &members);

        // Kafka's test removes "consumer10", which is no member's name (they are "c01".."c19"),
        // so nobody leaves there; here "c10" does leave, as the test's name says.
        let members: Vec<MemberSubscription> =
            owning_assignment(&members, &assignment, GENERATION_ID)
                .into_iter()
                .filter(|member| member.member_id != "c10")
                .collect();
        let next = assign(kind, &topics, &members);
        assert!(is_sticky(&members, &next));
        verify(kind, &topics, &members, next);
    }
);

// AbstractStickyAssignorTest.testReassignmentAfterOneConsumerAdded
for_both_sticky_assignors!(a_member_joining_a_fresh_group_is_balanced, |kind| {
    let topics = partitions_per_topic(&[("topic", 20)]);
    let mut members: Vec<MemberSubscription> = (1..10)
        .map(|i| member(&canonical_name("c", i, 10), &["topic"]))
        .collect();
    assert_no_partitions_transferring_ownership(&topics, &members);
    assign_and_verify(kind, &topics, &members);

    members.push(member(&canonical_name("c", 10, 10), &["topic"]));
    assert_no_partitions_transferring_ownership(&topics, &members);
    assign_and_verify(kind, &topics, &members);
});

// AbstractStickyAssignorTest.testSameSubscriptions
for_both_sticky_assignors!(
    a_member_leaving_a_uniform_group_transfers_nothing_owned,
    |kind| {
        let topic_names: Vec<String> = (1..15).map(|i| canonical_name("t", i, 15)).collect();
        let topics = topic_names
            .iter()
            .zip(1..)
            .map(|(name, count)| (name.clone(), count))
            .collect();
        let subscribed: Vec<&str> = topic_names.iter().map(String::as_str).collect();
        let members: Vec<MemberSubscription> = (1..9)
            .map(|i| member(&canonical_name("c", i, 9), &subscribed))
            .collect();
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (members, assignment) = assign_and_verify(kind, &topics, &members);

        let members: Vec<MemberSubscription> =
            owning_assignment(&members, &assignment, GENERATION_ID)
                .into_iter()
                .filter(|member| member.member_id != canonical_name("c", 5, 9))
                .collect();
        assert_no_partitions_transferring_ownership(&topics, &members);
        assign_and_verify(kind, &topics, &members);
    }
);

// AbstractStickyAssignorTest.testNewSubscription
for_both_sticky_assignors!(a_member_subscribing_to_another_topic_stays_valid, |kind| {
    let topics = (1..5).map(|i| (canonical_name("t", i, 5), 1)).collect();
    let mut members: Vec<MemberSubscription> = (0..3)
        .map(|i: usize| {
            // Kafka's `for (int j = i; j <= 3 * i - 2; j++)`.
            let subscribed: Vec<String> = (i..=3 * i)
                .filter(|j| j + 2 <= 3 * i)
                .map(|j| canonical_name("t", j, 5))
                .collect();
            let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
            member(&canonical_name("c", i, 3), &subscribed)
        })
        .collect();
    assign_and_verify(kind, &topics, &members);

    members[0].topics.push(canonical_name("t", 1, 5));
    let next = assign(kind, &topics, &members);
    assert!(is_sticky(&members, &next));
    verify(kind, &topics, &members, next);
});

// AbstractStickyAssignorTest.testMoveExistingAssignments
for_both_sticky_assignors!(
    existing_assignments_move_to_balance_mixed_subscriptions,
    |kind| {
        let topics = (1..=6).map(|i| (format!("topic{i}"), 1)).collect();
        let members = [
            owning(
                "consumer1",
                &["topic1", "topic2"],
                &[tp("topic1", 0)],
                GENERATION_ID,
            ),
            owning(
                "consumer2",
                &["topic1", "topic2", "topic3", "topic4"],
                &[tp("topic2", 0), tp("topic3", 0)],
                GENERATION_ID,
            ),
            owning(
                "consumer3",
                &["topic2", "topic3", "topic4", "topic5", "topic6"],
                &[tp("topic4", 0), tp("topic5", 0), tp("topic6", 0)],
                GENERATION_ID,
            ),
        ];
        assign_and_verify(kind, &topics, &members);
    }
);

// AbstractStickyAssignorTest.testStickiness
for_both_sticky_assignors!(
    members_keep_their_partition_when_the_leader_leaves,
    |kind| {
        let topics = partitions_per_topic(&[("topic1", 3)]);
        let members: Vec<MemberSubscription> = (1..=4)
            .map(|i| member(&format!("consumer{i}"), &["topic1"]))
            .collect();
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (members, first) = assign_and_verify(kind, &topics, &members);
        assert!(first.values().all(|assigned| assigned.len() <= 1));

        let members = owning_assignment(&members[1..], &first, GENERATION_ID);
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (_, second) = assign_and_verify(kind, &topics, &members);
        for (consumer, assigned) in &second {
            assert_eq!(assigned.len(), 1, "{consumer}");
            assert!(
                first[consumer]
                    .iter()
                    .all(|partition| assigned.contains(partition)),
                "stickiness for {consumer}"
            );
        }
    }
);

// AbstractStickyAssignorTest.testAssignmentUpdatedForDeletedTopic
for_both_sticky_assignors!(a_deleted_topic_in_the_subscription_is_ignored, |kind| {
    let topics = partitions_per_topic(&[("topic1", 1), ("topic3", 100)]);
    let members = [member("consumer", &["topic1", "topic2", "topic3"])];
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(assignment["consumer"].len(), 101);
});

// AbstractStickyAssignorTest.testNoExceptionThrownWhenOnlySubscribedTopicDeleted
for_both_sticky_assignors!(
    deleting_the_only_subscribed_topic_leaves_an_empty_assignment,
    |kind| {
        let topics = partitions_per_topic(&[("topic", 3)]);
        let members = [member("consumer", &["topic"])];
        let first = assign(kind, &topics, &members);
        let members = owning_assignment(&members, &first, GENERATION_ID);
        let assignment = assign(kind, &partitions_per_topic(&[]), &members);
        assert_eq!(assignment, expected(&[("consumer", &[])]));
    }
);

// AbstractStickyAssignorTest.testAllConsumersReachExpectedQuotaAndAreConsideredFilled
for_both_sticky_assignors!(members_that_reach_their_quota_are_filled, |kind| {
    let topics = partitions_per_topic(&[("topic", 4)]);
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 1)],
            GENERATION_ID,
        ),
        owning("consumer2", &["topic"], &[tp("topic", 2)], GENERATION_ID),
        owning("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 0), ("topic", 1)]),
            ("consumer2", &[("topic", 2)]),
            ("consumer3", &[("topic", 3)]),
        ])
    );
});

// AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration
for_both_sticky_assignors!(a_stale_generation_loses_its_claim, |kind| {
    let both = ["topic", "topic2"];
    let claimed = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
    let topics = partitions_per_topic(&[("topic", 3), ("topic2", 3)]);
    let members = [
        owning("consumer1", &both, &claimed, 10),
        owning("consumer2", &both, &claimed, 9),
    ];
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 0), ("topic", 2), ("topic2", 1)]),
            ("consumer2", &[("topic", 1), ("topic2", 0), ("topic2", 2)]),
        ])
    );
});

// AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithNoGeneration
for_both_sticky_assignors!(a_claim_without_generation_loses_to_one_with, |kind| {
    let both = ["topic", "topic2"];
    let claimed = [tp("topic", 0), tp("topic", 2), tp("topic2", 1)];
    let topics = partitions_per_topic(&[("topic", 3), ("topic2", 3)]);
    let members = [
        owning("consumer1", &both, &claimed, 10),
        MemberSubscription {
            generation: None,
            ..owning("consumer2", &both, &claimed, 0)
        },
    ];
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 0), ("topic", 2), ("topic2", 1)]),
            ("consumer2", &[("topic", 1), ("topic2", 0), ("topic2", 2)]),
        ])
    );
});

// AbstractStickyAssignorTest.testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration
for_both_sticky_assignors!(
    a_partition_claimed_twice_in_one_generation_transfers,
    |kind| {
        let topics = partitions_per_topic(&[("topic", 3)]);
        let members = [
            owning(
                "consumer1",
                &["topic"],
                &[tp("topic", 0), tp("topic", 1)],
                GENERATION_ID,
            ),
            owning(
                "consumer2",
                &["topic"],
                &[tp("topic", 0), tp("topic", 2)],
                GENERATION_ID,
            ),
            owning("consumer3", &["topic"], &[], GENERATION_ID),
        ];
        assert_partitions_transferring_ownership(
            &topics,
            &members,
            &[(tp("topic", 0), "consumer3")],
        );
        let (_, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment,
            expected(&[
                ("consumer1", &[("topic", 1)]),
                ("consumer2", &[("topic", 2)]),
                ("consumer3", &[("topic", 0)]),
            ])
        );
    }
);

// AbstractStickyAssignorTest.testEnsurePartitionsAssignedToHighestGeneration
for_both_sticky_assignors!(partitions_go_to_the_highest_generation_claim, |kind| {
    let all = ["topic", "topic2", "topic3"];
    let topics = partitions_per_topic(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
    let members = [
        owning(
            "consumer1",
            &all,
            &[tp("topic", 0), tp("topic2", 0), tp("topic3", 0)],
            10,
        ),
        owning(
            "consumer2",
            &all,
            &[tp("topic", 1), tp("topic2", 1), tp("topic3", 1)],
            9,
        ),
        owning(
            "consumer3",
            &all,
            &[tp("topic2", 1), tp("topic3", 0), tp("topic3", 2)],
            8,
        ),
    ];
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 0), ("topic2", 0), ("topic3", 0)]),
            ("consumer2", &[("topic", 1), ("topic2", 1), ("topic3", 1)]),
            ("consumer3", &[("topic", 2), ("topic2", 2), ("topic3", 2)]),
        ])
    );
});

// AbstractStickyAssignorTest.testNoReassignmentOnCurrentMembers
for_both_sticky_assignors!(a_new_member_gets_only_unowned_partitions, |kind| {
    let all = ["topic", "topic2", "topic3", "topic1"];
    let topics = partitions_per_topic(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
    let members = [
        MemberSubscription {
            generation: None,
            ..owning("consumer1", &all, &[], 0)
        },
        owning(
            "consumer2",
            &all,
            &[tp("topic", 0), tp("topic2", 0), tp("topic1", 0)],
            9,
        ),
        owning(
            "consumer3",
            &all,
            &[tp("topic3", 2), tp("topic2", 2), tp("topic1", 1)],
            8,
        ),
        owning(
            "consumer4",
            &all,
            &[tp("topic3", 1), tp("topic", 1), tp("topic", 2)],
            7,
        ),
    ];
    assert_no_partitions_transferring_ownership(&topics, &members);
    let (_, assignment) = assign_and_verify(kind, &topics, &members);
    assert_eq!(
        assignment["consumer1"],
        partitions(&[("topic1", 2), ("topic2", 1), ("topic3", 0)])
    );
    assert!(is_fully_balanced(&assignment));
});

// AbstractStickyAssignorTest.testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration
for_both_sticky_assignors!(
    an_older_generation_keeps_only_unclaimed_partitions,
    |kind| {
        let both = ["topic", "topic2"];
        let topics = partitions_per_topic(&[("topic", 3), ("topic2", 3)]);
        let members = [
            owning(
                "consumer1",
                &both,
                &[tp("topic", 0), tp("topic2", 1), tp("topic", 1)],
                10,
            ),
            owning(
                "consumer2",
                &both,
                &[tp("topic", 0), tp("topic2", 1), tp("topic2", 2)],
                8,
            ),
        ];
        assert_no_partitions_transferring_ownership(&topics, &members);
        let (_, assignment) = assign_and_verify(kind, &topics, &members);
        assert_eq!(
            assignment,
            expected(&[
                ("consumer1", &[("topic", 0), ("topic2", 1), ("topic", 1)]),
                ("consumer2", &[("topic", 2), ("topic2", 2), ("topic2", 0)]),
            ])
        );
    }
);

// AbstractStickyAssignorTest.testSubscriptionNotEqualAndAssignSamePartitionWith3Generation
for_both_sticky_assignors!(
    three_generations_claiming_one_partition_never_duplicate_it,
    |kind| {
        let topics = partitions_per_topic(&[("topic", 6), ("topic1", 1)]);
        for generations in [
            [1, 2, 3],
            [1, 3, 2],
            [2, 1, 3],
            [2, 3, 1],
            [3, 1, 2],
            [3, 2, 1],
        ] {
            let members = [
                owning(
                    "consumer1",
                    &["topic"],
                    &[tp("topic", 0), tp("topic", 2)],
                    generations[0],
                ),
                owning(
                    "consumer2",
                    &["topic"],
                    &[tp("topic", 1), tp("topic", 2), tp("topic", 3)],
                    generations[1],
                ),
                owning(
                    "consumer3",
                    &["topic"],
                    &[tp("topic", 2), tp("topic", 4), tp("topic", 5)],
                    generations[2],
                ),
                owning("consumer4", &["topic1"], &[tp("topic1", 0)], 2),
            ];
            let assignment = assign(kind, &topics, &members);
            let all: Vec<_> = assignment.values().flatten().collect();
            let distinct: VecSet<_> = all.iter().collect();
            assert_eq!(all.len(), distinct.len(), "{generations:?}: {assignment:?}");
            for assigned in assignment.values() {
                assert!(
                    (1..=2).contains(&assigned.len()),
                    "{generations:?}: {assignment:?}"
                );
            }
        }
    }
);

// StickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer
#[test]
fn sticky_gives_a_doubly_claimed_partition_to_the_member_with_room() {
    let topics = partitions_per_topic(&[("topic", 3)]);
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 1)],
            GENERATION_ID,
        ),
        owning(
            "consumer2",
            &["topic"],
            &[tp("topic", 0), tp("topic", 2)],
            GENERATION_ID,
        ),
        owning("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    let assignment = assign(AssignorKind::Sticky, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 1)]),
            ("consumer2", &[("topic", 2)]),
            ("consumer3", &[("topic", 0)]),
        ])
    );
    verify_validity_and_balance(&members, &assignment);
}

// StickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer
#[test]
fn sticky_gives_a_doubly_claimed_partition_to_the_empty_member_and_the_spare_to_the_first() {
    let topics = partitions_per_topic(&[("topic", 4)]);
    let members = [
        owning(
            "consumer1",
            &["topic"],
            &[tp("topic", 0), tp("topic", 1)],
            GENERATION_ID,
        ),
        owning(
            "consumer2",
            &["topic"],
            &[tp("topic", 0), tp("topic", 2)],
            GENERATION_ID,
        ),
        owning("consumer3", &["topic"], &[], GENERATION_ID),
    ];
    let assignment = assign(AssignorKind::Sticky, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 1), ("topic", 3)]),
            ("consumer2", &[("topic", 2)]),
            ("consumer3", &[("topic", 0)]),
        ])
    );
    verify_validity_and_balance(&members, &assignment);
}

/// `StickyAssignorTest.testAssignmentWithMultipleGenerations1`, for equal or mixed
/// subscriptions: a member that comes back after missing a generation loses the partitions
/// others took over in the meantime.
fn check_multiple_generations_1(all_subscriptions_equal: bool) {
    let kind = AssignorKind::Sticky;
    let all = ["topic", "topic2"];
    let consumer2_topics: &[&str] = if all_subscriptions_equal {
        &all
    } else {
        &["topic"]
    };
    let topics = partitions_per_topic(&[("topic", 6), ("topic2", 6)]);
    let members = [
        member("consumer1", &all),
        member("consumer2", consumer2_topics),
        member("consumer3", &all),
    ];
    let (_, r1) = assign_and_verify(kind, &topics, &members);
    assert!(r1.values().all(|assigned| assigned.len() == 4));

    let members = [
        owning("consumer1", &all, &r1["consumer1"], GENERATION_ID),
        owning(
            "consumer2",
            consumer2_topics,
            &r1["consumer2"],
            GENERATION_ID,
        ),
    ];
    let (_, r2) = assign_and_verify(kind, &topics, &members);
    assert!(r2.values().all(|assigned| assigned.len() == 6));
    if all_subscriptions_equal {
        assert!(r1["consumer1"].iter().all(|p| r2["consumer1"].contains(p)));
    }
    assert!(r1["consumer2"].iter().all(|p| r2["consumer2"].contains(p)));
    assert!(r1["consumer3"].iter().any(|p| r2["consumer2"].contains(p)));

    let members = [
        owning("consumer2", consumer2_topics, &r2["consumer2"], 2),
        owning("consumer3", &all, &r1["consumer3"], 1),
    ];
    let (_, r3) = assign_and_verify(kind, &topics, &members);
    assert!(r3.values().all(|assigned| assigned.len() == 6));
    assert!(r3["consumer2"].iter().all(|p| !r3["consumer3"].contains(p)));
    assert!(is_fully_balanced(&r3));
}

// StickyAssignorTest.testAssignmentWithMultipleGenerations1 (isAllSubscriptionsEqual = true)
#[test]
fn sticky_a_returning_member_loses_partitions_taken_over_with_equal_subscriptions() {
    check_multiple_generations_1(true);
}

// StickyAssignorTest.testAssignmentWithMultipleGenerations1 (isAllSubscriptionsEqual = false)
#[test]
fn sticky_a_returning_member_loses_partitions_taken_over_with_mixed_subscriptions() {
    check_multiple_generations_1(false);
}

/// `StickyAssignorTest.testAssignmentWithMultipleGenerations2`.
fn check_multiple_generations_2(all_subscriptions_equal: bool) {
    let kind = AssignorKind::Sticky;
    let all = ["topic", "topic2", "topic3"];
    let consumer1_topics: &[&str] = if all_subscriptions_equal {
        &all
    } else {
        &["topic"]
    };
    let consumer3_topics: &[&str] = if all_subscriptions_equal {
        &all
    } else {
        &["topic", "topic2"]
    };
    let topics = partitions_per_topic(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
    let members = [
        member("consumer1", consumer1_topics),
        member("consumer2", &all),
        member("consumer3", consumer3_topics),
    ];
    let (_, r1) = assign_and_verify(kind, &topics, &members);
    assert!(r1.values().all(|assigned| assigned.len() == 4));

    let members = [owning("consumer2", &all, &r1["consumer2"], 1)];
    let (_, r2) = assign_and_verify(kind, &topics, &members);
    assert_eq!(r2["consumer2"].len(), 12);
    assert!(r1["consumer2"].iter().all(|p| r2["consumer2"].contains(p)));

    let members = [
        owning("consumer1", consumer1_topics, &r1["consumer1"], 1),
        owning("consumer2", &all, &r2["consumer2"], 2),
        owning("consumer3", consumer3_topics, &r1["consumer3"], 1),
    ];
    let (_, r3) = assign_and_verify(kind, &topics, &members);
    assert!(r3.values().all(|assigned| assigned.len() == 4));
    assert!(is_fully_balanced(&r3));
}

// StickyAssignorTest.testAssignmentWithMultipleGenerations2 (isAllSubscriptionsEqual = true)
#[test]
fn sticky_members_returning_from_an_older_generation_rebalance_with_equal_subscriptions() {
    check_multiple_generations_2(true);
}

// StickyAssignorTest.testAssignmentWithMultipleGenerations2 (isAllSubscriptionsEqual = false)
#[test]
fn sticky_members_returning_from_an_older_generation_rebalance_with_mixed_subscriptions() {
    check_multiple_generations_2(false);
}

/// `StickyAssignorTest.testAssignmentWithConflictingPreviousGenerations`.
fn check_conflicting_previous_generations(all_subscriptions_equal: bool) {
    let all = ["topic", "topic2", "topic3"];
    let consumer1_topics: &[&str] = if all_subscriptions_equal {
        &all
    } else {
        &["topic"]
    };
    let consumer2_topics: &[&str] = if all_subscriptions_equal {
        &all
    } else {
        &["topic", "topic2"]
    };
    let topics = partitions_per_topic(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
    let c1_owned = if all_subscriptions_equal {
        vec![
            tp("topic", 0),
            tp("topic", 1),
            tp("topic", 2),
            tp("topic2", 2),
            tp("topic2", 3),
            tp("topic3", 0),
        ]
    } else {
        vec![
            tp("topic", 0),
            tp("topic", 1),
            tp("topic", 2),
            tp("topic", 3),
        ]
    };
    let c2_owned = vec![
        tp("topic", 0),
        tp("topic", 1),
        tp("topic2", 0),
        tp("topic2", 1),
        tp("topic2", 2),
        tp("topic2", 3),
    ];
    let c3_owned = vec![
        tp("topic", 2),
        tp("topic", 3),
        tp("topic3", 0),
        tp("topic3", 1),
        tp("topic3", 2),
        tp("topic3", 3),
    ];
    let members = [
        owning("consumer1", consumer1_topics, &c1_owned, 1),
        owning("consumer2", consumer2_topics, &c2_owned, 2),
        owning("consumer3", &all, &c3_owned, 2),
    ];
    let (_, assignment) = assign_and_verify(AssignorKind::Sticky, &topics, &members);
    assert!(assignment.values().all(|assigned| assigned.len() == 4));
    assert!(assignment["consumer2"].iter().all(|p| c2_owned.contains(p)));
    assert!(assignment["consumer3"].iter().all(|p| c3_owned.contains(p)));
    assert!(is_fully_balanced(&assignment));
}

// StickyAssignorTest.testAssignmentWithConflictingPreviousGenerations (isAllSubscriptionsEqual = true)
#[test]
fn sticky_the_newest_generation_wins_conflicting_claims_with_equal_subscriptions() {
    check_conflicting_previous_generations(true);
}

// StickyAssignorTest.testAssignmentWithConflictingPreviousGenerations (isAllSubscriptionsEqual = false)
#[test]
fn sticky_the_newest_generation_wins_conflicting_claims_with_mixed_subscriptions() {
    check_conflicting_previous_generations(false);
}

// StickyAssignorTest.testSchemaBackwardCompatibility
#[test]
fn sticky_keeps_partitions_reported_without_a_generation() {
    let topics = partitions_per_topic(&[("topic", 3)]);
    let c1_owned = [tp("topic", 0), tp("topic", 2)];
    let c2_owned = [tp("topic", 1)];
    let members = [
        owning("consumer1", &["topic"], &c1_owned, 1),
        // STICKY_ASSIGNOR_USER_DATA_V0: the previous assignment without a generation.
        MemberSubscription {
            generation: None,
            ..owning("consumer2", &["topic"], &c2_owned, 0)
        },
        member("consumer3", &["topic"]),
    ];
    let (_, assignment) = assign_and_verify(AssignorKind::Sticky, &topics, &members);
    assert!(assignment.values().all(|assigned| assigned.len() == 1));
    assert!(assignment["consumer1"].iter().all(|p| c1_owned.contains(p)));
    assert!(assignment["consumer2"].iter().all(|p| c2_owned.contains(p)));
}

// StickyAssignorTest.testAssignorWithOldVersionSubscriptions
#[test]
fn sticky_keeps_partitions_from_old_subscription_versions() {
    let topics = partitions_per_topic(&[("topic1", 3)]);
    let members = [
        owning("consumer1", &["topic1"], &[tp("topic1", 0)], GENERATION_ID),
        owning("consumer2", &["topic1"], &[tp("topic1", 1)], GENERATION_ID),
        owning("consumer3", &["topic1"], &[], GENERATION_ID),
    ];
    let (_, assignment) = assign_and_verify(AssignorKind::Sticky, &topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1)]),
            ("consumer3", &[("topic1", 2)]),
        ])
    );
}

/// `AbstractStickyAssignorTest.testLargeAssignmentWithMultipleConsumersLeavingAndRandomSubscription`
/// with Kafka's sizes (40 topics of 1-10 partitions, 200 members subscribing to up to 20 random
/// topics, 50 random leave attempts), drawn from a seeded `SimRng` instead of an unseeded
/// `java.util.Random`.
fn check_many_members_leaving_with_random_subscriptions(kind: AssignorKind, seed: u64) {
    let mut rng = kplay_core::SimRng::seed_from_u64(seed);
    let topic_count = 40;
    let consumer_count = 200;
    let topics = (0..topic_count)
        .map(|i| {
            let count = i32::try_from(rng.below(10)).expect("small") + 1;
            (canonical_name("t", i, topic_count), count)
        })
        .collect();
    let members: Vec<MemberSubscription> = (0..consumer_count)
        .map(|i| {
            let subscription_size = rng.below(20);
            let subscribed: Vec<String> = (0..subscription_size)
                .map(|_| canonical_name("t", rng.below(40) as usize, topic_count))
                .collect();
            let subscribed: Vec<&str> = subscribed.iter().map(String::as_str).collect();
            member(&canonical_name("c", i, consumer_count), &subscribed)
        })
        .collect();
    let (members, assignment) = assign_and_verify(kind, &topics, &members);

    let leaving: VecSet<String> = (0..50)
        .map(|_| canonical_name("c", rng.below(200) as usize, consumer_count))
        .collect();
    let members: Vec<MemberSubscription> = owning_assignment(&members, &assignment, GENERATION_ID)
        .into_iter()
        .filter(|member| !leaving.contains(&member.member_id))
        .collect();
    let next = assign(kind, &topics, &members);
    assert!(is_sticky(&members, &next));
    verify(kind, &topics, &members, next);
}

// AbstractStickyAssignorTest.testLargeAssignmentWithMultipleConsumersLeavingAndRandomSubscription
for_both_sticky_assignors!(
    many_members_leaving_a_randomly_subscribed_group_stay_sticky,
    |kind| {
        for seed in 1..=3 {
            check_many_members_leaving_with_random_subscriptions(kind, seed);
        }
    }
);
