//! The tool's JSON files and lists, read and written as `ReassignPartitionsCommand` does: the
//! reassignment JSON (`parsePartitionReassignmentData`, `parseExecuteAssignmentArgs`), the
//! topics to move and the broker list of `--generate` (`parseGenerateAssignmentArgs`), and
//! `formatAsReassignmentJson`.
//!
//! Each error is the message the tool prints after `Error: ` (an exception's `getMessage()`);
//! Jackson's mapping errors come from [`crate::json`] without their class name.

use kplay_core::config::value::java_string_hash;
use kplay_core::TopicPartition;

use crate::json::{self, Json};
use crate::tools::duplicate_partitions;
use crate::tools::java_hash_order;

/// The log directory that means "wherever the broker puts it".
pub const ANY_LOG_DIR: &str = "any";

/// What the playground prints for text that is not JSON, where Kafka prints Jackson's parser
/// message (the character and position it stopped at).
pub const NOT_JSON: &str = "The reassignment JSON is not valid JSON";

/// One partition of a reassignment JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The partition.
    pub partition: TopicPartition,
    /// The target replicas, preferred first.
    pub replicas: Vec<i32>,
    /// The log directory of each replica (`any` unless the file names one).
    pub log_dirs: Vec<String>,
}

impl Target {
    /// The first replica the file puts in a named log directory, with the directory.
    pub fn named_log_dir(&self) -> Option<(i32, &str)> {
        self.replicas
            .iter()
            .zip(&self.log_dirs)
            .find(|(_, dir)| *dir != ANY_LOG_DIR)
            .map(|(replica, dir)| (*replica, dir.as_str()))
    }
}

/// Jackson's `JsonMappingException.getMessage()`: the message without the class name.
fn message(exception: String) -> String {
    const MAPPING: &str = "com.fasterxml.jackson.databind.JsonMappingException: ";
    exception
        .strip_prefix(MAPPING)
        .map_or(exception.clone(), str::to_string)
}

/// `DecodeJson.decodeList`: an array, each item decoded.
fn list<T>(value: &Json, item: impl Fn(&Json) -> Result<T, String>) -> Result<Vec<T>, String> {
    match value {
        Json::Array(items) => items.iter().map(item).collect(),
        other => Err(format!("Expected `JSON array` value, received {other}")),
    }
}

/// The `version` field, if any, as `DecodeInteger` reads it; only version 1 is supported.
fn check_version(object: &Json) -> Result<(), String> {
    if let Some(version) = object.field("version") {
        let version = version.int().map_err(message)?;
        if version != 1 {
            return Err(format!("Not supported version field value {version}"));
        }
    }
    Ok(())
}

/// `parsePartitionReassignmentData`: each partition of the file, in the file's order
/// (duplicates kept). A missing `partitions` field is an empty list.
pub fn parse_reassignment(text: &str) -> Result<Vec<Target>, String> {
    let json = json::parse(text).ok_or(NOT_JSON)?;
    let object = json.object().map_err(message)?;
    check_version(object)?;
    let Some(partitions) = object.field("partitions") else {
        return Ok(Vec::new());
    };
    let entries = partitions.array().map_err(message)?;
    entries.iter().map(target).collect()
}

fn target(entry: &Json) -> Result<Target, String> {
    let fields = entry.object().map_err(message)?;
    let topic = fields.require("topic").and_then(Json::string);
    let topic = topic.map_err(message)?.to_string();
    let partition = fields.require("partition").and_then(Json::int);
    let partition = partition.map_err(message)?;
    let replicas = fields.require("replicas").map_err(message)?;
    let replicas = list(replicas, |item| item.int().map_err(message))?;
    let log_dirs = match fields.field("log_dirs") {
        Some(dirs) => list(dirs, |item| {
            item.string().map(str::to_string).map_err(message)
        })?,
        None => vec![ANY_LOG_DIR.to_string(); replicas.len()],
    };
    let partition = TopicPartition::new(topic, partition);
    if replicas.len() != log_dirs.len() {
        return Err(format!(
            "Size of replicas list {} is different from size of log dirs list {} for partition {partition}",
            java_list(&replicas),
            java_list(&log_dirs)
        ));
    }
    Ok(Target {
        partition,
        replicas,
        log_dirs,
    })
}

