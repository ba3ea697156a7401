//! `kafka-reassign-partitions`: move partitions to other brokers, follow and cancel the moves,
//! and propose new assignments, printing what Kafka's `ReassignPartitionsCommand` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/reassign/ReassignPartitionsCommand.java`
//! and `ReassignPartitionsCommandOptions.java` (Kafka 4.1). The options and the checks of
//! `validateAndParseArgs` are here, the JSON files in [`plan`], the actions in [`actions`]
//! (`--generate` in [`generate`]):
//! - `--execute` prints `Current partition replica assignment`, the current replicas as
//!   reassignment JSON and `Save this to use as the --reassignment-json-file option during
//!   rollback`, starts each partition's reassignment
//!   (`Command::AlterPartitionReassignment`) and prints `Successfully started partition
//!   reassignment(s) for foo-0,...`, or `Error reassigning partition(s):` and one line per
//!   refused partition. With a reassignment under way it refuses without `--additional`.
//! - `--verify` prints `Status of partition reassignment:` and per partition `Reassignment of
//!   partition foo-0 is completed.`, `... is still in progress.` or `There is no active
//!   reassignment of partition foo-0, but replica set is 1,2 rather than 2,3.`, an empty line
//!   (the log directory moves, none), and once no reassignment is under way anywhere the
//!   throttle clearing lines (`Clearing broker-level throttles on brokers 1,2,3`).
//! - `--list` prints `Current partition reassignments:` and `foo-0: replicas: 2,3,1. adding:
//!   3. removing: 1.`, or `No partition reassignments found.`.
//! - `--cancel` reverts the partitions under way (`Successfully cancelled partition
//!   reassignment(s) for: foo-0`, or `None of the specified partition reassignments are
//!   active.`), then prints `None of the specified partition moves are active.` without a line
//!   break, and the throttle clearing lines.
//! - `--generate` prints the topics' `Current partition replica assignment` and a `Proposed
//!   partition reassignment configuration` over the `--broker-list`.
//!
//! Partitions are listed sorted by topic and partition, as the tool sorts them; brokers and
//! topics in the throttle lines, and the first unknown broker or topic, in the order of the
//! tool's `HashSet`s ([`crate::tools::java_hash_order`]). Errors print as the tool's `main`
//! prints them, on standard output: `TerseException`s as their message, others as `Error: <message>` (the
//! stack trace after it is left out). The admin requests that go to the controller
//! (ListPartitionReassignments, AlterPartitionReassignments) wait, in simulated time, for an
//! active controller up to the admin client's `default.api.timeout.ms` (60 s), then fail
//! with `KafkaAdminClient`'s `TimeoutException` (`Call(callName=listPartitionReassignments,
//! ...) timed out at ... after 2 attempt(s)`). With no broker to reach
//! at all, the action's first admin call (`listPartitionReassignments`; for `--generate`,
//! `listNodes`, the `describeCluster` DescribeTopics starts with) finds no node and fails after
//! the same 60 s: `Error: org.apache.kafka.common.errors.TimeoutException: Timed out waiting
//! for a node assignment. Call: listPartitionReassignments`.
//!
//! Simplified: the playground has no files (the JSON comes from standard input as
//! `/dev/stdin`), no replication throttles (`--throttle` and `--replica-alter-log-dirs-throttle`
//! are refused; the clearing lines are printed, and the topics' `*.replication.throttled.replicas`
//! configs are deleted as Kafka deletes them), no log directories (`log_dirs` other than `any`
//! are refused), and no `--command-config` or `--disallow-replication-factor-change`.
//! `--generate` places replicas with the controller's placement
//! ([`kplay_core::controller::placement::assign_replicas`]) and a generator seeded from the
//! simulated clock and the topics, so the same moment proposes the same assignment (Kafka's is
//! random). Text that is not JSON prints a message of the playground's own where Kafka prints
//! Jackson's parser message.

pub mod actions;
pub mod generate;
pub mod plan;

pub use actions::run;

use kplay_core::TopicPartition;

use crate::error::ParseError;
use crate::options::{self, Opt, Parsed, HELP};
use crate::parser::Invocation;
use crate::tools::json_from_stdin;

