//! The group coordinator (Kafka's `GroupCoordinatorService` and `GroupCoordinatorShard`, with
//! the classic protocol of `GroupMetadataManager` and the offsets of `OffsetMetadataManager`).
//!
//! Every group belongs to one partition of `__consumer_offsets`,
//! `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions` ([`partition_for`]); the
//! broker leading that partition is the group's coordinator. A [`GroupCoordinator`] runs on
//! every broker and holds one [`shard::GroupShard`] per offsets partition the broker leads:
//! the groups' state machines and committed offsets, rebuilt from the partition's log when the
//! broker becomes its leader and dropped when it stops.
//!
//! Where each part lives:
//! - [`state`], [`member`], [`group`]: the group and its members;
//! - [`join`], [`rebalance`], [`sync`], [`heartbeat`], [`leave`]: the classic protocol;
//! - [`offsets`], [`commit`], [`retention`]: committed offsets, OffsetCommit/OffsetFetch,
//!   TxnOffsetCommit, and offsets expiration;
//! - [`records`], [`load`], [`runtime`], [`writes`]: the records in `__consumer_offsets`,
//!   loading them, and writing them through the partition's leader;
//! - [`service`], [`timers`], [`admin`]: requests and timers reaching their shard, and the
//!   admin operations;
//! - [`events`]: what the coordinator reports.
//!
//! Simplifications, each also stated where it lives (and listed for the lessons):
//! - records are readable text ([`records`]) instead of Kafka's binary schemas;
//! - a group's state changes at once while its record is written (Kafka replays records into a
//!   timeline and reverts them if the write fails); committed offsets become visible when their
//!   write is replicated;
//! - loading takes a modeled time (1 ms per 100 records, at least 1 ms);
//! - only the classic protocol (no KIP-848 consumer groups), with protocol type `consumer`;
//! - a member's host is a modeled address (`/10.0.x.y`);
//! - `offset.metadata.max.bytes` and the v2-v4 per-commit retention are not modeled;
//! - an OffsetFetch with `require_stable` reports `UNSTABLE_OFFSET_COMMIT` for the whole request
//!   (Kafka per partition; the consumer retries the whole fetch either way);
//! - admin operations ([`admin`]) are decided at once on the coordinator's state.

pub mod admin;
pub mod commit;
pub mod events;
pub mod group;
pub mod heartbeat;
pub mod join;
pub mod leave;
pub mod load;
pub mod member;
pub mod offsets;
pub mod rebalance;
pub mod records;
pub mod retention;
pub mod runtime;
pub mod service;
pub mod shard;
pub mod state;
pub mod sync;
pub mod timers;
pub mod writes;

#[cfg(test)]
mod state_machine_tests;

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::settings::BrokerSettings;
use crate::config::value::java_string_hash;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::log::PartitionLog;
use crate::protocol::{Body, GroupBody};

use self::events::GroupEvent;
use self::member::PendingResponse;
use self::runtime::{CoordinatorRuntime, ShardCtx};
use self::shard::{GroupShard, ShardStatus};

pub use self::timers::CoordinatorTimer;

/// The internal topic holding committed offsets and group metadata.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// Modeled loading time: 1 ms per this many records read, at least 1 ms (a simplification;
/// Kafka's load time depends on the partition's size on disk).
const LOAD_RECORDS_PER_MS: i64 = 100;

/// `Utils.abs(groupId.hashCode()) % partitionCount`, with Java's `String.hashCode` over UTF-16
/// and Kafka's `abs` (which maps `Integer.MIN_VALUE` to 0).
pub fn partition_for(group_id: &str, partition_count: i32) -> i32 {
    let hash = java_string_hash(group_id);
    let positive = if hash == i32::MIN { 0 } else { hash.abs() };
    positive % partition_count.max(1)
}

/// What the coordinator needs to know about its broker.
#[derive(Debug, Clone, Copy)]
pub struct CoordinatorEnv<'a> {
    /// The broker's settings.
    pub settings: &'a BrokerSettings,
    /// The broker.
    pub broker: BrokerId,
    /// How many partitions `__consumer_offsets` has.
    pub partition_count: i32,
}

