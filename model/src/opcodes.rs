//! The client opcode space, generated from `data/trinitycore-client-opcodes.tsv` (see
//! `build.rs`), packets, the wire decoder, and the handler kinds: what each opcode's handler does
//! to game state.
//!
//! The handler-kind rules ([`handler_kind`]) are the one reviewable place where the model says
//! what a handler touches. They are ordered, first match wins, and fail closed: an opcode no rule
//! names is taken to write its player's state. Only two kinds touch no shared game state
//! ([`HandlerKind::SessionLocal`], [`HandlerKind::StaticQuery`]), and both are explicit allowlists
//! of names, so a new or renamed opcode can never land there by accident.

use std::fmt;

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

impl Status {
    /// TrinityCore's name, e.g. `STATUS_LOGGEDIN`.
    pub fn tc_name(self) -> &'static str {
        match self {
            Status::Authed => "STATUS_AUTHED",
            Status::LoggedIn => "STATUS_LOGGEDIN",
            Status::Transfer => "STATUS_TRANSFER",
            Status::LoggedInOrRecentlyLoggedOut => "STATUS_LOGGEDIN_OR_RECENTLY_LOGGOUT",
            Status::Never => "STATUS_NEVER",
            Status::Unhandled => "STATUS_UNHANDLED",
            Status::Ignored => "STATUS_IGNORED",
        }
    }
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

impl Place {
    /// TrinityCore's own name.
    pub fn tc_name(self) -> &'static str {
        match self {
            Place::Inplace => "PROCESS_INPLACE",
            Place::ThreadUnsafe => "PROCESS_THREADUNSAFE",
            Place::ThreadSafe => "PROCESS_THREADSAFE",
        }
    }
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

impl SeedCategory {
    /// All categories, in the seed's order.
    pub const ALL: [SeedCategory; 8] = [
        SeedCategory::Spell,
        SeedCategory::Item,
        SeedCategory::Resurrection,
        SeedCategory::Movement,
        SeedCategory::Combat,
        SeedCategory::Quest,
        SeedCategory::Group,
        SeedCategory::Trade,
    ];
    /// Lower-case name, as in the seed's data file.
    pub fn name(self) -> &'static str {
        match self {
            SeedCategory::Spell => "spell",
            SeedCategory::Item => "item",
            SeedCategory::Resurrection => "resurrection",
            SeedCategory::Movement => "movement",
            SeedCategory::Combat => "combat",
            SeedCategory::Quest => "quest",
            SeedCategory::Group => "group",
            SeedCategory::Trade => "trade",
        }
    }
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
        handler_kind(self.info())
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

/// What a handler does to game state, as far as the race is concerned.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum HandlerKind {
    /// Status UNHANDLED, NEVER or IGNORED, or the `Handle_NULL` handler: the server drops it.
    Unhandled,
    /// Touches only the session and the client connection (time sync, account data, addon
    /// prefixes, screen notifications).
    SessionLocal,
    /// Reads immutable data (templates, DB2 stores, realm name) and replies.
    StaticQuery,
    /// Reads live state of players or the world and replies; writes nothing.
    SharedRead,
    /// Movement that stops, lands, or acknowledges a teleport: writes the position, then
    /// `UpdateZoneAndAreaId` (MovementHandler.cpp:590-606), and so the area autocast.
    MoveStop,
    /// Any other movement: writes the position or movement state.
    Move,
    /// Can apply an aura: spell casts and spell-capable uses (items, toys, game objects,
    /// spell clicks, empowered releases, area triggers).
    Cast,
    /// Removes an aura.
    AuraRemove,
    /// Changes the quest log: accept, complete, reward, remove (`SendQuestUpdate`, and so the
    /// `spell_area` autocast).
    QuestUpdate,
    /// Writes the player's own state otherwise (items, combat, talents, pets, settings).
    PlayerWrite,
    /// State shared between players: group, trade, mail, guild, chat, auction, calendar, LFG.
    WorldGlobal,
}

