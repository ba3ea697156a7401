//! The recorder's promise: a session of core commands, recorded as script lines and replayed
//! by the shell, gives the same events and the same cluster.

use kplay_cli::{record, record_advance, Invocation, Script, Shell};
use kplay_core::group::coordinator::events::GroupEvent;
use kplay_core::kinds::AssignorKind;
use kplay_core::network::{ClientId, NodeId};
use kplay_core::transaction::events::TransactionEvent;
use kplay_core::{
    AppCommits, BrokerId, Cluster, ClusterConfig, Command, CommitPolicy, ConfigResource,
    ElectionType, EventKind, NewRecord, ResetSpec, Subscription, TopicPartition, Workload,
};

/// A step of a UI session: a command, or simulated time passing.
enum Step {
    Do(Command),
    Wait(i64),
}

fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

fn session() -> Vec<Step> {
    use Step::{Do, Wait};
    let keyed = NewRecord::new("orders", Some("alice"), Some("hello, 'world'"));
    let mut special = NewRecord::new("orders", Some(""), Some("-starts with a dash"));
    special.headers = vec![("trace".into(), Some("a=b".into())), ("empty".into(), None)];
    special.partition = Some(1);
    special.timestamp_ms = Some(1_704_067_200_500);
    vec![
        Do(Command::CreateTopic {
            topic: "orders".into(),
            partitions: 3,
            replication_factor: 3,
            configs: vec![
                ("min.insync.replicas".into(), "2".into()),
                ("cleanup.policy".into(), "compact,delete".into()),
            ],
        }),
        Do(Command::CreateTopic {
            topic: "my.events".into(),
            partitions: -1,
            replication_factor: -1,
            configs: vec![],
        }),
        Do(Command::CreateTopicWithAssignment {
            topic: "ledger".into(),
            assignment: vec![
                vec![BrokerId(2), BrokerId(1)],
                vec![BrokerId(3), BrokerId(2)],
            ],
            configs: vec![("min.insync.replicas".into(), "2".into())],
        }),
        Do(Command::CreateProducer {
            name: "p1".into(),
            configs: vec![
                ("acks".into(), "all".into()),
                ("linger.ms".into(), "10".into()),
            ],
        }),
        Do(Command::Produce {
            producer: "p1".into(),
            record: keyed,
        }),
        Do(Command::Produce {
            producer: "p1".into(),
            record: special,
        }),
        Do(Command::Produce {
            producer: "p1".into(),
            record: NewRecord::new("orders", Some("k"), None),
        }),
        Wait(500),
        Do(Command::Flush {
            producer: "p1".into(),
        }),
        Do(Command::StartWorkload {
            producer: "p1".into(),
            workload: Workload {
                topic: "orders".into(),
                records_per_second: 20,
                distinct_keys: 4,
                value_bytes: 50,
            },
        }),
        Wait(2_000),
        Do(Command::StopWorkload {
            producer: "p1".into(),
        }),
        Do(Command::CreateConsumer {
            name: "c1".into(),
            configs: vec![
                ("group.id".into(), "g1".into()),
                (
                    "partition.assignment.strategy".into(),
                    AssignorKind::CooperativeSticky.class_name().into(),
                ),
                ("enable.auto.commit".into(), "false".into()),
                ("group.instance.id".into(), "i-1".into()),
            ],
            subscription: Subscription::Topics(vec!["orders".into()]),
            policy: CommitPolicy {
                poll_interval_ms: Some(250),
                processing_ms_per_record: 2,
                commits: AppCommits::AfterProcessing { sync: false },
            },
        }),
        Do(Command::CreateConsumer {
            name: "c2".into(),
            configs: vec![("auto.offset.reset".into(), "earliest".into())],
            subscription: Subscription::Partitions(vec![tp("orders", 0), tp("orders", 2)]),
            policy: CommitPolicy {
                poll_interval_ms: None,
                processing_ms_per_record: 0,
                commits: AppCommits::Never,
            },
        }),
        Do(Command::CreateConsumer {
            name: "c4".into(),
            configs: vec![("group.id".into(), "g3".into())],
            subscription: Subscription::Pattern("ord.*|pay(ments)?".into()),
            policy: CommitPolicy::default(),
        }),
        Wait(1_000),
        Do(Command::Poll {
            consumer: "c2".into(),
        }),
        Do(Command::Commit {
            consumer: "c2".into(),
            sync: false,
        }),
        Do(Command::Seek {
            consumer: "c2".into(),
            partition: tp("orders", 0),
            offset: kplay_core::Offset(0),
        }),
        // A group that consumed and closed: inactive, so its offsets can be reset (every
        // partition with a committed offset, then one partition) and the group deleted.
        Do(Command::CreateConsumer {
            name: "c3".into(),
            configs: vec![
                ("group.id".into(), "g2".into()),
                ("auto.offset.reset".into(), "earliest".into()),
            ],
            subscription: Subscription::Topics(vec!["orders".into()]),
            policy: CommitPolicy::default(),
        }),
        Wait(8_000),
        Do(Command::CloseConsumer {
            consumer: "c3".into(),
        }),
        Wait(2_000),
        Do(Command::ResetOffsets {
            group: "g2".into(),
            partitions: vec![],
            spec: ResetSpec::ToEarliest,
        }),
        Do(Command::ResetOffsets {
            group: "g2".into(),
            partitions: vec![tp("orders", 0)],
            spec: ResetSpec::ShiftBy(1),
        }),
        Do(Command::DeleteGroup { group: "g2".into() }),
        // A transactional producer: one committed transaction that also commits c1's
        // positions for its group, and one aborted transaction.
        Do(Command::CreateProducer {
            name: "tp".into(),
            configs: vec![("transactional.id".into(), "tx-1".into())],
        }),
        Do(Command::InitTransactions {
            producer: "tp".into(),
        }),
        Wait(3_000),
        Do(Command::BeginTransaction {
            producer: "tp".into(),
        }),
        Do(Command::Produce {
            producer: "tp".into(),
            record: NewRecord::new("orders", Some("t"), Some("in a transaction")),
        }),
        Do(Command::SendOffsetsToTransaction {
            producer: "tp".into(),
            consumer: "c1".into(),
        }),
        Wait(500),
        Do(Command::CommitTransaction {
            producer: "tp".into(),
        }),
        Wait(1_000),
        Do(Command::BeginTransaction {
            producer: "tp".into(),
        }),
        Do(Command::Produce {
            producer: "tp".into(),
            record: NewRecord::new("orders", None, Some("aborted")),
        }),
        Wait(500),
        Do(Command::AbortTransaction {
            producer: "tp".into(),
        }),
        Wait(1_000),
        Do(Command::AlterConfigs {
            resource: ConfigResource::Topic("orders".into()),
            set: vec![("retention.ms".into(), "3600000".into())],
            delete: vec!["cleanup.policy".into()],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::Broker(BrokerId(2)),
            set: vec![("log.cleaner.threads".into(), "2".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::BrokerDefault,
            set: vec![("log.retention.ms".into(), "7200000".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::ClientId(Some("tp".into())),
            set: vec![("producer_byte_rate".into(), "4096".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::ClientId(None),
            set: vec![("consumer_byte_rate".into(), "100000".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::ClientId(Some("tp".into())),
            set: vec![],
            delete: vec!["producer_byte_rate".into()],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::User(Some("alice smith".into())),
            set: vec![("producer_byte_rate".into(), "2048".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::User(None),
            set: vec![("consumer_byte_rate".into(), "4096".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::UserClientId(Some("alice".into()), None),
            set: vec![("producer_byte_rate".into(), "1024".into())],
            delete: vec![],
        }),
        Do(Command::AlterConfigs {
            resource: ConfigResource::UserClientId(None, Some("tp".into())),
            set: vec![("producer_byte_rate".into(), "3000".into())],
            delete: vec![],
        }),
        Do(Command::CreatePartitions {
            topic: "my.events".into(),
            total_count: 2,
        }),
        Do(Command::StopBroker {
            broker: BrokerId(2),
        }),
        Wait(12_000),
        Do(Command::StartBroker {
            broker: BrokerId(2),
        }),
        Wait(15_000),
        Do(Command::ElectLeaders {
            election: ElectionType::Preferred,
            partitions: None,
        }),
        Do(Command::ElectLeaders {
            election: ElectionType::Preferred,
            partitions: Some(vec![tp("orders", 1)]),
        }),
        Do(Command::ElectLeaders {
            election: ElectionType::Unclean,
            partitions: Some(vec![tp("orders", 0), tp("my.events", 1)]),
        }),
        Do(Command::ShutdownBroker {
            broker: BrokerId(3),
        }),
        Wait(5_000),
        Do(Command::StartBroker {
            broker: BrokerId(3),
        }),
        Do(Command::IsolateBroker {
            broker: BrokerId(1),
        }),
        Wait(3_000),
        Do(Command::RejoinBroker {
            broker: BrokerId(1),
        }),
        Do(Command::CutLinks {
            side_a: vec![NodeId::Broker(BrokerId(1)), NodeId::Client(ClientId(0))],
            side_b: vec![NodeId::Broker(BrokerId(3))],
        }),
        Wait(1_000),
        Do(Command::RepairLinks {
            side_a: vec![NodeId::Broker(BrokerId(1)), NodeId::Client(ClientId(0))],
            side_b: vec![NodeId::Broker(BrokerId(3))],
        }),
        Do(Command::DelayBroker {
            broker: BrokerId(2),
            extra_ms: 150,
        }),
        Do(Command::HoldFetches {
            broker: BrokerId(3),
        }),
        Wait(700),
        Do(Command::ReleaseFetches {
            broker: BrokerId(3),
        }),
        Do(Command::HealNetwork),
        Do(Command::InitTransactions {
            producer: "p1".into(),
        }),
        Do(Command::BeginTransaction {
            producer: "p1".into(),
        }),
        Do(Command::SendOffsetsToTransaction {
            producer: "p1".into(),
            consumer: "c2".into(),
        }),
        Do(Command::CommitTransaction {
            producer: "p1".into(),
        }),
        Do(Command::AbortTransaction {
            producer: "p1".into(),
        }),
        Do(Command::ResetOffsets {
            group: "g1".into(),
            partitions: vec![tp("orders", 0), tp("orders", 2)],
            spec: ResetSpec::ToDatetime(1_704_067_201_000),
        }),
        Do(Command::ResetOffsets {
            group: "g1".into(),
            partitions: vec![tp("orders", 1)],
            spec: ResetSpec::ByDuration(90_000),
        }),
        Do(Command::DeleteGroup { group: "g1".into() }),
        Do(Command::CloseConsumer {
            consumer: "c2".into(),
        }),
        Do(Command::CrashConsumer {
            consumer: "c1".into(),
        }),
        Do(Command::CloseProducer {
            producer: "p1".into(),
        }),
        Wait(2_000),
        Do(Command::DeleteTopic {
            topic: "my.events".into(),
        }),
        Wait(1_000),
    ]
}

fn config() -> ClusterConfig {
    ClusterConfig::default()
}

#[test]
fn a_recorded_session_replays_to_the_same_events_and_state() {
    let mut direct = Cluster::new(config(), 42).expect("cluster");
    let mut events = Vec::new();
    let mut script = String::new();
    for step in session() {
        match step {
            Step::Do(command) => {
                script.push_str(&record(&command).expect("every command records"));
                if let Ok(produced) = direct.apply(command) {
                    events.extend(produced);
                }
            }
            Step::Wait(ms) => {
                script.push_str(&record_advance(ms));
                events.extend(direct.run_for(ms));
            }
        }
        script.push('\n');
    }
    // The session's group admin really acts on the inactive group g2.
    let acted_on_g2 = |wanted: fn(&GroupEvent) -> bool| {
        events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Group(event) if wanted(event)))
    };
    assert!(acted_on_g2(
        |e| matches!(e, GroupEvent::OffsetsReset { group, .. } if group == "g2")
    ));
    assert!(acted_on_g2(
        |e| matches!(e, GroupEvent::GroupRemoved { group, .. } if group == "g2")
    ));
    // The transactional producer's transactions both completed.
    let ended: Vec<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Transaction(TransactionEvent::Committed { .. }) => Some("committed"),
            EventKind::Transaction(TransactionEvent::Aborted { .. }) => Some("aborted"),
            _ => None,
        })
        .collect();
    assert_eq!(ended, ["committed", "aborted"], "transactions");
    let mut shell = Shell::with_config(config(), 42).expect("cluster");
    let parsed = Script::parse(&script).unwrap_or_else(|error| panic!("{error}\n{script}"));
    shell.run_script(&parsed);
    let expected: Vec<String> = events.iter().map(|e| e.trace_line()).collect();
    let replayed: Vec<String> = shell.events().iter().map(|e| e.trace_line()).collect();
    assert_eq!(replayed, expected, "script:\n{script}");
    assert_eq!(shell.cluster.view(), direct.view());
    assert_eq!(shell.cluster.producer_views(), direct.producer_views());
    assert_eq!(shell.cluster.consumer_views(), direct.consumer_views());
}

#[test]
fn playground_verbs_parse_back_to_the_recorded_command() {
    for step in session() {
        let Step::Do(command) = step else { continue };
        let line = record(&command).expect("records");
        let script = Script::parse(&line).unwrap_or_else(|error| panic!("{line}: {error}"));
        if let Invocation::Kplay(kplay_cli::kplay::Verb::Core(parsed)) = &script.steps[0].invocation
        {
            assert_eq!(parsed, &command, "{line}");
        }
    }
}

#[test]
fn recorded_lines_read_like_kafkas_tools() {
    let create = Command::CreateTopic {
        topic: "orders".into(),
        partitions: 3,
        replication_factor: 2,
        configs: vec![("retention.ms".into(), "1000".into())],
    };
    assert_eq!(
        record(&create).as_deref(),
        Some("kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 2 --config retention.ms=1000")
    );
    let alter = Command::AlterConfigs {
        resource: ConfigResource::Topic("orders".into()),
        set: vec![("cleanup.policy".into(), "compact,delete".into())],
        delete: vec!["retention.ms".into()],
    };
    assert_eq!(
        record(&alter).as_deref(),
        Some("kafka-configs --bootstrap-server localhost:9092 --alter --entity-type topics --entity-name orders --add-config 'cleanup.policy=[compact,delete]' --delete-config retention.ms")
    );
    assert_eq!(
        record(&Command::StopBroker {
            broker: BrokerId(2)
        })
        .as_deref(),
        Some("kplay broker stop 2")
    );
    assert_eq!(record_advance(30_000), "kplay time advance 30s");
}
