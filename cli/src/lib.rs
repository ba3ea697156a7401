//! `kplay-cli`: the command-line layer of Kafka Playground. One shell-like script language
//! speaks Kafka's own command-line tools against the simulated cluster, printing what the real
//! tools print, plus the playground's own verbs (`kplay ...`).
//!
//! Pure and deterministic (no I/O, no clock), so the web UI's terminal panel uses it in
//! WebAssembly and the `kplay` binary natively:
//! - [`Script::parse`] turns a script into commands with line numbers, or the first
//!   [`ParseError`] (line, offending word, what was expected);
//! - [`Shell`] holds a [`kplay_core::Cluster`] and runs lines ([`Shell::run_line`],
//!   [`Shell::run_script`]) into an [`Output`]; [`Shell::complete`] offers tab completions;
//!   [`help()`] explains the language, each tool, each verb and each Kafka config;
//! - [`record`] turns a core command the UI sent into a script line, so a session can be
//!   exported and replayed.
//!
//! Where to find a concept:
//! - [`lexer`]: quoting, comments, here-documents, pipes; [`options`]: jopt-simple-like option
//!   parsing; [`parser`]: which tool a line names; [`script`]: a parsed script;
//! - [`tools`]: one file per Kafka tool (and `curl`); [`kplay`]: the playground's verbs;
//! - [`registry`]: the simulated schema registry `curl` talks to (Avro schemas, compatibility);
//! - [`shell`]: running lines against the cluster; [`output`]: what was printed;
//! - [`recorder`], [`completion`], [`help`](mod@help), [`format`]: the rest.

#![warn(missing_docs)]

pub mod completion;
pub mod error;
pub mod format;
pub mod help;
pub mod json;
pub mod kplay;
pub mod lexer;
pub mod options;
pub mod output;
pub mod parser;
pub mod recorder;
pub mod registry;
pub mod script;
pub mod shell;
pub mod tools;

pub use error::ParseError;
pub use help::help;
pub use lexer::is_incomplete;
pub use output::{Output, Status, Stream};
pub use parser::Invocation;
pub use recorder::{record, record_advance};
pub use script::{Script, Step};
pub use shell::{Recorded, Shell};
