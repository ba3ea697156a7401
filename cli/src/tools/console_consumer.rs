//! `kafka-console-consumer`: a real (simulated) consumer reads the topic and the records are
//! printed as `DefaultMessageFormatter` prints them, then `Processed a total of N messages` on
//! standard error.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/consumer/ConsoleConsumer.java`,
//! `ConsoleConsumerOptions.java` and `DefaultMessageFormatter.java`: `print.timestamp`
//! (`CreateTime:1704067200000`), `print.partition` (`Partition:0`), `print.offset`
//! (`Offset:3`), `print.headers` (`k:v,k2:v2` or `NO_HEADERS`), `print.key`, `print.value`,
//! `key.separator`, `line.separator`, `headers.separator`, `null.literal`; `--from-beginning`
//! sets `auto.offset.reset=earliest`; `--partition` assigns one partition and starts at
//! `--offset` (default latest); unconsumed records of the last poll are sought back before
//! `close()` so they are not committed.
//!
//! `kafka-avro-console-consumer` is this tool with Confluent's `AvroMessageFormatter`: each
//! value (and each printed key) goes through the deserializer of [`crate::registry::serde`],
//! and a record it cannot read stops the consumer.
//!
//! Simplified: without `--max-messages` or `--timeout-ms` the consumer reads what is available
//! and returns (the real tool waits for more until Ctrl-C); it also gives up after 10 s of
//! simulated time without a record. Without `--group` it joins a throwaway group
//! `console-consumer-NNNNN` of its own, with `enable.auto.commit=false` unless set, as
//! `ConsoleConsumerOptions.buildConsumerProps` does; the number is drawn from the session's seed,
//! so a replay draws it again. With `--partition` it assigns itself the partition and seeks (the
//! real tool names a throwaway group then too, and never uses it). A subscribing consumer joins
//! its group through the coordinator, and `close()` commits what was printed (when auto commit
//! is on) and leaves the group before the tool returns. The client id is `console-consumer-N`
//! unless `client.id` is given. Kafka 4.1's option names are used; 4.2's
//! `--command-property` and `--formatter-property` are accepted as the same options.

use kplay_core::vec_map::VecMap;

use kplay_core::cluster::event::EventKind;
use kplay_core::view::tools::DeliveredRecordView;
use kplay_core::{AppCommits, Command, CommitPolicy, Offset, Subscription, TopicPartition};

