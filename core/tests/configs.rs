//! Kafka's config definitions: 4.x defaults, Kafka's exact error messages, the precedence of
//! broker and topic configs, and `kafka-configs --describe` rows.
//!
//! Expected values come from the `apache/kafka` sources named in each test.

use kplay_core::config::{
    BrokerConfig, ConfigChange, ConfigSource, ConsumerSettings, DescribeEntity, DynamicScope,
    MessageTimestampType, ProducerSettings, ResolvedTopicConfig, TopicConfig,
};
use kplay_core::kinds::{
    Acks, AssignorKind, AutoOffsetReset, CleanupPolicy, CompressionType, IsolationLevel,
    TopicCompression,
};
use kplay_core::{ErrorCode, KafkaError};

fn refused<T: std::fmt::Debug>(result: Result<T, KafkaError>) -> KafkaError {
    match result {
        Ok(value) => panic!("expected a refusal, got {value:?}"),
        Err(error) => error,
    }
}

fn topic_with(configs: &[(&str, &str)], broker: &BrokerConfig) -> Result<TopicConfig, KafkaError> {
    TopicConfig::from_configs(configs, broker)
}

// ---- Defaults -----------------------------------------------------------------------------

#[test]
fn broker_defaults_are_kafka_4_defaults() {
    // ServerLogConfigs / LogConfig.SERVER_CONFIG_DEF, ReplicationConfigs, GroupCoordinatorConfig,
    // TransactionLogConfig, TransactionStateManagerConfig, KRaftConfigs, CleanerConfig.
    let broker = BrokerConfig::default();
    assert_eq!(broker.num_partitions, 1);
    assert_eq!(broker.default_replication_factor, 1);
    assert_eq!(broker.num_recovery_threads_per_data_dir, 2); // KIP-1030 (4.0)
    assert_eq!(broker.min_insync_replicas, 1);
    assert!(!broker.unclean_leader_election_enable);
    assert_eq!(broker.message_max_bytes, 1_048_588);
    assert_eq!(broker.compression_type, TopicCompression::Producer);
    assert_eq!(broker.log_retention_hours, 168);
    assert_eq!(broker.log_retention_ms, None);
    assert_eq!(broker.log_segment_bytes, 1_073_741_824);
    assert_eq!(broker.log_cleanup_policy, CleanupPolicy::DELETE);
    assert_eq!(broker.log_cleaner_backoff_ms, 15_000);
    assert_eq!(broker.log_message_timestamp_after_max_ms, 3_600_000); // KIP-1030 (4.0)
    assert_eq!(broker.replica_lag_time_max_ms, 30_000);
    assert_eq!(broker.broker_session_timeout_ms, 9000);
    assert_eq!(broker.offsets_topic_num_partitions, 50);
    assert_eq!(broker.offsets_retention_minutes, 7 * 24 * 60);
    assert_eq!(broker.group_min_session_timeout_ms, 6000);
    assert_eq!(broker.group_max_session_timeout_ms, 1_800_000);
    assert_eq!(broker.group_initial_rebalance_delay_ms, 3000);
    assert_eq!(broker.transaction_state_log_min_isr, 2);
    assert_eq!(broker.transaction_max_timeout_ms, 900_000);
    assert_eq!(broker.producer_id_expiration_ms, 86_400_000);
    assert_eq!(broker.get("log.retention.ms"), None);
    assert_eq!(broker.get("compression.type").as_deref(), Some("producer"));
}

#[test]
fn topic_defaults_are_log_config_defaults() {
    // storage/.../LogConfig.java
    let topic = ResolvedTopicConfig::default();
    assert_eq!(topic.retention_ms, 604_800_000);
    assert_eq!(topic.retention_bytes, -1);
    assert_eq!(topic.segment_bytes, 1_073_741_824);
    assert_eq!(topic.segment_ms, 604_800_000);
    assert_eq!(topic.max_message_bytes, 1_048_588);
    assert_eq!(topic.delete_retention_ms, 86_400_000);
    assert_eq!(topic.min_cleanable_dirty_ratio, 0.5);
    assert_eq!(topic.max_compaction_lag_ms, i64::MAX);
    assert_eq!(
        topic.message_timestamp_type,
        MessageTimestampType::CreateTime
    );
    assert_eq!(
        topic.get("min.cleanable.dirty.ratio").as_deref(),
        Some("0.5")
    );
    assert_eq!(topic.get("cleanup.policy").as_deref(), Some("delete"));
}

