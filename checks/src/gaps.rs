//! The gap report: the seed's classifier held against TrinityCore's own processing places, over
//! the whole client opcode table, and the seed's worker-share claim measured on `seed-load`.
//!
//! - [`report`] builds a [`GapReport`]; [`render`] prints it as text, JSON or Markdown.
//! - [`worker_share`] runs a scenario under every policy and counts where the handlers ran.
//! - [`DenseTable`] is the baseline the seed's eight hash sets are benchmarked against.
//!
//! Everything here is deterministic: tables are walked in table order, groups are kept in
//! `BTreeMap`s or `Vec`s, and the runs use [`Dispatch::Barrier`] on the std backend, whose lanes
//! do not depend on timing (every bot update is joined before the deferred pass, and map updates
//! are joined before bot updates start).

use model::classifier::{Classifier, CompleteClassifier, Dispatch, Policy, Route, SeedClassifier};
use model::opcodes::{HandlerKind, KindBasis, Opcode, Place, SeedCategory, Status, OPCODE_COUNT, SEED_DEFERRED};
use model::outcome::ThreadKind;
use model::scenario::{Scenario, ScenarioName, SEED_LOAD_MIX};
use model::sync::Std;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// The seed document (a verbatim copy of the reference text), read for the opcode names it uses.
pub const SEED_DOCUMENT: &str = include_str!("../data/seed-000_1de4a96e0794a43a.txt");

/// Names the seed document uses that this table spells differently, with the table's name.
/// Source: the seed's own data file, which lists the group invite as `CMSG_PARTY_INVITE`.
pub const SEED_ALIASES: &[(&str, &str)] = &[("CMSG_GROUP_INVITE", "CMSG_PARTY_INVITE")];

/// The handler kinds that can reach `AuraApplication::_HandleEffect`: casts and spell-capable
/// uses, aura removals, the movement-stop family (area update, then the `spell_area` autocast)
/// and quest-log changes (`SendQuestUpdate`, then the same autocast).
pub const SPELL_CAPABLE: [HandlerKind; 4] =
    [HandlerKind::Cast, HandlerKind::AuraRemove, HandlerKind::MoveStop, HandlerKind::QuestUpdate];

/// The seed's claim: the share of packets that stay on the bot worker, in percent.
pub const SEED_CLAIMED_WORKER_SHARE: (u32, u32) = (80, 85);

/// An output format of [`render`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Format {
    /// Plain text with aligned columns.
    Text,
    /// Pretty-printed JSON of the [`GapReport`].
    Json,
    /// GitHub-flavoured Markdown.
    Markdown,
}

impl Format {
    /// All three.
    pub const ALL: [Format; 3] = [Format::Text, Format::Json, Format::Markdown];
    /// Name (`text`, `json`, `markdown`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "markdown",
        }
    }
    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct GapReport {
    /// Where this build's opcode table comes from: `bundled`, or the TrinityCore checkout it was
    /// built on (`TRINITYCORE_DIR`).
    pub table: &'static str,
    /// Client opcodes in the table.
    pub opcodes: usize,
    /// Opcodes TrinityCore handles: status not UNHANDLED, NEVER or IGNORED, and a real handler
    /// (not `Handle_NULL`, `Handle_EarlyProccess` or `Handle_Deprecated`).
    pub handled: usize,
    /// Opcodes whose status alone says handled (MODEL.md's count), real handler or not.
    pub handled_by_status: usize,
    /// Opcodes the seed defers to the main thread.
    pub seed_deferred: usize,
    /// Handled opcodes by TrinityCore's processing place and by where each classifier sends them.
    pub places: Vec<PlaceCounts>,
    /// Handled THREADSAFE and THREADUNSAFE opcodes the seed leaves on the bot worker, by kind.
    pub left_on_worker: Vec<PlaceGap>,
    /// Spell-capable opcodes ([`SPELL_CAPABLE`]) the seed leaves on the bot worker, by kind.
    pub spell_capable_on_worker: Vec<KindGroup>,
    /// Handled opcodes no handler-kind rule names: their kind is the fail-closed guess,
    /// player-write (`model::opcodes::KindBasis::Guessed`). A new or renamed opcode of the
    /// table lands here; each is worth a look at its handler.
    pub guessed: Vec<Entry>,
    /// Opcode names of the seed document that this table spells differently.
    pub renamed: Vec<Rename>,
    /// Set sizes the seed document states beside those of its data file.
    pub set_sizes: Vec<SetSize>,
    /// Where `seed-load`'s packets ran, per policy.
    pub worker_share: Vec<Share>,
}

