//! A consumer client (`KafkaConsumer`): it subscribes to topics as a member of a consumer
//! group (or is assigned partitions by hand), fetches records from partition leaders, hands
//! them to its application in `poll()`, and commits how far it got.
//!
//! - [`membership`]: the group protocol as a member sees it (`ConsumerCoordinator`): finding the
//!   coordinator, JoinGroup/SyncGroup, heartbeats, `session.timeout.ms` and
//!   `max.poll.interval.ms`, eager and cooperative rebalancing, static membership;
//! - [`fetcher`]: positions, Fetch and ListOffsets, `auto.offset.reset`, `isolation.level`;
//! - [`validation`]: checking positions against the leader's epochs after a leader change
//!   (OffsetsForLeaderEpoch, KIP-320), which detects the truncation of an unclean election;
//! - [`commits`]: OffsetCommit/OffsetFetch, `enable.auto.commit`, `commitSync`/`commitAsync`;
//! - [`application`]: the application's poll loop and when it commits relative to
//!   processing, which decides at-most-once or at-least-once delivery;
//! - [`pattern`]: `subscribe(Pattern)`, the topics a regular expression matches.

pub mod application;
pub mod commits;
pub mod fetcher;
pub mod membership;
pub mod pattern;
pub mod validation;

use crate::vec_map::VecMap;
use std::collections::VecDeque;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::client::metadata::ClientMetadata;
use crate::cluster::context::Ctx;
use crate::cluster::deadlines::{Connection, Deadlines};
use crate::cluster::timer::Timer;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::kinds::{AssignorKind, AutoOffsetReset, IsolationLevel};
use crate::log::{RecordBatch, RecordRef};
use crate::network::{ClientId, NodeId};
use crate::protocol::{Body, GroupBody};

use self::application::Processing;
use self::commits::CommitState;
use self::membership::Membership;

/// What a consumer reads: topics through its group (`subscribe`), or fixed partitions
/// (`assign`, a standalone consumer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subscription {
    /// `subscribe(topics)`: the group decides the partitions.
    Topics(Vec<String>),
    /// `assign(partitions)`: no group membership, no rebalances.
    Partitions(Vec<TopicPartition>),
    /// `subscribe(Pattern)`: every topic whose name matches the regular expression, as the
    /// consumer's metadata lists them (see [`pattern`]).
    Pattern(String),
}

/// When the application commits by itself, besides `enable.auto.commit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppCommits {
    /// Never (rely on auto-commit, or on `Commit` commands).
    Never,
    /// After processing each poll's records (at-least-once).
    AfterProcessing {
        /// `commitSync` (true) or `commitAsync`.
        sync: bool,
    },
    /// Before processing them (at-most-once).
    BeforeProcessing {
        /// `commitSync` (true) or `commitAsync`.
        sync: bool,
    },
}

/// How the consumer's application behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitPolicy {
    /// The application polls again this many ms after finishing a batch; `None`: it polls only
    /// when told (`Poll` commands).
    pub poll_interval_ms: Option<i64>,
    /// Simulated processing time per record returned by `poll()`.
    pub processing_ms_per_record: i64,
    /// When it commits by itself.
    pub commits: AppCommits,
}

impl Default for CommitPolicy {
    /// A loop that polls every 100 ms, processes a record in 1 ms and relies on auto-commit.
    fn default() -> Self {
        CommitPolicy {
            poll_interval_ms: Some(100),
            processing_ms_per_record: 1,
            commits: AppCommits::Never,
        }
    }
}

/// A consumer's timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumerTimer {
    /// The application polls.
    Poll,
    /// The application finished processing the last poll's records.
    ProcessingDone,
    /// The heartbeat thread's next beat (also checks `max.poll.interval.ms`).
    Heartbeat,
    /// The earliest deadline of the requests awaiting an answer (see
    /// [`Deadlines`](crate::cluster::deadlines::Deadlines)).
    Deadline {
        /// The time the timer was set for.
        at_ms: i64,
    },
    /// Retry something after `retry.backoff.ms` (finding the coordinator, a failed fetch).
    Retry,
    /// The metadata may have reached `metadata.max.age.ms`.
    MetadataRefresh,
}

