//! Malformed lines: the error names the line, the offending word and what was expected, and
//! nothing runs; the `kplay` binary exits with code 2.

use std::io::Write;
use std::process::{Command, Stdio};

use kplay_cli::{Script, Shell, Status};
use kplay_core::ClusterConfig;

fn error(text: &str) -> kplay_cli::ParseError {
    Script::parse(text).expect_err("should not parse")
}

#[test]
fn a_misspelt_option_names_the_line_the_word_and_the_likely_option() {
    let error =
        error("# setup\nkafka-topics --list\nkafka-topics --create --topic t --partitons 3\n");
    assert_eq!(error.line, 3);
    assert_eq!(error.word, "--partitons");
    assert_eq!(
        error.to_string(),
        "line 3: unknown option --partitons for kafka-topics (did you mean --partitions?)"
    );
}

#[test]
fn unknown_commands_and_verbs_suggest_the_closest() {
    let unknown = error("kafka-topic --list");
    assert_eq!(unknown.word, "kafka-topic");
    assert!(
        unknown.message.contains("did you mean kafka-topics?"),
        "{}",
        unknown.message
    );
    let verb = error("kplay brokr stop 1");
    assert_eq!(verb.word, "brokr");
    assert!(verb.message.contains("did you mean broker?"));
}

