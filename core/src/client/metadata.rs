//! A client's view of the cluster: which brokers exist and who leads each partition, learned
//! from Metadata responses (`org.apache.kafka.clients.Metadata`).
//!
//! A client starts from its bootstrap servers (every broker of the simulated cluster: any
//! address given to `--bootstrap-server` maps to it), asks one broker at a time, and moves to the
//! next when one does not answer. The view can be stale: a client keeps sending to an old leader
//! until an error (`NOT_LEADER_OR_FOLLOWER`, a refused connection) makes it refresh. Since
//! KIP-951 (Kafka 3.7), a broker that answers `NOT_LEADER_OR_FOLLOWER` also names the leader it
//! knows, and the client takes it at once.

use crate::vec_map::{VecMap, VecSet};

use crate::client::backoff_ms;
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::ErrorCode;
use crate::ids::{BrokerId, TopicPartition};
use crate::network::{ClientId, NodeId};
use crate::protocol::metadata::PartitionMetadata;
use crate::protocol::{Body, MetadataRequest, MetadataResponse, TopicMetadata};

/// `TopicAuthorizationException`'s message: "Not authorized to access topics: [orders]".
pub fn topic_authorization_error(topics: &[&str]) -> crate::error::KafkaError {
    crate::error::KafkaError::new(
        ErrorCode::TopicAuthorizationFailed,
        format!("Not authorized to access topics: [{}]", topics.join(", ")),
    )
}

/// `GroupAuthorizationException.forGroupId`: "Not authorized to access group: billing".
pub fn group_authorization_error(group: &str) -> crate::error::KafkaError {
    crate::error::KafkaError::new(
        ErrorCode::GroupAuthorizationFailed,
        format!("Not authorized to access group: {group}"),
    )
}

/// What a client knows about the cluster.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientMetadata {
    /// Brokers to ask, in order.
    pub brokers: Vec<BrokerId>,
    /// Topics as last described, by name.
    pub topics: VecMap<String, TopicMetadata>,
    /// Topics the client needs.
    pub wanted: VecSet<String>,
    /// Whether it asks for every topic (a consumer's pattern subscription), not for those
    /// wanted: then a topic the answer leaves out is gone (deleted, or no longer described).
    pub all_topics: bool,
    /// Answers applied so far (`Metadata.updateVersion`).
    pub answers: u64,
    /// Topics the last answers refused with `TOPIC_AUTHORIZATION_FAILED`
    /// (`Metadata.unauthorizedTopics`).
    pub unauthorized: VecSet<String>,
    /// The Metadata request in flight.
    pub in_flight: Option<u64>,
    /// The broker it was sent to.
    pub in_flight_to: Option<BrokerId>,
    /// Whether a refresh is wanted as soon as possible.
    pub stale: bool,
    /// When the last answer arrived.
    pub last_update_ms: i64,
    /// No request before this time (`Metadata.timeToAllowUpdate`): `retry.backoff.ms` after
    /// an answer; after failures in a row, or answers in a row that taught nothing new,
    /// `retry.backoff.ms` doubling per failure or answer up to `retry.backoff.max.ms`. So a
    /// client cut off from every broker, or waiting for a partition that has no leader, does
    /// not ask in a tight loop.
    pub retry_at_ms: i64,
    /// Failed requests since the last answer (`Metadata.attempts`).
    failed_attempts: i32,
    /// Answers in a row that named no new partition and no newer leader epoch
    /// (`Metadata.equivalentResponseCount`, Kafka 3.7).
    equivalent_answers: i32,
    /// The timer the client set for the end of the backoff, so it sets one only once.
    wakeup_at_ms: Option<i64>,
    retry_backoff_ms: i64,
    retry_backoff_max_ms: i64,
    /// `metadata.max.age.ms`: a refresh is due this long after the last answer, even when
    /// nothing asked for one, to discover new brokers and partitions.
    max_age_ms: i64,
    /// When the client's age timer is set for, if it is set.
    refresh_timer_at_ms: Option<i64>,
    next_broker: usize,
}

