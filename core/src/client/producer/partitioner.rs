//! How the producer picks a partition for a record.
//!
//! Kafka's `KafkaProducer.partition` decides in this order:
//! 1. an explicit partition on the record wins;
//! 2. a record with a key (even an empty one) goes to
//!    `toPositive(murmur2(serialized key)) % number of partitions` ([`keyed_partition`]);
//! 3. a record with a null key goes to the configured partitioner ([`PartitionerKind`]).
//!
//! The per-topic state of the null-key partitioners lives in [`UniformSticky`] and
//! [`RoundRobin`]; it is always valid for the topic's current partition count because Kafka
//! only ever adds partitions (a sticky partition or counter that was in range stays in range).

use serde::{Deserialize, Serialize};

use crate::ids::PartitionId;
use crate::murmur2::{murmur2, to_positive};
use crate::protocol::PartitionMetadata;
use crate::rng::SimRng;

/// Which partitioner handles records with a null key.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum PartitionerKind {
    /// Kafka >= 3.3 built-in uniform sticky partitioner (KIP-794), the default: stick to one
    /// random partition until `batch.size` bytes were produced to it, then pick another. With
    /// `partitioner.adaptive.partitioning.enable` (the default) the pick is weighted by each
    /// partition's queued batches, as the sender last counted them ([`PartitionLoadStats`]), so
    /// partitions whose leaders keep up get more records.
    #[default]
    UniformSticky,
    /// The sticky partitioner of Kafka 2.4 to 3.2 (KIP-480, `DefaultPartitioner`'s null-key
    /// path, `StickyPartitionCache`): stick to one random partition until a record would open
    /// a new batch (`onNewBatch`), then move to another one at random, never the same. Removed
    /// in Kafka 4.0; the playground keeps it (`partitioner.class` `DefaultPartitioner` or
    /// `UniformStickyPartitioner`) to show what KIP-794 replaced.
    StickyPerBatch,
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner`: a per-topic counter from 0,
    /// partition = `toPositive(counter++) % available partitions`; also what null-key records
    /// did before Kafka 2.4.
    ///
    /// Simplifications, stated here and in the UI: the playground applies it to null-key
    /// records only and still hashes keyed records, as pre-2.4 `DefaultPartitioner` did (set
    /// as `partitioner.class`, the real `RoundRobinPartitioner` ignores keys too; and the
    /// pre-2.4 default started its counter at a random value, not 0). The 3.x batching quirk
    /// where a new batch made it skip a partition (KAFKA-9965) is not modelled.
    RoundRobin,
}

/// The partition of a keyed record: `to_positive(murmur2(key)) % partition_count`.
///
/// `None` when the topic has no partitions (a non-positive count), which has no answer.
pub fn keyed_partition(key: &[u8], partition_count: i32) -> Option<PartitionId> {
    (partition_count > 0).then(|| PartitionId(to_positive(murmur2(key)) % partition_count))
}

/// The partitions a null-key partitioner picks from: Kafka's
/// `Cluster.availablePartitionsForTopic`, those the producer's metadata gives a leader, or every
/// partition when none has one (`BuiltInPartitioner.nextPartition`, `RoundRobinPartitioner`).
#[derive(Debug, Clone, Copy)]
pub struct Candidates<'a> {
    /// The topic's partition count.
    pub partition_count: i32,
    /// The topic's partitions, in order, as the producer's metadata last described them.
    pub partitions: &'a [PartitionMetadata],
}

impl Candidates<'_> {
    /// Every partition of a topic of `partition_count`, none known to be without a leader.
    pub fn all(partition_count: i32) -> Candidates<'static> {
        Candidates {
            partition_count,
            partitions: &[],
        }
    }

    /// How many partitions have a leader (every partition when no metadata is given).
    fn available_count(&self) -> usize {
        if self.partitions.is_empty() {
            return usize::try_from(self.partition_count.max(0)).unwrap_or(0);
        }
        self.partitions
            .iter()
            .filter(|partition| partition.leader.is_some())
            .count()
    }

    /// `availablePartitions.get(random % availablePartitions.size())`, or `random % count`
    /// when no partition is available; `random` is not negative.
    fn pick(&self, random: i32) -> PartitionId {
        let available = || {
            self.partitions
                .iter()
                .filter(|partition| partition.leader.is_some())
        };
        let count = available().count();
        if count == 0 || count == self.partitions.len() {
            return PartitionId(random % self.partition_count.max(1));
        }
        available()
            .nth(random as usize % count)
            .map_or(PartitionId(0), |partition| PartitionId(partition.partition))
    }
}

/// `BuiltInPartitioner.nextPartition`: `toPositive(random int)` picks a partition by the load
/// stats when there are some, else one of the available partitions.
fn next_partition(
    rng: &mut SimRng,
    candidates: Candidates<'_>,
    load_stats: Option<&PartitionLoadStats>,
) -> PartitionId {
    let random = to_positive(rng.next_i32());
    match load_stats {
        Some(stats) => stats.pick(random),
        None => candidates.pick(random),
    }
}

/// `BuiltInPartitioner.PartitionLoadStats`, from the queue sizes the sender counted
/// (`RecordAccumulator.partitionReady`): a cumulative frequency table in which each partition
/// with a leader weighs `max queue size + 1 - its queue size`. A partition whose leader is slow
/// to answer has more batches waiting, so it is picked less often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionLoadStats {
    /// The running sums of the weights, one per partition below.
    cumulative_frequency_table: Vec<i32>,
    /// The partitions, in the order the sender walked them.
    partition_ids: Vec<i32>,
}

impl PartitionLoadStats {
    /// `updatePartitionLoadStats(queueSizes, partitionIds, length)`: `queues` holds
    /// `(partition, queued batches)` for the partitions with a leader, and `all_partitions`
    /// counts every partition the accumulator has a queue for. `None` (pick uniformly) for a
    /// topic of fewer than 2 partitions, with no partition available, or when every partition
    /// has a leader and the same number of batches queued.
    pub fn from_queue_sizes(queues: &[(i32, i32)], all_partitions: usize) -> Option<Self> {
        let (_, first) = *queues.first()?;
        if all_partitions < 2 {
            return None;
        }
        let all_equal = queues.iter().all(|&(_, size)| size == first);
        if all_equal && queues.len() == all_partitions {
            return None;
        }
        let max_plus_1 = queues.iter().map(|&(_, size)| size).max().unwrap_or(0) + 1;
        let cumulative_frequency_table = queues
            .iter()
            .scan(0, |sum, &(_, size)| {
                *sum += max_plus_1 - size;
                Some(*sum)
            })
            .collect();
        Some(PartitionLoadStats {
            cumulative_frequency_table,
            partition_ids: queues.iter().map(|&(partition, _)| partition).collect(),
        })
    }

    /// The partition of `random % the table's total`: the first whose running sum is strictly
    /// greater (Kafka's binary search); `random` is not negative.
    fn pick(&self, random: i32) -> PartitionId {
        let total = self.cumulative_frequency_table.last().copied().unwrap_or(1);
        let weighted = random % total.max(1);
        let index = self
            .cumulative_frequency_table
            .partition_point(|&sum| sum <= weighted);
        PartitionId(self.partition_ids.get(index).copied().unwrap_or(0))
    }
}