#[test]
fn producer_defaults_are_kafka_4_defaults() {
    // clients/.../producer/ProducerConfig.java
    let producer = ProducerSettings::default();
    assert_eq!(producer.acks, Acks::All);
    assert!(producer.enable_idempotence);
    assert_eq!(producer.linger_ms, 5); // KIP-1030 (4.0)
    assert_eq!(producer.batch_size, 16_384);
    assert_eq!(producer.buffer_memory, 32 * 1024 * 1024);
    assert_eq!(producer.retries, i32::MAX);
    assert_eq!(producer.delivery_timeout_ms, 120_000);
    assert_eq!(producer.request_timeout_ms, 30_000);
    assert_eq!(producer.max_in_flight_requests_per_connection, 5);
    assert_eq!(producer.compression_type, CompressionType::None);
    assert_eq!(producer.validate(), Ok(ProducerSettings::default()));
}

#[test]
fn consumer_defaults_are_kafka_4_defaults() {
    // clients/.../consumer/ConsumerConfig.java
    let consumer = ConsumerSettings::default();
    assert_eq!(consumer.session_timeout_ms, 45_000);
    assert_eq!(consumer.heartbeat_interval_ms, 3000);
    assert_eq!(consumer.max_poll_interval_ms, 300_000);
    assert_eq!(consumer.max_poll_records, 500);
    assert!(consumer.enable_auto_commit);
    assert_eq!(consumer.auto_offset_reset, AutoOffsetReset::Latest);
    assert_eq!(consumer.isolation_level, IsolationLevel::ReadUncommitted);
    assert_eq!(
        consumer.partition_assignment_strategy,
        vec![AssignorKind::Range, AssignorKind::CooperativeSticky]
    );
    assert_eq!(consumer.get("group.protocol").as_deref(), Some("classic"));
}

// ---- ConfigDef messages --------------------------------------------------------------------

#[test]
fn a_topic_value_that_is_not_a_number_is_invalid_config() {
    let error = refused(topic_with(
        &[("retention.ms", "abc")],
        &BrokerConfig::default(),
    ));
    assert_eq!(error.code, ErrorCode::InvalidConfig);
    assert_eq!(
        error.message,
        "Invalid value abc for configuration retention.ms: Not a number of type LONG"
    );
}

#[test]
fn a_topic_value_below_its_minimum_names_the_minimum() {
    let broker = BrokerConfig::default();
    let error = refused(topic_with(&[("retention.ms", "-2")], &broker));
    assert_eq!(
        error.message,
        "Invalid value -2 for configuration retention.ms: Value must be at least -1"
    );
    let error = refused(topic_with(&[("segment.bytes", "1000")], &broker));
    assert_eq!(
        error.message,
        "Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576"
    );
    let error = refused(topic_with(&[("min.cleanable.dirty.ratio", "1.5")], &broker));
    assert_eq!(
        error.message,
        "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"
    );
}

#[test]
fn a_value_outside_the_list_names_the_valid_values() {
    let broker = BrokerConfig::default();
    let error = refused(topic_with(&[("compression.type", "brotli")], &broker));
    assert_eq!(
        error.message,
        "Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"
    );
    let error = refused(topic_with(&[("cleanup.policy", "shred")], &broker));
    assert_eq!(
        error.message,
        "Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete"
    );
    let error = refused(ProducerSettings::default().set("compression.type", "brotli"));
    assert_eq!(error.code, ErrorCode::ConfigException);
    assert_eq!(
        error.message,
        "Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd"
    );
    let error = refused(ProducerSettings::default().set("acks", "2"));
    assert_eq!(
        error.message,
        "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
    );
}

#[test]
fn an_unknown_topic_config_name_is_refused() {
    let error = refused(topic_with(
        &[("retention.days", "7")],
        &BrokerConfig::default(),
    ));
    assert_eq!(error.code, ErrorCode::InvalidConfig);
    assert_eq!(error.message, "Unknown topic config name: retention.days");
}

