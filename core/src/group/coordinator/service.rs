//! What `GroupCoordinatorService` does before a request reaches its shard: the group id and
//! session timeout checks, routing to the shard of the group's offsets partition, and the
//! coordinator errors (`NOT_COORDINATOR` when this broker does not lead the partition,
//! `COORDINATOR_LOAD_IN_PROGRESS` while it loads it).

use crate::cluster::context::Ctx;
use crate::cluster::settings::BrokerSettings;
use crate::error::{ErrorCode, KafkaError};
use crate::network::NodeId;
use crate::protocol::group::CommitResults;
use crate::protocol::{Body, GroupBody};

use super::commit::{commit_response, refused_fetches, CommitRequest, FetchRequest};
use super::heartbeat::HeartbeatRequest;
use super::join::JoinRequest;
use super::leave::LeaveRequest;
use super::member::PendingResponse;
use super::runtime::ShardCtx;
use super::shard::{GroupShard, ShardStatus};
use super::sync::SyncRequest;
use super::{partition_for, with_shard, CoordinatorEnv, GroupCoordinator};

impl GroupCoordinator {
    /// Handles a group request (all but FindCoordinator, which the broker answers).
    /// `refused` are the partitions of an OffsetCommit, TxnOffsetCommit or OffsetFetch the
    /// broker took out before (topics the member may not read or describe); the answer carries
    /// them beside the others.
    pub fn handle_request(
        &mut self,
        from: NodeId,
        body: GroupBody,
        refused: CommitResults,
        env: CoordinatorEnv,
        ctx: &mut Ctx,
    ) {
        let Some(group_id) = group_of(&body).map(str::to_string) else {
            return;
        };
        if let Err(code) = validate_request(&body, env.settings) {
            return reply_error(from, &body, code, refused, ctx);
        }
        let index = partition_for(&group_id, env.partition_count);
        let status = self.shards.get(&index).map(|shard| shard.status);
        match status {
            None => reply_error(from, &body, ErrorCode::NotCoordinator, refused, ctx),
            Some(ShardStatus::Loading) => {
                let code = ErrorCode::CoordinatorLoadInProgress;
                reply_error(from, &body, code, refused, ctx)
            }
            Some(ShardStatus::Active) => {
                with_shard(self, index, env, ctx, |shard, rt| {
                    dispatch(shard, rt, from, body, refused)
                });
            }
        }
    }
}

/// The group a request is about.
fn group_of(body: &GroupBody) -> Option<&str> {
    match body {
        GroupBody::JoinGroup { group_id, .. }
        | GroupBody::SyncGroup { group_id, .. }
        | GroupBody::Heartbeat { group_id, .. }
        | GroupBody::LeaveGroup { group_id, .. }
        | GroupBody::OffsetCommit { group_id, .. }
        | GroupBody::OffsetFetch { group_id, .. }
        | GroupBody::TxnOffsetCommit { group_id, .. } => Some(group_id),
        _ => None,
    }
}

/// What `GroupCoordinatorService` checks before a request reaches its shard.
fn validate_request(body: &GroupBody, settings: &BrokerSettings) -> Result<(), ErrorCode> {
    if group_of(body).is_some_and(str::is_empty) {
        return Err(ErrorCode::InvalidGroupId);
    }
    if let GroupBody::JoinGroup {
        session_timeout_ms, ..
    } = body
    {
        if *session_timeout_ms < settings.group_min_session_timeout_ms
            || *session_timeout_ms > settings.group_max_session_timeout_ms
        {
            return Err(ErrorCode::InvalidSessionTimeout);
        }
    }
    Ok(())
}

