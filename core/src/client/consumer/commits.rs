//! Committing offsets and reading them back (`ConsumerCoordinator.commitOffsetsSync/Async`,
//! `fetchCommittedOffsets`).
//!
//! The committed offset of a partition is the next offset to read: the position after the last
//! record the application got. Commits go to the group coordinator with the member's generation;
//! a commit from a member the group has moved on from is refused (`CommitFailedException`),
//! since another member may own the partition now. With `enable.auto.commit` the consumer commits
//! the positions of earlier polls every `auto.commit.interval.ms`, from inside `poll()`. A
//! commit of a position carries the leader epoch of the record before it (KIP-320), and a
//! position read back from a committed offset keeps that epoch.

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};
use crate::protocol::group::{FetchedOffsets, OffsetToCommit};
use crate::protocol::GroupBody;

use super::Consumer;

/// A commit awaiting its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInFlight {
    /// The offsets.
    pub offsets: VecMap<TopicPartition, Offset>,
    /// `commitSync` (retried until it succeeds or fails for good) or `commitAsync`.
    pub sync: bool,
}

/// The consumer's commits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitState {
    /// The offsets the coordinator acknowledged.
    pub committed: VecMap<TopicPartition, Offset>,
    /// When auto-commit last ran.
    pub last_auto_commit_ms: i64,
    /// Commits awaiting an answer.
    pub in_flight: VecMap<u64, CommitInFlight>,
    /// Commits waiting for the coordinator to be found.
    pub pending: Vec<CommitInFlight>,
    /// OffsetFetch requests in flight, with their partitions.
    pub fetches_in_flight: VecMap<u64, Vec<TopicPartition>>,
    /// Partitions whose committed offset is wanted once the coordinator is known.
    pub fetch_pending: Vec<TopicPartition>,
}

impl Consumer {
    /// `SubscriptionState.allConsumed()`: the position of every assigned partition with a valid
    /// one (`FETCHING`: known, and not awaiting a reset or a validation). It is what
    /// `commitSync()`, auto-commit and `close()` commit.
    pub fn all_consumed(&self) -> VecMap<TopicPartition, Offset> {
        crate::sort::to_map(self.assigned.iter().filter_map(|(partition, assigned)| {
            assigned
                .position
                .filter(|_| assigned.is_fetchable())
                .map(|position| (partition.clone(), position))
        }))
    }

    /// `commitSync`/`commitAsync` of `offsets`.
    pub fn commit(&mut self, offsets: VecMap<TopicPartition, Offset>, sync: bool, ctx: &mut Ctx) {
        if offsets.is_empty() || !self.is_up() {
            return;
        }
        if self.membership.is_none() {
            let error = KafkaError::new(
                ErrorCode::InvalidGroupId,
                "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.",
            );
            self.report_error(error, ctx);
            return;
        }
        let commit = CommitInFlight { offsets, sync };
        if !self.send_commit(&commit, ctx) {
            self.commits.pending.push(commit);
        }
    }

    /// Sends a commit to the coordinator; false if none is known yet.
    fn send_commit(&mut self, commit: &CommitInFlight, ctx: &mut Ctx) -> bool {
        let Some(membership) = self.membership.as_ref() else {
            return false;
        };
        if membership.coordinator.is_none() {
            return false;
        }
        let request_id = ctx.request_id();
        let offsets = commit
            .offsets
            .iter()
            .map(|(partition, offset)| OffsetToCommit {
                partition: partition.clone(),
                offset: *offset,
                // `allConsumed()`: the position's epoch goes with it (KIP-320).
                leader_epoch: self
                    .assigned
                    .get(partition)
                    .filter(|assigned| assigned.position == Some(*offset))
                    .and_then(|assigned| assigned.position_epoch),
                metadata: String::new(),
            })
            .collect();
        let (generation_id, member_id) = if membership.joins {
            (membership.generation, membership.member_id.clone())
        } else {
            (-1, String::new())
        };
        let request = GroupBody::OffsetCommit {
            request_id,
            group_id: membership.group_id.clone(),
            generation_id,
            member_id,
            group_instance_id: self.rules.group_instance_id.clone(),
            offsets,
        };
        self.send_to_coordinator(request, ctx);
        self.commits.in_flight.insert(request_id, commit.clone());
        true
    }