/// `parseExecuteAssignmentArgs`'s checks: a list that is not empty, no empty replica list, no
/// partition twice, no replica twice in a list.
pub fn check_execute(targets: &[Target]) -> Result<(), String> {
    if targets.is_empty() {
        return Err("Partition reassignment list cannot be empty".to_string());
    }
    if targets.iter().any(|target| target.replicas.is_empty()) {
        return Err("Partition replica list cannot be empty".to_string());
    }
    let partitions: Vec<&TopicPartition> = targets.iter().map(|t| &t.partition).collect();
    let duplicates = duplicate_partitions(&partitions);
    if !duplicates.is_empty() {
        return Err(format!(
            "Partition reassignment contains duplicate topic partitions: {}",
            join(&duplicates, ",")
        ));
    }
    let repeated: Vec<String> = targets
        .iter()
        .filter_map(|target| {
            let duplicates = duplicates_of(&target.replicas, |id| *id);
            (!duplicates.is_empty()).then(|| {
                format!(
                    "{} contains multiple entries for {}",
                    target.partition,
                    join(&duplicates, ",")
                )
            })
        })
        .collect();
    if !repeated.is_empty() {
        return Err(format!(
            "Partition replica lists may not contain duplicate entries: {}",
            repeated.join(". ")
        ));
    }
    Ok(())
}

/// `parseGenerateAssignmentArgs`: the brokers of `--broker-list` and the topics of
/// `--topics-to-move-json-file`, each without duplicates.
pub fn parse_generate(
    topics_json: &str,
    broker_list: &str,
) -> Result<(Vec<i32>, Vec<String>), String> {
    let brokers = java_split(broker_list, ',')
        .into_iter()
        .map(|id| {
            id.parse::<i32>()
                .map_err(|_| format!("For input string: \"{id}\""))
        })
        .collect::<Result<Vec<i32>, String>>()?;
    let duplicates = duplicates_of(&brokers, |id| *id);
    if !duplicates.is_empty() {
        return Err(format!(
            "Broker list contains duplicate entries: [{}]",
            join(&duplicates, ", ")
        ));
    }
    let topics = parse_topics(topics_json)?;
    let duplicates = duplicates_of(&topics, |topic| java_string_hash(topic));
    if !duplicates.is_empty() {
        return Err(format!(
            "List of topics to reassign contains duplicate entries: [{}]",
            duplicates.join(", ")
        ));
    }
    Ok((brokers, topics))
}

/// `parseTopicsData`: the topics of `{"topics": [{"topic": "foo"}], "version": 1}`; a missing
/// `topics` field is an empty list.
fn parse_topics(text: &str) -> Result<Vec<String>, String> {
    let json = json::parse(text).ok_or("The input string is not a valid JSON")?;
    let object = json.object().map_err(message)?;
    check_version(object)?;
    let Some(topics) = object.field("topics") else {
        return Ok(Vec::new());
    };
    let entries = topics.array().map_err(message)?;
    entries
        .iter()
        .map(|entry| {
            let topic = entry.object().and_then(|fields| fields.require("topic"));
            let name = topic.and_then(Json::string).map_err(message)?;
            Ok(name.to_string())
        })
        .collect()
}

