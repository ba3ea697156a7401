//! The cluster picture: brokers (the controller marked) holding their partition replicas, each
//! replica's role, in-sync state, log end offset and its partition's high watermark; failure
//! buttons on each broker; and the textual table of partitions beside it.
//!
//! Roles are told apart by shape and label as well as colour: a leader is a solid square with
//! "L", a follower a round chip with "F", an out-of-sync replica has a dashed outline and "F✕"
//! ("E" if it is an eligible leader replica, KIP-966), an offline one "—".

use kplay_core::vec_map::VecMap;

use kplay_core::view::cluster::{ClusterView, PartitionView};
use kplay_core::{BrokerId, MetadataMode, TopicPartition};
use leptos::prelude::*;

use crate::keyed_list::keyed_list;

use super::failures::{BrokerAction, BrokerButtons};
use super::keyed::KeyedList;
use super::Intent;

/// A replica's role as drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Leader,
    Follower,
    Offline,
}

/// One replica chip, without its offsets (see [`ReplicaOffsets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaVm {
    pub partition: TopicPartition,
    pub broker: i32,
    pub role: Role,
    pub in_sync: bool,
    /// An eligible leader replica (KIP-966): out of the ISR, yet holding every committed record.
    pub eligible: bool,
    /// Whether a partition reassignment is adding or removing it.
    pub moving: Moving,
}

/// A replica's part in a partition reassignment (`kafka-reassign-partitions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Moving {
    #[default]
    Staying,
    /// A target replica new to the partition: it copies the log from the leader.
    Adding,
    /// An old replica the reassignment removes once every target replica is in sync.
    Removing,
}

impl Moving {
    /// The mark beside the chip's badge.
    pub fn mark(self) -> &'static str {
        match self {
            Moving::Staying => "",
            Moving::Adding => "+",
            Moving::Removing => "−",
        }
    }
}

/// A replica chip's offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReplicaOffsets {
    pub log_end_offset: i64,
    /// The partition's high watermark (the leader's).
    pub high_watermark: i64,
}

impl ReplicaOffsets {
    /// The text on the chip.
    pub fn text(&self) -> String {
        format!(
            "LEO {} · HW {}",
            self.log_end_offset,
            self.shown_high_watermark()
        )
    }

    /// The high watermark as shown: 0 while the picture knows none for the partition (a
    /// topic on its way out still has replicas on the brokers), as for a new partition.
    pub fn shown_high_watermark(&self) -> i64 {
        self.high_watermark.max(0)
    }
}

impl ReplicaVm {
    /// The words a screen reader uses: the chip's role and offsets.
    pub fn description(&self, offsets: ReplicaOffsets) -> String {
        format!(
            "{}, log end offset {}, high watermark {}",
            self.role_words(),
            offsets.log_end_offset,
            offsets.shown_high_watermark()
        )
    }

    /// The tooltip: what the chip's shape and badge say, in words (its offsets are on it).
    pub fn role_words(&self) -> String {
        let role = match self.role {
            Role::Leader => "leader",
            Role::Follower => "follower",
            Role::Offline => "offline replica",
        };
        let sync = if self.in_sync {
            "in sync"
        } else if self.eligible {
            "out of sync, eligible leader replica (ELR)"
        } else {
            "out of sync"
        };
        let moving = match self.moving {
            Moving::Staying => "",
            Moving::Adding if self.in_sync => {
                "; a reassignment is adding it: caught up, it waits for the other new replicas"
            }
            Moving::Adding => "; a reassignment is adding it: it copies the log from the leader",
            Moving::Removing => "; a reassignment removes it once every target replica is in sync",
        };
        format!(
            "{} on broker {}: {role}, {sync}{moving}",
            self.partition, self.broker
        )
    }

    /// The short label inside the chip.
    pub fn badge(&self) -> &'static str {
        match (self.role, self.in_sync) {
            (Role::Leader, _) => "L",
            (Role::Follower, true) => "F",
            (Role::Follower, false) if self.eligible => "E",
            (Role::Follower, false) => "F✕",
            (Role::Offline, _) => "—",
        }
    }
}

/// One broker card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerVm {
    pub id: i32,
    pub status: String,
    pub up: bool,
    pub fenced: bool,
    pub is_controller: bool,
    pub is_voter: bool,
    pub isolated: bool,
    pub delay_ms: i64,
    pub held: bool,
    pub leads: i32,
    /// Its replicas, in partition order (their offsets are in [`ClusterVm::offsets`]).
    pub replicas: Vec<ReplicaVm>,
}

impl BrokerVm {
    /// The card without its replicas: its head and buttons, which offsets never change.
    pub fn without_replicas(&self) -> BrokerVm {
        BrokerVm {
            replicas: Vec::new(),
            status: self.status.clone(),
            ..*self
        }
    }
}

