//! The producer's record accumulator (`RecordAccumulator`): per partition, a queue of batches
//! waiting to be sent, and the memory they hold (`buffer.memory`).
//!
//! A record joins the last open batch of its partition if it fits in `batch.size`; otherwise
//! it opens a new batch (larger than `batch.size` if the record alone is). Each batch holds its
//! buffer's memory from when it opens until it is acknowledged or fails for good.

use crate::vec_map::VecMap;
use std::collections::VecDeque;
use std::sync::Arc;

use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::log::record_size::RecordBody;
use crate::log::{Header, ProducedBatch, RecordSetBuilder};
use crate::topic::per_topic_mut;

/// One batch of records for one partition.
#[derive(Debug, Clone)]
pub struct ProducerBatch {
    /// The producer's own number for it, in creation order.
    pub id: u64,
    /// Its partition.
    pub partition: TopicPartition,
    /// The records, while the batch is open.
    builder: Option<RecordSetBuilder>,
    /// The batch as sent (and re-sent on retry), once closed.
    pub sealed: Option<Arc<ProducedBatch>>,
    /// How many records.
    pub record_count: i32,
    /// Its size on the wire, uncompressed.
    pub size_bytes: i32,
    /// The buffer memory it holds.
    pub reserved_bytes: i64,
    /// When it was created (`delivery.timeout.ms` counts from here).
    pub created_ms: i64,
    /// How many times it was sent.
    pub attempts: i32,
    /// Not before this time (retry backoff).
    pub retry_at_ms: i64,
    /// Its first sequence number (idempotence), assigned when first sent.
    pub base_sequence: Option<i32>,
    /// Whether an epoch bump gave it a new epoch and sequence after it was sent
    /// (`sequenceHasBeenReset`).
    pub sequence_reset: bool,
    /// Whether no more records fit.
    pub full: bool,
    /// The partition's leader epoch as the producer last saw it while the batch waited
    /// (`currentLeaderEpoch`).
    pub leader_epoch: Option<i32>,
    /// How many times it had been sent when that epoch last changed
    /// (`attemptsWhenLeaderLastChanged`).
    pub attempts_when_leader_last_changed: i32,
}

impl ProducerBatch {
    /// `maybeUpdateLeaderEpoch`: the producer's metadata gives the partition's leader epoch
    /// while the batch waits; a newer one means a new leader since the batch was last sent.
    pub fn maybe_update_leader_epoch(&mut self, latest: Option<i32>) {
        if let Some(latest) = latest {
            if self.leader_epoch.is_none_or(|current| current < latest) {
                self.attempts_when_leader_last_changed = self.attempts;
                self.leader_epoch = Some(latest);
            }
        }
    }

    /// When a retry may go (`shouldBackoff`, KIP-951): after its backoff, or at once when the
    /// partition's leader changed since the batch was last sent
    /// (`hasLeaderChangedForTheOngoingRetry`), since the new leader has not refused it.
    pub fn retry_due_ms(&self) -> i64 {
        let leader_changed =
            self.attempts >= 1 && self.attempts == self.attempts_when_leader_last_changed;
        if leader_changed {
            i64::MIN
        } else {
            self.retry_at_ms
        }
    }

    /// Closes the batch: no more records join; the record set is built once. Hands back the
    /// emptied builder, for [`Accumulator::recycle`].
    pub fn close(
        &mut self,
        make: impl FnOnce(Arc<crate::log::RecordSet>) -> ProducedBatch,
    ) -> Option<RecordSetBuilder> {
        self.full = true;
        if self.sealed.is_some() {
            return None;
        }
        let mut builder = self.builder.take()?;
        self.sealed = Some(Arc::new(make(Arc::new(builder.take()))));
        Some(builder)
    }

