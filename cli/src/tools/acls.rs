//! `kafka-acls`: add, list and remove ACLs, printing what Kafka's `AclCommand` prints.
//!
//! From `tools/src/main/java/org/apache/kafka/tools/AclCommand.java` (Kafka 4): `Adding ACLs
//! for resource `ResourcePattern(...)`: ` with one `\t(principal=..., host=*, operation=...,
//! permissionType=...)` line per entry, `Acl (pattern=..., entry=...) already exists.`,
//! `Current ACLs for resource `...`:` for `--list` (`ACLs for principal `User:x`` first with
//! `--principal`), nothing for `--remove --force`, the `--producer` (`WRITE`, `DESCRIBE`,
//! `CREATE` on the topics, `IDEMPOTENT_WRITE` on the cluster with `--idempotent`) and
//! `--consumer` (`READ`, `DESCRIBE` on the topics, `READ` on the groups) shortcuts, the checks
//! of `AclCommandOptions.checkArgs`, and `Error while executing ACL command: <exception>`.
//! With no broker to reach, the first admin call (`describeAcls` for `--add` and `--list`,
//! `deleteAcls` for `--remove --force`) waits `default.api.timeout.ms` and fails with
//! `KafkaAdminClient`'s `TimeoutException: Timed out waiting for a node assignment. Call: ...`.
//!
//! Simplified: Kafka prints its sets and maps in hash order; the playground prints resources
//! in the order topics, cluster, groups, transactional ids, entries in the order the options
//! give them, and listed ACLs in the order they were created. The stack trace after an error
//! is left out. Hosts other than `*` are refused (the playground's clients have no
//! addresses); `--command-config`, `--delegation-token` and `--user-principal` are not
//! available. The tool acts as a super user (its own requests are not authorized), and
//! without `--force` it cannot ask its question, so `--remove` removes nothing.

use kplay_core::acl::{
    AccessControlEntry, AclBinding, AclFilter, AclOperation, PatternFilter, PatternType,
    Permission, ResourcePattern, ResourceType, CLUSTER_NAME,
};
use kplay_core::Command;

use crate::error::ParseError;
use crate::options::{self, Opt, Parsed, HELP};
use crate::output::Output;
use crate::parser::Invocation;
use crate::shell::Shell;
use crate::tools::admin_call_timeout;

/// The tool's name.
pub const NAME: &str = "kafka-acls";

/// What Kafka's `--help` says the tool does.
pub const ABOUT: &str = "This tool helps to manage acls on kafka.";

