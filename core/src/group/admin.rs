//! `kafka-consumer-groups` admin operations on the whole cluster: `--reset-offsets` (with a
//! pure planning function for `--dry-run`) and `--delete`, with the tool's rules and messages
//! (`ConsumerGroupCommand`, `GroupOffsetsResetter`).
//!
//! - Offsets can only be reset while the group is inactive (Empty, Dead or unknown):
//!   "Assignments can only be reset if the group '…' is inactive, but the current state is …".
//! - The partitions must exist and have a leader. An empty partition list means `--all-topics`:
//!   every partition the group has a committed offset for.
//! - `--to-offset` and `--shift-by` are clamped into the log's range (log start offset to the
//!   latest offset, the high watermark) as the tool does; `--to-datetime` and `--by-duration`
//!   take the first offset at or after the time, or the latest offset when there is none;
//!   `--to-current` keeps the committed offset (the latest offset where there is none);
//!   `--shift-by` needs a committed offset.
//! - A group can only be deleted when it is Empty (`NON_EMPTY_GROUP`, `GROUP_ID_NOT_FOUND`).
//!
//! Simplification: the tool's round trips (DescribeGroups, ListOffsets, OffsetCommit) are not
//! simulated; the operation is decided at once on the coordinator's state, whose records are
//! then written to `__consumer_offsets` (see [`crate::group::coordinator::admin`]).

use crate::vec_map::VecMap;

use crate::broker::fetch::offset_for_timestamp;
use crate::broker::Broker;
use crate::cluster::command::{Command, ResetSpec};
use crate::cluster::context::Outbox;
use crate::cluster::Cluster;
use crate::error::{ErrorCode, KafkaError};
use crate::group::coordinator::shard::GroupShard;
use crate::group::coordinator::state::GroupState;
use crate::group::coordinator::{partition_for, OFFSETS_TOPIC};
use crate::ids::{BrokerId, Offset, TopicPartition};

/// The log range the tool reads with ListOffsets (earliest, latest) of one partition.
struct LogRange {
    start: Offset,
    latest: Offset,
}

impl Cluster {
    /// Carries out `--reset-offsets --execute` or `--delete`.
    pub(crate) fn execute_group_admin(
        &mut self,
        command: Command,
        outbox: &mut Outbox,
    ) -> Result<(), KafkaError> {
        match command {
            Command::ResetOffsets {
                group,
                partitions,
                spec,
            } => {
                let plan = self.plan_offset_reset(&group, &partitions, &spec)?;
                if plan.is_empty() {
                    return Ok(());
                }
                let (broker, _) = self.group_coordinator_of(&group)?;
                self.with_broker(broker, outbox, |b, ctx| {
                    b.admin_commit_offsets(&group, &plan, ctx)
                })
                .unwrap_or_else(|| Err(coordinator_not_available()))
            }
            Command::DeleteGroup { group } => {
                let (broker, _) = self.group_coordinator_of(&group)?;
                self.with_broker(broker, outbox, |b, ctx| b.admin_delete_group(&group, ctx))
                    .unwrap_or_else(|| Err(coordinator_not_available()))
            }
            _ => Ok(()),
        }
    }

    /// `--reset-offsets --dry-run`: the offsets the reset would commit, sorted by partition,
    /// changing nothing; or the error the tool would report.
    pub fn plan_offset_reset(
        &self,
        group: &str,
        partitions: &[TopicPartition],
        spec: &ResetSpec,
    ) -> Result<Vec<(TopicPartition, Offset)>, KafkaError> {
        let (_, shard) = self.active_group_shard(group)?;
        if let Some(state) = shard.groups.get(group).map(|g| g.state) {
            if !matches!(state, GroupState::Empty | GroupState::Dead) {
                return Err(KafkaError::new(
                    ErrorCode::NonEmptyGroup,
                    format!("Assignments can only be reset if the group '{group}' is inactive, but the current state is {state}."),
                ));
            }
        }
        let committed: VecMap<TopicPartition, Offset> = shard
            .offsets
            .group(group)
            .map(|offsets| crate::sort::to_map(offsets.iter().map(|(p, o)| (p.clone(), o.offset))))
            .unwrap_or_default();
        let targets: Vec<TopicPartition> = if partitions.is_empty() {
            committed.keys().cloned().collect()
        } else {
            let mut unique = partitions.to_vec();
            crate::sort::sort(&mut unique);
            unique.dedup();
            unique
        };
        let ranges = self.log_ranges(&targets)?;
        let mut plan = Vec::with_capacity(targets.len());
        for partition in targets {
            let Some(range) = ranges.get(&partition) else {
                continue;
            };
            let offset = self.reset_target(&partition, range, committed.get(&partition), spec)?;
            plan.push((partition, offset));
        }
        Ok(plan)
    }

