//! The idempotent producer end to end: when a partition's sequences have a gap or an unknown
//! outcome, the producer bumps its own epoch and numbers the partition's batches again from 0
//! (KIP-360, `TransactionManager.bumpIdempotentProducerEpoch`), keeping its producer id; the
//! leader accepts the new epoch from sequence 0. Each test follows a case of Kafka's
//! `SenderTest` and `TransactionManagerTest`.

use kplay_core::cluster::config::MetadataMode;
use kplay_core::error::ErrorCode;
use kplay_core::network::NodeId;
use kplay_core::{BrokerId, Command, EventKind, ProducerId, TopicPartition};

mod cluster_support;

use cluster_support::{Sim, TOPIC};

/// Lesson 08's `brief`: a batch is sent at once, an attempt times out after 5 s, and the
/// batch fails for good after 10 s.
const BRIEF: &[(&str, &str)] = &[
    ("linger.ms", "0"),
    ("request.timeout.ms", "5000"),
    ("delivery.timeout.ms", "10000"),
];

/// The epoch bumps the run has seen: `(producer id, new epoch, partitions)`.
fn bumps(sim: &Sim) -> Vec<(ProducerId, i16, Vec<TopicPartition>)> {
    sim.events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::ProducerEpochBumped {
                producer_id,
                producer_epoch,
                partitions,
                ..
            } => Some((*producer_id, *producer_epoch, partitions.clone())),
            _ => None,
        })
        .collect()
}

/// How many producer ids the run handed out.
fn producer_ids_assigned(sim: &Sim) -> usize {
    sim.events
        .iter()
        .filter(|event| matches!(event.kind, EventKind::ProducerIdAssigned { .. }))
        .count()
}

/// The producer's id and epoch, as its view shows them.
fn producer_id(sim: &Sim) -> (i64, i16) {
    sim.cluster.producer_views()[0]
        .producer_id
        .expect("an idempotent producer has an id")
}

/// The producer's node.
fn producer_node(sim: &Sim) -> NodeId {
    NodeId::Client(sim.cluster.producer_views()[0].id)
}

/// What the leader of `orders-0` remembers of the producer: `(epoch, last sequence)`.
fn leader_state(sim: &Sim) -> (i16, i32) {
    let states = sim
        .cluster
        .describe_producers(&TopicPartition::new(TOPIC, 0))
        .expect("a leader");
    assert_eq!(states.len(), 1, "{states:?}");
    (states[0].producer_epoch, states[0].last_sequence)
}

fn cut(sim: &mut Sim, cut: bool) {
    let side_a = vec![producer_node(sim)];
    let side_b = vec![NodeId::Broker(BrokerId(1))];
    sim.apply(if cut {
        Command::CutLinks { side_a, side_b }
    } else {
        Command::RepairLinks { side_a, side_b }
    });
}

/// One broker, `orders` with one partition, and an idempotent producer with these configs
/// that has written one record (sequence 0).
fn warmed_up(configs: &[(&str, &str)]) -> Sim {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    sim.producer("p", configs);
    sim.send("p", 1);
    sim.run_until(3_000, "the first record acknowledged", |s| {
        s.acknowledged() == 1
    });
    assert_eq!(leader_state(&sim), (0, 0));
    sim
}

/// `SenderTest.testIdempotenceWithMultipleInflightsWhereFirstFailsFatallyAndSequenceOfFutureBatchesIsAdjusted`
/// and `testEpochBumpOnOutOfOrderSequenceForNextBatch`, the case of a batch that fails after it
/// was sent, with retries left (`failBatch(.., batch.attempts() < retries)`): the leader may
/// or may not have written it, so the producer cannot go on numbering the partition where it
/// was. It bumps its epoch for that partition; the next record starts again at sequence 0
/// under epoch 1, with the same producer id.
#[test]
fn a_batch_that_times_out_after_it_was_sent_bumps_the_epoch() {
    let mut sim = warmed_up(BRIEF);
    let (id, epoch) = producer_id(&sim);
    assert_eq!(epoch, 0);

    cut(&mut sim, true);
    let sent_at = sim.cluster.now_ms();
    sim.send("p", 1);
    sim.run_for(12_000);
    assert_eq!(sim.failures(), vec![ErrorCode::ClientTimeout]);
    // `SenderTest.testInflightBatchesExpireOnDeliveryTimeout`: the second attempt, sent at
    // 5.1 s, is still out at 10 s; the batch expires then, not when the request times out.
    let failed_at = sim
        .events
        .iter()
        .find(|event| matches!(event.kind, EventKind::ProduceFailed { .. }))
        .map(|event| event.at_ms);
    assert_eq!(failed_at, Some(sent_at + 10_000));
    assert_eq!(
        bumps(&sim),
        vec![(ProducerId(id), 1, vec![TopicPartition::new(TOPIC, 0)])]
    );
    assert_eq!(producer_id(&sim), (id, 1), "the producer id stays");
    assert_eq!(producer_ids_assigned(&sim), 1, "no new InitProducerId");

    cut(&mut sim, false);
    sim.send("p", 1);
    sim.run_until(3_000, "the next record acknowledged", |s| {
        s.acknowledged() == 2
    });
    assert_eq!(leader_state(&sim), (1, 0), "epoch 1 from sequence 0");
    assert_eq!(sim.partition().log_end_offset.0, 2);
}

