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
    keyed_partition, murmur2, to_positive, Cluster, ClusterConfig, Command, EventKind, NewRecord,
    PartitionId, Routing,
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
    let mut cluster = Cluster::new(ClusterConfig::default(), 1).expect("a valid cluster");
    let producer = Command::CreateProducer {
        name: "producer-1".into(),
        configs: Vec::new(),
    };
    assert!(cluster.apply(producer).is_ok());
    for count in PARTITION_COUNTS {
        let created = cluster.apply(Command::CreateTopic {
            topic: format!("keys-{count}"),
            partitions: count,
            replication_factor: 1,
            configs: Vec::new(),
        });
        assert!(created.is_ok(), "{created:?}");
        // The producer learns the topic's metadata with its first record.
        let warm_up = NewRecord::new(&format!("keys-{count}"), None, Some("warm-up"));
        let sent = cluster.apply(Command::Produce {
            producer: "producer-1".into(),
            record: warm_up,
        });
        assert!(sent.is_ok(), "{sent:?}");
    }
    cluster.run_for(1_000);
    let string_vectors = MURMUR2_VECTORS
        .iter()
        .filter(|vector| vector.is_utf8_string);
    for vector in string_vectors {
        let key = String::from_utf8(vector.key.to_vec()).ok();
        assert!(key.is_some(), "{} is not UTF-8", vector.label);
        for (count, expected) in PARTITION_COUNTS.iter().zip(vector.partitions) {
            let record = NewRecord {
                key: key.clone(),
                ..NewRecord::new(&format!("keys-{count}"), None, None)
            };
            let events = cluster.apply(Command::Produce {
                producer: "producer-1".into(),
                record,
            });
            let accumulated = events.iter().flatten().find_map(|event| match &event.kind {
                EventKind::RecordAccumulated {
                    partition, routing, ..
                } => Some((partition.partition, *routing)),
                _ => None,
            });
            let Some((partition, routing)) = accumulated else {
                panic!(
                    "produce of {} did not join a batch: {events:?}",
                    vector.label
                );
            };
            assert_eq!(
                PartitionId(partition),
                PartitionId(expected),
                "{}",
                vector.label
            );
            assert_eq!(
                routing,
                Routing::Keyed {
                    murmur2: vector.murmur2,
                    positive: to_positive(vector.murmur2),
                    partition_count: *count,
                }
            );
        }
    }
}
