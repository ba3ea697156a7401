//! How the coordinator acts on the world (Kafka's `CoordinatorRuntime`): it answers requests,
//! sets timers, reports events, and writes records to its `__consumer_offsets` partition.
//!
//! A write is queued here as an [`Append`] with a write id; the broker appends it to the
//! partition as its leader and holds it until the ISR has it (`hold_until_replicated`, with
//! `offsets.commit.timeout.ms` as timeout). What waits for the write (an OffsetCommit answer,
//! the SyncGroup answers of a generation) is kept as a [`WriteCompletion`] and carried out when
//! the broker reports the write replicated or failed. Write ids come from the simulation's
//! request id counter, so they never collide with the transaction coordinator's.

use crate::vec_map::VecMap;

use crate::broker::BrokerTimer;
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::cluster::settings::BrokerSettings;
use crate::cluster::timer::Timer;
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::network::NodeId;
use crate::protocol::{Body, GroupBody};

use super::events::GroupEvent;
use super::member::PendingResponse;
use super::records::CoordinatorRecord;
use super::writes::WriteCompletion;
use super::CoordinatorTimer;

/// Records for the broker to append to an offsets partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Append {
    /// The write this append carries out.
    pub write_id: u64,
    /// The `__consumer_offsets` partition.
    pub partition: TopicPartition,
    /// The records, in order.
    pub records: Vec<CoordinatorRecord>,
    /// For a TxnOffsetCommit: the producer id and epoch the batch is written with
    /// (a transactional batch, ended later by the transaction's marker).
    pub producer: Option<(ProducerId, i16)>,
    /// How long the write may wait for the ISR (`offsets.commit.timeout.ms`).
    pub timeout_ms: i64,
}

/// A write waiting for its records to be replicated.
#[derive(Debug, Clone)]
pub struct PendingWrite {
    /// The offsets partition index of the shard that wrote it.
    pub shard: i32,
    /// The shard's epoch (the partition's leader epoch) when it wrote.
    pub epoch: i32,
    /// The offset its first record got, once appended.
    pub base_offset: Option<Offset>,
    /// What waits for it.
    pub completion: WriteCompletion,
}

/// The coordinator's pending writes and timers.
#[derive(Debug, Clone, Default)]
pub struct CoordinatorRuntime {
    /// Writes not yet replicated, by write id.
    pub pending: VecMap<u64, PendingWrite>,
    /// Appends the broker has not carried out yet.
    pub appends: Vec<Append>,
    next_timer_id: u64,
}

impl CoordinatorRuntime {
    /// The appends to carry out now.
    pub fn take_appends(&mut self) -> Vec<Append> {
        std::mem::take(&mut self.appends)
    }

    /// The broker appended a write's records starting at `base_offset`.
    pub fn appended(&mut self, write_id: u64, base_offset: Offset) {
        if let Some(write) = self.pending.get_mut(&write_id) {
            write.base_offset = Some(base_offset);
        }
    }

    /// A fresh timer id: a timer whose id is no longer the current one is ignored when it
    /// fires (Kafka's timer keys replaced or cancelled).
    pub fn next_timer_id(&mut self) -> u64 {
        let id = self.next_timer_id;
        self.next_timer_id += 1;
        id
    }
}

/// What a shard may do while it handles a request or a timer.
pub struct ShardCtx<'a, 'c> {
    /// The broker's context.
    pub ctx: &'a mut Ctx<'c>,
    /// Pending writes and timer ids.
    pub runtime: &'a mut CoordinatorRuntime,
    /// The broker's settings (`group.*`, `offsets.*`).
    pub settings: &'a BrokerSettings,
    /// The broker acting as coordinator.
    pub broker: BrokerId,
    /// The shard's `__consumer_offsets` partition.
    pub partition: TopicPartition,
    /// The shard's epoch.
    pub epoch: i32,
}

impl ShardCtx<'_, '_> {
    /// The coordinator's clock (wall clock ms), as Kafka's `time.milliseconds()`.
    pub fn clock_ms(&self) -> i64 {
        self.ctx.clock_ms
    }

    /// The shard's partition index.
    pub fn shard_index(&self) -> i32 {
        self.partition.partition
    }

    /// Answers a held or current request.
    pub fn reply(&mut self, to: PendingResponse, body: GroupBody) {
        self.ctx.send(to.node, Body::Group(body));
    }

    /// Sends a message.
    pub fn send(&mut self, to: NodeId, body: GroupBody) {
        self.ctx.send(to, Body::Group(body));
    }

    /// Sets a coordinator timer.
    pub fn schedule(&mut self, delay_ms: i64, timer: CoordinatorTimer) {
        self.ctx.after(
            delay_ms,
            Timer::Broker(BrokerTimer::GroupCoordinator(timer)),
        );
    }

    /// A fresh timer id.
    pub fn next_timer_id(&mut self) -> u64 {
        self.runtime.next_timer_id()
    }

    /// Reports an event.
    pub fn emit(&mut self, event: GroupEvent) {
        self.ctx.emit(EventKind::Group(event));
    }

    /// Queues records to write; `completion` runs once they are replicated (or failed).
    pub fn write(
        &mut self,
        records: Vec<CoordinatorRecord>,
        producer: Option<(ProducerId, i16)>,
        completion: WriteCompletion,
    ) {
        if records.is_empty() {
            return;
        }
        let write_id = self.ctx.request_id();
        self.runtime.pending.insert(
            write_id,
            PendingWrite {
                shard: self.shard_index(),
                epoch: self.epoch,
                base_offset: None,
                completion,
            },
        );
        self.runtime.appends.push(Append {
            write_id,
            partition: self.partition.clone(),
            records,
            producer,
            timeout_ms: self.settings.offsets_commit_timeout_ms,
        });
    }
}
