//! ACLs end to end: a cluster whose brokers run Kafka's authorizer checks every client request
//! against the ACLs the controller wrote to the metadata log. A producer needs `WRITE` on its
//! topic (and `DESCRIBE` to see it), a consumer `READ` on its topic and group; a `DENY` wins;
//! `super.users` and `allow.everyone.if.no.acl.found` decide before and after the ACLs.
//! See `kplay_core::acl` for the authorizer's rules, tested there after Kafka's
//! `AuthorizerTest` and `StandardAuthorizerTest`.

use kplay_core::acl::{
    AccessControlEntry, AclBinding, AclFilter, AclOperation, PatternFilter, PatternType,
    Permission, ResourcePattern, ResourceType,
};
use kplay_core::cluster::config::{ClusterConfig, MetadataMode};
use kplay_core::error::ErrorCode;
use kplay_core::{Command, CommitPolicy, EventKind, NewRecord, Subscription};

mod cluster_support;

use cluster_support::{login, login_with, pairs, Sim, TOPIC};

const STANDARD: &str = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

fn secured(extra: &[(&str, &str)]) -> Sim {
    let mut configs = vec![
        ("authorizer.class.name", STANDARD),
        ("super.users", "User:admin"),
    ];
    configs.extend_from_slice(extra);
    Sim::with_broker_configs(MetadataMode::Kraft, 3, &configs, 3, &[])
}

fn allow(
    user: &str,
    operation: AclOperation,
    resource_type: ResourceType,
    name: &str,
) -> AclBinding {
    binding(user, operation, Permission::Allow, resource_type, name)
}

fn binding(
    user: &str,
    operation: AclOperation,
    permission: Permission,
    resource_type: ResourceType,
    name: &str,
) -> AclBinding {
    AclBinding {
        pattern: ResourcePattern::new(resource_type, name, PatternType::Literal),
        entry: AccessControlEntry {
            principal: format!("User:{user}"),
            operation,
            permission,
        },
    }
}

/// `kafka-acls --add --producer --topic orders --allow-principal User:<user>`.
fn producer_acls(user: &str) -> Vec<AclBinding> {
    [
        AclOperation::Write,
        AclOperation::Describe,
        AclOperation::Create,
    ]
    .into_iter()
    .map(|op| allow(user, op, ResourceType::Topic, TOPIC))
    .collect()
}

fn add(sim: &mut Sim, bindings: Vec<AclBinding>) {
    sim.apply(Command::CreateAcls { bindings });
    sim.run_for(1_000);
}

fn start_producer(sim: &mut Sim, name: &str, user: &str) {
    let mut configs = login(user);
    configs.extend(pairs(&[("linger.ms", "0")]));
    sim.apply(Command::CreateProducer {
        name: name.into(),
        configs,
    });
    sim.run_for(500);
}

fn produce(sim: &mut Sim, producer: &str, count: usize) {
    for i in 0..count {
        sim.apply(Command::Produce {
            producer: producer.into(),
            record: NewRecord::new(TOPIC, Some(&format!("k{i}")), Some("v")),
        });
    }
    sim.run_for(2_000);
}

fn failures_with(sim: &Sim, code: ErrorCode) -> Vec<String> {
    sim.events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::ProduceFailed { error, .. } if error.code == code => {
                Some(error.message.clone())
            }
            _ => None,
        })
        .collect()
}

