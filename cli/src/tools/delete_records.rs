//! `kafka-delete-records`: deletes the records of partitions below an offset, printing what
//! Kafka's `DeleteRecordsCommand` prints.
//!
//! The offsets come as JSON (`{"partitions": [{"topic": "t", "partition": 0, "offset": 5}],
//! "version": 1}`; an offset of -1 means the high watermark). Kafka reads them from the file
//! `--offset-json-file` names; the playground has no files, so the tool reads them from
//! standard input with `--offset-json-file /dev/stdin`, which works the same in a real shell:
//! a here-document (`<<EOF`) or a pipe from `echo`.
//!
//! As in Kafka: the JSON's errors (`The input string is not a valid JSON`, `Missing partitions
//! field`, `No such field exists: `topic``, `Expected `Integer` value, received "0"`, `Offset
//! json file contains duplicate topic partitions: t-0`) end the tool with
//! `Exception in thread "main" ...` on standard error, before anything is deleted. Then
//! `Executing records delete operation` and `Records delete operation completed:`, and one line
//! per partition, `partition: t-0<TAB>low_watermark: 5` or `partition: t-0<TAB>error: <exception>`,
//! in the order of the admin client's `HashMap` of results.
//!
//! Each partition's leader moves its log start offset (see
//! [`kplay_core::broker::Broker::delete_records`]) and answers once the low watermark, the lowest
//! log start offset of the replicas on live brokers (in sync or not), reaches the offset: the
//! tool lets simulated time pass until then. The admin client retries a partition without a
//! leader, and a leader that lost its leadership, until `default.api.timeout.ms` (60 s), then
//! reports a `TimeoutException`; so does a partition whose low watermark does not get there in
//! time (a follower that does not fetch). Its errors come from the error code alone, with the
//! code's default message, as the DeleteRecords response carries no message.
//!
//! With no broker to reach, the leaders cannot be looked up: after `default.api.timeout.ms`
//! each partition prints `error: org.apache.kafka.common.errors.TimeoutException: Timed out
//! waiting for a node assignment. Call: deleteRecords(api=METADATA)` (the lookup request
//! `AdminApiDriver` names).
//!
//! Simplified: the tool acts as a super user; the `TimeoutException` of a partition without a
//! leader, or whose low watermark comes late, is printed without the text Kafka gives it (the
//! admin call, its deadline and tries); `--command-config` is not available (no files).

use kplay_core::broker::delete_records::requested_offset;
use kplay_core::{Command, ErrorCode, KafkaError, Offset, TopicPartition};

use crate::error::ParseError;
use crate::json;
use crate::options::{self, Opt, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;
use crate::tools::{
    admin_call_timeout, duplicate_partitions, hash_map_order, json_from_stdin, TIMEOUT_EXCEPTION,
};

/// The tool's name.
pub const NAME: &str = "kafka-delete-records";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str =
    "This tool helps to delete records of the given partitions down to the specified offset.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::text("bootstrap-server", "REQUIRED: The server to connect to. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("command-config", "A property file containing configs to be passed to Admin Client."),
    HELP,
    Opt::text("offset-json-file", "REQUIRED: The JSON file with offset per partition. The format to use is: {\"partitions\": [{\"topic\": \"foo\", \"partition\": 1, \"offset\": 1}], \"version\":1}. In the playground: /dev/stdin, with a here-document or a pipe."),
    Opt::flag("version", "Display Kafka version."),
];

/// Kafka's options the playground does not model.
const UNMODELLED: &[&str] = &["command-config"];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
There are no files: give the JSON on standard input with --offset-json-file /dev/stdin and a
here-document (<<EOF ... EOF) or a pipe from echo, as you can in a real shell. An offset of -1
deletes up to the high watermark. The tool waits, in simulated time, until every replica on a
live broker has moved its log start offset (the low watermark), for at most 60 s
(default.api.timeout.ms); a partition that does not get there prints a TimeoutException,
without the text Kafka gives it. --command-config is not available (no files).";

/// How long the admin client keeps at a partition (`default.api.timeout.ms`).
const API_TIMEOUT_MS: i64 = 60_000;

/// A parsed `kafka-delete-records` line: the JSON it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRecordsArgs {
    /// The text of the offsets file (standard input).
    pub offsets_json: String,
}

