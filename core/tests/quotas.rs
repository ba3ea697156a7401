//! Client quotas end to end (KIP-13, KIP-219): a producer or consumer over its byte rate is
//! answered with a throttle time, waits it out, and the broker reads nothing more from it
//! meanwhile. See `kplay_core::quota` for the measure, tested there against Kafka's
//! `ClientQuotaManagerTest`.

use kplay_core::cluster::config::MetadataMode;
use kplay_core::{Command, CommitPolicy, ConfigResource, EventKind, Subscription, TopicPartition};

mod cluster_support;

use cluster_support::{login, pairs, Sim, TOPIC};

fn set_quota(sim: &mut Sim, client: &str, name: &str, bytes_per_second: &str) {
    sim.apply(Command::AlterConfigs {
        resource: ConfigResource::ClientId(Some(client.into())),
        set: vec![(name.into(), bytes_per_second.into())],
        delete: Vec::new(),
    });
}

/// The throttle events the run has seen, by trace.
fn throttles(sim: &Sim, config: &str) -> usize {
    sim.events
        .iter()
        .filter(|event| match &event.kind {
            EventKind::Client { trace, .. } => {
                trace.starts_with("throttled") && trace.contains(config)
            }
            _ => false,
        })
        .count()
}

/// 3,000 small records (about 60 KB, in batches of at most 1 KB) in one burst: without a quota
/// the producer has them all written within a second; at 1,000 bytes a second it is throttled
/// again and again, and ten seconds on fewer than half have been written.
fn burst_under_quota(acks: &str, quota: Option<&str>) -> (Sim, i64) {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    if let Some(quota) = quota {
        set_quota(&mut sim, "p", "producer_byte_rate", quota);
    }
    sim.producer(
        "p",
        &[("acks", acks), ("linger.ms", "0"), ("batch.size", "1024")],
    );
    sim.run_for(100);
    sim.send("p", 3_000);
    sim.run_for(10_000);
    let written = sim.partition().log_end_offset.0;
    (sim, written)
}

#[test]
fn a_producer_over_its_quota_is_throttled() {
    let (_, free) = burst_under_quota("all", None);
    assert_eq!(free, 3_000);
    let (sim, held) = burst_under_quota("all", Some("1000"));
    assert!(held < 1_500, "{held} records written in 10 s");
    assert!(held > 0);
    assert!(throttles(&sim, "producer_byte_rate") > 0);
}

/// `acks=0` gets no answer to carry a throttle time, but the broker mutes the connection all
/// the same (`KafkaApis.handleProduceRequest`): the requests the producer sends meanwhile wait
/// unread.
#[test]
fn an_acks_0_producer_is_held_back_by_the_muted_connection() {
    let (_, free) = burst_under_quota("0", None);
    assert_eq!(free, 3_000);
    let (_, held) = burst_under_quota("0", Some("1000"));
    assert!(held < 1_500, "{held} records written in 10 s");
}

/// A consumer reading a backlog (batches of at most 1 KB) at 200 bytes a second: a fetch
/// returns at most what the quota allows in the window (`getMaxValueInQuotaWindow`: 2,000
/// bytes), fetches over the quota come back empty with a throttle time, and it reads far fewer
/// records than without the quota. (A batch larger than the window's allowance would still be
/// returned whole, and always throttled: Kafka's consumer never gets past it.)
#[test]
fn a_consumer_over_its_quota_is_throttled() {
    let read = |quota: Option<&str>| {
        let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
        sim.producer("p", &[("linger.ms", "0"), ("batch.size", "1024")]);
        sim.send("p", 2_000);
        sim.run_for(2_000);
        assert_eq!(sim.partition().log_end_offset.0, 2_000);
        if let Some(quota) = quota {
            set_quota(&mut sim, "reader", "consumer_byte_rate", quota);
        }
        sim.apply(Command::CreateConsumer {
            name: "reader".into(),
            configs: pairs(&[("auto.offset.reset", "earliest")]),
            subscription: Subscription::Partitions(vec![TopicPartition::new(TOPIC, 0)]),
            policy: CommitPolicy::default(),
        });
        sim.run_for(10_000);
        let delivered = sim.cluster.consumer_views()[0].records_delivered;
        (sim, delivered)
    };
    let (_, free) = read(None);
    assert_eq!(free, 2_000);
    let (sim, held) = read(Some("200"));
    assert!(held > 0 && held < 500, "{held} records read in 10 s");
    assert!(throttles(&sim, "consumer_byte_rate") > 0);
}

/// A client id without a quota of its own takes the default client id's; one with its own
/// is not held to the default.
#[test]
fn the_default_client_id_quota_applies_to_the_others() {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    sim.apply(Command::AlterConfigs {
        resource: ConfigResource::ClientId(None),
        set: vec![("producer_byte_rate".into(), "1000".into())],
        delete: Vec::new(),
    });
    set_quota(&mut sim, "fast", "producer_byte_rate", "100000000");
    for name in ["slow", "fast"] {
        sim.producer(name, &[("linger.ms", "0"), ("batch.size", "1024")]);
    }
    sim.run_for(100);
    sim.send("slow", 3_000);
    sim.send("fast", 3_000);
    sim.run_for(10_000);
    let written = sim.partition().log_end_offset.0;
    assert!(
        (3_000..4_500).contains(&written),
        "fast writes its 3,000, slow fewer than half: {written}"
    );
}

