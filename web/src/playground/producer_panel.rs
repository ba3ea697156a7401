//! The producer panel: a producer's settings (`acks`, `enable.idempotence`, `linger.ms`,
//! `batch.size`, the partitioner), a record to send (topic, key, value), a steady load, and
//! the outcome of every send: its partition and offset, or Kafka's error.
//!
//! A Kafka producer's configs are fixed when it is created, so "Start producer" creates a new
//! one (`producer-2`, ...) and the panel sends from it.
//!
//! What is wrong with what the learner typed is said next to the part of the form it is about
//! (the field marked invalid and described by the message); Kafka's own errors go to the send
//! history and the playground's notice as before.

use kplay_core::Cluster;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::model::{Model, SendState};
use super::Intent;

/// The part of the panel an input problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    /// The record form as a whole (no producer to send from).
    Record,
    Partition,
    LingerMs,
    BatchSize,
    RecordsPerSecond,
}

impl FormField {
    /// The id of the message shown for a problem with this field.
    pub fn message_id(self) -> &'static str {
        match self {
            FormField::Record | FormField::Partition => "producer-record-error",
            FormField::LingerMs | FormField::BatchSize => "producer-settings-error",
            FormField::RecordsPerSecond => "producer-load-error",
        }
    }
}

/// What is wrong with the form, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormProblem {
    pub field: FormField,
    pub message: String,
}

/// The settings form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerForm {
    pub acks: String,
    pub idempotence: bool,
    pub linger_ms: String,
    pub batch_size: String,
    /// `default`, `round-robin` or `ignore-keys`.
    pub partitioner: String,
}

impl Default for ProducerForm {
    fn default() -> Self {
        ProducerForm {
            acks: "all".to_owned(),
            idempotence: true,
            linger_ms: "5".to_owned(),
            batch_size: "16384".to_owned(),
            partitioner: "default".to_owned(),
        }
    }
}

impl ProducerForm {
    /// The producer configs, or what is wrong with the form (nothing is sent then).
    pub fn configs(&self) -> Result<Vec<(String, String)>, FormProblem> {
        let whole = |text: &str, name: &str, field: FormField| -> Result<String, FormProblem> {
            let trimmed = text.trim();
            trimmed
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(|n| n.to_string())
                .ok_or_else(|| FormProblem {
                    field,
                    message: format!(
                        "{name} must be a whole number of 0 or more, not \"{trimmed}\"."
                    ),
                })
        };
        let mut configs = vec![
            ("acks".to_owned(), self.acks.clone()),
            (
                "enable.idempotence".to_owned(),
                self.idempotence.to_string(),
            ),
            (
                "linger.ms".to_owned(),
                whole(&self.linger_ms, "linger.ms", FormField::LingerMs)?,
            ),
            (
                "batch.size".to_owned(),
                whole(&self.batch_size, "batch.size", FormField::BatchSize)?,
            ),
        ];
        match self.partitioner.as_str() {
            "round-robin" => configs.push((
                "partitioner.class".to_owned(),
                kplay_core::config::producer::ROUND_ROBIN_PARTITIONER.to_owned(),
            )),
            "ignore-keys" => {
                configs.push(("partitioner.ignore.keys".to_owned(), "true".to_owned()))
            }
            "per-batch" => configs.push((
                "partitioner.class".to_owned(),
                kplay_core::config::producer::DEFAULT_PARTITIONER.to_owned(),
            )),
            "even" => configs.push((
                "partitioner.adaptive.partitioning.enable".to_owned(),
                "false".to_owned(),
            )),
            _ => {}
        }
        Ok(configs)
    }
}

/// The record form, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordForm {
    pub topic: String,
    pub key: String,
    pub null_key: bool,
    pub value: String,
    /// Empty: let the partitioner choose.
    pub partition: String,
}

impl RecordForm {
    /// The record to send, or what is wrong with the form.
    pub fn record(&self) -> Result<kplay_core::NewRecord, FormProblem> {
        let partition = match self.partition.trim() {
            "" => None,
            text => Some(text.parse::<i32>().map_err(|_| FormProblem {
                field: FormField::Partition,
                message: format!("Partition must be a whole number or empty, not \"{text}\"."),
            })?),
        };
        let key = (!self.null_key).then_some(self.key.as_str());
        let mut record = kplay_core::NewRecord::new(&self.topic, key, Some(&self.value));
        record.partition = partition;
        Ok(record)
    }
}

