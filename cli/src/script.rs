//! A script: its commands, each parsed into what it will do, with its line number.
//!
//! [`Script::parse`] checks the whole text before anything runs, so a malformed line stops a
//! script before it changes the cluster.

use crate::error::ParseError;
use crate::lexer;
use crate::parser::{self, Invocation};

/// One command of a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The line (from 1) where the command starts.
    pub line: u32,
    /// The command's words as written (quotes removed), for echoing and errors.
    pub words: Vec<String>,
    /// What it does.
    pub invocation: Invocation,
}

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Script {
    /// Its commands, in order.
    pub steps: Vec<Step>,
}

impl Script {
    /// Parses a whole script; the first malformed line is the error.
    pub fn parse(text: &str) -> Result<Script, ParseError> {
        let mut steps = Vec::new();
        for raw in lexer::lex(text)? {
            let invocation = parser::parse_command(&raw).map_err(|e| e.at_line(raw.line))?;
            steps.push(Step {
                line: raw.line,
                words: raw.main.words.clone(),
                invocation,
            });
        }
        Ok(Script { steps })
    }

    /// Whether the script has no commands.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}
