//! The `panels:` front matter field: which parts of the playground a lesson shows.
//!
//! Shared by the build script (which refuses unknown or repeated names) and the library (so
//! the web crate can check it draws each one).

/// Every panel the playground view can show, in the order the teacher's guide lists them.
pub const PANELS: &[&str] = &[
    "cluster", "producer", "groups", "log", "terminal", "events", "alerts",
];

/// Parses `cluster, terminal, events`: known names, each once. An empty text means "all".
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let mut panels: Vec<String> = Vec::new();
    for name in text
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        if !PANELS.contains(&name) {
            return Err(format!(
                "front matter field `panels` names an unknown panel {name:?} (known: {})",
                PANELS.join(", ")
            ));
        }
        if panels.iter().any(|earlier| earlier == name) {
            return Err(format!("front matter field `panels` names {name:?} twice"));
        }
        panels.push(name.to_owned());
    }
    Ok(panels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_panels_are_kept_in_the_order_given() {
        assert_eq!(
            parse("terminal, cluster,events").expect("valid"),
            vec!["terminal", "cluster", "events"]
        );
        assert!(parse("").expect("valid").is_empty());
    }

    #[test]
    fn unknown_and_repeated_panels_are_refused() {
        assert!(parse("cluster, logs")
            .unwrap_err()
            .contains("unknown panel \"logs\""));
        assert!(parse("log, log").unwrap_err().contains("twice"));
    }
}
