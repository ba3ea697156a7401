//! `kplay broker stop|start|shutdown N`, `kplay network isolate|rejoin|cut|repair|delay|hold|
//! release|heal` and `kplay time advance D`: the faults and the clock (Turmoil's verbs).
//!
//! `stop` kills the broker process (`kill -9`); `shutdown` is a controlled shutdown (its
//! leaderships move first); `isolate` cuts a broker off from every node; `cut A,B C` cuts the
//! links between two sets of nodes; `delay N 200ms` slows everything broker N sends; `hold N`
//! holds its replica fetches until `release N`; `heal` ends every network fault.

use kplay_core::network::ClientId;
use kplay_core::{Command, NodeId};

use super::{broker, no_more, usage, word, NodeRef, Verb};
use crate::error::ParseError;
use crate::format::parse_duration_ms;
use crate::output::Output;
use crate::shell::Shell;

/// Parses `broker ...`, `network ...` or `time ...`.
pub fn parse(verb: &str, args: &[String]) -> Result<Verb, ParseError> {
    let action = word(args, 0, verb, "an action")?;
    let scope = format!("{verb} {action}");
    match (verb, action) {
        ("broker", "stop" | "start" | "shutdown") => {
            no_more(args, 2, &scope)?;
            let id = broker(word(args, 1, &scope, "a broker number")?, &scope)?;
            Ok(Verb::Core(match action {
                "stop" => Command::StopBroker { broker: id },
                "start" => Command::StartBroker { broker: id },
                _ => Command::ShutdownBroker { broker: id },
            }))
        }
        ("network", "isolate" | "rejoin" | "hold" | "release") => {
            no_more(args, 2, &scope)?;
            let id = broker(word(args, 1, &scope, "a broker number")?, &scope)?;
            Ok(Verb::Core(match action {
                "isolate" => Command::IsolateBroker { broker: id },
                "rejoin" => Command::RejoinBroker { broker: id },
                "hold" => Command::HoldFetches { broker: id },
                _ => Command::ReleaseFetches { broker: id },
            }))
        }
        ("network", "cut" | "repair") => {
            no_more(args, 3, &scope)?;
            Ok(Verb::Links {
                cut: action == "cut",
                side_a: nodes(
                    word(args, 1, &scope, "the nodes of one side (1,2)")?,
                    &scope,
                )?,
                side_b: nodes(
                    word(args, 2, &scope, "the nodes of the other side (3)")?,
                    &scope,
                )?,
            })
        }
        ("network", "delay") => {
            no_more(args, 3, &scope)?;
            let id = broker(word(args, 1, &scope, "a broker number")?, &scope)?;
            let extra_ms = duration(word(args, 2, &scope, "a delay such as 200ms")?, &scope)?;
            Ok(Verb::Core(Command::DelayBroker {
                broker: id,
                extra_ms,
            }))
        }
        ("network", "heal") => {
            no_more(args, 1, &scope)?;
            Ok(Verb::Core(Command::HealNetwork))
        }
        ("time", "advance") => {
            no_more(args, 2, &scope)?;
            Ok(Verb::Advance(duration(
                word(args, 1, &scope, "a duration such as 30s")?,
                &scope,
            )?))
        }
        _ => Err(usage(
            action,
            format!(
                "{verb}: unknown action '{action}'; expected {}",
                actions(verb)
            ),
        )),
    }
}

fn actions(verb: &str) -> &'static str {
    match verb {
        "broker" => "stop, start or shutdown",
        "network" => "isolate, rejoin, cut, repair, delay, hold, release or heal",
        _ => "advance",
    }
}

/// A duration: `250ms`, `30s`, `5m`, `2h` (a bare number is ms).
pub fn duration(text: &str, scope: &str) -> Result<i64, ParseError> {
    parse_duration_ms(text).ok_or_else(|| {
        usage(
            text,
            format!("{scope}: expected a duration such as 200ms, 30s, 5m or 1h, not '{text}'"),
        )
    })
}

/// `1,2` or `zookeeper` or `client-3,orders-producer`.
fn nodes(text: &str, scope: &str) -> Result<Vec<NodeRef>, ParseError> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(|item| {
            if let Ok(id) = item.parse::<i32>() {
                return Ok(NodeRef::Broker(id));
            }
            if item == "zookeeper" || item == "zk" {
                return Ok(NodeRef::ZooKeeper);
            }
            if let Some(index) = item
                .strip_prefix("client-")
                .and_then(|n| n.parse::<u32>().ok())
            {
                return Ok(NodeRef::ClientIndex(index));
            }
            if item
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            {
                return Ok(NodeRef::ClientName(item.to_string()));
            }
            Err(usage(
                item,
                format!(
                    "{scope}: expected broker numbers, zookeeper or client names, not '{item}'"
                ),
            ))
        })
        .collect()
}

/// Cuts or repairs links, resolving client names.
pub fn links(shell: &mut Shell, cut: bool, side_a: &[NodeRef], side_b: &[NodeRef]) -> Output {
    let resolve = |nodes: &[NodeRef]| -> Result<Vec<NodeId>, String> {
        nodes
            .iter()
            .map(|node| match node {
                NodeRef::Broker(id) => Ok(NodeId::Broker(kplay_core::BrokerId(*id))),
                NodeRef::ZooKeeper => Ok(NodeId::ZooKeeper),
                NodeRef::ClientIndex(index) => Ok(NodeId::Client(ClientId(*index))),
                NodeRef::ClientName(name) => client_id(shell, name)
                    .map(NodeId::Client)
                    .ok_or_else(|| format!("There is no client with client.id '{name}'.")),
            })
            .collect()
    };
    let (side_a, side_b) = match (resolve(side_a), resolve(side_b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(message), _) | (_, Err(message)) => {
            let mut output = Output::new();
            output.eprintln(format!("Error: INVALID_REQUEST: {message}"));
            return output;
        }
    };
    let command = if cut {
        Command::CutLinks { side_a, side_b }
    } else {
        Command::RepairLinks { side_a, side_b }
    };
    super::apply_and_explain(shell, command)
}

fn client_id(shell: &Shell, name: &str) -> Option<ClientId> {
    let producers = shell
        .cluster
        .producer_views()
        .into_iter()
        .map(|v| (v.name, v.id));
    let consumers = shell
        .cluster
        .consumer_views()
        .into_iter()
        .map(|v| (v.name, v.id));
    producers
        .chain(consumers)
        .find(|(candidate, _)| candidate == name)
        .map(|(_, id)| id)
}
