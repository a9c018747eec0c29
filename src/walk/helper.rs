//! Setup of the validator's JS half (helper.js): evaluated once per environment with a config
//! built from Rust constants (serde turns [`Config`] into the JS object), its functions kept as
//! napi-rs `FunctionRef`s in the environment's instance data (dropped with the environment).
//! [`Helpers`] wraps each call in a typed Rust function.

use std::rc::Rc;

use napi::bindgen_prelude::{
    Array, Either, Env, FnArgs, FromNapiValue, Function, FunctionRef, JsObjectValue, Object, Unknown,
};
use napi::{sys, JsValue};
use serde::Serialize;

use super::classify::PROTOTYPES;
use super::scan::{Codes, CODES};
use super::size::{Costs, COSTS};
use crate::error::{CoreError, CoreResult};

const SOURCE: &str = include_str!("helper.js");

/// What helper.js receives: every constant it shares with Rust.
#[derive(Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Config {
    scan: &'static Codes,
    costs: &'static Costs,
    /// Built-in constructors whose prototypes the classification knows, by slot.
    prototypes: Vec<&'static str>,
}

/// A helper's result: its value, or the text of what user code threw.
///
/// Helpers are called with `Function::apply`, never `Function::call`: on an exception `call`
/// builds its error by coercing the thrown value to a string, which runs user code and, at the
/// JS stack limit, throws again and recurses without bound; `apply` leaves the exception
/// pending for the walk to clear (`take_exception`).
pub type OrThrown<T> = Either<T, String>;

/// A check's visitor (walk/scan.rs): `visit(o, op)`, and the three `op` values, made once per
/// check so no call converts one.
pub struct Visitor<'v> {
    visit: Function<'v, FnArgs<(sys::napi_value, sys::napi_value)>, Unknown<'v>>,
    enter: Unknown<'v>,
    enter_at_limit: Unknown<'v>,
    remember: Unknown<'v>,
}

impl<'v> Visitor<'v> {
    /// `visit(o, ENTER)`, or `ENTER_AT_LIMIT` when `o` sits at maxDepth; `this` is any value
    /// (the visitor ignores it) made once, so no call makes one.
    ///
    /// The one call per walked object, so it skips what `Function::apply` adds to
    /// `napi_call_function` (a `Vec` for the arguments, per call). Measured on the bench's
    /// 1,000-node value (bench/native.js; min over 6 processes): 178 µs per check with `apply`,
    /// 160 µs with this, structuredClone 165-175 µs.
    pub fn enter(&self, this: Unknown<'v>, o: &Unknown<'_>, at_limit: bool) -> napi::Result<Unknown<'v>> {
        let op = if at_limit { self.enter_at_limit } else { self.enter };
        let (env, visit, argv) = (self.visit.value().env, self.visit.raw(), [o.raw(), op.raw()]);
        let mut result = std::ptr::null_mut();
        // SAFETY: every handle is live in the current scope (`env` and `visit` come from napi-rs
        // for this call, `this`, `o` and `op` from the caller's scope); `argv` holds the 2
        // arguments N-API reads; `result` is a valid out-pointer, read only on success.
        let status = unsafe { sys::napi_call_function(env, this.raw(), visit, 2, argv.as_ptr(), &mut result) };
        match status {
            sys::Status::napi_ok => Ok(Object::from_raw(env, result).to_unknown()),
            _ => Err(napi::Error::new(napi::Status::from(status), "visit failed")),
        }
    }

    /// Adds `o` to the check's identity set.
    pub fn remember(&self, this: Unknown<'v>, o: &Unknown<'_>) -> napi::Result<()> {
        self.visit
            .apply(this, (o.raw(), self.remember.raw()).into())
            .map(|_| ())
    }
}

type UnaryRef<R> = FunctionRef<sys::napi_value, R>;

/// The helper functions of one environment.
struct Refs {
    new_visitor: FunctionRef<bool, Unknown<'static>>,
    proto_slot: UnaryRef<OrThrown<f64>>,
    class_name: UnaryRef<String>,
    keys: UnaryRef<OrThrown<Array<'static>>>,
    map_entries: UnaryRef<OrThrown<Array<'static>>>,
    set_values: UnaryRef<OrThrown<Array<'static>>>,
    view: FunctionRef<FnArgs<(sys::napi_value, bool)>, OrThrown<Array<'static>>>,
    proxy_detection: bool,
}

