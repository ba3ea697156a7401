//! The "partitioning" live view: one topic, one producer, and how each record finds its partition.
//!
//! State is a [`Session`] in one signal; every change goes through one `dispatch` callback that
//! turns an [`Intent`] into core commands. The children read narrow memos and get `dispatch`.

mod controls;
pub mod intent;
mod topic_log;
pub mod view_model;

use kplay_core::{ClusterConfig, Command};
use leptos::prelude::*;

use self::controls::{ProducerControls, TopicControls};
use self::intent::{commands_for, partitioner_value, Intent};
use self::topic_log::{RoutingPanel, TopicLog};
use self::view_model::{announcement, explain_routing, topic_model};
use crate::session::{self, Session, DEFAULT_SEED};

/// Where the session is kept in `localStorage`; the suffix is the stored format's version.
pub const STORAGE_KEY: &str = "kplay.partitioning.v1";
/// The topic every fresh session starts with.
pub const DEFAULT_TOPIC: &str = "orders";
/// Its partition count.
pub const DEFAULT_PARTITIONS: i32 = 3;

/// The starting point: an empty `orders` topic with 3 partitions.
pub fn starting_session() -> Session {
    let create = Command::CreateTopic {
        topic: DEFAULT_TOPIC.to_owned(),
        partitions: DEFAULT_PARTITIONS,
        max_message_bytes: None,
    };
    Session::replay(DEFAULT_SEED, vec![create]).expect("the default topic is valid")
}

/// The partitioning live view, restored from `localStorage` and saved after every change.
#[component]
pub fn PartitioningSim() -> impl IntoView {
    let max_partitions = ClusterConfig::default().max_partitions_per_topic;
    let fresh_commands = starting_session().commands().to_vec();
    let loaded = session::load(STORAGE_KEY, starting_session);

    let initial_topic = loaded
        .session
        .current_topic()
        .unwrap_or(DEFAULT_TOPIC)
        .to_owned();
    let initial_count = loaded
        .session
        .cluster()
        .partition_count(&initial_topic)
        .unwrap_or(DEFAULT_PARTITIONS);
    let (session, set_session) = signal(loaded.session);
    let (notice, set_notice) = signal(loaded.notice);
    let (error, set_error) = signal(None::<String>);
    let (announced, set_announced) = signal(String::new());
    let (topic_name, set_topic_name) = signal(initial_topic);
    let (partition_count, set_partition_count) = signal(initial_count.to_string());

    let topic = Memo::new(move |_| session.with(topic_model));
    let routing = Memo::new(move |_| session.with(|s| s.last_append().map(explain_routing)));
    let partitioner = Memo::new(move |_| {
        session.with(|s| partitioner_value(s.cluster().producer_config().partitioner))
    });
    let newest = Memo::new(move |_| routing.with(|r| r.as_ref().map(|r| (r.partition, r.offset))));

    // The outside world: keep the session in localStorage (the fresh starting point removes it).
    Effect::new(move |_| {
        let saved = session.with(|s| {
            let is_fresh = s.seed() == DEFAULT_SEED && s.commands() == fresh_commands.as_slice();
            session::save(STORAGE_KEY, s, is_fresh)
        });
        if let Err(message) = saved {
            set_notice.set(Some(message));
        }
    });

    let dispatch = Callback::new(move |intent: Intent| {
        let planned = session.with_untracked(|s| commands_for(intent, s.cluster(), max_partitions));
        let commands = match planned {
            Ok(commands) => commands,
            Err(message) => return set_error.set(Some(message)),
        };
        let mut outcome = None;
        set_session.maybe_update(|s| {
            let result = s.apply(commands);
            let changed = result.is_ok();
            outcome = Some(result);
            changed
        });
        match outcome {
            Some(Ok(events)) => {
                set_error.set(None);
                if let Some(text) = announcement(&events) {
                    set_announced.set(text);
                }
            }
            // Kafka's own words: "INVALID_TOPIC_EXCEPTION: Topic name is invalid: ...".
            Some(Err(kafka_error)) => set_error.set(Some(kafka_error.to_string())),
            None => {}
        }
    });

    let reset = move |_| {
        set_session.set(starting_session());
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
                    max_partitions=max_partitions
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
}
