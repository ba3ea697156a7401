//! `kplay replicas TOPIC PARTITION` (each replica's log end offset, high watermark and leader
//! epoch), `kplay trace [N] [--explain]` (the last events) and `kplay status` (the cluster at a
//! glance).

use kplay_core::TopicPartition;

use super::{no_more, usage, Verb};
use crate::error::ParseError;
use crate::format::{datetime_text, pad};
use crate::output::Output;
use crate::shell::Shell;

/// Parses `replicas`, `trace` or `status`.
pub fn parse(verb: &str, args: &[String]) -> Result<Verb, ParseError> {
    match verb {
        "replicas" => {
            no_more(args, 2, verb)?;
            let topic = super::word(args, 0, verb, "a topic")?;
            let partition_text = super::word(args, 1, verb, "a partition")?;
            let partition = partition_text.parse().map_err(|_| {
                usage(
                    partition_text,
                    format!("replicas: expected a partition number, not '{partition_text}'"),
                )
            })?;
            Ok(Verb::Replicas {
                topic: topic.to_string(),
                partition,
            })
        }
        "trace" => {
            let explain = args.iter().any(|a| a == "--explain");
            let rest: Vec<&String> = args.iter().filter(|a| *a != "--explain").collect();
            if let Some(extra) = rest.get(1) {
                return Err(usage(
                    extra,
                    format!("trace: unexpected argument '{extra}'"),
                ));
            }
            let count = match rest.first() {
                Some(text) => text.parse().map_err(|_| {
                    usage(
                        text,
                        format!("trace: expected a number of events, not '{text}'"),
                    )
                })?,
                None => 20,
            };
            Ok(Verb::Trace { count, explain })
        }
        _ => {
            no_more(args, 0, verb)?;
            Ok(Verb::Status)
        }
    }
}

/// Each replica of a partition: role, ISR membership (`ELR` for an eligible leader replica) and
/// its log's offsets.
pub fn replicas(shell: &Shell, topic: &str, partition: i32) -> Output {
    let mut output = Output::new();
    let wanted = TopicPartition::new(topic, partition);
    let view = shell.cluster.view();
    let rows: Vec<[String; 7]> = view
        .brokers
        .iter()
        .flat_map(|broker| {
            broker
                .replicas
                .iter()
                .filter(|r| r.partition == wanted)
                .map(move |replica| {
                    [
                        broker.id.to_string(),
                        if broker.up {
                            replica.role.clone()
                        } else {
                            "stopped".to_string()
                        },
                        // An eligible leader replica (KIP-966) is out of the ISR yet may lead.
                        match (replica.in_sync, replica.eligible) {
                            (true, _) => "yes",
                            (false, true) => "ELR",
                            (false, false) => "no",
                        }
                        .to_string(),
                        replica.log_start_offset.to_string(),
                        replica.log_end_offset.to_string(),
                        replica.high_watermark.to_string(),
                        replica.leader_epoch.to_string(),
                    ]
                })
        })
        .collect();
    if rows.is_empty() {
        output.eprintln(format!(
            "Error: UNKNOWN_TOPIC_OR_PARTITION: There is no partition {wanted}."
        ));
        return output;
    }
    let header = [
        "BROKER",
        "ROLE",
        "IN-ISR",
        "LOG-START-OFFSET",
        "LOG-END-OFFSET",
        "HIGH-WATERMARK",
        "LEADER-EPOCH",
    ];
    let widths = [6, 9, 6, 16, 14, 14, 12];
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| pad(cell, width))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    output.println(line(&header.map(str::to_string)));
    for row in &rows {
        output.println(line(row));
    }
    output
}

/// The last `count` events, as trace lines or sentences.
pub fn trace(shell: &Shell, count: usize, explain: bool) -> Output {
    let mut output = Output::new();
    let events = shell.events();
    for event in events.iter_from(events.len().saturating_sub(count)) {
        if explain {
            output.println(format!("t={}ms {}", event.at_ms, event.describe()));
        } else {
            output.println(event.trace_line());
        }
    }
    output
}

