//! Each lesson's blocks, run after its setup in page order, show what the lesson's prose says
//! they show. When the simulator changes, these tests say which sentence of which lesson is no
//! longer true.
//!
//! The assertions read the cluster's views (leaders, ISRs, logs, groups, alerts), not the exact
//! text of the tools, except where the prose quotes a tool's words.

mod common;

use common::{printed_lines, LessonRun};
use kplay_core::cluster::event::ElectionReason;
use kplay_core::{AlertKind, BrokerId, EventKind};

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// What the last command of a block printed.
fn last(steps: &[String]) -> &str {
    steps.last().map_or("", String::as_str)
}

#[test]
fn brokers_and_replication_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("brokers-replication");

    // Leaders spread over the brokers; every replica in sync.
    run.clean_block();
    let leaders: Vec<Option<i32>> = (0..3).map(|p| run.leader("orders", p)).collect();
    assert_eq!(leaders, vec![Some(3), Some(1), Some(2)]);
    for p in 0..3 {
        assert_eq!(run.isr("orders", p), vec![1, 2, 3]);
    }

    // Every replica of orders-0 has its one record.
    run.clean_block();
    for broker in 1..=3 {
        assert_eq!(run.replica(broker, "orders", 0).log_end_offset.0, 1);
    }

    // A replication factor above the broker count is refused.
    let out = run.block();
    assert!(out.contains("The target replication factor of 4 cannot be reached because only 3 broker(s) are registered."), "{out}");
    assert!(!run
        .shell
        .cluster
        .topic_names()
        .contains(&"audit".to_owned()));

    // Right after the crash, nothing has changed yet.
    let out = run.block();
    assert!(out.contains("Partition: 1\tLeader: 1\t"), "{out}");

    // After broker.session.timeout.ms, broker 2 leads orders-1 and broker 1 left every ISR.
    run.clean_block();
    assert_eq!(run.leader("orders", 1), Some(2));
    for p in 0..3 {
        assert_eq!(run.isr("orders", p), vec![2, 3]);
    }

    // The producer's first attempt hit the dead broker, the retry reached broker 2.
    let mark = run.event_count();
    run.clean_block();
    assert!(run
        .trace_since(mark)
        .iter()
        .any(|l| l.contains("error=NETWORK_EXCEPTION")));
    assert_eq!(run.replica(2, "orders", 1).log_end_offset.0, 2);
    assert_eq!(run.replica(3, "orders", 1).log_end_offset.0, 2);
    assert_eq!(run.replica(1, "orders", 1).log_end_offset.0, 1);

    // Broker 1 is back in every ISR but does not lead orders-1 again.
    run.clean_block();
    for p in 0..3 {
        assert_eq!(run.isr("orders", p), vec![1, 2, 3]);
    }
    assert_eq!(run.leader("orders", 1), Some(2));

    // audit: one replica, on broker 1, with three records.
    run.clean_block();
    assert_eq!(run.partition("audit", 0).replicas, vec![BrokerId(1)]);
    assert_eq!(run.replica(1, "audit", 0).log_end_offset.0, 3);

    // The reassignment to 1,2,3 adds brokers 2 and 3, not yet in sync.
    let out = run.clean_block();
    assert!(
        out.contains("Successfully started partition reassignment for audit-0"),
        "{out}"
    );
    assert!(
        out.contains("Replicas: 1,2,3\tIsr: 1\tAdding Replicas: 2,3\tRemoving Replicas: \t"),
        "{out}"
    );
    assert!(out.contains("ReplicationFactor: 1\t"), "{out}");

    // Two seconds later they copied the log, joined the ISR, and the move is complete.
    let out = run.clean_block();
    assert!(
        out.contains("Reassignment of partition audit-0 is completed."),
        "{out}"
    );
    assert!(out.contains("ReplicationFactor: 3\t"), "{out}");
    assert_eq!(run.isr("audit", 0), vec![1, 2, 3]);
    for broker in 2..=3 {
        assert_eq!(run.replica(broker, "audit", 0).log_end_offset.0, 3);
    }

    // Moving off broker 1, the leader, completes at once and broker 3 leads.
    let out = run.clean_block();
    assert!(
        out.contains("Leader: 3\tReplicas: 3,2\tIsr: 3,2\t"),
        "{out}"
    );
    run.try_it("kplay time advance 1s");
    let view = run.shell.cluster.view();
    let on_1 = view
        .brokers
        .iter()
        .find(|b| b.id == BrokerId(1))
        .expect("broker 1");
    assert!(
        on_1.replicas.iter().all(|r| r.partition.topic != "audit"),
        "broker 1 deleted its copy"
    );

    // A controlled shutdown moves broker 2's leaderships first.
    run.clean_block();
    for p in 0..3 {
        assert_ne!(run.leader("orders", p), Some(2));
        assert!(run.leader("orders", p).is_some());
    }

    // Try it: the tool refuses a broker that is not running; a move to a broker that cannot
    // fetch waits, and --cancel undoes it.
    let json = r#"{"version":1,"partitions":[{"topic":"audit","partition":0,"replicas":[1,2]}]}"#;
    let tool = |action: &str| {
        format!("kafka-reassign-partitions --bootstrap-server localhost:9092 {action} --reassignment-json-file /dev/stdin <<EOF\n{json}\nEOF")
    };
    let out = run.try_it(&tool("--execute"));
    assert!(out.contains("Unknown broker id 2"), "{out}");
    run.try_it("kplay broker start 2\nkplay time advance 30s\nkplay network hold 1");
    run.try_it(&format!("{}\nkplay time advance 5s", tool("--execute")));
    let out = run.try_it(&tool("--verify"));
    assert!(
        out.contains("Reassignment of partition audit-0 is still in progress."),
        "{out}"
    );
    let out = run.try_it(&tool("--cancel"));
    assert!(
        out.contains("Successfully cancelled partition reassignment for: audit-0"),
        "{out}"
    );
    // `PartitionReassignmentRevert` keeps the order of the merged list: 2,3, not 3,2.
    assert_eq!(
        run.partition("audit", 0).replicas,
        vec![BrokerId(2), BrokerId(3)]
    );
    run.try_it(&format!(
        "kplay network release 1\n{}\nkplay time advance 5s",
        tool("--execute")
    ));
    let out = run.try_it(&tool("--verify"));
    assert!(
        out.contains("Reassignment of partition audit-0 is completed."),
        "{out}"
    );
    assert_eq!(
        run.partition("audit", 0).replicas,
        vec![BrokerId(1), BrokerId(2)]
    );

    // Try it: with two of three voters stopped there is no controller, and the metadata still
    // names the stopped brokers as leaders.
    let out = run
        .try_it("kplay broker stop 1\nkplay broker stop 2\nkplay time advance 10s\nkplay status");
    assert!(out.contains("controller: none"), "{out}");
    assert!(out.contains("led by a stopped broker"), "{out}");
    run.finish();
}

