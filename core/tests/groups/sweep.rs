//! A seed sweep: members crash, close and join, and brokers stop and restart (the group's
//! coordinator among them), while a workload produces and every invariant is checked every
//! 50 ms. Whatever happened, the group must end Stable with every partition owned once.

use kplay_core::cluster::config::{ClusterConfig, MetadataMode};
use kplay_core::{BrokerId, Cluster, Command, SimRng};

use crate::support::*;

fn zookeeper_sim(seed: u64) -> Sim {
    let config = ClusterConfig {
        metadata_mode: MetadataMode::ZooKeeper,
        broker_configs: vec![("offsets.topic.num.partitions".into(), "3".into())],
        ..ClusterConfig::default()
    };
    let mut sim = Sim {
        cluster: Cluster::new(config, seed).expect("cluster"),
        events: Vec::new(),
        // A ZooKeeper controller that died stays "active" until its session expires.
        ignored_invariants: vec!["single_active_controller"],
    };
    sim.apply(Command::CreateTopic {
        topic: TOPIC.into(),
        partitions: 4,
        replication_factor: 3,
        configs: Vec::new(),
    });
    sim.run_for(1_000);
    sim
}

/// Random faults from `seed`; returns the consumers still running.
fn faults(sim: &mut Sim, seed: u64, configs: &[(&str, &str)]) -> Vec<String> {
    let mut rng = SimRng::seed_from_u64(seed ^ 0xabc);
    let mut alive: Vec<String> = (0..3).map(|i| format!("c{i}")).collect();
    for name in &alive {
        sim.consumer(name, configs, auto_commit());
    }
    let mut next = 3;
    let mut stopped: Option<BrokerId> = None;
    for _ in 0..20 {
        sim.run_for(3_000 + i64::from(rng.below(4_000)));
        match rng.below(6) {
            0 | 1 if alive.len() > 1 => {
                let name = alive.remove(rng.below(alive.len() as u32) as usize);
                let command = if rng.below(2) == 0 {
                    Command::CrashConsumer { consumer: name }
                } else {
                    Command::CloseConsumer { consumer: name }
                };
                sim.apply(command);
            }
            2 => {
                let name = format!("c{next}");
                next += 1;
                sim.consumer(&name, configs, auto_commit());
                alive.push(name);
            }
            3 if stopped.is_none() => {
                let broker = BrokerId(1 + rng.below(3) as i32);
                sim.apply(Command::StopBroker { broker });
                stopped = Some(broker);
            }
            4 => {
                if let Some(broker) = stopped.take() {
                    sim.apply(Command::StartBroker { broker });
                }
            }
            _ => {}
        }
    }
    if let Some(broker) = stopped {
        sim.apply(Command::StartBroker { broker });
    }
    alive
}

fn converges(mut sim: Sim, seed: u64) {
    sim.start_workload(50, 10, 10);
    let cooperative = [COOPERATIVE, ("session.timeout.ms", "10000")];
    let eager = [("session.timeout.ms", "10000")];
    let configs: &[(&str, &str)] = if seed % 2 == 0 { &cooperative } else { &eager };
    let alive = faults(&mut sim, seed, configs);
    sim.run_for(60_000);
    let group = sim
        .cluster
        .describe_group(GROUP)
        .expect("the group has a coordinator");
    assert_eq!(group.state, "Stable", "seed {seed}");
    assert_eq!(group.members.len(), alive.len(), "seed {seed}");
    let mut owned: Vec<_> = alive.iter().flat_map(|name| sim.owned(name)).collect();
    owned.sort();
    assert_eq!(owned, vec![tp(0), tp(1), tp(2), tp(3)], "seed {seed}");
}

#[test]
fn groups_converge_after_random_member_and_broker_failures() {
    for seed in 0..8 {
        converges(Sim::new(seed, 4), seed);
    }
}

// ZooKeeper mode: the same, with the controller chosen through ZooKeeper.
#[test]
fn groups_converge_in_zookeeper_mode_too() {
    for seed in 100..104 {
        converges(zookeeper_sim(seed), seed);
    }
}
