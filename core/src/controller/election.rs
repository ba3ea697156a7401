//! Who leads a partition: Kafka's leader election rules (`PartitionLeaderElectionAlgorithms`,
//! KRaft's `PartitionChangeBuilder`), as pure functions over the partition's state.
//!
//! - Offline election: the first replica, in assignment order, that is alive and in the ISR.
//! - Unclean election (`unclean.leader.election.enable=true`): if no ISR member is alive, the
//!   first alive replica of the assignment, and the ISR becomes just that replica. Records
//!   only the old leader had are then lost.
//! - Preferred election: the first replica of the assignment, if alive and in the ISR.
//! - Controlled shutdown: the first ISR member, in assignment order, that is alive and not
//!   shutting down.
//!
//! Every leader change bumps the leader epoch; every change bumps the partition epoch.
//! Simplification (stated in lesson 05): a ZooKeeper-mode controller also bumps the leader
//! epoch when it takes a replica out of the ISR (`LeaderAndIsr.newLeaderAndIsr`); here only
//! KRaft's rule applies, in both modes.

use crate::ids::BrokerId;
use crate::protocol::controller::PartitionState;

/// The leader chosen, and whether the choice was unclean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elected {
    /// The new leader.
    pub leader: BrokerId,
    /// Whether it was not in the ISR.
    pub unclean: bool,
}

/// `offlinePartitionLeaderElection`.
pub fn elect_offline_leader(
    state: &PartitionState,
    is_eligible: impl Fn(BrokerId) -> bool,
    unclean_allowed: bool,
) -> Option<Elected> {
    let clean = state
        .replicas
        .iter()
        .copied()
        .find(|broker| is_eligible(*broker) && state.isr.contains(broker));
    if let Some(leader) = clean {
        return Some(Elected {
            leader,
            unclean: false,
        });
    }
    if !unclean_allowed {
        return None;
    }
    state
        .replicas
        .iter()
        .copied()
        .find(|broker| is_eligible(*broker))
        .map(|leader| Elected {
            leader,
            unclean: true,
        })
}

/// `preferredReplicaPartitionLeaderElection`: the first assigned replica, if it can lead.
pub fn elect_preferred_leader(
    state: &PartitionState,
    is_eligible: impl Fn(BrokerId) -> bool,
) -> Option<BrokerId> {
    let preferred = *state.replicas.first()?;
    (is_eligible(preferred) && state.isr.contains(&preferred)).then_some(preferred)
}

/// Applies a leader and ISR change, bumping the epochs as Kafka does. Returns `None` when
/// nothing changes.
pub fn change(
    state: &PartitionState,
    leader: Option<BrokerId>,
    isr: Vec<BrokerId>,
) -> Option<PartitionState> {
    if state.leader == leader && state.isr == isr {
        return None;
    }
    let mut next = state.clone();
    if next.leader != leader {
        next.leader = leader;
        next.leader_epoch += 1;
    }
    next.isr = isr;
    next.partition_epoch += 1;
    Some(next)
}

/// The ISR without `broker`, except that the ISR is never left empty: the last member stays,
/// so a returning broker can lead with all the data (the rule of both modes: ZooKeeper mode's
/// `doRemoveReplicasFromIsr`, and KRaft's without eligible leader replicas, which are not
/// modelled).
pub fn isr_without(isr: &[BrokerId], broker: BrokerId) -> Vec<BrokerId> {
    if isr == [broker] {
        return isr.to_vec();
    }
    isr.iter()
        .copied()
        .filter(|member| *member != broker)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(replicas: &[i32], isr: &[i32], leader: Option<i32>) -> PartitionState {
        PartitionState {
            replicas: replicas.iter().map(|id| BrokerId(*id)).collect(),
            isr: isr.iter().map(|id| BrokerId(*id)).collect(),
            leader: leader.map(BrokerId),
            leader_epoch: 4,
            partition_epoch: 9,
        }
    }

    #[test]
    fn the_first_alive_isr_member_in_assignment_order_leads() {
        let partition = state(&[3, 1, 2], &[1, 2], Some(3));
        let elected = elect_offline_leader(&partition, |b| b != BrokerId(3), false);
        assert_eq!(
            elected,
            Some(Elected {
                leader: BrokerId(1),
                unclean: false
            })
        );
    }

    #[test]
    fn without_an_alive_isr_member_only_an_unclean_election_finds_a_leader() {
        let partition = state(&[1, 2, 3], &[1], Some(1));
        let alive = |b: BrokerId| b != BrokerId(1);
        assert_eq!(elect_offline_leader(&partition, alive, false), None);
        assert_eq!(
            elect_offline_leader(&partition, alive, true),
            Some(Elected {
                leader: BrokerId(2),
                unclean: true
            })
        );
    }

    #[test]
    fn the_preferred_leader_must_be_alive_and_in_sync() {
        let partition = state(&[2, 1], &[1], Some(1));
        assert_eq!(elect_preferred_leader(&partition, |_| true), None);
        let partition = state(&[2, 1], &[1, 2], Some(1));
        assert_eq!(
            elect_preferred_leader(&partition, |_| true),
            Some(BrokerId(2))
        );
    }

    #[test]
    fn a_leader_change_bumps_both_epochs_an_isr_change_only_the_partition_epoch() {
        let partition = state(&[1, 2], &[1, 2], Some(1));
        let moved = change(&partition, Some(BrokerId(2)), vec![BrokerId(2)]).expect("changed");
        assert_eq!((moved.leader_epoch, moved.partition_epoch), (5, 10));
        let shrunk = change(&partition, Some(BrokerId(1)), vec![BrokerId(1)]).expect("changed");
        assert_eq!((shrunk.leader_epoch, shrunk.partition_epoch), (4, 10));
        assert_eq!(
            change(&partition, Some(BrokerId(1)), partition.isr.clone()),
            None
        );
    }

    #[test]
    fn the_last_isr_member_is_never_removed() {
        assert_eq!(isr_without(&[BrokerId(1)], BrokerId(1)), vec![BrokerId(1)]);
        assert_eq!(
            isr_without(&[BrokerId(1), BrokerId(2)], BrokerId(1)),
            vec![BrokerId(2)]
        );
    }
}