/// One processing place's counts (handled opcodes only).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlaceCounts {
    /// TrinityCore's name of the place.
    pub place: &'static str,
    /// Handled opcodes with this place.
    pub handled: usize,
    /// Sent to the main thread by the seed.
    pub seed_main_thread: usize,
    /// Left on the bot worker by the seed.
    pub seed_bot_worker: usize,
    /// Of those, the ones whose handler touches shared game state.
    pub seed_bot_worker_shared_state: usize,
    /// Left on the bot worker by the complete classifier.
    pub complete_bot_worker: usize,
}

/// One opcode in a list.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Entry {
    /// TrinityCore's name.
    pub name: &'static str,
    /// TrinityCore's processing place.
    pub place: &'static str,
}

/// Opcodes of one handler kind.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KindGroup {
    /// The handler kind's name.
    pub kind: &'static str,
    /// Whether that kind touches shared game state.
    pub shared_state: bool,
    /// The opcodes, in table order.
    pub opcodes: Vec<Entry>,
}

/// The opcodes of one place that the seed leaves on the bot worker.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlaceGap {
    /// TrinityCore's name of the place.
    pub place: &'static str,
    /// All of them.
    pub count: usize,
    /// Those whose handler touches shared game state.
    pub shared_state: usize,
    /// By handler kind, in [`HandlerKind::ALL`] order.
    pub by_kind: Vec<KindGroup>,
}

/// A name the seed document uses that is not a name of this table.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rename {
    /// The seed document's name.
    pub seed_name: &'static str,
    /// How it resolves: `renamed` (one opcode of another name), `family` (every opcode whose
    /// name extends it), or `missing`.
    pub resolution: &'static str,
    /// The table's opcodes, with where the seed's classifier sends each.
    pub table: Vec<Routed>,
}

/// An opcode and the seed's route for it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Routed {
    /// TrinityCore's name.
    pub name: &'static str,
    /// The seed's route.
    pub seed_route: &'static str,
}

/// One of the seed's sets: the size its document states and the size of its data file.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SetSize {
    /// The category.
    pub category: &'static str,
    /// Opcodes the document's `s_<category>Opcodes` listing names plus its "N more", if it has one.
    pub document: Option<usize>,
    /// Opcodes of the category in the seed's data file.
    pub data_file: usize,
}

/// Where one policy ran a scenario's packets.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Share {
    /// The policy's name.
    pub policy: &'static str,
    /// Packets the bots sent.
    pub received: usize,
    /// Handler runs.
    pub ran: usize,
    /// Packets dropped with a reason (unhandled, or the player logged out).
    pub dropped: usize,
    /// Packets lost with an erased session (the bot that `seed-load` removes in its last tick).
    pub lost: usize,
    /// Runs on bot workers.
    pub bot_worker: usize,
    /// Runs on the world (main) thread.
    pub main_thread: usize,
    /// Runs on map workers.
    pub map_thread: usize,
    /// `bot_worker / ran`, in percent, to 0.1.
    pub bot_worker_pct: f64,
    /// The bot-worker share the traffic mix implies (each kind's weight times the fraction of
    /// its opcodes the classifier keeps on the worker), in percent, to 0.1.
    pub expected_bot_worker_pct: f64,
    /// Crashes during the run: tripped asserts and uses after free (a run stops at the first).
    pub asserts: usize,
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        0.0
    } else {
        (part * 1000.0 / whole).round() / 10.0
    }
}

