//! The states of a classic consumer group (Kafka's `ClassicGroupState`) and the transitions
//! between them.
//!
//! - **Empty**: no members; the group lingers until its offsets expire. New members may join.
//! - **PreparingRebalance**: JoinGroup requests are held until every known member rejoined (or
//!   the rebalance timeout); heartbeats are answered `REBALANCE_IN_PROGRESS`.
//! - **CompletingRebalance**: the new generation started; the group waits for the leader's
//!   assignment in SyncGroup. Offset commits are answered `REBALANCE_IN_PROGRESS`.
//! - **Stable**: every member has its assignment; heartbeats and commits proceed normally.
//! - **Dead**: the group is being removed (deleted, expired or unloaded).

use serde::{Deserialize, Serialize};

/// The state of a classic group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GroupState {
    /// No members.
    Empty,
    /// Waiting for members to (re)join.
    PreparingRebalance,
    /// Waiting for the leader's assignment.
    CompletingRebalance,
    /// Every member has its assignment.
    Stable,
    /// Being removed.
    Dead,
}

impl GroupState {
    /// Kafka's name, as `kafka-consumer-groups --describe --state` prints it.
    pub fn name(&self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }

    /// `ClassicGroupState.validPreviousStates`: the states a group may enter this one from.
    pub fn valid_previous_states(&self) -> &'static [GroupState] {
        match self {
            GroupState::Empty => &[GroupState::PreparingRebalance],
            GroupState::PreparingRebalance => &[
                GroupState::Stable,
                GroupState::CompletingRebalance,
                GroupState::Empty,
            ],
            GroupState::CompletingRebalance => &[GroupState::PreparingRebalance],
            GroupState::Stable => &[GroupState::CompletingRebalance],
            GroupState::Dead => &[
                GroupState::Stable,
                GroupState::PreparingRebalance,
                GroupState::CompletingRebalance,
                GroupState::Empty,
                GroupState::Dead,
            ],
        }
    }

    /// Whether a group in this state may move to `next`.
    pub fn can_transition_to(&self, next: GroupState) -> bool {
        next.valid_previous_states().contains(self)
    }
}

impl std::fmt::Display for GroupState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ClassicGroupState's static block.
    #[test]
    fn transitions_follow_kafkas_valid_previous_states() {
        use GroupState::*;
        assert!(Empty.can_transition_to(PreparingRebalance));
        assert!(PreparingRebalance.can_transition_to(CompletingRebalance));
        assert!(PreparingRebalance.can_transition_to(Empty));
        assert!(CompletingRebalance.can_transition_to(Stable));
        assert!(Stable.can_transition_to(PreparingRebalance));
        assert!(!Empty.can_transition_to(Stable));
        assert!(!Stable.can_transition_to(CompletingRebalance));
        assert!(!Dead.can_transition_to(Empty));
        assert!(Dead.can_transition_to(Dead));
    }

    #[test]
    fn names_are_kafkas() {
        assert_eq!(
            GroupState::PreparingRebalance.to_string(),
            "PreparingRebalance"
        );
        assert_eq!(
            GroupState::CompletingRebalance.name(),
            "CompletingRebalance"
        );
    }
}