use super::{key_values, log_line, property, set_property};
use crate::error::ParseError;
use crate::options::{self, Opt, Parsed, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;

/// The tool's name.
pub const NAME: &str = "kafka-console-consumer";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str =
    "This tool helps to read data from Kafka topics and outputs it to standard output.";

/// The start of the group a consumer without `--group` joins (`console-consumer-` and a random
/// number below 100,000), as `ConsoleConsumerOptions.buildConsumerProps` names it.
pub const THROWAWAY_GROUP_PREFIX: &str = "console-consumer-";

/// How long the consumer waits without a record before it gives up (simulated ms).
pub const IDLE_LIMIT_MS: i64 = 10_000;

/// The longest one run may last, records or not (simulated ms).
pub const RUN_LIMIT_MS: i64 = 600_000;

/// How long `close()` may wait for its commit and LeaveGroup (`DEFAULT_CLOSE_TIMEOUT_MS`).
pub const CLOSE_TIMEOUT_MS: i64 = 30_000;

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::text("bootstrap-server", "REQUIRED: The server(s) to connect to. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("command-property", "Consumer config properties in the form key=value (Kafka 4.2's name for --consumer-property)."),
    Opt::text("consumer-property", "Consumer config properties in the form key=value."),
    Opt::flag("enable-systest-events", "Log lifecycle events of the consumer in addition to logging consumed messages. (This is specific for system tests.)"),
    Opt::text("formatter", "The name of a class to use for formatting kafka messages for display. (default: org.apache.kafka.tools.consumer.DefaultMessageFormatter)"),
    Opt::text("formatter-property", "The properties to initialize the message formatter (Kafka 4.2's name for --property)."),
    Opt::flag("from-beginning", "If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message."),
    Opt::text("group", "The consumer group id of the consumer."),
    HELP,
    Opt::text("include", "Regular expression specifying list of topics to include for consumption."),
    Opt::text("isolation-level", "Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages. (default: read_uncommitted)"),
    Opt::text("key-deserializer", "The name of the class to use for deserializing keys."),
    Opt::int("max-messages", "The maximum number of messages to consume before exiting. If not set, consumption is continual."),
    Opt::text("offset", "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end (default: latest)"),
    Opt::int("partition", "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified."),
    Opt::text("property", "The properties to initialize the message formatter: print.timestamp, print.key, print.offset, print.partition, print.headers, print.value (true|false), key.separator, line.separator, headers.separator, null.literal."),
    Opt::flag("skip-message-on-error", "If there is an error when processing a message, skip it instead of halt."),
    Opt::long("timeout-ms", "If specified, exit if no message is available for consumption for the specified interval."),
    Opt::text("topic", "The topic to consume from."),
    Opt::text("value-deserializer", "The name of the class to use for deserializing values."),
    Opt::flag("version", "Display Kafka version."),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
Without --max-messages or --timeout-ms the consumer reads what is available and returns (the
real tool waits for more until Ctrl-C); it also gives up after 10 s of simulated time without a
record. Without --group it joins a throwaway group console-consumer-NNNNN of its own, with
enable.auto.commit=false, as the real tool does: kafka-consumer-groups --list shows it until
the coordinator's next offsets cleanup removes it, empty and without offsets. It leaves its
group as it closes, after committing what it printed when auto commit is on. Records are read
as UTF-8 text (StringDeserializer). --include subscribes to the pattern (a Rust regex-lite
expression standing in for Java's). The client id is console-consumer-N unless client.id is
given. Log lines carry the simulated clock. --consumer.config and other formatters are not
available.";

/// Where consumption starts when a partition is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOffset {
    /// `earliest` (or `--from-beginning`).
    Earliest,
    /// `latest` (the default).
    Latest,
    /// An offset.
    At(i64),
}

/// What the playground says of `kafka-avro-console-consumer` (Confluent's wrapper of this
/// tool with its `AvroMessageFormatter`).
pub const AVRO_NOTES: &str = "\
kafka-avro-console-consumer is this tool with Confluent's Avro formatter: it needs
--property schema.registry.url=http://localhost:8081. Each value (and each key, with
print.key=true) must start with the magic byte 0 and a schema id; the formatter fetches that
schema from the registry and prints the datum as Avro JSON; keys stay text with --property
key.deserializer=org.apache.kafka.common.serialization.StringDeserializer. A record it
cannot deserialize (no magic byte: \"Unknown magic byte!\", or an id the registry does not
know) stops the consumer with the exception, and the record is not counted.";

/// A parsed `kafka-console-consumer` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerArgs {
    /// `--topic`, or `--include`'s pattern.
    pub from: ConsumeFrom,
    /// `--partition` and where it starts.
    pub partition: Option<(i32, StartOffset)>,
    /// The group, from `--group` or `group.id`.
    pub group: Option<String>,
    /// `--max-messages`.
    pub max_messages: Option<i32>,
    /// `--timeout-ms`.
    pub timeout_ms: Option<i64>,
    /// The consumer's configs, as `ConsoleConsumerOptions.buildConsumerProps` builds them.
    pub consumer_configs: Vec<(String, String)>,
    /// The formatter's properties.
    pub formatter: Vec<(String, String)>,
    /// `kafka-avro-console-consumer`: keys and values are deserialized with the schema the
    /// registry has for their id, and printed as Avro JSON (`AvroMessageFormatter`).
    pub avro: bool,
}

/// What the tool reads: `--topic` or `--include`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsumeFrom {
    /// `--topic`.
    Topic(String),
    /// `--include`: a regular expression.
    Include(String),
}

impl ConsumerArgs {
    /// The topic of `--topic` (the one `--partition` needs).
    fn topic(&self) -> &str {
        match &self.from {
            ConsumeFrom::Topic(topic) => topic,
            ConsumeFrom::Include(_) => "",
        }
    }
}

