//! Bad input: random command sequences, many of them nonsensical (unknown topics and clients,
//! broker 0 and 99, negative counts, invalid names and configs), never panic the core; a
//! refused command leaves the state exactly as it was; every invariant holds throughout. Some
//! runs secure the brokers (an authorizer and a SASL/PLAIN listener with users): clients then
//! log in with right or wrong passwords, and ACLs come and go.

use kplay_core::acl::{
    AccessControlEntry, AclBinding, AclFilter, AclOperation, PatternFilter, PatternType,
    Permission, ResourcePattern, ResourceType,
};
use kplay_core::check::invariants::check_all;
use kplay_core::cluster::command::ResetSpec;
use kplay_core::{
    AppCommits, BrokerId, Cluster, ClusterConfig, Command, CommitPolicy, ConfigResource,
    ElectionType, ErrorCode, MetadataMode, NewRecord, NodeId, Offset, Subscription, TopicPartition,
    Workload,
};
use proptest::prelude::*;

fn topic() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("orders".to_string()),
        2 => Just("payments".to_string()),
        1 => Just(String::new()),
        1 => Just("bad name!".to_string()),
        1 => Just("__consumer_offsets".to_string()),
        1 => Just("..".to_string()),
        1 => Just("t".repeat(250)),
    ]
}

fn broker() -> impl Strategy<Value = BrokerId> {
    prop_oneof![8 => (1..=3i32).prop_map(BrokerId), 1 => Just(BrokerId(0)), 1 => Just(BrokerId(99))]
}

fn client() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("p1".to_string()),
        Just("p2".to_string()),
        Just("c1".to_string()),
        Just("c2".to_string()),
        Just("ghost".to_string())
    ]
}

fn config() -> impl Strategy<Value = (String, String)> {
    let key = prop_oneof![
        Just("acks"),
        Just("linger.ms"),
        Just("batch.size"),
        Just("enable.idempotence"),
        Just("compression.type"),
        Just("min.insync.replicas"),
        Just("retention.ms"),
        Just("segment.bytes"),
        Just("segment.ms"),
        Just("segment.jitter.ms"),
        Just("max.compaction.lag.ms"),
        Just("cleanup.policy"),
        Just("max.message.bytes"),
        Just("group.id"),
        Just("auto.offset.reset"),
        Just("enable.auto.commit"),
        Just("transactional.id"),
        Just("unclean.leader.election.enable"),
        Just("max.poll.records"),
        Just("exclude.internal.topics"),
        Just("no.such.config"),
    ];
    let value = prop_oneof![
        Just("0"),
        Just("1"),
        Just("-1"),
        Just("all"),
        Just("true"),
        Just("false"),
        Just("compact"),
        Just("delete"),
        Just("gzip"),
        Just("earliest"),
        Just("none"),
        Just("g1"),
        Just("99999999999999999999"),
        Just(""),
        Just("2"),
    ];
    (key, value).prop_map(|(k, v)| (k.to_string(), v.to_string()))
}

/// No login (PLAINTEXT), or a SASL/PLAIN one with the right or a wrong password.
fn login() -> impl Strategy<Value = Vec<(String, String)>> {
    let user = prop_oneof![Just("alice"), Just("bob"), Just("admin"), Just("mallory")];
    prop_oneof![
        2 => Just(Vec::new()),
        3 => (user, any::<bool>()).prop_map(|(user, right)| {
            let password = if right { format!("{user}-secret") } else { "guess".to_string() };
            let jaas = format!(
                "org.apache.kafka.common.security.plain.PlainLoginModule required \
                 username=\"{user}\" password=\"{password}\";"
            );
            vec![
                ("security.protocol".to_string(), "SASL_PLAINTEXT".to_string()),
                ("sasl.mechanism".to_string(), "PLAIN".to_string()),
                ("sasl.jaas.config".to_string(), jaas),
            ]
        }),
    ]
}

/// Configs, with a login or not.
fn client_configs() -> impl Strategy<Value = Vec<(String, String)>> {
    (proptest::collection::vec(config(), 0..3), login()).prop_map(|(mut configs, login)| {
        configs.extend(login);
        configs
    })
}