#[test]
fn min_compaction_lag_above_max_is_a_conflict() {
    // LogConfig.validateValues, with the broker's max as the default.
    let broker = BrokerConfig::from_properties(&[("log.cleaner.max.compaction.lag.ms", "5000")])
        .expect("valid broker");
    let error = refused(topic_with(&[("min.compaction.lag.ms", "6000")], &broker));
    assert_eq!(error.code, ErrorCode::InvalidConfig);
    assert_eq!(
        error.message,
        "conflict topic config setting min.compaction.lag.ms (6000) > max.compaction.lag.ms (5000)"
    );
}

#[test]
fn a_refused_topic_alter_changes_nothing() {
    let broker = BrokerConfig::default();
    let mut topic = topic_with(&[("retention.ms", "1000")], &broker).expect("valid");
    let before = topic.clone();
    let changes = [
        ConfigChange::set("segment.ms", "60000"),
        ConfigChange::set("max.message.bytes", "-1"),
    ];
    let error = refused(topic.alter(&changes, &broker));
    assert_eq!(
        error.message,
        "Invalid value -1 for configuration max.message.bytes: Value must be at least 0"
    );
    assert_eq!(topic, before);
    topic
        .alter(&[ConfigChange::delete("retention.ms")], &broker)
        .expect("delete");
    assert_eq!(topic.get("retention.ms"), None);
}

#[test]
fn tiered_storage_needs_the_broker_to_enable_it() {
    let error = refused(topic_with(
        &[("remote.storage.enable", "true")],
        &BrokerConfig::default(),
    ));
    assert_eq!(
        error.message,
        "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."
    );
}

// ---- Broker precedence and dynamic updates -------------------------------------------------

#[test]
fn log_retention_ms_wins_over_minutes_which_wins_over_hours() {
    let hours = BrokerConfig::from_properties(&[("log.retention.hours", "24")]).expect("valid");
    assert_eq!(hours.log_retention_time_millis(), 86_400_000);
    let minutes = BrokerConfig::from_properties(&[
        ("log.retention.hours", "24"),
        ("log.retention.minutes", "30"),
    ])
    .expect("valid");
    assert_eq!(minutes.log_retention_time_millis(), 1_800_000);
    let millis = BrokerConfig::from_properties(&[
        ("log.retention.hours", "24"),
        ("log.retention.minutes", "30"),
        ("log.retention.ms", "1234"),
    ])
    .expect("valid");
    assert_eq!(millis.log_retention_time_millis(), 1234);
    let unlimited = BrokerConfig::from_properties(&[("log.retention.hours", "-1")]).expect("valid");
    assert_eq!(unlimited.log_retention_time_millis(), -1);
}

#[test]
fn a_read_only_broker_config_cannot_be_updated_dynamically() {
    // DynamicBrokerConfig.validateConfigs, wrapped by ConfigAdminManager.
    let mut broker = BrokerConfig::from_properties(&[("node.id", "1")]).expect("valid");
    let before = broker.clone();
    let error = refused(broker.alter_dynamic(
        DynamicScope::Broker,
        &[ConfigChange::set("num.partitions", "3")],
    ));
    assert_eq!(error.code, ErrorCode::InvalidRequest);
    assert_eq!(
        error.message,
        "Invalid config value for resource ConfigResource(type=BROKER, name='1'): Cannot update these configs dynamically: [num.partitions]"
    );
    assert_eq!(broker, before);
}

#[test]
fn several_read_only_configs_are_listed_in_java_hash_set_order() {
    let mut broker = BrokerConfig::from_properties(&[("node.id", "2")]).expect("valid");
    let error = refused(broker.alter_dynamic(
        DynamicScope::Broker,
        &[
            ConfigChange::set("num.partitions", "3"),
            ConfigChange::set("log.retention.hours", "1"),
        ],
    ));
    assert!(
        error.message.ends_with(
            "Cannot update these configs dynamically: [log.retention.hours, num.partitions]"
        ),
        "{}",
        error.message
    );
}

#[test]
fn listeners_can_change_per_broker_but_not_as_a_cluster_default() {
    let mut broker = BrokerConfig::default();
    let error = refused(broker.alter_dynamic(
        DynamicScope::ClusterDefault,
        &[ConfigChange::set("listeners", "PLAINTEXT://:9093")],
    ));
    assert_eq!(
        error.message,
        "Invalid config value for resource ConfigResource(type=BROKER, name=''): Cannot update these configs at default cluster level, broker id must be specified: [listeners]"
    );
    broker
        .alter_dynamic(
            DynamicScope::Broker,
            &[ConfigChange::set("listeners", "PLAINTEXT://:9093")],
        )
        .expect("per broker");
    assert_eq!(broker.listeners, "PLAINTEXT://:9093");
}

