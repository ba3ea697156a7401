//! Transactions end to end, driving the whole simulation: a transactional producer, its
//! transaction coordinator, COMMIT/ABORT markers, the last stable offset and `read_committed`
//! consumers. Each test names the Kafka behaviour it pins and the Kafka test or source it
//! follows.

mod transactions_support;

use kplay_core::cluster::event::EventKind;
use kplay_core::error::ErrorCode;
use kplay_core::transaction::TransactionEvent;
use kplay_core::{BrokerId, Cluster, Command, NewRecord, Offset};

use transactions_support::*;

/// Kafka's `TransactionsTest.testBasicTransactions` and
/// `testReadCommittedConsumerShouldNotSeeUndecidedData`: a read_committed consumer gets a
/// transaction's records only once its COMMIT marker is written, while a read_uncommitted one
/// gets them as soon as they are replicated.
#[test]
fn committed_records_reach_read_committed_consumers_only_after_the_commit() {
    let mut cluster = cluster();
    transactional_producer(&mut cluster, "p", "txn-1");
    init_transactions(&mut cluster, "p");
    let committed_reader = consumer(&mut cluster, "committed", "read_committed", orders());
    let uncommitted_reader = consumer(&mut cluster, "uncommitted", "read_uncommitted", orders());
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("one"));
    send(&mut cluster, "p", record("two"));
    let open = run_for(&mut cluster, 2_000);
    assert_eq!(
        delivered(&open, committed_reader),
        0,
        "{}",
        Cluster::trace(&open)
    );
    assert_eq!(
        delivered(&open, uncommitted_reader),
        2,
        "{}",
        Cluster::trace(&open)
    );
    let mut after = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    after.extend(run_for(&mut cluster, 2_000));
    assert!(committed(&after), "{}", Cluster::trace(&after));
    assert_eq!(
        delivered(&after, committed_reader),
        2,
        "{}",
        Cluster::trace(&after)
    );
    assert_eq!(
        delivered(&after, uncommitted_reader),
        0,
        "markers are never delivered"
    );
    let described = cluster.describe_transaction("txn-1").expect("known");
    assert_eq!(described.state, "CompleteCommit");
}

/// `TransactionsTest.testBasicTransactions` (its aborted half) and Kafka's `CompletedFetch`:
/// read_committed skips the records of aborted transactions, using the aborted transactions
/// the leader returns; read_uncommitted returns them; neither returns markers.
#[test]
fn aborted_records_reach_read_uncommitted_consumers_but_never_read_committed_ones() {
    let mut cluster = cluster();
    transactional_producer(&mut cluster, "p", "txn-1");
    init_transactions(&mut cluster, "p");
    let committed_reader = consumer(&mut cluster, "committed", "read_committed", orders());
    let uncommitted_reader = consumer(&mut cluster, "uncommitted", "read_uncommitted", orders());
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("aborted-1"));
    send(&mut cluster, "p", record("aborted-2"));
    let mut events = run_for(&mut cluster, 1_000);
    events.extend(apply(
        &mut cluster,
        Command::AbortTransaction {
            producer: "p".into(),
        },
    ));
    events.extend(run_for(&mut cluster, 1_000));
    assert!(
        transaction_events(&events)
            .iter()
            .any(|event| matches!(event, TransactionEvent::Aborted { .. })),
        "{}",
        Cluster::trace(&events)
    );
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("committed"));
    events.extend(apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    ));
    events.extend(run_for(&mut cluster, 2_000));
    assert_eq!(
        delivered(&events, committed_reader),
        1,
        "{}",
        Cluster::trace(&events)
    );
    assert_eq!(
        delivered(&events, uncommitted_reader),
        3,
        "{}",
        Cluster::trace(&events)
    );
    let views = cluster.consumer_views();
    let position = |name: &str| {
        views
            .iter()
            .find(|view| view.name == name)
            .and_then(|view| view.partitions[0].position)
    };
    // Two aborted records, the ABORT marker, one record, the COMMIT marker: both consumers
    // are past the last marker.
    assert_eq!(position("committed"), Some(Offset(5)));
    assert_eq!(position("uncommitted"), Some(Offset(5)));
}

