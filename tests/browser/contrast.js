// Contrast of every text and every mark inside some elements, from the browser's computed styles.
//
// Called as `sweep({roots, marks, decorative})`:
// - roots: CSS selectors of the plugin's own markup to look inside;
// - marks: [selector, CSS property] pairs of HTML marks (an underline, a bar, a chip...);
// - decorative: selectors of shapes that carry no meaning (grid lines), left out.
// Text is measured against what is painted beneath it at its centre (every element below it at
// that point, composited bottom-up over the page's canvas), so text on a tint, on a chip or on a
// diagram box is measured against that tint, chip or box. SVG strokes are measured at their
// middle, SVG fills (except the boxes that hold a label, which are backgrounds) at their centre,
// each against what lies beneath them. Returns one record per text or mark.
({roots, marks, decorative}) => {
  const canvas = [255, 255, 255, 1];

  function parse(css) {
    if (!css || css === 'none' || css === 'transparent') return null;
    let m = css.match(/^rgba?\(([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = css.match(/^color\(srgb\s+([^)]+)\)$/);
    if (m) {
      const p = m[1].split(/[\s\/]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    return null;  // url(...), currentcolor resolved already, or a colour space we do not expect
  }
  function over(top, bottom) {
    const a = top[3];
    return [0, 1, 2].map(i => a * top[i] + (1 - a) * bottom[i]).concat([1]);
  }
  function opacity(node) {
    let value = 1;
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      value *= parseFloat(getComputedStyle(n).opacity || '1');
    }
    return value;
  }
  function withAlpha(colour, alpha) {
    return colour ? [colour[0], colour[1], colour[2], colour[3] * alpha] : null;
  }
  const SHAPES = new Set(['rect', 'path', 'polygon', 'circle', 'ellipse']);
  function paintOf(node) {
    const style = getComputedStyle(node);
    if (node instanceof SVGElement) {
      if (!SHAPES.has(node.tagName)) return null;
      return withAlpha(parse(style.fill), parseFloat(style.fillOpacity || '1') * opacity(node));
    }
    return withAlpha(parse(style.backgroundColor), opacity(node));
  }
  function luminance(c) {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function ratio(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  // What is painted beneath `element` at (x, y), with `element`'s own background on top when
  // `own` is true (text sits on its own element's background).
  function backdrop(element, x, y, own) {
    const stack = document.elementsFromPoint(x, y);
    const index = stack.indexOf(element);
    // A thin line may miss the hit test at its own point: then what lies beneath it is what
    // holds it or comes before it in the document (the painting order of SVG and of flow).
    const below = index >= 0 ? stack.slice(index + 1) : stack.filter(
      node => node.contains(element) || (node.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING));
    let colour = canvas;
    for (let k = below.length - 1; k >= 0; k--) {
      const paint = paintOf(below[k]);
      if (paint) colour = over(paint, colour);
    }
    if (own && index >= 0) {
      const paint = paintOf(element);
      if (paint) colour = over(paint, colour);
    }
    return colour;
  }
  function visible(element) {
    if (!element.getClientRects().length) return false;
    const style = getComputedStyle(element);
    return style.visibility !== 'hidden' && style.display !== 'none' && opacity(element) > 0;
  }
  function describe(element) {
    const cls = element.getAttribute('class') || '';
    return element.tagName.toLowerCase() + (cls ? '.' + cls.trim().split(/\s+/).join('.') : '');
  }
  function centreInView(element, rect) {
    element.scrollIntoView({block: 'center', inline: 'center'});
    const r = rect();
    return r && r.width > 0 && r.height > 0 ? [r.left + r.width / 2, r.top + r.height / 2] : null;
  }

  // A stroke or fill in the page's own background colour is a gap (the halo around a dot), not
  // a mark.
  const page = parse(getComputedStyle(document.body).backgroundColor);
  const isGap = colour => page && colour && colour[3] === 1 && [0, 1, 2].every(i => Math.abs(colour[i] - page[i]) < 1);
  const records = [];
  const elements = roots.flatMap(selector => [...document.querySelectorAll(selector)]);
  const skipped = decorative.length ? decorative.join(',') : null;

  // Texts.
  for (const root of elements) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.data.trim() || !parent) continue;
      if (parent.closest('title, desc, style, script, .journey-sr-only')) continue;
      if (!visible(parent)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const point = centreInView(parent, () => [...range.getClientRects()].find(r => r.width > 0 && r.height > 0));
      if (!point) continue;
      const style = getComputedStyle(parent);
      const text = parse(parent instanceof SVGElement ? style.fill : style.color);
      if (!text) continue;
      const ground = backdrop(parent, point[0], point[1], !(parent instanceof SVGElement));
      const seen = over(withAlpha(text, opacity(parent)), ground);
      records.push({kind: 'text', what: describe(parent), text: node.data.trim().slice(0, 40),
                    ratio: ratio(seen, ground)});
    }
  }

  // SVG marks: strokes of lines and outlines, fills of dots and arrowheads.
  const BOXES = 'g.journey-stage, g.journey-touchpoint, g.journey-stage-node';
  for (const root of elements) {
    for (const shape of root.querySelectorAll('svg path, svg line, svg polyline, svg polygon, svg circle, svg ellipse, svg rect')) {
      if (skipped && shape.matches(skipped)) continue;
      if (!visible(shape) || shape.closest('defs, clipPath, mask')) continue;
      const style = getComputedStyle(shape);
      const stroke = parse(style.stroke);
      const width = parseFloat(style.strokeWidth || '0');
      if (stroke && !isGap(stroke) && width > 0 && typeof shape.getTotalLength === 'function') {
        const length = shape.getTotalLength();
        const local = shape.getPointAtLength(length * 0.3);
        shape.scrollIntoView({block: 'center', inline: 'center'});
        const m = shape.getScreenCTM();
        if (m) {
          const x = m.a * local.x + m.c * local.y + m.e;
          const y = m.b * local.x + m.d * local.y + m.f;
          const ground = backdrop(shape, x, y, false);
          const seen = over(withAlpha(stroke, parseFloat(style.strokeOpacity || '1') * opacity(shape)), ground);
          records.push({kind: 'mark', what: describe(shape) + ' stroke', text: describe(shape.parentElement),
                        ratio: ratio(seen, ground)});
        }
      }
      const fill = parse(style.fill);
      if (fill && fill[3] > 0 && !isGap(fill) && !shape.parentElement.matches(BOXES) && shape.tagName !== 'line') {
        const point = centreInView(shape, () => shape.getBoundingClientRect());
        if (!point) continue;
        const ground = backdrop(shape, point[0], point[1], false);
        const seen = over(withAlpha(fill, parseFloat(style.fillOpacity || '1') * opacity(shape)), ground);
        records.push({kind: 'mark', what: describe(shape) + ' fill', text: describe(shape.parentElement),
                      ratio: ratio(seen, ground)});
      }
    }
  }

  // HTML marks: [selector, property] pairs.
  for (const root of elements) {
    for (const [selector, property] of marks) {
      for (const element of root.querySelectorAll(selector)) {
        if (!visible(element)) continue;
        const colour = parse(getComputedStyle(element).getPropertyValue(property));
        if (!colour || colour[3] === 0) continue;
        const point = centreInView(element, () => element.getBoundingClientRect());
        if (!point) continue;
        // A border lies between the element's own background and what is beneath it: both count.
        const grounds = [backdrop(element, point[0], point[1], false)];
        const own = parse(getComputedStyle(element).backgroundColor);
        const sameAsFill = own && [0, 1, 2, 3].every(i => Math.abs(own[i] - colour[i]) < 0.5);
        if (property.startsWith('border') && !sameAsFill) grounds.push(backdrop(element, point[0], point[1], true));
        const worst = Math.min(...grounds.map(ground => ratio(over(withAlpha(colour, opacity(element)), ground), ground)));
        records.push({kind: 'mark', what: describe(element) + ' ' + property, text: element.textContent.trim().slice(0, 30),
                      ratio: worst});
      }
    }
  }
  return records;
}
