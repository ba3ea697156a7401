//! How the producer's sender groups batches into Produce requests
//! (`RecordAccumulator.ready` and `drain`).

mod cluster_support;

use cluster_support::pairs;
use kplay_core::{Cluster, ClusterConfig, Command, EventKind, NewRecord};

/// `brokers` brokers with topic `t` of `partitions` partitions, one replica each.
fn with_topic(brokers: i32, partitions: i32, broker_configs: &[(&str, &str)]) -> Cluster {
    let config = ClusterConfig {
        brokers,
        controller_voters: brokers.min(3),
        broker_configs: pairs(broker_configs),
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, 9).expect("cluster");
    run(
        &mut cluster,
        Command::CreateTopic {
            topic: "t".into(),
            partitions,
            replication_factor: 1,
            configs: Vec::new(),
        },
    );
    cluster
}

/// One broker with topic `t` (`partitions` partitions) and producer `p` lingering
/// `linger_ms`, running for 2 s.
fn one_broker(partitions: i32, linger_ms: &str, broker_configs: &[(&str, &str)]) -> Cluster {
    let mut cluster = with_topic(1, partitions, broker_configs);
    create_producer(&mut cluster, &[("linger.ms", linger_ms)]);
    cluster.run_for(2_000);
    cluster
}

fn run(cluster: &mut Cluster, command: Command) {
    cluster.apply(command).expect("accepted");
}

/// Starts producer `p` with these configs.
fn create_producer(cluster: &mut Cluster, configs: &[(&str, &str)]) {
    run(
        cluster,
        Command::CreateProducer {
            name: "p".into(),
            configs: pairs(configs),
        },
    );
}

/// Producer `p` sends a record with key `k` and this value to partition `partition` of `t`.
fn send_to(cluster: &mut Cluster, partition: i32, value: &str) {
    let mut record = NewRecord::new("t", Some("k"), Some(value));
    record.partition = Some(partition);
    run(
        cluster,
        Command::Produce {
            producer: "p".into(),
            record,
        },
    );
}

// RecordAccumulator.ready makes a broker ready when one of its partitions has a batch ready
// (here: lingered `linger.ms`); drainBatchesForOneNode then takes the first batch of every
// partition that broker leads, whether or not it has lingered long enough ("Only drain the
// batch if it is not during backoff period"). So a batch created 50 ms after another rides in
// the same request when the first one's linger is up.
#[test]
fn a_ready_broker_takes_the_batches_of_all_its_partitions() {
    let mut cluster = one_broker(2, "100", &[]);
    let mut events = Vec::new();
    let send = |cluster: &mut Cluster, partition: i32| send_to(cluster, partition, "v");
    // A first send fetches metadata; the two measured ones follow once it is known.
    send(&mut cluster, 0);
    events.extend(cluster.run_for(1_000));
    let start = cluster.now_ms();
    send(&mut cluster, 0);
    events.extend(cluster.run_for(50));
    send(&mut cluster, 1);
    events.extend(cluster.run_for(500));
    let acked: Vec<(i32, i64)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProduceAcknowledged { partition, .. } if e.at_ms >= start => {
                Some((partition.partition, e.at_ms - start))
            }
            _ => None,
        })
        .collect();
    assert_eq!(acked.len(), 2, "{acked:?}");
    assert_eq!(acked[0].1, acked[1].1, "one request: {acked:?}");
    assert!(
        acked[0].1 < 150,
        "sent when the first batch lingered 100 ms: {acked:?}"
    );
}

// RecordAccumulator.ready: every batch is sendable at once while a thread waits for buffer
// memory ("boolean exhausted = this.free.queued() > 0"); a send waiting for metadata (here for
// a topic that does not exist and will not be created) does not cut anyone's linger short.
#[test]
fn a_send_waiting_for_metadata_does_not_cut_linger_short() {
    let mut cluster = one_broker(1, "1000", &[("auto.create.topics.enable", "false")]);
    let send = |cluster: &mut Cluster, topic: &str| {
        run(
            cluster,
            Command::Produce {
                producer: "p".into(),
                record: NewRecord::new(topic, Some("k"), Some("v")),
            },
        );
    };
    send(&mut cluster, "t");
    cluster.run_for(2_000);
    let start = cluster.now_ms();
    send(&mut cluster, "t");
    send(&mut cluster, "missing");
    let acked: Vec<i64> = cluster
        .run_for(2_000)
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ProduceAcknowledged { .. }))
        .map(|e| e.at_ms - start)
        .collect();
    assert_eq!(acked.len(), 1, "{acked:?}");
    assert!(acked[0] >= 1_000, "the batch lingered: {acked:?}");
}

