//! FindCoordinator for a transactional id (`KafkaApis.getCoordinator` with
//! `CoordinatorType.TRANSACTION`): any broker answers with the leader of the id's
//! `__transaction_state` partition. The first lookup creates the topic (an internal topic with
//! the `transaction.state.log.*` settings); until it has a leader the answer is
//! `COORDINATOR_NOT_AVAILABLE` and the producer asks again.

use crate::cluster::context::Ctx;
use crate::error::ErrorCode;
use crate::ids::TopicPartition;
use crate::network::NodeId;
use crate::protocol::{Body, GroupBody};
use crate::transaction::TRANSACTION_STATE_TOPIC;

use super::super::Broker;
use super::error_of;

impl Broker {
    /// Answers FindCoordinator(TRANSACTION, `transactional_id`).
    pub(in crate::broker) fn find_transaction_coordinator(
        &mut self,
        from: NodeId,
        request_id: u64,
        transactional_id: &str,
        ctx: &mut Ctx,
    ) {
        let result = if transactional_id.is_empty() {
            Err(error_of(ErrorCode::InvalidRequest))
        } else if !self.authorized(
            from,
            "FindCoordinator",
            crate::acl::AclOperation::Describe,
            crate::acl::ResourceType::TransactionalId,
            transactional_id,
            ctx,
        ) {
            Err(error_of(ErrorCode::TransactionalIdAuthorizationFailed))
        } else if self.metadata.topics.contains_key(TRANSACTION_STATE_TOPIC) {
            let partition = TopicPartition::new(
                TRANSACTION_STATE_TOPIC,
                self.transaction_partition_for(transactional_id),
            );
            self.metadata
                .partition(&partition)
                .and_then(|state| state.leader)
                .ok_or_else(|| error_of(ErrorCode::CoordinatorNotAvailable))
        } else {
            self.request_auto_creation(vec![TRANSACTION_STATE_TOPIC.to_string()], ctx);
            Err(error_of(ErrorCode::CoordinatorNotAvailable))
        };
        let response = GroupBody::FindCoordinatorResponse { request_id, result };
        ctx.send(from, Body::Group(response));
    }
}
