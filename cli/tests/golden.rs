//! Golden transcripts: each `tests/golden/NAME.kplay` runs on a fresh cluster (3 brokers,
//! KRaft, seed 1, unless its first line says otherwise, e.g. `# cluster: brokers=1 seed=7`)
//! and its output, both streams interleaved as a terminal shows them, must equal
//! `tests/golden/NAME.out` byte for byte.
//!
//! The expected outputs were written from Kafka's tool sources (cited at the top of each
//! script); what only the simulation decides (replica placement, topic ids, timestamps,
//! leader changes) was checked against the simulation's trace.

use std::path::{Path, PathBuf};

use kplay_cli::Shell;
use kplay_core::{ClusterConfig, MetadataMode};

fn cluster_for(script: &str) -> (ClusterConfig, u64) {
    let mut config = ClusterConfig::default();
    let mut seed = 1;
    let Some(header) = script
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# cluster:"))
    else {
        return (config, seed);
    };
    for setting in header.split_whitespace() {
        match setting.split_once('=') {
            Some(("brokers", n)) => {
                config.brokers = n.parse().expect("brokers");
                config.controller_voters = config.brokers.min(3);
            }
            Some(("seed", n)) => seed = n.parse().expect("seed"),
            Some((name, value)) => config
                .broker_configs
                .push((name.to_string(), value.to_string())),
            None if setting == "zookeeper" => config.metadata_mode = MetadataMode::ZooKeeper,
            None => panic!("unknown cluster setting {setting}"),
        }
    }
    (config, seed)
}

fn run(path: &Path) -> String {
    let script = std::fs::read_to_string(path).expect("script");
    let (config, seed) = cluster_for(&script);
    let mut shell = Shell::with_config(config, seed).expect("cluster");
    shell.run_line(&script).text()
}

fn scripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("golden dir")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "kplay"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_golden_transcript_matches() {
    let mut failures = Vec::new();
    for script in scripts() {
        let expected_path = script.with_extension("out");
        let actual = run(&script);
        if std::env::var_os("KPLAY_GOLDEN_SHOW").is_some() {
            std::fs::write(script.with_extension("actual"), &actual).expect("write actual");
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if actual != expected {
            failures.push(format!(
                "{}\n--- expected\n{expected}\n--- actual\n{actual}",
                script.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn transcripts_are_deterministic() {
    for script in scripts() {
        assert_eq!(run(&script), run(&script), "{}", script.display());
    }
}
