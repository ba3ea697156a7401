//! Client quotas (KIP-13, and KIP-219 for how a client is slowed down).
//!
//! Each broker measures the bytes each client produces to it and fetches from it. When the
//! measured rate goes over the client's `producer_byte_rate` or `consumer_byte_rate`, the
//! broker still answers, with a `throttle_time_ms`: the delay that brings the rate back to the
//! quota (`ClientQuotaManager.throttleTime`: `(rate - quota) / quota × window`). The client
//! then sends that broker no more produce or fetch requests until the time is up
//! (`NetworkClient.maybeThrottle`; Kafka's client holds every request to it), while the broker
//! keeps the connection muted for as long. A throttled fetch comes back empty
//! and its bytes are not counted (`KafkaApis.handleFetchRequest`, `unrecordQuotaSensor`).
//! Quotas are per broker: a client that writes to three leaders gets the quota at each.
//!
//! The rate is Kafka's `Rate` over a `SampledStat` of `quota.window.num` (11) samples of
//! `quota.window.size.seconds` (1 s): the bytes of the samples still in the window divided by
//! the time since the oldest sample began, counted as at least 10 s. So a client that starts
//! sending over its quota is throttled only once the bytes of its first seconds, spread over
//! ten, exceed it.
//!
//! Quotas are set for a client id, a user (the principal a client logged in as, `ANONYMOUS`
//! without a login; KIP-55), or one client id of one user, each named or the default
//! (`--entity-default`). The most specific that is set applies (see [`quota_of`]); a user's
//! own quota is shared by all the user's clients. A broker measures nothing until a quota of
//! the kind is set, then goes on measuring until it restarts, even if the quota is deleted
//! (`ClientQuotaManager.quotasEnabled`).
//! An `acks=0` producer gets no answer to carry the throttle time, but the broker holds its
//! later requests all the same.
//!
//! Simplifications, stated in lesson 06: no `request_percentage` or
//! `controller_mutation_rate`; a produce request counts the bytes of its batches (Kafka's, the
//! whole request); a throttled client's produce and fetch requests are held, where Kafka mutes
//! the whole connection; and since a broker here works on several requests of one connection at
//! once (Kafka reads the next only after answering the last), a producer with requests in flight
//! may get one more through before the throttle.

use crate::config::{ConfigKey, ConfigType, Importance, Validator};
use crate::decimal;
use crate::error::{ErrorCode, KafkaError};
use crate::protocol::controller::ConfigResource;
use crate::vec_map::VecMap;

/// `quota.window.num`: the samples a rate is measured over.
pub const QUOTA_WINDOW_NUM: usize = 11;
/// `quota.window.size.seconds`, in ms: the length of one sample.
pub const QUOTA_WINDOW_SIZE_MS: i64 = 1_000;

/// The quota configs of a client id (`QuotaConfig.USER_AND_CLIENT_QUOTA_NAMES`).
pub const CLIENT_QUOTA_CONFIGS: [&str; 4] = [
    "producer_byte_rate",
    "consumer_byte_rate",
    "request_percentage",
    "controller_mutation_rate",
];

/// The documentation of the modelled quota configs (`QuotaConfig`), for `help`.
static CLIENT_QUOTA_KEYS: [ConfigKey; 2] = [
    ConfigKey::def(
        ConfigType::Long,
        Some("9223372036854775807"),
        Validator::None,
        Importance::Medium,
        "A rate representing the upper bound (bytes/sec) for producer traffic.",
    )
    .named("producer_byte_rate"),
    ConfigKey::def(
        ConfigType::Long,
        Some("9223372036854775807"),
        Validator::None,
        Importance::Medium,
        "A rate representing the upper bound (bytes/sec) for consumer traffic.",
    )
    .named("consumer_byte_rate"),
];

/// The client quota configs the playground models, documented.
pub fn client_quota_keys() -> &'static [ConfigKey] {
    &CLIENT_QUOTA_KEYS
}

/// What a quota limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum QuotaKind {
    /// Bytes produced per second (`producer_byte_rate`).
    Produce,
    /// Bytes fetched per second by consumers (`consumer_byte_rate`).
    Fetch,
}

impl QuotaKind {
    /// The config that sets it.
    pub fn config(self) -> &'static str {
        match self {
            QuotaKind::Produce => "producer_byte_rate",
            QuotaKind::Fetch => "consumer_byte_rate",
        }
    }
}