/// `UnifiedLog.lastStableOffset` / `ProducerStateManager.firstUnstableOffset`: while a
/// transaction is open the last stable offset stays at its first offset, even as other
/// producers' records move the high watermark on; read_committed consumers stop there.
#[test]
fn the_last_stable_offset_stays_at_the_first_offset_of_an_open_transaction() {
    let mut cluster = cluster();
    transactional_producer(&mut cluster, "p", "txn-1");
    producer(&mut cluster, "plain", &[]);
    init_transactions(&mut cluster, "p");
    send(&mut cluster, "plain", record("before"));
    run_for(&mut cluster, 1_000);
    let reader = consumer(&mut cluster, "committed", "read_committed", orders());
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("in-transaction"));
    let mut open = run_for(&mut cluster, 1_000);
    for value in ["after-1", "after-2", "after-3"] {
        send(&mut cluster, "plain", record(value));
    }
    open.extend(run_for(&mut cluster, 2_000));
    let (high_watermark, last_stable_offset) = partition_offsets(&cluster, "orders", 0);
    assert_eq!(high_watermark, Offset(5));
    assert_eq!(
        last_stable_offset,
        Offset(1),
        "the transaction starts at offset 1"
    );
    assert_eq!(cluster.last_stable_offset(&orders()[0]), Some(Offset(1)));
    assert_eq!(delivered(&open, reader), 1, "only the record below the LSO");
    let lag = cluster
        .consumer_views()
        .into_iter()
        .find(|view| view.name == "committed")
        .and_then(|view| view.partitions[0].lag);
    assert_eq!(
        lag,
        Some(0),
        "read_committed lag counts to the last stable offset"
    );
    let mut after = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    after.extend(run_for(&mut cluster, 2_000));
    let (high_watermark, last_stable_offset) = partition_offsets(&cluster, "orders", 0);
    assert_eq!((high_watermark, last_stable_offset), (Offset(6), Offset(6)));
    assert_eq!(delivered(&after, reader), 4, "{}", Cluster::trace(&after));
}

/// `TransactionCoordinatorTest.shouldAbortTransactionOnHandleInitPidWhenExistingTransactionInOngoingState`
/// and `TransactionsTest.testFencingOnCommit`: a new producer with the same transactional.id
/// bumps the epoch, which aborts the old instance's open transaction and fences it; its commit
/// then fails with `ProducerFencedException` and so does every later call.
#[test]
fn a_second_producer_with_the_same_transactional_id_fences_the_first() {
    let mut cluster = cluster();
    transactional_producer(&mut cluster, "zombie", "txn-1");
    transactional_producer(&mut cluster, "successor", "txn-1");
    init_transactions(&mut cluster, "zombie");
    let reader = consumer(&mut cluster, "committed", "read_committed", orders());
    begin(&mut cluster, "zombie");
    send(&mut cluster, "zombie", record("from-the-zombie"));
    let mut events = run_for(&mut cluster, 1_000);
    events.extend(init_transactions(&mut cluster, "successor"));
    let initialized: Vec<i16> = transaction_events(&events)
        .into_iter()
        .filter_map(|event| match event {
            TransactionEvent::Initialized { producer_epoch, .. } => Some(producer_epoch),
            _ => None,
        })
        .collect();
    assert_eq!(
        initialized,
        vec![2],
        "the fence bumps to 1 to abort, the successor retries and gets 2"
    );
    events.extend(apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "zombie".into(),
        },
    ));
    events.extend(run_for(&mut cluster, 2_000));
    let failures = call_failures(&events);
    assert_eq!(failures.len(), 1, "{}", Cluster::trace(&events));
    assert_eq!(failures[0].0, "commitTransaction");
    assert_eq!(failures[0].1.code, ErrorCode::ProducerFenced);
    assert!(transaction_events(&events)
        .iter()
        .any(|event| matches!(event, TransactionEvent::Fenced { .. })));
    let later = refusal(
        &mut cluster,
        Command::Produce {
            producer: "zombie".into(),
            record: record("late"),
        },
    );
    assert_eq!(later.code, ErrorCode::ProducerFenced);
    assert!(
        later
            .message
            .starts_with("Producer with transactionalId 'txn-1' and (producerId="),
        "{later}"
    );
    assert!(later
        .message
        .ends_with(", epoch=0) has been fenced by another producer with the same transactionalId"));
    assert_eq!(
        delivered(&events, reader),
        0,
        "the zombie's record was aborted"
    );
}

