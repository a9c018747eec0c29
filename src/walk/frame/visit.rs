//! One step's decision for one value: checked against the clone's rules (the decision table in
//! `classify.rs`), counted in the size estimate, and opened into a frame when it has children.

use napi::bindgen_prelude::{Array, ArrayBuffer, BigInt, Either, FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};

use super::super::classify::{self, Action, Brand, ValidationKind};
use super::super::scan::{self, Entered, CODES};
use super::super::size::{self, COSTS};
use super::*;

impl<'a> Walk<'a> {
    /// Checks one value at `depth`; returns its frame when it has children to walk.
    pub(super) fn visit(&mut self, v: Unknown<'a>, depth: u32) -> Step<Option<Opened<'a>>> {
        if depth > self.limits.max_depth {
            return Err(depth_failure(self.limits.max_depth).into());
        }
        match self.read(v.get_type(), "typeof")? {
            ValueType::Undefined | ValueType::Null | ValueType::Boolean => {
                self.add(COSTS.oddball)?;
                return Ok(None);
            }
            ValueType::Number => {
                self.add(COSTS.number)?;
                return Ok(None);
            }
            ValueType::String => {
                let cost =
                    size::js_string_cost(v).ok_or_else(|| Stop::Internal(CoreError::internal("unreadable string")))?;
                self.add(cost)?;
                return Ok(None);
            }
            ValueType::BigInt => {
                let big = self.read(BigInt::from_unknown(v), "reading a BigInt")?;
                // napi-rs reports 0n as one zero word; count significant words only.
                let words = big.words.iter().rposition(|w| *w != 0).map_or(0, |i| i + 1);
                self.add(size::bigint_cost(words as u64))?;
                return Ok(None);
            }
            ValueType::Symbol => return Err(Failure::of(ValidationKind::Symbol).into()),
            ValueType::Function => return Err(Failure::of(ValidationKind::Function).into()),
            ValueType::Object => {}
            _ => {
                return Err(
                    Failure::with(ValidationKind::Unsupported, "native external values cannot be cloned").into(),
                )
            }
        }

        // Identity (cycles, shared references) and the Proxy check come first, before anything
        // that could run a trap; plain objects and arrays are scanned in the same call.
        let at_limit = depth >= self.limits.max_depth;
        let entered = self.read(self.visitor.enter(self.this, &v, at_limit), "entering an object")?;
        // A number (most often) or the array of a scan with object children. The type is read
        // first: a failed number conversion is cheap in N-API but napi-rs formats a message.
        if entered.get_type().ok() == Some(ValueType::Object) {
            let scanned = self.read(Array::from_unknown(entered), "reading the scan")?;
            return self.scanned(v, scanned).map(Some);
        }
        let code = self.read(f64::from_unknown(entered), "entering an object")?;
        match scan::entered(code) {
            Entered::Scanned(bytes) => {
                self.add(bytes)?;
                return Ok(None);
            }
            Entered::Seen => {
                self.add(COSTS.back_reference)?;
                return Ok(None);
            }
            Entered::Proxy => return Err(Failure::of(ValidationKind::Proxy).into()),
            Entered::TooDeep(mode) => {
                let frame = Frame::new(
                    FrameKind::Scan {
                        mode,
                        children: 0,
                        bad: None,
                    },
                    1,
                );
                return Err(Stop::TooDeep(Frame { next: 1, ..frame }));
            }
            Entered::Other | Entered::Plain => {}
        }
        self.classified(v)
    }

    /// The frame of a scan with object children (or a bad primitive).
    fn scanned(&mut self, v: Unknown<'a>, scanned: Array<'a>) -> Step<Opened<'a>> {
        let bytes = self.read(scanned.get::<f64>(0), "reading the scan")?.unwrap_or(0.0);
        let meta = scan::meta(self.read(scanned.get::<f64>(1), "reading the scan")?.unwrap_or(0.0));
        self.add(bytes as u64)?;
        let children = scanned.len().saturating_sub(2);
        let frame = Frame::new(
            FrameKind::Scan {
                mode: meta.mode,
                children,
                bad: meta.bad,
            },
            children + u32::from(meta.bad.is_some()),
        );
        Ok(Opened {
            frame,
            container: v,
            aux: Some(object(&scanned)),
        })
    }