/// The options, with Kafka's descriptions.
pub const SPECS: &[Opt] = &[
    Opt::flag("add", "Indicates you are trying to add ACLs."),
    Opt::text("allow-host", "Host from which principals listed in --allow-principal will have access. If you have specified --allow-principal then the default for this option will be set to '*' which allows access from all hosts."),
    Opt::text("allow-principal", "principal is in principalType:name format. Note that principalType must be supported by the Authorizer being used. For example, User:'*' is the wild card indicating all users."),
    Opt::text("bootstrap-controller", "The Kafka controllers to connect to (any address reaches the simulated cluster)."),
    Opt::text("bootstrap-server", "A list of host/port pairs to use for establishing the connection to the Kafka cluster. Any address reaches the simulated cluster; optional in the playground."),
    Opt::flag("cluster", "Add/Remove cluster ACLs."),
    Opt::flag("consumer", "Convenience option to add/remove ACLs for consumer role. This will generate ACLs that allows READ,DESCRIBE on topic and READ on group."),
    Opt::text("deny-host", "Host from which principals listed in --deny-principal will be denied access. If you have specified --deny-principal then the default for this option will be set to '*' which denies access from all hosts."),
    Opt::text("deny-principal", "principal is in principalType:name format. By default anyone not added through --allow-principal is denied access. You only need to use this option as negation to already allowed set. AND PLEASE REMEMBER DENY RULES TAKES PRECEDENCE OVER ALLOW RULES."),
    Opt::flag("force", "Assume Yes to all queries and do not prompt."),
    Opt::text("group", "Consumer Group to which the ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all groups."),
    HELP,
    Opt::flag("idempotent", "Enable idempotence for the producer. This should be used in combination with the --producer option. Note that idempotence is enabled automatically if the producer is authorized to a particular transactional-id."),
    Opt::flag("list", "List ACLs for the specified resource, use --topic <topic> or --group <group> or --cluster to specify a resource."),
    Opt::text("operation", "Operation that is being allowed or denied. Valid operation names are: All, Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite. Default: All."),
    Opt::text("principal", "List ACLs for the specified principal. principal is in principalType:name format. Multiple --principal option can be passed."),
    Opt::flag("producer", "Convenience option to add/remove ACLs for producer role. This will generate ACLs that allows WRITE,DESCRIBE and CREATE on topic."),
    Opt::flag("remove", "Indicates you are trying to remove ACLs."),
    Opt::text("resource-pattern-type", "The type of the resource pattern or pattern filter. When adding acls, this should be a specific pattern type, e.g. 'literal' or 'prefixed'. When listing or removing acls, a specific pattern type can be used to list or remove acls from specific resource patterns, or use the filter values of 'any' or 'match', where 'any' will match any pattern type, but will match the resource name exactly, where as 'match' will perform pattern matching to list or remove all acls that affect the supplied resource(s). Default: literal."),
    Opt::text("topic", "topic to which ACLs should be added or removed. A value of '*' indicates ACL should apply to all topics."),
    Opt::text("transactional-id", "The transactionalId to which ACLs should be added or removed. A value of '*' indicates the ACLs should apply to all transactionalIds."),
    Opt::flag("version", "Display Kafka version."),
];

/// What the playground adds to Kafka's help.
pub const NOTES: &str = "\
The cluster needs an authorizer: start it with authorizer.class.name (KRaft:
org.apache.kafka.metadata.authorizer.StandardAuthorizer) and super.users. Clients name their
principal with security.protocol=SASL_PLAINTEXT, sasl.mechanism=PLAIN and a PlainLoginModule
sasl.jaas.config. The tool acts as a super user. Hosts other than '*', --command-config,
--delegation-token and --user-principal are not available; --remove needs --force (the
terminal cannot answer the question). Sets print in the order given, not Kafka's hash order.";

/// Kafka's options the playground does not model.
const UNMODELLED: &[&str] = &["command-config", "delegation-token", "user-principal"];

/// What the line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `--add`.
    Add,
    /// `--remove`.
    Remove,
    /// `--list`.
    List,
}

/// `--resource-pattern-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternArg {
    /// `literal` or `prefixed`.
    Specific(PatternType),
    /// `any`.
    Any,
    /// `match`.
    Match,
}

impl PatternArg {
    fn filter(self) -> PatternFilter {
        match self {
            PatternArg::Specific(kind) => PatternFilter::Exactly(kind),
            PatternArg::Any => PatternFilter::Any,
            PatternArg::Match => PatternFilter::Match,
        }
    }

    fn name(self) -> &'static str {
        match self {
            PatternArg::Specific(kind) => kind.name(),
            PatternArg::Any => "ANY",
            PatternArg::Match => "MATCH",
        }
    }
}

/// A parsed `kafka-acls` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclsArgs {
    /// Add, remove or list.
    pub action: Action,
    /// The resources, each with the entries the line names for it (`--producer` and
    /// `--consumer` give each kind of resource its own operations).
    pub resources: Vec<((ResourceType, String), Vec<AccessControlEntry>)>,
    /// `--resource-pattern-type`.
    pub pattern: PatternArg,
    /// `--principal` (with `--list`).
    pub principals: Vec<String>,
    /// `--force`.
    pub force: bool,
}

