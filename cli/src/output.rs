//! What a command printed: text on standard output and standard error, in the order it was
//! printed, as a terminal shows it.

use std::fmt::Write as _;

/// Which stream a piece of text went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error (Kafka's tools print usage errors, `Processed a total of N messages`
    /// and log lines there).
    Stderr,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// It ran (a Kafka-level error printed by a tool still counts as run).
    #[default]
    Ok,
    /// The line was malformed and nothing ran.
    ParseError,
}

/// Text printed by one or more commands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    /// Pieces of text in print order; each carries its own line breaks.
    pub chunks: Vec<(Stream, String)>,
    /// Whether the input parsed.
    pub status: Status,
}

impl Output {
    /// Nothing printed.
    pub fn new() -> Output {
        Output::default()
    }

    /// Prints `text` on standard output without a line break.
    pub fn print(&mut self, text: impl Into<String>) {
        self.push(Stream::Stdout, text.into());
    }

    /// Prints `text` and a line break on standard output.
    pub fn println(&mut self, text: impl AsRef<str>) {
        self.push(Stream::Stdout, format!("{}\n", text.as_ref()));
    }

    /// Prints `text` and a line break on standard error.
    pub fn eprintln(&mut self, text: impl AsRef<str>) {
        self.push(Stream::Stderr, format!("{}\n", text.as_ref()));
    }

    fn push(&mut self, stream: Stream, text: String) {
        if text.is_empty() {
            return;
        }
        match self.chunks.last_mut() {
            Some((last, chunk)) if *last == stream => chunk.push_str(&text),
            _ => self.chunks.push((stream, text)),
        }
    }

    /// Appends what another command printed.
    pub fn append(&mut self, other: Output) {
        for (stream, text) in other.chunks {
            self.push(stream, text);
        }
        if other.status == Status::ParseError {
            self.status = Status::ParseError;
        }
    }

    /// Everything printed, both streams interleaved as a terminal shows them (`2>&1`).
    pub fn text(&self) -> String {
        self.chunks
            .iter()
            .fold(String::new(), |mut all, (_, text)| {
                let _ = write!(all, "{text}");
                all
            })
    }

    /// Only what went to one stream.
    pub fn stream(&self, wanted: Stream) -> String {
        self.chunks
            .iter()
            .filter(|(stream, _)| *stream == wanted)
            .map(|(_, text)| text.as_str())
            .collect()
    }

    /// Whether nothing was printed.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }
}
