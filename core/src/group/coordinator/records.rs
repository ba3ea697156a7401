//! The records the group coordinator writes to `__consumer_offsets` (Kafka's `OffsetCommitKey`
//! / `OffsetCommitValue` and `GroupMetadataKey` / `GroupMetadataValue`), and how they are read
//! back when a broker loads the groups of a partition it starts leading.
//!
//! Kafka writes these as versioned binary schemas; the simulator writes readable text so a
//! learner can open `__consumer_offsets` and read it (a stated simplification):
//!
//! ```text
//! key   offset_commit::group=orders-app,topic=orders,partition=0
//! value offset=42,leader_epoch=-1,metadata=,commit_timestamp=1704067201234
//!
//! key   group_metadata::group=orders-app
//! value protocol_type=consumer,generation=3,protocol=range,leader=c1-6f1e...,current_state_timestamp=...
//!       member_id=c1-6f1e...,client_id=c1,client_host=/10.0.0.2,rebalance_timeout=300000,session_timeout=45000,subscription=orders,owned=,assignment=orders-0;orders-1
//! ```
//!
//! A tombstone (null value) deletes an offset or a group; the topic is compacted, so only the
//! latest record of each key survives. Field values escape `%`, `,`, `=`, `;` and line breaks
//! as `%25`, `%2C`, `%3D`, `%3B`, `%0A`, `%0D`.

use crate::vec_map::VecMap;

use crate::ids::{Offset, TopicPartition};
use crate::kinds::AssignorKind;
use crate::log::{RecordSet, RecordSetBuilder};
use crate::protocol::group::Subscription;

/// One committed offset as stored (`OffsetCommitValue`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetCommitValue {
    /// The next offset to read.
    pub offset: Offset,
    /// The leader epoch of the last consumed record, if known.
    pub leader_epoch: Option<i32>,
    /// The application's metadata string.
    pub metadata: String,
    /// When the coordinator accepted the commit (wall clock ms).
    pub commit_timestamp_ms: i64,
}

/// One member as stored in the group's metadata (`GroupMetadataValue.MemberMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberMetadataValue {
    /// The member id.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// `client.id`.
    pub client_id: String,
    /// Its address.
    pub client_host: String,
    /// `max.poll.interval.ms`.
    pub rebalance_timeout_ms: i64,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i64,
    /// Its subscription for the group's protocol.
    pub subscription: Subscription,
    /// Its assignment.
    pub assignment: Vec<TopicPartition>,
}

/// A group as stored (`GroupMetadataValue`): written when a generation's assignment is
/// stored, when the group becomes Empty, and when a static member is replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupMetadataValue {
    /// `consumer`, or `None` for a group without membership.
    pub protocol_type: Option<String>,
    /// The generation.
    pub generation: i32,
    /// The assignor.
    pub protocol: Option<AssignorKind>,
    /// The leader's member id.
    pub leader: Option<String>,
    /// When the group entered its state (wall clock ms).
    pub current_state_timestamp_ms: Option<i64>,
    /// The members.
    pub members: Vec<MemberMetadataValue>,
}

/// A record of `__consumer_offsets`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinatorRecord {
    /// A committed offset, or its tombstone.
    OffsetCommit {
        /// The group.
        group: String,
        /// The partition whose offset it is.
        partition: TopicPartition,
        /// The offset; `None` deletes it.
        value: Option<OffsetCommitValue>,
    },
    /// A group's metadata, or its tombstone.
    GroupMetadata {
        /// The group.
        group: String,
        /// The metadata; `None` deletes the group.
        value: Option<GroupMetadataValue>,
    },
}

const OFFSET_COMMIT: &str = "offset_commit";
const GROUP_METADATA: &str = "group_metadata";

impl CoordinatorRecord {
    /// The group the record is about.
    pub fn group(&self) -> &str {
        match self {
            CoordinatorRecord::OffsetCommit { group, .. }
            | CoordinatorRecord::GroupMetadata { group, .. } => group,
        }
    }

