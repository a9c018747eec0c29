// The validator's JavaScript half: what JavaScript does faster than Node-API (scanning a plain
// object or array in one crossing, on V8's fast paths) and what Node-API cannot do (object
// identity sets, Proxy detection, Map and Set contents, a Map from prototype to built-in).
//
// walk/helper.rs evaluates this file once per environment (napi_run_script: the value of the
// script is the function below) and calls it with `config`, built from Rust constants: the scan
// result codes (walk/scan.rs documents the encoding), the size formula's constants (walk/size.rs
// documents the formula) and the names of the built-in prototypes, so the two sides cannot drift.
//
// Built-ins are captured here, at load time: user code that later patches Object.keys,
// Map.prototype.entries or a prototype's getters is not trusted. Getters and Proxy traps of the
// value run (as in the clone), but no exception escapes a helper: a helper whose user code threw
// returns a string describing the exception instead of its result (`enter` returns PLAIN, and
// Rust walks the object key by key to report where).
;(function validatorHelpers(config) {
  const { SCAN, COSTS, PROTOTYPES } = config
  // The constants the scan reads per value, as bindings of their own (V8 folds them in).
  const { NUMBER, ODDBALL, OBJECT, SHORT_STRING_UNITS } = COSTS
  const { OTHER, PLAIN, SEEN, PROXY, REMEMBER, ENTER_AT_LIMIT } = SCAN
  const g = globalThis

  let isProxy = null
  try {
    // Node >= 20.16 / Electron >= 32; without it Proxies are walked through their traps.
    const p = typeof process === 'object' && process !== null ? process : null
    const getBuiltinModule = p && typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule : null
    const util = getBuiltinModule ? getBuiltinModule.call(p, 'node:util') : null
    if (util?.types && typeof util.types.isProxy === 'function') isProxy = util.types.isProxy
  } catch {
    isProxy = null
  }

  const SetConstructor = Set
  const MapConstructor = Map
  const getPrototype = Object.getPrototypeOf
  const ownKeys = Object.keys
  const ownValues = Object.values
  const isArray = Array.isArray
  const ArrayPrototype = Array.prototype
  const ObjectPrototype = Object.prototype
  const setAdd = Set.prototype.add
  const setHas = Set.prototype.has
  const mapGet = Map.prototype.get
  const mapSet = Map.prototype.set
  const mapEntries = Map.prototype.entries
  const setValues = Set.prototype.values
  const mapIteratorNext = getPrototype(new Map().entries()).next
  const setIteratorNext = getPrototype(new Set().values()).next
  const getter = (prototype, name) => Object.getOwnPropertyDescriptor(prototype, name).get
  const TypedArrayPrototype = getPrototype(Uint8Array.prototype)
  const typedArrayBuffer = getter(TypedArrayPrototype, 'buffer')
  const typedArrayByteLength = getter(TypedArrayPrototype, 'byteLength')
  const dataViewBuffer = getter(DataView.prototype, 'buffer')
  const dataViewByteLength = getter(DataView.prototype, 'byteLength')
  const bufferByteLength = typeof g.Buffer === 'function' ? g.Buffer.byteLength : undefined

  // The slot of each built-in prototype, in the order Rust listed their names.
  const slots = new MapConstructor()
  for (let slot = 0; slot < PROTOTYPES.length; slot++) {
    const builtIn = g[PROTOTYPES[slot]]
    if (typeof builtIn === 'function') mapSet.call(slots, builtIn.prototype, slot)
  }

  // The size formula (walk/size.rs), for what the scan covers.
  const varintLength = n => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5)
  const utf8Length = s => {
    if (bufferByteLength !== undefined) return bufferByteLength(s, 'utf8')
    let bytes = 0
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c < 0x80) bytes += 1
      else if (c < 0x800) bytes += 2
      else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        bytes += 4
        i++
      } else bytes += 3
    }
    return bytes
  }
  const stringCost = s => {
    const bytes = s.length <= SHORT_STRING_UNITS ? s.length : utf8Length(s)
    return 1 + varintLength(bytes) + bytes
  }
  const bigintCost = v => {
    let magnitude = v < 0n ? -v : v
    let words = 0
    while (magnitude > 0n) {
      magnitude >>= 64n
      words++
    }
    return 1 + varintLength(words * 16) + 8 * words
  }
  const isIndex = key => {
    const n = +key
    return n >>> 0 === n && n !== 4294967295 && `${n}` === key
  }

  // Text of a thrown value, for messages; reading it must not throw again.
  const describe = thrown => {
    try {
      const text =
        typeof thrown === 'string'
          ? thrown
          : typeof thrown?.message === 'string'
            ? thrown.message
            : `a ${thrown === null ? 'null' : typeof thrown} was thrown`
      return text.slice(0, 200)
    } catch {
      return 'an exception was thrown'
    }
  }

  // The scan of `o` (walk/scan.rs): OTHER if it is not a plain object or array, PLAIN if it is
  // one but `scanPlain` is false; `o` joins `seen` once it is known to hold objects.
  const scan = (o, atLimit, scanPlain, seen) => {
    const prototype = getPrototype(o)
    const array = prototype === ArrayPrototype && isArray(o)
    if (!array && !((prototype === ObjectPrototype || prototype === null) && !isArray(o))) return OTHER
    if (!scanPlain) return PLAIN
    let values
    let mode
    let bytes
    if (array) {
      const length = o.length
      const keys = ownKeys(o)
      bytes = OBJECT + varintLength(length)
      if (keys.length === length && (length === 0 || keys[length - 1] === `${length - 1}`)) {
        values = o
        mode = SCAN.MODE_DENSE_ARRAY
      } else {
        values = new Array(keys.length)
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]
          values[i] = o[key]
          if (!isIndex(key)) bytes += stringCost(key)
        }
        mode = SCAN.MODE_KEYED_ARRAY
      }
    } else {
      const keys = ownKeys(o)
      values = ownValues(o)
      bytes = OBJECT + varintLength(keys.length)
      for (let i = 0; i < keys.length; i++) bytes += stringCost(keys[i])
      mode = SCAN.MODE_OBJECT
    }
    const count = values.length
    if (atLimit && count > 0) return SCAN.TOO_DEEP - mode
    let children = null
    let badPosition = -1
    let badKind = 0
    for (let i = 0; i < count; i++) {
      const v = values[i]
      switch (typeof v) {
        case 'number':
          bytes += NUMBER
          break
        case 'string':
          bytes += stringCost(v)
          break
        case 'boolean':
        case 'undefined':
          bytes += ODDBALL
          break
        case 'bigint':
          bytes += bigintCost(v)
          break
        case 'object':
          if (v === null) bytes += ODDBALL
          else if (children === null) children = [0, 0, v]
          else children.push(v)
          break
        default:
          badPosition = i
          badKind =
            typeof v === 'function' ? SCAN.BAD_FUNCTION : typeof v === 'symbol' ? SCAN.BAD_SYMBOL : SCAN.BAD_OTHER
          i = count
      }
    }
    if (children === null && badPosition < 0) return bytes
    // Every object on a cycle holds an object: remembering only those keeps `seen` small.
    if (children === null) children = [0, 0]
    else setAdd.call(seen, o)
    children[0] = bytes
    children[1] = mode + SCAN.KIND_UNIT * badKind + SCAN.POSITION_UNIT * (badPosition + 1)
    return children
  }

  return {
    proxyDetection: isProxy !== null,

    // A visitor for one check, with its own identity set so each object is walked once:
    // visit(o, op) (walk/scan.rs) with op ENTER, ENTER_AT_LIMIT (o sits at maxDepth) or
    // REMEMBER (add o to the set). `scanPlain` false leaves plain objects to Rust, which
    // remembers one before walking the first object it holds.
    newVisitor(scanPlain) {
      const seen = new SetConstructor()
      return (o, op) => {
        if (op === REMEMBER) {
          setAdd.call(seen, o)
          return SEEN
        }
        if (isProxy?.(o)) return PROXY
        if (setHas.call(seen, o)) return SEEN
        let result
        try {
          result = scan(o, op === ENTER_AT_LIMIT, scanPlain, seen)
        } catch {
          // A getter or trap threw: Rust classifies o and walks it key by key.
          return PLAIN
        }
        if (result === OTHER) setAdd.call(seen, o)
        return result
      }
    },

    // The slot of o's prototype among PROTOTYPES, PROTO_NULL or PROTO_OTHER.
    protoSlot(o) {
      try {
        const prototype = getPrototype(o)
        if (prototype === null) return SCAN.PROTO_NULL
        const slot = mapGet.call(slots, prototype)
        return slot === undefined ? SCAN.PROTO_OTHER : slot
      } catch (thrown) {
        return describe(thrown)
      }
    },

    // The name of o's constructor, for messages ('' when there is none to tell).
    className(o) {
      try {
        const maker = getPrototype(o)?.constructor
        return typeof maker === 'function' && typeof maker.name === 'string' ? maker.name : ''
      } catch {
        return ''
      }
    },

    // Own enumerable string keys, in the clone's order.
    keys(o) {
      try {
        return ownKeys(o)
      } catch (thrown) {
        return describe(thrown)
      }
    },

    // [k0, v0, k1, v1, ...] through the built-in iterator; a string if m is not a Map.
    mapEntries(m) {
      try {
        const out = []
        const it = mapEntries.call(m)
        for (let r = mapIteratorNext.call(it); !r.done; r = mapIteratorNext.call(it)) out.push(r.value[0], r.value[1])
        return out
      } catch (thrown) {
        return describe(thrown)
      }
    },

    // [v0, v1, ...] through the built-in iterator; a string if s is not a Set.
    setValues(s) {
      try {
        const out = []
        const it = setValues.call(s)
        for (let r = setIteratorNext.call(it); !r.done; r = setIteratorNext.call(it)) out.push(r.value)
        return out
      } catch (thrown) {
        return describe(thrown)
      }
    },

    // [buffer, byteLength] of a typed array or DataView, through the built-in getters.
    view(v, isDataView) {
      try {
        return isDataView
          ? [dataViewBuffer.call(v), dataViewByteLength.call(v)]
          : [typedArrayBuffer.call(v), typedArrayByteLength.call(v)]
      } catch (thrown) {
        return describe(thrown)
      }
    }
  }
})
