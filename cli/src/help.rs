//! Help texts: the language, each tool (Kafka's own option descriptions plus what the
//! playground simplifies), each `kplay` verb, and any Kafka config by name (from the core's
//! config definitions: documentation, type, default, valid values).

use kplay_core::config::{
    BrokerConfig, ConfigKey, ConsumerSettings, ProducerSettings, TopicConfig,
};

use crate::kplay::clients;
use crate::options::{Arg, Opt};
use crate::tools::{
    acls, configs, console_consumer, console_producer, consumer_groups, curl, delete_records,
    get_offsets, leader_election, reassign_partitions, topics, transactions,
};

/// The Kafka version the tools print for `--version` and whose behaviour they follow.
pub const KAFKA_VERSION: &str = "4.1.0";

const OVERVIEW: &str = "\
Kafka Playground shell: Kafka's command-line tools against a simulated cluster, plus the
playground's own verbs. One command per line; # starts a comment.

Kafka tools (with or without .sh, with or without a path such as bin/):
  kafka-topics               create, list, describe, alter and delete topics
  kafka-console-producer     send each input line as a record
  kafka-console-consumer     read records and print them
  kafka-consumer-groups      list, describe, reset offsets of and delete consumer groups
  kafka-configs              describe and alter topic and broker configs
  kafka-leader-election      preferred or unclean leader elections
  kafka-reassign-partitions  move partitions to other brokers, follow and cancel the moves
  kafka-acls                 add, list and remove ACLs (who may read and write what)
  kafka-get-offsets          each partition's latest, earliest or by-timestamp offset
  kafka-delete-records       delete a partition's records below an offset
  kafka-transactions         list and describe transactions, describe a partition's producers
The schema registry (Confluent's REST API, Avro schemas):
  curl http://localhost:8081/...   register, look up and check schemas (curl --help)
  kafka-avro-console-producer      send each line as Avro JSON, serialized with a registered schema
  kafka-avro-console-consumer      print each record's data with the schema of its id
Playground verbs:
  kplay broker|network|time|producer|produce|consumer|workload|replicas|trace|status|leader-election
Shell utilities:
  echo, printf (also into a pipe: echo a | kafka-console-producer ...), cat <<EOF (into a pipe),
  sleep N (simulated seconds pass)

Quoting is the shell's: 'single quotes' are literal, \"double quotes\" take \\\" \\\\ \\$ escapes,
a backslash escapes one character and a backslash at the end of a line joins the next line.
Input for kafka-console-producer, kafka-delete-records --offset-json-file /dev/stdin,
kafka-reassign-partitions --reassignment-json-file /dev/stdin and curl --data @- comes from a
here-document (<<EOF ... EOF, <<'EOF', <<-EOF) or a pipe from echo, printf or cat. Not
supported: variables, command substitution, files, ;, && and ||.

Time is simulated: admin tools take none (kafka-delete-records waits for the replicas, and a
partition reassignment completes as time passes), the console producer and consumer run the
simulation until their work is done, kplay time advance and sleep move it explicitly.
--bootstrap-server is accepted with any address and may be left out.

help TOOL, TOOL --help or kplay VERB --help for details; help CONFIG (for example
help retention.ms) for a Kafka config.";

const KPLAY: &str = "\
kplay: the playground's verbs (see kplay VERB --help).

  kplay broker stop|start|shutdown N      kill, start, or shut down (controlled) broker N
  kplay network isolate|rejoin N          cut broker N off from every node, or end it
  kplay network cut|repair A,B C          cut or repair the links between two sets of nodes
                                          (broker numbers, zookeeper, client-N or a client.id)
  kplay network delay N 200ms             delay everything broker N sends (0ms removes it)
  kplay network hold|release N            hold broker N's replica fetches, or release them
  kplay network heal                      end every network fault
  kplay time advance 30s                  let simulated time pass (ms, s, m, h)
  kplay producer start NAME [--producer-property k=v ...]
  kplay producer close|flush NAME
  kplay producer init-transactions|begin-transaction|commit-transaction|abort-transaction NAME
  kplay producer send-offsets NAME CONSUMER
  kplay produce NAME TOPIC [--key K] [--partition P] [--header k=v] [--timestamp MS] VALUE|--null-value
  kplay consumer start NAME --topic T [--group G] [--group-instance-id ID]
        [--assignor range|roundrobin|sticky|cooperative-sticky]
        [--commit auto|manual|sync-after|async-after|sync-before|async-before]
        [--poll-interval 100ms|manual] [--processing 1ms] [--consumer-property k=v ...]
        (or --pattern REGEX to subscribe to every matching topic,
         or --partition T:P to assign instead of subscribing)
  kplay consumer stop|crash|poll NAME     close(), a crash (no commit, no LeaveGroup), one poll()
  kplay consumer commit NAME [--async]    commitSync (or commitAsync) of the consumed positions
  kplay consumer seek NAME T:P OFFSET
  kplay workload start NAME --topic T --rate N [--keys K] [--value-bytes B]
  kplay workload stop NAME
  kplay leader-election preferred|unclean [T:P ...]
  kplay replicas TOPIC PARTITION          each replica's ISR membership (yes, no, or ELR: eligible
                                          to lead), offsets, high watermark and leader epoch
  kplay trace [N] [--explain]             the last N events (default 20), or as sentences
  kplay status                            brokers, topics, clients and network at a glance

