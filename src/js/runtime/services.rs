//! The service half of `StoreRuntime`: service ids and their method names, call
//! authorization, and the per-window event subscriptions a broadcast goes to
//! (`crate::services`, owned by the registry, so a window reset or forgotten there is dropped
//! from both). Its argument newtypes and result objects live here too: they exist only for
//! these methods. Same rules as the rest of the class: arguments parsed by the addon before the
//! method runs, typed errors (`SERVICE_NOT_FOUND`, `SERVICE_EXISTS`, `METHOD_NOT_FOUND` with
//! `serviceId` / `method`), nothing changed on a throw.

use napi::bindgen_prelude::{Env, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::JsValue;
use napi_derive::napi;

use super::StoreRuntime;
use crate::error::{CoreError, CoreResult};
use crate::js::args::{napi_arg, read_failure, FromJs, StoreId, WindowId};
use crate::js::value::type_of;
use crate::services;

/// Ids and names follow the store id rules: 1 to 256 UTF-16 units, well-formed.
fn name(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<String> {
    StoreId::from_js(env, value, what).map(|id| id.0)
}

/// A service id.
#[napi(transparent, object_from_js = false)]
pub struct ServiceId(pub String);

impl FromJs for ServiceId {
    const NAME: &'static str = "serviceId";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        name(env, value, what).map(ServiceId)
    }
}

/// A method name of a service.
#[napi(transparent, object_from_js = false)]
pub struct MethodName(pub String);

impl FromJs for MethodName {
    const NAME: &'static str = "method";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        name(env, value, what).map(MethodName)
    }
}

/// An event name of a service.
#[napi(transparent, object_from_js = false)]
pub struct EventName(pub String);

impl FromJs for EventName {
    const NAME: &'static str = "eventName";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        name(env, value, what).map(EventName)
    }
}

/// Reads an array's elements with `each(element, "what[i]")`; INVALID_ARGUMENT if it is none.
fn array<T>(
    env: &Env,
    value: Unknown<'_>,
    what: &str,
    expected: &str,
    mut each: impl FnMut(Unknown<'_>, &str) -> CoreResult<T>,
) -> CoreResult<Vec<T>> {
    let not_array = || CoreError::invalid_arg(what, format!("must be an array of {expected}, got {}", type_of(&value)));
    if !value.is_array().unwrap_or(false) {
        return Err(not_array());
    }
    let list = Object::from_unknown(value).map_err(|_| not_array())?;
    let len = list.get_array_length().map_err(|_| read_failure(env, what))?;
    let mut items = Vec::with_capacity((len as usize).min(4096));
    for i in 0..len {
        let item = format!("{what}[{i}]");
        let element = list.get_element::<Unknown>(i).map_err(|_| read_failure(env, &item))?;
        items.push(each(element, &item)?);
    }
    Ok(items)
}

/// The method names of a service (`Object.keys(handlers)` in main).
#[napi(transparent, object_from_js = false)]
pub struct MethodNames(pub Vec<String>);

impl FromJs for MethodNames {
    const NAME: &'static str = "methods";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        array(env, value, what, "method names", |element, item| {
            name(env, element, item)
        })
        .map(MethodNames)
    }
}

/// `[serviceId, eventName]` pairs. Not `#[napi(transparent)]` (napi-rs cannot declare a
/// tuple): the `#[napi]` arguments spell its TypeScript type out.
pub struct EventPairs(pub Vec<(String, String)>);

impl FromJs for EventPairs {
    const NAME: &'static str = "pairs";

    fn from_js(env: &Env, value: Unknown<'_>, what: &str) -> CoreResult<Self> {
        array(env, value, what, "[serviceId, eventName] pairs", |element, item| {
            let pair = array(env, element, item, "two names", |part, at| name(env, part, at))?;
            match <[String; 2]>::try_from(pair) {
                Ok([service, event]) => Ok((service, event)),
                Err(_) => Err(CoreError::invalid_arg(item, "must be a [serviceId, eventName] pair")),
            }
        })
        .map(EventPairs)
    }
}

napi_arg!(ServiceId, MethodName, EventName, MethodNames, EventPairs);

/// A window listening to an event, with its listener count.
#[napi(object, object_from_js = false)]
pub struct EventListener {
    pub id: f64,
    pub count: f64,
}

/// An event some window listens to.
#[napi(object, object_from_js = false)]
pub struct ServiceEvent {
    pub name: String,
    /// Ascending by window id.
    pub windows: Vec<EventListener>,
}

/// A registered service.
#[napi(object, object_from_js = false)]
pub struct ServiceInfo {
    pub id: String,
    /// Sorted.
    pub methods: Vec<String>,
    /// Sorted by name.
    pub events: Vec<ServiceEvent>,
}

