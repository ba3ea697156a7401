//! Option parsing as Kafka's tools do it with jopt-simple: `--name value` or `--name=value`,
//! a unique prefix of a long option for the option (`--bootstrap` is `--bootstrap-server`),
//! repeatable options, typed arguments (`Integer`, `Long`) checked when the line is parsed.
//!
//! Every misspelling is a parse error naming the word and, when one is close, the option that
//! was probably meant.

use crate::error::ParseError;

/// What an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    /// Nothing (a flag).
    None,
    /// Text.
    Text,
    /// A 32-bit integer.
    Int,
    /// A 64-bit integer.
    Long,
    /// Text, optional (`--state` or `--state stable`).
    Optional,
}

/// One accepted option: its name, what it takes and Kafka's description of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// The name without `--`.
    pub name: &'static str,
    /// What it takes.
    pub arg: Arg,
    /// What it means (Kafka's own option description, shortened where long).
    pub help: &'static str,
}

impl Opt {
    /// A flag.
    pub const fn flag(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            arg: Arg::None,
            help,
        }
    }

    /// An option with text.
    pub const fn text(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            arg: Arg::Text,
            help,
        }
    }

    /// An option with an integer.
    pub const fn int(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            arg: Arg::Int,
            help,
        }
    }

    /// An option with a long integer.
    pub const fn long(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            arg: Arg::Long,
            help,
        }
    }

    /// An option with optional text.
    pub const fn optional(name: &'static str, help: &'static str) -> Opt {
        Opt {
            name,
            arg: Arg::Optional,
            help,
        }
    }
}

/// The options every tool accepts (`CommandDefaultOptions`).
pub const HELP: Opt = Opt::flag("help", "Print usage information.");

/// The options and other words of one command line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// Options in the order given, with their values.
    pub options: Vec<(&'static str, Option<String>)>,
    /// Words that are not options, in order.
    pub positionals: Vec<String>,
}

impl Parsed {
    /// Whether the option was given.
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(option, _)| *option == name)
    }

    /// The option's last value (jopt-simple's `valueOf` takes the only one).
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(option, _)| *option == name)
            .and_then(|(_, value)| value.as_deref())
    }

    /// Every value of a repeatable option, in order.
    pub fn values(&self, name: &str) -> Vec<String> {
        self.options
            .iter()
            .filter(|(option, _)| *option == name)
            .filter_map(|(_, value)| value.clone())
            .collect()
    }

    /// An integer option's value (checked when parsed).
    pub fn int(&self, name: &str) -> Option<i32> {
        self.value(name).and_then(|text| text.trim().parse().ok())
    }

    /// A long option's value (checked when parsed).
    pub fn long(&self, name: &str) -> Option<i64> {
        self.value(name).and_then(|text| text.trim().parse().ok())
    }

    /// How many of these options were given.
    pub fn count_of(&self, names: &[&str]) -> usize {
        names.iter().filter(|name| self.has(name)).count()
    }
}

/// [`parse`] for a tool that takes no positional argument: the first one is refused.
pub fn parse_options_only(
    tool: &str,
    specs: &[Opt],
    words: &[String],
) -> Result<Parsed, ParseError> {
    let parsed = parse(tool, specs, words)?;
    if let Some(extra) = parsed.positionals.first() {
        return Err(ParseError::new(
            0,
            extra,
            format!("unexpected argument '{extra}' for {tool}"),
        ));
    }
    Ok(parsed)
}

/// Refuses the first of Kafka's options the playground does not model, given as `--name` or
/// `--name=value`.
pub fn refuse_unmodelled(words: &[String], unmodelled: &[&str]) -> Result<(), ParseError> {
    let unmodelled_word = words.iter().find(|word| {
        word.starts_with("--")
            && unmodelled.contains(
                &word
                    .trim_start_matches('-')
                    .split('=')
                    .next()
                    .unwrap_or_default(),
            )
    });
    match unmodelled_word {
        Some(word) => Err(ParseError::new(
            0,
            word,
            format!("{word} is a Kafka option the playground does not model"),
        )),
        None => Ok(()),
    }
}

/// Parses `words` against `specs` for `tool` (the name used in messages).
pub fn parse(tool: &str, specs: &[Opt], words: &[String]) -> Result<Parsed, ParseError> {
    let mut parsed = Parsed::default();
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        index += 1;
        if word == "--" {
            parsed.positionals.extend(words[index..].iter().cloned());
            break;
        }
        let Some(body) = word.strip_prefix("--").filter(|body| !body.is_empty()) else {
            if word.len() > 1 && word.starts_with('-') && !is_number(word) {
                return Err(unknown(tool, specs, word));
            }
            parsed.positionals.push(word.clone());
            continue;
        };
        let (name, inline) = match body.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (body, None),
        };
        let spec = find(specs, name).ok_or_else(|| unknown(tool, specs, &format!("--{name}")))?;
        let value = take_value(tool, specs, spec, inline, words, &mut index)?;
        parsed.options.push((spec.name, value));
    }
    Ok(parsed)
}

