//! The simulated schema registry: Confluent Schema Registry's REST API for Avro schemas, as
//! `curl` reaches it at `http://localhost:8081` (see [`crate::tools::curl`]).
//!
//! What it keeps is the registry's own model: **subjects**, each a list of **versions**; each
//! distinct schema (by its canonical text) gets one **id**, unique in the registry and shared by
//! every subject that registers the same schema; a **compatibility level**, global (`BACKWARD`
//! by default) or per subject. Registering a schema under a subject checks it against the
//! subject's earlier versions at that level (`KafkaSchemaRegistry.register` and
//! `CompatibilityChecker`): the latest one, or every one for the `_TRANSITIVE` levels, newest
//! first, stopping at the first that fails. A refusal is HTTP 409 with the registry's message.
//!
//! **Deleting** is in two steps, as in Confluent's registry: a soft delete (`DELETE
//! /subjects/S`, or `.../versions/V`) hides versions from reads and from compatibility checks
//! but keeps them (`?deleted=true` shows them); only a soft-deleted version may then be deleted
//! for good (`?permanent=true`), which writes tombstones. A schema keeps its id for good: the
//! same schema registered again gets the same id, under the subject's next version number.
//!
//! - [`avro`]: parsing a schema and its canonical text (Avro's `Schema.toString()`);
//! - [`compatibility`]: Avro's reader/writer check with Confluent's messages;
//! - [`store`]: the registry's records in the compacted topic `_schemas`;
//! - [`serde`]: Confluent's Avro serializer and deserializer, as the Avro console tools use
//!   them.
//!
//! Simplified, and said so in lesson 16: Avro only (no Protobuf or JSON Schema, no
//! references); no modes, contexts or rules.

pub mod avro;
pub mod compatibility;
pub mod serde;
pub mod store;

use crate::json::{self, Json};
use avro::Schema;
use store::StoreError;

/// A compatibility level (`CompatibilityLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// No check.
    None,
    /// The new schema reads data written with the latest one.
    Backward,
    /// The new schema reads data written with every earlier one.
    BackwardTransitive,
    /// The latest schema reads data written with the new one.
    Forward,
    /// Every earlier schema reads data written with the new one.
    ForwardTransitive,
    /// Both `Backward` and `Forward`.
    Full,
    /// Both `BackwardTransitive` and `ForwardTransitive`.
    FullTransitive,
}

const LEVELS: [(Level, &str); 7] = [
    (Level::None, "NONE"),
    (Level::Backward, "BACKWARD"),
    (Level::BackwardTransitive, "BACKWARD_TRANSITIVE"),
    (Level::Forward, "FORWARD"),
    (Level::ForwardTransitive, "FORWARD_TRANSITIVE"),
    (Level::Full, "FULL"),
    (Level::FullTransitive, "FULL_TRANSITIVE"),
];

impl Level {
    /// The level's name, as the API writes it.
    pub fn name(self) -> &'static str {
        LEVELS
            .iter()
            .find(|(level, _)| *level == self)
            .map_or("NONE", |(_, name)| name)
    }

    /// `CompatibilityLevel.forName`: the name in any case.
    fn parse(name: &str) -> Option<Level> {
        LEVELS
            .iter()
            .find(|(_, known)| known.eq_ignore_ascii_case(name))
            .map(|(level, _)| *level)
    }

    fn transitive(self) -> bool {
        matches!(
            self,
            Level::BackwardTransitive | Level::ForwardTransitive | Level::FullTransitive
        )
    }

    fn checks_backward(self) -> bool {
        !matches!(
            self,
            Level::None | Level::Forward | Level::ForwardTransitive
        )
    }

    fn checks_forward(self) -> bool {
        !matches!(
            self,
            Level::None | Level::Backward | Level::BackwardTransitive
        )
    }
}

/// One version of a subject: its number, its schema's id, and whether it is soft-deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    number: u32,
    id: u32,
    deleted: bool,
}

/// One subject: its versions (by number; numbers have gaps once versions are deleted for good)
/// and its own level, if set.
#[derive(Debug, Clone)]
struct Subject {
    name: String,
    versions: Vec<Version>,
    level: Option<Level>,
}

