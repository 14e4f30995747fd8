//! [`Cx`], the context every step of the model runs in.

use super::{Event, Ghost, Lane};
use crate::crash::{AssertFailure, Crash};

/// Where a step of the model runs: the run's ghost recorder and the lane (thread) running it.
///
/// Every function that stands for server code takes one `cx` where it would otherwise take the
/// pair `ghost, lane`, and hands it on to the steps it calls: field accesses
/// ([`crate::field::Field::read`]), lock acquisitions, the trace. It is `Copy` (a reference and
/// a small enum), so it is passed by value. A step that starts or runs another thread's work
/// names the child's lane; [`Cx::on`] gives the same recorder on another lane.
///
/// ```
/// use model::outcome::{Cx, Event, Ghost, Lane};
///
/// let ghost = Ghost::new(1, 16);
/// let cx = Cx::new(&ghost, Lane::World);
/// cx.event(Event::Tick(1));
/// let map = cx.on(Lane::Map { map: 0, tick: 1 });
/// map.event(Event::MapUpdate(0));
/// assert_eq!(ghost.events(), vec![(Lane::World, Event::Tick(1)), (map.lane, Event::MapUpdate(0))]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Cx<'a> {
    /// The run's ghost recorder.
    pub ghost: &'a Ghost,
    /// The thread the step runs on.
    pub lane: Lane,
}

impl<'a> Cx<'a> {
    /// `lane` of the run that `ghost` records.
    pub fn new(ghost: &'a Ghost, lane: Lane) -> Self {
        Cx { ghost, lane }
    }

    /// The same run on `lane`.
    pub fn on(self, lane: Lane) -> Self {
        Cx { lane, ..self }
    }

    /// Records a trace event on this lane.
    pub fn event(self, event: Event) {
        self.ghost.event(self.lane, event);
    }

    /// Records that `player`'s server tripped `failure` on this lane; the crash to return.
    pub fn trip(self, player: u8, failure: AssertFailure) -> Crash {
        self.ghost.trip(self.lane, player, failure)
    }

    /// Records that this lane crashed with `crash` while touching `player`; the crash to return.
    pub fn crash(self, player: u8, crash: Crash) -> Crash {
        self.ghost.crash(self.lane, player, crash)
    }
}
