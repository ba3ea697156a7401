//! The five actions of `kafka-reassign-partitions` against the shell's cluster: what each
//! asks the cluster, in the order `ReassignPartitionsCommand` asks it, and what it prints.

use kplay_core::config::value::java_string_hash;
use kplay_core::config::ConfigSource;
use kplay_core::view::cluster::PartitionView;
use kplay_core::{BrokerId, Command, ConfigResource, TopicPartition};

use super::generate::generate;
use super::plan::{self, Target};
use super::{sort_partitions, ReassignArgs};
use crate::output::Output;
use crate::shell::Shell;
use crate::tools::{admin_call_timeout, hash_map_order, java_hash_order, TIMEOUT_EXCEPTION};

const CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE: &str = "Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.";

/// The exception for a topic or partition DescribeTopics does not find.
pub(super) const UNKNOWN_TOPIC: &str =
    "org.apache.kafka.common.errors.UnknownTopicOrPartitionException";

/// The topic-level throttle configs `clearTopicLevelThrottles` deletes.
const TOPIC_LEVEL_THROTTLES: [&str; 2] = [
    "leader.replication.throttled.replicas",
    "follower.replication.throttled.replicas",
];

/// Runs the tool.
pub fn run(shell: &mut Shell, args: &ReassignArgs) -> Output {
    let mut output = Output::new();
    let result = match args {
        ReassignArgs::Generate {
            topics_json,
            broker_list,
        } => generate(shell, &mut output, topics_json, broker_list),
        ReassignArgs::Execute { json, additional } => {
            execute(shell, &mut output, json, *additional)
        }
        ReassignArgs::Verify {
            json,
            preserve_throttles,
        } => verify(shell, &mut output, json, *preserve_throttles),
        ReassignArgs::Cancel {
            json,
            preserve_throttles,
        } => cancel(shell, &mut output, json, *preserve_throttles),
        ReassignArgs::List => list(shell, &mut output),
    };
    if let Err(failure) = result {
        output.println(failure.text());
    }
    output
}

/// How the tool ends early, as its `main` prints it.
pub(super) enum Failure {
    /// A `TerseException`: its message alone.
    Terse(String),
    /// Any other exception: `Error: ` and its message (the stack trace is left out).
    Error(String),
}

impl Failure {
    fn text(&self) -> String {
        match self {
            Failure::Terse(message) => message.clone(),
            Failure::Error(message) => format!("Error: {message}"),
        }
    }
}

pub(super) type Outcome = Result<(), Failure>;

/// A partition's reassignment under way, as ListPartitionReassignments reports it.
struct Reassigning {
    partition: TopicPartition,
    replicas: Vec<BrokerId>,
    adding: Vec<BrokerId>,
    removing: Vec<BrokerId>,
}

/// `executeAssignment`: the file's checks, the refusal while a reassignment is under way
/// (without `--additional`), the brokers and partitions looked up, the rollback JSON, then one
/// AlterPartitionReassignments for every partition.
fn execute(shell: &mut Shell, output: &mut Output, json: &str, additional: bool) -> Outcome {
    let targets = plan::parse_reassignment(json).map_err(Failure::Error)?;
    plan::check_execute(&targets).map_err(Failure::Error)?;
    refuse_log_dirs(&targets)?;
    reach_a_broker(shell, "listPartitionReassignments")?;
    wait_for_controller(shell)?;
    if !additional && !reassignments(shell).is_empty() {
        return Err(Failure::Terse(
            CANNOT_EXECUTE_BECAUSE_OF_EXISTING_MESSAGE.to_string(),
        ));
    }
    verify_broker_ids(shell, &targets)?;
    let current = current_replicas(shell, &targets)?;
    output.println(format!(
        "Current partition replica assignment\n\n{}\n\nSave this to use as the --reassignment-json-file option during rollback",
        plan::format_reassignment(&current)
    ));
    let mut sorted: Vec<&Target> = targets.iter().collect();
    sort_partitions(&mut sorted, |target| &target.partition);
    let mut errors: Vec<String> = Vec::new();
    for target in &sorted {
        let command = Command::AlterPartitionReassignment {
            partition: target.partition.clone(),
            replicas: Some(target.replicas.iter().map(|id| BrokerId(*id)).collect()),
        };
        if let Err(error) = shell.apply(command) {
            errors.push(format!("{}: {}", target.partition, error.message));
        }
    }
    if !errors.is_empty() {
        return Err(Failure::Terse(format!(
            "Error reassigning partition(s):\n{}",
            errors.join("\n")
        )));
    }
    output.println(format!(
        "Successfully started partition reassignment{} for {}",
        plural(sorted.len()),
        join(sorted.iter().map(|target| &target.partition), ",")
    ));
    Ok(())
}

