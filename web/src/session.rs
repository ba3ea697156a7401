//! A live view's session: a seed and the commands applied successfully, replayed into a cluster.
//!
//! The core is deterministic, so `(seed, commands)` is the whole state: it is what we keep in
//! `localStorage` and replay on load. Storage is outside our control (another tab, an old
//! version, a curious learner), so decoding never trusts it: anything malformed gives an error
//! the page turns into a short notice and a fresh session.

use std::fmt;

use kplay_core::{
    Cluster, ClusterConfig, Command, Event, KafkaError, Offset, PartitionId, Routing,
};
use serde::{Deserialize, Serialize};

/// The seed of every fresh session, so a reset always replays the same way.
pub const DEFAULT_SEED: u64 = 42;
/// Bumped whenever the stored shape changes; older data is then refused, never misread.
pub const STORAGE_FORMAT_VERSION: u32 = 1;

/// The last record the producer appended, with how its partition was chosen.
#[derive(Debug, Clone)]
pub struct Appended {
    pub topic: String,
    pub partition: PartitionId,
    pub offset: Offset,
    pub key: Option<String>,
    pub routing: Routing,
    /// The topic's partition count when the record was produced.
    pub partition_count: i32,
}

/// A cluster built from a seed and the commands it accepted, in order.
#[derive(Debug, Clone)]
pub struct Session {
    seed: u64,
    commands: Vec<Command>,
    cluster: Cluster,
    current_topic: Option<String>,
    last_append: Option<Appended>,
}

/// Why stored data could not become a session.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// Not the JSON shape we write.
    Malformed(String),
    /// Written by another version of the playground.
    UnsupportedVersion(u32),
    /// A stored command is refused by the cluster: the data was edited or is from another core.
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

/// The JSON shape kept in storage.
#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    seed: u64,
    commands: Vec<Command>,
}

impl Session {
    /// An empty cluster with the playground's default configuration.
    pub fn new(seed: u64) -> Session {
        Session {
            seed,
            commands: Vec::new(),
            cluster: Cluster::new(ClusterConfig::default(), seed),
            current_topic: None,
            last_append: None,
        }
    }

    /// A session rebuilt by applying `commands` in order; the first refusal stops it.
    pub fn replay(seed: u64, commands: Vec<Command>) -> Result<Session, KafkaError> {
        let mut session = Session::new(seed);
        for command in commands {
            session.apply(vec![command])?;
        }
        Ok(session)
    }

    /// Applies `commands` all or nothing: if one is refused, the session is left as it was.
    ///
    /// On success they are recorded for replay and the events are returned in order.
    pub fn apply(&mut self, commands: Vec<Command>) -> Result<Vec<Event>, KafkaError> {
        // The core leaves its state untouched on a refusal; a group needs its own rollback.
        let mut next = if commands.len() > 1 {
            Some(self.clone())
        } else {
            None
        };
        let target = next.as_mut().unwrap_or(self);
        let mut all_events = Vec::new();
        for command in commands {
            let key = match &command {
                Command::Produce { key, .. } => key.clone(),
                _ => None,
            };
            let events = target.cluster.apply(command.clone())?;
            target.commands.push(command);
            for event in &events {
                target.observe(event, &key);
            }
            all_events.extend(events);
        }
        if let Some(next) = next {
            *self = next;
        }
        Ok(all_events)
    }

