//! What `kafka-consumer-groups` prints, from plain data only: the column layouts of
//! `ConsumerGroupCommand` (`printOffsets`, `printMembers`, `printStates`, `printGroupInfo`),
//! `GroupOffsetsResetter.printOffsetsToReset` and the messages of `shouldPrintMemberState`
//! and `deleteGroups`. Java's `%-Ns` pads to N characters, so lines keep trailing blanks as
//! Kafka prints them.

use kplay_core::vec_map::VecMap;

use kplay_core::TopicPartition;

use super::data::{GroupDescription, GroupListing, MemberDescription};
use crate::format::pad;
use crate::output::Output;

/// `-`: `ConsumerGroupCommand.MISSING_COLUMN_VALUE`.
pub const MISSING: &str = "-";

/// One row of `--describe --offsets` (`PartitionAssignmentState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetRow {
    /// The group.
    pub group: String,
    /// The topic, if the row has a partition.
    pub topic: Option<String>,
    /// The partition.
    pub partition: Option<i32>,
    /// The committed offset's leader epoch.
    pub leader_epoch: Option<i32>,
    /// The committed offset.
    pub current_offset: Option<i64>,
    /// The partition's log end offset (the high watermark, as `ListOffsets` latest reads it).
    pub log_end_offset: Option<i64>,
    /// `log end offset - committed offset`.
    pub lag: Option<i64>,
    /// The member owning it.
    pub consumer_id: Option<String>,
    /// The member's host.
    pub host: Option<String>,
    /// The member's client id.
    pub client_id: Option<String>,
}

fn text<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| MISSING.to_string(), |v| v.to_string())
}

/// `printError`: a blank line, then `Error: ...`, on standard output.
pub fn error(output: &mut Output, message: &str) {
    output.println(format!("\nError: {message}"));
}

/// `--list` without `--state` or `--type`: one group id per line.
pub fn list_plain(groups: &[GroupListing]) -> Output {
    let mut output = Output::new();
    for group in groups {
        output.println(&group.group);
    }
    output
}

/// `--list --state`/`--type`: `printGroupInfo`.
pub fn list_table(groups: &[GroupListing], include_type: bool, include_state: bool) -> Output {
    let width = groups
        .iter()
        .map(|g| g.group.len().max(15))
        .max()
        .unwrap_or(15)
        + 10;
    let line = |group: &str, kind: &str, state: &str| {
        let mut text = pad(group, width);
        if include_type {
            text.push(' ');
            text.push_str(&pad(kind, 20));
        }
        if include_state {
            text.push(' ');
            text.push_str(&pad(state, 20));
        }
        text
    };
    let mut output = Output::new();
    output.println(line("GROUP", "TYPE", "STATE"));
    for group in groups {
        output.println(line(&group.group, &group.group_type, &group.state));
    }
    output
}

/// `shouldPrintMemberState`: the state's message, and whether rows follow.
pub fn member_state_check(
    output: &mut Output,
    group: &str,
    state: Option<&str>,
    rows: Option<usize>,
) -> bool {
    let Some(rows) = rows else {
        error(
            output,
            &format!("The consumer group '{group}' does not exist."),
        );
        return false;
    };
    let state = state.unwrap_or("Unknown");
    match state {
        "Dead" => error(output, &format!("Consumer group '{group}' does not exist.")),
        "Empty" => output.eprintln(format!("\nConsumer group '{group}' has no active members.")),
        "PreparingRebalance" | "CompletingRebalance" | "Assigning" | "Reconciling" => output
            .eprintln(format!(
                "\nWarning: Consumer group '{group}' is rebalancing."
            )),
        _ => {}
    }
    state != "Dead" && rows > 0
}

/// `printOffsets` for one group's rows.
pub fn offsets_table(rows: &[OffsetRow], verbose: bool) -> String {
    let width = |f: &dyn Fn(&OffsetRow) -> usize| rows.iter().map(f).fold(15, usize::max);
    let group_width = width(&|r| r.group.len());
    let topic_width = width(&|r| r.topic.as_deref().unwrap_or(MISSING).len());
    let consumer_width = width(&|r| r.consumer_id.as_deref().unwrap_or(MISSING).len());
    let host_width = width(&|r| r.host.as_deref().unwrap_or(MISSING).len());
    let line = |cells: [String; 10]| {
        let [group, topic, partition, epoch, current, end, lag, consumer, host, client] = cells;
        let mut text = format!(
            "\n{} {} {} ",
            pad(&group, group_width),
            pad(&topic, topic_width),
            pad(&partition, 10)
        );
        if verbose {
            text.push_str(&format!("{} ", pad(&epoch, 15)));
        }
        text.push_str(&format!(
            "{} {} {} {} {} {}",
            pad(&current, 15),
            pad(&end, 15),
            pad(&lag, 15),
            pad(&consumer, consumer_width),
            pad(&host, host_width),
            client
        ));
        text
    };
    let header = [
        "GROUP",
        "TOPIC",
        "PARTITION",
        "LEADER-EPOCH",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    ]
    .map(str::to_string);
    let mut out = line(header);
    for r in rows {
        out.push_str(&line([
            r.group.clone(),
            text(r.topic.clone()),
            text(r.partition),
            text(r.leader_epoch),
            text(r.current_offset),
            text(r.log_end_offset),
            text(r.lag),
            text(r.consumer_id.clone()),
            text(r.host.clone()),
            text(r.client_id.clone()),
        ]));
    }
    out.push('\n');
    out
}

