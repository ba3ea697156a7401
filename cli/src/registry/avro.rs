//! Avro schemas as Confluent Schema Registry reads and prints them. The registry hands a
//! schema's text to Avro's `Schema.Parser` (in `AvroSchema`'s constructor, which also checks
//! field defaults for a schema being registered) and stores what Avro's `Schema.toString()`
//! prints back: compact JSON, each named type written out once and then referred to by name.
//!
//! Follows apache/avro `Schema.java` as of Avro 1.11 (what Confluent Platform 7 ships): the
//! same errors in the same order, the same property order when printing. Where 1.12 differs
//! we say so.

use std::fmt::Write;

use crate::json::{parse, Json};
use kplay_core::config::value::java_double_to_string;
use kplay_core::decimal::parse_f64;

/// A parsed Avro schema: its types in the order the parser met them. A named type (record,
/// enum, fixed) is one entry that every reference to it points at, so a recursive record is
/// a cycle of indices rather than of boxes.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: usize,
}

/// One type of a schema, with the custom properties Avro keeps on it (`logicalType`,
/// `precision`, or anything else that is not a reserved word) as compact JSON, in source order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) shape: Shape,
    props: Vec<(String, String)>,
}

/// What a type is, as Avro's `Schema.Type` tells them apart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// `null`, `boolean`, `int`, `long`, `float`, `double`, `bytes` or `string`.
    Primitive(&'static str),
    Array(usize),
    Map(usize),
    Union(Vec<usize>),
    /// Name, fields (`None` while they are being parsed), and whether it was declared `error`.
    Record(Named, Option<Vec<Field>>, bool),
    /// Name, symbols, default symbol.
    Enum(Named, Vec<String>, Option<String>),
    Fixed(Named, i32),
}

/// The name of a record, enum or fixed: Avro's `Name` plus what `NamedSchema` keeps.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Named {
    pub(crate) name: String,
    pub(crate) space: Option<String>,
    doc: Option<String>,
    /// Aliases as (name, namespace), an unqualified alias taking the type's namespace.
    aliases: Vec<(String, Option<String>)>,
}

/// A record field: Avro's `Schema.Field`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) schema: usize,
    doc: Option<String>,
    /// The default value as compact JSON, as Avro prints it back.
    pub(crate) default: Option<String>,
    /// `descending` or `ignore`; `ascending`, the default, is not printed.
    order: Option<&'static str>,
    pub(crate) aliases: Vec<String>,
    props: Vec<(String, String)>,
}

const PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];
/// The attributes of a type that are not custom properties (Avro's `ENUM_RESERVED`): an
/// enum's `default` is its own attribute; other types keep the rest (`SCHEMA_RESERVED`).
const ENUM_RESERVED: &[&str] = &[
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
    "default",
];
const SCHEMA_RESERVED: &[&str] = ENUM_RESERVED.split_at(ENUM_RESERVED.len() - 1).0;
const FIELD_RESERVED: &[&str] = &["default", "doc", "name", "order", "type", "aliases"];
/// Validating a default walks the value and the defaults of the fields it leaves out; past
/// this depth the default is refused rather than risking the stack.
const MAX_DEFAULT_DEPTH: u32 = 2000;

impl Named {
    /// `Name.full`: `namespace.name`, or just the name outside any namespace.
    pub(crate) fn full(&self) -> String {
        full_name(&self.name, self.space.as_deref())
    }

    /// `NamedSchema.getAliases`: the aliases as full names.
    pub(crate) fn alias_full_names(&self) -> Vec<String> {
        let aliases = self.aliases.iter();
        aliases.map(|(n, s)| full_name(n, s.as_deref())).collect()
    }
}

fn full_name(name: &str, space: Option<&str>) -> String {
    match space {
        Some(space) => format!("{space}.{name}"),
        None => name.to_string(),
    }
}

impl Field {
    /// `Field.toString`, as Avro's error messages print a field: `x type:INT pos:1`.
    pub(crate) fn describe(&self, nodes: &[Node], position: usize) -> String {
        let kind = type_name(&nodes[self.schema].shape);
        format!("{} type:{kind} pos:{position}", self.name)
    }
}

/// `Schema.Type` as Avro prints it in messages: `INT`, `RECORD`...
pub(crate) fn type_name(shape: &Shape) -> &'static str {
    match shape {
        Shape::Primitive(name) => match *name {
            "null" => "NULL",
            "boolean" => "BOOLEAN",
            "int" => "INT",
            "long" => "LONG",
            "float" => "FLOAT",
            "double" => "DOUBLE",
            "bytes" => "BYTES",
            _ => "STRING",
        },
        Shape::Array(_) => "ARRAY",
        Shape::Map(_) => "MAP",
        Shape::Union(_) => "UNION",
        Shape::Record(..) => "RECORD",
        Shape::Enum(..) => "ENUM",
        Shape::Fixed(..) => "FIXED",
    }
}