#[test]
fn isr_and_high_watermark_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("isr-high-watermark");

    run.clean_block();
    for broker in 1..=3 {
        let replica = run.replica(broker, "orders", 0);
        assert_eq!((replica.log_end_offset.0, replica.high_watermark.0), (1, 1));
    }

    // A stuck follower holds the high watermark; the producer waits.
    run.clean_block();
    assert_eq!(run.replica(3, "orders", 0).log_end_offset.0, 2);
    assert_eq!(run.replica(2, "orders", 0).log_end_offset.0, 2);
    assert_eq!(run.replica(1, "orders", 0).log_end_offset.0, 1);
    assert_eq!(run.replica(3, "orders", 0).high_watermark.0, 1);
    assert_eq!(run.producer_stats("shop").1, 1);

    // Consumers read only below the high watermark.
    let out = run.clean_block();
    assert_eq!(printed_lines(&out), vec!["order-1"]);

    // The follower left the ISR; the high watermark moved; the producer was acknowledged.
    run.clean_block();
    assert_eq!(run.isr("orders", 0), vec![2, 3]);
    assert_eq!(run.replica(3, "orders", 0).high_watermark.0, 2);
    assert_eq!(run.producer_stats("shop").1, 2);

    let out = run.clean_block();
    assert_eq!(printed_lines(&out), vec!["order-1", "order-2"]);

    // Released, it catches up and rejoins.
    run.clean_block();
    assert_eq!(run.isr("orders", 0), vec![1, 2, 3]);

    // Below min.insync.replicas the high watermark stays put (Kafka 3.7+).
    let out = run.clean_block();
    assert_eq!(run.isr("orders", 0), vec![3]);
    let leader = run.replica(3, "orders", 0);
    assert_eq!((leader.log_end_offset.0, leader.high_watermark.0), (3, 2));
    assert_eq!(run.producer_stats("quick").1, 1);
    assert!(
        out.ends_with("order-1\norder-2\nProcessed a total of 2 messages\n"),
        "{out}"
    );
    // The followers left an ISR below min.insync.replicas: eligible leader replicas (KIP-966).
    assert!(out.contains("Isr: 3\tElr: 1,2\tLastKnownElr: \n"), "{out}");

    // Healed: the high watermark passes order-3, and the ELR is forgotten.
    let out = run.clean_block();
    assert_eq!(run.replica(3, "orders", 0).high_watermark.0, 3);
    assert!(out.contains("order-3"), "{out}");
    assert!(run.partition("orders", 0).elr.as_deref() == Some(&[][..]));
    run.finish();
}

#[test]
fn controller_and_elections_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("controller-elections");

    let out = run.clean_block();
    assert_eq!(run.controller(), Some(3));
    assert!(
        out.contains("controller: broker 3 (epoch 1, KRaft)"),
        "{out}"
    );
    assert_eq!(
        run.partition("payments", 0)
            .replicas
            .iter()
            .map(|b| b.0)
            .collect::<Vec<_>>(),
        vec![4, 5]
    );

    run.clean_block();
    assert_eq!(run.leader("payments", 0), Some(4));
    assert_eq!(run.isr("payments", 0), vec![4]);

    run.clean_block();
    let leader = run.replica(4, "payments", 0);
    assert_eq!((leader.log_end_offset.0, leader.high_watermark.0), (3, 3));
    assert_eq!(run.producer_stats("app").1, 3);

    // No in-sync replica alive: offline.
    let out = run.clean_block();
    // KIP-966: the ISR empties, and broker 4, which left it last, is an eligible leader
    // replica and the last known leader; broker 5 is neither.
    assert_eq!(run.leader("payments", 0), None);
    assert_eq!(run.isr("payments", 0), Vec::<i32>::new());
    assert!(
        out.contains("Leader: none\tReplicas: 4,5\tIsr: \tElr: 4\tLastKnownElr: 4"),
        "{out}"
    );

    // Unclean election: broker 5 leads without p2 and p3.
    assert_eq!(run.alert_count(AlertKind::AcknowledgedRecordLost), 0);
    run.clean_block();
    assert_eq!(run.leader("payments", 0), Some(5));
    assert_eq!(run.replica(5, "payments", 0).log_end_offset.0, 1);
    assert_eq!(run.alert_count(AlertKind::AcknowledgedRecordLost), 1);

    // The old leader truncates; only p1 is left.
    let steps = run.block_steps();
    assert_eq!(run.replica(4, "payments", 0).log_end_offset.0, 1);
    assert_eq!(printed_lines(last(&steps)), vec!["p1"]);

    // The producer learns that broker 1 leads orders-1.
    run.clean_block();
    assert_eq!(run.leader("orders", 1), Some(1));
    assert_eq!(run.producer_stats("app").1, 4);

    // Preferred leader election.
    let out = run.clean_block();
    assert!(
        out.contains("Successfully completed leader election (PREFERRED)"),
        "{out}"
    );
    assert_eq!(run.leader("payments", 0), Some(4));

    assert_eq!(run.leader("orders", 1), Some(5));

    // The producer still sends to broker 1, whose answer names broker 5 (KIP-951); the retry
    // goes there and is acknowledged.
    let mark = run.event_count();
    run.clean_block();
    let trace = run.trace_since(mark);
    assert!(
        trace
            .iter()
            .any(|l| l.contains("leader-hint") && l.contains("orders-1 leader=5")),
        "{trace:?}"
    );
    assert!(
        trace
            .iter()
            .any(|l| l.contains("error=NOT_LEADER_OR_FOLLOWER")),
        "{trace:?}"
    );
    assert_eq!(run.producer_stats("app").1, 5);
    assert_eq!(run.replica(5, "orders", 1).log_end_offset.0, 2);

    // The controller fails over; no partition changes leader.
    let before: Vec<Option<i32>> = (0..3).map(|p| run.leader("orders", p)).collect();
    let out = run.clean_block();
    let controller = run.controller().expect("a new active controller");
    assert!(controller == 1 || controller == 2, "{controller}");
    assert!(out.contains("epoch 2, KRaft"), "{out}");
    let after: Vec<Option<i32>> = (0..3).map(|p| run.leader("orders", p)).collect();
    assert_eq!(before, after);

    // Eligible leader replicas (KIP-966): ledger-3 lives on brokers 4 and 5.
    let out = run.clean_block();
    assert!(
        out.contains("Partition: 3\tLeader: 4\tReplicas: 4,5\tIsr: 4,5\tElr: \tLastKnownElr: "),
        "{out}"
    );
    // A controlled shutdown below min.insync.replicas makes broker 5 eligible.
    let out = run.clean_block();
    assert!(
        out.contains("Partition: 3\tLeader: 4\tReplicas: 4,5\tIsr: 4\tElr: 5\tLastKnownElr: "),
        "{out}"
    );
    // The leader crashes: the ISR empties, both are eligible, broker 4 is the last leader.
    let out = run.clean_block();
    assert_eq!(run.leader("ledger", 3), None);
    assert!(
        out.contains("Leader: none\tReplicas: 4,5\tIsr: \tElr: 4,5\tLastKnownElr: 4"),
        "{out}"
    );
    // Broker 5, back from a clean shutdown, leads from the ELR: a clean election.
    let steps = run.block_steps();
    assert_eq!(run.leader("ledger", 3), Some(5));
    assert!(
        steps[2].contains("Partition: 3\tLeader: 5\tReplicas: 4,5\tIsr: 5\tElr: 4\tLastKnownElr: "),
        "{steps:?}"
    );
    assert_eq!(printed_lines(last(&steps)), vec!["l1"]);
    assert!(run.shell.events().iter().any(|e| matches!(
        &e.kind,
        EventKind::LeaderElected { partition, leader: Some(leader), reason: ElectionReason::EligibleLeaderReplica, .. }
            if partition.topic == "ledger" && leader.0 == 5
    )));
    // Broker 4 crashed, so registering again takes it out of the ELR; it then rejoins the ISR.
    let out = run.clean_block();
    assert!(run.shell.events().iter().any(|e| matches!(
        &e.kind,
        EventKind::EligibleLeaderReplicasChanged { partition, unclean_shutdown: Some(broker), .. }
            if partition.topic == "ledger" && partition.partition == 3 && broker.0 == 4
    )));
    assert!(
        out.contains("Partition: 3\tLeader: 5\tReplicas: 4,5\tIsr: 5,4\tElr: \tLastKnownElr: "),
        "{out}"
    );
    assert_eq!(run.alert_count(AlertKind::AcknowledgedRecordLost), 1);
    run.finish();
}