/// `TransactionCoordinator.abortTimedOutTransactions` and
/// `TransactionsTest.testFencingOnTransactionExpiration`: a transaction left open past its
/// `transaction.timeout.ms` is aborted by the coordinator with a bumped epoch, so its producer
/// is fenced when it finally commits.
#[test]
fn a_transaction_open_past_its_timeout_is_aborted_by_the_coordinator() {
    let mut cluster = cluster();
    producer(
        &mut cluster,
        "p",
        &[
            ("transactional.id", "slow"),
            ("transaction.timeout.ms", "5000"),
        ],
    );
    init_transactions(&mut cluster, "p");
    let committed_reader = consumer(&mut cluster, "committed", "read_committed", orders());
    let uncommitted_reader = consumer(&mut cluster, "uncommitted", "read_uncommitted", orders());
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("forgotten"));
    let mut events = run_for(&mut cluster, 30_000);
    let timed_out = transaction_events(&events).into_iter().any(|event| {
        matches!(
            event,
            TransactionEvent::TimedOut {
                timeout_ms: 5_000,
                ..
            }
        )
    });
    assert!(timed_out, "{}", Cluster::trace(&events));
    assert_eq!(
        cluster
            .describe_transaction("slow")
            .map(|view| view.state)
            .ok()
            .as_deref(),
        Some("CompleteAbort")
    );
    assert_eq!(delivered(&events, committed_reader), 0);
    assert_eq!(delivered(&events, uncommitted_reader), 1);
    events = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    events.extend(run_for(&mut cluster, 2_000));
    let failures = call_failures(&events);
    assert_eq!(failures.len(), 1, "{}", Cluster::trace(&events));
    assert_eq!(failures[0].1.code, ErrorCode::ProducerFenced);
}

/// `TransactionCoordinator.handleInitProducerId`: a `transaction.timeout.ms` above the
/// broker's `transaction.max.timeout.ms` is refused with `INVALID_TRANSACTION_TIMEOUT`, which
/// `InitProducerIdHandler` turns into a fatal `KafkaException`.
#[test]
fn a_transaction_timeout_above_the_broker_maximum_is_refused() {
    let mut cluster = cluster();
    producer(
        &mut cluster,
        "p",
        &[
            ("transactional.id", "txn-1"),
            ("transaction.timeout.ms", "900001"),
        ],
    );
    let mut events = apply(
        &mut cluster,
        Command::InitTransactions {
            producer: "p".into(),
        },
    );
    events.extend(run_for(&mut cluster, 3_000));
    let failures = call_failures(&events);
    assert_eq!(failures.len(), 1, "{}", Cluster::trace(&events));
    assert_eq!(failures[0].1.code, ErrorCode::KafkaException);
    assert_eq!(
        failures[0].1.message,
        "Unexpected error in InitProducerIdResponse; The transaction timeout is larger than the maximum value allowed by the broker (as configured by transaction.max.timeout.ms)."
    );
}