    /// The record's key text.
    pub fn key(&self) -> String {
        match self {
            CoordinatorRecord::OffsetCommit {
                group, partition, ..
            } => format!(
                "{OFFSET_COMMIT}::{}",
                fields(&[
                    ("group", escape(group)),
                    ("topic", escape(&partition.topic)),
                    ("partition", partition.partition.to_string()),
                ])
            ),
            CoordinatorRecord::GroupMetadata { group, .. } => {
                format!("{GROUP_METADATA}::{}", fields(&[("group", escape(group))]))
            }
        }
    }

    /// The record's value text; `None` for a tombstone.
    pub fn value(&self) -> Option<String> {
        match self {
            CoordinatorRecord::OffsetCommit { value, .. } => value.as_ref().map(offset_value),
            CoordinatorRecord::GroupMetadata { value, .. } => value.as_ref().map(group_value),
        }
    }

    /// Reads a record back; `None` for a key this coordinator does not know.
    pub fn decode(key: &[u8], value: Option<&[u8]>) -> Option<CoordinatorRecord> {
        let key = std::str::from_utf8(key).ok()?;
        let (kind, rest) = key.split_once("::")?;
        let key_fields = parse_fields(rest);
        let group = key_fields.get("group")?.clone();
        let value = match value {
            Some(bytes) => Some(std::str::from_utf8(bytes).ok()?),
            None => None,
        };
        match kind {
            OFFSET_COMMIT => {
                let topic = key_fields.get("topic")?.clone();
                let partition = key_fields.get("partition")?.parse().ok()?;
                let value = match value {
                    Some(text) => Some(parse_offset_value(text)?),
                    None => None,
                };
                Some(CoordinatorRecord::OffsetCommit {
                    group,
                    partition: TopicPartition::new(topic, partition),
                    value,
                })
            }
            GROUP_METADATA => {
                let value = match value {
                    Some(text) => Some(parse_group_value(text)?),
                    None => None,
                };
                Some(CoordinatorRecord::GroupMetadata { group, value })
            }
            _ => None,
        }
    }
}

/// The records of one write as a batch's records, stamped `timestamp_ms`.
pub fn record_set(records: &[CoordinatorRecord], timestamp_ms: i64) -> RecordSet {
    let mut builder = RecordSetBuilder::new();
    for record in records {
        let key = record.key();
        let value = record.value();
        builder.push(
            timestamp_ms,
            Some(key.as_bytes()),
            value.as_deref().map(str::as_bytes),
            &[],
        );
    }
    builder.build()
}

fn offset_value(value: &OffsetCommitValue) -> String {
    fields(&[
        ("offset", value.offset.0.to_string()),
        ("leader_epoch", value.leader_epoch.unwrap_or(-1).to_string()),
        ("metadata", escape(&value.metadata)),
        ("commit_timestamp", value.commit_timestamp_ms.to_string()),
    ])
}

fn parse_offset_value(text: &str) -> Option<OffsetCommitValue> {
    let fields = parse_fields(text);
    let leader_epoch: i32 = fields.get("leader_epoch")?.parse().ok()?;
    Some(OffsetCommitValue {
        offset: Offset(fields.get("offset")?.parse().ok()?),
        leader_epoch: (leader_epoch >= 0).then_some(leader_epoch),
        metadata: fields.get("metadata").cloned().unwrap_or_default(),
        commit_timestamp_ms: fields.get("commit_timestamp")?.parse().ok()?,
    })
}

fn group_value(value: &GroupMetadataValue) -> String {
    let mut header = vec![
        (
            "protocol_type",
            escape(value.protocol_type.as_deref().unwrap_or("")),
        ),
        ("generation", value.generation.to_string()),
    ];
    if let Some(protocol) = value.protocol {
        header.push(("protocol", protocol.protocol_name().to_string()));
    }
    if let Some(leader) = &value.leader {
        header.push(("leader", escape(leader)));
    }
    if let Some(timestamp) = value.current_state_timestamp_ms {
        header.push(("current_state_timestamp", timestamp.to_string()));
    }
    let mut lines = vec![fields(&header)];
    lines.extend(value.members.iter().map(member_value));
    lines.join("\n")
}

