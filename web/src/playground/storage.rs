//! Saving and sharing a playground: the session kept in `localStorage` (it survives a reload),
//! the share link (the session in the URL fragment, after the route), export and import of
//! the session as a kplay script file.
//!
//! Whatever comes back from storage or a link is untrusted: a problem becomes a notice and a
//! fresh session, never a panic.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::model::{Model, Notice};
use super::presets::PlaygroundSpec;
use super::share::{self, SessionText};
use super::{fresh_model, Intent};
use crate::session::{load, save as store};

/// Where a spec's session is kept.
fn storage_key(spec: &PlaygroundSpec) -> String {
    format!("{}.session.v1", spec.storage_key)
}

/// Where the starting point a spec's saved session was made for is kept.
fn start_key(spec: &PlaygroundSpec) -> String {
    format!("{}.start.v1", spec.storage_key)
}

/// A spec's starting point as text: a new version of a lesson or preset changes it.
fn start_text(spec: &PlaygroundSpec) -> String {
    format!(
        "{}\n{}",
        super::cluster_options::format(&spec.config, spec.seed),
        spec.setup
    )
}

/// The model to start with: the session in the URL if there is one, else the saved one, else
/// a fresh one; with a notice when something could not be used.
pub fn initial_model(spec: &PlaygroundSpec) -> (Model, Option<Notice>) {
    let start = start_text(spec);
    let saved_for = load(&start_key(spec));
    let _ = store(&start_key(spec), Some(&start));
    let hash = window().location().hash().unwrap_or_default();
    if let Some(encoded) = share::session_parameter(&hash) {
        // The link has done its job: the address goes back to the page's own.
        remove_session_from_address(&spec.route);
        let opened = share::decode_from_url(encoded)
            .and_then(|script| share::from_script(&script))
            .and_then(SessionText::replaying);
        return match opened {
            Ok(session) => {
                let model = Model::replaying(session);
                save(spec, &model);
                (
                    model,
                    Some(Notice {
                        text: "This session was opened from a link: it is the exact state that was shared.".to_owned(),
                        is_error: false,
                    }),
                )
            }
            Err(reason) => fresh_with(
                spec,
                format!(
                    "This link could not be opened: {reason}. Here is a fresh session instead."
                ),
            ),
        };
    }
    // A session saved from an older version of this page's starting point is left behind.
    let stale = saved_for.is_some_and(|saved_for| saved_for != start);
    match load(&storage_key(spec)) {
        Some(_) if stale => {
            let (model, _) = fresh_with(spec, String::new());
            save(spec, &model);
            (
                model,
                Some(Notice {
                    text: "This page's starting point has changed since your last visit: here is a fresh session.".to_owned(),
                    is_error: false,
                }),
            )
        }
        Some(text) => match share::from_script(&text).and_then(SessionText::replaying) {
            Ok(session) => (Model::replaying(session), None),
            Err(reason) => fresh_with(
                spec,
                format!(
                    "Your saved session could not be restored ({reason}): here is a fresh one."
                ),
            ),
        },
        None => fresh_with(spec, String::new()),
    }
}

fn fresh_with(spec: &PlaygroundSpec, message: String) -> (Model, Option<Notice>) {
    let notice = (!message.is_empty()).then_some(Notice {
        text: message,
        is_error: true,
    });
    match fresh_model(spec) {
        Ok(model) => (model, notice),
        Err(error) => {
            // The spec itself is broken (a lesson's options): an empty default cluster.
            let fallback = PlaygroundSpec {
                config: kplay_core::ClusterConfig::default(),
                setup: String::new(),
                ..spec.clone()
            };
            let model = fresh_model(&fallback).unwrap_or_else(|_| unreachable_default());
            (
                model,
                Some(Notice {
                    text: format!("This playground's cluster could not be built ({error}): here is a default cluster."),
                    is_error: true,
                }),
            )
        }
    }
}

/// The default cluster with no setup always builds (its config is the core's default).
fn unreachable_default() -> Model {
    let session = super::session::Session::new(kplay_core::ClusterConfig::default(), 1, "");
    match session {
        Ok(session) => Model::new(session),
        Err(error) => panic!("the default cluster must build: {error}"),
    }
}

/// Keeps the session in `localStorage` (a failure to save is not worth interrupting play).
pub fn save(spec: &PlaygroundSpec, model: &Model) {
    let script = share::to_script(&SessionText::of(&model.session));
    let _ = store(&storage_key(spec), Some(&script));
}

fn remove_session_from_address(route: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{route}")),
        );
    }
}

/// The share link of a script, for the page at `route`.
pub fn share_url(route: &str, script: &str) -> String {
    let location = window().location();
    let href = location.href().unwrap_or_default();
    let base = href.split('#').next().unwrap_or_default().to_owned();
    format!(
        "{base}{}",
        share::fragment_with_session(route, &share::encode_for_url(script))
    )
}

/// Share link, export and import.
#[component]
pub fn SharePanel(
    /// The page's route (`/sandbox`, `/lessons/<slug>`).
    route: String,
    /// The session's script, computed when asked.
    script: Callback<(), String>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let (link, set_link) = signal(String::new());
    let make_link = move |_| set_link.set(share_url(&route, &script.run(())));
    let export = move |_| download("kafka-playground-session.kplay", &script.run(()));
    let import = move |event: leptos::ev::Event| {
        let Some(input) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            match text.ok().and_then(|value| value.as_string()) {
                Some(text) => dispatch.run(Intent::Import(text)),
                None => dispatch.run(Intent::Refuse(
                    "The file could not be read as text.".to_owned(),
                )),
            }
        });
    };
    view! {
        <section class="panel" data-testid="share-panel" aria-labelledby="share-title">
            <h3 id="share-title">"Save and share"</h3>
            <p class="hint">
                "Your session is saved in this browser. A link or a script file carries the whole session: the cluster, the seed and every action."
            </p>
            <div class="actions">
                <button type="button" data-testid="make-share-link" on:click=make_link>"Make a share link"</button>
                <button type="button" data-testid="export-script" on:click=export>"Export as a script"</button>
                <label class="button-like">
                    "Import a script"
                    <input type="file" class="visually-hidden" accept=".kplay,.txt,text/plain" data-testid="import-script" on:change=import />
                </label>
            </div>
            <Show when=move || !link.with(String::is_empty)>
                <label class="field">
                    <span class="field-label">"Share link (copy it)"</span>
                    <input type="text" readonly data-testid="share-link" prop:value=link
                        on:focus:target=move |ev| ev.target().select() />
                </label>
            </Show>
        </section>
    }
}

/// Offers `text` as a file download.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(anchor) = document().create_element("a") {
        let _ = anchor.set_attribute("href", &url);
        let _ = anchor.set_attribute("download", name);
        if let Some(anchor) = anchor.dyn_ref::<web_sys::HtmlElement>() {
            anchor.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
