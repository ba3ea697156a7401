//! A playground session: a cluster config, a seed, a setup script and the learner's inputs
//! (script lines and simulated time let pass), with a cursor that can be moved back in time.
//!
//! The core is deterministic, so the inputs are the whole state. The shell at the cursor is
//! kept; moving the cursor restores the nearest earlier snapshot (a clone of the shell, taken
//! every few inputs and every few simulated seconds) and replays the recorded inputs from
//! there. Acting while the cursor is in the past discards the recorded future first
//! (Stateright's "a run is a list of actions"; RaftScope's rewind).

use kplay_cli::format::parse_duration_ms;
use kplay_cli::{record_advance, Output, Shell, Stream};
use kplay_core::ClusterConfig;
use std::collections::VecDeque;

/// A session never runs past this much simulated time (replaying it must stay quick).
pub const MAX_SESSION_MS: i64 = 2 * 3_600_000;
/// A session holds at most this many inputs (a URL or a file could claim more).
pub const MAX_INPUTS: usize = 20_000;
/// A snapshot is kept after this many inputs...
const SNAPSHOT_EVERY_INPUTS: usize = 20;
/// ...or this many scheduled occurrences run since the last one, so that rewinding a busy
/// cluster replays little work. Past [`MAX_SNAPSHOTS`], every other one goes and the spacing
/// doubles, so the snapshots stay evenly spread over a long session.
const SNAPSHOT_EVERY_STEPS: u64 = 20_000;
/// At most this many snapshots. A snapshot of the largest preset costs a few MB (its scheduled
/// timers, clients and brokers; the logs and events it shares with the live cluster, see
/// `kplay_core::chunked`).
const MAX_SNAPSHOTS: usize = 24;
/// A snapshot keeps this many of the newest events, and the shell restored from it starts
/// with them: more than the event log's lines and a `kplay trace` need. Each snapshot once
/// kept all of the shell's 20,000 to 40,000 recent events, its own ones as they were taken far
/// apart: on the largest preset after half an hour, 100 MB of the timeline's 290.
const SNAPSHOT_EVENTS: usize = 4_096;

/// One thing the learner did, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A line of the kplay script language, run at the time it was given.
    Line(String),
    /// Simulated time let pass, in ms.
    Advance(i64),
}

impl Input {
    /// A script line as an input: `kplay time advance D` is time, anything else a line to run.
    pub fn from_line(line: &str) -> Input {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["kplay", "time", "advance", duration] = words.as_slice() {
            if let Some(ms) = parse_duration_ms(duration) {
                return Input::Advance(ms);
            }
        }
        Input::Line(line.to_owned())
    }

    /// The input as a script line (`kplay time advance 250ms` for time).
    pub fn script_line(&self) -> String {
        match self {
            Input::Line(line) => line.clone(),
            Input::Advance(ms) => record_advance(*ms),
        }
    }
}

/// A position in the inputs: the first `applied` inputs are done, and `partial_ms` of the next
/// one (an advance) has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Cursor {
    pub applied: usize,
    pub partial_ms: i64,
}

#[derive(Debug, Clone)]
struct Snapshot {
    cursor: Cursor,
    now_ms: i64,
    shell: Shell,
}

/// The session: its definition, its inputs and the shell at the cursor.
#[derive(Debug, Clone)]
pub struct Session {
    config: ClusterConfig,
    seed: u64,
    setup: String,
    setup_errors: String,
    inputs: Vec<Input>,
    /// Simulated time at the start of each input.
    starts_ms: Vec<i64>,
    /// Simulated time after the last input.
    end_ms: i64,
    /// Simulated time after the setup: the start of the timeline.
    base_ms: i64,
    shell: Shell,
    cursor: Cursor,
    snapshots: Vec<Snapshot>,
    steps_since_snapshot: u64,
    /// How many times [`SNAPSHOT_EVERY_INPUTS`] and [`SNAPSHOT_EVERY_STEPS`] apart the next
    /// snapshot is taken: doubled each time the snapshots are thinned out.
    snapshot_spacing: usize,
    /// Inputs read back (a link, a file, the saved session, a new seed) and not run yet: see
    /// [`Session::replaying`].
    queued: VecDeque<Input>,
}

