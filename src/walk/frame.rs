//! The traversal: an explicit stack of frames, one per container being walked, advanced one
//! child per step. Steps run in batches, each in its own handle scope (`Env::run_in_scope`), so
//! the handles a step makes are released with its batch however large the value is.
//!
//! The frames are plain Rust data. The two handles a frame needs (its container, and the array
//! its children come from) are kept for the current batch in `live`; a frame still on the stack
//! when its batch ends has them stored in a JS array made in the caller's scope (`stored`) and
//! read back from there by later batches. Most frames are pushed and popped within one batch and
//! never touch that array.

use napi::bindgen_prelude::{Array, Either, Env, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};

use super::classify::{self, ValidationKind};
use super::helper::{Helpers, OrThrown, Visitor};
use super::path::array_index;
use super::scan::{Bad, Mode};
use super::size::{self, SizeBudget};
use super::{Limits, Outcome, Strategy};
use crate::error::{CoreError, CoreResult};
use crate::js::value::{exception_text, read_string, take_exception};

mod visit;

/// Steps per handle scope.
const STEPS_PER_SCOPE: u32 = 256;

/// Where a frame gets its children from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FrameKind {
    /// Scanned by the helper; aux = `[bytes, meta, child0, ...]`: `children` object values,
    /// then the primitive that does not clone, if any.
    Scan {
        mode: Mode,
        children: u32,
        bad: Option<(u32, Bad)>,
    },
    /// A plain object read key by key; aux = its own enumerable string keys.
    Object,
    /// An array without holes or named keys, read by index.
    DenseArray,
    /// An array with holes or named keys; aux = its keys.
    KeyedArray,
    /// aux = `[key0, value0, key1, value1, ...]`.
    Map,
    /// aux = `[value0, value1, ...]`.
    Set,
    /// An Error's own `cause`.
    ErrorCause,
}

/// Which child of its frame the walk is at, for the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Position {
    At(u32),
    /// A child listed by a scan: its position among the values is looked up when a path is
    /// needed (only then).
    ScanChild,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub kind: FrameKind,
    /// Index of the next child.
    pub next: u32,
    pub len: u32,
    pub position: Position,
    /// Its handles are in `stored` (it outlived the batch that pushed it).
    stored: bool,
    /// In the visitor's identity set: every container but a plain object or array walked key
    /// by key, which joins it before its first object value is walked.
    remembered: bool,
}

impl Frame {
    fn new(kind: FrameKind, len: u32) -> Frame {
        Frame {
            kind,
            next: 0,
            len,
            position: Position::At(0),
            stored: false,
            remembered: true,
        }
    }

    /// A plain object or array walked key by key, not yet remembered.
    fn unremembered(kind: FrameKind, len: u32) -> Frame {
        Frame {
            remembered: false,
            ..Frame::new(kind, len)
        }
    }
}

/// The handles of a frame, valid in the current batch.
#[derive(Clone, Copy)]
pub(super) struct Handles<'v> {
    pub container: Unknown<'v>,
    pub aux: Option<Object<'v>>,
}

/// A failed check: why, and optionally a detail replacing the kind's default explanation.
pub(super) struct Failure {
    pub kind: ValidationKind,
    pub detail: Option<String>,
}

impl Failure {
    fn of(kind: ValidationKind) -> Self {
        Failure { kind, detail: None }
    }

    fn with(kind: ValidationKind, detail: impl Into<String>) -> Self {
        Failure {
            kind,
            detail: Some(detail.into()),
        }
    }
}

/// Why a step stopped the walk.
pub(super) enum Stop {
    Fail(Failure),
    /// A scanned container at the depth limit has values: its frame, to report the first one.
    TooDeep(Frame),
    Internal(CoreError),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Fail(f)
    }
}

pub(super) type Step<T> = Result<T, Stop>;

/// A value with children to walk.
struct Opened<'v> {
    frame: Frame,
    container: Unknown<'v>,
    aux: Option<Object<'v>>,
}