    /// Auto-commit, from `poll()`, when `auto.commit.interval.ms` has passed: `allConsumed()`,
    /// changed or not. `ConsumerCoordinator.poll` returns before it while the member is
    /// rejoining (the timer keeps running, and `onJoinComplete` restarts it).
    pub(crate) fn maybe_auto_commit(&mut self, ctx: &mut Ctx) {
        if !self.rules.enable_auto_commit || self.rules.group_id.is_none() {
            return;
        }
        let rejoining = self.membership.as_ref().is_some_and(|membership| {
            membership.joins && (!membership.is_stable() || membership.rejoin.is_some())
        });
        if rejoining
            || ctx.now_ms - self.commits.last_auto_commit_ms < self.rules.auto_commit_interval_ms
        {
            return;
        }
        self.commits.last_auto_commit_ms = ctx.now_ms;
        self.commit(self.all_consumed(), false, ctx);
    }

    pub(crate) fn commit_answered(
        &mut self,
        request_id: u64,
        results: Vec<(TopicPartition, Result<(), KafkaError>)>,
        ctx: &mut Ctx,
    ) {
        let Some(commit) = self.commits.in_flight.remove(&request_id) else {
            return;
        };
        let mut committed = Vec::new();
        let mut failure: Option<KafkaError> = None;
        let mut unauthorized_topics: Vec<String> = Vec::new();
        for (partition, result) in results {
            match result {
                Ok(()) => {
                    if let Some(offset) = commit.offsets.get(&partition) {
                        self.commits.committed.insert(partition.clone(), *offset);
                        committed.push((partition, *offset));
                    }
                }
                // `OffsetCommitResponseHandler`: refused topics are gathered into one
                // `TopicAuthorizationException`, raised if nothing else failed.
                Err(error) if error.code == ErrorCode::TopicAuthorizationFailed => {
                    if !unauthorized_topics.contains(&partition.topic) {
                        unauthorized_topics.push(partition.topic);
                    }
                }
                Err(error) => failure = Some(error),
            }
        }
        if failure.is_none() && !unauthorized_topics.is_empty() {
            crate::sort::sort(&mut unauthorized_topics);
            let topics: Vec<&str> = unauthorized_topics.iter().map(String::as_str).collect();
            failure = Some(crate::client::metadata::topic_authorization_error(&topics));
        }
        if !committed.is_empty() {
            ctx.emit(EventKind::OffsetsCommitted {
                consumer: self.id,
                group: self.rules.group_id.clone().unwrap_or_default(),
                offsets: committed,
            });
        }
        if let Some(error) = failure {
            self.commit_failed(commit, error, ctx);
        }
    }

