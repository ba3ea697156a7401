//! `kafka-console-producer`: each input line is a record, sent by a real (simulated)
//! producer; the simulation runs until every record is acknowledged or has failed.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/ConsoleProducer.java` and
//! `LineMessageReader.java`: the tool's own producer defaults (`linger.ms=1000`, `acks=-1`,
//! `request.timeout.ms=1500`, `retries=3`, `retry.backoff.ms=100`, `batch.size=16384`,
//! `max.block.ms=60000`, `compression.type=none`; an option given on the command line wins over
//! `--producer-property`, which wins over the default), `parse.key`, `key.separator`,
//! `parse.headers`, `headers.delimiter`, `headers.separator`, `headers.key.separator`,
//! `ignore.error` and `null.marker`. A failed send is logged by `ErrorLoggingCallback`:
//! `ERROR Error when sending message to topic T with key: 3 bytes, value: 5 bytes with error:`
//! and the exception on the next line.
//!
//! `kafka-avro-console-producer` is this tool with Confluent's `AvroMessageReader`: each key
//! and value goes through the registry-aware serializer of [`crate::registry::serde`].
//!
//! Simplified: log lines carry the simulated clock, not a real timestamp; a stack trace is
//! cut to its first line; the client id is `console-producer-N` (client ids are unique in the
//! playground) unless `client.id` is given; the run stops at a bound of simulated time
//! (`max.block.ms + delivery.timeout.ms + 10 s`) if a record is still undecided then.

use kplay_core::cluster::event::EventKind;
use kplay_core::{Command, KafkaError, NewRecord};
use regex_lite::Regex;

use super::{key_values, log_line, property, set_property};
use crate::error::ParseError;
use crate::options::{self, Opt, Parsed, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::registry::serde::Serializer;
use crate::shell::Shell;

/// The tool's name.
pub const NAME: &str = "kafka-console-producer";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool helps to read data from standard input and publish it to Kafka.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::int("batch-size", "Number of messages to send in a single batch if they are not being sent synchronously. (default: 16384)"),
    Opt::text("bootstrap-server", "The server(s) to connect to. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("broker-list", "DEPRECATED, use --bootstrap-server instead; ignored if --bootstrap-server is specified."),
    Opt::optional("compression-codec", "The compression codec: either 'none', 'gzip', 'snappy', 'lz4', or 'zstd'. If specified without value, then it defaults to 'gzip'"),
    HELP,
    Opt::long("max-block-ms", "The max time that the producer will block for during a send request. (default: 60000)"),
    Opt::long("max-memory-bytes", "The total memory used by the producer to buffer records waiting to be sent to the server. This is the option to control `buffer.memory` in producer configs. (default: 33554432)"),
    Opt::int("max-partition-memory-bytes", "The buffer size allocated for a partition. This is the option to control `batch.size` in producer configs. (default: 16384)"),
    Opt::int("message-send-max-retries", "The number of retries before the producer give up and drop this message. This is the option to control `retries` in producer configs. (default: 3)"),
    Opt::long("metadata-expiry-ms", "The period of time in milliseconds after which we force a refresh of metadata. This is the option to control `metadata.max.age.ms` in producer configs. (default: 300000)"),
    Opt::text("producer-property", "A mechanism to pass user-defined properties in the form key=value to the producer."),
    Opt::text("property", "A mechanism to pass user-defined properties in the form key=value to the message reader: parse.key=false, parse.headers=false, ignore.error=false, key.separator=\\t, headers.delimiter=\\t, headers.separator=',', headers.key.separator=':', null.marker (fields equal to it are null)."),
    Opt::text("request-required-acks", "The required `acks` of the producer requests (default: -1)"),
    Opt::int("request-timeout-ms", "The ack timeout of the producer requests. Value must be non-negative and non-zero. (default: 1500)"),
    Opt::long("retry-backoff-ms", "Before each retry, the producer refreshes the metadata of relevant topics. This is the option to control `retry.backoff.ms` in producer configs. (default: 100)"),
    Opt::int("socket-buffer-size", "The size of the tcp RECV size. This is the option to control `send.buffer.bytes` in producer configs. (default: 102400)"),
    Opt::flag("sync", "If set message send requests to the brokers are synchronously, one at a time as they arrive."),
    Opt::long("timeout", "If set and the producer is running in asynchronous mode, this gives the maximum amount of time a message will queue awaiting sufficient batch size. The value is given in ms. This is the option to control `linger.ms` in producer configs. (default: 1000)"),
    Opt::text("topic", "REQUIRED: The topic name to produce messages to."),
    Opt::flag("version", "Display Kafka version."),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
The input comes from a here-document (<<EOF ... EOF) or a pipe from echo, printf or cat <<EOF;
each line is a record. The producer sends every record, closes, and the simulation runs until
each is acknowledged or has failed (bounded by max.block.ms + delivery.timeout.ms + 10 s of
simulated time). Failed sends are logged as ErrorLoggingCallback logs them, stamped with the
simulated clock (not a real timestamp), with only the first line of the stack trace. The
producer's client.id is console-producer-N unless --producer-property client.id=... is given.
--line-reader, --reader-config and --producer.config (files) are not available.";

/// What the playground says of `kafka-avro-console-producer` (Confluent's wrapper of this
/// tool with its `AvroMessageReader`).
pub const AVRO_NOTES: &str = "\
kafka-avro-console-producer is this tool with Confluent's Avro reader. Each line (after the key
and key.separator with --property parse.key=true) is Avro's JSON encoding of a datum: every
field present, a union's value as {\"string\": \"x\"} or null. Properties:
  schema.registry.url=http://localhost:8081   required
  value.schema='{...}'                        required; key.schema too with parse.key=true,
  key.serializer=org.apache.kafka.common.serialization.StringSerializer   keys as plain text
At its first record the serializer registers the schema under TOPIC-value (TOPIC-key) and
frames each datum: the magic byte 0, the schema id in 4 bytes, then the data. A line that does
not fit the schema, or a schema the registry refuses (409), stops the tool with the
serializer's exception; the records before it are still sent. In the playground the data after
the 5 bytes is Avro's JSON text, not Avro binary, and a float is kept as a double.";

/// A parsed `kafka-console-producer` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerArgs {
    /// `--topic`.
    pub topic: String,
    /// The producer's configs, built as `ConsoleProducerConfig.producerProps` builds them.
    pub producer_configs: Vec<(String, String)>,
    /// The reader's properties (`--property`).
    pub reader: Vec<(String, String)>,
    /// `--sync`.
    pub sync: bool,
    /// The standard input.
    pub input: String,
    /// `kafka-avro-console-producer`: each key and value is Avro JSON, serialized with a
    /// schema the registry knows (see [`crate::registry::serde`]).
    pub avro: bool,
}

