//! `kafka-leader-election`: ask the controller for preferred or unclean leader elections,
//! printing what Kafka's `LeaderElectionCommand` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/LeaderElectionCommand.java`:
//! `Successfully completed leader election (PREFERRED) for partitions t-0, t-1`, `Valid replica
//! already elected for partitions t-0`, `Error completing leader election (UNCLEAN) for
//! partition: t-0: <exception>` and then `N replica(s) could not be elected` on standard error.
//! With `--all-topic-partitions` the controller leaves out partitions that already have the
//! desired leader (`ReplicationControlManager.electLeaders`).
//!
//! `--path-to-json-file` names the partitions in JSON (`{"partitions": [{"topic": "t",
//! "partition": 0}]}`); the playground has no files, so it reads `/dev/stdin` (a here-document
//! or a pipe, as a real shell allows). Its errors are `parseReplicaElectionData`'s, printed as
//! `mainNoExit` prints an exception's message: `Replica election data is empty` (also for text
//! that is not JSON), `Replica election data is missing "partitions" field`, `Replica election
//! data contains duplicate partitions: [t-0]` and Jackson's mapping errors wrapped in a
//! `RuntimeException`.
//!
//! Partitions are listed in the order of Kafka's `HashSet`s and `HashMap` of results (see
//! [`hash_map_order`]). Without an active controller the admin client retries until the
//! tool's `default.api.timeout.ms` (30 s, set by `LeaderElectionCommand.run`): the tool lets
//! simulated time pass until a controller is elected, or prints `Timeout waiting for election
//! results` and fails with that message. Simplified: the stack trace after the error is left
//! out.

use kplay_core::cluster::event::{ElectionReason, EventKind};
use kplay_core::{Command, ElectionType, ErrorCode, TopicPartition};

use crate::error::ParseError;
use crate::json;
use crate::options::{self, Opt, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;
use crate::tools::{duplicate_partitions, hash_map_order, json_from_stdin};

/// The tool's name.
pub const NAME: &str = "kafka-leader-election";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::flag("all-topic-partitions", "Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified."),
    Opt::text("bootstrap-server", "A hostname and port for the broker to connect to, in the form host:port. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("election-type", "Type of election to attempt. Possible values are \"preferred\" for preferred leader election or \"unclean\" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED."),
    HELP,
    Opt::int("partition", "Partition id for which to perform an election. REQUIRED if --topic is specified."),
    Opt::text("path-to-json-file", "The JSON file with the list of partition for which leader elections should be performed. This is an example format. {\"partitions\": [{\"topic\": \"foo\", \"partition\": 1}, {\"topic\": \"foobar\", \"partition\": 2}]}. Not allowed if --all-topic-partitions or --topic flags are specified. In the playground: /dev/stdin, with a here-document or a pipe."),
    Opt::text("topic", "Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified."),
    Opt::flag("version", "Display Kafka version."),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
There are no files: give --path-to-json-file /dev/stdin and the JSON on standard input, with a
here-document (<<EOF ... EOF) or a pipe from echo.
Without an active controller the tool waits for one, up to 30 s of simulated time, as Kafka's
admin client retries; then it prints \"Timeout waiting for election results\".";

/// A parsed `kafka-leader-election` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionArgs {
    /// Preferred or unclean.
    pub election: ElectionType,
    /// One partition (`--topic` and `--partition`), or every partition.
    pub partition: Option<TopicPartition>,
    /// `--path-to-json-file /dev/stdin`: the JSON naming the partitions.
    pub partitions_json: Option<String>,
}

