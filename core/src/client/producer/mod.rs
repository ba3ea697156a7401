//! A producer client (`KafkaProducer`): the application hands it records; it picks each
//! record's partition, batches records per partition, and a sender sends the batches to the
//! partition leaders, retries what fails, and reports every outcome.
//!
//! - [`routing`] and [`partitioner`]: which partition a record goes to;
//! - [`accumulator`]: batches and buffer memory (`batch.size`, `linger.ms`, `buffer.memory`);
//! - [`sender`]: draining batches into Produce requests, `acks`, retries,
//!   `delivery.timeout.ms`, `max.in.flight.requests.per.connection`, idempotence;
//! - [`sequences`]: the idempotent producer's sequence numbers and epoch bumps (KIP-360);
//! - [`workload`]: the playground's steady flow of records;
//! - [`transactions`]: the transactional producer (`TransactionManager`).

pub mod accumulator;
pub mod partitioner;
pub mod routing;
pub mod sender;
pub mod sequences;
pub mod transactions;
pub mod workload;

use crate::vec_map::{VecMap, VecSet};
use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::client::metadata::ClientMetadata;
use crate::cluster::command::NewRecord;
use crate::cluster::context::Ctx;
use crate::cluster::deadlines::{Connection, Deadlines};
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, PartitionId, ProducerId, TopicPartition};
use crate::kinds::{Acks, CompressionType};
use crate::log::record_size::{RecordBody, RECORD_BATCH_OVERHEAD};
use crate::log::Header;
use crate::network::{ClientId, NodeId};
use crate::protocol::{Body, TxnBody};

use self::accumulator::{Accumulator, NewRecordRef};
use self::partitioner::{Candidates, PartitionerKind};
use self::routing::{Outgoing, Router, Routing};
use self::sender::InFlight;
use self::sequences::SequenceBook;
use self::transactions::TransactionManager;
use self::workload::WorkloadState;

/// A producer's timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProducerTimer {
    /// Run the sender (a batch's `linger.ms` is up, or a retry backoff ended).
    SenderWakeup,
    /// The earliest `request.timeout.ms` deadline of the requests awaiting an answer (see
    /// [`Deadlines`](crate::cluster::deadlines::Deadlines)).
    Deadline {
        /// The time the timer was set for.
        at_ms: i64,
    },
    /// A send blocked for metadata or memory reached `max.block.ms`.
    MaxBlock,
    /// The metadata may have reached `metadata.max.age.ms`.
    MetadataRefresh,
    /// The workload produces its next records.
    Workload,
    /// A blocking transactional call reached `max.block.ms`.
    TransactionCallExpired {
        /// The result it waits for.
        result: u64,
    },
}

/// The producer settings the simulation uses, resolved from its configs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerRules {
    /// `acks`.
    pub acks: Acks,
    /// `enable.idempotence` after Kafka's post-processing.
    pub idempotent: bool,
    /// `retries`.
    pub retries: i32,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: i64,
    /// `retry.backoff.max.ms`.
    pub retry_backoff_max_ms: i64,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: i64,
    /// `delivery.timeout.ms`.
    pub delivery_timeout_ms: i64,
    /// `request.timeout.ms`.
    pub request_timeout_ms: i64,
    /// `linger.ms`.
    pub linger_ms: i64,
    /// `batch.size`.
    pub batch_size: i32,
    /// `buffer.memory`.
    pub buffer_memory: i64,
    /// `max.block.ms`.
    pub max_block_ms: i64,
    /// `compression.type`.
    pub compression: CompressionType,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight: i32,
    /// `max.request.size`.
    pub max_request_size: i32,
    /// The null-key partitioner.
    pub partitioner: PartitionerKind,
    /// `partitioner.ignore.keys`.
    pub ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`: the uniform sticky partitioner weighs its
    /// picks by the partitions' queues.
    pub adaptive_partitioning: bool,
    /// `partitioner.availability.timeout.ms`: with adaptive partitioning, a partition whose
    /// leader has had batches ready but could not take a request for longer is left out of
    /// the picks (0, the default, never leaves one out).
    pub availability_timeout_ms: i64,
    /// `transactional.id`.
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`.
    pub transaction_timeout_ms: i64,
}

impl Default for ProducerRules {
    fn default() -> Self {
        ProducerRules {
            acks: Acks::All,
            idempotent: true,
            retries: i32::MAX,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            metadata_max_age_ms: 300_000,
            delivery_timeout_ms: 120_000,
            request_timeout_ms: 30_000,
            linger_ms: 5,
            batch_size: 16_384,
            buffer_memory: 33_554_432,
            max_block_ms: 60_000,
            compression: CompressionType::None,
            max_in_flight: 5,
            max_request_size: 1_048_576,
            partitioner: PartitionerKind::UniformSticky,
            ignore_keys: false,
            adaptive_partitioning: true,
            availability_timeout_ms: 0,
            transactional_id: None,
            transaction_timeout_ms: 60_000,
        }
    }
}

