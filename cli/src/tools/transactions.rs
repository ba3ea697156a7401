//! `kafka-transactions`: list the transactional ids the coordinators know, describe one, and
//! describe the producers a partition leader remembers, printing what Kafka's
//! `TransactionsCommand` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/TransactionsCommand.java`: `list`
//! (`TransactionalId Coordinator ProducerId TransactionState`), `describe --transactional-id T`
//! (`CoordinatorId TransactionalId ProducerId ProducerEpoch TransactionState
//! TransactionTimeoutMs CurrentTransactionStartTimeMs TransactionDurationMs TopicPartitions`),
//! `describe-producers --topic T --partition P`, each a `prettyPrintTable` (columns padded to
//! their widest value, then a tab); failures are `printErrorAndExit`'s `<what failed>:
//! <message>. Enable debug logging for additional detail.` on standard error. The tables come
//! from the core's transaction views. With no broker to reach, each command's admin call waits
//! `default.api.timeout.ms` for a node to send its first request to and fails with
//! `KafkaAdminClient`'s `Timed out waiting for a node assignment. Call: listTransactions(api=METADATA)`
//! (`describeTransactions(api=FIND_COORDINATOR)`, `describeProducers(api=METADATA)`: the
//! calls `AdminApiDriver` names).
//!
//! Simplified: `list` is sorted by transactional id (Kafka groups the rows by coordinator);
//! options are accepted before or after the command word (argparse4j wants
//! `--bootstrap-server` before it); `abort`, `find-hanging`, `--broker-id` and
//! `--command-config` are not available.

use kplay_core::view::transactions::pretty_print_table;
use kplay_core::TopicPartition;

use crate::error::ParseError;
use crate::options::{self, Opt, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;

/// The tool's name.
pub const NAME: &str = "kafka-transactions";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool is used to analyze the transactional state of producers in the cluster. It can be used to detect and recover from hanging transactions.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::text("bootstrap-server", "hostname and port for the broker to connect to, in the form `host:port`  (multiple comma-separated entries can be given). Any address reaches the simulated cluster; optional in the playground."),
    HELP,
    Opt::int("partition", "partition number (describe-producers)"),
    Opt::text("topic", "topic name (describe-producers)"),
    Opt::text("transactional-id", "transactional id (describe)"),
    Opt::flag("version", "show the version of this Kafka distribution and exit"),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
Commands: list (list transactions), describe --transactional-id T (describe the state of an
active transactional-id), describe-producers --topic T --partition P (describe the states of
active producers for a topic partition, as its leader knows them). list is sorted by
transactional id. abort, find-hanging, --broker-id and --command-config are not available.";

/// The commands (the playground runs the first three).
pub const COMMANDS: &[&str] = &[
    "list",
    "describe",
    "describe-producers",
    "abort",
    "find-hanging",
];

/// Kafka's options and commands the playground does not model.
const UNMODELLED: &[&str] = &["broker-id", "command-config", "abort", "find-hanging"];

/// A parsed `kafka-transactions` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransactionsArgs {
    /// `list`.
    List,
    /// `describe --transactional-id T`.
    Describe {
        /// The transactional id.
        transactional_id: String,
    },
    /// `describe-producers --topic T --partition P`.
    DescribeProducers {
        /// The partition.
        partition: TopicPartition,
    },
}

fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(0, word, format!("{NAME}: error: {}", message.into()))
}

/// Parses the command and its options (argparse4j's subparsers).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    if let Some(word) = args.iter().find(|word| {
        let name = word.trim_start_matches('-');
        UNMODELLED.contains(&name.split('=').next().unwrap_or_default())
    }) {
        return Err(ParseError::new(
            0,
            word,
            format!("{word} is a Kafka option or command the playground does not model"),
        ));
    }
    let parsed = options::parse(NAME, SPECS, args)?;
    let Some(command) = parsed.positionals.first() else {
        return Err(usage(NAME, "too few arguments"));
    };
    if let Some(extra) = parsed.positionals.get(1) {
        return Err(usage(extra, format!("unrecognized arguments: '{extra}'")));
    }
    let allowed: &[&str] = match command.as_str() {
        "list" => &[],
        "describe" => &["transactional-id"],
        "describe-producers" => &["topic", "partition"],
        _ => {
            let choices: Vec<String> = COMMANDS.iter().map(|c| format!("'{c}'")).collect();
            return Err(usage(
                command,
                format!(
                    "argument COMMAND: invalid choice: '{command}' (choose from {})",
                    choices.join(", ")
                ),
            ));
        }
    };
    for (option, _) in &parsed.options {
        if !allowed.contains(option) && !matches!(*option, "bootstrap-server" | "help" | "version")
        {
            return Err(usage(
                &format!("--{option}"),
                format!("unrecognized arguments: '--{option}'"),
            ));
        }
    }
    let required = |name: &str| {
        parsed
            .value(name)
            .ok_or_else(|| usage(command, format!("argument --{name} is required")))
    };
    let args = match command.as_str() {
        "list" => TransactionsArgs::List,
        "describe" => TransactionsArgs::Describe {
            transactional_id: required("transactional-id")?.to_string(),
        },
        _ => {
            let topic = required("topic")?;
            required("partition")?;
            TransactionsArgs::DescribeProducers {
                partition: TopicPartition::new(topic, parsed.int("partition").unwrap_or(0)),
            }
        }
    };
    Ok(Invocation::Transactions(args))
}

