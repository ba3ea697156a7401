//! The little JSON the tools read (`kafka-delete-records --offset-json-file`), as Kafka's
//! `Json.parseFull` reads it with Jackson: standard JSON, the first value of the text (Jackson
//! ignores what follows it), integers that fit an `int` apart from those that need a `long`,
//! and a value printed back as Jackson's `JsonNode.toString` prints it in Kafka's error
//! messages (`Expected `Integer` value, received "two"`).
//!
//! Written by hand: `serde_json` left the playground's WebAssembly to keep `dist/` small
//! (issue 5), and the tools need a few dozen lines of it.

use std::fmt;

use kplay_core::config::value::java_double_to_string;
use kplay_core::decimal::parse_f64;

/// A JSON value, as Jackson's tree model types it.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits a Java `int` (`IntNode`).
    Int(i32),
    /// An integer that needs a Java `long` (`LongNode`).
    Long(i64),
    /// A larger integer (`BigIntegerNode`), as written.
    BigInteger(String),
    /// A number with a fraction or an exponent (`DoubleNode`).
    Double(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's fields in order; a repeated name keeps its first place and its last value.
    Object(Vec<(String, Json)>),
}

/// Jackson's `JsonMappingException`, as Kafka's `JsonValue` and `DecodeJson` throw it: the
/// message with its class, as `Throwable.toString` prints it.
fn mapping(message: String) -> String {
    format!("com.fasterxml.jackson.databind.JsonMappingException: {message}")
}