/// `BuiltInPartitioner`: the uniform sticky partitioner leaves a partition once `batch.size`
/// bytes went to it. The switch waits while the partition has a batch still filling, and happens
/// before the next record once that batch was sent (`RecordAccumulator.partitionChanged`); only
/// at twice `batch.size` is it forced. With `linger.ms=0` every batch leaves at once, so the
/// producer moves on after about `batch.size` bytes, not twice as many.
#[test]
fn the_sticky_partitioner_moves_on_after_batch_size_bytes_when_batches_leave_at_once() {
    let mut cluster = one_broker(6, "0", &[]);
    run(
        &mut cluster,
        Command::CreateProducer {
            name: "s".into(),
            configs: pairs(&[("linger.ms", "0"), ("batch.size", "2000")]),
        },
    );
    let value = "v".repeat(200);
    let mut partitions = Vec::new();
    for _ in 0..600 {
        let mut events = cluster
            .apply(Command::Produce {
                producer: "s".into(),
                record: NewRecord::new("t", None, Some(&value)),
            })
            .expect("sent");
        events.extend(cluster.run_for(50));
        for event in events {
            if let EventKind::RecordAccumulated { partition, .. } = event.kind {
                partitions.push(partition.partition);
            }
        }
    }
    assert_eq!(partitions.len(), 600);
    // A one-record batch of a 200-byte value grows by about 270 bytes: a switch every 8
    // records, 75 in all, most of which land elsewhere (the new partition is random and can be
    // the same; once every partition has had a batch, the one just filled weighs half as much,
    // as it had a batch queued when the sender last counted). Switching at twice `batch.size`
    // would make about 33 changes.
    let changes = partitions.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(
        (50..=75).contains(&changes),
        "{changes} changes of partition"
    );
}

