//! Learner-facing detectors: they watch events as they happen and raise an alert, linked to
//! the event that caused it, when something happens that a Kafka user must understand:
//!
//! - **acknowledged record lost**: a record the producer got an acknowledgement for is not in
//!   the log of the partition's new leader (acks=1 and a leader crash, an unclean election, the
//!   old truncate-to-high-watermark rule);
//! - **duplicate delivered**: records handed to a consumer group's application a second time
//!   (a crash or rebalance between processing and committing);
//! - **key order violated**: records of one key reached the log in another order than the
//!   producer sent them (retries with `max.in.flight.requests.per.connection` > 1 and no
//!   idempotence).
//!
//! Detectors only read the cluster; they never change it.

use crate::chunked::ChunkedVec;
use crate::vec_map::{VecMap, VecSet};
use std::collections::VecDeque;
use std::sync::{Arc, Weak};

use crate::cluster::event::{AlertKind, ElectionReason, Event, EventKind};
use crate::cluster::Cluster;
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::log::{RecordBatch, RecordSet};
use crate::network::ClientId;

/// An acknowledged batch, remembered until it is safely gone (retention) or lost.
#[derive(Debug, Clone)]
struct AckedBatch {
    base_offset: Offset,
    records: i32,
    /// The stored records, to tell the same batch from another one at the same offset.
    identity: Weak<RecordSet>,
}

/// How many acknowledged batches per partition the order detector compares.
const ORDER_WINDOW: usize = 32;

/// The detectors' memory.
#[derive(Debug, Clone, Default)]
pub struct Detectors {
    /// Per partition: the acknowledged batches (shared with the detectors' clones, which the
    /// playground's timeline keeps).
    acked: VecMap<TopicPartition, ChunkedVec<AckedBatch>>,
    /// Per group, then partition: the offset after the last record delivered. Maps within maps,
    /// here and below, so an event finds its entry without copying names (see
    /// [`partition_entry`]).
    delivered: VecMap<String, VecMap<TopicPartition, Offset>>,
    /// Per producer, then partition: recent acknowledged batches (producer batch id, base
    /// offset).
    acked_order: VecMap<ClientId, VecMap<TopicPartition, VecDeque<(u64, Offset)>>>,
    /// Whether an unclean election (or the legacy truncation rule) may have rewritten history.
    pub history_rewritten: bool,
    /// Per partition, the highest offset an application's `seek` moved a position to. Kafka
    /// checks neither the seek nor the commit against the log, so a commit right after a seek
    /// past the log end stores that offset until the next commit.
    pub sought: VecMap<TopicPartition, Offset>,
    /// Topics deleted so far. A consumer still assigned a partition of one may commit the
    /// position it reached there to the topic created again under that name, if the new topic
    /// has that partition: Kafka checks a commit against neither the log nor the topic id.
    pub deleted_topics: VecSet<String>,
    /// Alerts raised so far, by kind.
    pub counts: VecMap<String, i64>,
}

impl Detectors {
    /// Looks at new events and returns the alerts they raise.
    pub fn observe(&mut self, events: &[Event], cluster: &Cluster) -> Vec<EventKind> {
        let mut alerts = Vec::new();
        for event in events {
            match &event.kind {
                EventKind::ProduceAcknowledged {
                    producer,
                    partition,
                    base_offset,
                    records,
                    batch,
                } if base_offset.0 >= 0 => {
                    self.remember_ack(cluster, partition, *base_offset, *records);
                    alerts.extend(self.check_order(
                        cluster,
                        event.id,
                        *producer,
                        partition,
                        *batch,
                        *base_offset,
                    ));
                }
                EventKind::LeaderElected {
                    partition,
                    leader: Some(leader),
                    reason,
                    ..
                } => {
                    if *reason == ElectionReason::Unclean {
                        self.history_rewritten = true;
                    }
                    alerts.extend(self.check_losses(cluster, event.id, partition, *leader));
                }
                EventKind::LogTruncated { partition, .. } => {
                    if cluster.config.truncation
                        == crate::cluster::config::TruncationMode::HighWatermark
                    {
                        self.history_rewritten = true;
                    }
                    if let Some(leader) = cluster.current_leader(partition) {
                        alerts.extend(self.check_losses(cluster, event.id, partition, leader));
                    }
                }
                EventKind::RecordsDelivered {
                    group: Some(group),
                    partition,
                    first_offset,
                    last_offset,
                    ..
                } => alerts.extend(self.check_duplicates(
                    event.id,
                    group,
                    partition,
                    *first_offset,
                    *last_offset,
                )),
                EventKind::TopicDeleted { topic } => self.forget_topic(topic),
                _ => {}
            }
        }
        for alert in &alerts {
            if let EventKind::Alert { alert, .. } = alert {
                *self.counts.entry(format!("{alert:?}")).or_default() += 1;
            }
        }
        alerts
    }