/// Parses the options (`ConsoleConsumerOptions`).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    // `checkRequiredArgs`: `CommandLineUtils.checkOneOfArgs(parser, options, topicOpt,
    // includeOpt)`, then a partition needs the topic.
    let from = match (parsed.value("topic"), parsed.value("include")) {
        (Some(topic), None) => ConsumeFrom::Topic(topic.to_string()),
        (None, Some(pattern)) if parsed.has("partition") => {
            return Err(ParseError::new(
                0,
                pattern,
                "kafka-console-consumer: The topic is required when partition is specified.",
            ))
        }
        (None, Some(pattern)) => ConsumeFrom::Include(pattern.to_string()),
        _ => {
            return Err(usage(
                "kafka-console-consumer: Exactly one of the following arguments is required: [topic], [include]",
            ))
        }
    };
    if let Some(formatter) = parsed.value("formatter") {
        if !formatter.ends_with("DefaultMessageFormatter") {
            return Err(ParseError::new(
                0,
                formatter,
                "the playground prints records with DefaultMessageFormatter only",
            ));
        }
    }
    let mut configs = key_values(
        &[
            parsed.values("consumer-property"),
            parsed.values("command-property"),
        ]
        .concat(),
    );
    let group = group_id(&parsed, &configs)?;
    let partition = partition_start(&parsed, group.is_some())?;
    offset_reset(&parsed, &mut configs)?;
    if let Some(level) = parsed.value("isolation-level") {
        set_property(&mut configs, "isolation.level", level);
    }
    match &group {
        Some(group) => set_property(&mut configs, "group.id", group),
        None if property(&configs, "enable.auto.commit").is_none() => {
            set_property(&mut configs, "enable.auto.commit", "false");
        }
        None => {}
    }
    if let Some((_, start)) = partition {
        let reset = if start == StartOffset::Earliest {
            "earliest"
        } else {
            "latest"
        };
        set_property(&mut configs, "auto.offset.reset", reset);
    }
    Ok(Invocation::ConsoleConsumer(ConsumerArgs {
        from,
        partition,
        group,
        max_messages: parsed.int("max-messages"),
        timeout_ms: parsed.long("timeout-ms"),
        consumer_configs: configs,
        formatter: key_values(
            &[
                parsed.values("property"),
                parsed.values("formatter-property"),
            ]
            .concat(),
        ),
        avro: false,
    }))
}

/// `kafka-avro-console-consumer`: Confluent's wrapper runs this tool with its Avro formatter.
pub fn parse_avro(args: &[String]) -> Result<Invocation, ParseError> {
    match parse(args)? {
        Invocation::ConsoleConsumer(args) => Ok(Invocation::ConsoleConsumer(ConsumerArgs {
            avro: true,
            ..args
        })),
        other => Ok(other),
    }
}

fn usage(message: &str) -> ParseError {
    ParseError::new(0, NAME, message.to_string())
}

/// `checkConsumerGroup`: `--group` and `group.id` must agree, and exclude `--partition`.
fn group_id(parsed: &Parsed, configs: &[(String, String)]) -> Result<Option<String>, ParseError> {
    let mut groups: Vec<String> = Vec::new();
    for group in [parsed.value("group"), property(configs, "group.id")]
        .into_iter()
        .flatten()
    {
        if !groups.iter().any(|known| known == group) {
            groups.push(group.to_string());
        }
    }
    if groups.len() > 1 {
        let listed: Vec<String> = groups.iter().map(|g| format!("'{g}'")).collect();
        return Err(usage(&format!(
            "kafka-console-consumer: The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. Detected group ids: {}",
            listed.join(", ")
        )));
    }
    if !groups.is_empty() && parsed.has("partition") {
        return Err(usage(
            "kafka-console-consumer: Options group and partition cannot be specified together.",
        ));
    }
    Ok(groups.into_iter().next())
}

fn partition_start(
    parsed: &Parsed,
    _has_group: bool,
) -> Result<Option<(i32, StartOffset)>, ParseError> {
    let Some(partition) = parsed.int("partition") else {
        if parsed.has("offset") {
            return Err(usage(
                "kafka-console-consumer: The partition is required when offset is specified.",
            ));
        }
        return Ok(None);
    };
    if parsed.has("from-beginning") && parsed.has("offset") {
        return Err(usage("kafka-console-consumer: Options from-beginning and offset cannot be specified together."));
    }
    let start = match parsed.value("offset") {
        None if parsed.has("from-beginning") => StartOffset::Earliest,
        None => StartOffset::Latest,
        Some(text) => match text.to_ascii_lowercase().as_str() {
            "earliest" => StartOffset::Earliest,
            "latest" => StartOffset::Latest,
            _ => match text.parse::<i64>() {
                Ok(offset) if offset >= 0 => StartOffset::At(offset),
                _ => {
                    return Err(ParseError::new(0, text, format!(
                        "kafka-console-consumer: The provided offset value '{text}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long."
                    )))
                }
            },
        },
    };
    Ok(Some((partition, start)))
}

