//! The partitioning lesson's state: a one-broker cluster with one topic and one producer, and
//! what the learner last did with them.
//!
//! Every action is a few core commands followed by running the simulation until the producer's
//! record is acknowledged, so the page shows the partition and offset the leader gave it. After
//! the topic changes (recreated, more partitions) the lesson starts a new producer, which reads
//! fresh metadata at once; a long-running producer would only notice within
//! `metadata.max.age.ms` (5 minutes), which the lesson says.

use std::collections::VecDeque;

use kplay_core::{
    ClusterConfig, Command, Event, EventKind, KafkaError, NewRecord, Offset, PartitionId,
    PartitionerKind, Routing,
};

use crate::session::{DecodeError, Session};
use kplay_core::config::producer;

/// The seed of every fresh session, so a reset always replays the same way.
pub const DEFAULT_SEED: u64 = 42;
/// The topic every fresh session starts with.
pub const DEFAULT_TOPIC: &str = "orders";
/// Its partition count.
pub const DEFAULT_PARTITIONS: i32 = 3;
/// How long an action may run the simulation to get its acknowledgement (ms).
const SETTLE_LIMIT_MS: i64 = 10_000;

/// The last record the producer appended, with how its partition was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub topic: String,
    pub partition: PartitionId,
    pub offset: Offset,
    pub key: Option<String>,
    pub routing: Routing,
    /// The topic's partition count when the record was produced.
    pub partition_count: i32,
}

/// A record that joined a batch and waits for its offset.
#[derive(Debug, Clone)]
struct InFlight {
    topic: String,
    partition: PartitionId,
    key: Option<String>,
    routing: Routing,
    batch: u64,
    index: i32,
}

/// The lesson's cluster and what the learner did last.
#[derive(Debug, Clone)]
pub struct Lesson {
    pub session: Session,
    /// The producer in use (`producer-N`).
    pub producer: String,
    producers_started: u32,
    pub partitioner: PartitionerKind,
    current_topic: Option<String>,
    last_append: Option<Appended>,
    /// Keys of records sent and not yet in a batch, in send order.
    sent_keys: VecDeque<Option<String>>,
    in_flight: Vec<InFlight>,
}

impl Lesson {
    /// The cluster of the lesson: one broker, so only partitioning is on stage.
    pub fn cluster_config() -> ClusterConfig {
        ClusterConfig {
            brokers: 1,
            controller_voters: 1,
            ..ClusterConfig::default()
        }
    }

    /// The starting point: topic `orders` with 3 empty partitions and a producer.
    pub fn start() -> Result<Lesson, KafkaError> {
        let session = Session::new(Lesson::cluster_config(), DEFAULT_SEED)?;
        let mut lesson = Lesson::empty(session);
        lesson.create_topic(DEFAULT_TOPIC, DEFAULT_PARTITIONS)?;
        Ok(lesson)
    }

    fn empty(session: Session) -> Lesson {
        Lesson {
            session,
            producer: String::new(),
            producers_started: 0,
            partitioner: PartitionerKind::UniformSticky,
            current_topic: None,
            last_append: None,
            sent_keys: VecDeque::new(),
            in_flight: Vec::new(),
        }
    }

    /// Rebuilds a lesson from stored text (its session's script), watching each replayed line
    /// as the live view watched the commands it carried out.
    pub fn decode(text: &str) -> Result<Lesson, DecodeError> {
        let config = Lesson::cluster_config();
        let (seed, inputs) = Session::read(text, &config)?;
        let session =
            Session::new(config, seed).map_err(|error| DecodeError::Refused(error.to_string()))?;
        let mut lesson = Lesson::empty(session);
        for input in inputs {
            let replayed = lesson.session.replay_input(input)?;
            for command in &replayed.commands {
                lesson.note_command(command);
            }
            lesson.observe(&replayed.events);
        }
        Ok(lesson)
    }

    /// Deletes the topic if it exists and creates it with `partitions` partitions.
    pub fn recreate_topic(
        &mut self,
        topic: &str,
        partitions: i32,
    ) -> Result<Vec<Event>, KafkaError> {
        let mut commands = Vec::new();
        if self.session.cluster().topic_view(topic).is_some() {
            commands.push(Command::DeleteTopic {
                topic: topic.to_owned(),
            });
        }
        commands.push(create_topic_command(topic, partitions));
        self.apply_with_new_producer(commands)
    }

