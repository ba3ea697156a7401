//! The cluster options text of lessons, presets and saved sessions:
//! `brokers=3,mode=kraft,truncation=leader-epoch,latency-ms=2,seed=7,broker.min.insync.replicas=2`.
//!
//! The lessons crate parses the same text for its `cluster:` field (see `lesson_setup.rs`); this
//! module both reads it and writes it back, so an exported session names its cluster in the
//! words a lesson would use.

use kplay_core::{ClusterConfig, MetadataMode, TruncationMode};

/// The seed of a session whose options do not name one.
pub const DEFAULT_SEED: u64 = 7;

/// Parses options into a cluster config and a seed; the error names the offending option.
pub fn parse(options: &str) -> Result<(ClusterConfig, u64), String> {
    let mut config = ClusterConfig::default();
    let mut seed = DEFAULT_SEED;
    let mut voters: Option<i32> = None;
    for item in options.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| format!("cluster option `{item}` is not `name=value`"))?;
        let (name, value) = (name.trim(), value.trim());
        let number = |what: &str| -> Result<i64, String> {
            value
                .parse::<i64>()
                .map_err(|_| format!("cluster option `{name}` expects {what}, not `{value}`"))
        };
        match name {
            "brokers" => config.brokers = number("a number of brokers")? as i32,
            "voters" => voters = Some(number("a number of controller voters")? as i32),
            "mode" => {
                config.metadata_mode = match value {
                    "kraft" => MetadataMode::Kraft,
                    "zookeeper" | "zk" => MetadataMode::ZooKeeper,
                    _ => {
                        return Err(format!(
                            "cluster option `mode` is kraft or zookeeper, not `{value}`"
                        ))
                    }
                }
            }
            "truncation" => {
                config.truncation = match value {
                    "leader-epoch" => TruncationMode::LeaderEpoch,
                    "high-watermark" => TruncationMode::HighWatermark,
                    _ => {
                        return Err(format!(
                    "cluster option `truncation` is leader-epoch or high-watermark, not `{value}`"
                ))
                    }
                }
            }
            "latency-ms" => config.network_latency_ms = number("milliseconds")?,
            "hw-waits-for-min-isr" => {
                config.hw_waits_for_min_isr = match value {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(format!(
                            "cluster option `{name}` is true or false, not `{value}`"
                        ))
                    }
                }
            }
            "seed" => {
                seed = value.parse::<u64>().map_err(|_| {
                    format!("cluster option `seed` expects a whole number, not `{value}`")
                })?
            }
            _ => match name.strip_prefix("broker.") {
                Some(property) if !property.is_empty() => config
                    .broker_configs
                    .push((property.to_owned(), value.to_owned())),
                _ => return Err(format!("unknown cluster option `{name}`")),
            },
        }
    }
    config.controller_voters = voters.unwrap_or(config.brokers.clamp(1, 3));
    config.validate().map_err(|error| error.to_string())?;
    Ok((config, seed))
}

/// Writes a config and seed back as options text ([`parse`] reads it back to the same values).
pub fn format(config: &ClusterConfig, seed: u64) -> String {
    let defaults = ClusterConfig::default();
    let mut items = vec![format!("brokers={}", config.brokers)];
    items.push(
        match config.metadata_mode {
            MetadataMode::Kraft => "mode=kraft",
            MetadataMode::ZooKeeper => "mode=zookeeper",
        }
        .to_owned(),
    );
    if config.controller_voters != config.brokers.clamp(1, 3) {
        items.push(format!("voters={}", config.controller_voters));
    }
    if config.truncation != defaults.truncation {
        items.push("truncation=high-watermark".to_owned());
    }
    items.push(format!("latency-ms={}", config.network_latency_ms));
    if config.hw_waits_for_min_isr != defaults.hw_waits_for_min_isr {
        items.push(format!(
            "hw-waits-for-min-isr={}",
            config.hw_waits_for_min_isr
        ));
    }
    items.push(format!("seed={seed}"));
    for (name, value) in &config.broker_configs {
        items.push(format!("broker.{name}={value}"));
    }
    items.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_example_parses() {
        let (config, seed) = parse(
            "brokers=3,mode=kraft,truncation=leader-epoch,latency-ms=2,seed=7,broker.min.insync.replicas=2",
        )
        .expect("valid");
        assert_eq!(config.brokers, 3);
        assert_eq!(seed, 7);
        assert_eq!(
            config.broker_configs,
            vec![("min.insync.replicas".to_owned(), "2".to_owned())]
        );
    }

    #[test]
    fn format_then_parse_gives_the_same_config() {
        let (config, seed) =
            parse("brokers=5,mode=zookeeper,truncation=high-watermark,latency-ms=10,seed=99")
                .expect("valid");
        let (again, again_seed) = parse(&format(&config, seed)).expect("valid");
        assert_eq!(again, config);
        assert_eq!(again_seed, 99);
    }

    #[test]
    fn a_listeners_jaas_line_survives_the_round_trip() {
        // Lesson 18's brokers: the line holds spaces, quotes, `=` and `;`, but no comma.
        let options = "brokers=3,seed=1,broker.super.users=User:admin,\
            broker.listener.name.sasl_plaintext.plain.sasl.jaas.config=\
            org.apache.kafka.common.security.plain.PlainLoginModule required \
            user_alice=\"alice-secret\";";
        let (config, seed) = parse(options).expect("valid");
        let jaas = &config.broker_configs[1];
        assert_eq!(
            jaas.0,
            "listener.name.sasl_plaintext.plain.sasl.jaas.config"
        );
        assert!(jaas.1.ends_with("user_alice=\"alice-secret\";"));
        assert_eq!(
            parse(&format(&config, seed)).expect("valid"),
            (config, seed)
        );
    }

    #[test]
    fn bad_options_are_named() {
        assert!(parse("brokers=x").unwrap_err().contains("brokers"));
        assert!(parse("brokers=12").unwrap_err().contains("1 to 9"));
        assert!(parse("colour=blue").unwrap_err().contains("colour"));
        assert!(parse("seed=-1").unwrap_err().contains("seed"));
        assert!(parse("justtext").unwrap_err().contains("name=value"));
    }
}
