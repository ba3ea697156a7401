//! `kafka-consumer-groups`: list and describe consumer groups, reset their committed offsets
//! and delete them, printing what Kafka's `ConsumerGroupCommand` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java`,
//! `ConsumerGroupCommandOptions.java` and `tools/.../GroupOffsetsResetter.java`. The parsing
//! and the checks of `ConsumerGroupCommandOptions.checkArgs` are here, the output in
//! [`format`]; the groups come from the core's coordinator views ([`data`]), the new offsets of
//! a reset from the core's plan (`Cluster::plan_offset_reset`, which `--execute` commits as
//! `Command::ResetOffsets`), and `--delete` is `Command::DeleteGroup`.
//!
//! With no broker to reach, the action's first admin call waits `--timeout` (5 s by default)
//! for a node and fails (see `no_broker_reached`): `Error: Executing consumer group command
//! failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node
//! assignment. Call: describeConsumerGroups(api=FIND_COORDINATOR)`, or, for a listing,
//! `... KafkaException: Failed to find brokers to send ListGroups`.
//!
//! Simplified: the admin requests take no simulated time (but for that wait); groups are
//! listed by id and the rows of a reset plan sorted by topic and partition (Kafka prints in its
//! maps' order);
//! `--to-datetime` without an offset is UTC; brokers are addressed `localhost:9092` (broker 1),
//! `localhost:9093` (broker 2), ...; the usage text and stack traces are left out;
//! `--delete-offsets`, `--validate-regex`, `--export` and `--from-file` are not available.
//! Until some consumer has asked for a group coordinator, `__consumer_offsets` does not exist
//! and no coordinator answers (the real admin client's FindCoordinator would have the brokers
//! create it and retry): a group then does not exist, and a reset fails with
//! `CoordinatorNotAvailableException`.

pub mod data;
pub mod format;
pub mod reset;

use kplay_core::vec_map::VecMap;

use kplay_core::{Command, ErrorCode, KafkaError, ResetSpec, TopicPartition};

use self::data::{committed_offset, describe_group, list_groups, offset_rows, GroupDescription};
use super::log_line;
use crate::error::ParseError;
use crate::format::parse_datetime_ms;
use crate::options::{self, Opt, Parsed, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;
use crate::tools::TIMEOUT_EXCEPTION;
use kplay_core::config::duration::JavaDuration;

/// The tool's name.
pub const NAME: &str = "kafka-consumer-groups";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::flag("all-groups", "Apply to all consumer groups."),
    Opt::flag("all-topics", "Consider all topics assigned to a group in the `reset-offsets` process."),
    Opt::text("bootstrap-server", "REQUIRED: The server(s) to connect to. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("by-duration", "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'"),
    Opt::flag("delete", "Pass in groups to delete topic partition offsets and ownership information over the entire consumer group. For instance --group g1 --group g2"),
    Opt::flag("describe", "Describe consumer group and list offset lag (number of messages not yet processed) related to given group."),
    Opt::flag("dry-run", "Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets."),
    Opt::flag("execute", "Execute operation. Supported operations: reset-offsets."),
    Opt::text("group", "The consumer group we wish to act on."),
    HELP,
    Opt::flag("list", "List all consumer groups."),
    Opt::flag("members", "Describe members of the group. This option may be used with '--describe' and '--bootstrap-server' options only."),
    Opt::flag("offsets", "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of and may be used with '--describe' and '--bootstrap-server' options only."),
    Opt::flag("reset-offsets", "Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive. Has 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets. You must choose one of the following reset specifications: --to-datetime, --by-duration, --to-earliest, --to-latest, --shift-by, --to-current, --to-offset. To define the scope use --all-topics or --topic."),
    Opt::long("shift-by", "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative."),
    Opt::optional("state", "When specified with '--describe', includes the state of the group. When specified with '--list', it displays the state of all groups. It can also be used to list groups with specific states (for example --state stable,empty)."),
    Opt::long("timeout", "The timeout that can be set for some use cases. (default: 5000)"),
    Opt::flag("to-current", "Reset offsets to current offset."),
    Opt::text("to-datetime", "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'"),
    Opt::flag("to-earliest", "Reset offsets to earliest offset."),
    Opt::flag("to-latest", "Reset offsets to latest offset."),
    Opt::long("to-offset", "Reset offsets to a specific offset."),
    Opt::text("topic", "The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process. In `reset-offsets` case, partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the process. Reset-offsets also supports multiple topic inputs."),
    Opt::optional("type", "When specified with '--list', it displays the types of all the groups. It can also be used to list groups with specific types (classic, consumer)."),
    Opt::flag("verbose", "Provide additional information, if any, when describing the group. This option may be used with '--offsets'/'--members'/'--state' and '--bootstrap-server' options only."),
    Opt::flag("version", "Display Kafka version."),
];

/// `--timeout`'s default: the `timeoutMs` of the tool's admin calls.
const DEFAULT_TIMEOUT_MS: i64 = 5_000;

/// Kafka's options the playground does not model.
const UNMODELLED: &[&str] = &[
    "delete-offsets",
    "validate-regex",
    "export",
    "from-file",
    "command-config",
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
Group data comes from the brokers' group coordinators, at once (no simulated time passes;
with no broker running, the tool waits --timeout and fails as Kafka's does).
Groups are all classic groups. Until a consumer with a group.id has made the brokers create
__consumer_offsets, no coordinator answers the tool. Brokers are addressed localhost:9092
(broker 1), localhost:9093 (broker 2), ... A reset plan lists partitions sorted; --to-datetime
without an offset is UTC. --delete-offsets, --validate-regex, --export and --from-file are not
available.";

/// Which groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Groups {
    /// `--all-groups`.
    All,
    /// `--group` (repeatable).
    Named(Vec<String>),
}

/// What `--describe` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescribeView {
    /// `--offsets` (the default).
    Offsets,
    /// `--members`.
    Members,
    /// `--state`.
    State,
}

