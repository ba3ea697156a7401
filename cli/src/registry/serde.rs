//! Confluent's Avro serializer and deserializer, as `kafka-avro-console-producer` and
//! `kafka-avro-console-consumer` use them (`AvroMessageReader`, `AvroMessageFormatter`).
//!
//! - **Writing**: a line is read as Avro's JSON encoding of a datum of the schema
//!   (`JsonDecoder`: every field present, a union's value as `{"branch": value}` or `null`);
//!   the serializer registers the schema under the subject `<topic>-value` (or `-key`) at its
//!   first record (`auto.register.schemas=true`) and frames the datum: the magic byte 0, the
//!   schema id in 4 bytes, then the data.
//! - **Reading**: the deserializer reads the magic byte and the id, fetches the schema by id
//!   from the registry, and prints the datum as Avro's `JsonEncoder` writes it.
//!
//! Simplified, and said so in lesson 16: the data after the 5 bytes is Avro's JSON encoding of
//! the datum (compact), not Avro's binary encoding, because the playground's values are text;
//! each byte of the id is one character (so an id byte from 128 on is two bytes of UTF-8). A
//! `float` is kept and printed as a `double`.

use super::avro::{type_name, Schema, Shape};
use crate::json::Json;

/// How deep a datum may nest before it is refused (rather than risking the stack).
const MAX_DEPTH: u32 = 1000;

/// Reads `value` as a datum of `schema` (`GenericDatumReader` over Avro's `JsonDecoder`) and
/// gives it back as Avro's `JsonEncoder` writes it: fields in the schema's order, numbers of a
/// `float` or `double` as Java doubles. Err: the exception, as `Caused by:` prints it.
pub fn read_datum(schema: &Schema, value: &Json) -> Result<Json, String> {
    read(schema, schema.root, value, 0)
}

/// Avro's `AvroTypeException`, as `Caused by:` prints it.
fn avro(message: String) -> String {
    format!("org.apache.avro.AvroTypeException: {message}")
}

/// The Jackson token a value starts with, as `JsonDecoder`'s errors name it.
fn token(value: &Json) -> &'static str {
    match value {
        Json::Null => "VALUE_NULL",
        Json::Bool(true) => "VALUE_TRUE",
        Json::Bool(false) => "VALUE_FALSE",
        Json::Int(_) | Json::Long(_) | Json::BigInteger(_) => "VALUE_NUMBER_INT",
        Json::Double(_) => "VALUE_NUMBER_FLOAT",
        Json::String(_) => "VALUE_STRING",
        Json::Array(_) => "START_ARRAY",
        Json::Object(_) => "START_OBJECT",
    }
}

/// The label of a union's branch (`Schema.getFullName` for a named type, else its type).
fn label(schema: &Schema, id: usize) -> String {
    match schema.shape(id) {
        Shape::Record(named, ..) | Shape::Enum(named, ..) | Shape::Fixed(named, ..) => named.full(),
        other => type_name(other).to_ascii_lowercase(),
    }
}

