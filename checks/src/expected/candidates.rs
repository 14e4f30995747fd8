//! The pinned truths of the candidate fixes (`Policy::EFFECT_LOCK` and the others after the four
//! classifiers), and of every bot policy with the later module's bounded wait.
//!
//! Read off the same runs as the other pins: loom at bounds 0 to 3 (0 to 2 for the bounded
//! wait, whose schedules grow about twentyfold per preemption), shuttle random, PCT and DFS at
//! 2,000 schedules, and `seed-load` sampled. [`Reach::Loom`] is the smallest bound loom needs;
//! [`Reach::BeyondLoom`] is what only shuttle finds. One reason per candidate, in [`why`].

use super::{Pin, Reach, ALL_BUT_MAP_LIST, AURA_LIFECYCLE, LOGOUT, WORKER_READS};
use model::race::Site;
use model::{AssertFailure, Dispatch, Invariant, Policy, ScenarioName};

use AssertFailure::{
    AlreadyApplied as A174, ApplicationNotInList as U3811, AppliedOnTargetTwice as U3602, AuraRemovedTwice as A641,
    EffectLeftAfterUnapply as U3757, ForeignApplication as U3796, HasEffectMismatch as A168, NotApplied as A180,
    OwnedAuraRemovedTwice as U3853, UnapplyingRemovedApplication as U3705,
};
use Invariant::{Assert, AuraIntegrity, DataRace, DoubleEffect, ExactlyOnce, Order, Placement, UseAfterFree};
use Reach::{BeyondLoom as Beyond, Loom, Sampled};
use ScenarioName::{CastThenMove, Crash49416, GroupLeave, MixedPlaces, MoveStop49416, QuestAccept49416, SeedLoad};

/// Why a candidate's cells break what they break.
const fn why(policy: Policy) -> &'static str {
    match policy {
        Policy::EFFECT_LOCK => {
            "the `_HandleEffect` mutex with every handler on the bot worker: the body's reads at 168 and 174 and its \
             store are one critical section, so a second thread stops at :168 instead of :174; what its callers check \
             before calling it (HasAura before the autocast, the spell hit's HasEffect, the area compare) and every \
             other field stay unsynchronized: Unit.cpp:3602, aura-integrity and the data races remain"
        }
        Policy::SEED_EFFECT_LOCK => {
            "the seed's classifier and the `_HandleEffect` mutex: the movement stop the seed keeps on the worker \
             still races the heartbeat outside the mutex (:168, Unit.cpp:3602, aura-integrity, never :174); the \
             disconnection path and the worker's own reads are untouched"
        }
        Policy::COMPLETE_EFFECT_LOCK => {
            "complete deferral leaves no aura handler on the worker, so the mutex changes nothing the matrix sees: \
             the same truths as complete deferral"
        }
        Policy::SEED_AURA_CACHE => {
            "the AI reads 49416 from the AuraStateCache the world thread fills before submitting the updates, not \
             HasAura on the worker; the handlers the seed keeps on the worker (the stop family, world-global ones) \
             race as before"
        }
        Policy::PLAYER_LOCK => {
            "every access to a player takes its lock, on the worker, in the map update and in LogoutPlayer: no aura \
             race, no use after free; what stays unsynchronized is session state (`forceExit`, written by KickPlayer) \
             and state shared between players (the group), and handlers still run on the worker"
        }
        Policy::UNSYNCHRONIZED => {
            "the bounded wait orders the updates that finished in time; one that timed out runs on into the next \
             tick's map update with every handler on the worker, as with fire-and-forget"
        }
        Policy::SEED_DEFERRAL => {
            "the bounded wait orders the updates that finished in time; one that timed out runs on into the next \
             tick, so the seed's stop family still races the heartbeat, and a busy update lock still disconnects the \
             bot and loses its deferred packets"
        }
        Policy::COMPLETE_DEFERRAL => {
            "the bounded wait orders the updates that finished in time; a timed-out one's AI reads race the next \
             tick's writes, and the disconnection path loses packets"
        }
        Policy::MAP_ROUTING => "",
        _ => "",
    }
}

/// One pin on one line: scenario, policy, dispatch modes, broken invariants and asserts with
/// their reach, and the groups of fields it may race on; the reason is the policy's.
macro_rules! pin {
    ($scenario:ident, $policy:ident, [$($dispatch:ident),*], [$($broken:expr),*], [$($assert:expr),*], [$($races:expr),*]) => {
        Pin {
            scenario: $scenario,
            policies: &[Policy::$policy],
            dispatches: &[$(Dispatch::$dispatch),*],
            broken: &[$($broken),*],
            asserts: &[$($assert),*],
            races: &[$($races),*],
            why: why(Policy::$policy),
        }
    };
}

