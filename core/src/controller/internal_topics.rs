//! Topics a broker asks the controller to create (CreateTopics from
//! `AutoTopicCreationManager`): internal topics with their own settings, others with the
//! broker defaults (`auto.create.topics.enable`).
//!
//! `__transaction_state` gets `transaction.state.log.num.partitions` partitions, replication
//! factor `transaction.state.log.replication.factor`, and the configs of
//! `TransactionStateManager.transactionTopicConfigs`: compacted, uncompressed,
//! `min.insync.replicas = transaction.state.log.min.isr`, `segment.bytes =
//! transaction.state.log.segment.bytes`, no unclean election.
//!
//! Simplification: the playground caps the replication factor at the live brokers (Kafka
//! refuses to create the topic until enough brokers are up, so transactions wait), and caps
//! `min.insync.replicas` at that replication factor so a small cluster can still write it.

use crate::cluster::context::Ctx;
use crate::error::KafkaError;
use crate::transaction::{TRANSACTION_STATE_LOG_SEGMENT_BYTES, TRANSACTION_STATE_TOPIC};

use super::Controller;

impl Controller {
    /// Creates a topic a broker asked for.
    pub fn create_requested_topic(&mut self, name: &str, ctx: &mut Ctx) -> Result<(), KafkaError> {
        if name == TRANSACTION_STATE_TOPIC {
            return self.create_transaction_state_topic(ctx);
        }
        self.auto_create_topic(name, ctx).map(|_| ())
    }

    /// Creates `__transaction_state` (if it does not exist yet).
    fn create_transaction_state_topic(&mut self, ctx: &mut Ctx) -> Result<(), KafkaError> {
        let live = i32::try_from(self.image.live_brokers().len()).unwrap_or(i32::MAX);
        let replication_factor = self
            .settings
            .transaction_state_log_replication_factor
            .min(live)
            .max(1);
        let min_isr = self
            .settings
            .transaction_state_log_min_isr
            .min(replication_factor)
            .max(1);
        let configs = vec![
            ("cleanup.policy".to_string(), "compact".to_string()),
            ("compression.type".to_string(), "uncompressed".to_string()),
            ("min.insync.replicas".to_string(), min_isr.to_string()),
            (
                "segment.bytes".to_string(),
                TRANSACTION_STATE_LOG_SEGMENT_BYTES.to_string(),
            ),
            (
                "unclean.leader.election.enable".to_string(),
                "false".to_string(),
            ),
        ];
        let partitions = self.settings.transaction_state_log_num_partitions;
        self.create_internal_topic(
            TRANSACTION_STATE_TOPIC,
            partitions,
            replication_factor,
            configs,
            ctx,
        )
    }
}