/// `TransactionManagerTest` (`testFailIfNotReadyForSendNoProducerId`,
/// `testInvalidTransitionsAfterCommit`-style) and `KafkaProducer.throwIfNoTransactionManager`:
/// calls in the wrong state throw `IllegalStateException` with Kafka's own message.
#[test]
fn calls_in_the_wrong_state_throw_kafkas_illegal_state_exceptions() {
    let mut cluster = cluster();
    producer(&mut cluster, "plain", &[]);
    let error = refusal(
        &mut cluster,
        Command::InitTransactions {
            producer: "plain".into(),
        },
    );
    assert_eq!(error.code, ErrorCode::IllegalState);
    assert_eq!(
        error.message,
        "Cannot use transactional methods without enabling transactions by setting the transactional.id configuration property"
    );

    transactional_producer(&mut cluster, "p", "txn-1");
    let error = refusal(
        &mut cluster,
        Command::BeginTransaction {
            producer: "p".into(),
        },
    );
    assert_eq!(
        error.message,
        "TransactionalId txn-1: Invalid transition attempted from state UNINITIALIZED to state IN_TRANSACTION"
    );
    // The producer learns the topic's metadata first (send blocks for it), then refuses.
    let events = apply(
        &mut cluster,
        Command::Produce {
            producer: "p".into(),
            record: record("too-early"),
        },
    );
    let mut events = [events, run_for(&mut cluster, 1_000)].concat();
    let failed = events.iter().find_map(|event| match &event.kind {
        EventKind::ProduceFailed { error, .. } => Some(error.clone()),
        _ => None,
    });
    assert_eq!(
        failed.map(|error| error.message).as_deref(),
        Some("Cannot add partition orders-0 to transaction before completing a call to initTransactions"),
        "{}",
        Cluster::trace(&events)
    );

    events = init_transactions(&mut cluster, "p");
    assert!(call_failures(&events).is_empty());
    let expect = |cluster: &mut Cluster, command: Command, message: &str| {
        let error = refusal(cluster, command);
        assert_eq!(error.code, ErrorCode::IllegalState);
        assert_eq!(error.message, message);
    };
    expect(
        &mut cluster,
        Command::Produce {
            producer: "p".into(),
            record: record("outside"),
        },
        "Cannot add partition orders-0 to transaction while in state  READY",
    );
    expect(
        &mut cluster,
        Command::CommitTransaction { producer: "p".into() },
        "TransactionalId txn-1: Invalid transition attempted from state READY to state COMMITTING_TRANSACTION",
    );
    expect(
        &mut cluster,
        Command::AbortTransaction { producer: "p".into() },
        "TransactionalId txn-1: Invalid transition attempted from state READY to state ABORTING_TRANSACTION",
    );
    expect(
        &mut cluster,
        Command::InitTransactions { producer: "p".into() },
        "TransactionalId txn-1: Invalid transition attempted from state READY to state INITIALIZING",
    );
    begin(&mut cluster, "p");
    expect(
        &mut cluster,
        Command::BeginTransaction { producer: "p".into() },
        "TransactionalId txn-1: Invalid transition attempted from state IN_TRANSACTION to state IN_TRANSACTION",
    );
    // A transaction the coordinator never heard of commits without an EndTxn.
    events = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    assert!(committed(&events), "{}", Cluster::trace(&events));
}

/// `TransactionStateManager.loadTransactionsForTxnTopicPartition` and
/// `TransactionsTest.testBumpTransactionalEpochAfterInvalidProducerEpoch`-style failover: the
/// coordinator's state is in `__transaction_state`, so when its leader dies the next leader
/// loads the ongoing transaction and the producer commits it there.
#[test]
fn a_coordinator_failover_mid_transaction_keeps_the_transaction() {
    let mut cluster = cluster();
    transactional_producer(&mut cluster, "p", "txn-1");
    init_transactions(&mut cluster, "p");
    let reader = consumer(&mut cluster, "committed", "read_committed", orders());
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("survives"));
    run_for(&mut cluster, 1_000);
    let before = cluster.describe_transaction("txn-1").expect("described");
    assert_eq!(before.state, "Ongoing");
    assert_eq!(before.partitions, orders());
    apply(
        &mut cluster,
        Command::StopBroker {
            broker: before.coordinator,
        },
    );
    let mut events = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    events.extend(run_for(&mut cluster, 40_000));
    assert!(committed(&events), "{}", Cluster::trace(&events));
    let after = cluster.describe_transaction("txn-1").expect("described");
    assert_ne!(after.coordinator, before.coordinator);
    assert_eq!(after.state, "CompleteCommit");
    assert_eq!(
        (after.producer_id, after.producer_epoch),
        (before.producer_id, before.producer_epoch)
    );
    assert!(transaction_events(&events).iter().any(|event| matches!(
        event,
        TransactionEvent::CoordinatorLoaded { broker, transactional_ids, .. }
            if *broker == after.coordinator && *transactional_ids >= 1
    )));
    assert_eq!(delivered(&events, reader), 1, "{}", Cluster::trace(&events));
}

