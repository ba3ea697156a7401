use kplay_cli::Shell;
use kplay_core::ClusterConfig;

#[test]
fn debug() {
    let mut shell = Shell::with_config(ClusterConfig::default(), 1).unwrap();
    println!("now={} next={:?}", shell.cluster.now_ms(), shell.cluster.next_occurrence_ms());
    print!("{}", shell.run_line("kafka-topics --create --topic orders --partitions 3 --replication-factor 3").text());
    println!("now={} next={:?}", shell.cluster.now_ms(), shell.cluster.next_occurrence_ms());
    let n = shell.events().len();
    print!("{}", shell.run_line("echo a | kafka-console-producer --topic orders").text());
    println!("now={} next={:?} events={}", shell.cluster.now_ms(), shell.cluster.next_occurrence_ms(), shell.events().len() - n);
    let n = shell.events().len();
    print!("{}", shell.run_line("kafka-console-consumer --topic orders --from-beginning").text());
    println!("now={} next={:?}", shell.cluster.now_ms(), shell.cluster.next_occurrence_ms());
    for e in &shell.events()[n..] { println!("{}", e.trace_line()); }
}