impl HandlerKind {
    /// All kinds.
    pub const ALL: [HandlerKind; 11] = [
        HandlerKind::Unhandled,
        HandlerKind::SessionLocal,
        HandlerKind::StaticQuery,
        HandlerKind::SharedRead,
        HandlerKind::MoveStop,
        HandlerKind::Move,
        HandlerKind::Cast,
        HandlerKind::AuraRemove,
        HandlerKind::QuestUpdate,
        HandlerKind::PlayerWrite,
        HandlerKind::WorldGlobal,
    ];
    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            HandlerKind::Unhandled => "unhandled",
            HandlerKind::SessionLocal => "session-local",
            HandlerKind::StaticQuery => "static-query",
            HandlerKind::SharedRead => "shared-read",
            HandlerKind::MoveStop => "move-stop",
            HandlerKind::Move => "move",
            HandlerKind::Cast => "cast",
            HandlerKind::AuraRemove => "aura-remove",
            HandlerKind::QuestUpdate => "quest-update",
            HandlerKind::PlayerWrite => "player-write",
            HandlerKind::WorldGlobal => "world-global",
        }
    }
    /// True when the handler touches game state that another thread may touch at the same time
    /// (anything but session-local work and reads of immutable data).
    pub fn touches_shared_state(self) -> bool {
        !matches!(self, HandlerKind::Unhandled | HandlerKind::SessionLocal | HandlerKind::StaticQuery)
    }
    /// True when the handler changes game state (the `order` invariant follows these).
    pub fn changes_state(self) -> bool {
        self.touches_shared_state() && self != HandlerKind::SharedRead
    }
}

/// How a rule matches an opcode name (without its `CMSG_` prefix).
#[derive(Clone, Copy, Debug)]
enum Match {
    Exact(&'static [&'static str]),
    Prefix(&'static [&'static str]),
    Contains(&'static [&'static str]),
    Suffix(&'static [&'static str]),
}