/// A broker's group coordinator.
#[derive(Debug, Clone, Default)]
pub struct GroupCoordinator {
    /// One shard per offsets partition this broker leads, by partition index.
    pub shards: VecMap<i32, GroupShard>,
    /// Pending writes, queued appends, timer ids.
    pub runtime: CoordinatorRuntime,
}

/// Runs `f` on shard `index` with a context for it.
pub(crate) fn with_shard<R>(
    coordinator: &mut GroupCoordinator,
    index: i32,
    env: CoordinatorEnv,
    ctx: &mut Ctx,
    f: impl FnOnce(&mut GroupShard, &mut ShardCtx) -> R,
) -> Option<R> {
    let GroupCoordinator { shards, runtime } = coordinator;
    let shard = shards.get_mut(&index)?;
    let mut rt = ShardCtx {
        ctx,
        runtime,
        settings: env.settings,
        broker: env.broker,
        partition: shard.partition.clone(),
        epoch: shard.epoch,
    };
    Some(f(shard, &mut rt))
}

impl GroupCoordinator {
    /// Whether this broker coordinates the groups of offsets partition `index` (loaded or not).
    pub fn owns(&self, index: i32) -> bool {
        self.shards.contains_key(&index)
    }

    /// This broker became leader of offsets partition `partition` in `epoch`: a shard starts
    /// loading (a shard of an older epoch is unloaded first).
    pub fn begin_loading(
        &mut self,
        partition: TopicPartition,
        epoch: i32,
        log_records: i64,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) {
        let index = partition.partition;
        if self
            .shards
            .get(&index)
            .is_some_and(|shard| shard.epoch == epoch)
        {
            return;
        }
        self.unload(index, env, ctx);
        self.shards
            .insert(index, GroupShard::loading(partition, epoch));
        let load_ms = (log_records / LOAD_RECORDS_PER_MS).max(1);
        ctx.after(
            load_ms,
            crate::cluster::timer::Timer::Broker(crate::broker::BrokerTimer::GroupCoordinator(
                CoordinatorTimer::Load {
                    partition: index,
                    epoch,
                },
            )),
        );
    }

    /// Loading of `index` in `epoch` finishes: the shard replays `log` and serves.
    pub fn finish_loading(
        &mut self,
        index: i32,
        epoch: i32,
        log: &PartitionLog,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) {
        let loading = self
            .shards
            .get(&index)
            .is_some_and(|shard| shard.epoch == epoch && !shard.is_active());
        if !loading {
            return;
        }
        let now_ms = ctx.clock_ms;
        with_shard(self, index, env, ctx, |shard, rt| {
            shard.replay_log(log, now_ms);
            shard.status = ShardStatus::Active;
            shard.on_loaded(rt);
            rt.emit(GroupEvent::GroupsLoaded {
                partition: shard.partition.clone(),
                coordinator: rt.broker,
                groups: count(shard.groups.len()),
                offsets: count(shard.offsets.len()),
            });
        });
    }

    /// This broker no longer leads offsets partition `index`: its groups are dropped, and
    /// members waiting in JoinGroup or SyncGroup get `NOT_COORDINATOR`.
    pub fn unload(&mut self, index: i32, env: CoordinatorEnv, ctx: &mut Ctx) {
        let Some(shard) = self.shards.remove(&index) else {
            return;
        };
        for group in shard.groups.values() {
            for member in group.members.values() {
                if let Some(reply) = member.awaiting_join {
                    let result = Err((
                        KafkaError::with_default_message(ErrorCode::NotCoordinator),
                        member.member_id.clone(),
                    ));
                    let body = GroupBody::JoinGroupResponse {
                        request_id: reply.request_id,
                        result,
                    };
                    ctx.send(reply.node, Body::Group(body));
                }
                if let Some(reply) = member.awaiting_sync {
                    let result = Err(KafkaError::with_default_message(ErrorCode::NotCoordinator));
                    let body = GroupBody::SyncGroupResponse {
                        request_id: reply.request_id,
                        result,
                    };
                    ctx.send(reply.node, Body::Group(body));
                }
            }
        }
        if shard.is_active() {
            ctx.emit(crate::cluster::event::EventKind::Group(
                GroupEvent::GroupsUnloaded {
                    partition: shard.partition.clone(),
                    coordinator: env.broker,
                    groups: count(shard.groups.len()),
                },
            ));
        }
    }

