//! The transactional commands, carried out by the cluster: `initTransactions`,
//! `beginTransaction`, `commitTransaction`, `abortTransaction` and `sendOffsetsToTransaction`
//! with a consumer's positions and group metadata (`KafkaConsumer.groupMetadata()`).
//!
//! A call the Java producer would refuse at once (wrong state, no `transactional.id`, fenced)
//! is refused with Kafka's exception and message; a blocking call's outcome arrives later as a
//! [`TransactionEvent`](crate::transaction::TransactionEvent).

use crate::cluster::command::Command;
use crate::cluster::context::Outbox;
use crate::cluster::Cluster;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, TopicPartition};

use super::producer::transactions::GroupMetadata;
use super::Client;

impl Cluster {
    /// Carries out a transactional command.
    pub(crate) fn execute_transaction_command(
        &mut self,
        command: Command,
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        match command {
            Command::InitTransactions { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| p.init_transactions(ctx))
            }
            Command::BeginTransaction { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| p.begin_transaction(ctx))
            }
            Command::CommitTransaction { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| p.commit_transaction(ctx))
            }
            Command::AbortTransaction { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| p.abort_transaction(ctx))
            }
            Command::SendOffsetsToTransaction { producer, consumer } => {
                let id = self.producer_id(&producer)?;
                let (offsets, group) = self.consumer_group_offsets(&consumer)?;
                self.with_producer(id, outbox, |p, ctx| {
                    p.send_offsets_to_transaction(offsets, group, ctx)
                })
            }
            _ => Ok(()),
        }
    }

    /// The consumer's positions and `groupMetadata()`; without a `group.id` Kafka throws
    /// `InvalidGroupIdException`.
    fn consumer_group_offsets(
        &self,
        consumer: &str,
    ) -> Result<(Vec<(TopicPartition, Offset)>, GroupMetadata), KafkaError> {
        let id = self.consumer_id(consumer)?;
        let Some(Client::Consumer(consumer)) = self.clients.get(id) else {
            return Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!("There is no consumer with client.id '{consumer}'."),
            ));
        };
        let Some(membership) = consumer.membership.as_ref() else {
            return Err(KafkaError::new(
                ErrorCode::InvalidGroupId,
                "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.",
            ));
        };
        let group = GroupMetadata {
            group_id: membership.group_id.clone(),
            generation_id: membership.generation,
            member_id: membership.member_id.clone(),
        };
        let offsets = consumer
            .commits
            .consumed
            .iter()
            .map(|(partition, offset)| (partition.clone(), *offset))
            .collect();
        Ok((offsets, group))
    }
}