/// AlterClientQuotas' checks (`ClientQuotaControlManager.validateEntity` and
/// `validateQuotaKeyValue`): no empty name, a known key, and for a byte rate a whole number.
pub fn validate_client_quotas(
    entity: &ConfigResource,
    set: &[(String, String)],
    delete: &[String],
) -> Result<(), KafkaError> {
    let invalid = |message: String| KafkaError::new(ErrorCode::InvalidRequest, message);
    let (user, client) = match entity {
        ConfigResource::ClientId(client) => (None, client.as_deref()),
        ConfigResource::User(user) => (user.as_deref(), None),
        ConfigResource::UserClientId(user, client) => (user.as_deref(), client.as_deref()),
        _ => (None, None),
    };
    if user == Some("") {
        return Err(invalid("Empty user not supported".to_string()));
    }
    if client == Some("") {
        return Err(invalid("Empty client-id not supported".to_string()));
    }
    for name in set.iter().map(|(name, _)| name).chain(delete) {
        if !CLIENT_QUOTA_CONFIGS.contains(&name.as_str()) {
            return Err(invalid(format!("Invalid configuration key {name}")));
        }
        if name != QuotaKind::Produce.config() && name != QuotaKind::Fetch.config() {
            return Err(invalid(format!(
                "{name} is not modelled in the playground: it has producer_byte_rate and consumer_byte_rate"
            )));
        }
    }
    for (name, text) in set {
        let value = decimal::parse_f64(text.trim())
            .ok_or_else(|| invalid(format!("For input string: \"{text}\"")))?;
        let whole = (value + 1e-6).trunc();
        // Java's `(long)` stops at `Long.MAX_VALUE`, so a larger value is not a Long either.
        if !value.is_finite() || (whole - value).abs() > 1e-6 || value >= 9.223_372_036_854_776e18 {
            return Err(invalid(format!(
                "Configuration {name} must be a Long value"
            )));
        }
        if value < 1.0 {
            return Err(invalid(format!(
                "{name}={text}: the playground takes quotas of at least 1 byte per second (Kafka would throttle such a client for ever)"
            )));
        }
    }
    Ok(())
}

/// The quota of `kind` that applies to the client `client_id` of `user`, and the sensor its
/// bytes are counted in (`DefaultQuotaCallback.quotaMetricTags` and `quotaLimit`).
///
/// The quota is that of the most specific entity that sets one, in Kafka's order: the user's
/// own client id, the user's default client id, the user, the default user's client id, the
/// default user's default client id, the default user, the client id, the default client id.
/// The sensor is named after the tags Kafka keys it by (`Produce-alice:shop`): a quota set for
/// a user alone (`user:`) is shared by all the user's clients at the broker; a client id's
/// (`:shop`) by every client with that id; the others are per user and client id. With no
/// quota at all the sensor is the client id's. (When only one kind of entity has quotas,
/// Kafka names every sensor after that kind, `alice:` for user quotas, say: a client that no
/// quota holds counts in a differently named sensor, unlimited either way, whose bytes count
/// only if a quota comes for it later.)
pub fn quota_of(
    configs: &VecMap<ConfigResource, VecMap<String, String>>,
    user: &str,
    client_id: &str,
    kind: QuotaKind,
) -> (Option<f64>, String) {
    let named = |name: &str| Some(name.to_string());
    let both = format!("{user}:{client_id}");
    let user_only = format!("{user}:");
    let client_only = format!(":{client_id}");
    let chain = [
        (
            ConfigResource::UserClientId(named(user), named(client_id)),
            &both,
        ),
        (ConfigResource::UserClientId(named(user), None), &both),
        (ConfigResource::User(named(user)), &user_only),
        (ConfigResource::UserClientId(None, named(client_id)), &both),
        (ConfigResource::UserClientId(None, None), &both),
        (ConfigResource::User(None), &user_only),
        (ConfigResource::ClientId(named(client_id)), &client_only),
        (ConfigResource::ClientId(None), &client_only),
    ];
    chain
        .iter()
        .find_map(|(entity, sensor)| {
            let bound = configs
                .get(entity)?
                .get(kind.config())
                .and_then(|text| decimal::parse_f64(text.trim()))?;
            Some((Some(bound), (*sensor).clone()))
        })
        .unwrap_or((None, client_only.clone()))
}

