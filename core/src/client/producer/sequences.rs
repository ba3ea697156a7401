//! The idempotent producer's sequence numbers per partition (the `TransactionManager`'s
//! `TopicPartitionBookkeeper`), and how it recovers when a partition's sequences have a gap or
//! an unknown outcome: it bumps its own epoch (KIP-360) and numbers the partition's batches
//! again from 0 under the new epoch. The leader accepts a higher epoch from sequence 0, so the
//! bump needs no request and keeps the producer id.
//!
//! - Each partition counts its sequences under one producer id and epoch. After a bump, a
//!   partition that was not renumbered moves to the new epoch (at sequence 0) once none of its
//!   batches is in flight; its new batches wait until then (`shouldStopDrainBatchesForPartition`).
//! - A batch whose attempt fails for good while it still had retries left (a non-retriable
//!   error, or `delivery.timeout.ms` up when the attempt failed: `adjustSequenceNumbers`), or
//!   with `OUT_OF_ORDER_SEQUENCE_NUMBER`, makes the producer bump the epoch for its partition
//!   (`handleFailedBatch`).
//! - A batch that expires after it was retried (in the queue waiting for its next attempt, or
//!   in a request awaiting its answer) may or may not be in the log: its partition is
//!   *unresolved*, and no new batch goes to it until its batches in flight have
//!   completed. If the acknowledged sequences then reach the next sequence, nothing was lost;
//!   otherwise the producer bumps the epoch (`markSequenceUnresolved`, `maybeResolveSequences`).
//! - `OUT_OF_ORDER_SEQUENCE_NUMBER` for a batch that is not the next one only means an earlier
//!   batch must land first: it is retried. For the next one it means the leader lost sequences
//!   (an unclean election, say): the producer bumps the epoch and retries (`canRetry`).
//!
//! Only an idempotent producer without a `transactional.id` bumps its epoch here; a
//! transactional producer's failed batch makes its transaction abortable instead (see
//! [`transactions`](super::transactions)).

use std::collections::VecDeque;

use crate::vec_map::{VecMap, VecSet};

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{ProducerId, TopicPartition};
use crate::log::batch::last_sequence;

use super::accumulator::ProducerBatch;
use super::Producer;

/// `NO_LAST_ACKED_SEQUENCE_NUMBER`.
const NO_LAST_ACKED_SEQUENCE: i32 = -1;

/// One partition's sequences (`TopicPartitionEntry`).
#[derive(Debug, Clone)]
pub struct PartitionSequences {
    /// The producer id and epoch its batches carry.
    pub producer: (ProducerId, i16),
    /// The sequence number of its next new batch.
    pub next_sequence: i32,
    /// The last sequence number the leader acknowledged; -1 for none.
    pub last_acked_sequence: i32,
}

impl PartitionSequences {
    fn starting(producer: (ProducerId, i16)) -> PartitionSequences {
        PartitionSequences {
            producer,
            next_sequence: 0,
            last_acked_sequence: NO_LAST_ACKED_SEQUENCE,
        }
    }
}

/// Sequence numbers per partition, and what the next epoch bump must redo.
#[derive(Debug, Clone, Default)]
pub struct SequenceBook {
    /// Per partition.
    pub partitions: VecMap<TopicPartition, PartitionSequences>,
    /// Partitions whose batches expired while waiting for a retry, with the sequence after
    /// the last of them (`partitionsWithUnresolvedSequences`).
    pub unresolved: VecMap<TopicPartition, i32>,
    /// Partitions the next bump numbers again from 0 (`partitionsToRewriteSequences`).
    pub to_rewrite: VecSet<TopicPartition>,
    /// Whether the sender bumps the epoch on its next run (`epochBumpRequired`).
    pub epoch_bump_required: bool,
}

impl SequenceBook {
    /// Forgets every partition's sequences (`resetSequenceNumbers`).
    pub fn reset(&mut self) {
        self.partitions.clear();
        self.unresolved.clear();
    }

