//! Running a lesson the way the playground does: its cluster from the `cluster:` options, its
//! `kplay-setup` script, then its `kplay` blocks in page order, each block as one terminal run
//! with no simulated time passing between blocks but what the blocks advance themselves.
//!
//! The lesson tests read the cluster's views after each block to check what the prose says.

#![allow(dead_code)]

use kplay_cli::{Output, Script, Shell, Status, Stream};
use kplay_core::view::clients::{ConsumerView, ProducerView};
use kplay_core::view::cluster::{PartitionView, ReplicaView};
use kplay_core::view::log::LogView;
use kplay_core::{AlertKind, BrokerId, EventKind, TopicPartition};
use kplay_lessons::Lesson;

/// A lesson being run block by block.
pub struct LessonRun {
    pub lesson: &'static Lesson,
    pub shell: Shell,
    blocks: &'static [&'static str],
    next: usize,
}

impl LessonRun {
    /// Builds the lesson's cluster and runs its setup script, which must print no error.
    pub fn start(slug: &str) -> LessonRun {
        let lesson = kplay_lessons::find(slug).unwrap_or_else(|| panic!("no lesson {slug}"));
        let (config, seed) = kplay_lessons::cluster_config(lesson.cluster)
            .unwrap_or_else(|error| panic!("{slug}: {error}"));
        let shell = Shell::with_config(config, seed)
            .unwrap_or_else(|error| panic!("{slug}: the cluster refused its options: {error}"));
        let mut run = LessonRun {
            lesson,
            shell,
            blocks: kplay_lessons::commands(lesson),
            next: 0,
        };
        let output = run.run_text(lesson.setup, "the setup script");
        let errors = kafka_errors(&output);
        assert!(
            errors.is_empty(),
            "{slug}: the setup script printed errors:\n{}",
            errors.join("\n")
        );
        run
    }

    /// Runs the next `kplay` block and returns what it printed (both streams).
    pub fn block(&mut self) -> String {
        self.block_output().text()
    }

    /// Runs the next `kplay` block one command at a time and returns what each printed.
    pub fn block_steps(&mut self) -> Vec<String> {
        let index = self.next;
        let text = *self
            .blocks
            .get(index)
            .unwrap_or_else(|| panic!("{}: no block {}", self.lesson.slug, index + 1));
        self.next += 1;
        let script = Script::parse(text).unwrap_or_else(|error| {
            panic!(
                "{}: block {} does not parse: {error}",
                self.lesson.slug,
                index + 1
            )
        });
        script
            .steps
            .iter()
            .map(|step| self.shell.run(&step.invocation).text())
            .collect()
    }

    /// Runs the next `kplay` block and returns its output.
    pub fn block_output(&mut self) -> Output {
        let index = self.next;
        let text = *self.blocks.get(index).unwrap_or_else(|| {
            panic!(
                "{}: the test asks for block {} but the lesson has {}",
                self.lesson.slug,
                index + 1,
                self.blocks.len()
            )
        });
        self.next += 1;
        self.run_text(text, &format!("block {}", index + 1))
    }

    /// Runs the next block and checks that it printed no Kafka error.
    pub fn clean_block(&mut self) -> String {
        let output = self.block_output();
        let errors = kafka_errors(&output);
        assert!(
            errors.is_empty(),
            "{}: block {} printed errors:\n{}",
            self.lesson.slug,
            self.next,
            errors.join("\n")
        );
        output.text()
    }

    fn run_text(&mut self, text: &str, what: &str) -> Output {
        let script = Script::parse(text)
            .unwrap_or_else(|error| panic!("{}: {what} does not parse: {error}", self.lesson.slug));
        let output = self.shell.run_script(&script);
        assert_eq!(
            output.status,
            Status::Ok,
            "{}: {what} did not run",
            self.lesson.slug
        );
        output
    }

    /// Runs a Try-it bullet's commands, as a learner types them in the terminal.
    pub fn try_it(&mut self, text: &str) -> String {
        self.run_text(text, "a Try-it").text()
    }

    /// Every block was run: a lesson test that skips one has not checked what it shows.
    pub fn finish(self) {
        assert_eq!(
            self.next,
            self.blocks.len(),
            "{}: the test ran {} of the lesson's {} blocks",
            self.lesson.slug,
            self.next,
            self.blocks.len()
        );
    }

    /// The partition as the controller decided it.
    pub fn partition(&self, topic: &str, partition: i32) -> PartitionView {
        let wanted = TopicPartition::new(topic, partition);
        self.shell
            .cluster
            .topic_view(topic)
            .and_then(|view| view.partitions.into_iter().find(|p| p.partition == wanted))
            .unwrap_or_else(|| panic!("no partition {wanted}"))
    }

    /// The partition's leader, as a broker number.
    pub fn leader(&self, topic: &str, partition: i32) -> Option<i32> {
        self.partition(topic, partition).leader.map(|b| b.0)
    }

    /// The partition's ISR, as broker numbers in the controller's order.
    pub fn isr(&self, topic: &str, partition: i32) -> Vec<i32> {
        let mut isr: Vec<i32> = self
            .partition(topic, partition)
            .isr
            .iter()
            .map(|b| b.0)
            .collect();
        isr.sort_unstable();
        isr
    }