    fn commit_failed(&mut self, commit: CommitInFlight, error: KafkaError, ctx: &mut Ctx) {
        let rebalanced = matches!(
            error.code,
            ErrorCode::RebalanceInProgress
                | ErrorCode::IllegalGeneration
                | ErrorCode::UnknownMemberId
        );
        let coordinator_moved = matches!(
            error.code,
            ErrorCode::NotCoordinator
                | ErrorCode::CoordinatorNotAvailable
                | ErrorCode::CoordinatorLoadInProgress
        );
        if coordinator_moved {
            if let Some(membership) = self.membership.as_mut() {
                membership.coordinator = None;
            }
            if commit.sync {
                // commitSync retries once the coordinator is found again.
                self.commits.pending.push(commit);
            } else {
                ctx.emit(EventKind::OffsetCommitFailed {
                    consumer: self.id,
                    error: async_commit_error(&error.as_exception()),
                });
            }
            self.ensure_active_group(ctx);
            return;
        }
        let error = if error.code == ErrorCode::RebalanceInProgress {
            // The group is between JoinGroup and SyncGroup: rejoin, keep the generation.
            if let Some(membership) = self.membership.as_mut() {
                if membership.rejoin.is_none() {
                    membership.rejoin =
                        Some("offset commit failed since group is already rebalancing".to_string());
                }
            }
            KafkaError::new(
                ErrorCode::RebalanceInProgress,
                "Offset commit cannot be completed since the consumer group is executing a rebalance at the moment. You can try completing the rebalance by calling poll() and then retry commit again",
            )
        } else if rebalanced {
            // `resetGenerationOnResponseError`: the member lost its generation; its partitions
            // are lost (no commit) and it rejoins.
            let rejoining = self.membership.as_ref().is_some_and(|membership| {
                membership.join_in_flight.is_some() || membership.sync_in_flight.is_some()
            });
            if !rejoining {
                let reason = format!("encountered {} from OFFSET_COMMIT response", error.code);
                self.reset_generation(reason, ctx);
            }
            KafkaError::with_default_message(ErrorCode::CommitFailed)
        } else if !commit.sync && error.code.is_retriable() {
            async_commit_error(&error.as_exception())
        } else if commit.sync && error.code == ErrorCode::UnknownTopicOrPartition {
            // Simplification, stated in lesson 11: a partition the broker does not know (its
            // topic was deleted) fails the commitSync at once; Kafka retries until
            // `default.api.timeout.ms` and then throws a `TimeoutException`.
            error
        } else if error.code == ErrorCode::GroupAuthorizationFailed {
            let group = self.rules.group_id.as_deref().unwrap_or_default();
            crate::client::metadata::group_authorization_error(group)
        } else {
            error
        };
        ctx.emit(EventKind::OffsetCommitFailed {
            consumer: self.id,
            error,
        });
    }

    /// A commit or OffsetFetch got no answer: sync commits are tried again.
    pub(crate) fn commit_request_failed(&mut self, request_id: u64, ctx: &mut Ctx) {
        if let Some(commit) = self.commits.in_flight.remove(&request_id) {
            if commit.sync {
                self.commits.pending.push(commit);
            } else {
                // `ConsumerNetworkClient`: a request lost with its connection (closed, or
                // timed out) fails with a `DisconnectException`.
                ctx.emit(EventKind::OffsetCommitFailed {
                    consumer: self.id,
                    error: async_commit_error("org.apache.kafka.common.errors.DisconnectException"),
                });
            }
        }
        if let Some(partitions) = self.commits.fetches_in_flight.remove(&request_id) {
            self.commits.fetch_pending.extend(partitions);
        }
    }

    /// Sends what waited for the coordinator, if it is known (after a backoff).
    pub(crate) fn retry_commits(&mut self, ctx: &mut Ctx) {
        if self
            .membership
            .as_ref()
            .is_some_and(|membership| membership.coordinator.is_some())
        {
            self.after_coordinator_found(ctx);
        }
    }

    /// Sends what waited for the coordinator.
    pub(crate) fn after_coordinator_found(&mut self, ctx: &mut Ctx) {
        for commit in std::mem::take(&mut self.commits.pending) {
            if !self.send_commit(&commit, ctx) {
                self.commits.pending.push(commit);
            }
        }
        let mut partitions = std::mem::take(&mut self.commits.fetch_pending);
        // `initializingPartitions`: only those still assigned and without a position (a
        // rebalance may have taken some away since).
        partitions.retain(|partition| {
            self.assigned
                .get(partition)
                .is_some_and(|assigned| assigned.position.is_none())
        });
        if !partitions.is_empty() {
            self.fetch_committed_offsets(partitions, ctx);
        }
    }

    /// Asks the coordinator for the committed offsets of `partitions` (OffsetFetch).
    pub(crate) fn fetch_committed_offsets(
        &mut self,
        partitions: Vec<TopicPartition>,
        ctx: &mut Ctx,
    ) {
        for partition in &partitions {
            if let Some(assigned) = self.assigned.get_mut(partition) {
                assigned.awaiting_position = true;
            }
        }
        let Some(group_id) = self.membership.as_ref().map(|m| m.group_id.clone()) else {
            return;
        };
        let request_id = ctx.request_id();
        let request = GroupBody::OffsetFetch {
            request_id,
            group_id,
            partitions: partitions.clone(),
            require_stable: true,
        };
        if self.send_to_coordinator(request, ctx).is_some() {
            self.commits
                .fetches_in_flight
                .insert(request_id, partitions);
        } else {
            self.commits.fetch_pending.extend(partitions);
            self.ensure_active_group(ctx);
        }
    }