    /// `requestEpochBumpForPartition`.
    fn request_epoch_bump(&mut self, partition: &TopicPartition) {
        self.epoch_bump_required = true;
        self.to_rewrite.insert(partition.clone());
    }

    /// `isNextSequence`: whether `sequence` comes right after the last acknowledged one.
    fn is_next_sequence(&self, partition: &TopicPartition, sequence: i32) -> bool {
        let last_acked = self
            .partitions
            .get(partition)
            .map_or(NO_LAST_ACKED_SEQUENCE, |p| p.last_acked_sequence);
        i64::from(sequence) - i64::from(last_acked) == 1
    }
}

/// `DefaultRecordBatch.incrementSequence`: wraps to 0 after `Integer.MAX_VALUE`.
fn increment_sequence(sequence: i32, increment: i32) -> i32 {
    last_sequence(sequence, increment)
}

impl Producer {
    /// The producer id and epoch batches carry now; none before the first InitProducerId.
    fn current_producer(&self) -> (ProducerId, i16) {
        self.producer_id.unwrap_or((ProducerId::NONE, -1))
    }

    /// The first sequence number of a new batch of `records` records for `partition`
    /// (`RecordAccumulator.drain`). A partition still on an older epoch starts again at 0
    /// under the current one (`maybeUpdateProducerIdAndEpoch`):
    /// [`sequence_allows_drain`](Self::sequence_allows_drain) let the batch go only once none
    /// of the partition's batches is in flight.
    pub(crate) fn take_sequence(&mut self, partition: &TopicPartition, records: i32) -> i32 {
        let current = self.current_producer();
        let entry = match self.sequences.partitions.get_mut(partition) {
            Some(entry) => entry,
            None => self
                .sequences
                .partitions
                .entry(partition.clone())
                .or_insert_with(|| PartitionSequences::starting(current)),
        };
        if entry.producer != current {
            *entry = PartitionSequences::starting(current);
        }
        let base = entry.next_sequence;
        entry.next_sequence = increment_sequence(base, records);
        base
    }

    /// `shouldStopDrainBatchesForPartition`, for sequences: a new batch (`front`, at the head
    /// of `queued`) waits while its partition is unresolved, or while the partition's batches
    /// in flight carry an older epoch than the producer's. A batch being retried (it has a
    /// sequence) goes only when it is the partition's first batch in flight by sequence
    /// (`firstInFlightSequence`): retries go one at a time, each after the one before it
    /// completed, which "effectively reduces our in flight request count to 1".
    pub(crate) fn sequence_allows_drain(
        &self,
        front: &ProducerBatch,
        queued: &VecDeque<ProducerBatch>,
    ) -> bool {
        if !self.rules.idempotent {
            return true;
        }
        if let Some(sequence) = front.base_sequence {
            return self
                .first_in_flight_sequence(&front.partition, queued)
                .is_none_or(|first| first == sequence);
        }
        let partition = &front.partition;
        if !self.sequences.unresolved.is_empty()
            && self.sequences.unresolved.contains_key(partition)
        {
            return false;
        }
        let stale = self
            .sequences
            .partitions
            .get(partition)
            .is_some_and(|entry| entry.producer != self.current_producer());
        !(stale && self.has_batches_in_flight(partition, Some(queued)))
    }

    /// The lowest sequence of the partition's batches that have one and have not completed
    /// (`nextBatchBySequence`).
    fn first_in_flight_sequence(
        &self,
        partition: &TopicPartition,
        queued: &VecDeque<ProducerBatch>,
    ) -> Option<i32> {
        let mut first: Option<i32> = None;
        self.each_incomplete_sequence(partition, Some(queued), |sequence| {
            first = Some(first.map_or(sequence, |first| first.min(sequence)));
        });
        first
    }