/// `setAutoOffsetResetValue`.
fn offset_reset(parsed: &Parsed, configs: &mut Vec<(String, String)>) -> Result<(), ParseError> {
    match property(configs, "auto.offset.reset") {
        Some(reset) if parsed.has("from-beginning") && reset != "earliest" => Err(usage(&format!(
            "kafka-console-consumer: Can't simultaneously specify --from-beginning and 'auto.offset.reset={reset}', please remove one option"
        ))),
        Some(_) => Ok(()),
        None => {
            let reset = if parsed.has("from-beginning") { "earliest" } else { "latest" };
            set_property(configs, "auto.offset.reset", reset);
            Ok(())
        }
    }
}

/// `DefaultMessageFormatter`'s settings.
struct Formatter {
    timestamp: bool,
    key: bool,
    value: bool,
    partition: bool,
    offset: bool,
    delivery: bool,
    headers: bool,
    key_separator: String,
    line_separator: String,
    headers_separator: String,
    null_literal: String,
    /// `key.deserializer` is Kafka's `StringDeserializer` (Avro formatter: keys stay text).
    string_keys: bool,
}

impl Formatter {
    fn configure(props: &[(String, String)]) -> Formatter {
        let flag = |name: &str, default: bool| {
            property(props, name).map_or(default, |v| v.trim().eq_ignore_ascii_case("true"))
        };
        let text = |name: &str, default: &str| property(props, name).unwrap_or(default).to_string();
        Formatter {
            timestamp: flag("print.timestamp", false),
            key: flag("print.key", false),
            value: flag("print.value", true),
            partition: flag("print.partition", false),
            offset: flag("print.offset", false),
            delivery: flag("print.delivery", false),
            headers: flag("print.headers", false),
            key_separator: text("key.separator", "\t"),
            line_separator: text("line.separator", "\n"),
            headers_separator: text("headers.separator", ","),
            null_literal: text("null.literal", "null"),
            string_keys: property(props, "key.deserializer")
                .is_some_and(crate::registry::serde::is_string_serde),
        }
    }

    /// `DefaultMessageFormatter.writeTo`.
    fn write(&self, record: &DeliveredRecordView) -> String {
        let mut out = String::new();
        let separator = |out: &mut String, column: bool| {
            out.push_str(if column {
                &self.key_separator
            } else {
                &self.line_separator
            });
        };
        if self.timestamp {
            out.push_str(&format!(
                "{}:{}",
                record.timestamp_type, record.timestamp_ms
            ));
            separator(
                &mut out,
                self.partition
                    || self.offset
                    || self.delivery
                    || self.headers
                    || self.key
                    || self.value,
            );
        }
        if self.partition {
            out.push_str(&format!("Partition:{}", record.partition.partition));
            separator(
                &mut out,
                self.offset || self.delivery || self.headers || self.key || self.value,
            );
        }
        if self.offset {
            out.push_str(&format!("Offset:{}", record.offset));
            separator(
                &mut out,
                self.delivery || self.headers || self.key || self.value,
            );
        }
        if self.delivery {
            out.push_str("Delivery:NONE");
            separator(&mut out, self.headers || self.key || self.value);
        }
        if self.headers {
            self.write_headers(&mut out, record);
            separator(&mut out, self.key || self.value);
        }
        if self.key {
            out.push_str(record.key.as_deref().unwrap_or(&self.null_literal));
            separator(&mut out, self.value);
        }
        if self.value {
            out.push_str(record.value.as_deref().unwrap_or(&self.null_literal));
            out.push_str(&self.line_separator);
        }
        out
    }

    fn write_headers(&self, out: &mut String, record: &DeliveredRecordView) {
        if record.headers.is_empty() {
            out.push_str("NO_HEADERS");
            return;
        }
        let texts: Vec<String> = record
            .headers
            .iter()
            .map(|(key, value)| format!("{key}:{}", value.as_deref().unwrap_or(&self.null_literal)))
            .collect();
        out.push_str(&texts.join(&self.headers_separator));
    }
}

/// What the run saw.
#[derive(Default)]
struct Progress {
    printed: i64,
    /// Per partition, the first offset delivered but not printed (to seek back to).
    unconsumed: VecMap<TopicPartition, Offset>,
    last_record_ms: i64,
    timed_out: bool,
    /// The exception that stopped the formatter (a record it could not deserialize).
    failed: Option<Vec<String>>,
}

