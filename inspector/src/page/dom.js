// A few DOM helpers: the page has no framework.

// h('div', { class: 'x', onclick }, child, …): props starting with `on` are listeners, `dataset`
// an object of data-* attributes, other props attributes; children are nodes, strings or
// arrays of them (null / false skipped).
export function h(tag, props, ...children) {
  const el = document.createElement(tag)
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue
      if (key.startsWith('on')) el.addEventListener(key.slice(2), value)
      else if (key === 'dataset') Object.assign(el.dataset, value)
      else if (key === 'value') el.value = value
      else el.setAttribute(key, value === true ? '' : String(value))
    }
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(el, child)
    else el.append(child instanceof Node ? child : String(child))
  }
}

// Replaces an element's children.
export function fill(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

export const byId = id => document.getElementById(id)
