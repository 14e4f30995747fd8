//! The seed's worker-share claim measured: a scenario run under every policy (with one AI
//! placement) on the std backend with [`Dispatch::Barrier`], whose lanes do not depend on timing (every bot update is joined
//! before the deferred pass, and map updates are joined before bot updates start), counting
//! where the handlers ran; and the share the documented traffic mix implies.

use model::classifier::{Dispatch, Policy, Route};
use model::outcome::ThreadKind;
use model::scenario::{Scenario, SEED_LOAD_MIX};
use model::sync::Std;
use model::AiPlacement;
use serde::Serialize;
use std::sync::Arc;

/// The seed's claim: the share of packets that stay on the bot worker, in percent.
pub const SEED_CLAIMED_WORKER_SHARE: (u32, u32) = (80, 85);

/// Where one policy ran a scenario's packets.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Share {
    /// The policy's name.
    #[serde(serialize_with = "crate::report::by_name")]
    pub policy: Policy,
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

/// The bot-worker share `policy` implies for the `seed-load` mix, in percent (unrounded).
pub fn expected_worker_share(policy: Policy) -> f64 {
    let c = policy.classifier();
    let total: u32 = SEED_LOAD_MIX.iter().map(|(_, w)| w).sum();
    let kept: f64 = SEED_LOAD_MIX
        .iter()
        .map(|&(kind, w)| {
            let of_kind = kind.opcodes();
            let on_worker = of_kind.iter().filter(|&&op| c.route(op) == Route::BotWorker).count();
            w as f64 * on_worker as f64 / of_kind.len() as f64
        })
        .sum();
    kept * 100.0 / total as f64
}

/// Runs `scenario` under every policy that pairs with `ai` ([`AiPlacement::pairs_with`]) with
/// `dispatch` on the std backend and counts, from `Outcome::runs`, where the handlers ran.
pub fn worker_share(scenario: &Arc<Scenario>, ai: AiPlacement, dispatch: Dispatch) -> Vec<Share> {
    Policy::CLASSIFIERS
        .iter()
        .filter(|&&policy| ai.pairs_with(policy))
        .map(|&policy| {
            let outcome = model::world::run::<Std>(scenario, policy, ai, dispatch);
            let on = |k: ThreadKind| outcome.runs.iter().filter(|r| r.lane.kind() == k).count();
            let ran = outcome.runs.len();
            let bot_worker = on(ThreadKind::BotWorker);
            Share {
                policy,
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