/// What a Metadata answer says about one topic, for the client to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicStatus {
    /// Known with every partition led.
    Ready,
    /// Known, but some partition has no leader.
    PartlyLed,
    /// Unknown or being created.
    Unknown,
}

impl ClientMetadata {
    /// A view that will start asking at one of `bootstrap` (picked by the seed), backing off
    /// between requests from `retry_backoff_ms` up to `retry_backoff_max_ms`.
    pub fn new(
        bootstrap: Vec<BrokerId>,
        first: usize,
        retry_backoff_ms: i64,
        retry_backoff_max_ms: i64,
        max_age_ms: i64,
    ) -> ClientMetadata {
        let next_broker = if bootstrap.is_empty() {
            0
        } else {
            first % bootstrap.len()
        };
        ClientMetadata {
            brokers: bootstrap,
            next_broker,
            retry_backoff_ms,
            retry_backoff_max_ms,
            max_age_ms,
            ..ClientMetadata::default()
        }
    }

    /// Adds `topic` to the topics the client needs; returns whether it is new. A new topic is
    /// asked for without waiting out the backoff (`Metadata.requestUpdateForNewTopics`).
    pub fn want(&mut self, topic: &str) -> bool {
        // Checked first so the common case (a topic already wanted) allocates nothing.
        if self.wanted.contains(topic) {
            return false;
        }
        let added = self.wanted.insert(topic.to_string());
        if added {
            self.stale = true;
            self.retry_at_ms = 0;
            self.equivalent_answers = 0;
        }
        added
    }

    /// Sends a Metadata request if one is wanted, none is in flight and no backoff is running.
    /// Returns the request id.
    pub fn maybe_request(&mut self, allow_auto_topic_creation: bool, ctx: &mut Ctx) -> Option<u64> {
        if self.in_flight.is_some()
            || !self.stale
            || self.brokers.is_empty()
            || ctx.now_ms < self.retry_at_ms
        {
            return None;
        }
        let broker = self.brokers[self.next_broker % self.brokers.len()];
        let request_id = ctx.request_id();
        let request = MetadataRequest {
            request_id,
            topics: (!self.all_topics).then(|| self.wanted.iter().cloned().collect()),
            allow_auto_topic_creation,
        };
        ctx.send(NodeId::Broker(broker), Body::MetadataRequest(request));
        self.in_flight = Some(request_id);
        self.in_flight_to = Some(broker);
        self.stale = false;
        Some(request_id)
    }

    /// When a request is wanted but held back by the backoff: the time it may go, returned once
    /// per backoff for the client to set a timer at.
    pub fn wakeup_after_backoff(&mut self, now_ms: i64) -> Option<i64> {
        let held_back = self.in_flight.is_none()
            && self.stale
            && !self.brokers.is_empty()
            && now_ms < self.retry_at_ms;
        if !held_back || self.wakeup_at_ms == Some(self.retry_at_ms) {
            return None;
        }
        self.wakeup_at_ms = Some(self.retry_at_ms);
        Some(self.retry_at_ms)
    }

    /// The request failed (refused, timed out): ask the next broker after the backoff.
    /// Returns false if it was not the one awaited.
    pub fn request_failed(&mut self, request_id: u64, now_ms: i64) -> bool {
        if self.in_flight != Some(request_id) {
            return false;
        }
        self.in_flight = None;
        self.in_flight_to = None;
        self.next_broker = self.next_broker.wrapping_add(1);
        self.stale = true;
        self.failed_attempts = self.failed_attempts.saturating_add(1);
        self.equivalent_answers = 0;
        let backoff_ms = backoff_ms(
            self.retry_backoff_ms,
            self.retry_backoff_max_ms,
            self.failed_attempts,
        );
        self.retry_at_ms = now_ms.saturating_add(backoff_ms);
        true
    }

