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
        Some(broker) => Ok(Command::StopBroker { broker }),
        None => Err(format!(
            "{partition} has no leader to kill: it is offline (no in-sync replica is alive)."
        )),
    }
}

/// The buttons on a broker card; each shows only when it applies.
#[component]
pub fn BrokerButtons(
    /// The broker.
    broker: Memo<BrokerVm>,
    /// Runs an action on this broker.
    on_action: Callback<BrokerAction>,
) -> impl IntoView {
    let is = move |f: fn(&BrokerVm) -> bool| move || broker.with(f);
    let button = move |label: &'static str,
                       test_id: &'static str,
                       action: BrokerAction,
                       shown: Box<dyn Fn() -> bool + Send + Sync>| {
        view! {
            <Show when=move || shown()>
                <button
                    type="button"
                    class="button-small"
                    class:button-danger=matches!(action, BrokerAction::Stop | BrokerAction::Isolate)
                    data-testid=test_id
                    on:click=move |_| on_action.run(action)
                >
                    {label}
                </button>
            </Show>
        }
    };
    view! {
        <div class="broker-actions" role="group" aria-label="Failures">
            {button("Stop", "stop-broker", BrokerAction::Stop, Box::new(is(|b| b.up)))}
            {button("Start", "start-broker", BrokerAction::Start, Box::new(is(|b| !b.up)))}
            {button("Isolate", "isolate-broker", BrokerAction::Isolate, Box::new(is(|b| !b.isolated)))}
            {button("Rejoin", "rejoin-broker", BrokerAction::Rejoin, Box::new(is(|b| b.isolated)))}
            {button("Slow", "slow-broker", BrokerAction::Slow, Box::new(is(|b| b.delay_ms == 0)))}
            {button("Unslow", "unslow-broker", BrokerAction::Unslow, Box::new(is(|b| b.delay_ms > 0)))}
            {button("Pause fetches", "hold-broker", BrokerAction::PauseFetches, Box::new(is(|b| !b.held)))}
            {button("Resume fetches", "release-broker", BrokerAction::ResumeFetches, Box::new(is(|b| b.held)))}
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
        let missing = TopicPartition::new("nope", 0);
        assert!(kill_leader_command(&cluster, &missing)
            .unwrap_err()
            .contains("no leader"));
    }
}
