//! One member of a classic group, as the coordinator knows it (Kafka's `ClassicGroupMember`).
//!
//! A member has the id the coordinator gave it (`client.id` or `group.instance.id`, a dash and
//! a random UUID), the protocols (assignors) it supports with its subscription for each, its
//! timeouts, the assignment the leader gave it, and the JoinGroup or SyncGroup request the
//! coordinator is holding for it, if any.

use crate::ids::TopicPartition;
use crate::kinds::AssignorKind;
use crate::network::NodeId;
use crate::protocol::group::Subscription;
use crate::rng::SimRng;

/// `ConsumerProtocol.PROTOCOL_TYPE`: every Java consumer joins with protocol type `consumer`.
pub const CONSUMER_PROTOCOL_TYPE: &str = "consumer";

/// A request the coordinator holds and will answer later (Kafka's response futures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingResponse {
    /// Who asked.
    pub node: NodeId,
    /// Its request.
    pub request_id: u64,
}

/// One member of a classic group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassicGroupMember {
    /// The member id.
    pub member_id: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    /// The member's `client.id`.
    pub client_id: String,
    /// The member's address, as Kafka prints it (`/10.0.0.7`).
    pub client_host: String,
    /// `max.poll.interval.ms`: how long a rebalance waits for it.
    pub rebalance_timeout_ms: i64,
    /// `session.timeout.ms`.
    pub session_timeout_ms: i64,
    /// The assignors it supports, preferred first, with its subscription for each.
    pub protocols: Vec<(AssignorKind, Subscription)>,
    /// What the leader assigned it in the current generation.
    pub assignment: Vec<TopicPartition>,
    /// Its JoinGroup, held until the join phase completes.
    pub awaiting_join: Option<PendingResponse>,
    /// Its SyncGroup, held until the leader's assignment is stored.
    pub awaiting_sync: Option<PendingResponse>,
    /// Whether it joined in this rebalance for the first time (it may still time out while
    /// its JoinGroup is held).
    pub is_new: bool,
    /// The id of its current session expiry timer; older timers are ignored.
    pub heartbeat_timer: u64,
}

impl ClassicGroupMember {
    /// Whether it uses static membership.
    pub fn is_static(&self) -> bool {
        self.group_instance_id.is_some()
    }

    /// Whether the coordinator holds its JoinGroup.
    pub fn is_awaiting_join(&self) -> bool {
        self.awaiting_join.is_some()
    }

    /// Whether the coordinator holds its SyncGroup.
    pub fn is_awaiting_sync(&self) -> bool {
        self.awaiting_sync.is_some()
    }

    /// `hasSatisfiedHeartbeat`: a member waiting in a rebalance counts as alive, unless it is
    /// new (a new member whose JoinGroup is held may still expire).
    pub fn has_satisfied_heartbeat(&self) -> bool {
        !self.is_new && (self.is_awaiting_join() || self.is_awaiting_sync())
    }

    /// `matches`: whether a JoinGroup carries exactly the protocols and metadata it has.
    pub fn matches(&self, protocols: &[(AssignorKind, Subscription)]) -> bool {
        self.protocols == protocols
    }

    /// `vote`: the first of its protocols (in its preference order) among `candidates`.
    pub fn vote(&self, candidates: &[AssignorKind]) -> Option<AssignorKind> {
        self.protocols
            .iter()
            .map(|(kind, _)| *kind)
            .find(|kind| candidates.contains(kind))
    }

    /// Its subscription for `protocol` (the metadata the leader's assignor gets).
    pub fn subscription(&self, protocol: AssignorKind) -> Option<&Subscription> {
        self.protocols
            .iter()
            .find(|(kind, _)| *kind == protocol)
            .map(|(_, subscription)| subscription)
    }

    /// The names of its protocols.
    pub fn protocol_names(&self) -> Vec<AssignorKind> {
        self.protocols.iter().map(|(kind, _)| *kind).collect()
    }
}

