//! One replica of a partition on one broker: its log, its high watermark, and its role as
//! leader or follower (Kafka's `kafka.cluster.Partition`).
//!
//! The leader tracks how far each follower has fetched. From that it computes the high
//! watermark (the smallest log end offset over the "maximal" ISR: the ISR plus any replica it
//! asked the controller to add, and any replica caught up within `replica.lag.time.max.ms`,
//! as `Partition.maybeIncrementLeaderHW` does), decides which followers fell out of sync
//! (`Partition.getOutOfSyncReplicas`) and which caught up enough to rejoin
//! (`Partition.isFollowerInSync`). Changing the ISR is the controller's decision: the leader
//! asks with AlterPartition and keeps at most one change pending.

use crate::vec_map::VecMap;

use crate::ids::{BrokerId, Offset, TopicPartition};
use crate::log::PartitionLog;
use crate::protocol::controller::PartitionState;
use crate::protocol::FetchPartition;

/// How far a follower has got, as its leader sees it (Kafka's `Replica` state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerProgress {
    /// The follower's log end offset from its last fetch; `None` until it fetches.
    pub log_end_offset: Option<Offset>,
    /// The last time the follower was fully caught up with the leader's log end offset;
    /// [`NEVER_CAUGHT_UP`] when it has not been since this leadership began.
    pub last_caught_up_ms: i64,
    /// When its last fetch arrived.
    pub last_fetch_ms: i64,
    /// The leader's log end offset at that fetch.
    pub last_fetch_leader_log_end_offset: Offset,
    /// The follower's log start offset from its last fetch; -1 until it fetches.
    pub log_start_offset: Offset,
}

impl FollowerProgress {
    /// A follower that has not fetched yet, caught up last at `last_caught_up_ms`.
    fn unknown(last_caught_up_ms: i64) -> FollowerProgress {
        FollowerProgress {
            log_end_offset: None,
            last_caught_up_ms,
            last_fetch_ms: 0,
            last_fetch_leader_log_end_offset: Offset(0),
            log_start_offset: Offset(-1),
        }
    }
}

/// `last_caught_up_ms` of a follower that has not caught up during this leadership. Kafka
/// uses 0 there, which on a wall clock is long ago; the simulated clock starts at 0, so the
/// simulator uses a time far enough in the past that it never counts as recent.
pub const NEVER_CAUGHT_UP: i64 = i64::MIN / 2;

/// An ISR change the leader asked the controller for (AlterPartition in flight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingIsrChange {
    /// The ISR asked for.
    pub isr: Vec<BrokerId>,
    /// The AlterPartition request carrying it (the latest, when it was sent again).
    pub request_id: u64,
}

/// The leader's side of a partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leadership {
    /// The ISR as last committed by the controller.
    pub isr: Vec<BrokerId>,
    /// An ISR change waiting for the controller's answer.
    pub pending: Option<PendingIsrChange>,
    /// Every other assigned replica's progress.
    pub followers: VecMap<BrokerId, FollowerProgress>,
}

impl Leadership {
    /// Whether `broker` is in the "maximal" ISR (Kafka's `maximalIsr`): the committed ISR
    /// together with any replica a pending change would add. The high watermark waits for all
    /// of them.
    pub fn in_maximal_isr(&self, broker: BrokerId) -> bool {
        self.isr.contains(&broker)
            || self
                .pending
                .as_ref()
                .is_some_and(|pending| pending.isr.contains(&broker))
    }

    /// How many replicas the maximal ISR holds (see [`in_maximal_isr`](Self::in_maximal_isr)),
    /// counted without building it: it is checked on every produce. An ISR names a broker once.
    pub fn maximal_isr_len(&self) -> usize {
        let added = self.pending.as_ref().map_or(0, |pending| {
            pending
                .isr
                .iter()
                .filter(|broker| !self.isr.contains(broker))
                .count()
        });
        self.isr.len() + added
    }
}

/// What this broker does for the partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// It leads: producers write here, followers and consumers fetch from here.
    Leader(Leadership),
    /// It follows `leader`, fetching from it.
    Follower {
        /// The leader it fetches from; `None` while the partition is offline.
        leader: Option<BrokerId>,
    },
}

/// One replica on this broker.
#[derive(Debug, Clone)]
pub struct Replica {
    /// The partition.
    pub partition: TopicPartition,
    /// The id of the topic it belongs to: a topic deleted and created again under the same
    /// name is another topic, whose replicas are not this one.
    pub topic_id: u64,
    /// The replica's log (survives a broker crash, as a log on disk does).
    pub log: PartitionLog,
    /// The high watermark as this replica knows it.
    pub high_watermark: Offset,
    /// The high watermark last written to the `replication-offset-checkpoint` file; what the
    /// broker knows after a restart.
    pub checkpointed_high_watermark: Offset,
    /// The controller's state of the partition as this broker last applied it.
    pub state: PartitionState,
    /// Leader or follower.
    pub role: Role,
}