/// A parsed `kafka-consumer-groups` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupsArgs {
    /// `--list`.
    List {
        /// `--state`, with its optional filter.
        state: Option<Vec<String>>,
        /// `--type`, with its optional filter.
        types: Option<Vec<String>>,
        /// `--timeout`.
        timeout_ms: i64,
    },
    /// `--describe`.
    Describe {
        /// The groups.
        groups: Groups,
        /// What to show.
        view: DescribeView,
        /// `--verbose`.
        verbose: bool,
        /// `--timeout`.
        timeout_ms: i64,
    },
    /// `--reset-offsets`.
    ResetOffsets {
        /// The groups.
        groups: Groups,
        /// `--topic` values (`t` or `t:0,1`); empty with `--all-topics`.
        topics: Vec<String>,
        /// Where to.
        spec: ResetSpec,
        /// `--execute` (else a dry run).
        execute: bool,
        /// Whether `--dry-run` or `--execute` was given (else Kafka warns).
        explicit: bool,
        /// `--timeout`.
        timeout_ms: i64,
    },
    /// `--delete`.
    Delete {
        /// The groups.
        groups: Groups,
        /// `--timeout`.
        timeout_ms: i64,
    },
}

const ACTIONS: &[&str] = &["list", "describe", "delete", "reset-offsets"];
const SCENARIOS: &[&str] = &[
    "to-offset",
    "shift-by",
    "to-datetime",
    "by-duration",
    "to-earliest",
    "to-latest",
    "to-current",
];
const STATES: &[&str] = &[
    "PreparingRebalance",
    "CompletingRebalance",
    "Stable",
    "Dead",
    "Empty",
    "Assigning",
    "Reconciling",
];

fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(
        0,
        word,
        format!("kafka-consumer-groups: {}", message.into()),
    )
}

