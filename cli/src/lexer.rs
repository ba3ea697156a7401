//! Shell-like lexing: a script's text into commands of words, one command per line.
//!
//! What a POSIX shell does with quoting is kept: single quotes take everything literally,
//! double quotes take `\"`, `\\`, `\$` and `` \` `` as escapes and keep any other backslash,
//! an unquoted backslash escapes the next character, and a backslash before a line break joins
//! two lines. `#` at the start of a word begins a comment. A command may read a
//! here-document (`<<EOF`, `<<'EOF'`, `<<"EOF"`, `<<-EOF` which strips leading tabs) and may
//! take its input from one other command through `|`.
//!
//! Simplified, and refused with a message rather than misread: no variables or command
//! substitution (a `$` is kept as written, `$(` and backquotes are refused), no file
//! redirections, no `;`, `&&` or `||`, and at most one `|`. A here-document's body is taken
//! literally even when its delimiter is unquoted.

use crate::error::ParseError;

/// One segment of a command line: its words and its here-document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Segment {
    /// The words, quotes removed.
    pub words: Vec<String>,
    /// The here-document's body, if the segment reads one.
    pub heredoc: Option<String>,
}

/// One command line, possibly `source | command`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommand {
    /// The line (from 1) where it starts.
    pub line: u32,
    /// The command that runs.
    pub main: Segment,
    /// The command whose output it reads, left of a `|`.
    pub upstream: Option<Segment>,
}

/// A here-document announced on a line, waiting for its body.
struct PendingHeredoc {
    delimiter: String,
    strip_tabs: bool,
    segment: usize,
}

/// The lexer's position in the text.
struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
}

/// Splits `text` into commands.
pub fn lex(text: &str) -> Result<Vec<RawCommand>, ParseError> {
    let mut lexer = Lexer {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
    };
    let mut commands = Vec::new();
    while lexer.pos < lexer.chars.len() {
        if let Some(command) = lexer.command()? {
            commands.push(command);
        }
    }
    Ok(commands)
}