/// Parses the options (`LeaderElectionCommandOptions.validate`).
pub fn parse(args: &[String], stdin: Option<String>) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    let kind = parsed.value("election-type").ok_or_else(|| {
        ParseError::new(
            0,
            NAME,
            "kafka-leader-election: Missing required option(s): election-type",
        )
    })?;
    let election = election_type(kind)?;
    if parsed.count_of(&["topic", "all-topic-partitions", "path-to-json-file"]) != 1 {
        return Err(ParseError::new(0, NAME, "kafka-leader-election: One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file"));
    }
    let partition = match (parsed.value("topic"), parsed.int("partition")) {
        (Some(topic), Some(partition)) => Some(TopicPartition::new(topic, partition)),
        (Some(_), None) => {
            return Err(ParseError::new(
                0,
                "--topic",
                "kafka-leader-election: Missing required option(s): partition",
            ))
        }
        (None, Some(_)) => {
            return Err(ParseError::new(
                0,
                "--partition",
                "kafka-leader-election: Option partition is only allowed if topic is used",
            ))
        }
        (None, None) => None,
    };
    let partitions_json = match parsed.value("path-to-json-file") {
        Some(file) => Some(json_from_stdin(NAME, "path-to-json-file", file, stdin)?),
        None => None,
    };
    Ok(Invocation::LeaderElection(ElectionArgs {
        election,
        partition,
        partitions_json,
    }))
}

/// `ElectionType` as jopt-simple's `EnumConverter` reads it (case-insensitive).
pub fn election_type(text: &str) -> Result<ElectionType, ParseError> {
    match text.to_ascii_lowercase().as_str() {
        "preferred" => Ok(ElectionType::Preferred),
        "unclean" => Ok(ElectionType::Unclean),
        _ => Err(ParseError::new(0, text, format!(
            "kafka-leader-election: Cannot parse argument '{text}' of option election-type (expected preferred or unclean)"
        ))),
    }
}

/// `ElectionType.toString()`.
pub fn election_name(election: ElectionType) -> &'static str {
    match election {
        ElectionType::Preferred => "PREFERRED",
        ElectionType::Unclean => "UNCLEAN",
    }
}

/// Runs the election.
pub fn run(shell: &mut Shell, args: &ElectionArgs) -> Output {
    let mut output = Output::new();
    let name = election_name(args.election);
    let named = match (&args.partitions_json, &args.partition) {
        (Some(text), _) => match election_data(text) {
            Ok(partitions) => Some(partitions),
            Err(message) => {
                output.eprintln(message);
                return output;
            }
        },
        (None, Some(partition)) => Some(vec![partition.clone()]),
        (None, None) => None,
    };
    // The admin client looks for the controller and retries until the tool's
    // `default.api.timeout.ms` (30 s): a controller elected meanwhile takes the request.
    if !shell.controller_within(API_TIMEOUT_MS) {
        return timed_out(output);
    }
    let (mut elected, mut noop, mut failed) = match named {
        Some(partitions) => elect_each(shell, args.election, partitions),
        None => {
            let before = partitions(shell);
            let command = Command::ElectLeaders {
                election: args.election,
                partitions: None,
            };
            match shell.apply(command) {
                Ok(events) => (
                    elected_in(&events),
                    Vec::new(),
                    sweep_failures(args.election, &before, &events),
                ),
                // Only a sweep without an active controller fails whole.
                Err(_) => return timed_out(output),
            }
        }
    };
    hash_map_order(&mut elected, |partition| partition);
    hash_map_order(&mut noop, |partition| partition);
    hash_map_order(&mut failed, |(partition, _)| partition);
    if !elected.is_empty() {
        output.println(format!(
            "Successfully completed leader election ({name}) for partitions {}",
            join(&elected)
        ));
    }
    if !noop.is_empty() {
        output.println(format!(
            "Valid replica already elected for partitions {}",
            join(&noop)
        ));
    }
    for (partition, exception) in &failed {
        output.println(format!(
            "Error completing leader election ({name}) for partition: {partition}: {exception}"
        ));
    }
    if !failed.is_empty() {
        output.eprintln(format!("{} replica(s) could not be elected", failed.len()));
    }
    output
}

/// `LeaderElectionCommand` runs its admin client with a `default.api.timeout.ms` of 30 s.
const API_TIMEOUT_MS: i64 = 30_000;

/// The admin call timed out: the tool prints why, then fails with the same message.
fn timed_out(mut output: Output) -> Output {
    let message = "Timeout waiting for election results";
    output.println(message);
    output.eprintln(message);
    output
}

