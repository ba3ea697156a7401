//! `kafka-configs`: describe and alter the dynamic configs of topics and brokers, printing
//! what Kafka's `ConfigCommand` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/ConfigCommand.java`: the headers
//! `Dynamic configs for topic X are:`, `All configs for broker 1 are:`, `Default configs for
//! brokers in the cluster are:`, the rows `  name=value sensitive=false synonyms={...}` sorted by
//! name, `Completed updating config for topic X.`, `Completed updating default config for
//! brokers in the cluster.`, `The topic 'X' doesn't exist and doesn't have dynamic config.`,
//! `Invalid config(s): a,b` for deleting a config that is not set, `--add-config` split on
//! commas outside `[...]`, and the usage checks of `ConfigCommandOptions.checkArgs`.
//!
//! Client quotas (`--entity-type clients`, `--entity-type users`, both together, `--client`,
//! `--user`, `--client-defaults`, `--user-defaults`) print `Quota configs for user-principal
//! 'alice', client-id 'X' are producer_byte_rate=1024.0` and `Completed updating config for
//! user alice.` (the first entity type given), as `describeQuotaConfigs` and `alterConfig` do;
//! each entity type takes the `--entity-name` or `--entity-default` in its place.
//!
//! With no broker to reach, the first admin call fails after the admin client's
//! `default.api.timeout.ms` (60 s): `java.util.concurrent.ExecutionException:
//! org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment.
//! Call: listTopics` (`listNodes` for brokers) when the tool checks or lists the entities
//! first, or a bare `java.util.concurrent.TimeoutException` when it reads their configs or
//! quotas first (`--all`, `--alter`, quotas), which it waits 30 s for (closing the admin
//! client then waits out the call). The Scala version,
//! `core/src/main/scala/kafka/admin/ConfigCommand.scala`, makes the same calls the same way.
//!
//! Simplified: only the `topics`, `brokers`, `clients` and `users` entity types are modelled
//! (ips, broker-loggers, client-metrics and groups are refused when the line is parsed), and
//! users have no SCRAM credentials to describe or alter; a
//! stack trace is cut to its first line; describing every topic lists them sorted by name.
//! `--describe --all` for a broker lists only the configs the simulator models (Kafka lists
//! every one it knows); a broker's `server.properties` holds `node.id`, `broker.id` and
//! `process.roles` (`zookeeper.connect` in ZooKeeper mode) plus the cluster's settings, so
//! everything else shows Kafka's default, and a config without one shows `null`, as in Kafka.

use kplay_core::config::DescribeEntity;
use kplay_core::{BrokerId, Command, ConfigResource};

use crate::error::ParseError;
use crate::options::{self, Opt, Parsed, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;
use crate::tools::admin_call_timeout;

/// The tool's name.
pub const NAME: &str = "kafka-configs";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool helps to manipulate and describe entity config for a topic, client, user, broker, ip, client-metrics or group";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::text("add-config", "Key Value pairs of configs to add. Square brackets can be used to group values which contain commas: 'k1=v1,k2=[v1,v2,v2],k3=v3'."),
    Opt::flag("all", "List all configs for the given entity, including static configs if available."),
    Opt::flag("alter", "Alter the configuration for the entity."),
    Opt::text("bootstrap-controller", "The Kafka controllers to connect to (any address reaches the simulated cluster)."),
    Opt::text("bootstrap-server", "The Kafka servers to connect to. Any address reaches the simulated cluster; optional in the playground."),
    Opt::text("broker", "The broker's ID."),
    Opt::flag("broker-defaults", "The config defaults for all brokers."),
    Opt::text("client", "The client's ID."),
    Opt::flag("client-defaults", "The config defaults for all clients."),
    Opt::text("delete-config", "config keys to remove 'k1,k2'"),
    Opt::flag("describe", "List configs for the given entity."),
    Opt::flag("entity-default", "Default entity name for clients/users/brokers/ips (applies to corresponding entity type)"),
    Opt::text("entity-name", "Name of entity (topic name/client id/user principal name/broker id/ip/client metrics/group id)"),
    Opt::text("entity-type", "Type of entity (topics/clients/users/brokers/broker-loggers/ips/client-metrics/groups)"),
    HELP,
    Opt::text("topic", "The topic's name."),
    Opt::text("user", "The user's principal name."),
    Opt::flag("user-defaults", "The config defaults for all users."),
    Opt::flag("version", "Display Kafka version."),
];