fn denials(sim: &Sim) -> Vec<(String, AclOperation, ResourceType, String, String)> {
    sim.events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::AuthorizationDenied {
                principal,
                operation,
                resource_type,
                name,
                api,
                ..
            } => Some((
                principal.clone(),
                *operation,
                *resource_type,
                name.clone(),
                api.clone(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_producer_without_acls_is_refused_and_its_producer_id_too() {
    let mut sim = secured(&[]);
    start_producer(&mut sim, "app", "alice");
    produce(&mut sim, "app", 1);
    // `waitOnMetadata`: the Metadata answer refuses the topic, and send() throws.
    assert_eq!(
        failures_with(&sim, ErrorCode::TopicAuthorizationFailed),
        ["Not authorized to access topics: [orders]"]
    );
    assert_eq!(sim.acknowledged(), 0);
    let denied = denials(&sim);
    assert!(denied.contains(&(
        "User:alice".into(),
        AclOperation::Describe,
        ResourceType::Topic,
        TOPIC.into(),
        "Metadata".into()
    )));
    // Idempotent by default: InitProducerId needs IDEMPOTENT_WRITE on the cluster or WRITE on
    // some topic; refused, it is fatal, so even with ACLs granted this producer stays broken.
    assert!(denied
        .iter()
        .any(|(_, op, kind, _, api)| *op == AclOperation::IdempotentWrite
            && *kind == ResourceType::Cluster
            && api == "InitProducerId"));
    add(&mut sim, producer_acls("alice"));
    produce(&mut sim, "app", 1);
    assert_eq!(sim.acknowledged(), 0);
    assert_eq!(
        failures_with(&sim, ErrorCode::ClusterAuthorizationFailed).len(),
        1
    );
    // A new producer, started with the ACLs in place, writes.
    start_producer(&mut sim, "app-2", "alice");
    produce(&mut sim, "app-2", 3);
    assert_eq!(sim.acknowledged(), 3);
}

#[test]
fn producer_acls_let_one_principal_write_and_a_deny_wins() {
    let mut sim = secured(&[]);
    add(&mut sim, producer_acls("alice"));
    start_producer(&mut sim, "alice-app", "alice");
    start_producer(&mut sim, "bob-app", "bob");
    produce(&mut sim, "alice-app", 2);
    produce(&mut sim, "bob-app", 2);
    assert_eq!(sim.acknowledged(), 2);
    assert_eq!(
        failures_with(&sim, ErrorCode::TopicAuthorizationFailed),
        [
            "Not authorized to access topics: [orders]",
            "Not authorized to access topics: [orders]"
        ]
    );
    // A DENY of WRITE wins over the ALLOW; DESCRIBE is still allowed, so the metadata is
    // fine and the Produce request itself is refused.
    let deny = binding(
        "alice",
        AclOperation::Write,
        Permission::Deny,
        ResourceType::Topic,
        TOPIC,
    );
    add(&mut sim, vec![deny]);
    produce(&mut sim, "alice-app", 1);
    assert_eq!(sim.acknowledged(), 2);
    assert!(denials(&sim)
        .iter()
        .any(|(who, op, _, _, api)| who == "User:alice"
            && *op == AclOperation::Write
            && api == "Produce"));
    assert_eq!(
        failures_with(&sim, ErrorCode::TopicAuthorizationFailed).len(),
        3
    );
    // Removing the DENY (a filter of its exact entry) lets alice write again.
    sim.apply(Command::DeleteAcls {
        filters: vec![AclFilter {
            resource_type: ResourceType::Topic,
            name: TOPIC.into(),
            pattern: PatternFilter::Exactly(PatternType::Literal),
            entry: Some(AccessControlEntry {
                principal: "User:alice".into(),
                operation: AclOperation::Write,
                permission: Permission::Deny,
            }),
        }],
    });
    sim.run_for(1_000);
    produce(&mut sim, "alice-app", 1);
    assert_eq!(sim.acknowledged(), 3);
    let listed = sim.cluster.describe_acls(None).expect("an authorizer");
    assert_eq!(listed, producer_acls("alice"));
}

fn start_consumer(sim: &mut Sim, name: &str, user: &str, group: &str) {
    let mut configs = login(user);
    configs.extend(pairs(&[
        ("group.id", group),
        ("auto.offset.reset", "earliest"),
    ]));
    sim.apply(Command::CreateConsumer {
        name: name.into(),
        configs,
        subscription: Subscription::Topics(vec![TOPIC.into()]),
        policy: CommitPolicy::default(),
    });
}

#[test]
fn a_consumer_needs_read_on_its_topic_and_its_group() {
    let mut sim = secured(&[]);
    add(&mut sim, producer_acls("alice"));
    start_producer(&mut sim, "app", "alice");
    produce(&mut sim, "app", 5);
    // READ (which implies DESCRIBE) on the topic, nothing on the group.
    add(
        &mut sim,
        vec![allow(
            "carol",
            AclOperation::Read,
            ResourceType::Topic,
            TOPIC,
        )],
    );
    start_consumer(&mut sim, "reader", "carol", "billing");
    sim.run_for(5_000);
    let view = &sim.cluster.consumer_views()[0];
    assert_eq!(view.records_delivered, 0);
    assert_eq!(
        view.last_error.as_deref(),
        Some("org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: billing")
    );
    // The denial is reported once, not on every poll.
    let reported = sim
        .events
        .iter()
        .filter(|event| matches!(&event.kind, EventKind::Client { trace, .. } if trace.contains("GROUP_AUTHORIZATION_FAILED")))
        .count();
    assert_eq!(reported, 1);
    add(
        &mut sim,
        vec![allow(
            "carol",
            AclOperation::Read,
            ResourceType::Group,
            "billing",
        )],
    );
    sim.run_until(15_000, "the consumer reads", |s| {
        s.cluster.consumer_views()[0].records_delivered == 5
    });
    assert_eq!(sim.cluster.consumer_views()[0].last_error, None);
}

#[test]
fn a_consumer_without_read_on_its_topic_gets_topic_authorization_exception() {
    let mut sim = secured(&[]);
    add(
        &mut sim,
        vec![allow(
            "dave",
            AclOperation::Read,
            ResourceType::Group,
            "audit",
        )],
    );
    start_consumer(&mut sim, "auditor", "dave", "audit");
    sim.run_for(5_000);
    let view = &sim.cluster.consumer_views()[0];
    assert_eq!(
        view.last_error.as_deref(),
        Some("org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]")
    );
}

#[test]
fn super_users_and_the_no_acl_default() {
    // The admin is a super user: no ACL needed.
    let mut sim = secured(&[]);
    start_producer(&mut sim, "ops", "admin");
    produce(&mut sim, "ops", 2);
    assert_eq!(sim.acknowledged(), 2);

    // `allow.everyone.if.no.acl.found=true`: a client that did not authenticate
    // (`User:ANONYMOUS`) writes to a topic without ACLs, until one names the topic.
    let mut open = secured(&[("allow.everyone.if.no.acl.found", "true")]);
    open.producer("anonymous", &[("linger.ms", "0")]);
    produce(&mut open, "anonymous", 1);
    assert_eq!(open.acknowledged(), 1);
    add(&mut open, producer_acls("alice"));
    produce(&mut open, "anonymous", 1);
    assert_eq!(open.acknowledged(), 1);
    assert!(denials(&open)
        .iter()
        .any(|(who, _, _, _, _)| who == "User:ANONYMOUS"));
}

#[test]
fn acls_need_an_authorizer_of_the_mode() {
    let mut plain = Sim::new(MetadataMode::Kraft, 3, 3, &[]);
    let refused = plain
        .cluster
        .apply(Command::CreateAcls {
            bindings: producer_acls("alice"),
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::SecurityDisabled);
    assert_eq!(refused.message, "No Authorizer is configured.");
    assert!(plain.cluster.describe_acls(None).is_err());

    let config = |mode: MetadataMode, class: &str| ClusterConfig {
        metadata_mode: mode,
        broker_configs: pairs(&[("authorizer.class.name", class)]),
        ..ClusterConfig::default()
    };
    let acl_authorizer = "kafka.security.authorizer.AclAuthorizer";
    assert!(kplay_core::Cluster::new(config(MetadataMode::Kraft, acl_authorizer), 1).is_err());
    assert!(kplay_core::Cluster::new(config(MetadataMode::ZooKeeper, STANDARD), 1).is_err());
    let mut zookeeper =
        kplay_core::Cluster::new(config(MetadataMode::ZooKeeper, acl_authorizer), 1)
            .expect("AclAuthorizer runs in ZooKeeper mode");
    zookeeper
        .apply(Command::CreateAcls {
            bindings: producer_acls("alice"),
        })
        .expect("ACLs with an authorizer");
    assert_eq!(zookeeper.describe_acls(None).unwrap().len(), 3);

    // The controller checks each new ACL.
    let mut sim = secured(&[]);
    let mut cluster_acl = allow("alice", AclOperation::Create, ResourceType::Cluster, "mine");
    let refused = sim
        .cluster
        .apply(Command::CreateAcls {
            bindings: vec![cluster_acl.clone()],
        })
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidRequest);
    cluster_acl.pattern.name = "kafka-cluster".into();
    sim.apply(Command::CreateAcls {
        bindings: vec![cluster_acl.clone(), cluster_acl],
    });
    assert_eq!(sim.cluster.describe_acls(None).unwrap().len(), 1);
}

#[test]
fn a_prefixed_acl_covers_every_topic_with_the_prefix() {
    let mut sim = secured(&[]);
    for topic in ["sales-eu", "sales-us", "salaries"] {
        sim.apply(Command::CreateTopic {
            topic: topic.into(),
            partitions: 1,
            replication_factor: 3,
            configs: Vec::new(),
        });
    }
    let mut prefixed = allow("erin", AclOperation::Write, ResourceType::Topic, "sales-");
    prefixed.pattern.pattern_type = PatternType::Prefixed;
    add(&mut sim, vec![prefixed]);
    start_producer(&mut sim, "erin-app", "erin");
    for topic in ["sales-eu", "sales-us", "salaries"] {
        sim.apply(Command::Produce {
            producer: "erin-app".into(),
            record: NewRecord::new(topic, None, Some("v")),
        });
    }
    sim.run_for(3_000);
    assert_eq!(sim.acknowledged(), 2);
    assert_eq!(
        failures_with(&sim, ErrorCode::TopicAuthorizationFailed),
        ["Not authorized to access topics: [salaries]"]
    );
}

#[test]
fn a_consumer_refused_its_topic_stops_reading_and_backs_off() {
    let mut sim = secured(&[]);
    add(&mut sim, producer_acls("alice"));
    add(
        &mut sim,
        vec![
            allow("bob", AclOperation::Read, ResourceType::Topic, TOPIC),
            allow("bob", AclOperation::Read, ResourceType::Group, "billing"),
        ],
    );
    start_producer(&mut sim, "app", "alice");
    produce(&mut sim, "app", 3);
    start_consumer(&mut sim, "reader", "bob", "billing");
    sim.run_until(15_000, "the consumer reads", |s| {
        s.cluster.consumer_views()[0].records_delivered == 3
    });
    let deny = binding(
        "bob",
        AclOperation::Read,
        Permission::Deny,
        ResourceType::Topic,
        TOPIC,
    );
    add(&mut sim, vec![deny]);
    let before = denials(&sim).len();
    produce(&mut sim, "app", 2);
    sim.run_for(5_000);
    assert_eq!(sim.cluster.consumer_views()[0].records_delivered, 3);
    assert_eq!(
        sim.cluster.consumer_views()[0].last_error.as_deref(),
        Some("org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]")
    );
    // Each leader is asked about once per `retry.backoff.max.ms` (1 s), not in a loop.
    let fetches = denials(&sim)[before..]
        .iter()
        .filter(|(_, _, _, _, api)| api == "Fetch")
        .count();
    assert!(
        (3..=24).contains(&fetches),
        "{fetches} refused fetches in 8 s"
    );
}

fn create_topic(sim: &mut Sim, topic: &str) {
    sim.apply(Command::CreateTopic {
        topic: topic.into(),
        partitions: 1,
        replication_factor: 3,
        configs: Vec::new(),
    });
    sim.run_for(1_000);
}

fn send_to(sim: &mut Sim, producer: &str, topic: &str) {
    sim.apply(Command::Produce {
        producer: producer.into(),
        record: NewRecord::new(topic, Some("k"), Some("v")),
    });
}

fn commit_failures(sim: &Sim) -> Vec<String> {
    sim.events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::OffsetCommitFailed { error, .. } => Some(error.as_exception()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_offset_commit_commits_the_topics_the_member_may_read() {
    let mut sim = secured(&[]);
    create_topic(&mut sim, "refunds");
    start_producer(&mut sim, "ops", "admin");
    produce(&mut sim, "ops", 4);
    send_to(&mut sim, "ops", "refunds");
    // Bob reads `orders`; `refunds` he may only describe, so he is assigned its partition
    // but may neither fetch from it nor commit its offset.
    add(
        &mut sim,
        vec![
            allow("bob", AclOperation::Read, ResourceType::Group, "billing"),
            allow("bob", AclOperation::Read, ResourceType::Topic, TOPIC),
            allow(
                "bob",
                AclOperation::Describe,
                ResourceType::Topic,
                "refunds",
            ),
        ],
    );
    let mut configs = login("bob");
    configs.extend(pairs(&[
        ("group.id", "billing"),
        ("auto.offset.reset", "earliest"),
    ]));
    sim.apply(Command::CreateConsumer {
        name: "reader".into(),
        configs,
        subscription: Subscription::Topics(vec![TOPIC.into(), "refunds".into()]),
        policy: CommitPolicy::default(),
    });
    sim.run_until(15_000, "the consumer reads orders", |s| {
        s.cluster.consumer_views()[0].records_delivered == 4
    });
    // Two auto-commits (`auto.commit.interval.ms` is 5 s).
    sim.run_for(11_000);
    let committed: i64 = sim
        .partitions()
        .iter()
        .filter_map(|view| sim.cluster.committed_offset("billing", &view.partition))
        .map(|offset| offset.0)
        .sum();
    assert_eq!(committed, 4, "{}", kplay_core::Cluster::trace(&sim.events));
    let refunds = kplay_core::TopicPartition::new("refunds", 0);
    assert_eq!(sim.cluster.committed_offset("billing", &refunds), None);
    let failures = commit_failures(&sim);
    assert!(!failures.is_empty());
    assert!(failures.iter().all(|failure| failure
        == "org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [refunds]"));
    assert!(denials(&sim).contains(&(
        "User:bob".into(),
        AclOperation::Read,
        ResourceType::Topic,
        "refunds".into(),
        "OffsetCommit".into()
    )));
}

/// Alice and Bob in group `billing`, both subscribed to `orders` and `refunds`: Alice joins
/// first, leads the group and may read both, so the assignment gives Bob a partition of
/// `refunds`, which he may not even describe.
fn refused_a_partition_by_the_leader() -> Sim {
    let mut sim = secured(&[]);
    sim.apply(Command::CreateTopic {
        topic: "refunds".into(),
        partitions: 2,
        replication_factor: 3,
        configs: Vec::new(),
    });
    sim.run_for(1_000);
    start_producer(&mut sim, "ops", "admin");
    produce(&mut sim, "ops", 6);
    let group_reader = |user: &str| {
        vec![
            allow(user, AclOperation::Read, ResourceType::Group, "billing"),
            allow(user, AclOperation::Read, ResourceType::Topic, TOPIC),
        ]
    };
    let mut acls = group_reader("alice");
    acls.extend(group_reader("bob"));
    acls.push(allow(
        "alice",
        AclOperation::Read,
        ResourceType::Topic,
        "refunds",
    ));
    add(&mut sim, acls);
    for (name, user) in [("first", "alice"), ("second", "bob")] {
        let mut configs = login(user);
        configs.extend(pairs(&[
            ("group.id", "billing"),
            ("auto.offset.reset", "earliest"),
        ]));
        sim.apply(Command::CreateConsumer {
            name: name.into(),
            configs,
            subscription: Subscription::Topics(vec![TOPIC.into(), "refunds".into()]),
            policy: CommitPolicy::default(),
        });
        sim.run_for(3_000);
    }
    sim.run_for(10_000);
    sim
}

#[test]
fn an_offset_fetch_is_refused_for_a_topic_the_member_may_not_describe() {
    let mut sim = refused_a_partition_by_the_leader();
    let views = sim.cluster.consumer_views();
    let bob = views.iter().find(|view| view.name == "second").unwrap();
    assert!(
        bob.partitions
            .iter()
            .any(|assigned| assigned.partition.topic == "refunds"),
        "{:?}",
        bob.partitions
    );
    // The whole OffsetFetch fails (`OffsetFetchResponseHandler`): Bob has no position in
    // `orders` either, and reads nothing.
    assert_eq!(
        bob.last_error.as_deref(),
        Some("org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [refunds]"),
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
    assert!(bob
        .partitions
        .iter()
        .all(|assigned| assigned.position.is_none()));
    assert_eq!(bob.records_delivered, 0);
    let refused_fetches = denials(&sim)
        .iter()
        .filter(|denial| {
            **denial
                == (
                    "User:bob".to_string(),
                    AclOperation::Describe,
                    ResourceType::Topic,
                    "refunds".to_string(),
                    "OffsetFetch".to_string(),
                )
        })
        .count();
    // Asked again once per `retry.backoff.max.ms` (1 s), not in a loop.
    assert!((3..=15).contains(&refused_fetches), "{refused_fetches}");

    // With `DESCRIBE` on `refunds`, the fetch answers: Bob reads `orders` (a fetch from
    // `refunds` needs `READ`, which he still lacks).
    add(
        &mut sim,
        vec![allow(
            "bob",
            AclOperation::Describe,
            ResourceType::Topic,
            "refunds",
        )],
    );
    sim.run_until(15_000, "Bob reads orders", |s| {
        let views = s.cluster.consumer_views();
        let bob = views.iter().find(|view| view.name == "second").unwrap();
        bob.partitions
            .iter()
            .all(|assigned| assigned.position.is_some())
            && bob.records_delivered > 0
    });
}

/// Kafka fetches the committed offsets of the partitions the member holds without a position
/// (`initializingPartitions`), at each poll: a refused fetch is not asked again for partitions
/// a rebalance took away.
#[test]
fn a_refused_offset_fetch_is_not_asked_again_for_partitions_taken_away() {
    let mut sim = refused_a_partition_by_the_leader();
    sim.apply(Command::DeleteTopic {
        topic: "refunds".into(),
    });
    sim.run_until(60_000, "Bob holds only orders, with positions", |s| {
        let views = s.cluster.consumer_views();
        let bob = views.iter().find(|view| view.name == "second").unwrap();
        !bob.partitions.is_empty()
            && bob
                .partitions
                .iter()
                .all(|assigned| assigned.partition.topic == TOPIC && assigned.position.is_some())
    });
    let refused_fetches = |sim: &Sim| {
        denials(sim)
            .iter()
            .filter(|(_, _, _, _, api)| api == "OffsetFetch")
            .count()
    };
    let before = refused_fetches(&sim);
    sim.run_for(10_000);
    assert_eq!(
        refused_fetches(&sim),
        before,
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
}

#[test]
fn an_offset_fetch_needs_describe_on_the_group() {
    let mut sim = secured(&[]);
    add(
        &mut sim,
        vec![
            allow("bob", AclOperation::Read, ResourceType::Topic, TOPIC),
            allow("bob", AclOperation::Read, ResourceType::Group, "billing"),
        ],
    );
    start_consumer(&mut sim, "reader", "bob", "billing");
    sim.run_until(15_000, "the consumer is assigned", |s| {
        let view = &s.cluster.consumer_views()[0];
        !view.partitions.is_empty() && view.partitions.iter().all(|p| p.position.is_some())
    });
    // READ on the group lets bob rejoin; a DENY of DESCRIBE refuses his OffsetFetch. A new
    // partition, seen at the next metadata refresh, makes him rejoin and fetch its offset.
    let deny = binding(
        "bob",
        AclOperation::Describe,
        Permission::Deny,
        ResourceType::Group,
        "billing",
    );
    add(&mut sim, vec![deny]);
    sim.apply(Command::CreatePartitions {
        topic: TOPIC.into(),
        total_count: 4,
    });
    let new_partition = kplay_core::TopicPartition::new(TOPIC, 3);
    sim.run_until(400_000, "the new partition is assigned", |s| {
        s.cluster.consumer_views()[0]
            .partitions
            .iter()
            .any(|assigned| assigned.partition == new_partition)
    });
    sim.run_for(5_000);
    let view = &sim.cluster.consumer_views()[0];
    assert_eq!(
        view.last_error.as_deref(),
        Some("org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: billing"),
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
    assert!(view
        .partitions
        .iter()
        .all(|assigned| assigned.position.is_none()));
    assert!(denials(&sim).contains(&(
        "User:bob".into(),
        AclOperation::Describe,
        ResourceType::Group,
        "billing".into(),
        "OffsetFetch".into()
    )));
    // The coordinator is still his: the consumer does not look it up again.
    assert!(denials(&sim)
        .iter()
        .all(|(_, _, _, _, api)| api != "FindCoordinator"));
}

fn abortable_errors(sim: &Sim) -> Vec<String> {
    sim.events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Transaction(kplay_core::transaction::TransactionEvent::AbortableError {
                error,
                ..
            }) => Some(error.as_exception()),
            _ => None,
        })
        .collect()
}

/// The transactional producer of these tests.
const TX: &str = "tx";

/// Starts producer [`TX`] as `user` with `transactional.id`, and calls `initTransactions()`.
fn start_transactional(sim: &mut Sim, user: &str, transactional_id: &str) {
    let mut configs = login(user);
    configs.extend(pairs(&[
        ("transactional.id", transactional_id),
        ("linger.ms", "0"),
    ]));
    sim.apply(Command::CreateProducer {
        name: TX.into(),
        configs,
    });
    transactional(sim, Call::Init);
}

/// The transactional calls of producer [`TX`].
enum Call {
    Init,
    Begin,
    Commit,
    Abort,
    SendOffsetsOf(&'static str),
}

impl Call {
    fn command(self) -> Command {
        let producer = TX.to_string();
        match self {
            Call::Init => Command::InitTransactions { producer },
            Call::Begin => Command::BeginTransaction { producer },
            Call::Commit => Command::CommitTransaction { producer },
            Call::Abort => Command::AbortTransaction { producer },
            Call::SendOffsetsOf(consumer) => Command::SendOffsetsToTransaction {
                producer,
                consumer: consumer.into(),
            },
        }
    }
}

/// Makes a transactional call and waits 3 s.
fn transactional(sim: &mut Sim, call: Call) {
    sim.apply(call.command());
    sim.run_for(3_000);
}

/// A transactional call that throws at once (the producer is in an error state).
fn refused(sim: &mut Sim, call: Call) -> String {
    match sim.cluster.apply(call.command()) {
        Ok(_) => panic!("accepted"),
        Err(error) => error.message,
    }
}

const IN_ERROR: &str = "Cannot execute transactional method because we are in an error state";

#[test]
fn a_transaction_needs_write_on_its_transactional_id_and_its_topics() {
    let mut sim = secured(&[]);
    let id_acl = allow(
        "tina",
        AclOperation::Write,
        ResourceType::TransactionalId,
        "payments",
    );
    let describe = allow("tina", AclOperation::Describe, ResourceType::Topic, TOPIC);
    add(&mut sim, vec![id_acl, describe]);
    start_transactional(&mut sim, "tina", "payments");
    // DESCRIBE lets the producer see `orders`, but adding it to the transaction needs WRITE:
    // an abortable error, which only an abort clears.
    transactional(&mut sim, Call::Begin);
    send_to(&mut sim, TX, TOPIC);
    sim.run_for(2_000);
    let denial = |operation, resource_type, name: &str| {
        let api = "AddPartitionsToTxn".to_string();
        (
            "User:tina".to_string(),
            operation,
            resource_type,
            name.to_string(),
            api,
        )
    };
    let topic_denial = denial(AclOperation::Write, ResourceType::Topic, TOPIC);
    assert!(denials(&sim).contains(&topic_denial));
    assert_eq!(
        abortable_errors(&sim),
        ["org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]"],
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
    assert_eq!(refused(&mut sim, Call::Commit), IN_ERROR);
    transactional(&mut sim, Call::Abort);

    // With WRITE on the topic the next transaction commits.
    let write = allow("tina", AclOperation::Write, ResourceType::Topic, TOPIC);
    add(&mut sim, vec![write]);
    transactional(&mut sim, Call::Begin);
    send_to(&mut sim, TX, TOPIC);
    sim.run_for(1_000);
    transactional(&mut sim, Call::Commit);
    assert_eq!(sim.acknowledged(), 1);

    // A DENY on the transactional id stops the producer for good at its next request.
    let deny = binding(
        "tina",
        AclOperation::Write,
        Permission::Deny,
        ResourceType::TransactionalId,
        "payments",
    );
    add(&mut sim, vec![deny]);
    transactional(&mut sim, Call::Begin);
    send_to(&mut sim, TX, TOPIC);
    sim.run_for(1_000);
    let id_denial = denial(
        AclOperation::Write,
        ResourceType::TransactionalId,
        "payments",
    );
    assert!(denials(&sim).contains(&id_denial));
    assert_eq!(
        failures_with(&sim, ErrorCode::TransactionalIdAuthorizationFailed),
        ["Transactional Id authorization failed."],
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
    assert_eq!(abortable_errors(&sim).len(), 1);
    assert_eq!(refused(&mut sim, Call::Abort), IN_ERROR);
}

#[test]
fn offsets_sent_to_a_transaction_need_read_on_the_group_and_the_topics() {
    let mut sim = secured(&[]);
    start_producer(&mut sim, "ops", "admin");
    produce(&mut sim, "ops", 3);
    // The application reads `orders` in group `copiers` as the admin and writes its output
    // transactionally as `tina`, who may write to `orders` and to her transactional id.
    let mut tina = producer_acls("tina");
    tina.push(allow(
        "tina",
        AclOperation::Write,
        ResourceType::TransactionalId,
        "copier",
    ));
    add(&mut sim, tina);
    let mut configs = login("admin");
    configs.extend(pairs(&[
        ("group.id", "copiers"),
        ("auto.offset.reset", "earliest"),
        ("enable.auto.commit", "false"),
    ]));
    sim.apply(Command::CreateConsumer {
        name: "reader".into(),
        configs,
        subscription: Subscription::Topics(vec![TOPIC.into()]),
        policy: CommitPolicy::default(),
    });
    sim.run_until(15_000, "the consumer reads", |s| {
        s.cluster.consumer_views()[0].records_delivered == 3
    });
    start_transactional(&mut sim, "tina", "copier");
    transactional(&mut sim, Call::Begin);
    transactional(&mut sim, Call::SendOffsetsOf("reader"));
    // AddOffsetsToTxn needs READ on the group: an abortable error.
    assert_eq!(
        abortable_errors(&sim),
        ["org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: copiers"],
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
    transactional(&mut sim, Call::Abort);

    // With READ on the group and on the topic whose offsets it commits, the transaction
    // commits them.
    add(
        &mut sim,
        vec![
            allow("tina", AclOperation::Read, ResourceType::Group, "copiers"),
            allow("tina", AclOperation::Read, ResourceType::Topic, TOPIC),
        ],
    );
    transactional(&mut sim, Call::Begin);
    transactional(&mut sim, Call::SendOffsetsOf("reader"));
    transactional(&mut sim, Call::Commit);
    let committed: i64 = sim
        .partitions()
        .iter()
        .filter_map(|view| sim.cluster.committed_offset("copiers", &view.partition))
        .map(|offset| offset.0)
        .sum();
    assert_eq!(committed, 3, "{}", kplay_core::Cluster::trace(&sim.events));
    assert_eq!(abortable_errors(&sim).len(), 1);
}

/// The brokers' SASL/PLAIN listener with its users, as `server.properties` sets it.
const PLAIN_USERS: &str = "org.apache.kafka.common.security.plain.PlainLoginModule required \
     username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" \
     user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

fn with_password(user: &str, password: &str) -> Vec<(String, String)> {
    [login_with(user, password), pairs(&[("linger.ms", "0")])].concat()
}

#[test]
fn a_login_with_a_wrong_password_is_refused_before_any_acl_is_checked() {
    let mut sim = secured(&[(
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        PLAIN_USERS,
    )]);
    add(&mut sim, producer_acls("alice"));
    // Alice's password is wrong: every request comes back with the connection closed.
    sim.apply(Command::CreateProducer {
        name: "guess".into(),
        configs: with_password("alice", "alice123"),
    });
    sim.run_for(500);
    produce(&mut sim, "guess", 1);
    let refused = "Authentication failed: Invalid username or password";
    assert_eq!(
        failures_with(&sim, ErrorCode::SaslAuthenticationFailed),
        [refused],
        "{}",
        kplay_core::Cluster::trace(&sim.events)
    );
    let logins_refused = |sim: &Sim| {
        sim.events
            .iter()
            .filter(|event| matches!(&event.kind, EventKind::AuthenticationFailed { principal, .. } if principal == "User:alice"))
            .count()
    };
    assert!(logins_refused(&sim) > 0);
    // The authorizer never saw a request of hers.
    assert!(denials(&sim).is_empty());
    // The connection backs off between logins: a few a second, not a loop.
    let before = logins_refused(&sim);
    sim.run_for(10_000);
    let later = logins_refused(&sim) - before;
    assert!(
        (5..=30).contains(&later),
        "{later} logins refused in 10 s: {}",
        kplay_core::Cluster::trace(&sim.events)
    );

    // With her password the same ACLs let her write.
    sim.apply(Command::CreateProducer {
        name: "shop".into(),
        configs: with_password("alice", "alice-secret"),
    });
    sim.run_for(500);
    produce(&mut sim, "shop", 2);
    assert_eq!(sim.acknowledged(), 2);

    // A consumer whose user the listener does not know: poll() throws, once while it lasts.
    let mut configs = with_password("mallory", "bob-secret");
    configs.extend(pairs(&[("group.id", "billing")]));
    sim.apply(Command::CreateConsumer {
        name: "reader".into(),
        configs,
        subscription: Subscription::Topics(vec![TOPIC.into()]),
        policy: CommitPolicy::default(),
    });
    sim.run_for(5_000);
    let view = &sim.cluster.consumer_views()[0];
    assert_eq!(
        view.last_error.as_deref(),
        Some("org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed: Invalid username or password")
    );
    let reported = sim
        .events
        .iter()
        .filter(|event| matches!(&event.kind, EventKind::Client { trace, .. } if trace.contains("SASL_AUTHENTICATION_FAILED")))
        .count();
    assert_eq!(reported, 1);
}

#[test]
fn without_the_listeners_jaas_line_any_password_passes() {
    let mut sim = secured(&[]);
    add(&mut sim, producer_acls("alice"));
    sim.apply(Command::CreateProducer {
        name: "shop".into(),
        configs: with_password("alice", "anything"),
    });
    sim.run_for(500);
    produce(&mut sim, "shop", 1);
    assert_eq!(sim.acknowledged(), 1);
}

/// `KafkaApis.handleTopicMetadataRequest`: an all-topics Metadata request lists only the topics
/// the caller may describe, without an error for the others. So a pattern never matches a topic
/// its consumer may not describe, and nothing is refused or thrown (where `subscribe` to the
/// same topic by name throws `TopicAuthorizationException`).
#[test]
fn a_pattern_does_not_match_a_topic_its_consumer_may_not_describe() {
    let mut sim = secured(&[]);
    sim.apply(Command::CreateTopic {
        topic: "orders-secret".into(),
        partitions: 1,
        replication_factor: 3,
        configs: Vec::new(),
    });
    sim.run_for(1_000);
    add(
        &mut sim,
        vec![
            allow("bob", AclOperation::Read, ResourceType::Group, "billing"),
            allow("bob", AclOperation::Read, ResourceType::Topic, TOPIC),
        ],
    );
    let mut configs = login("bob");
    configs.push(("group.id".into(), "billing".into()));
    sim.apply(Command::CreateConsumer {
        name: "reader".into(),
        configs,
        subscription: Subscription::Pattern("orders.*".into()),
        policy: CommitPolicy::default(),
    });
    sim.run_for(15_000);
    let views = sim.cluster.consumer_views();
    let topics: Vec<&str> = views[0]
        .partitions
        .iter()
        .map(|assigned| assigned.partition.topic.as_str())
        .collect();
    assert!(
        !topics.is_empty() && topics.iter().all(|topic| *topic == TOPIC),
        "{topics:?}"
    );
    assert_eq!(views[0].last_error, None);
    assert!(denials(&sim).is_empty(), "{:?}", denials(&sim));
}