/// The leader wrote the batch, but both answers came too late: the application is told the
/// record failed (it is in the log all the same), and the next batch, under the new epoch,
/// is neither refused nor written twice.
#[test]
fn a_written_batch_whose_answers_come_too_late_fails_and_the_next_one_starts_a_new_epoch() {
    let mut sim = warmed_up(BRIEF);
    let (id, _) = producer_id(&sim);
    sim.apply(Command::DelayBroker {
        broker: BrokerId(1),
        extra_ms: 6_000,
    });
    sim.send("p", 1);
    sim.run_for(12_000);
    assert_eq!(sim.failures(), vec![ErrorCode::ClientTimeout]);
    assert_eq!(sim.partition().log_end_offset.0, 2, "written once");
    assert_eq!(bumps(&sim).len(), 1);

    sim.apply(Command::DelayBroker {
        broker: BrokerId(1),
        extra_ms: 0,
    });
    sim.run_for(7_000);
    sim.send("p", 1);
    sim.run_until(3_000, "the next record acknowledged", |s| {
        s.acknowledged() == 2
    });
    assert_eq!(producer_id(&sim), (id, 1));
    assert_eq!(leader_state(&sim), (1, 0));
    assert_eq!(sim.partition().log_end_offset.0, 3);
}

/// `TransactionManagerTest.testBumpEpochAfterTimeoutWithoutPendingInflightRequests` with
/// `Sender.sendProducerData`'s `markSequenceUnresolved`: a batch that expires in the queue
/// while it waits for a retry leaves its partition unresolved. The batch behind it waits; with
/// nothing in flight and a sequence missing, the producer bumps the epoch, and the waiting
/// batch goes under epoch 1 from sequence 0.
#[test]
fn a_batch_that_expires_waiting_for_a_retry_holds_the_next_one_until_the_epoch_is_bumped() {
    let mut sim = warmed_up(&[
        ("linger.ms", "0"),
        ("request.timeout.ms", "3000"),
        ("delivery.timeout.ms", "4000"),
        ("retry.backoff.ms", "5000"),
        ("retry.backoff.max.ms", "5000"),
    ]);
    cut(&mut sim, true);
    sim.send("p", 1);
    // The first attempt times out at 3 s; the retry would go at 8 s.
    sim.run_for(3_500);
    cut(&mut sim, false);
    sim.send("p", 1);
    sim.run_for(200);
    assert_eq!(
        sim.acknowledged(),
        1,
        "the new batch waits behind the retry"
    );

    // At 4 s the first batch expires in the queue; the second goes under the new epoch.
    sim.run_until(3_000, "the second record acknowledged", |s| {
        s.acknowledged() == 2
    });
    assert_eq!(sim.failures(), vec![ErrorCode::ClientTimeout]);
    assert_eq!(bumps(&sim).len(), 1);
    assert_eq!(leader_state(&sim), (1, 0));
    assert_eq!(sim.partition().log_end_offset.0, 2);
}

/// `SenderTest.testEpochBumpOnOutOfOrderSequenceForNextBatch`: an unclean election lost the
/// producer's last acknowledged batches, so its next batch, the next one by its own count, is
/// `OUT_OF_ORDER_SEQUENCE_NUMBER` at the new leader. The producer bumps its epoch and sends the
/// batch again from sequence 0, which the leader accepts (it used to fail the record).
#[test]
fn out_of_order_for_the_next_batch_after_an_unclean_election_bumps_the_epoch_and_retries() {
    let mut sim = Sim::new(
        MetadataMode::ZooKeeper,
        2,
        2,
        &[("unclean.leader.election.enable", "true")],
    );
    sim.producer("p", &[("linger.ms", "0")]);
    let (leader, follower) = sim.write_past_a_stopped_follower("p", 3);
    sim.apply(Command::StopBroker { broker: leader });
    sim.apply(Command::StartBroker { broker: follower });
    sim.run_until(30_000, "the unclean election", |s| {
        s.partition().leader == Some(follower)
    });
    assert_eq!(sim.partition().log_end_offset.0, 3, "three records lost");

    sim.send("p", 1);
    sim.run_until(10_000, "the record after the election acknowledged", |s| {
        s.acknowledged() == 7
    });
    assert!(sim.failures().is_empty(), "{:?}", sim.failures());
    let retried_out_of_order = sim.events.iter().any(|event| {
        matches!(&event.kind, EventKind::ProduceRetried { error, .. }
            if error.code == ErrorCode::OutOfOrderSequenceNumber)
    });
    assert!(retried_out_of_order);
    assert_eq!(bumps(&sim).len(), 1);
    assert_eq!(leader_state(&sim), (1, 0));
}