    /// Whether some batch of `partition` has a sequence number and has not completed
    /// (`hasInflightBatches`).
    fn has_batches_in_flight(
        &self,
        partition: &TopicPartition,
        queued: Option<&VecDeque<ProducerBatch>>,
    ) -> bool {
        let mut any = false;
        self.each_incomplete_sequence(partition, queued, |_| any = true);
        any
    }

    /// Calls `each` with the sequence of every batch of `partition` that has one and has not
    /// completed: sent and awaiting an answer, or back in the queue (`queued`) for a retry.
    fn each_incomplete_sequence(
        &self,
        partition: &TopicPartition,
        queued: Option<&VecDeque<ProducerBatch>>,
        mut each: impl FnMut(i32),
    ) {
        for batch in queued.into_iter().flatten() {
            if let Some(sequence) = batch.base_sequence {
                each(sequence);
            }
        }
        for request in self.in_flight.values() {
            for batch in &request.batches {
                if let Some(sequence) = batch
                    .base_sequence
                    .filter(|_| batch.partition == *partition)
                {
                    each(sequence);
                }
            }
        }
    }

    /// An acknowledged batch moves its partition's last acknowledged sequence
    /// (`handleCompletedBatch`).
    pub(crate) fn sequence_acknowledged(&mut self, batch: &ProducerBatch) {
        let (Some(last), Some(sealed)) = (batch.last_sequence(), &batch.sealed) else {
            return;
        };
        if let Some(entry) = self.sequences.partitions.get_mut(&batch.partition) {
            if entry.producer == (sealed.producer_id, sealed.producer_epoch)
                && last > entry.last_acked_sequence
            {
                entry.last_acked_sequence = last;
            }
        }
    }

    /// A sent batch of a producer without a `transactional.id` failed for good
    /// (`handleFailedBatch`): `adjust_sequences` when it still had retries left, so later
    /// sequences cannot follow it.
    pub(crate) fn sequence_failed(
        &mut self,
        batch: &ProducerBatch,
        error: &KafkaError,
        adjust_sequences: bool,
    ) {
        if !self.rules.idempotent || batch.base_sequence.is_none() {
            return;
        }
        if error.code == ErrorCode::OutOfOrderSequenceNumber || adjust_sequences {
            self.sequences.request_epoch_bump(&batch.partition);
        }
    }

    /// A batch that had been sent expired in the queue: nobody knows whether the leader
    /// appended it (`markSequenceUnresolved`). Whether its partition is unresolved now.
    pub(crate) fn mark_sequence_unresolved(&mut self, batch: &ProducerBatch) -> bool {
        if self.transactions.is_some() {
            return false;
        }
        let Some(last) = batch.last_sequence() else {
            return false;
        };
        let next = increment_sequence(last, 1);
        let unresolved = self
            .sequences
            .unresolved
            .entry(batch.partition.clone())
            .or_insert(next);
        *unresolved = (*unresolved).max(next);
        true
    }

    /// `canRetry` for `OUT_OF_ORDER_SEQUENCE_NUMBER`: a batch that is not the next one waits
    /// for the batches before it; for the next one (or the one after an unresolved gap) the
    /// idempotent producer bumps the epoch and retries. A transactional producer fails it.
    pub(crate) fn out_of_order_can_retry(&mut self, batch: &ProducerBatch) -> bool {
        let Some(base) = batch.base_sequence else {
            return false;
        };
        let partition = &batch.partition;
        let unresolved = self.sequences.unresolved.get(partition).copied();
        if unresolved.is_none()
            && (batch.sequence_reset || !self.sequences.is_next_sequence(partition, base))
        {
            return true;
        }
        if self.transactions.is_some() {
            return false;
        }
        if unresolved.is_none_or(|next| next == base) {
            self.sequences.request_epoch_bump(partition);
        }
        true
    }

