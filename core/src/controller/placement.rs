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
//! evenly, and the simulation uses this classic algorithm in both metadata modes.

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