/// A quota entity as `kafka-configs --describe` names it (`describeQuotaConfigs`):
/// `user-principal 'alice', client-id 'shop'`, `the default client-id`. Other resources
/// print empty.
pub fn entity_text(resource: &ConfigResource) -> String {
    let part = |kind: &str, name: &Option<String>| match name {
        Some(name) => format!("{kind} '{name}'"),
        None => format!("the default {kind}"),
    };
    match resource {
        ConfigResource::ClientId(client) => part("client-id", client),
        ConfigResource::User(user) => part("user-principal", user),
        ConfigResource::UserClientId(user, client) => format!(
            "{}, {}",
            part("user-principal", user),
            part("client-id", client)
        ),
        _ => String::new(),
    }
}

/// Whether any quota of `kind` is set in the configs.
pub fn any_quota(
    configs: &VecMap<ConfigResource, VecMap<String, String>>,
    kind: QuotaKind,
) -> bool {
    configs
        .iter()
        .any(|(resource, layer)| resource.is_client_quota() && layer.contains_key(kind.config()))
}

/// One sample of a [`Rate`] (`SampledStat.Sample`).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    value: f64,
    event_count: i64,
    start_ms: i64,
    last_event_ms: i64,
}

impl Sample {
    fn new(now_ms: i64) -> Sample {
        Sample {
            value: 0.0,
            event_count: 0,
            start_ms: now_ms,
            last_event_ms: now_ms,
        }
    }
}

/// Kafka's `Rate` of a `WindowedSum`, per second, over [`QUOTA_WINDOW_NUM`] samples of
/// [`QUOTA_WINDOW_SIZE_MS`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rate {
    samples: Vec<Sample>,
    current: usize,
}

impl Rate {
    /// `SampledStat.record`: adds `value` to the current sample, moving to the next one when
    /// the current has lasted a window. One more sample than the window's is kept (see
    /// `purge`).
    pub fn record(&mut self, value: f64, now_ms: i64) {
        if self.samples.is_empty() {
            self.samples.push(Sample::new(now_ms));
        }
        if now_ms - self.samples[self.current].start_ms >= QUOTA_WINDOW_SIZE_MS {
            self.current = (self.current + 1) % (QUOTA_WINDOW_NUM + 1);
            if self.current >= self.samples.len() {
                self.samples.push(Sample::new(now_ms));
            } else {
                self.samples[self.current] = Sample::new(now_ms);
            }
        }
        let sample = &mut self.samples[self.current];
        sample.value += value;
        sample.event_count += 1;
        sample.last_event_ms = now_ms;
    }

    /// `SampledStat.purgeObsoleteSamples`: a sample whose last event is a whole window
    /// old starts again, empty, now.
    fn purge(&mut self, now_ms: i64) {
        let expire_age = QUOTA_WINDOW_NUM as i64 * QUOTA_WINDOW_SIZE_MS;
        for sample in &mut self.samples {
            if now_ms - sample.last_event_ms >= expire_age {
                *sample = Sample::new(now_ms);
            }
        }
    }

    /// `Rate.windowSize`: the time since the oldest sample began, at least
    /// `quota.window.num - 1` windows (as if the missing samples had been empty).
    pub fn window_ms(&mut self, now_ms: i64) -> i64 {
        self.purge(now_ms);
        let oldest = self
            .samples
            .iter()
            .map(|sample| sample.start_ms)
            .min()
            .unwrap_or(now_ms);
        let mut elapsed = now_ms - oldest;
        let full_windows = elapsed / QUOTA_WINDOW_SIZE_MS;
        let min_full_windows = QUOTA_WINDOW_NUM as i64 - 1;
        if full_windows < min_full_windows {
            elapsed += (min_full_windows - full_windows) * QUOTA_WINDOW_SIZE_MS;
        }
        elapsed
    }

    /// `Rate.measure`: the samples' sum per second.
    pub fn measure(&mut self, now_ms: i64) -> f64 {
        self.purge(now_ms);
        let total: f64 = self.samples.iter().map(|sample| sample.value).sum();
        total / (self.window_ms(now_ms) as f64 / 1000.0)
    }
}

