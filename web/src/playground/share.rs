//! Sessions as text: a `.kplay` script file (export and import) and the compact form in the
//! URL (the same script, deflated and base64url-encoded after the route: `#/sandbox?s=...`).
//!
//! The file is a plain kplay script the `kplay` binary can run, with the cluster named in a
//! comment and the setup and the learner's actions in two sections:
//!
//! ```text
//! # Kafka Playground session
//! # cluster: brokers=3,mode=kraft,latency-ms=2,seed=7
//! # setup
//! kafka-topics --bootstrap-server localhost:9092 --create --topic orders ...
//! # actions
//! kplay produce p1 orders --key alice hello
//! kplay time advance 250ms
//! ```
//!
//! Anything read back is untrusted (a tampered link, an edited file): every error is a sentence
//! for the learner, never a panic.

use kplay_cli::is_incomplete;
use kplay_core::ClusterConfig;

use super::cluster_options;
use super::session::{Input, Session};

/// The first line of a session file.
pub const TITLE: &str = "# Kafka Playground session";
const CLUSTER_PREFIX: &str = "# cluster:";
const SETUP_MARK: &str = "# setup";
const ACTIONS_MARK: &str = "# actions";
/// The URL query parameter carrying a session.
pub const URL_PARAMETER: &str = "s";
/// A decoded link may not expand beyond this many bytes.
const MAX_SCRIPT_BYTES: usize = 2_000_000;

/// A session's definition, as read from a file or a link.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionText {
    pub config: ClusterConfig,
    pub seed: u64,
    pub setup: String,
    pub inputs: Vec<Input>,
}

impl SessionText {
    /// The definition of a session.
    pub fn of(session: &Session) -> SessionText {
        SessionText {
            config: session.config().clone(),
            seed: session.seed(),
            setup: session.setup().to_owned(),
            inputs: session.all_inputs(),
        }
    }

    /// The session it describes, replayed to its end.
    pub fn replay(self) -> Result<Session, String> {
        Session::replay(self.config, self.seed, &self.setup, self.inputs)
    }

    /// The session it describes, its inputs queued to replay (see [`Session::replaying`]).
    pub fn replaying(self) -> Result<Session, String> {
        Session::replaying(self.config, self.seed, &self.setup, self.inputs)
    }
}

/// The script file of a session.
pub fn to_script(text: &SessionText) -> String {
    let mut script = String::new();
    script.push_str(TITLE);
    script.push('\n');
    script.push_str(&format!(
        "{CLUSTER_PREFIX} {}\n",
        cluster_options::format(&text.config, text.seed)
    ));
    script.push_str(&format!(
        "# replay with: kplay --seed {} --brokers {} <this file>\n",
        text.seed, text.config.brokers
    ));
    script.push_str(SETUP_MARK);
    script.push('\n');
    for line in text.setup.lines() {
        script.push_str(line);
        script.push('\n');
    }
    script.push_str(ACTIONS_MARK);
    script.push('\n');
    for input in &text.inputs {
        script.push_str(&input.script_line());
        script.push('\n');
    }
    script
}

/// Reads a script file back. Lines outside the sections (and comments) are ignored; a file
/// without sections is all actions, on the default cluster.
pub fn from_script(script: &str) -> Result<SessionText, String> {
    let mut options: Option<&str> = None;
    let mut setup = String::new();
    let mut actions: Vec<String> = Vec::new();
    let mut section = Section::Actions;
    let mut pending = String::new();
    for line in script.lines() {
        if pending.is_empty() {
            let trimmed = line.trim();
            if let Some(rest) = trimmed.strip_prefix(CLUSTER_PREFIX) {
                options = Some(rest.trim());
                continue;
            }
            if trimmed == SETUP_MARK {
                section = Section::Setup;
                continue;
            }
            if trimmed == ACTIONS_MARK {
                section = Section::Actions;
                continue;
            }
            if section == Section::Setup {
                setup.push_str(line);
                setup.push('\n');
                continue;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
        }
        pending.push_str(line);
        pending.push('\n');
        if !is_incomplete(&pending) {
            actions.push(pending.trim_end_matches('\n').to_owned());
            pending.clear();
        }
    }
    if !pending.is_empty() {
        return Err("its last command is not finished (an open quote or here-document)".to_owned());
    }
    let (config, seed) = cluster_options::parse(options.unwrap_or(""))?;
    let inputs = actions
        .into_iter()
        .map(|line| Input::from_line(&line))
        .collect();
    Ok(SessionText {
        config,
        seed,
        setup,
        inputs,
    })
}

#[derive(PartialEq)]
enum Section {
    Setup,
    Actions,
}

/// The URL-safe form: deflate, then base64url without padding.
pub fn encode_for_url(script: &str) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(script.as_bytes(), 9);
    base64url_encode(&compressed)
}

