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
//! - [`events`]: what the coordinator reports.
//!
//! Simplifications, each stated where it lives: records are readable text instead of Kafka's
//! binary schemas; a group's state changes at once while its record is written (Kafka replays
//! records into a timeline and reverts them on failure), except committed offsets, which become
//! visible when their write is replicated; loading takes a modeled time; only the classic
//! protocol (no KIP-848 consumer groups).

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
pub mod shard;
pub mod state;
pub mod sync;
pub mod writes;

#[cfg(test)]
mod state_machine_tests;

use std::collections::BTreeMap;

use crate::cluster::context::Ctx;
use crate::cluster::settings::BrokerSettings;
use crate::config::value::java_string_hash;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, ProducerId, TopicPartition};
use crate::log::PartitionLog;
use crate::network::NodeId;
use crate::protocol::{Body, GroupBody};

use self::commit::{CommitRequest, FetchRequest};
use self::events::GroupEvent;
use self::heartbeat::HeartbeatRequest;
use self::join::JoinRequest;
use self::leave::LeaveRequest;
use self::member::PendingResponse;
use self::runtime::{CoordinatorRuntime, ShardCtx};
use self::shard::{GroupShard, ShardStatus};
use self::sync::SyncRequest;

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

/// The coordinator's timers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinatorTimer {
    /// Loading of an offsets partition finishes.
    Load {
        /// The partition index.
        partition: i32,
        /// The leader epoch it is loaded for.
        epoch: i32,
    },
    /// A member's session (or a pending member's wait) expires unless renewed.
    Heartbeat {
        /// The partition index.
        partition: i32,
        /// The group.
        group: String,
        /// The member.
        member: String,
        /// The timer id.
        id: u64,
    },
    /// The join phase ends (rebalance timeout).
    Join {
        /// The partition index.
        partition: i32,
        /// The group.
        group: String,
        /// The timer id.
        id: u64,
    },
    /// The initial rebalance delay (`group.initial.rebalance.delay.ms`) ends.
    InitialRebalance {
        /// The partition index.
        partition: i32,
        /// The group.
        group: String,
        /// The timer id.
        id: u64,
        /// This delay.
        delay_ms: i64,
        /// What remains of the rebalance timeout.
        remaining_ms: i64,
    },
    /// Members that sent no SyncGroup are removed.
    PendingSync {
        /// The partition index.
        partition: i32,
        /// The group.
        group: String,
        /// The generation it was set for.
        generation: i32,
        /// The timer id.
        id: u64,
    },
    /// `offsets.retention.check.interval.ms`.
    RetentionCheck {
        /// The partition index.
        partition: i32,
        /// The timer id.
        id: u64,
    },
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
    pub shards: BTreeMap<i32, GroupShard>,
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

    /// Handles a group request (all but FindCoordinator, which the broker answers).
    pub fn handle_request(
        &mut self,
        from: NodeId,
        body: GroupBody,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) {
        let Some(group_id) = group_of(&body).map(str::to_string) else {
            return;
        };
        if let Err(code) = validate_request(&body, env.settings) {
            return reply_error(from, &body, code, ctx);
        }
        let index = partition_for(&group_id, env.partition_count);
        let status = self.shards.get(&index).map(|shard| shard.status);
        match status {
            None => reply_error(from, &body, ErrorCode::NotCoordinator, ctx),
            Some(ShardStatus::Loading) => {
                reply_error(from, &body, ErrorCode::CoordinatorLoadInProgress, ctx)
            }
            Some(ShardStatus::Active) => {
                with_shard(self, index, env, ctx, |shard, rt| {
                    dispatch(shard, rt, from, body)
                });
            }
        }
    }

    /// Handles a timer (but `Load`, which needs the partition's log: see
    /// [`GroupCoordinator::finish_loading`]).
    pub fn handle_timer(&mut self, timer: CoordinatorTimer, env: CoordinatorEnv, ctx: &mut Ctx) {
        let index = match &timer {
            CoordinatorTimer::Load { .. } => return,
            CoordinatorTimer::Heartbeat { partition, .. }
            | CoordinatorTimer::Join { partition, .. }
            | CoordinatorTimer::InitialRebalance { partition, .. }
            | CoordinatorTimer::PendingSync { partition, .. }
            | CoordinatorTimer::RetentionCheck { partition, .. } => *partition,
        };
        if !self.shards.get(&index).is_some_and(GroupShard::is_active) {
            return;
        }
        with_shard(self, index, env, ctx, |shard, rt| fire(shard, rt, timer));
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

/// The group a request is about.
fn group_of(body: &GroupBody) -> Option<&str> {
    match body {
        GroupBody::JoinGroup { group_id, .. }
        | GroupBody::SyncGroup { group_id, .. }
        | GroupBody::Heartbeat { group_id, .. }
        | GroupBody::LeaveGroup { group_id, .. }
        | GroupBody::OffsetCommit { group_id, .. }
        | GroupBody::OffsetFetch { group_id, .. }
        | GroupBody::TxnOffsetCommit { group_id, .. } => Some(group_id),
        _ => None,
    }
}

/// What `GroupCoordinatorService` checks before a request reaches its shard.
fn validate_request(body: &GroupBody, settings: &BrokerSettings) -> Result<(), ErrorCode> {
    if group_of(body).is_some_and(str::is_empty) {
        return Err(ErrorCode::InvalidGroupId);
    }
    if let GroupBody::JoinGroup {
        session_timeout_ms, ..
    } = body
    {
        if *session_timeout_ms < settings.group_min_session_timeout_ms
            || *session_timeout_ms > settings.group_max_session_timeout_ms
        {
            return Err(ErrorCode::InvalidSessionTimeout);
        }
    }
    Ok(())
}

/// Answers a request with one error.
fn reply_error(to: NodeId, body: &GroupBody, code: ErrorCode, ctx: &mut Ctx) {
    let error = KafkaError::with_default_message(code);
    let request_id = body.request_id();
    let response = match body {
        GroupBody::JoinGroup { member_id, .. } => GroupBody::JoinGroupResponse {
            request_id,
            result: Err((error, member_id.clone())),
        },
        GroupBody::SyncGroup { .. } => GroupBody::SyncGroupResponse {
            request_id,
            result: Err(error),
        },
        GroupBody::Heartbeat { .. } => GroupBody::HeartbeatResponse {
            request_id,
            error: Some(error),
        },
        GroupBody::LeaveGroup { .. } => GroupBody::LeaveGroupResponse {
            request_id,
            error: Some(error),
        },
        GroupBody::OffsetCommit { offsets, .. } => GroupBody::OffsetCommitResponse {
            request_id,
            results: offsets
                .iter()
                .map(|o| (o.partition.clone(), Err(error.clone())))
                .collect(),
        },
        GroupBody::TxnOffsetCommit { offsets, .. } => GroupBody::TxnOffsetCommitResponse {
            request_id,
            results: offsets
                .iter()
                .map(|o| (o.partition.clone(), Err(error.clone())))
                .collect(),
        },
        GroupBody::OffsetFetch { .. } => GroupBody::OffsetFetchResponse {
            request_id,
            result: Err(error),
        },
        _ => return,
    };
    ctx.send(to, Body::Group(response));
}

/// Hands a request to its shard.
fn dispatch(shard: &mut GroupShard, rt: &mut ShardCtx, from: NodeId, body: GroupBody) {
    let reply = PendingResponse {
        node: from,
        request_id: body.request_id(),
    };
    match body {
        GroupBody::JoinGroup {
            group_id,
            member_id,
            group_instance_id,
            client_id,
            session_timeout_ms,
            rebalance_timeout_ms,
            protocols,
            reason,
            ..
        } => shard.join_group(
            rt,
            JoinRequest {
                reply,
                group_id,
                member_id,
                group_instance_id,
                client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
                reason,
            },
        ),
        GroupBody::SyncGroup {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            protocol,
            assignments,
            ..
        } => shard.sync_group(
            rt,
            SyncRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id,
                protocol,
                assignments,
            },
        ),
        GroupBody::Heartbeat {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            ..
        } => shard.heartbeat(
            rt,
            HeartbeatRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id,
            },
        ),
        GroupBody::LeaveGroup {
            group_id,
            member_id,
            group_instance_id,
            reason,
            ..
        } => shard.leave_group(
            rt,
            LeaveRequest {
                reply,
                group_id,
                member_id,
                group_instance_id,
                reason,
            },
        ),
        GroupBody::OffsetCommit {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            offsets,
            ..
        } => shard.commit_offsets(
            rt,
            CommitRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id,
                offsets,
                transaction: None,
            },
        ),
        GroupBody::TxnOffsetCommit {
            group_id,
            producer_id,
            producer_epoch,
            generation_id,
            member_id,
            offsets,
            ..
        } => shard.commit_offsets(
            rt,
            CommitRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id: None,
                offsets,
                transaction: Some((producer_id, producer_epoch)),
            },
        ),
        GroupBody::OffsetFetch {
            group_id,
            partitions,
            require_stable,
            ..
        } => shard.fetch_offsets(
            rt,
            FetchRequest {
                reply,
                group_id,
                partitions,
                require_stable,
            },
        ),
        _ => {}
    }
}