/// A send waiting for metadata or for buffer memory (`max.block.ms`).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockedSend {
    /// The record.
    pub record: NewRecord,
    /// When `send` gives up with a `TimeoutException`.
    pub deadline_ms: i64,
    /// Whether the application is told of the outcome by events (a command, not the workload).
    pub reported: bool,
    /// When the send, its metadata known, began to wait for buffer memory.
    pub memory_wait_from_ms: Option<i64>,
}

/// Where a record went when `send` returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Accumulated {
    /// Its partition of the record's topic (a number, so that `send` builds no
    /// `TopicPartition` for each record of a workload, which would not read it).
    pub partition: PartitionId,
    /// How the partition was chosen.
    pub routing: Routing,
    /// The batch it joined.
    pub batch_id: u64,
    /// Its index in the batch.
    pub index: i32,
    /// Whether it opened a batch or filled one, so the sender thread wakes up
    /// (`KafkaProducer.doSend`: `batchIsFull || newBatchCreated`).
    pub wakes_sender: bool,
}

/// A producer.
#[derive(Debug, Clone)]
pub struct Producer {
    /// Its node.
    pub id: ClientId,
    /// Its `client.id`.
    pub name: String,
    /// Its settings.
    pub rules: ProducerRules,
    /// Whether `close()` was called.
    pub closed: bool,
    /// Its view of the cluster.
    pub metadata: ClientMetadata,
    router: Router,
    /// Until when each broker that throttled this producer takes no produce request from it.
    pub(crate) throttled_until: VecMap<BrokerId, i64>,
    /// Batches waiting to be sent.
    pub accumulator: Accumulator,
    /// Requests awaiting an answer, by request id.
    pub in_flight: VecMap<u64, InFlight>,
    /// Per broker, the index among the partitions it leads where its next drain starts
    /// (`RecordAccumulator.nodesDrainIndex`).
    pub(crate) drain_index: VecMap<BrokerId, usize>,
    /// When its requests give up.
    pub deadlines: Deadlines,
    /// Sends blocked on metadata or memory.
    pub blocked: VecDeque<BlockedSend>,
    /// The producer id and epoch (idempotence), once assigned.
    pub producer_id: Option<(ProducerId, i16)>,
    /// An idempotent producer's fatal error (`ClusterAuthorizationException` from
    /// InitProducerId): every batch fails with it.
    pub fatal_error: Option<KafkaError>,
    /// The InitProducerId request in flight.
    pub init_producer_id_in_flight: Option<u64>,
    /// Sequence numbers per partition (idempotence).
    pub sequences: SequenceBook,
    /// A flush in progress: it waits for the batches numbered below this, the ones incomplete
    /// when `flush()` was called (`awaitFlushCompletion`), and meanwhile every batch is ready
    /// at once (`flushesInProgress`). Batches made after the call do not prolong it.
    pub flush_before_batch: Option<u64>,
    /// The steady flow of records, if one runs.
    pub workload: Option<WorkloadState>,
    /// When the sender's pending wakeups (from [`Producer::wake_sender_at`]) are due.
    pub(crate) wakeups_at_ms: VecSet<i64>,
    /// Counters for views.
    pub stats: ProducerStats,
    /// The transaction manager, with a `transactional.id`.
    pub transactions: Option<TransactionManager>,
}

/// What a producer has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerStats {
    /// Records handed to `send`.
    pub records_sent: i64,
    /// Records acknowledged.
    pub records_acknowledged: i64,
    /// Records that failed for good.
    pub records_failed: i64,
    /// Batch retries.
    pub retries: i64,
}

impl Producer {
    /// A producer named `name` with these settings. `first_broker` picks the bootstrap server
    /// it asks first.
    pub fn new(
        id: ClientId,
        name: String,
        rules: ProducerRules,
        brokers: Vec<crate::ids::BrokerId>,
        first_broker: usize,
    ) -> Producer {
        Producer {
            id,
            name,
            closed: false,
            metadata: ClientMetadata::new(
                brokers,
                first_broker,
                rules.retry_backoff_ms,
                rules.retry_backoff_max_ms,
                rules.metadata_max_age_ms,
            ),
            router: Router::default(),
            accumulator: Accumulator::default(),
            in_flight: VecMap::new(),
            throttled_until: VecMap::new(),
            drain_index: VecMap::new(),
            deadlines: Deadlines::default(),
            blocked: VecDeque::new(),
            producer_id: None,
            init_producer_id_in_flight: None,
            fatal_error: None,
            sequences: SequenceBook::default(),
            flush_before_batch: None,
            workload: None,
            wakeups_at_ms: VecSet::new(),
            stats: ProducerStats::default(),
            transactions: rules.transactional_id.clone().map(|transactional_id| {
                TransactionManager::new(
                    id,
                    transactional_id,
                    rules.transaction_timeout_ms,
                    rules.retry_backoff_ms,
                )
            }),
            rules,
        }
    }

