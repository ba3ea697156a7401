//! Planning `--reset-offsets` from plain data, as `GroupOffsetsResetter` does: the new offset of
//! each partition for `--to-earliest`, `--to-latest`, `--to-offset`, `--shift-by`,
//! `--to-datetime`, `--by-duration` and `--to-current`, clamped into the log's range with
//! Kafka's warnings (`checkOffsetsRange`), falling back to the latest offset when no record is
//! at or after the time asked (`getLogTimestampOffsets`).

use std::collections::BTreeMap;

use kplay_core::{ResetSpec, TopicPartition};

use super::data::Committed;

/// What `ListOffsets` would answer for one partition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogOffsets {
    /// `earliest`: the log start offset.
    pub start: i64,
    /// `latest`: the high watermark (read_uncommitted).
    pub end: i64,
    /// `(offset, timestamp)` of the records below the high watermark, in offset order.
    pub timestamps: Vec<(i64, i64)>,
}

/// A plan, with the lines the tool prints while making it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The new offset of each partition.
    pub offsets: BTreeMap<TopicPartition, i64>,
    /// Lines printed on standard output (`Warn: Partition 0 from topic t is empty...`).
    pub notices: Vec<String>,
    /// Warnings logged on standard error (offset clamped into the log's range).
    pub warnings: Vec<String>,
}

/// Plans the reset; the error is the `IllegalArgumentException` message (`Cannot shift offset
/// ... since there is no current committed offset`).
pub fn plan(
    spec: &ResetSpec,
    partitions: &[TopicPartition],
    committed: &BTreeMap<TopicPartition, Committed>,
    logs: &BTreeMap<TopicPartition, LogOffsets>,
    clock_ms: i64,
) -> Result<Plan, String> {
    let mut plan = Plan::default();
    for partition in partitions {
        let log = logs.get(partition).cloned().unwrap_or_default();
        let current = committed.get(partition).map(|c| c.offset);
        let offset = match spec {
            ResetSpec::ToEarliest => log.start,
            ResetSpec::ToLatest => log.end,
            ResetSpec::ToOffset(offset) => clamp(partition, *offset, &log, &mut plan),
            ResetSpec::ShiftBy(shift) => {
                let current = current.ok_or_else(|| {
                    format!("Cannot shift offset for partition {partition} since there is no current committed offset")
                })?;
                clamp(partition, current.saturating_add(*shift), &log, &mut plan)
            }
            ResetSpec::ToDatetime(timestamp) => by_time(partition, *timestamp, &log, &mut plan),
            ResetSpec::ByDuration(duration) => {
                by_time(partition, clock_ms - duration, &log, &mut plan)
            }
            ResetSpec::ToCurrent => current.unwrap_or(log.end),
        };
        plan.offsets.insert(partition.clone(), offset);
    }
    Ok(plan)
}

fn clamp(partition: &TopicPartition, offset: i64, log: &LogOffsets, plan: &mut Plan) -> i64 {
    if offset > log.end {
        plan.warnings.push(format!(
            "New offset ({offset}) is higher than latest offset for topic partition {partition}. Value will be set to {}.",
            log.end
        ));
        log.end
    } else if offset < log.start {
        plan.warnings.push(format!(
            "New offset ({offset}) is lower than earliest offset for topic partition {partition}. Value will be set to {}.",
            log.start
        ));
        log.start
    } else {
        offset
    }
}

/// `ListOffsets` by timestamp: the first offset whose timestamp is at or after `timestamp`.
fn by_time(partition: &TopicPartition, timestamp: i64, log: &LogOffsets, plan: &mut Plan) -> i64 {
    match log.timestamps.iter().find(|(_, ts)| *ts >= timestamp) {
        Some((offset, _)) => *offset,
        None => {
            plan.notices.push(format!(
                "\nWarn: Partition {} from topic {} is empty. Falling back to latest known offset.",
                partition.partition, partition.topic
            ));
            log.end
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs() -> BTreeMap<TopicPartition, LogOffsets> {
        let log = LogOffsets {
            start: 2,
            end: 6,
            timestamps: vec![(2, 100), (3, 200), (4, 300), (5, 400)],
        };
        [(TopicPartition::new("t", 0), log)].into_iter().collect()
    }

    fn tp() -> Vec<TopicPartition> {
        vec![TopicPartition::new("t", 0)]
    }

    #[test]
    fn offsets_are_clamped_into_the_log_with_a_warning() {
        let plan = plan(
            &ResetSpec::ToOffset(10),
            &tp(),
            &BTreeMap::new(),
            &logs(),
            0,
        )
        .expect("plan");
        assert_eq!(plan.offsets.values().copied().collect::<Vec<_>>(), [6]);
        assert_eq!(plan.warnings.len(), 1);
        let plan = super::plan(&ResetSpec::ToOffset(0), &tp(), &BTreeMap::new(), &logs(), 0)
            .expect("plan");
        assert_eq!(plan.offsets.values().copied().collect::<Vec<_>>(), [2]);
    }

    #[test]
    fn shifting_needs_a_committed_offset() {
        let error = plan(&ResetSpec::ShiftBy(-1), &tp(), &BTreeMap::new(), &logs(), 0)
            .expect_err("no commit");
        assert_eq!(
            error,
            "Cannot shift offset for partition t-0 since there is no current committed offset"
        );
        let committed = [(
            TopicPartition::new("t", 0),
            Committed {
                offset: 5,
                leader_epoch: None,
            },
        )]
        .into_iter()
        .collect();
        let plan = plan(&ResetSpec::ShiftBy(-2), &tp(), &committed, &logs(), 0).expect("plan");
        assert_eq!(plan.offsets.values().copied().collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn times_find_the_first_record_at_or_after_them() {
        let plan = plan(
            &ResetSpec::ToDatetime(250),
            &tp(),
            &BTreeMap::new(),
            &logs(),
            0,
        )
        .expect("plan");
        assert_eq!(plan.offsets.values().copied().collect::<Vec<_>>(), [4]);
        let plan = super::plan(
            &ResetSpec::ByDuration(50),
            &tp(),
            &BTreeMap::new(),
            &logs(),
            1_000,
        )
        .expect("plan");
        assert_eq!(plan.offsets.values().copied().collect::<Vec<_>>(), [6]);
        assert_eq!(plan.notices.len(), 1);
    }
}
