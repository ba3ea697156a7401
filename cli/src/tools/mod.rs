//! Kafka's command-line tools, one file each, and what they share: `key=value` arguments, the
//! log line format of Kafka's tools, JSON files read from standard input, the order of Java's
//! hash sets of partitions, and the admin client's `TimeoutException` when no broker can be
//! reached.
//!
//! Each tool parses its options into plain arguments (a malformed line is a
//! [`ParseError`](crate::error::ParseError)) and runs them against the shell's cluster,
//! printing what the real tool prints.

pub mod acls;
pub mod configs;
pub mod console_consumer;
pub mod console_producer;
pub mod consumer_groups;
pub mod curl;
pub mod delete_records;
pub mod get_offsets;
pub mod leader_election;
pub mod reassign_partitions;
pub mod text;
pub mod topics;
pub mod transactions;

use kplay_core::config::value::java_string_hash;
use kplay_core::TopicPartition;
use regex_lite::Regex;

use crate::error::ParseError;
use crate::format::datetime_text;
use crate::shell::Shell;

/// The class of the admin client's `TimeoutException`.
pub const TIMEOUT_EXCEPTION: &str = "org.apache.kafka.common.errors.TimeoutException";

/// [`Shell::admin_call_timed_out`] as the exception's `toString` prints it (`Class: message`),
/// as a tool prints an `ExecutionException`'s message or cause: `None` when a broker can be
/// reached.
pub fn admin_call_timeout(shell: &mut Shell, call: &str) -> Option<String> {
    shell
        .admin_call_timed_out(call)
        .map(|message| format!("{TIMEOUT_EXCEPTION}: {message}"))
}

/// Puts `items` in the order a `java.util.HashMap` or `HashSet` of their partitions, filled one
/// at a time from the default capacity (`new HashSet<>()`, `Collectors.toMap`, `toSet`: the
/// admin client's futures, the tools' result sets), iterates them in: by bucket of
/// `TopicPartition.hashCode`, spread as `HashMap` spreads it, in a table of 16 buckets doubled
/// while more than three quarters full. Partitions sharing a bucket come in topic and partition
/// order, where Java keeps insertion order.
pub fn hash_map_order<T>(items: &mut [T], partition: impl Fn(&T) -> &TopicPartition) {
    let len = items.len();
    let bucket = |partition: &TopicPartition| {
        let hash = 31i32
            .wrapping_add(partition.partition)
            .wrapping_mul(31)
            .wrapping_add(java_string_hash(&partition.topic));
        java_bucket(hash, len)
    };
    kplay_core::sort::sort_by(items, |a, b| {
        let (a, b) = (partition(a), partition(b));
        (bucket(a), &a.topic, a.partition).cmp(&(bucket(b), &b.topic, b.partition))
    });
}

/// The bucket of a `java.util.HashMap` holding `len` entries, filled one at a time from the
/// default capacity (16 buckets, doubled while more than three quarters full), that an entry
/// whose `hashCode` is `hash` lands in: the hash spread as `HashMap.hash` spreads it.
fn java_bucket(hash: i32, len: usize) -> u32 {
    let mut capacity: u32 = 16;
    while len as u32 > capacity / 4 * 3 {
        capacity *= 2;
    }
    let hash = hash as u32;
    (hash ^ (hash >> 16)) & (capacity - 1)
}

/// Puts distinct `items` in the order a `java.util.HashSet` filled one at a time from the
/// default capacity iterates them: by bucket of `hash`, spread as `HashMap` spreads it, in a
/// table of 16 buckets doubled while more than three quarters full; items sharing a bucket in
/// insertion order. A repeated item keeps its first place.
pub fn java_hash_order<T: PartialEq>(items: Vec<T>, hash: impl Fn(&T) -> i32) -> Vec<T> {
    let mut distinct: Vec<T> = Vec::new();
    for item in items {
        if !distinct.contains(&item) {
            distinct.push(item);
        }
    }
    let len = distinct.len();
    let mut keyed: Vec<(u32, T)> = distinct
        .into_iter()
        .map(|item| (java_bucket(hash(&item), len), item))
        .collect();
    // A stable sort keeps the insertion order within a bucket.
    kplay_core::sort::sort_by(&mut keyed, |a, b| a.0.cmp(&b.0));
    keyed.into_iter().map(|(_, item)| item).collect()
}

