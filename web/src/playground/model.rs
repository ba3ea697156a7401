//! The playground's state beside the session: what the learner sent and what became of it,
//! alerts, the lag history, the terminal transcript, what is selected, and a notice.
//!
//! Everything that changes the cluster goes through one path: a script line run by the
//! session at its cursor ([`Model::run_line`]); panel actions are core commands turned into
//! lines by `kplay_cli::record`, so a session is always a script. Events are read once each
//! ([`Model::absorb_events`]) to keep the derived state; moving back in time drops what was
//! derived from events that no longer happened.

use std::collections::VecDeque;

use kplay_cli::Output;
use kplay_core::{AlertKind, BrokerId, ClientId, Command, Event, EventKind, TopicPartition};

use super::session::{stderr_text, Session};

/// How many send outcomes the producer panel keeps.
const MAX_SENDS: usize = 12;
/// How many alerts are kept.
const MAX_ALERTS: usize = 50;
/// How many lines the terminal keeps.
const MAX_TERMINAL_ENTRIES: usize = 200;
/// How many lag samples the chart keeps.
pub const MAX_LAG_SAMPLES: usize = 120;
/// Simulated ms between two lag samples.
pub const LAG_SAMPLE_EVERY_MS: i64 = 500;

/// What became of one record sent from the producer panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendState {
    /// `send()` has not put it in a batch yet (waiting for metadata or buffer memory).
    Waiting,
    /// In a batch, waiting for the leader's answer.
    InBatch {
        partition: TopicPartition,
        batch: u64,
        index: i32,
    },
    /// Acknowledged at this offset (`None` with `acks=0`: no answer, no offset).
    Acked {
        partition: TopicPartition,
        offset: Option<i64>,
    },
    /// Failed for good with Kafka's error.
    Failed { error: String },
}

/// One record sent from the producer panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    pub number: u64,
    pub producer: String,
    pub topic: String,
    pub key: Option<String>,
    pub value: String,
    pub state: SendState,
}

/// One alert, with the event that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertItem {
    pub event_id: u64,
    pub at_ms: i64,
    pub kind: AlertKind,
    pub partition: TopicPartition,
    pub detail: String,
    pub caused_by: Option<u64>,
    /// The causing event's sentence and time, when it is still known.
    pub cause: Option<(i64, String)>,
}

/// Total committed lag per group at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LagSample {
    pub at_ms: i64,
    pub lags: Vec<(String, i64)>,
}

/// One command typed in the terminal and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalEntry {
    pub number: u64,
    pub line: String,
    pub stdout: String,
    pub stderr: String,
}

/// A message for the learner above the playground.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    /// Kafka's error or a refusal (shown as an alert), else information.
    pub is_error: bool,
}

/// The playground's state.
#[derive(Debug, Clone)]
pub struct Model {
    pub session: Session,
    pub sends: VecDeque<SendOutcome>,
    pub alerts: Vec<AlertItem>,
    pub lag_history: VecDeque<LagSample>,
    pub terminal: VecDeque<TerminalEntry>,
    pub notice: Option<Notice>,
    /// What the screen reader hears next.
    pub announcement: String,
    pub selected_partition: Option<TopicPartition>,
    pub selected_broker: Option<BrokerId>,
    /// The event a link asked to show.
    pub highlighted_event: Option<u64>,
    /// Where an unfinished seek is going (see [`Model::seek_within`]).
    seeking_to: Option<i64>,
    /// The model the last [`Model::replace_session`] replaced, for its notice's "Undo".
    previous: Option<Box<Model>>,
    last_event_id: Option<u64>,
    counter: u64,
}

