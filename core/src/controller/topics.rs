//! Admin operations the controller carries out: CreateTopics, DeleteTopics, CreatePartitions,
//! IncrementalAlterConfigs and ElectLeaders (`ReplicationControlManager`,
//! `ConfigurationControlManager`).
//!
//! Each is checked completely before anything is written, in the order Kafka checks, and
//! refused with Kafka's error and message; a refused operation writes nothing.
//!
//! Simplification, stated in the lessons: an admin request's round trip from the client to the
//! controller is not simulated; the operation is decided at once by the active controller, and
//! brokers learn of it through the metadata log as usual. With no active controller the
//! command line waits for one (`Shell::await_controller` in the `cli` crate).

use crate::cluster::context::Ctx;
use crate::cluster::event::{ElectionReason, EventKind};
use crate::cluster::settings::{alter_broker_config, altered_topic_overrides, new_topic_overrides};
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, TopicPartition};
use crate::protocol::controller::{ConfigResource, MetadataRecord, PartitionState};
use crate::topic::{colliding_topic, validate_topic_name};

use super::election::elect_preferred_leader;
use super::MIN_INSYNC_REPLICAS;
use super::{placement, Controller};

/// The playground's limit on partitions per topic (Kafka has none this small): topics must
/// stay small enough to draw.
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 64;

/// A topic to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTopic {
    /// The name.
    pub name: String,
    /// The partition count; -1 for `num.partitions`.
    pub partitions: i32,
    /// The replication factor; -1 for `default.replication.factor`.
    pub replication_factor: i32,
    /// Config overrides (`--config k=v`).
    pub configs: Vec<(String, String)>,
    /// A manual assignment (`--replica-assignment`): each partition's replicas, the first the
    /// preferred leader. Empty: the controller places the replicas. With one, `partitions` and
    /// `replication_factor` must be -1.
    pub assignment: Vec<Vec<BrokerId>>,
}

/// Which leader election to run (`kafka-leader-election --election-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ElectionType {
    /// Move leadership to the preferred replica.
    Preferred,
    /// Elect an out-of-sync replica for partitions with no leader.
    Unclean,
}

impl Controller {
    /// CreateTopics for one topic. Returns (partitions, replication factor).
    pub fn create_topic(
        &mut self,
        topic: &NewTopic,
        auto_created: bool,
        ctx: &mut Ctx,
    ) -> Result<(i32, i32), KafkaError> {
        validate_topic_name(&topic.name)?;
        if self.image.topics.contains_key(&topic.name) {
            return Err(KafkaError::new(
                ErrorCode::TopicAlreadyExists,
                format!("Topic '{}' already exists.", topic.name),
            ));
        }
        if let Some(existing) =
            colliding_topic(&topic.name, self.image.topics.keys().map(String::as_str))
        {
            return Err(KafkaError::new(
                ErrorCode::InvalidTopicException,
                format!(
                    "Topic '{}' collides with existing topic: {existing}",
                    topic.name
                ),
            ));
        }
        let overrides = new_topic_overrides(&topic.configs, &self.config)?;
        let states = if topic.assignment.is_empty() {
            let partitions = self.resolve_partition_count(topic.partitions)?;
            let replication_factor = self.resolve_replication_factor(topic.replication_factor)?;
            let placeable = self.placeable_brokers(replication_factor)?;
            self.place(&placeable, partitions, replication_factor, 0, ctx)
        } else {
            self.manual_assignment(topic)?
        };
        let partitions = states.len() as i32;
        let replication_factor = states
            .first()
            .map_or(0, |state| state.replicas.len() as i32);
        let topic_id = self.take_topic_id();
        let mut records = vec![MetadataRecord::Topic {
            name: topic.name.clone(),
            topic_id,
        }];
        for (name, value) in overrides {
            records.push(MetadataRecord::Config {
                resource: ConfigResource::Topic(topic.name.clone()),
                name,
                value: Some(value),
            });
        }
        for (state, partition) in states.iter().zip(0..) {
            records.push(MetadataRecord::Partition {
                partition: TopicPartition::new(topic.name.clone(), partition),
                state: state.clone(),
            });
        }
        self.commit(records, ctx);
        ctx.emit(EventKind::TopicCreated {
            topic: topic.name.clone(),
            partitions,
            replication_factor,
            auto_created,
        });
        for (state, partition) in states.iter().zip(0..) {
            ctx.emit(EventKind::LeaderElected {
                partition: TopicPartition::new(topic.name.clone(), partition),
                leader: state.leader,
                leader_epoch: state.leader_epoch,
                isr: state.isr.clone(),
                elr: Vec::new(),
                reason: ElectionReason::Created,
            });
        }
        Ok((partitions, replication_factor))
    }