    /// One broker's replica of a partition.
    pub fn replica(&self, broker: i32, topic: &str, partition: i32) -> ReplicaView {
        let wanted = TopicPartition::new(topic, partition);
        self.shell
            .cluster
            .view()
            .brokers
            .into_iter()
            .find(|b| b.id == BrokerId(broker))
            .and_then(|b| b.replicas.into_iter().find(|r| r.partition == wanted))
            .unwrap_or_else(|| panic!("broker {broker} has no replica of {wanted}"))
    }

    /// One broker's log of a partition (all records).
    pub fn log(&self, broker: i32, topic: &str, partition: i32) -> LogView {
        self.shell
            .cluster
            .log_view(
                BrokerId(broker),
                &TopicPartition::new(topic, partition),
                usize::MAX,
            )
            .unwrap_or_else(|| panic!("broker {broker} has no log of {topic}-{partition}"))
    }

    /// The values of a partition's records in the leader's log, oldest first.
    pub fn values(&self, topic: &str, partition: i32) -> Vec<String> {
        let leader = self.leader(topic, partition).expect("a leader");
        self.log(leader, topic, partition)
            .segments
            .iter()
            .flat_map(|segment| segment.records.iter())
            .filter(|record| record.control.is_none())
            .map(|record| record.value.clone().unwrap_or_else(|| "null".to_owned()))
            .collect()
    }

    /// The alerts raised so far.
    pub fn alerts(&self) -> Vec<AlertKind> {
        self.shell
            .events()
            .iter()
            .filter_map(|event| match &event.kind {
                EventKind::Alert { alert, .. } => Some(alert.clone()),
                _ => None,
            })
            .collect()
    }

    /// The active controller.
    pub fn controller(&self) -> Option<i32> {
        self.shell.cluster.view().controller.map(|b| b.0)
    }

    /// A producer's view.
    fn producer(&self, name: &str) -> ProducerView {
        self.shell
            .cluster
            .producer_views()
            .into_iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no producer {name}"))
    }

    /// A producer's counters: (sent, acknowledged, failed).
    pub fn producer_stats(&self, name: &str) -> (i64, i64, i64) {
        let stats = self.producer(name).stats;
        (
            stats.records_sent,
            stats.records_acknowledged,
            stats.records_failed,
        )
    }

    /// A producer's producer id and epoch (idempotence).
    pub fn producer_id(&self, name: &str) -> Option<(i64, i16)> {
        self.producer(name).producer_id
    }

    /// The events' trace lines since event number `from`.
    pub fn trace_since(&self, from: usize) -> Vec<String> {
        self.shell
            .events()
            .iter_from(from)
            .map(|event| event.trace_line())
            .collect()
    }

    /// How many events the shell kept so far.
    pub fn event_count(&self) -> usize {
        self.shell.events().len()
    }

    /// The events' sentences since event number `from`, joined by line breaks.
    pub fn explained_since(&self, from: usize) -> String {
        self.shell
            .events()
            .iter_from(from)
            .map(|event| event.describe())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// A consumer's view.
    pub fn consumer(&self, name: &str) -> ConsumerView {
        self.shell
            .cluster
            .consumer_views()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no consumer {name}"))
    }

    /// How many partitions each member of a group owns, by `client.id`, sorted by client id.
    pub fn assignment_sizes(&self, group: &str) -> Vec<(String, usize)> {
        let view = self
            .shell
            .cluster
            .describe_group(group)
            .unwrap_or_else(|| panic!("no group {group}"));
        let mut sizes: Vec<(String, usize)> = view
            .members
            .iter()
            .map(|member| (member.client_id.clone(), member.assignment.len()))
            .collect();
        sizes.sort();
        sizes
    }

    /// A group's committed offset for a partition.
    pub fn committed(&self, group: &str, topic: &str, partition: i32) -> Option<i64> {
        self.shell
            .cluster
            .committed_offset(group, &TopicPartition::new(topic, partition))
            .map(|offset| offset.0)
    }

    /// How many alerts of a kind were raised so far.
    pub fn alert_count(&self, kind: AlertKind) -> usize {
        self.alerts()
            .into_iter()
            .filter(|alert| *alert == kind)
            .count()
    }
}

/// The lines of an output that report a Kafka error: anything on standard error but the
/// console consumer's `Processed a total of N messages`, and `Error`/`Exception` lines on
/// standard output (kafka-topics prints its errors there) but `kplay status`'s report of a
/// consumer's last exception.
pub fn kafka_errors(output: &Output) -> Vec<String> {
    let stderr = output.stream(Stream::Stderr);
    let stdout = output.stream(Stream::Stdout);
    stderr
        .lines()
        .filter(|line| !line.starts_with("Processed a total of"))
        .chain(
            stdout
                .lines()
                .filter(|line| line.starts_with("Error") || line.contains("Exception"))
                // `kplay status` reports a consumer's last exception: state, not the block's error.
                .filter(|line| !line.contains("; last poll() threw ")),
        )
        .map(str::to_owned)
        .collect()
}

/// The record values a console consumer printed (its output without the count line).
pub fn printed_lines(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|line| !line.starts_with("Processed a total of"))
        .collect()
}