#[test]
fn a_bad_dynamic_value_is_refused_with_the_config_def_message() {
    let mut broker = BrokerConfig::from_properties(&[("node.id", "1")]).expect("valid");
    let error = refused(broker.alter_dynamic(
        DynamicScope::Broker,
        &[ConfigChange::set("log.retention.ms", "soon")],
    ));
    assert_eq!(
        error.message,
        "Invalid config value for resource ConfigResource(type=BROKER, name='1'): Invalid value soon for configuration log.retention.ms: Not a number of type LONG"
    );
}

#[test]
fn this_brokers_dynamic_config_wins_over_the_cluster_default() {
    let mut broker =
        BrokerConfig::from_properties(&[("message.max.bytes", "2000")]).expect("valid");
    broker
        .alter_dynamic(
            DynamicScope::ClusterDefault,
            &[ConfigChange::set("message.max.bytes", "3000")],
        )
        .expect("dynamic");
    assert_eq!(broker.message_max_bytes, 3000);
    broker
        .alter_dynamic(
            DynamicScope::Broker,
            &[ConfigChange::set("message.max.bytes", "4000")],
        )
        .expect("dynamic");
    assert_eq!(broker.message_max_bytes, 4000);
    broker
        .alter_dynamic(
            DynamicScope::ClusterDefault,
            &[ConfigChange::delete("message.max.bytes")],
        )
        .expect("dynamic");
    assert_eq!(broker.message_max_bytes, 4000);
    broker
        .alter_dynamic(
            DynamicScope::Broker,
            &[ConfigChange::delete("message.max.bytes")],
        )
        .expect("dynamic");
    assert_eq!(broker.message_max_bytes, 2000);
}

// ---- Topic values fall back to the broker --------------------------------------------------

#[test]
fn topic_values_fall_back_to_the_brokers_synonyms() {
    let broker = BrokerConfig::from_properties(&[
        ("log.retention.minutes", "10"),
        ("message.max.bytes", "2048"),
        ("log.roll.hours", "2"),
        ("log.cleanup.policy", "compact"),
        ("compression.type", "uncompressed"),
    ])
    .expect("valid");
    let resolved = TopicConfig::default().effective(&broker);
    assert_eq!(resolved.retention_ms, 600_000);
    assert_eq!(resolved.max_message_bytes, 2048);
    assert_eq!(resolved.segment_ms, 7_200_000);
    assert_eq!(resolved.cleanup_policy, CleanupPolicy::COMPACT);
    assert_eq!(
        resolved.compression_type,
        TopicCompression::Codec(CompressionType::None)
    );
    assert_eq!(
        resolved.get("compression.type").as_deref(),
        Some("uncompressed")
    );
}

#[test]
fn a_topic_override_wins_over_the_broker() {
    let broker = BrokerConfig::from_properties(&[("log.retention.ms", "1000")]).expect("valid");
    let topic = topic_with(
        &[
            ("retention.ms", "5000"),
            ("cleanup.policy", "compact,delete"),
        ],
        &broker,
    )
    .expect("valid");
    let resolved = topic.effective(&broker);
    assert_eq!(resolved.retention_ms, 5000);
    assert!(resolved.cleanup_policy.compact && resolved.cleanup_policy.delete);
}

#[test]
fn a_dynamic_broker_default_reaches_topics_without_an_override() {
    let mut broker = BrokerConfig::default();
    broker
        .alter_dynamic(
            DynamicScope::ClusterDefault,
            &[ConfigChange::set("log.retention.ms", "60000")],
        )
        .expect("dynamic");
    assert_eq!(
        TopicConfig::default().effective(&broker).retention_ms,
        60_000
    );
}

// ---- Producer post-processing --------------------------------------------------------------

#[test]
fn conflicting_acks_silently_disable_default_idempotence() {
    let mut producer = ProducerSettings::default();
    producer.set("acks", "1").expect("valid");
    let effective = producer.validate().expect("idempotence silently disabled");
    assert!(!effective.enable_idempotence);
}

