//! What a playground starts from: a cluster, a seed, a setup script and the panels shown.
//! The sandbox offers the presets below; a lesson brings its own (see `lesson_setup.rs`).

use kplay_core::ClusterConfig;

use super::cluster_options;

/// The panels a playground can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panels {
    pub cluster: bool,
    pub producer: bool,
    pub groups: bool,
    pub log: bool,
    pub terminal: bool,
    pub events: bool,
    pub alerts: bool,
}

impl Panels {
    /// Every panel.
    pub const ALL: Panels = Panels {
        cluster: true,
        producer: true,
        groups: true,
        log: true,
        terminal: true,
        events: true,
        alerts: true,
    };

    /// The panels named in a lesson's list (`cluster, producer, ...`); an empty list is all.
    /// Unknown names are ignored (the lessons crate checks them at build time).
    pub fn from_names(names: &[&str]) -> Panels {
        if names.is_empty() {
            return Panels::ALL;
        }
        let has = |name: &str| names.iter().any(|n| n.trim() == name);
        Panels {
            cluster: has("cluster"),
            producer: has("producer"),
            groups: has("groups"),
            log: has("log"),
            terminal: has("terminal"),
            events: has("events"),
            alerts: has("alerts"),
        }
    }
}

/// Everything a playground needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaygroundSpec {
    /// Names the saved session in `localStorage` (`sandbox`, `lesson.<slug>`).
    pub storage_key: String,
    /// The page's route, for share links: `/sandbox`, `/lessons/<slug>`.
    pub route: String,
    pub config: ClusterConfig,
    pub seed: u64,
    /// A kplay script building the starting state.
    pub setup: String,
    pub panels: Panels,
}

/// A starting point of the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Cluster options (see `cluster_options`).
    pub cluster: &'static str,
    pub setup: &'static str,
}

const BOOTSTRAP: &str = "--bootstrap-server localhost:9092";

/// The sandbox's presets; the first is the default.
pub const PRESETS: &[Preset] = &[
    Preset {
        id: "replication",
        title: "Three brokers, one replicated topic",
        description: "orders: 3 partitions, replication factor 3, min.insync.replicas=2; a producer with acks=all and a group of two consumers.",
        cluster: "brokers=3,mode=kraft,latency-ms=2,seed=7,broker.min.insync.replicas=2",
        setup: "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\n\
kplay producer start producer-1 --producer-property acks=all\n\
kplay consumer start consumer-1 --topic orders --group orders-app\n\
kplay consumer start consumer-2 --topic orders --group orders-app\n\
kplay time advance 10s\n",
    },
    Preset {
        id: "groups",
        title: "A consumer group under steady load",
        description: "events: 4 partitions, a steady flow of 20 records/s, a group of three consumers that commit after processing.",
        cluster: "brokers=3,mode=kraft,latency-ms=2,seed=11",
        setup: "kafka-topics --bootstrap-server localhost:9092 --create --topic events --partitions 4 --replication-factor 3\n\
kplay producer start producer-1\n\
kplay producer start load\n\
kplay workload start load --topic events --rate 20 --keys 8 --value-bytes 32\n\
kplay consumer start consumer-1 --topic events --group events-app --app-commits sync-after\n\
kplay consumer start consumer-2 --topic events --group events-app --app-commits sync-after\n\
kplay consumer start consumer-3 --topic events --group events-app --app-commits sync-after\n\
kplay time advance 10s\n",
    },
    Preset {
        id: "single-broker",
        title: "One broker",
        description: "The smallest cluster: one broker, one topic, one producer. Nothing survives a broker failure.",
        cluster: "brokers=1,mode=kraft,latency-ms=2,seed=3",
        setup: "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 1\n\
kplay producer start producer-1\n\
kplay time advance 1s\n",
    },
    Preset {
        id: "largest",
        title: "Largest: 9 brokers, 48 partitions",
        description: "9 brokers, 48 partitions with replication factor 3, three groups of 6 consumers, a steady flow of 200 records/s.",
        cluster: "brokers=9,mode=kraft,latency-ms=2,seed=5",
        setup: LARGEST_SETUP,
    },
];

