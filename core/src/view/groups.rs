//! Consumer groups as `kafka-consumer-groups` shows them (`ConsumerGroupCommand`):
//! `--list [--state]`, `--describe --state`, `--describe --members [--verbose]` and
//! `--describe [--offsets]`, read from the coordinators' state.
//!
//! A group is read from the shard of the running broker the controller names leader of the
//! group's `__consumer_offsets` partition; a group whose coordinator is unavailable or still
//! loading is not shown (the tool would wait and retry). `LOG-END-OFFSET` is what the tool gets
//! from ListOffsets(latest): the leader's high watermark.

use serde::{Deserialize, Serialize};

use crate::cluster::Cluster;
use crate::group::coordinator::group::ClassicGroup;
use crate::group::coordinator::offsets::CommittedOffset;
use crate::group::coordinator::shard::GroupShard;
use crate::group::coordinator::OFFSETS_TOPIC;
use crate::ids::{BrokerId, Offset, TopicPartition};

/// One line of `--list --state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupListing {
    /// The group.
    pub group_id: String,
    /// `Empty`, `PreparingRebalance`, `CompletingRebalance`, `Stable`.
    pub state: String,
    /// `consumer`, or empty for a group that only stores offsets.
    pub protocol_type: String,
    /// The coordinator.
    pub coordinator: BrokerId,
}

/// One member, as `--describe --members --verbose` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMemberView {
    /// CONSUMER-ID.
    pub member_id: String,
    /// GROUP-INSTANCE-ID.
    pub group_instance_id: Option<String>,
    /// CLIENT-ID.
    pub client_id: String,
    /// HOST.
    pub host: String,
    /// ASSIGNMENT (#PARTITIONS is its length).
    pub assignment: Vec<TopicPartition>,
    /// Whether it is the group's leader.
    pub is_leader: bool,
}

/// `--describe --state` and `--members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    /// GROUP.
    pub group_id: String,
    /// COORDINATOR (ID).
    pub coordinator: BrokerId,
    /// The `__consumer_offsets` partition holding the group.
    pub offsets_partition: TopicPartition,
    /// STATE.
    pub state: String,
    /// The protocol type (`consumer`, or empty).
    pub protocol_type: String,
    /// ASSIGNMENT-STRATEGY: the assignor chosen for the generation, if any.
    pub assignment_strategy: Option<String>,
    /// The generation.
    pub generation: i32,
    /// The leader's member id.
    pub leader: Option<String>,
    /// The members, in Kafka's order (#MEMBERS is their count).
    pub members: Vec<GroupMemberView>,
}

/// One row of `--describe --offsets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOffsetRow {
    /// TOPIC.
    pub topic: String,
    /// PARTITION.
    pub partition: i32,
    /// CURRENT-OFFSET: the committed offset.
    pub current_offset: Option<Offset>,
    /// LEADER-EPOCH of the committed offset (`--verbose`).
    pub leader_epoch: Option<i32>,
    /// LOG-END-OFFSET.
    pub log_end_offset: Option<Offset>,
    /// LAG.
    pub lag: Option<i64>,
    /// CONSUMER-ID, `None` printed as `-`.
    pub consumer_id: Option<String>,
    /// HOST.
    pub host: Option<String>,
    /// CLIENT-ID.
    pub client_id: Option<String>,
}

impl Cluster {
    /// `--list --state`: every group of every available coordinator, by group id.
    pub fn group_listings(&self) -> Vec<GroupListing> {
        let mut listings: Vec<GroupListing> = self
            .available_shards()
            .into_iter()
            .flat_map(|(coordinator, shard)| {
                shard.groups.values().map(move |group| GroupListing {
                    group_id: group.group_id.clone(),
                    state: group.state.to_string(),
                    protocol_type: group.protocol_type.clone().unwrap_or_default(),
                    coordinator,
                })
            })
            .collect();
        crate::sort::sort_by(&mut listings, |a, b| a.group_id.cmp(&b.group_id));
        listings
    }

    /// `--describe --state --members`: the group, if its coordinator knows it.
    pub fn describe_group(&self, group_id: &str) -> Option<GroupView> {
        let (coordinator, shard) = self.active_group_shard(group_id).ok()?;
        let group = shard.groups.get(group_id)?;
        Some(GroupView {
            group_id: group_id.to_string(),
            coordinator,
            offsets_partition: shard.partition.clone(),
            state: group.state.to_string(),
            protocol_type: group.protocol_type.clone().unwrap_or_default(),
            assignment_strategy: group.protocol.map(|p| p.protocol_name().to_string()),
            generation: group.generation,
            leader: group.leader.clone(),
            members: members(group),
        })
    }

