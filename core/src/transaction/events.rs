//! What happened to transactions, for the learner: the producer's calls (Kafka's
//! `KafkaProducer` transactional API) and the coordinator's steps (`TransactionCoordinator`,
//! `TransactionMarkerChannelManager`). Rendered through
//! [`EventKind::Transaction`](crate::cluster::event::EventKind::Transaction).

use serde::{Deserialize, Serialize};

use super::state::TransactionState;
use crate::error::KafkaError;
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};
use crate::network::ClientId;

/// One transaction event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TransactionEvent {
    /// `initTransactions()` returned: the producer has its producer id and epoch.
    Initialized {
        /// The producer.
        producer: ClientId,
        /// Its `transactional.id`.
        transactional_id: String,
        /// The producer id.
        producer_id: ProducerId,
        /// The epoch; older instances with this transactional id are fenced.
        producer_epoch: i16,
    },
    /// `beginTransaction()`: a local state change, nothing is sent yet.
    Began {
        /// The producer.
        producer: ClientId,
        /// Its `transactional.id`.
        transactional_id: String,
    },
    /// The coordinator added partitions to the transaction (AddPartitionsToTxn or
    /// AddOffsetsToTxn answered).
    PartitionsAdded {
        /// The producer.
        producer: ClientId,
        /// The partitions.
        partitions: Vec<TopicPartition>,
    },
    /// `sendOffsetsToTransaction()` returned: the group coordinator holds the offsets until the
    /// transaction ends.
    OffsetsSent {
        /// The producer.
        producer: ClientId,
        /// The consumer group.
        group: String,
    },
    /// `commitTransaction()` returned.
    Committed {
        /// The producer.
        producer: ClientId,
        /// Its `transactional.id`.
        transactional_id: String,
    },
    /// `abortTransaction()` returned.
    Aborted {
        /// The producer.
        producer: ClientId,
        /// Its `transactional.id`.
        transactional_id: String,
    },
    /// A blocking transactional call threw.
    CallFailed {
        /// The producer.
        producer: ClientId,
        /// `initTransactions`, `commitTransaction`, ...
        operation: String,
        /// What it threw.
        error: KafkaError,
    },
    /// The producer was fenced by a newer instance with its transactional id (fatal).
    Fenced {
        /// The producer.
        producer: ClientId,
        /// Its `transactional.id`.
        transactional_id: String,
    },
    /// The producer hit an error that only aborting the transaction clears.
    AbortableError {
        /// The producer.
        producer: ClientId,
        /// The error.
        error: KafkaError,
    },
    /// The coordinator wrote a new state of a transactional id to `__transaction_state`.
    StateChanged {
        /// The coordinator.
        broker: BrokerId,
        /// The transactional id.
        transactional_id: String,
        /// The producer id.
        producer_id: ProducerId,
        /// The producer epoch.
        producer_epoch: i16,
        /// The state before.
        from: TransactionState,
        /// The state after.
        to: TransactionState,
        /// The partitions in the transaction after the change.
        partitions: Vec<TopicPartition>,
    },
    /// The coordinator aborts a transaction open longer than its `transaction.timeout.ms`,
    /// bumping the epoch to fence the producer.
    TimedOut {
        /// The coordinator.
        broker: BrokerId,
        /// The transactional id.
        transactional_id: String,
        /// `transaction.timeout.ms`.
        timeout_ms: i64,
    },
    /// A partition leader wrote a COMMIT or ABORT marker.
    MarkerWritten {
        /// The leader.
        broker: BrokerId,
        /// The partition.
        partition: TopicPartition,
        /// The producer.
        producer_id: ProducerId,
        /// COMMIT (true) or ABORT.
        commit: bool,
        /// The marker's offset.
        offset: Offset,
    },
    /// A broker became the coordinator of a `__transaction_state` partition and loaded it.
    CoordinatorLoaded {
        /// The broker.
        broker: BrokerId,
        /// The partition of `__transaction_state`.
        partition: i32,
        /// Its coordinator epoch.
        coordinator_epoch: i32,
        /// How many transactional ids it found.
        transactional_ids: i32,
    },
    /// A transactional id expired after `transactional.id.expiration.ms` without use.
    TransactionalIdExpired {
        /// The coordinator.
        broker: BrokerId,
        /// The transactional id.
        transactional_id: String,
    },
}

fn outcome(commit: bool) -> &'static str {
    if commit {
        "COMMIT"
    } else {
        "ABORT"
    }
}

fn list(partitions: &[TopicPartition]) -> String {
    crate::cluster::event::partitions(partitions)
}

