//! The playground: a live simulated cluster with panels around it, configured by a lesson or
//! by a sandbox preset ([`PlaygroundSpec`]).
//!
//! The state is a plain [`Model`] (a [`Session`] replayable from its script, plus what is
//! derived from events) held outside the reactive graph. Requests go through one `dispatch`
//! callback ([`intent::update`]); after each change counters move: `tick` every frame (the
//! clock, messages in flight) and, a few times a second while playing (in turns, so no frame
//! redraws them all) and after every action, `slow_tick` with `cards_turn` (the broker cards,
//! a part per turn, and the topology's nodes), `table_tick` (the partition table),
//! `groups_tick` (consumer groups), `log_tick` (the partition log) and `panels_tick`
//! (producer, events, alerts, terminal); `action_tick` after every action only (the selected
//! partition). Narrow memos compute each panel's view model from the model, and the broker
//! cards keep two signals each, their roles and their offsets ([`keyed`]), so only what
//! changed reaches the DOM. Time runs in an animation-frame loop that exists only while
//! playing; the simulation's share of each frame is what the drawing leaves of a frame's
//! target ([`clock::FrameBudget`]).
//!
//! Where things are: [`session`] (the timeline), [`model`] and [`intent`] (state and updates),
//! [`clock`] and [`timeline`] (time), [`cluster_view`], [`messages`], [`log_view`],
//! [`producer_panel`], [`groups_panel`], [`failures`], [`alerts`], [`event_log`], [`terminal`]
//! (panels), [`share`] and [`storage`] (saving and sharing), [`keyboard`], [`presets`],
//! [`cluster_options`].

pub mod alerts;
pub mod clock;
pub mod cluster_options;
pub mod cluster_view;
pub mod event_log;
pub mod failures;
pub mod groups_panel;
pub mod intent;
pub mod keyboard;
pub mod keyed;
pub mod log_view;
pub mod messages;
pub mod model;
pub mod presets;
pub mod producer_panel;
pub mod session;
pub mod share;
pub mod storage;
pub mod terminal;
pub mod timeline;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use intent::Intent;
pub use presets::{Panels, PlaygroundSpec};

use self::alerts::{alert_vms, AlertsPanel};
use self::clock::{now_ms, FrameBudget, FrameLoop, FrameTimes, Pacer, DEFAULT_SPEED};
use self::cluster_view::{
    acl_rows, cluster_vm_turn, partition_rows, AclTable, CardsTurn, ClusterPicture, PartitionTable,
    CARD_PARTS,
};
use self::event_log::{event_lines, EventLog};
use self::groups_panel::{groups_vm, GroupsPanel};
use self::intent::{update, Effect};
use self::keyboard::{focus_of, shortcut, Shortcut, HELP};
use self::log_view::{log_vm, LogPanel};
use self::messages::{in_flight_summary, in_flight_vm, topology_nodes, Topology};
use self::model::Model;
use self::producer_panel::{producer_vm, ProducerPanel};
use self::session::Session;
use self::storage::SharePanel;
use self::terminal::Terminal;
use self::timeline::{action_marks, clock_vm, TimeControls};