/// `verifyAssignment`: each partition's state, then the throttles cleared once no
/// reassignment is under way anywhere in the cluster (not only those of the file).
fn verify(shell: &mut Shell, output: &mut Output, json: &str, preserve_throttles: bool) -> Outcome {
    let targets = plan::parse_reassignment(json).map_err(Failure::Error)?;
    refuse_log_dirs(&targets)?;
    reach_a_broker(shell, "listPartitionReassignments")?;
    wait_for_controller(shell)?;
    let under_way = reassignments(shell);
    // `findPartitionReassignmentStates`: a later entry for the same partition replaces one
    // before it.
    let mut states: Vec<(TopicPartition, Vec<i32>, Vec<i32>, bool)> = Vec::new();
    for target in &targets {
        let found = under_way.iter().find(|r| r.partition == target.partition);
        let (current, done) = match found {
            Some(reassigning) => (ids(&reassigning.replicas), false),
            None => (described_replicas(shell, &target.partition)?, true),
        };
        states.retain(|(partition, ..)| *partition != target.partition);
        states.push((
            target.partition.clone(),
            current,
            target.replicas.clone(),
            done,
        ));
    }
    sort_partitions(&mut states, |state| &state.0);
    output.println("Status of partition reassignment:");
    for (partition, current, target, done) in &states {
        let line = match (*done, current == target) {
            (false, _) => format!("Reassignment of partition {partition} is still in progress."),
            (true, true) => format!("Reassignment of partition {partition} is completed."),
            (true, false) => format!(
                "There is no active reassignment of partition {partition}, but replica set is {} rather than {}.",
                join(current, ","),
                join(target, ",")
            ),
        };
        output.println(line);
    }
    // `replicaMoveStatesToString` of no log directory moves: an empty line.
    output.println("");
    if under_way.is_empty() && !preserve_throttles {
        clear_all_throttles(shell, output, &targets);
    }
    Ok(())
}

/// `cancelAssignment`. A partition counts as under way when replicas are being added or
/// removed: the check as fixed after the Java rewrite (apache/kafka#20003); without the fix a
/// reassignment that only adds replicas could not be cancelled.
fn cancel(shell: &mut Shell, output: &mut Output, json: &str, preserve_throttles: bool) -> Outcome {
    let targets = plan::parse_reassignment(json).map_err(Failure::Error)?;
    refuse_log_dirs(&targets)?;
    reach_a_broker(shell, "listPartitionReassignments")?;
    wait_for_controller(shell)?;
    let mut cancelling: Vec<TopicPartition> = reassignments(shell)
        .into_iter()
        .map(|r| r.partition)
        .filter(|partition| targets.iter().any(|t| t.partition == *partition))
        .collect();
    sort_partitions(&mut cancelling, |partition| partition);
    if cancelling.is_empty() {
        output.println("None of the specified partition reassignments are active.");
    } else {
        let mut errors: Vec<String> = Vec::new();
        for partition in &cancelling {
            let command = Command::AlterPartitionReassignment {
                partition: partition.clone(),
                replicas: None,
            };
            if let Err(error) = shell.apply(command) {
                errors.push(format!("{partition}: {}", error.message));
            }
        }
        if !errors.is_empty() {
            return Err(Failure::Terse(format!(
                "Error cancelling partition reassignment{} for:\n{}",
                plural(errors.len()),
                errors.join("\n")
            )));
        }
        output.println(format!(
            "Successfully cancelled partition reassignment{} for: {}",
            plural(cancelling.len()),
            join(&cancelling, ",")
        ));
    }
    // Kafka prints this one without a line break.
    output.print("None of the specified partition moves are active.");
    if !preserve_throttles {
        clear_all_throttles(shell, output, &targets);
    }
    Ok(())
}

