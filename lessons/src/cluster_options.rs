//! The `cluster:` front matter field: the options of a lesson's simulated cluster, written
//! `key=value, key=value`.
//!
//! Used by the build script (through `#[path]`), which refuses a malformed field with the
//! file's name, and by the library's [`crate::cluster_config`], which turns the options into a
//! `kplay_core::ClusterConfig`. This module only checks the *shape* of each option (known key,
//! a number where a number is expected, a known mode); whether a `broker.<config>` value is
//! valid for Kafka is the core's decision, checked by `cluster_config` and the lesson tests.
//!
//! | key | value | default |
//! | --- | --- | --- |
//! | `brokers` | 1 to 9 | 3 |
//! | `mode` | `kraft` or `zookeeper` | `kraft` |
//! | `truncation` | `leader-epoch` or `high-watermark` | `leader-epoch` |
//! | `latency-ms` | 0 to 60000 (one-way network latency) | 2 |
//! | `seed` | a whole number (the simulation's random seed) | 1 |
//! | `broker.<config>` | a `server.properties` line for every broker | |
//!
//! A value holding commas (`broker.log.cleanup.policy=[compact,delete]`) is written in square
//! brackets, as `kafka-configs --add-config` takes lists; the brackets are not part of the value.

/// The largest cluster the playground runs (`kplay_core::cluster::config::MAX_BROKERS`).
pub const MAX_BROKERS: i32 = 9;

/// The largest one-way network latency the core accepts, in ms.
pub const MAX_LATENCY_MS: i64 = 60_000;

/// The option keys, as the teacher's guide lists them (`broker.<config>` aside).
pub const KEYS: [&str; 5] = ["brokers", "mode", "truncation", "latency-ms", "seed"];

/// How the cluster keeps its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// KRaft, Kafka's only mode since 4.0.
    Kraft,
    /// The legacy ZooKeeper mode (Kafka before 4.0).
    ZooKeeper,
}

/// How a new follower reconciles its log with its leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truncation {
    /// Leader epochs (KIP-101, KIP-279), Kafka 0.11 and later.
    LeaderEpoch,
    /// Truncate to the high watermark, as Kafka did before 0.11.
    HighWatermark,
}

/// A lesson's cluster options, each `None` when the lesson leaves it at its default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterOptions {
    /// `brokers=N`.
    pub brokers: Option<i32>,
    /// `mode=kraft|zookeeper`.
    pub mode: Option<Mode>,
    /// `truncation=leader-epoch|high-watermark`.
    pub truncation: Option<Truncation>,
    /// `latency-ms=N`.
    pub latency_ms: Option<i64>,
    /// `seed=N`.
    pub seed: Option<u64>,
    /// `broker.<config>=<value>`, in the order given, without the `broker.` prefix.
    pub broker_configs: Vec<(String, String)>,
}

/// Parses `brokers=3, broker.min.insync.replicas=2, ...`. An empty text is all defaults.
///
/// The error says what is wrong in words a teacher can act on; the caller adds the file name.
pub fn parse(text: &str) -> Result<ClusterOptions, String> {
    let mut options = ClusterOptions::default();
    let mut seen: Vec<String> = Vec::new();
    for item in split_items(text)? {
        let (key, value) = item.split_once('=').ok_or(format!(
            "cluster option {item:?} is not `key=value` (keys: {}, broker.<config>)",
            KEYS.join(", ")
        ))?;
        let (key, value) = (key.trim(), unbracket(value.trim()));
        if value.is_empty() {
            return Err(format!("cluster option `{key}` has no value"));
        }
        if seen.iter().any(|earlier| earlier == key) {
            return Err(format!("cluster option `{key}` is given twice"));
        }
        seen.push(key.to_owned());
        apply(&mut options, key, value)?;
    }
    Ok(options)
}

