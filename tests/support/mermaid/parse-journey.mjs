// Parse Mermaid journey diagrams with Mermaid's own parser, as a browser would.
// Input (stdin): a JSON array of diagram texts. Output (stdout): a JSON array with, per diagram,
// {"ok": true, "type", "title", "sections", "tasks": [{section, task, score, people}], "actors"}
// or {"ok": false, "error"}. Mermaid needs a DOM for its sanitizer; jsdom provides one.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const texts = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const text of texts) {
  try {
    // The same path as mermaid.parse() and render(): detect the type, load that diagram's
    // parser, parse into a fresh database.
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    if (diagram.type !== 'journey') throw new Error(`a ${diagram.type} diagram, not a journey`);
    const db = diagram.db;
    // getTasks() appends to the list it returns on every call: call it once.
    const tasks = db.getTasks();
    results.push({
      ok: true,
      type: diagram.type,
      title: db.getDiagramTitle(),
      // In order, from the tasks: the database's own section list is reset between diagrams.
      sections: [...new Set(tasks.map(t => t.section))],
      tasks: tasks.map(t => ({ section: t.section, task: t.task, score: t.score, people: t.people })),
      actors: [...new Set(tasks.flatMap(t => t.people))].sort(),
    });
  } catch (error) {
    results.push({ ok: false, error: String(error.message || error).split('\n').slice(0, 3).join('\n') });
  }
}
process.stdout.write(JSON.stringify(results));
