//! The playground's load generator: a producer sends a steady flow of records, as an
//! application would in a loop, without an event per record.
//!
//! Keys cycle through `key-0` ... `key-(n-1)` (or are null), values are `value-<n>` padded to
//! the asked size. Every 10 ms of simulated time the producer sends what is due.

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
}

impl Producer {
    /// Starts a workload, replacing any running one.
    pub fn start_workload(&mut self, workload: Workload, ctx: &mut Ctx) {
        let first = self.workload.is_none();
        self.workload = Some(WorkloadState {
            workload,
            generated: 0,
            carry_millirecords: 0,
        });
        if first {
            ctx.after(TICK_MS, Timer::Producer(ProducerTimer::Workload));
        }
    }

    /// Stops the workload.
    pub fn stop_workload(&mut self) {
        self.workload = None;
    }

    pub(super) fn run_workload(&mut self, ctx: &mut Ctx) {
        let Some(mut state) = self.workload.take() else {
            return;
        };
        state.carry_millirecords += state.workload.records_per_second.max(0) * TICK_MS;
        let due = state.carry_millirecords / 1000;
        state.carry_millirecords %= 1000;
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
        state.generated += due.max(0);
        self.workload = Some(state);
        // The prefixes are written once; each record rewrites only what follows them.
        if let Some(key) = record.key.as_mut() {
            key.push_str(KEY_PREFIX);
        }
        if let Some(value) = record.value.as_mut() {
            value.push_str(VALUE_PREFIX);
        }
        // Once a record got past send()'s checks, its topic is among the wanted ones.
        let mut wanted = TopicWanted::Maybe;
        for index in first..first + due.max(0) {
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
            if self.send_record(&record, false, wanted, ctx).is_err() {
                break;
            }
            wanted = TopicWanted::Already;
        }
        if self.workload.is_some() {
            ctx.after(TICK_MS, Timer::Producer(ProducerTimer::Workload));
        }
    }
}

/// What every key starts with.
const KEY_PREFIX: &str = "key-";
/// What every value starts with.
const VALUE_PREFIX: &str = "value-";

/// Dots the values are padded with, copied a slice at a time.
const PADDING: &str = "................................................................";
