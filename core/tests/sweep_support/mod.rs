//! The random workload of the seed sweep: one seed decides the cluster, the topics, the clients
//! and every step, drawn from the simulator's own portable RNG so a seed replays anywhere.

use std::collections::VecDeque;

use kplay_core::check::invariants::check_all;
use kplay_core::{
    AppCommits, BrokerId, Cluster, ClusterConfig, Command, CommitPolicy, ConfigResource,
    ElectionType, MetadataMode, NewRecord, NodeId, SimRng, Subscription, TopicPartition,
    TruncationMode,
};

/// How much to run.
pub struct SweepSettings {
    /// Seeds first..seeds.
    pub first: u64,
    pub seeds: u64,
    /// Steps per seed.
    pub steps: usize,
}

/// The last trace lines kept for a failure report.
const TRACE_TAIL: usize = 300;

const TOPICS: [&str; 3] = ["orders", "payments", "clicks"];
const PRODUCERS: [&str; 4] = ["acks-0", "acks-1", "acks-all", "acks-all-plain"];
const KEYS: [&str; 6] = ["alice", "bob", "carol", "dave", "erin", "frank"];

/// The cluster a seed builds.
fn cluster_config(rng: &mut SimRng) -> ClusterConfig {
    let brokers = 3 + rng.below(3) as i32;
    let metadata_mode = if rng.below(5) == 0 {
        MetadataMode::ZooKeeper
    } else {
        MetadataMode::Kraft
    };
    let truncation = if rng.below(6) == 0 {
        TruncationMode::HighWatermark
    } else {
        TruncationMode::LeaderEpoch
    };
    let mut broker_configs = vec![
        (
            "replica.lag.time.max.ms".to_string(),
            ["10000", "30000"][rng.below(2) as usize].to_string(),
        ),
        (
            "min.insync.replicas".to_string(),
            (1 + rng.below(2)).to_string(),
        ),
        ("log.roll.ms".to_string(), "30000".to_string()),
        (
            "log.retention.check.interval.ms".to_string(),
            "20000".to_string(),
        ),
        ("log.retention.ms".to_string(), "120000".to_string()),
    ];
    if rng.below(8) == 0 {
        broker_configs.push((
            "unclean.leader.election.enable".to_string(),
            "true".to_string(),
        ));
    }
    ClusterConfig {
        brokers,
        metadata_mode,
        controller_voters: 3.min(brokers),
        network_latency_ms: 1 + i64::from(rng.below(5)),
        truncation,
        broker_configs,
        ..ClusterConfig::default()
    }
}

fn producer_configs(name: &str) -> Vec<(String, String)> {
    let pairs: &[(&str, &str)] = match name {
        "acks-0" => &[("acks", "0"), ("enable.idempotence", "false")],
        // It also leaves slow leaders out of its null-key draws (KIP-794).
        "acks-1" => &[
            ("acks", "1"),
            ("enable.idempotence", "false"),
            ("partitioner.availability.timeout.ms", "500"),
        ],
        "acks-all" => &[("acks", "all")],
        // Kafka 2.4 to 3.2's sticky partitioner, which closes a batch early to move on.
        _ => &[
            ("acks", "all"),
            ("enable.idempotence", "false"),
            ("retries", "3"),
            (
                "partitioner.class",
                "org.apache.kafka.clients.producer.internals.DefaultPartitioner",
            ),
        ],
    };
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain(std::iter::once((
            "delivery.timeout.ms".to_string(),
            "20000".to_string(),
        )))
        .chain(std::iter::once((
            "request.timeout.ms".to_string(),
            "5000".to_string(),
        )))
        .chain(std::iter::once(("linger.ms".to_string(), "5".to_string())))
        .collect()
}

/// One seed's run.
struct Run {
    rng: SimRng,
    cluster: Cluster,
    trace: VecDeque<String>,
    consumers: u32,
    verbose: bool,
}

