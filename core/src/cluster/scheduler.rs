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

/// A heap entry; the occurrence is boxed so the heap moves small entries, not messages.
#[derive(Debug, Clone)]
struct Entry {
    at_ms: i64,
    sequence: u64,
    occurrence: Box<Occurrence>,
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
    next_sequence: u64,
}

impl Scheduler {
    /// Schedules `occurrence` at `at_ms`.
    pub fn schedule(&mut self, at_ms: i64, occurrence: Occurrence) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.heap.push(Entry {
            at_ms,
            sequence,
            occurrence: Box::new(occurrence),
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
        self.heap
            .pop()
            .map(|entry| (entry.at_ms, *entry.occurrence))
    }

    /// The messages in flight, in send order.
    pub fn messages(&self) -> Vec<&Message> {
        let mut messages: Vec<&Message> = self
            .heap
            .iter()
            .filter_map(|entry| match entry.occurrence.as_ref() {
                Occurrence::Deliver(message) => Some(message),
                Occurrence::Timer(_) => None,
            })
            .collect();
        messages.sort_by_key(|message| message.id);
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