impl Model {
    /// A model around a session.
    pub fn new(session: Session) -> Model {
        let mut model = Model {
            session,
            sends: VecDeque::new(),
            alerts: Vec::new(),
            lag_history: VecDeque::new(),
            terminal: VecDeque::new(),
            notice: None,
            announcement: String::new(),
            selected_partition: None,
            selected_broker: None,
            highlighted_event: None,
            seeking_to: None,
            previous: None,
            last_event_id: None,
            counter: 0,
        };
        model.absorb_events();
        model.announcement.clear();
        model
    }

    /// Replaces the session (reset, new seed, import), keeping the terminal and, for one
    /// "Undo", the model replaced.
    pub fn replace_session(&mut self, session: Session) {
        let terminal = std::mem::take(&mut self.terminal);
        let mut previous = std::mem::replace(self, Model::new(session));
        previous.previous = None;
        previous.notice = None;
        self.previous = Some(Box::new(previous));
        self.terminal = terminal;
    }

    /// Brings back what the last [`Model::replace_session`] replaced; false when there is
    /// nothing to bring back.
    pub fn undo_replace(&mut self) -> bool {
        let Some(previous) = self.previous.take() else {
            return false;
        };
        let terminal = std::mem::take(&mut self.terminal);
        *self = *previous;
        self.terminal = terminal;
        true
    }

    /// Whether "Undo" would bring a replaced session back (offered beside the notice).
    pub fn can_undo(&self) -> bool {
        self.previous.is_some()
    }

    /// Drops what "Undo" would bring back: the offer lasts until the learner's next step, as
    /// the notice that makes it does.
    pub fn forget_replaced(&mut self) {
        self.previous = None;
    }

    /// Runs a script line at the cursor; a refusal becomes the notice.
    pub fn run_line(&mut self, line: &str) -> Output {
        let output = self.session.act(line);
        let errors = stderr_text(&output);
        self.notice = (!errors.trim().is_empty()).then(|| Notice {
            text: errors.trim().to_owned(),
            is_error: true,
        });
        self.absorb_events();
        output
    }

    /// Runs a core command through its script line.
    pub fn command(&mut self, command: &Command) -> Output {
        match kplay_cli::record(command) {
            Some(line) => self.run_line(&line),
            None => {
                self.notice = Some(Notice {
                    text: "This action has no script line yet, so it cannot be recorded."
                        .to_owned(),
                    is_error: true,
                });
                Output::new()
            }
        }
    }

    /// Runs a line typed in the terminal and keeps it with its output.
    pub fn run_terminal(&mut self, line: &str) {
        let output = self.run_line(line);
        let stderr = stderr_text(&output);
        let text = output.text();
        // The terminal shows the output itself: no notice above the playground.
        self.notice = None;
        self.counter += 1;
        self.terminal.push_back(TerminalEntry {
            number: self.counter,
            line: line.to_owned(),
            stdout: text.replace(&stderr, ""),
            stderr,
        });
        while self.terminal.len() > MAX_TERMINAL_ENTRIES {
            self.terminal.pop_front();
        }
    }

    /// Runs a block of commands (a lesson's "Run" button): each command as its own terminal
    /// line, in order, so no simulated time passes between them but what a line advances.
    pub fn run_block(&mut self, block: &str) {
        for command in super::terminal::commands_of(block) {
            self.run_terminal(&command);
        }
    }

    /// Sends a record from the producer panel, tracking what becomes of it.
    pub fn send(&mut self, producer: &str, record: kplay_core::NewRecord) {
        self.counter += 1;
        let outcome = SendOutcome {
            number: self.counter,
            producer: producer.to_owned(),
            topic: record.topic.clone(),
            key: record.key.clone(),
            value: record.value.clone().unwrap_or_default(),
            state: SendState::Waiting,
        };
        let refused_before = self.notice.clone();
        self.sends.push_front(outcome);
        while self.sends.len() > MAX_SENDS {
            self.sends.pop_back();
        }
        self.command(&Command::Produce {
            producer: producer.to_owned(),
            record,
        });
        if self.notice != refused_before {
            if let (Some(notice), Some(front)) = (&self.notice, self.sends.front_mut()) {
                if notice.is_error && front.state == SendState::Waiting {
                    front.state = SendState::Failed {
                        error: notice.text.trim_start_matches("Error: ").to_owned(),
                    };
                }
            }
        }
    }

