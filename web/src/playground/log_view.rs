//! The partition log view: one replica's log of the selected partition, segment by segment,
//! with offsets, keys and values, the log start offset, the log end offset and the high
//! watermark drawn as a line (records above it are not committed: consumers cannot read them).

use kplay_core::view::cluster::PartitionView;
use kplay_core::{BrokerId, TopicPartition};
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::model::Model;
use super::producer_panel::topic_options;
use super::Intent;

/// How many of the newest records are drawn.
pub const MAX_RECORDS: usize = 40;

/// The log view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogVm {
    pub partition: TopicPartition,
    pub broker: i32,
    /// The partition's replicas: broker and role, leader first.
    pub replicas: Vec<(i32, String)>,
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    pub high_watermark: i64,
    pub segments: Vec<SegmentVm>,
    pub truncated: bool,
    /// Every partition the panel can show (of the topics not internal to Kafka), for its
    /// picker: a lesson may show the log without the cluster picture to pick a replica in.
    pub choices: Vec<TopicPartition>,
}

/// One segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SegmentVm {
    pub base_offset: i64,
    pub next_offset: i64,
    pub size_in_bytes: i64,
    pub active: bool,
    /// `segment.jitter.ms`'s draw for it: it rolls this much before `segment.ms`.
    pub roll_jitter_ms: Option<i64>,
    pub rows: Vec<LogRow>,
}

/// A row of a segment: a record, or the high watermark line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LogRow {
    Record {
        offset: i64,
        key: Option<String>,
        value: Option<String>,
        committed: bool,
        control: Option<String>,
    },
    HighWatermark(i64),
}

/// The selected partition's log on the chosen broker (its leader by default).
pub fn log_vm(model: &Model) -> Option<LogVm> {
    let cluster = &model.session.shell().cluster;
    let (topic, partition) = match &model.selected_partition {
        Some(partition) => (cluster.topic_view(&partition.topic)?, partition.clone()),
        None => {
            let name = cluster
                .topic_names()
                .into_iter()
                .find(|t| !t.starts_with("__"))?;
            let topic = cluster.topic_view(&name)?;
            let partition = default_partition(&topic.partitions)?;
            (topic, partition)
        }
    };
    let state = topic.partitions.iter().find(|p| p.partition == partition)?;
    let broker = model
        .selected_broker
        .filter(|b| state.replicas.contains(b))
        .or(state.leader)
        .or_else(|| state.replicas.first().copied())?;
    let log = cluster.log_view(broker, &partition, MAX_RECORDS)?;
    let hw = log.high_watermark.0;
    let mut replicas: Vec<(i32, String)> = state
        .replicas
        .iter()
        .map(|b| {
            let role = if Some(*b) == state.leader {
                "leader"
            } else if state.isr.contains(b) {
                "follower, in sync"
            } else if state.elr.as_ref().is_some_and(|elr| elr.contains(b)) {
                "follower, out of sync, eligible leader replica (ELR)"
            } else {
                "follower, out of sync"
            };
            // The metadata keeps a stopped broker's role until the controller fences it.
            let role = if cluster.broker_is_running(*b) {
                role.to_owned()
            } else {
                format!("{role}, stopped")
            };
            (b.0, role)
        })
        .collect();
    kplay_core::sort::sort_by_key(&mut replicas, |(b, _)| {
        (Some(BrokerId(*b)) != state.leader, *b)
    });
    let mut drawn_hw = false;
    let segments = log
        .segments
        .into_iter()
        .map(|segment| {
            let mut rows = Vec::new();
            for record in segment.records {
                if !drawn_hw && record.offset.0 >= hw {
                    rows.push(LogRow::HighWatermark(hw));
                    drawn_hw = true;
                }
                rows.push(LogRow::Record {
                    offset: record.offset.0,
                    key: record.key.map(visible),
                    value: record.value.map(visible),
                    committed: record.offset.0 < hw,
                    control: record.control,
                });
            }
            SegmentVm {
                base_offset: segment.base_offset.0,
                next_offset: segment.next_offset.0,
                size_in_bytes: segment.size_in_bytes,
                active: segment.active,
                roll_jitter_ms: segment.roll_jitter_ms,
                rows,
            }
        })
        .collect::<Vec<_>>();
    let mut segments = segments;
    if !drawn_hw {
        if let Some(last) = segments.last_mut() {
            last.rows.push(LogRow::HighWatermark(hw));
        }
    }
    let choices = partition_choices(cluster, &partition);
    Some(LogVm {
        partition,
        broker: broker.0,
        replicas,
        log_start_offset: log.log_start_offset.0,
        log_end_offset: log.log_end_offset.0,
        high_watermark: hw,
        segments,
        truncated: log.truncated,
        choices,
    })
}

/// The partitions of every topic not internal to Kafka (`__`), and the one shown.
fn partition_choices(cluster: &kplay_core::Cluster, shown: &TopicPartition) -> Vec<TopicPartition> {
    let mut choices = Vec::new();
    for topic in cluster.topic_names() {
        if topic.starts_with("__") && topic != shown.topic {
            continue;
        }
        let count = cluster.partition_count(&topic).unwrap_or(0);
        choices.extend((0..count).map(|p| TopicPartition::new(&topic, p)));
    }
    choices
}

