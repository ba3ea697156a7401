//! What the learner asks the playground for, and how each request changes the [`Model`]
//! (Crux's `update(event, &mut model)`): plain Rust, tested natively. What only the browser
//! can do (start the frame loop, open the help) comes back as an [`Effect`].

use kplay_core::kinds::AssignorKind;
use kplay_core::{BrokerId, Command, NewRecord, TopicPartition, Workload};

use super::failures::{broker_command, kill_leader_command, BrokerAction};
use super::groups_panel::{add_member_command, next_member_name, CommitChoice};
use super::model::{Model, Notice};
use super::producer_panel::{next_producer_name, panel_producer};
use super::session::Session;
use super::share;

/// One request from the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    TogglePlay,
    Pause,
    /// Run what is due at the next scheduled moment.
    Step,
    /// Let this much simulated time pass at once.
    Skip(i64),
    SetSpeed(i32),
    /// Move the timeline's cursor (clamped to the recording).
    Seek(i64),
    /// Replay the same actions with another seed.
    SetSeed(u64),
    /// Back to the starting point.
    Reset,
    /// Bring back the session that a reset, a new seed or an import replaced.
    Undo,
    /// A line typed in the terminal.
    Terminal(String),
    /// A block of commands from a lesson's "Run" button: run with the clock paused, one
    /// terminal line per command, then shown.
    RunBlock(String),
    /// Send a record from this producer.
    Send(String, NewRecord),
    /// Start a new producer with these configs.
    StartProducer(Vec<(String, String)>),
    StartWorkload {
        topic: String,
        rate: i64,
    },
    StopWorkload,
    AddConsumer {
        group: String,
        topic: String,
        assignor: AssignorKind,
        commits: CommitChoice,
    },
    RemoveConsumer(String),
    CrashConsumer(String),
    Broker(BrokerId, BrokerAction),
    KillLeader(TopicPartition),
    SelectPartition(TopicPartition),
    ShowReplica(BrokerId),
    /// Show an event in the log and go back to its moment.
    ShowEvent {
        id: u64,
        at_ms: i64,
    },
    /// Something the form refused before anything was sent.
    Refuse(String),
    /// A script file's text.
    Import(String),
    ToggleHelp,
}

/// What the page must do after an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    TogglePlay,
    Pause,
    SetSpeed(i32),
    ToggleHelp,
    /// Pause, and bring the terminal's newest output into view.
    PauseAndShowOutput,
}