    /// The idempotent producer's first steps on each run of the sender: settle the
    /// unresolved partitions whose batches have all completed (`maybeResolveSequences`), then
    /// bump the epoch if a partition asked for it (`bumpIdempotentEpochAndResetIdIfNeeded`).
    pub(crate) fn settle_sequences(&mut self, ctx: &mut Ctx) {
        if !self.sequences.unresolved.is_empty() {
            let unresolved: Vec<TopicPartition> =
                self.sequences.unresolved.keys().cloned().collect();
            for partition in unresolved {
                let queued = self
                    .accumulator
                    .queue(&partition.topic, partition.partition);
                if self.has_batches_in_flight(&partition, queued) {
                    continue;
                }
                let next = self
                    .sequences
                    .partitions
                    .get(&partition)
                    .map_or(0, |entry| entry.next_sequence);
                if !self.sequences.is_next_sequence(&partition, next) {
                    self.sequences.request_epoch_bump(&partition);
                }
                self.sequences.unresolved.remove(&partition);
            }
        }
        if self.sequences.epoch_bump_required {
            self.bump_epoch(ctx);
        }
    }

    /// `bumpIdempotentProducerEpoch`: the next epoch, and the partitions that asked for it
    /// numbered again from 0. An exhausted epoch asks for a new producer id instead.
    fn bump_epoch(&mut self, ctx: &mut Ctx) {
        self.sequences.epoch_bump_required = false;
        let partitions: Vec<TopicPartition> = self.sequences.to_rewrite.iter().cloned().collect();
        self.sequences.to_rewrite.clear();
        match self.producer_id {
            Some((producer_id, epoch)) if epoch < i16::MAX => {
                self.producer_id = Some((producer_id, epoch + 1));
                ctx.emit(EventKind::ProducerEpochBumped {
                    producer: self.id,
                    producer_id,
                    producer_epoch: epoch + 1,
                    partitions: partitions.clone(),
                });
            }
            _ => self.producer_id = None,
        }
        let current = self.current_producer();
        for partition in &partitions {
            self.start_sequences_at_beginning(partition, current);
            self.sequences.unresolved.remove(partition);
        }
    }

    /// `startSequencesAtBeginning`: the partition's batches that have not completed get
    /// `producer` and sequences from 0, in their old order; its next new batch follows them.
    fn start_sequences_at_beginning(
        &mut self,
        partition: &TopicPartition,
        producer: (ProducerId, i16),
    ) {
        // Each unfinished batch's old first sequence and size: a batch's new first sequence
        // is the size of the batches before it.
        let mut old: Vec<(i32, i32)> = Vec::new();
        self.for_each_unfinished(partition, |batch| {
            if let Some(base) = batch.base_sequence {
                old.push((base, batch.record_count));
            }
        });
        let sequence_after = |base: Option<i32>| {
            old.iter()
                .filter(|(other, _)| base.is_none_or(|base| *other < base))
                .fold(0, |sequence, (_, records)| {
                    increment_sequence(sequence, *records)
                })
        };
        self.for_each_unfinished(partition, |batch| {
            if batch.base_sequence.is_some() {
                batch.reset_producer_state(producer, sequence_after(batch.base_sequence));
            }
        });
        let next = sequence_after(None);
        self.sequences.partitions.insert(
            partition.clone(),
            PartitionSequences {
                producer,
                next_sequence: next,
                last_acked_sequence: NO_LAST_ACKED_SEQUENCE,
            },
        );
    }

    /// Runs `visit` on each batch of `partition` that was sent and has not completed: back in
    /// the queue for a retry, or in a request awaiting its answer.
    fn for_each_unfinished(
        &mut self,
        partition: &TopicPartition,
        mut visit: impl FnMut(&mut ProducerBatch),
    ) {
        if let Some(queue) = self
            .accumulator
            .queue_mut(&partition.topic, partition.partition)
        {
            queue.iter_mut().for_each(&mut visit);
        }
        self.in_flight
            .values_mut()
            .flat_map(|request| request.batches.iter_mut())
            .filter(|batch| batch.partition == *partition)
            .for_each(visit);
    }
}