    /// Applies an answer. Returns false if it was not the one awaited.
    pub fn update(&mut self, response: MetadataResponse, now_ms: i64) -> bool {
        if self.in_flight != Some(response.request_id) {
            return false;
        }
        self.in_flight = None;
        self.in_flight_to = None;
        self.last_update_ms = now_ms;
        self.failed_attempts = 0;
        self.answers += 1;
        // Counted as teaching nothing new until a partition says otherwise.
        self.equivalent_answers = self.equivalent_answers.saturating_add(1);
        if self.all_topics {
            // `Metadata.update` replaces its cluster: what the answer leaves out is gone.
            let listed: VecSet<String> = response
                .topics
                .iter()
                .map(|topic| topic.name.clone())
                .collect();
            let known = self.topics.len();
            self.topics.retain(|name, _| listed.contains(name));
            if self.topics.len() < known {
                self.equivalent_answers = 0;
            }
        }
        for topic in response.topics {
            let retry = topic
                .error
                .as_ref()
                .is_some_and(|error| error.code.is_retriable());
            if retry {
                self.stale = true;
            }
            if topic
                .error
                .as_ref()
                .is_some_and(|error| error.code == ErrorCode::TopicAuthorizationFailed)
            {
                self.unauthorized.insert(topic.name.clone());
            } else {
                self.unauthorized.remove(&topic.name);
            }
            if topic.error.is_some() {
                self.topics.remove(&topic.name);
            } else {
                let topic = self.keep_newer_leaders(topic);
                if topic.partitions.iter().any(|p| p.leader.is_none()) {
                    self.stale = true;
                }
                self.topics.insert(topic.name.clone(), topic);
            }
        }
        // `timeToAllowUpdate`: the next request waits `retry.backoff.ms`, doubling with each
        // answer in a row that taught nothing new.
        let backoff_ms = backoff_ms(
            self.retry_backoff_ms,
            self.retry_backoff_max_ms,
            self.equivalent_answers.max(1),
        );
        self.retry_at_ms = now_ms.saturating_add(backoff_ms);
        true
    }

    /// `Metadata.updateLatestMetadata`: a broker whose metadata lags may describe a partition
    /// under an older leader epoch than the view has (learned from a fresher broker, or from
    /// a KIP-951 answer); the view keeps what it has for that partition. A new topic id (the
    /// topic deleted and created again) starts its epochs again, so it takes the answer.
    /// An answer that names a partition the view did not have, a new topic id, a newer leader
    /// epoch, or a partition without one, is not equivalent to what the view knew.
    fn keep_newer_leaders(&mut self, mut topic: TopicMetadata) -> TopicMetadata {
        let known = self
            .topics
            .get(&topic.name)
            .filter(|known| known.topic_id == topic.topic_id);
        let Some(known) = known else {
            self.equivalent_answers = 0;
            return topic;
        };
        if topic.partitions.len() > known.partitions.len() {
            self.equivalent_answers = 0;
        }
        for (answered, kept) in topic.partitions.iter_mut().zip(&known.partitions) {
            match (answered.known_leader_epoch(), kept.known_leader_epoch()) {
                (Some(epoch), Some(kept_epoch)) if kept_epoch > epoch => *answered = kept.clone(),
                (Some(epoch), Some(kept_epoch)) if kept_epoch == epoch => {}
                _ => self.equivalent_answers = 0,
            }
        }
        topic
    }

    /// `Metadata.updatePartitionLeadership` (KIP-951): the leaders that answers named along
    /// with `NOT_LEADER_OR_FOLLOWER` or `FENCED_LEADER_EPOCH`, each taken where its epoch is
    /// newer than the view's and the view describes the partition. Returns the partitions
    /// whose leader changed.
    pub fn update_partition_leadership(
        &mut self,
        leaders: Vec<(TopicPartition, BrokerId, i32)>,
    ) -> Vec<(TopicPartition, BrokerId, i32)> {
        leaders
            .into_iter()
            .filter(|(partition, leader, epoch)| {
                let Some(known) = self.topics.get_mut(&partition.topic).and_then(|topic| {
                    topic
                        .partitions
                        .get_mut(usize::try_from(partition.partition).ok()?)
                }) else {
                    return false;
                };
                if known
                    .known_leader_epoch()
                    .is_some_and(|known| *epoch <= known)
                {
                    return false;
                }
                known.leader = Some(*leader);
                known.leader_epoch = *epoch;
                true
            })
            .collect()
    }