/// Runs a timer on its shard.
fn fire(shard: &mut GroupShard, rt: &mut ShardCtx, timer: CoordinatorTimer) {
    match timer {
        CoordinatorTimer::Load { .. } => {}
        CoordinatorTimer::Heartbeat {
            group, member, id, ..
        } => shard.expire_heartbeat(rt, &group, &member, id),
        CoordinatorTimer::Join { group, id, .. } => {
            if let Some(group) = shard.groups.get_mut(&group) {
                if group.join_timer == Some(id) {
                    group.complete_join(rt);
                }
            }
        }
        CoordinatorTimer::InitialRebalance {
            group,
            id,
            delay_ms,
            remaining_ms,
            ..
        } => {
            if let Some(group) = shard.groups.get_mut(&group) {
                if group.join_timer == Some(id) {
                    group.try_complete_initial_rebalance(rt, delay_ms, remaining_ms);
                }
            }
        }
        CoordinatorTimer::PendingSync {
            group,
            generation,
            id,
            ..
        } => {
            if let Some(group) = shard.groups.get_mut(&group) {
                if group.sync_timer == Some(id) {
                    group.expire_pending_sync(rt, generation);
                }
            }
        }
        CoordinatorTimer::RetentionCheck { id, .. } => {
            if shard.retention_timer == Some(id) {
                shard.cleanup_group_metadata(rt);
            }
        }
    }
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