impl Subject {
    /// Its versions that are not soft-deleted, or all of them when `deleted`.
    fn listed(&self, deleted: bool) -> impl Iterator<Item = &Version> {
        self.versions.iter().filter(move |v| deleted || !v.deleted)
    }

    /// Its versions that are not soft-deleted.
    fn live(&self) -> Vec<Version> {
        self.listed(false).copied().collect()
    }
}

/// The registry's state: what it has read from its store topic, `_schemas`.
#[derive(Debug, Clone, Default)]
pub struct SchemaRegistry {
    /// Every distinct schema: its id, its canonical text and its parsed form.
    schemas: Vec<(u32, String, Schema)>,
    subjects: Vec<Subject>,
    /// The global level (`BACKWARD` until set).
    level: Option<Level>,
    /// The next offset of `_schemas` to read.
    pub read_offset: i64,
    /// Whether it started on Kafka: its topic, its producer and its `NOOP` record.
    pub started: bool,
}

/// Writes one record to the store: key and value (`None`: a tombstone). `Ok(Some(offset))`
/// once Kafka acknowledged it at `offset`; `Ok(None)` when there is no Kafka behind (tests).
pub type Write<'a> = dyn FnMut(&str, Option<&str>) -> Result<Option<i64>, StoreError> + 'a;

/// What the registry answers: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body (or, for `/subjects/S/versions/V/schema`, the schema itself).
    pub body: String,
}

/// A request: the method, the path (without the query), the query string and the body.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`, `PUT`...
    pub method: &'a str,
    /// The path, such as `/subjects/orders-value/versions`.
    pub path: &'a str,
    /// What follows `?` in the URL (`verbose=true`), or nothing.
    pub query: &'a str,
    /// The request's body, if it has one.
    pub body: Option<&'a str>,
}

fn ok(body: Json) -> Response {
    Response {
        status: 200,
        body: body.to_string(),
    }
}

/// An error answer, as `RestException`s are written: `{"error_code":40401,"message":"..."}`.
fn error(status: u16, code: u32, message: impl Into<String>) -> Response {
    let body = Json::Object(vec![
        ("error_code".into(), Json::Int(code as i32)),
        ("message".into(), Json::String(message.into())),
    ]);
    Response {
        status,
        body: body.to_string(),
    }
}

fn not_found() -> Response {
    error(404, 404, "HTTP 404 Not Found")
}

fn method_not_allowed() -> Response {
    error(405, 405, "HTTP 405 Method Not Allowed")
}

fn subject_not_found(subject: &str) -> Response {
    error(404, 40401, format!("Subject '{subject}' not found."))
}

fn string(text: &str) -> Json {
    Json::String(text.to_string())
}

fn int(value: u32) -> Json {
    Json::Int(value as i32)
}

/// `%2F` and the like in a path segment, as the server decodes them.
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a version in a path means the subject's latest (`VersionId`: `latest` or -1).
fn is_latest(version: &str) -> bool {
    version == "latest" || version == "-1"
}

/// The key of a version's record in `_schemas` (`SchemaKey`).
fn schema_key(subject: &str, number: u32) -> Json {
    Json::Object(vec![
        ("keytype".into(), string("SCHEMA")),
        ("subject".into(), string(subject)),
        ("version".into(), int(number)),
        ("magic".into(), Json::Int(1)),
    ])
}

/// The key of a level's record in `_schemas` (`ConfigKey`): a subject's, or the global one.
fn config_key(subject: Option<&str>) -> Json {
    Json::Object(vec![
        ("keytype".into(), string("CONFIG")),
        ("subject".into(), subject.map_or(Json::Null, string)),
        ("magic".into(), Json::Int(0)),
    ])
}

/// Whether the query string sets `name` to `true`.
fn flag(query: &str, name: &str) -> bool {
    query
        .split('&')
        .any(|pair| pair.split_once('=') == Some((name, "true")))
}

