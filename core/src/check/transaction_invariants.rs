//! Invariants of transactions, registered in [`super::invariants::INVARIANTS`]:
//!
//! - the last stable offset of a leader lies between its log start offset and its high
//!   watermark (`UnifiedLog.lastStableOffset` is `min(first unstable offset, high watermark)`);
//! - a coordinator's transaction holds partitions exactly when it should: none when Empty or
//!   complete, at least one while Ongoing (`TransactionMetadata` transitions).

use crate::cluster::Cluster;
use crate::transaction::TransactionState;

/// `last_stable_offset_within_high_watermark`.
pub fn last_stable_offset_within_high_watermark(cluster: &Cluster) -> Vec<String> {
    let mut violations = Vec::new();
    for broker in cluster.brokers.values().filter(|broker| broker.is_up()) {
        for (partition, replica) in &broker.replicas {
            if !replica.is_leader() {
                continue;
            }
            let last_stable_offset = replica.last_stable_offset();
            if last_stable_offset > replica.high_watermark {
                violations.push(format!(
                    "broker {} {partition}: last stable offset {last_stable_offset} above the high watermark {}",
                    broker.id, replica.high_watermark
                ));
            }
            if last_stable_offset < replica.log.log_start_offset() {
                violations.push(format!(
                    "broker {} {partition}: last stable offset {last_stable_offset} below the log start offset {}",
                    broker.id,
                    replica.log.log_start_offset()
                ));
            }
        }
    }
    violations
}

/// `transaction_partitions_match_state`.
pub fn transaction_partitions_match_state(cluster: &Cluster) -> Vec<String> {
    let mut violations = Vec::new();
    for broker in cluster.brokers.values().filter(|broker| broker.is_up()) {
        let caches = broker.transactions.coordinator.partitions.values();
        for metadata in caches.flat_map(|cache| cache.transactions.values()) {
            let empty = metadata.partitions.is_empty();
            let wrong = match metadata.state {
                TransactionState::Empty
                | TransactionState::CompleteCommit
                | TransactionState::CompleteAbort => !empty,
                TransactionState::Ongoing => empty,
                _ => false,
            };
            if wrong {
                violations.push(format!(
                    "coordinator {}: {} is {} with partitions {:?}",
                    broker.id, metadata.transactional_id, metadata.state, metadata.partitions
                ));
            }
        }
    }
    violations
}