    /// `resetProducerState`: an epoch bump numbers the batch again; its next attempt carries
    /// the new producer id, epoch and sequence.
    pub fn reset_producer_state(&mut self, producer: (ProducerId, i16), base_sequence: i32) {
        self.base_sequence = Some(base_sequence);
        self.sequence_reset = true;
        if let Some(sealed) = &self.sealed {
            self.sealed = Some(Arc::new(ProducedBatch {
                producer_id: producer.0,
                producer_epoch: producer.1,
                base_sequence,
                ..ProducedBatch::clone(sealed)
            }));
        }
    }

    /// The sequence number of its last record, once it has one.
    pub fn last_sequence(&self) -> Option<i32> {
        self.base_sequence
            .map(|base| crate::log::batch::last_sequence(base, self.record_count - 1))
    }

    /// Whether it is still taking records.
    pub fn is_open(&self) -> bool {
        self.builder.is_some()
    }

    /// Whether the open batch has room for `record` within `batch_size`
    /// (`MemoryRecordsBuilder.hasRoomFor`).
    fn has_room_for(&self, record: NewRecordRef<'_>, batch_size: i32) -> bool {
        self.builder.as_ref().is_some_and(|builder| {
            let before = i64::from(builder.uncompressed_size_in_bytes());
            before.saturating_add(record.size_in_bytes(builder.len())) <= i64::from(batch_size)
        })
    }

    /// Adds the record if the open batch has room for it within `batch_size`
    /// (`MemoryRecordsBuilder.hasRoomFor`); otherwise marks the batch full.
    fn try_push(&mut self, record: NewRecordRef<'_>, batch_size: i32) -> Option<Appended> {
        if !self.is_open() {
            return None;
        }
        if !self.has_room_for(record, batch_size) {
            self.full = true;
            return None;
        }
        let builder = self.builder.as_mut()?;
        let before = builder.uncompressed_size_in_bytes();
        record.push_to(builder);
        let after = builder.uncompressed_size_in_bytes();
        self.record_count += 1;
        self.size_bytes = after;
        self.full = after >= batch_size;
        Some(Appended {
            batch_id: self.id,
            index: self.record_count - 1,
            appended_bytes: after - before,
            new_batch: false,
            batch_full: self.full,
        })
    }
}

/// The parts of a record a batch stores.
#[derive(Debug, Clone, Copy)]
pub struct NewRecordRef<'a> {
    /// Its timestamp (ms since the epoch).
    pub timestamp_ms: i64,
    /// The key; `None` is null.
    pub key: Option<&'a [u8]>,
    /// The value; `None` is null.
    pub value: Option<&'a [u8]>,
    /// The headers.
    pub headers: &'a [Header],
    /// `RecordBody::of(key, value, headers)`.
    pub body: RecordBody,
}

impl NewRecordRef<'_> {
    /// Its size as the next record of a batch holding `offset_delta` records already (the
    /// estimate of `MemoryRecordsBuilder.hasRoomFor`, with a timestamp delta of 0).
    fn size_in_bytes(&self, offset_delta: i32) -> i64 {
        self.body.size_in_bytes(offset_delta, 0)
    }

    /// Appends it to `builder`.
    fn push_to(&self, builder: &mut RecordSetBuilder) {
        builder.push_with_body(
            self.timestamp_ms,
            self.key,
            self.value,
            self.headers,
            self.body,
        );
    }
}

/// Where a record went in the accumulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The batch.
    pub batch_id: u64,
    /// The record's index in the batch.
    pub index: i32,
    /// How much the batch grew (the whole batch header too when the record opened it).
    pub appended_bytes: i32,
    /// Whether the record opened a new batch.
    pub new_batch: bool,
    /// Whether the batch is now full.
    pub batch_full: bool,
}

/// A topic's queues, indexed by partition, oldest batch first (a partition with nothing queued
/// has an empty queue, or none past the end). A record finds its queue by index, with no map
/// lookup.
pub type TopicQueues = Vec<VecDeque<ProducerBatch>>;