impl SchemaRegistry {
    /// Answers one request; `write` puts the records it changes into the store.
    pub fn handle(&mut self, request: Request<'_>, write: &mut Write<'_>) -> Response {
        let segments: Vec<String> = request
            .path
            .trim_matches('/')
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(decode)
            .collect();
        let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
        let method = request.method;
        let (deleted, permanent) = (
            flag(request.query, "deleted"),
            flag(request.query, "permanent"),
        );
        match parts.as_slice() {
            [] => match method {
                "GET" => ok(Json::Object(Vec::new())),
                _ => method_not_allowed(),
            },
            ["subjects"] => match method {
                "GET" => self.list_subjects(deleted),
                _ => method_not_allowed(),
            },
            ["subjects", subject] => match method {
                "POST" => self.with_schema(request.body, |registry, schema| {
                    registry.look_up(subject, schema, deleted)
                }),
                "DELETE" => self.delete_subject(subject, permanent, write),
                _ => method_not_allowed(),
            },
            ["subjects", subject, "versions"] => match method {
                "GET" => {
                    let numbers: Vec<Json> = self
                        .subject(subject)
                        .into_iter()
                        .flat_map(|found| found.listed(deleted))
                        .map(|v| int(v.number))
                        .collect();
                    if numbers.is_empty() {
                        subject_not_found(subject)
                    } else {
                        ok(Json::Array(numbers))
                    }
                }
                "POST" => self.with_schema(request.body, |registry, schema| {
                    registry.register(subject, schema, write)
                }),
                _ => method_not_allowed(),
            },
            ["subjects", subject, "versions", version] => match method {
                "GET" => self
                    .version(subject, version, deleted)
                    .map_or_else(|e| e, |found| self.version_body(subject, found)),
                "DELETE" => self.delete_version(subject, version, permanent, write),
                _ => method_not_allowed(),
            },
            ["subjects", subject, "versions", version, "schema"] => match method {
                "GET" => self.version(subject, version, deleted).map_or_else(
                    |e| e,
                    |found| Response {
                        status: 200,
                        body: self.text_of(found.id).to_string(),
                    },
                ),
                _ => method_not_allowed(),
            },
            ["schemas", "ids", id] => match method {
                "GET" => self.schema_answer(id),
                _ => method_not_allowed(),
            },
            ["schemas", "ids", id, "versions"] => match method {
                "GET" => self.versions_of_id(id, deleted),
                _ => method_not_allowed(),
            },
            ["config"] => match method {
                "GET" => ok(Json::Object(vec![(
                    "compatibilityLevel".into(),
                    string(self.global_level().name()),
                )])),
                "PUT" => self.set_level(None, request.body, write),
                _ => method_not_allowed(),
            },
            ["config", subject] => match method {
                "GET" => self.subject_level(subject, flag(request.query, "defaultToGlobal")),
                "PUT" => self.set_level(Some(subject), request.body, write),
                "DELETE" => self.delete_level(subject, write),
                _ => method_not_allowed(),
            },
            ["compatibility", "subjects", subject, "versions", version] => match method {
                "POST" => {
                    let verbose = flag(request.query, "verbose");
                    self.with_schema(request.body, |registry, schema| {
                        registry.test_compatibility(subject, version, schema, verbose)
                    })
                }
                _ => method_not_allowed(),
            },
            _ => not_found(),
        }
    }

    fn global_level(&self) -> Level {
        self.level.unwrap_or(Level::Backward)
    }

    fn subject(&self, name: &str) -> Option<&Subject> {
        self.subjects.iter().find(|subject| subject.name == name)
    }

    /// The subject `name`, added without versions if the registry has not seen it.
    fn subject_mut(&mut self, name: String) -> &mut Subject {
        let index = match self.subjects.iter().position(|s| s.name == name) {
            Some(index) => index,
            None => {
                self.subjects.push(Subject {
                    name,
                    versions: Vec::new(),
                    level: None,
                });
                self.subjects.len() - 1
            }
        };
        &mut self.subjects[index]
    }

    fn level_of(&self, subject: &str) -> Level {
        self.subject(subject)
            .and_then(|found| found.level)
            .unwrap_or_else(|| self.global_level())
    }

    fn list_subjects(&self, deleted: bool) -> Response {
        let mut names: Vec<&str> = self
            .subjects
            .iter()
            .filter(|subject| subject.listed(deleted).next().is_some())
            .map(|subject| subject.name.as_str())
            .collect();
        kplay_core::sort::sort(&mut names);
        ok(Json::Array(names.into_iter().map(string).collect()))
    }

