//! `kafka-topics`: create, list, describe, alter (add partitions) and delete topics, printing
//! what Kafka's `TopicCommand` prints.
//!
//! Output, from `tools/src/main/java/org/apache/kafka/tools/TopicCommand.java`:
//! `Created topic X.`; the describe lines
//! `Topic: X\tTopicId: ...\tPartitionCount: N\tReplicationFactor: R\tConfigs: k=v,...` and
//! `\tTopic: X\tPartition: P\tLeader: L\tReplicas: ...\tIsr: ...\tElr: ...\tLastKnownElr: ...`;
//! failures as `Error while executing topic command : <message>` (standard output), argument
//! problems found after parsing (`Topic 'X' does not exist as expected`) on standard error.
//!
//! While a partition is being reassigned (`kafka-reassign-partitions`), its line adds
//! `\tAdding Replicas: ...\tRemoving Replicas: ...` after `Isr`, as `PartitionDescription`
//! does for a partition ListPartitionReassignments reports; its replication factor (in the
//! topic line, from the first partition, and for `--under-replicated-partitions`) is then the
//! replicas less those being added (`getReplicationFactor`).
//!
//! `Elr` and `LastKnownElr` list the eligible leader replicas (KIP-966) in KRaft mode; a
//! ZooKeeper-mode cluster does not report them (no DescribeTopicPartitions), so they print
//! `N/A`, as Kafka's tool does then.
//!
//! Simplified: the `TopicId` is derived from the simulator's topic number (see
//! [`crate::format::topic_id_text`]); the `Configs` column lists non-default configs sorted by
//! name.

use kplay_core::config::DescribeRow;
use kplay_core::view::cluster::{PartitionView, TopicView};
use kplay_core::{BrokerId, Command, ErrorCode};

use crate::error::ParseError;
use crate::format::topic_id_text;
use crate::options::{self, Opt, Parsed, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;

/// The tool's name.
pub const NAME: &str = "kafka-topics";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool helps to create, delete, describe, or change a topic.";

const ALTER_CONFIGS_HINT: &str =
    " (To alter topic configurations, the kafka-configs tool can be used.)";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::flag("alter", "Alter the number of partitions and replica assignment. (To alter topic configurations, the kafka-configs tool can be used.)"),
    Opt::flag("at-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is equal to the configured minimum."),
    Opt::text("bootstrap-server", "The Kafka server to connect to. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("config", "A topic configuration override for the topic being created (name=value). It is supported only in combination with --create."),
    Opt::flag("create", "Create a new topic."),
    Opt::flag("delete", "Delete a topic."),
    Opt::flag("describe", "List details for the given topics."),
    Opt::flag("exclude-internal", "Exclude internal topics when listing or describing topics. By default, the internal topics are included."),
    HELP,
    Opt::flag("if-exists", "If set when altering or deleting or describing topics, the action will only execute if the topic exists."),
    Opt::flag("if-not-exists", "If set when creating topics, the create request will not fail if the topic already exists."),
    Opt::flag("list", "List all available topics."),
    Opt::int("partitions", "The number of partitions for the topic being created or altered. If not supplied with --create, the topic uses the cluster default. (WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected)."),
    Opt::text("replica-assignment", "A list of manual partition-to-broker assignments for the topic being created: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , broker_id_for_part2_replica1 : broker_id_for_part2_replica2 , ..."),
    Opt::int("replication-factor", "The replication factor for each partition in the topic being created. If not supplied, the topic uses the cluster default."),
    Opt::text("topic", "The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option."),
    Opt::flag("topics-with-overrides", "If set when describing topics, only show topics that have overridden configs."),
    Opt::flag("unavailable-partitions", "If set when describing topics, only show partitions whose leader is not available."),
    Opt::flag("under-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is less than the configured minimum."),
    Opt::flag("under-replicated-partitions", "If set when describing topics, only show under-replicated partitions."),
    Opt::flag("version", "Display Kafka version."),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
--bootstrap-server may name any address, or be left out: every address reaches the simulated
cluster. Admin requests are decided by the controller at once and take no simulated time.
The TopicId is derived from the simulator's topic number. A ZooKeeper-mode cluster does not
report eligible leader replicas (KIP-966), so Elr and LastKnownElr print N/A there.
--replica-assignment works with --create; --alter adds partitions the controller places.";

/// Which action, with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicsArgs {
    /// `--create`.
    Create(CreateArgs),
    /// `--list`.
    List {
        /// `--topic` (a regular expression).
        topic: Option<String>,
        /// `--exclude-internal`.
        exclude_internal: bool,
    },
    /// `--describe`.
    Describe(DescribeArgs),
    /// `--alter --partitions N`.
    Alter {
        /// `--topic` (a regular expression).
        topic: String,
        /// The new partition count.
        partitions: i32,
        /// `--if-exists`.
        if_exists: bool,
    },
    /// `--delete`.
    Delete {
        /// `--topic` (a regular expression).
        topic: String,
        /// `--if-exists`.
        if_exists: bool,
    },
}

/// `--create` and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateArgs {
    /// `--topic`.
    pub topic: String,
    /// `--partitions`.
    pub partitions: Option<i32>,
    /// `--replication-factor`.
    pub replication_factor: Option<i32>,
    /// `--replica-assignment`, as written (read when the command runs, as Kafka's tool does).
    pub replica_assignment: Option<String>,
    /// `--config k=v`, in order.
    pub configs: Vec<(String, String)>,
    /// `--if-not-exists`.
    pub if_not_exists: bool,
}

