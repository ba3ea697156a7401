//! The consumer groups panel: each group's state, generation and assignor; its members with
//! their assignment (an idle member, beyond the partition count, is marked idle); committed
//! offset, log end offset and lag per partition; a lag-over-time chart; and adding, removing
//! and crashing members.

use kplay_cli::tools::console_consumer::THROWAWAY_GROUP_PREFIX;
use kplay_core::decimal::fixed;
use kplay_core::kinds::AssignorKind;
use kplay_core::view::clients::ConsumerView;
use kplay_core::{AppCommits, Command, CommitPolicy, Subscription};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::model::Model;
use super::producer_panel::topic_options;
use super::Intent;

const CHART_WIDTH: f64 = 300.0;
const CHART_HEIGHT: f64 = 60.0;

/// The panel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GroupsVm {
    pub groups: Vec<GroupVm>,
    pub topics: Vec<String>,
}

impl GroupsVm {
    /// The group "Add a consumer" joins unless another is typed: the first listed, but not a
    /// console consumer's throwaway group (`console-consumer-NNNNN`), which nobody means to join.
    pub fn default_group(&self) -> String {
        self.groups
            .iter()
            .find(|group| !group.id.starts_with(THROWAWAY_GROUP_PREFIX))
            .map_or("my-group".to_owned(), |group| group.id.clone())
    }
}

/// One group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupVm {
    pub id: String,
    pub state: String,
    pub generation: i32,
    pub assignor: String,
    /// The coordinator's broker; none while no broker answers for the group.
    pub coordinator: Option<i32>,
    pub members: Vec<MemberVm>,
    pub offsets: Vec<OffsetRowVm>,
    /// The sum of the committed lag; unknown while no coordinator answers.
    pub total_lag: Option<i64>,
    /// SVG polyline points of the lag history, scaled to the chart.
    pub lag_points: String,
    pub lag_max: i64,
}

/// One member.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MemberVm {
    /// The consumer behind the member, by its name (its own `client.id`).
    pub name: String,
    /// CLIENT-ID as the coordinator lists it: a static member that came back keeps the first
    /// one, as Kafka's `replaceStaticMember` keeps everything but the member id.
    pub client_id: String,
    pub member_id: String,
    pub assignment: String,
    pub idle: bool,
    pub leader: bool,
    /// `running`, `crashed` or `closed` (the process), as the consumer knows it.
    pub process: String,
    /// The last exception `poll()` threw, as the event log prints it: why a member reads
    /// nothing.
    pub error: Option<String>,
    /// For `subscribe(Pattern)`: the pattern and the topics it matches.
    pub pattern: Option<(String, Vec<String>)>,
}

/// One row of `--describe --offsets`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OffsetRowVm {
    pub partition: String,
    pub committed: String,
    pub log_end: String,
    pub lag: String,
    pub owner: String,
}

/// How a new member's application commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitChoice {
    /// `enable.auto.commit=true` every `auto.commit.interval.ms`.
    Auto,
    /// `commitSync` after processing: at-least-once.
    AfterProcessing,
    /// `commitSync` before processing: at-most-once.
    BeforeProcessing,
}

impl CommitChoice {
    /// From the select's value.
    pub fn from_value(value: &str) -> CommitChoice {
        match value {
            "after" => CommitChoice::AfterProcessing,
            "before" => CommitChoice::BeforeProcessing,
            _ => CommitChoice::Auto,
        }
    }
}