    /// Moves the cursor towards `target_ms` (clamped to the timeline) until it is there or
    /// `out_of_time` says so (see [`Session::seek_within`]); true once it is there. Until then
    /// the seek is unfinished: [`Model::go_on_seeking`] carries it on, and what is derived from
    /// events (dropped where it has not happened yet) waits for its end.
    ///
    /// A session still replaying inputs read back (see [`Session::replaying`]) finishes that
    /// first: its timeline grows meanwhile, and the seek's target is kept as asked.
    fn seek_within(&mut self, target_ms: i64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        if self.session.replay_within(out_of_time)
            && self.session.seek_within(target_ms, out_of_time)
        {
            self.seeking_to = None;
            self.after_time_travel();
            true
        } else {
            self.seeking_to = Some(target_ms);
            false
        }
    }

    /// Starts a seek: restores the nearest snapshot before `target_ms` if it must, and leaves
    /// the replay from there to [`Model::go_on_seeking`], which the caller gives a budget.
    pub fn start_seeking(&mut self, target_ms: i64) {
        self.seek_within(target_ms, &mut || true);
    }

    /// Where an unfinished seek is going (within the timeline).
    pub fn seeking_to(&self) -> Option<i64> {
        let session = &self.session;
        self.seeking_to
            .map(|target| target.clamp(session.base_ms(), session.end_ms()))
    }

    /// A model around a session rebuilt from inputs read back (see [`Session::replaying`]):
    /// its replay to the end is an unfinished seek, which [`Model::go_on_seeking`] carries on.
    pub fn replaying(session: Session) -> Model {
        let mut model = Model::new(session);
        model.start_seeking(i64::MAX);
        model
    }

    /// [`Model::replace_session`] with a session rebuilt from inputs read back, its replay
    /// left to [`Model::go_on_seeking`].
    pub fn replace_with_replaying(&mut self, session: Session) {
        self.replace_session(session);
        self.start_seeking(i64::MAX);
    }

    /// Carries on an unfinished seek; true when none is left.
    pub fn go_on_seeking(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        match self.seeking_to {
            Some(target_ms) => self.seek_within(target_ms, out_of_time),
            None => true,
        }
    }

    /// Finishes an unfinished seek at once: anything else the learner does starts from where
    /// the seek was going.
    pub fn finish_seeking(&mut self) {
        self.go_on_seeking(&mut || false);
    }

    /// Called after the session moved its cursor in any direction.
    pub fn after_time_travel(&mut self) {
        let last = self.session.shell().events().last().map(|event| event.id);
        if last < self.last_event_id {
            self.last_event_id = last;
            let now = self.session.now_ms();
            self.alerts.retain(|alert| Some(alert.event_id) <= last);
            self.lag_history.retain(|sample| sample.at_ms <= now);
        }
        self.absorb_events();
    }