/// Parses the options (`DeleteRecordsCommandOptions`) and takes the JSON from standard input.
pub fn parse(args: &[String], stdin: Option<String>) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    options::refuse_unmodelled(args, UNMODELLED)?;
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    let file = parsed.value("offset-json-file").ok_or_else(|| {
        ParseError::new(
            0,
            NAME,
            "kafka-delete-records needs --offset-json-file (Missing required argument \"[offset-json-file]\")",
        )
    })?;
    let offsets_json = json_from_stdin(NAME, "offset-json-file", file, stdin)?;
    Ok(Invocation::DeleteRecords(DeleteRecordsArgs {
        offsets_json,
    }))
}

/// Runs the tool.
pub fn run(shell: &mut Shell, args: &DeleteRecordsArgs) -> Output {
    let mut output = Output::new();
    let requests = match parse_offsets(&args.offsets_json) {
        Ok(requests) => requests,
        Err(exception) => {
            output.eprintln(format!("Exception in thread \"main\" {exception}"));
            return output;
        }
    };
    output.println("Executing records delete operation");
    output.println("Records delete operation completed:");
    for (partition, result) in delete(shell, requests) {
        match result {
            Ok(low_watermark) => {
                output.println(format!(
                    "partition: {partition}\tlow_watermark: {low_watermark}"
                ));
            }
            Err(exception) => output.println(format!("partition: {partition}\terror: {exception}")),
        }
    }
    output
}

const ADMIN: &str = "org.apache.kafka.server.common.AdminOperationException";

/// `parseOffsetJsonStringWithoutDedup` and the duplicate check: each partition's offset, in
/// the file's order, or the exception the tool dies with.
fn parse_offsets(text: &str) -> Result<Vec<(TopicPartition, i64)>, String> {
    let json = json::parse(text)
        .ok_or_else(|| format!("{ADMIN}: The input string is not a valid JSON"))?;
    let json = json.object()?;
    if let Some(version) = json.field("version") {
        let version = version.int()?;
        if version != 1 {
            return Err(format!(
                "{ADMIN}: Not supported version field value {version}"
            ));
        }
    }
    let partitions = json
        .field("partitions")
        .ok_or_else(|| format!("{ADMIN}: Missing partitions field"))?;
    let mut requests: Vec<(TopicPartition, i64)> = Vec::new();
    for entry in partitions.array()? {
        let entry = entry.object()?;
        let topic = entry.require("topic")?.string()?;
        let partition = entry.require("partition")?.int()?;
        let offset = entry.require("offset")?.long()?;
        requests.push((TopicPartition::new(topic, partition), offset));
    }
    let partitions: Vec<&TopicPartition> =
        requests.iter().map(|(partition, _)| partition).collect();
    let duplicates = duplicate_partitions(&partitions);
    if !duplicates.is_empty() {
        let names: Vec<String> = duplicates.iter().map(ToString::to_string).collect();
        return Err(format!(
            "org.apache.kafka.server.common.AdminCommandFailedException: Offset json file contains duplicate topic partitions: {}",
            names.join(",")
        ));
    }
    Ok(requests)
}

/// Where one partition's deletion stands.
enum Progress {
    /// The leader the request went to and the offset it must reach; nothing yet while the
    /// partition has no running leader.
    Waiting(Option<(kplay_core::BrokerId, Offset)>),
    /// Done: the low watermark, or the exception.
    Done(Result<Offset, String>),
}

/// Sends each partition's DeleteRecords to its leader and lets simulated time pass until every
/// one is answered or the admin client gives up. The results come in the order of the admin
/// client's `HashMap`.
fn delete(
    shell: &mut Shell,
    requests: Vec<(TopicPartition, i64)>,
) -> Vec<(TopicPartition, Result<Offset, String>)> {
    let mut requests = requests;
    hash_map_order(&mut requests, |(partition, _)| partition);
    // The partitions' leaders are looked up first (`PartitionLeaderStrategy`); with no broker
    // to ask, every partition fails with that lookup's timeout. No partition, no call.
    if !requests.is_empty() {
        if let Some(exception) = admin_call_timeout(shell, "deleteRecords(api=METADATA)") {
            return requests
                .into_iter()
                .map(|(partition, _)| (partition, Err(exception.clone())))
                .collect();
        }
    }
    let topics = shell.cluster.topic_names();
    let mut progress: Vec<Progress> = requests
        .iter()
        .map(|(partition, _)| {
            if topics.contains(&partition.topic) {
                Progress::Waiting(None)
            } else {
                Progress::Done(Err(format!(
                    "{}: Failed to fetch metadata for partition {partition} because metadata for topic `{}` could not be found",
                    ErrorCode::UnknownTopicOrPartition.exception_class(),
                    partition.topic
                )))
            }
        })
        .collect();
    let deadline_ms = shell.cluster.now_ms() + API_TIMEOUT_MS;
    shell.run_until_done(deadline_ms, |shell, _| {
        for ((partition, offset), state) in requests.iter().zip(progress.iter_mut()) {
            if let Progress::Waiting(sent) = state {
                if let Some(done) = advance(shell, partition, *offset, sent) {
                    *state = Progress::Done(done);
                }
            }
        }
        progress
            .iter()
            .all(|state| matches!(state, Progress::Done(_)))
    });
    requests
        .into_iter()
        .zip(progress)
        .map(|((partition, _), state)| {
            let result = match state {
                Progress::Done(result) => result,
                Progress::Waiting(_) => Err(TIMEOUT_EXCEPTION.to_string()),
            };
            (partition, result)
        })
        .collect()
}