const LARGEST_SETUP: &str = "kafka-topics --bootstrap-server localhost:9092 --create --topic clicks --partitions 48 --replication-factor 3\n\
kplay producer start producer-1\n\
kplay producer start load\n\
kplay workload start load --topic clicks --rate 200 --keys 100 --value-bytes 64\n\
kplay consumer start analytics-1 --topic clicks --group analytics\n\
kplay consumer start analytics-2 --topic clicks --group analytics\n\
kplay consumer start analytics-3 --topic clicks --group analytics\n\
kplay consumer start analytics-4 --topic clicks --group analytics\n\
kplay consumer start analytics-5 --topic clicks --group analytics\n\
kplay consumer start analytics-6 --topic clicks --group analytics\n\
kplay consumer start billing-1 --topic clicks --group billing\n\
kplay consumer start billing-2 --topic clicks --group billing\n\
kplay consumer start billing-3 --topic clicks --group billing\n\
kplay consumer start billing-4 --topic clicks --group billing\n\
kplay consumer start billing-5 --topic clicks --group billing\n\
kplay consumer start billing-6 --topic clicks --group billing\n\
kplay consumer start audit-1 --topic clicks --group audit\n\
kplay consumer start audit-2 --topic clicks --group audit\n\
kplay consumer start audit-3 --topic clicks --group audit\n\
kplay consumer start audit-4 --topic clicks --group audit\n\
kplay consumer start audit-5 --topic clicks --group audit\n\
kplay consumer start audit-6 --topic clicks --group audit\n\
kplay time advance 10s\n";

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.id == id)
}

/// The sandbox's spec for a preset.
pub fn sandbox_spec(preset: &Preset) -> Result<PlaygroundSpec, String> {
    let (config, seed) = cluster_options::parse(preset.cluster)?;
    Ok(PlaygroundSpec {
        storage_key: "kplay.sandbox".to_owned(),
        route: "/sandbox".to_owned(),
        config,
        seed,
        setup: preset.setup.to_owned(),
        panels: Panels::ALL,
    })
}

/// `--bootstrap-server localhost:9092`, for lines the UI writes.
pub fn bootstrap() -> &'static str {
    BOOTSTRAP
}

#[cfg(test)]
mod tests {
    use super::super::session::Session;
    use super::*;

    #[test]
    fn every_preset_builds_without_errors() {
        for preset in PRESETS {
            let spec = sandbox_spec(preset).expect("valid options");
            let session = Session::new(spec.config, spec.seed, &spec.setup).expect("valid");
            assert_eq!(session.setup_errors(), "", "{}", preset.id);
        }
    }

    #[test]
    fn the_largest_preset_has_its_size() {
        let spec = sandbox_spec(preset("largest").expect("exists")).expect("valid");
        let session = Session::new(spec.config, spec.seed, &spec.setup).expect("valid");
        let cluster = &session.shell().cluster;
        assert_eq!(cluster.view().brokers.len(), 9);
        let topic = cluster.topic_view("clicks").expect("created");
        assert_eq!(topic.partitions.len(), 48);
        assert!(topic.partitions.iter().all(|p| p.replicas.len() == 3));
        assert_eq!(cluster.consumer_views().len(), 18);
    }

    #[test]
    fn the_default_preset_starts_settled() {
        let spec = sandbox_spec(&PRESETS[0]).expect("valid");
        let session = Session::new(spec.config, spec.seed, &spec.setup).expect("valid");
        let group = session
            .shell()
            .cluster
            .describe_group("orders-app")
            .expect("the group formed");
        assert_eq!(group.state, "Stable");
        assert_eq!(group.members.len(), 2);
    }

    #[test]
    fn panels_are_chosen_by_name() {
        assert_eq!(Panels::from_names(&[]), Panels::ALL);
        let panels = Panels::from_names(&["cluster", "terminal"]);
        assert!(panels.cluster && panels.terminal && !panels.groups);
    }
}