/// A throttle a broker sets on a client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Throttle {
    /// `throttle_time_ms`.
    pub time_ms: i64,
    /// The rate measured, bytes per second.
    pub rate: f64,
    /// The quota, bytes per second.
    pub quota: f64,
}

/// One sensor's measure of one kind, and whether its last request was throttled (so the
/// event log tells when throttling starts and stops, not every throttled request).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientSensor {
    /// The bytes per second.
    pub rate: Rate,
    /// Whether the last request was throttled.
    pub throttled: bool,
}

/// A broker's quota sensors, by kind and sensor name (`alice:shop`, `alice:`, `:shop`; see
/// [`quota_of`]), as `ClientQuotaManager` keeps them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClientQuotas {
    sensors: VecMap<(QuotaKind, String), ClientSensor>,
    produce_enabled: bool,
    fetch_enabled: bool,
}

impl ClientQuotas {
    /// `recordAndGetThrottleTimeMs`: records `bytes` in `sensor`, then measures; over
    /// `quota`, the throttle that brings the rate back to it. With no quota the bytes are
    /// recorded all the same (the bound is `Long.MAX_VALUE`), so a quota set later counts them.
    pub fn record(
        &mut self,
        kind: QuotaKind,
        sensor: &str,
        bytes: f64,
        quota: Option<f64>,
        now_ms: i64,
    ) -> Option<Throttle> {
        let sensor = self.sensor(kind, sensor);
        sensor.rate.record(bytes, now_ms);
        let quota = quota?;
        let rate = sensor.rate.measure(now_ms);
        if rate <= quota {
            return None;
        }
        let window_ms = sensor.rate.window_ms(now_ms) as f64;
        let time_ms = ((rate - quota) / quota * window_ms).round() as i64;
        Some(Throttle {
            time_ms,
            rate,
            quota,
        })
    }

    /// `unrecordQuotaSensor`: takes back bytes a throttled fetch did not return.
    pub fn unrecord(&mut self, kind: QuotaKind, sensor: &str, bytes: f64, now_ms: i64) {
        self.sensor(kind, sensor).rate.record(-bytes, now_ms);
    }

    /// Whether `kind` is measured: once a quota of the kind was set, until the broker
    /// restarts (`quotaTypesEnabled`, which `updateQuota` only ever adds to).
    pub fn enabled(&self, kind: QuotaKind) -> bool {
        match kind {
            QuotaKind::Produce => self.produce_enabled,
            QuotaKind::Fetch => self.fetch_enabled,
        }
    }

    /// The broker's metadata changed a quota entity's quotas: the kinds now set are measured
    /// from then on.
    pub fn note_quotas(&mut self, configs: &VecMap<ConfigResource, VecMap<String, String>>) {
        self.produce_enabled |= any_quota(configs, QuotaKind::Produce);
        self.fetch_enabled |= any_quota(configs, QuotaKind::Fetch);
    }

    /// Notes whether a request counted in `sensor` was throttled; returns whether that
    /// changed.
    pub fn note_throttled(&mut self, kind: QuotaKind, sensor: &str, throttled: bool) -> bool {
        let sensor = self.sensor(kind, sensor);
        let changed = sensor.throttled != throttled;
        sensor.throttled = throttled;
        changed
    }

    fn sensor(&mut self, kind: QuotaKind, name: &str) -> &mut ClientSensor {
        let key = (kind, name.to_string());
        if !self.sensors.contains_key(&key) {
            self.sensors.insert(key.clone(), ClientSensor::default());
        }
        self.sensors.get_mut(&key).expect("just inserted")
    }
}

#[cfg(test)]
mod tests {
    //! After Kafka's `ClientQuotaManagerTest` and `RateTest`.
    use super::*;

    /// `RateTest.testRateWithNoPriorAvailableSamples`-like: one record in a fresh rate is
    /// spread over the 10 windows assumed before it.
    #[test]
    fn a_first_record_is_spread_over_ten_windows() {
        let mut rate = Rate::default();
        rate.record(1_000.0, 0);
        assert_eq!(rate.window_ms(0), 10_000);
        assert_eq!(rate.measure(0), 100.0);
        assert_eq!(rate.window_ms(500), 10_500);
    }

