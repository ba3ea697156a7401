//! Kafka Playground's user interface: a Leptos app rendered in the browser.
//!
//! `App` is the shell (skip link, header, main, footer) around the page chosen by the URL
//! fragment ([`route`]). Lessons come prebuilt from `kplay-lessons`; the general live view is
//! the [`playground`], configured by a lesson ([`lesson_setup`]) or a sandbox preset; lesson 1
//! keeps its own view in [`sims`]. Sessions live in `localStorage` ([`session`]).

pub mod appearance;
pub mod keyed_list;
pub mod lesson_setup;
mod pages;
pub mod playground;
pub mod progress;
pub mod route;
pub mod run_buttons;
pub mod session;
pub mod sims;

use leptos::prelude::*;

use crate::appearance::AppearanceControls;
use crate::pages::{Home, LessonPage, NotFound, Sandbox};
use crate::route::{focus_main, use_hash_page, Route, MAIN_ID};

/// The whole site.
#[component]
pub fn App() -> impl IntoView {
    let page = use_hash_page();
    let route = Memo::new(move |_| page.with(|page| page.route.clone()));

    // The outside world: the browser tab's title follows the page.
    Effect::new(move |_| document().set_title(&route.with(Route::document_title)));

    let skip_to_content = move |event: leptos::ev::MouseEvent| {
        // The fragment is the route: following `#main` would leave the page.
        event.prevent_default();
        focus_main();
    };

    view! {
        <a class="skip-link" href="#main" on:click=skip_to_content>
            "Skip to content"
        </a>
        <header class="site-header">
            <div class="site-header-inner">
                <a class="brand" href="#/">
                    <span class="brand-mark" aria-hidden="true"></span>
                    "Kafka Playground"
                </a>
                <nav aria-label="Main">
                    <a href="#/">"Lessons"</a>
                    <a href="#/sandbox" data-testid="nav-sandbox">"Sandbox"</a>
                </nav>
                <AppearanceControls />
            </div>
        </header>
        <main id=MAIN_ID tabindex="-1">
            // A new page, or a new shared session on the same page, rebuilds the page.
            {move || match page.get().route {
                Route::Home => view! { <Home /> }.into_any(),
                Route::Lesson(lesson) => view! { <LessonPage lesson=lesson /> }.into_any(),
                Route::Sandbox => view! { <Sandbox /> }.into_any(),
                Route::NotFound(path) => view! { <NotFound path=path /> }.into_any(),
            }}
        </main>
        <footer class="site-footer">
            <p>
                "A simulation for learning: it follows Apache Kafka's rules and says where it simplifies. "
                "Apache Kafka is a trademark of the Apache Software Foundation."
            </p>
        </footer>
    }
}
