//! The front matter block at the top of a lesson file, and its rules.
//!
//! Used by the build script (through `#[path]`) and unit-tested natively by the library, so a
//! teacher's mistake is caught with a clear message before anything reaches the browser.

use crate::{cluster_options, panels};

/// The fields every lesson must give, in the order they are documented.
pub const FIELDS: [&str; 4] = ["slug", "title", "summary", "simulation"];

/// The fields a lesson may give.
pub const OPTIONAL_FIELDS: [&str; 2] = ["cluster", "panels"];

/// The live view whose lessons may use `panels:` and `kplay` blocks.
pub const PLAYGROUND: &str = "playground";

/// A lesson's front matter: the required fields present and non-empty, the optional ones
/// valid (empty when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub simulation: String,
    /// The raw `cluster:` options, checked by [`cluster_options::parse`]; "" when absent.
    pub cluster: String,
    /// The `panels:` names; empty when absent (every panel).
    pub panels: Vec<String>,
}

/// Splits a lesson file into its front matter and its Markdown body.
///
/// `known_simulations` are the live views a lesson may name. The error says what is wrong in
/// words a teacher can act on; the caller adds the file name.
pub fn parse<'a>(
    text: &'a str,
    known_simulations: &[&str],
) -> Result<(FrontMatter, &'a str), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front_matter, body) = split(text)?;

    let mut values: [Option<String>; 6] = Default::default();
    let all_fields = || FIELDS.iter().chain(OPTIONAL_FIELDS.iter());
    for (index, line) in front_matter.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let line_number = index + 2;
        let (field, value) = line.split_once(':').ok_or(format!(
            "front matter line {line_number} is not `field: value`: {line:?}"
        ))?;
        let field = field.trim();
        let slot = all_fields()
            .position(|known| *known == field)
            .ok_or(format!(
                "front matter line {line_number}: unknown field `{field}` (expected: {})",
                all_fields().copied().collect::<Vec<_>>().join(", ")
            ))?;
        if values[slot].is_some() {
            return Err(format!("front matter field `{field}` is given twice"));
        }
        values[slot] = Some(value.trim().to_owned());
    }
    let [slug, title, summary, simulation, cluster, panels] = values;
    let front_matter = FrontMatter {
        slug: require(slug, "slug")?,
        title: require(title, "title")?,
        summary: require(summary, "summary")?,
        simulation: require(simulation, "simulation")?,
        cluster: cluster.unwrap_or_default(),
        panels: panels::parse(panels.as_deref().unwrap_or_default())?,
    };

    let slug = &front_matter.slug;
    if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "front matter field `slug` ({slug:?}) may hold only a-z, 0-9 and '-': it becomes the page address #/lessons/<slug>"
        ));
    }
    let simulation = &front_matter.simulation;
    if !known_simulations.contains(&simulation.as_str()) {
        return Err(format!(
            "front matter field `simulation` names an unknown live view {simulation:?} (known: {})",
            known_simulations.join(", ")
        ));
    }
    cluster_options::parse(&front_matter.cluster)
        .map_err(|error| format!("front matter field `cluster`: {error}"))?;
    if !front_matter.panels.is_empty() && *simulation != PLAYGROUND {
        return Err(format!(
            "front matter field `panels` is only for the `{PLAYGROUND}` live view, not {simulation:?}"
        ));
    }
    Ok((front_matter, body))
}

/// The text between the opening and closing `---` lines, and everything after.
fn split(text: &str) -> Result<(&str, &str), String> {
    const MISSING: &str = "the file must start with a front matter block: a line `---`, the fields `slug:`, `title:`, `summary:` and `simulation:` (and optionally `cluster:` and `panels:`), then a line `---`";
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or(MISSING)?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    Err("the front matter block is not closed by a line `---`".to_owned())
}