    /// What `KafkaProducer`'s constructor sets going: `Metadata.bootstrap` asks for an update
    /// at once, and the sender thread's first loop sends it together with an idempotent
    /// producer's InitProducerId (`TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded`),
    /// so neither waits for the first `send`. A transactional producer waits for
    /// `initTransactions()`. The loop runs once the command that made the producer is done: in
    /// Kafka the request is built when the connection to a broker is up, so records sent right
    /// after the constructor have their topic in it; a producer left idle asks for no topic
    /// (it learns the brokers).
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.metadata.stale = true;
        self.wake_sender_at(ctx.now_ms, ctx);
    }

    /// `KafkaProducer.send`: `Ok(Some(..))` when the record joined a batch, `Ok(None)` when it
    /// waits for metadata or memory (up to `max.block.ms`), or the error `send` throws.
    pub fn send(
        &mut self,
        record: &NewRecord,
        reported: bool,
        ctx: &mut Ctx,
    ) -> Result<Option<Accumulated>, KafkaError> {
        self.send_record(record, reported, TopicWanted::Maybe, ctx)
    }

    /// [`send`](Self::send), told whether the record's topic is already among the topics
    /// the metadata wants (so a workload, sending one topic's records in a loop, looks it up
    /// once rather than once per record).
    fn send_record(
        &mut self,
        record: &NewRecord,
        reported: bool,
        wanted: TopicWanted,
        ctx: &mut Ctx,
    ) -> Result<Option<Accumulated>, KafkaError> {
        if self.closed {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                "Cannot perform operation after producer has been closed",
            ));
        }
        if reported {
            if let Some(manager) = &self.transactions {
                manager.check_not_blocked()?;
            }
        }
        if let Some(partition) = record.partition.filter(|partition| *partition < 0) {
            // The `ProducerRecord` constructor refuses it before send() is called.
            return Err(KafkaError::new(
                ErrorCode::IllegalArgument,
                format!(
                    "Invalid partition: {partition}. Partition number should always be non-negative or null."
                ),
            ));
        }
        let parts = RecordParts::of(record);
        self.check_size(parts.serialized_size)?;
        if wanted == TopicWanted::Maybe {
            self.metadata.want(&record.topic);
        }
        let outcome = match self.try_accumulate(record, &parts, ctx) {
            Ok(accumulated) => Some(accumulated),
            Err(NotAccumulated::Blocked) => {
                self.block(record.clone(), reported, ctx);
                None
            }
            Err(NotAccumulated::Refused(error)) => return Err(error),
        };
        self.stats.records_sent += 1;
        // Like Kafka's sender thread, the sender looks at the batches only when a batch was
        // opened or filled (or the record is blocked); otherwise nothing new is ready.
        if outcome
            .as_ref()
            .is_none_or(|accumulated| accumulated.wakes_sender)
        {
            self.run_sender(ctx);
        }
        Ok(outcome)
    }

    /// `max.request.size` and `buffer.memory` checks of `KafkaProducer.ensureValidRecordSize`,
    /// given the record's [`serialized_size`].
    fn check_size(&self, size: i64) -> Result<(), KafkaError> {
        if size > i64::from(self.rules.max_request_size) {
            return Err(KafkaError::new(
                ErrorCode::MessageTooLarge,
                format!(
                    "The message is {size} bytes when serialized which is larger than {}, which is the value of the max.request.size configuration.",
                    self.rules.max_request_size
                ),
            ));
        }
        if size > self.rules.buffer_memory {
            return Err(KafkaError::new(
                ErrorCode::MessageTooLarge,
                format!(
                    "The message is {size} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration."
                ),
            ));
        }
        Ok(())
    }

    /// Puts the record, whose `parts` are given, in a batch if metadata and memory allow.
    fn try_accumulate(
        &mut self,
        record: &NewRecord,
        parts: &RecordParts,
        ctx: &mut Ctx,
    ) -> Result<Accumulated, NotAccumulated> {
        // Known topic with partitions (a topic whose metadata lists none is still being
        // created); its partitions alone say both, with one lookup per record.
        let partitions = self
            .metadata
            .topics
            .get(&record.topic)
            .map_or(&[][..], |topic| &topic.partitions);
        let partition_count = partitions.len() as i32;
        if partition_count <= 0 {
            return Err(NotAccumulated::Blocked);
        }
        if record
            .partition
            .is_some_and(|partition| partition >= partition_count)
        {
            // `KafkaProducer.waitOnMetadata` asks for metadata again until the topic has the
            // partition (partitions may have been added since the last answer).
            return Err(NotAccumulated::Blocked);
        }
        let memory = Accumulator::memory_for(parts.serialized_size as i32, self.rules.batch_size);
        let key = record.key.as_deref().map(str::as_bytes);
        let routing_key = if self.rules.ignore_keys { None } else { key };
        let timestamp_ms = record.timestamp_ms.unwrap_or(ctx.clock_ms);
        let new_record = NewRecordRef {
            timestamp_ms,
            key,
            value: record.value.as_deref().map(str::as_bytes),
            headers: &parts.headers,
            body: parts.body,
        };
        let outgoing = Outgoing {
            topic: &record.topic,
            key: routing_key,
            explicit: record.partition,
            partition_count,
            partitions,
            partitioner: self.rules.partitioner,
            batch_size: self.rules.batch_size,
        };
        if let Some(manager) = &self.transactions {
            // Kafka picks the partition, appends, and only then refuses a transactional send
            // (`maybeAddPartition`), naming the partition. Here the pick that names it is made
            // on copies of the partitioner and the random source: a refused command changes
            // nothing, so replaying the accepted ones rebuilds the same cluster.
            manager
                .check_ready_for_send(|| {
                    let (partition, _, _) = pick_partition(
                        &mut self.router.clone(),
                        &self.accumulator,
                        outgoing,
                        new_record,
                        &mut ctx.rng.clone(),
                    );
                    TopicPartition::new(&record.topic, partition.0)
                })
                .map_err(NotAccumulated::Refused)?;
        }
        let (partition, routing, given_up) = pick_partition(
            &mut self.router,
            &self.accumulator,
            outgoing,
            new_record,
            ctx.rng,
        );
        let topic = record.topic.as_str();
        if let Some(previous) = given_up {
            self.accumulator.close_for_appends(topic, previous.0);
        }
        let buffer_memory = self.rules.buffer_memory;
        let transactions = &mut self.transactions;
        // A record opens a batch when its partition has none or only full ones; only then
        // must the buffer have room for it.
        let appended = self.accumulator.append(
            topic,
            partition.0,
            new_record,
            self.rules.batch_size,
            ctx.now_ms,
            |opens_batch, buffered_bytes| {
                if opens_batch && buffered_bytes + memory > buffer_memory {
                    return Err(NotAccumulated::Blocked);
                }
                if let Some(manager) = transactions.as_mut() {
                    // `maybeAddPartition`, whose checks passed before the partition was picked.
                    manager.add_partition(&TopicPartition::new(topic, partition.0));
                }
                Ok(())
            },
        )?;
        if routing_key.is_none()
            && record.partition.is_none()
            && self.rules.partitioner == PartitionerKind::UniformSticky
        {
            let enable_switch = self.accumulator.all_batches_full(topic, partition.0);
            self.router.sticky_appended(
                &record.topic,
                appended.appended_bytes,
                self.rules.batch_size,
                enable_switch,
                Candidates {
                    partition_count,
                    partitions,
                },
                ctx.rng,
            );
        }
        if appended.new_batch && self.rules.linger_ms > 0 && !appended.batch_full {
            self.wake_sender_at(ctx.now_ms + self.rules.linger_ms, ctx);
        }
        Ok(Accumulated {
            partition,
            routing,
            batch_id: appended.batch_id,
            index: appended.index,
            wakes_sender: appended.new_batch || appended.batch_full,
        })
    }

    fn block(&mut self, record: NewRecord, reported: bool, ctx: &mut Ctx) {
        let deadline_ms = ctx.now_ms + self.rules.max_block_ms;
        if reported {
            let description = match self.missing_partition(&record) {
                Some((partition, count)) => format!(
                    "{}: send() blocks: topic {} has no partition {partition} in its metadata (partition count {count}), so it asks for metadata again until it does (max.block.ms={}).",
                    self.name, record.topic, self.rules.max_block_ms
                ),
                None => format!(
                    "{}: send() blocks waiting for metadata of topic {} or for buffer memory (max.block.ms={}).",
                    self.name, record.topic, self.rules.max_block_ms
                ),
            };
            ctx.emit(EventKind::Client {
                client: Some(self.id),
                trace: format!("send-blocked client-{} topic={}", self.id.0, record.topic),
                description,
            });
        }
        let has_metadata = self.has_metadata(&record);
        if !has_metadata {
            // `metadata.requestUpdateForTopic`: a known topic's answer left nothing stale.
            self.metadata.stale = true;
        }
        let memory_wait_from_ms = has_metadata.then_some(ctx.now_ms);
        self.blocked.push_back(BlockedSend {
            record,
            deadline_ms,
            reported,
            memory_wait_from_ms,
        });
        ctx.after(
            self.rules.max_block_ms,
            Timer::Producer(ProducerTimer::MaxBlock),
        );
    }

    /// Retries blocked sends (after a metadata answer or freed memory) and fails those past
    /// `max.block.ms`. They go in order: the first still blocked keeps the others waiting, and
    /// as each waited `max.block.ms` from its own send, none behind it is past its deadline.
    pub(crate) fn process_blocked(&mut self, ctx: &mut Ctx) {
        let mut workload_returned = false;
        while let Some(mut blocked) = self.blocked.pop_front() {
            let parts = RecordParts::of(&blocked.record);
            let outcome = self.try_accumulate(&blocked.record, &parts, ctx);
            if matches!(outcome, Err(NotAccumulated::Blocked)) && ctx.now_ms < blocked.deadline_ms {
                if self.has_metadata(&blocked.record) {
                    blocked.memory_wait_from_ms.get_or_insert(ctx.now_ms);
                } else {
                    // `waitOnMetadata`'s loop: ask again (after the backoff) until it arrives.
                    self.metadata.stale = true;
                }
                self.blocked.push_front(blocked);
                break;
            }
            workload_returned |= !blocked.reported;
            match outcome {
                Ok(accumulated) => {
                    if blocked.reported {
                        ctx.emit(EventKind::RecordAccumulated {
                            producer: self.id,
                            partition: TopicPartition::new(
                                blocked.record.topic.clone(),
                                accumulated.partition.0,
                            ),
                            routing: accumulated.routing,
                            batch: accumulated.batch_id,
                            index: accumulated.index,
                        });
                    }
                }
                Err(NotAccumulated::Refused(error)) => {
                    self.stats.records_failed += 1;
                    ctx.emit(EventKind::ProduceFailed {
                        producer: self.id,
                        partition: TopicPartition::new(
                            blocked.record.topic.clone(),
                            blocked.record.partition.unwrap_or(-1),
                        ),
                        records: 1,
                        batch: None,
                        error,
                    });
                }
                Err(NotAccumulated::Blocked) => self.fail_blocked(blocked, ctx),
            }
        }
        if workload_returned {
            self.resume_workload(ctx);
        }
    }

    /// The record's topic's partition count, if the metadata lists any partition of it.
    fn known_partition_count(&self, record: &NewRecord) -> Option<i32> {
        self.metadata
            .partition_count(&record.topic)
            .filter(|count| *count > 0)
    }

    /// The partition the record names that its topic's metadata lacks, with the topic's
    /// partition count (`waitOnMetadata` waits for metadata listing it).
    fn missing_partition(&self, record: &NewRecord) -> Option<(i32, i32)> {
        let count = self.known_partition_count(record)?;
        let partition = record.partition.filter(|partition| *partition >= count)?;
        Some((partition, count))
    }

    /// Whether the producer knows the record's partition (or, with none named, its topic's
    /// partitions), so a blocked send of it waits for buffer memory rather than for metadata.
    fn has_metadata(&self, record: &NewRecord) -> bool {
        self.known_partition_count(record).is_some() && self.missing_partition(record).is_none()
    }

    /// A broker refused the producer's SASL login and closed the connection, and the request
    /// failed with it (Kafka's `NetworkClient` then sets the metadata's fatal exception, and
    /// `Sender` passes it to `TransactionManager.authenticationFailed`): a send waiting for
    /// metadata throws the `SaslAuthenticationException`, and a producer id or transactional
    /// request (`transactional`) fails for good.
    pub(crate) fn login_refused(&mut self, transactional: bool, error: KafkaError, ctx: &mut Ctx) {
        if transactional {
            match self.transactions.as_mut() {
                Some(transactions) => transactions.transition_to_fatal_error(error.clone(), ctx),
                None => self.fatal_error = Some(error.clone()),
            }
        }
        // Sends waiting for memory are not waiting for metadata.
        self.fail_blocked_sends(
            |_, blocked| blocked.memory_wait_from_ms.is_none().then(|| error.clone()),
            ctx,
        );
        self.run_sender(ctx);
    }

    /// `KafkaProducer.waitOnMetadata`: a send waiting for metadata throws
    /// `TopicAuthorizationException` once an answer names its topic unauthorized.
    fn fail_unauthorized_blocked(&mut self, ctx: &mut Ctx) {
        if self.metadata.unauthorized.is_empty() {
            return;
        }
        self.fail_blocked_sends(
            |metadata, blocked| {
                let topic = blocked.record.topic.as_str();
                metadata
                    .unauthorized
                    .contains(topic)
                    .then(|| crate::client::metadata::topic_authorization_error(&[topic]))
            },
            ctx,
        );
    }

    /// Fails each blocked send `error_for` gives an error, as its `send()` throws it.
    fn fail_blocked_sends(
        &mut self,
        error_for: impl Fn(&ClientMetadata, &BlockedSend) -> Option<KafkaError>,
        ctx: &mut Ctx,
    ) {
        let mut workload_returned = false;
        let mut waiting = VecDeque::new();
        for blocked in std::mem::take(&mut self.blocked) {
            let Some(error) = error_for(&self.metadata, &blocked) else {
                waiting.push_back(blocked);
                continue;
            };
            workload_returned |= !blocked.reported;
            self.stats.records_failed += 1;
            let record = &blocked.record;
            ctx.emit(EventKind::ProduceFailed {
                producer: self.id,
                partition: TopicPartition::new(&record.topic, record.partition.unwrap_or(-1)),
                records: 1,
                batch: None,
                error,
            });
        }
        self.blocked = waiting;
        if workload_returned {
            self.resume_workload(ctx);
        }
    }

    fn fail_blocked(&mut self, blocked: BlockedSend, ctx: &mut Ctx) {
        self.stats.records_failed += 1;
        let error = match blocked.memory_wait_from_ms {
            None => {
                let record = &blocked.record;
                let max_block_ms = self.rules.max_block_ms;
                KafkaError::new(
                    ErrorCode::ClientTimeout,
                    match self.missing_partition(record) {
                        Some((partition, count)) => format!(
                            "Partition {partition} of topic {} with partition count {count} is not present in metadata after {max_block_ms} ms.",
                            record.topic
                        ),
                        None => format!(
                            "Topic {} not present in metadata after {max_block_ms} ms.",
                            record.topic
                        ),
                    },
                )
            }
            Some(from_ms) => self.buffer_exhausted(&blocked.record, blocked.deadline_ms - from_ms),
        };
        ctx.emit(EventKind::ProduceFailed {
            producer: self.id,
            partition: TopicPartition::new(
                blocked.record.topic.clone(),
                blocked.record.partition.unwrap_or(-1),
            ),
            records: 1,
            batch: None,
            error,
        });
    }

    /// `BufferPool.allocate` timing out: it was asked for a new batch's memory with what was
    /// left of `max.block.ms` after waiting for metadata.
    fn buffer_exhausted(&self, record: &NewRecord, max_time_to_block_ms: i64) -> KafkaError {
        let size = Accumulator::memory_for(serialized_size(record) as i32, self.rules.batch_size);
        let total_memory = self.rules.buffer_memory;
        let available_memory = total_memory - self.accumulator.buffered_bytes;
        KafkaError::new(
            ErrorCode::BufferExhausted,
            format!(
                "Failed to allocate {size} bytes within the configured max blocking time {max_time_to_block_ms} ms. Total memory: {total_memory} bytes. Available memory: {available_memory} bytes. Poolable size: {} bytes",
                self.rules.batch_size
            ),
        )
    }

    /// `flush()`: every batch is ready at once until the batches made so far have completed.
    pub fn flush(&mut self, ctx: &mut Ctx) {
        self.flush_before_batch = Some(self.accumulator.next_batch_id());
        self.run_sender(ctx);
    }

    /// `close()`: sends what is queued, then refuses new records. A transaction still open is
    /// aborted, as the `Sender` does on shutdown.
    pub fn close(&mut self, ctx: &mut Ctx) {
        self.abort_open_transaction_on_close();
        self.flush(ctx);
        self.closed = true;
        self.workload = None;
    }

    /// Asks for metadata if it is stale and no request is out, watching the request like any
    /// other: one lost on a cut link fails after `request.timeout.ms` and the next goes to
    /// another broker (`NetworkClient.handleTimedOutRequests`), instead of waiting forever.
    pub(crate) fn request_metadata(&mut self, ctx: &mut Ctx) {
        if let Some(request_id) = self.metadata.maybe_request(true, ctx) {
            if let Some(broker) = self.metadata.in_flight_to {
                self.watch_request(request_id, broker, ctx);
            }
        } else if let Some(at_ms) = self.metadata.wakeup_after_backoff(ctx.now_ms) {
            // Set whatever other wakeups are pending: given once per backoff, this time is
            // not given again to an earlier wakeup, which would then not ask.
            self.wakeups_at_ms.insert(at_ms);
            ctx.at(at_ms, Timer::Producer(ProducerTimer::SenderWakeup));
        }
    }

    /// Gives up on `request_id`, sent to `broker`, after `request.timeout.ms` unless it is
    /// answered first.
    pub(crate) fn watch_request(&mut self, request_id: u64, broker: BrokerId, ctx: &mut Ctx) {
        let deadline_ms = ctx.now_ms.saturating_add(self.rules.request_timeout_ms);
        let connection = Some(Connection::Broker(broker));
        if let Some(at_ms) = self.deadlines.watch_on(request_id, deadline_ms, connection) {
            ctx.at(at_ms, Timer::Producer(ProducerTimer::Deadline { at_ms }));
        }
    }

    /// Handles a message to this producer.
    pub fn handle_message(&mut self, from: NodeId, body: Body, ctx: &mut Ctx) {
        match body {
            Body::MetadataResponse(response) => {
                self.deadlines.forget(response.request_id);
                self.metadata_answered(response, ctx);
            }
            Body::ProduceResponse(response) => self.handle_produce_response(response, ctx),
            Body::Txn(TxnBody::InitProducerIdResponse { request_id, result })
                if self.transactions.is_none() =>
            {
                self.handle_init_producer_id(request_id, result, ctx);
            }
            body @ (Body::Txn(_) | Body::Group(_)) => {
                self.handle_transaction_response(body, ctx);
            }
            Body::Refused(request) => {
                self.handle_failed_request(request_id_of(&request), disconnected(from, false), ctx);
            }
            Body::Disconnected { request_id } => {
                self.handle_failed_request(Some(request_id), disconnected(from, false), ctx);
            }
            _ => {}
        }
    }

    /// Handles a timer.
    pub fn handle_timer(&mut self, timer: ProducerTimer, ctx: &mut Ctx) {
        match timer {
            ProducerTimer::SenderWakeup => {
                let now = ctx.now_ms;
                self.wakeups_at_ms.retain(|at| *at > now);
                self.run_sender(ctx);
            }
            ProducerTimer::Deadline { at_ms } => {
                let (expired, next) = self.deadlines.expire(at_ms, ctx.now_ms);
                if let Some(at_ms) = next {
                    ctx.at(at_ms, Timer::Producer(ProducerTimer::Deadline { at_ms }));
                }
                self.requests_timed_out(expired, ctx);
            }
            // A closed producer's sender thread is gone: no more refreshes.
            ProducerTimer::MetadataRefresh if self.closed => {}
            ProducerTimer::MetadataRefresh => match self.metadata.refresh_timer_fired(ctx.now_ms) {
                Some(at_ms) => ctx.at(at_ms, Timer::Producer(ProducerTimer::MetadataRefresh)),
                None => self.request_metadata(ctx),
            },
            ProducerTimer::MaxBlock => {
                self.process_blocked(ctx);
                self.run_sender(ctx);
            }
            ProducerTimer::Workload => self.run_workload(ctx),
            ProducerTimer::TransactionCallExpired { result } => {
                self.transaction_call_expired(result, ctx)
            }
        }
    }

    fn metadata_answered(&mut self, response: crate::protocol::MetadataResponse, ctx: &mut Ctx) {
        if self.metadata.update(response, ctx.now_ms) {
            if let Some(at_ms) = self.metadata.refresh_timer() {
                ctx.at(at_ms, Timer::Producer(ProducerTimer::MetadataRefresh));
            }
            self.fail_unauthorized_blocked(ctx);
            self.after_metadata(ctx);
        }
    }

    fn after_metadata(&mut self, ctx: &mut Ctx) {
        self.process_blocked(ctx);
        self.run_sender(ctx);
        if self.metadata.stale {
            ctx.after(
                self.rules.retry_backoff_ms,
                Timer::Producer(ProducerTimer::SenderWakeup),
            );
        }
    }

    /// Wakes the sender at `at_ms` unless a wakeup is already due by then (the sender, when it
    /// runs, asks again for the next time it needs).
    ///
    /// Every pending wakeup counts, not only the latest: a batch's delivery deadline two
    /// minutes away, then a `linger.ms` a few ms away, and the deadline was asked for again
    /// after the linger's wakeup. Under a steady flow that left some 12,000 wakeups pending per
    /// producer, each copied with every snapshot of the playground's timeline.
    pub(crate) fn wake_sender_at(&mut self, at_ms: i64, ctx: &mut Ctx) {
        let now = ctx.now_ms;
        if self
            .wakeups_at_ms
            .iter()
            .any(|pending| (now..=at_ms).contains(pending))
        {
            return;
        }
        self.wakeups_at_ms.insert(at_ms);
        ctx.at(at_ms, Timer::Producer(ProducerTimer::SenderWakeup));
    }

    /// Whether nothing is queued, blocked or in flight (transactional requests included).
    pub fn is_idle(&self) -> bool {
        let transactions_idle = self.transactions.as_ref().is_none_or(|manager| {
            manager.in_flight.is_none() && manager.pending_requests.is_empty()
        });
        self.accumulator.is_empty()
            && self.in_flight.is_empty()
            && self.blocked.is_empty()
            && transactions_idle
    }
}

