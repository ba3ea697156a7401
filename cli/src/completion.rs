//! Tab completion: the candidates for the word at the cursor. Commands first, then a tool's
//! options, and the values that follow them: topic, group, client and broker names, config
//! names (from the core's config definitions), election types, assignors, commit modes.
//!
//! Simplified: the line is split on blanks (quotes are not interpreted while completing).

use kplay_core::config::{
    BrokerConfig, ConfigKey, ConsumerSettings, ProducerSettings, TopicConfig,
};

use crate::kplay::{clients, VERBS};
use crate::options::Opt;
use crate::parser::{tool_name, COMMANDS};
use crate::shell::Shell;
use crate::tools::{
    acls, configs, console_consumer, console_producer, consumer_groups, curl, delete_records,
    get_offsets, leader_election, reassign_partitions, topics, transactions,
};

/// Candidates for the word that ends at byte `cursor` of `line`, sorted.
pub fn complete(shell: &Shell, line: &str, cursor: usize) -> Vec<String> {
    let before = line.get(..cursor.min(line.len())).unwrap_or(line);
    let mut words: Vec<&str> = before.split_whitespace().collect();
    let partial = if before.ends_with(char::is_whitespace) || before.is_empty() {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let mut candidates = candidates(shell, &words, partial);
    candidates.retain(|candidate| candidate.starts_with(partial));
    kplay_core::sort::sort(&mut candidates);
    candidates.dedup();
    candidates
}

fn candidates(shell: &Shell, words: &[&str], partial: &str) -> Vec<String> {
    let Some(first) = words.first() else {
        return COMMANDS.iter().map(|c| c.to_string()).collect();
    };
    let tool = tool_name(first);
    if tool == "kplay" {
        return kplay_candidates(shell, &words[1..], partial);
    }
    let previous = words.last().copied().unwrap_or_default();
    if let Some(values) = option_values(shell, tool, previous, words) {
        return values;
    }
    if tool == "kafka-transactions" && !partial.starts_with('-') {
        let has_command = words[1..]
            .iter()
            .any(|w| transactions::COMMANDS.contains(w));
        if !has_command {
            return transactions::COMMANDS[..3]
                .iter()
                .map(|c| c.to_string())
                .collect();
        }
    }
    if partial.starts_with('-') || partial.is_empty() {
        return specs_of(tool)
            .iter()
            .map(|spec| format!("--{}", spec.name))
            .collect();
    }
    Vec::new()
}

fn specs_of(tool: &str) -> &'static [Opt] {
    match tool {
        "kafka-topics" => topics::SPECS,
        "kafka-console-producer" | "kafka-avro-console-producer" => console_producer::SPECS,
        "kafka-console-consumer" | "kafka-avro-console-consumer" => console_consumer::SPECS,
        "kafka-consumer-groups" => consumer_groups::SPECS,
        "kafka-configs" => configs::SPECS,
        "kafka-leader-election" => leader_election::SPECS,
        "kafka-reassign-partitions" => reassign_partitions::SPECS,
        "kafka-acls" => acls::SPECS,
        "kafka-get-offsets" => get_offsets::SPECS,
        "kafka-delete-records" => delete_records::SPECS,
        "kafka-transactions" => transactions::SPECS,
        "curl" => curl::SPECS,
        _ => &[],
    }
}

fn names(keys: &[ConfigKey], suffix: &str) -> Vec<String> {
    keys.iter()
        .map(|key| format!("{}{suffix}", key.name))
        .collect()
}

fn option_values(shell: &Shell, tool: &str, previous: &str, words: &[&str]) -> Option<Vec<String>> {
    let option = previous.strip_prefix("--")?;
    let brokers_entity = words
        .iter()
        .any(|w| *w == "brokers" || *w == "--broker" || *w == "--broker-defaults");
    let clients_entity = words
        .iter()
        .any(|w| *w == "clients" || *w == "--client" || *w == "--client-defaults");
    let quotas = kplay_core::quota::client_quota_keys();
    let values = match option {
        "topic" | "topic-partitions" => shell.cluster.topic_names(),
        "group" => group_names(shell),
        "transactional-id" => transactional_ids(shell),
        "config" => names(TopicConfig::keys(), "="),
        "add-config" if brokers_entity => names(BrokerConfig::keys(), "="),
        "add-config" if clients_entity => names(quotas, "="),
        "add-config" => names(TopicConfig::keys(), "="),
        "delete-config" if brokers_entity => names(BrokerConfig::keys(), ""),
        "delete-config" if clients_entity => names(quotas, ""),
        "delete-config" => names(TopicConfig::keys(), ""),
        "producer-property" => names(ProducerSettings::keys(), "="),
        "consumer-property" | "command-property" => names(ConsumerSettings::keys(), "="),
        "property" if tool == "kafka-console-producer" => [
            "parse.key=",
            "key.separator=",
            "parse.headers=",
            "headers.delimiter=",
            "headers.separator=",
            "headers.key.separator=",
            "ignore.error=",
            "null.marker=",
        ]
        .map(str::to_string)
        .to_vec(),
        "property" | "formatter-property" => [
            "print.timestamp=",
            "print.key=",
            "print.offset=",
            "print.partition=",
            "print.headers=",
            "print.value=",
            "key.separator=",
            "line.separator=",
            "headers.separator=",
            "null.literal=",
        ]
        .map(str::to_string)
        .to_vec(),
        "entity-type" => vec![
            "topics".to_string(),
            "brokers".to_string(),
            "clients".to_string(),
        ],
        "entity-name" if brokers_entity => broker_ids(shell),
        "entity-name" => shell.cluster.topic_names(),
        "broker" => broker_ids(shell),
        "election-type" => vec!["preferred".to_string(), "unclean".to_string()],
        "reassignment-json-file"
        | "topics-to-move-json-file"
        | "offset-json-file"
        | "path-to-json-file" => vec![crate::tools::STDIN.to_string()],
        "broker-list" => vec![broker_ids(shell).join(",")],
        "time" => [
            "latest",
            "earliest",
            "max-timestamp",
            "earliest-local",
            "latest-tiered",
            "earliest-pending-upload",
        ]
        .map(str::to_string)
        .to_vec(),
        "isolation-level" => vec!["read_committed".to_string(), "read_uncommitted".to_string()],
        "bootstrap-server" => vec!["localhost:9092".to_string()],
        _ => return None,
    };
    Some(values)
}