impl Schema {
    /// Avro's `Schema.toString()`: the compact JSON the registry stores and returns as the
    /// schema (Confluent's `canonicalString`). Properties come in Avro's order, not the
    /// source's: `type`, `name`, `namespace` (only where it differs from the enclosing
    /// one), `doc`, then the type's own attributes, custom properties, `aliases`.
    pub fn canonical(&self) -> String {
        render(&self.nodes, self.root)
    }

    pub(crate) fn shape(&self, id: usize) -> &Shape {
        &self.nodes[id].shape
    }

    /// The compact JSON of one type of this schema, as Avro prints a schema fragment.
    pub(crate) fn render(&self, id: usize) -> String {
        render(&self.nodes, id)
    }
}

/// Parses a schema's JSON text as Avro's `Schema.Parser` does when Confluent's `AvroSchema`
/// constructor reads a schema being registered (default values checked against their type).
/// Err: the message of the exception Avro throws, e.g. `Undefined name: "Foo"`,
/// `No type: {"name":"x"}` or `Duplicate field x in record R: x type:INT pos:1 and x
/// type:INT pos:0.`. Names are resolved as Avro 1.11 does: a name must be defined before it
/// is used, which a record's own fields may do.
pub fn parse_schema(text: &str) -> Result<Schema, String> {
    // Simplified: Jackson's own parse error names the offending character and position.
    let json = parse(text).ok_or_else(|| {
        "com.fasterxml.jackson.core.JsonParseException: the schema is not valid JSON".to_string()
    })?;
    let mut parser = Parser {
        nodes: Vec::new(),
        names: Vec::new(),
        space: None,
    };
    let root = parser.schema(&json)?;
    Ok(Schema {
        nodes: parser.nodes,
        root,
    })
}

/// What a name refers to (`Names.get`).
enum Found {
    Primitive(&'static str),
    Named(usize),
}

/// Avro's parser state: the types so far, the named ones by full name (`Names`), and the
/// namespace a name without one falls into.
struct Parser {
    nodes: Vec<Node>,
    names: Vec<(String, usize)>,
    space: Option<String>,
}

/// The text of `key` in an object, as Jackson's `textValue()` gives it (none if not a string).
fn text<'a>(json: &'a Json, key: &str) -> Option<&'a str> {
    match json.field(key) {
        Some(Json::String(value)) => Some(value),
        _ => None,
    }
}

/// Avro's `validateName`: a letter or `_`, then letters, digits or `_`. Simplified: any
/// character beyond ASCII counts as a letter (Java's `Character.isLetter` knows Unicode's; its
/// tables would weigh on the playground's WebAssembly for names nobody writes).
fn validate_name(name: &str) -> Result<(), String> {
    let letter = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
    let mut chars = name.chars();
    match chars.next() {
        None => Err("Empty name".to_string()),
        Some(first) if !letter(first) => Err(format!("Illegal initial character: {name}")),
        _ if !chars.all(|c| letter(c) || c.is_ascii_digit()) => {
            Err(format!("Illegal character in: {name}"))
        }
        _ => Ok(()),
    }
}

/// `new Name(name, space)`: a dotted name carries its own namespace; `""` means none.
fn split_name(name: &str, space: Option<String>) -> Result<(String, Option<String>), String> {
    let (name, space) = match name.rfind('.') {
        Some(dot) => (&name[dot + 1..], Some(name[..dot].to_string())),
        None => (name, space),
    };
    validate_name(name)?;
    Ok((name.to_string(), space.filter(|space| !space.is_empty())))
}

/// Java's `Double.parseDouble`, which Avro applies to a float or double field's default
/// given as a string (`"NaN"`, `"1.5"`).
fn java_parse_double(text: &str) -> Option<f64> {
    let text = text.trim_matches(|c: char| c <= ' ');
    let number = text.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(text);
    let unsigned = number.trim_start_matches(['+', '-']);
    match unsigned {
        "NaN" | "Infinity" => parse_f64(number),
        _ if unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b"eE+-.".contains(&b)) =>
        {
            parse_f64(number)
        }
        _ => None,
    }
}

/// A JSON value as Jackson writes it, where NaN and infinities go quoted.
fn json_text(value: &Json) -> String {
    match value {
        Json::Double(d) if !d.is_finite() => format!("\"{}\"", java_double_to_string(*d)),
        _ => value.to_string(),
    }
}