    fn create_topic(&mut self, topic: &str, partitions: i32) -> Result<Vec<Event>, KafkaError> {
        self.apply_with_new_producer(vec![create_topic_command(topic, partitions)])
    }

    /// Raises the topic's partition count.
    pub fn add_partitions(
        &mut self,
        topic: &str,
        total_count: i32,
    ) -> Result<Vec<Event>, KafkaError> {
        let command = Command::CreatePartitions {
            topic: topic.to_owned(),
            total_count,
        };
        self.apply_with_new_producer(vec![command])
    }

    /// Switches the null-key partitioner (a new producer with `partitioner.class`).
    pub fn set_partitioner(
        &mut self,
        partitioner: PartitionerKind,
    ) -> Result<Vec<Event>, KafkaError> {
        self.partitioner = partitioner;
        self.apply_with_new_producer(Vec::new())
    }

    /// Sends one record and runs until it is acknowledged (or fails).
    pub fn produce(
        &mut self,
        topic: &str,
        key: Option<String>,
        value: String,
    ) -> Result<Vec<Event>, KafkaError> {
        let record = NewRecord {
            key: key.clone(),
            ..NewRecord::new(topic, None, Some(&value))
        };
        let command = Command::Produce {
            producer: self.producer.clone(),
            record,
        };
        self.note_command(&command);
        let mut events = match self.session.apply(vec![command]) {
            Ok(events) => events,
            Err(error) => {
                self.sent_keys.pop_back();
                return Err(error);
            }
        };
        self.observe(&events);
        let producer = self.producer_id();
        let settled = self.session.run_until_done(SETTLE_LIMIT_MS, |step| {
            step.iter().any(|event| {
                matches!(&event.kind,
                    EventKind::ProduceAcknowledged { producer: p, .. } | EventKind::ProduceFailed { producer: p, .. }
                        if Some(*p) == producer)
            })
        });
        self.observe(&settled);
        events.extend(settled);
        if let Some(error) = failure(&events) {
            return Err(error);
        }
        Ok(events)
    }

    /// The commands, then a fresh producer: it reads the topic's metadata anew.
    fn apply_with_new_producer(
        &mut self,
        mut commands: Vec<Command>,
    ) -> Result<Vec<Event>, KafkaError> {
        if !self.producer.is_empty() {
            commands.push(Command::CloseProducer {
                producer: self.producer.clone(),
            });
        }
        let next = format!("producer-{}", self.producers_started + 1);
        commands.push(Command::CreateProducer {
            name: next.clone(),
            configs: producer_configs(self.partitioner),
        });
        for command in &commands {
            self.note_command(command);
        }
        let events = self.session.apply(commands)?;
        self.observe(&events);
        let settled = self
            .session
            .run_until(self.session.cluster().now_ms() + 100);
        self.observe(&settled);
        Ok(events.into_iter().chain(settled).collect())
    }

    /// Remembers what a command tells the page before it runs.
    fn note_command(&mut self, command: &Command) {
        match command {
            Command::CreateProducer { name, configs } => {
                self.producer = name.clone();
                self.producers_started += 1;
                self.partitioner = partitioner_of(configs);
                self.sent_keys.clear();
            }
            Command::Produce { record, .. } => self.sent_keys.push_back(record.key.clone()),
            Command::CreateTopic { topic, .. } | Command::CreatePartitions { topic, .. } => {
                self.current_topic = Some(topic.clone());
            }
            Command::DeleteTopic { topic } => {
                if self.current_topic.as_ref() == Some(topic) {
                    self.current_topic = None;
                }
                if self.last_append.as_ref().map(|last| &last.topic) == Some(topic) {
                    self.last_append = None;
                }
            }
            _ => {}
        }
    }

