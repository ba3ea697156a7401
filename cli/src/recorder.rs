//! The recorder: every core command the UI sends, as one line of this language, so a session
//! can be exported, shared and replayed as text. Kafka's tool syntax where a tool does the same
//! thing (`kafka-topics --create`, `kafka-configs --alter`, `kafka-leader-election`,
//! `kafka-consumer-groups --reset-offsets --execute`), `kplay` verbs otherwise.
//!
//! Replaying the lines gives the same commands in the same order (see the round-trip test),
//! so the same cluster state and trace. Simulated time the UI lets pass is recorded with
//! [`record_advance`].

use kplay_core::kinds::AssignorKind;
use kplay_core::network::NodeId;
use kplay_core::{
    AppCommits, Command, CommitPolicy, ConfigResource, ElectionType, NewRecord, ResetSpec,
    Subscription, TopicPartition,
};

use crate::format::{datetime_text, duration_text, iso_duration_text};
use crate::kplay::clients::commit_mode_name;

const BOOTSTRAP: &str = "--bootstrap-server localhost:9092";

/// The script line that carries out `command`.
pub fn record(command: &Command) -> Option<String> {
    let line = match command {
        Command::CreateTopic { .. }
        | Command::CreateTopicWithAssignment { .. }
        | Command::DeleteTopic { .. }
        | Command::CreatePartitions { .. } => topics_line(command),
        Command::AlterConfigs {
            resource,
            set,
            delete,
        } => configs_line(resource, set, delete),
        Command::ElectLeaders {
            election,
            partitions,
        } => election_line(*election, partitions.as_deref()),
        Command::ResetOffsets {
            group,
            partitions,
            spec,
        } => reset_line(group, partitions, spec),
        // Only the terminal's `kafka-delete-records` sends it, and the terminal records its line
        // as typed. This line, replayed, also waits for the low watermark as the tool does.
        Command::DeleteRecords { partition, offset } => format!(
            "echo {} | kafka-delete-records {BOOTSTRAP} --offset-json-file /dev/stdin",
            quote(&format!(
                r#"{{"partitions":[{{"topic":"{}","partition":{},"offset":{offset}}}],"version":1}}"#,
                partition.topic, partition.partition
            ))
        ),
        Command::DeleteGroup { group } => format!(
            "kafka-consumer-groups {BOOTSTRAP} --delete --group {}",
            quote(group)
        ),
        Command::StopBroker { broker } => format!("kplay broker stop {broker}"),
        Command::ShutdownBroker { broker } => format!("kplay broker shutdown {broker}"),
        Command::StartBroker { broker } => format!("kplay broker start {broker}"),
        Command::IsolateBroker { broker } => format!("kplay network isolate {broker}"),
        Command::RejoinBroker { broker } => format!("kplay network rejoin {broker}"),
        Command::CutLinks { side_a, side_b } => {
            format!("kplay network cut {} {}", nodes(side_a), nodes(side_b))
        }
        Command::RepairLinks { side_a, side_b } => {
            format!("kplay network repair {} {}", nodes(side_a), nodes(side_b))
        }
        Command::DelayBroker { broker, extra_ms } => {
            format!("kplay network delay {broker} {}", duration_text(*extra_ms))
        }
        Command::HoldFetches { broker } => format!("kplay network hold {broker}"),
        Command::ReleaseFetches { broker } => format!("kplay network release {broker}"),
        Command::HealNetwork => "kplay network heal".to_string(),
        _ => client_line(command)?,
    };
    Some(line)
}

/// `kplay time advance D`: simulated time the UI let pass.
pub fn record_advance(duration_ms: i64) -> String {
    format!("kplay time advance {}", duration_text(duration_ms.max(0)))
}