pub(super) struct Walk<'a> {
    pub env: &'a Env,
    pub helpers: Helpers,
    visitor: Visitor<'a>,
    /// `this` of the visitor's calls (its functions ignore it): the global object, made once.
    this: Unknown<'a>,
    pub stack: Vec<Frame>,
    /// Per frame (the same length as `stack`), its handles if known in the current batch (all
    /// set to None when the batch ends).
    live: Vec<Option<Handles<'a>>>,
    /// At `2 × depth` and `2 × depth + 1`: the container and aux array of each frame that
    /// outlived its batch. Made in the caller's scope, on the first frame.
    stored: Option<Array<'a>>,
    pub budget: SizeBudget,
    pub limits: &'a Limits,
}

impl<'a> Walk<'a> {
    pub fn new(env: &'a Env, limits: &'a Limits, strategy: Strategy) -> CoreResult<Walk<'a>> {
        let helpers = Helpers::of(env)?;
        let internal = |e: napi::Error| CoreError::internal(format!("cannot start the validator: {e}"));
        let visitor = helpers.new_visitor(env, strategy == Strategy::Scan).map_err(internal)?;
        let this = env.get_global().map_err(internal)?.to_unknown();
        Ok(Walk {
            env,
            helpers,
            visitor,
            this,
            stack: Vec::new(),
            live: Vec::new(),
            stored: None,
            budget: SizeBudget::new(limits.max_bytes),
            limits,
        })
    }

    pub fn run(mut self, root: Unknown<'a>) -> CoreResult<Outcome> {
        // The root is visited in the caller's scope: a value without object children (or one
        // the scan covers whole) needs no batch at all.
        match self.visit(root, 0) {
            Ok(None) => return Ok(self.passed()),
            Ok(Some(opened)) => {
                let stored = self
                    .env
                    .create_array(0)
                    .map_err(|e| CoreError::internal(format!("cannot start the validator: {e}")))?;
                self.stored = Some(stored);
                self.push(opened);
            }
            Err(stop) => return self.stopped(stop, Some(root)),
        }
        let env = self.env;
        loop {
            let batch = env
                .run_in_scope(|| {
                    let outcome = self.steps(STEPS_PER_SCOPE);
                    let kept = self.end_batch();
                    Ok(outcome.and_then(|o| kept.map(|()| o)))
                })
                .map_err(|e| CoreError::internal(format!("handle scope failed during validation: {e}")))?;
            if let Some(outcome) = batch? {
                return Ok(outcome);
            }
        }
    }

    /// Stores the handles of the frames the next batch needs, before the scope closes.
    fn end_batch(&mut self) -> CoreResult<()> {
        let Some(stored) = self.stored.as_mut() else {
            return Ok(());
        };
        for (depth, frame) in self.stack.iter_mut().enumerate() {
            if frame.stored {
                continue;
            }
            let Some(Some(handles)) = self.live.get(depth) else {
                return Err(CoreError::internal("a frame of the validator lost its handles"));
            };
            let slot = 2 * depth as u32;
            stored
                .set(slot, handles.container)
                .and_then(|()| handles.aux.map_or(Ok(()), |aux| stored.set(slot + 1, aux)))
                .map_err(|e| CoreError::internal(format!("cannot keep a frame of the validator: {e}")))?;
            frame.stored = true;
        }
        self.live.iter_mut().for_each(|handles| *handles = None);
        Ok(())
    }

    /// Up to `count` steps; the outcome once the walk is over.
    fn steps(&mut self, count: u32) -> CoreResult<Option<Outcome>> {
        for _ in 0..count {
            let Some(top) = self.stack.last() else {
                return Ok(Some(self.passed()));
            };
            if top.next >= top.len {
                self.stack.pop();
                self.live.pop();
                continue;
            }
            let child = match self.next_child() {
                Ok(child) => child,
                Err(stop) => return self.stopped(stop, None).map(Some),
            };
            if let Err(stop) = self.remember_parent(&child) {
                return self.stopped(stop, None).map(Some);
            }
            let depth = self.stack.len() as u32;
            match self.visit(child, depth) {
                Ok(None) => {}
                Ok(Some(opened)) => self.push(opened),
                Err(stop) => return self.stopped(stop, Some(child)).map(Some),
            }
        }
        Ok(None)
    }

    fn passed(&self) -> Outcome {
        Outcome::Ok {
            bytes: self.budget.bytes,
        }
    }

    /// The outcome of a stopped walk; `value` is the value being visited, if any.
    fn stopped(&mut self, stop: Stop, value: Option<Unknown<'a>>) -> CoreResult<Outcome> {
        match (stop, value) {
            (Stop::Internal(e), _) => Err(e),
            (Stop::Fail(failure), _) => Ok(self.failed(failure)),
            (Stop::TooDeep(frame), Some(container)) => {
                self.push(Opened {
                    frame,
                    container,
                    aux: None,
                });
                Ok(self.failed(depth_failure(self.limits.max_depth)))
            }
            (Stop::TooDeep(_), None) => Err(CoreError::internal("depth failure without a value")),
        }
    }

    fn failed(&self, failure: Failure) -> Outcome {
        let path = if failure.kind == ValidationKind::Size {
            self.limits.root.clone()
        } else {
            self.path()
        };
        let detail = match failure.kind {
            ValidationKind::Size => Some(format!(
                "the estimated payload (at least {} bytes) is larger than maxBytes ({})",
                self.budget.bytes, self.limits.max_bytes
            )),
            _ => failure.detail,
        };
        let message = classify::failure_message(&path, failure.kind, detail.as_deref());
        Outcome::Fail {
            bytes: self.budget.bytes,
            path,
            kind: failure.kind,
            message,
        }
    }

    fn push(&mut self, opened: Opened<'a>) {
        self.live.push(Some(Handles {
            container: opened.container,
            aux: opened.aux,
        }));
        self.stack.push(opened.frame);
    }

    /// Before the top frame's first object value is walked, the frame joins the identity set
    /// (see [`Frame::remembered`]), so a cycle back to it is seen.
    fn remember_parent(&mut self, child: &Unknown<'a>) -> Step<()> {
        let depth = self.stack.len() - 1;
        if self.stack[depth].remembered || child.get_type().ok() != Some(ValueType::Object) {
            return Ok(());
        }
        let container = self.handles(depth)?.container;
        let remembered = self.visitor.remember(self.this, &container);
        self.read(remembered, "remembering an object")?;
        self.stack[depth].remembered = true;
        Ok(())
    }

    /// The handles of the frame at `depth`, kept for the rest of the batch.
    #[inline]
    fn handles(&mut self, depth: usize) -> Step<Handles<'a>> {
        if let Some(handles) = self.live[depth] {
            return Ok(handles);
        }
        let handles = self.stored_handles(depth)?;
        self.live[depth] = Some(handles);
        Ok(handles)
    }

    /// The handles of the frame at `depth`, without keeping them (for building a path).
    pub fn frame_handles(&self, depth: usize) -> Step<Handles<'a>> {
        match self.live.get(depth) {
            Some(Some(handles)) => Ok(*handles),
            _ => self.stored_handles(depth),
        }
    }

    fn stored_handles(&self, depth: usize) -> Step<Handles<'a>> {
        let lost = || Stop::Internal(CoreError::internal("a frame of the validator lost its handles"));
        let stored = self.stored.as_ref().ok_or_else(lost)?;
        let slot = 2 * depth as u32;
        let container = self
            .read(stored.get::<Unknown>(slot), "reading the walk's stack")?
            .ok_or_else(lost)?;
        let aux = self.read(stored.get::<Unknown>(slot + 1), "reading the walk's stack")?;
        let aux = aux
            .filter(|a| a.get_type().ok() == Some(ValueType::Object))
            .map(Object::from_unknown)
            .transpose()
            .map_err(internal)?;
        Ok(Handles { container, aux })
    }

    /// The next child of the top frame, advancing it; adds the child's key to the estimate.
    fn next_child(&mut self) -> Step<Unknown<'a>> {
        let depth = self.stack.len() - 1;
        let Handles { container, aux } = self.handles(depth)?;
        let lost = || Stop::Internal(CoreError::internal("a frame of the validator lost its array"));
        let frame = &mut self.stack[depth];
        let i = frame.next;
        frame.next += 1;
        frame.position = Position::At(i);
        match frame.kind {
            FrameKind::Scan { children, bad, .. } => {
                if i >= children {
                    // Every object child came before it: now the primitive that does not clone.
                    let (position, bad) =
                        bad.ok_or_else(|| Stop::Internal(CoreError::internal("scan frame overrun")))?;
                    frame.position = Position::At(position);
                    return Err(Failure::of(match bad {
                        Bad::Function => ValidationKind::Function,
                        Bad::Symbol => ValidationKind::Symbol,
                        Bad::Other => ValidationKind::Unsupported,
                    })
                    .into());
                }
                frame.position = Position::ScanChild;
                self.read(aux.ok_or_else(lost)?.get_element::<Unknown>(2 + i), "reading the scan")
            }
            FrameKind::Object | FrameKind::KeyedArray => {
                let array = frame.kind == FrameKind::KeyedArray;
                let key = self.read(aux.ok_or_else(lost)?.get_element::<Unknown>(i), "listing the own keys")?;
                let index = array && read_string(key).is_some_and(|k| array_index(&k).is_some());
                if !index {
                    let cost = size::js_string_cost(key)
                        .ok_or_else(|| Stop::Internal(CoreError::internal("an own key is not a string")))?;
                    self.add(cost)?;
                }
                self.read(
                    object(&container).get_property::<Unknown, Unknown>(key),
                    "reading the property",
                )
            }
            FrameKind::DenseArray => self.read(object(&container).get_element::<Unknown>(i), "reading the element"),
            FrameKind::Map | FrameKind::Set => {
                self.read(aux.ok_or_else(lost)?.get_element::<Unknown>(i), "reading an entry")
            }
            FrameKind::ErrorCause => self.read(
                object(&container).get_c_named_property_unchecked::<Unknown>(c"cause"),
                "reading the cause",
            ),
        }
    }

    /// A helper's list, or the failure its user code raised.
    fn listed(&self, result: napi::Result<OrThrown<Array<'static>>>, what: &str) -> Step<Array<'static>> {
        match self.read(result, what)? {
            Either::A(list) => Ok(list),
            Either::B(thrown) => Err(threw(what, &thrown)),
        }
    }

    /// Adds `n` to the estimate; a size failure once it is over the limit.
    fn add(&mut self, n: u64) -> Step<()> {
        if self.budget.add(n) {
            Ok(())
        } else {
            Err(Failure::of(ValidationKind::Size).into())
        }
    }

    /// The result of an N-API read: an exception raised by user code (a getter, a trap)
    /// becomes an `unsupported` failure at the current path, anything else an INTERNAL error.
    #[inline]
    pub fn read<T>(&self, result: napi::Result<T>, what: &str) -> Step<T> {
        result.map_err(|e| match take_exception(self.env) {
            Some(thrown) => threw(what, &exception_text(self.env, thrown)),
            None => Stop::Internal(CoreError::internal(format!(
                "N-API call failed during validation: {what} ({e})"
            ))),
        })
    }
}

fn threw(what: &str, text: &str) -> Stop {
    Failure::with(ValidationKind::Unsupported, format!("{what} threw: {text}")).into()
}

fn internal(e: napi::Error) -> Stop {
    Stop::Internal(CoreError::internal(format!("N-API call failed during validation: {e}")))
}

/// A value handle as an object handle, for N-API's object calls (which fail on anything else).
fn object<'v>(value: &impl JsValue<'v>) -> Object<'v> {
    Object::from_raw(value.value().env, value.raw())
}

fn depth_failure(max_depth: u32) -> Failure {
    Failure::with(
        ValidationKind::Depth,
        format!("nesting is deeper than maxDepth ({max_depth})"),
    )
}