/// Only the partitions whose sequences broke are numbered again: another partition keeps its
/// sequences and moves to the new epoch, from 0, with its next batch once it has nothing in
/// flight (`maybeUpdateProducerIdAndEpoch`).
#[test]
fn other_partitions_move_to_the_new_epoch_with_their_next_batch() {
    let mut sim = Sim::new(MetadataMode::Kraft, 2, 1, &[]);
    sim.producer("p", BRIEF);
    let send_to = |sim: &mut Sim, partition: i32| {
        let mut record = kplay_core::NewRecord::new(TOPIC, Some("k"), Some("v"));
        record.partition = Some(partition);
        sim.apply(Command::Produce {
            producer: "p".into(),
            record,
        });
    };
    send_to(&mut sim, 0);
    send_to(&mut sim, 1);
    sim.run_until(3_000, "both acknowledged", |s| s.acknowledged() == 2);
    let leader_of = |sim: &Sim, partition: usize| {
        sim.cluster.topic_view(TOPIC).expect("exists").partitions[partition]
            .leader
            .expect("led")
    };
    let leader_0 = leader_of(&sim, 0);
    let side_a = vec![producer_node(&sim)];
    sim.apply(Command::CutLinks {
        side_a: side_a.clone(),
        side_b: vec![NodeId::Broker(leader_0)],
    });
    send_to(&mut sim, 0);
    sim.run_for(12_000);
    assert_eq!(
        bumps(&sim).into_iter().map(|b| b.2).collect::<Vec<_>>(),
        vec![vec![TopicPartition::new(TOPIC, 0)]]
    );
    sim.apply(Command::RepairLinks {
        side_a,
        side_b: vec![NodeId::Broker(leader_0)],
    });
    send_to(&mut sim, 1);
    sim.run_until(3_000, "partition 1 acknowledged", |s| s.acknowledged() == 3);
    let state_of = |sim: &Sim, partition: i32| {
        let states = sim
            .cluster
            .describe_producers(&TopicPartition::new(TOPIC, partition))
            .expect("a leader");
        (states[0].producer_epoch, states[0].last_sequence)
    };
    assert_eq!(state_of(&sim, 1), (1, 0), "partition 1 moved to epoch 1");
}

/// `RecordAccumulator.shouldStopDrainBatchesForPartition`: a batch being retried goes only when
/// it is the partition's first batch in flight by sequence (`firstInFlightSequence`). After four
/// requests in flight time out, their batches go again one request at a time, each once the one
/// before it was acknowledged: "This effectively reduces our in flight request count to 1."
#[test]
fn retried_batches_go_again_one_at_a_time_in_sequence_order() {
    let mut sim = warmed_up(&[("linger.ms", "0"), ("request.timeout.ms", "5000")]);
    cut(&mut sim, true);
    for _ in 0..4 {
        sim.send("p", 1);
        sim.run_for(1);
    }
    let in_flight = |sim: &Sim| sim.cluster.producer_views()[0].requests_in_flight;
    assert_eq!(in_flight(&sim), 4, "one request per batch");
    cut(&mut sim, false);
    // The four attempts time out at 5 s; each batch goes again after `retry.backoff.ms`.
    sim.run_for(5_000);
    let mut most_in_flight = 0;
    for _ in 0..3_000 {
        sim.run_for(1);
        most_in_flight = most_in_flight.max(in_flight(&sim));
    }
    assert_eq!(sim.acknowledged(), 5);
    assert_eq!(most_in_flight, 1);
    assert_eq!(leader_state(&sim), (0, 4), "sequences 1 to 4, in order");
    assert_eq!(sim.partition().log_end_offset.0, 5);
}

