//! A producer's `send()` that blocks, waiting for metadata or buffer memory for at most
//! `max.block.ms`: the application thread that called it waits inside it.

use kplay_core::{
    BrokerId, Cluster, ClusterConfig, Command, ErrorCode, Event, EventKind, KafkaError, NewRecord,
    TopicPartition, Workload,
};

fn producer_stats(cluster: &Cluster) -> (i64, i64, i64) {
    let view = cluster
        .producer_views()
        .into_iter()
        .find(|producer| producer.name == "sensors")
        .expect("the producer");
    (
        view.stats.records_sent,
        view.stats.records_failed,
        view.stats.records_acknowledged,
    )
}

/// The workload is an application's loop: when one of its sends blocks, the loop waits in that
/// send and sends nothing more until it returns. (It used to go on queueing a blocked send per
/// record, 500 a second here, each retried on every later attempt: a lesson's page froze for
/// seconds after a few minutes of an unreachable cluster.)
#[test]
fn a_workload_whose_send_blocks_sends_nothing_more_until_it_returns() {
    let mut cluster = one_broker("metrics", 1, "sensors");
    // The producer has no metadata for `metrics` yet, and nobody can give it any.
    cluster
        .apply(Command::StopBroker {
            broker: BrokerId(1),
        })
        .expect("stopped");
    let workload = Workload {
        topic: "metrics".into(),
        records_per_second: 500,
        distinct_keys: 0,
        value_bytes: 1_000,
    };
    cluster
        .apply(Command::StartWorkload {
            producer: "sensors".into(),
            workload,
        })
        .expect("started");

    // `max.block.ms` is 60 s: the first send throws after it, and the next one blocks again.
    cluster.run_for(70_000);
    let (sent, failed, _) = producer_stats(&cluster);
    assert_eq!(failed, 1, "one send timed out");
    assert!(
        sent <= 10,
        "{sent} sends in 70 s, with the loop blocked in one"
    );

    // Once the broker is back, the loop's send returns and the records flow again.
    cluster
        .apply(Command::StartBroker {
            broker: BrokerId(1),
        })
        .expect("started");
    cluster.run_for(30_000);
    let (_, _, acknowledged) = producer_stats(&cluster);
    assert!(acknowledged > 5_000, "{acknowledged} acknowledged");
}

/// A one-broker cluster with `topic` of `partitions` partitions and the producer `producer`,
/// after a second.
fn one_broker(topic: &str, partitions: i32, producer: &str) -> Cluster {
    let config = ClusterConfig {
        brokers: 1,
        controller_voters: 1,
        ..ClusterConfig::default()
    };
    let mut cluster = Cluster::new(config, 1).expect("a valid cluster");
    let commands = [
        Command::CreateTopic {
            topic: topic.into(),
            partitions,
            replication_factor: 1,
            configs: Vec::new(),
        },
        Command::CreateProducer {
            name: producer.into(),
            configs: Vec::new(),
        },
    ];
    for command in commands {
        cluster.apply(command).expect("accepted");
    }
    cluster.run_for(1_000);
    cluster
}

/// `orders` of three partitions and the producer `p`, which has sent one record and so knows
/// the topic's metadata.
fn orders_with_a_producer() -> Cluster {
    let mut cluster = one_broker("orders", 3, "p");
    send_to(&mut cluster, 0);
    cluster.run_for(1_000);
    cluster
}

fn send_to(cluster: &mut Cluster, partition: i32) -> Vec<Event> {
    let record = NewRecord {
        partition: Some(partition),
        ..NewRecord::new("orders", None, Some("v"))
    };
    cluster
        .apply(Command::Produce {
            producer: "p".into(),
            record,
        })
        .expect("send() returns, or blocks")
}

fn failures(events: &[Event]) -> Vec<&KafkaError> {
    events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::ProduceFailed { error, .. } => Some(error),
            _ => None,
        })
        .collect()
}

/// `KafkaProducer.waitOnMetadata`: a record naming a partition its topic lacks is not refused.
/// `send()` asks for metadata again and again until the partition appears (partitions may have
/// been added since the last answer), and throws a `TimeoutException` after `max.block.ms`.
#[test]
fn a_send_to_a_partition_the_topic_lacks_waits_for_it_up_to_max_block_ms() {
    let mut cluster = orders_with_a_producer();
    let mut events = send_to(&mut cluster, 3);
    events.extend(cluster.run_for(59_000));
    assert_eq!(
        failures(&events),
        Vec::<&KafkaError>::new(),
        "still blocked"
    );
    let events = cluster.run_for(2_000);
    let failed = failures(&events);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].code, ErrorCode::ClientTimeout);
    assert_eq!(
        failed[0].message,
        "Partition 3 of topic orders with partition count 3 is not present in metadata after 60000 ms."
    );

    // Blocked again, it goes through once the topic grows to four partitions: the producer
    // kept asking (its metadata would otherwise be five minutes old before it looked again).
    let mut events = send_to(&mut cluster, 3);
    events.extend(cluster.run_for(5_000));
    cluster
        .apply(Command::CreatePartitions {
            topic: "orders".into(),
            total_count: 4,
        })
        .expect("added");
    events.extend(cluster.run_for(5_000));
    assert_eq!(failures(&events), Vec::<&KafkaError>::new());
    let acknowledged = events.iter().any(|event| {
        matches!(
            &event.kind,
            EventKind::ProduceAcknowledged { partition, .. }
                if *partition == TopicPartition::new("orders", 3)
        )
    });
    assert!(acknowledged, "the record reached orders-3");
}
