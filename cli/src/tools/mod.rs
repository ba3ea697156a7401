//! Kafka's command-line tools, one file each, and what they share: `key=value` arguments and
//! the log line format of Kafka's tools.
//!
//! Each tool parses its options into plain arguments (a malformed line is a
//! [`ParseError`](crate::error::ParseError)) and runs them against the shell's cluster,
//! printing what the real tool prints.

pub mod acls;
pub mod configs;
pub mod console_consumer;
pub mod console_producer;
pub mod consumer_groups;
pub mod delete_records;
pub mod get_offsets;
pub mod leader_election;
pub mod text;
pub mod topics;
pub mod transactions;

use regex_lite::Regex;

use crate::format::datetime_text;

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