    /// A request body's schema, parsed, or the registry's error for it.
    fn with_schema(
        &mut self,
        body: Option<&str>,
        then: impl FnOnce(&mut SchemaRegistry, Schema) -> Response,
    ) -> Response {
        let Some(request) = body.and_then(json::parse) else {
            return error(400, 400, "Bad Request: the body is not a JSON object");
        };
        let Some(Json::String(text)) = request.field("schema") else {
            return error(422, 42201, "Empty schema");
        };
        if let Some(Json::String(kind)) = request.field("schemaType") {
            if kind != "AVRO" {
                return error(
                    422,
                    42201,
                    format!(
                        "Invalid schema type {kind} (the playground's registry knows AVRO only)"
                    ),
                );
            }
        }
        match avro::parse_schema(text) {
            Ok(schema) => then(self, schema),
            Err(details) => error(
                422,
                42201,
                format!("Invalid schema {text} with refs [] of type AVRO, details: {details}"),
            ),
        }
    }

    /// The id of `canonical` if some subject registered it.
    fn id_of(&self, canonical: &str) -> Option<u32> {
        self.schemas
            .iter()
            .find(|(_, text, _)| text == canonical)
            .map(|(id, _, _)| *id)
    }

    fn entry(&self, id: u32) -> Option<&(u32, String, Schema)> {
        self.schemas.iter().find(|(known, _, _)| *known == id)
    }

    /// The canonical text of a schema the registry holds.
    fn text_of(&self, id: u32) -> &str {
        self.entry(id).map_or("", |(_, text, _)| text)
    }

    /// Writes a record (`None`: a tombstone), and applies it at once if the store took it at
    /// the next offset to read (or there is no store); otherwise reading `_schemas` applies it
    /// in its turn.
    fn put(
        &mut self,
        key: Json,
        value: Option<Json>,
        write: &mut Write<'_>,
    ) -> Result<(), StoreError> {
        let (key, value) = (key.to_string(), value.map(|v| v.to_string()));
        match write(&key, value.as_deref())? {
            Some(offset) if offset != self.read_offset => {}
            Some(offset) => self.apply_record(offset, Some(&key), value.as_deref()),
            None => self.apply(Some(&key), value.as_deref()),
        }
        Ok(())
    }

    /// Applies the record of `_schemas` at `offset`, as the registry's reader thread does
    /// (`KafkaStoreReaderThread`): a `SCHEMA` record adds or replaces a version (or, as a
    /// tombstone, removes it for good), a `DELETE_SUBJECT` record soft-deletes a subject's
    /// versions up to its own, a `CONFIG` record sets a level (or, as a tombstone, removes it),
    /// a `NOOP` record does nothing, and a record it cannot read is skipped.
    pub fn apply_record(&mut self, offset: i64, key: Option<&str>, value: Option<&str>) {
        self.read_offset = offset + 1;
        self.apply(key, value);
    }