/// Parses the options and takes the input.
pub fn parse(args: &[String], stdin: Option<String>) -> Result<Invocation, ParseError> {
    let parsed = options::parse(NAME, SPECS, args)?;
    if let Some(extra) = parsed.positionals.first() {
        return Err(ParseError::new(
            0,
            extra,
            format!("unexpected argument '{extra}' for {NAME}"),
        ));
    }
    let topic = parsed.value("topic").ok_or_else(|| {
        ParseError::new(
            0,
            NAME,
            "kafka-console-producer needs --topic (Missing required argument \"[topic]\")",
        )
    })?;
    let input = stdin.ok_or_else(|| {
        ParseError::new(
            0,
            NAME,
            "kafka-console-producer needs its input: a here-document (<<EOF ... EOF) or a pipe from echo or printf",
        )
    })?;
    Ok(Invocation::ConsoleProducer(ProducerArgs {
        topic: topic.to_string(),
        producer_configs: producer_configs(&parsed),
        reader: key_values(&parsed.values("property")),
        sync: parsed.has("sync"),
        input,
        avro: false,
    }))
}

/// `kafka-avro-console-producer`: Confluent's wrapper runs this tool with its Avro reader.
pub fn parse_avro(args: &[String], stdin: Option<String>) -> Result<Invocation, ParseError> {
    match parse(args, stdin)? {
        Invocation::ConsoleProducer(args) => Ok(Invocation::ConsoleProducer(ProducerArgs {
            avro: true,
            ..args
        })),
        other => Ok(other),
    }
}