/// Runs the consumer and prints the records.
pub fn run(shell: &mut Shell, args: &ConsumerArgs) -> Output {
    let mut output = Output::new();
    if args.avro && property(&args.formatter, "schema.registry.url").is_none() {
        output.eprintln(
            "org.apache.kafka.common.config.ConfigException: Missing schema registry url!",
        );
        return output;
    }
    let name = match property(&args.consumer_configs, "client.id") {
        Some(client_id) => client_id.to_string(),
        None => shell.next_console_consumer(),
    };
    let mut configs = args.consumer_configs.clone();
    if args.group.is_none() && args.partition.is_none() {
        set_property(&mut configs, "group.id", &shell.next_console_group());
    }
    let command = Command::CreateConsumer {
        name: name.clone(),
        configs,
        subscription: subscription(args),
        policy: CommitPolicy {
            poll_interval_ms: Some(100),
            processing_ms_per_record: 0,
            commits: AppCommits::Never,
        },
    };
    if let Err(error) = shell.apply(command) {
        output.eprintln(error.as_exception());
        output.eprintln("Processed a total of 0 messages");
        return output;
    }
    if let Some((partition, StartOffset::At(offset))) = args.partition {
        let _ = shell.apply(Command::Seek {
            consumer: name.clone(),
            partition: TopicPartition::new(args.topic(), partition),
            offset: Offset(offset),
        });
    }
    let progress = consume(shell, args, &name, &mut output);
    finish(shell, &name, &progress, &mut output);
    output
}

fn subscription(args: &ConsumerArgs) -> Subscription {
    match (&args.partition, &args.from) {
        (Some((partition, _)), _) => {
            Subscription::Partitions(vec![TopicPartition::new(args.topic(), *partition)])
        }
        (None, ConsumeFrom::Topic(topic)) => Subscription::Topics(vec![topic.clone()]),
        (None, ConsumeFrom::Include(pattern)) => Subscription::Pattern(pattern.clone()),
    }
}

fn consume(shell: &mut Shell, args: &ConsumerArgs, name: &str, output: &mut Output) -> Progress {
    let formatter = Formatter::configure(&args.formatter);
    let consumer_id = shell
        .cluster
        .consumer_views()
        .iter()
        .find(|view| view.name == name)
        .map_or(u32::MAX, |view| view.id.0);
    let max = args.max_messages.map(i64::from).filter(|max| *max >= 0);
    let mut progress = Progress {
        last_record_ms: shell.cluster.now_ms(),
        ..Progress::default()
    };
    let hard_stop_ms = shell.cluster.now_ms().saturating_add(RUN_LIMIT_MS);
    loop {
        let limit_ms = match args.timeout_ms.filter(|t| *t >= 0) {
            Some(timeout_ms) => timeout_ms.saturating_add(1),
            None => IDLE_LIMIT_MS,
        };
        let deadline_ms = progress
            .last_record_ms
            .saturating_add(limit_ms)
            .min(hard_stop_ms);
        let stopped = shell.run_until_done(deadline_ms, |shell, events| {
            let delivered: i64 = events
                .iter()
                .map(|event| match &event.kind {
                    EventKind::RecordsDelivered {
                        consumer, records, ..
                    } if consumer.0 == consumer_id => i64::from(*records),
                    _ => 0,
                })
                .sum();
            if delivered > 0 {
                progress.last_record_ms = shell.cluster.now_ms();
                print_records(
                    shell,
                    (name, args.avro),
                    delivered,
                    max,
                    &formatter,
                    &mut progress,
                    output,
                );
            }
            should_stop(shell, args, name, max, &mut progress)
        });
        if stopped || shell.cluster.now_ms() >= hard_stop_ms {
            break;
        }
    }
    progress
}

fn print_records(
    shell: &Shell,
    (name, avro): (&str, bool),
    delivered: i64,
    max: Option<i64>,
    formatter: &Formatter,
    progress: &mut Progress,
    output: &mut Output,
) {
    let recent = shell.cluster.recent_deliveries(name);
    let skip = recent
        .len()
        .saturating_sub(usize::try_from(delivered).unwrap_or(usize::MAX));
    for record in &recent[skip..] {
        if progress.failed.is_some() || max.is_some_and(|max| progress.printed >= max) {
            progress
                .unconsumed
                .entry(record.partition.clone())
                .or_insert(record.offset);
            continue;
        }
        let text = if avro {
            deserialized(shell, formatter, record).map(|record| formatter.write(&record))
        } else {
            Ok(formatter.write(record))
        };
        match text {
            Ok(text) => {
                output.print(text);
                progress.printed += 1;
            }
            Err(lines) => {
                progress.failed = Some(lines);
                progress
                    .unconsumed
                    .entry(record.partition.clone())
                    .or_insert(record.offset);
            }
        }
    }
}