    fn remember_ack(
        &mut self,
        cluster: &Cluster,
        partition: &TopicPartition,
        base_offset: Offset,
        records: i32,
    ) {
        let Some(batch) = cluster
            .current_leader(partition)
            .and_then(|leader| batch_at(cluster, leader, partition, base_offset))
        else {
            return;
        };
        let acked = AckedBatch {
            base_offset,
            records,
            identity: Arc::downgrade(&batch.records),
        };
        match self.acked.get_mut(partition) {
            Some(batches) => batches.push(acked),
            None => {
                self.acked
                    .insert(partition.clone(), std::iter::once(acked).collect());
            }
        }
    }

    /// Every acknowledged batch must still be in the new leader's log.
    fn check_losses(
        &mut self,
        cluster: &Cluster,
        cause: u64,
        partition: &TopicPartition,
        leader: BrokerId,
    ) -> Vec<EventKind> {
        if cluster.topic_is_compacted(&partition.topic) {
            return Vec::new();
        }
        let Some(log_start) = cluster.log_start_offset(leader, partition) else {
            return Vec::new();
        };
        let Some(acked) = self.acked.get_mut(partition) else {
            return Vec::new();
        };
        // Batches deleted by retention are gone on purpose.
        acked.retain(|batch| batch.base_offset >= log_start);
        let mut lost = Vec::new();
        acked.retain(|batch| {
            let still_there =
                batch_at(cluster, leader, partition, batch.base_offset).is_some_and(|stored| {
                    Weak::ptr_eq(&Arc::downgrade(&stored.records), &batch.identity)
                });
            if !still_there {
                lost.push((batch.base_offset, batch.records));
            }
            still_there
        });
        lost.into_iter()
            .map(|(offset, records)| EventKind::Alert {
                alert: AlertKind::AcknowledgedRecordLost,
                partition: partition.clone(),
                detail: format!(
                    "Acknowledged record(s) lost: {records} record(s) of {partition} acknowledged at offset {offset} are not in the log of broker {leader}, the new leader. The producer was told they were written; a consumer will never see them."
                ),
                caused_by: Some(cause),
            })
            .collect()
    }

