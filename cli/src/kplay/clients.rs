//! `kplay producer ...`, `kplay produce`, `kplay consumer ...`, `kplay workload ...` and
//! `kplay leader-election`: clients driven one call at a time, as an application drives
//! `KafkaProducer` and `KafkaConsumer`.
//!
//! A client is named by its `client.id`, unique in the playground. `kplay consumer start`
//! builds the consumer's configs from its options in the order they are given (`--group` is
//! `group.id`, `--group-instance-id` is `group.instance.id`, `--assignor` is
//! `partition.assignment.strategy`, `--consumer-property k=v` anything else; `--commit MODE`
//! other than `auto` adds `enable.auto.commit=false`). The member id is assigned by the group
//! coordinator (JoinGroup), so it cannot be chosen; use `--group-instance-id` for a fixed
//! identity (static membership).

use kplay_core::kinds::AssignorKind;
use kplay_core::{
    AppCommits, Command, CommitPolicy, ElectionType, NewRecord, Subscription, Workload,
};

use super::faults::duration;
use super::{no_more, topic_partition, usage, word, Verb};
use crate::error::ParseError;
use crate::options::{self, Opt, Parsed};
use crate::tools::key_values;

/// Options of `kplay producer start`.
pub const PRODUCER_SPECS: &[Opt] = &[Opt::text(
    "producer-property",
    "A producer config in the form key=value (repeatable).",
)];

/// Options of `kplay produce`.
pub const PRODUCE_SPECS: &[Opt] = &[
    Opt::text(
        "header",
        "A header key=value (repeatable; a key without = has a null value).",
    ),
    Opt::text(
        "key",
        "The record's key (without it the key is null; --key '' is an empty key).",
    ),
    Opt::flag(
        "null-value",
        "Send a null value (a tombstone on a compacted topic).",
    ),
    Opt::int(
        "partition",
        "An explicit partition, which wins over the key.",
    ),
    Opt::long("timestamp", "An explicit timestamp in ms since the epoch."),
];

/// Options of `kplay consumer start`.
pub const CONSUMER_SPECS: &[Opt] = &[
    Opt::text("app-commits", "When the application commits by itself: none, sync-after, async-after, sync-before or async-before (no config is added)."),
    Opt::text("assignor", "partition.assignment.strategy: range, roundrobin, sticky or cooperative-sticky."),
    Opt::text("client-id", "Not an option: NAME is the consumer's client.id."),
    Opt::text("commit", "auto (enable.auto.commit, the default), manual (commit with kplay consumer commit), sync-after, async-after, sync-before or async-before (commit after or before processing each poll); all but auto set enable.auto.commit=false."),
    Opt::text("consumer-property", "A consumer config in the form key=value (repeatable)."),
    Opt::text("group", "group.id: subscribe through this consumer group."),
    Opt::text("group-instance-id", "group.instance.id: static membership."),
    Opt::text("member-id", "Not an option: the group coordinator assigns member ids."),
    Opt::text("partition", "Assign a partition instead of subscribing: topic:partition (repeatable)."),
    Opt::text("pattern", "Subscribe to every topic whose whole name matches this regular expression (subscribe(Pattern)), instead of --topic."),
    Opt::text("poll-interval", "How long the application waits between polls (default 100ms); manual: it polls only on kplay consumer poll."),
    Opt::text("processing", "Processing time per record returned by poll() (default 1ms)."),
    Opt::text("topic", "A topic to subscribe to (repeatable)."),
];

/// Options of `kplay workload start`.
pub const WORKLOAD_SPECS: &[Opt] = &[
    Opt::int(
        "keys",
        "How many distinct keys (key-0, key-1, ...); 0 sends null keys (default 0).",
    ),
    Opt::long("rate", "Records per simulated second."),
    Opt::text("topic", "The topic."),
    Opt::int("value-bytes", "Bytes in each value (default 100)."),
];

/// Parses a client verb.
pub fn parse(verb: &str, args: &[String]) -> Result<Verb, ParseError> {
    match verb {
        "producer" => producer(args),
        "produce" => produce(args),
        "consumer" => consumer(args),
        "workload" => workload(args),
        _ => leader_election(args),
    }
}