/// The consumer settings the simulation uses, resolved from its configs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerRules {
    /// `group.id`.
    pub group_id: Option<String>,
    /// `group.instance.id` (static membership).
    pub group_instance_id: Option<String>,
    /// `enable.auto.commit`.
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval_ms: i64,
    /// `auto.offset.reset`.
    pub auto_offset_reset: AutoOffsetReset,
    /// `max.poll.records`.
    pub max_poll_records: i32,
    /// `max.poll.interval.ms`.
    pub max_poll_interval_ms: i64,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i64,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval_ms: i64,
    /// `partition.assignment.strategy`, preferred first.
    pub assignors: Vec<AssignorKind>,
    /// `isolation.level`.
    pub isolation_level: IsolationLevel,
    /// `fetch.min.bytes`.
    pub fetch_min_bytes: i32,
    /// `fetch.max.bytes`.
    pub fetch_max_bytes: i32,
    /// `fetch.max.wait.ms`.
    pub fetch_max_wait_ms: i64,
    /// `max.partition.fetch.bytes`.
    pub max_partition_fetch_bytes: i32,
    /// `request.timeout.ms`.
    pub request_timeout_ms: i64,
    /// `retry.backoff.ms`.
    pub retry_backoff_ms: i64,
    /// `retry.backoff.max.ms` (metadata refreshes back off up to it).
    pub retry_backoff_max_ms: i64,
    /// `metadata.max.age.ms`.
    pub metadata_max_age_ms: i64,
    /// `client.rack`.
    pub client_rack: Option<String>,
    /// `allow.auto.create.topics`.
    pub allow_auto_create_topics: bool,
    /// `exclude.internal.topics`: a pattern leaves out `__consumer_offsets` and
    /// `__transaction_state`.
    pub exclude_internal_topics: bool,
}

impl Default for ConsumerRules {
    fn default() -> Self {
        ConsumerRules {
            group_id: None,
            group_instance_id: None,
            enable_auto_commit: true,
            auto_commit_interval_ms: 5_000,
            auto_offset_reset: AutoOffsetReset::Latest,
            max_poll_records: 500,
            max_poll_interval_ms: 300_000,
            session_timeout_ms: 45_000,
            heartbeat_interval_ms: 3_000,
            assignors: vec![AssignorKind::Range, AssignorKind::CooperativeSticky],
            isolation_level: IsolationLevel::ReadUncommitted,
            fetch_min_bytes: 1,
            fetch_max_bytes: 52_428_800,
            fetch_max_wait_ms: 500,
            max_partition_fetch_bytes: 1_048_576,
            request_timeout_ms: 30_000,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1_000,
            metadata_max_age_ms: 300_000,
            client_rack: None,
            allow_auto_create_topics: true,
            exclude_internal_topics: true,
        }
    }
}

/// Whether the consumer process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerStatus {
    /// Running.
    Running,
    /// `close()` was called.
    Closed,
    /// The process died.
    Crashed,
}

/// One assigned partition as the consumer tracks it (`SubscriptionState`).
#[derive(Debug, Clone, Default)]
pub struct Assigned {
    /// The next offset to fetch and return; `None` until known (committed or reset).
    pub position: Option<Offset>,
    /// Whether a position lookup (OffsetFetch or ListOffsets) is in flight.
    pub awaiting_position: bool,
    /// The leader epoch of the record batch before the position (`FetchPosition.offsetEpoch`):
    /// the one committed with an offset the position came from, `None` after a reset or a seek.
    pub position_epoch: Option<i32>,
    /// The leader and epoch the position was taken or last checked under
    /// (`FetchPosition.currentLeader`).
    pub current_leader: validation::LeaderAndEpoch,
    /// Awaiting validation against its leader (`AWAIT_VALIDATION`): when an
    /// OffsetsForLeaderEpoch may be sent for it. Not fetched meanwhile.
    pub validate_due_ms: Option<i64>,
    /// Awaiting a reset by `auto.offset.reset`: when a ListOffsets may be sent for it
    /// (`SubscriptionState`'s `AWAIT_RESET` with its next allowed retry).
    pub reset_due_ms: Option<i64>,
    /// The error the leader last answered its ListOffsets with, while it awaits the reset: the
    /// event log tells a retry only when the answer changes, not every `retry.backoff.ms`.
    pub reset_error: Option<ErrorCode>,
    /// Fetched batches not yet returned, in order.
    pub buffered: VecDeque<Arc<RecordBatch>>,
    /// Aborted transactions to skip (read_committed): producer id and first offset.
    pub aborted: Vec<crate::log::AbortedTxn>,
    /// The leader's high watermark at the last fetch (for lag).
    pub high_watermark: Option<Offset>,
    /// The leader's last stable offset at the last fetch.
    pub last_stable_offset: Option<Offset>,
    /// Not fetched before this time: its topic was refused (`TOPIC_AUTHORIZATION_FAILED`), and
    /// the application's next polls back off rather than ask on every poll.
    pub fetch_after_ms: i64,
}