/// Parses the options (`AclCommandOptions.checkArgs`, then the resources and entries).
pub fn parse(args: &[String]) -> Result<Invocation, ParseError> {
    if args.is_empty() {
        return Ok(Invocation::Help(Some(NAME.to_string())));
    }
    options::refuse_unmodelled(args, UNMODELLED)?;
    let parsed = options::parse_options_only(NAME, SPECS, args)?;
    let action = check_args(&parsed)?;
    let pattern = pattern_arg(&parsed)?;
    for option in ["allow-host", "deny-host"] {
        if let Some(host) = parsed.values(option).iter().find(|host| host.trim() != "*") {
            return Err(usage(host, format!("--{option} {host}: the playground's clients have no host addresses, so every ACL is for host '*'")));
        }
    }
    let resources = resources(&parsed, pattern, action)?;
    let principals = parsed
        .values("principal")
        .iter()
        .map(|text| principal(text))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Invocation::Acls(AclsArgs {
        action,
        resources,
        pattern,
        principals,
        force: parsed.has("force"),
    }))
}

fn usage(word: &str, message: impl Into<String>) -> ParseError {
    ParseError::new(0, word, format!("{NAME}: {}", message.into()))
}

fn check_args(parsed: &Parsed) -> Result<Action, ParseError> {
    if parsed.has("bootstrap-server") && parsed.has("bootstrap-controller") {
        return Err(usage(
            "--bootstrap-controller",
            "Only one of --bootstrap-server or --bootstrap-controller must be specified",
        ));
    }
    let action = match (parsed.has("add"), parsed.has("remove"), parsed.has("list")) {
        (true, false, false) => Action::Add,
        (false, true, false) => Action::Remove,
        (false, false, true) => Action::List,
        _ => {
            return Err(usage(
                NAME,
                "Command must include exactly one action: --list, --add, --remove. ",
            ))
        }
    };
    let invalid_with = |used: &str, others: &[&str]| -> Result<(), ParseError> {
        if !parsed.has(used) {
            return Ok(());
        }
        match others.iter().find(|other| parsed.has(other)) {
            Some(other) => Err(usage(
                &format!("--{other}"),
                format!("Option \"{used}\" can't be used with option \"{other}\""),
            )),
            None => Ok(()),
        }
    };
    invalid_with(
        "list",
        &[
            "producer",
            "consumer",
            "allow-host",
            "allow-principal",
            "deny-host",
            "deny-principal",
        ],
    )?;
    invalid_with("producer", &["operation", "deny-principal", "deny-host"])?;
    invalid_with("consumer", &["operation", "deny-principal", "deny-host"])?;
    if parsed.has("principal") && !parsed.has("list") {
        return Err(usage(
            "--principal",
            "The --principal option is only available if --list is set",
        ));
    }
    if parsed.has("producer") && !parsed.has("topic") {
        return Err(usage(
            "--producer",
            "With --producer you must specify a --topic",
        ));
    }
    if parsed.has("idempotent") && !parsed.has("producer") {
        return Err(usage(
            "--idempotent",
            "The --idempotent option is only available if --producer is set",
        ));
    }
    if parsed.has("consumer")
        && (!parsed.has("topic")
            || !parsed.has("group")
            || (!parsed.has("producer")
                && (parsed.has("cluster") || parsed.has("transactional-id"))))
    {
        return Err(usage("--consumer", "With --consumer you must specify a --topic and a --group and no --cluster or --transactional-id option should be specified."));
    }
    Ok(action)
}

/// `PatternTypeConverter`: case-insensitive, `literal` by default.
fn pattern_arg(parsed: &Parsed) -> Result<PatternArg, ParseError> {
    let Some(text) = parsed.value("resource-pattern-type") else {
        return Ok(PatternArg::Specific(PatternType::Literal));
    };
    match text.trim().to_ascii_uppercase().as_str() {
        "LITERAL" => Ok(PatternArg::Specific(PatternType::Literal)),
        "PREFIXED" => Ok(PatternArg::Specific(PatternType::Prefixed)),
        "ANY" => Ok(PatternArg::Any),
        "MATCH" => Ok(PatternArg::Match),
        _ => Err(usage(
            text,
            format!("Cannot parse argument '{text}' of option resource-pattern-type: Unknown resource-pattern-type: {text} (expected LITERAL|PREFIXED|ANY|MATCH)"),
        )),
    }
}