/// `--describe` and its filters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DescribeArgs {
    /// `--topic` (a regular expression).
    pub topic: Option<String>,
    /// `--exclude-internal`.
    pub exclude_internal: bool,
    /// `--if-exists`.
    pub if_exists: bool,
    /// `--under-replicated-partitions`.
    pub under_replicated: bool,
    /// `--unavailable-partitions`.
    pub unavailable: bool,
    /// `--under-min-isr-partitions`.
    pub under_min_isr: bool,
    /// `--at-min-isr-partitions`.
    pub at_min_isr: bool,
    /// `--topics-with-overrides`.
    pub topics_with_overrides: bool,
}

const ACTIONS: &[&str] = &["create", "list", "alter", "describe", "delete"];
const REPORTS: &[&str] = &[
    "under-replicated-partitions",
    "under-min-isr-partitions",
    "at-min-isr-partitions",
    "unavailable-partitions",
];

/// Parses `kafka-topics` options (`TopicCommandOptions.checkArgs`).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    let parsed = options::parse(NAME, SPECS, args)?;
    if let Some(extra) = parsed.positionals.first() {
        return Err(ParseError::new(
            0,
            extra,
            format!("unexpected argument '{extra}' for {NAME}"),
        ));
    }
    if parsed.count_of(ACTIONS) != 1 {
        return Err(ParseError::new(
            0,
            args.first().cloned().unwrap_or_default(),
            "kafka-topics: Command must include exactly one action: --list, --describe, --create, --alter or --delete",
        ));
    }
    check_combinations(&parsed)?;
    let action = ACTIONS
        .iter()
        .find(|action| parsed.has(action))
        .copied()
        .unwrap_or("list");
    build(action, &parsed).map(Invocation::Topics)
}