/// `ClassicGroup.generateMemberId`: `group.instance.id` (static) or `client.id` (dynamic), a
/// dash, and a random UUID drawn from the simulation's generator.
pub fn generate_member_id(
    client_id: &str,
    group_instance_id: Option<&str>,
    rng: &mut SimRng,
) -> String {
    let prefix = group_instance_id.unwrap_or(client_id);
    format!("{prefix}-{}", random_uuid(rng))
}

/// A version 4 UUID in Java's `UUID.toString()` form, from two 64-bit draws.
pub fn random_uuid(rng: &mut SimRng) -> String {
    let high = (rng.next_u64() & !0xF000) | 0x4000;
    let low = (rng.next_u64() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xFFFF,
        high & 0xFFFF,
        low >> 48,
        low & 0xFFFF_FFFF_FFFF
    )
}

/// The address a client connects from, as Kafka prints a member's host (`/10.0.0.7`).
/// Simplification: the simulated network gives client `n` the address `10.0.x.y` with
/// `x.y` = n + 1 in base 256.
pub fn client_host(node: NodeId) -> String {
    match node {
        NodeId::Client(client) => {
            let number = client.0.wrapping_add(1);
            format!("/10.0.{}.{}", (number >> 8) & 0xFF, number & 0xFF)
        }
        NodeId::Broker(broker) => format!("/10.0.255.{}", broker.0 & 0xFF),
        NodeId::ZooKeeper => "/10.0.255.0".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::ClientId;

    fn subscription(topic: &str) -> Subscription {
        Subscription {
            topics: vec![topic.to_string()],
            owned_partitions: Vec::new(),
            generation: None,
            rack_id: None,
        }
    }

    fn member(protocols: Vec<(AssignorKind, Subscription)>) -> ClassicGroupMember {
        ClassicGroupMember {
            member_id: "m".into(),
            group_instance_id: None,
            client_id: "c".into(),
            client_host: "/10.0.0.1".into(),
            rebalance_timeout_ms: 300_000,
            session_timeout_ms: 45_000,
            protocols,
            assignment: Vec::new(),
            awaiting_join: None,
            awaiting_sync: None,
            is_new: false,
            heartbeat_timer: 0,
        }
    }

    // ClassicGroupMemberTest.testVoteForPreferredProtocol.
    #[test]
    fn a_member_votes_for_its_most_preferred_candidate() {
        let m = member(vec![
            (AssignorKind::Range, subscription("t")),
            (AssignorKind::CooperativeSticky, subscription("t")),
        ]);
        assert_eq!(
            m.vote(&[AssignorKind::CooperativeSticky, AssignorKind::Range]),
            Some(AssignorKind::Range)
        );
        assert_eq!(
            m.vote(&[AssignorKind::CooperativeSticky]),
            Some(AssignorKind::CooperativeSticky)
        );
        assert_eq!(m.vote(&[AssignorKind::Sticky]), None);
    }

    // ClassicGroupMemberTest.testHasSatisfiedHeartbeat.
    #[test]
    fn a_waiting_member_satisfies_its_heartbeat_unless_it_is_new() {
        let mut m = member(Vec::new());
        assert!(!m.has_satisfied_heartbeat());
        m.awaiting_join = Some(PendingResponse {
            node: NodeId::Client(ClientId(0)),
            request_id: 1,
        });
        assert!(m.has_satisfied_heartbeat());
        m.is_new = true;
        assert!(!m.has_satisfied_heartbeat());
    }

    #[test]
    fn member_ids_are_the_client_id_and_a_version_4_uuid() {
        let mut rng = SimRng::seed_from_u64(1);
        let id = generate_member_id("consumer-1", None, &mut rng);
        assert!(id.starts_with("consumer-1-"));
        let uuid = &id["consumer-1-".len()..];
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
        assert!(matches!(uuid.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        let static_id = generate_member_id("consumer-1", Some("instance-a"), &mut rng);
        assert!(static_id.starts_with("instance-a-"));
    }

    #[test]
    fn client_hosts_look_like_addresses() {
        assert_eq!(client_host(NodeId::Client(ClientId(0))), "/10.0.0.1");
        assert_eq!(client_host(NodeId::Client(ClientId(255))), "/10.0.1.0");
    }
}
