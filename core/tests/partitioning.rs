//! Which partition a produced record lands in: explicit, keyed, uniform sticky, round robin.

mod common;

use common::*;
use kplay_core::{
    keyed_partition, to_positive, Command, ErrorCode, Offset, PartitionId, PartitionerKind,
    Routing, SimRng,
};

#[test]
fn same_key_always_lands_in_same_partition() {
    let mut cluster = new_cluster(3);
    create_topic(&mut cluster, "orders", 6);
    let first = produce_keyed(&mut cluster, "orders", "customer-7");
    for _ in 0..20 {
        produce_unkeyed(&mut cluster, "orders", "noise");
        let again = produce_keyed(&mut cluster, "orders", "customer-7");
        assert_eq!(again.partition, first.partition);
    }
}

#[test]
fn keyed_records_report_the_hash_arithmetic() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 12);
    // Kafka's UtilsTest vector: murmur2("21") = -973932308.
    let appended = produce_keyed(&mut cluster, "orders", "21");
    assert_eq!(
        appended.routing,
        Routing::Keyed {
            murmur2: -973_932_308,
            positive: 1_173_551_340,
            partition_count: 12,
        }
    );
    assert_eq!(appended.partition, PartitionId(1_173_551_340 % 12));
}

#[test]
fn empty_key_is_hashed_not_sticky() {
    let mut cluster = new_cluster(8);
    create_topic(&mut cluster, "orders", 12);
    configure(&mut cluster, PartitionerKind::UniformSticky, 1);
    for _ in 0..10 {
        let appended = produce_keyed(&mut cluster, "orders", "");
        // kafka-python: murmur2(b"") = 275646681; % 12 = 9.
        assert_eq!(appended.partition, PartitionId(9));
        assert!(matches!(
            appended.routing,
            Routing::Keyed {
                murmur2: 275_646_681,
                ..
            }
        ));
    }
}

#[test]
fn explicit_partition_wins_over_key() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 6);
    let hashed = keyed_partition(b"customer-7", 6);
    let explicit = (hashed.map_or(0, |partition| partition.0) + 1) % 6;
    let appended = produce(
        &mut cluster,
        Command::Produce {
            topic: "orders".into(),
            key: Some("customer-7".into()),
            value: None,
            partition: Some(explicit),
        },
    );
    assert_eq!(appended.partition, PartitionId(explicit));
    assert_eq!(appended.routing, Routing::Explicit);
}

#[test]
fn explicit_partition_out_of_range_is_unknown_topic_or_partition() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "orders", 3);
    for partition in [3, 4, -1, i32::MAX, i32::MIN] {
        let (code, message) = refused(
            &mut cluster,
            Command::Produce {
                topic: "orders".into(),
                key: None,
                value: Some("v".into()),
                partition: Some(partition),
            },
        );
        assert_eq!(code, ErrorCode::UnknownTopicOrPartition);
        assert_eq!(message, "This server does not host this topic-partition.");
    }
}

#[test]
fn producing_to_a_missing_topic_is_unknown_topic_or_partition() {
    let mut cluster = new_cluster(1);
    let (code, _) = refused(&mut cluster, produce_command("nope", None, Some("v")));
    assert_eq!(code, ErrorCode::UnknownTopicOrPartition);
}

#[test]
fn offsets_are_dense_per_partition() {
    let mut cluster = new_cluster(2);
    create_topic(&mut cluster, "orders", 1);
    for expected in 0..5 {
        let appended = produce_unkeyed(&mut cluster, "orders", "v");
        assert_eq!(appended.offset, Offset(expected));
    }
    let view = cluster.topic("orders");
    let partition = view.as_ref().map(|topic| &topic.partitions[0]);
    assert_eq!(partition.map(|p| p.log_end_offset), Some(Offset(5)));
    assert_eq!(partition.map(|p| p.log_start_offset), Some(Offset(0)));
}

/// A null-key record whose value is 13 bytes is 20 bytes: body = 1 (attributes) + 1 (offset
/// delta) + 1 (timestamp delta) + 1 (null key) + (1 + 13) (value) + 1 (headers) = 19, plus 1
/// length byte.
const TWENTY_BYTE_VALUE: &str = "thirteen-byte";