impl Session {
    /// A cluster from `config` and `seed` with `setup` (a script) run on it. Setup lines that
    /// fail are kept as text (see [`Session::setup_errors`]); a bad config is an error.
    pub fn new(config: ClusterConfig, seed: u64, setup: &str) -> Result<Session, String> {
        let mut shell = Shell::with_config(config.clone(), seed).map_err(|e| e.to_string())?;
        let output = shell.run_line(setup);
        let base_ms = shell.cluster.now_ms();
        let snapshot = Snapshot {
            cursor: Cursor::default(),
            now_ms: base_ms,
            shell: shell.clone(),
        };
        Ok(Session {
            config,
            seed,
            setup: setup.to_owned(),
            setup_errors: stderr_text(&output),
            inputs: Vec::new(),
            starts_ms: Vec::new(),
            end_ms: base_ms,
            base_ms,
            shell,
            cursor: Cursor::default(),
            snapshots: vec![snapshot],
            steps_since_snapshot: 0,
            snapshot_spacing: 1,
            queued: VecDeque::new(),
        })
    }

    /// A session rebuilt from its inputs, with the cursor at the end.
    pub fn replay(
        config: ClusterConfig,
        seed: u64,
        setup: &str,
        inputs: Vec<Input>,
    ) -> Result<Session, String> {
        let mut session = Session::replaying(config, seed, setup, inputs)?;
        session.replay_within(&mut || false);
        Ok(session)
    }

    /// A session to be rebuilt from its inputs: they are queued, and
    /// [`Session::replay_within`] runs them, as they were given, over as many calls as it
    /// takes. An hour of the largest preset takes seconds to replay, which a page opening a
    /// link or a saved session spreads over frames instead of showing nothing meanwhile.
    ///
    /// The inputs are checked first: their count, and their time against the session's limit.
    /// A console tool's line lets time pass until it is done, so a new seed can make a session
    /// run a little longer than its recorded time says: time past the limit is then dropped,
    /// as playing stops there.
    pub fn replaying(
        config: ClusterConfig,
        seed: u64,
        setup: &str,
        inputs: Vec<Input>,
    ) -> Result<Session, String> {
        if inputs.len() > MAX_INPUTS {
            return Err(format!(
                "it has {} actions, more than the {MAX_INPUTS} a session may hold",
                inputs.len()
            ));
        }
        let mut time_ms = 0i64;
        for input in &inputs {
            if let Input::Advance(ms) = input {
                time_ms = time_ms.saturating_add(*ms);
                if *ms < 0 || time_ms > MAX_SESSION_MS {
                    return Err(format!(
                        "it runs longer than the {} hours of simulated time a session may hold",
                        MAX_SESSION_MS / 3_600_000
                    ));
                }
            }
        }
        let mut session = Session::new(config, seed, setup)?;
        session.queued = inputs.into();
        Ok(session)
    }

    /// Runs the queued inputs (see [`Session::replaying`]) until none is left or `out_of_time`
    /// says so; true once none is left. An advance may stop part way, at a time boundary.
    pub fn replay_within(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        while let Some(input) = self.queued.pop_front() {
            match input {
                Input::Line(line) => {
                    self.act(&line);
                }
                Input::Advance(ms) => {
                    let limit = self.base_ms + MAX_SESSION_MS;
                    let target = self.now_ms().saturating_add(ms).min(limit);
                    self.advance(target, out_of_time);
                    let left = target - self.now_ms();
                    if left > 0 {
                        self.queued.push_front(Input::Advance(left));
                        return false;
                    }
                }
            }
            if !self.queued.is_empty() && out_of_time() {
                return false;
            }
        }
        true
    }

    /// Whether inputs read back are still queued (see [`Session::replaying`]).
    pub fn is_replaying(&self) -> bool {
        !self.queued.is_empty()
    }

