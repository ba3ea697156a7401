//! Who leads a partition: Kafka's leader election rules (`PartitionLeaderElectionAlgorithms`,
//! KRaft's `PartitionChangeBuilder`), as pure functions over the partition's state.
//!
//! - Offline election: the first replica, in assignment order, that is alive and in the ISR;
//!   with an empty ISR, one of the eligible leader replicas (below); then the last known
//!   leader, if it is back.
//! - Unclean election (`unclean.leader.election.enable=true`): if none of those can lead, the
//!   first alive replica of the assignment, and the ISR becomes just that replica. Records
//!   only the old leader had are then lost.
//! - Preferred election: the first replica of the assignment, if alive and in the ISR.
//! - Controlled shutdown: the first ISR member, in assignment order, that is alive and not
//!   shutting down.
//!
//! Eligible leader replicas (KIP-966, on by default for new KRaft clusters since Kafka 4.1):
//! while the ISR is below `min.insync.replicas` the high watermark cannot advance, so a
//! replica that leaves the ISR then still holds every committed record. The controller keeps
//! such replicas in the partition's ELR (`maybePopulateTargetElr`) and lets the ISR become
//! empty; once it is, an ELR member that is alive may lead (a clean election). A broker that
//! restarts after an unclean shutdown leaves the ELR: it may have lost records it had not
//! flushed. When the ISR empties, the last leader is kept as the `LastKnownElr`; if neither ISR
//! nor ELR has a member and that broker comes back, it leads again (Kafka marks this election
//! unclean). ZooKeeper mode has none of this: its ISR keeps its last member instead.
//!
//! Every leader change bumps the leader epoch; every change bumps the partition epoch.
//! Simplification (stated in lesson 05): a ZooKeeper-mode controller also bumps the leader
//! epoch when it takes a replica out of the ISR (`LeaderAndIsr.newLeaderAndIsr`); here only
//! KRaft's rule applies, in both modes.

use crate::ids::BrokerId;
use crate::protocol::controller::PartitionState;

/// How a new leader was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// From the ISR.
    Isr,
    /// From the eligible leader replicas, the ISR being empty: still clean.
    Elr,
    /// The last known leader, nobody else being eligible (`canElectLastKnownLeader`): Kafka
    /// counts it as unclean, though it holds what it had when it stopped leading.
    LastKnownLeader,
    /// An out-of-sync replica.
    Unclean,
}

/// The leader chosen, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elected {
    /// The new leader.
    pub leader: BrokerId,
    /// Where it came from.
    pub via: Via,
}

impl Elected {
    /// Whether Kafka counts the election as unclean: the ISR becomes just the new leader and
    /// the eligible leader replicas are forgotten.
    pub fn unclean(&self) -> bool {
        matches!(self.via, Via::Unclean | Via::LastKnownLeader)
    }
}

/// What KIP-966 needs to know about a change, when eligible leader replicas are on (KRaft).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElrRule {
    /// The topic's `min.insync.replicas`.
    pub min_isr: i32,
    /// A broker registering after an unclean shutdown: it leaves the ELR.
    pub unclean_shutdown: Option<BrokerId>,
}

/// `electAnyLeader`: the first replica, in assignment order, that is eligible and in the ISR
/// (or, with an empty ISR, in the ELR); then the last known leader; then, if allowed, any
/// eligible replica. `state` holds the target ISR and ELR (see [`target`]).
pub fn elect_offline_leader(
    state: &PartitionState,
    is_eligible: impl Fn(BrokerId) -> bool,
    unclean_allowed: bool,
) -> Option<Elected> {
    let clean = state
        .replicas
        .iter()
        .copied()
        .find(|broker| is_eligible(*broker) && may_lead_cleanly(state, *broker));
    if let Some(leader) = clean {
        let via = if state.isr.contains(&leader) {
            Via::Isr
        } else {
            Via::Elr
        };
        return Some(Elected { leader, via });
    }
    if let [last] = state.last_known_elr[..] {
        if state.isr.is_empty() && state.elr.is_empty() && is_eligible(last) {
            return Some(Elected {
                leader: last,
                via: Via::LastKnownLeader,
            });
        }
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
            via: Via::Unclean,
        })
}

/// `preferredReplicaPartitionLeaderElection`: the first assigned replica, if it can lead.
pub fn elect_preferred_leader(
    state: &PartitionState,
    is_eligible: impl Fn(BrokerId) -> bool,
) -> Option<BrokerId> {
    let preferred = *state.replicas.first()?;
    (is_eligible(preferred) && may_lead_cleanly(state, preferred)).then_some(preferred)
}