    /// A write was replicated (`Ok`) or failed.
    pub fn write_completed(
        &mut self,
        write_id: u64,
        result: Result<(), KafkaError>,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) {
        let Some(write) = self.runtime.pending.remove(&write_id) else {
            return;
        };
        let result = writes::response_error(result);
        let GroupCoordinator { shards, runtime } = self;
        let shard = shards
            .get_mut(&write.shard)
            .filter(|shard| shard.epoch == write.epoch && shard.is_active());
        let mut rt = ShardCtx {
            ctx,
            runtime,
            settings: env.settings,
            broker: env.broker,
            partition: TopicPartition::new(OFFSETS_TOPIC, write.shard),
            epoch: write.epoch,
        };
        writes::complete(&mut rt, shard, write, result);
    }

    /// Whether `write_id` is one of this coordinator's writes.
    pub fn owns_write(&self, write_id: u64) -> bool {
        self.runtime.pending.contains_key(&write_id)
    }

    /// A transaction marker was written to offsets partition `index`: `producer_id`'s pending
    /// offsets become committed (COMMIT) or are dropped (ABORT).
    pub fn complete_transaction(
        &mut self,
        index: i32,
        producer_id: ProducerId,
        commit: bool,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) {
        with_shard(self, index, env, ctx, |shard, rt| {
            let offsets = shard.offsets.complete_transaction(producer_id, commit);
            rt.emit(GroupEvent::TransactionalOffsetsCompleted {
                partition: shard.partition.clone(),
                coordinator: rt.broker,
                producer_id,
                commit,
                offsets,
            });
        });
    }

    /// A topic was deleted: every group's offsets for it are deleted (Kafka 4's
    /// `onPartitionsDeleted`).
    pub fn on_topic_deleted(&mut self, topic: &str, env: CoordinatorEnv, ctx: &mut Ctx) {
        let indexes: Vec<i32> = self
            .shards
            .iter()
            .filter(|(_, shard)| shard.is_active())
            .map(|(index, _)| *index)
            .collect();
        for index in indexes {
            with_shard(self, index, env, ctx, |shard, rt| {
                shard.delete_topic_offsets(rt, topic)
            });
        }
    }

    /// The broker crashed: every held request's connection is reset.
    pub fn disconnect_all(&mut self, ctx: &mut Ctx) {
        let mut held: Vec<PendingResponse> = Vec::new();
        for shard in self.shards.values() {
            for group in shard.groups.values() {
                for member in group.members.values() {
                    held.extend(member.awaiting_join);
                    held.extend(member.awaiting_sync);
                }
            }
        }
        for write in self.runtime.pending.values() {
            if let writes::WriteCompletion::OffsetCommit { reply, .. } = &write.completion {
                held.push(*reply);
            }
        }
        for reply in held {
            ctx.send(
                reply.node,
                Body::Disconnected {
                    request_id: reply.request_id,
                },
            );
        }
        *self = GroupCoordinator::default();
    }

    /// The shard of offsets partition `index`, if this broker has one.
    pub fn shard(&self, index: i32) -> Option<&GroupShard> {
        self.shards.get(&index)
    }

    /// The shard of offsets partition `index`, to change (admin operations).
    pub fn shard_mut(&mut self, index: i32) -> Option<&mut GroupShard> {
        self.shards.get_mut(&index)
    }
}

fn count(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Utils.abs(groupId.hashCode()) % 50, as kafka-consumer-groups users compute it.
    #[test]
    fn groups_map_to_offsets_partitions_as_kafka_computes() {
        // "my-group".hashCode() = -1906497762 in Java: Utils.abs, then % 50 = 12.
        assert_eq!(java_string_hash("my-group"), -1_906_497_762);
        assert_eq!(partition_for("my-group", 50), 12);
        assert_eq!(partition_for("orders-app", 50), 5);
        assert_eq!(partition_for("", 50), 0);
        // Utils.abs(Integer.MIN_VALUE) is 0.
        assert_eq!(partition_for("polygenelubricants", 50), 0);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }
}
