//! Operations: how every mutation is accepted at once and finished later.
//!
//! A mutating method validates its input, creates any new object in state `being_created`,
//! and records an [`Op`] carrying an [`Effect`]. The effect is applied when the operation
//! reaches `DONE`, which happens according to the [`Pace`](super::Pace): at the next request
//! (`Instant`), after a number of `operation.info` polls of that operation (`Polls`), or after a
//! wall-clock duration (`Duration`). Progress is computed lazily at the start of each request;
//! no thread runs in the background.
//!
//! An effect that no longer fits the world when it is applied (the disk was attached elsewhere
//! in the meantime) ends its operation in `ERROR` with a `last_error` text, as Gandi's
//! asynchronous failures do.

use std::time::Instant;

use time::PrimitiveDateTime;

use crate::xmlrpc::{Fault, Struct, Value};

use super::args::Args;
use super::faults::{self, Obj};
use super::lists::{self, Row};
use super::state::{Kind, State, now};
use super::{FailStep, Pace};

/// Where an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Bill,
    Wait,
    Run,
    Done,
    Error,
    Cancel,
    Support,
}

impl Step {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Step::Bill => "BILL",
            Step::Wait => "WAIT",
            Step::Run => "RUN",
            Step::Done => "DONE",
            Step::Error => "ERROR",
            Step::Cancel => "CANCEL",
            Step::Support => "SUPPORT",
        }
    }

    pub(crate) fn is_final(self) -> bool {
        matches!(
            self,
            Step::Done | Step::Error | Step::Cancel | Step::Support
        )
    }
}

/// Changes to a VM asked by `hosting.vm.update`.
#[derive(Debug, Clone, Default)]
pub(crate) struct VmChanges {
    pub(crate) memory: Option<i64>,
    pub(crate) cores: Option<i64>,
    pub(crate) console: Option<bool>,
    pub(crate) vm_max_memory: Option<i64>,
    pub(crate) hostname: Option<String>,
}

/// Changes to a disk asked by `hosting.disk.update`.
#[derive(Debug, Clone, Default)]
pub(crate) struct DiskChanges {
    pub(crate) name: Option<String>,
    pub(crate) size: Option<i64>,
    pub(crate) kernel: Option<String>,
    pub(crate) cmdline: Option<Struct>,
    /// `Some(None)` removes the profile.
    pub(crate) snapshot_profile: Option<Option<i64>>,
}

/// What an operation does to the world when it completes.
#[derive(Debug, Clone)]
pub(crate) enum Effect {
    VmCreate(i64),
    VmDelete(i64),
    VmStart(i64),
    VmStop(i64),
    VmReboot(i64),
    VmUpdate(i64, VmChanges),
    VmMigrate {
        vm: i64,
        to: i64,
    },
    DiskAttach {
        vm: i64,
        disk: i64,
        position: Option<usize>,
    },
    DiskDetach {
        vm: i64,
        disk: i64,
    },
    IfaceAttach {
        vm: i64,
        iface: i64,
    },
    IfaceDetach {
        vm: i64,
        iface: i64,
    },
    DiskCreate(i64),
    DiskUpdate(i64, DiskChanges),
    DiskDelete(i64),
    DiskRollback {
        snapshot: i64,
        disk: i64,
    },
    DiskMigrate {
        disk: i64,
        to: i64,
    },
    IfaceCreate(i64),
    IfaceUpdate(i64, f64),
    IfaceDelete(i64),
    IfaceMigrate {
        iface: i64,
        to: i64,
    },
    IpUpdate(i64, String),
    VlanCreate(i64),
    VlanUpdate {
        vlan: i64,
        name: Option<String>,
        gateway: Option<String>,
    },
    VlanDelete(i64),
}

/// An object an operation may have to wait for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ObjRef {
    Vm(i64),
    Disk(i64),
    Iface(i64),
}

/// A failure planned by `FakeGandi::fail_next_operation`.
#[derive(Debug, Clone)]
pub(crate) struct PlannedFailure {
    pub(crate) kind: String,
    pub(crate) step: FailStep,
    pub(crate) text: String,
}

/// The ids an operation names at top level.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OpIds {
    pub(crate) vm: Option<i64>,
    pub(crate) disk: Option<i64>,
    pub(crate) iface: Option<i64>,
    pub(crate) ip: Option<i64>,
}