/// `BuiltInPartitioner.StickyPartitionInfo`: the current sticky partition and the bytes
/// produced to it since it was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StickyPartitionInfo {
    partition: PartitionId,
    produced_bytes: i32,
}

/// What happened to the sticky partition after one append.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StickyUpdate {
    /// Bytes produced to the (old) sticky partition, including this record.
    pub produced_bytes: i32,
    /// Whether a new sticky partition was chosen after this record.
    pub switched: bool,
}

/// The uniform sticky partitioner's state for one topic
/// (`org.apache.kafka.clients.producer.internals.BuiltInPartitioner`).
///
/// Kafka only allows a switch when the partition's batches are full
/// (`enableSwitch = allBatchesFull(deque)`), and forces one at twice `batch.size`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UniformSticky {
    sticky: Option<StickyPartitionInfo>,
    /// The weights of the next pick, from the sender's last count; `None` picks uniformly.
    load_stats: Option<PartitionLoadStats>,
}

impl UniformSticky {
    /// Takes the sender's new count of the topic's queues (`updatePartitionLoadStats`).
    pub fn set_load_stats(&mut self, load_stats: Option<PartitionLoadStats>) {
        self.load_stats = load_stats;
    }

    /// `peekCurrentPartitionInfo`: the sticky partition, chosen at random on first use.
    pub fn current_partition(
        &mut self,
        rng: &mut SimRng,
        candidates: Candidates<'_>,
    ) -> PartitionId {
        let load_stats = self.load_stats.as_ref();
        let info = self.sticky.get_or_insert_with(|| StickyPartitionInfo {
            partition: next_partition(rng, candidates, load_stats),
            produced_bytes: 0,
        });
        info.partition
    }

