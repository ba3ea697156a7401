//! The time controls: play and pause, single step, the speed, the timeline to scrub back and
//! fork from (acting in the past discards the old future), the seed and reset.

use kplay_core::decimal::fixed;
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::clock::{speed_label, SPEED_MAX, SPEED_MIN};
use super::model::Model;
use super::session::Input;
use super::Intent;

/// At most this many action marks are drawn on the timeline.
const MAX_MARKS: usize = 200;

/// The clock as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockVm {
    pub now_ms: i64,
    pub base_ms: i64,
    pub end_ms: i64,
    pub live: bool,
    pub seed: u64,
    /// Where an unfinished seek is going: the timeline shows it, the clock runs towards it.
    pub seeking_to: Option<i64>,
    /// Whether the session is still replaying inputs read back (a link, a file, a reload).
    pub replaying: bool,
}

impl ClockVm {
    /// Where the timeline's thumb is: where the learner put it while a seek is unfinished.
    pub fn shown_ms(&self) -> i64 {
        self.seeking_to.unwrap_or(self.now_ms)
    }

    /// The timeline's `min` and `max`. With nothing recorded yet (a lesson's setup just ran)
    /// the range is the millisecond before the end, so the thumb sits at the live end, where
    /// the hint says the learner is, rather than at the left as in an empty range.
    pub fn range(&self) -> (i64, i64) {
        (self.base_ms.min(self.end_ms - 1), self.end_ms)
    }
}

/// The clock's view model.
pub fn clock_vm(model: &Model) -> ClockVm {
    let session = &model.session;
    ClockVm {
        now_ms: session.now_ms(),
        base_ms: session.base_ms(),
        end_ms: session.end_ms(),
        live: session.is_live(),
        seed: session.seed(),
        seeking_to: model.seeking_to(),
        replaying: session.is_replaying(),
    }
}

/// Where the learner's actions are on the timeline, as percentages of its length.
pub fn action_marks(model: &Model) -> Vec<(i64, f64)> {
    let session = &model.session;
    let span = (session.end_ms() - session.base_ms()).max(1) as f64;
    session
        .inputs()
        .iter()
        .zip(session.input_starts_ms())
        .filter(|(input, _)| matches!(input, Input::Line(_)))
        .map(|(_, start)| (*start, (*start - session.base_ms()) as f64 / span * 100.0))
        .rev()
        .take(MAX_MARKS)
        .collect()
}

