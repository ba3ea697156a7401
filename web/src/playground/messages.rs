//! Requests in flight between producers, brokers and consumers, drawn as dots moving along the
//! links of a small topology picture (producers above, brokers in the middle, consumers below).
//!
//! Positions come from the core's `messages_in_flight()` (sent and delivery times) and the
//! simulated clock, so pausing freezes them and rewinding puts them back. With
//! `prefers-reduced-motion` the dots are not drawn moving: each sits still halfway along its
//! link.

use kplay_core::decimal::{fixed, push_fixed};
use kplay_core::protocol::MessageView;
use kplay_core::view::cluster::ClusterView;
use kplay_core::{ClientId, Cluster, NodeId};
use leptos::prelude::*;
use std::fmt::Write;

use crate::keyed_list::keyed_list;

/// At most this many messages are drawn (the newest).
pub const MAX_DRAWN: usize = 120;
const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 260.0;
/// Room above the producers and below the consumers for their labels.
const LABEL_ROOM: f64 = 50.0;

/// A node of the topology.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeVm {
    /// Which node it is (the key of its circle, and what messages name as sender and receiver).
    pub node: NodeId,
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub kind: &'static str,
    pub down: bool,
    /// The label's centre: the node's, moved in just enough to keep the label in the picture.
    pub label_x: f64,
    /// Where the label's baseline is, relative to the node.
    pub label_dy: f64,
    /// Whether the row is too crowded for full-size labels side by side: they are drawn
    /// smaller, on two alternating lines.
    pub crowded: bool,
    /// The size of the row's labels on a phone's screen, in picture units (see
    /// [`phone_label_size`]), or `None` when the row has no room for legible ones.
    pub phone_label_size: Option<u32>,
}

/// Label room per character at the labels' size (20 px in a 1000-unit-wide picture).
const LABEL_CHAR_WIDTH: f64 = 11.0;

/// Label room per character in a crowded row's smaller labels (15 px).
const SMALL_LABEL_CHAR_WIDTH: f64 = 8.5;

/// The size of the labels a phone's screen draws, at most: 38 units, so that a picture shrunk to
/// a 360 px screen still shows them at about 12 px (see `.topology-roomy` in the style sheet).
const PHONE_LABEL_SIZE: f64 = 38.0;

/// The smallest label a phone's screen draws: 32 units, about 10 px on a 360 px screen.
const MIN_PHONE_LABEL_SIZE: f64 = 32.0;

/// Label room per character of a phone's labels at [`PHONE_LABEL_SIZE`].
const PHONE_LABEL_CHAR_WIDTH: f64 = 21.0;

/// The size of a row's labels on a phone: the largest up to [`PHONE_LABEL_SIZE`] at which
/// `labels`, spread evenly over the width, leave each other a little room; `None` when even
/// [`MIN_PHONE_LABEL_SIZE`] does not fit (the picture then keeps its width and scrolls).
fn phone_label_size(labels: &[&str]) -> Option<u32> {
    let widest = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let spacing = WIDTH / labels.len().max(1) as f64;
    let per_char = (spacing - 10.0) / widest;
    let size = (per_char / PHONE_LABEL_CHAR_WIDTH * PHONE_LABEL_SIZE)
        .min(PHONE_LABEL_SIZE)
        .floor();
    (size >= MIN_PHONE_LABEL_SIZE).then_some(size as u32)
}

/// The centre of a label at `x`, kept inside the picture.
fn label_x(x: f64, label: &str, crowded: bool) -> f64 {
    let per_char = if crowded {
        SMALL_LABEL_CHAR_WIDTH
    } else {
        LABEL_CHAR_WIDTH
    };
    let half = (label.chars().count() as f64 * per_char / 2.0 + 2.0).min(WIDTH / 2.0);
    // Not `f64::clamp`: its check of the bounds (which hold here) would bring the standard
    // library's float formatting into the WebAssembly for its panic message.
    x.max(half).min(WIDTH - half)
}

/// Whether `labels` spread evenly over the width, each character `per_char` wide, leave each
/// other (and the picture's edges) a little room.
fn fits(labels: &[&str], per_char: f64) -> bool {
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let spacing = WIDTH / labels.len().max(1) as f64;
    widest * per_char + 10.0 <= spacing
}