/// `Cluster.availablePartitionsForTopic`: the null-key partitioners pick among the partitions
/// the producer's metadata gives a leader (`BuiltInPartitioner.nextPartition`,
/// `RoundRobinPartitioner.partition`), so records without a key avoid an offline partition.
#[test]
fn null_key_partitioners_pick_only_partitions_with_a_leader() {
    let mut cluster = with_topic(3, 3, &[]);
    cluster.run_for(2_000);
    let offline = cluster.topic_view("t").expect("t").partitions[1].clone();
    let leader = offline.leader.expect("a leader");
    run(&mut cluster, Command::StopBroker { broker: leader });
    // Fenced once its session times out, the broker's partition is left without a leader.
    cluster.run_for(12_000);
    let partitions = cluster.topic_view("t").expect("t").partitions;
    assert_eq!(partitions[1].leader, None, "offline");
    let producers = [
        ("sticky", vec![("batch.size", "100")]),
        (
            "round-robin",
            vec![(
                "partitioner.class",
                "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            )],
        ),
    ];
    for (name, configs) in producers {
        run(
            &mut cluster,
            Command::CreateProducer {
                name: name.into(),
                configs: pairs(&configs),
            },
        );
    }
    // A first record, to a partition it names, has each producer fetch the topic's metadata.
    let led = (offline.partition.partition + 1) % 3;
    for name in ["sticky", "round-robin"] {
        let mut record = NewRecord::new("t", None, Some("v"));
        record.partition = Some(led);
        run(
            &mut cluster,
            Command::Produce {
                producer: name.into(),
                record,
            },
        );
    }
    cluster.run_for(2_000);
    let mut picked = Vec::new();
    for _ in 0..60 {
        for name in ["sticky", "round-robin"] {
            let events = cluster
                .apply(Command::Produce {
                    producer: name.into(),
                    record: NewRecord::new("t", None, Some("v")),
                })
                .expect("sent");
            for event in events {
                if let EventKind::RecordAccumulated { partition, .. } = event.kind {
                    picked.push((name, partition.partition));
                }
            }
        }
        cluster.run_for(20);
    }
    assert_eq!(picked.len(), 120);
    for name in ["sticky", "round-robin"] {
        let mut used: Vec<i32> = picked
            .iter()
            .filter(|(producer, _)| *producer == name)
            .map(|(_, partition)| *partition)
            .collect();
        used.sort_unstable();
        used.dedup();
        let expected: Vec<i32> = (0..3)
            .filter(|p| *p != offline.partition.partition)
            .collect();
        assert_eq!(used, expected, "{name}");
    }
}

// KafkaProducer.flush waits only for the batches incomplete when it was called
// (RecordAccumulator.awaitFlushCompletion copies `incomplete` then). While it waits, every batch
// is ready at once (`flushesInProgress`), a batch made after the call too; once the flushed
// batches complete, new batches linger again, even while a later one is still out.
#[test]
fn a_flush_waits_only_for_the_batches_made_before_it() {
    let mut cluster = with_topic(2, 2, &[]);
    create_producer(&mut cluster, &[("linger.ms", "10000")]);
    let partitions = cluster.topic_view("t").expect("t").partitions;
    let slow = partitions[1].leader.expect("a leader");
    assert_ne!(partitions[0].leader, Some(slow), "one partition per broker");
    let send = |cluster: &mut Cluster, partition: i32| send_to(cluster, partition, "v");
    let flush = |cluster: &mut Cluster| {
        run(
            cluster,
            Command::Flush {
                producer: "p".into(),
            },
        )
    };
    // The first send fetches metadata.
    send(&mut cluster, 0);
    flush(&mut cluster);
    cluster.run_for(1_000);
    run(
        &mut cluster,
        Command::DelayBroker {
            broker: slow,
            extra_ms: 5_000,
        },
    );
    let mut events = Vec::new();
    let start = cluster.now_ms();
    send(&mut cluster, 0);
    flush(&mut cluster);
    send(&mut cluster, 1);
    events.extend(cluster.run_for(500));
    let after_flush = cluster.now_ms();
    send(&mut cluster, 0);
    events.extend(cluster.run_for(12_000));
    let acked: Vec<(i32, i64)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ProduceAcknowledged { partition, .. } => {
                Some((partition.partition, e.at_ms))
            }
            _ => None,
        })
        .collect();
    assert_eq!(acked.len(), 3, "{acked:?}");
    // The flushed batch and the one made during the flush went at once...
    assert_eq!(acked[0].0, 0);
    assert!(acked[0].1 - start < 500, "{acked:?}");
    let made_during_flush = acked.iter().find(|(p, _)| *p == 1).expect("partition 1");
    assert!(made_during_flush.1 - start < 6_000, "{acked:?}");
    // ...and the one made after the flushed batch completed lingered its 10 s, though the
    // batch on the slow broker was still out when it was made.
    let made_after = acked.last().expect("three");
    assert_eq!(made_after.0, 0);
    assert!(made_after.1 - after_flush >= 10_000, "{acked:?}");
}

// RecordAccumulator.drainBatchesForOneNode: a request takes the front batches of the broker's
// partitions in turn and stops at the first one that would take it past max.request.size
// (`break`), even when a later, smaller batch would still fit. The sender then loops again at
// once (Sender.sendProducerData polls with a zero timeout while a node has sendable data), and
// the next request for that broker starts at the partition where the last one stopped (its
// drainIndex). The warm-up's drain went round all three partitions and ended at 2, so the
// next one starts there: 2's batch, then 0's would overflow, and 1's small one, which would
// fit, waits for the second request with 0's, sent at the same moment.
#[test]
fn a_request_stops_at_the_first_batch_that_would_overflow_it() {
    let mut cluster = with_topic(1, 3, &[]);
    create_producer(
        &mut cluster,
        &[("linger.ms", "100"), ("max.request.size", "1100")],
    );
    let send = |cluster: &mut Cluster, partition: i32, value_bytes: usize| {
        send_to(cluster, partition, &"v".repeat(value_bytes));
    };
    // The first send fetches metadata.
    send(&mut cluster, 0, 1);
    cluster.run_for(1_000);
    send(&mut cluster, 0, 700);
    send(&mut cluster, 1, 50);
    send(&mut cluster, 2, 500);
    let mut most_in_flight = 0;
    let mut acked: Vec<(i32, i64)> = Vec::new();
    for _ in 0..500 {
        for event in cluster.run_for(1) {
            if let EventKind::ProduceAcknowledged { partition, .. } = &event.kind {
                acked.push((partition.partition, event.at_ms));
            }
        }
        let in_flight = cluster.producer_views()[0].requests_in_flight;
        most_in_flight = most_in_flight.max(in_flight);
    }
    assert_eq!(most_in_flight, 2, "two requests at once: {acked:?}");
    let partitions: Vec<i32> = acked.iter().map(|(p, _)| *p).collect();
    assert_eq!(partitions, vec![2, 0, 1]);
    assert!(acked.iter().all(|(_, at)| *at == acked[0].1), "{acked:?}");
}