/// `getAssignmentString`: `topic:0,1;other:2`, topics sorted.
fn assignment_text(assignment: &[TopicPartition]) -> String {
    if assignment.is_empty() {
        return MISSING.to_string();
    }
    let mut by_topic: VecMap<&str, Vec<i32>> = VecMap::new();
    for partition in assignment {
        by_topic
            .entry(&partition.topic)
            .or_default()
            .push(partition.partition);
    }
    by_topic
        .into_iter()
        .map(|(topic, mut partitions)| {
            kplay_core::sort::sort(&mut partitions);
            let list: Vec<String> = partitions.iter().map(ToString::to_string).collect();
            format!("{topic}:{}", list.join(","))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `printMembers` for one group (the header is printed even when the group has no members).
pub fn members_table(description: &GroupDescription, verbose: bool) -> String {
    let members = &description.members;
    let width = |f: &dyn Fn(&MemberDescription) -> usize, min: usize| {
        members.iter().map(f).fold(min, usize::max)
    };
    let group_width = width(&|_| description.group.len(), 15);
    let consumer_width = width(&|m| m.consumer_id.len(), 15);
    let instance_width = width(&|m| m.group_instance_id.as_deref().unwrap_or("").len(), 17);
    let host_width = width(&|m| m.host.len(), 15);
    let client_width = width(&|m| m.client_id.len(), 15);
    let current_width = width(&|m| assignment_text(&m.assignment).len(), 20);
    let target_width = width(&|m| assignment_text(&m.target_assignment).len(), 20);
    let with_instance = members.iter().any(|m| {
        m.group_instance_id
            .as_deref()
            .is_some_and(|i| !i.is_empty())
    });
    let base =
        |group: &str, consumer: &str, instance: &str, host: &str, client: &str, count: &str| {
            let mut text = format!(
                "{} {} ",
                pad(group, group_width),
                pad(consumer, consumer_width)
            );
            if with_instance {
                text.push_str(&format!("{} ", pad(instance, instance_width)));
            }
            text.push_str(&format!(
                "{} {} {} ",
                pad(host, host_width),
                pad(client, client_width),
                pad(count, 15)
            ));
            text
        };
    let extra = |current_epoch: &str, current: &str, target_epoch: &str, target: &str| {
        format!(
            "{} {} {} {}",
            pad(current_epoch, 15),
            pad(current, current_width),
            pad(target_epoch, 15),
            pad(target, target_width)
        )
    };
    let mut out = format!(
        "\n{}",
        base(
            "GROUP",
            "CONSUMER-ID",
            "GROUP-INSTANCE-ID",
            "HOST",
            "CLIENT-ID",
            "#PARTITIONS"
        )
    );
    if verbose {
        out.push_str(&extra(
            "CURRENT-EPOCH",
            "CURRENT-ASSIGNMENT",
            "TARGET-EPOCH",
            "TARGET-ASSIGNMENT",
        ));
    }
    out.push('\n');
    for member in members {
        out.push_str(&base(
            &description.group,
            &member.consumer_id,
            member.group_instance_id.as_deref().unwrap_or(""),
            &member.host,
            &member.client_id,
            &member.assignment.len().to_string(),
        ));
        if verbose {
            out.push_str(&extra(
                &text(member.member_epoch),
                &assignment_text(&member.assignment),
                &text(description.target_assignment_epoch),
                &assignment_text(&member.target_assignment),
            ));
        }
        out.push('\n');
    }
    out
}

/// `printStates` for one group.
pub fn state_table(description: &GroupDescription, verbose: bool) -> String {
    let coordinator = format!(
        "{}  ({})",
        kplay_core::BrokerId(description.coordinator).address(),
        description.coordinator
    );
    let coordinator_width = coordinator.len().max(25);
    let group_width = description.group.len().max(15);
    let strategy = if description.assignment_strategy.is_empty() {
        MISSING
    } else {
        &description.assignment_strategy
    };
    let line = |cells: [&str; 7]| {
        let [group, coordinator, strategy, state, epoch, target, members] = cells;
        let mut text = format!(
            "\n{} {} {} {} ",
            pad(group, group_width),
            pad(coordinator, coordinator_width),
            pad(strategy, 20),
            pad(state, 20)
        );
        if verbose {
            text.push_str(&format!("{} {} ", pad(epoch, 15), pad(target, 25)));
        }
        text.push_str(members);
        text
    };
    let group_epoch = text(description.group_epoch);
    let target_epoch = text(description.target_assignment_epoch);
    let members = description.members.len().to_string();
    let mut out = line([
        "GROUP",
        "COORDINATOR (ID)",
        "ASSIGNMENT-STRATEGY",
        "STATE",
        "GROUP-EPOCH",
        "TARGET-ASSIGNMENT-EPOCH",
        "#MEMBERS",
    ]);
    out.push_str(&line([
        &description.group,
        &coordinator,
        strategy,
        &description.state,
        &group_epoch,
        &target_epoch,
        &members,
    ]));
    out.push('\n');
    out
}

/// `GroupOffsetsResetter.printOffsetsToReset` (rows sorted by topic and partition).
pub fn reset_table(plan: &VecMap<String, VecMap<TopicPartition, i64>>) -> String {
    let group_width = plan.keys().map(String::len).fold(15, usize::max);
    let topic_width = plan
        .values()
        .flat_map(|offsets| offsets.keys())
        .map(|p| p.topic.len())
        .fold(15, usize::max);
    let line = |group: &str, topic: &str, partition: &str, offset: &str| {
        format!(
            "\n{} {} {} {offset}",
            pad(group, group_width),
            pad(topic, topic_width),
            pad(partition, 10)
        )
    };
    let mut out = String::new();
    if !plan.is_empty() {
        out.push_str(&line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET"));
    }
    for (group, offsets) in plan {
        for (partition, offset) in offsets {
            out.push_str(&line(
                group,
                &partition.topic,
                &partition.partition.to_string(),
                &offset.to_string(),
            ));
        }
    }
    out.push('\n');
    out
}

/// What `deleteGroups` prints.
pub fn delete_result(deleted: &[String], failed: &[(String, String)]) -> Output {
    let quoted = |groups: &[String]| {
        groups
            .iter()
            .map(|g| format!("'{g}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut output = Output::new();
    if failed.is_empty() {
        output.println(format!(
            "Deletion of requested consumer groups ({}) was successful.",
            quoted(deleted)
        ));
        return output;
    }
    error(&mut output, "Deletion of some consumer groups failed:");
    for (group, exception) in failed {
        output.println(format!(
            "* Group '{group}' could not be deleted due to: {exception}"
        ));
    }
    if !deleted.is_empty() {
        output.println(format!(
            "\nThese consumer groups were deleted successfully: {}",
            quoted(deleted)
        ));
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, partitions: &[(&str, i32)]) -> MemberDescription {
        MemberDescription {
            consumer_id: id.to_string(),
            group_instance_id: None,
            host: "/127.0.0.1".to_string(),
            client_id: "consumer-1".to_string(),
            assignment: partitions
                .iter()
                .map(|(t, p)| TopicPartition::new(*t, *p))
                .collect(),
            target_assignment: Vec::new(),
            member_epoch: None,
        }
    }

    fn group() -> GroupDescription {
        GroupDescription {
            group: "g".to_string(),
            state: "Stable".to_string(),
            coordinator: 1,
            assignment_strategy: "range".to_string(),
            members: vec![
                member("m-1", &[("orders", 1)]),
                member("m-2", &[("orders", 0), ("orders", 2)]),
            ],
            group_epoch: None,
            target_assignment_epoch: None,
        }
    }

    #[test]
    fn the_offsets_table_pads_as_java_printf_does() {
        let row = OffsetRow {
            group: "g".to_string(),
            topic: Some("orders".to_string()),
            partition: Some(0),
            leader_epoch: None,
            current_offset: None,
            log_end_offset: None,
            lag: None,
            consumer_id: Some("m-2".to_string()),
            host: Some("/127.0.0.1".to_string()),
            client_id: Some("consumer-1".to_string()),
        };
        let table = offsets_table(&[row], false);
        assert_eq!(
            table,
            "\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\ng               orders          0          -               -               -               m-2             /127.0.0.1      consumer-1\n"
        );
    }

    #[test]
    fn members_and_state_tables_keep_kafkas_columns() {
        let members = members_table(&group(), false);
        assert!(members.starts_with(
            "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n"
        ));
        assert!(members.contains(
            "g               m-2             /127.0.0.1      consumer-1      2               \n"
        ));
        let verbose = members_table(&group(), true);
        assert!(verbose.contains("orders:0,2"));
        let state = state_table(&group(), false);
        assert_eq!(
            state,
            "\nGROUP           COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE                #MEMBERS\ng               localhost:9092  (1)       range                Stable               2\n"
        );
    }

    #[test]
    fn a_reset_plan_prints_one_row_per_partition() {
        let plan: VecMap<String, VecMap<TopicPartition, i64>> = [(
            "g".to_string(),
            [(TopicPartition::new("orders", 0), 0)]
                .into_iter()
                .collect(),
        )]
        .into_iter()
        .collect();
        assert_eq!(
            reset_table(&plan),
            "\nGROUP           TOPIC           PARTITION  NEW-OFFSET\ng               orders          0          0\n"
        );
    }

    #[test]
    fn deletion_reports_failures_then_successes() {
        let output = delete_result(
            &["a".to_string()],
            &[(
                "b".to_string(),
                "org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty."
                    .to_string(),
            )],
        );
        assert_eq!(
            output.text(),
            "\nError: Deletion of some consumer groups failed:\n* Group 'b' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.\n\nThese consumer groups were deleted successfully: 'a'\n"
        );
    }
}
