//! ACLs and the authorizer: who may do what (KIP-11; KRaft's `StandardAuthorizer`, KIP-801;
//! ZooKeeper mode's `AclAuthorizer`, which decides the same way).
//!
//! An ACL binds a resource pattern (a topic, a group, the cluster or a transactional id,
//! named exactly, by a prefix, or `*` for all) to an entry: a principal (`User:alice`, or
//! `User:*` for everyone), an operation and `ALLOW` or `DENY`. A broker with an authorizer
//! (`authorizer.class.name`) checks every client request against the ACLs
//! (`StandardAuthorizerData.authorize`):
//! - a principal listed in `super.users` may do anything;
//! - otherwise a matching `DENY` wins over any `ALLOW`; an `ALLOW` of `READ`, `WRITE`,
//!   `DELETE` or `ALTER` also allows `DESCRIBE`, and `ALTER_CONFIGS` allows `DESCRIBE_CONFIGS`;
//! - a resource that no ACL matches at all follows `allow.everyone.if.no.acl.found`
//!   (`false` by default: denied); a resource some ACL matches, none allowing this, is denied.
//!
//! The controller keeps the ACLs in the metadata log (`AccessControlEntryRecord`), so every
//! broker learns them as it learns topics.
//!
//! Simplifications, stated in the ACL lesson: there are no client hosts (every ACL is for host
//! `*`); the resource types are those the playground's clients use (no delegation tokens or
//! user resources); and the command-line tools act as a super user.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, KafkaError};
use crate::network::{ClientId, NodeId};
use crate::vec_map::VecMap;

/// `authorizer.class.name` for KRaft mode.
pub const STANDARD_AUTHORIZER: &str = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
/// `authorizer.class.name` for ZooKeeper mode (removed in Kafka 4.0).
pub const ACL_AUTHORIZER: &str = "kafka.security.authorizer.AclAuthorizer";
/// The name of the one cluster resource (`Resource.CLUSTER_NAME`).
pub const CLUSTER_NAME: &str = "kafka-cluster";
/// The resource name and principal name that match all (`ResourcePattern.WILDCARD_RESOURCE`).
pub const WILDCARD: &str = "*";
/// The principal of a client that did not authenticate (`KafkaPrincipal.ANONYMOUS`).
pub const ANONYMOUS: &str = "User:ANONYMOUS";

/// What a client logs in with: the principal it claims and, over SASL/PLAIN, the password a
/// broker checks it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// `User:<username>`, or `User:ANONYMOUS` over `PLAINTEXT`.
    pub principal: String,
    /// The SASL/PLAIN password; `None` over `PLAINTEXT`.
    pub password: Option<String>,
}

impl Login {
    /// The user name a SASL/PLAIN login gives (the principal without `User:`).
    pub fn username(&self) -> &str {
        user_name(&self.principal)
    }
}

/// A principal's name without its type: `alice` for `User:alice` (`KafkaPrincipal.getName`).
pub fn user_name(principal: &str) -> &str {
    principal.strip_prefix("User:").unwrap_or(principal)
}

/// How each client logged in, by client: what a broker's session for the client's
/// connection holds (`RequestContext.principal`). A client without one did not authenticate:
/// `User:ANONYMOUS`.
pub type Principals = VecMap<ClientId, Login>;

/// No principals, for contexts where no client acts.
pub static NO_PRINCIPALS: Principals = VecMap::new();

/// The principal a request from `node` is authorized as; `None` for a broker, whose requests
/// the playground never checks (Kafka's brokers talk over a listener whose principal is a
/// super user, or holds `CLUSTER_ACTION`).
pub fn principal_of(principals: &Principals, node: NodeId) -> Option<&str> {
    match node {
        NodeId::Client(client) => Some(
            principals
                .get(&client)
                .map_or(ANONYMOUS, |login| login.principal.as_str()),
        ),
        NodeId::Broker(_) | NodeId::ZooKeeper => None,
    }
}

/// What an ACL is about (`ResourceType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ResourceType {
    /// A topic.
    Topic,
    /// A consumer group.
    Group,
    /// The cluster (name `kafka-cluster`).
    Cluster,
    /// A producer's `transactional.id`.
    TransactionalId,
}

impl ResourceType {
    /// Kafka's name, as `ResourcePattern.toString` prints it.
    pub fn name(self) -> &'static str {
        match self {
            ResourceType::Topic => "TOPIC",
            ResourceType::Group => "GROUP",
            ResourceType::Cluster => "CLUSTER",
            ResourceType::TransactionalId => "TRANSACTIONAL_ID",
        }
    }

    /// The name in the authorizer's log (`SecurityUtils.resourceTypeName`).
    pub fn log_name(self) -> &'static str {
        match self {
            ResourceType::Topic => "Topic",
            ResourceType::Group => "Group",
            ResourceType::Cluster => "Cluster",
            ResourceType::TransactionalId => "TransactionalId",
        }
    }

    /// The operations an ACL on this type may name, besides `ALL`
    /// (`AclEntry.supportedOperations`).
    pub fn supported_operations(self) -> &'static [AclOperation] {
        use AclOperation as Op;
        match self {
            ResourceType::Topic => &[
                Op::Read,
                Op::Write,
                Op::Create,
                Op::Describe,
                Op::Delete,
                Op::Alter,
                Op::DescribeConfigs,
                Op::AlterConfigs,
            ],
            ResourceType::Group => &[
                Op::Read,
                Op::Describe,
                Op::Delete,
                Op::DescribeConfigs,
                Op::AlterConfigs,
            ],
            ResourceType::Cluster => &[
                Op::Create,
                Op::ClusterAction,
                Op::DescribeConfigs,
                Op::AlterConfigs,
                Op::IdempotentWrite,
                Op::Alter,
                Op::Describe,
            ],
            ResourceType::TransactionalId => &[Op::Describe, Op::Write],
        }
    }
}

