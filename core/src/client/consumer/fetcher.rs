//! Positions and fetching (`SubscriptionState`, `Fetcher`, `OffsetFetcher`).
//!
//! A newly assigned partition starts at its committed offset (asked from the group
//! coordinator) or, when there is none, where `auto.offset.reset` says: the log start offset
//! (`earliest`), the end (`latest`, the default), the first record at or after now minus a
//! duration (`by_duration:PT1H`, KIP-1106) or an error (`none`). A partition awaiting its
//! reset is asked for on every poll once its retry time has come: `retry.backoff.ms` after a
//! failed ListOffsets, `request.timeout.ms` after one answered "no such offset" (-1, when no
//! record is that recent). The consumer keeps one
//! Fetch in flight per leader for its partitions that have nothing buffered; the leader holds it
//! for up to `fetch.max.wait.ms`. A position that fell out of the log (retention deleted it)
//! is reset the same way. With `read_committed` the leader returns records only up to the last
//! stable offset, and the consumer drops records of aborted transactions and the transaction
//! markers.

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::deadlines::Connection;
use crate::cluster::event::EventKind;
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::AutoOffsetReset;
use crate::network::NodeId;
use crate::protocol::{
    Body, FetchPartition, FetchRequest, FetchResponse, ListOffsetsPartition, ListOffsetsRequest,
    ListOffsetsResponse, OffsetSpec,
};

use super::{Consumer, ConsumerTimer};

impl Consumer {
    /// Replaces the assignment: kept partitions keep their positions, new ones get theirs
    /// looked up.
    pub(crate) fn set_assignment(&mut self, partitions: Vec<TopicPartition>, ctx: &mut Ctx) {
        self.assigned
            .retain(|partition, _| partitions.contains(partition));
        for partition in partitions {
            self.assigned.entry(partition).or_default();
        }
        self.initialize_positions(ctx);
    }

    /// Looks up the positions still unknown: committed offsets first (with a group id), then
    /// `auto.offset.reset`.
    pub(crate) fn initialize_positions(&mut self, ctx: &mut Ctx) {
        let missing: Vec<TopicPartition> = self
            .assigned
            .iter()
            .filter(|(_, a)| {
                a.position.is_none() && !a.awaiting_position && a.reset_due_ms.is_none()
            })
            .map(|(partition, _)| partition.clone())
            .collect();
        if missing.is_empty() {
            self.send_fetches(ctx);
            return;
        }
        if self.rules.group_id.is_some() {
            self.fetch_committed_offsets(missing, ctx);
        } else {
            self.reset_positions(missing, ctx);
        }
    }

    /// `SubscriptionState.requestOffsetReset`: `auto.offset.reset` must place these partitions
    /// (with `none`, poll() throws instead).
    pub(crate) fn reset_positions(&mut self, partitions: Vec<TopicPartition>, ctx: &mut Ctx) {
        if self.rules.auto_offset_reset == AutoOffsetReset::None {
            let list: Vec<String> = partitions.iter().map(ToString::to_string).collect();
            let error = KafkaError::new(
                ErrorCode::NoOffsetForPartition,
                format!(
                    "Undefined offset with no reset policy for partitions: [{}]",
                    list.join(", ")
                ),
            );
            self.report_error(error, ctx);
            return;
        }
        for partition in &partitions {
            if let Some(assigned) = self.assigned.get_mut(partition) {
                assigned.position = None;
                assigned.reset_due_ms = Some(ctx.now_ms);
            }
        }
        self.send_resets(ctx);
    }

    /// `OffsetFetcher.resetPositionsIfNeeded`, run on every poll: asks the leaders where the
    /// partitions awaiting a reset start, once their retry time has come. `by_duration` asks
    /// for the first offset at or after now minus the duration, computed now.
    pub(crate) fn send_resets(&mut self, ctx: &mut Ctx) {
        let due: Vec<TopicPartition> = self
            .assigned
            .iter()
            .filter(|(_, a)| {
                !a.awaiting_position && a.reset_due_ms.is_some_and(|at_ms| at_ms <= ctx.now_ms)
            })
            .map(|(partition, _)| partition.clone())
            .collect();
        let spec = match &self.rules.auto_offset_reset {
            AutoOffsetReset::Earliest => OffsetSpec::Earliest,
            AutoOffsetReset::Latest => OffsetSpec::Latest,
            AutoOffsetReset::ByDuration { duration, .. } => {
                OffsetSpec::Timestamp(duration.before(ctx.clock_ms))
            }
            AutoOffsetReset::None => return,
        };
        if !due.is_empty() {
            self.list_offsets(due, spec, ctx);
        }
    }