/// The partition the log panel shows until the learner picks one: the first that has ever been
/// written to, else the first. Keys can leave partition 0 empty (murmur2 sends none of the
/// largest preset's 100 keys there), and an empty log would greet the learner.
fn default_partition(partitions: &[PartitionView]) -> Option<TopicPartition> {
    partitions
        .iter()
        .find(|p| p.log_end_offset.0 > 0)
        .or_else(|| partitions.first())
        .map(|p| p.partition.clone())
}

/// The log view panel.
#[component]
pub fn LogPanel(
    /// The log, refreshed a few times a second.
    log: Memo<Option<LogVm>>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let title = move || {
        log.with(|l| match l {
            Some(l) => format!("Log of {} on broker {}", l.partition, l.broker),
            None => "Partition log".to_owned(),
        })
    };
    let facts = move || {
        log.with(|l| {
            l.as_ref()
                .map(|l| {
                    format!(
                        "log start offset {} · high watermark {} · log end offset {} · {} segment(s)",
                        l.log_start_offset,
                        l.high_watermark,
                        l.log_end_offset,
                        l.segments.len()
                    )
                })
                .unwrap_or_else(|| "No topic yet: create one, and its partitions' logs show here.".to_owned())
        })
    };
    let replicas =
        Memo::new(move |_| log.with(|l| l.as_ref().map(|l| (l.broker, l.replicas.clone()))));
    let choices = Memo::new(move |_| log.with(|l| l.as_ref().map(|l| l.choices.clone())));
    let shown = move || {
        log.with(|l| {
            l.as_ref()
                .map(|l| l.partition.to_string())
                .unwrap_or_default()
        })
    };
    let pick = move |name: String| {
        let picked =
            choices.with_untracked(|c| c.iter().flatten().find(|p| p.to_string() == name).cloned());
        if let Some(partition) = picked {
            dispatch.run(Intent::SelectPartition(partition));
        }
    };
    let segments = Memo::new(move |_| {
        log.with(|l| l.as_ref().map(|l| l.segments.clone()).unwrap_or_default())
    });
    let bases = Memo::new(move |_| {
        segments.with(|all| all.iter().map(|s| s.base_offset).collect::<Vec<_>>())
    });
    let kill = move |_| {
        if let Some(partition) = log.with_untracked(|l| l.as_ref().map(|l| l.partition.clone())) {
            dispatch.run(Intent::KillLeader(partition));
        }
    };
    view! {
        <section class="panel" data-testid="log-panel" aria-labelledby="log-title">
            <h3 id="log-title">{title}</h3>
            <p class="hint" data-testid="log-facts">{facts}</p>
            <Show when=move || choices.with(|c| c.as_ref().is_some_and(|c| c.len() > 1))>
                <label class="log-pick">
                    <span class="field-label">"Partition"</span>
                    <select data-testid="log-partition" on:change:target=move |ev| pick(ev.target().value())>
                        {topic_options(
                            move || {
                                choices.with(|c| {
                                    c.iter().flatten().map(ToString::to_string).collect()
                                })
                            },
                            shown,
                        )}
                    </select>
                </label>
            </Show>
            <div class="actions" role="group" aria-label="Replica shown">
                {move || {
                    replicas
                        .get()
                        .map(|(shown, list)| {
                            list.into_iter()
                                .map(|(broker, role)| {
                                    view! {
                                        <button
                                            type="button"
                                            class="button-small"
                                            aria-pressed=(broker == shown).to_string()
                                            on:click=move |_| dispatch.run(Intent::ShowReplica(BrokerId(broker)))
                                        >
                                            {format!("Broker {broker} ({role})")}
                                        </button>
                                    }
                                })
                                .collect_view()
                        })
                }}
                <button type="button" class="button-small button-danger" data-testid="log-kill-leader"
                    disabled=move || log.with(Option::is_none) on:click=kill>
                    "Kill the leader of this partition"
                </button>
            </div>
            {keyed_list(
                move || bases.get(),
                |base| *base,
                move |base| view! {
                    <Segment base_offset=base segments=segments />
                }
                .into_any(),
            )}
        </section>
    }
}