/// Time, controller, brokers, topics, clients and network faults.
pub fn status(shell: &Shell) -> Output {
    let mut output = Output::new();
    let view = shell.cluster.view();
    output.println(format!(
        "time: {}ms (clock {})",
        view.now_ms,
        datetime_text(view.clock_ms)
    ));
    let mode = match view.metadata_mode {
        kplay_core::MetadataMode::Kraft => "KRaft",
        kplay_core::MetadataMode::ZooKeeper => "ZooKeeper",
    };
    let controller = view
        .controller
        .map_or_else(|| "none".to_string(), |c| format!("broker {c}"));
    let frozen = if view.controller.is_none() {
        ": until one is elected, no leader or ISR in the metadata can change"
    } else {
        ""
    };
    output.println(format!(
        "controller: {controller} (epoch {}, {mode}){frozen}",
        view.controller_epoch
    ));
    for broker in &view.brokers {
        let mut notes = vec![broker.status.clone()];
        if broker.fenced {
            notes.push("fenced".to_string());
        }
        if broker.is_controller {
            notes.push("active controller".to_string());
        }
        let leads = broker
            .replicas
            .iter()
            .filter(|r| broker.up && r.role == "leader")
            .count();
        output.println(format!(
            "broker {}: {} ({} replicas, leads {leads})",
            broker.id,
            notes.join(", "),
            broker.replicas.len()
        ));
    }
    for topic in &view.topics {
        let under = topic
            .partitions
            .iter()
            .filter(|p| p.isr.len() < p.replicas.len())
            .count();
        let offline = topic
            .partitions
            .iter()
            .filter(|p| p.leader.is_none())
            .count();
        let led_by_stopped = topic
            .partitions
            .iter()
            .filter(|p| view.leader_stopped(p))
            .count();
        let stopped_leaders = if led_by_stopped == 0 {
            String::new()
        } else {
            format!(", {led_by_stopped} led by a stopped broker")
        };
        output.println(format!(
            "topic {}: {} partition{}, {under} under-replicated, {offline} offline{stopped_leaders}",
            topic.name,
            topic.partitions.len(),
            if topic.partitions.len() == 1 { "" } else { "s" }
        ));
    }
    for producer in shell.cluster.producer_views() {
        let state = if producer.closed { "closed" } else { "open" };
        output.println(format!(
            "producer {}: {state}, acks={}, {} sent, {} acknowledged, {} failed{}",
            producer.name,
            producer.acks,
            producer.stats.records_sent,
            producer.stats.records_acknowledged,
            producer.stats.records_failed,
            throttled_text(&producer.throttled)
        ));
    }
    for consumer in shell.cluster.consumer_views() {
        let group = consumer
            .group
            .as_deref()
            .map_or_else(String::new, |g| format!(", group {g}"));
        let error = consumer
            .last_error
            .as_deref()
            .map_or_else(String::new, |error| format!("; last poll() threw {error}"));
        let pattern = consumer
            .pattern
            .as_ref()
            .map_or_else(String::new, |(pattern, matched)| {
                format!(", pattern '{pattern}' matching [{}]", matched.join(", "))
            });
        output.println(format!(
            "consumer {}: {}{group}{pattern}, {}, {} partitions, {} records delivered{}{error}",
            consumer.name,
            consumer.status,
            consumer.member_state,
            consumer.partitions.len(),
            consumer.records_delivered,
            throttled_text(&consumer.throttled)
        ));
    }
    network(&mut output, &view.network);
    output
}

fn network(output: &mut Output, network: &kplay_core::view::cluster::NetworkView) {
    let mut faults = Vec::new();
    if !network.isolated.is_empty() {
        let list: Vec<String> = network.isolated.iter().map(ToString::to_string).collect();
        faults.push(format!("isolated {}", list.join(",")));
    }
    for (a, b) in &network.cut {
        faults.push(format!("cut {a}-{b}"));
    }
    for broker in &network.held {
        faults.push(format!("fetches of broker {broker} held"));
    }
    for (broker, ms) in &network.delayed {
        faults.push(format!("broker {broker} delayed {ms}ms"));
    }
    let text = if faults.is_empty() {
        "healthy".to_string()
    } else {
        faults.join("; ")
    };
    output.println(format!(
        "network: {text} (latency {}ms)",
        network.latency_ms
    ));
}

/// `, throttled by broker 3 for 2660 ms more` for each broker holding a client back for a
/// client quota.
fn throttled_text(throttled: &[(i32, i64)]) -> String {
    throttled
        .iter()
        .map(|(broker, left_ms)| format!(", throttled by broker {broker} for {left_ms} ms more"))
        .collect()
}
