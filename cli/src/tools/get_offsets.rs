//! `kafka-get-offsets`: each partition's offset at a point in time (latest, earliest,
//! max-timestamp or a timestamp), printing what Kafka's `GetOffsetShell` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/GetOffsetShell.java`: one line
//! `topic:partition:offset` per partition, sorted by the partition's name (`t-10` before
//! `t-2`: a `TreeMap` ordered by `TopicPartition.toString`); a partition without an offset
//! (`UNKNOWN_OFFSET`, as for a timestamp later than every record) is left out; a partition whose
//! ListOffsets fails prints `Skip getting offsets for topic-partition t-0 due to error: <exception>`
//! on standard error. The tool's own errors (`--topic-partitions cannot be used with --topic or
//! --partitions`, `Malformed time argument X. ...`, `Could not match any topic-partitions with the
//! specified filters`) print as `Error occurred: <message>` on standard error; Kafka checks them
//! when the tool runs (`fetchOffsets`), not while parsing options, so the script goes on. With
//! no broker to reach, its first admin call, `listTopics`, waits `default.api.timeout.ms` and
//! the tool ends with `Error occurred: org.apache.kafka.common.errors.TimeoutException: Timed
//! out waiting for a node assignment. Call: listTopics` (the `ExecutionException`'s message).
//!
//! The leader answers ListOffsets as `UnifiedLog.fetchOffsetByTimestamp` and
//! `ReplicaManager.fetchOffset` do for `READ_UNCOMMITTED`: latest is the high watermark, earliest
//! the log start offset, max-timestamp the first record with the largest timestamp, a timestamp
//! the first record at or after it; an offset at or above the high watermark is
//! `UNKNOWN_OFFSET`. Without tiered storage (the playground has none) earliest-local is the log
//! start offset, and latest-tiered and earliest-pending-upload have no offset.
//!
//! Simplified: a partition without a leader, or whose leader's broker is stopped, is skipped at
//! once with `LeaderNotAvailableException` (Kafka's admin client retries until
//! `default.api.timeout.ms`, 60 s, and then reports a `TimeoutException`); skipped partitions
//! are reported in topic and partition order; the stack trace Kafka prints after an unexpected
//! error is left out; `--command-config` is not available (no files).

use kplay_core::protocol::OffsetSpec;
use kplay_core::view::cluster::PartitionView;
use kplay_core::{Cluster, KafkaError, Offset, TopicPartition};
use regex_lite::Regex;

use crate::error::ParseError;
use crate::options::{self, Opt, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;
use crate::tools::{admin_call_timeout, include_list};

/// The tool's name.
pub const NAME: &str = "kafka-get-offsets";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "An interactive shell for getting topic-partition offsets.";

/// `GetOffsetShell.TOPIC_PARTITION_PATTERN`: `topic regex` then `:N`, `:N-M`, `:N-` or `:-M`.
const TOPIC_PARTITION_PATTERN: &str = r"([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::text("bootstrap-server", "The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2. Any address reaches the simulated cluster; optional in the playground."),
    Opt::flag("exclude-internal-topics", "By default, internal topics are included. If specified, internal topics are excluded."),
    HELP,
    Opt::text("partitions", "Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried. Cannot be used if --topic-partitions is present."),
    Opt::text("time", "timestamp of the offsets before that. [Note: No offset is returned, if the timestamp greater than recently committed record timestamp is given.] One of <timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered / -6 or earliest-pending-upload (default: latest)"),
    Opt::text("topic", "The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried. Cannot be used if --topic-partitions is present."),
    Opt::text("topic-partitions", "Comma separated list of topic-partition patterns to get the offsets for, with the format of '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?'. The first group is an optional regex for the topic name, if omitted, it matches any topic name. The section after ':' describes a 'partition' pattern, which can be: a number, a range in the format of 'NUMBER-NUMBER' (lower inclusive, upper exclusive), an inclusive lower bound in the format of 'NUMBER-', an exclusive upper bound in the format of '-NUMBER' or may be omitted to accept all partitions."),
    Opt::flag("version", "Display Kafka version."),
];

/// Kafka's options the playground does not model.
const UNMODELLED: &[&str] = &["command-config"];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
Offsets come from each partition's leader at once (no simulated time passes). There is no
tiered storage: earliest-local is the earliest offset, and latest-tiered and
earliest-pending-upload print nothing. A partition without a running leader is skipped at once
with LeaderNotAvailableException (Kafka's admin client retries for 60 s, then reports a
TimeoutException). --command-config is not available (no files).";