/// Carries out `intent` on the model.
pub fn update(model: &mut Model, intent: Intent) -> Effect {
    if intent != Intent::Undo {
        model.forget_replaced();
    }
    match intent {
        // These leave an unfinished seek to the frames that carry it on (a new target
        // replaces the old one; play starts when it arrives); a reset and an undo replace the
        // session and its seek with it (one kept for the undo goes on when it comes back);
        // anything else starts from where the seek was going.
        Intent::Seek(_)
        | Intent::TogglePlay
        | Intent::Pause
        | Intent::ShowEvent { .. }
        | Intent::SetSpeed(_)
        | Intent::ToggleHelp
        | Intent::Reset
        | Intent::Undo => {}
        _ => model.finish_seeking(),
    }
    match intent {
        Intent::TogglePlay => return Effect::TogglePlay,
        Intent::Pause => return Effect::Pause,
        Intent::SetSpeed(step) => return Effect::SetSpeed(step),
        Intent::ToggleHelp => return Effect::ToggleHelp,
        Intent::Step => {
            model.session.step();
            model.absorb_events();
            return Effect::Pause;
        }
        Intent::Skip(ms) => {
            let target = model.session.now_ms() + ms;
            model.session.advance(target, &mut || false);
            model.absorb_events();
        }
        Intent::Seek(ms) => {
            model.start_seeking(ms);
            return Effect::Pause;
        }
        Intent::ShowEvent { id, at_ms } => {
            model.highlighted_event = Some(id);
            model.start_seeking(at_ms);
            return Effect::Pause;
        }
        Intent::SetSeed(seed) => {
            let session = &model.session;
            match Session::replaying(
                session.config().clone(),
                seed,
                session.setup(),
                session.inputs().to_vec(),
            ) {
                Ok(session) => {
                    model.replace_with_replaying(session);
                    info(
                        model,
                        format!("Your actions are replayed with seed {seed}."),
                    );
                }
                Err(error) => refuse(model, format!("The seed could not be changed: {error}.")),
            }
        }
        // The session's own starting point (a shared session may start elsewhere than the page).
        Intent::Reset => match Session::new(
            model.session.config().clone(),
            model.session.seed(),
            model.session.setup(),
        ) {
            Ok(session) => {
                model.replace_session(session);
                info(model, "Back to the starting point.".to_owned());
            }
            Err(error) => refuse(model, error),
        },
        Intent::Undo => {
            if model.undo_replace() {
                info(model, "Undone: your session is back as it was.".to_owned());
            }
        }
        Intent::Import(text) => {
            match share::from_script(&text).and_then(share::SessionText::replaying) {
                Ok(session) => {
                    model.replace_with_replaying(session);
                    info(
                        model,
                        "The script was imported: its actions are replayed.".to_owned(),
                    );
                }
                Err(error) => refuse(model, format!("The script could not be imported: {error}.")),
            }
        }
        Intent::Terminal(line) => model.run_terminal(&line),
        Intent::RunBlock(block) => {
            model.run_block(&block);
            return Effect::PauseAndShowOutput;
        }
        Intent::Send(producer, record) => model.send(&producer, record),
        Intent::StartProducer(configs) => {
            let name = next_producer_name(&model.session.shell().cluster);
            model.command(&Command::CreateProducer { name, configs });
        }
        Intent::StartWorkload { topic, rate } => {
            let producer = panel_producer(&model.session.shell().cluster);
            match producer {
                Some(producer) => {
                    model.command(&Command::StartWorkload {
                        producer,
                        workload: Workload {
                            topic,
                            records_per_second: rate,
                            distinct_keys: 10,
                            value_bytes: 32,
                        },
                    });
                }
                None => refuse(model, "No producer is running: start one first.".to_owned()),
            }
        }
        Intent::StopWorkload => {
            let cluster = &model.session.shell().cluster;
            let running: Vec<String> = cluster
                .producer_views()
                .into_iter()
                .filter(|p| p.workload)
                .map(|p| p.name)
                .collect();
            for producer in running {
                model.command(&Command::StopWorkload { producer });
            }
        }
        Intent::AddConsumer {
            group,
            topic,
            assignor,
            commits,
        } => {
            if topic.is_empty() {
                refuse(
                    model,
                    "Create a topic first: a consumer subscribes to one.".to_owned(),
                );
            } else {
                let name = next_member_name(model, &group);
                model.command(&add_member_command(
                    &name, &group, &topic, assignor, commits,
                ));
            }
        }
        Intent::RemoveConsumer(consumer) => {
            model.command(&Command::CloseConsumer { consumer });
        }
        Intent::CrashConsumer(consumer) => {
            model.command(&Command::CrashConsumer { consumer });
        }
        Intent::Broker(broker, action) => {
            model.command(&broker_command(broker, action));
        }
        Intent::KillLeader(partition) => {
            match kill_leader_command(&model.session.shell().cluster, &partition) {
                Ok(command) => {
                    model.selected_partition = Some(partition);
                    model.command(&command);
                }
                Err(message) => refuse(model, message),
            }
        }
        Intent::SelectPartition(partition) => {
            model.selected_partition = Some(partition);
            model.selected_broker = None;
        }
        Intent::ShowReplica(broker) => model.selected_broker = Some(broker),
        Intent::Refuse(message) => refuse(model, message),
    }
    Effect::None
}

fn refuse(model: &mut Model, text: String) {
    model.notice = Some(Notice {
        text,
        is_error: true,
    });
}

fn info(model: &mut Model, text: String) {
    model.notice = Some(Notice {
        text,
        is_error: false,
    });
}

#[cfg(test)]
mod tests {
    use super::super::presets::{preset, sandbox_spec};
    use super::*;

    fn start() -> Model {
        let spec = sandbox_spec(preset("replication").expect("exists")).expect("valid");
        let session = Session::new(spec.config.clone(), spec.seed, &spec.setup).expect("valid");
        Model::new(session)
    }

    #[test]
    fn killing_a_leader_elects_another_from_the_isr() {
        let mut model = start();
        update(&mut model, Intent::Skip(2_000));
        let partition = TopicPartition::new("orders", 0);
        let cluster = &model.session.shell().cluster;
        let old = cluster.current_leader(&partition).expect("led");
        let isr = cluster.topic_view("orders").expect("exists").partitions[0]
            .isr
            .clone();
        update(&mut model, Intent::KillLeader(partition.clone()));
        update(&mut model, Intent::Skip(15_000));
        let new = model
            .session
            .shell()
            .cluster
            .current_leader(&partition)
            .expect("re-elected");
        assert_ne!(new, old);
        assert!(isr.contains(&new));
        assert_eq!(model.session.inputs().len(), 3);
    }