/// One look at a waiting partition: sends its request to a leader it has not reached yet, and
/// says whether the answer has come.
fn advance(
    shell: &mut Shell,
    partition: &TopicPartition,
    offset: i64,
    sent: &mut Option<(kplay_core::BrokerId, Offset)>,
) -> Option<Result<Offset, String>> {
    let leader = shell.cluster.running_leader(partition).ok()?;
    if sent.is_none_or(|(to, _)| to != leader) {
        let high_watermark = shell.cluster.high_watermark(leader, partition)?;
        let target = requested_offset(offset, high_watermark);
        let command = Command::DeleteRecords {
            partition: partition.clone(),
            offset,
        };
        match shell.apply(command) {
            Ok(_) => *sent = Some((leader, target)),
            // The admin client looks the leader up again and retries.
            Err(error) if error.code.is_retriable() => return None,
            Err(error) => {
                return Some(Err(
                    KafkaError::with_default_message(error.code).as_exception()
                ))
            }
        }
    }
    let (_, target) = (*sent)?;
    let low_watermark = shell.cluster.low_watermark(partition).ok()?;
    (low_watermark >= target).then_some(Ok(low_watermark))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    #[test]
    fn the_offsets_file_is_read_as_kafka_reads_it() {
        assert_eq!(
            parse_offsets(
                r#"{"partitions":[{"topic":"t","partition":0,"offset":5},{"topic":"t","partition":1,"offset":-1}],"version":1}"#
            ),
            Ok(vec![(tp("t", 0), 5), (tp("t", 1), -1)])
        );
        assert_eq!(
            parse_offsets(r#"{"partitions":[]}"#),
            Ok(vec![]),
            "the version is optional"
        );
        let error = |text: &str| parse_offsets(text).expect_err(text);
        assert_eq!(error("nope"), "org.apache.kafka.server.common.AdminOperationException: The input string is not a valid JSON");
        assert_eq!(error("[]"), "com.fasterxml.jackson.databind.JsonMappingException: Expected JSON object, received []");
        assert_eq!(
            error("{}"),
            "org.apache.kafka.server.common.AdminOperationException: Missing partitions field"
        );
        assert_eq!(error(r#"{"version":2,"partitions":[]}"#), "org.apache.kafka.server.common.AdminOperationException: Not supported version field value 2");
        assert_eq!(error(r#"{"partitions":[{"topic":"t","offset":1}]}"#), "com.fasterxml.jackson.databind.JsonMappingException: No such field exists: `partition`");
        assert_eq!(error(r#"{"partitions":[{"topic":"t","partition":"0","offset":1}]}"#), "com.fasterxml.jackson.databind.JsonMappingException: Expected `Integer` value, received \"0\"");
        assert_eq!(error(r#"{"partitions":[{"topic":"t","partition":0,"offset":1.5}]}"#), "com.fasterxml.jackson.databind.JsonMappingException: Expected `Long` value, received 1.5");
        assert_eq!(error(r#"{"partitions":{"topic":"t"}}"#), "com.fasterxml.jackson.databind.JsonMappingException: Expected JSON array, received {\"topic\":\"t\"}");
        assert_eq!(
            error(r#"{"partitions":[{"topic":"t","partition":0,"offset":1},{"topic":"t","partition":0,"offset":2},{"topic":"t","partition":0,"offset":3}]}"#),
            "org.apache.kafka.server.common.AdminCommandFailedException: Offset json file contains duplicate topic partitions: t-0"
        );
        let entry = |p: i32| format!(r#"{{"topic":"t","partition":{p},"offset":1}}"#);
        let interleaved = [0, 1, 0, 1, 0].map(entry).join(",");
        assert!(
            error(&format!(r#"{{"partitions":[{interleaved}]}}"#))
                .ends_with("duplicate topic partitions: t-1,t-0"),
            "once each, in HashSet order"
        );
    }
}
