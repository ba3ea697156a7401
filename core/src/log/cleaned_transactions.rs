//! Transaction state while the cleaner walks the log: Kafka's `CleanedTransactionMetadata`.
//!
//! It decides which batches belong to aborted transactions (the cleaner drops them) and when a
//! transaction marker may go: an ABORT marker once no batch of its transaction is left, a COMMIT
//! marker once the cleaner saw none of its transaction's batches in this pass. Such a marker
//! first gets a delete horizon and only goes after `delete.retention.ms`, like a tombstone.

use crate::vec_map::{VecMap, VecSet};

use super::batch::{ControlType, RecordBatch};
use super::producer_state::AbortedTxn;
use crate::ids::{Offset, ProducerId};

/// An aborted transaction the cleaner is inside of, and the last of its batches it saw.
#[derive(Debug, Clone, Copy)]
struct AbortedTransactionMetadata {
    aborted_txn: AbortedTxn,
    last_observed_batch_offset: Option<Offset>,
}

/// `CleanedTransactionMetadata`.
#[derive(Debug, Default)]
pub(crate) struct CleanedTransactionMetadata {
    ongoing_committed_txns: VecSet<ProducerId>,
    ongoing_aborted_txns: VecMap<ProducerId, AbortedTransactionMetadata>,
    /// Aborted transactions not reached yet, by first offset (Kafka's min-heap).
    aborted_transactions: VecSet<(Offset, AbortedTxn)>,
    /// Aborted transactions whose marker stays, so their transaction index entry stays too.
    pub(crate) retained_aborted: VecSet<AbortedTxn>,
}

impl CleanedTransactionMetadata {
    /// `addAbortedTransactions`.
    pub(crate) fn add_aborted_transactions(
        &mut self,
        aborted: impl IntoIterator<Item = AbortedTxn>,
    ) {
        for txn in aborted {
            self.aborted_transactions.insert((txn.first_offset, txn));
        }
    }

    /// `onControlBatchRead`: whether the marker may be discarded.
    pub(crate) fn on_control_batch_read(&mut self, batch: &RecordBatch) -> bool {
        self.consume_aborted_txns_up_to(batch.last_offset());
        if batch.records.is_empty() {
            // An empty control batch was already cleaned, so it is safe to discard.
            return true;
        }
        match batch.control {
            Some(ControlType::Abort) => {
                let metadata = self.ongoing_aborted_txns.remove(&batch.producer_id);
                match metadata {
                    Some(metadata) if metadata.last_observed_batch_offset.is_some() => {
                        self.retained_aborted.insert(metadata.aborted_txn);
                        false
                    }
                    _ => true,
                }
            }
            Some(ControlType::Commit) => !self.ongoing_committed_txns.remove(&batch.producer_id),
            None => false,
        }
    }

    /// `onBatchRead`: whether a data batch belongs to an aborted transaction.
    pub(crate) fn on_batch_read(&mut self, batch: &RecordBatch) -> bool {
        self.consume_aborted_txns_up_to(batch.last_offset());
        if !batch.is_transactional {
            return false;
        }
        match self.ongoing_aborted_txns.get_mut(&batch.producer_id) {
            Some(metadata) => {
                metadata.last_observed_batch_offset = Some(batch.last_offset());
                true
            }
            None => {
                self.ongoing_committed_txns.insert(batch.producer_id);
                false
            }
        }
    }

    fn consume_aborted_txns_up_to(&mut self, offset: Offset) {
        while let Some(first) = self.aborted_transactions.first().copied() {
            if first.0 > offset {
                break;
            }
            self.aborted_transactions.remove(&first);
            let txn = first.1;
            self.ongoing_aborted_txns.entry(txn.producer_id).or_insert(
                AbortedTransactionMetadata {
                    aborted_txn: txn,
                    last_observed_batch_offset: None,
                },
            );
        }
    }
}