/// Settings that decide the leader's bookkeeping.
#[derive(Debug, Clone, Copy)]
pub struct LeaderRules {
    /// `replica.lag.time.max.ms`.
    pub replica_lag_time_max_ms: i64,
    /// The topic's `min.insync.replicas`.
    pub min_insync_replicas: i32,
    /// Since Kafka 3.7 the high watermark does not move while the ISR is smaller than
    /// `min.insync.replicas`; `false` gives the older behaviour.
    pub hw_waits_for_min_isr: bool,
}

impl Replica {
    /// A new replica with an empty log, following nobody yet.
    pub fn new(
        partition: TopicPartition,
        topic_id: u64,
        state: PartitionState,
        log: PartitionLog,
    ) -> Replica {
        Replica {
            partition,
            topic_id,
            log,
            high_watermark: Offset(0),
            checkpointed_high_watermark: Offset(0),
            state,
            role: Role::Follower { leader: None },
        }
    }

    /// Whether this replica leads.
    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    /// The leadership, if this replica leads.
    pub fn leadership(&self) -> Option<&Leadership> {
        match &self.role {
            Role::Leader(leadership) => Some(leadership),
            Role::Follower { .. } => None,
        }
    }

    pub(super) fn leadership_mut(&mut self) -> Option<&mut Leadership> {
        match &mut self.role {
            Role::Leader(leadership) => Some(leadership),
            Role::Follower { .. } => None,
        }
    }

    /// Becomes the leader in `state.leader_epoch` (`Partition.makeLeader`): the new epoch
    /// starts at this replica's log end offset, and every follower's progress is unknown, with
    /// the ISR members counted as caught up now (`resetReplicaState`).
    pub fn become_leader(&mut self, me: BrokerId, state: PartitionState, now_ms: i64) {
        let log_end_offset = self.log.log_end_offset();
        if self.log.latest_epoch() != Some(state.leader_epoch) {
            self.log
                .assign_epoch_start_offset(state.leader_epoch, log_end_offset);
        }
        let followers =
            crate::sort::to_map(state.replicas.iter().filter(|broker| **broker != me).map(
                |broker| {
                    let in_isr = state.isr.contains(broker);
                    let caught_up_ms = if in_isr { now_ms } else { NEVER_CAUGHT_UP };
                    (*broker, FollowerProgress::unknown(caught_up_ms))
                },
            ));
        self.role = Role::Leader(Leadership {
            isr: state.isr.clone(),
            pending: None,
            followers,
        });
        self.state = state;
    }

    /// A leader's assignment changed within its leader epoch (a reassignment added replicas,
    /// or completed): `Partition.updateAssignmentAndIsr` tracks a follower new to the
    /// assignment from scratch, out of sync, and forgets one no longer in it.
    pub fn update_followers(&mut self, me: BrokerId, replicas: &[BrokerId]) {
        let Some(leadership) = self.leadership_mut() else {
            return;
        };
        leadership
            .followers
            .retain(|broker, _| replicas.contains(broker));
        for broker in replicas.iter().filter(|broker| **broker != me) {
            if !leadership.followers.contains_key(broker) {
                leadership
                    .followers
                    .insert(*broker, FollowerProgress::unknown(NEVER_CAUGHT_UP));
            }
        }
    }

    /// Becomes a follower of `state.leader` (`Partition.makeFollower`).
    pub fn become_follower(&mut self, state: PartitionState) {
        self.role = Role::Follower {
            leader: state.leader,
        };
        self.state = state;
    }

    /// Records a follower's fetch (`Partition.updateFollowerFetchState`): its fetch offset and
    /// its log start offset.
    ///
    /// The follower counts as caught up at this fetch if it asked for the leader's log end
    /// offset; if it asked for at least what the leader had at its previous fetch, it was
    /// caught up as of that previous fetch.
    pub fn record_follower_fetch(
        &mut self,
        follower: BrokerId,
        fetch: &FetchPartition,
        now_ms: i64,
    ) {
        let fetch_offset = fetch.fetch_offset;
        let leader_log_end_offset = self.log.log_end_offset();
        let Some(leadership) = self.leadership_mut() else {
            return;
        };
        let Some(progress) = leadership.followers.get_mut(&follower) else {
            return;
        };
        if fetch_offset >= leader_log_end_offset {
            progress.last_caught_up_ms = progress.last_caught_up_ms.max(now_ms);
        } else if fetch_offset >= progress.last_fetch_leader_log_end_offset {
            progress.last_caught_up_ms = progress.last_caught_up_ms.max(progress.last_fetch_ms);
        }
        progress.log_end_offset = Some(fetch_offset);
        progress.last_fetch_ms = now_ms;
        progress.last_fetch_leader_log_end_offset = leader_log_end_offset;
        progress.log_start_offset = fetch.log_start_offset;
    }

