//! The commands that create and drive clients, carried out by the cluster.
//!
//! Clients are named by their `client.id`, unique in a simulation. Everything a Java client
//! would refuse in its constructor (bad configs, `subscribe` without a `group.id`) is refused
//! here with the same exception and message, and nothing is created.

use crate::cluster::command::Command;
use crate::cluster::context::Outbox;
use crate::cluster::event::EventKind;
use crate::cluster::settings::{consumer_rules, producer_rules};
use crate::cluster::Cluster;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::TopicPartition;
use crate::network::ClientId;

use super::consumer::{Consumer, Subscription};
use super::producer::Producer;
use super::Client;

/// The longest `client.id` the playground accepts.
const MAX_NAME_LENGTH: usize = 100;

impl Cluster {
    /// Carries out a client command.
    pub(crate) fn execute_client_command(
        &mut self,
        command: Command,
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        match command {
            Command::CreateProducer { name, configs } => {
                let login = crate::acl::client_login(&configs)?;
                self.create_producer(name.clone(), &configs, outbox)?;
                self.note_login(&name, login);
                Ok(())
            }
            Command::Produce { producer, record } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| {
                    let accumulated = p.send(&record, true, ctx)?;
                    if let Some(accumulated) = accumulated {
                        ctx.emit(EventKind::RecordAccumulated {
                            producer: p.id,
                            partition: TopicPartition::new(
                                record.topic.clone(),
                                accumulated.partition.0,
                            ),
                            routing: accumulated.routing,
                            batch: accumulated.batch_id,
                            index: accumulated.index,
                        });
                    }
                    Ok(())
                })
            }
            Command::Flush { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| {
                    p.flush(ctx);
                    Ok(())
                })
            }
            Command::CloseProducer { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, ctx| {
                    p.close(ctx);
                    Ok(())
                })
            }
            Command::StartWorkload { producer, workload } => {
                let id = self.producer_id(&producer)?;
                if workload.records_per_second <= 0 || workload.records_per_second > 10_000_000 {
                    return Err(KafkaError::new(
                        ErrorCode::InvalidRequest,
                        "A workload sends between 1 and 10000000 records per second.",
                    ));
                }
                self.with_producer(id, outbox, |p, ctx| {
                    p.start_workload(workload, ctx);
                    Ok(())
                })
            }
            Command::StopWorkload { producer } => {
                let id = self.producer_id(&producer)?;
                self.with_producer(id, outbox, |p, _| {
                    p.stop_workload();
                    Ok(())
                })
            }
            Command::InitTransactions { .. }
            | Command::BeginTransaction { .. }
            | Command::CommitTransaction { .. }
            | Command::AbortTransaction { .. }
            | Command::SendOffsetsToTransaction { .. } => {
                self.execute_transaction_command(command, outbox)
            }
            Command::CreateConsumer {
                name,
                configs,
                subscription,
                policy,
            } => {
                let rules = consumer_rules(&configs)?;
                let login = crate::acl::client_login(&configs)?;
                self.create_consumer(name.clone(), rules, subscription, policy, outbox)?;
                self.note_login(&name, login);
                Ok(())
            }
            Command::Poll { consumer } => {
                let id = self.consumer_id(&consumer)?;
                self.with_consumer(id, outbox, |c, ctx| {
                    c.poll(ctx);
                    Ok(())
                })
            }
            Command::Commit { consumer, sync } => {
                let id = self.consumer_id(&consumer)?;
                self.with_consumer(id, outbox, |c, ctx| {
                    c.commit(c.all_consumed(), sync, ctx);
                    Ok(())
                })
            }
            Command::Seek {
                consumer,
                partition,
                offset,
            } => {
                let id = self.consumer_id(&consumer)?;
                if offset.0 < 0 {
                    // `KafkaConsumer.seek` refuses it before it looks at the assignment.
                    return Err(KafkaError::new(
                        ErrorCode::IllegalArgument,
                        "seek offset must not be a negative number",
                    ));
                }
                self.with_consumer(id, outbox, |c, ctx| {
                    let leader = c.leader_and_epoch(&partition);
                    let Some(assigned) = c.assigned.get_mut(&partition) else {
                        return Err(KafkaError::new(
                            ErrorCode::IllegalState,
                            format!("No current assignment for partition {partition}"),
                        ));
                    };
                    assigned.seek_unvalidated(offset, None, leader, ctx.now_ms);
                    ctx.emit(EventKind::Client {
                        client: Some(c.id),
                        trace: format!("seek client-{} {partition} offset={offset}", c.id.0),
                        description: format!(
                            "{}: seek({partition}, {offset}): the next fetch reads from offset {offset}, and a commit before then commits {offset}. Kafka checks neither against the log; past its end, the fetch is out of range and auto.offset.reset decides.",
                            c.name
                        ),
                    });
                    c.send_fetches(ctx);
                    Ok(())
                })?;
                self.detectors.application_sought(&partition, offset);
                Ok(())
            }
            Command::CloseConsumer { consumer } => {
                let id = self.consumer_id(&consumer)?;
                self.with_consumer(id, outbox, |c, ctx| {
                    c.close(ctx);
                    Ok(())
                })
            }
            Command::CrashConsumer { consumer } => {
                let id = self.consumer_id(&consumer)?;
                self.with_consumer(id, outbox, |c, ctx| {
                    c.crash();
                    ctx.emit(EventKind::Client {
                        client: Some(c.id),
                        trace: format!("consumer-crashed client-{}", c.id.0),
                        description: format!(
                            "{} crashed: it sends no LeaveGroup and commits nothing; the coordinator notices when session.timeout.ms={} passes without a heartbeat.",
                            c.name, c.rules.session_timeout_ms
                        ),
                    });
                    Ok(())
                })
            }
            Command::ResetOffsets { .. } | Command::DeleteGroup { .. } => {
                self.execute_group_admin(command, outbox)
            }
            _ => Ok(()),
        }
    }

    fn check_new_name(&self, name: &str) -> Result<(), KafkaError> {
        if name.trim().is_empty() || name.len() > MAX_NAME_LENGTH {
            return Err(KafkaError::new(
                ErrorCode::ConfigException,
                format!("A client.id must have 1 to {MAX_NAME_LENGTH} characters."),
            ));
        }
        if self.clients.id_of(name).is_some() {
            return Err(KafkaError::new(
                ErrorCode::ConfigException,
                format!("There is already a client with client.id '{name}'; the playground names clients by client.id, so each must be unique."),
            ));
        }
        Ok(())
    }

    /// Remembers how a new client logs in, for the brokers' SASL listeners and authorizers
    /// (its requests are in the outbox, delivered after this).
    fn note_login(&mut self, name: &str, login: crate::acl::Login) {
        if let Some(id) = self.clients.id_of(name) {
            if login.principal != crate::acl::ANONYMOUS {
                self.principals.insert(id, login);
            }
        }
    }

    fn create_producer(
        &mut self,
        name: String,
        configs: &[(String, String)],
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        self.check_new_name(&name)?;
        let rules = producer_rules(configs)?;
        let brokers = self.config.broker_ids();
        let first = self.rng.below(brokers.len().max(1) as u32) as usize;
        let id = self.clients.next_id();
        let producer = Producer::new(id, name.clone(), rules, brokers, first);
        self.clients
            .insert(name, Client::Producer(Box::new(producer)));
        self.with_producer(id, outbox, |p, ctx| {
            p.start(ctx);
            Ok(())
        })
    }

    fn create_consumer(
        &mut self,
        name: String,
        rules: super::consumer::ConsumerRules,
        subscription: Subscription,
        policy: super::consumer::CommitPolicy,
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        self.check_new_name(&name)?;
        // The application compiles its pattern before it calls `subscribe`.
        if let Subscription::Pattern(pattern) = &subscription {
            super::consumer::pattern::TopicPattern::compile(pattern)?;
        }
        let subscribes = !matches!(subscription, Subscription::Partitions(_));
        if subscribes && rules.group_id.is_none() {
            return Err(KafkaError::new(
                ErrorCode::InvalidGroupId,
                "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.",
            ));
        }
        match &subscription {
            Subscription::Pattern(_) => {}
            Subscription::Topics(topics) => {
                if topics.is_empty() || topics.iter().any(|topic| topic.trim().is_empty()) {
                    return Err(KafkaError::new(
                        ErrorCode::IllegalState,
                        "Topic collection to subscribe to cannot contain null or empty topic",
                    ));
                }
            }
            Subscription::Partitions(partitions) => {
                if partitions
                    .iter()
                    .any(|p| p.topic.trim().is_empty() || p.partition < 0)
                {
                    return Err(KafkaError::new(
                        ErrorCode::IllegalState,
                        "Topic partitions to assign to cannot have null or empty topic",
                    ));
                }
            }
        }
        if policy.processing_ms_per_record < 0 {
            return Err(KafkaError::new(
                ErrorCode::ConfigException,
                "Processing time cannot be negative.",
            ));
        }
        // A loop polling with no pause would never let simulated time move on.
        if policy.poll_interval_ms.is_some_and(|ms| ms < 1) {
            return Err(KafkaError::new(
                ErrorCode::ConfigException,
                "The poll interval must be at least 1 ms: even a loop that polls without pause \
                 takes time between two polls.",
            ));
        }
        let brokers = self.config.broker_ids();
        let first = self.rng.below(brokers.len().max(1) as u32) as usize;
        let id = self.clients.next_id();
        let consumer = Consumer::new(
            id,
            name.clone(),
            rules,
            policy,
            subscription,
            brokers,
            first,
        );
        self.clients
            .insert(name, Client::Consumer(Box::new(consumer)));
        self.with_consumer(id, outbox, |c, ctx| {
            c.start(ctx);
            Ok(())
        })
    }

    pub(super) fn producer_id(&self, name: &str) -> Result<ClientId, KafkaError> {
        match self
            .clients
            .id_of(name)
            .and_then(|id| self.clients.get(id).map(|c| (id, c)))
        {
            Some((id, Client::Producer(_))) => Ok(id),
            _ => Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!("There is no producer with client.id '{name}'."),
            )),
        }
    }

    pub(super) fn consumer_id(&self, name: &str) -> Result<ClientId, KafkaError> {
        match self
            .clients
            .id_of(name)
            .and_then(|id| self.clients.get(id).map(|c| (id, c)))
        {
            Some((id, Client::Consumer(consumer))) if consumer.is_up() => Ok(id),
            Some((_, Client::Consumer(_))) => Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!("The consumer '{name}' has been closed or has crashed."),
            )),
            _ => Err(KafkaError::new(
                ErrorCode::IllegalState,
                format!("There is no consumer with client.id '{name}'."),
            )),
        }
    }

    pub(super) fn with_producer(
        &mut self,
        id: ClientId,
        outbox: &mut Outbox,
        f: impl FnOnce(&mut Producer, &mut crate::cluster::context::Ctx) -> Result<(), KafkaError>,
    ) -> Result<(), KafkaError> {
        self.with_client(id, outbox, |client, ctx| match client {
            Client::Producer(producer) => f(producer, ctx),
            Client::Consumer(_) => Ok(()),
        })
        .unwrap_or(Ok(()))
    }

    fn with_consumer(
        &mut self,
        id: ClientId,
        outbox: &mut Outbox,
        f: impl FnOnce(&mut Consumer, &mut crate::cluster::context::Ctx) -> Result<(), KafkaError>,
    ) -> Result<(), KafkaError> {
        self.with_client(id, outbox, |client, ctx| match client {
            Client::Consumer(consumer) => f(consumer, ctx),
            Client::Producer(_) => Ok(()),
        })
        .unwrap_or(Ok(()))
    }
}
