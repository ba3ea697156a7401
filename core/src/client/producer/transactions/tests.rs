//! Unit tests of the transaction manager's state machine, after Kafka's
//! `TransactionManagerTest`.

use super::calls::TxnCall;
use super::requests::TxnRequestKind;
use super::{GroupMetadata, TransactionManager, TxnState};
use crate::cluster::context::TestWorld;
use crate::error::{ErrorCode, KafkaError};
use crate::ids::{Offset, ProducerId, TopicPartition};
use crate::network::ClientId;
use crate::protocol::group::CoordinatorType;

fn manager() -> TransactionManager {
    TransactionManager::new(ClientId(0), "txn-1".into(), 60_000, 100)
}

/// A manager that finished `initTransactions()`.
fn ready(world: &mut TestWorld) -> TransactionManager {
    let mut manager = manager();
    let result = manager
        .initialize_transactions()
        .expect("uninitialized can initialize");
    manager.block_on(TxnCall::InitTransactions, result, i64::MAX);
    let request = manager
        .next_request(false, &mut world.ctx())
        .expect("InitProducerId");
    assert!(matches!(
        request.kind,
        TxnRequestKind::InitProducerId {
            is_epoch_bump: false
        }
    ));
    manager.init_producer_id_answered(request, Ok((ProducerId(5), 0)), &mut world.ctx());
    assert_eq!(manager.results[&result].outcome, Some(Ok(())));
    manager
}

fn partition() -> TopicPartition {
    TopicPartition::new("orders", 0)
}

/// `TransactionManagerTest.testFailIfNotReadyForSendNoProducerId`.
#[test]
fn send_before_init_transactions_is_refused() {
    let mut manager = manager();
    let error = manager
        .maybe_add_partition(&partition())
        .expect_err("refused");
    assert_eq!(
        error.message,
        "Cannot add partition orders-0 to transaction before completing a call to initTransactions"
    );
}

/// `TransactionManagerTest.testMaybeAddPartitionToTransaction` then
/// `testNotReadyForSendBeforeBeginTransaction`-style.
#[test]
fn a_partition_joins_the_transaction_only_after_add_partitions_is_answered() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    let error = manager
        .maybe_add_partition(&partition())
        .expect_err("not in a transaction");
    assert_eq!(
        error.message,
        "Cannot add partition orders-0 to transaction while in state  READY"
    );
    manager.begin_transaction().expect("ready can begin");
    manager
        .maybe_add_partition(&partition())
        .expect("in a transaction");
    assert!(!manager.is_send_to_partition_allowed(&partition()));
    let request = manager
        .next_request(true, &mut world.ctx())
        .expect("AddPartitionsToTxn");
    assert_eq!(
        request.kind,
        TxnRequestKind::AddPartitions {
            partitions: vec![partition()]
        }
    );
    manager.add_partitions_answered(request, vec![(partition(), Ok(()))], &mut world.ctx());
    assert!(manager.is_send_to_partition_allowed(&partition()));
    assert!(manager.transaction_started);
}

/// `TransactionManagerTest.testEndTxnNotSentIfIncompleteBatches`: EndTxn waits for every
/// batch; FindCoordinator goes first.
#[test]
fn end_txn_waits_for_incomplete_batches_and_find_coordinator_goes_first() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    manager.begin_transaction().expect("begin");
    manager.transaction_started = true;
    manager.begin_commit().expect("commit");
    assert!(manager.next_request(true, &mut world.ctx()).is_none());
    manager.lookup_coordinator(CoordinatorType::Transaction, "txn-1");
    let request = manager
        .next_request(true, &mut world.ctx())
        .expect("FindCoordinator");
    assert!(matches!(
        request.kind,
        TxnRequestKind::FindCoordinator { .. }
    ));
    let request = manager
        .next_request(false, &mut world.ctx())
        .expect("EndTxn");
    assert_eq!(request.kind, TxnRequestKind::EndTxn { commit: true });
}

/// `TransactionManager.nextRequest`: a transaction the coordinator never heard of completes
/// without an EndTxn.
#[test]
fn a_transaction_without_partitions_ends_without_end_txn() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    manager.begin_transaction().expect("begin");
    let result = manager.begin_abort().expect("abort");
    manager.block_on(TxnCall::AbortTransaction, result, i64::MAX);
    assert!(manager.next_request(false, &mut world.ctx()).is_none());
    assert_eq!(manager.results[&result].outcome, Some(Ok(())));
    assert_eq!(manager.state, TxnState::Ready);
}

