//! Shrinking and expanding the ISR (`Partition.maybeShrinkIsr`, `Partition.maybeExpandIsr`,
//! `AlterPartitionManager`).
//!
//! Every `replica.lag.time.max.ms / 2` the leader looks for followers that have not caught up
//! for `replica.lag.time.max.ms` and asks the controller to drop them from the ISR; after each
//! follower fetch it checks whether an out-of-sync follower reached the high watermark and asks
//! to add it back, if the broker is unfenced (KIP-841). One change is pending at a time; the
//! controller's answer (or the partition record it publishes) settles it. Until then the high
//! watermark counts the ISR the change would give as well as the committed one, so a change
//! whose answer is lost is sent again, never forgotten: the controller may have made it.

use crate::cluster::context::Ctx;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, TopicPartition};
use crate::protocol::controller::PartitionState;
use crate::protocol::ControllerBody;

use super::replica::{PendingIsrChange, Role};
use super::{Broker, BrokerTimer, OwnRequest};

/// How long a leader waits before sending a failed AlterPartition again
/// (`DefaultAlterPartitionManager` schedules `send-alter-partition` after 50 ms).
pub const ALTER_PARTITION_RETRY_MS: i64 = 50;

impl Broker {
    /// The periodic check for lagging followers.
    pub(super) fn expire_isr(&mut self, ctx: &mut Ctx) {
        let lag_ms = self.settings.replica_lag_time_max_ms;
        let candidates: Vec<(TopicPartition, Vec<BrokerId>)> = self
            .replicas
            .iter()
            .filter(|(_, replica)| replica.leadership().is_some_and(|l| l.pending.is_none()))
            .filter_map(|(partition, replica)| {
                let lagging = replica.out_of_sync_followers(lag_ms, ctx.now_ms);
                (!lagging.is_empty()).then(|| (partition.clone(), lagging))
            })
            .collect();
        for (partition, lagging) in candidates {
            let Some(isr) = self
                .replicas
                .get(&partition)
                .and_then(|replica| replica.leadership())
                .map(|leadership| leadership.isr.clone())
            else {
                continue;
            };
            let new_isr: Vec<BrokerId> = isr.into_iter().filter(|b| !lagging.contains(b)).collect();
            self.propose_isr(&partition, new_isr, ctx);
        }
        Self::after(ctx, (lag_ms / 2).max(1), BrokerTimer::IsrExpiration);
    }

    /// After a follower's fetch: ask to add caught-up, unfenced followers back to the ISR.
    pub(super) fn maybe_expand_isr(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        let Some(replica) = self.replicas.get(partition) else {
            return;
        };
        let Some(leadership) = replica.leadership() else {
            return;
        };
        if leadership.pending.is_some() {
            return;
        }
        let joining: Vec<BrokerId> = replica
            .followers_ready_to_join()
            .into_iter()
            .filter(|broker| self.metadata.is_unfenced(*broker))
            .collect();
        if joining.is_empty() {
            return;
        }
        // `Partition.prepareIsrExpand` sends `isr + newInSyncReplicaId`: a replica that comes
        // back joins at the end, so `kafka-topics --describe` shows e.g. `Isr: 2,3,1`.
        let mut new_isr = leadership.isr.clone();
        new_isr.extend(joining);
        self.propose_isr(partition, new_isr, ctx);
    }

    fn propose_isr(&mut self, partition: &TopicPartition, new_isr: Vec<BrokerId>, ctx: &mut Ctx) {
        let Some(Role::Leader(leadership)) = self
            .replicas
            .get_mut(partition)
            .map(|replica| &mut replica.role)
        else {
            return;
        };
        leadership.pending = Some(PendingIsrChange {
            isr: new_isr,
            request_id: 0,
        });
        self.send_alter_partition(partition, ctx);
    }

