//! The few shell utilities scripts use around Kafka's tools: `echo` and `printf` (to print,
//! or to feed `kafka-console-producer` through a pipe), `cat <<EOF` (a here-document into a
//! pipe) and `sleep` (simulated time passes).
//!
//! `echo` behaves as bash's builtin (`-n`, `-e`, `-E`); `printf` knows the escapes `\n`, `\t`,
//! `\r`, `\\`, `\"`, `\a`, `\0NNN` and the conversions `%s`, `%d`, `%i`, `%b`, `%%` with an
//! optional `-` and width, reusing the format while arguments remain, as POSIX says.

use crate::error::ParseError;
use crate::lexer::Segment;
use crate::parser::Invocation;

/// `echo`, `printf` or `cat` as a command of their own: they print.
pub fn parse(name: &str, args: &[String], heredoc: Option<&str>) -> Result<Invocation, ParseError> {
    let segment = Segment {
        words: std::iter::once(name.to_string())
            .chain(args.iter().cloned())
            .collect(),
        heredoc: heredoc.map(str::to_string),
    };
    output_of(&segment).map(Invocation::Print)
}

/// What the left side of a `|` prints.
pub fn output_of(segment: &Segment) -> Result<String, ParseError> {
    let Some((first, args)) = segment.words.split_first() else {
        return Err(ParseError::new(0, "|", "a command was expected before |"));
    };
    match crate::parser::tool_name(first) {
        "echo" => Ok(echo(args)),
        "printf" => printf(args),
        "cat" => cat(args, segment.heredoc.as_deref()),
        _ => Err(ParseError::new(
            0,
            first.clone(),
            format!("{first} cannot feed a pipe here: use echo, printf or cat <<EOF"),
        )),
    }
}

/// `sleep N`: seconds, fractions allowed, or with a unit (`500ms`, `2s`, `1m`).
pub fn parse_sleep(args: &[String]) -> Result<Invocation, ParseError> {
    let [duration] = args else {
        return Err(ParseError::new(
            0,
            args.get(1).cloned().unwrap_or_default(),
            "sleep takes one duration in seconds (for example sleep 5)",
        ));
    };
    let ms = if duration.chars().all(|c| c.is_ascii_digit() || c == '.') {
        crate::format::parse_duration_ms(&format!("{duration}s"))
    } else {
        crate::format::parse_duration_ms(duration)
    };
    ms.map(Invocation::Sleep).ok_or_else(|| {
        ParseError::new(
            0,
            duration.clone(),
            format!("sleep expects a duration in seconds, not '{duration}'"),
        )
    })
}

fn cat(args: &[String], heredoc: Option<&str>) -> Result<String, ParseError> {
    match (args.first(), heredoc) {
        (None, Some(body)) => Ok(body.to_string()),
        (Some(file), _) => Err(ParseError::new(
            0,
            file.clone(),
            "files are not available in the playground; use cat <<EOF",
        )),
        (None, None) => Err(ParseError::new(
            0,
            "cat",
            "cat needs a here-document here (cat <<EOF ... EOF)",
        )),
    }
}