/// The batches waiting to be sent.
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    /// Per topic, then per partition (so in `TopicPartition` order): one lookup by name finds
    /// a topic's queues, and a record's partition is then found by its index, not by
    /// comparing names again.
    pub queues: VecMap<String, TopicQueues>,
    /// Per topic, the partitions that ever had a batch (Kafka's `TopicInfo.batches` keeps an
    /// entry per partition appended to, never removed): the adaptive partitioner waits until
    /// every partition of a topic has one. Noted when a partition's first batch is made, once
    /// per batch rather than per record; Kafka makes the entry before the append, so a record
    /// that waits for memory already counts there.
    queues_made: VecMap<String, Vec<bool>>,
    /// Per leader, when the sender last found batches ready for it and when it last could
    /// send them (`nodeStats`, kept only with `partitioner.availability.timeout.ms`).
    pub node_stats: VecMap<BrokerId, NodeLatencyStats>,
    /// Buffer memory held by batches not yet completed (queued or in flight).
    pub buffered_bytes: i64,
    next_batch_id: u64,
    /// Emptied builders of sent batches, whose buffers new batches reuse.
    spare: SpareBuilders,
}

/// `RecordAccumulator.NodeLatencyStats`: how long a leader has had batches waiting that it
/// could not take (`ready_ms - drain_ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLatencyStats {
    /// The last sender run that found batches ready for the leader.
    pub ready_ms: i64,
    /// The last sender run that could send to it.
    pub drain_ms: i64,
}

/// Kafka's `BufferPool` free list: emptied builders whose buffers new batches reuse. They hold
/// no records, so they are not state: they print as nothing and a clone starts without them.
#[derive(Default)]
struct SpareBuilders(Vec<RecordSetBuilder>);

impl Clone for SpareBuilders {
    fn clone(&self) -> Self {
        SpareBuilders::default()
    }
}

impl std::fmt::Debug for SpareBuilders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

/// The most emptied builders kept for reuse: a steady producer closes about as many batches
/// as it opens, but the sender closes the batches of every ready partition at once, so this
/// covers the largest preset's 48 partitions.
const MAX_SPARE_BUILDERS: usize = 64;
/// A builder whose buffers grew beyond this (a batch of huge records) is freed, not kept.
const MAX_SPARE_BYTES: usize = 64 << 10;

impl Accumulator {
    /// The memory a record needs if it opens a batch: `max(batch.size, its own size)`, its
    /// size being that of a batch holding it alone, header included
    /// (`AbstractRecords.estimateSizeInBytesUpperBound`).
    pub fn memory_for(serialized_bytes: i32, batch_size: i32) -> i64 {
        i64::from(batch_size.max(serialized_bytes))
    }

    /// Appends a record to `partition` of `topic` (`RecordAccumulator.append`), if `admit`
    /// agrees. `admit` is told whether the record opens a batch (its partition has none, or
    /// only full ones: `allBatchesFull`) and the buffer memory held, and may refuse; it runs
    /// before anything changes. The partition's queue is looked up once for both.
    pub fn append<E>(
        &mut self,
        topic: &str,
        partition: i32,
        record: NewRecordRef<'_>,
        batch_size: i32,
        now_ms: i64,
        admit: impl FnOnce(bool, i64) -> Result<(), E>,
    ) -> Result<Appended, E> {
        let last = self
            .queues
            .get_mut(topic)
            .and_then(|partitions| partitions.get_mut(partition_index(partition)?))
            .and_then(VecDeque::back_mut);
        let opens_batch = last.as_ref().is_none_or(|batch| batch.full);
        admit(opens_batch, self.buffered_bytes)?;
        if let Some(batch) = last.filter(|batch| batch.is_open() && !batch.full) {
            if let Some(appended) = batch.try_push(record, batch_size) {
                return Ok(appended);
            }
        }
        Ok(self.open_batch(topic, partition, record, batch_size, now_ms))
    }

