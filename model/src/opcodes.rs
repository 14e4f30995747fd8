//! The client opcode space, generated from `data/trinitycore-client-opcodes.tsv` (see
//! `build.rs`), packets, the wire decoder, and the handler kinds: what each opcode's handler does
//! to game state.
//!
//! The handler-kind rules (`opcodes/rules.rs`, see [`kind_basis_of`]) are the one reviewable
//! place where the model says what a handler touches. They are ordered, first match wins, and
//! fail closed: an opcode no rule names is taken to write its player's state. Only two kinds
//! touch no shared game state ([`HandlerKind::SessionLocal`], [`HandlerKind::StaticQuery`]), and
//! both are explicit allowlists of names, so a new or renamed opcode can never land there by
//! accident. `build.rs` applies them once, to the table it reads: every [`OpcodeInfo`] carries its
//! [`kind`](OpcodeInfo::kind) and [`basis`](OpcodeInfo::basis), and [`HandlerKind::opcodes`] lists
//! the opcodes of each kind.

use std::fmt;

mod rules;

pub use rules::{kind_basis_of, HandlerKind, KindBasis};

include!(concat!(env!("OUT_DIR"), "/opcodes_generated.rs"));

/// TrinityCore's session status for an opcode (Opcodes.h `SessionStatus`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Status {
    /// Before the character is chosen.
    Authed,
    /// With a player in the world.
    LoggedIn,
    /// During a far teleport.
    Transfer,
    /// With a player, or just after its logout.
    LoggedInOrRecentlyLoggedOut,
    /// Never accepted from a client.
    Never,
    /// Not handled by this server.
    Unhandled,
    /// Silently dropped.
    Ignored,
}

named! {
    impl Status {
        /// All seven, in declaration order.
        const ALL;
        /// TrinityCore's name, e.g. `STATUS_LOGGEDIN`.
        fn tc_name;
    }
    Authed => "STATUS_AUTHED",
    LoggedIn => "STATUS_LOGGEDIN",
    Transfer => "STATUS_TRANSFER",
    LoggedInOrRecentlyLoggedOut => "STATUS_LOGGEDIN_OR_RECENTLY_LOGGOUT",
    Never => "STATUS_NEVER",
    Unhandled => "STATUS_UNHANDLED",
    Ignored => "STATUS_IGNORED",
}

/// TrinityCore's processing place for an opcode (Opcodes.h `PacketProcessing`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Place {
    /// Run by whichever of the world thread and the map thread reaches it first.
    Inplace,
    /// Run in `World::UpdateSessions`, on the world thread.
    ThreadUnsafe,
    /// Run inside `Map::Update`, on the worker that owns the player's map.
    ThreadSafe,
}

named! {
    impl Place {
        /// All three, in declaration order.
        const ALL;
        /// TrinityCore's own name.
        fn tc_name;
    }
    Inplace => "PROCESS_INPLACE",
    ThreadUnsafe => "PROCESS_THREADUNSAFE",
    ThreadSafe => "PROCESS_THREADSAFE",
}

/// The seed's eight deferral categories.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum SeedCategory {
    /// Spell casting and aura application (the primary crash source).
    Spell,
    /// Item usage (can trigger spells).
    Item,
    /// Resurrection (modifies the corpse list).
    Resurrection,
    /// Movement (area triggers, teleport acks).
    Movement,
    /// Combat state.
    Combat,
    /// Quests (rewards).
    Quest,
    /// Group composition.
    Group,
    /// Trade and mail (items and gold change hands).
    Trade,
}

named! {
    impl SeedCategory {
        /// All categories, in the seed's order.
        const ALL;
        /// Lower-case name, as in the seed's data file.
        fn name;
    }
    Spell => "spell",
    Item => "item",
    Resurrection => "resurrection",
    Movement => "movement",
    Combat => "combat",
    Quest => "quest",
    Group => "group",
    Trade => "trade",
}

/// One row of the opcode table.
#[derive(Clone, Copy, Debug)]
pub struct OpcodeInfo {
    /// The opcode.
    pub opcode: Opcode,
    /// TrinityCore's name, e.g. `CMSG_CAST_SPELL`.
    pub name: &'static str,
    /// The wire value.
    pub value: u32,
    /// The session status the handler needs.
    pub status: Status,
    /// Where TrinityCore runs the handler.
    pub place: Place,
    /// The handler's name, e.g. `WorldSession::HandleCastSpellOpcode`.
    pub handler: &'static str,
    /// What the handler does to game state ([`kind_basis_of`], applied by `build.rs`).
    pub kind: HandlerKind,
    /// Where [`OpcodeInfo::kind`] comes from.
    pub basis: KindBasis,
}