// Metadata.timeToNextUpdate: a producer refreshes its metadata metadata.max.age.ms after the
// last answer even when nothing went wrong. Until then it spreads records over the partitions
// it knows; partitions added meanwhile get records only after that refresh.
#[test]
fn a_producer_finds_added_partitions_at_its_next_metadata_refresh() {
    let mut cluster = with_topic(1, 2, &[]);
    create_producer(
        &mut cluster,
        &[
            ("metadata.max.age.ms", "10000"),
            (
                "partitioner.class",
                "org.apache.kafka.clients.producer.RoundRobinPartitioner",
            ),
        ],
    );
    let send = |cluster: &mut Cluster| -> Vec<i32> {
        let events = cluster
            .apply(Command::Produce {
                producer: "p".into(),
                record: NewRecord::new("t", None, Some("v")),
            })
            .expect("sent");
        events
            .into_iter()
            .filter_map(|event| match event.kind {
                EventKind::RecordAccumulated { partition, .. } => Some(partition.partition),
                _ => None,
            })
            .collect()
    };
    send(&mut cluster);
    cluster.run_for(1_000);
    run(
        &mut cluster,
        Command::CreatePartitions {
            topic: "t".into(),
            total_count: 4,
        },
    );
    let altered_at = cluster.now_ms();
    let mut picked: Vec<(i64, i32)> = Vec::new();
    for _ in 0..40 {
        cluster.run_for(500);
        for partition in send(&mut cluster) {
            picked.push((cluster.now_ms() - altered_at, partition));
        }
    }
    let first_new = picked
        .iter()
        .find(|(_, partition)| *partition >= 2)
        .map(|(at, _)| *at)
        .expect("the new partitions got records");
    // The last answer came about 1 s before the change.
    assert!((8_000..=10_000).contains(&first_new), "{picked:?}");
    assert!(picked.iter().any(|(_, partition)| *partition == 3));
}

// KafkaProducer.close: the sender thread stops once what was queued is sent, so a closed
// producer's metadata never comes due again.
#[test]
fn a_closed_producer_refreshes_no_metadata() {
    let mut cluster = with_topic(1, 1, &[]);
    create_producer(&mut cluster, &[("metadata.max.age.ms", "1000")]);
    send_to(&mut cluster, 0, "v");
    cluster.run_for(500);
    run(
        &mut cluster,
        Command::CloseProducer {
            producer: "p".into(),
        },
    );
    let mut metadata_requests = 0;
    for _ in 0..5_000 {
        cluster.run_for(1);
        metadata_requests += cluster
            .messages_in_flight()
            .iter()
            .filter(|message| message.api == "Metadata" && message.is_request)
            .count();
    }
    assert_eq!(metadata_requests, 0);
}