/// A consumer.
#[derive(Debug, Clone)]
pub struct Consumer {
    /// Its node.
    pub id: ClientId,
    /// Its `client.id`.
    pub name: String,
    /// Its settings.
    pub rules: ConsumerRules,
    /// How its application behaves.
    pub policy: CommitPolicy,
    /// What it reads.
    pub subscription: Subscription,
    /// Its pattern and the topics it matched, for a `Subscription::Pattern`.
    pub pattern: Option<pattern::PatternSubscription>,
    /// Running, closed or crashed.
    pub status: ConsumerStatus,
    /// Its view of the cluster.
    pub metadata: ClientMetadata,
    /// Its partitions and positions.
    pub assigned: VecMap<TopicPartition, Assigned>,
    /// Fetch requests in flight, by request id, with the broker asked.
    pub fetches_in_flight: VecMap<u64, BrokerId>,
    /// Until when each broker that throttled this consumer takes no fetch from it (a client
    /// quota, KIP-219).
    pub throttled_until: VecMap<BrokerId, i64>,
    /// ListOffsets requests in flight, by request id.
    pub list_offsets_in_flight: VecMap<u64, Vec<TopicPartition>>,
    /// OffsetsForLeaderEpoch requests in flight, by request id, with what was asked.
    pub validations_in_flight: VecMap<u64, Vec<validation::AskedPosition>>,
    /// When its requests give up.
    pub deadlines: Deadlines,
    /// Its group membership, when it subscribes with a `group.id`.
    pub membership: Option<Membership>,
    /// Commits and consumed positions.
    pub commits: CommitState,
    /// What the application is doing.
    pub processing: Processing,
    /// The last fatal error the application got (e.g. `NoOffsetForPartitionException`).
    pub last_error: Option<KafkaError>,
    /// Records returned by `poll()` so far.
    pub records_delivered: i64,
    /// The last records returned (for views).
    pub recent: RecentDeliveries,
}

/// How many delivered records a consumer keeps for its view: as many as one `poll()` returns
/// with the default `max.poll.records`, so a tool can print every record of a poll.
pub const RECENT_RECORDS: usize = 500;

/// The last [`RECENT_RECORDS`] records the application got, kept for views as the batches they
/// came from with the offsets taken from each: `poll()` adds one entry per batch it read, and
/// nothing per record.
#[derive(Debug, Clone, Default)]
pub struct RecentDeliveries {
    /// Oldest first. The front run may hold records beyond the last [`RECENT_RECORDS`].
    runs: VecDeque<DeliveredRun>,
    /// How many records the runs hold.
    records: usize,
}

/// Records one `poll()` took from one batch: its offsets `first..=last`.
#[derive(Debug, Clone)]
pub struct DeliveredRun {
    /// Their partition (shared by the runs of one poll, so keeping one clones no name).
    pub partition: Arc<TopicPartition>,
    /// The batch holding them.
    pub batch: Arc<RecordBatch>,
    /// The first offset taken.
    pub first: Offset,
    /// The last offset taken.
    pub last: Offset,
    /// How many records that is (fewer than the offsets in between on a compacted topic).
    pub records: usize,
}

