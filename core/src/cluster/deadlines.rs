//! When requests give up: one timer per node for all its requests awaiting an answer, instead
//! of one timer per request (as Kafka's `NetworkClient` checks request timeouts when it polls).
//!
//! Requests are answered far more often than they time out, so keeping one timer at the
//! earliest deadline keeps the scheduler small.

use crate::vec_map::VecMap;

/// The deadlines of a node's requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deadlines {
    entries: VecMap<u64, i64>,
    timer_at_ms: Option<i64>,
}

impl Deadlines {
    /// Watches `request_id` until `deadline_ms`. Returns the time to set the node's deadline
    /// timer at when it must fire earlier than the one already set.
    #[must_use]
    pub fn watch(&mut self, request_id: u64, deadline_ms: i64) -> Option<i64> {
        self.entries.insert(request_id, deadline_ms);
        match self.timer_at_ms {
            Some(at) if at <= deadline_ms => None,
            _ => {
                self.timer_at_ms = Some(deadline_ms);
                Some(deadline_ms)
            }
        }
    }

    /// The request was answered (or abandoned).
    pub fn forget(&mut self, request_id: u64) {
        self.entries.remove(&request_id);
    }

    /// The deadline timer set for `timer_ms` fired at `now_ms`: the requests past their
    /// deadline, and when to set the timer next (if it must be set). A timer that was
    /// superseded by an earlier one does nothing.
    pub fn expire(&mut self, timer_ms: i64, now_ms: i64) -> (Vec<u64>, Option<i64>) {
        if self.timer_at_ms != Some(timer_ms) {
            return (Vec::new(), None);
        }
        let expired: Vec<u64> = self
            .entries
            .iter()
            .filter(|(_, deadline)| **deadline <= now_ms)
            .map(|(id, _)| *id)
            .collect();
        for id in &expired {
            self.entries.remove(id);
        }
        self.timer_at_ms = self.entries.values().min().copied();
        (expired, self.timer_at_ms)
    }

    /// Forgets everything (the node restarted).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.timer_at_ms = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_earlier_deadline_moves_the_timer() {
        let mut deadlines = Deadlines::default();
        assert_eq!(deadlines.watch(1, 100), Some(100));
        assert_eq!(deadlines.watch(2, 150), None);
        assert_eq!(deadlines.watch(3, 50), Some(50));
    }

    #[test]
    fn answered_requests_do_not_expire() {
        let mut deadlines = Deadlines::default();
        let _ = deadlines.watch(1, 100);
        let _ = deadlines.watch(2, 200);
        deadlines.forget(1);
        assert_eq!(deadlines.expire(100, 100), (Vec::new(), Some(200)));
        assert_eq!(deadlines.expire(200, 200), (vec![2], None));
    }

    #[test]
    fn a_stale_later_timer_does_not_reschedule() {
        let mut deadlines = Deadlines::default();
        let _ = deadlines.watch(1, 100);
        let _ = deadlines.watch(2, 40);
        // The timer set for 100 was superseded by the one for 40.
        assert_eq!(deadlines.expire(40, 40), (vec![2], Some(100)));
        assert_eq!(deadlines.expire(100, 100), (vec![1], None));
        let _ = deadlines.watch(3, 60);
        assert_eq!(deadlines.expire(30, 60), (Vec::new(), None));
        assert_eq!(deadlines.expire(60, 60), (vec![3], None));
    }
}
