//! The coordinator's timers (Kafka's `CoordinatorTimer` keys): session expiry, the end of a
//! join phase, the initial rebalance delay, pending SyncGroups, offsets retention, loading.
//!
//! A timer carries an id; the group keeps the id of its current timer of each kind, so a timer
//! that was replaced or cancelled (Kafka's `timer.schedule` with the same key, `timer.cancel`)
//! is ignored when it fires.

use crate::cluster::context::Ctx;

use super::runtime::ShardCtx;
use super::shard::GroupShard;
use super::{with_shard, CoordinatorEnv, GroupCoordinator};

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

impl GroupCoordinator {
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
