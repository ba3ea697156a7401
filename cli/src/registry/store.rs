//! The registry's Kafka side, as Confluent's `KafkaStore` keeps it: every schema and every
//! compatibility level is a record of the compacted, single-partition topic `_schemas`, and
//! what the registry knows is what it has read back from that topic.
//!
//! - **Starting** (at the first request): the registry creates `_schemas` if it is missing
//!   (`cleanup.policy=compact`, one partition, `kafkastore.topic.replication.factor` 3 or as
//!   many brokers as are running, if fewer), starts its producer (`acks=all`, no retries) and
//!   writes a `NOOP` record to learn the topic's end (`getLatestOffset`), waiting up to
//!   `kafkastore.init.timeout.ms` (60 s). A `_schemas` that exists already must have one
//!   partition and `cleanup.policy=compact` (`verifySchemaTopic`): with more partitions the
//!   order of the records would be lost, and with `delete` retention would delete schemas
//!   still in use. A registry that cannot start does not answer: curl cannot connect, and
//!   says why the registry stopped.
//! - **Writing**: a registration or a level change is one record, keyed by what it sets
//!   (`{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}`), acknowledged
//!   within `kafkastore.timeout.ms` (500 ms) or the request fails with a 500. A soft delete is
//!   a record too (a version marked `"deleted":true`, or a `DELETE_SUBJECT`); a permanent one
//!   is a tombstone per version, which compaction will remove with the versions' records.
//! - **Reading**: before and after each request the registry applies the records committed
//!   since it last read. A write that timed out but reached the log later is applied then.
//!
//! Simplified: the reader is not a consumer client; it reads the partition's leader up to its
//! high watermark. The registry starts with its first request rather than beside the brokers.

use kplay_core::cluster::event::EventKind;
use kplay_core::{ClientId, Command, NewRecord, TopicPartition};

use super::{Request, Response, SchemaRegistry};
use crate::shell::Shell;

/// `kafkastore.topic`.
pub const TOPIC: &str = "_schemas";
/// The registry producer's `client.id`.
pub const PRODUCER: &str = "schema-registry";
/// `kafkastore.timeout.ms`.
const TIMEOUT_MS: i64 = 500;
/// `kafkastore.init.timeout.ms`.
const INIT_TIMEOUT_MS: i64 = 60_000;
/// `kafkastore.topic.replication.factor`.
const REPLICATION_FACTOR: usize = 3;

/// Why a write to `_schemas` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreError {
    /// No acknowledgement within `kafkastore.timeout.ms` (`StoreTimeoutException`).
    TimedOut,
    /// The producer failed the record (`StoreException`).
    Failed,
}

/// The host names the registry answers at (its container's name too), and its port.
pub const HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "schema-registry"];
/// `listeners=http://0.0.0.0:8081`.
pub const PORT: &str = "8081";

/// One HTTP request to the shell's registry, as a client sends it (curl, or a serializer):
/// the answer, or why the registry did not start.
pub fn request(shell: &mut Shell, request: Request<'_>) -> Result<Response, String> {
    let mut registry = std::mem::take(&mut shell.registry);
    let served = serve(shell, &mut registry, request);
    shell.registry = registry;
    served
}

/// Serves one request against the registry and its store (the registry is the shell's,
/// taken out for the request), or says why the registry could not start.
fn serve(
    shell: &mut Shell,
    registry: &mut SchemaRegistry,
    request: Request<'_>,
) -> Result<Response, String> {
    if !registry.started {
        start(shell, registry)?;
        registry.started = true;
    }
    catch_up(shell, registry);
    let response = registry.handle(request, &mut |key, value| {
        write(shell, key, value, TIMEOUT_MS).map(Some)
    });
    catch_up(shell, registry);
    Ok(response)
}

/// Creates or checks the topic, creates the producer if missing, and writes the `NOOP`
/// record; or the error that stops the registry (`StoreInitializationException`'s message).
fn start(shell: &mut Shell, registry: &mut SchemaRegistry) -> Result<(), String> {
    if let Some(topic) = shell.cluster.topic_view(TOPIC) {
        verify(shell, topic.partitions.len())?;
    } else {
        let running = shell
            .cluster
            .view()
            .brokers
            .iter()
            .filter(|broker| broker.up)
            .count();
        if running == 0 {
            return Err("No live Kafka brokers".into());
        }
        shell
            .apply(Command::CreateTopic {
                topic: TOPIC.to_string(),
                partitions: 1,
                replication_factor: running.min(REPLICATION_FACTOR) as i32,
                configs: vec![("cleanup.policy".into(), "compact".into())],
            })
            .map_err(|e| e.to_string())?;
    }
    if !shell
        .cluster
        .producer_views()
        .iter()
        .any(|view| view.name == PRODUCER)
    {
        let configs = [
            ("acks", "all"),
            ("retries", "0"),
            ("enable.idempotence", "false"),
        ];
        shell
            .apply(Command::CreateProducer {
                name: PRODUCER.to_string(),
                configs: configs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            })
            .map_err(|e| e.to_string())?;
    }
    write(
        shell,
        r#"{"keytype":"NOOP","magic":0}"#,
        None,
        INIT_TIMEOUT_MS,
    )
    .map_err(|_| "Failed to write Noop record to kafka store.".to_string())?;
    catch_up(shell, registry);
    Ok(())
}

