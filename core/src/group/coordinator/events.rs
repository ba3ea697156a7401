//! What the group coordinator did, as events the UI animates and learners read. Rebalance
//! reasons are Kafka's own log wording (`GroupMetadataManager`), so a learner recognises them in
//! a real broker's log.

use serde::{Deserialize, Serialize};

use crate::cluster::event::partitions;
use crate::ids::{BrokerId, Offset, ProducerId, TopicPartition};

/// Why a member left its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemovalReason {
    /// No heartbeat for `session.timeout.ms`.
    SessionTimeout {
        /// The member's `session.timeout.ms`.
        session_timeout_ms: i64,
    },
    /// It sent LeaveGroup (closing, or `max.poll.interval.ms` passed without a poll).
    LeaveGroup {
        /// The reason it gave (KIP-800).
        reason: String,
    },
    /// It did not rejoin within the rebalance timeout (`max.poll.interval.ms`).
    NotRejoined {
        /// The group's rebalance timeout.
        rebalance_timeout_ms: i64,
    },
    /// It did not send SyncGroup within the rebalance timeout.
    NoSyncGroup {
        /// The group's rebalance timeout.
        rebalance_timeout_ms: i64,
    },
}

/// Something the group coordinator did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GroupEvent {
    /// A member was added to a group.
    MemberJoined {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// Its new member id.
        member_id: String,
        /// Its `client.id`.
        client_id: String,
        /// Its `group.instance.id`.
        group_instance_id: Option<String>,
    },
    /// The group started a rebalance (PreparingRebalance).
    RebalanceStarted {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// The generation that is ending.
        generation: i32,
        /// Kafka's reason.
        reason: String,
    },
    /// The join phase ended: a new generation with its members (CompletingRebalance), or an
    /// Empty group.
    GenerationStarted {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// The new generation.
        generation: i32,
        /// The chosen assignor.
        protocol: Option<String>,
        /// The leader, who runs the assignor.
        leader: Option<String>,
        /// The members.
        members: Vec<String>,
    },
    /// The leader's assignment was stored in `__consumer_offsets` and sent to every member.
    GroupStabilized {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// The generation.
        generation: i32,
        /// Member id -> partitions.
        assignment: Vec<(String, Vec<TopicPartition>)>,
    },
    /// A member left the group.
    MemberRemoved {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// The member.
        member_id: String,
        /// Why.
        reason: RemovalReason,
    },
    /// A static member rejoined with a new member id.
    StaticMemberReplaced {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// Its `group.instance.id`.
        group_instance_id: String,
        /// The member id it had.
        old_member_id: String,
        /// The member id it has now.
        new_member_id: String,
    },
    /// Committed offsets expired (`offsets.retention.minutes`, KIP-211) and were tombstoned.
    OffsetsExpired {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// The partitions whose offsets went.
        partitions: Vec<TopicPartition>,
        /// `offsets.retention.minutes`, in ms.
        retention_ms: i64,
    },
    /// A group was removed: deleted by an admin, or Empty with every offset expired.
    GroupRemoved {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// Whether `kafka-consumer-groups --delete` removed it (else: expiration).
        deleted_by_admin: bool,
    },
    /// `kafka-consumer-groups --reset-offsets --execute` changed committed offsets.
    OffsetsReset {
        /// The group.
        group: String,
        /// The coordinator.
        coordinator: BrokerId,
        /// The new offsets.
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// A broker became coordinator of the groups of an offsets partition and loaded them from
    /// its log.
    GroupsLoaded {
        /// The `__consumer_offsets` partition.
        partition: TopicPartition,
        /// The broker.
        coordinator: BrokerId,
        /// Groups loaded.
        groups: i32,
        /// Committed offsets loaded.
        offsets: i32,
    },
    /// A broker stopped leading an offsets partition and dropped its groups.
    GroupsUnloaded {
        /// The `__consumer_offsets` partition.
        partition: TopicPartition,
        /// The broker.
        coordinator: BrokerId,
        /// Groups dropped.
        groups: i32,
    },
    /// A transaction's marker reached an offsets partition: its offsets became committed or
    /// were dropped.
    TransactionalOffsetsCompleted {
        /// The `__consumer_offsets` partition.
        partition: TopicPartition,
        /// The coordinator.
        coordinator: BrokerId,
        /// The producer.
        producer_id: ProducerId,
        /// COMMIT (true) or ABORT.
        commit: bool,
        /// The offsets that became committed.
        offsets: Vec<(String, TopicPartition, Offset)>,
    },
}

