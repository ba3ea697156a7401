//! The home page: what the playground is, and the list of lessons.

use kplay_lessons::LESSONS;
use leptos::prelude::*;

use crate::route::lesson_href;

/// The lesson list.
#[component]
pub fn Home() -> impl IntoView {
    let visited = crate::progress::visited();
    view! {
        <div class="page page-home">
            <h1>"Learn Apache Kafka by playing with it"</h1>
            <p class="lead">
                "Each lesson explains one idea of Kafka beside a live, simulated cluster you can poke at. "
                "Everything runs in your browser; nothing is sent anywhere."
            </p>
            <h2>"Lessons"</h2>
            <ol class="lesson-list" data-testid="lesson-list">
                {LESSONS
                    .iter()
                    .map(|lesson| {
                        let seen = visited.iter().any(|slug| slug == lesson.slug);
                        view! {
                            <li class="lesson-card">
                                <a class="lesson-link" data-testid="lesson-link" href=lesson_href(lesson.slug)>
                                    {lesson.title}
                                </a>
                                {seen.then(|| view! { <span class="badge" data-testid="visited">"opened"</span> })}
                                <p class="lesson-summary">{lesson.summary}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <h2>"Sandbox"</h2>
            <p>
                <a href="#/sandbox">"Open the sandbox"</a>
                ": a free cluster with presets, up to 9 brokers and 48 partitions."
            </p>
        </div>
    }
}