    /// A topic a client asked for (`auto.create.topics.enable`), with the broker defaults.
    pub fn auto_create_topic(
        &mut self,
        name: &str,
        ctx: &mut Ctx,
    ) -> Result<(i32, i32), KafkaError> {
        let topic = NewTopic {
            name: name.to_string(),
            partitions: -1,
            replication_factor: -1,
            configs: Vec::new(),
            assignment: Vec::new(),
        };
        self.create_topic(&topic, true, ctx)
    }

    /// An internal topic (`__consumer_offsets`, `__transaction_state`), created on first use
    /// with its replication factor capped by the live brokers (the playground caps it; Kafka
    /// refuses to create it until enough brokers are up).
    pub fn create_internal_topic(
        &mut self,
        name: &str,
        partitions: i32,
        replication_factor: i32,
        configs: Vec<(String, String)>,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        if self.image.topics.contains_key(name) {
            return Ok(());
        }
        let live = self.image.live_brokers().len() as i32;
        let topic = NewTopic {
            name: name.to_string(),
            partitions,
            replication_factor: replication_factor.min(live).max(1),
            configs,
            assignment: Vec::new(),
        };
        self.create_topic(&topic, true, ctx).map(|_| ())
    }

    fn resolve_partition_count(&self, requested: i32) -> Result<i32, KafkaError> {
        let count = match requested {
            -1 => self.settings.num_partitions,
            count if count <= 0 => {
                return Err(KafkaError::new(
                    ErrorCode::InvalidPartitions,
                    "Number of partitions was set to an invalid non-positive value.",
                ))
            }
            count => count,
        };
        check_partition_limit(count)?;
        Ok(count)
    }

    fn resolve_replication_factor(&self, requested: i32) -> Result<i32, KafkaError> {
        match requested {
            -1 => Ok(self.settings.default_replication_factor),
            factor if factor <= 0 || factor > i32::from(i16::MAX) => Err(KafkaError::new(
                ErrorCode::InvalidReplicationFactor,
                "Replication factor must be larger than 0, or -1 to use the default value.",
            )),
            factor => Ok(factor),
        }
    }

    /// The brokers replicas can go to, or Kafka's refusal when there are too few.
    ///
    /// A ZooKeeper-mode controller counts the live brokers (`AdminZkClient`). KRaft's
    /// `StripedReplicaPlacer` counts every registered broker that is not in a controlled
    /// shutdown, fenced ones too: it uses them once the unfenced ones are used, never as the
    /// leader, and the partition starts without them in its ISR. It needs one unfenced broker.
    fn placeable_brokers(&self, replication_factor: i32) -> Result<Placeable, KafkaError> {
        if self.zookeeper_mode {
            let live = self.image.live_brokers();
            if replication_factor > live.len() as i32 {
                return Err(KafkaError::new(
                    ErrorCode::InvalidReplicationFactor,
                    format!(
                        "Replication factor: {replication_factor} larger than available brokers: {}.",
                        live.len()
                    ),
                ));
            }
            return Ok(Placeable {
                unfenced: live,
                fenced: Vec::new(),
            });
        }
        let (fenced, unfenced): (Vec<BrokerId>, Vec<BrokerId>) = self
            .image
            .brokers
            .keys()
            .copied()
            .filter(|broker| !self.image.is_unfenced(*broker) || self.is_eligible(*broker))
            .partition(|broker| !self.image.is_unfenced(*broker));
        // `ReplicationControlManager.createTopic` puts the placer's words after this.
        let refused = |reason: String| {
            KafkaError::new(
                ErrorCode::InvalidReplicationFactor,
                format!("Unable to replicate the partition {replication_factor} time(s): {reason}"),
            )
        };
        let registered = unfenced.len() + fenced.len();
        if replication_factor > registered as i32 {
            return Err(refused(format!("The target replication factor of {replication_factor} cannot be reached because only {registered} broker(s) are registered.")));
        }
        if unfenced.is_empty() {
            return Err(refused("All brokers are currently fenced.".to_string()));
        }
        Ok(Placeable { unfenced, fenced })
    }