impl GroupEvent {
    /// The compact trace form.
    pub fn trace(&self) -> String {
        match self {
            GroupEvent::MemberJoined {
                group, member_id, ..
            } => format!("member-joined group={group} member={member_id}"),
            GroupEvent::RebalanceStarted {
                group, generation, ..
            } => format!("rebalance group={group} old-generation={generation}"),
            GroupEvent::GenerationStarted {
                group,
                generation,
                protocol,
                members,
                ..
            } => format!(
                "generation group={group} generation={generation} protocol={} members={}",
                protocol.as_deref().unwrap_or("-"),
                members.len()
            ),
            GroupEvent::GroupStabilized {
                group, generation, ..
            } => format!("stable group={group} generation={generation}"),
            GroupEvent::MemberRemoved {
                group, member_id, ..
            } => format!("member-removed group={group} member={member_id}"),
            GroupEvent::StaticMemberReplaced {
                group,
                group_instance_id,
                ..
            } => format!("static-member-rejoined group={group} instance={group_instance_id}"),
            GroupEvent::OffsetsExpired {
                group,
                partitions: expired,
                ..
            } => format!(
                "offsets-expired group={group} partitions={}",
                partitions(expired)
            ),
            GroupEvent::GroupRemoved { group, .. } => format!("group-removed group={group}"),
            GroupEvent::OffsetsReset { group, offsets, .. } => {
                format!("offsets-reset group={group} {}", offsets_text(offsets))
            }
            GroupEvent::GroupsLoaded {
                partition,
                coordinator,
                groups,
                ..
            } => format!("groups-loaded {partition} coordinator={coordinator} groups={groups}"),
            GroupEvent::GroupsUnloaded {
                partition,
                coordinator,
                ..
            } => format!("groups-unloaded {partition} broker={coordinator}"),
            GroupEvent::TransactionalOffsetsCompleted {
                partition,
                producer_id,
                commit,
                ..
            } => format!("txn-offsets {partition} pid={producer_id} commit={commit}"),
        }
    }

