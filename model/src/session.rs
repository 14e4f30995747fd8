//! The bot session: its receive queue, the seed's deferred queue, the per-session update lock,
//! and the flags a bot update reads before it runs packets.

use crate::crash::Crash;
use crate::opcodes::{decode_wire, Opcode, Packet, Payload, Place};
use crate::outcome::{Event, Ghost, Lane, Reject};
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
    recv: B::Mutex<VecDeque<Packet>>,
    /// `_deferredPackets` behind `_deferredPacketMutex`.
    deferred: B::Mutex<VecDeque<Packet>>,
    /// `_updateMutex`, the `std::timed_mutex` `BotSession::Update` opens with.
    update: B::Mutex<()>,
    /// `forceExit`, set by `KickPlayer` (the flag `Update` returns `false` on).
    kicked: B::Cell,
    /// `_player`: 1 while the session has its player, 0 after `SetPlayer(nullptr)`.
    player: B::Cell,
}

/// The guard of a session's update lock.
pub type UpdateGuard<'a, B> = <B as Backend>::Guard<'a, ()>;

impl<B: Backend> BotSession<B> {
    /// A logged-in session with empty queues.
    pub fn new(bot: u8) -> Self {
        BotSession {
            bot,
            recv: B::mutex(VecDeque::new()),
            deferred: B::mutex(VecDeque::new()),
            update: B::mutex(()),
            kicked: B::cell(0),
            player: B::cell(1),
        }
    }

    /// The bot side puts a packet in the receive queue (`ProcessBotPackets` hands the bot's own
    /// packets to `WorldSession::QueuePacket`, BotSession.cpp:1063-1157, 1140); returns its id.
    /// The id is taken under the queue's lock, so ids follow the queue's order even when two
    /// threads send at the same time.
    pub fn receive(&self, ghost: &Ghost, lane: Lane, opcode: Opcode, payload: Payload) -> u32 {
        let mut queue = B::lock(&self.recv);
        let id = ghost.received(lane, self.bot, Some(opcode));
        queue.push_back(Packet { id, opcode, payload });
        id
    }

    /// The bot side puts a stream of wire packets in the receive queue. Each packet that does not
    /// decode is dropped with its typed error (recorded), never a panic; decoding goes on after it.
    /// Returns the ids of the packets received, decoded or not.
    pub fn receive_wire(&self, ghost: &Ghost, lane: Lane, mut bytes: &[u8]) -> Vec<u32> {
        let mut ids = Vec::new();
        while !bytes.is_empty() {
            let (decoded, used) = decode_wire(bytes);
            match decoded {
                Ok((opcode, payload)) => ids.push(self.receive(ghost, lane, opcode, payload)),
                Err(e) => {
                    let id = ghost.received(lane, self.bot, None);
                    ghost.rejected(lane, self.bot, id, Reject::Decode(e));
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
    pub fn next(&self, filter: Filter, in_world: bool) -> Option<Packet> {
        let mut q = B::lock(&self.recv);
        match q.front() {
            Some(p) if filter.accepts(p.opcode, in_world) => q.pop_front(),
            _ => None,
        }
    }

    /// `std::unique_lock<std::timed_mutex> lock(_updateMutex, std::defer_lock);
    /// lock.try_lock_for(100ms)`: a first try; when another update holds the lock, the 100 ms
    /// pass (a yield: the holder may finish meanwhile, or not) and a second try decides. Both
    /// outcomes are scheduling choices, so the engines explore both.
    pub fn try_lock_update(&self, ghost: &Ghost, lane: Lane) -> Option<UpdateGuard<'_, B>> {
        if let Some(g) = B::try_lock(&self.update) {
            return Some(g);
        }
        ghost.event(lane, Event::UpdateLockBusy(self.bot));
        B::yield_now();
        B::try_lock(&self.update)
    }

    /// `KickPlayer` (world thread, from `RemovePlayerBot`, BotWorldSessionMgr.cpp:287): sets
    /// `forceExit`, which `Update` returns `false` on (BotSession.cpp:599-605).
    pub fn kick(&self, ghost: &Ghost, lane: Lane) {
        B::write(&self.kicked, 1);
        ghost.event(lane, Event::Kicked(self.bot));
    }

    /// Whether a kick or logout was requested: one read.
    pub fn kicked(&self) -> bool {
        B::read(&self.kicked) != 0
    }

    /// `GetPlayer() != nullptr`: one read of `_player` (the checks of BotSession.cpp:714-732 and
    /// BotWorldSessionMgr.cpp:633-646).
    pub fn has_player(&self) -> bool {
        B::read(&self.player) != 0
    }

    /// `SetPlayer(nullptr)` (WorldSession.cpp:730).
    pub fn clear_player(&self) {
        B::write(&self.player, 0);
    }

    /// `QueueDeferredPacket` (BotSession.cpp:1163-1177): the push under `_deferredPacketMutex`.
    pub fn queue_deferred(&self, ghost: &Ghost, lane: Lane, packet: Packet) {
        B::lock(&self.deferred).push_back(packet);
        ghost.event(lane, Event::Deferred { bot: self.bot, id: packet.id, opcode: packet.opcode });
    }

    /// `HasDeferredPackets` (BotSession.cpp:1293-1297): under the same mutex.
    pub fn has_deferred(&self) -> bool {
        !B::lock(&self.deferred).is_empty()
    }

    /// Takes the next deferred packet: one pop per critical section (BotSession.cpp:1192-1197).
    pub fn next_deferred(&self) -> Option<Packet> {
        B::lock(&self.deferred).pop_front()
    }

    /// `ProcessDeferredPackets` (BotSession.cpp:1179-1291, main thread): runs at most
    /// [`MAX_DEFERRED_PER_CALL`] (1185)
    /// deferred packets through `run`, in queue order, and returns how many ran (a dropped packet
    /// counts, 1267). Stops at the first crash.
    pub fn process_deferred(&self, mut run: impl FnMut(Packet) -> Result<(), Crash>) -> Result<usize, Crash> {
        let mut n = 0;
        while n < MAX_DEFERRED_PER_CALL {
            let Some(packet) = self.next_deferred() else { break };
            run(packet)?;
            n += 1;
        }
        Ok(n)
    }

    /// Takes every packet left in both queues (receive first), for the accounting of an erased
    /// session or the end of a run.
    pub fn drain_all(&self) -> Vec<Packet> {
        let mut out: Vec<Packet> = B::lock(&self.recv).drain(..).collect();
        out.extend(B::lock(&self.deferred).drain(..));
        out
    }

    /// Queue lengths: (receive, deferred).
    pub fn queue_lengths(&self) -> (usize, usize) {
        (B::lock(&self.recv).len(), B::lock(&self.deferred).len())
    }
}
