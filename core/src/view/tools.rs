//! What Kafka's command-line tools read that the other views do not carry: a topic's id
//! (`kafka-topics --describe`), config descriptions with their sources and synonyms
//! (`kafka-configs --describe`, the `Configs:` column of `kafka-topics --describe`), and the
//! records a consumer's `poll()` returned, with their content (`kafka-console-consumer`).

use serde::{Deserialize, Serialize};

use crate::client::consumer::DeliveredRun;
use crate::cluster::Cluster;
use crate::config::{DescribeRow, TopicConfig};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::log::{RecordRef, TimestampType};

/// One record as a consumer's application got it from `poll()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredRecordView {
    /// Its partition.
    pub partition: TopicPartition,
    /// Its offset.
    pub offset: Offset,
    /// `CreateTime` or `LogAppendTime` (`TimestampType.toString()`).
    pub timestamp_type: String,
    /// Its timestamp in ms since the epoch (the batch's append time under `LogAppendTime`).
    pub timestamp_ms: i64,
    /// The key as UTF-8 text (lossy); `None` is null.
    pub key: Option<String>,
    /// The value as UTF-8 text (lossy); `None` is null.
    pub value: Option<String>,
    /// Headers as text, in order.
    pub headers: Vec<(String, Option<String>)>,
}

impl Cluster {
    /// Whether an admin client could reach a broker: one is running and not isolated.
    pub fn any_broker_reachable(&self) -> bool {
        self.brokers
            .values()
            .any(|broker| broker.is_up() && !self.network.is_isolated(broker.id))
    }

    /// The id the controller gave a topic when it created it.
    pub fn topic_id(&self, topic: &str) -> Option<u64> {
        self.controller
            .image
            .topics
            .get(topic)
            .map(|info| info.topic_id)
    }

    /// `DescribeConfigs` of a topic with synonyms: every topic config with its value and
    /// source, as the controller's config resolves it. `None` for an unknown topic.
    pub fn describe_topic_configs(&self, topic: &str) -> Option<Vec<DescribeRow>> {
        self.controller.image.topics.get(topic)?;
        let overrides = self
            .controller
            .image
            .topic_configs(topic)
            .cloned()
            .unwrap_or_default();
        let pairs: Vec<(&str, &str)> = overrides
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        let broker = &self.controller.config;
        // Overrides were validated when written; should they no longer validate, describe
        // what the broker defaults give, as the topic's settings do.
        let topic_config = TopicConfig::from_configs(&pairs, broker).unwrap_or_default();
        Some(topic_config.describe(broker))
    }

    /// `DescribeConfigs` of one broker with synonyms (static, dynamic and default layers).
    /// `None` for an unknown broker.
    pub fn describe_broker_configs(&self, broker: BrokerId) -> Option<Vec<DescribeRow>> {
        Some(self.controller.broker_config(broker)?.describe())
    }

    /// `DescribeConfigs` of the cluster-wide broker defaults (`--entity-default`).
    pub fn describe_broker_default_configs(&self) -> Vec<DescribeRow> {
        self.controller.config.describe_cluster_default()
    }

    /// `DescribeClientQuotas`: each quota entity (client id, user, or both) that `wanted`
    /// takes and that has quotas, with its quotas by name, sorted.
    pub fn client_quotas(
        &self,
        wanted: impl Fn(&crate::ConfigResource) -> bool,
    ) -> Vec<ClientQuotasView> {
        self.controller
            .image
            .configs
            .iter()
            .filter(|(resource, layer)| {
                resource.is_client_quota() && wanted(resource) && !layer.is_empty()
            })
            .map(|(resource, layer)| ClientQuotasView {
                entity: resource.clone(),
                quotas: layer
                    .iter()
                    .filter_map(|(name, value)| {
                        Some((name.clone(), crate::decimal::parse_f64(value.trim())?))
                    })
                    .collect(),
            })
            .collect()
    }

    /// `DescribeAcls`: the ACLs a filter takes (every ACL without one), oldest first, or
    /// `SECURITY_DISABLED` when the cluster has no authorizer.
    pub fn describe_acls(
        &self,
        filter: Option<&crate::acl::AclFilter>,
    ) -> Result<Vec<crate::acl::AclBinding>, crate::error::KafkaError> {
        self.controller.require_authorizer()?;
        Ok(self
            .controller
            .image
            .acls
            .iter()
            .filter(|(_, binding)| filter.is_none_or(|filter| filter.matches(binding)))
            .map(|(_, binding)| binding.clone())
            .collect())
    }

    /// The last records the consumer named `consumer` got from `poll()`, oldest first (at
    /// most [`RECENT_RECORDS`](crate::client::consumer::RECENT_RECORDS)).
    pub fn recent_deliveries(&self, consumer: &str) -> Vec<DeliveredRecordView> {
        self.clients
            .consumers()
            .find(|candidate| candidate.name == consumer)
            .map(|found| {
                found
                    .recent
                    .iter()
                    .map(|(run, offset, record)| delivered_view(run, offset, record))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn delivered_view(
    run: &DeliveredRun,
    offset: Offset,
    record: RecordRef<'_>,
) -> DeliveredRecordView {
    let batch = &run.batch;
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let timestamp_ms = match batch.timestamp_type {
        TimestampType::CreateTime => record.timestamp,
        TimestampType::LogAppendTime => batch.max_timestamp,
    };
    DeliveredRecordView {
        partition: TopicPartition::clone(&run.partition),
        offset,
        timestamp_type: batch.timestamp_type.as_str().to_string(),
        timestamp_ms,
        key: record.key.map(text),
        value: record.value.map(text),
        headers: record
            .headers()
            .map(|header| (header.key.to_string(), header.value.map(text)))
            .collect(),
    }
}

/// A quota entity's quotas, as `DescribeClientQuotas` returns them.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientQuotasView {
    /// The entity: a client id, a user, or a user's client id.
    pub entity: crate::ConfigResource,
    /// Its quotas by name, in bytes per second.
    pub quotas: Vec<(String, f64)>,
}