/// The handler-kind rules: ordered, first match wins, anything unmatched is `PlayerWrite`.
const RULES: &[(Match, HandlerKind)] = &[
    // The area-update path (MODEL.md §2): the movement-stop family, landing, set-fly, and the
    // teleport / world-port acks (UpdateZone).
    (
        Match::Exact(&[
            "MOVE_STOP",
            "MOVE_STOP_STRAFE",
            "MOVE_STOP_TURN",
            "MOVE_STOP_SWIM",
            "MOVE_STOP_PITCH",
            "MOVE_STOP_ASCEND",
            "MOVE_FALL_LAND",
            "MOVE_SET_FLY",
            "MOVE_TELEPORT_ACK",
            "WORLD_PORT_RESPONSE",
        ]),
        HandlerKind::MoveStop,
    ),
    // Spell-capable: everything that can reach Spell::_cast and so _ApplyAura.
    (
        Match::Exact(&[
            "CAST_SPELL",
            "PET_CAST_SPELL",
            "USE_ITEM",
            "USE_TOY",
            "USE_CRITTER_ITEM",
            "GAME_OBJ_USE",
            "GAME_OBJ_REPORT_USE",
            "SPELL_CLICK",
            "SPELL_EMPOWER_RELEASE",
            "SPELL_EMPOWER_RESTART",
            "AREA_TRIGGER",
            "SELF_RES",
            "TRAINER_BUY_SPELL",
            "BATTLE_PET_SUMMON",
            "RIDE_VEHICLE_INTERACT",
        ]),
        HandlerKind::Cast,
    ),
    (
        Match::Exact(&[
            "CANCEL_AURA",
            "PET_CANCEL_AURA",
            "CANCEL_GROWTH_AURA",
            "CANCEL_MOUNT_AURA",
            "CANCEL_MOD_SPEED_NO_CONTROL_AURAS",
            "CANCEL_CHANNELLING",
            "TOTEM_DESTROYED",
        ]),
        HandlerKind::AuraRemove,
    ),
    (
        Match::Exact(&[
            "QUEST_GIVER_ACCEPT_QUEST",
            "QUEST_GIVER_COMPLETE_QUEST",
            "QUEST_GIVER_CHOOSE_REWARD",
            "QUEST_LOG_REMOVE_QUEST",
            "QUEST_CONFIRM_ACCEPT",
            "ADVENTURE_MAP_START_QUEST",
        ]),
        HandlerKind::QuestUpdate,
    ),
    // Allowlist: session and connection only.
    (
        Match::Exact(&[
            "TIME_SYNC_RESPONSE",
            "DISCARDED_TIME_SYNC_ACKS",
            "UPDATE_AADC_STATUS",
            "REQUEST_ACCOUNT_DATA",
            "UPDATE_ACCOUNT_DATA",
            "SAVE_CUF_PROFILES",
            "SET_ADVANCED_COMBAT_LOGGING",
            "LOADING_SCREEN_NOTIFY",
            "QUEUED_MESSAGES_END",
            "OVERRIDE_SCREEN_FLASH",
            "VIOLENCE_LEVEL",
            "SERVER_TIME_OFFSET_REQUEST",
            "QUERY_TIME",
            "OBJECT_UPDATE_FAILED",
            "OBJECT_UPDATE_RESCUED",
            "CHAT_REGISTER_ADDON_PREFIXES",
            "CHAT_UNREGISTER_ALL_ADDON_PREFIXES",
            "ACCOUNT_NOTIFICATION_ACKNOWLEDGED",
            "BATTLENET_REQUEST",
        ]),
        HandlerKind::SessionLocal,
    ),
    // Allowlist: reads of data that never changes after start-up.
    (
        Match::Exact(&[
            "QUERY_CREATURE",
            "QUERY_GAME_OBJECT",
            "QUERY_NPC_TEXT",
            "QUERY_PAGE_TEXT",
            "QUERY_QUEST_INFO",
            "QUERY_REALM_NAME",
            "DB_QUERY_BULK",
            "HOTFIX_REQUEST",
            "QUERY_TREASURE_PICKER",
            "QUERY_QUEST_COMPLETION_NPCS",
            "UI_MAP_QUEST_LINES_REQUEST",
            "GET_PVP_OPTIONS_ENABLED",
            "QUERY_SCENARIO_POI",
            "GM_TICKET_GET_SYSTEM_STATUS",
            "GENERATE_RANDOM_CHARACTER_NAME",
        ]),
        HandlerKind::StaticQuery,
    ),
    // Shared between players.
    (
        Match::Prefix(&[
            "PARTY_",
            "SET_PARTY_",
            "LEAVE_GROUP",
            "CONVERT_RAID",
            "CHANGE_SUB_GROUP",
            "SWAP_SUB_GROUPS",
            "SET_ASSISTANT_LEADER",
            "SET_EVERYONE_IS_ASSISTANT",
            "DO_READY_CHECK",
            "READY_CHECK_RESPONSE",
            "INITIATE_ROLE_POLL",
            "SET_ROLE",
            "UPDATE_RAID_TARGET",
            "CLEAR_RAID_MARKER",
            "SET_LOOT_METHOD",
            "LOOT_ROLL",
            "MASTER_LOOT_ITEM",
            "OPT_OUT_OF_LOOT",
            "SET_RESTRICT_PINGS",
            "SEND_PING_",
            "MINIMAP_PING",
            "RANDOM_ROLL",
            "SETUP_WARBAND_GROUPS",
            "MAIL_",
            "SEND_MAIL",
            "GUILD_",
            "AUCTION_",
            "BLACK_MARKET_",
            "CALENDAR_",
            "CHAT_",
            "MESSAGE_WHISPER",
            "SEND_TEXT_EMOTE",
            "EMOTE",
            "ADD_FRIEND",
            "DEL_FRIEND",
            "ADD_IGNORE",
            "DEL_IGNORE",
            "SET_CONTACT_NOTES",
            "SEND_CONTACT_LIST",
            "WHO",
            "DF_",
            "BATTLEMASTER_",
            "BATTLEFIELD_",
            "ACCEPT_WARGAME_INVITE",
            "ACCEPT_GUILD_INVITE",
            "DECLINE_GUILD_INVITES",
            "PETITION_",
            "OFFER_PETITION",
            "SIGN_PETITION",
            "TURN_IN_PETITION",
            "DECLINE_PETITION",
            "CLUB_FINDER_",
            "CAN_DUEL",
            "DUEL_RESPONSE",
            "PUSH_QUEST_TO_PARTY",
            "QUEST_PUSH_RESULT",
            "HOUSING_",
            "NEIGHBORHOOD_",
            "DECLINE_NEIGHBORHOOD_INVITES",
            "SUMMON_RESPONSE",
            "RESET_INSTANCES",
            "SET_DUNGEON_DIFFICULTY",
            "SET_RAID_DIFFICULTY",
            "INSTANCE_LOCK_RESPONSE",
            "REPORT_PVP_PLAYER_AFK",
            "COMPLAINT",
            "SUPPORT_TICKET_",
            "CHAR_",
            "CREATE_CHARACTER",
            "ENUM_CHARACTERS",
            "REORDER_CHARACTERS",
            "UNDELETE_CHARACTER",
            "CHARACTER_RENAME_REQUEST",
            "CHECK_CHARACTER_NAME_AVAILABILITY",
            "MERGE_GUILD_BANK",
            "MERGE_ITEM_WITH_GUILD_BANK",
            "SPLIT_GUILD_BANK",
            "SPLIT_ITEM_TO_GUILD_BANK",
            "SWAP_GUILD_BANK",
            "SWAP_ITEM_WITH_GUILD_BANK",
            "STORE_GUILD_BANK",
            "AUTO_STORE_GUILD_BANK",
            "AUTO_GUILD_BANK",
            "MOVE_GUILD_BANK",
            "SAVE_GUILD_EMBLEM",
            "COMMERCE_TOKEN_",
        ]),
        HandlerKind::WorldGlobal,
    ),
    (Match::Contains(&["_TRADE", "TRADE_GOLD", "TRADE_ITEM", "TRADE_CURRENCY"]), HandlerKind::WorldGlobal),
    // Reads of live state.
    (Match::Prefix(&["QUERY_", "REQUEST_", "GET_", "INSPECT", "ITEM_TEXT_QUERY"]), HandlerKind::SharedRead),
    (Match::Suffix(&["_QUERY", "_LIST", "STATUS_QUERY", "_STATUS"]), HandlerKind::SharedRead),
    // Every other movement packet writes movement state.
    (Match::Prefix(&["MOVE_", "SET_ACTIVE_MOVER"]), HandlerKind::Move),
];