/// `isValidNewLeader` but for liveness: in the ISR, or in the ELR once the ISR is empty.
fn may_lead_cleanly(state: &PartitionState, broker: BrokerId) -> bool {
    state.isr.contains(&broker) || (state.isr.is_empty() && state.elr.contains(&broker))
}

/// The partition with its ISR set to `isr` and, under KIP-966, its ELR brought up to date
/// (`maybePopulateTargetElr`): emptied while the ISR has at least `min.insync.replicas`
/// members; otherwise the old ISR and ELR, less the new ISR and a broker back from an unclean
/// shutdown. What elections choose from. A last known leader no longer among `state`'s
/// replicas (a reassignment dropped it) is forgotten: it must never lead again (the seed sweep
/// found a cancelled move keeping one).
pub fn target(state: &PartitionState, isr: Vec<BrokerId>, elr: Option<ElrRule>) -> PartitionState {
    let mut target = PartitionState {
        isr,
        ..state.clone()
    };
    target
        .last_known_elr
        .retain(|broker| state.replicas.contains(broker));
    let Some(rule) = elr else {
        target.elr.clear();
        return target;
    };
    if target.isr.len() >= usize::try_from(rule.min_isr).unwrap_or(0) {
        target.elr.clear();
        return target;
    }
    // Kafka collects them from a `HashSet<Integer>`, which lists broker ids in order.
    let mut elr: Vec<BrokerId> = state
        .replicas
        .iter()
        .copied()
        .filter(|replica| state.elr.contains(replica) || state.isr.contains(replica))
        .filter(|replica| !target.isr.contains(replica) && rule.unclean_shutdown != Some(*replica))
        .collect();
    crate::sort::sort(&mut elr);
    target.elr = elr;
    target
}

/// `PartitionChangeBuilder.build` after the election: the next state of a partition whose
/// target ISR and ELR are `target` (from [`target`]) and whose leader is now `leader`, chosen
/// in an election Kafka counts as `unclean` or not, with eligible leader replicas on or off.
/// `None` when nothing changes.
pub fn finish(
    state: &PartitionState,
    target: &PartitionState,
    leader: Option<BrokerId>,
    unclean: bool,
    elr_enabled: bool,
) -> Option<PartitionState> {
    let mut next = target.clone();
    next.leader = leader;
    if let (Some(leader), true) = (leader, leader != state.leader) {
        // `tryElection`: an unclean leader is the whole ISR and the ELR is forgotten; a
        // leader from the ELR restarts the ISR.
        if unclean {
            next.isr = vec![leader];
            next.elr.clear();
        } else if !target.isr.contains(&leader) && target.elr.contains(&leader) {
            next.isr = vec![leader];
            next.elr.retain(|replica| *replica != leader);
        }
    }
    if next.isr.is_empty() && !elr_enabled {
        // Without eligible leader replicas the ISR keeps its last member, so a returning
        // broker can lead with all the data (ZooKeeper mode's `doRemoveReplicasFromIsr`, and
        // KRaft's builder, which writes no empty ISR then).
        next.isr = state.isr.clone();
    }
    if elr_enabled {
        // `maybeUpdateLastKnownLeader`.
        let emptied = next.isr.is_empty() && !state.isr.is_empty();
        if let (true, Some(old_leader)) = (emptied, state.leader) {
            next.last_known_elr = vec![old_leader];
        } else if next.leader.is_some() {
            next.last_known_elr.clear();
        }
    } else {
        next.elr.clear();
        next.last_known_elr.clear();
    }
    change_to(state, next)
}

/// `next` with its epochs bumped from `state`'s, or `None` when nothing changes.
pub fn change_to(state: &PartitionState, mut next: PartitionState) -> Option<PartitionState> {
    next.leader_epoch = state.leader_epoch;
    next.partition_epoch = state.partition_epoch;
    if next == *state {
        return None;
    }
    // `triggerLeaderEpochBumpForReplicaReassignmentIfNeeded`: a replica list that drops a
    // replica bumps the leader epoch even when the leader stays, so the removed replica's
    // fetches are fenced.
    let dropped = state
        .replicas
        .iter()
        .any(|replica| !next.replicas.contains(replica));
    if next.leader != state.leader || dropped {
        next.leader_epoch += 1;
    }
    next.partition_epoch += 1;
    Some(next)
}