/// Runs a parsed `kafka-transactions` command.
pub fn run(shell: &mut Shell, args: &TransactionsArgs) -> Output {
    let mut output = Output::new();
    if let Some(message) = shell.admin_call_timed_out(first_call(args)) {
        output.eprintln(failure(&what_failed(args), &message));
        return output;
    }
    match args {
        TransactionsArgs::List => output.print(shell.cluster.kafka_transactions_list()),
        TransactionsArgs::Describe { transactional_id } => {
            match shell.cluster.kafka_transactions_describe(transactional_id) {
                Ok(table) => output.print(table),
                // DescribeTransactionsHandler's TransactionalIdNotFoundException.
                Err(_) => output.eprintln(failure(
                    &what_failed(args),
                    &format!("DescribeTransactions request for transactionalId `{transactional_id}` failed because the ID could not be found"),
                )),
            }
        }
        TransactionsArgs::DescribeProducers { partition } => {
            describe_producers(shell, partition, &what_failed(args), &mut output);
        }
    }
    output
}

/// The admin call each command makes, as the admin client names it: these go through
/// `AdminApiDriver`, whose first request (a lookup of the brokers, the transaction
/// coordinator or the partition leader) is named `<api>(api=<request>)`.
fn first_call(args: &TransactionsArgs) -> &'static str {
    match args {
        TransactionsArgs::List => "listTransactions(api=METADATA)",
        TransactionsArgs::Describe { .. } => "describeTransactions(api=FIND_COORDINATOR)",
        TransactionsArgs::DescribeProducers { .. } => "describeProducers(api=METADATA)",
    }
}

/// What each command says failed, before the cause (`printErrorAndExit`'s message).
fn what_failed(args: &TransactionsArgs) -> String {
    match args {
        TransactionsArgs::List => "Failed to list transactions".to_string(),
        TransactionsArgs::Describe { transactional_id } => {
            format!("Failed to describe transaction state of transactional-id `{transactional_id}`")
        }
        TransactionsArgs::DescribeProducers { partition } => {
            format!("Failed to describe producers for partition {partition} on leader")
        }
    }
}

/// `printErrorAndExit(message, cause)`.
fn failure(what: &str, message: &str) -> String {
    format!("{what}: {message}. Enable debug logging for additional detail.")
}

/// `DescribeProducersCommand`; `what` is [`what_failed`]'s text.
fn describe_producers(shell: &Shell, partition: &TopicPartition, what: &str, output: &mut Output) {
    let exists = shell
        .cluster
        .partition_count(&partition.topic)
        .is_some_and(|count| (0..count).contains(&partition.partition));
    if !exists {
        output.eprintln(failure(
            what,
            "This server does not host this topic-partition",
        ));
        return;
    }
    match shell.cluster.describe_producers(partition) {
        Ok(producers) => {
            let rows: Vec<Vec<String>> = producers
                .into_iter()
                .map(|producer| {
                    vec![
                        producer.producer_id.to_string(),
                        producer.producer_epoch.to_string(),
                        producer.coordinator_epoch.to_string(),
                        producer.last_sequence.to_string(),
                        producer.last_timestamp.to_string(),
                        producer
                            .current_transaction_start_offset
                            .map_or_else(|| "None".to_string(), |offset| offset.0.to_string()),
                    ]
                })
                .collect();
            output.print(pretty_print_table(
                &[
                    "ProducerId",
                    "ProducerEpoch",
                    "LatestCoordinatorEpoch",
                    "LastSequence",
                    "LastTimestamp",
                    "CurrentTransactionStartOffset",
                ],
                &rows,
            ));
        }
        Err(error) => {
            let message = error.message.trim_end_matches('.').to_string();
            output.eprintln(failure(what, &message));
        }
    }
}
