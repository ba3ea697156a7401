//! Requests a broker holds until they can be answered (Kafka's `DelayedOperationPurgatory`).
//!
//! - A **delayed produce** (`acks=all`) waits until the high watermark passes the appended
//!   batch, or `timeout_ms` of the request, whichever first (`DelayedProduce`).
//! - A **delayed fetch** waits until there is data to return, or `max_wait_ms`
//!   (`DelayedFetch`): the long poll behind `replica.fetch.wait.max.ms` and
//!   `fetch.max.wait.ms`.
//!
//! Operations are watched by partition, so an append or a high watermark move only looks at
//! the operations waiting on that partition.

use crate::vec_map::VecMap;

use crate::error::KafkaError;
use crate::ids::{Offset, TopicPartition};
use crate::network::NodeId;
use crate::protocol::FetchRequest;

/// Who is waiting for a delayed produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProduceOrigin {
    /// A client's Produce request.
    Client {
        /// The client.
        node: NodeId,
        /// Its request.
        request_id: u64,
        /// Its `client.id` and the bytes of its batches, counted against its
        /// `producer_byte_rate` when it is answered.
        quota: (String, i64),
    },
    /// A write of the broker's own group or transaction coordinator to an internal topic.
    Coordinator {
        /// The coordinator's own number for the write.
        write_id: u64,
    },
}

/// One partition of a delayed produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducePartitionStatus {
    /// The partition.
    pub partition: TopicPartition,
    /// The base offset given to the batch, or the error already decided.
    pub result: Result<Offset, KafkaError>,
    /// The offset the high watermark must reach (last offset + 1).
    pub required_offset: Offset,
    /// Whether this partition is done.
    pub done: bool,
}

/// A produce waiting for the ISR (`acks=all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelayedProduce {
    /// Who waits.
    pub origin: ProduceOrigin,
    /// When it times out (`REQUEST_TIMED_OUT`).
    pub deadline_ms: i64,
    /// Per partition.
    pub partitions: Vec<ProducePartitionStatus>,
}

/// A fetch waiting for data.
#[derive(Debug, Clone)]
pub struct DelayedFetch {
    /// The fetcher.
    pub from: NodeId,
    /// The request.
    pub request: FetchRequest,
    /// When to answer anyway.
    pub deadline_ms: i64,
}

/// The broker's held requests.
#[derive(Debug, Clone, Default)]
pub struct Purgatory {
    next_id: u64,
    /// Delayed produces by id.
    pub produces: VecMap<u64, DelayedProduce>,
    /// Delayed fetches by id.
    pub fetches: VecMap<u64, DelayedFetch>,
    produce_watchers: VecMap<TopicPartition, Vec<u64>>,
    fetch_watchers: VecMap<TopicPartition, Vec<u64>>,
}

impl Purgatory {
    /// Holds a produce; returns its id.
    pub fn add_produce(&mut self, produce: DelayedProduce) -> u64 {
        let id = self.take_id();
        for status in &produce.partitions {
            self.produce_watchers
                .entry(status.partition.clone())
                .or_default()
                .push(id);
        }
        self.produces.insert(id, produce);
        id
    }

    /// Holds a fetch; returns its id.
    pub fn add_fetch(&mut self, fetch: DelayedFetch) -> u64 {
        let id = self.take_id();
        for partition in &fetch.request.partitions {
            self.fetch_watchers
                .entry(partition.partition.clone())
                .or_default()
                .push(id);
        }
        self.fetches.insert(id, fetch);
        id
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Ids of the produces waiting on `partition`, in the order they were held.
    pub fn produces_watching(&self, partition: &TopicPartition) -> Vec<u64> {
        let mut ids = self
            .produce_watchers
            .get(partition)
            .cloned()
            .unwrap_or_default();
        ids.retain(|id| self.produces.contains_key(id));
        ids
    }

    /// Ids of the fetches waiting on `partition`, in the order they were held.
    pub fn fetches_watching(&self, partition: &TopicPartition) -> Vec<u64> {
        let mut ids = self
            .fetch_watchers
            .get(partition)
            .cloned()
            .unwrap_or_default();
        ids.retain(|id| self.fetches.contains_key(id));
        ids
    }

    /// Removes a produce (completed or expired).
    pub fn take_produce(&mut self, id: u64) -> Option<DelayedProduce> {
        let produce = self.produces.remove(&id)?;
        for status in &produce.partitions {
            unwatch(&mut self.produce_watchers, &status.partition, id);
        }
        Some(produce)
    }

    /// Removes a fetch (completed or expired).
    pub fn take_fetch(&mut self, id: u64) -> Option<DelayedFetch> {
        let fetch = self.fetches.remove(&id)?;
        for partition in &fetch.request.partitions {
            unwatch(&mut self.fetch_watchers, &partition.partition, id);
        }
        Some(fetch)
    }

    /// Forgets everything (the broker stopped).
    pub fn clear(&mut self) {
        self.produces.clear();
        self.fetches.clear();
        self.produce_watchers.clear();
        self.fetch_watchers.clear();
    }
}

fn unwatch(watchers: &mut VecMap<TopicPartition, Vec<u64>>, partition: &TopicPartition, id: u64) {
    if let Some(ids) = watchers.get_mut(partition) {
        ids.retain(|other| *other != id);
        if ids.is_empty() {
            watchers.remove(partition);
        }
    }
}
