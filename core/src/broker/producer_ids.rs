//! Producer ids for idempotent producers (InitProducerId without a `transactional.id`).
//!
//! Any broker answers. Kafka brokers hand out ids from blocks of 1000 the controller allocates
//! them (`ProducerIdManager`); the simulation gives each broker its own blocks up front, which
//! keeps ids unique without a round trip to the controller (a stated simplification).

use crate::cluster::context::Ctx;
use crate::ids::ProducerId;
use crate::network::NodeId;
use crate::protocol::{Body, TxnBody};

use super::Broker;

/// Ids per block (`ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE`).
const BLOCK_SIZE: i64 = 1_000;
/// Blocks are interleaved between up to this many brokers.
const MAX_BROKERS: i64 = 16;

impl Broker {
    /// The next producer id of this broker's blocks.
    pub(crate) fn take_producer_id(&mut self) -> ProducerId {
        let counter = self.next_producer_id;
        self.next_producer_id += 1;
        let block = counter / BLOCK_SIZE;
        let broker_slot = i64::from(self.id.0.max(1) - 1) % MAX_BROKERS;
        ProducerId((block * MAX_BROKERS + broker_slot) * BLOCK_SIZE + counter % BLOCK_SIZE)
    }

    /// InitProducerId of an idempotent producer. With an authorizer it needs
    /// `IDEMPOTENT_WRITE` on the cluster, or (since Kafka 3.0, KIP-679) `WRITE` on some topic.
    pub(super) fn assign_producer_id(&mut self, from: NodeId, request_id: u64, ctx: &mut Ctx) {
        use crate::acl::{AclOperation, ResourceType, CLUSTER_NAME};
        let allowed = !self.has_authorizer()
            || self.may(
                from,
                AclOperation::IdempotentWrite,
                ResourceType::Cluster,
                CLUSTER_NAME,
                ctx,
            )
            || self.authorized_on_some(from, AclOperation::Write, ResourceType::Topic, ctx);
        let result = if allowed {
            Ok((self.take_producer_id(), 0))
        } else {
            // Logged here as the cluster check, which is what the learner can grant.
            let (op, cluster) = (AclOperation::IdempotentWrite, ResourceType::Cluster);
            self.authorized(from, "InitProducerId", op, cluster, CLUSTER_NAME, ctx);
            Err(crate::error::KafkaError::with_default_message(
                crate::error::ErrorCode::ClusterAuthorizationFailed,
            ))
        };
        let response = TxnBody::InitProducerIdResponse { request_id, result };
        ctx.send(from, Body::Txn(response));
    }
}