    /// An object the scan left to Rust: classified by brand and prototype, then walked.
    fn classified(&mut self, v: Unknown<'a>) -> Step<Option<Opened<'a>>> {
        let brand = classify::brand(&v);
        let typed = if brand == Brand::TypedArray {
            classify::typed_array_type(v)
        } else {
            None
        };
        let proto = match self.read(self.helpers.proto_slot(&v), "reading the prototype")? {
            Either::A(slot) => classify::proto_of_slot(slot as i64, CODES.proto_null),
            Either::B(thrown) => return Err(threw("reading the prototype", &thrown)),
        };
        match classify::classify(brand, proto, typed) {
            Action::WalkObject => {
                let keys = self.listed(self.helpers.keys(&v), "listing the own keys")?;
                self.add(size::container_cost(keys.len() as u64))?;
                Ok((keys.len() > 0).then(|| Opened {
                    frame: Frame::unremembered(FrameKind::Object, keys.len()),
                    container: v,
                    aux: Some(object(&keys)),
                }))
            }
            Action::WalkArray => {
                let length = self.read(
                    Object::from_unknown(v).and_then(|o| o.get_array_length()),
                    "reading the array length",
                )?;
                let keys = self.listed(self.helpers.keys(&v), "listing the own keys")?;
                self.add(size::container_cost(length as u64))?;
                if keys.len() == 0 {
                    // Holes only: each costs nothing beyond the length.
                    return Ok(None);
                }
                // Dense without named keys iff there are `length` keys and the last is the last
                // index (named keys come after all indices).
                let dense = keys.len() == length
                    && self
                        .read(keys.get::<Unknown>(length - 1), "listing the own keys")?
                        .and_then(read_string)
                        .is_some_and(|k| k == (length - 1).to_string());
                Ok(Some(if dense {
                    Opened {
                        frame: Frame::unremembered(FrameKind::DenseArray, length),
                        container: v,
                        aux: None,
                    }
                } else {
                    Opened {
                        frame: Frame::unremembered(FrameKind::KeyedArray, keys.len()),
                        container: v,
                        aux: Some(object(&keys)),
                    }
                }))
            }
            Action::WalkMap => self.entries(v, self.helpers.map_entries(&v), FrameKind::Map, "Map"),
            Action::WalkSet => self.entries(v, self.helpers.set_values(&v), FrameKind::Set, "Set"),
            Action::WalkError => self.error(v),
            Action::Leaf => {
                self.add(COSTS.date)?;
                Ok(None)
            }
            Action::Buffer => {
                self.buffer(v, brand)?;
                Ok(None)
            }
            Action::Reject(ValidationKind::ClassInstance) => {
                let class = self.helpers.class_name(&v).unwrap_or_default();
                take_exception(self.env);
                Err(Failure::with(
                    ValidationKind::ClassInstance,
                    classify::class_instance_detail(brand, &class),
                )
                .into())
            }
            Action::Reject(kind) => Err(Failure::of(kind).into()),
        }
    }

    /// A Map or Set: its entries as read by the built-in iterator.
    fn entries(
        &mut self,
        v: Unknown<'a>,
        read: napi::Result<OrThrown<Array<'static>>>,
        kind: FrameKind,
        name: &str,
    ) -> Step<Option<Opened<'a>>> {
        let entries = match self.read(read, "iterating")? {
            Either::A(entries) => entries,
            Either::B(_) => {
                return Err(Failure::with(
                    ValidationKind::ClassInstance,
                    format!(
                        "inherits from {name}.prototype but is not a {name}: the clone would make it a plain object"
                    ),
                )
                .into())
            }
        };
        self.add(size::container_cost(entries.len() as u64))?;
        Ok((entries.len() > 0).then(|| Opened {
            frame: Frame::new(kind, entries.len()),
            container: v,
            aux: Some(object(&entries)),
        }))
    }

    /// An Error: the clone keeps its name, message, stack and cause.
    fn error(&mut self, v: Unknown<'a>) -> Step<Option<Opened<'a>>> {
        self.add(COSTS.error)?;
        let error = Object::from_unknown(v).map_err(internal)?;
        for name in [c"message", c"stack"] {
            let own = self.read(error.has_c_own_property(name), "inspecting an Error")?;
            if own {
                let text = self.read(
                    error.get_c_named_property_unchecked::<Unknown>(name),
                    "reading an Error",
                )?;
                if let Some(cost) = size::js_string_cost(text) {
                    self.add(cost)?;
                }
            }
        }
        let has_cause = self.read(error.has_c_own_property(c"cause"), "inspecting an Error")?;
        Ok(has_cause.then(|| Opened {
            frame: Frame::new(FrameKind::ErrorCause, 1),
            container: v,
            aux: None,
        }))
    }

    /// An ArrayBuffer, typed array or DataView: its buffer must be neither shared nor detached.
    fn buffer(&mut self, v: Unknown<'a>, brand: Brand) -> Step<()> {
        let (buffer, byte_length) = if brand == Brand::ArrayBuffer {
            (v, None)
        } else {
            let view = self.listed(self.helpers.view(&v, brand == Brand::DataView), "inspecting a view")?;
            let buffer = self.read(view.get::<Unknown>(0), "inspecting a view")?;
            let length = self.read(view.get::<f64>(1), "inspecting a view")?;
            let buffer = buffer.ok_or_else(|| Stop::Internal(CoreError::internal("a view without a buffer")))?;
            (buffer, length)
        };
        if !buffer.is_arraybuffer().unwrap_or(false) {
            return Err(Failure::with(
                ValidationKind::SharedArrayBuffer,
                "the view is backed by a SharedArrayBuffer, which cannot be sent over Electron IPC",
            )
            .into());
        }
        let buffer = self.read(ArrayBuffer::from_unknown(buffer), "inspecting a buffer")?;
        if self.read(buffer.is_detached(), "inspecting a buffer")? {
            return Err(Failure::with(ValidationKind::Unsupported, "a detached ArrayBuffer cannot be cloned").into());
        }
        let bytes = byte_length.map_or(buffer.len() as u64, |n| n as u64);
        self.add(size::buffer_cost(bytes))
    }
}