/// How an ACL's resource name matches (`PatternType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum PatternType {
    /// The name exactly, or every resource for `*`.
    Literal,
    /// Every resource whose name starts with the pattern's name.
    Prefixed,
}

impl PatternType {
    /// Kafka's name.
    pub fn name(self) -> &'static str {
        match self {
            PatternType::Literal => "LITERAL",
            PatternType::Prefixed => "PREFIXED",
        }
    }
}

/// An operation (`AclOperation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AclOperation {
    /// Every operation.
    All,
    /// Read: fetch from a topic, join a group, commit its offsets.
    Read,
    /// Write: produce to a topic, use a transactional id.
    Write,
    /// Create topics.
    Create,
    /// Delete a topic or a group.
    Delete,
    /// Alter: partitions of a topic, ACLs on the cluster.
    Alter,
    /// Describe: a topic's metadata, a group's coordinator.
    Describe,
    /// What brokers do to each other.
    ClusterAction,
    /// Read configs.
    DescribeConfigs,
    /// Change configs.
    AlterConfigs,
    /// Get a producer id for an idempotent producer.
    IdempotentWrite,
}

const OPERATIONS: [(AclOperation, &str, &str); 11] = [
    (AclOperation::All, "ALL", "All"),
    (AclOperation::Read, "READ", "Read"),
    (AclOperation::Write, "WRITE", "Write"),
    (AclOperation::Create, "CREATE", "Create"),
    (AclOperation::Delete, "DELETE", "Delete"),
    (AclOperation::Alter, "ALTER", "Alter"),
    (AclOperation::Describe, "DESCRIBE", "Describe"),
    (
        AclOperation::ClusterAction,
        "CLUSTER_ACTION",
        "ClusterAction",
    ),
    (
        AclOperation::DescribeConfigs,
        "DESCRIBE_CONFIGS",
        "DescribeConfigs",
    ),
    (AclOperation::AlterConfigs, "ALTER_CONFIGS", "AlterConfigs"),
    (
        AclOperation::IdempotentWrite,
        "IDEMPOTENT_WRITE",
        "IdempotentWrite",
    ),
];

impl AclOperation {
    /// Kafka's name, as an ACL prints it (`READ`).
    pub fn name(self) -> &'static str {
        OPERATIONS
            .iter()
            .find(|(op, _, _)| *op == self)
            .map_or("UNKNOWN", |(_, name, _)| name)
    }

    /// The name `kafka-acls --operation` takes (`Read`, `DescribeConfigs`).
    pub fn tool_name(self) -> &'static str {
        OPERATIONS
            .iter()
            .find(|(op, _, _)| *op == self)
            .map_or("Unknown", |(_, _, name)| name)
    }

    /// `SecurityUtils.operation`: `Read`, `read`, `READ`, `DescribeConfigs` and
    /// `describe_configs` all name an operation.
    pub fn parse(text: &str) -> Option<AclOperation> {
        let mut upper_snake = String::new();
        let mut previous_lower = false;
        for c in text.trim().chars() {
            if c.is_ascii_uppercase() && previous_lower {
                upper_snake.push('_');
            }
            previous_lower = c.is_ascii_lowercase();
            upper_snake.push(c.to_ascii_uppercase());
        }
        OPERATIONS
            .iter()
            .find(|(_, name, _)| *name == upper_snake)
            .map(|(op, _, _)| *op)
    }

    /// Every operation, in Kafka's order.
    pub fn all() -> impl Iterator<Item = AclOperation> {
        OPERATIONS.iter().map(|(op, _, _)| *op)
    }

    /// Whether an `ALLOW` of `self` allows `wanted` (`StandardAuthorizerData.findResult`:
    /// `ALL` allows all; `READ`, `WRITE`, `DELETE` and `ALTER` imply `DESCRIBE`;
    /// `ALTER_CONFIGS` implies `DESCRIBE_CONFIGS`).
    fn allows(self, wanted: AclOperation) -> bool {
        use AclOperation as Op;
        self == Op::All
            || self == wanted
            || (wanted == Op::Describe
                && matches!(self, Op::Read | Op::Write | Op::Delete | Op::Alter))
            || (wanted == Op::DescribeConfigs && self == Op::AlterConfigs)
    }
}

/// `ALLOW` or `DENY` (`AclPermissionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Allows.
    Allow,
    /// Denies, whatever else allows.
    Deny,
}

impl Permission {
    /// Kafka's name.
    pub fn name(self) -> &'static str {
        match self {
            Permission::Allow => "ALLOW",
            Permission::Deny => "DENY",
        }
    }
}

/// The resources an ACL applies to (`ResourcePattern`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourcePattern {
    /// The type.
    pub resource_type: ResourceType,
    /// The name, a prefix of names, or `*`.
    pub name: String,
    /// How the name matches.
    pub pattern_type: PatternType,
}

impl ResourcePattern {
    /// A pattern.
    pub fn new(resource_type: ResourceType, name: &str, pattern_type: PatternType) -> Self {
        ResourcePattern {
            resource_type,
            name: name.to_string(),
            pattern_type,
        }
    }

    /// Whether the pattern covers the resource `resource_type` named `name`.
    pub fn matches(&self, resource_type: ResourceType, name: &str) -> bool {
        self.resource_type == resource_type
            && match self.pattern_type {
                PatternType::Literal => self.name == name || self.name == WILDCARD,
                PatternType::Prefixed => name.starts_with(&self.name),
            }
    }
}