/// Kafka's entity options the playground does not model.
const UNMODELLED: &[&str] = &[
    "ip",
    "ip-defaults",
    "broker-logger",
    "client-metrics",
    "group",
    "add-config-file",
    "command-config",
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
Only the topics, brokers, clients and users entity types are modelled. Broker configs that
Kafka can change dynamically can be altered per broker (--entity-name N) or as the cluster
default (--entity-default); --all also shows static and default values with their synonyms,
for the configs the playground models. A client id, a user (the principal a client logged in
as, ANONYMOUS without a login), or one client id of one user (--entity-type users
--entity-name alice --entity-type clients --entity-name shop) takes the quotas
producer_byte_rate and consumer_byte_rate (bytes per second, per broker); the most specific
that is set applies, and a user's own quota is shared by all the user's clients.";

/// Which configs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    /// A topic, or every topic.
    Topic(Option<String>),
    /// A broker, or every broker and the default.
    Broker(Option<String>),
    /// The cluster-wide broker default.
    BrokerDefault,
    /// Client quotas (Kafka's `ClientQuotaEntity`): of a client id, a user, or one client id
    /// of one user. `users_first` is whether `users` was the first entity type given, which
    /// names the entity in `Completed updating config for user alice.`.
    Quota {
        /// The user part, if any.
        user: Option<QuotaName>,
        /// The client id part, if any.
        client: Option<QuotaName>,
        /// Whether `users` came first.
        users_first: bool,
    },
}

/// One part of a quota entity: one name, the default (`--entity-default`), or, to describe,
/// any (no name given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaName {
    /// No name: every entity of the type, the default included (`--describe` only).
    Any,
    /// `--entity-default`.
    Default,
    /// `--entity-name`.
    Named(String),
}

impl QuotaName {
    /// Whether a stored entity's name (`None` for the default) is this one.
    fn takes(&self, stored: &Option<String>) -> bool {
        match self {
            QuotaName::Any => true,
            QuotaName::Default => stored.is_none(),
            QuotaName::Named(name) => stored.as_deref() == Some(name.as_str()),
        }
    }

    /// The stored name, for an alter (which needs a name or the default for each part).
    fn stored(&self) -> Option<String> {
        match self {
            QuotaName::Named(name) => Some(name.clone()),
            QuotaName::Default | QuotaName::Any => None,
        }
    }
}

impl Entity {
    /// Whether a stored quota entity is one this quota entity describes (Kafka's
    /// `ClientQuotaFilter.containsOnly`: exactly the same entity types).
    fn takes_quota(&self, resource: &ConfigResource) -> bool {
        let Entity::Quota { user, client, .. } = self else {
            return false;
        };
        match (resource, user, client) {
            (ConfigResource::ClientId(stored), None, Some(client)) => client.takes(stored),
            (ConfigResource::User(stored), Some(user), None) => user.takes(stored),
            (
                ConfigResource::UserClientId(stored_user, stored_client),
                Some(user),
                Some(client),
            ) => user.takes(stored_user) && client.takes(stored_client),
            _ => false,
        }
    }

    /// The resource an alter of this quota entity sets.
    fn quota_resource(&self) -> Option<ConfigResource> {
        let Entity::Quota { user, client, .. } = self else {
            return None;
        };
        let stored = |name: &Option<QuotaName>| name.as_ref().map(QuotaName::stored);
        Some(match (stored(user), stored(client)) {
            (Some(user), Some(client)) => ConfigResource::UserClientId(user, client),
            (Some(user), None) => ConfigResource::User(user),
            (None, client) => ConfigResource::ClientId(client.flatten()),
        })
    }
}