fn handled(op: Opcode) -> bool {
    op.kind() != HandlerKind::Unhandled
}

fn entry(op: Opcode) -> Entry {
    Entry { name: op.name(), place: op.info().place.tc_name() }
}

/// Groups `ops` by handler kind, in [`HandlerKind::ALL`] order, leaving out empty kinds.
fn by_kind(ops: impl Iterator<Item = Opcode>) -> Vec<KindGroup> {
    let mut groups: BTreeMap<HandlerKind, Vec<Entry>> = BTreeMap::new();
    for op in ops {
        groups.entry(op.kind()).or_default().push(entry(op));
    }
    groups
        .into_iter()
        .map(|(k, opcodes)| KindGroup { kind: k.name(), shared_state: k.touches_shared_state(), opcodes })
        .collect()
}

/// Handled opcodes the seed leaves on the bot worker, in table order.
pub fn seed_left_on_worker() -> impl Iterator<Item = Opcode> {
    Opcode::all().filter(|&op| handled(op) && SeedClassifier::get().route(op) == Route::BotWorker)
}

/// The opcodes the seed leaves on the bot worker whose handler touches shared game state: the
/// seed's soundness gap, in table order.
pub fn seed_unsound() -> Vec<Opcode> {
    seed_left_on_worker().filter(|op| op.kind().touches_shared_state()).collect()
}

const PLACES: [Place; 3] = [Place::ThreadSafe, Place::ThreadUnsafe, Place::Inplace];

fn place_counts() -> Vec<PlaceCounts> {
    let seed = SeedClassifier::get();
    PLACES
        .iter()
        .map(|&place| {
            let ops: Vec<Opcode> = Opcode::all().filter(|&op| handled(op) && op.info().place == place).collect();
            let on_worker = |c: &dyn Classifier, op: Opcode| c.route(op) == Route::BotWorker;
            PlaceCounts {
                place: place.tc_name(),
                handled: ops.len(),
                seed_main_thread: ops.iter().filter(|&&op| !on_worker(seed, op)).count(),
                seed_bot_worker: ops.iter().filter(|&&op| on_worker(seed, op)).count(),
                seed_bot_worker_shared_state: ops
                    .iter()
                    .filter(|&&op| on_worker(seed, op) && op.kind().touches_shared_state())
                    .count(),
                complete_bot_worker: ops.iter().filter(|&&op| on_worker(&CompleteClassifier, op)).count(),
            }
        })
        .collect()
}

fn left_on_worker() -> Vec<PlaceGap> {
    [Place::ThreadSafe, Place::ThreadUnsafe]
        .iter()
        .map(|&place| {
            let ops: Vec<Opcode> = seed_left_on_worker().filter(|op| op.info().place == place).collect();
            PlaceGap {
                place: place.tc_name(),
                count: ops.len(),
                shared_state: ops.iter().filter(|op| op.kind().touches_shared_state()).count(),
                by_kind: by_kind(ops.into_iter()),
            }
        })
        .collect()
}

/// The distinct `CMSG_*` names of the seed document, sorted.
pub fn seed_document_names() -> BTreeSet<&'static str> {
    let doc = SEED_DOCUMENT;
    let mut names = BTreeSet::new();
    let mut rest = 0;
    while let Some(at) = doc[rest..].find("CMSG_") {
        let start = rest + at;
        let len = doc[start..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(doc.len() - start);
        let name = doc[start..start + len].trim_end_matches('_');
        if name.len() > "CMSG_".len() {
            names.insert(name);
        }
        rest = start + len;
    }
    names
}

fn routed(op: Opcode) -> Routed {
    Routed { name: op.name(), seed_route: SeedClassifier::get().route(op).name() }
}