fn echo(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut rest = args;
    while let Some((first, tail)) = rest.split_first() {
        let is_flag = first.len() > 1
            && first.starts_with('-')
            && first[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'));
        if !is_flag {
            break;
        }
        for c in first[1..].chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        rest = tail;
    }
    let mut text = rest.join(" ");
    if escapes {
        let (expanded, stop) = expand_escapes(&text);
        text = expanded;
        if stop {
            return text;
        }
    }
    if newline {
        text.push('\n');
    }
    text
}

/// Expands backslash escapes; the flag says `\c` asked to stop all output there.
fn expand_escapes(text: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut value = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(digit) => {
                            value = value * 8 + digit;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\0'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

fn printf(args: &[String]) -> Result<String, ParseError> {
    let Some((format, mut rest)) = args.split_first() else {
        return Err(ParseError::new(0, "printf", "printf needs a format"));
    };
    let mut out = String::new();
    loop {
        let (text, used, stop) = printf_once(format, rest)?;
        out.push_str(&text);
        rest = &rest[used.min(rest.len())..];
        if stop || used == 0 || rest.is_empty() {
            return Ok(out);
        }
    }
}

/// One pass of the format; returns the text, how many arguments it used and whether `\c` or
/// `%b`'s `\c` stopped output.
fn printf_once(format: &str, args: &[String]) -> Result<(String, usize, bool), ParseError> {
    let mut out = String::new();
    let mut used = 0;
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let end = (i + 5).min(chars.len());
                let take = escape_length(&chars[i..end]);
                let piece: String = chars[i..i + take].iter().collect();
                let (expanded, stop) = expand_escapes(&piece);
                out.push_str(&expanded);
                if stop {
                    return Ok((out, used, true));
                }
                i += take;
            }
            '%' => {
                let (text, width_end, consumed, stop) = conversion(&chars, i, args.get(used))?;
                out.push_str(&text);
                used += consumed;
                if stop {
                    return Ok((out, used, true));
                }
                i = width_end;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok((out, used, false))
}

fn escape_length(chars: &[char]) -> usize {
    match chars.get(1) {
        Some('0') => {
            2 + chars[2..]
                .iter()
                .take(3)
                .take_while(|c| c.is_digit(8))
                .count()
        }
        Some(_) => 2,
        None => 1,
    }
}

/// One `%` conversion at `start`: (text, index after it, arguments used, stop).
fn conversion(
    chars: &[char],
    start: usize,
    arg: Option<&String>,
) -> Result<(String, usize, usize, bool), ParseError> {
    let mut i = start + 1;
    let left = chars.get(i) == Some(&'-');
    if left {
        i += 1;
    }
    let mut width = 0usize;
    while let Some(digit) = chars.get(i).and_then(|c| c.to_digit(10)) {
        width = width.saturating_mul(10).saturating_add(digit as usize);
        i += 1;
    }
    let Some(kind) = chars.get(i).copied() else {
        return Err(ParseError::new(
            0,
            "%",
            "printf: the format ends inside a % conversion",
        ));
    };
    let value = arg.map(String::as_str).unwrap_or("");
    let (text, consumed, stop) = match kind {
        '%' => ("%".to_string(), 0, false),
        's' => (value.to_string(), 1, false),
        'b' => {
            let (expanded, stop) = expand_escapes(value);
            (expanded, 1, stop)
        }
        'd' | 'i' => {
            let number = if value.is_empty() {
                Some(0)
            } else {
                value.trim().parse::<i64>().ok()
            };
            let number = number.ok_or_else(|| {
                ParseError::new(
                    0,
                    value,
                    format!("printf: '{value}' is not a number for %{kind}"),
                )
            })?;
            (number.to_string(), 1, false)
        }
        other => {
            return Err(ParseError::new(
                0,
                format!("%{other}"),
                "printf: the playground knows %s, %d, %i, %b and %%",
            ))
        }
    };
    let padded = if left {
        format!("{text:<width$}")
    } else {
        format!("{text:>width$}")
    };
    let consumed = if arg.is_some() { consumed } else { 0 };
    Ok((padded, i + 1, consumed, stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn echo_behaves_as_bash() {
        assert_eq!(echo(&words(&["a", "b"])), "a b\n");
        assert_eq!(echo(&words(&["-n", "a"])), "a");
        assert_eq!(echo(&words(&["a\\nb"])), "a\\nb\n");
        assert_eq!(echo(&words(&["-e", "a\\nb"])), "a\nb\n");
    }

    #[test]
    fn printf_reuses_its_format() {
        assert_eq!(
            printf(&words(&["a\\nb\\n"])).ok().as_deref(),
            Some("a\nb\n")
        );
        assert_eq!(
            printf(&words(&["%s\\n", "x", "y"])).ok().as_deref(),
            Some("x\ny\n")
        );
        assert_eq!(
            printf(&words(&["k%d:%s\\n", "1", "a", "2", "b"]))
                .ok()
                .as_deref(),
            Some("k1:a\nk2:b\n")
        );
        assert_eq!(
            printf(&words(&["[%-3s]", "a"])).ok().as_deref(),
            Some("[a  ]")
        );
        assert!(printf(&words(&["%d", "x"])).is_err());
    }
}