/// Whether a send's topic is known to be among the topics the metadata wants (topics are
/// never taken out of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TopicWanted {
    /// An earlier send of the same topic got past the want.
    Already,
    /// Not known: the send adds it.
    Maybe,
}

/// Why a record did not join a batch.
enum NotAccumulated {
    /// Not yet: it waits for metadata or memory.
    Blocked,
    /// Never: `send()` throws this.
    Refused(KafkaError),
}

/// A record's size as `KafkaProducer` estimates it for the size checks: the record in a batch
/// of its own (`AbstractRecords.estimateSizeInBytesUpperBound`).
fn serialized_size(record: &NewRecord) -> i64 {
    RecordParts::of(record).serialized_size
}

/// What a send works out once about its record: its headers as the log stores them, the
/// size of its body and its [`serialized_size`].
struct RecordParts {
    headers: Vec<Header>,
    body: RecordBody,
    serialized_size: i64,
}

impl RecordParts {
    fn of(record: &NewRecord) -> RecordParts {
        let headers = record.log_headers();
        let body = RecordBody::of(
            record.key.as_deref().map(str::as_bytes),
            record.value.as_deref().map(str::as_bytes),
            &headers,
        );
        let serialized_size = body
            .size_in_bytes(0, 0)
            .saturating_add(i64::from(RECORD_BATCH_OVERHEAD));
        RecordParts {
            headers,
            body,
            serialized_size,
        }
    }
}