    /// The plain-language description.
    pub fn describe(&self) -> String {
        match self {
            GroupEvent::MemberJoined {
                group,
                coordinator,
                member_id,
                client_id,
                group_instance_id,
            } => {
                let membership = match group_instance_id {
                    Some(instance) => format!("static member (group.instance.id={instance})"),
                    None => "dynamic member".to_string(),
                };
                format!("Coordinator {coordinator} added {client_id} to group {group} as {membership} {member_id}.")
            }
            GroupEvent::RebalanceStarted {
                group,
                coordinator,
                generation,
                reason,
            } => format!(
                // Some of Kafka's reasons end with a full stop of their own.
                "Coordinator {coordinator} is preparing to rebalance group {group} (old generation {generation}): {}. Members must rejoin with JoinGroup; their heartbeats are answered REBALANCE_IN_PROGRESS.",
                reason.trim_end_matches('.')
            ),
            GroupEvent::GenerationStarted {
                group,
                coordinator,
                generation,
                protocol,
                leader,
                members,
            } => match (members.is_empty(), protocol, leader) {
                (false, Some(protocol), Some(leader)) => format!(
                    "Coordinator {coordinator} started generation {generation} of group {group} with {} member(s); assignor {protocol} was chosen by vote, and leader {leader} computes the assignment and sends it in SyncGroup.",
                    members.len()
                ),
                _ => format!(
                    "Group {group} is now Empty (generation {generation}): no member is left; its committed offsets expire offsets.retention.minutes after this."
                ),
            },
            GroupEvent::GroupStabilized {
                group,
                coordinator,
                generation,
                assignment,
            } => {
                let parts: Vec<String> = assignment
                    .iter()
                    .map(|(member, assigned)| format!("{member} {}", partitions(assigned)))
                    .collect();
                format!(
                    "Group {group} is Stable in generation {generation}: coordinator {coordinator} stored the leader's assignment in __consumer_offsets and answered every SyncGroup ({}).",
                    parts.join("; ")
                )
            }
            GroupEvent::MemberRemoved {
                group,
                member_id,
                reason,
                ..
            } => describe_removal(group, member_id, reason),
            GroupEvent::StaticMemberReplaced {
                group,
                group_instance_id,
                old_member_id,
                new_member_id,
                ..
            } => format!(
                "Static member {group_instance_id} of group {group} came back as {new_member_id} (was {old_member_id}) before its session timed out: it keeps its assignment and no rebalance happens."
            ),
            GroupEvent::OffsetsExpired {
                group,
                partitions: expired,
                retention_ms,
                ..
            } => format!(
                "The committed offsets of group {group} for {} expired (offsets.retention.minutes={}) and were deleted with tombstones.",
                partitions(expired),
                retention_ms / 60_000
            ),
            GroupEvent::GroupRemoved {
                group,
                deleted_by_admin: true,
                ..
            } => format!("Group {group} and its committed offsets were deleted (kafka-consumer-groups --delete)."),
            GroupEvent::GroupRemoved { group, .. } => format!(
                "Group {group} is gone: it was Empty and all its offsets expired, so the coordinator wrote a tombstone for it."
            ),
            GroupEvent::OffsetsReset { group, offsets, .. } => format!(
                "The committed offsets of group {group} were reset: {}.",
                offsets_text(offsets)
            ),
            GroupEvent::GroupsLoaded {
                partition,
                coordinator,
                groups,
                offsets,
            } => format!(
                "Broker {coordinator} leads {partition} and is now coordinator of its groups: it read the partition's log and loaded {groups} group(s) and {offsets} committed offset(s)."
            ),
            GroupEvent::GroupsUnloaded {
                partition,
                coordinator,
                groups,
            } => format!(
                "Broker {coordinator} no longer leads {partition}: it dropped its {groups} group(s); their members get NOT_COORDINATOR and look for the new coordinator."
            ),
            GroupEvent::TransactionalOffsetsCompleted {
                partition,
                producer_id,
                commit: true,
                offsets,
                ..
            } => format!(
                "The COMMIT marker of producer {producer_id} reached {partition}: {} transactional offset(s) became committed.",
                offsets.len()
            ),
            GroupEvent::TransactionalOffsetsCompleted {
                partition,
                producer_id,
                ..
            } => format!(
                "The ABORT marker of producer {producer_id} reached {partition}: its transactional offsets were dropped."
            ),
        }
    }
}

fn describe_removal(group: &str, member_id: &str, reason: &RemovalReason) -> String {
    match reason {
        RemovalReason::SessionTimeout { session_timeout_ms } => format!(
            "Member {member_id} of group {group} sent no heartbeat for session.timeout.ms={session_timeout_ms}: the coordinator removed it and its partitions go to the others."
        ),
        RemovalReason::LeaveGroup { reason } => format!(
            "Member {member_id} left group {group} with LeaveGroup (reason: {reason})."
        ),
        RemovalReason::NotRejoined {
            rebalance_timeout_ms,
        } => format!(
            "Member {member_id} of group {group} did not rejoin within the rebalance timeout ({rebalance_timeout_ms} ms, the largest max.poll.interval.ms): it was removed."
        ),
        RemovalReason::NoSyncGroup {
            rebalance_timeout_ms,
        } => format!(
            "Member {member_id} of group {group} sent no SyncGroup within {rebalance_timeout_ms} ms: it was removed and the group rebalances again."
        ),
    }
}

fn offsets_text(offsets: &[(TopicPartition, Offset)]) -> String {
    offsets
        .iter()
        .map(|(partition, offset)| format!("{partition}={offset}"))
        .collect::<Vec<_>>()
        .join(", ")
}