impl OpIds {
    /// Names only VM `id`.
    pub(crate) fn vm(id: i64) -> Self {
        Self {
            vm: Some(id),
            ..Self::default()
        }
    }

    /// Names only disk `id`.
    pub(crate) fn disk(id: i64) -> Self {
        Self {
            disk: Some(id),
            ..Self::default()
        }
    }

    /// Names only interface `id`.
    pub(crate) fn iface(id: i64) -> Self {
        Self {
            iface: Some(id),
            ..Self::default()
        }
    }

    /// Names only IP `id`.
    pub(crate) fn ip(id: i64) -> Self {
        Self {
            ip: Some(id),
            ..Self::default()
        }
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub(crate) struct Op {
    pub(crate) id: i64,
    pub(crate) kind: &'static str,
    pub(crate) step: Step,
    created: PrimitiveDateTime,
    updated: PrimitiveDateTime,
    started: Option<PrimitiveDateTime>,
    born: Instant,
    pub(crate) ids: OpIds,
    pub(crate) params: Struct,
    pub(crate) effect: Effect,
    /// Operations that must finish first (the disk and iface of a `vm.create_from`).
    pub(crate) deps: Vec<i64>,
    polls: u32,
    fail: Option<(Step, String)>,
    last_error: Option<String>,
    /// Where a two-phase migration stands (`None` for every other operation); the
    /// `inner_step` param is written from it.
    pub(crate) migration: Option<Migration>,
}

/// The phases of a two-phase VM migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Migration {
    /// Copying; the operation cannot finish yet.
    WaitSync,
    /// Copied; waits for `hosting.vm.migrate(key, id, true)`.
    WaitFinalize,
    /// Finalization asked for; the operation finishes normally.
    Finalize,
}

impl Migration {
    /// Gandi's `params.inner_step` for this phase.
    fn inner_step(self) -> &'static str {
        match self {
            Self::WaitSync => "wait_sync",
            Self::WaitFinalize => "wait_finalize",
            Self::Finalize => "finalize",
        }
    }
}

fn pending_step(pace: Pace, polls: u32) -> Step {
    match pace {
        Pace::Polls(n) if n >= 3 => [Step::Bill, Step::Wait, Step::Run][polls.min(2) as usize],
        _ if polls == 0 => Step::Wait,
        _ => Step::Run,
    }
}

const OP_FIELDS: &[&str] = &[
    "id",
    "type",
    "step",
    "source",
    "date_created",
    "date_updated",
    "date_start",
    "vm_id",
    "disk_id",
    "iface_id",
    "ip_id",
    "eta",
    "last_error",
];

impl State {
    /// Records a new operation and returns its id.
    pub(crate) fn new_op(
        &mut self,
        kind: &'static str,
        effect: Effect,
        ids: OpIds,
        extra: Struct,
    ) -> i64 {
        let id = self.next_id(Kind::Op);
        let at = now();
        let mut params = Struct::new();
        for (name, value) in [
            ("vm_id", ids.vm),
            ("disk_id", ids.disk),
            ("iface_id", ids.iface),
            ("ip_id", ids.ip),
        ] {
            if let Some(value) = value {
                params.insert(name, value);
            }
        }
        for (name, value) in extra {
            params.insert(name, value);
        }
        let fail = self
            .planned_failures
            .iter()
            .position(|f| f.kind == kind)
            .map(|i| {
                let f = self.planned_failures.remove(i);
                let step = match f.step {
                    FailStep::Error => Step::Error,
                    FailStep::Support => Step::Support,
                };
                (step, f.text)
            });
        self.ops.insert(
            id,
            Op {
                id,
                kind,
                step: pending_step(self.pace, 0),
                created: at,
                updated: at,
                started: None,
                born: Instant::now(),
                ids,
                params,
                effect,
                deps: Vec::new(),
                polls: 0,
                fail,
                last_error: None,
                migration: None,
            },
        );
        id
    }

    /// The shape a mutating call returns.
    /// Starts an operation and answers with it in the create shape: what every call that
    /// returns one operation does.
    pub(crate) fn start_op(
        &mut self,
        kind: &'static str,
        effect: Effect,
        ids: OpIds,
        extra: Struct,
    ) -> Value {
        let op = self.new_op(kind, effect, ids, extra);
        self.op_value(op)
    }

