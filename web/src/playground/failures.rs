//! Failure injection: what the learner can do to a broker (stop and restart it, cut it off the
//! network, slow it down, pause its fetches) and "kill the leader of this partition", as core
//! commands. The buttons sit on each broker card; "Kill leader" on each partition row.

use kplay_core::{BrokerId, Cluster, Command, TopicPartition};
use leptos::prelude::*;

use super::cluster_view::BrokerVm;

/// How much a "slow" broker's messages are delayed (ms): more than `replica.lag.time.max.ms`
/// is not needed, it falls behind at once under load.
pub const SLOW_DELAY_MS: i64 = 400;

/// Something done to a broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerAction {
    /// `kill -9` the process.
    Stop,
    /// Start it again.
    Start,
    /// Cut it off from every other node.
    Isolate,
    /// End the isolation.
    Rejoin,
    /// Delay everything it sends.
    Slow,
    /// Remove the delay.
    Unslow,
    /// Hold its replica fetches (a follower stops copying).
    PauseFetches,
    /// Release them.
    ResumeFetches,
}

/// The core command for a broker action.
pub fn broker_command(broker: BrokerId, action: BrokerAction) -> Command {
    match action {
        BrokerAction::Stop => Command::StopBroker { broker },
        BrokerAction::Start => Command::StartBroker { broker },
        BrokerAction::Isolate => Command::IsolateBroker { broker },
        BrokerAction::Rejoin => Command::RejoinBroker { broker },
        BrokerAction::Slow => Command::DelayBroker {
            broker,
            extra_ms: SLOW_DELAY_MS,
        },
        BrokerAction::Unslow => Command::DelayBroker {
            broker,
            extra_ms: 0,
        },
        BrokerAction::PauseFetches => Command::HoldFetches { broker },
        BrokerAction::ResumeFetches => Command::ReleaseFetches { broker },
    }
}

/// "Kill the leader of this partition": stop the broker leading it, or say why not.
pub fn kill_leader_command(
    cluster: &Cluster,
    partition: &TopicPartition,
) -> Result<Command, String> {
    match cluster.current_leader(partition) {
        Some(broker) if !cluster.broker_is_running(broker) => Err(format!(
            "{partition}'s leader, broker {broker}, is already stopped. The metadata names it \
             until the controller fences it (broker.session.timeout.ms), or, with no active \
             controller, until one is elected."
        )),
        Some(broker) => Ok(Command::StopBroker { broker }),
        None => Err(format!(
            "{partition} has no leader to kill: it is offline (no in-sync replica is alive)."
        )),
    }
}

impl BrokerAction {
    /// The words on its button.
    pub fn label(self) -> &'static str {
        match self {
            BrokerAction::Stop => "Stop",
            BrokerAction::Start => "Start",
            BrokerAction::Isolate => "Isolate",
            BrokerAction::Rejoin => "Rejoin",
            BrokerAction::Slow => "Slow",
            BrokerAction::Unslow => "Unslow",
            BrokerAction::PauseFetches => "Pause fetches",
            BrokerAction::ResumeFetches => "Resume fetches",
        }
    }

    /// Whether it only makes sense on a running broker: a stopped one sends nothing to cut
    /// off, delay or hold. (Their opposites stay offered, to undo them while it is down.)
    pub fn needs_running_broker(self) -> bool {
        matches!(
            self,
            BrokerAction::Isolate | BrokerAction::Slow | BrokerAction::PauseFetches
        )
    }

    /// Its button's `data-testid`.
    pub fn test_id(self) -> &'static str {
        match self {
            BrokerAction::Stop => "stop-broker",
            BrokerAction::Start => "start-broker",
            BrokerAction::Isolate => "isolate-broker",
            BrokerAction::Rejoin => "rejoin-broker",
            BrokerAction::Slow => "slow-broker",
            BrokerAction::Unslow => "unslow-broker",
            BrokerAction::PauseFetches => "hold-broker",
            BrokerAction::ResumeFetches => "release-broker",
        }
    }
}

