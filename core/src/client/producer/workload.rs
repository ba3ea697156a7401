//! The playground's load generator: a producer sends a steady flow of records, as an
//! application would in a loop, without an event per record.
//!
//! Keys cycle through `key-0` ... `key-(n-1)` (or are null), values are `value-<n>` padded to
//! the asked size. Every 10 ms of simulated time the producer sends what is due. Like the
//! application thread of a loop, the workload waits in a `send()` that blocks (for metadata or
//! buffer memory, at most `max.block.ms`) and sends nothing else meanwhile.

use serde::{Deserialize, Serialize};

use crate::cluster::command::{NewRecord, Workload};
use crate::cluster::context::Ctx;
use crate::cluster::timer::Timer;

use super::{Producer, ProducerTimer, TopicWanted};

/// How often the workload sends, in simulated ms.
pub const TICK_MS: i64 = 10;

/// A running workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadState {
    /// What to send.
    pub workload: Workload,
    /// How many records were generated.
    pub generated: i64,
    /// Records per second times elapsed ticks, not yet sent (in thousandths of a record).
    carry_millirecords: i64,
    /// Records of a tick the loop had not sent when one of its sends blocked.
    #[serde(default)]
    owed: i64,
}

impl Producer {
    /// Starts a workload, replacing any running one.
    pub fn start_workload(&mut self, workload: Workload, ctx: &mut Ctx) {
        let first = self.workload.is_none();
        self.workload = Some(WorkloadState {
            workload,
            generated: 0,
            carry_millirecords: 0,
            owed: 0,
        });
        if first {
            ctx.after(TICK_MS, Timer::Producer(ProducerTimer::Workload));
        }
    }

    /// Stops the workload.
    pub fn stop_workload(&mut self) {
        self.workload = None;
    }

    /// One tick of the application's loop: it sends the records due at the workload's rate.
    pub(super) fn run_workload(&mut self, ctx: &mut Ctx) {
        // A `send()` of the loop that blocks (for metadata or buffer memory, up to
        // `max.block.ms`) holds the loop's thread: it sends nothing more, and falls no further
        // behind, until that send returns.
        let blocked = self.blocked.iter().any(|blocked| !blocked.reported);
        let Some(state) = self.workload.as_mut() else {
            return;
        };
        if !blocked {
            state.carry_millirecords += state.workload.records_per_second.max(0) * TICK_MS;
            let due = state.carry_millirecords / 1000;
            state.carry_millirecords %= 1000;
            self.send_workload_records(due, ctx);
        }
        if self.workload.is_some() {
            ctx.after(TICK_MS, Timer::Producer(ProducerTimer::Workload));
        }
    }

    /// The loop's blocked `send()` returned (its record was accumulated, or it threw): the loop
    /// goes on at once with the records of its tick it had not sent.
    pub(super) fn resume_workload(&mut self, ctx: &mut Ctx) {
        let Some(state) = self.workload.as_mut() else {
            return;
        };
        let owed = std::mem::take(&mut state.owed);
        self.send_workload_records(owed, ctx);
    }

    /// Sends the loop's next `count` records, until one blocks (the rest are owed) or fails.
    fn send_workload_records(&mut self, count: i64, ctx: &mut Ctx) {
        let Some(state) = self.workload.as_mut() else {
            return;
        };
        let distinct = i64::from(state.workload.distinct_keys.max(0));
        let value_bytes = usize::try_from(state.workload.value_bytes.max(0)).unwrap_or(0);
        // One record, rewritten in place for each send: the generator allocates nothing per
        // record (send() copies the bytes into its batch).
        let mut record = NewRecord {
            topic: state.workload.topic.clone(),
            key: (distinct > 0).then(String::new),
            value: Some(String::with_capacity(value_bytes.max(24))),
            headers: Vec::new(),
            partition: None,
            timestamp_ms: None,
        };
        // itoa writes the numbers without the formatting machinery, which was a tenth of
        // the generator's cost per record.
        let mut digits = itoa::Buffer::new();
        let first = state.generated;
        let end = first + count.max(0);
        state.generated = end;
        // The prefixes are written once; each record rewrites only what follows them.
        if let Some(key) = record.key.as_mut() {
            key.push_str(KEY_PREFIX);
        }
        if let Some(value) = record.value.as_mut() {
            value.push_str(VALUE_PREFIX);
        }
        // Once a record got past send()'s checks, its topic is among the wanted ones.
        let mut wanted = TopicWanted::Maybe;
        for index in first..end {
            if let Some(key) = record.key.as_mut() {
                key.truncate(KEY_PREFIX.len());
                key.push_str(digits.format(index % distinct));
            }
            if let Some(value) = record.value.as_mut() {
                value.truncate(VALUE_PREFIX.len());
                value.push_str(digits.format(index));
                while value.len() < value_bytes {
                    let padding = (value_bytes - value.len()).min(PADDING.len());
                    value.push_str(&PADDING[..padding]);
                }
            }
            match self.send_record(&record, false, wanted, ctx) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    // Blocked: the loop waits in this send() and owes the rest.
                    if let Some(state) = self.workload.as_mut() {
                        state.generated = index + 1;
                        state.owed = end - index - 1;
                    }
                    break;
                }
                // Thrown: the loop gives up the rest of its tick.
                Err(_) => break,
            }
            wanted = TopicWanted::Already;
        }
    }
}

/// What every key starts with.
const KEY_PREFIX: &str = "key-";
/// What every value starts with.
const VALUE_PREFIX: &str = "value-";

/// Dots the values are padded with, copied a slice at a time.
const PADDING: &str = "................................................................";