#[test]
fn zookeeper_mode_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("zookeeper-mode");

    let out = run.clean_block();
    assert_eq!(run.controller(), Some(1));
    assert!(
        out.contains("controller: broker 1 (epoch 1, ZooKeeper)"),
        "{out}"
    );

    // A controlled shutdown of broker 2: orders-2 moves to broker 3 at once, broker 2 leaves
    // every ISR, and its closed session tells the controller without an expiry.
    assert_eq!(run.leader("orders", 2), Some(2));
    run.clean_block();
    assert_eq!(run.leader("orders", 2), Some(3));
    for p in 0..3 {
        assert!(!run.isr("orders", p).contains(&2), "orders-{p}");
    }
    let events = run.shell.events();
    assert!(events
        .iter()
        .any(|e| matches!(e.kind, EventKind::ZooKeeperSessionClosed { broker } if broker.0 == 2)));
    assert!(!events
        .iter()
        .any(|e| matches!(e.kind, EventKind::ZooKeeperSessionExpired { .. })));
    // Back, caught up and in every ISR again.
    run.clean_block();
    for p in 0..3 {
        assert_eq!(run.isr("orders", p), vec![1, 2, 3], "orders-{p}");
    }

    // 9 seconds are not enough: the ZooKeeper session has not expired.
    run.clean_block();
    assert_eq!(run.leader("orders", 0), Some(3));
    assert_eq!(run.isr("orders", 0), vec![1, 2, 3]);

    // After zookeeper.session.timeout.ms, broker 1 leads orders-0.
    run.clean_block();
    assert_eq!(run.leader("orders", 0), Some(1));
    for p in 0..3 {
        assert!(!run.isr("orders", p).contains(&3));
    }

    // The controller dies; broker 2 wins the race for /controller.
    let out = run.clean_block();
    assert_eq!(run.controller(), Some(2));
    assert!(
        out.contains("controller: broker 2 (epoch 2, ZooKeeper)"),
        "{out}"
    );
    for p in 0..3 {
        assert_eq!(run.leader("orders", p), Some(2));
    }
    run.finish();
}

#[test]
fn broker_configuration_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("broker-configuration");

    let out = run.clean_block();
    assert!(out.contains("num.partitions=3 sensitive=false synonyms={STATIC_BROKER_CONFIG:num.partitions=3, DEFAULT_CONFIG:num.partitions=1}"), "{out}");
    assert!(out.contains("log.dirs=/var/lib/kafka/data"), "{out}");
    assert!(out.contains("node.id=1 "), "{out}");
    assert!(
        out.contains("num.recovery.threads.per.data.dir=2 "),
        "{out}"
    );

    // Auto-created with num.partitions and default.replication.factor.
    run.clean_block();
    let topic = run
        .shell
        .cluster
        .topic_view("clicks")
        .expect("auto-created");
    assert_eq!(topic.partitions.len(), 3);
    assert!(topic.partitions.iter().all(|p| p.replicas.len() == 3));

    let out = run.clean_block();
    assert!(out.contains("retention.ms=259200000 "), "{out}");

    let out = run.clean_block();
    assert!(out.contains("log.retention.hours (broker config)"), "{out}");
    let (hours, ms) = out
        .split_once("log.retention.ms (broker config)")
        .expect("both helps");
    assert!(hours.contains("Update Mode: read-only"), "{out}");
    assert!(ms.contains("Update Mode: cluster-wide"), "{out}");

    let out = run.clean_block();
    assert!(out.contains("retention.ms=86400000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=86400000"), "{out}");

    let out = run.block();
    assert!(
        out.contains("Cannot update these configs dynamically: [num.partitions]"),
        "{out}"
    );
    assert!(
        out.contains("Cannot update these configs dynamically: [log.dirs]"),
        "{out}"
    );

    let mark = run.event_count();
    run.clean_block();
    let (sent, acknowledged, failed) = run.producer_stats("loader");
    assert!(
        sent > 0 && failed == sent && acknowledged == 0,
        "{sent} {acknowledged} {failed}"
    );
    assert!(run
        .explained_since(mark)
        .contains("RecordTooLargeException"));

    // Client quotas: 10 records a second before the quota, about half as many under it.
    let mark = run.event_count();
    let out = run.clean_block();
    let offsets: Vec<i64> = out
        .lines()
        .filter_map(|line| line.strip_prefix("imports:0:")?.parse().ok())
        .collect();
    let [before, after] = offsets[..] else {
        panic!("{out}");
    };
    assert!((195..=200).contains(&before), "{out}");
    assert!((300..=420).contains(&(after - before)), "{out}");
    assert!(
        out.contains("Quota configs for client-id 'importer' are producer_byte_rate=5120.0"),
        "{out}"
    );
    let explained = run.explained_since(mark);
    assert!(explained.contains("throttles importer for"), "{explained}");

    // Try it: the user ANONYMOUS's quota comes before the client id's and, once its sensor
    // (new when the quota is set) has a window behind it, holds both producers together.
    run.try_it(
        "kafka-configs --bootstrap-server localhost:9092 --alter --entity-type users --entity-name ANONYMOUS --add-config producer_byte_rate=5120\n\
         kplay producer start second --producer-property acks=all\n\
         kplay workload start second --topic imports --rate 10 --value-bytes 1000\n\
         kplay time advance 60s",
    );
    let acknowledged =
        |run: &LessonRun| ["importer", "second"].map(|name| run.producer_stats(name).1);
    let before = acknowledged(&run);
    run.try_it("kplay time advance 60s");
    let after = acknowledged(&run);
    let [importer, second] = [after[0] - before[0], after[1] - before[1]];
    // Alone, `second` would send its 600 records a minute; the two together get through
    // not much more than `importer` alone did (each one's backlog goes out in a burst before
    // its own throttle, so a little more).
    assert!(
        importer + second <= 560 && second <= 300 && importer > 60 && second > 60,
        "{before:?} {after:?}"
    );
    run.finish();
}

#[test]
fn acks_and_min_insync_replicas_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("acks-min-insync-replicas");
    assert_eq!(run.leader("payments", 0), Some(2));

    // acks=0 counts at once, acks=1 is answered before the followers copy, acks=all after.
    let mark = run.event_count();
    run.clean_block();
    let lines = run.trace_since(mark);
    let position = |needle: &str| {
        lines
            .iter()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle} in\n{}", lines.join("\n")))
    };
    let quick_ack = position("acked client-1 payments-0 base=4");
    let committed = position("hw payments-0 leader=2 hw=6");
    let safe_ack = position("acked client-2 payments-0 base=5");
    assert!(quick_ack < committed && committed < safe_ack);
    assert_eq!(run.producer_stats("fire"), (2, 2, 0));

    // Both followers out: the ISR is below min.insync.replicas.
    let out = run.clean_block();
    assert_eq!(run.isr("payments", 0), vec![2]);
    assert!(out.contains("Isr: 2\t"), "{out}");

    // acks=all is refused with NOT_ENOUGH_REPLICAS; nothing is written.
    let out = run.block();
    assert!(out.contains("NotEnoughReplicasException: The size of the current ISR Set(2) is insufficient to satisfy the min.isr requirement of 2 for partition payments-0"), "{out}");
    assert!(!run.values("payments", 0).contains(&"s3".to_owned()));

    // acks=1 is accepted, but not committed.
    run.clean_block();
    let leader = run.replica(2, "payments", 0);
    assert_eq!((leader.log_end_offset.0, leader.high_watermark.0), (8, 6));

    // Healed: everything but s3 is readable, and safe's retries succeeded.
    let steps = run.block_steps();
    assert_eq!(run.isr("payments", 0), vec![1, 2, 3]);
    assert_eq!(
        printed_lines(last(&steps)),
        vec!["w1", "w2", "w3", "f1", "q1", "s1", "s2", "q2"]
    );
    assert_eq!(run.producer_stats("safe").1, 3);

    // acks=1 and a leader crash: an acknowledged record is lost.
    assert_eq!(run.alert_count(AlertKind::AcknowledgedRecordLost), 0);
    run.clean_block();
    assert_eq!(run.leader("payments", 0), Some(1));
    assert_eq!(run.alert_count(AlertKind::AcknowledgedRecordLost), 1);

    run.clean_block();
    assert_eq!(run.replica(2, "payments", 0).log_end_offset.0, 8);
    assert!(!run.values("payments", 0).contains(&"q3".to_owned()));
    run.finish();
}