fn member_value(member: &MemberMetadataValue) -> String {
    let mut line = vec![("member_id", escape(&member.member_id))];
    if let Some(instance) = &member.group_instance_id {
        line.push(("group_instance_id", escape(instance)));
    }
    line.push(("client_id", escape(&member.client_id)));
    line.push(("client_host", escape(&member.client_host)));
    line.push(("rebalance_timeout", member.rebalance_timeout_ms.to_string()));
    line.push(("session_timeout", member.session_timeout_ms.to_string()));
    line.push(("subscription", list(&member.subscription.topics)));
    line.push(("owned", partitions(&member.subscription.owned_partitions)));
    if let Some(generation) = member.subscription.generation {
        line.push(("subscription_generation", generation.to_string()));
    }
    if let Some(rack) = &member.subscription.rack_id {
        line.push(("rack", escape(rack)));
    }
    line.push(("assignment", partitions(&member.assignment)));
    fields(&line)
}

fn parse_group_value(text: &str) -> Option<GroupMetadataValue> {
    let mut lines = text.split('\n');
    let header = parse_fields(lines.next()?);
    let protocol_type = header.get("protocol_type").filter(|t| !t.is_empty());
    let members = lines
        .filter(|line| !line.is_empty())
        .map(parse_member_value)
        .collect::<Option<Vec<_>>>()?;
    Some(GroupMetadataValue {
        protocol_type: protocol_type.cloned(),
        generation: header.get("generation")?.parse().ok()?,
        protocol: match header.get("protocol") {
            Some(name) => Some(AssignorKind::parse(name)?),
            None => None,
        },
        leader: header.get("leader").cloned(),
        current_state_timestamp_ms: match header.get("current_state_timestamp") {
            Some(timestamp) => Some(timestamp.parse().ok()?),
            None => None,
        },
        members,
    })
}

fn parse_member_value(line: &str) -> Option<MemberMetadataValue> {
    let fields = parse_fields(line);
    Some(MemberMetadataValue {
        member_id: fields.get("member_id")?.clone(),
        group_instance_id: fields.get("group_instance_id").cloned(),
        client_id: fields.get("client_id").cloned().unwrap_or_default(),
        client_host: fields.get("client_host").cloned().unwrap_or_default(),
        rebalance_timeout_ms: fields.get("rebalance_timeout")?.parse().ok()?,
        session_timeout_ms: fields.get("session_timeout")?.parse().ok()?,
        subscription: Subscription {
            topics: parse_list(fields.get("subscription").map_or("", String::as_str)),
            owned_partitions: parse_partitions(fields.get("owned").map_or("", String::as_str))?,
            generation: match fields.get("subscription_generation") {
                Some(generation) => Some(generation.parse().ok()?),
                None => None,
            },
            rack_id: fields.get("rack").cloned(),
        },
        assignment: parse_partitions(fields.get("assignment").map_or("", String::as_str))?,
    })
}

/// `a=1,b=2` from already escaped values.
fn fields(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Name -> unescaped value.
fn parse_fields(text: &str) -> VecMap<String, String> {
    crate::sort::to_map(
        text.split(',')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.to_string(), unescape(value))),
    )
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| escape(item))
        .collect::<Vec<_>>()
        .join(";")
}

fn parse_list(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    text.split(';').map(unescape).collect()
}

fn partitions(items: &[TopicPartition]) -> String {
    let names: Vec<String> = items.iter().map(ToString::to_string).collect();
    list(&names)
}

fn parse_partitions(text: &str) -> Option<Vec<TopicPartition>> {
    parse_list(text)
        .iter()
        .map(|item| {
            let (topic, partition) = item.rsplit_once('-')?;
            Some(TopicPartition::new(topic, partition.parse().ok()?))
        })
        .collect()
}

/// Escapes the characters the format uses as separators.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '%' => escaped.push_str("%25"),
            ',' => escaped.push_str("%2C"),
            '=' => escaped.push_str("%3D"),
            ';' => escaped.push_str("%3B"),
            '\n' => escaped.push_str("%0A"),
            '\r' => escaped.push_str("%0D"),
            other => escaped.push(other),
        }
    }
    escaped
}