fn build(action: &str, parsed: &Parsed) -> Result<TopicsArgs, ParseError> {
    let topic = parsed.value("topic").map(str::to_string);
    let needs_topic = || {
        topic.clone().ok_or_else(|| {
            ParseError::new(
                0,
                format!("--{action}"),
                format!("kafka-topics --{action} needs --topic"),
            )
        })
    };
    Ok(match action {
        "create" => TopicsArgs::Create(CreateArgs {
            topic: needs_topic()?,
            partitions: parsed.int("partitions"),
            replication_factor: parsed.int("replication-factor"),
            // `replicaAssignment()`: an empty list is no list.
            replica_assignment: parsed
                .value("replica-assignment")
                .filter(|list| !list.is_empty())
                .map(str::to_string),
            configs: topic_configs(parsed)?,
            if_not_exists: parsed.has("if-not-exists"),
        }),
        "list" => TopicsArgs::List {
            topic,
            exclude_internal: parsed.has("exclude-internal"),
        },
        "alter" if parsed.has("replica-assignment") => {
            return Err(ParseError::new(
                0,
                "--replica-assignment",
                "kafka-topics: the playground's --alter adds partitions the controller places; --replica-assignment works with --create only",
            ))
        }
        "alter" => TopicsArgs::Alter {
            topic: needs_topic()?,
            partitions: parsed.int("partitions").ok_or_else(|| {
                ParseError::new(
                    0,
                    "--alter",
                    "kafka-topics --alter needs --partitions (the new total)",
                )
            })?,
            if_exists: parsed.has("if-exists"),
        },
        "delete" => TopicsArgs::Delete {
            topic: needs_topic()?,
            if_exists: parsed.has("if-exists"),
        },
        _ => TopicsArgs::Describe(DescribeArgs {
            topic,
            exclude_internal: parsed.has("exclude-internal"),
            if_exists: parsed.has("if-exists"),
            under_replicated: parsed.has("under-replicated-partitions"),
            unavailable: parsed.has("unavailable-partitions"),
            under_min_isr: parsed.has("under-min-isr-partitions"),
            at_min_isr: parsed.has("at-min-isr-partitions"),
            topics_with_overrides: parsed.has("topics-with-overrides"),
        }),
    })
}

/// `CommandLineUtils.checkInvalidArgs` as `TopicCommandOptions.checkInvalidArgs` calls it.
fn check_combinations(parsed: &Parsed) -> Result<(), ParseError> {
    let only_with: &[(&str, &[&str])] = &[
        ("config", &["create"]),
        ("partitions", &["alter", "create"]),
        ("replication-factor", &["create"]),
        ("replica-assignment", &["alter", "create"]),
        ("if-exists", &["alter", "delete", "describe"]),
        ("if-not-exists", &["create"]),
        ("exclude-internal", &["list", "describe"]),
        ("topics-with-overrides", &["describe"]),
        ("under-replicated-partitions", &["describe"]),
        ("unavailable-partitions", &["describe"]),
        ("under-min-isr-partitions", &["describe"]),
        ("at-min-isr-partitions", &["describe"]),
    ];
    for (option, allowed) in only_with {
        if !parsed.has(option) {
            continue;
        }
        if let Some(action) = ACTIONS
            .iter()
            .find(|action| parsed.has(action) && !allowed.contains(action))
        {
            let hint = if *option == "config" && *action == "alter" {
                ALTER_CONFIGS_HINT
            } else {
                ""
            };
            return Err(ParseError::new(
                0,
                format!("--{option}"),
                format!("kafka-topics: Option \"[{option}]\" can't be used with option \"[{action}]\"{hint}"),
            ));
        }
    }
    if parsed.has("create") && parsed.has("replica-assignment") {
        if let Some(other) = ["partitions", "replication-factor"]
            .into_iter()
            .find(|option| parsed.has(option))
        {
            return Err(ParseError::new(
                0,
                format!("--{other}"),
                format!("kafka-topics: Option \"[replica-assignment]\" can't be used with option \"[{other}]\""),
            ));
        }
    }
    for report in REPORTS {
        if parsed.has(report) && parsed.has("topics-with-overrides") {
            return Err(ParseError::new(
                0,
                format!("--{report}"),
                format!("kafka-topics: Option \"[{report}]\" can't be used with option \"[topics-with-overrides]\""),
            ));
        }
    }
    Ok(())
}

/// `--config` values split as `parseTopicConfigsToBeAdded` splits them (`\s*=\s*`).
fn topic_configs(parsed: &Parsed) -> Result<Vec<(String, String)>, ParseError> {
    parsed
        .values("config")
        .into_iter()
        .map(|pair| {
            let parts: Vec<&str> = pair.split('=').collect();
            match parts.as_slice() {
                [name, value] => Ok((name.trim().to_string(), value.trim().to_string())),
                _ => Err(ParseError::new(
                    0,
                    pair.clone(),
                    "kafka-topics: requirement failed: Invalid topic config: all configs to be added must be in the format \"key=val\".",
                )),
            }
        })
        .collect()
}

