//! A malformed line: where it is, which word is wrong, and what was expected.
//!
//! A parse error stops a script before anything runs (the binary exits with code 2); a
//! Kafka-level error (an unknown topic, too few replicas) is not a parse error: the tool prints
//! it as Kafka's tool does and the script goes on.

use std::fmt;

/// Why a line could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line (from 1) where the command starts.
    pub line: u32,
    /// The offending word, as written (empty when the line ended too soon).
    pub word: String,
    /// What is wrong and what was expected, in a sentence.
    pub message: String,
    /// Whether the text simply ended too soon (an open quote or here-document, a trailing
    /// backslash): an interactive prompt reads another line instead of failing.
    pub incomplete: bool,
}

impl ParseError {
    /// An error at `line` about `word`.
    pub fn new(line: u32, word: impl Into<String>, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            word: word.into(),
            message: message.into(),
            incomplete: false,
        }
    }

    /// The text ended inside a quote, a here-document or after a trailing backslash.
    pub fn incomplete(line: u32, message: impl Into<String>) -> ParseError {
        ParseError {
            incomplete: true,
            ..ParseError::new(line, "", message)
        }
    }

    /// The same error, reported at another line (a command parsed on its own is line 1).
    pub fn at_line(mut self, line: u32) -> ParseError {
        self.line = line;
        self
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}