    /// [`ClientMetadata::update_partition_leadership`] for the answer of broker `from` to
    /// client `client` (called `name`), with an event for each leader taken.
    pub(crate) fn learn_leaders(
        &mut self,
        leaders: Vec<(TopicPartition, BrokerId, i32)>,
        from: BrokerId,
        client: ClientId,
        name: &str,
        ctx: &mut Ctx,
    ) -> bool {
        if leaders.is_empty() {
            return false;
        }
        let updated = self.update_partition_leadership(leaders);
        for (partition, leader, epoch) in &updated {
            ctx.emit(EventKind::Client {
                client: Some(client),
                trace: format!(
                    "leader-hint client-{} {partition} leader={leader} epoch={epoch}",
                    client.0
                ),
                description: if *leader == from {
                    format!(
                        "{name}: broker {from} still leads {partition} but under leader epoch {epoch}, newer than {name} knew; {name} takes the new epoch at once, before its metadata refresh answers (KIP-951)."
                    )
                } else {
                    format!(
                        "{name}: broker {from} no longer leads {partition} and its answer says broker {leader} does, at leader epoch {epoch}, so {name} turns to broker {leader} at once, before its metadata refresh answers (KIP-951)."
                    )
                },
            });
        }
        !updated.is_empty()
    }

    /// After an answer: when to set the client's age timer, unless one is set already
    /// (`Metadata.timeToNextUpdate`: `metadata.max.age.ms` after the last successful refresh).
    pub fn refresh_timer(&mut self) -> Option<i64> {
        if self.refresh_timer_at_ms.is_some() {
            return None;
        }
        let at_ms = self.last_update_ms.saturating_add(self.max_age_ms);
        self.refresh_timer_at_ms = Some(at_ms);
        Some(at_ms)
    }

    /// The age timer fired: a refresh is due if the view is `metadata.max.age.ms` old (the
    /// view goes stale), or the timer must be set again for when it will be. A request in
    /// flight sets it again when answered.
    pub fn refresh_timer_fired(&mut self, now_ms: i64) -> Option<i64> {
        self.refresh_timer_at_ms = None;
        if self.in_flight.is_some() {
            return None;
        }
        if now_ms >= self.last_update_ms.saturating_add(self.max_age_ms) {
            // A refresh for age asks without the backoff of answers that taught nothing.
            self.stale = true;
            self.equivalent_answers = 0;
            return None;
        }
        self.refresh_timer()
    }

    /// The error the last answer gave for `topic`, if it is unknown for good (invalid name).
    pub fn status(&self, topic: &str) -> TopicStatus {
        match self.topics.get(topic) {
            None => TopicStatus::Unknown,
            Some(metadata) if metadata.partitions.iter().all(|p| p.leader.is_some()) => {
                TopicStatus::Ready
            }
            Some(_) => TopicStatus::PartlyLed,
        }
    }

