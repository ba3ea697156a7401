//! Keyboard shortcuts: space plays or pauses, `.` steps, `?` opens the help. Never while the
//! learner types in a field or holds a modifier key, and space is left to a focused button
//! or checkbox (where it already means "press").

/// What a key press asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    Step,
    Help,
}

/// What has the keyboard focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// A text field, text area, select or content-editable element.
    Typing,
    /// A button, link, checkbox or slider: space presses it.
    Control,
    /// Anything else.
    Other,
}

/// The focus kind of an element.
pub fn focus_of(tag_name: &str, input_type: Option<&str>, editable: bool) -> Focus {
    if editable {
        return Focus::Typing;
    }
    match tag_name.to_ascii_lowercase().as_str() {
        "textarea" | "select" => Focus::Typing,
        "button" | "a" | "summary" => Focus::Control,
        "input" => match input_type {
            Some("checkbox" | "radio" | "range" | "button" | "submit") => Focus::Control,
            _ => Focus::Typing,
        },
        _ => Focus::Other,
    }
}

/// The shortcut for `key` with this focus.
pub fn shortcut(key: &str, focus: Focus, modifier: bool) -> Option<Shortcut> {
    if focus == Focus::Typing || modifier {
        return None;
    }
    match key {
        " " | "Spacebar" if focus == Focus::Other => Some(Shortcut::TogglePlay),
        "." => Some(Shortcut::Step),
        "?" => Some(Shortcut::Help),
        _ => None,
    }
}

/// The help text of the shortcuts.
pub const HELP: &[(&str, &str)] = &[
    ("Space", "play or pause"),
    (".", "step: run what is due at the next moment"),
    ("?", "show or hide this help"),
    (
        "Tab",
        "in the terminal: complete a command, option or name; on an empty line, move on",
    ),
    ("Shift+Tab, Esc", "in the terminal: leave the field"),
    ("↑ ↓", "in the terminal: walk the history"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortcuts_work_outside_fields_only() {
        assert_eq!(
            shortcut(" ", Focus::Other, false),
            Some(Shortcut::TogglePlay)
        );
        assert_eq!(shortcut(".", Focus::Control, false), Some(Shortcut::Step));
        assert_eq!(shortcut("?", Focus::Other, false), Some(Shortcut::Help));
        assert_eq!(shortcut(" ", Focus::Typing, false), None);
        assert_eq!(shortcut(" ", Focus::Control, false), None);
        assert_eq!(shortcut(".", Focus::Other, true), None);
        assert_eq!(shortcut("x", Focus::Other, false), None);
    }

    #[test]
    fn focus_kinds_are_recognised() {
        assert_eq!(focus_of("INPUT", Some("text"), false), Focus::Typing);
        assert_eq!(focus_of("INPUT", None, false), Focus::Typing);
        assert_eq!(focus_of("INPUT", Some("range"), false), Focus::Control);
        assert_eq!(focus_of("TEXTAREA", None, false), Focus::Typing);
        assert_eq!(focus_of("BUTTON", None, false), Focus::Control);
        assert_eq!(focus_of("DIV", None, false), Focus::Other);
        assert_eq!(focus_of("DIV", None, true), Focus::Typing);
    }
}