/// `TransactionMarkerRequestCompletionHandler` and
/// `TransactionMarkerChannelManager.addTxnMarkersToBrokerQueue`: a marker whose partition
/// leader died is sent again, to the leader the metadata names once it has moved.
#[test]
fn markers_reach_partitions_whose_leader_moved() {
    let mut cluster = cluster();
    create_topic(&mut cluster, "moved", 3);
    transactional_producer(&mut cluster, "p", "txn-1");
    init_transactions(&mut cluster, "p");
    begin(&mut cluster, "p");
    // Write to a partition led by another broker than the coordinator.
    send(
        &mut cluster,
        "p",
        NewRecord::new("moved", Some("k"), Some("v")),
    );
    run_for(&mut cluster, 1_000);
    let coordinator = cluster
        .describe_transaction("txn-1")
        .expect("described")
        .coordinator;
    let view = cluster.topic_view("moved").expect("topic");
    let target = view
        .partitions
        .iter()
        .find(|partition| partition.leader != Some(coordinator))
        .expect("some partition is led elsewhere")
        .partition
        .clone();
    let old_leader = cluster.current_leader(&target).expect("led");
    send(
        &mut cluster,
        "p",
        NewRecord {
            partition: Some(target.partition),
            ..NewRecord::new("moved", Some("k"), Some("targeted"))
        },
    );
    run_for(&mut cluster, 1_000);
    let reader = consumer(
        &mut cluster,
        "committed",
        "read_committed",
        vec![target.clone()],
    );
    apply(&mut cluster, Command::StopBroker { broker: old_leader });
    let mut events = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    events.extend(run_for(&mut cluster, 40_000));
    assert!(committed(&events), "{}", Cluster::trace(&events));
    let new_leader = cluster.current_leader(&target).expect("a new leader");
    assert_ne!(new_leader, old_leader);
    let marker_leaders: Vec<BrokerId> = transaction_events(&events)
        .into_iter()
        .filter_map(|event| match event {
            TransactionEvent::MarkerWritten {
                broker, partition, ..
            } if partition == target => Some(broker),
            _ => None,
        })
        .collect();
    assert_eq!(
        marker_leaders,
        vec![new_leader],
        "{}",
        Cluster::trace(&events)
    );
    assert_eq!(
        cluster
            .describe_transaction("txn-1")
            .map(|view| view.state)
            .ok()
            .as_deref(),
        Some("CompleteCommit")
    );
    assert!(
        delivered(&events, reader) >= 1,
        "{}",
        Cluster::trace(&events)
    );
}

/// Determinism: the same seed and commands give the same trace.
#[test]
fn the_same_seed_replays_the_same_transactional_trace() {
    let run = || {
        let mut cluster = cluster();
        transactional_producer(&mut cluster, "p", "txn-1");
        let mut events = init_transactions(&mut cluster, "p");
        begin(&mut cluster, "p");
        send(&mut cluster, "p", record("x"));
        events.extend(run_for(&mut cluster, 100));
        events.extend(apply(
            &mut cluster,
            Command::CommitTransaction {
                producer: "p".into(),
            },
        ));
        events.extend(run_for(&mut cluster, 2_000));
        Cluster::trace(&events)
    };
    assert_eq!(run(), run());
}