fn acl() -> impl Strategy<Value = AclBinding> {
    let principal = prop_oneof![Just("User:alice"), Just("User:bob"), Just("User:*")];
    let operation = prop_oneof![
        Just(AclOperation::All),
        Just(AclOperation::Read),
        Just(AclOperation::Write),
        Just(AclOperation::Describe),
        Just(AclOperation::Create),
        Just(AclOperation::IdempotentWrite),
    ];
    let resource = prop_oneof![
        (topic(), any::<bool>()).prop_map(|(name, prefixed)| (ResourceType::Topic, name, prefixed)),
        Just((ResourceType::Topic, "*".to_string(), false)),
        Just((ResourceType::Group, "g1".to_string(), false)),
        Just((ResourceType::Group, "g".to_string(), true)),
        Just((ResourceType::Cluster, "kafka-cluster".to_string(), false)),
        Just((ResourceType::TransactionalId, "g1".to_string(), false)),
    ];
    (principal, operation, any::<bool>(), resource).prop_map(
        |(principal, operation, allow, (resource_type, name, prefixed))| {
            let pattern_type = if prefixed {
                PatternType::Prefixed
            } else {
                PatternType::Literal
            };
            AclBinding {
                pattern: ResourcePattern::new(resource_type, &name, pattern_type),
                entry: AccessControlEntry {
                    principal: principal.to_string(),
                    operation,
                    permission: if allow {
                        Permission::Allow
                    } else {
                        Permission::Deny
                    },
                },
            }
        },
    )
}

fn partition() -> impl Strategy<Value = TopicPartition> {
    (topic(), -1..8i32).prop_map(|(topic, p)| TopicPartition::new(&topic, p))
}

fn record() -> impl Strategy<Value = NewRecord> {
    (
        topic(),
        proptest::option::of("[a-z<>&\"]{0,6}"),
        proptest::option::of("[a-z ]{0,12}"),
        proptest::option::of(-2..10i32),
        proptest::option::of(-5..2_000_000_000_000i64),
    )
        .prop_map(|(topic, key, value, partition, timestamp_ms)| {
            let mut record = NewRecord::new(&topic, key.as_deref(), value.as_deref());
            record.partition = partition;
            record.timestamp_ms = timestamp_ms;
            record
        })
}

fn policy() -> impl Strategy<Value = CommitPolicy> {
    (proptest::option::of(0..200i64), 0..3i64, 0..3u8).prop_map(|(poll, processing, commits)| {
        CommitPolicy {
            poll_interval_ms: poll,
            processing_ms_per_record: processing,
            commits: match commits {
                0 => AppCommits::Never,
                1 => AppCommits::AfterProcessing { sync: true },
                _ => AppCommits::BeforeProcessing { sync: false },
            },
        }
    })
}