/// `PartitionReassignmentReplicas(current, target)`: `state` moving to `target`, its replicas
/// the target followed by those being removed, and the lists of replicas being added and
/// removed, each in broker id order (Kafka collects them in a `TreeSet`).
pub fn reassigning(state: &PartitionState, target: &[BrokerId]) -> PartitionState {
    let difference = |a: &[BrokerId], b: &[BrokerId]| {
        let mut only_a: Vec<BrokerId> = a.iter().copied().filter(|x| !b.contains(x)).collect();
        crate::sort::sort(&mut only_a);
        only_a.dedup();
        only_a
    };
    let removing = difference(&state.replicas, target);
    let adding = difference(target, &state.replicas);
    let mut replicas = target.to_vec();
    replicas.extend(removing.iter().copied());
    PartitionState {
        replicas,
        adding,
        removing,
        ..state.clone()
    }
}

/// `PartitionReassignmentReplicas.maybeCompleteReassignment`: if every replica the
/// reassignment keeps or adds is in `state`'s (target) ISR, with at least one in it, the
/// replicas and ISR lose the ones being removed and the reassignment ends. Returns whether it
/// did. Kafka 4.1's rule (KAFKA-15665); Kafka 4.2 (KAFKA-19975) also completes a move whose
/// kept replicas are out of sync, when the target list is no shorter than the old one.
pub fn complete_reassignment(state: &mut PartitionState) -> bool {
    if state.adding.is_empty() && state.removing.is_empty() {
        return false;
    }
    let kept = |list: &[BrokerId]| -> Vec<BrokerId> {
        list.iter()
            .copied()
            .filter(|replica| !state.removing.contains(replica))
            .collect()
    };
    let (isr, replicas) = (kept(&state.isr), kept(&state.replicas));
    if isr.is_empty() || replicas.is_empty() || !replicas.iter().all(|r| isr.contains(r)) {
        return false;
    }
    state.isr = isr;
    state.replicas = replicas;
    state.adding.clear();
    state.removing.clear();
    true
}