    /// `Partition.lowWatermarkIfLeader`: the lowest log start offset among the leader and the
    /// followers on live brokers (`alive`), in sync or not. A DeleteRecords request is done once
    /// it reaches the requested offset. `None` on a follower.
    pub fn low_watermark(&self, alive: impl Fn(BrokerId) -> bool) -> Option<Offset> {
        let followers = &self.leadership()?.followers;
        let low = followers
            .iter()
            .filter(|(broker, _)| alive(**broker))
            .map(|(_, progress)| progress.log_start_offset)
            .fold(self.log.log_start_offset(), Offset::min);
        Some(low)
    }

    /// Moves the leader's high watermark up if it can; returns the new value when it moved.
    ///
    /// Besides the maximal ISR, the high watermark waits for a follower that caught up within
    /// `replica.lag.time.max.ms` and could join the ISR (`isr_eligible`: registered, unfenced
    /// and not shutting down, Kafka's `isReplicaIsrEligible`).
    pub fn maybe_increment_high_watermark(
        &mut self,
        rules: LeaderRules,
        now_ms: i64,
        isr_eligible: impl Fn(BrokerId) -> bool,
    ) -> Option<Offset> {
        let log_end_offset = self.log.log_end_offset();
        let leadership = self.leadership()?;
        if rules.hw_waits_for_min_isr
            && (leadership.isr.len() as i64) < i64::from(rules.min_insync_replicas)
        {
            return None;
        }
        let mut new_high_watermark = log_end_offset;
        for (broker, progress) in &leadership.followers {
            let caught_up = progress.log_end_offset == Some(log_end_offset)
                || now_ms - progress.last_caught_up_ms <= rules.replica_lag_time_max_ms;
            let wait_to_join = caught_up && isr_eligible(*broker);
            if !(leadership.in_maximal_isr(*broker) || wait_to_join) {
                continue;
            }
            // A replica whose position is still unknown holds the high watermark where it is.
            let follower_end = progress.log_end_offset.unwrap_or(Offset(-1));
            new_high_watermark = new_high_watermark.min(follower_end);
        }
        (new_high_watermark > self.high_watermark).then(|| {
            self.high_watermark = new_high_watermark;
            new_high_watermark
        })
    }

    /// Followers in the ISR that have not caught up for `replica.lag.time.max.ms`
    /// (`Partition.getOutOfSyncReplicas`).
    pub fn out_of_sync_followers(
        &self,
        replica_lag_time_max_ms: i64,
        now_ms: i64,
    ) -> Vec<BrokerId> {
        let log_end_offset = self.log.log_end_offset();
        let Some(leadership) = self.leadership() else {
            return Vec::new();
        };
        leadership
            .isr
            .iter()
            .filter_map(|broker| {
                let progress = leadership.followers.get(broker)?;
                let caught_up = progress.log_end_offset == Some(log_end_offset)
                    || now_ms - progress.last_caught_up_ms <= replica_lag_time_max_ms;
                (!caught_up).then_some(*broker)
            })
            .collect()
    }

    /// Followers outside the ISR that caught up enough to rejoin
    /// (`Partition.isFollowerInSync`): at or past the high watermark and the start of the
    /// current leader epoch.
    pub fn followers_ready_to_join(&self) -> Vec<BrokerId> {
        let Some(leadership) = self.leadership() else {
            return Vec::new();
        };
        let epoch_start = self
            .log
            .epoch_entries()
            .last()
            .map_or(Offset(0), |entry| entry.start_offset);
        leadership
            .followers
            .iter()
            .filter(|(broker, _)| !leadership.isr.contains(broker))
            .filter_map(|(broker, progress)| {
                let end = progress.log_end_offset?;
                (end >= self.high_watermark && end >= epoch_start).then_some(*broker)
            })
            .collect()
    }

    /// The last stable offset: the high watermark, or the first offset of the oldest
    /// transaction not yet decided below it.
    pub fn last_stable_offset(&self) -> Offset {
        self.log.last_stable_offset(self.high_watermark)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leadership(isr: &[i32], pending: Option<&[i32]>) -> Leadership {
        Leadership {
            isr: isr.iter().copied().map(BrokerId).collect(),
            pending: pending.map(|isr| PendingIsrChange {
                isr: isr.iter().copied().map(BrokerId).collect(),
                request_id: 1,
            }),
            followers: VecMap::new(),
        }
    }

    #[test]
    fn the_maximal_isr_is_the_committed_isr_with_what_a_pending_change_adds() {
        let settled = leadership(&[1, 2], None);
        assert_eq!(settled.maximal_isr_len(), 2);
        assert!(settled.in_maximal_isr(BrokerId(2)));
        assert!(!settled.in_maximal_isr(BrokerId(3)));

        let expanding = leadership(&[1, 2], Some(&[1, 2, 3]));
        assert_eq!(expanding.maximal_isr_len(), 3);
        assert!(expanding.in_maximal_isr(BrokerId(3)));

        // A pending shrink leaves the committed ISR in the maximal one until it is committed.
        let shrinking = leadership(&[1, 2, 3], Some(&[1]));
        assert_eq!(shrinking.maximal_isr_len(), 3);
        assert!(shrinking.in_maximal_isr(BrokerId(3)));
        assert!(!shrinking.in_maximal_isr(BrokerId(4)));
    }
}