/// A parsed `kafka-configs` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigsArgs {
    /// The entity.
    pub entity: Entity,
    /// `--alter` (else `--describe`).
    pub alter: bool,
    /// `--all`.
    pub all: bool,
    /// `--add-config`, parsed.
    pub add: Vec<(String, String)>,
    /// `--delete-config`, parsed.
    pub delete: Vec<String>,
    /// The arguments as given, for `Error while executing config command with args '...'`.
    pub args_text: String,
}

/// Parses the options (`ConfigCommandOptions.checkArgs`).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    if let Some(word) = args.iter().find(|word| {
        let name = word
            .trim_start_matches('-')
            .split('=')
            .next()
            .unwrap_or_default();
        word.starts_with("--") && UNMODELLED.contains(&name)
    }) {
        return Err(ParseError::new(0, word, format!("{word} is a Kafka option the playground does not model: kafka-configs here handles topics, brokers, clients and users")));
    }
    let parsed = options::parse(NAME, SPECS, args)?;
    if let Some(extra) = parsed.positionals.first() {
        return Err(ParseError::new(
            0,
            extra,
            format!("unexpected argument '{extra}' for {NAME}"),
        ));
    }
    check_action(&parsed)?;
    let (types, names) = (entity_types(&parsed), entity_names(&parsed));
    let entity = entity(&parsed, &types, &names)?;
    let alter = parsed.has("alter");
    check_entity_use(&parsed, &entity, alter)?;
    // `processCommand`, once the options passed `checkArgs`.
    if alter && types.len() != names.len() {
        return Err(usage(
            "--alter",
            "An entity name must be specified for every entity type",
        ));
    }
    Ok(Invocation::Configs(ConfigsArgs {
        entity,
        alter,
        all: parsed.has("all"),
        add: match parsed.value("add-config") {
            Some(text) => parse_add_config(text)?,
            None => Vec::new(),
        },
        delete: parsed
            .values("delete-config")
            .iter()
            .flat_map(|list| list.split(','))
            .map(|name| name.trim().to_string())
            .collect(),
        args_text: args.join(" "),
    }))
}

fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(0, word, format!("kafka-configs: {}", message.into()))
}

fn check_action(parsed: &Parsed) -> Result<(), ParseError> {
    if parsed.count_of(&["alter", "describe"]) != 1 {
        return Err(usage(
            NAME,
            "Command must include exactly one action: --describe, --alter",
        ));
    }
    if parsed.has("describe") {
        for option in ["add-config", "delete-config"] {
            if parsed.has(option) {
                return Err(usage(
                    &format!("--{option}"),
                    format!("Option \"[describe]\" can't be used with option \"[{option}]\""),
                ));
            }
        }
    }
    Ok(())
}

/// The shortcut flags with a name, in the order Kafka lists them (`entityFlags`), and their
/// entity types.
const ENTITY_FLAGS: [(&str, &str); 4] = [
    ("topic", "topics"),
    ("client", "clients"),
    ("user", "users"),
    ("broker", "brokers"),
];

/// The shortcut flags for a default (`entityDefaultsFlags`).
const DEFAULT_FLAGS: [(&str, &str); 3] = [
    ("client-defaults", "clients"),
    ("user-defaults", "users"),
    ("broker-defaults", "brokers"),
];

/// `entityTypes()`: `--entity-type` values in order, then the shortcuts' types.
fn entity_types(parsed: &Parsed) -> Vec<String> {
    let mut types = parsed.values("entity-type");
    for (flag, kind) in ENTITY_FLAGS.iter().chain(&DEFAULT_FLAGS) {
        if parsed.has(flag) {
            types.push((*kind).to_string());
        }
    }
    types
}

/// `entityNames()`: each `--entity-name` (or `--entity-default`, as "") in the order given,
/// then the shortcuts' names, then "" for each default shortcut.
fn entity_names(parsed: &Parsed) -> Vec<String> {
    let mut names: Vec<String> = parsed
        .options
        .iter()
        .filter_map(|(option, value)| match *option {
            "entity-name" => Some(value.clone().unwrap_or_default()),
            "entity-default" => Some(String::new()),
            _ => None,
        })
        .collect();
    for (flag, _) in ENTITY_FLAGS {
        if let Some(name) = parsed.value(flag) {
            names.push(name.to_string());
        }
    }
    for (flag, _) in DEFAULT_FLAGS {
        if parsed.has(flag) {
            names.push(String::new());
        }
    }
    names
}

