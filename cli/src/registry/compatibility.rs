//! Whether data written with one Avro schema can be read with another, as Confluent Schema
//! Registry decides it before registering a schema: apache/avro's
//! `SchemaCompatibility.checkReaderWriterCompatibility` finds the problems (all of them, not
//! just the first, since Avro 1.9), and Confluent's `Difference` prints each one into the
//! 409 message, with `SchemaValidatorBuilder` filling in which schema is "new" and "old".

use kplay_core::vec_map::VecMap;

use super::avro::{type_name, Schema, Shape};

/// The reader's type for each writer type it can read besides its own (Avro's promotions).
const PROMOTIONS: [(&str, &str); 8] = [
    ("LONG", "INT"),
    ("FLOAT", "INT"),
    ("FLOAT", "LONG"),
    ("DOUBLE", "INT"),
    ("DOUBLE", "LONG"),
    ("DOUBLE", "FLOAT"),
    ("BYTES", "STRING"),
    ("STRING", "BYTES"),
];
/// Pairs of types checked inside one another beyond this are refused rather than risking the
/// stack (the JVM would throw `StackOverflowError` somewhere deeper).
const MAX_DEPTH: u32 = 2000;

/// Confluent's Avro compatibility check of one pair: the problems that stop data written with
/// `writer` from being read with `reader`, each formatted as Confluent prints it in a 409
/// message, e.g. `{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field
/// 'currency' at path '/fields/2' in the new schema has no default value and is missing in
/// the old schema', additionalInfo:'currency'}`. Empty when compatible.
///
/// `reader_is_new`: whether the reader is the schema being registered. BACKWARD checks that
/// the new schema reads the old; FORWARD that the old reads the new, and the descriptions
/// then say "in the old schema ... missing in the new schema". If Avro throws on the way
/// (a reader field matching two writer fields through its aliases), the one message is
/// Confluent's `Unexpected exception during compatibility check: ...`.
pub fn incompatibilities(reader: &Schema, writer: &Schema, reader_is_new: bool) -> Vec<String> {
    let mut checker = Checker {
        reader,
        writer,
        memo: VecMap::default(),
        depth: 0,
    };
    match checker.pair("", reader.root, writer.root, &mut Vec::new()) {
        Ok(found) => {
            let words = match reader_is_new {
                true => ("new", "old"),
                false => ("old", "new"),
            };
            found
                .iter()
                .map(|problem| problem.describe(words))
                .collect()
        }
        Err(exception) => vec![format!(
            "Unexpected exception during compatibility check: {exception}"
        )],
    }
}

/// Avro's `Incompatibility`: its type, message and location (JSON pointer tokens, the
/// first being the root's empty one).
#[derive(Debug, Clone)]
struct Incompatibility {
    kind: &'static str,
    message: String,
    location: Vec<String>,
}

impl Incompatibility {
    /// `Incompatibility.getLocation`: a JSON pointer, `/` for the root.
    fn path(&self) -> String {
        let tokens = self.location.iter().skip(1);
        let escaped: Vec<String> = tokens
            .map(|t| t.replace('~', "~0").replace('/', "~1"))
            .collect();
        format!("/{}", escaped.join("/"))
    }

    /// Confluent's `Difference.error()`, with the reader's and the writer's roles named.
    fn describe(&self, (reader, writer): (&str, &str)) -> String {
        let (path, info) = (self.path(), &self.message);
        let description = match self.kind {
            "FIXED_SIZE_MISMATCH" => format!(
                "The size of FIXED type field at path '{path}' in the {reader} schema does not \
                 match with the {writer} schema"
            ),
            "TYPE_MISMATCH" => format!(
                "The type (path '{path}') of a field in the {reader} schema does not match with \
                 the {writer} schema"
            ),
            "NAME_MISMATCH" => format!("The name of the schema has changed (path '{path}')"),
            "MISSING_ENUM_SYMBOLS" => format!(
                "The {reader} schema is missing enum symbols '{info}' at path '{path}' in the \
                 {writer} schema"
            ),
            "MISSING_UNION_BRANCH" => format!(
                "The {reader} schema is missing a type inside a union field at path '{path}' in \
                 the {writer} schema"
            ),
            _ => format!(
                "The field '{info}' at path '{path}' in the {reader} schema has no default value \
                 and is missing in the {writer} schema"
            ),
        };
        format!(
            "{{errorType:'{}', description:'{description}', additionalInfo:'{info}'}}",
            self.kind
        )
    }
}