impl TransactionEvent {
    /// The trace's short form.
    pub fn trace(&self) -> String {
        match self {
            TransactionEvent::Initialized { producer, producer_id, producer_epoch, .. } => {
                format!("txn-initialized client-{} pid={producer_id} epoch={producer_epoch}", producer.0)
            }
            TransactionEvent::Began { producer, .. } => format!("txn-began client-{}", producer.0),
            TransactionEvent::PartitionsAdded { producer, partitions } => {
                format!("txn-partitions-added client-{} {}", producer.0, list(partitions))
            }
            TransactionEvent::OffsetsSent { producer, group } => {
                format!("txn-offsets-sent client-{} group={group}", producer.0)
            }
            TransactionEvent::Committed { producer, .. } => format!("txn-committed client-{}", producer.0),
            TransactionEvent::Aborted { producer, .. } => format!("txn-aborted client-{}", producer.0),
            TransactionEvent::CallFailed { producer, operation, error } => {
                format!("txn-call-failed client-{} {operation} {}", producer.0, error.code)
            }
            TransactionEvent::Fenced { producer, .. } => format!("txn-fenced client-{}", producer.0),
            TransactionEvent::AbortableError { producer, error } => {
                format!("txn-abortable-error client-{} {}", producer.0, error.code)
            }
            TransactionEvent::StateChanged { broker, transactional_id, from, to, producer_epoch, .. } => {
                format!("txn-state {transactional_id} coordinator={broker} {from}->{to} epoch={producer_epoch}")
            }
            TransactionEvent::TimedOut { broker, transactional_id, .. } => {
                format!("txn-timed-out {transactional_id} coordinator={broker}")
            }
            TransactionEvent::MarkerWritten { broker, partition, producer_id, commit, offset } => format!(
                "txn-marker {partition} leader={broker} pid={producer_id} {} offset={offset}",
                outcome(*commit)
            ),
            TransactionEvent::CoordinatorLoaded { broker, partition, coordinator_epoch, transactional_ids } => format!(
                "txn-coordinator-loaded __transaction_state-{partition} broker={broker} epoch={coordinator_epoch} ids={transactional_ids}"
            ),
            TransactionEvent::TransactionalIdExpired { broker, transactional_id } => {
                format!("txn-id-expired {transactional_id} coordinator={broker}")
            }
        }
    }

    /// A sentence naming the Kafka mechanism.
    pub fn describe(&self) -> String {
        match self {
            TransactionEvent::Initialized { transactional_id, producer_id, producer_epoch, .. } => format!(
                "initTransactions() returned: transactional.id {transactional_id} has producer id {producer_id}, epoch {producer_epoch}. Any older producer with this transactional.id is now fenced (a transaction it left open was aborted first)."
            ),
            TransactionEvent::Began { transactional_id, .. } => format!(
                "beginTransaction(): the producer of {transactional_id} is in a transaction (a local state change; the coordinator hears of it with the first AddPartitionsToTxn)."
            ),
            TransactionEvent::PartitionsAdded { partitions, .. } => format!(
                "The transaction coordinator added {} to the transaction (AddPartitionsToTxn, written to __transaction_state); batches for them may now be sent.",
                list(partitions)
            ),
            TransactionEvent::OffsetsSent { group, .. } => format!(
                "sendOffsetsToTransaction() returned: group {group}'s offsets are pending in its coordinator and become committed only if the transaction commits."
            ),
            TransactionEvent::Committed { transactional_id, .. } => format!(
                "commitTransaction() returned for {transactional_id}: the coordinator wrote PrepareCommit and writes COMMIT markers; read_committed consumers see the records once the markers are in."
            ),
            TransactionEvent::Aborted { transactional_id, .. } => format!(
                "abortTransaction() returned for {transactional_id}: ABORT markers make read_committed consumers skip the transaction's records."
            ),
            TransactionEvent::CallFailed { operation, error, .. } => {
                format!("{operation}() threw {}", error.as_exception())
            }
            TransactionEvent::Fenced { transactional_id, .. } => format!(
                "The producer of {transactional_id} is fenced (ProducerFencedException): a newer producer with the same transactional.id bumped the epoch. The only way on is to close it."
            ),
            TransactionEvent::AbortableError { error, .. } => format!(
                "The transaction hit an abortable error ({}); the application must call abortTransaction() before going on.",
                error.as_exception()
            ),
            TransactionEvent::StateChanged { broker, transactional_id, from, to, producer_id, producer_epoch, partitions } => {
                if *to == TransactionState::Empty {
                    return format!(
                        "Transaction coordinator {broker} gave {transactional_id} producer id {producer_id}, epoch {producer_epoch} (InitProducerId), written to __transaction_state before answering."
                    );
                }
                let mut text = format!(
                    "Transaction coordinator {broker} moved {transactional_id} (producer id {producer_id}, epoch {producer_epoch}) from {from} to {to}, written to __transaction_state before going on"
                );
                if !partitions.is_empty() {
                    text.push_str(&format!("; partitions {}", list(partitions)));
                }
                text.push('.');
                text
            }
            TransactionEvent::TimedOut { broker, transactional_id, timeout_ms } => format!(
                "Transaction coordinator {broker} aborts {transactional_id}'s transaction: it has been open longer than transaction.timeout.ms={timeout_ms}. The epoch is bumped, so the producer is fenced."
            ),
            TransactionEvent::MarkerWritten { broker, partition, producer_id, commit, offset } => format!(
                "Leader {broker} wrote {} marker for producer {producer_id} at offset {offset} of {partition} (WriteTxnMarkers): the transaction is decided there, and the last stable offset can move past it once the marker is replicated.",
                if *commit { "a COMMIT" } else { "an ABORT" }
            ),
            TransactionEvent::CoordinatorLoaded { broker, partition, coordinator_epoch, transactional_ids } => format!(
                "Broker {broker} leads __transaction_state-{partition} and loaded {transactional_ids} transactional id(s) from it: it is their transaction coordinator now (coordinator epoch {coordinator_epoch})."
            ),
            TransactionEvent::TransactionalIdExpired { broker, transactional_id } => format!(
                "Transaction coordinator {broker} expired transactional.id {transactional_id}: unused for transactional.id.expiration.ms."
            ),
        }
    }
}
