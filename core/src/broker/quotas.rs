//! A broker's side of client quotas (see [`crate::quota`]): the bytes a client produces and
//! fetches are measured, by its user and client id, as each answer is made, and an answer over
//! the quota carries a `throttle_time_ms` (`KafkaApis.handleProduceRequest`,
//! `handleFetchRequest`).

use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::network::NodeId;
use crate::protocol::{Body, FetchRequest, FetchResponse, ProduceRequest};
use crate::quota::{self, QuotaKind, Throttle, QUOTA_WINDOW_NUM, QUOTA_WINDOW_SIZE_MS};

use super::{Broker, BrokerTimer};
use crate::network::ClientId;

/// A client's connection while a quota throttles it.
#[derive(Debug, Clone, Default)]
pub struct Muted {
    /// When the throttle ends.
    pub until_ms: i64,
    /// Its requests that came meanwhile, unread.
    pub held: Vec<Body>,
}

impl Broker {
    /// Whether this broker measures `kind` at all (`ClientQuotaManager.quotasEnabled`): while
    /// a quota of its kind is set (a restarted broker finds it in its metadata), and after one
    /// was deleted, until the broker restarts (see
    /// [`ClientQuotas::note_quotas`](quota::ClientQuotas::note_quotas)).
    fn quotas_enabled(&self, kind: QuotaKind) -> bool {
        self.quotas.enabled(kind) || quota::any_quota(&self.metadata.configs, kind)
    }

    /// The bytes of a produce request's batches, as counted against `producer_byte_rate`
    /// (Kafka counts the whole request; the playground its batches). 0 while no produce quota
    /// is set, since nothing is measured then.
    pub(super) fn produce_request_bytes(&self, request: &ProduceRequest) -> i64 {
        if !self.quotas_enabled(QuotaKind::Produce) {
            return 0;
        }
        request
            .batches
            .iter()
            .map(|(_, batch)| {
                i64::from(crate::log::compression::batch_size_in_bytes(
                    &batch.records,
                    batch.compression,
                ))
            })
            .sum()
    }

    /// `maybeRecordAndGetThrottleTimeMs`: records `bytes` for the client `client_id` at `from`
    /// and returns the throttle time, telling the event log when throttling starts or ends.
    pub(super) fn record_quota(
        &mut self,
        from: NodeId,
        kind: QuotaKind,
        client_id: &str,
        bytes: i64,
        ctx: &mut Ctx,
    ) -> i64 {
        if !self.quotas_enabled(kind) {
            return 0;
        }
        let (bound, sensor) = self.quota_of(from, client_id, kind, ctx);
        self.record_in(from, kind, client_id, (bound, &sensor), bytes, ctx)
    }

    /// Records `bytes` in the `sensor` whose quota is `bound`, as [`Self::record_quota`]
    /// does once it has looked them up.
    fn record_in(
        &mut self,
        from: NodeId,
        kind: QuotaKind,
        client_id: &str,
        (bound, sensor): (Option<f64>, &str),
        bytes: i64,
        ctx: &mut Ctx,
    ) -> i64 {
        let throttle = self
            .quotas
            .record(kind, sensor, bytes as f64, bound, ctx.now_ms);
        self.note_throttle(from, kind, client_id, sensor, throttle, ctx);
        let time_ms = throttle.map_or(0, |throttle| throttle.time_ms);
        if let (NodeId::Client(client), true) = (from, time_ms > 0) {
            // `ClientQuotaManager.throttle`: the connection is muted once the answer is out,
            // so requests the client had already sent wait too.
            let muted = self.muted.entry(client).or_default();
            muted.until_ms = muted.until_ms.max(ctx.now_ms + time_ms);
            Self::after(ctx, time_ms, BrokerTimer::Unmute { client });
        }
        time_ms
    }

    /// The quota of `kind` for the client `client_id` at `from`, by its user and client id,
    /// and the sensor it is counted in (see [`quota::quota_of`]).
    fn quota_of(
        &self,
        from: NodeId,
        client_id: &str,
        kind: QuotaKind,
        ctx: &Ctx,
    ) -> (Option<f64>, String) {
        let principal = crate::acl::principal_of(ctx.principals, from).unwrap_or_default();
        let user = crate::acl::user_name(principal);
        quota::quota_of(&self.metadata.configs, user, client_id, kind)
    }

    /// Whether `from`'s requests wait: it is throttled, or requests of its still wait.
    pub(super) fn is_muted(&self, from: NodeId) -> bool {
        let NodeId::Client(client) = from else {
            return false;
        };
        self.muted.contains_key(&client)
    }

    pub(super) fn hold_while_muted(&mut self, from: NodeId, body: Body) {
        if let NodeId::Client(client) = from {
            if let Some(muted) = self.muted.get_mut(&client) {
                muted.held.push(body);
            }
        }
    }

