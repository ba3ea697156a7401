//! The playground's own verbs, under `kplay`: what no Kafka tool does (stopping brokers,
//! cutting the network, moving simulated time, driving producers and consumers step by step,
//! looking at replicas and the event trace).
//!
//! - [`faults`]: `kplay broker ...`, `kplay network ...`, `kplay time advance`;
//! - [`clients`]: `kplay producer ...`, `kplay produce`, `kplay consumer ...`,
//!   `kplay workload ...`, `kplay leader-election`;
//! - [`inspect`]: `kplay replicas`, `kplay trace`, `kplay status`.
//!
//! A verb that changes the cluster acts at the current simulated time and prints what happened
//! at once, one sentence per event (the mechanism and the config that decided it); a refusal
//! prints Kafka's error and the script goes on.

pub mod clients;
pub mod faults;
pub mod inspect;

use kplay_core::{Command, Event};

use crate::error::ParseError;
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;

/// The verbs, as completion offers them.
pub const VERBS: &[&str] = &[
    "broker",
    "network",
    "time",
    "producer",
    "produce",
    "consumer",
    "workload",
    "replicas",
    "trace",
    "status",
    "leader-election",
];

/// A node named in `kplay network cut`: a broker number, `zookeeper`, `client-N` (the index
/// the trace prints) or a client's `client.id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRef {
    /// A broker.
    Broker(i32),
    /// ZooKeeper (legacy mode).
    ZooKeeper,
    /// A client by index.
    ClientIndex(u32),
    /// A client by `client.id`.
    ClientName(String),
}

/// A parsed `kplay` line.
#[derive(Debug, Clone, PartialEq)]
pub enum Verb {
    /// A verb that is one core command.
    Core(Command),
    /// `kplay network cut|repair A,B C`.
    Links {
        /// Cut (else repair).
        cut: bool,
        /// One side.
        side_a: Vec<NodeRef>,
        /// The other side.
        side_b: Vec<NodeRef>,
    },
    /// `kplay time advance D`.
    Advance(i64),
    /// `kplay replicas TOPIC PARTITION`.
    Replicas {
        /// The topic.
        topic: String,
        /// The partition.
        partition: i32,
    },
    /// `kplay trace [N] [--explain]`.
    Trace {
        /// How many of the last events.
        count: usize,
        /// Sentences instead of trace lines.
        explain: bool,
    },
    /// `kplay status`.
    Status,
}

/// Parses the words after `kplay`.
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    let Some((verb, rest)) = args.split_first() else {
        return Ok(Invocation::Help(Some("kplay".to_string())));
    };
    let parsed = match verb.as_str() {
        "broker" | "network" | "time" => faults::parse(verb, rest)?,
        "producer" | "produce" | "consumer" | "workload" | "leader-election" => {
            clients::parse(verb, rest)?
        }
        "replicas" | "trace" | "status" => inspect::parse(verb, rest)?,
        "help" => {
            return Ok(Invocation::Help(
                rest.first()
                    .map(|v| format!("kplay {v}"))
                    .or(Some("kplay".to_string())),
            ))
        }
        other => {
            let hint = crate::options::suggest(other, VERBS.iter().copied())
                .map(|best| format!(" (did you mean {best}?)"))
                .unwrap_or_default();
            return Err(ParseError::new(
                0,
                other,
                format!(
                    "unknown kplay verb {other}{hint}; expected one of {}",
                    VERBS.join(", ")
                ),
            ));
        }
    };
    Ok(Invocation::Kplay(parsed))
}

/// Runs a verb.
pub fn run(shell: &mut Shell, verb: &Verb) -> Output {
    match verb {
        Verb::Core(command) => apply_and_explain(shell, command.clone()),
        Verb::Links {
            cut,
            side_a,
            side_b,
        } => faults::links(shell, *cut, side_a, side_b),
        Verb::Advance(ms) => {
            shell.run_for(*ms);
            Output::new()
        }
        Verb::Replicas { topic, partition } => inspect::replicas(shell, topic, *partition),
        Verb::Trace { count, explain } => inspect::trace(shell, *count, *explain),
        Verb::Status => inspect::status(shell),
    }
}

/// Applies a command and prints one sentence per event it caused, or Kafka's error.
pub fn apply_and_explain(shell: &mut Shell, command: Command) -> Output {
    let mut output = Output::new();
    match shell.apply(command) {
        Ok(events) => explain(&mut output, &events),
        Err(error) => output.eprintln(format!("Error: {error}")),
    }
    output
}

fn explain(output: &mut Output, events: &[Event]) {
    for event in events {
        output.println(event.describe());
    }
}

/// A usage error for `kplay VERB`.
pub(crate) fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(0, word, format!("kplay {}", message.into()))
}

/// The one word at `index`, or a usage error naming what was expected.
pub(crate) fn word<'a>(
    args: &'a [String],
    index: usize,
    verb: &str,
    what: &str,
) -> Result<&'a str, ParseError> {
    args.get(index)
        .map(String::as_str)
        .ok_or_else(|| usage(verb, format!("{verb}: expected {what}")))
}

/// No words after `max`.
pub(crate) fn no_more(args: &[String], max: usize, verb: &str) -> Result<(), ParseError> {
    match args.get(max) {
        Some(extra) => Err(usage(
            extra,
            format!("{verb}: unexpected argument '{extra}'"),
        )),
        None => Ok(()),
    }
}

/// A broker number.
pub(crate) fn broker(text: &str, verb: &str) -> Result<kplay_core::BrokerId, ParseError> {
    text.parse::<i32>().map(kplay_core::BrokerId).map_err(|_| {
        usage(
            text,
            format!("{verb}: expected a broker number, not '{text}'"),
        )
    })
}

/// `topic:partition` (Kafka's `topic:0` form; the last `:` splits).
pub(crate) fn topic_partition(
    text: &str,
    verb: &str,
) -> Result<kplay_core::TopicPartition, ParseError> {
    text.rsplit_once(':')
        .and_then(|(topic, partition)| {
            Some(kplay_core::TopicPartition::new(
                topic,
                partition.parse().ok()?,
            ))
        })
        .filter(|tp| !tp.topic.is_empty())
        .ok_or_else(|| {
            usage(
                text,
                format!("{verb}: expected topic:partition, not '{text}'"),
            )
        })
}