fn read(schema: &Schema, id: usize, value: &Json, depth: u32) -> Result<Json, String> {
    if depth > MAX_DEPTH {
        return Err(avro(format!("Datum nested deeper than {MAX_DEPTH} levels")));
    }
    let expected = |what: &str| avro(format!("Expected {what}. Got {}", token(value)));
    let shape = schema.shape(id);
    Ok(match (shape, value) {
        (Shape::Primitive("null"), Json::Null) => Json::Null,
        (Shape::Primitive("boolean"), Json::Bool(b)) => Json::Bool(*b),
        (Shape::Primitive("int"), Json::Int(n)) => Json::Int(*n),
        (Shape::Primitive("long"), Json::Int(_) | Json::Long(_)) => value.clone(),
        // Jackson's `getIntValue` and `getLongValue`, under Avro's decoder.
        (Shape::Primitive("int"), Json::Long(_) | Json::BigInteger(_)) => {
            return Err(format!("com.fasterxml.jackson.core.exc.InputCoercionException: Numeric value ({value}) out of range of int (-2147483648 - 2147483647)"))
        }
        (Shape::Primitive("long"), Json::BigInteger(_)) => {
            return Err(format!("com.fasterxml.jackson.core.exc.InputCoercionException: Numeric value ({value}) out of range of long (-9223372036854775808 - 9223372036854775807)"))
        }
        (Shape::Primitive("float" | "double"), Json::Int(n)) => Json::Double(f64::from(*n)),
        (Shape::Primitive("float" | "double"), Json::Long(n)) => Json::Double(*n as f64),
        (Shape::Primitive("float" | "double"), Json::Double(x)) => Json::Double(*x),
        (Shape::Primitive("string" | "bytes"), Json::String(_)) => value.clone(),
        (Shape::Enum(_, symbols, _), Json::String(symbol)) => {
            if !symbols.contains(symbol) {
                return Err(avro(format!("Unknown symbol in enum {symbol}")));
            }
            value.clone()
        }
        (Shape::Fixed(_, size), Json::String(text)) => {
            let length = text.chars().count();
            if length != usize::try_from(*size).unwrap_or(0) {
                return Err(avro(format!("Expected fixed length {size}, but got{length}")));
            }
            value.clone()
        }
        (Shape::Array(items), Json::Array(values)) => Json::Array(
            values
                .iter()
                .map(|v| read(schema, *items, v, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        (Shape::Map(values), Json::Object(entries)) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| Ok((k.clone(), read(schema, *values, v, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        (Shape::Union(branches), _) => {
            let (name, inner) = match value {
                Json::Null => ("null".to_string(), None),
                Json::Object(entries) if !entries.is_empty() => {
                    (entries[0].0.clone(), Some(&entries[0].1))
                }
                _ => return Err(expected("start-union")),
            };
            let Some(branch) = branches.iter().find(|b| label(schema, **b) == name) else {
                return Err(avro(format!("Unknown union branch {name}")));
            };
            match inner {
                None => Json::Null,
                Some(inner) => {
                    Json::Object(vec![(name, read(schema, *branch, inner, depth + 1)?)])
                }
            }
        }
        (Shape::Record(_, Some(fields), _), Json::Object(_)) => {
            let mut out = Vec::with_capacity(fields.len());
            for field in fields {
                let Some(inner) = value.field(&field.name) else {
                    return Err(avro(format!(
                        "Expected field name not found: {}",
                        field.name
                    )));
                };
                out.push((field.name.clone(), read(schema, field.schema, inner, depth + 1)?));
            }
            Json::Object(out)
        }
        (Shape::Array(_), _) => return Err(expected("array-start")),
        (Shape::Map(_), _) => return Err(expected("map-start")),
        (Shape::Record(..), _) => return Err(expected("record-start")),
        (other, _) => return Err(expected(&type_name(other).to_ascii_lowercase())),
    })
}

/// The serialized form: the magic byte 0, the schema id in 4 bytes (big-endian), the datum.
pub fn frame(id: u32, datum: &Json) -> String {
    let mut out: String = std::iter::once(0u8)
        .chain(id.to_be_bytes())
        .map(char::from)
        .collect();
    out.push_str(&datum.to_string());
    out
}

/// The schema id and the datum's text of a serialized value, or the deserializer's exception
/// (`Unknown magic byte!`).
pub fn unframe(value: &str) -> Result<(u32, &str), String> {
    let unknown = || format!("{SERIALIZATION}: Unknown magic byte!");
    let mut chars = value.char_indices();
    if chars.next().map(|(_, c)| c) != Some('\0') {
        return Err(unknown());
    }
    let mut id = 0u32;
    for _ in 0..4 {
        let byte = chars
            .next()
            .and_then(|(_, c)| u8::try_from(u32::from(c)).ok())
            .ok_or_else(unknown)?;
        id = (id << 8) | u32::from(byte);
    }
    let start = chars.next().map_or(value.len(), |(at, _)| at);
    Ok((id, &value[start..]))
}

/// Whether a `key.serializer` or `key.deserializer` is Kafka's string one.
pub fn is_string_serde(class: &str) -> bool {
    matches!(
        class.trim(),
        "org.apache.kafka.common.serialization.StringSerializer"
            | "org.apache.kafka.common.serialization.StringDeserializer"
    )
}

/// Whether `schema.registry.url` names the registry (curl reaches it the same way).
fn is_registry_url(url: &str) -> bool {
    let url = url.trim().trim_end_matches('/');
    super::store::HOSTS
        .iter()
        .any(|host| url == format!("http://{host}:{}", super::store::PORT))
}

const SERIALIZATION: &str = "org.apache.kafka.common.errors.SerializationException";
const REFUSED: &str = "Caused by: java.net.ConnectException: Connection refused";

/// A `RestClientException` from the registry's answer, as `toKafkaException` turns it into
/// the client's exception: a client error (a 4xx code) is a configuration problem, anything
/// else a `SerializationException` with `message`.
fn rest_error(body: &str, message: &str) -> Vec<String> {
    let answer = crate::json::parse(body);
    let field = |name: &str| answer.as_ref().and_then(|a| a.field(name));
    let code = match field("error_code") {
        Some(Json::Int(code)) => *code,
        _ => 50001,
    };
    let text = match field("message") {
        Some(Json::String(text)) => text.as_str(),
        _ => body,
    };
    let cause = format!("{text}; error code: {code}");
    if code / 100 == 4 {
        vec![format!(
            "org.apache.kafka.common.errors.InvalidConfigurationException: {cause}"
        )]
    } else {
        vec![
            format!("{SERIALIZATION}: {message}"),
            format!("Caused by: io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException: {cause}"),
        ]
    }
}

/// The registry-aware serializer of one console producer run: its schemas, and the ids the
/// registry gave them (cached after the first record, as `CachedSchemaRegistryClient` does).
#[derive(Debug, Clone)]
pub struct Serializer {
    url: String,
    value: (Schema, Option<u32>),
    key: Option<(Schema, Option<u32>)>,
}

impl Serializer {
    /// `AvroMessageReader.configure`: `schema.registry.url`, `value.schema`, and `key.schema`
    /// when `parse.key` is on, unless `key.serializer` is Kafka's `StringSerializer` (the keys
    /// are then plain text). Err: the exception that stops the tool.
    pub fn configure(props: &[(String, String)], parse_key: bool) -> Result<Serializer, String> {
        let property = |name: &str| crate::tools::property(props, name);
        let config =
            |message: &str| format!("org.apache.kafka.common.config.ConfigException: {message}");
        let url = property("schema.registry.url")
            .ok_or_else(|| config("Missing schema registry url!"))?;
        let schema = |name: &str| -> Result<Schema, String> {
            let text = property(name)
                .ok_or_else(|| config(&format!("Must provide the Avro schema string in {name}")))?;
            super::avro::parse_schema(text)
                .map_err(|m| format!("org.apache.avro.SchemaParseException: {m}"))
        };
        Ok(Serializer {
            url: url.to_string(),
            value: (schema("value.schema")?, None),
            key: if parse_key && !property("key.serializer").is_some_and(is_string_serde) {
                Some((schema("key.schema")?, None))
            } else {
                None
            },
        })
    }

    /// Serializes a key or a value typed as Avro JSON (`None`, the null marker, stays null).
    /// Err: the exception's lines (the record is not sent, and the tool stops).
    pub fn serialize(
        &mut self,
        shell: &mut crate::shell::Shell,
        topic: &str,
        is_key: bool,
        text: Option<&str>,
    ) -> Result<Option<String>, Vec<String>> {
        let Some(text) = text else { return Ok(None) };
        let url = self.url.clone();
        let slot = if is_key {
            self.key.as_mut()
        } else {
            Some(&mut self.value)
        };
        let Some((schema, id)) = slot else {
            return Ok(Some(text.to_string()));
        };
        let canonical = schema.canonical();
        let not_read = || {
            vec![format!(
                "{SERIALIZATION}: Error deserializing json {text} to Avro of schema {canonical}"
            )]
        };
        let parsed = crate::json::parse(text).ok_or_else(not_read)?;
        let datum = read_datum(schema, &parsed).map_err(|cause| {
            let mut lines = not_read();
            lines.push(format!("Caused by: {cause}"));
            lines
        })?;
        let id = match id {
            Some(id) => *id,
            None => {
                let registered = register(shell, &url, topic, is_key, &canonical)?;
                *id = Some(registered);
                registered
            }
        };
        Ok(Some(frame(id, &datum)))
    }
}

/// `POST /subjects/<topic>-value/versions` (or `-key`), as the serializer registers its schema.
fn register(
    shell: &mut crate::shell::Shell,
    url: &str,
    topic: &str,
    is_key: bool,
    canonical: &str,
) -> Result<u32, Vec<String>> {
    let refused = || {
        vec![
            format!("{SERIALIZATION}: Error serializing Avro message"),
            REFUSED.to_string(),
        ]
    };
    if !is_registry_url(url) {
        return Err(refused());
    }
    let path = format!(
        "/subjects/{topic}-{}/versions",
        if is_key { "key" } else { "value" }
    );
    let body =
        Json::Object(vec![("schema".into(), Json::String(canonical.to_string()))]).to_string();
    let request = super::Request {
        method: "POST",
        path: &path,
        query: "",
        body: Some(&body),
    };
    let response = super::store::request(shell, request).map_err(|_| refused())?;
    match crate::json::parse(&response.body)
        .as_ref()
        .and_then(|a| a.field("id"))
    {
        Some(Json::Int(id)) if response.status == 200 => Ok(*id as u32),
        _ => Err(rest_error(
            &response.body,
            &format!("Error registering Avro schema{canonical}"),
        )),
    }
}

/// The deserializer (`KafkaAvroDeserializer` under `AvroMessageFormatter`): a serialized key or
/// value as Avro JSON, its schema fetched by id from the registry. Err: the exception's lines.
pub fn deserialize(
    registry: &super::SchemaRegistry,
    is_key: bool,
    value: &str,
) -> Result<String, Vec<String>> {
    let (id, text) = unframe(value).map_err(|e| vec![e])?;
    let kind = if is_key { "key" } else { "value" };
    let retrieving = format!("{SERIALIZATION}: Error retrieving Avro {kind} schema for id {id}");
    if !registry.started {
        return Err(vec![retrieving, REFUSED.to_string()]);
    }
    let Some(schema) = registry.schema_by_id(id) else {
        let mut lines = vec![retrieving];
        lines.push(format!("Caused by: io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException: Schema {id} not found; error code: 40403"));
        return Err(lines);
    };
    crate::json::parse(text)
        .ok_or_else(|| "not Avro JSON".to_string())
        .and_then(|parsed| read_datum(schema, &parsed))
        .map(|datum| datum.to_string())
        .map_err(|_| {
            vec![format!(
                "{SERIALIZATION}: Error deserializing Avro message for id {id}"
            )]
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;
    use crate::registry::avro::parse_schema;

    fn datum(schema: &str, value: &str) -> Result<String, String> {
        let schema = parse_schema(schema).expect("schema");
        read_datum(&schema, &parse(value).expect("json")).map(|d| d.to_string())
    }

    const ORDER: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"},{"name":"note","type":["null","string"],"default":null},{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["WEB","SHOP"]}}]}"#;

    /// Avro's `JsonDecoder` and `JsonEncoder`: fields in the schema's order, an int where a
    /// double goes written as a double, a union's branch named, extra fields ignored.
    #[test]
    fn a_datum_is_read_as_avro_json_and_written_back_in_schema_order() {
        assert_eq!(
            datum(
                ORDER,
                r#"{"kind":"WEB","amount":25,"id":"o-1","note":{"string":"gift"},"x":1}"#
            ),
            Ok(r#"{"id":"o-1","amount":25.0,"note":{"string":"gift"},"kind":"WEB"}"#.to_string())
        );
        assert_eq!(
            datum(
                ORDER,
                r#"{"id":"o-1","amount":2.5,"note":null,"kind":"SHOP"}"#
            ),
            Ok(r#"{"id":"o-1","amount":2.5,"note":null,"kind":"SHOP"}"#.to_string())
        );
    }

    /// The `AvroTypeException` messages of Avro's `JsonDecoder`.
    #[test]
    fn a_datum_that_does_not_fit_gets_avros_message() {
        let cases = [
            (r#"{"id":"o-1"}"#, "Expected field name not found: amount"),
            (
                r#"{"id":"o-1","amount":"ten","note":null,"kind":"WEB"}"#,
                "Expected double. Got VALUE_STRING",
            ),
            (
                r#"{"id":"o-1","amount":1,"note":"gift","kind":"WEB"}"#,
                "Expected start-union. Got VALUE_STRING",
            ),
            (
                r#"{"id":"o-1","amount":1,"note":{"int":3},"kind":"WEB"}"#,
                "Unknown union branch int",
            ),
            (
                r#"{"id":"o-1","amount":1,"note":null,"kind":"MAIL"}"#,
                "Unknown symbol in enum MAIL",
            ),
            (r#"[1]"#, "Expected record-start. Got START_ARRAY"),
        ];
        for (value, message) in cases {
            assert_eq!(
                datum(ORDER, value),
                Err(format!("org.apache.avro.AvroTypeException: {message}")),
                "{value}"
            );
        }
        assert!(datum(r#""int""#, "3000000000").unwrap_err().starts_with(
            "com.fasterxml.jackson.core.exc.InputCoercionException: Numeric value (3000000000) out of range of int"
        ));
    }

    #[test]
    fn a_framed_value_gives_back_its_id_and_datum() {
        for id in [1, 2, 200, 70_000] {
            let framed = frame(id, &Json::String("x".into()));
            assert_eq!(unframe(&framed), Ok((id, "\"x\"")));
        }
        assert!(frame(2, &Json::Null).starts_with("\0\0\0\0\u{2}"));
        for plain in ["", "{\"id\":1}", "\0\0"] {
            assert!(unframe(plain).unwrap_err().ends_with("Unknown magic byte!"));
        }
    }
}