    /// The partition the next null-key record goes to (`RecordAccumulator.append`): the sticky
    /// partition, unless a switch [`record_appended`](Self::record_appended) held back because
    /// the partition had a batch still filling can happen now that its batches are all full or
    /// sent (`partitionChanged`, which then retries with the new partition).
    pub fn partition_for_append(
        &mut self,
        sticky_batch_size: i32,
        all_batches_full: impl Fn(PartitionId) -> bool,
        rng: &mut SimRng,
        candidates: Candidates<'_>,
    ) -> PartitionId {
        let current = self.current_partition(rng, candidates);
        if !all_batches_full(current) {
            return current;
        }
        self.record_appended(0, sticky_batch_size, true, rng, candidates);
        self.current_partition(rng, candidates)
    }

    /// `updatePartitionInfo(partitionInfo, appendedBytes, cluster, enableSwitch)`: count the
    /// bytes the open batch grew by and switch to a new random partition once
    /// `sticky_batch_size` bytes were produced to this one and every batch of the partition is
    /// full (`enable_switch`), or in any case after twice `sticky_batch_size`. The new partition
    /// may be the same as the old one, as in Kafka.
    pub fn record_appended(
        &mut self,
        appended_bytes: i32,
        sticky_batch_size: i32,
        enable_switch: bool,
        rng: &mut SimRng,
        candidates: Candidates<'_>,
    ) -> StickyUpdate {
        let current = self.current_partition(rng, candidates);
        let produced_bytes = self
            .sticky
            .map_or(0, |info| info.produced_bytes)
            .saturating_add(appended_bytes);
        let switched = (produced_bytes >= sticky_batch_size && enable_switch)
            || produced_bytes >= sticky_batch_size.saturating_mul(2);
        self.sticky = Some(if switched {
            StickyPartitionInfo {
                partition: next_partition(rng, candidates, self.load_stats.as_ref()),
                produced_bytes: 0,
            }
        } else {
            StickyPartitionInfo {
                partition: current,
                produced_bytes,
            }
        });
        StickyUpdate {
            produced_bytes,
            switched,
        }
    }
}

/// KIP-480's `StickyPartitionCache` for one topic: the current sticky partition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StickyPartitionCache {
    partition: Option<PartitionId>,
}

impl StickyPartitionCache {
    /// `partition(topic, cluster)`: the sticky partition, drawn on first use.
    pub fn partition(&mut self, rng: &mut SimRng, candidates: Candidates<'_>) -> PartitionId {
        match self.partition {
            Some(partition) => partition,
            None => self.next_partition(None, rng, candidates),
        }
    }

    /// `nextPartition(topic, cluster, prevPartition)`, on a record that would open a batch in
    /// `previous`: if that is the sticky partition (or none was drawn yet), draw another
    /// available partition, never the same one again while another is available.
    pub fn next_partition(
        &mut self,
        previous: Option<PartitionId>,
        rng: &mut SimRng,
        candidates: Candidates<'_>,
    ) -> PartitionId {
        let old = self.partition;
        if old.is_some() && old != previous {
            return old.unwrap_or(PartitionId(0));
        }
        let new = match candidates.available_count() {
            // None available: any partition, drawn once.
            0 => candidates.pick(to_positive(rng.next_i32())),
            // One available: that one, with no draw.
            1 => candidates.pick(0),
            _ => loop {
                let drawn = candidates.pick(to_positive(rng.next_i32()));
                if Some(drawn) != old {
                    break drawn;
                }
            },
        };
        self.partition = Some(new);
        new
    }
}