/// The partitions named more than once, each once, in the order of a `java.util.HashSet`
/// (`Collectors.toSet()`), as the tools that refuse them print them.
pub fn duplicate_partitions<'a>(partitions: &[&'a TopicPartition]) -> Vec<&'a TopicPartition> {
    let mut duplicates: Vec<&TopicPartition> = partitions
        .iter()
        .enumerate()
        .filter(|(index, partition)| partitions[..*index].contains(partition))
        .map(|(_, partition)| *partition)
        .collect();
    hash_map_order(&mut duplicates, |partition| *partition);
    duplicates.dedup();
    duplicates
}

/// The path that reads standard input: the only "file" the playground has.
pub const STDIN: &str = "/dev/stdin";

/// The text of a tool's JSON file option (`--offset-json-file`, `--path-to-json-file`): the
/// playground has no files, so the option must name [`STDIN`] and the text comes from a
/// here-document or a pipe, as a real shell allows.
pub fn json_from_stdin(
    tool: &str,
    option: &str,
    file: &str,
    stdin: Option<String>,
) -> Result<String, ParseError> {
    if file != STDIN {
        return Err(ParseError::new(
            0,
            file,
            format!("files are not available in the playground: use --{option} {STDIN} and give the JSON on standard input (<<EOF ... EOF, or a pipe from echo)"),
        ));
    }
    stdin.ok_or_else(|| {
        ParseError::new(
            0,
            tool,
            format!("--{option} {STDIN} reads standard input: give the JSON with a here-document (<<EOF ... EOF) or a pipe from echo"),
        )
    })
}

/// `CommandLineUtils.parseKeyValueArgs`: `key=value` (the value may contain `=`; a missing
/// value is empty), in order.
pub fn key_values(args: &[String]) -> Vec<(String, String)> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((key, value)) => (key.to_string(), value.to_string()),
            None => (arg.clone(), String::new()),
        })
        .collect()
}

/// The last value set for `name` in an ordered property list (`Properties.put` semantics).
pub fn property<'a>(props: &'a [(String, String)], name: &str) -> Option<&'a str> {
    props
        .iter()
        .rev()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Sets `name` in an ordered property list, replacing an earlier value.
pub fn set_property(props: &mut Vec<(String, String)>, name: &str, value: &str) {
    props.retain(|(key, _)| key != name);
    props.push((name.to_string(), value.to_string()));
}

/// Kafka's `TopicFilter.IncludeList`: a topic regular expression cleaned as Kafka cleans it
/// (trimmed, commas as `|`, spaces removed, surrounding quotes dropped) and matched against
/// whole topic names (`String.matches`). The error is Kafka's `X is an invalid regex.`.
pub fn include_list(raw: &str) -> Result<Regex, String> {
    let cleaned = raw
        .trim()
        .replace(',', "|")
        .replace(' ', "")
        .trim_matches(|c| c == '"' || c == '\'')
        .to_string();
    Regex::new(&format!("^(?:{cleaned})$")).map_err(|_| format!("{cleaned} is an invalid regex."))
}

/// A log line as Kafka's tools print it on standard error (log4j pattern
/// `[%d] %p %m (%c)%n`), stamped with the simulated wall clock rather than a real one.
pub fn log_line(clock_ms: i64, level: &str, message: &str, logger: &str) -> String {
    let stamp = datetime_text(clock_ms)
        .replace('T', " ")
        .replacen('.', ",", 1);
    format!("[{stamp}] {level} {message} ({logger})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(topic: &str, partition: i32) -> TopicPartition {
        TopicPartition::new(topic, partition)
    }

    #[test]
    fn results_come_in_the_order_of_javas_hash_map() {
        // TopicPartition("t", p).hashCode() is 31 * (31 + p) + "t".hashCode() (116): 1077 for
        // t-0, 1108 for t-1 and 1139 for t-2, so buckets 5, 4 and 3 of 16.
        let mut partitions = vec![tp("t", 0), tp("t", 1), tp("t", 2)];
        hash_map_order(&mut partitions, |partition| partition);
        assert_eq!(partitions, vec![tp("t", 2), tp("t", 1), tp("t", 0)]);
    }

    #[test]
    fn java_hash_sets_iterate_by_bucket_then_insertion() {
        assert_eq!(java_hash_order(vec![3, 1, 2, 1], |id| *id), vec![1, 2, 3]);
        assert_eq!(
            java_hash_order(vec![17, 1, 16, 0], |id| *id),
            vec![16, 0, 17, 1],
            "16 and 0 share bucket 0, 17 and 1 bucket 1"
        );
    }
}
