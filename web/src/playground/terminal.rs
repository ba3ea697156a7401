//! The terminal: the kplay-cli shell in the page. Lines run at the timeline's cursor like any
//! other action and print exactly what the native `kplay` tool prints; up and down walk the
//! history, Tab completes (commands, options, topic, group and config names), `--help` and
//! `help` explain. Tab on an empty line, Shift+Tab and Escape leave the field, so the keyboard
//! is never trapped in it.

use kplay_cli::is_incomplete;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::keyed_list::keyed_list;

use super::model::TerminalEntry;
use super::Intent;

/// The line after Tab: the partial word replaced by the only candidate (with a space after a
/// whole word), or extended to the candidates' common prefix. Also returns the candidates to
/// list when there are several.
pub fn apply_completion(line: &str, candidates: &[String]) -> (String, Vec<String>) {
    let start = line.rfind(char::is_whitespace).map_or(0, |index| index + 1);
    let partial = &line[start..];
    match candidates {
        [] => (line.to_owned(), Vec::new()),
        [only] => {
            let space = if only.ends_with('=') { "" } else { " " };
            (format!("{}{only}{space}", &line[..start]), Vec::new())
        }
        many => {
            let mut prefix = many[0].clone();
            for candidate in &many[1..] {
                while !candidate.starts_with(&prefix) {
                    prefix.pop();
                }
            }
            let extended = if prefix.len() > partial.len() {
                format!("{}{prefix}", &line[..start])
            } else {
                line.to_owned()
            };
            (extended, many.to_vec())
        }
    }
}

/// The commands of a block of script text, in order: each line, or a command with its
/// here-document, as the terminal would take them one Enter at a time. Blank lines and
/// comments are left out; an unfinished last command is kept as it is (running it prints why).
pub fn commands_of(block: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in block.lines() {
        let trimmed = line.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        pending.push_str(line);
        pending.push('\n');
        if !is_incomplete(&pending) {
            commands.push(pending.trim_end_matches('\n').to_owned());
            pending.clear();
        }
    }
    if !pending.trim().is_empty() {
        commands.push(pending.trim_end_matches('\n').to_owned());
    }
    commands
}

/// Whether Tab completes: only when there is something before the cursor (`cursor` counts
/// UTF-16 units, as the browser does) and Shift is up. Otherwise the browser moves the focus.
pub fn tab_completes(line: &str, cursor: u32, shift: bool) -> bool {
    if shift {
        return false;
    }
    let mut units = 0;
    line.chars()
        .take_while(|c| {
            units += c.len_utf16() as u32;
            units <= cursor
        })
        .any(|c| !c.is_whitespace())
}

/// Whether a line a tool printed on standard error reports a failure. Kafka's tools also
/// print plain information there (the console consumer's `Processed a total of N messages`,
/// an empty group's "has no active members"), which is shown like ordinary output.
pub fn is_error_line(line: &str) -> bool {
    let line = line.trim();
    !(line.is_empty()
        || line.starts_with("Processed a total of ")
        || (line.starts_with("Consumer group '") && line.ends_with("' has no active members.")))
}

/// Standard error in pieces of consecutive lines, each marked as a failure or not.
pub fn stderr_pieces(stderr: &str) -> Vec<(bool, String)> {
    let mut pieces: Vec<(bool, String)> = Vec::new();
    for line in stderr.split_inclusive('\n') {
        let error = is_error_line(line);
        match pieces.last_mut() {
            Some((last, text)) if *last == error => text.push_str(line),
            _ => pieces.push((error, line.to_owned())),
        }
    }
    pieces
}

/// Where the history cursor goes on up (`-1`) or down (`+1`): `None` is the line being typed.
pub fn history_step(position: Option<usize>, length: usize, delta: i32) -> Option<usize> {
    match (position, delta < 0) {
        (None, true) => length.checked_sub(1),
        (None, false) => None,
        (Some(index), true) => Some(index.saturating_sub(1)),
        (Some(index), false) => (index + 1 < length).then_some(index + 1),
    }
}

