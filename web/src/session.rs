//! A lesson's live view session: the cluster's config and seed, and what was done to it (core
//! commands and simulated time let pass), on the command-line shell.
//!
//! The core is deterministic, so `(config, seed, inputs)` is the whole state. What we keep in
//! `localStorage` is the session's script: the same `.kplay` text the sandbox exports (see
//! [`share`]), each command written as the line [`kplay_cli::record`] gives it and time as
//! `kplay time advance`. So a saved lesson also runs in the `kplay` binary and opens in the
//! sandbox. Replaying runs the lines through the shell, which carries out the same commands.
//! Storage is outside our control (another tab, an old version, a curious learner), so decoding
//! never trusts it: anything malformed gives an error the page turns into a short notice and a
//! fresh session.

use std::fmt;

use kplay_cli::{record, Recorded, Shell, Status};
use kplay_core::{Cluster, ClusterConfig, Command, ErrorCode, Event, KafkaError};

use crate::playground::session::{stderr_text, Input};
use crate::playground::share::{self, SessionText};

/// A cluster built from a config, a seed and its inputs.
#[derive(Debug, Clone)]
pub struct Session {
    config: ClusterConfig,
    seed: u64,
    inputs: Vec<Input>,
    shell: Shell,
}

/// Why stored data could not become a session.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Not a script the shell can run.
    Malformed(String),
    /// A script for a cluster other than this view's.
    OtherCluster,
    /// A stored command is refused by the cluster: the data was edited or is from another core.
    Refused(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Malformed(reason) => write!(formatter, "it is not valid ({reason})"),
            DecodeError::OtherCluster => write!(formatter, "it was saved for another cluster"),
            DecodeError::Refused(error) => write!(formatter, "replaying it failed with {error}"),
        }
    }
}

impl Session {
    /// A fresh cluster.
    pub fn new(config: ClusterConfig, seed: u64) -> Result<Session, KafkaError> {
        Ok(Session {
            shell: Shell::new(Cluster::new(config.clone(), seed)?),
            config,
            seed,
            inputs: Vec::new(),
        })
    }

    /// Applies `commands` all or nothing: if one is refused, the session is left as it was.
    pub fn apply(&mut self, commands: Vec<Command>) -> Result<Vec<Event>, KafkaError> {
        // Every command is kept as its script line; one without a line could not be replayed.
        let mut lines = Vec::with_capacity(commands.len());
        for command in &commands {
            let line = record(command).ok_or_else(|| {
                KafkaError::new(
                    ErrorCode::InvalidRequest,
                    "This action has no script line yet, so it cannot be saved.".to_owned(),
                )
            })?;
            lines.push(line);
        }
        // The core leaves its state untouched on a refusal; a group needs its own rollback.
        let mut next = (commands.len() > 1).then(|| self.clone());
        let target = next.as_mut().unwrap_or(self);
        let mut events = Vec::new();
        for (command, line) in commands.into_iter().zip(lines) {
            events.extend(target.shell.apply(command)?);
            target.inputs.push(Input::Line(line));
        }
        if let Some(next) = next {
            *self = next;
        }
        Ok(events)
    }

    /// Runs simulated time until `time_ms`.
    pub fn run_until(&mut self, time_ms: i64) -> Vec<Event> {
        let start_ms = self.cluster().now_ms();
        if time_ms <= start_ms {
            return Vec::new();
        }
        let events = self.shell.run_for(time_ms - start_ms);
        self.record_time(start_ms);
        events
    }

    /// Steps the simulation until `done` says so or `limit_ms` of simulated time passed.
    pub fn run_until_done(
        &mut self,
        limit_ms: i64,
        mut done: impl FnMut(&[Event]) -> bool,
    ) -> Vec<Event> {
        let start_ms = self.cluster().now_ms();
        let deadline = start_ms.saturating_add(limit_ms);
        let mut events = Vec::new();
        while self
            .cluster()
            .next_occurrence_ms()
            .is_some_and(|at| at <= deadline)
        {
            let step = self.shell.step();
            let finished = done(&step);
            events.extend(step);
            if finished {
                break;
            }
        }
        self.record_time(start_ms);
        events
    }