    /// The new offset of one partition.
    fn reset_target(
        &self,
        partition: &TopicPartition,
        range: &LogRange,
        committed: Option<&Offset>,
        spec: &ResetSpec,
    ) -> Result<Offset, KafkaError> {
        let clamp = |offset: i64| Offset(offset.min(range.latest.0).max(range.start.0));
        Ok(match spec {
            ResetSpec::ToEarliest => range.start,
            ResetSpec::ToLatest => range.latest,
            ResetSpec::ToOffset(offset) => clamp(*offset),
            ResetSpec::ShiftBy(shift) => {
                let Some(current) = committed else {
                    return Err(KafkaError::new(
                        ErrorCode::InvalidRequest,
                        format!("Cannot shift offset for partition {partition} since there is no current committed offset"),
                    ));
                };
                clamp(current.0.saturating_add(*shift))
            }
            ResetSpec::ToDatetime(timestamp_ms) => self.offset_at(partition, *timestamp_ms, range),
            ResetSpec::ByDuration(duration_ms) => {
                let timestamp_ms = self.clock_ms().saturating_sub(*duration_ms);
                self.offset_at(partition, timestamp_ms, range)
            }
            ResetSpec::ToCurrent => committed.copied().unwrap_or(range.latest),
        })
    }

    /// ListOffsets by timestamp: the first offset at or after `timestamp_ms`, else the latest.
    fn offset_at(&self, partition: &TopicPartition, timestamp_ms: i64, range: &LogRange) -> Offset {
        self.leader_replica(partition)
            .and_then(|replica| {
                offset_for_timestamp(&replica.log, timestamp_ms, replica.high_watermark)
            })
            .map_or(range.latest, |(offset, _)| offset)
    }

    /// `checkAllTopicPartitionsValid`, then the earliest and latest offsets of each partition.
    fn log_ranges(
        &self,
        partitions: &[TopicPartition],
    ) -> Result<VecMap<TopicPartition, LogRange>, KafkaError> {
        let missing: Vec<String> = partitions
            .iter()
            .filter(|p| self.controller.image.partition(p).is_none())
            .map(ToString::to_string)
            .collect();
        if !missing.is_empty() {
            return Err(KafkaError::new(
                ErrorCode::UnknownTopicOrPartition,
                format!("The partitions \"{}\" do not exist", missing.join(",")),
            ));
        }
        let leaderless: Vec<String> = partitions
            .iter()
            .filter(|p| self.leader_replica(p).is_none())
            .map(ToString::to_string)
            .collect();
        if !leaderless.is_empty() {
            return Err(KafkaError::new(
                ErrorCode::LeaderNotAvailable,
                format!("The partitions \"{}\" have no leader", leaderless.join(",")),
            ));
        }
        Ok(crate::sort::to_map(partitions.iter().filter_map(
            |partition| {
                let replica = self.leader_replica(partition)?;
                let range = LogRange {
                    start: replica.log.log_start_offset(),
                    latest: replica.high_watermark,
                };
                Some((partition.clone(), range))
            },
        )))
    }

    /// The replica of the partition's current leader, if it runs.
    fn leader_replica(
        &self,
        partition: &TopicPartition,
    ) -> Option<&crate::broker::replica::Replica> {
        let leader = self.current_leader(partition)?;
        self.brokers
            .get(&leader)
            .filter(|broker| broker.is_up())?
            .replicas
            .get(partition)
            .filter(|replica| replica.is_leader())
    }

    /// The coordinator of `group` and its offsets partition index: the running leader of the
    /// group's `__consumer_offsets` partition.
    pub(crate) fn group_coordinator_of(&self, group: &str) -> Result<(BrokerId, i32), KafkaError> {
        let count = self
            .controller
            .image
            .partition_count(OFFSETS_TOPIC)
            .ok_or_else(coordinator_not_available)?;
        let index = partition_for(group, count);
        let partition = TopicPartition::new(OFFSETS_TOPIC, index);
        let leader = self
            .current_leader(&partition)
            .filter(|leader| self.brokers.get(leader).is_some_and(Broker::is_up))
            .ok_or_else(coordinator_not_available)?;
        Ok((leader, index))
    }

    /// The active shard holding `group`, with its broker.
    pub(crate) fn active_group_shard(
        &self,
        group: &str,
    ) -> Result<(BrokerId, &GroupShard), KafkaError> {
        let (broker, index) = self.group_coordinator_of(group)?;
        let shard = self
            .brokers
            .get(&broker)
            .and_then(|b| b.group_coordinator.shard(index))
            .ok_or_else(coordinator_not_available)?;
        if !shard.is_active() {
            return Err(KafkaError::with_default_message(
                ErrorCode::CoordinatorLoadInProgress,
            ));
        }
        Ok((broker, shard))
    }
}

fn coordinator_not_available() -> KafkaError {
    KafkaError::with_default_message(ErrorCode::CoordinatorNotAvailable)
}
