//! One shard of the coordinator (Kafka's `GroupCoordinatorShard`): the groups and committed
//! offsets of one `__consumer_offsets` partition, held by the broker leading that partition.
//!
//! A shard is created when its broker becomes leader of the partition, loads the groups from
//! the partition's log (answering `COORDINATOR_LOAD_IN_PROGRESS` meanwhile), and is dropped when
//! the broker stops leading it (its members then get `NOT_COORDINATOR`).

use crate::vec_map::VecMap;

use crate::ids::TopicPartition;

use super::group::ClassicGroup;
use super::offsets::OffsetStore;
use super::records::{CoordinatorRecord, GroupMetadataValue, MemberMetadataValue};

/// Whether a shard serves requests yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardStatus {
    /// Reading the partition's log.
    Loading,
    /// Serving.
    Active,
}

/// The groups and offsets of one offsets partition.
#[derive(Debug, Clone)]
pub struct GroupShard {
    /// The `__consumer_offsets` partition.
    pub partition: TopicPartition,
    /// Its leader epoch when this broker became its leader.
    pub epoch: i32,
    /// Loading or active.
    pub status: ShardStatus,
    /// The groups, by id.
    pub groups: VecMap<String, ClassicGroup>,
    /// The committed offsets.
    pub offsets: OffsetStore,
    /// The current offsets retention check timer.
    pub retention_timer: Option<u64>,
}

impl GroupShard {
    /// A shard that starts loading.
    pub fn loading(partition: TopicPartition, epoch: i32) -> GroupShard {
        GroupShard {
            partition,
            epoch,
            status: ShardStatus::Loading,
            groups: VecMap::new(),
            offsets: OffsetStore::default(),
            retention_timer: None,
        }
    }

    /// Whether it serves requests.
    pub fn is_active(&self) -> bool {
        self.status == ShardStatus::Active
    }

    /// The group, created Empty (a "simple" group without protocol type) if it is new.
    pub fn get_or_create_group(&mut self, group_id: &str, now_ms: i64) -> &mut ClassicGroup {
        self.groups
            .entry(group_id.to_string())
            .or_insert_with(|| ClassicGroup::new(group_id, now_ms))
    }
}

impl ClassicGroup {
    /// `newGroupMetadataRecord`: the group with every member's subscription and its
    /// assignment from `assignment` (or its current one).
    pub fn metadata_record(
        &self,
        assignment: Option<&VecMap<String, Vec<TopicPartition>>>,
    ) -> CoordinatorRecord {
        let members = match self.protocol {
            Some(protocol) => self
                .member_ids()
                .into_iter()
                .filter_map(|id| {
                    let member = self.members.get(&id)?;
                    Some(MemberMetadataValue {
                        member_id: id.clone(),
                        group_instance_id: member.group_instance_id.clone(),
                        client_id: member.client_id.clone(),
                        client_host: member.client_host.clone(),
                        rebalance_timeout_ms: member.rebalance_timeout_ms,
                        session_timeout_ms: member.session_timeout_ms,
                        subscription: member.subscription(protocol).cloned()?,
                        assignment: match assignment {
                            Some(map) => map.get(&id).cloned().unwrap_or_default(),
                            None => member.assignment.clone(),
                        },
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        CoordinatorRecord::GroupMetadata {
            group: self.group_id.clone(),
            value: Some(GroupMetadataValue {
                protocol_type: self.protocol_type.clone(),
                generation: self.generation,
                protocol: self.protocol,
                leader: self.leader.clone(),
                current_state_timestamp_ms: self.state_timestamp_ms,
                members,
            }),
        }
    }
}