/// What a check gives: the problems found, or the message of an exception Avro throws.
type Outcome = Result<Vec<Incompatibility>, String>;

/// Avro's `ReaderWriterCompatibilityChecker`. Each (reader type, writer type) pair is checked
/// once and remembered, which is what stops a recursive record from looping: a pair met again
/// while still being checked counts as compatible. As in Avro, a remembered result keeps the
/// locations of where it was first found.
struct Checker<'a> {
    reader: &'a Schema,
    writer: &'a Schema,
    /// `None` while the pair is being checked.
    memo: VecMap<(usize, usize), Option<Vec<Incompatibility>>>,
    depth: u32,
}

impl Checker<'_> {
    /// `getCompatibility(referenceToken, reader, writer, location)`.
    fn pair(&mut self, token: &str, r: usize, w: usize, location: &mut Vec<String>) -> Outcome {
        location.push(token.to_string());
        let result = match self.memo.get(&(r, w)) {
            Some(None) => Vec::new(),
            Some(Some(found)) => found.clone(),
            None if self.depth >= MAX_DEPTH => {
                return Err("java.lang.StackOverflowError".to_string())
            }
            None => {
                self.memo.insert((r, w), None);
                self.depth += 1;
                let found = self.calculate(r, w, location)?;
                self.depth -= 1;
                self.memo.insert((r, w), Some(found.clone()));
                found
            }
        };
        location.pop();
        Ok(result)
    }

    /// `getCompatibility(reader, writer)`: checked from a fresh location, for unions, whose
    /// branches' own problems are not reported (only that a branch is missing).
    fn fresh(&mut self, r: usize, w: usize) -> Outcome {
        self.pair("", r, w, &mut Vec::new())
    }

    /// `calculateCompatibility`.
    fn calculate(&mut self, r: usize, w: usize, location: &mut Vec<String>) -> Outcome {
        let (reader, writer) = (self.reader, self.writer);
        let (reader_shape, writer_shape) = (reader.shape(r), writer.shape(w));
        let (reader_type, writer_type) = (type_name(reader_shape), type_name(writer_shape));
        let problem = |kind, message: String, location: &[String]| Incompatibility {
            kind,
            message,
            location: location.to_vec(),
        };
        if reader_type == writer_type {
            return match (reader_shape, writer_shape) {
                (Shape::Array(ri), Shape::Array(wi)) => self.pair("items", *ri, *wi, location),
                (Shape::Map(ri), Shape::Map(wi)) => self.pair("values", *ri, *wi, location),
                (Shape::Fixed(..), Shape::Fixed(_, writer_size)) => {
                    let mut found = self.names(r, w, location);
                    location.push("size".to_string());
                    if let Shape::Fixed(_, reader_size) = reader_shape {
                        if reader_size != writer_size {
                            let message = format!("expected: {writer_size}, found: {reader_size}");
                            found.push(problem("FIXED_SIZE_MISMATCH", message, location));
                        }
                    }
                    location.pop();
                    Ok(found)
                }
                (Shape::Enum(_, symbols, default), Shape::Enum(_, written, _)) => {
                    let mut found = self.names(r, w, location);
                    location.push("symbols".to_string());
                    let mut missing: Vec<&String> =
                        written.iter().filter(|s| !symbols.contains(s)).collect();
                    kplay_core::sort::sort(&mut missing);
                    missing.dedup();
                    if !missing.is_empty() && default.is_none() {
                        let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
                        let message = format!("[{}]", list.join(", "));
                        found.push(problem("MISSING_ENUM_SYMBOLS", message, location));
                    }
                    location.pop();
                    Ok(found)
                }
                (Shape::Record(..), Shape::Record(..)) => {
                    let mut found = self.names(r, w, location);
                    found.extend(self.fields(r, w, location)?);
                    Ok(found)
                }
                (Shape::Union(_), Shape::Union(branches)) => {
                    let mut found = Vec::new();
                    for (index, branch) in branches.iter().enumerate() {
                        location.push(index.to_string());
                        if !self.fresh(r, *branch)?.is_empty() {
                            let kind = type_name(writer.shape(*branch));
                            let message = format!("reader union lacking writer type: {kind}");
                            found.push(problem("MISSING_UNION_BRANCH", message, location));
                        }
                        location.pop();
                    }
                    Ok(found)
                }
                _ => Ok(Vec::new()),
            };
        }
        if let Shape::Union(branches) = writer_shape {
            // Every branch the writer may have written must be readable.
            let mut found = Vec::new();
            for (index, branch) in branches.iter().enumerate() {
                found.extend(self.pair(&index.to_string(), r, *branch, location)?);
            }
            return Ok(found);
        }
        if PROMOTIONS.contains(&(reader_type, writer_type)) {
            return Ok(Vec::new());
        }
        if let Shape::Union(branches) = reader_shape {
            for branch in branches {
                if self.fresh(*branch, w)?.is_empty() {
                    return Ok(Vec::new());
                }
            }
            let message = format!("reader union lacking writer type: {writer_type}");
            return Ok(vec![problem("MISSING_UNION_BRANCH", message, location)]);
        }
        let message =
            format!("reader type: {reader_type} not compatible with writer type: {writer_type}");
        Ok(vec![problem("TYPE_MISMATCH", message, location)])
    }

    /// `checkSchemaNames`: the short names match, or the reader lists the writer's full name
    /// among its aliases.
    fn names(&self, r: usize, w: usize, location: &mut Vec<String>) -> Vec<Incompatibility> {
        let (Some(reader), Some(writer)) = (named(self.reader, r), named(self.writer, w)) else {
            return Vec::new();
        };
        let writer_full = writer.full();
        if reader.name == writer.name || reader.alias_full_names().contains(&writer_full) {
            return Vec::new();
        }
        location.push("name".to_string());
        let found = vec![Incompatibility {
            kind: "NAME_MISMATCH",
            message: format!("expected: {writer_full}"),
            location: location.clone(),
        }];
        location.pop();
        found
    }

    /// `checkReaderWriterRecordFields`: each reader field is read from the writer field of
    /// its name or one of its aliases, or else needs a default.
    fn fields(&mut self, r: usize, w: usize, location: &mut Vec<String>) -> Outcome {
        let (reader, writer) = (self.reader, self.writer);
        let (Shape::Record(_, Some(reader_fields), _), Shape::Record(_, Some(writer_fields), _)) =
            (reader.shape(r), writer.shape(w))
        else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        location.push("fields".to_string());
        for (position, field) in reader_fields.iter().enumerate() {
            location.push(position.to_string());
            let names = std::iter::once(&field.name).chain(field.aliases.iter());
            let matches: Vec<_> = names
                .filter_map(|name| writer_fields.iter().find(|f| f.name == *name))
                .collect();
            match matches.as_slice() {
                [] if field.default.is_some() => {}
                [] if matches!(reader.shape(field.schema), Shape::Enum(_, _, Some(_))) => {
                    // Avro checks the enum against the writer record itself.
                    found.extend(self.pair("type", field.schema, w, location)?);
                }
                [] => found.push(Incompatibility {
                    kind: "READER_FIELD_MISSING_DEFAULT_VALUE",
                    message: field.name.clone(),
                    location: location.clone(),
                }),
                [written] => {
                    found.extend(self.pair("type", field.schema, written.schema, location)?)
                }
                _ => {
                    return Err(format!(
                        "Reader record field {} matches multiple fields in writer record schema {}",
                        field.describe(&reader.nodes, position),
                        writer.render(w)
                    ))
                }
            }
            location.pop();
        }
        location.pop();
        Ok(found)
    }
}