/// KIP-794's adaptive partitioning (`partitioner.adaptive.partitioning.enable`, the default):
/// the uniform sticky partitioner picks its next partition weighted by the batches queued for
/// each (`RecordAccumulator.partitionReady`, `BuiltInPartitioner.updatePartitionLoadStats`).
/// A partition whose leader answers 400 ms late piles batches up behind the five requests in
/// flight, so it gets fewer records. Without it, that partition gets the most: its filling
/// batch stays open longer, holding the switch back (`enableSwitch = allBatchesFull`), the
/// skew KIP-794 set out to fix.
#[test]
fn the_adaptive_partitioner_sends_fewer_records_to_a_slow_leader() {
    let per_partition = |adaptive: &str| {
        null_key_records_per_partition(
            &[("partitioner.adaptive.partitioning.enable", adaptive)],
            400,
        )
    };
    let adaptive = per_partition("true");
    assert!(
        adaptive[2] * 5 < adaptive[0].min(adaptive[1]) * 4,
        "the slow leader's partition should get the fewest records: {adaptive:?}"
    );
    let uniform = per_partition("false");
    assert!(
        uniform[2] > uniform[0].max(uniform[1]),
        "without adaptive partitioning the slow leader's partition gets the most: {uniform:?}"
    );
    // The sticky partitioner of Kafka 2.4 to 3.2 (KIP-480) moves at each new batch: the slow
    // partition's batch fills while the others' leave within linger.ms, so it gets the most.
    let per_batch = null_key_records_per_partition(
        &[(
            "partitioner.class",
            "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
        )],
        400,
    );
    assert!(
        per_batch[2] > per_batch[0].max(per_batch[1]),
        "KIP-480 sends the slow leader's partition the most: {per_batch:?}"
    );
}

/// KIP-480 (`DefaultPartitioner`, Kafka 2.4 to 3.2): null-key records stick to one partition
/// until a record would open a new batch there (`abortOnNewBatch`, `onNewBatch`); the next
/// partition is drawn among the others. With `linger.ms=100` and a record every 10 ms, each
/// batch gathers several records, and two batches in a row never share a partition.
#[test]
fn the_kip_480_sticky_partitioner_moves_at_every_new_batch() {
    let mut cluster = with_topic(1, 4, &[]);
    create_producer(
        &mut cluster,
        &[
            ("linger.ms", "100"),
            ("batch.size", "1000"),
            (
                "partitioner.class",
                "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
            ),
        ],
    );
    cluster.run_for(1_000);
    let mut appended = Vec::new();
    for _ in 0..200 {
        let mut events = cluster
            .apply(Command::Produce {
                producer: "p".into(),
                record: NewRecord::new("t", None, Some(&"v".repeat(100))),
            })
            .expect("sent");
        events.extend(cluster.run_for(10));
        for event in events {
            if let EventKind::RecordAccumulated {
                partition, batch, ..
            } = event.kind
            {
                appended.push((batch, partition.partition));
            }
        }
    }
    assert_eq!(appended.len(), 200);
    let mut batches: Vec<(u64, i32)> = appended.clone();
    batches.dedup();
    assert!(
        batches.len() < 100,
        "batches gather several records: {} batches",
        batches.len()
    );
    assert!(
        batches.windows(2).all(|pair| pair[0].1 != pair[1].1),
        "each new batch goes to another partition: {batches:?}"
    );
    // Every record of a batch is in the partition of the batch: one partition per batch id.
    let mut ids: Vec<u64> = batches.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), batches.len());
}

/// `partitioner.availability.timeout.ms`: a partition whose leader has had batches ready but
/// taken no request (its five requests in flight, answered 5 s late) for longer than the
/// timeout is left out of the adaptive picks while it has batches queued
/// (`RecordAccumulator.partitionReady`'s `readyTimeMs - drainTimeMs`), where the queue weights
/// alone still give it a share. Here it gets half as many records.
#[test]
fn a_leader_unavailable_past_the_timeout_is_left_out_of_the_picks() {
    let weighted = null_key_records_per_partition(&[], 5_000);
    let timed_out =
        null_key_records_per_partition(&[("partitioner.availability.timeout.ms", "1000")], 5_000);
    assert!(
        timed_out[2] * 3 < weighted[2] * 2,
        "the unavailable leader's partition should get far fewer records: {timed_out:?} against {weighted:?}"
    );
}