impl fmt::Display for ResourcePattern {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "ResourcePattern(resourceType={}, name={}, patternType={})",
            self.resource_type.name(),
            self.name,
            self.pattern_type.name()
        )
    }
}

/// Who may or may not do what (`AccessControlEntry`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AccessControlEntry {
    /// `Type:name`, e.g. `User:alice`; `User:*` is everyone.
    pub principal: String,
    /// The operation.
    pub operation: AclOperation,
    /// Allow or deny.
    pub permission: Permission,
}

impl fmt::Display for AccessControlEntry {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "(principal={}, host=*, operation={}, permissionType={})",
            self.principal,
            self.operation.name(),
            self.permission.name()
        )
    }
}

/// One ACL (`AclBinding`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AclBinding {
    /// The resources.
    pub pattern: ResourcePattern,
    /// The entry.
    pub entry: AccessControlEntry,
}

impl fmt::Display for AclBinding {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "(pattern={}, entry={})",
            self.pattern, self.entry
        )
    }
}

/// Which pattern types a filter takes (`PatternType` as a filter: `ANY`, `MATCH` or one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PatternFilter {
    /// Patterns of this type named exactly as the filter.
    Exactly(PatternType),
    /// Patterns of any type named exactly as the filter (`ANY`).
    Any,
    /// Every pattern that covers the named resource: the name, `*`, and the prefixes of the
    /// name (`MATCH`).
    Match,
}

/// Which ACLs to list or delete (`AclBindingFilter`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclFilter {
    /// The resource type.
    pub resource_type: ResourceType,
    /// The resource name.
    pub name: String,
    /// Which patterns.
    pub pattern: PatternFilter,
    /// Only entries with this principal, operation and permission; `None` for every entry.
    pub entry: Option<AccessControlEntry>,
}

impl AclFilter {
    /// Whether the filter takes `binding`.
    pub fn matches(&self, binding: &AclBinding) -> bool {
        let pattern = &binding.pattern;
        let resource = pattern.resource_type == self.resource_type
            && match self.pattern {
                PatternFilter::Exactly(kind) => {
                    pattern.pattern_type == kind && pattern.name == self.name
                }
                PatternFilter::Any => pattern.name == self.name,
                PatternFilter::Match => pattern.matches(self.resource_type, &self.name),
            };
        resource
            && self
                .entry
                .as_ref()
                .is_none_or(|entry| *entry == binding.entry)
    }

    /// `ResourcePatternFilter.toString`, as `kafka-acls --remove` names it.
    pub fn resource_text(&self) -> String {
        let pattern = match self.pattern {
            PatternFilter::Exactly(kind) => kind.name(),
            PatternFilter::Any => "ANY",
            PatternFilter::Match => "MATCH",
        };
        format!(
            "ResourcePattern(resourceType={}, name={}, patternType={pattern})",
            self.resource_type.name(),
            self.name
        )
    }
}

/// `SecurityUtils.parseKafkaPrincipal`: `Type:name`.
pub fn parse_principal(text: &str) -> Result<String, KafkaError> {
    let text = text.trim();
    match text.split_once(':') {
        Some((kind, name)) if !kind.is_empty() && !name.is_empty() => Ok(text.to_string()),
        _ => Err(KafkaError::new(
            ErrorCode::InvalidRequest,
            format!("expected a string in format principalType:principalName but got {text}"),
        )),
    }
}

/// How a client's configs log it in (`security.protocol`, `sasl.mechanism`,
/// `sasl.jaas.config`): over `PLAINTEXT` it does not authenticate and is `User:ANONYMOUS`;
/// over `SASL_PLAINTEXT` with the `PLAIN` mechanism it is `User:<username>` of the
/// `PlainLoginModule` line, with its password (which the brokers check, see
/// [`PlainUsers`]).
///
/// Simplification, stated in the ACL lesson: there is no TLS (`SSL`, `SASL_SSL`) and no
/// mechanism but `PLAIN`.
pub fn client_login(configs: &[(String, String)]) -> Result<Login, KafkaError> {
    let get = |name: &str| {
        configs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
    };
    let config_error = |message: String| KafkaError::new(ErrorCode::ConfigException, message);
    let protocol = get("security.protocol").unwrap_or("PLAINTEXT");
    match protocol.to_ascii_uppercase().as_str() {
        "PLAINTEXT" => {
            return Ok(Login {
                principal: ANONYMOUS.to_string(),
                password: None,
            })
        }
        "SASL_PLAINTEXT" => {}
        "SSL" | "SASL_SSL" => {
            return Err(config_error(format!(
                "security.protocol={protocol}: the playground's brokers have no TLS listener; \
                 use PLAINTEXT or SASL_PLAINTEXT."
            )))
        }
        _ => {
            return Err(config_error(format!(
                "Invalid value {protocol} for configuration security.protocol: String must be \
                 one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"
            )))
        }
    }
    let mechanism = get("sasl.mechanism").unwrap_or("GSSAPI");
    if mechanism != "PLAIN" {
        return Err(config_error(format!(
            "sasl.mechanism={mechanism}: the playground's brokers offer SASL/PLAIN only; set \
             sasl.mechanism=PLAIN."
        )));
    }
    let Some(jaas) = get("sasl.jaas.config") else {
        return Err(KafkaError::new(
            ErrorCode::IllegalArgument,
            "Could not find a 'KafkaClient' entry in the JAAS configuration. System property \
             'java.security.auth.login.config' is not set",
        ));
    };
    let invalid = |why: String| {
        config_error(format!(
            "Invalid value [hidden] for configuration sasl.jaas.config: {why}"
        ))
    };
    let options = plain_login_options(jaas).map_err(invalid)?;
    let option = |name: &str| {
        options
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    };
    match option("username") {
        // A line without a password logs in with an empty one, which no listener user has
        // unless its `user_<name>` is empty too.
        Some(username) if !username.is_empty() => Ok(Login {
            principal: format!("User:{username}"),
            password: Some(option("password").unwrap_or_default()),
        }),
        _ => Err(invalid(
            "the PlainLoginModule line names no username".to_string(),
        )),
    }
}