    pub(crate) fn op_value(&self, id: i64) -> Value {
        self.ops
            .get(&id)
            .map_or(Value::Nil, |op| Value::Struct(self.op_struct(op)))
    }

    fn op_struct(&self, op: &Op) -> Struct {
        Struct::new()
            .with("id", op.id)
            .with("type", op.kind)
            .with("step", op.step.as_str())
            .with("source", self.handle.as_str())
            .with("date_created", op.created)
            .with("date_updated", op.updated)
            .with("date_start", op.started)
            .with("vm_id", op.ids.vm)
            .with("disk_id", op.ids.disk)
            .with("iface_id", op.ids.iface)
            .with("ip_id", op.ids.ip)
    }

    fn op_info_struct(&self, op: &Op) -> Struct {
        self.op_struct(op)
            .with("eta", self.eta(op))
            .with("last_error", op.last_error.clone())
            .with("params", op.params.clone())
    }

    fn eta(&self, op: &Op) -> i64 {
        if op.step.is_final() {
            return 0;
        }
        match self.pace {
            Pace::Instant => 0,
            Pace::Polls(n) => i64::from(n.saturating_sub(op.polls)),
            Pace::Duration(d) => {
                let left = d.saturating_sub(op.born.elapsed());
                i64::try_from(left.as_secs() + u64::from(left.subsec_nanos() > 0))
                    .unwrap_or(i64::MAX)
            }
        }
    }

    fn set_step(&mut self, id: i64, step: Step) {
        if let Some(op) = self.ops.get_mut(&id)
            && op.step != step
        {
            let at = now();
            op.step = step;
            op.updated = at;
            if matches!(step, Step::Run | Step::Done) && op.started.is_none() {
                op.started = Some(at);
            }
        }
    }

    /// Moves time forward: called at the start of every request.
    pub(crate) fn tick(&mut self) {
        let pending: Vec<i64> = self
            .ops
            .values()
            .filter(|op| !op.step.is_final())
            .map(|op| op.id)
            .collect();
        match self.pace {
            Pace::Polls(_) => {}
            Pace::Instant => {
                for id in pending {
                    self.complete(id);
                }
            }
            Pace::Duration(d) => {
                for id in pending {
                    let Some(elapsed) = self.ops.get(&id).map(|op| op.born.elapsed()) else {
                        continue;
                    };
                    if elapsed >= d {
                        self.complete(id);
                    } else if elapsed >= d / 2 {
                        self.set_step(id, Step::Run);
                    }
                }
            }
        }
    }

    /// One `operation.info` poll of `id` (advances it under `Pace::Polls`).
    fn poll(&mut self, id: i64) {
        let Pace::Polls(n) = self.pace else {
            return;
        };
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        if op.step.is_final() {
            return;
        }
        op.polls = op.polls.saturating_add(1);
        let polls = op.polls;
        if polls >= n {
            self.complete(id);
        } else {
            self.set_step(id, pending_step(self.pace, polls));
        }
    }

    /// Finishes `id`: first its dependencies, then its planned failure or its effect.
    pub(crate) fn complete(&mut self, id: i64) {
        let Some(op) = self.ops.get(&id) else {
            return;
        };
        if op.step.is_final() {
            return;
        }
        let deps = op.deps.clone();
        for dep in deps {
            self.complete(dep);
            let failed = self
                .ops
                .get(&dep)
                .filter(|d| d.step != Step::Done)
                .map(|d| (d.id, d.kind, d.step));
            if let Some((dep_id, dep_kind, dep_step)) = failed {
                if dep_step.is_final() {
                    let text = format!(
                        "operation #{dep_id} ({dep_kind}) ended in {}",
                        dep_step.as_str()
                    );
                    self.finish_failed(id, Step::Error, text);
                }
                return;
            }
        }
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        if matches!(
            op.migration,
            Some(Migration::WaitSync | Migration::WaitFinalize)
        ) {
            self.set_migration(id, Migration::WaitFinalize);
            self.set_step(id, Step::Run);
            return;
        }
        if let Some((step, text)) = op.fail.take() {
            self.finish_failed(id, step, text);
            return;
        }
        let effect = op.effect.clone();
        match self.apply(&effect) {
            Ok(()) => self.set_step(id, Step::Done),
            Err(text) => self.finish_failed(id, Step::Error, text),
        }
    }