fn renamed() -> Vec<Rename> {
    seed_document_names()
        .into_iter()
        .filter(|name| Opcode::from_name(name).is_none())
        .map(|seed_name| {
            if let Some(&(_, table)) = SEED_ALIASES.iter().find(|(s, _)| *s == seed_name) {
                let table = Opcode::from_name(table).map(routed).into_iter().collect();
                return Rename { seed_name, resolution: "renamed", table };
            }
            let prefix = format!("{seed_name}_");
            let family: Vec<Routed> = Opcode::all().filter(|op| op.name().starts_with(&prefix)).map(routed).collect();
            let resolution = if family.is_empty() { "missing" } else { "family" };
            Rename { seed_name, resolution, table: family }
        })
        .collect()
}

/// The size the seed document states for a category's set: the `CMSG_` lines of its
/// `s_<category>Opcodes = { .. };` listing plus its `// ... N more` line.
fn document_set_size(category: SeedCategory) -> Option<usize> {
    let head = format!("s_{}Opcodes = {{", category.name());
    let start = SEED_DOCUMENT.find(&head)? + head.len();
    let body = &SEED_DOCUMENT[start..start + SEED_DOCUMENT[start..].find("};")?];
    let listed = body.lines().filter(|l| l.trim_start().starts_with("CMSG_")).count();
    let more: usize = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("// ... "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    Some(listed + more)
}

fn set_sizes() -> Vec<SetSize> {
    SeedCategory::ALL
        .iter()
        .map(|&c| SetSize {
            category: c.name(),
            document: document_set_size(c),
            data_file: SEED_DEFERRED.iter().filter(|(cat, _)| *cat == c).count(),
        })
        .collect()
}

/// The bot-worker share `policy` implies for the `seed-load` mix, in percent (unrounded).
pub fn expected_worker_share(policy: Policy) -> f64 {
    let c = policy.classifier();
    let total: u32 = SEED_LOAD_MIX.iter().map(|(_, w)| w).sum();
    let kept: f64 = SEED_LOAD_MIX
        .iter()
        .map(|&(kind, w)| {
            let of_kind: Vec<Opcode> = Opcode::all().filter(|op| op.kind() == kind).collect();
            let on_worker = of_kind.iter().filter(|&&op| c.route(op) == Route::BotWorker).count();
            w as f64 * on_worker as f64 / of_kind.len() as f64
        })
        .sum();
    kept * 100.0 / total as f64
}

/// Runs `scenario` under every policy with `dispatch` on the std backend and counts, from
/// `Outcome::runs`, where the handlers ran.
pub fn worker_share(scenario: &Arc<Scenario>, dispatch: Dispatch) -> Vec<Share> {
    Policy::CLASSIFIERS
        .iter()
        .map(|&policy| {
            let outcome = model::world::run::<Std>(scenario, policy, dispatch);
            let on = |k: ThreadKind| outcome.runs.iter().filter(|r| r.lane.kind() == k).count();
            let ran = outcome.runs.len();
            let bot_worker = on(ThreadKind::BotWorker);
            Share {
                policy: policy.name(),
                received: outcome.packets.len(),
                ran,
                dropped: outcome.packets.iter().filter(|p| !p.rejected.is_empty()).count(),
                lost: outcome.packets.iter().filter(|p| p.lost.is_some()).count(),
                bot_worker,
                main_thread: on(ThreadKind::World),
                map_thread: on(ThreadKind::MapWorker),
                bot_worker_pct: pct(bot_worker as f64, ran as f64),
                expected_bot_worker_pct: (expected_worker_share(policy) * 10.0).round() / 10.0,
                asserts: outcome.crashes.len(),
            }
        })
        .collect()
}

/// The report, with the worker share measured on the documented `seed-load` scenario under
/// [`Dispatch::Barrier`].
pub fn report() -> GapReport {
    let seed = SeedClassifier::get();
    let spell_capable = seed_left_on_worker().filter(|op| SPELL_CAPABLE.contains(&op.kind())).collect::<Vec<_>>();
    GapReport {
        table: model::opcodes::TABLE_SOURCE,
        opcodes: OPCODE_COUNT,
        handled: Opcode::all().filter(|&op| handled(op)).count(),
        handled_by_status: Opcode::all()
            .filter(|op| !matches!(op.info().status, Status::Unhandled | Status::Never | Status::Ignored))
            .count(),
        seed_deferred: seed.statistics().deferred,
        places: place_counts(),
        left_on_worker: left_on_worker(),
        spell_capable_on_worker: by_kind(spell_capable.into_iter()),
        guessed: Opcode::all()
            .filter(|&op| handled(op) && model::opcodes::kind_basis(op.info()).1 == KindBasis::Guessed)
            .map(|op| Entry { name: op.name(), place: op.info().place.tc_name() })
            .collect(),
        renamed: renamed(),
        set_sizes: set_sizes(),
        worker_share: worker_share(&Arc::new(ScenarioName::SeedLoad.build()), Dispatch::Barrier),
    }
}

/// A classifier's routes and reasons in a table indexed by opcode: one load per lookup. The
/// baseline the seed's eight hash sets are measured against.
pub struct DenseTable {
    name: &'static str,
    rows: Box<[(Route, Option<&'static str>)]>,
}

impl DenseTable {
    /// Tabulates `classifier` over every opcode.
    pub fn of(classifier: &dyn Classifier) -> DenseTable {
        DenseTable {
            name: classifier.name(),
            rows: Opcode::all().map(|op| (classifier.route(op), classifier.deferral_reason(op))).collect(),
        }
    }
}

impl Classifier for DenseTable {
    fn name(&self) -> &'static str {
        self.name
    }
    #[inline]
    fn route(&self, opcode: Opcode) -> Route {
        self.rows[opcode as usize].0
    }
    fn deferral_reason(&self, opcode: Opcode) -> Option<&'static str> {
        self.rows[opcode as usize].1
    }
}

/// Bytes a session and its deferred queue take, inline (heap blocks not counted).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct SessionBytes {
    /// `size_of::<BotSession<Std>>()`.
    pub bot_session: usize,
    /// `size_of::<Mutex<VecDeque<Packet>>>()`: the deferred queue and its mutex.
    pub deferred_queue_and_mutex: usize,
    /// `size_of::<Packet>()`: one queued packet (the model's packet, not a `WorldPacket`).
    pub packet: usize,
}