fn options_for(
    scope: &str,
    specs: &[Opt],
    args: &[String],
    positionals: usize,
) -> Result<Parsed, ParseError> {
    let tool = format!("kplay {scope}");
    let parsed = options::parse(&tool, specs, args)?;
    if let Some(extra) = parsed.positionals.get(positionals) {
        return Err(usage(
            extra,
            format!("{scope}: unexpected argument '{extra}'"),
        ));
    }
    Ok(parsed)
}

fn producer(args: &[String]) -> Result<Verb, ParseError> {
    let action = word(args, 0, "producer", "start, close, flush, init-transactions, begin-transaction, commit-transaction, abort-transaction or send-offsets")?;
    let scope = format!("producer {action}");
    let rest = &args[1..];
    let name = || word(rest, 0, &scope, "the producer's client.id").map(str::to_string);
    let command = match action {
        "start" => {
            let parsed = options_for(&scope, PRODUCER_SPECS, rest, 1)?;
            Command::CreateProducer {
                name: name()?,
                configs: key_values(&parsed.values("producer-property")),
            }
        }
        "close" | "flush" | "init-transactions" | "begin-transaction" | "commit-transaction"
        | "abort-transaction" => {
            no_more(rest, 1, &scope)?;
            let producer = name()?;
            match action {
                "close" => Command::CloseProducer { producer },
                "flush" => Command::Flush { producer },
                "init-transactions" => Command::InitTransactions { producer },
                "begin-transaction" => Command::BeginTransaction { producer },
                "commit-transaction" => Command::CommitTransaction { producer },
                _ => Command::AbortTransaction { producer },
            }
        }
        "send-offsets" => {
            no_more(rest, 2, &scope)?;
            Command::SendOffsetsToTransaction {
                producer: name()?,
                consumer: word(rest, 1, &scope, "the consumer whose positions to commit")?
                    .to_string(),
            }
        }
        other => return Err(usage(other, format!("producer: unknown action '{other}'"))),
    };
    Ok(Verb::Core(command))
}

fn produce(args: &[String]) -> Result<Verb, ParseError> {
    let parsed = options_for("produce", PRODUCE_SPECS, args, 3)?;
    let positional = |index: usize, what: &str| {
        parsed
            .positionals
            .get(index)
            .cloned()
            .ok_or_else(|| usage("produce", format!("produce: expected {what}")))
    };
    let producer = positional(0, "the producer's client.id")?;
    let topic = positional(1, "a topic")?;
    let value = match (parsed.has("null-value"), parsed.positionals.get(2)) {
        (true, None) => None,
        (false, Some(value)) => Some(value.clone()),
        (true, Some(value)) => {
            return Err(usage(value, "produce: a value and --null-value together"))
        }
        (false, None) => {
            return Err(usage(
                "produce",
                "produce: expected a value (or --null-value)",
            ))
        }
    };
    let headers = parsed
        .values("header")
        .into_iter()
        .map(|header| match header.split_once('=') {
            Some((key, value)) => (key.to_string(), Some(value.to_string())),
            None => (header, None),
        })
        .collect();
    let record = NewRecord {
        topic,
        key: parsed.value("key").map(str::to_string),
        value,
        headers,
        partition: parsed.int("partition"),
        timestamp_ms: parsed.long("timestamp"),
    };
    Ok(Verb::Core(Command::Produce { producer, record }))
}

fn consumer(args: &[String]) -> Result<Verb, ParseError> {
    let action = word(
        args,
        0,
        "consumer",
        "start, stop, crash, poll, commit or seek",
    )?;
    let scope = format!("consumer {action}");
    let rest = &args[1..];
    let name = || word(rest, 0, &scope, "the consumer's client.id").map(str::to_string);
    let command = match action {
        "start" => return consumer_start(rest),
        "stop" | "crash" | "poll" => {
            no_more(rest, 1, &scope)?;
            let consumer = name()?;
            match action {
                "stop" => Command::CloseConsumer { consumer },
                "crash" => Command::CrashConsumer { consumer },
                _ => Command::Poll { consumer },
            }
        }
        "commit" => {
            let parsed = options_for(
                &scope,
                &[Opt::flag("async", "commitAsync instead of commitSync.")],
                rest,
                1,
            )?;
            Command::Commit {
                consumer: name()?,
                sync: !parsed.has("async"),
            }
        }
        "seek" => {
            no_more(rest, 3, &scope)?;
            let offset_text = word(rest, 2, &scope, "an offset")?;
            Command::Seek {
                consumer: name()?,
                partition: topic_partition(word(rest, 1, &scope, "topic:partition")?, &scope)?,
                offset: kplay_core::Offset(offset_text.parse().map_err(|_| {
                    usage(
                        offset_text,
                        format!("{scope}: expected an offset, not '{offset_text}'"),
                    )
                })?),
            }
        }
        other => return Err(usage(other, format!("consumer: unknown action '{other}'"))),
    };
    Ok(Verb::Core(command))
}