fn take_value(
    tool: &str,
    specs: &[Opt],
    spec: &Opt,
    inline: Option<String>,
    words: &[String],
    index: &mut usize,
) -> Result<Option<String>, ParseError> {
    let next_is_option = |word: &String| {
        word.strip_prefix("--")
            .is_some_and(|name| find(specs, name.split('=').next().unwrap_or(name)).is_some())
    };
    let value = match spec.arg {
        Arg::None => {
            if inline.is_some() {
                return Err(ParseError::new(
                    0,
                    format!("--{}", spec.name),
                    format!("{tool}: option --{} takes no value", spec.name),
                ));
            }
            return Ok(None);
        }
        Arg::Optional => match inline {
            Some(value) => Some(value),
            None => match words.get(*index) {
                Some(next) if !next.starts_with('-') => {
                    *index += 1;
                    Some(next.clone())
                }
                _ => None,
            },
        },
        Arg::Text | Arg::Int | Arg::Long => match inline {
            Some(value) => Some(value),
            None => match words.get(*index) {
                Some(next) if !next_is_option(next) => {
                    *index += 1;
                    Some(next.clone())
                }
                _ => {
                    return Err(ParseError::new(
                        0,
                        format!("--{}", spec.name),
                        format!("{tool}: option --{} requires an argument", spec.name),
                    ))
                }
            },
        },
    };
    check_type(tool, spec, value.as_deref())?;
    Ok(value)
}

fn check_type(tool: &str, spec: &Opt, value: Option<&str>) -> Result<(), ParseError> {
    let Some(value) = value else {
        return Ok(());
    };
    let fits = match spec.arg {
        Arg::Int => value.trim().parse::<i32>().is_ok(),
        Arg::Long => value.trim().parse::<i64>().is_ok(),
        _ => true,
    };
    if fits {
        return Ok(());
    }
    let kind = if spec.arg == Arg::Int {
        "an integer"
    } else {
        "a whole number"
    };
    Err(ParseError::new(
        0,
        value,
        format!(
            "{tool}: option --{} expects {kind}, not '{value}'",
            spec.name
        ),
    ))
}

fn is_number(word: &str) -> bool {
    kplay_core::decimal::parse_f64(word).is_some()
}

/// The spec named `name`, exactly or by a unique prefix (jopt-simple's abbreviations).
pub fn find<'a>(specs: &'a [Opt], name: &str) -> Option<&'a Opt> {
    if let Some(exact) = specs.iter().find(|spec| spec.name == name) {
        return Some(exact);
    }
    let mut prefixed = specs.iter().filter(|spec| spec.name.starts_with(name));
    match (prefixed.next(), prefixed.next()) {
        (Some(only), None) if !name.is_empty() => Some(only),
        _ => None,
    }
}

fn unknown(tool: &str, specs: &[Opt], word: &str) -> ParseError {
    let name = word.trim_start_matches('-');
    let hint = suggest(name, specs.iter().map(|spec| spec.name))
        .map(|best| format!(" (did you mean --{best}?)"))
        .unwrap_or_default();
    ParseError::new(0, word, format!("unknown option {word} for {tool}{hint}"))
}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, candidate)| {
            *distance <= limit || (candidate.starts_with(word) && word.len() >= 3)
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance between two words.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            let deletion = previous[j + 1] + 1;
            let insertion = current[j] + 1;
            current.push(substitution.min(deletion).min(insertion));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Opt] = &[
        Opt::int("partitions", ""),
        Opt::text("topic", ""),
        Opt::flag("create", ""),
        Opt::int("partition-size-limit-per-response", ""),
    ];

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn values_come_after_a_space_or_an_equals_sign() {
        let parsed = parse("t", SPECS, &words("--create --topic a --partitions=3")).expect("ok");
        assert!(parsed.has("create"));
        assert_eq!(parsed.value("topic"), Some("a"));
        assert_eq!(parsed.int("partitions"), Some(3));
    }

    #[test]
    fn a_unique_prefix_names_the_option() {
        let parsed = parse("t", SPECS, &words("--cr --top a")).expect("ok");
        assert!(parsed.has("create"));
        assert_eq!(parsed.value("topic"), Some("a"));
        assert!(parse("t", SPECS, &words("--partition 3")).is_err());
    }

    #[test]
    fn typos_get_a_suggestion() {
        let error = parse("kafka-topics", SPECS, &words("--partitons 3")).expect_err("typo");
        assert_eq!(
            error.message,
            "unknown option --partitons for kafka-topics (did you mean --partitions?)"
        );
        assert_eq!(error.word, "--partitons");
    }

    #[test]
    fn typed_arguments_are_checked() {
        let error = parse("t", SPECS, &words("--partitions x")).expect_err("not a number");
        assert_eq!(error.word, "x");
        assert!(parse("t", SPECS, &words("--partitions")).is_err());
        assert!(parse("t", SPECS, &words("--topic --create")).is_err());
    }
}