/// [`SessionBytes`] on this target.
pub fn session_bytes() -> SessionBytes {
    use std::mem::size_of;
    SessionBytes {
        bot_session: size_of::<model::session::BotSession<Std>>(),
        deferred_queue_and_mutex: size_of::<std::sync::Mutex<std::collections::VecDeque<model::Packet>>>(),
        packet: size_of::<model::Packet>(),
    }
}

/// Renders `report` in `format`.
pub fn render(report: &GapReport, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(report).expect("the report serializes") + "\n",
        Format::Text => render_doc(report, &TEXT),
        Format::Markdown => render_doc(report, &MARKDOWN),
    }
}

/// How one format writes headings, tables and opcode lists.
struct Style {
    title: fn(&mut String, &str),
    heading: fn(&mut String, &str),
    table: fn(&mut String, &[&str], &[Vec<String>]),
    list: fn(&mut String, &str, &[String]),
    code: fn(&str) -> String,
}

const TEXT: Style = Style {
    title: |out, t| {
        let _ = writeln!(out, "{t}\n{}", "=".repeat(t.chars().count()));
    },
    heading: |out, h| {
        let _ = writeln!(out, "\n{h}\n{}", "-".repeat(h.chars().count()));
    },
    table: |out, head, rows| {
        let widths: Vec<usize> = (0..head.len())
            .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([head[i].chars().count()]).max().unwrap_or(0))
            .collect();
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(
                    |(i, c)| if i == 0 { format!("{c:<w$}", w = widths[i]) } else { format!("{c:>w$}", w = widths[i]) },
                )
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let _ = writeln!(out, "{}", line(head.to_vec()));
        for r in rows {
            let _ = writeln!(out, "{}", line(r.iter().map(String::as_str).collect()));
        }
    },
    list: |out, label, items| {
        let _ = writeln!(out, "{label}");
        let mut line = String::from("   ");
        for (i, item) in items.iter().enumerate() {
            let piece = if i + 1 < items.len() { format!(" {item},") } else { format!(" {item}") };
            if line.len() + piece.len() > 100 {
                let _ = writeln!(out, "{line}");
                line = String::from("   ");
            }
            line.push_str(&piece);
        }
        let _ = writeln!(out, "{line}");
    },
    code: |s| s.to_string(),
};