/// The application-commit modes and their words.
const COMMIT_MODES: &[(&str, AppCommits)] = &[
    ("none", AppCommits::Never),
    ("sync-after", AppCommits::AfterProcessing { sync: true }),
    ("async-after", AppCommits::AfterProcessing { sync: false }),
    ("sync-before", AppCommits::BeforeProcessing { sync: true }),
    ("async-before", AppCommits::BeforeProcessing { sync: false }),
];

/// The word for an application-commit mode.
pub fn commit_mode_name(commits: AppCommits) -> &'static str {
    COMMIT_MODES
        .iter()
        .find(|(_, mode)| *mode == commits)
        .map_or("none", |(name, _)| name)
}

fn commit_mode(
    text: &str,
    scope: &str,
    allow_friendly: bool,
) -> Result<(AppCommits, bool), ParseError> {
    match text {
        "auto" if allow_friendly => Ok((AppCommits::Never, false)),
        "manual" if allow_friendly => Ok((AppCommits::Never, true)),
        _ => COMMIT_MODES
            .iter()
            .find(|(name, _)| *name == text && (text != "none" || !allow_friendly))
            .map(|(_, mode)| (*mode, allow_friendly))
            .ok_or_else(|| {
                let expected = if allow_friendly {
                    "auto, manual, sync-after, async-after, sync-before or async-before"
                } else {
                    "none, sync-after, async-after, sync-before or async-before"
                };
                usage(text, format!("{scope}: expected {expected}, not '{text}'"))
            }),
    }
}

fn consumer_start(args: &[String]) -> Result<Verb, ParseError> {
    let scope = "consumer start";
    let parsed = options_for(scope, CONSUMER_SPECS, args, 1)?;
    let name = parsed
        .positionals
        .first()
        .cloned()
        .ok_or_else(|| usage(scope, "consumer start: expected the consumer's client.id"))?;
    let mut configs = Vec::new();
    let mut policy = CommitPolicy::default();
    let mut topics = Vec::new();
    let mut partitions = Vec::new();
    let mut patterns = Vec::new();
    for (option, value) in &parsed.options {
        let value = value.clone().unwrap_or_default();
        match *option {
            "member-id" => return Err(usage("--member-id", "consumer start: the group coordinator assigns member ids (JoinGroup); use --group-instance-id for a fixed identity")),
            "client-id" => return Err(usage("--client-id", "consumer start: NAME is the consumer's client.id")),
            "group" => configs.push(("group.id".to_string(), value)),
            "group-instance-id" => configs.push(("group.instance.id".to_string(), value)),
            "assignor" => {
                let kind = AssignorKind::parse(&value).ok_or_else(|| usage(&value, format!("{scope}: expected range, roundrobin, sticky or cooperative-sticky, not '{value}'")))?;
                configs.push(("partition.assignment.strategy".to_string(), kind.class_name().to_string()));
            }
            "consumer-property" => configs.extend(key_values(&[value])),
            "commit" => {
                let (commits, disable_auto) = commit_mode(&value, scope, true)?;
                policy.commits = commits;
                if disable_auto {
                    configs.push(("enable.auto.commit".to_string(), "false".to_string()));
                }
            }
            "app-commits" => policy.commits = commit_mode(&value, scope, false)?.0,
            "poll-interval" if value == "manual" => policy.poll_interval_ms = None,
            "poll-interval" => policy.poll_interval_ms = Some(duration(&value, scope)?),
            "processing" => policy.processing_ms_per_record = duration(&value, scope)?,
            "topic" => topics.push(value),
            "partition" => partitions.push(topic_partition(&value, scope)?),
            "pattern" => patterns.push(value),
            _ => {}
        }
    }
    let subscription = match (topics.is_empty(), partitions.is_empty(), patterns.as_slice()) {
        (false, true, []) => Subscription::Topics(topics),
        (true, false, []) => Subscription::Partitions(partitions),
        (true, true, [pattern]) => Subscription::Pattern(pattern.clone()),
        (true, true, [_, second, ..]) => {
            return Err(usage(
                second,
                "consumer start: one --pattern only (a consumer subscribes to one pattern)",
            ))
        }
        (true, true, []) => {
            return Err(usage(
                &name,
                "consumer start: expected --topic T or --pattern REGEX (subscribe), or --partition T:P (assign)",
            ))
        }
        _ => {
            let second = if partitions.is_empty() { "--pattern" } else { "--partition" };
            return Err(usage(
                second,
                "consumer start: subscribe to topics (--topic) or to a pattern (--pattern), or assign (--partition): one of them",
            ));
        }
    };
    Ok(Verb::Core(Command::CreateConsumer {
        name,
        configs,
        subscription,
        policy,
    }))
}

