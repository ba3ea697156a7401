//! A broker's copy of the cluster metadata, built by applying the controller's metadata log
//! (Kafka's `KRaftMetadataCache` / `MetadataImage`).
//!
//! Every broker answers Metadata requests from its own cache, so a broker that has not yet
//! fetched the latest records gives stale answers, as in Kafka.

use crate::vec_map::VecMap;

use crate::ids::{BrokerId, TopicPartition};
use crate::protocol::controller::{ConfigResource, MetadataRecord, PartitionState};

/// A broker as the metadata knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokerInfo {
    /// The epoch of its latest registration.
    pub broker_epoch: i64,
    /// Whether it is fenced.
    pub fenced: bool,
}

/// A topic as the metadata knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicInfo {
    /// The topic id.
    pub topic_id: u64,
    /// Its partitions, partition 0 first.
    pub partitions: Vec<PartitionState>,
}

/// What applying a record changed, for the broker to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataChange {
    /// A partition's state is new or changed.
    Partition(TopicPartition),
    /// A topic went away.
    TopicRemoved(String),
    /// Configs of a topic or of brokers changed.
    Config(ConfigResource),
    /// A broker was fenced or unfenced.
    Broker(BrokerId),
}

/// The metadata a broker has applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetadataCache {
    /// The offset of the next metadata record to apply.
    pub offset: u64,
    /// The active controller, as last heard.
    pub controller: Option<BrokerId>,
    /// Registered brokers.
    pub brokers: VecMap<BrokerId, BrokerInfo>,
    /// Topics by name.
    pub topics: VecMap<String, TopicInfo>,
    /// Config overrides by resource, then name.
    pub configs: VecMap<ConfigResource, VecMap<String, String>>,
    /// The ACLs, which the broker's authorizer checks requests against.
    pub acls: crate::acl::Acls,
}

impl MetadataCache {
    /// Applies records starting at `offset`; records already applied are skipped. Returns what
    /// changed.
    pub fn apply(&mut self, offset: u64, records: &[MetadataRecord]) -> Vec<MetadataChange> {
        let mut changes = Vec::new();
        for (index, record) in records.iter().enumerate() {
            let record_offset = offset + index as u64;
            if record_offset < self.offset {
                continue;
            }
            if record_offset > self.offset {
                // A gap: the rest cannot be applied in order; the next fetch asks again.
                break;
            }
            if let Some(change) = self.apply_one(record) {
                changes.push(change);
            }
            self.offset = record_offset + 1;
        }
        changes
    }

    fn apply_one(&mut self, record: &MetadataRecord) -> Option<MetadataChange> {
        match record {
            MetadataRecord::RegisterBroker {
                broker,
                broker_epoch,
            } => {
                self.brokers.insert(
                    *broker,
                    BrokerInfo {
                        broker_epoch: *broker_epoch,
                        fenced: true,
                    },
                );
                Some(MetadataChange::Broker(*broker))
            }
            MetadataRecord::FenceBroker { broker } => {
                self.set_fenced(*broker, true);
                Some(MetadataChange::Broker(*broker))
            }
            MetadataRecord::UnfenceBroker { broker } => {
                self.set_fenced(*broker, false);
                Some(MetadataChange::Broker(*broker))
            }
            MetadataRecord::Topic { name, topic_id } => {
                self.topics.insert(
                    name.clone(),
                    TopicInfo {
                        topic_id: *topic_id,
                        partitions: Vec::new(),
                    },
                );
                None
            }
            MetadataRecord::Partition { partition, state } => {
                let topic = self.topics.get_mut(&partition.topic)?;
                let index = usize::try_from(partition.partition).ok()?;
                if index < topic.partitions.len() {
                    topic.partitions[index] = state.clone();
                } else if index == topic.partitions.len() {
                    topic.partitions.push(state.clone());
                } else {
                    return None;
                }
                Some(MetadataChange::Partition(partition.clone()))
            }
            MetadataRecord::RemoveTopic { name } => {
                self.topics.remove(name);
                self.configs.remove(&ConfigResource::Topic(name.clone()));
                Some(MetadataChange::TopicRemoved(name.clone()))
            }
            MetadataRecord::Config {
                resource,
                name,
                value,
            } => {
                let configs = self.configs.entry(resource.clone()).or_default();
                match value {
                    Some(value) => configs.insert(name.clone(), value.clone()),
                    None => configs.remove(name),
                };
                Some(MetadataChange::Config(resource.clone()))
            }
            MetadataRecord::AccessControlEntry { id, binding } => {
                self.acls.add(*id, binding.clone());
                None
            }
            MetadataRecord::RemoveAccessControlEntry { id } => {
                self.acls.remove(*id);
                None
            }
        }
    }

    fn set_fenced(&mut self, broker: BrokerId, fenced: bool) {
        if let Some(info) = self.brokers.get_mut(&broker) {
            info.fenced = fenced;
        }
    }

    /// The state of a partition, if the topic and partition exist.
    pub fn partition(&self, partition: &TopicPartition) -> Option<&PartitionState> {
        let index = usize::try_from(partition.partition).ok()?;
        self.topics.get(&partition.topic)?.partitions.get(index)
    }

    /// A topic's partition count.
    pub fn partition_count(&self, topic: &str) -> Option<i32> {
        self.topics
            .get(topic)
            .map(|info| i32::try_from(info.partitions.len()).unwrap_or(i32::MAX))
    }

    /// The unfenced brokers, in id order.
    pub fn live_brokers(&self) -> Vec<BrokerId> {
        self.brokers
            .iter()
            .filter(|(_, info)| !info.fenced)
            .map(|(broker, _)| *broker)
            .collect()
    }

    /// Whether `broker` is registered and unfenced.
    pub fn is_unfenced(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|info| !info.fenced)
    }

    /// A topic's config overrides.
    pub fn topic_configs(&self, topic: &str) -> Option<&VecMap<String, String>> {
        self.configs.get(&ConfigResource::Topic(topic.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(leader: i32) -> PartitionState {
        PartitionState {
            replicas: vec![BrokerId(1), BrokerId(2)],
            isr: vec![BrokerId(1), BrokerId(2)],
            leader: Some(BrokerId(leader)),
            leader_epoch: 0,
            partition_epoch: 0,
            elr: Vec::new(),
            last_known_elr: Vec::new(),
            adding: Vec::new(),
            removing: Vec::new(),
        }
    }

    #[test]
    fn records_apply_in_order_and_report_changes() {
        let mut cache = MetadataCache::default();
        let records = vec![
            MetadataRecord::Topic {
                name: "orders".into(),
                topic_id: 1,
            },
            MetadataRecord::Partition {
                partition: TopicPartition::new("orders", 0),
                state: state(1),
            },
        ];
        let changes = cache.apply(0, &records);
        assert_eq!(
            changes,
            vec![MetadataChange::Partition(TopicPartition::new("orders", 0))]
        );
        assert_eq!(cache.offset, 2);
        assert_eq!(cache.partition_count("orders"), Some(1));
        // Applying the same records again changes nothing.
        assert!(cache.apply(0, &records).is_empty());
    }

    #[test]
    fn a_gap_stops_the_apply() {
        let mut cache = MetadataCache::default();
        let changes = cache.apply(
            5,
            &[MetadataRecord::FenceBroker {
                broker: BrokerId(1),
            }],
        );
        assert!(changes.is_empty());
        assert_eq!(cache.offset, 0);
    }
}
