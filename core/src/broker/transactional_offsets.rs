//! Where transaction markers meet the group coordinator (Kafka's
//! `GroupCoordinator.onTransactionCompleted`, called from `KafkaApis.handleWriteTxnMarkersRequest`).
//!
//! A transactional producer commits consumer offsets with TxnOffsetCommit; the group
//! coordinator keeps them pending, invisible to OffsetFetch, until the transaction ends. When
//! a COMMIT or ABORT marker is replicated into a `__consumer_offsets` partition, the broker
//! calls [`Broker::complete_transactional_offsets`] so the group coordinator makes the pending
//! offsets of that producer committed (COMMIT) or drops them (ABORT).

use crate::cluster::context::Ctx;
use crate::ids::{ProducerId, TopicPartition};

use super::Broker;

impl Broker {
    /// A transaction marker of `producer_id` is replicated in `partition` of
    /// `__consumer_offsets`: commit (`commit`) or drop that producer's pending transactional
    /// offsets of the groups stored there.
    ///
    /// An empty placeholder: the group coordinator fills it in.
    pub(crate) fn complete_transactional_offsets(
        &mut self,
        _partition: &TopicPartition,
        _producer_id: ProducerId,
        _commit: bool,
        _ctx: &mut Ctx,
    ) {
    }
}