/// Whether `text` ends inside a quote or here-document or after a trailing backslash, so an
/// interactive prompt should read another line before running it.
pub fn is_incomplete(text: &str) -> bool {
    matches!(lex(text), Err(error) if error.incomplete)
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let next = self.peek()?;
        self.pos += 1;
        if next == '\n' {
            self.line += 1;
        }
        Some(next)
    }

    /// Reads one command line (and the here-documents it announced); `None` for a blank or
    /// comment line.
    fn command(&mut self) -> Result<Option<RawCommand>, ParseError> {
        let start_line = self.line;
        let mut segments = vec![Segment::default()];
        let mut pending: Vec<PendingHeredoc> = Vec::new();
        let mut word: Option<String> = None;
        while let Some(next) = self.peek() {
            let segment = segments.len() - 1;
            match next {
                '\n' => {
                    self.bump();
                    break;
                }
                ' ' | '\t' | '\r' => {
                    self.bump();
                    finish_word(&mut word, &mut segments);
                }
                '#' if word.is_none() => self.skip_comment(),
                '\'' => {
                    self.bump();
                    let quoted = self.single_quoted(start_line)?;
                    word.get_or_insert_with(String::new).push_str(&quoted);
                }
                '"' => {
                    self.bump();
                    let quoted = self.double_quoted(start_line)?;
                    word.get_or_insert_with(String::new).push_str(&quoted);
                }
                '\\' => {
                    self.bump();
                    match self.bump() {
                        Some('\n') => {}
                        Some(escaped) => word.get_or_insert_with(String::new).push(escaped),
                        None => {
                            return Err(ParseError::incomplete(
                                start_line,
                                "the line ends with a backslash: another line was expected",
                            ))
                        }
                    }
                }
                '|' => {
                    finish_word(&mut word, &mut segments);
                    self.pipe(start_line, &mut segments)?;
                }
                '<' if self.peek_at(1) == Some('<') => {
                    finish_word(&mut word, &mut segments);
                    pending.push(self.heredoc_start(start_line, segment)?);
                }
                _ => {
                    self.refuse_operator(start_line, next)?;
                    self.bump();
                    word.get_or_insert_with(String::new).push(next);
                }
            }
        }
        finish_word(&mut word, &mut segments);
        for heredoc in pending {
            let body = self.heredoc_body(start_line, &heredoc)?;
            if let Some(segment) = segments.get_mut(heredoc.segment) {
                segment.heredoc = Some(body);
            }
        }
        self.assemble(start_line, segments)
    }

    fn assemble(
        &self,
        line: u32,
        mut segments: Vec<Segment>,
    ) -> Result<Option<RawCommand>, ParseError> {
        let main = segments.pop().unwrap_or_default();
        let upstream = segments.pop();
        if main.words.is_empty() {
            return match upstream {
                Some(_) => Err(ParseError::new(line, "|", "a command was expected after |")),
                None => Ok(None),
            };
        }
        Ok(Some(RawCommand {
            line,
            main,
            upstream,
        }))
    }

    fn skip_comment(&mut self) {
        while let Some(next) = self.peek() {
            if next == '\n' {
                break;
            }
            self.bump();
        }
    }

    fn single_quoted(&mut self, line: u32) -> Result<String, ParseError> {
        let mut text = String::new();
        loop {
            match self.bump() {
                Some('\'') => return Ok(text),
                Some(next) => text.push(next),
                None => {
                    return Err(ParseError::incomplete(
                        line,
                        "a single quote (') is not closed",
                    ))
                }
            }
        }
    }

    fn double_quoted(&mut self, line: u32) -> Result<String, ParseError> {
        let mut text = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(text),
                Some('\\') => match self.bump() {
                    Some('\n') => {}
                    Some(escaped @ ('"' | '\\' | '$' | '`')) => text.push(escaped),
                    Some(other) => {
                        text.push('\\');
                        text.push(other);
                    }
                    None => break,
                },
                Some(next) => text.push(next),
                None => break,
            }
        }
        Err(ParseError::incomplete(
            line,
            "a double quote (\") is not closed",
        ))
    }

    fn pipe(&mut self, line: u32, segments: &mut Vec<Segment>) -> Result<(), ParseError> {
        self.bump();
        if self.peek() == Some('|') {
            return Err(ParseError::new(
                line,
                "||",
                "|| is not supported: write one command per line",
            ));
        }
        let left_is_empty = segments.last().is_none_or(|s| s.words.is_empty());
        if left_is_empty {
            return Err(ParseError::new(
                line,
                "|",
                "a command was expected before |",
            ));
        }
        if segments.len() > 1 {
            return Err(ParseError::new(
                line,
                "|",
                "only one | per line is supported (echo, printf or cat into a tool)",
            ));
        }
        segments.push(Segment::default());
        Ok(())
    }

    /// Reads `<<EOF`, `<<-EOF`, `<<'EOF'` or `<<"EOF"` (the body comes after the line).
    fn heredoc_start(&mut self, line: u32, segment: usize) -> Result<PendingHeredoc, ParseError> {
        self.bump();
        self.bump();
        let strip_tabs = self.peek() == Some('-');
        if strip_tabs {
            self.bump();
        }
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.bump();
        }
        let mut delimiter = String::new();
        while let Some(next) = self.peek() {
            match next {
                ' ' | '\t' | '\n' | '|' | '<' | '>' | ';' | '&' => break,
                '\'' => {
                    self.bump();
                    delimiter.push_str(&self.single_quoted(line)?);
                }
                '"' => {
                    self.bump();
                    delimiter.push_str(&self.double_quoted(line)?);
                }
                _ => {
                    self.bump();
                    delimiter.push(next);
                }
            }
        }
        if delimiter.is_empty() {
            return Err(ParseError::new(
                line,
                "<<",
                "a here-document delimiter was expected after << (for example <<EOF)",
            ));
        }
        Ok(PendingHeredoc {
            delimiter,
            strip_tabs,
            segment,
        })
    }

    fn heredoc_body(&mut self, line: u32, heredoc: &PendingHeredoc) -> Result<String, ParseError> {
        let mut body = String::new();
        loop {
            if self.pos >= self.chars.len() {
                return Err(ParseError::incomplete(
                    line,
                    format!(
                        "the here-document is not closed: a line {} was expected",
                        heredoc.delimiter
                    ),
                ));
            }
            let mut text = String::new();
            while let Some(next) = self.bump() {
                if next == '\n' {
                    break;
                }
                text.push(next);
            }
            let text = text.strip_suffix('\r').unwrap_or(&text).to_string();
            let text = if heredoc.strip_tabs {
                text.trim_start_matches('\t').to_string()
            } else {
                text
            };
            if text == heredoc.delimiter {
                return Ok(body);
            }
            body.push_str(&text);
            body.push('\n');
        }
    }

    /// Refuses shell operators the language does not have, naming what to do instead.
    fn refuse_operator(&self, line: u32, next: char) -> Result<(), ParseError> {
        let message = match next {
            ';' => "; is not supported: write one command per line",
            '&' => "& and && are not supported: write one command per line",
            '>' => "redirecting output to a file is not supported in the playground",
            '<' => "reading a file is not supported in the playground; use a here-document (<<EOF)",
            '`' => "command substitution is not supported",
            '$' if self.peek_at(1) == Some('(') => "command substitution is not supported",
            _ => return Ok(()),
        };
        Err(ParseError::new(line, next.to_string(), message))
    }
}