impl From<services::ServiceInfo> for ServiceInfo {
    fn from(s: services::ServiceInfo) -> Self {
        ServiceInfo {
            id: s.id,
            methods: s.methods,
            events: s
                .events
                .into_iter()
                .map(|e| ServiceEvent {
                    name: e.name,
                    windows: e
                        .windows
                        .into_iter()
                        .map(|(id, count)| EventListener {
                            id: id as f64,
                            count: f64::from(count),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// An event a window listens to.
#[napi(object, object_from_js = false)]
pub struct WindowEvent {
    pub service_id: String,
    pub event_name: String,
    pub count: f64,
}

/// Counts of the service table.
#[napi(object, object_from_js = false)]
pub struct ServiceStats {
    pub services: f64,
    /// (window, service, event) triples with a count > 0.
    pub event_subscriptions: f64,
}

fn pairs(p: &EventPairs) -> &[(String, String)] {
    &p.0
}

#[napi]
impl StoreRuntime {
    /// Registers a service with its method names. SERVICE_EXISTS on duplicate.
    #[napi]
    pub fn register_service(&self, env: &Env, id: ServiceId, methods: MethodNames) -> napi::Result<()> {
        self.call(env, || self.registry()?.register_service(&id.0, &methods.0))
    }

    /// Removes a service and every window's subscriptions to its events. SERVICE_NOT_FOUND.
    #[napi]
    pub fn unregister_service(&self, env: &Env, id: ServiceId) -> napi::Result<()> {
        self.call(env, || self.registry()?.unregister_service(&id.0))
    }

    /// Throws WINDOW_NOT_FOUND (unknown or gone) | SERVICE_NOT_FOUND | METHOD_NOT_FOUND, in that
    /// order; returns nothing when the call is allowed.
    #[napi]
    pub fn authorize_call(
        &self,
        env: &Env,
        window_id: WindowId,
        service_id: ServiceId,
        method: MethodName,
    ) -> napi::Result<()> {
        self.call(env, || {
            self.registry()?
                .authorize_call(window_id.get(), &service_id.0, &method.0)
        })
    }

    /// A live window listens to each pair once more; returns the service ids that are not
    /// registered (those pairs are not subscribed). INVALID_ARGUMENT (nothing changed) past
    /// 10,000 distinct pairs for one window.
    #[napi]
    pub fn subscribe_events(
        &self,
        env: &Env,
        window_id: WindowId,
        #[napi(ts_arg_type = "Array<[serviceId: string, eventName: string]>")] pairs_: EventPairs,
    ) -> napi::Result<Vec<String>> {
        self.call(env, || {
            self.registry()?.subscribe_events(window_id.get(), pairs(&pairs_))
        })
    }

    /// A known window listens to each pair once less; pairs it does not listen to are ignored.
    #[napi]
    pub fn unsubscribe_events(
        &self,
        env: &Env,
        window_id: WindowId,
        #[napi(ts_arg_type = "Array<[serviceId: string, eventName: string]>")] pairs_: EventPairs,
    ) -> napi::Result<()> {
        self.call(env, || {
            self.registry()?.unsubscribe_events(window_id.get(), pairs(&pairs_))
        })
    }

    /// The live windows listening to the event, ascending. SERVICE_NOT_FOUND.
    #[napi]
    pub fn event_recipients(&self, env: &Env, service_id: ServiceId, event_name: EventName) -> napi::Result<Vec<f64>> {
        self.call(env, || {
            let mut out = Vec::new();
            self.registry()?
                .event_recipients(&service_id.0, &event_name.0, &mut out)?;
            Ok(out.into_iter().map(|w| w as f64).collect())
        })
    }

    #[napi]
    pub fn service_info(&self, env: &Env, id: ServiceId) -> napi::Result<Option<ServiceInfo>> {
        self.call(env, || {
            Ok(self.registry()?.services().info(&id.0).map(ServiceInfo::from))
        })
    }

    /// Registered service ids, sorted.
    #[napi]
    pub fn service_ids(&self, env: &Env) -> napi::Result<Vec<String>> {
        self.call(env, || {
            Ok(self
                .registry()?
                .services()
                .ids()
                .iter()
                .map(|id| id.to_string())
                .collect())
        })
    }

    /// The events a window listens to, sorted, with its listener count for each (none for an
    /// unknown window).
    #[napi]
    pub fn window_events(&self, env: &Env, window_id: WindowId) -> napi::Result<Vec<WindowEvent>> {
        self.call(env, || {
            Ok(self
                .registry()?
                .services()
                .window_events(window_id.get())
                .into_iter()
                .map(|(service_id, event_name, count)| WindowEvent {
                    service_id,
                    event_name,
                    count: f64::from(count),
                })
                .collect())
        })
    }

    #[napi]
    pub fn service_stats(&self, env: &Env) -> napi::Result<ServiceStats> {
        self.call(env, || {
            let s = self.registry()?.services().stats();
            Ok(ServiceStats {
                services: s.services as f64,
                event_subscriptions: s.event_subscriptions as f64,
            })
        })
    }
}
