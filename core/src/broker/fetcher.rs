//! The follower's side of replication (`ReplicaFetcherThread`, `AbstractFetcherThread`).
//!
//! A broker runs one fetcher per leader it follows partitions of, with at most one Fetch in
//! flight. Each partition is fetched from the replica's log end offset, with the epoch of its
//! last batch so the leader can spot divergence. On the answer the follower truncates (if the
//! leader says the logs diverged), appends the batches (the same batches, offsets and all),
//! takes the leader's high watermark (capped by its own log end offset) and log start offset,
//! and fetches again at once; the leader holds the next fetch until there is something new.

use crate::vec_map::VecSet;

use crate::cluster::config::TruncationMode;
use crate::cluster::context::Ctx;
use crate::cluster::event::{EventKind, TruncationReason};
use crate::error::ErrorCode;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::IsolationLevel;
use crate::log::LogStartOffsetIncrementReason;
use crate::network::NodeId;
use crate::protocol::{Body, FetchPartition, FetchRequest, FetchResponse, FetchedPartition};

use super::replica::Replica;
use super::{Broker, BrokerTimer, OwnRequest};

/// Fetching from one leader.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fetcher {
    /// The partitions fetched from this leader.
    pub partitions: VecSet<TopicPartition>,
    /// The fetch in flight, if any.
    pub in_flight: Option<u64>,
    /// Whether a backoff timer is set.
    pub backing_off: bool,
}

impl Broker {
    /// Adds `partition` to the fetcher for `leader`, fetching at once if the fetcher is idle.
    pub(super) fn start_fetching(
        &mut self,
        partition: TopicPartition,
        leader: BrokerId,
        ctx: &mut Ctx,
    ) {
        let fetcher = self.fetchers.entry(leader).or_default();
        fetcher.partitions.insert(partition);
        if fetcher.in_flight.is_none() && !fetcher.backing_off {
            self.send_replica_fetch(leader, ctx);
        }
    }

    /// Removes `partition` from whichever fetcher has it.
    pub(super) fn stop_fetching(&mut self, partition: &TopicPartition) {
        for fetcher in self.fetchers.values_mut() {
            fetcher.partitions.remove(partition);
        }
        self.fetchers
            .retain(|_, fetcher| !fetcher.partitions.is_empty() || fetcher.in_flight.is_some());
    }

    /// Sends the next Fetch to `leader` for all partitions followed from it.
    pub(super) fn send_replica_fetch(&mut self, leader: BrokerId, ctx: &mut Ctx) {
        if !self.is_serving() {
            return;
        }
        let Some(fetcher) = self.fetchers.get_mut(&leader) else {
            return;
        };
        fetcher.backing_off = false;
        if fetcher.in_flight.is_some() {
            return;
        }
        let partitions: Vec<FetchPartition> = fetcher
            .partitions
            .iter()
            .filter_map(|partition| {
                let replica = self.replicas.get(partition)?;
                Some(fetch_partition(
                    replica,
                    ctx.config.truncation,
                    self.settings.replica_fetch_max_bytes,
                ))
            })
            .collect();
        if partitions.is_empty() {
            self.fetchers.remove(&leader);
            return;
        }
        let request_id = ctx.request_id();
        if let Some(fetcher) = self.fetchers.get_mut(&leader) {
            fetcher.in_flight = Some(request_id);
        }
        self.own_requests
            .insert(request_id, OwnRequest::ReplicaFetch { leader });
        let request = FetchRequest {
            request_id,
            replica: Some(self.id),
            replica_epoch: self.broker_epoch,
            max_wait_ms: self.settings.replica_fetch_wait_max_ms,
            min_bytes: 1,
            max_bytes: self.settings.replica_fetch_response_max_bytes,
            isolation: IsolationLevel::ReadUncommitted,
            partitions,
            client_id: String::new(),
        };
        ctx.send(NodeId::Broker(leader), Body::FetchRequest(request));
        let timeout_ms =
            self.settings.replica_socket_timeout_ms + self.settings.replica_fetch_wait_max_ms;
        self.watch_request(request_id, timeout_ms, ctx);
    }

    /// A fetch failed (leader down, timed out): try again after `replica.fetch.backoff.ms`.
    pub(super) fn fetch_failed(&mut self, leader: BrokerId, ctx: &mut Ctx) {
        let Some(fetcher) = self.fetchers.get_mut(&leader) else {
            return;
        };
        fetcher.in_flight = None;
        if !fetcher.backing_off {
            fetcher.backing_off = true;
            Self::after(
                ctx,
                self.settings.replica_fetch_backoff_ms,
                BrokerTimer::ReplicaFetch { leader },
            );
        }
    }

    pub(super) fn handle_fetch_response(&mut self, response: FetchResponse, ctx: &mut Ctx) {
        let Some(OwnRequest::ReplicaFetch { leader }) = self.take_own_request(response.request_id)
        else {
            return;
        };
        if let Some(fetcher) = self.fetchers.get_mut(&leader) {
            fetcher.in_flight = None;
        }
        let mut all_failed = !response.partitions.is_empty();
        for fetched in response.partitions {
            let followed = self
                .fetchers
                .get(&leader)
                .is_some_and(|fetcher| fetcher.partitions.contains(&fetched.partition));
            if !followed {
                continue;
            }
            if fetched.error.is_none() {
                all_failed = false;
            }
            self.process_fetched(leader, fetched, ctx);
        }
        if all_failed {
            self.fetch_failed(leader, ctx);
        } else {
            self.send_replica_fetch(leader, ctx);
        }
    }

