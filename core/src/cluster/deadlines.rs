//! When requests give up: one timer per node for all its requests awaiting an answer, instead
//! of one timer per request (as Kafka's `NetworkClient` checks request timeouts when it polls).
//!
//! Requests are answered far more often than they time out, so keeping one timer at the
//! earliest deadline keeps the scheduler small.

use crate::ids::BrokerId;
use crate::vec_map::VecMap;

/// A client's connection to a broker. Kafka's `NetworkClient` keeps one per node id, and a
/// consumer reaches its group coordinator on a connection of its own beside the broker's
/// (`AbstractCoordinator` names it `Integer.MAX_VALUE - id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// The connection to a broker.
    Broker(BrokerId),
    /// A consumer's connection to its group coordinator.
    GroupCoordinator(BrokerId),
}

impl Connection {
    /// The broker at the other end.
    pub fn broker(self) -> BrokerId {
        match self {
            Connection::Broker(broker) | Connection::GroupCoordinator(broker) => broker,
        }
    }
}

/// The deadlines of a node's requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deadlines {
    entries: VecMap<u64, (i64, Option<Connection>)>,
    timer_at_ms: Option<i64>,
}

impl Deadlines {
    /// Watches `request_id` until `deadline_ms`. Returns the time to set the node's deadline
    /// timer at when it must fire earlier than the one already set.
    #[must_use]
    pub fn watch(&mut self, request_id: u64, deadline_ms: i64) -> Option<i64> {
        self.watch_on(request_id, deadline_ms, None)
    }

    /// Watches `request_id`, sent on `connection`, until `deadline_ms`: when a request on that
    /// connection times out, this one fails with it (see [`Deadlines::expire`]).
    #[must_use]
    pub fn watch_on(
        &mut self,
        request_id: u64,
        deadline_ms: i64,
        connection: Option<Connection>,
    ) -> Option<i64> {
        self.entries.insert(request_id, (deadline_ms, connection));
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

    /// The deadline timer set for `timer_ms` fired at `now_ms`: the requests that fail, and
    /// when to set the timer next (if it must be set). A timer that was superseded by an
    /// earlier one does nothing.
    ///
    /// The requests past their deadline fail, and so does every request on the connection
    /// one of them was sent on: `NetworkClient.handleTimedOutRequests` closes the connection,
    /// and `cancelInFlightRequests` fails what was in flight on it. They come in the order
    /// they were sent, each with its connection.
    pub fn expire(
        &mut self,
        timer_ms: i64,
        now_ms: i64,
    ) -> (Vec<(u64, Option<Connection>)>, Option<i64>) {
        if self.timer_at_ms != Some(timer_ms) {
            return (Vec::new(), None);
        }
        let closed: Vec<Connection> = self
            .entries
            .values()
            .filter(|(deadline, _)| *deadline <= now_ms)
            .filter_map(|(_, connection)| *connection)
            .collect();
        let failed: Vec<(u64, Option<Connection>)> = self
            .entries
            .iter()
            .filter(|(_, (deadline, connection))| {
                *deadline <= now_ms || connection.is_some_and(|c| closed.contains(&c))
            })
            .map(|(id, (_, connection))| (*id, *connection))
            .collect();
        for (id, _) in &failed {
            self.entries.remove(id);
        }
        self.timer_at_ms = self.entries.values().map(|(deadline, _)| *deadline).min();
        (failed, self.timer_at_ms)
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
        assert_eq!(deadlines.expire(200, 200), (vec![(2, None)], None));
    }

    #[test]
    fn a_stale_later_timer_does_not_reschedule() {
        let mut deadlines = Deadlines::default();
        let _ = deadlines.watch(1, 100);
        let _ = deadlines.watch(2, 40);
        // The timer set for 100 was superseded by the one for 40.
        assert_eq!(deadlines.expire(40, 40), (vec![(2, None)], Some(100)));
        assert_eq!(deadlines.expire(100, 100), (vec![(1, None)], None));
        let _ = deadlines.watch(3, 60);
        assert_eq!(deadlines.expire(30, 60), (Vec::new(), None));
        assert_eq!(deadlines.expire(60, 60), (vec![(3, None)], None));
    }

    #[test]
    fn a_timed_out_request_fails_every_request_on_its_connection() {
        let mut deadlines = Deadlines::default();
        let broker = Some(Connection::Broker(BrokerId(1)));
        let coordinator = Some(Connection::GroupCoordinator(BrokerId(1)));
        let _ = deadlines.watch_on(1, 100, broker);
        let _ = deadlines.watch_on(2, 300, coordinator);
        let _ = deadlines.watch_on(3, 200, broker);
        let _ = deadlines.watch_on(4, 400, Some(Connection::Broker(BrokerId(2))));
        assert_eq!(
            deadlines.expire(100, 100),
            (vec![(1, broker), (3, broker)], Some(300))
        );
        assert_eq!(
            deadlines.expire(300, 300),
            (vec![(2, coordinator)], Some(400))
        );
    }
}
