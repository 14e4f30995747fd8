//! The baselines the benchmarks measure against: a classifier as a dense table indexed by opcode
//! (one load per lookup) beside the seed's eight hash sets, and the bytes a bot session and its
//! deferred queue take.

use model::classifier::{Classifier, Route};
use model::opcodes::Opcode;
use model::sync::Std;
use serde::Serialize;

/// A classifier's routes and reasons in a table indexed by opcode: one load per lookup. The
/// baseline the seed's eight hash sets are measured against.
pub struct DenseTable {
    name: &'static str,
    rows: Box<[(Route, Option<&'static str>)]>,
}

/// Shows the classifier's name and the table's length, not its thousand-odd rows.
impl std::fmt::Debug for DenseTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DenseTable").field("name", &self.name).field("rows", &self.rows.len()).finish()
    }
}

impl DenseTable {
    /// Tabulates `classifier` over every opcode.
    pub fn of(classifier: &dyn Classifier) -> DenseTable {
        DenseTable {
            name: classifier.name(),
            rows: Opcode::all().map(|op| (classifier.route(op), classifier.deferral_reason(op))).collect(),
        }
    }
}

impl Classifier for DenseTable {
    fn name(&self) -> &'static str {
        self.name
    }
    #[inline]
    fn route(&self, opcode: Opcode) -> Route {
        self.rows[opcode as usize].0
    }
    fn deferral_reason(&self, opcode: Opcode) -> Option<&'static str> {
        self.rows[opcode as usize].1
    }
}

/// Bytes a session and its deferred queue take, inline (heap blocks not counted).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct SessionBytes {
    /// `size_of::<BotSession<Std>>()`.
    pub bot_session: usize,
    /// `size_of::<Mutex<VecDeque<Packet>>>()`: the deferred queue and its mutex.
    pub deferred_queue_and_mutex: usize,
    /// `size_of::<Packet>()`: one queued packet (the model's packet, not a `WorldPacket`).
    pub packet: usize,
}

/// [`SessionBytes`] on this target.
pub fn session_bytes() -> SessionBytes {
    use std::mem::size_of;
    SessionBytes {
        bot_session: size_of::<model::session::BotSession<Std>>(),
        deferred_queue_and_mutex: size_of::<std::sync::Mutex<std::collections::VecDeque<model::Packet>>>(),
        packet: size_of::<model::Packet>(),
    }
}