    #[test]
    fn a_seek_is_carried_on_by_frames_and_finished_by_anything_else() {
        let mut model = start();
        update(&mut model, Intent::Skip(20_000));
        let end = model.session.now_ms();
        let target = end - 7_345;
        let mut straight = start();
        update(&mut straight, Intent::Skip(20_000 - 7_345));

        // The seek only starts: the replay is left to the frames (or the event's first slice).
        assert_eq!(update(&mut model, Intent::Seek(target)), Effect::Pause);
        assert_eq!(model.seeking_to(), Some(target));
        assert!(model.session.now_ms() < target);
        // Speed and help leave it unfinished; a new target replaces the old one.
        update(&mut model, Intent::SetSpeed(3));
        assert_eq!(model.seeking_to(), Some(target));
        update(&mut model, Intent::Seek(target - 1_000));
        update(&mut model, Intent::Seek(target));
        assert!(model.go_on_seeking(&mut || false));
        assert_eq!(model.seeking_to(), None);
        assert_eq!(model.session.now_ms(), target);
        assert_eq!(state(&model), state(&straight));

        // Anything else starts from where the seek was going.
        update(&mut model, Intent::Seek(end));
        model.finish_seeking();
        assert_eq!(model.session.now_ms(), end);
        update(&mut model, Intent::Seek(target));
        assert_eq!(model.seeking_to(), Some(target));
        update(&mut model, Intent::Skip(1_000));
        assert_eq!(model.seeking_to(), None);
        assert_eq!(model.session.now_ms(), target + 1_000);
        update(&mut straight, Intent::Skip(1_000));
        assert_eq!(state(&model), state(&straight));
    }

    /// The state of the model's session replayed in one go, on the same seed.
    fn replayed_at_once(model: &Model) -> String {
        let session = &model.session;
        let straight = Session::replay(
            session.config().clone(),
            session.seed(),
            session.setup(),
            session.inputs().to_vec(),
        )
        .expect("replays");
        state(&Model::new(straight))
    }

    fn state(model: &Model) -> String {
        let cluster = &model.session.shell().cluster;
        format!("{:?}{:?}", cluster.view(), cluster.consumer_views())
    }

    #[test]
    fn a_reset_can_be_undone_until_the_next_step() {
        let mut model = start();
        update(
            &mut model,
            Intent::KillLeader(TopicPartition::new("orders", 0)),
        );
        update(&mut model, Intent::Skip(5_000));
        let (inputs, now) = (model.session.inputs().to_vec(), model.session.now_ms());
        update(&mut model, Intent::Reset);
        assert!(model.session.inputs().is_empty());
        assert!(model.can_undo());
        update(&mut model, Intent::Undo);
        assert_eq!(model.session.inputs(), &inputs[..]);
        assert_eq!(model.session.now_ms(), now);
        assert!(!model.can_undo());
        // Once the learner did something else, there is nothing to undo.
        update(&mut model, Intent::Reset);
        update(&mut model, Intent::Refuse("no".to_owned()));
        update(&mut model, Intent::Undo);
        assert!(model.session.inputs().is_empty());
    }

    #[test]
    fn every_panel_action_is_recorded_as_a_script_line() {
        let mut model = start();
        let intents = vec![
            Intent::Send(
                "producer-1".to_owned(),
                NewRecord::new("orders", Some("k"), Some("v")),
            ),
            Intent::StartProducer(vec![("acks".to_owned(), "1".to_owned())]),
            Intent::StartWorkload {
                topic: "orders".to_owned(),
                rate: 10,
            },
            Intent::StopWorkload,
            Intent::AddConsumer {
                group: "g".to_owned(),
                topic: "orders".to_owned(),
                assignor: AssignorKind::Sticky,
                commits: CommitChoice::AfterProcessing,
            },
            Intent::CrashConsumer("g-1".to_owned()),
            Intent::RemoveConsumer("consumer-1".to_owned()),
            Intent::Broker(BrokerId(2), BrokerAction::Isolate),
            Intent::Broker(BrokerId(2), BrokerAction::Rejoin),
        ];
        for intent in intents {
            update(&mut model, intent.clone());
            assert!(
                model.notice.as_ref().is_none_or(|n| !n.is_error),
                "{intent:?}: {:?}",
                model.notice
            );
        }
        let replayed =
            share::from_script(&share::to_script(&share::SessionText::of(&model.session)))
                .and_then(share::SessionText::replay)
                .expect("replays");
        assert_eq!(
            format!("{:?}", replayed.shell().cluster.view()),
            format!("{:?}", model.session.shell().cluster.view())
        );
    }