/// `listReassignments` (`curReassignmentsToString`).
fn list(shell: &mut Shell, output: &mut Output) -> Outcome {
    reach_a_broker(shell, "listPartitionReassignments")?;
    wait_for_controller(shell)?;
    let under_way = reassignments(shell);
    if under_way.is_empty() {
        output.println("No partition reassignments found.");
        return Ok(());
    }
    output.println("Current partition reassignments:");
    for reassigning in under_way {
        let mut line = format!(
            "{}: replicas: {}.",
            reassigning.partition,
            join(&reassigning.replicas, ",")
        );
        if !reassigning.adding.is_empty() {
            line.push_str(&format!(" adding: {}.", join(&reassigning.adding, ",")));
        }
        if !reassigning.removing.is_empty() {
            line.push_str(&format!(" removing: {}.", join(&reassigning.removing, ",")));
        }
        output.println(line);
    }
    Ok(())
}

/// The playground has no log directories: a file that names one is refused.
fn refuse_log_dirs(targets: &[Target]) -> Outcome {
    match targets
        .iter()
        .find_map(|t| t.named_log_dir().map(|found| (t, found)))
    {
        Some((target, (replica, dir))) => Err(Failure::Terse(format!(
            "The playground does not simulate log directories: replica {replica} of {} names {dir}; use \"any\" in log_dirs, or leave log_dirs out.",
            target.partition
        ))),
        None => Ok(()),
    }
}

/// With no broker to reach, the admin client finds no node for `call` (the action's first
/// admin call) and fails it once `default.api.timeout.ms` has passed: the `TimeoutException`
/// `main` prints as `Error: `.
pub(super) fn reach_a_broker(shell: &mut Shell, call: &str) -> Outcome {
    match admin_call_timeout(shell, call) {
        Some(exception) => Err(Failure::Error(exception)),
        None => Ok(()),
    }
}

/// ListPartitionReassignments goes to the controller: simulated time passes until one is
/// active, or the call times out (see [`Shell::await_controller`]).
fn wait_for_controller(shell: &mut Shell) -> Outcome {
    shell
        .await_controller("listPartitionReassignments")
        .map_err(|error| Failure::Error(format!("{TIMEOUT_EXCEPTION}: {}", error.message)))
}

/// ListPartitionReassignments: every partition with replicas being added or removed, by topic
/// and partition.
fn reassignments(shell: &Shell) -> Vec<Reassigning> {
    shell
        .cluster
        .view()
        .topics
        .into_iter()
        .flat_map(|topic| topic.partitions)
        .filter(PartitionView::is_reassigning)
        .map(|p| Reassigning {
            partition: p.partition,
            replicas: p.replicas,
            adding: p.adding,
            removing: p.removing,
        })
        .collect()
}

/// DescribeCluster's brokers: those the controller has not fenced, that run.
pub(super) fn alive_brokers(shell: &Shell) -> Vec<BrokerId> {
    shell
        .cluster
        .view()
        .brokers
        .into_iter()
        .filter(|broker| broker.up && !broker.fenced)
        .map(|broker| broker.id)
        .collect()
}

/// `verifyBrokerIds`: the first target broker DescribeCluster does not know, in the order of
/// Kafka's `HashSet` of them (filled from its `HashMap` of partitions).
fn verify_broker_ids(shell: &Shell, targets: &[Target]) -> Outcome {
    let mut in_map_order: Vec<&Target> = targets.iter().collect();
    hash_map_order(&mut in_map_order, |target| &target.partition);
    let brokers: Vec<i32> = in_map_order
        .iter()
        .flat_map(|target| target.replicas.iter().copied())
        .collect();
    let alive = alive_brokers(shell);
    let unknown = java_hash_order(brokers, |id| *id)
        .into_iter()
        .find(|id| !alive.contains(&BrokerId(*id)));
    match unknown {
        Some(id) => Err(Failure::Error(format!("Unknown broker id {id}"))),
        None => Ok(()),
    }
}