fn apply(options: &mut ClusterOptions, key: &str, value: &str) -> Result<(), String> {
    match key {
        "brokers" => {
            options.brokers = Some(number(key, value, 1, i64::from(MAX_BROKERS))? as i32);
        }
        "mode" => {
            options.mode = Some(match value {
                "kraft" => Mode::Kraft,
                "zookeeper" => Mode::ZooKeeper,
                _ => return Err(expected(key, value, "kraft or zookeeper")),
            });
        }
        "truncation" => {
            options.truncation = Some(match value {
                "leader-epoch" => Truncation::LeaderEpoch,
                "high-watermark" => Truncation::HighWatermark,
                _ => return Err(expected(key, value, "leader-epoch or high-watermark")),
            });
        }
        "latency-ms" => options.latency_ms = Some(number(key, value, 0, MAX_LATENCY_MS)?),
        "seed" => {
            options.seed = Some(
                value
                    .parse()
                    .map_err(|_| expected(key, value, "a whole number from 0"))?,
            );
        }
        _ => {
            let config = key.strip_prefix("broker.").ok_or(format!(
                "unknown cluster option `{key}` (keys: {}, broker.<config>)",
                KEYS.join(", ")
            ))?;
            let well_formed = !config.is_empty()
                && config
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
            if !well_formed {
                return Err(format!(
                    "cluster option `{key}`: `{config}` is not a config name (letters, digits, '.', '_', '-')"
                ));
            }
            options
                .broker_configs
                .push((config.to_owned(), value.to_owned()));
        }
    }
    Ok(())
}

/// Splits on commas outside square brackets; empty items (a trailing comma) are skipped.
fn split_items(text: &str) -> Result<Vec<&str>, String> {
    let mut items = Vec::new();
    let mut depth = 0_i32;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!("cluster options {text:?}: a ']' without its '['"));
                }
            }
            ',' if depth == 0 => {
                items.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(format!("cluster options {text:?}: a '[' is not closed"));
    }
    items.push(&text[start..]);
    Ok(items
        .into_iter()
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect())
}

fn unbracket(value: &str) -> &str {
    value
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .map_or(value, str::trim)
}

fn number(key: &str, value: &str, min: i64, max: i64) -> Result<i64, String> {
    match value.parse::<i64>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(expected(
            key,
            value,
            &format!("a whole number from {min} to {max}"),
        )),
    }
}

fn expected(key: &str, value: &str, what: &str) -> String {
    format!("cluster option `{key}` must be {what}, not {value:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_field_means_every_default() {
        assert_eq!(parse("").expect("valid"), ClusterOptions::default());
        assert_eq!(parse(" , ").expect("valid"), ClusterOptions::default());
    }

    #[test]
    fn every_key_is_read() {
        let options = parse(
            "brokers=5, mode=zookeeper, truncation=high-watermark, latency-ms=10, seed=7, broker.min.insync.replicas=2",
        )
        .expect("valid");
        assert_eq!(options.brokers, Some(5));
        assert_eq!(options.mode, Some(Mode::ZooKeeper));
        assert_eq!(options.truncation, Some(Truncation::HighWatermark));
        assert_eq!(options.latency_ms, Some(10));
        assert_eq!(options.seed, Some(7));
        assert_eq!(
            options.broker_configs,
            vec![("min.insync.replicas".to_owned(), "2".to_owned())]
        );
    }

    #[test]
    fn a_bracketed_value_keeps_its_commas() {
        let options =
            parse("broker.log.cleanup.policy=[compact,delete], brokers=1").expect("valid");
        assert_eq!(
            options.broker_configs,
            vec![("log.cleanup.policy".to_owned(), "compact,delete".to_owned())]
        );
        assert_eq!(options.brokers, Some(1));
        assert!(parse("broker.x=[a,b").unwrap_err().contains("not closed"));
        assert!(parse("broker.x=a]")
            .unwrap_err()
            .contains("without its '['"));
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse("broker=3")
            .unwrap_err()
            .contains("unknown cluster option `broker`"));
        assert!(parse("brokers").unwrap_err().contains("not `key=value`"));
        assert!(parse("brokers=10").unwrap_err().contains("from 1 to 9"));
        assert!(parse("brokers=three").unwrap_err().contains("from 1 to 9"));
        assert!(parse("mode=zk").unwrap_err().contains("kraft or zookeeper"));
        assert!(parse("truncation=hw").unwrap_err().contains("leader-epoch"));
        assert!(parse("latency-ms=-1")
            .unwrap_err()
            .contains("from 0 to 60000"));
        assert!(parse("seed=-1").unwrap_err().contains("whole number"));
        assert!(parse("seed=1, seed=2").unwrap_err().contains("given twice"));
        assert!(parse("brokers=").unwrap_err().contains("has no value"));
        assert!(parse("broker.=1")
            .unwrap_err()
            .contains("not a config name"));
        assert!(parse("broker.a b=1")
            .unwrap_err()
            .contains("not a config name"));
    }
}
