//! A partition leader writing transaction markers (`KafkaApis.handleWriteTxnMarkersRequest`).
//!
//! For each marker and partition the leader appends a COMMIT or ABORT control batch
//! (`UnifiedLog.appendAsLeader` with `AppendOrigin.COORDINATOR`): `UNKNOWN_TOPIC_OR_PARTITION`
//! if it has no replica, `NOT_LEADER_OR_FOLLOWER` if it does not lead, `NOT_ENOUGH_REPLICAS`
//! below `min.insync.replicas`, `INVALID_PRODUCER_EPOCH` or `TRANSACTION_COORDINATOR_FENCED`
//! for a marker of an older producer or coordinator. The answer waits until the ISR has every
//! marker (`acks=-1`). A marker written into a `__consumer_offsets` partition makes the group
//! coordinator commit or drop the offsets of the transaction
//! ([`Broker::complete_transactional_offsets`]).

use crate::vec_map::VecMap;

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, ProducerId, TopicPartition};
use crate::log::ControlType;
use crate::network::NodeId;
use crate::protocol::txn::TxnMarker;
use crate::protocol::{Body, TxnBody};
use crate::transaction::coordinator::Reply;
use crate::transaction::{TransactionEvent, BROKER_REQUEST_TIMEOUT_MS};

use super::super::purgatory::{ProduceOrigin, ProducePartitionStatus};
use super::super::Broker;
use super::add_partitions::CONSUMER_OFFSETS_TOPIC;
use super::error_of;

/// A WriteTxnMarkers request whose appends wait for the ISR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerWrite {
    /// The coordinator that asked.
    pub reply: Reply,
    /// Per appended (or refused) partition, in the order of the held statuses.
    pub entries: Vec<(ProducerId, TopicPartition, bool)>,
}

impl Broker {
    /// Handles WriteTxnMarkers: appends every marker, answers once they are replicated.
    pub(super) fn handle_write_txn_markers(
        &mut self,
        from: NodeId,
        request_id: u64,
        markers: Vec<TxnMarker>,
        ctx: &mut Ctx,
    ) {
        let mut entries = Vec::new();
        let mut statuses = Vec::new();
        for marker in &markers {
            for partition in &marker.partitions {
                let result = self.append_marker_as_leader(partition, marker, ctx);
                statuses.push(ProducePartitionStatus {
                    partition: partition.clone(),
                    required_offset: result.as_ref().map_or(Offset(0), |offset| offset.next()),
                    result,
                    done: false,
                });
                entries.push((marker.producer_id, partition.clone(), marker.commit));
            }
        }
        let write_id = self.next_transaction_write_id();
        let reply = Reply {
            node: from,
            request_id,
        };
        self.transactions
            .marker_writes
            .insert(write_id, MarkerWrite { reply, entries });
        let origin = ProduceOrigin::Coordinator { write_id };
        self.hold_until_replicated(origin, statuses, BROKER_REQUEST_TIMEOUT_MS, ctx);
    }

    /// Appends one marker as leader; `Ok(its offset)`.
    fn append_marker_as_leader(
        &mut self,
        partition: &TopicPartition,
        marker: &TxnMarker,
        ctx: &mut Ctx,
    ) -> Result<Offset, KafkaError> {
        let settings = self.topic_settings(&partition.topic);
        let me = self.id;
        let replica = self
            .replicas
            .get_mut(partition)
            .ok_or_else(|| error_of(ErrorCode::UnknownTopicOrPartition))?;
        let leadership = replica
            .leadership()
            .ok_or_else(|| error_of(ErrorCode::NotLeaderOrFollower))?;
        if (leadership.isr.len() as i32) < settings.min_insync_replicas {
            return Err(error_of(ErrorCode::NotEnoughReplicas));
        }
        let control = if marker.commit {
            ControlType::Commit
        } else {
            ControlType::Abort
        };
        let leader_epoch = replica.state.leader_epoch;
        let stored = replica
            .log
            .append_control_batch(
                control,
                marker.producer_id,
                marker.producer_epoch,
                marker.coordinator_epoch,
                leader_epoch,
                ctx.clock_ms,
                &settings.log,
            )
            .map_err(|error| error_of(error.code))?;
        let offset = stored.base_offset;
        ctx.emit(EventKind::BatchAppended {
            partition: partition.clone(),
            broker: me,
            base_offset: offset,
            last_offset: offset,
            producer: None,
        });
        Self::txn_emit(
            ctx,
            TransactionEvent::MarkerWritten {
                broker: me,
                partition: partition.clone(),
                producer_id: marker.producer_id,
                commit: marker.commit,
                offset,
            },
        );
        self.after_leader_progress(partition, ctx);
        Ok(offset)
    }

    /// Every marker of a request is replicated (or failed): tell the group coordinator about
    /// `__consumer_offsets` partitions, then answer.
    pub(super) fn markers_replicated(
        &mut self,
        write: MarkerWrite,
        statuses: &[ProducePartitionStatus],
        ctx: &mut Ctx,
    ) {
        let mut results: VecMap<ProducerId, Vec<(TopicPartition, Option<KafkaError>)>> =
            VecMap::new();
        for ((producer_id, partition, commit), status) in write.entries.iter().zip(statuses) {
            let error = status.result.as_ref().err().cloned();
            if error.is_none() && partition.topic == CONSUMER_OFFSETS_TOPIC {
                self.complete_transactional_offsets(partition, *producer_id, *commit, ctx);
            }
            results
                .entry(*producer_id)
                .or_default()
                .push((partition.clone(), error));
        }
        let response = TxnBody::WriteTxnMarkersResponse {
            request_id: write.reply.request_id,
            results: results.into_iter().collect(),
        };
        ctx.send(write.reply.node, Body::Txn(response));
    }
}