/// `getReplicasForPartitions`: each target partition's replicas now, or the exception for the
/// first topic missing (in the order of Kafka's `HashMap` of topics) or the partitions missing.
fn current_replicas(
    shell: &Shell,
    targets: &[Target],
) -> Result<Vec<(TopicPartition, Vec<i32>)>, Failure> {
    let topics: Vec<String> = targets.iter().map(|t| t.partition.topic.clone()).collect();
    for topic in java_hash_order(topics, |topic| java_string_hash(topic)) {
        if shell.cluster.topic_view(&topic).is_none() {
            return Err(Failure::Error(format!(
                "{UNKNOWN_TOPIC}: Topic {topic} not found."
            )));
        }
    }
    let mut found = Vec::new();
    let mut missing: Vec<&TopicPartition> = Vec::new();
    for target in targets {
        match replicas_of(shell, &target.partition) {
            Some(replicas) => found.push((target.partition.clone(), replicas)),
            None => missing.push(&target.partition),
        }
    }
    if !missing.is_empty() {
        hash_map_order(&mut missing, |partition| partition);
        return Err(Failure::Error(format!(
            "{UNKNOWN_TOPIC}: Unable to find partition: {}",
            join(&missing, ", ")
        )));
    }
    Ok(found)
}

/// `topicDescriptionFutureToState`'s replicas: none for a topic that does not exist or a
/// partition beyond its count; a partition equal to the count (or negative) ends the tool with
/// the list's `IndexOutOfBoundsException`, as in Kafka.
fn described_replicas(shell: &Shell, partition: &TopicPartition) -> Result<Vec<i32>, Failure> {
    let Some(view) = shell.cluster.topic_view(&partition.topic) else {
        return Ok(Vec::new());
    };
    let count = view.partitions.len() as i32;
    if count < partition.partition {
        return Ok(Vec::new());
    }
    view.partitions
        .iter()
        .find(|p| p.partition.partition == partition.partition)
        .map(|p| ids(&p.replicas))
        .ok_or_else(|| {
            Failure::Error(format!(
                "Index {} out of bounds for length {count}",
                partition.partition
            ))
        })
}

fn replicas_of(shell: &Shell, partition: &TopicPartition) -> Option<Vec<i32>> {
    let view = shell.cluster.topic_view(&partition.topic)?;
    view.partitions
        .iter()
        .find(|p| p.partition == *partition)
        .map(|p| ids(&p.replicas))
}

/// `clearAllThrottles`: the lines it prints, and the topic-level throttle configs deleted
/// from the topics that have them (the playground has no broker-level throttles to clear).
fn clear_all_throttles(shell: &mut Shell, output: &mut Output, targets: &[Target]) {
    let mut brokers: Vec<i32> = alive_brokers(shell).iter().map(|id| id.0).collect();
    brokers.extend(targets.iter().flat_map(|t| t.replicas.iter().copied()));
    let brokers = java_hash_order(brokers, |id| *id);
    output.println(format!(
        "Clearing broker-level throttles on broker{} {}",
        plural(brokers.len()),
        join(&brokers, ",")
    ));
    let topics: Vec<String> = targets.iter().map(|t| t.partition.topic.clone()).collect();
    let topics = java_hash_order(topics, |topic| java_string_hash(topic));
    output.println(format!(
        "Clearing topic-level throttles on topic{} {}",
        plural(topics.len()),
        topics.join(",")
    ));
    for topic in topics {
        let Some(rows) = shell.cluster.describe_topic_configs(&topic) else {
            continue;
        };
        let delete: Vec<String> = rows
            .iter()
            .filter(|row| {
                row.source == ConfigSource::DynamicTopicConfig
                    && TOPIC_LEVEL_THROTTLES.contains(&row.name.as_str())
            })
            .map(|row| row.name.clone())
            .collect();
        if !delete.is_empty() {
            let command = Command::AlterConfigs {
                resource: ConfigResource::Topic(topic),
                set: Vec::new(),
                delete,
            };
            // Kafka's tool would end with the error; deleting a topic's own override does not
            // fail.
            let _ = shell.apply(command);
        }
    }
}

pub(super) fn ids(brokers: &[BrokerId]) -> Vec<i32> {
    brokers.iter().map(|id| id.0).collect()
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn join<T: ToString>(items: impl IntoIterator<Item = T>, separator: &str) -> String {
    items
        .into_iter()
        .map(|item| item.to_string())
        .collect::<Vec<_>>()
        .join(separator)
}
