//! The page for an address that leads nowhere: never a blank page.

use leptos::prelude::*;

/// "Page not found", with the address shown back as text and a way home.
#[component]
pub fn NotFound(
    /// The URL fragment that matched no page.
    path: String,
) -> impl IntoView {
    view! {
        <div class="page page-not-found" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at " <code>{format!("#{path}")}</code> "."</p>
            <p>
                <a href="#/">"Back to the lessons"</a>
            </p>
        </div>
    }
}