#[test]
fn kafka_usage_errors_are_parse_errors_with_kafkas_words() {
    let cases = [
        ("kafka-topics --create --list --topic t", "Command must include exactly one action"),
        ("kafka-topics --create", "kafka-topics --create needs --topic"),
        ("kafka-topics --alter --topic t", "needs --partitions"),
        ("kafka-topics --alter --topic t --partitions 2 --config a=b", "To alter topic configurations, the kafka-configs tool can be used."),
        ("kafka-topics --create --topic t --partitions x", "expects an integer, not 'x'"),
        ("kafka-topics --create --topic t --config novalue", "Invalid topic config"),
        ("kafka-topics --create --topic t --replica-assignment 1:2 --partitions 1", "Option \"[replica-assignment]\" can't be used with option \"[partitions]\""),
        ("kafka-topics --create --topic t --replica-assignment 1:2 --replication-factor 2", "Option \"[replica-assignment]\" can't be used with option \"[replication-factor]\""),
        ("kafka-topics --describe --topic t --replica-assignment 1:2", "Option \"[replica-assignment]\" can't be used with option \"[describe]\""),
        ("kafka-topics --alter --topic t --partitions 3 --replica-assignment 1,2,3", "--replica-assignment works with --create only"),
        ("kafka-console-consumer --topic t --offset 3", "The partition is required when offset is specified."),
        ("kafka-console-consumer --topic t --group g --partition 0", "Options group and partition cannot be specified together."),
        ("kafka-console-consumer --topic t --from-beginning --consumer-property auto.offset.reset=latest", "Can't simultaneously specify --from-beginning"),
        ("kafka-console-consumer --topic t --partition 0 --offset -2", "The provided offset value '-2' is incorrect."),
        ("kafka-console-consumer --from-beginning", "Exactly one of the following arguments is required: [topic], [include]"),
        ("kafka-console-consumer --topic t --include 't.*'", "Exactly one of the following arguments is required: [topic], [include]"),
        ("kafka-console-consumer --include 't.*' --partition 0", "The topic is required when partition is specified."),
        ("kafka-console-producer --topic t", "needs its input"),
        ("kafka-leader-election --election-type preferred --path-to-json-file p.json", "files are not available in the playground: use --path-to-json-file /dev/stdin"),
        ("kafka-leader-election --election-type preferred --path-to-json-file /dev/stdin", "--path-to-json-file /dev/stdin reads standard input"),
        ("echo '{}' | kafka-leader-election --election-type preferred --topic t --path-to-json-file /dev/stdin", "One and only one of the following options is required"),
        ("kafka-delete-records --bootstrap-server b:9092", "Missing required argument \"[offset-json-file]\""),
        ("kafka-delete-records --offset-json-file offsets.json", "files are not available in the playground: use --offset-json-file /dev/stdin"),
        ("kafka-delete-records --offset-json-file /dev/stdin", "reads standard input: give the JSON with a here-document"),
        ("kafka-delete-records --offset-json-file /dev/stdin --command-config admin.properties", "command-config"),
        ("echo '{}' | kafka-topics --list", "kafka-console-producer does, kafka-delete-records and kafka-leader-election read a JSON file given as /dev/stdin, and curl reads --data @-"),
        ("curl", "curl: no URL specified!"),
        ("curl -X", "curl: option -X: requires parameter"),
        ("curl --data @orders.json http://localhost:8081/subjects/o/versions", "the playground has no files"),
        ("curl -v http://localhost:8081/subjects", "curl: option -v: is unknown here"),
        ("curl http://localhost:8081/subjects http://localhost:8081/config", "one URL at a time"),
        ("kafka-configs --describe --alter --topic t", "exactly one action: --describe, --alter"),
        ("kafka-configs --alter --entity-type topics --add-config a=b", "An entity name must be specified with --alter of topics"),
        ("kafka-configs --alter --topic t", "At least one of --add-config, --add-config-file, or --delete-config"),
        ("kafka-configs --describe --entity-type brokers --entity-name one", "must be a valid integer broker id"),
        ("kafka-configs --describe --entity-type ips", "not modelled"),
        ("kafka-configs --alter --entity-type users --entity-name alice --entity-type clients --add-config producer_byte_rate=1", "An entity name must be specified for every entity type"),
        ("kafka-configs --describe --entity-type users --entity-name a --entity-name b", "More entity names specified than entity types"),
        ("kafka-configs --alter --entity-type users --entity-name a --entity-name b --add-config producer_byte_rate=1", "An entity name must be specified for every entity type"),
        ("kafka-configs --alter --entity-type topics --entity-name a --entity-name b --add-config retention.ms=1", "An entity name must be specified for every entity type"),
        ("kafka-configs --describe --entity-type users --entity-type topics", "Only 'users' and 'clients' entity types may be specified together"),
        ("kafka-configs --describe --user alice --user-defaults", "Duplicate entity type(s) specified: users"),
        ("kafka-configs --alter --user-defaults --entity-type clients --add-config producer_byte_rate=1", "should not be used in conjunction with specific entity flags"),
        ("kafka-consumer-groups --describe", "takes one of these options"),
        ("kafka-consumer-groups --reset-offsets --group g --topic t", "requires one of the following scenarios"),
        ("kafka-consumer-groups --reset-offsets --group g --to-earliest", "One of the reset scopes should be defined"),
        ("kafka-consumer-groups --reset-offsets --group g --topic t --to-earliest --to-latest", "can't be used with option"),
        ("kafka-consumer-groups --reset-offsets --group g --topic t --to-earliest --dry-run --execute", "only accepts one of"),
        ("kafka-consumer-groups --list --state nonsense", "Invalid state list 'nonsense'"),
        ("kafka-consumer-groups --describe --group g --members --offsets", "takes at most one of these options"),
        ("kafka-leader-election --election-type preferred", "One and only one of the following options is required"),
        ("kafka-leader-election --election-type sideways --all-topic-partitions", "Cannot parse argument 'sideways'"),
        ("kafka-get-offsets --command-config admin.properties", "does not model"),
        ("kafka-acls --topic t", "exactly one action: --list, --add, --remove"),
        ("kafka-acls --add --allow-principal User:a --operation Read --cluster", "ResourceType CLUSTER only supports operations [CREATE"),
        ("kafka-acls --add --topic t", "You must specify one of: --allow-principal, --deny-principal"),
        ("kafka-acls --add --allow-principal User:a", "You must provide at least one resource"),
        ("kafka-acls --add --allow-principal User:a --operation Fly --topic t", "Unknown operation Fly"),
        ("kafka-acls --list --producer", "Option \"list\" can't be used with option \"producer\""),
        ("kafka-acls --add --allow-principal alice --topic t", "expected a string in format principalType:principalName"),
        ("kafka-acls --add --allow-principal User:a --topic t --resource-pattern-type any", "'ANY' is not valid when adding acls"),
        ("kafka-acls --add --allow-principal User:a --allow-host 10.0.0.1 --topic t", "no host addresses"),
        ("kafka-acls --add --allow-principal User:a --consumer --topic t", "With --consumer you must specify a --topic and a --group"),
        ("kafka-acls --add --allow-principal User:a --producer --operation Read --topic t", "Option \"producer\" can't be used with option \"operation\""),
        ("kafka-acls --list --principal User:a --add", "exactly one action"),
        ("kafka-acls --add --principal User:a --topic t --allow-principal User:a", "only available if --list is set"),
        ("kafka-acls --add --allow-principal User:a --idempotent --topic t", "only available if --producer is set"),
        ("kafka-acls --list --command-config admin.properties", "does not model"),
        ("kafka-get-offsets --topic t extra", "unexpected argument 'extra'"),
        ("kafka-get-offsets --time", "requires an argument"),
        ("kplay consumer start c --topic t --member-id m", "the group coordinator assigns member ids"),
        ("kplay consumer start c --pattern a --pattern b --group g", "one --pattern only"),
        ("kplay consumer start c --pattern a --topic t --group g", "subscribe to topics (--topic) or to a pattern (--pattern), or assign (--partition): one of them"),
        ("kplay consumer start c --topic t --partition t:0", "subscribe to topics (--topic) or to a pattern (--pattern), or assign (--partition): one of them"),
        ("kplay consumer start c --group g", "expected --topic T or --pattern REGEX (subscribe), or --partition T:P (assign)"),
        ("kplay time advance soon", "expected a duration"),
        ("kplay network cut 1,2", "expected the nodes of the other side"),
        ("kplay produce p t", "expected a value"),
        ("echo a ; echo b", "one command per line"),
        ("echo a > file", "not supported"),
        ("kafka-topics --list | kafka-topics --list", "cannot feed a pipe"),
        ("echo a | kafka-topics --list", "does not read input"),
    ];
    for (line, expected) in cases {
        let error = error(line);
        assert_eq!(error.line, 1, "{line}");
        assert!(
            error.message.contains(expected),
            "{line}: {}",
            error.message
        );
    }
}