impl Opcode {
    /// Every opcode, in table order.
    pub fn all() -> impl Iterator<Item = Opcode> + Clone {
        OPCODES.iter().map(|i| i.opcode)
    }
    /// The opcode's table row.
    pub fn info(self) -> &'static OpcodeInfo {
        &OPCODES[self as usize]
    }
    /// TrinityCore's name.
    pub fn name(self) -> &'static str {
        self.info().name
    }
    /// The wire value.
    pub fn value(self) -> u32 {
        self.info().value
    }
    /// What the handler does to game state.
    pub fn kind(self) -> HandlerKind {
        self.info().kind
    }
    /// Decodes a wire value; a value not in the table is an error, never a panic.
    pub fn from_value(value: u32) -> Result<Opcode, DecodeError> {
        BY_VALUE
            .binary_search_by_key(&value, |&(v, _)| v)
            .map(|i| BY_VALUE[i].1)
            .map_err(|_| DecodeError::UnknownOpcode(value))
    }
    /// Looks an opcode up by its TrinityCore name (with or without the `CMSG_` prefix).
    pub fn from_name(name: &str) -> Option<Opcode> {
        let upper = name.trim().to_ascii_uppercase();
        let full = if upper.starts_with("CMSG_") { upper } else { format!("CMSG_{upper}") };
        OPCODES.iter().find(|i| i.name == full).map(|i| i.opcode)
    }
    /// The opcode at table index `i` (`i` taken modulo the table size).
    pub fn from_index(i: usize) -> Opcode {
        OPCODES[i % OPCODE_COUNT].opcode
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a wire packet could not be turned into a [`Packet`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DecodeError {
    /// The wire value is not a client opcode of the table.
    UnknownOpcode(u32),
    /// The packet is shorter than its header (4 bytes of opcode and 1 of payload length).
    Truncated {
        /// Bytes present.
        have: usize,
        /// Bytes the header or the declared payload needs.
        need: usize,
    },
    /// The payload is longer than the model's payload (12 bytes).
    PayloadTooLong(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnknownOpcode(v) => write!(f, "unknown opcode wire value {v:#08X}"),
            DecodeError::Truncated { have, need } => write!(f, "truncated packet: {have} bytes, need {need}"),
            DecodeError::PayloadTooLong(n) => write!(f, "payload of {n} bytes exceeds 12"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The small payload the model's handlers read: which spell, which area, which quest.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Payload {
    /// Spell id (casts, aura removals).
    pub spell: u32,
    /// Area id of the position a movement packet reports.
    pub area: u32,
    /// Quest id (quest packets).
    pub quest: u32,
}

/// A client packet as the session queues it: an opcode, a payload, and a ghost identity (its
/// receive sequence number), which the server does not have and the invariants need.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Packet {
    /// Receive sequence number, unique per run.
    pub id: u32,
    /// The opcode.
    pub opcode: Opcode,
    /// The payload.
    pub payload: Payload,
}

/// Reads one wire packet from the front of `bytes`: a little-endian `u32` opcode value, a
/// payload length byte `n` (0..=12), then `n` payload bytes (spell, area, quest as little-endian
/// `u32`s, missing ones zero). Returns the packet (with `id` 0; the session numbers it) and the
/// bytes consumed, or a typed error and the bytes to skip so a stream can go on.
pub fn decode_wire(bytes: &[u8]) -> (Result<(Opcode, Payload), DecodeError>, usize) {
    if bytes.len() < 5 {
        return (Err(DecodeError::Truncated { have: bytes.len(), need: 5 }), bytes.len());
    }
    let value = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let n = bytes[4] as usize;
    if n > 12 {
        return (Err(DecodeError::PayloadTooLong(n)), 5);
    }
    if bytes.len() < 5 + n {
        return (Err(DecodeError::Truncated { have: bytes.len(), need: 5 + n }), bytes.len());
    }
    let mut words = [0u8; 12];
    words[..n].copy_from_slice(&bytes[5..5 + n]);
    let word = |k: usize| u32::from_le_bytes([words[4 * k], words[4 * k + 1], words[4 * k + 2], words[4 * k + 3]]);
    let payload = Payload { spell: word(0), area: word(1), quest: word(2) };
    (Opcode::from_value(value).map(|op| (op, payload)), 5 + n)
}

/// Encodes a packet in the wire format [`decode_wire`] reads.
pub fn encode_wire(opcode: Opcode, payload: Payload) -> Vec<u8> {
    let mut out = opcode.value().to_le_bytes().to_vec();
    out.push(12);
    for w in [payload.spell, payload.area, payload.quest] {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

/// What an opcode's handler does to game state. See [`kind_basis_of`] for the rules.
pub fn handler_kind(info: &OpcodeInfo) -> HandlerKind {
    info.kind
}

/// The handler kind with where it comes from.
pub fn kind_basis(info: &OpcodeInfo) -> (HandlerKind, KindBasis) {
    (info.kind, info.basis)
}

impl HandlerKind {
    /// The opcodes of this kind, in table order. `OPCODES_OF_KIND` is in `HandlerKind::ALL`
    /// order, which is the declaration order (`named!` checks it), so `self as usize` indexes it.
    pub fn opcodes(self) -> &'static [Opcode] {
        OPCODES_OF_KIND[self as usize]
    }
}

/// The table as rows of a checkout's table (`cpp_sources::trinitycore::OpcodeRow`), in table
/// order, each `line` its line in the bundled TSV: what `to_tsv` writes back as that TSV, and
/// what a checkout's table is compared with.
pub fn table_rows() -> Vec<cpp_sources::trinitycore::OpcodeRow> {
    OPCODES
        .iter()
        .enumerate()
        .map(|(i, o)| cpp_sources::trinitycore::OpcodeRow {
            name: o.name.to_string(),
            value: o.value,
            status: o.status.tc_name().to_string(),
            processing: o.place.tc_name().to_string(),
            handler: o.handler.to_string(),
            line: i + 2,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_kinds_are_the_rules_applied_to_the_table() {
        for info in &OPCODES {
            let rules = kind_basis_of(info.name, info.status.tc_name(), info.handler);
            assert_eq!((info.kind, info.basis), rules, "{}", info.name);
        }
        for kind in HandlerKind::ALL {
            let of_kind: Vec<Opcode> = Opcode::all().filter(|o| o.kind() == kind).collect();
            assert_eq!(kind.opcodes(), of_kind, "{}", kind.name());
        }
    }
}
