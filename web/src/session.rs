//! A live view's session: the cluster's config and seed, and the inputs it was given (commands
//! and how far time ran), replayed into a cluster.
//!
//! The core is deterministic, so `(config, seed, inputs)` is the whole state. The config is the
//! caller's (a lesson's cluster never changes); the seed and inputs are what we keep in
//! `localStorage` (in the text form of [`text`]) and replay on load. Storage is outside our
//! control (another tab, an old version, a curious learner), so decoding never trusts it:
//! anything malformed gives an error the page turns into a short notice and a fresh session.

mod text;

use std::fmt;

use kplay_core::{Cluster, ClusterConfig, Command, Event, KafkaError};

/// Bumped whenever the stored shape changes; older data is then refused, never misread.
/// (Version 2 was JSON through serde, with the config.)
pub const STORAGE_FORMAT_VERSION: u32 = 3;

/// One thing that happened to a session, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A command, carried out at the time it was given.
    Apply(Command),
    /// Simulated time ran until this time (ms).
    RunUntil(i64),
}

/// A cluster built from a config, a seed and its inputs.
#[derive(Debug, Clone)]
pub struct Session {
    seed: u64,
    inputs: Vec<Input>,
    cluster: Cluster,
}

/// Why stored data could not become a session.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Not the text we write.
    Malformed(String),
    /// Written by another version of the playground.
    UnsupportedVersion(u32),
    /// A stored input is refused by the cluster: the data was edited or is from another core.
    Refused(KafkaError),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Malformed(reason) => write!(formatter, "it is not valid ({reason})"),
            DecodeError::UnsupportedVersion(version) => {
                write!(formatter, "it was saved in format version {version}")
            }
            DecodeError::Refused(error) => write!(formatter, "replaying it failed with {error}"),
        }
    }
}

impl Session {
    /// A fresh cluster.
    pub fn new(config: ClusterConfig, seed: u64) -> Result<Session, KafkaError> {
        Ok(Session {
            cluster: Cluster::new(config, seed)?,
            seed,
            inputs: Vec::new(),
        })
    }

    /// A session rebuilt from its inputs, with every event they produced, in order.
    pub fn replay(
        config: ClusterConfig,
        seed: u64,
        inputs: Vec<Input>,
    ) -> Result<(Session, Vec<Event>), KafkaError> {
        let mut session = Session::new(config, seed)?;
        let mut events = Vec::new();
        for input in inputs {
            match input {
                Input::Apply(command) => events.extend(session.apply(vec![command])?),
                Input::RunUntil(time_ms) => events.extend(session.run_until(time_ms)),
            }
        }
        Ok((session, events))
    }

    /// Applies `commands` all or nothing: if one is refused, the session is left as it was.
    pub fn apply(&mut self, commands: Vec<Command>) -> Result<Vec<Event>, KafkaError> {
        // The core leaves its state untouched on a refusal; a group needs its own rollback.
        let mut next = (commands.len() > 1).then(|| self.clone());
        let target = next.as_mut().unwrap_or(self);
        let mut events = Vec::new();
        for command in commands {
            events.extend(target.cluster.apply(command.clone())?);
            target.inputs.push(Input::Apply(command));
        }
        if let Some(next) = next {
            *self = next;
        }
        Ok(events)
    }

    /// Runs simulated time until `time_ms`.
    pub fn run_until(&mut self, time_ms: i64) -> Vec<Event> {
        if time_ms <= self.cluster.now_ms() {
            return Vec::new();
        }
        let events = self.cluster.run_until(time_ms);
        self.record_time();
        events
    }

    /// Steps the simulation until `done` says so or `limit_ms` of simulated time passed.
    pub fn run_until_done(
        &mut self,
        limit_ms: i64,
        mut done: impl FnMut(&[Event]) -> bool,
    ) -> Vec<Event> {
        let deadline = self.cluster.now_ms().saturating_add(limit_ms);
        let mut events = Vec::new();
        while self
            .cluster
            .next_occurrence_ms()
            .is_some_and(|at| at <= deadline)
        {
            let step = self.cluster.step();
            let finished = done(&step);
            events.extend(step);
            if finished {
                break;
            }
        }
        self.record_time();
        events
    }