    /// Asks the leaders for offsets (ListOffsets) and uses them as positions. A partition
    /// asked may be asked again after `request.timeout.ms` (`setNextAllowedRetry`).
    pub(crate) fn list_offsets(
        &mut self,
        partitions: Vec<TopicPartition>,
        spec: OffsetSpec,
        ctx: &mut Ctx,
    ) {
        let mut by_leader: VecMap<BrokerId, Vec<TopicPartition>> = VecMap::new();
        for partition in partitions {
            match self.metadata.leader(&partition) {
                Some(leader) => by_leader.entry(leader).or_default().push(partition),
                None => {
                    self.metadata.want(&partition.topic);
                    self.metadata.stale = true;
                }
            }
        }
        self.request_metadata(false, ctx);
        let retry_at_ms = ctx.now_ms.saturating_add(self.rules.request_timeout_ms);
        for (leader, partitions) in by_leader {
            let request_id = ctx.request_id();
            for partition in &partitions {
                if let Some(assigned) = self.assigned.get_mut(partition) {
                    assigned.awaiting_position = true;
                    assigned.reset_due_ms = Some(retry_at_ms);
                }
            }
            let request = ListOffsetsRequest {
                request_id,
                isolation: self.rules.isolation_level,
                partitions: partitions
                    .iter()
                    .map(|partition| ListOffsetsPartition {
                        partition: partition.clone(),
                        spec,
                        current_leader_epoch: self.metadata.leader_epoch(partition),
                    })
                    .collect(),
            };
            self.list_offsets_in_flight.insert(request_id, partitions);
            ctx.send(NodeId::Broker(leader), Body::ListOffsetsRequest(request));
            let connection = Connection::Broker(leader);
            self.watch_request(request_id, self.rules.request_timeout_ms, connection, ctx);
        }
    }

    pub(crate) fn handle_list_offsets(&mut self, response: ListOffsetsResponse, ctx: &mut Ctx) {
        if self
            .list_offsets_in_flight
            .remove(&response.request_id)
            .is_none()
        {
            return;
        }
        let mut retry = false;
        for (partition, result) in response.partitions {
            let leader = self.leader_and_epoch(&partition);
            let Some(assigned) = self.assigned.get_mut(&partition) else {
                continue;
            };
            assigned.awaiting_position = false;
            // `maybeSeekUnvalidated`: a seek since the request wins.
            if assigned.reset_due_ms.is_none() {
                continue;
            }
            match result {
                Ok((offset, _)) if offset == Offset::UNKNOWN => {
                    // No record at or after the time asked: the partition keeps awaiting its
                    // reset and is asked again when the request's retry time comes.
                    ctx.emit(EventKind::Client {
                        client: Some(self.id),
                        trace: format!("no-offset client-{} {partition}", self.id.0),
                        description: format!(
                            "{} finds no record in {partition} as recent as auto.offset.reset={} asks: the leader answers offset -1 (no record with a timestamp at or after now minus the duration). The partition stays without a position, and the consumer asks again request.timeout.ms ({} ms) after it asked.",
                            self.name,
                            self.rules.auto_offset_reset,
                            self.rules.request_timeout_ms
                        ),
                    });
                }
                Ok((offset, _)) => {
                    assigned.seek_unvalidated(offset, None, leader, ctx.now_ms);
                    ctx.emit(EventKind::Client {
                        client: Some(self.id),
                        trace: format!("position client-{} {partition} offset={offset}", self.id.0),
                        description: format!(
                            "{} starts reading {partition} at offset {offset} (auto.offset.reset={}).",
                            self.name, self.rules.auto_offset_reset
                        ),
                    });
                }
                Err(error) => {
                    // Every error a leader answers here is retried after `retry.backoff.ms`,
                    // with a metadata refresh (`onSuccessfulResponseForResettingPositions`:
                    // `metadata.requestUpdate` for any partition to retry).
                    assigned.reset_due_ms = Some(ctx.now_ms + self.rules.retry_backoff_ms);
                    self.metadata.stale = true;
                    retry = true;
                    if assigned.reset_error.replace(error.code) == Some(error.code) {
                        continue;
                    }
                    ctx.emit(EventKind::Client {
                        client: Some(self.id),
                        trace: format!(
                            "list-offsets-retry client-{} {partition} error={}",
                            self.id.0,
                            error.code.name()
                        ),
                        description: format!(
                            "{} gets no starting offset for {partition} yet: the broker answers ListOffsets with {}. It asks again every retry.backoff.ms ({} ms), with fresh metadata, for as long as the answer stays the same.",
                            self.name,
                            error.code.name(),
                            self.rules.retry_backoff_ms
                        ),
                    });
                }
            }
        }
        if retry {
            ctx.after(
                self.rules.retry_backoff_ms,
                Timer::Consumer(ConsumerTimer::Retry),
            );
        }
        self.send_fetches(ctx);
    }

