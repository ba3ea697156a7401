//! Property tests over random groups, in the spirit of Kafka's randomized
//! `AbstractStickyAssignorTest.testReassignmentWithRandomSubscriptionsAndChanges` and
//! `testLargeAssignmentWithMultipleConsumersLeavingAndRandomSubscription`.