/// Quotes a word for the shell when it needs it (single quotes; `'` as `'\''`).
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:,/=@%+".contains(c));
    if plain && !word.starts_with('#') {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

fn topics_line(command: &Command) -> String {
    match command {
        Command::CreateTopic {
            topic,
            partitions,
            replication_factor,
            configs,
        } => {
            let mut line = format!("kafka-topics {BOOTSTRAP} --create --topic {}", quote(topic));
            if *partitions != -1 {
                line.push_str(&format!(" --partitions {partitions}"));
            }
            if *replication_factor != -1 {
                line.push_str(&format!(" --replication-factor {replication_factor}"));
            }
            for (name, value) in configs {
                line.push_str(&format!(" --config {}", quote(&format!("{name}={value}"))));
            }
            line
        }
        Command::CreateTopicWithAssignment {
            topic,
            assignment,
            configs,
        } => {
            let partitions: Vec<String> = assignment
                .iter()
                .map(|replicas| {
                    let ids: Vec<String> = replicas.iter().map(ToString::to_string).collect();
                    ids.join(":")
                })
                .collect();
            let mut line = format!(
                "kafka-topics {BOOTSTRAP} --create --topic {} --replica-assignment {}",
                quote(topic),
                partitions.join(",")
            );
            for (name, value) in configs {
                line.push_str(&format!(" --config {}", quote(&format!("{name}={value}"))));
            }
            line
        }
        Command::DeleteTopic { topic } => format!(
            "kafka-topics {BOOTSTRAP} --delete --topic {}",
            quote(&literal_regex(topic))
        ),
        Command::CreatePartitions { topic, total_count } => {
            format!(
                "kafka-topics {BOOTSTRAP} --alter --topic {} --partitions {total_count}",
                quote(&literal_regex(topic))
            )
        }
        _ => String::new(),
    }
}

/// `kafka-topics --topic` is a regular expression: escape a name's `.` so it names only itself.
fn literal_regex(topic: &str) -> String {
    topic.replace('.', "\\.")
}

/// `--entity-type users --entity-name alice`, or `--entity-default` for `None`.
fn quota_part(kind: &str, name: &Option<String>) -> String {
    match name {
        Some(name) => format!("--entity-type {kind} --entity-name {}", quote(name)),
        None => format!("--entity-type {kind} --entity-default"),
    }
}

fn configs_line(resource: &ConfigResource, set: &[(String, String)], delete: &[String]) -> String {
    let entity = match resource {
        ConfigResource::Topic(topic) => {
            format!("--entity-type topics --entity-name {}", quote(topic))
        }
        ConfigResource::Broker(broker) => format!("--entity-type brokers --entity-name {broker}"),
        ConfigResource::BrokerDefault => "--entity-type brokers --entity-default".to_string(),
        ConfigResource::ClientId(client) => quota_part("clients", client),
        ConfigResource::User(user) => quota_part("users", user),
        ConfigResource::UserClientId(user, client) => format!(
            "{} {}",
            quota_part("users", user),
            quota_part("clients", client)
        ),
    };
    let mut line = format!("kafka-configs {BOOTSTRAP} --alter {entity}");
    if !set.is_empty() {
        let pairs: Vec<String> = set
            .iter()
            .map(|(name, value)| {
                if value.contains(',') {
                    format!("{name}=[{value}]")
                } else {
                    format!("{name}={value}")
                }
            })
            .collect();
        line.push_str(&format!(" --add-config {}", quote(&pairs.join(","))));
    }
    if !delete.is_empty() {
        line.push_str(&format!(" --delete-config {}", quote(&delete.join(","))));
    }
    line
}

fn election_line(election: ElectionType, partitions: Option<&[TopicPartition]>) -> String {
    let kind = match election {
        ElectionType::Preferred => "preferred",
        ElectionType::Unclean => "unclean",
    };
    match partitions {
        None => format!(
            "kafka-leader-election {BOOTSTRAP} --election-type {kind} --all-topic-partitions"
        ),
        Some([one]) => format!(
            "kafka-leader-election {BOOTSTRAP} --election-type {kind} --topic {} --partition {}",
            quote(&one.topic),
            one.partition
        ),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|p| quote(&format!("{}:{}", p.topic, p.partition)))
                .collect();
            format!("kplay leader-election {kind} {}", items.join(" "))
        }
    }
}