/// `NetworkClient.handleTimedOutRequests`: the first request past `request.timeout.ms` closes
/// the connection to its broker, and every request in flight on it fails at that moment
/// (`cancelInFlightRequests`), with the `Sender`'s "Disconnected from node 1 due to timeout",
/// not each at its own deadline.
#[test]
fn a_request_timing_out_fails_every_request_in_flight_to_its_broker() {
    let mut sim = warmed_up(&[("linger.ms", "0"), ("request.timeout.ms", "5000")]);
    cut(&mut sim, true);
    let first_sent_at = sim.cluster.now_ms();
    for _ in 0..3 {
        sim.send("p", 1);
        sim.run_for(1_000);
    }
    sim.run_for(3_000);
    let retried: Vec<(i64, String)> = sim
        .events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::ProduceRetried { error, .. } => Some((
                event.at_ms - first_sent_at,
                format!("{}: {}", error.code.name(), error.message),
            )),
            _ => None,
        })
        .collect();
    let expected = (
        5_000,
        "REQUEST_TIMED_OUT: Disconnected from node 1 due to timeout".to_string(),
    );
    assert_eq!(retried, vec![expected.clone(), expected.clone(), expected]);
}

/// `UnifiedLog` schedules its `PeriodicProducerExpirationCheck` every
/// `producer.id.expiration.check.interval.ms` (10 min), first one interval after the log is
/// loaded: a producer silent for `producer.id.expiration.ms` (here 1 min) is forgotten at the
/// first check after that, 10 min after the broker started, not at the retention check.
#[test]
fn an_idle_producer_is_forgotten_at_the_next_expiration_check() {
    let mut sim = Sim::with_broker_configs(
        MetadataMode::Kraft,
        1,
        &[("producer.id.expiration.ms", "60000")],
        1,
        &[],
    );
    sim.producer("p", &[]);
    sim.send("p", 1);
    sim.run_until(3_000, "the record acknowledged", |s| s.acknowledged() == 1);
    let remembered = |sim: &Sim| {
        !sim.cluster
            .describe_producers(&TopicPartition::new(TOPIC, 0))
            .expect("a leader")
            .is_empty()
    };
    sim.run_until(700_000, "the producer forgotten", |s| !remembered(s));
    // The broker started at time 0.
    let forgotten_at = sim.cluster.now_ms();
    assert!(
        (600_000..600_100).contains(&forgotten_at),
        "{forgotten_at} ms"
    );
}

/// The requests `producer` sent in the run's first `ms` milliseconds, by API, in order.
fn first_requests(sim: &mut Sim, ms: i64) -> Vec<String> {
    let node = producer_node(sim);
    let mut seen: Vec<(u64, String)> = Vec::new();
    for _ in 0..ms {
        for message in sim.cluster.messages_in_flight() {
            if message.from == node && !seen.iter().any(|(id, _)| *id == message.id) {
                seen.push((message.id, message.api));
            }
        }
        sim.run_for(1);
    }
    seen.into_iter().map(|(_, api)| api).collect()
}

/// `KafkaProducer`'s constructor bootstraps the metadata (`Metadata.bootstrap` asks for an
/// update) and starts the sender thread, whose first loop sends it together with an
/// idempotent producer's InitProducerId (`bumpIdempotentEpochAndResetIdIfNeeded`): the
/// producer has its id before its first `send`. A transactional producer waits for
/// `initTransactions()`.
#[test]
fn a_producer_asks_for_metadata_and_its_id_when_it_starts() {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    sim.producer("p", BRIEF);
    assert_eq!(first_requests(&mut sim, 20), ["Metadata", "InitProducerId"]);
    sim.run_for(1_000);
    assert_eq!(producer_ids_assigned(&sim), 1, "before any send");
    assert_eq!(producer_id(&sim).1, 0);
    sim.send("p", 1);
    let took = sim.run_until(3_000, "the first record acknowledged", |s| {
        s.acknowledged() == 1
    });
    assert!(took <= 200, "no InitProducerId to wait for: {took} ms");

    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    sim.producer("t", &[("transactional.id", "t-1")]);
    assert_eq!(first_requests(&mut sim, 20), ["Metadata"]);
    sim.run_for(1_000);
    assert_eq!(
        producer_ids_assigned(&sim),
        0,
        "not before initTransactions()"
    );
}

/// Records sent in the same instant as the constructor are in the first Metadata request (in
/// Kafka it is built once the connection to a broker is up): one request, not a request for no
/// topic and then one for `orders` after `retry.backoff.ms`.
#[test]
fn records_sent_as_the_producer_starts_are_in_its_first_metadata_request() {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    sim.producer("p", BRIEF);
    sim.send("p", 1);
    let requests = first_requests(&mut sim, 300);
    assert_eq!(
        requests.iter().filter(|api| *api == "Metadata").count(),
        1,
        "{requests:?}"
    );
    sim.run_until(3_000, "the record acknowledged", |s| s.acknowledged() == 1);
}