    /// `ClientQuotaManagerTest.testQuotaViolation`: a quota of 500 bytes/s; 400 bytes a second
    /// for ten seconds stays under it. Half a second later 2,300 bytes go over: 6,300 bytes over
    /// 10.5 s is 600 bytes/s, and (600 − 500) / 500 × 10.5 s is a 2,100 ms throttle.
    #[test]
    fn throttle_time_brings_the_rate_back_to_the_quota() {
        let mut quotas = ClientQuotas::default();
        let mut now = 0;
        for _ in 0..10 {
            assert_eq!(
                quotas.record(QuotaKind::Produce, "unknown", 400.0, Some(500.0), now),
                None
            );
            now += 1_000;
        }
        now += 500;
        let throttle = quotas
            .record(QuotaKind::Produce, "unknown", 2_300.0, Some(500.0), now)
            .expect("over the quota");
        assert_eq!(throttle.rate, 600.0);
        assert_eq!(throttle.time_ms, 2_100);
    }

    /// Samples older than the whole window are dropped: after a long pause the rate starts
    /// again from nothing.
    #[test]
    fn old_samples_leave_the_window() {
        let mut rate = Rate::default();
        rate.record(50_000.0, 0);
        assert!(rate.measure(5_000) > 0.0);
        assert_eq!(rate.measure(11_000), 0.0);
    }

    #[test]
    fn without_a_quota_nothing_is_throttled_but_bytes_count() {
        let mut quotas = ClientQuotas::default();
        assert_eq!(quotas.record(QuotaKind::Fetch, "c", 1e9, None, 0), None);
        assert!(quotas
            .record(QuotaKind::Fetch, "c", 1.0, Some(1_000.0), 1)
            .is_some());
        quotas.unrecord(QuotaKind::Fetch, "c", 1e9, 2);
        assert_eq!(
            quotas.record(QuotaKind::Fetch, "c", 1.0, Some(1_000.0), 3),
            None
        );
    }

    #[test]
    fn quota_values_are_whole_numbers_of_known_configs() {
        let client = |name: &str| ConfigResource::ClientId(Some(name.to_string()));
        let set = |name: &str, value: &str| vec![(name.to_string(), value.to_string())];
        assert!(
            validate_client_quotas(&client("shop"), &set("producer_byte_rate", "1024"), &[])
                .is_ok()
        );
        assert!(validate_client_quotas(
            &ConfigResource::ClientId(None),
            &set("consumer_byte_rate", "2048.0"),
            &[]
        )
        .is_ok());
        let message = |result: Result<(), KafkaError>| result.unwrap_err().message;
        assert_eq!(
            message(validate_client_quotas(
                &client("shop"),
                &set("producer_byte_rate", "10.5"),
                &[]
            )),
            "Configuration producer_byte_rate must be a Long value"
        );
        assert_eq!(
            message(validate_client_quotas(
                &client("shop"),
                &set("fetch_rate", "1"),
                &[]
            )),
            "Invalid configuration key fetch_rate"
        );
        assert_eq!(
            message(validate_client_quotas(
                &client(""),
                &set("producer_byte_rate", "1"),
                &[]
            )),
            "Empty client-id not supported"
        );
        assert_eq!(
            message(validate_client_quotas(
                &ConfigResource::UserClientId(Some(String::new()), None),
                &set("producer_byte_rate", "1"),
                &[]
            )),
            "Empty user not supported"
        );
        assert!(
            validate_client_quotas(&client("shop"), &set("producer_byte_rate", "0"), &[]).is_err()
        );
        assert_eq!(
            message(validate_client_quotas(
                &client("shop"),
                &set("producer_byte_rate", "1e30"),
                &[]
            )),
            "Configuration producer_byte_rate must be a Long value"
        );
    }

    /// `kafka-configs --describe` prints quotas as Java doubles, with the config module's
    /// `java_double_to_string`.
    #[test]
    fn quotas_print_as_java_doubles() {
        use crate::config::value::java_double_to_string as java_double;
        assert_eq!(java_double(1024.0), "1024.0");
        assert_eq!(java_double(10_485_760.0), "1.048576E7");
        assert_eq!(java_double(20_000_000.0), "2.0E7");
    }

    fn producer_rate(value: &str) -> VecMap<String, String> {
        let mut layer = VecMap::new();
        layer.insert("producer_byte_rate".to_string(), value.to_string());
        layer
    }