    /// Sends a Fetch to every leader of partitions with a position and nothing buffered,
    /// unless one is in flight to it.
    pub(crate) fn send_fetches(&mut self, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        let now_ms = ctx.now_ms;
        let busy: Vec<BrokerId> = self
            .fetches_in_flight
            .values()
            .copied()
            .chain(
                self.throttled_until
                    .iter()
                    .filter(|(_, until_ms)| **until_ms > now_ms)
                    .map(|(broker, _)| *broker),
            )
            .collect();
        let mut by_leader: VecMap<BrokerId, Vec<FetchPartition>> = VecMap::new();
        let mut missing_leader = false;
        for (partition, assigned) in &self.assigned {
            let Some(position) = assigned.position.filter(|_| assigned.is_fetchable()) else {
                continue;
            };
            if !assigned.buffered.is_empty() || assigned.fetch_after_ms > now_ms {
                continue;
            }
            let Some(leader) = self.metadata.leader(partition) else {
                missing_leader = true;
                continue;
            };
            if busy.contains(&leader) {
                continue;
            }
            by_leader.entry(leader).or_default().push(FetchPartition {
                partition: partition.clone(),
                fetch_offset: position,
                current_leader_epoch: self.metadata.leader_epoch(partition),
                last_fetched_epoch: None,
                partition_max_bytes: self.rules.max_partition_fetch_bytes,
                log_start_offset: Offset(-1),
            });
        }
        if missing_leader {
            self.metadata.stale = true;
            self.request_metadata(false, ctx);
        }
        for (leader, partitions) in by_leader {
            let request_id = ctx.request_id();
            let request = FetchRequest {
                request_id,
                replica: None,
                replica_epoch: -1,
                max_wait_ms: self.rules.fetch_max_wait_ms,
                min_bytes: self.rules.fetch_min_bytes,
                max_bytes: self.rules.fetch_max_bytes,
                isolation: self.rules.isolation_level,
                partitions,
                client_id: self.name.clone(),
            };
            self.fetches_in_flight.insert(request_id, leader);
            ctx.send(NodeId::Broker(leader), Body::FetchRequest(request));
            self.watch_request(
                request_id,
                self.rules.request_timeout_ms + self.rules.fetch_max_wait_ms,
                Connection::Broker(leader),
                ctx,
            );
        }
    }

