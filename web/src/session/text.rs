//! The text form of a session kept in `localStorage`: a header line, the seed, then one line per
//! input, hand-written and hand-read.
//!
//! It replaced JSON through serde: deriving (de)serializers for every core command and config
//! cost about 97 KB of the playground's WebAssembly (issue 5 caps `dist/` at 400 KB gzip), for
//! the few commands the partitioning lesson stores. The format:
//!
//! ```text
//! kplay-session 3
//! seed 42
//! apply create-topic 'orders 3 1
//! apply create-producer 'producer-1 'partitioner.class 'org.apache...RoundRobinPartitioner
//! apply produce 'producer-1 'orders 'alice 'x ~ ~
//! until 1104
//! ```
//!
//! A string is `'` and its UTF-8 bytes with any byte outside `[A-Za-z0-9._:/-]` written as
//! `%XX`; `~` is an absent value. Configs are name and value pairs at the end of their line.
//! A command outside the partitioning lesson's few is written as `apply unsupported`, which
//! decoding refuses: the page then starts a fresh session, as for any unreadable data.

use kplay_core::{Command, NewRecord};

use super::Input;

/// What the first line says.
const HEADER: &str = "kplay-session";

/// The text of a seed and its inputs.
pub fn encode(version: u32, seed: u64, inputs: &[Input]) -> String {
    let mut text = format!("{HEADER} {version}\nseed {seed}\n");
    for input in inputs {
        match input {
            Input::Apply(command) => {
                text.push_str("apply ");
                encode_command(command, &mut text);
            }
            Input::RunUntil(time_ms) => text.push_str(&format!("until {time_ms}")),
        }
        text.push('\n');
    }
    text
}

