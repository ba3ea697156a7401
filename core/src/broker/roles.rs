//! Becoming leader or follower as the metadata says (Kafka's `ReplicaManager.applyDelta`).
//!
//! When a partition record names this broker as leader in a new leader epoch, the replica
//! becomes leader; when it names another broker, the replica becomes a follower and fetches
//! from it. In the legacy truncation mode (`TruncationMode::HighWatermark`, Kafka before 0.11)
//! a new follower first cuts its log back to its own high watermark, which can throw away
//! records the producer was told were committed; with leader epochs (KIP-101/KIP-279) the
//! follower keeps everything until the leader says where their logs diverge.

use crate::cluster::config::TruncationMode;
use crate::cluster::context::Ctx;
use crate::cluster::event::{EventKind, TruncationReason};
use crate::error::{ErrorCode, KafkaError};
use crate::ids::TopicPartition;
use crate::log::PartitionLog;
use crate::murmur2::murmur2;
use crate::protocol::controller::PartitionState;

use super::replica::{Replica, Role};
use super::Broker;

impl Broker {
    /// Applies the roles of every partition this broker hosts (after catching up on start).
    pub(super) fn apply_all_roles(&mut self, ctx: &mut Ctx) {
        let mut partitions: Vec<TopicPartition> = Vec::new();
        for (topic, info) in &self.metadata.topics {
            for (index, state) in info.partitions.iter().enumerate() {
                if state.replicas.contains(&self.id) {
                    let partition = i32::try_from(index).unwrap_or(i32::MAX);
                    partitions.push(TopicPartition::new(topic.clone(), partition));
                }
            }
        }
        // Replicas of topics deleted while the broker was down.
        let gone: Vec<TopicPartition> = self
            .replicas
            .keys()
            .filter(|partition| !partitions.contains(partition))
            .cloned()
            .collect();
        for partition in gone {
            self.remove_replica(&partition, ctx);
        }
        self.refresh_settings(ctx);
        for partition in partitions {
            self.apply_partition_state(&partition, ctx);
        }
    }

    /// Makes the local replica of `partition` match the metadata.
    pub(super) fn apply_partition_state(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        let Some(state) = self.metadata.partition(partition).cloned() else {
            return;
        };
        if !state.replicas.contains(&self.id) {
            self.remove_replica(partition, ctx);
            return;
        }
        if !self.replicas.contains_key(partition) {
            // Each replica's log draws its own segment jitter, as each Kafka broker does.
            let salt = u64::from(murmur2(partition.to_string().as_bytes()) as u32) << 32
                | u64::from(self.id.0 as u32);
            let log = PartitionLog::new(partition.clone(), ctx.clock_ms)
                .with_jitter_rng(ctx.rng.fork(salt));
            let topic_id = self
                .metadata
                .topics
                .get(&partition.topic)
                .map_or(0, |topic| topic.topic_id);
            let replica = Replica::new(partition.clone(), topic_id, state.clone(), log);
            self.replicas.insert(partition.clone(), replica);
        }
        if state.leader == Some(self.id) {
            self.apply_leader_state(partition, state, ctx);
        } else {
            self.apply_follower_state(partition, state, ctx);
        }
        self.transaction_partition_changed(partition, ctx);
    }

    fn apply_leader_state(
        &mut self,
        partition: &TopicPartition,
        state: PartitionState,
        ctx: &mut Ctx,
    ) {
        let me = self.id;
        let Some(replica) = self.replicas.get_mut(partition) else {
            return;
        };
        let same_epoch = replica.is_leader() && replica.state.leader_epoch == state.leader_epoch;
        if same_epoch {
            // Only the ISR (or partition epoch) changed, e.g. the controller removed a fenced
            // follower: adopt it unless our own newer change is already applied. A newer
            // partition state settles a pending change (`Partition.makeLeader` commits it): the
            // controller either made that change or refuses it, since it was asked at an older
            // partition epoch. At the same epoch this is the state the leader already has.
            if state.partition_epoch >= replica.state.partition_epoch {
                let newer = state.partition_epoch > replica.state.partition_epoch;
                if let Role::Leader(leadership) = &mut replica.role {
                    leadership.isr = state.isr.clone();
                    if newer
                        || leadership
                            .pending
                            .as_ref()
                            .is_some_and(|pending| pending.isr == state.isr)
                    {
                        leadership.pending = None;
                    }
                }
                replica.update_followers(me, &state.replicas);
                replica.state = state;
            }
        } else {
            let leader_epoch = state.leader_epoch;
            replica.become_leader(me, state, ctx.now_ms);
            self.stop_fetching(partition);
            self.maybe_load_groups(partition, leader_epoch, ctx);
        }
        self.after_leader_progress(partition, ctx);
    }

