//! A lesson: its prose beside the live view it names.

use kplay_lessons::Lesson;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::sims::Simulation;

const LIVE_VIEW_ID: &str = "live-view";

/// One lesson page.
#[component]
pub fn LessonPage(
    /// The lesson to show.
    lesson: &'static Lesson,
) -> impl IntoView {
    view! {
        <div class="page page-lesson">
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
                <article class="prose" data-testid="lesson-prose" inner_html=lesson.html></article>
                <div class="lesson-sim" id=LIVE_VIEW_ID tabindex="-1">
                    <Simulation id=lesson.simulation />
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
