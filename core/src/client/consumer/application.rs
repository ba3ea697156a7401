//! The consumer's application: it calls `poll()`, processes what it got, and commits before or
//! after processing, or lets auto-commit do it.
//!
//! Where the application is when it crashes decides the delivery semantics: records processed
//! but not committed are read again by whoever takes over the partition (at-least-once, the
//! duplicates a lesson counts); records committed before they were processed are never
//! processed (at-most-once). `poll()` also drives the group: it rejoins after a rebalance, and
//! with `enable.auto.commit` commits the positions of earlier polls every
//! `auto.commit.interval.ms`. An application that does not poll for `max.poll.interval.ms` is
//! taken out of the group.

use crate::vec_map::VecMap;
use std::sync::Arc;

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::ids::{Offset, TopicPartition};
use crate::kinds::IsolationLevel;

use super::{AppCommits, Consumer, ConsumerTimer, DeliveredRun};

/// What the application is doing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Processing {
    /// Until when it processes the last poll's records, if it is processing.
    pub until_ms: Option<i64>,
    /// The positions to commit once processing is done (commit-after-processing).
    pub commit_after: Option<VecMap<TopicPartition, Offset>>,
    /// When `poll()` was last called.
    pub last_poll_ms: i64,
    /// Whether the application loop has a poll scheduled.
    pub poll_scheduled: bool,
}

/// What one `poll()` returned for one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Polled {
    /// The partition.
    pub partition: TopicPartition,
    /// First offset returned.
    pub first_offset: Offset,
    /// Last offset returned.
    pub last_offset: Offset,
    /// How many records.
    pub records: i32,
}

impl Consumer {
    /// The application loop's poll.
    pub(crate) fn poll_from_loop(&mut self, ctx: &mut Ctx) {
        self.processing.poll_scheduled = false;
        if self.processing.until_ms.is_some() {
            return;
        }
        self.poll(ctx);
    }

    /// One `poll()`: rejoin if needed, auto-commit if due, then return buffered records (up to
    /// `max.poll.records`) and start processing them.
    pub fn poll(&mut self, ctx: &mut Ctx) -> Vec<Polled> {
        if !self.is_up() {
            return Vec::new();
        }
        self.processing.last_poll_ms = ctx.now_ms;
        self.on_poll_membership(ctx);
        self.send_validations(ctx);
        self.send_resets(ctx);
        self.maybe_auto_commit(ctx);
        let polled = self.take_records(ctx);
        let count: i64 = polled.iter().map(|p| i64::from(p.records)).sum();
        self.send_fetches(ctx);
        // The positions are copied only for an application that commits them (not on every
        // poll of one that does not).
        match self.policy.commits {
            AppCommits::BeforeProcessing { sync } if count > 0 => {
                self.commit(self.all_consumed(), sync, ctx);
            }
            AppCommits::AfterProcessing { .. } if count > 0 => {
                self.processing.commit_after = Some(self.all_consumed());
            }
            _ => {}
        }
        let processing_ms = count.saturating_mul(self.policy.processing_ms_per_record.max(0));
        if count > 0 && processing_ms > 0 {
            self.processing.until_ms = Some(ctx.now_ms + processing_ms);
            ctx.after(
                processing_ms,
                Timer::Consumer(ConsumerTimer::ProcessingDone),
            );
        } else {
            self.finish_processing(ctx);
        }
        polled
    }

    /// The application finished processing: commit if it commits after processing, then poll
    /// again after its interval.
    pub(crate) fn finish_processing(&mut self, ctx: &mut Ctx) {
        self.processing.until_ms = None;
        if let (Some(positions), AppCommits::AfterProcessing { sync }) =
            (self.processing.commit_after.take(), self.policy.commits)
        {
            self.commit(positions, sync, ctx);
        }
        if let Some(interval_ms) = self.policy.poll_interval_ms {
            self.schedule_next_poll(interval_ms, ctx);
        }
    }