#[test]
fn conflicting_acks_with_explicit_idempotence_refuse_to_start() {
    let mut producer = ProducerSettings::default();
    producer.set("enable.idempotence", "true").expect("valid");
    producer.set("acks", "1").expect("valid");
    let error = refused(producer.validate());
    assert_eq!(error.code, ErrorCode::ConfigException);
    assert_eq!(
        error.message,
        "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
    );
}

#[test]
fn zero_retries_conflict_with_idempotence_the_same_way() {
    let mut producer = ProducerSettings::default();
    producer.set("retries", "0").expect("valid");
    assert!(!producer.validate().expect("disabled").enable_idempotence);
    producer.set("enable.idempotence", "true").expect("valid");
    assert_eq!(
        refused(producer.validate()).message,
        "Must set retries to non-zero when using the idempotent producer."
    );
}

#[test]
fn more_than_five_in_flight_requests_break_idempotence() {
    let mut producer = ProducerSettings::default();
    producer
        .set("max.in.flight.requests.per.connection", "6")
        .expect("valid");
    assert_eq!(
        refused(producer.validate()).message,
        "To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 6."
    );
    producer.set("enable.idempotence", "false").expect("valid");
    assert!(producer.validate().is_ok());
}

#[test]
fn a_transactional_id_needs_idempotence() {
    let mut producer = ProducerSettings::default();
    producer.set("transactional.id", "tx-1").expect("valid");
    assert!(producer.validate().is_ok());
    producer.set("acks", "1").expect("valid");
    assert_eq!(
        refused(producer.validate()).message,
        "Cannot set a transactional.id without also enabling idempotence."
    );
    assert_eq!(
        refused(ProducerSettings::default().set("transactional.id", " ")).message,
        "Invalid value  for configuration transactional.id: String must be non-empty"
    );
}

#[test]
fn delivery_timeout_must_cover_linger_and_request_timeout() {
    let mut producer = ProducerSettings::default();
    producer.set("request.timeout.ms", "200000").expect("valid");
    let effective = producer.validate().expect("default raised");
    assert_eq!(effective.delivery_timeout_ms, 200_005);
    producer.set("delivery.timeout.ms", "1000").expect("valid");
    assert_eq!(
        refused(producer.validate()).message,
        "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
    );
}

#[test]
fn a_refused_producer_value_leaves_the_settings_unchanged() {
    let mut producer = ProducerSettings::default();
    let error = refused(producer.set("linger.ms", "-1"));
    assert_eq!(
        error.message,
        "Invalid value -1 for configuration linger.ms: Value must be at least 0"
    );
    assert_eq!(
        refused(producer.set("enable.idempotence", "maybe")).message,
        "Invalid value maybe for configuration enable.idempotence: Expected value to be either true or false"
    );
    assert_eq!(
        refused(producer.set("partitioner.class", "com.example.CustomPartitioner")).message,
        "Invalid value com.example.CustomPartitioner for configuration partitioner.class: Class com.example.CustomPartitioner could not be found."
    );
    assert_eq!(producer, ProducerSettings::default());
}

// ---- Consumer post-processing --------------------------------------------------------------

#[test]
fn auto_commit_without_a_group_is_refused_only_when_asked_for() {
    let consumer = ConsumerSettings::default();
    assert!(!consumer.validate().expect("turned off").enable_auto_commit);
    let mut explicit = ConsumerSettings::default();
    explicit.set("enable.auto.commit", "true").expect("valid");
    let error = refused(explicit.validate());
    assert_eq!(error.code, ErrorCode::InvalidConfig);
    assert_eq!(
        error.message,
        "enable.auto.commit cannot be set to true when default group id (null) is used."
    );
    assert!(
        ConsumerSettings::in_group("g")
            .validate()
            .expect("valid")
            .enable_auto_commit
    );
}

#[test]
fn group_management_needs_a_group_id_and_an_assignor() {
    let error = refused(ConsumerSettings::default().check_group_management());
    assert_eq!(error.code, ErrorCode::InvalidGroupId);
    assert_eq!(
        error.message,
        "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration."
    );
    let mut consumer = ConsumerSettings::in_group("g");
    assert!(consumer.check_group_management().is_ok());
    consumer
        .set("partition.assignment.strategy", "")
        .expect("an empty list parses");
    assert_eq!(
        refused(consumer.check_group_management()).message,
        "Must configure at least one partition assigner class name to partition.assignment.strategy configuration property"
    );
}