impl RecentDeliveries {
    /// Adds the newest run, forgetting runs that hold only records beyond the last
    /// [`RECENT_RECORDS`].
    pub fn push(&mut self, run: DeliveredRun) {
        self.records += run.records;
        self.runs.push_back(run);
        while let Some(front) = self.runs.front() {
            if self.records - front.records < RECENT_RECORDS {
                break;
            }
            self.records -= front.records;
            self.runs.pop_front();
        }
    }

    /// The last records delivered, oldest first, with their run.
    pub fn iter(&self) -> impl Iterator<Item = (&DeliveredRun, Offset, RecordRef<'_>)> + '_ {
        let skipped = self.records.saturating_sub(RECENT_RECORDS);
        self.runs
            .iter()
            .flat_map(|run| {
                run.batch
                    .records()
                    .filter(|(offset, _)| (run.first..=run.last).contains(offset))
                    .map(move |(offset, record)| (run, offset, record))
            })
            .skip(skipped)
    }
}

impl Consumer {
    /// A consumer; `first_broker` picks the bootstrap server it asks first.
    pub fn new(
        id: ClientId,
        name: String,
        rules: ConsumerRules,
        policy: CommitPolicy,
        subscription: Subscription,
        brokers: Vec<BrokerId>,
        first_broker: usize,
    ) -> Consumer {
        let membership = match (&subscription, &rules.group_id) {
            (Subscription::Topics(_) | Subscription::Pattern(_), Some(group)) => {
                Some(Membership::new(group.clone()))
            }
            (Subscription::Partitions(_), Some(group)) => {
                Some(Membership::standalone(group.clone()))
            }
            _ => None,
        };
        let mut metadata = ClientMetadata::new(
            brokers,
            first_broker,
            rules.retry_backoff_ms,
            rules.retry_backoff_max_ms,
            rules.metadata_max_age_ms,
        );
        // `ConsumerMetadata.newMetadataRequestBuilder`: a pattern needs every topic's name.
        // The cluster checked the pattern before creating the consumer.
        let pattern = match &subscription {
            Subscription::Pattern(source) => pattern::TopicPattern::compile(source)
                .ok()
                .map(pattern::PatternSubscription::new),
            _ => None,
        };
        metadata.all_topics = pattern.is_some();
        Consumer {
            id,
            name,
            rules,
            policy,
            subscription,
            pattern,
            status: ConsumerStatus::Running,
            metadata,
            assigned: VecMap::new(),
            fetches_in_flight: VecMap::new(),
            throttled_until: VecMap::new(),
            list_offsets_in_flight: VecMap::new(),
            validations_in_flight: VecMap::new(),
            deadlines: Deadlines::default(),
            membership,
            commits: CommitState::default(),
            processing: Processing::default(),
            last_error: None,
            records_delivered: 0,
            recent: RecentDeliveries::default(),
        }
    }

    /// Whether the process runs.
    pub fn is_up(&self) -> bool {
        self.status == ConsumerStatus::Running
    }

    /// Starts the consumer: subscribes or assigns, and starts the application loop.
    pub fn start(&mut self, ctx: &mut Ctx) {
        // The auto-commit timer starts with the consumer (`ConsumerCoordinator`'s
        // `nextAutoCommitTimer`): the first auto-commit comes `auto.commit.interval.ms` later.
        self.commits.last_auto_commit_ms = ctx.now_ms;
        match self.subscription.clone() {
            Subscription::Topics(topics) => {
                for topic in &topics {
                    self.metadata.want(topic);
                }
                self.request_metadata(self.rules.allow_auto_create_topics, ctx);
                if self.membership.is_some() {
                    self.ensure_active_group(ctx);
                    self.schedule_heartbeat(ctx);
                } else {
                    // Without a group, subscribe() is refused by KafkaConsumer; the cluster
                    // checks that before creating the consumer.
                }
            }
            Subscription::Partitions(partitions) => {
                for partition in &partitions {
                    self.metadata.want(&partition.topic);
                }
                self.request_metadata(false, ctx);
                self.set_assignment(partitions, ctx);
            }
            Subscription::Pattern(_) => {
                self.metadata.stale = true;
                self.request_metadata(false, ctx);
                self.ensure_active_group(ctx);
                self.schedule_heartbeat(ctx);
            }
        }
        self.schedule_next_poll(0, ctx);
    }