/// `ConsoleProducerConfig.producerProps` with `maybeMergeOptions`.
fn producer_configs(parsed: &Parsed) -> Vec<(String, String)> {
    let mut props = key_values(&parsed.values("producer-property"));
    let codec = match parsed.has("compression-codec") {
        true => parsed
            .value("compression-codec")
            .filter(|c| !c.is_empty())
            .unwrap_or("gzip"),
        false => "none",
    };
    set_property(&mut props, "compression.type", codec);
    let merges: &[(&str, &str, &str)] = &[
        ("linger.ms", "timeout", "1000"),
        ("acks", "request-required-acks", "-1"),
        ("request.timeout.ms", "request-timeout-ms", "1500"),
        ("retries", "message-send-max-retries", "3"),
        ("retry.backoff.ms", "retry-backoff-ms", "100"),
        ("send.buffer.bytes", "socket-buffer-size", "102400"),
        ("buffer.memory", "max-memory-bytes", "33554432"),
        ("batch.size", "batch-size", "16384"),
        ("batch.size", "max-partition-memory-bytes", "16384"),
        ("metadata.max.age.ms", "metadata-expiry-ms", "300000"),
        ("max.block.ms", "max-block-ms", "60000"),
    ];
    for (config, option, default) in merges {
        if let Some(value) = parsed.value(option) {
            set_property(&mut props, config, value.trim());
        } else if property(&props, config).is_none() {
            set_property(&mut props, config, default);
        }
    }
    props
}

/// How `LineMessageReader` splits lines, from its properties.
struct Reader {
    parse_key: bool,
    key_separator: String,
    parse_headers: bool,
    headers_delimiter: String,
    headers_separator: String,
    headers_key_separator: String,
    ignore_error: bool,
    null_marker: Option<String>,
}

/// A line's record, before the producer has it.
struct LineRecord {
    key: Option<String>,
    value: Option<String>,
    headers: Vec<(String, Option<String>)>,
}

impl Reader {
    /// `LineMessageReader.configure`; the error is its `KafkaException` message.
    fn configure(props: &[(String, String)]) -> Result<Reader, String> {
        let flag = |name: &str| {
            property(props, name).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        };
        let text = |name: &str, default: &str| property(props, name).unwrap_or(default).to_string();
        let reader = Reader {
            parse_key: flag("parse.key"),
            key_separator: text("key.separator", "\t"),
            parse_headers: flag("parse.headers"),
            headers_delimiter: text("headers.delimiter", "\t"),
            headers_separator: text("headers.separator", ","),
            headers_key_separator: text("headers.key.separator", ":"),
            ignore_error: flag("ignore.error"),
            null_marker: property(props, "null.marker").map(str::to_string),
        };
        reader.check()?;
        Ok(reader)
    }

    fn check(&self) -> Result<(), String> {
        let pairs = [
            (
                &self.headers_delimiter,
                &self.headers_separator,
                "headers.delimiter and headers.separator",
            ),
            (
                &self.headers_delimiter,
                &self.headers_key_separator,
                "headers.delimiter and headers.key.separator",
            ),
            (
                &self.headers_separator,
                &self.headers_key_separator,
                "headers.separator and headers.key.separator",
            ),
        ];
        for (a, b, names) in pairs {
            if a == b {
                return Err(format!("{names} may not be equal"));
            }
        }
        if let Some(marker) = &self.null_marker {
            let with_marker = [
                (&self.key_separator, "key.separator"),
                (&self.headers_separator, "headers.separator"),
                (&self.headers_delimiter, "headers.delimiter"),
                (&self.headers_key_separator, "headers.key.separator"),
            ];
            for (separator, name) in with_marker {
                if separator == marker {
                    return Err(format!("null.marker and {name} may not be equal"));
                }
            }
        }
        Ok(())
    }

    fn is_null(&self, text: &str) -> bool {
        self.null_marker.as_deref() == Some(text)
    }

    /// One line as `LineMessageReader.readRecords` reads it.
    fn read(&self, line: &str, line_number: usize) -> Result<LineRecord, String> {
        let headers = self.split(
            self.parse_headers,
            line,
            0,
            &self.headers_delimiter,
            "headers delimiter",
            line_number,
        )?;
        let header_offset = headers
            .as_ref()
            .map_or(0, |h| h.len() + self.headers_delimiter.len());
        let key = self.split(
            self.parse_key,
            line,
            header_offset,
            &self.key_separator,
            "key separator",
            line_number,
        )?;
        let key_offset = key
            .as_ref()
            .map_or(0, |k| k.len() + self.key_separator.len());
        let value = line
            .get(header_offset + key_offset..)
            .unwrap_or("")
            .to_string();
        let header_list = match &headers {
            Some(text) if !self.is_null(text) => self.split_headers(text, line_number)?,
            _ => Vec::new(),
        };
        Ok(LineRecord {
            key: key.filter(|k| !self.is_null(k)),
            value: Some(value).filter(|v| !self.is_null(v)),
            headers: header_list,
        })
    }