    #[test]
    fn a_client_ids_own_quota_wins_over_the_default() {
        let mut configs: VecMap<ConfigResource, VecMap<String, String>> = VecMap::new();
        configs.insert(ConfigResource::ClientId(None), producer_rate("100"));
        configs.insert(
            ConfigResource::ClientId(Some("shop".into())),
            producer_rate("5000"),
        );
        let of = |client: &str, kind| quota_of(&configs, "ANONYMOUS", client, kind);
        assert_eq!(
            of("shop", QuotaKind::Produce),
            (Some(5000.0), ":shop".into())
        );
        assert_eq!(
            of("other", QuotaKind::Produce),
            (Some(100.0), ":other".into())
        );
        assert_eq!(of("other", QuotaKind::Fetch), (None, ":other".into()));
        assert!(any_quota(&configs, QuotaKind::Produce));
        assert!(!any_quota(&configs, QuotaKind::Fetch));
    }

    /// `ClientQuotaManagerTest.testQuotaConfigPrecedence`: the quota of each (user, client
    /// id), and whether `value × quota.window.num` bytes at once throttle it, its sensor shared
    /// or not with the clients before.
    #[test]
    fn kafkas_quota_precedence_test() {
        let named = |name: &str| Some(name.to_string());
        let mut configs: VecMap<ConfigResource, VecMap<String, String>> = VecMap::new();
        for (entity, rate) in [
            (ConfigResource::User(None), "1000"),
            (ConfigResource::ClientId(None), "2000"),
            (ConfigResource::UserClientId(None, None), "3000"),
            (ConfigResource::User(named("userA")), "4000"),
            (
                ConfigResource::UserClientId(named("userA"), named("client1")),
                "5000",
            ),
            (ConfigResource::User(named("userB")), "6000"),
            (
                ConfigResource::UserClientId(named("userB"), named("client1")),
                "7000",
            ),
            (ConfigResource::UserClientId(named("userB"), None), "8000"),
            (ConfigResource::User(named("userC")), "10000"),
            (ConfigResource::ClientId(named("client1")), "9000"),
        ] {
            configs.insert(entity, producer_rate(rate));
        }
        let mut quotas = ClientQuotas::default();
        let mut check =
            |configs: &VecMap<ConfigResource, VecMap<String, String>>,
             (user, client, bound, value, throttled): (&str, &str, f64, f64, bool)| {
                let (quota, sensor) = quota_of(configs, user, client, QuotaKind::Produce);
                assert_eq!(quota, Some(bound), "{user} {client}");
                let bytes = value * QUOTA_WINDOW_NUM as f64;
                let throttle = quotas.record(QuotaKind::Produce, &sensor, bytes, quota, 0);
                assert_eq!(throttle.is_some(), throttled, "{user} {client} {value}");
            };
        for case in [
            ("userA", "client1", 5000.0, 4500.0, false), // <user, client> over <user>
            ("userA", "client2", 4000.0, 4500.0, true),  // <user> over <client> and defaults
            ("userA", "client3", 4000.0, 0.0, true),     // <user> shared by the user's clients
            ("userA", "client1", 5000.0, 0.0, false),    // <user, client> is its own
            ("userB", "client1", 7000.0, 8000.0, true),
            ("userB", "client2", 8000.0, 7000.0, false), // the user's default client id
            ("userB", "client3", 8000.0, 7000.0, false),
            ("userD", "client1", 3000.0, 3500.0, true), // the default <user, client>
            ("userD", "client2", 3000.0, 2500.0, false),
            ("userE", "client1", 3000.0, 2500.0, false),
        ] {
            check(&configs, case);
        }
        configs.remove(&ConfigResource::UserClientId(None, None));
        for case in [
            ("userD", "client1", 1000.0, 0.0, false), // another sensor: counted afresh
            ("userE", "client4", 1000.0, 1500.0, true),
            ("userF", "client4", 1000.0, 800.0, false), // the default <user>, shared
            ("userF", "client5", 1000.0, 800.0, true),
        ] {
            check(&configs, case);
        }
        configs.remove(&ConfigResource::User(None));
        for case in [
            ("userF", "client4", 2000.0, 0.0, false), // the default client id's
            ("userF", "client5", 2000.0, 0.0, false),
            ("userF", "client5", 2000.0, 2500.0, true),
            ("userG", "client5", 2000.0, 0.0, true), // shared by the client id of every user
        ] {
            check(&configs, case);
        }
    }
}