/// `KafkaStore.verifySchemaTopic`: an existing `_schemas` fit to keep schemas.
fn verify(shell: &Shell, partitions: usize) -> Result<(), String> {
    if partitions != 1 {
        return Err(format!(
            "The schema topic {TOPIC} should have only 1 partition but has {partitions}"
        ));
    }
    let policy = shell
        .cluster
        .describe_topic_configs(TOPIC)
        .into_iter()
        .flatten()
        .find(|row| row.name == "cleanup.policy")
        .and_then(|row| row.value)
        .unwrap_or_default();
    if policy != "compact" {
        return Err(format!(
            "The retention policy of the schema topic {TOPIC} is incorrect. Expected cleanup.policy to be 'compact' but it is {policy}"
        ));
    }
    Ok(())
}

/// Sends one record to `_schemas` and lets simulated time pass until it is acknowledged (its
/// offset), it fails, or `timeout_ms` passes.
fn write(
    shell: &mut Shell,
    key: &str,
    value: Option<&str>,
    timeout_ms: i64,
) -> Result<i64, StoreError> {
    let Some(producer) = shell
        .cluster
        .producer_views()
        .iter()
        .find(|view| view.name == PRODUCER)
        .map(|view| view.id)
    else {
        return Err(StoreError::Failed);
    };
    let mut record = NewRecord::new(TOPIC, Some(key), value);
    record.partition = Some(0);
    let events = shell
        .apply(Command::Produce {
            producer: PRODUCER.to_string(),
            record,
        })
        .map_err(|_| StoreError::Failed)?;
    let mut ack = Ack {
        producer,
        placed: None,
        outcome: None,
    };
    ack.observe(&events);
    if ack.outcome.is_none() {
        let deadline_ms = shell.cluster.now_ms() + timeout_ms;
        shell.run_until_done(deadline_ms, |_, events| {
            ack.observe(events);
            ack.outcome.is_some()
        });
    }
    ack.outcome.unwrap_or(Err(StoreError::TimedOut))
}

/// Follows one record of the registry's producer to its outcome.
struct Ack {
    producer: ClientId,
    /// The batch and index the record joined: at once, or when its blocked send goes on.
    placed: Option<(u64, i32)>,
    /// Its offset, or why it failed.
    outcome: Option<Result<i64, StoreError>>,
}

impl Ack {
    fn observe(&mut self, events: &[kplay_core::Event]) {
        for event in events {
            match &event.kind {
                EventKind::RecordAccumulated {
                    producer,
                    batch,
                    index,
                    ..
                } if *producer == self.producer && self.placed.is_none() => {
                    self.placed = Some((*batch, *index));
                }
                EventKind::ProduceAcknowledged {
                    producer,
                    batch,
                    base_offset,
                    ..
                } if *producer == self.producer => {
                    if let Some((_, index)) = self.placed.filter(|(ours, _)| ours == batch) {
                        self.outcome = Some(Ok(base_offset.0 + i64::from(index)));
                    }
                }
                EventKind::ProduceFailed {
                    producer, batch, ..
                } if *producer == self.producer
                    && (batch.is_none() || *batch == self.placed.map(|(ours, _)| ours)) =>
                {
                    self.outcome = Some(Err(StoreError::Failed));
                }
                _ => {}
            }
        }
    }
}

/// Applies the records of `_schemas` committed since the registry last read.
fn catch_up(shell: &Shell, registry: &mut SchemaRegistry) {
    let partition = TopicPartition::new(TOPIC, 0);
    let Ok(leader) = shell.cluster.running_leader(&partition) else {
        return;
    };
    let Some(log) = shell.cluster.log_view(leader, &partition, usize::MAX) else {
        return;
    };
    for record in log.segments.iter().flat_map(|segment| &segment.records) {
        if record.offset.0 >= registry.read_offset && record.offset < log.high_watermark {
            registry.apply_record(
                record.offset.0,
                record.key.as_deref(),
                record.value.as_deref(),
            );
        }
    }
}