fn require(value: Option<String>, field: &str) -> Result<String, String> {
    match value {
        Some(value) if !value.is_empty() => Ok(value),
        Some(_) => Err(format!("front matter field `{field}` is empty")),
        None => Err(format!("front matter field `{field}` is missing")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["partitioning", "playground"];

    fn lesson(front_matter: &str) -> String {
        format!("---\n{front_matter}---\n\nSome *prose*.\n")
    }

    #[test]
    fn a_complete_front_matter_is_parsed_and_the_body_follows() {
        let text = lesson("slug: a-b\ntitle: A: B\nsummary: S.\nsimulation: partitioning\n");
        let (front_matter, body) = parse(&text, KNOWN).expect("valid");
        assert_eq!(front_matter.slug, "a-b");
        assert_eq!(front_matter.title, "A: B");
        assert_eq!(body, "\nSome *prose*.\n");
    }

    #[test]
    fn windows_line_endings_are_accepted() {
        let text =
            "---\r\nslug: a\r\ntitle: T\r\nsummary: S\r\nsimulation: partitioning\r\n---\r\nBody";
        let (front_matter, body) = parse(text, KNOWN).expect("valid");
        assert_eq!(front_matter.simulation, "partitioning");
        assert_eq!(body, "Body");
    }

    #[test]
    fn a_missing_field_is_named() {
        let text = lesson("slug: a\ntitle: T\nsimulation: partitioning\n");
        assert_eq!(
            parse(&text, KNOWN).unwrap_err(),
            "front matter field `summary` is missing"
        );
    }

    #[test]
    fn an_empty_field_is_named() {
        let text = lesson("slug: a\ntitle:\nsummary: S\nsimulation: partitioning\n");
        assert_eq!(
            parse(&text, KNOWN).unwrap_err(),
            "front matter field `title` is empty"
        );
    }

    #[test]
    fn a_file_without_front_matter_is_refused() {
        let error = parse("# Title\n", KNOWN).unwrap_err();
        assert!(
            error.starts_with("the file must start with a front matter block"),
            "{error}"
        );
    }

    #[test]
    fn an_unclosed_front_matter_is_refused() {
        let error = parse("---\nslug: a\n", KNOWN).unwrap_err();
        assert!(error.contains("not closed"), "{error}");
    }

    #[test]
    fn unknown_fields_and_duplicates_are_refused() {
        let typo = lesson("slug: a\ntitel: T\nsummary: S\nsimulation: partitioning\n");
        assert!(parse(&typo, KNOWN)
            .unwrap_err()
            .contains("unknown field `titel`"));
        let twice = lesson("slug: a\nslug: b\ntitle: T\nsummary: S\nsimulation: partitioning\n");
        assert!(parse(&twice, KNOWN)
            .unwrap_err()
            .contains("`slug` is given twice"));
    }

    #[test]
    fn a_slug_that_is_not_a_url_segment_is_refused() {
        let text =
            lesson("slug: Topics and keys\ntitle: T\nsummary: S\nsimulation: partitioning\n");
        assert!(parse(&text, KNOWN)
            .unwrap_err()
            .contains("may hold only a-z"));
    }

    #[test]
    fn cluster_and_panels_are_optional() {
        let text = lesson("slug: a\ntitle: T\nsummary: S\nsimulation: playground\n");
        let (front_matter, _) = parse(&text, KNOWN).expect("valid");
        assert_eq!(front_matter.cluster, "");
        assert!(front_matter.panels.is_empty());
    }

    #[test]
    fn cluster_and_panels_are_read_and_checked() {
        let text = lesson(
            "slug: a\ntitle: T\nsummary: S\nsimulation: playground\ncluster: brokers=1, broker.num.partitions=3\npanels: cluster, terminal\n",
        );
        let (front_matter, _) = parse(&text, KNOWN).expect("valid");
        assert_eq!(front_matter.cluster, "brokers=1, broker.num.partitions=3");
        assert_eq!(front_matter.panels, vec!["cluster", "terminal"]);

        let bad_cluster =
            lesson("slug: a\ntitle: T\nsummary: S\nsimulation: playground\ncluster: nodes=3\n");
        assert!(parse(&bad_cluster, KNOWN)
            .unwrap_err()
            .starts_with("front matter field `cluster`: unknown cluster option `nodes`"));
        let bad_panel =
            lesson("slug: a\ntitle: T\nsummary: S\nsimulation: playground\npanels: brokers\n");
        assert!(parse(&bad_panel, KNOWN)
            .unwrap_err()
            .contains("unknown panel \"brokers\""));
    }

    #[test]
    fn panels_belong_to_the_playground_view() {
        let text = lesson("slug: a\ntitle: T\nsummary: S\nsimulation: partitioning\npanels: log\n");
        assert!(parse(&text, KNOWN)
            .unwrap_err()
            .contains("only for the `playground` live view"));
    }

    #[test]
    fn an_unknown_simulation_is_refused() {
        let text = lesson("slug: a\ntitle: T\nsummary: S\nsimulation: replication\n");
        assert!(parse(&text, KNOWN)
            .unwrap_err()
            .contains("unknown live view \"replication\""));
    }
}