    /// Keeps the time run since `start_ms` as (part of) an advance.
    fn record_time(&mut self, start_ms: i64) {
        let ran_ms = self.cluster().now_ms() - start_ms;
        if ran_ms <= 0 {
            return;
        }
        match self.inputs.last_mut() {
            Some(Input::Advance(ms)) => *ms += ran_ms,
            _ => self.inputs.push(Input::Advance(ran_ms)),
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
        &self.shell.cluster
    }

    /// The text kept in storage: the session's script.
    pub fn encode(&self) -> String {
        share::to_script(&SessionText {
            config: self.config.clone(),
            seed: self.seed,
            setup: String::new(),
            inputs: self.inputs.clone(),
        })
    }

    /// The seed and inputs of [`Session::encode`]'s text, refusing a script for a cluster
    /// other than `config`.
    pub fn read(text: &str, config: &ClusterConfig) -> Result<(u64, Vec<Input>), DecodeError> {
        if !text.starts_with(share::TITLE) {
            return Err(DecodeError::Malformed("not a saved session".to_owned()));
        }
        let script = share::from_script(text).map_err(DecodeError::Malformed)?;
        if script.config != *config || !script.setup.trim().is_empty() {
            return Err(DecodeError::OtherCluster);
        }
        Ok((script.seed, script.inputs))
    }

    /// Carries out one stored input as the shell reads it, returning the commands it carried
    /// out and their events. A line must carry out at least one command: one the cluster
    /// refuses (or one that does nothing) means the text was not what we wrote.
    pub fn replay_input(&mut self, input: Input) -> Result<Recorded, DecodeError> {
        match input {
            Input::Line(line) => {
                let recorded = self.shell.run_line_recording(&line);
                let errors = stderr_text(&recorded.output);
                if recorded.output.status == Status::ParseError {
                    return Err(DecodeError::Malformed(errors.trim().to_owned()));
                }
                if recorded.commands.is_empty() {
                    let reason = match errors.trim() {
                        "" => format!("`{line}` changing nothing"),
                        errors => errors.to_owned(),
                    };
                    return Err(DecodeError::Refused(reason));
                }
                self.inputs.push(Input::Line(line));
                Ok(recorded)
            }
            Input::Advance(ms) => {
                let now = self.cluster().now_ms();
                Ok(Recorded {
                    events: self.run_until(now.saturating_add(ms.max(0))),
                    ..Recorded::default()
                })
            }
        }
    }

    /// Rebuilds a session on a cluster of `config` from [`Session::encode`]'s output,
    /// refusing anything else.
    pub fn decode(text: &str, config: ClusterConfig) -> Result<Session, DecodeError> {
        let (seed, inputs) = Session::read(text, &config)?;
        let mut session =
            Session::new(config, seed).map_err(|error| DecodeError::Refused(error.to_string()))?;
        for input in inputs {
            session.replay_input(input)?;
        }
        Ok(session)
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
                    configs: vec![(
                        "partitioner.class".to_owned(),
                        "org.apache.kafka.clients.producer.RoundRobinPartitioner".to_owned(),
                    )],
                },
            ])
            .expect("valid commands");
        session
            .apply(vec![Command::Produce {
                producer: "producer-1".to_owned(),
                record: NewRecord::new("orders", Some("<b>'21'</b>"), Some("a b")),
            }])
            .expect("producer exists");
        let now = session.cluster().now_ms();
        session.run_until(now + 1_000);
        session
    }

    #[test]
    fn the_stored_text_is_a_kplay_script_that_replays_the_same_cluster() {
        let session = sample();
        let text = session.encode();
        assert!(
            text.contains("kafka-topics --bootstrap-server localhost:9092 --create --topic orders"),
            "{text}"
        );
        assert!(text.contains("kplay time advance 1s"), "{text}");
        let decoded = Session::decode(&text, config()).expect("round trip");
        assert_eq!(decoded.seed(), 7);
        assert_eq!(decoded.inputs(), session.inputs());
        assert_eq!(decoded.encode(), text);
        assert_eq!(decoded.cluster().view(), session.cluster().view());
    }

    #[test]
    fn replaying_an_input_returns_its_commands_and_events() {
        let (seed, inputs) = Session::read(&sample().encode(), &config()).expect("valid");
        let mut session = Session::new(config(), seed).expect("valid config");
        let created = session.replay_input(inputs[0].clone()).expect("replays");
        assert!(
            matches!(created.commands.as_slice(), [Command::CreateTopic { topic, .. }] if topic == "orders")
        );
        assert!(!created.events.is_empty());
    }

    #[test]
    fn malformed_text_is_refused() {
        for text in [
            "",
            "{\"version\":2}",
            "kplay produce p1 orders x",
            "# Kafka Playground session\n# cluster: brokers=1,voters=1,seed=x\n",
        ]
        .into_iter()
        .map(str::to_owned)
        .chain(["kplay produce 'p", "kplay time advance soon"].map(|line| {
            format!(
                "{}{line}\n",
                Session::new(config(), 1).expect("valid").encode()
            )
        })) {
            assert!(
                matches!(
                    Session::decode(&text, config()),
                    Err(DecodeError::Malformed(_))
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn a_script_for_another_cluster_is_refused() {
        let text = sample().encode().replace("brokers=1,", "brokers=3,");
        assert_eq!(
            Session::decode(&text, config()).err(),
            Some(DecodeError::OtherCluster)
        );
    }

    #[test]
    fn a_tampered_command_that_kafka_refuses_is_reported() {
        let text = format!(
            "{}kafka-topics --bootstrap-server localhost:9092 --delete --topic missing\n",
            sample().encode()
        );
        let error = Session::decode(&text, config()).err();
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
        assert_eq!(session.inputs().last(), Some(&Input::Advance(3_000)));
    }

    #[test]
    fn decode_error_reads_as_a_sentence() {
        assert_eq!(
            DecodeError::OtherCluster.to_string(),
            "it was saved for another cluster"
        );
    }
}