/// The whole picture.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterVm {
    pub brokers: Vec<BrokerVm>,
    /// Each broker's replicas' offsets, in the order of its card's replicas. They are kept
    /// apart from the cards because they change on every refresh while records flow, and the
    /// rest of a card only when the cluster does (a broker stopped, a leader elected): the
    /// picture follows the two with two signals per card, so a turn that moves a card's
    /// offsets wakes nothing that shows its roles (see [`ClusterPicture`]).
    pub offsets: Vec<(i32, Vec<ReplicaOffsets>)>,
    pub controller: Option<i32>,
    /// Why no controller is active, once one was (a lost quorum, or a dead controller whose
    /// ZooKeeper session has not expired yet); `None` while one is.
    pub no_controller: Option<&'static str>,
    pub hidden_internal: i32,
}

/// One row of the partition table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionRowVm {
    pub partition: TopicPartition,
    pub leader: Option<i32>,
    /// Whether the leader the metadata names has stopped (the controller has not fenced it
    /// yet, or no controller can).
    pub leader_stopped: bool,
    pub leader_epoch: i32,
    pub replicas: String,
    pub isr: String,
    pub out_of_sync: String,
    pub high_watermark: i64,
    pub log_end_offset: i64,
    pub log_start_offset: i64,
    pub under_replicated: bool,
}

/// The picture from the cluster's view; internal topics only when asked.
pub fn cluster_vm(view: &ClusterView, show_internal: bool) -> ClusterVm {
    let hw: VecMap<&TopicPartition, i64> = kplay_core::sort::to_map(
        view.topics
            .iter()
            .flat_map(|topic| topic.partitions.iter())
            .map(|p| (&p.partition, p.high_watermark.0)),
    );
    let shown = |partition: &TopicPartition| show_internal || !partition.topic.starts_with("__");
    // Only partitions being reassigned, which are few and short-lived.
    let reassigning: Vec<&PartitionView> = view
        .topics
        .iter()
        .flat_map(|topic| topic.partitions.iter())
        .filter(|p| p.is_reassigning())
        .collect();
    let moving = |partition: &TopicPartition, broker: BrokerId| {
        let Some(p) = reassigning.iter().find(|p| p.partition == *partition) else {
            return Moving::Staying;
        };
        if p.adding.contains(&broker) {
            Moving::Adding
        } else if p.removing.contains(&broker) {
            Moving::Removing
        } else {
            Moving::Staying
        }
    };
    let mut hidden_internal = 0;
    let mut offsets = Vec::new();
    let brokers = view
        .brokers
        .iter()
        .map(|broker| {
            let mut replicas = Vec::new();
            let mut card_offsets = Vec::new();
            let mut leads = 0;
            for replica in &broker.replicas {
                if !shown(&replica.partition) {
                    hidden_internal += 1;
                    continue;
                }
                let role = match replica.role.as_str() {
                    "leader" if broker.up => Role::Leader,
                    "follower" if broker.up => Role::Follower,
                    _ => Role::Offline,
                };
                if role == Role::Leader {
                    leads += 1;
                }
                replicas.push(ReplicaVm {
                    partition: replica.partition.clone(),
                    broker: broker.id.0,
                    role,
                    in_sync: replica.in_sync,
                    eligible: replica.eligible,
                    moving: moving(&replica.partition, broker.id),
                });
                card_offsets.push(ReplicaOffsets {
                    log_end_offset: replica.log_end_offset.0,
                    high_watermark: hw.get(&replica.partition).copied().unwrap_or(-1),
                });
            }
            offsets.push((broker.id.0, card_offsets));
            BrokerVm {
                id: broker.id.0,
                status: broker.status.clone(),
                up: broker.up,
                fenced: broker.fenced,
                is_controller: broker.is_controller,
                is_voter: broker.is_voter,
                isolated: view.network.isolated.contains(&broker.id),
                delay_ms: view
                    .network
                    .delayed
                    .iter()
                    .find(|(id, _)| *id == broker.id)
                    .map_or(0, |(_, ms)| *ms),
                held: view.network.held.contains(&broker.id),
                leads,
                replicas,
            }
        })
        .collect();
    ClusterVm {
        brokers,
        offsets,
        controller: view.controller.map(|b| b.0),
        no_controller: no_controller_text(view),
        hidden_internal,
    }
}

/// The picture's warning while no controller is active (none before the first election).
fn no_controller_text(view: &ClusterView) -> Option<&'static str> {
    if view.controller.is_some() || view.controller_epoch == 0 {
        return None;
    }
    Some(match view.metadata_mode {
        MetadataMode::Kraft => {
            "No active controller: no majority of the controller voters is running and able to \
             reach each other. Until one is elected, no leader can be elected and the metadata \
             cannot change; admin requests wait for one."
        }
        MetadataMode::ZooKeeper => {
            "No active controller: no running broker holds /controller in ZooKeeper (a crashed \
             controller keeps it until its session expires). Until one does, no leader can be \
             elected; admin requests wait for one."
        }
    })
}

/// Which broker cards a refresh redraws. While playing, the cards are redrawn a part at a time
/// on different frames (a card's offsets change faster than anyone reads them, and redrawing
/// 144 replica chips at once made the slowest frames of the largest preset); after an action,
/// all at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardsTurn {
    All,
    /// The cards whose position modulo [`CARD_PARTS`] is this.
    Part(usize),
}

/// How many parts the broker cards are redrawn in while playing: one card a turn up to nine
/// brokers, the largest preset.
pub const CARD_PARTS: usize = 9;