    /// The throttle may be over: the held requests are read in order (one may throttle the
    /// client again, and the rest then wait again).
    pub(super) fn unmute(&mut self, client: ClientId, ctx: &mut Ctx) {
        let Some(muted) = self.muted.get(&client) else {
            return;
        };
        if muted.until_ms > ctx.now_ms {
            return;
        }
        let held = self
            .muted
            .remove(&client)
            .map(|muted| muted.held)
            .unwrap_or_default();
        for body in held {
            self.handle_message(NodeId::Client(client), body, ctx);
        }
    }

    fn note_throttle(
        &mut self,
        from: NodeId,
        kind: QuotaKind,
        client_id: &str,
        sensor: &str,
        throttle: Option<Throttle>,
        ctx: &mut Ctx,
    ) {
        if !self.quotas.note_throttled(kind, sensor, throttle.is_some()) {
            return;
        }
        let NodeId::Client(client) = from else {
            return;
        };
        let config = kind.config();
        let broker = self.id;
        // A user's own quota (sensor `user:`) counts all the user's clients together.
        let shared_by = sensor.strip_suffix(':');
        let verb = match kind {
            QuotaKind::Produce => "produces",
            QuotaKind::Fetch => "fetches",
        };
        let (trace, description) = match throttle {
            Some(Throttle {
                time_ms,
                rate,
                quota,
            }) => (
                format!("throttled client-{} broker={broker} {config} time={time_ms}", client.0),
                format!(
                    "Broker {broker} throttles {client_id} for {time_ms} ms: {} {} bytes/s, over {} {config} of {} (client quotas, KIP-13). The answer carries throttle_time_ms={time_ms}, and {client_id} sends broker {broker} no more {} requests until then (KIP-219); each answer while it stays over the quota throttles it again.",
                    match shared_by {
                        Some(user) => format!("the clients of user {user} {}", verb.trim_end_matches('s')),
                        None => format!("it {verb}"),
                    },
                    crate::decimal::fixed(rate, 0),
                    if shared_by.is_some() { "the user's" } else { "its" },
                    crate::decimal::fixed(quota, 0),
                    match kind {
                        QuotaKind::Produce => "produce",
                        QuotaKind::Fetch => "fetch",
                    }
                ),
            ),
            None => (
                format!("unthrottled client-{} broker={broker} {config}", client.0),
                format!("{client_id} is back within its {config} at broker {broker}: its answers carry no throttle time."),
            ),
        };
        ctx.emit(EventKind::Client {
            client: Some(client),
            trace,
            description,
        });
    }

    /// `getMaxValueInQuotaWindow`: a consumer's fetch returns at most what its quota allows
    /// in the window (`consumer_byte_rate × (quota.window.num − 1) × 1 s`), so one answer
    /// cannot be throttled for ever.
    pub(super) fn fetch_quota_window_bytes(
        &self,
        from: NodeId,
        request: &FetchRequest,
        ctx: &Ctx,
    ) -> i32 {
        if request.replica.is_some() || !self.quotas_enabled(QuotaKind::Fetch) {
            return i32::MAX;
        }
        let (bound, _) = self.quota_of(from, &request.client_id, QuotaKind::Fetch, ctx);
        bound.map_or(i32::MAX, |bound| {
            let window_s = (QUOTA_WINDOW_NUM as f64 - 1.0) * QUOTA_WINDOW_SIZE_MS as f64 / 1000.0;
            (bound * window_s).min(f64::from(i32::MAX)) as i32
        })
    }

    /// Sends a fetch's answer. A consumer's is measured against its `consumer_byte_rate`
    /// first: when that throttles it, the answer goes back empty with the throttle time and
    /// its bytes are taken back (`unrecordQuotaSensor`, `getThrottledResponse`).
    pub(super) fn send_fetch_response(
        &mut self,
        from: NodeId,
        request: &FetchRequest,
        mut response: FetchResponse,
        ctx: &mut Ctx,
    ) {
        if request.replica.is_none() && self.quotas_enabled(QuotaKind::Fetch) {
            let bytes: i64 = response
                .partitions
                .iter()
                .flat_map(|partition| &partition.batches)
                .map(|batch| i64::from(batch.size_in_bytes))
                .sum();
            let client_id = &request.client_id;
            let (bound, sensor) = self.quota_of(from, client_id, QuotaKind::Fetch, ctx);
            let quota = (bound, sensor.as_str());
            let throttle_ms = self.record_in(from, QuotaKind::Fetch, client_id, quota, bytes, ctx);
            if throttle_ms > 0 {
                self.quotas
                    .unrecord(QuotaKind::Fetch, &sensor, bytes as f64, ctx.now_ms);
                response.partitions.clear();
                response.throttle_time_ms = throttle_ms;
            }
        }
        ctx.send(from, Body::FetchResponse(response));
    }
}
