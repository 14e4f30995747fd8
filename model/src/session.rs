//! The bot session: its receive queue, the seed's deferred queue, the per-session update lock,
//! and the flags a bot update reads before it runs packets.

use crate::crash::Crash;
use crate::field::{Field, Held, Lock};
use crate::opcodes::{decode_wire, Opcode, Packet, Payload, Place};
use crate::outcome::{Cx, Event, Reject};
use crate::race::{LockId, LockKind, Site};
use crate::sync::Backend;
use std::collections::VecDeque;

/// `BotSession::Update` takes at most this many packets per call, deferred ones included.
pub const MAX_PACKETS_PER_UPDATE: usize = 100;
/// `ProcessDeferredPackets` runs at most this many per session per call
/// (`MAX_DEFERRED_PACKETS_PER_UPDATE`).
pub const MAX_DEFERRED_PER_CALL: usize = 50;

/// Which packets a `WorldSession::Update` caller takes (TrinityCore's `PacketFilter`s).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Filter {
    /// The bot module's filter: everything.
    Bot,
    /// `WorldSessionFilter::Process` (WorldSession.cpp:88-107, world thread): INPLACE and
    /// THREADUNSAFE, and THREADSAFE when the player is not in the world.
    World,
    /// `MapSessionFilter::Process` (WorldSession.cpp:66-84, map worker): INPLACE, and THREADSAFE
    /// when the player is in the world.
    Map,
}

impl Filter {
    /// Whether the filter takes `opcode` for a session whose player is (or is not) in the world.
    pub fn accepts(self, opcode: Opcode, in_world: bool) -> bool {
        let place = opcode.info().place;
        match self {
            Filter::Bot => true,
            Filter::World => place != Place::ThreadSafe || !in_world,
            Filter::Map => place == Place::Inplace || (place == Place::ThreadSafe && in_world),
        }
    }
}

/// One bot's session.
pub struct BotSession<B: Backend> {
    /// Bot index (its player has the same index).
    pub bot: u8,
    /// `_recvQueue`, a `LockedQueue` (its own mutex).
    recv: Lock<B, VecDeque<Packet>>,
    /// `_deferredPackets` behind `_deferredPacketMutex`.
    deferred: Lock<B, VecDeque<Packet>>,
    /// `_updateMutex`, the `std::timed_mutex` `BotSession::Update` opens with.
    update: Lock<B, ()>,
    /// `forceExit`, set by `KickPlayer` (the flag `Update` returns `false` on).
    kicked: Field<B>,
    /// `_player`: 1 while the session has its player, 0 after `SetPlayer(nullptr)`.
    player: Field<B>,
}

/// The guard of a session's update lock.
pub type UpdateGuard<'a, B> = Held<'a, B, ()>;

impl<B: Backend> BotSession<B> {
    /// A logged-in session with empty queues.
    pub fn new(bot: u8) -> Self {
        BotSession {
            bot,
            recv: Lock::new(LockId::of(LockKind::Recv, bot), VecDeque::new()),
            deferred: Lock::new(LockId::of(LockKind::Deferred, bot), VecDeque::new()),
            update: Lock::new(LockId::of(LockKind::Update, bot), ()),
            kicked: Field::new(Site::ForceExit, bot, 0, 0),
            player: Field::new(Site::SessionPlayer, bot, 0, 1),
        }
    }

    /// The bot side puts a packet in the receive queue (`ProcessBotPackets` hands the bot's own
    /// packets to `WorldSession::QueuePacket`, BotSession.cpp:1063-1157, 1140); returns its id.
    /// The id is taken under the queue's lock, so ids follow the queue's order even when two
    /// threads send at the same time.
    pub fn receive(&self, cx: Cx, opcode: Opcode, payload: Payload) -> u32 {
        let mut queue = self.recv.lock(cx);
        let id = cx.ghost.received(cx.lane, self.bot, Some(opcode));
        queue.push_back(Packet { id, opcode, payload });
        id
    }

    /// The bot side puts a stream of wire packets in the receive queue. Each packet that does not
    /// decode is dropped with its typed error (recorded), never a panic; decoding goes on after it.
    /// Returns the ids of the packets received, decoded or not.
    pub fn receive_wire(&self, cx: Cx, mut bytes: &[u8]) -> Vec<u32> {
        let mut ids = Vec::new();
        while !bytes.is_empty() {
            let (decoded, used) = decode_wire(bytes);
            match decoded {
                Ok((opcode, payload)) => ids.push(self.receive(cx, opcode, payload)),
                Err(e) => {
                    let id = cx.ghost.received(cx.lane, self.bot, None);
                    cx.ghost.rejected(cx.lane, self.bot, id, Reject::Decode(e));
                    ids.push(id);
                }
            }
            bytes = &bytes[used.max(1).min(bytes.len())..];
        }
        ids
    }