    /// Follows the producer's records from batch to offset.
    fn observe(&mut self, events: &[Event]) {
        let producer = self.producer_id();
        for event in events {
            match &event.kind {
                EventKind::RecordAccumulated {
                    producer: p,
                    partition,
                    routing,
                    batch,
                    index,
                } if Some(*p) == producer => {
                    let key = self.sent_keys.pop_front().flatten();
                    self.in_flight.push(InFlight {
                        topic: partition.topic.clone(),
                        partition: PartitionId(partition.partition),
                        key,
                        routing: *routing,
                        batch: *batch,
                        index: *index,
                    });
                }
                EventKind::ProduceAcknowledged {
                    producer: p,
                    base_offset,
                    batch,
                    ..
                } if Some(*p) == producer => {
                    let (done, waiting): (Vec<InFlight>, Vec<InFlight>) = self
                        .in_flight
                        .drain(..)
                        .partition(|record| record.batch == *batch);
                    self.in_flight = waiting;
                    if let Some(record) = done.into_iter().max_by_key(|record| record.index) {
                        let partition_count = self
                            .session
                            .cluster()
                            .partition_count(&record.topic)
                            .unwrap_or(0);
                        self.current_topic = Some(record.topic.clone());
                        self.last_append = Some(Appended {
                            offset: Offset(base_offset.0 + i64::from(record.index)),
                            topic: record.topic,
                            partition: record.partition,
                            key: record.key,
                            routing: record.routing,
                            partition_count,
                        });
                    }
                }
                EventKind::ProduceFailed {
                    producer: p, batch, ..
                } if Some(*p) == producer => {
                    self.in_flight.retain(|record| Some(record.batch) != *batch);
                }
                _ => {}
            }
        }
    }

    fn producer_id(&self) -> Option<kplay_core::ClientId> {
        self.session
            .cluster()
            .producer_views()
            .into_iter()
            .find(|view| view.name == self.producer)
            .map(|view| view.id)
    }

    /// The topic the learner last created, grew or produced to.
    pub fn current_topic(&self) -> Option<&str> {
        self.current_topic.as_deref()
    }

    pub fn last_append(&self) -> Option<&Appended> {
        self.last_append.as_ref()
    }

    /// Whether this is the untouched starting point (nothing to save).
    pub fn is_fresh(&self) -> bool {
        Lesson::start().is_ok_and(|fresh| fresh.session.encode() == self.session.encode())
    }
}

fn create_topic_command(topic: &str, partitions: i32) -> Command {
    Command::CreateTopic {
        topic: topic.to_owned(),
        partitions,
        replication_factor: 1,
        configs: Vec::new(),
    }
}

/// The producer configs for a partitioner.
fn producer_configs(partitioner: PartitionerKind) -> Vec<(String, String)> {
    match partitioner {
        PartitionerKind::UniformSticky => Vec::new(),
        PartitionerKind::StickyPerBatch => vec![(
            "partitioner.class".to_owned(),
            producer::DEFAULT_PARTITIONER.to_owned(),
        )],
        PartitionerKind::RoundRobin => vec![(
            "partitioner.class".to_owned(),
            producer::ROUND_ROBIN_PARTITIONER.to_owned(),
        )],
    }
}

fn partitioner_of(configs: &[(String, String)]) -> PartitionerKind {
    let class = configs
        .iter()
        .find(|(name, _)| name == "partitioner.class")
        .map(|(_, value)| value.as_str());
    match class {
        Some(producer::ROUND_ROBIN_PARTITIONER) => PartitionerKind::RoundRobin,
        Some(producer::DEFAULT_PARTITIONER) => PartitionerKind::StickyPerBatch,
        _ => PartitionerKind::UniformSticky,
    }
}

