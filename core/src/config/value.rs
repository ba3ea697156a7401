//! A small `ConfigDef`: config types, parsing text as Kafka does, validators, and Kafka's exact
//! error messages.
//!
//! Mirrors `org.apache.kafka.common.config.ConfigDef` (`parseType`, `convertToString`, `Range`,
//! `ValidString`, `CaseInsensitiveValidString`, `ValidList`, `NonEmptyString`) and
//! `ConfigException`, whose message is `Invalid value <value> for configuration <name>: <why>`.
//! A value that does not parse is quoted as the user typed it (untrimmed, as `parseType` passes
//! the original object); a value a validator refuses is quoted as parsed (`0.50` prints `0.5`).
//!
//! Java's number formats are reproduced where they show: `Integer.parseInt` accepts a leading
//! `+`, `Double.parseDouble` accepts `1e3`, `.5`, `5.`, a `d`/`f` suffix, `NaN` and `Infinity`,
//! and `Double.toString` prints `1.0E10`. Simplified: non-ASCII digits (which Java's parsers
//! accept) and hexadecimal floating point literals are refused as "Not a number".

use serde::{Deserialize, Serialize};

/// `ConfigDef.Type`: how a config's text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConfigType {
    /// `true` or `false`, case-insensitive.
    Boolean,
    /// Text, trimmed.
    String,
    /// A 32-bit integer (`Integer.parseInt`).
    Int,
    /// A 16-bit integer (`Short.parseShort`).
    Short,
    /// A 64-bit integer (`Long.parseLong`).
    Long,
    /// A double (`Double.parseDouble`).
    Double,
    /// A comma-separated list; blanks around commas are dropped, an empty text is an empty list.
    List,
    /// A Java class name, which must be loadable.
    Class,
    /// Text that is never shown (`[hidden]`).
    Password,
}

impl ConfigType {
    /// The Java enum name, as in `Not a number of type INT`.
    pub fn name(&self) -> &'static str {
        match self {
            ConfigType::Boolean => "BOOLEAN",
            ConfigType::String => "STRING",
            ConfigType::Int => "INT",
            ConfigType::Short => "SHORT",
            ConfigType::Long => "LONG",
            ConfigType::Double => "DOUBLE",
            ConfigType::List => "LIST",
            ConfigType::Class => "CLASS",
            ConfigType::Password => "PASSWORD",
        }
    }

    /// The name Kafka's documentation tables use (`int`, `long`, ...).
    pub fn doc_name(&self) -> String {
        self.name().to_ascii_lowercase()
    }
}

/// A validator of `ConfigDef` (bounds are the Java `Number`s Kafka writes, all integers here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Validator {
    /// No validation.
    None,
    /// `Range.atLeast(min)`: `Value must be at least <min>`.
    AtLeast(i64),
    /// `Range.between(min, max)`: also `Value must be no more than <max>`.
    Between(i64, i64),
    /// `ValidString.in(...)`: `String must be one of: a, b` (case-sensitive).
    OneOf(&'static [&'static str]),
    /// `CaseInsensitiveValidString.in(...)`, values listed in the order Kafka prints them (its
    /// `HashSet` order, e.g. `CLASSIC, CONSUMER`).
    OneOfIgnoringCase(&'static [&'static str]),
    /// `ValidList.in(...)` (KIP-1161): an empty list is allowed; duplicates, empty entries and
    /// unknown entries are refused.
    ListOf(&'static [&'static str]),
    /// `NonEmptyString`: `String must be non-empty`.
    NonEmptyString,
    /// `CompressionType.GZIP.levelValidator()`: 1 to 9, or -1 (the codec's default).
    GzipLevel,
    /// `AutoOffsetResetStrategy.Validator` (KIP-1106): `earliest`, `latest`, `none` or
    /// `by_duration:<ISO-8601 duration>`.
    AutoOffsetReset,
    /// Stands in for the class loader of a `CLASS` config: the classes the simulator knows.
    /// Anything else is `Class <name> could not be found.`
    KnownClasses(&'static [&'static str]),
}