/// Runs a parsed `kafka-topics` command.
pub fn run(shell: &mut Shell, args: &TopicsArgs) -> Output {
    let mut output = Output::new();
    // The first admin call each action makes (`TopicService`: every action but --create
    // starts by listing the topics).
    let call = match args {
        TopicsArgs::Create(_) => "createTopics",
        _ => "listTopics",
    };
    if let Some(message) = shell.admin_call_timed_out(call) {
        print_error(&mut output, &message);
        return output;
    }
    match args {
        TopicsArgs::Create(create_args) => create(shell, &mut output, create_args),
        TopicsArgs::List {
            topic,
            exclude_internal,
        } => list(shell, &mut output, topic.as_deref(), *exclude_internal),
        TopicsArgs::Describe(describe_args) => describe(shell, &mut output, describe_args),
        TopicsArgs::Alter {
            topic,
            partitions,
            if_exists,
        } => alter(shell, &mut output, topic, *partitions, *if_exists),
        TopicsArgs::Delete { topic, if_exists } => delete(shell, &mut output, topic, *if_exists),
    }
    output
}

fn print_error(output: &mut Output, message: &str) {
    output.println(format!("Error while executing topic command : {message}"));
}

fn create(shell: &mut Shell, output: &mut Output, args: &CreateArgs) {
    let assignment = match args
        .replica_assignment
        .as_deref()
        .map(parse_replica_assignment)
    {
        // A list of nothing but commas splits into no partitions: the topic gets the defaults.
        None => None,
        Some(Ok(assignment)) => Some(assignment).filter(|a| !a.is_empty()),
        Some(Err(AssignmentError::Number(text))) => {
            output.eprintln(format!("For input string: \"{text}\""));
            return;
        }
        Some(Err(AssignmentError::Refused(message))) => {
            print_error(output, &message);
            return;
        }
    };
    let topic = &args.topic;
    if topic.contains('.') || topic.contains('_') {
        output.println("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.");
    }
    if args
        .replication_factor
        .is_some_and(|rf| !(1..=i32::from(i16::MAX)).contains(&rf))
    {
        output.eprintln("The replication factor must be between 1 and 32767 inclusive");
        return;
    }
    if args.partitions.is_some_and(|count| count < 1) {
        output.eprintln("The partitions must be greater than 0");
        return;
    }
    let command = match assignment {
        Some(assignment) => Command::CreateTopicWithAssignment {
            topic: topic.clone(),
            assignment,
            configs: args.configs.clone(),
        },
        None => Command::CreateTopic {
            topic: topic.clone(),
            partitions: args.partitions.unwrap_or(-1),
            replication_factor: args.replication_factor.unwrap_or(-1),
            configs: args.configs.clone(),
        },
    };
    match shell.apply(command) {
        Ok(_) => output.println(format!("Created topic {topic}.")),
        Err(error) if error.code == ErrorCode::TopicAlreadyExists && args.if_not_exists => {}
        Err(error) => print_error(output, &error.message),
    }
}

/// Why `--replica-assignment` could not be read.
#[derive(Debug, PartialEq, Eq)]
enum AssignmentError {
    /// `Integer.parseInt` refused this text (a `NumberFormatException`).
    Number(String),
    /// The tool refused the list (`AdminCommandFailedException`, `AdminOperationException`).
    Refused(String),
}

