//! Transactions as the UI and `kafka-transactions.sh` show them: the coordinators'
//! transactions (`list`, `describe`), the producers a partition leader knows
//! (`describe-producers`), and each transactional producer's own state.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::cluster::Cluster;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::network::ClientId;

/// One transactional id at its coordinator (`DescribeTransactions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionView {
    /// The `transactional.id`.
    pub transactional_id: String,
    /// The coordinator (leader of its `__transaction_state` partition).
    pub coordinator: BrokerId,
    /// Its `__transaction_state` partition.
    pub state_partition: i32,
    /// `Ongoing`, `PrepareCommit`, ...
    pub state: String,
    /// The state a change in flight moves to, if one is.
    pub pending_state: Option<String>,
    /// The producer id.
    pub producer_id: i64,
    /// The producer epoch.
    pub producer_epoch: i16,
    /// The partitions in the transaction.
    pub partitions: Vec<TopicPartition>,
    /// `transaction.timeout.ms`.
    pub timeout_ms: i64,
    /// When the current transaction started (ms since the epoch), if one is open.
    pub start_time_ms: Option<i64>,
    /// When the state last changed (ms since the epoch).
    pub last_update_ms: i64,
}

/// One producer a partition leader remembers (`DescribeProducers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerStateView {
    /// The producer id.
    pub producer_id: i64,
    /// Its epoch.
    pub producer_epoch: i16,
    /// The coordinator epoch of its last marker, -1 when none.
    pub coordinator_epoch: i32,
    /// Its last sequence number.
    pub last_sequence: i32,
    /// Its last timestamp.
    pub last_timestamp: i64,
    /// The first offset of its open transaction, if one is open.
    pub current_transaction_start_offset: Option<Offset>,
}

/// A transactional producer's `TransactionManager`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionalProducerView {
    /// The producer.
    pub producer: ClientId,
    /// Its `client.id`.
    pub name: String,
    /// Its `transactional.id`.
    pub transactional_id: String,
    /// `READY`, `IN_TRANSACTION`, ...
    pub state: String,
    /// Its producer id and epoch, once initialized.
    pub producer_id: Option<(i64, i16)>,
    /// Its transaction coordinator, once found.
    pub coordinator: Option<BrokerId>,
    /// Partitions in the transaction.
    pub partitions: Vec<TopicPartition>,
    /// Partitions written to, not yet added by the coordinator.
    pub partitions_pending: Vec<TopicPartition>,
    /// The call the application is blocked in, if any.
    pub blocked_in: Option<String>,
    /// The error of an error state, as the exception reads.
    pub last_error: Option<String>,
    /// `transaction.timeout.ms`.
    pub transaction_timeout_ms: i64,
}

impl Cluster {
    /// Every transactional id some running broker coordinates (`kafka-transactions list`),
    /// sorted by id.
    pub fn transactions(&self) -> Vec<TransactionView> {
        let mut views = Vec::new();
        for broker in self.brokers.values().filter(|broker| broker.is_up()) {
            for (partition, cache) in &broker.transactions.coordinator.partitions {
                for metadata in cache.transactions.values() {
                    views.push(TransactionView {
                        transactional_id: metadata.transactional_id.clone(),
                        coordinator: broker.id,
                        state_partition: *partition,
                        state: metadata.state.name().to_string(),
                        pending_state: metadata.pending_state.map(|state| state.name().to_string()),
                        producer_id: metadata.producer_id.0,
                        producer_epoch: metadata.producer_epoch,
                        partitions: metadata.partitions.iter().cloned().collect(),
                        timeout_ms: metadata.txn_timeout_ms,
                        start_time_ms: (metadata.txn_start_timestamp_ms >= 0)
                            .then_some(metadata.txn_start_timestamp_ms),
                        last_update_ms: metadata.txn_last_update_timestamp_ms,
                    });
                }
            }
        }
        crate::sort::sort_by(&mut views, |a, b| {
            a.transactional_id.cmp(&b.transactional_id)
        });
        views
    }

