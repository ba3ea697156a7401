//! Alerts: an acknowledged record lost, a record delivered twice, records of one key out of
//! order, shown as they happen with the event that caused them and a way to go back to it.

use kplay_core::AlertKind;
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::model::Model;
use super::Intent;

/// One alert as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertVm {
    pub event_id: u64,
    pub at_ms: i64,
    pub title: &'static str,
    pub detail: String,
    pub cause: Option<(u64, i64, String)>,
}

/// The alert's headline.
pub fn alert_title(kind: &AlertKind) -> &'static str {
    match kind {
        AlertKind::AcknowledgedRecordLost => "Acknowledged record lost",
        AlertKind::DuplicateDelivered => "Duplicate delivered",
        AlertKind::KeyOrderViolated => "Per-key order violated",
    }
}

/// The alerts, newest first.
pub fn alert_vms(model: &Model) -> Vec<AlertVm> {
    model
        .alerts
        .iter()
        .rev()
        .map(|alert| AlertVm {
            event_id: alert.event_id,
            at_ms: alert.at_ms,
            title: alert_title(&alert.kind),
            detail: format!("{}: {}", alert.partition, alert.detail),
            cause: alert.caused_by.map(|id| match &alert.cause {
                Some((at, text)) => (id, *at, text.clone()),
                None => (
                    id,
                    alert.at_ms,
                    format!("event #{id} (no longer in the log)"),
                ),
            }),
        })
        .collect()
}

/// The alerts panel.
#[component]
pub fn AlertsPanel(
    /// The alerts, refreshed a few times a second.
    alerts: Memo<Vec<AlertVm>>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    view! {
        <section class="panel" data-testid="alerts" aria-labelledby="alerts-title">
            <h3 id="alerts-title">
                "Alerts " <span class="badge">{move || alerts.with(Vec::len)}</span>
            </h3>
            <Show when=move || alerts.with(Vec::is_empty)>
                <p class="hint">"No alert: no acknowledged record lost, no duplicate, keys in order."</p>
            </Show>
            <ul class="alerts">
                {keyed_list(
                    move || alerts.get(),
                    |a| a.event_id,
                    move |alert| view! {
                        <li class="alert" data-testid="alert">
                            <strong>{alert.title}</strong>
                            {format!(" at {} ms. ", alert.at_ms)}
                            <span>{alert.detail.clone()}</span>
                            {alert.cause.clone().map(|(id, at, text)| view! {
                                <p class="alert-cause">
                                    "Caused by: " <span>{text}</span> " "
                                    <button type="button" class="button-small"
                                        on:click=move |_| dispatch.run(Intent::ShowEvent { id, at_ms: at })>
                                        {format!("Go back to {at} ms")}
                                    </button>
                                </p>
                            })}
                        </li>
                    }
                    .into_any(),
                )}
            </ul>
        </section>
    }
}