    fn apply(&mut self, key: Option<&str>, value: Option<&str>) {
        let Some(key) = key.and_then(json::parse) else {
            return;
        };
        let value = value.and_then(json::parse);
        let text = |json: &Json, name: &str| match json.field(name) {
            Some(Json::String(text)) => Some(text.clone()),
            _ => None,
        };
        let positive = |json: &Json, name: &str| match json.field(name) {
            Some(Json::Int(n)) if *n > 0 => Some(*n as u32),
            _ => None,
        };
        match text(&key, "keytype").as_deref() {
            Some("SCHEMA") => {
                let (Some(subject), Some(number)) =
                    (text(&key, "subject"), positive(&key, "version"))
                else {
                    return;
                };
                let Some(value) = value else {
                    // A tombstone: the version is gone for good.
                    self.subject_mut(subject)
                        .versions
                        .retain(|v| v.number != number);
                    return;
                };
                let (Some(id), Some(schema_text)) =
                    (positive(&value, "id"), text(&value, "schema"))
                else {
                    return;
                };
                if self.entry(id).is_none() {
                    let Ok(schema) = avro::parse_schema(&schema_text) else {
                        return;
                    };
                    self.schemas.push((id, schema_text, schema));
                }
                let version = Version {
                    number,
                    id,
                    deleted: matches!(value.field("deleted"), Some(Json::Bool(true))),
                };
                let versions = &mut self.subject_mut(subject).versions;
                match versions.iter().position(|v| v.number >= number) {
                    Some(at) if versions[at].number == number => versions[at] = version,
                    Some(at) => versions.insert(at, version),
                    None => versions.push(version),
                }
            }
            Some("DELETE_SUBJECT") => {
                let (Some(subject), Some(up_to)) = (
                    text(&key, "subject"),
                    value.as_ref().and_then(|v| positive(v, "version")),
                ) else {
                    return;
                };
                for version in &mut self.subject_mut(subject).versions {
                    version.deleted |= version.number <= up_to;
                }
            }
            Some("CONFIG") => {
                let level = value
                    .as_ref()
                    .and_then(|v| text(v, "compatibilityLevel"))
                    .and_then(|name| Level::parse(&name));
                match text(&key, "subject") {
                    None => self.level = level,
                    Some(name) => self.subject_mut(name).level = level,
                }
            }
            _ => {}
        }
    }

    /// `POST /subjects/{subject}/versions` (`KafkaSchemaRegistry.register`).
    fn register(&mut self, subject: &str, schema: Schema, write: &mut Write<'_>) -> Response {
        let canonical = schema.canonical();
        let known = self.id_of(&canonical);
        let found = self.subject(subject);
        let all = found.map(|s| s.versions.clone()).unwrap_or_default();
        let live = found.map(Subject::live).unwrap_or_default();
        // The same schema again under the same subject: its id, and no new version.
        if let Some(id) = known.filter(|id| live.iter().any(|v| v.id == *id)) {
            return ok(Json::Object(vec![("id".into(), int(id))]));
        }
        let level = self.level_of(subject);
        let problems = self.problems(&schema, &live, level, None);
        if !problems.is_empty() {
            return error(
                409,
                40901,
                format!(
                    "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{}]",
                    problems.join(", ")
                ),
            );
        }
        // A new schema takes the next id (a schema known before, even deleted, keeps its id);
        // the version is one past the subject's last, soft-deleted ones included.
        let id = known
            .unwrap_or_else(|| self.schemas.iter().map(|(id, _, _)| *id).max().unwrap_or(0) + 1);
        let number = all.last().map_or(1, |v| v.number + 1);
        let version = Version {
            number,
            id,
            deleted: false,
        };
        let written = self
            .put_version(subject, version, canonical, write)
            .and_then(|()| {
                // A soft-deleted earlier version of the same schema is deleted for good.
                all.iter()
                    .filter(|v| v.deleted && v.id == id)
                    .try_for_each(|v| self.put(schema_key(subject, v.number), None, write))
            });
        match written {
            Ok(()) => ok(Json::Object(vec![("id".into(), int(id))])),
            Err(StoreError::TimedOut) => error(500, 50002, "Register operation timed out"),
            Err(StoreError::Failed) => error(
                500,
                50001,
                "Register schema operation failed while writing to the Kafka store",
            ),
        }
    }

    /// Writes a version's record (`SchemaValue`): a registration, or a soft delete.
    fn put_version(
        &mut self,
        subject: &str,
        version: Version,
        schema: String,
        write: &mut Write<'_>,
    ) -> Result<(), StoreError> {
        let value = Json::Object(vec![
            ("subject".into(), string(subject)),
            ("version".into(), int(version.number)),
            ("id".into(), int(version.id)),
            ("schema".into(), Json::String(schema)),
            ("deleted".into(), Json::Bool(version.deleted)),
        ]);
        self.put(schema_key(subject, version.number), Some(value), write)
    }

    /// Removes a subject's own level, if it has one, as soft-deleting its last versions does
    /// (`deleteCompatibility`: a tombstone of its `CONFIG` record).
    fn forget_level(&mut self, subject: &str, write: &mut Write<'_>) -> Result<(), StoreError> {
        if self.subject(subject).is_some_and(|s| s.level.is_some()) {
            self.put(config_key(Some(subject)), None, write)?;
        }
        Ok(())
    }