/// The picture for a turn: the cards' offsets of the turn's part from `view`, the others as
/// they were in `previous`. A card that changed in more than its offsets (a broker stopped, a
/// leader elected, a replica out of sync, a topic created) is always redrawn whole: only
/// offsets lag behind, by at most one round of turns, and two cards never show two leaders of
/// one partition.
pub fn cluster_vm_turn(
    view: &ClusterView,
    show_internal: bool,
    previous: Option<&ClusterVm>,
    turn: CardsTurn,
) -> ClusterVm {
    let mut fresh = cluster_vm(view, show_internal);
    let (Some(previous), CardsTurn::Part(part)) = (previous, turn) else {
        return fresh;
    };
    for (index, (card, (id, offsets))) in fresh.brokers.iter().zip(&mut fresh.offsets).enumerate() {
        if index % CARD_PARTS == part || !previous.brokers.contains(card) {
            continue;
        }
        if let Some((_, old)) = previous.offsets.iter().find(|(old, _)| old == id) {
            offsets.clone_from(old);
        }
    }
    fresh
}

/// The partition table's rows (user topics only unless asked).
pub fn partition_rows(view: &ClusterView, show_internal: bool) -> Vec<PartitionRowVm> {
    let list = |brokers: &[BrokerId]| {
        brokers
            .iter()
            .map(|b| b.0.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    view.topics
        .iter()
        .filter(|topic| show_internal || !topic.internal)
        .flat_map(|topic| topic.partitions.iter())
        .map(|p| {
            let out: Vec<BrokerId> = p
                .replicas
                .iter()
                .filter(|b| !p.isr.contains(b))
                .copied()
                .collect();
            let mut out_of_sync = list(&out);
            if let Some(elr) = p.elr.as_deref().filter(|elr| !elr.is_empty()) {
                out_of_sync.push_str(&format!(" (ELR: {})", list(elr)));
            }
            // A reassignment's lists go on a second line of the cell.
            let mut moves = Vec::new();
            if !p.adding.is_empty() {
                moves.push(format!("adding {}", list(&p.adding)));
            }
            if !p.removing.is_empty() {
                moves.push(format!("removing {}", list(&p.removing)));
            }
            let mut replicas = list(&p.replicas);
            if !moves.is_empty() {
                replicas.push('\n');
                replicas.push_str(&moves.join("; "));
            }
            PartitionRowVm {
                partition: p.partition.clone(),
                leader: p.leader.map(|b| b.0),
                leader_stopped: view.leader_stopped(p),
                leader_epoch: p.leader_epoch,
                replicas,
                isr: list(&p.isr),
                out_of_sync,
                high_watermark: p.high_watermark.0,
                log_end_offset: p.log_end_offset.0,
                log_start_offset: p.log_start_offset.0,
                // As `kafka-topics` counts it: replicas being added do not count yet.
                under_replicated: p.isr.len() < p.replication_factor(),
            }
        })
        .collect()
}

/// One ACL as the cluster panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclRowVm {
    /// `Topic orders`, `Topic sales-* (prefix)`, `Group * (all)`.
    pub resource: String,
    pub principal: String,
    pub operation: &'static str,
    pub permission: &'static str,
}

/// The ACLs, oldest first; `None` when the brokers run no authorizer (then no table shows).
pub fn acl_rows(cluster: &kplay_core::Cluster) -> Option<Vec<AclRowVm>> {
    use kplay_core::acl::PatternType;
    let bindings = cluster.describe_acls(None).ok()?;
    Some(
        bindings
            .iter()
            .map(|binding| {
                let pattern = &binding.pattern;
                let name = match pattern.pattern_type {
                    PatternType::Prefixed => format!("{}* (prefix)", pattern.name),
                    PatternType::Literal if pattern.name == "*" => "* (all)".to_owned(),
                    PatternType::Literal => pattern.name.clone(),
                };
                AclRowVm {
                    resource: format!("{} {name}", pattern.resource_type.log_name()),
                    principal: binding.entry.principal.clone(),
                    operation: binding.entry.operation.name(),
                    permission: binding.entry.permission.name(),
                }
            })
            .collect(),
    )
}

/// A broker's status line.
pub fn broker_status(broker: &BrokerVm) -> String {
    let mut parts = vec![broker.status.clone()];
    if broker.fenced && broker.up {
        parts.push("fenced".to_owned());
    }
    if broker.isolated {
        parts.push("isolated".to_owned());
    }
    if broker.delay_ms > 0 {
        parts.push(format!("slowed +{} ms", broker.delay_ms));
    }
    if broker.held {
        parts.push("fetches paused".to_owned());
    }
    parts.push(format!("leads {}", broker.leads));
    parts.join(" · ")
}

/// The brokers and their replicas.
#[component]
pub fn ClusterPicture(
    /// The picture, refreshed a few times a second while playing and after every action.
    cluster: Memo<ClusterVm>,
    /// The partition picked for the log view, highlighted.
    selected: Memo<Option<TopicPartition>>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    // Two signals per card: a turn that redraws one card's offsets wakes only that card's
    // chips' offsets, and nothing that shows their roles or the card's head.
    let cards = KeyedList::new(cluster, |c: &ClusterVm| {
        c.brokers.iter().map(|b| (b.id, b)).collect()
    });
    let offsets = KeyedList::new(cluster, |c: &ClusterVm| {
        c.offsets.iter().map(|(id, o)| (*id, o)).collect()
    });
    // A memo: the warning is redrawn when it changes, not on every refresh of the picture
    // (a `String`, empty for none, as another memo's type: a new one costs WebAssembly bytes).
    let no_controller =
        Memo::new(move |_| cluster.with(|c| c.no_controller.unwrap_or_default().to_owned()));
    view! {
        {move || Some(no_controller.get()).filter(|text| !text.is_empty()).map(|text| view! {
            <p class="notice notice-warning" data-testid="no-controller">{text}</p>
        })}
        <div class="brokers" data-testid="brokers">
            {keyed_list(
                move || {
                    // Brings the offsets' signals in step too (reading the memo runs it; a
                    // memo only tracked would not): a new card finds both.
                    offsets.keys().with(|_| ());
                    cards.keys().get()
                },
                |id| *id,
                move |id| {
                    cards
                        .signal(&id)
                        .zip(offsets.signal(&id))
                        .map(|(broker, offsets)| {
                            view! { <BrokerCard id=id broker=broker offsets=offsets selected=selected dispatch=dispatch /> }
                        })
                        .into_any()
                },
            )}
        </div>
    }
}

#[component]
fn BrokerCard(
    id: i32,
    /// This broker's card, without its replicas' offsets.
    broker: RwSignal<BrokerVm>,
    /// Its replicas' offsets, in the order of its replicas.
    offsets: RwSignal<Vec<ReplicaOffsets>>,
    selected: Memo<Option<TopicPartition>>,
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let head = Memo::new(move |_| broker.with(BrokerVm::without_replicas));
    let keys = Memo::new(move |_| {
        broker.with(|b| {
            b.replicas
                .iter()
                .map(|r| r.partition.clone())
                .collect::<Vec<_>>()
        })
    });
    let flag = move |f: fn(&BrokerVm) -> bool| move || head.with(f);
    let status = move || head.with(broker_status);
    let on_action = Callback::new(move |action: BrokerAction| {
        dispatch.run(Intent::Broker(BrokerId(id), action))
    });
    view! {
        <section
            class="broker"
            class:broker-down=move || !flag(|b| b.up)()
            class:broker-isolated=flag(|b| b.isolated)
            data-testid="broker"
            data-broker=id
            data-up=move || flag(|b| b.up)().to_string()
            aria-label=move || format!("Broker {id}")
        >
            <header class="broker-head">
                <h4 class="broker-title">
                    "Broker " {id}
                    <Show when=flag(|b| b.is_controller)>
                        <span class="badge badge-controller" data-testid="controller-badge" title="Active controller">
                            "♛ controller"
                        </span>
                    </Show>
                </h4>
                <p class="broker-status" data-testid="broker-status">{status}</p>
            </header>
            <ul class="replicas" aria-label=move || format!("Replicas on broker {id}")>
                {keyed_list(
                    move || keys.get(),
                    |partition| partition.clone(),
                    move |partition| view! {
                        <ReplicaChip partition=partition broker_id=id broker=broker offsets=offsets selected=selected dispatch=dispatch />
                    }
                    .into_any(),
                )}
            </ul>
            <BrokerButtons broker=head on_action=on_action />
        </section>
    }
}

#[component]
fn ReplicaChip(
    partition: TopicPartition,
    broker_id: i32,
    /// The card of the broker holding it, without offsets.
    broker: RwSignal<BrokerVm>,
    /// The card's offsets, in the order of its replicas.
    offsets: RwSignal<Vec<ReplicaOffsets>>,
    selected: Memo<Option<TopicPartition>>,
    dispatch: Callback<Intent>,
) -> impl IntoView {
    // The chip follows its card's two signals (see `ClusterPicture`) through two narrow memos:
    // its role, ISR membership, badge and place among the card's replicas, out of the card,
    // which changes rarely; and its offsets' text and the screen reader's description, out of
    // the card's offsets, which change on every turn. A card's turn reruns only the second and
    // what follows it (the text, the description and the text's width). No memo holds a copy
    // of the replica, and one binding sets all the chip's classes.
    let state = {
        let partition = partition.clone();
        Memo::new(move |_| {
            broker.with(|b| {
                b.replicas
                    .iter()
                    .position(|r| r.partition == partition)
                    .map_or((Role::Offline, false, "", None, Moving::Staying), |index| {
                        let r = &b.replicas[index];
                        (r.role, r.in_sync, r.badge(), Some(index), r.moving)
                    })
            })
        })
    };
    // The offsets' text, and the description that says them.
    let text = Memo::new(move |_| {
        let Some(index) = state.with(|s| s.3) else {
            return Default::default();
        };
        let replica = offsets.with(|o| o.get(index).copied()).unwrap_or_default();
        let description = broker
            .with_untracked(|b| b.replicas.get(index).map(|r| r.description(replica)))
            .unwrap_or_default();
        (replica.text(), description)
    });
    let tooltip = Memo::new(move |_| {
        let index = state.with(|s| s.3);
        broker
            .with_untracked(|b| {
                index
                    .and_then(|i| b.replicas.get(i))
                    .map(ReplicaVm::role_words)
            })
            .unwrap_or_default()
    });
    // The offsets are laid out apart from the page (see `.replica-offsets-text`): their box
    // is as wide as their text, in characters of the monospaced font, and changes size only
    // when the text's length does.
    let width = Memo::new(move |_| text.with(|(text, _)| text.chars().count()));
    let role = move || state.with(|s| s.0);
    let in_sync = move || state.with(|s| s.1);
    let class = {
        let partition = partition.clone();
        move || {
            let (role, in_sync, _, _, moving) = state.get();
            let selected = selected.with(|s| s.as_ref() == Some(&partition));
            chip_class(role, in_sync, moving, selected)
        }
    };
    let select = {
        let partition = partition.clone();
        move |_| dispatch.run(Intent::SelectPartition(partition.clone()))
    };
    view! {
        <li class="replica-item">
            <button
                type="button"
                class=class
                data-testid="replica"
                data-partition=partition.to_string()
                data-broker=broker_id
                data-role=move || match role() {
                    Role::Leader => "leader",
                    Role::Follower => "follower",
                    Role::Offline => "offline",
                }
                data-in-sync=move || in_sync().to_string()
                title=tooltip
                aria-label=move || text.with(|(_, description)| description.clone())
                on:click=select
            >
                <span class="replica-badge" aria-hidden="true">
                    {move || state.with(|s| s.2)}
                    <span class="replica-move">{move || state.with(|s| s.4.mark())}</span>
                </span>
                <span class="replica-name" aria-hidden="true">{partition.to_string()}</span>
                <span class="replica-offsets" aria-hidden="true">
                    <span class="replica-offsets-text" style:width=move || format!("{}ch", width.get())>
                        {move || text.with(|(text, _)| text.clone())}
                    </span>
                </span>
            </button>
        </li>
    }
}

/// A replica chip's classes: its role's, and whether it is out of sync or selected.
fn chip_class(role: Role, in_sync: bool, moving: Moving, selected: bool) -> String {
    let mut class = String::from(match role {
        Role::Leader => "replica replica-leader",
        Role::Follower => "replica replica-follower",
        Role::Offline => "replica replica-offline",
    });
    if !in_sync {
        class.push_str(" replica-out-of-sync");
    }
    match moving {
        Moving::Staying => {}
        Moving::Adding => class.push_str(" replica-adding"),
        Moving::Removing => class.push_str(" replica-removing"),
    }
    if selected {
        class.push_str(" replica-selected");
    }
    class
}

/// The textual table of partitions, with "Kill leader" on each row.
///
/// Rows are keyed by partition and their cells follow the row's own memo, so a refresh
/// rewrites only the cells whose text changed instead of rebuilding every row whose offsets
/// moved (under steady produce, all of them).
#[component]
pub fn PartitionTable(
    /// The rows, refreshed a few times a second.
    rows: Memo<Vec<PartitionRowVm>>,
    /// Carries out what the learner asked for.
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let partitions = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .map(|row| row.partition.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="table-scroll">
            <table class="state-table" data-testid="partition-table">
                <caption>"Partitions: leader, replicas, ISR and offsets"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Partition"</th>
                        <th scope="col">"Leader"</th>
                        <th scope="col">"Epoch"</th>
                        <th scope="col">"Replicas"</th>
                        <th scope="col">"ISR"</th>
                        <th scope="col">"Out of sync"</th>
                        <th scope="col">"Log start"</th>
                        <th scope="col">"High watermark"</th>
                        <th scope="col">"Log end"</th>
                        <th scope="col">"Actions"</th>
                    </tr>
                </thead>
                <tbody>
                    {keyed_list(
                        move || partitions.get(),
                        |partition| partition.clone(),
                        move |partition| view! {
                            <PartitionRow partition=partition rows=rows dispatch=dispatch />
                        }
                        .into_any(),
                    )}
                </tbody>
            </table>
            <Show when=move || partitions.with(Vec::is_empty)>
                <p class="hint" data-testid="no-partitions">"No partition to show yet: no topic has been created."</p>
            </Show>
        </div>
    }
}

/// The ACLs the brokers' authorizer checks requests against, as a table; nothing on a
/// cluster without an authorizer.
#[component]
pub fn AclTable(
    /// The rows, refreshed with the other panels.
    acls: Memo<Option<Vec<AclRowVm>>>,
) -> impl IntoView {
    move || {
        acls.with(|acls| {
            acls.as_ref().map(|rows| {
                view! {
                    <details class="subpanel" open data-testid="acl-table">
                        <summary>{format!("ACLs ({})", rows.len())}</summary>
                        <div class="table-scroll">
                            <table class="state-table">
                                <caption>"ACLs: who may do what (a DENY wins over an ALLOW)"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Resource"</th>
                                        <th scope="col">"Principal"</th>
                                        <th scope="col">"Operation"</th>
                                        <th scope="col">"Permission"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows
                                        .iter()
                                        .map(|row| view! {
                                            <tr data-testid="acl-row">
                                                <td>{row.resource.clone()}</td>
                                                <td>{row.principal.clone()}</td>
                                                <td>{row.operation}</td>
                                                <td class:acl-deny=row.permission == "DENY">{row.permission}</td>
                                            </tr>
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </details>
                }
            })
        })
    }
}

/// The leader cell: the broker the metadata names, marked when it has stopped.
fn leader_text(row: &PartitionRowVm) -> String {
    match row.leader {
        None => "none (offline)".to_owned(),
        Some(leader) if row.leader_stopped => format!("{leader} (stopped)"),
        Some(leader) => leader.to_string(),
    }
}

#[component]
fn PartitionRow(
    partition: TopicPartition,
    rows: Memo<Vec<PartitionRowVm>>,
    dispatch: Callback<Intent>,
) -> impl IntoView {
    let lookup = partition.clone();
    let row = Memo::new(move |_| {
        rows.with(|rows| rows.iter().find(|row| row.partition == lookup).cloned())
    });
    let cell = move |f: fn(&PartitionRowVm) -> String| {
        move || row.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let leader = move || row.with(|r| r.as_ref().and_then(|r| r.leader));
    let kill = {
        let partition = partition.clone();
        move |_| dispatch.run(Intent::KillLeader(partition.clone()))
    };
    let show = {
        let partition = partition.clone();
        move |_| dispatch.run(Intent::SelectPartition(partition.clone()))
    };
    view! {
        <tr
            data-testid="partition-row"
            data-partition=partition.to_string()
            data-leader=move || leader().map(|l| l.to_string()).unwrap_or_default()
            data-isr=cell(|r| r.isr.clone())
            class:row-warning=move || row.with(|r| r.as_ref().is_some_and(|r| r.under_replicated))
        >
            <th scope="row">{partition.to_string()}</th>
            <td>{move || row.with(|r| r.as_ref().map_or_else(String::new, leader_text))}</td>
            <td>{cell(|r| r.leader_epoch.to_string())}</td>
            <td class="replicas-cell">{cell(|r| r.replicas.clone())}</td>
            <td>{cell(|r| r.isr.clone())}</td>
            <td>{cell(|r| r.out_of_sync.clone())}</td>
            <td>{cell(|r| r.log_start_offset.max(0).to_string())}</td>
            <td>{cell(|r| r.high_watermark.max(0).to_string())}</td>
            <td>{cell(|r| r.log_end_offset.max(0).to_string())}</td>
            <td class="row-actions">
                <button type="button" class="button-small" on:click=show>"Log"</button>
                <button
                    type="button"
                    class="button-small button-danger"
                    data-testid="kill-leader"
                    disabled=move || leader().is_none()
                    on:click=kill
                >
                    "Kill leader"
                </button>
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use kplay_core::{Cluster, ClusterConfig, Command};

    use super::*;

    fn cluster() -> Cluster {
        let mut cluster = Cluster::new(ClusterConfig::default(), 7).expect("valid");
        cluster
            .apply(Command::CreateTopic {
                topic: "orders".to_owned(),
                partitions: 2,
                replication_factor: 3,
                configs: Vec::new(),
            })
            .expect("created");
        cluster.run_for(1_000);
        cluster
    }

    #[test]
    fn acls_are_listed_only_with_an_authorizer() {
        use kplay_core::acl::{
            AccessControlEntry, AclBinding, AclOperation, PatternType, Permission, ResourcePattern,
            ResourceType,
        };
        assert_eq!(acl_rows(&cluster()), None);
        let config = ClusterConfig {
            broker_configs: vec![(
                "authorizer.class.name".to_owned(),
                kplay_core::acl::STANDARD_AUTHORIZER.to_owned(),
            )],
            ..ClusterConfig::default()
        };
        let mut secured = Cluster::new(config, 7).expect("valid");
        assert_eq!(acl_rows(&secured), Some(Vec::new()));
        let binding = |name: &str, pattern_type, permission| AclBinding {
            pattern: ResourcePattern::new(ResourceType::Topic, name, pattern_type),
            entry: AccessControlEntry {
                principal: "User:alice".to_owned(),
                operation: AclOperation::Write,
                permission,
            },
        };
        secured
            .apply(Command::CreateAcls {
                bindings: vec![
                    binding("sales-", PatternType::Prefixed, Permission::Allow),
                    binding("*", PatternType::Literal, Permission::Deny),
                ],
            })
            .expect("created");
        let rows = acl_rows(&secured).expect("an authorizer");
        let resources: Vec<&str> = rows.iter().map(|row| row.resource.as_str()).collect();
        assert_eq!(resources, ["Topic sales-* (prefix)", "Topic * (all)"]);
        assert_eq!((rows[1].operation, rows[1].permission), ("WRITE", "DENY"));
    }

    #[test]
    fn every_replica_is_drawn_with_one_leader_per_partition() {
        let vm = cluster_vm(&cluster().view(), false);
        assert_eq!(vm.brokers.len(), 3);
        let replicas: Vec<&ReplicaVm> = vm.brokers.iter().flat_map(|b| &b.replicas).collect();
        assert_eq!(replicas.len(), 6);
        for partition in 0..2 {
            let leaders = replicas
                .iter()
                .filter(|r| r.partition.partition == partition && r.role == Role::Leader)
                .count();
            assert_eq!(leaders, 1);
        }
        assert!(vm.controller.is_some());
        assert_eq!(vm.no_controller, None);
    }

    #[test]
    fn the_picture_warns_while_no_controller_is_active() {
        let mut cluster = cluster();
        for broker in [1, 2] {
            cluster
                .apply(Command::StopBroker {
                    broker: BrokerId(broker),
                })
                .expect("stopped");
        }
        cluster.run_for(5_000);
        let text = cluster_vm(&cluster.view(), false)
            .no_controller
            .expect("a warning");
        assert!(text.contains("controller voters"), "{text}");
        cluster
            .apply(Command::StartBroker {
                broker: BrokerId(1),
            })
            .expect("started");
        cluster.run_for(10_000);
        assert_eq!(cluster_vm(&cluster.view(), false).no_controller, None);
    }

    #[test]
    fn a_stopped_broker_draws_its_replicas_offline_and_out_of_sync_later() {
        let mut cluster = cluster();
        let led_by_one: Vec<TopicPartition> = partition_rows(&cluster.view(), false)
            .into_iter()
            .filter(|row| row.leader == Some(1))
            .map(|row| row.partition)
            .collect();
        assert!(!led_by_one.is_empty(), "broker 1 leads a partition");
        cluster
            .apply(Command::StopBroker {
                broker: BrokerId(1),
            })
            .expect("stopped");
        // Until the controller fences it, the metadata still names it, and the table says it
        // has stopped.
        let rows = partition_rows(&cluster.view(), false);
        for row in &rows {
            let named = led_by_one.contains(&row.partition);
            assert_eq!(row.leader_stopped, named, "{row:?}");
            if named {
                assert_eq!(leader_text(row), "1 (stopped)");
            }
        }
        cluster.run_for(20_000);
        let vm = cluster_vm(&cluster.view(), false);
        let on_one: Vec<&ReplicaVm> = vm
            .brokers
            .iter()
            .flat_map(|b| &b.replicas)
            .filter(|r| r.broker == 1)
            .collect();
        assert!(on_one.iter().all(|r| r.role == Role::Offline && !r.in_sync));
        assert!(on_one.iter().all(|r| r.badge() == "—"));
        let rows = partition_rows(&cluster.view(), false);
        assert!(rows
            .iter()
            .all(|row| row.under_replicated && row.out_of_sync == "1"));
        assert!(rows
            .iter()
            .all(|row| row.leader != Some(1) && !row.leader_stopped));
    }

    /// KIP-966: followers that left an ISR below `min.insync.replicas` are drawn "E" and
    /// listed as eligible in the table.
    #[test]
    fn eligible_leader_replicas_are_labelled_in_the_cards_and_the_table() {
        let mut cluster = cluster();
        cluster
            .apply(Command::AlterConfigs {
                resource: kplay_core::ConfigResource::Topic("orders".to_owned()),
                set: vec![("min.insync.replicas".to_owned(), "2".to_owned())],
                delete: Vec::new(),
            })
            .expect("altered");
        cluster.run_for(1_000);
        let leader = cluster.view().topics[0].partitions[0].leader.expect("led");
        let followers: Vec<BrokerId> = (1..=3).map(BrokerId).filter(|b| *b != leader).collect();
        for follower in &followers {
            cluster
                .apply(Command::HoldFetches { broker: *follower })
                .expect("held");
        }
        cluster
            .apply(Command::CreateProducer {
                name: "p".to_owned(),
                configs: vec![("acks".to_owned(), "1".to_owned())],
            })
            .expect("producer");
        let mut record = kplay_core::NewRecord::new("orders", Some("k"), Some("v"));
        record.partition = Some(0);
        cluster
            .apply(Command::Produce {
                producer: "p".to_owned(),
                record,
            })
            .expect("sent");
        cluster.run_for(50_000);
        let rows = partition_rows(&cluster.view(), false);
        let list = format!("{},{}", followers[0].0, followers[1].0);
        assert!(
            rows.iter()
                .any(|row| row.out_of_sync == format!("{list} (ELR: {list})")),
            "{rows:?}"
        );
        let vm = cluster_vm(&cluster.view(), false);
        let eligible = vm
            .brokers
            .iter()
            .flat_map(|b| &b.replicas)
            .filter(|r| r.partition.partition == 0 && r.eligible)
            .count();
        assert_eq!(eligible, 2);
    }

    #[test]
    fn a_reassignment_marks_the_replicas_it_adds_and_removes() {
        let config = ClusterConfig {
            brokers: 4,
            ..ClusterConfig::default()
        };
        let mut cluster = Cluster::new(config, 7).expect("valid");
        cluster
            .apply(Command::CreateTopicWithAssignment {
                topic: "orders".to_owned(),
                assignment: vec![vec![BrokerId(1), BrokerId(2)]],
                configs: Vec::new(),
            })
            .expect("created");
        cluster.run_for(1_000);
        // Broker 4 cannot fetch, so the move stays under way.
        cluster
            .apply(Command::HoldFetches {
                broker: BrokerId(4),
            })
            .expect("held");
        cluster
            .apply(Command::AlterPartitionReassignment {
                partition: TopicPartition::new("orders", 0),
                replicas: Some(vec![BrokerId(1), BrokerId(4)]),
            })
            .expect("started");
        cluster.run_for(1_000);
        let vm = cluster_vm(&cluster.view(), false);
        let moving: Vec<(i32, Moving)> = vm
            .brokers
            .iter()
            .flat_map(|b| &b.replicas)
            .map(|r| (r.broker, r.moving))
            .collect();
        assert_eq!(
            moving,
            vec![
                (1, Moving::Staying),
                (2, Moving::Removing),
                (4, Moving::Adding)
            ]
        );
        let adding = vm.brokers[3].replicas[0].clone();
        assert!(adding
            .role_words()
            .ends_with("a reassignment is adding it: it copies the log from the leader"));
        let row = &partition_rows(&cluster.view(), false)[0];
        assert_eq!(row.replicas, "1,4,2\nadding 4; removing 2");
        assert!(
            !row.under_replicated,
            "broker 4 does not count until it is added"
        );
        cluster
            .apply(Command::ReleaseFetches {
                broker: BrokerId(4),
            })
            .expect("released");
        cluster.run_for(5_000);
        let row = &partition_rows(&cluster.view(), false)[0];
        assert_eq!(row.replicas, "1,4");
    }

    #[test]
    fn a_turn_redraws_its_part_of_the_cards_and_keeps_the_rest() {
        let view = cluster().view();
        let fresh = cluster_vm(&view, false);
        let mut previous = fresh.clone();
        for offsets in previous.offsets.iter_mut().flat_map(|(_, o)| o) {
            offsets.log_end_offset = -5;
        }
        let turn = cluster_vm_turn(&view, false, Some(&previous), CardsTurn::Part(1));
        let offsets = |vm: &ClusterVm, broker: i32| -> Vec<i64> {
            let (_, card) = vm
                .offsets
                .iter()
                .find(|(b, _)| *b == broker)
                .expect("a card");
            card.iter().map(|o| o.log_end_offset).collect()
        };
        // Cards are in position order: broker 1 is part 0, broker 2 part 1, broker 3 part 2.
        assert_eq!(offsets(&turn, 2), offsets(&fresh, 2));
        assert_eq!(offsets(&turn, 1), vec![-5, -5]);
        assert_eq!(turn.offsets[2], previous.offsets[2]);
        assert_eq!(turn.brokers, fresh.brokers);
        assert_eq!(
            cluster_vm_turn(&view, false, Some(&previous), CardsTurn::All),
            fresh
        );
        assert_eq!(
            cluster_vm_turn(&view, false, None, CardsTurn::Part(1)),
            fresh
        );
        // A card that changed in more than offsets is redrawn whatever the turn.
        let mut moved = previous.clone();
        moved.brokers[0].replicas.pop();
        moved.offsets[0].1.pop();
        let turn = cluster_vm_turn(&view, false, Some(&moved), CardsTurn::Part(1));
        assert_eq!(turn.offsets[0], fresh.offsets[0]);
        let mut elected = previous.clone();
        elected.brokers[0].replicas[0].role = Role::Offline;
        let turn = cluster_vm_turn(&view, false, Some(&elected), CardsTurn::Part(1));
        assert_eq!(turn.brokers[0], fresh.brokers[0]);
        assert_eq!(turn.offsets[0], fresh.offsets[0]);
        assert_eq!(turn.offsets[2], previous.offsets[2]);
    }

    #[test]
    fn replica_words_name_role_and_offsets() {
        let replica = ReplicaVm {
            partition: TopicPartition::new("orders", 0),
            broker: 2,
            role: Role::Follower,
            in_sync: false,
            eligible: false,
            moving: Moving::Staying,
        };
        let offsets = ReplicaOffsets {
            log_end_offset: 4,
            high_watermark: 6,
        };
        assert_eq!(offsets.text(), "LEO 4 · HW 6");
        assert_eq!(
            replica.description(offsets),
            "orders-0 on broker 2: follower, out of sync, log end offset 4, high watermark 6"
        );
        assert_eq!(
            replica.role_words(),
            "orders-0 on broker 2: follower, out of sync"
        );
        assert_eq!(replica.badge(), "F✕");
        let eligible = ReplicaVm {
            eligible: true,
            ..replica.clone()
        };
        assert_eq!(eligible.badge(), "E");
        assert_eq!(
            eligible.role_words(),
            "orders-0 on broker 2: follower, out of sync, eligible leader replica (ELR)"
        );
        // No high watermark known: the chip and its words both say 0.
        let unknown = ReplicaOffsets {
            log_end_offset: 0,
            high_watermark: -1,
        };
        assert_eq!(unknown.text(), "LEO 0 · HW 0");
        assert!(replica.description(unknown).ends_with("high watermark 0"));
    }
}
