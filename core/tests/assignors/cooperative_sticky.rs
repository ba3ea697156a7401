//! `CooperativeStickyAssignorTest`, and the cooperative side of `AbstractStickyAssignorTest`
//! cases whose first rebalance must hold partitions back (the cases shared with the eager
//! assignor run for both in `sticky`).

use kplay_core::group::assignor::{cooperative_sticky, GroupAssignment, MemberSubscription};
use kplay_core::kinds::AssignorKind;

use crate::helpers::*;

const COOPERATIVE: AssignorKind = AssignorKind::CooperativeSticky;

fn assign(
    partitions_per_topic: &kplay_core::vec_map::VecMap<String, i32>,
    members: &[MemberSubscription],
) -> GroupAssignment {
    cooperative_sticky::assign(partitions_per_topic, members)
}

// CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer
#[test]
fn cooperative_holds_back_a_doubly_claimed_partition_until_both_revoke_it() {
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
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 1)]),
            ("consumer2", &[("topic", 2)]),
            ("consumer3", &[]),
        ])
    );
    let (_, assignment) = verify(COOPERATIVE, &topics, &members, assignment);
    assert_eq!(assignment["consumer3"], partitions(&[("topic", 0)]));
    assert!(is_fully_balanced(&assignment));
}

// CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer
#[test]
fn cooperative_assigns_unowned_partitions_at_once_but_holds_back_the_doubly_claimed_one() {
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
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic", 1), ("topic", 3)]),
            ("consumer2", &[("topic", 2)]),
            ("consumer3", &[]),
        ])
    );
    let (_, assignment) = verify(COOPERATIVE, &topics, &members, assignment);
    assert!(is_fully_balanced(&assignment));
}

// CooperativeStickyAssignorTest.testAssignorWithOldVersionSubscriptions
#[test]
fn cooperative_keeps_partitions_from_old_subscription_versions() {
    let topics = partitions_per_topic(&[("topic1", 3)]);
    let members = [
        owning("consumer1", &["topic1"], &[tp("topic1", 0)], GENERATION_ID),
        owning("consumer2", &["topic1"], &[tp("topic1", 1)], GENERATION_ID),
        owning("consumer3", &["topic1"], &[], GENERATION_ID),
    ];
    let assignment = assign(&topics, &members);
    assert_eq!(
        assignment,
        expected(&[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1)]),
            ("consumer3", &[("topic1", 2)]),
        ])
    );
    verify(COOPERATIVE, &topics, &members, assignment);
}

// AbstractStickyAssignorTest.testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers, as
// CooperativeStickyAssignorTest runs it: the first rebalance revokes topic2-0 from consumer1
// and the follow-up gives it to consumer3.
#[test]
fn cooperative_revokes_in_one_rebalance_and_assigns_in_the_next() {
    let both = ["topic1", "topic2"];
    let topics = partitions_per_topic(&[("topic1", 2), ("topic2", 2)]);
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
    let first = assign(&topics, &members);
    assert_eq!(
        first,
        expected(&[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 1)]),
            ("consumer3", &[]),
        ])
    );
    assert!(verify_cooperative_validity(&members, &first));

    let members = owning_assignment(&members, &first, GENERATION_ID + 1);
    let follow_up = assign(&topics, &members);
    assert_eq!(
        follow_up,
        expected(&[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 1)]),
            ("consumer3", &[("topic2", 0)]),
        ])
    );
    assert!(!verify_cooperative_validity(&members, &follow_up));
}

// AbstractStickyAssignorTest.testAddRemoveTwoConsumersTwoTopics, second round, as
// CooperativeStickyAssignorTest runs it: the joining members get nothing until the follow-up.
#[test]
fn cooperative_joining_members_wait_for_the_follow_up_rebalance() {
    let both = ["topic1", "topic2"];
    let topics = partitions_per_topic(&[("topic1", 3), ("topic2", 4)]);
    let members = [
        owning(
            "consumer1",
            &both,
            &[
                tp("topic1", 0),
                tp("topic1", 2),
                tp("topic2", 1),
                tp("topic2", 3),
            ],
            GENERATION_ID,
        ),
        owning(
            "consumer2",
            &both,
            &[tp("topic1", 1), tp("topic2", 0), tp("topic2", 2)],
            GENERATION_ID,
        ),
        owning("consumer3", &both, &[], GENERATION_ID),
        owning("consumer4", &both, &[], GENERATION_ID),
    ];
    let first = assign(&topics, &members);
    assert_eq!(
        first,
        expected(&[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic2", 0), ("topic1", 1)]),
            ("consumer3", &[]),
            ("consumer4", &[]),
        ])
    );
    let (_, last) = verify(COOPERATIVE, &topics, &members, first);
    assert_eq!(
        last["consumer3"],
        partitions(&[("topic1", 2), ("topic2", 3)])
    );
    assert_eq!(last["consumer4"], partitions(&[("topic2", 2)]));
}

// AbstractStickyAssignorTest.testAddRemoveConsumerOneTopic, second round, as
// CooperativeStickyAssignorTest runs it.
#[test]
fn cooperative_a_joining_member_gets_its_partition_one_rebalance_later() {
    let topics = partitions_per_topic(&[("topic", 3)]);
    let owned = [tp("topic", 0), tp("topic", 1), tp("topic", 2)];
    let members = [
        owning("consumer1", &["topic"], &owned, GENERATION_ID),
        owning("consumer2", &["topic"], &[], GENERATION_ID),
    ];
    let first = assign(&topics, &members);
    assert_eq!(
        first,
        expected(&[
            ("consumer1", &[("topic", 0), ("topic", 1)]),
            ("consumer2", &[]),
        ])
    );
    let (_, last) = verify(COOPERATIVE, &topics, &members, first);
    assert_eq!(last["consumer2"], partitions(&[("topic", 2)]));
}

// AbstractStickyAssignorTest.testMoveExistingAssignments, as CooperativeStickyAssignorTest
// runs it: with mixed subscriptions the cooperative assignor works out the transfers itself
// (computePartitionsTransferringOwnership) and never hands out a partition still owned
// elsewhere.
#[test]
fn cooperative_works_out_transfers_for_mixed_subscriptions() {
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
    let first = assign(&topics, &members);
    verify_cooperative_validity(&members, &first);
    let (_, last) = verify(COOPERATIVE, &topics, &members, first);
    assert_complete(&topics, &members, &last);
}
