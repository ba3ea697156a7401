//! `subscribe(Pattern)` (`ConsumerCoordinator.updatePatternSubscription`): members match their
//! pattern against the topics their all-topics metadata lists, join with what matched, and
//! rejoin when a refresh (every `metadata.max.age.ms`) lists a new matching topic or loses one.

use kplay_core::{Command, Subscription, TopicPartition};

use super::support::{auto_commit, Sim};

const PATTERN_GROUP: &str = "sales-app";

/// Starts `name` in `sales-app`, subscribed to `pattern`, with `configs` besides.
fn pattern_consumer(sim: &mut Sim, name: &str, pattern: &str, configs: &[(&str, &str)]) {
    let subscription = Subscription::Pattern(pattern.into());
    sim.consumer_in(PATTERN_GROUP, name, subscription, configs, auto_commit());
}

fn create_topic(sim: &mut Sim, topic: &str, partitions: i32) {
    sim.apply(Command::CreateTopic {
        topic: topic.into(),
        partitions,
        replication_factor: 3,
        configs: Vec::new(),
    });
}

/// Every partition the members `names` own, sorted.
fn owned_by(sim: &Sim, names: &[&str]) -> Vec<TopicPartition> {
    let mut owned: Vec<TopicPartition> = names.iter().flat_map(|name| sim.owned(name)).collect();
    owned.sort();
    owned
}

fn partitions(list: &[(&str, i32)]) -> Vec<TopicPartition> {
    list.iter()
        .map(|(topic, partition)| TopicPartition::new(*topic, *partition))
        .collect()
}

#[test]
fn a_pattern_picks_up_a_new_topic_at_the_next_metadata_refresh() {
    let mut sim = Sim::new(21, 2);
    create_topic(&mut sim, "sales-eu", 1);
    sim.run_for(1_000);
    let refresh = [("metadata.max.age.ms", "60000")];
    pattern_consumer(&mut sim, "c1", "sales-.*", &refresh);
    // Twenty seconds apart, so each refreshes its metadata at its own time.
    sim.run_for(20_000);
    pattern_consumer(&mut sim, "c2", "sales-.*", &refresh);
    sim.run_for(10_000);
    // `orders` does not match; `presales` would not either (the whole name must match).
    assert_eq!(
        owned_by(&sim, &["c1", "c2"]),
        partitions(&[("sales-eu", 0)])
    );
    let generations = sim.generations().len();

    create_topic(&mut sim, "sales-us", 2);
    create_topic(&mut sim, "presales", 1);
    sim.run_for(15_000);
    assert_eq!(
        owned_by(&sim, &["c1", "c2"]),
        partitions(&[("sales-eu", 0)]),
        "a pattern subscriber learns of a new topic only from a metadata refresh"
    );
    sim.run_for(60_000);
    assert_eq!(
        owned_by(&sim, &["c1", "c2"]),
        partitions(&[("sales-eu", 0), ("sales-us", 0), ("sales-us", 1)])
    );
    // c1's refresh finds `sales-us` and it rejoins; c2, told to rejoin, refreshes its
    // metadata before it joins, so it joins with `sales-us` too: one rebalance, not a second
    // one at c2's own refresh.
    assert_eq!(sim.generations().len(), generations + 1);
    let rejoined = sim.events.iter().any(|event| {
        event.describe().contains("its metadata refresh changes what its pattern 'sales-.*' matches: [sales-eu, sales-us], before [sales-eu]. It rejoins group sales-app to be assigned what it matches now")
    });
    assert!(rejoined, "{}", kplay_core::Cluster::trace(&sim.events));

    sim.apply(Command::DeleteTopic {
        topic: "sales-eu".into(),
    });
    sim.run_for(65_000);
    assert_eq!(
        owned_by(&sim, &["c1", "c2"]),
        partitions(&[("sales-us", 0), ("sales-us", 1)])
    );
}

#[test]
fn a_pattern_leaves_out_internal_topics_unless_told_otherwise() {
    let mut sim = Sim::new(22, 1);
    pattern_consumer(&mut sim, "everything", ".*", &[]);
    sim.run_for(10_000);
    assert_eq!(
        owned_by(&sim, &["everything"]),
        partitions(&[("orders", 0)])
    );

    let mut sim = Sim::new(23, 1);
    pattern_consumer(
        &mut sim,
        "internals",
        "__.*",
        &[("exclude.internal.topics", "false")],
    );
    sim.run_for(10_000);
    assert_eq!(
        owned_by(&sim, &["internals"]),
        partitions(&[
            ("__consumer_offsets", 0),
            ("__consumer_offsets", 1),
            ("__consumer_offsets", 2)
        ])
    );
}

#[test]
fn an_empty_or_invalid_pattern_is_refused() {
    let mut sim = Sim::new(24, 1);
    for (pattern, message) in [
        (
            "",
            "java.lang.IllegalArgumentException: Topic pattern to subscribe to cannot be empty",
        ),
        (
            "sales-(",
            "java.lang.IllegalArgumentException: Topic pattern 'sales-(' is an invalid regex.",
        ),
    ] {
        let error = sim
            .cluster
            .apply(Command::CreateConsumer {
                name: "c".into(),
                configs: vec![("group.id".into(), PATTERN_GROUP.into())],
                subscription: Subscription::Pattern(pattern.into()),
                policy: auto_commit(),
            })
            .expect_err("refused");
        assert!(error.as_exception().starts_with(message), "{error:?}");
    }
    let error = sim
        .cluster
        .apply(Command::CreateConsumer {
            name: "c".into(),
            configs: Vec::new(),
            subscription: Subscription::Pattern("sales-.*".into()),
            policy: auto_commit(),
        })
        .expect_err("no group");
    assert!(error.message.contains("must provide a valid group.id"));
}