/// The steady load's rate, or what is wrong with it.
pub fn records_per_second(text: &str) -> Result<i64, FormProblem> {
    match text.trim().parse::<i64>() {
        Ok(rate) if (1..=1000).contains(&rate) => Ok(rate),
        _ => Err(FormProblem {
            field: FormField::RecordsPerSecond,
            message: "Records per second must be a whole number from 1 to 1000.".to_owned(),
        }),
    }
}

/// What the panel shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProducerVm {
    pub topics: Vec<String>,
    /// The producer the panel sends from, if it is running.
    pub producer: Option<String>,
    pub settings: String,
    pub stats: String,
    pub workload: bool,
    pub sends: Vec<SendVm>,
}

/// How many characters of a key or value the send history shows; the rest is in a tooltip.
pub const SHOWN_CHARS: usize = 80;

/// `text`, cut to `max_chars` characters with an ellipsis if it is longer.
pub fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// One send, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendVm {
    pub number: u64,
    /// The record with a long key or value cut short.
    pub record: String,
    /// The whole record, when `record` was cut.
    pub full_record: Option<String>,
    pub outcome: String,
    /// `pending`, `acked` or `failed`.
    pub state: &'static str,
}

/// The producer the panel uses: the newest running one started by the learner or the setup,
/// skipping load generators, console producers and the schema registry's own.
pub fn panel_producer(cluster: &Cluster) -> Option<String> {
    cluster
        .producer_views()
        .into_iter()
        .rev()
        .find(|p| {
            !p.closed
                && !p.workload
                && !p.name.starts_with("console-producer")
                && p.name != kplay_cli::registry::store::PRODUCER
        })
        .map(|p| p.name)
}

/// A name for a new producer: `producer-N` not used yet.
pub fn next_producer_name(cluster: &Cluster) -> String {
    let names: Vec<String> = cluster
        .producer_views()
        .into_iter()
        .map(|p| p.name)
        .collect();
    (1..)
        .map(|n| format!("producer-{n}"))
        .find(|name| !names.contains(name))
        .unwrap_or_else(|| "producer".to_owned())
}

/// The panel's view model.
pub fn producer_vm(model: &Model) -> ProducerVm {
    let cluster = &model.session.shell().cluster;
    // Internal topics (`__consumer_offsets`) and services' own (`_schemas`) are not offered.
    let topics = cluster
        .topic_names()
        .into_iter()
        .filter(|t| !t.starts_with('_'))
        .collect();
    let name = panel_producer(cluster);
    let view = name.as_ref().and_then(|name| {
        cluster
            .producer_views()
            .into_iter()
            .find(|p| &p.name == name)
    });
    let (settings, stats, workload) = match &view {
        Some(p) => (
            format!(
                "{}: acks={}, enable.idempotence={}{}, linger.ms={}, batch.size={}",
                p.name,
                p.acks,
                p.idempotent,
                p.producer_id
                    .map_or_else(String::new, |(id, epoch)| format!(
                        " (producer id {id}, epoch {epoch})"
                    )),
                p.linger_ms,
                p.batch_size
            ),
            format!(
                "{} sent, {} acknowledged, {} failed, {} retries, {} batches queued{}",
                p.stats.records_sent,
                p.stats.records_acknowledged,
                p.stats.records_failed,
                p.stats.retries,
                p.queued_batches,
                p.throttled
                    .iter()
                    .map(|(broker, left_ms)| format!(
                        "; held back by broker {broker} for {} s more (client quota)",
                        kplay_core::decimal::fixed(*left_ms as f64 / 1000.0, 1)
                    ))
                    .collect::<String>()
            ),
            p.workload,
        ),
        None => (
            "No producer is running: start one with the settings below.".to_owned(),
            String::new(),
            false,
        ),
    };
    let sends = model
        .sends
        .iter()
        .map(|send| {
            let describe = |max_chars: usize| {
                let key = send.key.as_ref().map_or("null".to_owned(), |k| {
                    format!("\"{}\"", shorten(k, max_chars))
                });
                let value = shorten(&send.value, max_chars);
                format!("key {key}, value \"{value}\" to {}", send.topic)
            };
            let record = describe(SHOWN_CHARS);
            let full_record = Some(describe(usize::MAX)).filter(|full| *full != record);
            let (outcome, state) = match &send.state {
                SendState::Waiting => (
                    "waiting: send() has not put it in a batch yet".to_owned(),
                    "pending",
                ),
                SendState::InBatch {
                    partition, batch, ..
                } => (
                    format!("in batch {batch} for {partition}, waiting for the leader's answer"),
                    "pending",
                ),
                SendState::Acked {
                    partition,
                    offset: Some(offset),
                } => (
                    format!("acknowledged: {partition} at offset {offset}"),
                    "acked",
                ),
                SendState::Acked {
                    partition,
                    offset: None,
                } => (
                    format!("sent to {partition} with acks=0: no answer, no offset"),
                    "acked",
                ),
                SendState::Failed { error } => (format!("failed: {error}"), "failed"),
            };
            SendVm {
                number: send.number,
                record,
                full_record,
                outcome,
                state,
            }
        })
        .collect();
    ProducerVm {
        topics,
        producer: name,
        settings,
        stats,
        workload,
        sends,
    }
}