/// What an election request did: the partitions elected, those already on a valid replica, and
/// those that failed with their exception.
type Outcomes = (
    Vec<TopicPartition>,
    Vec<TopicPartition>,
    Vec<(TopicPartition, String)>,
);

/// The elections of named partitions, each on its own (Kafka sends them in one request; the
/// controller decides each partition alone).
fn elect_each(
    shell: &mut Shell,
    election: ElectionType,
    partitions: Vec<TopicPartition>,
) -> Outcomes {
    let (mut elected, mut noop, mut failed) = (Vec::new(), Vec::new(), Vec::new());
    for partition in partitions {
        let command = Command::ElectLeaders {
            election,
            partitions: Some(vec![partition.clone()]),
        };
        match shell.apply(command) {
            Ok(_) => elected.push(partition),
            Err(error) if error.code == ErrorCode::ElectionNotNeeded => noop.push(partition),
            Err(error) => failed.push((partition, error.as_exception())),
        }
    }
    (elected, noop, failed)
}

/// `parseReplicaElectionData`: the partitions the JSON names, or the message the tool ends
/// with.
fn election_data(text: &str) -> Result<Vec<TopicPartition>, String> {
    let json = json::parse(text).ok_or("Replica election data is empty")?;
    let list = json
        .object()?
        .field("partitions")
        .ok_or("Replica election data is missing \"partitions\" field")?;
    let mut partitions = Vec::new();
    for entry in list.array()? {
        let entry = entry.object()?;
        let topic = entry.require("topic")?.string()?;
        let partition = entry.require("partition")?.int()?;
        partitions.push(TopicPartition::new(topic, partition));
    }
    let named: Vec<&TopicPartition> = partitions.iter().collect();
    let duplicates = duplicate_partitions(&named);
    if !duplicates.is_empty() {
        return Err(format!(
            "Replica election data contains duplicate partitions: [{}]",
            join(&duplicates)
        ));
    }
    Ok(partitions)
}

fn join<T: ToString>(partitions: &[T]) -> String {
    partitions
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every partition with its leader and preferred replica, before the election.
fn partitions(shell: &Shell) -> Vec<(TopicPartition, Option<i32>, Option<i32>)> {
    shell
        .cluster
        .view()
        .topics
        .iter()
        .flat_map(|topic| topic.partitions.iter())
        .map(|p| {
            (
                p.partition.clone(),
                p.leader.map(|b| b.0),
                p.replicas.first().map(|b| b.0),
            )
        })
        .collect()
}

fn elected_in(events: &[kplay_core::Event]) -> Vec<TopicPartition> {
    let mut elected: Vec<TopicPartition> = events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::LeaderElected {
                partition,
                leader: Some(_),
                reason:
                    ElectionReason::Preferred
                    | ElectionReason::Unclean
                    | ElectionReason::ReplicaReturned,
                ..
            } => Some(partition.clone()),
            _ => None,
        })
        .collect();
    kplay_core::sort::sort(&mut elected);
    elected.dedup();
    elected
}

/// The partitions a sweep wanted to change but could not: not on the preferred leader (or
/// without a leader, for unclean) and not elected now.
fn sweep_failures(
    election: ElectionType,
    before: &[(TopicPartition, Option<i32>, Option<i32>)],
    events: &[kplay_core::Event],
) -> Vec<(TopicPartition, String)> {
    let elected = elected_in(events);
    before
        .iter()
        .filter(|(partition, _, _)| !elected.contains(partition))
        .filter_map(|(partition, leader, preferred)| match election {
            ElectionType::Preferred if leader != preferred => Some((
                partition.clone(),
                format!("org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: Failed to elect leader for partition {partition} under strategy PreferredReplicaPartitionLeaderElectionStrategy"),
            )),
            ElectionType::Unclean if leader.is_none() => Some((
                partition.clone(),
                format!("org.apache.kafka.common.errors.EligibleLeadersNotAvailableException: Failed to elect leader for partition {partition} under strategy UncleanLeaderElectionStrategy"),
            )),
            _ => None,
        })
        .collect()
}