    fn process_fetched(&mut self, leader: BrokerId, fetched: FetchedPartition, ctx: &mut Ctx) {
        let me = self.id;
        let partition = fetched.partition.clone();
        let settings = self.topic_settings(&partition.topic);
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        if replica.state.leader != Some(leader) {
            return;
        }
        if let Some(error) = &fetched.error {
            if error.code == ErrorCode::OffsetOutOfRange {
                handle_out_of_range(me, replica, &fetched, ctx);
            }
            return;
        }
        if let Some((epoch, leader_end_offset)) = fetched.diverging_epoch {
            let target = divergence_truncation_offset(replica, epoch, leader_end_offset);
            truncate(
                me,
                replica,
                target,
                TruncationReason::DivergingEpoch { epoch },
                ctx,
            );
            return;
        }
        if let (Some(first), Some(last)) = (fetched.batches.first(), fetched.batches.last()) {
            let from_offset = first.base_offset;
            let to_offset = last.last_offset();
            if replica
                .log
                .append_as_follower(&fetched.batches, &settings.log, ctx.clock_ms)
                .is_ok()
            {
                ctx.emit(EventKind::BatchesReplicated {
                    partition: partition.clone(),
                    broker: me,
                    from_offset,
                    to_offset,
                });
            }
        }
        let high_watermark = fetched.high_watermark.min(replica.log.log_end_offset());
        if high_watermark > replica.high_watermark {
            replica.high_watermark = high_watermark;
            replica.log.on_high_watermark_updated(high_watermark);
        }
        if fetched.log_start_offset > replica.log.log_start_offset() {
            // A follower follows its leader's log start offset (never past its own high watermark).
            let target = fetched.log_start_offset.min(replica.high_watermark);
            let _ = replica.log.maybe_increment_log_start_offset(
                target,
                LogStartOffsetIncrementReason::LeaderOffsetIncremented,
                replica.high_watermark,
            );
        }
    }
}

/// What a follower asks for one partition.
fn fetch_partition(
    replica: &Replica,
    truncation: TruncationMode,
    max_bytes: i32,
) -> FetchPartition {
    let last_fetched_epoch = match truncation {
        TruncationMode::LeaderEpoch => replica.log.latest_epoch(),
        TruncationMode::HighWatermark => None,
    };
    FetchPartition {
        partition: replica.partition.clone(),
        fetch_offset: replica.log.log_end_offset(),
        current_leader_epoch: replica.state.leader_epoch,
        last_fetched_epoch,
        partition_max_bytes: max_bytes,
        log_start_offset: replica.log.log_start_offset(),
    }
}

/// Where a follower truncates after the leader reported a diverging epoch
/// (`AbstractFetcherThread.getOffsetTruncationState`, KIP-279): when the follower knows the
/// epoch the leader answered with, to the smaller of both ends of that epoch; when it does not,
/// to the end of its own largest earlier epoch (the next fetch then checks again).
fn divergence_truncation_offset(
    replica: &Replica,
    leader_epoch: i32,
    leader_end_offset: Offset,
) -> Offset {
    let log_end_offset = replica.log.log_end_offset();
    match replica.log.end_offset_for_epoch(leader_epoch) {
        Some((follower_epoch, follower_end)) if follower_epoch == leader_epoch => {
            follower_end.min(leader_end_offset).min(log_end_offset)
        }
        Some((_, follower_end)) => follower_end.min(log_end_offset),
        None => leader_end_offset.min(log_end_offset),
    }
}

/// Cuts the follower's log back to `offset`. At or past its log end offset no record goes,
/// but the epoch cache is still trimmed there (`UnifiedLog.truncateTo`): a replica that led an
/// epoch and wrote nothing in it keeps that epoch's entry at its log end, which the new leader
/// never had, and would otherwise report it as its last fetched epoch forever.
fn truncate(
    broker: BrokerId,
    replica: &mut Replica,
    offset: Offset,
    reason: TruncationReason,
    ctx: &mut Ctx,
) {
    let log_end_offset = replica.log.log_end_offset();
    if offset >= log_end_offset {
        replica.log.truncate_to(offset);
        return;
    }
    let offset = offset.max(replica.log.log_start_offset());
    replica.log.truncate_to(offset);
    replica.high_watermark = replica.high_watermark.min(offset);
    ctx.emit(EventKind::LogTruncated {
        partition: replica.partition.clone(),
        broker,
        log_end_offset: offset,
        removed_records: log_end_offset.0 - offset.0,
        reason,
    });
}

/// `AbstractFetcherThread.handleOutOfRangeError`: a follower ahead of the leader truncates to
/// the leader's end (possible after an unclean election); one behind the leader's log start
/// starts over there.
fn handle_out_of_range(
    broker: BrokerId,
    replica: &mut Replica,
    fetched: &FetchedPartition,
    ctx: &mut Ctx,
) {
    let log_end_offset = replica.log.log_end_offset();
    if fetched.log_end_offset >= Offset(0) && log_end_offset > fetched.log_end_offset {
        truncate(
            broker,
            replica,
            fetched.log_end_offset,
            TruncationReason::OffsetOutOfRange,
            ctx,
        );
    } else if log_end_offset < fetched.log_start_offset {
        replica
            .log
            .truncate_fully_and_start_at(fetched.log_start_offset);
        replica.high_watermark = fetched.log_start_offset;
        ctx.emit(EventKind::LogTruncated {
            partition: replica.partition.clone(),
            broker,
            log_end_offset: fetched.log_start_offset,
            removed_records: 0,
            reason: TruncationReason::OffsetOutOfRange,
        });
    }
}
