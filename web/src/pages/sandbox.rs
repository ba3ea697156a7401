//! The sandbox: a free playground with presets, from one broker to the largest cluster.

use leptos::prelude::*;

use crate::playground::presets::{preset, sandbox_spec, PRESETS};
use crate::playground::{Intent, Playground};
use crate::run_buttons::{add_run_buttons, block_of_click};
use crate::session::{load, save};

const PRESET_KEY: &str = "kplay.sandbox.preset";
const SESSION_KEY: &str = "kplay.sandbox.session.v1";

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
    let stored = load(PRESET_KEY).filter(|id| preset(id).is_some());
    let (preset_id, set_preset_id) = signal(stored.unwrap_or_else(|| PRESETS[0].id.to_owned()));
    let (choice, set_choice) = signal(preset_id.get_untracked());
    let dispatch_slot = StoredValue::new(None::<Callback<Intent>>);
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
    let load_preset = move |_| {
        let id = choice.get_untracked();
        let _ = save(PRESET_KEY, Some(&id));
        // A preset starts fresh: the saved session is for the previous one.
        let _ = save(SESSION_KEY, None);
        // Setting the same id again still rebuilds the playground.
        set_preset_id.set(id);
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