    /// Follows which topic the learner works on and the last record appended.
    fn observe(&mut self, event: &Event, key: &Option<String>) {
        match event {
            Event::TopicCreated { topic, .. } | Event::PartitionsCreated { topic, .. } => {
                self.current_topic = Some(topic.clone());
            }
            Event::TopicDeleted { topic } => {
                if self.current_topic.as_ref() == Some(topic) {
                    self.current_topic = None;
                }
                if self.last_append.as_ref().map(|last| &last.topic) == Some(topic) {
                    self.last_append = None;
                }
            }
            Event::RecordAppended {
                topic,
                partition,
                offset,
                routing,
                ..
            } => {
                let partition_count = self.cluster.partition_count(topic).unwrap_or(0);
                self.current_topic = Some(topic.clone());
                self.last_append = Some(Appended {
                    topic: topic.clone(),
                    partition: *partition,
                    offset: *offset,
                    key: key.clone(),
                    routing: *routing,
                    partition_count,
                });
            }
            Event::ProducerConfigured(_) => {}
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The commands applied successfully, in order.
    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The topic the learner last created, grew or produced to.
    pub fn current_topic(&self) -> Option<&str> {
        self.current_topic.as_deref()
    }

    pub fn last_append(&self) -> Option<&Appended> {
        self.last_append.as_ref()
    }

    /// The JSON kept in storage.
    pub fn encode(&self) -> String {
        let stored = Stored {
            version: STORAGE_FORMAT_VERSION,
            seed: self.seed,
            commands: self.commands.clone(),
        };
        // Plain data with string keys only: serializing it cannot fail.
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Rebuilds a session from [`Session::encode`]'s output, refusing anything else.
    pub fn decode(text: &str) -> Result<Session, DecodeError> {
        let stored: Stored = serde_json::from_str(text)
            .map_err(|error| DecodeError::Malformed(error.to_string()))?;
        if stored.version != STORAGE_FORMAT_VERSION {
            return Err(DecodeError::UnsupportedVersion(stored.version));
        }
        Session::replay(stored.seed, stored.commands).map_err(DecodeError::Refused)
    }
}

/// A session read from storage, and a notice for the learner if the stored one was unusable.
pub struct Loaded {
    pub session: Session,
    pub notice: Option<String>,
}

/// Reads the session under `key`, or starts `fresh()` when there is none or it is unusable.
pub fn load(key: &str, fresh: impl FnOnce() -> Session) -> Loaded {
    let Some(text) = local_storage().and_then(|storage| storage.get_item(key).ok().flatten())
    else {
        return Loaded {
            session: fresh(),
            notice: None,
        };
    };
    match Session::decode(&text) {
        Ok(session) => Loaded {
            session,
            notice: None,
        },
        Err(error) => Loaded {
            session: fresh(),
            notice: Some(format!(
                "Your saved session could not be restored ({error}), so a fresh one was started."
            )),
        },
    }
}

/// Keeps `session` under `key`, or removes the key when `session` is the fresh starting point.
pub fn save(key: &str, session: &Session, is_fresh: bool) -> Result<(), String> {
    let Some(storage) = local_storage() else {
        return Err(
            "This browser does not let the page save your work: it will not survive a reload."
                .to_owned(),
        );
    };
    let outcome = if is_fresh {
        storage.remove_item(key)
    } else {
        storage.set_item(key, &session.encode())
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
    use super::*;

    fn create(topic: &str, partitions: i32) -> Command {
        Command::CreateTopic {
            topic: topic.to_owned(),
            partitions,
            max_message_bytes: None,
        }
    }

    fn produce(topic: &str, key: Option<&str>, value: &str) -> Command {
        Command::Produce {
            topic: topic.to_owned(),
            key: key.map(str::to_owned),
            value: Some(value.to_owned()),
            partition: None,
        }
    }

    fn sample() -> Session {
        let mut session = Session::new(7);
        session
            .apply(vec![create("orders", 3)])
            .expect("valid topic");
        session
            .apply(vec![produce("orders", Some("21"), "a")])
            .expect("topic exists");
        session
            .apply(vec![produce("orders", None, "b")])
            .expect("topic exists");
        session
    }

    #[test]
    fn encode_then_decode_replays_the_same_cluster() {
        let session = sample();
        let decoded = Session::decode(&session.encode()).expect("round trip");
        assert_eq!(decoded.seed(), 7);
        assert_eq!(decoded.encode(), session.encode());
        assert_eq!(
            format!("{:?}", decoded.cluster().topics()),
            format!("{:?}", session.cluster().topics())
        );
        assert_eq!(decoded.current_topic(), Some("orders"));
        let last = |s: &Session| {
            s.last_append()
                .map(|last| (last.partition, last.offset, last.routing))
        };
        assert_eq!(last(&decoded), last(&session));
        assert!(last(&decoded).is_some());
    }

    #[test]
    fn malformed_text_is_refused() {
        for text in [
            "",
            "null",
            "{",
            "[1,2]",
            "{\"version\":1}",
            "{\"version\":1,\"seed\":-1,\"commands\":[]}",
        ] {
            assert!(
                matches!(Session::decode(text), Err(DecodeError::Malformed(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn an_unknown_command_is_refused() {
        let text = r#"{"version":1,"seed":1,"commands":[{"DropTable":{"topic":"orders"}}]}"#;
        assert!(matches!(
            Session::decode(text),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn another_version_is_refused() {
        let text = sample().encode().replace("\"version\":1", "\"version\":99");
        assert_eq!(
            Session::decode(&text).err(),
            Some(DecodeError::UnsupportedVersion(99))
        );
    }

    #[test]
    fn a_tampered_command_that_kafka_refuses_is_reported() {
        let session = Session::new(1);
        let mut tampered = session.clone();
        tampered.commands.push(produce("missing", None, "x"));
        let error = Session::decode(&tampered.encode()).err();
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
            create("not a valid name!", 3),
        ]);
        assert!(refused.is_err());
        assert_eq!(session.encode(), before);
        assert_eq!(
            session
                .cluster()
                .topic("orders")
                .map(|topic| topic.partitions.len()),
            Some(3)
        );
        assert_eq!(session.current_topic(), Some("orders"));
    }

    #[test]
    fn recreating_a_topic_forgets_its_last_record() {
        let mut session = sample();
        session
            .apply(vec![
                Command::DeleteTopic {
                    topic: "orders".to_owned(),
                },
                create("orders", 2),
            ])
            .expect("valid");
        assert!(session.last_append().is_none());
        assert_eq!(session.current_topic(), Some("orders"));
        assert_eq!(session.commands().len(), 5);
    }

    #[test]
    fn decode_error_reads_as_a_sentence() {
        let error = DecodeError::UnsupportedVersion(2);
        assert_eq!(error.to_string(), "it was saved in format version 2");
    }
}