/// The entity from `--entity-type`/`--entity-name`/`--entity-default` or the shortcuts
/// (`ConfigCommandOptions.checkArgs`).
fn entity(parsed: &Parsed, types: &[String], names: &[String]) -> Result<Entity, ParseError> {
    let generic =
        parsed.has("entity-type") || parsed.has("entity-name") || parsed.has("entity-default");
    let shortcuts = ENTITY_FLAGS
        .iter()
        .chain(&DEFAULT_FLAGS)
        .filter(|(flag, _)| parsed.has(flag))
        .count();
    if generic && shortcuts > 0 {
        return Err(usage("--entity-type", "--entity-{type,name,default} should not be used in conjunction with specific entity flags"));
    }
    let mut seen: Vec<&String> = Vec::new();
    for kind in types {
        if seen.contains(&kind) {
            return Err(usage(
                kind,
                format!("Duplicate entity type(s) specified: {kind}"),
            ));
        }
        seen.push(kind);
    }
    for kind in types {
        match kind.as_str() {
            "topics" | "brokers" | "clients" | "users" => {}
            "ips" | "broker-loggers" | "client-metrics" | "groups" => return Err(ParseError::new(
                0,
                kind.clone(),
                format!("the entity type {kind} is not modelled in the playground: kafka-configs here handles topics, brokers, clients and users"),
            )),
            other => return Err(usage(other, format!(
                "Invalid entity type {other}, the entity type must be one of broker-loggers, topics, clients, users, brokers, ips, client-metrics, groups with a --bootstrap-server or --bootstrap-controller argument"
            ))),
        }
    }
    let kind = match types {
        [] => return Err(usage(NAME, "At least one entity type must be specified")),
        [one] => one.as_str(),
        [first, second]
            if [first, second]
                .iter()
                .all(|t| *t == "users" || *t == "clients") =>
        {
            first.as_str()
        }
        [_, second, ..] => {
            return Err(usage(
                second,
                "Only 'users' and 'clients' entity types may be specified together",
            ))
        }
    };
    let default = names.first().is_some_and(String::is_empty);
    let name = names.first().filter(|name| !name.is_empty()).cloned();
    match kind {
        "topics" => Ok(Entity::Topic(name)),
        "brokers" if default => Ok(Entity::BrokerDefault),
        "brokers" => {
            if let Some(text) = &name {
                if text.trim().parse::<i32>().is_err() {
                    return Err(usage(text, format!("The entity name for brokers must be a valid integer broker id, but it is: {text}")));
                }
            }
            Ok(Entity::Broker(name))
        }
        _ => quota_entity(types, names, parsed.has("alter")),
    }
}

/// A quota entity: each entity type takes the name in its place (`getAllClientQuotasConfigs`).
fn quota_entity(types: &[String], names: &[String], alter: bool) -> Result<Entity, ParseError> {
    // An alter with a name too many stops later, at its own check (`processCommand`'s).
    if names.len() > types.len() && !alter {
        return Err(usage(
            &names[types.len()],
            "More entity names specified than entity types",
        ));
    }
    let part = |wanted: &str| {
        let index = types.iter().position(|kind| kind == wanted)?;
        Some(match names.get(index) {
            None => QuotaName::Any,
            Some(name) if name.is_empty() => QuotaName::Default,
            Some(name) => QuotaName::Named(name.clone()),
        })
    };
    Ok(Entity::Quota {
        user: part("users"),
        client: part("clients"),
        users_first: types[0] == "users",
    })
}