/// The tool's name.
pub const NAME: &str = "kafka-reassign-partitions";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool helps to move topic partitions between replicas.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::flag("additional", "Execute this reassignment in addition to any other ongoing ones. This option can also be used to change the throttle of an ongoing reassignment."),
    Opt::text("bootstrap-controller", "The controller to use for reassignment. By default, the tool will get the quorum controller. This option supports the actions --cancel and --list. Any address reaches the simulated cluster."),
    Opt::text("bootstrap-server", "the server(s) to use for bootstrapping. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("broker-list", "The list of brokers to which the partitions need to be reassigned in the form \"0,1,2\". This is required if --topics-to-move-json-file is used to generate reassignment configuration"),
    Opt::flag("cancel", "Cancel an active reassignment."),
    Opt::flag("disable-rack-aware", "Disable rack aware replica assignment"),
    Opt::flag("execute", "Kick off the reassignment as specified by the --reassignment-json-file option."),
    Opt::flag("generate", "Generate a candidate partition reassignment configuration. Note that this only generates a candidate assignment, it does not execute it."),
    HELP,
    Opt::flag("list", "List all active partition reassignments."),
    Opt::flag("preserve-throttles", "Do not modify broker or topic throttles."),
    Opt::text("reassignment-json-file", "The JSON file with the partition reassignment configurationThe format to use is - {\"partitions\": [{\"topic\": \"foo\", \"partition\": 1, \"replicas\": [1,2,3], \"log_dirs\": [\"dir1\",\"dir2\",\"dir3\"] }], \"version\":1} Note that \"log_dirs\" is optional. When it is specified, its length must equal the length of the replicas list. The value in this list can be either \"any\" or the absolution path of the log directory on the broker. If absolute log directory path is specified, the replica will be moved to the specified log directory on the broker. In the playground: /dev/stdin, with a here-document or a pipe."),
    Opt::long("timeout", "The maximum time in ms to wait for log directory replica assignment to begin."),
    Opt::text("topics-to-move-json-file", "Generate a reassignment configuration to move the partitions of the specified topics to the list of brokers specified by the --broker-list option. The format to use is - {\"topics\": [{\"topic\": \"foo\"},{\"topic\": \"foo1\"}], \"version\":1} In the playground: /dev/stdin, with a here-document or a pipe."),
    Opt::flag("verify", "Verify if the reassignment completed as specified by the --reassignment-json-file option. If there is a throttle engaged for the replicas specified, and the rebalance has completed, the throttle will be removed"),
    Opt::flag("version", "Display Kafka version."),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
There are no files: give --reassignment-json-file /dev/stdin (or --topics-to-move-json-file
/dev/stdin) and the JSON on standard input, with a here-document (<<EOF ... EOF) or a pipe
from echo. A reassignment completes by itself as simulated time passes (kplay time advance):
the new replicas copy the log and join the ISR, then the controller removes the old ones.
Requests to the controller wait for one up to 60 s of simulated time (default.api.timeout.ms).
Not simulated: replication throttles (--throttle and --replica-alter-log-dirs-throttle are
refused; --verify and --cancel still print Kafka's throttle clearing lines and delete the
topics' *.replication.throttled.replicas configs), log directories (log_dirs must be \"any\"),
--command-config and --disallow-replication-factor-change. --generate places replicas as the
simulated controller does, seeded from the clock and the topics: the same moment proposes the
same assignment, where Kafka's proposal is random.";

/// The actions, in the order Kafka names them.
const ACTIONS: &[&str] = &["generate", "execute", "verify", "cancel", "list"];

/// Kafka's options the playground does not model, with why.
const REFUSED: &[(&str, &str)] = &[
    ("throttle", "the playground does not simulate replication throttles: a reassignment copies at the simulated network's speed; leave --throttle out"),
    ("replica-alter-log-dirs-throttle", "the playground does not simulate log directories; leave --replica-alter-log-dirs-throttle out"),
    ("command-config", "--command-config is a Kafka option the playground does not model (there are no files)"),
    ("disallow-replication-factor-change", "--disallow-replication-factor-change is a Kafka option the playground does not model"),
];

/// A parsed `kafka-reassign-partitions` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReassignArgs {
    /// `--generate`: the topics-to-move JSON and the `--broker-list`.
    Generate {
        /// The text of `--topics-to-move-json-file` (standard input).
        topics_json: String,
        /// `--broker-list`, as written.
        broker_list: String,
    },
    /// `--execute`.
    Execute {
        /// The text of `--reassignment-json-file` (standard input).
        json: String,
        /// `--additional`.
        additional: bool,
    },
    /// `--verify`.
    Verify {
        /// The text of `--reassignment-json-file` (standard input).
        json: String,
        /// `--preserve-throttles`.
        preserve_throttles: bool,
    },
    /// `--cancel`.
    Cancel {
        /// The text of `--reassignment-json-file` (standard input).
        json: String,
        /// `--preserve-throttles`.
        preserve_throttles: bool,
    },
    /// `--list`.
    List,
}

fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(0, word, format!("{NAME}: {}", message.into()))
}

/// Parses the options (`validateAndParseArgs`) and takes the JSON from standard input.
pub fn parse(args: &[String], stdin: Option<String>) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    refuse_unmodelled(args)?;
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    let action = check_options(&parsed)?;
    let file = |option: &str| {
        let path = parsed.value(option).unwrap_or_default();
        json_from_stdin(NAME, option, path, stdin.clone())
    };
    let args = match action {
        "generate" => ReassignArgs::Generate {
            topics_json: file("topics-to-move-json-file")?,
            broker_list: parsed.value("broker-list").unwrap_or_default().to_string(),
        },
        "execute" => ReassignArgs::Execute {
            json: file("reassignment-json-file")?,
            additional: parsed.has("additional"),
        },
        "verify" => ReassignArgs::Verify {
            json: file("reassignment-json-file")?,
            preserve_throttles: parsed.has("preserve-throttles"),
        },
        "cancel" => ReassignArgs::Cancel {
            json: file("reassignment-json-file")?,
            preserve_throttles: parsed.has("preserve-throttles"),
        },
        _ => ReassignArgs::List,
    };
    Ok(Invocation::ReassignPartitions(args))
}

/// The first of the options the playground refuses, given as `--name` or `--name=value`.
fn refuse_unmodelled(args: &[String]) -> Result<(), ParseError> {
    for word in args {
        let Some(name) = word.strip_prefix("--") else {
            continue;
        };
        let name = name.split('=').next().unwrap_or_default();
        if let Some((_, why)) = REFUSED.iter().find(|(refused, _)| *refused == name) {
            return Err(ParseError::new(0, word, format!("{NAME}: {why}")));
        }
    }
    Ok(())
}

/// `validateAndParseArgs`: exactly one action, its required options, and no option the action
/// does not take. Returns the action.
fn check_options(parsed: &Parsed) -> Result<&'static str, ParseError> {
    let given: Vec<&'static str> = ACTIONS
        .iter()
        .copied()
        .filter(|action| parsed.has(action))
        .collect();
    let [action] = given.as_slice() else {
        return Err(usage(
            NAME,
            "Command must include exactly one action: --generate, --execute, --verify, --cancel, --list",
        ));
    };
    let action = *action;
    if parsed.has("bootstrap-server") && parsed.has("bootstrap-controller") {
        return Err(usage(
            "--bootstrap-controller",
            "Please don't specify both --bootstrap-server and --bootstrap-controller",
        ));
    }
    let required: &[&str] = match action {
        "generate" => &["topics-to-move-json-file", "broker-list"],
        "list" => &[],
        _ => &["reassignment-json-file"],
    };
    if let Some(missing) = required.iter().find(|option| !parsed.has(option)) {
        return Err(usage(
            &format!("--{action}"),
            format!("Missing required argument \"[{missing}]\""),
        ));
    }
    let permitted = permitted_options(action, parsed.has("bootstrap-controller"));
    let mut seen: Vec<&str> = Vec::new();
    for (option, _) in &parsed.options {
        if seen.contains(option) {
            continue;
        }
        seen.push(option);
        if *option != action && !required.contains(option) && !permitted.contains(option) {
            return Err(usage(
                &format!("--{option}"),
                format!("Option \"[{option}]\" can't be used with action \"[{action}]\""),
            ));
        }
    }
    Ok(action)
}

/// `validateAndParseArgs`'s `permittedArgs`: `--bootstrap-controller` only with `--cancel`
/// and `--list`.
fn permitted_options(action: &str, controller: bool) -> Vec<&'static str> {
    let bootstrap = if controller {
        "bootstrap-controller"
    } else {
        "bootstrap-server"
    };
    match action {
        "verify" => vec!["bootstrap-server", "preserve-throttles"],
        "generate" => vec!["bootstrap-server", "broker-list", "disable-rack-aware"],
        "execute" => vec!["additional", "bootstrap-server", "timeout"],
        "cancel" => vec![bootstrap, "preserve-throttles", "timeout"],
        _ => vec![bootstrap],
    }
}