/// The heavy panels are refreshed while playing in [`SLOW_TURNS`] turns, one turn at a time,
/// so that no frame redraws them all, and a turn comes at least this many wall ms divided by
/// [`SLOW_TURNS`] after the last. At 60 frames a second that is every other frame (a turn is
/// due 19 ms after the end of the last one's callback, which ends 2 to 8 ms into its frame), so
/// a round of turns takes about 0.43 s.
const SLOW_REFRESH_MS: f64 = 250.0;
/// The slow refresh turns: the broker cards in [`CARD_PARTS`] parts (with the topology's
/// nodes), then the partition table, the consumer groups, the partition log, and the other
/// panels (producer, events, alerts, terminal). On the largest preset, a frame that redrew all
/// nine broker cards took about 30 ms more than a frame that redrew nothing (headless Chromium,
/// 2 cores); a log whose 40 newest records all move on had the p95 frame at 8.3 to 9.3 ms
/// while it shared a turn with the other panels (its rows then two lines tall), against 7.4 to
/// 7.9 with an empty log.
const SLOW_TURNS: usize = CARD_PARTS + 4;
/// The consumer groups' turn: after the cards' and the partition table's (the order of
/// `panel_turns` in [`Playground`]).
const GROUPS_PHASE: usize = CARD_PARTS + 1;
/// The partition log's turn, after the groups'.
const LOG_PHASE: usize = CARD_PARTS + 2;
/// While the simulation falls behind the clock (its share of a frame runs out first: full speed
/// on a large cluster), the consumer groups and the partition log are redrawn on one round of
/// turns in this many, every 3.4 s at 60 frames a second; while it keeps up, on every round.
/// Theirs are the costliest turns, and redrawn on every other round at full speed they alone
/// were more than the 5 % of frames over 8 ms that the target allows (largest preset, headless
/// Chromium, 2 cores); on one round in four, every log frame and half the groups' frames were
/// still over 8 ms, about 13 of the 45 a 15 s run may have. The groups' turn rewrites three
/// offsets tables of 48 rows whose log end offsets and lags all change on every refresh: 4 to
/// 7 ms of effects. The log's 40 newest records all move on between two refreshes at full
/// speed (the rows removed and as many added): 3 to 4 ms of effects and as much of style and
/// layout, 13 to 19 ms in all; reusing the items and changing only their text measured the
/// same, and so did containing the rows' layout and paint, so the rows stay keyed. Nobody reads
/// records going by that fast; at a speed the simulation keeps up with, the frames have time
/// to spare for them, and after an action everything is redrawn at once.
const SLOW_PANEL_ROUNDS: usize = 8;

/// The phase of a round of slow turns that turn number `cycle` (counted over
/// [`SLOW_PANEL_ROUNDS`] rounds) redraws, if it redraws anything: while the simulation is
/// `behind` the clock, the consumer groups' and the partition log's phases redraw on the first
/// round only.
fn redrawn_phase(cycle: usize, behind: bool) -> Option<usize> {
    let phase = cycle % SLOW_TURNS;
    (!behind || ![GROUPS_PHASE, LOG_PHASE].contains(&phase) || cycle < SLOW_TURNS).then_some(phase)
}
/// The wall ms a frame (or the event that started it) gives an unfinished seek: the page stays
/// responsive while a scrub through a long session replays, and only the clock redraws meanwhile.
const SEEK_SLICE_MS: f64 = 12.0;
/// The same for a session replaying the actions it was opened with (a link, a reload, a new
/// seed): nobody is dragging anything, so longer slices finish sooner and the page still
/// answers a click within one.
const REPLAY_SLICE_MS: f64 = 40.0;

/// Gives an unfinished seek a slice of [`SEEK_SLICE_MS`] (or [`REPLAY_SLICE_MS`]); true when
/// no seek is left.
fn go_on_seeking(model: StoredValue<Model, LocalStorage>) -> bool {
    let started = now_ms();
    model
        .try_update_value(|m| {
            let slice = if m.session.is_replaying() {
                REPLAY_SLICE_MS
            } else {
                SEEK_SLICE_MS
            };
            m.go_on_seeking(&mut || now_ms() - started > slice)
        })
        .unwrap_or(true)
}

/// The kinds of frame the [`FrameBudget`] tells apart, by what they redraw besides the clock
/// and the requests in flight: their drawing costs differ, so does their simulation's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Plain,
    BrokerCard,
    PartitionTable,
    ConsumerGroups,
    PartitionLog,
    OtherPanels,
    /// A save to local storage or a screen reader announcement.
    SaveOrNarrate,
}

impl FrameKind {
    const COUNT: usize = 7;
}

/// Wall ms between two saves while playing.
const SAVE_EVERY_MS: f64 = 2_000.0;
/// Wall ms between two screen reader announcements while playing.
const NARRATE_EVERY_MS: f64 = 4_000.0;