/// Whether `labels` spread evenly over the width would overlap at full size.
fn crowded(labels: &[&str]) -> bool {
    !fits(labels, LABEL_CHAR_WIDTH)
}

/// The label offset of the `index`th node of a row: above the node for producers, below for
/// consumers; a crowded row alternates between two lines.
fn label_dy(below: bool, crowded: bool, index: usize) -> f64 {
    let second_line = crowded && index % 2 == 1;
    match (below, second_line) {
        (true, false) => 30.0,
        (true, true) => 46.0,
        (false, false) => -18.0,
        (false, true) => -34.0,
    }
}

/// A message dot.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageVm {
    pub id: u64,
    pub api: String,
    pub is_request: bool,
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// 0 at the sender, 1 at the receiver.
    pub progress: f64,
    pub held: bool,
}

impl MessageVm {
    /// Where the dot is.
    pub fn position(&self) -> (f64, f64) {
        let t = self.progress.clamp(0.0, 1.0);
        (
            self.from.0 + (self.to.0 - self.from.0) * t,
            self.from.1 + (self.to.1 - self.from.1) * t,
        )
    }
}

/// The messages in flight, as drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InFlightVm {
    /// The newest [`MAX_DRAWN`] messages between drawn nodes.
    pub messages: Vec<MessageVm>,
    /// How many are in flight in all.
    pub total: usize,
}

/// Lays out the nodes from the cluster and its view: producers on top, brokers in the
/// middle, consumers at the bottom.
pub fn topology_nodes(cluster: &Cluster, view: &ClusterView) -> Vec<NodeVm> {
    // A client a broker holds back for a client quota says so in its label.
    let label = |name: String, throttled: bool| {
        if throttled {
            format!("{name} (throttled)")
        } else {
            name
        }
    };
    let producers: Vec<(ClientId, String)> = cluster
        .producer_views()
        .into_iter()
        .filter(|p| !p.closed)
        .map(|p| (p.id, label(p.name, !p.throttled.is_empty())))
        .collect();
    let consumers: Vec<(ClientId, String)> = cluster
        .consumer_views()
        .into_iter()
        .filter(|c| c.status == "running")
        .map(|c| (c.id, label(c.name, !c.throttled.is_empty())))
        .collect();
    let mut nodes = client_row(producers, "producer", false);
    let broker_labels: Vec<String> = view
        .brokers
        .iter()
        .map(|broker| format!("broker {}", broker.id))
        .collect();
    let phone_label_size =
        phone_label_size(&broker_labels.iter().map(String::as_str).collect::<Vec<_>>());
    for ((index, broker), label) in view.brokers.iter().enumerate().zip(broker_labels) {
        let x = row_x(view.brokers.len(), index);
        nodes.push(NodeVm {
            node: NodeId::Broker(broker.id),
            label,
            x,
            label_x: x,
            y: HEIGHT / 2.0,
            kind: if broker.is_controller {
                "controller"
            } else {
                "broker"
            },
            down: !broker.up,
            label_dy: label_dy(false, false, index),
            crowded: false,
            phone_label_size,
        });
    }
    nodes.extend(client_row(consumers, "consumer", true));
    nodes
}

/// The x of the `index`th of `count` nodes spread evenly over the width.
fn row_x(count: usize, index: usize) -> f64 {
    WIDTH * (index as f64 + 0.5) / count.max(1) as f64
}

/// A row of clients: on top with labels above, or at the bottom with labels `below`.
fn client_row(clients: Vec<(ClientId, String)>, kind: &'static str, below: bool) -> Vec<NodeVm> {
    let labels: Vec<&str> = clients.iter().map(|(_, name)| name.as_str()).collect();
    let crowded = crowded(&labels);
    let phone_label_size = phone_label_size(&labels);
    let count = clients.len();
    clients
        .into_iter()
        .enumerate()
        .map(|(index, (id, label))| {
            let x = row_x(count, index);
            NodeVm {
                node: NodeId::Client(id),
                label_x: label_x(x, &label, crowded),
                label,
                x,
                y: if below {
                    HEIGHT - LABEL_ROOM
                } else {
                    LABEL_ROOM
                },
                kind,
                down: false,
                label_dy: label_dy(below, crowded, index),
                crowded,
                phone_label_size,
            }
        })
        .collect()
}