fn workload(args: &[String]) -> Result<Verb, ParseError> {
    let action = word(args, 0, "workload", "start or stop")?;
    let scope = format!("workload {action}");
    let rest = &args[1..];
    match action {
        "start" => {
            let parsed = options_for(&scope, WORKLOAD_SPECS, rest, 1)?;
            let producer = parsed.positionals.first().cloned().ok_or_else(|| {
                usage(&scope, "workload start: expected the producer's client.id")
            })?;
            let topic = parsed
                .value("topic")
                .ok_or_else(|| usage(&scope, "workload start: expected --topic"))?;
            let rate = parsed.long("rate").ok_or_else(|| {
                usage(
                    &scope,
                    "workload start: expected --rate (records per second)",
                )
            })?;
            Ok(Verb::Core(Command::StartWorkload {
                producer,
                workload: Workload {
                    topic: topic.to_string(),
                    records_per_second: rate,
                    distinct_keys: parsed.int("keys").unwrap_or(0),
                    value_bytes: parsed.int("value-bytes").unwrap_or(100),
                },
            }))
        }
        "stop" => {
            no_more(rest, 1, &scope)?;
            Ok(Verb::Core(Command::StopWorkload {
                producer: word(rest, 0, &scope, "the producer's client.id")?.to_string(),
            }))
        }
        other => Err(usage(
            other,
            format!("workload: unknown action '{other}'; expected start or stop"),
        )),
    }
}

/// `kplay leader-election preferred|unclean [topic:partition ...]`.
fn leader_election(args: &[String]) -> Result<Verb, ParseError> {
    let scope = "leader-election";
    let kind = word(args, 0, scope, "preferred or unclean")?;
    let election = match kind {
        "preferred" | "--preferred" => ElectionType::Preferred,
        "unclean" | "--unclean" => ElectionType::Unclean,
        other => {
            return Err(usage(
                other,
                format!("{scope}: expected preferred or unclean, not '{other}'"),
            ))
        }
    };
    let rest = &args[1..];
    let partitions: Vec<_> = if rest.iter().any(|word| word.starts_with("--")) {
        let specs = [
            Opt::text("topic", "The topic (with --partition)."),
            Opt::int("partition", "The partition (with --topic)."),
        ];
        let parsed = options_for(scope, &specs, rest, 0)?;
        match (parsed.value("topic"), parsed.int("partition")) {
            (Some(topic), Some(partition)) => {
                vec![kplay_core::TopicPartition::new(topic, partition)]
            }
            _ => {
                return Err(usage(
                    scope,
                    "leader-election: --topic and --partition go together",
                ))
            }
        }
    } else {
        rest.iter()
            .map(|text| topic_partition(text, scope))
            .collect::<Result<_, _>>()?
    };
    Ok(Verb::Core(Command::ElectLeaders {
        election,
        partitions: (!partitions.is_empty()).then_some(partitions),
    }))
}
