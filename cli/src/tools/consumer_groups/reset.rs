//! What `GroupOffsetsResetter` prints while it plans a reset, read off the core's plan
//! ([`kplay_core::Cluster::plan_offset_reset`], which decides the new offsets):
//!
//! - `checkOffsetsRange`: `--to-offset` and `--shift-by` ask for an offset that the plan clamped
//!   into the log's range, logged as a WARN on standard error;
//! - `getLogTimestampOffsets`: `--to-datetime` and `--by-duration` found no record at or after
//!   the time, so the plan fell back to the latest offset, noted on standard output.

use kplay_core::vec_map::VecMap;

use kplay_core::{ResetSpec, TopicPartition};

/// The lines the tool prints while planning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Messages {
    /// Lines printed on standard output (`Warn: Partition 0 from topic t is empty...`).
    pub notices: Vec<String>,
    /// Warnings logged on standard error (offset clamped into the log's range).
    pub warnings: Vec<String>,
}

/// The messages for a plan. `committed` is the group's committed offsets (for `--shift-by`),
/// `latest` each partition's latest offset (for the time-based fallback).
pub fn messages(
    spec: &ResetSpec,
    plan: &[(TopicPartition, i64)],
    committed: &VecMap<TopicPartition, i64>,
    latest: &VecMap<TopicPartition, i64>,
) -> Messages {
    let mut messages = Messages::default();
    for (partition, planned) in plan {
        let requested = match spec {
            ResetSpec::ToOffset(offset) => Some(*offset),
            ResetSpec::ShiftBy(shift) => committed
                .get(partition)
                .map(|current| current.saturating_add(*shift)),
            _ => None,
        };
        if let Some(requested) = requested {
            if let Some(warning) = clamp_warning(partition, requested, *planned) {
                messages.warnings.push(warning);
            }
        }
        let by_time = matches!(spec, ResetSpec::ToDatetime(_) | ResetSpec::ByDuration(_));
        // ListOffsets by timestamp finds only records below the latest offset, so landing on
        // the latest offset means no record was found.
        if by_time && latest.get(partition) == Some(planned) {
            messages.notices.push(format!(
                "\nWarn: Partition {} from topic {} is empty. Falling back to latest known offset.",
                partition.partition, partition.topic
            ));
        }
    }
    messages
}

fn clamp_warning(partition: &TopicPartition, requested: i64, planned: i64) -> Option<String> {
    if requested > planned {
        Some(format!(
            "New offset ({requested}) is higher than latest offset for topic partition {partition}. Value will be set to {planned}."
        ))
    } else if requested < planned {
        Some(format!(
            "New offset ({requested}) is lower than earliest offset for topic partition {partition}. Value will be set to {planned}."
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp() -> TopicPartition {
        TopicPartition::new("t", 0)
    }

    fn latest() -> VecMap<TopicPartition, i64> {
        [(tp(), 6)].into_iter().collect()
    }

    #[test]
    fn a_clamped_offset_is_warned_about_in_either_direction() {
        let plan = [(tp(), 6)];
        let messages = messages(&ResetSpec::ToOffset(10), &plan, &VecMap::new(), &latest());
        assert_eq!(
            messages.warnings,
            ["New offset (10) is higher than latest offset for topic partition t-0. Value will be set to 6."]
        );
        let committed = [(tp(), 3)].into_iter().collect();
        let messages =
            super::messages(&ResetSpec::ShiftBy(-5), &[(tp(), 2)], &committed, &latest());
        assert_eq!(
            messages.warnings,
            ["New offset (-2) is lower than earliest offset for topic partition t-0. Value will be set to 2."]
        );
        let messages =
            super::messages(&ResetSpec::ToOffset(4), &[(tp(), 4)], &committed, &latest());
        assert_eq!(messages, Messages::default());
    }

    #[test]
    fn a_time_with_no_record_after_it_falls_back_to_the_latest_offset() {
        let messages = messages(
            &ResetSpec::ByDuration(50),
            &[(tp(), 6)],
            &VecMap::new(),
            &latest(),
        );
        assert_eq!(
            messages.notices,
            ["\nWarn: Partition 0 from topic t is empty. Falling back to latest known offset."]
        );
        let messages = super::messages(
            &ResetSpec::ToDatetime(0),
            &[(tp(), 2)],
            &VecMap::new(),
            &latest(),
        );
        assert!(messages.notices.is_empty());
        // --to-latest lands there too, without a notice.
        let messages = super::messages(
            &ResetSpec::ToLatest,
            &[(tp(), 6)],
            &VecMap::new(),
            &latest(),
        );
        assert!(messages.notices.is_empty());
    }
}