/// A time as the learner reads it: `12.345 s`.
pub fn time_text(ms: i64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// The time controls.
#[component]
pub fn TimeControls(
    /// The clock, updated every frame.
    clock: Memo<ClockVm>,
    /// Whether time runs.
    playing: ReadSignal<bool>,
    /// The speed slider's position.
    speed_step: ReadSignal<i32>,
    /// Where the learner's actions are.
    marks: Memo<Vec<(i64, f64)>>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let (seed_text, set_seed_text) = signal(String::new());
    let seed_value = move || {
        let typed = seed_text.get();
        if typed.is_empty() {
            clock.with(|c| c.seed.to_string())
        } else {
            typed
        }
    };
    let apply_seed = move |_| match seed_value().trim().parse::<u64>() {
        Ok(seed) => {
            set_seed_text.set(String::new());
            dispatch.run(Intent::SetSeed(seed));
        }
        Err(_) => dispatch.run(Intent::Refuse(
            "The seed must be a whole number from 0 to 18446744073709551615.".to_owned(),
        )),
    };
    let position = move || {
        clock.with(|c| {
            if c.replaying {
                format!(
                    "replaying the session's actions: {} so far",
                    time_text(c.end_ms - c.base_ms)
                )
            } else if c.seeking_to.is_some() {
                format!(
                    "going to {}: the recorded past is replayed from the nearest snapshot",
                    time_text(c.shown_ms())
                )
            } else if c.live {
                "live: actions are added at the end".to_owned()
            } else {
                format!(
                    "in the past ({} before the end): play to follow the recorded future, or act to replace it",
                    time_text(c.end_ms - c.now_ms)
                )
            }
        })
    };
    view! {
        <section class="panel time-controls" data-testid="time-controls" aria-label="Time">
            <div class="time-row">
                <button
                    type="button"
                    class="button-primary"
                    data-testid="play-pause"
                    aria-keyshortcuts="Space"
                    on:click=move |_| dispatch.run(Intent::TogglePlay)
                >
                    {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
                </button>
                <button type="button" data-testid="step" aria-keyshortcuts="." on:click=move |_| dispatch.run(Intent::Step)>
                    "Step"
                </button>
                <button type="button" on:click=move |_| dispatch.run(Intent::Skip(1_000))>"+1 s"</button>
                <button type="button" data-testid="skip-10s" on:click=move |_| dispatch.run(Intent::Skip(10_000))>"+10 s"</button>
                <p class="clock" data-testid="clock" data-now-ms=move || clock.with(|c| c.now_ms)>
                    <span class="visually-hidden">"Simulated time "</span>
                    <span class="clock-time">{move || time_text(clock.with(|c| c.now_ms))}</span>
                </p>
            </div>
            <label class="field speed">
                <span class="field-label">"Speed"</span>
                <input
                    type="range"
                    data-testid="speed"
                    min=SPEED_MIN
                    max=SPEED_MAX
                    step="1"
                    prop:value=move || speed_step.get().to_string()
                    aria-valuetext=move || speed_label(speed_step.get())
                    on:input:target=move |ev| {
                        if let Ok(step) = ev.target().value().parse::<i32>() {
                            dispatch.run(Intent::SetSpeed(step));
                        }
                    }
                />
                <span class="hint" data-testid="speed-label">{move || speed_label(speed_step.get())}</span>
            </label>
            <label class="field timeline">
                <span class="field-label">"Timeline"</span>
                <span class="timeline-track">
                    <input
                        type="range"
                        data-testid="timeline"
                        min=move || clock.with(|c| c.range().0)
                        max=move || clock.with(|c| c.range().1)
                        data-base-ms=move || clock.with(|c| c.base_ms)
                        step="1"
                        prop:value=move || clock.with(|c| c.shown_ms().to_string())
                        aria-valuetext=move || time_text(clock.with(ClockVm::shown_ms))
                        data-seeking=move || clock.with(|c| c.seeking_to.is_some().to_string())
                        on:input:target=move |ev| {
                            if let Ok(ms) = ev.target().value().parse::<i64>() {
                                dispatch.run(Intent::Seek(ms));
                            }
                        }
                    />
                    <span class="timeline-marks" aria-hidden="true">
                        {keyed_list(
                            move || marks.get(),
                            |mark| mark.0,
                            |mark| view! {
                                <span class="timeline-mark" style=format!("left: {}%", fixed(mark.1, 2))></span>
                            }
                            .into_any(),
                        )}
                    </span>
                </span>
                <span class="hint" data-testid="timeline-position">{position}</span>
            </label>
            <div class="time-row">
                <button type="button" data-testid="go-live" disabled=move || clock.with(|c| c.live)
                    on:click=move |_| dispatch.run(Intent::Seek(i64::MAX))>
                    "Back to the end"
                </button>
                <label class="field field-narrow">
                    <span class="field-label">"Seed"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        data-testid="seed"
                        prop:value=seed_value
                        on:input:target=move |ev| set_seed_text.set(ev.target().value())
                    />
                </label>
                <button type="button" data-testid="apply-seed" on:click=apply_seed>"Replay with this seed"</button>
                <button type="button" class="button-danger" data-testid="reset" on:click=move |_| dispatch.run(Intent::Reset)>
                    "Reset"
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_seconds_with_milliseconds() {
        assert_eq!(time_text(12_345), "12.345 s");
        assert_eq!(time_text(7), "0.007 s");
    }

    #[test]
    fn an_empty_timeline_shows_its_thumb_at_the_live_end() {
        let clock = |now_ms, base_ms, end_ms| ClockVm {
            now_ms,
            base_ms,
            end_ms,
            live: now_ms == end_ms,
            seed: 1,
            seeking_to: None,
            replaying: false,
        };
        let empty = clock(35_000, 35_000, 35_000);
        assert_eq!(empty.range(), (34_999, 35_000));
        assert_eq!(empty.shown_ms(), empty.range().1);
        assert_eq!(clock(40_000, 35_000, 50_000).range(), (35_000, 50_000));
    }
}