/// The buttons on a broker card: one for each pair of opposite actions (stop or start,
/// isolate or rejoin, slow or unslow, pause or resume fetches), offering the one that applies.
/// A pair is one button whose words change, not two that take turns: a learner who presses
/// it with the keyboard keeps the focus on it. While the broker is stopped, the actions that
/// need it running are disabled and say why.
#[component]
pub fn BrokerButtons(
    /// The broker.
    broker: Memo<BrokerVm>,
    /// Runs an action on this broker.
    on_action: Callback<BrokerAction>,
) -> impl IntoView {
    let pair = move |first: BrokerAction,
                     second: BrokerAction,
                     first_applies: fn(&BrokerVm) -> bool| {
        let offered = move || {
            if broker.with(first_applies) {
                first
            } else {
                second
            }
        };
        let pressed = move || {
            if broker.with_untracked(first_applies) {
                first
            } else {
                second
            }
        };
        let disabled = move || offered().needs_running_broker() && !broker.with(|b| b.up);
        let why = move || {
            disabled().then(|| {
                format!(
                    "Broker {} is stopped: start it first.",
                    broker.with(|b| b.id)
                )
            })
        };
        view! {
            <button
                type="button"
                class="button-small"
                class:button-danger=move || matches!(offered(), BrokerAction::Stop | BrokerAction::Isolate)
                data-testid=move || offered().test_id()
                disabled=disabled
                title=why
                on:click=move |_| on_action.run(pressed())
            >
                {move || offered().label()}
            </button>
        }
    };
    view! {
        <div class="broker-actions" role="group" aria-label="Failures">
            {pair(BrokerAction::Stop, BrokerAction::Start, |b| b.up)}
            {pair(BrokerAction::Isolate, BrokerAction::Rejoin, |b| !b.isolated)}
            {pair(BrokerAction::Slow, BrokerAction::Unslow, |b| b.delay_ms == 0)}
            {pair(BrokerAction::PauseFetches, BrokerAction::ResumeFetches, |b| !b.held)}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use kplay_core::ClusterConfig;

    use super::*;

    #[test]
    fn every_broker_action_has_a_script_line() {
        for action in [
            BrokerAction::Stop,
            BrokerAction::Start,
            BrokerAction::Isolate,
            BrokerAction::Rejoin,
            BrokerAction::Slow,
            BrokerAction::Unslow,
            BrokerAction::PauseFetches,
            BrokerAction::ResumeFetches,
        ] {
            let command = broker_command(BrokerId(2), action);
            assert!(kplay_cli::record(&command).is_some(), "{action:?}");
        }
    }

    #[test]
    fn only_isolate_slow_and_pause_need_a_running_broker() {
        let needing: Vec<_> = [
            BrokerAction::Stop,
            BrokerAction::Start,
            BrokerAction::Isolate,
            BrokerAction::Rejoin,
            BrokerAction::Slow,
            BrokerAction::Unslow,
            BrokerAction::PauseFetches,
            BrokerAction::ResumeFetches,
        ]
        .into_iter()
        .filter(|action| action.needs_running_broker())
        .collect();
        assert_eq!(
            needing,
            vec![
                BrokerAction::Isolate,
                BrokerAction::Slow,
                BrokerAction::PauseFetches
            ]
        );
    }

    #[test]
    fn killing_the_leader_stops_the_broker_leading_the_partition() {
        let mut cluster = Cluster::new(ClusterConfig::default(), 7).expect("valid");
        cluster
            .apply(Command::CreateTopic {
                topic: "orders".to_owned(),
                partitions: 1,
                replication_factor: 3,
                configs: Vec::new(),
            })
            .expect("created");
        let partition = TopicPartition::new("orders", 0);
        let leader = cluster.current_leader(&partition).expect("led");
        assert_eq!(
            kill_leader_command(&cluster, &partition),
            Ok(Command::StopBroker { broker: leader })
        );
        // Before the controller fences a stopped leader, the metadata still names it: there
        // is nothing left to kill.
        cluster
            .apply(Command::StopBroker { broker: leader })
            .expect("stopped");
        let refusal = kill_leader_command(&cluster, &partition).unwrap_err();
        assert!(refusal.contains("is already stopped"), "{refusal}");
        let missing = TopicPartition::new("nope", 0);
        assert!(kill_leader_command(&cluster, &missing)
            .unwrap_err()
            .contains("no leader"));
    }
}
