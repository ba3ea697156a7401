//! Where a new partition's replicas go: Kafka's rack-unaware replica assignment
//! (`AdminUtils.assignReplicasToBrokersRackUnaware`).
//!
//! The first replica of partition `p` goes to broker `(p + startIndex) % n`; the other replicas
//! follow at a shift that grows by one every `n` partitions, so leaders and followers spread
//! evenly. `startIndex` and the first shift are random, so two topics do not pile onto the same
//! brokers.
//!
//! Simplification, stated in the lessons: KRaft controllers place replicas with the
//! `StripedReplicaPlacer`, which also balances racks; without racks both spread replicas
//! evenly, and the simulation uses this classic algorithm in both metadata modes. It keeps the
//! placer's rule for fenced brokers: used last, never as the leader.

use crate::ids::BrokerId;
use crate::rng::SimRng;

/// Replica lists for partitions `first_partition..first_partition + partitions` over `brokers`
/// (sorted, at least `replication_factor` of them).
pub fn assign_replicas(
    brokers: &[BrokerId],
    partitions: i32,
    replication_factor: i32,
    first_partition: i32,
    rng: &mut SimRng,
) -> Vec<Vec<BrokerId>> {
    let count = brokers.len() as u32;
    if count == 0 || replication_factor <= 0 {
        return Vec::new();
    }
    let start_index = rng.below(count) as usize;
    let mut next_replica_shift = rng.below(count) as usize;
    let n = brokers.len();
    let mut assignment = Vec::new();
    for partition in first_partition..first_partition.saturating_add(partitions) {
        let partition = partition as usize;
        if partition > 0 && partition % n == 0 {
            next_replica_shift += 1;
        }
        let first_index = (partition + start_index) % n;
        let mut replicas = vec![brokers[first_index]];
        for j in 0..(replication_factor as usize).saturating_sub(1) {
            replicas.push(brokers[replica_index(first_index, next_replica_shift, j, n)]);
        }
        assignment.push(replicas);
    }
    assignment
}

/// [`assign_replicas`] over the unfenced brokers, with as many fenced brokers after them as the
/// replication factor still needs, rotating partition by partition. This is how KRaft's
/// `StripedReplicaPlacer` treats fenced brokers ("avoid the fenced replica if possible"): never
/// first, and only when the unfenced brokers are too few. `unfenced` must not be empty, and the
/// two lists together must hold `replication_factor` brokers.
pub fn assign_replicas_fenced_last(
    unfenced: &[BrokerId],
    fenced: &[BrokerId],
    partitions: i32,
    replication_factor: i32,
    first_partition: i32,
    rng: &mut SimRng,
) -> Vec<Vec<BrokerId>> {
    let from_unfenced = replication_factor.min(unfenced.len() as i32);
    let mut assignment = assign_replicas(unfenced, partitions, from_unfenced, first_partition, rng);
    let extra = (replication_factor - from_unfenced) as usize;
    if extra > 0 && !fenced.is_empty() {
        for (replicas, partition) in assignment.iter_mut().zip(first_partition.max(0) as usize..) {
            replicas.extend((0..extra).map(|j| fenced[(partition + j) % fenced.len()]));
        }
    }
    assignment
}

/// `AdminUtils.replicaIndex`.
fn replica_index(
    first_index: usize,
    second_replica_shift: usize,
    replica: usize,
    brokers: usize,
) -> usize {
    let shift = 1 + (second_replica_shift + replica) % (brokers - 1).max(1);
    (first_index + shift) % brokers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(ids: &[i32]) -> Vec<BrokerId> {
        ids.iter().map(|id| BrokerId(*id)).collect()
    }

    #[test]
    fn replicas_of_a_partition_are_on_distinct_brokers() {
        let brokers = ids(&[1, 2, 3, 4, 5]);
        let mut rng = SimRng::seed_from_u64(3);
        for replicas in assign_replicas(&brokers, 20, 3, 0, &mut rng) {
            let mut sorted = replicas.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), 3, "{replicas:?}");
        }
    }

    // StripedReplicaPlacerTest.testAvoidFencedReplicaIfPossibleOnSingleRack: a fenced broker
    // gets a replica only when the unfenced ones are too few, and never the first.
    #[test]
    fn fenced_brokers_come_last_and_only_when_needed() {
        let unfenced = ids(&[1, 2]);
        let fenced = ids(&[3, 4]);
        let mut rng = SimRng::seed_from_u64(5);
        for replicas in assign_replicas_fenced_last(&unfenced, &fenced, 6, 2, 0, &mut rng) {
            assert!(
                replicas.iter().all(|r| unfenced.contains(r)),
                "{replicas:?}"
            );
        }
        let placed = assign_replicas_fenced_last(&unfenced, &fenced, 6, 4, 0, &mut rng);
        for replicas in &placed {
            assert!(unfenced.contains(&replicas[0]) && unfenced.contains(&replicas[1]));
            let mut sorted = replicas.clone();
            sorted.sort();
            assert_eq!(sorted, ids(&[1, 2, 3, 4]), "{replicas:?}");
        }
        let third: Vec<BrokerId> =
            assign_replicas_fenced_last(&unfenced, &fenced, 4, 3, 0, &mut rng)
                .iter()
                .map(|replicas| replicas[2])
                .collect();
        assert_eq!(third, ids(&[3, 4, 3, 4]), "the fenced brokers take turns");
    }

    #[test]
    fn leaders_spread_evenly_over_brokers() {
        let brokers = ids(&[1, 2, 3]);
        let mut rng = SimRng::seed_from_u64(9);
        let assignment = assign_replicas(&brokers, 6, 2, 0, &mut rng);
        for broker in &brokers {
            let leads = assignment.iter().filter(|r| r[0] == *broker).count();
            assert_eq!(leads, 2);
        }
    }

    #[test]
    fn kafkas_example_with_a_fixed_start_follows_the_shift_rule() {
        // With startIndex 0 and shift 0 over 5 brokers (AdminUtilsTest's layout): partition 0
        // is [0,1,2]; partition 5 shifts the followers by one more: [0,2,3].
        let brokers = ids(&[0, 1, 2, 3, 4]);
        let n = brokers.len();
        let first = |p: usize| (p) % n;
        assert_eq!(replica_index(first(0), 0, 0, n), 1);
        assert_eq!(replica_index(first(5), 1, 0, n), 2);
        assert_eq!(replica_index(first(5), 1, 1, n), 3);
    }
}