/// The messages travelling between `nodes` now; `fraction_ms` of a simulated ms past `now`
/// moves the dots smoothly.
pub fn in_flight_vm(cluster: &Cluster, nodes: &[NodeVm], fraction_ms: f64) -> InFlightVm {
    let now = cluster.now_ms() as f64 + fraction_ms;
    let in_flight = cluster.messages_in_flight();
    let total = in_flight.len();
    let skip = in_flight.len().saturating_sub(MAX_DRAWN);
    let find = |node: &NodeId| nodes.iter().find(|n| n.node == *node).map(|n| (n.x, n.y));
    let messages = in_flight
        .iter()
        .skip(skip)
        .filter_map(|message: &MessageView| {
            let from = find(&message.from)?;
            let to = find(&message.to)?;
            let progress = match message.deliver_ms {
                Some(deliver) if deliver > message.sent_ms => {
                    (now - message.sent_ms as f64) / (deliver - message.sent_ms) as f64
                }
                Some(_) => 1.0,
                None => 0.1,
            };
            Some(MessageVm {
                id: message.id,
                api: message.api.clone(),
                is_request: message.is_request,
                from,
                to,
                progress,
                held: message.deliver_ms.is_none(),
            })
        })
        .collect();
    InFlightVm { messages, total }
}

/// The dots of the messages that are requests (or responses), as the data of one SVG path:
/// a small circle per message, at its midpoint when the learner asked for reduced motion.
///
/// One path per kind instead of a circle per message: at high speed every dot moves every
/// frame, and the browser repaints two paths far faster than a hundred circles (on the largest
/// preset the circles alone were most of a frame's paint).
pub fn dots_path(messages: &[MessageVm], requests: bool, reduced_motion: bool) -> String {
    let mut path = String::with_capacity(messages.len() * 40);
    for message in messages.iter().filter(|m| m.is_request == requests) {
        let (x, y) = if reduced_motion {
            (
                (message.from.0 + message.to.0) / 2.0,
                (message.from.1 + message.to.1) / 2.0,
            )
        } else {
            message.position()
        };
        // A circle of radius DOT_RADIUS as two half arcs, starting at its left edge.
        path.push('M');
        push_fixed(&mut path, x - DOT_RADIUS, 1);
        path.push(' ');
        push_fixed(&mut path, y, 1);
        path.push_str(DOT_ARCS);
    }
    path
}

/// The radius of a message dot, in picture units.
const DOT_RADIUS: f64 = 5.0;

/// A dot's two half arcs of radius [`DOT_RADIUS`], from its left edge (SVG path commands).
const DOT_ARCS: &str = "a5 5 0 1 0 10 0a5 5 0 1 0 -10 0";