    /// Sends `partition`'s pending ISR change to the controller, based on the leader and
    /// partition epochs the leader knows (they cannot change while a change is pending: new
    /// metadata settles it). A failed send is tried again.
    fn send_alter_partition(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        let request_id = ctx.request_id();
        let Some(replica) = self.replicas.get_mut(partition) else {
            return;
        };
        let (leader_epoch, partition_epoch) =
            (replica.state.leader_epoch, replica.state.partition_epoch);
        let Some(pending) = replica.leadership_mut().and_then(|l| l.pending.as_mut()) else {
            return;
        };
        pending.request_id = request_id;
        let body = ControllerBody::AlterPartition {
            request_id,
            broker: self.id,
            broker_epoch: self.broker_epoch,
            partition: partition.clone(),
            leader_epoch,
            partition_epoch,
            new_isr: pending.isr.clone(),
        };
        let what = OwnRequest::AlterPartition {
            partition: partition.clone(),
        };
        if !self.send_to_controller(request_id, what, body, ctx) {
            self.alter_partition_failed(partition, ctx);
        }
    }

    /// The controller's answer (`Partition.sendAlterPartitionRequest`'s completion):
    /// - the committed state, in this leader's epoch: the change is settled;
    /// - a state in another leader epoch, or an error that says the leader's view is stale
    ///   (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION, NEW_LEADER_ELECTED, ...): the change
    ///   stays pending until the metadata brings the partition's new state
    ///   (`handleAlterPartitionError`);
    /// - INELIGIBLE_REPLICA or OPERATION_NOT_ATTEMPTED: the controller made no change, and the
    ///   committed ISR stands;
    /// - another error, such as STALE_BROKER_EPOCH: sent again.
    ///
    /// An answer to a change the metadata has settled since is ignored.
    pub(super) fn alter_partition_answered(
        &mut self,
        request_id: u64,
        partition: TopicPartition,
        result: Result<PartitionState, KafkaError>,
        ctx: &mut Ctx,
    ) {
        if self.take_own_request(request_id).is_none() {
            return;
        }
        let Some(replica) = self.replicas.get_mut(&partition) else {
            return;
        };
        let (leader_epoch, partition_epoch) =
            (replica.state.leader_epoch, replica.state.partition_epoch);
        let Role::Leader(leadership) = &mut replica.role else {
            return;
        };
        if leadership
            .pending
            .as_ref()
            .is_none_or(|p| p.request_id != request_id)
        {
            return;
        }
        match result {
            Ok(state)
                if state.leader_epoch == leader_epoch
                    && state.partition_epoch >= partition_epoch =>
            {
                leadership.pending = None;
                leadership.isr = state.isr.clone();
                replica.state = state;
            }
            Ok(_) => return,
            Err(error) => match error.code {
                ErrorCode::IneligibleReplica | ErrorCode::OperationNotAttempted => {
                    leadership.pending = None;
                }
                ErrorCode::UnknownTopicOrPartition
                | ErrorCode::FencedLeaderEpoch
                | ErrorCode::InvalidUpdateVersion
                | ErrorCode::InvalidRequest
                | ErrorCode::NewLeaderElected => return,
                _ => {
                    self.alter_partition_failed(&partition, ctx);
                    return;
                }
            },
        }
        self.after_leader_progress(&partition, ctx);
    }

    /// The AlterPartition got no answer (timed out, lost, or no controller known): the change
    /// stays pending, and goes again after `ALTER_PARTITION_RETRY_MS`, as
    /// `DefaultAlterPartitionManager` keeps a change until the controller answers it.
    pub(super) fn alter_partition_failed(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        Self::after(
            ctx,
            ALTER_PARTITION_RETRY_MS,
            BrokerTimer::AlterPartitionRetry {
                partition: partition.clone(),
            },
        );
    }

    /// The retry timer: sends the pending change again unless it is already on its way or
    /// settled.
    pub(super) fn retry_alter_partition(&mut self, partition: &TopicPartition, ctx: &mut Ctx) {
        let waiting = self
            .replicas
            .get(partition)
            .and_then(|replica| replica.leadership())
            .and_then(|leadership| leadership.pending.as_ref())
            .is_some_and(|pending| !self.own_requests.contains_key(&pending.request_id));
        if waiting {
            self.send_alter_partition(partition, ctx);
        }
    }
}
