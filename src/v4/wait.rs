//! Waiting for operations: polling `operation.info` until every operation of a call is done.
//!
//! Rules: the first check happens at once (a create can answer `DONE` already); the interval
//! then grows from `initial_interval` to `max_interval`, or follows the operation's `eta` when
//! Gandi gives one; a deadline ends the wait with [`Error::WaitTimeout`] carrying the pending
//! operation IDs so the caller can resume; the progress callback sees every round and can
//! cancel. A transient failure of a poll (a read) is tolerated until the deadline; the call
//! that started the work is never repeated.

use std::fmt;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use super::Client;
use crate::error::{Error, Incomplete, OperationFailed, Result, WaitCancelled, WaitTimeout};
use crate::model::{Operation, OperationId, OperationStep, ResourceId};

/// How long and how often to poll.
///
/// ```
/// use std::time::Duration;
/// use gandi_hosting::v4::WaitOptions;
/// let patient = WaitOptions::default().timeout(Duration::from_secs(1800));
/// let tests = WaitOptions::immediate(); // never sleeps: for tests against the fake
/// # let _ = (patient, tests);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long. Defaults to 10 minutes.
    pub timeout: Duration,
    /// First pause between polls. Defaults to 1 s.
    pub initial_interval: Duration,
    /// Longest pause between polls. Defaults to 10 s.
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(600),
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
        }
    }
}

impl WaitOptions {
    /// Polls back to back without sleeping, for tests against the fake or mocks.
    pub fn immediate() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            initial_interval: Duration::ZERO,
            max_interval: Duration::ZERO,
        }
    }

    /// Sets the deadline. Defaults to 10 minutes.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the first and the longest pause between polls. Default 1 s and 10 s.
    #[must_use]
    pub fn interval(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_interval = initial;
        self.max_interval = max.max(initial);
        self
    }

    /// The pause before the next round, given the current growing step and the smallest
    /// positive `eta` among pending operations.
    ///
    /// Gandi's `eta` is whole seconds, so the true remaining time lies in `(eta - 1, eta]`:
    /// sleep to the start of that window (capped at `max_interval`), then poll at the initial
    /// interval. Without an eta, the interval grows from `initial_interval` to `max_interval`.
    fn pause(&self, step: Duration, eta: Option<i64>) -> Duration {
        match eta {
            Some(secs) if secs > 1 => Duration::from_secs(secs.unsigned_abs() - 1)
                .clamp(self.initial_interval, self.max_interval),
            Some(_) => self.initial_interval,
            None => step,
        }
    }
}

/// What a progress callback sees after each polling round.
#[derive(Debug)]
#[non_exhaustive]
pub struct WaitProgress<'a> {
    /// Every operation being waited on, with its latest state.
    pub operations: &'a [Operation],
    /// Time since the wait started.
    pub elapsed: Duration,
    /// Polling rounds so far (1 after the first check).
    pub round: u32,
}

impl WaitProgress<'_> {
    /// Operations finished successfully.
    pub fn done(&self) -> usize {
        self.operations
            .iter()
            .filter(|o| o.step == OperationStep::Done)
            .count()
    }
}

type Finish<T> = Box<dyn FnOnce(&Client, &[Operation]) -> Result<T> + Send>;

/// When an operation counts as finished for the work waiting on it.
type Ready = fn(&Operation) -> bool;

/// Work Gandi has accepted but not finished: the operations to wait for, what they create,
/// and how to fetch the result once they are done.
///
/// Returned by every `submit_*` method; pass it to [`Client::wait`] or, with others,
/// to [`Client::wait_all`].
#[must_use = "the work goes on at Gandi; wait for it or keep its operation IDs"]
pub struct Pending<T> {
    pub(crate) operations: Vec<Operation>,
    pub(crate) created: Vec<ResourceId>,
    pub(crate) what: String,
    /// When an operation counts as finished; `DONE` unless a call says otherwise.
    ready: Ready,
    finish: Finish<T>,
}

impl<T> fmt::Debug for Pending<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending")
            .field("what", &self.what)
            .field("operations", &self.operations)
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

impl Pending<()> {
    /// Work whose only result is that its operation finished (deletions, inner steps).
    pub(crate) fn done_when_finished(what: impl Into<String>, operation: Operation) -> Self {
        Self::new(
            what,
            vec![operation],
            Vec::new(),
            |_: &Client, _: &[Operation]| Ok(()),
        )
    }
}

impl<T> Pending<T> {
    pub(crate) fn new(
        what: impl Into<String>,
        operations: Vec<Operation>,
        created: Vec<ResourceId>,
        finish: impl FnOnce(&Client, &[Operation]) -> Result<T> + Send + 'static,
    ) -> Self {
        Self {
            operations,
            created,
            what: what.into(),
            ready: is_done,
            finish: Box::new(finish),
        }
    }

    /// Counts an operation as finished when `ready` says so (it must hold for `DONE`), for
    /// work that stops at an inner stage, such as a migration waiting to be finalized.
    pub(crate) fn ready_when(mut self, ready: Ready) -> Self {
        self.ready = ready;
        self
    }

