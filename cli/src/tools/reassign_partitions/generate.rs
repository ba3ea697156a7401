//! `--generate`: the topics' current assignment, and a proposal that places their partitions
//! anew over the `--broker-list`, as `generateAssignment` and `calculateAssignment` do.
//!
//! Kafka 4.1 places replicas with the KRaft controller's `StripedReplicaPlacer` and a
//! `Random`; the playground uses its controller's placement
//! ([`kplay_core::controller::placement::assign_replicas`]) and a generator seeded from the
//! simulated clock and the topics, so the same moment proposes the same assignment.

use kplay_core::config::value::java_string_hash;
use kplay_core::controller::placement::assign_replicas;
use kplay_core::{BrokerId, TopicPartition};

use super::actions::{alive_brokers, ids, reach_a_broker, Failure, Outcome, UNKNOWN_TOPIC};
use super::plan;
use crate::output::Output;
use crate::shell::Shell;
use crate::tools::hash_map_order;
use crate::tools::java_hash_order;

/// Runs `--generate`: `parseGenerateAssignmentArgs`, then `getReplicaAssignmentForTopics`
/// (the first missing topic in the order of Kafka's `HashMap` of them ends it), the usable
/// brokers (DescribeCluster's that are listed), the proposal, and the two JSON blocks.
pub(super) fn generate(
    shell: &mut Shell,
    output: &mut Output,
    topics_json: &str,
    broker_list: &str,
) -> Outcome {
    let (brokers, topics) =
        plan::parse_generate(topics_json, broker_list).map_err(Failure::Error)?;
    // `getReplicaAssignmentForTopics`: DescribeTopics asks for the cluster's nodes first
    // (`describeCluster`, whose call is `listNodes`), as `getBrokerMetadata` does after it.
    reach_a_broker(shell, "listNodes")?;
    let lookup = java_hash_order(topics, |topic| java_string_hash(topic));
    let mut current: Vec<(TopicPartition, Vec<i32>)> = Vec::new();
    for topic in &lookup {
        let view = shell
            .cluster
            .topic_view(topic)
            .ok_or_else(|| Failure::Error(format!("{UNKNOWN_TOPIC}: Topic {topic} not found.")))?;
        current.extend(
            view.partitions
                .iter()
                .map(|p| (p.partition.clone(), ids(&p.replicas))),
        );
    }
    let usable: Vec<BrokerId> = alive_brokers(shell)
        .into_iter()
        .filter(|id| brokers.contains(&id.0))
        .collect();
    let proposed = propose(shell, &current, &usable, &lookup)?;
    output.println(format!(
        "Current partition replica assignment\n{}\n",
        plan::format_reassignment(&current)
    ));
    output.println(format!(
        "Proposed partition reassignment configuration\n{}",
        plan::format_reassignment(&proposed)
    ));
    Ok(())
}

/// `calculateAssignment`: each topic's partitions placed anew over `usable`, with the
/// replication factor of its first partition in the order of Kafka's `HashMap`. The topics go
/// in the order of Kafka's `HashMap` of them; one generator, seeded from the simulated clock
/// and the topics, draws for all (Kafka's placer draws from one `Random`).
fn propose(
    shell: &Shell,
    current: &[(TopicPartition, Vec<i32>)],
    usable: &[BrokerId],
    topics: &[String],
) -> Result<Vec<(TopicPartition, Vec<i32>)>, Failure> {
    let mut in_map_order: Vec<&(TopicPartition, Vec<i32>)> = current.iter().collect();
    hash_map_order(&mut in_map_order, |entry| &entry.0);
    let mut seed = shell.cluster.now_ms() as u64;
    for topic in topics {
        for byte in topic.bytes() {
            seed = seed.wrapping_mul(31).wrapping_add(u64::from(byte));
        }
    }
    let mut rng = shell.cluster.fork_rng(seed);
    let mut proposed = Vec::new();
    for topic in topics {
        let partitions: Vec<&&(TopicPartition, Vec<i32>)> = in_map_order
            .iter()
            .filter(|entry| entry.0.topic == *topic)
            .collect();
        let Some(first) = partitions.first() else {
            continue;
        };
        let replication_factor = first.1.len() as i32;
        check_placement(replication_factor, usable.len())?;
        let count = partitions.len() as i32;
        let placed = assign_replicas(usable, count, replication_factor, 0, &mut rng);
        for (partition, replicas) in (0..count).zip(placed) {
            proposed.push((
                TopicPartition::new(topic.clone(), partition),
                ids(&replicas),
            ));
        }
    }
    Ok(proposed)
}

/// `StripedReplicaPlacer.place`'s checks.
fn check_placement(replication_factor: i32, usable: usize) -> Result<(), Failure> {
    if replication_factor <= 0 {
        return Err(Failure::Error(format!("Invalid replication factor {replication_factor}: the replication factor must be positive.")));
    }
    if usable == 0 {
        return Err(Failure::Error(
            "All brokers are currently fenced.".to_string(),
        ));
    }
    if replication_factor as usize > usable {
        return Err(Failure::Error(format!("The target replication factor of {replication_factor} cannot be reached because only {usable} broker(s) are registered.")));
    }
    Ok(())
}
