/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough to check what
 * node_exporter's textfile collector would accept: HELP/TYPE once per family and before its
 * samples, samples of a family together, valid names, escaped label values, unique series.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string | null;
  type: string | null;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseLabels(text: string, lineNo: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${lineNo}: label without '='`);
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`line ${lineNo}: bad label name ${name}`);
    if (text[eq + 1] !== '"') throw new Error(`line ${lineNo}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (;;) {
      const c = text[j];
      if (c === undefined) throw new Error(`line ${lineNo}: unterminated label value`);
      if (c === '\\') {
        const n = text[j + 1];
        if (n === '\\') value += '\\';
        else if (n === '"') value += '"';
        else if (n === 'n') value += '\n';
        else throw new Error(`line ${lineNo}: bad escape \\${n}`);
        j += 2;
        continue;
      }
      if (c === '"') break;
      if (c === '\n') throw new Error(`line ${lineNo}: raw newline in label value`);
      value += c;
      j++;
    }
    if (name in labels) throw new Error(`line ${lineNo}: duplicate label ${name}`);
    labels[name] = value;
    j++;
    if (text[j] === ',') j++;
    i = j;
  }
  return labels;
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the last line must end with a newline');
  const families = new Map<string, Family>();
  const seriesSeen = new Set<string>();
  let current: string | null = null;
  const closed = new Set<string>();
  const family = (name: string): Family => {
    if (current !== name) {
      if (current !== null) closed.add(current);
      if (closed.has(name)) throw new Error(`samples of ${name} are not together`);
      current = name;
    }
    let f = families.get(name);
    if (!f) {
      f = { name, help: null, type: null, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, idx) => {
      const lineNo = idx + 1;
      if (line === '') return;
      const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (meta) {
        const [, kind, name, rest] = meta as unknown as [string, string, string, string];
        if (!NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name ${name}`);
        const f = family(name);
        if (f.samples.length > 0) throw new Error(`line ${lineNo}: ${kind} after samples of ${name}`);
        if (kind === 'HELP') {
          if (f.help !== null) throw new Error(`line ${lineNo}: second HELP for ${name}`);
          f.help = rest;
        } else {
          if (f.type !== null) throw new Error(`line ${lineNo}: second TYPE for ${name}`);
          if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`line ${lineNo}: bad type ${rest}`);
          f.type = rest;
        }
        return;
      }
      if (line.startsWith('#')) return;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
      if (!m) throw new Error(`line ${lineNo}: not a sample: ${line}`);
      const [, name, labelText, valueText] = m as unknown as [string, string, string | undefined, string];
      const value = Number(valueText);
      if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`line ${lineNo}: bad value ${valueText}`);
      const labels = labelText ? parseLabels(labelText, lineNo) : {};
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seriesSeen.has(key)) throw new Error(`line ${lineNo}: duplicate series ${key}`);
      seriesSeen.add(key);
      family(name).samples.push({ name, labels, value });
    });
  return families;
}