/// The record with its value, and its key when printed, deserialized as Avro JSON.
fn deserialized(
    shell: &Shell,
    formatter: &Formatter,
    record: &DeliveredRecordView,
) -> Result<DeliveredRecordView, Vec<String>> {
    let mut out = record.clone();
    let read = |is_key: bool, text: &Option<String>| -> Result<Option<String>, Vec<String>> {
        text.as_deref()
            .map(|text| crate::registry::serde::deserialize(&shell.registry, is_key, text))
            .transpose()
    };
    if formatter.key && !formatter.string_keys {
        out.key = read(true, &record.key)?;
    }
    out.value = read(false, &record.value)?;
    Ok(out)
}

fn should_stop(
    shell: &Shell,
    args: &ConsumerArgs,
    name: &str,
    max: Option<i64>,
    progress: &mut Progress,
) -> bool {
    if progress.failed.is_some() || max.is_some_and(|max| progress.printed >= max) {
        return true;
    }
    let idle_ms = shell.cluster.now_ms() - progress.last_record_ms;
    if let Some(timeout_ms) = args.timeout_ms.filter(|t| *t >= 0) {
        if idle_ms > timeout_ms {
            progress.timed_out = true;
            return true;
        }
        return false;
    }
    idle_ms >= IDLE_LIMIT_MS || (max.is_none() && caught_up(shell, name))
}

/// Every assigned partition's position is known and equals the end the consumer last saw.
fn caught_up(shell: &Shell, name: &str) -> bool {
    shell
        .cluster
        .consumer_views()
        .iter()
        .find(|view| view.name == name)
        .is_some_and(|view| {
            !view.partitions.is_empty()
                && view
                    .partitions
                    .iter()
                    .all(|partition| partition.position.is_some() && partition.lag == Some(0))
        })
}

fn finish(shell: &mut Shell, name: &str, progress: &Progress, output: &mut Output) {
    if progress.timed_out {
        output.eprintln(log_line(
            shell.cluster.clock_ms(),
            "ERROR",
            "Error processing message, terminating consumer process: ",
            "org.apache.kafka.tools.consumer.ConsoleConsumer",
        ));
        output.eprintln("org.apache.kafka.common.errors.TimeoutException");
    }
    if let Some(lines) = &progress.failed {
        output.eprintln(log_line(
            shell.cluster.clock_ms(),
            "ERROR",
            "Error processing message, terminating consumer process: ",
            "org.apache.kafka.tools.consumer.ConsoleConsumer",
        ));
        for line in lines {
            output.eprintln(line.clone());
        }
    }
    for (partition, offset) in &progress.unconsumed {
        let _ = shell.apply(Command::Seek {
            consumer: name.to_string(),
            partition: partition.clone(),
            offset: *offset,
        });
    }
    let membership = shell
        .cluster
        .consumer_views()
        .into_iter()
        .find(|view| view.name == name)
        .and_then(|view| Some((view.group?, view.member_id.filter(|id| !id.is_empty()))));
    let _ = shell.apply(Command::CloseConsumer {
        consumer: name.to_string(),
    });
    if let Some((group, member_id)) = membership {
        wait_for_close(shell, &group, member_id.as_deref());
    }
    output.eprintln(format!(
        "Processed a total of {} messages",
        progress.printed
    ));
}

/// `KafkaConsumer.close()` blocks until its auto-commit is answered and it has left the group
/// (at most 30 s, its default close timeout): the simulation runs until the coordinator no
/// longer lists the member and every write to the group's `__consumer_offsets` partition is
/// replicated (the commit, sent first, is then in the group's offsets).
fn wait_for_close(shell: &mut Shell, group: &str, member_id: Option<&str>) {
    let deadline_ms = shell.cluster.now_ms().saturating_add(CLOSE_TIMEOUT_MS);
    shell.run_until_done(deadline_ms, |shell, _| {
        let Some(view) = shell.cluster.describe_group(group) else {
            return true;
        };
        let left = member_id.is_none_or(|id| view.members.iter().all(|m| m.member_id != id));
        let settled = shell
            .cluster
            .topic_view(&view.offsets_partition.topic)
            .and_then(|topic| {
                topic
                    .partitions
                    .iter()
                    .find(|p| p.partition == view.offsets_partition)
                    .map(|p| p.high_watermark == p.log_end_offset)
            })
            .unwrap_or(true);
        left && settled
    });
}