    pub(crate) fn handle_fetch_response(&mut self, response: FetchResponse, ctx: &mut Ctx) {
        let Some(from) = self.fetches_in_flight.remove(&response.request_id) else {
            return;
        };
        if response.throttle_time_ms > 0 {
            // `NetworkClient.maybeThrottle`: no fetch to this broker until the time is up.
            let until_ms = ctx.now_ms + response.throttle_time_ms;
            let entry = self.throttled_until.entry(from).or_default();
            *entry = (*entry).max(until_ms);
            ctx.at(until_ms, Timer::Consumer(ConsumerTimer::Retry));
        }
        let mut out_of_range = Vec::new();
        let mut had_error = false;
        let mut denied_topics: Vec<String> = Vec::new();
        let authorization_backoff_ms = self.rules.retry_backoff_max_ms;
        let mut leaders = Vec::new();
        for fetched in response.partitions {
            if let Some((leader, epoch)) = fetched.current_leader {
                leaders.push((fetched.partition.clone(), leader, epoch));
            }
            let Some(assigned) = self.assigned.get_mut(&fetched.partition) else {
                continue;
            };
            // `initializeCompletedFetch`: an answer for a partition that is awaiting a reset or
            // a validation since the fetch was sent is dropped.
            if !assigned.is_fetchable() {
                continue;
            }
            if let Some(error) = fetched.error {
                had_error = true;
                if error.code == ErrorCode::TopicAuthorizationFailed {
                    // `FetchCollector.handleInitializeErrors`: poll() throws. Kafka fetches
                    // again at the next poll; here after `retry.backoff.max.ms`, so a refused
                    // consumer does not ask in a loop.
                    assigned.fetch_after_ms = ctx.now_ms.saturating_add(authorization_backoff_ms);
                    denied_topics.push(fetched.partition.topic.clone());
                } else if error.code == ErrorCode::OffsetOutOfRange {
                    let position = fetch_position_text(assigned);
                    assigned.position = None;
                    out_of_range.push((fetched.partition.clone(), position));
                } else if error.code != ErrorCode::UnknownLeaderEpoch {
                    // `FetchCollector.handleInitializeErrors` only logs UNKNOWN_LEADER_EPOCH:
                    // the consumer's metadata is newer than the broker's, which will catch up.
                    self.metadata.invalidate_on(error.code);
                }
                continue;
            }
            assigned.high_watermark = Some(fetched.high_watermark);
            assigned.last_stable_offset = Some(fetched.last_stable_offset);
            // Only batches at or after the position (a batch may start before it).
            let position = assigned.position.unwrap_or(Offset(0));
            for txn in fetched.aborted_transactions {
                if txn.last_offset >= position && !assigned.aborted.contains(&txn) {
                    assigned.aborted.push(txn);
                }
            }
            for batch in fetched.batches {
                if batch.last_offset() >= position {
                    assigned.buffered.push_back(batch);
                }
            }
        }
        // `handleFetchSuccess` (KIP-951): the leaders the answer named are taken at once, and
        // a position taken under the old leader is validated with the new one
        // (`maybeValidatePositionForCurrentLeader`).
        if self
            .metadata
            .learn_leaders(leaders, from, self.id, &self.name, ctx)
        {
            self.check_positions_against_leaders(ctx);
            self.send_validations(ctx);
        }
        if !denied_topics.is_empty() {
            self.report_authorization_error(denied_topics, ctx);
            ctx.after(
                authorization_backoff_ms,
                Timer::Consumer(ConsumerTimer::Retry),
            );
        }
        if let Some((partition, position)) = out_of_range.first() {
            if self.rules.auto_offset_reset == AutoOffsetReset::None {
                // `handleOffsetOutOfRange` with no reset policy: poll() throws. The partition
                // keeps no position, so it is not fetched again.
                let error = KafkaError::new(
                    ErrorCode::PositionOutOfRange,
                    format!("Fetch position {position} is out of range for partition {partition}"),
                );
                self.report_error(error, ctx);
            } else {
                ctx.emit(EventKind::Client {
                    client: Some(self.id),
                    trace: format!("offset-out-of-range client-{}", self.id.0),
                    description: format!(
                        "{}: its position is outside the log (deleted by retention, or a seek past the end?), so auto.offset.reset={} decides where it starts again.",
                        self.name, self.rules.auto_offset_reset
                    ),
                });
                let partitions = out_of_range.into_iter().map(|(partition, _)| partition);
                self.reset_positions(partitions.collect(), ctx);
            }
        }
        if had_error {
            ctx.after(
                self.rules.retry_backoff_ms,
                Timer::Consumer(ConsumerTimer::Retry),
            );
        }
        self.send_fetches(ctx);
    }

    /// `poll()` throws `TopicAuthorizationException` for these topics; reported once while
    /// it stays the same.
    pub(crate) fn report_authorization_error(&mut self, mut topics: Vec<String>, ctx: &mut Ctx) {
        crate::sort::sort(&mut topics);
        topics.dedup();
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        let error = crate::client::metadata::topic_authorization_error(&names);
        self.report_error_once(error, ctx);
    }

    /// Reports an error unless it is the last one reported (a poll loop that keeps hitting
    /// the same denial logs it once).
    pub(crate) fn report_error_once(&mut self, error: KafkaError, ctx: &mut Ctx) {
        if self.last_error.as_ref() != Some(&error) {
            self.report_error(error, ctx);
        }
    }

    /// Reports a fatal error to the application.
    pub(crate) fn report_error(&mut self, error: KafkaError, ctx: &mut Ctx) {
        ctx.emit(EventKind::Client {
            client: Some(self.id),
            trace: format!("consumer-error client-{} {}", self.id.0, error.code),
            description: format!("{}: poll() throws {}", self.name, error.as_exception()),
        });
        self.last_error = Some(error);
    }
}

/// `FetchPosition.toString()`, as Kafka 4's consumer prints it in an exception: the offset, the
/// epoch of the record before it, and the leader it was taken under (`Node.toString()`).
fn fetch_position_text(assigned: &super::Assigned) -> String {
    let (leader, epoch) = assigned.current_leader;
    let leader = leader.map_or_else(
        || "Optional.empty".to_string(),
        |broker| {
            format!(
                "Optional[{} (id: {broker} rack: null isFenced: false)]",
                broker.address()
            )
        },
    );
    format!(
        "FetchPosition{{offset={}, offsetEpoch={}, currentLeader=LeaderAndEpoch{{leader={leader}, epoch={}}}}}",
        assigned.position.unwrap_or(Offset(-1)),
        super::validation::optional(assigned.position_epoch),
        if epoch < 0 { "absent".to_string() } else { epoch.to_string() }
    )
}