    /// `DELETE /subjects/{subject}[?permanent=true]` (`SubjectsResource.deleteSubject`): a
    /// soft delete hides every version with one `DELETE_SUBJECT` record; a permanent one,
    /// allowed once nothing is left but soft-deleted versions, writes a tombstone for each.
    /// The answer lists the versions deleted.
    fn delete_subject(
        &mut self,
        subject: &str,
        permanent: bool,
        write: &mut Write<'_>,
    ) -> Response {
        let Some(found) = self.subject(subject).filter(|s| !s.versions.is_empty()) else {
            return subject_not_found(subject);
        };
        let (all, live) = (found.versions.clone(), found.live());
        let written = if permanent {
            if !live.is_empty() {
                return error(
                    404,
                    40405,
                    format!("Subject '{subject}' was not deleted first before being permanently deleted"),
                );
            }
            all.iter()
                .try_for_each(|v| self.put(schema_key(subject, v.number), None, write))
                .map(|()| all)
        } else {
            let Some(last) = live.last() else {
                return error(
                    404,
                    40404,
                    format!("Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"),
                );
            };
            let key = Json::Object(vec![
                ("keytype".into(), string("DELETE_SUBJECT")),
                ("subject".into(), string(subject)),
                ("magic".into(), Json::Int(0)),
            ]);
            let value = Json::Object(vec![
                ("subject".into(), string(subject)),
                ("version".into(), int(last.number)),
            ]);
            self.put(key, Some(value), write)
                .and_then(|()| self.forget_level(subject, write))
                .map(|()| live)
        };
        match written {
            Ok(deleted) => ok(Json::Array(deleted.iter().map(|v| int(v.number)).collect())),
            Err(StoreError::TimedOut) => error(500, 50002, "Delete subject operation timed out"),
            Err(StoreError::Failed) => error(
                500,
                50001,
                format!("Error while deleting the subject {subject}"),
            ),
        }
    }

    /// `DELETE /subjects/{subject}/versions/{version}[?permanent=true]`
    /// (`SubjectVersionsResource.deleteSchemaVersion`): a soft delete writes the version's
    /// record again, marked deleted; a permanent one, allowed for a soft-deleted version only,
    /// writes its tombstone. The answer is the version's number.
    fn delete_version(
        &mut self,
        subject: &str,
        version: &str,
        permanent: bool,
        write: &mut Write<'_>,
    ) -> Response {
        let found = match self.version(subject, version, true) {
            Ok(found) => found,
            Err(response) => return response,
        };
        let last = self.subject(subject).is_some_and(|s| s.live() == [found]);
        let written = match (permanent, found.deleted) {
            (false, true) => {
                return error(
                    404,
                    40406,
                    format!("Subject '{subject}' Version {version} was soft deleted.Set permanent=true to delete permanently"),
                )
            }
            (true, false) => {
                return error(
                    404,
                    40407,
                    format!(
                        "Subject '{subject}' Version {} was not deleted first before being permanently deleted",
                        found.number
                    ),
                )
            }
            (true, true) => self.put(schema_key(subject, found.number), None, write),
            (false, false) => {
                let deleted = Version {
                    deleted: true,
                    ..found
                };
                let text = self.text_of(found.id).to_string();
                self.put_version(subject, deleted, text, write)
                    .and_then(|()| {
                        if last {
                            self.forget_level(subject, write)
                        } else {
                            Ok(())
                        }
                    })
            }
        };
        match written {
            Ok(()) => ok(int(found.number)),
            Err(StoreError::TimedOut) => {
                error(500, 50002, "Delete Schema Version operation timed out")
            }
            Err(StoreError::Failed) => error(
                500,
                50001,
                "Delete Schema Version operation failed while writing to the Kafka store",
            ),
        }
    }