    /// The session's inputs with those still queued: what saving or sharing it must keep.
    pub fn all_inputs(&self) -> Vec<Input> {
        self.inputs.iter().chain(&self.queued).cloned().collect()
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn setup(&self) -> &str {
        &self.setup
    }

    /// What the setup script printed on standard error (empty when every line worked).
    pub fn setup_errors(&self) -> &str {
        &self.setup_errors
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    /// When each input started, in simulated ms.
    pub fn input_starts_ms(&self) -> &[i64] {
        &self.starts_ms
    }

    /// The shell at the cursor.
    pub fn shell(&self) -> &Shell {
        &self.shell
    }

    pub fn now_ms(&self) -> i64 {
        self.shell.cluster.now_ms()
    }

    /// The start of the timeline (after the setup).
    pub fn base_ms(&self) -> i64 {
        self.base_ms
    }

    /// The end of the recorded timeline.
    pub fn end_ms(&self) -> i64 {
        self.end_ms
    }

    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// Whether the cursor is at the end of the recorded inputs (acting appends).
    pub fn is_live(&self) -> bool {
        self.cursor.applied >= self.inputs.len()
    }

    /// Whether the session may run further.
    pub fn has_time_left(&self) -> bool {
        self.now_ms() < self.base_ms + MAX_SESSION_MS
    }

    /// Runs a script line at the cursor, first discarding the recorded future.
    ///
    /// A line that lets time pass is kept as the time it ran, as a script read back keeps it,
    /// so the timeline can stop inside it.
    pub fn act(&mut self, line: &str) -> Output {
        self.discard_future();
        let start_ms = self.now_ms();
        let output = self.shell.run_line(line);
        let ran_ms = self.now_ms() - start_ms;
        let input = match Input::from_line(line) {
            Input::Advance(_) if ran_ms > 0 => Input::Advance(ran_ms),
            _ => Input::Line(line.to_owned()),
        };
        self.starts_ms.push(start_ms);
        self.inputs.push(input);
        self.cursor = Cursor {
            applied: self.inputs.len(),
            partial_ms: 0,
        };
        self.end_ms = self.now_ms();
        self.maybe_snapshot();
        output
    }

    /// Moves simulated time towards `target_ms`: live, it runs the cluster and records the
    /// time; in the past, it follows the recorded inputs. Stops early (at a time boundary, so
    /// the recording stays exact) when `out_of_time` says the frame's budget is spent.
    pub fn advance(&mut self, target_ms: i64, out_of_time: &mut dyn FnMut() -> bool) {
        self.run_towards(target_ms, out_of_time, true);
    }

    /// [`Session::advance`], taking the snapshots that fall due on the way or not.
    fn run_towards(
        &mut self,
        target_ms: i64,
        out_of_time: &mut dyn FnMut() -> bool,
        snapshots: bool,
    ) {
        let target_ms = target_ms.min(self.base_ms + MAX_SESSION_MS);
        while self.now_ms() < target_ms {
            if self.is_live() {
                self.advance_live(target_ms, out_of_time, snapshots);
                return;
            }
            if !self.follow_one(target_ms, out_of_time, snapshots) {
                return;
            }
        }
    }

    /// Plays on towards `target_ms` as [`Session::advance`] does, for one frame of the page. A
    /// snapshot that falls due meanwhile is not taken at the end of the run, on top of a frame
    /// whose budget is spent (a copy of the largest preset takes 1.5 to 3.5 ms, and those copies
    /// made a fifth of the frames over 8 ms), but at the start of a later call whose frame has
    /// `room` for it, inside that frame's budget: `out_of_time` is asked after it.
    pub fn play(&mut self, target_ms: i64, room: bool, out_of_time: &mut dyn FnMut() -> bool) {
        if room {
            self.maybe_snapshot();
        }
        self.run_towards(target_ms, out_of_time, false);
    }

    /// Runs everything due at the next scheduled time, and nothing more.
    pub fn step(&mut self) {
        let next = match self.next_recorded_time() {
            Some(time) => Some(time),
            None => self.shell.cluster.next_occurrence_ms(),
        };
        if let Some(next) = next {
            self.advance(next.max(self.now_ms() + 1), &mut || false);
        }
    }

    /// Moves the cursor to `target_ms` (clamped to the recorded timeline).
    pub fn seek(&mut self, target_ms: i64) {
        self.seek_within(target_ms, &mut || false);
    }

    /// Moves the cursor towards `target_ms` (clamped to the recorded timeline) until it is
    /// there or `out_of_time` says so; true once it is there. Called again with the same
    /// target, it goes on from where it stopped: a scrub through a long session replays up to
    /// a snapshot's spacing of simulated time (on the largest preset, a second or more), so the
    /// playground spreads that over frames instead of freezing the page.
    pub fn seek_within(&mut self, target_ms: i64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let target_ms = target_ms.clamp(self.base_ms, self.end_ms);
        if target_ms < self.now_ms() || !self.can_reach_by_following(target_ms) {
            let snapshot = self
                .snapshots
                .iter()
                .rev()
                .find(|snapshot| snapshot.now_ms <= target_ms)
                .or(self.snapshots.first());
            if let Some(snapshot) = snapshot {
                self.shell = snapshot.shell.clone();
                self.cursor = self.settled(snapshot.cursor);
                self.steps_since_snapshot = 0;
            }
        }
        // Lines given at exactly the target time are part of that moment.
        while !self.is_live() {
            let start = self.starts_ms[self.cursor.applied];
            match &self.inputs[self.cursor.applied] {
                Input::Line(_) if start <= target_ms => {
                    self.follow_one(target_ms, out_of_time, true);
                }
                Input::Advance(_) if self.now_ms() < target_ms => {
                    if !self.follow_one(target_ms, out_of_time, true) {
                        return false;
                    }
                }
                _ => break,
            }
        }
        true
    }

    /// The recorded inputs as script lines, merged where the recorder would merge them.
    pub fn script_lines(&self) -> Vec<String> {
        self.inputs.iter().map(Input::script_line).collect()
    }

    fn can_reach_by_following(&self, target_ms: i64) -> bool {
        // Following from here is cheaper than restoring when no snapshot lies in between.
        let next_snapshot = self
            .snapshots
            .iter()
            .find(|snapshot| snapshot.cursor > self.cursor);
        next_snapshot.is_none_or(|snapshot| snapshot.now_ms > target_ms)
    }

    fn next_recorded_time(&self) -> Option<i64> {
        if self.is_live() {
            return None;
        }
        match self.inputs[self.cursor.applied] {
            Input::Line(_) => Some(self.now_ms()),
            Input::Advance(_) => {
                let end = self
                    .starts_ms
                    .get(self.cursor.applied + 1)
                    .copied()
                    .unwrap_or(self.end_ms);
                let next = self.shell.cluster.next_occurrence_ms().unwrap_or(end);
                Some(next.min(end))
            }
        }
    }

    /// Runs the live cluster towards `target_ms` and records the time as an advance, then takes
    /// a snapshot if one is due and `snapshots` says so.
    fn advance_live(
        &mut self,
        target_ms: i64,
        out_of_time: &mut dyn FnMut() -> bool,
        snapshots: bool,
    ) {
        let start = self.now_ms();
        self.steps_since_snapshot += run_bounded(&mut self.shell, target_ms, out_of_time);
        let ran = self.now_ms() - start;
        if ran <= 0 {
            return;
        }
        let at_end = self.cursor.applied == self.inputs.len();
        match self.inputs.last_mut() {
            Some(Input::Advance(ms)) if at_end => *ms += ran,
            _ => {
                self.starts_ms.push(start);
                self.inputs.push(Input::Advance(ran));
                self.cursor.applied = self.inputs.len();
            }
        }
        self.end_ms = self.now_ms();
        if snapshots {
            self.maybe_snapshot();
        }
    }

    /// Follows the next recorded input (or part of it, up to `target_ms`), then takes a snapshot
    /// if one is due and `snapshots` says so. False when the budget ran out.
    fn follow_one(
        &mut self,
        target_ms: i64,
        out_of_time: &mut dyn FnMut() -> bool,
        snapshots: bool,
    ) -> bool {
        let index = self.cursor.applied;
        match self.inputs[index].clone() {
            Input::Line(line) => {
                self.shell.run_line(&line);
                self.cursor = Cursor {
                    applied: index + 1,
                    partial_ms: 0,
                };
            }
            Input::Advance(ms) => {
                let start = self.starts_ms[index];
                let end = start + ms;
                let goal = end.min(target_ms);
                self.steps_since_snapshot += run_bounded(&mut self.shell, goal, out_of_time);
                let now = self.now_ms();
                self.cursor = if now >= end {
                    Cursor {
                        applied: index + 1,
                        partial_ms: 0,
                    }
                } else {
                    Cursor {
                        applied: index,
                        partial_ms: now - start,
                    }
                };
                if now < goal {
                    if snapshots {
                        self.maybe_snapshot();
                    }
                    return false;
                }
            }
        }
        if snapshots {
            self.maybe_snapshot();
        }
        true
    }

    fn discard_future(&mut self) {
        if self.is_live() {
            return;
        }
        let Cursor {
            applied,
            partial_ms,
        } = self.cursor;
        let keep = if partial_ms > 0 {
            self.inputs[applied] = Input::Advance(partial_ms);
            applied + 1
        } else {
            applied
        };
        self.inputs.truncate(keep);
        self.starts_ms.truncate(keep);
        self.cursor = Cursor {
            applied: keep,
            partial_ms: 0,
        };
        self.end_ms = self.now_ms();
        let cursor = self.cursor;
        let now = self.now_ms();
        self.snapshots
            .retain(|snapshot| snapshot.cursor <= cursor && snapshot.now_ms <= now);
    }

    fn maybe_snapshot(&mut self) {
        let Some(last) = self.snapshots.last() else {
            return;
        };
        let cursor = self.snapshot_cursor();
        if cursor <= last.cursor {
            return;
        }
        let spacing = self.snapshot_spacing;
        let enough_inputs =
            self.cursor.applied >= last.cursor.applied + SNAPSHOT_EVERY_INPUTS * spacing;
        let enough_work = self.steps_since_snapshot >= SNAPSHOT_EVERY_STEPS * spacing as u64;
        if !(enough_inputs || enough_work) {
            return;
        }
        self.steps_since_snapshot = 0;
        let mut shell = self.shell.clone();
        shell.forget_events_keeping(SNAPSHOT_EVENTS);
        self.snapshots.push(Snapshot {
            cursor,
            now_ms: self.now_ms(),
            shell,
        });
        if self.snapshots.len() > MAX_SNAPSHOTS {
            // Keep every other one from the first (the newest too, as their count is odd here),
            // and take the next ones twice as far apart, so they stay evenly spread.
            let mut index = 0;
            self.snapshots.retain(|_| {
                index += 1;
                index % 2 == 1
            });
            self.snapshot_spacing *= 2;
        }
    }

    /// The cursor as a snapshot keeps it. At the end of the inputs, after an advance, it is the
    /// end of that advance rather than "after it": playing on lengthens the last advance, and
    /// "after it" would then mean a later time than the snapshot's.
    fn snapshot_cursor(&self) -> Cursor {
        let Cursor {
            applied,
            partial_ms,
        } = self.cursor;
        match applied
            .checked_sub(1)
            .map(|last| (last, &self.inputs[last]))
        {
            Some((last, Input::Advance(ms))) if applied == self.inputs.len() && partial_ms == 0 => {
                Cursor {
                    applied: last,
                    partial_ms: *ms,
                }
            }
            _ => self.cursor,
        }
    }

    /// `cursor` with an advance run to its end counted as applied, as following it leaves it.
    fn settled(&self, cursor: Cursor) -> Cursor {
        match self.inputs.get(cursor.applied) {
            Some(Input::Advance(ms)) if cursor.partial_ms > 0 && cursor.partial_ms >= *ms => {
                Cursor {
                    applied: cursor.applied + 1,
                    partial_ms: 0,
                }
            }
            _ => cursor,
        }
    }

    /// How many snapshots are kept (for tests and the debug table).
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }
}

/// What an output printed on standard error.
pub fn stderr_text(output: &Output) -> String {
    output
        .chunks
        .iter()
        .filter(|(stream, _)| *stream == Stream::Stderr)
        .map(|(_, text)| text.as_str())
        .collect()
}

/// Runs `shell` up to `target_ms`, one scheduled time at a time, stopping early at a time
/// boundary when `out_of_time` says so, and returns how many occurrences ran. Running every
/// occurrence of a time before stopping keeps a later `run_for` over the same span identical.
fn run_bounded(shell: &mut Shell, target_ms: i64, out_of_time: &mut dyn FnMut() -> bool) -> u64 {
    let mut steps = 0u64;
    loop {
        let now = shell.cluster.now_ms();
        match shell.cluster.next_occurrence_ms() {
            // The budget is looked at before every new simulated time: the largest cluster
            // runs many occurrences per simulated ms, so looking only every few times overran
            // the frame's budget, and a look costs well under a microsecond.
            Some(at) if at <= target_ms => {
                if at > now && out_of_time() {
                    return steps;
                }
                shell.step();
                steps += 1;
            }
            _ => {
                if target_ms > now {
                    shell.run_for(target_ms - now);
                }
                return steps;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETUP: &str = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\nkplay producer start p1 --producer-property linger.ms=0\n";

    fn session() -> Session {
        Session::new(ClusterConfig::default(), 7, SETUP).expect("valid")
    }

    fn fingerprint(session: &Session) -> String {
        format!(
            "{:?}{:?}",
            session.shell().cluster.view(),
            session.shell().cluster.consumer_views()
        )
    }

    /// A busy session before and after `frames` frames of `frame_ms` of live play: the time
    /// merges into one advance that keeps growing, with snapshots taken inside it.
    fn long_play(frames: i64, frame_ms: i64) -> (Session, Session) {
        let mut session = session();
        session.act("kplay workload start p1 --topic orders --rate 400 --keys 20 --value-bytes 10");
        let before = session.clone();
        let start = session.now_ms();
        for frame in 1..=frames {
            session.advance(start + frame * frame_ms, &mut || false);
        }
        (before, session)
    }

    #[test]
    fn the_setup_runs_and_its_errors_are_kept() {
        let session = session();
        assert!(session.shell().cluster.topic_view("orders").is_some());
        assert_eq!(session.setup_errors(), "");
        let broken = Session::new(ClusterConfig::default(), 7, "kplay broker stop 42\n")
            .expect("valid config");
        assert!(
            broken.setup_errors().contains("BROKER_NOT_AVAILABLE"),
            "{}",
            broken.setup_errors()
        );
    }

    #[test]
    fn advancing_live_records_one_merged_advance() {
        let mut session = session();
        let start = session.now_ms();
        session.advance(start + 100, &mut || false);
        session.advance(start + 250, &mut || false);
        assert_eq!(session.inputs(), &[Input::Advance(250)]);
        assert_eq!(session.end_ms(), start + 250);
        assert!(session.is_live());
    }

    #[test]
    fn while_playing_a_due_snapshot_waits_for_a_frame_with_room() {
        let mut session = session();
        session.act("kplay workload start p1 --topic orders --rate 400 --keys 20 --value-bytes 10");
        let mut straight = session.clone();
        let start = session.now_ms();
        let before = session.snapshot_count();
        let mut at = start;
        // Frames without room: whatever falls due waits.
        while session.steps_since_snapshot < SNAPSHOT_EVERY_STEPS && at < start + 600_000 {
            at += 200;
            session.play(at, false, &mut || false);
        }
        assert!(
            session.steps_since_snapshot >= SNAPSHOT_EVERY_STEPS,
            "a snapshot fell due"
        );
        assert_eq!(session.snapshot_count(), before, "it waited");
        // A frame with room takes it first, inside its budget: before any time runs.
        let now = session.now_ms();
        session.play(at + 200, true, &mut || true);
        assert_eq!(session.snapshot_count(), before + 1);
        assert_eq!(
            session.now_ms(),
            now,
            "no time left in the frame after the snapshot"
        );
        assert_eq!(session.snapshots.last().map(|s| s.now_ms), Some(now));
        // Waiting changed no state: played and advanced straight give the same cluster.
        session.play(at + 400, true, &mut || false);
        straight.advance(at + 400, &mut || false);
        assert_eq!(fingerprint(&session), fingerprint(&straight));
        for time in [start + 100, now, at + 300] {
            session.seek(time);
            straight.seek(time);
            assert_eq!(fingerprint(&session), fingerprint(&straight), "at {time}");
        }
    }

    #[test]
    fn a_budget_stop_still_replays_exactly() {
        let mut live = session();
        live.act("kplay workload start p1 --topic orders --rate 100 --keys 5 --value-bytes 10");
        let start = live.now_ms();
        let mut calls = 0;
        // Run out of budget on every third check.
        for goal in (1..=20).map(|i| start + i * 137) {
            live.advance(goal, &mut || {
                calls += 1;
                calls % 3 == 0
            });
        }
        let replayed = Session::replay(ClusterConfig::default(), 7, SETUP, live.inputs().to_vec())
            .expect("replays");
        assert_eq!(fingerprint(&replayed), fingerprint(&live));
        assert_eq!(replayed.now_ms(), live.now_ms());
    }

    #[test]
    fn seeking_back_and_forth_gives_the_same_states() {
        let mut session = session();
        session.act("kplay workload start p1 --topic orders --rate 50 --keys 5 --value-bytes 10");
        let start = session.now_ms();
        let mut states = Vec::new();
        for i in 1..=12 {
            session.advance(start + i * 1_000, &mut || false);
            if i == 6 {
                session.act("kplay broker stop 2");
            }
            states.push((session.now_ms(), fingerprint(&session)));
        }
        for (time, state) in states.iter().rev().chain(states.iter()) {
            session.seek(*time);
            assert_eq!(session.now_ms(), *time);
            assert_eq!(&fingerprint(&session), state, "at {time}");
        }
    }

    #[test]
    fn seeking_inside_a_long_play_lands_where_asked() {
        // Each snapshot taken inside the growing advance must stay where it was taken.
        let (played, mut session) = long_play(600, 100);
        let start = played.now_ms();
        assert_eq!(session.inputs().len(), 2, "{:?}", session.inputs());
        assert!(session.snapshot_count() > 3, "{}", session.snapshot_count());
        for target in [
            start + 45_000,
            start + 12_345,
            start + 59_999,
            start + 30_000,
        ] {
            session.seek(target);
            assert_eq!(session.now_ms(), target);
            assert!(!session.is_live());
            let mut straight = played.clone();
            straight.advance(target, &mut || false);
            assert_eq!(fingerprint(&session), fingerprint(&straight), "at {target}");
        }
        session.seek(start + 60_000);
        assert!(session.is_live());
    }

    /// A budget that runs out on every `every`-th look: slices of a seek, without a clock.
    fn slices_of(every: u32) -> impl FnMut() -> bool {
        let mut looks = 0u32;
        move || {
            looks += 1;
            looks % every == 0
        }
    }

    #[test]
    fn a_seek_in_slices_lands_where_one_seek_does() {
        let (played, mut session) = long_play(600, 100);
        let start = played.now_ms();
        let target = start + 47_000;
        let mut out_of_time = slices_of(200);
        let mut slices = 1;
        while !session.seek_within(target, &mut out_of_time) {
            slices += 1;
            assert!(session.now_ms() < target);
        }
        assert!(slices > 3, "{slices} slices");
        assert_eq!(session.now_ms(), target);
        let mut straight = played.clone();
        straight.advance(target, &mut || false);
        assert_eq!(fingerprint(&session), fingerprint(&straight));
    }

    #[test]
    fn an_unfinished_seek_can_change_its_target() {
        let (played, mut session) = long_play(600, 100);
        let start = played.now_ms();
        let mut out_of_time = slices_of(200);
        assert!(!session.seek_within(start + 40_000, &mut out_of_time));
        let halfway = session.now_ms();
        // Back before where the first seek got to, then forward past it.
        for target in [halfway - 1_000, start + 52_000] {
            while !session.seek_within(target, &mut out_of_time) {}
            assert_eq!(session.now_ms(), target);
            let mut straight = played.clone();
            straight.advance(target, &mut || false);
            assert_eq!(fingerprint(&session), fingerprint(&straight), "at {target}");
        }
    }

    #[test]
    fn snapshots_keep_only_the_newest_events_and_a_seek_shows_the_same_ones() {
        let (played, mut session) = long_play(600, 100);
        let most = SNAPSHOT_EVENTS + kplay_core::chunked::CHUNK;
        assert!(session.shell().events().len() > most);
        assert!(session
            .snapshots
            .iter()
            .all(|snapshot| snapshot.shell.events().len() < most));
        let target = played.now_ms() + 33_333;
        session.seek(target);
        let mut straight = played.clone();
        straight.advance(target, &mut || false);
        let newest = |session: &Session| -> Vec<u64> {
            let events = session.shell().events().iter().rev();
            events.take(SNAPSHOT_EVENTS).map(|event| event.id).collect()
        };
        assert_eq!(newest(&session).len(), SNAPSHOT_EVENTS);
        assert_eq!(newest(&session), newest(&straight));
    }

    #[test]
    fn snapshots_stay_evenly_spread_over_a_long_play() {
        let (_, session) = long_play(1_200, 500);
        assert!(
            session.snapshot_spacing >= 4,
            "{}",
            session.snapshot_spacing
        );
        assert!(session.snapshot_count() <= MAX_SNAPSHOTS);
        let times: Vec<i64> = session.snapshots.iter().map(|s| s.now_ms).collect();
        // The gaps from the first play snapshot on (the first one is the setup's).
        let gaps: Vec<i64> = times[1..].windows(2).map(|w| w[1] - w[0]).collect();
        let (least, most) = (gaps.iter().min(), gaps.iter().max());
        assert!(
            most <= least.map(|least| least * 2 + 1_000).as_ref(),
            "uneven snapshots at {times:?}"
        );
        let last = times.last().copied().unwrap_or_default();
        assert!(session.now_ms() - last <= most.copied().unwrap_or_default() * 2);
    }

    #[test]
    fn seeking_into_a_time_advance_line_stops_at_that_moment() {
        let mut session = session();
        session.act("kplay workload start p1 --topic orders --rate 50 --keys 5 --value-bytes 10");
        let start = session.now_ms();
        let mut played = session.clone();
        session.act("kplay time advance 40s");
        assert_eq!(session.now_ms(), start + 40_000);

        session.seek(start + 15_000);
        assert_eq!(session.now_ms(), start + 15_000);
        played.advance(start + 15_000, &mut || false);
        assert_eq!(fingerprint(&session), fingerprint(&played));
        assert_eq!(
            session.script_lines().last().map(String::as_str),
            Some("kplay time advance 40s")
        );
    }

    #[test]
    fn acting_in_the_past_discards_the_old_future() {
        let mut session = session();
        let start = session.now_ms();
        session.advance(start + 2_000, &mut || false);
        session.act("kplay broker stop 3");
        session.advance(start + 4_000, &mut || false);
        session.seek(start + 1_000);
        assert!(!session.is_live());
        session.act("kplay broker stop 1");
        assert!(session.is_live());
        assert_eq!(
            session.inputs(),
            &[
                Input::Advance(1_000),
                Input::Line("kplay broker stop 1".to_owned())
            ]
        );
        assert_eq!(session.end_ms(), start + 1_000);
    }

    #[test]
    fn playing_in_the_past_follows_the_recorded_future() {
        let mut session = session();
        let start = session.now_ms();
        session.advance(start + 1_000, &mut || false);
        session.act("kplay broker stop 3");
        session.advance(start + 3_000, &mut || false);
        let end_state = fingerprint(&session);
        session.seek(start + 500);
        session.advance(start + 3_000, &mut || false);
        assert!(session.is_live());
        assert_eq!(fingerprint(&session), end_state);
        assert_eq!(session.inputs().len(), 3);
    }

    #[test]
    fn a_step_runs_one_scheduled_time() {
        let mut session = session();
        let before = session.now_ms();
        let next = session
            .shell()
            .cluster
            .next_occurrence_ms()
            .expect("heartbeats");
        session.step();
        assert_eq!(session.now_ms(), next.max(before + 1));
    }

    #[test]
    fn a_replay_spread_over_many_calls_rebuilds_the_same_session() {
        let mut live = session();
        live.act("kplay workload start p1 --topic orders --rate 200 --keys 5 --value-bytes 10");
        let start = live.now_ms();
        live.advance(start + 4_000, &mut || false);
        live.act("kplay broker stop 2");
        live.advance(start + 9_000, &mut || false);
        live.act("kplay broker start 2");
        live.advance(start + 15_000, &mut || false);

        let mut replaying =
            Session::replaying(ClusterConfig::default(), 7, SETUP, live.inputs().to_vec())
                .expect("valid");
        let mut calls = 0;
        let mut checks = 0;
        while !replaying.replay_within(&mut || {
            checks += 1;
            checks % 50 == 0
        }) {
            calls += 1;
            // Saving half way keeps every input: what has run and what is still queued.
            assert_eq!(merged(&replaying.all_inputs()), merged(live.inputs()));
            assert!(replaying.is_replaying());
        }
        assert!(calls > 10, "the replay took {calls} calls");
        assert!(!replaying.is_replaying());
        assert_eq!(replaying.inputs(), live.inputs());
        assert_eq!(replaying.end_ms(), live.end_ms());
        assert_eq!(fingerprint(&replaying), fingerprint(&live));
    }

    /// Inputs with neighbouring advances added up, as acting records them.
    fn merged(inputs: &[Input]) -> Vec<Input> {
        let mut out: Vec<Input> = Vec::new();
        for input in inputs {
            match (out.last_mut(), input) {
                (Some(Input::Advance(total)), Input::Advance(ms)) => *total += ms,
                _ => out.push(input.clone()),
            }
        }
        out
    }

    #[test]
    fn a_replay_refuses_what_a_session_may_not_hold_before_running_anything() {
        let halves = vec![Input::Advance(MAX_SESSION_MS / 2 + 1); 2];
        let error = Session::replaying(ClusterConfig::default(), 7, "", halves).unwrap_err();
        assert!(error.contains("hours"), "{error}");
        let too_many = vec![Input::Line("kplay time".to_owned()); MAX_INPUTS + 1];
        let error = Session::replaying(ClusterConfig::default(), 7, "", too_many).unwrap_err();
        assert!(error.contains("actions"), "{error}");
    }

    #[test]
    fn replay_refuses_too_much_time() {
        let error = Session::replay(
            ClusterConfig::default(),
            7,
            "",
            vec![Input::Advance(MAX_SESSION_MS + 1)],
        )
        .unwrap_err();
        assert!(error.contains("hours"), "{error}");
    }
}