/// The terminal panel.
#[component]
pub fn Terminal(
    /// What was typed and printed, oldest first.
    entries: Memo<Vec<TerminalEntry>>,
    /// Completion candidates for a line, with the cursor at its end.
    complete: Callback<String, Vec<String>>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let (line, set_line) = signal(String::new());
    let (pending, set_pending) = signal(String::new());
    let (history, set_history) = signal(Vec::<String>::new());
    let (position, set_position) = signal(None::<usize>);
    let (choices, set_choices) = signal(Vec::<String>::new());
    let output_ref = NodeRef::<leptos::html::Div>::new();

    // The outside world: keep the newest output in view.
    Effect::new(move |_| {
        entries.track();
        if let Some(element) = output_ref.get() {
            element.set_scroll_top(element.scroll_height());
        }
    });

    let submit = move || {
        let typed = line.get_untracked();
        let text = format!("{}{typed}", pending.get_untracked());
        set_line.set(String::new());
        set_choices.set(Vec::new());
        set_position.set(None);
        if is_incomplete(&text) {
            set_pending.set(format!("{text}\n"));
            return;
        }
        set_pending.set(String::new());
        if text.trim().is_empty() {
            return;
        }
        set_history.update(|h| {
            if h.last() != Some(&text) {
                h.push(text.clone());
            }
        });
        dispatch.run(Intent::Terminal(text));
    };
    let on_key = move |event: KeyboardEvent| match event.key().as_str() {
        "Enter" => {
            event.prevent_default();
            submit();
        }
        "ArrowUp" | "ArrowDown" => {
            event.prevent_default();
            let delta = if event.key() == "ArrowUp" { -1 } else { 1 };
            let length = history.with_untracked(Vec::len);
            let next = history_step(position.get_untracked(), length, delta);
            set_position.set(next);
            let text = next
                .and_then(|i| history.with_untracked(|h| h.get(i).cloned()))
                .unwrap_or_default();
            set_line.set(text);
        }
        "Tab" => {
            let typed = line.get_untracked();
            let cursor = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.selection_start().ok().flatten())
                .unwrap_or(u32::MAX);
            if !tab_completes(&typed, cursor, event.shift_key()) {
                set_choices.set(Vec::new());
                return;
            }
            event.prevent_default();
            let candidates = complete.run(typed.clone());
            let (next, listed) = apply_completion(&typed, &candidates);
            set_line.set(next);
            set_choices.set(listed);
        }
        "Escape" => {
            if let Some(input) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = input.blur();
            }
        }
        _ => {}
    };
    let focus_input = move |_| {
        if let Some(input) = document()
            .get_element_by_id("terminal-input")
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = input.focus();
        }
    };
    view! {
        <section class="panel terminal" data-testid="terminal" aria-labelledby="terminal-title">
            <h3 id="terminal-title">"Terminal"</h3>
            <div class="terminal-output" node_ref=output_ref on:click=focus_input data-testid="terminal-output"
                role="log" aria-label="Terminal output">
                <p class="hint">"Kafka's tools against the simulated cluster. Type help, a tool with --help, or a few letters and Tab."</p>
                {keyed_list(
                    move || entries.get(),
                    |entry| entry.number,
                    move |entry| view! {
                        <div class="terminal-entry" data-testid="terminal-entry">
                            <pre class="terminal-line"><span aria-hidden="true">"$ "</span>{entry.line}</pre>
                            <pre class="terminal-stdout">{entry.stdout}</pre>
                            <pre class="terminal-stderr">
                                {stderr_pieces(&entry.stderr)
                                    .into_iter()
                                    .map(|(error, text)| view! {
                                        <span class=if error { "terminal-stderr-error" } else { "terminal-stderr-note" }>
                                            {text}
                                        </span>
                                    })
                                    .collect_view()}
                            </pre>
                        </div>
                    }
                    .into_any(),
                )}
            </div>
            <Show when=move || !choices.with(Vec::is_empty)>
                <p class="terminal-choices" data-testid="completions">{move || choices.get().join("  ")}</p>
            </Show>
            <label class="terminal-prompt">
                <span aria-hidden="true">{move || if pending.with(String::is_empty) { "$" } else { ">" }}</span>
                <span class="visually-hidden">"Command"</span>
                <input
                    id="terminal-input"
                    type="text"
                    data-testid="terminal-input"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    prop:value=line
                    on:input:target=move |ev| set_line.set(ev.target().value())
                    on:keydown=on_key
                />
            </label>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_candidate_completes_the_word() {
        let (line, listed) = apply_completion("kafka-to", &["kafka-topics".to_owned()]);
        assert_eq!(line, "kafka-topics ");
        assert!(listed.is_empty());
        let (line, _) = apply_completion("x --producer-property ac", &["acks=".to_owned()]);
        assert_eq!(line, "x --producer-property acks=");
    }

    #[test]
    fn several_candidates_extend_to_their_common_prefix_and_are_listed() {
        let candidates = vec!["start".to_owned(), "stop".to_owned()];
        let (line, listed) = apply_completion("kplay broker s", &candidates);
        assert_eq!(line, "kplay broker st");
        assert_eq!(listed, candidates);
    }

    #[test]
    fn a_block_is_run_one_command_at_a_time() {
        let block = "# look first\nkafka-topics --bootstrap-server localhost:9092 --list\n\n\
kafka-console-producer --bootstrap-server localhost:9092 --topic t <<EOF\na\nb\nEOF\n\
kplay time advance 1s\n";
        assert_eq!(
            commands_of(block),
            vec![
                "kafka-topics --bootstrap-server localhost:9092 --list".to_owned(),
                "kafka-console-producer --bootstrap-server localhost:9092 --topic t <<EOF\na\nb\nEOF"
                    .to_owned(),
                "kplay time advance 1s".to_owned(),
            ]
        );
        assert_eq!(commands_of("echo 'open"), vec!["echo 'open".to_owned()]);
        assert!(commands_of("\n# only a comment\n").is_empty());
    }

    #[test]
    fn tab_completes_only_a_started_word_and_never_with_shift() {
        assert!(
            !tab_completes("", 0, false),
            "an empty line lets the focus move on"
        );
        assert!(!tab_completes("   ", 3, false));
        assert!(
            !tab_completes("kafka-to", 0, false),
            "nothing before the cursor"
        );
        assert!(tab_completes("kafka-to", 8, false));
        assert!(
            tab_completes("kafka-topics ", 13, false),
            "lists the options"
        );
        assert!(!tab_completes("kafka-to", 8, true), "Shift+Tab moves back");
        assert!(tab_completes("é", 1, false));
    }

    #[test]
    fn information_on_standard_error_is_not_shown_as_a_failure() {
        assert!(!is_error_line("Processed a total of 3 messages\n"));
        assert!(!is_error_line(
            "Consumer group 'orders-app' has no active members."
        ));
        assert!(is_error_line("Error: UNKNOWN_TOPIC_OR_PARTITION"));
        assert_eq!(
            stderr_pieces("Error: x\nmore\nProcessed a total of 0 messages\n"),
            vec![
                (true, "Error: x\nmore\n".to_owned()),
                (false, "Processed a total of 0 messages\n".to_owned()),
            ]
        );
        assert!(stderr_pieces("").is_empty());
    }

    #[test]
    fn history_walks_back_and_forth() {
        assert_eq!(history_step(None, 3, -1), Some(2));
        assert_eq!(history_step(Some(0), 3, -1), Some(0));
        assert_eq!(history_step(Some(1), 3, 1), Some(2));
        assert_eq!(history_step(Some(2), 3, 1), None);
        assert_eq!(history_step(None, 0, -1), None);
    }
}