    /// Takes the front packet of the receive queue if `filter` accepts it (head-of-line:
    /// `LockedQueue::next(packet, filter)` looks at the front only, LockedQueue.h:74-87).
    /// `in_world` is the caller's read of the player's `IsInWorld`.
    pub fn next(&self, cx: Cx, filter: Filter, in_world: bool) -> Option<Packet> {
        let mut q = self.recv.lock(cx);
        match q.front() {
            Some(p) if filter.accepts(p.opcode, in_world) => q.pop_front(),
            _ => None,
        }
    }

    /// `std::unique_lock<std::timed_mutex> lock(_updateMutex, std::defer_lock);
    /// lock.try_lock_for(100ms)`: a first try; when another update holds the lock, the 100 ms
    /// pass (a yield: the holder may finish meanwhile, or not) and a second try decides. Both
    /// outcomes are scheduling choices, so the engines explore both.
    pub fn try_lock_update<'a>(&'a self, cx: Cx<'a>) -> Option<UpdateGuard<'a, B>> {
        if let Some(g) = self.update.try_lock(cx) {
            return Some(g);
        }
        cx.event(Event::UpdateLockBusy(self.bot));
        B::yield_now();
        self.update.try_lock(cx)
    }

    /// `KickPlayer` (world thread, from `RemovePlayerBot`, BotWorldSessionMgr.cpp:287): sets
    /// `forceExit`, which `Update` returns `false` on (BotSession.cpp:599-605).
    pub fn kick(&self, cx: Cx) {
        self.kicked.write_as(cx, 1, Event::Kicked(self.bot));
    }

    /// Whether a kick or logout was requested: one read.
    pub fn kicked(&self, cx: Cx) -> bool {
        self.kicked.read(cx) != 0
    }

    /// `GetPlayer() != nullptr`: one read of `_player` (the checks of BotSession.cpp:714-732 and
    /// BotWorldSessionMgr.cpp:633-646).
    pub fn has_player(&self, cx: Cx) -> bool {
        self.player.read(cx) != 0
    }

    /// `SetPlayer(nullptr)` (WorldSession.cpp:730).
    pub fn clear_player(&self, cx: Cx) {
        self.player.write(cx, 0);
    }

    /// `QueueDeferredPacket` (BotSession.cpp:1163-1177): the push under `_deferredPacketMutex`.
    pub fn queue_deferred(&self, cx: Cx, packet: Packet) {
        self.deferred.lock(cx).push_back(packet);
        cx.event(Event::Deferred { bot: self.bot, id: packet.id, opcode: packet.opcode });
    }

    /// `HasDeferredPackets` (BotSession.cpp:1293-1297): under the same mutex.
    pub fn has_deferred(&self, cx: Cx) -> bool {
        !self.deferred.lock(cx).is_empty()
    }

    /// Takes the next deferred packet: one pop per critical section (BotSession.cpp:1192-1197).
    pub fn next_deferred(&self, cx: Cx) -> Option<Packet> {
        self.deferred.lock(cx).pop_front()
    }

    /// `ProcessDeferredPackets` (BotSession.cpp:1179-1291, main thread): runs at most
    /// [`MAX_DEFERRED_PER_CALL`] (1185)
    /// deferred packets through `run`, in queue order, and returns how many ran (a dropped packet
    /// counts, 1267). Stops at the first crash.
    pub fn process_deferred(&self, cx: Cx, mut run: impl FnMut(Packet) -> Result<(), Crash>) -> Result<usize, Crash> {
        let mut n = 0;
        while n < MAX_DEFERRED_PER_CALL {
            let Some(packet) = self.next_deferred(cx) else { break };
            run(packet)?;
            n += 1;
        }
        Ok(n)
    }

    /// Takes every packet left in both queues (receive first), for the accounting of an erased
    /// session or the end of a run (bookkeeping: no happens-before edge).
    pub fn drain_all(&self) -> Vec<Packet> {
        let mut out: Vec<Packet> = self.recv.inspect(|q| q.drain(..).collect());
        out.extend(self.deferred.inspect(|q| q.drain(..).collect::<Vec<_>>()));
        out
    }

    /// Queue lengths: (receive, deferred) (bookkeeping: no happens-before edge).
    pub fn queue_lengths(&self) -> (usize, usize) {
        (self.recv.inspect(|q| q.len()), self.deferred.inspect(|q| q.len()))
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows the bot's index, its locks (ids, not the queues: looking would take the engine's
/// mutex) and which fields it stands for.
impl<B: Backend> std::fmt::Debug for BotSession<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotSession")
            .field("bot", &self.bot)
            .field("recv", &self.recv)
            .field("deferred", &self.deferred)
            .field("update", &self.update)
            .field("kicked", &self.kicked)
            .field("player", &self.player)
            .finish()
    }
}
