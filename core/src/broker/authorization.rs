//! The broker's SASL listener and authorizer at work. A client's SASL/PLAIN login must name
//! one of the listener's users with its password (`SaslServerAuthenticator`,
//! `PlainServerCallbackHandler`), or the connection is closed. Then (`AuthHelper` in
//! `KafkaApis`), before a client request touches a topic, a group or a transactional id, the
//! broker asks whether the principal of the client's connection may (see [`crate::acl`]). A
//! denied resource gets Kafka's `*_AUTHORIZATION_FAILED` error in the answer, and the
//! authorizer logs the denial.
//!
//! Requests between brokers and from the controller are not checked (Kafka's brokers talk
//! over a listener whose principal is a super user).

use crate::acl::{AclOperation, ResourceType};
use crate::cluster::context::Ctx;
use crate::cluster::event::EventKind;
use crate::error::{ErrorCode, KafkaError};
use crate::network::NodeId;
use crate::protocol::Body;

use super::Broker;

impl Broker {
    /// Whether the sender's login passes the SASL/PLAIN listener: always for a broker, a
    /// `PLAINTEXT` client, or a broker without the listener's JAAS line (a stated
    /// simplification: Kafka's would not start its listener).
    pub(crate) fn authenticates(&self, from: NodeId, ctx: &Ctx) -> bool {
        let (Some(users), NodeId::Client(client)) = (&self.settings.plain_users, from) else {
            return true;
        };
        ctx.principals
            .get(&client)
            .is_none_or(|login| crate::acl::authenticates(users, login))
    }

    /// A refused login: the listener logs it and closes the connection, and the request comes
    /// back to its client with `SaslAuthenticationException` (`PlainSaslServer`'s message).
    pub(crate) fn refuse_login(&self, from: NodeId, request: Body, ctx: &mut Ctx) {
        let NodeId::Client(client) = from else {
            return;
        };
        let principal = crate::acl::principal_of(ctx.principals, from).unwrap_or_default();
        ctx.emit(EventKind::AuthenticationFailed {
            broker: self.id,
            client,
            principal: principal.to_string(),
        });
        let error = KafkaError::new(
            ErrorCode::SaslAuthenticationFailed,
            "Authentication failed: Invalid username or password",
        );
        let request = Box::new(request);
        ctx.send(from, Body::AuthenticationFailed { request, error });
    }

    /// The topics among `topics` the sender of an `api` request may not do `operation` on,
    /// each checked (and a denial logged) once; none without an authorizer.
    pub(crate) fn topics_denied<'t>(
        &self,
        from: NodeId,
        api: &str,
        operation: AclOperation,
        topics: impl IntoIterator<Item = &'t str>,
        ctx: &mut Ctx,
    ) -> Vec<String> {
        if !self.has_authorizer() {
            return Vec::new();
        }
        let mut checked: Vec<&str> = Vec::new();
        let mut denied = Vec::new();
        for topic in topics {
            if checked.contains(&topic) {
                continue;
            }
            checked.push(topic);
            if !self.authorized(from, api, operation, ResourceType::Topic, topic, ctx) {
                denied.push(topic.to_string());
            }
        }
        denied
    }

    /// Whether the sender may do `operation` on the resource, without logging a denial
    /// (Kafka's `logIfDenied = false`: a check that only filters, as of all topics).
    pub(crate) fn may(
        &self,
        from: NodeId,
        operation: AclOperation,
        resource_type: ResourceType,
        name: &str,
        ctx: &Ctx,
    ) -> bool {
        crate::acl::principal_of(ctx.principals, from).is_none_or(|principal| {
            self.metadata
                .acls
                .authorize(
                    &self.settings.authorizer,
                    principal,
                    operation,
                    resource_type,
                    name,
                )
                .allows()
        })
    }

    /// Whether the sender of an `api` request may do `operation` on the resource; a denial
    /// is logged as the authorizer logs it.
    pub(crate) fn authorized(
        &self,
        from: NodeId,
        api: &str,
        operation: AclOperation,
        resource_type: ResourceType,
        name: &str,
        ctx: &mut Ctx,
    ) -> bool {
        let Some(principal) = crate::acl::principal_of(ctx.principals, from) else {
            return true;
        };
        let rule = self.metadata.acls.authorize(
            &self.settings.authorizer,
            principal,
            operation,
            resource_type,
            name,
        );
        let allowed = rule.allows();
        if !allowed {
            ctx.emit(EventKind::AuthorizationDenied {
                broker: self.id,
                client: match from {
                    NodeId::Client(client) => Some(client),
                    _ => None,
                },
                principal: principal.to_string(),
                operation,
                resource_type,
                name: name.to_string(),
                api: api.to_string(),
                rule: rule.to_string(),
            });
        }
        allowed
    }

    /// `authorizeByResourceType`: whether the sender may do `operation` on some resource of
    /// the type (an idempotent producer's `WRITE` on any topic, KIP-679).
    pub(crate) fn authorized_on_some(
        &self,
        from: NodeId,
        operation: AclOperation,
        resource_type: ResourceType,
        ctx: &Ctx,
    ) -> bool {
        crate::acl::principal_of(ctx.principals, from).is_none_or(|principal| {
            self.metadata.acls.authorize_by_resource_type(
                &self.settings.authorizer,
                principal,
                operation,
                resource_type,
            )
        })
    }

    /// Whether the broker checks requests at all (`authorizer.class.name` is set).
    pub(crate) fn has_authorizer(&self) -> bool {
        self.settings.authorizer.enabled
    }
}

/// The error of a denied topic (`TOPIC_AUTHORIZATION_FAILED`).
pub(crate) fn topic_denied() -> KafkaError {
    KafkaError::with_default_message(ErrorCode::TopicAuthorizationFailed)
}

/// The error of a denied group (`GROUP_AUTHORIZATION_FAILED`).
pub(crate) fn group_denied() -> KafkaError {
    KafkaError::with_default_message(ErrorCode::GroupAuthorizationFailed)
}
