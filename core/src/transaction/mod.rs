//! Transactions on the broker side: the transaction coordinator's state machine and the
//! `__transaction_state` log (Kafka's `org.apache.kafka.coordinator.transaction` and
//! `kafka.coordinator.transaction`).
//!
//! A transactional producer's `transactional.id` maps to one partition of `__transaction_state`
//! ([`partition_for`]); the leader of that partition is its transaction coordinator. The
//! coordinator records every step of the transaction in that partition before answering, so
//! the next leader can take over. Ending a transaction writes PrepareCommit/PrepareAbort, then
//! COMMIT/ABORT markers into every partition of the transaction (WriteTxnMarkers), then
//! CompleteCommit/CompleteAbort.
//!
//! - [`state`]: [`TransactionState`] and its legal transitions;
//! - [`metadata`]: one transactional id's state and its `prepare`/`complete` steps;
//! - [`log_codec`]: the records of `__transaction_state`;
//! - [`coordinator`]: what a broker's coordinator remembers;
//! - [`events`]: what the learner is told.
//!
//! The requests themselves are handled by the broker (`crate::broker::txn`).
//!
//! Simplifications, each stated where it lives: transaction version 1 (no epoch bump per
//! transaction, no KIP-890 partition verification); a partition loads in a fixed
//! [`LOAD_DELAY_MS`]; markers are sent one request per transaction and leader, retried after
//! [`MARKER_RETRY_BACKOFF_MS`].

pub mod coordinator;
pub mod events;
pub mod log_codec;
pub mod metadata;
pub mod state;

pub use coordinator::TransactionCoordinator;
pub use events::TransactionEvent;
pub use metadata::{TransactionMetadata, TxnTransitMetadata};
pub use state::TransactionState;

use crate::config::value::java_string_hash;

/// `Topic.TRANSACTION_STATE_TOPIC_NAME`.
pub const TRANSACTION_STATE_TOPIC: &str = "__transaction_state";

/// `transaction.state.log.segment.bytes` default (100 MiB).
pub const TRANSACTION_STATE_LOG_SEGMENT_BYTES: i32 = 104_857_600;

/// The broker's `request.timeout.ms` default: how long the coordinator's writes and the
/// markers' appends may wait for the ISR.
pub const BROKER_REQUEST_TIMEOUT_MS: i64 = 30_000;

/// Simplification: loading a `__transaction_state` partition takes this long, whatever its
/// size (Kafka reads the log on a background thread; `COORDINATOR_LOAD_IN_PROGRESS` meanwhile).
pub const LOAD_DELAY_MS: i64 = 10;

/// Simplification: markers whose leader is unknown or did not answer are sent again after
/// this pause (Kafka's marker sender thread retries on its next poll).
pub const MARKER_RETRY_BACKOFF_MS: i64 = 100;

/// `transaction.remove.expired.transaction.cleanup.interval.ms` default (1 hour).
pub const REMOVE_EXPIRED_TRANSACTIONAL_ID_INTERVAL_MS: i64 = 3_600_000;

/// Write ids of the transaction coordinator and of marker appends carry this bit, so they do
/// not collide with the group coordinator's writes through the same
/// [`ProduceOrigin::Coordinator`](crate::broker::purgatory::ProduceOrigin::Coordinator).
pub const TRANSACTION_WRITE_FLAG: u64 = 1 << 62;

/// Whether a coordinator write id belongs to transactions.
pub fn is_transaction_write(write_id: u64) -> bool {
    write_id & TRANSACTION_WRITE_FLAG != 0
}

/// `TransactionStateManager.partitionFor`: `Utils.abs(transactionalId.hashCode) % partitions`.
pub fn partition_for(transactional_id: &str, partition_count: i32) -> i32 {
    let hash = java_string_hash(transactional_id);
    // Kafka's `Utils.abs` maps Integer.MIN_VALUE to 0.
    let positive = if hash == i32::MIN { 0 } else { hash.abs() };
    positive % partition_count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transactional_ids_map_to_partitions_as_java_hash_codes_do() {
        // "txn".hashCode() = 116 * 31^2 + 120 * 31 + 110.
        assert_eq!(java_string_hash("txn"), 115_306);
        assert_eq!(partition_for("txn", 50), 115_306 % 50);
        let hash = java_string_hash("my-transactional-id");
        assert_eq!(partition_for("my-transactional-id", 50), hash.abs() % 50);
        assert!((0..50).contains(&partition_for("anything", 50)));
    }

    #[test]
    fn transaction_write_ids_have_their_own_namespace() {
        assert!(is_transaction_write(TRANSACTION_WRITE_FLAG | 5));
        assert!(!is_transaction_write(5));
    }
}