    /// The process dies: nothing more is sent, nothing committed, no LeaveGroup.
    pub fn crash(&mut self) {
        self.status = ConsumerStatus::Crashed;
    }

    /// Handles a message to this consumer.
    pub fn handle_message(&mut self, _from: NodeId, body: Body, ctx: &mut Ctx) {
        match body {
            Body::MetadataResponse(response) => {
                self.deadlines.forget(response.request_id);
                self.metadata_answered(response, ctx);
            }
            Body::FetchResponse(response) => {
                self.deadlines.forget(response.request_id);
                self.handle_fetch_response(response, ctx);
            }
            Body::ListOffsetsResponse(response) => {
                self.deadlines.forget(response.request_id);
                self.handle_list_offsets(response, ctx);
            }
            Body::OffsetsForLeaderEpochResponse(response) => {
                self.deadlines.forget(response.request_id);
                self.handle_offsets_for_leader_epoch(response, ctx);
            }
            Body::Group(body) => {
                self.deadlines.forget(body.request_id());
                self.handle_group_message(body, ctx);
            }
            Body::Refused(request) => self.request_failed(request_id_of(&request), ctx),
            Body::Disconnected { request_id } => self.request_failed(Some(request_id), ctx),
            _ => {}
        }
    }

    /// A broker refused the consumer's SASL login and closed the connection, and the request
    /// failed with it: `poll()` throws the `SaslAuthenticationException` (Kafka's
    /// `NetworkClient` sets it as the metadata's fatal exception), reported once while it
    /// repeats.
    pub(crate) fn login_refused(&mut self, error: KafkaError, ctx: &mut Ctx) {
        self.report_error_once(error, ctx);
        // The connection backs off before the next login. Simplification, stated in the ACL
        // lesson: Kafka's backoff doubles from `reconnect.backoff.ms` (50 ms) to
        // `reconnect.backoff.max.ms` (1 s); the playground's group lookup waits the second.
        let backoff_ms = self.rules.retry_backoff_max_ms;
        if let Some(membership) = self.membership.as_mut() {
            membership.find_after_ms = ctx.now_ms + backoff_ms;
        }
        ctx.after(backoff_ms, Timer::Consumer(ConsumerTimer::Retry));
    }

    /// Asks for metadata if it is stale and no request is out, watching the request like any
    /// other: one lost on a cut link fails after `request.timeout.ms` and the next goes to
    /// another broker (`NetworkClient.handleTimedOutRequests`), instead of waiting forever.
    pub(crate) fn request_metadata(&mut self, allow_auto_topic_creation: bool, ctx: &mut Ctx) {
        if let Some(request_id) = self.metadata.maybe_request(allow_auto_topic_creation, ctx) {
            if let Some(broker) = self.metadata.in_flight_to {
                let connection = Connection::Broker(broker);
                self.watch_request(request_id, self.rules.request_timeout_ms, connection, ctx);
            }
        } else if let Some(at_ms) = self.metadata.wakeup_after_backoff(ctx.now_ms) {
            ctx.at(at_ms, Timer::Consumer(ConsumerTimer::Retry));
        }
    }

    /// Gives up on `request_id`, sent on `connection`, after `timeout_ms` unless it is answered
    /// first. Its timing out closes the connection, failing every request on it (see
    /// [`Deadlines::expire`]); the group coordinator's connection is not the broker's.
    pub(crate) fn watch_request(
        &mut self,
        request_id: u64,
        timeout_ms: i64,
        connection: Connection,
        ctx: &mut Ctx,
    ) {
        let deadline_ms = ctx.now_ms.saturating_add(timeout_ms);
        if let Some(at_ms) = self
            .deadlines
            .watch_on(request_id, deadline_ms, Some(connection))
        {
            ctx.at(at_ms, Timer::Consumer(ConsumerTimer::Deadline { at_ms }));
        }
    }

