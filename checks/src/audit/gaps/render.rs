//! The gap report ([`crate::audit::gaps::GapReport`]) as text, JSON or Markdown: one document
//! written through a per-format [`Style`].

use crate::audit::gaps::{GapReport, PlaceCounts};
use crate::audit::seed_document::Resolution;
use crate::audit::worker_share::SEED_CLAIMED_WORKER_SHARE;
use crate::report::Format;
use model::opcodes::Place;
use std::fmt::Write as _;

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
        use comfy_table::{presets::NOTHING, CellAlignment, ContentArrangement, Table};
        let mut table = Table::new();
        table.load_preset(NOTHING).set_content_arrangement(ContentArrangement::Disabled).set_header(head.to_vec());
        for row in rows {
            table.add_row(row.clone());
        }
        for (i, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, 2));
            if i > 0 {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        for line in table.lines() {
            let _ = writeln!(out, "{}", line.trim_end());
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

fn short_place(place: Place) -> &'static str {
    let name = place.tc_name();
    name.strip_prefix("PROCESS_").unwrap_or(name)
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
                p.place.tc_name().to_string(),
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
        (s.heading)(&mut out, &format!("{} opcodes the seed leaves on the bot worker", gap.place.tc_name()));
        let _ = writeln!(
            out,
            "{} opcodes; {} of them touch shared game state. TrinityCore runs them {}.\n",
            gap.count,
            gap.shared_state,
            if gap.place == Place::ThreadSafe {
                "in Map::Update, on the worker that owns the player's map"
            } else {
                "in World::UpdateSessions, on the world thread"
            }
        );
        for g in &gap.by_kind {
            let names: Vec<String> = g.opcodes.iter().map(|e| (s.code)(e.name)).collect();
            let shared = if g.shared_state { "shared state" } else { "no shared state" };
            (s.list)(&mut out, &format!("{} ({}, {shared})", g.kind.name(), g.opcodes.len()), &names);
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
        (s.list)(&mut out, &format!("{} ({})", g.kind.name(), g.opcodes.len()), &names);
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
        let names: Vec<String> =
            rn.table.iter().map(|t| format!("{} ({})", (s.code)(t.name), t.seed_route.name())).collect();
        let label = match rn.resolution {
            Resolution::Renamed => format!("{} is renamed", (s.code)(rn.seed_name)),
            Resolution::Family => format!("{} is a family of {}", (s.code)(rn.seed_name), rn.table.len()),
            Resolution::Missing => format!("{} is not in the table", (s.code)(rn.seed_name)),
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
            vec![z.category.name().to_string(), doc, z.data_file.to_string(), flag.to_string()]
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
                w.policy.name().to_string(),
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