fn unescape(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(index) = rest.find('%') {
        plain.push_str(&rest[..index]);
        let code = rest.get(index + 1..index + 3);
        let decoded = match code {
            Some("25") => Some('%'),
            Some("2C") => Some(','),
            Some("3D") => Some('='),
            Some("3B") => Some(';'),
            Some("0A") => Some('\n'),
            Some("0D") => Some('\r'),
            _ => None,
        };
        match decoded {
            Some(character) => {
                plain.push(character);
                rest = &rest[index + 3..];
            }
            None => {
                plain.push('%');
                rest = &rest[index + 1..];
            }
        }
    }
    plain.push_str(rest);
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(record: &CoordinatorRecord) -> Option<CoordinatorRecord> {
        let key = record.key();
        let value = record.value();
        CoordinatorRecord::decode(key.as_bytes(), value.as_deref().map(str::as_bytes))
    }

    #[test]
    fn an_offset_commit_reads_as_text_and_back() {
        let record = CoordinatorRecord::OffsetCommit {
            group: "orders-app".into(),
            partition: TopicPartition::new("orders", 0),
            value: Some(OffsetCommitValue {
                offset: Offset(42),
                leader_epoch: None,
                metadata: String::new(),
                commit_timestamp_ms: 1_704_067_201_234,
            }),
        };
        assert_eq!(
            record.key(),
            "offset_commit::group=orders-app,topic=orders,partition=0"
        );
        assert_eq!(
            record.value().as_deref(),
            Some("offset=42,leader_epoch=-1,metadata=,commit_timestamp=1704067201234")
        );
        assert_eq!(round_trip(&record), Some(record));
    }

    #[test]
    fn tombstones_have_no_value() {
        let record = CoordinatorRecord::GroupMetadata {
            group: "g".into(),
            value: None,
        };
        assert_eq!(record.value(), None);
        assert_eq!(round_trip(&record), Some(record));
    }

    #[test]
    fn group_metadata_with_members_round_trips_even_with_separators_in_names() {
        let member = MemberMetadataValue {
            member_id: "c,1=x-uuid".into(),
            group_instance_id: Some("inst;a".into()),
            client_id: "c,1=x".into(),
            client_host: "/10.0.0.2".into(),
            rebalance_timeout_ms: 300_000,
            session_timeout_ms: 45_000,
            subscription: Subscription {
                topics: vec!["orders".into(), "pay.ments".into()],
                owned_partitions: vec![TopicPartition::new("orders", 1)],
                generation: Some(3),
                rack_id: Some("rack%1".into()),
            },
            assignment: vec![
                TopicPartition::new("orders", 0),
                TopicPartition::new("my-topic", 12),
            ],
        };
        let record = CoordinatorRecord::GroupMetadata {
            group: "group,with\nodd=chars".into(),
            value: Some(GroupMetadataValue {
                protocol_type: Some("consumer".into()),
                generation: 4,
                protocol: Some(AssignorKind::CooperativeSticky),
                leader: Some("c,1=x-uuid".into()),
                current_state_timestamp_ms: Some(7),
                members: vec![member.clone(), member],
            }),
        };
        assert_eq!(round_trip(&record), Some(record));
    }

    #[test]
    fn an_empty_simple_group_round_trips() {
        let record = CoordinatorRecord::GroupMetadata {
            group: "g".into(),
            value: Some(GroupMetadataValue {
                protocol_type: None,
                generation: 0,
                protocol: None,
                leader: None,
                current_state_timestamp_ms: None,
                members: Vec::new(),
            }),
        };
        assert_eq!(
            record.value().as_deref(),
            Some("protocol_type=,generation=0")
        );
        assert_eq!(round_trip(&record), Some(record));
    }

    #[test]
    fn unknown_keys_are_skipped() {
        assert_eq!(CoordinatorRecord::decode(b"something else", None), None);
        assert_eq!(CoordinatorRecord::decode(b"other::group=g", None), None);
    }
}