#[test]
fn retries_and_idempotence_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("retries-idempotence");

    let out = run.clean_block();
    let paid = out.find("alice\tpaid").expect("paid");
    let created = out.find("alice\tcreated").expect("created");
    assert!(paid < created, "{out}");
    assert_eq!(run.alert_count(AlertKind::KeyOrderViolated), 1);

    let out = run.clean_block();
    assert_eq!(count(&out, "carol\tshipped"), 2, "{out}");

    let out = run.clean_block();
    let created = out.find("bob\tcreated").expect("created");
    let paid = out.find("bob\tpaid").expect("paid");
    assert!(created < paid, "{out}");
    assert_eq!(count(&out, "dave\tshipped"), 1, "{out}");
    assert_eq!(run.alert_count(AlertKind::KeyOrderViolated), 1);

    let out = run.block();
    assert!(out.contains("ConfigException: To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5."), "{out}");

    let mark = run.event_count();
    run.clean_block();
    assert_eq!(run.producer_stats("brief"), (2, 1, 1));
    assert!(run
        .explained_since(mark)
        .contains("TimeoutException: Expiring 1 record(s) for orders-0:10000 ms has passed since batch creation"));
    let (brief_id, epoch) = run.producer_id("brief").expect("an idempotent producer");
    assert_eq!(epoch, 1, "the epoch was bumped");
    assert!(run
        .explained_since(mark)
        .contains("The producer bumped its epoch to 1"));

    let out = run.block();
    let row: Vec<&str> = out
        .lines()
        .find(|line| line.split_whitespace().next() == Some(&brief_id.to_string()))
        .unwrap_or_else(|| panic!("no row for producer {brief_id}: {out}"))
        .split_whitespace()
        .collect();
    assert_eq!(
        (row[1], row[3]),
        ("1", "0"),
        "epoch 1, from sequence 0: {out}"
    );
    assert_eq!(run.producer_stats("brief"), (3, 2, 1));
    run.finish();
}

#[test]
fn batching_and_compression_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("batching-compression");

    let appends = |lines: &[String]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.contains("appended clicks-0"))
            .map(|l| l.rsplit(' ').next().unwrap_or_default().to_owned())
            .collect()
    };

    // linger.ms=0: one batch per record.
    let mark = run.event_count();
    let out = run.clean_block();
    assert_eq!(
        appends(&run.trace_since(mark)),
        vec!["offsets=2..2", "offsets=3..3", "offsets=4..4"]
    );
    assert!(out.contains("appended offsets 2 to 2"), "{out}");

    // linger.ms=100: one batch of three.
    let mark = run.event_count();
    run.clean_block();
    assert_eq!(appends(&run.trace_since(mark)), vec!["offsets=5..7"]);

    // batch.size: full batches of 4 leave at once, the last one waits linger.ms.
    let mark = run.event_count();
    run.clean_block();
    let batches = appends(&run.trace_since(mark));
    assert_eq!(batches.len(), 25, "{batches:?}");
    for batch in &batches {
        let (first, last) = batch
            .trim_start_matches("offsets=")
            .split_once("..")
            .expect("a range");
        let size = last.parse::<i64>().expect("last") - first.parse::<i64>().expect("first") + 1;
        assert_eq!(size, 4, "{batch}");
    }

    // A slow leader: the adaptive draw sends its partition the fewest records, the uniform
    // draw the most; kafka-get-offsets prints each partition's count.
    let out = run.clean_block();
    // Per topic: the records of the partition broker 2 leads, and of the two others.
    let counts = |topic: &str| -> (i64, Vec<i64>) {
        let mut slow = None;
        let mut others = Vec::new();
        for partition in 0..3 {
            let leader = run.leader(topic, partition).expect("leader");
            let end = run.log(leader, topic, partition).log_end_offset.0;
            assert!(
                out.contains(&format!("{topic}:{partition}:{end}\n")),
                "{out}"
            );
            if leader == 2 {
                assert_eq!(
                    slow.replace(end),
                    None,
                    "broker 2 leads one partition of {topic}"
                );
            } else {
                others.push(end);
            }
        }
        (slow.expect("broker 2 leads a partition"), others)
    };
    let (even_slow, even_others) = counts("even");
    assert!(
        even_others.iter().all(|&n| even_slow < n),
        "{even_slow} {even_others:?}"
    );
    let (skewed_slow, skewed_others) = counts("skewed");
    assert!(
        skewed_others.iter().all(|&n| skewed_slow > n),
        "{skewed_slow} {skewed_others:?}"
    );

    // zstd makes the log many times smaller.
    run.clean_block();
    let size = |topic: &str| -> i64 {
        let leader = run.leader(topic, 0).expect("leader");
        let log = run.log(leader, topic, 0);
        assert_eq!(log.log_end_offset.0, 2000);
        log.segments.iter().map(|s| s.size_in_bytes).sum()
    };
    let (plain, packed) = (size("plain"), size("packed"));
    assert!(plain > 5 * packed, "plain {plain} packed {packed}");

    // A full buffer blocks send() for max.block.ms, then it fails: the workload's loop waits in
    // each blocked send, so one fails every 3 s of the 10, and few are sent at all.
    let mark = run.event_count();
    run.clean_block();
    let (sent, _, failed) = run.producer_stats("tight");
    assert_eq!(failed, 3, "{sent} sent");
    assert!(sent < 20, "{sent} sent");
    let explained = run.explained_since(mark);
    assert!(
        explained.contains("BufferExhaustedException: Failed to allocate 16384 bytes")
            && explained.contains("within the configured max blocking time 3000 ms"),
        "{explained}"
    );
    run.finish();
}

#[test]
fn consumer_groups_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("consumer-groups");
    let sizes = |run: &LessonRun, group: &str| -> Vec<usize> {
        let mut sizes: Vec<usize> = run
            .assignment_sizes(group)
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        sizes.sort_unstable();
        sizes
    };

    run.block();
    assert_eq!(
        run.assignment_sizes("billing"),
        vec![("billing-1".to_owned(), 3)]
    );

    run.block();
    assert_eq!(sizes(&run, "billing"), vec![1, 2]);

    run.block();
    assert_eq!(sizes(&run, "billing"), vec![0, 1, 1, 1]);

    // Partitions added to a topic get a member only once the leader's metadata is refreshed.
    run.block();
    assert_eq!(sizes(&run, "invoicing"), vec![0, 1]);
    run.block();
    assert_eq!(sizes(&run, "invoicing"), vec![1, 1]);

    run.block();
    let members = run.assignment_sizes("billing");
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|(client, _)| client != "billing-1"));

    // A crashed member stays until its session times out.
    run.block();
    assert!(run
        .assignment_sizes("billing")
        .iter()
        .any(|(client, _)| client == "billing-2"));

    run.block();
    let members = run.assignment_sizes("billing");
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|(client, _)| client != "billing-2"));
    assert_eq!(members.iter().map(|(_, n)| n).sum::<usize>(), 3);

    run.block();
    assert_eq!(sizes(&run, "audit-range"), vec![2, 4]);
    assert_eq!(sizes(&run, "audit-robin"), vec![3, 3]);

    // Cooperative: two rebalances, one partition moved.
    let mark = run.event_count();
    run.block();
    assert_eq!(sizes(&run, "ledger"), vec![1, 1, 1]);
    let ledger = run.shell.cluster.describe_group("ledger").expect("ledger");
    assert_eq!(ledger.generation, 3);
    let explained = run.explained_since(mark);
    assert!(
        explained.contains("it gives up [orders-2] and rejoins so they can move"),
        "{explained}"
    );

    // Static membership: back in place, no rebalance.
    run.block();
    let shipping = run
        .shell
        .cluster
        .describe_group("shipping")
        .expect("shipping");
    assert_eq!(shipping.generation, 1);
    assert_eq!(run.consumer("ship-a-restarted").partitions.len(), 2);

    // A pattern picks up a new topic at the next metadata refresh, not before.
    let mark = run.event_count();
    let steps = run.block_steps();
    assert!(steps[4].contains("payments:0,1,2 "), "{}", steps[4]);
    assert!(!steps[4].contains("payouts"), "{}", steps[4]);
    assert!(
        steps[6].contains("payments:0,1,2;payouts:0,1"),
        "{}",
        steps[6]
    );
    assert!(run.explained_since(mark).contains(
        "watch-1: its metadata refresh changes what its pattern 'pay.*' matches: [payments, payouts], before [payments]. It rejoins group watchers to be assigned what it matches now"
    ));

    // The Try-it: the second subscriber joins with `payroll` at the first one's refresh.
    run.try_it(
        "kplay consumer start watch-2 --pattern 'pay.*' --group watchers\nkplay time advance 10s",
    );
    let generation = |run: &LessonRun| {
        run.shell
            .cluster
            .describe_group("watchers")
            .expect("watchers")
            .generation
    };
    let before = generation(&run);
    run.try_it("kafka-topics --bootstrap-server localhost:9092 --create --topic payroll --partitions 3 --replication-factor 3\nkplay time advance 40s");
    let topics = |name: &str| -> Vec<String> {
        run.consumer(name)
            .partitions
            .iter()
            .map(|assigned| assigned.partition.topic.clone())
            .collect()
    };
    assert!(
        topics("watch-2").contains(&"payroll".to_owned()),
        "{:?}",
        topics("watch-2")
    );
    assert_eq!(
        generation(&run),
        before + 1,
        "one rebalance for the new topic"
    );

    // The Try-it: the console consumer's throwaway group, Empty, then cleaned up.
    let list = "kafka-consumer-groups --bootstrap-server localhost:9092 --list --state";
    let out = run.try_it(&format!("kafka-console-consumer --bootstrap-server localhost:9092 --topic orders --from-beginning --max-messages 3\n{list}"));
    let throwaway = out
        .lines()
        .find(|line| line.starts_with("console-consumer-"))
        .unwrap_or_else(|| panic!("no throwaway group in {out}"));
    assert!(throwaway.trim_end().ends_with("Empty"), "{throwaway}");
    let group = throwaway.split_whitespace().next().expect("a group id");
    assert!(run.shell.cluster.describe_group(group).is_some());
    let out = run.try_it(&format!("kplay time advance 10m\n{list}"));
    assert!(!out.contains("console-consumer-"), "{out}");
    assert!(run.shell.cluster.describe_group(group).is_none());
    run.finish();
}