/// `ProducerStateManager.checkProducerEpoch` (the broker answers a zombie's produce with
/// `INVALID_PRODUCER_EPOCH` since Kafka 2.7) and `TransactionManager.maybeTransitionToErrorState`:
/// a fenced instance's next send fails, its transaction becomes abortable, commit throws
/// `InvalidProducerEpochException`, and the abort it must then try is fenced for good.
#[test]
fn a_fenced_producers_next_send_fails_with_an_old_epoch() {
    let mut cluster = cluster();
    transactional_producer(&mut cluster, "zombie", "txn-1");
    transactional_producer(&mut cluster, "successor", "txn-1");
    init_transactions(&mut cluster, "zombie");
    begin(&mut cluster, "zombie");
    send(&mut cluster, "zombie", record("before"));
    run_for(&mut cluster, 1_000);
    init_transactions(&mut cluster, "successor");
    send(&mut cluster, "zombie", record("after"));
    let events = run_for(&mut cluster, 1_000);
    let failed = events.iter().find_map(|event| match &event.kind {
        EventKind::ProduceFailed { error, .. } => Some(error.clone()),
        _ => None,
    });
    assert_eq!(
        failed.map(|error| error.code),
        Some(ErrorCode::InvalidProducerEpoch),
        "{}",
        Cluster::trace(&events)
    );
    assert!(transaction_events(&events)
        .iter()
        .any(|event| matches!(event, TransactionEvent::AbortableError { .. })));
    let error = refusal(
        &mut cluster,
        Command::CommitTransaction {
            producer: "zombie".into(),
        },
    );
    assert_eq!(error.code, ErrorCode::InvalidProducerEpoch);
    assert!(
        error
            .message
            .ends_with(", epoch=0) attempted to produce with an old epoch"),
        "{error}"
    );
    let mut events = apply(
        &mut cluster,
        Command::AbortTransaction {
            producer: "zombie".into(),
        },
    );
    events.extend(run_for(&mut cluster, 2_000));
    let failures = call_failures(&events);
    assert_eq!(failures.len(), 1, "{}", Cluster::trace(&events));
    assert_eq!(failures[0].1.code, ErrorCode::ProducerFenced);
}

/// The playground caps `transaction.state.log.replication.factor` (3) and
/// `transaction.state.log.min.isr` (2) at the live brokers, so a one-broker cluster still runs
/// transactions (Kafka would refuse to create `__transaction_state` until three brokers are
/// up; its quick start sets both to 1).
#[test]
fn a_single_broker_cluster_runs_transactions() {
    let config = kplay_core::ClusterConfig {
        brokers: 1,
        controller_voters: 1,
        ..kplay_core::ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, SEED).expect("cluster");
    apply(
        &mut cluster,
        Command::CreateTopic {
            topic: "orders".into(),
            partitions: 1,
            replication_factor: 1,
            configs: Vec::new(),
        },
    );
    transactional_producer(&mut cluster, "p", "solo");
    init_transactions(&mut cluster, "p");
    let reader = consumer(&mut cluster, "committed", "read_committed", orders());
    begin(&mut cluster, "p");
    send(&mut cluster, "p", record("only"));
    let error = refusal(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    assert!(error
        .message
        .starts_with("The application is still blocked in send()"));
    run_for(&mut cluster, 100);
    let mut events = apply(
        &mut cluster,
        Command::CommitTransaction {
            producer: "p".into(),
        },
    );
    events.extend(run_for(&mut cluster, 2_000));
    assert!(committed(&events), "{}", Cluster::trace(&events));
    assert_eq!(
        delivered(&events, reader),
        1,
        "{}\n{:?}",
        Cluster::trace(&events),
        cluster.consumer_views()
    );
    let topic = cluster.topic_view("__transaction_state").expect("created");
    assert!(topic
        .configs
        .contains(&("min.insync.replicas".to_string(), "1".to_string())));
    assert!(topic
        .partitions
        .iter()
        .all(|partition| partition.replicas.len() == 1));
}
