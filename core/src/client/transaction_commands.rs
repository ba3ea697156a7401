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
        let offsets = consumer.all_consumed().into_iter().collect();
        Ok((offsets, group))
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::command::{Command, NewRecord};
    use crate::cluster::event::EventKind;
    use crate::cluster::Cluster;
    use crate::config::value::java_string_hash;
    use crate::ids::{Offset, TopicPartition};
    use crate::transaction::TransactionEvent;
    use crate::ClusterConfig;
    use crate::{CommitPolicy, Subscription};

    fn run(cluster: &mut Cluster, command: Command) {
        if let Err(error) = cluster.apply(command) {
            panic!("refused: {error}");
        }
    }

    /// `KafkaApis.handleAddOffsetsToTxnRequest`: `sendOffsetsToTransaction` adds the group's
    /// `__consumer_offsets` partition (`abs(groupId.hashCode) % offsets.topic.num.partitions`)
    /// to the transaction, then sends TxnOffsetCommit to the group coordinator.
    #[test]
    fn send_offsets_to_transaction_adds_the_groups_offsets_partition() {
        let mut cluster = Cluster::new(ClusterConfig::default(), 3).expect("cluster");
        run(
            &mut cluster,
            Command::CreateTopic {
                topic: "in".into(),
                partitions: 1,
                replication_factor: 3,
                configs: Vec::new(),
            },
        );
        run(
            &mut cluster,
            Command::CreateProducer {
                name: "p".into(),
                configs: vec![("transactional.id".into(), "copier".into())],
            },
        );
        run(
            &mut cluster,
            Command::CreateConsumer {
                name: "c".into(),
                configs: vec![("group.id".into(), "copiers".into())],
                subscription: Subscription::Partitions(vec![TopicPartition::new("in", 0)]),
                policy: CommitPolicy::default(),
            },
        );
        run(
            &mut cluster,
            Command::InitTransactions {
                producer: "p".into(),
            },
        );
        cluster.run_for(3_000);
        // The consumer's position, which `SendOffsetsToTransaction` sends (`allConsumed()`).
        run(
            &mut cluster,
            Command::Seek {
                consumer: "c".into(),
                partition: TopicPartition::new("in", 0),
                offset: Offset(0),
            },
        );
        run(
            &mut cluster,
            Command::BeginTransaction {
                producer: "p".into(),
            },
        );
        run(
            &mut cluster,
            Command::Produce {
                producer: "p".into(),
                record: NewRecord::new("in", None, Some("x")),
            },
        );
        cluster.run_for(100);
        let mut events = cluster
            .apply(Command::SendOffsetsToTransaction {
                producer: "p".into(),
                consumer: "c".into(),
            })
            .expect("accepted");
        events.extend(cluster.run_for(2_000));
        let offsets_partition = java_string_hash("copiers").abs() % 50;
        let described = cluster.describe_transaction("copier").expect("described");
        assert!(
            described.partitions.contains(&TopicPartition::new(
                "__consumer_offsets",
                offsets_partition
            )),
            "{:?}\n{}",
            described,
            Cluster::trace(&events)
        );
        let added = events.iter().any(|event| {
            matches!(&event.kind, EventKind::Transaction(TransactionEvent::StateChanged { partitions, .. })
                if partitions.iter().any(|p| p.topic == "__consumer_offsets"))
        });
        assert!(added);
    }
}