/// `SecurityUtils.parseKafkaPrincipal`.
fn principal(text: &str) -> Result<String, ParseError> {
    kplay_core::acl::parse_principal(text).map_err(|error| usage(text, error.message))
}

/// `getResourceFilterToAcls`: each resource with its entries, checked by `validateOperation`.
#[allow(clippy::type_complexity)]
fn resources(
    parsed: &Parsed,
    pattern: PatternArg,
    action: Action,
) -> Result<Vec<((ResourceType, String), Vec<AccessControlEntry>)>, ParseError> {
    let mut list: Vec<(ResourceType, String)> = Vec::new();
    for topic in parsed.values("topic") {
        list.push((ResourceType::Topic, topic.trim().to_string()));
    }
    let literal = pattern == PatternArg::Specific(PatternType::Literal);
    if literal && (parsed.has("cluster") || parsed.has("idempotent")) {
        list.push((ResourceType::Cluster, CLUSTER_NAME.to_string()));
    }
    for group in parsed.values("group") {
        list.push((ResourceType::Group, group.trim().to_string()));
    }
    for id in parsed.values("transactional-id") {
        list.push((ResourceType::TransactionalId, id));
    }
    if list.is_empty() && action != Action::List {
        return Err(usage(NAME, "You must provide at least one resource: --topic <topic> or --cluster or --group <group> or --delegation-token <Delegation Token ID>"));
    }
    if action == Action::List {
        return Ok(list
            .into_iter()
            .map(|resource| (resource, Vec::new()))
            .collect());
    }
    if action == Action::Add {
        if let PatternArg::Any | PatternArg::Match = pattern {
            return Err(usage(
                "--resource-pattern-type",
                format!(
                    "A '--resource-pattern-type' value of '{}' is not valid when adding acls.",
                    pattern.name()
                ),
            ));
        }
    }
    let allowed = principals(parsed, "allow-principal")?;
    let denied = principals(parsed, "deny-principal")?;
    let entries = |operations: &[AclOperation]| -> Vec<AccessControlEntry> {
        let mut entries = Vec::new();
        for (people, permission) in [(&allowed, Permission::Allow), (&denied, Permission::Deny)] {
            for principal in people {
                for operation in operations {
                    let entry = AccessControlEntry {
                        principal: principal.clone(),
                        operation: *operation,
                        permission,
                    };
                    if !entries.contains(&entry) {
                        entries.push(entry);
                    }
                }
            }
        }
        entries
    };
    let producer = parsed.has("producer");
    let consumer = parsed.has("consumer");
    let cli_operations = operations(parsed)?;
    let mut out: Vec<((ResourceType, String), Vec<AccessControlEntry>)> = Vec::new();
    for (resource_type, name) in list {
        let operations: Vec<AclOperation> = if producer || consumer {
            use AclOperation as Op;
            let mut ops = Vec::new();
            match resource_type {
                ResourceType::Topic if producer => {
                    ops.extend([Op::Write, Op::Describe, Op::Create])
                }
                ResourceType::TransactionalId if producer => ops.extend([Op::Write, Op::Describe]),
                ResourceType::Cluster if producer && parsed.has("idempotent") => {
                    ops.push(Op::IdempotentWrite)
                }
                _ => {}
            }
            match resource_type {
                ResourceType::Topic if consumer => ops.extend([Op::Read, Op::Describe]),
                ResourceType::Group if consumer => ops.push(Op::Read),
                _ => {}
            }
            // `--producer --consumer` names DESCRIBE twice; the entries keep it once.
            ops
        } else {
            cli_operations.clone()
        };
        if (producer || consumer) && operations.is_empty() {
            // `--producer` and `--consumer` give nothing to the other kinds of resource.
            continue;
        }
        let supported = resource_type.supported_operations();
        if operations
            .iter()
            .any(|op| *op != AclOperation::All && !supported.contains(op))
        {
            let names: Vec<&str> = supported
                .iter()
                .chain(std::iter::once(&AclOperation::All))
                .map(|op| op.name())
                .collect();
            return Err(usage(
                "--operation",
                format!(
                    "ResourceType {} only supports operations [{}]",
                    resource_type.name(),
                    names.join(", ")
                ),
            ));
        }
        out.push(((resource_type, name), entries(&operations)));
    }
    if action == Action::Add && out.iter().any(|(_, entries)| entries.is_empty()) {
        return Err(usage(
            NAME,
            "You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.",
        ));
    }
    Ok(out)
}