#[test]
fn offsets_and_delivery_semantics_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("offsets-delivery-semantics");

    run.block();
    assert!(run
        .committed("ledger", "payments", 0)
        .is_some_and(|o| o > 0));

    let out = run.clean_block();
    assert!(out.contains("group_metadata::group=ledger\t"), "{out}");
    assert!(
        out.contains("offset_commit::group=ledger,topic=payments,partition=0\toffset="),
        "{out}"
    );

    // At-least-once: the standby re-reads the interrupted batch.
    assert_eq!(run.alert_count(AlertKind::DuplicateDelivered), 0);
    run.clean_block();
    assert_eq!(run.alert_count(AlertKind::DuplicateDelivered), 1);
    assert_eq!(run.consumer("invoices-2").partitions.len(), 1);

    // At-most-once: no duplicates, the standby starts after the committed batch.
    run.clean_block();
    assert_eq!(run.alert_count(AlertKind::DuplicateDelivered), 1);
    assert_eq!(run.consumer("alerts-2").partitions.len(), 1);

    // Exactly-once: the offsets commit with the transaction.
    run.block();
    assert_eq!(run.committed("mover", "payments", 0), Some(5));
    assert_eq!(run.values("receipts", 0), vec!["receipt for payments 0-4"]);

    let steps = run.block_steps();
    let read_committed = &steps[steps.len() - 2];
    assert_eq!(
        printed_lines(read_committed),
        vec!["receipt for payments 0-4"]
    );
    assert_eq!(
        printed_lines(last(&steps)),
        vec!["receipt for payments 0-4", "receipt for payments 5-9"]
    );
    assert_eq!(run.committed("mover", "payments", 0), Some(5));
    run.finish();
}

#[test]
fn consumer_configuration_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("consumer-configuration");

    let mark = run.event_count();
    // `kplay status` reports new-none's exception, which the lesson explains.
    let out = run.clean_block();
    assert!(
        out.contains(
            "last poll() threw org.apache.kafka.clients.consumer.NoOffsetForPartitionException"
        ),
        "{out}"
    );
    let latest = run.consumer("new-latest").records_delivered;
    let earliest = run.consumer("new-earliest").records_delivered;
    assert!(
        earliest > 300 && latest < earliest - 250,
        "{latest} {earliest}"
    );
    assert_eq!(run.consumer("new-none").records_delivered, 0);
    assert!(run.explained_since(mark).contains(
        "NoOffsetForPartitionException: Undefined offset with no reset policy for partitions"
    ));

    // by_duration:PT5S starts each partition at the first record of the last 5 seconds before
    // the consumer asked (the position event comes a network hop after the question).
    let mark = run.event_count();
    run.clean_block();
    let since_start = run.shell.cluster.clock_ms() - run.shell.cluster.now_ms();
    let positions: Vec<(i64, i32, i64)> = run
        .shell
        .events()
        .iter_from(mark)
        .filter_map(|event| {
            let line = event.trace_line();
            let rest = line.split(" position ").nth(1)?;
            let mut words = rest.split(' ').skip(1);
            let partition = words.next()?.strip_prefix("events-")?.parse().ok()?;
            let offset = words.next()?.strip_prefix("offset=")?.parse().ok()?;
            Some((event.at_ms, partition, offset))
        })
        .collect();
    assert_eq!(positions.len(), 2, "{positions:?}");
    for (at_ms, partition, offset) in positions {
        let asked = since_start + at_ms - 5_000;
        let leader = run.leader("events", partition).expect("a leader");
        let log = run.log(leader, "events", partition);
        let timestamp = |offset: i64| {
            log.segments
                .iter()
                .flat_map(|segment| &segment.records)
                .find(|record| record.offset.0 == offset)
                .map(|record| record.timestamp_ms)
                .expect("the record is in the log")
        };
        assert!(offset > 0, "events-{partition} started at the log start");
        assert!(
            timestamp(offset - 1) < asked,
            "events-{partition}: {offset}"
        );
        assert!(
            timestamp(offset) >= asked - 50,
            "events-{partition}: {offset}"
        );
    }

    // With no record that recent the leader answers -1; the consumer asks again 30 s later
    // and starts at the record written meanwhile, skipping the old one.
    let mark = run.event_count();
    run.clean_block();
    assert!(run
        .explained_since(mark)
        .contains("recent-only finds no record in quiet-0 as recent as auto.offset.reset=by_duration:PT1M asks"));
    assert_eq!(run.consumer("recent-only").records_delivered, 1);
    assert_eq!(run.values("quiet", 0), ["old", "new"]);

    let mark = run.event_count();
    run.clean_block();
    assert_eq!(run.consumer("twitchy").member_state, "unjoined");
    assert!(run
        .explained_since(mark)
        .contains("InvalidSessionTimeoutException"));

    let mark = run.event_count();
    run.clean_block();
    assert!(run
        .explained_since(mark)
        .contains("consumer poll timeout has expired"));
    assert_eq!(run.consumer("slow").member_state, "unjoined");

    // (kafka-consumer-groups --describe is checked through the coordinator's view.)
    run.block();
    let group = run
        .shell
        .cluster
        .describe_group("reports")
        .expect("reports");
    assert_eq!(group.state, "Empty");
    assert!(run.committed("reports", "events", 0).is_some_and(|o| o > 0));
    assert!(run.committed("reports", "events", 1).is_some_and(|o| o > 0));

    run.block();
    assert_eq!(run.committed("reports", "events", 0), Some(0));
    assert_eq!(run.committed("reports", "events", 1), Some(0));

    // The next member reads from the start again, which the detector counts as duplicates.
    let duplicates = run.alert_count(AlertKind::DuplicateDelivered);
    run.clean_block();
    assert!(run.consumer("reporter-again").records_delivered > 1000);
    assert!(run.alert_count(AlertKind::DuplicateDelivered) > duplicates);

    // offsets.retention.minutes after the group became empty, it is gone.
    let mark = run.event_count();
    run.block();
    assert!(run.shell.cluster.describe_group("reports").is_none());
    assert!(run
        .explained_since(mark)
        .contains("The committed offsets of group reports"));

    // Try it: records deleted past a stopped group's committed offsets, and a member with
    // auto.offset.reset=none finds its position out of range.
    run.try_it("kplay consumer stop new-earliest\nkplay workload start app --topic events --rate 10 --keys 4\nkplay time advance 5s");
    let committed = run
        .committed("fresh-earliest", "events", 0)
        .expect("committed");
    let out = run.try_it(r#"echo '{"partitions":[{"topic":"events","partition":0,"offset":-1},{"topic":"events","partition":1,"offset":-1}]}' | kafka-delete-records --bootstrap-server localhost:9092 --offset-json-file /dev/stdin"#);
    let low_watermark: i64 = out
        .lines()
        .find_map(|line| line.strip_prefix("partition: events-0\tlow_watermark: "))
        .and_then(|offset| offset.trim().parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(low_watermark > committed, "{low_watermark} {committed}");
    let out = run.try_it("kplay consumer start strict --topic events --group fresh-earliest --consumer-property auto.offset.reset=none\nkplay time advance 5s\nkplay status");
    assert!(
        out.contains("consumer strict: running, group fresh-earliest")
            && out.contains("last poll() threw org.apache.kafka.clients.consumer.OffsetOutOfRangeException: Fetch position FetchPosition{offset="),
        "{out}"
    );
    run.finish();
}

#[test]
fn log_segments_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("log-segments");

    let mark = run.event_count();
    run.clean_block();
    assert!(run.explained_since(mark).contains(
        "rolled a new active segment of metrics-0 at offset 1025 (segment.bytes reached"
    ));
    let log = run.log(1, "metrics", 0);
    let bases: Vec<i64> = log.segments.iter().map(|s| s.base_offset.0).collect();
    assert_eq!(bases, vec![0, 1025, 2050, 3075, 4100]);
    assert_eq!(log.log_end_offset.0, 5000);
    assert!(log.segments.last().is_some_and(|s| s.active));

    let out = run.block();
    assert!(
        out.contains(
            "Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576"
        ),
        "{out}"
    );

    run.clean_block();
    let bases: Vec<i64> = run
        .log(1, "audit", 0)
        .segments
        .iter()
        .map(|s| s.base_offset.0)
        .collect();
    assert_eq!(bases, vec![0, 1]);

    // segment.jitter.ms: each closed segment rolled segment.ms less its own jitter after its
    // first record (LogSegment.shouldRoll), and the jitters differ.
    let mark = run.event_count();
    run.clean_block();
    let explained = run.explained_since(mark);
    assert!(
        explained.contains("(segment.ms 60000 less a jitter of"),
        "{explained}"
    );
    let mut jitters = Vec::new();
    for partition in 0..3 {
        let log = run.log(1, "ticks", partition);
        assert!(log.segments.len() >= 2, "ticks-{partition} rolled");
        for pair in log.segments.windows(2) {
            let jitter = pair[0].roll_jitter_ms.expect("drawn");
            assert!((0..30_000).contains(&jitter), "{jitter}");
            let first = pair[0].records.first().expect("a record").timestamp_ms;
            let last = pair[0].records.last().expect("a record").timestamp_ms;
            let next = pair[1].records.first().expect("a record").timestamp_ms;
            assert!(
                last - first <= 60_000 - jitter,
                "ticks-{partition}: {pair:?}"
            );
            assert!(
                next - first > 60_000 - jitter,
                "ticks-{partition}: {pair:?}"
            );
            jitters.push(jitter);
        }
    }
    assert!(
        jitters.windows(2).any(|pair| pair[0] != pair[1]),
        "{jitters:?}"
    );

    let out = run.clean_block();
    assert_eq!(run.log(1, "metrics", 0).log_start_offset.0, 2050);
    assert!(out.contains("Offset:2050\n"), "{out}");

    // kafka-delete-records: the log start offset moves to 3500 at once, inside a segment.
    let out = run.clean_block();
    assert!(
        out.contains("partition: metrics-0\tlow_watermark: 3500\n"),
        "{out}"
    );
    assert!(out.contains("metrics:0:3500\n"), "{out}");
    let bases: Vec<i64> = run
        .log(1, "metrics", 0)
        .segments
        .iter()
        .map(|s| s.base_offset.0)
        .collect();
    assert_eq!(bases, vec![2050, 3075, 4100]);

    // The next retention check deletes the segment entirely below it, and only that one.
    let mark = run.event_count();
    let out = run.clean_block();
    assert!(
        run.explained_since(mark)
            .contains("deleted 1 segment(s) of metrics-0 (log start offset 3500 breach)"),
        "{out}"
    );
    let log = run.log(1, "metrics", 0);
    assert_eq!(log.log_start_offset.0, 3500);
    assert_eq!(
        log.segments
            .iter()
            .map(|s| s.base_offset.0)
            .collect::<Vec<_>>(),
        vec![3075, 4100]
    );
    run.finish();
}

