//! Property tests: random bytes and random sequences of the language's own words never panic
//! the parser or the shell.

use kplay_cli::{Script, Shell};
use kplay_core::ClusterConfig;
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "kafka-topics",
    "kafka-console-producer",
    "kafka-console-consumer",
    "kafka-consumer-groups",
    "kafka-configs",
    "kafka-leader-election",
    "kafka-get-offsets",
    "kafka-transactions",
    "curl",
    "-X",
    "PUT",
    "--json",
    "-d",
    "-i",
    "http://localhost:8081/subjects/t-value/versions",
    "http://localhost:8081/config/t-value",
    "http://localhost:8081/compatibility/subjects/t-value/versions/latest?verbose=true",
    r#"{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}"#,
    r#"{"compatibility":"FORWARD"}"#,
    "kplay",
    "echo",
    "printf",
    "sleep",
    "help",
    "cat",
    "--create",
    "--list",
    "--describe",
    "--alter",
    "--delete",
    "--topic",
    "t",
    "orders",
    "--partitions",
    "--replication-factor",
    "1",
    "2",
    "3",
    "0",
    "-1",
    "--config",
    "retention.ms=10",
    "--if-exists",
    "--if-not-exists",
    "--under-replicated-partitions",
    "--unavailable-partitions",
    "--property",
    "parse.key=true",
    "print.key=true",
    "key.separator=:",
    "--from-beginning",
    "--group",
    "g",
    "--partition",
    "--offset",
    "earliest",
    "--max-messages",
    "--timeout-ms",
    "--reset-offsets",
    "--to-earliest",
    "--shift-by",
    "--execute",
    "--dry-run",
    "--all-topics",
    "--members",
    "--state",
    "--verbose",
    "--entity-type",
    "topics",
    "brokers",
    "--entity-name",
    "--entity-default",
    "--add-config",
    "--delete-config",
    "--election-type",
    "preferred",
    "unclean",
    "--all-topic-partitions",
    "--time",
    "max-timestamp",
    "--topic-partitions",
    "t:0-2",
    "--exclude-internal-topics",
    "broker",
    "stop",
    "start",
    "shutdown",
    "network",
    "isolate",
    "rejoin",
    "cut",
    "repair",
    "1,2",
    "heal",
    "hold",
    "release",
    "delay",
    "200ms",
    "time",
    "advance",
    "30s",
    "producer",
    "produce",
    "consumer",
    "poll",
    "commit",
    "crash",
    "seek",
    "t:0",
    "init-transactions",
    "begin-transaction",
    "commit-transaction",
    "abort-transaction",
    "send-offsets",
    "transactional.id=x",
    "--producer-property",
    "describe",
    "describe-producers",
    "--transactional-id",
    "x",
    "--isolation-level",
    "read_committed",
    "workload",
    "--rate",
    "10",
    "replicas",
    "trace",
    "status",
    "p",
    "c",
    "--key",
    "k",
    "v",
    "|",
    "<<EOF",
    "EOF",
    "'",
    "\"",
    "\\",
    "#",
    "\n",
    "--help",
    "--version",
    "-n",
];

fn shell() -> Shell {
    Shell::with_config(ClusterConfig::default(), 3).expect("cluster")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Script::parse(&text);
        let _ = kplay_cli::is_incomplete(&text);
    }

    #[test]
    fn random_token_sequences_never_panic_the_shell(
        lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(WORDS), 1..10), 1..6)
    ) {
        let mut shell = shell();
        for line in lines {
            let text = line.join(" ");
            let _ = shell.run_line(&text);
            let _ = shell.complete(&text, text.len());
        }
    }
}
