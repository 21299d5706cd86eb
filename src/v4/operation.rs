//! `operation.*`: reading, listing and cancelling Gandi's asynchronous operations.

use super::wire::WireOperation;
use super::{Client, Paged, id_value};
use crate::error::{Error, Result};
use crate::model::{DiskId, Operation, OperationId, OperationStep, VmId};
use crate::xmlrpc::{Struct, Value};

/// Which operations to list. Empty means all.
///
/// ```
/// use gandi_hosting::v4::OperationFilter;
/// let pending_creations = OperationFilter::pending().kind("vm_create");
/// # let _ = pending_creations;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationFilter {
    /// Only operations in one of these steps.
    pub steps: Vec<OperationStep>,
    /// Only operations of this type (`vm_create`, ...).
    pub kind: Option<String>,
    /// Only operations on this VM.
    pub vm: Option<VmId>,
    /// Only operations on this disk.
    pub disk: Option<DiskId>,
}

impl OperationFilter {
    /// Every operation.
    pub fn new() -> Self {
        Self::default()
    }

    /// Operations not finished yet (BILL, WAIT or RUN), as Gandi's CLI lists them.
    pub fn pending() -> Self {
        Self {
            steps: vec![OperationStep::Bill, OperationStep::Wait, OperationStep::Run],
            ..Self::default()
        }
    }

    /// Only operations in `step` (adds to the steps already set).
    #[must_use]
    pub fn step(mut self, step: OperationStep) -> Self {
        self.steps.push(step);
        self
    }

    /// Only operations of type `kind`.
    #[must_use]
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    /// Only operations on `vm`.
    #[must_use]
    pub fn vm(mut self, vm: VmId) -> Self {
        self.vm = Some(vm);
        self
    }

    /// Only operations on `disk`.
    #[must_use]
    pub fn disk(mut self, disk: DiskId) -> Self {
        self.disk = Some(disk);
        self
    }

    fn to_struct(&self) -> Result<Struct> {
        let mut s = Struct::new();
        match self.steps.as_slice() {
            [] => {}
            [one] => s.insert("step", one.as_str()),
            many => s.insert(
                "step",
                Value::Array(many.iter().map(|st| Value::from(st.as_str())).collect()),
            ),
        }
        if let Some(kind) = &self.kind {
            s.insert("type", kind.as_str());
        }
        if let Some(vm) = &self.vm {
            s.insert("vm_id", id_value("vm", vm)?);
        }
        if let Some(disk) = &self.disk {
            s.insert("disk_id", id_value("disk", disk)?);
        }
        Ok(s)
    }
}

impl Client {
    /// One operation (`operation.info`).
    ///
    /// # Errors
    /// `InvalidInput` for a non-v4 ID; a not-found fault; transport or decode errors.
    pub fn operation(&self, id: &OperationId) -> Result<Operation> {
        let op: WireOperation = self.call_as("operation.info", vec![id_value("id", id)?])?;
        Ok(Operation::from(op))
    }

    /// Every operation matching `filter` (`operation.list`, all pages).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn operations(&self, filter: &OperationFilter) -> Result<Vec<Operation>> {
        self.list_all::<WireOperation, Operation>("operation.list", filter.to_struct()?)
    }

    /// Every operation matching `filter`, lazily: pages are fetched as the iterator needs them.
    ///
    /// # Errors
    /// `InvalidInput` for non-v4 IDs in the filter; each item is a `Result` for the page calls.
    pub fn iter_operations(&self, filter: &OperationFilter) -> Result<Paged<'_, Operation>> {
        Ok(self.pages::<WireOperation, Operation>("operation.list", filter.to_struct()?))
    }

    /// How many operations match `filter` (`operation.count`).
    ///
    /// # Errors
    /// A fault, transport or decode error.
    pub fn count_operations(&self, filter: &OperationFilter) -> Result<u64> {
        self.count("operation.count", filter.to_struct()?)
    }

    /// Cancels an operation that has not finished (`operation.cancel`); its step becomes
    /// `CANCEL`.
    ///
    /// # Errors
    /// A fault (for example when it already finished), or [`Error::Refused`] when Gandi
    /// answers `false`.
    pub fn cancel_operation(&self, id: &OperationId) -> Result<()> {
        let ok: bool = self.call_as("operation.cancel", vec![id_value("id", id)?])?;
        if ok {
            Ok(())
        } else {
            Err(Error::Refused {
                method: "operation.cancel".to_owned(),
                what: format!("operation {id} was not cancelled"),
            })
        }
    }
}