/// The command adding a member to `group` reading `topic`.
pub fn add_member_command(
    name: &str,
    group: &str,
    topic: &str,
    assignor: AssignorKind,
    commits: CommitChoice,
) -> Command {
    let mut configs = vec![
        ("group.id".to_owned(), group.to_owned()),
        (
            "partition.assignment.strategy".to_owned(),
            assignor.class_name().to_owned(),
        ),
    ];
    let app_commits = match commits {
        CommitChoice::Auto => AppCommits::Never,
        CommitChoice::AfterProcessing => AppCommits::AfterProcessing { sync: true },
        CommitChoice::BeforeProcessing => AppCommits::BeforeProcessing { sync: true },
    };
    if commits != CommitChoice::Auto {
        configs.push(("enable.auto.commit".to_owned(), "false".to_owned()));
    }
    Command::CreateConsumer {
        name: name.to_owned(),
        configs,
        subscription: Subscription::Topics(vec![topic.to_owned()]),
        policy: CommitPolicy {
            commits: app_commits,
            ..CommitPolicy::default()
        },
    }
}

/// A name for a new member of `group`: `<group>-N` not used yet.
pub fn next_member_name(model: &Model, group: &str) -> String {
    let names: Vec<String> = model
        .session
        .shell()
        .cluster
        .consumer_views()
        .into_iter()
        .map(|c| c.name)
        .collect();
    (1..)
        .map(|n| format!("{group}-{n}"))
        .find(|name| !names.contains(name))
        .unwrap_or_else(|| group.to_owned())
}

/// The panel's view model.
pub fn groups_vm(model: &Model) -> GroupsVm {
    let cluster = &model.session.shell().cluster;
    let consumers = cluster.consumer_views();
    let groups = cluster
        .group_listings()
        .into_iter()
        .filter(|listing| listing.protocol_type == "consumer" || !listing.protocol_type.is_empty())
        .filter_map(|listing| cluster.describe_group(&listing.group_id))
        .map(|group| {
            let stable = group.state == "Stable";
            let members = group
                .members
                .iter()
                .map(|member| {
                    let consumer = consumers
                        .iter()
                        .find(|c| c.member_id.as_deref() == Some(member.member_id.as_str()))
                        .or_else(|| consumers.iter().find(|c| c.name == member.client_id));
                    let process = consumer.map_or("unknown".to_owned(), |c| c.status.clone());
                    let names: Vec<String> =
                        member.assignment.iter().map(ToString::to_string).collect();
                    MemberVm {
                        name: consumer.map_or_else(|| member.client_id.clone(), |c| c.name.clone()),
                        client_id: member.client_id.clone(),
                        member_id: member.member_id.clone(),
                        assignment: if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        },
                        idle: stable && member.assignment.is_empty(),
                        leader: member.is_leader,
                        process,
                        error: consumer.and_then(|c| c.last_error.clone()),
                        pattern: consumer.and_then(|c| c.pattern.clone()),
                    }
                })
                .collect();
            let rows = cluster.group_offsets(&group.group_id).unwrap_or_default();
            let dash = |text: Option<String>| text.unwrap_or_else(|| "-".to_owned());
            let offsets = rows
                .iter()
                .map(|row| OffsetRowVm {
                    partition: format!("{}-{}", row.topic, row.partition),
                    committed: dash(row.current_offset.map(|o| o.0.to_string())),
                    log_end: dash(row.log_end_offset.map(|o| o.0.to_string())),
                    lag: dash(row.lag.map(|l| l.to_string())),
                    owner: dash(row.client_id.clone()),
                })
                .collect();
            let total_lag = rows.iter().filter_map(|row| row.lag).sum();
            let (lag_points, lag_max) = lag_chart(model, &group.group_id);
            GroupVm {
                id: group.group_id.clone(),
                state: group.state.clone(),
                generation: group.generation,
                // An Empty group has no members, so no protocol (Kafka's describe prints none);
                // a group on its way to its first generation has not chosen one yet.
                assignor: group.assignment_strategy.clone().unwrap_or_else(|| {
                    if group.state == "Empty" {
                        "none"
                    } else {
                        "none yet"
                    }
                    .to_owned()
                }),
                coordinator: Some(group.coordinator.0),
                members,
                offsets,
                total_lag: Some(total_lag),
                lag_points,
                lag_max,
            }
        })
        .collect::<Vec<GroupVm>>();
    let mut groups = groups;
    groups.extend(unreachable_groups(&consumers, &groups));
    GroupsVm {
        groups,
        topics: cluster
            .topic_names()
            .into_iter()
            .filter(|t| !t.starts_with("__"))
            .collect(),
    }
}