/// The options of a `<select>` of names (topics here and in the groups panel, partitions in
/// the log panel): one per name, with the one `selected` names selected.
pub fn topic_options(
    topics: impl Fn() -> Vec<String> + Send + 'static,
    selected: impl Fn() -> String + Send + Sync + Copy + 'static,
) -> AnyView {
    keyed_list(topics, String::clone, move |name| {
        let (value, label) = (name.clone(), name.clone());
        view! { <option value=value prop:selected=move || selected() == name>{label}</option> }
            .into_any()
    })
}

/// The producer panel.
#[component]
pub fn ProducerPanel(
    /// What to show, refreshed a few times a second.
    producer: Memo<ProducerVm>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let (form, set_form) = signal(ProducerForm::default());
    let (record, set_record) = signal(RecordForm::default());
    let (rate, set_rate) = signal("20".to_owned());
    // Default the topic to the first one once topics exist.
    let topic = move || {
        let typed = record.with(|r| r.topic.clone());
        if typed.is_empty() {
            producer.with(|p| p.topics.first().cloned().unwrap_or_default())
        } else {
            typed
        }
    };
    let (problem, set_problem) = signal(None::<FormProblem>);
    let send = move |event: SubmitEvent| {
        event.prevent_default();
        let mut form = record.get_untracked();
        form.topic = topic();
        let outcome = form.record().and_then(|record| {
            let name = producer
                .get_untracked()
                .producer
                .ok_or_else(|| FormProblem {
                    field: FormField::Record,
                    message: "No producer is running: start one first.".to_owned(),
                })?;
            Ok((name, record))
        });
        match outcome {
            Ok((name, record)) => {
                set_problem.set(None);
                dispatch.run(Intent::Send(name, record));
            }
            Err(problem) => set_problem.set(Some(problem)),
        }
    };
    let start = move |_| match form.get_untracked().configs() {
        Ok(configs) => {
            set_problem.set(None);
            dispatch.run(Intent::StartProducer(configs));
        }
        Err(problem) => set_problem.set(Some(problem)),
    };
    let workload = move |_| {
        let running = producer.with_untracked(|p| p.workload);
        if running {
            dispatch.run(Intent::StopWorkload);
        } else {
            match records_per_second(&rate.get_untracked()) {
                Ok(rate) => {
                    set_problem.set(None);
                    dispatch.run(Intent::StartWorkload {
                        topic: topic(),
                        rate,
                    });
                }
                Err(problem) => set_problem.set(Some(problem)),
            }
        }
    };
    // A field is invalid while the shown problem is about it; typing in it again clears it.
    let invalid = move |field: FormField| {
        move || problem.with(|p| p.as_ref().is_some_and(|p| p.field == field))
    };
    let described_by =
        move |field: FormField| move || invalid(field)().then_some(field.message_id());
    let clear = move |field: FormField| {
        if problem.with_untracked(|p| p.as_ref().is_some_and(|p| p.field == field)) {
            set_problem.set(None);
        }
    };
    let message = move |fields: &'static [FormField]| {
        let shown = move || {
            problem.with(|p| {
                p.as_ref()
                    .filter(|p| fields.contains(&p.field))
                    .map(|p| p.message.clone())
            })
        };
        move || {
            shown().map(|text| {
                view! {
                    <p class="error field-error" id=fields[0].message_id() role="alert"
                        data-testid="producer-error">{text}</p>
                }
            })
        }
    };
    let sends = Memo::new(move |_| producer.with(|p| p.sends.clone()));
    view! {
        <section class="panel" data-testid="producer-panel" aria-labelledby="producer-title">
            <h3 id="producer-title">"Producer"</h3>
            <p class="hint" data-testid="producer-settings">{move || producer.with(|p| p.settings.clone())}</p>
            <p class="hint">{move || producer.with(|p| p.stats.clone())}</p>
            <form class="controls" on:submit=send>
                <div class="fields">
                    <label class="field">
                        <span class="field-label">"Topic"</span>
                        <select
                            data-testid="send-topic"
                            on:change:target=move |ev| set_record.update(|r| r.topic = ev.target().value())
                        >
                            {topic_options(move || producer.with(|p| p.topics.clone()), topic)}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"Key"</span>
                        <input
                            type="text"
                            data-testid="send-key"
                            autocomplete="off"
                            spellcheck="false"
                            prop:disabled=move || record.with(|r| r.null_key)
                            prop:value=move || record.with(|r| r.key.clone())
                            on:input:target=move |ev| set_record.update(|r| r.key = ev.target().value())
                        />
                    </label>
                    <label class="field field-check">
                        <input
                            type="checkbox"
                            data-testid="send-null-key"
                            prop:checked=move || record.with(|r| r.null_key)
                            on:change:target=move |ev| set_record.update(|r| r.null_key = ev.target().checked())
                        />
                        <span>"Null key"</span>
                    </label>
                    <label class="field field-wide">
                        <span class="field-label">"Value"</span>
                        <input
                            type="text"
                            data-testid="send-value"
                            autocomplete="off"
                            prop:value=move || record.with(|r| r.value.clone())
                            on:input:target=move |ev| set_record.update(|r| r.value = ev.target().value())
                        />
                    </label>
                    <label class="field field-narrow">
                        <span class="field-label">"Partition"</span>
                        <input
                            type="text"
                            inputmode="numeric"
                            data-testid="send-partition"
                            placeholder="auto"
                            aria-invalid=move || invalid(FormField::Partition)().then_some("true")
                            aria-describedby=described_by(FormField::Partition)
                            prop:value=move || record.with(|r| r.partition.clone())
                            on:input:target=move |ev| {
                                clear(FormField::Partition);
                                set_record.update(|r| r.partition = ev.target().value())
                            }
                        />
                    </label>
                    <button type="submit" class="button-primary field-action" data-testid="send"
                        aria-describedby=described_by(FormField::Record)>
                        "Send"
                    </button>
                </div>
                {message(&[FormField::Record, FormField::Partition])}
            </form>
            <ol class="sends" data-testid="sends" aria-label="Outcome of each send, newest first">
                {keyed_list(
                    move || sends.get(),
                    |s| (s.number, s.state, s.outcome.clone()),
                    move |send| view! {
                        <li class=format!("send send-{}", send.state) data-testid="send-outcome" data-state=send.state>
                            <span
                                class="send-record"
                                class:send-record-cut=send.full_record.is_some()
                                title=send.full_record
                            >
                                {send.record}
                            </span>
                            " → "
                            <span class="send-result">{send.outcome}</span>
                        </li>
                    }
                    .into_any(),
                )}
            </ol>
            <details class="subpanel">
                <summary>"Producer settings (a new producer)"</summary>
                <div class="fields">
                    <label class="field field-narrow">
                        <span class="field-label">"acks"</span>
                        <select
                            data-testid="producer-acks"
                            on:change:target=move |ev| set_form.update(|f| f.acks = ev.target().value())
                        >
                            <option value="all" selected>"all"</option>
                            <option value="1">"1"</option>
                            <option value="0">"0"</option>
                        </select>
                    </label>
                    <label class="field field-check">
                        <input
                            type="checkbox"
                            data-testid="producer-idempotence"
                            prop:checked=move || form.with(|f| f.idempotence)
                            on:change:target=move |ev| set_form.update(|f| f.idempotence = ev.target().checked())
                        />
                        <span>"enable.idempotence"</span>
                    </label>
                    <label class="field field-narrow">
                        <span class="field-label">"linger.ms"</span>
                        <input
                            type="text"
                            inputmode="numeric"
                            aria-invalid=move || invalid(FormField::LingerMs)().then_some("true")
                            aria-describedby=described_by(FormField::LingerMs)
                            prop:value=move || form.with(|f| f.linger_ms.clone())
                            on:input:target=move |ev| {
                                clear(FormField::LingerMs);
                                set_form.update(|f| f.linger_ms = ev.target().value())
                            }
                        />
                    </label>
                    <label class="field field-narrow">
                        <span class="field-label">"batch.size"</span>
                        <input
                            type="text"
                            inputmode="numeric"
                            aria-invalid=move || invalid(FormField::BatchSize)().then_some("true")
                            aria-describedby=described_by(FormField::BatchSize)
                            prop:value=move || form.with(|f| f.batch_size.clone())
                            on:input:target=move |ev| {
                                clear(FormField::BatchSize);
                                set_form.update(|f| f.batch_size = ev.target().value())
                            }
                        />
                    </label>
                    <label class="field">
                        <span class="field-label">"Partitioner"</span>
                        <select on:change:target=move |ev| set_form.update(|f| f.partitioner = ev.target().value())>
                            <option value="default" selected>"built-in (keys hashed, null keys sticky)"</option>
                            <option value="round-robin">"RoundRobinPartitioner"</option>
                            <option value="per-batch">"sticky per batch (Kafka 2.4 to 3.2)"</option>
                            <option value="ignore-keys">"partitioner.ignore.keys=true"</option>
                            <option value="even">"adaptive off: partitioner.adaptive.partitioning.enable=false"</option>
                        </select>
                    </label>
                </div>
                {message(&[FormField::LingerMs, FormField::BatchSize])}
                <button type="button" data-testid="start-producer" on:click=start>
                    "Start producer with these settings"
                </button>
            </details>
            <details class="subpanel">
                <summary>"Steady load"</summary>
                <label class="field field-narrow">
                    <span class="field-label">"Records per second"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        aria-invalid=move || invalid(FormField::RecordsPerSecond)().then_some("true")
                        aria-describedby=described_by(FormField::RecordsPerSecond)
                        prop:value=rate
                        on:input:target=move |ev| {
                            clear(FormField::RecordsPerSecond);
                            set_rate.set(ev.target().value())
                        }
                    />
                </label>
                {message(&[FormField::RecordsPerSecond])}
                <button type="button" data-testid="toggle-workload" on:click=workload>
                    {move || if producer.with(|p| p.workload) { "Stop the load" } else { "Start a steady load" }}
                </button>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_form_becomes_producer_configs() {
        let form = ProducerForm {
            partitioner: "round-robin".to_owned(),
            ..ProducerForm::default()
        };
        let configs = form.configs().expect("valid");
        assert!(configs.contains(&("acks".to_owned(), "all".to_owned())));
        assert!(configs.iter().any(|(k, _)| k == "partitioner.class"));
        let even = ProducerForm {
            partitioner: "even".to_owned(),
            ..ProducerForm::default()
        };
        assert!(even.configs().expect("valid").contains(&(
            "partitioner.adaptive.partitioning.enable".to_owned(),
            "false".to_owned()
        )));
        let bad = ProducerForm {
            linger_ms: "soon".to_owned(),
            ..ProducerForm::default()
        };
        let problem = bad.configs().unwrap_err();
        assert_eq!(problem.field, FormField::LingerMs);
        assert!(problem.message.contains("linger.ms"));
    }

    #[test]
    fn the_rate_of_a_steady_load_is_checked() {
        assert_eq!(records_per_second(" 20 "), Ok(20));
        for bad in ["0", "1001", "fast", ""] {
            assert_eq!(
                records_per_second(bad).unwrap_err().field,
                FormField::RecordsPerSecond
            );
        }
    }

    #[test]
    fn long_keys_and_values_are_cut_short_in_the_history() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "abc…");
        assert_eq!(shorten("ééé<b>", 2), "éé…");
        assert_eq!(
            shorten(&"x".repeat(3000), SHOWN_CHARS).chars().count(),
            SHOWN_CHARS + 1
        );
    }

    #[test]
    fn the_record_form_keeps_html_as_text_and_checks_the_partition() {
        let form = RecordForm {
            topic: "orders".to_owned(),
            key: "<script>".to_owned(),
            value: "<b>".to_owned(),
            ..RecordForm::default()
        };
        let record = form.record().expect("valid");
        assert_eq!(record.key.as_deref(), Some("<script>"));
        let bad = RecordForm {
            partition: "two".to_owned(),
            ..form
        };
        let problem = bad.record().unwrap_err();
        assert_eq!(problem.field, FormField::Partition);
        assert!(problem.message.contains("Partition"));
    }
}