/// The users a broker's SASL/PLAIN listener accepts, by name, with their passwords: the
/// `user_<name>="<password>"` options of its JAAS line
/// (`listener.name.sasl_plaintext.plain.sasl.jaas.config`, read by Kafka's
/// `PlainServerCallbackHandler`).
pub type PlainUsers = VecMap<String, String>;

/// The broker config that holds the SASL/PLAIN listener's JAAS line.
pub const PLAIN_JAAS_CONFIG: &str = "listener.name.sasl_plaintext.plain.sasl.jaas.config";

/// The users of a broker's JAAS line (see [`PlainUsers`]).
pub fn plain_users(jaas: &str) -> Result<PlainUsers, KafkaError> {
    let options = plain_login_options(jaas).map_err(|why| {
        KafkaError::new(
            ErrorCode::InvalidConfig,
            format!("Invalid value [hidden] for configuration {PLAIN_JAAS_CONFIG}: {why}"),
        )
    })?;
    let users = options.into_iter().filter_map(|(key, password)| {
        let name = key.strip_prefix("user_")?;
        Some((name.to_string(), password))
    });
    Ok(crate::sort::to_map(users))
}

/// `PlainServerCallbackHandler.authenticate`: whether a SASL/PLAIN login names a user of the
/// listener with that user's password. A `PLAINTEXT` client does not authenticate at all.
pub fn authenticates(users: &PlainUsers, login: &Login) -> bool {
    match &login.password {
        None => true,
        Some(password) => users.get(login.username()) == Some(password),
    }
}

/// The options of a `PlainLoginModule required username="..." password="...";` line.
fn plain_login_options(jaas: &str) -> Result<Vec<(String, String)>, String> {
    const MODULE: &str = "org.apache.kafka.common.security.plain.PlainLoginModule";
    let Some(body) = jaas.trim().strip_suffix(';') else {
        return Err("the JAAS line must end with ';'".to_string());
    };
    let mut words = body.split_whitespace();
    let module = words.next().unwrap_or("");
    if module != MODULE {
        return Err(format!("SASL/PLAIN needs the login module {MODULE}"));
    }
    if !matches!(
        words.next(),
        Some("required" | "requisite" | "sufficient" | "optional")
    ) {
        return Err("the login module must be followed by a control flag, e.g. required".into());
    }
    let text = body[body.find(module).unwrap_or(0) + MODULE.len()..].trim_start();
    let text = text
        .split_once(char::is_whitespace)
        .map_or("", |(_, rest)| rest);
    let mut options = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            return Err(format!("expected key=\"value\", not {rest}"));
        };
        let after = after.trim_start();
        let (value, remainder) = match after.strip_prefix('"') {
            Some(quoted) => match quoted.split_once('"') {
                Some(parts) => parts,
                None => return Err(format!("an unterminated value for {}", key.trim())),
            },
            None => after.split_once(char::is_whitespace).unwrap_or((after, "")),
        };
        options.push((key.trim().to_string(), value.to_string()));
        rest = remainder.trim();
    }
    Ok(options)
}

/// The authorizer's configs: `authorizer.class.name`, `super.users` and
/// `allow.everyone.if.no.acl.found`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerConfig {
    /// Whether an authorizer is configured at all; without one every request is allowed.
    pub enabled: bool,
    /// Principals that may do anything (`super.users`, separated by `;`).
    pub super_users: Vec<String>,
    /// Whether a resource no ACL matches is open to everyone.
    pub allow_everyone_if_no_acl_found: bool,
}

impl AuthorizerConfig {
    /// The authorizer a broker's `server.properties` configures: `Ok(None)` for none, an
    /// error for an authorizer this mode cannot run or a bad `super.users`.
    pub fn from_properties(
        class_name: &str,
        super_users: Option<&str>,
        allow_everyone: Option<&str>,
        zookeeper_mode: bool,
    ) -> Result<AuthorizerConfig, KafkaError> {
        let class_name = class_name.trim();
        if class_name.is_empty() {
            return Ok(AuthorizerConfig::default());
        }
        let expected = if zookeeper_mode {
            ACL_AUTHORIZER
        } else {
            STANDARD_AUTHORIZER
        };
        if class_name != expected {
            let why = if class_name == ACL_AUTHORIZER || class_name == STANDARD_AUTHORIZER {
                format!(
                    "{class_name} does not run in {} mode; use {expected}",
                    if zookeeper_mode { "ZooKeeper" } else { "KRaft" }
                )
            } else {
                format!("the playground models Kafka's own authorizer, {expected}")
            };
            return Err(KafkaError::new(
                ErrorCode::InvalidConfig,
                format!(
                    "Invalid value {class_name} for configuration authorizer.class.name: {why}."
                ),
            ));
        }
        let super_users = super_users
            .unwrap_or("")
            .split(';')
            .map(str::trim)
            .filter(|user| !user.is_empty())
            .map(parse_principal)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| {
                KafkaError::new(
                    ErrorCode::InvalidConfig,
                    format!(
                        "Invalid value for configuration super.users: {}",
                        error.message
                    ),
                )
            })?;
        let allow_everyone_if_no_acl_found = match allow_everyone.map(str::trim) {
            None => false,
            Some(value) if value.eq_ignore_ascii_case("true") => true,
            Some(value) if value.eq_ignore_ascii_case("false") => false,
            Some(value) => {
                return Err(KafkaError::new(
                    ErrorCode::InvalidConfig,
                    format!(
                        "Invalid value {value} for configuration allow.everyone.if.no.acl.found: \
                         Expected value to be either true or false"
                    ),
                ))
            }
        };
        Ok(AuthorizerConfig {
            enabled: true,
            super_users,
            allow_everyone_if_no_acl_found,
        })
    }
}