/// Groups that running consumers belong to but no coordinator answers for (its
/// `__consumer_offsets` partition has no leader): `kafka-consumer-groups` cannot see them, yet
/// their consumers are still there, retrying `FindCoordinator`. Each is shown from what its
/// consumers know.
fn unreachable_groups(consumers: &[ConsumerView], listed: &[GroupVm]) -> Vec<GroupVm> {
    let mut groups: Vec<GroupVm> = Vec::new();
    for consumer in consumers {
        let Some(group_id) = &consumer.group else {
            continue;
        };
        if consumer.status == "closed" || listed.iter().any(|g| &g.id == group_id) {
            continue;
        }
        let names: Vec<String> = consumer
            .partitions
            .iter()
            .map(|p| p.partition.to_string())
            .collect();
        let member = MemberVm {
            name: consumer.name.clone(),
            client_id: consumer.name.clone(),
            member_id: consumer.member_id.clone().unwrap_or_default(),
            assignment: if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            },
            idle: false,
            leader: consumer.is_leader,
            process: consumer.status.clone(),
            error: consumer.last_error.clone(),
            pattern: consumer.pattern.clone(),
        };
        match groups.iter_mut().find(|g| &g.id == group_id) {
            Some(group) => group.members.push(member),
            None => groups.push(GroupVm {
                id: group_id.clone(),
                state: "unknown: no coordinator answers (COORDINATOR_NOT_AVAILABLE)".to_owned(),
                generation: consumer.generation,
                assignor: "unknown".to_owned(),
                coordinator: None,
                members: vec![member],
                offsets: Vec::new(),
                total_lag: None,
                lag_points: String::new(),
                lag_max: 0,
            }),
        }
    }
    groups
}

/// The group's lag history as polyline points, and the largest lag drawn.
fn lag_chart(model: &Model, group: &str) -> (String, i64) {
    let samples: Vec<(i64, i64)> = model
        .lag_history
        .iter()
        .filter_map(|sample| {
            let lag = sample.lags.iter().find(|(g, _)| g == group)?.1;
            Some((sample.at_ms, lag))
        })
        .collect();
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return (String::new(), 0);
    };
    let span = (last.0 - first.0).max(1) as f64;
    let max = samples.iter().map(|(_, lag)| *lag).max().unwrap_or(0);
    // A flat line of zeros is drawn at the bottom, with the caption's true maximum of 0.
    let scale = max.max(1) as f64;
    let points = samples
        .iter()
        .map(|(at, lag)| {
            let x = (*at - first.0) as f64 / span * CHART_WIDTH;
            let y = CHART_HEIGHT - (*lag as f64 / scale) * (CHART_HEIGHT - 4.0) - 2.0;
            format!("{},{}", fixed(x, 1), fixed(y, 1))
        })
        .collect::<Vec<_>>()
        .join(" ");
    (points, max)
}