    fn split(
        &self,
        enabled: bool,
        line: &str,
        start: usize,
        demarcation: &str,
        name: &str,
        line_number: usize,
    ) -> Result<Option<String>, String> {
        if !enabled {
            return Ok(None);
        }
        let rest = line.get(start..).unwrap_or("");
        match rest.find(demarcation) {
            Some(index) => Ok(Some(rest[..index].to_string())),
            None if self.ignore_error => Ok(None),
            None => Err(format!(
                "No {name} found on line number {line_number}: '{line}'"
            )),
        }
    }

    fn split_headers(
        &self,
        headers: &str,
        line_number: usize,
    ) -> Result<Vec<(String, Option<String>)>, String> {
        let pattern = Regex::new(&self.headers_separator).unwrap_or_else(|_| {
            Regex::new(&regex_lite::escape(&self.headers_separator)).unwrap_or_else(|_| never())
        });
        let mut list = Vec::new();
        for pair in pattern.split(headers).filter(|p| !p.is_empty()) {
            let Some(index) = pair.find(&self.headers_key_separator) else {
                if self.ignore_error {
                    list.push((pair.to_string(), None));
                    continue;
                }
                return Err(format!(
                    "No header key separator found in pair '{pair}' on line number {line_number}"
                ));
            };
            let key = &pair[..index];
            if self.is_null(key) {
                return Err(format!(
                    "Header keys should not be equal to the null marker '{}' as they can't be null",
                    self.null_marker.as_deref().unwrap_or_default()
                ));
            }
            let value = &pair[index + self.headers_key_separator.len()..];
            list.push((
                key.to_string(),
                Some(value.to_string()).filter(|v| !self.is_null(v)),
            ));
        }
        Ok(list)
    }
}

/// A regex that matches nothing, for a separator that cannot be compiled even escaped.
fn never() -> Regex {
    Regex::new("$^").unwrap_or_else(|_| never())
}

/// One record the tool handed to the producer, and what became of it.
struct Sent {
    key_bytes: Option<usize>,
    value_bytes: Option<usize>,
    batch: Option<u64>,
    outcome: Option<Result<(), KafkaError>>,
}

/// The records of one run and how their outcomes are matched to events.
struct Tracker {
    producer: u32,
    sent: Vec<Sent>,
    /// Records whose `send()` blocked (waiting for metadata or memory), oldest first.
    blocked: std::collections::VecDeque<usize>,
    /// Failures in the order the callbacks ran.
    failures: Vec<(usize, KafkaError, i64)>,
}

impl Tracker {
    fn undecided(&self) -> bool {
        self.sent.iter().any(|sent| sent.outcome.is_none())
    }

    /// A record was just handed to `send()`; `events` are what the send did.
    fn sent(&mut self, record: &LineRecord, events: &[kplay_core::Event], clock_ms: i64) {
        let index = self.sent.len();
        self.sent.push(Sent {
            key_bytes: record.key.as_ref().map(String::len),
            value_bytes: record.value.as_ref().map(String::len),
            batch: None,
            outcome: None,
        });
        let accumulated = events.iter().find_map(|event| match &event.kind {
            EventKind::RecordAccumulated {
                producer, batch, ..
            } if producer.0 == self.producer => Some(*batch),
            _ => None,
        });
        match accumulated {
            Some(batch) => self.sent[index].batch = Some(batch),
            None => self.blocked.push_back(index),
        }
        let later: Vec<kplay_core::Event> = events
            .iter()
            .filter(|event| !matches!(event.kind, EventKind::RecordAccumulated { .. }))
            .cloned()
            .collect();
        self.observe(&later, clock_ms);
    }

    /// A send refused at once (`send()` completed its future exceptionally).
    fn refused(&mut self, record: &LineRecord, error: KafkaError, clock_ms: i64) {
        let index = self.sent.len();
        self.sent.push(Sent {
            key_bytes: record.key.as_ref().map(String::len),
            value_bytes: record.value.as_ref().map(String::len),
            batch: None,
            outcome: Some(Err(error.clone())),
        });
        self.failures.push((index, error, clock_ms));
    }