/// Producer `p` (`batch.size=500` and `configs`) sends 3,000 null-key records of 100 bytes,
/// one every 5 ms, to topic `t` of 3 partitions on 3 brokers, the leader of partition 2
/// answering `delay_ms` late: how many records went to each partition.
fn null_key_records_per_partition(configs: &[(&str, &str)], delay_ms: i64) -> [i32; 3] {
    {
        let mut cluster = with_topic(3, 3, &[]);
        let partitions = cluster.topic_view("t").expect("t").partitions;
        let slow = partitions[2].leader.expect("a leader");
        assert!(
            partitions[..2].iter().all(|p| p.leader != Some(slow)),
            "one partition per broker"
        );
        let mut all_configs = vec![("batch.size", "500")];
        all_configs.extend_from_slice(configs);
        create_producer(&mut cluster, &all_configs);
        cluster.run_for(1_000);
        run(
            &mut cluster,
            Command::DelayBroker {
                broker: slow,
                extra_ms: delay_ms,
            },
        );
        let mut counts = [0; 3];
        for _ in 0..3_000 {
            let events = cluster
                .apply(Command::Produce {
                    producer: "p".into(),
                    record: NewRecord::new("t", None, Some(&"v".repeat(100))),
                })
                .expect("sent");
            for event in events {
                if let EventKind::RecordAccumulated { partition, .. } = event.kind {
                    counts[partition.partition as usize] += 1;
                }
            }
            cluster.run_for(5);
        }
        counts
    }
}

/// With a `partitioner.class`, Kafka 3.x asked the partitioner for every record and left
/// `partitioner.ignore.keys` unread: `DefaultPartitioner` hashed keys even with it set, while
/// `UniformStickyPartitioner` placed keyed records by stickiness too.
#[test]
fn the_old_sticky_partitioner_classes_hash_keys_or_ignore_them_as_in_kafka_3() {
    let mut cluster = with_topic(1, 4, &[]);
    let classes = [
        (
            "default",
            "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
        ),
        (
            "uniform",
            "org.apache.kafka.clients.producer.UniformStickyPartitioner",
        ),
    ];
    for (name, class) in classes {
        run(
            &mut cluster,
            Command::CreateProducer {
                name: name.into(),
                configs: pairs(&[
                    ("partitioner.class", class),
                    ("partitioner.ignore.keys", "true"),
                ]),
            },
        );
    }
    cluster.run_for(1_000);
    for name in ["default", "uniform"] {
        let mut events = cluster
            .apply(Command::Produce {
                producer: name.into(),
                record: NewRecord::new("t", Some("alice"), Some("v")),
            })
            .expect("sent");
        // The first send waits for the topic's metadata.
        events.extend(cluster.run_for(1_000));
        let routing = events.iter().find_map(|event| match &event.kind {
            EventKind::RecordAccumulated { routing, .. } => Some(*routing),
            _ => None,
        });
        let keyed = matches!(routing, Some(kplay_core::Routing::Keyed { .. }));
        assert_eq!(keyed, name == "default", "{name}: {routing:?}");
    }
}

/// The Produce requests producer `p` has in flight now.
fn produce_requests_in_flight(cluster: &Cluster) -> usize {
    cluster
        .messages_in_flight()
        .iter()
        .filter(|message| message.api == "Produce" && message.is_request)
        .count()
}

/// `Sender.sendProducerData` polls with a zero timeout while a node has data ready, so a
/// backlog of full batches (here, records sent before the topic's metadata came) goes out in
/// back-to-back requests, up to `max.in.flight.requests.per.connection`, without waiting for
/// answers; an `acks=0` producer, which gets none, sends the whole backlog at once. (The
/// playground sent one request per answer, and an `acks=0` backlog waited for an unrelated
/// wakeup.)
#[test]
fn a_backlog_of_ready_batches_goes_out_in_back_to_back_requests() {
    let value = "v".repeat(100);
    let backlog = |acks: &str| {
        let mut cluster = with_topic(1, 1, &[]);
        create_producer(
            &mut cluster,
            &[("acks", acks), ("linger.ms", "0"), ("batch.size", "1024")],
        );
        for _ in 0..200 {
            send_to(&mut cluster, 0, &value);
        }
        cluster
    };
    let mut cluster = backlog("all");
    let mut most_in_flight = 0;
    for _ in 0..100 {
        cluster.run_for(1);
        most_in_flight = most_in_flight.max(produce_requests_in_flight(&cluster));
    }
    assert_eq!(most_in_flight, 5);

    let mut cluster = backlog("0");
    cluster.run_for(1_000);
    let written = cluster.view().topics[0].partitions[0].log_end_offset.0;
    assert_eq!(written, 200, "every batch of the acks=0 backlog");
}