#[test]
fn retention_and_cleanup_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("retention-cleanup");
    let offsets = |out: &str| -> Vec<String> {
        printed_lines(out)
            .iter()
            .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
            .collect()
    };

    run.clean_block();
    let log = run.log(1, "clicks", 0);
    assert_eq!(log.log_start_offset.0, 906);
    assert!(log.segments.first().is_some_and(|s| s.base_offset.0 == 906));

    let steps = run.block_steps();
    assert_eq!(
        offsets(last(&steps)),
        vec!["Offset:3", "Offset:4", "Offset:5", "Offset:6"]
    );
    assert!(last(&steps).contains("Offset:5\tbob\tnull"), "{steps:?}");

    let steps = run.block_steps();
    assert_eq!(
        offsets(last(&steps)),
        vec!["Offset:3", "Offset:4", "Offset:6", "Offset:7"]
    );
    run.finish();
}

#[test]
fn kafka_connect_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("kafka-connect");

    run.clean_block();
    assert!(run.producer_stats("jdbc-source-task-0").1 > 150);

    run.block();
    assert_eq!(
        run.assignment_sizes("connect-es-sink"),
        vec![
            ("es-sink-task-0".to_owned(), 1),
            ("es-sink-task-1".to_owned(), 1)
        ]
    );

    run.clean_block();
    assert_eq!(run.alert_count(AlertKind::DuplicateDelivered), 1);
    assert_eq!(
        run.assignment_sizes("connect-es-sink"),
        vec![("es-sink-task-1".to_owned(), 2)]
    );

    // The Try-it: a `topics.regex` sink picks up a new topic at its metadata refresh.
    run.try_it("kplay consumer start regex-sink-task-0 --pattern 'inventory\\..*' --group connect-regex-sink --consumer-property auto.offset.reset=earliest --consumer-property metadata.max.age.ms=60000\nkplay time advance 5s");
    assert_eq!(
        run.assignment_sizes("connect-regex-sink"),
        vec![("regex-sink-task-0".to_owned(), 2)]
    );
    run.try_it("kafka-topics --bootstrap-server localhost:9092 --create --topic inventory.returns --partitions 1 --replication-factor 3\nkplay time advance 1m");
    assert_eq!(
        run.assignment_sizes("connect-regex-sink"),
        vec![("regex-sink-task-0".to_owned(), 3)]
    );
    run.finish();
}