/// `formatAsReassignmentJson` (Jackson's compact output): the partitions sorted by topic and
/// partition, every log directory `any`.
pub fn format_reassignment(partitions: &[(TopicPartition, Vec<i32>)]) -> String {
    let mut sorted: Vec<&(TopicPartition, Vec<i32>)> = partitions.iter().collect();
    kplay_core::sort::sort_by(&mut sorted, |a, b| {
        (&a.0.topic, a.0.partition).cmp(&(&b.0.topic, b.0.partition))
    });
    let entries = sorted
        .into_iter()
        .map(|(partition, replicas)| {
            Json::Object(vec![
                ("topic".to_string(), Json::String(partition.topic.clone())),
                ("partition".to_string(), Json::Int(partition.partition)),
                (
                    "replicas".to_string(),
                    Json::Array(replicas.iter().map(|id| Json::Int(*id)).collect()),
                ),
                (
                    "log_dirs".to_string(),
                    Json::Array(vec![Json::String(ANY_LOG_DIR.to_string()); replicas.len()]),
                ),
            ])
        })
        .collect();
    let document = Json::Object(vec![
        ("version".to_string(), Json::Int(1)),
        ("partitions".to_string(), Json::Array(entries)),
    ]);
    document.to_string()
}

/// `ToolsUtils.duplicates`: the items listed more than once, each once, in the order of the
/// `HashSet` Kafka collects them in.
fn duplicates_of<T: Clone + PartialEq>(items: &[T], hash: impl Fn(&T) -> i32) -> Vec<T> {
    let repeated: Vec<T> = items
        .iter()
        .enumerate()
        .filter(|(index, item)| items[..*index].contains(item))
        .map(|(_, item)| item.clone())
        .collect();
    java_hash_order(repeated, hash)
}

/// Java's `List.toString`: `[1, 2]`.
fn java_list<T: ToString>(items: &[T]) -> String {
    format!("[{}]", join(items, ", "))
}

fn join<T: ToString>(items: &[T], separator: &str) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

