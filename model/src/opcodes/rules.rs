//! The handler-kind rules: what each opcode's handler does to game state, from its name, its
//! session status and its handler.
//!
//! The rules ([`RULES`]) are the one reviewable place where the model says what a handler
//! touches. They are ordered, first match wins, and fail closed: an opcode no rule names is taken
//! to write its player's state. Only two kinds touch no shared game state
//! ([`HandlerKind::SessionLocal`], [`HandlerKind::StaticQuery`]), and both are explicit allowlists
//! of names, so a new or renamed opcode can never land there by accident.
//!
//! `build.rs` compiles this file too (`#[path]`) and applies [`kind_basis_of`] to every row of
//! the table it reads, so each `OpcodeInfo` carries its kind and basis and the opcodes of each
//! kind are listed once (`OPCODES_OF_KIND`). The file therefore takes plain strings and names
//! nothing of the crate but the `named!` macro (which `build.rs` compiles as well).

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

named! {
    impl HandlerKind {
        /// All kinds.
        const ALL;
        /// Short name.
        fn name;
    }
    Unhandled => "unhandled",
    SessionLocal => "session-local",
    StaticQuery => "static-query",
    SharedRead => "shared-read",
    MoveStop => "move-stop",
    Move => "move",
    Cast => "cast",
    AuraRemove => "aura-remove",
    QuestUpdate => "quest-update",
    PlayerWrite => "player-write",
    WorldGlobal => "world-global",
}