    /// What stops `schema` from joining `versions` at `level` (empty: nothing), as the 409
    /// message lists it: the problems with the first version that fails (newest first; only
    /// the newest unless transitive, or only `only` when given), then that version, its
    /// schema and the level (`SchemaValidatorBuilder`'s `formatErrorMessages`).
    fn problems(
        &self,
        schema: &Schema,
        versions: &[Version],
        level: Level,
        only: Option<usize>,
    ) -> Vec<String> {
        if level == Level::None {
            return Vec::new();
        }
        let checked: Vec<usize> = match only {
            Some(index) => vec![index],
            None if level.transitive() => (0..versions.len()).rev().collect(),
            None => versions.len().checked_sub(1).into_iter().collect(),
        };
        for index in checked {
            let Some((_, old_text, old)) = self.entry(versions[index].id) else {
                continue;
            };
            let mut messages = Vec::new();
            if level.checks_forward() {
                messages.extend(compatibility::incompatibilities(old, schema, false));
            }
            if level.checks_backward() {
                messages.extend(compatibility::incompatibilities(schema, old, true));
            }
            if !messages.is_empty() {
                messages.push(format!("{{oldSchemaVersion: {}}}", versions[index].number));
                messages.push(format!("{{oldSchema: '{old_text}'}}"));
                messages.push(format!(
                    "{{validateFields: 'false', compatibility: '{}'}}",
                    level.name()
                ));
                return messages;
            }
        }
        Vec::new()
    }

    /// `POST /subjects/{subject}`: whether `schema` is registered under the subject.
    fn look_up(&self, subject: &str, schema: Schema, deleted: bool) -> Response {
        let listed: Vec<Version> = self
            .subject(subject)
            .into_iter()
            .flat_map(|found| found.listed(deleted))
            .copied()
            .collect();
        if listed.is_empty() {
            return subject_not_found(subject);
        }
        let id = self.id_of(&schema.canonical());
        match listed.into_iter().rev().find(|v| Some(v.id) == id) {
            Some(found) => self.version_body(subject, found),
            None => error(404, 40403, "Schema not found"),
        }
    }