A verb acts at the current simulated time and prints one sentence per event it caused;
Kafka's refusals print as Error: CODE: message and the script goes on. Clients are named by
their client.id, unique in the playground. The member id of a group member is assigned by the
coordinator and cannot be chosen; NAME is the client.id.";

/// The help text for `topic` (`None`: the overview).
pub fn help(topic: Option<&str>) -> String {
    let Some(topic) = topic else {
        return format!("{OVERVIEW}\n");
    };
    let name = crate::parser::tool_name(topic.trim());
    let tool = |about: &str, specs: &[Opt], notes: &str| {
        format!(
            "{name}: {about}\n\n{}\nIn the playground:\n{notes}\n",
            options_table(specs)
        )
    };
    match name {
        "kafka-topics" => tool(topics::ABOUT, topics::SPECS, topics::NOTES),
        "kafka-console-producer" => tool(
            console_producer::ABOUT,
            console_producer::SPECS,
            console_producer::NOTES,
        ),
        "kafka-console-consumer" => tool(
            console_consumer::ABOUT,
            console_consumer::SPECS,
            console_consumer::NOTES,
        ),
        "kafka-avro-console-producer" => tool(
            console_producer::ABOUT,
            console_producer::SPECS,
            console_producer::AVRO_NOTES,
        ),
        "kafka-avro-console-consumer" => tool(
            console_consumer::ABOUT,
            console_consumer::SPECS,
            console_consumer::AVRO_NOTES,
        ),
        "kafka-consumer-groups" => tool(
            consumer_groups::ABOUT,
            consumer_groups::SPECS,
            consumer_groups::NOTES,
        ),
        "kafka-configs" => tool(configs::ABOUT, configs::SPECS, configs::NOTES),
        "kafka-leader-election" => tool(
            leader_election::ABOUT,
            leader_election::SPECS,
            leader_election::NOTES,
        ),
        "kafka-reassign-partitions" => tool(
            reassign_partitions::ABOUT,
            reassign_partitions::SPECS,
            reassign_partitions::NOTES,
        ),
        "kafka-acls" => tool(acls::ABOUT, acls::SPECS, acls::NOTES),
        "kafka-get-offsets" => tool(get_offsets::ABOUT, get_offsets::SPECS, get_offsets::NOTES),
        "kafka-delete-records" => tool(
            delete_records::ABOUT,
            delete_records::SPECS,
            delete_records::NOTES,
        ),
        "curl" => tool(curl::ABOUT, curl::SPECS, curl::NOTES),
        "kafka-transactions" => tool(
            transactions::ABOUT,
            transactions::SPECS,
            transactions::NOTES,
        ),
        "kplay" => format!("{KPLAY}\n"),
        "echo" | "printf" | "cat" | "sleep" => format!("{OVERVIEW}\n"),
        _ => verb_or_config(name),
    }
}