#[test]
fn uniform_sticky_switches_after_batch_size_bytes() {
    let seed = 21;
    let mut cluster = new_cluster(seed);
    create_topic(&mut cluster, "clicks", 12);
    configure(&mut cluster, PartitionerKind::UniformSticky, 100);

    // The same draws the partitioner makes: toPositive(nextInt) % partitions.
    let mut rng = SimRng::seed_from_u64(seed);
    let first_sticky = PartitionId(to_positive(rng.next_i32()) % 12);
    let second_sticky = PartitionId(to_positive(rng.next_i32()) % 12);

    for record in 1..=5 {
        let appended = produce_unkeyed(&mut cluster, "clicks", TWENTY_BYTE_VALUE);
        assert_eq!(appended.size_in_bytes, 20);
        assert_eq!(appended.partition, first_sticky, "record {record}");
        assert_eq!(
            appended.routing,
            Routing::Sticky {
                produced_bytes: 20 * record,
                batch_size: 100,
                switched: record == 5,
            }
        );
    }
    let after_switch = produce_unkeyed(&mut cluster, "clicks", TWENTY_BYTE_VALUE);
    assert_eq!(after_switch.partition, second_sticky);
    assert_eq!(
        after_switch.routing,
        Routing::Sticky {
            produced_bytes: 20,
            batch_size: 100,
            switched: false,
        }
    );
}

#[test]
fn keyed_and_explicit_records_do_not_move_the_sticky_partition() {
    let mut cluster = new_cluster(4);
    create_topic(&mut cluster, "clicks", 12);
    configure(&mut cluster, PartitionerKind::UniformSticky, 1000);
    let sticky = produce_unkeyed(&mut cluster, "clicks", TWENTY_BYTE_VALUE).partition;
    for index in 0..10 {
        produce_keyed(&mut cluster, "clicks", "some-key");
        produce(
            &mut cluster,
            Command::Produce {
                topic: "clicks".into(),
                key: None,
                value: Some(TWENTY_BYTE_VALUE.into()),
                partition: Some(index % 12),
            },
        );
        let unkeyed = produce_unkeyed(&mut cluster, "clicks", TWENTY_BYTE_VALUE);
        assert_eq!(unkeyed.partition, sticky);
    }
}

#[test]
fn uniform_sticky_spreads_over_all_partitions_in_the_long_run() {
    let mut cluster = new_cluster(99);
    create_topic(&mut cluster, "clicks", 6);
    configure(&mut cluster, PartitionerKind::UniformSticky, 1);
    let mut seen = [false; 6];
    for _ in 0..200 {
        let appended = produce_unkeyed(&mut cluster, "clicks", "v");
        seen[appended.partition.0 as usize] = true;
    }
    assert!(seen.iter().all(|&hit| hit), "{seen:?}");
}

#[test]
fn round_robin_cycles_through_partitions() {
    let mut cluster = new_cluster(5);
    create_topic(&mut cluster, "jobs", 3);
    configure(&mut cluster, PartitionerKind::RoundRobin, 16384);
    for counter in 0..7 {
        let appended = produce_unkeyed(&mut cluster, "jobs", "v");
        assert_eq!(appended.partition, PartitionId(counter % 3));
        assert_eq!(appended.routing, Routing::RoundRobin { counter });
    }
}

#[test]
fn round_robin_keeps_a_counter_per_topic() {
    let mut cluster = new_cluster(5);
    create_topic(&mut cluster, "jobs", 3);
    create_topic(&mut cluster, "mail", 3);
    configure(&mut cluster, PartitionerKind::RoundRobin, 16384);
    assert_eq!(
        produce_unkeyed(&mut cluster, "jobs", "v").partition,
        PartitionId(0)
    );
    assert_eq!(
        produce_unkeyed(&mut cluster, "jobs", "v").partition,
        PartitionId(1)
    );
    assert_eq!(
        produce_unkeyed(&mut cluster, "mail", "v").partition,
        PartitionId(0)
    );
}

