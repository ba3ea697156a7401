//! Moving a partition's replicas to other brokers (`kafka-reassign-partitions`, the
//! AlterPartitionReassignments request), as KRaft's `ReplicationControlManager` does it:
//!
//! 1. The target replicas join the assignment: `replicas` becomes the target list followed by
//!    the replicas being removed, and the partition records which replicas it is `adding` and
//!    `removing` (`PartitionReassignmentReplicas`). A broker named for the first time creates
//!    an empty replica and fetches the whole log from the leader, as any follower does.
//! 2. When the leader adds the last target replica to the ISR (AlterPartition), the controller
//!    completes the reassignment in the same change (`completeReassignmentIfNeeded`): the
//!    removed replicas leave `replicas` and the ISR, the leader epoch is bumped, and if the
//!    leader was one of them, the first in-sync target replica leads. The removed brokers then
//!    delete their copies. A reassignment that only reorders, or only removes in-sync
//!    replicas, completes at once.
//! 3. Cancelling (`--cancel`) reverts it (`PartitionReassignmentRevert`): the replicas being
//!    added leave `replicas` and the ISR. If none of the original replicas is in sync, the
//!    first becomes the ISR, which Kafka allows only when the topic allows an unclean leader
//!    election.
//!
//! Simplifications, stated in lesson 02: a ZooKeeper-mode controller reaches the same states
//! through its own steps (the `/admin/reassign_partitions` znode and LeaderAndIsr requests),
//! and the playground runs KRaft's in both modes; there is no replication throttle
//! (`--throttle`) and no log directory moves.

use crate::cluster::context::Ctx;
use crate::cluster::event::{ElectionReason, EventKind, ReassignmentStage};
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{BrokerId, TopicPartition};
use crate::protocol::controller::PartitionState;

use super::{election, Controller};

impl Controller {
    /// AlterPartitionReassignments for one partition: move it to `target`, or with `None`
    /// cancel the reassignment under way. Refused with Kafka's errors and messages.
    pub fn alter_partition_reassignment(
        &mut self,
        partition: &TopicPartition,
        target: Option<Vec<BrokerId>>,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let unknown =
            |message: String| KafkaError::new(ErrorCode::UnknownTopicOrPartition, message);
        if !self.image.topics.contains_key(&partition.topic) {
            return Err(unknown(format!(
                "Unable to find a topic named {}.",
                partition.topic
            )));
        }
        let state = self.image.partition(partition).cloned().ok_or_else(|| {
            unknown(format!(
                "Unable to find partition {}:{}.",
                partition.topic, partition.partition
            ))
        })?;
        match target {
            Some(target) => self.change_reassignment(partition, &state, &target, ctx),
            None => self.cancel_reassignment(partition, &state, ctx),
        }
    }

    /// `changePartitionReassignment`. Simplified: a new target replaces the adding and removing
    /// lists of one under way whole (Kafka keeps an old list when the new one is empty).
    fn change_reassignment(
        &mut self,
        partition: &TopicPartition,
        state: &PartitionState,
        target: &[BrokerId],
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        self.check_replica_list(target)?;
        let proposed = election::reassigning(state, target);
        self.change_assignment(partition, state, proposed, false, ctx);
        Ok(())
    }

    /// `cancelPartitionReassignment`.
    fn cancel_reassignment(
        &mut self,
        partition: &TopicPartition,
        state: &PartitionState,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        if state.adding.is_empty() && state.removing.is_empty() {
            return Err(KafkaError::with_default_message(
                ErrorCode::NoReassignmentInProgress,
            ));
        }
        let replicas: Vec<BrokerId> = state
            .replicas
            .iter()
            .copied()
            .filter(|replica| !state.adding.contains(replica))
            .collect();
        let mut isr: Vec<BrokerId> = state
            .isr
            .iter()
            .copied()
            .filter(|replica| !state.adding.contains(replica))
            .collect();
        let unclean_allowed = self
            .topic_settings(&partition.topic)
            .unclean_leader_election_enable;
        if isr.is_empty() {
            if !unclean_allowed {
                return Err(KafkaError::new(
                    ErrorCode::InvalidReplicaAssignment,
                    format!(
                        "Unable to revert partition assignment for {}:{} because it would require an unclean leader election.",
                        partition.topic, partition.partition
                    ),
                ));
            }
            isr = replicas.first().copied().into_iter().collect();
        }
        let proposed = PartitionState {
            replicas,
            isr,
            adding: Vec::new(),
            removing: Vec::new(),
            ..state.clone()
        };
        self.change_assignment(partition, state, proposed, unclean_allowed, ctx);
        Ok(())
    }

    /// A change of `partition`'s assignment to `proposed` (replicas, ISR, adding and
    /// removing): `PartitionChangeBuilder.build` with an `ONLINE` election (`UNCLEAN` if
    /// `unclean_allowed`). Completes the reassignment if every target replica is in sync; the
    /// leader stays if it is still an eligible ISR member, or the first eligible one in the new
    /// assignment leads. Commits, and reports the reassignment's stage.
    pub(crate) fn change_assignment(
        &mut self,
        partition: &TopicPartition,
        state: &PartitionState,
        mut proposed: PartitionState,
        unclean_allowed: bool,
        ctx: &mut Ctx,
    ) {
        let reassigning = !proposed.adding.is_empty() || !proposed.removing.is_empty();
        let (adding, removing) = (proposed.adding.clone(), proposed.removing.clone());
        let completed = election::complete_reassignment(&mut proposed);
        let cancelled = !reassigning && (!state.adding.is_empty() || !state.removing.is_empty());
        // The ELR and last known leader are worked out from the new assignment (see
        // `election::target`), so a removed replica is never eligible.
        let base = PartitionState {
            isr: state.isr.clone(),
            elr: state.elr.clone(),
            ..proposed.clone()
        };
        let rule = self.elr_rule(&partition.topic, None);
        let target = election::target(&base, proposed.isr.clone(), rule);
        let keeps = state
            .leader
            .filter(|leader| target.isr.contains(leader) && self.is_eligible(*leader));
        let (leader, reason) = match keeps {
            Some(leader) => (Some(leader), ElectionReason::Reassignment),
            None => {
                match election::elect_offline_leader(
                    &target,
                    |b| self.is_eligible(b),
                    unclean_allowed,
                ) {
                    Some(elected) => (
                        Some(elected.leader),
                        ElectionReason::of(elected.via, ElectionReason::Reassignment),
                    ),
                    None => (None, ElectionReason::Reassignment),
                }
            }
        };
        // Nothing to do if the partition would not change; the move is reported before the ISR
        // change and the election it causes.
        let unclean = reason.is_unclean();
        let Some(next) = election::finish(state, &target, leader, unclean, rule.is_some()) else {
            return;
        };
        let stage = if cancelled {
            ReassignmentStage::Cancelled
        } else if completed || !reassigning {
            ReassignmentStage::Completed
        } else {
            ReassignmentStage::Started
        };
        let (adding, removing) = match stage {
            ReassignmentStage::Cancelled => (state.adding.clone(), state.removing.clone()),
            ReassignmentStage::Started | ReassignmentStage::Completed => (adding, removing),
        };
        ctx.emit(EventKind::Reassignment {
            partition: partition.clone(),
            stage,
            replicas: next.replicas,
            adding,
            removing,
        });
        self.change_partition(partition, state, &target, leader, rule, reason, ctx);
    }
}