    /// Starts a batch holding `record`, reusing a spare builder if there is one.
    fn open_batch(
        &mut self,
        topic: &str,
        partition: i32,
        record: NewRecordRef<'_>,
        batch_size: i32,
        now_ms: i64,
    ) -> Appended {
        let mut builder = self.spare.0.pop().unwrap_or_else(|| {
            RecordSetBuilder::for_batch(batch_size, record.key, record.value, record.headers)
        });
        record.push_to(&mut builder);
        let size_bytes = builder.uncompressed_size_in_bytes();
        let reserved_bytes = i64::from(batch_size.max(size_bytes));
        let id = self.next_batch_id;
        self.next_batch_id += 1;
        self.buffered_bytes += reserved_bytes;
        let batch = ProducerBatch {
            id,
            partition: TopicPartition::new(topic, partition),
            builder: Some(builder),
            sealed: None,
            record_count: 1,
            size_bytes,
            reserved_bytes,
            created_ms: now_ms,
            attempts: 0,
            retry_at_ms: 0,
            base_sequence: None,
            sequence_reset: false,
            full: size_bytes >= batch_size,
            leader_epoch: None,
            attempts_when_leader_last_changed: 0,
        };
        let full = batch.full;
        self.queue_or_insert(topic, partition).push_back(batch);
        Appended {
            batch_id: id,
            index: 0,
            appended_bytes: size_bytes,
            new_batch: true,
            batch_full: full,
        }
    }

    /// Whether `record` would join the last batch of `partition` rather than open a new one
    /// (`tryAppend` succeeding).
    pub fn has_room_for(
        &self,
        topic: &str,
        partition: i32,
        record: NewRecordRef<'_>,
        batch_size: i32,
    ) -> bool {
        self.queue(topic, partition)
            .and_then(VecDeque::back)
            .is_some_and(|batch| !batch.full && batch.has_room_for(record, batch_size))
    }

    /// Closes the last batch of `partition` to further records (`closeForRecordAppends`,
    /// after a record did not fit in it).
    pub fn close_for_appends(&mut self, topic: &str, partition: i32) {
        if let Some(batch) = self
            .queue_mut(topic, partition)
            .and_then(VecDeque::back_mut)
            .filter(|batch| batch.is_open())
        {
            batch.full = true;
        }
    }

    /// Whether every batch queued for `partition` is full (`allBatchesFull`), which lets the
    /// sticky partitioner switch.
    /// Like Kafka, only the last batch is looked at: every earlier one was closed, so is full.
    pub fn all_batches_full(&self, topic: &str, partition: i32) -> bool {
        self.queue(topic, partition)
            .and_then(VecDeque::back)
            .is_none_or(|batch| batch.full)
    }

    /// The batches queued for a partition, if any.
    pub fn queue(&self, topic: &str, partition: i32) -> Option<&VecDeque<ProducerBatch>> {
        self.queues
            .get(topic)?
            .get(partition_index(partition)?)
            .filter(|deque| !deque.is_empty())
    }

    /// The batches queued for a partition, to change them.
    pub fn queue_mut(
        &mut self,
        topic: &str,
        partition: i32,
    ) -> Option<&mut VecDeque<ProducerBatch>> {
        self.queues
            .get_mut(topic)?
            .get_mut(partition_index(partition)?)
    }

    /// The partition's queue, created if missing; the partition is noted as having had one.
    fn queue_or_insert(&mut self, topic: &str, partition: i32) -> &mut VecDeque<ProducerBatch> {
        mark_made(&mut self.queues_made, topic, partition);
        let partitions = per_topic_mut(&mut self.queues, topic);
        // A partition number was checked against the topic's partition count before its
        // record was accepted, so it is never negative here.
        let index = partition_index(partition).expect("a queued partition is not negative");
        if partitions.len() <= index {
            partitions.resize_with(index + 1, VecDeque::new);
        }
        &mut partitions[index]
    }