    fn record_time(&mut self) {
        let now = self.cluster.now_ms();
        match self.inputs.last_mut() {
            Some(Input::RunUntil(time_ms)) => *time_ms = now,
            _ => self.inputs.push(Input::RunUntil(now)),
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The inputs, in order.
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The text kept in storage: the seed and the inputs.
    pub fn encode(&self) -> String {
        text::encode(STORAGE_FORMAT_VERSION, self.seed, &self.inputs)
    }

    /// Rebuilds a session on a cluster of `config` (and the events of its inputs) from
    /// [`Session::encode`]'s output, refusing anything else.
    pub fn decode(text: &str, config: ClusterConfig) -> Result<(Session, Vec<Event>), DecodeError> {
        let (version, seed, inputs) = text::decode(text).map_err(DecodeError::Malformed)?;
        if version != STORAGE_FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        Session::replay(config, seed, inputs).map_err(DecodeError::Refused)
    }
}

/// Reads the text stored under `key`, if any.
pub fn load(key: &str) -> Option<String> {
    local_storage().and_then(|storage| storage.get_item(key).ok().flatten())
}

/// Keeps `text` under `key`, or removes the key when `text` is `None` (the fresh starting point).
pub fn save(key: &str, text: Option<&str>) -> Result<(), String> {
    let Some(storage) = local_storage() else {
        return Err(
            "This browser does not let the page save your work: it will not survive a reload."
                .to_owned(),
        );
    };
    let outcome = match text {
        Some(text) => storage.set_item(key, text),
        None => storage.remove_item(key),
    };
    outcome.map_err(|_| {
        "Your work could not be saved in this browser (storage is full or disabled): it will not survive a reload.".to_owned()
    })
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use kplay_core::NewRecord;

    use super::*;

    fn config() -> ClusterConfig {
        ClusterConfig {
            brokers: 1,
            controller_voters: 1,
            ..ClusterConfig::default()
        }
    }

    fn sample() -> Session {
        let mut session = Session::new(config(), 7).expect("valid config");
        session
            .apply(vec![
                Command::CreateTopic {
                    topic: "orders".to_owned(),
                    partitions: 3,
                    replication_factor: 1,
                    configs: Vec::new(),
                },
                Command::CreateProducer {
                    name: "producer-1".to_owned(),
                    configs: Vec::new(),
                },
            ])
            .expect("valid commands");
        session
            .apply(vec![Command::Produce {
                producer: "producer-1".to_owned(),
                record: NewRecord::new("orders", Some("21"), Some("a")),
            }])
            .expect("producer exists");
        let now = session.cluster().now_ms();
        session.run_until(now + 1_000);
        session
    }

    #[test]
    fn encode_then_decode_replays_the_same_cluster() {
        let session = sample();
        let (decoded, events) = Session::decode(&session.encode(), config()).expect("round trip");
        assert_eq!(decoded.seed(), 7);
        assert_eq!(decoded.encode(), session.encode());
        assert_eq!(decoded.cluster().view(), session.cluster().view());
        assert!(!events.is_empty());
    }

    #[test]
    fn malformed_text_is_refused() {
        for text in [
            "",
            "null",
            "{\"version\":2}",
            "kplay-session 3",
            "kplay-session 3\nseed -1",
            "kplay-session 3\nseed 1\napply produce 'p",
            "kplay-session 3\nseed 1\nuntil soon",
        ] {
            assert!(
                matches!(
                    Session::decode(text, config()),
                    Err(DecodeError::Malformed(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn another_version_is_refused() {
        let text = sample()
            .encode()
            .replace("kplay-session 3", "kplay-session 99");
        assert_eq!(
            Session::decode(&text, config()).err(),
            Some(DecodeError::UnsupportedVersion(99))
        );
    }

    #[test]
    fn a_tampered_command_that_kafka_refuses_is_reported() {
        let mut tampered = sample();
        tampered.inputs.push(Input::Apply(Command::DeleteTopic {
            topic: "missing".to_owned(),
        }));
        let error = Session::decode(&tampered.encode(), config()).err();
        assert!(matches!(error, Some(DecodeError::Refused(_))), "{error:?}");
    }

    #[test]
    fn a_refused_group_leaves_the_session_untouched() {
        let mut session = sample();
        let before = session.encode();
        let refused = session.apply(vec![
            Command::DeleteTopic {
                topic: "orders".to_owned(),
            },
            Command::CreateTopic {
                topic: "not a valid name!".to_owned(),
                partitions: 3,
                replication_factor: 1,
                configs: Vec::new(),
            },
        ]);
        assert!(refused.is_err());
        assert_eq!(session.encode(), before);
        assert!(session.cluster().topic_view("orders").is_some());
    }

    #[test]
    fn running_time_is_recorded_once_per_run() {
        let mut session = sample();
        let inputs = session.inputs().len();
        let now = session.cluster().now_ms();
        session.run_until(now + 1_000);
        session.run_until(now + 2_000);
        assert_eq!(session.inputs().len(), inputs);
        assert_eq!(session.inputs().last(), Some(&Input::RunUntil(now + 2_000)));
    }

    #[test]
    fn decode_error_reads_as_a_sentence() {
        let error = DecodeError::UnsupportedVersion(1);
        assert_eq!(error.to_string(), "it was saved in format version 1");
    }
}
