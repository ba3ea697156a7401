//! Hash routing: `#/` is the lesson list, `#/lessons/<slug>` a lesson, `#/sandbox` the free
//! playground, anything else "not found". A shared session rides after the route
//! (`#/sandbox?s=...`): opening one rebuilds the page with that session.
//!
//! The route lives in the URL fragment so the built site works from any folder of any static
//! host, with no server rewrite rules.

use kplay_lessons::Lesson;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A page of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Home,
    Lesson(&'static Lesson),
    Sandbox,
    /// No page here; holds the fragment as typed, to show it back.
    NotFound(String),
}

impl Route {
    /// The route named by a URL fragment, with or without its leading `#`.
    pub fn from_hash(hash: &str) -> Route {
        let fragment = hash.strip_prefix('#').unwrap_or(hash);
        let path = fragment.split(['?', '&']).next().unwrap_or_default();
        let segments: Vec<&str> = path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .collect();
        match segments.as_slice() {
            [] | ["lessons"] => Route::Home,
            ["sandbox"] => Route::Sandbox,
            ["lessons", slug] => match kplay_lessons::find(slug) {
                Some(lesson) => Route::Lesson(lesson),
                None => Route::NotFound(fragment.to_owned()),
            },
            _ => Route::NotFound(fragment.to_owned()),
        }
    }

    /// The browser tab's title on this page.
    pub fn document_title(&self) -> String {
        match self {
            Route::Home => "Kafka Playground".to_owned(),
            Route::Lesson(lesson) => format!("{} · Kafka Playground", lesson.title),
            Route::Sandbox => "Sandbox · Kafka Playground".to_owned(),
            Route::NotFound(_) => "Page not found · Kafka Playground".to_owned(),
        }
    }
}

/// The link to a lesson, relative to the page.
pub fn lesson_href(slug: &str) -> String {
    format!("#/lessons/{slug}")
}

/// What decides which page is built: the route, and for a shared session riding after it
/// (`?s=...`) the navigation that brought it, so every session link opened rebuilds the page
/// (even the same link twice: the playground takes the session out of the address).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageKey {
    pub route: Route,
    pub session_navigation: Option<u64>,
}

impl PageKey {
    /// The key of the fragment `hash`, reached by the `navigation`-th `hashchange`.
    pub fn of(hash: &str, navigation: u64) -> PageKey {
        let has_session = hash
            .split_once('?')
            .is_some_and(|(_, query)| query.split('&').any(|pair| pair.starts_with("s=")));
        PageKey {
            route: Route::from_hash(hash),
            session_navigation: has_session.then_some(navigation),
        }
    }
}

/// The current page, following `hashchange`.
pub fn use_hash_page() -> Memo<PageKey> {
    let (hash, set_hash) = signal((current_hash(), 0u64));
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        set_hash.update(|(hash, navigation)| {
            *hash = current_hash();
            *navigation += 1;
        });
        // A new page starts at its top, and keyboard focus starts at its content.
        window().scroll_to_with_x_and_y(0.0, 0.0);
        focus_main();
    });
    on_cleanup(move || listener.remove());
    Memo::new(move |_| hash.with(|(hash, navigation)| PageKey::of(hash, *navigation)))
}

/// Moves keyboard focus to the page's `<main>` (the skip link and page changes use it).
pub fn focus_main() {
    let main = document().get_element_by_id(MAIN_ID);
    if let Some(main) = main.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = main.focus();
    }
}

/// The id of the page's `<main>`.
pub const MAIN_ID: &str = "main";

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_fragment_is_home() {
        for hash in ["", "#", "#/", "/", "#/lessons", "#/lessons/"] {
            assert_eq!(Route::from_hash(hash), Route::Home, "{hash}");
        }
    }

    #[test]
    fn a_lesson_slug_finds_its_lesson() {
        let lesson = &kplay_lessons::LESSONS[0];
        let route = Route::from_hash(&lesson_href(lesson.slug));
        assert_eq!(route, Route::Lesson(lesson));
        assert_eq!(
            Route::from_hash(&format!("#/lessons/{}/", lesson.slug)),
            route
        );
        assert_eq!(
            Route::from_hash(&format!("#/lessons/{}?x=1", lesson.slug)),
            route
        );
    }

    #[test]
    fn unknown_paths_and_slugs_are_not_found() {
        for hash in [
            "#/lessons/nope",
            "#/about",
            "#main",
            "#/lessons/a/b",
            "#<script>",
        ] {
            assert!(
                matches!(Route::from_hash(hash), Route::NotFound(_)),
                "{hash}"
            );
        }
        assert_eq!(Route::from_hash("#/x"), Route::NotFound("/x".to_owned()));
    }

    #[test]
    fn the_sandbox_keeps_its_route_with_a_session() {
        assert_eq!(Route::from_hash("#/sandbox"), Route::Sandbox);
        assert_eq!(Route::from_hash("#/sandbox?s=abc"), Route::Sandbox);
    }

    #[test]
    fn only_a_session_link_makes_a_new_page_of_the_same_route() {
        assert_eq!(PageKey::of("#/sandbox", 1), PageKey::of("#/sandbox", 2));
        assert_ne!(
            PageKey::of("#/sandbox?s=abc", 1),
            PageKey::of("#/sandbox?s=abc", 2)
        );
        assert_eq!(PageKey::of("#/sandbox?s=abc", 3).route, Route::Sandbox);
        assert_eq!(PageKey::of("#/sandbox?x=1", 3).session_navigation, None);
    }

    #[test]
    fn each_page_has_a_title() {
        let lesson = &kplay_lessons::LESSONS[0];
        assert_eq!(
            Route::Lesson(lesson).document_title(),
            format!("{} · Kafka Playground", lesson.title)
        );
        assert_eq!(Route::Home.document_title(), "Kafka Playground");
    }
}