    /// A topic's partition count, if known.
    pub fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topics
            .get(topic)
            .map(|metadata| metadata.partitions.len() as i32)
    }

    /// The leader of a partition, if known.
    pub fn leader(&self, partition: &TopicPartition) -> Option<BrokerId> {
        self.leader_of(&partition.topic, partition.partition)
    }

    /// What the last answer said of partition `partition` of `topic`, if it listed it.
    pub fn partition_of(&self, topic: &str, partition: i32) -> Option<&PartitionMetadata> {
        let metadata = self.topics.get(topic)?;
        metadata.partitions.get(usize::try_from(partition).ok()?)
    }

    /// The leader of partition `partition` of `topic`, if known.
    pub fn leader_of(&self, topic: &str, partition: i32) -> Option<BrokerId> {
        self.partition_of(topic, partition)?.leader
    }

    /// The partitions `broker` leads, in `TopicPartition` order (`Cluster.partitionsForNode`).
    pub fn partitions_led_by(&self, broker: BrokerId) -> Vec<(&str, i32)> {
        let mut led = Vec::new();
        for (topic, metadata) in self.topics.iter() {
            for partition in &metadata.partitions {
                if partition.leader == Some(broker) {
                    led.push((topic.as_str(), partition.partition));
                }
            }
        }
        led
    }

    /// The leader epoch of a partition, if known (-1 otherwise).
    pub fn leader_epoch(&self, partition: &TopicPartition) -> i32 {
        self.leader_epoch_of(&partition.topic, partition.partition)
            .unwrap_or(-1)
    }

    /// The leader epoch of partition `partition` of `topic`, if known (`leaderEpochFor`).
    pub fn leader_epoch_of(&self, topic: &str, partition: i32) -> Option<i32> {
        self.partition_of(topic, partition)?.known_leader_epoch()
    }

    /// Marks the view stale after a consumer's ListOffsets, OffsetsForLeaderEpoch or Fetch
    /// error that means it may be out of date: an `InvalidMetadataException` (as for the
    /// producer, see [`ErrorCode::is_invalid_metadata`]), `UNKNOWN_LEADER_EPOCH` or a broker's
    /// `REQUEST_TIMED_OUT`. A fetch's `UNKNOWN_LEADER_EPOCH` is the exception: the consumer's
    /// metadata is the newer, so it does not come here (`handle_fetch_response`).
    pub fn invalidate_on(&mut self, code: ErrorCode) {
        if code.is_invalid_metadata()
            || matches!(
                code,
                ErrorCode::UnknownLeaderEpoch | ErrorCode::RequestTimedOut
            )
        {
            self.stale = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::config::ClusterConfig;
    use crate::cluster::context::Outbox;
    use crate::network::ClientId;
    use crate::rng::SimRng;

    /// Runs `act` as client 0 at `now_ms`; returns its result and what it sent and emitted.
    fn as_client<R>(now_ms: i64, act: impl FnOnce(&mut Ctx) -> R) -> (R, Outbox) {
        let (mut rng, config, mut out, mut next_request_id) = (
            SimRng::seed_from_u64(1),
            ClusterConfig::default(),
            Outbox::default(),
            1,
        );
        let mut ctx = Ctx {
            node: NodeId::Client(ClientId(0)),
            incarnation: 1,
            now_ms,
            clock_ms: now_ms,
            rng: &mut rng,
            principals: &crate::acl::NO_PRINCIPALS,
            config: &config,
            out: &mut out,
            next_request_id: &mut next_request_id,
        };
        let result = act(&mut ctx);
        (result, out)
    }

    /// Asks `metadata` for a request at `now_ms`; returns its id if one was sent.
    fn ask(metadata: &mut ClientMetadata, now_ms: i64) -> Option<u64> {
        as_client(now_ms, |ctx| metadata.maybe_request(true, ctx)).0
    }

    #[test]
    fn a_failed_request_is_retried_at_the_next_broker_after_retry_backoff() {
        let mut metadata =
            ClientMetadata::new(vec![BrokerId(1), BrokerId(2)], 0, 100, 1000, 300_000);
        metadata.want("orders");
        let first = ask(&mut metadata, 0).expect("a first request goes at once");
        assert_eq!(metadata.in_flight_to, Some(BrokerId(1)));
        assert!(metadata.request_failed(first, 10));
        assert_eq!(ask(&mut metadata, 10), None, "no tight loop of requests");
        assert_eq!(metadata.wakeup_after_backoff(10), Some(110));
        assert_eq!(
            metadata.wakeup_after_backoff(50),
            None,
            "one wakeup per backoff"
        );
        assert_eq!(ask(&mut metadata, 109), None);
        assert!(ask(&mut metadata, 110).is_some());
        assert_eq!(metadata.in_flight_to, Some(BrokerId(2)));
    }

    #[test]
    fn an_answer_also_starts_the_backoff_before_the_next_refresh() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 1000, 300_000);
        metadata.want("orders");
        let request_id = ask(&mut metadata, 0).expect("a first request");
        answer(&mut metadata, request_id, 5);
        metadata.stale = true;
        assert_eq!(ask(&mut metadata, 50), None);
        assert!(ask(&mut metadata, 105).is_some());
    }

    /// Answers the request in flight with no topics, at `now_ms`.
    fn answer(metadata: &mut ClientMetadata, request_id: u64, now_ms: i64) {
        let answer = MetadataResponse {
            request_id,
            brokers: vec![BrokerId(1)],
            controller: Some(BrokerId(1)),
            topics: Vec::new(),
        };
        assert!(metadata.update(answer, now_ms));
    }

    #[test]
    fn failures_in_a_row_double_the_backoff_up_to_its_maximum_and_an_answer_resets_it() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 500, 300_000);
        metadata.want("orders");
        let mut now_ms = 0;
        let mut waits = Vec::new();
        for _ in 0..5 {
            let request_id = ask(&mut metadata, now_ms).expect("the backoff is over");
            assert!(metadata.request_failed(request_id, now_ms));
            let retry_at_ms = metadata.wakeup_after_backoff(now_ms).expect("a wakeup");
            assert_eq!(ask(&mut metadata, retry_at_ms - 1), None);
            waits.push(retry_at_ms - now_ms);
            now_ms = retry_at_ms;
        }
        assert_eq!(waits, [100, 200, 400, 500, 500]);
        let request_id = ask(&mut metadata, now_ms).expect("the backoff is over");
        answer(&mut metadata, request_id, now_ms);
        assert_eq!(metadata.failed_attempts, 0);
        metadata.stale = true;
        let request_id = ask(&mut metadata, now_ms + 100).expect("an answer's backoff is over");
        assert!(metadata.request_failed(request_id, now_ms + 100));
        assert_eq!(
            metadata.retry_at_ms,
            now_ms + 200,
            "one failure waits 100 ms"
        );
    }

    #[test]
    fn a_new_topic_is_asked_for_without_waiting_out_the_backoff() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 1000, 300_000);
        metadata.want("orders");
        let request_id = ask(&mut metadata, 0).expect("a first request");
        answer(&mut metadata, request_id, 5);
        metadata.stale = true;
        assert_eq!(ask(&mut metadata, 6), None, "a refresh waits");
        assert!(!metadata.want("orders"), "not new");
        assert_eq!(ask(&mut metadata, 6), None);
        assert!(metadata.want("payments"));
        assert!(ask(&mut metadata, 6).is_some(), "a new topic does not wait");
    }

    /// `orders` with one partition led by `leader` at `epoch`, under topic id `topic_id`.
    fn orders(topic_id: u64, leader: i32, epoch: i32) -> TopicMetadata {
        TopicMetadata {
            name: "orders".into(),
            topic_id,
            error: None,
            partitions: vec![PartitionMetadata {
                partition: 0,
                leader: Some(BrokerId(leader)),
                leader_epoch: epoch,
                replicas: vec![BrokerId(1), BrokerId(2)],
                isr: vec![BrokerId(1), BrokerId(2)],
            }],
        }
    }

    /// Answers the request in flight with `topic`, at `now_ms`.
    fn answer_with(metadata: &mut ClientMetadata, topic: TopicMetadata, now_ms: i64) {
        metadata.want("orders");
        metadata.stale = true;
        let request_id = ask(metadata, now_ms).expect("a request");
        let answer = MetadataResponse {
            request_id,
            brokers: vec![BrokerId(1), BrokerId(2)],
            controller: Some(BrokerId(1)),
            topics: vec![topic],
        };
        assert!(metadata.update(answer, now_ms));
    }

    fn leader_and_epoch(metadata: &ClientMetadata) -> (Option<BrokerId>, i32) {
        let partition = TopicPartition::new("orders", 0);
        (
            metadata.leader(&partition),
            metadata.leader_epoch(&partition),
        )
    }

    /// `Metadata.updatePartitionLeadership`: a named leader is taken only under a newer epoch,
    /// and only for a partition the view describes.
    #[test]
    fn a_named_leader_is_taken_only_under_a_newer_epoch() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 1000, 300_000);
        answer_with(&mut metadata, orders(7, 1, 3), 0);
        let orders_0 = TopicPartition::new("orders", 0);
        let older = vec![
            (orders_0.clone(), BrokerId(2), 2),
            (orders_0.clone(), BrokerId(2), 3),
        ];
        assert_eq!(metadata.update_partition_leadership(older), Vec::new());
        assert_eq!(leader_and_epoch(&metadata), (Some(BrokerId(1)), 3));
        let unknown = TopicPartition::new("orders", 1);
        let newer = vec![
            (orders_0.clone(), BrokerId(2), 4),
            (unknown, BrokerId(2), 9),
        ];
        assert_eq!(
            metadata.update_partition_leadership(newer),
            vec![(orders_0, BrokerId(2), 4)]
        );
        assert_eq!(leader_and_epoch(&metadata), (Some(BrokerId(2)), 4));
    }

    /// `Metadata.updateLatestMetadata`: an answer from a broker whose metadata lags does not
    /// take the view back to an older leader, unless the topic was created again.
    #[test]
    fn an_answer_under_an_older_epoch_keeps_the_newer_leader() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 1000, 300_000);
        answer_with(&mut metadata, orders(7, 2, 4), 0);
        answer_with(&mut metadata, orders(7, 1, 3), 200);
        assert_eq!(leader_and_epoch(&metadata), (Some(BrokerId(2)), 4));
        answer_with(&mut metadata, orders(7, 1, 5), 400);
        assert_eq!(leader_and_epoch(&metadata), (Some(BrokerId(1)), 5));
        answer_with(&mut metadata, orders(8, 2, 0), 600);
        assert_eq!(leader_and_epoch(&metadata), (Some(BrokerId(2)), 0));
    }

    /// The event says which broker the answer named, or that the same broker leads under a
    /// newer epoch (a FENCED_LEADER_EPOCH answer from the leader itself).
    #[test]
    fn learning_a_leader_tells_who_named_whom() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 1000, 300_000);
        answer_with(&mut metadata, orders(7, 1, 3), 0);
        let orders_0 = TopicPartition::new("orders", 0);
        let (learned, out) = as_client(10, |ctx| {
            [
                (vec![(orders_0.clone(), BrokerId(1), 4)], BrokerId(1)),
                (vec![(orders_0.clone(), BrokerId(2), 5)], BrokerId(1)),
                (vec![(orders_0.clone(), BrokerId(1), 5)], BrokerId(2)),
            ]
            .map(|(named, from)| metadata.learn_leaders(named, from, ClientId(0), "c", ctx))
        });
        assert_eq!(learned, [true, true, false], "the last is not newer");
        let texts: Vec<String> = out
            .events
            .iter()
            .map(|event| match event {
                EventKind::Client { description, .. } => description.clone(),
                _ => String::new(),
            })
            .collect();
        assert_eq!(texts.len(), 2);
        assert!(texts[0].starts_with("c: broker 1 still leads orders-0 but under leader epoch 4"));
        assert!(texts[1].starts_with(
            "c: broker 1 no longer leads orders-0 and its answer says broker 2 does, at leader epoch 5"
        ));
    }

    /// `Metadata.timeToAllowUpdate` (Kafka 3.7): answers in a row that teach nothing new (a
    /// partition still without a leader) double the wait before the next request, up to
    /// `retry.backoff.max.ms`; an answer with a newer leader epoch starts it again.
    #[test]
    fn answers_that_teach_nothing_new_back_off_exponentially() {
        let mut metadata = ClientMetadata::new(vec![BrokerId(1)], 0, 100, 1000, 300_000);
        let mut offline = orders(7, 1, 3);
        offline.partitions[0].leader = None;
        let mut now_ms = 0;
        let mut waits = Vec::new();
        for _ in 0..6 {
            answer_with(&mut metadata, offline.clone(), now_ms);
            waits.push(metadata.retry_at_ms - now_ms);
            now_ms = metadata.retry_at_ms;
        }
        assert_eq!(waits, vec![100, 100, 200, 400, 800, 1000]);
        answer_with(&mut metadata, orders(7, 2, 4), now_ms);
        assert_eq!(
            metadata.retry_at_ms - now_ms,
            100,
            "a newer epoch starts again"
        );
    }
}