    /// A version named in a path (`latest`: the newest not soft-deleted, or a number: a
    /// soft-deleted one only when `deleted`), or the registry's error.
    fn version(&self, subject: &str, version: &str, deleted: bool) -> Result<Version, Response> {
        let number: Option<i64> = if is_latest(version) {
            None
        } else {
            match version.parse::<i64>() {
                Ok(number) if (1..=i64::from(i32::MAX)).contains(&number) => Some(number),
                _ => {
                    return Err(error(
                        422,
                        42202,
                        format!("The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""),
                    ))
                }
            }
        };
        let found = self.subject(subject).and_then(|found| match number {
            None => found.listed(false).last(),
            Some(number) => found
                .listed(deleted)
                .find(|v| i64::from(v.number) == number),
        });
        match found {
            Some(found) => Ok(*found),
            // `SubjectVersionsResource`: the subject is unknown when it has no version to show.
            None if self
                .subject(subject)
                .is_none_or(|s| s.listed(deleted).next().is_none()) =>
            {
                Err(subject_not_found(subject))
            }
            None => Err(error(
                404,
                40402,
                format!("Version {} not found.", number.unwrap_or(-1)),
            )),
        }
    }

    fn version_body(&self, subject: &str, version: Version) -> Response {
        ok(Json::Object(vec![
            ("subject".into(), string(subject)),
            ("version".into(), int(version.number)),
            ("id".into(), int(version.id)),
            ("schema".into(), string(self.text_of(version.id))),
        ]))
    }

    /// An id in a path that some version uses (see [`Self::in_use`]), or the 40403.
    fn known_id(&self, id: &str) -> Result<u32, Response> {
        match id.parse::<u32>() {
            Ok(number) if self.in_use(number) => Ok(number),
            _ => Err(error(404, 40403, format!("Schema {id} not found"))),
        }
    }

    /// The schema a version uses by its id (`GET /schemas/ids/{id}`, as a deserializer asks).
    pub fn schema_by_id(&self, id: u32) -> Option<&Schema> {
        self.in_use(id)
            .then(|| self.entry(id))
            .flatten()
            .map(|(_, _, schema)| schema)
    }

    /// Whether some version uses schema `id`, soft-deleted or not (once every version using it
    /// is deleted for good, the id is not found, though the registry still gives it to that
    /// schema).
    fn in_use(&self, id: u32) -> bool {
        self.subjects
            .iter()
            .any(|s| s.versions.iter().any(|v| v.id == id))
    }

    fn schema_answer(&self, id: &str) -> Response {
        self.known_id(id).map_or_else(
            |e| e,
            |id| {
                ok(Json::Object(vec![(
                    "schema".into(),
                    string(self.text_of(id)),
                )]))
            },
        )
    }

    fn versions_of_id(&self, id: &str, deleted: bool) -> Response {
        self.known_id(id).map_or_else(
            |e| e,
            |id| {
                let mut uses: Vec<(&str, u32)> = self
                    .subjects
                    .iter()
                    .flat_map(|subject| {
                        subject
                            .listed(deleted)
                            .filter(move |v| v.id == id)
                            .map(move |v| (subject.name.as_str(), v.number))
                    })
                    .collect();
                kplay_core::sort::sort(&mut uses);
                ok(Json::Array(
                    uses.into_iter()
                        .map(|(subject, version)| {
                            Json::Object(vec![
                                ("subject".into(), string(subject)),
                                ("version".into(), int(version)),
                            ])
                        })
                        .collect(),
                ))
            },
        )
    }

    fn subject_level(&self, subject: &str, default_to_global: bool) -> Response {
        let level = match self.subject(subject).and_then(|found| found.level) {
            Some(level) => level,
            None if default_to_global => self.global_level(),
            None => {
                return error(
                    404,
                    40408,
                    format!(
                        "Subject '{subject}' does not have subject-level compatibility configured"
                    ),
                )
            }
        };
        ok(Json::Object(vec![(
            "compatibilityLevel".into(),
            string(level.name()),
        )]))
    }

    /// `PUT /config` and `PUT /config/{subject}`: `{"compatibility": "FULL"}`.
    fn set_level(
        &mut self,
        subject: Option<&str>,
        body: Option<&str>,
        write: &mut Write<'_>,
    ) -> Response {
        let request = body.and_then(json::parse);
        let level = match request.as_ref().and_then(|r| r.field("compatibility")) {
            Some(Json::String(name)) => Level::parse(name),
            _ => None,
        };
        let Some(level) = level else {
            return error(422, 42203, "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive");
        };
        let key = config_key(subject);
        let value = Json::Object(vec![("compatibilityLevel".into(), string(level.name()))]);
        if self.put(key, Some(value), write).is_err() {
            return error(500, 50001, "Failed to update compatibility level");
        }
        ok(Json::Object(vec![(
            "compatibility".into(),
            string(level.name()),
        )]))
    }

    /// `DELETE /config/{subject}` (`ConfigResource.deleteSubjectConfig`): the subject goes back
    /// to the global level; the answer is the level it had.
    fn delete_level(&mut self, subject: &str, write: &mut Write<'_>) -> Response {
        let Some(level) = self.subject(subject).and_then(|found| found.level) else {
            return subject_not_found(subject);
        };
        match self.forget_level(subject, write) {
            Ok(()) => ok(Json::Object(vec![(
                "compatibilityLevel".into(),
                string(level.name()),
            )])),
            Err(_) => error(500, 50001, "Failed to delete compatibility level"),
        }
    }

    /// `POST /compatibility/subjects/{subject}/versions/{version}`: whether `schema` could
    /// join the subject, checked against that one version at the subject's level.
    fn test_compatibility(
        &self,
        subject: &str,
        version: &str,
        schema: Schema,
        verbose: bool,
    ) -> Response {
        let live = self.subject(subject).map(Subject::live).unwrap_or_default();
        // Against `latest` of a subject without versions there is nothing to break.
        let messages = if is_latest(version) && live.is_empty() {
            Vec::new()
        } else {
            let found = match self.version(subject, version, false) {
                Ok(found) => found,
                Err(response) => return response,
            };
            let level = self.level_of(subject);
            let index = live.iter().position(|v| *v == found);
            self.problems(&schema, &live, level, index)
        };
        let mut fields = vec![("is_compatible".into(), Json::Bool(messages.is_empty()))];
        if verbose {
            fields.push((
                "messages".into(),
                Json::Array(messages.iter().map(|m| string(m)).collect()),
            ));
        }
        ok(Json::Object(fields))
    }
}