#[cfg(test)]
mod tests {
    //! After Kafka's `TransactionManagerTest` (`testNoProducerIdResetAfterLastInFlightBatchSucceeds`,
    //! `testEpochBumpAfterLastInflightBatchFails`): how an unresolved partition settles.

    use super::*;
    use crate::client::producer::accumulator::NewRecordRef;
    use crate::client::producer::sender::InFlight;
    use crate::client::producer::ProducerRules;
    use crate::cluster::context::TestWorld;
    use crate::ids::BrokerId;
    use crate::kinds::CompressionType;
    use crate::log::record_size::RecordBody;
    use crate::log::ProducedBatch;
    use crate::network::ClientId;

    fn orders_0() -> TopicPartition {
        TopicPartition::new("orders", 0)
    }

    /// An idempotent producer with producer id 7, epoch 0.
    fn producer() -> Producer {
        let mut producer = Producer::new(
            ClientId(0),
            "p".into(),
            ProducerRules::default(),
            vec![BrokerId(1)],
            0,
        );
        producer.producer_id = Some((ProducerId(7), 0));
        producer
    }

    /// A new one-record batch for `orders-0`, taken from the queue.
    fn new_batch(producer: &mut Producer) -> ProducerBatch {
        let record = NewRecordRef {
            timestamp_ms: 0,
            key: Some(b"k"),
            value: Some(b"v"),
            headers: &[],
            body: RecordBody::of(Some(b"k"), Some(b"v"), &[]),
        };
        producer
            .accumulator
            .append("orders", 0, record, 16_384, 0, |_, _| Ok::<(), ()>(()))
            .expect("admitted");
        producer
            .accumulator
            .queue_mut("orders", 0)
            .and_then(VecDeque::pop_front)
            .expect("queued")
    }

    /// A one-record batch for `orders-0`, numbered and sealed as the sender does when it
    /// sends it.
    fn sent_batch(producer: &mut Producer) -> ProducerBatch {
        let mut batch = new_batch(producer);
        let base_sequence = producer.take_sequence(&orders_0(), batch.record_count);
        batch.base_sequence = Some(base_sequence);
        let (producer_id, producer_epoch) = producer.current_producer();
        batch.close(|records| ProducedBatch {
            producer_id,
            producer_epoch,
            base_sequence,
            is_transactional: false,
            compression: CompressionType::None,
            records,
        });
        batch.attempts = 1;
        batch
    }

    /// A new, unsent batch at the head of `orders-0`'s queue.
    fn queued_batch(producer: &mut Producer) -> VecDeque<ProducerBatch> {
        VecDeque::from([new_batch(producer)])
    }

    /// Batch 0 is acknowledged; batch 1 expires while waiting for a retry; batch 2 is in
    /// flight. The partition is unresolved: a new batch waits.
    fn unresolved_with_one_in_flight() -> (Producer, ProducerBatch) {
        let mut producer = producer();
        let first = sent_batch(&mut producer);
        producer.sequence_acknowledged(&first);
        let expired = sent_batch(&mut producer);
        let in_flight = sent_batch(&mut producer);
        producer.in_flight.insert(
            1,
            InFlight {
                broker: BrokerId(1),
                batches: vec![in_flight.clone()],
            },
        );
        assert!(producer.mark_sequence_unresolved(&expired));
        let new = queued_batch(&mut producer);
        assert!(!producer.sequence_allows_drain(&new[0], &new));
        let mut world = TestWorld::new();
        producer.settle_sequences(&mut world.ctx());
        assert!(
            producer.sequences.unresolved.contains_key(&orders_0()),
            "a batch is still in flight"
        );
        producer.in_flight.remove(&1);
        (producer, in_flight)
    }