/// `TransactionManagerTest.testFencedInstanceIdInTxnOffsetCommitByGroupMetadata`-style
/// fencing and `testProducerFencedExceptionInInitProducerId`: once fenced, every call throws
/// `ProducerFencedException` with Kafka's message.
#[test]
fn a_fenced_producer_fails_every_later_call() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    manager.begin_transaction().expect("begin");
    manager.transaction_started = true;
    let result = manager.begin_commit().expect("commit");
    manager.block_on(TxnCall::CommitTransaction, result, i64::MAX);
    let request = manager
        .next_request(false, &mut world.ctx())
        .expect("EndTxn");
    let fenced = KafkaError::with_default_message(ErrorCode::ProducerFenced);
    manager.end_txn_answered(request, Some(fenced), &mut world.ctx());
    assert_eq!(manager.state, TxnState::FatalError);
    assert_eq!(
        manager.results[&result]
            .outcome
            .clone()
            .map(|outcome| outcome.map_err(|e| e.code)),
        Some(Err(ErrorCode::ProducerFenced))
    );
    let error = manager.begin_abort().expect_err("fatal");
    assert_eq!(error.code, ErrorCode::ProducerFenced);
    assert_eq!(
        error.message,
        "Producer with transactionalId 'txn-1' and (producerId=5, epoch=0) has been fenced by another producer with the same transactionalId"
    );
}

/// `TransactionManagerTest.testTransitionToAbortableErrorOnBatchExpiry` and
/// `testRecoveryFromAbortableErrorTransactionStarted`: a failed batch makes the transaction
/// abortable; commit throws, abort is allowed and bumps the epoch (KIP-360).
#[test]
fn a_failed_batch_makes_the_transaction_abortable_and_bumps_the_epoch_after_the_abort() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    manager.begin_transaction().expect("begin");
    manager.transaction_started = true;
    let timeout = KafkaError::new(ErrorCode::ClientTimeout, "Expiring 1 record(s)");
    manager.batch_failed(&timeout, &mut world.ctx());
    assert_eq!(manager.state, TxnState::AbortableError);
    let error = manager.begin_commit().expect_err("abortable");
    assert_eq!(
        error.message,
        "Cannot execute transactional method because we are in an error state"
    );
    let result = manager.begin_abort().expect("abort is allowed");
    manager.block_on(TxnCall::AbortTransaction, result, i64::MAX);
    let end_txn = manager
        .next_request(false, &mut world.ctx())
        .expect("EndTxn");
    assert_eq!(end_txn.kind, TxnRequestKind::EndTxn { commit: false });
    manager.end_txn_answered(end_txn, None, &mut world.ctx());
    assert_eq!(manager.state, TxnState::Initializing);
    let bump = manager
        .next_request(false, &mut world.ctx())
        .expect("InitProducerId");
    assert_eq!(
        bump.kind,
        TxnRequestKind::InitProducerId {
            is_epoch_bump: true
        }
    );
    manager.init_producer_id_answered(bump, Ok((ProducerId(5), 1)), &mut world.ctx());
    assert_eq!(manager.state, TxnState::Ready);
    assert_eq!(manager.results[&result].outcome, Some(Ok(())));
    assert_eq!(manager.producer_id_and_epoch, Some((ProducerId(5), 1)));
}

/// `KafkaProducerTest.testCommitTransactionWithRecordTooLargeException`-style timeouts and
/// `TransactionManager.throwIfPendingState`: a call that timed out must be retried first.
#[test]
fn a_timed_out_commit_must_be_retried_before_anything_else() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    manager.begin_transaction().expect("begin");
    manager.transaction_started = true;
    let result = manager.begin_commit().expect("commit");
    manager.block_on(super::calls::TxnCall::CommitTransaction, result, 0);
    manager.blocked_call_expired(result, 60_000, &mut world.ctx());
    assert!(manager.blocked.is_none());
    let error = manager.begin_transaction().expect_err("pending");
    assert_eq!(
        error.message,
        "Cannot attempt operation `beginTransaction` because the previous call to `commitTransaction` timed out and must be retried"
    );
    assert_eq!(manager.begin_commit().expect("retry"), result);
}

/// `TransactionManager.sendOffsetsToTransaction`: only inside a transaction.
#[test]
fn offsets_are_sent_only_inside_a_transaction() {
    let mut world = TestWorld::new();
    let mut manager = ready(&mut world);
    let group = GroupMetadata {
        group_id: "g".into(),
        generation_id: 1,
        member_id: "m".into(),
    };
    let error = manager
        .send_offsets_to_transaction(vec![(partition(), Offset(3))], group.clone())
        .expect_err("not in a transaction");
    assert_eq!(
        error.message,
        "Cannot send offsets if a transaction is not in progress (currentState= READY)"
    );
    manager.begin_transaction().expect("begin");
    manager
        .send_offsets_to_transaction(vec![(partition(), Offset(3))], group)
        .expect("in a transaction");
    let request = manager
        .next_request(false, &mut world.ctx())
        .expect("AddOffsetsToTxn");
    manager.add_offsets_answered(request, None, &mut world.ctx());
    let request = manager
        .next_request(false, &mut world.ctx())
        .expect("TxnOffsetCommit");
    assert!(matches!(
        request.kind,
        TxnRequestKind::TxnOffsetCommit { .. }
    ));
    assert_eq!(manager.pending_offsets.len(), 1);
    assert!(manager.transaction_started);
}