    fn observe(&mut self, events: &[kplay_core::Event], clock_ms: i64) {
        for event in events {
            match &event.kind {
                EventKind::RecordAccumulated {
                    producer, batch, ..
                } if producer.0 == self.producer => {
                    if let Some(index) = self.blocked.pop_front() {
                        self.sent[index].batch = Some(*batch);
                    }
                }
                EventKind::ProduceAcknowledged {
                    producer, batch, ..
                } if producer.0 == self.producer => {
                    self.decide_batch(*batch, Ok(()), clock_ms);
                }
                EventKind::ProduceFailed {
                    producer,
                    batch: Some(batch),
                    error,
                    ..
                } if producer.0 == self.producer => {
                    self.decide_batch(*batch, Err(error.clone()), clock_ms);
                }
                EventKind::ProduceFailed {
                    producer,
                    batch: None,
                    error,
                    ..
                } if producer.0 == self.producer => {
                    if let Some(index) = self.blocked.pop_front() {
                        self.sent[index].outcome = Some(Err(error.clone()));
                        self.failures.push((index, error.clone(), clock_ms));
                    }
                }
                _ => {}
            }
        }
    }

    fn decide_batch(&mut self, batch: u64, outcome: Result<(), KafkaError>, clock_ms: i64) {
        for index in 0..self.sent.len() {
            let sent = &mut self.sent[index];
            if sent.batch == Some(batch) && sent.outcome.is_none() {
                sent.outcome = Some(outcome.clone());
                if let Err(error) = &outcome {
                    self.failures.push((index, error.clone(), clock_ms));
                }
            }
        }
    }
}

/// Runs the producer over the input.
pub fn run(shell: &mut Shell, args: &ProducerArgs) -> Output {
    let mut output = Output::new();
    let reader = match Reader::configure(&args.reader) {
        Ok(reader) => reader,
        Err(message) => {
            output.eprintln(format!("org.apache.kafka.common.KafkaException: {message}"));
            return output;
        }
    };
    let mut avro = None;
    if args.avro {
        match Serializer::configure(&args.reader, reader.parse_key) {
            Ok(serializer) => avro = Some(serializer),
            Err(exception) => {
                output.eprintln(exception);
                return output;
            }
        }
    }
    let name = match property(&args.producer_configs, "client.id") {
        Some(client_id) => client_id.to_string(),
        None => shell.next_console_producer(),
    };
    let created = shell.apply(Command::CreateProducer {
        name: name.clone(),
        configs: args.producer_configs.clone(),
    });
    if let Err(error) = created {
        output.eprintln(error.as_exception());
        return output;
    }
    let producer = shell
        .cluster
        .producer_views()
        .iter()
        .find(|view| view.name == name)
        .map_or(u32::MAX, |view| view.id.0);
    let mut tracker = Tracker {
        producer,
        sent: Vec::new(),
        blocked: std::collections::VecDeque::new(),
        failures: Vec::new(),
    };
    let bound_ms = run_bound_ms(&args.producer_configs);
    send_lines(
        shell,
        args,
        (&reader, avro.as_mut()),
        &name,
        &mut tracker,
        bound_ms,
        &mut output,
    );
    // Java's `send()` blocks for metadata in the caller, so every record is in a batch before
    // `close()` flushes: wait for blocked sends before closing.
    let deadline_ms = shell.cluster.now_ms().saturating_add(bound_ms);
    shell.run_until_done(deadline_ms, |shell, events| {
        tracker.observe(events, shell.cluster.clock_ms());
        tracker.blocked.is_empty()
    });
    let _ = shell.apply(Command::CloseProducer { producer: name });
    wait_for_outcomes(shell, &mut tracker, bound_ms);
    print_failures(&mut output, args, &tracker, args.sync);
    output
}