/// `TopicCommand.parseReplicaAssignment`: partitions separated by `,`, each partition's
/// brokers by `:`, the first its preferred leader. Java's `split` drops trailing empty parts.
fn parse_replica_assignment(list: &str) -> Result<Vec<Vec<BrokerId>>, AssignmentError> {
    let mut assignment: Vec<Vec<BrokerId>> = Vec::new();
    for (index, part) in java_split(list, ',').into_iter().enumerate() {
        let mut brokers = Vec::new();
        for id in java_split(part, ':') {
            let id = id.trim();
            match id.parse::<i32>() {
                Ok(broker) => brokers.push(BrokerId(broker)),
                Err(_) => return Err(AssignmentError::Number(id.to_string())),
            }
        }
        // `ToolsUtils.duplicates`, a set of small integers, which Java lists in ascending order:
        // each next one is the least repeated id above the last.
        let repeated = |above: Option<BrokerId>| {
            brokers
                .iter()
                .copied()
                .filter(|id| above.is_none_or(|above| *id > above))
                .filter(|id| brokers.iter().filter(|other| *other == id).count() > 1)
                .min()
        };
        let mut listed: Vec<String> = Vec::new();
        let mut last = None;
        while let Some(id) = repeated(last) {
            listed.push(id.to_string());
            last = Some(id);
        }
        if !listed.is_empty() {
            return Err(AssignmentError::Refused(format!(
                "Partition replica lists may not contain duplicate entries: {}",
                listed.join(",")
            )));
        }
        if assignment
            .first()
            .is_some_and(|first| first.len() != brokers.len())
        {
            let listed: Vec<String> = brokers.iter().map(ToString::to_string).collect();
            return Err(AssignmentError::Refused(format!(
                "Partition {index} has different replication factor: [{}]",
                listed.join(", ")
            )));
        }
        assignment.push(brokers);
    }
    Ok(assignment)
}

/// `String.split` with a one-character pattern: trailing empty parts are dropped (all of them,
/// if nothing else is left), but a text without the separator is itself the one part.
fn java_split(text: &str, separator: char) -> Vec<&str> {
    let mut parts: Vec<&str> = text.split(separator).collect();
    // More than one part: the text has the separator.
    if parts.len() > 1 {
        while parts.last() == Some(&"") {
            parts.pop();
        }
    }
    parts
}

/// Topics matching `--topic` (a regular expression matched whole, commas as `|`), sorted,
/// as `TopicCommand.getTopics` finds them.
fn matching_topics(
    shell: &Shell,
    pattern: Option<&str>,
    exclude_internal: bool,
) -> Result<Vec<String>, String> {
    let regex = pattern.map(super::include_list).transpose()?;
    Ok(shell
        .cluster
        .topic_names()
        .into_iter()
        .filter(|name| !(exclude_internal && name.starts_with("__")))
        .filter(|name| regex.as_ref().is_none_or(|regex| regex.is_match(name)))
        .collect())
}

/// `ensureTopicExists`: an `IllegalArgumentException` printed on standard error.
fn topics_or_complain(
    shell: &Shell,
    output: &mut Output,
    pattern: Option<&str>,
    exclude_internal: bool,
    if_exists: bool,
) -> Option<Vec<String>> {
    let topics = match matching_topics(shell, pattern, exclude_internal) {
        Ok(topics) => topics,
        Err(message) => {
            print_error(output, &message);
            return None;
        }
    };
    if let Some(name) = pattern.filter(|name| !name.is_empty()) {
        if topics.is_empty() && !if_exists {
            output.eprintln(format!("Topic '{name}' does not exist as expected"));
            return None;
        }
    }
    Some(topics)
}

fn list(shell: &Shell, output: &mut Output, pattern: Option<&str>, exclude_internal: bool) {
    match matching_topics(shell, pattern, exclude_internal) {
        Ok(topics) => output.println(topics.join("\n")),
        Err(message) => print_error(output, &message),
    }
}

fn alter(shell: &mut Shell, output: &mut Output, pattern: &str, partitions: i32, if_exists: bool) {
    let Some(topics) = topics_or_complain(shell, output, Some(pattern), false, if_exists) else {
        return;
    };
    for topic in topics {
        let command = Command::CreatePartitions {
            topic,
            total_count: partitions,
        };
        if let Err(error) = shell.apply(command) {
            print_error(output, &error.message);
            return;
        }
    }
}

fn delete(shell: &mut Shell, output: &mut Output, pattern: &str, if_exists: bool) {
    let Some(topics) = topics_or_complain(shell, output, Some(pattern), false, if_exists) else {
        return;
    };
    for topic in topics {
        if let Err(error) = shell.apply(Command::DeleteTopic { topic }) {
            print_error(output, &error.message);
            return;
        }
    }
}

