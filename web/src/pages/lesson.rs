//! A lesson: its prose beside the live view it names. A lesson with the general playground
//! gets a "Run" button beside each of its kplay blocks, which runs the block in the lesson's
//! playground.

use kplay_lessons::Lesson;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::lesson_setup::lesson_spec;
use crate::playground::{Intent, Playground};
use crate::run_buttons::{add_run_buttons, block_of_click};
use crate::sims::Simulation;

const LIVE_VIEW_ID: &str = "live-view";

/// One lesson page.
#[component]
pub fn LessonPage(
    /// The lesson to show.
    lesson: &'static Lesson,
) -> impl IntoView {
    crate::progress::mark_visited(lesson.slug);
    let spec = lesson_spec(lesson);
    let has_playground = spec.is_some();
    let dispatch_slot = StoredValue::new(None::<Callback<Intent>>);
    let prose_ref = NodeRef::<leptos::html::Article>::new();
    // The outside world: enhance the prose's commands once it is in the page.
    Effect::new(move |_| {
        if let Some(prose) = prose_ref.get() {
            if has_playground {
                add_run_buttons(&prose);
            }
        }
    });
    let blocks = kplay_lessons::commands(lesson);
    let run_block = move |event: leptos::ev::MouseEvent| {
        let block = event
            .target()
            .and_then(|target| block_of_click(&target))
            .and_then(|index| blocks.get(index));
        if let (Some(block), Some(dispatch)) = (block, dispatch_slot.get_value()) {
            dispatch.run(Intent::RunBlock((*block).to_owned()));
        }
    };
    let live_view = match spec {
        Some(Ok(spec)) => view! { <Playground spec=spec dispatch_slot=dispatch_slot /> }.into_any(),
        Some(Err(error)) => view! {
            <p class="error" role="alert">{format!("This lesson's playground could not be built: {error}")}</p>
        }
        .into_any(),
        None => view! { <Simulation id=lesson.simulation /> }.into_any(),
    };

    view! {
        <div class="page page-lesson" class:page-lesson-playground=has_playground>
            <p class="breadcrumb">
                <a href="#/">"← All lessons"</a>
            </p>
            <h1>{lesson.title}</h1>
            // On one-column layouts the live view comes after the prose: offer a shortcut.
            <button type="button" class="button-quiet jump-to-sim" on:click=move |_| show_live_view()>
                "Go to the live view ↓"
            </button>
            <div class="lesson-layout">
                // Our own HTML, rendered from Markdown at build time: never user input.
                <article class="prose" data-testid="lesson-prose" node_ref=prose_ref inner_html=lesson.html on:click=run_block></article>
                <div class="lesson-sim" id=LIVE_VIEW_ID tabindex="-1">
                    {live_view}
                </div>
            </div>
        </div>
    }
}

/// Scrolls the live view into sight and moves keyboard focus to it.
fn show_live_view() {
    let live_view = document().get_element_by_id(LIVE_VIEW_ID);
    if let Some(element) =
        live_view.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    {
        element.scroll_into_view();
        let _ = element.focus();
    }
}