/// `ClientQuotaManager.quotasEnabled`: once a quota has been set, a broker goes on measuring
/// until it restarts, even after the quota is deleted. So bytes sent with no quota in force
/// count when a quota comes back, and the first answer after it is throttled.
#[test]
fn a_broker_keeps_measuring_after_the_quota_is_deleted() {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    set_quota(&mut sim, "p", "producer_byte_rate", "1000000");
    sim.producer("p", &[("linger.ms", "0"), ("batch.size", "1024")]);
    sim.run_for(100);
    sim.apply(Command::AlterConfigs {
        resource: ConfigResource::ClientId(Some("p".into())),
        set: Vec::new(),
        delete: vec!["producer_byte_rate".into()],
    });
    sim.send("p", 3_000);
    sim.run_for(2_000);
    assert_eq!(sim.partition().log_end_offset.0, 3_000);
    assert_eq!(throttles(&sim, "producer_byte_rate"), 0);
    set_quota(&mut sim, "p", "producer_byte_rate", "1000");
    sim.send("p", 1);
    sim.run_for(1_000);
    assert_eq!(
        throttles(&sim, "producer_byte_rate"),
        1,
        "the 60 KB before count"
    );
}

/// The records each producer had acknowledged after a burst of 1,500 each (about 30 KB) and
/// ten seconds, with `quotas` set first.
fn acknowledged_under(quotas: &[(ConfigResource, &str)]) -> (Sim, Vec<(String, i64)>) {
    let mut sim = Sim::new(MetadataMode::Kraft, 1, 1, &[]);
    for (resource, rate) in quotas {
        sim.apply(Command::AlterConfigs {
            resource: resource.clone(),
            set: vec![("producer_byte_rate".into(), (*rate).into())],
            delete: Vec::new(),
        });
    }
    for (name, user) in [("web-1", "alice"), ("web-2", "alice"), ("batch", "bob")] {
        sim.apply(Command::CreateProducer {
            name: name.into(),
            configs: [
                login(user),
                pairs(&[("linger.ms", "0"), ("batch.size", "1024")]),
            ]
            .concat(),
        });
    }
    sim.run_for(100);
    for name in ["web-1", "web-2", "batch"] {
        sim.send(name, 1_500);
    }
    sim.run_for(10_000);
    let acknowledged = sim
        .cluster
        .producer_views()
        .into_iter()
        .map(|view| (view.name, view.stats.records_acknowledged))
        .collect();
    (sim, acknowledged)
}

/// KIP-55: a quota set for a user holds all the user's clients together at a broker; a
/// quota for one client id of the user is that client's own, and comes first.
#[test]
fn a_users_quota_is_shared_by_its_clients() {
    let alice = || ConfigResource::User(Some("alice".into()));
    let count = |acknowledged: &[(String, i64)], name: &str| {
        acknowledged
            .iter()
            .find(|(producer, _)| producer == name)
            .map_or(0, |(_, count)| *count)
    };
    let (_, free) = acknowledged_under(&[]);
    assert!(free.iter().all(|(_, count)| *count == 1_500), "{free:?}");

    // One client id's quota (500 bytes/s) holds one producer back; alice's two producers
    // together under her user quota of the same rate get through about as much as one.
    let (_, one) = acknowledged_under(&[(ConfigResource::ClientId(Some("web-1".into())), "500")]);
    let (sim, shared) = acknowledged_under(&[(alice(), "500")]);
    let alone = count(&one, "web-1");
    let together = count(&shared, "web-1") + count(&shared, "web-2");
    assert!(alone < 1_500 && count(&one, "web-2") == 1_500, "{one:?}");
    assert!(together < alone * 3 / 2, "{shared:?} against {one:?}");
    assert_eq!(count(&shared, "batch"), 1_500, "bob is not alice");
    let described = sim.events.iter().any(|event| {
        matches!(&event.kind, EventKind::Client { description, .. }
            if description.contains("the clients of user alice produce")
                && description.contains("over the user's producer_byte_rate of 500"))
    });
    assert!(described, "{}", kplay_core::Cluster::trace(&sim.events));

    // A quota of alice's web-2 of its own takes it out of her shared quota.
    let (_, own) = acknowledged_under(&[
        (alice(), "500"),
        (
            ConfigResource::UserClientId(Some("alice".into()), Some("web-2".into())),
            "1000000",
        ),
    ]);
    assert_eq!(count(&own, "web-2"), 1_500, "{own:?}");
    assert!(count(&own, "web-1") < 1_500, "{own:?}");
}