/// The summary under the picture: how many requests are in flight, and of which kinds.
pub fn in_flight_summary(in_flight: &InFlightVm) -> String {
    let shown = in_flight.messages.len();
    let mut summary = match in_flight.total {
        0 => return "No request in flight.".to_owned(),
        1 => "1 request in flight".to_owned(),
        total => format!("{total} requests in flight"),
    };
    if shown == 0 {
        summary.push('.');
        return summary;
    }
    if in_flight.total > shown {
        let _ = write!(summary, "; the newest {shown} drawn");
    }
    summary.push_str(": ");
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for message in &in_flight.messages {
        match kinds.iter_mut().find(|(api, _)| *api == message.api) {
            Some((_, count)) => *count += 1,
            None => kinds.push((&message.api, 1)),
        }
    }
    kplay_core::sort::sort_by(&mut kinds, |a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (index, (api, count)) in kinds.iter().enumerate() {
        if index > 0 {
            summary.push_str(", ");
        }
        let _ = write!(summary, "{count} {api}");
    }
    summary.push('.');
    summary
}

/// The topology picture with moving messages: requests in one colour, responses in another.
#[component]
pub fn Topology(
    /// Producers, brokers and consumers, refreshed a few times a second.
    nodes: Memo<Vec<NodeVm>>,
    /// The messages in flight, updated every frame.
    in_flight: Memo<InFlightVm>,
    /// The caption counting them: a text to read, so it follows a few times a second rather
    /// than every frame (a changed text costs the page a layout).
    summary: Memo<String>,
    /// True when the learner asked for reduced motion.
    reduced_motion: Signal<bool>,
) -> impl IntoView {
    let dots = move |requests: bool| {
        in_flight.with(|t| dots_path(&t.messages, requests, reduced_motion.get()))
    };
    view! {
        <figure class="topology" class:topology-roomy=move || nodes.with(|nodes| nodes.iter().all(|node| node.phone_label_size.is_some()))>
            <div class="topology-scroll">
            <svg
                viewBox=format!("0 0 {} {}", fixed(WIDTH, 0), fixed(HEIGHT, 0))
                role="img"
                aria-label="Producers, brokers and consumers, with requests travelling between them"
                data-testid="topology"
            >
                {keyed_list(
                    move || nodes.get(),
                    |node| (node.node, node.kind, node.down, node.x.to_bits(), node.label_dy.to_bits(), node.crowded, node.phone_label_size, node.label.clone()),
                    move |node| view! {
                        <g
                            class=format!("node node-{}", node.kind)
                            class:node-down=node.down
                            class:node-crowded=node.crowded
                            style=node.phone_label_size.map(|size| format!("--phone-label-size: {size}px"))
                        >
                            <circle cx=fixed(node.x, 1) cy=fixed(node.y, 1) r="13"></circle>
                            <text x=fixed(node.label_x, 1) y=fixed(node.y + node.label_dy, 1) text-anchor="middle">
                                {node.label.clone()}
                            </text>
                        </g>
                    }
                    .into_any(),
                )}
                <path class="message message-request" data-testid="request-dots" d=move || dots(true)></path>
                <path class="message message-response" data-testid="response-dots" d=move || dots(false)></path>
            </svg>
            </div>
            <p class="hint topology-swipe" aria-hidden="true">"← Too many clients for this screen: swipe the picture sideways. →"</p>
            <figcaption class="hint" data-testid="in-flight-summary">{move || summary.get()}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::{
        crowded, dots_path, in_flight_summary, label_dy, label_x, phone_label_size, topology_nodes,
        InFlightVm, MessageVm, WIDTH,
    };
    use kplay_core::{Cluster, ClusterConfig, Command, ConfigResource, NewRecord};

    /// A producer over its client quota is labelled as held back while a broker throttles
    /// it, and not before.
    #[test]
    fn a_client_held_back_by_a_quota_is_labelled_throttled() {
        let mut cluster = Cluster::new(ClusterConfig::default(), 7).expect("valid");
        let commands = [
            Command::CreateTopic {
                topic: "orders".to_owned(),
                partitions: 1,
                replication_factor: 1,
                configs: Vec::new(),
            },
            Command::AlterConfigs {
                resource: ConfigResource::ClientId(Some("loader".to_owned())),
                set: vec![("producer_byte_rate".to_owned(), "100".to_owned())],
                delete: Vec::new(),
            },
            Command::CreateProducer {
                name: "loader".to_owned(),
                configs: vec![("batch.size".to_owned(), "1024".to_owned())],
            },
        ];
        for command in commands {
            cluster.apply(command).expect("accepted");
        }
        let labels = |cluster: &Cluster| -> Vec<String> {
            topology_nodes(cluster, &cluster.view())
                .into_iter()
                .map(|node| node.label)
                .collect()
        };
        assert!(labels(&cluster).contains(&"loader".to_owned()));
        let value = "v".repeat(200);
        for _ in 0..40 {
            let record = NewRecord::new("orders", None, Some(&value));
            cluster
                .apply(Command::Produce {
                    producer: "loader".to_owned(),
                    record,
                })
                .expect("sent");
        }
        let throttled = (0..300).any(|_| {
            cluster.run_for(10);
            labels(&cluster).contains(&"loader (throttled)".to_owned())
        });
        assert!(throttled);
    }

    fn message(api: &str, is_request: bool, progress: f64) -> MessageVm {
        MessageVm {
            id: 1,
            api: api.to_owned(),
            is_request,
            from: (100.0, 50.0),
            to: (300.0, 130.0),
            progress,
            held: false,
        }
    }

    #[test]
    fn each_kind_of_dot_is_a_circle_where_its_message_is() {
        let messages = [message("Produce", true, 0.5), message("Fetch", false, 0.25)];
        assert_eq!(
            dots_path(&messages, true, false),
            "M195.0 90.0a5 5 0 1 0 10 0a5 5 0 1 0 -10 0"
        );
        assert_eq!(
            dots_path(&messages, false, false),
            "M145.0 70.0a5 5 0 1 0 10 0a5 5 0 1 0 -10 0"
        );
        // Reduced motion: every dot sits still halfway along its link.
        assert_eq!(
            dots_path(&messages, false, true),
            dots_path(&[message("Fetch", false, 0.5)], false, false)
        );
        assert_eq!(dots_path(&[], true, false), "");
    }

    #[test]
    fn the_summary_counts_the_kinds_drawn() {
        let none = InFlightVm::default();
        assert_eq!(in_flight_summary(&none), "No request in flight.");
        let some = InFlightVm {
            messages: vec![
                message("Fetch", true, 0.1),
                message("Produce", true, 0.1),
                message("Fetch", false, 0.1),
            ],
            total: 3,
        };
        assert_eq!(
            in_flight_summary(&some),
            "3 requests in flight: 2 Fetch, 1 Produce."
        );
        let one = InFlightVm {
            messages: vec![message("Heartbeat", true, 0.1)],
            total: 1,
        };
        assert_eq!(in_flight_summary(&one), "1 request in flight: 1 Heartbeat.");
        let undrawn = InFlightVm {
            messages: Vec::new(),
            total: 2,
        };
        assert_eq!(in_flight_summary(&undrawn), "2 requests in flight.");
        let more = InFlightVm { total: 200, ..some };
        assert_eq!(
            in_flight_summary(&more),
            "200 requests in flight; the newest 3 drawn: 2 Fetch, 1 Produce."
        );
    }

    #[test]
    fn a_row_of_many_long_names_is_crowded_and_a_few_are_not() {
        let many: Vec<String> = (0..18).map(|i| format!("analytics-{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(crowded(&many));
        assert!(!crowded(&["consumer-1", "consumer-2", "consumer-3"]));
    }

    #[test]
    fn a_phone_draws_a_row_as_large_as_it_has_room_for_or_scrolls() {
        assert_eq!(
            phone_label_size(&["broker 1", "broker 2", "broker 3"]),
            Some(38)
        );
        let four = ["consumer-1", "consumer-2", "consumer-3", "consumer-4"];
        assert_eq!(phone_label_size(&four), Some(38));
        // Two of a group's members have longer names: a little smaller, still legible.
        let mixed = ["consumer-1", "consumer-2", "orders-app-1", "orders-app-2"];
        assert_eq!(phone_label_size(&mixed), Some(36));
        // Not crowded at full size, but too many for legible labels on a phone.
        let six = [
            "consumer-1",
            "consumer-2",
            "consumer-3",
            "consumer-4",
            "consumer-5",
            "c-6",
        ];
        assert!(!crowded(&six));
        assert_eq!(phone_label_size(&six), None);
        assert_eq!(phone_label_size(&[]), Some(38));
    }

    #[test]
    fn labels_near_an_edge_move_in_to_stay_in_the_picture() {
        let left = label_x(27.0, "analytics-1", true);
        assert!(left > 27.0 && left - 11.0 * 8.5 / 2.0 >= 0.0);
        let right = label_x(WIDTH - 27.0, "audit-6", true);
        assert!(right < WIDTH - 27.0);
        assert_eq!(label_x(500.0, "broker 1", false), 500.0);
    }

    #[test]
    fn crowded_labels_alternate_between_two_lines() {
        assert_eq!(label_dy(true, false, 1), label_dy(true, false, 0));
        assert!(label_dy(true, true, 1) > label_dy(true, true, 0));
        assert!(label_dy(false, true, 1) < label_dy(false, true, 0));
    }
}