fn props(json: &Json, reserved: &[&str]) -> Vec<(String, String)> {
    match json {
        Json::Object(fields) => fields
            .iter()
            .filter(|(key, _)| !reserved.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// `Schema.parseAliases`.
fn aliases(json: &Json) -> Result<Vec<String>, String> {
    let Some(node) = json.field("aliases") else {
        return Ok(Vec::new());
    };
    let Json::Array(items) = node else {
        return Err(format!("aliases not an array: {json}"));
    };
    let mut aliases: Vec<String> = Vec::new();
    for item in items {
        let Json::String(alias) = item else {
            return Err(format!("alias not a string: {item}"));
        };
        if !aliases.contains(alias) {
            aliases.push(alias.clone());
        }
    }
    Ok(aliases)
}

impl Parser {
    fn push(&mut self, shape: Shape) -> usize {
        self.nodes.push(Node {
            shape,
            props: Vec::new(),
        });
        self.nodes.len() - 1
    }

    /// `Names.get`: a primitive, or a named type in the current namespace, else in none.
    fn lookup(&self, name: &str) -> Result<Option<Found>, String> {
        if let Some(primitive) = PRIMITIVES.iter().find(|p| **p == name) {
            return Ok(Some(Found::Primitive(primitive)));
        }
        let (short, space) = split_name(name, self.space.clone())?;
        let find = |full: &str| self.names.iter().find(|(n, _)| n == full).map(|e| e.1);
        let found = find(&full_name(&short, space.as_deref())).or_else(|| find(name));
        Ok(found.map(Found::Named))
    }

    /// `Names.add`: a full name is defined once.
    fn define(&mut self, named: &Named, id: usize) -> Result<(), String> {
        let full = named.full();
        if self.names.iter().any(|(n, _)| *n == full) {
            return Err(format!("Can't redefine: {full}"));
        }
        self.names.push((full, id));
        Ok(())
    }

    /// `Schema.parse(JsonNode, Names)`.
    fn schema(&mut self, json: &Json) -> Result<usize, String> {
        match json {
            Json::String(name) => match self.lookup(name)? {
                Some(Found::Primitive(p)) => Ok(self.push(Shape::Primitive(p))),
                Some(Found::Named(id)) => Ok(id),
                None => Err(format!("Undefined name: {json}")),
            },
            Json::Object(_) => self.object(json),
            Json::Array(branches) => self.union(branches),
            _ => Err(format!("Schema not yet supported: {json}")),
        }
    }

    fn object(&mut self, json: &Json) -> Result<usize, String> {
        let kind = text(json, "type").ok_or_else(|| format!("No type: {json}"))?;
        let saved_space = self.space.clone();
        let mut named = None;
        if matches!(kind, "record" | "error" | "enum" | "fixed") {
            let space = text(json, "namespace").map(str::to_string);
            let name = text(json, "name").ok_or_else(|| format!("No name in schema: {json}"))?;
            let (name, space) = split_name(name, space.or_else(|| self.space.clone()))?;
            self.space = space.clone();
            let full = full_name(&name, space.as_deref());
            if PRIMITIVES.contains(&full.as_str()) {
                return Err(format!("Schemas may not be named after primitives: {full}"));
            }
            named = Some(Named {
                name,
                space,
                doc: text(json, "doc").map(str::to_string),
                aliases: Vec::new(),
            });
        }
        if let Some(primitive) = PRIMITIVES.iter().find(|p| **p == kind) {
            let id = self.push(Shape::Primitive(primitive));
            self.nodes[id].props = props(json, SCHEMA_RESERVED);
            return Ok(id);
        }
        let mut reserved = SCHEMA_RESERVED;
        let id = match (kind, named) {
            ("record" | "error", Some(named)) => self.record(json, named, kind == "error")?,
            ("enum", Some(named)) => {
                reserved = ENUM_RESERVED;
                self.enumeration(json, named)?
            }
            ("fixed", Some(named)) => {
                let Some(Json::Int(size)) = json.field("size") else {
                    return Err(format!("Invalid or no size: {json}"));
                };
                let id = self.push(Shape::Fixed(named.clone(), *size));
                self.define(&named, id)?;
                id
            }
            ("array" | "map", _) => {
                let (key, what) = match kind {
                    "array" => ("items", "Array has no items type"),
                    _ => ("values", "Map has no values type"),
                };
                let inner = json.field(key).ok_or_else(|| format!("{what}: {json}"))?;
                let inner = self.schema(inner)?;
                self.push(match kind {
                    "array" => Shape::Array(inner),
                    _ => Shape::Map(inner),
                })
            }
            _ => {
                // A named type given as `{"type": "Name"}`: the type itself, properties dropped.
                let (short, space) = split_name(kind, self.space.clone())?;
                let full = full_name(&short, space.as_deref());
                return match self.names.iter().find(|(n, _)| *n == full) {
                    Some((_, id)) => Ok(*id),
                    None => Err(format!("Type not supported: {kind}")),
                };
            }
        };
        self.nodes[id].props = props(json, reserved);
        self.space = saved_space;
        if let Shape::Record(named, ..) | Shape::Enum(named, ..) | Shape::Fixed(named, ..) =
            &self.nodes[id].shape
        {
            let space = named.space.clone();
            let mut named_aliases = Vec::new();
            for alias in aliases(json)? {
                named_aliases.push(split_name(&alias, space.clone())?);
            }
            if let Shape::Record(named, ..) | Shape::Enum(named, ..) | Shape::Fixed(named, ..) =
                &mut self.nodes[id].shape
            {
                named.aliases = named_aliases;
            }
        }
        Ok(id)
    }

    fn record(&mut self, json: &Json, named: Named, error: bool) -> Result<usize, String> {
        let id = self.push(Shape::Record(named.clone(), None, error));
        self.define(&named, id)?;
        let Some(Json::Array(items)) = json.field("fields") else {
            return Err(format!("Record has no fields: {json}"));
        };
        let mut fields: Vec<Field> = Vec::new();
        for item in items {
            fields.push(self.field(item)?);
        }
        // `RecordSchema.setFields`: only once every field has parsed.
        for (position, field) in fields.iter().enumerate() {
            if let Some(first) = fields[..position].iter().position(|f| f.name == field.name) {
                return Err(format!(
                    "Duplicate field {} in record {}: {} and {}.",
                    field.name,
                    named.full(),
                    field.describe(&self.nodes, position),
                    fields[first].describe(&self.nodes, first)
                ));
            }
        }
        if let Shape::Record(_, slot, _) = &mut self.nodes[id].shape {
            *slot = Some(fields);
        }
        Ok(id)
    }

    fn field(&mut self, json: &Json) -> Result<Field, String> {
        let name = text(json, "name").ok_or_else(|| format!("No field name: {json}"))?;
        let type_json = json
            .field("type")
            .ok_or_else(|| format!("No field type: {json}"))?;
        if let Json::String(type_name) = type_json {
            if self.lookup(type_name)?.is_none() {
                return Err(format!(
                    "{type_json} is not a defined name. The type of the \"{name}\" field must be \
                     a defined name or a {{\"type\": ...}} expression."
                ));
            }
        }
        let schema = self.schema(type_json)?;
        let order = match json.field("order") {
            None => None,
            Some(order) => {
                let upper = match order {
                    Json::String(o) => o.to_uppercase(),
                    other => other.to_string(),
                };
                match upper.as_str() {
                    "ASCENDING" => None,
                    "DESCENDING" => Some("descending"),
                    "IGNORE" => Some("ignore"),
                    _ => {
                        return Err(format!(
                            "No enum constant org.apache.avro.Schema.Field.Order.{upper}"
                        ))
                    }
                }
            }
        };
        let mut converted = None;
        if let Some(Json::String(value)) = json.field("default") {
            if matches!(
                self.nodes[schema].shape,
                Shape::Primitive("float" | "double")
            ) {
                let number = java_parse_double(value).ok_or_else(|| match value.trim() {
                    "" => "empty String".to_string(),
                    _ => format!("For input string: \"{value}\""),
                })?;
                converted = Some(Json::Double(number));
            }
        }
        let default = converted.as_ref().or(json.field("default"));
        validate_name(name)?;
        if let Some(value) = default {
            if !self.valid_default(schema, value, 0)? {
                return Err(format!(
                    "Invalid default for field {name}: {} not a {}",
                    json_text(value),
                    render(&self.nodes, schema)
                ));
            }
        }
        Ok(Field {
            name: name.to_string(),
            schema,
            doc: text(json, "doc").map(str::to_string),
            default: default.map(json_text),
            order,
            props: props(json, FIELD_RESERVED),
            aliases: aliases(json)?,
        })
    }

    fn enumeration(&mut self, json: &Json, named: Named) -> Result<usize, String> {
        let Some(Json::Array(items)) = json.field("symbols") else {
            return Err(format!("Enum has no symbols: {json}"));
        };
        let mut symbols: Vec<String> = Vec::new();
        for item in items {
            let Json::String(symbol) = item else {
                return Err("Null name".to_string());
            };
            validate_name(symbol)?;
            if symbols.contains(symbol) {
                return Err(format!("Duplicate enum symbol: {symbol}"));
            }
            symbols.push(symbol.clone());
        }
        let default = text(json, "default").map(str::to_string);
        if let Some(default) = default.as_ref().filter(|d| !symbols.contains(d)) {
            return Err(format!(
                "The Enum Default: {default} is not in the enum symbol set: [{}]",
                symbols.join(", ")
            ));
        }
        let id = self.push(Shape::Enum(named.clone(), symbols, default));
        self.define(&named, id)?;
        Ok(id)
    }

    fn union(&mut self, items: &[Json]) -> Result<usize, String> {
        let mut branches = Vec::new();
        for item in items {
            branches.push(self.schema(item)?);
        }
        let id = self.push(Shape::Union(branches.clone()));
        let mut seen: Vec<String> = Vec::new();
        for branch in branches {
            let name = match &self.nodes[branch].shape {
                Shape::Union(_) => {
                    return Err(format!("Nested union: {}", render(&self.nodes, id)))
                }
                Shape::Primitive(p) => p.to_string(),
                Shape::Array(_) => "array".to_string(),
                Shape::Map(_) => "map".to_string(),
                Shape::Record(named, ..) | Shape::Enum(named, ..) | Shape::Fixed(named, ..) => {
                    named.full()
                }
            };
            if seen.contains(&name) {
                return Err(format!("Duplicate in union:{name}"));
            }
            seen.push(name);
        }
        Ok(id)
    }

    /// `Schema.isValidDefault` (Avro 1.11: a union's default must suit its first branch;
    /// 1.12 accepts any branch). Err: the exception Avro throws on the way.
    fn valid_default(&self, id: usize, value: &Json, depth: u32) -> Result<bool, String> {
        if depth > MAX_DEFAULT_DEPTH {
            return Ok(false);
        }
        let valid = |id: usize, value: &Json| self.valid_default(id, value, depth + 1);
        Ok(match (&self.nodes[id].shape, value) {
            (Shape::Primitive("string" | "bytes"), Json::String(_))
            | (Shape::Enum(..) | Shape::Fixed(..), Json::String(_))
            | (Shape::Primitive("int"), Json::Int(_))
            | (Shape::Primitive("long"), Json::Int(_) | Json::Long(_))
            | (Shape::Primitive("boolean"), Json::Bool(_))
            | (Shape::Primitive("null"), Json::Null) => true,
            (
                Shape::Primitive("float" | "double"),
                Json::Int(_) | Json::Long(_) | Json::BigInteger(_) | Json::Double(_),
            ) => true,
            (Shape::Array(items), Json::Array(values)) => {
                for value in values {
                    if !valid(*items, value)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Shape::Map(values), Json::Object(entries)) => {
                for (_, value) in entries {
                    if !valid(*values, value)? {
                        return Ok(false);
                    }
                }
                true
            }
            (Shape::Union(branches), _) => match branches.first() {
                Some(first) => valid(*first, value)?,
                None => return Err("Index 0 out of bounds for length 0".to_string()),
            },
            (Shape::Record(_, None, _), Json::Object(_)) => {
                return Err("Schema fields not set yet".to_string())
            }
            (Shape::Record(_, Some(fields), _), Json::Object(_)) => {
                for field in fields {
                    let own_default = field.default.as_deref().and_then(parse);
                    let Some(value) = value.field(&field.name).or(own_default.as_ref()) else {
                        return Ok(false);
                    };
                    if !valid(field.schema, value)? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        })
    }
}

/// `Schema.toString()` of one type: `known` holds the full names already written out.
fn render(nodes: &[Node], id: usize) -> String {
    let mut writer = Writer {
        nodes,
        known: Vec::new(),
        out: String::new(),
    };
    writer.write(id, None);
    writer.out
}

struct Writer<'a> {
    nodes: &'a [Node],
    known: Vec<String>,
    out: String,
}

impl Writer<'_> {
    fn string(&mut self, text: &str) {
        let _ = write!(self.out, "{}", Json::String(text.to_string()));
    }

    fn key(&mut self, key: &str) {
        self.out.push(',');
        self.string(key);
        self.out.push(':');
    }

    fn key_string(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    fn props(&mut self, props: &[(String, String)]) {
        for (key, value) in props {
            self.key(key);
            self.out.push_str(value);
        }
    }

    fn write(&mut self, id: usize, space: Option<&str>) {
        let node = &self.nodes[id];
        match &node.shape {
            Shape::Primitive(name) if node.props.is_empty() => self.string(name),
            Shape::Primitive(name) => {
                self.out.push_str("{\"type\":");
                self.string(name);
                self.props(&node.props);
                self.out.push('}');
            }
            Shape::Array(inner) | Shape::Map(inner) => {
                let (kind, key) = match node.shape {
                    Shape::Array(_) => ("array", "items"),
                    _ => ("map", "values"),
                };
                let _ = write!(self.out, "{{\"type\":\"{kind}\",\"{key}\":");
                self.write(*inner, space);
                self.props(&node.props);
                self.out.push('}');
            }
            Shape::Union(branches) => {
                self.out.push('[');
                for (index, branch) in branches.iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.write(*branch, space);
                }
                self.out.push(']');
            }
            Shape::Record(named, _, _) | Shape::Enum(named, ..) | Shape::Fixed(named, ..) => {
                self.named(node, named, space)
            }
        }
    }

    /// `NamedSchema.toJson`: written out the first time, then by name (`writeNameRef`).
    fn named(&mut self, node: &Node, named: &Named, space: Option<&str>) {
        let full = named.full();
        if self.known.contains(&full) {
            let qualified = qualified(&named.name, named.space.as_deref(), space);
            self.string(qualified.as_deref().unwrap_or(&named.name));
            return;
        }
        self.known.push(full);
        let kind = match node.shape {
            Shape::Record(_, _, true) => "error",
            Shape::Record(..) => "record",
            Shape::Enum(..) => "enum",
            _ => "fixed",
        };
        let _ = write!(self.out, "{{\"type\":\"{kind}\"");
        self.key_string("name", &named.name);
        match (named.space.as_deref(), space) {
            (Some(own), current) if Some(own) != current => self.key_string("namespace", own),
            (None, Some(_)) => self.key_string("namespace", ""),
            _ => {}
        }
        if let Some(doc) = &named.doc {
            self.key_string("doc", doc);
        }
        match &node.shape {
            Shape::Record(_, Some(fields), _) => {
                self.key("fields");
                self.out.push('[');
                for (index, field) in fields.iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.field(field, named.space.as_deref());
                }
                self.out.push(']');
            }
            Shape::Enum(_, symbols, default) => {
                self.key("symbols");
                self.out.push('[');
                for (index, symbol) in symbols.iter().enumerate() {
                    if index > 0 {
                        self.out.push(',');
                    }
                    self.string(symbol);
                }
                self.out.push(']');
                if let Some(default) = default {
                    self.key_string("default", default);
                }
            }
            Shape::Fixed(_, size) => {
                let _ = write!(self.out, ",\"size\":{size}");
            }
            _ => {}
        }
        self.props(&node.props);
        if !named.aliases.is_empty() {
            self.key("aliases");
            self.out.push('[');
            for (index, (alias, alias_space)) in named.aliases.iter().enumerate() {
                if index > 0 {
                    self.out.push(',');
                }
                let written = qualified(alias, alias_space.as_deref(), named.space.as_deref());
                self.string(written.as_deref().unwrap_or(alias));
            }
            self.out.push(']');
        }
        self.out.push('}');
    }

    fn field(&mut self, field: &Field, space: Option<&str>) {
        self.out.push('{');
        self.string("name");
        self.out.push(':');
        self.string(&field.name);
        self.key("type");
        self.write(field.schema, space);
        if let Some(doc) = &field.doc {
            self.key_string("doc", doc);
        }
        if let Some(default) = &field.default {
            self.key("default");
            self.out.push_str(default);
        }
        if let Some(order) = field.order {
            self.key_string("order", order);
        }
        if !field.aliases.is_empty() {
            self.key("aliases");
            self.out.push('[');
            for (index, alias) in field.aliases.iter().enumerate() {
                if index > 0 {
                    self.out.push(',');
                }
                self.string(alias);
            }
            self.out.push(']');
        }
        self.props(&field.props);
        self.out.push('}');
    }
}

/// `Name.getQualified`: the full name, unless the namespace is the current one (and the short
/// name is not a type's name, which would read back as that type: Avro 1.12's fix).
/// `None` means the short name will do.
fn qualified(name: &str, space: Option<&str>, current: Option<&str>) -> Option<String> {
    const TYPE_NAMES: [&str; 6] = ["record", "enum", "array", "map", "union", "fixed"];
    let clashes = PRIMITIVES.contains(&name) || TYPE_NAMES.contains(&name);
    match space {
        Some(own) if Some(own) != current || clashes => Some(full_name(name, Some(own))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        match parse_schema(text) {
            Ok(schema) => schema.canonical(),
            Err(error) => panic!("{text}: {error}"),
        }
    }

    fn error(text: &str) -> String {
        match parse_schema(text) {
            Ok(schema) => panic!("{text} parsed as {}", schema.canonical()),
            Err(error) => error,
        }
    }

    #[test]
    fn canonical_text_is_compact_with_avro_property_order() {
        let text = r#"{
            "namespace": "shop", "type": "record", "name": "Order",
            "fields": [
                {"type": "string", "name": "id"},
                {"default": "EUR", "name": "currency", "type": "string"}
            ]
        }"#;
        assert_eq!(
            canonical(text),
            r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"currency","type":"string","default":"EUR"}]}"#
        );
    }

    #[test]
    fn primitives_print_as_their_name_unless_they_carry_properties() {
        // apache/avro TestSchema.java (testPrimitiveTypes, testLogicalTypes...).
        for (text, expected) in [
            (r#""string""#, r#""string""#),
            (r#"{"type":"int"}"#, r#""int""#),
            (r#"{"type":"null"}"#, r#""null""#),
            (
                r#"{"type":"long","logicalType":"timestamp-millis"}"#,
                r#"{"type":"long","logicalType":"timestamp-millis"}"#,
            ),
            (
                r#"{"logicalType":"decimal","type":"bytes","precision":9,"scale":2}"#,
                r#"{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}"#,
            ),
            (
                r#"{"type":"string","default":"x"}"#,
                r#"{"type":"string","default":"x"}"#,
            ),
        ] {
            assert_eq!(canonical(text), expected);
        }
    }

    #[test]
    fn complex_types_keep_every_attribute_avro_keeps() {
        let text = r#"{"type":"record","name":"R","doc":"a \"doc\"","aliases":["Old","other.Older"],
            "fields":[
              {"name":"e","type":{"type":"enum","name":"Suit","symbols":["SPADES","HEARTS"],"default":"SPADES","doc":"d"},"default":"HEARTS"},
              {"name":"f","type":{"type":"fixed","name":"md5","size":16}},
              {"name":"a","type":{"type":"array","items":"long"},"default":[1,2],"order":"descending"},
              {"name":"m","type":{"type":"map","values":["null","md5"]},"aliases":["mm"],"x-prop":{"k":1}},
              {"name":"d","type":"double","default":"NaN","order":"ascending","doc":"nan"}
            ],"custom":true}"#;
        assert_eq!(
            canonical(text),
            concat!(
                r#"{"type":"record","name":"R","doc":"a \"doc\"","fields":["#,
                r#"{"name":"e","type":{"type":"enum","name":"Suit","doc":"d","symbols":["SPADES","HEARTS"],"default":"SPADES"},"default":"HEARTS"},"#,
                r#"{"name":"f","type":{"type":"fixed","name":"md5","size":16}},"#,
                r#"{"name":"a","type":{"type":"array","items":"long"},"default":[1,2],"order":"descending"},"#,
                r#"{"name":"m","type":{"type":"map","values":["null","md5"]},"aliases":["mm"],"x-prop":{"k":1}},"#,
                r#"{"name":"d","type":"double","doc":"nan","default":"NaN"}"#,
                r#"],"custom":true,"aliases":["Old","other.Older"]}"#
            )
        );
    }

    #[test]
    fn namespaces_are_inherited_and_written_only_where_they_change() {
        let text = r#"{"type":"record","name":"a.Outer","fields":[
            {"name":"same","type":{"type":"record","name":"Inner","fields":[]}},
            {"name":"other","type":{"type":"record","name":"b.Inner","fields":[]}},
            {"name":"none","type":{"type":"enum","name":"E","namespace":"","symbols":["X"]}},
            {"name":"ref1","type":"Inner"},
            {"name":"ref2","type":"b.Inner"},
            {"name":"ref3","type":"E"}
        ]}"#;
        assert_eq!(
            canonical(text),
            concat!(
                r#"{"type":"record","name":"Outer","namespace":"a","fields":["#,
                r#"{"name":"same","type":{"type":"record","name":"Inner","fields":[]}},"#,
                r#"{"name":"other","type":{"type":"record","name":"Inner","namespace":"b","fields":[]}},"#,
                r#"{"name":"none","type":{"type":"enum","name":"E","namespace":"","symbols":["X"]}},"#,
                r#"{"name":"ref1","type":"Inner"},{"name":"ref2","type":"b.Inner"},{"name":"ref3","type":"E"}]}"#
            )
        );
    }

    #[test]
    fn a_recursive_record_refers_to_itself_by_name() {
        // The linked list of the Avro specification and apache/avro TestSchema.java.
        let text = r#"{"type": "record", "name": "LongList", "aliases": ["LinkedLongs"],
            "fields" : [{"name": "value", "type": "long"},
                        {"name": "next", "type": ["null", "LongList"]}]}"#;
        assert_eq!(
            canonical(text),
            r#"{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}],"aliases":["LinkedLongs"]}"#
        );
        let again = canonical(&canonical(text));
        assert_eq!(again, canonical(text));
    }

    #[test]
    fn schemas_avro_refuses_get_avros_message() {
        for (text, expected) in [
            (r#"{"name":"x"}"#, r#"No type: {"name":"x"}"#),
            (r#"["null","Foo"]"#, r#"Undefined name: "Foo""#),
            (r#""Foo""#, r#"Undefined name: "Foo""#),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"f","type":"Foo"}]}"#,
                r#""Foo" is not a defined name. The type of the "f" field must be a defined name or a {"type": ...} expression."#,
            ),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"x","type":"int"},{"name":"x","type":"int"}]}"#,
                "Duplicate field x in record R: x type:INT pos:1 and x type:INT pos:0.",
            ),
            (
                r#"{"type":"record","name":"R"}"#,
                r#"Record has no fields: {"type":"record","name":"R"}"#,
            ),
            (
                r#"{"type":"record","fields":[]}"#,
                r#"No name in schema: {"type":"record","fields":[]}"#,
            ),
            (
                r#"{"type":"record","name":"R","fields":[{"type":"int"}]}"#,
                r#"No field name: {"type":"int"}"#,
            ),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"a"}]}"#,
                r#"No field type: {"name":"a"}"#,
            ),
            (
                r#"{"type":"enum","name":"E","symbols":["A","A"]}"#,
                "Duplicate enum symbol: A",
            ),
            (
                r#"{"type":"enum","name":"E","symbols":["1A"]}"#,
                "Illegal initial character: 1A",
            ),
            (
                r#"{"type":"enum","name":"E","symbols":["A","B"],"default":"C"}"#,
                "The Enum Default: C is not in the enum symbol set: [A, B]",
            ),
            (
                r#"{"type":"enum","name":"E"}"#,
                r#"Enum has no symbols: {"type":"enum","name":"E"}"#,
            ),
            (
                r#"{"type":"fixed","name":"F","size":"16"}"#,
                r#"Invalid or no size: {"type":"fixed","name":"F","size":"16"}"#,
            ),
            (
                r#"{"type":"array"}"#,
                r#"Array has no items type: {"type":"array"}"#,
            ),
            (
                r#"{"type":"map"}"#,
                r#"Map has no values type: {"type":"map"}"#,
            ),
            (r#"{"type":"foo"}"#, "Type not supported: foo"),
            (
                r#"{"type":"record","name":"my-record","fields":[]}"#,
                "Illegal character in: my-record",
            ),
            (
                r#"{"type":"fixed","name":"int","size":1}"#,
                "Schemas may not be named after primitives: int",
            ),
            (r#"["int",["null"]]"#, r#"Nested union: ["int",["null"]]"#),
            (r#"["int","int"]"#, "Duplicate in union:int"),
            (r#"5"#, "Schema not yet supported: 5"),
            (
                r#"[{"type":"fixed","name":"F","size":1},{"type":"fixed","name":"F","size":2}]"#,
                "Can't redefine: F",
            ),
            (
                r#"{"type":"record","name":"R","fields":[{"name":"o","type":"int","order":"up"}]}"#,
                "No enum constant org.apache.avro.Schema.Field.Order.UP",
            ),
        ] {
            assert_eq!(error(text), expected, "{text}");
        }
        assert!(error("{not json").starts_with("com.fasterxml.jackson.core.JsonParseException"));
    }

    #[test]
    fn a_default_must_suit_the_fields_type() {
        // Avro 1.11 `Schema.isValidDefault`: a union's default suits its first branch.
        let field = |field: &str| format!(r#"{{"type":"record","name":"R","fields":[{field}]}}"#);
        for (bad, expected) in [
            (
                r#"{"name":"f","type":["null","string"],"default":"x"}"#,
                r#"Invalid default for field f: "x" not a ["null","string"]"#,
            ),
            (
                r#"{"name":"f","type":"int","default":2147483648}"#,
                r#"Invalid default for field f: 2147483648 not a "int""#,
            ),
            (
                r#"{"name":"f","type":"string","default":null}"#,
                r#"Invalid default for field f: null not a "string""#,
            ),
            (
                r#"{"name":"f","type":{"type":"array","items":"int"},"default":[1,"2"]}"#,
                r#"Invalid default for field f: [1,"2"] not a {"type":"array","items":"int"}"#,
            ),
            (
                r#"{"name":"f","type":"float","default":"abc"}"#,
                r#"For input string: "abc""#,
            ),
            (
                r#"{"name":"f","type":{"type":"record","name":"In","fields":[{"name":"a","type":"int"}]},"default":{}}"#,
                r#"Invalid default for field f: {} not a {"type":"record","name":"In","fields":[{"name":"a","type":"int"}]}"#,
            ),
            (
                r#"{"name":"self","type":["R","null"],"default":{}}"#,
                "Schema fields not set yet",
            ),
        ] {
            assert_eq!(error(&field(bad)), expected, "{bad}");
        }
        for good in [
            r#"{"name":"f","type":["null","string"],"default":null}"#,
            r#"{"name":"f","type":"long","default":2147483648}"#,
            r#"{"name":"f","type":"double","default":1}"#,
            r#"{"name":"f","type":{"type":"map","values":"boolean"},"default":{"a":true}}"#,
            r#"{"name":"f","type":{"type":"record","name":"In","fields":[{"name":"a","type":"int","default":1}]},"default":{}}"#,
        ] {
            assert!(parse_schema(&field(good)).is_ok(), "{good}");
        }
        assert_eq!(
            canonical(&field(r#"{"name":"f","type":"float","default":"1.5"}"#)),
            r#"{"type":"record","name":"R","fields":[{"name":"f","type":"float","default":1.5}]}"#
        );
    }

    #[test]
    fn deep_nesting_parses_without_overflowing_and_deeper_is_refused() {
        let depth = 990;
        let text = format!(
            "{}\"int\"{}",
            r#"{"type":"array","items":"#.repeat(depth),
            "}".repeat(depth)
        );
        assert_eq!(canonical(&text), text);
        let deeper = format!("{}\"int\"{}", "[".repeat(1200), "]".repeat(1200));
        assert!(parse_schema(&deeper).is_err());
    }
}