/// The consumer groups panel.
#[component]
pub fn GroupsPanel(
    /// What to show, refreshed a few times a second.
    groups: Memo<GroupsVm>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let (group, set_group) = signal(String::new());
    let (topic, set_topic) = signal(String::new());
    let (assignor, set_assignor) = signal("range".to_owned());
    let (commits, set_commits) = signal("auto".to_owned());
    let default_group = move || {
        let typed = group.get();
        if typed.trim().is_empty() {
            groups.with(GroupsVm::default_group)
        } else {
            typed.trim().to_owned()
        }
    };
    let default_topic = move || {
        let typed = topic.get();
        if typed.is_empty() {
            groups.with(|g| g.topics.first().cloned().unwrap_or_default())
        } else {
            typed
        }
    };
    let add = move |event: SubmitEvent| {
        event.prevent_default();
        let kind = AssignorKind::ALL
            .iter()
            .copied()
            .find(|k| k.protocol_name() == assignor.get_untracked())
            .unwrap_or(AssignorKind::Range);
        dispatch.run(Intent::AddConsumer {
            group: default_group(),
            topic: default_topic(),
            assignor: kind,
            commits: CommitChoice::from_value(&commits.get_untracked()),
        });
    };
    let ids = Memo::new(move |_| {
        groups.with(|g| g.groups.iter().map(|g| g.id.clone()).collect::<Vec<_>>())
    });
    view! {
        <section class="panel" data-testid="groups-panel" aria-labelledby="groups-title">
            <h3 id="groups-title">"Consumer groups"</h3>
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="hint">"No consumer group yet: add a consumer below."</p>
            </Show>
            {keyed_list(
                move || ids.get(),
                String::clone,
                move |id| view! { <GroupCard id=id groups=groups dispatch=dispatch /> }.into_any(),
            )}
            <form class="controls" on:submit=add>
                <fieldset>
                    <legend>"Add a consumer"</legend>
                    <div class="fields">
                        <label class="field">
                            <span class="field-label">"Group (group.id)"</span>
                            <input
                                type="text"
                                data-testid="add-consumer-group"
                                autocomplete="off"
                                spellcheck="false"
                                placeholder=default_group
                                prop:value=group
                                on:input:target=move |ev| set_group.set(ev.target().value())
                            />
                        </label>
                        <label class="field">
                            <span class="field-label">"Topic"</span>
                            <select on:change:target=move |ev| set_topic.set(ev.target().value())>
                                {topic_options(move || groups.with(|g| g.topics.clone()), default_topic)}
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">"Assignor"</span>
                            <select data-testid="add-consumer-assignor" on:change:target=move |ev| set_assignor.set(ev.target().value())>
                                <option value="range" selected>"range"</option>
                                <option value="roundrobin">"roundrobin"</option>
                                <option value="sticky">"sticky"</option>
                                <option value="cooperative-sticky">"cooperative-sticky"</option>
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">"Commits"</span>
                            <select data-testid="add-consumer-commits" on:change:target=move |ev| set_commits.set(ev.target().value())>
                                <option value="auto" selected>"auto-commit every 5 s"</option>
                                <option value="after">"commitSync after processing (at-least-once)"</option>
                                <option value="before">"commitSync before processing (at-most-once)"</option>
                            </select>
                        </label>
                        <button type="submit" class="button-primary field-action" data-testid="add-consumer">
                            "Add consumer"
                        </button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}

#[component]
fn GroupCard(id: String, groups: Memo<GroupsVm>, dispatch: Callback<Intent>) -> impl IntoView {
    let lookup = id.clone();
    let group =
        Memo::new(move |_| groups.with(|g| g.groups.iter().find(|g| g.id == lookup).cloned()));
    let field = move |f: fn(&GroupVm) -> String| {
        move || group.with(|g| g.as_ref().map(f).unwrap_or_default())
    };
    let members = Memo::new(move |_| {
        group.with(|g| g.as_ref().map(|g| g.members.clone()).unwrap_or_default())
    });
    let offsets = Memo::new(move |_| {
        group.with(|g| g.as_ref().map(|g| g.offsets.clone()).unwrap_or_default())
    });
    let partitions = Memo::new(move |_| {
        offsets.with(|rows| {
            rows.iter()
                .map(|row| row.partition.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <article class="group" data-testid="group" data-group=id.clone()>
            <h4>
                "Group " <span class="mono">{id.clone()}</span>
            </h4>
            <p class="group-facts" data-testid="group-facts">
                "state " <strong data-testid="group-state">{field(|g| g.state.clone())}</strong>
                " · generation " {field(|g| g.generation.to_string())}
                " · assignor " {field(|g| g.assignor.clone())}
                " · coordinator " {field(|g| g.coordinator.map_or_else(|| "none available".to_owned(), |id| format!("broker {id}")))}
                " · total lag " <strong>{field(|g| g.total_lag.map_or_else(|| "unknown".to_owned(), |lag| lag.to_string()))}</strong>
            </p>
            <ul class="members">
                {keyed_list(
                    move || members.get(),
                    |m| m.clone(),
                    move |member| view! {
                        <Member member=member dispatch=dispatch />
                    }
                    .into_any(),
                )}
            </ul>
            <figure class="lag-chart">
                <svg viewBox=format!("0 0 {} {}", fixed(CHART_WIDTH, 0), fixed(CHART_HEIGHT, 0)) role="img"
                    aria-label=move || format!("Lag of group over time, up to {}", group.with(|g| g.as_ref().map_or(0, |g| g.lag_max)))>
                    <line x1="0" y1=fixed(CHART_HEIGHT - 1.0, 0) x2=fixed(CHART_WIDTH, 0) y2=fixed(CHART_HEIGHT - 1.0, 0) class="axis"></line>
                    <polyline points=field(|g| g.lag_points.clone()) class="lag-line"></polyline>
                </svg>
                <figcaption class="hint">{move || format!("Committed lag over time (max {})", group.with(|g| g.as_ref().map_or(0, |g| g.lag_max)))}</figcaption>
            </figure>
            <div class="table-scroll">
                <table class="state-table" data-testid="group-offsets">
                    <caption>"Committed offsets and lag per partition"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Partition"</th>
                            <th scope="col">"Committed offset"</th>
                            <th scope="col">"Log end offset"</th>
                            <th scope="col">"Lag"</th>
                            <th scope="col">"Owner"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {keyed_list(
                            move || partitions.get(),
                            |partition| partition.clone(),
                            move |partition| view! {
                                <OffsetRow partition=partition offsets=offsets />
                            }
                            .into_any(),
                        )}
                        <tr data-testid="no-offsets" hidden=move || !partitions.with(Vec::is_empty)>
                            <td colspan="5" class="hint">"No committed offsets."</td>
                        </tr>
                    </tbody>
                </table>
            </div>
        </article>
    }
}

/// One row of the offsets table, keyed by partition: a refresh rewrites only the cells whose
/// text changed (offsets move all the time under load) instead of rebuilding the row.
#[component]
fn OffsetRow(partition: String, offsets: Memo<Vec<OffsetRowVm>>) -> impl IntoView {
    let lookup = partition.clone();
    let row = Memo::new(move |_| {
        offsets.with(|rows| rows.iter().find(|row| row.partition == lookup).cloned())
    });
    let cell = move |f: fn(&OffsetRowVm) -> String| {
        move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    view! {
        <tr>
            <th scope="row">{partition}</th>
            <td>{cell(|r| r.committed.clone())}</td>
            <td>{cell(|r| r.log_end.clone())}</td>
            <td>{cell(|r| r.lag.clone())}</td>
            <td class="cell-wraps">{cell(|r| r.owner.clone())}</td>
        </tr>
    }
}

#[component]
fn Member(member: MemberVm, dispatch: Callback<Intent>) -> impl IntoView {
    let name = member.name.clone();
    let listed_as = (member.client_id != member.name).then(|| {
        format!(
            " (listed with client.id {}: a static member that comes back keeps its first one)",
            member.client_id
        )
    });
    let remove = {
        let name = name.clone();
        move |_| dispatch.run(Intent::RemoveConsumer(name.clone()))
    };
    let crash = {
        let name = name.clone();
        move |_| dispatch.run(Intent::CrashConsumer(name.clone()))
    };
    let running = member.process == "running";
    let note = match (member.idle, member.process.as_str()) {
        (_, "crashed") => {
            " crashed: the coordinator notices when session.timeout.ms passes without a heartbeat"
                .to_owned()
        }
        (true, _)
            if member
                .pattern
                .as_ref()
                .is_some_and(|(_, matched)| matched.is_empty()) =>
        {
            " idle until its metadata lists a matching topic".to_owned()
        }
        (true, _) => " idle: more members than partitions".to_owned(),
        _ => String::new(),
    };
    view! {
        <li
            class="member"
            class:member-idle=member.idle
            class:member-crashed=member.process == "crashed"
            data-testid="member"
            data-client=name.clone()
            data-idle=member.idle.to_string()
        >
            <span class="mono">{name.clone()}</span>
            {member.leader.then_some(" (leader)")}
            <span class="hint">{listed_as}</span>
            {member.pattern.clone().map(|(pattern, matched)| {
                let matches = if matched.is_empty() {
                    "no topic yet".to_owned()
                } else {
                    matched.join(", ")
                };
                view! {
                    " " <span class="hint" data-testid="member-pattern">
                        "(pattern '" {pattern} "' matches " {matches} ")"
                    </span>
                }
            })}
            ": "
            <span data-testid="member-assignment">{member.assignment.clone()}</span>
            <Show when=move || member.idle>
                <span class="badge badge-idle" data-testid="idle-badge">"idle"</span>
            </Show>
            <span class="hint">{note}</span>
            {member.error.clone().map(|error| view! {
                <span class="member-error" data-testid="member-error">
                    "poll() last threw " {error}
                </span>
            })}
            <span class="member-actions">
                <button type="button" class="button-small" disabled=!running on:click=remove
                    aria-label=format!("Remove {name} (close, leaves the group)")>"Remove"</button>
                <button type="button" class="button-small button-danger" data-testid="crash-consumer" disabled=!running on:click=crash
                    aria-label=format!("Crash {name} (no commit, no LeaveGroup)")>"Crash"</button>
            </span>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use kplay_core::ClusterConfig;

    use super::super::session::Session;
    use super::*;

    fn model() -> Model {
        let setup = "kafka-topics --bootstrap-server localhost:9092 --create --topic orders --partitions 2 --replication-factor 3\n";
        Model::new(Session::new(ClusterConfig::default(), 7, setup).expect("valid"))
    }

    #[test]
    fn a_console_consumers_throwaway_group_is_listed_but_not_offered_to_join() {
        let mut model = model();
        model.run_terminal("kafka-console-consumer --topic orders --from-beginning");
        model.absorb_events();
        let vm = groups_vm(&model);
        let ids: Vec<&str> = vm.groups.iter().map(|g| g.id.as_str()).collect();
        assert!(
            ids.len() == 1 && ids[0].starts_with("console-consumer-"),
            "{ids:?}"
        );
        assert_eq!(vm.groups[0].state, "Empty");
        // No members, no protocol: not "none yet"; and no lag, so the chart's maximum is 0.
        assert_eq!(vm.groups[0].assignor, "none");
        assert_eq!(vm.groups[0].lag_max, 0);
        assert_eq!(vm.default_group(), "my-group");
        model.command(&add_member_command(
            "billing-1",
            "billing",
            "orders",
            AssignorKind::Range,
            CommitChoice::Auto,
        ));
        model.absorb_events();
        assert_eq!(groups_vm(&model).default_group(), "billing");
    }

    #[test]
    fn a_member_beyond_the_partition_count_is_idle() {
        let mut model = model();
        for _ in 0..3 {
            let name = next_member_name(&model, "g");
            model.command(&add_member_command(
                &name,
                "g",
                "orders",
                AssignorKind::Range,
                CommitChoice::Auto,
            ));
        }
        let target = model.session.now_ms() + 10_000;
        model.session.advance(target, &mut || false);
        model.absorb_events();
        let vm = groups_vm(&model);
        let group = &vm.groups[0];
        assert_eq!(group.state, "Stable");
        assert_eq!(group.members.len(), 3);
        assert_eq!(group.members.iter().filter(|m| m.idle).count(), 1);
        assert_eq!(group.assignor, "range");
    }

    fn advance(model: &mut Model, ms: i64) {
        let target = model.session.now_ms() + ms;
        model.session.advance(target, &mut || false);
        model.absorb_events();
    }

    #[test]
    fn a_static_member_that_came_back_is_acted_on_through_its_new_consumer() {
        let mut model = model();
        model.run_line(
            "kplay consumer start ship-a --topic orders --group ship --group-instance-id a",
        );
        advance(&mut model, 10_000);
        model.run_line("kplay consumer crash ship-a");
        model.run_line(
            "kplay consumer start ship-a-restarted --topic orders --group ship --group-instance-id a",
        );
        advance(&mut model, 5_000);
        let vm = groups_vm(&model);
        let member = &vm.groups[0].members[0];
        assert_eq!(member.name, "ship-a-restarted");
        assert_eq!(member.client_id, "ship-a");
        assert_eq!(member.process, "running");
    }

    #[test]
    fn a_group_whose_coordinator_is_down_still_shows_its_consumers() {
        let mut model = model();
        model.run_line("kplay consumer start c1 --topic orders --group g");
        model.run_line("kplay consumer start c2 --topic orders --group g");
        advance(&mut model, 10_000);
        let coordinator = groups_vm(&model).groups[0]
            .coordinator
            .expect("a coordinator");
        model.run_line(&format!("kplay broker stop {coordinator}"));
        advance(&mut model, 100);
        let vm = groups_vm(&model);
        assert_eq!(vm.groups.len(), 1);
        let group = &vm.groups[0];
        assert_eq!(group.id, "g");
        assert_eq!(group.coordinator, None);
        assert_eq!(group.total_lag, None);
        let names: Vec<&str> = group.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["c1", "c2"]);
        assert!(group.members.iter().all(|m| m.process == "running"));
    }

    /// The member of the first group whose consumer is `name`.
    fn first_group_member<'a>(vm: &'a GroupsVm, name: &str) -> &'a MemberVm {
        vm.groups[0]
            .members
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no member {name}"))
    }

    /// Why a member reads nothing is in its row: the last exception its `poll()` threw.
    #[test]
    fn a_member_shows_what_its_poll_last_threw() {
        let mut model = model();
        model.run_line(
            "kplay consumer start strict --topic orders --group g --consumer-property auto.offset.reset=none",
        );
        model.run_line("kplay consumer start easy --topic orders --group g");
        advance(&mut model, 10_000);
        let vm = groups_vm(&model);
        let error = |name: &str| first_group_member(&vm, name).error.clone();
        assert_eq!(error("easy"), None);
        let strict = error("strict").expect("an error");
        assert!(
            strict.starts_with(
                "org.apache.kafka.clients.consumer.NoOffsetForPartitionException: Undefined offset with no reset policy"
            ),
            "{strict}"
        );
    }

    /// A pattern subscriber's row names its pattern and what it matches.
    #[test]
    fn a_pattern_member_shows_its_pattern_and_what_it_matches() {
        let mut model = model();
        model.run_line("kplay consumer start all --pattern 'ord.*' --group g");
        model.run_line("kplay consumer start none --pattern 'sales-.*' --group g");
        advance(&mut model, 10_000);
        let vm = groups_vm(&model);
        let pattern = |name: &str| first_group_member(&vm, name).pattern.clone();
        assert_eq!(
            pattern("all"),
            Some(("ord.*".into(), vec!["orders".into()]))
        );
        assert_eq!(pattern("none"), Some(("sales-.*".into(), Vec::new())));
    }

    #[test]
    fn every_commit_choice_has_a_script_line() {
        for choice in [
            CommitChoice::Auto,
            CommitChoice::AfterProcessing,
            CommitChoice::BeforeProcessing,
        ] {
            let command =
                add_member_command("c", "g", "t", AssignorKind::CooperativeSticky, choice);
            let line = kplay_cli::record(&command).expect("recorded");
            assert!(
                line.starts_with("kplay consumer start c --topic t --group g"),
                "{line}"
            );
        }
    }
}