    /// `updateNodeLatencyStats`: the sender found batches ready for `leader` at `now_ms`, and
    /// could send them (`can_drain`) or not (its connection took no more requests).
    pub fn update_node_latency_stats(&mut self, leader: BrokerId, now_ms: i64, can_drain: bool) {
        let stats = self.node_stats.entry(leader).or_insert(NodeLatencyStats {
            ready_ms: now_ms,
            drain_ms: now_ms,
        });
        if can_drain {
            stats.drain_ms = now_ms;
        }
        stats.ready_ms = now_ms;
    }

    /// Whether `leader` has had batches ready but taken none for more than `timeout_ms`.
    pub fn unavailable_for(&self, leader: BrokerId, timeout_ms: i64) -> bool {
        self.node_stats
            .get(&leader)
            .is_some_and(|stats| stats.ready_ms - stats.drain_ms > timeout_ms)
    }

    /// Each topic appended to, with how many of its partitions ever had a queue.
    pub fn topics_made(&self) -> impl Iterator<Item = (&str, usize)> {
        self.queues_made
            .iter()
            .map(|(topic, made)| (topic.as_str(), made.iter().filter(|&&made| made).count()))
    }

    /// How many batches are queued for a partition (0 for none).
    pub fn queue_len(&self, topic: &str, partition: i32) -> usize {
        self.queue(topic, partition).map_or(0, VecDeque::len)
    }

    /// Every queue, in `TopicPartition` order (empty ones too).
    pub fn queues_mut(&mut self) -> impl Iterator<Item = &mut VecDeque<ProducerBatch>> {
        self.queues
            .values_mut()
            .flat_map(|partitions| partitions.iter_mut())
    }

    /// Forgets the queues of topics with nothing queued.
    pub fn remove_empty_queues(&mut self) {
        self.queues
            .retain(|_, partitions| partitions.iter().any(|deque| !deque.is_empty()));
    }

    /// Puts a batch back for a retry: by sequence number when it has one (so retries keep
    /// their order), else at the front.
    pub fn reenqueue(&mut self, batch: ProducerBatch) {
        let deque = self.queue_or_insert(&batch.partition.topic, batch.partition.partition);
        match batch.base_sequence {
            Some(sequence) => {
                let position = deque
                    .iter()
                    .position(|queued| queued.base_sequence.is_none_or(|other| other > sequence))
                    .unwrap_or(deque.len());
                deque.insert(position, batch);
            }
            None => deque.push_front(batch),
        }
    }

    /// Keeps a closed batch's emptied builder for a new batch.
    pub fn recycle(&mut self, builder: RecordSetBuilder) {
        if builder.is_empty()
            && builder.capacity_in_bytes() <= MAX_SPARE_BYTES
            && self.spare.0.len() < MAX_SPARE_BUILDERS
        {
            self.spare.0.push(builder);
        }
    }

    /// Releases a completed batch's memory.
    pub fn release(&mut self, batch: &ProducerBatch) {
        self.buffered_bytes = (self.buffered_bytes - batch.reserved_bytes).max(0);
    }

    /// How many batches are queued.
    pub fn queued_batches(&self) -> usize {
        self.queues.values().flatten().map(VecDeque::len).sum()
    }

    /// The number the next batch will get: every batch made so far has a smaller one.
    pub fn next_batch_id(&self) -> u64 {
        self.next_batch_id
    }

    /// Whether nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queues.values().flatten().all(VecDeque::is_empty)
    }
}

/// Every queue of `queues` (an [`Accumulator`]'s) holding a batch, with its topic and
/// partition, in `TopicPartition` order.
pub fn queued_mut(
    queues: &mut VecMap<String, TopicQueues>,
) -> impl Iterator<Item = (&str, i32, &mut VecDeque<ProducerBatch>)> {
    queues.iter_mut().flat_map(|(topic, partitions)| {
        partitions
            .iter_mut()
            .enumerate()
            .filter(|(_, deque)| !deque.is_empty())
            .map(move |(index, deque)| (topic.as_str(), partition_number(index), deque))
    })
}