impl Validator {
    /// The validator's `toString()`, shown as "Valid Values" in Kafka's documentation.
    pub fn describe(&self) -> String {
        match self {
            Validator::None | Validator::KnownClasses(_) => String::new(),
            Validator::AtLeast(min) => format!("[{min},...]"),
            Validator::Between(min, max) => format!("[{min},...,{max}]"),
            Validator::OneOf(values) | Validator::ListOf(values) => {
                format!("[{}]", values.join(", "))
            }
            Validator::OneOfIgnoringCase(values) => {
                format!("(case insensitive) [{}]", values.join(", "))
            }
            Validator::NonEmptyString => "non-empty string".to_string(),
            Validator::GzipLevel => "[1,...,9] or -1".to_string(),
            Validator::AutoOffsetReset => {
                "[earliest, latest, none, by_duration:PnDTnHnMn.nS]".to_string()
            }
        }
    }
}

/// A config value after `ConfigDef.parseType` and validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Parsed {
    /// A `BOOLEAN`.
    Bool(bool),
    /// An `INT`.
    Int(i32),
    /// A `SHORT`.
    Short(i16),
    /// A `LONG`.
    Long(i64),
    /// A `DOUBLE`.
    Double(f64),
    /// A `STRING`, `CLASS` or `PASSWORD`, trimmed.
    Text(String),
    /// A `LIST`.
    List(Vec<String>),
}

impl Parsed {
    /// `ConfigDef.convertToString`: the value as Kafka prints it.
    pub fn to_kafka_string(&self) -> String {
        match self {
            Parsed::Bool(value) => value.to_string(),
            Parsed::Int(value) => value.to_string(),
            Parsed::Short(value) => value.to_string(),
            Parsed::Long(value) => value.to_string(),
            Parsed::Double(value) => java_double_to_string(*value),
            Parsed::Text(value) => value.clone(),
            Parsed::List(values) => values.join(","),
        }
    }
}

/// `ConfigException(name, value, message)`'s text.
pub fn invalid_value(name: &str, value: &str, reason: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {reason}")
}

/// Parses and validates `raw` as `ConfigDef.parseValue` does; the error is the
/// `ConfigException` message.
pub fn parse_and_validate(
    name: &str,
    config_type: ConfigType,
    validator: &Validator,
    raw: &str,
) -> Result<Parsed, String> {
    let parsed = parse_type(name, config_type, validator, raw)?;
    validate(name, validator, &parsed)?;
    Ok(parsed)
}

/// `ConfigDef.parseType` for text input.
pub fn parse_type(
    name: &str,
    config_type: ConfigType,
    validator: &Validator,
    raw: &str,
) -> Result<Parsed, String> {
    let trimmed = java_trim(raw);
    let not_a_number = || {
        invalid_value(
            name,
            raw,
            &format!("Not a number of type {}", config_type.name()),
        )
    };
    match config_type {
        ConfigType::Boolean => parse_bool(trimmed)
            .map(Parsed::Bool)
            .ok_or_else(|| invalid_value(name, raw, "Expected value to be either true or false")),
        ConfigType::String | ConfigType::Password => Ok(Parsed::Text(trimmed.to_string())),
        ConfigType::Int => java_parse_integer(trimmed)
            .and_then(|value| i32::try_from(value).ok())
            .map(Parsed::Int)
            .ok_or_else(not_a_number),
        ConfigType::Short => java_parse_integer(trimmed)
            .and_then(|value| i16::try_from(value).ok())
            .map(Parsed::Short)
            .ok_or_else(not_a_number),
        ConfigType::Long => java_parse_integer(trimmed)
            .and_then(|value| i64::try_from(value).ok())
            .map(Parsed::Long)
            .ok_or_else(not_a_number),
        ConfigType::Double => java_parse_double(trimmed)
            .map(Parsed::Double)
            .ok_or_else(not_a_number),
        ConfigType::List => Ok(Parsed::List(split_list(trimmed))),
        ConfigType::Class => parse_class(name, validator, raw, trimmed),
    }
}

