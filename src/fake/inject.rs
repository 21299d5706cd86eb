//! Fault injection: making chosen calls fail the way networks and servers do.

use std::time::Duration;

use crate::xmlrpc::Fault;

/// How an injected failure shows to the client.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    Fault(Fault),
    Status(u16, String),
    Delay(Duration),
    Drop,
    Truncate,
}

/// Which calls an injection hits.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Trigger {
    /// The `n`-th call from now (1 = the next one).
    Nth(u64),
    /// The next call to this method.
    Method(String),
}

/// A failure to inject into upcoming calls, for testing how a client copes.
///
/// Build one with a constructor that says *what* goes wrong, then optionally say *which* call
/// it hits (by default the next one, whatever its method) and how many times, and hand it to
/// [`FakeGandi::inject`](super::FakeGandi::inject):
///
/// ```
/// use std::time::Duration;
/// use gandi_hosting::fake::{FakeGandi, Inject};
///
/// let fake = FakeGandi::start()?;
/// // The next call gets an HTTP 503 with a body.
/// fake.inject(Inject::http_status(503, "Service Unavailable"));
/// // The next two calls to hosting.vm.list are slow.
/// fake.inject(Inject::delay(Duration::from_millis(5)).on_method("hosting.vm.list").times(2));
/// // The third call from now loses its connection.
/// fake.inject(Inject::drop_connection().on_call(3));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Injections apply only to calls that come over HTTP, not to
/// [`FakeGandi::call`](super::FakeGandi::call). A call hit by [`Inject::fault`],
/// [`Inject::http_status`] or [`Inject::drop_connection`] is *not* executed (nothing changes
/// on the simulated account); one hit by [`Inject::delay`] or [`Inject::truncated_body`] *is*
/// executed, and only its answer suffers, which is how a client ends up not knowing whether
/// its mutation happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    pub(crate) failure: Failure,
    trigger: Trigger,
    times: u32,
}

impl Inject {
    fn new(failure: Failure) -> Self {
        Self {
            failure,
            trigger: Trigger::Nth(1),
            times: 1,
        }
    }

    /// Answer with the XML-RPC fault `code`/`message` (inside HTTP 200, as Gandi does).
    pub fn fault(code: i64, message: impl Into<String>) -> Self {
        Self::new(Failure::Fault(Fault::new(code, message)))
    }

    /// Answer with HTTP `status` (e.g. 502, 503) and `body` as `text/plain`.
    pub fn http_status(status: u16, body: impl Into<String>) -> Self {
        Self::new(Failure::Status(status, body.into()))
    }

    /// Execute the call, then wait `delay` before answering (for client timeouts).
    pub fn delay(delay: Duration) -> Self {
        Self::new(Failure::Delay(delay))
    }

    /// Close the connection without answering (the call is not executed).
    pub fn drop_connection() -> Self {
        Self::new(Failure::Drop)
    }

    /// Execute the call, then send valid headers announcing the full `Content-Length` but
    /// only the first half of the body, and close the connection.
    pub fn truncated_body() -> Self {
        Self::new(Failure::Truncate)
    }

    /// Hit the `n`-th call from now instead of the next one (`1` is the next call; `0` is
    /// treated as `1`). Every call counts, whatever its method, even one that does not decode.
    #[must_use]
    pub fn on_call(mut self, n: u64) -> Self {
        self.trigger = Trigger::Nth(n.max(1));
        self
    }

    /// Hit the next call to `method` (e.g. `"hosting.vm.create_from"`) instead of the next
    /// call.
    #[must_use]
    pub fn on_method(mut self, method: impl Into<String>) -> Self {
        self.trigger = Trigger::Method(method.into());
        self
    }

    /// Hit `n` matching calls in a row instead of one (`0` is treated as `1`).
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.times = n.max(1);
        self
    }
}

/// An injection waiting for its calls.
#[derive(Debug)]
struct Armed {
    inject: Inject,
    /// For `Nth`: the absolute call number of the first hit.
    first: u64,
    left: u32,
}

/// The pending injections and the call counter.
#[derive(Debug, Default)]
pub(crate) struct Injector {
    armed: Vec<Armed>,
    seen: u64,
}

impl Injector {
    pub(crate) fn add(&mut self, inject: Inject) {
        let first = match inject.trigger {
            Trigger::Nth(n) => self.seen + n,
            Trigger::Method(_) => 0,
        };
        let left = inject.times;
        self.armed.push(Armed {
            inject,
            first,
            left,
        });
    }

    /// Counts one incoming call and returns the failure it must suffer, if any.
    pub(crate) fn next(&mut self, method: Option<&str>) -> Option<Failure> {
        self.seen += 1;
        let seen = self.seen;
        let pos = self.armed.iter().position(|a| match &a.inject.trigger {
            Trigger::Nth(_) => seen >= a.first,
            Trigger::Method(m) => method == Some(m.as_str()),
        })?;
        let armed = &mut self.armed[pos];
        let failure = armed.inject.failure.clone();
        armed.left -= 1;
        if armed.left == 0 {
            self.armed.remove(pos);
        }
        Some(failure)
    }

    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_call_injection_waits_for_its_turn() {
        let mut inj = Injector::default();
        inj.add(Inject::drop_connection().on_call(3));
        assert_eq!(inj.next(Some("a")), None);
        assert_eq!(inj.next(None), None);
        assert_eq!(inj.next(Some("b")), Some(Failure::Drop));
        assert_eq!(inj.next(Some("b")), None);
    }

    #[test]
    fn method_injection_hits_only_that_method_and_repeats() {
        let mut inj = Injector::default();
        inj.add(Inject::http_status(503, "x").on_method("m").times(2));
        assert_eq!(inj.next(Some("other")), None);
        assert!(inj.next(Some("m")).is_some());
        assert!(inj.next(Some("m")).is_some());
        assert_eq!(inj.next(Some("m")), None);
    }
}