impl Run {
    fn record(&mut self, events: &[kplay_core::Event]) {
        for event in events {
            if self.verbose {
                eprintln!("{}", event.trace_line());
            }
            if self.trace.len() == TRACE_TAIL {
                self.trace.pop_front();
            }
            self.trace.push_back(event.trace_line());
        }
    }

    fn apply(&mut self, command: Command) {
        let line = format!("> {command:?}");
        if self.verbose {
            eprintln!("{line}");
        }
        if self.trace.len() == TRACE_TAIL {
            self.trace.pop_front();
        }
        self.trace.push_back(line);
        match self.cluster.apply(command) {
            Ok(events) => self.record(&events),
            Err(error) => self.trace.push_back(format!("  refused: {error}")),
        }
    }

    /// Runs the simulation for `duration_ms`, one occurrence at a time, and stops a runaway
    /// (a storm of occurrences that never lets time pass) with a report.
    fn run_for(&mut self, duration_ms: i64) {
        let deadline = self.cluster.now_ms() + duration_ms;
        let mut occurrences = 0_u64;
        while self
            .cluster
            .next_occurrence_ms()
            .is_some_and(|at| at <= deadline)
        {
            let events = self.cluster.step();
            self.record(&events);
            occurrences += 1;
            if occurrences > 2_000_000 {
                let messages: Vec<String> = self
                    .cluster
                    .messages_in_flight()
                    .iter()
                    .take(30)
                    .map(|m| format!("{:?} -> {:?} {} at {:?}", m.from, m.to, m.api, m.deliver_ms))
                    .collect();
                panic!(
                    "runaway: over 2,000,000 occurrences in {duration_ms} ms of simulated time (now {}):\n{}",
                    self.cluster.now_ms(),
                    messages.join("\n")
                );
            }
        }
        let events = self.cluster.run_until(deadline);
        self.record(&events);
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.below(items.len() as u32) as usize]
    }

    fn broker(&mut self) -> BrokerId {
        BrokerId(1 + self.rng.below(self.cluster.config().brokers as u32) as i32)
    }

    fn setup(&mut self) {
        let brokers = self.cluster.config().brokers;
        for topic in TOPICS.iter().take(2) {
            let partitions = 1 + self.rng.below(4) as i32;
            self.apply(Command::CreateTopic {
                topic: topic.to_string(),
                partitions,
                replication_factor: 3.min(brokers),
                configs: Vec::new(),
            });
        }
        for producer in PRODUCERS {
            self.apply(Command::CreateProducer {
                name: producer.to_string(),
                configs: producer_configs(producer),
            });
        }
    }

    fn step(&mut self) {
        let roll = self.rng.below(100);
        match roll {
            0..=39 => {
                let duration = 1 + i64::from(self.rng.below(400));
                self.run_for(duration);
            }
            40..=64 => self.produce(),
            65..=69 => {
                let broker = self.broker();
                self.apply(Command::StopBroker { broker });
            }
            70..=75 => {
                let broker = self.broker();
                self.apply(Command::StartBroker { broker });
            }
            76 => {
                let broker = self.broker();
                self.apply(Command::ShutdownBroker { broker });
            }
            77..=78 => {
                let broker = self.broker();
                self.apply(Command::IsolateBroker { broker });
            }
            79..=80 => {
                let broker = self.broker();
                self.apply(Command::RejoinBroker { broker });
            }
            81 => {
                let (a, b) = (self.broker(), self.broker());
                self.apply(Command::CutLinks {
                    side_a: vec![NodeId::Broker(a)],
                    side_b: vec![NodeId::Broker(b)],
                });
            }
            82 => {
                let broker = self.broker();
                self.apply(Command::HoldFetches { broker });
            }
            83 => {
                let broker = self.broker();
                self.apply(Command::ReleaseFetches { broker });
            }
            84 => {
                let broker = self.broker();
                let extra_ms = i64::from(self.rng.below(3) * 200);
                self.apply(Command::DelayBroker { broker, extra_ms });
            }
            85..=86 => self.apply(Command::HealNetwork),
            87..=90 => self.consumer_step(),
            91 => {
                let topic = self.pick(&TOPICS).to_string();
                let brokers = self.cluster.config().brokers;
                let partitions = 1 + self.rng.below(3) as i32;
                let replication_factor = 1 + self.rng.below(3.min(brokers) as u32) as i32;
                self.apply(Command::CreateTopic {
                    topic,
                    partitions,
                    replication_factor,
                    configs: Vec::new(),
                });
            }
            // A partition moved to 1 to 3 brokers, or its move cancelled: replicas created,
            // caught up and deleted while everything else goes on must keep every invariant.
            92 if self.rng.below(2) == 0 => {
                let topic = self.pick(&TOPICS[..2]).to_string();
                let partition = TopicPartition::new(topic, self.rng.below(4) as i32);
                let replicas = if self.rng.below(4) == 0 {
                    None
                } else {
                    let mut target = Vec::new();
                    for _ in 0..1 + self.rng.below(3) {
                        let broker = self.broker();
                        if !target.contains(&broker) {
                            target.push(broker);
                        }
                    }
                    Some(target)
                };
                self.apply(Command::AlterPartitionReassignment {
                    partition,
                    replicas,
                });
            }
            92 => {
                let topic = self.pick(&TOPICS).to_string();
                let total_count = 2 + self.rng.below(5) as i32;
                self.apply(Command::CreatePartitions { topic, total_count });
            }
            93 => {
                let topic = self.pick(&TOPICS).to_string();
                let value = ["true", "false"][self.rng.below(2) as usize].to_string();
                self.apply(Command::AlterConfigs {
                    resource: ConfigResource::Topic(topic),
                    set: vec![("unclean.leader.election.enable".to_string(), value)],
                    delete: Vec::new(),
                });
            }
            // A client or user quota set or removed: throttled producers and consumers, and brokers
            // holding their requests, must keep every invariant.
            94 if self.rng.below(2) == 0 => {
                let client = match self.rng.below(3) {
                    0 => None,
                    1 => Some(self.pick(&PRODUCERS).to_string()),
                    _ => Some(format!("consumer-{}", self.rng.below(3))),
                };
                let name = ["producer_byte_rate", "consumer_byte_rate"][self.rng.below(2) as usize];
                let (set, delete) = match self.rng.below(3) {
                    0 => (Vec::new(), vec![name.to_string()]),
                    _ => {
                        let rate = [500, 2_000, 20_000][self.rng.below(3) as usize];
                        (vec![(name.to_string(), rate.to_string())], Vec::new())
                    }
                };
                // The sweep's clients do not log in: their user is ANONYMOUS.
                let user =
                    [None, Some("ANONYMOUS".to_string())][self.rng.below(2) as usize].clone();
                let resource = match self.rng.below(3) {
                    0 => ConfigResource::User(user),
                    1 => ConfigResource::UserClientId(user, client),
                    _ => ConfigResource::ClientId(client),
                };
                self.apply(Command::AlterConfigs {
                    resource,
                    set,
                    delete,
                });
            }
            94 => self.apply(Command::ElectLeaders {
                election: ElectionType::Preferred,
                partitions: None,
            }),
            95 => {
                let producer = self.pick(&PRODUCERS).to_string();
                self.apply(Command::Flush { producer });
            }
            _ => {
                let duration = 1_000 + i64::from(self.rng.below(20_000));
                self.run_for(duration);
            }
        }
    }

    fn produce(&mut self) {
        let producer = self.pick(&PRODUCERS).to_string();
        let topic = self.pick(&TOPICS[..2]).to_string();
        let count = 1 + self.rng.below(20);
        for _ in 0..count {
            let key = if self.rng.below(4) == 0 {
                None
            } else {
                Some(*self.pick(&KEYS))
            };
            let record = NewRecord::new(&topic, key, Some("value"));
            let command = Command::Produce {
                producer: producer.clone(),
                record,
            };
            match self.cluster.apply(command) {
                Ok(events) => self.record(&events),
                Err(error) => self.trace.push_back(format!("  produce refused: {error}")),
            }
        }
    }

    fn consumer_step(&mut self) {
        let name = format!("consumer-{}", self.rng.below(3));
        match self.rng.below(5) {
            0 => {
                self.consumers += 1;
                let name = format!("consumer-{}", self.consumers);
                let topic = self.pick(&TOPICS[..2]).to_string();
                let policy = CommitPolicy {
                    poll_interval_ms: Some(50),
                    processing_ms_per_record: 1,
                    commits: AppCommits::Never,
                };
                let mut configs = vec![("auto.offset.reset".to_string(), "earliest".to_string())];
                // The second consumer subscribes to a pattern through a group (the draws stay
                // those of the earlier seeds): metadata for all topics, rejoins when a topic
                // is created (`clicks`, later) or partitions are added.
                let subscription = if self.consumers == 2 {
                    configs.push(("group.id".to_string(), "sweep".to_string()));
                    Subscription::Pattern("orders|pay.*|cl.*".to_string())
                } else {
                    Subscription::Partitions(vec![TopicPartition::new(topic, 0)])
                };
                self.apply(Command::CreateConsumer {
                    name,
                    configs,
                    subscription,
                    policy,
                });
            }
            1 => self.apply(Command::Poll { consumer: name }),
            2 => self.apply(Command::CloseConsumer { consumer: name }),
            3 => self.apply(Command::CrashConsumer { consumer: name }),
            _ => self.apply(Command::Commit {
                consumer: name,
                sync: true,
            }),
        }
    }

    fn report(
        &self,
        seed: u64,
        step: usize,
        violations: &[kplay_core::check::invariants::Violation],
    ) -> String {
        let mut text = format!(
            "seed {seed} broke an invariant at step {step} (t={} ms). Replay: KPLAY_SWEEP_SEEDS={} cargo test --test sweep\n",
            self.cluster.now_ms(),
            seed + 1
        );
        for violation in violations {
            text.push_str(&format!(
                "  {}: {}\n",
                violation.invariant, violation.detail
            ));
        }
        text.push_str("replicas:\n");
        for broker in self.cluster.view().brokers {
            for replica in broker.replicas {
                text.push_str(&format!(
                    "  broker {} {} {} leo={} hw={} epochs={:?}\n",
                    broker.id,
                    replica.partition,
                    replica.role,
                    replica.log_end_offset,
                    replica.high_watermark,
                    replica.epochs
                ));
                if let Some(log) = self.cluster.log_view(broker.id, &replica.partition, 10_000) {
                    let batches: Vec<String> = log
                        .segments
                        .iter()
                        .flat_map(|segment| segment.records.iter())
                        .map(|record| format!("{}@{}", record.offset, record.leader_epoch))
                        .collect();
                    text.push_str(&format!("    records {}\n", batches.join(" ")));
                }
            }
        }
        text.push_str("last trace lines:\n");
        for line in &self.trace {
            text.push_str(line);
            text.push('\n');
        }
        text
    }
}

/// Runs one seed; the error is the failure report.
pub fn run_seed(seed: u64, steps: usize) -> Result<(), String> {
    let mut rng = SimRng::seed_from_u64(seed ^ 0x5eed_5eed);
    let config = cluster_config(&mut rng);
    if std::env::var_os("KPLAY_SWEEP_VERBOSE").is_some() {
        eprintln!("{config:?}");
    }
    let cluster = Cluster::new(config, seed).map_err(|error| format!("seed {seed}: {error}"))?;
    let mut run = Run {
        rng,
        cluster,
        trace: VecDeque::new(),
        consumers: 0,
        verbose: std::env::var_os("KPLAY_SWEEP_VERBOSE").is_some(),
    };
    run.setup();
    for step in 0..steps {
        run.step();
        let violations = check_all(&run.cluster);
        if !violations.is_empty() {
            return Err(run.report(seed, step, &violations));
        }
    }
    Ok(())
}