fn reset() -> impl Strategy<Value = ResetSpec> {
    prop_oneof![
        Just(ResetSpec::ToEarliest),
        Just(ResetSpec::ToLatest),
        Just(ResetSpec::ToCurrent),
        (-5..50i64).prop_map(ResetSpec::ToOffset),
        (-50..50i64).prop_map(ResetSpec::ShiftBy),
        (0..2_000_000_000_000i64).prop_map(ResetSpec::ToDatetime),
        (-10..100_000i64).prop_map(ResetSpec::ByDuration),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let configs = || proptest::collection::vec(config(), 0..3);
    let admin = prop_oneof![
        (topic(), -2..12i32, -2..5i32, configs()).prop_map(
            |(topic, partitions, replication_factor, configs)| {
                Command::CreateTopic {
                    topic,
                    partitions,
                    replication_factor,
                    configs,
                }
            }
        ),
        (
            topic(),
            prop::collection::vec(prop::collection::vec(broker(), 0..4), 0..4),
            configs()
        )
            .prop_map(
                |(topic, assignment, configs)| Command::CreateTopicWithAssignment {
                    topic,
                    assignment,
                    configs,
                }
            ),
        topic().prop_map(|topic| Command::DeleteTopic { topic }),
        (topic(), -1..12i32)
            .prop_map(|(topic, total_count)| Command::CreatePartitions { topic, total_count }),
        (
            topic(),
            configs(),
            proptest::collection::vec("[a-z.]{1,20}", 0..2)
        )
            .prop_map(|(topic, set, delete)| {
                Command::AlterConfigs {
                    resource: ConfigResource::Topic(topic),
                    set,
                    delete,
                }
            }),
        (broker(), configs()).prop_map(|(broker, set)| Command::AlterConfigs {
            resource: ConfigResource::Broker(broker),
            set,
            delete: Vec::new()
        }),
        (
            any::<bool>(),
            proptest::option::of(proptest::collection::vec(partition(), 0..3))
        )
            .prop_map(|(preferred, partitions)| Command::ElectLeaders {
                election: if preferred {
                    ElectionType::Preferred
                } else {
                    ElectionType::Unclean
                },
                partitions,
            }),
        (
            partition(),
            proptest::option::of(prop::collection::vec(broker(), 0..4))
        )
            .prop_map(
                |(partition, replicas)| Command::AlterPartitionReassignment {
                    partition,
                    replicas,
                }
            ),
        (
            client(),
            proptest::collection::vec(partition(), 0..3),
            reset()
        )
            .prop_map(|(group, partitions, spec)| {
                Command::ResetOffsets {
                    group,
                    partitions,
                    spec,
                }
            }),
        client().prop_map(|group| Command::DeleteGroup { group }),
        (partition(), -3..40i64)
            .prop_map(|(partition, offset)| Command::DeleteRecords { partition, offset }),
        proptest::collection::vec(acl(), 0..3)
            .prop_map(|bindings| Command::CreateAcls { bindings }),
        acl().prop_map(|binding| Command::DeleteAcls {
            filters: vec![AclFilter {
                resource_type: binding.pattern.resource_type,
                name: binding.pattern.name,
                pattern: PatternFilter::Any,
                entry: None,
            }],
        }),
    ];
    let faults = prop_oneof![
        broker().prop_map(|broker| Command::StopBroker { broker }),
        broker().prop_map(|broker| Command::ShutdownBroker { broker }),
        broker().prop_map(|broker| Command::StartBroker { broker }),
        broker().prop_map(|broker| Command::IsolateBroker { broker }),
        broker().prop_map(|broker| Command::RejoinBroker { broker }),
        (broker(), broker()).prop_map(|(a, b)| Command::CutLinks {
            side_a: vec![NodeId::Broker(a)],
            side_b: vec![NodeId::Broker(b)]
        }),
        (broker(), broker()).prop_map(|(a, b)| Command::RepairLinks {
            side_a: vec![NodeId::Broker(a)],
            side_b: vec![NodeId::Broker(b)]
        }),
        (broker(), -5..500i64)
            .prop_map(|(broker, extra_ms)| Command::DelayBroker { broker, extra_ms }),
        broker().prop_map(|broker| Command::HoldFetches { broker }),
        broker().prop_map(|broker| Command::ReleaseFetches { broker }),
        Just(Command::HealNetwork),
    ];
    let producers = prop_oneof![
        (client(), client_configs())
            .prop_map(|(name, configs)| Command::CreateProducer { name, configs }),
        (client(), record()).prop_map(|(producer, record)| Command::Produce { producer, record }),
        (client(), record()).prop_map(|(producer, record)| Command::Produce { producer, record }),
        client().prop_map(|producer| Command::Flush { producer }),
        client().prop_map(|producer| Command::CloseProducer { producer }),
        (client(), topic(), -10..5_000i64, -1..20i32, -1..100i32).prop_map(
            |(producer, topic, records_per_second, distinct_keys, value_bytes)| {
                Command::StartWorkload {
                    producer,
                    workload: Workload {
                        topic,
                        records_per_second,
                        distinct_keys,
                        value_bytes,
                    },
                }
            }
        ),
        client().prop_map(|producer| Command::StopWorkload { producer }),
        client().prop_map(|producer| Command::InitTransactions { producer }),
        client().prop_map(|producer| Command::BeginTransaction { producer }),
        client().prop_map(|producer| Command::CommitTransaction { producer }),
        client().prop_map(|producer| Command::AbortTransaction { producer }),
        (client(), client()).prop_map(|(producer, consumer)| Command::SendOffsetsToTransaction {
            producer,
            consumer
        }),
    ];
    let consumers = prop_oneof![
        (
            client(),
            client_configs(),
            0..3u8,
            proptest::collection::vec(partition(), 0..3),
            policy()
        )
            .prop_map(|(name, configs, kind, partitions, policy)| {
                Command::CreateConsumer {
                    name,
                    configs,
                    subscription: match kind {
                        0 => Subscription::Topics(vec!["orders".into()]),
                        1 => Subscription::Pattern("ord.*|__.*".into()),
                        _ => Subscription::Partitions(partitions),
                    },
                    policy,
                }
            }),
        client().prop_map(|consumer| Command::Poll { consumer }),
        (client(), any::<bool>()).prop_map(|(consumer, sync)| Command::Commit { consumer, sync }),
        (client(), partition(), -3..100i64).prop_map(|(consumer, partition, offset)| {
            Command::Seek {
                consumer,
                partition,
                offset: Offset(offset),
            }
        }),
        client().prop_map(|consumer| Command::CloseConsumer { consumer }),
        client().prop_map(|consumer| Command::CrashConsumer { consumer }),
    ];
    prop_oneof![2 => admin, 2 => faults, 4 => producers, 3 => consumers]
}

fn run(mode: MetadataMode, commands: Vec<(Command, i64)>) -> Cluster {
    run_with(mode, false, commands)
}

/// The brokers' lines that secure them: the mode's authorizer, a super user, and the
/// SASL/PLAIN listener's users.
fn secured_broker_configs(mode: MetadataMode) -> Vec<(String, String)> {
    let authorizer = match mode {
        MetadataMode::Kraft => kplay_core::acl::STANDARD_AUTHORIZER,
        MetadataMode::ZooKeeper => kplay_core::acl::ACL_AUTHORIZER,
    };
    let users = "org.apache.kafka.common.security.plain.PlainLoginModule required \
                 user_admin=\"admin-secret\" user_alice=\"alice-secret\" \
                 user_bob=\"bob-secret\";";
    vec![
        ("authorizer.class.name".into(), authorizer.into()),
        ("super.users".into(), "User:admin".into()),
        (kplay_core::acl::PLAIN_JAAS_CONFIG.into(), users.into()),
    ]
}

fn run_with(mode: MetadataMode, secured: bool, commands: Vec<(Command, i64)>) -> Cluster {
    let mut broker_configs = vec![("offsets.topic.num.partitions".into(), "2".into())];
    if secured {
        broker_configs.extend(secured_broker_configs(mode));
    }
    let config = ClusterConfig {
        metadata_mode: mode,
        broker_configs,
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, 3).expect("a valid cluster");
    cluster
        .apply(Command::CreateTopic {
            topic: "orders".into(),
            partitions: 3,
            replication_factor: 3,
            configs: Vec::new(),
        })
        .expect("created");
    for (command, wait_ms) in commands {
        let before = format!("{cluster:?}");
        if cluster.apply(command.clone()).is_err() {
            assert!(
                before == format!("{cluster:?}"),
                "the refused command {command:?} changed the state"
            );
        }
        cluster.run_for(wait_ms);
        let violations = check_all(&cluster);
        assert!(
            violations.is_empty(),
            "after {command:?} at {} ms: {violations:?}",
            cluster.now_ms()
        );
    }
    cluster
}

/// 48 cases in the test command; `KPLAY_COMMAND_CASES` runs more (see CONTRIBUTING.md).
fn cases() -> u32 {
    std::env::var("KPLAY_COMMAND_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(48)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_commands_never_panic_and_refusals_change_nothing(
        commands in proptest::collection::vec((command(), 0..800i64), 1..60),
        zookeeper in proptest::bool::weighted(0.25),
        secured in proptest::bool::weighted(0.3),
    ) {
        let mode = if zookeeper { MetadataMode::ZooKeeper } else { MetadataMode::Kraft };
        run_with(mode, secured, commands);
    }
}

/// One broker, the topic `orders` with 3 partitions, and the producer `p` with `configs`.
fn orders_and_a_producer(configs: Vec<(String, String)>) -> Cluster {
    let mut cluster = Cluster::new(ClusterConfig::default(), 1).expect("a valid cluster");
    cluster
        .apply(Command::CreateTopic {
            topic: "orders".into(),
            partitions: 3,
            replication_factor: 1,
            configs: Vec::new(),
        })
        .expect("created");
    cluster
        .apply(Command::CreateProducer {
            name: "p".into(),
            configs,
        })
        .expect("created");
    cluster
}

/// `p` sends the value `v` with no key to `orders`, to `partition` if given.
fn produce(
    cluster: &mut Cluster,
    partition: Option<i32>,
) -> Result<Vec<kplay_core::Event>, kplay_core::KafkaError> {
    let record = NewRecord {
        partition,
        ..NewRecord::new("orders", None, Some("v"))
    };
    cluster.apply(Command::Produce {
        producer: "p".into(),
        record,
    })
}

/// `ProducerRecord`'s constructor refuses a negative partition before `send()` is called. (A
/// partition the topic lacks makes `send()` wait for metadata: see `producer_blocking.rs`.)
#[test]
fn a_record_naming_a_negative_partition_is_refused() {
    let mut cluster = orders_and_a_producer(Vec::new());
    produce(&mut cluster, Some(0)).expect("partition 0 exists");
    cluster.run_for(1_000);
    let before = format!("{cluster:?}");
    let negative = produce(&mut cluster, Some(-1)).expect_err("negative");
    assert_eq!(
        negative.as_exception(),
        "java.lang.IllegalArgumentException: Invalid partition: -1. Partition number should always be non-negative or null."
    );
    assert_eq!(before, format!("{cluster:?}"), "a refusal changes nothing");
    produce(&mut cluster, Some(2)).expect("partition 2 exists");
}

/// A transactional producer's send before `initTransactions` is refused, naming the partition
/// the record would have gone to. Picking a null-key record's sticky partition drew from the
/// random source and left the pick behind, so a refused command changed the cluster and a
/// replay of the accepted commands (a share URL) would have diverged.
#[test]
fn a_refused_transactional_send_leaves_the_partitioner_as_it_was() {
    let mut cluster = orders_and_a_producer(vec![("transactional.id".into(), "t".into())]);
    // The first send waits for the topic's metadata, and is refused once it arrives.
    produce(&mut cluster, Some(0)).expect("waits for metadata");
    cluster.run_for(1_000);
    let before = format!("{cluster:?}");
    let refused = produce(&mut cluster, None).expect_err("not initialized");
    assert_eq!(refused.code, ErrorCode::IllegalState);
    assert!(
        refused.message.starts_with("Cannot add partition orders-")
            && refused
                .message
                .ends_with(" to transaction before completing a call to initTransactions"),
        "{}",
        refused.message
    );
    assert_eq!(
        before,
        format!("{cluster:?}"),
        "the refusal changes nothing"
    );
}

/// `KafkaConsumer.seek` refuses a negative offset, but moves the position anywhere else, and
/// a commit right after it commits the sought offset as it is: the coordinator does not check
/// it against the log either. The next fetch is out of range, and `auto.offset.reset` decides.
/// The invariants allow a committed offset past the log end only where a seek put it.
#[test]
fn a_seek_past_the_log_end_is_committed_as_it_is_and_a_negative_one_is_refused() {
    let mut cluster = Cluster::new(ClusterConfig::default(), 3).expect("a valid cluster");
    cluster
        .apply(Command::CreateTopic {
            topic: "orders".into(),
            partitions: 2,
            replication_factor: 3,
            configs: Vec::new(),
        })
        .expect("created");
    let partition = TopicPartition::new("orders", 0);
    cluster
        .apply(Command::CreateConsumer {
            name: "c".into(),
            configs: vec![("group.id".into(), "g".into())],
            subscription: Subscription::Partitions(vec![partition.clone()]),
            policy: CommitPolicy::default(),
        })
        .expect("created");
    cluster.run_for(3_000);
    let seek = |offset| Command::Seek {
        consumer: "c".into(),
        partition: partition.clone(),
        offset: Offset(offset),
    };
    let before = format!("{cluster:?}");
    let negative = cluster.apply(seek(-1)).expect_err("negative");
    assert_eq!(
        negative.as_exception(),
        "java.lang.IllegalArgumentException: seek offset must not be a negative number"
    );
    assert_eq!(
        before,
        format!("{cluster:?}"),
        "the refusal changes nothing"
    );

    let events = cluster.apply(seek(68)).expect("any offset from 0");
    assert!(
        events
            .iter()
            .any(|event| format!("{:?}", event.kind).contains("seek(orders-0, 68)")),
        "the event log says what the seek did: {events:?}"
    );
    cluster
        .apply(Command::Commit {
            consumer: "c".into(),
            sync: true,
        })
        .expect("committed");
    cluster.run_for(1_000);
    assert_eq!(cluster.committed_offset("g", &partition), Some(Offset(68)));
    assert_eq!(check_all(&cluster), Vec::new());
}

/// A topic deleted while a group consumes it, and created again at once with one partition (a
/// producer's metadata request auto-creates it): the member rejoins, and its commit before the
/// rebalance (`onJoinPrepare`, `allConsumed()`) names the positions it reached in the topic's
/// earlier life. Kafka checks a commit against neither the log nor the topic id, only that the
/// broker knows the partition (the invariants allow an old position for a deleted topic).
/// `orders-1` is gone, so its position is refused (`UNKNOWN_TOPIC_OR_PARTITION`); `orders-0` has
/// a new leader, so its position awaits validation (`AWAIT_VALIDATION` is not a valid position)
/// and is left out.
#[test]
fn positions_from_before_a_topic_was_deleted_are_not_committed_after_it() {
    let commands = vec![
        (
            Command::CreateProducer {
                name: "p".into(),
                configs: Vec::new(),
            },
            0,
        ),
        (
            Command::CreateConsumer {
                name: "c".into(),
                configs: vec![("group.id".into(), "g".into())],
                subscription: Subscription::Topics(vec!["orders".into()]),
                policy: CommitPolicy {
                    poll_interval_ms: Some(87),
                    processing_ms_per_record: 2,
                    commits: AppCommits::Never,
                },
            },
            0,
        ),
        (
            Command::StartWorkload {
                producer: "p".into(),
                workload: Workload {
                    topic: "orders".into(),
                    records_per_second: 1,
                    distinct_keys: 2,
                    value_bytes: 0,
                },
            },
            6_000,
        ),
        (
            Command::DeleteTopic {
                topic: "orders".into(),
            },
            300,
        ),
    ];
    let cluster = run(MetadataMode::Kraft, commands);
    let partitions = cluster
        .topic_view("orders")
        .map(|topic| topic.partitions.len())
        .expect("created again");
    assert_eq!(partitions, 1);
    assert_eq!(
        cluster.committed_offset("g", &TopicPartition::new("orders", 1)),
        None,
        "orders-1 no longer exists"
    );
    assert_eq!(
        cluster.committed_offset("g", &TopicPartition::new("orders", 0)),
        None,
        "orders-0's position was awaiting validation against its new leader"
    );
}

/// A broker cut off from the controller while its topic is deleted and created again still
/// leads the old topic's partition (it never hears of either change), with the old high
/// watermark; the brokers of the new topic's partition start it empty. Those are two partitions
/// with one name (Kafka tells them apart by topic id), so the old leader's high watermark is not
/// held against the new replicas' log ends.
#[test]
fn a_cut_off_leader_of_a_deleted_topic_keeps_its_old_high_watermark() {
    let commands = vec![
        (
            Command::CreateProducer {
                name: "p".into(),
                configs: Vec::new(),
            },
            0,
        ),
        (
            Command::StartWorkload {
                producer: "p".into(),
                workload: Workload {
                    topic: "orders".into(),
                    records_per_second: 3,
                    distinct_keys: 2,
                    value_bytes: 0,
                },
            },
            670,
        ),
        (
            Command::StopWorkload {
                producer: "p".into(),
            },
            340,
        ),
        (
            Command::IsolateBroker {
                broker: BrokerId(2),
            },
            0,
        ),
        (
            Command::DeleteTopic {
                topic: "orders".into(),
            },
            0,
        ),
        (
            Command::CreateTopic {
                topic: "orders".into(),
                partitions: 1,
                replication_factor: 2,
                configs: Vec::new(),
            },
            6,
        ),
    ];
    let cluster = run(MetadataMode::Kraft, commands);
    // The controller put the new orders-0 on brokers 2 and 3 (broker 2 is not fenced yet):
    // broker 3 follows the new partition, broker 2 still leads the old one.
    let view = cluster.view();
    let orders_0 = |broker: i32| {
        view.brokers
            .iter()
            .find(|b| b.id == BrokerId(broker))
            .and_then(|b| b.replicas.iter().find(|r| r.partition.partition == 0))
            .expect("a replica of orders-0")
    };
    let (old, new) = (orders_0(2), orders_0(3));
    assert_eq!(
        (old.role.as_str(), new.role.as_str()),
        ("leader", "follower")
    );
    assert!(
        old.high_watermark > new.log_end_offset,
        "the old life's high watermark {} is past the new log end {}",
        old.high_watermark,
        new.log_end_offset
    );
}

/// A consumer whose application polled every 0 ms scheduled its next poll at the same instant
/// forever, so simulated time stopped (and a browser tab froze). It is refused, with the reason.
#[test]
fn a_poll_interval_under_one_millisecond_is_refused() {
    let mut cluster = Cluster::new(ClusterConfig::default(), 1).expect("a valid cluster");
    let consumer = |poll_interval_ms| Command::CreateConsumer {
        name: "c".into(),
        configs: vec![("group.id".into(), "g".into())],
        subscription: Subscription::Topics(vec!["orders".into()]),
        policy: CommitPolicy {
            poll_interval_ms: Some(poll_interval_ms),
            ..CommitPolicy::default()
        },
    };
    let refused = cluster.apply(consumer(0)).expect_err("0 ms is refused");
    assert_eq!(refused.code, ErrorCode::ConfigException);
    cluster.apply(consumer(1)).expect("1 ms is fine");
    let before = cluster.now_ms();
    cluster.run_for(100);
    assert_eq!(cluster.now_ms(), before + 100);
}