#[test]
fn the_heartbeat_must_be_shorter_than_the_session() {
    let mut consumer = ConsumerSettings::in_group("g");
    consumer
        .set("heartbeat.interval.ms", "45000")
        .expect("valid");
    let error = refused(consumer.validate());
    assert_eq!(error.code, ErrorCode::KafkaException);
    assert_eq!(
        error.message,
        "Heartbeat must be set lower than the session timeout"
    );
}

#[test]
fn consumer_values_are_checked_with_kafkas_messages() {
    let mut consumer = ConsumerSettings::default();
    assert_eq!(
        refused(consumer.set("auto.offset.reset", "sometimes")).message,
        "Invalid value sometimes for configuration auto.offset.reset: Invalid value `sometimes` for configuration auto.offset.reset. The value must be either 'earliest', 'latest', 'none' or of the format 'by_duration:<PnDTnHnMn.nS.>'."
    );
    assert_eq!(
        refused(consumer.set("isolation.level", "serializable")).message,
        "Invalid value serializable for configuration isolation.level: String must be one of: read_committed, read_uncommitted"
    );
    assert_eq!(
        refused(consumer.set("group.protocol", "other")).message,
        "Invalid value other for configuration group.protocol: String must be one of (case insensitive): CLASSIC, CONSUMER"
    );
    assert_eq!(
        refused(consumer.set("max.poll.records", "0")).message,
        "Invalid value 0 for configuration max.poll.records: Value must be at least 1"
    );
    consumer
        .set("auto.offset.reset", "earliest")
        .expect("valid");
    assert_eq!(consumer.auto_offset_reset, AutoOffsetReset::Earliest);
}

#[test]
fn the_consumer_group_protocol_is_valid_kafka_but_not_simulated() {
    let error = refused(ConsumerSettings::default().set("group.protocol", "consumer"));
    assert_eq!(error.code, ErrorCode::ConfigException);
    assert!(error.message.contains("not simulated"), "{}", error.message);
    assert!(ConsumerSettings::default()
        .set("group.protocol", "CLASSIC")
        .is_ok());
}

#[test]
fn duplicate_assignors_are_refused_like_get_assignor_instances() {
    let error = refused(ConsumerSettings::default().set(
        "partition.assignment.strategy",
        "org.apache.kafka.clients.consumer.RangeAssignor,range",
    ));
    assert_eq!(
        error.message,
        "The assignor name: 'range' is used in more than one assignor: org.apache.kafka.clients.consumer.RangeAssignor, org.apache.kafka.clients.consumer.RangeAssignor"
    );
}

// ---- kafka-configs --describe --------------------------------------------------------------