#[test]
fn adding_partitions_moves_keys() {
    let mut cluster = new_cluster(6);
    create_topic(&mut cluster, "users", 3);
    let keys: Vec<String> = (0..30).map(|index| format!("user-{index}")).collect();
    let before: Vec<PartitionId> = keys
        .iter()
        .map(|key| produce_keyed(&mut cluster, "users", key).partition)
        .collect();

    let grown = cluster.apply(Command::CreatePartitions {
        topic: "users".into(),
        total_count: 6,
    });
    assert!(grown.is_ok());

    let mut moved = 0;
    for (key, old_partition) in keys.iter().zip(&before) {
        let appended = produce_keyed(&mut cluster, "users", key);
        assert_eq!(Some(appended.partition), keyed_partition(key.as_bytes(), 6));
        assert!(matches!(
            appended.routing,
            Routing::Keyed {
                partition_count: 6,
                ..
            }
        ));
        if appended.partition != *old_partition {
            moved += 1;
        }
    }
    assert!(moved > 0, "no key moved from 3 to 6 partitions");

    // The old records stay where they were written: Kafka never moves data between partitions.
    let view = cluster.topic("users");
    for (key, old_partition) in keys.iter().zip(&before) {
        let still_there = view.as_ref().is_some_and(|topic| {
            topic.partitions[old_partition.0 as usize]
                .records
                .iter()
                .any(|record| record.key.as_ref() == Some(key))
        });
        assert!(still_there, "{key} left partition {old_partition}");
    }
}

#[test]
fn sticky_and_round_robin_stay_valid_after_adding_partitions() {
    for kind in [PartitionerKind::UniformSticky, PartitionerKind::RoundRobin] {
        let mut cluster = new_cluster(17);
        create_topic(&mut cluster, "events", 2);
        configure(&mut cluster, kind, 50);
        for _ in 0..5 {
            produce_unkeyed(&mut cluster, "events", TWENTY_BYTE_VALUE);
        }
        let grown = cluster.apply(Command::CreatePartitions {
            topic: "events".into(),
            total_count: 5,
        });
        assert!(grown.is_ok());
        let mut seen_new_partition = false;
        for _ in 0..100 {
            let appended = produce_unkeyed(&mut cluster, "events", TWENTY_BYTE_VALUE);
            assert!((0..5).contains(&appended.partition.0));
            seen_new_partition |= appended.partition.0 >= 2;
        }
        assert!(seen_new_partition, "{kind:?} never used the new partitions");
    }
}

#[test]
fn record_too_large_is_refused_and_state_untouched() {
    let mut cluster = new_cluster(1);
    let created = cluster.apply(Command::CreateTopic {
        topic: "tiny".into(),
        partitions: 2,
        max_message_bytes: Some(100),
    });
    assert!(created.is_ok());
    // A 20-byte record is an 81-byte batch: fits.
    produce_unkeyed(&mut cluster, "tiny", TWENTY_BYTE_VALUE);
    // Null key, 32-byte value: record = 39 bytes, batch = 100 bytes: exactly fits.
    let fits = produce_unkeyed(&mut cluster, "tiny", &"x".repeat(32));
    assert_eq!(fits.size_in_bytes, 39);
    // One byte more: the 101-byte batch is over max.message.bytes.
    let (code, message) = refused(
        &mut cluster,
        produce_command("tiny", None, Some(&"x".repeat(33))),
    );
    assert_eq!(code, ErrorCode::MessageTooLarge);
    assert_eq!(
        message,
        "The request included a message larger than the max message size the server will accept."
    );
}

#[test]
fn default_max_message_bytes_refuses_a_one_mebibyte_value() {
    let mut cluster = new_cluster(1);
    create_topic(&mut cluster, "blobs", 1);
    // 1048576-byte value: record 1048589 bytes, batch 1048650 > 1048588.
    let (code, _) = refused(
        &mut cluster,
        produce_command("blobs", None, Some(&"x".repeat(1 << 20))),
    );
    assert_eq!(code, ErrorCode::MessageTooLarge);
}