/// `String.split` with one character: a text without it is its one part (`""` too); otherwise
/// the trailing empty parts are dropped (all of them, if nothing else is left).
fn java_split(text: &str, separator: char) -> Vec<&str> {
    if !text.contains(separator) {
        return vec![text];
    }
    let mut parts: Vec<&str> = text.split(separator).collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    #[test]
    fn the_reassignment_json_is_read_as_kafka_reads_it() {
        let targets = parse_reassignment(
            r#"{"version":1,"partitions":[{"topic":"foo","partition":0,"replicas":[2,3],"log_dirs":["any","any"]},
                {"topic":"foo","partition":1,"replicas":[1]}]}"#,
        )
        .expect("valid");
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].partition, tp("foo", 0));
        assert_eq!(targets[0].replicas, vec![2, 3]);
        assert_eq!(targets[1].log_dirs, vec!["any"], "log_dirs defaults to any");
        assert_eq!(targets[1].named_log_dir(), None);
        assert_eq!(
            parse_reassignment("{}"),
            Ok(Vec::new()),
            "partitions is optional"
        );
        let named = parse_reassignment(
            r#"{"partitions":[{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any","/data/b"]}]}"#,
        )
        .expect("valid");
        assert_eq!(named[0].named_log_dir(), Some((2, "/data/b")));
    }

    #[test]
    fn json_mistakes_get_kafkas_messages() {
        let error = |text: &str| parse_reassignment(text).expect_err(text);
        assert_eq!(error("{nope"), NOT_JSON);
        assert_eq!(error("[]"), "Expected JSON object, received []");
        assert_eq!(
            error(r#"{"version":2}"#),
            "Not supported version field value 2"
        );
        assert_eq!(
            error(r#"{"version":"1"}"#),
            "Expected `Integer` value, received \"1\""
        );
        assert_eq!(
            error(r#"{"partitions":{}}"#),
            "Expected JSON array, received {}"
        );
        assert_eq!(
            error(r#"{"partitions":[{"topic":"foo","replicas":[1]}]}"#),
            "No such field exists: `partition`"
        );
        assert_eq!(
            error(r#"{"partitions":[{"topic":"foo","partition":0,"replicas":1}]}"#),
            "Expected `JSON array` value, received 1"
        );
        assert_eq!(
            error(r#"{"partitions":[{"topic":"foo","partition":0,"replicas":["1"]}]}"#),
            "Expected `Integer` value, received \"1\""
        );
        assert_eq!(
            error(r#"{"partitions":[{"topic":"foo","partition":0,"replicas":[1,2],"log_dirs":["any"]}]}"#),
            "Size of replicas list [1, 2] is different from size of log dirs list [any] for partition foo-0"
        );
    }

    #[test]
    fn execute_refuses_empty_and_repeated_entries() {
        let check = |text: &str| check_execute(&parse_reassignment(text).expect("valid"));
        assert_eq!(
            check(r#"{"version":1,"partitions":[]}"#),
            Err("Partition reassignment list cannot be empty".to_string())
        );
        assert_eq!(
            check(r#"{"partitions":[{"topic":"foo","partition":0,"replicas":[]}]}"#),
            Err("Partition replica list cannot be empty".to_string())
        );
        assert_eq!(
            check(
                r#"{"partitions":[{"topic":"foo","partition":0,"replicas":[0,1]},{"topic":"foo","partition":0,"replicas":[2,3,4]}]}"#
            ),
            Err("Partition reassignment contains duplicate topic partitions: foo-0".to_string())
        );
        assert_eq!(
            check(
                r#"{"partitions":[{"topic":"foo","partition":0,"replicas":[0,0]},{"topic":"foo","partition":1,"replicas":[3,1,3,1]}]}"#
            ),
            Err("Partition replica lists may not contain duplicate entries: foo-0 contains multiple entries for 0. foo-1 contains multiple entries for 1,3".to_string())
        );
        assert_eq!(
            check(r#"{"partitions":[{"topic":"foo","partition":0,"replicas":[1,2,3]}]}"#),
            Ok(())
        );
    }

    #[test]
    fn generate_reads_the_broker_list_and_the_topics() {
        let topics = r#"{"topics": [{"topic": "foo"}], "version":1}"#;
        assert_eq!(
            parse_generate(topics, "5,2,3,4"),
            Ok((vec![5, 2, 3, 4], vec!["foo".to_string()]))
        );
        assert_eq!(
            parse_generate(topics, "5,2,3,4,5,2"),
            Err("Broker list contains duplicate entries: [2, 5]".to_string())
        );
        assert_eq!(
            parse_generate(topics, "1,x"),
            Err("For input string: \"x\"".to_string())
        );
        assert_eq!(
            parse_generate(topics, ""),
            Err("For input string: \"\"".to_string())
        );
        assert_eq!(parse_generate(topics, "1,2,").map(|g| g.0), Ok(vec![1, 2]));
        assert_eq!(parse_generate(topics, ",").map(|g| g.0), Ok(vec![]));
        assert_eq!(
            parse_generate(r#"{"topics":[{"topic":"foo"},{"topic":"foo"}]}"#, "1"),
            Err("List of topics to reassign contains duplicate entries: [foo]".to_string())
        );
        assert_eq!(
            parse_generate("topics", "1"),
            Err("The input string is not a valid JSON".to_string())
        );
        assert_eq!(parse_generate("{}", "1"), Ok((vec![1], Vec::new())));
        assert_eq!(
            parse_generate(r#"{"topics":[{"name":"foo"}]}"#, "1"),
            Err("No such field exists: `topic`".to_string())
        );
    }

    #[test]
    fn reassignment_json_is_written_compactly_in_partition_order() {
        let partitions = vec![(tp("foo", 1), vec![1, 2, 3]), (tp("bar", 0), vec![4, 5])];
        assert_eq!(
            format_reassignment(&partitions),
            r#"{"version":1,"partitions":[{"topic":"bar","partition":0,"replicas":[4,5],"log_dirs":["any","any"]},{"topic":"foo","partition":1,"replicas":[1,2,3],"log_dirs":["any","any","any"]}]}"#
        );
        assert_eq!(format_reassignment(&[]), r#"{"version":1,"partitions":[]}"#);
    }
}