/// The error of a request its connection lost, as the `Sender` words it: `NETWORK_EXCEPTION`
/// "Disconnected from node N", or, when a request timing out closed the connection,
/// `REQUEST_TIMED_OUT` "Disconnected from node N due to timeout".
fn disconnected(node: NodeId, timed_out: bool) -> KafkaError {
    let node = match node {
        NodeId::Broker(broker) => broker.0,
        _ => -1,
    };
    if timed_out {
        KafkaError::new(
            ErrorCode::RequestTimedOut,
            format!("Disconnected from node {node} due to timeout"),
        )
    } else {
        KafkaError::new(
            ErrorCode::NetworkException,
            format!("Disconnected from node {node}"),
        )
    }
}

/// The request id of a producer's request.
fn request_id_of(body: &Body) -> Option<u64> {
    match body {
        Body::ProduceRequest(request) => Some(request.request_id),
        Body::MetadataRequest(request) => Some(request.request_id),
        Body::Txn(TxnBody::InitProducerId { request_id, .. }) => Some(*request_id),
        other => transactions::producer::transactional_request_id(other),
    }
}

/// `KafkaProducer.doSend`'s pick of a partition: the partitioner's choice and how it was made.
/// With the KIP-480 sticky partitioner (`abortOnNewBatch`, Kafka 2.4 to 3.2), a record that
/// would open a batch there makes the partitioner move on (`onNewBatch`) and is placed again;
/// the partition given up is returned too, its last batch to be closed to further records.
fn pick_partition(
    router: &mut Router,
    accumulator: &Accumulator,
    outgoing: Outgoing<'_>,
    record: NewRecordRef<'_>,
    rng: &mut crate::rng::SimRng,
) -> (PartitionId, Routing, Option<PartitionId>) {
    let all_batches_full =
        |partition: PartitionId| accumulator.all_batches_full(outgoing.topic, partition.0);
    let (partition, routing) = router.route(outgoing, all_batches_full, rng);
    if outgoing.partitioner != PartitionerKind::StickyPerBatch
        || accumulator.has_room_for(outgoing.topic, partition.0, record, outgoing.batch_size)
    {
        return (partition, routing, None);
    }
    let candidates = Candidates {
        partition_count: outgoing.partition_count,
        partitions: outgoing.partitions,
    };
    router.on_new_batch(outgoing.topic, partition, candidates, rng);
    let (again, routing) = router.route(outgoing, all_batches_full, rng);
    (again, routing, Some(partition))
}
