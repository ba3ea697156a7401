//! Shrinking and expanding the ISR (`Partition.maybeShrinkIsr`, `Partition.maybeExpandIsr`,
//! `AlterPartitionManager`).
//!
//! Every `replica.lag.time.max.ms / 2` the leader looks for followers that have not caught up
//! for `replica.lag.time.max.ms` and asks the controller to drop them from the ISR; after each
//! follower fetch it checks whether an out-of-sync follower reached the high watermark and asks
//! to add it back, if the broker is unfenced (KIP-841). One change is in flight at a time; the
//! controller's answer (or the partition record it publishes) makes it official.

use crate::cluster::context::Ctx;
use crate::error::KafkaError;
use crate::ids::{BrokerId, TopicPartition};
use crate::protocol::controller::PartitionState;
use crate::protocol::ControllerBody;

use super::replica::{PendingIsrChange, Role};
use super::{Broker, BrokerTimer, OwnRequest};

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
            self.propose_isr(&partition, new_isr, true, ctx);
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
        self.propose_isr(partition, new_isr, false, ctx);
    }

    fn propose_isr(
        &mut self,
        partition: &TopicPartition,
        new_isr: Vec<BrokerId>,
        is_shrink: bool,
        ctx: &mut Ctx,
    ) {
        let request_id = ctx.request_id();
        let Some(replica) = self.replicas.get_mut(partition) else {
            return;
        };
        let body = ControllerBody::AlterPartition {
            request_id,
            broker: self.id,
            broker_epoch: self.broker_epoch,
            partition: partition.clone(),
            leader_epoch: replica.state.leader_epoch,
            partition_epoch: replica.state.partition_epoch,
            new_isr: new_isr.clone(),
        };
        if let Role::Leader(leadership) = &mut replica.role {
            leadership.pending = Some(PendingIsrChange {
                isr: new_isr,
                request_id,
                is_shrink,
            });
        }
        let what = OwnRequest::AlterPartition {
            partition: partition.clone(),
        };
        if !self.send_to_controller(request_id, what, body, ctx) {
            self.alter_partition_failed(partition);
        }
    }

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
        let Role::Leader(leadership) = &mut replica.role else {
            return;
        };
        if leadership
            .pending
            .as_ref()
            .is_some_and(|p| p.request_id == request_id)
        {
            leadership.pending = None;
        }
        if let Ok(state) = result {
            if state.leader_epoch == replica.state.leader_epoch
                && state.partition_epoch >= replica.state.partition_epoch
            {
                leadership.isr = state.isr.clone();
                replica.state = state;
            }
        }
        self.after_leader_progress(&partition, ctx);
    }

    /// The AlterPartition got no answer: forget it; the next check proposes again.
    pub(super) fn alter_partition_failed(&mut self, partition: &TopicPartition) {
        if let Some(replica) = self.replicas.get_mut(partition) {
            if let Role::Leader(leadership) = &mut replica.role {
                leadership.pending = None;
            }
        }
    }
}