/// Sends each line as a record; with a serializer, its key and value are Avro JSON. A line
/// that does not read (or serialize) stops the tool, its exception printed after the records
/// before it, which `close()` still sends.
///
/// Every line is read, and serialized, before the first is sent: reading is pure, and the
/// serializer's registration (simulated time passing while the registry writes `_schemas`)
/// then happens before any of this producer's records are in flight, whose outcomes the
/// tracker must see. Kafka registers at the `send()` of the first record with a key or value
/// to serialize: the same moment, unless null values come first, and no output differs.
#[allow(clippy::too_many_arguments)]
fn send_lines(
    shell: &mut Shell,
    args: &ProducerArgs,
    (reader, mut avro): (&Reader, Option<&mut Serializer>),
    name: &str,
    tracker: &mut Tracker,
    bound_ms: i64,
    output: &mut Output,
) {
    let mut records = Vec::new();
    let mut stopped = Vec::new();
    for (index, line) in input_lines(&args.input).iter().enumerate() {
        match read_line(shell, args, (reader, avro.as_deref_mut()), line, index + 1) {
            Ok(record) => records.push(record),
            Err(exception) => {
                stopped = exception;
                break;
            }
        }
    }
    for record in records {
        let mut new_record =
            NewRecord::new(&args.topic, record.key.as_deref(), record.value.as_deref());
        new_record.headers = record.headers.clone();
        let command = Command::Produce {
            producer: name.to_string(),
            record: new_record,
        };
        let clock_ms = shell.cluster.clock_ms();
        match shell.apply(command) {
            Ok(events) => tracker.sent(&record, &events, clock_ms),
            Err(error) => tracker.refused(&record, error, clock_ms),
        }
        if args.sync {
            let _ = shell.apply(Command::Flush {
                producer: name.to_string(),
            });
            wait_for_outcomes(shell, tracker, bound_ms);
            if tracker
                .sent
                .last()
                .is_some_and(|sent| matches!(sent.outcome, Some(Err(_))))
            {
                // A failed synchronous send ends the tool before it reads further lines.
                return;
            }
        }
    }
    for line in stopped {
        output.eprintln(line);
    }
}

/// One line as a record (`LineMessageReader`), its key and value serialized when the tool is
/// the Avro one; Err: the exception's lines.
fn read_line(
    shell: &mut Shell,
    args: &ProducerArgs,
    (reader, avro): (&Reader, Option<&mut Serializer>),
    line: &str,
    line_number: usize,
) -> Result<LineRecord, Vec<String>> {
    let mut record = reader
        .read(line, line_number)
        .map_err(|message| vec![format!("org.apache.kafka.common.KafkaException: {message}")])?;
    if let Some(serializer) = avro {
        record.key = serializer.serialize(shell, &args.topic, true, record.key.as_deref())?;
        record.value = serializer.serialize(shell, &args.topic, false, record.value.as_deref())?;
    }
    Ok(record)
}

/// `BufferedReader.readLine` over the input: lines end at `\n`, `\r` or `\r\n`; a final line
/// break does not start another line.
fn input_lines(input: &str) -> Vec<String> {
    let normalized = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = normalized.split('\n').map(str::to_string).collect();
    if normalized.ends_with('\n') || normalized.is_empty() {
        lines.pop();
    }
    lines
}

/// How long the simulation may run for the records: `max.block.ms + delivery.timeout.ms +
/// 10 s`, with the configured or default values.
fn run_bound_ms(configs: &[(String, String)]) -> i64 {
    let value = |name: &str, default: i64| {
        property(configs, name)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(default)
    };
    value("max.block.ms", 60_000)
        .saturating_add(value("delivery.timeout.ms", 120_000))
        .saturating_add(10_000)
}

fn wait_for_outcomes(shell: &mut Shell, tracker: &mut Tracker, bound_ms: i64) {
    let deadline_ms = shell.cluster.now_ms().saturating_add(bound_ms);
    shell.run_until_done(deadline_ms, |shell, events| {
        tracker.observe(events, shell.cluster.clock_ms());
        !tracker.undecided()
    });
}

fn print_failures(output: &mut Output, args: &ProducerArgs, tracker: &Tracker, sync: bool) {
    for (index, error, clock_ms) in &tracker.failures {
        let Some(sent) = tracker.sent.get(*index) else {
            continue;
        };
        if sync {
            output.eprintln(format!(
                "java.util.concurrent.ExecutionException: {}",
                error.as_exception()
            ));
            continue;
        }
        let bytes = |length: Option<usize>| {
            length.map_or_else(|| "null".to_string(), |n| format!("{n} bytes"))
        };
        let message = format!(
            "Error when sending message to topic {} with key: {}, value: {} with error:",
            args.topic,
            bytes(sent.key_bytes),
            bytes(sent.value_bytes)
        );
        output.eprintln(log_line(
            *clock_ms,
            "ERROR",
            &message,
            "org.apache.kafka.clients.producer.internals.ErrorLoggingCallback",
        ));
        output.eprintln(error.as_exception());
    }
}