    /// Schedules the application's next poll (if it polls by itself).
    pub(crate) fn schedule_next_poll(&mut self, delay_ms: i64, ctx: &mut Ctx) {
        if self.policy.poll_interval_ms.is_none() || self.processing.poll_scheduled {
            return;
        }
        self.processing.poll_scheduled = true;
        ctx.after(delay_ms.max(0), Timer::Consumer(ConsumerTimer::Poll));
    }

    /// Takes up to `max.poll.records` records from the buffers, partition by partition.
    fn take_records(&mut self, ctx: &mut Ctx) -> Vec<Polled> {
        let mut budget = i64::from(self.rules.max_poll_records.max(1));
        let mut polled = Vec::new();
        let read_committed = self.rules.isolation_level == IsolationLevel::ReadCommitted;
        // Walks the assignment in place: a poll that finds nothing copies no partition name.
        for (partition, assigned) in &mut self.assigned {
            if budget == 0 {
                break;
            }
            let Some(mut position) = assigned.position.filter(|_| assigned.is_fetchable()) else {
                continue;
            };
            let mut shared_partition: Option<Arc<TopicPartition>> = None;
            let mut first: Option<Offset> = None;
            let mut last = position;
            let mut records = 0;
            while budget > 0 {
                let Some(batch) = assigned.buffered.front().cloned() else {
                    break;
                };
                let skip_batch = batch.control.is_some()
                    || (read_committed
                        && batch.is_transactional
                        && is_aborted(&assigned.aborted, &batch));
                // `CompletedFetch.lastEpoch`: the epoch of the last batch read past.
                if batch.partition_leader_epoch >= 0 {
                    assigned.position_epoch = Some(batch.partition_leader_epoch);
                }
                if skip_batch {
                    position = position.max(batch.next_offset());
                    assigned.buffered.pop_front();
                    continue;
                }
                let mut exhausted = true;
                let mut run: Option<(Offset, usize)> = None;
                for offset in batch.offsets() {
                    if offset < position {
                        continue;
                    }
                    if budget == 0 {
                        exhausted = false;
                        break;
                    }
                    first.get_or_insert(offset);
                    last = offset;
                    position = offset.next();
                    records += 1;
                    budget -= 1;
                    run.get_or_insert((offset, 0)).1 += 1;
                }
                if let Some((run_first, run_records)) = run {
                    let shared =
                        shared_partition.get_or_insert_with(|| Arc::new(partition.clone()));
                    self.recent.push(DeliveredRun {
                        partition: Arc::clone(shared),
                        batch: Arc::clone(&batch),
                        first: run_first,
                        last,
                        records: run_records,
                    });
                }
                if exhausted {
                    position = position.max(batch.next_offset());
                    assigned.buffered.pop_front();
                }
            }
            assigned.position = Some(position);
            assigned.aborted.retain(|txn| txn.last_offset >= position);
            if let Some(first_offset) = first {
                self.records_delivered += i64::from(records);
                polled.push(Polled {
                    partition: partition.clone(),
                    first_offset,
                    last_offset: last,
                    records,
                });
            }
        }
        for entry in &polled {
            ctx.emit(EventKind::RecordsDelivered {
                consumer: self.id,
                group: self.rules.group_id.clone(),
                partition: entry.partition.clone(),
                first_offset: entry.first_offset,
                last_offset: entry.last_offset,
                records: entry.records,
            });
        }
        polled
    }
}

/// Whether a transactional batch belongs to an aborted transaction (read_committed skips it).
/// Kafka's `CompletedFetch` keeps the producers with an aborted transaction starting at or
/// before the batch until it meets their ABORT marker; the aborted transaction's offset range
/// says the same.
fn is_aborted(aborted: &[crate::log::AbortedTxn], batch: &crate::log::RecordBatch) -> bool {
    aborted.iter().any(|txn| {
        txn.producer_id == batch.producer_id
            && txn.first_offset <= batch.base_offset
            && batch.base_offset <= txn.last_offset
    })
}
