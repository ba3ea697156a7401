//! The shell: a simulated cluster and what the command-line layer remembers about it (the
//! events so far, the names it gave console clients), running scripts line by line.
//!
//! Pure and deterministic: the same cluster, seed and lines give the same output. Kafka's admin
//! tools (`kafka-topics`, `kafka-configs`, ...) take no simulated time, as the controller
//! decides at once, except that with no broker to reach they wait out the admin client's
//! timeout (see [`Shell::admin_call_timed_out`]), and a request for the controller waits for
//! one to be elected (see [`Shell::apply`]); the console producer and consumer
//! run the simulation forward until their work is done (bounded); `kplay time advance` and
//! `sleep` move time explicitly; the other playground verbs act at the current time.

use kplay_core::chunked::ChunkedVec;
use kplay_core::{Cluster, ClusterConfig, Command, ErrorCode, Event, KafkaError};

use crate::error::ParseError;
use crate::output::{Output, Status};
use crate::parser::Invocation;
use crate::registry::SchemaRegistry;
use crate::script::Script;
use crate::tools::console_consumer::THROWAWAY_GROUP_PREFIX;
use crate::{completion, help, kplay, tools};

/// How many events the shell keeps at least for `kplay trace` (up to twice as many).
const KEPT_EVENTS: usize = 20_000;

/// The admin client's `default.api.timeout.ms`: how long a call waits for a broker.
pub const ADMIN_API_TIMEOUT_MS: i64 = 60_000;

/// A session of the command-line layer over one simulated cluster.
#[derive(Debug, Clone)]
pub struct Shell {
    /// The simulated cluster (read its views directly; change it through lines).
    pub cluster: Cluster,
    /// The most recent events, oldest first, shared with the shell's clones (the playground's
    /// timeline keeps a few dozen).
    events: ChunkedVec<Event>,
    /// How many console producers and consumers were started (they are named
    /// `console-producer-1`, `console-consumer-1`, ... since client ids are unique here).
    console_producers: u32,
    console_consumers: u32,
    /// How many throwaway groups console consumers without `--group` joined.
    console_groups: u32,
    /// While [`Shell::run_line_recording`] runs: the commands carried out and their events.
    recording: Option<Recorded>,
    /// The schema registry `curl` reaches (a service beside the cluster, not a Kafka client).
    pub registry: SchemaRegistry,
}

/// What one line did to the cluster (see [`Shell::run_line_recording`]).
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// What it printed.
    pub output: Output,
    /// The core commands the cluster accepted, in order (refused ones are not among them).
    pub commands: Vec<Command>,
    /// Every event of those commands and of the simulated time the line let pass.
    pub events: Vec<Event>,
}

impl Shell {
    /// A shell over an existing cluster.
    pub fn new(cluster: Cluster) -> Shell {
        Shell {
            cluster,
            events: ChunkedVec::new(),
            console_producers: 0,
            console_consumers: 0,
            console_groups: 0,
            recording: None,
            registry: SchemaRegistry::default(),
        }
    }

    /// A shell over a new cluster built from `config` and `seed`.
    pub fn with_config(config: ClusterConfig, seed: u64) -> Result<Shell, KafkaError> {
        Ok(Shell::new(Cluster::new(config, seed)?))
    }

    /// Parses and runs `text` (one line, or several such as a command with its
    /// here-document). A malformed line runs nothing and prints the parse error on standard
    /// error, with [`Status::ParseError`].
    pub fn run_line(&mut self, text: &str) -> Output {
        match Script::parse(text) {
            Ok(script) => self.run_script(&script),
            Err(error) => parse_error_output(&error),
        }
    }

    /// Runs `text` as [`Shell::run_line`] does, and also returns the core commands it carried
    /// out and their events: what a page that keeps its session as a script needs to rebuild
    /// its own state on replay.
    pub fn run_line_recording(&mut self, text: &str) -> Recorded {
        self.recording = Some(Recorded::default());
        let output = self.run_line(text);
        let recorded = self.recording.take().unwrap_or_default();
        Recorded { output, ..recorded }
    }

    /// Runs a parsed script's commands in order.
    pub fn run_script(&mut self, script: &Script) -> Output {
        let mut output = Output::new();
        for step in &script.steps {
            output.append(self.run(&step.invocation));
        }
        output
    }