    /// The operations Gandi started, as it first reported them.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Their IDs, e.g. to store and resume with [`Client::wait_for_operations`].
    pub fn operation_ids(&self) -> Vec<OperationId> {
        self.operations.iter().map(|o| o.id.clone()).collect()
    }

    /// Resources the work creates (known as soon as Gandi accepts it).
    pub fn created(&self) -> &[ResourceId] {
        &self.created
    }
}

/// How one pending item ended its polling.
enum Outcome {
    Done,
    Failed(Error),
}

impl Client {
    /// Waits for `pending` with the client's [`WaitOptions`], then fetches the result.
    ///
    /// # Errors
    /// [`Error::OperationFailed`] when an operation ends in ERROR, CANCEL or SUPPORT;
    /// [`Error::WaitTimeout`] at the deadline (resumable); [`Error::Incomplete`] when fetching
    /// the result fails after resources were created; any error of the polls that is not
    /// transient.
    pub fn wait<T>(&self, pending: Pending<T>) -> Result<T> {
        let options = self.wait_options().clone();
        self.wait_with(pending, &options, &mut |_| ControlFlow::Continue(()))
    }

    /// Waits for `pending` with explicit options and a progress callback; returning
    /// `ControlFlow::Break(())` from the callback stops with [`Error::Cancelled`] (the work
    /// goes on at Gandi).
    ///
    /// # Errors
    /// As [`Client::wait`], plus [`Error::Cancelled`].
    pub fn wait_with<T>(
        &self,
        pending: Pending<T>,
        options: &WaitOptions,
        progress: &mut dyn FnMut(&WaitProgress<'_>) -> ControlFlow<()>,
    ) -> Result<T> {
        self.wait_all_with(vec![pending], options, progress)
            .pop()
            .unwrap_or_else(|| Err(Error::Config("internal: a wait lost its result".to_owned())))
    }

    /// Waits for several pending items together (polling all their operations in each round),
    /// so ten creations take about as long as one. Results come back in the same order.
    pub fn wait_all<T>(&self, pending: Vec<Pending<T>>) -> Vec<Result<T>> {
        let options = self.wait_options().clone();
        self.wait_all_with(pending, &options, &mut |_| ControlFlow::Continue(()))
    }

    /// [`Client::wait_all`] with explicit options and a progress callback.
    pub fn wait_all_with<T>(
        &self,
        pending: Vec<Pending<T>>,
        options: &WaitOptions,
        progress: &mut dyn FnMut(&WaitProgress<'_>) -> ControlFlow<()>,
    ) -> Vec<Result<T>> {
        let groups: Vec<(Vec<Operation>, Ready)> = pending
            .iter()
            .map(|p| (p.operations.clone(), p.ready))
            .collect();
        let (outcomes, latest) = self.poll(groups, options, progress);
        pending
            .into_iter()
            .zip(outcomes)
            .zip(latest)
            .map(|((p, outcome), ops)| match outcome {
                Outcome::Failed(e) => Err(attach_created(e, &p.created)),
                Outcome::Done => {
                    let created = p.created.clone();
                    let what = p.what.clone();
                    (p.finish)(self, &ops).map_err(|source| {
                        if created.is_empty() {
                            source
                        } else {
                            Error::Incomplete(Box::new(Incomplete {
                                step: what,
                                created,
                                source,
                            }))
                        }
                    })
                }
            })
            .collect()
    }

    /// Waits for operations by ID (for example those of a [`Error::WaitTimeout`]) and returns
    /// them once all are done.
    ///
    /// # Errors
    /// As [`Client::wait_with`].
    pub fn wait_for_operations(
        &self,
        ids: &[OperationId],
        options: &WaitOptions,
        progress: &mut dyn FnMut(&WaitProgress<'_>) -> ControlFlow<()>,
    ) -> Result<Vec<Operation>> {
        let mut ops = Vec::with_capacity(ids.len());
        for id in ids {
            ops.push(self.operation(id)?);
        }
        let (mut outcomes, mut latest) = self.poll(vec![(ops, is_done)], options, progress);
        match outcomes.pop() {
            Some(Outcome::Done) => Ok(latest.pop().unwrap_or_default()),
            Some(Outcome::Failed(e)) => Err(e),
            None => Ok(Vec::new()),
        }
    }

    /// The polling loop shared by every wait: one group per pending item.
    fn poll(
        &self,
        groups: Vec<(Vec<Operation>, Ready)>,
        options: &WaitOptions,
        progress: &mut dyn FnMut(&WaitProgress<'_>) -> ControlFlow<()>,
    ) -> (Vec<Outcome>, Vec<Vec<Operation>>) {
        let (mut groups, ready): (Vec<Vec<Operation>>, Vec<Ready>) = groups.into_iter().unzip();
        let start = Instant::now();
        let deadline = start + options.timeout;
        let mut outcomes: Vec<Option<Outcome>> = groups.iter().map(|_| None).collect();
        let mut step = options.initial_interval;
        let mut round = 0u32;

        loop {
            round += 1;
            for (g, ops) in groups.iter_mut().enumerate() {
                if outcomes[g].is_some() {
                    continue;
                }
                let is_ready = ready[g];
                for op in ops
                    .iter_mut()
                    .filter(|o| !o.step.is_terminal() && !is_ready(o))
                {
                    match self.operation(&op.id) {
                        Ok(fresh) => {
                            if let OperationStep::Other(s) = &fresh.step {
                                log::warn!(
                                    "operation {} has an unknown step {s:?}; still waiting",
                                    fresh.id
                                );
                            }
                            *op = merge(op, fresh);
                        }
                        Err(e) if e.is_retryable() => {
                            log::warn!("polling operation {} failed, will retry: {e}", op.id);
                        }
                        Err(e) => {
                            outcomes[g] = Some(Outcome::Failed(e));
                            break;
                        }
                    }
                }
                if outcomes[g].is_none() {
                    outcomes[g] = settle(ops, is_ready);
                }
            }

            let flat: Vec<Operation> = groups.iter().flatten().cloned().collect();
            let elapsed = start.elapsed();
            let view = WaitProgress {
                operations: &flat,
                elapsed,
                round,
            };
            let cancel = progress(&view).is_break();

            if outcomes.iter().all(Option::is_some) {
                break;
            }
            let now = Instant::now();
            if cancel || now >= deadline {
                for (g, ops) in groups.iter().enumerate() {
                    if outcomes[g].is_none() {
                        let pending = ops
                            .iter()
                            .filter(|o| !o.step.is_terminal())
                            .map(|o| o.id.clone())
                            .collect();
                        let e = if cancel {
                            Error::Cancelled(Box::new(WaitCancelled {
                                pending,
                                created: Vec::new(),
                            }))
                        } else {
                            Error::WaitTimeout(Box::new(WaitTimeout {
                                pending,
                                elapsed,
                                created: Vec::new(),
                            }))
                        };
                        outcomes[g] = Some(Outcome::Failed(e));
                    }
                }
                break;
            }

            let eta = groups
                .iter()
                .flatten()
                .filter(|o| !o.step.is_terminal())
                .filter_map(|o| o.eta)
                .min();
            let pause = options
                .pause(step, eta)
                .min(deadline.saturating_duration_since(now));
            if !pause.is_zero() {
                std::thread::sleep(pause);
            }
            step = (step * 3 / 2).clamp(options.initial_interval, options.max_interval);
        }

        let outcomes = outcomes
            .into_iter()
            .map(|o| o.unwrap_or(Outcome::Done))
            .collect();
        (outcomes, groups)
    }
}

/// Keeps IDs the submission reported when a later `operation.info` leaves them out (the
/// 2011-era answers did).
fn merge(old: &Operation, mut fresh: Operation) -> Operation {
    fresh.vm_id = fresh.vm_id.or_else(|| old.vm_id.clone());
    fresh.disk_id = fresh.disk_id.or_else(|| old.disk_id.clone());
    fresh.interface_id = fresh.interface_id.or_else(|| old.interface_id.clone());
    fresh.ip_id = fresh.ip_id.or_else(|| old.ip_id.clone());
    fresh.stage = fresh.stage.or_else(|| old.stage.clone());
    fresh.from_region = fresh.from_region.or_else(|| old.from_region.clone());
    fresh.to_region = fresh.to_region.or_else(|| old.to_region.clone());
    if fresh.kind.is_empty() {
        fresh.kind.clone_from(&old.kind);
    }
    fresh
}

/// The usual readiness test: the operation is `DONE`.
fn is_done(op: &Operation) -> bool {
    op.step == OperationStep::Done
}

/// Done when every operation is ready; failed at the first ERROR/CANCEL/SUPPORT.
fn settle(ops: &[Operation], ready: Ready) -> Option<Outcome> {
    if let Some(op) = ops.iter().find(|o| o.step.is_failure()) {
        return Some(Outcome::Failed(Error::OperationFailed(Box::new(
            OperationFailed {
                id: op.id.clone(),
                kind: op.kind.clone(),
                step: op.step.clone(),
                last_error: op.last_error.clone(),
                created: Vec::new(),
            },
        ))));
    }
    ops.iter().all(ready).then_some(Outcome::Done)
}

/// Adds the resources a submission created to a wait failure.
fn attach_created(e: Error, created: &[ResourceId]) -> Error {
    if created.is_empty() {
        return e;
    }
    match e {
        Error::OperationFailed(mut f) => {
            f.created = created.to_vec();
            Error::OperationFailed(f)
        }
        Error::WaitTimeout(mut t) => {
            t.created = created.to_vec();
            Error::WaitTimeout(t)
        }
        Error::Cancelled(mut c) => {
            c.created = created.to_vec();
            Error::Cancelled(c)
        }
        other => Error::Incomplete(Box::new(Incomplete {
            step: "waiting for operations".to_owned(),
            created: created.to_vec(),
            source: other,
        })),
    }
}