fn describe(shell: &Shell, output: &mut Output, args: &DescribeArgs) {
    let Some(topics) = topics_or_complain(
        shell,
        output,
        args.topic.as_deref(),
        args.exclude_internal,
        args.if_exists,
    ) else {
        return;
    };
    let live: Vec<i32> = shell
        .cluster
        .view()
        .brokers
        .iter()
        .filter(|broker| broker.up && !broker.fenced)
        .map(|broker| broker.id.0)
        .collect();
    for name in topics {
        let (Some(view), Some(rows)) = (
            shell.cluster.topic_view(&name),
            shell.cluster.describe_topic_configs(&name),
        ) else {
            continue;
        };
        let topic_id = shell.cluster.topic_id(&name).unwrap_or_default();
        describe_topic(output, args, &view, topic_id, &rows, &live);
    }
}

fn describe_topic(
    output: &mut Output,
    args: &DescribeArgs,
    view: &TopicView,
    topic_id: u64,
    rows: &[DescribeRow],
    live: &[i32],
) {
    let reports =
        args.under_replicated || args.unavailable || args.under_min_isr || args.at_min_isr;
    let overridden = non_default_configs(rows);
    if !reports && (!args.topics_with_overrides || !overridden.is_empty()) {
        output.println(topic_line(view, topic_id, &overridden));
    }
    if args.topics_with_overrides {
        return;
    }
    let min_isr = rows
        .iter()
        .find(|row| row.name == "min.insync.replicas")
        .and_then(|row| row.value.as_deref())
        .and_then(|value| value.parse::<usize>().ok())
        .unwrap_or(1);
    for partition in &view.partitions {
        let has_leader = partition.leader.is_some();
        let shown = !reports
            || (args.under_replicated && partition.replication_factor() > partition.isr.len())
            || (args.unavailable
                && !partition
                    .leader
                    .is_some_and(|leader| live.contains(&leader.0)))
            || (args.under_min_isr && (!has_leader || partition.isr.len() < min_isr))
            || (args.at_min_isr && partition.isr.len() == min_isr);
        if shown {
            output.println(partition_line(&view.name, partition));
        }
    }
}

/// `name=value` of every config not at Kafka's default (`ConfigEntry.isDefault`), by name.
fn non_default_configs(rows: &[DescribeRow]) -> String {
    let mut entries: Vec<&DescribeRow> = rows
        .iter()
        .filter(|row| row.source != kplay_core::config::ConfigSource::DefaultConfig)
        .collect();
    kplay_core::sort::sort_by(&mut entries, |a, b| a.name.cmp(&b.name));
    entries
        .iter()
        .map(|row| format!("{}={}", row.name, row.value.as_deref().unwrap_or("null")))
        .collect::<Vec<_>>()
        .join(",")
}

fn topic_line(view: &TopicView, topic_id: u64, configs: &str) -> String {
    // The first partition's, as `printDescribeConfig` takes it.
    let factor = view
        .partitions
        .first()
        .map_or(0, PartitionView::replication_factor);
    format!(
        "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
        view.name,
        topic_id_text(topic_id),
        view.partitions.len(),
        factor,
        configs
    )
}

fn ids(list: &[kplay_core::BrokerId]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn partition_line(topic: &str, partition: &PartitionView) -> String {
    let leader = partition
        .leader
        .map_or_else(|| "none".to_string(), |leader| leader.to_string());
    let reported = |list: &Option<Vec<kplay_core::BrokerId>>| {
        list.as_deref().map_or_else(|| "N/A".to_string(), ids)
    };
    let reassignment = if partition.is_reassigning() {
        format!(
            "\tAdding Replicas: {}\tRemoving Replicas: {}",
            ids(&partition.adding),
            ids(&partition.removing)
        )
    } else {
        String::new()
    };
    format!(
        "\tTopic: {topic}\tPartition: {}\tLeader: {leader}\tReplicas: {}\tIsr: {}{reassignment}\tElr: {}\tLastKnownElr: {}",
        partition.partition.partition,
        ids(&partition.replicas),
        ids(&partition.isr),
        reported(&partition.elr),
        reported(&partition.last_known_elr)
    )
}
