//! The front matter block at the top of a lesson file, and its rules.
//!
//! Used by the build script (through `#[path]`) and unit-tested natively by the library, so a
//! teacher's mistake is caught with a clear message before anything reaches the browser.

/// The fields every lesson must give, in the order they are documented.
pub const FIELDS: [&str; 4] = ["slug", "title", "summary", "simulation"];

/// A lesson's front matter, every field present and non-empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatter {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub simulation: String,
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

    let mut values: [Option<String>; 4] = Default::default();
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
        let slot = FIELDS
            .iter()
            .position(|known| *known == field)
            .ok_or(format!(
                "front matter line {line_number}: unknown field `{field}` (expected: {})",
                FIELDS.join(", ")
            ))?;
        if values[slot].is_some() {
            return Err(format!("front matter field `{field}` is given twice"));
        }
        values[slot] = Some(value.trim().to_owned());
    }
    let [slug, title, summary, simulation] = values;
    let front_matter = FrontMatter {
        slug: require(slug, "slug")?,
        title: require(title, "title")?,
        summary: require(summary, "summary")?,
        simulation: require(simulation, "simulation")?,
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
    Ok((front_matter, body))
}

/// The text between the opening and closing `---` lines, and everything after.
fn split(text: &str) -> Result<(&str, &str), String> {
    const MISSING: &str = "the file must start with a front matter block: a line `---`, the fields `slug:`, `title:`, `summary:` and `simulation:`, then a line `---`";
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

    const KNOWN: &[&str] = &["partitioning"];

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
    fn an_unknown_simulation_is_refused() {
        let text = lesson("slug: a\ntitle: T\nsummary: S\nsimulation: replication\n");
        assert!(parse(&text, KNOWN)
            .unwrap_err()
            .contains("unknown live view \"replication\""));
    }
}