/// `ReassignPartitionsCommand.compareTopicPartitions`: by topic, then partition.
fn sort_partitions<T>(items: &mut [T], partition: impl Fn(&T) -> &TopicPartition) {
    kplay_core::sort::sort_by(items, |a, b| {
        let (a, b) = (partition(a), partition(b));
        (&a.topic, a.partition).cmp(&(&b.topic, b.partition))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str, stdin: Option<&str>) -> Result<ReassignArgs, String> {
        let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        match parse(&words, stdin.map(str::to_string)) {
            Ok(Invocation::ReassignPartitions(args)) => Ok(args),
            Ok(other) => Err(format!("{other:?}")),
            Err(error) => Err(error.message),
        }
    }

    const JSON: &str = r#"{"partitions":[]}"#;

    #[test]
    fn each_action_takes_its_file_from_standard_input() {
        assert_eq!(
            parse_line(
                "--bootstrap-server b:9092 --execute --reassignment-json-file /dev/stdin --additional --timeout 5",
                Some(JSON)
            ),
            Ok(ReassignArgs::Execute {
                json: JSON.to_string(),
                additional: true
            })
        );
        assert_eq!(
            parse_line(
                "--generate --broker-list 1,2 --topics-to-move-json-file /dev/stdin --disable-rack-aware",
                Some(JSON)
            ),
            Ok(ReassignArgs::Generate {
                topics_json: JSON.to_string(),
                broker_list: "1,2".to_string()
            })
        );
        assert_eq!(
            parse_line("--list --bootstrap-controller c:9093", None),
            Ok(ReassignArgs::List)
        );
        assert_eq!(
            parse_line(
                "--cancel --reassignment-json-file /dev/stdin --preserve-throttles",
                Some(JSON)
            ),
            Ok(ReassignArgs::Cancel {
                json: JSON.to_string(),
                preserve_throttles: true
            })
        );
    }

    #[test]
    fn the_options_are_checked_as_validate_and_parse_args_checks_them() {
        let error = |line: &str| parse_line(line, Some(JSON)).expect_err(line);
        assert_eq!(error("--bootstrap-server b:9092"), "kafka-reassign-partitions: Command must include exactly one action: --generate, --execute, --verify, --cancel, --list");
        assert_eq!(error("--execute --verify --reassignment-json-file /dev/stdin"), "kafka-reassign-partitions: Command must include exactly one action: --generate, --execute, --verify, --cancel, --list");
        assert_eq!(
            error("--execute"),
            "kafka-reassign-partitions: Missing required argument \"[reassignment-json-file]\""
        );
        assert_eq!(
            error("--generate --broker-list 1"),
            "kafka-reassign-partitions: Missing required argument \"[topics-to-move-json-file]\""
        );
        assert_eq!(
            error("--generate --topics-to-move-json-file /dev/stdin"),
            "kafka-reassign-partitions: Missing required argument \"[broker-list]\""
        );
        assert_eq!(
            error("--execute --reassignment-json-file /dev/stdin --broker-list 1,2"),
            "kafka-reassign-partitions: Option \"[broker-list]\" can't be used with action \"[execute]\""
        );
        assert_eq!(
            error("--verify --reassignment-json-file /dev/stdin --additional"),
            "kafka-reassign-partitions: Option \"[additional]\" can't be used with action \"[verify]\""
        );
        assert_eq!(
            error("--generate --broker-list 1 --topics-to-move-json-file /dev/stdin --reassignment-json-file /dev/stdin"),
            "kafka-reassign-partitions: Option \"[reassignment-json-file]\" can't be used with action \"[generate]\""
        );
        assert_eq!(
            error("--verify --bootstrap-controller c:9093 --reassignment-json-file /dev/stdin"),
            "kafka-reassign-partitions: Option \"[bootstrap-controller]\" can't be used with action \"[verify]\""
        );
        assert_eq!(
            error("--list --bootstrap-server b:9092 --bootstrap-controller c:9093"),
            "kafka-reassign-partitions: Please don't specify both --bootstrap-server and --bootstrap-controller"
        );
        assert_eq!(
            error("--list --timeout 5"),
            "kafka-reassign-partitions: Option \"[timeout]\" can't be used with action \"[list]\""
        );
    }

    #[test]
    fn throttles_and_files_are_refused_with_the_reason() {
        let error = |line: &str, stdin: Option<&str>| parse_line(line, stdin).expect_err(line);
        assert!(error(
            "--execute --reassignment-json-file /dev/stdin --throttle 1000",
            Some(JSON)
        )
        .contains("does not simulate replication throttles"));
        assert!(error(
            "--execute --reassignment-json-file /dev/stdin --replica-alter-log-dirs-throttle=1000",
            Some(JSON)
        )
        .contains("log directories"));
        assert!(
            error("--execute --reassignment-json-file plan.json", Some(JSON))
                .starts_with("files are not available in the playground")
        );
        assert!(error("--execute --reassignment-json-file /dev/stdin", None)
            .contains("reads standard input"));
    }
}