fn check_entity_use(parsed: &Parsed, entity: &Entity, alter: bool) -> Result<(), ParseError> {
    if !alter {
        if matches!(entity, Entity::Topic(_)) && parsed.has("entity-default") {
            return Err(usage(
                "--entity-default",
                "--entity-default must not be specified with --describe of topics",
            ));
        }
        return Ok(());
    }
    match entity {
        Entity::Topic(None) => return Err(usage("--alter", "An entity name must be specified with --alter of topics")),
        Entity::Broker(None) | Entity::Quota { user: None | Some(QuotaName::Any), client: None, .. }
        | Entity::Quota { user: None, client: Some(QuotaName::Any), .. }
        | Entity::Quota { user: Some(QuotaName::Any), client: Some(QuotaName::Any), .. } => {
            return Err(usage("--alter", "An entity-name or default entity must be specified with --alter of users, clients, brokers or ips"))
        }
        _ => {}
    }
    if !parsed.has("add-config") && !parsed.has("delete-config") {
        return Err(usage("--alter", "At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter"));
    }
    Ok(())
}

/// `parseConfigsToBeAdded`: split on commas outside `[...]`, then on `=`; brackets removed.
fn parse_add_config(text: &str) -> Result<Vec<(String, String)>, ParseError> {
    let invalid = || {
        usage(text, "Invalid entity config: all configs to be added must be in the format \"key=val\" or  \"key=[val1,val2]\" to group values which contain commas.")
    };
    let mut pairs = Vec::new();
    for item in split_outside_brackets(text, ',') {
        let parts = split_outside_brackets(&item, '=');
        let [key, value] = parts.as_slice() else {
            return Err(invalid());
        };
        let key = key.trim().to_string();
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "$._-".contains(c))
        {
            return Err(usage(
                &key,
                format!("Invalid character found for config key: {key}"),
            ));
        }
        let value = value.replace(['[', ']'], "").trim().to_string();
        pairs.push((key, value));
    }
    Ok(pairs)
}

/// Splits on `separator` where no `[` is open (Kafka's `(?=[^\]]*(?:\[|$))` lookahead).
fn split_outside_brackets(text: &str, separator: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        if c == separator && depth <= 0 {
            parts.push(String::new());
        } else if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    parts
}

/// Runs a parsed `kafka-configs` command.
pub fn run(shell: &mut Shell, args: &ConfigsArgs) -> Output {
    let mut output = Output::new();
    match first_call(args) {
        FirstCall::Awaited(call) => {
            if let Some(exception) = admin_call_timeout(shell, call) {
                failure(&mut output, args, &exception);
                return output;
            }
        }
        FirstCall::AwaitedFor30s(call) => {
            if shell.admin_call_timed_out(call).is_some() {
                error(&mut output, args, "java.util.concurrent.TimeoutException");
                return output;
            }
        }
    }
    if args.alter {
        alter(shell, args, &mut output);
    } else {
        describe(shell, args, &mut output);
    }
    output
}

