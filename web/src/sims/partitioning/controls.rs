//! The forms of the partitioning view: the topic (name, partition count) and the producer.
//!
//! They keep what is typed as text and send an [`Intent`] through `dispatch`; checking and
//! carrying it out is the parent's job. Every input sits inside its `<label>`.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::intent::{partitioner_from_value, Intent, PARTITIONERS};
use super::view_model::partitioner_label;
use kplay_core::PartitionerKind;

/// Topic name, partition count, "Recreate topic" and "Add partitions".
#[component]
pub fn TopicControls(
    /// The topic name as typed; every button of the view works on this topic.
    topic_name: ReadSignal<String>,
    /// Updates the typed topic name.
    set_topic_name: WriteSignal<String>,
    /// The partition count as typed (checked only when a button is pressed).
    partition_count: ReadSignal<String>,
    /// Updates the typed partition count.
    set_partition_count: WriteSignal<String>,
    /// The playground's limit on partitions per topic.
    max_partitions: i32,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let typed = move || (topic_name.get_untracked(), partition_count.get_untracked());
    let recreate = move |_| {
        let (topic, partitions) = typed();
        dispatch.run(Intent::RecreateTopic { topic, partitions });
    };
    let add_partitions = move |_| {
        let (topic, partitions) = typed();
        dispatch.run(Intent::AddPartitions { topic, partitions });
    };

    view! {
        <fieldset class="controls">
            <legend>"Topic"</legend>
            <div class="fields">
                <label class="field">
                    <span class="field-label">"Topic name"</span>
                    <input
                        type="text"
                        data-testid="topic-name"
                        autocomplete="off"
                        autocapitalize="off"
                        spellcheck="false"
                        prop:value=topic_name
                        on:input:target=move |ev| set_topic_name.set(ev.target().value())
                        on:change:target=move |ev| set_topic_name.set(ev.target().value())
                    />
                </label>
                <label class="field field-narrow">
                    <span class="field-label">"Partitions"</span>
                    <input
                        type="number"
                        data-testid="partition-count"
                        min="1"
                        max=max_partitions
                        step="1"
                        inputmode="numeric"
                        prop:value=partition_count
                        on:input:target=move |ev| set_partition_count.set(ev.target().value())
                        on:change:target=move |ev| set_partition_count.set(ev.target().value())
                    />
                </label>
            </div>
            <div class="actions">
                <button type="button" data-testid="recreate-topic" on:click=recreate>
                    "Recreate topic"
                </button>
                <button type="button" data-testid="add-partitions" on:click=add_partitions>
                    "Add partitions"
                </button>
            </div>
            <p class="hint">
                "Recreate empties the topic. Add partitions keeps the records; Kafka never lowers the count."
            </p>
        </fieldset>
    }
}

/// Key, null key, value, partitioner and "Produce". Enter in a text field produces too.
#[component]
pub fn ProducerControls(
    /// The topic to produce to, as typed in the topic form.
    topic_name: ReadSignal<String>,
    /// The `<option value>` of the producer's current partitioner.
    partitioner: Memo<&'static str>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let (key, set_key) = signal(String::new());
    let (null_key, set_null_key) = signal(false);
    let (value, set_value) = signal(String::new());

    let produce = move |event: SubmitEvent| {
        event.prevent_default();
        let key = if null_key.get_untracked() {
            None
        } else {
            Some(key.get_untracked())
        };
        dispatch.run(Intent::Produce {
            topic: topic_name.get_untracked(),
            key,
            value: value.get_untracked(),
        });
    };
    let choose_partitioner = move |value: String| {
        if let Some(kind) = partitioner_from_value(&value) {
            dispatch.run(Intent::SetPartitioner(kind));
        }
    };
    let option = move |kind: PartitionerKind| {
        let value = super::intent::partitioner_value(kind);
        view! {
            <option value=value prop:selected=move || partitioner.get() == value>
                {partitioner_label(kind)}
            </option>
        }
    };

    view! {
        <form class="controls" on:submit=produce>
            <fieldset>
                <legend>"Producer"</legend>
                <div class="fields">
                    <label class="field">
                        <span class="field-label">"Key"</span>
                        <input
                            type="text"
                            data-testid="record-key"
                            placeholder="e.g. alice"
                            autocomplete="off"
                            autocapitalize="off"
                            spellcheck="false"
                            prop:value=key
                            prop:disabled=null_key
                            on:input:target=move |ev| set_key.set(ev.target().value())
                            on:change:target=move |ev| set_key.set(ev.target().value())
                        />
                    </label>
                    <label class="field field-check">
                        <input
                            type="checkbox"
                            data-testid="null-key"
                            prop:checked=null_key
                            on:change:target=move |ev| set_null_key.set(ev.target().checked())
                        />
                        <span>"Null key"</span>
                    </label>
                    <label class="field field-wide">
                        <span class="field-label">"Value"</span>
                        <input
                            type="text"
                            data-testid="record-value"
                            placeholder="e.g. order placed"
                            autocomplete="off"
                            prop:value=value
                            on:input:target=move |ev| set_value.set(ev.target().value())
                            on:change:target=move |ev| set_value.set(ev.target().value())
                        />
                    </label>
                    <label class="field field-partitioner">
                        <span class="field-label">"Partitioner (null keys)"</span>
                        <select
                            data-testid="partitioner"
                            on:change:target=move |ev| choose_partitioner(ev.target().value())
                        >
                            {PARTITIONERS.map(option)}
                        </select>
                    </label>
                    <button type="submit" class="button-primary field-action" data-testid="produce">
                        "Produce"
                    </button>
                </div>
            </fieldset>
        </form>
    }
}