/// Answers a request with one error (an offset commit: on each of its partitions, beside
/// those `refused` before).
pub fn reply_error(
    to: NodeId,
    body: &GroupBody,
    code: ErrorCode,
    refused: CommitResults,
    ctx: &mut Ctx,
) {
    let error = KafkaError::with_default_message(code);
    let request_id = body.request_id();
    let response = match body {
        GroupBody::JoinGroup { member_id, .. } => GroupBody::JoinGroupResponse {
            request_id,
            result: Err((error, member_id.clone())),
        },
        GroupBody::SyncGroup { .. } => GroupBody::SyncGroupResponse {
            request_id,
            result: Err(error),
        },
        GroupBody::Heartbeat { .. } => GroupBody::HeartbeatResponse {
            request_id,
            error: Some(error),
        },
        GroupBody::LeaveGroup { .. } => GroupBody::LeaveGroupResponse {
            request_id,
            error: Some(error),
        },
        GroupBody::OffsetCommit { offsets, .. } | GroupBody::TxnOffsetCommit { offsets, .. } => {
            let mut results = refused;
            results.extend(
                offsets
                    .iter()
                    .map(|o| (o.partition.clone(), Err(error.clone()))),
            );
            return reply_commit(to, body, results, ctx);
        }
        GroupBody::OffsetFetch { .. } => GroupBody::OffsetFetchResponse {
            request_id,
            result: Err(error),
        },
        _ => return,
    };
    ctx.send(to, Body::Group(response));
}

/// Answers an OffsetCommit or TxnOffsetCommit with `results`, an OffsetFetch with the
/// partitions refused in them.
pub fn reply_commit(to: NodeId, body: &GroupBody, results: CommitResults, ctx: &mut Ctx) {
    let request_id = body.request_id();
    let response = match body {
        GroupBody::OffsetFetch { .. } => GroupBody::OffsetFetchResponse {
            request_id,
            result: Ok(refused_fetches(results)),
        },
        _ => {
            let transactional = matches!(body, GroupBody::TxnOffsetCommit { .. });
            commit_response(request_id, transactional, results)
        }
    };
    ctx.send(to, Body::Group(response));
}

/// Hands a request to its shard.
fn dispatch(
    shard: &mut GroupShard,
    rt: &mut ShardCtx,
    from: NodeId,
    body: GroupBody,
    refused: CommitResults,
) {
    let reply = PendingResponse {
        node: from,
        request_id: body.request_id(),
    };
    match body {
        GroupBody::JoinGroup {
            group_id,
            member_id,
            group_instance_id,
            client_id,
            session_timeout_ms,
            rebalance_timeout_ms,
            protocols,
            reason,
            ..
        } => shard.join_group(
            rt,
            JoinRequest {
                reply,
                group_id,
                member_id,
                group_instance_id,
                client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
                reason,
            },
        ),
        GroupBody::SyncGroup {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            protocol,
            assignments,
            ..
        } => shard.sync_group(
            rt,
            SyncRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id,
                protocol,
                assignments,
            },
        ),
        GroupBody::Heartbeat {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            ..
        } => shard.heartbeat(
            rt,
            HeartbeatRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id,
            },
        ),
        GroupBody::LeaveGroup {
            group_id,
            member_id,
            group_instance_id,
            reason,
            ..
        } => shard.leave_group(
            rt,
            LeaveRequest {
                reply,
                group_id,
                member_id,
                group_instance_id,
                reason,
            },
        ),
        GroupBody::OffsetCommit {
            group_id,
            generation_id,
            member_id,
            group_instance_id,
            offsets,
            ..
        } => shard.commit_offsets(
            rt,
            CommitRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id,
                offsets,
                transaction: None,
                refused,
            },
        ),
        GroupBody::TxnOffsetCommit {
            group_id,
            producer_id,
            producer_epoch,
            generation_id,
            member_id,
            offsets,
            ..
        } => shard.commit_offsets(
            rt,
            CommitRequest {
                reply,
                group_id,
                generation_id,
                member_id,
                group_instance_id: None,
                offsets,
                transaction: Some((producer_id, producer_epoch)),
                refused,
            },
        ),
        GroupBody::OffsetFetch {
            group_id,
            partitions,
            require_stable,
            ..
        } => shard.fetch_offsets(
            rt,
            FetchRequest {
                reply,
                group_id,
                partitions,
                require_stable,
                refused,
            },
        ),
        _ => {}
    }
}