    /// `OffsetFetchResponseHandler`: positions from the committed offsets, or the whole fetch
    /// asked again after a backoff (a topic refused, which `poll()` throws, or a transactional
    /// commit pending).
    pub(crate) fn committed_offsets_fetched(
        &mut self,
        request_id: u64,
        result: Result<FetchedOffsets, KafkaError>,
        ctx: &mut Ctx,
    ) {
        let Some(partitions) = self.commits.fetches_in_flight.remove(&request_id) else {
            return;
        };
        let offsets = match result {
            Ok(offsets) => offsets,
            Err(error) if error.code == ErrorCode::GroupAuthorizationFailed => {
                let group = self.rules.group_id.as_deref().unwrap_or_default();
                let error = crate::client::metadata::group_authorization_error(group);
                self.report_error_once(error, ctx);
                return self.fetch_again(partitions, self.rules.retry_backoff_max_ms, ctx);
            }
            Err(_) => {
                self.commits.fetch_pending.extend(partitions);
                if let Some(membership) = self.membership.as_mut() {
                    membership.coordinator = None;
                }
                self.ensure_active_group(ctx);
                return;
            }
        };
        let denied_topics: Vec<String> = offsets
            .iter()
            .filter(|(_, result)| {
                result
                    .as_ref()
                    .is_err_and(|error| error.code == ErrorCode::TopicAuthorizationFailed)
            })
            .map(|(partition, _)| partition.topic.clone())
            .collect();
        if !denied_topics.is_empty() {
            // Kafka asks again at the next poll; here after `retry.backoff.max.ms`, as after
            // a refused fetch.
            self.report_authorization_error(denied_topics, ctx);
            return self.fetch_again(partitions, self.rules.retry_backoff_max_ms, ctx);
        }
        if offsets.iter().any(|(_, result)| result.is_err()) {
            // A transactional commit is pending (KIP-447, `UNSTABLE_OFFSET_COMMIT`).
            return self.fetch_again(partitions, self.rules.retry_backoff_ms, ctx);
        }
        let mut to_reset = Vec::new();
        for (partition, committed) in offsets {
            let Ok(committed) = committed else { continue };
            let leader = self.leader_and_epoch(&partition);
            let Some(assigned) = self.assigned.get_mut(&partition) else {
                continue;
            };
            assigned.awaiting_position = false;
            match committed {
                Some(fetched) => {
                    // `refreshCommittedOffsets`: validated first when it carries an epoch.
                    assigned.seek_unvalidated(
                        fetched.offset,
                        fetched.leader_epoch,
                        leader,
                        ctx.now_ms,
                    );
                    self.commits
                        .committed
                        .insert(partition.clone(), fetched.offset);
                }
                None => to_reset.push(partition),
            }
        }
        if !to_reset.is_empty() {
            self.reset_positions(to_reset, ctx);
        }
        self.send_fetches(ctx);
    }

    /// Asks for these partitions' committed offsets again after `after_ms`.
    fn fetch_again(&mut self, partitions: Vec<TopicPartition>, after_ms: i64, ctx: &mut Ctx) {
        self.commits.fetch_pending.extend(partitions);
        ctx.after(
            after_ms,
            crate::cluster::timer::Timer::Consumer(super::ConsumerTimer::Retry),
        );
    }
}

/// `ConsumerCoordinator.doCommitOffsetsAsync`: commitAsync's callback gets a retriable failure
/// wrapped in a `RetriableCommitFailedException`; `cause` is the wrapped exception.
fn async_commit_error(cause: &str) -> KafkaError {
    let code = ErrorCode::RetriableCommitFailed;
    KafkaError::new(
        code,
        format!("{} Caused by: {cause}", code.default_message()),
    )
}