/// Kafka's `JsonValue` and `DecodeJson` (server-common `util/json`) over a parsed value: each
/// accessor fails with the `JsonMappingException` Kafka's tools die with.
impl Json {
    /// `JsonObject.get`: the field `name` of an object.
    pub fn field(&self, name: &str) -> Option<&Json> {
        match self {
            Json::Object(fields) => fields.iter().find(|(key, _)| key == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// `asJsonObject`: this value, if it is an object.
    pub fn object(&self) -> Result<&Json, String> {
        match self {
            Json::Object(_) => Ok(self),
            _ => Err(mapping(format!("Expected JSON object, received {self}"))),
        }
    }

    /// `asJsonArray`: the items of an array.
    pub fn array(&self) -> Result<&[Json], String> {
        match self {
            Json::Array(items) => Ok(items),
            _ => Err(mapping(format!("Expected JSON array, received {self}"))),
        }
    }

    /// `JsonObject.apply`: the field `name`, which must be there.
    pub fn require(&self, name: &str) -> Result<&Json, String> {
        self.field(name)
            .ok_or_else(|| mapping(format!("No such field exists: `{name}`")))
    }

    /// `DecodeString`.
    pub fn string(&self) -> Result<&str, String> {
        match self {
            Json::String(text) => Ok(text),
            _ => Err(self.expected("String")),
        }
    }

    /// `DecodeInteger`: an `int`.
    pub fn int(&self) -> Result<i32, String> {
        match self {
            Json::Int(value) => Ok(*value),
            _ => Err(self.expected("Integer")),
        }
    }

    /// `DecodeLong`: an `int` or a `long`.
    pub fn long(&self) -> Result<i64, String> {
        match self {
            Json::Int(value) => Ok(i64::from(*value)),
            Json::Long(value) => Ok(*value),
            _ => Err(self.expected("Long")),
        }
    }

    fn expected(&self, kind: &str) -> String {
        mapping(format!("Expected `{kind}` value, received {self}"))
    }
}

/// `Json.parseFull`: the first JSON value of `text`, or `None` when the text does not start
/// with one.
pub fn parse(text: &str) -> Option<Json> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    reader.value(0)
}

/// Deeper than this is refused rather than risking the stack (Jackson allows 1000 since 2.15).
const MAX_DEPTH: usize = 1000;

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip_blanks(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.skip_blanks();
        let found = self.bytes.get(self.at) == Some(&byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_blanks();
        match *self.bytes.get(self.at)? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::String),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'n' => self.word("null", Json::Null),
            _ => self.number(),
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Option<Json> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.at += 1;
        let mut fields: Vec<(String, Json)> = Vec::new();
        if self.eat(b'}') {
            return Some(Json::Object(fields));
        }
        loop {
            self.skip_blanks();
            let name = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            let value = self.value(depth + 1)?;
            match fields.iter_mut().find(|(key, _)| *key == name) {
                Some(field) => field.1 = value,
                None => fields.push((name, value)),
            }
            if self.eat(b'}') {
                return Some(Json::Object(fields));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.at += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Some(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.eat(b']') {
                return Some(Json::Array(items));
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        self.at += 1;
        let mut units: Vec<u16> = Vec::new();
        loop {
            let c = self.text.get(self.at..)?.chars().next()?;
            self.at += c.len_utf8();
            match c {
                '"' => return String::from_utf16(&units).ok(),
                '\\' => {
                    let escape = *self.bytes.get(self.at)?;
                    self.at += 1;
                    let unit = match escape {
                        b'"' => 0x22,
                        b'\\' => 0x5c,
                        b'/' => 0x2f,
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => 0x0a,
                        b'r' => 0x0d,
                        b't' => 0x09,
                        b'u' => {
                            let hex = self.text.get(self.at..self.at + 4)?;
                            self.at += 4;
                            hex.chars().try_fold(0u16, |unit, digit| {
                                Some(unit * 16 + digit.to_digit(16)? as u16)
                            })?
                        }
                        _ => return None,
                    };
                    units.push(unit);
                }
                c if u32::from(c) < 0x20 => return None,
                c => units.extend(c.encode_utf16(&mut [0; 2]).iter()),
            }
        }
    }

    /// A number as JSON writes it: `-`, digits without a leading zero, then an optional
    /// fraction and exponent.
    fn number(&mut self) -> Option<Json> {
        let start = self.at;
        let digits = |reader: &mut Self| {
            let from = reader.at;
            while reader.bytes.get(reader.at).is_some_and(u8::is_ascii_digit) {
                reader.at += 1;
            }
            reader.at - from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let integer_start = self.at;
        let integer_digits = digits(self);
        if integer_digits == 0 || (integer_digits > 1 && self.bytes[integer_start] == b'0') {
            return None;
        }
        let mut integral = true;
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            integral = false;
            if digits(self) == 0 {
                return None;
            }
        }
        if matches!(self.bytes.get(self.at), Some(b'e' | b'E')) {
            self.at += 1;
            integral = false;
            if matches!(self.bytes.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if digits(self) == 0 {
                return None;
            }
        }
        let text = &self.text[start..self.at];
        if !integral {
            return parse_f64(text).map(Json::Double);
        }
        Some(match text.parse::<i64>() {
            Ok(value) => i32::try_from(value).map_or(Json::Long(value), Json::Int),
            Err(_) => Json::BigInteger(text.to_string()),
        })
    }
}

/// `JsonNode.toString`: compact JSON.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(value) => write!(f, "{value}"),
            Json::Int(value) => write!(f, "{value}"),
            Json::Long(value) => write!(f, "{value}"),
            Json::BigInteger(digits) => f.write_str(digits),
            Json::Double(value) => f.write_str(&java_double_to_string(*value)),
            Json::String(text) => write_string(f, text),
            Json::Array(items) => {
                f.write_str("[")?;
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Object(fields) => {
                f.write_str("{")?;
                for (index, (name, value)) in fields.iter().enumerate() {
                    if index > 0 {
                        f.write_str(",")?;
                    }
                    write_string(f, name)?;
                    write!(f, ":{value}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A JSON string as Jackson writes it: `"` and `\` escaped, control characters as `\n`,
/// `\t`... or `\u00XX`.
fn write_string(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in text.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04X}", u32::from(c))?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_typed_by_the_java_type_they_fit() {
        assert_eq!(parse("7"), Some(Json::Int(7)));
        assert_eq!(parse("-2147483648"), Some(Json::Int(i32::MIN)));
        assert_eq!(parse("2147483648"), Some(Json::Long(2_147_483_648)));
        assert_eq!(
            parse("-99999999999999999999"),
            Some(Json::BigInteger("-99999999999999999999".into()))
        );
        assert_eq!(parse("1.5"), Some(Json::Double(1.5)));
        assert_eq!(parse("1e3").map(|v| v.to_string()), Some("1000.0".into()));
        assert_eq!(
            Json::Long(5).int(),
            Err("com.fasterxml.jackson.databind.JsonMappingException: Expected `Integer` value, received 5".into())
        );
        assert_eq!(Json::Int(5).long(), Ok(5));
    }

    #[test]
    fn objects_print_back_compactly_with_their_fields_in_order() {
        let text = r#" { "partitions" : [ {"topic": "t\"1", "partition": 0, "offset": -1} ], "version": 1, "version": 2 } "#;
        let value = parse(text).expect("valid");
        assert_eq!(
            value.to_string(),
            r#"{"partitions":[{"topic":"t\"1","partition":0,"offset":-1}],"version":2}"#
        );
        assert_eq!(value.field("version"), Some(&Json::Int(2)));
        assert_eq!(
            parse(r#"["a\u0041\n", true, null]"#).map(|v| v.to_string()),
            Some(r#"["aA\n",true,null]"#.into())
        );
    }

    #[test]
    fn text_that_is_not_json_is_refused_and_what_follows_a_value_is_ignored() {
        for bad in [
            "",
            "   ",
            "{",
            "{\"a\" 1}",
            "[1,]",
            "{'a':1}",
            "01",
            "-",
            "1.",
            "tru",
            "\"a",
            "{\"a\":1,}",
            "\"\u{1}\"",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(parse("{} trailing"), Some(Json::Object(Vec::new())));
        let deep = "[".repeat(MAX_DEPTH + 2);
        assert_eq!(parse(&deep), None);
    }
}
