//! The playground's load generator: a producer sends a steady flow of records, as an
//! application would in a loop, without an event per record.
//!
//! Keys cycle through `key-0` ... `key-(n-1)` (or are null), values are `value-<n>` padded to
//! the asked size. Every 10 ms of simulated time the producer sends what is due.

use serde::{Deserialize, Serialize};

use crate::cluster::command::{NewRecord, Workload};
use crate::cluster::context::Ctx;
use crate::cluster::timer::Timer;

use super::{Producer, ProducerTimer};

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
        let topic = state.workload.topic.clone();
        let distinct = i64::from(state.workload.distinct_keys.max(0));
        let value_bytes = usize::try_from(state.workload.value_bytes.max(0)).unwrap_or(0);
        let mut records = Vec::with_capacity(usize::try_from(due).unwrap_or(0));
        for _ in 0..due {
            let index = state.generated;
            state.generated += 1;
            let key = (distinct > 0).then(|| format!("key-{}", index % distinct));
            let mut value = format!("value-{index}");
            if value.len() < value_bytes {
                value.extend(std::iter::repeat_n('.', value_bytes - value.len()));
            }
            records.push(NewRecord {
                topic: topic.clone(),
                key,
                value: Some(value),
                headers: Vec::new(),
                partition: None,
                timestamp_ms: None,
            });
        }
        self.workload = Some(state);
        for record in records {
            if self.send(record, false, ctx).is_err() {
                break;
            }
        }
        if self.workload.is_some() {
            ctx.after(TICK_MS, Timer::Producer(ProducerTimer::Workload));
        }
    }
}