fn finish_word(word: &mut Option<String>, segments: &mut [Segment]) {
    if let (Some(text), Some(segment)) = (word.take(), segments.last_mut()) {
        segment.words.push(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let commands = lex(text).expect("lexes");
        commands[0].main.words.clone()
    }

    #[test]
    fn quotes_follow_posix_rules() {
        assert_eq!(
            words(r#"a 'b c' "d \"e\" \n" f\ g"#),
            ["a", "b c", "d \"e\" \\n", "f g"]
        );
        assert_eq!(words("x'y'\"z\""), ["xyz"]);
        assert_eq!(words("''"), [""]);
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let commands = lex("# intro\n\n  a b # tail\nc").expect("lexes");
        assert_eq!(commands.len(), 2);
        assert_eq!(commands[0].line, 3);
        assert_eq!(commands[0].main.words, ["a", "b"]);
        assert_eq!(commands[1].line, 4);
        assert_eq!(words("a#b"), ["a#b"]);
    }

    #[test]
    fn backslash_newline_joins_lines() {
        let commands = lex("a \\\n  b\nc").expect("lexes");
        assert_eq!(commands[0].main.words, ["a", "b"]);
        assert_eq!(commands[1].line, 3);
    }

    #[test]
    fn heredocs_take_the_following_lines() {
        let commands = lex("p <<EOF\none\n two\nEOF\nq <<-'END'\n\tx\n\tEND\n").expect("lexes");
        assert_eq!(commands[0].main.heredoc.as_deref(), Some("one\n two\n"));
        assert_eq!(commands[1].line, 5);
        assert_eq!(commands[1].main.heredoc.as_deref(), Some("x\n"));
    }

    #[test]
    fn a_pipe_links_a_source_to_a_command() {
        let commands = lex("echo hi | tool --x").expect("lexes");
        assert_eq!(
            commands[0].upstream.as_ref().map(|s| s.words.clone()),
            Some(vec!["echo".to_string(), "hi".to_string()])
        );
        assert_eq!(commands[0].main.words, ["tool", "--x"]);
    }

    #[test]
    fn unclosed_input_is_incomplete() {
        assert!(is_incomplete("a 'b"));
        assert!(is_incomplete("a \"b"));
        assert!(is_incomplete("a \\"));
        assert!(is_incomplete("a <<EOF\nb\n"));
        assert!(!is_incomplete("a b"));
        assert!(!is_incomplete("a ; b"));
    }

    #[test]
    fn shell_operators_are_refused_with_a_reason() {
        let error = lex("a ; b").expect_err("refused");
        assert_eq!(error.word, ";");
        assert!(lex("a > f").is_err());
        assert!(lex("a && b").is_err());
        assert!(lex("a | b | c").is_err());
    }
}