    fn apply_follower_state(
        &mut self,
        partition: &TopicPartition,
        state: PartitionState,
        ctx: &mut Ctx,
    ) {
        let Some(replica) = self.replicas.get_mut(partition) else {
            return;
        };
        let was_leader = replica.is_leader();
        let same = !was_leader
            && replica.state.leader_epoch == state.leader_epoch
            && matches!(replica.role, Role::Follower { leader } if leader == state.leader);
        if same {
            replica.state = state;
            return;
        }
        let leader = state.leader;
        replica.become_follower(state);
        if ctx.config.truncation == TruncationMode::HighWatermark {
            truncate_to_high_watermark(self.id, replica, ctx);
        }
        // The groups go first, so writes failed below find no shard to rebalance.
        self.maybe_unload_groups(partition, ctx);
        if was_leader {
            self.fail_held_requests(partition, ctx);
        }
        self.stop_fetching(partition);
        if let Some(leader) = leader {
            self.start_fetching(partition.clone(), leader, ctx);
        }
    }

    /// Answers every request held for `partition` with `NOT_LEADER_OR_FOLLOWER`: this broker
    /// no longer leads it.
    fn fail_held_requests(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        let not_leader = KafkaError::with_default_message(ErrorCode::NotLeaderOrFollower);
        for id in self.purgatory.produces_watching(partition) {
            if let Some(produce) = self.purgatory.produces.get_mut(&id) {
                for status in &mut produce.partitions {
                    if status.partition == *partition && !status.done {
                        status.result = Err(not_leader.clone());
                        status.done = true;
                    }
                }
            }
            self.try_complete_produce(id, ctx);
        }
        for id in self.purgatory.fetches_watching(partition) {
            self.complete_delayed_fetch(id, ctx);
        }
    }

    pub(super) fn remove_topic(&mut self, topic: &str, ctx: &mut Ctx) {
        let partitions: Vec<TopicPartition> = self
            .replicas
            .keys()
            .filter(|partition| partition.topic == topic)
            .cloned()
            .collect();
        for partition in partitions {
            self.remove_replica(&partition, ctx);
        }
        self.groups_topic_deleted(topic, ctx);
    }

    /// Deletes the local replica (its topic was deleted, or it was moved off this broker).
    fn remove_replica(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        self.maybe_unload_groups(partition, ctx);
        if self.replicas.get(partition).is_some_and(Replica::is_leader) {
            self.fail_held_requests(partition, ctx);
        }
        self.stop_fetching(partition);
        self.replicas.remove(partition);
        self.transaction_partition_changed(partition, ctx);
    }

    /// Recomputes this broker's config and every topic's settings after a config change.
    pub(super) fn refresh_settings(&mut self, _ctx: &mut Ctx) {
        self.config = crate::cluster::settings::effective_broker_config(
            &self.static_config,
            &self.metadata.configs,
            self.id,
        );
        self.settings = crate::cluster::settings::BrokerSettings::from_config(&self.config);
        self.topics
            .refresh_all(&self.metadata.configs, &self.config);
    }

    /// Recomputes one topic's settings after its configs changed.
    pub(super) fn refresh_topic_settings(&mut self, topic: &str) {
        let overrides = self.metadata.topic_configs(topic).cloned();
        self.topics.refresh(topic, overrides.as_ref(), &self.config);
    }
}

/// The pre-0.11 rule: a replica that becomes a follower cuts its log back to its high
/// watermark before fetching.
fn truncate_to_high_watermark(broker: crate::ids::BrokerId, replica: &mut Replica, ctx: &mut Ctx) {
    let log_end_offset = replica.log.log_end_offset();
    let high_watermark = replica.high_watermark;
    if high_watermark >= log_end_offset {
        return;
    }
    replica.log.truncate_to(high_watermark);
    ctx.emit(EventKind::LogTruncated {
        partition: replica.partition.clone(),
        broker,
        log_end_offset: high_watermark,
        removed_records: log_end_offset.0 - high_watermark.0,
        reason: TruncationReason::HighWatermark,
    });
}
