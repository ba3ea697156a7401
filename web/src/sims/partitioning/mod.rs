//! The "partitioning" live view: one topic, one producer, and how each record finds its partition.
//!
//! State is a [`Lesson`] in one signal; every change goes through one `dispatch` callback that
//! carries out an [`Intent`]. The children read narrow memos and get `dispatch`.

mod controls;
pub mod intent;
pub mod model;
mod topic_log;
pub mod view_model;

use leptos::prelude::*;

use self::controls::{ProducerControls, TopicControls};
use self::intent::{partitioner_value, perform, Intent};
use self::model::{Lesson, DEFAULT_PARTITIONS, DEFAULT_TOPIC};
use self::topic_log::{RoutingPanel, TopicLog};
use self::view_model::{announcement, explain_routing, topic_model};
use crate::session;

/// Where the session is kept in `localStorage`; the suffix is the stored format's version.
pub const STORAGE_KEY: &str = "kplay.partitioning.v4";
/// The partition counts the form accepts (the diagram must stay readable).
pub const MAX_PARTITIONS: i32 = 12;

/// A lesson restored from storage, and a notice if the stored one was unusable.
fn restore() -> (Option<Lesson>, Option<String>) {
    let Some(text) = session::load(STORAGE_KEY) else {
        return (Lesson::start().ok(), None);
    };
    match Lesson::decode(&text) {
        Ok(lesson) => (Some(lesson), None),
        Err(error) => (
            Lesson::start().ok(),
            Some(format!(
                "Your saved session could not be restored ({error}), so a fresh one was started."
            )),
        ),
    }
}

/// The partitioning live view, restored from `localStorage` and saved after every change.
#[component]
pub fn PartitioningSim() -> impl IntoView {
    let (restored, stored_notice) = restore();
    let Some(lesson) = restored else {
        return view! {
            <p class="notice" role="alert">"The simulated cluster could not start."</p>
        }
        .into_any();
    };
    let fresh_text = Lesson::start().ok().map(|fresh| fresh.session.encode());

    let initial_topic = lesson.current_topic().unwrap_or(DEFAULT_TOPIC).to_owned();
    let initial_count = lesson
        .session
        .cluster()
        .partition_count(&initial_topic)
        .unwrap_or(DEFAULT_PARTITIONS);
    let (lesson, set_lesson) = signal(lesson);
    let (notice, set_notice) = signal(stored_notice);
    let (error, set_error) = signal(None::<String>);
    let (announced, set_announced) = signal(String::new());
    let (topic_name, set_topic_name) = signal(initial_topic);
    let (partition_count, set_partition_count) = signal(initial_count.to_string());

    let topic = Memo::new(move |_| lesson.with(topic_model));
    let routing = Memo::new(move |_| lesson.with(|l| l.last_append().map(explain_routing)));
    let partitioner = Memo::new(move |_| lesson.with(|l| partitioner_value(l.partitioner)));
    let newest = Memo::new(move |_| routing.with(|r| r.as_ref().map(|r| (r.partition, r.offset))));

    // The outside world: keep the session in localStorage (the fresh starting point removes it).
    Effect::new(move |_| {
        let text = lesson.with(|l| l.session.encode());
        let is_fresh = fresh_text.as_deref() == Some(text.as_str());
        if let Err(message) = session::save(STORAGE_KEY, (!is_fresh).then_some(text.as_str())) {
            set_notice.set(Some(message));
        }
    });

    let dispatch = Callback::new(move |intent: Intent| {
        let mut next = lesson.get_untracked();
        match perform(intent, &mut next, MAX_PARTITIONS) {
            Ok(events) => {
                set_error.set(None);
                if let Some(text) = announcement(&events, next.last_append()) {
                    set_announced.set(text);
                }
                set_lesson.set(next);
            }
            // Kafka's own words: "INVALID_TOPIC_EXCEPTION: Topic name is invalid: ...". A refused
            // action leaves the lesson as it was.
            Err(message) => set_error.set(Some(message)),
        }
    });

    let reset = move |_| {
        if let Ok(fresh) = Lesson::start() {
            set_lesson.set(fresh);
        }
        set_topic_name.set(DEFAULT_TOPIC.to_owned());
        set_partition_count.set(DEFAULT_PARTITIONS.to_string());
        set_error.set(None);
        set_notice.set(None);
        set_announced.set(format!(
            "Back to the start: topic {DEFAULT_TOPIC} with {DEFAULT_PARTITIONS} empty partitions"
        ));
    };

    view! {
        <section class="sim" data-testid="partitioning-sim" aria-labelledby="partitioning-sim-title">
            <div class="sim-heading">
                <h2 id="partitioning-sim-title">"Live view: partitioning"</h2>
                <button type="button" class="button-quiet" data-testid="reset" on:click=reset>
                    "Reset"
                </button>
            </div>
            {move || {
                notice
                    .get()
                    .map(|text| view! { <p class="notice" role="status" data-testid="notice">{text}</p> })
            }}
            <div class="sim-controls">
                <TopicControls
                    topic_name=topic_name
                    set_topic_name=set_topic_name
                    partition_count=partition_count
                    set_partition_count=set_partition_count
                    max_partitions=MAX_PARTITIONS
                    dispatch=dispatch
                />
                <ProducerControls topic_name=topic_name partitioner=partitioner dispatch=dispatch />
            </div>
            <div class="error" role="alert" data-testid="error">
                {move || error.get()}
            </div>
            <RoutingPanel routing=routing />
            <TopicLog topic=topic newest=newest />
            <p class="visually-hidden" aria-live="polite" data-testid="announcement">
                {move || announced.get()}
            </p>
        </section>
    }
    .into_any()
}