fn group_names(shell: &Shell) -> Vec<String> {
    let mut groups: Vec<String> = crate::tools::consumer_groups::data::list_groups(&shell.cluster)
        .into_iter()
        .map(|g| g.group)
        .collect();
    groups.extend(
        shell
            .cluster
            .consumer_views()
            .into_iter()
            .filter_map(|c| c.group),
    );
    groups
}

fn transactional_ids(shell: &Shell) -> Vec<String> {
    let mut ids: Vec<String> = shell
        .cluster
        .transactions()
        .into_iter()
        .map(|t| t.transactional_id)
        .collect();
    ids.extend(
        shell
            .cluster
            .transactional_producer_views()
            .into_iter()
            .map(|p| p.transactional_id),
    );
    ids
}

fn broker_ids(shell: &Shell) -> Vec<String> {
    shell
        .cluster
        .config()
        .broker_ids()
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn client_names(shell: &Shell, producers: bool, consumers: bool) -> Vec<String> {
    let mut names = Vec::new();
    if producers {
        names.extend(shell.cluster.producer_views().into_iter().map(|v| v.name));
    }
    if consumers {
        names.extend(shell.cluster.consumer_views().into_iter().map(|v| v.name));
    }
    names
}

fn kplay_candidates(shell: &Shell, words: &[&str], partial: &str) -> Vec<String> {
    let Some(verb) = words.first() else {
        return VERBS.iter().map(|v| v.to_string()).collect();
    };
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let previous = words.last().copied().unwrap_or_default();
    match (*verb, words.len()) {
        ("broker", 1) => strings(&["stop", "start", "shutdown"]),
        ("network", 1) => strings(&[
            "isolate", "rejoin", "cut", "repair", "delay", "hold", "release", "heal",
        ]),
        ("time", 1) => strings(&["advance"]),
        ("producer", 1) => strings(&[
            "start",
            "close",
            "flush",
            "init-transactions",
            "begin-transaction",
            "commit-transaction",
            "abort-transaction",
            "send-offsets",
        ]),
        ("consumer", 1) => strings(&["start", "stop", "crash", "poll", "commit", "seek"]),
        ("workload", 1) => strings(&["start", "stop"]),
        ("leader-election", 1) => strings(&["preferred", "unclean"]),
        ("broker", 2) | ("network", 2) => broker_ids(shell),
        ("producer", 2) | ("produce", 1) | ("workload", 2) => client_names(shell, true, false),
        ("consumer", 2) => client_names(shell, false, true),
        ("produce", 2) | ("replicas", 1) => shell.cluster.topic_names(),
        _ => match previous {
            "--topic" => shell.cluster.topic_names(),
            "--group" => group_names(shell),
            "--assignor" => strings(&["range", "roundrobin", "sticky", "cooperative-sticky"]),
            "--commit" => strings(&[
                "auto",
                "manual",
                "sync-after",
                "async-after",
                "sync-before",
                "async-before",
            ]),
            "--consumer-property" => names(ConsumerSettings::keys(), "="),
            "--producer-property" => names(ProducerSettings::keys(), "="),
            _ if partial.starts_with('-') => verb_options(verb),
            _ => Vec::new(),
        },
    }
}

fn verb_options(verb: &str) -> Vec<String> {
    let specs: &[Opt] = match verb {
        "producer" => clients::PRODUCER_SPECS,
        "produce" => clients::PRODUCE_SPECS,
        "consumer" => clients::CONSUMER_SPECS,
        "workload" => clients::WORKLOAD_SPECS,
        _ => &[],
    };
    specs
        .iter()
        .map(|spec| format!("--{}", spec.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_core::ClusterConfig;

    #[test]
    fn reassign_partitions_completes_its_options_files_and_brokers() {
        let shell = Shell::with_config(ClusterConfig::default(), 1).expect("cluster");
        let complete = |line: &str| complete(&shell, line, line.len());
        assert_eq!(complete("kafka-reass"), ["kafka-reassign-partitions"]);
        assert_eq!(
            complete("kafka-reassign-partitions --reass"),
            ["--reassignment-json-file"]
        );
        assert_eq!(
            complete("kafka-reassign-partitions --verify --reassignment-json-file "),
            ["/dev/stdin"]
        );
        assert_eq!(
            complete("kafka-reassign-partitions --generate --broker-list "),
            ["1,2,3"]
        );
    }
}
