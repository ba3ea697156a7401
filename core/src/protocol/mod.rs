//! The messages nodes exchange: Kafka's protocol APIs, reduced to the fields the simulation uses.
//!
//! A [`Message`] carries one [`Body`] from one node to another over the simulated
//! [`Network`](crate::network::Network). Requests carry a `request_id` unique to their sender so
//! the response, a refusal or a timeout can be matched to them. The families of APIs live in
//! their own files:
//! - [`produce`] for Produce;
//! - [`fetch`] for Fetch (followers and consumers) and ListOffsets;
//! - [`metadata`] for Metadata, and CreateTopics for auto-created topics;
//! - [`controller`] for what brokers and the controller say to each other (registration,
//!   heartbeats, the metadata log, AlterPartition) and ZooKeeper sessions in the legacy mode;
//! - [`group`] for the consumer group protocol (FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
//!   LeaveGroup, OffsetCommit, OffsetFetch);
//! - [`txn`] for transactions (InitProducerId, AddPartitionsToTxn, EndTxn, WriteTxnMarkers, ...).

pub mod controller;
pub mod fetch;
pub mod group;
pub mod metadata;
pub mod produce;
pub mod txn;

use serde::{Deserialize, Serialize};

use crate::network::NodeId;

pub use controller::{ControllerBody, MetadataRecord, ZooKeeperBody};
pub use fetch::{
    EpochQuery, FetchPartition, FetchRequest, FetchResponse, FetchedPartition,
    ListOffsetsPartition, ListOffsetsRequest, ListOffsetsResponse, OffsetSpec,
    OffsetsForLeaderEpochRequest, OffsetsForLeaderEpochResponse,
};
pub use group::GroupBody;
pub use metadata::{MetadataRequest, MetadataResponse, PartitionMetadata, TopicMetadata};
pub use produce::{PartitionProduceResponse, ProduceRequest, ProduceResponse};
pub use txn::TxnBody;

/// One message in flight (or delivered) between two nodes.
#[derive(Debug, Clone)]
pub struct Message {
    /// A number unique in the simulation, in send order.
    pub id: u64,
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// When it was sent, in simulated ms.
    pub sent_ms: i64,
    /// When it arrives (or arrived), in simulated ms.
    pub deliver_ms: i64,
    /// What it says.
    pub body: Body,
}

/// What a message says.
#[derive(Debug, Clone)]
pub enum Body {
    /// Produce request (API key 0).
    ProduceRequest(ProduceRequest),
    /// Produce response.
    ProduceResponse(ProduceResponse),
    /// Fetch request (API key 1), from a follower or a consumer.
    FetchRequest(FetchRequest),
    /// Fetch response.
    FetchResponse(FetchResponse),
    /// ListOffsets request (API key 2).
    ListOffsetsRequest(ListOffsetsRequest),
    /// ListOffsets response.
    ListOffsetsResponse(ListOffsetsResponse),
    /// OffsetsForLeaderEpoch request (API key 23), from a consumer.
    OffsetsForLeaderEpochRequest(OffsetsForLeaderEpochRequest),
    /// OffsetsForLeaderEpoch response.
    OffsetsForLeaderEpochResponse(OffsetsForLeaderEpochResponse),
    /// Metadata request (API key 3).
    MetadataRequest(MetadataRequest),
    /// Metadata response.
    MetadataResponse(MetadataResponse),
    /// Broker <-> controller traffic.
    Controller(ControllerBody),
    /// Broker <-> ZooKeeper traffic (legacy mode).
    ZooKeeper(ZooKeeperBody),
    /// Consumer group protocol.
    Group(GroupBody),
    /// Transactions.
    Txn(TxnBody),
    /// The receiver was down: the request comes back to its sender, as a refused TCP
    /// connection (or a connection reset by a crashed broker) tells a real client at once.
    Refused(Box<Body>),
    /// The receiver's SASL listener refused the sender's login, and closed the connection:
    /// the request comes back, with the `SaslAuthenticationException` the client gets.
    AuthenticationFailed {
        /// The request.
        request: Box<Body>,
        /// Why (`SASL_AUTHENTICATION_FAILED`).
        error: crate::error::KafkaError,
    },
    /// A request the receiver was holding is lost with the receiver's crash: the connection
    /// was reset, so the sender learns at once (`NETWORK_EXCEPTION`).
    Disconnected {
        /// The lost request.
        request_id: u64,
    },
}

impl Body {
    /// A short name for diagrams and the trace: `Produce`, `Fetch`, `Heartbeat`, ...
    pub fn api_name(&self) -> &'static str {
        match self {
            Body::ProduceRequest(_) => "Produce",
            Body::ProduceResponse(_) => "Produce response",
            Body::FetchRequest(request) if request.replica.is_some() => "Fetch (replica)",
            Body::FetchRequest(_) => "Fetch",
            Body::FetchResponse(_) => "Fetch response",
            Body::ListOffsetsRequest(_) => "ListOffsets",
            Body::ListOffsetsResponse(_) => "ListOffsets response",
            Body::OffsetsForLeaderEpochRequest(_) => "OffsetsForLeaderEpoch",
            Body::OffsetsForLeaderEpochResponse(_) => "OffsetsForLeaderEpoch response",
            Body::MetadataRequest(_) => "Metadata",
            Body::MetadataResponse(_) => "Metadata response",
            Body::Controller(body) => body.api_name(),
            Body::ZooKeeper(body) => body.api_name(),
            Body::Group(body) => body.api_name(),
            Body::Txn(body) => body.api_name(),
            Body::Refused(_) => "Connection refused",
            Body::AuthenticationFailed { .. } => "Authentication failed",
            Body::Disconnected { .. } => "Connection reset",
        }
    }

    /// Whether this is a follower's fetch, which [`Network::hold`](crate::network::Network::hold)
    /// stops.
    pub fn is_replica_fetch(&self) -> bool {
        matches!(self, Body::FetchRequest(request) if request.replica.is_some())
    }

    /// Whether this is a request (expects an answer), as opposed to a response or notice.
    pub fn is_request(&self) -> bool {
        match self {
            Body::ProduceRequest(_)
            | Body::FetchRequest(_)
            | Body::ListOffsetsRequest(_)
            | Body::OffsetsForLeaderEpochRequest(_)
            | Body::MetadataRequest(_) => true,
            Body::Controller(body) => body.is_request(),
            Body::ZooKeeper(body) => body.is_request(),
            Body::Group(body) => body.is_request(),
            Body::Txn(body) => body.is_request(),
            _ => false,
        }
    }
}

/// The kind of a message, for views: what the UI animates between nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// The message's id.
    pub id: u64,
    /// The sender.
    pub from: NodeId,
    /// The receiver.
    pub to: NodeId,
    /// When it was sent (ms).
    pub sent_ms: i64,
    /// When it arrives (ms); `None` while it is held.
    pub deliver_ms: Option<i64>,
    /// The API, e.g. `Produce`.
    pub api: String,
    /// Whether it is a request.
    pub is_request: bool,
}

impl MessageView {
    /// The view of a message; `held` when it waits for a release.
    pub fn of(message: &Message, held: bool) -> MessageView {
        MessageView {
            id: message.id,
            from: message.from,
            to: message.to,
            sent_ms: message.sent_ms,
            deliver_ms: (!held).then_some(message.deliver_ms),
            api: message.body.api_name().to_string(),
            is_request: message.body.is_request(),
        }
    }
}