/// Reads [`encode_for_url`]'s output back.
pub fn decode_from_url(text: &str) -> Result<String, String> {
    let bytes = base64url_decode(text)
        .ok_or("the link is damaged (it is not valid base64url text)".to_owned())?;
    let script = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_SCRIPT_BYTES)
        .map_err(|_| "the link is damaged (its compressed session does not unpack)".to_owned())?;
    String::from_utf8(script).map_err(|_| "the link is damaged (it is not text)".to_owned())
}

/// The value of `s=` in a URL fragment like `#/sandbox?s=...`, if any.
pub fn session_parameter(hash: &str) -> Option<&str> {
    let query = hash.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(URL_PARAMETER)?.strip_prefix('='))
}

/// The fragment of a page with a session: `#/sandbox?s=...`.
pub fn fragment_with_session(route: &str, encoded: &str) -> String {
    format!("#{route}?{URL_PARAMETER}={encoded}")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            text.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    text
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for c in text.bytes() {
        let value = ALPHABET.iter().position(|a| *a == c)? as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be padding zeros of a whole encoding (never 6 bits alone).
    (bits < 6 && buffer == 0).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SessionText {
        SessionText {
            config: ClusterConfig::default(),
            seed: 11,
            setup: "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 3 --replication-factor 3\nkplay producer start p1\n".to_owned(),
            inputs: vec![
                Input::Line("kplay produce p1 orders --key '<script>' 'a b'".to_owned()),
                Input::Advance(1_250),
                Input::Line("kafka-console-producer --bootstrap-server localhost:9092 --topic orders <<EOF\nx\ny\nEOF".to_owned()),
                Input::Advance(60_000),
            ],
        }
    }

    #[test]
    fn a_script_reads_back_to_the_same_session() {
        let text = sample();
        let script = to_script(&text);
        assert!(script.contains("kplay time advance 1250ms"));
        assert_eq!(from_script(&script).expect("valid"), text);
    }

    #[test]
    fn the_url_form_round_trips_and_is_compact() {
        let script = to_script(&sample());
        let encoded = encode_for_url(&script);
        assert!(encoded.len() < script.len());
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode_from_url(&encoded).expect("valid"), script);
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for length in 0..20u8 {
            let bytes: Vec<u8> = (0..length).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn damaged_links_are_explained() {
        for text in ["%%%", "A", "AAAA", "not+base64/"] {
            let error = decode_from_url(text).unwrap_err();
            assert!(error.starts_with("the link is damaged"), "{text}: {error}");
        }
    }

    #[test]
    fn bad_files_are_explained() {
        assert!(from_script("# cluster: brokers=99\n")
            .unwrap_err()
            .contains("1 to 9"));
        assert!(from_script("kplay produce p1 t 'open\n")
            .unwrap_err()
            .contains("not finished"));
    }

    #[test]
    fn the_session_parameter_is_found_after_the_route() {
        assert_eq!(session_parameter("#/sandbox?s=abc"), Some("abc"));
        assert_eq!(session_parameter("#/lessons/x?y=1&s=abc"), Some("abc"));
        assert_eq!(session_parameter("#/sandbox"), None);
        assert_eq!(fragment_with_session("/sandbox", "abc"), "#/sandbox?s=abc");
    }
}