const MARKDOWN: Style = Style {
    title: |out, t| {
        let _ = writeln!(out, "# {t}");
    },
    heading: |out, h| {
        let _ = writeln!(out, "\n## {h}\n");
    },
    table: |out, head, rows| {
        let _ = writeln!(out, "| {} |", head.join(" | "));
        let _ = writeln!(
            out,
            "|{}",
            head.iter().enumerate().map(|(i, _)| if i == 0 { "---|" } else { "---:|" }).collect::<String>()
        );
        for r in rows {
            let _ = writeln!(out, "| {} |", r.join(" | "));
        }
    },
    list: |out, label, items| {
        let _ = writeln!(out, "- {label}: {}", items.join(", "));
    },
    code: |s| format!("`{s}`"),
};

fn short_place(place: &str) -> &str {
    place.strip_prefix("PROCESS_").unwrap_or(place)
}

fn render_doc(r: &GapReport, s: &Style) -> String {
    let mut out = String::new();
    let title = "Gap report: the seed's packet-deferral classifier against TrinityCore's opcode table";
    (s.title)(&mut out, title);
    let table = match r.table {
        "bundled" => "the bundled table (model/data/trinitycore-client-opcodes.tsv)".to_string(),
        dir => format!("the table of the checkout {dir}"),
    };
    let _ = writeln!(
        out,
        "\nOpcode table: {table}. {} client opcodes; {} handled: status not UNHANDLED, NEVER or IGNORED ({}), less {} whose handler is \
         Handle_NULL, Handle_EarlyProccess or Handle_Deprecated. The seed defers {} to the main thread and leaves \
         every other opcode on the bot worker, the {} unhandled ones included (they are dropped there).",
        r.opcodes,
        r.handled,
        r.handled_by_status,
        r.handled_by_status - r.handled,
        r.seed_deferred,
        r.opcodes - r.handled
    );

    (s.heading)(&mut out, "Handled opcodes by TrinityCore processing place and route");
    let mut rows: Vec<Vec<String>> = r
        .places
        .iter()
        .map(|p| {
            vec![
                p.place.to_string(),
                p.handled.to_string(),
                p.seed_main_thread.to_string(),
                p.seed_bot_worker.to_string(),
                p.seed_bot_worker_shared_state.to_string(),
                p.complete_bot_worker.to_string(),
            ]
        })
        .collect();
    let sum = |f: fn(&PlaceCounts) -> usize| r.places.iter().map(f).sum::<usize>().to_string();
    rows.push(vec![
        "total".to_string(),
        sum(|p| p.handled),
        sum(|p| p.seed_main_thread),
        sum(|p| p.seed_bot_worker),
        sum(|p| p.seed_bot_worker_shared_state),
        sum(|p| p.complete_bot_worker),
    ]);
    (s.table)(
        &mut out,
        &["place", "handled", "seed: main thread", "seed: bot worker", "of which shared state", "complete: bot worker"],
        &rows,
    );

    for gap in &r.left_on_worker {
        (s.heading)(&mut out, &format!("{} opcodes the seed leaves on the bot worker", gap.place));
        let _ = writeln!(
            out,
            "{} opcodes; {} of them touch shared game state. TrinityCore runs them {}.\n",
            gap.count,
            gap.shared_state,
            if gap.place == Place::ThreadSafe.tc_name() {
                "in Map::Update, on the worker that owns the player's map"
            } else {
                "in World::UpdateSessions, on the world thread"
            }
        );
        for g in &gap.by_kind {
            let names: Vec<String> = g.opcodes.iter().map(|e| (s.code)(e.name)).collect();
            let shared = if g.shared_state { "shared state" } else { "no shared state" };
            (s.list)(&mut out, &format!("{} ({}, {shared})", g.kind, g.opcodes.len()), &names);
        }
    }

    (s.heading)(&mut out, "Spell-capable opcodes the seed leaves on the bot worker");
    let _ = writeln!(
        out,
        "Handlers that can reach AuraApplication::_HandleEffect: casts and spell-capable uses, aura removals, \
         the movement-stop family (UpdateZoneAndAreaId, then the spell_area autocast) and quest-log changes \
         (SendQuestUpdate, then the same autocast). {} opcodes.\n",
        r.spell_capable_on_worker.iter().map(|g| g.opcodes.len()).sum::<usize>()
    );
    for g in &r.spell_capable_on_worker {
        let names: Vec<String> =
            g.opcodes.iter().map(|e| format!("{} ({})", (s.code)(e.name), short_place(e.place))).collect();
        (s.list)(&mut out, &format!("{} ({})", g.kind, g.opcodes.len()), &names);
    }

    (s.heading)(&mut out, "Opcodes the handler-kind rules had to guess");
    let _ = writeln!(
        out,
        "{} handled opcodes match no handler-kind rule, so the model takes them as player-write (fail \
         closed: their handler is assumed to write its player's state). Read the handler of any you \
         rely on; a rule that names it makes the model exact for it.\n",
        r.guessed.len()
    );
    let names: Vec<String> =
        r.guessed.iter().map(|e| format!("{} ({})", (s.code)(e.name), short_place(e.place))).collect();
    (s.list)(&mut out, &format!("player-write, guessed ({})", names.len()), &names);

    (s.heading)(&mut out, "Seed document names that differ in this table");
    for rn in &r.renamed {
        let names: Vec<String> = rn.table.iter().map(|t| format!("{} ({})", (s.code)(t.name), t.seed_route)).collect();
        let label = match rn.resolution {
            "renamed" => format!("{} is renamed", (s.code)(rn.seed_name)),
            "family" => format!("{} is a family of {}", (s.code)(rn.seed_name), rn.table.len()),
            _ => format!("{} is not in the table", (s.code)(rn.seed_name)),
        };
        (s.list)(&mut out, &label, &names);
    }
    let _ = writeln!(out);
    let rows: Vec<Vec<String>> = r
        .set_sizes
        .iter()
        .map(|z| {
            let doc = z.document.map(|n| n.to_string()).unwrap_or_else(|| "-".to_string());
            let flag = match z.document {
                Some(n) if n != z.data_file => "differs",
                _ => "",
            };
            vec![z.category.to_string(), doc, z.data_file.to_string(), flag.to_string()]
        })
        .collect();
    (s.table)(&mut out, &["seed set", "document says", "data file", "note"], &rows);

    (s.heading)(&mut out, "Worker share on seed-load (std backend, barrier dispatch)");
    let (lo, hi) = SEED_CLAIMED_WORKER_SHARE;
    let _ = writeln!(
        out,
        "The seed claims {lo}-{hi}% of packets stay on the bot worker. Shares are of handler runs; \
         \"mix\" is the share the documented traffic mix (SEED_LOAD_MIX) implies for the classifier.\n"
    );
    let rows: Vec<Vec<String>> = r
        .worker_share
        .iter()
        .map(|w| {
            vec![
                w.policy.to_string(),
                w.received.to_string(),
                w.ran.to_string(),
                w.dropped.to_string(),
                w.bot_worker.to_string(),
                w.main_thread.to_string(),
                w.map_thread.to_string(),
                format!("{:.1}%", w.bot_worker_pct),
                format!("{:.1}%", w.expected_bot_worker_pct),
                w.asserts.to_string(),
            ]
        })
        .collect();
    (s.table)(
        &mut out,
        &[
            "policy",
            "received",
            "ran",
            "dropped",
            "bot worker",
            "main thread",
            "map thread",
            "bot-worker share",
            "mix",
            "asserts",
        ],
        &rows,
    );
    out
}