impl HandlerKind {
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

/// Where an opcode's handler kind comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum KindBasis {
    /// Its status or handler says the server does not run it (`STATUS_UNHANDLED`, `Handle_NULL`, …).
    NotRun,
    /// A rule of the handler-kind rules (`RULES` in `model/src/opcodes/rules.rs`) names it (by
    /// name, prefix, infix or suffix).
    Rule,
    /// No rule names it: the kind is the fail-closed guess, [`HandlerKind::PlayerWrite`]. A new
    /// or renamed opcode of a user's table lands here, and `gaps` lists them for review.
    Guessed,
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
    // TrinityCore runs these four on the map thread (PROCESS_THREADSAFE), and their handlers
    // write no state shared between players: they read the player and world-global data the
    // world thread wrote before the maps update, and reply (named before the world-global
    // prefixes `WHO`, `DF_` and `ACCEPT_WARGAME_INVITE`, which would take them).
    // - WHO: `HandleWhoOpcode` (Handlers/MiscHandler.cpp:95-246) reads the player's team and the
    //   who list `WhoListStorageMgr::Update` built on the world thread (World.cpp:2207, before
    //   `MapManager::Update`, 2369), and the character cache.
    // - DF_GET_SYSTEM_INFO: `HandleDFGetSystemInfo` (Handlers/LFGHandler.cpp:106-114) →
    //   `SendLfgPlayerLockInfo` / `SendLfgPartyLockInfo` (140-228): the player's (and, for the
    //   party, the other members') level, items, quests through `LFGMgr::GetLockedDungeons`.
    // - DF_GET_JOIN_STATUS: `HandleDFGetJoinStatus` (Handlers/LFGHandler.cpp:116-137):
    //   `LFGMgr::GetState` / `GetLfgStatus` find the player's `PlayersStore` entry that the login
    //   created (`LFGPlayerScript::OnLogin` → `SetTeam`) with the dungeon finder on (the default).
    // - ACCEPT_WARGAME_INVITE: `HandleAcceptWargameInvite` (Handlers/BattleGroundHandler.cpp:
    //   895-906) reads the player's GUID and queues a function with
    //   `BattlegroundMgr::AddDelayedEvent` → `FunctionProcessor::AddFunction`, under the
    //   processor's own mutex (src/common/Utilities/FunctionProcessor.cpp:63-67).
    (
        Match::Exact(&["WHO", "DF_GET_SYSTEM_INFO", "DF_GET_JOIN_STATUS", "ACCEPT_WARGAME_INVITE"]),
        HandlerKind::SharedRead,
    ),
    // TrinityCore runs these on whichever thread takes them first (PROCESS_INPLACE: the world
    // thread, or the player's map thread, `MapSessionFilter::Process`, Server/WorldSession.cpp:
    // 71-72), and their handlers touch only the player's own state (named before the world-global
    // prefixes that would take them):
    // - OPT_OUT_OF_LOOT: `HandleOptOutOfLootOpcode` (Handlers/GroupHandler.cpp:612-623) →
    //   `SetPassOnGroupLoot`, the player's own flag.
    // - EMOTE: `HandleEmoteOpcode` (Handlers/ChatHandler.cpp:770-778) → `SetEmoteState`.
    // - DECLINE_GUILD_INVITES: `HandleDeclineGuildInvites` (Handlers/GuildHandler.cpp:565-571)
    //   and DECLINE_NEIGHBORHOOD_INVITES: `HandleDeclineNeighborhoodInvites`
    //   (Handlers/HousingHandler.cpp:150-157): a player flag.
    (
        Match::Exact(&["OPT_OUT_OF_LOOT", "EMOTE", "DECLINE_GUILD_INVITES", "DECLINE_NEIGHBORHOOD_INVITES"]),
        HandlerKind::PlayerWrite,
    ),
    // PROCESS_INPLACE as well: `HandleHousing{Decor,Fixture}SetEditMode` and
    // `HandleHousingRoomSetLayoutEditMode` (Handlers/HousingHandler.cpp:269-318) read the player's
    // GUID and set its edit mode in `HousingMgr::_editModes` under `_houseLock`'s unique lock
    // (Housing/HousingMgr.cpp:790-811): shared state, but behind its own lock, so no race.
    (
        Match::Exact(&[
            "HOUSING_DECOR_SET_EDIT_MODE",
            "HOUSING_FIXTURE_SET_EDIT_MODE",
            "HOUSING_ROOM_SET_LAYOUT_EDIT_MODE",
        ]),
        HandlerKind::SharedRead,
    ),
    // Shared between players. Three of them are PROCESS_INPLACE and do write state shared
    // between players from whichever thread takes them, a map thread included:
    // SET_PARTY_LEADER (`Group::ChangeLeader`, Handlers/GroupHandler.cpp:303-317),
    // READY_CHECK_RESPONSE (`Group::SetMemberReadyCheck`, 578-586) and SEND_TEXT_EMOTE
    // (`Player::UpdateCriteria` → `Guild::UpdateCriteria` for a guild member,
    // Handlers/ChatHandler.cpp:780-830, Entities/Player/Player.cpp:28214-28229): two members on
    // two maps race in TrinityCore itself.
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

/// The handler kind of the opcode `name` (e.g. `CMSG_MOVE_STOP`, with or without the prefix) whose
/// session status is `status` (TrinityCore's name, e.g. `STATUS_LOGGEDIN`) and whose handler is
/// `handler` (e.g. `WorldSession::HandleMovementOpcodes`), with where the kind comes from: not
/// run (its status or handler says the server drops it), one of the ordered rules
/// (`model/src/opcodes/rules.rs`, first match wins), or the fail-closed guess.
pub fn kind_basis_of(name: &str, status: &str, handler: &str) -> (HandlerKind, KindBasis) {
    if matches!(status, "STATUS_UNHANDLED" | "STATUS_NEVER" | "STATUS_IGNORED")
        || handler.ends_with("Handle_NULL")
        || handler.ends_with("Handle_EarlyProccess")
        || handler.ends_with("Handle_Deprecated")
    {
        return (HandlerKind::Unhandled, KindBasis::NotRun);
    }
    let short = name.strip_prefix("CMSG_").unwrap_or(name);
    match RULES.iter().find(|(m, _)| matches(m, short)) {
        Some(&(_, k)) => (k, KindBasis::Rule),
        None => (HandlerKind::PlayerWrite, KindBasis::Guessed),
    }
}