fn row_line(rows: &[kplay_core::config::DescribeRow], name: &str) -> String {
    rows.iter()
        .find(|row| row.name == name)
        .map(|row| row.line())
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn topic_describe_shows_the_override_then_the_brokers_synonyms() {
    let broker = BrokerConfig::from_properties(&[("log.retention.ms", "1000")]).expect("valid");
    let topic = topic_with(&[("retention.ms", "5000")], &broker).expect("valid");
    let rows = topic.describe(&broker);
    assert_eq!(
        row_line(&rows, "retention.ms"),
        "  retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=5000, STATIC_BROKER_CONFIG:log.retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}"
    );
    assert_eq!(
        row_line(&rows, "segment.bytes"),
        "  segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.bytes=1073741824}"
    );
    assert_eq!(
        row_line(&rows, "max.message.bytes"),
        "  max.message.bytes=1048588 sensitive=false synonyms={DEFAULT_CONFIG:message.max.bytes=1048588}"
    );
}

#[test]
fn topic_retention_synonyms_start_at_log_retention_ms() {
    // ConfigHelper.configSynonyms drops the synonyms before the primary one: with only
    // log.retention.hours set, retention.ms lists no synonym at all.
    let broker = BrokerConfig::from_properties(&[("log.retention.hours", "24")]).expect("valid");
    let rows = TopicConfig::default().describe(&broker);
    assert_eq!(
        row_line(&rows, "retention.ms"),
        "  retention.ms=86400000 sensitive=false synonyms={}"
    );
}

#[test]
fn describe_without_all_shows_only_the_topics_overrides() {
    let broker = BrokerConfig::default();
    let topic = topic_with(&[("cleanup.policy", "compact")], &broker).expect("valid");
    let entity = DescribeEntity::Topic("users".into());
    assert_eq!(
        entity.render(&topic.describe(&broker), false),
        vec![
            "Dynamic configs for topic users are:".to_string(),
            "  cleanup.policy=compact sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}".to_string(),
        ]
    );
}

#[test]
fn broker_describe_names_every_layer_in_precedence_order() {
    let mut broker =
        BrokerConfig::from_properties(&[("node.id", "1"), ("log.retention.ms", "1000")])
            .expect("valid");
    broker
        .alter_dynamic(
            DynamicScope::ClusterDefault,
            &[ConfigChange::set("log.retention.ms", "2000")],
        )
        .expect("dynamic");
    broker
        .alter_dynamic(
            DynamicScope::Broker,
            &[ConfigChange::set("log.retention.ms", "3000")],
        )
        .expect("dynamic");
    let rows = broker.describe();
    assert_eq!(
        row_line(&rows, "log.retention.ms"),
        "  log.retention.ms=3000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=3000, DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=2000, STATIC_BROKER_CONFIG:log.retention.ms=1000, DEFAULT_CONFIG:log.retention.hours=168}"
    );
    assert_eq!(
        row_line(&rows, "log.retention.minutes"),
        "  log.retention.minutes=null sensitive=false synonyms={}"
    );
    assert_eq!(
        row_line(&rows, "num.partitions"),
        "  num.partitions=1 sensitive=false synonyms={DEFAULT_CONFIG:num.partitions=1}"
    );
    let row = rows
        .iter()
        .find(|row| row.name == "num.partitions")
        .expect("row");
    assert!(row.read_only);
    assert_eq!(row.source, ConfigSource::DefaultConfig);

    let dynamic = DescribeEntity::Broker(1).render(&rows, false);
    assert_eq!(dynamic.len(), 2);
    assert_eq!(dynamic[0], "Dynamic configs for broker 1 are:");

    let defaults = broker.describe_cluster_default();
    assert_eq!(
        DescribeEntity::BrokerDefault.render(&defaults, false),
        vec![
            "Default configs for brokers in the cluster are:".to_string(),
            "  log.retention.ms=2000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=2000}".to_string(),
        ]
    );
}

// ---- Metadata and determinism --------------------------------------------------------------

#[test]
fn keys_carry_type_default_validator_and_update_mode() {
    let key = BrokerConfig::key("log.segment.bytes").expect("known");
    assert_eq!(key.config_type.doc_name(), "int");
    assert_eq!(key.default, Some("1073741824"));
    assert_eq!(key.valid_values(), "[1048576,...]");
    assert_eq!(key.importance.as_str(), "high");
    assert_eq!(
        key.update_mode.map(|mode| mode.as_str()),
        Some("cluster-wide")
    );
    let key = BrokerConfig::key("log.retention.hours").expect("known");
    assert_eq!(key.update_mode.map(|mode| mode.as_str()), Some("read-only"));
    let key = ConsumerSettings::key("group.protocol").expect("known");
    assert_eq!(key.valid_values(), "(case insensitive) [CLASSIC, CONSUMER]");
    assert_eq!(
        ProducerSettings::key("client.id").map(|k| k.default_for_docs()),
        Some("\"\"".into())
    );
    for keys in [
        BrokerConfig::keys(),
        TopicConfig::keys(),
        ProducerSettings::keys(),
        ConsumerSettings::keys(),
    ] {
        for key in keys {
            assert!(!key.documentation.is_empty(), "{}", key.name);
            assert!(!key.documentation.contains('<'), "html in {}", key.name);
        }
    }
}

#[test]
fn settings_round_trip_through_json() {
    let mut producer = ProducerSettings::default();
    producer.set("linger.ms", "20").expect("valid");
    let json = serde_json::to_string(&producer).expect("serializes");
    let back: ProducerSettings = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, producer);

    let mut broker = BrokerConfig::from_properties(&[("node.id", "1")]).expect("valid");
    broker
        .alter_dynamic(
            DynamicScope::Broker,
            &[ConfigChange::set("min.insync.replicas", "2")],
        )
        .expect("dynamic");
    let json = serde_json::to_string(&broker).expect("serializes");
    let back: BrokerConfig = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, broker);
}