    /// Reads the events not seen yet and updates what is derived from them.
    pub fn absorb_events(&mut self) {
        let events = self.session.shell().events();
        let seen = self.last_event_id;
        if let Some(last) = events.last() {
            self.last_event_id = self.last_event_id.max(Some(last.id));
        }
        // Only the events something here reads are copied out of the session (under load a
        // frame brings thousands, nearly all routine). Event ids grow with time, so the new
        // ones are those at the end above the last id seen.
        let sends_open = self.has_open_sends();
        let mut new: Vec<Event> = events
            .iter()
            .rev()
            .take_while(|event| Some(event.id) > seen)
            .filter(|event| {
                matches!(event.kind, EventKind::Alert { .. })
                    || is_worth_announcing(event)
                    || (sends_open && is_about_sends(event))
            })
            .cloned()
            .collect();
        new.reverse();
        let mut announced = Vec::new();
        for event in &new {
            self.track_send(event);
            if let EventKind::Alert {
                alert,
                partition,
                detail,
                caused_by,
            } = &event.kind
            {
                let cause = caused_by.and_then(|id| {
                    self.session
                        .shell()
                        .events()
                        .iter()
                        .rev()
                        .find(|e| e.id == id)
                        .map(|e| (e.at_ms, e.describe()))
                });
                self.alerts.push(AlertItem {
                    event_id: event.id,
                    at_ms: event.at_ms,
                    kind: alert.clone(),
                    partition: partition.clone(),
                    detail: detail.clone(),
                    caused_by: *caused_by,
                    cause,
                });
            }
            if is_worth_announcing(event) && announced.len() < 4 {
                announced.push(event.describe());
            }
        }
        if self.alerts.len() > MAX_ALERTS {
            let excess = self.alerts.len() - MAX_ALERTS;
            self.alerts.drain(..excess);
        }
        if !announced.is_empty() {
            self.announcement = announced.join(" ");
        }
        self.sample_lag();
    }

    fn track_send(&mut self, event: &Event) {
        match &event.kind {
            EventKind::RecordAccumulated {
                producer,
                partition,
                batch,
                index,
                ..
            } => {
                let Some(name) = self.producer_with_open_sends(*producer) else {
                    return;
                };
                if let Some(send) = self
                    .sends
                    .iter_mut()
                    .rev()
                    .find(|s| s.producer == name && s.state == SendState::Waiting)
                {
                    send.state = SendState::InBatch {
                        partition: partition.clone(),
                        batch: *batch,
                        index: *index,
                    };
                }
            }
            EventKind::ProduceAcknowledged {
                producer,
                partition,
                base_offset,
                batch,
                ..
            } => {
                let Some(name) = self.producer_with_open_sends(*producer) else {
                    return;
                };
                for send in self.sends.iter_mut().filter(|s| s.producer == name) {
                    if let SendState::InBatch {
                        batch: b, index, ..
                    } = &send.state
                    {
                        if b == batch {
                            send.state = SendState::Acked {
                                partition: partition.clone(),
                                offset: (base_offset.0 >= 0)
                                    .then(|| base_offset.0 + i64::from(*index)),
                            };
                        }
                    }
                }
            }
            EventKind::ProduceFailed {
                producer,
                partition,
                batch,
                error,
                ..
            } => {
                let Some(name) = self.producer_with_open_sends(*producer) else {
                    return;
                };
                for send in self.sends.iter_mut().filter(|s| s.producer == name) {
                    let matches = match (&send.state, batch) {
                        (SendState::InBatch { batch: b, .. }, Some(batch)) => b == batch,
                        (SendState::Waiting, None) => send.topic == partition.topic,
                        _ => false,
                    };
                    if matches {
                        send.state = SendState::Failed {
                            error: error.to_string(),
                        };
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether a send from the panel awaits news.
    fn has_open_sends(&self) -> bool {
        self.sends
            .iter()
            .any(|s| matches!(s.state, SendState::Waiting | SendState::InBatch { .. }))
    }

    /// The producer's `client.id` when a panel send awaits news (skips workload traffic fast).
    fn producer_with_open_sends(&self, id: ClientId) -> Option<String> {
        if !self.has_open_sends() {
            return None;
        }
        self.session
            .shell()
            .cluster
            .producer_views()
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| p.name)
    }

    fn sample_lag(&mut self) {
        let now = self.session.now_ms();
        if self
            .lag_history
            .back()
            .is_some_and(|last| now < last.at_ms + LAG_SAMPLE_EVERY_MS)
        {
            return;
        }
        let cluster = &self.session.shell().cluster;
        let lags: Vec<(String, i64)> = cluster
            .group_listings()
            .into_iter()
            .filter(|listing| listing.protocol_type == "consumer")
            .map(|listing| {
                let lag = cluster
                    .group_offsets(&listing.group_id)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|row| row.lag)
                    .sum();
                (listing.group_id, lag)
            })
            .collect();
        if lags.is_empty() {
            return;
        }
        self.lag_history.push_back(LagSample { at_ms: now, lags });
        while self.lag_history.len() > MAX_LAG_SAMPLES {
            self.lag_history.pop_front();
        }
    }
}

/// Events that move a send from the producer panel along.
fn is_about_sends(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::RecordAccumulated { .. }
            | EventKind::ProduceAcknowledged { .. }
            | EventKind::ProduceFailed { .. }
    )
}

/// Events a screen reader is told about: changes a learner should notice.
pub fn is_worth_announcing(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::BrokerStopped { .. }
            | EventKind::BrokerStarted { .. }
            | EventKind::BrokerFenced { .. }
            | EventKind::ControllerElected { .. }
            | EventKind::LeaderElected { .. }
            | EventKind::IsrChanged { .. }
            | EventKind::EligibleLeaderReplicasChanged { .. }
            | EventKind::Reassignment { .. }
            | EventKind::TopicCreated { .. }
            | EventKind::AclsChanged { .. }
            | EventKind::ProduceFailed { .. }
            | EventKind::PartitionsAssigned { .. }
            | EventKind::Alert { .. }
    )
}

#[cfg(test)]
mod tests {
    use kplay_core::{ClusterConfig, NewRecord};