/// The admin call an action waits on first, and how the tool waits on it.
enum FirstCall {
    /// With `get()`: with no broker to reach, the call's own `TimeoutException`, in an
    /// `ExecutionException`.
    Awaited(&'static str),
    /// With `get(30, TimeUnit.SECONDS)` (`getResourceConfig`, `getAllClientQuotasConfigs`):
    /// with no broker to reach, a bare `java.util.concurrent.TimeoutException` after 30 s;
    /// closing the admin client then waits until the call itself times out (60 s in all).
    AwaitedFor30s(&'static str),
}

/// `describeResourceConfig` first checks that a named topic (`listTopics`) or broker
/// (`describeCluster`, whose call is `listNodes`) exists, unless `--all`; without a name it
/// lists them the same way. Otherwise, and for every alter, the first call reads the configs
/// (`describeConfigs`) or quotas (`describeClientQuotas`) now set.
fn first_call(args: &ConfigsArgs) -> FirstCall {
    if let Entity::Quota { .. } = args.entity {
        return FirstCall::AwaitedFor30s("describeClientQuotas");
    }
    if args.alter {
        return FirstCall::AwaitedFor30s("describeConfigs");
    }
    match (&args.entity, args.all) {
        (Entity::Topic(None), _) | (Entity::Topic(Some(_)), false) => {
            FirstCall::Awaited("listTopics")
        }
        (Entity::Broker(None), _) | (Entity::Broker(Some(_)) | Entity::BrokerDefault, false) => {
            FirstCall::Awaited("listNodes")
        }
        _ => FirstCall::AwaitedFor30s("describeConfigs"),
    }
}

/// `main`'s catch of an unexpected exception: the arguments, then the first line of the stack
/// trace (the exception's `toString`); the rest of the trace is left out.
fn error(output: &mut Output, args: &ConfigsArgs, exception: &str) {
    output.eprintln(format!(
        "Error while executing config command with args '{}'",
        args.args_text
    ));
    output.eprintln(exception);
}

/// [`error`] for an admin call's failure, which `get()` throws as an `ExecutionException`.
fn failure(output: &mut Output, args: &ConfigsArgs, exception: &str) {
    error(
        output,
        args,
        &format!("java.util.concurrent.ExecutionException: {exception}"),
    );
}

fn live_brokers(shell: &Shell) -> Vec<i32> {
    shell
        .cluster
        .view()
        .brokers
        .iter()
        .filter(|broker| broker.up && !broker.fenced)
        .map(|broker| broker.id.0)
        .collect()
}

fn describe(shell: &Shell, args: &ConfigsArgs, output: &mut Output) {
    match &args.entity {
        Entity::Topic(Some(topic)) => {
            if !args.all && shell.cluster.topic_view(topic).is_none() {
                output.println(format!(
                    "The topic '{topic}' doesn't exist and doesn't have dynamic config."
                ));
                return;
            }
            describe_topic(shell, args, topic, output);
        }
        Entity::Topic(None) => {
            for topic in shell.cluster.topic_names() {
                describe_topic(shell, args, &topic, output);
            }
        }
        Entity::Broker(Some(name)) => {
            let id = name.trim().parse::<i32>().unwrap_or(-1);
            if !args.all && !live_brokers(shell).contains(&id) {
                output.println(format!(
                    "The broker '{name}' doesn't exist and doesn't have dynamic config."
                ));
                return;
            }
            describe_broker(shell, args, id, output);
        }
        Entity::Broker(None) => {
            for id in live_brokers(shell) {
                describe_broker(shell, args, id, output);
            }
            describe_default(shell, args, output);
        }
        Entity::BrokerDefault => describe_default(shell, args, output),
        Entity::Quota { .. } => describe_quotas(shell, &args.entity, output),
    }
}

/// `describeQuotaConfigs`: one line per quota entity with quotas (none for one without).
/// (Kafka then lists a named user's SCRAM credentials, of which the playground has none.)
fn describe_quotas(shell: &Shell, entity: &Entity, output: &mut Output) {
    for found in shell
        .cluster
        .client_quotas(|resource| entity.takes_quota(resource))
    {
        let entity = kplay_core::quota::entity_text(&found.entity);
        let entries: Vec<String> = found
            .quotas
            .iter()
            .map(|(name, value)| {
                format!(
                    "{name}={}",
                    kplay_core::config::value::java_double_to_string(*value)
                )
            })
            .collect();
        output.println(format!(
            "Quota configs for {entity} are {}",
            entries.join(", ")
        ));
    }
}

fn describe_topic(shell: &Shell, args: &ConfigsArgs, topic: &str, output: &mut Output) {
    match shell.cluster.describe_topic_configs(topic) {
        Some(rows) => {
            for line in DescribeEntity::Topic(topic.to_string()).render(&rows, args.all) {
                output.println(line);
            }
        }
        None => failure(
            output,
            args,
            "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.",
        ),
    }
}

fn describe_broker(shell: &Shell, args: &ConfigsArgs, id: i32, output: &mut Output) {
    let rows = shell
        .cluster
        .describe_broker_configs(BrokerId(id))
        .unwrap_or_default();
    for line in DescribeEntity::Broker(id).render(&rows, args.all) {
        output.println(line);
    }
}

fn describe_default(shell: &Shell, args: &ConfigsArgs, output: &mut Output) {
    let rows = shell.cluster.describe_broker_default_configs();
    for line in DescribeEntity::BrokerDefault.render(&rows, args.all) {
        output.println(line);
    }
}

/// The entity's resource and the names of its current dynamic configs (what
/// `alterResourceConfig` reads first), or the exception describing it failed with.
fn current_dynamic(
    shell: &Shell,
    entity: &Entity,
) -> Result<(ConfigResource, Vec<String>), String> {
    let (resource, described, rows) = match entity {
        Entity::Topic(Some(topic)) => {
            let rows = shell.cluster.describe_topic_configs(topic).ok_or_else(|| {
                "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.".to_string()
            })?;
            (
                ConfigResource::Topic(topic.clone()),
                DescribeEntity::Topic(topic.clone()),
                rows,
            )
        }
        Entity::Broker(Some(name)) => {
            let id = name.trim().parse::<i32>().unwrap_or(-1);
            let rows = shell.cluster.describe_broker_configs(BrokerId(id)).ok_or_else(|| {
                format!("org.apache.kafka.common.errors.InvalidRequestException: Broker {id} does not exist.")
            })?;
            (
                ConfigResource::Broker(BrokerId(id)),
                DescribeEntity::Broker(id),
                rows,
            )
        }
        Entity::Quota { .. } => {
            let resource = entity
                .quota_resource()
                .unwrap_or(ConfigResource::ClientId(None));
            let names = shell
                .cluster
                .client_quotas(|found| *found == resource)
                .into_iter()
                .flat_map(|found| found.quotas.into_iter().map(|(name, _)| name))
                .collect();
            return Ok((resource, names));
        }
        _ => (
            ConfigResource::BrokerDefault,
            DescribeEntity::BrokerDefault,
            shell.cluster.describe_broker_default_configs(),
        ),
    };
    let source = described.dynamic_source();
    let names = rows
        .into_iter()
        .filter(|row| row.source == source)
        .map(|row| row.name)
        .collect();
    Ok((resource, names))
}

fn alter(shell: &mut Shell, args: &ConfigsArgs, output: &mut Output) {
    let (resource, current) = match current_dynamic(shell, &args.entity) {
        Ok(found) => found,
        Err(exception) => return failure(output, args, &exception),
    };
    let invalid: Vec<&str> = args
        .delete
        .iter()
        .filter(|name| !current.contains(name))
        .map(String::as_str)
        .collect();
    if !invalid.is_empty() {
        output.eprintln(format!("Invalid config(s): {}", invalid.join(",")));
        return;
    }
    if resource.is_client_quota() {
        // `alterQuotaConfigs` reads each value with `Double.valueOf` before it sends anything.
        if let Some((_, text)) = args
            .add
            .iter()
            .find(|(_, text)| kplay_core::decimal::parse_f64(text.trim()).is_none())
        {
            error(
                output,
                args,
                &format!("java.lang.NumberFormatException: For input string: \"{text}\""),
            );
            return;
        }
    }
    let command = Command::AlterConfigs {
        resource: resource.clone(),
        set: args.add.clone(),
        delete: args.delete.clone(),
    };
    match shell.apply(command) {
        Ok(_) => output.println(completed(&args.entity, &resource)),
        Err(error) => failure(output, args, &error.as_exception()),
    }
}

/// `Completed updating config for topic orders.`: the first entity type given, singular,
/// with its name, or `Completed updating default config for brokers in the cluster.`.
fn completed(entity: &Entity, resource: &ConfigResource) -> String {
    let (kind, name) = match (entity, resource) {
        (_, ConfigResource::Topic(topic)) => ("topics", Some(topic.clone())),
        (_, ConfigResource::Broker(id)) => ("brokers", Some(id.to_string())),
        (_, ConfigResource::BrokerDefault) => ("brokers", None),
        (
            Entity::Quota {
                user,
                users_first: true,
                ..
            },
            _,
        ) => ("users", user.as_ref().and_then(QuotaName::stored)),
        (Entity::Quota { client, .. }, _) => {
            ("clients", client.as_ref().and_then(QuotaName::stored))
        }
        _ => ("clients", None),
    };
    match name {
        Some(name) => format!(
            "Completed updating config for {} {name}.",
            kind.trim_end_matches('s')
        ),
        None => format!("Completed updating default config for {kind} in the cluster."),
    }
}