/// The live playground.
#[component]
pub fn Playground(
    /// The cluster, seed, setup and panels to start from.
    spec: PlaygroundSpec,
    /// Receives the playground's dispatch, for controls outside it (a lesson's "Run in the
    /// terminal" buttons).
    #[prop(optional)]
    dispatch_slot: Option<StoredValue<Option<Callback<Intent>>>>,
) -> impl IntoView {
    let (initial, notice) = storage::initial_model(&spec);
    let mut initial = initial;
    if let Some(notice) = notice {
        initial.notice = Some(notice);
    }
    let model = StoredValue::new_local(initial);
    let spec = StoredValue::new(spec);
    let panels = spec.with_value(|s| s.panels);

    let (tick, set_tick) = signal(0u64);
    let (slow_tick, set_slow_tick) = signal(0u64);
    let (table_tick, set_table_tick) = signal(0u64);
    let (groups_tick, set_groups_tick) = signal(0u64);
    let (log_tick, set_log_tick) = signal(0u64);
    let (panels_tick, set_panels_tick) = signal(0u64);
    let (cards_turn, set_cards_turn) = signal(CardsTurn::All);
    // The slow turns after the cards', in order, each with the kind of frame it makes (the
    // groups' is GROUPS_PHASE, the log's LOG_PHASE).
    let panel_turns = [
        (set_table_tick, FrameKind::PartitionTable),
        (set_groups_tick, FrameKind::ConsumerGroups),
        (set_log_tick, FrameKind::PartitionLog),
        (set_panels_tick, FrameKind::OtherPanels),
    ];
    let (narrate_tick, set_narrate_tick) = signal(0u64);
    // Moves after every action only: what only an action changes (the selected partition)
    // follows it, so that the frame's tick does not make 144 replica chips check it.
    let (action_tick, set_action_tick) = signal(0u64);
    let (playing, set_playing) = signal(false);
    let (speed_step, set_speed_step) = signal(DEFAULT_SPEED);
    let (show_internal, set_show_internal) = signal(false);
    let (show_all_events, set_show_all_events) = signal(false);
    let (help_open, set_help_open) = signal(false);
    let (fraction, set_fraction) = signal(0.0f64);
    let reduced_motion = reduced_motion_signal();

    let pacer = StoredValue::new_local(Pacer::default());
    let marks_ms = StoredValue::new_local((0.0f64, 0.0f64, 0.0f64));
    let slow_phase = StoredValue::new_local(0usize);
    // Whether the last frame's simulation ran out of its share before reaching the clock.
    let behind = std::cell::Cell::new(false);
    let budget = StoredValue::new_local(FrameBudget::new(FrameKind::COUNT));
    // The last frame's kind and the ms it simulated, for the budget to learn from.
    let last_frame = StoredValue::new_local(None::<(usize, f64)>);

    let save = move || {
        spec.with_value(|spec| model.with_value(|m| storage::save(spec, m)));
    };
    let refresh_all = move || {
        set_tick.update(|t| *t += 1);
        set_cards_turn.set(CardsTurn::All);
        set_slow_tick.update(|t| *t += 1);
        for (set, _) in panel_turns {
            set.update(|t| *t += 1);
        }
        set_narrate_tick.update(|t| *t += 1);
        set_action_tick.update(|t| *t += 1);
    };

    let frames = StoredValue::new_local(FrameLoop::new(move |times: FrameTimes| {
        if model.with_value(|m| m.seeking_to().is_some()) {
            // An unfinished seek: a slice of its replay per frame, the clock redrawn, and
            // everything else once it has arrived; then playing, if Play was pressed meanwhile.
            let arrived = go_on_seeking(model);
            set_tick.update(|t| *t += 1);
            // Not a playing frame: the budget must not learn from it.
            last_frame.set_value(None);
            if arrived {
                save();
                refresh_all();
            }
            return !arrived || playing.get_untracked();
        }
        if !playing.get_untracked() {
            return false;
        }
        if let (Some(frame_ms), Some((kind, simulation_ms))) =
            (times.last_frame_ms, last_frame.get_value())
        {
            budget.update_value(|b| b.record(kind, frame_ms, simulation_ms));
        }
        let started = now_ms();
        // What this frame redraws is decided first, so the simulation knows its share.
        let (slow, saved, narrated) = marks_ms.get_value();
        let turn = (started - slow >= SLOW_REFRESH_MS / SLOW_TURNS as f64)
            .then(|| slow_phase.get_value() % (SLOW_TURNS * SLOW_PANEL_ROUNDS));
        let redrawn = turn.and_then(|cycle| redrawn_phase(cycle, behind.get()));
        let saving = started - saved >= SAVE_EVERY_MS;
        let narrating = started - narrated >= NARRATE_EVERY_MS;
        let kind = match redrawn {
            _ if saving || narrating => FrameKind::SaveOrNarrate,
            None => FrameKind::Plain,
            Some(phase) if phase < CARD_PARTS => FrameKind::BrokerCard,
            Some(phase) => panel_turns[phase - CARD_PARTS].1,
        } as usize;
        let share_ms = budget.with_value(|b| b.simulation_ms(kind));
        let simulated = pacer
            .try_update_value(|p| p.simulated_ms(times.wall_ms, speed_step.get_untracked()))
            .unwrap_or(0);
        let mut out_of_time = false;
        model.update_value(|m| {
            let target = m.session.now_ms() + simulated;
            // A snapshot of the session waits for a plain frame, the one with most room.
            let room = kind == FrameKind::Plain as usize;
            m.session
                .play(target, room, &mut || now_ms() - started > share_ms);
            behind.set(m.session.now_ms() < target);
            m.absorb_events();
            out_of_time = !m.session.has_time_left();
        });
        last_frame.set_value(Some((kind, now_ms() - started)));
        set_fraction.set(pacer.with_value(|p| p.fraction()));
        set_tick.update(|t| *t += 1);
        let now = now_ms();
        let mut next = (slow, saved, narrated);
        if let Some(cycle) = turn {
            match redrawn {
                Some(phase) if phase < CARD_PARTS => {
                    set_cards_turn.set(CardsTurn::Part(phase));
                    set_slow_tick.update(|t| *t += 1);
                }
                Some(phase) => panel_turns[phase - CARD_PARTS].0.update(|t| *t += 1),
                None => {}
            }
            slow_phase.set_value((cycle + 1) % (SLOW_TURNS * SLOW_PANEL_ROUNDS));
            next.0 = now;
        }
        if saving {
            save();
            next.1 = now;
        }
        if narrating {
            set_narrate_tick.update(|t| *t += 1);
            next.2 = now;
        }
        marks_ms.set_value(next);
        if out_of_time {
            set_playing.set(false);
            model.update_value(|m| {
                // Its notice replaces any other, and the "Undo" that went with it.
                m.forget_replaced();
                m.notice = Some(model::Notice {
                    text: "This session reached its limit of simulated time: reset it or keep exploring its past.".to_owned(),
                    is_error: false,
                })
            });
            save();
            refresh_all();
            return false;
        }
        true
    }));

    // While a seek is unfinished, the frames carry it on whatever this says (and save and
    // redraw when it arrives); playing then starts from where it was going.
    let set_play = move |on: bool| {
        set_playing.set(on);
        if on {
            frames.with_value(FrameLoop::start);
        } else if model.with_value(|m| m.seeking_to().is_none()) {
            frames.with_value(FrameLoop::stop);
            save();
            refresh_all();
        }
    };

    // The command block whose "Run" brought the learner to the output, to lead them back.
    let (return_to, set_return_to) = signal(None::<String>);
    let dispatch = Callback::new(move |intent: Intent| {
        let effect = model
            .try_update_value(|m| {
                m.notice = None;
                update(m, intent)
            })
            .unwrap_or(Effect::None);
        // A seek gets a first slice at once: most arrive within it.
        let arrived = go_on_seeking(model);
        match effect {
            Effect::None => {}
            Effect::TogglePlay => set_play(!playing.get_untracked()),
            Effect::Pause => set_play(false),
            Effect::SetSpeed(step) => set_speed_step.set(step),
            Effect::ToggleHelp => set_help_open.update(|open| *open = !*open),
            Effect::PauseAndShowOutput => set_play(false),
        }
        set_fraction.set(0.0);
        if !arrived {
            // Until the seek arrives, only the clock is redrawn.
            set_tick.update(|t| *t += 1);
            frames.with_value(FrameLoop::start);
            return;
        }
        save();
        refresh_all();
        if effect == Effect::PauseAndShowOutput {
            let block_id = crate::run_buttons::focused_block_id();
            set_return_to.set(block_id.clone());
            // After the views have drawn the new output, so that it is what comes into view.
            request_animation_frame(move || {
                show_output(panels);
                if block_id.is_some_and(|id| crate::run_buttons::block_in_view(&id)) {
                    set_return_to.set(None);
                }
            });
        }
    });

    // A session opened from a link or restored after a reload replays its actions (see
    // `Model::replaying`): a first slice now, the rest over frames with the clock moving.
    if !go_on_seeking(model) {
        frames.with_value(FrameLoop::start);
    }

    // The outside world: pause when the tab is hidden; keyboard shortcuts; stop on leaving.
    let visibility = window_event_listener_untyped("visibilitychange", move |_| {
        if document().hidden() && playing.get_untracked() {
            set_play(false);
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let focus = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok())
            .map_or(keyboard::Focus::Other, |element| {
                let input_type = element
                    .dyn_ref::<web_sys::HtmlInputElement>()
                    .map(|input| input.type_());
                focus_of(
                    &element.tag_name(),
                    input_type.as_deref(),
                    element.is_content_editable(),
                )
            });
        let modifier = event.ctrl_key() || event.meta_key() || event.alt_key();
        if event.key() == "Escape" && help_open.get_untracked() {
            set_help_open.set(false);
            return;
        }
        if let Some(found) = shortcut(&event.key(), focus, modifier) {
            event.prevent_default();
            dispatch.run(match found {
                Shortcut::TogglePlay => Intent::TogglePlay,
                Shortcut::Step => Intent::Step,
                Shortcut::Help => Intent::ToggleHelp,
            });
        }
    });
    // Once the learner has scrolled back to the step by hand, the way back is not needed.
    let scrolled = window_event_listener(leptos::ev::scroll, move |_| {
        if let Some(block_id) = return_to.get_untracked() {
            if crate::run_buttons::block_in_view(&block_id) {
                set_return_to.set(None);
            }
        }
    });
    on_cleanup(move || {
        visibility.remove();
        keys.remove();
        scrolled.remove();
        frames.with_value(FrameLoop::stop);
    });

    // View models: narrow memos over the model.
    let clock = Memo::new(move |_| {
        tick.track();
        model.with_value(clock_vm)
    });
    let marks = Memo::new(move |_| {
        panels_tick.track();
        model.with_value(action_marks)
    });
    // The cluster's view, shared by the picture and the topology's nodes (building one walks
    // every replica; the table builds its own, on its own turn). Like the tables, the broker
    // cards refresh a few times a second while playing (their offsets change faster than
    // anyone reads) and at once after any action; the messages in flight move every frame. Always "changed": the memos built
    // from it compare their own output.
    let cluster_view = Memo::new_with_compare(
        move |_| {
            slow_tick.track();
            model.with_value(|m| m.session.shell().cluster.view())
        },
        |_, _| true,
    );
    let picture = Memo::new(move |previous: Option<&_>| {
        let internal = show_internal.get();
        let turn = cards_turn.get();
        cluster_view.with(|view| cluster_vm_turn(view, internal, previous, turn))
    });
    let nodes = Memo::new(move |_| {
        cluster_view
            .with(|view| model.with_value(|m| topology_nodes(&m.session.shell().cluster, view)))
    });
    let in_flight = Memo::new(move |_| {
        tick.track();
        let fraction = fraction.get();
        nodes.with(|nodes| {
            model.with_value(|m| in_flight_vm(&m.session.shell().cluster, nodes, fraction))
        })
    });
    let in_flight_caption = Memo::new(move |_| {
        panels_tick.track();
        in_flight.with_untracked(in_flight_summary)
    });
    let selected = Memo::new(move |_| {
        action_tick.track();
        model.with_value(|m| m.selected_partition.clone())
    });
    let rows = Memo::new(move |_| {
        table_tick.track();
        let internal = show_internal.get();
        model.with_value(|m| partition_rows(&m.session.shell().cluster.view(), internal))
    });
    let log = Memo::new(move |_| {
        log_tick.track();
        model.with_value(log_vm)
    });
    let acls = Memo::new(move |_| {
        panels_tick.track();
        model.with_value(|m| acl_rows(&m.session.shell().cluster))
    });
    let producer = Memo::new(move |_| {
        panels_tick.track();
        model.with_value(producer_vm)
    });
    let groups = Memo::new(move |_| {
        groups_tick.track();
        model.with_value(groups_vm)
    });
    let events = Memo::new(move |_| {
        panels_tick.track();
        let all = show_all_events.get();
        model.with_value(|m| event_lines(m, all))
    });
    let alerts = Memo::new(move |_| {
        panels_tick.track();
        model.with_value(alert_vms)
    });
    let entries = Memo::new(move |_| {
        panels_tick.track();
        model.with_value(|m| m.terminal.iter().cloned().collect::<Vec<_>>())
    });
    let notice = Memo::new(move |_| {
        panels_tick.track();
        model.with_value(|m| m.notice.clone().map(|notice| (notice, m.can_undo())))
    });
    let announcement = Memo::new(move |_| {
        narrate_tick.track();
        model.with_value(|m| m.announcement.clone())
    });
    let complete = Callback::new(move |line: String| {
        model.with_value(|m| m.session.shell().complete(&line, line.len()))
    });
    let script = Callback::new(move |_: ()| {
        model.with_value(|m| share::to_script(&share::SessionText::of(&m.session)))
    });
    if let Some(slot) = dispatch_slot {
        slot.set_value(Some(dispatch));
    }

    view! {
        <div class="playground" data-testid="playground" data-playing=move || playing.get().to_string()>
            <div class="visually-hidden" role="status" aria-live="polite" data-testid="narration">
                {move || announcement.get()}
            </div>
            <TimeControls clock=clock playing=playing speed_step=speed_step marks=marks dispatch=dispatch />
            {move || {
                notice
                    .get()
                    .map(|(notice, can_undo)| {
                        view! {
                            <p
                                class=if notice.is_error { "error" } else { "notice" }
                                role=if notice.is_error { "alert" } else { "status" }
                                data-testid="playground-notice"
                            >
                                {notice.text}
                                {can_undo.then(|| view! {
                                    " "
                                    <button type="button" class="button-quiet" data-testid="undo"
                                        on:click=move |_| dispatch.run(Intent::Undo)>
                                        "Undo"
                                    </button>
                                })}
                            </p>
                        }
                    })
            }}
            <Show when=move || help_open.get()>
                <div class="help-dialog" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
                    <h3>"Keyboard shortcuts"</h3>
                    <dl>
                        {HELP
                            .iter()
                            .map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> })
                            .collect_view()}
                    </dl>
                    <button type="button" on:click=move |_| set_help_open.set(false)>"Close"</button>
                </div>
            </Show>
            <div class="playground-grid">
                <Show when=move || panels.cluster>
                    <section class="panel panel-cluster" data-testid="cluster-panel" aria-labelledby="cluster-title">
                        <h3 id="cluster-title">"Cluster"</h3>
                        <Topology nodes=nodes in_flight=in_flight summary=in_flight_caption reduced_motion=reduced_motion />
                        <ClusterPicture cluster=picture selected=selected dispatch=dispatch />
                        <p class="hint" data-testid="replica-legend">
                            "Replicas: L leader · F in-sync follower · F✕ out of the ISR (dashed) · E out of the ISR but an eligible leader replica (KIP-966) · — broker stopped or partition offline"
                        </p>
                        <label class="field field-check">
                            <input type="checkbox" prop:checked=show_internal
                                on:change:target=move |ev| set_show_internal.set(ev.target().checked()) />
                            <span>{move || format!("Show internal topics ({} replicas hidden)", picture.with(|p| p.hidden_internal))}</span>
                        </label>
                        <details class="subpanel" open>
                            <summary>"Partitions as a table"</summary>
                            <PartitionTable rows=rows dispatch=dispatch />
                        </details>
                        <AclTable acls=acls />
                    </section>
                </Show>
                <Show when=move || panels.log>
                    <LogPanel log=log dispatch=dispatch />
                </Show>
                <Show when=move || panels.producer>
                    <ProducerPanel producer=producer dispatch=dispatch />
                </Show>
                <Show when=move || panels.groups>
                    <GroupsPanel groups=groups dispatch=dispatch />
                </Show>
                <Show when=move || panels.alerts>
                    <AlertsPanel alerts=alerts dispatch=dispatch />
                </Show>
                <Show when=move || panels.terminal>
                    <Terminal entries=entries complete=complete dispatch=dispatch />
                </Show>
                {move || return_to.get().map(|block_id| view! {
                    <button
                        type="button"
                        class="button-small back-to-step"
                        data-testid="back-to-step"
                        on:click=move |_| {
                            crate::run_buttons::return_to_block(&block_id);
                            set_return_to.set(None);
                        }
                    >
                        "↑ Back to the step you ran"
                    </button>
                })}
                <Show when=move || panels.events>
                    <EventLog lines=events show_all=show_all_events set_show_all=set_show_all_events dispatch=dispatch />
                </Show>
                <SharePanel route=spec.with_value(|s| s.route.clone()) script=script dispatch=dispatch />
            </div>
        </div>
    }
}