    #[test]
    fn a_block_runs_each_command_as_a_terminal_line_at_one_moment() {
        let mut model = start();
        let before_ms = model.session.now_ms();
        let effect = update(
            &mut model,
            Intent::RunBlock(
                "kplay broker stop 1\nkafka-topics --bootstrap-server localhost:9092 --describe --topic orders\n"
                    .to_owned(),
            ),
        );
        assert_eq!(effect, Effect::PauseAndShowOutput);
        assert_eq!(
            model.session.now_ms(),
            before_ms,
            "no time passes between the lines"
        );
        let lines: Vec<&str> = model
            .terminal
            .iter()
            .map(|entry| entry.line.as_str())
            .collect();
        assert_eq!(
            lines,
            [
                "kplay broker stop 1",
                "kafka-topics --bootstrap-server localhost:9092 --describe --topic orders"
            ]
        );
        assert!(model
            .terminal
            .back()
            .is_some_and(|entry| entry.stdout.contains("Topic: orders")));
        assert_eq!(
            model.session.inputs().len(),
            2,
            "each command is one recorded action"
        );
    }

    #[test]
    fn a_new_seed_replays_the_same_actions() {
        let mut model = start();
        update(&mut model, Intent::Skip(1_000));
        update(&mut model, Intent::SetSeed(99));
        assert_eq!(model.session.seed(), 99);
        // The replay is left to the frames, as a seek to the end is.
        assert!(model.session.is_replaying());
        assert_eq!(model.seeking_to(), Some(model.session.end_ms()));
        assert_eq!(model.session.all_inputs().len(), 1);
        assert!(model.go_on_seeking(&mut || false));
        assert!(!model.session.is_replaying());
        assert_eq!(model.seeking_to(), None);
        assert_eq!(model.session.inputs().len(), 1);
        assert_eq!(state(&model), replayed_at_once(&model));
        update(&mut model, Intent::Reset);
        assert!(model.session.inputs().is_empty());
        assert_eq!(model.session.seed(), 99);
    }

    #[test]
    fn play_and_pause_during_a_replay_leave_it_to_the_frames() {
        let mut model = start();
        update(&mut model, Intent::Skip(5_000));
        update(&mut model, Intent::SetSeed(99));
        assert_eq!(update(&mut model, Intent::TogglePlay), Effect::TogglePlay);
        assert!(model.session.is_replaying(), "play starts once it arrives");
        assert_eq!(update(&mut model, Intent::Pause), Effect::Pause);
        assert!(model.session.is_replaying());
        assert!(model.go_on_seeking(&mut || false));
        assert_eq!(state(&model), replayed_at_once(&model));
        // A step needs the session where the seek was going.
        update(&mut model, Intent::SetSeed(7));
        update(&mut model, Intent::Step);
        assert!(!model.session.is_replaying());
        assert_eq!(model.seeking_to(), None);
    }

    #[test]
    fn a_reset_or_an_undo_during_a_replay_does_not_wait_for_it() {
        let mut model = start();
        update(&mut model, Intent::Skip(5_000));
        let seed = model.session.seed();
        let before = state(&model);
        update(&mut model, Intent::SetSeed(99));
        assert!(model.session.is_replaying());
        // The undo brings the old session back as it was, the new one's replay dropped.
        update(&mut model, Intent::Undo);
        assert_eq!(model.session.seed(), seed);
        assert!(!model.session.is_replaying());
        assert_eq!(model.seeking_to(), None);
        assert_eq!(state(&model), before);

        // A reset replaces a replaying session at once; undone, its replay goes on.
        update(&mut model, Intent::SetSeed(99));
        update(&mut model, Intent::Reset);
        assert!(!model.session.is_replaying());
        assert!(model.session.inputs().is_empty());
        update(&mut model, Intent::Undo);
        assert!(model.session.is_replaying());
        assert!(model.go_on_seeking(&mut || false));
        assert_eq!(model.session.inputs().len(), 1);
        assert_eq!(state(&model), replayed_at_once(&model));
    }

    #[test]
    fn a_bad_import_keeps_the_session_and_says_why() {
        let mut model = start();
        update(&mut model, Intent::Skip(1_000));
        update(
            &mut model,
            Intent::Import("# cluster: brokers=oops\n".to_owned()),
        );
        assert_eq!(model.session.inputs().len(), 1);
        assert!(model
            .notice
            .as_ref()
            .is_some_and(|n| n.is_error && n.text.contains("brokers")));
    }
}