/// One segment, keyed by its base offset: a refresh adds and removes only the records that
/// changed (new offsets, the high watermark line moving, records becoming committed) instead
/// of rebuilding the segment whenever it grew.
#[component]
fn Segment(base_offset: i64, segments: Memo<Vec<SegmentVm>>) -> impl IntoView {
    let segment = Memo::new(move |_| {
        segments.with(|all| all.iter().find(|s| s.base_offset == base_offset).cloned())
    });
    let active = move || segment.with(|s| s.as_ref().is_some_and(|s| s.active));
    let title = move || {
        segment.with(|s| {
            s.as_ref()
                .map(|segment| {
                    let jitter = match segment.roll_jitter_ms {
                        Some(ms) if ms > 0 => format!(", roll jitter {ms} ms"),
                        _ => String::new(),
                    };
                    format!(
                        "{} segment {} (offsets {} to {}, {} bytes{jitter})",
                        if segment.active { "Active" } else { "Closed" },
                        segment.base_offset,
                        segment.base_offset,
                        (segment.next_offset - 1).max(segment.base_offset),
                        segment.size_in_bytes
                    )
                })
                .unwrap_or_default()
        })
    };
    let rows = move || segment.with(|s| s.as_ref().map(|s| s.rows.clone()).unwrap_or_default());
    view! {
        <div class="segment" class:segment-active=active>
            <p class="segment-title">{title}</p>
            <ol class="log-records">
                {keyed_list(
                    rows,
                    |row| row.clone(),
                    move |row| match row {
                        LogRow::HighWatermark(hw) => view! {
                            <li class="hw-line" data-testid="hw-line">
                                {format!("high watermark {hw}: records below are committed and readable")}
                            </li>
                        }
                        .into_any(),
                        LogRow::Record { offset, key, value, committed, control } => {
                            let key = control.map_or_else(|| key.unwrap_or_else(|| "null".to_owned()), |c| format!("[{c} marker]"));
                            let value = value.unwrap_or_else(|| "null".to_owned());
                            // One line a record, cut with an ellipsis; the whole text is the title.
                            view! {
                                <li class="log-record" class:log-record-uncommitted=!committed data-testid="log-record" data-offset=offset>
                                    <span class="record-offset">{offset}</span>
                                    <span class="record-key" title=key.clone()>{key.clone()}</span>
                                    <span class="record-value" title=value.clone()>{value.clone()}</span>
                                </li>
                            }
                            .into_any()
                        }
                    },
                )}
            </ol>
        </div>
    }
}

/// A key or value with its control characters written as `\x00` escapes: the magic byte and
/// schema id at the start of a value serialized for the schema registry would otherwise be
/// invisible.
fn visible(text: String) -> String {
    if !text.chars().any(char::is_control) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c.is_control() {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use kplay_core::ClusterConfig;

    use super::super::session::Session;
    use super::*;

    /// The 5 bytes the Avro console producer puts before the data are drawn as escapes.
    #[test]
    fn control_characters_of_a_value_are_drawn_as_escapes() {
        assert_eq!(
            visible("\0\0\0\0\u{2}{\"id\":1}".to_string()),
            "\\x00\\x00\\x00\\x00\\x02{\"id\":1}"
        );
        assert_eq!(visible("plain é".to_string()), "plain é");
    }

    #[test]
    fn the_log_opens_on_the_first_partition_with_records_until_one_is_picked() {
        let setup = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 1\nkplay producer start p\nkplay time advance 1s\n";
        let mut model =
            Model::new(Session::new(ClusterConfig::default(), 7, setup).expect("valid"));
        let shown = |model: &Model| log_vm(model).expect("a log").partition;
        assert_eq!(shown(&model), TopicPartition::new("orders", 0));
        model.run_line("kplay produce p orders --partition 2 v1");
        let target = model.session.now_ms() + 200;
        model.session.advance(target, &mut || false);
        assert_eq!(shown(&model), TopicPartition::new("orders", 2));
        model.selected_partition = Some(TopicPartition::new("orders", 1));
        assert_eq!(shown(&model), TopicPartition::new("orders", 1));
        // Its picker offers every partition of the topics not internal to Kafka.
        let choices = log_vm(&model).expect("a log").choices;
        assert_eq!(
            choices,
            (0..3)
                .map(|p| TopicPartition::new("orders", p))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_stopped_replica_is_labelled_stopped_until_the_controller_fences_it() {
        let setup = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 1 --replication-factor 3\n";
        let mut model =
            Model::new(Session::new(ClusterConfig::default(), 7, setup).expect("valid"));
        let target = model.session.now_ms() + 1_000;
        model.session.advance(target, &mut || false);
        let leader = log_vm(&model).expect("a log").replicas[0].0;
        model.run_line(&format!("kplay broker stop {leader}"));
        let vm = log_vm(&model).expect("a log");
        assert_eq!(vm.replicas[0], (leader, "leader, stopped".to_owned()));
        assert!(vm.replicas[1..]
            .iter()
            .all(|(_, role)| role == "follower, in sync"));
    }

    #[test]
    fn the_high_watermark_line_sits_above_uncommitted_records() {
        let setup = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 1 --replication-factor 3\nkplay producer start p --producer-property acks=1 --producer-property linger.ms=0\n";
        let mut model =
            Model::new(Session::new(ClusterConfig::default(), 7, setup).expect("valid"));
        model.run_line("kplay network hold 2");
        model.run_line("kplay network hold 3");
        model.run_line("kplay produce p orders --key k v1");
        let target = model.session.now_ms() + 200;
        model.session.advance(target, &mut || false);
        let vm = log_vm(&model).expect("a log");
        assert_eq!(vm.replicas[0].1, "leader");
        let rows = &vm.segments.last().expect("segment").rows;
        assert_eq!(rows.first(), Some(&LogRow::HighWatermark(0)));
        assert!(matches!(
            rows.get(1),
            Some(LogRow::Record {
                committed: false,
                ..
            })
        ));
    }
}