    #[test]
    fn an_unresolved_partition_whose_last_batch_succeeds_keeps_its_epoch() {
        let (mut producer, last) = unresolved_with_one_in_flight();
        producer.sequence_acknowledged(&last);
        let mut world = TestWorld::new();
        producer.settle_sequences(&mut world.ctx());
        assert!(producer.sequences.unresolved.is_empty());
        assert_eq!(producer.producer_id, Some((ProducerId(7), 0)));
        assert!(world.out.events.is_empty());
        let new = queued_batch(&mut producer);
        assert!(producer.sequence_allows_drain(&new[0], &new));
    }

    #[test]
    fn an_unresolved_partition_whose_last_batch_fails_bumps_the_epoch() {
        let (mut producer, _) = unresolved_with_one_in_flight();
        let mut world = TestWorld::new();
        producer.settle_sequences(&mut world.ctx());
        assert!(producer.sequences.unresolved.is_empty());
        assert_eq!(producer.producer_id, Some((ProducerId(7), 1)));
        assert_eq!(
            world.out.events,
            vec![EventKind::ProducerEpochBumped {
                producer: ClientId(0),
                producer_id: ProducerId(7),
                producer_epoch: 1,
                partitions: vec![orders_0()],
            }]
        );
        assert_eq!(producer.take_sequence(&orders_0(), 1), 0);
    }

    /// `startSequencesAtBeginning`: the batches still waiting for an answer are numbered again
    /// from 0 in their order, under the new epoch, and the next new batch follows them.
    #[test]
    fn a_bump_numbers_the_partitions_unfinished_batches_again_from_zero() {
        let mut producer = producer();
        let acknowledged = sent_batch(&mut producer);
        producer.sequence_acknowledged(&acknowledged);
        let failed = sent_batch(&mut producer);
        let retrying = sent_batch(&mut producer);
        let in_flight = sent_batch(&mut producer);
        producer.accumulator.reenqueue(retrying);
        producer.in_flight.insert(
            1,
            InFlight {
                broker: BrokerId(1),
                batches: vec![in_flight],
            },
        );
        let timeout = KafkaError::with_default_message(ErrorCode::RequestTimedOut);
        producer.sequence_failed(&failed, &timeout, true);
        let mut world = TestWorld::new();
        producer.settle_sequences(&mut world.ctx());

        let queued = &producer.accumulator.queue("orders", 0).expect("queued")[0];
        let sent = &producer.in_flight[&1].batches[0];
        for (batch, sequence) in [(queued, 0), (sent, 1)] {
            assert_eq!(batch.base_sequence, Some(sequence));
            assert!(batch.sequence_reset);
            let sealed = batch.sealed.as_ref().expect("sealed");
            assert_eq!(
                (
                    sealed.producer_id,
                    sealed.producer_epoch,
                    sealed.base_sequence
                ),
                (ProducerId(7), 1, sequence)
            );
        }
        assert_eq!(producer.take_sequence(&orders_0(), 1), 2);
    }

    /// A partition that was not renumbered keeps its epoch while its batches are in flight,
    /// then moves to the new one from sequence 0 (`maybeUpdateProducerIdAndEpoch`).
    #[test]
    fn a_partition_on_an_older_epoch_waits_for_its_batches_in_flight() {
        let mut producer = producer();
        let in_flight = sent_batch(&mut producer);
        producer.in_flight.insert(
            1,
            InFlight {
                broker: BrokerId(1),
                batches: vec![in_flight],
            },
        );
        producer.producer_id = Some((ProducerId(7), 1));
        let new = queued_batch(&mut producer);
        assert!(!producer.sequence_allows_drain(&new[0], &new));
        producer.in_flight.remove(&1);
        assert!(producer.sequence_allows_drain(&new[0], &new));
        assert_eq!(producer.take_sequence(&orders_0(), 1), 0);
    }
}