#[test]
fn an_unclosed_quote_or_here_document_is_incomplete() {
    assert!(error("echo 'open").incomplete);
    let heredoc = error("kafka-console-producer --topic t <<EOF\na\n");
    assert!(heredoc.incomplete);
    assert_eq!(heredoc.line, 1);
}

#[test]
fn a_malformed_script_runs_nothing() {
    let mut shell = Shell::with_config(ClusterConfig::default(), 1).expect("cluster");
    let output =
        shell.run_line("kafka-topics --create --topic t\nkafka-topics --crate --topic u\n");
    assert_eq!(output.status, Status::ParseError);
    assert!(shell.cluster.topic_names().is_empty());
    assert_eq!(
        output.text(),
        "line 2: unknown option --crate for kafka-topics (did you mean --create?)\n"
    );
}

fn run_binary(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kplay runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write");
    let output = child.wait_with_output().expect("kplay ends");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_binary_exits_2_on_a_parse_error_and_runs_nothing() {
    let (code, stdout, stderr) = run_binary(
        &[],
        "kafka-topics --create --topic t\nkafka-topics --list --bogus\n",
    );
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(stderr, "line 2: unknown option --bogus for kafka-topics\n");
}

#[test]
fn the_binary_runs_stdin_and_a_file_and_exits_0_after_kafka_errors() {
    let script = "kafka-topics --create --topic t --partitions 1\nkafka-topics --create --topic t\nkafka-topics --list\n";
    let (code, stdout, _) = run_binary(&["--seed", "7", "--brokers", "1"], script);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "Created topic t.\nError while executing topic command : Topic 't' already exists.\nt\n"
    );
    let path = std::env::temp_dir().join(format!("kplay-binary-test-{}.kplay", std::process::id()));
    std::fs::write(&path, script).expect("write script");
    let (code, file_stdout, _) = run_binary(
        &[
            "--brokers",
            "1",
            "--zookeeper",
            path.to_str().expect("path"),
        ],
        "",
    );
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, 0);
    assert_eq!(file_stdout, stdout);
}
