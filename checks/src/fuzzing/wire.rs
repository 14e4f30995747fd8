//! The `packets` target: a cell and a player start, then a raw wire stream through the bot
//! session's decoder. Decode errors are typed and say what the bytes of their frame say; no
//! packet is lost or run twice; no invariant breaks.

use super::codec::{encode_cell, encode_player_start, pick_cell, player_start};
use super::*;
use arbitrary::Unstructured;
use model::opcodes::{decode_wire, DecodeError};
use model::outcome::{Cx, Ghost, Lane, Reject};
use model::player::PlayerStart;
use model::session::{BotSession, Filter};
use model::sync::Std;
use model::{Opcode, Scenario};
use std::sync::Arc;

/// Whether a decode error says what the bytes of its frame say. A frame is 4 bytes of
/// little-endian opcode value, 1 byte of payload length (at most 12), then the payload.
fn error_fits(e: DecodeError, frame: &[u8]) -> bool {
    let declared = frame.get(4).map(|&n| n as usize);
    match e {
        DecodeError::Truncated { have, need } => {
            have == frame.len() && have < need && (need == 5 || Some(need - 5) == declared)
        }
        DecodeError::PayloadTooLong(n) => Some(n) == declared && n > 12 && frame.len() == 5,
        DecodeError::UnknownOpcode(v) => {
            frame.len() >= 5
                && v == u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]])
                && Opcode::from_value(v).is_err()
        }
    }
}

/// `packets`: the first two bytes pick a safe cell (as in [`ScheduleCase`]: the policy and
/// dispatch, then the AI placement), the next four the player's start (as in
/// [`ScheduleCase`]), the rest is the wire stream.
///
/// 1. `BotSession::receive_wire` takes the stream (std backend, one session): it must not panic,
///    must give one id per frame in order, must queue exactly the frames that decode (same opcode,
///    same payload), and every frame that does not must carry the error its bytes call for.
/// 2. The first [`WIRE_RUN_PACKETS`] queued packets then run in a world (one bot, one map, the
///    map timer and heartbeats every tick, [`WIRE_PACKETS_PER_TICK`] packets a tick) under the
///    cell: no invariant may break, so each packet ran once or was dropped once with a reason,
///    and the outcome accounts for every one of them.
pub fn judge_packets(data: &[u8]) -> Result<(), Finding> {
    judge_packets_at(data, WIRE_PACKETS_PER_TICK)
}

/// [`judge_packets`] sending `per_tick` packets a tick.
pub fn judge_packets_at(data: &[u8], per_tick: usize) -> Result<(), Finding> {
    let mut u = Unstructured::new(data);
    let cell = pick_cell(&mut u);
    let (policy, ai, dispatch) = cell;
    let start = PlayerStart { map: 0, ..player_start(&mut u, 1) };
    let wire = u.take_rest();

    let ghost = Ghost::new(1, 0);
    let session = BotSession::<Std>::new(0);
    let cx = Cx::new(&ghost, Lane::Bot { bot: 0, tick: 0 });
    let ids = session.receive_wire(cx, wire);
    let mut queued = std::iter::from_fn(|| session.next(cx, Filter::Bot, true)).collect::<Vec<_>>().into_iter();
    let mut packets = Vec::new();
    let (mut offset, mut frames) = (0, 0u32);
    while offset < wire.len() {
        let (frame, used) = decode_wire(&wire[offset..]);
        if !(1..=wire.len() - offset).contains(&used) {
            return Err(Finding::Wire(format!("frame #{frames} at byte {offset}: decode_wire used {used} bytes")));
        }
        match frame {
            Ok((opcode, payload)) => match queued.next() {
                Some(p) if p.id == frames && p.opcode == opcode && p.payload == payload => {
                    packets.push((opcode, payload))
                }
                other => return Err(Finding::Wire(format!("frame #{frames} decodes to {opcode}, queued {other:?}"))),
            },
            Err(e) if !error_fits(e, &wire[offset..offset + used]) => {
                return Err(Finding::Wire(format!("frame #{frames} at byte {offset}: {e} does not fit its bytes")))
            }
            Err(_) => {}
        }
        offset += used;
        frames += 1;
    }
    if ids != (0..frames).collect::<Vec<_>>() {
        return Err(Finding::Wire(format!("{frames} frames, ids {ids:?}")));
    }
    if let Some(extra) = queued.next() {
        return Err(Finding::Wire(format!("queued a packet no frame decodes to: {extra:?}")));
    }

    packets.truncate(WIRE_RUN_PACKETS);
    let ticks = packets.len().div_ceil(per_tick).max(1) as u32;
    let mut traffic: Vec<Vec<_>> = packets.chunks(per_tick).map(|c| c.to_vec()).collect();
    traffic.resize(ticks as usize, Vec::new());
    let scenario = Arc::new(Scenario {
        name: "wire".to_string(),
        maps: 1,
        players: vec![start],
        traffic: vec![traffic],
        ticks,
        map_update_ticks: (1..=ticks).collect(),
        heartbeat_ticks: (1..=ticks).collect(),
        logouts: vec![],
        humans: vec![],
        creatures: vec![],
        respawns: vec![],
        ai: vec![],
    });
    let outcome = run_on_bytes(&scenario, policy, ai, dispatch, &[], FUZZ_TRACE_CAP).ok_or(Finding::StepCap)?;
    let logged: Vec<_> = outcome.packets.iter().map(|p| p.opcode).collect();
    if logged != packets.iter().map(|(o, _)| Some(*o)).collect::<Vec<_>>() {
        return Err(Finding::Wire(format!("the world received {logged:?}, the wire decoded {packets:?}")));
    }
    if let Some((id, p)) =
        outcome.packets.iter().enumerate().find(|(_, p)| p.rejected.iter().any(|r| matches!(r, Reject::Decode(_))))
    {
        return Err(Finding::Wire(format!("packet #{id} {p:?} decoded, then dropped as undecodable")));
    }
    judge_outcome(cell, outcome.check())
}

/// The bytes [`judge_packets`] reads as `cell`, a player start on map 0, and `wire`.
pub fn encode_packets_input(cell: FuzzCell, start: &PlayerStart, wire: &[u8]) -> Vec<u8> {
    let mut out = encode_cell(cell).to_vec();
    encode_player_start(&mut out, &PlayerStart { map: 0, ..*start });
    out.extend(wire);
    out
}