fn reset_line(group: &str, partitions: &[TopicPartition], spec: &ResetSpec) -> String {
    let mut by_topic: Vec<(String, Vec<i32>)> = Vec::new();
    for partition in partitions {
        match by_topic
            .iter_mut()
            .find(|(topic, _)| *topic == partition.topic)
        {
            Some((_, list)) => list.push(partition.partition),
            None => by_topic.push((partition.topic.clone(), vec![partition.partition])),
        }
    }
    let mut topics: Vec<String> = by_topic
        .iter()
        .map(|(topic, list)| {
            let numbers: Vec<String> = list.iter().map(ToString::to_string).collect();
            format!(
                " --topic {}",
                quote(&format!("{topic}:{}", numbers.join(",")))
            )
        })
        .collect();
    if topics.is_empty() {
        // The core reads no partitions as every partition with a committed offset.
        topics.push(" --all-topics".to_string());
    }
    let scenario = match spec {
        ResetSpec::ToEarliest => "--to-earliest".to_string(),
        ResetSpec::ToLatest => "--to-latest".to_string(),
        ResetSpec::ToCurrent => "--to-current".to_string(),
        ResetSpec::ToOffset(offset) => format!("--to-offset {offset}"),
        ResetSpec::ShiftBy(shift) => format!("--shift-by {shift}"),
        ResetSpec::ToDatetime(ms) => format!("--to-datetime {}Z", datetime_text(*ms)),
        ResetSpec::ByDuration(ms) => format!("--by-duration {}", iso_duration_text(*ms)),
    };
    format!(
        "kafka-consumer-groups {BOOTSTRAP} --reset-offsets --group {}{} {scenario} --execute",
        quote(group),
        topics.concat()
    )
}

fn nodes(list: &[NodeId]) -> String {
    let items: Vec<String> = list
        .iter()
        .map(|node| match node {
            NodeId::Broker(broker) => broker.to_string(),
            NodeId::ZooKeeper => "zookeeper".to_string(),
            NodeId::Client(client) => format!("client-{}", client.0),
        })
        .collect();
    items.join(",")
}

fn client_line(command: &Command) -> Option<String> {
    let line = match command {
        Command::CreateProducer { name, configs } => {
            let mut line = format!("kplay producer start {}", quote(name));
            for (key, value) in configs {
                line.push_str(&format!(
                    " --producer-property {}",
                    quote(&format!("{key}={value}"))
                ));
            }
            line
        }
        Command::Produce { producer, record } => produce_line(producer, record),
        Command::Flush { producer } => format!("kplay producer flush {}", quote(producer)),
        Command::CloseProducer { producer } => format!("kplay producer close {}", quote(producer)),
        Command::StartWorkload { producer, workload } => format!(
            "kplay workload start {} --topic {} --rate {} --keys {} --value-bytes {}",
            quote(producer),
            quote(&workload.topic),
            workload.records_per_second,
            workload.distinct_keys,
            workload.value_bytes
        ),
        Command::StopWorkload { producer } => format!("kplay workload stop {}", quote(producer)),
        Command::InitTransactions { producer } => {
            format!("kplay producer init-transactions {}", quote(producer))
        }
        Command::BeginTransaction { producer } => {
            format!("kplay producer begin-transaction {}", quote(producer))
        }
        Command::CommitTransaction { producer } => {
            format!("kplay producer commit-transaction {}", quote(producer))
        }
        Command::AbortTransaction { producer } => {
            format!("kplay producer abort-transaction {}", quote(producer))
        }
        Command::SendOffsetsToTransaction { producer, consumer } => {
            format!(
                "kplay producer send-offsets {} {}",
                quote(producer),
                quote(consumer)
            )
        }
        Command::CreateConsumer {
            name,
            configs,
            subscription,
            policy,
        } => consumer_line(name, configs, subscription, policy),
        Command::Poll { consumer } => format!("kplay consumer poll {}", quote(consumer)),
        Command::Commit { consumer, sync } => {
            let mode = if *sync { "" } else { " --async" };
            format!("kplay consumer commit {}{mode}", quote(consumer))
        }
        Command::Seek {
            consumer,
            partition,
            offset,
        } => format!(
            "kplay consumer seek {} {} {offset}",
            quote(consumer),
            quote(&format!("{}:{}", partition.topic, partition.partition))
        ),
        Command::CloseConsumer { consumer } => format!("kplay consumer stop {}", quote(consumer)),
        Command::CrashConsumer { consumer } => format!("kplay consumer crash {}", quote(consumer)),
        _ => return None,
    };
    Some(line)
}

