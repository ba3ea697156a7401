//! From a command's words to what it does: the tool is named by its first word (with or
//! without `.sh`, with or without a leading path such as `bin/`), and each tool parses its own
//! options. A tool reads its standard input from a here-document or from `echo`, `printf` or
//! `cat <<EOF` on the left of a `|`.

use crate::error::ParseError;
use crate::kplay;
use crate::lexer::{RawCommand, Segment};
use crate::tools::{
    acls, configs, console_consumer, console_producer, consumer_groups, curl, delete_records,
    get_offsets, leader_election, reassign_partitions, text, topics, transactions,
};

/// Something a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    /// `kafka-topics`.
    Topics(topics::TopicsArgs),
    /// `kafka-console-producer` with its input lines.
    ConsoleProducer(console_producer::ProducerArgs),
    /// `kafka-console-consumer`.
    ConsoleConsumer(console_consumer::ConsumerArgs),
    /// `kafka-consumer-groups`.
    ConsumerGroups(consumer_groups::GroupsArgs),
    /// `kafka-configs`.
    Configs(configs::ConfigsArgs),
    /// `kafka-leader-election`.
    LeaderElection(leader_election::ElectionArgs),
    /// `kafka-reassign-partitions`.
    ReassignPartitions(reassign_partitions::ReassignArgs),
    /// `kafka-acls`.
    Acls(acls::AclsArgs),
    /// `kafka-get-offsets`.
    GetOffsets(get_offsets::GetOffsetsArgs),
    /// `kafka-delete-records`.
    DeleteRecords(delete_records::DeleteRecordsArgs),
    /// `kafka-transactions`.
    Transactions(transactions::TransactionsArgs),
    /// `curl` to the simulated schema registry.
    Curl(curl::CurlArgs),
    /// A playground verb (`kplay ...`).
    Kplay(kplay::Verb),
    /// `echo`, `printf` or `cat <<EOF`: text to print.
    Print(String),
    /// `sleep N`: simulated time passes.
    Sleep(i64),
    /// `--help` of a tool, or `help [topic]`.
    Help(Option<String>),
    /// `--version` of a Kafka tool.
    Version,
}

/// The tools and commands the language knows, as completion offers them.
pub const COMMANDS: &[&str] = &[
    "kafka-topics",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-avro-console-producer",
    "kafka-avro-console-consumer",
    "kafka-consumer-groups",
    "kafka-configs",
    "kafka-leader-election",
    "kafka-reassign-partitions",
    "kafka-acls",
    "kafka-get-offsets",
    "kafka-delete-records",
    "kafka-transactions",
    "curl",
    "kplay",
    "echo",
    "printf",
    "sleep",
    "help",
];

/// The tool a word names: `bin/kafka-topics.sh` is `kafka-topics`.
pub fn tool_name(word: &str) -> &str {
    let base = word.rsplit('/').next().unwrap_or(word);
    base.strip_suffix(".sh").unwrap_or(base)
}

/// Parses one command line.
pub fn parse_command(raw: &RawCommand) -> Result<Invocation, ParseError> {
    let stdin = match &raw.upstream {
        Some(source) => Some(text::output_of(source)?),
        None => raw.main.heredoc.clone(),
    };
    parse_segment(&raw.main, stdin)
}

fn parse_segment(segment: &Segment, stdin: Option<String>) -> Result<Invocation, ParseError> {
    let Some((first, args)) = segment.words.split_first() else {
        return Err(ParseError::new(0, "", "a command was expected"));
    };
    let name = tool_name(first);
    let wants_help = args.iter().any(|arg| arg == "--help" || arg == "-h");
    if wants_help && name != "echo" && name != "printf" {
        return Ok(Invocation::Help(Some(help_topic(name, args))));
    }
    if name.starts_with("kafka-") && args.iter().any(|arg| arg == "--version") {
        return Ok(Invocation::Version);
    }
    let unexpected_input = || {
        ParseError::new(
            0,
            first.clone(),
            format!("{name} does not read input: kafka-console-producer does, kafka-delete-records and kafka-leader-election read a JSON file given as /dev/stdin, and curl reads --data @-; kafka-reassign-partitions also reads a JSON file given as /dev/stdin"),
        )
    };
    let reads_input = matches!(
        name,
        "kafka-console-producer"
            | "kafka-avro-console-producer"
            | "kafka-delete-records"
            | "kafka-leader-election"
            | "kafka-reassign-partitions"
            | "curl"
    );
    if stdin.is_some() && !reads_input {
        return Err(unexpected_input());
    }
    match name {
        "kafka-topics" => topics::parse(args),
        "kafka-console-producer" => console_producer::parse(args, stdin),
        "kafka-avro-console-producer" => console_producer::parse_avro(args, stdin),
        "kafka-console-consumer" => console_consumer::parse(args),
        "kafka-avro-console-consumer" => console_consumer::parse_avro(args),
        "kafka-consumer-groups" => consumer_groups::parse(args),
        "kafka-configs" => configs::parse(args),
        "kafka-leader-election" => leader_election::parse(args, stdin),
        "kafka-reassign-partitions" => reassign_partitions::parse(args, stdin),
        "kafka-acls" => acls::parse(args),
        "kafka-get-offsets" => get_offsets::parse(args),
        "kafka-delete-records" => delete_records::parse(args, stdin),
        "kafka-transactions" => transactions::parse(args),
        "curl" => curl::parse(args, stdin),
        "kplay" => kplay::parse(args),
        "echo" | "printf" | "cat" => text::parse(name, args, segment.heredoc.as_deref()),
        "sleep" => text::parse_sleep(args),
        "help" => Ok(Invocation::Help(args.first().cloned())),
        _ => Err(unknown_command(first)),
    }
}

/// The help topic for `tool ... --help`: `kplay consumer --help` is `kplay consumer`.
fn help_topic(name: &str, args: &[String]) -> String {
    match (name, args.first()) {
        ("kplay", Some(verb)) if !verb.starts_with('-') => format!("kplay {verb}"),
        _ => name.to_string(),
    }
}

fn unknown_command(word: &str) -> ParseError {
    let name = tool_name(word);
    let hint = crate::options::suggest(name, COMMANDS.iter().copied())
        .map(|best| format!(" (did you mean {best}?)"))
        .unwrap_or_default();
    ParseError::new(
        0,
        word,
        format!(
            "unknown command {word}{hint}; the playground speaks {}",
            COMMANDS.join(", ")
        ),
    )
}