    /// Handles a timer.
    pub fn handle_timer(&mut self, timer: ConsumerTimer, ctx: &mut Ctx) {
        if !self.is_up() {
            return;
        }
        match timer {
            ConsumerTimer::Poll => self.poll_from_loop(ctx),
            ConsumerTimer::ProcessingDone => self.finish_processing(ctx),
            ConsumerTimer::Heartbeat => self.heartbeat_tick(ctx),
            ConsumerTimer::Deadline { at_ms } => {
                let (expired, next) = self.deadlines.expire(at_ms, ctx.now_ms);
                if let Some(at_ms) = next {
                    ctx.at(at_ms, Timer::Consumer(ConsumerTimer::Deadline { at_ms }));
                }
                for (request_id, _) in expired {
                    self.request_failed(Some(request_id), ctx);
                }
            }
            ConsumerTimer::MetadataRefresh => match self.metadata.refresh_timer_fired(ctx.now_ms) {
                Some(at_ms) => ctx.at(at_ms, Timer::Consumer(ConsumerTimer::MetadataRefresh)),
                None => self.request_metadata(self.rules.allow_auto_create_topics, ctx),
            },
            ConsumerTimer::Retry => {
                self.request_metadata(self.rules.allow_auto_create_topics, ctx);
                self.ensure_active_group(ctx);
                self.retry_commits(ctx);
                self.send_resets(ctx);
                self.send_validations(ctx);
                self.reset_missing_positions_or_fetch(ctx);
            }
        }
    }

    fn metadata_answered(&mut self, response: crate::protocol::MetadataResponse, ctx: &mut Ctx) {
        if self.metadata.update(response, ctx.now_ms) {
            if let Some(at_ms) = self.metadata.refresh_timer() {
                ctx.at(at_ms, Timer::Consumer(ConsumerTimer::MetadataRefresh));
            }
            self.check_topic_authorization(ctx);
            self.after_metadata(ctx);
        }
    }

    /// `Metadata.maybeThrowAnyException`: while an answer names a topic the consumer uses as
    /// unauthorized, poll() throws `TopicAuthorizationException`; once none is, the error is
    /// over.
    fn check_topic_authorization(&mut self, ctx: &mut Ctx) {
        let denied: Vec<String> = self
            .subscribed_topics()
            .into_iter()
            .filter(|topic| self.metadata.unauthorized.contains(topic))
            .collect();
        if !denied.is_empty() {
            self.report_authorization_error(denied, ctx);
        } else if self
            .last_error
            .as_ref()
            .is_some_and(|error| error.code == ErrorCode::TopicAuthorizationFailed)
        {
            self.last_error = None;
        }
    }

    /// The topics it reads: those subscribed to, those its pattern matched, or those of the
    /// partitions assigned to it.
    pub fn subscribed_topics(&self) -> Vec<String> {
        match &self.subscription {
            Subscription::Topics(topics) => topics.clone(),
            Subscription::Partitions(partitions) => {
                partitions.iter().map(|p| p.topic.clone()).collect()
            }
            Subscription::Pattern(_) => self
                .pattern
                .as_ref()
                .map(|pattern| pattern.matched.clone())
                .unwrap_or_default(),
        }
    }

    fn after_metadata(&mut self, ctx: &mut Ctx) {
        self.match_pattern(ctx);
        self.check_metadata_for_rejoin(ctx);
        self.check_positions_against_leaders(ctx);
        self.send_validations(ctx);
        // A reset that waited for a partition's leader goes now.
        self.send_resets(ctx);
        self.ensure_active_group(ctx);
        self.reset_missing_positions_or_fetch(ctx);
        if self.metadata.stale {
            ctx.after(
                self.rules.retry_backoff_ms,
                crate::cluster::timer::Timer::Consumer(ConsumerTimer::Retry),
            );
        }
    }

    /// Without a group, positions still unknown (the leader was unknown when the consumer
    /// started, or ListOffsets failed) are looked up again before fetching.
    fn reset_missing_positions_or_fetch(&mut self, ctx: &mut Ctx) {
        if self.rules.group_id.is_none() {
            self.initialize_positions(ctx);
        } else {
            self.send_fetches(ctx);
        }
    }

