//! The topic's partitions drawn as logs, and the routing of the last record.
//!
//! Keys and values are the learner's own text: they are only ever rendered as text nodes.

use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::view_model::{
    topic_heading, PartitionModel, RecordModel, RoutingExplanation, TopicModel,
};

/// How the last record found its partition; a hint until a record is produced.
#[component]
pub fn RoutingPanel(
    /// The explanation of the last record appended, if any.
    routing: Memo<Option<RoutingExplanation>>,
) -> impl IntoView {
    move || match routing.get() {
        Some(explanation) => view! {
            <section
                class="routing"
                data-testid="routing"
                data-partition=explanation.partition
                data-offset=explanation.offset
                aria-label="How the last record was routed"
            >
                <h3 class="routing-title">"How the last record was routed"</h3>
                <p class="routing-steps">
                    <code>{explanation.steps}</code>
                </p>
                <p class="routing-meaning">{explanation.meaning}</p>
            </section>
        }
        .into_any(),
        None => view! {
            <p class="routing routing-empty">
                "Produce a record to see, step by step, how its partition is chosen."
            </p>
        }
        .into_any(),
    }
}

/// The topic's partitions, side by side (stacked on narrow screens).
#[component]
pub fn TopicLog(
    /// The topic on screen.
    topic: Memo<Option<TopicModel>>,
    /// Partition and offset of the record just appended, highlighted.
    newest: Memo<Option<(i32, i64)>>,
) -> impl IntoView {
    let heading = move || topic.with(|topic| topic_heading(topic.as_ref()));
    let partitions =
        move || topic.with(|topic| topic.as_ref().map_or(0, |t| t.partitions.len() as i32));

    view! {
        <section class="topic" aria-label="Partitions of the topic">
            <h3 class="topic-title">{heading}</h3>
            <div class="partitions">
                {keyed_list(
                    move || 0..partitions(),
                    |partition| *partition,
                    move |partition| view! {
                        <PartitionColumn partition=partition topic=topic newest=newest />
                    }
                    .into_any(),
                )}
            </div>
        </section>
    }
}

/// One partition: its records in offset order.
#[component]
fn PartitionColumn(
    /// The partition number.
    partition: i32,
    /// The topic on screen, read for this partition's records only.
    topic: Memo<Option<TopicModel>>,
    /// Partition and offset of the record just appended, highlighted.
    newest: Memo<Option<(i32, i64)>>,
) -> impl IntoView {
    let log = Memo::new(move |_| {
        topic.with(|topic| {
            topic
                .as_ref()
                .and_then(|t| {
                    t.partitions
                        .iter()
                        .find(|p| p.partition == partition)
                        .cloned()
                })
                .unwrap_or(PartitionModel {
                    partition,
                    log_end_offset: 0,
                    records: Vec::new(),
                })
        })
    });
    let records = move || log.with(|log| log.records.clone());
    let is_empty = move || log.with(|log| log.records.is_empty());

    view! {
        <section class="partition" data-testid="partition" data-partition=partition>
            <h4 class="partition-title">
                "Partition " {partition}
                <span class="partition-leo">
                    "log end offset " {move || log.with(|log| log.log_end_offset)}
                </span>
            </h4>
            <Show when=is_empty>
                <p class="partition-empty">"empty"</p>
            </Show>
            <ol class="records">
                {keyed_list(
                    records,
                    |record| record.clone(),
                    move |record| view! {
                        <Record partition=partition record=record newest=newest />
                    }
                    .into_any(),
                )}
            </ol>
        </section>
    }
}

/// One record: offset, key and value, as text.
#[component]
fn Record(
    /// The partition holding the record.
    partition: i32,
    /// The record itself.
    record: RecordModel,
    /// Partition and offset of the record just appended, highlighted.
    newest: Memo<Option<(i32, i64)>>,
) -> impl IntoView {
    let offset = record.offset;
    let is_new = move || newest.get() == Some((partition, offset));
    let key_view = match record.key.clone() {
        Some(key) => view! { <span class="record-key">{key}</span> }.into_any(),
        None => view! { <span class="record-key record-null">"null"</span> }.into_any(),
    };
    let value_view = match record.value {
        Some(value) => view! { <span class="record-value">{value}</span> }.into_any(),
        None => view! { <span class="record-value record-null">"null"</span> }.into_any(),
    };

    view! {
        <li
            class="record"
            class:record-new=is_new
            data-testid="record"
            data-partition=partition
            data-offset=offset
            data-key=record.key
        >
            <span class="record-offset">
                <span class="visually-hidden">"offset "</span>
                {offset}
            </span>
            <span class="visually-hidden">" key "</span>
            {key_view}
            <span class="visually-hidden">" value "</span>
            {value_view}
        </li>
    }
}
