//! Exactly-once under faults: transactions while brokers crash and restart (after Kafka's
//! `TransactionsBounceTest`).

mod transactions_support;

use kplay_core::{BrokerId, Cluster, ClusterConfig, Command};

use transactions_support::*;

/// Exactly-once under faults (Kafka's `TransactionsBounceTest`): while brokers crash and
/// restart, every transaction is atomic in the log (all its records commit or all abort), a
/// transaction the producer saw commit is committed, one it saw abort is aborted, and a
/// read_committed consumer gets exactly the committed records. Invariants hold throughout.
#[test]
fn transactions_stay_atomic_while_brokers_bounce() {
    for seed in 1..=6_u64 {
        let mut cluster = Cluster::new(ClusterConfig::default(), seed).expect("cluster");
        create_topic(&mut cluster, "orders", 1);
        transactional_producer(&mut cluster, "p", "bouncer");
        init_transactions(&mut cluster, "p");
        let reader = consumer(&mut cluster, "committed", "read_committed", orders());
        let mut delivered_total = 0;
        let mut seen = kplay_core::vec_map::VecMap::new();
        for n in 0..6_u64 {
            begin(&mut cluster, "p");
            for i in 0..3 {
                send(&mut cluster, "p", record(&format!("t{n}-{i}")));
            }
            let mut events = run_for(&mut cluster, 300);
            let victim = BrokerId(i32::try_from(1 + (seed + n) % 3).unwrap_or(1));
            let bounce = n % 2 == 1;
            if bounce {
                events.extend(apply(&mut cluster, Command::StopBroker { broker: victim }));
            }
            let commit = (seed + n) % 3 != 0;
            let call = if commit {
                Command::CommitTransaction {
                    producer: "p".into(),
                }
            } else {
                Command::AbortTransaction {
                    producer: "p".into(),
                }
            };
            let outcome = finish_call(&mut cluster, call, &mut events);
            assert!(
                matches!(outcome, Some(Ok(_))),
                "seed {seed} t{n}: {outcome:?}\n{}",
                Cluster::trace(&events)
            );
            if let Some(Ok(committed)) = outcome {
                seen.insert(format!("t{n}"), committed);
            }
            if bounce {
                events.extend(apply(&mut cluster, Command::StartBroker { broker: victim }));
                events.extend(run_for(&mut cluster, 10_000));
            }
            delivered_total += delivered(&events, reader);
        }
        delivered_total += delivered(&run_for(&mut cluster, 10_000), reader);
        let logged = logged_outcomes(&cluster);
        for (transaction, committed) in &seen {
            assert_eq!(
                logged.get(transaction),
                Some(&Ok(Some(*committed))),
                "seed {seed}: {transaction} (producer saw commit={committed})"
            );
        }
        let committed_records =
            3 * i32::try_from(seen.values().filter(|c| **c).count()).unwrap_or(0);
        assert_eq!(
            delivered_total, committed_records,
            "seed {seed}: read_committed got exactly the committed records"
        );
    }
}