#[test]
fn schema_registry_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("schema-registry");

    // Version 1 registered, with id 1, in Avro's canonical form.
    let out = run.clean_block();
    assert!(out.contains(r#"{"id":1}"#), "{out}");
    assert!(
        out.contains(r#"{"subject":"orders-value","version":1,"id":1,"schema":"{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"}]}"}"#),
        "{out}"
    );

    // The Avro console producer serializes with id 1; the Avro consumer fetches it and prints
    // the data.
    let out = run.clean_block();
    assert!(
        out.contains("order-1\t{\"id\":\"order-1\",\"amount\":25.0}"),
        "{out}"
    );
    assert!(out.contains("Processed a total of 2 messages"), "{out}");
    let cluster = &run.shell.cluster;
    let value = (0..3)
        .filter_map(|p| {
            let partition = kplay_core::TopicPartition::new("orders", p);
            let leader = cluster.running_leader(&partition).ok()?;
            cluster.log_view(leader, &partition, usize::MAX)
        })
        .flat_map(|log| log.segments.into_iter().flat_map(|s| s.records))
        .find_map(|record| record.value.filter(|v| v.contains("order-1")))
        .expect("order-1 in orders");
    assert!(value.starts_with("\0\0\0\0\u{1}{"), "{value:?}");

    // Version 2, with a default, is accepted as id 2; the topic holds both versions' records.
    let out = run.clean_block();
    assert!(out.contains(r#"{"id":2}"#), "{out}");
    assert!(
        out.contains("order-3\t{\"id\":\"order-3\",\"amount\":40.0,\"currency\":\"CHF\"}"),
        "{out}"
    );
    assert!(out.contains("Processed a total of 3 messages"), "{out}");

    // A field without a default and a changed type: 409, with both problems, the version
    // checked against and the level.
    let out = run.clean_block();
    assert!(out.contains(r#"{"error_code":40901,"message":"Schema being registered is incompatible with an earlier schema for subject \"orders-value\", details: ["#), "{out}");
    for needle in [
        "errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'",
        "additionalInfo:'shop'",
        "errorType:'TYPE_MISMATCH'",
        "{oldSchemaVersion: 2}",
        "compatibility: 'BACKWARD'",
    ] {
        assert!(out.contains(needle), "{needle}: {out}");
    }

    // The serializer refuses the same kind of change: a SerializationException, nothing sent.
    let out = run.block_output().text();
    assert!(
        out.contains(
            "org.apache.kafka.common.errors.SerializationException: Error registering Avro schema{"
        ),
        "{out}"
    );
    assert!(
        out.contains("RestClientException: Schema being registered is incompatible"),
        "{out}"
    );
    assert!(out.contains("; error code: 40901"), "{out}");

    // double to long is no promotion: the test says so without registering anything.
    let out = run.clean_block();
    assert!(
        out.contains(r#"{"is_compatible":false,"messages":["#),
        "{out}"
    );
    assert!(out.contains("TYPE_MISMATCH"), "{out}");

    // _schemas: one compacted partition; a NOOP, then one record per registration, and
    // nothing for the refused schema or the test.
    let out = run.clean_block();
    assert!(
        out.contains("PartitionCount: 1\tReplicationFactor: 3\tConfigs: cleanup.policy=compact"),
        "{out}"
    );
    assert!(
        out.contains("{\"keytype\":\"NOOP\",\"magic\":0}\tnull"),
        "{out}"
    );
    for version in [1, 2] {
        let key = format!(
            r#"{{"keytype":"SCHEMA","subject":"orders-value","version":{version},"magic":1}}"#
        );
        assert!(out.contains(&key), "{key}: {out}");
    }
    assert!(out.contains("Processed a total of 3 messages"), "{out}");

    // A soft delete hides version 2 but keeps it, and its id still answers.
    let out = run.clean_block();
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("$ ")).collect();
    assert_eq!(lines[..3], ["2", "[1]", "[1,2]"], "{out}");
    assert!(lines[3].starts_with(r#"{"schema":"#), "{out}");

    // For good: id 2 is no longer known; _schemas holds the deleted record and a tombstone.
    let out = run.block_output().text();
    assert!(
        out.contains(r#"{"error_code":40403,"message":"Schema 2 not found"}"#),
        "{out}"
    );
    // The Avro consumer can no longer read order-3.
    assert!(
        out.contains("SerializationException: Error retrieving Avro value schema for id 2"),
        "{out}"
    );
    assert!(
        out.contains("Schema 2 not found; error code: 40403"),
        "{out}"
    );
    assert!(
        out.contains(r#"\"default\":\"EUR\"}]}","deleted":true}"#),
        "{out}"
    );
    assert!(
        out.contains(
            "{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":2,\"magic\":1}\tnull"
        ),
        "{out}"
    );
    assert!(out.contains("Processed a total of 5 messages"), "{out}");

    // Try it: version 2's schema again gets id 2 back, as version 2.
    let version_2 = r#"curl --json '{"schema": "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"amount\",\"type\":\"double\"},{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"}]}"}' http://localhost:8081/subjects/orders-value/versions"#;
    assert!(run.try_it(version_2).contains(r#"{"id":2}"#));
    let out = run.try_it("curl http://localhost:8081/subjects/orders-value/versions");
    assert!(out.contains("[1,2]"), "{out}");

    // Try it: a stopped leader of _schemas-0 makes a registration fail with a 500; after the
    // election the producer refreshes its metadata and a later attempt works.
    let leader = run.leader("_schemas", 0).expect("_schemas-0 has a leader");
    run.try_it(&format!("kplay broker stop {leader}"));
    let register = r#"curl --json '{"schema": "\"int\""}' http://localhost:8081/subjects/numbers-value/versions"#;
    let out = run.try_it(register);
    assert!(out.contains(r#""error_code":5000"#), "{out}");
    run.try_it("kplay time advance 15s");
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(run.try_it(register));
        run.try_it("kplay time advance 1s");
    }
    assert!(
        answers.iter().any(|out| out.contains(r#"{"id":3}"#)),
        "{answers:?}"
    );
    run.try_it(&format!("kplay broker start {leader}"));
    run.try_it("kplay time advance 15s");

    // Try it: FORWARD refuses dropping a field old readers need; BACKWARD accepts it.
    let drop_amount = r#"{"schema": "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"currency\",\"type\":\"string\",\"default\":\"EUR\"}]}"}"#;
    let out = run.try_it(r#"curl -X PUT --json '{"compatibility": "FORWARD"}' http://localhost:8081/config/orders-value"#);
    assert!(out.contains(r#"{"compatibility":"FORWARD"}"#), "{out}");
    let out = run.try_it(&format!(
        "curl --json '{drop_amount}' http://localhost:8081/subjects/orders-value/versions"
    ));
    assert!(out.contains("error_code\":40901"), "{out}");
    assert!(out.contains("additionalInfo:'amount'"), "{out}");
    assert!(out.contains("compatibility: 'FORWARD'"), "{out}");
    let out = run.try_it("curl -X DELETE http://localhost:8081/config/orders-value");
    assert!(out.contains(r#"{"compatibilityLevel":"FORWARD"}"#), "{out}");
    let out = run.try_it(&format!(
        "curl --json '{drop_amount}' http://localhost:8081/subjects/orders-value/versions"
    ));
    assert!(out.contains(r#"{"id":4}"#), "{out}");
    let out = run.try_it(
        r#"curl -d '{"schema": "\"string\""}' http://localhost:8081/subjects/notes-value/versions"#,
    );
    assert!(out.contains(r#"{"error_code":415"#), "{out}");

    // Try it: the whole subject, deleted for good only after a soft delete.
    let permanent = "curl -X DELETE 'http://localhost:8081/subjects/orders-value?permanent=true'";
    assert!(run.try_it(permanent).contains("\"error_code\":40405"));
    let out = run.try_it("curl -X DELETE http://localhost:8081/subjects/orders-value");
    assert!(out.contains("[1,2,3]"), "{out}");
    let out = run.try_it("curl http://localhost:8081/subjects");
    assert!(!out.contains("orders-value"), "{out}");
    let out = run.try_it("curl 'http://localhost:8081/subjects?deleted=true'");
    assert!(out.contains("orders-value"), "{out}");
    assert!(run.try_it(permanent).contains("[1,2,3]"));

    // Try it: an Avro key is registered under orders-key.
    let out = run.try_it(
        r#"kafka-avro-console-producer --bootstrap-server localhost:9092 --topic orders --property schema.registry.url=http://localhost:8081 --property value.schema='{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"amount","type":"double"}]}' --property parse.key=true --property key.separator=: --property key.schema='"string"' <<EOF
"order-1":{"id":"order-1","amount":25.0}
EOF
curl http://localhost:8081/subjects"#,
    );
    assert!(out.contains(r#""orders-key","orders-value"]"#), "{out}");
    run.finish();
}

#[test]
fn the_tweets_pipeline_behaves_as_the_lesson_says() {
    let mut run = LessonRun::start("tweets-to-elasticsearch");

    run.clean_block();
    let topic = run
        .shell
        .cluster
        .topic_view("twitter_tweets")
        .expect("topic");
    assert_eq!(topic.partitions.len(), 6);
    assert!(topic
        .configs
        .contains(&("min.insync.replicas".to_owned(), "2".to_owned())));

    run.clean_block();
    assert!(run.producer_stats("twitter-producer").1 >= 390);

    run.block();
    assert_eq!(
        run.assignment_sizes("kafka-demo-elasticsearch"),
        vec![
            ("es-indexer-1".to_owned(), 3),
            ("es-indexer-2".to_owned(), 3)
        ]
    );
    let lag: i64 = run
        .shell
        .cluster
        .group_offsets("kafka-demo-elasticsearch")
        .expect("offsets")
        .iter()
        .filter_map(|row| row.lag)
        .sum();
    assert!(lag > 0);

    // A crashed indexer: duplicates, and the survivor takes every partition.
    run.clean_block();
    assert!(run.alert_count(AlertKind::DuplicateDelivered) >= 1);
    assert_eq!(
        run.assignment_sizes("kafka-demo-elasticsearch"),
        vec![("es-indexer-2".to_owned(), 6)]
    );

    // A dead broker: leaders move, nothing lost, duplicated or reordered by the producer.
    run.clean_block();
    for p in 0..6 {
        assert!(run.leader("twitter_tweets", p).is_some_and(|l| l != 1));
        assert_eq!(run.isr("twitter_tweets", p).len(), 2);
    }
    assert_eq!(run.alert_count(AlertKind::AcknowledgedRecordLost), 0);
    assert_eq!(run.alert_count(AlertKind::KeyOrderViolated), 0);
    assert_eq!(run.producer_stats("twitter-producer").2, 0);

    let steps = run.block_steps();
    for p in 0..6 {
        assert_eq!(run.isr("twitter_tweets", p), vec![1, 2, 3]);
    }
    assert_eq!(last(&steps), "", "no partition is under-replicated");

    run.block();
    assert_eq!(
        run.assignment_sizes("kafka-demo-elasticsearch"),
        vec![
            ("es-indexer-2".to_owned(), 3),
            ("es-indexer-3".to_owned(), 3)
        ]
    );
    run.finish();
}

#[test]
fn acls_behave_as_the_lesson_says() {
    let mut run = LessonRun::start("acls");

    // No ACL names alice: the Metadata request and the producer id are both refused.
    let out = run.block();
    assert!(
        out.contains(
            "Broker 3's authorizer denied User:alice DESCRIBE on Topic orders (Metadata request)"
        ) || out.contains("denied User:alice DESCRIBE on Topic orders (Metadata request)"),
        "{out}"
    );
    assert!(
        out.contains("IDEMPOTENT_WRITE on Cluster kafka-cluster (InitProducerId request)"),
        "{out}"
    );
    assert!(
        out.contains("allow.everyone.if.no.acl.found decides"),
        "{out}"
    );
    assert!(
        out.contains("TopicAuthorizationException: Not authorized to access topics: [orders]"),
        "{out}"
    );
    assert_eq!(run.producer_stats("shop"), (1, 0, 1));

    // --producer adds WRITE, DESCRIBE and CREATE.
    let out = run.clean_block();
    assert_eq!(
        count(&out, "(principal=User:alice, host=*, operation="),
        6,
        "{out}"
    );
    for op in ["WRITE", "DESCRIBE", "CREATE"] {
        assert!(
            out.contains(&format!("operation={op}, permissionType=ALLOW")),
            "{out}"
        );
    }

    // The refused producer id was fatal: the old producer still fails.
    let out = run.block();
    assert!(out.contains("ClusterAuthorizationException"), "{out}");
    assert_eq!(run.producer_stats("shop"), (2, 0, 2));

    // A new producer writes both orders.
    run.clean_block();
    assert_eq!(run.producer_stats("shop-2"), (2, 2, 0));

    // READ on the topic alone: the group is refused.
    let out = run.clean_block();
    assert!(
        out.contains("GroupAuthorizationException: Not authorized to access group: billing"),
        "{out}"
    );
    assert_eq!(run.consumer("billing-1").records_delivered, 0);

    // --consumer adds the rest; the consumer reads both orders from all three partitions.
    let out = run.clean_block();
    assert!(out.contains("already exists."), "{out}");
    assert_eq!(run.consumer("billing-1").records_delivered, 2);
    assert_eq!(
        run.assignment_sizes("billing"),
        vec![("billing-1".to_owned(), 3)]
    );
    assert_eq!(run.consumer("billing-1").last_error, None);

    // A DENY of WRITE wins; DESCRIBE is still allowed, so the Produce request is refused.
    let from = run.event_count();
    let out = run.block();
    assert!(out.contains("TopicAuthorizationException"), "{out}");
    let explained = run.explained_since(from);
    assert!(
        explained.contains(
            "denied User:alice WRITE on Topic orders (Produce request): a DENY ACL matches"
        ),
        "{explained}"
    );
    assert!(
        !explained.contains("DESCRIBE on Topic orders"),
        "{explained}"
    );
    assert!(explained.contains("bumped its epoch"), "{explained}");
    assert_eq!(run.producer_stats("shop-2"), (3, 2, 1));

    // Removed: alice's three ALLOWs are left.
    let out = run.clean_block();
    assert_eq!(count(&out, "principal=User:alice"), 3, "{out}");
    assert!(!out.contains("DENY"), "{out}");

    // A prefixed ACL: alice's producer creates sales-eu and writes to it.
    let out = run.clean_block();
    assert!(out.contains("name=sales-, patternType=PREFIXED"), "{out}");
    assert!(out.lines().any(|line| line == "sales-eu"), "{out}");
    assert_eq!(run.producer_stats("shop-2"), (4, 3, 1));

    // A wrong password: the listener refuses every login, the authorizer sees nothing.
    let from = run.event_count();
    let out = run.block();
    assert!(
        out.contains(
            "SaslAuthenticationException: Authentication failed: Invalid username or password"
        ),
        "{out}"
    );
    assert_eq!(run.producer_stats("guess"), (1, 0, 1));
    let explained = run.explained_since(from);
    assert!(
        explained.contains("SASL/PLAIN listener refused the login of User:alice"),
        "{explained}"
    );
    assert!(!explained.contains("authorizer denied"), "{explained}");
    let refusals = count(&explained, "listener refused the login");
    assert!(
        (2..=10).contains(&refusals),
        "{refusals} refusals in 3 s: {explained}"
    );
    // Refused requests lose nothing that was acknowledged.
    assert_eq!(run.alerts(), vec![]);

    // Try it: a leader that may read both topics gives bob a partition of one he may not
    // describe; his OffsetFetch is refused and he gets no position at all.
    let mark = run.event_count();
    let login = |user: &str| {
        format!(
            "--consumer-property security.protocol=SASL_PLAINTEXT --consumer-property sasl.mechanism=PLAIN --consumer-property 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"{user}\" password=\"{user}-secret\";'"
        )
    };
    run.try_it(&format!(
        "kafka-topics --bootstrap-server localhost:9092 --create --topic refunds --partitions 2 --replication-factor 3\n\
         kafka-acls --bootstrap-server localhost:9092 --add --allow-principal User:alice --consumer --topic orders --group audit\n\
         kafka-acls --bootstrap-server localhost:9092 --add --allow-principal User:alice --operation Read --topic refunds\n\
         kafka-acls --bootstrap-server localhost:9092 --add --allow-principal User:bob --operation Read --group audit\n\
         kplay time advance 2s\n\
         kplay consumer start auditor-a --topic orders --topic refunds --group audit {}\n\
         kplay time advance 2s\n\
         kplay consumer start auditor-b --topic orders --topic refunds --group audit {}\n\
         kplay time advance 10s",
        login("alice"),
        login("bob")
    ));
    let bob = run.consumer("auditor-b");
    assert!(
        bob.partitions
            .iter()
            .any(|p| p.partition.topic == "refunds")
            && bob.partitions.iter().any(|p| p.partition.topic == "orders")
            && bob.partitions.iter().all(|p| p.position.is_none())
            && bob.records_delivered == 0,
        "{bob:?}"
    );
    assert!(
        run.explained_since(mark)
            .contains("denied User:bob DESCRIBE on Topic refunds (OffsetFetch request)"),
        "{}",
        run.explained_since(mark)
    );
    run.finish();
}