fn produce_line(producer: &str, record: &NewRecord) -> String {
    let mut line = format!("kplay produce {} {}", quote(producer), quote(&record.topic));
    if let Some(key) = &record.key {
        line.push_str(&format!(" --key {}", quote(key)));
    }
    if let Some(partition) = record.partition {
        line.push_str(&format!(" --partition {partition}"));
    }
    for (key, value) in &record.headers {
        let header = match value {
            Some(value) => format!("{key}={value}"),
            None => key.clone(),
        };
        line.push_str(&format!(" --header {}", quote(&header)));
    }
    if let Some(timestamp) = record.timestamp_ms {
        line.push_str(&format!(" --timestamp {timestamp}"));
    }
    match &record.value {
        Some(value) if value.starts_with('-') => line.push_str(&format!(" -- {}", quote(value))),
        Some(value) => line.push_str(&format!(" {}", quote(value))),
        None => line.push_str(" --null-value"),
    }
    line
}

fn consumer_line(
    name: &str,
    configs: &[(String, String)],
    subscription: &Subscription,
    policy: &CommitPolicy,
) -> String {
    let mut line = format!("kplay consumer start {}", quote(name));
    match subscription {
        Subscription::Topics(topics) => {
            for topic in topics {
                line.push_str(&format!(" --topic {}", quote(topic)));
            }
        }
        Subscription::Partitions(partitions) => {
            for partition in partitions {
                line.push_str(&format!(
                    " --partition {}",
                    quote(&format!("{}:{}", partition.topic, partition.partition))
                ));
            }
        }
        Subscription::Pattern(pattern) => line.push_str(&format!(" --pattern {}", quote(pattern))),
    }
    for (key, value) in configs {
        let assignor = AssignorKind::ALL
            .iter()
            .find(|kind| kind.class_name() == value);
        let option = match (key.as_str(), assignor) {
            ("group.id", _) => format!(" --group {}", quote(value)),
            ("group.instance.id", _) => format!(" --group-instance-id {}", quote(value)),
            ("partition.assignment.strategy", Some(kind)) => {
                format!(" --assignor {}", kind.protocol_name())
            }
            _ => format!(" --consumer-property {}", quote(&format!("{key}={value}"))),
        };
        line.push_str(&option);
    }
    if policy.commits != AppCommits::Never {
        line.push_str(&format!(
            " --app-commits {}",
            commit_mode_name(policy.commits)
        ));
    }
    let defaults = CommitPolicy::default();
    if policy.poll_interval_ms != defaults.poll_interval_ms {
        match policy.poll_interval_ms {
            Some(ms) => line.push_str(&format!(" --poll-interval {}", duration_text(ms))),
            None => line.push_str(" --poll-interval manual"),
        }
    }
    if policy.processing_ms_per_record != defaults.processing_ms_per_record {
        line.push_str(&format!(
            " --processing {}",
            duration_text(policy.processing_ms_per_record)
        ));
    }
    line
}