fn parse_bool(trimmed: &str) -> Option<bool> {
    if trimmed.eq_ignore_ascii_case("true") {
        Some(true)
    } else if trimmed.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

fn parse_class(
    name: &str,
    validator: &Validator,
    raw: &str,
    trimmed: &str,
) -> Result<Parsed, String> {
    let known = match validator {
        Validator::KnownClasses(classes) => classes.contains(&trimmed),
        _ => false,
    };
    if known {
        Ok(Parsed::Text(trimmed.to_string()))
    } else {
        Err(invalid_value(
            name,
            raw,
            &format!("Class {raw} could not be found."),
        ))
    }
}

/// `trimmed.split("\\s*,\\s*", -1)`, or an empty list for an empty text.
pub fn split_list(trimmed: &str) -> Vec<String> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed
        .split(',')
        .map(|item| item.trim_matches(is_java_regex_space).to_string())
        .collect()
}

/// Java's `\s`: space, tab, newline, vertical tab, form feed, carriage return.
fn is_java_regex_space(character: char) -> bool {
    matches!(character, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

/// `String.trim()`: drops every character up to U+0020 at both ends (not Unicode spaces).
pub fn java_trim(text: &str) -> &str {
    text.trim_matches(|character: char| character <= ' ')
}

/// `Long.parseLong` over 128 bits, so callers can range-check for `int` and `short`.
fn java_parse_integer(text: &str) -> Option<i128> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<i128>().ok()
}

/// `Double.parseDouble` for decimal text (see the module doc for what is simplified).
fn java_parse_double(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match unsigned {
        "NaN" => f64::NAN,
        "Infinity" => f64::INFINITY,
        _ => parse_decimal(unsigned)?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// Digits with an optional point, an optional exponent and an optional `d`/`f` suffix.
fn parse_decimal(text: &str) -> Option<f64> {
    let body = text.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(text);
    crate::decimal::parse_unsigned(body)
}

/// `Double.toString`: `0.5`, `2.0`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`.
pub fn java_double_to_string(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_string();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let text = crate::decimal::shortest(value);
        return if text.contains('.') {
            text
        } else {
            format!("{text}.0")
        };
    }
    let scientific = crate::decimal::shortest_exponential(value);
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    format!("{mantissa}E{exponent}")
}

/// Runs the validator on a parsed value (`Validator.ensureValid`).
pub fn validate(name: &str, validator: &Validator, parsed: &Parsed) -> Result<(), String> {
    match (validator, parsed) {
        (Validator::AtLeast(min), _) => check_range(name, parsed, Some(*min), None),
        (Validator::Between(min, max), _) => check_range(name, parsed, Some(*min), Some(*max)),
        (Validator::OneOf(allowed), Parsed::Text(text)) => check_one_of(name, allowed, text),
        (Validator::OneOfIgnoringCase(allowed), Parsed::Text(text)) => {
            check_one_of_ignoring_case(name, allowed, text)
        }
        (Validator::ListOf(allowed), Parsed::List(items)) => check_list(name, allowed, items),
        (Validator::NonEmptyString, Parsed::Text(text)) if text.is_empty() => {
            Err(invalid_value(name, text, "String must be non-empty"))
        }
        (Validator::GzipLevel, Parsed::Int(level)) => check_gzip_level(name, *level),
        (Validator::AutoOffsetReset, Parsed::Text(text)) => check_auto_offset_reset(name, text),
        _ => Ok(()),
    }
}

/// `Range.ensureValid`: compares as doubles, as Kafka does.
fn check_range(
    name: &str,
    parsed: &Parsed,
    min: Option<i64>,
    max: Option<i64>,
) -> Result<(), String> {
    let number = match parsed {
        Parsed::Int(value) => f64::from(*value),
        Parsed::Short(value) => f64::from(*value),
        Parsed::Long(value) => *value as f64,
        Parsed::Double(value) => *value,
        _ => return Ok(()),
    };
    let shown = parsed.to_kafka_string();
    if let Some(min) = min {
        if number < min as f64 {
            return Err(invalid_value(
                name,
                &shown,
                &format!("Value must be at least {min}"),
            ));
        }
    }
    if let Some(max) = max {
        if number > max as f64 {
            return Err(invalid_value(
                name,
                &shown,
                &format!("Value must be no more than {max}"),
            ));
        }
    }
    Ok(())
}

fn check_one_of(name: &str, allowed: &[&str], text: &str) -> Result<(), String> {
    if allowed.contains(&text) {
        return Ok(());
    }
    let reason = format!("String must be one of: {}", allowed.join(", "));
    Err(invalid_value(name, text, &reason))
}

fn check_one_of_ignoring_case(name: &str, allowed: &[&str], text: &str) -> Result<(), String> {
    if allowed.iter().any(|value| value.eq_ignore_ascii_case(text)) {
        return Ok(());
    }
    let reason = format!(
        "String must be one of (case insensitive): {}",
        allowed.join(", ")
    );
    Err(invalid_value(name, text, &reason))
}

/// `ValidList.ensureValid` (KIP-1161): these messages have no `Invalid value` prefix.
fn check_list(name: &str, allowed: &[&str], items: &[String]) -> Result<(), String> {
    let mut seen: Vec<&str> = Vec::new();
    for item in items {
        if seen.contains(&item.as_str()) {
            return Err(format!(
                "Configuration '{name}' values must not be duplicated."
            ));
        }
        seen.push(item);
    }
    for item in items {
        if item.is_empty() {
            return Err(format!("Configuration '{name}' values must not be empty."));
        }
        check_one_of(name, allowed, item)?;
    }
    Ok(())
}

fn check_gzip_level(name: &str, level: i32) -> Result<(), String> {
    if level > 9 || (level < 1 && level != -1) {
        let reason = "Value must be between 1 and 9 or equal to -1";
        return Err(invalid_value(name, &level.to_string(), reason));
    }
    Ok(())
}

fn check_auto_offset_reset(name: &str, text: &str) -> Result<(), String> {
    if crate::kinds::AutoOffsetReset::parse(text).is_some() {
        return Ok(());
    }
    let reason = format!(
        "Invalid value `{text}` for configuration {name}. The value must be either 'earliest', \
         'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'."
    );
    Err(invalid_value(name, text, &reason))
}

/// `String.hashCode()` (UTF-16 code units, wrapping).
pub fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| {
        hash.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// The order a `java.util.HashSet` built from these names iterates in, sized as
/// `new HashSet<>(collection)` sizes its table. Kafka prints some sets of config names
/// (`Cannot update these configs dynamically: [...]`) in that order.
pub fn java_hash_set_order(names: &[String]) -> Vec<String> {
    let size = names.len().max(1) as f64;
    let wanted = ((size / 0.75) as u32 + 1).max(16);
    java_hash_order(names, wanted.next_power_of_two())
}

/// The order a `java.util.HashMap` (or `HashSet`) with a table of `capacity` buckets iterates
/// these names in: by bucket of the spread hash (`h ^ h >>> 16`). Names sharing a bucket are
/// ordered by name, where Java keeps insertion order: the simulator picks the deterministic
/// choice.
pub fn java_hash_order(names: &[String], capacity: u32) -> Vec<String> {
    let mask = capacity.max(1).next_power_of_two() - 1;
    let bucket = |name: &String| {
        let hash = java_string_hash(name) as u32;
        (hash ^ (hash >> 16)) & mask
    };
    let mut ordered: Vec<String> = names.to_vec();
    crate::sort::sort(&mut ordered);
    ordered.dedup();
    crate::sort::sort_by_key(&mut ordered, bucket);
    ordered
}

/// `Set.toString()` of names in `HashSet` order: `[a, b]`.
pub fn java_set_to_string(names: &[String]) -> String {
    format!("[{}]", java_hash_set_order(names).join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(config_type: ConfigType, validator: Validator, raw: &str) -> Result<Parsed, String> {
        parse_and_validate("some.config", config_type, &validator, raw)
    }

    #[test]
    fn text_that_is_not_a_number_names_the_type() {
        assert_eq!(
            parse(ConfigType::Long, Validator::None, "abc"),
            Err(
                "Invalid value abc for configuration some.config: Not a number of type LONG".into()
            )
        );
        assert_eq!(
            parse(ConfigType::Int, Validator::None, "3000000000"),
            Err(
                "Invalid value 3000000000 for configuration some.config: Not a number of type INT"
                    .into()
            )
        );
        assert_eq!(
            parse(ConfigType::Short, Validator::None, "40000"),
            Err(
                "Invalid value 40000 for configuration some.config: Not a number of type SHORT"
                    .into()
            )
        );
        assert_eq!(
            parse(ConfigType::Double, Validator::None, "half"),
            Err(
                "Invalid value half for configuration some.config: Not a number of type DOUBLE"
                    .into()
            )
        );
    }

    #[test]
    fn an_unparsable_value_is_quoted_as_typed_untrimmed() {
        assert_eq!(
            parse(ConfigType::Int, Validator::None, " 1.5"),
            Err(
                "Invalid value  1.5 for configuration some.config: Not a number of type INT".into()
            )
        );
    }

    #[test]
    fn numbers_parse_as_java_parses_them() {
        assert_eq!(
            parse(ConfigType::Int, Validator::None, " +42 "),
            Ok(Parsed::Int(42))
        );
        assert_eq!(
            parse(ConfigType::Long, Validator::None, "-1"),
            Ok(Parsed::Long(-1))
        );
        assert_eq!(
            parse(ConfigType::Double, Validator::None, ".5"),
            Ok(Parsed::Double(0.5))
        );
        assert_eq!(
            parse(ConfigType::Double, Validator::None, "1e3"),
            Ok(Parsed::Double(1000.0))
        );
        assert_eq!(
            parse(ConfigType::Double, Validator::None, "2d"),
            Ok(Parsed::Double(2.0))
        );
        assert!(parse(ConfigType::Double, Validator::None, "inf").is_err());
        assert!(parse(ConfigType::Int, Validator::None, "1_000").is_err());
    }

    #[test]
    fn booleans_ignore_case_and_refuse_anything_else() {
        assert_eq!(
            parse(ConfigType::Boolean, Validator::None, " TRUE "),
            Ok(Parsed::Bool(true))
        );
        assert_eq!(
            parse(ConfigType::Boolean, Validator::None, "yes"),
            Err("Invalid value yes for configuration some.config: Expected value to be either true or false".into())
        );
    }

    #[test]
    fn ranges_quote_the_parsed_value_and_the_bound() {
        assert_eq!(
            parse(ConfigType::Long, Validator::AtLeast(-1), "-5"),
            Err("Invalid value -5 for configuration some.config: Value must be at least -1".into())
        );
        assert_eq!(
            parse(ConfigType::Double, Validator::Between(0, 1), "1.50"),
            Err(
                "Invalid value 1.5 for configuration some.config: Value must be no more than 1"
                    .into()
            )
        );
        assert_eq!(Validator::Between(0, 1).describe(), "[0,...,1]");
        assert_eq!(Validator::AtLeast(0).describe(), "[0,...]");
    }

    #[test]
    fn string_choices_list_the_valid_values() {
        assert_eq!(
            parse(ConfigType::String, Validator::OneOf(&["all", "-1", "0", "1"]), "2"),
            Err("Invalid value 2 for configuration some.config: String must be one of: all, -1, 0, 1".into())
        );
        assert_eq!(
            parse(ConfigType::String, Validator::OneOfIgnoringCase(&["CLASSIC", "CONSUMER"]), "other"),
            Err("Invalid value other for configuration some.config: String must be one of (case insensitive): CLASSIC, CONSUMER".into())
        );
        assert!(parse(
            ConfigType::String,
            Validator::OneOfIgnoringCase(&["CLASSIC"]),
            "classic"
        )
        .is_ok());
    }

    #[test]
    fn lists_refuse_duplicates_empty_entries_and_unknown_values() {
        let policy = Validator::ListOf(&["compact", "delete"]);
        assert_eq!(
            parse(ConfigType::List, policy, "compact, compact"),
            Err("Configuration 'some.config' values must not be duplicated.".into())
        );
        assert_eq!(
            parse(ConfigType::List, policy, "compact,"),
            Err("Configuration 'some.config' values must not be empty.".into())
        );
        assert_eq!(
            parse(ConfigType::List, policy, "shred"),
            Err("Invalid value shred for configuration some.config: String must be one of: compact, delete".into())
        );
        assert_eq!(
            parse(ConfigType::List, policy, " "),
            Ok(Parsed::List(vec![]))
        );
        assert_eq!(
            parse(ConfigType::List, policy, "compact , delete"),
            Ok(Parsed::List(vec!["compact".into(), "delete".into()]))
        );
    }

    #[test]
    fn unknown_classes_cannot_be_found() {
        assert_eq!(
            parse(ConfigType::Class, Validator::KnownClasses(&["a.B"]), "a.C"),
            Err(
                "Invalid value a.C for configuration some.config: Class a.C could not be found."
                    .into()
            )
        );
    }

    #[test]
    fn empty_strings_are_refused_where_kafka_wants_text() {
        assert_eq!(
            parse(ConfigType::String, Validator::NonEmptyString, "  "),
            Err("Invalid value  for configuration some.config: String must be non-empty".into())
        );
    }

    #[test]
    fn gzip_levels_are_one_to_nine_or_minus_one() {
        assert!(parse(ConfigType::Int, Validator::GzipLevel, "-1").is_ok());
        assert_eq!(
            parse(ConfigType::Int, Validator::GzipLevel, "0"),
            Err("Invalid value 0 for configuration some.config: Value must be between 1 and 9 or equal to -1".into())
        );
    }

    #[test]
    fn auto_offset_reset_accepts_durations() {
        for good in [
            "earliest",
            " latest ",
            "none",
            "by_duration:PT1H",
            "by_duration:P1DT2H3M4.5S",
        ] {
            assert!(
                parse(ConfigType::String, Validator::AutoOffsetReset, good).is_ok(),
                "{good}"
            );
        }
        assert_eq!(
            parse(ConfigType::String, Validator::AutoOffsetReset, "sometimes"),
            Err("Invalid value sometimes for configuration some.config: Invalid value `sometimes` for configuration some.config. The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'.".into())
        );
        // AutoOffsetResetStrategyTest.testValidator: the names are lower case only.
        for bad in ["by_duration:-PT1H", "LATEST", "by_duration:PT1.5H"] {
            assert!(
                parse(ConfigType::String, Validator::AutoOffsetReset, bad).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn doubles_print_as_java_prints_them() {
        assert_eq!(java_double_to_string(0.5), "0.5");
        assert_eq!(java_double_to_string(2.0), "2.0");
        assert_eq!(java_double_to_string(1e10), "1.0E10");
        assert_eq!(java_double_to_string(1.5e-5), "1.5E-5");
        assert_eq!(java_double_to_string(0.0), "0.0");
    }

    #[test]
    fn java_string_hashes_match_java() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
    }
}