/// Brings the bottom of the terminal (or, without one, the event log) into view: after a
/// lesson's "Run" the newest output, just above the prompt, is where the learner looks.
fn show_output(panels: Panels) {
    let test_id = if panels.terminal {
        "terminal"
    } else {
        "event-log"
    };
    let panel = document()
        .query_selector(&format!("[data-testid=\"{test_id}\"]"))
        .ok()
        .flatten();
    if let Some(panel) = panel {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::End);
        panel.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// Whether the learner asked the system for reduced motion (read when the playground opens).
fn reduced_motion_signal() -> Signal<bool> {
    let reduced = window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches());
    Signal::stored(reduced)
}

/// A fresh model for a spec (used when stored data cannot be used).
pub fn fresh_model(spec: &PlaygroundSpec) -> Result<Model, String> {
    Session::new(spec.config.clone(), spec.seed, &spec.setup).map(Model::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behind_the_clock_the_groups_and_log_turns_redraw_on_one_round_of_several() {
        let rounds = |behind: bool| -> Vec<Option<usize>> {
            (0..SLOW_TURNS * SLOW_PANEL_ROUNDS)
                .map(|cycle| redrawn_phase(cycle, behind))
                .collect()
        };
        let (keeping_up, behind) = (rounds(false), rounds(true));
        for phase in 0..SLOW_TURNS {
            for round in 0..SLOW_PANEL_ROUNDS {
                let cycle = round * SLOW_TURNS + phase;
                assert_eq!(
                    keeping_up[cycle],
                    Some(phase),
                    "keeping up, every round redraws all"
                );
                let skipped = round > 0 && (phase == GROUPS_PHASE || phase == LOG_PHASE);
                assert_eq!(
                    behind[cycle],
                    (!skipped).then_some(phase),
                    "behind, later rounds skip the groups and the log only"
                );
            }
        }
    }
}