/// Why the authorizer decided as it did (`MatchingRule`, as its log names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// No authorizer is configured.
    NoAuthorizer,
    /// The principal is in `super.users`.
    SuperUser,
    /// This ACL matched (a `DENY`, or else an `ALLOW`).
    Acl(AclBinding),
    /// No ACL matches the resource: `allow.everyone.if.no.acl.found` decided.
    NoAclFound {
        /// Its value.
        allowed: bool,
    },
    /// ACLs match the resource, but none allows this principal this operation.
    NoMatchingAllow,
}

impl Rule {
    /// Whether the rule allows.
    pub fn allows(&self) -> bool {
        match self {
            Rule::NoAuthorizer | Rule::SuperUser => true,
            Rule::Acl(binding) => binding.entry.permission == Permission::Allow,
            Rule::NoAclFound { allowed } => *allowed,
            Rule::NoMatchingAllow => false,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::NoAuthorizer => formatter.write_str("no authorizer"),
            Rule::SuperUser => formatter.write_str("SuperUser"),
            Rule::Acl(binding) => write!(formatter, "MatchingAcl(acl={binding})"),
            Rule::NoAclFound { allowed: true } => formatter.write_str("DefaultAllow"),
            Rule::NoAclFound { allowed: false } | Rule::NoMatchingAllow => {
                formatter.write_str("DefaultDeny")
            }
        }
    }
}

/// The ACLs of a cluster, by the id the controller gave each (`AclCache`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acls {
    bindings: VecMap<u64, AclBinding>,
}

impl Acls {
    /// Adds an ACL under `id`.
    pub fn add(&mut self, id: u64, binding: AclBinding) {
        self.bindings.insert(id, binding);
    }

    /// Removes the ACL `id`.
    pub fn remove(&mut self, id: u64) -> Option<AclBinding> {
        self.bindings.remove(&id)
    }

