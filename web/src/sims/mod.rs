//! The live views a lesson can sit beside, chosen by the lesson's `simulation` id.

pub mod partitioning;

use leptos::prelude::*;

/// The simulation ids this crate has a view for (see `kplay_lessons::SIMULATIONS`).
/// `playground` is drawn by the lesson page itself (see `lesson_setup.rs`).
pub const VIEWS: &[&str] = &["partitioning", "playground"];

/// The live view named `id`, or a short note if this build has none by that name.
#[component]
pub fn Simulation(
    /// A lesson's `simulation` front matter field.
    id: &'static str,
) -> impl IntoView {
    match id {
        "partitioning" => view! { <partitioning::PartitioningSim /> }.into_any(),
        other => view! {
            <p class="notice">"This lesson asks for a live view named " <code>{other}</code> " that this version does not have."</p>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulation_a_lesson_may_name_has_a_view() {
        for id in kplay_lessons::SIMULATIONS {
            assert!(VIEWS.contains(id), "no live view for simulation {id:?}");
        }
    }
}
