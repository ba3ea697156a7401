//! The learner's display choices: the colour theme (the system's, light or dark) and the
//! presenter mode (large type for a projector), kept in `localStorage` and applied to `<html>`.

use leptos::prelude::*;

use crate::session::{load, save};

const THEME_KEY: &str = "kplay.theme";
const PRESENTER_KEY: &str = "kplay.presenter";

/// The next theme in the cycle system → light → dark → system.
pub fn next_theme(theme: &str) -> &'static str {
    match theme {
        "light" => "dark",
        "dark" => "system",
        _ => "light",
    }
}

/// The theme and presenter switches in the header.
#[component]
pub fn AppearanceControls() -> impl IntoView {
    let (theme, set_theme) = signal(load(THEME_KEY).unwrap_or_else(|| "system".to_owned()));
    let (presenter, set_presenter) = signal(load(PRESENTER_KEY).as_deref() == Some("on"));
    // The outside world: the document's attributes and storage follow the choices.
    Effect::new(move |_| {
        let theme = theme.get();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", &theme);
            let _ =
                root.set_attribute("data-presenter", if presenter.get() { "on" } else { "off" });
        }
        let _ = save(THEME_KEY, Some(&theme));
        let _ = save(
            PRESENTER_KEY,
            Some(if presenter.get() { "on" } else { "off" }),
        );
    });
    view! {
        <div class="appearance" role="group" aria-label="Display">
            <button
                type="button"
                class="button-quiet"
                data-testid="theme"
                on:click=move |_| set_theme.update(|t| *t = next_theme(t).to_owned())
            >
                {move || format!("Theme: {}", theme.get())}
            </button>
            <button
                type="button"
                class="button-quiet"
                data-testid="presenter"
                aria-pressed=move || presenter.get().to_string()
                on:click=move |_| set_presenter.update(|p| *p = !*p)
            >
                "Presenter mode"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_theme_cycles() {
        assert_eq!(next_theme("system"), "light");
        assert_eq!(next_theme("light"), "dark");
        assert_eq!(next_theme("dark"), "system");
        assert_eq!(next_theme("garbage"), "light");
    }
}