    /// An admin client's call when no broker is running and reachable: it waits
    /// `default.api.timeout.ms` for one (`KafkaAdminClient` finds no node to send it to) and
    /// fails with its message. `None` when a broker can be reached.
    pub(crate) fn admin_call_timed_out(&mut self, call: &str) -> Option<String> {
        self.admin_call_timed_out_after(call, ADMIN_API_TIMEOUT_MS)
    }

    /// [`Shell::admin_call_timed_out`] for a call made with its own timeout (`withTimeoutMs`,
    /// such as `kafka-consumer-groups --timeout`) rather than `default.api.timeout.ms`.
    pub(crate) fn admin_call_timed_out_after(
        &mut self,
        call: &str,
        timeout_ms: i64,
    ) -> Option<String> {
        if self.cluster.any_broker_reachable() {
            return None;
        }
        self.run_for(timeout_ms.max(0));
        Some(format!(
            "Timed out waiting for a node assignment. Call: {call}"
        ))
    }

    /// A request for the active controller while there is none, with a broker to reach: the
    /// admin client sends it to a broker, which forwards it to the controller once one is
    /// elected (KRaft's forwarding manager queues it; in ZooKeeper mode the client retries
    /// until the metadata names the new controller). A controller elected within
    /// `default.api.timeout.ms` takes the request; otherwise the call fails as
    /// `KafkaAdminClient`'s does. Its first attempt times out after `request.timeout.ms`
    /// (30 s), the connection is closed, and the second, sent 100 ms later
    /// (`retry.backoff.ms`), is cut off at the deadline: `tries=2`, and the next try would
    /// have waited 200 ms (the backoff doubles; Kafka adds up to 20% jitter, not modelled).
    /// With no broker to reach at all, the call finds no node (see
    /// [`Shell::admin_call_timed_out`]).
    pub(crate) fn await_controller(&mut self, call: &str) -> Result<(), KafkaError> {
        if self.cluster.active_controller().is_some() {
            return Ok(());
        }
        if let Some(message) = self.admin_call_timed_out(call) {
            return Err(KafkaError::new(ErrorCode::ClientTimeout, message));
        }
        if self.controller_within(ADMIN_API_TIMEOUT_MS) {
            return Ok(());
        }
        // The call expires on the first millisecond past its deadline.
        self.run_for(1);
        let deadline_clock_ms = self.cluster.clock_ms() - 1;
        let now = self.cluster.clock_ms();
        Err(KafkaError::new(
            ErrorCode::ClientTimeout,
            format!(
                "Call(callName={call}, deadlineMs={deadline_clock_ms}, tries=2, nextAllowedTryMs={}) timed out at {now} after 2 attempt(s)",
                now + 200
            ),
        ))
    }

    /// Runs the simulation until a controller is active, for at most `timeout_ms`; whether one
    /// is.
    pub(crate) fn controller_within(&mut self, timeout_ms: i64) -> bool {
        let deadline_ms = self.cluster.now_ms() + timeout_ms;
        self.run_until_done(deadline_ms, |shell, _| {
            shell.cluster.active_controller().is_some()
        })
    }

    /// Runs one parsed command.
    pub fn run(&mut self, invocation: &Invocation) -> Output {
        match invocation {
            Invocation::Topics(args) => tools::topics::run(self, args),
            Invocation::ConsoleProducer(args) => tools::console_producer::run(self, args),
            Invocation::ConsoleConsumer(args) => tools::console_consumer::run(self, args),
            Invocation::ConsumerGroups(args) => tools::consumer_groups::run(self, args),
            Invocation::Configs(args) => tools::configs::run(self, args),
            Invocation::LeaderElection(args) => tools::leader_election::run(self, args),
            Invocation::ReassignPartitions(args) => tools::reassign_partitions::run(self, args),
            Invocation::Acls(args) => tools::acls::run(self, args),
            Invocation::GetOffsets(args) => tools::get_offsets::run(self, args),
            Invocation::DeleteRecords(args) => tools::delete_records::run(self, args),
            Invocation::Transactions(args) => tools::transactions::run(self, args),
            Invocation::Curl(args) => tools::curl::run(self, args),
            Invocation::Kplay(verb) => kplay::run(self, verb),
            Invocation::Print(text) => {
                let mut output = Output::new();
                output.print(text.clone());
                output
            }
            Invocation::Sleep(ms) => {
                self.run_for(*ms);
                Output::new()
            }
            Invocation::Help(topic) => {
                let mut output = Output::new();
                output.print(help::help(topic.as_deref()));
                output
            }
            Invocation::Version => {
                let mut output = Output::new();
                output.println(help::KAFKA_VERSION);
                output
            }
        }
    }

