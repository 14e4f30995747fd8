//! The bot session: its receive queue, the seed's deferred queue, status and logout.

use crate::opcodes::{decode_wire, Opcode, Packet, Payload, Place};
use crate::outcome::{Event, Ghost, Lane, Reject};
use crate::sync::Backend;
use std::collections::VecDeque;

/// `BotSession::Update` takes at most this many packets per call.
pub const MAX_PACKETS_PER_UPDATE: usize = 100;
/// `ProcessDeferredPackets` runs at most this many per session per call
/// (`MAX_DEFERRED_PACKETS_PER_UPDATE`).
pub const MAX_DEFERRED_PER_CALL: usize = 50;

/// Which packets a `WorldSession::Update` caller takes (TrinityCore's `PacketFilter`s).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Filter {
    /// The bot module's filter: everything.
    Bot,
    /// `WorldSessionFilter` (world thread): THREADUNSAFE and INPLACE, and THREADSAFE when the
    /// player is not in the world.
    World,
    /// `MapSessionFilter` (map worker): THREADSAFE and INPLACE.
    Map,
}

impl Filter {
    /// Whether the filter takes `opcode` for a session whose player is (or is not) in the world.
    pub fn accepts(self, opcode: Opcode, in_world: bool) -> bool {
        let place = opcode.info().place;
        match self {
            Filter::Bot => true,
            Filter::World => place != Place::ThreadSafe || !in_world,
            Filter::Map => place != Place::ThreadUnsafe && in_world,
        }
    }
}

/// One bot's session.
pub struct BotSession<B: Backend> {
    /// Bot index (its player has the same index).
    pub bot: u8,
    /// `_recvQueue`, a locked queue.
    recv: B::Mutex<VecDeque<Packet>>,
    /// `_deferredPackets` behind `_deferredPacketMutex`.
    deferred: B::Mutex<VecDeque<Packet>>,
    /// 1 while the player is in the world; a plain field, as in the server.
    in_world: B::Cell,
}

impl<B: Backend> BotSession<B> {
    /// A logged-in session with empty queues.
    pub fn new(bot: u8) -> Self {
        BotSession { bot, recv: B::mutex(VecDeque::new()), deferred: B::mutex(VecDeque::new()), in_world: B::cell(1) }
    }

    /// The bot side puts a packet in the receive queue; returns its id.
    /// The id is taken under the queue's lock, so ids follow the queue's order even when two
    /// bot updates of one session send at the same time.
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
    /// `LockedQueue::next(packet, filter)` looks at the front only).
    pub fn next(&self, filter: Filter) -> Option<Packet> {
        let in_world = self.in_world();
        let mut q = B::lock(&self.recv);
        match q.front() {
            Some(p) if filter.accepts(p.opcode, in_world) => q.pop_front(),
            _ => None,
        }
    }

    /// `QueueDeferredPacket`: thread-safe push onto the deferred queue.
    pub fn queue_deferred(&self, ghost: &Ghost, lane: Lane, packet: Packet) {
        B::lock(&self.deferred).push_back(packet);
        ghost.event(lane, Event::Deferred { bot: self.bot, id: packet.id, opcode: packet.opcode });
    }

    /// `HasDeferredPackets`.
    pub fn has_deferred(&self) -> bool {
        !B::lock(&self.deferred).is_empty()
    }

    /// Takes the next deferred packet.
    pub fn next_deferred(&self) -> Option<Packet> {
        B::lock(&self.deferred).pop_front()
    }

    /// `ProcessDeferredPackets` (main thread only): runs at most [`MAX_DEFERRED_PER_CALL`]
    /// deferred packets through `run`, in queue order, and returns how many ran. Stops at the
    /// first tripped assert.
    pub fn process_deferred(
        &self,
        mut run: impl FnMut(Packet) -> Result<(), crate::aura::AssertFailure>,
    ) -> Result<usize, crate::aura::AssertFailure> {
        let mut n = 0;
        while n < MAX_DEFERRED_PER_CALL {
            let Some(packet) = self.next_deferred() else { break };
            run(packet)?;
            n += 1;
        }
        Ok(n)
    }

    /// Whether the player is in the world.
    pub fn in_world(&self) -> bool {
        B::read(&self.in_world) != 0
    }

    /// `LogoutPlayer` (world thread). The bot session manager stops submitting updates for the
    /// session; packets still queued are taken by the world thread later and dropped as "player
    /// not in world" (the model keeps the session until its queues are empty, so each packet is
    /// accounted for).
    pub fn logout(&self, ghost: &Ghost, lane: Lane) {
        B::write(&self.in_world, 0);
        ghost.event(lane, Event::Logout(self.bot));
    }

    /// Queue lengths: (receive, deferred).
    pub fn queue_lengths(&self) -> (usize, usize) {
        (B::lock(&self.recv).len(), B::lock(&self.deferred).len())
    }
}