/// A parsed `kafka-get-offsets` line: the options as given. Kafka checks them when the tool
/// runs (`GetOffsetShell.fetchOffsets`), and so does [`run`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOffsetsArgs {
    /// `--topic`: a regular expression for topic names.
    pub topic: Option<String>,
    /// `--partitions`: comma separated partition ids.
    pub partitions: Option<String>,
    /// `--topic-partitions`: comma separated `topic-regex:partitions` patterns.
    pub topic_partitions: Option<String>,
    /// `--time` (`latest` when absent).
    pub time: String,
    /// `--exclude-internal-topics`.
    pub exclude_internal_topics: bool,
}

/// `--time`: what is asked of each partition's leader (the admin client's `OffsetSpec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Time {
    /// `-2` or `earliest`: the log start offset.
    Earliest,
    /// `-1` or `latest`: the high watermark.
    Latest,
    /// `-3` or `max-timestamp`: the first record with the largest timestamp.
    MaxTimestamp,
    /// `-4` or `earliest-local`: the first offset on local disk.
    EarliestLocal,
    /// `-5` or `latest-tiered`: the last offset in remote storage.
    LatestTiered,
    /// `-6` or `earliest-pending-upload`: the first offset not yet in remote storage.
    EarliestPendingUpload,
    /// The first record whose timestamp (ms) is at or after this one.
    Timestamp(i64),
}

/// Which partitions of an allowed topic a pattern accepts (`PartitionFilter`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum PartitionFilter {
    /// `--partitions`: these ids, or every partition when empty.
    Set(Vec<i32>),
    /// `topic:N`.
    Unique(i32),
    /// `topic:N-M`, `topic:N-`, `topic:-M` or `topic`: lower inclusive, upper exclusive.
    Range(i32, i32),
}

impl PartitionFilter {
    fn allows(&self, partition: i32) -> bool {
        match self {
            PartitionFilter::Set(ids) => ids.is_empty() || ids.contains(&partition),
            PartitionFilter::Unique(id) => partition == *id,
            PartitionFilter::Range(lower, upper) => partition >= *lower && partition < *upper,
        }
    }
}

/// One `TopicFilterAndPartitionFilter`; a partition is queried when any rule allows it.
#[derive(Debug, Clone)]
struct Rule {
    topic: Regex,
    partitions: PartitionFilter,
}

impl Rule {
    fn allows(&self, partition: &TopicPartition) -> bool {
        self.topic.is_match(&partition.topic) && self.partitions.allows(partition.partition)
    }
}

/// Parses the options (`GetOffsetShellOptions`).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    options::refuse_unmodelled(args, UNMODELLED)?;
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    let text = |name: &str| parsed.value(name).map(str::to_string);
    Ok(Invocation::GetOffsets(GetOffsetsArgs {
        topic: text("topic"),
        partitions: text("partitions"),
        topic_partitions: text("topic-partitions"),
        time: text("time").unwrap_or_else(|| "latest".to_string()),
        exclude_internal_topics: parsed.has("exclude-internal-topics"),
    }))
}

/// Runs the tool: the offsets on standard output, or `Error occurred: ...` on standard error.
pub fn run(shell: &mut Shell, args: &GetOffsetsArgs) -> Output {
    let mut output = Output::new();
    match fetch_offsets(shell, args, &mut output) {
        Ok(offsets) => {
            for (partition, offset) in offsets {
                output.println(format!(
                    "{}:{}:{offset}",
                    partition.topic, partition.partition
                ));
            }
        }
        Err(message) => output.eprintln(format!("Error occurred: {message}")),
    }
    output
}

/// `GetOffsetShell.fetchOffsets`: the checks in Kafka's order, the topics listed
/// (`listPartitionInfos`, whose `listTopics` is the first admin call), then one ListOffsets
/// per matching partition. Returns the offsets sorted as the tool prints them.
fn fetch_offsets(
    shell: &mut Shell,
    args: &GetOffsetsArgs,
    output: &mut Output,
) -> Result<Vec<(TopicPartition, i64)>, String> {
    if args.topic_partitions.is_some() && (args.topic.is_some() || args.partitions.is_some()) {
        return Err("--topic-partitions cannot be used with --topic or --partitions".to_string());
    }
    let spec = offset_spec(&args.time)?;
    let rules = match &args.topic_partitions {
        Some(patterns) => pattern_rules(patterns)?,
        None => vec![Rule {
            topic: include_list(args.topic.as_deref().unwrap_or(".*"))?,
            partitions: PartitionFilter::Set(partition_set(args.partitions.as_deref())?),
        }],
    };
    if let Some(exception) = admin_call_timeout(shell, "listTopics") {
        return Err(exception);
    }
    let cluster = &shell.cluster;
    let view = cluster.view();
    let partitions: Vec<&PartitionView> = view
        .topics
        .iter()
        .filter(|topic| !(args.exclude_internal_topics && topic.internal))
        .flat_map(|topic| topic.partitions.iter())
        .filter(|p| rules.iter().any(|rule| rule.allows(&p.partition)))
        .collect();
    if partitions.is_empty() {
        return Err("Could not match any topic-partitions with the specified filters".to_string());
    }
    let mut offsets = Vec::with_capacity(partitions.len());
    for partition in partitions {
        match list_offset(cluster, &partition.partition, spec) {
            Ok(Some(offset)) => offsets.push((partition.partition.clone(), offset)),
            Ok(None) => {}
            Err(error) => output.eprintln(format!(
                "Skip getting offsets for topic-partition {} due to error: {}",
                partition.partition,
                error.as_exception()
            )),
        }
    }
    kplay_core::sort::sort_by_key(&mut offsets, |(partition, _)| partition.to_string());
    Ok(offsets)
}