/// Notes that `partition` of `topic` has had a queue (`getOrCreateDeque`).
fn mark_made(queues_made: &mut VecMap<String, Vec<bool>>, topic: &str, partition: i32) {
    let Some(index) = partition_index(partition) else {
        return;
    };
    let made = per_topic_mut(queues_made, topic);
    if made.len() <= index {
        made.resize(index + 1, false);
    }
    made[index] = true;
}

/// A partition's index in its topic's queues (`None` for a negative number).
fn partition_index(partition: i32) -> Option<usize> {
    usize::try_from(partition).ok()
}

/// The partition number of a queue index (queues exist only for partition numbers).
fn partition_number(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::record_size::RECORD_BATCH_OVERHEAD;

    /// A batch sent `attempts` times, backing off until 1000.
    fn retried_batch(attempts: i32) -> ProducerBatch {
        ProducerBatch {
            id: 0,
            partition: TopicPartition::new("t", 0),
            builder: None,
            sealed: None,
            record_count: 1,
            size_bytes: 100,
            reserved_bytes: 100,
            created_ms: 0,
            attempts,
            retry_at_ms: 1_000,
            base_sequence: None,
            sequence_reset: false,
            full: true,
            leader_epoch: None,
            attempts_when_leader_last_changed: 0,
        }
    }

    // ProducerBatchTest.testWithLeaderChangesAcrossRetries (KIP-951): a batch being retried
    // skips its backoff when the partition's leader epoch went up since it was last sent, and
    // only for that attempt.
    #[test]
    fn a_retry_to_a_new_leader_skips_the_backoff() {
        let mut batch = retried_batch(0);
        let changed = |batch: &ProducerBatch| batch.retry_due_ms() == i64::MIN;
        batch.maybe_update_leader_epoch(None);
        assert!(!changed(&batch));
        // The first attempt is not a retry.
        batch.maybe_update_leader_epoch(Some(100));
        assert!(!changed(&batch), "batch leader is assigned for 1st time");
        assert_eq!(batch.leader_epoch, Some(100));
        assert_eq!(batch.attempts_when_leader_last_changed, 0);
        // The first retry, to a new leader.
        batch.attempts = 1;
        batch.maybe_update_leader_epoch(Some(101));
        assert!(changed(&batch), "batch leader has changed");
        assert_eq!(batch.attempts_when_leader_last_changed, 1);
        // Still the first retry: the same epoch is still a change.
        batch.maybe_update_leader_epoch(Some(101));
        assert!(changed(&batch), "batch leader has changed");
        // The second retry, to the same leader, backs off.
        batch.attempts = 2;
        batch.maybe_update_leader_epoch(Some(101));
        assert!(!changed(&batch), "batch leader has not changed");
        assert_eq!(batch.retry_due_ms(), 1_000);
        assert_eq!(batch.attempts_when_leader_last_changed, 1);
    }

    // KafkaProducer.doSend: `Math.max(this.batchSize,
    // AbstractRecords.estimateSizeInBytesUpperBound(...))`. The estimate is the size of a batch
    // holding the record alone, so the batch header counts once.
    #[test]
    fn a_record_larger_than_a_batch_needs_its_own_size_with_one_header() {
        let value = vec![b'v'; 20_000];
        let body = RecordBody::of(Some(b"k"), Some(&value), &[]);
        let serialized = body.size_in_bytes(0, 0) + i64::from(RECORD_BATCH_OVERHEAD);
        assert_eq!(
            Accumulator::memory_for(serialized as i32, 16_384),
            serialized
        );
        assert_eq!(Accumulator::memory_for(100, 16_384), 16_384);
    }
}
