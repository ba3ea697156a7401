//! murmur2 and keyed partitioning against vectors from an independent implementation.
//!
//! The expected hashes and partitions in `vectors/murmur2_vectors.rs` were derived from
//! kafka-python's Java-compatible murmur2 (`kafka.partitioner.default.murmur2`, a port of
//! Kafka's `Utils.murmur2`) by `vectors/generate_murmur2_vectors.py`, not from this crate. They
//! cover the empty key, every tail length, multi-byte UTF-8 ("ключ", "🦀"), bytes >= 0x80 and
//! long keys, and the partition `to_positive(murmur2) % n` for n in 1, 2, 3, 5, 6, 12, 24.

mod vectors {
    include!("vectors/murmur2_vectors.rs");
}

use kplay_core::{
    keyed_partition, murmur2, to_positive, Cluster, ClusterConfig, Command, Event, PartitionId,
    Routing,
};
use vectors::{MURMUR2_VECTORS, PARTITION_COUNTS};

#[test]
fn there_are_enough_independent_vectors() {
    assert!(MURMUR2_VECTORS.len() >= 40);
    for tail in 0..4 {
        assert!(
            MURMUR2_VECTORS
                .iter()
                .any(|vector| vector.key.len() % 4 == tail),
            "no vector with a {tail}-byte tail"
        );
    }
}

#[test]
fn murmur2_matches_kafka_python() {
    for vector in MURMUR2_VECTORS {
        assert_eq!(
            murmur2(vector.key),
            vector.murmur2,
            "murmur2 of {} ({:?})",
            vector.label,
            vector.key
        );
    }
}

#[test]
fn keyed_partition_matches_kafka_python_for_every_count() {
    for vector in MURMUR2_VECTORS {
        for (count, expected) in PARTITION_COUNTS.iter().zip(vector.partitions) {
            assert_eq!(
                keyed_partition(vector.key, *count),
                Some(PartitionId(expected)),
                "{} with {count} partitions",
                vector.label
            );
            assert_eq!(to_positive(vector.murmur2) % count, expected);
        }
    }
}

#[test]
fn produced_string_keys_land_where_kafka_python_says() {
    let config = ClusterConfig {
        max_partitions_per_topic: 24,
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, 1);
    for count in PARTITION_COUNTS {
        let created = cluster.apply(Command::CreateTopic {
            topic: format!("keys-{count}"),
            partitions: count,
            max_message_bytes: None,
        });
        assert!(created.is_ok());
    }
    let string_vectors = MURMUR2_VECTORS
        .iter()
        .filter(|vector| vector.is_utf8_string);
    for vector in string_vectors {
        let key = String::from_utf8(vector.key.to_vec()).ok();
        assert!(key.is_some(), "{} is not UTF-8", vector.label);
        for (count, expected) in PARTITION_COUNTS.iter().zip(vector.partitions) {
            let events = cluster.apply(Command::Produce {
                topic: format!("keys-{count}"),
                key: key.clone(),
                value: None,
                partition: None,
            });
            let Ok(
                [Event::RecordAppended {
                    partition, routing, ..
                }],
            ) = events.as_deref()
            else {
                panic!("produce of {} refused: {events:?}", vector.label);
            };
            assert_eq!(*partition, PartitionId(expected), "{}", vector.label);
            assert_eq!(
                *routing,
                Routing::Keyed {
                    murmur2: vector.murmur2,
                    positive: to_positive(vector.murmur2),
                    partition_count: *count,
                }
            );
        }
    }
}