/// Parses the options (`ConsumerGroupCommandOptions.checkArgs`).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    options::refuse_unmodelled(args, UNMODELLED)?;
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    if parsed.count_of(ACTIONS) != 1 {
        return Err(usage(NAME, "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets, --validate-regex"));
    }
    check_availability(&parsed)?;
    let timeout_ms = parsed.long("timeout").unwrap_or(DEFAULT_TIMEOUT_MS);
    let args = if parsed.has("list") {
        GroupsArgs::List {
            state: parsed
                .has("state")
                .then(|| split_list(parsed.value("state"))),
            types: parsed.has("type").then(|| split_list(parsed.value("type"))),
            timeout_ms,
        }
    } else if parsed.has("describe") {
        describe_args(&parsed, timeout_ms)?
    } else if parsed.has("delete") {
        if parsed.has("topic") {
            return Err(usage("--topic", "The consumer does not support topic-specific offset deletion from a consumer group."));
        }
        GroupsArgs::Delete {
            groups: groups(&parsed, "delete")?,
            timeout_ms,
        }
    } else {
        reset_args(&parsed, timeout_ms)?
    };
    check_filters(&args)?;
    Ok(Invocation::ConsumerGroups(args))
}

fn split_list(value: Option<&str>) -> Vec<String> {
    value
        .map(|text| {
            text.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// jopt-simple's `availableIf` and the `checkInvalidArgs` calls.
fn check_availability(parsed: &Parsed) -> Result<(), ParseError> {
    for option in ["members", "verbose", "offsets"] {
        if parsed.has(option) && !parsed.has("describe") {
            return Err(usage(
                &format!("--{option}"),
                format!(
                    "Option(s) [{option}] are unavailable given other options on the command line"
                ),
            ));
        }
    }
    if parsed.has("state") && !parsed.has("describe") && !parsed.has("list") {
        return Err(usage(
            "--state",
            "Option(s) [state] are unavailable given other options on the command line",
        ));
    }
    if parsed.has("type") && !parsed.has("list") {
        return Err(usage(
            "--type",
            "Option(s) [type] are unavailable given other options on the command line",
        ));
    }
    if parsed.has("group") && parsed.has("all-groups") {
        return Err(usage(
            "--all-groups",
            "Option \"[group]\" can't be used with option \"[all-groups]\"",
        ));
    }
    if parsed.has("group") && parsed.has("list") {
        return Err(usage(
            "--group",
            "Option \"[group]\" can't be used with option \"[list]\"",
        ));
    }
    for action in ["list", "describe"] {
        if parsed.has("topic") && parsed.has(action) {
            return Err(usage(
                "--topic",
                format!("Option \"[topic]\" can't be used with option \"[{action}]\""),
            ));
        }
    }
    Ok(())
}

fn groups(parsed: &Parsed, action: &str) -> Result<Groups, ParseError> {
    if parsed.has("all-groups") {
        return Ok(Groups::All);
    }
    let named = parsed.values("group");
    if named.is_empty() {
        return Err(usage(
            &format!("--{action}"),
            format!("Option [{action}] takes one of these options: [all-groups], [group]"),
        ));
    }
    Ok(Groups::Named(named))
}

fn describe_args(parsed: &Parsed, timeout_ms: i64) -> Result<GroupsArgs, ParseError> {
    let groups = groups(parsed, "describe")?;
    if parsed.count_of(&["members", "offsets", "state"]) > 1 {
        return Err(usage(
            "--describe",
            "Option [describe] takes at most one of these options: [members], [offsets], [state]",
        ));
    }
    if parsed.has("state") && parsed.value("state").is_some() {
        return Err(usage(
            "--state",
            "Option [describe] does not take a value for [state]",
        ));
    }
    let view = if parsed.has("members") {
        DescribeView::Members
    } else if parsed.has("state") {
        DescribeView::State
    } else {
        DescribeView::Offsets
    };
    Ok(GroupsArgs::Describe {
        groups,
        view,
        verbose: parsed.has("verbose"),
        timeout_ms,
    })
}

fn reset_args(parsed: &Parsed, timeout_ms: i64) -> Result<GroupsArgs, ParseError> {
    if parsed.has("dry-run") && parsed.has("execute") {
        return Err(usage(
            "--execute",
            "Option [reset-offsets] only accepts one of [execute] and [dry-run]",
        ));
    }
    let groups = groups(parsed, "reset-offsets")?;
    let given: Vec<&str> = SCENARIOS
        .iter()
        .copied()
        .filter(|s| parsed.has(s))
        .collect();
    if let [first, second, ..] = given.as_slice() {
        return Err(usage(
            &format!("--{second}"),
            format!("Option \"[{first}]\" can't be used with option \"[{second}]\""),
        ));
    }
    let spec = reset_spec(parsed)?;
    let topics = parsed.values("topic");
    if topics.is_empty() && !parsed.has("all-topics") {
        return Err(usage(
            "--reset-offsets",
            "One of the reset scopes should be defined: --all-topics, --topic.",
        ));
    }
    Ok(GroupsArgs::ResetOffsets {
        groups,
        topics,
        spec,
        execute: parsed.has("execute"),
        explicit: parsed.has("execute") || parsed.has("dry-run"),
        timeout_ms,
    })
}

fn reset_spec(parsed: &Parsed) -> Result<ResetSpec, ParseError> {
    if let Some(offset) = parsed.long("to-offset") {
        return Ok(ResetSpec::ToOffset(offset));
    }
    if let Some(shift) = parsed.long("shift-by") {
        return Ok(ResetSpec::ShiftBy(shift));
    }
    if let Some(text) = parsed.value("to-datetime") {
        let ms = parse_datetime_ms(text).ok_or_else(|| {
            usage(text, format!("Error parsing date-time '{text}': expected the format 'YYYY-MM-DDTHH:mm:SS.sss'"))
        })?;
        return Ok(ResetSpec::ToDatetime(ms));
    }
    if let Some(text) = parsed.value("by-duration") {
        // `Duration.parse`, then `Instant.now().minus(duration)`: whole ms, rounded up.
        let ms = JavaDuration::parse(text)
            .map(JavaDuration::millis_rounded_up)
            .ok_or_else(|| {
                usage(
                    text,
                    format!(
                        "Text cannot be parsed to a Duration: '{text}' (expected 'PnDTnHnMnS')"
                    ),
                )
            })?;
        return Ok(ResetSpec::ByDuration(ms));
    }
    if parsed.has("to-earliest") {
        return Ok(ResetSpec::ToEarliest);
    }
    if parsed.has("to-latest") {
        return Ok(ResetSpec::ToLatest);
    }
    if parsed.has("to-current") {
        return Ok(ResetSpec::ToCurrent);
    }
    Err(usage("--reset-offsets", "Option '[reset-offsets]' requires one of the following scenarios: [to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]"))
}

/// `groupStatesFromString` and `consumerGroupTypesFromString`.
fn check_filters(args: &GroupsArgs) -> Result<(), ParseError> {
    let GroupsArgs::List { state, types, .. } = args else {
        return Ok(());
    };
    for value in state.iter().flatten() {
        if !STATES.iter().any(|s| s.eq_ignore_ascii_case(value)) {
            return Err(usage(
                value,
                format!(
                    "Invalid state list '{value}'. Valid states are: {}",
                    STATES.join(", ")
                ),
            ));
        }
    }
    for value in types.iter().flatten() {
        if !["classic", "consumer"].contains(&value.to_ascii_lowercase().as_str()) {
            return Err(usage(
                value,
                format!("Invalid types list '{value}'. Valid types are: Classic, Consumer"),
            ));
        }
    }
    Ok(())
}

/// Runs a parsed `kafka-consumer-groups` command.
pub fn run(shell: &mut Shell, args: &GroupsArgs) -> Output {
    let mut output = Output::new();
    if let GroupsArgs::ResetOffsets {
        explicit: false, ..
    } = args
    {
        // `checkArgs`, before any admin call.
        output.eprintln("WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.");
    }
    if let Some(failure) = no_broker_reached(shell, args) {
        output.append(failure);
        return output;
    }
    output.append(match args {
        GroupsArgs::List { state, types, .. } => list(shell, state.as_ref(), types.as_ref()),
        GroupsArgs::Describe {
            groups,
            view,
            verbose,
            ..
        } => describe(shell, groups, *view, *verbose),
        GroupsArgs::ResetOffsets {
            groups,
            topics,
            spec,
            execute,
            ..
        } => reset_offsets(shell, groups, topics, spec, *execute),
        GroupsArgs::Delete { groups, .. } => delete(shell, groups),
    });
    output
}

/// `ListGroupsResult.all()`'s exception when the admin client's `findAllBrokers` call (the
/// Metadata request `listGroups` starts with) fails: `KafkaAdminClient.listGroups` wraps it.
const NO_BROKERS_TO_LIST: &str =
    "org.apache.kafka.common.KafkaException: Failed to find brokers to send ListGroups";

/// The class of what `KafkaFuture.get()` throws for a failed call.
const EXECUTION_EXCEPTION: &str = "java.util.concurrent.ExecutionException";

/// With no broker to reach, the action's first admin call (made with `--timeout`) finds no
/// node and fails once the timeout has passed; what the tool prints then, or `None` when a
/// broker can be reached. Listing the groups (`--list`, and `--all-groups` first) fails with
/// [`NO_BROKERS_TO_LIST`], which `listGroups` wraps in a `RuntimeException` (its message: the
/// `ExecutionException`'s `toString`) where the filtered listing throws the
/// `ExecutionException` itself; describing named groups with the coordinator lookup's
/// `TimeoutException`, which resetting their offsets wraps in a `RuntimeException` too; each
/// group to delete fails with it on its own (`deleteGroups`).
fn no_broker_reached(shell: &mut Shell, args: &GroupsArgs) -> Option<Output> {
    let (groups, timeout_ms) = match args {
        GroupsArgs::List { timeout_ms, .. } => (&Groups::All, *timeout_ms),
        GroupsArgs::Describe {
            groups, timeout_ms, ..
        }
        | GroupsArgs::ResetOffsets {
            groups, timeout_ms, ..
        }
        | GroupsArgs::Delete { groups, timeout_ms } => (groups, *timeout_ms),
    };
    let call = match (groups, args) {
        (Groups::All, _) => "findAllBrokers",
        (Groups::Named(_), GroupsArgs::Delete { .. }) => {
            "deleteConsumerGroups(api=FIND_COORDINATOR)"
        }
        (Groups::Named(_), _) => "describeConsumerGroups(api=FIND_COORDINATOR)",
    };
    let message = shell.admin_call_timed_out_after(call, timeout_ms)?;
    let timeout = format!("{TIMEOUT_EXCEPTION}: {message}");
    let cause = match (groups, args) {
        (_, GroupsArgs::List { state, types, .. }) if state.is_some() || types.is_some() => {
            NO_BROKERS_TO_LIST.to_string()
        }
        (Groups::All, _) => format!("{EXECUTION_EXCEPTION}: {NO_BROKERS_TO_LIST}"),
        (Groups::Named(_), GroupsArgs::Describe { .. }) => timeout,
        (Groups::Named(_), GroupsArgs::Delete { .. }) => {
            let failed: Vec<(String, String)> = group_ids(shell, groups)
                .into_iter()
                .map(|group| (group, timeout.clone()))
                .collect();
            return Some(format::delete_result(&[], &failed));
        }
        (Groups::Named(_), _) => format!("{EXECUTION_EXCEPTION}: {timeout}"),
    };
    let mut output = Output::new();
    format::error(
        &mut output,
        &format!("Executing consumer group command failed due to {cause}"),
    );
    Some(output)
}

fn list(shell: &Shell, state: Option<&Vec<String>>, types: Option<&Vec<String>>) -> Output {
    let all = list_groups(&shell.cluster);
    if state.is_none() && types.is_none() {
        return format::list_plain(&all);
    }
    let wanted = |filter: Option<&Vec<String>>, value: &str| {
        filter.is_none_or(|list| {
            list.is_empty() || list.iter().any(|w| w.eq_ignore_ascii_case(value))
        })
    };
    let shown: Vec<_> = all
        .into_iter()
        .filter(|g| wanted(state, &g.state) && wanted(types, &g.group_type))
        .collect();
    format::list_table(&shown, types.is_some(), state.is_some())
}

fn group_ids(shell: &Shell, groups: &Groups) -> Vec<String> {
    match groups {
        Groups::All => list_groups(&shell.cluster)
            .into_iter()
            .map(|g| g.group)
            .collect(),
        Groups::Named(names) => {
            let mut sorted = names.clone();
            kplay_core::sort::sort(&mut sorted);
            sorted.dedup();
            sorted
        }
    }
}

/// The group's description, or the one the admin client gets for an unknown group (`Dead`).
fn description(shell: &Shell, group: &str) -> GroupDescription {
    describe_group(&shell.cluster, group).unwrap_or_else(|| GroupDescription {
        group: group.to_string(),
        state: "Dead".to_string(),
        coordinator: -1,
        assignment_strategy: String::new(),
        members: Vec::new(),
        group_epoch: None,
        target_assignment_epoch: None,
    })
}

/// `ListOffsets` latest (the high watermark) of every partition with a leader.
fn log_ends(shell: &Shell) -> VecMap<TopicPartition, i64> {
    kplay_core::sort::to_map(
        shell
            .cluster
            .view()
            .topics
            .iter()
            .flat_map(|topic| topic.partitions.iter())
            .filter(|p| p.leader.is_some())
            .map(|p| (p.partition.clone(), p.high_watermark.0)),
    )
}

fn describe(shell: &Shell, groups: &Groups, view: DescribeView, verbose: bool) -> Output {
    let mut output = Output::new();
    for group in group_ids(shell, groups) {
        let description = description(shell, &group);
        match view {
            DescribeView::Offsets => {
                let rows = offset_rows(&shell.cluster, &group).unwrap_or_default();
                if format::member_state_check(
                    &mut output,
                    &group,
                    Some(&description.state),
                    Some(rows.len()),
                ) {
                    output.print(format::offsets_table(&rows, verbose));
                }
            }
            DescribeView::Members => {
                let count = description.members.len();
                format::member_state_check(
                    &mut output,
                    &group,
                    Some(&description.state),
                    Some(count),
                );
                output.print(format::members_table(&description, verbose));
            }
            DescribeView::State => {
                if format::member_state_check(
                    &mut output,
                    &group,
                    Some(&description.state),
                    Some(1),
                ) {
                    output.print(format::state_table(&description, verbose));
                }
            }
        }
    }
    output
}

/// `parseTopicPartitionsToReset`: `topic:0,1` names partitions, `topic` every partition of
/// the topic (DescribeTopics); no `--topic` (`--all-topics`) is the empty list, which the core
/// reads as every partition with a committed offset.
fn partitions_to_reset(shell: &Shell, topics: &[String]) -> Result<Vec<TopicPartition>, Failure> {
    let mut named = Vec::new();
    let mut whole = Vec::new();
    for topic in topics {
        if topic.contains(':') {
            named.extend(topic_with_partitions(topic)?);
        } else {
            let count = shell.cluster.partition_count(topic).ok_or_else(|| {
                Failure::Kafka("This server does not host this topic-partition.".to_string())
            })?;
            whole.extend((0..count).map(|p| TopicPartition::new(topic.clone(), p)));
        }
    }
    named.extend(whole);
    Ok(named)
}

/// `parseTopicsWithPartitions` (Java's `split` drops trailing empty strings).
fn topic_with_partitions(arg: &str) -> Result<Vec<TopicPartition>, Failure> {
    let mut parts: Vec<&str> = arg.split(':').collect();
    while parts.last().is_some_and(|part| part.is_empty()) {
        parts.pop();
    }
    let [topic, list] = parts.as_slice() else {
        return Err(Failure::Usage(format!(
            "Invalid topic arg '{arg}', expected topic name and partitions"
        )));
    };
    list.split(',')
        .map(|item| {
            item.parse::<i32>()
                .map(|partition| TopicPartition::new(*topic, partition))
                .map_err(|_| {
                    Failure::Usage(format!(
                        "Invalid partition '{item}' specified in topic arg '{arg}''"
                    ))
                })
        })
        .collect()
}

fn reset_offsets(
    shell: &mut Shell,
    groups: &Groups,
    topics: &[String],
    spec: &ResetSpec,
    execute: bool,
) -> Output {
    let mut output = Output::new();
    let mut plans: VecMap<String, VecMap<TopicPartition, i64>> = VecMap::new();
    for group in group_ids(shell, groups) {
        let state = description(shell, &group).state;
        if !matches!(state.as_str(), "Empty" | "Dead") {
            format::error(&mut output, &format!("Assignments can only be reset if the group '{group}' is inactive, but the current state is {state}."));
            plans.insert(group, VecMap::new());
            continue;
        }
        match reset_group(shell, &group, topics, spec, execute, &mut output) {
            Ok(offsets) => {
                plans.insert(group, offsets);
            }
            Err(Failure::Usage(message)) => {
                output.eprintln(message);
                return output;
            }
            Err(Failure::Kafka(message)) => {
                format::error(
                    &mut output,
                    &format!("Executing consumer group command failed due to {message}"),
                );
                return output;
            }
        }
    }
    output.print(format::reset_table(&plans));
    output
}

/// How a group's reset failed: a usage error (an `IllegalArgumentException`, which
/// `printUsageAndExit` reports) or a Kafka error.
enum Failure {
    Usage(String),
    Kafka(String),
}

impl From<KafkaError> for Failure {
    fn from(error: KafkaError) -> Failure {
        match error.code {
            // resetByShiftBy's IllegalArgumentException.
            ErrorCode::InvalidRequest => Failure::Usage(error.message),
            _ => Failure::Kafka(error.message),
        }
    }
}

/// `resetOffsetsForInactiveGroup`: the core plans the reset (as `--dry-run` shows it), the tool
/// prints what it noticed on the way, and `--execute` commits the same plan.
fn reset_group(
    shell: &mut Shell,
    group: &str,
    topics: &[String],
    spec: &ResetSpec,
    execute: bool,
    output: &mut Output,
) -> Result<VecMap<TopicPartition, i64>, Failure> {
    let partitions = partitions_to_reset(shell, topics)?;
    let plan: Vec<(TopicPartition, i64)> = shell
        .cluster
        .plan_offset_reset(group, &partitions, spec)?
        .into_iter()
        .map(|(partition, offset)| (partition, offset.0))
        .collect();
    let committed = kplay_core::sort::to_map(plan.iter().filter_map(|(partition, _)| {
        committed_offset(&shell.cluster, group, partition).map(|o| (partition.clone(), o))
    }));
    let messages = reset::messages(spec, &plan, &committed, &log_ends(shell));
    for warning in &messages.warnings {
        output.eprintln(log_line(
            shell.cluster.clock_ms(),
            "WARN",
            warning,
            "org.apache.kafka.tools.GroupOffsetsResetter",
        ));
    }
    for notice in &messages.notices {
        output.println(notice);
    }
    if execute {
        shell.apply(Command::ResetOffsets {
            group: group.to_string(),
            partitions,
            spec: spec.clone(),
        })?;
    }
    Ok(kplay_core::sort::to_map(plan))
}

fn delete(shell: &mut Shell, groups: &Groups) -> Output {
    let mut deleted = Vec::new();
    let mut failed = Vec::new();
    for group in group_ids(shell, groups) {
        match shell.apply(Command::DeleteGroup {
            group: group.clone(),
        }) {
            Ok(_) => deleted.push(group),
            Err(error) => failed.push((group, error.as_exception())),
        }
    }
    format::delete_result(&deleted, &failed)
}