/// `GetOffsetShell.parseOffsetSpec`: a name, one of the special negative timestamps, or a
/// timestamp in ms.
pub fn offset_spec(text: &str) -> Result<Time, String> {
    let spec = match text {
        "earliest" => Time::Earliest,
        "latest" => Time::Latest,
        "max-timestamp" => Time::MaxTimestamp,
        "earliest-local" => Time::EarliestLocal,
        "latest-tiered" => Time::LatestTiered,
        "earliest-pending-upload" => Time::EarliestPendingUpload,
        _ => match parse_long(text) {
            Some(-2) => Time::Earliest,
            Some(-1) => Time::Latest,
            Some(-3) => Time::MaxTimestamp,
            Some(-4) => Time::EarliestLocal,
            Some(-5) => Time::LatestTiered,
            Some(-6) => Time::EarliestPendingUpload,
            Some(timestamp_ms) => Time::Timestamp(timestamp_ms),
            None => return Err(format!("Malformed time argument {text}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered / -6 or earliest-pending-upload, or a specified long format timestamp")),
        },
    };
    Ok(spec)
}

/// `Long.parseLong` (an optional sign, then ASCII digits; no blanks).
fn parse_long(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `Integer.parseInt`, whose error is `For input string: "X"`.
fn parse_int(text: &str) -> Result<i32, String> {
    parse_long(text)
        .and_then(|value| i32::try_from(value).ok())
        .ok_or_else(|| format!("For input string: \"{text}\""))
}

/// Java's `String.split(",")`: the pieces, without trailing empty ones (a string without a
/// comma is one piece, even when empty).
fn java_split(text: &str) -> Vec<&str> {
    if !text.contains(',') {
        return vec![text];
    }
    let mut pieces: Vec<&str> = text.split(',').collect();
    while pieces.last().is_some_and(|piece| piece.is_empty()) {
        pieces.pop();
    }
    pieces
}

/// `createPartitionSet`: `--partitions 0,2`; absent or empty is every partition.
fn partition_set(text: Option<&str>) -> Result<Vec<i32>, String> {
    let Some(text) = text.filter(|text| !text.is_empty()) else {
        return Ok(Vec::new());
    };
    java_split(text)
        .into_iter()
        .map(|id| parse_int(id).ok())
        .collect::<Option<Vec<i32>>>()
        .ok_or_else(|| {
            format!("--partitions expects a comma separated list of numeric partition ids, but received: {text}")
        })
}

/// `createTopicPartitionFilterWithPatternList`: one rule per comma separated pattern.
fn pattern_rules(patterns: &str) -> Result<Vec<Rule>, String> {
    let grammar = Regex::new(&format!("^(?:{TOPIC_PARTITION_PATTERN})$"))
        .map_err(|error| error.to_string())?;
    java_split(patterns)
        .into_iter()
        .map(|pattern| pattern_rule(&grammar, pattern))
        .collect()
}

/// `parseRuleSpec`. An unmatched pattern is a `TerseException` that Kafka wraps in a
/// `RuntimeException`, so its message carries the class name.
fn pattern_rule(grammar: &Regex, pattern: &str) -> Result<Rule, String> {
    let groups = grammar.captures(pattern).ok_or_else(|| {
        format!("org.apache.kafka.tools.TerseException: Invalid rule specification: {pattern}")
    })?;
    let group = |index: usize| {
        groups
            .get(index)
            .map(|found| found.as_str())
            .filter(|text| !text.is_empty())
    };
    let topic = include_list(group(1).unwrap_or(".*"))?;
    let partitions = match group(2) {
        Some(id) => PartitionFilter::Unique(parse_int(id)?),
        None => PartitionFilter::Range(
            group(3).map(parse_int).transpose()?.unwrap_or(0),
            group(4).map(parse_int).transpose()?.unwrap_or(i32::MAX),
        ),
    };
    Ok(Rule { topic, partitions })
}

/// The leader's answer to ListOffsets for one partition (`READ_UNCOMMITTED`, the admin
/// client's default), from the simulator; `Ok(None)` is `UNKNOWN_OFFSET`. Without tiered
/// storage, earliest-local is the log start offset and the tiered specs find nothing.
fn list_offset(
    cluster: &Cluster,
    partition: &TopicPartition,
    time: Time,
) -> Result<Option<i64>, KafkaError> {
    let spec = match time {
        Time::Earliest | Time::EarliestLocal => OffsetSpec::Earliest,
        Time::Latest => OffsetSpec::Latest,
        Time::MaxTimestamp => OffsetSpec::MaxTimestamp,
        Time::Timestamp(timestamp_ms) => OffsetSpec::Timestamp(timestamp_ms),
        Time::LatestTiered | Time::EarliestPendingUpload => {
            return cluster
                .list_offset(partition, OffsetSpec::Latest)
                .map(|_| None);
        }
    };
    let (offset, _) = cluster.list_offset(partition, spec)?;
    Ok((offset != Offset::UNKNOWN).then_some(offset.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str) -> Result<Rule, String> {
        pattern_rules(pattern).map(|mut rules| rules.remove(0))
    }

    #[test]
    fn time_accepts_names_special_numbers_and_timestamps() {
        assert_eq!(offset_spec("latest"), Ok(Time::Latest));
        assert_eq!(offset_spec("-1"), Ok(Time::Latest));
        assert_eq!(offset_spec("earliest"), Ok(Time::Earliest));
        assert_eq!(offset_spec("-2"), Ok(Time::Earliest));
        assert_eq!(offset_spec("-3"), Ok(Time::MaxTimestamp));
        assert_eq!(offset_spec("-6"), Ok(Time::EarliestPendingUpload));
        assert_eq!(offset_spec("+42"), Ok(Time::Timestamp(42)));
        assert_eq!(offset_spec("-7"), Ok(Time::Timestamp(-7)));
        for malformed in [
            "Latest",
            "yesterday",
            " 5",
            "1.5",
            "",
            "99999999999999999999",
        ] {
            let error = offset_spec(malformed).expect_err(malformed);
            assert!(
                error.starts_with(&format!(
                    "Malformed time argument {malformed}. Please use -1"
                )),
                "{error}"
            );
        }
    }

    #[test]
    fn partitions_are_a_comma_separated_list_of_ids() {
        assert_eq!(partition_set(None), Ok(vec![]));
        assert_eq!(partition_set(Some("")), Ok(vec![]));
        assert_eq!(partition_set(Some("0,2,")), Ok(vec![0, 2]));
        assert_eq!(
            partition_set(Some("0,x")),
            Err("--partitions expects a comma separated list of numeric partition ids, but received: 0,x".to_string())
        );
        assert!(partition_set(Some("0,,2")).is_err());
    }

    #[test]
    fn topic_partition_patterns_name_a_partition_or_a_range() {
        let one = rule("orders:2").expect("rule");
        assert!(one.allows(&TopicPartition::new("orders", 2)));
        assert!(!one.allows(&TopicPartition::new("orders", 1)));
        assert!(!one.allows(&TopicPartition::new("orders-eu", 2)));
        let range = rule("o.*:1-3").expect("rule");
        assert!(range.allows(&TopicPartition::new("orders", 1)));
        assert!(range.allows(&TopicPartition::new("other", 2)));
        assert!(!range.allows(&TopicPartition::new("orders", 3)));
        let from = rule(":5-").expect("rule");
        assert!(from.allows(&TopicPartition::new("any", 5)));
        assert!(!from.allows(&TopicPartition::new("any", 4)));
        let below = rule("t:-2").expect("rule");
        assert!(below.allows(&TopicPartition::new("t", 1)));
        assert!(!below.allows(&TopicPartition::new("t", 2)));
        let whole = rule("t").expect("rule");
        assert!(whole.allows(&TopicPartition::new("t", 40)));
    }

    #[test]
    fn malformed_topic_partition_patterns_give_kafkas_messages() {
        assert_eq!(
            rule("t:x").err(),
            Some("org.apache.kafka.tools.TerseException: Invalid rule specification: t:x".into())
        );
        assert_eq!(rule("t(:0").err(), Some("t( is an invalid regex.".into()));
        assert_eq!(
            rule("t:99999999999").err(),
            Some("For input string: \"99999999999\"".into())
        );
        assert!(pattern_rules(",").expect("no rules").is_empty());
    }
}
