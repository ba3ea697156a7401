//! The queue of everything scheduled to happen: message deliveries and timers.
//!
//! Occurrences are ordered by time, then by the order they were scheduled, so two runs of the
//! same session pop them in the same order (a binary heap keyed on `(time, sequence)` never
//! compares equal keys). Cancelling is done by the receiver: a timer whose owner restarted
//! since (another incarnation), or whose purpose is gone, is ignored when it fires.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::network::NodeId;
use crate::protocol::Message;

use super::timer::Timer;

/// A timer set by a node.
#[derive(Debug, Clone)]
pub struct TimerEntry {
    /// The node that set it.
    pub node: NodeId,
    /// The node's incarnation when it set it; a restarted node ignores its old timers.
    pub incarnation: u32,
    /// What to do.
    pub timer: Timer,
}

/// Something scheduled.
#[derive(Debug, Clone)]
pub enum Occurrence {
    /// A message arrives.
    Deliver(Message),
    /// A timer fires.
    Timer(TimerEntry),
}

/// A heap entry: when, and the slot of [`Scheduler::slots`] that holds the occurrence, so the
/// heap moves small entries, not messages.
#[derive(Debug, Clone)]
struct Entry {
    at_ms: i64,
    sequence: u64,
    slot: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.at_ms, self.sequence) == (other.at_ms, other.sequence)
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Reversed, so the max-heap pops the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at_ms, other.sequence).cmp(&(self.at_ms, self.sequence))
    }
}

/// The queue of scheduled occurrences.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    heap: BinaryHeap<Entry>,
    /// The scheduled occurrences, each in the slot its heap entry names. A popped occurrence's
    /// slot goes to the next one scheduled, so once the slots cover the most occurrences ever
    /// pending at once, scheduling allocates nothing (a box per occurrence was a tenth of the
    /// allocations of a busy cluster).
    slots: Vec<Option<Occurrence>>,
    /// The empty slots.
    free: Vec<usize>,
    next_sequence: u64,
}

impl Scheduler {
    /// Schedules `occurrence` at `at_ms`.
    pub fn schedule(&mut self, at_ms: i64, occurrence: Occurrence) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot] = Some(occurrence);
                slot
            }
            None => {
                self.slots.push(Some(occurrence));
                self.slots.len() - 1
            }
        };
        self.heap.push(Entry {
            at_ms,
            sequence,
            slot,
        });
    }

    /// When the next occurrence is due, if any.
    pub fn next_at_ms(&self) -> Option<i64> {
        self.heap.peek().map(|entry| entry.at_ms)
    }

    /// Removes and returns the next occurrence if it is due at or before `until_ms`.
    pub fn pop_due(&mut self, until_ms: i64) -> Option<(i64, Occurrence)> {
        if self.next_at_ms()? > until_ms {
            return None;
        }
        let entry = self.heap.pop()?;
        let occurrence = self.slots[entry.slot]
            .take()
            .expect("every heap entry's slot holds its occurrence");
        self.free.push(entry.slot);
        Some((entry.at_ms, occurrence))
    }

    /// The messages in flight, in send order.
    pub fn messages(&self) -> Vec<&Message> {
        let mut messages: Vec<&Message> = self
            .heap
            .iter()
            .filter_map(|entry| match &self.slots[entry.slot] {
                Some(Occurrence::Deliver(message)) => Some(message),
                Some(Occurrence::Timer(_)) | None => None,
            })
            .collect();
        crate::sort::sort_by_key(&mut messages, |message| message.id);
        messages
    }

    /// How many occurrences are scheduled.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
