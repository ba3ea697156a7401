//! The event log: what happened, newest first, in plain language: each line is the core's
//! `Event::describe()`, naming the Kafka mechanism and the config that decided it. By default
//! the frequent bookkeeping (appends, replication, high watermark moves, fetches) is left out.

use kplay_core::{Event, EventKind};
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::model::Model;
use super::Intent;

/// How many lines the log shows.
pub const MAX_LINES: usize = 80;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventLine {
    pub id: u64,
    pub at_ms: i64,
    pub text: String,
    pub alert: bool,
    pub highlighted: bool,
}

/// Events that happen all the time under load; the "all events" switch shows them. A segment
/// roll is not one of them: it comes once per `segment.bytes` or `segment.ms`, and the lessons
/// on segments and retention point at it.
pub fn is_routine(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::BatchAppended { .. }
            | EventKind::BatchesReplicated { .. }
            | EventKind::HighWatermarkAdvanced { .. }
            | EventKind::RecordAccumulated { .. }
            | EventKind::RecordsDelivered { .. }
            | EventKind::ProduceAcknowledged { .. }
            | EventKind::OffsetsCommitted { .. }
    )
}

/// The newest lines, newest first.
pub fn event_lines(model: &Model, all: bool) -> Vec<EventLine> {
    model
        .session
        .shell()
        .events()
        .iter()
        .rev()
        .filter(|event| all || !is_routine(event) || model.highlighted_event == Some(event.id))
        .take(MAX_LINES)
        .map(|event| EventLine {
            id: event.id,
            at_ms: event.at_ms,
            text: event.describe(),
            alert: matches!(event.kind, EventKind::Alert { .. }),
            highlighted: model.highlighted_event == Some(event.id),
        })
        .collect()
}

/// The event log panel.
#[component]
pub fn EventLog(
    /// The lines, refreshed a few times a second.
    lines: Memo<Vec<EventLine>>,
    /// Whether routine events are shown.
    show_all: ReadSignal<bool>,
    /// Switches routine events on and off.
    set_show_all: WriteSignal<bool>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    view! {
        <section class="panel" data-testid="event-log" aria-labelledby="events-title">
            <h3 id="events-title">"Events"</h3>
            <label class="field field-check">
                <input
                    type="checkbox"
                    prop:checked=show_all
                    on:change:target=move |ev| set_show_all.set(ev.target().checked())
                />
                <span>"Show routine events too (appends, replication, high watermark)"</span>
            </label>
            <ol class="events" reversed>
                {keyed_list(
                    move || lines.get(),
                    EventLine::clone,
                    move |line| view! {
                        <li
                            class="event"
                            class:event-alert=line.alert
                            class:event-highlighted=line.highlighted
                            data-testid="event"
                            data-event-id=line.id
                            id=format!("event-{}", line.id)
                        >
                            <button
                                type="button"
                                class="event-time"
                                title="Go back to this moment"
                                aria-label=format!("Go back to {} ms", line.at_ms)
                                on:click=move |_| dispatch.run(Intent::Seek(line.at_ms))
                            >
                                {format!("{} ms", line.at_ms)}
                            </button>
                            " "
                            <span class="event-text">{line.text.clone()}</span>
                        </li>
                    }
                    .into_any(),
                )}
            </ol>
        </section>
    }
}
