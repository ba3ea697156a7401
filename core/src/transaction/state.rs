//! The states of a transaction as its coordinator tracks them (Kafka's `TransactionState`,
//! `org.apache.kafka.coordinator.transaction`).
//!
//! ```text
//! Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
//!                                        │  └──EndTxn(abort)───▶ PrepareAbort  ──markers──▶ CompleteAbort
//!                                        └──fence (InitProducerId, timeout)─▶ PrepareEpochFence ─▶ PrepareAbort
//! ```
//!
//! A transition is only legal from the states [`TransactionState::valid_previous_states`]
//! lists, as in Kafka. With transaction version 1 (the one modelled) Empty and the Complete
//! states never go to PrepareAbort directly.

use serde::{Deserialize, Serialize};

/// Where a transactional id's transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TransactionState {
    /// No transaction yet (or the producer just initialized).
    Empty,
    /// A transaction has started: partitions were added.
    Ongoing,
    /// EndTxn(commit) was written; COMMIT markers are being written.
    PrepareCommit,
    /// EndTxn(abort) was written; ABORT markers are being written.
    PrepareAbort,
    /// Every COMMIT marker is written.
    CompleteCommit,
    /// Every ABORT marker is written.
    CompleteAbort,
    /// The transactional id expired and is being removed.
    Dead,
    /// The coordinator bumps the epoch to fence an older producer before aborting.
    PrepareEpochFence,
}

impl TransactionState {
    /// Every state, in the order of their ids.
    pub const ALL: [TransactionState; 8] = [
        TransactionState::Empty,
        TransactionState::Ongoing,
        TransactionState::PrepareCommit,
        TransactionState::PrepareAbort,
        TransactionState::CompleteCommit,
        TransactionState::CompleteAbort,
        TransactionState::Dead,
        TransactionState::PrepareEpochFence,
    ];

    /// The id written to `__transaction_state` (`TransactionState.id`).
    pub fn id(self) -> i8 {
        match self {
            TransactionState::Empty => 0,
            TransactionState::Ongoing => 1,
            TransactionState::PrepareCommit => 2,
            TransactionState::PrepareAbort => 3,
            TransactionState::CompleteCommit => 4,
            TransactionState::CompleteAbort => 5,
            TransactionState::Dead => 6,
            TransactionState::PrepareEpochFence => 7,
        }
    }

    /// The state with this id, if any (`TransactionState.fromId`).
    pub fn from_id(id: i8) -> Option<TransactionState> {
        TransactionState::ALL
            .into_iter()
            .find(|state| state.id() == id)
    }

    /// The name `kafka-transactions describe` prints (`TransactionState.getName`).
    pub fn name(self) -> &'static str {
        match self {
            TransactionState::Empty => "Empty",
            TransactionState::Ongoing => "Ongoing",
            TransactionState::PrepareCommit => "PrepareCommit",
            TransactionState::PrepareAbort => "PrepareAbort",
            TransactionState::CompleteCommit => "CompleteCommit",
            TransactionState::CompleteAbort => "CompleteAbort",
            TransactionState::Dead => "Dead",
            TransactionState::PrepareEpochFence => "PrepareEpochFence",
        }
    }

    /// The states this one may be entered from (`validPreviousStates`).
    pub fn valid_previous_states(self) -> &'static [TransactionState] {
        use TransactionState::*;
        match self {
            Empty => &[Empty, CompleteCommit, CompleteAbort],
            Ongoing => &[Ongoing, Empty, CompleteCommit, CompleteAbort],
            PrepareCommit => &[Ongoing],
            PrepareAbort => &[
                Ongoing,
                PrepareEpochFence,
                Empty,
                CompleteCommit,
                CompleteAbort,
            ],
            CompleteCommit => &[PrepareCommit],
            CompleteAbort => &[PrepareAbort],
            Dead => &[Empty, CompleteAbort, CompleteCommit],
            PrepareEpochFence => &[Ongoing],
        }
    }

    /// Whether the transactional id may expire in this state (`isExpirationAllowed`).
    pub fn is_expiration_allowed(self) -> bool {
        matches!(
            self,
            TransactionState::Empty
                | TransactionState::CompleteCommit
                | TransactionState::CompleteAbort
        )
    }
}

impl std::fmt::Display for TransactionState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_ids_round_trip_as_kafka_numbers_them() {
        for state in TransactionState::ALL {
            assert_eq!(TransactionState::from_id(state.id()), Some(state));
        }
        assert_eq!(TransactionState::PrepareEpochFence.id(), 7);
        assert_eq!(TransactionState::from_id(8), None);
    }

    #[test]
    fn only_an_ongoing_transaction_can_be_prepared_for_commit() {
        assert_eq!(
            TransactionState::PrepareCommit.valid_previous_states(),
            &[TransactionState::Ongoing]
        );
        assert!(!TransactionState::CompleteCommit
            .valid_previous_states()
            .contains(&TransactionState::Ongoing));
    }
}