/// The helpers, for calls in the current environment.
#[derive(Clone)]
pub struct Helpers {
    env: Env,
    refs: Rc<Refs>,
}

/// What the environment's instance data holds: the helpers once loaded.
struct EnvData {
    helpers: Rc<Refs>,
}

fn setup_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::internal(format!("cannot set up the validator helpers: {e}"))
}

impl Helpers {
    /// The helpers of `env`, loaded on first use.
    pub fn of(env: &Env) -> CoreResult<Helpers> {
        // The instance data is only borrowed here, never across a call into JS (which may
        // re-enter the addon): the Rc is cloned out.
        if let Some(data) = env.get_instance_data::<EnvData>().map_err(setup_error)? {
            return Ok(Helpers {
                env: *env,
                refs: data.helpers.clone(),
            });
        }
        let refs = Rc::new(load(env).map_err(setup_error)?);
        env.set_instance_data(EnvData { helpers: refs.clone() }, (), |_| {})
            .map_err(setup_error)?;
        Ok(Helpers { env: *env, refs })
    }

    pub fn proxy_detection(&self) -> bool {
        self.refs.proxy_detection
    }

    /// A visitor with a fresh identity set; `scan_plain` false leaves plain objects to Rust.
    pub fn new_visitor<'v>(&self, env: &'v Env, scan_plain: bool) -> napi::Result<Visitor<'v>> {
        let visit = self.refs.new_visitor.borrow_back(env)?.apply((), scan_plain)?;
        let op = |code| env.create_uint32(code).map(|n| n.to_unknown());
        Ok(Visitor {
            visit: Function::from_unknown(visit)?,
            enter: op(CODES.enter)?,
            enter_at_limit: op(CODES.enter_at_limit)?,
            remember: op(CODES.remember)?,
        })
    }

    pub fn proto_slot(&self, o: &Unknown<'_>) -> napi::Result<OrThrown<f64>> {
        self.refs.proto_slot.borrow_back(&self.env)?.apply((), o.raw())
    }

    pub fn class_name(&self, o: &Unknown<'_>) -> napi::Result<String> {
        self.refs.class_name.borrow_back(&self.env)?.apply((), o.raw())
    }

    pub fn keys(&self, o: &Unknown<'_>) -> napi::Result<OrThrown<Array<'static>>> {
        self.refs.keys.borrow_back(&self.env)?.apply((), o.raw())
    }

    pub fn map_entries(&self, o: &Unknown<'_>) -> napi::Result<OrThrown<Array<'static>>> {
        self.refs.map_entries.borrow_back(&self.env)?.apply((), o.raw())
    }

    pub fn set_values(&self, o: &Unknown<'_>) -> napi::Result<OrThrown<Array<'static>>> {
        self.refs.set_values.borrow_back(&self.env)?.apply((), o.raw())
    }

    /// `[buffer, byteLength]` of a typed array or DataView.
    pub fn view(&self, o: &Unknown<'_>, is_data_view: bool) -> napi::Result<OrThrown<Array<'static>>> {
        self.refs
            .view
            .borrow_back(&self.env)?
            .apply((), (o.raw(), is_data_view).into())
    }
}

fn load(env: &Env) -> napi::Result<Refs> {
    let config = Config {
        scan: &CODES,
        costs: &COSTS,
        prototypes: PROTOTYPES.iter().map(|(name, _)| *name).collect(),
    };
    let factory: Function<Unknown, Object> = env.run_script(SOURCE)?;
    let helpers = factory.apply((), env.to_js_value(&config)?)?;
    fn get<A: napi::bindgen_prelude::JsValuesTupleIntoVec, R>(
        helpers: &Object,
        name: &str,
    ) -> napi::Result<FunctionRef<A, R>> {
        helpers.get_named_property::<Function<A, R>>(name)?.create_ref()
    }
    Ok(Refs {
        new_visitor: get(&helpers, "newVisitor")?,
        proto_slot: get(&helpers, "protoSlot")?,
        class_name: get(&helpers, "className")?,
        keys: get(&helpers, "keys")?,
        map_entries: get(&helpers, "mapEntries")?,
        set_values: get(&helpers, "setValues")?,
        view: get(&helpers, "view")?,
        proxy_detection: helpers.get_named_property::<bool>("proxyDetection")?,
    })
}
