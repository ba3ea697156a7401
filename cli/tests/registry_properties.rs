//! Property tests of the simulated schema registry's Avro layer: random schemas, valid or not,
//! never panic the parser or the compatibility check; a schema's canonical text parses back to
//! itself; every schema reads its own data; and the registry's REST layer answers any request.

use kplay_cli::registry::avro::parse_schema;
use kplay_cli::registry::compatibility::incompatibilities;
use kplay_cli::registry::{Request, SchemaRegistry};
use proptest::prelude::*;

/// Avro schema JSON, mostly well formed, with names that repeat so references, redefinitions
/// and recursion all occur.
fn schema_text() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(r#""int""#.to_string()),
        Just(r#""long""#.to_string()),
        Just(r#""string""#.to_string()),
        Just(r#""bytes""#.to_string()),
        Just(r#""double""#.to_string()),
        Just(r#""null""#.to_string()),
        Just(r#""R""#.to_string()),
        Just(r#""E""#.to_string()),
        Just(r#"{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}"#.to_string()),
        Just(r#"{"type":"enum","name":"E","symbols":["B","C"]}"#.to_string()),
        Just(r#"{"type":"fixed","name":"F","size":4}"#.to_string()),
        Just(r#"{"type":"long","logicalType":"timestamp-millis"}"#.to_string()),
        Just(r#"{"type":"nope"}"#.to_string()),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner
                .clone()
                .prop_map(|t| format!(r#"{{"type":"array","items":{t}}}"#)),
            inner
                .clone()
                .prop_map(|t| format!(r#"{{"type":"map","values":{t}}}"#)),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|ts| format!("[{}]", ts.join(","))),
            (
                prop::sample::select(vec!["R", "S", "ns.R", "R2"]),
                prop::collection::vec(
                    (
                        prop::sample::select(vec!["a", "b", "c", "a"]),
                        inner,
                        prop::sample::select(vec![
                            "",
                            r#","default":1"#,
                            r#","default":"x""#,
                            r#","default":null"#,
                            r#","aliases":["z"]"#
                        ]),
                    ),
                    0..4,
                ),
            )
                .prop_map(|(name, fields)| {
                    let fields: Vec<String> = fields
                        .into_iter()
                        .map(|(field, t, extra)| {
                            format!(r#"{{"name":"{field}","type":{t}{extra}}}"#)
                        })
                        .collect();
                    format!(
                        r#"{{"type":"record","name":"{name}","fields":[{}]}}"#,
                        fields.join(",")
                    )
                }),
        ]
    })
}

/// The reads compared between a registry and one that read its records back.
const READS: [&str; 12] = [
    "/subjects",
    "/subjects/s/versions",
    "/subjects/t/versions",
    "/subjects/s/versions/latest",
    "/subjects/s/versions/1",
    "/subjects/s/versions/2",
    "/subjects/t/versions/latest",
    "/schemas/ids/1/versions",
    "/schemas/ids/2",
    "/config",
    "/config/s",
    "/config/t",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn schemas_parse_print_back_and_check_without_panicking(a in schema_text(), b in schema_text()) {
        let (pa, pb) = (parse_schema(&a), parse_schema(&b));
        if let Ok(schema) = &pa {
            let canonical = schema.canonical();
            let again = parse_schema(&canonical);
            prop_assert!(again.is_ok(), "{a} -> {canonical}: {:?}", again.err());
            prop_assert_eq!(again.map(|s| s.canonical()).ok(), Some(canonical.clone()), "{}", a);
            // A schema reads what it wrote.
            let own = incompatibilities(schema, schema, true);
            prop_assert!(own.is_empty(), "{canonical}: {own:?}");
        }
        if let (Ok(x), Ok(y)) = (&pa, &pb) {
            let _ = incompatibilities(x, y, true);
            let _ = incompatibilities(y, x, false);
        }
    }

    #[test]
    fn random_text_never_panics_the_parser(text in ".{0,80}") {
        let _ = parse_schema(&text);
    }

    #[test]
    fn the_registry_answers_any_request(
        steps in prop::collection::vec(
            (
                prop::sample::select(vec!["GET", "POST", "POST", "PUT", "DELETE", "DELETE"]),
                prop::sample::select(vec![
                    "/subjects", "/subjects/s/versions", "/subjects/s/versions/latest",
                    "/subjects/s/versions/1/schema", "/subjects/s", "/schemas/ids/1",
                    "/schemas/ids/2/versions", "/config", "/config/s",
                    "/compatibility/subjects/s/versions/latest", "/subjects/s/versions/0",
                    "/subjects/%7Fs%2/versions", "/", "/subjects/t/versions", "/subjects/t",
                    "/subjects/s/versions/2", "/subjects/t/versions/latest",
                ]),
                prop::sample::select(vec![
                    "", "verbose=true", "defaultToGlobal=true", "permanent=true", "deleted=true",
                ]),
                prop::option::of(prop_oneof![
                    schema_text().prop_map(|t| format!(r#"{{"schema":{:?}}}"#, t)),
                    prop::sample::select(vec![r#""int""#, r#""long""#, r#""string""#])
                        .prop_map(|t| format!(r#"{{"schema":{:?}}}"#, t)),
                    prop::sample::select(vec![
                        r#"{"compatibility":"FULL_TRANSITIVE"}"#, r#"{"compatibility":"none"}"#,
                        r#"{"compatibility":"FORWARD"}"#, "{}", "nope",
                    ]).prop_map(str::to_string),
                ]),
            ),
            1..12,
        )
    ) {
        let mut registry = SchemaRegistry::default();
        let mut records: Vec<(String, Option<String>)> = Vec::new();
        for (method, path, query, body) in &steps {
            let response = registry.handle(
                Request { method, path, query, body: body.as_deref() },
                &mut |key, value| {
                    records.push((key.to_string(), value.map(str::to_string)));
                    Ok(None)
                },
            );
            prop_assert!(response.status >= 200 && response.status < 600);
            prop_assert!(!response.body.is_empty());
        }
        // What the registry knows is what it wrote: a registry reading the records back (as a
        // second registry, or this one after a restart, would) answers every read alike, and
        // so does one reading the topic after compaction kept only each key's last record.
        let replay = |records: &[(String, Option<String>)]| {
            let mut read = SchemaRegistry::default();
            for (offset, (key, value)) in records.iter().enumerate() {
                read.apply_record(offset as i64, Some(key), value.as_deref());
            }
            read
        };
        let compacted: Vec<(String, Option<String>)> = records
            .iter()
            .enumerate()
            .filter(|(at, (key, _))| !records[at + 1..].iter().any(|(later, _)| later == key))
            .map(|(_, record)| record.clone())
            .collect();
        for mut other in [replay(&records), replay(&compacted)] {
            for path in READS {
                for query in ["", "deleted=true"] {
                    let read = |registry: &mut SchemaRegistry| {
                        registry.handle(
                            Request { method: "GET", path, query, body: None },
                            &mut |_, _| Ok(None),
                        )
                    };
                    prop_assert_eq!(read(&mut other), read(&mut registry), "{} {}", path, query);
                }
            }
        }
    }
}
