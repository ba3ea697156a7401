//! Choosing the active controller in KRaft mode.
//!
//! The controller voters (`controller.quorum.voters`; here the first brokers, in combined
//! mode) run Raft. A voter can lead only while it can reach a majority of the voters, itself
//! included. When the active controller dies or is cut off from the majority, the others notice
//! after `controller.quorum.fetch.timeout.ms` and elect a new one after a randomised
//! `controller.quorum.election.timeout.ms`.
//!
//! Simplification, stated in the lessons: Raft's vote requests and the replication of the
//! metadata log among voters are not simulated as messages; the outcome (a voter that can reach a
//! majority wins after the timeouts, and the committed metadata carries over) is.

use crate::ids::BrokerId;

/// `controller.quorum.fetch.timeout.ms` (2000): how long followers wait before suspecting the
/// leader.
pub const FETCH_TIMEOUT_MS: i64 = 2_000;

/// Whether `voter` can lead: it is up and reaches a strict majority of `voters` (itself
/// included).
pub fn can_lead(
    voter: BrokerId,
    voters: &[BrokerId],
    is_up: impl Fn(BrokerId) -> bool,
    connected: impl Fn(BrokerId, BrokerId) -> bool,
) -> bool {
    if !is_up(voter) || !voters.contains(&voter) {
        return false;
    }
    let reachable = voters
        .iter()
        .filter(|other| **other == voter || (is_up(**other) && connected(voter, **other)))
        .count();
    reachable * 2 > voters.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voters() -> Vec<BrokerId> {
        vec![BrokerId(1), BrokerId(2), BrokerId(3)]
    }

    #[test]
    fn a_voter_with_a_majority_can_lead() {
        let up = |b: BrokerId| b != BrokerId(3);
        assert!(can_lead(BrokerId(1), &voters(), up, |_, _| true));
        assert!(!can_lead(BrokerId(3), &voters(), up, |_, _| true));
    }

    #[test]
    fn an_isolated_voter_cannot_lead() {
        let cut_off = |a: BrokerId, b: BrokerId| a != BrokerId(1) && b != BrokerId(1);
        assert!(!can_lead(BrokerId(1), &voters(), |_| true, cut_off));
        assert!(can_lead(BrokerId(2), &voters(), |_| true, cut_off));
    }

    #[test]
    fn without_a_majority_up_nobody_leads() {
        let up = |b: BrokerId| b == BrokerId(1);
        assert!(!can_lead(BrokerId(1), &voters(), up, |_, _| true));
    }
}