/// `RoundRobinPartitioner`'s counter for one topic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundRobin {
    counter: i32,
}

impl RoundRobin {
    /// `nextValue` then `toPositive(value) % available partitions`: the counter value used and
    /// the partition it picks. The counter wraps like Java's `AtomicInteger`.
    pub fn next_partition(&mut self, candidates: Candidates<'_>) -> (i32, PartitionId) {
        let value = self.counter;
        self.counter = self.counter.wrapping_add(1);
        (value, candidates.pick(to_positive(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_partition_is_positive_hash_modulo_count() {
        // murmur2("21") = -973932308; to_positive = 1173551340; % 12 = 0, % 7 = 3.
        assert_eq!(keyed_partition(b"21", 12), Some(PartitionId(0)));
        assert_eq!(keyed_partition(b"21", 7), Some(PartitionId(3)));
        assert_eq!(keyed_partition(b"21", 0), None);
        assert_eq!(keyed_partition(b"21", -3), None);
    }

    #[test]
    fn sticky_partition_is_random_int_modulo_count() {
        let mut expected_rng = SimRng::seed_from_u64(5);
        let expected = PartitionId(to_positive(expected_rng.next_i32()) % 6);
        let mut rng = SimRng::seed_from_u64(5);
        let mut sticky = UniformSticky::default();
        assert_eq!(
            sticky.current_partition(&mut rng, Candidates::all(6)),
            expected
        );
        // Asking again neither draws nor moves.
        assert_eq!(
            sticky.current_partition(&mut rng, Candidates::all(6)),
            expected
        );
        assert_eq!(rng, expected_rng);
    }

    #[test]
    fn sticky_switches_once_batch_size_is_reached() {
        let mut rng = SimRng::seed_from_u64(11);
        let mut sticky = UniformSticky::default();
        sticky.current_partition(&mut rng, Candidates::all(3));
        let first = sticky.record_appended(40, 100, true, &mut rng, Candidates::all(3));
        assert_eq!((first.produced_bytes, first.switched), (40, false));
        let second = sticky.record_appended(40, 100, true, &mut rng, Candidates::all(3));
        assert_eq!((second.produced_bytes, second.switched), (80, false));
        let third = sticky.record_appended(40, 100, true, &mut rng, Candidates::all(3));
        assert_eq!((third.produced_bytes, third.switched), (120, true));
        let fourth = sticky.record_appended(40, 100, true, &mut rng, Candidates::all(3));
        assert_eq!((fourth.produced_bytes, fourth.switched), (40, false));
    }

    /// `partitionChanged`: a switch held back because the partition's batch was still filling
    /// happens before the next append once that batch is full or sent, not at twice the size.
    #[test]
    fn a_held_back_switch_happens_before_the_next_append_once_the_batches_are_full() {
        let mut rng = SimRng::seed_from_u64(11);
        let mut sticky = UniformSticky::default();
        sticky.current_partition(&mut rng, Candidates::all(3));
        let held = sticky.record_appended(120, 100, false, &mut rng, Candidates::all(3));
        assert_eq!((held.produced_bytes, held.switched), (120, false));
        // A batch still filling: no switch, and no random draw.
        let before = rng.clone();
        let still = sticky.partition_for_append(100, |_| false, &mut rng, Candidates::all(3));
        assert_eq!(rng, before);
        assert_eq!(
            sticky
                .record_appended(0, 100, false, &mut rng, Candidates::all(3))
                .produced_bytes,
            120
        );
        assert_eq!(
            sticky.current_partition(&mut rng, Candidates::all(3)),
            still
        );
        // Its batches full or sent: a new partition is drawn, counting from 0 bytes.
        sticky.partition_for_append(100, |_| true, &mut rng, Candidates::all(3));
        assert_ne!(rng, before, "drew a new partition");
        assert_eq!(
            sticky
                .record_appended(30, 100, false, &mut rng, Candidates::all(3))
                .produced_bytes,
            30
        );
    }

    /// Kafka's `BuiltInPartitionerTest.adaptivePartitionsTest`: with queue sizes 5 0 3 0 1 and
    /// the random numbers 0, 1, 2, ... each partition is picked `6 - its queue size` times in
    /// every run of the table's total.
    #[test]
    fn load_stats_pick_partitions_in_inverse_proportion_to_their_queues() {
        let sizes = [5, 0, 3, 0, 1];
        let queues: Vec<(i32, i32)> = (0..).zip(sizes).collect();
        let stats = PartitionLoadStats::from_queue_sizes(&queues, sizes.len()).expect("adaptive");
        assert_eq!(stats.cumulative_frequency_table, [1, 7, 10, 16, 21]);
        let cycles = 2;
        let mut frequencies = [0; 5];
        for random in 0..21 * cycles {
            frequencies[stats.pick(random).0 as usize] += 1;
        }
        let expected = sizes.map(|size| (6 - size) * cycles);
        assert_eq!(frequencies, expected);
    }

    /// `updatePartitionLoadStats` leaves the pick uniform (no stats) for a topic of one
    /// partition, with no partition available, or with every queue the same length; but a
    /// partition left out (no leader) keeps the stats, over the others only.
    #[test]
    fn load_stats_are_kept_only_when_queues_differ_or_a_partition_is_left_out() {
        assert_eq!(PartitionLoadStats::from_queue_sizes(&[(0, 3)], 1), None);
        assert_eq!(PartitionLoadStats::from_queue_sizes(&[], 3), None);
        let equal = [(0, 2), (1, 2), (2, 2)];
        assert_eq!(PartitionLoadStats::from_queue_sizes(&equal, 3), None);
        let without_1 = [(0, 2), (2, 2)];
        let stats = PartitionLoadStats::from_queue_sizes(&without_1, 3).expect("adaptive");
        let picks: Vec<i32> = (0..4).map(|random| stats.pick(random).0).collect();
        assert_eq!(picks, [0, 2, 0, 2]);
    }

    /// The sticky partitioner draws its next partition from the stats once it has some.
    #[test]
    fn the_sticky_partitioner_switches_by_the_load_stats() {
        let mut sticky = UniformSticky::default();
        // Partition 1 alone has an empty queue: weights 1, 3, 1 of 5.
        let queues = [(0, 2), (1, 0), (2, 2)];
        sticky.set_load_stats(PartitionLoadStats::from_queue_sizes(&queues, 3));
        let mut rng = SimRng::seed_from_u64(3);
        let mut counts = [0; 3];
        for _ in 0..5_000 {
            let update = sticky.record_appended(10, 10, true, &mut rng, Candidates::all(3));
            assert!(update.switched);
            counts[sticky.current_partition(&mut rng, Candidates::all(3)).0 as usize] += 1;
        }
        assert!(
            (2_800..3_200).contains(&counts[1]),
            "partition 1 should get 3 picks in 5: {counts:?}"
        );
    }

    #[test]
    fn round_robin_counts_from_zero_and_wraps_like_java() {
        let mut round_robin = RoundRobin::default();
        let picks: Vec<i32> = (0..5)
            .map(|_| round_robin.next_partition(Candidates::all(3)).1 .0)
            .collect();
        assert_eq!(picks, [0, 1, 2, 0, 1]);
        let mut near_overflow = RoundRobin { counter: i32::MAX };
        assert_eq!(
            near_overflow.next_partition(Candidates::all(3)),
            (i32::MAX, PartitionId(i32::MAX % 3))
        );
        // i32::MIN after wrapping: toPositive(i32::MIN) = 0.
        assert_eq!(
            near_overflow.next_partition(Candidates::all(3)),
            (i32::MIN, PartitionId(0))
        );
    }
}
