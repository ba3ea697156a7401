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

/// A heap entry: when, and where the occurrence waits (see [`Scheduler`]), so the heap moves
/// small entries, not messages.
#[derive(Debug, Clone)]
struct Entry {
    at_ms: i64,
    sequence: u64,
    slot: Slot,
}

/// Where an occurrence waits: a slot of [`Scheduler::messages`] or of [`Scheduler::timers`].
#[derive(Debug, Clone, Copy)]
enum Slot {
    Message(usize),
    Timer(usize),
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

/// Slots that are reused: a taken slot goes to the next value stored, so once the slots cover
/// the most values ever waiting at once, storing allocates nothing (a box per occurrence was
/// a tenth of the allocations of a busy cluster).
#[derive(Debug, Clone)]
struct Slots<T> {
    values: Vec<Option<T>>,
    free: Vec<usize>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            values: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T> Slots<T> {
    fn store(&mut self, value: T) -> usize {
        match self.free.pop() {
            Some(slot) => {
                self.values[slot] = Some(value);
                slot
            }
            None => {
                self.values.push(Some(value));
                self.values.len() - 1
            }
        }
    }

    fn take(&mut self, slot: usize) -> T {
        self.free.push(slot);
        self.values[slot]
            .take()
            .expect("every heap entry's slot holds its occurrence")
    }

    fn get(&self, slot: usize) -> Option<&T> {
        self.values[slot].as_ref()
    }
}

/// The queue of scheduled occurrences.
///
/// Messages and timers wait in separate slots. Most of what is scheduled is timers (the
/// largest sandbox preset keeps thousands pending, while a message is in flight for a few
/// simulated ms), and a timer is a third of a message's size: one slot type for both made
/// every timer take a message's room, and the playground's timeline clones the scheduler with
/// every snapshot of the cluster.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    heap: BinaryHeap<Entry>,
    messages: Slots<Message>,
    timers: Slots<TimerEntry>,
    next_sequence: u64,
}

impl Scheduler {
    /// Schedules `occurrence` at `at_ms`.
    pub fn schedule(&mut self, at_ms: i64, occurrence: Occurrence) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        let slot = match occurrence {
            Occurrence::Deliver(message) => Slot::Message(self.messages.store(message)),
            Occurrence::Timer(timer) => Slot::Timer(self.timers.store(timer)),
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
        let occurrence = match entry.slot {
            Slot::Message(slot) => Occurrence::Deliver(self.messages.take(slot)),
            Slot::Timer(slot) => Occurrence::Timer(self.timers.take(slot)),
        };
        Some((entry.at_ms, occurrence))
    }

    /// The messages in flight, in send order.
    pub fn messages(&self) -> Vec<&Message> {
        let mut messages: Vec<&Message> = self
            .heap
            .iter()
            .filter_map(|entry| match entry.slot {
                Slot::Message(slot) => self.messages.get(slot),
                Slot::Timer(_) => None,
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