fn verb_or_config(topic: &str) -> String {
    let verb = topic.strip_prefix("kplay ").unwrap_or(topic);
    let specs: Option<(&str, &[Opt])> = match verb {
        "producer" => Some(("kplay producer start NAME [--producer-property k=v ...] | close|flush|init-transactions|begin-transaction|commit-transaction|abort-transaction NAME | send-offsets NAME CONSUMER", clients::PRODUCER_SPECS)),
        "produce" => Some(("kplay produce NAME TOPIC [options] VALUE|--null-value", clients::PRODUCE_SPECS)),
        "consumer" => Some(("kplay consumer start NAME --topic T|--pattern REGEX|--partition T:P [options] | stop|crash|poll NAME | commit NAME [--async] | seek NAME T:P OFFSET", clients::CONSUMER_SPECS)),
        "workload" => Some(("kplay workload start NAME --topic T --rate N [--keys K] [--value-bytes B] | stop NAME", clients::WORKLOAD_SPECS)),
        "broker" | "network" | "time" | "replicas" | "trace" | "status" | "leader-election" => Some(("", &[])),
        _ => None,
    };
    if let Some((usage, specs)) = specs {
        if usage.is_empty() {
            return format!("{KPLAY}\n");
        }
        return format!("usage: {usage}\n\n{}", options_table(specs));
    }
    config_help(topic).unwrap_or_else(|| {
        format!(
            "No help for {topic}. Try help, help kafka-topics, help kplay, or help retention.ms.\n"
        )
    })
}

/// A config's documentation from the core's definitions, for every kind that defines it.
pub fn config_help(name: &str) -> Option<String> {
    let kinds: [(&str, &'static [ConfigKey]); 5] = [
        ("topic", TopicConfig::keys()),
        ("broker", BrokerConfig::keys()),
        ("producer", ProducerSettings::keys()),
        ("consumer", ConsumerSettings::keys()),
        ("client quota", kplay_core::quota::client_quota_keys()),
    ];
    let texts: Vec<String> = kinds
        .iter()
        .filter_map(|(kind, keys)| {
            keys.iter()
                .find(|key| key.name == name)
                .map(|key| describe_key(kind, key))
        })
        .collect();
    (!texts.is_empty()).then(|| texts.join("\n"))
}

fn describe_key(kind: &str, key: &ConfigKey) -> String {
    let mut text = format!(
        "{} ({kind} config)\n  {}\n  Type: {}\n  Default: {}\n",
        key.name,
        key.documentation,
        key.config_type.doc_name(),
        key.default_for_docs()
    );
    let valid = key.valid_values();
    if !valid.is_empty() {
        text.push_str(&format!("  Valid Values: {valid}\n"));
    }
    text.push_str(&format!("  Importance: {}\n", key.importance.as_str()));
    if let Some(mode) = key.update_mode {
        text.push_str(&format!("  Update Mode: {}\n", mode.as_str()));
    }
    text
}

/// jopt-simple's `Option / Description` table.
fn options_table(specs: &[Opt]) -> String {
    let mut rows: Vec<(String, &str)> = specs
        .iter()
        .map(|spec| {
            let arg = match spec.arg {
                Arg::None => String::new(),
                Arg::Text => " <String>".to_string(),
                Arg::Int => " <Integer>".to_string(),
                Arg::Long => " <Long>".to_string(),
                Arg::Optional => " [String]".to_string(),
            };
            (format!("--{}{arg}", spec.name), spec.help)
        })
        .collect();
    kplay_core::sort::sort_by(&mut rows, |a, b| a.0.cmp(&b.0));
    let width = rows
        .iter()
        .map(|(option, _)| option.len())
        .max()
        .unwrap_or(6)
        .max(6)
        + 2;
    let mut text = format!(
        "{:<width$}Description\n{:<width$}-----------\n",
        "Option", "------"
    );
    for (option, description) in rows {
        text.push_str(&format!("{option:<width$}{description}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_has_help_with_its_options() {
        for tool in crate::parser::COMMANDS {
            assert!(!help(Some(tool)).is_empty(), "{tool}");
        }
        assert!(help(Some("kafka-topics")).contains("--under-replicated-partitions"));
        assert!(help(Some("bin/kafka-topics.sh")).contains("--partitions"));
        assert!(help(Some("kplay consumer")).contains("--group-instance-id"));
    }

    #[test]
    fn configs_are_documented_from_the_core() {
        let text = help(Some("retention.ms"));
        assert!(text.contains("topic config"));
        assert!(text.contains("Default: 604800000"));
        assert!(help(Some("no.such.config")).starts_with("No help"));
    }
}