    /// The states of a manual assignment's partitions, checked as
    /// `ReplicationControlManager.createTopic` and `validateManualPartitionAssignment` check
    /// it: every broker registered and named once, the same number of replicas for every
    /// partition, and one active broker per partition. The ISR is the active replicas (unfenced
    /// and not in a controlled shutdown), the leader the first of them.
    ///
    /// A ZooKeeper-mode cluster counts a live broker as registered, and answers with KRaft's
    /// messages (ZooKeeper mode's `AdminZkClient` words them differently).
    fn manual_assignment(&self, topic: &NewTopic) -> Result<Vec<PartitionState>, KafkaError> {
        let invalid = |message: String| KafkaError::new(ErrorCode::InvalidRequest, message);
        if topic.replication_factor != -1 {
            return Err(invalid("A manual partition assignment was specified, but replication factor was not set to -1.".to_string()));
        }
        if topic.partitions != -1 {
            return Err(invalid(
                "A manual partition assignment was specified, but numPartitions was not set to -1."
                    .to_string(),
            ));
        }
        check_partition_limit(topic.assignment.len() as i32)?;
        let refused =
            |message: String| KafkaError::new(ErrorCode::InvalidReplicaAssignment, message);
        let mut states = Vec::new();
        for (replicas, partition) in topic.assignment.iter().zip(0..) {
            self.check_replica_list(replicas)?;
            if let Some(first) = topic.assignment.first().filter(|_| partition > 0) {
                if first.len() != replicas.len() {
                    return Err(refused(format!("The manual partition assignment includes a partition with {} replica(s), but this is not consistent with previous partitions, which have {} replica(s).", replicas.len(), first.len())));
                }
            }
            let isr: Vec<BrokerId> = replicas
                .iter()
                .copied()
                .filter(|broker| self.is_eligible(*broker))
                .collect();
            if isr.is_empty() {
                return Err(refused(format!("All brokers specified in the manual partition assignment for partition {partition} are fenced or in controlled shutdown.")));
            }
            states.push(PartitionState {
                leader: isr.first().copied(),
                isr,
                replicas: replicas.clone(),
                leader_epoch: 0,
                partition_epoch: 0,
                elr: Vec::new(),
                last_known_elr: Vec::new(),
                adding: Vec::new(),
                removing: Vec::new(),
            });
        }
        Ok(states)
    }

    /// `validateManualPartitionAssignment` for one replica list, of a new partition or a
    /// reassignment's target: not empty, every broker registered, none twice.
    pub(crate) fn check_replica_list(&self, replicas: &[BrokerId]) -> Result<(), KafkaError> {
        let refused =
            |message: String| KafkaError::new(ErrorCode::InvalidReplicaAssignment, message);
        if replicas.is_empty() {
            return Err(refused(
                "The manual partition assignment includes an empty replica list.".to_string(),
            ));
        }
        let registered = |broker: BrokerId| {
            if self.zookeeper_mode {
                self.image.live_brokers().contains(&broker)
            } else {
                self.image.brokers.contains_key(&broker)
            }
        };
        // Kafka checks the brokers in ascending order, each for its registration and then
        // for being the one before it again: the lowest offender is named.
        let unregistered = replicas.iter().copied().filter(|b| !registered(*b)).min();
        let repeated = replicas
            .iter()
            .copied()
            .filter(|b| replicas.iter().filter(|other| *other == b).count() > 1)
            .min();
        match (unregistered, repeated) {
            (Some(broker), repeated) if repeated.is_none_or(|repeated| broker <= repeated) => {
                Err(refused(format!("The manual partition assignment includes broker {broker}, but no such broker is registered.")))
            }
            (_, Some(broker)) => Err(refused(format!(
                "The manual partition assignment includes the broker {broker} more than once."
            ))),
            _ => Ok(()),
        }
    }