    /// Every ACL with its id, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &AclBinding)> {
        self.bindings.iter().map(|(id, binding)| (*id, binding))
    }

    /// How many ACLs there are.
    pub fn len(&self) -> usize {
        self.bindings.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty()
    }

    /// Whether the exact ACL exists.
    pub fn contains(&self, binding: &AclBinding) -> bool {
        self.bindings.values().any(|existing| existing == binding)
    }

    /// `StandardAuthorizerData.authorize`: may `principal` do `operation` on the resource
    /// `resource_type` named `name`?
    pub fn authorize(
        &self,
        config: &AuthorizerConfig,
        principal: &str,
        operation: AclOperation,
        resource_type: ResourceType,
        name: &str,
    ) -> Rule {
        if !config.enabled {
            return Rule::NoAuthorizer;
        }
        if config.super_users.iter().any(|user| user == principal) {
            return Rule::SuperUser;
        }
        let mut resource_has_acls = false;
        let mut allow = None;
        for binding in self.bindings.values() {
            if !binding.pattern.matches(resource_type, name) {
                continue;
            }
            resource_has_acls = true;
            let entry = &binding.entry;
            if entry.principal != principal && entry.principal != "User:*" {
                continue;
            }
            match entry.permission {
                // A DENY names its operation exactly: denying READ does not deny DESCRIBE.
                Permission::Deny
                    if entry.operation == operation || entry.operation == AclOperation::All =>
                {
                    return Rule::Acl(binding.clone());
                }
                Permission::Allow if allow.is_none() && entry.operation.allows(operation) => {
                    allow = Some(binding);
                }
                _ => {}
            }
        }
        match allow {
            Some(binding) => Rule::Acl(binding.clone()),
            None if resource_has_acls => Rule::NoMatchingAllow,
            None => Rule::NoAclFound {
                allowed: config.allow_everyone_if_no_acl_found,
            },
        }
    }

    /// `Authorizer.authorizeByResourceType` (KIP-679): may `principal` do `operation` on at
    /// least one resource of this type? An idempotent producer needs `IDEMPOTENT_WRITE` on the
    /// cluster or this for `WRITE` on topics. Allowed when a resource named nowhere would be
    /// (a super user, or no ACL with `allow.everyone.if.no.acl.found`), or when some `ALLOW`
    /// of the principal is not covered by a `DENY` of the same principal: a literal `DENY` of
    /// the same name, a prefixed one of a prefix of it, or one on `*`.
    pub fn authorize_by_resource_type(
        &self,
        config: &AuthorizerConfig,
        principal: &str,
        operation: AclOperation,
        resource_type: ResourceType,
    ) -> bool {
        if self
            .authorize(config, principal, operation, resource_type, "hardcode")
            .allows()
        {
            return true;
        }
        let relevant: Vec<&AclBinding> = self
            .bindings
            .values()
            .filter(|binding| {
                let entry = &binding.entry;
                binding.pattern.resource_type == resource_type
                    && (entry.principal == principal || entry.principal == "User:*")
                    && (entry.operation == operation || entry.operation == AclOperation::All)
            })
            .collect();
        let denied = |kind: PatternType, name: &str| {
            relevant.iter().any(|binding| {
                binding.entry.permission == Permission::Deny
                    && binding.pattern.pattern_type == kind
                    && binding.pattern.name == name
            })
        };
        if denied(PatternType::Literal, WILDCARD) {
            return false;
        }
        relevant.iter().any(|binding| {
            let pattern = &binding.pattern;
            if binding.entry.permission != Permission::Allow {
                return false;
            }
            if pattern.pattern_type == PatternType::Literal && pattern.name == WILDCARD {
                return true;
            }
            if pattern.pattern_type == PatternType::Literal
                && denied(PatternType::Literal, &pattern.name)
            {
                return false;
            }
            !pattern
                .name
                .char_indices()
                .map(|(at, c)| &pattern.name[..at + c.len_utf8()])
                .any(|prefix| denied(PatternType::Prefixed, prefix))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acl(
        principal: &str,
        operation: AclOperation,
        permission: Permission,
        resource_type: ResourceType,
        name: &str,
        pattern_type: PatternType,
    ) -> AclBinding {
        AclBinding {
            pattern: ResourcePattern::new(resource_type, name, pattern_type),
            entry: AccessControlEntry {
                principal: principal.to_string(),
                operation,
                permission,
            },
        }
    }

    fn topic_acl(
        principal: &str,
        op: AclOperation,
        permission: Permission,
        name: &str,
    ) -> AclBinding {
        acl(
            principal,
            op,
            permission,
            ResourceType::Topic,
            name,
            PatternType::Literal,
        )
    }

    fn acls(bindings: Vec<AclBinding>) -> Acls {
        let mut acls = Acls::default();
        for (id, binding) in bindings.into_iter().enumerate() {
            acls.add(id as u64, binding);
        }
        acls
    }

    fn enabled() -> AuthorizerConfig {
        AuthorizerConfig {
            enabled: true,
            super_users: vec!["User:admin".to_string()],
            allow_everyone_if_no_acl_found: false,
        }
    }

    fn may(acls: &Acls, principal: &str, op: AclOperation, topic: &str) -> bool {
        acls.authorize(&enabled(), principal, op, ResourceType::Topic, topic)
            .allows()
    }

    use AclOperation as Op;
    use Permission::{Allow, Deny};

    #[test]
    fn without_an_authorizer_everything_is_allowed() {
        let acls = acls(vec![topic_acl("User:bob", Op::Read, Deny, "orders")]);
        let rule = acls.authorize(
            &AuthorizerConfig::default(),
            "User:bob",
            Op::Read,
            ResourceType::Topic,
            "orders",
        );
        assert_eq!(rule, Rule::NoAuthorizer);
        assert!(rule.allows());
    }

    /// `StandardAuthorizerTest.testSuperUsers` / `AuthorizerTest.testSuperUserHasAccess`.
    #[test]
    fn super_users_may_do_anything_even_against_a_deny() {
        let acls = acls(vec![topic_acl("User:admin", Op::All, Deny, "orders")]);
        assert!(may(&acls, "User:admin", Op::Write, "orders"));
        assert!(!may(&acls, "User:alice", Op::Write, "orders"));
    }

    /// `AuthorizerTest.testAuthorizeWithEmptyResourceName`-style default: with no ACL on a
    /// resource, `allow.everyone.if.no.acl.found` decides.
    #[test]
    fn a_resource_without_acls_follows_allow_everyone_if_no_acl_found() {
        let acls = acls(vec![topic_acl("User:alice", Op::Read, Allow, "orders")]);
        let mut open = enabled();
        open.allow_everyone_if_no_acl_found = true;
        let on = |config: &AuthorizerConfig, topic: &str| {
            acls.authorize(config, "User:bob", Op::Read, ResourceType::Topic, topic)
        };
        assert_eq!(
            on(&enabled(), "payments"),
            Rule::NoAclFound { allowed: false }
        );
        assert_eq!(on(&open, "payments"), Rule::NoAclFound { allowed: true });
        // `orders` has an ACL, for someone else: bob is denied even with the open default.
        assert_eq!(on(&open, "orders"), Rule::NoMatchingAllow);
    }

    /// `AuthorizerTest.testDenyTakesPrecedence`.
    #[test]
    fn a_deny_takes_precedence_over_an_allow() {
        let acls = acls(vec![
            topic_acl("User:*", Op::Read, Allow, "orders"),
            topic_acl("User:bob", Op::Read, Deny, "orders"),
        ]);
        assert!(may(&acls, "User:alice", Op::Read, "orders"));
        assert!(!may(&acls, "User:bob", Op::Read, "orders"));
    }

    /// `AuthorizerTest.testAllowAllAccess` / `testAclInheritance`: `ALL` allows every
    /// operation; `READ`, `WRITE`, `DELETE` and `ALTER` imply `DESCRIBE`; `ALTER_CONFIGS`
    /// implies `DESCRIBE_CONFIGS`; a `DENY` of `READ` does not deny `DESCRIBE`.
    #[test]
    fn implied_operations() {
        for op in [Op::Read, Op::Write, Op::Delete, Op::Alter] {
            let acls = acls(vec![topic_acl("User:alice", op, Allow, "orders")]);
            assert!(may(&acls, "User:alice", Op::Describe, "orders"), "{op:?}");
            assert!(!may(&acls, "User:alice", Op::DescribeConfigs, "orders"));
        }
        let create = acls(vec![topic_acl("User:alice", Op::Create, Allow, "orders")]);
        assert!(!may(&create, "User:alice", Op::Describe, "orders"));
        let configs = acls(vec![topic_acl(
            "User:alice",
            Op::AlterConfigs,
            Allow,
            "orders",
        )]);
        assert!(may(&configs, "User:alice", Op::DescribeConfigs, "orders"));
        let all = acls(vec![topic_acl("User:alice", Op::All, Allow, "orders")]);
        for op in AclOperation::all() {
            assert!(may(&all, "User:alice", op, "orders"));
        }
        let deny_read = acls(vec![
            topic_acl("User:alice", Op::All, Allow, "orders"),
            topic_acl("User:alice", Op::Read, Deny, "orders"),
        ]);
        assert!(!may(&deny_read, "User:alice", Op::Read, "orders"));
        assert!(may(&deny_read, "User:alice", Op::Describe, "orders"));
    }

    /// `AuthorizerTest.testAccessAllowedIfAllowAclExistsOnWildcardResource`,
    /// `testAccessAllowedIfAllowAclExistsOnPrefixedResource` and the literal-prefix case of
    /// `StandardAuthorizerData.checkSection`.
    #[test]
    fn wildcard_and_prefixed_patterns() {
        let acls = acls(vec![
            topic_acl("User:alice", Op::Read, Allow, "*"),
            acl(
                "User:bob",
                Op::Read,
                Allow,
                ResourceType::Topic,
                "sales-",
                PatternType::Prefixed,
            ),
            topic_acl("User:carol", Op::Read, Allow, "sales"),
        ]);
        assert!(may(&acls, "User:alice", Op::Read, "anything"));
        assert!(may(&acls, "User:bob", Op::Read, "sales-eu"));
        assert!(!may(&acls, "User:bob", Op::Read, "sales"));
        // A literal ACL on `sales` is not a prefix ACL.
        assert!(!may(&acls, "User:carol", Op::Read, "sales-eu"));
        assert!(
            ResourcePattern::new(ResourceType::Topic, "*", PatternType::Literal)
                .matches(ResourceType::Topic, "x")
        );
        assert!(
            !ResourcePattern::new(ResourceType::Group, "*", PatternType::Literal)
                .matches(ResourceType::Topic, "x")
        );
    }

    /// The authorizer's log line names its rule as Kafka's does.
    #[test]
    fn rules_print_as_the_authorizer_logs_them() {
        let binding = topic_acl("User:alice", Op::Read, Allow, "orders");
        assert_eq!(
            Rule::Acl(binding).to_string(),
            "MatchingAcl(acl=(pattern=ResourcePattern(resourceType=TOPIC, name=orders, \
             patternType=LITERAL), entry=(principal=User:alice, host=*, operation=READ, \
             permissionType=ALLOW)))"
        );
        assert_eq!(Rule::NoMatchingAllow.to_string(), "DefaultDeny");
    }

    /// `AuthorizerTest.testAuthorizeByResourceTypeNoAclFoundOverride`,
    /// `testAuthorizeByResourceTypeWildcardResourceDenyDominate`,
    /// `testAuthorizeByResourceTypePrefixedResourceDenyDominate` and
    /// `testAuthorizeByResourceTypeMultipleAddAndRemove`.
    #[test]
    fn authorize_by_resource_type() {
        let by_type = |bindings: Vec<AclBinding>, config: &AuthorizerConfig| {
            acls(bindings).authorize_by_resource_type(
                config,
                "User:alice",
                Op::Write,
                ResourceType::Topic,
            )
        };
        let config = enabled();
        assert!(!by_type(vec![], &config));
        let mut open = enabled();
        open.allow_everyone_if_no_acl_found = true;
        assert!(by_type(vec![], &open));
        assert!(by_type(
            vec![topic_acl("User:alice", Op::Write, Allow, "orders")],
            &config
        ));
        assert!(by_type(
            vec![topic_acl("User:*", Op::All, Allow, "orders")],
            &config
        ));
        assert!(!by_type(
            vec![topic_acl("User:alice", Op::Read, Allow, "orders")],
            &config
        ));
        assert!(!by_type(
            vec![
                topic_acl("User:alice", Op::Write, Allow, "orders"),
                topic_acl("User:alice", Op::Write, Deny, "orders"),
            ],
            &config
        ));
        assert!(!by_type(
            vec![
                topic_acl("User:alice", Op::Write, Allow, "orders"),
                acl(
                    "User:alice",
                    Op::Write,
                    Deny,
                    ResourceType::Topic,
                    "ord",
                    PatternType::Prefixed
                ),
            ],
            &config
        ));
        assert!(!by_type(
            vec![
                topic_acl("User:alice", Op::Write, Allow, "*"),
                topic_acl("User:alice", Op::Write, Deny, "*"),
            ],
            &config
        ));
        assert!(by_type(
            vec![
                topic_acl("User:alice", Op::Write, Allow, "orders"),
                topic_acl("User:alice", Op::Write, Deny, "payments"),
            ],
            &config
        ));
    }

    #[test]
    fn operations_parse_as_security_utils_does() {
        assert_eq!(AclOperation::parse("Read"), Some(Op::Read));
        assert_eq!(AclOperation::parse("READ"), Some(Op::Read));
        assert_eq!(
            AclOperation::parse("DescribeConfigs"),
            Some(Op::DescribeConfigs)
        );
        assert_eq!(
            AclOperation::parse("IDEMPOTENT_WRITE"),
            Some(Op::IdempotentWrite)
        );
        assert_eq!(AclOperation::parse("describeconfigs"), None);
        assert_eq!(AclOperation::parse("Fly"), None);
        assert_eq!(Op::IdempotentWrite.tool_name(), "IdempotentWrite");
    }

    #[test]
    fn the_authorizer_config_is_checked() {
        let kraft = |class: &str, users: Option<&str>, allow: Option<&str>| {
            AuthorizerConfig::from_properties(class, users, allow, false)
        };
        assert_eq!(kraft("", None, None).unwrap(), AuthorizerConfig::default());
        let config = kraft(
            STANDARD_AUTHORIZER,
            Some("User:admin; User:ops"),
            Some("true"),
        )
        .unwrap();
        assert_eq!(config.super_users, ["User:admin", "User:ops"]);
        assert!(config.allow_everyone_if_no_acl_found);
        assert!(kraft(ACL_AUTHORIZER, None, None)
            .unwrap_err()
            .message
            .contains("does not run in KRaft mode"));
        assert!(kraft(STANDARD_AUTHORIZER, Some("admin"), None).is_err());
        assert!(kraft(STANDARD_AUTHORIZER, None, Some("yes")).is_err());
        assert!(AuthorizerConfig::from_properties(ACL_AUTHORIZER, None, None, true).is_ok());
    }

    // PlainServerCallbackHandler: the user must be a `user_<name>` option with that password.
    #[test]
    fn a_plain_listener_accepts_its_users_with_their_passwords() {
        let users = plain_users(
            "org.apache.kafka.common.security.plain.PlainLoginModule required \
             username=\"admin\" password=\"admin-secret\" \
             user_admin=\"admin-secret\" user_alice=\"alice-secret\";",
        )
        .unwrap();
        assert_eq!(users.len(), 2);
        let login = |user: &str, password: Option<&str>| Login {
            principal: format!("User:{user}"),
            password: password.map(str::to_string),
        };
        assert!(authenticates(&users, &login("alice", Some("alice-secret"))));
        assert!(!authenticates(
            &users,
            &login("alice", Some("admin-secret"))
        ));
        assert!(!authenticates(
            &users,
            &login("mallory", Some("alice-secret"))
        ));
        assert!(!authenticates(
            &users,
            &login("alice", None).with_empty_password()
        ));
        let no_password = [
            (
                "security.protocol".to_string(),
                "SASL_PLAINTEXT".to_string(),
            ),
            ("sasl.mechanism".to_string(), "PLAIN".to_string()),
            (
                "sasl.jaas.config".to_string(),
                "org.apache.kafka.common.security.plain.PlainLoginModule required \
                 username=\"alice\";"
                    .to_string(),
            ),
        ];
        assert!(!authenticates(&users, &client_login(&no_password).unwrap()));
        // A PLAINTEXT client does not authenticate: the listener is not asked.
        assert!(authenticates(&users, &login("ANONYMOUS", None)));
        assert!(plain_users("PlainLoginModule required user_alice=\"x\";").is_err());
    }

    impl Login {
        fn with_empty_password(mut self) -> Login {
            self.password = Some(String::new());
            self
        }
    }

    #[test]
    fn client_logins() {
        let configs = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required \
                    username=\"alice\" password=\"alice-secret\";";
        assert_eq!(client_login(&[]).unwrap().principal, ANONYMOUS);
        let sasl = configs(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.jaas.config", jaas),
        ]);
        let alice = client_login(&sasl).unwrap();
        assert_eq!(alice.principal, "User:alice");
        assert_eq!(alice.password.as_deref(), Some("alice-secret"));
        // Over PLAINTEXT the JAAS line is not used.
        let plaintext = configs(&[("sasl.mechanism", "PLAIN"), ("sasl.jaas.config", jaas)]);
        assert_eq!(client_login(&plaintext).unwrap().principal, ANONYMOUS);
        let no_mechanism = configs(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.jaas.config", jaas),
        ]);
        assert!(client_login(&no_mechanism)
            .unwrap_err()
            .message
            .contains("GSSAPI"));
        let no_jaas = configs(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "PLAIN"),
        ]);
        assert_eq!(
            client_login(&no_jaas).unwrap_err().code,
            ErrorCode::IllegalArgument
        );
        for bad in [
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\"",
            "PlainLoginModule required username=\"alice\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule username=\"alice\";",
            "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"x\";",
        ] {
            let mut bad_configs = sasl.clone();
            bad_configs[2].1 = bad.to_string();
            assert!(client_login(&bad_configs).is_err(), "{bad}");
        }
        let tls = configs(&[("security.protocol", "SSL")]);
        assert!(client_login(&tls).is_err());
    }

    #[test]
    fn filters() {
        let literal = topic_acl("User:alice", Op::Read, Allow, "orders");
        let prefixed = acl(
            "User:bob",
            Op::Read,
            Allow,
            ResourceType::Topic,
            "ord",
            PatternType::Prefixed,
        );
        let wildcard = topic_acl("User:carol", Op::Read, Allow, "*");
        let filter = |pattern| AclFilter {
            resource_type: ResourceType::Topic,
            name: "orders".to_string(),
            pattern,
            entry: None,
        };
        let taken = |f: AclFilter| {
            [&literal, &prefixed, &wildcard]
                .iter()
                .filter(|b| f.matches(b))
                .count()
        };
        assert_eq!(
            taken(filter(PatternFilter::Exactly(PatternType::Literal))),
            1
        );
        assert_eq!(
            taken(filter(PatternFilter::Exactly(PatternType::Prefixed))),
            0
        );
        assert_eq!(taken(filter(PatternFilter::Any)), 1);
        assert_eq!(taken(filter(PatternFilter::Match)), 3);
        let mut one_entry = filter(PatternFilter::Match);
        one_entry.entry = Some(prefixed.entry.clone());
        assert_eq!(taken(one_entry), 1);
    }
}
