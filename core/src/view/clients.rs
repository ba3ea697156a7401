//! Producers and consumers, as the UI and the tools show them.

use serde::{Deserialize, Serialize};

use crate::client::consumer::membership::MemberState;
use crate::client::producer::ProducerStats;
use crate::cluster::Cluster;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::network::ClientId;
use crate::vec_map::VecMap;

/// A producer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerView {
    /// Its node.
    pub id: ClientId,
    /// Its `client.id`.
    pub name: String,
    /// `acks`.
    pub acks: String,
    /// Whether it is idempotent.
    pub idempotent: bool,
    /// Its producer id and epoch, once assigned.
    pub producer_id: Option<(i64, i16)>,
    /// `linger.ms`.
    pub linger_ms: i64,
    /// `batch.size`.
    pub batch_size: i32,
    /// Batches waiting to be sent.
    pub queued_batches: i32,
    /// Requests awaiting an answer.
    pub requests_in_flight: i32,
    /// Buffer memory in use.
    pub buffered_bytes: i64,
    /// Whether a workload runs.
    pub workload: bool,
    /// Whether it was closed.
    pub closed: bool,
    /// Its counters.
    pub stats: ProducerStats,
    /// The brokers holding it back for a client quota now, with the ms left.
    pub throttled: Vec<(i32, i64)>,
}

/// A consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerView {
    /// Its node.
    pub id: ClientId,
    /// Its `client.id`.
    pub name: String,
    /// `running`, `closed` or `crashed`.
    pub status: String,
    /// Its group, if any.
    pub group: Option<String>,
    /// Its member id in the group.
    pub member_id: Option<String>,
    /// Its generation (-1 when not in the group).
    pub generation: i32,
    /// `unjoined`, `joining`, `syncing`, `stable`, or `standalone`.
    pub member_state: String,
    /// Whether it is the group's leader (runs the assignor).
    pub is_leader: bool,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// Its partitions.
    pub partitions: Vec<ConsumerPartitionView>,
    /// Records delivered to its application.
    pub records_delivered: i64,
    /// Whether the application is processing a batch now.
    pub processing: bool,
    /// The last error the application got.
    pub last_error: Option<String>,
    /// The brokers holding its fetches back for a client quota now, with the ms left.
    pub throttled: Vec<(i32, i64)>,
    /// Its pattern, for `subscribe(Pattern)`, with the topics it matched at the last metadata
    /// answer.
    pub pattern: Option<(String, Vec<String>)>,
}

/// One partition of a consumer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerPartitionView {
    /// The partition.
    pub partition: TopicPartition,
    /// The next offset it reads.
    pub position: Option<Offset>,
    /// The last committed offset it knows.
    pub committed: Option<Offset>,
    /// High watermark (or last stable offset) minus position.
    pub lag: Option<i64>,
}

impl Cluster {
    /// Every producer.
    pub fn producer_views(&self) -> Vec<ProducerView> {
        self.clients
            .producers()
            .map(|producer| ProducerView {
                id: producer.id,
                name: producer.name.clone(),
                acks: producer.rules.acks.to_string(),
                idempotent: producer.rules.idempotent,
                producer_id: producer.producer_id.map(|(id, epoch)| (id.0, epoch)),
                linger_ms: producer.rules.linger_ms,
                batch_size: producer.rules.batch_size,
                queued_batches: producer.accumulator.queued_batches() as i32,
                requests_in_flight: producer.in_flight.len() as i32,
                buffered_bytes: producer.accumulator.buffered_bytes,
                workload: producer.workload.is_some(),
                closed: producer.closed,
                stats: producer.stats,
                throttled: throttles(&producer.throttled_until, self.now_ms()),
            })
            .collect()
    }

    /// Every consumer.
    pub fn consumer_views(&self) -> Vec<ConsumerView> {
        self.clients
            .consumers()
            .map(|consumer| {
                let membership = consumer.membership.as_ref();
                let member_state = match membership {
                    Some(m) if !m.joins => "standalone",
                    Some(m) => match m.state {
                        MemberState::Unjoined => "unjoined",
                        MemberState::Joining => "joining",
                        MemberState::Syncing => "syncing",
                        MemberState::Stable => "stable",
                    },
                    None => "standalone",
                };
                let partitions = consumer
                    .assigned
                    .iter()
                    .map(|(partition, assigned)| ConsumerPartitionView {
                        partition: partition.clone(),
                        position: assigned.position,
                        committed: consumer.commits.committed.get(partition).copied(),
                        lag: consumer.lag(partition),
                    })
                    .collect();
                let status = match consumer.status {
                    crate::client::consumer::ConsumerStatus::Running => "running",
                    crate::client::consumer::ConsumerStatus::Closed => "closed",
                    crate::client::consumer::ConsumerStatus::Crashed => "crashed",
                };
                ConsumerView {
                    id: consumer.id,
                    name: consumer.name.clone(),
                    status: status.to_string(),
                    group: consumer.rules.group_id.clone(),
                    member_id: membership
                        .filter(|m| !m.member_id.is_empty())
                        .map(|m| m.member_id.clone()),
                    generation: membership.map_or(-1, |m| m.generation),
                    member_state: member_state.to_string(),
                    is_leader: membership.is_some_and(|m| {
                        m.leader.as_deref() == Some(m.member_id.as_str()) && !m.member_id.is_empty()
                    }),
                    group_instance_id: consumer.rules.group_instance_id.clone(),
                    partitions,
                    records_delivered: consumer.records_delivered,
                    processing: consumer.processing.until_ms.is_some(),
                    last_error: consumer.last_error.as_ref().map(|e| e.as_exception()),
                    throttled: throttles(&consumer.throttled_until, self.now_ms()),
                    pattern: consumer.pattern.as_ref().map(|subscription| {
                        (
                            subscription.pattern.as_str().to_string(),
                            subscription.matched.clone(),
                        )
                    }),
                }
            })
            .collect()
    }
}

/// The throttles still running at `now_ms`: `(broker, ms left)`.
fn throttles(until: &VecMap<BrokerId, i64>, now_ms: i64) -> Vec<(i32, i64)> {
    until
        .iter()
        .filter(|(_, until_ms)| **until_ms > now_ms)
        .map(|(broker, until_ms)| (broker.0, until_ms - now_ms))
        .collect()
}