    /// One transactional id (`kafka-transactions describe`), or `TRANSACTIONAL_ID_NOT_FOUND`.
    pub fn describe_transaction(
        &self,
        transactional_id: &str,
    ) -> Result<TransactionView, KafkaError> {
        self.transactions()
            .into_iter()
            .find(|view| view.transactional_id == transactional_id)
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::TransactionalIdNotFound))
    }

    /// The producers the leader of `partition` remembers (`kafka-transactions
    /// describe-producers`).
    pub fn describe_producers(
        &self,
        partition: &TopicPartition,
    ) -> Result<Vec<ProducerStateView>, KafkaError> {
        let leader = self
            .current_leader(partition)
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::NotLeaderOrFollower))?;
        let replica = self
            .brokers
            .get(&leader)
            .and_then(|broker| broker.replicas.get(partition))
            .ok_or_else(|| KafkaError::with_default_message(ErrorCode::NotLeaderOrFollower))?;
        Ok(replica
            .log
            .producer_states()
            .values()
            .map(|entry| ProducerStateView {
                producer_id: entry.producer_id.0,
                producer_epoch: entry.producer_epoch,
                coordinator_epoch: entry.coordinator_epoch,
                last_sequence: entry.last_seq(),
                last_timestamp: entry.last_timestamp,
                current_transaction_start_offset: entry.current_txn_first_offset,
            })
            .collect())
    }

    /// The last stable offset of `partition` at its leader (read_committed consumers read
    /// below it).
    pub fn last_stable_offset(&self, partition: &TopicPartition) -> Option<Offset> {
        let leader = self.current_leader(partition)?;
        let replica = self.brokers.get(&leader)?.replicas.get(partition)?;
        Some(replica.last_stable_offset())
    }

    /// Every transactional producer.
    pub fn transactional_producer_views(&self) -> Vec<TransactionalProducerView> {
        self.clients
            .iter()
            .filter_map(|(id, client)| match client {
                Client::Producer(producer) => {
                    let manager = producer.transactions.as_ref()?;
                    Some(TransactionalProducerView {
                        producer: id,
                        name: producer.name.clone(),
                        transactional_id: manager.transactional_id.clone(),
                        state: manager.state.name().to_string(),
                        producer_id: manager
                            .producer_id_and_epoch
                            .map(|(producer_id, epoch)| (producer_id.0, epoch)),
                        coordinator: manager.coordinator,
                        partitions: manager.partitions.iter().cloned().collect(),
                        partitions_pending: manager
                            .new_partitions
                            .iter()
                            .chain(&manager.pending_partitions)
                            .cloned()
                            .collect(),
                        blocked_in: manager
                            .blocked
                            .as_ref()
                            .map(|blocked| format!("{}()", blocked.call.name())),
                        last_error: manager.last_error.as_ref().map(KafkaError::as_exception),
                        transaction_timeout_ms: manager.transaction_timeout_ms,
                    })
                }
                Client::Consumer(_) => None,
            })
            .collect()
    }

    /// `kafka-transactions.sh list`.
    pub fn kafka_transactions_list(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .transactions()
            .into_iter()
            .map(|view| {
                vec![
                    view.transactional_id,
                    view.coordinator.to_string(),
                    view.producer_id.to_string(),
                    view.state,
                ]
            })
            .collect();
        pretty_print_table(
            &[
                "TransactionalId",
                "Coordinator",
                "ProducerId",
                "TransactionState",
            ],
            &rows,
        )
    }

    /// `kafka-transactions.sh describe --transactional-id <id>`.
    pub fn kafka_transactions_describe(
        &self,
        transactional_id: &str,
    ) -> Result<String, KafkaError> {
        let view = self.describe_transaction(transactional_id)?;
        let (start, duration) = match view.start_time_ms {
            Some(start) => (start.to_string(), (self.clock_ms() - start).to_string()),
            None => ("None".to_string(), "None".to_string()),
        };
        let partitions: Vec<String> = view.partitions.iter().map(ToString::to_string).collect();
        let row = vec![
            view.coordinator.to_string(),
            view.transactional_id,
            view.producer_id.to_string(),
            view.producer_epoch.to_string(),
            view.state,
            view.timeout_ms.to_string(),
            start,
            duration,
            partitions.join(","),
        ];
        Ok(pretty_print_table(
            &[
                "CoordinatorId",
                "TransactionalId",
                "ProducerId",
                "ProducerEpoch",
                "TransactionState",
                "TransactionTimeoutMs",
                "CurrentTransactionStartTimeMs",
                "TransactionDurationMs",
                "TopicPartitions",
            ],
            &[row],
        ))
    }
}

/// `ToolsUtils.prettyPrintTable`: every column padded to its widest value, then a tab.
pub fn pretty_print_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|header| header.len()).collect();
    for row in rows {
        for (width, value) in widths.iter_mut().zip(row) {
            *width = (*width).max(value.len());
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = headers.iter().map(ToString::to_string).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        for (value, width) in row.iter().zip(&widths) {
            out.push_str(&format!("{value:<width$}\t"));
        }
        out.push('\n');
    }
    out
}