fn named(schema: &Schema, id: usize) -> Option<&super::avro::Named> {
    match schema.shape(id) {
        Shape::Record(named, ..) | Shape::Enum(named, ..) | Shape::Fixed(named, ..) => Some(named),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::avro::parse_schema;

    fn schema(text: &str) -> Schema {
        parse_schema(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    /// Avro's own view: (type, message, location) of each incompatibility.
    fn avro(reader: &str, writer: &str) -> Vec<(&'static str, String, String)> {
        let (reader, writer) = (schema(reader), schema(writer));
        let mut checker = Checker {
            reader: &reader,
            writer: &writer,
            memo: VecMap::default(),
            depth: 0,
        };
        let found = checker.pair("", reader.root, writer.root, &mut Vec::new());
        let found = found.unwrap_or_else(|exception| panic!("{exception}"));
        found
            .iter()
            .map(|i| (i.kind, i.message.clone(), i.path()))
            .collect()
    }

    fn one(kind: &'static str, message: &str, path: &str) -> Vec<(&'static str, String, String)> {
        vec![(kind, message.to_string(), path.to_string())]
    }

    // Schemas of apache/avro TestSchemas.java, as JSON.
    const INT: &str = r#""int""#;
    const LONG: &str = r#""long""#;
    const NULL: &str = r#""null""#;
    const ENUM1_AB: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B"]}"#;
    const ENUM1_ABC: &str = r#"{"type":"enum","name":"Enum1","symbols":["A","B","C"]}"#;
    const ENUM1_BC: &str = r#"{"type":"enum","name":"Enum1","symbols":["B","C"]}"#;
    const ENUM2_AB: &str = r#"{"type":"enum","name":"Enum2","symbols":["A","B"]}"#;
    const FIXED_4: &str = r#"{"type":"fixed","name":"Fixed","size":4}"#;
    const FIXED_8: &str = r#"{"type":"fixed","name":"Fixed","size":8}"#;
    const EMPTY_RECORD1: &str = r#"{"type":"record","name":"Record1","fields":[]}"#;
    const EMPTY_RECORD2: &str = r#"{"type":"record","name":"Record2","fields":[]}"#;
    const A_INT_RECORD1: &str =
        r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"}]}"#;
    const A_LONG_RECORD1: &str =
        r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"long"}]}"#;
    const INT_UNION: &str = r#"["int"]"#;
    const STRING_UNION: &str = r#"["string"]"#;
    const INT_STRING_UNION: &str = r#"["int","string"]"#;
    const INT_LIST_RECORD: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"int"},{"name":"tail","type":"List"}]}"#;
    const LONG_LIST_RECORD: &str = r#"{"type":"record","name":"List","fields":[{"name":"head","type":"long"},{"name":"tail","type":"List"}]}"#;

    fn record_with(field_type: &str, default: &str) -> String {
        format!(
            r#"{{"type":"record","name":"Record1","fields":[{{"name":"a","type":"int","default":0}},{{"name":"b","type":{field_type}{default}}}]}}"#
        )
    }

    #[test]
    fn type_mismatches_name_both_types_and_where() {
        // apache/avro TestSchemaCompatibilityTypeMismatch.java.
        let mismatch = "TYPE_MISMATCH";
        assert_eq!(
            avro(NULL, INT),
            one(
                mismatch,
                "reader type: NULL not compatible with writer type: INT",
                "/"
            )
        );
        assert_eq!(
            avro(A_INT_RECORD1, A_LONG_RECORD1),
            one(
                mismatch,
                "reader type: INT not compatible with writer type: LONG",
                "/fields/0/type"
            )
        );
        let array = |items: &str| format!(r#"{{"type":"array","items":{items}}}"#);
        let map = |values: &str| format!(r#"{{"type":"map","values":{values}}}"#);
        assert_eq!(
            avro(&array(INT), &array(LONG)),
            one(
                mismatch,
                "reader type: INT not compatible with writer type: LONG",
                "/items"
            )
        );
        assert_eq!(
            avro(&map(INT), &map(LONG)),
            one(
                mismatch,
                "reader type: INT not compatible with writer type: LONG",
                "/values"
            )
        );
        assert_eq!(
            avro(INT, ENUM2_AB),
            one(
                mismatch,
                "reader type: INT not compatible with writer type: ENUM",
                "/"
            )
        );
        assert_eq!(
            avro(&array(INT), &map(INT)),
            one(
                mismatch,
                "reader type: ARRAY not compatible with writer type: MAP",
                "/"
            )
        );
    }

    #[test]
    fn promotions_widen_numbers_and_swap_strings_and_bytes_but_never_narrow() {
        // apache/avro TestSchemaCompatibility.java (COMPATIBLE_READER_WRITER_TEST_CASES).
        for (reader, writer) in PROMOTIONS {
            let (reader, writer) = (reader.to_lowercase(), writer.to_lowercase());
            let (reader, writer) = (format!("\"{reader}\""), format!("\"{writer}\""));
            assert_eq!(avro(&reader, &writer), vec![], "{reader} reads {writer}");
            if !reader.contains("string") && !reader.contains("bytes") {
                assert_eq!(avro(&writer, &reader).len(), 1, "{writer} reads {reader}");
            }
        }
    }

    #[test]
    fn named_types_must_keep_their_short_name_unless_the_reader_aliases_it() {
        // apache/avro TestSchemaCompatibilityNameMismatch.java.
        assert_eq!(
            avro(ENUM1_AB, ENUM2_AB),
            one("NAME_MISMATCH", "expected: Enum2", "/name")
        );
        assert_eq!(
            avro(EMPTY_RECORD2, EMPTY_RECORD1),
            one("NAME_MISMATCH", "expected: Record1", "/name")
        );
        assert_eq!(
            avro(&record_with(ENUM1_AB, ""), &record_with(ENUM2_AB, "")),
            one("NAME_MISMATCH", "expected: Enum2", "/fields/1/type/name")
        );
        let aliased = r#"{"type":"record","name":"Record2","aliases":["Record1"],"fields":[]}"#;
        assert_eq!(avro(aliased, EMPTY_RECORD1), vec![]);
        // A changed namespace alone is no mismatch (Avro compares short names; AVRO-3622).
        let ns1 = r#"{"type":"record","name":"ns1.R","fields":[]}"#;
        let ns2 = r#"{"type":"record","name":"ns2.R","fields":[]}"#;
        assert_eq!(avro(ns1, ns2), vec![]);
    }

    #[test]
    fn fixed_sizes_must_match() {
        // apache/avro TestSchemaCompatibilityFixedSizeMismatch.java.
        assert_eq!(
            avro(FIXED_4, FIXED_8),
            one("FIXED_SIZE_MISMATCH", "expected: 8, found: 4", "/size")
        );
        assert_eq!(
            avro(&record_with(FIXED_8, ""), &record_with(FIXED_4, "")),
            one(
                "FIXED_SIZE_MISMATCH",
                "expected: 4, found: 8",
                "/fields/1/type/size"
            )
        );
    }

    #[test]
    fn enums_must_know_every_symbol_written_unless_the_reader_has_a_default() {
        // apache/avro TestSchemaCompatibilityMissingEnumSymbols.java.
        assert_eq!(
            avro(ENUM1_AB, ENUM1_ABC),
            one("MISSING_ENUM_SYMBOLS", "[C]", "/symbols")
        );
        assert_eq!(
            avro(ENUM1_BC, ENUM1_ABC),
            one("MISSING_ENUM_SYMBOLS", "[A]", "/symbols")
        );
        assert_eq!(
            avro(&record_with(ENUM1_AB, ""), &record_with(ENUM1_ABC, "")),
            one("MISSING_ENUM_SYMBOLS", "[C]", "/fields/1/type/symbols")
        );
        let with_default = r#"{"type":"enum","name":"Enum1","symbols":["A","B"],"default":"A"}"#;
        assert_eq!(avro(with_default, ENUM1_ABC), vec![]);
        assert_eq!(avro(ENUM1_ABC, ENUM1_AB), vec![]);
    }

    #[test]
    fn union_branches_must_each_be_readable() {
        // apache/avro TestSchemaCompatibilityMissingUnionBranch.java.
        let lacking = "MISSING_UNION_BRANCH";
        assert_eq!(
            avro(INT_UNION, INT_STRING_UNION),
            one(lacking, "reader union lacking writer type: STRING", "/1")
        );
        assert_eq!(
            avro(STRING_UNION, INT_STRING_UNION),
            one(lacking, "reader union lacking writer type: INT", "/0")
        );
        let union_int_record1 = format!("[{INT},{A_INT_RECORD1}]");
        assert_eq!(
            avro(INT_UNION, &union_int_record1),
            one(lacking, "reader union lacking writer type: RECORD", "/1")
        );
        // A union reading a plain type needs a branch for it.
        assert_eq!(
            avro(INT_UNION, r#""string""#),
            one(lacking, "reader union lacking writer type: STRING", "/")
        );
        assert_eq!(avro(r#"["null","long"]"#, INT), vec![]);
        // A plain reader must read every branch the writer may have written.
        assert_eq!(
            avro(INT, INT_STRING_UNION),
            one(
                "TYPE_MISMATCH",
                "reader type: INT not compatible with writer type: STRING",
                "/1"
            )
        );
        assert_eq!(avro(r#"["null","int","string"]"#, INT_STRING_UNION), vec![]);
    }

    #[test]
    fn a_reader_field_missing_from_the_writer_needs_a_default() {
        // apache/avro TestSchemaCompatibilityReaderFieldMissingDefaultValue.java.
        assert_eq!(
            avro(A_INT_RECORD1, EMPTY_RECORD1),
            one("READER_FIELD_MISSING_DEFAULT_VALUE", "a", "/fields/0")
        );
        let a_int_b_dint = r#"{"type":"record","name":"Record1","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}"#;
        assert_eq!(
            avro(a_int_b_dint, EMPTY_RECORD1),
            one("READER_FIELD_MISSING_DEFAULT_VALUE", "a", "/fields/0")
        );
        assert_eq!(avro(EMPTY_RECORD1, A_INT_RECORD1), vec![]);
        // A field renamed with an alias still reads the old one.
        let renamed = r#"{"type":"record","name":"Record1","fields":[{"name":"b","type":"int","aliases":["a"]}]}"#;
        assert_eq!(avro(renamed, A_INT_RECORD1), vec![]);
    }

    #[test]
    fn every_problem_is_reported_not_just_the_first() {
        let reader = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"boolean"},{"name":"b","type":"string"},{"name":"c","type":"int"}]}"#;
        let writer = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"double"}]}"#;
        assert_eq!(
            avro(reader, writer),
            vec![
                (
                    "TYPE_MISMATCH",
                    "reader type: BOOLEAN not compatible with writer type: INT".to_string(),
                    "/fields/0/type".to_string()
                ),
                (
                    "TYPE_MISMATCH",
                    "reader type: STRING not compatible with writer type: DOUBLE".to_string(),
                    "/fields/1/type".to_string()
                ),
                (
                    "READER_FIELD_MISSING_DEFAULT_VALUE",
                    "c".to_string(),
                    "/fields/2".to_string()
                ),
            ]
        );
    }

    #[test]
    fn recursive_records_are_checked_once_and_do_not_loop() {
        // apache/avro TestSchemaCompatibilityTypeMismatch.java: INT_LIST_RECORD vs LONG_LIST_RECORD.
        assert_eq!(
            avro(INT_LIST_RECORD, LONG_LIST_RECORD),
            one(
                "TYPE_MISMATCH",
                "reader type: INT not compatible with writer type: LONG",
                "/fields/0/type"
            )
        );
        assert_eq!(avro(LONG_LIST_RECORD, INT_LIST_RECORD), vec![]);
        let linked = r#"{"type":"record","name":"LongList","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","LongList"]}]}"#;
        assert_eq!(avro(linked, linked), vec![]);
    }

    #[test]
    fn a_type_met_twice_repeats_its_first_finding_as_avro_remembers_it() {
        // Avro memoizes each (reader, writer) pair with the locations where it was found first.
        let schema = |field_type: &str| {
            format!(
                r#"{{"type":"record","name":"R","fields":[{{"name":"a","type":{{"type":"record","name":"In","fields":[{{"name":"x","type":"{field_type}"}}]}}}},{{"name":"b","type":"In"}}]}}"#
            )
        };
        let found = avro(&schema("int"), &schema("string"));
        let first = (
            "TYPE_MISMATCH",
            "reader type: INT not compatible with writer type: STRING".to_string(),
            "/fields/0/type/fields/0/type".to_string(),
        );
        assert_eq!(found, vec![first.clone(), first]);
    }

    #[test]
    fn confluent_formats_each_problem_with_new_and_old_in_their_roles() {
        // Outputs observed from Confluent Schema Registry, and its Difference.java texts.
        let int = schema(INT);
        let boolean = schema(r#""boolean""#);
        assert_eq!(
            incompatibilities(&boolean, &int, true),
            vec!["{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: BOOLEAN not compatible with writer type: INT'}"]
        );
        let old = schema(
            r#"{"type":"record","name":"Visit","fields":[{"name":"visit_id","type":"string"}]}"#,
        );
        let new = schema(r#"{"type":"record","name":"Visit","fields":[]}"#);
        assert_eq!(
            incompatibilities(&old, &new, false),
            vec!["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'visit_id' at path '/fields/0' in the old schema has no default value and is missing in the new schema', additionalInfo:'visit_id'}"]
        );
        let check =
            |reader: &str, writer: &str| incompatibilities(&schema(reader), &schema(writer), true);
        assert_eq!(
            check(EMPTY_RECORD2, EMPTY_RECORD1),
            vec!["{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: Record1'}"]
        );
        assert_eq!(
            check(FIXED_4, FIXED_8),
            vec!["{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 8, found: 4'}"]
        );
        assert_eq!(
            check(ENUM1_AB, ENUM1_ABC),
            vec!["{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[C]' at path '/symbols' in the old schema', additionalInfo:'[C]'}"]
        );
        assert_eq!(
            check(INT_UNION, INT_STRING_UNION),
            vec!["{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/1' in the old schema', additionalInfo:'reader union lacking writer type: STRING'}"]
        );
        // Confluent AvroCompatibilityTest.java: adding a field without a default.
        let f1 = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"}]}"#;
        let f1_f2 = r#"{"type":"record","name":"myrecord","fields":[{"type":"string","name":"f1"},{"type":"string","name":"f2"}]}"#;
        assert_eq!(
            check(f1_f2, f1),
            vec!["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'f2'}"]
        );
        assert_eq!(check(f1, f1_f2), Vec::<String>::new());
    }

    #[test]
    fn a_field_whose_aliases_match_two_writer_fields_is_an_exception() {
        let reader =
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["b"]}]}"#;
        let writer = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}"#;
        assert_eq!(
            incompatibilities(&schema(reader), &schema(writer), true),
            vec![format!("Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields in writer record schema {writer}")]
        );
    }

    #[test]
    fn deeply_nested_types_are_checked_without_overflowing() {
        let nested = |inner: &str| {
            let depth = 900;
            let open = r#"{"type":"array","items":"#.repeat(depth);
            format!("{open}\"{inner}\"{}", "}".repeat(depth))
        };
        let found = avro(&nested("int"), &nested("long"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, format!("/{}", vec!["items"; 900].join("/")));
        assert_eq!(avro(&nested("long"), &nested("int")), vec![]);
    }
}