    fn check_duplicates(
        &mut self,
        cause: u64,
        group: &str,
        partition: &TopicPartition,
        first: Offset,
        last: Offset,
    ) -> Vec<EventKind> {
        let (delivered, made) =
            partition_entry(&mut self.delivered, group, partition, || last.next());
        let next = (!made).then_some(*delivered);
        if let Some(next) = next {
            *delivered = next.max(last.next());
        }
        match next {
            Some(next) if first < next => {
                let repeated_last = last.min(Offset(next.0 - 1));
                vec![EventKind::Alert {
                    alert: AlertKind::DuplicateDelivered,
                    partition: partition.clone(),
                    detail: format!(
                        "Duplicate delivery: offsets {first} to {repeated_last} of {partition} were already handed to group {group} once. They were processed, but the committed offset was behind them when the partition changed hands (at-least-once delivery)."
                    ),
                    caused_by: Some(cause),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn check_order(
        &mut self,
        cluster: &Cluster,
        cause: u64,
        producer: ClientId,
        partition: &TopicPartition,
        batch: u64,
        base_offset: Offset,
    ) -> Vec<EventKind> {
        let (window, _) =
            partition_entry(&mut self.acked_order, &producer, partition, VecDeque::new);
        let overtaken: Vec<Offset> = window
            .iter()
            .filter(|(other, other_offset)| *other > batch && *other_offset < base_offset)
            .map(|(_, other_offset)| *other_offset)
            .collect();
        if window.len() == ORDER_WINDOW {
            window.pop_front();
        }
        window.push_back((batch, base_offset));
        if overtaken.is_empty() {
            return Vec::new();
        }
        let Some(leader) = cluster.current_leader(partition) else {
            return Vec::new();
        };
        let keys_here = batch_keys(batch_at(cluster, leader, partition, base_offset));
        let mut shared: VecSet<String> = VecSet::new();
        for offset in overtaken {
            let keys_there = batch_keys(batch_at(cluster, leader, partition, offset));
            shared.extend(keys_here.intersection(&keys_there).cloned());
        }
        if shared.is_empty() {
            return Vec::new();
        }
        let keys: Vec<String> = shared.into_iter().take(5).collect();
        vec![EventKind::Alert {
            alert: AlertKind::KeyOrderViolated,
            partition: partition.clone(),
            detail: format!(
                "Per-key order violated in {partition}: a batch with key(s) {} was retried and landed after a batch the producer sent later. Without idempotence, max.in.flight.requests.per.connection > 1 lets retries reorder records.",
                keys.join(", ")
            ),
            caused_by: Some(cause),
        }]
    }

    /// An application's `seek` moved a position of `partition` to `offset`.
    pub(crate) fn application_sought(&mut self, partition: &TopicPartition, offset: Offset) {
        match self.sought.get_mut(partition) {
            Some(highest) => *highest = (*highest).max(offset),
            None => {
                self.sought.insert(partition.clone(), offset);
            }
        }
    }

    fn forget_topic(&mut self, topic: &str) {
        self.deleted_topics.insert(topic.to_owned());
        self.acked.retain(|partition, _| partition.topic != topic);
        forget_topic_in(&mut self.delivered, topic);
        forget_topic_in(&mut self.acked_order, topic);
    }
}

/// The entry of `partition` under `outer` in a map of maps, and whether it was just made (with
/// `new`, copying the names): nearly every event is about a group or producer and a partition
/// seen before, so the names are copied only the first time.
fn partition_entry<'a, K, Q, V>(
    map: &'a mut VecMap<K, VecMap<TopicPartition, V>>,
    outer: &Q,
    partition: &TopicPartition,
    new: impl FnOnce() -> V,
) -> (&'a mut V, bool)
where
    K: Ord + std::borrow::Borrow<Q>,
    Q: Ord + ToOwned<Owned = K> + ?Sized,
{
    if !map.contains_key(outer) {
        map.insert(outer.to_owned(), VecMap::new());
    }
    let partitions = map.get_mut(outer).expect("inserted above when missing");
    let made = !partitions.contains_key(partition);
    if made {
        partitions.insert(partition.clone(), new());
    }
    let entry = partitions
        .get_mut(partition)
        .expect("inserted above when missing");
    (entry, made)
}

/// Drops a deleted topic's partitions from a map of maps, and the outer keys left empty.
fn forget_topic_in<K: Ord, V>(map: &mut VecMap<K, VecMap<TopicPartition, V>>, topic: &str) {
    for partitions in map.values_mut() {
        partitions.retain(|partition, _| partition.topic != topic);
    }
    map.retain(|_, partitions| !partitions.is_empty());
}

/// The batch holding `offset` in `broker`'s replica of `partition`.
fn batch_at(
    cluster: &Cluster,
    broker: BrokerId,
    partition: &TopicPartition,
    offset: Offset,
) -> Option<Arc<RecordBatch>> {
    let log = &cluster.brokers.get(&broker)?.replicas.get(partition)?.log;
    let batch = log
        .read(offset, 1, log.log_end_offset())
        .ok()?
        .into_iter()
        .next()?;
    (batch.base_offset <= offset && offset <= batch.last_offset()).then_some(batch)
}

fn batch_keys(batch: Option<Arc<RecordBatch>>) -> VecSet<String> {
    batch
        .map(|batch| {
            crate::sort::to_set(batch.records().filter_map(|(_, record)| {
                record
                    .key
                    .map(|key| String::from_utf8_lossy(key).into_owned())
            }))
        })
        .unwrap_or_default()
}