    /// Replica lists for new partitions, and their states: the leader is the first replica,
    /// the ISR the unfenced ones.
    fn place(
        &self,
        placeable: &Placeable,
        partitions: i32,
        replication_factor: i32,
        first_partition: i32,
        ctx: &mut Ctx,
    ) -> Vec<PartitionState> {
        placement::assign_replicas_fenced_last(
            &placeable.unfenced,
            &placeable.fenced,
            partitions,
            replication_factor,
            first_partition,
            ctx.rng,
        )
        .into_iter()
        .map(|replicas| {
            let isr: Vec<BrokerId> = replicas
                .iter()
                .copied()
                .filter(|replica| placeable.unfenced.contains(replica))
                .collect();
            PartitionState {
                leader: isr.first().copied(),
                isr,
                replicas,
                leader_epoch: 0,
                partition_epoch: 0,
                elr: Vec::new(),
                last_known_elr: Vec::new(),
                adding: Vec::new(),
                removing: Vec::new(),
            }
        })
        .collect()
    }

    /// DeleteTopics.
    pub fn delete_topic(&mut self, name: &str, ctx: &mut Ctx) -> Result<(), KafkaError> {
        if !self.settings.delete_topic_enable {
            return Err(KafkaError::new(
                ErrorCode::InvalidRequest,
                "Topic deletion is disabled (delete.topic.enable=false).",
            ));
        }
        if !self.image.topics.contains_key(name) {
            return Err(KafkaError::with_default_message(
                ErrorCode::UnknownTopicOrPartition,
            ));
        }
        self.commit(
            vec![MetadataRecord::RemoveTopic {
                name: name.to_string(),
            }],
            ctx,
        );
        ctx.emit(EventKind::TopicDeleted {
            topic: name.to_string(),
        });
        Ok(())
    }

    /// CreatePartitions: raise a topic's partition count (never lower), with the topic's
    /// replication factor.
    pub fn create_partitions(
        &mut self,
        name: &str,
        total_count: i32,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let info =
            self.image.topics.get(name).ok_or_else(|| {
                KafkaError::with_default_message(ErrorCode::UnknownTopicOrPartition)
            })?;
        let old_count = info.partitions.len() as i32;
        if total_count == old_count {
            return Err(KafkaError::new(
                ErrorCode::InvalidPartitions,
                format!("Topic already has {old_count} partition(s)."),
            ));
        }
        if total_count < old_count {
            return Err(KafkaError::new(
                ErrorCode::InvalidPartitions,
                format!("The topic {name} currently has {old_count} partition(s); {total_count} would not be an increase."),
            ));
        }
        check_partition_limit(total_count)?;
        let replication_factor = info
            .partitions
            .first()
            .map_or(1, |state| state.replicas.len() as i32);
        let placeable = self.placeable_brokers(replication_factor)?;
        let states = self.place(
            &placeable,
            total_count - old_count,
            replication_factor,
            old_count,
            ctx,
        );
        let records = states
            .iter()
            .zip(old_count..)
            .map(|(state, partition)| MetadataRecord::Partition {
                partition: TopicPartition::new(name, partition),
                state: state.clone(),
            })
            .collect();
        self.commit(records, ctx);
        ctx.emit(EventKind::PartitionsCreated {
            topic: name.to_string(),
            old_count,
            new_count: total_count,
        });
        for (state, partition) in states.iter().zip(old_count..) {
            ctx.emit(EventKind::LeaderElected {
                partition: TopicPartition::new(name, partition),
                leader: state.leader,
                leader_epoch: state.leader_epoch,
                isr: state.isr.clone(),
                elr: Vec::new(),
                reason: ElectionReason::Created,
            });
        }
        Ok(())
    }

