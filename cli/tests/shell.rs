//! The shell as the web terminal uses it: completion, help, version, incomplete input, a
//! console consumer in a group, and a line's commands and events recorded for a replaying page.

use kplay_cli::{Shell, Status, Stream};
use kplay_core::{ClusterConfig, Command, EventKind};

fn shell() -> Shell {
    let mut shell = Shell::with_config(ClusterConfig::default(), 1).expect("cluster");
    let output = shell.run_line("kafka-topics --create --topic orders --partitions 2 --replication-factor 1\nkafka-topics --create --topic payments --partitions 1 --replication-factor 1\nkplay producer start p1\nkplay consumer start c1 --topic orders --group g1");
    assert_eq!(output.status, Status::Ok, "{}", output.text());
    shell
}

fn complete(shell: &Shell, line: &str) -> Vec<String> {
    shell.complete(line, line.len())
}

#[test]
fn completion_offers_commands_options_and_names() {
    let shell = shell();
    assert_eq!(complete(&shell, "kafka-to"), ["kafka-topics"]);
    assert!(complete(&shell, "kafka-topics --cr").contains(&"--create".to_string()));
    assert_eq!(
        complete(&shell, "kafka-topics --describe --topic pa"),
        ["payments"]
    );
    assert_eq!(complete(&shell, "kafka-console-consumer --group "), ["g1"]);
    assert!(complete(
        &shell,
        "kafka-configs --alter --topic orders --add-config retention."
    )
    .contains(&"retention.ms=".to_string()));
    assert!(complete(
        &shell,
        "kafka-configs --alter --entity-type brokers --entity-name 1 --add-config log.retention."
    )
    .contains(&"log.retention.ms=".to_string()));
    assert_eq!(
        complete(
            &shell,
            "kafka-configs --alter --entity-type clients --entity-name shop --add-config pro"
        ),
        ["producer_byte_rate="]
    );
    assert!(
        complete(&shell, "kafka-console-producer --producer-property ac")
            .contains(&"acks=".to_string())
    );
    assert_eq!(
        complete(
            &shell,
            "kafka-transactions --bootstrap-server localhost:9092 de"
        ),
        ["describe", "describe-producers"]
    );
    assert_eq!(complete(&shell, "kafka-get-off"), ["kafka-get-offsets"]);
    assert_eq!(
        complete(&shell, "kafka-get-offsets --time max"),
        ["max-timestamp"]
    );
    assert!(
        complete(&shell, "kafka-get-offsets --topic-p").contains(&"--topic-partitions".to_string())
    );
    assert_eq!(complete(&shell, "kplay bro"), ["broker"]);
    assert_eq!(complete(&shell, "kplay broker st"), ["start", "stop"]);
    assert_eq!(complete(&shell, "kplay consumer poll "), ["c1"]);
    assert_eq!(complete(&shell, "kplay produce "), ["p1"]);
    assert_eq!(
        complete(&shell, "kplay consumer start c2 --assignor co"),
        ["cooperative-sticky"]
    );
    assert!(complete(&shell, "").contains(&"kplay".to_string()));
    assert_eq!(shell.complete("kafka-topics --list", 8), ["kafka-topics"]);
}

#[test]
fn every_tool_and_verb_answers_help() {
    let mut shell = shell();
    for line in [
        "help",
        "kafka-topics --help",
        "kafka-console-producer.sh --help",
        "kafka-console-consumer --help",
        "kafka-consumer-groups --help",
        "kafka-configs --help",
        "kafka-leader-election --help",
        "kafka-get-offsets --help",
        "kplay --help",
        "kplay broker --help",
        "kplay consumer --help",
        "kplay produce --help",
        "help min.insync.replicas",
    ] {
        let output = shell.run_line(line);
        assert_eq!(output.status, Status::Ok, "{line}");
        assert!(output.stream(Stream::Stdout).len() > 40, "{line}");
    }
    assert!(shell
        .run_line("kafka-console-consumer --help")
        .text()
        .contains("reads what is available and returns"));
    assert!(shell
        .run_line("kafka-console-producer --help")
        .text()
        .contains("not a real timestamp"));
    assert_eq!(shell.run_line("kafka-configs --version").text(), "4.1.0\n");
}

#[test]
fn a_here_document_spanning_lines_waits_for_its_end() {
    assert!(kplay_cli::is_incomplete(
        "kafka-console-producer --topic orders <<EOF\na\n"
    ));
    assert!(!kplay_cli::is_incomplete(
        "kafka-console-producer --topic orders <<EOF\na\nEOF\n"
    ));
}

#[test]
fn a_group_console_consumer_commits_and_leaves_before_it_returns() {
    let mut shell = shell();
    shell.run_line("echo hi | kafka-console-producer --topic orders");
    let output =
        shell.run_line("kafka-console-consumer --topic orders --group g2 --from-beginning");
    assert_eq!(output.text(), "hi\nProcessed a total of 1 messages\n");
    // close() committed and left: the group is Empty with no lag, at once.
    let described = shell.run_line("kafka-consumer-groups --describe --group g2");
    assert_eq!(
        described.stream(Stream::Stderr),
        "\nConsumer group 'g2' has no active members.\n"
    );
    let rows: Vec<Vec<String>> = described
        .stream(Stream::Stdout)
        .lines()
        .skip(2)
        .map(|line| line.split_whitespace().map(str::to_string).collect())
        .collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|row| row[5] == "0"), "{rows:?}");
    let again = shell.run_line("kafka-console-consumer --topic orders --group g2 --from-beginning");
    assert_eq!(again.text(), "Processed a total of 0 messages\n");
}

#[test]
fn trace_and_status_show_what_happened() {
    let mut shell = shell();
    let trace = shell.run_line("kplay trace 2").text();
    assert_eq!(trace.lines().count(), 2);
    assert!(trace.starts_with("t="));
    let explained = shell.run_line("kplay trace 1 --explain").text();
    assert!(explained.starts_with("t="));
    let status = shell.run_line("kplay status").text();
    assert!(
        status.contains("consumer c1: running, group g1"),
        "{status}"
    );
}

#[test]
fn a_recorded_line_returns_the_commands_the_cluster_accepted_and_their_events() {
    let mut shell = shell();
    let recorded = shell.run_line_recording("kplay produce p1 orders --key alice hello");
    assert!(matches!(
        recorded.commands.as_slice(),
        [Command::Produce { producer, record }] if producer == "p1" && record.key.as_deref() == Some("alice")
    ));

    // The new producer first fetches metadata: the record is acknowledged as time passes.
    let time = shell.run_line_recording("kplay time advance 1s");
    assert!(time.commands.is_empty());
    assert!(time
        .events
        .iter()
        .any(|event| matches!(event.kind, EventKind::ProduceAcknowledged { .. })));

    let refused = shell.run_line_recording("kafka-topics --delete --topic missing");
    assert!(refused.commands.is_empty(), "{:?}", refused.commands);
    assert!(
        refused.output.text().contains("does not exist"),
        "{}",
        refused.output.text()
    );

    // Recording stops with the line: later lines are not kept.
    shell.run_line("kplay produce p1 orders --key bob hello");
    assert!(shell
        .run_line_recording("kplay time advance 1ms")
        .commands
        .is_empty());
}
