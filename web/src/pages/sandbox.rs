//! The sandbox: a free playground with presets, from one broker to the largest cluster.

use leptos::prelude::*;

use crate::playground::presets::{preset, sandbox_spec, PRESETS};
use crate::playground::{Intent, Playground};
use crate::run_buttons::{add_run_buttons, block_of_click};
use crate::session::{load, save};

/// Where the sandbox keeps a session in `localStorage`: its preset, its script (see
/// `playground/storage.rs`) and the starting point the script was made for.
struct Keys {
    preset: &'static str,
    session: &'static str,
    start: &'static str,
}

/// The session in the playground.
const CURRENT: Keys = Keys {
    preset: "kplay.sandbox.preset",
    session: "kplay.sandbox.session.v1",
    start: "kplay.sandbox.start.v1",
};

/// The session the last "Start this preset" replaced, kept for the way back to it.
const LEFT: Keys = Keys {
    preset: "kplay.sandbox.left.preset",
    session: "kplay.sandbox.left.session.v1",
    start: "kplay.sandbox.left.start.v1",
};

/// A sandbox session as `localStorage` keeps it.
#[derive(Debug, Clone)]
struct Saved {
    preset: String,
    session: Option<String>,
    start: Option<String>,
}

impl Saved {
    /// The session of `preset_id` kept under `keys`.
    fn load(keys: &Keys, preset_id: String) -> Saved {
        Saved {
            preset: preset_id,
            session: load(keys.session),
            start: load(keys.start),
        }
    }

    /// The session the last "Start this preset" replaced, if one is kept for a known preset.
    fn left() -> Option<Saved> {
        let id = load(LEFT.preset).filter(|id| preset(id).is_some())?;
        Some(Saved::load(&LEFT, id))
    }

    /// A preset's fresh start.
    fn fresh(preset_id: String) -> Saved {
        Saved {
            preset: preset_id,
            session: None,
            start: None,
        }
    }

    fn save(&self, keys: &Keys) {
        let _ = save(keys.preset, Some(&self.preset));
        let _ = save(keys.session, self.session.as_deref());
        let _ = save(keys.start, self.start.as_deref());
    }
}

/// The commands of the guide's blocks, in page order (what each "Run" button runs).
const GUIDE_COMMANDS: [&str; 2] = [
    "kafka-topics --bootstrap-server localhost:9092 --describe",
    "kafka-consumer-groups --bootstrap-server localhost:9092 --describe --all-groups",
];

/// Things to try, with the blocks of [`GUIDE_COMMANDS`].
const GUIDE: &str = r#"<p>Pick a preset, press <strong>Play</strong>, then break things: stop a broker from its card, kill the leader of a partition from the table, crash a consumer. Every action is a line of a script you can export or share.</p>
<pre class="kplay-command"><code class="language-kplay">kafka-topics --bootstrap-server localhost:9092 --describe</code></pre>
<pre class="kplay-command"><code class="language-kplay">kafka-consumer-groups --bootstrap-server localhost:9092 --describe --all-groups</code></pre>"#;

/// The sandbox page.
#[component]
pub fn Sandbox() -> impl IntoView {
    let stored = load(CURRENT.preset).filter(|id| preset(id).is_some());
    let (preset_id, set_preset_id) = signal(stored.unwrap_or_else(|| PRESETS[0].id.to_owned()));
    let (choice, set_choice) = signal(preset_id.get_untracked());
    let dispatch_slot = StoredValue::new(None::<Callback<Intent>>);
    // The session the last "Start this preset" replaced, kept for the way back to it.
    let (left, set_left) = signal(Saved::left());
    let guide_ref = NodeRef::<leptos::html::Div>::new();

    // The outside world: enhance the guide's commands once it is in the page.
    Effect::new(move |_| {
        if let Some(guide) = guide_ref.get() {
            add_run_buttons(&guide);
        }
    });
    let run_block = move |event: leptos::ev::MouseEvent| {
        let block = event
            .target()
            .and_then(|target| block_of_click(&target))
            .and_then(|index| GUIDE_COMMANDS.get(index));
        if let (Some(block), Some(dispatch)) = (block, dispatch_slot.get_value()) {
            dispatch.run(Intent::RunBlock((*block).to_owned()));
        }
    };
    // Replaces the session in the playground by `next`, keeping it for the way back: so
    // nothing is lost, and going back twice returns to where the learner was.
    let switch_to = move |next: Saved| {
        // Pausing saves the session being left (see the playground's `set_play`).
        if let Some(dispatch) = dispatch_slot.get_value() {
            dispatch.run(Intent::Pause);
        }
        let here = Saved::load(&CURRENT, preset_id.get_untracked());
        here.save(&LEFT);
        set_left.set(Some(here));
        next.save(&CURRENT);
        set_choice.set(next.preset.clone());
        // Setting the same id again still rebuilds the playground.
        set_preset_id.set(next.preset);
    };
    let load_preset = move |_| switch_to(Saved::fresh(choice.get_untracked()));
    let go_back = move |_| {
        if let Some(back) = left.get_untracked() {
            switch_to(back);
        }
    };
    let back_label = move || {
        left.get()
            .and_then(|saved| preset(&saved.preset))
            .map(|p| format!("Back to your session of “{}”", p.title))
            .unwrap_or_default()
    };
    let description = move || {
        preset(&choice.get())
            .map(|p| p.description)
            .unwrap_or_default()
    };

    view! {
        <div class="page page-sandbox" data-testid="sandbox">
            <h1>"Sandbox"</h1>
            <div class="prose" node_ref=guide_ref inner_html=GUIDE on:click=run_block></div>
            <div class="preset-picker">
                <label class="field">
                    <span class="field-label">"Preset"</span>
                    <select data-testid="preset" on:change:target=move |ev| set_choice.set(ev.target().value())>
                        {PRESETS
                            .iter()
                            .map(|p| view! {
                                <option value=p.id prop:selected=move || choice.get() == p.id>{p.title}</option>
                            })
                            .collect_view()}
                    </select>
                </label>
                <button type="button" data-testid="load-preset" on:click=load_preset>
                    "Start this preset"
                </button>
                // Always in the page, so that it keeps the keyboard focus as its label changes.
                <button type="button" class="button-quiet" data-testid="preset-back"
                    hidden=move || left.with(Option::is_none) on:click=go_back>
                    {back_label}
                </button>
                <p class="hint">{description}</p>
            </div>
            {move || {
                let id = preset_id.get();
                let preset = preset(&id)?;
                Some(match sandbox_spec(preset) {
                    Ok(spec) => view! { <Playground spec=spec dispatch_slot=dispatch_slot /> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error}</p> }.into_any(),
                })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_shows_its_commands_in_order() {
        let blocks: Vec<&str> = GUIDE
            .split("<code class=\"language-kplay\">")
            .skip(1)
            .filter_map(|rest| rest.split("</code>").next())
            .collect();
        assert_eq!(blocks, GUIDE_COMMANDS);
    }
}