    /// IncrementalAlterConfigs on a topic or the brokers: every change is validated first.
    pub fn alter_configs(
        &mut self,
        resource: &ConfigResource,
        set: &[(String, String)],
        delete: &[String],
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let min_isr_changed = set.iter().any(|(name, _)| name == MIN_INSYNC_REPLICAS)
            || delete.iter().any(|name| name == MIN_INSYNC_REPLICAS);
        match resource {
            ConfigResource::Topic(topic) => {
                if !self.image.topics.contains_key(topic) {
                    return Err(KafkaError::with_default_message(
                        ErrorCode::UnknownTopicOrPartition,
                    ));
                }
                let current = self.image.topic_configs(topic).cloned().unwrap_or_default();
                altered_topic_overrides(&current, set, delete, &self.config)?;
            }
            ConfigResource::Broker(id) => {
                if min_isr_changed && self.elr_enabled() {
                    return Err(KafkaError::new(
                        ErrorCode::InvalidConfig,
                        "Broker-level min.insync.replicas cannot be altered while ELR is enabled.",
                    ));
                }
                let mut config = self.broker_config(*id).ok_or_else(|| {
                    KafkaError::new(
                        ErrorCode::InvalidRequest,
                        format!("Broker {id} does not exist."),
                    )
                })?;
                alter_broker_config(&mut config, resource, set, delete)?;
            }
            ConfigResource::BrokerDefault => {
                if self.elr_enabled() && delete.iter().any(|name| name == MIN_INSYNC_REPLICAS) {
                    return Err(KafkaError::new(
                        ErrorCode::InvalidConfig,
                        "Cluster-level min.insync.replicas cannot be removed while ELR is enabled.",
                    ));
                }
                let ids: Vec<BrokerId> = self.static_configs.keys().copied().collect();
                for id in ids {
                    if let Some(mut config) = self.broker_config(id) {
                        alter_broker_config(&mut config, resource, set, delete)?;
                    }
                }
            }
            ConfigResource::ClientId(_)
            | ConfigResource::User(_)
            | ConfigResource::UserClientId(..) => {
                crate::quota::validate_client_quotas(resource, set, delete)?;
            }
        }
        let mut records: Vec<MetadataRecord> = set
            .iter()
            .map(|(name, value)| MetadataRecord::Config {
                resource: resource.clone(),
                name: name.clone(),
                value: Some(value.clone()),
            })
            .collect();
        records.extend(delete.iter().map(|name| MetadataRecord::Config {
            resource: resource.clone(),
            name: name.clone(),
            value: None,
        }));
        self.commit(records, ctx);
        for (name, value) in set {
            ctx.emit(EventKind::ConfigChanged {
                resource: resource.clone(),
                name: name.clone(),
                value: Some(value.clone()),
            });
        }
        for name in delete {
            ctx.emit(EventKind::ConfigChanged {
                resource: resource.clone(),
                name: name.clone(),
                value: None,
            });
        }
        if min_isr_changed {
            self.clear_elrs(resource, ctx);
        }
        // A ZooKeeper-mode controller elects at once when unclean election is switched on
        // (`KafkaController.processTopicUncleanLeaderElectionEnable`); a KRaft controller finds
        // such partitions on its periodic check (`ControllerTimer::UncleanElectionCheck`).
        if self.zookeeper_mode {
            self.elect_offline_partitions(ctx);
        }
        Ok(())
    }

    /// KIP-966: a change of `min.insync.replicas`, for a topic or the whole cluster (even to
    /// the same value), forgets the eligible leader replicas it governs: they were eligible
    /// under the old value.
    fn clear_elrs(&mut self, resource: &ConfigResource, ctx: &mut Ctx) {
        if !self.elr_enabled() {
            return;
        }
        for (partition, state) in self.partitions() {
            let governed = match resource {
                ConfigResource::Topic(topic) => partition.topic == *topic,
                ConfigResource::BrokerDefault => true,
                ConfigResource::Broker(_)
                | ConfigResource::ClientId(_)
                | ConfigResource::User(_)
                | ConfigResource::UserClientId(..) => false,
            };
            if !governed {
                continue;
            }
            let cleared = PartitionState {
                elr: Vec::new(),
                last_known_elr: Vec::new(),
                ..state.clone()
            };
            let Some(next) = super::election::change_to(&state, cleared) else {
                continue;
            };
            self.commit_partition(&partition, next.clone(), ctx);
            let rule = self.elr_rule(&partition.topic, None);
            super::report_elr(&partition, &state, &next, rule, ctx);
        }
    }

