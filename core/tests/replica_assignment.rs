//! CreateTopics with a manual assignment (`kafka-topics --create --replica-assignment`), as
//! `ReplicationControlManager.createTopic` and `validateManualPartitionAssignment` take it:
//! the replicas go where they are named, the first active one leads, and a bad assignment is
//! refused whole with Kafka's error and message.

use kplay_core::cluster::config::MetadataMode;
use kplay_core::error::ErrorCode;
use kplay_core::{BrokerId, Command};

mod cluster_support;

use cluster_support::{pairs, Sim};

fn brokers(lists: &[&[i32]]) -> Vec<Vec<BrokerId>> {
    lists
        .iter()
        .map(|list| list.iter().copied().map(BrokerId).collect())
        .collect()
}

fn create(topic: &str, lists: &[&[i32]]) -> Command {
    Command::CreateTopicWithAssignment {
        topic: topic.into(),
        assignment: brokers(lists),
        configs: pairs(&[("min.insync.replicas", "2")]),
    }
}

fn refusal(sim: &mut Sim, command: Command) -> (ErrorCode, String) {
    let error = sim.cluster.apply(command).expect_err("refused");
    (error.code, error.message)
}

#[test]
fn the_replicas_go_where_they_are_named_and_the_first_leads() {
    for mode in [MetadataMode::Kraft, MetadataMode::ZooKeeper] {
        let mut sim = Sim::new(mode, 5, 1, &[]);
        sim.apply(create("ledger", &[&[1, 2], &[2, 3], &[4, 3], &[4, 5]]));
        sim.run_for(2_000);
        let topic = sim.cluster.topic_view("ledger").expect("created");
        let placed: Vec<(Vec<BrokerId>, Option<BrokerId>, Vec<BrokerId>)> = topic
            .partitions
            .iter()
            .map(|p| (p.replicas.clone(), p.leader, p.isr.clone()))
            .collect();
        let expected: Vec<_> = brokers(&[&[1, 2], &[2, 3], &[4, 3], &[4, 5]])
            .into_iter()
            .map(|replicas| (replicas.clone(), Some(replicas[0]), replicas))
            .collect();
        assert_eq!(placed, expected, "{mode:?}");
    }
}

/// A stopped (fenced) broker may hold a replica, out of the ISR; the first active one leads.
#[test]
fn a_fenced_broker_holds_a_replica_but_neither_leads_nor_is_in_sync() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 1, &[]);
    sim.apply(Command::StopBroker {
        broker: BrokerId(3),
    });
    sim.run_for(15_000);
    sim.apply(create("audit", &[&[3, 1]]));
    let partition = &sim.cluster.topic_view("audit").expect("created").partitions[0];
    assert_eq!(partition.replicas, brokers(&[&[3, 1]])[0]);
    assert_eq!(partition.leader, Some(BrokerId(1)));
    assert_eq!(partition.isr, vec![BrokerId(1)]);
    let refused = refusal(&mut sim, create("audit2", &[&[3]]));
    assert_eq!(
        refused,
        (
            ErrorCode::InvalidReplicaAssignment,
            "All brokers specified in the manual partition assignment for partition 0 are fenced or in controlled shutdown.".to_string()
        )
    );
}

#[test]
fn a_bad_assignment_is_refused_with_kafkas_message() {
    let mut sim = Sim::new(MetadataMode::Kraft, 3, 1, &[]);
    let cases: [(&[&[i32]], &str); 4] = [
        (&[&[1, 2], &[]], "The manual partition assignment includes an empty replica list."),
        (&[&[1, 7]], "The manual partition assignment includes broker 7, but no such broker is registered."),
        (&[&[2, 1, 2]], "The manual partition assignment includes the broker 2 more than once."),
        (&[&[1, 2], &[3]], "The manual partition assignment includes a partition with 1 replica(s), but this is not consistent with previous partitions, which have 2 replica(s)."),
    ];
    for (lists, message) in cases {
        assert_eq!(
            refusal(&mut sim, create("bad", lists)),
            (ErrorCode::InvalidReplicaAssignment, message.to_string())
        );
    }
    assert!(sim.cluster.topic_view("bad").is_none());
    // The topic's configs are checked first, as `createTopics` checks them before the topics.
    let bad_config = Command::CreateTopicWithAssignment {
        topic: "bad".into(),
        assignment: brokers(&[&[1, 7]]),
        configs: pairs(&[("min.insync.replicas", "0")]),
    };
    assert_eq!(refusal(&mut sim, bad_config).0, ErrorCode::InvalidConfig);
}