    /// `--describe --offsets`: members with partitions first (most partitions first, each
    /// member's partitions in order), then committed partitions nobody owns.
    pub fn group_offsets(&self, group_id: &str) -> Option<Vec<GroupOffsetRow>> {
        let (_, shard) = self.active_group_shard(group_id).ok()?;
        let group = shard.groups.get(group_id)?;
        let mut owners = members(group);
        owners.retain(|member| !member.assignment.is_empty());
        // A stable sort: ties keep Kafka's member order.
        crate::sort::sort_by_key(&mut owners, |member| {
            std::cmp::Reverse(member.assignment.len())
        });
        let mut rows = Vec::new();
        let mut assigned: Vec<TopicPartition> = Vec::new();
        for member in &owners {
            let mut partitions = member.assignment.clone();
            crate::sort::sort(&mut partitions);
            for partition in partitions {
                rows.push(self.offset_row(shard, group_id, &partition, Some(member)));
                assigned.push(partition);
            }
        }
        if let Some(committed) = shard.offsets.group(group_id) {
            for partition in committed.keys().filter(|p| !assigned.contains(p)) {
                rows.push(self.offset_row(shard, group_id, partition, None));
            }
        }
        Some(rows)
    }

    /// The committed offset of `group_id` for `partition`, as its coordinator knows it.
    pub fn committed_offset(&self, group_id: &str, partition: &TopicPartition) -> Option<Offset> {
        let (_, shard) = self.active_group_shard(group_id).ok()?;
        shard.offsets.get(group_id, partition).map(|o| o.offset)
    }

    fn offset_row(
        &self,
        shard: &GroupShard,
        group_id: &str,
        partition: &TopicPartition,
        owner: Option<&GroupMemberView>,
    ) -> GroupOffsetRow {
        let committed: Option<&CommittedOffset> = shard.offsets.get(group_id, partition);
        let log_end_offset = self.latest_offset(partition);
        let current_offset = committed.map(|c| c.offset);
        GroupOffsetRow {
            topic: partition.topic.clone(),
            partition: partition.partition,
            current_offset,
            leader_epoch: committed.and_then(|c| c.leader_epoch),
            log_end_offset,
            lag: current_offset
                .zip(log_end_offset)
                .map(|(offset, end)| end.0 - offset.0),
            consumer_id: owner.map(|m| m.member_id.clone()),
            host: owner.map(|m| m.host.clone()),
            client_id: owner.map(|m| m.client_id.clone()),
        }
    }

    /// ListOffsets(latest) of a partition: its running leader's high watermark.
    fn latest_offset(&self, partition: &TopicPartition) -> Option<Offset> {
        let leader = self.current_leader(partition)?;
        let broker = self.brokers.get(&leader).filter(|b| b.is_up())?;
        broker.replicas.get(partition).map(|r| r.high_watermark)
    }

    /// The active shards of the brokers the controller names leaders of offsets partitions.
    fn available_shards(&self) -> Vec<(BrokerId, &GroupShard)> {
        let count = self.partition_count(OFFSETS_TOPIC).unwrap_or(0);
        (0..count)
            .filter_map(|index| {
                let partition = TopicPartition::new(OFFSETS_TOPIC, index);
                let leader = self.current_leader(&partition)?;
                let broker = self.brokers.get(&leader).filter(|b| b.is_up())?;
                let shard = broker.group_coordinator.shard(index)?;
                shard.is_active().then_some((leader, shard))
            })
            .collect()
    }
}

fn members(group: &ClassicGroup) -> Vec<GroupMemberView> {
    group
        .member_ids()
        .into_iter()
        .filter_map(|id| {
            let member = group.members.get(&id)?;
            Some(GroupMemberView {
                member_id: id.clone(),
                group_instance_id: member.group_instance_id.clone(),
                client_id: member.client_id.clone(),
                host: member.client_host.clone(),
                assignment: member.assignment.clone(),
                is_leader: group.is_leader(&id),
            })
        })
        .collect()
}