    /// ElectLeaders for the given partitions (all, if none given). Per partition: elected, or
    /// `ELECTION_NOT_NEEDED` / `PREFERRED_LEADER_NOT_AVAILABLE` / `ELIGIBLE_LEADERS_NOT_AVAILABLE`.
    pub fn elect_leaders(
        &mut self,
        election: ElectionType,
        partitions: Option<&[TopicPartition]>,
        ctx: &mut Ctx,
    ) -> Vec<(TopicPartition, Result<BrokerId, KafkaError>)> {
        let targets: Vec<(TopicPartition, PartitionState)> = self
            .partitions()
            .into_iter()
            .filter(|(partition, _)| partitions.is_none_or(|wanted| wanted.contains(partition)))
            .collect();
        let mut results: Vec<(TopicPartition, Result<BrokerId, KafkaError>)> = Vec::new();
        if let Some(wanted) = partitions {
            for partition in wanted {
                if !targets.iter().any(|(known, _)| known == partition) {
                    results.push((
                        partition.clone(),
                        Err(KafkaError::with_default_message(
                            ErrorCode::UnknownTopicOrPartition,
                        )),
                    ));
                }
            }
        }
        for (partition, state) in targets {
            let result = self.elect_one(election, &partition, &state, ctx);
            results.push((partition, result));
        }
        results
    }

    /// A requested election that found no leader. KRaft's `ReplicationControlManager.electLeader`
    /// answers with the error's own message; a ZooKeeper-mode controller's
    /// `PartitionStateMachine` names the election strategy it tried.
    fn election_failed(
        &self,
        code: ErrorCode,
        partition: &TopicPartition,
        strategy: &str,
    ) -> KafkaError {
        if self.zookeeper_mode {
            KafkaError::new(
                code,
                format!(
                    "Failed to elect leader for partition {partition} under strategy {strategy}"
                ),
            )
        } else {
            KafkaError::with_default_message(code)
        }
    }

    fn elect_one(
        &mut self,
        election: ElectionType,
        partition: &TopicPartition,
        state: &PartitionState,
        ctx: &mut Ctx,
    ) -> Result<BrokerId, KafkaError> {
        let not_needed = || {
            KafkaError::new(
                ErrorCode::ElectionNotNeeded,
                "Leader election not needed for topic partition.",
            )
        };
        match election {
            ElectionType::Preferred => {
                let preferred = state.replicas.first().copied();
                if state.leader.is_some() && state.leader == preferred {
                    return Err(not_needed());
                }
                let leader =
                    elect_preferred_leader(state, |b| self.is_eligible(b)).ok_or_else(|| {
                        self.election_failed(
                            ErrorCode::PreferredLeaderNotAvailable,
                            partition,
                            "PreferredReplicaPartitionLeaderElectionStrategy",
                        )
                    })?;
                self.change_leader(
                    partition,
                    state,
                    Some(leader),
                    state.isr.clone(),
                    ElectionReason::Preferred,
                    ctx,
                );
                Ok(leader)
            }
            ElectionType::Unclean => {
                if state.leader.is_some() {
                    return Err(not_needed());
                }
                let elected = self
                    .elect_offline(partition, state, true, ctx)
                    .ok_or_else(|| {
                        self.election_failed(
                            ErrorCode::EligibleLeadersNotAvailable,
                            partition,
                            "OfflinePartitionLeaderElectionStrategy(true)",
                        )
                    })?;
                Ok(elected.leader)
            }
        }
    }
}

/// A new partition: every replica in sync, the first one leading, epochs at 0.
/// The brokers new replicas may go to.
struct Placeable {
    /// Unfenced and not shutting down: any replica, the leader first.
    unfenced: Vec<BrokerId>,
    /// Registered but fenced (KRaft only): replicas once the unfenced brokers are used.
    fenced: Vec<BrokerId>,
}

fn check_partition_limit(count: i32) -> Result<(), KafkaError> {
    if count > MAX_PARTITIONS_PER_TOPIC {
        return Err(KafkaError::new(
            ErrorCode::InvalidPartitions,
            format!(
                "The playground allows at most {MAX_PARTITIONS_PER_TOPIC} partitions per topic (requested {count}). This is the playground's limit, not Kafka's: a real cluster accepts far more."
            ),
        ));
    }
    Ok(())
}