/// The error of a produce that failed for good, if it did.
fn failure(events: &[Event]) -> Option<KafkaError> {
    events.iter().find_map(|event| match &event.kind {
        EventKind::ProduceFailed { error, .. } => Some(error.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_has_three_empty_partitions_and_a_producer() {
        let lesson = Lesson::start().expect("valid start");
        let topic = lesson
            .session
            .cluster()
            .topic_view(DEFAULT_TOPIC)
            .expect("topic");
        assert_eq!(topic.partitions.len(), 3);
        assert_eq!(lesson.producer, "producer-1");
        assert!(lesson.is_fresh());
    }

    #[test]
    fn a_keyed_record_gets_the_partition_of_its_hash_and_the_next_offset() {
        let mut lesson = Lesson::start().expect("valid start");
        // murmur2("21") = -973932308, toPositive 1173551340, % 3 = 0.
        lesson
            .produce("orders", Some("21".into()), "a".into())
            .expect("acknowledged");
        lesson
            .produce("orders", Some("21".into()), "b".into())
            .expect("acknowledged");
        let last = lesson.last_append().expect("appended");
        assert_eq!((last.partition, last.offset), (PartitionId(0), Offset(1)));
        assert!(matches!(
            last.routing,
            Routing::Keyed {
                partition_count: 3,
                ..
            }
        ));
        assert!(!lesson.is_fresh());
    }

    #[test]
    fn decoding_rebuilds_the_last_record() {
        let mut lesson = Lesson::start().expect("valid start");
        lesson
            .produce("orders", Some("alice".into()), "x".into())
            .expect("acknowledged");
        let decoded = Lesson::decode(&lesson.session.encode()).expect("round trip");
        assert_eq!(decoded.last_append(), lesson.last_append());
        assert_eq!(decoded.producer, lesson.producer);
    }

    #[test]
    fn decoding_rebuilds_every_kind_of_action() {
        let mut lesson = Lesson::start().expect("valid start");
        lesson.add_partitions("orders", 5).expect("valid");
        lesson
            .set_partitioner(PartitionerKind::RoundRobin)
            .expect("valid");
        lesson.recreate_topic("payments", 2).expect("valid");
        lesson
            .produce("payments", None, "x".into())
            .expect("acknowledged");
        lesson
            .produce("payments", Some("it's <b>".into()), "y z".into())
            .expect("acknowledged");
        let decoded = Lesson::decode(&lesson.session.encode()).expect("round trip");
        assert_eq!(decoded.last_append(), lesson.last_append());
        assert_eq!(decoded.current_topic(), Some("payments"));
        assert_eq!(decoded.producer, lesson.producer);
        assert_eq!(decoded.partitioner, PartitionerKind::RoundRobin);
        assert_eq!(decoded.session.encode(), lesson.session.encode());
        assert_eq!(
            decoded.session.cluster().view(),
            lesson.session.cluster().view()
        );
    }

    #[test]
    fn adding_partitions_starts_a_producer_that_sees_them() {
        let mut lesson = Lesson::start().expect("valid start");
        lesson.add_partitions("orders", 5).expect("valid");
        assert_eq!(lesson.producer, "producer-2");
        lesson
            .produce("orders", Some("k".into()), "v".into())
            .expect("acknowledged");
        assert!(matches!(
            lesson.last_append().map(|a| a.routing),
            Some(Routing::Keyed {
                partition_count: 5,
                ..
            })
        ));
    }

    /// A fresh lesson with `partitioner`, after `count` null-key records: the lesson and where
    /// each record went.
    fn null_key_appends(partitioner: PartitionerKind, count: usize) -> (Lesson, Vec<Appended>) {
        let mut lesson = Lesson::start().expect("valid start");
        lesson.set_partitioner(partitioner).expect("valid");
        let appends = (0..count)
            .map(|index| {
                lesson
                    .produce("orders", None, format!("v{index}"))
                    .expect("acknowledged");
                lesson.last_append().expect("appended").clone()
            })
            .collect();
        (lesson, appends)
    }

    #[test]
    fn round_robin_goes_partition_by_partition() {
        let (_, appends) = null_key_appends(PartitionerKind::RoundRobin, 3);
        let partitions: Vec<i32> = appends.iter().map(|a| a.partition.0).collect();
        assert_eq!(partitions, vec![0, 1, 2]);
    }

    /// KIP-480: every record here is sent in a batch of its own, so the sticky partitioner of
    /// Kafka 2.4 to 3.2 moves on with each one, never to the partition it just left.
    #[test]
    fn the_sticky_partitioner_of_kafka_2_4_moves_at_every_new_batch() {
        let (lesson, appends) = null_key_appends(PartitionerKind::StickyPerBatch, 6);
        assert!(appends.iter().all(|a| a.routing == Routing::StickyPerBatch));
        let partitions: Vec<i32> = appends.iter().map(|a| a.partition.0).collect();
        assert!(
            partitions.windows(2).all(|pair| pair[0] != pair[1]),
            "{partitions:?}"
        );
        let decoded = Lesson::decode(&lesson.session.encode()).expect("round trip");
        assert_eq!(decoded.partitioner, PartitionerKind::StickyPerBatch);
        assert_eq!(decoded.last_append(), lesson.last_append());
    }
}