/// The ISR without `broker`. Whether an empty ISR is kept is [`finish`]'s decision.
pub fn isr_without(isr: &[BrokerId], broker: BrokerId) -> Vec<BrokerId> {
    isr.iter()
        .copied()
        .filter(|member| *member != broker)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[i32]) -> Vec<BrokerId> {
        list.iter().map(|id| BrokerId(*id)).collect()
    }

    fn state(replicas: &[i32], isr: &[i32], leader: Option<i32>) -> PartitionState {
        PartitionState {
            replicas: ids(replicas),
            isr: ids(isr),
            leader: leader.map(BrokerId),
            leader_epoch: 4,
            partition_epoch: 9,
            elr: Vec::new(),
            last_known_elr: Vec::new(),
            adding: Vec::new(),
            removing: Vec::new(),
        }
    }

    fn elr(min_isr: i32) -> Option<ElrRule> {
        Some(ElrRule {
            min_isr,
            unclean_shutdown: None,
        })
    }

    /// Removes `broker` from the ISR and elects as the controller does when fencing it;
    /// `dead` brokers are fenced already.
    fn fence(
        state: &PartitionState,
        broker: i32,
        dead: &[i32],
        rule: Option<ElrRule>,
    ) -> PartitionState {
        let dead = ids(dead);
        let broker = BrokerId(broker);
        let target = target(state, isr_without(&state.isr, broker), rule);
        let elected = if state.leader == Some(broker) || state.leader.is_none() {
            elect_offline_leader(&target, |b| b != broker && !dead.contains(&b), false)
        } else {
            state.leader.map(|leader| Elected {
                leader,
                via: Via::Isr,
            })
        };
        let unclean = elected.is_some_and(|e| e.unclean());
        finish(
            state,
            &target,
            elected.map(|e| e.leader),
            unclean,
            rule.is_some(),
        )
        .expect("changed")
    }

    #[test]
    fn the_first_alive_isr_member_in_assignment_order_leads() {
        let partition = state(&[3, 1, 2], &[1, 2], Some(3));
        let elected = elect_offline_leader(&partition, |b| b != BrokerId(3), false);
        assert_eq!(
            elected,
            Some(Elected {
                leader: BrokerId(1),
                via: Via::Isr
            })
        );
    }

    #[test]
    fn without_an_alive_isr_member_only_an_unclean_election_finds_a_leader() {
        let partition = state(&[1, 2, 3], &[1], Some(1));
        let alive = |b: BrokerId| b != BrokerId(1);
        assert_eq!(elect_offline_leader(&partition, alive, false), None);
        let elected = elect_offline_leader(&partition, alive, true).expect("unclean");
        assert_eq!((elected.leader, elected.via), (BrokerId(2), Via::Unclean));
        assert!(elected.unclean());
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
        let change = |leader: i32, isr: &[i32]| {
            let target = target(&partition, ids(isr), None);
            finish(&partition, &target, Some(BrokerId(leader)), false, false)
        };
        let moved = change(2, &[2]).expect("changed");
        assert_eq!((moved.leader_epoch, moved.partition_epoch), (5, 10));
        let shrunk = change(1, &[1]).expect("changed");
        assert_eq!((shrunk.leader_epoch, shrunk.partition_epoch), (4, 10));
        assert_eq!(change(1, &[1, 2]), None);
    }

    #[test]
    fn without_eligible_leader_replicas_the_last_isr_member_stays() {
        let partition = state(&[1, 2], &[1], Some(1));
        let offline = fence(&partition, 1, &[], None);
        assert_eq!((offline.leader, offline.isr.clone()), (None, ids(&[1])));
        assert!(offline.elr.is_empty() && offline.last_known_elr.is_empty());
    }

    /// KIP-966's example: RF 3, `min.insync.replicas=2`. The replica that leaves a 2-member ISR
    /// stays eligible; when the last ISR member goes, the ISR empties and the ELR may lead.
    #[test]
    fn a_replica_that_leaves_an_isr_below_min_insync_replicas_stays_eligible() {
        let rule = elr(2);
        let start = state(&[1, 2, 3], &[1, 2, 3], Some(1));
        let two = fence(&start, 3, &[], rule);
        assert_eq!((two.isr.clone(), two.elr.clone()), (ids(&[1, 2]), vec![]));
        let one = fence(&two, 2, &[3], rule);
        assert_eq!((one.isr.clone(), one.elr.clone()), (ids(&[1]), ids(&[2])));
        let none = fence(&one, 1, &[2, 3], rule);
        assert_eq!(none.leader, None);
        assert_eq!(none.isr, vec![]);
        assert_eq!(none.elr, ids(&[1, 2]));
        assert_eq!(none.last_known_elr, ids(&[1]));
        // Broker 2 comes back: with the ISR empty, an ELR member is a clean choice.
        let back = target(&none, none.isr.clone(), rule);
        let elected = elect_offline_leader(&back, |b| b == BrokerId(2), false).expect("elr");
        assert_eq!((elected.leader, elected.via), (BrokerId(2), Via::Elr));
        let led = finish(
            &none,
            &back,
            Some(elected.leader),
            elected.unclean(),
            rule.is_some(),
        )
        .expect("led");
        assert_eq!((led.isr.clone(), led.elr.clone()), (ids(&[2]), ids(&[1])));
        assert!(led.last_known_elr.is_empty());
        assert_eq!(led.leader_epoch, none.leader_epoch + 1);
    }

    #[test]
    fn an_isr_at_min_insync_replicas_clears_the_eligible_leader_replicas() {
        let rule = elr(2);
        let mut partition = state(&[1, 2, 3], &[1], Some(1));
        partition.elr = ids(&[2, 3]);
        let grown = finish(
            &partition,
            &target(&partition, ids(&[1, 2]), rule),
            partition.leader,
            false,
            rule.is_some(),
        )
        .expect("grown");
        assert_eq!((grown.isr, grown.elr), (ids(&[1, 2]), vec![]));
    }

    #[test]
    fn an_unclean_shutdown_takes_a_replica_out_of_the_eligible_leader_replicas() {
        let rule = Some(ElrRule {
            min_isr: 2,
            unclean_shutdown: Some(BrokerId(2)),
        });
        let mut partition = state(&[1, 2, 3], &[], None);
        partition.elr = ids(&[1, 2]);
        partition.last_known_elr = ids(&[1]);
        let forgotten = target(&partition, vec![], rule);
        assert_eq!(forgotten.elr, ids(&[1]));
        let next = finish(&partition, &forgotten, None, false, rule.is_some()).expect("changed");
        assert_eq!((next.elr, next.last_known_elr), (ids(&[1]), ids(&[1])));
    }

    /// `canElectLastKnownLeader` (with KAFKA-19522's fix in 4.1: only if it is alive).
    #[test]
    fn the_last_known_leader_leads_again_when_nobody_else_is_eligible() {
        let rule = elr(1);
        let mut partition = state(&[1, 2], &[], None);
        partition.last_known_elr = ids(&[1]);
        assert_eq!(
            elect_offline_leader(&partition, |b| b == BrokerId(2), false),
            None
        );
        let elected = elect_offline_leader(&partition, |_| true, false).expect("last known");
        assert_eq!(
            (elected.leader, elected.via),
            (BrokerId(1), Via::LastKnownLeader)
        );
        assert!(elected.unclean());
        let led = finish(
            &partition,
            &partition,
            Some(BrokerId(1)),
            elected.unclean(),
            rule.is_some(),
        )
        .expect("led");
        assert_eq!(led.isr, ids(&[1]));
        assert!(led.elr.is_empty() && led.last_known_elr.is_empty());
    }

    #[test]
    fn an_unclean_election_forgets_the_eligible_leader_replicas() {
        let rule = elr(2);
        let mut partition = state(&[1, 2, 3], &[], None);
        partition.elr = ids(&[1]);
        partition.last_known_elr = ids(&[1]);
        let elected =
            elect_offline_leader(&partition, |b| b == BrokerId(3), true).expect("unclean");
        assert_eq!((elected.leader, elected.via), (BrokerId(3), Via::Unclean));
        let led = finish(
            &partition,
            &partition,
            Some(BrokerId(3)),
            elected.unclean(),
            rule.is_some(),
        )
        .expect("led");
        assert_eq!(
            (led.isr, led.elr, led.last_known_elr),
            (ids(&[3]), vec![], vec![])
        );
    }

    /// `PartitionReassignmentReplicasTest`'s assignments: (current, target, removing, adding,
    /// replicas).
    #[test]
    fn a_reassignment_lists_the_target_then_the_replicas_it_removes() {
        type Case<'a> = (&'a [i32], &'a [i32], &'a [i32], &'a [i32], &'a [i32]);
        let cases: [Case; 5] = [
            (&[3, 2, 1], &[3, 2, 1], &[], &[], &[3, 2, 1]),
            (&[3, 2, 1], &[3, 6, 2, 1, 5], &[], &[5, 6], &[3, 6, 2, 1, 5]),
            (&[3, 2, 1, 0], &[3, 1], &[0, 2], &[], &[3, 1, 0, 2]),
            (
                &[3, 2, 1, 0],
                &[7, 3, 1, 9],
                &[0, 2],
                &[7, 9],
                &[7, 3, 1, 9, 0, 2],
            ),
            (&[3, 2, 1, 0], &[0, 1, 3, 2], &[], &[], &[0, 1, 3, 2]),
        ];
        for (current, target, removing, adding, replicas) in cases {
            let moving = reassigning(&state(current, current, Some(current[0])), &ids(target));
            assert_eq!(
                (moving.removing, moving.adding, moving.replicas),
                (ids(removing), ids(adding), ids(replicas)),
                "{current:?} -> {target:?}"
            );
        }
    }

    /// `PartitionReassignmentReplicasTest`'s completions: (current, target, target ISR, the
    /// completed replicas and ISR if it completes).
    #[test]
    fn a_reassignment_completes_once_every_target_replica_is_in_sync() {
        type Case<'a> = (
            &'a [i32],
            &'a [i32],
            &'a [i32],
            Option<(&'a [i32], &'a [i32])>,
        );
        let cases: [Case; 6] = [
            (&[0, 1, 2], &[3, 4, 5], &[0, 1, 2, 3, 4], None),
            (
                &[0, 1, 2],
                &[3, 4, 5],
                &[0, 1, 2, 3, 4, 5],
                Some((&[3, 4, 5], &[3, 4, 5])),
            ),
            (
                &[0, 1, 2],
                &[0, 1, 3],
                &[0, 1, 2, 3],
                Some((&[0, 1, 3], &[0, 1, 3])),
            ),
            (&[0, 1, 2], &[0, 1, 3], &[0, 1, 2], None),
            (&[0, 1, 2, 3], &[1, 2, 3, 4, 5], &[0, 1, 2, 3, 5], None),
            (&[0, 1, 2, 3, 4], &[2, 3, 4, 5], &[0, 1, 2, 3, 4], None),
        ];
        for (current, target, isr, completed) in cases {
            let mut moving = reassigning(&state(current, current, Some(current[0])), &ids(target));
            moving.isr = ids(isr);
            let done = complete_reassignment(&mut moving);
            match completed {
                Some((replicas, isr)) => {
                    assert!(done, "{current:?} -> {target:?}");
                    assert_eq!((moving.replicas, moving.isr), (ids(replicas), ids(isr)));
                    assert!(moving.adding.is_empty() && moving.removing.is_empty());
                }
                None => assert!(!done, "{current:?} -> {target:?} with ISR {isr:?}"),
            }
        }
        let mut settled = state(&[0, 1, 2], &[0, 1, 2], Some(0));
        assert!(!complete_reassignment(&mut settled), "nothing under way");
    }
}