    /// Completions for `line` with the cursor at byte `cursor`: commands, options, topic,
    /// group, client and config names.
    pub fn complete(&self, line: &str, cursor: usize) -> Vec<String> {
        completion::complete(self, line, cursor)
    }

    /// The help text for a topic (`None`: the overview; `kafka-topics`, `kplay consumer`, ...).
    pub fn help(topic: Option<&str>) -> String {
        help::help(topic)
    }

    /// The most recent events (at least the last 20,000, at most 40,000), oldest first.
    pub fn events(&self) -> &ChunkedVec<Event> {
        &self.events
    }

    /// Forgets the oldest events while at least `keep` remain (a whole chunk at a time).
    pub fn forget_events_keeping(&mut self, keep: usize) {
        self.events.drop_front_keeping(keep);
    }

    /// Carries out a core command, keeping its events. A request for the active controller
    /// first waits for one (see [`Shell::await_controller`]).
    pub fn apply(&mut self, command: Command) -> Result<Vec<Event>, KafkaError> {
        if let Some(call) = command.controller_call() {
            self.await_controller(call)?;
        }
        let events = match &mut self.recording {
            Some(recording) => {
                let events = self.cluster.apply(command.clone())?;
                recording.commands.push(command);
                events
            }
            None => self.cluster.apply(command)?,
        };
        self.keep(&events);
        Ok(events)
    }

    /// Runs the next scheduled occurrence, keeping its events.
    pub fn step(&mut self) -> Vec<Event> {
        let events = self.cluster.step();
        self.keep(&events);
        events
    }

    /// Runs `duration_ms` of simulated time, keeping the events.
    pub fn run_for(&mut self, duration_ms: i64) -> Vec<Event> {
        let events = self.cluster.run_for(duration_ms);
        self.keep(&events);
        events
    }

    /// Runs the simulation one occurrence at a time until `done` says so or simulated time
    /// reaches `deadline_ms`. `done` sees each occurrence's events. Returns whether `done`
    /// stopped it.
    pub fn run_until_done(
        &mut self,
        deadline_ms: i64,
        mut done: impl FnMut(&mut Shell, &[Event]) -> bool,
    ) -> bool {
        if done(self, &[]) {
            return true;
        }
        loop {
            match self.cluster.next_occurrence_ms() {
                Some(at_ms) if at_ms <= deadline_ms => {
                    let events = self.step();
                    if done(self, &events) {
                        return true;
                    }
                }
                _ => {
                    let events = self.cluster.run_until(deadline_ms);
                    self.keep(&events);
                    return done(self, &events);
                }
            }
        }
    }

    fn keep(&mut self, events: &[Event]) {
        if let Some(recording) = &mut self.recording {
            recording.events.extend_from_slice(events);
        }
        self.events.extend_from_slice(events);
        // Trim only once twice the limit is reached: trimming on every step would drop a chunk
        // at a time (a running playground steps thousands of times a second).
        if self.events.len() > 2 * KEPT_EVENTS {
            self.events.drop_front_keeping(KEPT_EVENTS);
        }
    }

    /// The next console producer's `client.id`.
    pub(crate) fn next_console_producer(&mut self) -> String {
        self.console_producers += 1;
        format!("console-producer-{}", self.console_producers)
    }

    /// The next console consumer's `client.id`.
    pub(crate) fn next_console_consumer(&mut self) -> String {
        self.console_consumers += 1;
        format!("console-consumer-{}", self.console_consumers)
    }

    /// The group a console consumer without `--group` joins: `console-consumer-` and a random
    /// number below 100,000, as `ConsoleConsumerOptions` draws it (`RANDOM.nextInt(100000)`).
    pub(crate) fn next_console_group(&mut self) -> String {
        self.console_groups += 1;
        let number = self
            .cluster
            .fork_rng(u64::from(self.console_groups))
            .below(100_000);
        format!("{THROWAWAY_GROUP_PREFIX}{number}")
    }
}

/// A parse error as the shell prints it: `line 3: unknown option ...` on standard error.
pub fn parse_error_output(error: &ParseError) -> Output {
    let mut output = Output::new();
    output.eprintln(error.to_string());
    output.status = Status::ParseError;
    output
}
