//! Transactions: InitProducerId (API key 22), AddPartitionsToTxn (24), AddOffsetsToTxn (25),
//! EndTxn (26) and WriteTxnMarkers (27).
//!
//! A transactional producer registers its `transactional.id` with its transaction coordinator
//! (the leader of the id's `__transaction_state` partition), which fences older instances by
//! bumping the producer epoch. Partitions are added to the transaction before the first write
//! to them; EndTxn makes the coordinator write COMMIT or ABORT markers into every partition.

use crate::error::KafkaError;
use crate::ids::{ProducerId, TopicPartition};

/// One transaction's markers for the partitions one leader holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnMarker {
    /// The producer.
    pub producer_id: ProducerId,
    /// Its epoch.
    pub producer_epoch: i16,
    /// COMMIT (true) or ABORT (false).
    pub commit: bool,
    /// The coordinator's epoch (fences markers of an older coordinator).
    pub coordinator_epoch: i32,
    /// The partitions to write the marker to.
    pub partitions: Vec<TopicPartition>,
}

/// Per producer, per partition: whether a marker was written (`None`) or why not.
pub type MarkerResults = Vec<(ProducerId, Vec<(TopicPartition, Option<KafkaError>)>)>;

/// Transaction messages.
#[derive(Debug, Clone)]
pub enum TxnBody {
    /// InitProducerId: get a producer id and epoch (idempotent or transactional producer).
    InitProducerId {
        /// Unique per sender.
        request_id: u64,
        /// The transactional id, or `None` for an idempotent producer.
        transactional_id: Option<String>,
        /// `transaction.timeout.ms`.
        transaction_timeout_ms: i64,
        /// The producer's current id when it asks to bump its own epoch (KIP-360), else
        /// [`ProducerId::NONE`].
        producer_id: ProducerId,
        /// Its current epoch then, else -1.
        producer_epoch: i16,
    },
    /// The producer id and epoch, or an error.
    InitProducerIdResponse {
        /// The request answered.
        request_id: u64,
        /// `(producer id, epoch)` or the error.
        result: Result<(ProducerId, i16), KafkaError>,
    },
    /// AddPartitionsToTxn.
    AddPartitionsToTxn {
        /// Unique per sender.
        request_id: u64,
        /// The transactional id.
        transactional_id: String,
        /// The producer id.
        producer_id: ProducerId,
        /// The producer epoch.
        producer_epoch: i16,
        /// The partitions.
        partitions: Vec<TopicPartition>,
    },
    /// The answer, per partition.
    AddPartitionsToTxnResponse {
        /// The request answered.
        request_id: u64,
        /// Per partition.
        results: Vec<(TopicPartition, Result<(), KafkaError>)>,
    },
    /// AddOffsetsToTxn: the group's offsets partition joins the transaction.
    AddOffsetsToTxn {
        /// Unique per sender.
        request_id: u64,
        /// The transactional id.
        transactional_id: String,
        /// The producer id.
        producer_id: ProducerId,
        /// The producer epoch.
        producer_epoch: i16,
        /// The consumer group whose offsets will be committed.
        group_id: String,
    },
    /// The answer.
    AddOffsetsToTxnResponse {
        /// The request answered.
        request_id: u64,
        /// `None` on success.
        error: Option<KafkaError>,
    },
    /// EndTxn: commit or abort.
    EndTxn {
        /// Unique per sender.
        request_id: u64,
        /// The transactional id.
        transactional_id: String,
        /// The producer id.
        producer_id: ProducerId,
        /// The producer epoch.
        producer_epoch: i16,
        /// Commit (true) or abort (false).
        commit: bool,
    },
    /// The answer (sent once the outcome is written to `__transaction_state`).
    EndTxnResponse {
        /// The request answered.
        request_id: u64,
        /// `None` on success.
        error: Option<KafkaError>,
    },
    /// WriteTxnMarkers: the coordinator tells partition leaders to append markers.
    WriteTxnMarkers {
        /// Unique per sender.
        request_id: u64,
        /// The markers.
        markers: Vec<TxnMarker>,
    },
    /// The answer, per producer and partition.
    WriteTxnMarkersResponse {
        /// The request answered.
        request_id: u64,
        /// Per producer, per partition: `None` when the marker was written.
        results: MarkerResults,
    },
}

impl TxnBody {
    /// A short name for diagrams and the trace.
    pub fn api_name(&self) -> &'static str {
        match self {
            TxnBody::InitProducerId { .. } => "InitProducerId",
            TxnBody::InitProducerIdResponse { .. } => "InitProducerId response",
            TxnBody::AddPartitionsToTxn { .. } => "AddPartitionsToTxn",
            TxnBody::AddPartitionsToTxnResponse { .. } => "AddPartitionsToTxn response",
            TxnBody::AddOffsetsToTxn { .. } => "AddOffsetsToTxn",
            TxnBody::AddOffsetsToTxnResponse { .. } => "AddOffsetsToTxn response",
            TxnBody::EndTxn { .. } => "EndTxn",
            TxnBody::EndTxnResponse { .. } => "EndTxn response",
            TxnBody::WriteTxnMarkers { .. } => "WriteTxnMarkers",
            TxnBody::WriteTxnMarkersResponse { .. } => "WriteTxnMarkers response",
        }
    }

    /// Whether this is a request.
    pub fn is_request(&self) -> bool {
        matches!(
            self,
            TxnBody::InitProducerId { .. }
                | TxnBody::AddPartitionsToTxn { .. }
                | TxnBody::AddOffsetsToTxn { .. }
                | TxnBody::EndTxn { .. }
                | TxnBody::WriteTxnMarkers { .. }
        )
    }
}