/// The pinned truths, by scenario, then policy (generated from the runs named above, one line
/// per cell group, and reviewed).
#[rustfmt::skip]
pub(super) const PINS: &[Pin] = &[
    pin!(Crash49416, UNSYNCHRONIZED, [BoundedWait], [(DataRace, Loom(1)), (Placement, Loom(0))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, SEED_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, COMPLETE_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, EFFECT_LOCK, [FireAndForget], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(Crash49416, EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (Placement, Loom(0))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, SEED_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(Crash49416, SEED_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(Crash49416, SEED_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, COMPLETE_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(Crash49416, COMPLETE_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(Crash49416, COMPLETE_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [&[Site::AppliedAuras]]),
    pin!(Crash49416, SEED_AURA_CACHE, [FireAndForget], [(DataRace, Loom(3)), (ExactlyOnce, Loom(2))], [], [LOGOUT]),
    pin!(Crash49416, SEED_AURA_CACHE, [Barrier], [], [], []),
    pin!(Crash49416, SEED_AURA_CACHE, [BoundedWait], [(ExactlyOnce, Loom(2))], [], []),
    pin!(Crash49416, PLAYER_LOCK, [FireAndForget, Barrier, BoundedWait], [(Placement, Loom(0))], [], []),
    pin!(MoveStop49416, UNSYNCHRONIZED, [BoundedWait], [(Assert, Loom(2)), (DoubleEffect, Beyond(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Beyond(2)), (A174, Beyond(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, SEED_DEFERRAL, [BoundedWait], [(Assert, Loom(2)), (UseAfterFree, Beyond(2)), (DoubleEffect, Beyond(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Beyond(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, COMPLETE_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position, Site::AppliedAuras]]),
    pin!(MoveStop49416, EFFECT_LOCK, [FireAndForget], [(Assert, Loom(2)), (UseAfterFree, Beyond(3)), (DoubleEffect, Loom(3)), (AuraIntegrity, Loom(2)), (DataRace, Loom(0)), (Placement, Loom(0))], [(A168, Loom(3)), (A641, Beyond(3)), (U3602, Loom(2)), (U3757, Loom(3)), (U3853, Beyond(3))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(MoveStop49416, EFFECT_LOCK, [BoundedWait], [(Assert, Loom(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Beyond(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, SEED_EFFECT_LOCK, [FireAndForget], [(Assert, Loom(2)), (UseAfterFree, Beyond(3)), (DoubleEffect, Loom(3)), (AuraIntegrity, Loom(2)), (DataRace, Loom(0)), (Placement, Loom(0))], [(A168, Loom(3)), (A641, Beyond(3)), (U3602, Loom(2)), (U3757, Loom(3)), (U3853, Beyond(3))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, SEED_EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(MoveStop49416, SEED_EFFECT_LOCK, [BoundedWait], [(Assert, Loom(2)), (UseAfterFree, Beyond(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Beyond(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, COMPLETE_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position, Site::AppliedAuras]]),
    pin!(MoveStop49416, COMPLETE_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(MoveStop49416, COMPLETE_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position, Site::AppliedAuras]]),
    pin!(MoveStop49416, SEED_AURA_CACHE, [FireAndForget], [(Assert, Loom(2)), (UseAfterFree, Beyond(3)), (DoubleEffect, Loom(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(0)), (Placement, Loom(0))], [(A168, Loom(3)), (A174, Loom(3)), (A641, Beyond(3)), (U3602, Loom(2)), (U3757, Loom(3)), (U3811, Beyond(3)), (U3853, Beyond(3))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, SEED_AURA_CACHE, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(MoveStop49416, SEED_AURA_CACHE, [BoundedWait], [(Assert, Loom(2)), (DoubleEffect, Beyond(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Beyond(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3811, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::Position, Site::AreaUpdateId]]),
    pin!(MoveStop49416, PLAYER_LOCK, [FireAndForget, Barrier, BoundedWait], [(Placement, Loom(0))], [], []),
    pin!(QuestAccept49416, UNSYNCHRONIZED, [BoundedWait], [(Assert, Loom(2)), (UseAfterFree, Beyond(2)), (DoubleEffect, Loom(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Loom(2)), (A174, Loom(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3811, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::QuestLog]]),
    pin!(QuestAccept49416, SEED_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(QuestAccept49416, COMPLETE_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(QuestAccept49416, EFFECT_LOCK, [FireAndForget], [(Assert, Loom(1)), (UseAfterFree, Beyond(3)), (DoubleEffect, Loom(2)), (AuraIntegrity, Loom(1)), (DataRace, Loom(0)), (Placement, Loom(0))], [(A168, Loom(2)), (A641, Loom(3)), (U3602, Loom(1)), (U3757, Loom(3)), (U3796, Beyond(3)), (U3811, Loom(3)), (U3853, Loom(3))], [AURA_LIFECYCLE, LOGOUT, &[Site::QuestLog]]),
    pin!(QuestAccept49416, EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(QuestAccept49416, EFFECT_LOCK, [BoundedWait], [(Assert, Loom(2)), (UseAfterFree, Beyond(2)), (DoubleEffect, Loom(2)), (AuraIntegrity, Loom(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [(A168, Loom(2)), (A641, Beyond(2)), (U3602, Loom(2)), (U3757, Beyond(2)), (U3811, Beyond(2)), (U3853, Beyond(2))], [AURA_LIFECYCLE, LOGOUT, &[Site::QuestLog]]),
    pin!(QuestAccept49416, SEED_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(QuestAccept49416, SEED_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(QuestAccept49416, SEED_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(QuestAccept49416, COMPLETE_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(QuestAccept49416, COMPLETE_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(QuestAccept49416, COMPLETE_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::AppliedAuras]]),
    pin!(QuestAccept49416, SEED_AURA_CACHE, [FireAndForget], [(DataRace, Loom(3)), (ExactlyOnce, Loom(2))], [], [LOGOUT]),
    pin!(QuestAccept49416, SEED_AURA_CACHE, [Barrier], [], [], []),
    pin!(QuestAccept49416, SEED_AURA_CACHE, [BoundedWait], [(ExactlyOnce, Loom(2))], [], []),
    pin!(QuestAccept49416, PLAYER_LOCK, [FireAndForget, Barrier, BoundedWait], [(Placement, Loom(0))], [], []),
    pin!(CastThenMove, UNSYNCHRONIZED, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, SEED_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2)), (Order, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, COMPLETE_DEFERRAL, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Beyond(3)), (DataRace, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(CastThenMove, EFFECT_LOCK, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, SEED_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2)), (Order, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, SEED_EFFECT_LOCK, [Barrier], [(Order, Loom(0)), (Placement, Loom(0))], [], []),
    pin!(CastThenMove, SEED_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2)), (Order, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, COMPLETE_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, COMPLETE_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(CastThenMove, COMPLETE_EFFECT_LOCK, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, SEED_AURA_CACHE, [FireAndForget], [(DataRace, Loom(0)), (ExactlyOnce, Loom(2)), (Order, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, SEED_AURA_CACHE, [Barrier], [(Order, Loom(0)), (Placement, Loom(0))], [], []),
    pin!(CastThenMove, SEED_AURA_CACHE, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2)), (Order, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(CastThenMove, PLAYER_LOCK, [FireAndForget, Barrier, BoundedWait], [(Placement, Loom(0))], [], []),
    pin!(MixedPlaces, UNSYNCHRONIZED, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(MixedPlaces, SEED_DEFERRAL, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (ExactlyOnce, Loom(2)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, COMPLETE_DEFERRAL, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Beyond(3)), (DataRace, Loom(0)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(MixedPlaces, EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(MixedPlaces, EFFECT_LOCK, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position]]),
    pin!(MixedPlaces, SEED_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, SEED_EFFECT_LOCK, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(MixedPlaces, SEED_EFFECT_LOCK, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (ExactlyOnce, Loom(2)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, COMPLETE_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, COMPLETE_EFFECT_LOCK, [Barrier], [], [], []),
    pin!(MixedPlaces, COMPLETE_EFFECT_LOCK, [BoundedWait], [(UseAfterFree, Beyond(2)), (DataRace, Loom(1)), (ExactlyOnce, Loom(2))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, SEED_AURA_CACHE, [FireAndForget], [(DataRace, Loom(0)), (ExactlyOnce, Loom(2)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, SEED_AURA_CACHE, [Barrier], [(Placement, Loom(0))], [], []),
    pin!(MixedPlaces, SEED_AURA_CACHE, [BoundedWait], [(DataRace, Loom(1)), (ExactlyOnce, Loom(2)), (Placement, Loom(0))], [], [LOGOUT, &[Site::Position, Site::PlayerData]]),
    pin!(MixedPlaces, PLAYER_LOCK, [FireAndForget, Barrier, BoundedWait], [(Placement, Loom(0))], [], []),
    pin!(GroupLeave, UNSYNCHRONIZED, [BoundedWait], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::Group]]),
    pin!(GroupLeave, SEED_DEFERRAL, [BoundedWait], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::Group]]),
    pin!(GroupLeave, COMPLETE_DEFERRAL, [BoundedWait], [], [], []),
    pin!(GroupLeave, EFFECT_LOCK, [FireAndForget, Barrier, BoundedWait], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::Group]]),
    pin!(GroupLeave, SEED_EFFECT_LOCK, [FireAndForget, Barrier, BoundedWait], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::Group]]),
    pin!(GroupLeave, COMPLETE_EFFECT_LOCK, [FireAndForget, Barrier, BoundedWait], [], [], []),
    pin!(GroupLeave, SEED_AURA_CACHE, [FireAndForget, Barrier, BoundedWait], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::Group]]),
    pin!(GroupLeave, PLAYER_LOCK, [FireAndForget, Barrier, BoundedWait], [(DataRace, Loom(0)), (Placement, Loom(0))], [], [&[Site::Group]]),
    pin!(SeedLoad, UNSYNCHRONIZED, [BoundedWait], [(Assert, Sampled), (AuraIntegrity, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Placement, Sampled)], [(A180, Sampled), (A641, Sampled), (U3705, Sampled), (U3811, Sampled), (U3853, Sampled)], [ALL_BUT_MAP_LIST]),
    pin!(SeedLoad, SEED_DEFERRAL, [BoundedWait], [(AuraIntegrity, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [AURA_LIFECYCLE, &[Site::Position, Site::AreaUpdateId, Site::QuestLog, Site::PlayerData, Site::ForceExit, Site::Group]]),
    pin!(SeedLoad, COMPLETE_DEFERRAL, [BoundedWait], [(DataRace, Sampled), (ExactlyOnce, Sampled)], [], [&[Site::Position, Site::PlayerData, Site::AppliedAuras, Site::ForceExit]]),
    pin!(SeedLoad, EFFECT_LOCK, [FireAndForget], [(Assert, Sampled), (UseAfterFree, Sampled), (AuraIntegrity, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Placement, Sampled)], [(A168, Sampled), (A641, Sampled), (U3705, Sampled), (U3757, Sampled), (U3853, Sampled)], [WORKER_READS, &[Site::AreaUpdateId, Site::QuestLog, Site::OwnedAuras, Site::Modifier, Site::AuraRemoved, Site::AuraApplications, Site::EffectMask, Site::RemoveMode, Site::Group]]),
    pin!(SeedLoad, EFFECT_LOCK, [Barrier], [(DataRace, Sampled), (ExactlyOnce, Sampled), (Placement, Sampled)], [], [&[Site::Group]]),
    pin!(SeedLoad, EFFECT_LOCK, [BoundedWait], [(Assert, Sampled), (AuraIntegrity, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Placement, Sampled)], [(A168, Sampled), (A641, Sampled), (U3602, Sampled), (U3705, Sampled), (U3796, Sampled), (U3853, Sampled)], [ALL_BUT_MAP_LIST]),
    pin!(SeedLoad, SEED_EFFECT_LOCK, [FireAndForget], [(UseAfterFree, Sampled), (AuraIntegrity, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [ALL_BUT_MAP_LIST]),
    pin!(SeedLoad, SEED_EFFECT_LOCK, [Barrier], [(DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [&[Site::Group]]),
    pin!(SeedLoad, SEED_EFFECT_LOCK, [BoundedWait], [(AuraIntegrity, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [&[Site::Position, Site::AreaUpdateId, Site::QuestLog, Site::PlayerData, Site::OwnedAuras, Site::AppliedAuras, Site::AuraRemoved, Site::AuraApplications, Site::EffectMask, Site::RemoveMode, Site::ForceExit, Site::SessionPlayer, Site::Group]]),
    pin!(SeedLoad, COMPLETE_EFFECT_LOCK, [FireAndForget], [(DataRace, Sampled), (ExactlyOnce, Sampled)], [], [WORKER_READS]),
    pin!(SeedLoad, COMPLETE_EFFECT_LOCK, [Barrier], [(ExactlyOnce, Sampled)], [], []),
    pin!(SeedLoad, COMPLETE_EFFECT_LOCK, [BoundedWait], [(DataRace, Sampled), (ExactlyOnce, Sampled)], [], [&[Site::Position, Site::PlayerData, Site::AppliedAuras, Site::ForceExit]]),
    pin!(SeedLoad, SEED_AURA_CACHE, [FireAndForget], [(UseAfterFree, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [ALL_BUT_MAP_LIST]),
    pin!(SeedLoad, SEED_AURA_CACHE, [Barrier], [(DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [&[Site::Group]]),
    pin!(SeedLoad, SEED_AURA_CACHE, [BoundedWait], [(DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)], [], [AURA_LIFECYCLE, &[Site::Position, Site::AreaUpdateId, Site::QuestLog, Site::PlayerData, Site::ForceExit, Site::Group]]),
    pin!(SeedLoad, PLAYER_LOCK, [FireAndForget, BoundedWait], [(DataRace, Sampled), (ExactlyOnce, Sampled), (Placement, Sampled)], [], [&[Site::ForceExit, Site::Group]]),
    pin!(SeedLoad, PLAYER_LOCK, [Barrier], [(DataRace, Sampled), (ExactlyOnce, Sampled), (Placement, Sampled)], [], [&[Site::Group]]),
];