fn matches(rule: &Match, name: &str) -> bool {
    match rule {
        Match::Exact(names) => names.contains(&name),
        Match::Prefix(p) => p.iter().any(|p| name.starts_with(p)),
        Match::Contains(p) => p.iter().any(|p| name.contains(p)),
        Match::Suffix(p) => p.iter().any(|p| name.ends_with(p)),
    }
}

/// What an opcode's handler does to game state. See [`RULES`] for the rules.
pub fn handler_kind(info: &OpcodeInfo) -> HandlerKind {
    kind_basis(info).0
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

/// Where an opcode's handler kind comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KindBasis {
    /// Its status or handler says the server does not run it (`STATUS_UNHANDLED`, `Handle_NULL`, …).
    NotRun,
    /// A rule of [`RULES`] names it (by name, prefix, infix or suffix).
    Rule,
    /// No rule names it: the kind is the fail-closed guess, [`HandlerKind::PlayerWrite`]. A new
    /// or renamed opcode of a user's table lands here, and `gaps` lists them for review.
    Guessed,
}

/// The handler kind with where it comes from.
pub fn kind_basis(info: &OpcodeInfo) -> (HandlerKind, KindBasis) {
    if matches!(info.status, Status::Unhandled | Status::Never | Status::Ignored)
        || info.handler.ends_with("Handle_NULL")
        || info.handler.ends_with("Handle_EarlyProccess")
        || info.handler.ends_with("Handle_Deprecated")
    {
        return (HandlerKind::Unhandled, KindBasis::NotRun);
    }
    let short = info.name.strip_prefix("CMSG_").unwrap_or(info.name);
    match RULES.iter().find(|(m, _)| matches(m, short)) {
        Some(&(_, k)) => (k, KindBasis::Rule),
        None => (HandlerKind::PlayerWrite, KindBasis::Guessed),
    }
}