    /// A request failed (refused, lost, timed out).
    fn request_failed(&mut self, request_id: Option<u64>, ctx: &mut Ctx) {
        let Some(request_id) = request_id else {
            return;
        };
        self.deadlines.forget(request_id);
        if self.metadata.request_failed(request_id, ctx.now_ms) {
            self.request_metadata(self.rules.allow_auto_create_topics, ctx);
            return;
        }
        if self.fetches_in_flight.remove(&request_id).is_some() {
            self.metadata.stale = true;
            ctx.after(
                self.rules.retry_backoff_ms,
                crate::cluster::timer::Timer::Consumer(ConsumerTimer::Retry),
            );
            return;
        }
        if let Some(partitions) = self.list_offsets_in_flight.remove(&request_id) {
            for partition in partitions {
                if let Some(assigned) = self.assigned.get_mut(&partition) {
                    assigned.awaiting_position = false;
                    assigned.reset_due_ms = Some(ctx.now_ms + self.rules.retry_backoff_ms);
                }
            }
            self.metadata.stale = true;
            ctx.after(
                self.rules.retry_backoff_ms,
                crate::cluster::timer::Timer::Consumer(ConsumerTimer::Retry),
            );
            return;
        }
        if self.validation_failed(request_id, ctx) {
            return;
        }
        self.group_request_failed(request_id, ctx);
    }

    /// The consumer's lag on a partition: high watermark minus position, when both are known.
    pub fn lag(&self, partition: &TopicPartition) -> Option<i64> {
        let assigned = self.assigned.get(partition)?;
        let end = match self.rules.isolation_level {
            IsolationLevel::ReadUncommitted => assigned.high_watermark?,
            IsolationLevel::ReadCommitted => assigned.last_stable_offset?,
        };
        Some((end.0 - assigned.position?.0).max(0))
    }
}

/// The request id of a consumer's request.
fn request_id_of(body: &Body) -> Option<u64> {
    match body {
        Body::FetchRequest(request) => Some(request.request_id),
        Body::ListOffsetsRequest(request) => Some(request.request_id),
        Body::OffsetsForLeaderEpochRequest(request) => Some(request.request_id),
        Body::MetadataRequest(request) => Some(request.request_id),
        Body::Group(group) => Some(GroupBody::request_id(group)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::RecordSetBuilder;

    /// A run of all `count` records of a batch starting at `base_offset`.
    fn run(base_offset: i64, count: i32) -> DeliveredRun {
        let mut builder = RecordSetBuilder::new();
        for index in 0..count {
            builder.push(1_000, None, Some(format!("v{index}").as_bytes()), &[]);
        }
        DeliveredRun {
            partition: Arc::new(TopicPartition::new("t", 0)),
            batch: RecordBatch::plain_for_test(base_offset, builder.build()),
            first: Offset(base_offset),
            last: Offset(base_offset + i64::from(count) - 1),
            records: usize::try_from(count).expect("a positive count"),
        }
    }

    fn offsets(recent: &RecentDeliveries) -> Vec<i64> {
        recent.iter().map(|(_, offset, _)| offset.0).collect()
    }

    #[test]
    fn recent_deliveries_keep_exactly_the_last_records_in_order() {
        let mut recent = RecentDeliveries::default();
        recent.push(run(0, 300));
        assert_eq!(offsets(&recent), (0..300).collect::<Vec<_>>());
        recent.push(run(300, 300));
        assert_eq!(offsets(&recent), (100..600).collect::<Vec<_>>());
        recent.push(run(600, 300));
        assert_eq!(
            recent.runs.len(),
            2,
            "the run holding only older records is gone"
        );
        assert_eq!(offsets(&recent), (400..900).collect::<Vec<_>>());
    }

    #[test]
    fn a_partly_taken_batch_yields_only_the_offsets_taken() {
        let mut recent = RecentDeliveries::default();
        let mut partial = run(10, 5);
        partial.first = Offset(12);
        partial.records = 3;
        recent.push(partial);
        let values: Vec<Vec<u8>> = recent
            .iter()
            .filter_map(|(_, _, record)| record.value.map(<[u8]>::to_vec))
            .collect();
        assert_eq!(offsets(&recent), vec![12, 13, 14]);
        assert_eq!(values, vec![b"v2".to_vec(), b"v3".to_vec(), b"v4".to_vec()]);
    }
}