fn principals(parsed: &Parsed, option: &str) -> Result<Vec<String>, ParseError> {
    let mut list: Vec<String> = Vec::new();
    for text in parsed.values(option) {
        let principal = principal(&text)?;
        if !list.contains(&principal) {
            list.push(principal);
        }
    }
    Ok(list)
}

/// `--operation`, `All` by default; an unknown name is Kafka's `UNKNOWN`, which no resource
/// type supports.
fn operations(parsed: &Parsed) -> Result<Vec<AclOperation>, ParseError> {
    let given = parsed.values("operation");
    if given.is_empty() {
        return Ok(vec![AclOperation::All]);
    }
    let mut list = Vec::new();
    for text in &given {
        let Some(op) = AclOperation::parse(text) else {
            return Err(usage(
                text,
                format!(
                    "Unknown operation {text}: valid operation names are {}",
                    operation_names()
                ),
            ));
        };
        if !list.contains(&op) {
            list.push(op);
        }
    }
    Ok(list)
}

fn operation_names() -> String {
    AclOperation::all()
        .map(AclOperation::tool_name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs a parsed `kafka-acls` command.
pub fn run(shell: &mut Shell, args: &AclsArgs) -> Output {
    let mut output = Output::new();
    if let Some(exception) = first_call(args).and_then(|call| admin_call_timeout(shell, call)) {
        print_error(&mut output, &exception);
        return output;
    }
    let result = match args.action {
        Action::Add => add(shell, args, &mut output),
        Action::Remove => remove(shell, args, &mut output),
        Action::List => list(shell, args, &mut output),
    };
    if let Err(error) = result {
        print_error(&mut output, &error.as_exception());
    }
    output
}

/// The admin call each action makes first: `addAcls` and `listAcls` describe the ACLs,
/// `removeAcls` deletes them once `--force` answered its question (without it, the question
/// comes first and the terminal cannot answer).
fn first_call(args: &AclsArgs) -> Option<&'static str> {
    match args.action {
        Action::Add | Action::List => Some("describeAcls"),
        Action::Remove if args.force => Some("deleteAcls"),
        Action::Remove => None,
    }
}

/// `main`'s catch: `Error while executing ACL command: ` and the exception's message (an
/// `ExecutionException`'s is its cause's `toString`); the stack trace after it is left out.
fn print_error(output: &mut Output, exception: &str) {
    output.println(format!("Error while executing ACL command: {exception}"));
}

fn pattern_of(args: &AclsArgs, resource_type: ResourceType, name: &str) -> ResourcePattern {
    let kind = match args.pattern {
        PatternArg::Specific(kind) => kind,
        PatternArg::Any | PatternArg::Match => PatternType::Literal,
    };
    ResourcePattern::new(resource_type, name, kind)
}

/// `addAcls`: per resource, the entries not there yet are created.
fn add(
    shell: &mut Shell,
    args: &AclsArgs,
    output: &mut Output,
) -> Result<(), kplay_core::KafkaError> {
    for ((resource_type, name), entries) in &args.resources {
        let pattern = pattern_of(args, *resource_type, name);
        let existing = shell.cluster.describe_acls(None)?;
        let mut new = Vec::new();
        for entry in entries {
            let binding = AclBinding {
                pattern: pattern.clone(),
                entry: entry.clone(),
            };
            if existing.contains(&binding) {
                output.println(format!("Acl {binding} already exists."));
            } else {
                new.push(binding);
            }
        }
        if new.is_empty() {
            continue;
        }
        output.println(format!("Adding ACLs for resource `{pattern}`: "));
        for (index, binding) in new.iter().enumerate() {
            let indent = if index == 0 { " \t" } else { "\t" };
            output.println(format!("{indent}{}", binding.entry));
        }
        output.println("");
        shell.apply(Command::CreateAcls { bindings: new })?;
    }
    Ok(())
}

/// `removeAcls` (with `--force`): every ACL each filter takes.
fn remove(
    shell: &mut Shell,
    args: &AclsArgs,
    output: &mut Output,
) -> Result<(), kplay_core::KafkaError> {
    let filters: Vec<AclFilter> = args
        .resources
        .iter()
        .flat_map(|((resource_type, name), entries)| {
            let base = AclFilter {
                resource_type: *resource_type,
                name: name.clone(),
                pattern: args.pattern.filter(),
                entry: None,
            };
            if entries.is_empty() {
                vec![base]
            } else {
                entries
                    .iter()
                    .map(|entry| AclFilter {
                        entry: Some(entry.clone()),
                        ..base.clone()
                    })
                    .collect()
            }
        })
        .collect();
    if !args.force {
        // `confirmAction`: the first question, which the terminal cannot answer.
        if let (Some(((_, _), entries)), Some(filter)) = (args.resources.first(), filters.first()) {
            let resource = filter.resource_text();
            if entries.is_empty() {
                output.println(format!(
                    "Are you sure you want to delete all ACLs for resource filter `{resource}`? (y/n)"
                ));
            } else {
                output.println("Are you sure you want to remove ACLs: ");
                for (index, entry) in entries.iter().enumerate() {
                    let indent = if index == 0 { " \t" } else { "\t" };
                    output.println(format!("{indent}{entry}"));
                }
                output.println(format!(" from resource filter `{resource}`? (y/n)"));
            }
        }
        output.eprintln(
            "kplay: the terminal cannot answer; nothing was removed. Add --force to remove without asking.",
        );
        return Ok(());
    }
    shell.apply(Command::DeleteAcls { filters })?;
    Ok(())
}

/// `listAcls`: the ACLs the resources' filters take (every ACL without a resource), by
/// resource; with `--principal`, only that principal's.
fn list(
    shell: &mut Shell,
    args: &AclsArgs,
    output: &mut Output,
) -> Result<(), kplay_core::KafkaError> {
    let all = shell.cluster.describe_acls(None)?;
    let filters: Vec<AclFilter> = args
        .resources
        .iter()
        .map(|((resource_type, name), _)| AclFilter {
            resource_type: *resource_type,
            name: name.clone(),
            pattern: args.pattern.filter(),
            entry: None,
        })
        .collect();
    let taken: Vec<AclBinding> = all
        .into_iter()
        .filter(|binding| filters.is_empty() || filters.iter().any(|f| f.matches(binding)))
        .collect();
    if args.principals.is_empty() {
        print_by_resource(&taken, output);
    } else {
        for principal in &args.principals {
            output.println(format!("ACLs for principal `{principal}`"));
            let own: Vec<AclBinding> = taken
                .iter()
                .filter(|binding| binding.entry.principal == *principal)
                .cloned()
                .collect();
            print_by_resource(&own, output);
        }
    }
    Ok(())
}

fn print_by_resource(bindings: &[AclBinding], output: &mut Output) {
    let mut patterns: Vec<&ResourcePattern> = Vec::new();
    for binding in bindings {
        if !patterns.contains(&&binding.pattern) {
            patterns.push(&binding.pattern);
        }
    }
    for pattern in patterns {
        output.println(format!("Current ACLs for resource `{pattern}`:"));
        for binding in bindings.iter().filter(|b| b.pattern == *pattern) {
            output.println(format!("\t{}", binding.entry));
        }
        output.println("");
    }
}