/// The version, seed and inputs of [`encode`]'s text; the error says what is wrong.
pub fn decode(text: &str) -> Result<(u32, u64, Vec<Input>), String> {
    let mut lines = text.lines();
    let version = match words(lines.next().unwrap_or_default()).as_slice() {
        [HEADER, version] => number(version)?,
        _ => return Err("not a saved session".to_owned()),
    };
    let seed = match words(lines.next().unwrap_or_default()).as_slice() {
        ["seed", seed] => number(seed)?,
        _ => return Err("no seed".to_owned()),
    };
    let inputs = lines
        .map(|line| match words(line).as_slice() {
            ["until", time_ms] => number(time_ms).map(Input::RunUntil),
            ["apply", command @ ..] => decode_command(command).map(Input::Apply),
            _ => Err(format!("unreadable line {line:?}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((version, seed, inputs))
}

fn encode_command(command: &Command, text: &mut String) {
    let mut fields = Fields(text);
    match command {
        Command::CreateTopic {
            topic,
            partitions,
            replication_factor,
            configs,
        } => {
            fields.word("create-topic");
            fields.string(topic);
            fields.word(&partitions.to_string());
            fields.word(&replication_factor.to_string());
            fields.pairs(configs);
        }
        Command::DeleteTopic { topic } => {
            fields.word("delete-topic");
            fields.string(topic);
        }
        Command::CreatePartitions { topic, total_count } => {
            fields.word("create-partitions");
            fields.string(topic);
            fields.word(&total_count.to_string());
        }
        Command::CreateProducer { name, configs } => {
            fields.word("create-producer");
            fields.string(name);
            fields.pairs(configs);
        }
        Command::CloseProducer { producer } => {
            fields.word("close-producer");
            fields.string(producer);
        }
        Command::Produce { producer, record } if record.headers.is_empty() => {
            fields.word("produce");
            fields.string(producer);
            fields.string(&record.topic);
            fields.optional(record.key.as_deref());
            fields.optional(record.value.as_deref());
            fields.optional(record.partition.map(|p| p.to_string()).as_deref());
            fields.optional(record.timestamp_ms.map(|t| t.to_string()).as_deref());
        }
        _ => fields.word("unsupported"),
    }
}

fn decode_command(words: &[&str]) -> Result<Command, String> {
    let command = match words {
        ["create-topic", topic, partitions, replication_factor, configs @ ..] => {
            Command::CreateTopic {
                topic: string(topic)?,
                partitions: number(partitions)?,
                replication_factor: number(replication_factor)?,
                configs: pairs(configs)?,
            }
        }
        ["delete-topic", topic] => Command::DeleteTopic {
            topic: string(topic)?,
        },
        ["create-partitions", topic, total_count] => Command::CreatePartitions {
            topic: string(topic)?,
            total_count: number(total_count)?,
        },
        ["create-producer", name, configs @ ..] => Command::CreateProducer {
            name: string(name)?,
            configs: pairs(configs)?,
        },
        ["close-producer", producer] => Command::CloseProducer {
            producer: string(producer)?,
        },
        ["produce", producer, topic, key, value, partition, timestamp_ms] => Command::Produce {
            producer: string(producer)?,
            record: NewRecord {
                topic: string(topic)?,
                key: optional(key)?,
                value: optional(value)?,
                headers: Vec::new(),
                partition: optional(partition)?.map(|p| number(&p)).transpose()?,
                timestamp_ms: optional(timestamp_ms)?.map(|t| number(&t)).transpose()?,
            },
        },
        _ => return Err(format!("unknown command {:?}", words.join(" "))),
    };
    Ok(command)
}

/// Space-separated fields written onto a line.
struct Fields<'a>(&'a mut String);

impl Fields<'_> {
    fn word(&mut self, word: &str) {
        if !self.0.ends_with(' ') && !self.0.ends_with('\n') && !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(word);
    }

    fn string(&mut self, value: &str) {
        self.word(&escape(value));
    }

    fn optional(&mut self, value: Option<&str>) {
        match value {
            Some(value) => self.string(value),
            None => self.word("~"),
        }
    }

    fn pairs(&mut self, pairs: &[(String, String)]) {
        for (name, value) in pairs {
            self.string(name);
            self.string(value);
        }
    }
}

fn words(line: &str) -> Vec<&str> {
    line.split(' ').filter(|word| !word.is_empty()).collect()
}

fn number<T: std::str::FromStr>(word: &str) -> Result<T, String> {
    word.parse()
        .map_err(|_| format!("{word:?} is not a number"))
}

/// `'` and the bytes of `value`, any outside `[A-Za-z0-9._:/-]` as `%XX`.
fn escape(value: &str) -> String {
    let mut text = String::with_capacity(value.len() + 1);
    text.push('\'');
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"._:/-".contains(&byte) {
            text.push(char::from(byte));
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text
}

fn string(word: &str) -> Result<String, String> {
    let escaped = word
        .strip_prefix('\'')
        .ok_or_else(|| format!("{word:?} is not a string"))?;
    let mut bytes = Vec::with_capacity(escaped.len());
    let mut rest = escaped.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail
                .get(..2)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or_else(|| format!("bad escape in {word:?}"))?;
            bytes.push(hex);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).map_err(|_| format!("{word:?} is not UTF-8"))
}

fn optional(word: &str) -> Result<Option<String>, String> {
    if word == "~" {
        Ok(None)
    } else {
        string(word).map(Some)
    }
}

fn pairs(words: &[&str]) -> Result<Vec<(String, String)>, String> {
    if words.len() % 2 != 0 {
        return Err("a config name without a value".to_owned());
    }
    words
        .chunks_exact(2)
        .map(|pair| Ok((string(pair[0])?, string(pair[1])?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_string_survives_escaping() {
        for value in [
            "",
            "orders",
            "a b",
            "50% off",
            "'~%",
            "line\nbreak",
            "é✓",
            "k=v,w",
        ] {
            let escaped = escape(value);
            assert!(!escaped.contains([' ', '\n']), "{escaped}");
            assert_eq!(string(&escaped).as_deref(), Ok(value));
        }
    }

    #[test]
    fn every_stored_command_round_trips() {
        let inputs = vec![
            Input::Apply(Command::CreateTopic {
                topic: "orders".to_owned(),
                partitions: 3,
                replication_factor: 1,
                configs: vec![("cleanup.policy".to_owned(), "compact".to_owned())],
            }),
            Input::Apply(Command::CreatePartitions {
                topic: "orders".to_owned(),
                total_count: 5,
            }),
            Input::Apply(Command::CreateProducer {
                name: "producer-1".to_owned(),
                configs: vec![(
                    "partitioner.class".to_owned(),
                    "org.apache.kafka.clients.producer.RoundRobinPartitioner".to_owned(),
                )],
            }),
            Input::Apply(Command::Produce {
                producer: "producer-1".to_owned(),
                record: NewRecord::new("orders", Some("a key"), Some("")),
            }),
            Input::Apply(Command::Produce {
                producer: "producer-1".to_owned(),
                record: NewRecord {
                    partition: Some(2),
                    timestamp_ms: Some(-1),
                    ..NewRecord::new("orders", None, None)
                },
            }),
            Input::RunUntil(1_104),
            Input::Apply(Command::CloseProducer {
                producer: "producer-1".to_owned(),
            }),
            Input::Apply(Command::DeleteTopic {
                topic: "orders".to_owned(),
            }),
        ];
        let text = encode(3, 42, &inputs);
        assert_eq!(decode(&text), Ok((3, 42, inputs)));
    }

    #[test]
    fn a_command_the_lesson_never_stores_is_refused_on_reading() {
        let text = encode(
            3,
            1,
            &[Input::Apply(Command::Flush {
                producer: "p".to_owned(),
            })],
        );
        assert!(text.contains("apply unsupported"), "{text}");
        assert!(decode(&text).is_err());
    }
}