    /// Ends `id` in a failure step and undoes what its call created.
    pub(crate) fn finish_failed(&mut self, id: i64, step: Step, text: String) {
        let Some(op) = self.ops.get_mut(&id) else {
            return;
        };
        if step != Step::Cancel {
            op.last_error = Some(text);
        }
        let effect = op.effect.clone();
        self.set_step(id, step);
        self.undo_create(&effect);
    }

    /// Makes `op` wait for the pending operations creating any of `objects` (so attaching a
    /// disk still being created finishes its creation first).
    pub(crate) fn after_creation_of(&mut self, op: i64, objects: &[ObjRef]) {
        let creators: Vec<i64> = self
            .ops
            .values()
            .filter(|o| o.id != op && !o.step.is_final())
            .filter(|o| {
                objects.iter().any(|obj| match (obj, &o.effect) {
                    (ObjRef::Vm(a), Effect::VmCreate(b))
                    | (ObjRef::Disk(a), Effect::DiskCreate(b))
                    | (ObjRef::Iface(a), Effect::IfaceCreate(b)) => a == b,
                    _ => false,
                })
            })
            .map(|o| o.id)
            .collect();
        if let Some(o) = self.ops.get_mut(&op) {
            o.deps.extend(creators);
        }
    }

    /// The id of `op`'s pending migration operation on `vm`, if one waits for finalization.
    pub(crate) fn pending_migration(&self, vm: i64) -> Option<i64> {
        self.ops
            .values()
            .find(|op| {
                !op.step.is_final()
                    && op.migration.is_some()
                    && matches!(op.effect, Effect::VmMigrate { vm: v, .. } if v == vm)
            })
            .map(|op| op.id)
    }

    /// Moves a two-phase migration to `phase`, and its `inner_step` param with it.
    pub(crate) fn set_migration(&mut self, id: i64, phase: Migration) {
        if let Some(op) = self.ops.get_mut(&id) {
            op.migration = Some(phase);
            op.params.insert("inner_step", phase.inner_step());
        }
    }

    /// Lets a two-phase migration finish.
    pub(crate) fn finalize(&mut self, id: i64) {
        self.set_migration(id, Migration::Finalize);
        if let Some(op) = self.ops.get_mut(&id) {
            op.polls = 0;
            op.born = Instant::now();
        }
    }

    /// List items use the create-response shape; filters also see `eta` and `last_error`.
    fn op_rows(&self) -> Vec<Row> {
        self.ops
            .values()
            .map(|op| Row {
                view: self.op_info_struct(op),
                out: self.op_struct(op),
            })
            .collect()
    }

    /// `operation.info(key, op_id)`.
    pub(crate) fn operation_info(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        if !self.ops.contains_key(&id) {
            return Err(faults::not_found(Obj::Operation, id));
        }
        self.poll(id);
        let op = &self.ops[&id];
        Ok(Value::Struct(self.op_info_struct(op)))
    }

    /// `operation.list(key[, opts])`.
    pub(crate) fn operation_list(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::list(
            self.op_rows(),
            args.opt_struct(0)?,
            Obj::Operation,
            OP_FIELDS,
        )
    }

    /// `operation.count(key[, opts])`.
    pub(crate) fn operation_count(&self, args: &Args<'_>) -> Result<Value, Fault> {
        lists::count(
            self.op_rows(),
            args.opt_struct(0)?,
            Obj::Operation,
            OP_FIELDS,
        )
    }

    /// `operation.cancel(key, op_id)`: only operations not yet finished.
    pub(crate) fn operation_cancel(&mut self, args: &Args<'_>) -> Result<Value, Fault> {
        let id = args.int(0)?;
        let op = self
            .ops
            .get(&id)
            .ok_or_else(|| faults::not_found(Obj::Operation, id))?;
        if op.step.is_final() {
            return Err(faults::state(
                Obj::Operation,
                format!(
                    "operation #{id} is {} and cannot be cancelled",
                    op.step.as_str()
                ),
            ));
        }
        self.finish_failed(id, Step::Cancel, String::new());
        Ok(Value::Bool(true))
    }

    /// Ops still pending (for tests).
    #[cfg(test)]
    pub(crate) fn step_of(&self, id: i64) -> Step {
        self.ops[&id].step
    }
}