    use super::*;

    const SETUP: &str = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\nkplay producer start producer-1 --producer-property linger.ms=0\n";

    fn model() -> Model {
        Model::new(Session::new(ClusterConfig::default(), 7, SETUP).expect("valid"))
    }

    fn run(model: &mut Model, ms: i64) {
        let target = model.session.now_ms() + ms;
        model.session.advance(target, &mut || false);
        model.absorb_events();
    }

    #[test]
    fn a_sent_record_gets_its_partition_and_offset() {
        let mut model = model();
        model.send(
            "producer-1",
            NewRecord::new("orders", Some("21"), Some("v")),
        );
        run(&mut model, 500);
        let send = model.sends.front().expect("kept");
        assert_eq!(
            send.state,
            SendState::Acked {
                partition: TopicPartition::new("orders", 0),
                offset: Some(0)
            }
        );
    }

    #[test]
    fn a_refused_send_shows_kafkas_error() {
        let mut model = model();
        model.send("nobody", NewRecord::new("orders", Some("k"), Some("v")));
        let send = model.sends.front().expect("kept");
        assert!(matches!(send.state, SendState::Failed { .. }), "{send:?}");
        assert!(model.notice.as_ref().is_some_and(|n| n.is_error));
    }

    #[test]
    fn the_terminal_keeps_what_each_line_printed() {
        let mut model = model();
        model.run_terminal("kafka-topics --bootstrap-server localhost:9092 --list");
        model.run_terminal("kafka-topics --nope");
        let entries: Vec<&TerminalEntry> = model.terminal.iter().collect();
        assert!(entries[0].stdout.contains("orders"));
        assert!(!entries[1].stderr.is_empty());
    }

    #[test]
    fn lag_is_sampled_per_group_and_cut_when_going_back() {
        let mut model = model();
        model.run_line(
            "kplay workload start producer-1 --topic orders --rate 50 --keys 3 --value-bytes 10",
        );
        model.run_line("kplay consumer start c1 --topic orders --group g1 --processing 50ms");
        for _ in 0..10 {
            run(&mut model, 500);
        }
        assert!(model.lag_history.len() >= 5);
        assert!(model.lag_history.iter().all(|s| s.lags[0].0 == "g1"));
        let middle = model.lag_history[3].at_ms;
        model.start_seeking(middle);
        model.finish_seeking();
        assert!(model.lag_history.iter().all(|s| s.at_ms <= middle));
    }
}
